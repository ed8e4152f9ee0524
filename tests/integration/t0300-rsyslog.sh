#!/bin/sh
# t0300-rsyslog: agentless syslog interop with a real rsyslog.  rsyslogd
# (Debian package, its own config and work dir, foreground) receives
# messages from logger(1) on its own unix socket and forwards them with a
# client certificate over TLS (RFC 5425 octet counting, the Protocol23
# template with its double space and counted LF) and over plain TCP
# (traditional LF framing) to the collector.  Every message arrives
# decoded exactly once; the TLS sender is named by its certificate, the
# TCP sender by its address; a sender without a certificate is refused on
# the TLS port; a broken octet count closes only that connection.
. "$(dirname "$0")/../lib.sh"

N=300

if ! command -v rsyslogd >/dev/null 2>&1 ||
    ! ls /usr/lib/*/rsyslog/lmnsd_ossl.so >/dev/null 2>&1; then
	say "# SKIP rsyslog or rsyslog-openssl not installed"
	test_done
fi

test_expect_success 'collector with RFC 5425 and RFC 6587 listeners' '
	make_ca "$T/ca" &&
	make_cert "$T/ca" relay1 &&
	TLSPORT=$(free_port) && TCPPORT=$(free_port) &&
	start_collector --syslog-tls-listen "127.0.0.1:$TLSPORT" \
	    --syslog-tcp-listen "127.0.0.1:$TCPPORT" &&
	expect_log "$T/collector.log" "RFC 5425" &&
	expect_log "$T/collector.log" "RFC 6587"
'

test_expect_success 'rsyslogd starts with its own config' '
	mkdir -p "$T/rs" &&
	cat >"$T/rsyslog.conf" <<-EOF &&
	global(workDirectory="$T/rs"
	    defaultNetstreamDriver="ossl"
	    defaultNetstreamDriverCAFile="$T/ca/ca.crt"
	    defaultNetstreamDriverCertFile="$T/ca/relay1.crt"
	    defaultNetstreamDriverKeyFile="$T/ca/relay1.key")
	module(load="imuxsock" SysSock.Use="off")
	input(type="imuxsock" Socket="$T/log.sock" CreatePath="on")
	action(type="omfwd" target="127.0.0.1" port="$TLSPORT" protocol="tcp"
	    StreamDriver="ossl" StreamDriverMode="1"
	    StreamDriverAuthMode="x509/name"
	    StreamDriverPermittedPeers="localhost"
	    TCP_Framing="octet-counted"
	    template="RSYSLOG_SyslogProtocol23Format")
	action(type="omfwd" target="127.0.0.1" port="$TCPPORT" protocol="tcp"
	    StreamDriver="ptcp" template="RSYSLOG_ForwardFormat")
	EOF
	rsyslogd -N1 -f "$T/rsyslog.conf" >"$T/rs-check.out" 2>&1 &&
	rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rs.pid" >"$T/rsyslog.log" 2>&1 &
	RSPID=$! &&
	remember "$RSPID" rsyslogd &&
	wait_for "test -S \"$T/log.sock\"" 10
'

test_expect_success "logger sends $N messages through rsyslog" '
	i=1 &&
	while [ $i -le $N ]; do
		logger -u "$T/log.sock" -t sshd -p auth.info \
		    "Failed password for root from 192.0.2.$((i % 200 + 1)) port $((40000 + i)) ssh2 rsmark$i" ||
		    return 1
		i=$((i + 1))
	done
'

test_expect_success 'every message arrives over TLS exactly once' '
	wait_for "test \$(vigil_cli search --json --limit 100000 host.name:relay1 rsmark 2>/dev/null | wc -l) -ge $N" 30 &&
	vigil_cli search --json --limit 100000 host.name:relay1 rsmark \
	    >"$T/tls.json" &&
	test "$(wc -l <"$T/tls.json")" -eq "$N" &&
	grep -o "rsmark[0-9]*" "$T/tls.json" | sort -u | wc -l | grep -qx "$N"
'

test_expect_success 'the TLS messages are decoded (RFC 5424 from rsyslog)' '
	grep -q "\"process.name\":\"sshd\"" "$T/tls.json" &&
	grep -q "\"log.syslog.facility.name\":\"auth\"" "$T/tls.json" &&
	grep -q "\"log.syslog.severity.name\":\"info\"" "$T/tls.json" &&
	! grep -q "malformed" "$T/tls.json" &&
	test "$(vigil_cli search --json --limit 100000 host.name:relay1 \
	    process.name:sshd rsmark | wc -l)" -eq "$N"
'

test_expect_success 'every message arrives over TCP exactly once' '
	wait_for "test \$(vigil_cli search --json --limit 100000 host.name:127.0.0.1 rsmark 2>/dev/null | wc -l) -ge $N" 30 &&
	vigil_cli search --json --limit 100000 host.name:127.0.0.1 rsmark \
	    >"$T/tcp.json" &&
	test "$(wc -l <"$T/tcp.json")" -eq "$N" &&
	grep -o "rsmark[0-9]*" "$T/tcp.json" | sort -u | wc -l | grep -qx "$N" &&
	grep -q "\"process.name\":\"sshd\"" "$T/tcp.json" &&
	! grep -q "malformed" "$T/tcp.json" &&
	# syslog senders get their lines decoded on the event loop too
	vigil_cli status --json | grep -q "\"writer_decoded\":0,"
'

test_expect_success 'a syslog sender without a certificate is refused' '
	: | timeout 10 openssl s_client -connect "127.0.0.1:$TLSPORT" \
	    -CAfile "$T/ca/ca.crt" >"$T/s_client.out" 2>&1 ;
	wait_for "grep -q \"refused 127.0.0.1:[0-9]*: peer did not return a certificate\" \"$T/collector.log\"" 10
'

test_expect_success 'a broken octet count closes only that connection' '
	python3 -c "
import socket
s = socket.create_connection((\"127.0.0.1\", $TCPPORT))
s.sendall(b\"20 <13>1 - - - - - - ok01x <13>bad\")
s.settimeout(10)
print(s.recv(10))
" >"$T/py.out" 2>&1 &&
	expect_log "$T/collector.log" "malformed octet count" &&
	logger -u "$T/log.sock" -t sshd -p auth.info "after the bad peer rsafter" &&
	wait_for "vigil_cli search --json host.name:relay1 rsafter | grep -q rsafter" 20
'

test_done
