#!/bin/sh
# t0020-tls-refusals: mutual TLS is required.  The collector refuses, and
# logs "refused <addr>: <reason>" for, a shipper whose certificate comes
# from another CA, a TLS client that sends no certificate, a client that
# offers only TLS 1.1, and (with tls-crl) a shipper whose certificate was
# revoked; none of them gets an event stored.  A shipper with a good
# certificate is accepted, and the events it sends are recorded under the
# host name of its certificate, not the one it claims.  The shipper, too,
# refuses a collector whose certificate does not name the address it
# connects to.
. "$(dirname "$0")/../lib.sh"

# s_client ARGS...: one TLS handshake attempt against the collector, output
# in $T/s_client.out.  Exit status: openssl's, or 124 when the collector
# kept the connection open for 10 s.
s_client() {
	timeout 10 openssl s_client -connect "127.0.0.1:$COLLECTOR_PORT" \
	    -servername localhost -CAfile "$T/ca/ca.crt" -ign_eof "$@" \
	    </dev/null >"$T/s_client.out" 2>&1
}

# refused_count: how many "refused 127.0.0.1:" lines the collector logged.
refused_count() {
	grep -c "refused 127\.0\.0\.1:[0-9][0-9]*: " "$T/collector.log"
}

# refused_after N: wait until there are more than N refusal lines.
refused_after() {
	wait_for "test \$(refused_count) -gt $1" 10
}

test_expect_success 'collector starts' '
	start_collector
'

test_expect_success 'shipper with a certificate from another CA is refused' '
	make_foreign_ca "$T/foreign" &&
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "evil sshd[1]: Accepted password for root from 192.0.2.66 port 4242 ssh2" \
	    >"$T/evil.log" &&
	n=$(refused_count)
	start_shipper evil --ca "$T/foreign" --from-beginning \
	    --input "auth:$T/evil.log" &&
	refused_after "$n" &&
	expect_log "$T/collector.log" "refused 127\.0\.0\.1:[0-9]+: .+"
'

test_expect_success 'nothing from the refused shipper was stored' '
	stop_shipper evil &&
	vigil_cli search --json "192.0.2.66" >"$T/evil.out" &&
	test ! -s "$T/evil.out" &&
	vigil_cli search --json "host.name:evil" >"$T/evil2.out" &&
	test ! -s "$T/evil2.out" &&
	collector_alive
'

test_expect_success 'TLS client without a certificate is refused' '
	n=$(refused_count)
	s_client
	rc=$?
	cat "$T/s_client.out" &&
	test "$rc" -ne 0 && test "$rc" -ne 124 &&
	refused_after "$n"
'

test_expect_success 'TLS client with a foreign certificate is refused' '
	n=$(refused_count)
	s_client -cert "$T/foreign/evil.crt" -key "$T/foreign/evil.key"
	rc=$?
	test "$rc" -ne 0 && test "$rc" -ne 124 &&
	refused_after "$n"
'

test_expect_success 'TLS 1.1 client is refused' '
	make_cert "$T/ca" tls11 &&
	n=$(refused_count)
	s_client -tls1_1 -cipher "DEFAULT:@SECLEVEL=0" \
	    -cert "$T/ca/tls11.crt" -key "$T/ca/tls11.key"
	rc=$?
	cat "$T/s_client.out" &&
	test "$rc" -ne 0 && test "$rc" -ne 124 &&
	refused_after "$n"
'

test_expect_success 'plain TCP garbage is dropped, the collector keeps running' '
	python3 -c "import socket
s = socket.create_connection((\"127.0.0.1\", $COLLECTOR_PORT), 5)
s.sendall(b\"GET / HTTP/1.0\\r\\n\\r\\n\")
s.settimeout(5)
try:
    s.recv(100)
except OSError:
    pass" &&
	alive "$COLLECTOR_PID" &&
	vigil_cli status >/dev/null
'

test_expect_success 'a good shipper is accepted and named by its certificate' '
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "good sshd[77]: Accepted publickey for deploy from 192.0.2.77 port 4077 ssh2: ED25519 SHA256:t0020goodline" \
	    >"$T/good.log" &&
	start_shipper good --from-beginning --hostname liar \
	    --input "auth:$T/good.log" &&
	wait_for "vigil_cli search --json t0020goodline | grep -q t0020goodline" 15 &&
	vigil_cli search --json t0020goodline >"$T/good.out" &&
	test "$(wc -l <"$T/good.out")" -eq 1 &&
	grep -q "\"host.name\": *\"good\"" "$T/good.out" &&
	collector_alive
'

test_expect_success 'the good shipper was not logged as refused' '
	! grep -E "refused .*good" "$T/collector.log"
'

test_expect_success 'with tls-crl, a revoked shipper certificate is refused' '
	make_cert "$T/ca" revoked &&
	mkcerts_revoke "$T/ca" revoked &&
	stop_shipper good &&
	stop_collector &&
	start_collector --tls-crl "$T/ca/crl.pem" &&
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "revoked sshd[78]: Accepted publickey for deploy from 192.0.2.78 port 4078 ssh2: ED25519 SHA256:t0020revoked" \
	    >"$T/revoked.log" &&
	n=$(refused_count)
	start_shipper revoked --from-beginning --input "auth:$T/revoked.log" &&
	refused_after "$n" &&
	expect_log "$T/collector.log" "refused 127\.0\.0\.1:[0-9]+: .*revoked" &&
	stop_shipper revoked &&
	vigil_cli search --json t0020revoked >"$T/revoked.out" &&
	test ! -s "$T/revoked.out" &&
	collector_alive
'

test_expect_success 'with tls-crl, a good shipper is still accepted' '
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "good sshd[79]: session t0020aftercrl" \
	    >>"$T/good.log" &&
	start_shipper good --input "auth:$T/good.log" &&
	wait_for "vigil_cli search --json t0020aftercrl | grep -q t0020aftercrl" 15
'

test_expect_success 'shipper refuses a collector certificate for another name' '
	stop_shipper good &&
	stop_collector &&
	mkcerts_server "$T/ca" other.example wrongname &&
	COLLECTOR_CERT=wrongname &&
	start_collector &&
	printf "%s %s\n" "$(date "+%b %e %H:%M:%S")" "good sshd[80]: session t0020wrongname" \
	    >>"$T/good.log" &&
	start_shipper good --input "auth:$T/good.log" &&
	wait_for "grep -q \"mismatch\" \"\$T/ship-good.log\"" 10 &&
	expect_log "$T/ship-good.log" "certificate verify failed: IP address mismatch" &&
	stop_shipper good &&
	vigil_cli search --json t0020wrongname >"$T/wrongname.out" &&
	test ! -s "$T/wrongname.out"
'

test_done
