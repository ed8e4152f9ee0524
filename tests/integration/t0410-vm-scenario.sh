#!/bin/sh
# t0410-vm-scenario: the acceptance scenario of the virtualization issue,
# replayed through real shippers.  Two hypervisors (hv1, hv2: audit.log,
# kern.log, libvirtd.log and the libvirt hook spool) and the shipper inside
# guest A (role guest, its SMBIOS UUID given with --vm-uuid).  VM A boots on
# hv1, its guest logs sshd failures, A is live-migrated to hv2, logs more,
# and is shut down; VM B fails to start on hv2 (prepare hook failure and
# VIRT_CONTROL res=failed), then starts; hv1's netfilter logs bridged
# traffic on A's vnet0.  Then: vm where gives hv1 before and hv2 after the
# migration, A's guest events are stamped with the host that ran it, B's
# failed start is in vm history with outcome failure, the iptables lines
# carry A's name, host guests answers a window, and the HTML report opens
# in headless Chromium (screenshot in $T/report.png).
. "$(dirname "$0")/../lib.sh"

UA=6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70
UB=8c3a1f4e-2b6d-4c1e-9a7f-0123456789ab
MACA=52:54:00:aa:bb:01
MACB=52:54:00:cc:dd:02
# the scenario starts an hour ago, in whole seconds
BASE=$(( $(date +%s) - 3600 ))
T_BOOT=$BASE				# A boots on hv1
T_MIG=$((BASE + 600))			# A migrates hv1 -> hv2
T_DOWN=$((BASE + 1200))			# A shuts down on hv2
T_BFAIL=$((BASE + 1500))		# B fails to start on hv2
T_BSTART=$((BASE + 1560))		# B starts on hv2
SERIAL=4000

d3164() {	# RFC 3164 stamp, as rsyslog writes it
	date -u -d "@$1" +"%b %e %H:%M:%S"
}

iso() {
	date -u -d "@$1" +"%Y-%m-%dT%H:%M:%SZ"
}

# audit FILE EPOCH.MS TYPE TEXT RES [enriched]: one libvirt audit record
# as auditd writes it (RAW, or ENRICHED with the 0x1D trailer)
audit() {
	SERIAL=$((SERIAL + 1))
	_tail=
	[ "${6:-}" = enriched ] && _tail=$(printf '\035UID="root" AUID="unset"')
	printf "type=%s msg=audit(%s:%s): pid=1187 uid=0 auid=4294967295 \
ses=4294967295 subj=libvirtd msg='%s exe=\"/usr/sbin/virtqemud\" \
hostname=? addr=? terminal=? res=%s'%s\n" "$3" "$2" "$SERIAL" "$4" "$5" \
	    "$_tail" >>"$1"
}

# domain_xml NAME UUID MAC VNET: the live XML libvirt hands its hook
domain_xml() {
	cat <<-EOF
	<domain type='kvm' id='7'>
	  <name>$1</name>
	  <uuid>$2</uuid>
	  <memory unit='KiB'>2097152</memory>
	  <vcpu placement='static'>2</vcpu>
	  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
	  <devices>
	    <emulator>/usr/bin/qemu-system-x86_64</emulator>
	    <disk type='file' device='disk'>
	      <driver name='qemu' type='qcow2'/>
	      <source file='/var/lib/libvirt/images/$1.qcow2'/>
	      <target dev='vda' bus='virtio'/>
	    </disk>
	    <interface type='bridge'>
	      <mac address='$3'/>
	      <source bridge='br0'/>
	      <target dev='$4'/>
	      <model type='virtio'/>
	    </interface>
	  </devices>
	</domain>
	EOF
}

# hook HOST EPOCH XMLFILE OP SUB EXTRA: run the real hook as libvirt does
# (vigil-shipper hook vm OP SUB EXTRA, XML on stdin), then replay its
# spool line into HOST's spool with the scenario's time and host name.
hook() {
	[ "$HAVE_HOOK" = 1 ] || return 0
	_h=$1 _t=$2 _x=$3
	shift 3
	: >"$T/hook.one"
	VIGIL_HOOK_SPOOL=$T/hook.one "$VIGIL_BIN/vigil-shipper" hook \
	    "$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$_x")" "$@" \
	    <"$_x" >"$T/hook.stdout" 2>&1 || return 1
	# libvirt takes migrate/restore output as a new XML: must be empty
	[ ! -s "$T/hook.stdout" ] || { cat "$T/hook.stdout"; return 1; }
	sed "s/^[^ ]* [^ ]* /$(date -u -d "@$_t" +%Y-%m-%dT%H:%M:%S).250000Z $_h /" \
	    "$T/hook.one" >>"$T/$_h/libvirt-hooks.log"
}

test_expect_success 'collector, two host shippers and the shipper in guest A' '
	for h in hv1 hv2 guestA; do mkdir -p "$T/$h" || return 1; done &&
	for h in hv1 hv2; do
		: >"$T/$h/audit.log" && : >"$T/$h/kern.log" &&
		: >"$T/$h/libvirtd.log" && : >"$T/$h/libvirt-hooks.log" ||
		return 1
	done &&
	: >"$T/guestA/auth.log" &&
	domain_xml vm-a $UA $MACA vnet0 >"$T/a-hv1.xml" &&
	domain_xml vm-a $UA $MACA vnet3 >"$T/a-hv2.xml" &&
	domain_xml vm-b $UB $MACB vnet1 >"$T/b.xml" &&
	HAVE_HOOK=0 &&
	if VIGIL_HOOK_SPOOL=$T/probe.log "$VIGIL_BIN/vigil-shipper" hook \
	    probe started begin - </dev/null >/dev/null 2>&1 &&
	    [ -s "$T/probe.log" ] &&
	    grep -q "vigil-hook" "$T/probe.log"; then
		HAVE_HOOK=1
	else
		say "# no vigil-shipper hook: audit and libvirtd lines only"
	fi &&
	start_collector &&
	HOOKIN= &&
	for h in hv1 hv2; do
		if [ "$HAVE_HOOK" = 1 ]; then
			HOOKIN="--input hook:$T/$h/libvirt-hooks.log"
		fi &&
		start_shipper $h --role host --input "audit:$T/$h/audit.log" \
		    --input "kern:$T/$h/kern.log" \
		    --input "libvirt:$T/$h/libvirtd.log" $HOOKIN || return 1
	done &&
	start_shipper guestA --role guest --vm-uuid $UA \
	    --input "auth:$T/guestA/auth.log" &&
	wait_for "vigil_cli status --json | grep -q \"\\\"guestA\\\"\" &&
	    vigil_cli status --json | grep -q \"\\\"hv2\\\"\"" 10
'

test_expect_success 'A boots on hv1' '
	hook hv1 $T_BOOT "$T/a-hv1.xml" prepare begin - &&
	hook hv1 $T_BOOT "$T/a-hv1.xml" start begin - &&
	audit "$T/hv1/audit.log" $T_BOOT.101 VIRT_RESOURCE \
	    "virt=kvm resrc=mem reason=start vm=\"vm-a\" uuid=$UA old-mem=0 new-mem=2097152" success &&
	audit "$T/hv1/audit.log" $T_BOOT.102 VIRT_RESOURCE \
	    "virt=kvm resrc=disk reason=start vm=\"vm-a\" uuid=$UA old-disk=\"?\" new-disk=\"/var/lib/libvirt/images/vm-a.qcow2\"" success &&
	audit "$T/hv1/audit.log" $T_BOOT.103 VIRT_RESOURCE \
	    "virt=kvm resrc=net reason=start vm=\"vm-a\" uuid=$UA old-net=\"?\" new-net=\"$MACA\"" success &&
	audit "$T/hv1/audit.log" $T_BOOT.104 VIRT_RESOURCE \
	    "virt=kvm resrc=net reason=open vm=\"vm-a\" uuid=$UA net=$MACA path=\"/dev/net/tun\" rdev=0A:C8" success &&
	audit "$T/hv1/audit.log" $T_BOOT.120 VIRT_CONTROL \
	    "virt=kvm op=start reason=booted vm=\"vm-a\" uuid=$UA vm-pid=4321" success &&
	hook hv1 $((T_BOOT + 1)) "$T/a-hv1.xml" started begin - &&
	wait_for "vigil_cli search --json \"host.name:hv1 event.action:vm_start\" |
	    grep -q $UA" 15
'

test_expect_success 'guest A is attacked and hv1 logs bridged traffic on vnet0' '
	cat >>"$T/guestA/auth.log" <<-EOF &&
	$(d3164 $((BASE + 120))) guestA sshd[812]: Failed password for root from 203.0.113.50 port 40001 ssh2
	$(d3164 $((BASE + 125))) guestA sshd[812]: Failed password for root from 203.0.113.50 port 40002 ssh2
	EOF
	cat >>"$T/hv1/kern.log" <<-EOF &&
	$(d3164 $((BASE + 130))) hv1 kernel: [ 4772.035194] [GUEST-FWD] IN=br0 OUT=br0 PHYSIN=vnet0 PHYSOUT=eno1 MAC=00:16:3e:00:00:01:$MACA:08:00 SRC=192.168.10.45 DST=198.51.100.9 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=5512 DF PROTO=TCP SPT=41234 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0 
	$(d3164 $((BASE + 132))) hv1 kernel: [ 4773.500000] [HOST-OUT] IN= OUT=br0 PHYSOUT=vnet0 SRC=192.168.10.1 DST=192.168.10.45 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=777 DF PROTO=ICMP TYPE=8 CODE=0 ID=12 SEQ=1 
	$(d3164 $((BASE + 131))) hv1 kernel: [ 4773.100020] [GUEST-IN-DROP] IN=br0 OUT=br0 PHYSIN=eno1 PHYSOUT=vnet0 MAC=$MACA:00:16:3e:00:00:01:08:00 SRC=203.0.113.50 DST=192.168.10.45 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=0 DF PROTO=TCP SPT=40003 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 
	EOF
	wait_for "vigil_cli search --json \"host.name:guestA port\" | grep -q 40002 &&
	    vigil_cli search --json \"host.name:hv1 source.ip:203.0.113.50\" |
	    grep -q 40003" 15
'

test_expect_success 'A is live-migrated from hv1 to hv2' '
	hook hv2 $((T_MIG - 2)) "$T/a-hv2.xml" migrate begin - &&
	hook hv2 $((T_MIG - 2)) "$T/a-hv2.xml" prepare begin - &&
	hook hv2 $((T_MIG - 2)) "$T/a-hv2.xml" start begin - &&
	audit "$T/hv2/audit.log" $((T_MIG - 1)).900 VIRT_RESOURCE \
	    "virt=kvm resrc=net reason=start vm=\"vm-a\" uuid=$UA old-net=\"?\" new-net=\"$MACA\"" success enriched &&
	audit "$T/hv2/audit.log" $T_MIG.010 VIRT_CONTROL \
	    "virt=kvm op=start reason=migrated vm=\"vm-a\" uuid=$UA vm-pid=9876" success enriched &&
	hook hv2 $T_MIG "$T/a-hv2.xml" started begin - &&
	audit "$T/hv1/audit.log" $((T_MIG + 1)).300 VIRT_CONTROL \
	    "virt=kvm op=stop reason=migrated vm=\"vm-a\" uuid=$UA vm-pid=-1" success &&
	hook hv1 $((T_MIG + 1)) "$T/a-hv1.xml" stopped end - &&
	hook hv1 $((T_MIG + 1)) "$T/a-hv1.xml" release end migrated &&
	wait_for "vigil_cli search --json \"host.name:hv1 event.action:vm_stop\" |
	    grep -q migrated &&
	    vigil_cli search --json \"host.name:hv2 event.action:vm_start\" |
	    grep -q migrated" 15
'

test_expect_success 'guest A is attacked again, on hv2; vnet0 on hv1 is free' '
	cat >>"$T/guestA/auth.log" <<-EOF &&
	$(d3164 $((BASE + 900))) guestA sshd[905]: Failed password for invalid user oracle from 203.0.113.50 port 40101 ssh2
	$(d3164 $((BASE + 905))) guestA sshd[905]: Failed password for invalid user oracle from 203.0.113.50 port 40102 ssh2
	EOF
	cat >>"$T/hv1/kern.log" <<-EOF &&
	$(d3164 $((BASE + 910))) hv1 kernel: [ 5910.000001] [GUEST-FWD] IN=br0 OUT=br0 PHYSIN=vnet0 PHYSOUT=eno1 MAC=00:16:3e:00:00:01:52:54:00:ee:ee:ee:08:00 SRC=192.168.10.99 DST=198.51.100.9 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=50000 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 
	EOF
	wait_for "vigil_cli search --json \"host.name:guestA port\" | grep -q 40102 &&
	    vigil_cli search --json \"host.name:hv1 destination.port:80\" |
	    grep -q 50000" 15
'

test_expect_success 'A shuts down on hv2' '
	audit "$T/hv2/audit.log" $T_DOWN.500 VIRT_CONTROL \
	    "virt=kvm op=stop reason=shutdown vm=\"vm-a\" uuid=$UA vm-pid=-1" success enriched &&
	hook hv2 $T_DOWN "$T/a-hv2.xml" stopped end - &&
	hook hv2 $T_DOWN "$T/a-hv2.xml" release end shutdown &&
	wait_for "vigil_cli search --json \"host.name:hv2 event.action:vm_stop\" |
	    grep -q shutdown" 15
'

test_expect_success 'B fails to start on hv2 (prepare hook), then starts' '
	hook hv2 $T_BFAIL "$T/b.xml" prepare begin - &&
	printf "%s\n" "$(date -u -d "@$T_BFAIL" +"%Y-%m-%d %H:%M:%S").412+0000: 1203: error : virHookCall:357 : Hook script execution failed: internal error: Child process (LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /etc/libvirt/hooks/qemu vm-b prepare begin -) unexpected exit status 1: hook: vlan 42 not allowed on br0" \
	    >>"$T/hv2/libvirtd.log" &&
	audit "$T/hv2/audit.log" $T_BFAIL.420 VIRT_CONTROL \
	    "virt=kvm op=start reason=booted vm=\"vm-b\" uuid=$UB vm-pid=-1" failed enriched &&
	hook hv2 $T_BSTART "$T/b.xml" prepare begin - &&
	hook hv2 $T_BSTART "$T/b.xml" start begin - &&
	audit "$T/hv2/audit.log" $T_BSTART.100 VIRT_RESOURCE \
	    "virt=kvm resrc=net reason=start vm=\"vm-b\" uuid=$UB old-net=\"?\" new-net=\"$MACB\"" success enriched &&
	audit "$T/hv2/audit.log" $T_BSTART.130 VIRT_CONTROL \
	    "virt=kvm op=start reason=booted vm=\"vm-b\" uuid=$UB vm-pid=5555" success enriched &&
	hook hv2 $((T_BSTART + 1)) "$T/b.xml" started begin - &&
	wait_for "vigil_cli search --json \"vm.name:vm-b event.action:vm_start\" |
	    grep -q 5555 &&
	    vigil_cli search --json event.action:libvirt_hook_failed |
	    grep -q vm-b" 15
'

test_expect_success 'vm where A: hv1 before the migration, hv2 after, none later' '
	vigil_cli vm where vm-a --at "$(iso $((BASE + 300)))" >"$T/w1" &&
	cat "$T/w1" &&
	grep -q "^vm-a ran on hv1 (since $(iso $T_BOOT)" "$T/w1" &&
	vigil_cli vm where vm-a --at "$(iso $((BASE + 900)))" >"$T/w2" &&
	cat "$T/w2" &&
	grep -q "^vm-a ran on hv2 (since $(iso $T_MIG), until $(iso $T_DOWN))" "$T/w2" &&
	vigil_cli vm where $UA --at "@$((BASE + 300))" | grep -q " ran on hv1" &&
	vigil_cli vm where vm-a --at "$(iso $((BASE + 1300)))" >"$T/w3" &&
	cat "$T/w3" &&
	grep -q "^vm-a was not running at $(iso $((BASE + 1300)))" "$T/w3" &&
	vigil_cli vm where vm-a --at "$(iso $((BASE + 300)))" --json |
	    grep -q "\"hypervisor.name\":\"hv1\"" &&
	test_must_fail vigil_cli vm where no-such-vm 2>"$T/w4" &&
	grep -q "unknown VM" "$T/w4"
'

test_expect_success "A's guest events carry the host that ran A then" '
	vigil_cli search --json "host.name:guestA sshd" >"$T/g.json" &&
	cat "$T/g.json" &&
	test "$(wc -l <"$T/g.json")" -eq 4 &&
	for p in 40001 40002; do
		grep "port $p" "$T/g.json" >"$T/g1" &&
		grep -q "\"hypervisor.name\":\"hv1\"" "$T/g1" &&
		grep -q "\"vm.name\":\"vm-a\"" "$T/g1" &&
		grep -q "\"vm.uuid\":\"$UA\"" "$T/g1" || return 1
	done &&
	for p in 40101 40102; do
		grep "port $p" "$T/g.json" >"$T/g2" &&
		grep -q "\"hypervisor.name\":\"hv2\"" "$T/g2" || return 1
	done &&
	test "$(vigil_cli search --json "hypervisor.name:hv1 host.name:guestA" |
	    wc -l)" -eq 2
'

test_expect_success "vm history B shows the failed start, outcome failure" '
	vigil_cli vm history vm-b --json >"$T/hb.json" &&
	cat "$T/hb.json" &&
	grep "\"action\":\"vm_start\"" "$T/hb.json" >"$T/hb.start" &&
	grep -q "\"outcome\":\"failure\"" "$T/hb.start" &&
	grep -q "\"outcome\":\"success\"" "$T/hb.start" &&
	grep -q "\"time\":\"$(iso $T_BFAIL | sed "s/Z$//").420000Z\",\"host\":\"hv2\",\"action\":\"vm_start\",\"reason\":\"booted\",\"outcome\":\"failure\",\"actor\":\"root\",\"source\":\"audit\"" "$T/hb.json" &&
	vigil_cli vm history $UB >"$T/hb.txt" &&
	cat "$T/hb.txt" &&
	grep -q "hv2 .*vm_start .*booted .*failure" "$T/hb.txt" &&
	vigil_cli vm history vm-b --csv >"$T/hb.csv" &&
	head -n 1 "$T/hb.csv" | grep -q "^time,host,action,reason,outcome,actor,source" &&
	grep -q ",hv2,vm_start,booted,failure,root,audit" "$T/hb.csv"
'

test_expect_success "vm history A: boot, migration (both sides), shutdown" '
	vigil_cli vm history vm-a --json >"$T/ha.json" &&
	grep -q "\"host\":\"hv1\",\"action\":\"vm_start\",\"reason\":\"booted\"" "$T/ha.json" &&
	grep -q "\"host\":\"hv2\",\"action\":\"vm_start\",\"reason\":\"migrated\"" "$T/ha.json" &&
	grep -q "\"host\":\"hv1\",\"action\":\"vm_stop\",\"reason\":\"migrated\"" "$T/ha.json" &&
	grep -q "\"host\":\"hv2\",\"action\":\"vm_stop\",\"reason\":\"shutdown\"" "$T/ha.json" &&
	! grep -q "vm-b" "$T/ha.json" &&
	vigil_cli vm history vm-a --since "$(iso $((BASE + 300)))" \
	    --until "$(iso $((BASE + 900)))" --json >"$T/ha2.json" &&
	! grep -q "\"reason\":\"booted\"" "$T/ha2.json" &&
	grep -q "\"reason\":\"migrated\"" "$T/ha2.json"
'

test_expect_success "the iptables lines on A's vnet0 carry A's name" '
	vigil_cli search --json "host.name:hv1 source.ip:192.168.10.45" >"$T/nf1" &&
	vigil_cli search --json "host.name:hv1 destination.ip:192.168.10.45" >>"$T/nf1" &&
	cat "$T/nf1" &&
	for p in 41234 40003; do
		grep "\"source.port\":\"$p\"" "$T/nf1" >"$T/nf1.$p" &&
		grep -q "\"vm.name\":\"vm-a\"" "$T/nf1.$p" &&
		grep -q "\"vm.uuid\":\"$UA\"" "$T/nf1.$p" || return 1
	done &&
	vigil_cli search --json "vm.name:vm-a event.dataset:kern" >"$T/nf2" &&
	grep -q "PHYSIN=vnet0" "$T/nf2" && grep -q "PHYSOUT=vnet0" "$T/nf2" &&
	# count and top resolve vm.name at query time as search does (its
	# postings only hold the names known at ingest)
	n=$(wc -l <"$T/nf2") &&
	vigil_cli count --json "vm.name:vm-a event.dataset:kern" >"$T/nf2c" &&
	grep -q "\"total\":$n," "$T/nf2c" &&
	vigil_cli top source.ip --json "vm.name:vm-a event.dataset:kern" \
	    >"$T/nf2t" &&
	grep -q "\"total\":$n," "$T/nf2t" &&
	vigil_cli top vm.name --json "host.name:hv1 event.dataset:kern" \
	    >"$T/nf2v" &&
	grep -q "\"value\":\"vm-a\"" "$T/nf2v" &&
	# by UUID the same lines: theirs is resolved at query time too
	vigil_cli search --json "vm.uuid:$UA event.dataset:kern" >"$T/nf2u" &&
	test "$(wc -l <"$T/nf2u")" -eq "$n" &&
	vigil_cli count --json "vm.uuid:$UA event.dataset:kern" >"$T/nf2uc" &&
	grep -q "\"total\":$n," "$T/nf2uc"
'

if [ "$HAVE_HOOK" = 1 ]; then
	test_expect_success "a line with only A's vnet0 (no MAC) carries A's name (hook dev=)" '
		vigil_cli search --json "host.name:hv1 network.transport:icmp" >"$T/nf4" &&
		cat "$T/nf4" &&
		test "$(wc -l <"$T/nf4")" -eq 1 &&
		grep -q "\"netfilter.physout\":\"vnet0\"" "$T/nf4" &&
		grep -q "\"vm.name\":\"vm-a\"" "$T/nf4"
	'

	test_expect_success "vm history A includes the libvirt hook calls" '
		vigil_cli vm history vm-a --json >"$T/hh.json" &&
		grep -q "\"host\":\"hv1\",\"action\":\"vm_hook_started\".*\"source\":\"hook\"" "$T/hh.json" &&
		grep -q "\"host\":\"hv1\",\"action\":\"vm_hook_release\",\"reason\":\"migrated\"" "$T/hh.json" &&
		grep -q "\"host\":\"hv2\",\"action\":\"vm_hook_migrate\"" "$T/hh.json"
	'
else
	say "# SKIP hook checks: vigil-shipper hook is not available"
fi

test_expect_success "after A left hv1, its old vnet0 is not A's" '
	vigil_cli search --json "host.name:hv1 destination.port:80" >"$T/nf3" &&
	test "$(wc -l <"$T/nf3")" -eq 1 &&
	! grep -q "\"vm.name\":\"vm-a\"" "$T/nf3"
'

test_expect_success "vm.uuid:A or vm.name:A alone: every event of A, not a scan" '
	# the truth: every stored event, as search resolves it
	vigil_cli search --json --limit 100000 "" >"$T/all" &&
	want=$(grep -c "\"vm.uuid\":\"$UA\"" "$T/all") &&
	grep "\"vm.uuid\":\"$UA\"" "$T/all" | grep -q "\"event.dataset\":\"kern\"" &&
	grep "\"vm.uuid\":\"$UA\"" "$T/all" | grep -q "\"host.name\":\"guestA\"" &&
	vigil_cli search --json --limit 100000 "vm.uuid:$UA" >"$T/u" &&
	test "$(wc -l <"$T/u")" -eq "$want" &&
	vigil_cli count --json "vm.uuid:$UA" >"$T/uc" &&
	grep -q "\"total\":$want," "$T/uc" &&
	# candidates: the postings of A and the bridged netfilter blocks, fewer
	# than the blocks a word query has to read
	vigil_cli count --json zzqnotthere >"$T/scan" &&
	ub=$(sed -n "s/.*\"blocks\":\([0-9]*\).*/\1/p" "$T/uc") &&
	sb=$(sed -n "s/.*\"blocks\":\([0-9]*\).*/\1/p" "$T/scan") &&
	say "vm.uuid:A: $want events from $ub blocks; a scan reads $sb" &&
	test "$ub" -gt 0 && test "$ub" -lt "$sb" &&
	# by name (any case): the UUIDs the name index gives it as well
	wantn=$(grep -c "\"vm.name\":\"vm-a\"" "$T/all") &&
	vigil_cli search --json --limit 100000 "vm.name:VM-A" >"$T/n" &&
	test "$(wc -l <"$T/n")" -eq "$wantn" &&
	grep -q "\"host.name\":\"guestA\"" "$T/n" &&
	vigil_cli count --json "vm.name:VM-A" >"$T/nc" &&
	grep -q "\"total\":$wantn," "$T/nc" &&
	nb=$(sed -n "s/.*\"blocks\":\([0-9]*\).*/\1/p" "$T/nc") &&
	say "vm.name:VM-A: $wantn events from $nb blocks" &&
	test "$nb" -gt 0 && test "$nb" -lt "$sb"
'

test_expect_success "hypervisor.name:H alone: every event H ran or logged, not a scan" '
	vigil_cli search --json --limit 100000 "" >"$T/all" &&
	vigil_cli count --json zzqnotthere >"$T/scan" &&
	sb=$(sed -n "s/.*\"blocks\":\([0-9]*\).*/\1/p" "$T/scan") &&
	for h in hv1 hv2; do
		want=$(grep -c "\"hypervisor.name\":\"$h\"" "$T/all") &&
		test "$want" -gt 0 &&
		vigil_cli search --json --limit 100000 "hypervisor.name:$h" \
		    >"$T/h-$h" &&
		test "$(wc -l <"$T/h-$h")" -eq "$want" &&
		vigil_cli count --json "hypervisor.name:$h" >"$T/hc-$h" &&
		grep -q "\"total\":$want," "$T/hc-$h" &&
		hb=$(sed -n "s/.*\"blocks\":\([0-9]*\).*/\1/p" "$T/hc-$h") &&
		say "hypervisor.name:$h: $want events from $hb blocks; a scan reads $sb" &&
		test "$hb" -gt 0 && test "$hb" -lt "$sb" || return 1
	done &&
	# guest events of vm-a carry the host that ran them at the time
	grep -q "\"host.name\":\"guestA\"" "$T/h-hv1" &&
	grep -q "\"host.name\":\"guestA\"" "$T/h-hv2"
'

test_expect_success 'host guests: who ran on hv1, on hv2, in a window' '
	vigil_cli host guests hv1 --since "$(iso $((BASE - 60)))" \
	    --until "$(iso $((BASE + 3000)))" >"$T/hg1" &&
	cat "$T/hg1" &&
	grep -q "^vm-a .*$UA .*booted -> migrated" "$T/hg1" &&
	! grep -q vm-b "$T/hg1" &&
	vigil_cli host guests hv2 --since "$(iso $((BASE - 60)))" >"$T/hg2" &&
	cat "$T/hg2" &&
	grep -q "^vm-a .*migrated -> shutdown" "$T/hg2" &&
	grep -q "^vm-b .*running" "$T/hg2" &&
	vigil_cli host guests hv1 --since "$(iso $((BASE + 1300)))" >"$T/hg3" &&
	! grep -q vm-a "$T/hg3" &&
	vigil_cli host guests hv2 --json --since "$(iso $((BASE - 60)))" |
	    grep -q "\"vm.uuid\":\"$UB\""
'

test_expect_success 'vm list: both VMs, state, host, identity' '
	vigil_cli vm list >"$T/vl" &&
	cat "$T/vl" &&
	grep -q "^vm-a .*$UA .*stopped .*hv2" "$T/vl" &&
	grep -q "^vm-b .*$UB .*running .*hv2" "$T/vl" &&
	vigil_cli vm list --json | grep "\"vm.uuid\":\"$UA\"" |
	    grep -q "\"senders\":\[\"guestA\"\]"
'

test_expect_success 'vm report: CSV and JSON' '
	vigil_cli vm report --since "$(iso $((BASE - 600)))" --format csv \
	    --output "$T/report.csv" &&
	head -n 1 "$T/report.csv" | grep -q "^record,vm.name,vm.uuid,host," &&
	grep -q "^interval,vm-a,$UA,hv1,.*,placement,booted,migrated" "$T/report.csv" &&
	grep -q "^interval,vm-a,$UA,hv2,.*,placement,migrated,shutdown" "$T/report.csv" &&
	grep -q "^event,vm-b,$UB,hv2,.*,vm_start,booted,,failure," "$T/report.csv" &&
	vigil_cli vm report --since "$(iso $((BASE - 600)))" --format json \
	    >"$T/report.json" &&
	python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
hosts = sorted((i[\"vm.name\"], i[\"hypervisor.name\"]) for i in r[\"intervals\"])
assert hosts == [(\"vm-a\", \"hv1\"), (\"vm-a\", \"hv2\"), (\"vm-b\", \"hv2\")], hosts
assert any(e[\"outcome\"] == \"failure\" and e[\"vm.name\"] == \"vm-b\" for e in r[\"events\"])
" "$T/report.json"
'

test_expect_success 'vm report: one self-contained HTML file' '
	vigil_cli vm report --since "$(iso $((BASE - 600)))" \
	    --until "$(iso $((BASE + 2400)))" --format html \
	    --title "Audit: hv1/hv2 <Q1>" --output "$T/report.html" &&
	grep -q "^<!DOCTYPE html>" "$T/report.html" &&
	grep -q "</html>" "$T/report.html" &&
	grep -q "<svg " "$T/report.html" &&
	grep -q "Audit: hv1/hv2 &lt;Q1&gt;" "$T/report.html" &&
	test "$(grep -c "<rect class=\"bar" "$T/report.html")" -eq 3 &&
	! grep -qi "<script\|<link\|src=\|href=\|url(" "$T/report.html"
'

if command -v chromium >/dev/null 2>&1; then
	test_expect_success 'headless Chromium renders the report' '
		timeout 60 chromium --headless --no-sandbox --disable-gpu \
		    --disable-background-networking --disable-component-update \
		    --disable-sync --no-first-run --user-data-dir="$T/chrome" \
		    --enable-logging=stderr --v=0 \
		    --screenshot="$T/report.png" --window-size=1200,900 \
		    "file://$T/report.html" >"$T/chrome.log" 2>&1 &&
		test -s "$T/report.png" &&
		test "$(head -c 8 "$T/report.png" | od -An -tx1 | tr -d " \n")" = \
		    89504e470d0a1a0a &&
		! grep -E "CONSOLE|Uncaught|Refused to|Content.Security.Policy" \
		    "$T/chrome.log"
	'
else
	say "# SKIP headless Chromium check: chromium is not installed"
fi

test_done
