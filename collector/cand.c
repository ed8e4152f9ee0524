/*
 * cand.c -- candidate blocks from postings and the time index (see
 * cand.h).  Reads the store through its iterators only.
 */
#include <stdlib.h>
#include <string.h>

#include "cand.h"
#include "decode.h"
#include "err.h"
#include "placement.h"

static int	cand_cmp(const void *, const void *);

/* Sort cv[start..] and make it one candidate per block, bitmaps ORed. */
static void
cand_merge(struct cand *cv, size_t *nc, size_t start)
{
	size_t	i, out, b;

	cand_sort(cv + start, *nc - start);
	for (i = start, out = start; i < *nc; i++) {
		if (out > start && cand_cmp(&cv[out - 1], &cv[i]) == 0) {
			for (b = 0; b < BLOCK_BITMAP; b++)
				cv[out - 1].bm[b] |= cv[i].bm[b];
			continue;
		}
		cv[out++] = cv[i];
	}
	*nc = out;
}

static int
cand_push(struct cand **cv, size_t *nc, size_t *cap, const struct cand *cd)
{
	struct cand *nv;

	if (*nc == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		if ((nv = reallocarray(*cv, *cap, sizeof(*nv))) == NULL)
			return ERR_NOMEM;
		*cv = nv;
	}
	(*cv)[(*nc)++] = *cd;
	return 0;
}

/*
 * Collect candidates for one posting prefix (P keys: one per hour and
 * write, listing blocks) or the T index (one key per hour and block).
 */
int
cand_collect(struct store *st, const uint8_t *prefix, size_t plen,
    uint32_t h0, uint32_t h1, struct cand **cv, size_t *nc)
{
	struct store_iter	*it;
	const uint8_t		*k, *v;
	size_t			 kl, vl, cap = *nc;
	struct cand		 cd;
	struct bufr		 br;
	struct buf		 key;
	uint64_t		 group;
	int			 r = 0, e, tindex = plen == 1 && prefix[0] == 'T';

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
		v = store_iter_value(it, &vl);
		if (tindex) {
			if (keys_decode_tail(k, kl, plen, &cd.hour,
			    &cd.ref) != 0)
				continue;
			if (cd.hour > h1)
				break;
			if (vl != BLOCK_BITMAP)
				continue;
			memcpy(cd.bm, v, BLOCK_BITMAP);
			if ((r = cand_push(cv, nc, &cap, &cd)) != 0)
				goto out;
			continue;
		}
		if (keys_decode_ptail(k, kl, plen, &cd.hour, &group) != 0)
			continue;
		if (cd.hour > h1)
			break;
		bufr_init(&br, v, vl);
		while ((e = keys_postval_next(&br, &cd.ref, cd.bm)) == 1)
			if ((r = cand_push(cv, nc, &cap, &cd)) != 0)
				goto out;
		/* a damaged value: the entries before it still count */
	}
 out:
	buf_clear(&key);
	store_iter_free(it);
	return r;
}

/* AND cv (sorted) with ov (sorted); drop the empties. */
void
cand_and(struct cand *cv, size_t *nc, const struct cand *ov, size_t no)
{
	size_t	i, j = 0, out = 0, b;
	int	any;

	for (i = 0; i < *nc; i++) {
		while (j < no && cand_cmp(&ov[j], &cv[i]) < 0)
			j++;
		if (j == no)
			break;
		if (cand_cmp(&ov[j], &cv[i]) != 0)
			continue;
		for (any = 0, b = 0; b < BLOCK_BITMAP; b++)
			any |= (cv[i].bm[b] &= ov[j].bm[b]);
		if (any)
			cv[out++] = cv[i];
	}
	*nc = out;
}

/*
 * AND the bitmaps of cv with the postings of another term; drop empties.
 * The other term's postings over the same hours are collected and both
 * lists merged in (hour, block) order; cv comes back sorted.
 */
int
cand_intersect(struct store *st, const uint8_t *prefix, size_t plen,
    struct cand *cv, size_t *nc)
{
	struct cand	*ov = NULL;
	size_t		 no = 0;
	int		 r;

	if (*nc == 0)
		return 0;
	cand_sort(cv, *nc);
	if ((r = cand_collect(st, prefix, plen, cv[0].hour, cv[*nc - 1].hour,
	    &ov, &no)) != 0) {
		free(ov);
		return r;
	}
	cand_sort(ov, no);
	cand_and(cv, nc, ov, no);
	free(ov);
	return 0;
}

/*
 * Candidates of field:PREFIX* in hours [h0, h1]: the postings of every
 * value of field that starts with prefix (lower-cased), ORed per block.
 * One seek per value outside the hours, like index_field in agg.c.
 */
int
cand_collect_prefix(struct store *st, const char *field, const char *prefix,
    size_t len, uint32_t h0, uint32_t h1, struct cand **cv, size_t *nc)
{
	struct store_iter	*it;
	const uint8_t		*k, *v, *z;
	size_t			 kl, vl, cap = *nc, start = *nc, plen;
	struct buf		 pre, key;
	struct bufr		 br;
	struct cand		 cd;
	uint64_t		 group;
	int			 r = 0;

	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	buf_init(&pre, 0);
	buf_init(&key, 0);
	if ((r = buf_put_u8(&pre, 'P')) != 0 ||
	    (r = buf_put(&pre, field, strlen(field) + 1)) != 0 ||
	    (r = buf_put(&pre, prefix, len)) != 0)
		goto out;
	store_iter_seek(it, pre.d, pre.len);
	while (store_iter_valid(it)) {
		k = store_iter_key(it, &kl);
		if (kl < pre.len + KEYS_PTAIL || memcmp(k, pre.d, pre.len) != 0)
			break;
		/* the value ends at its NUL, then hour and group */
		if ((z = memchr(k + pre.len, '\0', kl - pre.len)) == NULL ||
		    (plen = (size_t)(z - k) + 1) + KEYS_PTAIL != kl ||
		    keys_decode_ptail(k, kl, plen, &cd.hour, &group) != 0) {
			store_iter_next(it);
			continue;
		}
		if (cd.hour < h0 || cd.hour > h1) {
			/* to hour h0 of this value, or past the value */
			buf_reset(&key);
			if ((r = buf_put(&key, k, plen)) != 0)
				goto out;
			if (cd.hour < h0)
				r = buf_put_u32(&key, h0);
			else
				key.d[plen - 1] = 1;
			if (r != 0)
				goto out;
			store_iter_seek(it, key.d, key.len);
			continue;
		}
		v = store_iter_value(it, &vl);
		bufr_init(&br, v, vl);
		while (keys_postval_next(&br, &cd.ref, cd.bm) == 1)
			if ((r = cand_push(cv, nc, &cap, &cd)) != 0)
				goto out;
		store_iter_next(it);
	}
	cand_merge(*cv, nc, start);
 out:
	buf_clear(&pre);
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

int
cand_field_complete(const char *f)
{
	return decode_indexed(f) && strcmp(f, "vm.name") != 0 &&
	    strcmp(f, "vm.uuid") != 0 && strcmp(f, "hypervisor.name") != 0;
}

int
cand_plan(struct cand_plan *pl, const struct query *q)
{
	const char	*fields[CAND_TERMS], *vals[CAND_TERMS];
	size_t		 nt, i;

	memset(pl, 0, sizeof(*pl));
	pl->complete = 1;
	if (q == NULL)
		return 0;
	nt = query_required_terms(q, fields, vals, CAND_TERMS);
	if (nt == CAND_TERMS)
		pl->complete = 0;	/* there may be more terms */
	for (i = 0; i < nt; i++) {
		if (!cand_field_complete(fields[i])) {
			pl->complete = 0;
			if (!pl->vm && (strcmp(fields[i], "vm.uuid") == 0 ||
			    strcmp(fields[i], "vm.name") == 0 ||
			    strcmp(fields[i], "hypervisor.name") == 0)) {
				buf_init(&pl->vmpre, 0);
				if (keys_posting_prefix(&pl->vmpre, fields[i],
				    vals[i], strlen(vals[i])) == 0) {
					pl->vm = 1;
					if (strcmp(fields[i], "vm.name") == 0)
						pl->vmname = vals[i];
					else if (fields[i][0] == 'h')
						pl->vmhost = vals[i];
				} else
					buf_clear(&pl->vmpre);
			}
			continue;
		}
		buf_init(&pl->pre[pl->npre], 0);
		if (keys_posting_prefix(&pl->pre[pl->npre], fields[i],
		    vals[i], strlen(vals[i])) != 0) {
			/* too long to be indexed: checked by decoding */
			buf_clear(&pl->pre[pl->npre]);
			pl->complete = 0;
			continue;
		}
		pl->npre++;
	}
	nt = query_required_prefixes(q, pl->fixf, pl->fixes, pl->fixlen,
	    CAND_TERMS);
	for (i = 0; i < nt; i++)
		if (cand_field_complete(pl->fixf[i])) {
			pl->fixf[pl->nfix] = pl->fixf[i];
			pl->fixes[pl->nfix] = pl->fixes[i];
			pl->fixlen[pl->nfix++] = pl->fixlen[i];
		}
	return 0;
}

void
cand_plan_free(struct cand_plan *pl)
{
	size_t	i;

	for (i = 0; i < pl->npre; i++)
		buf_clear(&pl->pre[i]);
	pl->npre = 0;
	if (pl->vm)
		buf_clear(&pl->vmpre);
	pl->vm = 0;
	pl->vmname = NULL;
	pl->vmhost = NULL;
}

int
cand_plan_scans(const struct cand_plan *pl)
{
	return pl->npre == 0 && pl->nfix == 0 && !pl->vm;
}

/* cand_vm: append the postings of vm.uuid:U in the hours for one UUID U
 * the name index gives the name (placement_name_uuids) or that ran on the
 * host (placement_host_uuids). */
struct vm_names {
	struct store	*st;
	uint32_t	 h0, h1;
	struct cand	**cv;
	size_t		*nc;
	struct buf	 pre;
};

static int
vm_name_uuid(void *arg, const char *uuid)
{
	struct vm_names	*vn = arg;
	int		 r;

	buf_reset(&vn->pre);
	if ((r = keys_posting_prefix(&vn->pre, "vm.uuid", uuid,
	    strlen(uuid))) != 0)
		return r;
	return cand_collect(vn->st, vn->pre.d, vn->pre.len, vn->h0, vn->h1,
	    vn->cv, vn->nc);
}

/* The start of hour h in microseconds; INT64_MAX past int64's range (an
 * open end is hour UINT32_MAX). */
static int64_t
hour_us(uint64_t h)
{
	return h >= (uint64_t)(INT64_MAX / 3600 / 1000000) ? INT64_MAX :
	    (int64_t)h * 3600 * 1000000;
}

/*
 * Candidates of hypervisor.name:H in hours [h0, h1]: its postings, those
 * of host.name:H (placement_enrich gives a host's own events about a VM
 * and its bridged netfilter lines the host itself), and those of
 * vm.uuid:U for every U that ran on H in those hours (a guest's events
 * get the host that ran it at the time).
 */
static int
cand_vmhost(struct vm_names *vn, const char *host)
{
	int r;

	buf_reset(&vn->pre);
	if ((r = keys_posting_prefix(&vn->pre, "host.name", host,
	    strlen(host))) != 0 ||
	    (r = cand_collect(vn->st, vn->pre.d, vn->pre.len, vn->h0, vn->h1,
	    vn->cv, vn->nc)) != 0)
		return r;
	return placement_host_uuids(vn->st, host, hour_us(vn->h0),
	    hour_us((uint64_t)vn->h1 + 1), vm_name_uuid, vn);
}

/*
 * Candidates of a vm.uuid:U or vm.name:N term in hours [h0, h1]: its
 * postings (a guest's own events, a host's records that name the VM),
 * for a name those of its UUIDs as well, ORed with the blocks of bridged
 * netfilter lines, which get the VM from the vnet and MAC facts when
 * read (placement_enrich).  For hypervisor.name:H, cand_vmhost's.
 * Appended to *cv, merged and sorted.
 */
static int
cand_vm(struct store *st, const struct cand_plan *pl, uint32_t h0,
    uint32_t h1, struct cand **cv, size_t *nc)
{
	static const char *const nf[] = { "netfilter.physin",
	    "netfilter.physout", "source.mac", NULL };
	struct vm_names	vn = { st, h0, h1, cv, nc, { 0 } };
	size_t		start = *nc, i;
	int		r;

	buf_init(&vn.pre, 0);
	r = cand_collect(st, pl->vmpre.d, pl->vmpre.len, h0, h1, cv, nc);
	if (r == 0 && pl->vmhost != NULL)
		r = cand_vmhost(&vn, pl->vmhost);
	else {
		if (r == 0 && pl->vmname != NULL)
			r = placement_name_uuids(st, pl->vmname, vm_name_uuid,
			    &vn);
		for (i = 0; r == 0 && nf[i] != NULL; i++)
			r = cand_collect_prefix(st, nf[i], "", 0, h0, h1, cv,
			    nc);
	}
	buf_clear(&vn.pre);
	if (r == 0)
		cand_merge(*cv, nc, start);
	return r;
}

/* AND *cv with glob i's candidates (i < 0: the VM term's) within
 * the hours *cv spans. */
static int
and_more(struct store *st, const struct cand_plan *pl, int i,
    struct cand **cv, size_t *nc)
{
	struct cand	*ov = NULL;
	size_t		 no = 0;
	uint32_t	 h0, h1;
	int		 r;

	cand_sort(*cv, *nc);
	h0 = (*cv)[0].hour;
	h1 = (*cv)[*nc - 1].hour;
	if (i >= 0)
		r = cand_collect_prefix(st, pl->fixf[i], pl->fixes[i],
		    pl->fixlen[i], h0, h1, &ov, &no);
	else
		r = cand_vm(st, pl, h0, h1, &ov, &no);
	if (r == 0)
		cand_and(*cv, nc, ov, no);
	free(ov);
	return r;
}

int
cand_select(struct store *st, const struct cand_plan *pl, uint32_t h0,
    uint32_t h1, struct cand **cv, size_t *nc)
{
	uint8_t	tp = 'T';
	size_t	i, first;
	int	r;

	*nc = 0;
	if (cand_plan_scans(pl))
		r = cand_collect(st, &tp, 1, h0, h1, cv, nc);
	else if (pl->npre > 0) {
		r = cand_collect(st, pl->pre[0].d, pl->pre[0].len, h0, h1, cv,
		    nc);
		for (i = 1; r == 0 && i < pl->npre && *nc > 0; i++)
			r = cand_intersect(st, pl->pre[i].d, pl->pre[i].len,
			    *cv, nc);
	} else if (pl->nfix > 0)
		r = cand_collect_prefix(st, pl->fixf[0], pl->fixes[0],
		    pl->fixlen[0], h0, h1, cv, nc);
	else
		r = cand_vm(st, pl, h0, h1, cv, nc);
	/* each (other) glob, then the VM term unless it chose */
	first = pl->npre == 0 && pl->nfix > 0;
	for (i = first; r == 0 && i < pl->nfix && *nc > 0; i++)
		r = and_more(st, pl, (int)i, cv, nc);
	if (r == 0 && pl->vm && pl->npre + pl->nfix > 0 && *nc > 0)
		r = and_more(st, pl, -1, cv, nc);
	if (r == 0)
		cand_sort(*cv, *nc);
	return r;
}
