#!/bin/sh
# t0420-guest-identity: a guest shipper's claimed VM UUID is checked
# against the placement timeline.  A guest whose VM runs on a known host
# is verified; a guest claiming a UUID no host has placed is unverified;
# a second live guest claiming the same UUID (a cloned VM) is reported.
# A UUID in QEMU's legacy byte-swapped SMBIOS form is matched to its VM.
# Both findings are stored as the collector's own events, searchable like
# any other, and `vigil vm list` shows the identity status.
. "$(dirname "$0")/../lib.sh"

U=9d3c1a2b-4e5f-4a6b-8c7d-0e1f2a3b4c5d
UNKNOWN=11111111-2222-4333-8444-555555555555
SWAPPED=2b1a3c9d-5f4e-6b4a-8c7d-0e1f2a3b4c5d	# $U as legacy SMBIOS shows it
E=$(date -u +%s)

test_expect_success 'VM web01 runs on hv1 (audit record)' '
	: >"$T/audit.log" &&
	start_collector &&
	start_shipper hv1 --role host --input "audit:$T/audit.log" &&
	shipper_opened hv1 "$T/audit.log" &&
	echo "type=VIRT_CONTROL msg=audit($((E - 60)).250:9): pid=1187 uid=0 auid=4294967295 ses=4294967295 subj=libvirtd msg='"'"'virt=kvm op=start reason=booted vm=\"web01\" uuid=$U vm-pid=4242 exe=\"/usr/sbin/libvirtd\" hostname=? addr=? terminal=? res=success'"'"'" \
	    >>"$T/audit.log" &&
	wait_for "vigil_cli vm list --json 2>/dev/null | grep -q running" 15
'

test_expect_success 'the guest of web01 is verified' '
	: >"$T/g1.log" &&
	start_shipper g1 --role guest --vm-uuid "$U" --input "auth:$T/g1.log" &&
	wait_for "grep -q \"g1: guest identity verified: VM $U (web01) runs on hv1\" \"$T/collector.log\"" 10
'

test_expect_success 'a second guest claiming the same UUID is a cloned VM' '
	: >"$T/g2.log" &&
	start_shipper g2 --role guest --vm-uuid "$U" --input "auth:$T/g2.log" &&
	wait_for "grep -q \"also claimed by the connected guest g1\" \"$T/collector.log\"" 10 &&
	wait_for "vigil_cli search --json event.action:guest_cloned | grep -q \"\\\"vm.uuid\\\":\\\"$U\\\"\"" 10 &&
	vigil_cli search --json event.action:guest_cloned >"$T/cloned.json" &&
	test "$(wc -l <"$T/cloned.json")" -eq 1 &&
	grep -q "\"vigil.sender\":\"g2\"" "$T/cloned.json" &&
	grep -q "\"vigil.other\":\"g1\"" "$T/cloned.json"
'

test_expect_success 'a guest claiming an unplaced UUID is unverified' '
	: >"$T/g3.log" &&
	start_shipper g3 --role guest --vm-uuid "$UNKNOWN" \
	    --input "auth:$T/g3.log" &&
	wait_for "vigil_cli search --json event.action:guest_unverified | grep -q $UNKNOWN" 10 &&
	vigil_cli search --json event.action:guest_unverified |
	    grep -q "\"vigil.sender\":\"g3\""
'

test_expect_success 'a legacy (byte-swapped) SMBIOS UUID is recognised' '
	: >"$T/g4.log" &&
	start_shipper g4 --role guest --vm-uuid "$SWAPPED" \
	    --input "auth:$T/g4.log" &&
	wait_for "grep -q \"g4: claimed VM UUID $SWAPPED is the byte-swapped\" \"$T/collector.log\"" 10 &&
	wait_for "grep -q \"g4: guest identity verified: VM $U\" \"$T/collector.log\"" 10
'

test_expect_success 'vm list shows web01 verified with both claimants' '
	vigil_cli vm list --json >"$T/list.json" &&
	grep "\"vm.uuid\":\"$U\"" "$T/list.json" >"$T/web01.json" &&
	grep -q "\"identity\":\"verified\"" "$T/web01.json" &&
	grep -q "\"g1\"" "$T/web01.json" && grep -q "\"g2\"" "$T/web01.json"
'

test_done
