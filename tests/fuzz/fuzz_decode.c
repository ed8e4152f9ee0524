/*
 * fuzz_decode.c -- libFuzzer target for collector/decode.c: decode_event
 * of the input as a line of each stream type, checking that every field
 * points into the line or the event's scratch space, and that the record
 * packed and unpacked again (collector/predecode.c) is the same record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "decode.h"
#include "predecode.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* ev packed and unpacked is ev again, or abort */
static void
check_pack(const struct record *ev, const char *s, size_t size)
{
	static struct record	 u;
	struct predecode_cur	 c;
	struct buf		 b;
	int			 k;

	buf_init(&b, 0);
	if (predecode_pack(&b, ev, s, size) != 0)
		abort();
	predecode_cur_init(&c, b.d, b.len);
	if (predecode_next(&c, s, size, ev->read_us, ev->recv_us, &u) != 0 ||
	    u.ts_us != ev->ts_us || u.flags != ev->flags ||
	    u.nfields != ev->nfields || u.coll != ev->coll ||
	    u.scratchlen != ev->scratchlen ||
	    memcmp(u.pos, ev->pos, sizeof(u.pos)) != 0)
		abort();
	for (k = 0; k < ev->nfields; k++)
		if (u.f[k].name != ev->f[k].name || u.f[k].id != ev->f[k].id ||
		    u.f[k].len != ev->f[k].len ||
		    (u.f[k].val == NULL) != (ev->f[k].val == NULL) ||
		    (ev->f[k].len > 0 &&
		    memcmp(u.f[k].val, ev->f[k].val, ev->f[k].len) != 0))
			abort();
	buf_clear(&b);
}

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
		check_pack(&ev, s, size);
	}
	return 0;
}
