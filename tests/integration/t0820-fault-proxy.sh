#!/bin/sh
# t0820-fault-proxy: two shippers reach the collector through
# tests/tools/faultproxy, which cuts 24 connections after a random number
# of bytes (mid-frame: mid TLS record, mid BATCH) and holds every byte from
# the collector (WELCOME, ACKs) for 300 ms, so that batches the collector
# stored are unacknowledged when the cut comes (the shipper learns from
# the next WELCOME that they are stored).  Writers append until the cuts
# are done.  Afterwards 0 lines are lost and 0 stored twice (sorted id
# lists compared), the collector stored each line once, and its log shows
# the cut sessions closing.  Seeded: VIGIL_TEST_SEED=N repeats the proxy's
# cut points.
. "$(dirname "$0")/../lib.sh"

CUTS=24
TAGS="pa pb"
fault_seed

# write_until FILE TAG: append 200 lines every 0.1 s until $T/stop exists.
write_until() {
	_w=0
	while [ ! -e "$T/stop" ]; do
		fault_lines "$1" "$2" $_w 200 || return 1
		_w=$((_w + 200))
		echo $_w >"$1.progress"
		sleep 0.1
	done
}

written() {
	cat "$T/$1.log.progress"
}

files() {
	for _t in $TAGS; do
		echo "$T/$_t.log"
	done
}

test_expect_success 'collector and fault proxy start' '
	start_collector &&
	start_faultproxy -s "$FAULT_SEED" -c 4000:400000 -n $CUTS -d 300 &&
	cat "$T/faultproxy.log"
'

test_expect_success 'two shippers start through the proxy' '
	SHIPPER_PORT=$FAULTPROXY_PORT &&
	for t in $TAGS; do
		: >"$T/$t.log" &&
		start_shipper $t --from-beginning --input "syslog:$T/$t.log" ||
		return 1
	done
'

test_expect_success "writers append while the proxy makes $CUTS cuts" '
	: >"$T/writers" &&
	for t in $TAGS; do
		write_until "$T/$t.log" $t &
		echo $! >>"$T/writers"
		remember $! writer-$t
	done &&
	wait_for "grep -q \"cuts done\" \"\$T/faultproxy.log\"" 70 &&
	wait_for "test \$(grep -c \": cut after\" \"\$T/faultproxy.log\") \
	    -eq $CUTS" 30 &&
	touch "$T/stop" &&
	for p in $(cat "$T/writers"); do
		wait "$p" || return 1
	done &&
	say "written: pa $(written pa), pb $(written pb)"
'

test_expect_success 'every shipper gets its last line acknowledged' '
	for t in $TAGS; do
		last=$(printf "fx%sn%06d" $t $(($(written $t) - 1))) &&
		wait_for "vigil_cli search --json $last | grep -q $last" 40 ||
		return 1
	done
'

for t in $TAGS; do
	test_expect_success "$t: 0 lost, 0 duplicated" "
		fault_search \"\$T/$t.json\" host.name:$t &&
		fault_check \"\$T/$t.json\" $t \$(written $t)
	"
done

test_expect_success 'the collector stored each line once' '
	vigil_cli status --json >"$T/status.json" &&
	cat "$T/status.json" &&
	n=$(($(written pa) + $(written pb))) &&
	grep -Eq "\"events_stored\": *$n," "$T/status.json"
'

test_expect_success 'the collector log shows the cut sessions closing' '
	grep -E "(pa|pb): closed: " "$T/collector.log" >"$T/closed" ;
	sed "s/.*closed: //" "$T/closed" | sort | uniq -c &&
	test "$(lines "$T/closed")" -ge $CUTS
'

test_expect_success 'after the cuts the proxy relays whole connections' '
	grep "open, no cut" "$T/faultproxy.log" &&
	for t in $TAGS; do
		alive "$(shipper_pid $t)" || return 1
	done
'

test_expect_success 'everything stops cleanly' '
	for t in $TAGS; do
		stop_shipper $t || return 1
	done &&
	stop_collector && stop_pid "$FAULTPROXY_PID"
'

test_done
