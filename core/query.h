/*
 * query.h -- the vigil query language (docs/query.md) and time parsing.
 * Pure: parses text into a tree and matches it against struct record.
 *
 * Grammar (keywords AND, OR, NOT count only in upper case, so that
 * "not" and "or" can be searched as words):
 *   query  := or
 *   or     := and ( "OR" and )*
 *   and    := unary ( ["AND"] unary )*          (juxtaposition is AND)
 *   unary  := ("NOT" | "-") unary | "(" or ")" | term    ("-" right
 *             before the term, without a space)
 *   term   := FIELD ":" value | FIELD ":" "*" | word | "quoted phrase"
 *   value  := bareword | "quoted string"; '*' in a bareword is a wildcard
 *             FIELD ":" ">" NUM, ">=", "<", "<=" compare numerically
 * Field terms compare the whole field value, ASCII case-insensitively.
 * Words and phrases match case-insensitive substrings of the raw line.
 * Nesting of parentheses and NOT is limited to QUERY_MAX_DEPTH levels.
 */
#ifndef VIGIL_QUERY_H
#define VIGIL_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define QUERY_MAX_LEN		4096	/* query text */
#define QUERY_MAX_NODES		256
#define QUERY_MAX_DEPTH		32

struct query;

/*
 * Parse s[0..len).  On success *qp is a new query (caller frees with
 * query_free) and 0 is returned.  On error returns ERR_FORMAT or
 * ERR_TOOBIG and writes a message naming the column into err.
 * An empty query (only spaces) matches everything.
 */
int	query_parse(const char *s, size_t len, struct query **qp, char *err,
	    size_t errlen);
void	query_free(struct query *);
/* 1 when the event matches, 0 when not. */
int	query_match(const struct query *, const struct record *);
/*
 * The exact (no wildcard) positive field terms that every matching event
 * must carry: the conjuncts at the top level.  Fills up to max pairs with
 * NUL-terminated field names and lower-cased values owned by the query;
 * returns how many.  Used to pick index postings.  Values that contain
 * a NUL byte are left out (they still take part in query_match).
 */
/*
 * The field globs among the conjuncts at the top level that start with a
 * fixed (lower-cased) prefix, such as user.name:admin4*: every match has
 * a value of that field beginning with it.  Fills up to max; returns how
 * many.  Prefixes are not NUL-terminated (lens).
 */
size_t	query_required_prefixes(const struct query *, const char **fields,
	    const char **prefixes, size_t *lens, size_t max);
/*
 * 0 when the event whose raw line this is cannot match: a word or phrase
 * that every match must contain (a top-level conjunct) is not in it.  1
 * when it may match (then query_match decides).  Lets a scan skip
 * decoding most events of a word query.
 */
int	query_raw_may_match(const struct query *, const char *raw,
	    size_t len);
size_t	query_required_terms(const struct query *, const char **fields,
	    const char **vals, size_t max);
/* 1 when some field node's name starts with prefix ("vm."). */
int	query_uses_field(const struct query *, const char *prefix);

/*
 * Parse a time: RFC 3339 ("2025-03-14T09:00:05Z", "...+02:00", fractional
 * seconds, also "2025-03-14 09:00:05" and "2025-03-14" as UTC), relative
 * ("-2h", "-30m", "-45s", "-7d", "-1w", "now") counted from now_us, or
 * "@EPOCH" seconds.  0 on success, ERR_FORMAT otherwise.
 * Without a zone the time is UTC (never the process TZ); fractions take
 * 1-9 digits, truncated to microseconds; ":60" leap seconds are allowed.
 * s is NUL-terminated; *out_us is written only on success.
 */
int	time_parse(const char *s, int64_t now_us, int64_t *out_us);
/*
 * Format as RFC 3339 UTC with microseconds: 2025-03-14T09:00:05.000000Z.
 * Years outside 0000-9999 get a sign ("-0001-...", "+10000-...").
 * Truncates to outlen; TIME_FORMAT_LEN always suffices.
 */
#define TIME_FORMAT_LEN		32
void	time_format(int64_t us, char *out, size_t outlen);

#endif
