/*
 * search.h -- query execution over the store: picks candidate blocks from
 * the postings ("P" keys) of the query's required terms, or from the time
 * index ("T" keys), decodes only the events the bitmaps name, and matches
 * them.  Never scans the whole store for an indexed term or a time range.
 */
#ifndef VIGIL_SEARCH_H
#define VIGIL_SEARCH_H

#include <stdint.h>

#include "buf.h"
#include "record.h"
#include "query.h"
#include "store.h"

#define SEARCH_LIMIT_MAX	1000000
#define SEARCH_LINES_MAX	(2048u * 1024 * 1024)	/* rendered hits */

struct search_req {
	const struct query	*q;
	int64_t			 since_us;	/* inclusive; INT64_MIN: none */
	int64_t			 until_us;	/* exclusive; INT64_MAX: none */
	size_t			 limit;		/* newest N, printed oldest first */
};

struct search_stats {
	uint64_t	candidates;	/* blocks looked at */
	uint64_t	decoded;	/* events decoded */
	uint64_t	matched;
};

/* Called once per result with one JSON object (no newline).  Non-zero
 * return stops the search. */
typedef int (*search_emitfn)(void *arg, const char *json, size_t len);

int	search_run(struct store *, const struct search_req *, search_emitfn,
	    void *arg, struct search_stats *);
/*
 * Follow: emit every matching event committed after *commit, in commit
 * order, and advance *commit.  Call repeatedly.
 */
int	search_follow(struct store *, const struct query *, uint64_t *commit,
	    search_emitfn, void *arg);
/*
 * Render the event (stream, seq) into out (appended), decoded and
 * enriched as search_run does.  ERR_NOTFOUND when it is not stored (never
 * arrived, or deleted by retention).
 */
int	search_event(struct store *, uint32_t stream, uint64_t seq,
	    struct buf *out);
/* The JSON form of one event (flat ECS keys, docs/events.md). */
int	search_render(struct buf *out, const struct record *,
	    const struct stream_meta *, uint64_t seq);

#endif
