/*
 * test_rules.c -- the rule language: parsing (every directive, limits,
 * errors with FILE:LINE:COL), conditions (==, !=, numbers, in, $list,
 * $map, cidr v4/v6, exists, regex with captures, during), messages,
 * loading two directories with override and disable, rules_wants.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "record.h"
#include "rules.h"
#include "rules_int.h"
#include "test.h"

#define MAXA	16

struct col {
	int		n;
	struct alert	a[MAXA];
};

static void
collect(const struct alert *a, void *arg)
{
	struct col *c = arg;

	if (c->n < MAXA)
		c->a[c->n] = *a;
	c->n++;
}

static struct record ev;

/* An event at ts seconds with name, value pairs (NULL ends). */
static struct record *
event(int64_t ts, ...)
{
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
	return &ev;
}

static struct ruleset *
parse(const char *text)
{
	struct ruleset	*rs;
	char		 err[256];

	if (rules_parse("t.rules", text, strlen(text), &rs, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "parse: %s\n", err);
		return NULL;
	}
	return rs;
}

/* The error of text, or "" when it parses. */
static const char *
perror_of(const char *text)
{
	static char	 err[256];
	struct ruleset	*rs;

	err[0] = '\0';
	if (rules_parse("t.rules", text, strlen(text), &rs, err,
	    sizeof(err)) == 0) {
		rules_free(rs);
		return "";
	}
	return err;
}

/*
 * Does a one-condition rule (with definitions before it) fire on the
 * current event?  Also leaves the alert's message in msg.
 */
static char msg[ALERT_MESSAGE_MAX];

static int
fires(const char *defs, const char *cond, const char *message)
{
	struct rules_engine	*e;
	struct ruleset		*rs;
	struct col		 c;
	char			 text[2048];

	snprintf(text, sizeof(text), "%s\nrule t\n title T\n severity low\n"
	    " match %s\n%s%s%s end\n", defs, cond, message ? " message " : "",
	    message ? message : "", message ? "\n" : "");
	if ((rs = parse(text)) == NULL)
		return -1;
	memset(&c, 0, sizeof(c));
	e = rules_engine_new(rs, NULL, collect, &c);
	rules_event(e, &ev, NULL);
	msg[0] = '\0';
	if (c.n > 0)
		strcpy(msg, c.a[0].message);
	rules_engine_free(e);
	rules_free(rs);
	return c.n;
}

static void
test_parse_full(void)
{
	static const char text[] =
	    "# ssh.rules\n"
	    "list admins [root, \"two words\", admin]  # trailing comment\n"
	    "rule ssh.bruteforce\n"
	    "  title       SSH brute force from one address\n"
	    "  severity    high\n"
	    "  tags        T1110, T1110.001\n"
	    "  description Ten or more failed SSH logins from one source\n"
	    "  description address within five minutes.\n"
	    "  match       (event.action == ssh_login\n"
	    "                and event.outcome == failure)\n"
	    "  threshold   10 within 5m by source.ip, host.name\n"
	    "  suppress    30m\n"
	    "  message     \"{count} failed SSH logins from {source.ip}\"\n"
	    "end\n";
	struct ruleset	*rs;
	struct rule	*r;

	if ((rs = parse(text)) == NULL) {
		T_OK(0);
		return;
	}
	T_INT(rules_count(rs), 1);
	r = rs->rules[0];
	T_STR(r->id, "ssh.bruteforce");
	T_STR(r->title, "SSH brute force from one address");
	T_INT(r->severity, SEV_HIGH);
	T_STR(r->tags, "T1110, T1110.001");
	T_STR(r->description, "Ten or more failed SSH logins from one source "
	    "address within five minutes.");
	T_INT(r->kind, K_THRESHOLD);
	T_INT(r->n, 10);
	T_INT(r->within_us, 300000000LL);
	T_INT(r->nby, 2);
	T_STR(r->by[1], "host.name");
	T_INT(r->suppress_us, 1800000000LL);
	T_INT(r->nsby, 2);		/* defaults to by */
	T_STR(r->message, "{count} failed SSH logins from {source.ip}");
	T_INT(rs->names[0]->list.n, 3);
	T_OK(rules_wants(rs, "source.ip"));
	T_OK(rules_wants(rs, "event.outcome"));
	T_OK(!rules_wants(rs, "user.name"));
	rules_free(rs);

	/* rest-of-line message, comment after a blank, # inside a word */
	rs = parse("rule a-b_c.1\n title X#1 # c\n severity info\n"
	    " match true\n message {{literal}} {rule.id} # c\nend");
	T_OK(rs != NULL);
	if (rs != NULL) {
		T_STR(rs->rules[0]->title, "X#1");
		T_STR(rs->rules[0]->message, "{{literal}} {rule.id}");
		T_INT(rs->rules[0]->kind, K_SIMPLE);
	}
	rules_free(rs);
	T_STR(rules_severity_name(SEV_CRITICAL), "critical");
	T_INT(rules_severity_parse("medium"), SEV_MEDIUM);
	T_INT(rules_severity_parse("severe"), -1);
}

static void
test_parse_errors(void)
{
	static const struct {
		const char *text, *err;
	} t[] = {
	    { "rule\n", "t.rules:1:5: expected a rule id (letters, digits, "
		". _ -), got end of line" },
	    { "rules x\n", "t.rules:1:1: expected rule, list, map, window or "
		"disable, got 'rules'" },
	    { "rule x\n title T\n severity high\nend\n",
		"t.rules:1:1: rule x: missing match" },
	    { "rule x\n severity high\n match true\nend\n",
		"t.rules:1:1: rule x: missing title" },
	    { "rule x\n title T\n severity severe\n", "t.rules:3:11: "
		"expected a severity (info, low, medium, high, critical), "
		"got 'severe'" },
	    { "rule x\n title T\n severity low\n match a ~= b\nend\n",
		"t.rules:4:10: expected an operator (==, !=, <, <=, >, >=, "
		"in, cidr, exists, =~, !~), got '~='" },
	    { "rule x\n title T\n severity low\n match (a == b\nend\n",
		"t.rules:5:1: expected ')', got 'end'" },
	    { "rule x\n title T\n severity low\n match a == b c\nend\n",
		"t.rules:4:15: expected and, or or end of line, got 'c'" },
	    { "rule x\n title T\n severity low\n match a =~ /(x/\nend\n",
		"t.rules:4:13: bad regular expression: missing closing "
		"parenthesis at offset 2" },
	    { "rule x\n title T\n severity low\n match a =~ /x/q\nend\n",
		"t.rules:4:16: unknown regular expression flag 'q' "
		"(expected i, m, s or x)" },
	    { "rule x\n title T\n severity low\n match a =~ /x\nend\n",
		"t.rules:4:13: unterminated regular expression" },
	    { "rule x\n title T\n severity low\n match a == \"x\nend\n",
		"t.rules:4:13: unterminated string" },
	    { "rule x\n title T\n severity low\n match true\n"
		" threshold 0 within 5m\nend\n",
		"t.rules:5:12: expected a count from 1 to 1000, got '0'" },
	    { "rule x\n title T\n severity low\n match true\n"
		" threshold 5 within 5y\nend\n",
		"t.rules:5:21: expected a duration (90s, 5m, 1h, 1d), "
		"got '5y'" },
	    { "rule x\n title T\n severity low\n match true\n"
		" threshold 5 within 5m\n absence 1h\nend\n",
		"t.rules:6:2: a rule has one aggregation (already "
		"threshold)" },
	    { "rule x\n title T\n severity low\n match true\n"
		" step a == b\nend\n", "t.rules:5:2: step without sequence" },
	    { "rule x\n title T\n severity low\n match a in $nope\nend\n",
		"t.rules:4:13: unknown list or map $nope" },
	    { "rule x\n title T\n severity low\n match during $w\nend\n",
		"t.rules:4:15: unknown window $w" },
	    { "list w [a]\nrule x\n title T\n severity low\n"
		" match during $w\nend\n", "t.rules:5:15: not a window: $w" },
	    { "list l [1.2.3.4, nope]\nrule x\n title T\n severity low\n"
		" match a cidr $l\nend\n", "t.rules:5:15: $l: 'nope' is not "
		"an address or network" },
	    { "rule x\n title T\n severity low\n match a cidr 10.0.0.0/33\n"
		"end\n", "t.rules:4:15: expected a network (10.0.0.0/8), '[' "
		"or a $list, got '10.0.0.0/33'" },
	    { "window w [Mon-Fri 25:00-26:00]\n", "t.rules:1:19: expected a "
		"time range (HH:MM-HH:MM), got '25:00-26:00'" },
	    { "window w [Mon-Fry 08:00-18:00]\n", "t.rules:1:11: expected "
		"days (Mon, Mon-Fri or *), got 'Mon-Fry'" },
	    { "map m\n a: x\n a: y\nend\n", "t.rules:1:1: map m: key 'a' "
		"twice" },
	    { "map m\n a x\nend\n", "t.rules:2:4: expected ':', got 'x'" },
	    { "list l [a, b\n", "t.rules:2:1: expected ',' or ']', got end "
		"of file" },
	    { "list l [a]\nmap l\nend\n", "t.rules:2:1: l is already a list" },
	    { "disable nope\n", "t.rules:1:9: disable: no rule nope loaded "
		"before" },
	    { "rule x\n title T\n severity low\n match true\n", "t.rules:5:1: "
		"expected a rule directive or end, got end of file" },
	    { "rule x\n title\n", "t.rules:2:7: expected text after title" },
	    { "rule x\n title T\n title U\n", "t.rules:3:2: duplicate title" },
	    { "rule x\n title T\n severity low\n match true\n message "
		"{count\nend\n", "t.rules:5:2: '{' without '}' in message" },
	    { "rule x\n title T\n severity low\n match true\n after true\n"
		"end\n", "t.rules:5:2: after without absence" },
	    { "rule x\n title T\n severity low\n sequence within 5m\nend\n",
		"t.rules:1:1: rule x: missing step" },
	    { "rule x\n title T\n severity low\n match a == $b\nend\n",
		"t.rules:4:13: expected a value, got '$b'" },
	    { "rule x\n title T\n severity low\n match a < ten\nend\n",
		"t.rules:4:12: expected a number, got 'ten'" },
	    { "rule x\n title T\n severity low\n match a == b and\nend\n",
		"t.rules:4:18: expected a condition, got end of line" },
	};
	size_t	i, n;
	char	deep[512], *big;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *e = perror_of(t[i].text);

		if (strcmp(e, t[i].err) != 0)
			fprintf(stderr, "case %zu\n", i);
		T_STR(e, t[i].err);
	}
	/* nesting is bounded: 64 levels parse, 65 do not */
	snprintf(deep, sizeof(deep), "rule x\n title T\n severity low\n"
	    " match %.*sa exists%.*s\nend\n", 64, "((((((((((((((((((((((((((("
	    "((((((((((((((((((((((((((((((((((((((((((((((((", 64,
	    "))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))"
	    "))))))))))");
	T_STR(perror_of(deep), "");
	snprintf(deep, sizeof(deep), "rule x\n title T\n severity low\n"
	    " match %.*sa exists\nend\n", 65, "((((((((((((((((((((((((((("
	    "((((((((((((((((((((((((((((((((((((((((((((((((");
	T_STR(perror_of(deep), "t.rules:4:72: nesting deeper than 64");
	/* repeated descriptions are bounded in total */
	big = malloc(5 * 4200 + 100);
	n = (size_t)sprintf(big, "rule x\n");
	for (i = 0; i < 5; i++) {
		n += (size_t)sprintf(big + n, " description ");
		memset(big + n, 'd', 4000);
		n += 4000;
		big[n++] = '\n';
	}
	big[n] = '\0';
	T_STR(perror_of(big), "t.rules:6:2: description longer than 16384 "
	    "bytes");
	free(big);
	memset(deep, 0, sizeof(deep));
	strcpy(deep, "rule x\n title T\n severity low\n match ");
	for (i = 0; i < 70; i++)
		strcat(deep, "not ");
	strcat(deep, "true\nend\n");
	T_STR(perror_of(deep), "t.rules:4:264: nesting deeper than 64");
	{
		struct ruleset *rs;

		T_INT(rules_parse("t.rules", "x\0y", 3, &rs, deep,
		    sizeof(deep)), ERR_FORMAT);
		T_STR(deep, "t.rules:1:1: file contains a NUL byte");
	}
}

static void
test_conditions(void)
{
	event(1741942805, "event.action", "ssh_login", "source.ip", "10.1.2.3",
	    "source.port", "52311", "user.name", "root", "host.name", "hv1",
	    "vm.name", "web01", "message", "Failed password for root from "
	    "10.1.2.3 port 52311 ssh2", "ip6", "fd00::17", "mapped",
	    "::ffff:192.168.1.9", NULL);
	T_INT(fires("", "event.action == ssh_login", NULL), 1);
	T_INT(fires("", "event.action == ssh_logi", NULL), 0);
	T_INT(fires("", "event.action == SSH_LOGIN", NULL), 0);
	T_INT(fires("", "event.action != ssh_login", NULL), 0);
	T_INT(fires("", "nothere != x", NULL), 1);
	T_INT(fires("", "nothere == x", NULL), 0);
	T_INT(fires("", "source.port > 1024", NULL), 1);
	T_INT(fires("", "source.port >= 52311", NULL), 1);
	T_INT(fires("", "source.port < 52311", NULL), 0);
	T_INT(fires("", "source.port <= 5.2311e4", NULL), 1);
	T_INT(fires("", "user.name > 0", NULL), 0);	/* not a number */
	T_INT(fires("", "user.name in [admin, root]", NULL), 1);
	T_INT(fires("", "user.name in [admin, \"ro ot\"]", NULL), 0);
	T_INT(fires("list admins [toor, root]", "user.name in $admins",
	    NULL), 1);
	T_INT(fires("list admins [toor]", "user.name in $admins", NULL), 0);
	T_INT(fires("map guests\n hv1: web01, db01\n hv2: mail\nend",
	    "vm.name in $guests[host.name]", NULL), 1);
	T_INT(fires("map guests\n hv1: db01\n hv2: web01\nend",
	    "vm.name in $guests[host.name]", NULL), 0);
	T_INT(fires("map guests\n hv1: db01\nend",
	    "vm.name in $guests[nothere]", NULL), 0);
	T_INT(fires("map hosts\n \"hv1\": x\nend", "host.name in $hosts",
	    NULL), 1);
	T_INT(fires("map hosts\n hv2: x\nend", "host.name in $hosts", NULL),
	    0);
	T_INT(fires("", "source.ip cidr 10.0.0.0/8", NULL), 1);
	T_INT(fires("", "source.ip cidr 10.1.2.0/31", NULL), 0);
	T_INT(fires("", "source.ip cidr 10.1.2.2/30", NULL), 1);
	T_INT(fires("", "source.ip cidr 10.1.2.3", NULL), 1);
	T_INT(fires("", "source.ip cidr [192.168.0.0/16, fd00::/8]", NULL),
	    0);
	T_INT(fires("", "ip6 cidr [192.168.0.0/16, fd00::/8]", NULL), 1);
	T_INT(fires("", "ip6 cidr fd00::/127", NULL), 0);
	T_INT(fires("", "ip6 cidr fd00::16/127", NULL), 1);
	T_INT(fires("list nets [172.16.0.0/12, 192.168.0.0/16]",
	    "mapped cidr $nets", NULL), 1);
	T_INT(fires("", "user.name cidr 0.0.0.0/0", NULL), 0);
	T_INT(fires("", "user.name exists", NULL), 1);
	T_INT(fires("", "not nothere exists", NULL), 1);
	T_INT(fires("", "message =~ /^failed/", NULL), 0);
	T_INT(fires("", "message =~ /^failed/i", NULL), 1);
	T_INT(fires("", "message !~ /^failed/", NULL), 1);
	T_INT(fires("", "nothere !~ /x/", NULL), 1);
	T_INT(fires("", "nothere =~ /x?/", NULL), 0);
	T_INT(fires("", "message =~ /port \\d+ ssh2$/", NULL), 1);
	T_INT(fires("", "message =~ /a\\/b/", NULL), 0);
	T_INT(fires("", "true", NULL), 1);
	T_INT(fires("", "(user.name == x or user.name == root) and "
	    "not host.name == hv2", NULL), 1);
	T_INT(fires("", "user.name == x or user.name == root and "
	    "host.name == hv2", NULL), 0);	/* and binds tighter */

	/* captures become fields for later conditions and the message */
	T_INT(fires("", "message =~ /^Failed (?<auth__method>\\w+) for "
	    "(?<user__name>\\S+)/ and auth.method == password",
	    "\"{user.name} by {auth.method} from {source.ip} {missing}\""),
	    1);
	T_STR(msg, "root by password from 10.1.2.3 -");
	{
		size_t len;

		/* kept in the event, which outlives the rule set */
		T_STRN(record_get(&ev, "auth.method", &len), len, "password");
	}
	/* a rule that does not match leaves no capture in the event */
	T_INT(fires("", "message =~ /(?<x__y>Failed)/ and user.name == nobody",
	    NULL), 0);
	{
		size_t len;

		T_OK(record_get(&ev, "x.y", &len) == NULL);
		T_STRN(record_get(&ev, "user.name", &len), len, "root");
	}
	T_INT(fires("", "message =~ /for (?<user__name>r\\w+)/ and "
	    "user.name == nobody", NULL), 0);
	{
		size_t len;

		T_STRN(record_get(&ev, "user.name", &len), len, "root");
	}
	T_INT(fires("", "true", "\"{{x}} {rule.id} {count} {group} "
	    "{window}\""), 1);
	T_STR(msg, "{x} t 1  -");

	/* Fri 2025-03-14 09:00:05 UTC */
	T_INT(fires("window work [Mon-Fri 08:00-18:00]", "during $work",
	    NULL), 1);
	T_INT(fires("window we [Sat-Sun 00:00-24:00]", "during $we", NULL),
	    0);
	T_INT(fires("window w [Fri 09:00-09:01]", "during $w", NULL), 1);
	T_INT(fires("window w [Fri 08:00-09:00]", "during $w", NULL), 0);
	T_INT(fires("window w [Thu 22:00-09:01]", "during $w", NULL), 1);
	T_INT(fires("window w [Fri 22:00-09:01]", "during $w", NULL), 0);
	T_INT(fires("window w [* 09:00-09:01]", "during $w", NULL), 1);
	T_INT(fires("window w [Sat-Thu 09:00-09:01]", "during $w", NULL), 0);
	/* a later window of the same name replaces the earlier one */
	T_INT(fires("window w [Sat 00:00-24:00]\nwindow w [Fri 00:00-24:00]",
	    "during $w", NULL), 1);
}

static int
writefile(const char *dir, const char *name, const char *text)
{
	char	 p[512];
	FILE	*f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if ((f = fopen(p, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void
test_load_dirs(void)
{
	char			 tmpl[] = "/tmp/test_rules.XXXXXX", pack[600],
				 site[600], err[256], cmd[700];
	const char		*dirs[2];
	struct ruleset		*rs;
	char			*top;

	if ((top = mkdtemp(tmpl)) == NULL) {
		T_OK(0);
		return;
	}
	snprintf(pack, sizeof(pack), "%s/pack", top);
	snprintf(site, sizeof(site), "%s/site", top);
	mkdir(pack, 0700);
	mkdir(site, 0700);
	dirs[0] = pack;
	dirs[1] = site;
	writefile(pack, "a.rules", "list admins [root]\n"
	    "rule a.one\n title One\n severity low\n match user.name in "
	    "$admins\nend\nrule a.two\n title Two\n severity low\n match "
	    "true\nend\n");
	writefile(pack, "b.rules", "rule b.one\n title B\n severity high\n"
	    " match x exists\nend\n");
	writefile(pack, "README", "not rules\n");
	writefile(site, "local.rules", "list admins [toor]\n"
	    "rule a.one\n title One, site\n severity critical\n match "
	    "user.name in $admins\nend\ndisable a.two\n");
	T_INT(rules_load(dirs, 2, &rs, err, sizeof(err)), 0);
	if (rs != NULL) {
		T_INT(rules_count(rs), 2);
		T_STR(rs->rules[0]->id, "a.one");
		T_STR(rs->rules[0]->title, "One, site");
		T_STR(rs->rules[1]->id, "b.one");
		event(0, "user.name", "root", NULL);
		T_OK(!expr_eval(rs->rules[0]->match, &(struct evalctx){
		    .ev = &ev }));
		event(0, "user.name", "toor", NULL);
		T_OK(expr_eval(rs->rules[0]->match, &(struct evalctx){
		    .ev = &ev }));
		rules_free(rs);
	}
	/* an error in the site file: nothing is loaded, the message names
	 * the file, line and column */
	writefile(site, "zz.rules", "\n\nrule bad\n title T\n severity "
	    "urgent\nend\n");
	rs = (struct ruleset *)1;
	T_INT(rules_load(dirs, 2, &rs, err, sizeof(err)), ERR_FORMAT);
	T_OK(rs == NULL);
	snprintf(cmd, sizeof(cmd), "%s/zz.rules:5:11: expected a severity "
	    "(info, low, medium, high, critical), got 'urgent'", site);
	T_STR(err, cmd);
	T_INT(rules_load(dirs, 1, &rs, err, sizeof(err)), 0);
	T_INT(rules_count(rs), 3);
	rules_free(rs);
	dirs[1] = "/nonexistent/vigil-rules";
	T_INT(rules_load(dirs, 2, &rs, err, sizeof(err)), ERR_IO);
	T_STR(err, "/nonexistent/vigil-rules: No such file or directory");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	T_INT(system(cmd), 0);
}

int
main(void)
{
	test_parse_full();
	test_parse_errors();
	test_conditions();
	test_load_dirs();
	return TEST_DONE();
}
