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
#include "buf.h"
#include "keys.h"
#include "query.h"
#include "store.h"

#define CAND_TERMS	8	/* terms and globs a plan uses at most */

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
/*
 * Which index keys pick a query's candidates: the posting prefixes of its
 * required exact terms on indexed fields, and its required field globs
 * with a fixed start.  VM fields are not among them: a guest's
 * name and host, and all three VM fields for a host's iptables line on a
 * VM's vnet, are resolved from the placement timeline at query time, so
 * their postings are not complete (docs/storage.md).  The first vm.uuid:U
 * or vm.name:N term (vmpre: its posting prefix) picks the blocks of its
 * postings, for a name also those of the UUIDs the name index ('A' keys)
 * gives N, ORed with every block that holds a bridged netfilter line
 * (netfilter.physin, netfilter.physout or source.mac postings), which is
 * where the resolved ones come from.  Else the first hypervisor.name:H
 * term picks the blocks of its postings, of host.name:H (a host's own
 * events about a VM and its bridged netfilter lines get H) and of
 * vm.uuid:U for every VM U that ran on H in the hours read (a guest's
 * events get the host that ran it then).
 * complete is 1 when every required term is in pre, so that the postings
 * alone answer a query of terms only (the aggregations' index path).
 */
struct cand_plan {
	struct buf	 pre[CAND_TERMS];
	size_t		 npre;
	const char	*fixf[CAND_TERMS], *fixes[CAND_TERMS];
	size_t		 fixlen[CAND_TERMS], nfix;
	struct buf	 vmpre;
	const char	*vmname;	/* vm.name's value (the query's), or NULL */
	const char	*vmhost;	/* hypervisor.name's value, or NULL */
	int		 vm;
	int		 complete;
};
/* 1 for an indexed field whose postings are complete (not vm.name,
 * vm.uuid or hypervisor.name, see above). */
int	cand_field_complete(const char *field);
/* 1 when the plan reads the time index: every block of the range. */
int	cand_plan_scans(const struct cand_plan *);
/* Plan for q (NULL: no terms).  Free with cand_plan_free. */
int	cand_plan(struct cand_plan *, const struct query *q);
void	cand_plan_free(struct cand_plan *);
/*
 * The candidates in hours [h0, h1], sorted: the terms' postings ANDed,
 * then each glob's and the VM term's; the time index when the plan
 * has none of them.
 */
int	cand_select(struct store *, const struct cand_plan *, uint32_t h0,
	    uint32_t h1, struct cand **cv, size_t *nc);
/* Sort by hour, then block. */
void	cand_sort(struct cand *, size_t);
/* The candidate of (hour, block) in a sorted array, or NULL. */
const struct cand *cand_find(const struct cand *, size_t, uint32_t hour,
	    const struct blockref *);

#endif
