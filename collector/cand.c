/*
 * cand.c -- candidate blocks from postings and the time index (see
 * cand.h).  Reads the store through its iterators only.
 */
#include <stdlib.h>
#include <string.h>

#include "cand.h"
#include "err.h"

/* Collect candidates for one posting prefix (or the T index). */
int
cand_collect(struct store *st, const uint8_t *prefix, size_t plen,
    uint32_t h0, uint32_t h1, struct cand **cv, size_t *nc)
{
	struct store_iter	*it;
	const uint8_t		*k, *v;
	size_t			 kl, vl, cap = *nc;
	struct cand		*nv, cd;
	struct buf		 key;
	int			 r = 0;

	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	buf_init(&key, 0);
	buf_reset(&key);
	if ((r = buf_put(&key, prefix, plen)) != 0 ||
	    (r = buf_put_u32(&key, h0)) != 0)
		goto out;
	for (store_iter_seek(it, key.d, key.len); store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl < plen || memcmp(k, prefix, plen) != 0)
			break;
		if (keys_decode_tail(k, kl, plen, &cd.hour, &cd.ref) != 0)
			continue;
		if (cd.hour > h1)
			break;
		v = store_iter_value(it, &vl);
		if (vl != BLOCK_BITMAP)
			continue;
		memcpy(cd.bm, v, BLOCK_BITMAP);
		if (*nc == cap) {
			cap = cap ? cap * 2 : 256;
			if ((nv = reallocarray(*cv, cap, sizeof(*nv))) ==
			    NULL) {
				r = ERR_NOMEM;
				goto out;
			}
			*cv = nv;
		}
		(*cv)[(*nc)++] = cd;
	}
 out:
	buf_clear(&key);
	store_iter_free(it);
	return r;
}

/* AND the bitmaps of cv with the postings of another term; drop empties */
int
cand_intersect(struct store *st, const uint8_t *prefix, size_t plen,
    struct cand *cv, size_t *nc)
{
	struct store_iter	*it;
	const uint8_t		*k, *v;
	size_t			 kl, vl, i, j, out = 0;
	struct buf		 key;
	int			 any, r = 0;

	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	buf_init(&key, 0);
	for (i = 0; i < *nc; i++) {
		buf_reset(&key);
		if ((r = buf_put(&key, prefix, plen)) != 0 ||
		    (r = buf_put_u32(&key, cv[i].hour)) != 0 ||
		    (r = buf_put_u32(&key, cv[i].ref.stream)) != 0 ||
		    (r = buf_put_u64(&key, cv[i].ref.first_seq)) != 0)
			goto out;
		store_iter_seek(it, key.d, key.len);
		if (!store_iter_valid(it))
			continue;
		k = store_iter_key(it, &kl);
		if (kl != key.len || memcmp(k, key.d, kl) != 0)
			continue;
		v = store_iter_value(it, &vl);
		if (vl != BLOCK_BITMAP)
			continue;
		for (any = 0, j = 0; j < BLOCK_BITMAP; j++)
			any |= (cv[i].bm[j] &= v[j]);
		if (any)
			cv[out++] = cv[i];
	}
	*nc = out;
 out:
	buf_clear(&key);
	store_iter_free(it);
	return r;
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->hour != y->hour)
		return x->hour < y->hour ? -1 : 1;
	if (x->ref.stream != y->ref.stream)
		return x->ref.stream < y->ref.stream ? -1 : 1;
	if (x->ref.first_seq != y->ref.first_seq)
		return x->ref.first_seq < y->ref.first_seq ? -1 : 1;
	return 0;
}

void
cand_sort(struct cand *cv, size_t n)
{
	if (n > 1)
		qsort(cv, n, sizeof(*cv), cand_cmp);
}

const struct cand *
cand_find(const struct cand *cv, size_t n, uint32_t hour,
    const struct blockref *ref)
{
	struct cand key;

	if (n == 0)
		return NULL;
	key.hour = hour;
	key.ref = *ref;
	return bsearch(&key, cv, n, sizeof(*cv), cand_cmp);
}
