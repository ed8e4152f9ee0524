/*
 * test_keys.c -- unit tests for collector/keys.c: byte-exact keys, sort
 * order (hours, streams, sequences big endian), lower-cased postings, the
 * value limit, the key tail decoders and the stream record codec on good,
 * truncated and garbage input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "keys.h"
#include "test.h"

#define T_BYTES(b, s) do {						\
	T_INT((b)->len, sizeof(s) - 1);					\
	T_OK((b)->len == sizeof(s) - 1 &&				\
	    memcmp((b)->d, s, sizeof(s) - 1) == 0);			\
} while (0)

/* memcmp order of two buffers, like LevelDB's default comparator */
static int
cmp(const struct buf *a, const struct buf *b)
{
	size_t	n = a->len < b->len ? a->len : b->len;
	int	c = memcmp(a->d, b->d, n);

	if (c != 0)
		return c < 0 ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

static void
test_encode(void)
{
	struct buf	 b;
	struct blockref	 ref = { 0x01020304, 0x0a0b0c0d0e0f1011ULL };

	buf_init(&b, 0);
	T_INT(keys_block(&b, &ref), 0);
	T_BYTES(&b, "B\x01\x02\x03\x04\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11");
	T_INT(keys_stream(&b, 258), 0);
	T_BYTES(&b, "S\0\0\x01\x02");
	T_INT(keys_time(&b, 0x00070809, &ref), 0);
	T_BYTES(&b, "T\0\x07\x08\x09\x01\x02\x03\x04"
	    "\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11");
	T_INT(keys_ingest(&b, 5), 0);
	T_BYTES(&b, "R\0\0\0\0\0\0\0\x05");
	T_INT(keys_gap(&b, 1, 2, 3), 0);
	T_BYTES(&b, "G\0\0\0\x01\0\0\0\0\0\0\0\x02\0\0\0\0\0\0\0\x03");
	T_INT(keys_dict(&b, "web01", "sp", "/var/log/x"), 0);
	T_BYTES(&b, "Dweb01\0sp\0/var/log/x");
	T_INT(keys_posting(&b, "user.name", "RooT", 4, 1,
	    0x0a0b0c0d0e0f1011ULL), 0);
	T_BYTES(&b, "Puser.name\0root\0\0\0\0\x01"
	    "\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11");
	T_INT(keys_posting_prefix(&b, "user.name", "RooT", 4), 0);
	T_BYTES(&b, "Puser.name\0root\0");
	/* only ASCII is lower-cased; other bytes are kept */
	T_INT(keys_posting_prefix(&b, "f", "\xc3\x84Z@[", 5), 0);
	T_BYTES(&b, "Pf\0\xc3\x84z@[\0");
	/* empty value */
	T_INT(keys_posting_prefix(&b, "f", "", 0), 0);
	T_BYTES(&b, "Pf\0\0");
	buf_clear(&b);
}

static void
test_order(void)
{
	struct buf	 a, b;
	struct blockref	 r1 = { 1, 0xff }, r2 = { 1, 0x100 };
	struct blockref	 r3 = { 2, 0 }, big = { 0xffffffffu, UINT64_MAX };

	buf_init(&a, 0);
	buf_init(&b, 0);
	/* every key of hour h sorts before every key of h + 1 */
	keys_time(&a, 255, &big);
	keys_time(&b, 256, &(struct blockref){ 0, 0 });
	T_INT(cmp(&a, &b), -1);
	keys_posting(&a, "host.name", "web01", 5, 255, UINT64_MAX);
	keys_posting(&b, "host.name", "web01", 5, 256, 1);
	T_INT(cmp(&a, &b), -1);
	keys_posting(&a, "host.name", "web01", 5, 0xfffffffeu, UINT64_MAX);
	keys_posting(&b, "host.name", "web01", 5, 0xffffffffu, 1);
	T_INT(cmp(&a, &b), -1);
	/* groups of one hour in write order */
	keys_posting(&a, "host.name", "web01", 5, 7, 255);
	keys_posting(&b, "host.name", "web01", 5, 7, 256);
	T_INT(cmp(&a, &b), -1);
	/* sequence numbers sort numerically (big endian), then streams */
	keys_block(&a, &r1);
	keys_block(&b, &r2);
	T_INT(cmp(&a, &b), -1);
	keys_block(&a, &r2);
	keys_block(&b, &r3);
	T_INT(cmp(&a, &b), -1);
	keys_time(&a, 9, &r1);
	keys_time(&b, 9, &r2);
	T_INT(cmp(&a, &b), -1);
	keys_ingest(&a, 0xff);
	keys_ingest(&b, 0x100);
	T_INT(cmp(&a, &b), -1);
	keys_stream(&a, 0xff);
	keys_stream(&b, 0x100);
	T_INT(cmp(&a, &b), -1);
	/* a value that is a prefix of another: the NUL keeps them apart */
	keys_posting(&a, "user.name", "ro", 2, 0xffffffffu, UINT64_MAX);
	keys_posting(&b, "user.name", "root", 4, 0, 1);
	T_INT(cmp(&a, &b), -1);
	keys_posting_prefix(&a, "user.name", "ro", 2);
	keys_posting(&b, "user.name", "root", 4, 0, 1);
	T_OK(b.len < a.len || memcmp(a.d, b.d, a.len) != 0);
	/* case-insensitive: the same key */
	keys_posting(&a, "user.name", "ROOT", 4, 3, 9);
	keys_posting(&b, "user.name", "root", 4, 3, 9);
	T_INT(cmp(&a, &b), 0);

	T_INT(keys_hour(0), 0);
	T_INT(keys_hour(-1), 0);
	T_INT(keys_hour(INT64_MIN), 0);
	T_INT(keys_hour(3600000000LL - 1), 0);
	T_INT(keys_hour(3600000000LL), 1);
	T_INT(keys_hour(1710407643123000LL), 475113);
	T_INT(keys_hour(INT64_MAX), INT64_MAX / 3600000000LL);
	buf_clear(&a);
	buf_clear(&b);
}

static void
test_limits(void)
{
	struct buf	 b;
	struct blockref	 ref = { 1, 2 };
	uint64_t	 g = 2;
	char		 v[KEYS_VALUE_MAX + 1], f[KEYS_FIELD_MAX + 2];

	buf_init(&b, 0);
	memset(v, 'V', sizeof(v));
	T_INT(keys_posting(&b, "x", v, KEYS_VALUE_MAX, 0, g), 0);
	T_INT(b.len, 1 + 2 + KEYS_VALUE_MAX + 1 + KEYS_PTAIL);
	T_INT(b.d[3], 'v');
	T_INT(keys_posting(&b, "x", v, KEYS_VALUE_MAX + 1, 0, g),
	    ERR_TOOBIG);
	T_INT(keys_posting_prefix(&b, "x", v, KEYS_VALUE_MAX + 1),
	    ERR_TOOBIG);
	/* NUL in a value is rejected: it would end the value early */
	T_INT(keys_posting(&b, "x", "a\0b", 3, 0, g), ERR_FORMAT);
	T_INT(keys_posting_prefix(&b, "x", "\0", 1), ERR_FORMAT);
	/* field names: non-empty, at most KEYS_FIELD_MAX */
	T_INT(keys_posting(&b, "", "a", 1, 0, g), ERR_TOOBIG);
	memset(f, 'f', sizeof(f));
	f[KEYS_FIELD_MAX] = '\0';
	T_INT(keys_posting(&b, f, "a", 1, 0, g), 0);
	f[KEYS_FIELD_MAX] = 'f';
	f[KEYS_FIELD_MAX + 1] = '\0';
	T_INT(keys_posting(&b, f, "a", 1, 0, g), ERR_TOOBIG);
	/* a capped buffer */
	buf_clear(&b);
	buf_init(&b, 8);
	T_INT(keys_block(&b, &ref), ERR_TOOBIG);
	T_INT(keys_stream(&b, 1), 0);
	T_OK(keys_posting(&b, "host.name", "a", 1, 0, g) < 0);
	buf_clear(&b);
}

/* P values: sparse and dense entries, round trips, damaged input */
static void
test_postval(void)
{
	struct buf	 b;
	struct bufr	 r;
	struct blockref	 in[3] = { { 0, 1 }, { 0xffffffffu, UINT64_MAX },
			    { 7, 300 } }, out;
	uint8_t		 bm[3][KEYS_POSTBM], got[KEYS_POSTBM];
	int		 i;

	memset(bm, 0, sizeof(bm));
	bm[0][0] = 0x01;			/* event 0 */
	bm[0][31] = 0x80;			/* event 255 */
	memset(bm[1], 0xff, KEYS_POSTBM);	/* all 256: dense */
	for (i = 0; i < 31; i++)		/* 31 events: still sparse */
		bm[2][i / 8 * 2] |= (uint8_t)(1u << (i % 8));
	buf_init(&b, 0);
	for (i = 0; i < 3; i++)
		T_INT(keys_postval_put(&b, &in[i], bm[i]), 0);
	/* entry 0: varint 0, varint 1, 2 indexes */
	T_OK(b.len > 5 && memcmp(b.d, "\0\x01\x02\x00\xff", 5) == 0);
	bufr_init(&r, b.d, b.len);
	for (i = 0; i < 3; i++) {
		T_INT(keys_postval_next(&r, &out, got), 1);
		T_INT(out.stream, in[i].stream);
		T_OK(out.first_seq == in[i].first_seq);
		T_OK(memcmp(got, bm[i], KEYS_POSTBM) == 0);
	}
	T_INT(keys_postval_next(&r, &out, got), 0);
	T_INT(keys_postval_next(&r, &out, got), 0);
	/* every truncation of the last entry is an error, not a crash */
	for (i = 1; i < 40; i++) {
		size_t cut = b.len - (size_t)i;
		int e, n = 0;

		bufr_init(&r, b.d, cut);
		while ((e = keys_postval_next(&r, &out, got)) == 1)
			n++;
		T_OK(e == ERR_FORMAT || (e == 0 && n < 3));
	}
	/* indexes must ascend; n >= 32 is not an encoding */
	bufr_init(&r, "\x01\x02\x02\x05\x05", 5);
	T_INT(keys_postval_next(&r, &out, got), ERR_FORMAT);
	bufr_init(&r, "\x01\x02\x02\x05\x04", 5);
	T_INT(keys_postval_next(&r, &out, got), ERR_FORMAT);
	bufr_init(&r, "\x01\x02\x20", 3);
	T_INT(keys_postval_next(&r, &out, got), ERR_FORMAT);
	/* a stream over 32 bits */
	bufr_init(&r, "\x80\x80\x80\x80\x10\x01\x01\x00", 8);
	T_INT(keys_postval_next(&r, &out, got), ERR_FORMAT);
	buf_clear(&b);
}

static void
test_decode(void)
{
	struct buf	 b;
	struct blockref	 in = { 0xdeadbeef, 0x0123456789abcdefULL }, out;
	uint32_t	 hour;
	uint64_t	 c;
	size_t		 plen;

	buf_init(&b, 0);
	keys_posting(&b, "process.name", "sshd", 4, 475113,
	    0x0123456789abcdefULL);
	plen = b.len - KEYS_PTAIL;
	T_INT(keys_decode_ptail(b.d, b.len, plen, &hour, &c), 0);
	T_INT(hour, 475113);
	T_OK(c == 0x0123456789abcdefULL);
	T_INT(keys_decode_ptail(b.d, b.len - 1, plen, &hour, &c),
	    ERR_FORMAT);
	T_INT(keys_decode_ptail(b.d, b.len, plen + 1, &hour, &c),
	    ERR_FORMAT);
	T_INT(keys_decode_ptail(b.d, b.len, plen - 1, &hour, &c),
	    ERR_FORMAT);
	keys_time(&b, 7, &in);
	T_INT(keys_decode_tail(b.d, b.len, 1, &hour, &out), 0);
	T_INT(hour, 7);
	T_INT(out.stream, 0xdeadbeef);
	T_INT(keys_decode_tail(b.d, 0, 1, &hour, &out), ERR_FORMAT);

	keys_block(&b, &in);
	memset(&out, 0, sizeof(out));
	T_INT(keys_decode_block(b.d, b.len, &out), 0);
	T_INT(out.stream, 0xdeadbeef);
	T_OK(out.first_seq == 0x0123456789abcdefULL);
	T_INT(keys_decode_block(b.d, b.len - 1, &out), ERR_FORMAT);
	T_INT(keys_decode_block(b.d, 0, &out), ERR_FORMAT);
	buf_put_u8(&b, 0);
	T_INT(keys_decode_block(b.d, b.len, &out), ERR_FORMAT);
	keys_time(&b, 7, &in);
	T_INT(keys_decode_block(b.d, 13, &out), ERR_FORMAT);	/* 'T' */

	keys_ingest(&b, UINT64_MAX - 1);
	T_INT(keys_decode_ingest(b.d, b.len, &c), 0);
	T_OK(c == UINT64_MAX - 1);
	T_INT(keys_decode_ingest(b.d, 8, &c), ERR_FORMAT);
	T_INT(keys_decode_ingest(b.d, 0, &c), ERR_FORMAT);
	b.d[0] = 'B';
	T_INT(keys_decode_ingest(b.d, 9, &c), ERR_FORMAT);
	buf_clear(&b);
}

static void
test_stream(void)
{
	struct buf		 b;
	struct stream_rec	 in, out;
	uint8_t			*m;
	size_t			 i, k;
	uint32_t		 x = 88172645u;

	buf_init(&b, 0);
	memset(&in, 0, sizeof(in));
	in.role = "guest";
	in.vm_uuid = "4b1c1d2e-9f30-4c1a-8e2b-0a1b2c3d4e5f";
	in.sender = "web01.example.org";
	in.instance = "3f0c";
	in.name = "/var/log/auth.log";
	in.type = "auth";
	in.next_seq = 123456789012ULL;
	T_INT(keys_stream_encode(&b, &in), 0);
	T_INT(keys_stream_decode(b.d, b.len, &out), 0);
	T_STR(out.sender, "web01.example.org");
	T_STR(out.instance, "3f0c");
	T_STR(out.name, "/var/log/auth.log");
	T_STR(out.type, "auth");
	T_OK(out.next_seq == 123456789012ULL);
	T_STR(out.role, "guest");
	T_STR(out.vm_uuid, "4b1c1d2e-9f30-4c1a-8e2b-0a1b2c3d4e5f");
	keys_stream_clear(&out);
	T_OK(out.sender == NULL && out.type == NULL);
	keys_stream_clear(&out);		/* twice is fine */

	/* every truncation fails and frees what it allocated */
	for (i = 0; i < b.len; i++) {
		T_OK(keys_stream_decode(b.d, i, &out) < 0);
		T_OK(out.sender == NULL && out.name == NULL);
	}
	/* trailing garbage */
	buf_put_u8(&b, 0);
	T_INT(keys_stream_decode(b.d, b.len, &out), ERR_FORMAT);
	b.len--;
	/* wrong version */
	b.d[0] = 3;
	T_INT(keys_stream_decode(b.d, b.len, &out), ERR_VERSION);
	/* a version 1 record (no role, no vm_uuid) still decodes */
	b.d[0] = 1;
	T_INT(keys_stream_decode(b.d, b.len - (4 + 5 + 4 + 36), &out), 0);
	T_OK(out.role == NULL && out.vm_uuid == NULL);
	T_OK(out.next_seq == 123456789012ULL);
	keys_stream_clear(&out);
	b.d[0] = 2;
	/* NUL inside a string */
	b.d[1 + 4 + 3] = '\0';
	T_INT(keys_stream_decode(b.d, b.len, &out), ERR_FORMAT);
	T_OK(out.sender == NULL);
	b.d[1 + 4 + 3] = '0';
	/* a giant string length */
	be32_put(b.d + 1 + 4 + 17, 0xffffffffu);
	T_OK(keys_stream_decode(b.d, b.len, &out) < 0);

	/* NULL strings encode as "" */
	in.instance = NULL;
	T_INT(keys_stream_encode(&b, &in), 0);
	T_INT(keys_stream_decode(b.d, b.len, &out), 0);
	T_STR(out.instance, "");
	keys_stream_clear(&out);

	/* bit flips: no crash, no leak (ASan) */
	if ((m = malloc(b.len)) == NULL)
		abort();
	for (i = 0; i < 5000; i++) {
		memcpy(m, b.d, b.len);
		for (k = 0; k <= i % 4; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			m[x % b.len] ^= 1u << (x >> 8 & 7);
		}
		if (keys_stream_decode(m, b.len - i % 3, &out) == 0)
			keys_stream_clear(&out);
	}
	T_OK(1);
	free(m);
	buf_clear(&b);
}

static void
test_chain(void)
{
	struct chain_link	 l, m;
	struct blockref		 a = { 1, 1 }, b = { 1, 257 };
	uint8_t			 zero[CHAIN_HASH] = { 0 }, h1[CHAIN_HASH];
	uint8_t			 h2[CHAIN_HASH], h3[CHAIN_HASH], v[CHAIN_LINK];
	const uint8_t		 blk[] = "block bytes";

	T_INT(keys_chain_hash(zero, &a, blk, sizeof(blk), h1), 0);
	T_INT(keys_chain_hash(zero, &a, blk, sizeof(blk), h2), 0);
	T_OK(memcmp(h1, h2, CHAIN_HASH) == 0);		/* deterministic */
	T_INT(keys_chain_hash(zero, &b, blk, sizeof(blk), h2), 0);
	T_OK(memcmp(h1, h2, CHAIN_HASH) != 0);		/* the ref counts */
	T_INT(keys_chain_hash(h1, &a, blk, sizeof(blk), h3), 0);
	T_OK(memcmp(h1, h3, CHAIN_HASH) != 0);		/* and prev */
	T_INT(keys_chain_hash(zero, &a, blk, sizeof(blk) - 1, h3), 0);
	T_OK(memcmp(h1, h3, CHAIN_HASH) != 0);		/* and every byte */
	/* the documented formula (docs/storage.md), checked with Python's
	 * hashlib: sha256(zero[32] || be32 1 || be64 1 || "block bytes\0") */
	{
		static const uint8_t want[CHAIN_HASH] = {
		    0x9a, 0x98, 0x21, 0x51, 0x4f, 0x06, 0xbb, 0xc5,
		    0x91, 0x5f, 0x55, 0x8f, 0xf0, 0x0f, 0x4c, 0x62,
		    0xcd, 0x39, 0xef, 0x03, 0xe7, 0xb1, 0xae, 0xc1,
		    0x53, 0x0a, 0xc1, 0x0c, 0x54, 0x9a, 0x91, 0x0b
		};

		T_OK(memcmp(h1, want, CHAIN_HASH) == 0);
	}
	memset(&l, 0, sizeof(l));
	l.count = 256;
	memcpy(l.prev, h1, CHAIN_HASH);
	memcpy(l.hash, h2, CHAIN_HASH);
	keys_link_encode(v, &l);
	T_INT(keys_link_decode(v, sizeof(v), &m), 0);
	T_INT(m.count, 256);
	T_OK(memcmp(&l, &m, sizeof(l)) == 0);
	T_INT(keys_link_decode(v, sizeof(v) - 1, &m), ERR_FORMAT);
	v[0] = 2;
	T_INT(keys_link_decode(v, sizeof(v), &m), ERR_FORMAT);
	{
		struct buf k;

		buf_init(&k, 0);
		T_INT(keys_chain(&k, 'H', &a), 0);
		T_INT(k.len, 13);
		T_OK(k.d[0] == 'H' && k.d[4] == 1 && k.d[12] == 1);
		buf_clear(&k);
	}
}

int
main(void)
{
	test_encode();
	test_order();
	test_limits();
	test_decode();
	test_postval();
	test_stream();
	test_chain();
	return TEST_DONE();
}
