/*
 * agg.c -- top and count aggregations (see agg.h).  The pure helpers come
 * first (tally, buckets, query shape, bars); then the index path (bitmap
 * popcounts) and the decode path (blocks through decode_event), which
 * read the store only through its public iterators and block reads.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_tree.h>

#include "agg.h"
#include "cand.h"
#include "block.h"
#include "decode.h"
#include "err.h"
#include "fname.h"
#include "json.h"
#include "placement.h"
#include "store.h"

#define HOUR_US		3600000000LL

uint64_t
agg_popcount(const uint8_t *p, size_t n)
{
	uint64_t	c = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		c += (uint64_t)__builtin_popcount(p[i]);
	return c;
}

int64_t
agg_bucket(int64_t ts, int64_t iv)
{
	int64_t b = ts / iv * iv;

	if (b > ts)
		b -= iv;
	return b;
}

int
agg_full_hours(int64_t since, int64_t until, uint32_t *h0, uint32_t *h1)
{
	int64_t a, b;

	if (since <= 0)
		a = 0;
	else
		a = (since + HOUR_US - 1) / HOUR_US;
	if (until == INT64_MAX)
		b = UINT32_MAX;
	else if (until <= 0)
		return 0;
	else
		b = until / HOUR_US - 1;	/* last hour ending by until */
	if (b > UINT32_MAX)
		b = UINT32_MAX;
	if (a > b)
		return 0;
	*h0 = (uint32_t)a;
	*h1 = (uint32_t)b;
	return 1;
}

static int
simple_token(const char *t, size_t n)
{
	const char	*c = memchr(t, ':', n);
	size_t		 i, fl;

	if (n == 3 && memcmp(t, "AND", 3) == 0)
		return 1;
	if (c == NULL || c == t || (size_t)(c - t) + 1 == n)
		return 0;
	fl = (size_t)(c - t);
	if (t[0] == '-' || fl > KEYS_FIELD_MAX ||
	    n - fl - 1 > KEYS_VALUE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("*\"()<>=\\", t[i]) != NULL ||
		    (t + i > c && t[i] == ':'))
			return 0;
	return 1;
}

int
agg_query_simple(const char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		for (j = i; j < len && !isspace((unsigned char)s[j]); j++)
			;
		if (j > i && !simple_token(s + i, j - i))
			return 0;
		i = j;
	}
	return 1;
}

/* ---------------------------------------------------------------- tally */

struct tent {
	int64_t		bucket;
	uint64_t	hash, count;
	size_t		off, len;
	int		used;
};

struct agg_tally {
	struct tent	*t;
	size_t		 cap, n;
	struct buf	 arena;
};

static uint64_t
tally_hash(int64_t bucket, const char *v, size_t n)
{
	uint64_t	h = 1469598103934665603ULL ^ (uint64_t)bucket;
	size_t		i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)v[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

struct agg_tally *
agg_tally_new(void)
{
	struct agg_tally *ta;

	if ((ta = calloc(1, sizeof(*ta))) == NULL)
		return NULL;
	ta->cap = 256;
	if ((ta->t = calloc(ta->cap, sizeof(*ta->t))) == NULL) {
		free(ta);
		return NULL;
	}
	buf_init(&ta->arena, 0);
	return ta;
}

void
agg_tally_free(struct agg_tally *ta)
{
	if (ta == NULL)
		return;
	free(ta->t);
	buf_clear(&ta->arena);
	free(ta);
}

static int
tally_grow(struct agg_tally *ta)
{
	struct tent	*nt;
	size_t		 ncap = ta->cap * 2, i, j;

	if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < ta->cap; i++) {
		if (!ta->t[i].used)
			continue;
		for (j = ta->t[i].hash & (ncap - 1); nt[j].used;
		    j = (j + 1) & (ncap - 1))
			;
		nt[j] = ta->t[i];
	}
	free(ta->t);
	ta->t = nt;
	ta->cap = ncap;
	return 0;
}

int
agg_tally_add(struct agg_tally *ta, int64_t bucket, const char *v,
    size_t n, uint64_t cnt)
{
	struct tent	*e;
	uint64_t	 h = tally_hash(bucket, v, n);
	size_t		 j;
	int		 r;

	if (ta->n * 2 >= ta->cap && (r = tally_grow(ta)) != 0)
		return r;
	for (j = h & (ta->cap - 1); ta->t[j].used; j = (j + 1) &
	    (ta->cap - 1)) {
		e = &ta->t[j];
		if (e->hash == h && e->bucket == bucket && e->len == n &&
		    (n == 0 || memcmp(ta->arena.d + e->off, v, n) == 0)) {
			e->count += cnt;
			return 0;
		}
	}
	e = &ta->t[j];
	e->off = ta->arena.len;
	if ((r = buf_put(&ta->arena, v, n)) != 0)
		return r;
	e->used = 1;
	e->hash = h;
	e->bucket = bucket;
	e->len = n;
	e->count = cnt;
	ta->n++;
	return 0;
}

size_t
agg_tally_count(const struct agg_tally *ta)
{
	return ta->n;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct agg_row	*x = a, *y = b;
	size_t			 n = x->len < y->len ? x->len : y->len;
	int			 c;

	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (n > 0 && (c = memcmp(x->val, y->val, n)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

int
agg_tally_rows(struct agg_tally *ta, struct agg_row **rows, size_t *np)
{
	struct agg_row	*r;
	size_t		 i, n = 0;

	if ((r = calloc(ta->n ? ta->n : 1, sizeof(*r))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < ta->cap; i++) {
		if (!ta->t[i].used)
			continue;
		r[n].bucket = ta->t[i].bucket;
		r[n].val = ta->arena.d != NULL ?
		    (const char *)ta->arena.d + ta->t[i].off : "";
		r[n].len = ta->t[i].len;
		r[n].count = ta->t[i].count;
		n++;
	}
	if (n > 0)
		qsort(r, n, sizeof(*r), row_cmp);
	*rows = r;
	*np = n;
	return 0;
}

int
agg_opts_parse(const char *line, size_t len, struct agg_opts *o, char *err,
    size_t errlen)
{
	const char	*pf[] = { "field", NULL };
	const char	*pi[] = { "interval", NULL };
	char		*text, eb[128];
	yajl_val	 root, v;
	int		 r = ERR_FORMAT;

	memset(o, 0, sizeof(*o));
	o->interval_s = 3600;
	if ((text = strndup(line, len)) == NULL)
		return ERR_NOMEM;
	if ((root = yajl_tree_parse(text, eb, sizeof(eb))) == NULL) {
		snprintf(err, errlen, "bad JSON request");
		free(text);
		return ERR_FORMAT;
	}
	if ((v = yajl_tree_get(root, pf, yajl_t_any)) != NULL) {
		if (!YAJL_IS_STRING(v) || strlen(v->u.string) == 0 ||
		    strlen(v->u.string) > KEYS_FIELD_MAX) {
			snprintf(err, errlen, "\"field\" must be a field name");
			goto out;
		}
		snprintf(o->field, sizeof(o->field), "%s", v->u.string);
	}
	if ((v = yajl_tree_get(root, pi, yajl_t_any)) != NULL) {
		if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 1 ||
		    YAJL_GET_INTEGER(v) > 366 * 86400) {
			snprintf(err, errlen, "\"interval\" must be 1..%d "
			    "seconds", 366 * 86400);
			goto out;
		}
		o->interval_s = YAJL_GET_INTEGER(v);
	}
	r = 0;
 out:
	yajl_tree_free(root);
	free(text);
	return r;
}

/* ---------------------------------------------------------------- store */


struct run {
	struct store		*st;
	const struct agg_req	*rq;
	struct agg_stats	*as;
	struct agg_tally	*ta;
	struct buf		 key, blk;
	struct store_iter	*bit;		/* block reads */
	struct cand_plan	 plan;	/* which index keys pick candidates */
	struct cand		*cv;	/* term candidates, sorted */
	size_t			 nc;
	struct stream_meta	 meta;
	uint32_t		 metaid;
	int			 metaok;
	struct placement_cache	 pcache;
	int			 vm;	/* the query or field reads VM fields */
	const char		*field;	/* rq->field, as fname knows it */
	struct record		 ev;
};


/* Candidates in [h0, h1]: the plan's postings ANDed, else the T index. */
static int
candidates(struct run *ru, uint32_t h0, uint32_t h1)
{
	return cand_select(ru->st, &ru->plan, h0, h1, &ru->cv, &ru->nc);
}

static int64_t
bucket_of(const struct run *ru, int64_t ts)
{
	if (ru->rq->kind == AGG_TOP)
		return 0;
	return agg_bucket(ts, ru->rq->interval_us);
}

/* Decode one candidate's events and tally those that match. */
static int
decode_cand(struct run *ru, const struct cand *cd)
{
	const struct agg_req	*rq = ru->rq;
	struct store_blockrd	 rd;
	struct block_ev		 be;
	struct decode_ctx	 dc;
	const char		*v;
	char			 low[KEYS_VALUE_MAX];
	size_t			 vl = 0, k;
	int			 r;

	if (!ru->metaok || ru->metaid != cd->ref.stream) {
		if (store_stream_meta(ru->st, cd->ref.stream, &ru->meta) != 0)
			return 0;
		ru->metaid = cd->ref.stream;
		ru->metaok = 1;
	}
	if (ru->bit == NULL && (ru->bit =
	    cand_plan_scans(&ru->plan) ? store_iter_new_scan(ru->st) :
	    store_iter_new(ru->st)) == NULL)
		return ERR_NOMEM;
	ru->as->blocks++;
	dc.sender = ru->meta.sender;
	dc.type = ru->meta.type;
	dc.path = ru->meta.name;
	store_blockrd_init(&rd, ru->bit, &cd->ref, cd->bm);
	/* a damaged part ends the block: verify reports it */
	while (store_blockrd_next(&rd, &be) == 1) {
		if (be.ts_us < rq->since_us || be.ts_us >= rq->until_us)
			continue;
		if (rq->q != NULL && !query_raw_may_match(rq->q, be.raw,
		    be.rawlen))
			continue;
		dc.recv_us = rd.br.recv_us;
		dc.tzoff = rd.br.tzoff;
		decode_event(&dc, be.raw, be.rawlen, be.read_us, &ru->ev);
		ru->ev.ts_us = be.ts_us;
		ru->ev.flags = be.flags;
		/* VM fields from the placement timeline, as search has them
		 * (only when asked: a bridged netfilter line costs seeks) */
		if (ru->vm)
			placement_enrich(ru->st, &ru->meta, &ru->ev,
			    &ru->pcache);
		ru->as->decoded++;
		if (rq->q != NULL && !query_match(rq->q, &ru->ev))
			continue;
		v = "";
		vl = 0;
		if (ru->field != NULL &&
		    (v = record_get(&ru->ev, ru->field, &vl)) == NULL)
			continue;
		if (vl <= KEYS_VALUE_MAX) {	/* as indexed */
			for (k = 0; k < vl; k++)
				low[k] = (char)tolower((unsigned char)v[k]);
			v = low;
		}
		if ((r = agg_tally_add(ru->ta, bucket_of(ru, be.ts_us), v, vl,
		    1)) != 0)
			return r;
	}
	return 0;
}

static int
decode_hours(struct run *ru, uint32_t h0, uint32_t h1)
{
	size_t	i;
	int	r;

	if (h0 > h1)
		return 0;
	if ((r = candidates(ru, h0, h1)) != 0)
		return r;
	for (i = 0; i < ru->nc; i++)
		if ((r = decode_cand(ru, &ru->cv[i])) != 0)
			return r;
	return 0;
}

/* Index path, no field: T bitmaps or the terms' candidates. */
static int
index_count(struct run *ru, uint32_t h0, uint32_t h1)
{
	size_t	i;
	int	r;

	if ((r = candidates(ru, h0, h1)) != 0)
		return r;
	for (i = 0; i < ru->nc; i++) {
		ru->as->index_keys++;
		if ((r = agg_tally_add(ru->ta, bucket_of(ru,
		    (int64_t)ru->cv[i].hour * HOUR_US), "", 0,
		    agg_popcount(ru->cv[i].bm, BLOCK_BITMAP))) != 0)
			return r;
	}
	return 0;
}

/* popcount of a P bitmap, ANDed with the term candidates when any */
static uint64_t
posting_count(struct run *ru, uint32_t hour, const struct blockref *ref,
    const uint8_t *bm)
{
	const struct cand	*c;
	uint8_t			 and[BLOCK_BITMAP];
	size_t			 j;

	if (ru->plan.npre == 0)
		return agg_popcount(bm, BLOCK_BITMAP);
	if ((c = cand_find(ru->cv, ru->nc, hour, ref)) == NULL)
		return 0;
	for (j = 0; j < BLOCK_BITMAP; j++)
		and[j] = c->bm[j] & bm[j];
	return agg_popcount(and, BLOCK_BITMAP);
}

/*
 * Index path with a field: walk the field's P keys value by value,
 * seeking straight to hour h0 of each value and past it after h1.
 */
static int
index_field(struct run *ru, uint32_t h0, uint32_t h1)
{
	struct store_iter	*it;
	struct blockref		 ref;
	struct buf		 fp;
	struct bufr		 br;
	const uint8_t		*k, *v;
	uint8_t			 bm[BLOCK_BITMAP];
	size_t			 kl, vl, plen;
	uint32_t		 hour;
	uint64_t		 n, group;
	int			 r = 0;

	if (ru->plan.npre > 0 && (r = candidates(ru, h0, h1)) != 0)
		return r;
	if ((it = store_iter_new(ru->st)) == NULL)
		return ERR_NOMEM;
	buf_init(&fp, 0);
	buf_put_u8(&fp, 'P');
	buf_put(&fp, ru->rq->field, strlen(ru->rq->field) + 1);
	store_iter_seek(it, fp.d, fp.len);
	while (store_iter_valid(it)) {
		k = store_iter_key(it, &kl);
		if (kl < fp.len + KEYS_PTAIL + 1 ||
		    memcmp(k, fp.d, fp.len) != 0)
			break;
		plen = kl - KEYS_PTAIL;
		if (keys_decode_ptail(k, kl, plen, &hour, &group) != 0 ||
		    k[plen - 1] != 0) {
			store_iter_next(it);
			continue;
		}
		if (hour < h0 || hour > h1) {
			/* to hour h0 of this value, or past the value */
			buf_reset(&ru->key);
			buf_put(&ru->key, k, plen);
			if (hour < h0)
				buf_put_u32(&ru->key, h0);
			else
				ru->key.d[plen - 1] = 1;
			store_iter_seek(it, ru->key.d, ru->key.len);
			continue;
		}
		v = store_iter_value(it, &vl);
		ru->as->index_keys++;
		n = 0;
		bufr_init(&br, v, vl);
		while (keys_postval_next(&br, &ref, bm) == 1)
			n += posting_count(ru, hour, &ref, bm);
		if (n > 0 && (r = agg_tally_add(ru->ta, bucket_of(ru,
		    (int64_t)hour * HOUR_US), (const char *)k + fp.len,
		    plen - fp.len - 1, n)) != 0)
			break;
		store_iter_next(it);
	}
	buf_clear(&fp);
	store_iter_free(it);
	return r;
}

static int
run_prepare(struct run *ru, int *indexed)
{
	int	r;

	if ((r = cand_plan(&ru->plan, ru->rq->q)) != 0)
		return r;
	/* found by address on every event, without the table's lock */
	ru->field = ru->rq->field != NULL ? fname_canon_known(ru->rq->field) :
	    NULL;
	ru->vm = (ru->rq->field != NULL && (strncmp(ru->rq->field, "vm.", 3) ==
	    0 || strcmp(ru->rq->field, "hypervisor.name") == 0)) ||
	    (ru->rq->q != NULL && (query_uses_field(ru->rq->q, "vm.") ||
	    query_uses_field(ru->rq->q, "hypervisor.")));
	/* the postings alone answer a query of indexed terms only */
	*indexed = agg_query_simple(ru->rq->qtext, strlen(ru->rq->qtext)) &&
	    (ru->rq->field == NULL || cand_field_complete(ru->rq->field)) &&
	    (ru->rq->kind == AGG_TOP || ru->rq->interval_us % HOUR_US == 0) &&
	    ru->plan.complete;
	return 0;
}

static int
emit_row(search_emitfn emit, void *arg, struct buf *b, int kind,
    int64_t bucket, const char *v, size_t vl, int withval, uint64_t n)
{
	struct json j;

	buf_reset(b);
	json_init(&j, b);
	json_obj_open(&j);
	if (kind == AGG_COUNT)
		json_key_time(&j, "time", bucket);
	if (withval)
		json_key_strn(&j, "value", v, vl);
	json_key_int(&j, "count", (int64_t)n);
	json_obj_close(&j);
	if (json_error(&j) != 0)
		return ERR_NOMEM;
	return emit(arg, (const char *)b->d, b->len) != 0 ? ERR_IO : 0;
}

/* count without a field: every bucket from the first to the last */
static int
emit_histogram(struct run *ru, const struct agg_row *rows, size_t n,
    search_emitfn emit, void *arg, struct buf *b)
{
	const struct agg_req	*rq = ru->rq;
	int64_t			 iv = rq->interval_us, first, last, t;
	size_t			 i = 0;
	int			 r;

	if (n == 0 && (rq->since_us == INT64_MIN ||
	    rq->until_us == INT64_MAX))
		return 0;
	first = rq->since_us != INT64_MIN ? agg_bucket(rq->since_us, iv) :
	    rows[0].bucket;
	last = rq->until_us != INT64_MAX ? agg_bucket(rq->until_us - 1, iv) :
	    rows[n - 1].bucket;
	if (last < first || (last - first) / iv >= AGG_BUCKETS_MAX)
		return ERR_TOOBIG;
	for (t = first; t <= last; t += iv) {
		while (i < n && rows[i].bucket < t)
			i++;
		if ((r = emit_row(emit, arg, b, AGG_COUNT, t, NULL, 0, 0,
		    i < n && rows[i].bucket == t ? rows[i].count : 0)) != 0)
			return r;
	}
	return 0;
}

static int
emit_rows(struct run *ru, search_emitfn emit, void *arg)
{
	const struct agg_req	*rq = ru->rq;
	struct agg_row		*rows = NULL;
	struct buf		 b;
	size_t			 n, i, k = 0;
	int			 r;

	if ((r = agg_tally_rows(ru->ta, &rows, &n)) != 0)
		return r;
	for (i = 0; i < n; i++)
		ru->as->total += rows[i].count;
	buf_init(&b, 0);
	if (rq->kind == AGG_COUNT && rq->field == NULL)
		r = emit_histogram(ru, rows, n, emit, arg, &b);
	else
		for (i = 0; r == 0 && i < n; i++) {
			k = i > 0 && rows[i].bucket == rows[i - 1].bucket ?
			    k + 1 : 0;
			if (k >= rq->limit)
				continue;
			r = emit_row(emit, arg, &b, rq->kind, rows[i].bucket,
			    rows[i].val, rows[i].len, 1, rows[i].count);
		}
	buf_clear(&b);
	free(rows);
	return r;
}

int
agg_run(struct store *st, const struct agg_req *rq, search_emitfn emit,
    void *arg, struct agg_stats *as)
{
	struct run	*ru;
	uint32_t	 h0, h1, f0, f1;
	int		 r = ERR_NOMEM, indexed;

	memset(as, 0, sizeof(*as));
	if (rq->kind == AGG_COUNT && rq->interval_us <= 0)
		return ERR_RANGE;
	if ((ru = calloc(1, sizeof(*ru))) == NULL)
		return ERR_NOMEM;
	ru->st = st;
	ru->rq = rq;
	ru->as = as;
	buf_init(&ru->key, 0);
	buf_init(&ru->blk, 0);
	if ((ru->ta = agg_tally_new()) == NULL)
		goto out;
	h0 = rq->since_us == INT64_MIN ? 0 : keys_hour(rq->since_us);
	h1 = rq->until_us == INT64_MAX ? UINT32_MAX :
	    keys_hour(rq->until_us);
	if ((r = run_prepare(ru, &indexed)) != 0)
		goto out;
	if (indexed && agg_full_hours(rq->since_us, rq->until_us, &f0, &f1)) {
		as->indexed = 1;
		as->index_hours = (uint64_t)f1 - f0 + 1;
		r = rq->field != NULL ? index_field(ru, f0, f1) :
		    index_count(ru, f0, f1);
		if (r == 0 && f0 > h0)
			r = decode_hours(ru, h0, f0 - 1);
		if (r == 0 && f1 < h1)
			r = decode_hours(ru, f1 + 1, h1);
	} else
		r = decode_hours(ru, h0, h1);
	if (r == 0)
		r = emit_rows(ru, emit, arg);
 out:
	cand_plan_free(&ru->plan);
	agg_tally_free(ru->ta);
	free(ru->cv);
	buf_clear(&ru->key);
	buf_clear(&ru->blk);
	store_iter_free(ru->bit);
	free(ru);
	return r;
}
