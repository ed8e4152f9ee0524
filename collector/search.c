/*
 * search.c -- query execution (see search.h).  Reads through store.c
 * iterators; decodes blocks with block.c and events with decode.c.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "cand.h"
#include "decode.h"
#include "err.h"
#include "json.h"
#include "keys.h"
#include "placement.h"
#include "search.h"

#define META_CACHE	64


struct hit {
	int64_t		ts;
	uint32_t	stream;
	uint64_t	seq;
	size_t		off, len;
};

struct ctx {
	struct store		*st;
	struct stream_meta	 meta[META_CACHE];
	uint32_t		 metaid[META_CACHE];
	int			 metaok[META_CACHE];
	struct buf		 blk, key, line;
	struct store_iter	*bit;		/* block reads */
	int			 scan;		/* every block of the range */
	struct placement_cache	 pcache;
	struct record		 ev;
};

static const struct stream_meta *
meta_get(struct ctx *c, uint32_t id)
{
	int i = id % META_CACHE;

	if (c->metaok[i] && c->metaid[i] == id)
		return &c->meta[i];
	if (store_stream_meta(c->st, id, &c->meta[i]) != 0)
		return NULL;
	c->metaid[i] = id;
	c->metaok[i] = 1;
	return &c->meta[i];
}

static const char *const flagnames[] = {
	"malformed", "truncated", "no_time", "gap", "bad_utf8"
};

int
search_render(struct buf *out, const struct record *ev,
    const struct stream_meta *m, uint64_t seq)
{
	struct json	j;
	int		i;

	json_init(&j, out);
	json_obj_open(&j);
	json_key_time(&j, "@timestamp", ev->ts_us);
	for (i = 0; i < ev->nfields; i++)
		json_key_strn(&j, ev->f[i].name, ev->f[i].val, ev->f[i].len);
	json_key_time(&j, "event.created", ev->read_us);
	json_key_time(&j, "event.ingested", ev->recv_us);
	json_key_int(&j, "event.sequence", (int64_t)seq);
	if (m != NULL)
		json_key_str(&j, "agent.id", m->instance);
	if (ev->flags) {
		json_key(&j, "vigil.flags");
		json_arr_open(&j);
		for (i = 0; i < 5; i++)
			if (ev->flags & (1u << i))
				json_str(&j, flagnames[i],
				    strlen(flagnames[i]));
		json_arr_close(&j);
	}
	json_key_strn(&j, "event.original", ev->raw, ev->rawlen);
	json_obj_close(&j);
	return json_error(&j);
}

/*
 * Decode the events of one block that the bitmap names (all when bm is
 * NULL) and call fn for each event that matches q and the time range.
 */
typedef int (*visitfn)(void *arg, struct ctx *, const struct record *,
    const struct stream_meta *, uint64_t seq);

static int
visit_block(struct ctx *c, const struct blockref *ref, const uint8_t *bm,
    const struct query *q, int64_t since, int64_t until, visitfn fn,
    void *arg, uint64_t *decoded)
{
	const struct stream_meta	*m;
	struct store_blockrd		 rd;
	struct block_ev			 be;
	struct decode_ctx		 dc;
	int				 r;

	if ((m = meta_get(c, ref->stream)) == NULL)
		return 0;
	if (c->bit == NULL && (c->bit = c->scan ?
	    store_iter_new_scan(c->st) : store_iter_new(c->st)) == NULL)
		return ERR_NOMEM;
	dc.sender = m->sender;
	dc.type = m->type;
	dc.path = m->name;
	store_blockrd_init(&rd, c->bit, ref, bm);
	/* a damaged part ends the block: verify reports it */
	while (store_blockrd_next(&rd, &be) == 1) {
		if (be.ts_us < since || be.ts_us >= until)
			continue;
		/* words and phrases first, on the raw line: most events of a
		 * word query need no decoding */
		if (q != NULL && !query_raw_may_match(q, be.raw, be.rawlen))
			continue;
		dc.recv_us = rd.br.recv_us;
		dc.tzoff = rd.br.tzoff;
		decode_event(&dc, be.raw, be.rawlen, be.read_us, &c->ev);
		c->ev.ts_us = be.ts_us;
		c->ev.flags = be.flags;
		/* VM fields from the placement timeline as it is now */
		placement_enrich(c->st, m, &c->ev, &c->pcache);
		(*decoded)++;
		if (q != NULL && !query_match(q, &c->ev))
			continue;
		if ((r = fn(arg, c, &c->ev, m, ref->first_seq + be.index)) !=
		    0)
			return r;
	}
	return 0;
}

struct runarg {
	struct buf	 lines;
	struct hit	*hits;
	size_t		 nhits, cap;
};

static int
run_visit(void *arg, struct ctx *c, const struct record *ev,
    const struct stream_meta *m, uint64_t seq)
{
	struct runarg	*ra = arg;
	struct hit	*nh;
	size_t		 off = ra->lines.len;
	int		 r;

	(void)c;
	if ((r = search_render(&ra->lines, ev, m, seq)) != 0)
		return r;
	if (ra->nhits == ra->cap) {
		ra->cap = ra->cap ? ra->cap * 2 : 256;
		if ((nh = reallocarray(ra->hits, ra->cap, sizeof(*nh))) ==
		    NULL)
			return ERR_NOMEM;
		ra->hits = nh;
	}
	nh = &ra->hits[ra->nhits++];
	nh->ts = ev->ts_us;
	nh->stream = 0;
	nh->seq = seq;
	nh->off = off;
	nh->len = ra->lines.len - off;
	return 0;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}


static struct ctx *
ctx_new(struct store *st)
{
	struct ctx *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->st = st;
	buf_init(&c->blk, 0);
	buf_init(&c->key, 0);
	buf_init(&c->line, 0);
	return c;
}

static void
ctx_free(struct ctx *c)
{
	if (c == NULL)
		return;
	store_iter_free(c->bit);
	buf_clear(&c->blk);
	buf_clear(&c->key);
	buf_clear(&c->line);
	free(c);
}

int
search_run(struct store *st, const struct search_req *req,
    search_emitfn emit, void *arg, struct search_stats *ss)
{
	struct ctx	*c = NULL;
	struct cand	*cv = NULL;
	size_t		 nc = 0, i, idx, first;
	struct cand_plan plan;
	int		 r = ERR_NOMEM;
	uint32_t	 h0, h1, hour;
	struct runarg	 ra;
	size_t		 limit = req->limit ? req->limit : 100;

	memset(&ra, 0, sizeof(ra));
	memset(&plan, 0, sizeof(plan));
	memset(ss, 0, sizeof(*ss));
	/* every hit of the hours searched, rendered; the newest limit
	 * are sent (SEARCH_LIMIT_MAX x a few KiB at the most) */
	buf_init(&ra.lines, SEARCH_LINES_MAX);
	if ((c = ctx_new(st)) == NULL)
		goto out;
	h0 = req->since_us == INT64_MIN ? 0 : keys_hour(req->since_us);
	h1 = req->until_us == INT64_MAX ? UINT32_MAX :
	    keys_hour(req->until_us);
	if ((r = cand_plan(&plan, req->q)) != 0 ||
	    (r = cand_select(c->st, &plan, h0, h1, &cv, &nc)) != 0)
		goto out;
	c->scan = cand_plan_scans(&plan);
	ss->candidates = nc;
	/* newest hour first; stop after the hour in which limit is met */
	idx = nc;
	while (idx > 0) {
		hour = cv[idx - 1].hour;
		for (first = idx; first > 0 && cv[first - 1].hour == hour;
		    first--)
			;
		for (i = first; i < idx; i++)
			if ((r = visit_block(c, &cv[i].ref, cv[i].bm, req->q,
			    req->since_us, req->until_us, run_visit, &ra,
			    &ss->decoded)) != 0)
				goto out;
		idx = first;
		if (ra.nhits >= limit)
			break;
	}
	if (ra.nhits > 0)
		qsort(ra.hits, ra.nhits, sizeof(*ra.hits), hit_cmp);
	ss->matched = ra.nhits;
	i = ra.nhits > limit ? ra.nhits - limit : 0;
	for (; i < ra.nhits; i++)
		if (emit(arg, (const char *)ra.lines.d + ra.hits[i].off,
		    ra.hits[i].len) != 0)
			break;
	r = 0;
 out:
	cand_plan_free(&plan);
	free(cv);
	free(ra.hits);
	buf_clear(&ra.lines);
	ctx_free(c);
	return r;
}

static int
event_visit(void *arg, struct ctx *c, const struct record *ev,
    const struct stream_meta *m, uint64_t seq)
{
	(void)c;
	return search_render(arg, ev, m, seq);
}

int
search_event(struct store *st, uint32_t stream, uint64_t seq,
    struct buf *out)
{
	struct ctx		*c;
	struct store_iter	*it = NULL;
	struct blockref		 ref;
	size_t			 len0 = out->len;
	uint64_t		 decoded = 0;
	uint8_t			 bm[BLOCK_BITMAP];
	int			 r = ERR_NOMEM;

	if ((c = ctx_new(st)) == NULL || (it = store_iter_new(st)) == NULL)
		goto out;
	if ((r = store_block_find(it, stream, seq, &ref)) != 0)
		goto out;
	memset(bm, 0, sizeof(bm));
	bitmap_set(bm, (unsigned)(seq - ref.first_seq));
	if ((r = visit_block(c, &ref, bm, NULL, INT64_MIN, INT64_MAX,
	    event_visit, out, &decoded)) != 0)
		goto out;
	r = out->len > len0 ? 0 : ERR_NOTFOUND;
 out:
	store_iter_free(it);
	ctx_free(c);
	return r;
}

struct followarg {
	search_emitfn	 emit;
	void		*arg;
};

static int
follow_visit(void *arg, struct ctx *c, const struct record *ev,
    const struct stream_meta *m, uint64_t seq)
{
	struct followarg	*fa = arg;
	int			 r;

	buf_reset(&c->line);
	if ((r = search_render(&c->line, ev, m, seq)) != 0)
		return r;
	return fa->emit(fa->arg, (const char *)c->line.d, c->line.len);
}

int
search_follow(struct store *st, const struct query *q, uint64_t *commit,
    search_emitfn emit, void *arg)
{
	struct ctx		*c;
	struct store_iter	*it;
	struct followarg	 fa = { emit, arg };
	struct blockref		 ref;
	const uint8_t		*k, *v;
	size_t			 kl, vl;
	uint64_t		 n, decoded = 0, last;
	int			 r = 0;

	last = store_last_commit(st);
	if (last <= *commit)
		return 0;
	if ((c = ctx_new(st)) == NULL)
		return ERR_NOMEM;
	if ((it = store_iter_new(st)) == NULL) {
		ctx_free(c);
		return ERR_NOMEM;
	}
	keys_ingest(&c->key, *commit + 1);
	for (store_iter_seek(it, c->key.d, c->key.len); store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (keys_decode_ingest(k, kl, &n) != 0 || n > last)
			break;
		v = store_iter_value(it, &vl);
		*commit = n;
		if (vl != KEYS_BLOCKREF)
			continue;
		ref.stream = be32_get(v);
		ref.first_seq = be64_get(v + 4);
		if ((r = visit_block(c, &ref, NULL, q, INT64_MIN, INT64_MAX,
		    follow_visit, &fa, &decoded)) != 0)
			break;
	}
	store_iter_free(it);
	ctx_free(c);
	return r;
}
