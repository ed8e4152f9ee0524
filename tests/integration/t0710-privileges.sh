#!/bin/sh
# t0710-privileges: run as root, the collector with "user nobody" and the
# shipper with "user nobody" end up with every uid and gid unprivileged,
# no capabilities and no_new_privs set, and still do their work (events
# stored, data and state directories written).  The shipper run the way
# the systemd unit documents for unprivileged use (a plain user with
# supplementary group adm) reads a root:adm 0640 log.  The query socket
# gets socket-mode and socket-group: a user outside the group gets a clear
# "Permission denied" from the CLI, one in the group is served.  The
# systemd units pass `systemd-analyze verify` and keep their hardening
# (when systemd-analyze is installed; systemd need not be running).
# Without root the rest cannot be checked: the script says so and skips.
. "$(dirname "$0")/../lib.sh"

if command -v systemd-analyze >/dev/null 2>&1; then
	test_expect_success 'systemd units verify and are hardened' '
		prefix=$(dirname "$VIGIL_BIN") &&
		missing= &&
		for u in vigil-collector vigil-shipper; do
			sed "s|@PREFIX@|$prefix|g" "$SRCDIR/conf/$u.service" \
			    >"$T/$u.service" || missing="$missing $u"
		done &&
		systemd-analyze verify --man=no "$T/vigil-collector.service" \
		    "$T/vigil-shipper.service" >"$T/verify.out" 2>&1 &&
		cat "$T/verify.out" && test ! -s "$T/verify.out" &&
		for u in vigil-collector vigil-shipper; do
			for k in NoNewPrivileges=yes ProtectSystem=strict \
			    ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
			    "CapabilityBoundingSet=" ReadWritePaths= \
			    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" \
			    SystemCallFilter=@system-service RestrictSUIDSGID=yes \
			    PrivateMounts=yes; do
				grep -q "^$k" "$T/$u.service" ||
				    missing="$missing $u:$k"
			done
		done &&
		echo "missing: $missing" && test -z "$missing" &&
		grep -q "^User=vigil$" "$T/vigil-collector.service" &&
		grep -q "^CapabilityBoundingSet=$" "$T/vigil-collector.service" &&
		grep -q "^CapabilityBoundingSet=CAP_DAC_READ_SEARCH$" \
		    "$T/vigil-shipper.service"
	'
else
	say "# skipped the unit check: systemd-analyze not installed"
fi

if [ "$(id -u)" -ne 0 ]; then
	say "# skipped: the privilege checks need root (setuid, chown)"
	test_done
fi
for _c in setpriv stat; do
	command -v "$_c" >/dev/null 2>&1 || {
		say "$TEST_NAME: $_c not found (apt-get install util-linux coreutils)"
		test_failed=1
		test_done
	}
done
getent passwd nobody >/dev/null && getent group adm >/dev/null || {
	say "$TEST_NAME: needs user nobody and group adm"
	test_failed=1
	test_done
}
NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)
ADM_GID=$(getent group adm | cut -d: -f3)
# a uid and gid nobody else has: outside every group, owner of nothing
STRANGER=54321

# the unprivileged daemons must reach their files under $T
chmod 0711 "$T"

# status_field PID FIELD: the values of FIELD: in /proc/PID/status.
status_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' ' ' |
	    sed 's/ $//'
}

# unprivileged PID UID GID: real, effective, saved and fs ids are UID and
# GID, supplementary groups only GID, no capability at all, no_new_privs.
unprivileged() {
	cat "/proc/$1/status" &&
	test "$(status_field "$1" Uid)" = "$2 $2 $2 $2" &&
	test "$(status_field "$1" Gid)" = "$3 $3 $3 $3" &&
	test "$(status_field "$1" CapEff)" = 0000000000000000 &&
	test "$(status_field "$1" CapPrm)" = 0000000000000000 &&
	test "$(status_field "$1" Groups)" = "$3" &&
	test "$(status_field "$1" NoNewPrivs)" = 1
}

# logline HOST WORD: an sshd line from HOST carrying WORD.
logline() {
	printf "%s %s sshd[1]: Accepted publickey for deploy from 192.0.2.9 port 4000 ssh2: ED25519 SHA256:%s\n" \
	    "$(date "+%b %e %H:%M:%S")" "$1" "$2"
}

test_expect_success 'collector starts as root and drops to nobody' '
	printf "user nobody\nsocket-group adm\nsocket-mode 0660\n" \
	    >"$T/collector.conf" &&
	start_collector --metrics-listen off &&
	unprivileged "$COLLECTOR_PID" "$NOBODY_UID" "$NOBODY_GID" &&
	test "$(status_field "$COLLECTOR_PID" Groups)" = "$NOBODY_GID"
'

test_expect_success 'query socket: owner, group adm, mode 0660' '
	stat -c "%U %G %a %F" "$T/sock" &&
	test "$(stat -c "%u %g %a" "$T/sock")" = "$NOBODY_UID $ADM_GID 660"
'

test_expect_success 'CLI outside the socket group: clear permission error' '
	setpriv --reuid=$STRANGER --regid=$STRANGER --clear-groups \
	    "$VIGIL_BIN/vigil" --socket "$T/sock" status >"$T/denied.out" 2>&1
	rc=$?
	cat "$T/denied.out" &&
	test "$rc" -ne 0 && test "$rc" -lt 128 &&
	grep "^vigil: cannot connect to the collector at $T/sock: Permission denied" "$T/denied.out" &&
	grep "socket.s group" "$T/denied.out"
'

test_expect_success 'CLI in the socket group is served' '
	setpriv --reuid=$STRANGER --regid=$STRANGER --groups=$ADM_GID \
	    "$VIGIL_BIN/vigil" --socket "$T/sock" status >"$T/allowed.out" 2>&1 &&
	grep "^collector   up" "$T/allowed.out"
'

test_expect_success 'the unprivileged collector stores events and owns its data' '
	logline pa t0710collector >"$T/pa.log" &&
	start_shipper pa --from-beginning --input "auth:$T/pa.log" &&
	wait_for "vigil_cli search --json t0710collector | grep -q t0710collector" 15 &&
	stop_shipper pa &&
	ls -ln "$T/data" &&
	test -z "$(find "$T/data" ! -user nobody)" &&
	collector_alive
'

test_expect_success 'collector restarted as nobody reopens its store' '
	stop_collector &&
	start_collector --metrics-listen off &&
	vigil_cli search --json t0710collector | grep -q t0710collector &&
	test -z "$(find "$T/data" ! -user nobody)"
'

test_expect_success 'shipper with user nobody: unprivileged, reads its log, keeps state' '
	logline pb t0710shipper >"$T/pb.log" &&
	chown root:nogroup "$T/pb.log" && chmod 0640 "$T/pb.log" &&
	echo "user nobody" >"$T/ship-pb.conf" &&
	start_shipper pb --from-beginning --input "auth:$T/pb.log" &&
	pid=$(shipper_pid pb) &&
	wait_for "grep -q \"running as nobody\" \"\$T/ship-pb.log\"" 10 &&
	unprivileged "$pid" "$NOBODY_UID" "$NOBODY_GID" &&
	wait_for "vigil_cli search --json t0710shipper | grep -q t0710shipper" 15 &&
	logline pb t0710shipper2 >>"$T/pb.log" &&
	wait_for "vigil_cli search --json t0710shipper2 | grep -q t0710shipper2" 15 &&
	stop_shipper pb &&
	test -z "$(find "$T/ship-pb" ! -user nobody)" &&
	ls -ln "$T/ship-pb"
'

test_expect_success 'shipper with an unknown user: a clear error at start' '
	echo "user no-such-user-t0710" >"$T/ship-pc.conf" &&
	mkdir -p "$T/ship-pc" &&
	make_cert "$T/ca" pc &&
	test_must_fail "$VIGIL_BIN/vigil-shipper" -n -f "$T/ship-pc.conf" \
	    --collector "127.0.0.1:$COLLECTOR_PORT" \
	    --tls-cert "$T/ca/pc.crt" --tls-key "$T/ca/pc.key" \
	    --tls-ca "$T/ca/ca.crt" --state "$T/ship-pc" \
	    --input "auth:$T/pb.log" >"$T/pc.out" 2>&1 &&
	cat "$T/pc.out" &&
	grep "user.*unknown user .no-such-user-t0710." "$T/pc.out"
'

test_expect_success 'shipper as a plain user in group adm reads a root:adm 0640 log' '
	logline pd t0710adm >"$T/pd.log" &&
	chown root:adm "$T/pd.log" && chmod 0640 "$T/pd.log" &&
	make_cert "$T/ca" pd &&
	chown nobody "$T/ca/pd.key" &&
	mkdir -p "$T/ship-pd" && chown nobody "$T/ship-pd" &&
	prep=ok
	setpriv --reuid=nobody --regid=nogroup --groups=$ADM_GID \
	    "$VIGIL_BIN/vigil-shipper" -d --from-beginning \
	    --collector "127.0.0.1:$COLLECTOR_PORT" \
	    --tls-cert "$T/ca/pd.crt" --tls-key "$T/ca/pd.key" \
	    --tls-ca "$T/ca/ca.crt" --state "$T/ship-pd" --hostname pd \
	    --input "auth:$T/pd.log" >"$T/ship-pd.log" 2>&1 </dev/null &
	pid=$!
	remember "$pid" ship-pd &&
	test "$prep" = ok &&
	wait_for "vigil_cli search --json t0710adm | grep -q t0710adm" 15 &&
	test "$(status_field "$pid" NoNewPrivs)" = 1 &&
	test "$(status_field "$pid" Groups)" = "$ADM_GID" &&
	test "$(status_field "$pid" CapEff)" = 0000000000000000 &&
	stop_pid "$pid"
'

test_expect_success 'without group adm the same log is refused with a clear error' '
	logline pe t0710noadm >"$T/pe.log" &&
	chown root:adm "$T/pe.log" && chmod 0640 "$T/pe.log" &&
	make_cert "$T/ca" pe &&
	chown nobody "$T/ca/pe.key" &&
	mkdir -p "$T/ship-pe" && chown nobody "$T/ship-pe" &&
	prep=ok
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$VIGIL_BIN/vigil-shipper" -d --from-beginning \
	    --collector "127.0.0.1:$COLLECTOR_PORT" \
	    --tls-cert "$T/ca/pe.crt" --tls-key "$T/ca/pe.key" \
	    --tls-ca "$T/ca/ca.crt" --state "$T/ship-pe" --hostname pe \
	    --input "auth:$T/pe.log" >"$T/ship-pe.log" 2>&1 </dev/null &
	pid=$!
	remember "$pid" ship-pe &&
	test "$prep" = ok &&
	wait_for "grep -q \"Permission denied\" \"\$T/ship-pe.log\"" 10 &&
	cat "$T/ship-pe.log" &&
	grep "$T/pe.log.*Permission denied" "$T/ship-pe.log" &&
	stop_pid "$pid" &&
	! vigil_cli search --json t0710noadm | grep -q t0710noadm
'

test_done
