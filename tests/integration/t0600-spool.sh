#!/bin/sh
# t0600-spool: the shipper's disk spool.  (a) With the collector down the
# shipper reads N lines into its spool (its memory stays under 10 MB), is
# killed, and the file is rotated and deleted while it is down; restarted,
# it reads M more lines from the new file.  When the collector comes back
# every one of the N + M lines is stored exactly once (each line id is
# searched for) and the spool drains (its segments are deleted).  (b) With
# a 256k spool and the collector down, N lines overflow it: the shipper
# drops the oldest segments and logs the dropped range; once the collector
# is back, the stored lines are exactly the newest ones (each once), and
# the collector counts the dropped range as a gap: `vigil status --json`
# "gaps" of the sender plus its stored events is exactly N, and the
# collector log names the same sequence range as the shipper's.
. "$(dirname "$0")/../lib.sh"

N=20000		# lines written while the collector is down
M=500		# lines written after the restart

# write FILE TAG FROM COUNT: append lines FROM..FROM+COUNT-1 of TAG.
write() {
	python3 - "$@" <<'EOF'
import sys, time
path, s, lo, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ts = time.strftime("%b %e %H:%M:%S", time.gmtime())
with open(path, "a") as f:
    for i in range(lo, lo + n):
        f.write("%s spool sshd[%d]: Accepted password for sp%sn%06d from "
                "198.51.100.%d port %d ssh2\n" %
                (ts, 1000 + i % 5000, s, i, i % 250 + 1, 30000 + i))
EOF
}

# count HOST TAG FROM TO: the collector has every line spTAGn FROM..TO-1
# exactly once and no other line of TAG (prints a summary).
count() {
	vigil_cli search --json --limit 100000 host.name:"$1" \
	    NOT event.dataset:vigil >"$T/search-$1.json" &&
	python3 - "$T/search-$1.json" "$2" "$3" "$4" <<'EOF'
import re, sys
path, s, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
seen = {}
for l in open(path, encoding="utf-8", errors="replace"):
    m = re.search(r"sp%sn(\d{6})" % s, l)
    if m:
        seen[int(m.group(1))] = seen.get(int(m.group(1)), 0) + 1
missing = [i for i in range(lo, hi) if i not in seen]
dups = sorted(i for i, c in seen.items() if c > 1)
extra = sorted(i for i in seen if i < lo or i >= hi)
print("%s: %d distinct of %d, %d missing (%s), %d duplicated (%s), "
      "%d unexpected (%s)" % (s, len(seen), hi - lo, len(missing),
      " ".join(map(str, missing[:10])), len(dups),
      " ".join(map(str, dups[:10])), len(extra),
      " ".join(map(str, extra[:10]))))
sys.exit(1 if missing or dups or extra else 0)
EOF
}

# next_seq NAME PATH: the next sequence in NAME's checkpoint of PATH.
next_seq() {
	awk -v p="$2" 'index($0, p " ") == 1 { print $NF }' \
	    "$T/ship-$1/checkpoints" 2>/dev/null
}

nsegs() {
	ls "$T/ship-$1/spool" 2>/dev/null | grep -c '\.seg$'
}

test_expect_success 'collector down, the shipper spools N lines' '
	start_collector && stop_collector &&
	: >"$T/a.log" &&
	start_shipper spa --from-beginning --input "auth:$T/a.log" &&
	write "$T/a.log" a 0 $N &&
	wait_for "test \"\$(next_seq spa \"\$T/a.log\")\" = $((N + 1))" 30 &&
	test "$(nsegs spa)" -ge 1 &&
	grep -E "^(VmRSS|RssAnon|RssFile)" /proc/$(shipper_pid spa)/status &&
	rss=$(awk "/^VmRSS/ { print \$2 }" /proc/$(shipper_pid spa)/status) &&
	anon=$(awk "/^RssAnon/ { print \$2 }" /proc/$(shipper_pid spa)/status) &&
	say "shipper RSS with $N lines spooled: $rss kB, $anon kB private" &&
	if grep -q __asan_init "$VIGIL_BIN/vigil-shipper"; then
		say "ASan build: its shadow memory makes RSS no measure"
	else
		# the lines wait on disk: what the shipper holds itself is
		# the window (512k), two 128k spool buffers and the frames
		# queued (2 MB private with gcc; the rest of RSS is shared
		# library pages, which differ with the compiler: 9.1 MB in
		# all with gcc, more with clang)
		test "$anon" -le 4096
	fi
'

test_expect_success 'killed; the file is rotated and deleted meanwhile' '
	kill_shipper spa &&
	mv "$T/a.log" "$T/a.log.1" && : >"$T/a.log" && rm "$T/a.log.1" &&
	write "$T/a.log" a $N $M &&
	start_shipper spa --from-beginning --input "auth:$T/a.log" &&
	wait_for "test \"\$(next_seq spa \"\$T/a.log\")\" = $((N + M + 1))" 30
'

test_expect_success 'collector back: all N + M lines stored exactly once' '
	start_collector &&
	wait_for "count spa a 0 $((N + M))" 60 &&
	cat "$T/wait_for.out" &&
	! grep -q "spool full" "$T/ship-spa.log"
'

test_expect_success 'the spool drains' '
	wait_for "test \$(nsegs spa) -le 1" 20 &&
	stop_shipper spa &&
	test "$(nsegs spa)" -le 1
'

test_expect_success 'small spool, collector down: the oldest lines are dropped' '
	stop_collector &&
	printf "spool-size 256k\nwindow-bytes 64k\n" >"$T/ship-spb.conf" &&
	: >"$T/b.log" &&
	start_shipper spb --from-beginning --input "auth:$T/b.log" &&
	write "$T/b.log" b 0 $N &&
	wait_for "test \"\$(next_seq spb \"\$T/b.log\")\" = $((N + 1))" 30 &&
	expect_log "$T/ship-spb.log" "spool full: dropping the oldest lines of .*/b.log, from 1\$" &&
	du -sk "$T/ship-spb/spool" &&
	test "$(du -sk "$T/ship-spb/spool" | cut -f1)" -le 300
'

test_expect_success 'collector back: newest lines stored, the rest is a gap' '
	start_collector &&
	wait_for "grep -q \"sending GAP 1-\" \"\$T/ship-spb.log\"" 20 &&
	last=$(sed -n "s/.*sending GAP 1-\([0-9]*\) (.*/\1/p" \
	    "$T/ship-spb.log" | head -n 1) &&
	say "dropped sequences 1-$last" &&
	test "$last" -gt 1000 && test "$last" -lt $N &&
	wait_for "count spb b $last $N" 60 &&
	cat "$T/wait_for.out" &&
	vigil_cli status --json >"$T/status.json" &&
	python3 - "$T/status.json" "$last" "$N" <<-\EOF &&
	import json, sys
	st = json.load(open(sys.argv[1]))
	last, n = int(sys.argv[2]), int(sys.argv[3])
	s = [x for x in st["senders"] if x["name"] == "spb"][0]
	print("spb: stored %d, gaps %d" % (s["stored"], s["gaps"]))
	sys.exit(0 if s["gaps"] == last and s["stored"] + s["gaps"] == n else 1)
	EOF
	expect_log "$T/collector.log" "stream spb:.*: sequences 1-$last lost by the sender \(spool_full\)" &&
	vigil_cli search --json event.action:sequence_gap vigil.sender:spb \
	    >"$T/gapev.json" &&
	test "$(wc -l <"$T/gapev.json")" -eq 1 &&
	grep -q "\"event.reason\":\"spool_full\"" "$T/gapev.json" &&
	grep -q "\"vigil.gap.count\":\"$last\"" "$T/gapev.json"
'

test_done
