/*
 * cand.h -- candidate blocks of a query: read from the postings ("P") of
 * its indexed terms, or from the time index ("T"), hour by hour, with
 * the bitmap of the events in each block that can match.  Used by search
 * (search.c) and the aggregations (agg.c).
 */
#ifndef VIGIL_CAND_H
#define VIGIL_CAND_H

#include <stddef.h>
#include <stdint.h>

#include "block.h"
#include "keys.h"
#include "store.h"

struct cand {
	uint32_t	hour;
	struct blockref	ref;
	uint8_t		bm[BLOCK_BITMAP];
};

/*
 * Append to *cv (growing it; caller frees) the blocks under key prefix pre
 * (a posting prefix "P field 0 value 0", or "T") in hours [h0, h1].
 */
int	cand_collect(struct store *, const uint8_t *pre, size_t plen,
	    uint32_t h0, uint32_t h1, struct cand **cv, size_t *nc);
/* AND each candidate's bitmap with another term's posting; drop empties. */
int	cand_intersect(struct store *, const uint8_t *pre, size_t plen,
	    struct cand *cv, size_t *nc);
/* Candidates of field:prefix* (prefix lower-cased): its values' postings
 * ORed per block, appended to *cv and sorted. */
int	cand_collect_prefix(struct store *, const char *field,
	    const char *prefix, size_t len, uint32_t h0, uint32_t h1,
	    struct cand **cv, size_t *nc);
/* AND sorted cv with sorted ov in place; drop the empties. */
void	cand_and(struct cand *cv, size_t *nc, const struct cand *ov,
	    size_t no);
/* Sort by hour, then block. */
void	cand_sort(struct cand *, size_t);
/* The candidate of (hour, block) in a sorted array, or NULL. */
const struct cand *cand_find(const struct cand *, size_t, uint32_t hour,
	    const struct blockref *);

#endif
