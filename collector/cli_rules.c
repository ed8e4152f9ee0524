/*
 * cli_rules.c -- `vigil rules check` and `vigil rules test` (docs/rules.md).
 *
 * `rules test` does not imitate the collector: it opens a store of its
 * own in a temporary directory and stores the lines through the same
 * store_txn_add, decoders, placement and rulehook as the writer thread,
 * one commit per line, so that the alerts are those the collector raises
 * live for the same lines in the same order.  Without --fixtures the
 * lines of all files are merged by event time (stable: file order, then
 * line order, for equal times).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "buf.h"
#include "cli.h"
#include "cli_rules.h"
#include "decode.h"
#include "err.h"
#include "log.h"
#include "query.h"
#include "rulehook.h"
#include "rules.h"
#include "store.h"

#define DIRS_MAX	16
#define LINE_MAX_LEN	(64 * 1024)
#define EXPECT_MAX	64

struct src {
	char	host[256];
	char	type[32];
	char	role[16];
	char	uuid[64];
};

struct expect {
	char	rule[128];
	long	want;
	long	got;
};

struct run {
	struct store		*st;
	struct store_txn	*txn;
	struct rulehook		*hook;
	char			 dir[256];
	uint64_t		*next;		/* by stream id */
	size_t			 nnext;
	struct buf		 b;
	int			 json;
	int			 quiet;		/* fixtures: count only */
	struct expect		 exp[EXPECT_MAX];
	int			 nexp;
	uint64_t		 alerts;
	struct expect		 other[EXPECT_MAX];	/* unexpected */
	int			 nother;
};

static void
rules_usage(void)
{
	fprintf(stderr,
	    "usage: vigil rules check DIR...\n"
	    "       vigil rules test [--rules DIR]... [--json] [--until T]\n"
	    "                        [--host H] [--type T] [--guest UUID] "
	    "FILE...\n"
	    "       vigil rules test [--rules DIR]... --fixtures FILE...\n");
	exit(2);
}

static void
on_alert(const struct alert_out *a, void *arg)
{
	struct run	*r = arg;
	yajl_val	 o;
	const char	*v;
	int		 i;

	if (!a->update) {
		r->alerts++;
		for (i = 0; i < r->nexp; i++)
			if (strcmp(r->exp[i].rule, a->rule) == 0)
				break;
		if (i < r->nexp)
			r->exp[i].got++;
		else {
			for (i = 0; i < r->nother; i++)
				if (strcmp(r->other[i].rule, a->rule) == 0)
					break;
			if (i == r->nother && r->nother < EXPECT_MAX)
				snprintf(r->other[r->nother++].rule,
				    sizeof(r->other[0].rule), "%s", a->rule);
			if (i < r->nother)
				r->other[i].got++;
		}
	}
	if (r->quiet)
		return;
	if (r->json) {
		fwrite(a->json, 1, a->len, stdout);
		putchar('\n');
		return;
	}
	if (a->update)
		return;
	if ((o = yajl_tree_parse(a->json, NULL, 0)) == NULL)
		return;
	v = cli_jget(o, "time");
	printf("%s  ", v != NULL ? v : "-");
	v = cli_jget(o, "severity");
	printf("%-8s %-28s ", v != NULL ? v : "-", a->rule);
	if ((v = cli_jget(o, "group")) != NULL && *v != '\0') {
		cli_put_safe(stdout, v, strlen(v), 0);
		fputs("  ", stdout);
	}
	if ((v = cli_jget(o, "message")) != NULL)
		cli_put_safe(stdout, v, strlen(v), 0);
	putchar('\n');
	yajl_tree_free(o);
}

static void
rmtree(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		 p[512];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static int
run_open(struct run *r, struct ruleset *rs)
{
	struct store_opts	 so;
	const char		*tmp = getenv("TMPDIR");
	char			 err[512];

	snprintf(r->dir, sizeof(r->dir), "%s/vigil-rules-test.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(r->dir) == NULL) {
		fprintf(stderr, "vigil: %s: %s\n", r->dir, strerror(errno));
		return -1;
	}
	memset(&so, 0, sizeof(so));
	so.write_buffer = 4u << 20;
	so.sync = 0;
	if (store_open(r->dir, &so, &r->st, err, sizeof(err)) != 0) {
		fprintf(stderr, "vigil: temporary store: %s\n", err);
		rmdir(r->dir);
		return -1;
	}
	buf_init(&r->b, PROTO_FRAME_MAX);
	if ((r->txn = store_txn_new(r->st)) == NULL ||
	    (r->hook = rulehook_new(r->st, rs, 0, on_alert, r)) == NULL) {
		fprintf(stderr, "vigil: out of memory\n");
		return -1;
	}
	rulehook_attach(r->hook, r->txn);
	return 0;
}

static void
run_close(struct run *r)
{
	rulehook_free(r->hook);
	store_txn_free(r->txn);
	if (r->st != NULL)
		store_close(r->st);
	buf_clear(&r->b);
	free(r->next);
	if (r->dir[0] != '\0')
		rmtree(r->dir);
}

/* Commit what the transaction holds and hand out its alerts. */
static int
run_commit(struct run *r)
{
	char	err[512];
	int	e;

	if ((e = rulehook_flush(r->hook, r->txn)) != 0 ||
	    (e = store_txn_commit(r->txn, err, sizeof(err))) != 0) {
		fprintf(stderr, "vigil: temporary store: %s\n", err_str(e));
		return -1;
	}
	store_txn_reset(r->txn);
	rulehook_committed(r->hook, 1);
	return 0;
}

static int
run_line(struct run *r, const struct src *s, const char *path,
    const char *line, size_t len, int64_t read_us)
{
	struct proto_batch	 pb;
	uint32_t		 id, stored, dups;
	uint64_t		 next, gap;
	size_t			 mark;
	uint64_t		*nn;
	char			 inst[128];

	/* one stream per file, type and claim, as one shipper input */
	snprintf(inst, sizeof(inst), "rules-test:%s:%s", s->type, s->uuid);
	if (store_stream_lookup(r->st, s->host, inst, path, s->type,
	    s->role, s->uuid, &id, &next) != 0) {
		fprintf(stderr, "vigil: %s: cannot create stream\n", path);
		return -1;
	}
	if (id >= r->nnext) {
		size_t n = (size_t)id + 16;

		if ((nn = reallocarray(r->next, n, sizeof(*nn))) == NULL)
			return -1;
		memset(nn + r->nnext, 0, (n - r->nnext) * sizeof(*nn));
		r->next = nn;
		r->nnext = n;
	}
	if (r->next[id] == 0)
		r->next[id] = next;
	buf_reset(&r->b);
	if (proto_batch_begin(&r->b, 0, r->next[id], &mark) != 0 ||
	    proto_batch_add(&r->b, mark, read_us, line, len) != 0 ||
	    proto_batch_end(&r->b, mark) != 0 ||
	    proto_batch_decode(r->b.d + mark + PROTO_FRAME_HDR,
	    r->b.len - mark - PROTO_FRAME_HDR, &pb) != 0 ||
	    store_txn_add(r->txn, id, &pb, read_us, 0, &stored, &dups,
	    &gap) != 0) {
		fprintf(stderr, "vigil: %s: line not stored\n", path);
		return -1;
	}
	r->next[id]++;
	return run_commit(r);
}

static int
run_until(struct run *r, int64_t until)
{
	if (until == INT64_MIN)
		return 0;
	rulehook_tick(r->hook, until);
	return run_commit(r);
}

static int
load_rules(const char **dirs, int ndirs, struct ruleset **rs)
{
	char err[1024];

	if (rules_load(dirs, ndirs, rs, err, sizeof(err)) != 0) {
		fprintf(stderr, "vigil: %s\n", err);
		return -1;
	}
	return 0;
}

/* ---- rules check ---- */

static int
cmd_check(int argc, char *argv[])
{
	struct ruleset	*rs;

	if (argc < 2 || argc - 1 > DIRS_MAX)
		rules_usage();
	if (load_rules((const char **)argv + 1, argc - 1, &rs) != 0)
		return 1;
	printf("%d rules OK\n", rules_count(rs));
	rules_free(rs);
	return 0;
}

/* ---- rules test ---- */

static char *
chomp(char *s, size_t *len)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	*len = n;
	return s;
}

/* "#! word args": apply to s / r; -1 with a message on a bad one */
static int
fixture_directive(const char *file, long lineno, char *d, struct src *s,
    struct run *r, int64_t *until)
{
	char		*w, *a, *b, *save = NULL;
	int64_t		 now = cli_now_us();

	w = strtok_r(d, " \t", &save);
	a = strtok_r(NULL, " \t", &save);
	b = strtok_r(NULL, " \t", &save);
	if (w == NULL)
		goto bad;
	if (strcmp(w, "host") == 0 && a != NULL)
		snprintf(s->host, sizeof(s->host), "%s", a);
	else if (strcmp(w, "type") == 0 && a != NULL)
		snprintf(s->type, sizeof(s->type), "%s", a);
	else if (strcmp(w, "role") == 0 && a != NULL &&
	    strcmp(a, "guest") == 0 && b != NULL) {
		snprintf(s->role, sizeof(s->role), "guest");
		snprintf(s->uuid, sizeof(s->uuid), "%s", b);
	} else if (strcmp(w, "role") == 0 && a != NULL && b == NULL) {
		snprintf(s->role, sizeof(s->role), "%s", a);
		s->uuid[0] = '\0';
	} else if (strcmp(w, "expect") == 0 && a != NULL && b != NULL &&
	    r->nexp < EXPECT_MAX) {
		char *end;

		snprintf(r->exp[r->nexp].rule, sizeof(r->exp[0].rule), "%s",
		    a);
		r->exp[r->nexp].want = strtol(b, &end, 10);
		if (*end != '\0' || r->exp[r->nexp].want < 0)
			goto bad;
		r->nexp++;
	} else if (strcmp(w, "until") == 0 && a != NULL) {
		if (time_parse(a, now, until) != 0)
			goto bad;
	} else
		goto bad;
	return 0;
 bad:
	fprintf(stderr, "%s:%ld: bad fixture directive\n", file, lineno);
	return -1;
}

static void
src_default(struct src *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->host, sizeof(s->host), "testhost");
	snprintf(s->type, sizeof(s->type), "syslog");
	snprintf(s->role, sizeof(s->role), "host");
}

/* One fixture file, in a store and engine of its own; 0 when it passes. */
static int
run_fixture(const char **dirs, int ndirs, const char *file, int json)
{
	struct ruleset	*rs;
	struct run	 r;
	struct src	 s;
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0, len;
	long		 lineno = 0;
	int64_t		 until = INT64_MIN, now = cli_now_us();
	int		 i, bad = 0, neg = strstr(file, ".neg") != NULL;

	if ((f = fopen(file, "r")) == NULL) {
		fprintf(stderr, "vigil: %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (load_rules(dirs, ndirs, &rs) != 0) {
		fclose(f);
		return 1;
	}
	memset(&r, 0, sizeof(r));
	r.quiet = !json;		/* --json: show the alerts too */
	r.json = json;
	src_default(&s);
	if (run_open(&r, rs) != 0) {
		fclose(f);
		run_close(&r);
		return 1;
	}
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		chomp(line, &len);
		if (strncmp(line, "#!", 2) == 0) {
			if (fixture_directive(file, lineno, line + 2, &s, &r,
			    &until) != 0) {
				bad = 1;
				break;
			}
			continue;
		}
		if (line[0] == '#' || len == 0)
			continue;
		if (run_line(&r, &s, file, line, len, now) != 0) {
			bad = 1;
			break;
		}
	}
	free(line);
	fclose(f);
	if (!bad && run_until(&r, until) != 0)
		bad = 1;
	for (i = 0; !bad && i < r.nexp; i++)
		if (r.exp[i].got != r.exp[i].want) {
			printf("FAIL %s: %s fired %ld times, expected %ld\n",
			    file, r.exp[i].rule, r.exp[i].got, r.exp[i].want);
			bad = 1;
		}
	for (i = 0; !bad && neg && i < r.nother; i++) {
		printf("FAIL %s: %s fired %ld times, expected 0\n", file,
		    r.other[i].rule, r.other[i].got);
		bad = 1;
	}
	if (!bad)
		printf("ok %s (%llu alerts)\n", file,
		    (unsigned long long)r.alerts);
	run_close(&r);
	return bad;
}

struct tline {
	int64_t		 ts;
	size_t		 file, no;
	char		*line;
	size_t		 len;
};

static int
tline_cmp(const void *a, const void *b)
{
	const struct tline *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->no < y->no ? -1 : x->no > y->no;
}

/* Files merged by event time through one engine. */
static int
run_files(const char **dirs, int ndirs, char **files, struct src *srcs,
    int nfiles, int json, int64_t until)
{
	struct ruleset		*rs;
	struct run		 r;
	struct tline		*tl = NULL, *nt;
	size_t			 n = 0, cap = 0, lcap = 0, len, i, no;
	struct record		*ev;
	struct decode_ctx	 ctx;
	char			*line = NULL;
	int64_t			 now = cli_now_us();
	FILE			*f;
	int			 k, ret = 1;

	if (load_rules(dirs, ndirs, &rs) != 0)
		return 1;
	memset(&r, 0, sizeof(r));
	r.json = json;
	if ((ev = malloc(sizeof(*ev))) == NULL || run_open(&r, rs) != 0)
		goto out;
	for (k = 0; k < nfiles; k++) {
		if ((f = fopen(files[k], "r")) == NULL) {
			fprintf(stderr, "vigil: %s: %s\n", files[k],
			    strerror(errno));
			goto out;
		}
		memset(&ctx, 0, sizeof(ctx));
		ctx.recv_us = now;
		ctx.sender = srcs[k].host;
		ctx.type = srcs[k].type;
		ctx.path = files[k];
		for (no = 0; getline(&line, &lcap, f) != -1; no++) {
			chomp(line, &len);
			if (len == 0)
				continue;
			if (len > LINE_MAX_LEN)
				len = LINE_MAX_LEN;
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				if ((nt = reallocarray(tl, cap, sizeof(*tl))) ==
				    NULL)
					break;
				tl = nt;
			}
			decode_event(&ctx, line, len, now, ev);
			tl[n].ts = ev->ts_us;
			tl[n].file = (size_t)k;
			tl[n].no = no;
			tl[n].len = len;
			if ((tl[n].line = strndup(line, len)) == NULL)
				break;
			n++;
		}
		fclose(f);
	}
	qsort(tl, n, sizeof(*tl), tline_cmp);
	for (i = 0; i < n; i++)
		if (run_line(&r, &srcs[tl[i].file], files[tl[i].file],
		    tl[i].line, tl[i].len, now) != 0)
			goto out;
	if (run_until(&r, until) != 0)
		goto out;
	if (!json)
		fprintf(stderr, "%zu lines, %llu alerts\n", n,
		    (unsigned long long)r.alerts);
	ret = 0;
 out:
	for (i = 0; i < n; i++)
		free(tl[i].line);
	free(tl);
	free(line);
	free(ev);
	run_close(&r);
	return ret;
}

static int
cmd_test(int argc, char *argv[])
{
	const char	*dirs[DIRS_MAX];
	char		**files;
	struct src	*srcs, cur;
	int		 ndirs = 0, nfiles = 0, fixtures = 0, json = 0, i, bad;
	int64_t		 until = INT64_MIN;

	if ((files = calloc((size_t)argc, sizeof(*files))) == NULL ||
	    (srcs = calloc((size_t)argc, sizeof(*srcs))) == NULL)
		return 1;
	src_default(&cur);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc) {
			if (ndirs == DIRS_MAX)
				rules_usage();
			dirs[ndirs++] = argv[++i];
		} else if (strcmp(argv[i], "--fixtures") == 0)
			fixtures = 1;
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
			snprintf(cur.host, sizeof(cur.host), "%s", argv[++i]);
		else if (strcmp(argv[i], "--type") == 0 && i + 1 < argc)
			snprintf(cur.type, sizeof(cur.type), "%s", argv[++i]);
		else if (strcmp(argv[i], "--guest") == 0 && i + 1 < argc) {
			snprintf(cur.role, sizeof(cur.role), "guest");
			snprintf(cur.uuid, sizeof(cur.uuid), "%s", argv[++i]);
		} else if (strcmp(argv[i], "--until") == 0 && i + 1 < argc) {
			if (time_parse(argv[++i], cli_now_us(), &until) != 0) {
				fprintf(stderr, "vigil: bad time '%s'\n",
				    argv[i]);
				return 2;
			}
		} else if (argv[i][0] == '-' && argv[i][1] != '\0')
			rules_usage();
		else {
			files[nfiles] = argv[i];
			srcs[nfiles++] = cur;
		}
	}
	if (nfiles == 0)
		rules_usage();
	if (ndirs == 0)
		dirs[ndirs++] = RULES_PACK_DIR;
	if (!fixtures) {
		bad = run_files(dirs, ndirs, files, srcs, nfiles, json, until);
		free(files);
		free(srcs);
		return bad;
	}
	for (bad = 0, i = 0; i < nfiles; i++)
		bad += run_fixture(dirs, ndirs, files[i], json);
	printf("%d fixtures, %d failed\n", nfiles, bad);
	free(files);
	free(srcs);
	return bad != 0;
}

int
cli_rules(int argc, char *argv[])
{
	/* the store's own notes are not the command's output */
	log_init("vigil", LOG_TO_STDERR, -1);
	if (argc < 2)
		rules_usage();
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "test") == 0)
		return cmd_test(argc - 1, argv + 1);
	rules_usage();
	return 2;
}
