/*
 * test_dec_hook.c -- unit tests for collector/dec_hook.c.  Round trip:
 * lines made by the hook's formatter (shipper/hook.c) from real domain
 * XML (shipper/domxml.c) go through the syslog header decoder and
 * dec_hook, and come back as the same values (hex names and reasons,
 * lists, numbers, "-" left out).  Then hand-written lines, unknown keys,
 * malformed values, fields already set, a full record, truncation at
 * every byte, bit flips, garbage and NUL bytes: a line that is not
 * recognised leaves the record exactly as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dec_hook.h"
#include "domxml.h"
#include "err.h"
#include "fname.h"
#include "hook.h"
#include "record.h"
#include "syslog.h"
#include "test.h"

#define T0	1773479643123456LL

static struct record	ev;
static struct domxml	dom;
static char		line[HOOK_LINE_MAX + 1];
static size_t		linelen;

#define T_FIELD(name, want) do {					\
	size_t fn_ = 0;							\
	const char *fv_ = record_get(&ev, name, &fn_);			\
	T_STRN(fv_, fn_, want);						\
} while (0)

#define T_NOFIELD(name) do {						\
	size_t fn_;							\
	T_OK(record_get(&ev, name, &fn_) == NULL);			\
} while (0)

static const char xml[] =
	"<domain type='kvm' id='7'>\n"
	"  <name>build vm 2</name>\n"
	"  <uuid>4b1c1d2e-9f30-4c1a-8e2b-0a1b2c3d4e5f</uuid>\n"
	"  <memory unit='GiB'>4</memory>\n"
	"  <vcpu placement='static'>2</vcpu>\n"
	"  <devices>\n"
	"    <disk type='file' device='disk'>\n"
	"      <source file='/var/lib/libvirt/images/build.qcow2'/>\n"
	"    </disk>\n"
	"    <disk type='block' device='disk'><source dev='/dev/vg0/b'/>"
	"</disk>\n"
	"    <interface type='network'>\n"
	"      <mac address='52:54:00:9a:11:07'/>\n"
	"      <source network='default' bridge='virbr0'/>\n"
	"      <target dev='vnet3'/>\n"
	"    </interface>\n"
	"    <interface type='bridge'>\n"
	"      <mac address='52:54:00:9a:11:08'/>\n"
	"      <source bridge='br0'/>\n"
	"      <target dev='vnet4'/>\n"
	"    </interface>\n"
	"  </devices>\n"
	"</domain>\n";

/* A record as decode.c hands it over: header fields already set. */
static void
prep(const char *msg, size_t n)
{
	record_init(&ev);
	record_add(&ev, "host.name", "hv1", 3);
	record_add(&ev, "event.dataset", "hook", 4);
	record_add(&ev, "process.name", "vigil-hook", 10);
	record_add(&ev, "message", msg, n);
}

static int
dec(const char *msg)
{
	prep(msg, strlen(msg));
	return dec_hook(msg, strlen(msg), &ev);
}

/* Format a call, split the syslog header, decode the message. */
static int
roundtrip(const char *obj, const char *op, const char *sub,
    const char *extra, const struct domxml *d)
{
	struct hook_call	c;
	struct syslog_msg	m;
	struct syslog_ctx	sc = { T0, 0 };

	memset(&c, 0, sizeof(c));
	c.time_us = T0;
	c.host = "hv1.example.org";
	c.pid = 31337;
	c.object = obj;
	c.op = op;
	c.sub = sub;
	c.extra = extra;
	c.dom = d;
	if (hook_format(&c, line, sizeof(line), &linelen) != 0)
		return -100;
	if (syslog_decode(line, linelen, &sc, &m) != 0)
		return -101;
	T_INT(m.fmt, SYSLOG_FMT_RFC3339);
	T_INT(m.has_ts, 1);
	T_INT(m.ts_us, T0);
	T_STRN(m.host, m.hostlen, "hv1.example.org");
	T_STRN(m.app, m.applen, "vigil-hook");
	T_STRN(m.procid, m.procidlen, "31337");
	prep(m.msg, m.msglen);
	return dec_hook(m.msg, m.msglen, &ev);
}

static void
test_roundtrip(void)
{
	T_INT(domxml_parse(xml, strlen(xml), &dom), 0);
	T_INT(roundtrip("build vm 2", "started", "begin", "-", &dom), 0);
	T_FIELD("event.action", "vm_hook_started");
	T_FIELD("libvirt.hook.op", "started");
	T_FIELD("libvirt.hook.sub", "begin");
	T_NOFIELD("libvirt.hook.extra");
	T_NOFIELD("event.reason");
	T_FIELD("vm.name", "build vm 2");
	T_FIELD("vm.uuid", "4b1c1d2e-9f30-4c1a-8e2b-0a1b2c3d4e5f");
	T_FIELD("vm.mac", "52:54:00:9a:11:07,52:54:00:9a:11:08");
	T_FIELD("vm.bridge", "virbr0,br0");
	T_FIELD("vm.vnet", "vnet3,vnet4");
	T_FIELD("vm.memory_kib", "4194304");
	T_FIELD("vm.vcpus", "2");
	T_FIELD("vm.disks", "/var/lib/libvirt/images/build.qcow2,/dev/vg0/b");
	T_NOFIELD("libvirt.hook.cut");
	T_FIELD("process.name", "vigil-hook");	/* untouched */

	/* every operation libvirt has */
	static const char *const ops[] = { "prepare", "start", "started",
	    "stopped", "release", "migrate", "restore", "reconnect",
	    "attach" };
	char want[64];
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		T_INT(roundtrip("g", ops[i], "begin", "-", NULL), 0);
		snprintf(want, sizeof(want), "vm_hook_%s", ops[i]);
		T_FIELD("event.action", want);
		T_FIELD("libvirt.hook.op", ops[i]);
		T_FIELD("vm.name", "g");
	}

	/* release: the shutoff reason, with its space */
	T_INT(roundtrip("guest1", "release", "end", "from snapshot", &dom), 0);
	T_FIELD("event.action", "vm_hook_release");
	T_FIELD("libvirt.hook.sub", "end");
	T_FIELD("libvirt.hook.extra", "from snapshot");
	T_FIELD("event.reason", "from snapshot");
	T_FIELD("vm.name", "build vm 2");
	T_INT(roundtrip("guest1", "release", "end", "shutdown", NULL), 0);
	T_FIELD("event.reason", "shutdown");
	T_FIELD("vm.name", "guest1");
	T_INT(roundtrip("guest1", "release", "end", "-", NULL), 0);
	T_NOFIELD("event.reason");
	/* extra of other ops is not a reason */
	T_INT(roundtrip("-", "start", "-", "start", NULL), 0);
	T_NOFIELD("event.reason");
	T_NOFIELD("libvirt.hook.sub");
	T_FIELD("libvirt.hook.extra", "start");
	T_NOFIELD("vm.name");

	/* odd bytes survive: quotes, non-ASCII, commas */
	domxml_init(&dom);
	strcpy(dom.name, "say \"hi\" \xc3\xa9");
	dom.niface = 2;
	strcpy(dom.iface[1].dev, "vnet9");
	dom.ndisk = 1;
	strcpy(dom.disk[0], "/a,b");
	T_INT(roundtrip("x", "prepare", "begin", "-", &dom), 0);
	T_FIELD("vm.name", "say \"hi\" \xc3\xa9");
	T_FIELD("vm.vnet", ",vnet9");
	T_FIELD("vm.disks", "/a%2Cb");
	T_NOFIELD("vm.mac");
	T_NOFIELD("vm.memory_kib");
	dom.dropped = 3;
	T_INT(roundtrip("x", "prepare", "begin", "-", &dom), 0);
	T_FIELD("libvirt.hook.cut", "1");
}

static void
test_lines(void)
{
	T_INT(dec("op=\"attach\" sub=\"begin\" extra=\"-\" vm=\"g\"\n"), 0);
	T_FIELD("event.action", "vm_hook_attach");
	T_FIELD("vm.name", "g");
	/* unknown keys (a later version) are skipped, in any form */
	T_INT(dec("op=\"start\" new=1 other=\"a b\" vm=\"g\" x=ZZ"), 0);
	T_FIELD("vm.name", "g");
	/* blanks between tokens */
	T_INT(dec("op=\"start\"   vm=\"g\"  "), 0);
	T_FIELD("vm.name", "g");
	/* a key given twice: the first wins */
	T_INT(dec("op=\"start\" vm=\"a\" vm=\"b\""), 0);
	T_FIELD("vm.name", "a");
	/* hex in lower case is accepted too */
	T_INT(dec("op=\"start\" vm=6275696c64"), 0);
	T_FIELD("vm.name", "build");
	/* sub given as hex "-" is still "-" */
	T_INT(dec("op=\"start\" sub=2D"), 0);
	T_NOFIELD("libvirt.hook.sub");
	/* a future op still names an action */
	T_INT(dec("op=\"port-created\""), 0);
	T_FIELD("event.action", "vm_hook_port-created");
}

/* The record is exactly as prep() left it. */
static int
unchanged(void)
{
	size_t n;

	return ev.nfields == 4 && ev.scratchlen == 0 &&
	    record_get(&ev, "event.action", &n) == NULL;
}

static void
test_rejects(void)
{
	static const char *const bad[] = {
		"",
		"op",
		"op=",
		"op=\"\"",
		"vm=\"g\" op=\"start\"",
		"op=start",
		"op=7374617274",		/* hex op: not a plain word */
		"op=\"St art\"",
		"op=\"START\"",
		"op=\"start\" vm=\"g",
		"op=\"start\" vm=\"g\"x",
		"op=\"start\" vm=abc",		/* odd hex */
		"op=\"start\" vm=GG",
		"op=\"start\" vm=",
		"op=\"start\" vm=6\"",
		"op=\"start\" mem_kib=\"1\"",
		"op=\"start\" mem_kib=-1",
		"op=\"start\" mem_kib=12345678901234567890",
		"op=\"start\" vcpus=1.5",
		"op=\"start\" uuid=\"u\"",
		"op=\"start\" uuid=not-a-uuid!",
		"op=\"start\" =x",
		"op=\"start\" vm",
		"op=\"start\" \"vm\"=\"x\"",
		"op=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",	/* 33 */
		"Failed password for root from 192.0.2.1 port 22 ssh2",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (dec(bad[i]) != ERR_FORMAT || !unchanged())
			fprintf(stderr, "accepted: %s\n", bad[i]);
		T_INT(dec(bad[i]), ERR_FORMAT);
		T_OK(unchanged());
	}
	/* NUL inside a value */
	prep("", 0);
	T_INT(dec_hook("op=\"st\0rt\"", 11, &ev), ERR_FORMAT);
	T_OK(unchanged());
}

static void
test_noreplace(void)
{
	const char *s = "op=\"start\" vm=67 uuid=abc";

	prep(s, strlen(s));
	record_add(&ev, "vm.name", "kept", 4);
	record_add(&ev, "event.action", "kept", 4);
	T_INT(dec_hook(s, strlen(s), &ev), 0);
	T_FIELD("vm.name", "kept");
	T_FIELD("event.action", "kept");
	T_FIELD("vm.uuid", "abc");
}

static void
test_full(void)
{
	const char	*s = "op=\"start\" sub=\"begin\" vm=6162 uuid=abc";
	int		 n0;

	/* room for two more fields only: rolled back */
	prep(s, strlen(s));
	while (ev.nfields < REC_FIELDS_MAX - 2) {
		ev.f[ev.nfields].name = "filler";
		ev.f[ev.nfields].id = fname_id("filler");
		ev.f[ev.nfields].val = "x";
		ev.f[ev.nfields].len = 1;
		ev.nfields++;
	}
	n0 = ev.nfields;
	T_INT(dec_hook(s, strlen(s), &ev), ERR_TOOBIG);
	T_INT(ev.nfields, n0);
	/* no room in scratch: rolled back */
	prep(s, strlen(s));
	ev.scratchlen = REC_SCRATCH - 20;
	T_INT(dec_hook(s, strlen(s), &ev), 0);
	prep(s, strlen(s));
	ev.scratchlen = REC_SCRATCH - 12;
	T_INT(dec_hook(s, strlen(s), &ev), ERR_TOOBIG);
	T_INT(ev.nfields, 4);
	T_INT(ev.scratchlen, REC_SCRATCH - 12);
}

/* Every prefix: recognised or not, never a partial record. */
static void
test_truncate(void)
{
	static char	buf[HOOK_LINE_MAX + 1];
	const char	*msg;
	size_t		n, k;
	int		r, bad = 0;

	T_INT(domxml_parse(xml, strlen(xml), &dom), 0);
	T_INT(roundtrip("g", "release", "end", "from snapshot", &dom), 0);
	msg = strstr(line, ": ") + 2;
	n = strlen(msg);
	for (k = 0; k <= n; k++) {
		memcpy(buf, msg, k);	/* a copy: ASan sees over-reads */
		prep(buf, k);
		r = dec_hook(buf, k, &ev);
		if (r != 0 && (r != ERR_FORMAT || !unchanged()))
			bad++;
	}
	T_INT(bad, 0);
}

static uint32_t
rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void
test_fuzzish(void)
{
	static char	buf[HOOK_LINE_MAX];
	const char	*msg;
	size_t		n, i, j;
	uint32_t	s = 7;
	int		r, bad = 0, ok = 0;

	T_INT(roundtrip("g", "release", "end", "from snapshot", &dom), 0);
	msg = strstr(line, ": ") + 2;
	n = strlen(msg);
	for (i = 0; i < 20000; i++) {
		memcpy(buf, msg, n);
		for (j = 0; j < 1 + i % 4; j++)
			buf[rnd(&s) % n] ^= (char)(1 << (rnd(&s) % 8));
		prep(buf, n);
		r = dec_hook(buf, n, &ev);
		ok += r == 0;
		if (r != 0 && !unchanged())
			bad++;
	}
	for (i = 0; i < 5000; i++) {
		n = rnd(&s) % 300;
		for (j = 0; j < n; j++)
			buf[j] = i % 2 ? (char)rnd(&s) :
			    "op=\" 0aF-_,vmuidsbex\n"[rnd(&s) % 21];
		if (i % 3 == 0 && n > 3)
			memcpy(buf, "op=", 3);
		prep(buf, n);
		r = dec_hook(buf, n, &ev);
		if (r != 0 && !unchanged())
			bad++;
	}
	T_INT(bad, 0);
	T_OK(ok > 0);
}

int
main(void)
{
	test_roundtrip();
	test_lines();
	test_rejects();
	test_noreplace();
	test_full();
	test_truncate();
	test_fuzzish();
	return TEST_DONE();
}
