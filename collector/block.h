/*
 * block.h -- the encoding of one stored block: up to BLOCK_MAX_EVENTS
 * consecutive events of one stream (docs/storage.md).  Pure.
 *
 *   u8 version (1)
 *   varint count
 *   varint recv_us                 receive time of the batch
 *   svarint tzoff_sec              zone used for zone-less times
 *   count x {
 *     svarint ts_us - recv_us      event time
 *     svarint read_us - recv_us    shipper read time
 *     varint flags                 REC_F_*
 *     varint len, raw bytes        the line as received
 *     varint nextra, nextra x { varint len, name; varint len, value }
 *   }
 * Sequence numbers are implicit: first_seq (in the key) + index.
 * Structured fields are not stored: they are decoded again from the raw
 * line with the same context (receive time, zone), which is deterministic.
 * Fields only known at ingest (nextra) are stored explicitly.
 */
#ifndef VIGIL_BLOCK_H
#define VIGIL_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define BLOCK_MAX_EVENTS	256
#define BLOCK_EXTRA_MAX		16
#define BLOCK_BITMAP		(BLOCK_MAX_EVENTS / 8)

struct block_extra {
	const char	*name;	size_t namelen;
	const char	*val;	size_t vallen;
};

struct block_ev {
	int64_t			ts_us;
	int64_t			read_us;
	uint32_t		flags;
	const char		*raw;
	size_t			rawlen;
	int			nextra;
	struct block_extra	extra[BLOCK_EXTRA_MAX];
};

/* Append the header; then block_put each event (count must match). */
int	block_begin(struct buf *, uint32_t count, int64_t recv_us,
	    int32_t tzoff);
int	block_put(struct buf *, int64_t recv_us, const struct block_ev *);

struct block_reader {
	struct bufr	rd;
	uint32_t	count;
	uint32_t	index;		/* of the next event */
	int64_t		recv_us;
	int32_t		tzoff;
};

/* Read the header.  Pointers in events point into the input. */
int	block_open(struct block_reader *, const uint8_t *, size_t);
/* 1 with the next event, 0 at the end, <0 when malformed. */
int	block_next(struct block_reader *, struct block_ev *);

/* Bitmap helpers (BLOCK_BITMAP bytes). */
void	bitmap_set(uint8_t *, unsigned);
int	bitmap_isset(const uint8_t *, unsigned);

#endif
