/*
 * fuzz_dec_netfilter.c -- libFuzzer target for collector/dec_netfilter.c.
 * Runs the decoder on a fresh record, on a nearly full one and on one with
 * almost no scratch left; aborts when a value leaves the input and the
 * record's scratch, when a refused line changed the record, or when a
 * field set before the decoder was replaced.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dec.h"
#include "err.h"
#include "record.h"

static struct record	ev;
static char		pre[60][8];

static void
check(const char *b, size_t n, int r, int n0, size_t s0)
{
	int i;

	if (r != 0 && r != ERR_FORMAT)
		abort();
	if (r != 0 && (ev.nfields != n0 || ev.scratchlen != s0))
		abort();
	if (ev.nfields < n0 || ev.nfields > REC_FIELDS_MAX ||
	    ev.scratchlen > REC_SCRATCH)
		abort();
	for (i = 0; i < n0; i++)	/* preset fields: "v" each */
		if (ev.f[i].len != 1 || ev.f[i].val[0] != 'v')
			abort();
	for (i = n0; i < ev.nfields; i++) {
		const char *v = ev.f[i].val;
		size_t l = ev.f[i].len;

		if (ev.f[i].name == NULL || v == NULL || l == 0)
			abort();
		if (v >= b && l <= n && (size_t)(v - b) <= n - l)
			continue;
		if (v >= ev.scratch && (size_t)(v - ev.scratch) + l <=
		    ev.scratchlen)
			continue;
		abort();
	}
}

static void
run(const char *b, size_t n, int npre, size_t scratch)
{
	int	i, r;

	record_init(&ev);
	record_add(&ev, "host.name", "v", 1);
	record_add(&ev, "event.action", "v", 1);
	record_add(&ev, "source.ip", "v", 1);
	for (i = 3; i < npre; i++) {
		pre[i][0] = 'p';
		pre[i][1] = (char)('A' + i);	/* 'A' + 59 is still ASCII */
		record_add(&ev, pre[i], "v", 1);
	}
	ev.scratchlen = scratch;
	r = dec_netfilter(b, n, &ev);
	check(b, n, r, npre, scratch);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *b;

	/* exact-size copy: ASan catches any read past the end */
	if ((b = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(b, data, size);
	run(b, size, 3, 0);
	run(b, size, 58, 0);
	run(b, size, 3, REC_SCRATCH - 12);
	free(b);
	return 0;
}
