/*
 * state.c -- snapshots of the engine's window and suppression state
 * (docs/rules.md, "State survives restarts").  Pure: bytes in a struct
 * buf out, bytes in back.
 *
 * Layout (big-endian, version 1):
 *   "VGRS" u32 version  u64 next_id  u64 clock  u8 hasclock  u32 ngroups
 *   per group, oldest in the eviction order first:
 *     str rule id  u64 rule fingerprint  u8 kind  str key
 *     u8 nvals  nvals * (u16 offset, u16 length)   values in the key
 *     kind 0 (window): u32 n  u32 step  u32 stepn  u64 total  u64 first
 *       u64 deadline  u8 armed  n * (u32 stream, u64 seq, u64 ts)
 *       u8 hasvh  [n * u64 value hash]
 *     kind 1 (suppression): u64 alert id  u64 alert time  u64 last
 *       u32 suppressed
 *   u64 FNV-1a hash of everything before
 * A group whose rule is gone or whose text changed is read and skipped;
 * anything malformed makes the whole load fail and the engine empty.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "rules.h"
#include "engine_int.h"

#define STATE_MAGIC	"VGRS"
#define STATE_VERSION	1

static int
put_group(struct buf *b, const struct rules_engine *e, const struct group *g)
{
	const struct rule	*r = e->rs->rules[g->rule];
	uint32_t		 i;
	int			 rc = 0;

	rc |= buf_put_cstr(b, r->id);
	rc |= buf_put_u64(b, r->fp);
	rc |= buf_put_u8(b, (uint8_t)g->kind);
	rc |= buf_put_str(b, g->key, g->keylen);
	rc |= buf_put_u8(b, (uint8_t)g->nvals);
	for (i = 0; i < (uint32_t)g->nvals; i++) {
		rc |= buf_put_u16(b, g->voff[i]);
		rc |= buf_put_u16(b, g->vlen[i]);
	}
	if (g->kind == G_SUPP) {
		rc |= buf_put_u64(b, g->alert_id);
		rc |= buf_put_u64(b, (uint64_t)g->alert_us);
		rc |= buf_put_u64(b, (uint64_t)g->last_us);
		rc |= buf_put_u32(b, g->suppressed);
		return rc ? ERR_TOOBIG : 0;
	}
	rc |= buf_put_u32(b, g->n);
	rc |= buf_put_u32(b, g->step);
	rc |= buf_put_u32(b, g->stepn);
	rc |= buf_put_u64(b, g->total);
	rc |= buf_put_u64(b, (uint64_t)g->first_us);
	rc |= buf_put_u64(b, (uint64_t)g->deadline);
	rc |= buf_put_u8(b, g->heapi >= 0);
	for (i = 0; i < g->n; i++) {
		rc |= buf_put_u32(b, g->refs[i].stream);
		rc |= buf_put_u64(b, g->refs[i].seq);
		rc |= buf_put_u64(b, (uint64_t)g->refs[i].ts_us);
	}
	rc |= buf_put_u8(b, g->vh != NULL);
	for (i = 0; g->vh != NULL && i < g->n; i++)
		rc |= buf_put_u64(b, g->vh[i]);
	return rc ? ERR_TOOBIG : 0;
}

int
rules_state_save(const struct rules_engine *e, struct buf *b)
{
	const struct group	*g;
	size_t			 start = b->len;
	uint32_t		 n = 0;
	int			 rc = 0;

	for (g = e->tail; g != NULL; g = g->prev)
		n++;
	rc |= buf_put(b, STATE_MAGIC, 4);
	rc |= buf_put_u32(b, STATE_VERSION);
	rc |= buf_put_u64(b, e->st.next_id);
	rc |= buf_put_u64(b, (uint64_t)e->clock);
	rc |= buf_put_u8(b, (uint8_t)e->hasclock);
	rc |= buf_put_u32(b, n);
	for (g = e->tail; g != NULL && rc == 0; g = g->prev)
		rc = put_group(b, e, g);
	if (rc == 0)
		rc = buf_put_u64(b, fnv64(b->d + start, b->len - start,
		    FNV64_INIT));
	if (rc != 0) {
		b->len = start;
		return ERR_TOOBIG;
	}
	return 0;
}

/* Sorted rule indices by id, to find a snapshot's rules quickly. */
static int
cmpid(const void *a, const void *b, void *arg)
{
	const struct ruleset *rs = arg;

	return strcmp(rs->rules[*(const int *)a]->id,
	    rs->rules[*(const int *)b]->id);
}

static const struct rule *
find_rule(const struct ruleset *rs, const int *byid, const char *id,
    size_t len)
{
	size_t	lo = 0, hi = rs->nrules, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(rs->rules[byid[mid]]->id, id, len);
		if (c == 0 && rs->rules[byid[mid]]->id[len] != '\0')
			c = 1;
		if (c == 0)
			return rs->rules[byid[mid]];
		if (c > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

struct snap {
	uint8_t		 kind, nvals, armed, hasvh;
	const char	*key;
	size_t		 keylen;
	uint16_t	 voff[RULES_BY_MAX], vlen[RULES_BY_MAX];
	uint32_t	 n, step, stepn, suppressed;
	uint64_t	 total, alert_id;
	int64_t		 first, deadline, alert_us, last_us;
	const uint8_t	*refs, *vh;
};

static int
get_group(struct bufr *r, struct snap *s)
{
	uint64_t	u;
	uint32_t	i;
	uint16_t	off, len;

	memset(s, 0, sizeof(*s));
	if (bufr_get_u8(r, &s->kind) != 0 || s->kind > G_SUPP ||
	    bufr_get_str(r, &s->key, &s->keylen, ALERT_GROUP_MAX - 1) != 0 ||
	    bufr_get_u8(r, &s->nvals) != 0 || s->nvals > RULES_BY_MAX)
		return ERR_FORMAT;
	for (i = 0; i < s->nvals; i++) {
		if (bufr_get_u16(r, &off) != 0 || bufr_get_u16(r, &len) != 0 ||
		    (size_t)off + len > s->keylen)
			return ERR_FORMAT;
		s->voff[i] = off;
		s->vlen[i] = len;
	}
	if (s->kind == G_SUPP) {
		if (bufr_get_u64(r, &s->alert_id) != 0 ||
		    bufr_get_u64(r, &u) != 0)
			return ERR_FORMAT;
		s->alert_us = (int64_t)u;
		if (bufr_get_u64(r, &u) != 0 ||
		    bufr_get_u32(r, &s->suppressed) != 0)
			return ERR_FORMAT;
		s->last_us = (int64_t)u;
		return 0;
	}
	if (bufr_get_u32(r, &s->n) != 0 || s->n > RULES_COUNT_MAX ||
	    bufr_get_u32(r, &s->step) != 0 ||
	    bufr_get_u32(r, &s->stepn) != 0 ||
	    bufr_get_u64(r, &s->total) != 0 || bufr_get_u64(r, &u) != 0)
		return ERR_FORMAT;
	s->first = (int64_t)u;
	if (bufr_get_u64(r, &u) != 0 || bufr_get_u8(r, &s->armed) != 0 ||
	    s->armed > 1 || bufr_get_bytes(r, &s->refs, s->n * 20) != 0 ||
	    bufr_get_u8(r, &s->hasvh) != 0 || s->hasvh > 1 ||
	    (s->hasvh && bufr_get_bytes(r, &s->vh, s->n * 8) != 0))
		return ERR_FORMAT;
	s->deadline = (int64_t)u;
	return 0;
}

/* Does a snapshot group fit its (unchanged) rule? */
static int
plausible(const struct rule *r, const struct snap *s)
{
	uint32_t	i;
	int64_t		prev = INT64_MIN, ts;

	if (s->kind == G_SUPP)
		return r->suppress_us > 0 && s->nvals == r->nsby;
	if (s->nvals != r->nby || (s->hasvh != 0) != (r->kind == K_DISTINCT))
		return 0;
	for (i = 0; i < s->n; i++) {
		ts = (int64_t)be64_get(s->refs + i * 20 + 12);
		if (ts < prev && r->kind != K_SEQUENCE)
			return 0;
		prev = ts;
	}
	switch (r->kind) {
	case K_THRESHOLD:
	case K_DISTINCT:
		return s->n < r->n && !s->armed;
	case K_SEQUENCE:
		return s->n <= ALERT_REFS_MAX && s->n <= s->total &&
		    (int)s->step < r->nsteps &&
		    s->stepn < r->steps[s->step].n && !s->armed;
	case K_ABSENCE:
		return s->n == 1 && s->armed;
	}
	return 0;
}

static int
restore(struct rules_engine *e, const struct rule *r, const struct snap *s)
{
	struct group	*g;
	struct gkey	 k;
	uint32_t	 i;
	uint64_t	 h;

	memcpy(k.s, s->key, s->keylen);
	k.s[s->keylen] = '\0';
	k.len = s->keylen;
	k.nvals = s->nvals;
	memcpy(k.voff, s->voff, sizeof(k.voff));
	memcpy(k.vlen, s->vlen, sizeof(k.vlen));
	h = group_hash(r->index, s->kind, k.s, k.len);
	if (group_find(e, r->index, s->kind, &k, h) != NULL)
		return ERR_FORMAT;	/* the same group twice */
	if ((g = group_new(e, r->index, s->kind, &k, h)) == NULL)
		return ERR_NOMEM;
	if (s->kind == G_SUPP) {
		g->alert_id = s->alert_id;
		g->alert_us = s->alert_us;
		g->last_us = s->last_us;
		g->suppressed = s->suppressed;
		return 0;
	}
	if (s->n > 0 && group_reserve(g, s->n, s->hasvh) != 0)
		return ERR_NOMEM;
	for (i = 0; i < s->n; i++) {
		g->refs[i].stream = be32_get(s->refs + i * 20);
		g->refs[i].seq = be64_get(s->refs + i * 20 + 4);
		g->refs[i].ts_us = (int64_t)be64_get(s->refs + i * 20 + 12);
		if (s->hasvh)
			g->vh[i] = be64_get(s->vh + i * 8);
	}
	g->n = s->n;
	g->step = s->step;
	g->stepn = s->stepn;
	g->total = s->total;
	g->first_us = s->first;
	g->deadline = s->deadline;
	if (s->armed)
		heap_set(e, g);
	return 0;
}

int
rules_state_load(struct rules_engine *e, const void *p, size_t len)
{
	const struct ruleset	*rs = e->rs;
	const struct rule	*r;
	struct bufr		 rd;
	struct snap		 s;
	const char		*id;
	size_t			 idlen;
	uint64_t		 next_id, clock, fp;
	uint32_t		 version, n, i;
	uint8_t			 hasclock;
	int			*byid = NULL, k, rc = ERR_FORMAT;

	group_clear_all(e);
	if (len < 12 || memcmp(p, STATE_MAGIC, 4) != 0 ||
	    be64_get((const uint8_t *)p + len - 8) !=
	    fnv64(p, len - 8, FNV64_INIT))
		return ERR_FORMAT;
	bufr_init(&rd, (const uint8_t *)p + 4, len - 12);
	if (bufr_get_u32(&rd, &version) != 0 || version != STATE_VERSION ||
	    bufr_get_u64(&rd, &next_id) != 0 ||
	    bufr_get_u64(&rd, &clock) != 0 ||
	    bufr_get_u8(&rd, &hasclock) != 0 || hasclock > 1 ||
	    bufr_get_u32(&rd, &n) != 0)
		return ERR_FORMAT;
	if ((byid = calloc(rs->nrules + 1, sizeof(int))) == NULL)
		return ERR_NOMEM;
	for (k = 0; k < rs->nrules; k++)
		byid[k] = k;
	qsort_r(byid, rs->nrules, sizeof(int), cmpid, (void *)rs);
	for (i = 0; i < n; i++) {
		if (bufr_get_str(&rd, &id, &idlen, 256) != 0 ||
		    bufr_get_u64(&rd, &fp) != 0 || get_group(&rd, &s) != 0)
			goto out;
		if ((r = find_rule(rs, byid, id, idlen)) == NULL ||
		    r->fp != fp)
			continue;	/* gone or changed: starts empty */
		if (!plausible(r, &s))
			goto out;
		if ((rc = restore(e, r, &s)) != 0)
			goto out;
		rc = ERR_FORMAT;
	}
	if (rd.left != 0)
		goto out;
	if (next_id > e->st.next_id)
		e->st.next_id = next_id;
	if (hasclock && (!e->hasclock || (int64_t)clock > e->clock)) {
		e->clock = (int64_t)clock;
		e->hasclock = 1;
	}
	rc = 0;
 out:
	free(byid);
	if (rc != 0)
		group_clear_all(e);
	return rc;
}
