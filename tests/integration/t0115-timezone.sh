#!/bin/sh
# t0115-timezone: RFC 3164 stamps carry no zone.  The collector reads them
# in its tz-offset (default UTC), or in the zone configured for one sender
# with tz-offset-for NAME=OFFSET; stamps with a zone (RFC 3339, audit) are
# not affected.
. "$(dirname "$0")/../lib.sh"

test_expect_success 'collector with a per-sender zone for hv7' '
	printf "%s\n" "tz-offset-for hv7=2h" "tz-offset-for hv8=-30m" \
	    >>"$T/collector.conf" &&
	start_collector &&
	: >"$T/hv7.log" && : >"$T/hv8.log" && : >"$T/hv9.log" &&
	start_shipper hv7 --input "auth:$T/hv7.log" &&
	start_shipper hv8 --input "auth:$T/hv8.log" &&
	start_shipper hv9 --input "auth:$T/hv9.log" &&
	sleep 0.5
'

test_expect_success 'the same local time lands at the right UTC instant' '
	Y=$(date -u +%Y) &&
	echo "Jan  2 12:00:00 hv7 sshd[1]: tzmark seven" >>"$T/hv7.log" &&
	echo "Jan  2 12:00:00 hv8 sshd[1]: tzmark eight" >>"$T/hv8.log" &&
	echo "Jan  2 12:00:00 hv9 sshd[1]: tzmark nine" >>"$T/hv9.log" &&
	echo "${Y}-01-02T12:00:00+00:00 hv7 sshd[1]: tzmark zoned" >>"$T/hv7.log" &&
	wait_for "test \$(vigil_cli search --json tzmark | wc -l) -eq 4" 15 &&
	vigil_cli search --json "tzmark seven" | grep -q "\"@timestamp\":\"[0-9-]*-01-02T10:00:00.000000Z\"" &&
	vigil_cli search --json "tzmark eight" | grep -q "\"@timestamp\":\"[0-9-]*-01-02T12:30:00.000000Z\"" &&
	vigil_cli search --json "tzmark nine" | grep -q "\"@timestamp\":\"[0-9-]*-01-02T12:00:00.000000Z\"" &&
	vigil_cli search --json "tzmark zoned" | grep -q "\"@timestamp\":\"${Y}-01-02T12:00:00.000000Z\""
'

test_expect_success 'a malformed tz-offset-for names the problem' '
	printf "%s\n" "tz-offset-for hv7" >"$T/bad.conf" &&
	test_must_fail "$VIGIL_BIN/vigil-collector" -d -f "$T/bad.conf" \
	    --data "$T/data2" --socket "$T/sock2" \
	    --listen "127.0.0.1:$(free_port)" \
	    --tls-cert "$T/ca/collector.crt" --tls-key "$T/ca/collector.key" \
	    --tls-ca "$T/ca/ca.crt" 2>"$T/bad.err" &&
	grep -q "tz-offset-for" "$T/bad.err"
'

test_done
