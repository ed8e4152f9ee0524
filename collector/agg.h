/*
 * agg.h -- aggregations for the query socket: "top" (most frequent values
 * of a field) and "count" (events per time bucket, optionally per value
 * of a field).  docs/performance.md, "Aggregations".
 *
 * Answered from the index where the answer is exact there:
 *   - the query is empty or only exact field:value terms on indexed
 *     fields (so matching == being in every term's postings);
 *   - the grouping field, if any, is indexed;
 *   - for count, the interval is a whole number of hours;
 * then every hour wholly inside [since, until) is summed from bitmap
 * popcounts: T bitmaps (count), P bitmaps of the field (top, count --by),
 * ANDed with the terms' postings.  The (at most two) partial edge hours,
 * and every other query, decode the candidate blocks as search does.
 * Values summed from P keys are lower-cased (as indexed).
 */
#ifndef VIGIL_AGG_H
#define VIGIL_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "query.h"
#include "search.h"

struct store;

#define AGG_TOP		1
#define AGG_COUNT	2
#define AGG_BUCKETS_MAX	10000
#define AGG_LIMIT_MAX	10000

struct agg_req {
	int		 kind;		/* AGG_TOP or AGG_COUNT */
	const char	*field;		/* top: field; count: --by or NULL */
	const char	*qtext;		/* query text ("" for none) */
	const struct query *q;		/* parsed qtext; NULL for none */
	int64_t		 since_us;	/* INT64_MIN: none */
	int64_t		 until_us;	/* INT64_MAX: none */
	int64_t		 interval_us;	/* count */
	size_t		 limit;		/* values (count: per bucket) */
};

struct agg_stats {
	int		indexed;	/* index path used */
	uint64_t	index_hours;	/* hours summed from bitmaps */
	uint64_t	index_keys;	/* bitmaps read */
	uint64_t	blocks;		/* blocks decoded */
	uint64_t	decoded;	/* events decoded */
	uint64_t	total;		/* events counted */
};

/* Extra members of a top/count request line: "field", "interval" (s). */
struct agg_opts {
	char		field[KEYS_FIELD_MAX + 1];
	int64_t		interval_s;
};
int	agg_opts_parse(const char *line, size_t len, struct agg_opts *,
	    char *err, size_t errlen);

/*
 * Run; emit is called with one JSON object per row ({"value","count"} for
 * top; {"time", ["value",] "count"} for count, oldest first).
 */
int	agg_run(struct store *, const struct agg_req *, search_emitfn,
	    void *arg, struct agg_stats *);

/* Pure helpers (unit tested). */
uint64_t agg_popcount(const uint8_t *, size_t);
/* Floor of ts to a multiple of interval (> 0). */
int64_t	agg_bucket(int64_t ts_us, int64_t interval_us);
/* Hours wholly inside [since, until): [*h0, *h1]; 0 when there are none. */
int	agg_full_hours(int64_t since_us, int64_t until_us, uint32_t *h0,
	    uint32_t *h1);
/* 1 when the query text is only field:value terms (implicit or explicit
 * AND; no wildcard, phrase, word, NOT, OR, parenthesis or comparison). */
int	agg_query_simple(const char *, size_t);

/* Tally of (bucket, value) -> count. */
struct agg_tally;
struct agg_row {
	int64_t		 bucket;
	const char	*val;		/* not NUL-terminated */
	size_t		 len;
	uint64_t	 count;
};
struct agg_tally *agg_tally_new(void);
void	agg_tally_free(struct agg_tally *);
int	agg_tally_add(struct agg_tally *, int64_t bucket, const char *val,
	    size_t len, uint64_t n);
size_t	agg_tally_count(const struct agg_tally *);
/*
 * All rows sorted by bucket, then count descending, then value.  *rows is
 * the caller's to free; values point into the tally (valid until the
 * next add or free).
 */
int	agg_tally_rows(struct agg_tally *, struct agg_row **rows, size_t *n);

#endif
