#!/bin/sh
# t0510-rule-pack: the bundled rule pack loads, and every rule fires on
# its positive fixture and stays silent on its negative one
# (tests/rules/README), through `vigil rules test --fixtures`: the same
# decoders, placement and engine as the collector, on a store of its own.
# `vigil rules check` names FILE:LINE:COLUMN of an error.
. "$(dirname "$0")/../lib.sh"

V=$VIGIL_BIN/vigil
FIX=$SRCDIR/tests/rules

test_expect_success 'the pack loads' '
	"$V" rules check "$SRCDIR/rules" >"$T/check.out" &&
	grep -q "^[0-9][0-9]* rules OK$" "$T/check.out" &&
	n=$(sed "s/ .*//" "$T/check.out") && test "$n" -ge 18
'

test_expect_success 'every rule has a positive and a negative fixture' '
	grep -h "^rule " "$SRCDIR"/rules/*.rules | awk "{ print \$2 }" |
	    sort >"$T/ids" &&
	while read id; do
		test -s "$FIX/$id.pos.log" && test -s "$FIX/$id.neg.log" ||
		    { echo "no fixtures for $id"; return 1; }
	done <"$T/ids"
'

test_expect_success 'every fixture gives the expected alerts' '
	"$V" rules test --rules "$SRCDIR/rules" --rules "$FIX/site" \
	    --fixtures "$FIX"/*.log >"$T/fix.out" 2>&1 &&
	tail -n 1 "$T/fix.out" | grep -q " 0 failed$" &&
	test $(grep -c "^ok " "$T/fix.out") -eq $(ls "$FIX"/*.log | wc -l)
'

test_expect_success 'a fixture that expects the wrong count fails' '
	{ echo "#! expect ssh.root_login 7"; grep -v "^#! expect" "$FIX/ssh.root_login.pos.log"; } >"$T/wrong.pos.log" &&
	test_must_fail "$V" rules test --rules "$SRCDIR/rules" --fixtures \
	    "$T/wrong.pos.log" >"$T/wrong.out" 2>&1 &&
	grep -q "^FAIL .*ssh.root_login fired [0-9]* times, expected 7" "$T/wrong.out"
'

test_expect_success 'rules check names file, line and column' '
	mkdir -p "$T/bad" &&
	printf "rule a.b\n  title t\n  severity high\n  match user.name =~ /(unclosed/\nend\n" >"$T/bad/x.rules" &&
	test_must_fail "$V" rules check "$T/bad" 2>"$T/bad.err" &&
	grep -q "$T/bad/x.rules:4:[0-9]*: " "$T/bad.err"
'

test_expect_success 'vigil rules runs the vigil-rules next to it, also through a symlink' '
	mkdir -p "$T/link" &&
	ln -s "$V" "$T/link/vigil" &&
	PATH=/usr/bin:/bin "$T/link/vigil" rules check "$SRCDIR/rules" >"$T/link.out" &&
	grep -q "^[0-9][0-9]* rules OK$" "$T/link.out"
'

test_expect_success 'without vigil-rules, vigil rules says so and fails' '
	mkdir -p "$T/alone" &&
	cp "$V" "$T/alone/vigil" &&
	PATH=/usr/bin:/bin test_must_fail "$T/alone/vigil" rules check \
	    "$SRCDIR/rules" 2>"$T/alone.err" &&
	grep -q "^vigil: cannot run vigil-rules: No such file or directory$" \
	    "$T/alone.err"
'

test_expect_success 'the query CLI links neither LevelDB nor OpenSSL' '
	readelf -d "$V" | grep NEEDED >"$T/needed" &&
	grep -q yajl "$T/needed" &&
	! grep -E "leveldb|libssl|libcrypto|libstdc" "$T/needed"
'

test_done
