/*
 * engine.c -- runs events through a rule set (docs/rules.md, "The
 * engine"): picks the candidate rules from the index, evaluates them,
 * keeps per-group window state (threshold, distinct, sequence, absence
 * timers), suppresses repeats and emits alerts with their message.
 * Pure: time is the events' time and what rules_tick is given.
 *
 * Per event nothing is allocated unless a new group starts or a group's
 * event list grows.  The group table is bounded by max_groups across all
 * rules; past it a group not used recently is dropped and counted.
 *
 * Window groups (state of one rule for one group key):
 *   threshold  events sorted by time; an insert drops those more than
 *              the window before the newest and the oldest past N;
 *              N left fire, then the group is dropped (starts empty).
 *   distinct   the same with one entry per value (its newest event).
 *   sequence   waiting for step s, c events of it counted; an event
 *              more than the window after the first counted one
 *              starts the group over (and may count for step 0).
 *   absence    armed with a deadline in the timer heap; fires once
 *              when the clock reaches it, or disarmed (after ... match).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rules.h"
#include "engine_int.h"

struct rules_engine *
rules_engine_new(const struct ruleset *rs, const struct rules_opts *o,
    rules_emitfn emit, void *arg)
{
	struct rules_engine *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->rs = rs;
	e->emit = emit;
	e->arg = arg;
	e->max_groups = o != NULL && o->max_groups > 0 ? o->max_groups :
	    100000;
	if (e->max_groups < 2)
		e->max_groups = 2;	/* a window and its suppression */
	e->st.next_id = o != NULL && o->next_id > 0 ? o->next_id : 1;
	e->htsize = GROUP_HT_INIT;
	if ((e->ht = calloc(e->htsize, sizeof(*e->ht))) == NULL ||
	    (e->cand = calloc(rs->nrules + 1, sizeof(int))) == NULL ||
	    (e->x.md = pcre2_match_data_create(rs->maxcaps + 1, NULL)) ==
	    NULL || (e->x.mc = pcre2_match_context_create(NULL)) == NULL) {
		rules_engine_free(e);
		return NULL;
	}
	pcre2_set_match_limit(e->x.mc, RULES_RE_MATCH_LIMIT);
	pcre2_set_depth_limit(e->x.mc, RULES_RE_DEPTH_LIMIT);
	return e;
}

void
rules_engine_free(struct rules_engine *e)
{
	if (e == NULL)
		return;
	if (e->ht != NULL)
		group_clear_all(e);
	free(e->ht);
	free(e->heap);
	free(e->cand);
	pcre2_match_data_free(e->x.md);
	pcre2_match_context_free(e->x.mc);
	free(e);
}

void
rules_stats(const struct rules_engine *e, struct rules_stats *st)
{
	*st = e->st;
}

/*
 * The key "f=v f2=v2" of the fields by[] of ev (or, for a timer, of the
 * current group gk).  -1 when a field is missing and !empty_ok.  A key
 * longer than ALERT_GROUP_MAX is cut and ends in "~" and the hash of the
 * whole key, so long values still make distinct groups.
 */
static int	getval(struct rules_engine *, const struct rule *,
		    const struct record *, const char *, const char **,
		    size_t *);

static void
key_put(struct gkey *k, const char *s, size_t n, int *cut)
{
	size_t room = ALERT_GROUP_MAX - 18 - k->len;	/* "~" hash NUL */

	if (n > room) {
		n = room;
		*cut = 1;
	}
	memcpy(k->s + k->len, s, n);
	k->len += n;
}

static int
make_key(struct rules_engine *e, const struct rule *r, const struct record *ev,
    const char *const *by, int nby, struct gkey *k, int empty_ok)
{
	const char	*v;
	size_t		 len, before;
	uint64_t	 h = FNV64_INIT;
	int		 i, cut = 0;
	char		 tail[20];

	k->len = 0;
	k->nvals = nby;
	for (i = 0; i < nby; i++) {
		if (getval(e, r, ev, by[i], &v, &len) != 0) {
			if (!empty_ok)
				return -1;
			v = "";
			len = 0;
		}
		if (i > 0)
			key_put(k, " ", 1, &cut);
		key_put(k, by[i], strlen(by[i]), &cut);
		key_put(k, "=", 1, &cut);
		before = k->len;
		key_put(k, v, len, &cut);
		k->voff[i] = (uint16_t)before;
		k->vlen[i] = (uint16_t)(k->len - before);
	}
	for (i = 0; cut && i < nby; i++) {	/* FNV: stable in snapshots */
		if (getval(e, r, ev, by[i], &v, &len) != 0) {
			v = "";
			len = 0;
		}
		h = fnv64(by[i], strlen(by[i]) + 1, h);
		h = fnv64(v, len, h);
		h = fnv64("", 1, h);
	}
	if (cut) {
		snprintf(tail, sizeof(tail), "~%016llx", (unsigned long long)h);
		memcpy(k->s + k->len, tail, 17);
		k->len += 17;
	}
	k->s[k->len] = '\0';
	return 0;
}

/* A field of the event, or for a timer the value its group key holds. */
static int
getval(struct rules_engine *e, const struct rule *r, const struct record *ev,
    const char *name, const char **v, size_t *len)
{
	int i;

	if (ev != NULL)
		return (*v = rules_fget(ev, name, len)) == NULL ? -1 : 0;
	for (i = 0; i < r->nby && i < e->gk.nvals; i++)
		if (strcmp(r->by[i], name) == 0) {
			*v = e->gk.s + e->gk.voff[i];
			*len = e->gk.vlen[i];
			return 0;
		}
	return -1;
}

static void
put(char *d, size_t *n, const char *s, size_t len)
{
	for (; len > 0 && *n < ALERT_MESSAGE_MAX - 1; len--, s++)
		d[(*n)++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
}

static void
render(struct rules_engine *e, const struct rule *r, const struct record *ev)
{
	struct alert	*a = &e->alert;
	const char	*t = r->message != NULL ? r->message : r->title;
	const char	*end, *v;
	char		 num[32], name[160];
	size_t		 n = 0, len;

	for (; *t != '\0'; t++) {
		if ((t[0] == '{' && t[1] == '{') || (t[0] == '}' && t[1] == '}'))
			put(a->message, &n, t++, 1);
		else if (t[0] != '{' || (end = strchr(t, '}')) == NULL)
			put(a->message, &n, t, 1);
		else {
			len = end - t - 1;
			if (len >= sizeof(name))
				len = sizeof(name) - 1;
			memcpy(name, t + 1, len);
			name[len] = '\0';
			t = end;
			if (strcmp(name, "count") == 0 || (strcmp(name,
			    "distinct") == 0 && r->kind == K_DISTINCT)) {
				snprintf(num, sizeof(num), "%llu",
				    (unsigned long long)a->count);
				put(a->message, &n, num, strlen(num));
			} else if (strcmp(name, "group") == 0)
				put(a->message, &n, a->group, strlen(a->group));
			else if (strcmp(name, "rule.id") == 0)
				put(a->message, &n, r->id, strlen(r->id));
			else if (strcmp(name, "window") == 0 &&
			    r->window != NULL)
				put(a->message, &n, r->window,
				    strlen(r->window));
			else if (getval(e, r, ev, name, &v, &len) == 0)
				put(a->message, &n, v, len);
			else
				put(a->message, &n, "-", 1);
		}
	}
	a->message[n] = '\0';
}

/*
 * Emit the alert prepared in e->alert (count, refs, first_us) for rule r
 * and the current group e->gk, or an update of the alert it repeats.
 */
static void
fire(struct rules_engine *e, const struct rule *r, const struct record *ev,
    int64_t ts)
{
	struct alert	*a = &e->alert;
	struct group	*s = NULL;
	uint64_t	 h;

	a->update = 0;
	a->rule_id = r->id;
	a->title = r->title;
	a->severity = r->severity;
	a->tags = r->tags != NULL ? r->tags : "";
	a->description = r->description != NULL ? r->description : "";
	a->ts_us = ts;
	a->ev = ev;
	a->suppressed = 0;
	a->last_us = ts;
	memcpy(a->group, e->gk.s, e->gk.len + 1);
	render(e, r, ev);
	if (r->suppress_us > 0) {
		make_key(e, r, ev, r->sby, r->nsby, &e->sk, 1);
		if (r->nby == 0 && r->nsby > 0)
			memcpy(a->group, e->sk.s, e->sk.len + 1);
		h = group_hash(r->index, G_SUPP, e->sk.s, e->sk.len);
		s = group_find(e, r->index, G_SUPP, &e->sk, h);
		if (s != NULL && ts - s->alert_us <= r->suppress_us) {
			s->suppressed++;
			if (ts > s->last_us)
				s->last_us = ts;
			a->update = 1;
			a->id = s->alert_id;
			a->suppressed = s->suppressed;
			a->last_us = s->last_us;
			e->st.suppressed++;
			e->emit(a, e->arg);
			return;
		}
		if (s == NULL)
			s = group_new(e, r->index, G_SUPP, &e->sk, h);
	}
	a->id = e->st.next_id++;
	if (s != NULL) {
		s->alert_id = a->id;
		s->alert_us = s->last_us = ts;
		s->suppressed = 0;
	}
	e->st.alerts++;
	e->emit(a, e->arg);
}

static void
alert_refs(struct rules_engine *e, const struct rule_ref *refs, uint32_t n,
    uint64_t count, int64_t first)
{
	struct alert *a = &e->alert;

	a->nrefs = n > ALERT_REFS_MAX ? ALERT_REFS_MAX : (int)n;
	memcpy(a->refs, refs, a->nrefs * sizeof(*refs));
	a->count = count;
	a->first_us = first;
}

/* Absence timers due at or before now fire, earliest first. */
static void
fire_timers(struct rules_engine *e, int64_t now)
{
	const struct rule	*r;
	struct group		*g;

	while (e->nheap > 0 && e->heap[0]->deadline <= now) {
		g = e->heap[0];
		r = e->rs->rules[g->rule];
		memcpy(e->gk.s, g->key, g->keylen);
		e->gk.s[g->keylen] = '\0';
		e->gk.len = g->keylen;
		e->gk.nvals = g->nvals;
		memcpy(e->gk.voff, g->voff, sizeof(g->voff));
		memcpy(e->gk.vlen, g->vlen, sizeof(g->vlen));
		alert_refs(e, g->refs, g->n, g->total, g->first_us);
		now = g->deadline;
		group_drop(e, g);
		fire(e, r, NULL, now);
	}
}

static void
advance(struct rules_engine *e, int64_t now)
{
	if (!e->hasclock || now > e->clock) {
		e->clock = now;
		e->hasclock = 1;
	}
	fire_timers(e, e->clock);
}

void
rules_tick(struct rules_engine *e, int64_t now_us)
{
	advance(e, now_us);
}

/* Insert ref into g->refs sorted by time (usually at the end). */
static void
insert_sorted(struct group *g, const struct rule_ref *ref, uint64_t vh)
{
	uint32_t i = g->n;

	while (i > 0 && g->refs[i - 1].ts_us > ref->ts_us)
		i--;
	memmove(&g->refs[i + 1], &g->refs[i], (g->n - i) * sizeof(*ref));
	g->refs[i] = *ref;
	if (g->vh != NULL) {
		memmove(&g->vh[i + 1], &g->vh[i], (g->n - i) * sizeof(vh));
		g->vh[i] = vh;
	}
	g->n++;
}

static void
drop_front(struct group *g, uint32_t k)
{
	memmove(g->refs, g->refs + k, (g->n - k) * sizeof(*g->refs));
	if (g->vh != NULL)
		memmove(g->vh, g->vh + k, (g->n - k) * sizeof(*g->vh));
	g->n -= k;
}

/* Threshold and distinct: add one event, fire at N. */
static void
window_add(struct rules_engine *e, const struct rule *r, struct group *g,
    const struct record *ev, const struct rule_ref *ref, uint64_t vh)
{
	uint32_t	i, k;
	int64_t		newest;

	if (r->kind == K_DISTINCT) {
		for (i = 0; i < g->n && g->vh[i] != vh; i++)
			;
		if (i < g->n) {
			if (g->refs[i].ts_us > ref->ts_us)
				return;		/* an older repeat */
			memmove(&g->refs[i], &g->refs[i + 1],
			    (g->n - i - 1) * sizeof(*ref));
			memmove(&g->vh[i], &g->vh[i + 1],
			    (g->n - i - 1) * sizeof(vh));
			g->n--;
		}
	}
	if (group_reserve(g, g->n + 1, r->kind == K_DISTINCT) != 0)
		return;
	insert_sorted(g, ref, vh);
	newest = g->refs[g->n - 1].ts_us;
	for (k = 0; k < g->n && newest - g->refs[k].ts_us > r->within_us; k++)
		;
	if (g->n - k > r->n)
		k = g->n - r->n;
	drop_front(g, k);
	if (g->n < r->n)
		return;
	alert_refs(e, g->refs, g->n, g->n, g->refs[0].ts_us);
	group_drop(e, g);
	fire(e, r, ev, ev->ts_us);
}

static int
eval(struct rules_engine *e, const struct expr *x)
{
	return expr_eval(x, &e->x);
}

/* Sequence: count the event for the step the group waits for. */
static int
sequence(struct rules_engine *e, const struct rule *r, struct record *ev,
    const struct rule_ref *ref)
{
	struct group	*g;
	uint64_t	 h;

	if (make_key(e, r, ev, r->by, r->nby, &e->gk, 0) != 0)
		return 0;
	h = group_hash(r->index, G_WIN, e->gk.s, e->gk.len);
	g = group_find(e, r->index, G_WIN, &e->gk, h);
	if (g != NULL && ev->ts_us - g->first_us > r->within_us) {
		g->step = g->stepn = g->n = 0;
		g->total = 0;
	}
	if (!eval(e, r->steps[g != NULL ? g->step : 0].e)) {
		if (g != NULL && g->total == 0)
			group_drop(e, g);
		return 0;
	}
	if (g == NULL && (g = group_new(e, r->index, G_WIN, &e->gk, h)) ==
	    NULL)
		return 1;
	if (g->total == 0)
		g->first_us = ev->ts_us;
	if (g->n < ALERT_REFS_MAX && group_reserve(g, g->n + 1, 0) == 0)
		g->refs[g->n++] = *ref;
	g->total++;
	if (++g->stepn >= r->steps[g->step].n) {
		g->step++;
		g->stepn = 0;
	}
	if ((int)g->step < r->nsteps)
		return 1;
	alert_refs(e, g->refs, g->n, g->total, g->first_us);
	group_drop(e, g);
	fire(e, r, ev, ev->ts_us);
	return 1;
}

static void
arm(struct rules_engine *e, const struct rule *r, const struct record *ev,
    const struct rule_ref *ref)
{
	struct group	*g;
	uint64_t	 h;

	if (ev->ts_us < e->clock - r->within_us)
		return;		/* late or replayed: no false silence */
	h = group_hash(r->index, G_WIN, e->gk.s, e->gk.len);
	if ((g = group_find(e, r->index, G_WIN, &e->gk, h)) == NULL) {
		if ((g = group_new(e, r->index, G_WIN, &e->gk, h)) == NULL)
			return;
		if (group_reserve(g, 1, 0) != 0) {
			group_drop(e, g);	/* no empty group left behind */
			return;
		}
		g->first_us = ev->ts_us;
		g->refs[0] = *ref;
		g->n = 1;
	}
	g->total++;
	if (ev->ts_us < g->first_us)
		g->first_us = ev->ts_us;
	if (ev->ts_us >= g->refs[0].ts_us)
		g->refs[0] = *ref;
	if (g->heapi < 0 || ev->ts_us + r->within_us > g->deadline) {
		g->deadline = ev->ts_us + r->within_us;
		heap_set(e, g);
	}
}

static int
absence(struct rules_engine *e, const struct rule *r, struct record *ev,
    const struct rule_ref *ref)
{
	struct group	*g;
	uint64_t	 h;

	if (r->after == NULL) {
		if (!eval(e, r->match) ||
		    make_key(e, r, ev, r->by, r->nby, &e->gk, 0) != 0)
			return 0;
		arm(e, r, ev, ref);
		return 1;
	}
	if (eval(e, r->match)) {
		if (make_key(e, r, ev, r->by, r->nby, &e->gk, 0) != 0)
			return 1;
		h = group_hash(r->index, G_WIN, e->gk.s, e->gk.len);
		g = group_find(e, r->index, G_WIN, &e->gk, h);
		/* only data newer than the arming event disarms */
		if (g != NULL && ev->ts_us >= g->refs[0].ts_us)
			group_drop(e, g);
		return 1;
	}
	if (!eval(e, r->after) ||
	    make_key(e, r, ev, r->by, r->nby, &e->gk, 0) != 0)
		return 0;
	arm(e, r, ev, ref);
	return 1;
}

/* Returns 1 when the rule matched (its captures stay in the event). */
static int
run_rule(struct rules_engine *e, const struct rule *r, struct record *ev,
    const struct rule_ref *ref)
{
	struct group	*g;
	const char	*v;
	size_t		 len;
	uint64_t	 h, vh = 0;

	switch (r->kind) {
	case K_SEQUENCE:
		if (r->match != NULL && !eval(e, r->match))
			return 0;
		return sequence(e, r, ev, ref);
	case K_ABSENCE:
		return absence(e, r, ev, ref);
	}
	if (!eval(e, r->match))
		return 0;
	if (r->kind == K_SIMPLE) {
		e->gk.len = 0;
		e->gk.nvals = 0;
		e->gk.s[0] = '\0';
		alert_refs(e, ref, 1, 1, ev->ts_us);
		fire(e, r, ev, ev->ts_us);
		return 1;
	}
	if (make_key(e, r, ev, r->by, r->nby, &e->gk, 0) != 0)
		return 1;
	if (r->kind == K_DISTINCT) {
		if ((v = rules_fget(ev, r->distinct, &len)) == NULL)
			return 1;
		vh = hash64(v, len, 0);
	}
	h = group_hash(r->index, G_WIN, e->gk.s, e->gk.len);
	if ((g = group_find(e, r->index, G_WIN, &e->gk, h)) == NULL &&
	    (g = group_new(e, r->index, G_WIN, &e->gk, h)) == NULL)
		return 1;
	window_add(e, r, g, ev, ref, vh);
	return 1;
}

static int
cmpint(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Candidate rules for ev, in rule order. */
static int
candidates(struct rules_engine *e, const struct record *ev)
{
	const struct ruleset	*rs = e->rs;
	const struct ixfield	*f;
	const char		*v;
	size_t			 len, lo, hi, mid;
	int			 n = 0, i;

	for (i = 0; i < rs->nix; i++) {
		f = &rs->ix[i];
		if ((v = rules_fget(ev, f->field, &len)) == NULL)
			continue;
		if (f->nany > 0) {
			memcpy(e->cand + n, f->any, f->nany * sizeof(int));
			n += f->nany;
		}
		lo = 0;
		hi = f->nvals;
		while (lo < hi) {	/* the first entry >= v */
			mid = lo + (hi - lo) / 2;
			if (f->vals[mid].val.len < len || (f->vals[mid].val.len
			    == len && memcmp(f->vals[mid].val.s, v, len) < 0))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < f->nvals && f->vals[lo].val.len == len &&
		    memcmp(f->vals[lo].val.s, v, len) == 0; lo++)
			e->cand[n++] = f->vals[lo].rule;
	}
	memcpy(e->cand + n, rs->unindexed, rs->nunindexed * sizeof(int));
	n += rs->nunindexed;
	if (n > 32)
		qsort(e->cand, n, sizeof(int), cmpint);
	else
		for (i = 1; i < n; i++) {	/* few: insertion sort */
			int c = e->cand[i], j = i;

			for (; j > 0 && e->cand[j - 1] > c; j--)
				e->cand[j] = e->cand[j - 1];
			e->cand[j] = c;
		}
	return n;
}

int
rules_event_wants_vm(struct rules_engine *e, const struct record *ev)
{
	int i, n;

	if (!e->rs->vm_any)
		return 0;
	if (e->rs->vm_always)
		return 1;
	n = candidates(e, ev);
	e->cand_ev = ev;
	e->cand_n = n;
	e->cand_nf = ev->nfields;
	e->cand_scratch = ev->scratchlen;
	for (i = 0; i < n; i++)
		if (e->rs->rules[e->cand[i]]->wants_vm)
			return 1;
	return 0;
}

void
rules_event(struct rules_engine *e, struct record *ev,
    const struct rule_ref *ref)
{
	struct rule_ref	 r0;
	int		 i, n;

	e->st.events++;
	advance(e, ev->ts_us);
	if (ref != NULL)
		r0 = *ref;
	else
		memset(&r0, 0, sizeof(r0));
	r0.ts_us = ev->ts_us;
	e->x.ev = ev;
	if (e->cand_ev == ev && e->cand_nf == ev->nfields &&
	    e->cand_scratch == ev->scratchlen)
		n = e->cand_n;		/* nothing added since */
	else
		n = candidates(e, ev);
	e->cand_ev = NULL;
	for (i = 0; i < n; i++) {
		e->st.tested++;
		eval_begin(&e->x);
		if (!run_rule(e, e->rs->rules[e->cand[i]], ev, &r0))
			eval_undo(&e->x);
	}
}
