/*
 * test_query.c -- unit tests for core/query.c: the query language
 * (operators, precedence, field terms, globs, comparisons, quoting,
 * required terms, errors with columns, limits, truncation) and
 * time_parse/time_format.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "record.h"
#include "query.h"
#include "test.h"

#define NOW	((int64_t)1741942805 * 1000000)	/* 2025-03-14T09:00:05Z */

static struct record	ev1, ev2, ev3, ev4;
static char		errbuf[256];

static const char raw1[] = "Mar 14 09:00:05 web01 sshd[4242]: Failed "
    "password for root from 10.0.0.5 port 22 ssh2";
static const char raw2[] = "Mar 14 09:00:06 db02 CRON[77]: (root) CMD "
    "(run-parts /etc/cron.hourly)";
static const char raw3[] = "abc\0def ERROR say \"hi\" x";	/* NUL inside */
static const char raw4[] = "login: user not found or expired";

static void
setup(void)
{
	record_init(&ev1);
	ev1.raw = raw1;
	ev1.rawlen = sizeof(raw1) - 1;
	record_add(&ev1, "host.name", "web01", 5);
	record_add(&ev1, "process.name", "sshd", 4);
	record_add(&ev1, "process.pid", "4242", 4);
	record_add(&ev1, "log.level", "ERROR", 5);
	record_add(&ev1, "user.name", "Root User", 9);
	record_add(&ev1, "source.ip", "10.0.0.5", 8);

	record_init(&ev2);
	ev2.raw = raw2;
	ev2.rawlen = sizeof(raw2) - 1;
	record_add(&ev2, "host.name", "db02", 4);
	record_add(&ev2, "process.name", "CRON", 4);
	record_add(&ev2, "process.pid", "77", 2);
	record_add(&ev2, "event.duration", "3.25", 4);
	record_add(&ev2, "temp", "-1.5", 4);

	record_init(&ev3);
	ev3.raw = raw3;
	ev3.rawlen = sizeof(raw3) - 1;
	record_add(&ev3, "msg", "a\0b", 3);
	record_add(&ev3, "star", "a*b", 3);
	record_add(&ev3, "quote", "say \"hi\" \\ ok", 13);
	record_add(&ev3, "empty", "", 0);
	record_add(&ev3, "zero", "-0", 2);
	record_add(&ev3, "octal", "007", 3);

	record_init(&ev4);
	ev4.raw = raw4;
	ev4.rawlen = sizeof(raw4) - 1;
}

/* 1 match, 0 no match, -1 parse error */
static int
mlen(const char *s, size_t len, const struct record *ev)
{
	struct query	*q;
	int		 r;

	if (query_parse(s, len, &q, errbuf, sizeof(errbuf)) != 0)
		return -1;
	r = query_match(q, ev);
	/* the raw-line prefilter never rules out a match */
	if (r == 1 && !query_raw_may_match(q, ev->raw, ev->rawlen)) {
		fprintf(stderr, "prefilter ruled out a match: %.*s\n",
		    (int)len, s);
		r = -2;
	}
	query_free(q);
	return r;
}

/* the prefilter's answer for query s on raw line l */
static int
pre(const char *s, const char *l)
{
	struct query	*q;
	int		 r;

	if (query_parse(s, strlen(s), &q, errbuf, sizeof(errbuf)) != 0)
		return -1;
	r = query_raw_may_match(q, l, strlen(l));
	query_free(q);
	return r;
}

static size_t
rp(const char *s, char *out, size_t outlen)
{
	struct query	*q;
	const char	*f[4], *v[4];
	size_t		 l[4], n, i, o = 0;

	out[0] = '\0';
	if (query_parse(s, strlen(s), &q, errbuf, sizeof(errbuf)) != 0)
		return (size_t)-1;
	n = query_required_prefixes(q, f, v, l, 4);
	for (i = 0; i < n && o < outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%s%s=%.*s",
		    i ? " " : "", f[i], (int)l[i], v[i]);
	query_free(q);
	return n;
}

static void
test_prefixes(void)
{
	char b[256];

	T_INT(rp("user.name:Admin4*", b, sizeof(b)), 1);
	T_STR(b, "user.name=admin4");
	T_INT(rp("user.name:adm*n host.name:web* x", b, sizeof(b)), 2);
	T_STR(b, "user.name=adm host.name=web");
	T_INT(rp("user.name:*min", b, sizeof(b)), 0);	/* no fixed start */
	T_INT(rp("user.name:*", b, sizeof(b)), 0);
	T_INT(rp("user.name:root", b, sizeof(b)), 0);	/* exact: a term */
	T_INT(rp("user.name:a* OR x", b, sizeof(b)), 0);
	T_INT(rp("NOT user.name:a*", b, sizeof(b)), 0);
	T_INT(rp("adm*", b, sizeof(b)), 0);		/* a word glob */
}

static void
test_prefilter(void)
{
	const char *l = "Mar 14 sshd[1]: Failed password for Root from 10.0.0.5";

	T_INT(pre("", l), 1);
	T_INT(pre("failed", l), 1);
	T_INT(pre("cron", l), 0);
	T_INT(pre("\"password for root\"", l), 1);
	T_INT(pre("\"root for\"", l), 0);
	T_INT(pre("fail*root", l), 1);
	T_INT(pre("root*fail", l), 0);
	T_INT(pre("failed cron", l), 0);	/* AND: both needed */
	T_INT(pre("failed OR cron", l), 1);	/* not a conjunct */
	T_INT(pre("cron OR anacron", l), 1);	/* query_match decides */
	T_INT(pre("NOT failed", l), 1);
	T_INT(pre("host.name:web01", l), 1);	/* fields: not on the line */
	T_INT(pre("host.name:web01 cron", l), 0);
	T_INT(pre("(failed cron) OR x", l), 1);
	/* words anchored on a byte without case (ci_find): digits and
	 * punctuation before spaces, several false anchors first */
	l = "a4 b4 admin4 user admin42 from 10.0.0.42 x=1 end.";
	T_INT(pre("\"user ADMIN42 from\"", l), 1);
	T_INT(pre("\"user admin43 from\"", l), 0);
	T_INT(pre("admin42", l), 1);
	T_INT(pre("dmin4", l), 1);
	T_INT(pre("a4", l), 1);			/* at the very start */
	T_INT(pre("end.", l), 1);		/* anchor is the last byte */
	T_INT(pre("nd.x", l), 0);
	T_INT(pre("X=1", l), 1);
	T_INT(pre("\"admin42 from 10.0.0.43\"", l), 0);
	T_INT(pre("\"b4 a\"", l), 1);		/* only a space to anchor on */
	T_INT(pre("\"b4  a\"", l), 0);
	T_INT(pre("\"end. \"", l), 0);		/* past the end */
}

static int
m(const char *s, const struct record *ev)
{
	return mlen(s, strlen(s), ev);
}

/* parse status; errbuf holds the message */
static int
pe(const char *s)
{
	struct query	*q = NULL;
	int		 r;

	errbuf[0] = 'X';
	errbuf[1] = '\0';
	r = query_parse(s, strlen(s), &q, errbuf, sizeof(errbuf));
	if (r != 0 && q != NULL)
		r = ERR_INTERNAL;	/* must not hand out a query */
	query_free(q);
	return r;
}

/* number of required terms; copies up to 8 into f/v as "field=value" */
static char	rt[8][128];

static size_t
req(const char *s)
{
	struct query	*q;
	const char	*f[8], *v[8];
	size_t		 n, i;

	if (query_parse(s, strlen(s), &q, errbuf, sizeof(errbuf)) != 0)
		return (size_t)-1;
	n = query_required_terms(q, f, v, 8);
	for (i = 0; i < n; i++)
		snprintf(rt[i], sizeof(rt[i]), "%s=%s", f[i], v[i]);
	query_free(q);
	return n;
}

static void
test_empty(void)
{
	T_INT(m("", &ev1), 1);
	T_INT(m("  \t\n ", &ev2), 1);
	T_INT(mlen(NULL, 0, &ev1), 1);
	T_INT(req(""), 0);
}

static void
test_words(void)
{
	T_INT(m("failed", &ev1), 1);
	T_INT(m("failed", &ev2), 0);
	T_INT(m("FAILED", &ev1), 1);
	T_INT(m("fAiLeD PASSWORD", &ev1), 1);
	T_INT(m("password root", &ev1), 1);
	T_INT(m("password cron", &ev1), 0);
	T_INT(m("ssh2", &ev1), 1);		/* at the very end */
	T_INT(m("mar", &ev1), 1);		/* at the very start */
	T_INT(m("\"failed password\"", &ev1), 1);
	T_INT(m("\"password failed\"", &ev1), 0);
	T_INT(m("\"FOR ROOT FROM\"", &ev1), 1);
	T_INT(m("\"say \\\"hi\\\"\"", &ev3), 1);
	T_INT(m("fail*root", &ev1), 1);		/* word glob, in order */
	T_INT(m("root*fail", &ev1), 0);
	T_INT(m("*", &ev2), 1);
	/* lower-case keywords are plain words */
	T_INT(m("not found", &ev4), 1);
	T_INT(m("NOT found", &ev4), 0);
	T_INT(m("user or", &ev4), 1);
	T_INT(m("and", &ev4), 0);
	T_INT(m("\\and", &ev1), 0);
	/* a word with ':' after a non-field prefix is a word */
	T_INT(m("(root)*md", &ev2), 1);		/* "(root)" AND "*md" */
	T_INT(m("\\(root\\)", &ev2), 1);
	T_INT(m("/etc/cron.hourly)", &ev2), -1);
	T_INT(m("\"/etc/cron.hourly)\"", &ev2), 1);
	T_INT(m("sshd[4242]:", &ev1), 1);
}

static void
test_operators(void)
{
	T_INT(m("failed AND root", &ev1), 1);
	T_INT(m("failed AND cmd", &ev1), 0);
	T_INT(m("failed OR cmd", &ev1), 1);
	T_INT(m("failed OR cmd", &ev2), 1);
	T_INT(m("failed OR cmd", &ev4), 0);
	/* OR binds looser than AND, explicit or implicit */
	T_INT(m("cmd OR failed db02", &ev1), 0);
	T_INT(m("cmd OR failed db02", &ev2), 1);
	T_INT(m("cmd OR failed AND sshd", &ev1), 1);
	T_INT(m("(cmd OR failed) db02", &ev1), 0);
	T_INT(m("(cmd OR failed) db02", &ev2), 1);
	T_INT(m("(cmd OR failed) sshd", &ev1), 1);
	T_INT(m("(cmd OR failed) sshd", &ev2), 0);
	T_INT(m("((((failed))))", &ev1), 1);
	T_INT(m("((failed root)) (x OR (sshd ssh2))", &ev1), 1);
	T_INT(m("((failed root)) (x OR (sshd ssh3))", &ev1), 0);
	/* NOT and '-' bind tightest */
	T_INT(m("NOT cron", &ev1), 1);
	T_INT(m("NOT cron", &ev2), 0);
	T_INT(m("-cron", &ev2), 0);
	T_INT(m("NOT NOT cron", &ev2), 1);
	T_INT(m("--cron", &ev2), 1);
	T_INT(m("NOT cron OR cmd", &ev2), 1);
	T_INT(m("NOT (cron OR cmd)", &ev2), 0);
	T_INT(m("-(cmd OR failed)", &ev1), 0);
	T_INT(m("-(cmd OR failed)", &ev4), 1);
	T_INT(m("-process.name:cron", &ev1), 1);
	T_INT(m("-process.name:cron", &ev2), 0);
	T_INT(m("root -cmd", &ev1), 1);
	T_INT(m("root -cmd", &ev2), 0);
	T_INT(m("root NOT(cmd)", &ev2), 0);
	T_INT(m("-\"failed password\"", &ev1), 0);
	T_INT(m("a-b", &ev1), 0);	/* inner - is in the word */
	T_INT(m("run-parts", &ev2), 1);
}

static void
test_fields(void)
{
	T_INT(m("host.name:web01", &ev1), 1);
	T_INT(m("host.name:WEB01", &ev1), 1);
	T_INT(m("host.name:web0", &ev1), 0);	/* whole value */
	T_INT(m("host.name:web011", &ev1), 0);
	T_INT(m("host.name:web01", &ev2), 0);
	T_INT(m("no.such:web01", &ev1), 0);
	T_INT(m("process.name:cron", &ev2), 1);
	T_INT(m("HOST.NAME:web01", &ev1), 0);	/* names are exact */
	/* wildcards */
	T_INT(m("host.name:web*", &ev1), 1);
	T_INT(m("host.name:*01", &ev1), 1);
	T_INT(m("host.name:w*b*1", &ev1), 1);
	T_INT(m("host.name:*EB0*", &ev1), 1);
	T_INT(m("host.name:web*2", &ev1), 0);
	T_INT(m("host.name:web01*", &ev1), 1);
	T_INT(m("host.name:web*eb01", &ev1), 0);	/* no overlap */
	T_INT(m("host.name:w**1", &ev1), 1);
	T_INT(m("star:a*b", &ev3), 1);
	T_INT(m("star:a\\*b", &ev3), 1);
	T_INT(m("host.name:web\\*", &ev1), 0);	/* escaped: literal */
	/* exists */
	T_INT(m("process.pid:*", &ev1), 1);
	T_INT(m("event.duration:*", &ev1), 0);
	T_INT(m("-event.duration:*", &ev1), 1);
	T_INT(m("empty:*", &ev3), 1);
	T_INT(m("empty:\"\"", &ev3), 1);
	T_INT(m("empty:x*", &ev3), 0);
	/* quoted values */
	T_INT(m("user.name:\"root user\"", &ev1), 1);
	T_INT(m("user.name:\"Root\"", &ev1), 0);
	T_INT(m("user.name:\"root*\"", &ev1), 0);	/* no glob in quotes */
	T_INT(m("quote:\"say \\\"hi\\\" \\\\ ok\"", &ev3), 1);
	T_INT(m("source.ip:10.0.0.5", &ev1), 1);
	T_INT(m("source.ip:10.0.0.*", &ev1), 1);
}

static void
test_numeric(void)
{
	T_INT(m("process.pid:>100", &ev1), 1);
	T_INT(m("process.pid:>100", &ev2), 0);
	T_INT(m("process.pid:>4242", &ev1), 0);
	T_INT(m("process.pid:>=4242", &ev1), 1);
	T_INT(m("process.pid:<4242", &ev1), 0);
	T_INT(m("process.pid:<=4242", &ev1), 1);
	T_INT(m("process.pid:<10000", &ev1), 1);
	T_INT(m("process.pid:<10000 process.pid:>999", &ev1), 1);
	T_INT(m("event.duration:>3.2", &ev2), 1);
	T_INT(m("event.duration:<3.3", &ev2), 1);
	T_INT(m("event.duration:>=3.250", &ev2), 1);
	T_INT(m("event.duration:>3.25", &ev2), 0);
	T_INT(m("event.duration:>3", &ev2), 1);
	T_INT(m("temp:<-1.25", &ev2), 1);
	T_INT(m("temp:>-2", &ev2), 1);
	T_INT(m("temp:>-1.5", &ev2), 0);
	T_INT(m("zero:>=0 zero:<=+0", &ev3), 1);
	T_INT(m("octal:>6 octal:<8", &ev3), 1);
	T_INT(m("host.name:>1", &ev1), 0);	/* not a number: no match */
	T_INT(m("source.ip:>1", &ev1), 0);
	T_INT(m("no.such:>1", &ev1), 0);
	T_INT(pe("process.pid:>1e3"), ERR_FORMAT);
	T_STR(errbuf, "column 14: expected a number after 'process.pid:>'");
	T_INT(pe("process.pid:<="), ERR_FORMAT);
	T_STR(errbuf, "column 15: expected a number after 'process.pid:<='");
	T_INT(pe("process.pid:>1."), ERR_FORMAT);
}

static void
test_required(void)
{
	T_INT(req("host.name:WEB01 process.name:sshd failed"), 2);
	T_STR(rt[0], "host.name=web01");
	T_STR(rt[1], "process.name=sshd");
	T_INT(req("host.name:Web01"), 1);
	T_STR(rt[0], "host.name=web01");
	T_INT(req("user.name:\"Root User\" AND x"), 1);
	T_STR(rt[0], "user.name=root user");
	T_INT(req("host.name:web01 OR process.name:sshd"), 0);
	T_INT(req("host.name:web01 -process.name:cron"), 1);
	T_INT(req("NOT host.name:web01"), 0);
	T_INT(req("host.name:web* process.pid:>1 process.pid:* x:y"), 1);
	T_STR(rt[0], "x=y");
	T_INT(req("(a:1 b:2) c:3"), 3);			/* flattened */
	T_STR(rt[2], "c=3");
	T_INT(req("(a:1 OR b:2) c:3"), 1);
	T_STR(rt[0], "c=3");
	T_INT(req("a:\\*"), 1);				/* escaped star */
	T_STR(rt[0], "a=*");
	T_INT(req("(a:1 b:2) OR c:3"), 0);
	T_INT(req("a:1 a:1 b:2 c:3 d:4 e:5 f:6 g:7 h:8 i:9 j:10"), 8);
	{
		struct query	*q;
		const char	*f[1], *v[1];

		T_INT(query_parse("a:1 b:2", 7, &q, NULL, 0), 0);
		T_INT(query_required_terms(q, f, v, 1), 1);
		T_INT(query_required_terms(q, f, v, 0), 0);
		query_free(q);
	}
	/* which fields a query reads, anywhere in it (agg's VM fields) */
	{
		static const struct {
			const char *q, *prefix;
			int want;
		} u[] = {
			{ "vm.name:web1", "vm.", 1 },
			{ "host.name:hv1 OR NOT vm.uuid:*", "vm.", 1 },
			{ "x (a:1 OR hypervisor.name:hv2)", "hypervisor.", 1 },
			{ "process.pid:>5 vm.cpu:<3", "vm.", 1 },
			{ "vm.name", "vm.", 0 },	/* a word */
			{ "\"vm.name:web1\"", "vm.", 0 },	/* a phrase */
			{ "host.name:vm.x", "vm.", 0 },	/* a value */
			{ "", "vm.", 0 },
		};
		struct query	*q;
		size_t		 i;
		int		 ok = 1;

		for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
			T_INT(query_parse(u[i].q, strlen(u[i].q), &q, NULL, 0),
			    0);
			ok &= query_uses_field(q, u[i].prefix) == u[i].want;
			query_free(q);
		}
		T_OK(ok);
	}
}

static void
test_errors(void)
{
	T_INT(pe("(failed"), ERR_FORMAT);
	T_STR(errbuf, "column 1: unbalanced parenthesis");
	T_INT(pe("a (b (c) d"), ERR_FORMAT);
	T_STR(errbuf, "column 3: unbalanced parenthesis");
	T_INT(pe("failed)"), ERR_FORMAT);
	T_STR(errbuf, "column 7: unbalanced parenthesis");
	T_INT(pe("()"), ERR_FORMAT);
	T_STR(errbuf, "column 2: empty parentheses");
	T_INT(pe("a OR"), ERR_FORMAT);
	T_STR(errbuf, "column 3: 'OR' needs a term after it");
	T_INT(pe("(a OR ) b"), ERR_FORMAT);
	T_STR(errbuf, "column 4: 'OR' needs a term after it");
	T_INT(pe("OR a"), ERR_FORMAT);
	T_STR(errbuf, "column 1: 'OR' needs a term before it");
	T_INT(pe("a OR OR b"), ERR_FORMAT);
	T_STR(errbuf, "column 3: 'OR' needs a term after it");
	T_INT(pe("a AND"), ERR_FORMAT);
	T_STR(errbuf, "column 3: 'AND' needs a term after it");
	T_INT(pe("AND a"), ERR_FORMAT);
	T_STR(errbuf, "column 1: 'AND' needs a term before it");
	T_INT(pe("a NOT"), ERR_FORMAT);
	T_STR(errbuf, "column 3: 'NOT' needs a term after it");
	T_INT(pe("a -"), ERR_FORMAT);
	T_STR(errbuf, "column 3: '-' must be followed directly by a term");
	T_INT(pe("host.name:"), ERR_FORMAT);
	T_STR(errbuf, "column 11: empty value after 'host.name:'");
	T_INT(pe("(host.name: web)"), ERR_FORMAT);
	T_STR(errbuf, "column 12: empty value after 'host.name:'");
	T_INT(pe("f:(a OR b)"), ERR_FORMAT);
	T_INT(pe("abc\\"), ERR_FORMAT);
	T_STR(errbuf, "column 4: trailing backslash");
	T_INT(pe("\"abc\\"), ERR_FORMAT);
	T_STR(errbuf, "column 5: trailing backslash");
	T_INT(pe("x \"abc"), ERR_FORMAT);
	T_STR(errbuf, "column 3: unterminated quote");
	T_INT(pe("\"a\\nb\""), ERR_FORMAT);
	T_STR(errbuf, "column 3: bad escape in quoted string "
	    "(only \\\" and \\\\)");
	/* a short error buffer is truncated, not overrun */
	{
		struct query	*q;
		char		 small[8];

		memset(small, 'X', sizeof(small));
		T_INT(query_parse("(", 1, &q, small, sizeof(small)),
		    ERR_FORMAT);
		T_STR(small, "column ");
		T_OK(q == NULL);
	}
}

static void
test_limits(void)
{
	static char	s[QUERY_MAX_LEN + 64];
	size_t		i, n;

	memset(s, 'a', QUERY_MAX_LEN + 1);
	T_INT(mlen(s, QUERY_MAX_LEN, &ev1), 0);
	T_INT(query_parse(s, QUERY_MAX_LEN + 1, &(struct query *){NULL},
	    errbuf, sizeof(errbuf)), ERR_TOOBIG);
	T_STR(errbuf, "column 4097: query longer than 4096 bytes");

	/* QUERY_MAX_DEPTH parentheses is fine, one more is not */
	for (n = 0, i = 0; i < QUERY_MAX_DEPTH; i++)
		s[n++] = '(';
	s[n++] = 'x';
	for (i = 0; i < QUERY_MAX_DEPTH; i++)
		s[n++] = ')';
	s[n] = '\0';
	T_INT(pe(s), 0);
	for (n = 0, i = 0; i < QUERY_MAX_DEPTH + 1; i++)
		s[n++] = '(';
	s[n++] = 'x';
	for (i = 0; i < QUERY_MAX_DEPTH + 1; i++)
		s[n++] = ')';
	s[n] = '\0';
	T_INT(pe(s), ERR_TOOBIG);
	T_STR(errbuf, "column 33: nesting deeper than 32 levels");
	/* deep but unclosed: still stops at the limit */
	memset(s, '(', 2000);
	s[2000] = '\0';
	T_INT(pe(s), ERR_TOOBIG);
	/* NOT nests too */
	for (n = 0, i = 0; i < QUERY_MAX_DEPTH + 1; i++)
		n += snprintf(s + n, sizeof(s) - n, "NOT ");
	snprintf(s + n, sizeof(s) - n, "x");
	T_INT(pe(s), ERR_TOOBIG);
	memset(s, '-', QUERY_MAX_DEPTH);
	snprintf(s + QUERY_MAX_DEPTH, 8, "cron");
	T_INT(m(s, &ev2), 1);			/* 32 negations */

	/* 255 terms + one AND node fill the array; 256 terms do not fit */
	for (n = 0, i = 0; i < QUERY_MAX_NODES - 1; i++)
		n += snprintf(s + n, sizeof(s) - n, "w%zu ", i);
	s[n] = '\0';
	T_INT(pe(s), 0);
	T_INT(m(s, &ev1), 0);
	snprintf(s + n, sizeof(s) - n, "zz");
	T_INT(pe(s), ERR_TOOBIG);
	T_OK(strstr(errbuf, "too complex") != NULL);
	/* many one-byte words */
	for (i = 0; i < QUERY_MAX_LEN; i += 2) {
		s[i] = 'a';
		s[i + 1] = ' ';
	}
	T_INT(query_parse(s, QUERY_MAX_LEN, &(struct query *){NULL},
	    errbuf, sizeof(errbuf)), ERR_TOOBIG);
	/* many stars in one glob */
	memset(s, '*', QUERY_MAX_LEN);
	memcpy(s, "f:a", 3);
	s[QUERY_MAX_LEN - 1] = 'z';
	T_INT(mlen(s, QUERY_MAX_LEN, &ev1), 0);
	memcpy(s, "f:*", 3);
	T_INT(mlen(s, QUERY_MAX_LEN, &ev1), 0);
	T_INT(mlen(s + 2, QUERY_MAX_LEN - 2, &ev2), 0);
}

static void
test_nul(void)
{
	/* NUL in the query text and in the raw line */
	T_INT(mlen("abc\0def", 7, &ev3), 1);
	T_INT(mlen("c\0d", 3, &ev3), 1);
	T_INT(mlen("c\0x", 3, &ev3), 0);
	T_INT(m("def error", &ev3), 1);		/* after the NUL */
	T_INT(mlen("\"a\0b\"", 5, &ev3), 0);
	T_INT(mlen("msg:\"a\0b\"", 9, &ev3), 1);
	T_INT(mlen("msg:a\0b", 7, &ev3), 1);
	T_INT(mlen("msg:a", 5, &ev3), 0);
	{
		struct query	*q;
		const char	*f[2], *v[2];

		/* a NUL value cannot be a C string: not a required term */
		T_INT(query_parse("msg:a\0b x:y", 11, &q, NULL, 0), 0);
		T_INT(query_required_terms(q, f, v, 2), 1);
		T_STR(v[0], "y");
		query_free(q);
	}
	/* an event without a raw line */
	{
		struct record e;

		record_init(&e);
		T_INT(m("x", &e), 0);
		T_INT(m("\"\"", &e), 1);
		T_INT(m("-x", &e), 1);
	}
}

static void
test_truncation(void)
{
	static const char	 cq[] = "(host.name:web* OR -process.name:"
	    "\"cr\\\"on\\\\\") AND NOT (process.pid:>=100 failed*root) "
	    "msg:a\\*b user.name:* \"quoted phrase\" OR x:y";
	struct query		*q;
	const char		*f[4], *v[4];
	size_t			 i;
	int			 r, bad = 0, ok = 0;

	for (i = 0; i <= sizeof(cq) - 1; i++) {
		r = query_parse(cq, i, &q, errbuf, sizeof(errbuf));
		if (r == 0) {
			ok++;
			query_match(q, &ev1);
			query_match(q, &ev2);
			query_match(q, &ev3);
			query_required_terms(q, f, v, 4);
			query_free(q);
		} else if (r != ERR_FORMAT || strncmp(errbuf, "column ", 7))
			bad++;
	}
	T_INT(bad, 0);
	T_OK(ok > 10);
	T_INT(m(cq, &ev1), 0);		/* NOT (pid>=100 failed*root) */
	T_INT(m(cq, &ev2), 0);
}

static int64_t
tp(const char *s)
{
	int64_t out = -42;

	if (time_parse(s, NOW, &out) != 0)
		return -4242;
	return out;
}

static void
test_time_parse(void)
{
	const int64_t	S = 1000000, T0 = (int64_t)1741942805 * S;
	int64_t		out = 7;

	T_INT(tp("2025-03-14T09:00:05Z"), T0);
	T_INT(tp("2025-03-14t09:00:05z"), T0);
	T_INT(tp("2025-03-14T09:00:05.5Z"), T0 + 500000);
	T_INT(tp("2025-03-14T09:00:05.123456789Z"), T0 + 123456);
	T_INT(tp("2025-03-14T09:00:05.000001Z"), T0 + 1);
	T_INT(tp("2025-03-14T11:00:05+02:00"), T0);
	T_INT(tp("2025-03-14T03:30:05-05:30"), T0);
	T_INT(tp("2025-03-14T09:00:05-00:00"), T0);
	T_INT(tp("2025-03-14 09:00:05"), T0);
	T_INT(tp("2025-03-14T09:00:05"), T0);
	T_INT(tp("2025-03-14"), (int64_t)1741910400 * S);
	T_INT(tp("1970-01-01T00:00:00Z"), 0);
	T_INT(tp("1969-12-31T23:59:59.999999Z"), -1);
	T_INT(tp("0000-01-01"), (int64_t)-62167219200 * S);
	T_INT(tp("9999-12-31T23:59:59.999999Z"),
	    (int64_t)253402300799 * S + 999999);
	T_INT(tp("2016-12-31T23:59:60Z"), (int64_t)1483228800 * S);
	/* leap years */
	T_INT(tp("2024-02-29"), (int64_t)1709164800 * S);
	T_INT(tp("2000-02-29"), (int64_t)951782400 * S);
	T_INT(tp("2023-02-29"), -4242);
	T_INT(tp("1900-02-29"), -4242);
	T_INT(tp("2023-02-28"), (int64_t)1677542400 * S);
	/* ranges and junk */
	T_INT(tp("2025-13-01"), -4242);
	T_INT(tp("2025-00-01"), -4242);
	T_INT(tp("2025-04-31"), -4242);
	T_INT(tp("2025-04-00"), -4242);
	T_INT(tp("2025-03-14T24:00:00Z"), -4242);
	T_INT(tp("2025-03-14T09:60:00Z"), -4242);
	T_INT(tp("2025-03-14T09:00:61Z"), -4242);
	T_INT(tp("2025-03-14T09:00:05.Z"), -4242);
	T_INT(tp("2025-03-14T09:00:05.1234567890Z"), -4242);
	T_INT(tp("2025-03-14T09:00:05+2:00"), -4242);
	T_INT(tp("2025-03-14T09:00:05+24:00"), -4242);
	T_INT(tp("2025-03-14T09:00:05+02:60"), -4242);
	T_INT(tp("2025-03-14T09:00:05+0200"), -4242);
	T_INT(tp("2025-03-14T09:00:05Zx"), -4242);
	T_INT(tp("2025-03-14T09:00"), -4242);
	T_INT(tp("2025-3-14"), -4242);
	T_INT(tp("2025-03-14x"), -4242);
	T_INT(tp(" 2025-03-14"), -4242);
	T_INT(tp(""), -4242);
	T_INT(tp("junk"), -4242);
	/* relative and epoch */
	T_INT(tp("now"), NOW);
	T_INT(tp("-2h"), NOW - 2 * 3600 * S);
	T_INT(tp("-30m"), NOW - 30 * 60 * S);
	T_INT(tp("-45s"), NOW - 45 * S);
	T_INT(tp("-7d"), NOW - 7 * 86400 * S);
	T_INT(tp("-1w"), NOW - 7 * 86400 * S);
	T_INT(tp("-0s"), NOW);
	T_INT(tp("2h"), -4242);
	T_INT(tp("-2"), -4242);
	T_INT(tp("-h"), -4242);
	T_INT(tp("-2x"), -4242);
	T_INT(tp("-2hh"), -4242);
	T_INT(tp("-999999999999999999w"), -4242);
	T_INT(tp("-9999999999999999999s"), -4242);
	T_INT(tp("NOW"), -4242);
	T_INT(tp("@1700000000"), (int64_t)1700000000 * S);
	T_INT(tp("@-1"), -S);
	T_INT(tp("@1.5"), S + 500000);
	T_INT(tp("@0"), 0);
	T_INT(tp("@"), -4242);
	T_INT(tp("@abc"), -4242);
	T_INT(tp("@1x"), -4242);
	T_INT(tp("@99999999999999999999"), -4242);
	T_INT(tp("@9223372036854"), -4242);
	T_INT(tp("@9223372036853"), (int64_t)9223372036853 * S);
	T_INT(time_parse(NULL, NOW, &out), ERR_FORMAT);
	T_INT(time_parse("bad", NOW, &out), ERR_FORMAT);
	T_INT(out, 7);				/* untouched on error */
	T_INT(time_parse("-1s", INT64_MIN + 10, &out), ERR_FORMAT);
}

static void
test_time_format(void)
{
	static const int64_t	 v[] = {
		0, 1, -1, 999999, -999999, -1000000, 1741942805000000,
		1741942805123456, 951782400000000, -62167219200000000,
		253402300799999999, 1483228799999999, -86400000000
	};
	char			 b[TIME_FORMAT_LEN], small[5];
	int64_t			 back;
	size_t			 i;
	int			 bad = 0;

	time_format(0, b, sizeof(b));
	T_STR(b, "1970-01-01T00:00:00.000000Z");
	time_format(1741942805000000, b, sizeof(b));
	T_STR(b, "2025-03-14T09:00:05.000000Z");
	time_format(-1, b, sizeof(b));
	T_STR(b, "1969-12-31T23:59:59.999999Z");
	time_format(951782400000000 + 86399999999, b, sizeof(b));
	T_STR(b, "2000-02-29T23:59:59.999999Z");
	time_format((int64_t)-62167219200 * 1000000 - 1, b, sizeof(b));
	T_STR(b, "-0001-12-31T23:59:59.999999Z");
	time_format(INT64_MAX, b, sizeof(b));
	T_STR(b, "+294247-01-10T04:00:54.775807Z");
	time_format(INT64_MIN, b, sizeof(b));
	T_STR(b, "-290308-12-21T19:59:05.224192Z");
	time_format(0, small, sizeof(small));
	T_STR(small, "1970");
	/* years 0000-9999 are written by hand when the result fits, by
	 * snprintf (truncating) otherwise */
	{
		char b28[28], b27[27];

		time_format(1741942805123456, b28, sizeof(b28));
		T_STR(b28, "2025-03-14T09:00:05.123456Z");
		time_format(1741942805123456, b27, sizeof(b27));
		T_STR(b27, "2025-03-14T09:00:05.123456");
		time_format(-62167219200000000, b28, sizeof(b28));
		T_STR(b28, "0000-01-01T00:00:00.000000Z");
		time_format(253402300799999999, b28, sizeof(b28));
		T_STR(b28, "9999-12-31T23:59:59.999999Z");
		time_format(253402300800000000, b, sizeof(b));
		T_STR(b, "+10000-01-01T00:00:00.000000Z");
	}
	time_format(0, NULL, 0);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		time_format(v[i], b, sizeof(b));
		if (time_parse(b, 0, &back) != 0 || back != v[i]) {
			fprintf(stderr, "round trip %lld: %s\n",
			    (long long)v[i], b);
			bad++;
		}
	}
	/* every day of 1999-2001 and a stride over 0000-9999 */
	for (back = 915148800; back < 1009843200; back += 86400 + 3601) {
		int64_t us = back * 1000000 + 7, r = 0;

		time_format(us, b, sizeof(b));
		if (time_parse(b, 0, &r) != 0 || r != us)
			bad++;
	}
	for (back = -62167219200; back < 253402300799;
	    back += 86400 * 97 + 7777) {
		int64_t r = 0;

		time_format(back * 1000000, b, sizeof(b));
		if (time_parse(b, 0, &r) != 0 || r != back * 1000000)
			bad++;
	}
	T_INT(bad, 0);
}

int
main(void)
{
	setup();
	test_empty();
	test_words();
	test_operators();
	test_fields();
	test_numeric();
	test_required();
	test_prefilter();
	test_prefixes();
	test_errors();
	test_limits();
	test_nul();
	test_truncation();
	test_time_parse();
	test_time_format();
	return TEST_DONE();
}
