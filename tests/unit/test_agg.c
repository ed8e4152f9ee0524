/*
 * test_agg.c -- the pure parts of agg.c: popcount, buckets, whole hours,
 * the "simple query" test, bars, the tally and request options.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "cli.h"
#include "err.h"
#include "test.h"

#define H	3600000000LL

static void
test_buckets(void)
{
	uint8_t		bm[32];
	uint32_t	h0 = 0, h1 = 0;

	memset(bm, 0, sizeof(bm));
	T_INT(agg_popcount(bm, 32), 0);
	bm[0] = 0xff;
	bm[31] = 0x81;
	T_INT(agg_popcount(bm, 32), 10);
	T_INT(agg_bucket(7 * H + 5, H), 7 * H);
	T_INT(agg_bucket(7 * H, H), 7 * H);
	T_INT(agg_bucket(-1, H), -H);
	T_INT(agg_bucket(90 * 60000000LL, 3600000000LL * 24), 0);
	/* whole hours inside [since, until) */
	T_INT(agg_full_hours(INT64_MIN, INT64_MAX, &h0, &h1), 1);
	T_INT(h0, 0);
	T_INT(h1, UINT32_MAX);
	T_INT(agg_full_hours(10 * H, 12 * H, &h0, &h1), 1);
	T_INT(h0, 10);
	T_INT(h1, 11);
	T_INT(agg_full_hours(10 * H + 1, 12 * H, &h0, &h1), 1);
	T_INT(h0, 11);
	T_INT(h1, 11);
	T_INT(agg_full_hours(10 * H + 1, 12 * H - 1, &h0, &h1), 0);
	T_INT(agg_full_hours(10 * H + 1, 11 * H + 5, &h0, &h1), 0);
	T_INT(agg_full_hours(INT64_MIN, 2 * H, &h0, &h1), 1);
	T_INT(h0, 0);
	T_INT(h1, 1);
	T_INT(agg_full_hours(INT64_MIN, 0, &h0, &h1), 0);
}

static void
test_simple(void)
{
	T_INT(agg_query_simple("", 0), 1);
	T_INT(agg_query_simple("   ", 3), 1);
	T_INT(agg_query_simple("source.ip:1.2.3.4", 17), 1);
	T_INT(agg_query_simple("host.name:hv1 AND process.name:sshd", 35), 1);
	T_INT(agg_query_simple("host.name:hv*", 13), 0);
	T_INT(agg_query_simple("failed", 6), 0);
	T_INT(agg_query_simple("\"failed password\"", 17), 0);
	T_INT(agg_query_simple("NOT host.name:hv1", 17), 0);
	T_INT(agg_query_simple("-host.name:hv1", 14), 0);
	T_INT(agg_query_simple("a:1 OR a:2", 10), 0);
	T_INT(agg_query_simple("(a:1)", 5), 0);
	T_INT(agg_query_simple("destination.port:>1024", 22), 0);
	T_INT(agg_query_simple("a:\"x y\"", 7), 0);
	T_INT(agg_query_simple("a:", 2), 0);
	T_INT(agg_query_simple(":x", 2), 0);
	T_INT(agg_query_simple("a:b:c", 5), 0);
}

static void
test_bar(void)
{
	char b[64];

	cli_bar(10, 10, 4, b, sizeof(b));
	T_STR(b, "\u2588\u2588\u2588\u2588");
	cli_bar(5, 10, 4, b, sizeof(b));
	T_STR(b, "\u2588\u2588");
	cli_bar(1, 1000, 4, b, sizeof(b));
	T_STR(b, "\u258f");	/* never empty for a non-zero count */
	cli_bar(0, 10, 4, b, sizeof(b));
	T_STR(b, "");
	cli_bar(3, 0, 4, b, sizeof(b));
	T_STR(b, "");
	cli_bar(10, 10, 40, b, 8);	/* truncated, still terminated */
	T_INT(strlen(b), 6);
}

static void
test_tally(void)
{
	struct agg_tally	*ta = agg_tally_new();
	struct agg_row		*rows = NULL;
	char			 v[16];
	size_t			 n = 0;
	int			 i;

	T_OK(ta != NULL);
	T_INT(agg_tally_add(ta, 0, "b", 1, 2), 0);
	T_INT(agg_tally_add(ta, 0, "a", 1, 2), 0);
	T_INT(agg_tally_add(ta, 0, "c", 1, 5), 0);
	T_INT(agg_tally_add(ta, 0, "b", 1, 1), 0);
	T_INT(agg_tally_add(ta, -H, "z", 1, 1), 0);
	T_INT(agg_tally_add(ta, 0, "", 0, 1), 0);
	/* many values: the table grows */
	for (i = 0; i < 5000; i++) {
		snprintf(v, sizeof(v), "v%d", i);
		agg_tally_add(ta, H, v, strlen(v), (uint64_t)i % 7);
	}
	T_INT(agg_tally_count(ta), 5005);
	T_INT(agg_tally_rows(ta, &rows, &n), 0);
	T_INT(n, 5005);
	T_INT(rows[0].bucket, -H);
	T_STRN(rows[1].val, rows[1].len, "c");
	T_INT(rows[1].count, 5);
	T_STRN(rows[2].val, rows[2].len, "b");
	T_INT(rows[2].count, 3);
	T_STRN(rows[3].val, rows[3].len, "a");
	T_INT(rows[4].len, 0);
	T_INT(rows[5].bucket, H);
	T_INT(rows[5].count, 6);
	T_INT(rows[n - 1].count, 0);
	free(rows);
	agg_tally_free(ta);
	agg_tally_free(NULL);
}

static void
test_opts(void)
{
	struct agg_opts	o;
	char		err[256];
	const char	*a = "{\"op\":\"count\",\"field\":\"host.name\","
	    "\"interval\":86400}";
	const char	*b = "{\"op\":\"count\",\"interval\":0}";
	const char	*c = "{\"op\":\"top\",\"field\":7}";

	T_INT(agg_opts_parse(a, strlen(a), &o, err, sizeof(err)), 0);
	T_STR(o.field, "host.name");
	T_INT(o.interval_s, 86400);
	T_INT(agg_opts_parse("{}", 2, &o, err, sizeof(err)), 0);
	T_STR(o.field, "");
	T_INT(o.interval_s, 3600);
	T_INT(agg_opts_parse(b, strlen(b), &o, err, sizeof(err)),
	    ERR_FORMAT);
	T_INT(agg_opts_parse(c, strlen(c), &o, err, sizeof(err)),
	    ERR_FORMAT);
	T_INT(agg_opts_parse("{", 1, &o, err, sizeof(err)), ERR_FORMAT);
}

int
main(void)
{
	test_buckets();
	test_simple();
	test_bar();
	test_tally();
	test_opts();
	return TEST_DONE();
}
