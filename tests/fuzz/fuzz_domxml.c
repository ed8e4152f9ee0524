/*
 * fuzz_domxml.c -- libFuzzer target for shipper/domxml.c, and through it
 * the hook's line formatter (shipper/hook.c) and its decoder
 * (collector/dec_hook.c).  Checks: the scan stays in its bounds and every
 * value is NUL-terminated; the line for the result is one line of at
 * most HOOK_LINE_MAX bytes that the syslog header decoder and dec_hook
 * both accept, and vm.name comes back as the scanned name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dec_hook.h"
#include "domxml.h"
#include "hook.h"
#include "record.h"
#include "syslog.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_str(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap + 1) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct domxml	d;
	static struct record	ev;
	static char		line[HOOK_LINE_MAX + 1];
	struct hook_call	c;
	struct syslog_msg	m;
	const char		*v;
	size_t			i, len, vn;

	(void)domxml_parse((const char *)data, size, &d);
	if (d.niface > DOMXML_IFACE_MAX || d.ndisk > DOMXML_DISK_MAX)
		abort();
	check_str(d.name, DOMXML_STR_MAX);
	check_str(d.uuid, DOMXML_UUID_MAX);
	for (i = 0; i < d.niface; i++) {
		check_str(d.iface[i].mac, DOMXML_STR_MAX);
		check_str(d.iface[i].bridge, DOMXML_STR_MAX);
		check_str(d.iface[i].dev, DOMXML_STR_MAX);
	}
	for (i = 0; i < d.ndisk; i++)
		check_str(d.disk[i], DOMXML_PATH_MAX);

	memset(&c, 0, sizeof(c));
	c.time_us = 1773479643123456LL;
	c.host = "hv1";
	c.pid = 1;
	c.object = "obj";
	c.op = "release";
	c.sub = "end";
	c.extra = "from snapshot";
	c.dom = &d;
	if (hook_format(&c, line, sizeof(line), &len) != 0 ||
	    len > HOOK_LINE_MAX || line[len - 1] != '\n' ||
	    memchr(line, '\n', len - 1) != NULL)
		abort();
	if (syslog_decode(line, len - 1, NULL, &m) != 0 || m.msg == NULL)
		abort();
	record_init(&ev);
	if (dec_hook(m.msg, m.msglen, &ev) != 0)
		abort();
	v = record_get(&ev, "vm.name", &vn);
	if (d.name[0] != '\0' && (v == NULL || vn != strlen(d.name) ||
	    memcmp(v, d.name, vn) != 0))
		abort();
	return 0;
}
