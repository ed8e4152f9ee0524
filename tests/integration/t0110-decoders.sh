#!/bin/sh
# t0110-decoders: lines of every real source go through shipper and
# collector and are searchable by their decoded fields -- the acceptance
# queries of the decoders issue: source.ip + event.outcome (sshd),
# destination.port + network.transport (netfilter), vm.name with a space
# (audit record with a hex-encoded name), plus sudo, PAM, su, useradd,
# logind, libvirtd and QEMU log lines; an unknown line is stored raw and
# flagged, never dropped.
. "$(dirname "$0")/../lib.sh"

D=$(date -u +"%b %e %H:%M:%S")
E=$(date -u +%s)
U=4b1c1d2e-9f30-4c1a-8e2b-0a1b2c3d4e5f

test_expect_success 'collector and a host shipper with five inputs' '
	mkdir -p "$T/log/qemu" &&
	: >"$T/log/auth.log" && : >"$T/log/kern.log" &&
	: >"$T/log/audit.log" && : >"$T/log/libvirtd.log" &&
	: >"$T/log/qemu/build-vm-2.log" &&
	start_collector &&
	start_shipper hv1 --role host \
	    --input "auth:$T/log/auth.log" --input "kern:$T/log/kern.log" \
	    --input "audit:$T/log/audit.log" \
	    --input "libvirt:$T/log/libvirtd.log" \
	    --input "qemu:$T/log/qemu/build-vm-2.log" &&
	wait_for "vigil_cli status --json | grep -q \"\\\"hv1\\\"\"" 10 &&
	sleep 0.5
'

test_expect_success 'the hosts write real lines' '
	cat >>"$T/log/auth.log" <<-EOF &&
	$D hv1 sshd[4242]: Failed password for invalid user admin from 192.0.2.10 port 52114 ssh2
	$D hv1 sshd[4242]: Failed password for root from 192.0.2.10 port 52116 ssh2
	$D hv1 sshd[4250]: Accepted publickey for deploy from 192.0.2.10 port 52200 ssh2: ED25519 SHA256:Yx1s2mYqH5b0mF0m3s9yq1n4m5b6v7c8x9z0a1s2d3f
	$D hv1 sshd[4251]: Invalid user oracle from 198.51.100.7 port 40022
	$D hv1 sshd[4252]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.10  user=root
	$D hv1 sudo:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/virsh destroy build-vm-2
	$D hv1 sudo:    alice : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash
	$D hv1 su[5001]: FAILED SU (to root) alice on pts/1
	$D hv1 useradd[5002]: new user: name=backdoor, UID=1001, GID=1001, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0
	$D hv1 systemd-logind[600]: New session 42 of user deploy.
	$D hv1 mystery-daemon: something nobody decodes
	EOF
	cat >>"$T/log/kern.log" <<-EOF &&
	$D hv1 kernel: [ 4772.035194] [HOST-IN-DROP] IN=virbr0 OUT= PHYSIN=vnet0 MAC=52:54:00:6b:2e:01:52:54:00:9a:11:07:08:00 SRC=192.168.122.45 DST=10.20.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=5512 DF PROTO=TCP SPT=41234 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 
	$D hv1 kernel: nft-in-drop: IN=br0 OUT= PHYSIN=eno1 MAC=52:54:00:6b:2e:02:52:54:00:9a:11:08:08:00 SRC=203.0.113.9 DST=10.20.0.6 LEN=76 TOS=0x00 PREC=0x00 TTL=55 ID=0 DF PROTO=UDP SPT=123 DPT=123 LEN=56 
	EOF
	printf "%s\n" \
	    "type=VIRT_RESOURCE msg=audit($E.101:7001): pid=1187 uid=0 auid=4294967295 ses=4294967295 subj=libvirtd msg='"'"'virt=kvm resrc=mem reason=start vm=6275696C6420766D2032 uuid=$U old-mem=0 new-mem=4194304 exe=\"/usr/sbin/libvirtd\" hostname=? addr=? terminal=? res=success'"'"'" \
	    "type=VIRT_CONTROL msg=audit($E.102:7002): pid=1187 uid=0 auid=4294967295 ses=4294967295 subj=libvirtd msg='"'"'virt=kvm op=start reason=booted vm=6275696C6420766D2032 uuid=$U vm-pid=31337 exe=\"/usr/sbin/libvirtd\" hostname=? addr=? terminal=? res=success'"'"'" \
	    >>"$T/log/audit.log" &&
	printf "%s\n" \
	    "$(date -u +"%Y-%m-%d %H:%M:%S").123+0000: 2101: error : virHookCall:335 : Hook script execution failed: internal error: Child process (LC_ALL=C /etc/libvirt/hooks/qemu build-vm-2 prepare begin -) unexpected exit status 1: boom" \
	    >>"$T/log/libvirtd.log" &&
	printf "%s\n" \
	    "$(date -u +"%Y-%m-%d %H:%M:%S").500+0000: shutting down, reason=destroyed" \
	    >>"$T/log/qemu/build-vm-2.log" &&
	wait_for "test \$(vigil_cli search --json --limit 1000 host.name:hv1 | wc -l) -ge 17" 20
'

test_expect_success "source.ip:192.0.2.10 event.outcome:failure" '
	vigil_cli search --json "source.ip:192.0.2.10 event.outcome:failure" \
	    >"$T/q1.json" &&
	test "$(wc -l <"$T/q1.json")" -eq 3 &&
	grep -q "\"user.name\":\"admin\"" "$T/q1.json" &&
	grep -q "\"source.port\":\"52116\"" "$T/q1.json"
'

test_expect_success "destination.port:22 network.transport:tcp" '
	vigil_cli search --json "destination.port:22 network.transport:tcp" \
	    >"$T/q2.json" &&
	test "$(wc -l <"$T/q2.json")" -eq 1 &&
	grep -q "\"netfilter.physin\":\"vnet0\"" "$T/q2.json" &&
	grep -q "\"source.ip\":\"192.168.122.45\"" "$T/q2.json"
'

test_expect_success "vm.name:\"build vm 2\" (hex-encoded in the audit log)" '
	vigil_cli search --json "vm.name:\"build vm 2\"" >"$T/q3.json" &&
	test "$(wc -l <"$T/q3.json")" -eq 2 &&
	grep -q "\"event.action\":\"vm_start\"" "$T/q3.json" &&
	grep -q "\"vm.uuid\":\"$U\"" "$T/q3.json" &&
	grep -q "\"@timestamp\":\"[^\"]*\.102000Z\"" "$T/q3.json"
'

test_expect_success 'sudo, su, useradd, logind, PAM decoded' '
	vigil_cli search --json "user.name:deploy process.name:sudo" |
	    grep -q "\"user.target.name\":\"root\"" &&
	vigil_cli search --json "process.name:sudo \"NOT in sudoers\"" |
	    grep -q "\"event.outcome\":\"failure\"" &&
	vigil_cli search --json "process.name:su" |
	    grep -q "\"user.target.name\":\"root\"" &&
	vigil_cli search --json "user.target.name:backdoor" |
	    grep -q "\"event.action\":\"user_added\"" &&
	vigil_cli search --json "process.name:systemd-logind" |
	    grep -q "\"user.name\":\"deploy\"" &&
	vigil_cli search --json "pam.service:sshd" | grep -q "\"user.name\":\"root\""
'

test_expect_success 'libvirt hook failure and QEMU log decoded' '
	vigil_cli search --json "event.action:libvirt_hook_failed" |
	    grep -q "\"libvirt.hook.exit_status\":\"1\"" &&
	vigil_cli search --json "event.dataset:qemu" |
	    grep -q "\"event.reason\":\"destroyed\""
'

test_expect_success 'an unknown line is stored raw and is not flagged malformed' '
	vigil_cli search --json mystery-daemon >"$T/q4.json" &&
	test "$(wc -l <"$T/q4.json")" -eq 1 &&
	grep -q "\"message\":\"something nobody decodes\"" "$T/q4.json"
'

test_expect_success 'a line without any header is stored raw and flagged' '
	echo "garbage without a header" >>"$T/log/auth.log" &&
	wait_for "vigil_cli search --json garbage | grep -q malformed" 10
'

test_done
