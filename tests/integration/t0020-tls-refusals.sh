#!/bin/sh
# t0020-tls-refusals: mutual TLS is required.  The collector refuses, and
# logs "refused <addr>: <reason>" for, a shipper whose certificate comes
# from another CA, a TLS client that sends no certificate, a client that
# offers only TLS 1.1, and (with tls-crl) a shipper whose certificate was
# revoked, and a shipper whose certificate has expired or is not valid
# yet; none of them gets an event stored.  Each refusal is logged exactly
# once, with the peer address and a reason naming the cause, and counted
# in `vigil status --json` under tls_refused_by_reason.  A shipper with a
# good certificate is accepted, and the events it sends are recorded under
# the host name of its certificate, not the one it claims.  The shipper,
# too, refuses a collector whose certificate does not name the address it
# connects to, has expired or is not valid yet.
. "$(dirname "$0")/../lib.sh"

# dated_cert NAME START END [server]: $T/ca/NAME.{crt,key} issued by the
# test CA and valid from START to END (YYYYMMDDHHMMSSZ), made by
# openssl ca(1), since openssl x509 -req of OpenSSL 3.0 cannot set dates.
# A client certificate has SAN DNS:NAME; a server one DNS:localhost and
# IP:127.0.0.1, as make_cert's.
dated_cert() {
	_san="DNS:$1" _eku=clientAuth
	if [ "${4:-}" = server ]; then
		_san="DNS:localhost,IP:127.0.0.1" _eku="serverAuth,clientAuth"
	fi
	(
	cd "$T/ca" || exit 1
	cat >dated.cnf <<-EOF
	[ ca ]
	default_ca = dated
	[ dated ]
	database = index.txt
	new_certs_dir = .
	serial = dated.srl
	certificate = ca.crt
	private_key = ca.key
	default_md = sha256
	policy = anything
	unique_subject = no
	[ anything ]
	commonName = supplied
	[ ext ]
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,digitalSignature
	extendedKeyUsage = $_eku
	subjectAltName = $_san
	EOF
	[ -s dated.srl ] || openssl rand -hex 8 >dated.srl
	(umask 077 && openssl genpkey -algorithm EC \
	    -pkeyopt ec_paramgen_curve:P-256 -out "$1.key") &&
	openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr" &&
	openssl ca -batch -config dated.cnf -extensions ext -notext \
	    -startdate "$2" -enddate "$3" -in "$1.csr" -out "$1.crt" &&
	rm -f "$1.csr"
	)
}

# status_reason REASON: the collector's tls_refused_by_reason.REASON (0
# when absent).
status_reason() {
	vigil_cli status --json >"$T/status.json" || return 1
	python3 -c "import json, sys
print(json.load(open(sys.argv[1]))[\"tls_refused_by_reason\"].get(sys.argv[2], 0))" \
	    "$T/status.json" "$1"
}

# refused_with ERE: how many refusal lines name ERE as the reason.
refused_with() {
	grep -Ec "refused 127\.0\.0\.1:[0-9]+: .*$1" "$T/collector.log"
}

# s_client ARGS...: one TLS handshake attempt against the collector, output
# in $T/s_client.out.  Exit status: openssl's, or 124 when the collector
# kept the connection open for 10 s.
s_client() {
	timeout 10 openssl s_client -connect "127.0.0.1:$COLLECTOR_PORT" \
	    -servername localhost -CAfile "$T/ca/ca.crt" -ign_eof "$@" \
	    </dev/null >"$T/s_client.out" 2>&1
}

# refused_count: how many "refused 127.0.0.1:" lines the collector logged.
refused_count() {
	grep -c "refused 127\.0\.0\.1:[0-9][0-9]*: " "$T/collector.log"
}

# refused_after N: wait until there are more than N refusal lines.
refused_after() {
	wait_for "test \$(refused_count) -gt $1" 10
}

test_expect_success 'collector starts' '
	start_collector
'

test_expect_success 'shipper with a certificate from another CA is refused' '
	make_foreign_ca "$T/foreign" &&
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "evil sshd[1]: Accepted password for root from 192.0.2.66 port 4242 ssh2" \
	    >"$T/evil.log" &&
	n=$(refused_count)
	start_shipper evil --ca "$T/foreign" --from-beginning \
	    --input "auth:$T/evil.log" &&
	refused_after "$n" &&
	expect_log "$T/collector.log" "refused 127\.0\.0\.1:[0-9]+: .+"
'

test_expect_success 'nothing from the refused shipper was stored' '
	stop_shipper evil &&
	vigil_cli search --json "192.0.2.66" >"$T/evil.out" &&
	test ! -s "$T/evil.out" &&
	vigil_cli search --json "host.name:evil" >"$T/evil2.out" &&
	test ! -s "$T/evil2.out" &&
	collector_alive
'

test_expect_success 'TLS client without a certificate is refused' '
	n=$(refused_count)
	s_client
	rc=$?
	cat "$T/s_client.out" &&
	test "$rc" -ne 0 && test "$rc" -ne 124 &&
	refused_after "$n"
'

test_expect_success 'TLS client with a foreign certificate is refused' '
	n=$(refused_count)
	s_client -cert "$T/foreign/evil.crt" -key "$T/foreign/evil.key"
	rc=$?
	test "$rc" -ne 0 && test "$rc" -ne 124 &&
	refused_after "$n"
'

test_expect_success 'TLS 1.1 client is refused' '
	make_cert "$T/ca" tls11 &&
	n=$(refused_count)
	s_client -tls1_1 -cipher "DEFAULT:@SECLEVEL=0" \
	    -cert "$T/ca/tls11.crt" -key "$T/ca/tls11.key"
	rc=$?
	cat "$T/s_client.out" &&
	test "$rc" -ne 0 && test "$rc" -ne 124 &&
	refused_after "$n"
'

test_expect_success 'plain TCP garbage is dropped, the collector keeps running' '
	python3 -c "import socket
s = socket.create_connection((\"127.0.0.1\", $COLLECTOR_PORT), 5)
s.sendall(b\"GET / HTTP/1.0\\r\\n\\r\\n\")
s.settimeout(5)
try:
    s.recv(100)
except OSError:
    pass" &&
	alive "$COLLECTOR_PID" &&
	vigil_cli status >/dev/null
'

test_expect_success 'the refusals are counted by reason' '
	vigil_cli status --json >"$T/status.json" &&
	python3 -c "import json, sys
s = json.load(open(sys.argv[1]))
by = s[\"tls_refused_by_reason\"]
print(by)
assert sum(by.values()) == s[\"tls_refused\"]
assert by.get(\"no_certificate\", 0) == 1
assert by.get(\"protocol\", 0) >= 2     # TLS 1.1 and plain TCP
assert by.get(\"unknown_ca\", 0) >= 2   # the foreign shipper and s_client
" "$T/status.json" &&
	test "$(refused_count)" = "$(python3 -c "import json, sys
print(json.load(open(sys.argv[1]))[\"tls_refused\"])" "$T/status.json")"
'

test_expect_success 'a good shipper is accepted and named by its certificate' '
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "good sshd[77]: Accepted publickey for deploy from 192.0.2.77 port 4077 ssh2: ED25519 SHA256:t0020goodline" \
	    >"$T/good.log" &&
	start_shipper good --from-beginning --hostname liar \
	    --input "auth:$T/good.log" &&
	wait_for "vigil_cli search --json t0020goodline | grep -q t0020goodline" 15 &&
	vigil_cli search --json t0020goodline >"$T/good.out" &&
	test "$(wc -l <"$T/good.out")" -eq 1 &&
	grep -q "\"host.name\": *\"good\"" "$T/good.out" &&
	collector_alive
'

test_expect_success 'the good shipper was not logged as refused' '
	! grep -E "refused .*good" "$T/collector.log"
'

test_expect_success 'with tls-crl, a revoked shipper certificate is refused' '
	make_cert "$T/ca" revoked &&
	mkcerts_revoke "$T/ca" revoked &&
	stop_shipper good &&
	stop_collector &&
	start_collector --tls-crl "$T/ca/crl.pem" &&
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "revoked sshd[78]: Accepted publickey for deploy from 192.0.2.78 port 4078 ssh2: ED25519 SHA256:t0020revoked" \
	    >"$T/revoked.log" &&
	n=$(refused_count)
	start_shipper revoked --from-beginning --input "auth:$T/revoked.log" &&
	refused_after "$n" &&
	expect_log "$T/collector.log" "refused 127\.0\.0\.1:[0-9]+: .*revoked" &&
	stop_shipper revoked &&
	vigil_cli search --json t0020revoked >"$T/revoked.out" &&
	test ! -s "$T/revoked.out" &&
	collector_alive
'

test_expect_success 'with tls-crl, a good shipper is still accepted' '
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "good sshd[79]: session t0020aftercrl" \
	    >>"$T/good.log" &&
	start_shipper good --input "auth:$T/good.log" &&
	wait_for "vigil_cli search --json t0020aftercrl | grep -q t0020aftercrl" 15
'

test_expect_success 'an expired shipper certificate is refused, logged once, counted' '
	dated_cert expired 20200101000000Z 20210101000000Z &&
	openssl x509 -in "$T/ca/expired.crt" -noout -enddate | grep 2021 &&
	n=$(refused_count) &&
	s_client -cert "$T/ca/expired.crt" -key "$T/ca/expired.key"
	rc=$?
	test "$rc" -ne 0 && test "$rc" -ne 124 &&
	refused_after "$n" && sleep 0.5 &&
	test "$(refused_count)" -eq $((n + 1)) &&
	grep "refused" "$T/collector.log" | tail -n 1 | grep -E "refused 127\.0\.0\.1:[0-9]+: certificate verify failed: certificate has expired$" &&
	test "$(status_reason expired)" = 1
'

test_expect_success 'a shipper with an expired certificate stores nothing' '
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "expired sshd[81]: session t0020expired" \
	    >"$T/expired.log" &&
	start_shipper expired --from-beginning --input "auth:$T/expired.log" &&
	wait_for "test \$(refused_with expired) -ge 2" 10 &&
	wait_for "grep -q \"certificate expired\" \"\$T/ship-expired.log\"" 10 &&
	stop_shipper expired &&
	# the alert, not the reset that follows it, is what the shipper says
	! grep "connection closed by the collector" "$T/ship-expired.log" &&
	sleep 0.5 &&
	test "$(status_reason expired)" = "$(refused_with "certificate has expired")" &&
	vigil_cli search --json t0020expired >"$T/expired.out" &&
	test ! -s "$T/expired.out"
'

test_expect_success 'a shipper certificate not yet valid is refused, logged once, counted' '
	dated_cert future 20400101000000Z 20410101000000Z &&
	n=$(refused_count) &&
	s_client -cert "$T/ca/future.crt" -key "$T/ca/future.key"
	rc=$?
	test "$rc" -ne 0 && test "$rc" -ne 124 &&
	refused_after "$n" && sleep 0.5 &&
	test "$(refused_count)" -eq $((n + 1)) &&
	grep "refused" "$T/collector.log" | tail -n 1 | grep -E "refused 127\.0\.0\.1:[0-9]+: certificate verify failed: certificate is not yet valid$" &&
	test "$(status_reason not_yet_valid)" = 1 &&
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "future sshd[82]: session t0020future" \
	    >"$T/future.log" &&
	start_shipper future --from-beginning --input "auth:$T/future.log" &&
	wait_for "test \$(refused_with \"not yet valid\") -ge 2" 10 &&
	stop_shipper future &&
	sleep 0.5 &&
	test "$(status_reason not_yet_valid)" = "$(refused_with "not yet valid")" &&
	vigil_cli search --json t0020future >"$T/future.out" &&
	test ! -s "$T/future.out"
'

test_expect_success 'every refusal so far is counted under its reason' '
	vigil_cli status --json >"$T/status.json" &&
	python3 -c "import json, sys
s = json.load(open(sys.argv[1]))
by = s[\"tls_refused_by_reason\"]
print(by)
assert sum(by.values()) == s[\"tls_refused\"]
for r in (\"revoked\", \"expired\", \"not_yet_valid\"):
    assert by.get(r, 0) >= 1, r" "$T/status.json"
'

test_expect_success 'shipper refuses a collector certificate for another name' '
	stop_shipper good &&
	stop_collector &&
	mkcerts_server "$T/ca" other.example wrongname &&
	COLLECTOR_CERT=wrongname &&
	start_collector &&
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "good sshd[80]: session t0020wrongname" \
	    >>"$T/good.log" &&
	start_shipper good --input "auth:$T/good.log" &&
	wait_for "grep -q \"mismatch\" \"\$T/ship-good.log\"" 10 &&
	expect_log "$T/ship-good.log" "certificate verify failed: IP address mismatch" &&
	stop_shipper good &&
	vigil_cli search --json t0020wrongname >"$T/wrongname.out" &&
	test ! -s "$T/wrongname.out"
'

# shipper_refuses CERT ERE: with the collector on certificate CERT, the
# good shipper logs a TLS failure matching ERE and sends nothing; the
# collector counts the shipper'"'"'s alert as a refusal (peer_alert).
shipper_refuses() {
	stop_shipper good &&
	stop_collector &&
	COLLECTOR_CERT=$1 &&
	start_collector &&
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "good sshd[83]: session t0020$1" \
	    >>"$T/good.log" &&
	: >"$T/ship-good.log" &&
	start_shipper good --input "auth:$T/good.log" &&
	wait_for "grep -q \"TLS: certificate verify failed\" \"\$T/ship-good.log\"" 10 &&
	expect_log "$T/ship-good.log" "TLS: certificate verify failed: $2" &&
	stop_shipper good &&
	test "$(status_reason peer_alert)" -ge 1 &&
	vigil_cli search --json "t0020$1" >"$T/$1.out" &&
	test ! -s "$T/$1.out"
}

test_expect_success 'shipper refuses an expired collector certificate' '
	dated_cert srvexpired 20200101000000Z 20210101000000Z server &&
	shipper_refuses srvexpired "certificate has expired"
'

test_expect_success 'shipper refuses a collector certificate not yet valid' '
	dated_cert srvfuture 20400101000000Z 20410101000000Z server &&
	shipper_refuses srvfuture "certificate is not yet valid"
'

test_done
