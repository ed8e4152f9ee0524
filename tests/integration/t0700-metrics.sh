#!/bin/sh
# t0700-metrics: the Prometheus endpoint.  GET /metrics answers with the
# text exposition format 0.0.4 (every family with # HELP and # TYPE,
# counters named *_total); the values follow the collector (events
# received and stored, acks, per-sender series, TLS refusals by reason) and
# agree with `vigil status --json`; other paths get 404 and other methods
# an error; garbage, oversized headers and half-open connections do not
# hurt the collector.  metrics-listen "off" binds nothing, an explicit
# address that is taken stops the start-up with a clear error, and by
# default the endpoint is on 127.0.0.1:9515 only (checked as root in a
# private network namespace, where that port is surely free).
. "$(dirname "$0")/../lib.sh"

command -v curl >/dev/null 2>&1 || {
	say "$TEST_NAME: curl not found (apt-get install curl)"
	test_failed=1
	test_done
}

MPORT=$(free_port)

# scrape [PATH]: GET http://127.0.0.1:$MPORT/PATH into $T/scrape.out,
# headers in $T/scrape.hdr; prints the HTTP status.
scrape() {
	curl -sS -m 10 -o "$T/scrape.out" -D "$T/scrape.hdr" \
	    -w '%{http_code}' "http://127.0.0.1:$MPORT${1:-/metrics}"
}

# value SERIES: the value of the sample line "SERIES value" in scrape.out.
value() {
	awk -v s="$1" '$1 == s { print $2; found = 1 } END { exit !found }' \
	    "$T/scrape.out"
}

# wellformed: every sample of $T/scrape.out belongs to a family that had a
# # HELP and a # TYPE line before it, counters end in _total, label values
# are quoted, values are numbers.
wellformed() {
	python3 - "$T/scrape.out" <<'PY'
import re, sys
help, typ = set(), {}
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)'
    r'(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? '
    r'(-?[0-9.eE+-]+|NaN|[+-]Inf)$')
n = 0
for line in open(sys.argv[1]):
    line = line.rstrip('\n')
    if line.startswith('# HELP '):
        help.add(line.split(' ')[2])
    elif line.startswith('# TYPE '):
        _, _, name, t = line.split(' ')
        assert name in help, 'TYPE before HELP: ' + line
        assert t in ('counter', 'gauge'), line
        assert t != 'counter' or name.endswith('_total'), line
        typ[name] = t
    else:
        m = sample.match(line)
        assert m, 'bad sample line: ' + line
        assert m.group(1) in typ, 'no TYPE for: ' + line
        n += 1
assert n > 10, 'only %d samples' % n
print('%d samples in %d families' % (n, len(typ)))
PY
}

test_expect_success 'collector starts with metrics-listen' '
	start_collector --metrics-listen "127.0.0.1:$MPORT" &&
	expect_log "$T/collector.log" "metrics on http://127\.0\.0\.1:$MPORT/metrics"
'

test_expect_success 'GET /metrics: 200, format 0.0.4, well formed' '
	test "$(scrape)" = 200 &&
	grep -i "^content-type: text/plain; version=0.0.4" "$T/scrape.hdr" &&
	wellformed &&
	test "$(value vigil_events_stored_total)" = 0 &&
	test "$(value "vigil_tls_refused_total{reason=\"expired\"}")" = 0
'

test_expect_success 'counters follow ingest' '
	for i in 1 2 3; do
		printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "m1 sshd[7$i]: Accepted publickey for deploy from 192.0.2.7$i port 40$i ssh2: ED25519 SHA256:t0700line$i"
	done >"$T/m1.log" &&
	start_shipper m1 --from-beginning --input "auth:$T/m1.log" &&
	wait_for "scrape >/dev/null && test \"\$(value vigil_events_stored_total)\" -ge 3" 20 &&
	scrape >/dev/null &&
	test "$(value vigil_events_received_total)" -ge 3 &&
	test "$(value vigil_acks_total)" -ge 1 &&
	test "$(value "vigil_sender_events_stored_total{sender=\"m1\"}")" = 3 &&
	test "$(value "vigil_sender_events_received_total{sender=\"m1\"}")" = 3 &&
	test "$(value "vigil_sender_connected{sender=\"m1\"}")" = 1 &&
	seen=$(value "vigil_sender_last_seen_seconds{sender=\"m1\"}") &&
	now=$(date +%s) &&
	awk -v s="$seen" -v n="$now" "BEGIN { exit !(s > n - 60 && s <= n + 1) }" &&
	test "$(value vigil_store_bytes)" -gt 0 &&
	test "$(value vigil_sessions)" = 1 &&
	test "$(value vigil_writer_decoded_total)" = 0 &&
	wellformed
'

test_expect_success 'metrics agree with vigil status --json' '
	vigil_cli status --json >"$T/status.json" &&
	scrape >/dev/null &&
	python3 - "$T/status.json" "$T/scrape.out" <<-\PY
	import json, sys
	st = json.load(open(sys.argv[1]))
	m = {}
	for l in open(sys.argv[2]):
	    if not l.startswith("#"):
	        k, v = l.rsplit(" ", 1)
	        m[k] = float(v)
	for js, prom in (("events_stored", "vigil_events_stored_total"),
	        ("events_received", "vigil_events_received_total"),
	        ("duplicates", "vigil_duplicates_absorbed_total"),
	        ("gaps", "vigil_gaps_total"),
	        ("writer_decoded", "vigil_writer_decoded_total"),
	        ("store_errors", "vigil_store_errors_total"),
	        ("tls_refused", "vigil_tls_refused_total{reason=\"other\"}")):
	    if js == "tls_refused":
	        tot = sum(v for k, v in m.items()
	            if k.startswith("vigil_tls_refused_total{"))
	        assert tot == st[js], (js, tot, st[js])
	    else:
	        assert m[prom] == st[js], (js, m[prom], st[js])
	PY
'

test_expect_success 'a TLS refusal is counted by reason in both' '
	timeout 10 openssl s_client -connect "127.0.0.1:$COLLECTOR_PORT" \
	    -servername localhost -CAfile "$T/ca/ca.crt" </dev/null \
	    >"$T/s_client.out" 2>&1
	wait_for "grep -q \"refused 127.0.0.1:[0-9]*: .*certificate\" \"\$T/collector.log\"" 10 &&
	wait_for "scrape >/dev/null && test \"\$(value \"vigil_tls_refused_total{reason=\\\"no_certificate\\\"}\")\" = 1" 10 &&
	vigil_cli status --json >"$T/status.json" &&
	grep -q "\"tls_refused_by_reason\": *{ *\"no_certificate\": *1 *}" "$T/status.json"
'

test_expect_success 'other paths: 404; other methods refused' '
	test "$(scrape /)" = 404 &&
	test "$(scrape /metricsx)" = 404 &&
	test "$(scrape /metrics/../etc/passwd)" = 404 &&
	code=$(curl -sS -m 10 -o /dev/null -w "%{http_code}" -X POST \
	    --data x "http://127.0.0.1:$MPORT/metrics") &&
	test "$code" -ge 400 &&
	test "$(scrape "/metrics?x=1")" = 200
'

test_expect_success 'malformed requests do not hurt the collector' '
	python3 - "$MPORT" <<-\PY &&
	import socket, sys, time
	port = int(sys.argv[1])
	def send(data, wait=True):
	    s = socket.create_connection(("127.0.0.1", port), 5)
	    try:
	        s.sendall(data)
	        s.settimeout(5)
	        got = s.recv(200) if wait else b""
	    except OSError:
	        got = b""
	    s.close()
	    return got
	# binary garbage, a header larger than the limit, a bad version
	send(b"\x00\x01\x02\xff" * 1000 + b"\r\n\r\n")
	r = send(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 100000 + b"\r\n\r\n")
	assert not r.startswith(b"HTTP/1.1 200"), r
	send(b"GET /metrics HTTP/9.9\r\n\r\n")
	send(b"\r\n\r\n\r\n")
	# half-open connections, left open while we scrape
	idle = [socket.create_connection(("127.0.0.1", port), 5)
	    for i in range(20)]
	idle[0].sendall(b"GET /metr")
	time.sleep(0.2)
	PY
	test "$(scrape)" = 200 &&
	wellformed &&
	collector_alive &&
	vigil_cli status >/dev/null
'

test_expect_success 'metrics-listen off binds nothing' '
	stop_shipper m1 &&
	stop_collector &&
	n=$(lines "$T/collector.log") &&
	start_collector --metrics-listen off &&
	! tail -n "+$((n + 1))" "$T/collector.log" | grep "metrics on" &&
	test_must_fail curl -sS -m 5 -o /dev/null "http://127.0.0.1:$MPORT/metrics"
'

test_expect_success 'an explicit metrics address that is taken is an error' '
	stop_collector &&
	python3 -c "import socket, time, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((\"127.0.0.1\", $MPORT))
s.listen(1)
time.sleep(60)" &
	holder=$! &&
	remember "$holder" holder &&
	wait_for "grep -q \":$(printf %04X "$MPORT") 00000000:0000 0A\" /proc/net/tcp" 20 &&
	test_must_fail "$VIGIL_BIN/vigil-collector" -d -f "$T/collector.conf" \
	    --listen "127.0.0.1:$COLLECTOR_PORT" --data "$T/data" \
	    --socket "$T/sock" --tls-cert "$T/ca/collector.crt" \
	    --tls-key "$T/ca/collector.key" --tls-ca "$T/ca/ca.crt" \
	    --metrics-listen "127.0.0.1:$MPORT" >"$T/busy.out" 2>&1 &&
	grep "metrics-listen: 127.0.0.1:$MPORT: .*in use" "$T/busy.out" &&
	kill_pid "$holder" &&
	test_must_fail "$VIGIL_BIN/vigil-collector" -d -f "$T/collector.conf" \
	    --listen "127.0.0.1:$COLLECTOR_PORT" --data "$T/data" \
	    --socket "$T/sock" --tls-cert "$T/ca/collector.crt" \
	    --tls-key "$T/ca/collector.key" --tls-ca "$T/ca/ca.crt" \
	    --metrics-listen "no-port-here" >"$T/bad.out" 2>&1 &&
	grep "metrics-listen: bad address .no-port-here." "$T/bad.out"
'

if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1 &&
    command -v ip >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
	test_expect_success 'by default: 127.0.0.1:9515 only' '
		cat >"$T/netns.sh" <<-EOF &&
		ip link set lo up || exit 1
		"$VIGIL_BIN/vigil-collector" -d -f "$T/collector.conf" \
		    --listen "127.0.0.1:$COLLECTOR_PORT" --data "$T/data" \
		    --socket "$T/sock" --tls-cert "$T/ca/collector.crt" \
		    --tls-key "$T/ca/collector.key" --tls-ca "$T/ca/ca.crt" \
		    >"$T/netns.log" 2>&1 &
		pid=\$!
		n=0
		until grep -q "listening on" "$T/netns.log"; do
			n=\$((n + 1)); [ \$n -lt 100 ] || break; sleep 0.1
		done
		curl -sS -m 10 -o "$T/netns.out" -w "%{http_code}\n" \
		    http://127.0.0.1:9515/metrics
		# LISTEN sockets on port 9515 (0x252B): address and state
		cat /proc/net/tcp /proc/net/tcp6 |
		    grep ":252B 00000000:0000 0A" | awk "{ print \\\$2 }"
		kill \$pid
		wait \$pid
		EOF
		timeout 30 unshare -n sh "$T/netns.sh" >"$T/netns.res" 2>&1 &&
		cat "$T/netns.res" &&
		test "$(sed -n 1p "$T/netns.res")" = 200 &&
		test "$(sed -n 2p "$T/netns.res")" = "0100007F:252B" &&
		test "$(wc -l <"$T/netns.res")" -eq 2 &&
		grep -q "^vigil_streams 1$" "$T/netns.out" &&
		expect_log "$T/netns.log" "metrics on http://127\.0\.0\.1:9515/metrics"
	'
else
	say "# skipped the default-address check: needs root, unshare(1) and ip(8)"
fi

test_done
