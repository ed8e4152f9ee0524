/*
 * cli_vm.c -- the vigil CLI's VM lifecycle commands (see cli_vm.h and
 * docs/vm.md).  The I/O shell around report.c: parses options, asks the
 * collector over its query socket (docs/protocol.md: one JSON request
 * line, JSON lines back, ops vm_list, vm_where, vm_intervals and search),
 * and prints tables, or hands the answers to report.c for CSV, JSON and
 * HTML.  Everything from log data that reaches the terminal goes through
 * cli_put_safe(), so log lines cannot drive it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "buf.h"
#include "cli.h"
#include "cli_vm.h"
#include "ctl.h"
#include "json.h"
#include "query.h"
#include "report.h"

#define HISTORY_LIMIT	100000		/* events per history or report */

/* ---------------------------------------------------------------- client */

/* called for each reply line that is not _end/_error; non-zero stops */



static void
puts_safe(FILE *f, const char *s)
{
	cli_put_safe(f, s ? s : "", s ? strlen(s) : 0, 0);
}

/* A table cell: s made safe, cut at width, padded to width + 2. */
static void
cell(const char *s, size_t width)
{
	size_t	col;

	if (s == NULL || *s == '\0')
		s = "-";
	col = cli_put_safe(stdout, s, strlen(s), width);
	for (; col < width + 2; col++)
		putchar(' ');
}



/*
 * cli_call, and *matched gets the "matched" count of the answer's end
 * when the op gives one (else -1).
 */
static int
vmc_call(const char *sockpath, struct buf *req, cli_fn fn, void *arg,
    long long *matched)
{
	yajl_val	 end = NULL;
	const char	*m;
	int		 rc;

	if (matched != NULL)
		*matched = -1;
	rc = cli_call(sockpath, req, fn, arg, matched != NULL ? &end : NULL);
	if (end != NULL) {
		m = cli_jget(yajl_tree_get(end, (const char *[]){ "_end",
		    NULL }, yajl_t_object), "matched");
		if (m != NULL)
			*matched = atoll(m);
		yajl_tree_free(end);
	}
	return rc;
}

/* ---------------------------------------------------------------- options */

struct opts {
	int64_t		 since, until, at;
	int		 json, csv;
	const char	*format, *output, *title;
	const char	*arg;		/* the VM or host */
};

static int
usage_vm(void)
{
	fprintf(stderr,
	    "usage: vigil vm list [--json]\n"
	    "       vigil vm where VM [--at T] [--json]\n"
	    "       vigil vm history VM [--since T] [--until T] "
	    "[--json|--csv]\n"
	    "       vigil vm report --since T [--until T] "
	    "[--format csv|json|html]\n"
	    "                       [--output FILE] [--title TEXT]\n"
	    "       vigil host guests HOST [--since T] [--until T] "
	    "[--json|--csv]\n"
	    "VM: name or UUID; times: RFC 3339 or relative (-2h, -7d, "
	    "now); see docs/vm.md\n");
	return 2;
}

static int
parse_time(const char *opt, const char *s, int64_t now, int64_t *out)
{
	if (time_parse(s, now, out) != 0) {
		fprintf(stderr, "vigil: %s: bad time '", opt);
		puts_safe(stderr, s);
		fprintf(stderr, "' (RFC 3339 or -2h, -7d, now)\n");
		return -1;
	}
	return 0;
}

/*
 * Parse the options of a subcommand; argv[0] is the subcommand.  nargs is
 * the number of positional arguments it takes (0 or 1).  Returns 0 or 2.
 */
static int
opts_parse(int argc, char **argv, int nargs, struct opts *o)
{
	static const struct option lo[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "at", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	int64_t	now = cli_now_us();
	int	ch;

	memset(o, 0, sizeof(*o));
	o->since = INT64_MIN;
	o->until = INT64_MAX;
	o->at = now;
	optind = 0;	/* glibc: full reset, options may follow arguments */
	opterr = 1;
	while ((ch = getopt_long(argc, argv, "s:u:a:jcf:o:t:", lo,
	    NULL)) != -1) {
		switch (ch) {
		case 's':
			if (parse_time("--since", optarg, now, &o->since) != 0)
				return 2;
			break;
		case 'u':
			if (parse_time("--until", optarg, now, &o->until) != 0)
				return 2;
			break;
		case 'a':
			if (parse_time("--at", optarg, now, &o->at) != 0)
				return 2;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'c':
			o->csv = 1;
			break;
		case 'f':
			o->format = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 't':
			o->title = optarg;
			break;
		default:
			return usage_vm();
		}
	}
	if (argc - optind != nargs || (o->json && o->csv))
		return usage_vm();
	if (nargs == 1) {
		o->arg = argv[optind];
		if (*o->arg == '\0' || strlen(o->arg) > 1024) {
			fprintf(stderr, "vigil: bad name\n");
			return 2;
		}
	}
	if (o->since != INT64_MIN && o->until != INT64_MAX &&
	    o->since >= o->until) {
		fprintf(stderr, "vigil: --since must be before --until\n");
		return 2;
	}
	return 0;
}

/* RFC 3339 to the second: 2025-03-14T09:14:03Z */
static void
fmt_sec(int64_t us, char *t, size_t n)
{
	char	f[TIME_FORMAT_LEN];

	time_format(us, f, sizeof(f));
	snprintf(t, n, "%.19sZ", f);
}

/* "2025-03-14T09:14:03.000000Z" -> "2025-03-14 09:14:03" */
static void
fmt_cell(const char *ts, char *t, size_t n)
{
	int64_t	us;
	char	f[TIME_FORMAT_LEN];

	if (ts == NULL || time_parse(ts, 0, &us) != 0) {
		snprintf(t, n, "%s", ts ? "?" : "-");
		return;
	}
	time_format(us, f, sizeof(f));
	snprintf(t, n, "%.19s", f);
	if (strlen(t) > 10)
		t[10] = ' ';
}

/* ---------------------------------------------------------------- vm list */

static int
list_fn(yajl_val o, const char *line, size_t n, void *arg)
{
	char	t[32];

	(void)line;
	(void)n;
	(void)arg;
	fmt_cell(cli_jget(o, "since"), t, sizeof(t));
	cell(cli_jget(o, "vm.name"), 20);
	cell(cli_jget(o, "vm.uuid"), 36);
	cell(cli_jget(o, "state"), 7);
	cell(cli_jget(o, "hypervisor.name"), 16);
	cell(t, 19);
	puts_safe(stdout, cli_jget(o, "identity") ? cli_jget(o, "identity") : "-");
	putchar('\n');
	return 0;
}

static int
vm_list(int argc, char **argv, const char *sockpath)
{
	struct opts	o;
	struct buf	req;
	int		rc;

	if ((rc = opts_parse(argc, argv, 0, &o)) != 0)
		return rc;
	buf_init(&req, 0);
	buf_put(&req, "{\"op\":\"vm_list\"}", 16);
	if (!o.json)
		printf("%-22s%-38s%-9s%-18s%-21s%s\n", "NAME", "UUID", "STATE",
		    "HOST", "SINCE (UTC)", "IDENTITY");
	rc = vmc_call(sockpath, &req, o.json ? cli_passthru : list_fn, NULL,
	    NULL);
	buf_clear(&req);
	return rc;
}

/* ---------------------------------------------------------------- vm where */

struct where {
	const struct opts	*o;
	int			 n;
};

static int
where_fn(yajl_val v, const char *line, size_t n, void *arg)
{
	struct where	*w = arg;
	const char	*name = cli_jget(v, "vm.name"), *host, *state, *s, *e;
	char		 at[32], t[32];
	int64_t		 us;

	w->n++;
	if (w->o->json)
		return cli_passthru(v, line, n, NULL);
	if (name == NULL || *name == '\0')
		name = cli_jget(v, "vm.uuid");
	if (name == NULL || *name == '\0')
		name = w->o->arg;
	host = cli_jget(v, "hypervisor.name");
	state = cli_jget(v, "state");
	s = cli_jget(v, "start");
	e = cli_jget(v, "end");
	fmt_sec(w->o->at, at, sizeof(at));
	puts_safe(stdout, name);
	if (state != NULL && strcmp(state, "running") == 0 && host != NULL) {
		printf(" ran on ");
		puts_safe(stdout, host);
		if (s != NULL && time_parse(s, 0, &us) == 0) {
			fmt_sec(us, t, sizeof(t));
			printf(" (since %s", t);
			if (e != NULL && time_parse(e, 0, &us) == 0) {
				fmt_sec(us, t, sizeof(t));
				printf(", until %s", t);
			}
			printf(")");
		}
		putchar('\n');
	} else if (state != NULL && strcmp(state, "unknown") == 0)
		printf(": placement unknown at %s\n", at);
	else
		printf(" was not running at %s\n", at);
	return 0;
}

static int
vm_where(int argc, char **argv, const char *sockpath)
{
	struct opts	o;
	struct where	w;
	struct buf	req;
	struct json	j;
	int		rc;

	if ((rc = opts_parse(argc, argv, 1, &o)) != 0)
		return rc;
	w.o = &o;
	w.n = 0;
	buf_init(&req, 0);
	json_init(&j, &req);
	json_obj_open(&j);
	json_key_str(&j, "op", "vm_where");
	json_key_str(&j, "vm", o.arg);
	json_key_int(&j, "at", o.at);
	json_obj_close(&j);
	rc = vmc_call(sockpath, &req, where_fn, &w, NULL);
	buf_clear(&req);
	if (rc == 0 && w.n == 0 && !o.json) {
		puts_safe(stdout, o.arg);
		printf(": no answer from the collector\n");
		rc = 1;
	}
	return rc;
}

/* ---------------------------------------------------------------- events */

struct evlist {
	struct report_event	*ev;
	size_t			 n, cap;
	int			 nomem;
};

static char *
xdup(const char *s)
{
	return s != NULL && *s != '\0' ? strdup(s) : NULL;
}

static void
evlist_free(struct evlist *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free((char *)l->ev[i].vm_name);
		free((char *)l->ev[i].vm_uuid);
		free((char *)l->ev[i].host);
		free((char *)l->ev[i].action);
		free((char *)l->ev[i].reason);
		free((char *)l->ev[i].outcome);
		free((char *)l->ev[i].actor);
		free((char *)l->ev[i].source);
	}
	free(l->ev);
	memset(l, 0, sizeof(*l));
}

static int
event_fn(yajl_val o, const char *line, size_t n, void *arg)
{
	struct evlist		*l = arg;
	struct report_event	*e, *nv;
	const char		*ts = cli_jget(o, "@timestamp");

	(void)line;
	(void)n;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		if ((nv = reallocarray(l->ev, l->cap, sizeof(*nv))) == NULL) {
			l->nomem = 1;
			return 1;
		}
		l->ev = nv;
	}
	e = &l->ev[l->n++];
	memset(e, 0, sizeof(*e));
	if (ts == NULL || time_parse(ts, 0, &e->ts_us) != 0)
		e->ts_us = 0;
	e->vm_name = xdup(cli_jget(o, "vm.name"));
	e->vm_uuid = xdup(cli_jget(o, "vm.uuid"));
	e->host = xdup(cli_jget(o, "host.name"));
	e->action = xdup(cli_jget(o, "event.action"));
	e->reason = xdup(cli_jget(o, "event.reason"));
	e->outcome = xdup(cli_jget(o, "event.outcome"));
	e->actor = xdup(report_actor(cli_jget(o, "user.name"),
	    cli_jget(o, "user.audit.id"), cli_jget(o, "user.audit.name")));
	e->source = xdup(cli_jget(o, "event.dataset"));
	return 0;
}

/* Append s to q as a quoted query value (docs/query.md: \" and \\). */
static int
query_quote(struct buf *q, const char *s)
{
	int	r = buf_put(q, "\"", 1);

	for (; r == 0 && *s; s++) {
		if (*s == '"' || *s == '\\')
			r = buf_put(q, "\\", 1);
		if (r == 0)
			r = buf_put(q, s, 1);
	}
	return r != 0 ? r : buf_put(q, "\"", 1);
}

/* The lifecycle events of vm (NULL: every VM) in the window. */
static int
fetch_events(const char *sockpath, const char *vm, int64_t since,
    int64_t until, struct evlist *l)
{
	struct buf	q, req;
	struct json	j;
	long long	matched;
	int		rc = 1;

	buf_init(&q, QUERY_MAX_LEN);
	buf_init(&req, 0);
	if (vm != NULL && (buf_put(&q, "(vm.uuid:", 9) != 0 ||
	    query_quote(&q, vm) != 0 || buf_put(&q, " OR vm.name:", 12) != 0 ||
	    query_quote(&q, vm) != 0 || buf_put(&q, ") ", 2) != 0)) {
		fprintf(stderr, "vigil: VM name too long\n");
		goto out;
	}
	if (buf_put(&q, "event.action:vm_*", 17) != 0)
		goto out;
	json_init(&j, &req);
	json_obj_open(&j);
	json_key_str(&j, "op", "search");
	json_key_strn(&j, "query", (const char *)q.d, q.len);
	if (since != INT64_MIN)
		json_key_int(&j, "since", since);
	if (until != INT64_MAX)
		json_key_int(&j, "until", until);
	json_key_int(&j, "limit", HISTORY_LIMIT);
	json_obj_close(&j);
	rc = vmc_call(sockpath, &req, event_fn, l, &matched);
	if (l->nomem) {
		fprintf(stderr, "vigil: out of memory\n");
		rc = 1;
	}
	if (rc == 0 && matched > (long long)l->n)
		fprintf(stderr, "vigil: warning: %lld events matched, only the "
		    "newest %zu are shown; narrow --since/--until\n", matched,
		    l->n);
 out:
	buf_clear(&q);
	buf_clear(&req);
	return rc;
}

static int
write_out(const struct buf *b, const char *path)
{
	FILE	*f = stdout;

	if (path != NULL && strcmp(path, "-") != 0 &&
	    (f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "vigil: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (b->len > 0)
		fwrite(b->d, 1, b->len, f);
	if (f == stdout ? fflush(f) != 0 : fclose(f) != 0) {
		fprintf(stderr, "vigil: %s: %s\n", path ? path : "stdout",
		    strerror(errno));
		return 1;
	}
	return 0;
}

static int
vm_history(int argc, char **argv, const char *sockpath)
{
	struct opts		 o;
	struct evlist		 l = { 0 };
	struct buf		 b;
	const struct report_event *e;
	char			 t[TIME_FORMAT_LEN];
	size_t			 i;
	int			 rc;

	if ((rc = opts_parse(argc, argv, 1, &o)) != 0)
		return rc;
	if ((rc = fetch_events(sockpath, o.arg, o.since, o.until, &l)) != 0)
		goto out;
	buf_init(&b, 0);
	if (o.json)
		rc = report_events_json(&b, l.ev, l.n, 0);
	else if (o.csv)
		rc = report_events_csv(&b, l.ev, l.n, 0,
		    isatty(STDOUT_FILENO) ? REPORT_CSV_TTY : 0);
	if (o.json || o.csv) {
		rc = rc != 0 ? (fprintf(stderr, "vigil: out of memory\n"), 1) :
		    write_out(&b, NULL);
		buf_clear(&b);
		goto out;
	}
	buf_clear(&b);
	printf("%-21s%-18s%-24s%-16s%-10s%-12s%s\n", "TIME (UTC)", "HOST",
	    "ACTION", "REASON", "OUTCOME", "ACTOR", "SOURCE");
	for (i = 0; i < l.n; i++) {
		e = &l.ev[i];
		time_format(e->ts_us, t, sizeof(t));
		t[19] = '\0';
		t[10] = ' ';
		cell(t, 19);
		cell(e->host, 16);
		cell(e->action, 22);
		cell(e->reason, 14);
		cell(e->outcome, 8);
		cell(e->actor, 10);
		puts_safe(stdout, e->source ? e->source : "-");
		putchar('\n');
	}
	if (l.n == 0) {
		fprintf(stderr, "no lifecycle events for ");
		puts_safe(stderr, o.arg);
		fprintf(stderr, " in this window\n");
	}
 out:
	evlist_free(&l);
	return rc;
}

/* ---------------------------------------------------------------- intervals */

struct ivlist {
	struct report_interval	*iv;
	size_t			 n, cap;
	int			 nomem;
	const struct opts	*o;	/* host guests: print as they come */
};

static void
ivlist_free(struct ivlist *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free((char *)l->iv[i].vm_uuid);
		free((char *)l->iv[i].vm_name);
		free((char *)l->iv[i].host);
		free((char *)l->iv[i].start_reason);
		free((char *)l->iv[i].end_reason);
	}
	free(l->iv);
	memset(l, 0, sizeof(*l));
}

static int
interval_fn(yajl_val o, const char *line, size_t n, void *arg)
{
	struct ivlist		*l = arg;
	struct report_interval	*iv, *nv;
	const char		*s = cli_jget(o, "start"), *e = cli_jget(o, "end");

	(void)line;
	(void)n;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		if ((nv = reallocarray(l->iv, l->cap, sizeof(*nv))) == NULL) {
			l->nomem = 1;
			return 1;
		}
		l->iv = nv;
	}
	iv = &l->iv[l->n++];
	memset(iv, 0, sizeof(*iv));
	if (s == NULL || time_parse(s, 0, &iv->start_us) != 0)
		iv->start_us = INT64_MIN;
	if (e == NULL || time_parse(e, 0, &iv->end_us) != 0)
		iv->end_us = REPORT_OPEN;
	iv->vm_uuid = xdup(cli_jget(o, "vm.uuid"));
	iv->vm_name = xdup(cli_jget(o, "vm.name"));
	iv->host = xdup(cli_jget(o, "hypervisor.name"));
	iv->start_reason = xdup(cli_jget(o, "start_reason"));
	iv->end_reason = xdup(cli_jget(o, "end_reason"));
	return 0;
}

static int
fetch_intervals(const char *sockpath, const char *vm, const char *host,
    int64_t since, int64_t until, cli_fn fn, struct ivlist *l)
{
	struct buf	req;
	struct json	j;
	int		rc;

	buf_init(&req, 0);
	json_init(&j, &req);
	json_obj_open(&j);
	json_key_str(&j, "op", "vm_intervals");
	if (vm != NULL)
		json_key_str(&j, "vm", vm);
	if (host != NULL)
		json_key_str(&j, "host", host);
	json_key_int(&j, "since", since);
	json_key_int(&j, "until", until);
	json_obj_close(&j);
	rc = vmc_call(sockpath, &req, fn, l, NULL);
	buf_clear(&req);
	if (l->nomem) {
		fprintf(stderr, "vigil: out of memory\n");
		rc = 1;
	}
	return rc;
}

static int
host_guests(int argc, char **argv, const char *sockpath)
{
	struct opts	 o;
	struct ivlist	 l = { 0 };
	struct buf	 b;
	const char	*f[7];
	char		 s[TIME_FORMAT_LEN], e[TIME_FORMAT_LEN];
	size_t		 i;
	int		 rc, flags;

	if ((rc = opts_parse(argc, argv, 1, &o)) != 0)
		return rc;
	if (o.since == INT64_MIN)
		o.since = 0;
	if (o.until == INT64_MAX)
		o.until = cli_now_us();
	if (o.json)
		return fetch_intervals(sockpath, NULL, o.arg, o.since,
		    o.until, cli_passthru, &l);
	if ((rc = fetch_intervals(sockpath, NULL, o.arg, o.since, o.until,
	    interval_fn, &l)) != 0)
		goto out;
	if (o.csv) {
		static const char *const hdr[] = { "vm.name", "vm.uuid",
		    "hypervisor.name", "start", "end", "start_reason",
		    "end_reason" };

		flags = isatty(STDOUT_FILENO) ? REPORT_CSV_TTY : 0;
		buf_init(&b, 0);
		rc = report_csv_row(&b, hdr, 7, flags);
		for (i = 0; rc == 0 && i < l.n; i++) {
			time_format(l.iv[i].start_us, s, sizeof(s));
			if (l.iv[i].end_us == REPORT_OPEN)
				e[0] = '\0';
			else
				time_format(l.iv[i].end_us, e, sizeof(e));
			f[0] = l.iv[i].vm_name;
			f[1] = l.iv[i].vm_uuid;
			f[2] = l.iv[i].host;
			f[3] = s;
			f[4] = e;
			f[5] = l.iv[i].start_reason;
			f[6] = l.iv[i].end_reason;
			rc = report_csv_row(&b, f, 7, flags);
		}
		rc = rc != 0 ? (fprintf(stderr, "vigil: out of memory\n"), 1) :
		    write_out(&b, NULL);
		buf_clear(&b);
		goto out;
	}
	printf("%-22s%-38s%-21s%-21s%s\n", "VM", "UUID", "START (UTC)",
	    "END (UTC)", "REASONS");
	for (i = 0; i < l.n; i++) {
		time_format(l.iv[i].start_us, s, sizeof(s));
		s[19] = '\0';
		s[10] = ' ';
		if (l.iv[i].end_us == REPORT_OPEN)
			snprintf(e, sizeof(e), "running");
		else {
			time_format(l.iv[i].end_us, e, sizeof(e));
			e[19] = '\0';
			e[10] = ' ';
		}
		cell(l.iv[i].vm_name, 20);
		cell(l.iv[i].vm_uuid, 36);
		cell(s, 19);
		cell(e, 19);
		puts_safe(stdout, l.iv[i].start_reason ?
		    l.iv[i].start_reason : "?");
		printf(" -> ");
		puts_safe(stdout, l.iv[i].end_reason ? l.iv[i].end_reason :
		    l.iv[i].end_us == REPORT_OPEN ? "running" : "?");
		putchar('\n');
	}
	if (l.n == 0) {
		fprintf(stderr, "no guests ran on ");
		puts_safe(stderr, o.arg);
		fprintf(stderr, " in this window\n");
	}
 out:
	ivlist_free(&l);
	return rc;
}

/* ---------------------------------------------------------------- report */

static int
vm_report(int argc, char **argv, const char *sockpath)
{
	struct opts	 o;
	struct ivlist	 il = { 0 };
	struct evlist	 el = { 0 };
	struct report	 rp;
	struct buf	 b;
	int		 rc, fmt;

	if ((rc = opts_parse(argc, argv, 0, &o)) != 0)
		return rc;
	if (o.json || o.csv)
		return usage_vm();
	if (o.format == NULL || strcmp(o.format, "html") == 0)
		fmt = 'h';
	else if (strcmp(o.format, "csv") == 0)
		fmt = 'c';
	else if (strcmp(o.format, "json") == 0)
		fmt = 'j';
	else {
		fprintf(stderr, "vigil: --format: csv, json or html\n");
		return 2;
	}
	if (o.since == INT64_MIN) {
		fprintf(stderr, "vigil: vm report needs --since (the start of "
		    "the window; --until defaults to now)\n");
		return 2;
	}
	if (o.until == INT64_MAX)
		o.until = cli_now_us();
	if (o.since >= o.until) {
		fprintf(stderr, "vigil: --since must be before --until\n");
		return 2;
	}
	if ((rc = fetch_intervals(sockpath, NULL, NULL, o.since, o.until,
	    interval_fn, &il)) != 0 ||
	    (rc = fetch_events(sockpath, NULL, o.since, o.until, &el)) != 0)
		goto out;
	memset(&rp, 0, sizeof(rp));
	rp.title = o.title ? o.title : "VM lifecycle report";
	rp.since_us = o.since;
	rp.until_us = o.until;
	rp.generated_us = cli_now_us();
	rp.iv = il.iv;
	rp.niv = il.n;
	rp.ev = el.ev;
	rp.nev = el.n;
	buf_init(&b, 0);
	rc = fmt == 'h' ? report_html(&b, &rp) : fmt == 'c' ?
	    report_csv(&b, &rp) : report_json(&b, &rp);
	if (rc != 0) {
		fprintf(stderr, "vigil: report too large (%zu bytes so far)\n",
		    b.len);
		rc = 1;
	} else
		rc = write_out(&b, o.output);
	buf_clear(&b);
	if (rc == 0 && o.output != NULL && strcmp(o.output, "-") != 0)
		fprintf(stderr, "%s: %zu intervals, %zu events\n", o.output,
		    il.n, el.n);
 out:
	ivlist_free(&il);
	evlist_free(&el);
	return rc;
}

/* ---------------------------------------------------------------- dispatch */

int
cli_vm(int argc, char **argv, const char *sockpath)
{
	if (argc > 0 && strcmp(argv[0], "vm") == 0) {
		argc--;
		argv++;
	}
	if (argc < 1)
		return usage_vm();
	if (strcmp(argv[0], "list") == 0)
		return vm_list(argc, argv, sockpath);
	if (strcmp(argv[0], "where") == 0)
		return vm_where(argc, argv, sockpath);
	if (strcmp(argv[0], "history") == 0)
		return vm_history(argc, argv, sockpath);
	if (strcmp(argv[0], "report") == 0)
		return vm_report(argc, argv, sockpath);
	fprintf(stderr, "vigil: unknown vm command '");
	puts_safe(stderr, argv[0]);
	fprintf(stderr, "'\n");
	return usage_vm();
}

int
cli_host(int argc, char **argv, const char *sockpath)
{
	if (argc > 0 && strcmp(argv[0], "host") == 0) {
		argc--;
		argv++;
	}
	if (argc < 1)
		return usage_vm();
	if (strcmp(argv[0], "guests") == 0)
		return host_guests(argc, argv, sockpath);
	fprintf(stderr, "vigil: unknown host command '");
	puts_safe(stderr, argv[0]);
	fprintf(stderr, "'\n");
	return usage_vm();
}
