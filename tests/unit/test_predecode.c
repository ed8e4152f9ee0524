/*
 * test_predecode.c -- unit tests for collector/predecode.c: a record
 * packed on the event loop and unpacked in the writer is the record
 * decode_event makes, field for field (names, numbers, values, their
 * order, the index slots, flags and times), for every line of the rule
 * fixtures and the decoder fuzz corpora under several stream contexts;
 * the cursor skips and stops at the end and at a cut; and a store written
 * from packed records holds byte for byte what one written by decoding in
 * the writer holds, also when a batch repeats events already stored and
 * when the packed form is cut short (the writer decodes the rest), and the
 * writer did take the packed records.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "decode.h"
#include "err.h"
#include "predecode.h"
#include "proto.h"
#include "record.h"
#include "store.h"
#include "test.h"

#define T0	1710407643000000LL	/* 2024-03-14T09:14:03Z */
#define MAXLINES 4000

static char	*lines[MAXLINES];
static size_t	 lens[MAXLINES];
static int	 nlines;

static void
add_line(const char *p, size_t len)
{
	if (nlines == MAXLINES || len >= PROTO_LINE_MAX)
		return;
	if ((lines[nlines] = malloc(len + 1)) == NULL)
		return;
	memcpy(lines[nlines], p, len);
	lines[nlines][len] = '\0';
	lens[nlines++] = len;
}

/* Every line of every file in dir whose name ends in suffix ("" any). */
static void
load_dir(const char *dir, const char *suffix)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[1024], *buf = NULL;
	size_t		 cap = 0, n, sl = strlen(suffix), nl;
	FILE		*f;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		nl = strlen(de->d_name);
		if (de->d_name[0] == '.' || nl < sl ||
		    strcmp(de->d_name + nl - sl, suffix) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while ((n = (size_t)getline(&buf, &cap, f)) != (size_t)-1) {
			if (n > 0 && buf[n - 1] == '\n')
				n--;
			add_line(buf, n);
		}
		fclose(f);
	}
	free(buf);
	closedir(d);
}

static void
load_lines(void)
{
	static const char *corpora[] = { "decode", "syslog", "dec_audit",
	    "dec_auth", "dec_hook", "dec_libvirt", "dec_netfilter" };
	static const char *extra[] = {
	    "",
	    "no header at all",
	    "<38>Mar 14 09:15:01 hv1 sshd[1]: bad \xff\xfe utf-8",
	    "<13>1 2024-03-14T09:15:01.5+01:00 hv1 app 1 - [x@1 a=\"b\"] m",
	    "type=VIRT_CONTROL msg=audit(1710407643.123:9): pid=1 uid=0 "
		"auid=0 ses=1 msg='virt=kvm op=start reason=booted "
		"vm=\"web1\" uuid=1b4e28ba-2fa1-11d2-883f-0016d3cca427 "
		"vm-pid=4242 exe=\"/usr/sbin/libvirtd\" hostname=? addr=? "
		"terminal=? res=success'",
	};
	char	 big[8000];
	size_t	 i;

	load_dir("tests/rules", ".log");
	for (i = 0; i < sizeof(corpora) / sizeof(corpora[0]); i++) {
		char dir[256];

		snprintf(dir, sizeof(dir), "tests/fuzz/corpus/%s", corpora[i]);
		load_dir(dir, "");
	}
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		add_line(extra[i], strlen(extra[i]));
	memset(big, 'x', sizeof(big));
	memcpy(big, "<38>Mar 14 09:15:01 hv1 sshd[1]: ", 33);
	add_line(big, sizeof(big));
}

/* a and b are the same record (b's values may live elsewhere) */
static int
same_record(const struct record *a, const struct record *b)
{
	int i;

	if (a->ts_us != b->ts_us || a->recv_us != b->recv_us ||
	    a->read_us != b->read_us || a->flags != b->flags ||
	    a->raw != b->raw || a->rawlen != b->rawlen ||
	    a->nfields != b->nfields || a->coll != b->coll ||
	    a->scratchlen != b->scratchlen ||
	    memcmp(a->pos, b->pos, sizeof(a->pos)) != 0)
		return 0;
	for (i = 0; i < a->nfields; i++) {
		const struct record_field *x = &a->f[i], *y = &b->f[i];

		if (x->name != y->name || x->id != y->id || x->len != y->len ||
		    (x->val == NULL) != (y->val == NULL) ||
		    (x->val != NULL && memcmp(x->val, y->val, x->len) != 0))
			return 0;
	}
	return 1;
}

static const struct decode_ctx ctxs[] = {
	{ T0, 0, "hv1", "syslog", "syslog" },
	{ T0, 3600, "hv2.example.org", "auth", "/var/log/auth.log" },
	{ T0, -18000, "hv3", "audit", "/var/log/audit/audit.log" },
	{ T0, 0, "guest7", "kern", "journal" },
	{ T0, 0, NULL, NULL, NULL },
};
#define NCTX	(sizeof(ctxs) / sizeof(ctxs[0]))

static void
test_records(void)
{
	struct record	*a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct predecode_cur c;
	struct buf	 out;
	size_t		 k;
	int		 i, bad = 0, copies = 0, raws = 0;

	buf_init(&out, 0);
	for (k = 0; k < NCTX; k++)
		for (i = 0; i < nlines; i++) {
			int64_t read_us = T0 - 1000 * i;

			decode_event(&ctxs[k], lines[i], lens[i], read_us, a);
			buf_reset(&out);
			T_INT(predecode_pack(&out, a, lines[i], lens[i]), 0);
			predecode_cur_init(&c, out.d, out.len);
			if (predecode_next(&c, lines[i], lens[i], read_us, T0,
			    b) != 0 || !same_record(a, b)) {
				if (bad++ < 5)
					fprintf(stderr, "differs: ctx %zu "
					    "line %d: %s\n", k, i, lines[i]);
				continue;
			}
			/* the cursor is at the end */
			if (predecode_skip(&c) != ERR_RANGE)
				bad++;
			for (int f = 0; f < b->nfields; f++) {
				if (b->f[f].val == NULL)
					continue;
				if (b->f[f].val >= lines[i] &&
				    b->f[f].val <= lines[i] + lens[i])
					raws++;
				else
					copies++;
			}
		}
	T_INT(bad, 0);
	/* both kinds of value occur: offsets into the line and copies */
	T_OK(raws > 1000);
	T_OK(copies > 1000);
	T_OK(nlines > 200);
	buf_clear(&out);
	free(a);
	free(b);
}

/* Hand-made records: a NULL value, a value elsewhere, an empty record. */
static void
test_hand(void)
{
	static const char raw[] = "abcdef";
	struct record	*a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct predecode_cur c;
	struct buf	 out;
	size_t		 cut, one;
	int		 n;

	buf_init(&out, 0);
	record_init(a);
	a->raw = raw;
	a->rawlen = 6;
	a->ts_us = 42;
	a->flags = 5;
	T_INT(record_add(a, "x.null", NULL, 0), 0);
	T_INT(record_add(a, "x.raw", raw + 2, 4), 0);	/* to the end */
	T_INT(record_add(a, "x.empty", raw + 6, 0), 0);
	T_INT(record_addcopy(a, "x.copy", "cdef", 4), 0);
	T_INT(record_add(a, "x.static", "static", 6), 0);
	T_INT(predecode_pack(&out, a, raw, 6), 0);
	one = out.len;
	record_init(b);		/* no fields at all */
	b->raw = raw;
	b->rawlen = 6;
	T_INT(predecode_pack(&out, b, raw, 6), 0);
	T_INT(predecode_pack(&out, a, raw, 6), 0);

	predecode_cur_init(&c, out.d, out.len);
	a->read_us = 7;
	a->recv_us = 8;
	T_INT(predecode_next(&c, raw, 6, 7, 8, b), 0);
	T_OK(same_record(a, b));
	T_OK(b->f[0].val == NULL);
	T_OK(b->f[1].val == raw + 2);
	T_OK(b->f[3].val != a->f[3].val);	/* a copy, not the scratch */
	T_INT(predecode_skip(&c), 0);
	T_INT(predecode_next(&c, raw, 6, 7, 8, b), 0);
	T_OK(same_record(a, b));
	T_INT(predecode_next(&c, raw, 6, 7, 8, b), ERR_RANGE);

	/* a shorter raw line than packed against: refused */
	predecode_cur_init(&c, out.d, one);
	T_INT(predecode_next(&c, raw, 3, 7, 8, b), ERR_RANGE);
	/* every cut of the first record is refused, never overread */
	for (cut = 0, n = 0; cut < one; cut++) {
		uint8_t *p = malloc(cut ? cut : 1);

		memcpy(p, out.d, cut);
		predecode_cur_init(&c, p, cut);
		n += predecode_next(&c, raw, 6, 7, 8, b) == ERR_RANGE;
		free(p);
	}
	T_INT(n, (int)one);
	buf_clear(&out);
	free(a);
	free(b);
}

/* Lines lo..hi-1 as a batch of stream sid from sequence first. */
static void
batch(struct buf *ev, struct proto_batch *pb, uint32_t sid, uint64_t first,
    int lo, int hi)
{
	buf_reset(ev);
	for (int i = lo; i < hi; i++) {
		buf_put_u64(ev, (uint64_t)(T0 - 1000 * i));
		buf_put_str(ev, lines[i], lens[i]);
	}
	pb->stream = sid;
	pb->first_seq = first;
	pb->count = (uint32_t)(hi - lo);
	pb->events = ev->d;
	pb->eventslen = ev->len;
}

/*
 * Write the lines to a new store in batches of 500 (and repeat one batch
 * half-overlapping, and cut one batch's packed form in the middle); how:
 * 0 decodes in the writer, 1 gives packed records.
 */
static struct store *
fill(char *dir, int how)
{
	struct store_opts	 so = { 0, 0, 0 };
	struct store		*st = NULL;
	struct store_txn	*t;
	struct proto_batch	 pb;
	struct stream_meta	 m;
	struct decode_ctx	 ctx;
	struct record		*tmp = malloc(sizeof(*tmp));
	struct buf		 ev, pre;
	char			 err[512];
	uint32_t		 sid = 0, stored, dups;
	uint64_t		 next, gap;
	int			 lo, hi, b = 0;

	T_OK(mkdtemp(dir) != NULL);
	T_INT(store_open(dir, &so, &st, err, sizeof(err)), 0);
	if (st == NULL)
		return NULL;
	T_INT(store_stream_lookup(st, "hv1.example.org", "i1",
	    "/var/log/auth.log", "auth", "host", "", &sid, &next), 0);
	T_INT(store_stream_meta(st, sid, &m), 0);
	ctx.recv_us = T0;
	ctx.tzoff = 3600;
	ctx.sender = m.sender;
	ctx.type = m.type;
	ctx.path = m.name;
	buf_init(&ev, 0);
	buf_init(&pre, 0);
	t = store_txn_new(st);
	for (lo = 0; lo < nlines; lo = hi, b++) {
		hi = lo + 500 < nlines ? lo + 500 : nlines;
		/* batch 1 again from the middle of batch 0: half repeats */
		if (b == 1 && lo >= 250)
			lo -= 250;
		batch(&ev, &pb, sid, 1 + (uint64_t)lo, lo, hi);
		buf_reset(&pre);
		T_INT(predecode_batch(&ctx, &pb, tmp, &pre), 0);
		if (b == 2)
			pre.len /= 2;	/* the rest is decoded by the writer */
		T_INT(store_txn_add_decoded(t, sid, &pb, how ? pre.d : NULL,
		    pre.len, T0, 3600, &stored, &dups, &gap), 0);
		T_INT(stored + dups, pb.count);
		T_INT(gap, 0);
		if (b % 2 == 1)
			T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	}
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	{
		uint64_t up, dec;

		/* packed records were used, but for the cut batch's tail */
		store_txn_decodes(t, &up, &dec);
		if (how) {
			T_OK(up > (uint64_t)nlines / 2);
			T_OK(dec > 100 && dec < 500);
		} else {
			T_INT(up, 0);
			T_OK(dec >= (uint64_t)nlines);
		}
	}
	store_txn_free(t);
	buf_clear(&ev);
	buf_clear(&pre);
	free(tmp);
	return st;
}

static void
test_store_same(void)
{
	char			 d0[] = "/tmp/vigil-test-predecode.XXXXXX";
	char			 d1[] = "/tmp/vigil-test-predecode.XXXXXX";
	char			 cmd[128];
	struct store		*s0 = fill(d0, 0), *s1 = fill(d1, 1);
	struct store_iter	*i0, *i1;
	const uint8_t		*k0, *k1, *v0, *v1;
	size_t			 kl0, kl1, vl0, vl1, nkeys = 0, diff = 0;

	if (s0 == NULL || s1 == NULL)
		return;
	i0 = store_iter_new(s0);
	i1 = store_iter_new(s1);
	store_iter_seek(i0, "", 0);
	store_iter_seek(i1, "", 0);
	while (store_iter_valid(i0) && store_iter_valid(i1)) {
		k0 = store_iter_key(i0, &kl0);
		k1 = store_iter_key(i1, &kl1);
		v0 = store_iter_value(i0, &vl0);
		v1 = store_iter_value(i1, &vl1);
		if (kl0 != kl1 || memcmp(k0, k1, kl0) != 0 || vl0 != vl1 ||
		    memcmp(v0, v1, vl0) != 0) {
			if (diff++ < 3)
				fprintf(stderr, "differs at key %zu: %.*s\n",
				    nkeys, (int)(kl0 < 40 ? kl0 : 40), k0);
		}
		nkeys++;
		store_iter_next(i0);
		store_iter_next(i1);
	}
	T_INT(store_iter_valid(i0), 0);
	T_INT(store_iter_valid(i1), 0);
	T_INT(diff, 0);
	T_OK(nkeys > 100);
	store_iter_free(i0);
	store_iter_free(i1);
	store_close(s0);
	store_close(s1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", d0, d1);
	T_INT(system(cmd), 0);
}

int
main(void)
{
	load_lines();
	test_records();
	test_hand();
	test_store_same();
	for (int i = 0; i < nlines; i++)
		free(lines[i]);
	return TEST_DONE();
}
