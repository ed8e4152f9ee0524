#!/bin/sh
# t0800-kill-collector: the collector is killed with SIGKILL at random
# points, at least 5 times, while three shippers send 102,000 lines (each
# with a unique id) that writers are still appending; it is restarted on
# the same port and data each time.  Afterwards every line is stored
# exactly once: the sorted list of ids `vigil search --json` returns is
# the list written, with no id twice, and `vigil count` agrees.  The
# random points come from a seed printed first (VIGIL_TEST_SEED=N).
. "$(dirname "$0")/../lib.sh"

PER=34000		# lines per shipper
CHUNK=400		# lines a writer appends at a time, every 0.1 s
KILLS=6
TAGS="ka kb kc"
TOTAL=$((PER * 3))
fault_seed

files() {
	for _t in $TAGS; do
		echo "$T/$_t.log"
	done
}

test_expect_success 'collector and three shippers start' '
	start_collector &&
	for t in $TAGS; do
		: >"$T/$t.log" &&
		start_shipper $t --from-beginning --input "syslog:$T/$t.log" ||
		return 1
	done &&
	wait_for "vigil_cli status >\"\$T/status.out\" &&
	    grep -q ka \"\$T/status.out\" && grep -q kc \"\$T/status.out\"" 15
'

test_expect_success "writers start appending $TOTAL lines" '
	: >"$T/writers" &&
	for t in $TAGS; do
		fault_writer "$T/$t.log" $t $PER $CHUNK 0.1 &
		echo $! >>"$T/writers"
		remember $! writer-$t
	done &&
	wait_for "test \$(fault_progress $(files)) -ge $((TOTAL / 10))" 20
'

test_expect_success "collector killed (SIGKILL) $KILLS times during the ingest" '
	k=1 &&
	while [ $k -le $KILLS ]; do
		rnd_sleep 200 1200 &&
		collector_alive &&
		p=$(fault_progress $(files)) &&
		kill_collector &&
		say "kill $k: after ${_ms} ms, $p of $TOTAL lines written" &&
		echo "--- kill $k: SIGKILL at $p lines written" \
		    >>"$T/collector.log" &&
		echo "$p" >>"$T/killed-at" &&
		rnd_sleep 0 400 &&
		start_collector || return 1
		k=$((k + 1))
	done &&
	test "$(head -n 5 "$T/killed-at" | tail -n 1)" -lt "$TOTAL"
'

test_expect_success 'writers finish' '
	for p in $(cat "$T/writers"); do
		wait "$p" || return 1
	done &&
	test "$(fault_progress $(files))" -eq "$TOTAL"
'

test_expect_success 'every shipper gets its last line acknowledged' '
	for t in $TAGS; do
		last=$(printf "fx%sn%06d" $t $((PER - 1))) &&
		wait_for "vigil_cli search --json $last | grep -q $last" 60 ||
		return 1
	done
'

for t in $TAGS; do
	test_expect_success "$t: every line stored exactly once" "
		fault_search \"\$T/$t.json\" host.name:$t &&
		fault_check \"\$T/$t.json\" $t $PER
	"
done

test_expect_success 'vigil count agrees: the total is the number written' '
	vigil_cli count --json NOT event.dataset:vigil >"$T/count.out" &&
	cat "$T/count.out" &&
	n=$(sed -n "s/.*\"count\": *\([0-9][0-9]*\).*/\1/p" "$T/count.out" |
	    awk "{ n += \$1 } END { print n + 0 }") &&
	test "$n" -eq "$TOTAL"
'

test_expect_success 'the shippers saw the collector go and come back' '
	for t in $TAGS; do
		alive "$(shipper_pid $t)" || return 1
	done &&
	test "$(grep -c "listening on" "$T/collector.log")" -eq $((KILLS + 1))
'

test_expect_success 'everything stops cleanly' '
	for t in $TAGS; do
		stop_shipper $t || return 1
	done &&
	stop_collector
'

test_done
