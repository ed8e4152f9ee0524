/*
 * test_json.c -- unit tests for core/json.c: string escaping (quotes,
 * backslash, control characters, UTF-8 kept, bad bytes as \\xNN), comma
 * placement in nested containers, and every output checked with yajl.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "test.h"

static struct buf b;

/* escape s[0..n) and return the result as a C string (static) */
static const char *
esc(const char *s, size_t n)
{
	buf_reset(&b);
	if (json_escape(&b, s, n) != 0 || buf_put_u8(&b, 0) != 0)
		return "(error)";
	return (const char *)b.d;
}
#define ESC(s)	esc(s, sizeof(s) - 1)

/* b holds a document: NUL-terminate it and parse it with yajl */
static yajl_val
parse(void)
{
	char		e[128];
	yajl_val	v;

	if (buf_put_u8(&b, 0) != 0)
		return NULL;
	b.len--;
	v = yajl_tree_parse((const char *)b.d, e, sizeof(e));
	if (v == NULL)
		fprintf(stderr, "yajl: %s on %s\n", e, (const char *)b.d);
	return v;
}

/* "s" as one JSON string through yajl: the decoded text */
static int
roundtrip(const char *s, size_t n, const char *want)
{
	struct json	 j;
	yajl_val	 v;
	int		 ok;

	buf_reset(&b);
	json_init(&j, &b);
	json_arr_open(&j);
	json_str(&j, s, n);
	json_arr_close(&j);
	if (json_error(&j) != 0 || (v = parse()) == NULL)
		return 0;
	ok = YAJL_IS_ARRAY(v) && v->u.array.len == 1 &&
	    YAJL_IS_STRING(v->u.array.values[0]) &&
	    strcmp(v->u.array.values[0]->u.string, want) == 0;
	yajl_tree_free(v);
	return ok;
}
#define RT(s, w)	roundtrip(s, sizeof(s) - 1, w)

static void
test_escape(void)
{
	char		all[256];
	int		i;
	yajl_val	v;
	struct json	j;

	T_STR(ESC("plain text 123"), "plain text 123");
	T_STR(ESC(""), "");
	T_STR(ESC("a\"b"), "a\\\"b");
	T_STR(ESC("a\\b"), "a\\\\b");
	T_STR(ESC("\n\t\r"), "\\n\\t\\r");
	T_STR(ESC("\x01\x1f\x7f"), "\\u0001\\u001f\\u007f");
	T_STR(ESC("a\0b"), "a\\u0000b");
	/* valid multi-byte UTF-8 is kept as is */
	T_STR(ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	T_STR(ESC("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf"),
	    "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf");
	/* invalid bytes become \\xNN, one per byte */
	T_STR(ESC("\xff"), "\\\\xFF");
	T_STR(ESC("a\x80z"), "a\\\\x80z");
	T_STR(ESC("\xc3"), "\\\\xC3");			/* truncated */
	T_STR(ESC("\xc3(x"), "\\\\xC3(x");		/* bad continuation */
	T_STR(ESC("\xc0\xaf"), "\\\\xC0\\\\xAF");	/* overlong */
	T_STR(ESC("\xe0\x80\xaf"), "\\\\xE0\\\\x80\\\\xAF");
	T_STR(ESC("\xed\xa0\x80"), "\\\\xED\\\\xA0\\\\x80");	/* surrogate */
	T_STR(ESC("\xf4\x90\x80\x80"), "\\\\xF4\\\\x90\\\\x80\\\\x80");
	T_STR(ESC("\xf8\x88\x80\x80\x80"),
	    "\\\\xF8\\\\x88\\\\x80\\\\x80\\\\x80");
	T_STR(ESC("\xe2\x82"), "\\\\xE2\\\\x82");	/* cut at the end */

	/* the same through yajl: bad bytes read back as 4 characters */
	T_OK(RT("q\"b\\s/", "q\"b\\s/"));
	T_OK(RT("\x01x\x7f", "\x01x\x7f"));
	T_OK(RT("\xff", "\\xFF"));
	T_OK(RT("caf\xc3\xa9", "caf\xc3\xa9"));
	T_OK(RT("\xed\xa0\x80!", "\\xED\\xA0\\x80!"));
	T_OK(RT("\n\t\r", "\n\t\r"));

	/* every byte value, in one string: valid JSON */
	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	buf_reset(&b);
	json_init(&j, &b);
	json_str(&j, all, sizeof(all));
	T_INT(json_error(&j), 0);
	v = parse();
	T_OK(v != NULL && YAJL_IS_STRING(v));
	yajl_tree_free(v);
	/* strings with NUL: yajl stops at the NUL, but the text is valid */
	buf_reset(&b);
	json_init(&j, &b);
	json_str(&j, "a\0b", 3);
	v = parse();
	T_OK(v != NULL && YAJL_IS_STRING(v));
	yajl_tree_free(v);
}

static void
test_nesting(void)
{
	struct json	 j;
	yajl_val	 v, x;
	const char	*p_b[] = { "b", NULL }, *p_c[] = { "c", "d", NULL };

	buf_reset(&b);
	json_init(&j, &b);
	json_obj_open(&j);
	json_key_str(&j, "a", "x");
	json_key(&j, "b");
	json_arr_open(&j);
	json_int(&j, 1);
	json_int(&j, -2);
	json_obj_open(&j);
	json_obj_close(&j);
	json_arr_open(&j);
	json_arr_close(&j);
	json_str(&j, "s", 1);
	json_arr_close(&j);
	json_key(&j, "c");
	json_obj_open(&j);
	json_key_bool(&j, "d", 1);
	json_key_bool(&j, "e", 0);
	json_key_int(&j, "f", INT64_MIN);
	json_key_strn(&j, "g", "abc", 2);
	json_key_str(&j, "h", NULL);
	json_obj_close(&j);
	json_key_time(&j, "t", 1710407643123456LL);
	json_obj_close(&j);
	T_INT(json_error(&j), 0);
	T_STRN((const char *)b.d, b.len,
	    "{\"a\":\"x\",\"b\":[1,-2,{},[],\"s\"],"
	    "\"c\":{\"d\":true,\"e\":false,\"f\":-9223372036854775808,"
	    "\"g\":\"ab\",\"h\":\"\"},\"t\":\"2024-03-14T09:14:03.123456Z\"}");
	v = parse();
	T_OK(v != NULL && YAJL_IS_OBJECT(v));
	x = yajl_tree_get(v, p_b, yajl_t_array);
	T_OK(x != NULL && x->u.array.len == 5);
	x = yajl_tree_get(v, p_c, yajl_t_true);
	T_OK(x != NULL);
	yajl_tree_free(v);

	/* numbers are written by hand: the same digits as printf */
	{
		static const int64_t nums[] = { 0, 9, 10, -1, -10, 99, 100,
		    1234567890123LL, -987654321, INT64_MAX, INT64_MIN,
		    INT64_MIN + 1 };
		char want[32];

		for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
			buf_reset(&b);
			json_init(&j, &b);
			json_int(&j, nums[i]);
			snprintf(want, sizeof(want), "%lld",
			    (long long)nums[i]);
			T_STRN((const char *)b.d, b.len, want);
		}
	}

	/* several top-level values: one per line, as ctl writes them */
	buf_reset(&b);
	json_init(&j, &b);
	json_arr_open(&j);
	json_arr_open(&j);
	json_arr_open(&j);
	json_int(&j, 0);
	json_arr_close(&j);
	json_int(&j, 1);
	json_arr_close(&j);
	json_int(&j, 2);
	json_arr_close(&j);
	T_STRN((const char *)b.d, b.len, "[[[0],1],2]");

	/* keys are escaped too */
	buf_reset(&b);
	json_init(&j, &b);
	json_obj_open(&j);
	json_key_int(&j, "k\"\n", 1);
	json_obj_close(&j);
	T_STRN((const char *)b.d, b.len, "{\"k\\\"\\n\":1}");
	v = parse();
	T_OK(v != NULL);
	yajl_tree_free(v);
}

static void
test_limits(void)
{
	struct json	j;
	struct buf	small;
	int		i;

	/* depth: JSON_DEPTH - 1 levels fit, deeper is an error */
	buf_reset(&b);
	json_init(&j, &b);
	for (i = 0; i < JSON_DEPTH - 1; i++)
		json_arr_open(&j);
	T_INT(json_error(&j), 0);
	json_arr_open(&j);
	T_INT(json_error(&j), ERR_TOOBIG);

	/* a full buffer: the first error sticks, nothing is overrun */
	buf_init(&small, 8);
	json_init(&j, &small);
	json_obj_open(&j);
	json_key_str(&j, "key", "a long value");
	T_INT(json_error(&j), ERR_TOOBIG);
	json_obj_close(&j);
	T_INT(json_error(&j), ERR_TOOBIG);
	T_OK(small.len <= 8);
	buf_reset(&small);
	T_INT(json_escape(&small, "\xff\xff", 2), ERR_TOOBIG);
	buf_clear(&small);
}

static void
test_utf8_valid(void)
{
	T_INT(json_utf8_valid("", 0), 1);
	T_INT(json_utf8_valid("plain ascii", 11), 1);
	T_INT(json_utf8_valid("\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80", 9), 1);
	T_INT(json_utf8_valid("\xc1\xbd", 2), 0);		/* overlong */
	T_INT(json_utf8_valid("\xe0\x80\xaf", 3), 0);		/* overlong */
	T_INT(json_utf8_valid("\xed\xa0\x80", 3), 0);		/* surrogate */
	T_INT(json_utf8_valid("\xf4\x90\x80\x80", 4), 0);	/* > U+10FFFF */
	T_INT(json_utf8_valid("\xc3", 1), 0);			/* cut short */
	T_INT(json_utf8_valid("a\x80", 2), 0);			/* lone tail */
	T_INT(json_utf8_valid("\xff", 1), 0);
}

int
main(void)
{
	buf_init(&b, 0);
	test_utf8_valid();
	test_escape();
	test_nesting();
	test_limits();
	buf_clear(&b);
	return TEST_DONE();
}
