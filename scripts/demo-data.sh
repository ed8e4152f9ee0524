#!/bin/sh
# demo-data.sh -- write a realistic demo data set for vigil.
#
#   scripts/demo-data.sh OUTDIR
#
# Two KVM hypervisors (hv1, hv2) and one guest (web01), over the last two
# hours, as a Debian rsyslog writes them (RSYSLOG_TraditionalFileFormat:
# "Mar 14 09:14:03 hv1 sshd[1234]: ..."), plus auditd's RAW audit.log on the
# hypervisors.  Times are written in UTC, which is what the collector assumes
# for RFC 3164 lines by default (its tz-offset option).
#   OUTDIR/<host>/auth.log   sshd (accepted, failed, invalid user), sudo,
#                            pam_unix, systemd-logind
#   OUTDIR/<host>/kern.log   iptables LOG lines (bridged guest traffic on
#                            virbr0/vnetN), bridge port messages
#   OUTDIR/<host>/syslog     systemd, libvirtd, systemd-machined, CRON
#   OUTDIR/hv*/audit.log     libvirt VIRT_RESOURCE/VIRT_CONTROL records
# The formats follow what sshd, sudo, pam_unix, the kernel's nf_log and
# libvirt's domain_audit.c write (see docs/events.md).
# The content is random but repeatable (fixed seed); only the times move.
# Existing files in OUTDIR/<host>/ are replaced.

set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
now=$(date +%s)
for h in hv1 hv2 web01; do
	mkdir -p "$out/$h"
	rm -f "$out/$h/auth.log" "$out/$h/kern.log" "$out/$h/syslog" \
	    "$out/$h/audit.log"
done

# mawk (Debian's default awk) and gawk both have strftime().
TZ=UTC LC_ALL=C awk -v now="$now" -v out="$out" '
function ts(t) { return strftime("%b %e %H:%M:%S", t) }
function pick(list,   a, n) { n = split(list, a, " "); return a[int(rand() * n) + 1] }
function num(lo, hi) { return lo + int(rand() * (hi - lo + 1)) }
function hex2(n) { return sprintf("%02x", n % 256) }
function emit(h, file, t, tag, msg) {
	print ts(t) " " h " " tag ": " msg >> (out "/" h "/" file)
}
function uptime(h, t) {
	# monotonic within a second for lines emitted at the same time
	if (t == lastt[h] && lastf[h] < 949999) lastf[h] += num(1000, 50000)
	else if (t != lastt[h]) lastf[h] = num(0, 500000)
	lastt[h] = t
	return sprintf("[%5d.%06d]", t - boot[h], lastf[h])
}

# ---- auth.log
function ssh_ok(h, t,   pid, user, ip, port, sess) {
	pid = num(2000, 60000); user = pick("deploy deploy ops ansible")
	ip = pick("10.0.0.5 10.0.0.17 10.0.0.23 192.168.10.4"); port = num(40000, 65000)
	emit(h, "auth.log", t, "sshd[" pid "]", "Accepted publickey for " user " from " ip " port " port " ssh2: ED25519 SHA256:" key[user])
	emit(h, "auth.log", t, "sshd[" pid "]", "pam_unix(sshd:session): session opened for user " user "(uid=" uid[user] ") by (uid=0)")
	sess = ++session[h]
	emit(h, "auth.log", t, "systemd-logind[" logind[h] "]", "New session " sess " of user " user ".")
	if (user != "ansible" && rand() < 0.6)
		sudo(h, t + num(5, 60), user)
	t += num(60, 600)
	emit(h, "auth.log", t, "sshd[" pid "]", "Received disconnect from " ip " port " port ":11: disconnected by user")
	emit(h, "auth.log", t, "sshd[" pid "]", "Disconnected from user " user " " ip " port " port)
	emit(h, "auth.log", t, "sshd[" pid "]", "pam_unix(sshd:session): session closed for user " user)
	emit(h, "auth.log", t, "systemd-logind[" logind[h] "]", "Session " sess " logged out. Waiting for processes to exit.")
	emit(h, "auth.log", t, "systemd-logind[" logind[h] "]", "Removed session " sess ".")
}
function sudo(h, t, user,   cmd, tty) {
	tty = "pts/" num(0, 3)
	cmd = (h == "web01") ? pick("/usr/bin/systemctl_reload_nginx /usr/bin/tail_-n_50_/var/log/nginx/error.log /usr/bin/apt-get_update") \
	    : pick("/usr/bin/virsh_list_--all /usr/bin/virsh_dominfo_web01 /usr/bin/virsh_console_build /usr/sbin/iptables_-L_-n /usr/bin/journalctl_-u_libvirtd")
	gsub(/_/, " ", cmd)
	emit(h, "auth.log", t, "sudo", sprintf("%8s", user) " : TTY=" tty " ; PWD=/home/" user " ; USER=root ; COMMAND=" cmd)
	emit(h, "auth.log", t, "sudo", "pam_unix(sudo:session): session opened for user root(uid=0) by " user "(uid=" uid[user] ")")
	emit(h, "auth.log", t + num(1, 30), "sudo", "pam_unix(sudo:session): session closed for user root")
}
function sudo_denied(h, t,   user) {
	user = "intern"
	emit(h, "auth.log", t, "sudo", "pam_unix(sudo:auth): authentication failure; logname=" user " uid=" uid[user] " euid=0 tty=/dev/pts/2 ruser=" user " rhost=  user=" user)
	emit(h, "auth.log", t + 9, "sudo", sprintf("%8s", user) " : 3 incorrect password attempts ; TTY=pts/2 ; PWD=/home/" user " ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow")
}
function ssh_bad(h, t,   pid, user, ip, port, n, i) {
	pid = num(2000, 60000); ip = pick(attackers); port = num(30000, 65000)
	if (rand() < 0.5) {
		user = pick("admin oracle test ubuntu pi postgres git user1 support")
		emit(h, "auth.log", t, "sshd[" pid "]", "Invalid user " user " from " ip " port " port)
		emit(h, "auth.log", t + 1, "sshd[" pid "]", "pam_unix(sshd:auth): check pass; user unknown")
		emit(h, "auth.log", t + 1, "sshd[" pid "]", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=" ip " ")
		emit(h, "auth.log", t + 3, "sshd[" pid "]", "Failed password for invalid user " user " from " ip " port " port " ssh2")
		emit(h, "auth.log", t + 4, "sshd[" pid "]", "Connection closed by invalid user " user " " ip " port " port " [preauth]")
	} else {
		user = "root"
		emit(h, "auth.log", t, "sshd[" pid "]", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=" ip "  user=" user)
		n = num(2, 6)
		for (i = 0; i < n; i++)
			emit(h, "auth.log", t + 2 + 2 * i, "sshd[" pid "]", "Failed password for " user " from " ip " port " port " ssh2")
		if (n == 6) {
			emit(h, "auth.log", t + 14, "sshd[" pid "]", "error: maximum authentication attempts exceeded for " user " from " ip " port " port " ssh2 [preauth]")
			emit(h, "auth.log", t + 14, "sshd[" pid "]", "Disconnecting authenticating user " user " " ip " port " port ": Too many authentication failures [preauth]")
		} else
			emit(h, "auth.log", t + 2 * n + 2, "sshd[" pid "]", "Connection closed by authenticating user " user " " ip " port " port " [preauth]")
	}
}

# ---- kern.log
function fw(h, t,   v, mac, src, dst, proto, spt, dpt, pfx, line, id) {
	v = num(0, nvnet[h] - 1); id = num(1, 65535)
	if (h == "web01") {
		pfx = "[WEB-IN-DROP] "; src = pick(attackers); dst = "192.168.122.10"
		line = "IN=eth0 OUT= MAC=52:54:00:3c:91:0a:52:54:00:8e:27:5d:08:00 SRC=" src " DST=" dst
	} else {
		pfx = pick("[HOST-IN-DROP] [GUEST-FWD-DROP] [GUEST-OUT-LOG]") " "
		mac = "52:54:00:8e:27:5d:52:54:00:" hex2(v * 16 + 1) ":" hex2(h == "hv1" ? 10 : 20) ":" hex2(v + 3) ":08:00"
		src = "192.168.122." (10 + v); dst = pick("192.168.122.1 10.0.0.53 10.0.0.80 198.51.100.25")
		line = "IN=virbr0 OUT= PHYSIN=vnet" v " MAC=" mac " SRC=" src " DST=" dst
	}
	line = line " LEN=60 TOS=0x00 PREC=0x00 TTL=" pick("63 64 52") " ID=" id " DF"
	if (rand() < 0.8) {
		dpt = pick("22 23 25 445 3389 5900 8080 6379")
		line = line " PROTO=TCP SPT=" num(32768, 60999) " DPT=" dpt " WINDOW=64240 RES=0x00 SYN URGP=0 "
	} else {
		dpt = pick("53 123 161 1900")
		line = line " PROTO=UDP SPT=" num(32768, 60999) " DPT=" dpt " LEN=40 "
	}
	emit(h, "kern.log", t, "kernel", uptime(h, t) " " pfx line)
}
function bridge_up(h, t, v) {
	emit(h, "kern.log", t, "kernel", uptime(h, t) " virbr0: port " (v + 2) "(vnet" v ") entered blocking state")
	emit(h, "kern.log", t, "kernel", uptime(h, t) " virbr0: port " (v + 2) "(vnet" v ") entered disabled state")
	emit(h, "kern.log", t, "kernel", uptime(h, t) " device vnet" v " entered promiscuous mode")
	emit(h, "kern.log", t, "kernel", uptime(h, t) " virbr0: port " (v + 2) "(vnet" v ") entered forwarding state")
}

# ---- syslog and audit.log
function routine(h, t,   r) {
	r = rand()
	if (r < 0.4)
		emit(h, "syslog", t, "CRON[" num(3000, 90000) "]", "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)")
	else if (r < 0.6) {
		emit(h, "syslog", t, "systemd[1]", "Starting sysstat-collect.service - system activity accounting tool...")
		emit(h, "syslog", t, "systemd[1]", "sysstat-collect.service: Deactivated successfully.")
		emit(h, "syslog", t, "systemd[1]", "Finished sysstat-collect.service - system activity accounting tool.")
	} else if (r < 0.8 && h != "web01")
		emit(h, "syslog", t, "libvirtd[" libvirtd[h] "]", "internal error: End of file from qemu monitor")
	else if (h == "web01") {
		emit(h, "syslog", t, "dhclient[" dhcp "]", "DHCPREQUEST for 192.168.122.10 on eth0 to 192.168.122.1 port 67")
		emit(h, "syslog", t, "dhclient[" dhcp "]", "DHCPACK of 192.168.122.10 from 192.168.122.1")
		emit(h, "syslog", t, "dhclient[" dhcp "]", "bound to 192.168.122.10 -- renewal in " num(1200, 1800) " seconds.")
	}
	else
		emit(h, "syslog", t, "systemd[1]", "Started session-" session[h] ".scope - Session " session[h] " of User deploy.")
}
function audit(h, t, type, text,   ms) {
	ms = sprintf("%03d", auditms)		# records of one operation: increasing
	auditms += num(1, 40)
	print "type=" type " msg=audit(" t "." ms ":" (++serial[h]) "): pid=" libvirtd[h] " uid=0 auid=4294967295 ses=4294967295 subj=libvirtd msg=\x27" text " exe=\"/usr/sbin/libvirtd\" hostname=? addr=? terminal=? res=success\x27" >> (out "/" h "/audit.log")
	serial[h] += num(0, 40)
}
function vm_start(h, t, vm, reason,   u, v, pid, n) {
	u = uuid[vm]; v = nvnet[h]++; pid = num(2000, 90000); n = ++qemuid[h]
	auditms = num(0, 700)
	vmpid[vm] = pid
	audit(h, t, "VIRT_RESOURCE", "virt=kvm resrc=disk reason=start vm=\"" vm "\" uuid=" u " old-disk=\"?\" new-disk=\"/var/lib/libvirt/images/" vm ".qcow2\"")
	audit(h, t, "VIRT_RESOURCE", "virt=kvm resrc=net reason=start vm=\"" vm "\" uuid=" u " old-net=\"?\" new-net=\"" mac[vm] "\"")
	audit(h, t, "VIRT_RESOURCE", "virt=kvm resrc=mem reason=start vm=\"" vm "\" uuid=" u " old-mem=0 new-mem=4194304")
	audit(h, t, "VIRT_RESOURCE", "virt=kvm resrc=vcpu reason=start vm=\"" vm "\" uuid=" u " old-vcpu=0 new-vcpu=2")
	audit(h, t, "VIRT_CONTROL", "virt=kvm op=start reason=" reason " vm=\"" vm "\" uuid=" u " vm-pid=" pid)
	emit(h, "syslog", t, "systemd-machined[" machined[h] "]", "New machine qemu-" n "-" vm ".")
	emit(h, "syslog", t, "systemd[1]", "Started machine-qemu\\x2d" n "\\x2d" vm ".scope - Virtual Machine qemu-" n "-" vm ".")
	bridge_up(h, t, v)
}
function vm_stop(h, t, vm, reason,   n) {
	n = qemuid[h]; auditms = num(0, 900)
	audit(h, t, "VIRT_CONTROL", "virt=kvm op=stop reason=" reason " vm=\"" vm "\" uuid=" uuid[vm] " vm-pid=-1")
	emit(h, "syslog", t, "systemd[1]", "machine-qemu\\x2d" n "\\x2d" vm ".scope: Deactivated successfully.")
	emit(h, "syslog", t, "systemd-machined[" machined[h] "]", "Machine qemu-" n "-" vm " terminated.")
}

BEGIN {
	srand(20250314)
	dhcp = num(400, 600)
	start = now - 7200
	split("hv1 hv2 web01", hosts, " ")
	attackers = "203.0.113.45 203.0.113.77 198.51.100.23 198.51.100.200 192.0.2.150"
	uid["deploy"] = 1000; uid["ops"] = 1001; uid["ansible"] = 1002; uid["intern"] = 1003
	key["deploy"] = "q7Vn0mJ2m3f8kH4bX1cWlY9sPzR6tE5uA0dG3hK8iLo"
	key["ops"] = "Zc9pQ2wE4rT6yU8iO0pA1sD3fG5hJ7kL9zX2cV4bN6m"
	key["ansible"] = "mN3bV5cX7zL9kJ1hG3fD5sA7pO9iU1yT3rE5wQ7e9R0"
	uuid["web01"] = "3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b"; mac["web01"] = "52:54:00:3c:91:0a"
	uuid["db01"] = "9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a"; mac["db01"] = "52:54:00:51:7e:22"
	uuid["build"] = "c0ffee00-1234-4abc-9def-0123456789ab"; mac["build"] = "52:54:00:b1:1d:01"
	for (i = 1; i <= 3; i++) {
		h = hosts[i]
		boot[h] = now - num(2, 9) * 86400 - num(0, 86399)
		logind[h] = num(500, 700); libvirtd[h] = num(800, 1200); machined[h] = num(600, 799)
		serial[h] = num(1000, 90000); session[h] = num(10, 400)
		nvnet[h] = (h == "web01") ? 1 : 0
	}
	# hypervisor lifecycle: web01 boots on hv1 at the start, db01 on hv2;
	# build migrates hv1 -> hv2 after an hour; db01 crashes and comes back.
	vm_start("hv1", start + 30, "web01", "booted")
	vm_start("hv1", start + 95, "build", "booted")
	vm_start("hv2", start + 60, "db01", "booted")
	vm_start("hv2", start + 3600, "build", "migrated")
	vm_stop("hv1", start + 3604, "build", "migrated")
	vm_stop("hv2", start + 5400, "db01", "failed")
	vm_start("hv2", start + 5460, "db01", "booted")
	for (i = 1; i <= 3; i++) {
		h = hosts[i]
		for (t = start + num(100, 200); t < now - 60; t += num(10, 50)) {
			r = rand()
			if (r < (h == "web01" ? 0.45 : 0.18)) ssh_bad(h, t)
			else if (r < 0.55) fw(h, t)
			else if (r < 0.62) ssh_ok(h, t)
			else if (r < 0.63) sudo_denied(h, t)
			else routine(h, t)
		}
	}
}'

# the generators above append out of order (logouts, lifecycle): sort each
# file by time (stable, "Mmm dd hh:mm:ss" within the same two hours, so a
# month or year change is the only case this gets wrong)
for f in "$out"/*/auth.log "$out"/*/kern.log "$out"/*/syslog; do
	[ -f "$f" ] || continue
	LC_ALL=C sort -s -k1,1M -k2,2n -k3,3 "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
for f in "$out"/*/audit.log; do
	[ -f "$f" ] || continue
	LC_ALL=C sort -s -t'(' -k2,2n "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
for h in hv1 hv2 web01; do
	printf '%s: %s lines\n' "$h" "$(cat "$out/$h"/* | wc -l | tr -d ' ')"
done
