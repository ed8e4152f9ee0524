/*
 * spool_rec.c -- the spool's record codec (spool.h): CRC-32 and the 'N'
 * and 'L' records of a segment file.  Pure: byte arrays only, fuzzable.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "spool.h"


/*
 * CRC-32 without a byte-at-a-time loop: every line is checksummed when it
 * is spooled and again when it is read back, and the classic loop (one
 * table lookup per byte, each waiting for the last) was more than half of
 * the shipper's CPU time.
 *
 * Slicing-by-8 (Kounavis and Berry, Intel 2005): crc_table[0] is the
 * classic table, crc_table[k][i] the CRC of byte i followed by k zero
 * bytes, so that eight bytes cost eight independent lookups.  Bytes are
 * assembled one by one: the result does not depend on the byte order.
 *
 * On x86-64 with PCLMULQDQ, runs of 16-byte blocks are first folded with
 * carry-less multiplication (Gopal et al., "Fast CRC computation for
 * generic polynomials using PCLMULQDQ", Intel 2009): the 128-bit value A
 * standing for what was read so far moves over the next block as
 * A.lo * k3 xor A.hi * k4 xor block, with k3, k4 = x^(128+32), x^(128-32)
 * mod P bit-reflected (the constants of the paper and of Linux's
 * crc32-pclmul).  What is left is a 16-byte value with the same CRC as
 * the blocks it stands for, finished by the tables with the tail.  The
 * unit test checks both paths against the bitwise definition.
 */
static uint32_t crc_table[8][256];
static int	crc_ready;
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CRC_CLMUL	1
static int	crc_clmul_ok;
#endif

static void
crc_init(void)
{
	uint32_t c, k;
	size_t	 i, t;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
			    crc_table[0][crc_table[t - 1][i] & 0xff];
#ifdef CRC_CLMUL
	__builtin_cpu_init();
	crc_clmul_ok = __builtin_cpu_supports("pclmul");
#endif
	crc_ready = 1;
}

/* The CRC register c (not inverted) after b[0..len). */
static uint32_t
crc_slice(uint32_t c, const uint8_t *b, size_t len)
{
	for (; len >= 8; b += 8, len -= 8) {
		c ^= (uint32_t)b[0] | (uint32_t)b[1] << 8 |
		    (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
		c = crc_table[7][c & 0xff] ^ crc_table[6][(c >> 8) & 0xff] ^
		    crc_table[5][(c >> 16) & 0xff] ^ crc_table[4][c >> 24] ^
		    crc_table[3][b[4]] ^ crc_table[2][b[5]] ^
		    crc_table[1][b[6]] ^ crc_table[0][b[7]];
	}
	for (; len > 0; b++, len--)
		c = crc_table[0][(c ^ *b) & 0xff] ^ (c >> 8);
	return c;
}

#ifdef CRC_CLMUL
/*
 * Fold the 16-byte blocks of b[0..len) (len >= 32) with the register c
 * into one 16-byte value, stored in out; returns the bytes not folded
 * (fewer than 16).  crc_slice(0, out, 16) then continues the CRC.
 */
__attribute__((target("pclmul,sse2")))
static size_t
crc_fold(uint32_t c, const uint8_t *b, size_t len, uint8_t out[16])
{
	/* k3 (low qword) and k4 (high qword) */
	const __m128i	k = _mm_set_epi64x(0x0ccaa009eLL, 0x1751997d0LL);
	__m128i		x, y;

	x = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)b),
	    _mm_cvtsi32_si128((int)c));
	for (b += 16, len -= 16; len >= 16; b += 16, len -= 16) {
		y = _mm_clmulepi64_si128(x, k, 0x00);
		x = _mm_clmulepi64_si128(x, k, 0x11);
		x = _mm_xor_si128(_mm_xor_si128(x, y),
		    _mm_loadu_si128((const __m128i *)(const void *)b));
	}
	_mm_storeu_si128((__m128i *)(void *)out, x);
	return len;
}
#endif

uint32_t
spool_crc32(const uint8_t *b, size_t len)
{
	uint32_t c = 0xffffffffu;

	if (!crc_ready)
		crc_init();
#ifdef CRC_CLMUL
	if (crc_clmul_ok && len >= 32) {
		uint8_t	folded[16];
		size_t	left = crc_fold(c, b, len, folded);

		b += len - left;
		len = left;
		c = crc_slice(0, folded, sizeof(folded));
	}
#endif
	return crc_slice(c, b, len) ^ 0xffffffffu;
}

/* Fill in the length and CRC of the record that starts at mark. */
static int
rec_end(struct buf *out, size_t mark)
{
	size_t n = out->len - mark - 8;

	if (n > SPOOL_REC_MAX) {
		out->len = mark;
		return ERR_TOOBIG;
	}
	be32_put(out->d + mark, (uint32_t)n);
	be32_put(out->d + mark + 4, spool_crc32(out->d + mark + 8, n));
	return 0;
}

int
spool_rec_name(struct buf *out, uint32_t id, const char *name, size_t len)
{
	size_t	mark = out->len;
	int	r;

	if (len == 0 || len > SPOOL_NAME_MAX)
		return ERR_TOOBIG;
	if ((r = buf_put_u64(out, 0)) != 0 ||
	    (r = buf_put_u8(out, SPOOL_T_NAME)) != 0 ||
	    (r = buf_put_u32(out, id)) != 0 ||
	    (r = buf_put_str(out, name, len)) != 0) {
		out->len = mark;
		return r;
	}
	return rec_end(out, mark);
}

int
spool_rec_line(struct buf *out, uint32_t id, uint64_t seq, int64_t read_us,
    const uint8_t *line, size_t len)
{
	size_t	mark = out->len;
	int	r;

	if (len > SPOOL_REC_MAX - 64)
		return ERR_TOOBIG;
	if ((r = buf_put_u64(out, 0)) != 0 ||
	    (r = buf_put_u8(out, SPOOL_T_LINE)) != 0 ||
	    (r = buf_put_u32(out, id)) != 0 ||
	    (r = buf_put_u64(out, seq)) != 0 ||
	    (r = buf_put_u64(out, (uint64_t)read_us)) != 0 ||
	    (r = buf_put_str(out, (const char *)line, len)) != 0) {
		out->len = mark;
		return r;
	}
	return rec_end(out, mark);
}

int
spool_rec_decode(const uint8_t *b, size_t len, struct spool_drec *rec,
    size_t *used)
{
	struct bufr	 r;
	const char	*s;
	uint32_t	 n;
	uint64_t	 us;

	if (len < 8)
		return 0;
	n = be32_get(b);
	if (n < 1 || n > SPOOL_REC_MAX)
		return ERR_FORMAT;
	if (len - 8 < n)
		return 0;
	if (spool_crc32(b + 8, n) != be32_get(b + 4))
		return ERR_FORMAT;
	memset(rec, 0, sizeof(*rec));
	rec->type = b[8];
	bufr_init(&r, b + 9, n - 1);
	if (bufr_get_u32(&r, &rec->id) != 0)
		return ERR_FORMAT;
	switch (rec->type) {
	case SPOOL_T_NAME:
		if (bufr_get_str(&r, &s, &rec->len, SPOOL_NAME_MAX) != 0 ||
		    rec->len == 0)
			return ERR_FORMAT;
		break;
	case SPOOL_T_LINE:
		if (bufr_get_u64(&r, &rec->seq) != 0 || rec->seq == 0 ||
		    bufr_get_u64(&r, &us) != 0 ||
		    bufr_get_str(&r, &s, &rec->len, SPOOL_REC_MAX) != 0)
			return ERR_FORMAT;
		rec->read_us = (int64_t)us;
		break;
	default:
		return ERR_FORMAT;
	}
	if (r.left != 0)
		return ERR_FORMAT;
	rec->p = (const uint8_t *)s;
	*used = 8 + (size_t)n;
	return 1;
}
