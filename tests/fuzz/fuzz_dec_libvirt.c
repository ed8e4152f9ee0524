/*
 * fuzz_dec_libvirt.c -- libFuzzer target for collector/dec_libvirt.c.
 * The input is a libvirt log line for dec_libvirt and a QEMU log line for
 * dec_qemu_log; when it has a newline in its first 128 bytes, what comes
 * before is also tried as the QEMU log path.  Checks the dec.h contract:
 * on error the record is as it was (fields, scratch, time); on success
 * the fields set before are untouched, no name appears twice and every
 * value lies in the line, the path or the used scratch space.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dec.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define PATH	"/var/log/libvirt/qemu/guest1.log"

static int
inside(const char *v, size_t n, const char *b, size_t bn)
{
	return v >= b && n <= bn && v <= b + bn - n;
}

static void
check(int which, const char *path, size_t pathlen, const char *s,
    size_t n)
{
	static struct record	ev;
	struct record_field	before[2];
	int64_t			ts = 42;
	int			i, j, nf, r;

	record_init(&ev);
	record_add(&ev, "host.name", "hv1", 3);
	record_add(&ev, "message", s, n);
	nf = ev.nfields;
	memcpy(before, ev.f, sizeof(before));
	if (which == 0)
		r = dec_libvirt(s, n, &ev, &ts);
	else
		r = dec_qemu_log(path, pathlen, s, n, &ev, &ts);
	if (memcmp(before, ev.f, sizeof(before)) != 0)
		abort();
	if (r != 0) {
		if (ev.nfields != nf || ev.scratchlen != 0 || ts != 42)
			abort();
		return;
	}
	for (i = nf; i < ev.nfields; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(ev.f[i].name, ev.f[j].name) == 0)
				abort();
		if (inside(ev.f[i].val, ev.f[i].len, s, n))
			continue;
		if (path != NULL &&
		    inside(ev.f[i].val, ev.f[i].len, path, pathlen))
			continue;
		if (inside(ev.f[i].val, ev.f[i].len + 1, ev.scratch,
		    ev.scratchlen) && ev.f[i].val[ev.f[i].len] == '\0')
			continue;
		if (ev.f[i].val == NULL || strlen(ev.f[i].val) != ev.f[i].len)
			abort();	/* else a static string */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data, *nl;

	check(0, NULL, 0, s, size);
	check(1, PATH, sizeof(PATH) - 1, s, size);
	check(1, NULL, 0, s, size);
	nl = memchr(s, '\n', size < 128 ? size : 128);
	if (nl != NULL)
		check(1, s, nl - s, nl + 1, size - (nl - s) - 1);
	return 0;
}
