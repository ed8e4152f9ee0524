/*
 * block.h -- the encoding of one stored block: up to BLOCK_MAX_EVENTS
 * consecutive events of one stream (docs/storage.md).  Pure.
 *
 * A block is stored in parts of up to BLOCK_PART_EVENTS events, one
 * LevelDB value each, so that reading one event reads one part.  Each
 * part is:
 *
 *   u8 version (2)
 *   varint count                   events in this part
 *   varint index0                  index in the block of its first event
 *   varint total                   events in the whole block
 *   varint recv_us                 receive time of the batch
 *   svarint tzoff_sec              zone used for zone-less times
 *   count x {
 *     svarint ts_us - recv_us      event time
 *     svarint read_us - recv_us    shipper read time
 *     varint flags                 REC_F_*
 *     varint len, raw bytes        the line as received
 *     varint nextra, nextra x { varint len, name; varint len, value }
 *   }
 * The parts of a block concatenated read as the whole block (the chain
 * hash covers that concatenation); one part alone reads as events
 * index0 .. index0+count-1.
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
#define BLOCK_PART_EVENTS	64
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
	uint32_t		index;	/* in the block (read only) */
	const char		*raw;
	size_t			rawlen;
	int			nextra;
	struct block_extra	extra[BLOCK_EXTRA_MAX];
};

/*
 * Append a part header for events index0 .. index0+count-1 of a block of
 * total events; then block_put each of its events.  block_begin is a
 * whole block in one part (tests, tools).
 */
int	block_begin_part(struct buf *, uint32_t count, uint32_t index0,
	    uint32_t total, int64_t recv_us, int32_t tzoff);
int	block_begin(struct buf *, uint32_t count, int64_t recv_us,
	    int32_t tzoff);
int	block_put(struct buf *, int64_t recv_us, const struct block_ev *);

struct block_reader {
	struct bufr	rd;
	uint32_t	count;		/* events in the whole block */
	uint32_t	index;		/* of the next event */
	uint32_t	end;		/* end of the current part */
	int64_t		recv_us;	/* of the current part */
	int32_t		tzoff;
};

/*
 * Read the first part's header (index = its index0).  Pointers in events
 * point into the input.
 */
int	block_open(struct block_reader *, const uint8_t *, size_t);
/*
 * 1 with the next event, 0 at the end of the input, <0 when malformed.
 * A part that follows in the input must continue the block (index0 is
 * the previous part's end, same total).  The input ended before the
 * block's end when index < count afterwards.
 */
int	block_next(struct block_reader *, struct block_ev *);

/* Bitmap helpers (BLOCK_BITMAP bytes). */
void	bitmap_set(uint8_t *, unsigned);
int	bitmap_isset(const uint8_t *, unsigned);
/* The first set bit at or after i; BLOCK_MAX_EVENTS when none. */
unsigned bitmap_next(const uint8_t *, unsigned i);

#endif
