#!/bin/sh
# t0720-acksink: the benchmark's acknowledging sink (tests/tools/acksink.c),
# which measures the shipper alone in `make bench`, counts exactly what a
# shipper tails: every line, in sequence, with its bytes; and it fails,
# rather than reporting a rate, when the shipper goes away early.
. "$(dirname "$0")/../lib.sh"

ACKSINK=$VIGIL_TESTBIN/acksink
LOADGEN=$VIGIL_TESTBIN/loadgen

# sink LINES: start acksink for LINES lines on a free port ($SINK_PORT)
sink() {
	make_cert "$T/ca" collector server >/dev/null 2>&1 || return 1
	SINK_PORT=$(free_port) || return 1
	: >"$T/sink.out"
	timeout 60 "$ACKSINK" -p "$SINK_PORT" -c "$T/ca/collector.crt" \
	    -k "$T/ca/collector.key" -a "$T/ca/ca.crt" -m "$1" \
	    >"$T/sink.out" 2>"$T/sink.err" &
	SINK_PID=$!
	remember "$SINK_PID" acksink
	wait_for "grep -q listening \"$T/sink.out\"" 10
}

test_expect_success 'every tailed line reaches the sink, bytes exact' '
	make_ca "$T/ca" >/dev/null 2>&1 &&
	"$LOADGEN" -o "$T/lines.log" -n 1 -m 20000 &&
	sink 20000 &&
	printf "input auth:%s\nfrom-beginning yes\n" "$T/ship.log" \
	    >"$T/ship-s1.conf" &&
	cp "$T/lines.log" "$T/ship.log" &&
	SHIPPER_PORT=$SINK_PORT start_shipper s1 &&
	wait "$SINK_PID" &&
	bytes=$(( $(wc -c <"$T/lines.log") - 20000 )) &&
	grep -qx "lines 20000 bytes $bytes seconds [0-9.]*" "$T/sink.out" &&
	grep -qx "acked 20000" "$T/sink.out" &&
	stop_shipper s1
'

test_expect_success 'a shipper that goes away early fails the sink' '
	sink 1000 &&
	head -n 10 "$T/lines.log" >"$T/ship2.log" &&
	printf "input auth:%s\nfrom-beginning yes\n" "$T/ship2.log" \
	    >"$T/ship-s2.conf" &&
	SHIPPER_PORT=$SINK_PORT start_shipper s2 &&
	wait_for "grep -qx \"acked 10\" \"$T/sink.out\"" 10 &&
	stop_shipper s2 &&
	test_must_fail wait "$SINK_PID" &&
	grep -q "connection lost after 10 lines" "$T/sink.err" &&
	! grep -q "^lines" "$T/sink.out"
'

test_done
