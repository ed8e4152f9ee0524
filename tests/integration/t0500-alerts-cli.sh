#!/bin/sh
# t0500-alerts-cli: alerts stored in the data directory (written by
# tests/tools/alertseed through store.c, as the writer thread will) are
# listed by `vigil alerts` newest first with its filters, shown with their
# events by `vigil alerts show`, with control characters from alerts made
# visible; bad arguments and unknown ids are clear errors; a collector
# with alert outputs configured starts, and -n rejects a bad output.
. "$(dirname "$0")/../lib.sh"

test_expect_success 'seed a store, start a collector with alert outputs' '
	"$VIGIL_TESTBIN/alertseed" "$T/data" &&
	printf "#!/bin/sh\ncat >/dev/null\n" >"$T/hook.sh" &&
	{
		echo "alert-exec high /bin/sh $T/hook.sh"
		echo "alert-webhook critical http://127.0.0.1:9/"
		echo "alert-log $T/alerts.json"
	} >"$T/collector.conf" &&
	start_collector &&
	test -e "$T/alerts.json"
'

test_expect_success 'vigil alerts: newest first, one row each' '
	vigil_cli alerts >"$T/list" 2>"$T/list.err" &&
	test "$(wc -l <"$T/list")" -eq 4 &&
	head -n 1 "$T/list" | grep -q "^TIME.*ID.*SEVERITY.*RULE.*GROUP" &&
	sed -n 2p "$T/list" | grep -q "^2024-03-14 09:14:06  3 .*critical" &&
	sed -n 2p "$T/list" | grep -q "(+4 suppressed)$" &&
	sed -n 4p "$T/list" | grep -q "  1 .*low .*ssh-fail" &&
	grep -q "3 alerts shown" "$T/list.err"
'

test_expect_success 'control characters from an alert are made visible' '
	sed -n 3p "$T/list" >"$T/row2" &&
	grep -q "10.0.0.9\\\\x1b\[31m" "$T/row2" &&
	grep -q "10.0.0.9\\\\nsecond line" "$T/row2" &&
	! grep -q "$(printf "\033")" "$T/list"
'

test_expect_success 'filters: severity, rule, time, limit' '
	vigil_cli alerts --severity high --json >"$T/sev" &&
	test "$(wc -l <"$T/sev")" -eq 2 &&
	head -n 1 "$T/sev" | grep -q "^{\"id\":3," &&
	vigil_cli alerts --rule ssh-fail --json >"$T/rule" &&
	test "$(wc -l <"$T/rule")" -eq 1 &&
	grep -q "^{\"id\":1," "$T/rule" &&
	vigil_cli alerts --since 2024-03-14T09:14:05Z \
	    --until 2024-03-14T09:14:06Z --json >"$T/time" &&
	test "$(wc -l <"$T/time")" -eq 1 &&
	grep -q "^{\"id\":2," "$T/time" &&
	vigil_cli alerts --limit 1 --json >"$T/lim" &&
	test "$(wc -l <"$T/lim")" -eq 1
'

test_expect_success 'vigil alerts show: the alert, then its events' '
	vigil_cli alerts show 2 >"$T/show" &&
	head -n 1 "$T/show" |
	    grep -q "^alert 2  high  ssh-brute: SSH brute force" &&
	grep -q "^tags  *T1110, T1110.001" "$T/show" &&
	test "$(grep -c "sshd\[77\]: Failed password for root" "$T/show")" \
	    -eq 3 &&
	L="^2024-03-14 09:14:02  hv1  sshd\[77\]: Failed password for root" &&
	grep -q "$L from 10.0.0.9 port 52 ssh2" "$T/show"
'

test_expect_success 'show: an event no longer stored is reported' '
	vigil_cli alerts show 3 >"$T/show3" &&
	grep -q "^suppressed  *4, the last at 2024-03-14 09:15:03" \
	    "$T/show3" &&
	grep -q "sequence 99: not stored" "$T/show3" &&
	vigil_cli alerts show 3 --json >"$T/show3.json" &&
	head -n 1 "$T/show3.json" | grep -q "^{\"alert\":{\"id\":3," &&
	grep -q "^{\"event\":{" "$T/show3.json" &&
	grep -q "^{\"missing\":{\"stream\":0,\"seq\":99}}" "$T/show3.json"
'

test_expect_success 'an unknown id and bad arguments are clear errors' '
	test_must_fail vigil_cli alerts show 42 2>"$T/e1" &&
	grep -q "vigil: no alert 42" "$T/e1" &&
	test_must_fail vigil_cli alerts show x1 2>"$T/e2" &&
	grep -q "is not an alert id" "$T/e2" &&
	test_must_fail vigil_cli alerts --severity loud 2>"$T/e3" &&
	grep -q "severity: info, low, medium, high or critical" "$T/e3" &&
	test_must_fail vigil_cli alerts --since yesterday 2>"$T/e4" &&
	grep -q "bad time" "$T/e4" &&
	collector_alive
'

test_expect_success '-n rejects a bad alert output' '
	echo "alert-exec high notify-send" >"$T/bad.conf" &&
	test_must_fail "$VIGIL_BIN/vigil-collector" -n -f "$T/bad.conf" \
	    2>"$T/n.err" &&
	grep -q "alert-exec: the program must be an absolute path" "$T/n.err"
'

test_done
