#!/bin/sh
# t0200-journal: the journald input.  Journal files are made here, without
# a running journald, by systemd-journal-remote from journal export format.
# A shipper reading them with --input journal:DIR --from-beginning ships
# every entry exactly once as an RFC 5424 line: host.name is its
# certificate name; process.name, process.pid, the severity, @timestamp
# (the entry's __REALTIME_TIMESTAMP), the message (multi-line too) and the
# [journal@32473 unit="..."] structured data come from the entry.  Entries
# appended to the file and a second journal file that appears later are
# followed; the shipper is killed with SIGKILL while entries are being
# appended and restarted: still exactly once.  A second shipper without
# --from-beginning starts after the last entry.  Skipped (0 failures) when
# systemd-journal-remote is not installed (Debian: systemd-journal-remote).
. "$(dirname "$0")/../lib.sh"

JREMOTE=/lib/systemd/systemd-journal-remote
if [ ! -x "$JREMOTE" ] || ! command -v python3 >/dev/null 2>&1; then
	say "# SKIP $TEST_NAME: needs $JREMOTE (package" \
	    "systemd-journal-remote) and python3"
	test_done
fi

J=$T/journal
BASE_US=$(( ($(date +%s) - 3 * 3600) * 1000000 ))
N_A=300			# first file, before the shipper starts
N_B=3000		# appended in chunks while the shipper is killed
N_C=200			# a second file
export BASE_US

# jr.py: the writer and the checker share one description of the entries.
cat >"$T/jr.py" <<'EOF'
import json, os, re, struct, sys, time

BASE = int(os.environ["BASE_US"])
BOOT = "0123456789abcdef0123456789abcdef"
PROGS = ("sshd", "sudo", "cron", None)	# None: no SYSLOG_IDENTIFIER
SEV = ("emerg", "alert", "crit", "err", "warning", "notice", "info",
       "debug")
MARK = re.compile(r"mkj(\d{6})")


def entry(i):
    """Fields of entry i, in export order."""
    prog = PROGS[i % 4]
    f = [("__REALTIME_TIMESTAMP", str(BASE + i * 1000003 + 7)),
         ("__MONOTONIC_TIMESTAMP", str(1000000 + i * 1000)),
         ("_BOOT_ID", BOOT),
         ("_HOSTNAME", "jsrc"),
         ("_TRANSPORT", "syslog"),
         ("_SYSTEMD_UNIT", "unit%d.service" % (i % 3)),
         ("_COMM", "comm%d" % (i % 5)),
         ("_PID", str(5000 + i))]
    if prog:
        f.append(("SYSLOG_IDENTIFIER", prog))
        f.append(("SYSLOG_PID", str(100 + i)))
    if i % 9 != 0:			# else the default, info
        f.append(("PRIORITY", str(i % 8)))
    f.append(("MESSAGE", message(i)))
    return f


def message(i):
    m = "entry mkj%06d from %s" % (i, PROGS[i % 4] or "comm")
    if i % 50 == 7:
        m += "\nsecond line \"quoted\" ]\n\tthird"
    return m


def expect(i):
    prog = PROGS[i % 4]
    sev = SEV[i % 8] if i % 9 != 0 else "info"
    return {
        "process.name": prog or "comm%d" % (i % 5),
        "process.pid": str(100 + i) if prog else str(5000 + i),
        "log.syslog.severity.name": sev,
        "message": message(i),
        "unit": 'unit="unit%d.service"' % (i % 3),
        "ts": BASE + i * 1000003 + 7,
    }


def export(lo, hi):
    out = bytearray()
    for i in range(lo, hi):
        for k, v in entry(i):
            b = v.encode()
            if b"\n" in b:		# binary form: name, le64 size, data
                out += k.encode() + b"\n" + struct.pack("<Q", len(b)) + b
                out += b"\n"
            else:
                out += k.encode() + b"=" + b + b"\n"
        out += b"\n"
    return bytes(out)


def ts_us(s):
    """RFC 3339 UTC with up to 6 fraction digits -> microseconds."""
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$", s)
    if not m:
        return None
    t = time.struct_time((int(m.group(1)), int(m.group(2)), int(m.group(3)),
                          int(m.group(4)), int(m.group(5)), int(m.group(6)),
                          0, 0, 0))
    import calendar
    frac = (m.group(7) or ".0")[1:]
    return calendar.timegm(t) * 1000000 + int((frac + "000000")[:6])


def check(path, lo, hi, host):
    seen, bad, n = {}, [], 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for ln, l in enumerate(f, 1):
            if not l.strip():
                continue
            n += 1
            try:
                ev = json.loads(l)
            except ValueError as e:
                bad.append("line %d: not JSON (%s): %.200s" % (ln, e, l))
                continue
            m = MARK.search(ev.get("message", ""))
            if not m:
                bad.append("line %d: no marker: %.200s" % (ln, l))
                continue
            i = int(m.group(1))
            seen[i] = seen.get(i, 0) + 1
            if seen[i] > 1:
                continue
            x = expect(i)
            for k in ("process.name", "process.pid",
                      "log.syslog.severity.name", "message"):
                if ev.get(k) != x[k]:
                    bad.append("mkj%06d: %s %r, expected %r" %
                               (i, k, ev.get(k), x[k]))
            if ev.get("host.name") != host:
                bad.append("mkj%06d: host.name %r" % (i, ev.get("host.name")))
            sd = ev.get("log.syslog.structured_data", "")
            if not sd.startswith("[journal@32473 ") or x["unit"] not in sd:
                bad.append("mkj%06d: structured_data %r" % (i, sd))
            if ts_us(str(ev.get("@timestamp", ""))) != x["ts"]:
                bad.append("mkj%06d: @timestamp %r, expected %d us" %
                           (i, ev.get("@timestamp"), x["ts"]))
    want = set(range(lo, hi))
    missing = sorted(want - set(seen))
    dups = sorted(i for i, c in seen.items() if c > 1)
    extra = sorted(set(seen) - want)
    print("%s: %d events, %d distinct, expected %d: %d missing, "
          "%d duplicated, %d unexpected, %d bad" %
          (os.path.basename(path), n, len(seen), len(want), len(missing),
           len(dups), len(extra), len(bad)))
    for what, ks in (("missing", missing), ("duplicated", dups),
                     ("unexpected", extra)):
        if ks:
            print("  %s: %s%s" % (what, " ".join("%d" % k for k in ks[:20]),
                                  " ..." if len(ks) > 20 else ""))
    for b in bad[:12]:
        print("  " + b)
    return 1 if (missing or dups or extra or bad) else 0


if sys.argv[1] == "export":
    sys.stdout.buffer.write(export(int(sys.argv[2]), int(sys.argv[3])))
elif sys.argv[1] == "check":
    sys.exit(check(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                   sys.argv[5]))
EOF

# jwrite FILE LO HI: append entries LO..HI-1 to the journal file FILE.
jwrite() {
	python3 "$T/jr.py" export "$2" "$3" >"$T/export.bin" &&
	"$JREMOTE" -o "$1" - <"$T/export.bin" >>"$T/jremote.log" 2>&1
}

# search FILE ARGS...: vigil search --json --limit 100000 ARGS > FILE
search() {
	_f=$1
	shift
	vigil_cli search --json --limit 100000 "$@" >"$_f"
}

# count HOST: events stored from HOST
count() {
	search "$T/count.json" "host.name:$1" && lines "$T/count.json"
}

# check FILE LO HI HOST
check() {
	python3 "$T/jr.py" check "$@"
}

test_expect_success 'journal files are made by systemd-journal-remote' '
	mkdir -p "$J" &&
	jwrite "$J/remote.journal" 0 $N_A &&
	test -s "$J/remote.journal"
'

test_expect_success 'collector and a journal shipper start' '
	start_collector &&
	start_shipper jhost --input "journal:$J" --from-beginning &&
	wait_for "expect_log \"\$T/ship-jhost.log\" \
	    \"journal:.*starting at the head\""
'

test_expect_success 'every entry of the file arrives exactly once' '
	wait_for "test \$(count jhost) -ge $N_A" 20 &&
	sleep 0.5 &&
	search "$T/a.json" host.name:jhost &&
	check "$T/a.json" 0 $N_A jhost
'

test_expect_success 'vigil status shows the journal stream' '
	vigil_cli status >"$T/status.out" &&
	grep -q jhost "$T/status.out"
'

test_expect_success 'SIGKILL while entries are appended, then a restart' '
	(
		i=$N_A
		while [ $i -lt $((N_A + N_B)) ]; do
			jwrite "$J/remote.journal" $i $((i + 150)) || exit 1
			i=$((i + 150))
			sleep 0.1
		done
	) &
	writer=$! &&
	wait_for "test \$(count jhost) -ge $((N_A + N_B / 4))" 30 &&
	n=$(count jhost) &&
	echo "killed at $n events" &&
	kill_shipper jhost &&
	echo "--- shipper killed (SIGKILL) at $n events" \
	    >>"$T/ship-jhost.log" &&
	sleep 0.3 &&
	start_shipper jhost --input "journal:$J" --from-beginning &&
	wait "$writer" &&
	test "$n" -lt $((N_A + N_B))
'

test_expect_success 'the restart resumed after the checkpointed entry' '
	expect_log "$T/ship-jhost.log" "resuming after the checkpoint"
'

test_expect_success 'without --from-beginning a new shipper starts at the end' '
	start_shipper jtail --input "journal:$J" &&
	wait_for "expect_log \"\$T/ship-jtail.log\" \
	    \"starting after the last entry\""
'

test_expect_success 'a second journal file in the directory is followed' '
	jwrite "$J/remote2.journal" $((N_A + N_B)) $((N_A + N_B + N_C)) &&
	wait_for "test \$(count jhost) -ge $((N_A + N_B + N_C))" 30
'

test_expect_success 'every entry arrived exactly once, all fields right' '
	sleep 1 &&
	search "$T/all.json" host.name:jhost &&
	check "$T/all.json" 0 $((N_A + N_B + N_C)) jhost
'

test_expect_success 'the tail shipper sent only the entries after its start' '
	wait_for "test \$(count jtail) -ge $N_C" 20 &&
	sleep 0.5 &&
	search "$T/tail.json" host.name:jtail &&
	check "$T/tail.json" $((N_A + N_B)) $((N_A + N_B + N_C)) jtail
'

test_expect_success 'structured data and severity are searchable' '
	search "$T/sev.json" host.name:jhost log.syslog.severity.name:err &&
	test "$(lines "$T/sev.json")" -gt 0 &&
	! grep -v "\"log.syslog.severity.name\":\"err\"" "$T/sev.json"
'

test_expect_success 'the checkpoint is a journal cursor' '
	stop_shipper jhost &&
	grep -E "^journal:$J cursor=s=[0-9a-f]+;i=[0-9a-f]+;" \
	    "$T/ship-jhost/checkpoints"
'

test_expect_success 'a restart after a clean stop sends nothing again' '
	skip=$(lines "$T/ship-jhost.log") &&
	start_shipper jhost --input "journal:$J" --from-beginning &&
	wait_for "tail -n +$((skip + 1)) \"\$T/ship-jhost.log\" |
	    grep -q \"connected to\"" &&
	sleep 1 &&
	test "$(count jhost)" -eq $((N_A + N_B + N_C))
'

test_expect_success 'shippers and collector stop cleanly' '
	vigil_cli status &&
	collector_alive &&
	stop_shipper jhost && stop_shipper jtail && stop_collector
'

test_done
