/*
 * internal.h -- the collector's own events (docs/events.md): a cloned or
 * unverified guest, a sequence gap.  Each is a line
 *	"TIME HOST vigil-collector: event=NAME key=value ..."
 * stored in the collector's internal stream like any shipped line, so
 * searches and rules see it; decode.c (dec_internal) gives it fields.
 */
#ifndef VIGIL_INTERNAL_H
#define VIGIL_INTERNAL_H

#include <stdint.h>

#include "buf.h"
#include "proto.h"
#include "store.h"

/* The internal stream's id (created on first use); 0 or an ERR_. */
int	internal_stream(struct store *, uint32_t *id);
/*
 * Format the line for msg at now_us and encode it as a one-event batch
 * (first_seq 0: the store numbers it) into b; *out points into b.
 */
int	internal_batch(struct buf *b, int64_t now_us, const char *msg,
	    struct proto_batch *out);

#endif
