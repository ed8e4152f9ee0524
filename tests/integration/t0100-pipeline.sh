#!/bin/sh
# t0100-pipeline: the end-to-end acceptance test.  Three shippers (hv1 and
# hv2 with role host, guest1 with role guest) each tail two files (auth and
# kern) that writers append to concurrently: 6 x 5,000 = 30,000 realistic
# syslog lines (sshd, sudo, kernel netfilter), each carrying a unique marker.
# While they write, the files are rotated (rename+create on every file, twice
# on one, and one copytruncate) and the collector is killed with SIGKILL and
# restarted.  Rotations are fair to a tailer: a file is not rotated a second
# time before the shipper has reached it, nor truncated before the shipper
# has sent what it holds (see write() below).
# Afterwards `vigil search --json` returns every line exactly once, with its
# raw text, host (from the certificate), dataset and event time intact, and
# filtering by host, program, time range (absolute and relative) and NOT
# returns exactly the right subsets.
. "$(dirname "$0")/../lib.sh"

NLINES=5000		# per file; 3 hosts x 2 files
TOTAL=$((NLINES * 6))
GUEST_UUID=6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f
BASE=$(( $(date +%s) / 60 * 60 - 4 * 3600 ))	# line i is at BASE + 2i

# pipe.py: the writers and the checker share one description of the data.
cat >"$T/pipe.py" <<'EOF'
import json, os, re, shutil, subprocess, sys, time

N = int(os.environ.get("NLINES", "5000"))
STEP = 2
HOSTS = ("hv1", "hv2", "guest1")
STREAMS = {"a": "auth", "b": "kern"}
# rotation plans: line number -> action taken just before writing it
PLANS = {
    ("hv1", "a"): {1500: "rename", 3200: "rename"},
    ("hv1", "b"): {2000: "rename"},
    ("hv2", "a"): {1200: "rename", 3600: "copytruncate"},
    ("hv2", "b"): {2500: "rename"},
    ("guest1", "a"): {1800: "rename"},
    ("guest1", "b"): {3000: "rename"},
}
MARK = re.compile(r"mk(hv1|hv2|guest1)([ab])n(\d{6})")


def marker(h, s, i):
    return "mk%s%sn%06d" % (h, s, i)


def program(s, i):
    if s == "b":
        return "kernel"
    return "sshd" if i % 2 == 0 else "sudo"


def stamp(base, i):
    return base + STEP * i


def line(base, h, s, i):
    ts = time.strftime("%b %e %H:%M:%S", time.gmtime(stamp(base, i)))
    m = marker(h, s, i)
    ip = "198.51.100.%d" % (i % 250 + 1)
    port = 30000 + i % 30000
    if s == "b":
        up = 4772 + i // 2
        return ("%s %s kernel: [%5d.%06d] [%s] IN=virbr0 OUT= PHYSIN=vnet%d "
                "MAC=52:54:00:6b:2e:%02x:52:54:00:9a:11:07:08:00 "
                "SRC=192.168.122.%d DST=10.20.0.5 LEN=60 TOS=0x00 PREC=0x00 "
                "TTL=63 ID=%d DF PROTO=TCP SPT=%d DPT=22 WINDOW=64240 "
                "RES=0x00 SYN URGP=0 " % (ts, h, up, (i * 7919) % 1000000, m,
                                           i % 4, i % 256, i % 200 + 10,
                                           i % 65536, port))
    pid = 1000 + i % 5000
    if i % 2 == 1:
        return ("%s %s sudo: %8s : TTY=pts/%d ; PWD=/home/deploy ; USER=root ; "
                "COMMAND=/usr/bin/virsh dominfo %s" % (ts, h, "deploy", i % 5, m))
    if i % 6 == 0:
        return "%s %s sshd[%d]: Invalid user %s from %s port %d" % (
            ts, h, pid, m, ip, port)
    if i % 6 == 2:
        return ("%s %s sshd[%d]: Failed password for invalid user %s from %s "
                "port %d ssh2" % (ts, h, pid, m, ip, port))
    return "%s %s sshd[%d]: Accepted password for %s from %s port %d ssh2" % (
        ts, h, pid, m, ip, port)


def cli(args):
    cmd = [os.path.join(os.environ["VIGIL_BIN"], "vigil"), "--socket",
           os.path.join(os.environ["T"], "sock")] + args
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=20).stdout
    except subprocess.TimeoutExpired:
        return b""


def arrived(h, s, i):
    """Wait until the line i of (h, s) is stored; exit after 40 s."""
    m = marker(h, s, i)
    end = time.time() + 40
    while m.encode() not in cli(["search", "--json", m]):
        if time.time() > end:
            print("writer %s-%s: %s never arrived" % (h, s, m))
            sys.exit(1)
        time.sleep(0.2)


def write(h, s, path, base):
    """Append N lines to path in chunks, rotating as planned."""
    plan = PLANS[(h, s)]
    prog = os.path.join(os.environ["T"], "progress-%s-%s" % (h, s))
    nrot = 0
    first = 0		# first line of the file now at path
    f = open(path, "a")
    for i in range(N):
        act = plan.get(i)
        if act == "rename":
            f.close()
            # A tailer that follows the path can only find a rotated file
            # it has opened: before rotating a file a second time, wait
            # until the shipper has reached the current one (its first
            # line is stored).  The first rename needs no wait.
            if nrot > 0:
                arrived(h, s, first)
            nrot += 1
            os.rename(path, "%s.%d" % (path, nrot))
            first = i
            f = open(path, "a")
        elif act == "copytruncate":
            f.close()
            # like logrotate copytruncate, but fair: wait until the shipper
            # has sent what is in the file (lines written between the copy
            # and the truncation are lost by any tailer)
            arrived(h, s, i - 1)
            first = i
            shutil.copyfile(path, path + ".ct")
            with open(path, "r+") as t:
                t.truncate(0)
            time.sleep(1.5)	# let the tailer notice the file shrank
            f = open(path, "a")
        f.write(line(base, h, s, i) + "\n")
        if i % 50 == 49:
            f.flush()
            with open(prog, "w") as p:
                p.write("%d\n" % (i + 1))
            time.sleep(0.02)
    f.close()
    with open(prog, "w") as p:
        p.write("%d\n" % N)


def check(path, base, opts):
    """Compare vigil search --json output with the expected subset."""
    host, prog, lo, hi = opts.get("host"), opts.get("prog"), 0, N - 1
    slack = int(opts.get("slack", "0"))
    if "from" in opts:
        lo = int(opts["from"])
    if "to" in opts:
        hi = int(opts["to"])
    want, maybe = set(), set()
    for h in HOSTS:
        for s in STREAMS:
            for i in range(N):
                if host and h != host:
                    continue
                if prog and program(s, i) != prog:
                    continue
                if opts.get("notprog") and program(s, i) == opts["notprog"]:
                    continue
                if lo <= i <= hi:
                    (maybe if i < lo + slack else want).add((h, s, i))
    seen, bad = {}, []
    nlines = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, l in enumerate(f, 1):
            if not l.strip():
                continue
            nlines += 1
            try:
                ev = json.loads(l)
            except ValueError as e:
                bad.append("line %d: not JSON (%s): %.200s" % (n, e, l))
                continue
            raw = ev.get("event.original", ev.get("message", ""))
            m = MARK.search(raw) or MARK.search(l)
            if not m:
                bad.append("line %d: no marker: %.200s" % (n, l))
                continue
            k = (m.group(1), m.group(2), int(m.group(3)))
            seen[k] = seen.get(k, 0) + 1
            exp = line(base, *k)
            if "event.original" in ev and ev["event.original"] != exp:
                bad.append("%s: event.original %r, expected %r" %
                           (marker(*k), ev["event.original"], exp))
            if ev.get("host.name") != k[0]:
                bad.append("%s: host.name %r" % (marker(*k), ev.get("host.name")))
            if ev.get("event.dataset") != STREAMS[k[1]]:
                bad.append("%s: event.dataset %r, expected %r" %
                           (marker(*k), ev.get("event.dataset"), STREAMS[k[1]]))
            if ev.get("process.name") != program(k[1], k[2]):
                bad.append("%s: process.name %r, expected %r" %
                           (marker(*k), ev.get("process.name"),
                            program(k[1], k[2])))
            ts = time.strftime("%Y-%m-%dT%H:%M:%S",
                               time.gmtime(stamp(base, k[2])))
            if not str(ev.get("@timestamp", "")).startswith(ts):
                bad.append("%s: @timestamp %r, expected %sZ" %
                           (marker(*k), ev.get("@timestamp"), ts))
    dups = sorted(k for k, c in seen.items() if c > 1)
    extra = sorted(k for k in seen if k not in want and k not in maybe)
    missing = sorted(k for k in want if k not in seen)
    print("%s: %d events, %d distinct, expected %d (+%d optional): "
          "%d missing, %d duplicated, %d unexpected, %d bad" %
          (os.path.basename(path), nlines, len(seen), len(want), len(maybe),
           len(missing), len(dups), len(extra), len(bad)))
    for what, ks in (("missing", missing), ("duplicated", dups),
                     ("unexpected", extra)):
        if ks:
            print("  %s: %s%s" % (what, " ".join(marker(*k) for k in ks[:12]),
                                  " ..." if len(ks) > 12 else ""))
        if what == "missing" and ks:
            per = {}
            for k in ks:
                per[k[:2]] = per.get(k[:2], []) + [k[2]]
            for hs, idx in sorted(per.items()):
                print("    %s-%s: %d missing, lines %d..%d" %
                      (hs[0], hs[1], len(idx), idx[0], idx[-1]))
    for b in bad[:12]:
        print("  " + b)
    return 1 if (missing or dups or extra or bad) else 0


def main():
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return 0
    if sys.argv[1] == "check":
        opts = dict(a.split("=", 1) for a in sys.argv[4:])
        return check(sys.argv[2], int(sys.argv[3]), opts)
    if sys.argv[1] == "stamp":
        print(time.strftime("%Y-%m-%dT%H:%M:%SZ",
                            time.gmtime(stamp(int(sys.argv[2]),
                                              int(sys.argv[3])) +
                                        int(sys.argv[4]))))
        return 0
    return 2


sys.exit(main())
EOF
export NLINES T

# check FILE [host=H] [prog=P] [notprog=P] [from=I] [to=J] [slack=K]
check() {
	_f=$1
	shift
	python3 "$T/pipe.py" check "$_f" "$BASE" "$@"
}

# search FILE ARGS...: vigil search --json --limit 100000 ARGS > FILE,
# without the collector's own events (the guest here claims a VM UUID no
# host has placed, so the collector records an unverified identity)
search() {
	_f=$1
	shift
	vigil_cli search --json --limit 100000 "$@" NOT event.dataset:vigil \
	    >"$_f"
}

progress() {
	cat "$T"/progress-* 2>/dev/null | awk '{ n += $1 } END { print n + 0 }'
}

# has MARKER: the collector has stored the event carrying MARKER.
has() {
	vigil_cli search --json "$1" | grep -q "$1"
}

test_expect_success 'collector starts' '
	start_collector
'

test_expect_success 'three shippers start (two hosts, one guest)' '
	: >"$T/hv1-a.log" && : >"$T/hv1-b.log" &&
	: >"$T/hv2-a.log" && : >"$T/hv2-b.log" &&
	: >"$T/guest1-a.log" && : >"$T/guest1-b.log" &&
	start_shipper hv1 --role host --from-beginning \
	    --input "auth:$T/hv1-a.log" --input "kern:$T/hv1-b.log" &&
	start_shipper hv2 --role host --from-beginning \
	    --input "auth:$T/hv2-a.log" --input "kern:$T/hv2-b.log" &&
	start_shipper guest1 --role guest --vm-uuid "$GUEST_UUID" \
	    --from-beginning \
	    --input "auth:$T/guest1-a.log" --input "kern:$T/guest1-b.log"
'

test_expect_success 'vigil status lists the three senders' '
	wait_for "vigil_cli status >\"\$T/status.out\" &&
	    grep -q hv1 \"\$T/status.out\" && grep -q hv2 \"\$T/status.out\" &&
	    grep -q guest1 \"\$T/status.out\"" 15
'

test_expect_success 'writers append 30,000 lines while rotating' '
	: >"$T/writers" &&
	for h in hv1 hv2 guest1; do
		for s in a b; do
			python3 "$T/pipe.py" write "$h" "$s" "$T/$h-$s.log" \
			    "$BASE" >"$T/writer-$h-$s.log" 2>&1 &
			echo $! >>"$T/writers"
			remember $! "writer-$h-$s"
		done
	done &&
	wait_for "test \$(progress) -ge $((TOTAL * 2 / 5))" 30
'

test_expect_success 'collector is killed (SIGKILL) mid-way and restarted' '
	test "$(progress)" -lt "$TOTAL" &&
	kill_collector &&
	echo "--- collector killed at $(progress) lines written" \
	    >>"$T/collector.log" &&
	sleep 0.5 &&
	start_collector
'

test_expect_success 'writers finish' '
	ok=0
	for p in $(cat "$T/writers"); do
		wait "$p" || ok=1
	done
	cat "$T"/writer-*.log &&
	test "$ok" -eq 0 && test "$(progress)" -eq "$TOTAL"
'

test_expect_success 'the last line of every file arrives' '
	last=$(printf "%06d" $((NLINES - 1))) &&
	wait_for "has mkhv1an$last && has mkhv1bn$last && has mkhv2an$last &&
	    has mkhv2bn$last && has mkguest1an$last && has mkguest1bn$last" 40
'

test_expect_success 'vigil search --json returns every line exactly once' '
	wait_for "search \"\$T/all.json\" &&
	    test \$(lines \"\$T/all.json\") -ge $TOTAL" 20
	check "$T/all.json"
'

test_expect_success 'filter by host: host.name:hv1' '
	search "$T/hv1.json" host.name:hv1 &&
	check "$T/hv1.json" host=hv1
'

test_expect_success 'filter by host: host.name:guest1' '
	search "$T/guest1.json" host.name:guest1 &&
	check "$T/guest1.json" host=guest1
'

test_expect_success 'filter by program: process.name:sshd' '
	search "$T/sshd.json" process.name:sshd &&
	check "$T/sshd.json" prog=sshd
'

test_expect_success 'filter by host and program: host.name:hv2 process.name:sudo' '
	search "$T/hv2sudo.json" host.name:hv2 process.name:sudo &&
	check "$T/hv2sudo.json" host=hv2 prog=sudo
'

test_expect_success 'NOT: host.name:hv1 NOT process.name:kernel' '
	search "$T/not.json" host.name:hv1 NOT process.name:kernel &&
	check "$T/not.json" host=hv1 notprog=kernel
'

test_expect_success 'time range: --since/--until (RFC 3339)' '
	since=$(python3 "$T/pipe.py" stamp "$BASE" 1000 -1) &&
	until=$(python3 "$T/pipe.py" stamp "$BASE" 2000 1) &&
	echo "since $since until $until" &&
	search "$T/range.json" --since "$since" --until "$until" &&
	check "$T/range.json" from=1000 to=2000
'

test_expect_success 'time range and host: --since/--until host.name:guest1' '
	since=$(python3 "$T/pipe.py" stamp "$BASE" 4000 -1) &&
	until=$(python3 "$T/pipe.py" stamp "$BASE" 4100 1) &&
	search "$T/range2.json" --since "$since" --until "$until" \
	    host.name:guest1 &&
	check "$T/range2.json" host=guest1 from=4000 to=4100
'

test_expect_success 'relative time: --since -2h' '
	search "$T/rel.json" --since -2h process.name:kernel &&
	check "$T/rel.json" prog=kernel from=3600 slack=200
'

test_expect_success 'a free word finds exactly one line' '
	search "$T/word.json" mkhv2bn002345 &&
	check "$T/word.json" host=hv2 prog=kernel from=2345 to=2345
'

test_expect_success '--limit caps the output' '
	vigil_cli search --json --limit 10 host.name:hv1 >"$T/limit.json" &&
	test "$(lines "$T/limit.json")" -eq 10
'

test_expect_success 'the table output answers too' '
	vigil_cli search --limit 5 host.name:hv2 process.name:sshd \
	    >"$T/table.out" &&
	test "$(lines "$T/table.out")" -ge 5 &&
	grep -q mkhv2an "$T/table.out"
'

test_expect_success 'vigil status after the run' '
	vigil_cli status >"$T/status.out" &&
	cat "$T/status.out" &&
	grep -q hv1 "$T/status.out" && grep -q guest1 "$T/status.out"
'

test_expect_success 'shippers and collector stop cleanly' '
	collector_alive &&
	alive "$(shipper_pid hv1)" && alive "$(shipper_pid guest1)" &&
	stop_shipper hv1 && stop_shipper hv2 && stop_shipper guest1 &&
	stop_collector
'

test_done
