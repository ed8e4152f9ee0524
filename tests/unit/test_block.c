/*
 * test_block.c -- unit tests for collector/block.c: round trips with 1
 * and BLOCK_MAX_EVENTS events, negative and extreme time deltas, extras,
 * every truncation, count limits, the encoder's limits, blocks in parts
 * (read together, alone, damaged) and the bitmap helpers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "buf.h"
#include "err.h"
#include "proto.h"
#include "record.h"
#include "test.h"

/* read a whole block; returns events read, or the error */
static int
read_all(const uint8_t *p, size_t len, struct block_ev *ev, int max)
{
	struct block_reader	br;
	struct block_ev		tmp;
	int			n = 0, r;

	if ((r = block_open(&br, p, len)) != 0)
		return r;
	for (;;) {
		r = block_next(&br, n < max ? &ev[n] : &tmp);
		if (r < 0)
			return r;
		if (r == 0)
			return n;
		n++;
	}
}

static void
test_one(void)
{
	struct buf		b;
	struct block_ev		in, out[2];
	struct block_reader	br;

	buf_init(&b, 0);
	memset(&in, 0, sizeof(in));
	in.ts_us = 1710407643123000LL;
	in.read_us = 1710407644000000LL;
	in.flags = REC_F_NOTIME | REC_F_BADUTF8;
	in.raw = "Mar 14 09:00:05 web01 sshd[1]: x";
	in.rawlen = strlen(in.raw);
	T_INT(block_begin(&b, 1, 1710407645000000LL, -3600), 0);
	T_INT(block_put(&b, 1710407645000000LL, &in), 0);
	T_INT(block_open(&br, b.d, b.len), 0);
	T_INT(br.count, 1);
	T_INT(br.recv_us, 1710407645000000LL);
	T_INT(br.tzoff, -3600);
	T_INT(block_next(&br, &out[0]), 1);
	T_INT(out[0].ts_us, in.ts_us);
	T_INT(out[0].read_us, in.read_us);
	T_INT(out[0].flags, in.flags);
	T_STRN(out[0].raw, out[0].rawlen, in.raw);
	T_INT(out[0].nextra, 0);
	T_INT(block_next(&br, &out[1]), 0);
	T_INT(block_next(&br, &out[1]), 0);	/* stays at the end */
	/* trailing garbage is found at the end */
	buf_put_u8(&b, 0);
	T_INT(read_all(b.d, b.len, out, 2), ERR_FORMAT);
	buf_clear(&b);
}

static void
test_max(void)
{
	struct buf		 b;
	struct block_ev		*in, *out;
	char			 raw[BLOCK_MAX_EVENTS][24];
	int			 i, ok = 1;
	int64_t			 recv = 1000000;

	in = calloc(BLOCK_MAX_EVENTS + 1, sizeof(*in));
	out = calloc(BLOCK_MAX_EVENTS + 1, sizeof(*out));
	if (in == NULL || out == NULL)
		abort();
	buf_init(&b, 0);
	T_INT(block_begin(&b, BLOCK_MAX_EVENTS, recv, 0), 0);
	for (i = 0; i < BLOCK_MAX_EVENTS; i++) {
		snprintf(raw[i], sizeof(raw[i]), "line %d", i);
		in[i].raw = raw[i];
		in[i].rawlen = strlen(raw[i]);
		/* negative deltas: event times before the receive time */
		in[i].ts_us = recv - (int64_t)i * 1000003;
		in[i].read_us = recv + i - 128;
		in[i].flags = (uint32_t)i;
		in[i].nextra = i % 3;
		in[i].extra[0].name = "vm.name";
		in[i].extra[0].namelen = 7;
		in[i].extra[0].val = raw[i];
		in[i].extra[0].vallen = in[i].rawlen;
		in[i].extra[1].name = "";
		in[i].extra[1].namelen = 0;
		in[i].extra[1].val = "";
		in[i].extra[1].vallen = 0;
		T_INT(block_put(&b, recv, &in[i]), 0);
	}
	T_INT(read_all(b.d, b.len, out, BLOCK_MAX_EVENTS + 1),
	    BLOCK_MAX_EVENTS);
	for (i = 0; i < BLOCK_MAX_EVENTS; i++) {
		ok &= out[i].ts_us == in[i].ts_us;
		ok &= out[i].read_us == in[i].read_us;
		ok &= out[i].flags == in[i].flags;
		ok &= out[i].rawlen == in[i].rawlen &&
		    memcmp(out[i].raw, in[i].raw, in[i].rawlen) == 0;
		ok &= out[i].nextra == in[i].nextra;
		if (in[i].nextra > 0)
			ok &= out[i].extra[0].namelen == 7 &&
			    memcmp(out[i].extra[0].name, "vm.name", 7) == 0 &&
			    out[i].extra[0].vallen == in[i].rawlen;
		if (in[i].nextra > 1)
			ok &= out[i].extra[1].namelen == 0 &&
			    out[i].extra[1].vallen == 0;
	}
	T_OK(ok);
	/* count 0 and BLOCK_MAX_EVENTS + 1 are refused both ways */
	T_INT(block_begin(&b, 0, 0, 0), ERR_RANGE);
	T_INT(block_begin(&b, BLOCK_MAX_EVENTS + 1, 0, 0), ERR_RANGE);
	b.d[1] = 0;		/* varint count 0 */
	T_INT(read_all(b.d, b.len, out, 1), ERR_FORMAT);
	/* varint 257 = 0x81 0x02 (256 is 0x80 0x02) */
	T_INT(b.d[1], 0);
	b.d[1] = 0x81;
	T_INT(b.d[2], 0x02);
	T_INT(read_all(b.d, b.len, out, 1), ERR_FORMAT);
	/* fewer events present than counted */
	b.d[1] = 0x80;
	b.len -= 3;
	T_OK(read_all(b.d, b.len, out, BLOCK_MAX_EVENTS + 1) < 0);
	buf_clear(&b);
	free(in);
	free(out);
}

static void
test_extremes(void)
{
	struct buf	b;
	struct block_ev	in, out[1];
	int64_t		t[] = { INT64_MIN, INT64_MAX, 0, -1 };
	size_t		i, j;
	int		ok = 1;

	buf_init(&b, 0);
	memset(&in, 0, sizeof(in));
	in.raw = "";
	/* deltas that overflow int64 still round-trip exactly */
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			buf_reset(&b);
			in.ts_us = t[i];
			in.read_us = t[3 - i];
			block_begin(&b, 1, t[j], INT32_MIN);
			ok &= block_put(&b, t[j], &in) == 0;
			ok &= read_all(b.d, b.len, out, 1) == 1;
			ok &= out[0].ts_us == t[i] && out[0].read_us ==
			    t[3 - i];
		}
	T_OK(ok);
	buf_clear(&b);
}

static void
test_limits(void)
{
	struct buf		 b;
	struct block_ev		 in, out[1];
	struct block_reader	 br;
	char			*big;
	int			 i;

	if ((big = calloc(1, PROTO_LINE_MAX + 1)) == NULL)
		abort();
	buf_init(&b, 0);
	memset(&in, 0, sizeof(in));
	in.raw = big;
	in.rawlen = PROTO_LINE_MAX;
	block_begin(&b, 1, 0, 0);
	T_INT(block_put(&b, 0, &in), 0);
	T_INT(read_all(b.d, b.len, out, 1), 1);
	T_INT(out[0].rawlen, PROTO_LINE_MAX);
	/* the encoder refuses what the decoder would refuse */
	buf_reset(&b);
	block_begin(&b, 1, 0, 0);
	in.rawlen = PROTO_LINE_MAX + 1;
	T_INT(block_put(&b, 0, &in), ERR_TOOBIG);
	in.rawlen = 1;
	in.nextra = BLOCK_EXTRA_MAX + 1;
	T_INT(block_put(&b, 0, &in), ERR_RANGE);
	in.nextra = -1;
	T_INT(block_put(&b, 0, &in), ERR_RANGE);
	in.nextra = 1;
	in.extra[0].name = big;
	in.extra[0].namelen = 65;
	in.extra[0].val = big;
	in.extra[0].vallen = 0;
	T_INT(block_put(&b, 0, &in), ERR_TOOBIG);
	in.extra[0].namelen = 64;
	in.extra[0].vallen = 4097;
	T_INT(block_put(&b, 0, &in), ERR_TOOBIG);
	in.extra[0].vallen = 4096;
	buf_reset(&b);
	block_begin(&b, 1, 0, 0);
	T_INT(block_put(&b, 0, &in), 0);
	T_INT(read_all(b.d, b.len, out, 1), 1);
	T_INT(out[0].extra[0].vallen, 4096);
	/* BLOCK_EXTRA_MAX extras */
	in.nextra = BLOCK_EXTRA_MAX;
	for (i = 0; i < BLOCK_EXTRA_MAX; i++) {
		in.extra[i].name = "n";
		in.extra[i].namelen = 1;
		in.extra[i].val = "v";
		in.extra[i].vallen = 1;
	}
	buf_reset(&b);
	block_begin(&b, 1, 0, 0);
	T_INT(block_put(&b, 0, &in), 0);
	T_INT(read_all(b.d, b.len, out, 1), 1);
	T_INT(out[0].nextra, BLOCK_EXTRA_MAX);
	/* the nextra varint is the byte before the first extra */
	b.d[b.len - BLOCK_EXTRA_MAX * 4 - 1] = BLOCK_EXTRA_MAX + 1;
	T_INT(read_all(b.d, b.len, out, 1), ERR_FORMAT);

	/* version, empty input, a flags value over 32 bits */
	T_INT(block_open(&br, b.d, 0), ERR_FORMAT);
	b.d[0] = 1;	/* layout 2's whole blocks */
	T_INT(block_open(&br, b.d, b.len), ERR_VERSION);
	b.d[0] = 3;
	T_INT(block_open(&br, b.d, b.len), ERR_VERSION);
	{
		/* version, count, index0, total, recv, zone; one event */
		uint8_t	f[] = { 2, 1, 0, 1, 0, 0, 0, 0,
		    0x80, 0x80, 0x80, 0x80, 0x10, 0, 0 };
		uint8_t	v[] = { 2, 1, 0, 1, 0, 0, 0, 0,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0x7f };
		uint8_t	z[] = { 2, 1, 0, 1, 0, 0x80, 0x80, 0x80, 0x80,
		    0x10 };

		T_INT(read_all(f, sizeof(f), out, 1), ERR_FORMAT);
		f[12] = 0x0f;
		T_INT(read_all(f, sizeof(f), out, 1), 1);
		T_INT(out[0].flags, 0xf0000000u);
		/* a varint over 64 bits */
		T_INT(read_all(v, sizeof(v), out, 1), ERR_FORMAT);
		/* a zone offset that does not fit 32 bits */
		T_INT(block_open(&br, z, sizeof(z)), ERR_FORMAT);
	}
	free(big);
	buf_clear(&b);
}

static void
test_truncate(void)
{
	struct buf	b;
	struct block_ev	in, out[4];
	uint8_t		*m;
	size_t		i, k;
	uint32_t	x = 123456789u;
	int		r, ok = 1;

	buf_init(&b, 0);
	memset(&in, 0, sizeof(in));
	block_begin(&b, 3, 5000000, 7200);
	for (i = 0; i < 3; i++) {
		in.raw = "<13>1 - h a - - - message";
		in.rawlen = 25;
		in.ts_us = 4000000 + (int64_t)i;
		in.read_us = 6000000;
		in.nextra = (int)i;
		in.extra[0].name = "vm.name";
		in.extra[0].namelen = 7;
		in.extra[0].val = "guest1";
		in.extra[0].vallen = 6;
		in.extra[1] = in.extra[0];
		T_INT(block_put(&b, 5000000, &in), 0);
	}
	T_INT(read_all(b.d, b.len, out, 4), 3);
	/* every truncation gives an error, never a short success */
	for (i = 0; i < b.len; i++)
		ok &= read_all(b.d, i, out, 4) < 0;
	T_OK(ok);
	/* bit flips: any result, no crash, every pointer inside */
	if ((m = malloc(b.len)) == NULL)
		abort();
	for (i = 0; i < 20000; i++) {
		memcpy(m, b.d, b.len);
		for (k = 0; k <= i % 3; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			m[x % b.len] ^= 1u << (x >> 8 & 7);
		}
		r = read_all(m, b.len, out, 4);
		if (r > 0)
			ok &= out[0].raw >= (char *)m &&
			    out[0].raw + out[0].rawlen <= (char *)m + b.len;
	}
	T_OK(ok);
	free(m);
	buf_clear(&b);
}

/* n events "e<i>" as parts of per events, concatenated into b */
static void
put_parts(struct buf *b, uint32_t n, uint32_t per, size_t *off)
{
	struct block_ev	in;
	char		raw[16];
	uint32_t	i;

	memset(&in, 0, sizeof(in));
	for (i = 0; i < n; i++) {
		if (i % per == 0) {
			off[i / per] = b->len;
			T_INT(block_begin_part(b, n - i < per ? n - i : per, i,
			    n, 1000000 + i, 60), 0);
		}
		snprintf(raw, sizeof(raw), "e%u", i);
		in.raw = raw;
		in.rawlen = strlen(raw);
		in.ts_us = 500 + i;
		in.read_us = 600;
		T_INT(block_put(b, 1000000 + i - i % per, &in), 0);
	}
	off[(n + per - 1) / per] = b->len;
}

static void
test_parts(void)
{
	struct buf		b, c;
	struct block_reader	br;
	struct block_ev		ev;
	size_t			off[BLOCK_MAX_EVENTS + 1];
	uint32_t		i;
	int			ok = 1, r;

	buf_init(&b, 0);
	buf_init(&c, 0);
	/* 70 events in parts of 32: 32 + 32 + 6, read back to back */
	put_parts(&b, 70, 32, off);
	T_INT(block_open(&br, b.d, b.len), 0);
	T_INT(br.count, 70);
	T_INT(br.index, 0);
	T_INT(br.end, 32);
	for (i = 0; (r = block_next(&br, &ev)) == 1; i++) {
		char	want[16];

		snprintf(want, sizeof(want), "e%u", i);
		ok &= ev.index == i && ev.rawlen == strlen(want) &&
		    memcmp(ev.raw, want, ev.rawlen) == 0 &&
		    ev.ts_us == 500 + (int64_t)i &&
		    br.recv_us == 1000000 + i - i % 32;
	}
	T_OK(ok);
	T_INT(r, 0);
	T_INT(i, 70);
	T_INT(br.index, br.count);
	/* the middle part alone: events 32..63, then the input ends */
	T_INT(block_open(&br, b.d + off[1], off[2] - off[1]), 0);
	T_INT(br.index, 32);
	T_INT(br.end, 64);
	T_INT(br.count, 70);
	for (i = 32; (r = block_next(&br, &ev)) == 1; i++)
		ok &= ev.index == i;
	T_OK(ok);
	T_INT(r, 0);
	T_INT(i, 64);
	/* the first part alone ends early: index < count tells */
	T_INT(read_all(b.d, off[1], &ev, 1), 32);
	/* a part missing in the middle: the next does not continue */
	buf_put(&c, b.d, off[1]);
	buf_put(&c, b.d + off[2], off[3] - off[2]);
	T_INT(read_all(c.d, c.len, &ev, 1), ERR_FORMAT);
	/* parts out of order */
	buf_reset(&c);
	buf_put(&c, b.d + off[1], off[2] - off[1]);
	buf_put(&c, b.d, off[1]);
	T_INT(read_all(c.d, c.len, &ev, 1), ERR_FORMAT);
	/* a part of another block (other total) */
	buf_reset(&c);
	buf_put(&c, b.d, off[1]);
	T_INT(block_begin_part(&c, 1, 32, 33, 0, 0), 0);
	T_INT(block_put(&c, 0, &ev), 0);
	T_INT(read_all(c.d, c.len, &ev, 1), ERR_FORMAT);
	/* bytes after the last part */
	buf_reset(&c);
	buf_put(&c, b.d, b.len);
	buf_put_u8(&c, 2);
	T_INT(read_all(c.d, c.len, &ev, 1), ERR_FORMAT);
	/* the encoder refuses parts outside the block */
	T_INT(block_begin_part(&c, 1, 70, 70, 0, 0), ERR_RANGE);
	T_INT(block_begin_part(&c, 2, 69, 70, 0, 0), ERR_RANGE);
	T_INT(block_begin_part(&c, 1, 0, BLOCK_MAX_EVENTS + 1, 0, 0),
	    ERR_RANGE);
	T_INT(block_begin_part(&c, 0, 0, 1, 0, 0), ERR_RANGE);
	/* every truncation of three parts: an error or a short read */
	for (i = 0; i < b.len; i++) {
		uint32_t n = 0;

		if (block_open(&br, b.d, i) != 0)
			continue;
		while ((r = block_next(&br, &ev)) == 1)
			n++;
		/* a clean end only at a part's end, and then it shows */
		ok &= r < 0 || ((i == off[1] || i == off[2]) &&
		    br.index < br.count && n == br.index);
	}
	T_OK(ok);
	buf_clear(&b);
	buf_clear(&c);
}

static void
test_bitmap(void)
{
	uint8_t		bm[BLOCK_BITMAP + 1];
	unsigned	i;
	int		ok = 1;

	memset(bm, 0, sizeof(bm));
	bm[BLOCK_BITMAP] = 0xaa;	/* a guard */
	T_INT(BLOCK_BITMAP, 32);
	bitmap_set(bm, 0);
	bitmap_set(bm, 9);
	bitmap_set(bm, 255);
	bitmap_set(bm, 256);		/* ignored */
	bitmap_set(bm, 100000);		/* ignored */
	T_INT(bm[0], 1);
	T_INT(bm[1], 2);
	T_INT(bm[31], 0x80);
	T_INT(bm[BLOCK_BITMAP], 0xaa);
	for (i = 0; i < BLOCK_MAX_EVENTS; i++)
		ok &= bitmap_isset(bm, i) == (i == 0 || i == 9 || i == 255);
	T_OK(ok);
	T_INT(bitmap_isset(bm, 256), 0);
	T_INT(bitmap_isset(bm, 0xffffffffu), 0);
	/* the next set bit, against a plain loop */
	T_INT(bitmap_next(bm, 0), 0);
	T_INT(bitmap_next(bm, 1), 9);
	T_INT(bitmap_next(bm, 10), 255);
	T_INT(bitmap_next(bm, 256), BLOCK_MAX_EVENTS);
	memset(bm, 0, BLOCK_BITMAP);
	T_INT(bitmap_next(bm, 0), BLOCK_MAX_EVENTS);
	{
		uint32_t x = 2463534242u;
		unsigned j, k, w;

		for (j = 0; j < 200; j++) {
			memset(bm, 0, BLOCK_BITMAP);
			for (k = 0; k < j % 12; k++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				bitmap_set(bm, x % BLOCK_MAX_EVENTS);
			}
			for (i = 0; i <= BLOCK_MAX_EVENTS; i++) {
				for (w = i; w < BLOCK_MAX_EVENTS &&
				    !bitmap_isset(bm, w); w++)
					;
				ok &= bitmap_next(bm, i) == w;
			}
		}
		T_OK(ok);
	}
}

int
main(void)
{
	test_one();
	test_max();
	test_extremes();
	test_limits();
	test_truncate();
	test_parts();
	test_bitmap();
	return TEST_DONE();
}
