/*
 * test_dec_audit.c -- dec_audit() on every rendering and libvirt record of
 * log-formats.md section 1, generic records, refusals, field caps,
 * truncation at every byte, NUL bytes, a 64 KiB record, and an
 * informational speed print.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dec.h"
#include "err.h"
#include "record.h"
#include "test.h"

static struct record	ev;
static int64_t		ts;

#define TS_NONE	-7
#define UUID	"8c3a1f4e-2b6d-4c1e-9a7f-0123456789ab"
#define HDR	"pid=1187 uid=0 auid=4294967295 ses=4294967295 subj=libvirtd "
#define TAIL	" exe=\"/usr/sbin/libvirtd\" hostname=? addr=? terminal=? "
#define RAW(type, stamp) "type=" type " msg=audit(" stamp "): " HDR

static void
preset(struct record *r)
{
	record_init(r);
	record_add(r, "host.name", "hv1", 3);
	record_add(r, "event.dataset", "audit", 5);
	record_add(r, "log.file.path", "/var/log/audit/audit.log", 24);
	record_add(r, "message", "x", 1);
}

static int
decn(const char *s, size_t n)
{
	preset(&ev);
	ts = TS_NONE;
	return dec_audit(s, n, &ev, &ts);
}

static int
dec(const char *s)
{
	return decn(s, strlen(s));
}

static const char *
get(const char *name)
{
	static char	 b[4][512];
	static int	 k;
	const char	*v;
	size_t		 n;

	if ((v = record_get(&ev, name, &n)) == NULL)
		return NULL;
	k = (k + 1) % 4;
	if (n >= sizeof(b[k]))
		n = sizeof(b[k]) - 1;
	memcpy(b[k], v, n);
	b[k][n] = '\0';
	return b[k];
}

static int
ptrs_ok(const struct record *r, const char *buf, size_t len)
{
	int i;

	for (i = 4; i < r->nfields; i++) {	/* 0-3: preset() literals */
		const char *v = r->f[i].val;
		size_t n = r->f[i].len;

		if (v >= buf && n <= len && (size_t)(v - buf) <= len - n)
			continue;
		if (v >= r->scratch && (size_t)(v - r->scratch) + n <=
		    r->scratchlen)
			continue;
		return 0;
	}
	return 1;
}

static void
test_control(void)
{
	T_INT(dec(RAW("VIRT_CONTROL", "1710407643.123:456") "msg='virt=kvm "
	    "op=start reason=booted vm=\"guest1\" uuid=" UUID " vm-pid=4321"
	    TAIL "res=success'"), 0);
	T_INT(ts, 1710407643123000LL);
	T_STR(get("auditd.log.record_type"), "VIRT_CONTROL");
	T_STR(get("auditd.log.sequence"), "456");
	T_OK(get("auditd.log.node") == NULL);
	T_STR(get("process.pid"), "1187");
	T_STR(get("user.id"), "0");
	T_STR(get("user.audit.id"), "4294967295");
	T_STR(get("auditd.session"), "4294967295");
	T_STR(get("auditd.log.subj"), "libvirtd");
	T_STR(get("vm.virt"), "kvm");
	T_STR(get("event.action"), "vm_start");
	T_STR(get("event.reason"), "booted");
	T_STR(get("vm.name"), "guest1");
	T_STR(get("vm.uuid"), UUID);
	T_STR(get("vm.pid"), "4321");
	T_STR(get("process.executable"), "/usr/sbin/libvirtd");
	T_STR(get("event.outcome"), "success");
	T_OK(get("auditd.data.hostname") == NULL);
	T_OK(get("auditd.data.addr") == NULL && get("source.ip") == NULL);
	T_STR(get("host.name"), "hv1");

	/* ENRICHED, node= once, failed stop with vm-pid=-1 */
	T_INT(dec("node=hv1 " RAW("VIRT_CONTROL", "1710407700.001:460")
	    "msg='virt=qemu op=stop reason=failed vm=\"guest1\" uuid=" UUID
	    " vm-pid=-1 exe=\"/usr/sbin/virtqemud\" hostname=? addr=? "
	    "terminal=? res=failed'\x1dUID=\"root\" AUID=\"unset\""), 0);
	T_INT(ts, 1710407700001000LL);
	T_STR(get("auditd.log.node"), "hv1");
	T_STR(get("event.action"), "vm_stop");
	T_STR(get("event.reason"), "failed");
	T_STR(get("vm.pid"), "-1");
	T_STR(get("vm.virt"), "qemu");
	T_STR(get("event.outcome"), "failure");
	T_STR(get("process.executable"), "/usr/sbin/virtqemud");
	T_STR(get("user.name"), "root");
	T_OK(get("user.audit.name") == NULL);

	/* hex-encoded name; LXC init; every start/stop reason */
	T_INT(dec(RAW("VIRT_CONTROL", "1710407643.5:7") "msg='virt=lxc "
	    "op=init vm=6275696C6420766D2032 uuid=" UUID " vm-pid=900 "
	    "init-pid=901 pid-ns=4026532 exe=\"/usr/sbin/libvirtd\" "
	    "hostname=? addr=? terminal=? res=success'"), 0);
	T_INT(ts, 1710407643500000LL);
	T_STR(get("vm.name"), "build vm 2");
	T_STR(get("event.action"), "vm_init");
	T_STR(get("vm.init_pid"), "901");
	T_STR(get("vm.pid_ns"), "4026532");
	T_STR(get("vm.virt"), "lxc");
}

static void
test_renderings(void)
{
	const char *j = "VIRT_CONTROL " HDR "msg='virt=kvm op=start "
	    "reason=migrated vm=\"guest1\" uuid=" UUID " vm-pid=4321" TAIL
	    "res=success'";

	/* journal: no stamp, ts untouched; decode.c's process.pid stays */
	preset(&ev);
	record_add(&ev, "process.pid", "999", 3);
	ts = TS_NONE;
	T_INT(dec_audit(j, strlen(j), &ev, &ts), 0);
	T_INT(ts, TS_NONE);
	T_STR(get("process.pid"), "999");
	T_STR(get("auditd.log.record_type"), "VIRT_CONTROL");
	T_OK(get("auditd.log.sequence") == NULL);
	T_STR(get("event.reason"), "migrated");
	T_STR(get("vm.name"), "guest1");
	T_INT(dec_audit(j, strlen(j), (preset(&ev), &ev), NULL), 0);

	/* kernel: numeric type, with and without the uptime bracket */
	T_INT(dec("audit: type=2500 audit(1710407643.123:456): " HDR
	    "msg='virt=kvm op=start reason=restored vm=\"g\" uuid=" UUID
	    " vm-pid=1" TAIL "res=success'"), 0);
	T_STR(get("auditd.log.record_type"), "VIRT_CONTROL");
	T_STR(get("event.reason"), "restored");
	T_INT(ts, 1710407643123000LL);
	T_INT(dec("[ 4772.035194] audit: type=2501 audit(1.000:9): " HDR
	    "msg='virt=kvm resrc=vcpu reason=start vm=\"g\" uuid=" UUID
	    " old-vcpu=0 new-vcpu=12" TAIL "res=success'"), 0);
	T_STR(get("auditd.log.record_type"), "VIRT_RESOURCE");
	T_STR(get("vm.resource.new"), "12");	/* not hex-decoded */
	T_INT(dec("audit: type=2599 audit(1.000:9): foo=bar"), 0);
	T_STR(get("auditd.log.record_type"), "UNKNOWN[2599]");
	T_INT(dec("audit: type=1112 audit(1.000:9): pid=1"), 0);
	T_STR(get("auditd.log.record_type"), "USER_LOGIN");

	/* node= twice: the first is kept */
	T_INT(dec("node=hv1.example.com node=hv1 " RAW("VIRT_MACHINE_ID",
	    "1710407643.120:455") "msg='virt=kvm vm=\"guest1\" uuid=" UUID
	    " vm-ctx=libvirt-" UUID " img-ctx=libvirt-" UUID
	    " model=apparmor" TAIL "res=success'"), 0);
	T_STR(get("auditd.log.node"), "hv1.example.com");
	T_STR(get("auditd.log.record_type"), "VIRT_MACHINE_ID");
	T_STR(get("vm.security.model"), "apparmor");
	T_STR(get("vm.security.vm_ctx"), "libvirt-" UUID);
	T_STR(get("vm.security.img_ctx"), "libvirt-" UUID);
	T_STR(get("vm.name"), "guest1");
	T_OK(get("event.action") == NULL);

	T_INT(dec(RAW("VIRT_MACHINE_ID", "1710407643.120:455")
	    "msg='virt=kvm vm=\"guest1\" uuid=" UUID " vm-ctx=+64055:+108 "
	    "img-ctx=+64055:+108 model=dac" TAIL "res=success'"), 0);
	T_STR(get("vm.security.model"), "dac");
	T_STR(get("vm.security.vm_ctx"), "+64055:+108");
}

static void
test_resource(void)
{
	T_INT(dec(RAW("VIRT_RESOURCE", "1710407643.100:450") "msg='virt=kvm "
	    "resrc=disk reason=start vm=\"guest1\" uuid=" UUID " old-disk=\"?\""
	    " new-disk=\"/var/lib/libvirt/images/guest1.qcow2\"" TAIL
	    "res=success'"), 0);
	T_STR(get("vm.resource.type"), "disk");
	T_STR(get("event.action"), "vm_resource_start");
	T_STR(get("event.reason"), "start");
	T_OK(get("vm.resource.old") == NULL);
	T_STR(get("vm.resource.new"), "/var/lib/libvirt/images/guest1.qcow2");

	/* hex-encoded disk path (has a space) */
	T_INT(dec(RAW("VIRT_RESOURCE", "1.1:1") "msg='virt=kvm resrc=disk "
	    "reason=detach vm=\"g\" uuid=" UUID " old-disk=2F612062 "
	    "new-disk=\"?\"" TAIL "res=success'"), 0);
	T_STR(get("vm.resource.old"), "/a b");
	T_STR(get("event.action"), "vm_resource_detach");

	T_INT(dec(RAW("VIRT_RESOURCE", "1.1:2") "msg='virt=kvm resrc=net "
	    "reason=attach vm=\"g\" uuid=" UUID " old-net=? "
	    "new-net=52:54:00:aa:bb:cc" TAIL "res=success'"), 0);
	T_STR(get("vm.resource.type"), "net");
	T_STR(get("vm.resource.new"), "52:54:00:aa:bb:cc");
	T_OK(get("vm.resource.old") == NULL);

	T_INT(dec(RAW("VIRT_RESOURCE", "1.1:3") "msg='virt=kvm resrc=net "
	    "reason=open vm=\"g\" uuid=" UUID " net=52:54:00:aa:bb:cc "
	    "path=\"/dev/net/tun\" rdev=0A:C8" TAIL "res=success'"), 0);
	T_STR(get("event.action"), "vm_resource_open");
	T_STR(get("vm.resource.mac"), "52:54:00:aa:bb:cc");
	T_STR(get("vm.resource.path"), "/dev/net/tun");
	T_STR(get("vm.resource.rdev"), "0A:C8");

	T_INT(dec(RAW("VIRT_RESOURCE", "1.1:4") "msg='virt=kvm resrc=mem "
	    "reason=update vm=\"g\" uuid=" UUID " old-mem=2097152 "
	    "new-mem=4194304" TAIL "res=success'"), 0);
	T_STR(get("vm.resource.type"), "mem");
	T_STR(get("vm.resource.old"), "2097152");
	T_STR(get("vm.resource.new"), "4194304");
	T_STR(get("event.action"), "vm_resource_update");

	T_INT(dec(RAW("VIRT_RESOURCE", "1.1:5") "msg='virt=kvm resrc=cgroup "
	    "reason=allow vm=\"build vm\" uuid=" UUID " cgroup=\"/sys/fs/"
	    "cgroup/machine.slice/machine-qemu\\x2d2\\x2dbuild\\x2dvm.scope/"
	    "libvirt/\" class=path path=\"/dev/kvm\" rdev=0A:E8 acl=rw" TAIL
	    "res=success'"), 0);
	T_STR(get("event.action"), "vm_resource_allow");
	T_STR(get("vm.resource.cgroup"), "/sys/fs/cgroup/machine.slice/"
	    "machine-qemu\\x2d2\\x2dbuild\\x2dvm.scope/libvirt/");
	T_STR(get("vm.resource.class"), "path");
	T_STR(get("vm.resource.path"), "/dev/kvm");
	T_STR(get("vm.resource.acl"), "rw");

	T_INT(dec(RAW("VIRT_RESOURCE", "1.1:6") "msg='virt=kvm resrc=cgroup "
	    "reason=allow vm=\"g\" uuid=" UUID " cgroup=\"/x/\" class=major "
	    "category=pty maj=88 acl=rw" TAIL "res=success'"), 0);
	T_STR(get("vm.resource.category"), "pty");
	T_STR(get("vm.resource.major"), "88");
	T_INT(dec(RAW("VIRT_RESOURCE", "1.1:7") "msg='virt=kvm resrc=cgroup "
	    "reason=deny vm=\"g\" uuid=" UUID " cgroup=\"/x/\" class=all" TAIL
	    "res=success'"), 0);
	T_STR(get("event.action"), "vm_resource_deny");
	T_STR(get("vm.resource.class"), "all");

	T_INT(dec(RAW("VIRT_RESOURCE", "1.1:8") "msg='virt=kvm resrc=dev "
	    "reason=attach vm=\"g\" uuid=" UUID " bus=pci "
	    "device=\"0000:00:1f.0\"" TAIL "res=success'"), 0);
	T_STR(get("vm.resource.type"), "dev");
	T_STR(get("vm.resource.bus"), "pci");
	T_STR(get("vm.resource.device"), "0000:00:1f.0");
	T_INT(dec(RAW("VIRT_RESOURCE", "1.1:9") "msg='virt=kvm resrc=shmem "
	    "reason=start vm=\"g\" uuid=" UUID " size=4194304 path=2F6120"
	    TAIL "res=success'"), 0);
	T_STR(get("vm.resource.size"), "4194304");
	T_STR(get("vm.resource.path"), "/a ");

	/* very old libvirt: no virt=, net='MAC', "user pid=" */
	T_INT(dec("type=VIRT_RESOURCE msg=audit(1300000000.000:12): user "
	    "pid=1000 uid=0 auid=4294967295 ses=4294967295 msg='resrc=net "
	    "reason=open vm=\"old\" uuid=" UUID " net='52:54:00:11:22:33' "
	    "path=\"/dev/net/tun\" rdev=0A:C8" TAIL "res=success'"), 0);
	T_STR(get("vm.resource.mac"), "52:54:00:11:22:33");
	T_STR(get("vm.resource.rdev"), "0A:C8");
	T_STR(get("vm.name"), "old");
	T_OK(get("vm.virt") == NULL);
	T_STR(get("process.pid"), "1000");
	T_STR(get("event.outcome"), "success");
	T_INT(ts, 1300000000000000LL);
}

static void
test_generic(void)
{
	T_INT(dec("type=USER_LOGIN msg=audit(1710407000.500:300): pid=2001 "
	    "uid=0 auid=1000 ses=3 subj=unconfined msg='op=login id=1000 "
	    "exe=\"/usr/sbin/sshd\" hostname=198.51.100.7 addr=198.51.100.7 "
	    "terminal=/dev/pts/0 res=success'\x1dUID=\"root\" AUID=\"alice\" "
	    "ID=\"alice\""), 0);
	T_STR(get("auditd.log.record_type"), "USER_LOGIN");
	T_STR(get("auditd.data.op"), "login");
	T_STR(get("auditd.data.id"), "1000");
	T_STR(get("auditd.data.hostname"), "198.51.100.7");
	T_STR(get("auditd.data.addr"), "198.51.100.7");
	T_STR(get("source.ip"), "198.51.100.7");
	T_STR(get("auditd.data.terminal"), "/dev/pts/0");
	T_STR(get("process.executable"), "/usr/sbin/sshd");
	T_STR(get("event.outcome"), "success");
	T_STR(get("user.audit.id"), "1000");
	T_STR(get("user.name"), "root");
	T_STR(get("user.audit.name"), "alice");
	T_OK(get("event.action") == NULL);

	T_INT(dec("type=USER_ACCT msg=audit(1.0:1): pid=1 uid=0 auid=1 ses=1 "
	    "msg='op=PAM:accounting grantors=pam_unix,pam_permit "
	    "acct=616C696365206A exe=\"/usr/bin/sudo\" hostname=? addr=? "
	    "terminal=/dev/pts/1 res=failed'"), 0);
	T_STR(get("auditd.data.acct"), "alice j");
	T_STR(get("auditd.data.grantors"), "pam_unix,pam_permit");
	T_STR(get("event.outcome"), "failure");

	T_INT(dec("type=SYSCALL msg=audit(1.0:2): arch=c000003e syscall=59 "
	    "success=yes exit=0 a0=55d1 items=2 ppid=1 pid=5 auid=1000 uid=0 "
	    "gid=0 euid=0 tty=pts0 ses=3 comm=\"ls\" exe=\"/usr/bin/ls\" "
	    "subj=unconfined key=(null)\x1d" "ARCH=x86_64 SYSCALL=execve "
	    "AUID=\"alice\" UID=\"root\""), 0);
	T_STR(get("event.outcome"), "success");
	T_STR(get("auditd.data.comm"), "ls");
	T_STR(get("auditd.data.syscall"), "59");
	T_OK(get("auditd.data.key") == NULL);
	T_STR(get("user.audit.name"), "alice");

	T_INT(dec("type=PROCTITLE msg=audit(1.0:2): proctitle=6C73002D6C61"),
	    0);
	T_STR(get("auditd.data.proctitle"), "ls -la");

	T_INT(dec("audit: type=1400 audit(1710407643.500:457): "
	    "apparmor=\"DENIED\" operation=\"open\" profile=\"libvirt-" UUID
	    "\" name=\"/etc/shadow\" pid=3 comm=\"qemu-system-x86\" "
	    "requested_mask=\"r\" denied_mask=\"r\" fsuid=64055 ouid=0"), 0);
	T_STR(get("auditd.log.record_type"), "AVC");
	T_STR(get("auditd.data.apparmor"), "DENIED");
	T_STR(get("auditd.data.name"), "/etc/shadow");
	T_STR(get("auditd.log.sequence"), "457");

	/* fields in an odd order, msg='' first */
	T_INT(dec("USER_END msg='op=logout res=success' ses=9 pid=2"), 0);
	T_STR(get("auditd.data.op"), "logout");
	T_STR(get("auditd.session"), "9");
}

static void
test_refuse_caps(void)
{
	const char	*bad[] = {
		"", "type=", "type=X", "type=X msg=audit(abc", "hello world",
		"node=hv1", "node=hv1 VIRT_CONTROL pid=1", "Started foo.",
		"VIRT_CONTROL", "VIRT_CONTROL pid", "Vx pid=1", "AB pid=1",
		"type=X msg=audit(1.5:): a=b", "type=X msg=audit(1.:2): a=b",
		"type=X msg=audit(.5:2): a=b", "type=X msg=audit(1.5:2) a=b",
		"type=X msg=audit(1234567890123.5:2): a=b",
		"ACPI: PM: Preparing", "USER_LOGIN =x", NULL
	};
	static char	 pn[58][16];
	char		 big[4096];
	int		 i, n;
	size_t		 sl, o;

	for (i = 0; bad[i] != NULL; i++) {
		preset(&ev);
		n = ev.nfields;
		sl = ev.scratchlen;
		ts = TS_NONE;
		T_INT(dec_audit(bad[i], strlen(bad[i]), &ev, &ts), ERR_FORMAT);
		T_INT(ev.nfields, n);
		T_INT(ev.scratchlen, sl);
		T_INT(ts, TS_NONE);
	}
	/* at most 30 own fields, and never past REC_FIELDS_MAX */
	o = snprintf(big, sizeof(big), "type=SYSCALL msg=audit(1.0:1):");
	for (i = 0; i < 120; i++)
		o += snprintf(big + o, sizeof(big) - o, " %s=%d",
		    (const char *[]){ "a0", "a1", "a2", "a3", "arch", "comm",
		    "cwd", "dev", "egid", "euid", "exit", "family", "fsgid",
		    "fsuid", "gid", "id", "ino", "inode", "items", "key",
		    "kind", "laddr", "lport", "mode", "name", "nametype", "obj",
		    "ogid", "op", "ouid", "ppid", "rdev", "saddr", "sgid",
		    "spid", "suid", "syscall", "tty", "unit", "x" }[i % 40], i);
	T_INT(dec(big), 0);
	T_INT(ev.nfields, 4 + 30);
	T_OK(ptrs_ok(&ev, big, strlen(big)));
	preset(&ev);
	for (i = 0; i < 58; i++) {
		snprintf(pn[i], sizeof(pn[i]), "p%d", i);
		record_add(&ev, pn[i], "v", 1);
	}
	n = ev.nfields;
	T_INT(dec_audit(big, strlen(big), &ev, NULL), 0);
	T_OK(ev.nfields <= REC_FIELDS_MAX && ev.nfields > n);
}

static const char *const lines[] = {
	RAW("VIRT_CONTROL", "1710407643.123:456") "msg='virt=kvm op=start "
	    "reason=booted vm=\"guest1\" uuid=" UUID " vm-pid=4321" TAIL
	    "res=success'",
	"node=hv1 " RAW("VIRT_RESOURCE", "1710407643.100:450") "msg='virt=kvm "
	    "resrc=disk reason=start vm=\"guest1\" uuid=" UUID " old-disk=\"?\""
	    " new-disk=\"/var/lib/libvirt/images/guest1.qcow2\"" TAIL
	    "res=success'\x1dUID=\"root\" AUID=\"unset\"",
	RAW("VIRT_MACHINE_ID", "1.1:3") "msg='virt=kvm vm=6775657374 uuid="
	    UUID " vm-ctx=+64055:+108 img-ctx=+64055:+108 model=dac" TAIL
	    "res=success'",
	"audit: type=2501 audit(1.000:9): " HDR "msg='resrc=net reason=open "
	    "vm=\"g\" uuid=" UUID " net='52:54:00:11:22:33' path=\"/dev/net/"
	    "tun\" rdev=0A:C8" TAIL "res=success'",
	"VIRT_CONTROL " HDR "msg='virt=kvm op=stop reason=failed vm=\"g\" "
	    "uuid=" UUID " vm-pid=-1" TAIL "res=failed'",
	"type=USER_LOGIN msg=audit(1710407000.500:300): pid=2001 uid=0 "
	    "auid=1000 ses=3 msg='op=login id=1000 exe=\"/usr/sbin/sshd\" "
	    "hostname=198.51.100.7 addr=198.51.100.7 terminal=/dev/pts/0 "
	    "res=success'\x1dUID=\"root\" AUID=\"alice\"",
	NULL
};

static void
test_truncation(void)
{
	int	 i, r, n, bad = 0;
	size_t	 k, len;
	char	*b;

	for (i = 0; lines[i] != NULL; i++) {
		len = strlen(lines[i]);
		for (k = 0; k <= len; k++) {
			b = malloc(k ? k : 1);
			memcpy(b, lines[i], k);
			preset(&ev);
			n = ev.nfields;
			r = dec_audit(b, k, &ev, NULL);
			if ((r != 0 && r != ERR_FORMAT) ||
			    (r != 0 && ev.nfields != n) || !ptrs_ok(&ev, b, k))
				bad++;
			free(b);
		}
	}
	T_INT(bad, 0);
}

static void
test_nul_big(void)
{
	static const char	 l1[] = "type=VIRT_CONTROL msg=audit(1.2:3): "
	    "pid=1\0 msg='virt=kvm op=st\0rt vm=\"g\0x\" vm=41004142 "
	    "res=success'\0";
	char			*big;
	size_t			 n = 65536, o;

	T_INT(decn(l1, sizeof(l1) - 1), 0);
	T_OK(ptrs_ok(&ev, l1, sizeof(l1) - 1));
	T_INT(record_get(&ev, "vm.name", &o) != NULL, 1);
	T_INT(o, 3);
	T_OK(get("event.action") == NULL);	/* "st\0rt": not a word */
	T_STR(get("event.outcome"), "success");

	/* 64 KiB: a huge hex vm name (kept as written), many pairs */
	big = malloc(n);
	o = snprintf(big, n, "type=VIRT_CONTROL msg=audit(1.2:3): "
	    "msg='op=start vm=");
	memset(big + o, 'A', 40000);
	o += 40000;
	memcpy(big + o, " uuid=u ", 8);
	for (o += 8; o + 6 <= n - 1; o += 6)
		memcpy(big + o, "a0=1  ", 6);
	memset(big + o, ' ', n - o);
	big[n - 1] = '\'';
	T_INT(decn(big, n), 0);
	T_OK(ptrs_ok(&ev, big, n));
	T_INT(record_get(&ev, "vm.name", &o) != NULL, 1);
	T_INT(o, 40000);
	T_STR(get("vm.uuid"), "u");
	/* a hex value that fits the decode buffer but fills scratch */
	memset(big, 'B', n);
	memcpy(big, "VIRT_CONTROL vm=", 16);
	T_INT(decn(big, 16 + 2048), 0);
	T_INT(record_get(&ev, "vm.name", &o) != NULL, 1);
	T_INT(o, 1024);
	T_OK(ptrs_ok(&ev, big, 16 + 2048));
	memset(big, 'A', n);
	T_INT(decn(big, n), ERR_FORMAT);
	free(big);
}

static void
test_speed(void)
{
	struct timespec	 t0, t1;
	size_t		 len[8];
	long		 i, iters = 1000000;
	int		 k, nl;
	double		 s;

	for (nl = 0; lines[nl] != NULL; nl++)
		len[nl] = strlen(lines[nl]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < iters; i++) {
		k = i % nl;
		preset(&ev);
		if (dec_audit(lines[k], len[k], &ev, &ts) != 0)
			abort();
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("dec_audit: %.0f lines/s (informational)\n", iters / s);
}

int
main(void)
{
	test_control();
	test_renderings();
	test_resource();
	test_generic();
	test_refuse_caps();
	test_truncation();
	test_nul_big();
	test_speed();
	return TEST_DONE();
}
