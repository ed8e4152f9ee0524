/*
 * buf.h -- bounded growable byte buffer with big-endian put/get helpers
 * (after OpenSSH sshbuf).  Every buffer has a hard maximum size; a put that
 * would exceed it fails with ERR_TOOBIG and leaves the buffer unchanged.
 *
 * Reading: struct bufr is a cursor over const bytes; every get checks the
 * remaining length and returns ERR_FORMAT when the input is short.
 */
#ifndef VIGIL_BUF_H
#define VIGIL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t	*d;
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* hard limit on len */
};

#define BUF_MAX_DEFAULT	(64u * 1024 * 1024)

/* Caller-embedded buffer: buf_init sets max (0 = BUF_MAX_DEFAULT). */
void	buf_init(struct buf *, size_t max);
void	buf_clear(struct buf *);		/* frees the storage */
void	buf_reset(struct buf *);		/* len = 0, keeps storage */
int	buf_reserve(struct buf *, size_t n);	/* room for n more bytes */
int	buf_put(struct buf *, const void *, size_t);
int	buf_put_u8(struct buf *, uint8_t);
int	buf_put_u16(struct buf *, uint16_t);
int	buf_put_u32(struct buf *, uint32_t);
int	buf_put_u64(struct buf *, uint64_t);
/* u32 length then the bytes */
int	buf_put_str(struct buf *, const char *, size_t);
int	buf_put_cstr(struct buf *, const char *);	/* NULL puts "" */
int	buf_put_varint(struct buf *, uint64_t);		/* LEB128 */
int	buf_putf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Remove n bytes from the front. */
void	buf_consume(struct buf *, size_t n);

struct bufr {
	const uint8_t	*p;
	size_t		 left;
};

void	bufr_init(struct bufr *, const void *, size_t);
int	bufr_get_u8(struct bufr *, uint8_t *);
int	bufr_get_u16(struct bufr *, uint16_t *);
int	bufr_get_u32(struct bufr *, uint32_t *);
int	bufr_get_u64(struct bufr *, uint64_t *);
int	bufr_get_varint(struct bufr *, uint64_t *);
/*
 * u32 length + bytes; *p points into the input (not NUL-terminated) and is
 * valid as long as the input is.  Fails with ERR_TOOBIG if len > max.
 */
int	bufr_get_str(struct bufr *, const char **p, size_t *len, size_t max);
int	bufr_get_bytes(struct bufr *, const uint8_t **p, size_t len);

/* Big-endian helpers on raw memory. */
void	be16_put(uint8_t *, uint16_t);
void	be32_put(uint8_t *, uint32_t);
void	be64_put(uint8_t *, uint64_t);
uint16_t be16_get(const uint8_t *);
uint32_t be32_get(const uint8_t *);
uint64_t be64_get(const uint8_t *);

#endif
