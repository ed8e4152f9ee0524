/*
 * block.c -- encode and decode stored blocks of events (format in
 * block.h).  Pure: no LevelDB, no I/O.
 */
#include <string.h>

#include "block.h"
#include "err.h"
#include "proto.h"

#define BLOCK_VERSION	2
#define BLOCK_NAME_MAX	64	/* extra field name */
#define BLOCK_VALUE_MAX	4096	/* extra field value */

static uint64_t
zz(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t
unzz(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* a - b and a + b modulo 2^64: deltas of any two times round-trip */
static uint64_t
tdiff(int64_t a, int64_t b)
{
	return (uint64_t)a - (uint64_t)b;
}

static int64_t
tadd(int64_t a, int64_t d)
{
	return (int64_t)((uint64_t)a + (uint64_t)d);
}

int
block_begin_part(struct buf *b, uint32_t count, uint32_t index0,
    uint32_t total, int64_t recv_us, int32_t tzoff)
{
	int r;

	if (count == 0 || total > BLOCK_MAX_EVENTS || index0 >= total ||
	    count > total - index0)
		return ERR_RANGE;
	if ((r = buf_put_u8(b, BLOCK_VERSION)) != 0 ||
	    (r = buf_put_varint(b, count)) != 0 ||
	    (r = buf_put_varint(b, index0)) != 0 ||
	    (r = buf_put_varint(b, total)) != 0 ||
	    (r = buf_put_varint(b, zz(recv_us))) != 0)
		return r;
	return buf_put_varint(b, zz(tzoff));
}

int
block_begin(struct buf *b, uint32_t count, int64_t recv_us, int32_t tzoff)
{
	return block_begin_part(b, count, 0, count, recv_us, tzoff);
}

int
block_put(struct buf *b, int64_t recv_us, const struct block_ev *ev)
{
	int i, r;

	if (ev->nextra < 0 || ev->nextra > BLOCK_EXTRA_MAX)
		return ERR_RANGE;
	/* refuse what block_next would refuse */
	if (ev->rawlen > PROTO_LINE_MAX)
		return ERR_TOOBIG;
	for (i = 0; i < ev->nextra; i++)
		if (ev->extra[i].namelen > BLOCK_NAME_MAX ||
		    ev->extra[i].vallen > BLOCK_VALUE_MAX)
			return ERR_TOOBIG;
	if ((r = buf_put_varint(b, zz((int64_t)tdiff(ev->ts_us,
	    recv_us)))) != 0 ||
	    (r = buf_put_varint(b, zz((int64_t)tdiff(ev->read_us,
	    recv_us)))) != 0 ||
	    (r = buf_put_varint(b, ev->flags)) != 0 ||
	    (r = buf_put_varint(b, ev->rawlen)) != 0 ||
	    (r = buf_put(b, ev->raw, ev->rawlen)) != 0 ||
	    (r = buf_put_varint(b, (uint64_t)ev->nextra)) != 0)
		return r;
	for (i = 0; i < ev->nextra; i++) {
		if ((r = buf_put_varint(b, ev->extra[i].namelen)) != 0 ||
		    (r = buf_put(b, ev->extra[i].name,
		    ev->extra[i].namelen)) != 0 ||
		    (r = buf_put_varint(b, ev->extra[i].vallen)) != 0 ||
		    (r = buf_put(b, ev->extra[i].val,
		    ev->extra[i].vallen)) != 0)
			return r;
	}
	return 0;
}

/* A part header; a continuation must start at end with the same total. */
static int
part_header(struct block_reader *br, int cont)
{
	uint8_t		v;
	uint64_t	n, i0, tot, t, tz;
	int		r;

	if ((r = bufr_get_u8(&br->rd, &v)) != 0)
		return r;
	if (v != BLOCK_VERSION)
		return ERR_VERSION;
	if ((r = bufr_get_varint(&br->rd, &n)) != 0 ||
	    (r = bufr_get_varint(&br->rd, &i0)) != 0 ||
	    (r = bufr_get_varint(&br->rd, &tot)) != 0 ||
	    (r = bufr_get_varint(&br->rd, &t)) != 0 ||
	    (r = bufr_get_varint(&br->rd, &tz)) != 0)
		return r;
	if (n == 0 || tot > BLOCK_MAX_EVENTS || i0 >= tot || n > tot - i0)
		return ERR_FORMAT;
	if (unzz(tz) < INT32_MIN || unzz(tz) > INT32_MAX)
		return ERR_FORMAT;
	if (cont && (i0 != br->end || tot != br->count))
		return ERR_FORMAT;
	br->count = (uint32_t)tot;
	br->index = (uint32_t)i0;
	br->end = (uint32_t)(i0 + n);
	br->recv_us = unzz(t);
	br->tzoff = (int32_t)unzz(tz);
	return 0;
}

int
block_open(struct block_reader *br, const uint8_t *p, size_t len)
{
	memset(br, 0, sizeof(*br));
	bufr_init(&br->rd, p, len);
	return part_header(br, 0);
}

static int
get_bytes(struct bufr *rd, const char **p, size_t *len, size_t max)
{
	uint64_t	n;
	const uint8_t	*q;
	int		r;

	if ((r = bufr_get_varint(rd, &n)) != 0)
		return r;
	if (n > max)
		return ERR_FORMAT;
	if ((r = bufr_get_bytes(rd, &q, (size_t)n)) != 0)
		return r;
	*p = (const char *)q;
	*len = (size_t)n;
	return 0;
}

int
block_next(struct block_reader *br, struct block_ev *ev)
{
	uint64_t	a, b, f, n, i;
	int		r;

	if (br->index >= br->end) {
		if (br->rd.left == 0)
			return 0;
		if (br->end >= br->count)
			return ERR_FORMAT;	/* bytes after the last part */
		if ((r = part_header(br, 1)) != 0)
			return r;
	}
	if ((r = bufr_get_varint(&br->rd, &a)) != 0 ||
	    (r = bufr_get_varint(&br->rd, &b)) != 0 ||
	    (r = bufr_get_varint(&br->rd, &f)) != 0 ||
	    (r = get_bytes(&br->rd, &ev->raw, &ev->rawlen,
	    PROTO_LINE_MAX)) != 0 ||
	    (r = bufr_get_varint(&br->rd, &n)) != 0)
		return r;
	if (n > BLOCK_EXTRA_MAX || f > UINT32_MAX)
		return ERR_FORMAT;
	ev->ts_us = tadd(br->recv_us, unzz(a));
	ev->read_us = tadd(br->recv_us, unzz(b));
	ev->flags = (uint32_t)f;
	ev->index = br->index;
	ev->nextra = (int)n;
	for (i = 0; i < n; i++)
		if ((r = get_bytes(&br->rd, &ev->extra[i].name,
		    &ev->extra[i].namelen, BLOCK_NAME_MAX)) != 0 ||
		    (r = get_bytes(&br->rd, &ev->extra[i].val,
		    &ev->extra[i].vallen, BLOCK_VALUE_MAX)) != 0)
			return r;
	br->index++;
	return 1;
}

void
bitmap_set(uint8_t *bm, unsigned i)
{
	if (i < BLOCK_MAX_EVENTS)
		bm[i >> 3] |= 1u << (i & 7);
}

int
bitmap_isset(const uint8_t *bm, unsigned i)
{
	return i < BLOCK_MAX_EVENTS && (bm[i >> 3] >> (i & 7)) & 1;
}

unsigned
bitmap_next(const uint8_t *bm, unsigned i)
{
	unsigned	m;

	if (i >= BLOCK_MAX_EVENTS)
		return BLOCK_MAX_EVENTS;
	/* the rest of i's byte, then whole bytes */
	if ((m = bm[i >> 3] >> (i & 7)) != 0)
		return i + (unsigned)__builtin_ctz(m);
	for (i = (i | 7) + 1; i < BLOCK_MAX_EVENTS; i += 8)
		if (bm[i >> 3] != 0)
			return i + (unsigned)__builtin_ctz(bm[i >> 3]);
	return BLOCK_MAX_EVENTS;
}
