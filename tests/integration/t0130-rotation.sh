#!/bin/sh
# t0130-rotation: a file rotated twice before the shipper finished the older
# copy loses no line.  (1) With the collector down and a small window the
# shipper is stuck in the first file while it is renamed twice (.1 -> .2,
# current -> .1, new current): once the collector is back, every line of
# the three files arrives exactly once, the middle file included.  (2) The
# shipper is killed (SIGKILL) and the file rotated twice while it is down:
# after a restart every line arrives exactly once.  (3) logrotate with
# compress + delaycompress: the first file is compressed to .2.gz while the
# shipper still reads it: it is finished from the open descriptor, the
# middle file is read, and the .gz is skipped and logged.
. "$(dirname "$0")/../lib.sh"

N=1000		# lines per file

# write FILE STREAM FROM COUNT: append lines FROM..FROM+COUNT-1 of STREAM.
write() {
	python3 - "$@" <<'EOF'
import sys, time
path, s, lo, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ts = time.strftime("%b %e %H:%M:%S", time.gmtime())
with open(path, "a") as f:
    for i in range(lo, lo + n):
        f.write("%s rot sshd[%d]: Accepted password for mk%sn%06d from "
                "198.51.100.%d port %d ssh2\n" %
                (ts, 1000 + i % 5000, s, i, i % 250 + 1, 30000 + i))
EOF
}

# rotate FILE [gz]: FILE.1 -> FILE.2 (gzip'ed with gz), FILE -> FILE.1,
# new empty FILE (logrotate create, numeric names).
rotate() {
	if [ -e "$1.1" ]; then
		mv "$1.1" "$1.2" &&
		if [ "${2:-}" = gz ]; then gzip "$1.2"; fi
	fi &&
	mv "$1" "$1.1" && : >"$1"
}

# count HOST STREAM TOTAL: the collector has every line mkSTREAMn000000 ..
# TOTAL-1 from HOST exactly once (prints a summary).
count() {
	vigil_cli search --json --limit 100000 host.name:"$1" \
	    NOT event.dataset:vigil >"$T/search-$1.json" &&
	python3 - "$T/search-$1.json" "$2" "$3" <<'EOF'
import json, re, sys
path, s, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
seen = {}
for l in open(path, encoding="utf-8", errors="replace"):
    if not l.strip():
        continue
    m = re.search(r"mk%sn(\d{6})" % s, l)
    if m:
        seen[int(m.group(1))] = seen.get(int(m.group(1)), 0) + 1
missing = [i for i in range(total) if i not in seen]
dups = sorted(i for i, c in seen.items() if c > 1)
extra = sorted(i for i in seen if i >= total)
print("%s: %d distinct of %d, %d missing (%s), %d duplicated (%s), "
      "%d unexpected" % (s, len(seen), total, len(missing),
                         " ".join(map(str, missing[:10])), len(dups),
                         " ".join(map(str, dups[:10])), len(extra)))
sys.exit(1 if missing or dups or extra else 0)
EOF
}

test_expect_success 'collector and two shippers with a small window' '
	start_collector &&
	for h in shipa shipc; do
		# no spool: only a full window keeps the shipper stuck
		printf "window-bytes 64k\nspool-size 0\n" >"$T/ship-$h.conf"
	done &&
	: >"$T/a.log" && : >"$T/c.log" &&
	start_shipper shipa --from-beginning --input "auth:$T/a.log" &&
	start_shipper shipc --from-beginning --input "auth:$T/c.log" &&
	wait_for "vigil_cli status >\"\$T/status.out\" &&
	    grep -q shipa \"\$T/status.out\" && grep -q shipc \"\$T/status.out\"" 10
'

test_expect_success 'collector down: rotated twice while the shipper is stuck' '
	stop_collector &&
	write "$T/a.log" a 0 $N && write "$T/c.log" c 0 $N &&
	sleep 0.5 &&
	rotate "$T/a.log" && rotate "$T/c.log" &&
	write "$T/a.log" a $N $N && write "$T/c.log" c $N $N &&
	rotate "$T/a.log" && rotate "$T/c.log" gz &&
	write "$T/a.log" a $((2 * N)) $N && write "$T/c.log" c $((2 * N)) $N &&
	test -e "$T/a.log.2" && test -e "$T/c.log.2.gz" && ! test -e "$T/c.log.2"
'

test_expect_success '(1) collector back: every line exactly once' '
	start_collector &&
	wait_for "count shipa a $((3 * N))" 20 &&
	cat "$T/wait_for.out" &&
	expect_log "$T/ship-shipa.log" "reading .*/a\\.log\\.1 first, rotated after"
'

test_expect_success '(3) the compressed .2.gz is skipped and logged, no line lost' '
	wait_for "count shipc c $((3 * N))" 20 &&
	cat "$T/wait_for.out" &&
	expect_log "$T/ship-shipc.log" "skipping compressed rotated file .*/c\\.log\\.2\\.gz" &&
	test "$(grep -c "skipping compressed" "$T/ship-shipc.log")" -eq 1
'

test_expect_success '(2) shipper killed, rotated twice while down, restarted' '
	: >"$T/b.log" &&
	start_shipper shipb --from-beginning --input "auth:$T/b.log" &&
	write "$T/b.log" b 0 $N &&
	wait_for "count shipb b $N" 10 &&
	write "$T/b.log" b $N $N &&
	kill_shipper shipb &&
	rotate "$T/b.log" &&
	write "$T/b.log" b $((2 * N)) $N &&
	rotate "$T/b.log" &&
	write "$T/b.log" b $((3 * N)) $N &&
	start_shipper shipb --from-beginning --input "auth:$T/b.log" &&
	wait_for "count shipb b $((4 * N))" 20 &&
	cat "$T/wait_for.out" &&
	sleep 1.5 && count shipb b $((4 * N))
'

test_expect_success 'no duplicates arrived late' '
	count shipa a $((3 * N)) && count shipc c $((3 * N))
'

test_expect_success 'the shippers are still running and stop cleanly' '
	alive "$(shipper_pid shipa)" && alive "$(shipper_pid shipb)" &&
	alive "$(shipper_pid shipc)" &&
	stop_shipper shipa && stop_shipper shipb && stop_shipper shipc &&
	stop_collector
'

test_done
