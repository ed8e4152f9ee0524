/*
 * match.c -- evaluation of match expressions against one event
 * (docs/rules.md, "Match expressions").  Pure and allocation-free: field
 * values are compared where they lie; numbers and addresses are read
 * from small stack copies.  Named regex captures become event fields; an
 * undo log lets the engine take back the captures of a rule that did
 * not match, including values they replaced.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "record.h"
#include "rules_int.h"

uint64_t
fnv64(const void *p, size_t len, uint64_t h)
{
	const uint8_t *s = p;

	while (len-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * A fast 64-bit hash of short keys, 8 bytes at a time (the group table;
 * never stored, so it may change).  The mixing is murmur3's finalizer.
 */
static inline uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

uint64_t
hash64(const void *p, size_t len, uint64_t h)
{
	const uint8_t	*s = p;
	uint64_t	 w;

	h ^= len * 0x9e3779b97f4a7c15ULL;
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = mix64(h ^ w) + 0x9e3779b97f4a7c15ULL;
	}
	w = 0;
	memcpy(&w, s, len);
	return mix64(h ^ w ^ ((uint64_t)len << 56));
}

static int
cmpsv(const struct sv *a, const char *s, size_t len)
{
	if (a->len != len)
		return a->len < len ? -1 : 1;
	return memcmp(a->s, s, len);
}

int
strset_has(const struct strset *set, const char *s, size_t len)
{
	size_t	lo = 0, hi = set->n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = cmpsv(&set->v[mid], s, len)) == 0)
			return 1;
		if (c > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static const struct mapent *
map_get(const struct map *m, const char *s, size_t len)
{
	size_t	lo = 0, hi = m->n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = cmpsv(&m->e[mid].key, s, len)) == 0)
			return &m->e[mid];
		if (c > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * "10.0.0.0/8", "fd00::/8" or a bare address (all bits).  An IPv4-mapped
 * IPv6 address is read as IPv4.  c may be NULL (just checking).
 */
int
cidr_parse(const char *s, size_t len, struct cidr *c)
{
	struct cidr	 x;
	char		 b[64], *slash, *end;
	long		 bits;
	int		 max;

	if (len == 0 || len >= sizeof(b))
		return ERR_FORMAT;
	memcpy(b, s, len);
	b[len] = '\0';
	memset(&x, 0, sizeof(x));
	if ((slash = strchr(b, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, b, x.a) == 1) {
		x.af = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, b, x.a) == 1) {
		x.af = 6;
		max = 128;
		if (memcmp(x.a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
			memmove(x.a, x.a + 12, 4);
			memset(x.a + 4, 0, 12);
			x.af = 4;
			max = 32;
		}
	} else
		return ERR_FORMAT;
	x.bits = max;
	if (slash != NULL) {
		if (*slash < '0' || *slash > '9')
			return ERR_FORMAT;
		bits = strtol(slash, &end, 10);
		if (*end != '\0' || bits > (x.af == 6 && max == 128 ? 128 : 32))
			return ERR_FORMAT;
		x.bits = (int)bits;
	}
	if (c != NULL)
		*c = x;
	return 0;
}

static int
cidr_has(const struct cidrset *set, const char *s, size_t len)
{
	const struct cidr	*c;
	struct cidr		 a;
	size_t			 i;
	int			 full, rest;

	if (set == NULL || cidr_parse(s, len, &a) != 0 || a.bits !=
	    (a.af == 4 ? 32 : 128))
		return 0;
	for (i = 0; i < set->n; i++) {
		c = &set->v[i];
		if (c->af != a.af)
			continue;
		full = c->bits / 8;
		rest = c->bits % 8;
		if (memcmp(c->a, a.a, full) != 0)
			continue;
		if (rest == 0 ||
		    ((c->a[full] ^ a.a[full]) & (0xff00 >> rest) & 0xff) == 0)
			return 1;
	}
	return 0;
}

/*
 * Monday = 0.  1970-01-01 was a Thursday (3).  A range with start > end
 * runs from start on a listed day to end on the next day.
 */
int
window_has(const struct window *w, int64_t ts_us)
{
	int64_t	 sec = ts_us / 1000000, days, sod;
	int	 dow, prev, min;
	size_t	 i;

	if (w == NULL)
		return 0;
	if (ts_us % 1000000 < 0)
		sec--;
	days = sec / 86400;
	sod = sec % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	dow = (int)(((days % 7) + 7 + 3) % 7);
	prev = (dow + 6) % 7;
	min = (int)(sod / 60);
	for (i = 0; i < w->n; i++) {
		const struct wrange *r = &w->v[i];

		if (r->start < r->end) {
			if ((r->days & 1 << dow) && min >= r->start &&
			    min < r->end)
				return 1;
		} else {
			if ((r->days & 1 << dow) && min >= r->start)
				return 1;
			if ((r->days & 1 << prev) && min < r->end)
				return 1;
		}
	}
	return 0;
}

static int
number(const char *v, size_t len, double *d)
{
	char	b[64], *end;

	if (len == 0 || len >= sizeof(b))
		return -1;
	memcpy(b, v, len);
	b[len] = '\0';
	*d = strtod(b, &end);
	return *end == '\0' && end != b ? 0 : -1;
}

void
eval_begin(struct evalctx *x)
{
	record_mark(x->ev, &x->mark);
	x->nundo = 0;
}

void
eval_undo(struct evalctx *x)
{
	while (x->nundo > 0) {
		x->nundo--;
		x->ev->f[x->undo[x->nundo].i].val = x->undo[x->nundo].val;
		x->ev->f[x->undo[x->nundo].i].len = x->undo[x->nundo].len;
	}
	record_rollback(x->ev, &x->mark);
}

/*
 * Named groups that took part in the match become fields.  A field the
 * event had before this rule is replaced, and its old value logged so
 * eval_undo can put it back.
 */
static void
capture(struct evalctx *x, const struct regex *re, const char *v)
{
	PCRE2_SIZE	*ov = pcre2_get_ovector_pointer(x->md);
	uint32_t	 nov = pcre2_get_ovector_count(x->md);
	struct record	*ev = x->ev;
	char		*name;
	size_t		 nl;
	int		 i, j, g;

	for (i = 0; i < re->ncaps; i++) {
		g = re->caps[i].group;
		if ((uint32_t)g >= nov || ov[2 * g] == PCRE2_UNSET)
			continue;
		for (j = 0; j < x->mark.nfields; j++)
			if (strcmp(ev->f[j].name, re->caps[i].field) == 0)
				break;
		if (j < x->mark.nfields) {
			if (x->nundo >= REC_FIELDS_MAX)
				continue;
			x->undo[x->nundo].i = j;
			x->undo[x->nundo].val = ev->f[j].val;
			x->undo[x->nundo++].len = ev->f[j].len;
		}
		/* the name too goes into the event: it may outlive the rules */
		nl = strlen(re->caps[i].field) + 1;
		if (nl > REC_SCRATCH - ev->scratchlen)
			continue;
		name = ev->scratch + ev->scratchlen;
		memcpy(name, re->caps[i].field, nl);
		ev->scratchlen += nl;
		if (record_addcopy(ev, name, v + ov[2 * g],
		    ov[2 * g + 1] - ov[2 * g]) != 0)
			ev->scratchlen -= nl;
	}
}

static int
regex(struct evalctx *x, const struct cond *c, const char *v, size_t len)
{
	int rc;

	rc = pcre2_match(c->re.code, (PCRE2_SPTR)v, len, 0, 0, x->md, x->mc);
	if (rc < 0)
		return 0;	/* no match, or over the limits */
	if (c->re.ncaps > 0)
		capture(x, &c->re, v);
	return 1;
}

static int
cond(const struct cond *c, struct evalctx *x)
{
	const struct mapent	*me;
	const char		*v, *v2;
	size_t			 len, len2;
	double			 d;

	switch (c->op) {
	case C_TRUE:
		return 1;
	case C_DURING:
		return window_has(c->win, x->ev->ts_us);
	}
	if ((v = rules_fget(x->ev, c->field, &len)) == NULL)
		return c->op == C_NE || c->op == C_NRE;
	switch (c->op) {
	case C_EQ:
		return len == c->val.len && memcmp(v, c->val.s, len) == 0;
	case C_NE:
		return len != c->val.len || memcmp(v, c->val.s, len) != 0;
	case C_LT:
	case C_LE:
	case C_GT:
	case C_GE:
		if (number(v, len, &d) != 0)
			return 0;
		return c->op == C_LT ? d < c->num : c->op == C_LE ?
		    d <= c->num : c->op == C_GT ? d > c->num : d >= c->num;
	case C_IN:
		return strset_has(c->set, v, len);
	case C_INMAPK:
		return map_get(c->map, v, len) != NULL;
	case C_INMAPV:
		if ((v2 = rules_fget(x->ev, c->field2, &len2)) == NULL ||
		    (me = map_get(c->map, v2, len2)) == NULL)
			return 0;
		return strset_has(&me->vals, v, len);
	case C_CIDR:
		return cidr_has(c->cidrs, v, len);
	case C_EXISTS:
		return 1;
	case C_RE:
		return regex(x, c, v, len);
	case C_NRE:
		return !regex(x, c, v, len);
	}
	return 0;
}

/* Left to right, stopping early; depth is bounded by the parser. */
int
expr_eval(const struct expr *e, struct evalctx *x)
{
	switch (e->type) {
	case E_AND:
		return expr_eval(e->l, x) && expr_eval(e->r, x);
	case E_OR:
		return expr_eval(e->l, x) || expr_eval(e->r, x);
	case E_NOT:
		return !expr_eval(e->l, x);
	default:
		return cond(e->c, x);
	}
}
