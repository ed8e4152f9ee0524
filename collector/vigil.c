/*
 * vigil -- the command line client.  Talks to the collector's query
 * socket (ctl.c): one JSON request line, JSON lines back.  Renders a
 * table with every control character and escape sequence from log data
 * made visible, or passes the JSON through (--json).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "agg.h"		/* limits only */
#include "buf.h"
#include "cli.h"
#include "cli_alerts.h"
#include "cli_verify.h"
#include "cli_vm.h"
#include "json.h"
#include "query.h"

#define DEFAULT_SOCKET	"/run/vigil/collector.sock"

static const char	*sockpath = DEFAULT_SOCKET;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: vigil [--socket path] command [options] [query]\n"
	    "commands:\n"
	    "  search [--since T] [--until T] [--limit N] [--json] QUERY\n"
	    "  tail [--json] QUERY        follow new events\n"
	    "  status [--json]            collector and senders\n"
	    "  top FIELD [--since T] [--until T] [--limit N] [--json] [QUERY]\n"
	    "  count [--by FIELD] [--interval 1h] [--since T] [--until T]\n"
	    "        [--limit N] [--json] [QUERY]   histogram of events\n"
	    "  compact                    compact the whole store now\n"
	    "  verify [--host H] [--json] check the stored hash chains\n"
	    "  vm list | history VM | where VM --at T | report ...\n"
	    "                             VM lifecycle audits (docs/vm.md)\n"
	    "  host guests HOST [--since T] [--until T]\n"
	    "  alerts [--since T] [--until T] [--severity S] [--rule ID]\n"
	    "         [--limit N] [--json]   alerts, newest first\n"
	    "  alerts show ID [--json]    an alert and its events\n"
	    "  rules check DIR... | rules test [--rules DIR] FILE...\n"
	    "                             rule files (docs/rules.md)\n"
	    "times: RFC 3339 (2025-03-14T09:00:00Z) or relative (-2h, -30m, "
	    "-7d)\n"
	    "query: host.name:hv1 process.name:sshd \"failed password\" "
	    "NOT user.name:root\n");
	exit(2);
}

static int
ctl_connect(void)
{
	int fd;

	if ((fd = cli_connect(sockpath)) == -1)
		exit(1);
	return fd;
}

static void
send_req(int fd, const struct buf *b)
{
	size_t	off = 0;
	ssize_t	w;

	while (off < b->len) {
		w = write(fd, b->d + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "vigil: write: %s\n", strerror(errno));
			exit(1);
		}
		off += (size_t)w;
	}
}



static void
print_event(yajl_val o)
{
	const char	*ts = cli_jget(o, "@timestamp"), *host = cli_jget(o, "host.name");
	const char	*prog = cli_jget(o, "process.name"), *pid;
	const char	*msg = cli_jget(o, "message");
	char		 t[32];

	pid = cli_jget(o, "process.pid");
	/* 2025-03-14T09:14:03.000000Z -> 2025-03-14 09:14:03 */
	snprintf(t, sizeof(t), "%.19s", ts ? ts : "?");
	if (strlen(t) > 10)
		t[10] = ' ';
	printf("%s  ", t);
	cli_put_safe(stdout, host ? host : "-", strlen(host ? host : "-"), 24);
	printf("  ");
	if (prog) {
		cli_put_safe(stdout, prog, strlen(prog), 32);
		if (pid)
			printf("[%s]", pid);
		printf(": ");
	}
	if (msg == NULL)
		msg = cli_jget(o, "event.original");
	cli_put_safe(stdout, msg ? msg : "", msg ? strlen(msg) : 0, 0);
	putchar('\n');
}

/*
 * Read JSON lines; call fn for each event line; return the exit status.
 */
static int
read_replies(int fd, int json, int need_end, int (*fn)(yajl_val, int))
{
	FILE		*f = fdopen(fd, "r");
	char		*line = NULL, ebuf[128];
	size_t		 cap = 0;
	ssize_t		 n;
	yajl_val	 o;
	const char	*e;
	int		 rc = 0, events = 0, ended = 0;

	if (f == NULL)
		return 1;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if ((o = yajl_tree_parse(line, ebuf, sizeof(ebuf))) == NULL) {
			fprintf(stderr, "vigil: bad reply from collector\n");
			rc = 1;
			break;
		}
		if ((e = cli_jget(o, "_error")) != NULL) {
			fprintf(stderr, "vigil: %s\n", e);
			yajl_tree_free(o);
			rc = 1;
			break;
		}
		if (yajl_tree_get(o, (const char *[]){ "_following", NULL },
		    yajl_t_any) != NULL) {
			if (!json)
				fprintf(stderr, "following (Ctrl-C to "
				    "stop)...\n");
		} else if (yajl_tree_get(o, (const char *[]){ "_end", NULL },
		    yajl_t_any) != NULL) {
			ended = 1;
			if (!json) {
				const char *m, *tk;
				yajl_val end = yajl_tree_get(o,
				    (const char *[]){ "_end", NULL },
				    yajl_t_object);

				m = cli_jget(end, "matched");
				tk = cli_jget(end, "took_us");
				fprintf(stderr, "%d shown, %s matched in the "
				    "hours searched, %.1f ms\n", events,
				    m ? m : "?", tk ? atof(tk) / 1000 : 0.0);
			}
		} else {
			events++;
			if (json) {
				fwrite(line, 1, (size_t)n, stdout);
				putchar('\n');
			} else
				rc |= fn(o, 0);
			fflush(stdout);
		}
		yajl_tree_free(o);
	}
	free(line);
	fclose(f);
	if (rc == 0 && need_end && !ended) {
		fprintf(stderr, "vigil: the collector closed the connection "
		    "before the end of the results\n");
		rc = 1;
	}
	return rc;
}

static int
event_fn(yajl_val o, int unused)
{
	(void)unused;
	print_event(o);
	return 0;
}

static void
join_query(int argc, char *argv[], struct buf *q)
{
	int i;

	buf_init(q, 4096);
	for (i = 0; i < argc; i++)
		if ((i && buf_put(q, " ", 1) != 0) ||
		    buf_put(q, argv[i], strlen(argv[i])) != 0) {
			fprintf(stderr, "vigil: query too long\n");
			exit(2);
		}
}


/*
 * Where the query starts: at "--", or at the first word that begins with
 * '-' but is a negated query term rather than an option ("-user.name:x",
 * '-"a phrase"'): it holds ':' or '"'.  Options come before the query.
 */
static int
query_start(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i;
		if (argv[i][0] == '-' && argv[i][1] != '-' &&
		    strpbrk(argv[i], ":\"") != NULL)
			return i;
		/* an option's separate argument is not the query */
		if ((strcmp(argv[i], "--since") == 0 ||
		    strcmp(argv[i], "--until") == 0 ||
		    strcmp(argv[i], "--limit") == 0 ||
		    strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "-u") == 0 ||
		    strcmp(argv[i], "-l") == 0) && i + 1 < argc)
			i++;
	}
	return argc;
}

static int
cmd_search(int argc, char *argv[], int follow)
{
	static const struct option lo[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf	 q, req;
	struct json	 j;
	struct query	*pq;
	int64_t		 since = INT64_MIN, until = INT64_MAX, now = cli_now_us();
	long		 limit = 100;
	char		*end, err[256];
	int		 ch, json = 0, fd, qstart;

	optind = 1;
	qstart = query_start(argc, argv);
	while ((ch = getopt_long(qstart, argv, "+s:u:l:j", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (time_parse(optarg, now, &since) != 0) {
				fprintf(stderr, "vigil: --since: bad time "
				    "'%s'\n", optarg);
				return 2;
			}
			break;
		case 'u':
			if (time_parse(optarg, now, &until) != 0) {
				fprintf(stderr, "vigil: --until: bad time "
				    "'%s'\n", optarg);
				return 2;
			}
			break;
		case 'l':
			limit = strtol(optarg, &end, 10);
			if (*end || limit < 1 || limit > 1000000) {
				fprintf(stderr, "vigil: --limit: 1..1000000\n");
				return 2;
			}
			break;
		case 'j':
			json = 1;
			break;
		default:
			usage();
		}
	}
	if (follow && (since != INT64_MIN || until != INT64_MAX))
		usage();
	/* the query: every word from optind on, without a "--" */
	if (qstart < argc && strcmp(argv[qstart], "--") == 0) {
		memmove(&argv[qstart], &argv[qstart + 1],
		    (argc - qstart - 1) * sizeof(*argv));
		argc--;
	}
	join_query(argc - optind, argv + optind, &q);
	/* parse here too, for a clear error before connecting */
	if (query_parse((const char *)q.d, q.len, &pq, err, sizeof(err)) != 0) {
		fprintf(stderr, "vigil: query: %s\n", err);
		buf_clear(&q);
		return 2;
	}
	query_free(pq);
	buf_init(&req, 0);
	json_init(&j, &req);
	json_obj_open(&j);
	json_key_str(&j, "op", follow ? "tail" : "search");
	json_key_strn(&j, "query", (const char *)q.d, q.len);
	if (since != INT64_MIN)
		json_key_int(&j, "since", since);
	if (until != INT64_MAX)
		json_key_int(&j, "until", until);
	json_key_int(&j, "limit", limit);
	json_obj_close(&j);
	buf_put(&req, "\n", 1);
	fd = ctl_connect();
	send_req(fd, &req);
	buf_clear(&req);
	buf_clear(&q);
	return read_replies(fd, json, !follow, event_fn);
}

static void
fmt_age(char *out, size_t n, long long s)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, n, "%llds", s);
	else if (s < 7200)
		snprintf(out, n, "%lldm", s / 60);
	else if (s < 172800)
		snprintf(out, n, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(out, n, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

static int
status_fn(yajl_val o, int unused)
{
	yajl_val	 snd, s;
	const char	*v;
	char		 age[32], up[32];
	size_t		 i;
	int64_t		 now = cli_now_us(), t;

	(void)unused;
	v = cli_jget(o, "uptime_s");
	fmt_age(up, sizeof(up), v ? atoll(v) : 0);
	printf("collector   up %s (since %s)\n", up,
	    cli_jget(o, "start") ? cli_jget(o, "start") : "?");
	printf("events      received %s, stored %s, duplicates absorbed %s, "
	    "missing %s\n", cli_jget(o, "events_received"),
	    cli_jget(o, "events_stored"), cli_jget(o, "duplicates"), cli_jget(o, "gaps"));
	printf("store       %.1f MiB on disk, %s streams, %s commits\n",
	    cli_jget(o, "store_bytes") ? atof(cli_jget(o, "store_bytes")) / 1048576 :
	    0.0, cli_jget(o, "streams"), cli_jget(o, "commits"));
	printf("sessions    %s live, %s refused (TLS), %s protocol errors\n",
	    cli_jget(o, "sessions"), cli_jget(o, "tls_refused"),
	    cli_jget(o, "protocol_errors"));
	if ((s = yajl_tree_get(o, (const char *[]){ "rules", NULL },
	    yajl_t_object)) != NULL)
		printf("rules       %s events evaluated, %s alerts (%s repeats "
		    "suppressed), %s windows, %s evicted\n",
		    cli_jget(s, "events"), cli_jget(s, "alerts"),
		    cli_jget(s, "suppressed"), cli_jget(s, "groups"),
		    cli_jget(s, "evicted"));
	snd = yajl_tree_get(o, (const char *[]){ "senders", NULL },
	    yajl_t_array);
	printf("\n%-24s %-6s %-9s %-10s %10s %10s  %s\n", "SENDER", "ROLE",
	    "STATE", "LAST SEEN", "RECEIVED", "STORED", "ADDRESS");
	for (i = 0; snd != NULL && i < snd->u.array.len; i++) {
		s = snd->u.array.values[i];
		v = cli_jget(s, "last_seen");
		t = 0;
		if (v != NULL && time_parse(v, now, &t) == 0)
			fmt_age(age, sizeof(age), (now - t) / 1000000);
		else
			snprintf(age, sizeof(age), "?");
		printf("%-24.24s %-6.6s %-9s %-10s %10s %10s  %s\n",
		    cli_jget(s, "name"), cli_jget(s, "role") ? cli_jget(s, "role") : "",
		    cli_jget(s, "connected") && !strcmp(cli_jget(s, "connected"),
		    "true") ? "connected" : "gone", strcat(age, " ago"),
		    cli_jget(s, "received"), cli_jget(s, "stored"),
		    cli_jget(s, "address") ? cli_jget(s, "address") : "");
	}
	return 0;
}

static int
cmd_status(int argc, char *argv[])
{
	struct buf	req;
	int		fd, json = 0;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json") != 0))
		usage();
	json = argc == 2;
	buf_init(&req, 0);
	buf_put(&req, "{\"op\":\"status\"}\n", 16);
	fd = ctl_connect();
	send_req(fd, &req);
	buf_clear(&req);
	return read_replies(fd, json, 0, status_fn);
}

/* "15s", "30m", "1h", "1d", "1w" -> seconds; -1 when bad */
static long long
parse_interval(const char *s)
{
	char		*end;
	long long	 n = strtoll(s, &end, 10);

	if (end == s || n <= 0)
		return -1;
	switch (*end) {
	case 's': case '\0': break;
	case 'm': n *= 60; break;
	case 'h': n *= 3600; break;
	case 'd': n *= 86400; break;
	case 'w': n *= 7 * 86400; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	return n;
}

struct aggrow {
	char		*time, *val;
	long long	 count;
};

/* Print rows of top (value, count, share, bar) or count (time, bar). */
static void
print_agg(int top, const char *field, struct aggrow *rw, size_t n,
    long long total)
{
	long long	max = 0;
	size_t		i, w = strlen(field) > 40 ? 40 : strlen(field);
	char		bar[256], t[32];

	for (i = 0; i < n; i++) {
		if (rw[i].count > max)
			max = rw[i].count;
		if (rw[i].val != NULL && strlen(rw[i].val) > w && w < 40)
			w = strlen(rw[i].val) > 40 ? 40 : strlen(rw[i].val);
	}
	if (top)
		printf("%-*.*s %12s %6s\n", (int)w, (int)w, field, "COUNT",
		    "SHARE");
	for (i = 0; i < n; i++) {
		cli_bar((uint64_t)rw[i].count, (uint64_t)max, 40, bar,
		    sizeof(bar));
		if (rw[i].time != NULL) {
			/* 2025-03-14T09:00:00.000000Z -> 2025-03-14 09:00 */
			snprintf(t, sizeof(t), "%.16s", rw[i].time);
			if (strlen(t) > 10)
				t[10] = ' ';
			printf("%s  ", t);
		}
		if (rw[i].val != NULL) {
			cli_put_safe(stdout, rw[i].val, strlen(rw[i].val), w);
			printf("%*s", (int)(w - (strlen(rw[i].val) < w ?
			    strlen(rw[i].val) : w)), "");
		}
		printf(" %12lld", rw[i].count);
		if (top)
			printf(" %5.1f%%", total ? 100.0 * rw[i].count /
			    total : 0.0);
		printf(" %s\n", bar);
	}
}

static int
read_agg(int fd, int json, int top, const char *field)
{
	FILE		*f = fdopen(fd, "r");
	char		*line = NULL, ebuf[128];
	const char	*e;
	size_t		 cap = 0, n = 0, i;
	ssize_t		 len;
	yajl_val	 o, end;
	struct aggrow	*rw = NULL, *nr;
	long long	 total = 0;
	int		 rc = 1;

	if (f == NULL)
		return 1;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (json)
			fwrite(line, 1, (size_t)len, stdout);
		if ((o = yajl_tree_parse(line, ebuf, sizeof(ebuf))) == NULL) {
			fprintf(stderr, "vigil: bad reply from collector\n");
			break;
		}
		if ((e = cli_jget(o, "_error")) != NULL) {
			fprintf(stderr, "vigil: %s\n", e);
			yajl_tree_free(o);
			break;
		}
		if ((end = yajl_tree_get(o, (const char *[]){ "_end", NULL },
		    yajl_t_object)) != NULL) {
			total = cli_jget(end, "total") ? atoll(cli_jget(end, "total")) :
			    0;
			if (!json)
				fprintf(stderr, "%lld events, %s, %.1f ms\n",
				    total, cli_jget(end, "indexed") && !strcmp(
				    cli_jget(end, "indexed"), "true") ?
				    "from the index" : "decoded",
				    cli_jget(end, "took_us") ?
				    atof(cli_jget(end, "took_us")) / 1000 : 0.0);
			rc = 0;
		} else if (!json && (nr = reallocarray(rw, n + 1,
		    sizeof(*rw))) != NULL) {
			rw = nr;
			rw[n].time = cli_jget(o, "time") ?
			    strdup(cli_jget(o, "time")) : NULL;
			rw[n].val = cli_jget(o, "value") ?
			    strdup(cli_jget(o, "value")) : NULL;
			rw[n].count = cli_jget(o, "count") ?
			    atoll(cli_jget(o, "count")) : 0;
			n++;
		}
		yajl_tree_free(o);
	}
	if (rc == 0 && !json)
		print_agg(top, field, rw, n, total);
	for (i = 0; i < n; i++) {
		free(rw[i].time);
		free(rw[i].val);
	}
	free(rw);
	free(line);
	fclose(f);
	return rc;
}

static int
cmd_agg(int argc, char *argv[], int top)
{
	static const struct option lo[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'l' },
		{ "by", required_argument, NULL, 'b' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf	 q, req;
	struct json	 j;
	struct query	*pq;
	int64_t		 since = INT64_MIN, until = INT64_MAX;
	int64_t		 now = cli_now_us();
	long long	 limit = top ? 10 : 100, iv = 3600;
	const char	*field = NULL;
	char		*end, err[256];
	int		 ch, json = 0, fd;

	if (top) {
		/* vigil top FIELD [options] [QUERY] */
		if (argc < 2 || argv[1][0] == '-')
			usage();
		field = argv[1];
		argv++;
		argc--;
	}
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+s:u:l:b:i:j", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
		case 'u':
			if (time_parse(optarg, now, ch == 's' ? &since :
			    &until) != 0) {
				fprintf(stderr, "vigil: --%s: bad time '%s'\n",
				    ch == 's' ? "since" : "until", optarg);
				return 2;
			}
			break;
		case 'l':
			limit = strtoll(optarg, &end, 10);
			if (*end || limit < 1 || limit > AGG_LIMIT_MAX) {
				fprintf(stderr, "vigil: --limit: 1..%d\n",
				    AGG_LIMIT_MAX);
				return 2;
			}
			break;
		case 'b':
			if (top)
				usage();
			field = optarg;
			break;
		case 'i':
			if (top || (iv = parse_interval(optarg)) < 0) {
				fprintf(stderr, "vigil: --interval: e.g. 30s, "
				    "5m, 1h, 1d\n");
				return 2;
			}
			break;
		case 'j':
			json = 1;
			break;
		default:
			usage();
		}
	}
	join_query(argc - optind, argv + optind, &q);
	if (query_parse((const char *)q.d, q.len, &pq, err, sizeof(err)) != 0) {
		fprintf(stderr, "vigil: query: %s\n", err);
		buf_clear(&q);
		return 2;
	}
	query_free(pq);
	buf_init(&req, 0);
	json_init(&j, &req);
	json_obj_open(&j);
	json_key_str(&j, "op", top ? "top" : "count");
	json_key_strn(&j, "query", (const char *)q.d, q.len);
	if (field != NULL)
		json_key_str(&j, "field", field);
	if (!top)
		json_key_int(&j, "interval", iv);
	if (since != INT64_MIN)
		json_key_int(&j, "since", since);
	if (until != INT64_MAX)
		json_key_int(&j, "until", until);
	json_key_int(&j, "limit", limit);
	json_obj_close(&j);
	buf_put(&req, "\n", 1);
	fd = ctl_connect();
	send_req(fd, &req);
	buf_clear(&req);
	buf_clear(&q);
	return read_agg(fd, json, top, field ? field : "");
}

static int
read_compact(int fd)
{
	FILE		*f = fdopen(fd, "r");
	char		*line = NULL, ebuf[128];
	const char	*b, *t;
	size_t		 cap = 0;
	yajl_val	 o = NULL, end;
	int		 rc = 1;

	if (f == NULL)
		return 1;
	if (getline(&line, &cap, f) > 0 &&
	    (o = yajl_tree_parse(line, ebuf, sizeof(ebuf))) != NULL) {
		end = yajl_tree_get(o, (const char *[]){ "_end", NULL },
		    yajl_t_object);
		if (end != NULL && (b = cli_jget(end, "store_bytes")) != NULL &&
		    (t = cli_jget(end, "took_us")) != NULL) {
			printf("compacted in %.1f s: %.1f MiB on disk\n",
			    atof(t) / 1e6, atof(b) / 1048576);
			rc = 0;
		} else if (cli_jget(o, "_error") != NULL)
			fprintf(stderr, "vigil: %s\n", cli_jget(o, "_error"));
	}
	if (rc != 0 && o == NULL)
		fprintf(stderr, "vigil: no reply from the collector\n");
	yajl_tree_free(o);
	free(line);
	fclose(f);
	return rc;
}

static int
cmd_compact(int argc, char *argv[])
{
	struct buf	req;
	int		fd;

	(void)argv;
	if (argc != 1)
		usage();
	buf_init(&req, 0);
	buf_put(&req, "{\"op\":\"compact\"}\n", 17);
	fd = ctl_connect();
	send_req(fd, &req);
	buf_clear(&req);
	return read_compact(fd);
}

/*
 * `vigil rules ...` runs vigil-rules (the same directory as this program
 * first, then PATH): it links the collector's pipeline (LevelDB, OpenSSL,
 * decoders, rules), which the query commands do without and so start in
 * a third of the time.
 */
static int
cmd_rules(char *argv[])
{
	static char	name[] = "vigil-rules";
	char		self[PATH_MAX], path[PATH_MAX + sizeof(name)];
	char		*slash;
	ssize_t		n;

	argv[0] = name;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s", self, name);
			execv(path, argv);
		}
	}
	execvp(name, argv);
	fprintf(stderr, "vigil: cannot run %s: %s\n", name, strerror(errno));
	return 2;
}

int
main(int argc, char *argv[])
{
	int i = 1;

	signal(SIGPIPE, SIG_IGN);
	if (getenv("VIGIL_SOCKET") != NULL)
		sockpath = getenv("VIGIL_SOCKET");
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			sockpath = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--socket=", 9) == 0) {
			sockpath = argv[i] + 9;
			i++;
		} else
			usage();
	}
	if (i >= argc)
		usage();
	if (strcmp(argv[i], "search") == 0)
		return cmd_search(argc - i, argv + i, 0);
	if (strcmp(argv[i], "tail") == 0)
		return cmd_search(argc - i, argv + i, 1);
	if (strcmp(argv[i], "vm") == 0)
		return cli_vm(argc - i, argv + i, sockpath);
	if (strcmp(argv[i], "host") == 0)
		return cli_host(argc - i, argv + i, sockpath);
	if (strcmp(argv[i], "alerts") == 0)
		return cli_alerts(argc - i, argv + i, sockpath);
	if (strcmp(argv[i], "status") == 0)
		return cmd_status(argc - i, argv + i);
	if (strcmp(argv[i], "top") == 0)
		return cmd_agg(argc - i, argv + i, 1);
	if (strcmp(argv[i], "count") == 0)
		return cmd_agg(argc - i, argv + i, 0);
	if (strcmp(argv[i], "compact") == 0)
		return cmd_compact(argc - i, argv + i);
	if (strcmp(argv[i], "verify") == 0)
		return cli_verify(argc - i, argv + i, sockpath);
	if (strcmp(argv[i], "rules") == 0)
		return cmd_rules(argv + i);
	if (strcmp(argv[i], "help") == 0)
		usage();
	fprintf(stderr, "vigil: unknown command '%s'\n", argv[i]);
	usage();
	return 2;
}
