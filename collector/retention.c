/*
 * retention.c -- age and size retention (see retention.h).  Uses only the
 * public store API: iterators to find keys, store_del batches to delete
 * them, store_compact to give the space back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agg.h"
#include "block.h"
#include "err.h"
#include "log.h"
#include "retention.h"
#include "store.h"

struct retention {
	struct store		*st;
	struct retention_cfg	 cfg;
	pthread_t		 t;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
	int			 started, stop;
};

uint32_t
retention_age_cutoff(int64_t now_us, int64_t age_s)
{
	int64_t edge;

	if (age_s <= 0)
		return 0;
	edge = now_us - age_s * 1000000;
	if (edge <= 0)
		return 0;
	/* hours < cutoff end at or before the edge */
	return keys_hour(edge);
}

uint32_t
retention_size_cutoff(const struct retention_hour *h, size_t n,
    uint64_t disk, uint64_t limit)
{
	uint64_t	total = 0, keep;
	double		per;
	size_t		i;

	if (limit == 0 || disk <= limit || n < 2)
		return 0;
	for (i = 0; i < n; i++)
		total += h[i].events;
	if (total == 0)
		return 0;
	per = (double)disk / (double)total;
	keep = total;
	for (i = 0; i + 1 < n; i++) {
		if ((double)keep * per <= (double)limit)
			break;
		keep -= h[i].events;
	}
	return i == 0 ? 0 : h[i].hour;
}

static int
ref_cmp(const void *a, const void *b)
{
	const struct blockref *x = a, *y = b;

	if (x->stream != y->stream)
		return x->stream < y->stream ? -1 : 1;
	if (x->first_seq != y->first_seq)
		return x->first_seq < y->first_seq ? -1 : 1;
	return 0;
}

size_t
retention_refs_sort(struct blockref *r, size_t n)
{
	size_t i, o;

	if (n == 0)
		return 0;
	qsort(r, n, sizeof(*r), ref_cmp);
	for (i = 1, o = 1; i < n; i++)
		if (ref_cmp(&r[o - 1], &r[i]) != 0)
			r[o++] = r[i];
	return o;
}

long
retention_refs_find(const struct blockref *r, size_t n,
    const struct blockref *k)
{
	const struct blockref *p;

	if (n == 0)
		return -1;
	p = bsearch(k, r, n, sizeof(*r), ref_cmp);
	return p == NULL ? -1 : (long)(p - r);
}

/* A deletion batch that commits itself every RETENTION_BATCH keys. */
struct delq {
	struct store_del	*d;
	int			 r;
};

/* Commit the batch once it is big enough. */
static void
delq_more(struct delq *q)
{
	char err[256];

	if (store_del_count(q->d) >= RETENTION_BATCH &&
	    (q->r = store_del_commit(q->d, err, sizeof(err))) != 0)
		log_warnx("retention: delete: %s", err);
}

static void
delq_key(struct delq *q, const void *k, size_t len)
{
	if (q->r != 0)
		return;
	store_del_key(q->d, k, len);
	delq_more(q);
}

static void
delq_put(struct delq *q, const void *k, size_t klen, const void *v,
    size_t vlen)
{
	if (q->r != 0)
		return;
	store_del_put(q->d, k, klen, v, vlen);
	delq_more(q);
}

static int
delq_flush(struct delq *q)
{
	char err[256];

	if (q->r == 0 && store_del_count(q->d) > 0 &&
	    (q->r = store_del_commit(q->d, err, sizeof(err))) != 0)
		log_warnx("retention: delete: %s", err);
	return q->r;
}

/* Events per hour from the T index. */
static int
hour_counts(struct store *st, struct retention_hour **hp, size_t *np)
{
	struct store_iter	*it;
	struct retention_hour	*h = NULL, *nh;
	struct blockref		 ref;
	const uint8_t		*k, *v;
	size_t			 kl, vl, n = 0, cap = 0;
	uint32_t		 hour;

	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	for (store_iter_seek(it, "T", 1); store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl < 1 || k[0] != 'T')
			break;
		if (keys_decode_tail(k, kl, 1, &hour, &ref) != 0)
			continue;
		v = store_iter_value(it, &vl);
		if (n == 0 || h[n - 1].hour != hour) {
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				if ((nh = reallocarray(h, cap,
				    sizeof(*h))) == NULL) {
					free(h);
					store_iter_free(it);
					return ERR_NOMEM;
				}
				h = nh;
			}
			h[n].hour = hour;
			h[n++].events = 0;
		}
		if (vl == BLOCK_BITMAP)
			h[n - 1].events += agg_popcount(v, vl);
	}
	store_iter_free(it);
	*hp = h;
	*np = n;
	return 0;
}

/* Delete T keys below cutoff, collecting their blocks into *refs. */
static int
sweep_time(struct store *st, struct delq *q, uint32_t cutoff,
    struct blockref **refs, size_t *nrefs, struct retention_stats *rs)
{
	struct store_iter	*it;
	struct blockref		 ref, *nv, *v = NULL;
	const uint8_t		*k;
	size_t			 kl, n = 0, cap = 0;
	uint32_t		 hour;
	int			 r = 0;

	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	for (store_iter_seek(it, "T", 1); store_iter_valid(it) && q->r == 0;
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl < 1 || k[0] != 'T')
			break;
		if (keys_decode_tail(k, kl, 1, &hour, &ref) != 0)
			continue;
		if (hour >= cutoff)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				r = ERR_NOMEM;
				break;
			}
			v = nv;
		}
		v[n++] = ref;
		delq_key(q, k, kl);
		rs->tkeys++;
	}
	store_iter_free(it);
	*refs = v;
	*nrefs = retention_refs_sort(v, n);
	return r != 0 ? r : q->r;
}

/* Mark (keep[i] = 1) the refs that still have T entries >= cutoff. */
static int
mark_kept(struct store *st, uint32_t cutoff, const struct blockref *refs,
    size_t n, uint8_t *keep)
{
	struct store_iter	*it;
	struct blockref		 ref, zero = { 0, 0 };
	struct buf		 key;
	const uint8_t		*k;
	size_t			 kl;
	uint32_t		 hour;
	long			 i;

	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	buf_init(&key, 0);
	keys_time(&key, cutoff, &zero);
	for (store_iter_seek(it, key.d, key.len); store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl < 1 || k[0] != 'T')
			break;
		if (keys_decode_tail(k, kl, 1, &hour, &ref) != 0)
			continue;
		if ((i = retention_refs_find(refs, n, &ref)) >= 0)
			keep[i] = 1;
	}
	buf_clear(&key);
	store_iter_free(it);
	return 0;
}

/* Delete the blocks not kept and their R entries; compact those ranges. */
static int
sweep_blocks(struct store *st, struct delq *q, const struct blockref *refs,
    size_t n, const uint8_t *keep, struct retention_stats *rs)
{
	struct store_iter	*it;
	struct blockref		 ref, end, pref;
	struct buf		 key, lim;
	uint32_t		 np, p;
	const uint8_t		*k, *v;
	size_t			 kl, vl, i, j, nst;
	uint64_t		 last = 0;
	long			 x;
	struct chain_link	 link;

	buf_init(&key, 0);
	buf_init(&lim, 0);
	for (i = 0; i < n && q->r == 0; i++) {
		if (keep[i]) {
			rs->kept++;
			continue;
		}
		/* its parts: first_seq + each part's first index */
		np = store_block_parts(st, &refs[i]);
		for (p = 0; p < np; p++) {
			pref = refs[i];
			pref.first_seq += (uint64_t)p * BLOCK_PART_EVENTS;
			keys_block(&key, &pref);
			delq_key(q, key.d, key.len);
		}
		rs->blocks++;
		/* its chain link goes; a mark keeps its hash for verify */
		keys_chain(&key, 'H', &refs[i]);
		if (store_get(st, key.d, key.len, &lim) == 0 &&
		    keys_link_decode(lim.d, lim.len, &link) == 0) {
			delq_key(q, key.d, key.len);
			keys_chain(&key, 'X', &refs[i]);
			delq_put(q, key.d, key.len, link.hash, CHAIN_HASH);
		}
	}
	if ((it = store_iter_new(st)) == NULL) {
		buf_clear(&key);
		return ERR_NOMEM;
	}
	/* R is in ingest order; the blocks may be anywhere in it */
	for (store_iter_seek(it, "R", 1); store_iter_valid(it) && q->r == 0;
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl < 1 || k[0] != 'R')
			break;
		v = store_iter_value(it, &vl);
		if (vl != KEYS_BLOCKREF)
			continue;
		ref.stream = be32_get(v);
		ref.first_seq = be64_get(v + 4);
		if ((x = retention_refs_find(refs, n, &ref)) < 0 || keep[x])
			continue;
		delq_key(q, k, kl);
		keys_decode_ingest(k, kl, &last);
		rs->rkeys++;
	}
	store_iter_free(it);
	if (delq_flush(q) == 0 && n > 0) {
		/*
		 * Each stream's deleted blocks: one range (each call flushes
		 * the memtable, so with many streams one range over all).
		 */
		for (i = 0, nst = 0; i < n; i = j, nst++)
			for (j = i; j < n && refs[j].stream == refs[i].stream;
			    j++)
				;
		for (i = 0; i < n; i = j) {
			for (j = i; j < n && refs[j].stream == refs[i].stream &&
			    nst <= RETENTION_RANGES; j++)
				;
			if (nst > RETENTION_RANGES)
				j = n;
			end = refs[j - 1];
			end.first_seq += BLOCK_MAX_EVENTS;	/* its parts */
			keys_block(&key, &refs[i]);
			keys_block(&lim, &end);
			store_compact(st, key.d, key.len, lim.d, lim.len);
		}
		if (last > 0) {
			keys_ingest(&lim, last + 1);
			store_compact(st, "R", 1, lim.d, lim.len);
		}
	}
	buf_clear(&key);
	buf_clear(&lim);
	return q->r;
}

/*
 * Delete every P key below cutoff: for each field/value, seek to its
 * first key, delete while the hour is below cutoff, then jump past the
 * field/value (its prefix with the final NUL raised to 1).
 */
static int
sweep_postings(struct store *st, struct delq *q, uint32_t cutoff,
    int compact, struct retention_stats *rs)
{
	struct store_iter	*it;
	struct buf		 next;
	const uint8_t		*k;
	size_t			 kl, plen;
	uint32_t		 hour;
	uint64_t		 group;
	int			 r = 0;

	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	buf_init(&next, 0);
	store_iter_seek(it, "P", 1);
	while (store_iter_valid(it) && q->r == 0) {
		k = store_iter_key(it, &kl);
		if (kl < 1 || k[0] != 'P')
			break;
		if (kl < 1 + KEYS_PTAIL + 2) {
			store_iter_next(it);
			continue;
		}
		plen = kl - KEYS_PTAIL;
		if (keys_decode_ptail(k, kl, plen, &hour, &group) == 0 &&
		    hour < cutoff) {
			delq_key(q, k, kl);
			rs->pkeys++;
			store_iter_next(it);
			continue;
		}
		if (k[plen - 1] == 0xff) {	/* not ours: no NUL */
			store_iter_next(it);
			continue;
		}
		buf_reset(&next);
		if ((r = buf_put(&next, k, plen)) != 0)
			break;
		next.d[plen - 1]++;
		store_iter_seek(it, next.d, next.len);
	}
	store_iter_free(it);
	buf_clear(&next);
	if (r == 0 && delq_flush(q) == 0 && rs->pkeys > 0 && compact)
		store_compact(st, "P", 1, "Q", 1);
	return r != 0 ? r : q->r;
}

int
retention_run(struct store *st, const struct retention_cfg *cfg,
    int64_t now_us, struct retention_stats *rs)
{
	struct retention_hour	*hours = NULL;
	struct blockref		*refs = NULL, zero = { 0, 0 };
	struct delq		 q = { NULL, 0 };
	struct buf		 lim;
	uint8_t			*keep = NULL;
	size_t			 nh = 0, nrefs = 0, i;
	uint32_t		 cut, scut = 0;
	int			 r;

	memset(rs, 0, sizeof(*rs));
	buf_init(&lim, 0);
	if ((r = hour_counts(st, &hours, &nh)) != 0)
		goto out;
	cut = retention_age_cutoff(now_us, cfg->age_s);
	if (cfg->size > 0) {
		scut = retention_size_cutoff(hours, nh, store_disk_bytes(st),
		    cfg->size);
		if (scut > cut)
			cut = scut;
	}
	for (i = 0; i < nh && hours[i].hour < cut; i++)
		rs->hours++;
	rs->cutoff = cut;
	if (cut == 0 || rs->hours == 0)
		goto out;
	r = ERR_NOMEM;
	if ((q.d = store_del_new(st)) == NULL)
		goto out;
	if ((r = sweep_time(st, &q, cut, &refs, &nrefs, rs)) != 0 ||
	    (r = delq_flush(&q)) != 0)
		goto out;
	if (nrefs > 0 && (keep = calloc(nrefs, 1)) == NULL) {
		r = ERR_NOMEM;
		goto out;
	}
	if ((r = mark_kept(st, cut, refs, nrefs, keep)) != 0 ||
	    (r = sweep_blocks(st, &q, refs, nrefs, keep, rs)) != 0 ||
	    (r = sweep_postings(st, &q, cut, scut > 0, rs)) != 0)
		goto out;
	if (rs->tkeys > 0) {
		keys_time(&lim, cut, &zero);
		store_compact(st, "T", 1, lim.d, lim.len);
	}
	r = 0;
 out:
	store_del_free(q.d);
	buf_clear(&lim);
	free(keep);
	free(refs);
	free(hours);
	return r;
}

static void *
retention_main(void *arg)
{
	struct retention	*rt = arg;
	struct retention_stats	 rs;
	struct timespec		 ts;
	int			 stop;

	pthread_setname_np(pthread_self(), "vigil-retention");

	for (;;) {
		pthread_mutex_lock(&rt->mtx);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += rt->cfg.interval_s;
		while (!rt->stop && pthread_cond_timedwait(&rt->cv, &rt->mtx,
		    &ts) != ETIMEDOUT)
			;
		stop = rt->stop;
		pthread_mutex_unlock(&rt->mtx);
		if (stop)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		if (retention_run(rt->st, &rt->cfg, (int64_t)ts.tv_sec *
		    1000000 + ts.tv_nsec / 1000, &rs) != 0) {
			log_warnx("retention: round failed; retrying in %ds",
			    rt->cfg.interval_s);
			continue;
		}
		if (rs.hours > 0 || rs.pkeys > 0)
			log_info("retention: deleted %llu hours before hour "
			    "%u: %llu blocks (%llu kept), %llu time, %llu "
			    "ingest, %llu posting keys",
			    (unsigned long long)rs.hours, rs.cutoff,
			    (unsigned long long)rs.blocks,
			    (unsigned long long)rs.kept,
			    (unsigned long long)rs.tkeys,
			    (unsigned long long)rs.rkeys,
			    (unsigned long long)rs.pkeys);
	}
	return NULL;
}

struct retention *
retention_new(struct store *st, const struct retention_cfg *cfg)
{
	struct retention *rt;

	if (cfg->age_s <= 0 && cfg->size == 0)
		return NULL;
	if ((rt = calloc(1, sizeof(*rt))) == NULL)
		return NULL;
	rt->st = st;
	rt->cfg = *cfg;
	if (rt->cfg.interval_s < 1)
		rt->cfg.interval_s = 60;
	pthread_mutex_init(&rt->mtx, NULL);
	pthread_cond_init(&rt->cv, NULL);
	return rt;
}

int
retention_start(struct retention *rt)
{
	if (rt == NULL)
		return 0;
	if (pthread_create(&rt->t, NULL, retention_main, rt) != 0)
		return ERR_INTERNAL;
	rt->started = 1;
	return 0;
}

void
retention_free(struct retention *rt)
{
	if (rt == NULL)
		return;
	pthread_mutex_lock(&rt->mtx);
	rt->stop = 1;
	pthread_cond_signal(&rt->cv);
	pthread_mutex_unlock(&rt->mtx);
	if (rt->started)
		pthread_join(rt->t, NULL);
	pthread_cond_destroy(&rt->cv);
	pthread_mutex_destroy(&rt->mtx);
	free(rt);
}
