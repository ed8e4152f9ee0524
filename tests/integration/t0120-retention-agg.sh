#!/bin/sh
# t0120-retention-agg: retention and aggregations.  Lines that carry their
# own RFC 5424 times are sent over syslog TCP (RFC 6587 octet counting):
# 1,800 "old" events three days ago spread over five hours and 300 "new"
# events about ten minutes ago, neither range crossing midnight UTC.
# `vigil top` and `vigil count` answer exactly (index and decode paths
# agree with what was sent).  Restarted with
# retention-age 1d the old events disappear from search, top and count,
# the new ones stay and the store shrinks.  A second store, restarted with
# a retention-size of about a third of its size, loses its oldest hours
# and keeps the newest.
. "$(dirname "$0")/../lib.sh"

NOW=$(date +%s)
# Neither range may cross midnight UTC, or `count --interval 1d` splits it
# (CI once ran this at 20:44 and the old hours reached into the next day).
OLD=$((NOW / 86400 * 86400 - 3 * 86400 + 3600))	# 01:00 three days ago
NEW=$((NOW - 600))
if test $((NEW / 86400)) != $(((NEW + 299) / 86400)); then
	NEW=$((NOW / 86400 * 86400 - 300))	# the last 300 s of yesterday
fi
SPORT=$(free_port) || exit 1

# gen.py PORT START N STEP TAG: N sshd lines START+i*STEP; ip i%7, host i%3
cat >"$T/gen.py" <<'PYEOF'
import socket, sys, time
port, start, n, step, tag = (int(sys.argv[1]), int(sys.argv[2]),
                             int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
out = []
for i in range(n):
    t = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i * step))
    m = ("<38>1 %s hv%d sshd %d - - Failed password for invalid user %s%d "
         "from 198.51.100.%d port %d ssh2" % (t, i % 3, 1000 + i, tag, i % 5,
                                              i % 7 + 1, 40000 + i))
    b = m.encode()
    out.append(b"%d %s" % (len(b), b))
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"".join(out))
s.close()
PYEOF

# stored N: the collector has stored N events
stored() {
	vigil_cli status --json | grep -q "\"events_stored\":$1,"
}

# jcount ARGS...: the "total" of an aggregation's _end line
jtotal() {
	vigil_cli "$@" --json | sed -n 's/.*"total":\([0-9]*\).*/\1/p'
}

# bytes: store_bytes from status
bytes() {
	vigil_cli status --json | sed -n 's/.*"store_bytes":\([0-9]*\).*/\1/p'
}

test_expect_success 'old and new events are stored' '
	start_collector --syslog-tcp-listen 127.0.0.1:$SPORT &&
	python3 "$T/gen.py" $SPORT $OLD 1800 10 old &&
	python3 "$T/gen.py" $SPORT $NEW 300 1 new &&
	wait_for "stored 2100" 20
'

test_expect_success 'count over all time sums the time index' '
	vigil_cli count --interval 1d --json >"$T/c.json" &&
	grep -q "\"indexed\":true" "$T/c.json" &&
	grep -q "\"total\":2100" "$T/c.json" &&
	grep -q "\"count\":1800" "$T/c.json" &&
	grep -q "\"count\":300" "$T/c.json"
'

test_expect_success 'count per hour of the old range (histogram)' '
	vigil_cli count --since @$OLD --until @$((OLD + 5 * 3600)) >"$T/h.out" &&
	test "$(grep -c "^[0-9]" "$T/h.out")" = 5 &&
	grep -q " 360 " "$T/h.out" &&
	test "$(jtotal count --since @$OLD --until @$((OLD + 5 * 3600)))" = 1800
'

test_expect_success 'partial hours are decoded and still exact' '
	test "$(jtotal count --since @$((OLD + 1800)) --until @$((OLD + 5400)))" = 360 &&
	test "$(jtotal count --by log.syslog.hostname --since @$((OLD + 1800)) \
	    --until @$((OLD + 5400)))" = 360
'

test_expect_success 'top source.ip from the index matches what was sent' '
	vigil_cli top source.ip --json >"$T/top.json" &&
	grep -q "\"indexed\":true" "$T/top.json" &&
	test "$(grep -c "\"value\"" "$T/top.json")" = 7 &&
	grep -q "{\"value\":\"198.51.100.1\",\"count\":301}" "$T/top.json" &&
	vigil_cli top source.ip >"$T/top.out" &&
	grep -q "^source.ip" "$T/top.out" &&
	grep -q "198.51.100.1 .* 301 .*14.3%" "$T/top.out"
'

test_expect_success 'top with a term query uses the postings' '
	vigil_cli top log.syslog.hostname --json source.ip:198.51.100.1 \
	    >"$T/t2.json" &&
	grep -q "\"indexed\":true" "$T/t2.json" &&
	grep -q "\"total\":301," "$T/t2.json" &&
	grep -q "{\"value\":\"hv0\",\"count\":101}" "$T/t2.json"
'

test_expect_success 'top with a word query or a non-indexed field decodes' '
	vigil_cli top user.name --json new0 >"$T/t3.json" &&
	grep -q "\"indexed\":false" "$T/t3.json" &&
	grep -q "{\"value\":\"new0\",\"count\":60}" "$T/t3.json" &&
	test "$(grep -c "\"value\"" "$T/t3.json")" = 1 &&
	vigil_cli top process.pid --limit 3 --json >"$T/t4.json" &&
	test "$(grep -c "\"value\"" "$T/t4.json")" = 3 &&
	grep -q "\"total\":2100," "$T/t4.json"
'

test_expect_success 'bad aggregation requests are refused' '
	test_must_fail vigil_cli top &&
	test_must_fail vigil_cli count --interval 0 &&
	test_must_fail vigil_cli count --interval 1s --since @0 --until @$NOW
'

test_expect_success 'compact answers with the store size' '
	vigil_cli compact >"$T/compact.out" &&
	grep -q "MiB on disk" "$T/compact.out" &&
	bytes >"$T/bytes-before"
'

test_expect_success 'retention-age 1d: old events go, new ones stay' '
	stop_collector &&
	echo "retention-age 1d" >>"$T/collector.conf" &&
	echo "retention-interval 1s" >>"$T/collector.conf" &&
	start_collector &&
	wait_for "grep -q \"retention: deleted 5 hours\" \"$T/collector.log\"" 20 &&
	vigil_cli search --json --limit 10000 old0 >"$T/s-old.json" &&
	test "$(lines "$T/s-old.json")" = 0 &&
	vigil_cli search --json --limit 10000 new0 >"$T/s-new.json" &&
	test "$(lines "$T/s-new.json")" = 60 &&
	test "$(jtotal count --interval 1d)" = 300 &&
	test "$(jtotal top source.ip)" = 300 &&
	vigil_cli verify >"$T/verify-age.out" &&
	grep -q ": 0 problems" "$T/verify-age.out"
'

test_expect_success 'the store shrank' '
	vigil_cli compact &&
	after=$(bytes) && before=$(cat "$T/bytes-before") &&
	say "store bytes: $before before, $after after" &&
	test "$after" -lt $((before * 2 / 3))
'

test_expect_success 'retention-size deletes the oldest hours, keeps the newest' '
	stop_collector &&
	echo "# size test" >"$T/collector.conf" &&
	rm -rf "$T/data" &&
	start_collector --syslog-tcp-listen 127.0.0.1:$SPORT &&
	python3 "$T/gen.py" $SPORT $((OLD + 86400)) 9000 8 sz &&
	wait_for "stored 9000" 30 &&
	vigil_cli compact && full=$(bytes) &&
	stop_collector &&
	echo "retention-size $((full / 3))" >>"$T/collector.conf" &&
	echo "retention-interval 1s" >>"$T/collector.conf" &&
	d0=$(grep -c "retention: deleted" "$T/collector.log") &&
	start_collector &&
	wait_for "test \$(grep -c \"retention: deleted\" \"$T/collector.log\") -gt $d0" 20 &&
	n=$(jtotal count --interval 1d) &&
	say "events left: $n of 9000" &&
	test "$n" -gt 0 && test "$n" -lt 6000 &&
	first=$(vigil_cli search --json --limit 1000000 sz | head -n 1) &&
	vigil_cli search --json --limit 1 sz >"$T/newest.json" &&
	grep -q "$(date -u -d @$((OLD + 86400 + 8999 * 8)) +%Y-%m-%dT%H:%M:%S)" \
	    "$T/newest.json" &&
	! echo "$first" | grep -q "$(date -u -d @$((OLD + 86400)) +%Y-%m-%dT%H:)" &&
	vigil_cli verify >"$T/verify-size.out" &&
	grep -q ": 0 problems" "$T/verify-size.out"
'

test_done
