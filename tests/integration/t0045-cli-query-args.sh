#!/bin/sh
# t0045-cli-query-args: a negated term may start the query on the command
# line ("vigil search -process.name:cron" is a query, not an option), "--"
# ends the options, and options still work before the query.
. "$(dirname "$0")/../lib.sh"

test_expect_success 'collector and a shipper with two programs' '
	start_collector &&
	: >"$T/auth.log" &&
	start_shipper hv1 --input "auth:$T/auth.log" &&
	sleep 0.5 &&
	D=$(date -u +"%b %e %H:%M:%S") &&
	echo "$D hv1 sshd[1]: argmark one" >>"$T/auth.log" &&
	echo "$D hv1 CRON[2]: argmark two" >>"$T/auth.log" &&
	wait_for "test \$(vigil_cli search --json argmark | wc -l) -eq 2" 15
'

test_expect_success 'a leading negated term is part of the query' '
	vigil_cli search --json -process.name:CRON argmark >"$T/a.json" &&
	test "$(wc -l <"$T/a.json")" -eq 1 &&
	grep -q "argmark one" "$T/a.json"
'

test_expect_success 'options before a negated term still apply' '
	vigil_cli search --json --limit 5 --since -1d -process.name:sshd \
	    argmark >"$T/b.json" &&
	test "$(wc -l <"$T/b.json")" -eq 1 &&
	grep -q "argmark two" "$T/b.json"
'

test_expect_success '"--" ends the options' '
	vigil_cli search --json -- argmark >"$T/c.json" &&
	test "$(wc -l <"$T/c.json")" -eq 2
'

test_done
