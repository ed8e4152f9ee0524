#!/bin/sh
# quickstart.sh -- install, build and start a local vigil demo.
#
#   scripts/quickstart.sh          (as root, at the top of the source tree)
#   scripts/quickstart.sh stop     stop the demo daemons
#
# On a fresh Debian 12 this installs the missing build and runtime packages
# with apt-get, runs `make`, creates a development CA and certificates in
# demo/certs, writes a demo data set (two hypervisors and a guest, last two
# hours) to demo/logs, and starts on this machine one collector (127.0.0.1:
# 6515, LevelDB in demo/data, query socket demo/collector.sock) and three
# shippers (hv1, hv2 with role host; web01 with role guest) that replay the
# demo logs from the beginning.  Then it shows `vigil status` and a few
# searches.  Running it again stops the old demo and starts a fresh one.
# Everything lives under demo/ (ignored by git); logs are in demo/log/.

set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)
DEMO=$TOP/demo
SOCK=$DEMO/collector.sock
PORT=6515
VIGIL="bin/vigil --socket demo/collector.sock"
# build and run: the first line; `make test` also needs the rest (a real
# rsyslog for the interop test, systemd-journal-remote to make journals,
# headless chromium to open the HTML report)
PACKAGES="build-essential pkg-config libevent-dev libssl-dev libyajl-dev
libleveldb-dev libpcre2-dev libsystemd-dev openssl python3
bsdutils rsyslog rsyslog-openssl systemd-journal-remote chromium
fonts-dejavu-core"
HOSTS="hv1 hv2 web01"
WEB01_UUID=3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b	# as in demo/logs/hv1/audit.log

say() {
	printf '%s\n' "$*"
}

die() {
	say "quickstart: $*" >&2
	exit 1
}

# is_ours PID: PID is a running vigil daemon (not a recycled pid).
is_ours() {
	[ -n "$1" ] && [ -r "/proc/$1/cmdline" ] &&
	    tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "vigil-"
}

stop_demo() {
	[ -d "$DEMO/run" ] || return 0
	for f in "$DEMO"/run/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		if is_ours "$pid"; then
			kill -TERM "$pid" 2>/dev/null || true
			n=50
			while [ "$n" -gt 0 ] && is_ours "$pid"; do
				sleep 0.1
				n=$((n - 1))
			done
			if is_ours "$pid"; then
				kill -KILL "$pid" 2>/dev/null || true
			fi
			say "stopped $(basename "$f" .pid) (pid $pid)"
		fi
		rm -f "$f"
	done
}

# start NAME CMD...: run CMD detached, log in demo/log/NAME.log.
start() {
	name=$1
	shift
	setsid "$@" >"$DEMO/log/$name.log" 2>&1 </dev/null &
	echo $! >"$DEMO/run/$name.pid"
}

# wait_until SECONDS CMD...: poll CMD every 0.2 s.
wait_until() {
	n=$(($1 * 5))
	shift
	while [ "$n" -gt 0 ]; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

status_lists_all() {
	out=$($VIGIL status 2>/dev/null) || return 1
	for h in $HOSTS; do
		printf '%s\n' "$out" | grep -q "$h" || return 1
	done
}

all_stored() {
	[ "$($VIGIL search --json --limit 1000000 2>/dev/null | wc -l)" -ge "$1" ]
}

if [ "${1:-}" = stop ]; then
	stop_demo
	exit 0
elif [ $# -gt 0 ]; then
	say "usage: $0 [stop]" >&2
	exit 2
fi

# 1. packages
missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	command -v apt-get >/dev/null 2>&1 ||
	    die "missing packages:$missing (this script knows Debian's apt-get)"
	[ "$(id -u)" -eq 0 ] ||
	    die "missing packages:$missing; run this as root (sudo $0)"
	say "== installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

# 2. build
say "== building"
make -j2 >"${TMPDIR:-/tmp}/vigil-quickstart-make.log" 2>&1 || {
	tail -n 40 "${TMPDIR:-/tmp}/vigil-quickstart-make.log" >&2
	die "make failed (full log: ${TMPDIR:-/tmp}/vigil-quickstart-make.log)"
}
for b in vigil-collector vigil-shipper vigil; do
	[ -x "bin/$b" ] || die "bin/$b was not built"
done

# 3. a clean demo directory (the CA and certificates are kept)
stop_demo
rm -rf "$DEMO/data" "$DEMO/state" "$DEMO/logs" "$DEMO/log" "$DEMO/run" "$SOCK"
mkdir -p "$DEMO/log" "$DEMO/run" "$DEMO/state"
[ ${#SOCK} -lt 100 ] ||
    die "$SOCK is too long for a unix socket; clone to a shorter path"

say "== development CA and certificates in demo/certs"
sh scripts/mkcerts.sh "$DEMO/certs" --server localhost,IP:127.0.0.1 \
    $HOSTS >/dev/null

say "== demo data in demo/logs"
sh scripts/demo-data.sh "$DEMO/logs"
total=$(cat "$DEMO"/logs/*/* | wc -l | tr -d ' ')

# 4. collector
cat >"$DEMO/collector.conf" <<EOF
# vigil-collector configuration written by scripts/quickstart.sh
# (all options: conf/collector.conf and docs/configuration.md)
listen 127.0.0.1:$PORT
data $DEMO/data
socket $SOCK
tls-cert $DEMO/certs/localhost.crt
tls-key $DEMO/certs/localhost.key
tls-ca $DEMO/certs/ca.crt
tls-crl $DEMO/certs/crl.pem
rules-pack $PWD/rules
EOF
say "== starting vigil-collector on 127.0.0.1:$PORT (log demo/log/collector.log)"
start collector bin/vigil-collector -d -f "$DEMO/collector.conf"
if ! wait_until 10 grep -q "listening on" "$DEMO/log/collector.log"; then
	cat "$DEMO/log/collector.log" >&2
	die "the collector did not start"
fi

# 5. shippers, one configuration file each
for h in $HOSTS; do
	{
		say "# vigil-shipper $h, written by scripts/quickstart.sh"
		say "# (all options: docs/configuration.md)"
		say "collector 127.0.0.1:$PORT"
		say "hostname $h"
		say "tls-cert $DEMO/certs/$h.crt"
		say "tls-key $DEMO/certs/$h.key"
		say "tls-ca $DEMO/certs/ca.crt"
		say "state $DEMO/state/$h"
		say "from-beginning yes"
		say "input auth:$DEMO/logs/$h/auth.log"
		say "input kern:$DEMO/logs/$h/kern.log"
		say "input syslog:$DEMO/logs/$h/syslog"
		if [ "$h" = web01 ]; then
			say "role guest"
			say "vm-uuid $WEB01_UUID"
		else
			say "role host"
			say "input audit:$DEMO/logs/$h/audit.log"
		fi
	} >"$DEMO/$h.conf"
	say "== starting vigil-shipper $h (log demo/log/$h.log)"
	start "$h" bin/vigil-shipper -d -f "$DEMO/$h.conf"
done

say "== waiting for the shippers to deliver $total demo lines"
wait_until 30 status_lists_all ||
    say "warning: vigil status does not list all of $HOSTS yet (see demo/log/)"
wait_until 60 all_stored "$total" ||
    say "warning: not all $total lines are stored yet (see demo/log/)"

show() {
	say ""
	say "\$ $*"
	"$@" || true
}
# shellcheck disable=SC2086
{
	show $VIGIL status
	show $VIGIL search --limit 10 host.name:web01 process.name:sshd Failed
	show $VIGIL search --limit 10 --since -2h event.dataset:audit VIRT_CONTROL
	show $VIGIL search --limit 5 host.name:hv1 process.name:kernel DPT=22
	show $VIGIL alerts --limit 10
}

cat <<EOF

vigil is running: one collector and three shippers on this machine.
More queries (docs/query.md):
  $VIGIL search --since -1h host.name:hv2 process.name:sudo
  $VIGIL search --json --limit 5 '"Invalid user"' NOT host.name:web01
  $VIGIL tail process.name:sshd        (follow live; Ctrl-C to end)
  $VIGIL alerts --severity high        (alerts of the rules in rules/)
  $VIGIL verify                        (the stored hash chains)
  $VIGIL status
Logs of the daemons: demo/log/.  Stop the demo: scripts/quickstart.sh stop
Run the tests: make test
EOF
