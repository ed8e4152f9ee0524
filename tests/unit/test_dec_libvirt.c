/*
 * test_dec_libvirt.c -- unit tests for collector/dec_libvirt.c:
 * dec_libvirt on libvirtd/virtqemud log lines (file form, syslog(3) form,
 * bare journald messages: versions, hook failures, audit_logging
 * "success=" lines) and dec_qemu_log on every line shape of
 * /var/log/libvirt/qemu/NAME.log; bad dates, unrecognised input, empty
 * input, truncation at every byte, bit flips, NUL bytes, 64 KiB lines,
 * a full record; and an informational speed measurement.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dec.h"
#include "err.h"
#include "fname.h"
#include "record.h"
#include "test.h"

#define TS0	1700000000000000LL	/* "untouched" marker */
#define QPATH	"/var/log/libvirt/qemu/guest1.log"

static struct record ev;

#define T_FIELD(name, want) do {					\
	size_t fn_ = 0;							\
	const char *fv_ = record_get(&ev, name, &fn_);			\
	T_STRN(fv_, fn_, want);						\
} while (0)

#define T_NOFIELD(name) do {						\
	size_t fn_;							\
	T_OK(record_get(&ev, name, &fn_) == NULL);			\
} while (0)

/* A record as decode.c hands it over: header fields already set. */
static void
prep(const char *msg)
{
	record_init(&ev);
	record_add(&ev, "host.name", "hv1.example.org", 15);
	record_add(&ev, "event.dataset", "libvirt", 7);
	record_add(&ev, "message", msg, strlen(msg));
}

static int
lv(const char *s, int64_t *ts)
{
	prep(s);
	*ts = TS0;
	return dec_libvirt(s, strlen(s), &ev, ts);
}

static int
qlog(const char *path, const char *s, int64_t *ts)
{
	prep(s);
	*ts = TS0;
	return dec_qemu_log(path, path != NULL ? strlen(path) : 0, s,
	    strlen(s), &ev, ts);
}

static void
test_libvirt_file(void)
{
	int64_t ts;

	T_INT(lv("2025-03-14 10:30:40.123+0000: 1187: info : libvirt "
	    "version: 9.0.0, package: 9.0.0-4+deb12u2 (Debian)", &ts), 0);
	T_INT(ts, 1741948240123000LL);
	T_FIELD("process.thread.id", "1187");
	T_FIELD("log.level", "info");
	T_NOFIELD("log.origin.function");
	T_NOFIELD("log.origin.file.line");
	T_FIELD("libvirt.version", "9.0.0");
	T_FIELD("libvirt.message", "libvirt version: 9.0.0, package: "
	    "9.0.0-4+deb12u2 (Debian)");
	T_FIELD("message", "2025-03-14 10:30:40.123+0000: 1187: info : "
	    "libvirt version: 9.0.0, package: 9.0.0-4+deb12u2 (Debian)");
	T_FIELD("host.name", "hv1.example.org");

	T_INT(lv("2025-03-14 10:30:40.124+0000: 1187: info : hostname: "
	    "hv1.example.org\n", &ts), 0);
	T_INT(ts, 1741948240124000LL);
	T_FIELD("libvirt.hostname", "hv1.example.org");
	T_NOFIELD("event.action");

	T_INT(lv("2025-03-14 10:30:41.966+0000: 1201: debug : "
	    "virCommandRunAsync:2652 : About to run LC_ALL=C "
	    "/usr/bin/qemu-system-x86_64 -name guest=guest1", &ts), 0);
	T_INT(ts, 1741948241966000LL);
	T_FIELD("process.thread.id", "1201");
	T_FIELD("log.level", "debug");
	T_FIELD("log.origin.function", "virCommandRunAsync");
	T_FIELD("log.origin.file.line", "2652");
	T_FIELD("libvirt.message", "About to run LC_ALL=C "
	    "/usr/bin/qemu-system-x86_64 -name guest=guest1");
	T_NOFIELD("vm.name");
	T_NOFIELD("event.outcome");

	T_INT(lv("2025-03-14 10:30:41.000+0000: 1203: warning : "
	    "qemuDomainObjTaint:6212 : Domain id=1 name='guest1' is "
	    "tainted: high-privileges", &ts), 0);
	T_FIELD("log.level", "warning");
	T_FIELD("log.origin.function", "qemuDomainObjTaint");

	/* a message with " : " in it, from a caller without a function */
	T_INT(lv("2025-03-14 10:30:41.000+0000: 1: error : a : b", &ts), 0);
	T_FIELD("log.level", "error");
	T_NOFIELD("log.origin.function");
	T_FIELD("libvirt.message", "a : b");
}

static void
test_libvirt_hook(void)
{
	static const char body[] = "Hook script execution failed: internal "
	    "error: Child process (LC_ALL=C PATH=/usr/local/sbin:/usr/local/"
	    "bin:/usr/sbin:/usr/bin:/sbin:/bin /etc/libvirt/hooks/qemu guest1 "
	    "prepare begin -) unexpected exit status 1: hook: vlan 42 not "
	    "allowed on br0\n";
	char	line[1024];
	int64_t	ts;

	snprintf(line, sizeof(line), "2025-03-14 10:31:02.004+0000: 1203: "
	    "error : virHookCall:357 : %s", body);
	T_INT(lv(line, &ts), 0);
	T_INT(ts, 1741948262004000LL);
	T_FIELD("log.level", "error");
	T_FIELD("log.origin.function", "virHookCall");
	T_FIELD("log.origin.file.line", "357");
	T_FIELD("event.action", "libvirt_hook_failed");
	T_FIELD("event.outcome", "failure");
	T_FIELD("libvirt.hook.exit_status", "1");
	T_FIELD("libvirt.hook.command", "/etc/libvirt/hooks/qemu guest1 "
	    "prepare begin -");
	T_FIELD("libvirt.hook.stderr", "hook: vlan 42 not allowed on br0");

	/* journald / syslog: the bare message, time untouched */
	T_INT(lv(body, &ts), 0);
	T_INT(ts, TS0);
	T_FIELD("event.action", "libvirt_hook_failed");
	T_FIELD("libvirt.hook.exit_status", "1");
	T_FIELD("libvirt.hook.command", "/etc/libvirt/hooks/qemu guest1 "
	    "prepare begin -");
	T_FIELD("libvirt.hook.stderr", "hook: vlan 42 not allowed on br0");
	T_NOFIELD("process.thread.id");
	T_NOFIELD("log.level");

	/* no stderr, shell-quoted env value with a space, status 255 */
	T_INT(lv("Hook script execution failed: internal error: Child "
	    "process (LC_ALL=C X='a b'\\''c' /etc/libvirt/hooks/qemu.d/10-net "
	    "guest1 release end from snapshot) unexpected exit status 255",
	    &ts), 0);
	T_FIELD("libvirt.hook.command", "/etc/libvirt/hooks/qemu.d/10-net "
	    "guest1 release end from snapshot");
	T_FIELD("libvirt.hook.exit_status", "255");
	T_NOFIELD("libvirt.hook.stderr");

	/* another failure: action only */
	T_INT(lv("Hook script execution failed: Cannot execute "
	    "'/etc/libvirt/hooks/qemu': Permission denied", &ts), 0);
	T_FIELD("event.action", "libvirt_hook_failed");
	T_FIELD("event.outcome", "failure");
	T_NOFIELD("libvirt.hook.exit_status");

	/* syslog(3) output: "tid: level : function:line : message" */
	snprintf(line, sizeof(line), "1203: error : virHookCall:357 : %s",
	    body);
	T_INT(lv(line, &ts), 0);
	T_INT(ts, TS0);
	T_FIELD("process.thread.id", "1203");
	T_FIELD("log.origin.function", "virHookCall");
	T_FIELD("libvirt.hook.exit_status", "1");
}

static void
test_libvirt_audit(void)
{
	int64_t ts;

	T_INT(lv("2025-03-14 10:30:45.500+0000: 1203: info : "
	    "virAuditSend:134 : success=yes virt=kvm op=start reason=booted "
	    "vm=\"guest1\" uuid=6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70 "
	    "vm-pid=4321", &ts), 0);
	T_INT(ts, 1741948245500000LL);
	T_FIELD("event.outcome", "success");
	T_FIELD("event.action", "vm_start");
	T_FIELD("event.reason", "booted");
	T_FIELD("vm.name", "guest1");
	T_FIELD("vm.uuid", "6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70");
	T_FIELD("log.origin.function", "virAuditSend");
	T_INT(ev.scratchlen, 0);

	/* hex-encoded name ('guest 1"x'), failure, bare message */
	T_INT(lv("success=no virt=kvm op=stop reason=failed "
	    "vm=677565737420312278 uuid=6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70 "
	    "vm-pid=-1", &ts), 0);
	T_INT(ts, TS0);
	T_FIELD("event.outcome", "failure");
	T_FIELD("event.action", "vm_stop");
	T_FIELD("event.reason", "failed");
	T_FIELD("vm.name", "guest 1\"x");
	T_INT(ev.scratchlen, 10);

	/* resource record: names, no action */
	T_INT(lv("success=yes virt=kvm resrc=disk reason=start vm=\"web\" "
	    "uuid=0c2d1b8e-7f7a-4b61-9d0e-3a3f7c2a5b11 old-disk=\"?\" "
	    "new-disk=\"/var/lib/libvirt/images/web.qcow2\"", &ts), 0);
	T_FIELD("event.outcome", "success");
	T_FIELD("vm.name", "web");
	T_NOFIELD("event.action");
	T_NOFIELD("event.reason");

	/* op=init (LXC): no vm_ action */
	T_INT(lv("success=yes virt=lxc op=init vm=\"c1\" uuid=0c2d1b8e-7f7a-"
	    "4b61-9d0e-3a3f7c2a5b11 vm-pid=9 init-pid=10 pid-ns=4026", &ts), 0);
	T_NOFIELD("event.action");
	T_FIELD("vm.name", "c1");

	/* a key that only ends in "vm" is not vm= */
	T_INT(lv("success=yes xvm=\"no\" op=\"start\"", &ts), 0);
	T_NOFIELD("vm.name");
	T_FIELD("event.action", "vm_start");
}

static void
test_libvirt_reject(void)
{
	static const char *const bad[] = {
		"",
		"Cannot open log file: No such file or directory",
		"internal error: Child process (x) unexpected exit status 1",
		"success=maybe virt=kvm",
		"success=yes, virt=kvm",
		/* month 13, Feb 29 of a common year, 24:00, second 60 */
		"2025-13-14 10:30:40.123+0000: 1187: info : hostname: h",
		"2025-02-29 10:30:40.123+0000: 1187: info : hostname: h",
		"2025-03-14 24:00:00.000+0000: 1187: info : hostname: h",
		"2025-03-14 10:30:60.000+0000: 1187: info : hostname: h",
		"2025-00-14 10:30:40.123+0000: 1187: info : hostname: h",
		"2025-04-31 10:30:40.123+0000: 1187: info : hostname: h",
		"1969-12-31 23:59:59.000+0000: 1187: info : hostname: h",
		"2025-03-14 10:30:40.123+0100: 1187: info : hostname: h",
		"2025-03-14 10:30:40.12+0000: 1187: info : hostname: h",
		"2025-03-14T10:30:40.123+0000: 1187: info : hostname: h",
		"2025-03-14 10:30:40.123+0000: abc: info : hostname: h",
		"2025-03-14 10:30:40.123+0000: 1187: notice : hostname: h",
		"2025-03-14 10:30:40.123+0000: 1187: info: hostname: h",
		"2025-03-14 10:30:40.123+0000:",
		"1187: info hostname: h",
		NULL
	};
	int64_t	ts;
	int	i, nf;

	for (i = 0; bad[i] != NULL; i++) {
		prep(bad[i]);
		nf = ev.nfields;
		ts = TS0;
		T_INT(dec_libvirt(bad[i], strlen(bad[i]), &ev, &ts),
		    ERR_FORMAT);
		T_INT(ev.nfields, nf);
		T_INT(ev.scratchlen, 0);
		T_INT(ts, TS0);
	}
	/* a leap day is fine */
	T_INT(lv("2024-02-29 23:59:59.999+0000: 1: info : hostname: h", &ts),
	    0);
	T_INT(ts, 1709251199999000LL);
}

static void
test_qemu(void)
{
	int64_t ts;

	T_INT(qlog(QPATH, "2025-03-14 10:30:41.123+0000: starting up libvirt "
	    "version: 9.0.0, package: 9.0.0-4+deb12u2 (Debian), qemu version: "
	    "7.2.9Debian 1:7.2+dfsg-7+deb12u7, kernel: 6.1.0-28-amd64, "
	    "hostname: hv1.example.org", &ts), 0);
	T_INT(ts, 1741948241123000LL);
	T_FIELD("event.action", "vm_log_start");
	T_FIELD("libvirt.version", "9.0.0");
	T_FIELD("qemu.version", "7.2.9Debian 1:7.2+dfsg-7+deb12u7");
	T_FIELD("host.os.kernel", "6.1.0-28-amd64");
	T_FIELD("libvirt.hostname", "hv1.example.org");
	T_FIELD("vm.name", "guest1");

	/* package with commas (RHEL packager string) */
	T_INT(qlog(QPATH, "2025-03-14 10:30:41.123+0000: starting up libvirt "
	    "version: 8.0.0, package: 22.el8 (CentOS Buildsys <bugs@centos."
	    "org>, 2022-03-01-10:00:00, x86-01.example), qemu version: "
	    "6.2.0qemu-kvm-6.2.0-11.el8, kernel: 4.18.0-373.el8.x86_64, "
	    "hostname: kvm2", &ts), 0);
	T_FIELD("libvirt.version", "8.0.0");
	T_FIELD("qemu.version", "6.2.0qemu-kvm-6.2.0-11.el8");
	T_FIELD("host.os.kernel", "4.18.0-373.el8.x86_64");
	T_FIELD("libvirt.hostname", "kvm2");

	T_INT(qlog(QPATH, "-name guest=web01,debug-threads=on \\", &ts), 0);
	T_INT(ts, TS0);
	T_FIELD("vm.name", "web01");
	T_INT(qlog(QPATH, "-uuid 6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70 \\",
	    &ts), 0);
	T_FIELD("vm.uuid", "6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70");
	T_FIELD("vm.name", "guest1");
	T_INT(qlog(QPATH, "-uuid not-a-uuid \\", &ts), 0);
	T_NOFIELD("vm.uuid");
	T_INT(qlog(QPATH, "LC_ALL=C \\", &ts), 0);
	T_FIELD("vm.name", "guest1");
	T_INT(qlog(QPATH, "/usr/bin/qemu-system-x86_64 \\", &ts), 0);
	T_INT(qlog(QPATH, "-msg timestamp=on", &ts), 0);
	/* escaped commas and shell quoting: copied to scratch */
	T_INT(qlog(QPATH, "-name 'guest=a,,b c'\\''d,debug-threads=on' \\",
	    &ts), 0);
	T_FIELD("vm.name", "a,b c'd");
	T_INT(ev.scratchlen, 8);
	/* old libvirt: one line */
	T_INT(qlog(QPATH, "LC_ALL=C PATH=/bin /usr/bin/kvm -name old1 -S "
	    "-m 512 -uuid 0C2D1B8E-7F7A-4B61-9D0E-3A3F7C2A5B11 -nographic",
	    &ts), 0);
	T_FIELD("vm.name", "old1");
	T_FIELD("vm.uuid", "0C2D1B8E-7F7A-4B61-9D0E-3A3F7C2A5B11");

	T_INT(qlog(QPATH, "char device redirected to /dev/pts/3 (label "
	    "charserial0)", &ts), 0);
	T_INT(ts, TS0);
	T_FIELD("event.action", "vm_console");
	T_FIELD("qemu.chardev.path", "/dev/pts/3");
	T_FIELD("qemu.chardev.label", "charserial0");
	T_FIELD("vm.name", "guest1");

	T_INT(qlog(QPATH, "2025-03-14T10:30:41.966184Z qemu-system-x86_64: "
	    "warning: host doesn't support requested feature: "
	    "CPUID.80000001H:ECX.svm [bit 2]", &ts), 0);
	T_INT(ts, 1741948241966184LL);
	T_FIELD("qemu.process", "qemu-system-x86_64");
	T_FIELD("libvirt.message", "warning: host doesn't support requested "
	    "feature: CPUID.80000001H:ECX.svm [bit 2]");
	T_NOFIELD("process.name");
	T_FIELD("vm.name", "guest1");
	T_INT(qlog(QPATH, "2025-03-14T10:30:41Z qemu-kvm: terminating on "
	    "signal 15 from pid 1187 (/usr/sbin/virtqemud)", &ts), 0);
	T_INT(ts, 1741948241000000LL);
	T_FIELD("qemu.process", "qemu-kvm");
	T_INT(qlog(QPATH, "2025-03-14T10:30:41.5Z qemu-system-x86_64: char "
	    "device redirected to /dev/pts/7 (label charconsole0)", &ts), 0);
	T_INT(ts, 1741948241500000LL);
	T_FIELD("event.action", "vm_console");
	T_FIELD("qemu.chardev.path", "/dev/pts/7");
	T_INT(qlog(QPATH, "qemu-system-x86_64: terminating on signal 15",
	    &ts), 0);
	T_FIELD("qemu.process", "qemu-system-x86_64");
	T_INT(ts, TS0);

	T_INT(qlog(QPATH, "2025-03-14 10:35:12.345+0000: shutting down, "
	    "reason=destroyed", &ts), 0);
	T_INT(ts, 1741948512345000LL);
	T_FIELD("event.action", "vm_log_stop");
	T_FIELD("event.reason", "destroyed");
	T_FIELD("vm.name", "guest1");
	T_INT(qlog(QPATH, "2025-03-14 10:35:12.345+0000: shutting down, "
	    "reason=from snapshot", &ts), 0);
	T_FIELD("event.reason", "from snapshot");
	T_INT(qlog(QPATH, "2025-03-14 10:35:12.345+0000: shutting down", &ts),
	    0);
	T_FIELD("event.action", "vm_log_stop");
	T_NOFIELD("event.reason");

	/* other libvirt lines of the file */
	T_INT(qlog(QPATH, "2025-03-14 10:30:41.200+0000: Domain id=1 is "
	    "tainted: custom-argv", &ts), 0);
	T_FIELD("libvirt.message", "Domain id=1 is tainted: custom-argv");
	T_NOFIELD("event.action");
	T_INT(qlog(QPATH, "2025-03-14 10:30:41.200+0000: 4242: info : "
	    "libvirt version: 9.0.0", &ts), 0);
	T_FIELD("process.thread.id", "4242");
	T_FIELD("libvirt.version", "9.0.0");

	/* the path: none, rotated, no extension, already set */
	T_INT(qlog(NULL, "-msg timestamp=on", &ts), 0);
	T_NOFIELD("vm.name");
	T_INT(qlog("/var/log/libvirt/qemu/my.logger.log.1", "-S \\", &ts), 0);
	T_FIELD("vm.name", "my.logger");
	T_INT(qlog("guest9.log-20250314", "-S \\", &ts), 0);
	T_FIELD("vm.name", "guest9");
	T_INT(qlog("/x/plain", "-S \\", &ts), 0);
	T_FIELD("vm.name", "plain");
	prep("-name guest=other \\");
	record_add(&ev, "vm.name", "preset", 6);
	T_INT(dec_qemu_log(QPATH, strlen(QPATH), "-name guest=other \\", 19,
	    &ev, &ts), 0);
	T_FIELD("vm.name", "preset");
}

static void
test_qemu_reject(void)
{
	static const char *const bad[] = {
		"",
		"main_channel_link: add main channel client",
		"audit: ",
		"2025-03-14T10:30:41.966184 qemu: x",
		"2025-03-14T25:30:41.966184Z qemu: x",
		"2025-13-14 10:35:12.345+0000: shutting down",
		"\\",
		"- \\x",
		NULL
	};
	int64_t	ts;
	int	i, nf;

	for (i = 0; bad[i] != NULL; i++) {
		prep(bad[i]);
		nf = ev.nfields;
		ts = TS0;
		T_INT(dec_qemu_log(QPATH, strlen(QPATH), bad[i],
		    strlen(bad[i]), &ev, &ts), ERR_FORMAT);
		T_INT(ev.nfields, nf);
		T_INT(ev.scratchlen, 0);
		T_INT(ts, TS0);
	}
}

static const char *const samples[] = {
	"2025-03-14 10:30:40.123+0000: 1187: info : libvirt version: 9.0.0, "
	    "package: 9.0.0-4+deb12u2 (Debian)",
	"2025-03-14 10:31:02.004+0000: 1203: error : virHookCall:357 : Hook "
	    "script execution failed: internal error: Child process (LC_ALL=C "
	    "PATH=/bin /etc/libvirt/hooks/qemu g1 start begin -) unexpected "
	    "exit status 1: boom",
	"success=no virt=kvm op=stop reason=failed vm=677565737420312278 "
	    "uuid=6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70 vm-pid=-1",
	"2025-03-14 10:30:41.123+0000: starting up libvirt version: 9.0.0, "
	    "qemu version: 7.2.9, kernel: 6.1.0, hostname: hv1",
	"-name 'guest=a,,b c'\\''d,debug-threads=on' \\",
	"2025-03-14T10:30:41.966184Z qemu-system-x86_64: char device "
	    "redirected to /dev/pts/7 (label charconsole0)",
	"2025-03-14 10:35:12.345+0000: shutting down, reason=from snapshot",
	NULL
};

/* Every prefix and some bit flips: no crash, contract kept. */
static void
test_truncate(void)
{
	char	 buf[512];
	int64_t	 ts;
	size_t	 i, n, k;
	int	 s, r, bad = 0, nf;

	for (s = 0; samples[s] != NULL; s++) {
		n = strlen(samples[s]);
		for (i = 0; i <= n; i++) {
			for (k = 0; k < 9; k++) {
				memcpy(buf, samples[s], i);
				if (k > 0 && i > 0)
					buf[(i * 7 + k * 13) % i] ^= 1 << k % 8;
				prep("x");
				nf = ev.nfields;
				ts = TS0;
				r = dec_libvirt(buf, i, &ev, &ts);
				if (r != 0 && (ev.nfields != nf ||
				    ev.scratchlen != 0 || ts != TS0))
					bad++;
				prep("x");
				r = dec_qemu_log(QPATH, strlen(QPATH), buf, i,
				    &ev, &ts);
				if (r != 0 && (ev.nfields != nf ||
				    ev.scratchlen != 0 || ts != TS0))
					bad++;
			}
		}
	}
	T_INT(bad, 0);
}

static void
test_nul_and_big(void)
{
	static char	 big[65536 + 128];
	static const char hook[] = "Hook script execution failed: internal "
	    "error: Child process (/h a\0b) unexpected exit status 2: e\0f";
	static const char hdr[] = "2025-03-14 10:30:40.123+0000: 7: info : "
	    "f:1 : success=yes op=start vm=";
	int64_t		 ts;
	size_t		 n, h = sizeof(hdr) - 1, sl;

	prep("x");
	T_INT(dec_libvirt(hook, sizeof(hook) - 1, &ev, &ts), 0);
	T_FIELD("event.action", "libvirt_hook_failed");
	T_FIELD("libvirt.hook.exit_status", "2");
	T_INT((record_get(&ev, "libvirt.hook.command", &n), n), 6);
	T_INT((record_get(&ev, "libvirt.hook.stderr", &n), n), 3);

	/* 64 KiB hex name: too big for scratch, kept as written */
	memcpy(big, hdr, h);
	memset(big + h, 'A', 65536);
	prep("x");
	T_INT(dec_libvirt(big, h + 65536, &ev, &ts), 0);
	T_INT((record_get(&ev, "vm.name", &n), n), 65536);
	T_INT(ev.scratchlen, 0);
	T_INT((record_get(&ev, "libvirt.message", &n), n), 65536 + 24);
	/* 64 KiB of a NUL-filled message */
	memset(big + h, '\0', 65536);
	prep("x");
	T_INT(dec_libvirt(big, h + 65536, &ev, &ts), 0);
	T_INT((record_get(&ev, "vm.name", &n), n), 65536);
	/* 64 KiB of garbage and of a command line */
	memset(big, 'x', 65536);
	prep("x");
	T_INT(dec_libvirt(big, 65536, &ev, &ts), ERR_FORMAT);
	T_INT(dec_qemu_log(QPATH, strlen(QPATH), big, 65536, &ev, &ts),
	    ERR_FORMAT);
	memcpy(big, "-name guest=", 12);
	memset(big + 12, ',', 65536 - 14);
	memcpy(big + 65536 - 2, " \\", 2);
	prep("x");
	T_INT(dec_qemu_log(QPATH, strlen(QPATH), big, 65536, &ev, &ts), 0);
	T_INT((record_get(&ev, "vm.name", &n), n), 65536 - 14);
	T_INT(ev.scratchlen, 0);
	/* fits: decoded into scratch */
	memset(big + 12, ',', 4000);
	memcpy(big + 4012, " \\", 2);
	prep("x");
	T_INT(dec_qemu_log(QPATH, strlen(QPATH), big, 4014, &ev, &ts), 0);
	T_INT((record_get(&ev, "vm.name", &n), n), 2000);

	/* a full record: ERR_TOOBIG and nothing changed */
	prep("x");
	while (ev.nfields < REC_FIELDS_MAX - 2) {
		ev.f[ev.nfields].name = "filler";
		ev.f[ev.nfields].id = fname_id("filler");
		ev.f[ev.nfields].val = "";
		ev.f[ev.nfields].len = 0;
		ev.nfields++;
	}
	sl = ev.scratchlen;
	ts = TS0;
	T_INT(dec_libvirt(samples[1], strlen(samples[1]), &ev, &ts),
	    ERR_TOOBIG);
	T_INT(ev.nfields, REC_FIELDS_MAX - 2);
	T_INT(ev.scratchlen, sl);
	T_INT(ts, TS0);
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void
test_speed(void)
{
	static const char *const typical[] = {
		"2025-03-14 10:30:41.966+0000: 1201: debug : "
		    "virCommandRunAsync:2652 : About to run /usr/bin/qemu",
		"2025-03-14 10:30:45.500+0000: 1203: info : virAuditSend:134 : "
		    "success=yes virt=kvm op=start reason=booted vm=\"guest1\" "
		    "uuid=6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70 vm-pid=4321",
		"2025-03-14T10:30:41.966184Z qemu-system-x86_64: warning: "
		    "host doesn't support requested feature",
		"-uuid 6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70 \\",
	};
	size_t	 len[4];
	double	 t0, dt;
	int64_t	 ts;
	long	 i, n = 2000000, ok = 0;

	for (i = 0; i < 4; i++)
		len[i] = strlen(typical[i]);
	t0 = now();
	for (i = 0; i < n; i++) {
		record_init(&ev);
		if (i % 4 < 2)
			ok += dec_libvirt(typical[i % 4], len[i % 4], &ev,
			    &ts) == 0;
		else
			ok += dec_qemu_log(QPATH, sizeof(QPATH) - 1,
			    typical[i % 4], len[i % 4], &ev, &ts) == 0;
	}
	dt = now() - t0;
	T_INT(ok, n);
	printf("dec_libvirt/dec_qemu_log: %.0f lines/s (informational)\n",
	    n / dt);
}

int
main(void)
{
	test_libvirt_file();
	test_libvirt_hook();
	test_libvirt_audit();
	test_libvirt_reject();
	test_qemu();
	test_qemu_reject();
	test_truncate();
	test_nul_and_big();
	test_speed();
	return TEST_DONE();
}
