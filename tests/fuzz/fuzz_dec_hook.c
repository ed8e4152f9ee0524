/*
 * fuzz_dec_hook.c -- libFuzzer target for collector/dec_hook.c.  The
 * input is the message part of a hook line.  Checks the dec.h contract:
 * on error the record is as it was (fields, scratch); on success the
 * fields set before are untouched, no name appears twice and every value
 * lies in the line or in the used scratch space.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dec_hook.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
inside(const char *v, size_t n, const char *b, size_t bn)
{
	return v >= b && n <= bn && v <= b + bn - n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct record	ev;
	struct record_field	before[3];
	const char		*s = (const char *)data;
	int			i, j, nf, r;

	record_init(&ev);
	record_add(&ev, "host.name", "hv1", 3);
	record_add(&ev, "process.name", "vigil-hook", 10);
	record_add(&ev, "message", s, size);
	nf = ev.nfields;
	memcpy(before, ev.f, sizeof(before));
	r = dec_hook(s, size, &ev);
	if (memcmp(before, ev.f, sizeof(before)) != 0)
		abort();
	if (r != 0) {
		if (ev.nfields != nf || ev.scratchlen != 0)
			abort();
		return 0;
	}
	for (i = nf; i < ev.nfields; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(ev.f[i].name, ev.f[j].name) == 0)
				abort();
		if (inside(ev.f[i].val, ev.f[i].len, s, size))
			continue;
		if (inside(ev.f[i].val, ev.f[i].len + 1, ev.scratch,
		    ev.scratchlen) && ev.f[i].val[ev.f[i].len] == '\0')
			continue;
		abort();
	}
	return 0;
}
