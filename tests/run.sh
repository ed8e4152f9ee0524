#!/bin/sh
# tests/run.sh -- run every vigil test and add up the results.
#
#   VIGIL_BIN=<bin dir> VIGIL_TESTBIN=<build/obj/tests> sh tests/run.sh [PATTERN...]
#
# Runs, from the top of the source tree:
#   1. every $VIGIL_TESTBIN/test_* unit test binary;
#   2. every $VIGIL_TESTBIN/replay_NAME over tests/fuzz/corpus/NAME;
#   3. every tests/integration/t*.sh.
# PATTERNs (shell globs such as 't0100*' or 'test_conf') restrict the run.
# Each file's "N passed, N failed" line is added up; a program without such
# a line counts as one test (passed when it exits 0).  A crash, a timeout or
# a non-zero exit without a failure counted is one more failure.  The last
# line is "N passed, N failed"; the exit status is 1 when anything failed.

set -u

cd "$(dirname "$0")/.." || exit 1
SRCDIR=$(pwd)
: "${VIGIL_BIN:=$SRCDIR/bin}"
: "${VIGIL_TESTBIN:=$SRCDIR/build/obj/tests}"
export VIGIL_BIN VIGIL_TESTBIN
UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
INTEGRATION_TIMEOUT=${INTEGRATION_TIMEOUT:-180}

total_pass=0
total_fail=0
failed_files=
out=$(mktemp "${TMPDIR:-/tmp}/vigil-run.XXXXXX") || exit 1
trap 'rm -f "$out" "$out.f"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

selected() {
	[ $# -ge 2 ] || return 0
	_name=$1
	shift
	for _pat in "$@"; do
		# shellcheck disable=SC2254
		case $_name in
		$_pat|$_pat.sh|$_pat*) return 0 ;;
		esac
	done
	return 1
}

# record NAME RC: read $out, add up, print one result line.
record() {
	_name=$1
	_rc=$2
	_line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -n "$_line" ]; then
		set -- $(printf '%s\n' "$_line" | sed -E \
		    's/^(.*[^0-9])?([0-9]+) passed, ([0-9]+) failed.*$/\2 \3/')
		_p=$1 _f=$2
	elif [ "$_rc" -eq 0 ]; then
		_p=1 _f=0
	else
		_p=0 _f=0
	fi
	_why=
	if [ "$_rc" -eq 124 ]; then
		_why=" (timed out)"
	elif [ "$_rc" -gt 128 ]; then
		_why=" (killed by signal $((_rc - 128)))"
	elif [ "$_rc" -ne 0 ]; then
		_why=" (exit $_rc)"
	fi
	if [ "$_rc" -ne 0 ] && [ "$_f" -eq 0 ]; then
		_f=1
	fi
	total_pass=$((total_pass + _p))
	total_fail=$((total_fail + _f))
	if [ "$_f" -eq 0 ]; then
		printf 'PASS %-40s %s passed\n' "$_name" "$_p"
	else
		printf 'FAIL %-40s %s passed, %s failed%s\n' "$_name" "$_p" "$_f" \
		    "$_why"
		failed_files="$failed_files $_name"
		# the failures, not the passes; long output is cut in the middle
		grep -v '^ok [0-9]' "$out" >"$out.f"
		_n=$(wc -l <"$out.f")
		if [ "$_n" -le 200 ]; then
			sed 's/^/    /' "$out.f"
		else
			head -n 140 "$out.f" | sed 's/^/    /'
			echo "    ... $((_n - 180)) lines left out ..."
			tail -n 40 "$out.f" | sed 's/^/    /'
		fi
		rm -f "$out.f"
	fi
}

# 1. unit tests
found=0
for t in "$VIGIL_TESTBIN"/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	selected "$n" "$@" || continue
	found=1
	timeout "$UNIT_TIMEOUT" "$t" >"$out" 2>&1 </dev/null
	record "$n" $?
done
[ "$found" = 1 ] || [ $# -gt 0 ] ||
    echo "note: no unit test binaries in $VIGIL_TESTBIN"

# 2. fuzz corpus replays
for r in "$VIGIL_TESTBIN"/replay_*; do
	[ -x "$r" ] || continue
	n=$(basename "$r")
	selected "$n" "$@" || continue
	corpus=tests/fuzz/corpus/${n#replay_}
	if [ ! -d "$corpus" ]; then
		printf 'SKIP %-40s no %s\n' "$n" "$corpus"
		continue
	fi
	timeout "$UNIT_TIMEOUT" "$r" "$corpus" >"$out" 2>&1 </dev/null
	rc=$?
	# a replay prints no "passed, failed" line: it counts as one test
	record "$n" "$rc"
done

# 3. integration tests, one after the other
for t in tests/integration/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	selected "$n" "$@" || continue
	timeout -k 10 "$INTEGRATION_TIMEOUT" sh "$t" >"$out" 2>&1 </dev/null
	record "$n" $?
done

if [ -n "$failed_files" ]; then
	echo "failed:$failed_files"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
