/*
 * predecode.h -- a batch's events decoded before the writer thread.
 *
 * The writer thread is the busiest stage of ingest, and decoding was about
 * a third of its work, while the event loop thread mostly waits for the
 * network.  So the event loop decodes each batch as it arrives and packs
 * the records; the writer unpacks them, which costs a small fraction of
 * decoding them.  An unpacked record is field for field the record
 * decode_event makes (same order, names, numbers, values, flags and
 * times), so everything after it (placement, indexing, rules) is
 * unchanged.  Values inside the raw line are packed as offsets, the others
 * are copied; the packed form lives in the writer job, next to the raw
 * lines it points into, and is only read in this process.
 */
#ifndef VIGIL_PREDECODE_H
#define VIGIL_PREDECODE_H

#include <stdint.h>
#include <stddef.h>

#include "buf.h"
#include "decode.h"
#include "proto.h"
#include "record.h"

/* Append the record decoded from raw[0..rawlen) to out. */
int	predecode_pack(struct buf *out, const struct record *ev,
	    const char *raw, size_t rawlen);

/*
 * Decode every event of b with ctx and pack them into out, in order;
 * tmp is scratch space for one record.
 */
int	predecode_batch(const struct decode_ctx *ctx,
	    const struct proto_batch *b, struct record *tmp, struct buf *out);

/* Reading packed records in order. */
struct predecode_cur {
	const uint8_t	*p, *end;
};
void	predecode_cur_init(struct predecode_cur *, const void *, size_t);
/* Skip one record: 0, or ERR_RANGE when none is left. */
int	predecode_skip(struct predecode_cur *);
/*
 * Unpack the next record into ev: the event whose raw line is
 * raw[0..rawlen), read at read_us and received at recv_us (what
 * decode_event was given).  0, or ERR_RANGE when none is left or the
 * record does not fit raw (then ev is not to be used).
 */
int	predecode_next(struct predecode_cur *, const char *raw, size_t rawlen,
	    int64_t read_us, int64_t recv_us, struct record *ev);

#endif
