/*
 * cli_alerts.c -- `vigil alerts` and `vigil alerts show` (see
 * cli_alerts.h).  Asks the collector's query socket (ops "alerts" and
 * "alert_show", docs/protocol.md) and prints a table, the alert with its
 * events, or the JSON lines as they come (--json).  Everything from alerts
 * and log data reaches the terminal through cli_put_safe().
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "alerts.h"
#include "buf.h"
#include "cli.h"
#include "cli_alerts.h"
#include "ctl.h"
#include "json.h"
#include "query.h"
#include "search.h"

/* called for each reply line that is not _end/_error; non-zero stops */

static int
usage_alerts(void)
{
	fprintf(stderr,
	    "usage: vigil alerts [--since T] [--until T] [--severity S] "
	    "[--rule ID]\n"
	    "                    [--limit N] [--json]\n"
	    "       vigil alerts show ID [--json]\n"
	    "S: info, low, medium, high, critical (the minimum); times: "
	    "RFC 3339 or -2h, -7d\n");
	return 2;
}

static void
puts_safe(FILE *f, const char *s, size_t width)
{
	cli_put_safe(f, s ? s : "", s ? strlen(s) : 0, width);
}

/* a table cell: made safe, cut at width, padded to width + 2 */
static void
cell(const char *s, size_t width)
{
	size_t col;

	if (s == NULL || *s == '\0')
		s = "-";
	for (col = cli_put_safe(stdout, s, strlen(s), width); col < width + 2;
	    col++)
		putchar(' ');
}

/* "2025-03-14T09:14:03.000000Z" -> "2025-03-14 09:14:03" */
static const char *
short_time(const char *ts, char *out, size_t n)
{
	snprintf(out, n, "%.19s", ts ? ts : "?");
	if (strlen(out) > 10)
		out[10] = ' ';
	return out;
}

/* ------------------------------------------------------------- list */

static int
row_fn(yajl_val o, const char *line, size_t n, void *arg)
{
	const char	*sup = cli_jget(o, "suppressed");
	char		 t[32];
	int		*rows = arg;

	(void)line;
	(void)n;
	if ((*rows)++ == 0)
		printf("%-19s  %-6s  %-8s  %-24s  %-28s  %6s  %s\n", "TIME",
		    "ID", "SEVERITY", "RULE", "GROUP", "COUNT", "MESSAGE");
	printf("%s  ", short_time(cli_jget(o, "time"), t, sizeof(t)));
	cell(cli_jget(o, "id"), 6);
	cell(cli_jget(o, "severity"), 8);
	cell(cli_jget(o, "rule"), 24);
	cell(cli_jget(o, "group"), 28);
	printf("%6s  ", cli_jget(o, "count") ? cli_jget(o, "count") : "-");
	puts_safe(stdout, cli_jget(o, "message"), 0);
	if (sup != NULL && strcmp(sup, "0") != 0) {
		printf(" (+");
		puts_safe(stdout, sup, 12);
		printf(" suppressed)");
	}
	putchar('\n');
	return 0;
}

static int
cmd_list(int argc, char **argv, const char *sockpath)
{
	static const struct option lo[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "severity", required_argument, NULL, 'S' },
		{ "rule", required_argument, NULL, 'r' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf	 req;
	struct json	 j;
	yajl_val	 end = NULL;
	int64_t		 since = INT64_MIN, until = INT64_MAX;
	int64_t		 now = cli_now_us();
	const char	*sev = NULL, *rule = NULL;
	char		*e;
	long		 limit = 100;
	int		 ch, json = 0, rows = 0, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+s:u:S:r:l:j", lo, NULL)) !=
	    -1) {
		switch (ch) {
		case 's':
		case 'u':
			if (time_parse(optarg, now, ch == 's' ? &since :
			    &until) != 0) {
				fprintf(stderr, "vigil: --%s: bad time '",
				    ch == 's' ? "since" : "until");
				puts_safe(stderr, optarg, 64);
				fprintf(stderr, "'\n");
				return 2;
			}
			break;
		case 'S':
			if (alert_severity_parse(optarg) < 0) {
				fprintf(stderr, "vigil: --severity: info, low, "
				    "medium, high or critical\n");
				return 2;
			}
			sev = optarg;
			break;
		case 'r':
			if (strlen(optarg) >= ALERT_RULE_MAX) {
				fprintf(stderr, "vigil: --rule: too long\n");
				return 2;
			}
			rule = optarg;
			break;
		case 'l':
			limit = strtol(optarg, &e, 10);
			if (*e || limit < 1 || limit > SEARCH_LIMIT_MAX) {
				fprintf(stderr, "vigil: --limit: 1..%d\n",
				    SEARCH_LIMIT_MAX);
				return 2;
			}
			break;
		case 'j':
			json = 1;
			break;
		default:
			return usage_alerts();
		}
	}
	if (optind != argc)
		return usage_alerts();
	buf_init(&req, 0);
	json_init(&j, &req);
	json_obj_open(&j);
	json_key_str(&j, "op", "alerts");
	if (since != INT64_MIN)
		json_key_int(&j, "since", since);
	if (until != INT64_MAX)
		json_key_int(&j, "until", until);
	if (sev != NULL)
		json_key_str(&j, "severity", sev);
	if (rule != NULL)
		json_key_str(&j, "rule", rule);
	json_key_int(&j, "limit", limit);
	json_obj_close(&j);
	rc = cli_call(sockpath, &req, json ? cli_passthru : row_fn, &rows,
	    &end);
	if (rc == 0 && !json) {
		const char *sc = cli_jget(yajl_tree_get(end, (const char *[]){
		    "_end", NULL }, yajl_t_object), "scanned");

		fprintf(stderr, "%d alerts shown (newest first), %s "
		    "scanned\n", rows, sc ? sc : "?");
	}
	yajl_tree_free(end);
	buf_clear(&req);
	return rc;
}

/* ------------------------------------------------------------- show */

static void
field(const char *name, const char *v)
{
	printf("%-12s ", name);
	puts_safe(stdout, v && *v ? v : "-", 0);
	putchar('\n');
}

static int
show_fn(yajl_val o, const char *line, size_t n, void *arg)
{
	yajl_val	 a, ev, m;
	const char	*s, *prog, *pid, *msg, *host;
	char		 t[32], t2[32];

	(void)line;
	(void)n;
	(void)arg;
	if ((a = yajl_tree_get(o, (const char *[]){ "alert", NULL },
	    yajl_t_object)) != NULL) {
		printf("alert %s  ", cli_jget(a, "id"));
		puts_safe(stdout, cli_jget(a, "severity"), 16);
		printf("  ");
		puts_safe(stdout, cli_jget(a, "rule"), 0);
		printf(": ");
		puts_safe(stdout, cli_jget(a, "title"), 0);
		putchar('\n');
		field("time", short_time(cli_jget(a, "time"), t, sizeof(t)));
		field("first", short_time(cli_jget(a, "first"), t, sizeof(t)));
		field("group", cli_jget(a, "group"));
		field("message", cli_jget(a, "message"));
		field("count", cli_jget(a, "count"));
		s = cli_jget(a, "suppressed");
		if (s != NULL && strcmp(s, "0") != 0) {
			snprintf(t2, sizeof(t2), "%.12s", s);
			printf("%-12s %s, the last at %s\n", "suppressed", t2,
			    short_time(cli_jget(a, "last"), t, sizeof(t)));
		}
		if ((ev = yajl_tree_get(a, (const char *[]){ "tags", NULL },
		    yajl_t_array)) != NULL && ev->u.array.len > 0) {
			printf("%-12s ", "tags");
			for (size_t i = 0; i < ev->u.array.len; i++) {
				if (!YAJL_IS_STRING(ev->u.array.values[i]))
					continue;
				printf("%s", i ? ", " : "");
				puts_safe(stdout,
				    ev->u.array.values[i]->u.string, 64);
			}
			putchar('\n');
		}
		field("description", cli_jget(a, "description"));
		printf("\nevents:\n");
		return 0;
	}
	if ((ev = yajl_tree_get(o, (const char *[]){ "event", NULL },
	    yajl_t_object)) != NULL) {
		host = cli_jget(ev, "host.name");
		prog = cli_jget(ev, "process.name");
		pid = cli_jget(ev, "process.pid");
		if ((msg = cli_jget(ev, "message")) == NULL)
			msg = cli_jget(ev, "event.original");
		printf("%s  ", short_time(cli_jget(ev, "@timestamp"), t,
		    sizeof(t)));
		puts_safe(stdout, host ? host : "-", 24);
		printf("  ");
		if (prog != NULL) {
			puts_safe(stdout, prog, 32);
			if (pid != NULL) {
				putchar('[');
				puts_safe(stdout, pid, 12);
				putchar(']');
			}
			printf(": ");
		}
		puts_safe(stdout, msg, 0);
		putchar('\n');
		return 0;
	}
	if ((m = yajl_tree_get(o, (const char *[]){ "missing", NULL },
	    yajl_t_object)) != NULL) {
		printf("(stream %s, sequence %s: not stored; never arrived "
		    "or deleted by retention)\n", cli_jget(m, "stream"),
		    cli_jget(m, "seq"));
	}
	return 0;
}

static int
cmd_show(int argc, char **argv, const char *sockpath)
{
	struct buf	 req;
	char		*e;
	long long	 id;
	int		 json = 0, rc;

	/* vigil alerts show ID [--json] */
	if (argc == 3 && strcmp(argv[2], "--json") == 0)
		json = 1;
	else if (argc != 2)
		return usage_alerts();
	errno = 0;
	id = strtoll(argv[1], &e, 10);
	if (argv[1][0] == '\0' || *e != '\0' || id < 0 || errno != 0) {
		fprintf(stderr, "vigil: alerts show: '");
		puts_safe(stderr, argv[1], 32);
		fprintf(stderr, "' is not an alert id\n");
		return 2;
	}
	buf_init(&req, 0);
	buf_putf(&req, "{\"op\":\"alert_show\",\"id\":%lld}", id);
	rc = cli_call(sockpath, &req, json ? cli_passthru : show_fn, NULL,
	    NULL);
	buf_clear(&req);
	return rc;
}

int
cli_alerts(int argc, char **argv, const char *sockpath)
{
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return cmd_show(argc - 1, argv + 1, sockpath);
	if (argc >= 2 && (strcmp(argv[1], "help") == 0 ||
	    strcmp(argv[1], "--help") == 0))
		return usage_alerts();
	return cmd_list(argc, argv, sockpath);
}
