/*
 * test_rules_engine.c -- the rules engine: threshold window edges
 * (exactly N, N-1, one second late, out of order), groups, distinct,
 * sequences with counts, absence with and without after (disarm, late
 * data), suppression and its updates, the index (tested counts), the
 * group cap and eviction, state snapshots across engines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "record.h"
#include "rules.h"
#include "test.h"

#define MAXA	64

struct col {
	int		n;
	struct alert	a[MAXA];
	int		hadev[MAXA];
};

static void
collect(const struct alert *a, void *arg)
{
	struct col *c = arg;

	if (c->n < MAXA) {
		c->a[c->n] = *a;
		c->hadev[c->n] = a->ev != NULL;
		c->a[c->n].ev = NULL;
	}
	c->n++;
}

static struct record ev;
static uint64_t seqno;

/* Feed an event at ts seconds with name, value pairs (NULL ends). */
static void
feed(struct rules_engine *e, int64_t ts, ...)
{
	struct rule_ref	 ref;
	va_list		 ap;
	const char	*n, *v;

	record_init(&ev);
	ev.ts_us = ts * 1000000;
	va_start(ap, ts);
	while ((n = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		record_add(&ev, n, v, strlen(v));
	}
	va_end(ap);
	ref.stream = 7;
	ref.seq = ++seqno;
	ref.ts_us = 0;		/* the engine takes the event's time */
	rules_event(e, &ev, &ref);
}

static struct ruleset *
parse(const char *text)
{
	struct ruleset	*rs;
	char		 err[256];

	if (rules_parse("t.rules", text, strlen(text), &rs, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "parse: %s\n", err);
		abort();
	}
	return rs;
}

static struct rules_engine *
engine(const struct ruleset *rs, struct col *c, size_t max)
{
	struct rules_opts o = { max, 0 };

	memset(c, 0, sizeof(*c));
	return rules_engine_new(rs, &o, collect, c);
}

#define HDR	" title T\n severity high\n"

static void
test_threshold(void)
{
	struct ruleset		*rs;
	struct rules_engine	*e;
	struct col		 c;
	int			 i;

	rs = parse("rule th\n" HDR " match a == x\n"
	    " threshold 3 within 10s by ip\n"
	    " message \"{count} from {ip} in {window}: {group}\"\nend\n");
	e = engine(rs, &c, 0);
	/* N-1 events: nothing */
	feed(e, 100, "a", "x", "ip", "1", NULL);
	feed(e, 105, "a", "x", "ip", "1", NULL);
	T_INT(c.n, 0);
	/* exactly N with the newest exactly DUR after the oldest: fires */
	feed(e, 110, "a", "x", "ip", "1", NULL);
	T_INT(c.n, 1);
	T_INT(c.a[0].count, 3);
	T_INT(c.a[0].id, 1);
	T_INT(c.a[0].update, 0);
	T_INT(c.a[0].first_us, 100000000);
	T_INT(c.a[0].ts_us, 110000000);
	T_INT(c.a[0].nrefs, 3);
	T_INT(c.a[0].refs[0].seq, 1);
	T_INT(c.a[0].refs[2].seq, 3);
	T_INT(c.a[0].refs[0].stream, 7);
	T_INT(c.a[0].refs[1].ts_us, 105000000);
	T_STR(c.a[0].group, "ip=1");
	T_STR(c.a[0].message, "3 from 1 in 10s: ip=1");
	T_STR(c.a[0].rule_id, "th");
	T_STR(c.a[0].title, "T");
	T_STR(c.a[0].tags, "");		/* never NULL */
	T_STR(c.a[0].description, "");
	T_INT(c.a[0].severity, SEV_HIGH);
	T_OK(c.hadev[0]);
	/* the window restarted empty: two more do not fire */
	feed(e, 111, "a", "x", "ip", "1", NULL);
	feed(e, 112, "a", "x", "ip", "1", NULL);
	T_INT(c.n, 1);
	/* the third is 1 s too late for the first (111 + 10 < 122) */
	feed(e, 122, "a", "x", "ip", "1", NULL);
	T_INT(c.n, 1);
	/* but with 112 and 122 it makes three */
	feed(e, 122, "a", "x", "ip", "1", NULL);
	T_INT(c.n, 2);
	T_INT(c.a[1].id, 2);
	T_INT(c.a[1].first_us, 112000000);

	/* groups: two sources interleaved; no ip does not count; a
	 * non-matching event does not count */
	feed(e, 200, "a", "x", "ip", "2", NULL);
	feed(e, 200, "a", "x", "ip", "3", NULL);
	feed(e, 201, "a", "x", NULL);
	feed(e, 201, "a", "y", "ip", "2", NULL);
	feed(e, 202, "a", "x", "ip", "2", NULL);
	feed(e, 202, "a", "x", "ip", "3", NULL);
	T_INT(c.n, 2);
	feed(e, 203, "a", "x", "ip", "3", NULL);
	T_INT(c.n, 3);
	T_STR(c.a[2].group, "ip=3");
	feed(e, 204, "a", "x", "ip", "2", NULL);
	T_INT(c.n, 4);
	T_STR(c.a[3].group, "ip=2");

	/* out of order within the window still counts; too old does not */
	feed(e, 310, "a", "x", "ip", "4", NULL);
	feed(e, 299, "a", "x", "ip", "4", NULL);	/* 11 s before */
	feed(e, 300, "a", "x", "ip", "4", NULL);
	T_INT(c.n, 4);
	feed(e, 305, "a", "x", "ip", "4", NULL);
	T_INT(c.n, 5);
	T_INT(c.a[4].first_us, 300000000);
	T_INT(c.a[4].ts_us, 305000000);
	T_INT(c.a[4].refs[2].ts_us, 310000000);
	rules_engine_free(e);
	rules_free(rs);

	/* more than ALERT_REFS_MAX events: the oldest 16 are referenced */
	rs = parse("rule big\n" HDR " match true\n threshold 20 within 1m\n"
	    "end\n");
	e = engine(rs, &c, 0);
	for (i = 0; i < 20; i++)
		feed(e, 1000 + i, "k", "v", NULL);
	T_INT(c.n, 1);
	T_INT(c.a[0].count, 20);
	T_INT(c.a[0].nrefs, ALERT_REFS_MAX);
	T_INT(c.a[0].refs[15].ts_us, 1015000000);
	T_STR(c.a[0].group, "");
	rules_engine_free(e);
	rules_free(rs);
}

static void
test_distinct(void)
{
	struct ruleset		*rs;
	struct rules_engine	*e;
	struct col		 c;

	rs = parse("rule scan\n" HDR " match true\n"
	    " distinct port 3 within 1m by src\n"
	    " message {distinct} ports from {src}\nend\n");
	e = engine(rs, &c, 0);
	feed(e, 0, "src", "a", "port", "22", NULL);
	feed(e, 1, "src", "a", "port", "22", NULL);
	feed(e, 2, "src", "a", "port", "80", NULL);
	feed(e, 3, "src", "b", "port", "443", NULL);
	feed(e, 4, "src", "a", NULL);			/* no port */
	T_INT(c.n, 0);
	/* a repeat keeps its newest time: 22 at 1 s, 80 at 2 s, 443 at
	 * 61 s is within the window of 22's repeat */
	feed(e, 61, "src", "a", "port", "443", NULL);
	T_INT(c.n, 1);
	T_INT(c.a[0].count, 3);
	T_STR(c.a[0].message, "3 ports from a");
	T_INT(c.a[0].first_us, 1000000);
	T_INT(c.a[0].nrefs, 3);
	/* restarted empty */
	feed(e, 62, "src", "a", "port", "1", NULL);
	feed(e, 63, "src", "a", "port", "2", NULL);
	T_INT(c.n, 1);
	/* 200 s later the old values are out of the window */
	feed(e, 200, "src", "a", "port", "3", NULL);
	T_INT(c.n, 1);
	rules_engine_free(e);
	rules_free(rs);
}

static void
test_sequence(void)
{
	struct ruleset		*rs;
	struct rules_engine	*e;
	struct col		 c;

	rs = parse("rule seq\n" HDR " match event.category == auth\n"
	    " sequence within 1m by user\n"
	    " step 2 outcome == failure\n"
	    " step outcome == success\nend\n");
	e = engine(rs, &c, 0);
	feed(e, 0, "event.category", "auth", "user", "u", "outcome",
	    "failure", NULL);
	feed(e, 1, "event.category", "auth", "user", "u", "outcome",
	    "success", NULL);	/* step 1 still needs a second failure */
	T_INT(c.n, 0);
	feed(e, 2, "event.category", "auth", "user", "u", "outcome",
	    "failure", NULL);
	feed(e, 3, "event.category", "net", "user", "u", "outcome",
	    "success", NULL);	/* match is and-ed into every step */
	T_INT(c.n, 0);
	feed(e, 4, "event.category", "auth", "user", "v", "outcome",
	    "success", NULL);	/* another group */
	T_INT(c.n, 0);
	feed(e, 5, "event.category", "auth", "user", "u", "outcome",
	    "success", NULL);
	T_INT(c.n, 1);
	T_INT(c.a[0].count, 3);
	T_INT(c.a[0].nrefs, 3);
	T_INT(c.a[0].first_us, 0);
	T_INT(c.a[0].ts_us, 5000000);
	T_STR(c.a[0].group, "user=u");
	/* too slow: the success comes 61 s after the first failure */
	feed(e, 100, "event.category", "auth", "user", "u", "outcome",
	    "failure", NULL);
	feed(e, 130, "event.category", "auth", "user", "u", "outcome",
	    "failure", NULL);
	feed(e, 161, "event.category", "auth", "user", "u", "outcome",
	    "success", NULL);
	T_INT(c.n, 1);
	/* exactly 60 s is in time */
	feed(e, 200, "event.category", "auth", "user", "u", "outcome",
	    "failure", NULL);
	feed(e, 230, "event.category", "auth", "user", "u", "outcome",
	    "failure", NULL);
	feed(e, 260, "event.category", "auth", "user", "u", "outcome",
	    "success", NULL);
	T_INT(c.n, 2);
	rules_engine_free(e);
	rules_free(rs);
}

static void
test_absence(void)
{
	struct ruleset		*rs;
	struct rules_engine	*e;
	struct col		 c;
	struct rules_stats	 st;

	/* without after: a sender gone silent */
	rs = parse("rule quiet\n" HDR " match event.dataset == syslog\n"
	    " absence 1m by host.name\n"
	    " message {host.name} silent for {window} ({count} seen)\nend\n");
	e = engine(rs, &c, 0);
	feed(e, 1000, "event.dataset", "syslog", "host.name", "hv1", NULL);
	feed(e, 1030, "event.dataset", "syslog", "host.name", "hv1", NULL);
	feed(e, 1031, "event.dataset", "other", "host.name", "hv1", NULL);
	rules_tick(e, 1089000000);
	T_INT(c.n, 0);
	rules_tick(e, 1090000000);	/* 60 s after the last: fires */
	T_INT(c.n, 1);
	T_OK(!c.hadev[0]);
	T_STR(c.a[0].group, "host.name=hv1");
	T_STR(c.a[0].message, "hv1 silent for 1m (2 seen)");
	T_INT(c.a[0].ts_us, 1090000000);
	T_INT(c.a[0].first_us, 1000000000);
	T_INT(c.a[0].nrefs, 1);
	T_INT(c.a[0].refs[0].ts_us, 1030000000);
	rules_tick(e, 2000000000);	/* once */
	T_INT(c.n, 1);
	rules_stats(e, &st);
	T_INT(st.groups, 0);
	/* late data (older than the clock minus DUR) does not arm */
	feed(e, 1900, "event.dataset", "syslog", "host.name", "hv2", NULL);
	rules_tick(e, 3000000000);
	T_INT(c.n, 1);
	/* an event's time fires due timers before the event counts */
	feed(e, 3000, "event.dataset", "syslog", "host.name", "hv3", NULL);
	feed(e, 3060, "event.dataset", "syslog", "host.name", "hv3", NULL);
	T_INT(c.n, 2);
	T_STR(c.a[1].group, "host.name=hv3");
	rules_engine_free(e);
	rules_free(rs);

	/* with after: VM started, its guest never reported */
	rs = parse("rule noguest\n" HDR " match event.dataset == guest\n"
	    " after event.action == vm_start\n"
	    " absence 5m by vm.name\nend\n");
	e = engine(rs, &c, 0);
	feed(e, 0, "event.action", "vm_start", "vm.name", "a", NULL);
	feed(e, 0, "event.action", "vm_start", "vm.name", "b", NULL);
	feed(e, 0, "event.action", "vm_start", "vm.name", "c", NULL);
	feed(e, 10, "event.dataset", "guest", "vm.name", "a", NULL);
	/* a guest line older than the start does not disarm */
	feed(e, 20, "event.action", "vm_start", "vm.name", "c", NULL);
	feed(e, 15, "event.dataset", "guest", "vm.name", "c", NULL);
	rules_tick(e, 299000000);
	T_INT(c.n, 0);
	rules_tick(e, 300000000);
	T_INT(c.n, 1);
	T_STR(c.a[0].group, "vm.name=b");
	T_STR(c.a[0].message, "T");
	rules_tick(e, 320000000);
	T_INT(c.n, 2);
	T_STR(c.a[1].group, "vm.name=c");
	T_INT(c.a[1].count, 2);
	T_INT(c.a[1].first_us, 0);
	T_INT(c.a[1].refs[0].ts_us, 20000000);
	rules_tick(e, 900000000);
	T_INT(c.n, 2);			/* a was disarmed */
	T_OK(c.a[1].id > c.a[0].id);
	rules_engine_free(e);
	rules_free(rs);
}

static void
test_suppress(void)
{
	struct ruleset		*rs;
	struct rules_engine	*e;
	struct col		 c;
	struct rules_stats	 st;

	rs = parse("rule s\n" HDR " match a == x\n suppress 1m by ip\nend\n"
	    "rule t\n" HDR " match a == x\n threshold 2 within 10s by ip\n"
	    " suppress 1m\nend\n");
	e = engine(rs, &c, 0);
	feed(e, 0, "a", "x", "ip", "1", NULL);
	T_INT(c.n, 1);
	T_INT(c.a[0].id, 1);
	T_STR(c.a[0].group, "ip=1");
	feed(e, 10, "a", "x", "ip", "1", NULL);	/* s repeat, t fires */
	T_INT(c.n, 3);
	T_INT(c.a[1].update, 1);
	T_INT(c.a[1].id, 1);
	T_INT(c.a[1].suppressed, 1);
	T_INT(c.a[1].last_us, 10000000);
	T_STR(c.a[1].rule_id, "s");
	T_INT(c.a[2].update, 0);
	T_INT(c.a[2].id, 2);
	T_STR(c.a[2].rule_id, "t");
	feed(e, 20, "a", "x", "ip", "1", NULL);
	feed(e, 25, "a", "x", "ip", "1", NULL);	/* t fires again: update */
	T_INT(c.n, 6);
	T_INT(c.a[3].suppressed, 2);
	T_INT(c.a[3].last_us, 20000000);
	T_INT(c.a[5].update, 1);
	T_INT(c.a[5].id, 2);
	T_INT(c.a[5].suppressed, 1);
	T_INT(c.a[5].count, 2);
	feed(e, 30, "a", "x", "ip", "2", NULL);	/* another group */
	T_INT(c.n, 7);
	T_INT(c.a[6].update, 0);
	T_INT(c.a[6].id, 3);
	feed(e, 61, "a", "x", "ip", "1", NULL);	/* 61 s after alert 1 */
	T_INT(c.n, 8);
	T_INT(c.a[7].update, 0);
	T_INT(c.a[7].id, 4);
	rules_stats(e, &st);
	T_INT(st.alerts, 4);
	T_INT(st.suppressed, 4);
	T_INT(st.next_id, 5);
	rules_engine_free(e);
	rules_free(rs);
}

static void
test_index(void)
{
	struct ruleset		*rs;
	struct rules_engine	*e;
	struct col		 c;
	struct rules_stats	 st;

	rs = parse("rule eq\n" HDR " match event.action == ssh_login and "
	    "outcome == failure\nend\n"
	    "rule in\n" HDR " match event.action in [sudo, su]\nend\n"
	    "rule ex\n" HDR " match user.name =~ /^r/ and host.name exists\n"
	    "end\n"
	    "rule any\n" HDR " match not user.name exists\nend\n"
	    "rule cap\n" HDR " match (message =~ /(?<user__name>\\w+)/ or "
	    "true) and user.name == root\nend\n");
	e = engine(rs, &c, 0);
	feed(e, 0, "host.name", "h", NULL);
	rules_stats(e, &st);
	/* only the unindexed rules: "any" and "cap" */
	T_INT(st.events, 1);
	T_INT(st.tested, 2);
	T_INT(c.n, 1);
	feed(e, 0, "event.action", "ssh_login", "outcome", "success", NULL);
	rules_stats(e, &st);
	T_INT(st.tested, 5);
	T_INT(c.n, 2);
	feed(e, 0, "event.action", "su", "user.name", "root", NULL);
	rules_stats(e, &st);
	T_INT(st.tested, 9);	/* in, ex, any, cap */
	T_INT(c.n, 4);
	T_STR(c.a[2].rule_id, "in");
	T_STR(c.a[3].rule_id, "cap");
	feed(e, 0, "message", "root", NULL);
	T_INT(c.n, 6);		/* any, and cap through its capture */
	rules_engine_free(e);
	rules_free(rs);
}

/* Which events need VM placement before the rules (rulehook skips it). */
static int
wants_vm(struct rules_engine *e, ...)
{
	va_list		 ap;
	const char	*n, *v;

	record_init(&ev);
	va_start(ap, e);
	while ((n = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		record_add(&ev, n, v, strlen(v));
	}
	va_end(ap);
	return rules_event_wants_vm(e, &ev);
}

static void
test_wants_vm(void)
{
	struct ruleset		*rs;
	struct rules_engine	*e;
	struct col		 c;

	/* no rule reads VM fields: never */
	rs = parse("rule a\n" HDR " match event.action == x\nend\n");
	e = engine(rs, &c, 0);
	T_INT(wants_vm(e, "event.action", "x", NULL), 0);
	rules_engine_free(e);
	rules_free(rs);
	/* an indexed rule reading vm.name in its condition, and one
	 * grouping by hypervisor.name: only their candidates */
	rs = parse("rule a\n" HDR " match event.action == start and "
	    "vm.name != x\nend\n"
	    "rule b\n" HDR " match event.dataset == audit\n"
	    " threshold 2 within 1m by hypervisor.name\nend\n"
	    "rule c\n" HDR " match event.action == other\nend\n");
	e = engine(rs, &c, 0);
	T_INT(wants_vm(e, "event.action", "start", NULL), 1);
	T_INT(wants_vm(e, "event.dataset", "audit", NULL), 1);
	T_INT(wants_vm(e, "event.action", "other", NULL), 0);
	T_INT(wants_vm(e, "event.dataset", "netfilter", NULL), 0);
	rules_engine_free(e);
	rules_free(rs);
	/* in a message template only */
	rs = parse("rule a\n" HDR " match event.action == start\n"
	    " message on {hypervisor.name}\nend\n");
	e = engine(rs, &c, 0);
	T_INT(wants_vm(e, "event.action", "start", NULL), 1);
	T_INT(wants_vm(e, "event.action", "stop", NULL), 0);
	rules_engine_free(e);
	rules_free(rs);
	/* indexed on a VM field: a candidate only after placement */
	rs = parse("rule a\n" HDR " match vm.name == web\nend\n");
	e = engine(rs, &c, 0);
	T_INT(wants_vm(e, "event.action", "x", NULL), 1);
	rules_engine_free(e);
	rules_free(rs);
	/* the candidates wants_vm found serve rules_event while the event
	 * has no new field; a field added in between is looked at */
	rs = parse("rule a\n" HDR " match event.action == start\n"
	    " message on {hypervisor.name}\nend\n"
	    "rule b\n" HDR " match event.outcome == ok\nend\n");
	e = engine(rs, &c, 0);
	T_INT(wants_vm(e, "event.action", "start", NULL), 1);
	record_add(&ev, "event.outcome", "ok", 2);
	rules_event(e, &ev, NULL);
	T_INT(c.n, 2);
	T_INT(wants_vm(e, "event.action", "start", "event.outcome", "ok",
	    NULL), 1);
	rules_event(e, &ev, NULL);
	T_INT(c.n, 4);
	T_INT(wants_vm(e, "event.action", "start", NULL), 1);
	rules_event(e, &ev, NULL);
	T_INT(c.n, 5);
	T_STR(c.a[4].rule_id, "a");
	rules_engine_free(e);
	rules_free(rs);
	/* unindexed and reading one: every event */
	rs = parse("rule a\n" HDR " match not vm.uuid exists\nend\n");
	e = engine(rs, &c, 0);
	T_INT(wants_vm(e, "event.action", "x", NULL), 1);
	rules_engine_free(e);
	rules_free(rs);
}

static void
test_eviction(void)
{
	struct ruleset		*rs;
	struct rules_engine	*e;
	struct col		 c;
	struct rules_stats	 st;

	rs = parse("rule th\n" HDR " match true\n threshold 2 within 1h "
	    "by ip\nend\n");
	e = engine(rs, &c, 2);
	feed(e, 0, "ip", "1", NULL);
	feed(e, 1, "ip", "2", NULL);
	feed(e, 2, "ip", "1", NULL);	/* fires, ip 1 dropped */
	T_INT(c.n, 1);
	feed(e, 3, "ip", "3", NULL);
	feed(e, 4, "ip", "4", NULL);	/* the cap: 2 goes */
	rules_stats(e, &st);
	T_INT(st.evicted, 1);
	T_INT(st.groups, 2);
	feed(e, 5, "ip", "2", NULL);	/* starts over; 3 is evicted */
	T_INT(c.n, 1);
	feed(e, 6, "ip", "4", NULL);
	T_INT(c.n, 2);
	rules_stats(e, &st);
	T_INT(st.evicted, 2);
	rules_engine_free(e);
	rules_free(rs);

	/* a group used since the sweep last passed gets a second chance:
	 * 1 is the oldest but was used, so 2 goes */
	rs = parse("rule th\n" HDR " match true\n threshold 3 within 1h "
	    "by ip\nend\n");
	e = engine(rs, &c, 3);
	feed(e, 0, "ip", "1", NULL);
	feed(e, 1, "ip", "2", NULL);
	feed(e, 2, "ip", "3", NULL);
	feed(e, 3, "ip", "1", NULL);	/* 1 used */
	feed(e, 4, "ip", "4", NULL);	/* the cap: 2 goes, not 1 */
	rules_stats(e, &st);
	T_INT(st.evicted, 1);
	feed(e, 5, "ip", "1", NULL);	/* its third: fires */
	T_INT(c.n, 1);
	feed(e, 6, "ip", "3", NULL);	/* 3 kept: its second */
	feed(e, 7, "ip", "3", NULL);	/* third */
	T_INT(c.n, 2);
	rules_stats(e, &st);
	T_INT(st.evicted, 1);
	rules_engine_free(e);
	rules_free(rs);
}

static const char staterules[] =
    "rule th\n" HDR " match a == x\n threshold 3 within 1m by ip\nend\n"
    "rule d\n" HDR " match a == d\n distinct p 2 within 1m\nend\n"
    "rule q\n" HDR " match a == q\n absence 1m by h\n suppress 1h\nend\n"
    "rule s\n" HDR " match a == s\n suppress 1h by ip\nend\n";

static void
test_state(void)
{
	struct ruleset		*rs, *rs2;
	struct rules_engine	*e, *e2;
	struct col		 c, c2;
	struct rules_stats	 st;
	struct buf		 b;
	char			*changed, *p;
	uint64_t		 first;

	rs = parse(staterules);
	e = engine(rs, &c, 0);
	first = seqno + 1;
	feed(e, 0, "a", "x", "ip", "1", NULL);
	feed(e, 10, "a", "x", "ip", "1", NULL);
	feed(e, 11, "a", "d", "p", "1", NULL);
	feed(e, 12, "a", "q", "h", "hv1", NULL);
	feed(e, 13, "a", "s", "ip", "9", NULL);
	T_INT(c.n, 1);
	buf_init(&b, 0);
	T_INT(rules_state_save(e, &b), 0);

	/* a new engine over the same text carries on */
	rs2 = parse(staterules);
	e2 = engine(rs2, &c2, 0);
	T_INT(rules_state_load(e2, b.d, b.len), 0);
	rules_stats(e2, &st);
	T_INT(st.groups, 4);	/* th, d, q and s's suppression */
	T_INT(st.next_id, 2);
	feed(e2, 20, "a", "x", "ip", "1", NULL);
	T_INT(c2.n, 1);
	T_INT(c2.a[0].count, 3);
	T_INT(c2.a[0].id, 2);
	T_INT(c2.a[0].first_us, 0);
	T_INT(c2.a[0].refs[0].seq, first);
	feed(e2, 21, "a", "d", "p", "2", NULL);
	T_INT(c2.n, 2);
	feed(e2, 22, "a", "s", "ip", "9", NULL);	/* still suppressed */
	T_INT(c2.n, 3);
	T_INT(c2.a[2].update, 1);
	T_INT(c2.a[2].id, 1);
	rules_tick(e2, 72000000);			/* the absence timer */
	T_INT(c2.n, 4);
	T_STR(c2.a[3].group, "h=hv1");
	T_STR(c2.a[3].rule_id, "q");
	rules_engine_free(e2);
	rules_free(rs2);

	/* a changed rule (here: its title) starts empty; others keep */
	changed = strdup(staterules);
	p = strstr(changed, " title T");
	p[7] = 'U';
	rs2 = parse(changed);
	e2 = engine(rs2, &c2, 0);
	T_INT(rules_state_load(e2, b.d, b.len), 0);
	rules_stats(e2, &st);
	T_INT(st.groups, 3);
	feed(e2, 20, "a", "x", "ip", "1", NULL);
	T_INT(c2.n, 0);
	feed(e2, 21, "a", "d", "p", "2", NULL);
	T_INT(c2.n, 1);
	rules_engine_free(e2);
	rules_free(rs2);
	free(changed);

	/* corrupt, truncated or foreign snapshots: ERR_FORMAT, empty */
	rs2 = parse(staterules);
	e2 = engine(rs2, &c2, 0);
	b.d[b.len / 2] ^= 0x10;
	T_INT(rules_state_load(e2, b.d, b.len), ERR_FORMAT);
	rules_stats(e2, &st);
	T_INT(st.groups, 0);
	b.d[b.len / 2] ^= 0x10;
	T_INT(rules_state_load(e2, b.d, b.len - 1), ERR_FORMAT);
	T_INT(rules_state_load(e2, "VGRS", 4), ERR_FORMAT);
	T_INT(rules_state_load(e2, "", 0), ERR_FORMAT);
	T_INT(rules_state_load(e2, b.d, b.len), 0);
	rules_stats(e2, &st);
	T_INT(st.groups, 4);
	/* an empty engine saves and loads */
	rules_engine_free(e2);
	e2 = engine(rs2, &c2, 0);
	buf_reset(&b);
	T_INT(rules_state_save(e2, &b), 0);
	T_INT(rules_state_load(e, b.d, b.len), 0);
	rules_stats(e, &st);
	T_INT(st.groups, 0);
	T_INT(st.next_id, 2);
	rules_engine_free(e2);
	rules_free(rs2);
	rules_engine_free(e);
	rules_free(rs);
	buf_clear(&b);
}

static void
test_next_id(void)
{
	struct ruleset		*rs;
	struct rules_engine	*e;
	struct rules_opts	 o = { 0, 1000 };
	struct col		 c;

	memset(&c, 0, sizeof(c));
	rs = parse("rule a\n" HDR " match true\nend\n");
	e = rules_engine_new(rs, &o, collect, &c);
	feed(e, 0, "x", "y", NULL);
	feed(e, 0, "x", "y", NULL);
	T_INT(c.a[0].id, 1000);
	T_INT(c.a[1].id, 1001);
	T_INT(c.a[1].count, 1);
	T_INT(c.a[1].refs[0].seq, seqno);
	rules_engine_free(e);
	rules_free(rs);
}

int
main(void)
{
	test_threshold();
	test_distinct();
	test_sequence();
	test_absence();
	test_suppress();
	test_index();
	test_wants_vm();
	test_eviction();
	test_state();
	test_next_id();
	return TEST_DONE();
}
