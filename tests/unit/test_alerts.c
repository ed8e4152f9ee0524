/*
 * test_alerts.c -- alert JSON (alerts.c): round trips, escaping, limits,
 * bad input; and the store side: alerts written with store_txn_alert in a
 * real temporary LevelDB, read back through ctl_alerts/ctl_alert_show
 * (order, filters, limit, update rewrite, events resolved from blocks).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "alerts.h"
#include "ctl.h"
#include "err.h"
#include "keys.h"
#include "store.h"
#include "test.h"

#define T0	1710407643000000LL	/* 2024-03-14T09:14:03Z */

static void
mkalert(struct alert *a, uint64_t id, const char *rule, int sev, int64_t ts)
{
	memset(a, 0, sizeof(*a));
	a->id = id;
	a->rule_id = rule;
	a->title = "SSH brute force";
	a->severity = sev;
	a->tags = "T1110, T1110.001";
	a->description = "many failures";
	a->ts_us = ts;
	a->first_us = ts - 60000000;
	snprintf(a->group, sizeof(a->group), "source.ip=10.0.0.%llu",
	    (unsigned long long)id);
	snprintf(a->message, sizeof(a->message), "alert %llu",
	    (unsigned long long)id);
	a->count = 5;
}

static void
test_roundtrip(void)
{
	struct alert		a;
	struct alert_view	v;
	struct buf		b;
	int			i;

	buf_init(&b, 0);
	mkalert(&a, 42, "ssh-brute", SEV_HIGH, T0);
	a.nrefs = ALERT_REFS_MAX;
	for (i = 0; i < a.nrefs; i++) {
		a.refs[i].stream = (uint32_t)i;
		a.refs[i].seq = 1000 + (uint64_t)i;
		a.refs[i].ts_us = T0 - i;
	}
	T_INT(alert_json(&a, &b), 0);
	T_OK(memmem(b.d, b.len, "\"tags\":[\"T1110\",\"T1110.001\"]", 28) !=
	    NULL);
	T_OK(memmem(b.d, b.len, "\"time\":\"2024-03-14T09:14:03.000000Z\"",
	    36) != NULL);
	T_OK(memmem(b.d, b.len, "\"severity\":\"high\"", 17) != NULL);
	T_OK(memmem(b.d, b.len, "\"update\"", 8) == NULL);
	T_INT(alert_parse((const char *)b.d, b.len, &v), 0);
	T_INT(v.id, 42);
	T_INT(v.update, 0);
	T_STR(v.rule, "ssh-brute");
	T_STR(v.title, "SSH brute force");
	T_INT(v.severity, SEV_HIGH);
	T_STR(v.tags, "T1110, T1110.001");
	T_STR(v.description, "many failures");
	T_INT(v.ts_us, T0);
	T_INT(v.first_us, T0 - 60000000);
	T_INT(v.last_us, T0);		/* no repeat yet: last = time */
	T_STR(v.group, "source.ip=10.0.0.42");
	T_STR(v.message, "alert 42");
	T_INT(v.count, 5);
	T_INT(v.suppressed, 0);
	T_INT(v.nrefs, ALERT_REFS_MAX);
	T_INT(v.refs[15].stream, 15);
	T_INT(v.refs[15].seq, 1015);
	T_INT(v.refs[15].ts_us, T0 - 15);

	/* an update: flagged, with its count and time */
	a.update = 1;
	a.suppressed = 7;
	a.last_us = T0 + 5000000;
	a.nrefs = 0;
	a.title = NULL;
	a.tags = NULL;
	a.description = NULL;
	buf_reset(&b);
	T_INT(alert_json(&a, &b), 0);
	T_INT(alert_parse((const char *)b.d, b.len, &v), 0);
	T_INT(v.update, 1);
	T_INT(v.suppressed, 7);
	T_INT(v.last_us, T0 + 5000000);
	T_STR(v.title, "");
	T_STR(v.tags, "");
	T_INT(v.nrefs, 0);
	buf_clear(&b);
}

static void
test_escaping(void)
{
	struct alert		a;
	struct alert_view	v;
	struct buf		b;
	yajl_val		root;
	char			eb[128], *s;

	buf_init(&b, 0);
	mkalert(&a, 1, "r\"1", SEV_CRITICAL, T0);
	snprintf(a.group, sizeof(a.group), "user.name=a\"b\\c\n\x1b[31m");
	snprintf(a.message, sizeof(a.message), "bad \xff utf8 \x01");
	a.tags = " ,a\"b ,, c ,";
	T_INT(alert_json(&a, &b), 0);
	/* valid JSON, no raw control bytes */
	T_OK(memchr(b.d, '\n', b.len) == NULL);
	T_OK(memchr(b.d, 0x1b, b.len) == NULL);
	s = strndup((const char *)b.d, b.len);
	T_OK((root = yajl_tree_parse(s, eb, sizeof(eb))) != NULL);
	yajl_tree_free(root);
	free(s);
	T_INT(alert_parse((const char *)b.d, b.len, &v), 0);
	T_STR(v.rule, "r\"1");
	T_STR(v.group, "user.name=a\"b\\c\n\x1b[31m");
	T_STR(v.message, "bad \\xFF utf8 \x01");	/* json.h: bad bytes */
	T_STR(v.tags, "a\"b, c");
	T_INT(v.severity, SEV_CRITICAL);

	/* the largest group and message stay whole */
	memset(a.group, 'g', sizeof(a.group) - 1);
	a.group[sizeof(a.group) - 1] = '\0';
	memset(a.message, '\x02', sizeof(a.message) - 1);
	a.message[sizeof(a.message) - 1] = '\0';
	buf_reset(&b);
	T_INT(alert_json(&a, &b), 0);
	T_OK(b.len < ALERT_JSON_MAX);
	T_INT(alert_parse((const char *)b.d, b.len, &v), 0);
	T_INT(strlen(v.group), ALERT_GROUP_MAX - 1);
	T_INT(strlen(v.message), ALERT_MESSAGE_MAX - 1);
	/* a long title is cut at a character boundary */
	{
		char t[600];
		size_t i;

		for (i = 0; i + 2 < sizeof(t); i += 2)
			memcpy(t + i, "\xc3\xa9", 2);
		t[i] = '\0';
		a.title = t;
		buf_reset(&b);
		T_INT(alert_json(&a, &b), 0);
		T_INT(alert_parse((const char *)b.d, b.len, &v), 0);
		T_INT(strlen(v.title), ALERT_TITLE_MAX - 2);
	}
	buf_clear(&b);
}

static void
test_bad(void)
{
	struct alert_view	 v;
	static const char	*bad[] = {
		"", "[]", "{", "null", "{}",
		"{\"rule\":\"r\",\"severity\":\"high\","
		    "\"time\":\"2024-01-01\"}",
		"{\"id\":-1,\"rule\":\"r\",\"severity\":\"high\","
		    "\"time\":\"2024-01-01\"}",
		"{\"id\":1,\"rule\":\"r\",\"severity\":\"huge\","
		    "\"time\":\"2024-01-01\"}",
		"{\"id\":1,\"rule\":\"r\",\"severity\":\"high\","
		    "\"time\":\"yesterday\"}",
		"{\"id\":1,\"rule\":\"r\",\"severity\":\"high\","
		    "\"time\":\"2024-01-01\",\"count\":\"5\"}",
		"{\"id\":1,\"rule\":\"r\",\"severity\":\"high\","
		    "\"time\":\"2024-01-01\",\"refs\":[1]}",
		"{\"id\":1,\"rule\":\"r\",\"severity\":\"high\","
		    "\"time\":\"2024-01-01\",\"refs\":[{\"stream\":-1,"
		    "\"seq\":1}]}",
		"{\"id\":1,\"rule\":\"r\",\"severity\":\"high\","
		    "\"time\":\"2024-01-01\",\"tags\":[1]}",
		"{\"id\":1,\"rule\":\"r\",\"severity\":\"high\","
		    "\"time\":\"2024-01-01\",\"suppressed\":4294967296}",
		/* not UTF-8 as alert_json writes it (yajl lets overlong
		 * forms and surrogates through; found by fuzz_alert) */
		"{\"id\":1,\"rule\":\"r\xc1\xbd\",\"severity\":\"high\","
		    "\"time\":\"2024-01-01\"}",
		"{\"id\":1,\"rule\":\"r\",\"severity\":\"high\","
		    "\"time\":\"2024-01-01\",\"message\":\"\xed\xa0\x80\"}",
		NULL
	};
	const char	*good = "{\"id\":1,\"rule\":\"r\",\"severity\":"
	    "\"LOW\",\"time\":\"2024-01-01\",\"extra\":[1,{}]}";
	const char	*mb = "{\"id\":1,\"rule\":\"r\xc3\xbc\xe2\x82\xac\","
	    "\"severity\":\"low\",\"time\":\"2024-01-01\"}";
	char		 big[ALERT_JSON_MAX + 2], refs[4096];
	int		 i, n;

	for (i = 0; bad[i] != NULL; i++) {
		if (alert_parse(bad[i], strlen(bad[i]), &v) != ERR_FORMAT)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		T_INT(alert_parse(bad[i], strlen(bad[i]), &v), ERR_FORMAT);
	}
	T_INT(alert_parse(good, strlen(good), &v), 0);
	T_INT(v.severity, SEV_LOW);
	/* well-formed multi-byte UTF-8 is kept */
	T_INT(alert_parse(mb, strlen(mb), &v), 0);
	T_STR(v.rule, "r\xc3\xbc\xe2\x82\xac");
	/* embedded NUL, too long */
	T_INT(alert_parse("{\"id\":1}\0x", 10, &v), ERR_FORMAT);
	memset(big, ' ', sizeof(big));
	T_INT(alert_parse(big, sizeof(big), &v), ERR_TOOBIG);
	/* more than ALERT_REFS_MAX references */
	n = snprintf(refs, sizeof(refs), "{\"id\":1,\"rule\":\"r\","
	    "\"severity\":\"high\",\"time\":\"2024-01-01\",\"refs\":[");
	for (i = 0; i <= ALERT_REFS_MAX; i++)
		n += snprintf(refs + n, sizeof(refs) - n, "%s{\"stream\":1,"
		    "\"seq\":%d}", i ? "," : "", i);
	n += snprintf(refs + n, sizeof(refs) - n, "]}");
	T_INT(alert_parse(refs, (size_t)n, &v), ERR_FORMAT);
	/* every truncation of a good object fails cleanly */
	{
		struct alert	a;
		struct buf	b;
		size_t		k;
		int		ok = 1;

		buf_init(&b, 0);
		mkalert(&a, 9, "x", SEV_INFO, T0);
		a.nrefs = 2;
		alert_json(&a, &b);
		for (k = 0; k < b.len; k++)
			if (alert_parse((const char *)b.d, k, &v) == 0)
				ok = 0;
		T_OK(ok);
		buf_clear(&b);
	}
}

static void
test_severity(void)
{
	T_STR(alert_severity_name(SEV_INFO), "info");
	T_STR(alert_severity_name(SEV_CRITICAL), "critical");
	T_STR(alert_severity_name(5), "?");
	T_STR(alert_severity_name(-1), "?");
	T_INT(alert_severity_parse("medium"), SEV_MEDIUM);
	T_INT(alert_severity_parse("High"), SEV_HIGH);
	T_INT(alert_severity_parse("warn"), -1);
	T_INT(alert_severity_parse(""), -1);
	T_INT(alert_severity_parse(NULL), -1);
}

/* ------------------------------------------------------------ store */

struct lines {
	int	n;
	char	l[64][8192];
};

static int
collect(void *arg, const char *s, size_t n)
{
	struct lines *ls = arg;

	if (ls->n < 64 && n < sizeof(ls->l[0])) {
		memcpy(ls->l[ls->n], s, n);
		ls->l[ls->n][n] = '\0';
	}
	ls->n++;
	return 0;
}

static uint64_t
line_id(const char *s)
{
	struct alert_view v;

	if (alert_parse(s, strlen(s), &v) != 0)
		return 0;
	return v.id;
}

static void
put_alert(struct store_txn *t, struct alert *a)
{
	struct buf b;

	buf_init(&b, 0);
	T_INT(alert_json(a, &b), 0);
	T_INT(store_txn_alert(t, a->id, (const char *)b.d, b.len), 0);
	buf_clear(&b);
}

static int
run_alerts(struct store *st, const char *req, struct lines *ls)
{
	struct ctl_req	rq;
	char		err[256];

	memset(ls, 0, sizeof(*ls));
	if (ctl_req_parse(req, strlen(req), &rq, err, sizeof(err)) != 0) {
		fprintf(stderr, "parse %s: %s\n", req, err);
		return -100;
	}
	return ctl_alerts(st, &rq, collect, ls, err, sizeof(err));
}

static void
test_store(void)
{
	char			 dir[] = "/tmp/vigil-test-alerts.XXXXXX";
	char			 err[512], cmd[600];
	struct store		*st = NULL;
	struct store_opts	 so = { 0, 0, 0 };
	struct store_txn	*t;
	struct lines		*ls;
	struct alert		 a;
	struct proto_batch	 pb;
	struct buf		 ev;
	uint32_t		 sid, stored, dups;
	uint64_t		 next, gap;
	int			 i;

	ls = calloc(1, sizeof(*ls));
	T_OK(mkdtemp(dir) != NULL);
	T_INT(store_open(dir, &so, &st, err, sizeof(err)), 0);
	if (st == NULL)
		return;
	T_INT(store_alert_last_id(st), 0);
	T_INT(store_stream_lookup(st, "hv1", "i1", "/var/log/auth.log",
	    "auth", "host", "", &sid, &next), 0);
	/* 300 events: two blocks (256 + 44) */
	buf_init(&ev, 0);
	for (i = 1; i <= 300; i++) {
		char line[128];

		snprintf(line, sizeof(line), "Mar 14 09:%02d:%02d hv1 sshd[1]: "
		    "Failed password for root from 10.0.0.%d port 22 ssh2",
		    i / 60, i % 60, i);
		buf_put_u64(&ev, (uint64_t)T0);
		buf_put_str(&ev, line, strlen(line));
	}
	pb.stream = sid;
	pb.first_seq = 1;
	pb.count = 300;
	pb.events = ev.d;
	pb.eventslen = ev.len;
	t = store_txn_new(st);
	T_INT(store_txn_add(t, sid, &pb, T0, 0, &stored, &dups, &gap), 0);
	T_INT(stored, 300);
	/* alerts 1..10: severity id % 5, rule a/b, time T0 + id s */
	for (i = 1; i <= 10; i++) {
		mkalert(&a, (uint64_t)i, i % 2 ? "rule-a" : "rule-b", i % 5,
		    T0 + i * 1000000LL);
		a.nrefs = 2;
		a.refs[0].stream = sid;
		a.refs[0].seq = (uint64_t)i;
		a.refs[1].stream = sid;
		a.refs[1].seq = 250 + (uint64_t)i;	/* second block too */
		put_alert(t, &a);
	}
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	T_INT(store_alert_last_id(st), 10);

	/* newest first, ending with _end */
	T_INT(run_alerts(st, "{\"op\":\"alerts\"}", ls), 0);
	T_INT(ls->n, 11);
	T_INT(line_id(ls->l[0]), 10);
	T_INT(line_id(ls->l[9]), 1);
	T_OK(strstr(ls->l[10], "\"_end\":{\"matched\":10,\"scanned\":10,"
	    "\"damaged\":0") != NULL);
	/* limit */
	T_INT(run_alerts(st, "{\"op\":\"alerts\",\"limit\":3}", ls), 0);
	T_INT(ls->n, 4);
	T_INT(line_id(ls->l[2]), 8);
	/* minimum severity: high (3) and critical (4): ids 3, 4, 8, 9 */
	T_INT(run_alerts(st, "{\"op\":\"alerts\",\"severity\":\"high\"}", ls),
	    0);
	T_INT(ls->n, 5);
	T_INT(line_id(ls->l[0]), 9);
	T_INT(line_id(ls->l[3]), 3);
	/* rule */
	T_INT(run_alerts(st, "{\"op\":\"alerts\",\"rule\":\"rule-b\"}", ls), 0);
	T_INT(ls->n, 6);
	T_INT(line_id(ls->l[0]), 10);
	T_INT(line_id(ls->l[4]), 2);
	/* time range [T0+3s, T0+6s): ids 3, 4, 5 */
	snprintf(cmd, sizeof(cmd), "{\"op\":\"alerts\",\"since\":%lld,"
	    "\"until\":%lld}", T0 + 3000000, T0 + 6000000);
	T_INT(run_alerts(st, cmd, ls), 0);
	T_INT(ls->n, 4);
	T_INT(line_id(ls->l[0]), 5);
	T_INT(line_id(ls->l[2]), 3);
	/* everything together */
	snprintf(cmd, sizeof(cmd), "{\"op\":\"alerts\",\"since\":%lld,"
	    "\"severity\":\"medium\",\"rule\":\"rule-a\",\"limit\":1}",
	    T0 + 2000000);
	T_INT(run_alerts(st, cmd, ls), 0);
	T_INT(ls->n, 2);
	T_INT(line_id(ls->l[0]), 9);	/* of 9, 7, 3: newest first */

	/* an update rewrites the key: still 10 alerts, new count */
	mkalert(&a, 4, "rule-b", 4, T0 + 4000000);
	a.update = 1;
	a.suppressed = 3;
	a.last_us = T0 + 99000000;
	put_alert(t, &a);
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	T_INT(store_alert_last_id(st), 10);
	T_INT(run_alerts(st, "{\"op\":\"alerts\",\"rule\":\"rule-b\","
	    "\"severity\":\"critical\"}", ls), 0);
	T_INT(ls->n, 2);
	T_OK(strstr(ls->l[0], "\"suppressed\":3") != NULL);
	T_OK(strstr(ls->l[1], "\"scanned\":10") != NULL);

	/* a damaged record is skipped and counted, nothing else lost */
	T_INT(store_txn_alert(t, 11, "{\"id\":11", 8), 0);
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	T_INT(store_alert_last_id(st), 11);
	T_INT(run_alerts(st, "{\"op\":\"alerts\"}", ls), 0);
	T_INT(ls->n, 11);
	T_OK(strstr(ls->l[10], "\"damaged\":1") != NULL);

	/* alert_show: the alert, then its events from both blocks */
	memset(ls, 0, sizeof(*ls));
	T_INT(ctl_alert_show(st, 7, collect, ls, err, sizeof(err)), 0);
	T_INT(ls->n, 4);
	T_OK(strncmp(ls->l[0], "{\"alert\":{\"id\":7,", 17) == 0);
	T_OK(strncmp(ls->l[1], "{\"event\":{", 10) == 0);
	T_OK(strstr(ls->l[1], "from 10.0.0.7 port") != NULL);
	T_OK(strstr(ls->l[1], "\"event.sequence\":7") != NULL);
	T_OK(strstr(ls->l[2], "from 10.0.0.257 port") != NULL);
	T_OK(strstr(ls->l[2], "\"event.sequence\":257") != NULL);
	T_STR(ls->l[3], "{\"_end\":{\"events\":2,\"missing\":0}}");
	/* references to events never stored */
	mkalert(&a, 12, "rule-a", 1, T0);
	a.nrefs = 3;
	a.refs[0].stream = sid;
	a.refs[0].seq = 301;		/* past the end of the last block */
	a.refs[1].stream = sid + 1;	/* no such stream */
	a.refs[1].seq = 1;
	a.refs[2].stream = sid;
	a.refs[2].seq = 256;		/* the last of the first block */
	put_alert(t, &a);
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	memset(ls, 0, sizeof(*ls));
	T_INT(ctl_alert_show(st, 12, collect, ls, err, sizeof(err)), 0);
	T_INT(ls->n, 5);
	T_STR(ls->l[1], "{\"missing\":{\"stream\":0,\"seq\":301}}");
	T_STR(ls->l[2], "{\"missing\":{\"stream\":1,\"seq\":1}}");
	T_OK(strstr(ls->l[3], "from 10.0.0.256 port") != NULL);
	T_STR(ls->l[4], "{\"_end\":{\"events\":1,\"missing\":2}}");
	/* unknown and damaged ids */
	memset(ls, 0, sizeof(*ls));
	T_INT(ctl_alert_show(st, 99, collect, ls, err, sizeof(err)),
	    ERR_NOTFOUND);
	T_STR(err, "no alert 99");
	T_INT(ctl_alert_show(st, 11, collect, ls, err, sizeof(err)),
	    ERR_FORMAT);
	T_STR(err, "alert 11: damaged record");
	T_INT(ls->n, 0);

	store_txn_free(t);
	buf_clear(&ev);
	store_close(st);
	/* the highest id survives a reopen */
	st = NULL;
	T_INT(store_open(dir, &so, &st, err, sizeof(err)), 0);
	if (st != NULL)
		T_INT(store_alert_last_id(st), 12);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	T_INT(system(cmd), 0);
	free(ls);
}

static void
test_req(void)
{
	struct ctl_req	 rq;
	char		 err[256];
	const char	*s;

	s = "{\"op\":\"alert_show\",\"id\":5}";
	T_INT(ctl_req_parse(s, strlen(s), &rq, err, sizeof(err)), 0);
	T_INT(rq.id, 5);
	s = "{\"op\":\"alerts\"}";
	T_INT(ctl_req_parse(s, strlen(s), &rq, err, sizeof(err)), 0);
	T_INT(rq.id, -1);
	T_STR(rq.severity, "");
	s = "{\"op\":\"alerts\",\"severity\":\"bad\"}";
	T_INT(ctl_req_parse(s, strlen(s), &rq, err, sizeof(err)), ERR_FORMAT);
	T_OK(strstr(err, "severity") != NULL);
	s = "{\"op\":\"alerts\",\"severity\":3}";
	T_INT(ctl_req_parse(s, strlen(s), &rq, err, sizeof(err)), ERR_FORMAT);
	s = "{\"op\":\"alert_show\",\"id\":-2}";
	T_INT(ctl_req_parse(s, strlen(s), &rq, err, sizeof(err)), ERR_FORMAT);
	s = "{\"op\":\"alert_show\",\"id\":\"5\"}";
	T_INT(ctl_req_parse(s, strlen(s), &rq, err, sizeof(err)), ERR_FORMAT);
	s = "{\"op\":\"alerts\",\"rule\":\"ssh-brute\"}";
	T_INT(ctl_req_parse(s, strlen(s), &rq, err, sizeof(err)), 0);
	T_STR(rq.rule, "ssh-brute");
}

int
main(void)
{
	test_roundtrip();
	test_escaping();
	test_bad();
	test_severity();
	test_req();
	test_store();
	return TEST_DONE();
}
