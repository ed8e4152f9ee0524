/*
 * test_ctl.c -- unit tests for ctl_req_parse (collector/ctl.c), the pure
 * parser of one query-socket request line.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "err.h"
#include "search.h"
#include "test.h"

static struct ctl_req	rq;
static char		err[256];

static int
req(const char *s)
{
	err[0] = '\0';
	return ctl_req_parse(s, strlen(s), &rq, err, sizeof(err));
}

static void
test_valid(void)
{
	T_INT(req("{\"op\":\"search\",\"query\":\"host.name:web01 sshd\","
	    "\"since\":1710407643000000,\"until\":1710411243000000,"
	    "\"limit\":50}"), 0);
	T_STR(rq.op, "search");
	T_STR(rq.query, "host.name:web01 sshd");
	T_INT(rq.since_us, 1710407643000000LL);
	T_INT(rq.until_us, 1710411243000000LL);
	T_INT(rq.limit, 50);

	/* defaults */
	T_INT(req("{\"op\":\"status\"}"), 0);
	T_STR(rq.op, "status");
	T_STR(rq.query, "");
	T_INT(rq.since_us, LLONG_MIN);
	T_INT(rq.until_us, LLONG_MAX);
	T_INT(rq.limit, 100);

	/* whitespace, a trailing newline, member order, unknown members */
	T_INT(req(" { \"limit\" : 1 , \"x\" : [1, {}], \"op\" : \"tail\" }\n"),
	    0);
	T_STR(rq.op, "tail");
	T_INT(rq.limit, 1);
	/* negative and extreme times */
	T_INT(req("{\"op\":\"search\",\"since\":-5,"
	    "\"until\":9223372036854775807}"), 0);
	T_INT(rq.since_us, -5);
	T_INT(rq.until_us, LLONG_MAX);
	/* an unknown op parses; the server answers "unknown op" */
	T_INT(req("{\"op\":\"delete\"}"), 0);
	T_STR(rq.op, "delete");
	/* escapes in the query are decoded */
	T_INT(req("{\"op\":\"search\","
	    "\"query\":\"a \\\"b c\\\" \\u00e9\"}"), 0);
	T_STR(rq.query, "a \"b c\" \xc3\xa9");
}

static void
test_invalid(void)
{
	char	*big;
	size_t	 n;

	/* missing or bad op */
	T_INT(req("{}"), ERR_FORMAT);
	T_STR(err, "request has no valid \"op\"");
	T_INT(req("{\"query\":\"x\"}"), ERR_FORMAT);
	T_INT(req("{\"op\":5}"), ERR_FORMAT);
	T_INT(req("{\"op\":null}"), ERR_FORMAT);
	T_INT(req("{\"op\":[\"search\"]}"), ERR_FORMAT);
	T_INT(req("{\"op\":\"\"}"), ERR_FORMAT);
	T_INT(req("{\"op\":\"0123456789abcde\"}"), 0);	/* 15 fits */
	T_INT(req("{\"op\":\"0123456789abcdef\"}"), ERR_FORMAT);

	/* not an object, not JSON */
	T_INT(req("[\"op\",\"search\"]"), ERR_FORMAT);
	T_STR(err, "request is not an object");
	T_INT(req("\"search\""), ERR_FORMAT);
	T_INT(req("42"), ERR_FORMAT);
	T_INT(req("null"), ERR_FORMAT);
	T_INT(req(""), ERR_FORMAT);
	T_INT(req("{\"op\":\"search\""), ERR_FORMAT);
	T_OK(strncmp(err, "bad JSON request: ", 18) == 0);
	T_OK(strchr(err, '\n') == NULL);
	T_INT(req("{\"op\":\"search\"} {}"), ERR_FORMAT);
	T_INT(req("{'op':'search'}"), ERR_FORMAT);
	T_INT(req("{\"op\":\"s\xff\"}"), ERR_FORMAT);	/* bad UTF-8 */

	/* members of the wrong type are errors, not ignored */
	T_INT(req("{\"op\":\"search\",\"query\":5}"), ERR_FORMAT);
	T_STR(err, "\"query\" must be a string");
	T_INT(req("{\"op\":\"search\",\"query\":null}"), ERR_FORMAT);
	T_INT(req("{\"op\":\"search\",\"since\":\"yesterday\"}"),
	    ERR_FORMAT);
	T_STR(err, "\"since\" must be an integer");
	T_INT(req("{\"op\":\"search\",\"since\":1.5}"), ERR_FORMAT);
	T_INT(req("{\"op\":\"search\",\"since\":1e3}"), ERR_FORMAT);
	T_INT(req("{\"op\":\"search\",\"until\":true}"), ERR_FORMAT);
	T_STR(err, "\"until\" must be an integer");
	T_INT(req("{\"op\":\"search\",\"until\":99999999999999999999}"),
	    ERR_FORMAT);
	T_INT(req("{\"op\":\"search\",\"limit\":\"10\"}"), ERR_FORMAT);

	/* limit bounds */
	T_INT(req("{\"op\":\"search\",\"limit\":0}"), ERR_FORMAT);
	T_STR(err, "\"limit\" must be 1..1000000");
	T_INT(req("{\"op\":\"search\",\"limit\":-1}"), ERR_FORMAT);
	T_INT(req("{\"op\":\"search\",\"limit\":1000000}"), 0);
	T_INT(rq.limit, SEARCH_LIMIT_MAX);
	T_INT(req("{\"op\":\"search\",\"limit\":1000001}"), ERR_FORMAT);
	T_INT(req("{\"op\":\"search\",\"limit\":1.0}"), ERR_FORMAT);

	/* query length: 4096 bytes fit, 4097 do not */
	if ((big = malloc(CTL_REQUEST_MAX + 2)) == NULL)
		abort();
	n = (size_t)snprintf(big, CTL_REQUEST_MAX, "{\"op\":\"search\","
	    "\"query\":\"");
	memset(big + n, 'q', 4096);
	memcpy(big + n + 4096, "\"}", 3);
	T_INT(req(big), 0);
	T_INT(strlen(rq.query), 4096);
	memset(big + n, 'q', 4097);
	memcpy(big + n + 4097, "\"}", 3);
	T_INT(req(big), ERR_TOOBIG);
	T_STR(err, "query too long");

	/* the request limit: CTL_REQUEST_MAX bytes pass, one more fails */
	memset(big, ' ', CTL_REQUEST_MAX + 1);
	memcpy(big, "{\"op\":\"status\"}", 15);
	T_INT(ctl_req_parse(big, CTL_REQUEST_MAX, &rq, err, sizeof(err)), 0);
	T_INT(ctl_req_parse(big, CTL_REQUEST_MAX + 1, &rq, err, sizeof(err)),
	    ERR_TOOBIG);
	T_STR(err, "request too long");
	free(big);

	/* NUL inside the request, and len shorter than the string */
	T_INT(ctl_req_parse("{\"op\":\"status\"}\0x", 17, &rq, err,
	    sizeof(err)), ERR_FORMAT);
	T_STR(err, "NUL in request");
	T_INT(ctl_req_parse("{\"op\":\"st\0\"}", 12, &rq, err, sizeof(err)),
	    ERR_FORMAT);
	T_INT(ctl_req_parse("{\"op\":\"status\"}garbage", 15, &rq, err,
	    sizeof(err)), 0);
	/* a small error buffer */
	T_INT(ctl_req_parse("{}", 2, &rq, err, 5), ERR_FORMAT);
	T_STR(err, "requ");
	/* deep nesting is refused by yajl, not a crash */
	{
		char deep[2100];

		memset(deep, '[', 2000);
		deep[2000] = '\0';
		T_INT(req(deep), ERR_FORMAT);
	}
}

int
main(void)
{
	test_valid();
	test_invalid();
	return TEST_DONE();
}
