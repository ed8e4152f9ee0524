/*
 * verify.c -- hash chain verification (see verify.h).
 *
 * Each stream's blocks ("B") and links ("H") are walked side by side in
 * sequence order.  A block and its link must agree (hash, event count);
 * each link's prev must be the hash of the link before it, or the hash
 * of a block retention deleted ("X" marks), or, for the first link, all
 * zero (the stream's start).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "err.h"
#include "json.h"
#include "keys.h"
#include "verify.h"

struct walk {
	struct store		*st;
	const struct stream_meta *m;
	verify_emitfn		 fn;
	void			*arg;
	struct verify_stats	*vs;
	uint64_t		 problems, blocks, events;
	uint8_t			 (*marks)[CHAIN_HASH];	/* X hashes */
	size_t			 nmarks;
	int			 have_prev;
	uint8_t			 prev[CHAIN_HASH];
	uint64_t		 prev_end;	/* last seq of the prev link */
	int			 stop;
};

static void
hex(const uint8_t *h, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (int i = 0; i < CHAIN_HASH; i++) {
		out[2 * i] = d[h[i] >> 4];
		out[2 * i + 1] = d[h[i] & 15];
	}
	out[2 * CHAIN_HASH] = '\0';
}

static void
problem(struct walk *w, const char *kind, uint64_t first, uint64_t last,
    const char *detail)
{
	struct buf	b;
	struct json	j;

	w->problems++;
	buf_init(&b, 0);
	json_init(&j, &b);
	json_obj_open(&j);
	json_key_str(&j, "problem", kind);
	json_key_str(&j, "host", w->m->sender);
	json_key_str(&j, "stream", w->m->name);
	json_key_int(&j, "first_seq", (int64_t)first);
	json_key_int(&j, "last_seq", (int64_t)last);
	json_key_str(&j, "detail", detail);
	json_obj_close(&j);
	if (!json_error(&j) && w->fn(w->arg, (const char *)b.d, b.len) != 0)
		w->stop = 1;
	buf_clear(&b);
}

static int
is_mark(const struct walk *w, const uint8_t *h)
{
	static const uint8_t zero[CHAIN_HASH];

	if (memcmp(h, zero, CHAIN_HASH) == 0)
		return 1;
	for (size_t i = 0; i < w->nmarks; i++)
		if (memcmp(w->marks[i], h, CHAIN_HASH) == 0)
			return 1;
	return 0;
}

/* The link of block first..: does it continue the chain? */
static void
link_check(struct walk *w, uint64_t first, const struct chain_link *l)
{
	char d[160];

	if (w->have_prev && memcmp(l->prev, w->prev, CHAIN_HASH) != 0 &&
	    !is_mark(w, l->prev)) {
		if (first > w->prev_end + 1) {
			snprintf(d, sizeof(d), "the blocks holding "
			    "sequences %llu-%llu are gone (chain broken)",
			    (unsigned long long)w->prev_end + 1,
			    (unsigned long long)first - 1);
			problem(w, "deleted", w->prev_end + 1, first - 1, d);
		} else
			problem(w, "modified", first, first + l->count - 1,
			    "the link does not continue the chain");
	} else if (!w->have_prev && !is_mark(w, l->prev))
		problem(w, "deleted", 0, first - 1, "the blocks before this "
		    "one are gone (not by retention)");
	memcpy(w->prev, l->hash, CHAIN_HASH);
	w->have_prev = 1;
	w->prev_end = first + (l->count ? l->count : 1) - 1;
}

static int
load_marks(struct walk *w, uint32_t stream)
{
	struct store_iter	*it;
	struct blockref		 ref = { stream, 0 };
	struct buf		 k;
	const uint8_t		*kk, *vv;
	size_t			 kl, vl;
	void			*n;

	if ((it = store_iter_new(w->st)) == NULL)
		return ERR_NOMEM;
	buf_init(&k, 0);
	keys_chain(&k, 'X', &ref);
	for (store_iter_seek(it, k.d, 5); store_iter_valid(it);
	    store_iter_next(it)) {
		kk = store_iter_key(it, &kl);
		vv = store_iter_value(it, &vl);
		if (kl != 1 + KEYS_BLOCKREF || memcmp(kk, k.d, 5) != 0)
			break;
		if (vl != CHAIN_HASH)
			continue;
		if ((n = reallocarray(w->marks, w->nmarks + 1,
		    CHAIN_HASH)) == NULL)
			break;
		w->marks = n;
		memcpy(w->marks[w->nmarks++], vv, CHAIN_HASH);
	}
	buf_clear(&k);
	store_iter_free(it);
	return 0;
}

/* key of kind at the iterator, for this stream: its first_seq */
static int
at(struct store_iter *it, char kind, uint32_t stream, uint64_t *seq)
{
	const uint8_t	*k;
	size_t		 kl;

	if (!store_iter_valid(it))
		return 0;
	k = store_iter_key(it, &kl);
	if (kl != 1 + KEYS_BLOCKREF || k[0] != (uint8_t)kind ||
	    be32_get(k + 1) != stream)
		return 0;
	*seq = be64_get(k + 5);
	return 1;
}

/*
 * Events that decode from a block's parts (concatenated), part by part:
 * a part missing in the middle costs its own events only.
 */
static uint32_t
block_events(const uint8_t *bv, size_t bl)
{
	struct block_reader	br;
	struct block_ev		be;
	size_t			off = 0;
	uint32_t		n = 0, total = 0;

	while (off < bl) {
		if (block_open(&br, bv + off, bl - off) != 0 ||
		    (total != 0 && br.count != total))
			break;
		total = br.count;
		while (br.index < br.end && block_next(&br, &be) == 1)
			n++;
		if (br.index < br.end)
			break;
		off = bl - br.rd.left;
	}
	return n;
}

static void
both(struct walk *w, const struct blockref *ref, const uint8_t *bv,
    size_t bl, const struct chain_link *l)
{
	uint8_t			h[CHAIN_HASH];
	char			d[160];
	uint32_t		n;

	n = block_events(bv, bl);
	w->events += n;
	if (keys_chain_hash(l->prev, ref, bv, bl, h) != 0)
		return;
	if (n < l->count) {
		snprintf(d, sizeof(d), "%u of its %u events are missing",
		    l->count - n, l->count);
		problem(w, "truncated", ref->first_seq, ref->first_seq +
		    l->count - 1, d);
	} else if (memcmp(h, l->hash, CHAIN_HASH) != 0)
		problem(w, "modified", ref->first_seq, ref->first_seq +
		    l->count - 1, "the block's content does not match its "
		    "hash");
}

static int
walk_stream(struct walk *w, uint32_t stream)
{
	struct store_iter	*ib, *ih;
	struct blockref		 ref = { stream, 0 };
	struct chain_link	 l;
	struct buf		 k;
	const uint8_t		*v;
	size_t			 vl;
	uint64_t		 bs, hs;
	uint32_t		 n;
	int			 hb, hh;
	char			 d[160];
	struct buf		 blk;

	if ((ib = store_iter_new(w->st)) == NULL ||
	    (ih = store_iter_new(w->st)) == NULL) {
		store_iter_free(ib);
		return ERR_NOMEM;
	}
	buf_init(&k, 0);
	buf_init(&blk, 0);
	keys_block(&k, &ref);
	store_iter_seek(ib, k.d, k.len);
	keys_chain(&k, 'H', &ref);
	store_iter_seek(ih, k.d, k.len);
	while (!w->stop) {
		hb = at(ib, 'B', stream, &bs);
		hh = at(ih, 'H', stream, &hs);
		if (!hb && !hh)
			break;
		ref.first_seq = hb && (!hh || bs <= hs) ? bs : hs;
		if (hh && (!hb || hs <= bs)) {
			v = store_iter_value(ih, &vl);
			if (keys_link_decode(v, vl, &l) != 0) {
				problem(w, "modified", hs, hs, "the chain "
				    "link is damaged");
				store_iter_next(ih);
				if (hb && bs == hs)
					store_iter_next(ib);
				continue;
			}
		}
		if (hb && hh && bs == hs) {
			store_iter_block_all(ib, &ref, &blk);
			both(w, &ref, blk.d, blk.len, &l);
			link_check(w, hs, &l);
			w->blocks++;
			store_iter_next(ih);
		} else if (hh && (!hb || hs < bs)) {
			snprintf(d, sizeof(d), "the block of %u events is "
			    "gone, its link remains", l.count);
			problem(w, "deleted", hs, hs + l.count - 1, d);
			link_check(w, hs, &l);
			store_iter_next(ih);
		} else {
			store_iter_block_all(ib, &ref, &blk);
			if ((n = block_events(blk.d, blk.len)) == 0)
				n = 1;
			w->events += n;
			w->blocks++;
			problem(w, "inserted", bs, bs + n - 1, "a "
			    "block without a chain link");
		}
	}
	buf_clear(&k);
	buf_clear(&blk);
	store_iter_free(ib);
	store_iter_free(ih);
	return 0;
}

static void
summary(struct walk *w)
{
	struct buf	b;
	struct json	j;
	char		h[2 * CHAIN_HASH + 1];

	buf_init(&b, 0);
	json_init(&j, &b);
	json_obj_open(&j);
	json_key(&j, "_stream");
	json_obj_open(&j);
	json_key_str(&j, "host", w->m->sender);
	json_key_str(&j, "stream", w->m->name);
	json_key_int(&j, "blocks", (int64_t)w->blocks);
	json_key_int(&j, "events", (int64_t)w->events);
	json_key_int(&j, "problems", (int64_t)w->problems);
	if (w->have_prev) {
		hex(w->prev, h);
		json_key_str(&j, "head", h);
	}
	json_obj_close(&j);
	json_obj_close(&j);
	if (!json_error(&j) && w->fn(w->arg, (const char *)b.d, b.len) != 0)
		w->stop = 1;
	buf_clear(&b);
}

int
verify_run(struct store *st, const char *host, verify_emitfn fn, void *arg,
    struct verify_stats *vs)
{
	struct stream_meta	m;
	struct walk		w;
	uint32_t		id, n = store_stream_count(st);
	int			r = 0;

	memset(vs, 0, sizeof(*vs));
	for (id = 0; id < n && r == 0; id++) {
		if (store_stream_meta(st, id, &m) != 0 ||
		    (host != NULL && strcmp(m.sender, host) != 0))
			continue;
		memset(&w, 0, sizeof(w));
		w.st = st;
		w.m = &m;
		w.fn = fn;
		w.arg = arg;
		w.vs = vs;
		if ((r = load_marks(&w, id)) == 0 &&
		    (r = walk_stream(&w, id)) == 0 && !w.stop)
			summary(&w);
		free(w.marks);
		vs->streams++;
		vs->blocks += w.blocks;
		vs->events += w.events;
		vs->problems += w.problems;
		if (w.stop)
			break;
	}
	return r;
}
