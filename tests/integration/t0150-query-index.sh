#!/bin/sh
# t0150-query-index: queries answered through the grouped postings give
# exactly what grep finds in the same lines.  loadgen writes 20,000 lines
# to a file and sends the same lines over 2 mutual-TLS connections (so the
# postings of every write list blocks of both streams).  Then, with grep
# over the file as the oracle: an exact term, a field prefix glob
# (user.name:admin4*, upper case too), a glob AND a term, two globs, a
# glob on a field without an index, phrases and words (the raw-line
# prefilter), NOT, and count/top over a glob.  The "decoded" counts show
# that the prefix postings and the prefilter did the narrowing: only the
# matching events were decoded, not all 20,000.
. "$(dirname "$0")/../lib.sh"

LOADGEN=$VIGIL_TESTBIN/loadgen
START=$(( $(date +%s) - 7200 ))
N=10000		# per connection

test_expect_success 'the same 20,000 lines are stored and written out' '
	"$LOADGEN" -o "$T/flat.log" -n 2 -m $N -t $START -T 3600 &&
	test "$(wc -l <"$T/flat.log")" = 20000 &&
	start_collector &&
	make_cert "$T/ca" lg >/dev/null 2>&1 &&
	"$LOADGEN" -p "$COLLECTOR_PORT" -c "$T/ca/lg.crt" -k "$T/ca/lg.key" \
	    -a "$T/ca/ca.crt" -n 2 -m $N -t $START -T 3600 >"$T/lg.out" &&
	grep -q " ok" "$T/lg.out" &&
	vigil_cli count --json >"$T/all.json" &&
	grep -q "\"total\":20000" "$T/all.json"
'

# hits QUERY...: number of events search returns
hits() {
	vigil_cli search --json --limit 100000 "$@" | grep -c "^{\"@timestamp\""
}

# same NAME VIGIL-COUNT GREP-COUNT
same() {
	say "$1: vigil $2, grep $3"
	test "$2" = "$3" && test "$2" -gt 0
}

test_expect_success 'an exact term' '
	same term "$(hits source.ip:10.1.0.17)" \
	    "$(grep -cE "(from |SRC=)10\.1\.0\.17 " "$T/flat.log")"
'

test_expect_success 'a field prefix glob, in either case' '
	g=$(grep -cE "invalid user admin4[0-9]* from" "$T/flat.log") &&
	same glob "$(hits "user.name:admin4*")" "$g" &&
	same GLOB "$(hits "user.name:ADMIN4*")" "$g"
'

test_expect_success 'a glob with a fixed end, and one without a match' '
	same "admin*7" "$(hits "user.name:admin*7")" \
	    "$(grep -cE "invalid user admin[0-9]*7 from" "$T/flat.log")" &&
	test "$(hits "user.name:nosuch*")" = 0
'

test_expect_success 'a glob AND a term, and two globs' '
	same "glob+term" "$(hits "user.name:admin1* source.ip:10.2.*")" \
	    "$(grep -cE "invalid user admin1[0-9]* from 10\.2\." \
	    "$T/flat.log")" &&
	same "two globs" "$(hits "user.name:admin1* log.syslog.hostname:hv1*")" \
	    "$(grep -cE "^... .. ..:..:.. hv1[0-9]* .*invalid user admin1[0-9]* from" \
	    "$T/flat.log")"
'

test_expect_success 'a glob on a field without an index still works (scan)' '
	same "not indexed" "$(hits "source.port:3000*")" \
	    "$(grep -cE "(port |SPT=)3000[0-9]* " "$T/flat.log")"
'

test_expect_success 'phrases and words through the raw-line prefilter' '
	same phrase "$(hits "\"invalid user admin42 from\"")" \
	    "$(grep -ciF "invalid user admin42 from" "$T/flat.log")" &&
	same words "$(hits restart NGINX)" \
	    "$(grep -i restart "$T/flat.log" | grep -ci nginx)" &&
	same "word glob" "$(hits "VIRT_CONT*guest1")" \
	    "$(grep -ciE "virt_cont.*guest1" "$T/flat.log")" &&
	same "NOT word" "$(hits sshd NOT admin42)" \
	    "$(grep -i sshd "$T/flat.log" | grep -vci admin42)"
'

test_expect_success 'a phrase decodes only the lines that contain it' '
	p=$(grep -ciF "invalid user admin42 from" "$T/flat.log") &&
	vigil_cli count --json "\"invalid user admin42 from\"" >"$T/p.json" &&
	grep -q "\"total\":$p," "$T/p.json" &&
	grep -q "\"decoded\":$p," "$T/p.json"
'

test_expect_success 'count and top over a glob' '
	g=$(grep -cE "invalid user admin4[0-9]* from" "$T/flat.log") &&
	vigil_cli count --json "user.name:admin4*" >"$T/c.json" &&
	grep -q "\"total\":$g," "$T/c.json" &&
	# only the candidates of the prefix were decoded, not 20,000
	grep -q "\"decoded\":$g," "$T/c.json" &&
	vigil_cli top user.name --json "user.name:admin4*" >"$T/t.json" &&
	grep -q "\"total\":$g," "$T/t.json" &&
	test "$(grep -c "\"value\":\"admin4" "$T/t.json")" = 10
'

test_done
