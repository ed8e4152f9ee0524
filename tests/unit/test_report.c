/*
 * test_report.c -- report.c: CSV quoting and formula neutralising, HTML
 * escaping (a hostile VM name), timeline bar geometry for intervals
 * clipped to the window and still open, and empty input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "buf.h"
#include "report.h"
#include "test.h"

#define H	3600000000LL		/* an hour in microseconds */
#define T0	1741942800000000LL	/* 2025-03-14T09:00:00Z */

static char *
csv1(const char *s, int flags)
{
	struct buf	b;
	char		*r;

	buf_init(&b, 0);
	T_INT(report_csv_field(&b, s, flags), 0);
	buf_put(&b, "", 1);
	r = strdup((char *)b.d);
	buf_clear(&b);
	return r;
}

#define T_CSV(in, fl, want) do {					\
	char *_s = csv1((in), (fl));					\
	T_STR(_s, (want));						\
	free(_s);							\
} while (0)

static void
test_csv(void)
{
	struct buf	 b;
	const char	*row[] = { "a", NULL, "b,c", "" };

	T_CSV("hv1", 0, "hv1");
	T_CSV(NULL, 0, "");
	T_CSV("", 0, "");
	T_CSV("a,b", 0, "\"a,b\"");
	T_CSV("say \"hi\"", 0, "\"say \"\"hi\"\"\"");
	T_CSV("two\nlines", 0, "\"two\nlines\"");
	T_CSV("cr\rhere", 0, "\"cr\rhere\"");
	T_CSV("crlf\r\n", 0, "\"crlf\r\n\"");
	/* CSV injection: formulas are neutralised with a leading quote */
	T_CSV("=HYPERLINK(\"http://x\")", 0,
	    "\"'=HYPERLINK(\"\"http://x\"\")\"");
	T_CSV("=1+2", 0, "'=1+2");
	T_CSV("+1", 0, "'+1");
	T_CSV("-2+3", 0, "'-2+3");
	T_CSV("@SUM(A1)", 0, "'@SUM(A1)");
	T_CSV("\tx", 0, "'\tx");
	T_CSV("a=b", 0, "a=b");		/* only a leading = counts */
	T_CSV("vm-01", 0, "vm-01");
	/* control characters made visible; TAB kept inside */
	T_CSV("a\x1b[31mred", 0, "a\\x1b[31mred");
	T_CSV("del\x7f", 0, "del\\x7f");
	T_CSV("c1\xc2\x9b", 0, "c1\\u009b");
	T_CSV("caf\xc3\xa9", 0, "caf\xc3\xa9");
	T_CSV("a\tb", 0, "a\tb");
	/* for a terminal, CR and LF are shown, not written */
	T_CSV("two\nlines", REPORT_CSV_TTY, "two\\nlines");
	T_CSV("x,\r", REPORT_CSV_TTY, "\"x,\\r\"");

	buf_init(&b, 0);
	T_INT(report_csv_row(&b, row, 4, 0), 0);
	T_STRN((char *)b.d, b.len, "a,,\"b,c\",\r\n");
	buf_clear(&b);
}

static char *
html1(const char *s)
{
	struct buf	b;
	char		*r;

	buf_init(&b, 0);
	T_INT(report_html_escape(&b, s, strlen(s)), 0);
	buf_put(&b, "", 1);
	r = strdup((char *)b.d);
	buf_clear(&b);
	return r;
}

static void
test_html_escape(void)
{
	char *s;

	s = html1("<script>alert(1)</script>");
	T_STR(s, "&lt;script&gt;alert(1)&lt;/script&gt;");
	free(s);
	s = html1("a&b \"q\" 'x'");
	T_STR(s, "a&amp;b &quot;q&quot; &#39;x&#39;");
	free(s);
	s = html1("esc\x1b]0;title\x07 \xc2\x9b");
	T_STR(s, "esc\\x1b]0;title\\x07 \\u009b");
	free(s);
	s = html1("\xe2\x9c\x93 ok");
	T_STR(s, "\xe2\x9c\x93 ok");
	free(s);
}

static void
test_actor(void)
{
	T_OK(report_actor(NULL, NULL, NULL) == NULL);
	T_STR(report_actor("root", "4294967295", NULL), "root");
	T_STR(report_actor("root", "1000", NULL), "1000");
	T_STR(report_actor("root", "1000", "alice"), "alice");
	T_STR(report_actor(NULL, "1000", NULL), "1000");
	T_OK(report_actor(NULL, "4294967295", NULL) == NULL);
	T_OK(report_actor("", "", "") == NULL);
}

#define NEAR(a, b)	((a) - (b) < 0.001 && (b) - (a) < 0.001)

static void
test_bar(void)
{
	double	x = -1, w = -1;

	/* inside: hours 1..3 of a 4-hour window on 800 px */
	T_INT(report_bar(T0, T0 + 4 * H, T0 + H, T0 + 3 * H, 800, &x, &w), 0);
	T_OK(NEAR(x, 200) && NEAR(w, 400));
	/* clipped on the left: started before the window */
	T_INT(report_bar(T0, T0 + 4 * H, T0 - 5 * H, T0 + H, 800, &x, &w), 0);
	T_OK(NEAR(x, 0) && NEAR(w, 200));
	/* clipped on the right */
	T_INT(report_bar(T0, T0 + 4 * H, T0 + 3 * H, T0 + 9 * H, 800, &x,
	    &w), 0);
	T_OK(NEAR(x, 600) && NEAR(w, 200));
	/* both sides: covers the window */
	T_INT(report_bar(T0, T0 + 4 * H, T0 - H, T0 + 5 * H, 800, &x, &w), 0);
	T_OK(NEAR(x, 0) && NEAR(w, 800));
	/* open: runs to the end of the window */
	T_INT(report_bar(T0, T0 + 4 * H, T0 + 2 * H, REPORT_OPEN, 800, &x,
	    &w), 0);
	T_OK(NEAR(x, 400) && NEAR(w, 400));
	T_INT(report_bar(T0, T0 + 4 * H, T0 - 2 * H, REPORT_OPEN, 800, &x,
	    &w), 0);
	T_OK(NEAR(x, 0) && NEAR(w, 800));
	/* outside: before, after, ending exactly at the start (half-open) */
	T_INT(report_bar(T0, T0 + 4 * H, T0 - 3 * H, T0 - H, 800, &x, &w),
	    -1);
	T_INT(report_bar(T0, T0 + 4 * H, T0 + 5 * H, REPORT_OPEN, 800, &x,
	    &w), -1);
	T_INT(report_bar(T0, T0 + 4 * H, T0 - H, T0, 800, &x, &w), -1);
	T_INT(report_bar(T0, T0 + 4 * H, T0 + 4 * H, T0 + 5 * H, 800, &x,
	    &w), -1);
	/* a one-second stay stays visible: at least one pixel */
	T_INT(report_bar(T0, T0 + 4 * H, T0 + H, T0 + H + 1000000, 800, &x,
	    &w), 0);
	T_OK(NEAR(x, 200) && NEAR(w, 1));
	/* ... also at the right edge */
	T_INT(report_bar(T0, T0 + 4 * H, T0 + 4 * H - 1, REPORT_OPEN, 800, &x,
	    &w), 0);
	T_OK(NEAR(x, 799) && NEAR(w, 1));
	/* backwards interval, empty window */
	T_INT(report_bar(T0, T0 + 4 * H, T0 + 2 * H, T0 + H, 800, &x, &w), -1);
	T_INT(report_bar(T0, T0, T0, T0 + H, 800, &x, &w), -1);
	T_INT(report_bar(T0 + H, T0, T0, T0 + H, 800, &x, &w), -1);
}

static const struct report_interval ivs[] = {
	{ "11111111-1111-4111-8111-111111111111", "<script>alert(1)</script>",
	  "hv1", T0 - H, T0 + H, "booted", "migrated" },
	{ "11111111-1111-4111-8111-111111111111", "<script>alert(1)</script>",
	  "hv2\"><img src=x onerror=alert(2)>", T0 + H, REPORT_OPEN,
	  "migrated", NULL },
	{ "22222222-2222-4222-8222-222222222222", "=cmd|' /C calc'!A0",
	  "hv2\"><img src=x onerror=alert(2)>", T0 + 5 * H, T0 + 6 * H,
	  "booted", "shutdown" },
};

static const struct report_event evs[] = {
	{ T0 + H, "<script>alert(1)</script>",
	  "11111111-1111-4111-8111-111111111111", "hv2", "vm_start",
	  "migrated", "success", NULL, "audit" },
	{ T0 + 2 * H, "b", NULL, "hv2", "vm_start", "booted", "failure",
	  "alice", "audit" },
};

static struct report
mkreport(size_t niv, size_t nev)
{
	struct report rp;

	memset(&rp, 0, sizeof(rp));
	rp.title = "Q1 <audit> & review";
	rp.since_us = T0;
	rp.until_us = T0 + 4 * H;
	rp.generated_us = T0 + 5 * H;
	rp.iv = ivs;
	rp.niv = niv;
	rp.ev = evs;
	rp.nev = nev;
	return rp;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void
test_html(void)
{
	struct report	 rp = mkreport(3, 2);
	struct buf	 b;
	const char	*s;

	buf_init(&b, 0);
	T_INT(report_html(&b, &rp), 0);
	buf_put(&b, "", 1);
	s = (const char *)b.d;
	T_OK(strncmp(s, "<!DOCTYPE html>", 15) == 0);
	T_OK(strstr(s, "</html>\n") != NULL);
	/* nothing from the data became markup */
	T_OK(strstr(s, "<script") == NULL);
	T_OK(strstr(s, "<img") == NULL);
	T_OK(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	T_OK(strstr(s, "hv2&quot;&gt;&lt;img src=x onerror=alert(2)&gt;") !=
	    NULL);
	T_OK(strstr(s, "<title>Q1 &lt;audit&gt; &amp; review</title>") !=
	    NULL);
	/* self-contained */
	T_OK(strstr(s, "http://") == NULL || count(s, "http://") ==
	    count(s, "xmlns=\"http://www.w3.org/2000/svg\""));
	T_OK(strstr(s, "src=\"") == NULL && strstr(s, "href=") == NULL);
	T_OK(strstr(s, "Content-Security-Policy") != NULL);
	T_INT(count(s, "<svg "), 1);
	/* two VM rows, three bars with the geometry of report_bar on 880 px:
	 * hv1 clipped left [0, 1h) -> x 210 w 220; hv2 open [1h, 4h) ->
	 * x 430 w 660 (dashed); the third is outside the window */
	T_INT(count(s, "<rect class=\"bar"), 2);
	T_OK(strstr(s, "<rect class=\"bar\" x=\"210.0\" y=\"39\" "
	    "width=\"220.0\"") != NULL);
	T_OK(strstr(s, "<rect class=\"bar open\" x=\"430.0\" y=\"39\" "
	    "width=\"660.0\"") != NULL);
	/* a legend entry per host, each host its own colour */
	T_INT(count(s, "<li><span class=\"sw\""), 2);
	T_OK(strstr(s, "background:#4e79a7\"></span>hv1</li>") != NULL);
	T_OK(strstr(s, "background:#f28e2b\"></span>hv2&quot;") != NULL);
	/* the axis: 4 hours -> ticks every 30 minutes, times in UTC */
	T_OK(strstr(s, ">09:00</text>") != NULL);
	T_OK(strstr(s, ">13:00</text>") != NULL);
	T_OK(strstr(s, "time (UTC)") != NULL);
	/* window and generated-at, the event table with the failure */
	T_OK(strstr(s, "<b>2025-03-14 09:00:00</b> to <b>2025-03-14 "
	    "13:00:00</b>") != NULL);
	T_OK(strstr(s, "generated 2025-03-14 14:00:00 UTC") != NULL);
	T_OK(strstr(s, "<td class=\"fail\">failure</td>") != NULL);
	T_OK(strstr(s, "<td>alice</td>") != NULL);
	buf_clear(&b);
}

static void
test_empty(void)
{
	struct report	 rp = mkreport(0, 0);
	struct buf	 b;
	const char	*s;
	yajl_val	 v;
	char		 err[128];

	buf_init(&b, 0);
	T_INT(report_html(&b, &rp), 0);
	buf_put(&b, "", 1);
	s = (const char *)b.d;
	T_OK(strstr(s, "<svg") == NULL);
	T_OK(strstr(s, "No placement intervals in this window") != NULL);
	T_OK(strstr(s, "No lifecycle events in this window") != NULL);
	T_OK(strstr(s, "</html>") != NULL);
	buf_reset(&b);
	T_INT(report_csv(&b, &rp), 0);
	T_STRN((char *)b.d, b.len, "record,vm.name,vm.uuid,host,time,end,"
	    "action,reason,end_reason,outcome,actor,source\r\n");
	buf_reset(&b);
	T_INT(report_json(&b, &rp), 0);
	buf_put(&b, "", 1);
	v = yajl_tree_parse((char *)b.d, err, sizeof(err));
	T_OK(v != NULL);
	T_OK(yajl_tree_get(v, (const char *[]){ "intervals", NULL },
	    yajl_t_array) != NULL);
	yajl_tree_free(v);
	buf_reset(&b);
	T_INT(report_events_json(&b, NULL, 0, 0), 0);
	T_INT(b.len, 0);
	T_INT(report_events_csv(&b, NULL, 0, 0, 0), 0);
	T_STRN((char *)b.d, b.len,
	    "time,host,action,reason,outcome,actor,source\r\n");
	buf_clear(&b);
	/* a window the intervals miss: rows but no bars */
	rp = mkreport(1, 0);
	rp.since_us = T0 + 10 * H;
	rp.until_us = T0 + 11 * H;
	buf_init(&b, 0);
	T_INT(report_html(&b, &rp), 0);
	buf_put(&b, "", 1);
	T_INT(count((char *)b.d, "<rect class=\"bar"), 0);
	buf_clear(&b);
}

static void
test_csv_json_report(void)
{
	struct report	 rp = mkreport(3, 2);
	struct buf	 b;
	yajl_val	 v, a;
	char		 err[128];
	const char	*s;

	buf_init(&b, 0);
	T_INT(report_csv(&b, &rp), 0);
	buf_put(&b, "", 1);
	s = (const char *)b.d;
	T_INT(count(s, "\r\n"), 6);
	T_OK(strstr(s, "\r\ninterval,<script>alert(1)</script>,"
	    "11111111-1111-4111-8111-111111111111,hv1,"
	    "2025-03-14T08:00:00.000000Z,2025-03-14T10:00:00.000000Z,"
	    "placement,booted,migrated,,,\r\n") != NULL);
	/* open end is empty; the injected host is quoted */
	T_OK(strstr(s, ",\"hv2\"\"><img src=x onerror=alert(2)>\","
	    "2025-03-14T10:00:00.000000Z,,placement,migrated,,") != NULL);
	T_OK(strstr(s, "interval,\"'=cmd|' /C calc'!A0\"") == NULL);
	T_OK(strstr(s, "interval,'=cmd|' /C calc'!A0,") != NULL);
	T_OK(strstr(s, "event,b,,hv2,2025-03-14T11:00:00.000000Z,,vm_start,"
	    "booted,,failure,alice,audit\r\n") != NULL);
	buf_reset(&b);
	T_INT(report_json(&b, &rp), 0);
	buf_put(&b, "", 1);
	v = yajl_tree_parse((char *)b.d, err, sizeof(err));
	T_OK(v != NULL);
	a = yajl_tree_get(v, (const char *[]){ "intervals", NULL },
	    yajl_t_array);
	T_OK(a != NULL && a->u.array.len == 3);
	if (a != NULL && a->u.array.len == 3) {
		T_OK(yajl_tree_get(a->u.array.values[1],
		    (const char *[]){ "end", NULL }, yajl_t_any) == NULL);
		T_STR(YAJL_GET_STRING(yajl_tree_get(a->u.array.values[0],
		    (const char *[]){ "vm.name", NULL }, yajl_t_string)),
		    "<script>alert(1)</script>");
	}
	a = yajl_tree_get(v, (const char *[]){ "events", NULL },
	    yajl_t_array);
	T_OK(a != NULL && a->u.array.len == 2);
	yajl_tree_free(v);
	buf_reset(&b);
	T_INT(report_events_json(&b, evs, 2, 0), 0);
	buf_put(&b, "", 1);
	T_OK(strstr((char *)b.d, "{\"time\":\"2025-03-14T11:00:00.000000Z\","
	    "\"host\":\"hv2\",\"action\":\"vm_start\",\"reason\":\"booted\","
	    "\"outcome\":\"failure\",\"actor\":\"alice\","
	    "\"source\":\"audit\"}\n") != NULL);
	buf_clear(&b);
}

/* every cut of the buffer limit fails cleanly, never overruns */
static void
test_limits(void)
{
	struct report	rp = mkreport(3, 2);
	struct buf	b;
	size_t		full, max;
	int		bad = 0;

	buf_init(&b, 0);
	T_INT(report_html(&b, &rp), 0);
	full = b.len;
	buf_clear(&b);
	for (max = 1; max < full; max += 97) {
		buf_init(&b, max);
		if (report_html(&b, &rp) == 0 || b.len > max)
			bad++;
		buf_clear(&b);
	}
	T_INT(bad, 0);
}

int
main(void)
{
	test_csv();
	test_html_escape();
	test_actor();
	test_bar();
	test_html();
	test_empty();
	test_csv_json_report();
	test_limits();
	return TEST_DONE();
}
