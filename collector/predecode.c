/*
 * predecode.c -- pack decoded records, unpack them in the writer (see
 * predecode.h).
 *
 * One packed record, in host byte order (it never leaves the process):
 *
 *	u32 size of the rest   i64 ts_us   u32 flags   u16 nfields
 *	u16 scratch bytes used
 *	per field: name pointer, u32 name number, u32 length word, then
 *	    a u32 offset into the raw line (IN_RAW) or the value's bytes
 *
 * Field names are static strings or the name table's (core/fname.c), which
 * is never freed, so their pointers stay good for the life of the process.
 */
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "predecode.h"

#define IN_RAW		0x80000000u	/* value is raw[off..off+len) */
#define IS_NULL		0x40000000u	/* value pointer was NULL */
#define LEN_MASK	0x3fffffffu

#define HEAD		(4 + 8 + 4 + 2 + 2)
#define FHEAD		(sizeof(uintptr_t) + 4 + 4)

/* Where a value goes: 0 copied, IN_RAW, IS_NULL. */
static uint32_t
placement_of(const struct record_field *f, const char *raw, size_t rawlen)
{
	if (f->val == NULL)
		return IS_NULL;
	/* as integers: the value may be in another object altogether */
	if ((uintptr_t)f->val >= (uintptr_t)raw && f->len <= rawlen &&
	    (uintptr_t)f->val - (uintptr_t)raw <= rawlen - f->len)
		return IN_RAW;
	return 0;
}

int
predecode_pack(struct buf *out, const struct record *ev, const char *raw,
    size_t rawlen)
{
	const struct record_field	*f;
	size_t				 need = HEAD, at;
	uint32_t			 w, off, where[REC_FIELDS_MAX];
	uint16_t			 nf = (uint16_t)ev->nfields;
	uint16_t			 sl = (uint16_t)ev->scratchlen;
	uintptr_t			 np;
	int				 i;

	if (ev->scratchlen > UINT16_MAX)
		return ERR_TOOBIG;
	for (i = 0; i < ev->nfields; i++) {
		f = &ev->f[i];
		if (f->len > LEN_MASK)
			return ERR_TOOBIG;
		where[i] = placement_of(f, raw, rawlen);
		need += FHEAD + (where[i] == IN_RAW ? 4 : where[i] == IS_NULL ?
		    0 : f->len);
	}
	if (need - 4 > UINT32_MAX || buf_reserve(out, need) != 0)
		return ERR_TOOBIG;
	at = out->len;
	w = (uint32_t)(need - 4);
	memcpy(out->d + at, &w, 4);
	memcpy(out->d + at + 4, &ev->ts_us, 8);
	memcpy(out->d + at + 12, &ev->flags, 4);
	memcpy(out->d + at + 16, &nf, 2);
	memcpy(out->d + at + 18, &sl, 2);
	at += HEAD;
	for (i = 0; i < ev->nfields; i++) {
		f = &ev->f[i];
		np = (uintptr_t)f->name;
		w = (uint32_t)f->len | where[i];
		memcpy(out->d + at, &np, sizeof(np));
		memcpy(out->d + at + sizeof(np), &f->id, 4);
		memcpy(out->d + at + sizeof(np) + 4, &w, 4);
		at += FHEAD;
		if (where[i] == IN_RAW) {
			off = (uint32_t)((uintptr_t)f->val - (uintptr_t)raw);
			memcpy(out->d + at, &off, 4);
			at += 4;
		} else if (where[i] == 0) {
			memcpy(out->d + at, f->val, f->len);
			at += f->len;
		}
	}
	out->len = at;
	return 0;
}

int
predecode_batch(const struct decode_ctx *ctx, const struct proto_batch *b,
    struct record *tmp, struct buf *out)
{
	struct bufr		r;
	struct proto_event	pe;
	uint32_t		i;
	int			rc;

	bufr_init(&r, b->events, b->eventslen);
	for (i = 0; i < b->count; i++) {
		if ((rc = proto_batch_iter(&r, &pe)) != 0)
			return rc;
		decode_event(ctx, pe.line, pe.linelen, pe.read_us, tmp);
		if ((rc = predecode_pack(out, tmp, pe.line, pe.linelen)) != 0)
			return rc;
	}
	return 0;
}

void
predecode_cur_init(struct predecode_cur *c, const void *p, size_t len)
{
	c->p = p;
	c->end = c->p + len;
}

int
predecode_skip(struct predecode_cur *c)
{
	uint32_t w;

	if ((size_t)(c->end - c->p) < HEAD)
		return ERR_RANGE;
	memcpy(&w, c->p, 4);
	if (w < HEAD - 4 || (size_t)(c->end - c->p) - 4 < w)
		return ERR_RANGE;
	c->p += 4 + (size_t)w;
	return 0;
}

int
predecode_next(struct predecode_cur *c, const char *raw, size_t rawlen,
    int64_t read_us, int64_t recv_us, struct record *ev)
{
	const uint8_t	*p = c->p, *end;
	const char	*name, *val;
	uintptr_t	 np;
	uint32_t	 w, id, len, off;
	uint16_t	 nf, sl;

	if (predecode_skip(c) != 0)
		return ERR_RANGE;
	end = c->p;
	record_init(ev);
	ev->raw = raw;
	ev->rawlen = rawlen;
	ev->read_us = read_us;
	ev->recv_us = recv_us;
	memcpy(&ev->ts_us, p + 4, 8);
	memcpy(&ev->flags, p + 12, 4);
	memcpy(&nf, p + 16, 2);
	memcpy(&sl, p + 18, 2);
	/* the scratch space the decoders used stays used (its bytes are in
	 * the packed record), so later additions have the same room */
	ev->scratchlen = sl < REC_SCRATCH ? sl : REC_SCRATCH;
	p += HEAD;
	while (nf-- > 0) {
		if ((size_t)(end - p) < FHEAD)
			return ERR_RANGE;
		memcpy(&np, p, sizeof(np));
		memcpy(&id, p + sizeof(np), 4);
		memcpy(&w, p + sizeof(np) + 4, 4);
		p += FHEAD;
		name = (const char *)np;
		len = w & LEN_MASK;
		if (w & IN_RAW) {
			if (end - p < 4)
				return ERR_RANGE;
			memcpy(&off, p, 4);
			p += 4;
			if (off > rawlen || len > rawlen - off)
				return ERR_RANGE;
			val = raw + off;
		} else if (w & IS_NULL) {
			val = NULL;
		} else {
			if ((size_t)(end - p) < len)
				return ERR_RANGE;
			val = (const char *)p;
			p += len;
		}
		if (record_append(ev, name, id, val, len) != 0)
			return ERR_RANGE;
	}
	return p == end ? 0 : ERR_RANGE;
}
