#!/bin/sh
# t0830-store-full: the collector's disk fills up (tests/tools/failwrite.so,
# LD_PRELOADed, fails writes and syncs under the data directory with ENOSPC
# while $T/full exists).  While it is full: no ACK goes out (the shipper
# keeps its lines), "store write failed" is logged once, not once a try,
# queries still answer and nothing crashes.  When space is back, writes
# resume by themselves and every line is stored exactly once -- also
# after a restart (a LevelDB handle that saw a failed write loses
# acknowledged records at the next recovery unless it is reopened, which
# the collector does).  Twice: with every write failing, then with only
# the syncs failing (LevelDB then refuses every later write on that
# handle).  A collector stopped while the disk is full exits promptly.
# And with three senders while it is full, the queued bytes stop at
# queue-max (plus at most a batch per sender).
. "$(dirname "$0")/../lib.sh"

N=3000			# lines per step
FULL=$T/full
SHIM=$VIGIL_TESTBIN/failwrite.so

# start_full_collector [CALLS]: the collector with the shim (only syncs
# fail with CALLS=fdatasync,fsync).
start_full_collector() {
	LD_PRELOAD=$SHIM FAILWRITE_DIR=$T/data FAILWRITE_CTL=$FULL \
	    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	export LD_PRELOAD FAILWRITE_DIR FAILWRITE_CTL ASAN_OPTIONS
	if [ -n "${1:-}" ]; then
		FAILWRITE_CALLS=$1
		export FAILWRITE_CALLS
	fi
	start_collector
	_rc=$?
	unset LD_PRELOAD FAILWRITE_DIR FAILWRITE_CTL FAILWRITE_CALLS
	return $_rc
}

# stat_of NAME: a number from vigil status --json.
stat_of() {
	vigil_cli status --json | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p"
}

# stored N: the collector holds N events of sf (the collector's count).
stored() {
	test "$(vigil_cli count --json host.name:sf |
	    sed -n 's/.*"total": *\([0-9]*\).*/\1/p')" -eq "$1"
}

# fill: the disk is full; the next N lines are written; the failure is
# logged; no ACK and no store for 3 s; queries answer; still alive.
fill() {
	_w=$1
	_f=$2	# failures logged before
	touch "$FULL" &&
	fault_lines "$T/sf.log" sf "$_w" $N &&
	wait_for "test \$(grep -c 'store write failed' \"\$T/collector.log\") \
	    -eq $((_f + 1))" 10 &&
	acks=$(stat_of acks) && st=$(stat_of events_stored) &&
	sleep 3 &&
	test "$(stat_of acks)" -eq "$acks" &&
	test "$(stat_of events_stored)" -eq "$st" &&
	stored "$_w" &&
	vigil_cli search --json --limit 1 host.name:sf | grep -q fxsfn &&
	collector_alive &&
	test "$(grep -c 'store write failed' "$T/collector.log")" -eq \
	    $((_f + 1)) &&
	expect_log "$T/collector.log" "failwrite: .* fail with ENOSPC"
}

test_expect_success 'collector with failwrite.so, a shipper, 3000 lines stored' '
	test -e "$SHIM" &&
	start_full_collector &&
	: >"$T/sf.log" &&
	start_shipper sf --from-beginning --input "syslog:$T/sf.log" &&
	fault_lines "$T/sf.log" sf 0 $N &&
	wait_for "stored $N" 20
'

test_expect_success 'disk full (every write fails): no ACK, one log line, queries answer' '
	fill $N 0 &&
	grep -c "store write failed\|failwrite" "$T/collector.log"
'

test_expect_success 'space back: writes resume by themselves, store reopened' '
	rm -f "$FULL" &&
	wait_for "stored $((2 * N))" 20 &&
	expect_log "$T/collector.log" "store writes work again" &&
	expect_log "$T/collector.log" "reopened after a write error"
'

test_expect_success 'more lines after the recovery are stored' '
	fault_lines "$T/sf.log" sf $((2 * N)) $N &&
	wait_for "stored $((3 * N))" 20
'

test_expect_success 'after a restart every acknowledged line is still there, once' '
	stop_collector &&
	start_full_collector fdatasync,fsync &&
	stored $((3 * N)) &&
	fault_search "$T/a.json" host.name:sf &&
	fault_check "$T/a.json" sf $((3 * N))
'

test_expect_success 'only syncs fail: no ACK, one more log line, queries answer' '
	fill $((3 * N)) 1
'

test_expect_success 'space back: writes resume without a restart' '
	rm -f "$FULL" &&
	wait_for "stored $((4 * N))" 20 &&
	test "$(grep -c "reopened after a write error" "$T/collector.log")" \
	    -ge 2
'

test_expect_success 'a collector stopped while the disk is full exits promptly' '
	fill $((4 * N)) 2 &&
	stop_collector &&
	expect_log "$T/collector.log" "stopping with [0-9]* events not stored"
'

test_expect_success 'restarted with space: every line exactly once' '
	rm -f "$FULL" &&
	start_collector &&
	wait_for "stored $((5 * N))" 30 &&
	fault_search "$T/all.json" host.name:sf &&
	fault_check "$T/all.json" sf $((5 * N))
'

test_expect_success 'the shipper is still running; everything stops cleanly' '
	alive "$(shipper_pid sf)" &&
	stop_shipper sf && stop_collector
'

# queue-max: while the store is stalled, three senders (their streams
# registered before the disk fills: loadgen -d waits after WELCOME) of
# batches of 256 lines (~70 KB, ~200 KB with their decoded records) fill
# the collector's queue up to the budget plus the one batch that crossed
# it (QBOUND), where session-queue alone would let them queue all 12,000
# lines (~9 MB).
LOADGEN=$VIGIL_TESTBIN/loadgen
QBOUND=$((1048576 + 300000))

test_expect_success 'disk full, three senders: the queue stops at queue-max' '
	printf "queue-max 1M\n" >>"$T/collector.conf" &&
	start_full_collector &&
	make_cert "$T/ca" lg >/dev/null 2>&1 &&
	"$LOADGEN" -p "$COLLECTOR_PORT" -c "$T/ca/lg.crt" -k "$T/ca/lg.key" \
	    -a "$T/ca/ca.crt" -n 3 -m 4000 -b 256 -d 5 >"$T/lg.out" 2>&1 &
	LGPID=$! &&
	remember "$LGPID" loadgen &&
	wait_for "test \$(stat_of sessions) -eq 3" 10 &&
	touch "$FULL" &&
	wait_for "test \$(stat_of queue_bytes) -gt 1048576" 20 &&
	sleep 2 &&
	q=$(stat_of queue_bytes) &&
	sleep 1 &&
	test "$(stat_of queue_bytes)" -eq "$q" &&
	test "$q" -le $QBOUND &&
	test "$(stat_of events_stored)" -eq 0 &&
	alive "$LGPID"
'

test_expect_success 'space back: every sender finishes, the peak stayed bounded' '
	rm -f "$FULL" &&
	wait_for "! alive $LGPID" 60 &&
	wait "$LGPID" &&
	grep -q " ok" "$T/lg.out" &&
	test "$(stat_of events_stored)" -eq 12000 &&
	test "$(stat_of queue_bytes)" -eq 0 &&
	peak=$(stat_of queue_peak_bytes) &&
	test "$peak" -gt 1048576 &&
	test "$peak" -le $QBOUND &&
	stop_collector
'

test_done
