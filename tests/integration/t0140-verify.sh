#!/bin/sh
# t0140-verify: every stream's stored blocks are hash-chained; `vigil
# verify` re-walks the chains.  A byte flipped in one stored line and one
# event deleted from another block (both through LevelDB writes, as an
# intruder with access to the data directory would do it) are both
# named, with their sequence ranges, as are a whole block removed with its
# chain link, a block inserted without one and one part of a block; an
# untouched store verifies clean, and a damaged block still answers from
# the parts that are left.
. "$(dirname "$0")/../lib.sh"

TAMPER=${VIGIL_TESTBIN:-$SRCDIR/build/obj/tests}/tamper

test_expect_success 'a shipper stores 1000 lines' '
	start_collector &&
: >"$T/app.log" &&
	start_shipper hv1 --role host --input "syslog:$T/app.log" &&
	shipper_opened hv1 "$T/app.log" &&
	awk "BEGIN { for (i = 1; i <= 1000; i++) printf \"2026-11-20T10:%02d:%02d.000000+00:00 hv1 app[1]: line %04d\\n\", i / 60 % 60, i % 60, i }" >>"$T/app.log" &&
	wait_for "vigil_cli count --json \"line\" | grep -q \"\\\"total\\\":1000\"" 20
'

test_expect_success 'an untouched store verifies clean' '
	vigil_cli verify >"$T/v1.out" &&
	grep -q "^ok  *hv1 $T/app.log: [0-9]* blocks, 1000 events, head" \
	    "$T/v1.out" &&
	grep -q "1000 events: 0 problems" "$T/v1.out" &&
	vigil_cli verify --host nosuchhost >"$T/v0.out" &&
	grep -q "verified 0 streams" "$T/v0.out"
'

test_expect_success 'tampering through LevelDB writes' '
	stop_shipper hv1 &&
	stop_collector &&
	"$TAMPER" "$T/data" flip hv1 "$T/app.log" 10 &&
	"$TAMPER" "$T/data" delete hv1 "$T/app.log" 900 &&
	"$TAMPER" "$T/data" drop hv1 "$T/app.log" 300 &&
	"$TAMPER" "$T/data" insert hv1 "$T/app.log" 600 &&
	"$TAMPER" "$T/data" droppart hv1 "$T/app.log" 700 &&
	start_collector
'

test_expect_success 'verify names the modified and the deleted event' '
	test_must_fail vigil_cli verify >"$T/v2.out" &&
	cat "$T/v2.out" &&
	grep -q "^MODIFIED hv1 $T/app.log seq [0-9]*-[0-9]*: the block" \
	    "$T/v2.out" &&
	grep -q "^TRUNCATED hv1 $T/app.log seq [0-9]*-[0-9]*: 1 of its" \
	    "$T/v2.out" &&
	grep -q "^DELETED hv1 $T/app.log seq 257-512: the blocks holding sequences 257-512 are gone" "$T/v2.out" &&
	grep -q "^INSERTED hv1 $T/app.log seq 100513-100768: a block without a chain link" "$T/v2.out" &&
	grep -q "^TRUNCATED hv1 $T/app.log seq 513-768: 64 of its 256 events are missing" "$T/v2.out" &&
	grep -q "^BAD .*935 events" "$T/v2.out" &&
	grep -q ": 5 problems" "$T/v2.out" &&
	vigil_cli verify --json >"$T/v2.json" || :
	grep -q "\"problem\":\"modified\"" "$T/v2.json" &&
	grep "\"problem\":\"modified\"" "$T/v2.json" | grep -q "\"first_seq\":1," &&
	grep "\"problem\":\"truncated\"" "$T/v2.json" | grep -q "\"last_seq\":1000"
'

test_expect_success 'a damaged block still answers from its other parts' '
	# 1000 - the dropped block (256) - the dropped part (64) - the
	# deleted event; the inserted copy has no index keys
	vigil_cli count --json "line" >"$T/c.out" &&
	grep -q "\"total\":679," "$T/c.out" &&
	vigil_cli count --json "\"line 0720\"" >"$T/c.out" &&
	grep -q "\"total\":1," "$T/c.out" &&
	vigil_cli count --json "\"line 0690\"" >"$T/c.out" &&
	grep -q "\"total\":0," "$T/c.out"
'

test_done
