#!/bin/sh
# t0040-tail: `vigil tail` follows new events live with the query syntax:
# it prints lines appended after it started that match its query, in
# commit order, and nothing that does not match; a bad query is refused
# before anything is followed; a CLI without access to the socket gets a
# clear error.
. "$(dirname "$0")/../lib.sh"

stamp() {
	date -u +"%b %e %H:%M:%S"
}

test_expect_success 'collector and a shipper' '
	start_collector &&
	: >"$T/auth.log" &&
	start_shipper hv1 --role host --input "auth:$T/auth.log" &&
	wait_for "vigil_cli status --json | grep -q \"\\\"hv1\\\"\"" 10
'

test_expect_success 'tail follows matching new lines only' '
	timeout 20 "$VIGIL_BIN/vigil" --socket "$T/sock" tail --json \
	    process.name:sshd "Failed password" >"$T/tail.out" 2>"$T/tail.err" &
	TAILPID=$! &&
	sleep 0.5 &&
	for i in 1 2 3; do
		echo "$(stamp) hv1 sshd[10$i]: Failed password for root from 203.0.113.$i port 4000$i ssh2" >>"$T/auth.log"
		echo "$(stamp) hv1 sshd[20$i]: Accepted publickey for deploy from 203.0.113.$i port 5000$i ssh2" >>"$T/auth.log"
		echo "$(stamp) hv1 sudo:   deploy : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/true Failed password" >>"$T/auth.log"
	done &&
	wait_for "test \$(wc -l <\"$T/tail.out\") -ge 3" 15 &&
	sleep 1 &&
	kill "$TAILPID" &&
	test "$(wc -l <"$T/tail.out")" -eq 3 &&
	grep -c "Failed password for root from 203.0.113" "$T/tail.out" |
	    grep -qx 3 &&
	! grep -q "Accepted\|sudo" "$T/tail.out" &&
	head -n 1 "$T/tail.out" | grep -q "203.0.113.1 port 40001"
'

test_expect_success 'tail with a bad query fails at once' '
	test_must_fail timeout 10 "$VIGIL_BIN/vigil" --socket "$T/sock" tail \
	    "(unbalanced" 2>"$T/bad.err" &&
	grep -q "column" "$T/bad.err"
'

test_expect_success 'a socket nobody serves gives a clear error' '
	test_must_fail timeout 10 "$VIGIL_BIN/vigil" --socket "$T/nosock" \
	    status 2>"$T/nosock.err" &&
	grep -q "cannot connect to the collector" "$T/nosock.err"
'

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
test_expect_success 'a user without access to the socket gets a clear error' '
	chmod 711 "$T" &&
	test_must_fail timeout 10 setpriv --reuid=65534 --regid=65534 \
	    --clear-groups "$VIGIL_BIN/vigil" --socket "$T/sock" status \
	    2>"$T/perm.err" &&
	grep -q "Permission denied" "$T/perm.err" &&
	grep -q "group" "$T/perm.err"
'
fi

test_done
