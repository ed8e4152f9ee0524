#!/bin/sh
# t0010-collector-starts: the collector checks its configuration with -n
# (a good file exits 0; a bad one names FILE:LINE and exits 1), starts in
# the foreground on 127.0.0.1, answers `vigil status` over its unix socket,
# refuses a second instance on the same data directory, and stops cleanly
# on SIGTERM; a restart finds its data again.
. "$(dirname "$0")/../lib.sh"

test_expect_success 'test CA and collector certificate' '
	make_ca "$T/ca" &&
	make_cert "$T/ca" collector server &&
	openssl verify -CAfile "$T/ca/ca.crt" "$T/ca/collector.crt"
'

test_expect_success '-n accepts a good configuration' '
	cat >"$T/good.conf" <<-EOF &&
	# a comment, then every kind of line
	listen 127.0.0.1:6515

	data "$T/data"
	socket $T/sock   # trailing comment
	tls-cert $T/ca/collector.crt
	tls-key $T/ca/collector.key
	tls-ca $T/ca/ca.crt
	EOF
	timeout 10 "$VIGIL_BIN/vigil-collector" -n -f "$T/good.conf"
'

test_expect_success '-n names FILE:LINE of an unknown option and exits 1' '
	printf "%s\n" "# fine" "listen 127.0.0.1:6515" "no-such-option 1" \
	    >"$T/bad.conf" &&
	timeout 10 "$VIGIL_BIN/vigil-collector" -n -f "$T/bad.conf" \
	    >"$T/bad.out" 2>&1
	test $? -eq 1 &&
	grep -F "$T/bad.conf:3" "$T/bad.out"
'

test_expect_success '-n names FILE:LINE of a bad value and exits 1' '
	printf "%s\n" "listen 127.0.0.1:6515" "" "heartbeat soon" \
	    >"$T/bad2.conf" &&
	timeout 10 "$VIGIL_BIN/vigil-collector" -n -f "$T/bad2.conf" \
	    >"$T/bad2.out" 2>&1
	test $? -eq 1 &&
	grep -F "$T/bad2.conf:3" "$T/bad2.out"
'

test_expect_success 'a missing configuration file is an error' '
	test_must_fail timeout 10 "$VIGIL_BIN/vigil-collector" -n \
	    -f "$T/does-not-exist.conf"
'

test_expect_success 'collector starts and logs "listening on"' '
	start_collector &&
	expect_log "$T/collector.log" "listening on" &&
	test -S "$T/sock" &&
	test -d "$T/data"
'

test_expect_success 'vigil status answers' '
	vigil_cli status >"$T/status.out" &&
	test -s "$T/status.out" &&
	collector_alive
'

test_expect_success 'vigil status --json prints JSON' '
	vigil_cli status --json >"$T/status.json" &&
	python3 -c "import json,sys
for l in open(sys.argv[1]):
    l = l.strip()
    if l:
        json.loads(l)" "$T/status.json"
'

test_expect_success 'search on an empty store returns nothing, successfully' '
	vigil_cli search --json "host.name:nobody" >"$T/empty.out" &&
	test ! -s "$T/empty.out" &&
	vigil_cli search --json "no such words" >"$T/empty.out" &&
	test ! -s "$T/empty.out" &&
	collector_alive
'

test_expect_success 'a second collector on the same data directory is refused' '
	collector_alive &&
	other=$(free_port) &&
	test_must_fail timeout 10 "$VIGIL_BIN/vigil-collector" -d \
	    -f "$T/collector.conf" --listen "127.0.0.1:$other" \
	    --data "$T/data" --socket "$T/sock2" \
	    --tls-cert "$T/ca/collector.crt" --tls-key "$T/ca/collector.key" \
	    --tls-ca "$T/ca/ca.crt" &&
	vigil_cli status >/dev/null
'

test_expect_success 'collector stops on SIGTERM' '
	collector_alive &&
	stop_collector &&
	expect_log "$T/collector.log" "stopped"
'

test_expect_success 'collector restarts on the same data' '
	start_collector &&
	vigil_cli status >/dev/null
'

test_done
