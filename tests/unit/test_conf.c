/*
 * test_conf.c -- unit tests for core/conf.c with a small table holding
 * one option of every type: defaults, the command line winning over the
 * file, FILE:LINE errors, quoting, comments, suffixes, ranges, list
 * semantics and the line limits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "err.h"
#include "test.h"

struct cfg {
	char			*name;
	long long		 port;
	int			 debug;
	long long		 spool;
	long long		 timeout;
	struct conf_list	 input;
	long long		 any;		/* no bounds */
};

#define O(f)	offsetof(struct cfg, f)
static const struct conf_opt tab[] = {
	{ "name", CONF_STR, O(name), "vigil", 0, 0, "a string" },
	{ "port", CONF_INT, O(port), "6514", 1, 65535, "a number" },
	{ "debug", CONF_BOOL, O(debug), "no", 0, 0, "a flag" },
	{ "spool", CONF_SIZE, O(spool), "64M", 1024, 1LL << 40, "a size" },
	{ "timeout", CONF_DURATION, O(timeout), "30s", 1, 86400, "a time" },
	{ "input", CONF_LIST, O(input), NULL, 0, 0, "a list" },
	{ "any", CONF_INT, O(any), NULL, 0, 0, "unbounded" },
	{ NULL, 0, 0, NULL, 0, 0, NULL }
};

static struct cfg	c;
static char		err[CONF_ERRLEN];

static int
parse(uint64_t mask, const char *text)
{
	err[0] = '\0';
	return conf_parse(tab, &c, mask, text, strlen(text), "x.conf", err,
	    sizeof(err));
}

static void
fresh(void)
{
	conf_free(tab, &c);
	memset(&c, 0, sizeof(c));
	conf_defaults(tab, &c);
}

static void
test_defaults(void)
{
	static const struct conf_opt bad[] = {
		{ "port", CONF_INT, 0, "x", 0, 0, "" },
		{ NULL, 0, 0, NULL, 0, 0, NULL }
	};
	long long v = 0;

	fresh();
	T_STR(c.name, "vigil");
	T_INT(c.port, 6514);
	T_INT(c.debug, 0);
	T_INT(c.spool, 64LL << 20);
	T_INT(c.timeout, 30);
	T_INT(c.input.n, 0);
	T_INT(c.any, 0);
	T_INT(conf_defaults(bad, &v), ERR_FORMAT);
}

static void
test_values(void)
{
	fresh();
	T_INT(parse(0, "name web01\nport 514\ndebug yes\nspool 10k\n"
	    "timeout 5m\ninput /a\ninput /b\nany -7\n"), 0);
	T_STR(c.name, "web01");
	T_INT(c.port, 514);
	T_INT(c.debug, 1);
	T_INT(c.spool, 10240);
	T_INT(c.timeout, 300);
	T_INT(c.input.n, 2);
	T_STR(c.input.v[0], "/a");
	T_STR(c.input.v[1], "/b");
	T_INT(c.any, -7);

	/* comments, blank lines, CR LF, tabs, no final newline */
	fresh();
	T_INT(parse(0, "# comment\n\n   \t\n  port\t\t80  # web\r\n"
	    "name a#b\ndebug on"), 0);
	T_INT(c.port, 80);
	T_STR(c.name, "a#b");		/* '#' inside a word is kept */
	T_INT(c.debug, 1);

	/* quoted values with escapes */
	fresh();
	T_INT(parse(0, "name \"two words # not a comment\"\n"), 0);
	T_STR(c.name, "two words # not a comment");
	T_INT(parse(0, "name \"say \\\"hi\\\" \\\\ \\n\"  # c\n"), 0);
	T_STR(c.name, "say \"hi\" \\ \\n");
	T_INT(parse(0, "name \"\"\n"), 0);
	T_STR(c.name, "");
	T_INT(parse(0, "name \"x\" y\n"), ERR_FORMAT);
	T_STR(err, "x.conf:1: text after closing quote");
	T_INT(parse(0, "\nname \"x\n"), ERR_FORMAT);
	T_STR(err, "x.conf:2: unterminated quote");
	T_INT(parse(0, "name \"x\\\"\n"), ERR_FORMAT);
	T_STR(err, "x.conf:1: unterminated quote");
	T_INT(parse(0, "port \"\"\n"), ERR_FORMAT);

	/* booleans */
	T_INT(parse(0, "debug true\n"), 0);
	T_INT(c.debug, 1);
	T_INT(parse(0, "debug 0\n"), 0);
	T_INT(c.debug, 0);
	T_INT(parse(0, "debug off\n"), 0);
	T_INT(parse(0, "debug maybe\n"), ERR_FORMAT);
	T_STR(err, "x.conf:1: debug: expected yes or no, got 'maybe'");
	T_INT(parse(0, "debug Yes\n"), ERR_FORMAT);
}

static void
test_suffixes(void)
{
	long long	v;
	int		b;

	T_INT(conf_parse_size("0", &v), 0);
	T_INT(v, 0);
	T_INT(conf_parse_size("12", &v), 0);
	T_INT(v, 12);
	T_INT(conf_parse_size("12b", &v), 0);
	T_INT(v, 12);
	T_INT(conf_parse_size("10k", &v), 0);
	T_INT(v, 10240);
	T_INT(conf_parse_size("64M", &v), 0);
	T_INT(v, 64LL << 20);
	T_INT(conf_parse_size("2g", &v), 0);
	T_INT(v, 2LL << 30);
	T_INT(conf_parse_size("3T", &v), 0);
	T_INT(v, 3LL << 40);
	T_INT(conf_parse_size("8388607T", &v), 0);
	T_INT(conf_parse_size("8388608T", &v), ERR_RANGE);
	T_INT(conf_parse_size("-8388608T", &v), 0);
	T_INT(v, INT64_MIN);
	T_INT(conf_parse_size("-8388609T", &v), ERR_RANGE);
	T_INT(conf_parse_size("-9223372036854775808t", &v), ERR_RANGE);
	T_INT(conf_parse_size("99999999999999999999", &v), ERR_FORMAT);
	T_INT(conf_parse_size("", &v), ERR_FORMAT);
	T_INT(conf_parse_size("k", &v), ERR_FORMAT);
	T_INT(conf_parse_size("10kb", &v), ERR_FORMAT);
	T_INT(conf_parse_size("10 k", &v), ERR_FORMAT);
	T_INT(conf_parse_size("10x", &v), ERR_FORMAT);
	T_INT(conf_parse_duration("30", &v), 0);
	T_INT(v, 30);
	T_INT(conf_parse_duration("30s", &v), 0);
	T_INT(v, 30);
	T_INT(conf_parse_duration("5m", &v), 0);
	T_INT(v, 300);
	T_INT(conf_parse_duration("2h", &v), 0);
	T_INT(v, 7200);
	T_INT(conf_parse_duration("7d", &v), 0);
	T_INT(v, 7 * 86400);
	T_INT(conf_parse_duration("1w", &v), 0);
	T_INT(v, 7 * 86400);
	T_INT(conf_parse_duration("1y", &v), ERR_FORMAT);
	T_INT(conf_parse_duration("1.5h", &v), ERR_FORMAT);
	T_INT(conf_parse_bool("yes", &b), 0);
	T_INT(b, 1);
	T_INT(conf_parse_bool("", &b), ERR_FORMAT);

	/* through the table, with ranges */
	fresh();
	T_INT(parse(0, "spool 1k\ntimeout 1d\nport 65535\n"), 0);
	T_INT(c.spool, 1024);
	T_INT(c.timeout, 86400);
	T_INT(parse(0, "spool 1023\n"), ERR_RANGE);
	T_STR(err, "x.conf:1: spool: 1023 is out of range 1024..1099511627776");
	T_INT(parse(0, "timeout 2d\n"), ERR_RANGE);
	T_INT(parse(0, "port 0\n"), ERR_RANGE);
	T_STR(err, "x.conf:1: port: 0 is out of range 1..65535");
	T_INT(parse(0, "port 65536\n"), ERR_RANGE);
	T_INT(parse(0, "port -1\n"), ERR_RANGE);
	T_INT(parse(0, "port 10k\n"), ERR_FORMAT);	/* no units on INT */
	T_STR(err, "x.conf:1: port: invalid number '10k'");
	T_INT(parse(0, "port 0x10\n"), ERR_FORMAT);
	T_INT(parse(0, "spool lots\n"), ERR_FORMAT);
	T_STR(err, "x.conf:1: spool: invalid size 'lots'");
	T_INT(parse(0, "timeout 5q\n"), ERR_FORMAT);
	T_STR(err, "x.conf:1: timeout: invalid duration '5q'");
	T_INT(parse(0, "any 9223372036854775807\n"), 0);
	T_INT(c.any, INT64_MAX);
	T_INT(parse(0, "any 9223372036854775808\n"), ERR_FORMAT);
	T_INT(c.port, 65535);		/* failed sets left it alone */
}

static void
test_errors(void)
{
	char	 line[5000], *big;
	size_t	 n;

	fresh();
	T_INT(parse(0, "port 1\n\nfoo 3\n"), ERR_NOTFOUND);
	T_STR(err, "x.conf:3: unknown option 'foo'");
	T_INT(parse(0, "port\n"), ERR_FORMAT);
	T_STR(err, "x.conf:1: 'port' needs a value");
	T_INT(parse(0, "port   # only a comment\n"), ERR_FORMAT);
	T_STR(err, "x.conf:1: 'port' needs a value");
	T_INT(parse(0, "Port 1\n"), ERR_NOTFOUND);	/* case matters */
	/* NUL byte */
	T_INT(conf_parse(tab, &c, 0, "port 1\nname a\0b\n", 15, "x.conf", err,
	    sizeof(err)), ERR_FORMAT);
	T_STR(err, "x.conf:2: NUL byte in line");
	T_INT(conf_parse(tab, &c, 0, "\0", 1, "x.conf", err, sizeof(err)),
	    ERR_FORMAT);
	/* the length given wins over a NUL-terminated text */
	T_INT(conf_parse(tab, &c, 0, "port 12345", 6, "x.conf", err,
	    sizeof(err)), 0);
	T_INT(c.port, 1);
	/* empty text */
	T_INT(conf_parse(tab, &c, 0, "", 0, "x.conf", err, sizeof(err)), 0);
	/* a line of 4095 bytes is fine, 4096 is too long */
	memset(line, ' ', sizeof(line));
	memcpy(line, "name x", 6);
	line[4095] = '\0';
	T_INT(parse(0, line), 0);
	T_STR(c.name, "x");
	line[4095] = ' ';
	line[4096] = '\0';
	T_INT(parse(0, line), ERR_TOOBIG);
	T_STR(err, "x.conf:1: line too long");
	line[4096] = '\n';
	line[4097] = '\0';
	T_INT(parse(0, line), ERR_TOOBIG);
	/* a huge file without newlines */
	n = 1 << 20;
	if ((big = malloc(n)) == NULL)
		abort();
	memset(big, 'a', n);
	T_INT(conf_parse(tab, &c, 0, big, n, "x.conf", err, sizeof(err)),
	    ERR_TOOBIG);
	free(big);
	/* a tiny error buffer is not overrun */
	T_INT(conf_parse(tab, &c, 0, "foo 1", 5, "x.conf", line, 4),
	    ERR_NOTFOUND);
	T_STR(line, "x.c");
}

static void
test_cli(void)
{
	uint64_t	mask = 0;

	fresh();
	T_INT(conf_set(tab, &c, &mask, "port", "9000", err, sizeof(err)), 0);
	T_INT(conf_set(tab, &c, &mask, "debug", "yes", err, sizeof(err)), 0);
	T_INT(conf_set(tab, &c, &mask, "input", "/cli", err, sizeof(err)),
	    0);
	T_INT(mask, 1 << 1 | 1 << 2 | 1 << 5);
	T_INT(parse(mask, "port 1\ndebug no\nname f\ninput /f1\ninput /f2\n"),
	    0);
	T_INT(c.port, 9000);
	T_INT(c.debug, 1);
	T_STR(c.name, "f");
	T_INT(c.input.n, 1);
	T_STR(c.input.v[0], "/cli");
	/* the command line is still checked, and unknown names refused */
	T_INT(conf_set(tab, &c, &mask, "port", "0", err, sizeof(err)),
	    ERR_RANGE);
	T_STR(err, "port: 0 is out of range 1..65535");
	T_INT(conf_set(tab, &c, &mask, "nope", "1", err, sizeof(err)),
	    ERR_NOTFOUND);
	T_STR(err, "unknown option 'nope'");
	/* a bad value of a CLI-set option in the file is not even looked at */
	T_INT(parse(mask, "port banana\n"), 0);
	T_INT(c.port, 9000);
}

static void
test_list(void)
{
	char	text[CONF_LIST_MAX * 8 + 16];
	size_t	n = 0;
	int	i;

	fresh();
	/* values already there (a program's defaults) are replaced by the
	 * file's first value, then the file's values append */
	c.input.v[0] = strdup("/default");
	c.input.n = 1;
	T_INT(parse(0, "input /a\nport 2\ninput \"/b c\"\n"), 0);
	T_INT(c.input.n, 2);
	T_STR(c.input.v[0], "/a");
	T_STR(c.input.v[1], "/b c");
	/* a second parse (reload into the same object) replaces again */
	T_INT(parse(0, "input /z\n"), 0);
	T_INT(c.input.n, 1);
	T_STR(c.input.v[0], "/z");
	/* a file without the option keeps the values */
	T_INT(parse(0, "port 3\n"), 0);
	T_INT(c.input.n, 1);
	/* CONF_LIST_MAX values, then one more */
	for (i = 0; i < CONF_LIST_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "input %d\n", i % 10);
	T_INT(parse(0, text), 0);
	T_INT(c.input.n, CONF_LIST_MAX);
	snprintf(text + n, sizeof(text) - n, "input x\n");
	T_INT(parse(0, text), ERR_TOOBIG);
	T_STR(err, "x.conf:65: input: more than 64 values");
	conf_free(tab, &c);
	T_INT(c.input.n, 0);
	T_OK(c.name == NULL);
	conf_free(tab, &c);
}

static void
test_dump(void)
{
	char	*s = NULL;
	size_t	 n = 0;
	FILE	*f;

	fresh();
	parse(0, "input /a\ninput /b\n");
	if ((f = open_memstream(&s, &n)) == NULL)
		abort();
	conf_dump(tab, &c, f);
	fclose(f);
	T_STR(s, "name vigil\nport 6514\ndebug no\nspool 67108864\n"
	    "timeout 30\ninput /a\ninput /b\nany 0\n");
	free(s);
	conf_free(tab, &c);
}

int
main(void)
{
	test_defaults();
	test_values();
	test_suffixes();
	test_errors();
	test_cli();
	test_list();
	test_dump();
	return TEST_DONE();
}
