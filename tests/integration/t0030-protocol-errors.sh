#!/bin/sh
# t0030-protocol-errors: a peer that sends a malformed, oversized or
# out-of-order frame gets an ERROR frame naming the reason and loses only
# its own connection; the reason is logged; a good session that is open
# meanwhile keeps working; retransmitted batches are stored once and a
# jump in sequence numbers is counted as a gap.
. "$(dirname "$0")/../lib.sh"

peer() {
	PEER_HOST=peer timeout 30 python3 "$SRCDIR/tests/tools/peer.py" \
	    "$COLLECTOR_PORT" "$T/ca/peer.crt" "$T/ca/peer.key" \
	    "$T/ca/ca.crt" "$@"
}

test_expect_success 'collector and a peer certificate' '
	start_collector &&
	make_cert "$T/ca" peer
'

test_expect_success 'a good session stays open meanwhile' '
	peer hold /var/log/held 8 >"$T/held.out" 2>&1 &
	HELD=$! &&
	wait_for "grep -q \"peer: hello\" \"$T/collector.log\"" 10
'

for act in frame-oversized frame-zero frame-unknown-type frame-garbage \
    batch-before-hello hello-bad-version hello-trailing \
    batch-unknown-stream batch-short hello-type-vigil; do
	test_expect_success "$act: ERROR frame, reason logged" '
		peer '"$act"' >"$T/'"$act"'.out" &&
		grep "^error " "$T/'"$act"'.out" &&
		reason=$(sed -n "s/^error //p" "$T/'"$act"'.out") &&
		grep -F "closing: $reason" "$T/collector.log"
	'
done

test_expect_success 'the held session still gets its ACK' '
	wait "$HELD" &&
	grep "^ack 1$" "$T/held.out"
'

test_expect_success 'a batch is acknowledged after storage' '
	peer batch /var/log/auth.log 1 100 first >"$T/b1.out" &&
	grep "^ack 100$" "$T/b1.out" &&
	test "$(vigil_cli search --json --limit 1000 "\"peer test first\"" |
	    wc -l)" -eq 100
'

test_expect_success 'a retransmission is stored once' '
	peer batch /var/log/auth.log 1 100 again >"$T/b2.out" &&
	grep "^ack 100$" "$T/b2.out" &&
	test "$(vigil_cli search --json --limit 1000 "\"peer test again\"" |
	    wc -l)" -eq 0
'

test_expect_success 'an overlapping batch stores only the new tail' '
	peer batch /var/log/auth.log 51 100 overlap >"$T/b3.out" &&
	grep "^ack 150$" "$T/b3.out" &&
	vigil_cli search --json --limit 1000 "\"peer test overlap\"" \
	    >"$T/overlap.json" &&
	test "$(wc -l <"$T/overlap.json")" -eq 50 &&
	grep -q "seq=101\"" "$T/overlap.json" &&
	grep -q "seq=150\"" "$T/overlap.json" &&
	! grep -q "seq=100\"" "$T/overlap.json"
'

test_expect_success 'a sequence jump is counted as a gap' '
	peer batch /var/log/auth.log 161 5 jump >"$T/b4.out" &&
	grep "^ack 165$" "$T/b4.out" &&
	grep -F "sequences 151-160 missing" "$T/collector.log" &&
	vigil_cli status --json >"$T/status.json" &&
	grep -q "\"gaps\":10" "$T/status.json" &&
	grep -q "\"duplicates\":150" "$T/status.json"
'

test_expect_success 'the gap is a searchable event of the collector' '
	vigil_cli search --json event.action:sequence_gap >"$T/gap.json" &&
	test "$(wc -l <"$T/gap.json")" -eq 1 &&
	grep -q "\"vigil.gap.first\":\"151\"" "$T/gap.json" &&
	grep -q "\"vigil.gap.last\":\"160\"" "$T/gap.json" &&
	grep -q "\"vigil.gap.count\":\"10\"" "$T/gap.json" &&
	grep -q "\"vigil.stream\":\"/var/log/auth.log\"" "$T/gap.json"
'

test_expect_success 'protocol errors are counted' '
	grep -q "\"protocol_errors\":10" "$T/status.json"
'

test_done
