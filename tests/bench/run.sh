#!/bin/sh
# tests/bench/run.sh -- vigil's benchmark (`make bench`; not part of make
# test).  Method and latest results: docs/performance.md.
#
#   BENCH_EVENTS=500000 BENCH_QUERY_EVENTS=10000000 sh tests/bench/run.sh
#
# 1. Ingest: a fresh vigil-collector per run; loadgen as 1 and 4 TLS
#    shippers, BENCH_EVENTS events per connection; events/s until the last
#    ACK, ACK p50/p99, collector peak RSS (VmHWM) and CPU seconds, bytes
#    on disk per event after `vigil compact` against raw bytes.
# 2. Peer: the same lines (loadgen -r, RFC 6587 octet counting over mutual
#    TLS) into rsyslogd (imtcp + ossl driver, x509/certvalid) writing a
#    flat file, timed until the file holds every line.
#    Ingest and peer runs alternate, BENCH_ROUNDS times (vigil 1, rsyslog
#    1, vigil 4, rsyslog 4, again); the table shows each side's fastest
#    round and lists all of them: this machine's speed drifts by a quarter
#    within minutes, and a drift only ever slows a run down.
# 3. Query: BENCH_QUERY_EVENTS events over 48 hours ingested through
#    loadgen (4 connections); each query timed (warm, best of 2) against
#    grep over a flat file of exactly the same lines.
# 4. Decoders: tests/bench/bench_decode.c, lines/s on one core.
# 5. Shipper: BENCH_SHIP_LINES lines appended to a tailed file, lines/s
#    until acksink (tests/tools/acksink.c: the protocol, every batch
#    acknowledged at once, nothing stored) acknowledged them all: the
#    shipper's own rate; then the same into a collector, until it stored
#    them all (the collector's ingest sets that rate), with the shipper's
#    and the collector's CPU seconds per million lines; BENCH_ROUNDS
#    rounds, the fastest shown; then 1,000 lines/s for BENCH_SHIP_SECONDS
#    seconds: shipper CPU and RSS.
# Results also go to BENCH_OUT (default build/bench-results.txt).
# BENCH_PARTS picks sections (default "ingest query decoders shipper").
. "$(dirname "$0")/../lib.sh"

: "${VIGIL_TESTBIN:=$SRCDIR/build/obj/tests}"
: "${BENCH_EVENTS:=500000}"
: "${BENCH_QUERY_EVENTS:=10000000}"
: "${BENCH_SHIP_LINES:=1000000}"
: "${BENCH_SHIP_SECONDS:=20}"
: "${BENCH_OUT:=$SRCDIR/build/bench-results.txt}"
: "${BENCH_PARTS:=ingest query decoders shipper}"
: "${BENCH_ROUNDS:=3}"
LOADGEN=$VIGIL_TESTBIN/loadgen
ACKSINK=$VIGIL_TESTBIN/acksink
TIMEIT=$VIGIL_TESTBIN/timeit
TICKS=$(getconf CLK_TCK)
RES=$T/results
: >"$RES"

for b_p in "$LOADGEN" "$ACKSINK" "$TIMEIT" "$VIGIL_TESTBIN/bench_decode"; do
	[ -x "$b_p" ] || { say "bench: $b_p not built (make bench)"; exit 1; }
done
# the clock the query table rests on: 20 ms of sleep reads 20-200 ms
b_ms=$("$TIMEIT" -n 1 -o "$T/timeit.out" sleep 0.02)
awk -v t="$b_ms" 'BEGIN { exit !(t >= 20 && t < 200) }' ||
    { say "bench: timeit measured 'sleep 0.02' as '$b_ms' ms"; exit 1; }

# part NAME: is NAME among BENCH_PARTS?
part() {
	case " $BENCH_PARTS " in *" $1 "*) return 0 ;; esac
	return 1
}

now() {
	date +%s.%N
}

# elapsed T0: seconds since T0 (3 decimals)
elapsed() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'
}

# res KEY VALUE: remember one result
res() {
	echo "$1 $2" >>"$RES"
	say "  $1 = $2"
}

get() {
	awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$RES"
}

# ratio A B: A/B with 2 decimals ("-" when either is missing)
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0)
	    print "-"; else printf "%.2f", a / b }'
}

# field NAME LINE: the value after NAME in a loadgen result line
field() {
	printf '%s\n' "$2" | awk -v k="$1" '{ for (i = 1; i < NF; i++)
	    if ($i == k) print $(i + 1) }'
}

# proc_cpu PID: user+system CPU seconds; proc_hwm PID: peak RSS in MiB
proc_cpu() {
	sed 's/.*) //' "/proc/$1/stat" | awk -v t="$TICKS" \
	    '{ printf "%.2f", ($12 + $13) / t }'
}
proc_hwm() {
	awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}
proc_rss() {
	awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

status_num() {
	vigil_cli status --json | sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p"
}

fresh_collector() {
	[ -n "$COLLECTOR_PID" ] && stop_collector
	rm -rf "$T/data"
	start_collector "$@"
}

# every vigil run has the bundled rule pack on (the issue's condition)
printf 'rules-pack %s\n' "$SRCDIR/rules" >"$T/collector.conf"
make_ca "$T/ca" >/dev/null 2>&1
make_cert "$T/ca" bench >/dev/null 2>&1
make_cert "$T/ca" rsyslog server >/dev/null 2>&1
LG="-c $T/ca/bench.crt -k $T/ca/bench.key -a $T/ca/ca.crt"
START=$(( $(date +%s) - 600 - 3600 ))

# ---------------------------------------------------------------- ingest
ingest() {
	b_n=$1
	say "ingest: vigil, $b_n connection(s) x $BENCH_EVENTS events"
	fresh_collector || exit 1
	b_out=$("$LOADGEN" -p "$COLLECTOR_PORT" $LG -n "$b_n" \
	    -m "$BENCH_EVENTS" -t "$START" -T 3600) || {
		say "loadgen failed: $b_out"
		exit 1
	}
	say "  $b_out"
	res "vigil_eps_${b_n}_r$b_r" "$(field events_per_s "$b_out")"
	res "vigil_p50_${b_n}_r$b_r" "$(field ack_p50_ms "$b_out")"
	res "vigil_p99_${b_n}_r$b_r" "$(field ack_p99_ms "$b_out")"
	res "vigil_cpu_${b_n}_r$b_r" "$(proc_cpu "$COLLECTOR_PID")"
	res "vigil_hwm_${b_n}_r$b_r" "$(proc_hwm "$COLLECTOR_PID")"
	b_raw=$(field bytes "$b_out")
	b_ev=$(field events "$b_out")
	vigil_cli compact >/dev/null
	b_disk=$(status_num store_bytes)
	res "raw_per_event_${b_n}_r$b_r" "$(awk -v a="$b_raw" -v b="$b_ev" \
	    'BEGIN { printf "%.1f", a / b }')"
	res "disk_per_event_${b_n}_r$b_r" "$(awk -v a="$b_disk" -v b="$b_ev" \
	    'BEGIN { printf "%.1f", a / b }')"
	stop_collector
}

# ---------------------------------------------------------------- rsyslog
RSPID=
start_rsyslog() {
	[ -n "$RSPID" ] && stop_pid "$RSPID" 10
	rm -rf "$T/rs"
	mkdir -p "$T/rs/work"
	RSPORT=$(free_port) || exit 1
	cat >"$T/rs/rsyslog.conf" <<EOF
global(workDirectory="$T/rs/work"
    maxMessageSize="64k"
    defaultNetstreamDriver="ossl"
    defaultNetstreamDriverCAFile="$T/ca/ca.crt"
    defaultNetstreamDriverCertFile="$T/ca/rsyslog.crt"
    defaultNetstreamDriverKeyFile="$T/ca/rsyslog.key")
module(load="imtcp" StreamDriver.Name="ossl" StreamDriver.Mode="1"
    StreamDriver.AuthMode="x509/certvalid" MaxSessions="64")
input(type="imtcp" port="$RSPORT")
template(name="raw" type="string" string="%rawmsg-after-pri%\n")
action(type="omfile" file="$T/rs/out.log" template="raw")
EOF
	rsyslogd -n -f "$T/rs/rsyslog.conf" -i "$T/rs/pid" \
	    >"$T/rs/rsyslog.log" 2>&1 &
	RSPID=$!
	remember "$RSPID" rsyslogd
	wait_for "grep -q ':$(printf %04X "$RSPORT") ' /proc/net/tcp /proc/net/tcp6" 10
}

peer() {
	b_n=$1
	say "peer: rsyslog, $b_n connection(s) x $BENCH_EVENTS events"
	start_rsyslog || { say "rsyslogd did not start"; return 1; }
	b_out=$("$LOADGEN" -r -p "$RSPORT" $LG -n "$b_n" -m "$BENCH_EVENTS" \
	    -t "$START" -T 3600 -f "$T/rs/out.log") || {
		say "loadgen -r failed: $b_out"
		cat "$T/rs/rsyslog.log"
		return 1
	}
	say "  $b_out"
	res "rsyslog_eps_${b_n}_r$b_r" "$(field events_per_s "$b_out")"
	res "rsyslog_cpu_${b_n}_r$b_r" "$(proc_cpu "$RSPID")"
	res "rsyslog_hwm_${b_n}_r$b_r" "$(proc_hwm "$RSPID")"
	stop_pid "$RSPID" 10
	RSPID=
}

if command -v rsyslogd >/dev/null 2>&1; then
	HAVE_RSYSLOG=1
else
	HAVE_RSYSLOG=
	say "bench: no rsyslogd; peer runs skipped"
fi
# best SIDE N KEY...: SIDE's round with the most events/s over N
# connections; its KEYs (without the round) are what the table shows
best() {
	b_side=$1
	b_n=$2
	shift 2
	b_best=$(for b_r in $(seq 1 "$BENCH_ROUNDS"); do
		printf '%s %s\n' "$(get "${b_side}_eps_${b_n}_r$b_r")" "$b_r"
	done | awk '$1 != "" && $1 > m { m = $1; r = $2 } END { print r }')
	[ -n "$b_best" ] || return 0
	for b_k in "$@"; do
		res "${b_k}_$b_n" "$(get "${b_k}_${b_n}_r$b_best")"
	done
	res "${b_side}_rounds_$b_n" "$(for b_r in $(seq 1 "$BENCH_ROUNDS"); do
		get "${b_side}_eps_${b_n}_r$b_r"; done | paste -sd /)"
}

b_r=0
while part ingest && [ "$b_r" -lt "$BENCH_ROUNDS" ]; do
	b_r=$((b_r + 1))
	for n in 1 4; do
		ingest "$n"
		[ -n "$HAVE_RSYSLOG" ] && peer "$n"
	done
done
for n in 1 4; do
	part ingest || break
	best vigil "$n" vigil_eps vigil_p50 vigil_p99 vigil_cpu vigil_hwm \
	    raw_per_event disk_per_event
	best rsyslog "$n" rsyslog_eps rsyslog_cpu rsyslog_hwm
done

# ---------------------------------------------------------------- query
VIGIL="$VIGIL_BIN/vigil"
QPER=$((BENCH_QUERY_EVENTS / 4))
QSPAN=172800
QSTART=$(( $(date +%s) - QSPAN - 600 ))
FLAT=$T/flat.log

# tq NAME POST PROGRAM [ARG...]: run the command twice (warm) under
# timeit, keep the faster wall time in ms and the output of the last run
# in $T/tq.out; the match count is POST run on that output ("" for its
# first line).  Each side is one process where possible (vigil writes to a
# file; counting its lines is not timed; a grep pipeline is one sh -c), so
# that both pay one process start, and timeit times from spawn to exit,
# so neither pays for this script.
tq() {
	b_name=$1
	b_post=$2
	shift 2
	[ -n "$b_post" ] || b_post='head -c 200 "$T/tq.out" | head -n 1'
	b_ms=$("$TIMEIT" -n 2 -o "$T/tq.out" "$@")
	res "${b_name}_ms" "$b_ms"
	res "${b_name}_n" "$(eval "$b_post")"
}

# the events a search --json printed; the total and the collector's own
# time (took_us, in ms) of an aggregation
HITS='grep -c "^{\"@timestamp\"" "$T/tq.out"'
TOTAL='sed -n "s/.*\"total\":\([0-9]*\).*/\1/p" "$T/tq.out"'
TOOK() {
	res "$1_srv" "$(sed -n 's/.*"took_us":\([0-9]*\).*/\1/p' \
	    "$T/tq.out" | awk '{ printf "%.1f", $1 / 1000 }')"
}

if part query; then
say "query: $BENCH_QUERY_EVENTS events over 48 h (4 x $QPER)"
"$LOADGEN" -o "$FLAT" -n 4 -m "$QPER" -t "$QSTART" -T "$QSPAN" || exit 1
fresh_collector || exit 1
b_out=$("$LOADGEN" -p "$COLLECTOR_PORT" $LG -n 4 -m "$QPER" -t "$QSTART" \
    -T "$QSPAN") || { say "loadgen failed: $b_out"; exit 1; }
say "  $b_out"
res query_ingest_eps "$(field events_per_s "$b_out")"
b_t0=$(now)
vigil_cli compact >/dev/null
res query_compact_s "$(elapsed "$b_t0")"
res query_disk_per_event "$(awk -v a="$(status_num store_bytes)" \
    -v b="$BENCH_QUERY_EVENTS" 'BEGIN { printf "%.1f", a / b }')"
res query_raw_per_event "$(awk -v a="$(wc -c <"$FLAT")" \
    -v b="$BENCH_QUERY_EVENTS" 'BEGIN { printf "%.1f", a / b }')"

IP=10.1.0.17
H=$(( (QSTART + QSPAN / 2) / 3600 * 3600 ))
HP=$(date -u -d "@$H" '+%b %e %H')
DAY=@$((QSTART + QSPAN - 86400))

# vs ARG...: the search; vc ARG...: the count (one 1-day bucket per day);
# v ARG...: vigil itself
v() { tq_v_name=$1 tq_v_post=$2; shift 2
	tq "$tq_v_name" "$tq_v_post" "$VIGIL" --socket "$T/sock" "$@"; }
vs() { tq_v_name=$1; shift; v "$tq_v_name" "$HITS" search --json \
	--limit 1000000 "$@"; }
vc() { tq_v_name=$1; shift; v "$tq_v_name" "$TOTAL" count --interval 1d \
	--json "$@"; }

vs q_ip_vigil "source.ip:$IP"
vc q_ip_count "source.ip:$IP"
TOOK q_ip_count
tq q_ip_grep "" grep -cwF "$IP" "$FLAT"
v q_ip100_vigil "$HITS" search --json "source.ip:$IP"
vs q_host_vigil --since "@$H" --until "@$((H + 3600))" \
    log.syslog.hostname:hv042
vc q_host_count --since "@$H" --until "@$((H + 3600))" \
    log.syslog.hostname:hv042
TOOK q_host_count
tq q_host_grep "" grep -cE "^$HP:[0-9:]+ hv042 " "$FLAT"
vs q_phrase_vigil '"invalid user admin42 from"'
vc q_phrase_count '"invalid user admin42 from"'
TOOK q_phrase_count
tq q_phrase_grep "" grep -cF 'invalid user admin42 from' "$FLAT"
vs q_wild_vigil --since "$DAY" 'user.name:admin42*'
vc q_wild_count --since "$DAY" 'user.name:admin42*'
TOOK q_wild_count
tq q_wild_grep "" grep -cE 'invalid user admin42[0-9]* from' "$FLAT"
v q_top_vigil 'head -n 1 "$T/tq.out"' top source.ip --since "$DAY" --json
TOOK q_top_vigil
tq q_top_grep "" sh -c "grep -oE '(from |SRC=)10\\.[0-9]+\\.[0-9]+\\.[0-9]+' \
    \"\$1\" | sed 's/^.*[ =]//' | sort | uniq -c | sort -rn | head -n 1" \
    sh "$FLAT"
v q_count_vigil "$TOTAL" count --json
TOOK q_count_vigil
tq q_count_grep 'cut -d" " -f1 "$T/tq.out"' wc -l "$FLAT"
v q_start "" count --json --since @0 --until @1
tq q_grepstart "" grep -c x /dev/null
stop_collector
rm -f "$FLAT"

fi

# ---------------------------------------------------------------- decoders
if part decoders; then
say "decoders: one core"
"$VIGIL_TESTBIN/bench_decode" 1 "$SRCDIR/rules" >"$T/dec.out" \
    2>"$T/dec.err"
cat "$T/dec.err"
while read -r b_k b_v; do
	res "dec_$b_k" "$b_v"
done <"$T/dec.out"

fi

# ---------------------------------------------------------------- shipper
if part shipper; then
"$LOADGEN" -o "$T/big.log" -n 1 -m "$BENCH_SHIP_LINES" -t "$START" \
    -T 3600 || exit 1
# per_m A B: CPU seconds B - A per million of the BENCH_SHIP_LINES lines
per_m() {
	awk -v a="$1" -v b="$2" -v n="$BENCH_SHIP_LINES" \
	    'BEGIN { printf "%.2f", (b - a) * 1000000 / n }'
}

# ship_big [PORT]: a fresh shipper "bigship" tails an empty file, sending
# to PORT (default: the collector); then the lines are appended at once.
# Sets SP, b_c0 (its CPU seconds before), b_cc0 (the collector's, without
# PORT) and b_t0 (when the append began).
ship_big() {
	: >"$T/ship.log"
	printf 'input auth:%s\nfrom-beginning yes\n' "$T/ship.log" \
	    >"$T/ship-bigship.conf"
	rm -rf "$T/ship-bigship"
	SHIPPER_PORT=${1:-} start_shipper bigship || return 1
	sleep 1
	SP=$(shipper_pid bigship)
	b_c0=$(proc_cpu "$SP")
	[ -n "${1:-}" ] || b_cc0=$(proc_cpu "$COLLECTOR_PID")
	b_t0=$(now)
	cat "$T/big.log" >>"$T/ship.log"
}

# ship_res SIDE HWMKEY: all lines are in; the round's lines/s, the
# shipper's peak RSS and CPU seconds per million lines (b_c1: its CPU)
ship_res() {
	b_s=$(elapsed "$b_t0")
	b_c1=$(proc_cpu "$SP")
	res "${1}_eps_1_r$b_r" "$(awk -v n="$BENCH_SHIP_LINES" -v s="$b_s" \
	    'BEGIN { printf "%.0f", n / s }')"
	res "${2}_1_r$b_r" "$(proc_hwm "$SP")"
	res "${1}_cpu_per_m_1_r$b_r" "$(per_m "$b_c0" "$b_c1")"
}

b_r=0
while [ "$b_r" -lt "$BENCH_ROUNDS" ]; do
b_r=$((b_r + 1))
say "shipper: $BENCH_SHIP_LINES lines appended to a tailed file" \
    "(round $b_r)"
fresh_collector || exit 1
ship_big || exit 1
wait_for "test \"\$(status_num events_stored)\" = $BENCH_SHIP_LINES" 600 ||
    exit 1
b_cc1=$(proc_cpu "$COLLECTOR_PID")
# the shipper's own cost, apart from the collector that sets the rate:
# CPU (utime+stime) per million lines, and the lines/s that CPU would
# allow on one core of its own
ship_res ship ship_big_hwm
res "ship_lines_per_cpu_s_1_r$b_r" "$(awk -v a="$b_c0" -v b="$b_c1" \
    -v n="$BENCH_SHIP_LINES" 'BEGIN { if (b > a) printf "%.0f", n / (b - a) }')"
res "ship_coll_cpu_per_m_1_r$b_r" "$(per_m "$b_cc0" "$b_cc1")"
stop_shipper bigship
# the same lines into acksink, which acknowledges every batch at once and
# stores nothing: what the shipper alone can tail and send
say "shipper: $BENCH_SHIP_LINES lines into acksink (round $b_r)"
b_port=$(free_port) || exit 1
timeout 600 "$ACKSINK" -p "$b_port" -c "$T/ca/collector.crt" \
    -k "$T/ca/collector.key" -a "$T/ca/ca.crt" -m "$BENCH_SHIP_LINES" \
    >"$T/sink.out" 2>"$T/sink.err" &
b_sink=$!
remember "$b_sink" acksink
wait_for "grep -q listening \"$T/sink.out\"" 10 || exit 1
ship_big "$b_port" || exit 1
if ! wait "$b_sink"; then
	say "bench: acksink failed:"
	cat "$T/sink.err"
	exit 1
fi
ship_res sink sink_hwm
stop_shipper bigship
rm -f "$T/ship.log"
done
rm -f "$T/big.log"
# the fastest round (the same drift as for ingest) and its figures
best ship 1 ship_eps ship_big_hwm ship_cpu_per_m ship_lines_per_cpu_s \
    ship_coll_cpu_per_m
best sink 1 sink_eps sink_hwm sink_cpu_per_m

say "shipper: 1,000 lines/s for $BENCH_SHIP_SECONDS s"
"$LOADGEN" -o "$T/rate-src.log" -n 1 -m $((BENCH_SHIP_SECONDS * 1000)) \
    -t "$START" -T 3600 || exit 1
: >"$T/rate.log"
printf 'input auth:%s\nfrom-beginning yes\n' "$T/rate.log" \
    >"$T/ship-rateship.conf"
start_shipper rateship || exit 1
sleep 2
SP=$(shipper_pid rateship)
b_c0=$(proc_cpu "$SP")
python3 - "$T/rate-src.log" "$T/rate.log" <<'PYEOF'
import sys, time
src = open(sys.argv[1]).readlines()
with open(sys.argv[2], "a") as f:
    t0 = time.monotonic()
    for i in range(0, len(src), 100):
        f.writelines(src[i:i + 100])
        f.flush()
        d = t0 + (i + 100) / 1000.0 - time.monotonic()
        if d > 0:
            time.sleep(d)
PYEOF
sleep 1
b_c1=$(proc_cpu "$SP")
res ship_rate_cpu_pct "$(awk -v a="$b_c0" -v b="$b_c1" \
    -v s="$BENCH_SHIP_SECONDS" 'BEGIN { printf "%.2f", (b - a) / s * 100 }')"
res ship_rate_rss "$(proc_rss "$SP")"
res ship_rate_hwm "$(proc_hwm "$SP")"
wait_for "test \"\$(status_num events_stored)\" = \
    $((BENCH_SHIP_LINES + BENCH_SHIP_SECONDS * 1000))" 30
stop_shipper rateship
stop_collector

fi

# ---------------------------------------------------------------- table
table() {
	echo "vigil benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores," \
	    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "BENCH_EVENTS=$BENCH_EVENTS per connection," \
	    "BENCH_QUERY_EVENTS=$BENCH_QUERY_EVENTS"
	echo
	printf '%-34s %12s %12s %8s\n' \
	    "INGEST (events/s until ACKed, best of $BENCH_ROUNDS)" \
	    vigil rsyslog ratio
	for n in 1 4; do
		printf '%-34s %12s %12s %8s\n' "  $n connection(s)" \
		    "$(get vigil_eps_$n)" "$(get rsyslog_eps_$n)" \
		    "$(ratio "$(get vigil_eps_$n)" "$(get rsyslog_eps_$n)")"
	done
	for n in 1 4; do
		printf '%-34s %s | %s\n' "  each round, $n conn" \
		    "$(get vigil_rounds_$n)" "$(get rsyslog_rounds_$n)"
	done
	for n in 1 4; do
		printf '%-34s %12s\n' "  ack p50 / p99 ms, $n conn" \
		    "$(get vigil_p50_$n) / $(get vigil_p99_$n)"
		printf '%-34s %12s %12s\n' "  CPU s, $n conn" \
		    "$(get vigil_cpu_$n)" "$(get rsyslog_cpu_$n)"
		printf '%-34s %12s %12s\n' "  peak RSS MiB, $n conn" \
		    "$(get vigil_hwm_$n)" "$(get rsyslog_hwm_$n)"
	done
	printf '%-34s %12s %12s %8s\n' "  bytes/event on disk vs raw" \
	    "$(get disk_per_event_4)" "$(get raw_per_event_4)" \
	    "$(ratio "$(get disk_per_event_4)" "$(get raw_per_event_4)")"
	printf '%-34s %12s %12s %8s\n' "  same, query data set" \
	    "$(get query_disk_per_event)" "$(get query_raw_per_event)" \
	    "$(ratio "$(get query_disk_per_event)" \
	    "$(get query_raw_per_event)")"
	printf '%-34s %12s\n' "  query set ingest events/s (4 c)" \
	    "$(get query_ingest_eps)"
	echo
	printf '%-30s %8s %8s %8s %8s %7s %7s %7s  %s\n' \
	    "QUERY ($BENCH_QUERY_EVENTS events)" "search" "count" "srv" \
	    "grep -c" "grep/" "grep/" "grep/" "matches"
	printf '%-30s %8s %8s %8s %8s %7s %7s %7s  %s\n' "" ms ms ms ms \
	    search count srv "(search | count | grep)"
	for q in ip:"source.ip, all time" host:"host + 1 hour" \
	    phrase:"phrase, all time" wild:"wildcard, 1 day (grep: all)" \
	    top:"top source.ip, 1 day (grep: all)" \
	    count:"count, all time (grep: wc -l)"; do
		k=${q%%:*}
		b_srv=$(get q_${k}_count_srv)
		[ -n "$b_srv" ] || b_srv=$(get q_${k}_vigil_srv)
		printf '%-30s %8s %8s %8s %8s %7s %7s %7s  %s | %s | %s\n' \
		    "  ${q#*:}" "$(get q_${k}_vigil_ms)" \
		    "$(get q_${k}_count_ms)" "$b_srv" "$(get q_${k}_grep_ms)" \
		    "$(ratio "$(get q_${k}_grep_ms)" "$(get q_${k}_vigil_ms)")" \
		    "$(ratio "$(get q_${k}_grep_ms)" "$(get q_${k}_count_ms)")" \
		    "$(ratio "$(get q_${k}_grep_ms)" "$b_srv")" \
		    "$(get q_${k}_vigil_n | cut -c1-40)" \
		    "$(get q_${k}_count_n)" "$(get q_${k}_grep_n | cut -c1-24)"
	done
	printf '%-30s %8s\n' "  source.ip, newest 100" "$(get q_ip100_vigil_ms)"
	printf '%-30s %8s %8s\n' "  empty query: vigil, grep" \
	    "$(get q_start_ms)" "$(get q_grepstart_ms)"
	echo "  (srv: the collector's own time, took_us; the others are wall"
	echo "  time of the command, including its process start)"
	echo
	printf '%-34s %12s\n' "DECODERS (lines/s, one core)" ""
	for d in syslog_header dec_sshd dec_sudo dec_netfilter dec_audit \
	    dec_libvirt decode_event_mix decode_rules_mix store_prepare_mix \
	    store_commit_mix; do
		printf '%-34s %12s\n' "  $d" "$(get dec_$d)"
	done
	echo
	printf '%-34s %12s\n' "SHIPPER" ""
	printf '%-34s %12s\n' "  lines/s tailed and shipped (best)" \
	    "$(get sink_eps_1)"
	printf '%-34s %s\n' "  each round" "$(get sink_rounds_1)"
	printf '%-34s %12s\n' "  peak RSS MiB" "$(get sink_hwm_1)"
	printf '%-34s %12s\n' "  shipper CPU s per 1M lines" \
	    "$(get sink_cpu_per_m_1)"
	echo "  (into acksink: every batch acknowledged at once, nothing"
	echo "  stored; end to end into a collector:)"
	printf '%-34s %12s\n' "  lines/s tailed and stored (best)" \
	    "$(get ship_eps_1)"
	printf '%-34s %s\n' "  each round" "$(get ship_rounds_1)"
	printf '%-34s %12s\n' "  peak RSS MiB (bulk)" "$(get ship_big_hwm_1)"
	printf '%-34s %12s\n' "  shipper CPU s per 1M lines" \
	    "$(get ship_cpu_per_m_1)"
	printf '%-34s %12s\n' "  lines per shipper CPU second" \
	    "$(get ship_lines_per_cpu_s_1)"
	printf '%-34s %12s\n' "  collector CPU s per 1M (same run)" \
	    "$(get ship_coll_cpu_per_m_1)"
	printf '%-34s %12s\n' "  CPU % of a core at 1,000 lines/s" \
	    "$(get ship_rate_cpu_pct)"
	printf '%-34s %12s\n' "  RSS / peak MiB at 1,000 lines/s" \
	    "$(get ship_rate_rss) / $(get ship_rate_hwm)"
}

echo
mkdir -p "$(dirname "$BENCH_OUT")"
table | tee "$BENCH_OUT"
cp "$RES" "$BENCH_OUT.raw" 2>/dev/null
test_finished=1
exit 0
