/*
 * verify.h -- re-walk every stream's hash chain (keys.h, "H" links) and
 * name what does not fit (docs/storage.md, "Tamper evidence"):
 *
 *   modified   a block whose bytes no longer hash to its link
 *   truncated  a block holding fewer events than its link counted
 *   deleted    a link without its block, or a link whose predecessor is
 *              gone (and was not removed by retention: "X" marks)
 *   inserted   a block without a link
 *
 * Runs on a query thread; reads only.
 */
#ifndef VIGIL_VERIFY_H
#define VIGIL_VERIFY_H

#include <stdint.h>

#include "store.h"

struct verify_stats {
	uint64_t	streams;
	uint64_t	blocks;
	uint64_t	events;
	uint64_t	problems;
};

/* Called with one JSON object per problem and one per stream checked. */
typedef int (*verify_emitfn)(void *arg, const char *json, size_t len);

/* host NULL: every stream. */
int	verify_run(struct store *, const char *host, verify_emitfn, void *,
	    struct verify_stats *);

#endif
