#!/bin/sh
# t0035-session-drops: every dropped session is counted by why.  A peer
# that falls silent is dropped after three heartbeats ("no heartbeat from
# peer", session_timeouts); a peer whose TLS records are forged is
# dropped as a transport error (session_errors); both show in `vigil
# status --json` and in the Prometheus metrics.
. "$(dirname "$0")/../lib.sh"

peer() {
	PEER_HOST=peer timeout 30 python3 "$SRCDIR/tests/tools/peer.py" \
	    "$COLLECTOR_PORT" "$T/ca/peer.crt" "$T/ca/peer.key" \
	    "$T/ca/ca.crt" "$@"
}

num() {
	vigil_cli status --json | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

test_expect_success 'collector with a 1 s heartbeat' '
	echo "heartbeat 1s" >>"$T/collector.conf" &&
	MPORT=$(free_port) &&
	start_collector --metrics-listen "127.0.0.1:$MPORT" &&
	make_cert "$T/ca" peer &&
	test "$(num session_timeouts)" = 0 &&
	test "$(num session_errors)" = 0
'

test_expect_success 'a silent peer is dropped and counted' '
	peer silent /var/log/quiet >"$T/silent.out" &&
	grep -q "^closed" "$T/silent.out" &&
	expect_log "$T/collector.log" "closed: no heartbeat from peer" &&
	test "$(num session_timeouts)" = 1
'

test_expect_success 'a broken TLS stream is counted as a transport error' '
	peer tls-garbage /var/log/garbage >"$T/garbage.out" &&
	wait_for "test \"\$(num session_errors)\" = 1" 10 &&
	test "$(num session_timeouts)" = 1
'

test_expect_success 'the metrics say the same' '
	python3 -c "
import sys, urllib.request
t = urllib.request.urlopen(\"http://127.0.0.1:%s/metrics\" % sys.argv[1]).read().decode()
v = dict(l.split(\" \", 1) for l in t.splitlines() if l and l[0] != \"#\" and \"{\" not in l)
assert v[\"vigil_session_timeouts_total\"] == \"1\", v[\"vigil_session_timeouts_total\"]
assert v[\"vigil_session_errors_total\"] == \"1\", v[\"vigil_session_errors_total\"]
" "$MPORT"
'

test_done
