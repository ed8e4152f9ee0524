/*
 * test_hook.c -- unit tests for the pure part of shipper/hook.c: value
 * encoding (audit_encode_nv_string's rule: quoted, or uppercase hex for
 * '"', blanks, controls, DEL and non-ASCII), the spool line for real
 * calls (start sequence, prepare without target devices, release with a
 * reason holding a space), omitted fields, list alignment and percent
 * escapes, the HOOK_LINE_MAX cap, host names, times and argv[0]
 * detection.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domxml.h"
#include "err.h"
#include "hook.h"
#include "test.h"

#define T0	1773479643123456LL	/* 2026-03-14T09:14:03.123456Z */
#define HDR	"2026-03-14T09:14:03.123456Z hv1 vigil-hook[4242]:"

static struct domxml	d;
static char		line[HOOK_LINE_MAX + 1];
static size_t		len;

static void
guest1(void)
{
	domxml_init(&d);
	strcpy(d.name, "guest1");
	strcpy(d.uuid, "6F1B3C52-5b1a-4c8e-9d11-2b3c4d5e6f70");
	d.mem_kib = 4194304;
	d.vcpus = 4;
	d.niface = 2;
	strcpy(d.iface[0].mac, "52:54:00:6b:2e:01");
	strcpy(d.iface[0].bridge, "virbr0");
	strcpy(d.iface[0].dev, "vnet0");
	strcpy(d.iface[1].mac, "52:54:00:6b:2e:02");
	strcpy(d.iface[1].bridge, "br0");
	strcpy(d.iface[1].dev, "vnet1");
	d.ndisk = 2;
	strcpy(d.disk[0], "/var/lib/libvirt/images/guest1.qcow2");
	strcpy(d.disk[1], "/dev/vg0/guest1-data");
}

static int
fmt(const char *obj, const char *op, const char *sub, const char *extra,
    const struct domxml *dom)
{
	struct hook_call c;

	memset(&c, 0, sizeof(c));
	c.time_us = T0;
	c.host = "hv1";
	c.pid = 4242;
	c.object = obj;
	c.op = op;
	c.sub = sub;
	c.extra = extra;
	c.dom = dom;
	memset(line, 'X', sizeof(line));
	return hook_format(&c, line, sizeof(line), &len);
}

static void
test_encode(void)
{
	static const struct {
		const char	*in, *out;
	} e[] = {
		{ "guest1", "\"guest1\"" },
		{ "build vm 2", "6275696C6420766D2032" },
		{ "-", "\"-\"" },
		{ "a\"b", "612262" },
		{ "tab\t", "74616209" },
		{ "del\x7f", "64656C7F" },
		{ "caf\xc3\xa9", "636166C3A9" },
		{ "a'b=c,d\\", "\"a'b=c,d\\\"" },
		{ "~!", "\"~!\"" },
		{ "\x21", "\"!\"" },
		{ "\x20", "20" },
		{ "", "\"\"" },
	};
	char	out[64];
	size_t	i, n;

	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		n = hook_encode(e[i].in, strlen(e[i].in), out, sizeof(out));
		T_STRN(out, n, e[i].out);
	}
	T_INT(hook_needs_hex("x\0y", 3), 1);
	/* too small: the length is told, nothing written */
	memset(out, 'Z', sizeof(out));
	T_INT(hook_encode("guest1", 6, out, 7), 8);
	T_INT(out[0], 'Z');
	T_INT(hook_encode("a b", 3, out, 5), 6);
	T_INT(out[0], 'Z');
}

static void
test_lines(void)
{
	guest1();
	T_INT(fmt("guest1", "started", "begin", "-", &d), 0);
	T_STRN(line, len, HDR " op=\"started\" sub=\"begin\" extra=\"-\" "
	    "vm=\"guest1\" uuid=6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70 "
	    "mac=\"52:54:00:6b:2e:01,52:54:00:6b:2e:02\" "
	    "bridge=\"virbr0,br0\" dev=\"vnet0,vnet1\" mem_kib=4194304 "
	    "vcpus=4 disks=\"/var/lib/libvirt/images/guest1.qcow2,"
	    "/dev/vg0/guest1-data\"\n");
	T_INT(line[len], '\0');

	/* prepare: inactive XML, no target dev -> dev= left out */
	d.iface[0].dev[0] = d.iface[1].dev[0] = '\0';
	strcpy(d.name, "build vm 2");
	T_INT(fmt("build vm 2", "prepare", "begin", "-", &d), 0);
	T_OK(strstr(line, " vm=6275696C6420766D2032 ") != NULL);
	T_OK(strstr(line, " dev=") == NULL);
	T_OK(strstr(line, " mac=\"52:54:00:6b:2e:01,52:54:00:6b:2e:02\" "
	    "bridge=\"virbr0,br0\" mem_kib=") != NULL);

	/* one interface without dev: the list keeps its place */
	strcpy(d.iface[1].dev, "vnet1");
	T_INT(fmt("x", "start", "begin", "-", &d), 0);
	T_OK(strstr(line, " dev=\",vnet1\" ") != NULL);
	d.iface[1].mac[0] = '\0';
	T_INT(fmt("x", "start", "begin", "-", &d), 0);
	T_OK(strstr(line, " mac=\"52:54:00:6b:2e:01,\" ") != NULL);

	/* release with libvirt >= 10.5's reason, one with a space */
	guest1();
	T_INT(fmt("guest1", "release", "end", "from snapshot", &d), 0);
	T_OK(strstr(line, " op=\"release\" sub=\"end\" "
	    "extra=66726F6D20736E617073686F74 vm=\"guest1\" ") != NULL);
	T_INT(fmt("guest1", "release", "end", "shutdown", &d), 0);
	T_OK(strstr(line, " extra=\"shutdown\" ") != NULL);
}

static void
test_omitted(void)
{
	/* no XML: vm= from the object; no uuid, lists or numbers */
	T_INT(fmt("guest1", "migrate", "begin", "-", NULL), 0);
	T_STRN(line, len, HDR " op=\"migrate\" sub=\"begin\" extra=\"-\" "
	    "vm=\"guest1\"\n");
	/* object "-" (daemon hooks) is no VM name */
	T_INT(fmt("-", "start", "-", "start", NULL), 0);
	T_STRN(line, len, HDR " op=\"start\" sub=\"-\" extra=\"start\"\n");
	/* missing arguments */
	T_INT(fmt(NULL, NULL, NULL, NULL, NULL), 0);
	T_STRN(line, len, HDR "\n");
	T_INT(fmt("g", "", "", "", NULL), 0);
	T_STRN(line, len, HDR " vm=\"g\"\n");
	/* an empty scan: the object still names the VM */
	domxml_init(&d);
	T_INT(fmt("guest2", "stopped", "end", "-", &d), 0);
	T_STRN(line, len, HDR " op=\"stopped\" sub=\"end\" extra=\"-\" "
	    "vm=\"guest2\"\n");
	/* XML name wins over the object; a bad uuid is left out */
	strcpy(d.name, "real");
	strcpy(d.uuid, "not a uuid");
	d.vcpus = 0;
	T_INT(fmt("other", "start", "begin", "-", &d), 0);
	T_STRN(line, len, HDR " op=\"start\" sub=\"begin\" extra=\"-\" "
	    "vm=\"real\" vcpus=0\n");
	/* something was dropped by the scanner: cut=1 */
	d.dropped = 1;
	T_INT(fmt("other", "start", "begin", "-", &d), 0);
	T_OK(len > 7 && memcmp(line + len - 7, " cut=1\n", 7) == 0);
}

static void
test_escapes(void)
{
	domxml_init(&d);
	d.ndisk = 3;
	strcpy(d.disk[0], "/img/a,b.img");
	strcpy(d.disk[1], "/img/100%.img");
	strcpy(d.disk[2], "/img/c d.img");
	T_INT(fmt("g", "start", "begin", "-", &d), 0);
	/* , and % inside items are %2C and %25; the space forces hex */
	T_OK(strstr(line, " disks=2F696D672F61253243622E696D672C2F696D672F"
	    "3130302532352E696D672C2F696D672F6320642E696D67\n") != NULL);
	d.ndisk = 2;
	T_INT(fmt("g", "start", "begin", "-", &d), 0);
	T_OK(strstr(line, " disks=\"/img/a%2Cb.img,/img/100%25.img\"\n") !=
	    NULL);
}

/* A line is one line, at most HOOK_LINE_MAX bytes, NUL after it. */
static int
line_ok(void)
{
	return len > 0 && len <= HOOK_LINE_MAX && line[len - 1] == '\n' &&
	    memchr(line, '\n', len - 1) == NULL && line[len] == '\0' &&
	    strlen(line) == len;
}

static void
test_cap(void)
{
	struct hook_call	 c;
	static char		 small[2048];
	char			 arg[200], *p;
	size_t			 i, n, items;

	/* 64 disks of 1023 bytes: whole items only, then cut=1 */
	domxml_init(&d);
	d.ndisk = DOMXML_DISK_MAX;
	for (i = 0; i < d.ndisk; i++) {
		memset(d.disk[i], 'a' + (int)(i % 26), DOMXML_PATH_MAX);
		d.disk[i][0] = '/';
		d.disk[i][DOMXML_PATH_MAX] = '\0';
	}
	T_INT(fmt("g", "start", "begin", "-", &d), 0);
	T_OK(line_ok());
	T_OK(memcmp(line + len - 7, " cut=1\n", 7) == 0);
	p = strstr(line, " disks=\"");
	T_OK(p != NULL);
	if (p != NULL) {
		for (items = 1, n = 0; p[n] != '\n'; n++)
			items += p[n] == ',';
		T_INT(items, 7);	/* 7 * 1024 fit in 8 KiB */
		T_OK(strstr(p, "\" cut=1\n") != NULL);
	}
	/* the same in hex (non-ASCII): half as many */
	for (i = 0; i < d.ndisk; i++)
		d.disk[i][1] = (char)0xe9;
	T_INT(fmt("g", "start", "begin", "-", &d), 0);
	T_OK(line_ok());
	p = strstr(line, " disks=");
	T_OK(p != NULL && strchr(p, '"') == NULL);
	T_OK(len > HOOK_LINE_MAX - 2200);

	/* 32 interfaces with long hex bridges: mac fits, the rest is cut,
	 * the numbers after the lists still fit */
	domxml_init(&d);
	d.niface = DOMXML_IFACE_MAX;
	d.mem_kib = 1048576;
	d.vcpus = 64;
	for (i = 0; i < d.niface; i++) {
		snprintf(d.iface[i].mac, sizeof(d.iface[i].mac),
		    "52:54:00:00:00:%02zx", i);
		memset(d.iface[i].bridge, 0xff, DOMXML_STR_MAX);
		d.iface[i].bridge[DOMXML_STR_MAX] = '\0';
		snprintf(d.iface[i].dev, sizeof(d.iface[i].dev), "vnet%zu",
		    i);
	}
	strcpy(d.disk[0], "/x");
	d.ndisk = 1;
	memset(d.name, 0x80, DOMXML_STR_MAX);
	d.name[DOMXML_STR_MAX] = '\0';
	memset(arg, 0xc3, sizeof(arg));
	arg[sizeof(arg) - 1] = '\0';
	T_INT(fmt("g", arg, arg, arg, &d), 0);
	T_OK(line_ok());
	T_OK(strstr(line, " mac=\"52:54:00:00:00:00,") != NULL);
	T_OK(strstr(line, "52:54:00:00:00:1f\" ") != NULL);
	T_OK(strstr(line, " mem_kib=1048576 vcpus=64 ") != NULL);
	T_OK(memcmp(line + len - 7, " cut=1\n", 7) == 0);
	/* op, sub and extra are cut at HOOK_ARG_MAX bytes (hex: twice) */
	p = strstr(line, " op=");
	T_OK(p != NULL && p[4 + 2 * HOOK_ARG_MAX] == ' ');

	/* a smaller buffer: the line fits it */
	memset(&c, 0, sizeof(c));
	c.time_us = T0;
	c.host = "hv1";
	c.pid = 1;
	c.op = "start";
	c.dom = &d;
	T_INT(hook_format(&c, small, sizeof(small), &n), 0);
	T_OK(n < sizeof(small) && small[n] == '\0' && small[n - 1] == '\n');
	T_INT(hook_format(&c, small, sizeof(small) - 1, &n), ERR_TOOBIG);
}

static void
test_header(void)
{
	struct hook_call c;

	memset(&c, 0, sizeof(c));
	c.op = "start";
	c.pid = 1;
	c.time_us = 0;
	c.host = NULL;
	T_INT(hook_format(&c, line, sizeof(line), &len), 0);
	T_STRN(line, len, "1970-01-01T00:00:00.000000Z localhost "
	    "vigil-hook[1]: op=\"start\"\n");
	c.time_us = 951782400999999LL;	/* 2000-02-29 */
	c.host = "hv 1/\xc3\xa9";
	T_INT(hook_format(&c, line, sizeof(line), &len), 0);
	T_STRN(line, len, "2000-02-29T00:00:00.999999Z hv_1___ "
	    "vigil-hook[1]: op=\"start\"\n");
	c.time_us = -1;
	c.host = "";
	T_INT(hook_format(&c, line, sizeof(line), &len), 0);
	T_STRN(line, len, "1969-12-31T23:59:59.999999Z localhost "
	    "vigil-hook[1]: op=\"start\"\n");
}

static void
test_argv0(void)
{
	T_INT(hook_argv0("/etc/libvirt/hooks/qemu"), 1);
	T_INT(hook_argv0("qemu"), 1);
	T_INT(hook_argv0("/usr/libexec/vigil-libvirt-hook"), 1);
	T_INT(hook_argv0("/etc/libvirt/hooks/qemu.d/vigil"), 1);
	T_INT(hook_argv0("/etc/libvirt/hooks/qemu.d//50-vigil"), 1);
	T_INT(hook_argv0("qemu.d/vigil"), 1);
	T_INT(hook_argv0("/usr/bin/vigil-shipper"), 0);
	T_INT(hook_argv0("vigil-shipper"), 0);
	T_INT(hook_argv0("/etc/libvirt/hooks/lxc"), 0);
	T_INT(hook_argv0("/etc/libvirt/hooks/xqemu.d/vigil"), 0);
	T_INT(hook_argv0("/etc/libvirt/hooks/qemu.d"), 0);
	T_INT(hook_argv0("/qemu-system-x86_64"), 0);
	T_INT(hook_argv0(""), 0);
	T_INT(hook_argv0(NULL), 0);
}

int
main(void)
{
	test_encode();
	test_lines();
	test_omitted();
	test_escapes();
	test_cap();
	test_header();
	test_argv0();
	return TEST_DONE();
}
