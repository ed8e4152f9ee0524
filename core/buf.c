/*
 * buf.c -- bounded byte buffer and bounds-checked reader.  Pure: no I/O.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"

const char *
err_str(int e)
{
	switch (e) {
	case ERR_OK: return "success";
	case ERR_INTERNAL: return "internal error";
	case ERR_NOMEM: return "out of memory";
	case ERR_INCOMPLETE: return "incomplete input";
	case ERR_FORMAT: return "malformed input";
	case ERR_TOOBIG: return "over size limit";
	case ERR_VERSION: return "unsupported version";
	case ERR_STORE: return "storage error";
	case ERR_IO: return "I/O error";
	case ERR_NOTFOUND: return "not found";
	case ERR_RANGE: return "value out of range";
	}
	return "unknown error";
}

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : BUF_MAX_DEFAULT;
}

void
buf_clear(struct buf *b)
{
	free(b->d);
	b->d = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
}

int
buf_reserve(struct buf *b, size_t n)
{
	size_t	 ncap;
	uint8_t	*nd;

	if (n > b->max || b->len > b->max - n)
		return ERR_TOOBIG;
	if (b->len + n <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + n)
		ncap *= 2;
	if (ncap > b->max)
		ncap = b->max;
	if ((nd = realloc(b->d, ncap)) == NULL)
		return ERR_NOMEM;
	b->d = nd;
	b->cap = ncap;
	return 0;
}

int
buf_put(struct buf *b, const void *p, size_t n)
{
	int r;

	if (n == 0)
		return 0;
	/* cap never exceeds max: room within cap is always allowed */
	if (n > b->cap - b->len && (r = buf_reserve(b, n)) != 0)
		return r;
	memcpy(b->d + b->len, p, n);
	b->len += n;
	return 0;
}

int
buf_put_u8(struct buf *b, uint8_t v)
{
	int r;

	if (b->len == b->cap && (r = buf_reserve(b, 1)) != 0)
		return r;
	b->d[b->len++] = v;
	return 0;
}

int
buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t t[2];

	be16_put(t, v);
	return buf_put(b, t, 2);
}

int
buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t t[4];

	be32_put(t, v);
	return buf_put(b, t, 4);
}

int
buf_put_u64(struct buf *b, uint64_t v)
{
	uint8_t t[8];

	be64_put(t, v);
	return buf_put(b, t, 8);
}

int
buf_put_str(struct buf *b, const char *s, size_t n)
{
	int r;

	if (n > UINT32_MAX)
		return ERR_TOOBIG;
	if ((r = buf_reserve(b, 4 + n)) != 0)
		return r;
	buf_put_u32(b, (uint32_t)n);
	return buf_put(b, s, n);
}

int
buf_put_cstr(struct buf *b, const char *s)
{
	return buf_put_str(b, s ? s : "", s ? strlen(s) : 0);
}

int
buf_put_varint(struct buf *b, uint64_t v)
{
	uint8_t	t[10];
	size_t	n = 0;

	do {
		t[n] = v & 0x7f;
		v >>= 7;
		if (v)
			t[n] |= 0x80;
		n++;
	} while (v);
	return buf_put(b, t, n);
}

int
buf_putf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ERR_INTERNAL;
	if ((r = buf_reserve(b, (size_t)n + 1)) != 0)
		return r;
	va_start(ap, fmt);
	vsnprintf((char *)b->d + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->d, b->d + n, b->len - n);
	b->len -= n;
}

void
bufr_init(struct bufr *r, const void *p, size_t len)
{
	r->p = p;
	r->left = len;
}

int
bufr_get_bytes(struct bufr *r, const uint8_t **p, size_t n)
{
	if (r->left < n)
		return ERR_FORMAT;
	*p = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

int
bufr_get_u8(struct bufr *r, uint8_t *v)
{
	if (r->left < 1)
		return ERR_FORMAT;
	*v = r->p[0];
	r->p++;
	r->left--;
	return 0;
}

int
bufr_get_u16(struct bufr *r, uint16_t *v)
{
	if (r->left < 2)
		return ERR_FORMAT;
	*v = be16_get(r->p);
	r->p += 2;
	r->left -= 2;
	return 0;
}

int
bufr_get_u32(struct bufr *r, uint32_t *v)
{
	if (r->left < 4)
		return ERR_FORMAT;
	*v = be32_get(r->p);
	r->p += 4;
	r->left -= 4;
	return 0;
}

int
bufr_get_u64(struct bufr *r, uint64_t *v)
{
	if (r->left < 8)
		return ERR_FORMAT;
	*v = be64_get(r->p);
	r->p += 8;
	r->left -= 8;
	return 0;
}

int
bufr_get_varint(struct bufr *r, uint64_t *v)
{
	uint64_t	x = 0;
	unsigned	shift = 0;
	uint8_t		c;

	/* one and two bytes (most lengths, flags, counts): no loop */
	if (r->left >= 1 && r->p[0] < 0x80) {
		*v = r->p[0];
		r->p++;
		r->left--;
		return 0;
	}
	if (r->left >= 2 && r->p[1] < 0x80) {
		*v = (uint64_t)(r->p[0] & 0x7f) | (uint64_t)r->p[1] << 7;
		r->p += 2;
		r->left -= 2;
		return 0;
	}
	do {
		if (r->left < 1 || shift > 63)
			return ERR_FORMAT;
		c = *r->p++;
		r->left--;
		if (shift == 63 && (c & 0x7e))
			return ERR_FORMAT;
		x |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	*v = x;
	return 0;
}

int
bufr_get_str(struct bufr *r, const char **p, size_t *len, size_t max)
{
	uint32_t	n;
	const uint8_t	*q;
	int		e;

	if ((e = bufr_get_u32(r, &n)) != 0)
		return e;
	if (n > max)
		return ERR_TOOBIG;
	if ((e = bufr_get_bytes(r, &q, n)) != 0)
		return e;
	*p = (const char *)q;
	*len = n;
	return 0;
}

void
be16_put(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

void
be32_put(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void
be64_put(uint8_t *p, uint64_t v)
{
	be32_put(p, v >> 32);
	be32_put(p + 4, (uint32_t)v);
}

uint16_t
be16_get(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

uint64_t
be64_get(const uint8_t *p)
{
	return (uint64_t)be32_get(p) << 32 | be32_get(p + 4);
}
