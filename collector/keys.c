/*
 * keys.c -- LevelDB key encoding (schema in keys.h).  Pure: no LevelDB.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "err.h"
#include "keys.h"

uint32_t
keys_hour(int64_t ts_us)
{
	int64_t h;

	if (ts_us <= 0)
		return 0;
	h = ts_us / 3600000000LL;
	return h > UINT32_MAX ? UINT32_MAX : (uint32_t)h;
}

static int
put_ref(struct buf *b, const struct blockref *ref)
{
	int r;

	if ((r = buf_put_u32(b, ref->stream)) != 0)
		return r;
	return buf_put_u64(b, ref->first_seq);
}

static int
put_z(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (buf_put(b, s, n) != 0)
		return ERR_TOOBIG;
	return buf_put_u8(b, 0);
}

int
keys_dict(struct buf *b, const char *sender, const char *instance,
    const char *name)
{
	int r;

	buf_reset(b);
	if ((r = buf_put_u8(b, 'D')) != 0 || (r = put_z(b, sender)) != 0 ||
	    (r = put_z(b, instance)) != 0)
		return r;
	return buf_put(b, name, strlen(name));
}

int
keys_stream(struct buf *b, uint32_t stream)
{
	int r;

	buf_reset(b);
	if ((r = buf_put_u8(b, 'S')) != 0)
		return r;
	return buf_put_u32(b, stream);
}

int
keys_block(struct buf *b, const struct blockref *ref)
{
	int r;

	buf_reset(b);
	if ((r = buf_put_u8(b, 'B')) != 0)
		return r;
	return put_ref(b, ref);
}

int
keys_posting_prefix(struct buf *b, const char *field, const char *val,
    size_t vlen)
{
	size_t	flen = strlen(field), i;
	int	r;

	if (flen == 0 || flen > KEYS_FIELD_MAX || vlen > KEYS_VALUE_MAX)
		return ERR_TOOBIG;
	if (memchr(val, '\0', vlen) != NULL)
		return ERR_FORMAT;
	buf_reset(b);
	if ((r = buf_reserve(b, 1 + flen + 1 + vlen + 1)) != 0)
		return r;
	b->d[b->len++] = 'P';
	memcpy(b->d + b->len, field, flen + 1);
	b->len += flen + 1;
	for (i = 0; i < vlen; i++) {
		unsigned char c = val[i];
		b->d[b->len++] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
	}
	b->d[b->len++] = '\0';
	return 0;
}

int
keys_posting(struct buf *b, const char *field, const char *val, size_t vlen,
    uint32_t hour, uint64_t group)
{
	int r;

	if ((r = keys_posting_prefix(b, field, val, vlen)) != 0 ||
	    (r = buf_put_u32(b, hour)) != 0)
		return r;
	return buf_put_u64(b, group);
}

int
keys_decode_ptail(const uint8_t *k, size_t len, size_t prefixlen,
    uint32_t *hour, uint64_t *group)
{
	if (len != prefixlen + KEYS_PTAIL)
		return ERR_FORMAT;
	*hour = be32_get(k + prefixlen);
	*group = be64_get(k + prefixlen + 4);
	return 0;
}

int
keys_postval_put(struct buf *b, const struct blockref *ref,
    const uint8_t *bm)
{
	uint8_t	 idx[KEYS_POSTBM];
	uint64_t w;
	unsigned n = 0, i;
	int	 r;

	/* the set bits, lowest first, a 64-bit word at a time */
	for (i = 0; i < KEYS_POSTBM / 8 && n < KEYS_POSTBM; i++) {
		memcpy(&w, bm + i * 8, 8);
		w = le64toh(w);
		while (w != 0 && n < KEYS_POSTBM) {
			idx[n++] = (uint8_t)(i * 64 + __builtin_ctzll(w));
			w &= w - 1;
		}
	}
	if ((r = buf_put_varint(b, ref->stream)) != 0 ||
	    (r = buf_put_varint(b, ref->first_seq)) != 0)
		return r;
	if (n > 0 && n < KEYS_POSTBM) {	/* sparse: shorter */
		if ((r = buf_put_u8(b, (uint8_t)n)) != 0)
			return r;
		return buf_put(b, idx, n);
	}
	if ((r = buf_put_u8(b, 0)) != 0)
		return r;
	return buf_put(b, bm, KEYS_POSTBM);
}

int
keys_postval_next(struct bufr *r, struct blockref *ref, uint8_t *bm)
{
	const uint8_t	*p;
	uint64_t	 stream, first;
	uint8_t		 n;
	unsigned	 i;

	if (r->left == 0)
		return 0;
	if (bufr_get_varint(r, &stream) != 0 || stream > UINT32_MAX ||
	    bufr_get_varint(r, &first) != 0 || bufr_get_u8(r, &n) != 0 ||
	    n >= KEYS_POSTBM ||
	    bufr_get_bytes(r, &p, n ? n : KEYS_POSTBM) != 0)
		return ERR_FORMAT;
	ref->stream = (uint32_t)stream;
	ref->first_seq = first;
	if (n == 0) {
		memcpy(bm, p, KEYS_POSTBM);
		return 1;
	}
	memset(bm, 0, KEYS_POSTBM);
	for (i = 0; i < n; i++) {
		if (i > 0 && p[i] <= p[i - 1])
			return ERR_FORMAT;	/* ascending, no repeats */
		bm[p[i] >> 3] |= (uint8_t)(1u << (p[i] & 7));
	}
	return 1;
}

int
keys_time(struct buf *b, uint32_t hour, const struct blockref *ref)
{
	int r;

	buf_reset(b);
	if ((r = buf_put_u8(b, 'T')) != 0 || (r = buf_put_u32(b, hour)) != 0)
		return r;
	return put_ref(b, ref);
}

int
keys_ingest(struct buf *b, uint64_t commit)
{
	int r;

	buf_reset(b);
	if ((r = buf_put_u8(b, 'R')) != 0)
		return r;
	return buf_put_u64(b, commit);
}

int
keys_gap(struct buf *b, uint32_t stream, uint64_t first, uint64_t last)
{
	int r;

	buf_reset(b);
	if ((r = buf_put_u8(b, 'G')) != 0 || (r = buf_put_u32(b, stream)) ||
	    (r = buf_put_u64(b, first)) != 0)
		return r;
	return buf_put_u64(b, last);
}

int
keys_alert(struct buf *b, uint64_t id)
{
	int r;

	buf_reset(b);
	if ((r = buf_put_u8(b, 'L')) != 0)
		return r;
	return buf_put_u64(b, id);
}

int
keys_decode_alert(const uint8_t *k, size_t len, uint64_t *id)
{
	if (len != 9 || k[0] != 'L')
		return ERR_FORMAT;
	*id = be64_get(k + 1);
	return 0;
}

int
keys_decode_tail(const uint8_t *k, size_t len, size_t prefixlen,
    uint32_t *hour, struct blockref *ref)
{
	if (len != prefixlen + 16)
		return ERR_FORMAT;
	k += prefixlen;
	*hour = be32_get(k);
	ref->stream = be32_get(k + 4);
	ref->first_seq = be64_get(k + 8);
	return 0;
}

int
keys_decode_block(const uint8_t *k, size_t len, struct blockref *ref)
{
	if (len != 1 + KEYS_BLOCKREF || k[0] != 'B')
		return ERR_FORMAT;
	ref->stream = be32_get(k + 1);
	ref->first_seq = be64_get(k + 5);
	return 0;
}

int
keys_decode_ingest(const uint8_t *k, size_t len, uint64_t *commit)
{
	if (len != 9 || k[0] != 'R')
		return ERR_FORMAT;
	*commit = be64_get(k + 1);
	return 0;
}

int
keys_stream_encode(struct buf *b, const struct stream_rec *s)
{
	int r;

	buf_reset(b);
	if ((r = buf_put_u8(b, 2)) != 0 ||
	    (r = buf_put_cstr(b, s->sender)) != 0 ||
	    (r = buf_put_cstr(b, s->instance)) != 0 ||
	    (r = buf_put_cstr(b, s->name)) != 0 ||
	    (r = buf_put_cstr(b, s->type)) != 0 ||
	    (r = buf_put_u64(b, s->next_seq)) != 0 ||
	    (r = buf_put_cstr(b, s->role)) != 0)
		return r;
	return buf_put_cstr(b, s->vm_uuid);
}

static int
dup_str(struct bufr *rd, char **out)
{
	const char	*p;
	size_t		 n;
	int		 r;

	if ((r = bufr_get_str(rd, &p, &n, 4096)) != 0)
		return r;
	if (memchr(p, '\0', n) != NULL)
		return ERR_FORMAT;
	if ((*out = strndup(p, n)) == NULL)
		return ERR_NOMEM;
	return 0;
}

int
keys_stream_decode(const uint8_t *p, size_t len, struct stream_rec *s)
{
	struct bufr	rd;
	uint8_t		v;
	int		r;

	memset(s, 0, sizeof(*s));
	bufr_init(&rd, p, len);
	if ((r = bufr_get_u8(&rd, &v)) != 0)
		goto out;
	if (v != 1 && v != 2) {
		r = ERR_VERSION;
		goto out;
	}
	if ((r = dup_str(&rd, &s->sender)) != 0 ||
	    (r = dup_str(&rd, &s->instance)) != 0 ||
	    (r = dup_str(&rd, &s->name)) != 0 ||
	    (r = dup_str(&rd, &s->type)) != 0 ||
	    (r = bufr_get_u64(&rd, &s->next_seq)) != 0)
		goto out;
	if (v == 2 && ((r = dup_str(&rd, &s->role)) != 0 ||
	    (r = dup_str(&rd, &s->vm_uuid)) != 0))
		goto out;
	r = rd.left ? ERR_FORMAT : 0;
 out:
	if (r != 0)
		keys_stream_clear(s);
	return r;
}

void
keys_stream_clear(struct stream_rec *s)
{
	free(s->sender);
	free(s->instance);
	free(s->name);
	free(s->type);
	free(s->role);
	free(s->vm_uuid);
	memset(s, 0, sizeof(*s));
}

int
keys_chain(struct buf *b, char kind, const struct blockref *ref)
{
	int r;

	buf_reset(b);
	if ((r = buf_put_u8(b, (uint8_t)kind)) != 0)
		return r;
	return put_ref(b, ref);
}

int
keys_chain_hash(const uint8_t *prev, const struct blockref *ref,
    const uint8_t *block, size_t len, uint8_t *out)
{
	EVP_MD_CTX	*c;
	uint8_t		 r[KEYS_BLOCKREF];
	unsigned int	 n = 0;
	int		 ok;

	be32_put(r, ref->stream);
	be64_put(r + 4, ref->first_seq);
	if ((c = EVP_MD_CTX_new()) == NULL)
		return ERR_NOMEM;
	ok = EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(c, prev, CHAIN_HASH) == 1 &&
	    EVP_DigestUpdate(c, r, sizeof(r)) == 1 &&
	    EVP_DigestUpdate(c, block, len) == 1 &&
	    EVP_DigestFinal_ex(c, out, &n) == 1 && n == CHAIN_HASH;
	EVP_MD_CTX_free(c);
	return ok ? 0 : ERR_STORE;
}

void
keys_link_encode(uint8_t *out, const struct chain_link *l)
{
	out[0] = 1;
	be32_put(out + 1, l->count);
	memcpy(out + 5, l->prev, CHAIN_HASH);
	memcpy(out + 5 + CHAIN_HASH, l->hash, CHAIN_HASH);
}

int
keys_link_decode(const uint8_t *p, size_t len, struct chain_link *l)
{
	if (len != CHAIN_LINK || p[0] != 1)
		return ERR_FORMAT;
	l->count = be32_get(p + 1);
	memcpy(l->prev, p + 5, CHAIN_HASH);
	memcpy(l->hash, p + 5 + CHAIN_HASH, CHAIN_HASH);
	return 0;
}
