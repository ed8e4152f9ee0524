/*
 * fuzz_decode.c -- libFuzzer target for collector/decode.c: decode_event
 * of the input as a line of each stream type, checking that every field
 * points into the line or the event's scratch space.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const types[] = { "syslog", "auth", "kern", "audit",
	"libvirt", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct record	ev;
	struct decode_ctx	ctx = { 1710410401000000LL, 3600, "web01",
	    NULL, "/var/log/x" };
	const char		*s = (const char *)data, *v;
	size_t			 n;
	int			 i, k;

	for (i = 0; types[i] != NULL; i++) {
		ctx.type = types[i];
		decode_event(&ctx, s, size, i == 0 ? 0 : 1710410400000000LL,
		    &ev);
		if (ev.raw != s || ev.rawlen != size ||
		    (v = record_get(&ev, "message", &n)) == NULL)
			abort();
		for (k = 0; k < ev.nfields; k++) {
			v = ev.f[k].val;
			n = ev.f[k].len;
			if (v >= s && v + n <= s + size)
				continue;
			if (v >= ev.scratch && v + n < ev.scratch + REC_SCRATCH)
				continue;
			if (strlen(v) != n)	/* a static string */
				abort();
		}
	}
	return 0;
}
