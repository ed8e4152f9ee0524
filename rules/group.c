/*
 * group.c -- the engine's group table (engine_int.h): one hash table of
 * all groups of all rules, the list that bounds their number and the
 * binary heap of armed absence timers ordered by (deadline, creation).
 *
 * At the cap a group not used recently goes, counted as evicted: the
 * CLOCK approximation of least recently used.  A lookup only marks the
 * group used; the sweep takes the oldest group of the list, and one used
 * since the sweep last passed it gets a second chance at the head,
 * unmarked.  (A true LRU list moved the group to the head at every
 * lookup: two more cache misses on its neighbours, ~5 % of the writer
 * thread under the ingest mix.)
 * Pure; no knowledge of rule kinds beyond what a group stores.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rules.h"
#include "engine_int.h"

uint64_t
group_hash(int rule, int kind, const char *key, size_t len)
{
	return hash64(key, len, (uint64_t)rule << 1 | (uint64_t)kind);
}

static void
lru_unlink(struct rules_engine *e, struct group *g)
{
	if (g->prev != NULL)
		g->prev->next = g->next;
	else
		e->head = g->next;
	if (g->next != NULL)
		g->next->prev = g->prev;
	else
		e->tail = g->prev;
	g->prev = g->next = NULL;
}

static void
lru_push(struct rules_engine *e, struct group *g)
{
	g->prev = NULL;
	g->next = e->head;
	if (e->head != NULL)
		e->head->prev = g;
	e->head = g;
	if (e->tail == NULL)
		e->tail = g;
}


/* Timer heap: a binary min-heap on (deadline, seq). */
static int
heap_less(const struct group *a, const struct group *b)
{
	return a->deadline < b->deadline ||
	    (a->deadline == b->deadline && a->seq < b->seq);
}

static void
heap_swap(struct rules_engine *e, size_t i, size_t j)
{
	struct group *t = e->heap[i];

	e->heap[i] = e->heap[j];
	e->heap[j] = t;
	e->heap[i]->heapi = (int)i;
	e->heap[j]->heapi = (int)j;
}

static void
heap_fix(struct rules_engine *e, size_t i)
{
	size_t c;

	while (i > 0 && heap_less(e->heap[i], e->heap[(i - 1) / 2])) {
		heap_swap(e, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		c = 2 * i + 1;
		if (c >= e->nheap)
			break;
		if (c + 1 < e->nheap && heap_less(e->heap[c + 1], e->heap[c]))
			c++;
		if (!heap_less(e->heap[c], e->heap[i]))
			break;
		heap_swap(e, i, c);
		i = c;
	}
}

static void
heap_remove(struct rules_engine *e, struct group *g)
{
	size_t i = (size_t)g->heapi;

	if (g->heapi < 0)
		return;
	g->heapi = -1;
	if (i != --e->nheap) {
		e->heap[i] = e->heap[e->nheap];
		e->heap[i]->heapi = (int)i;
		heap_fix(e, i);
	}
}

/* Insert g or move it after its deadline changed. */
void
heap_set(struct rules_engine *e, struct group *g)
{
	struct group	**nh;
	size_t		  cap;

	if (g->heapi >= 0) {
		heap_fix(e, (size_t)g->heapi);
		return;
	}
	if (e->nheap == e->capheap) {
		cap = e->capheap ? e->capheap * 2 : 64;
		if ((nh = reallocarray(e->heap, cap, sizeof(*nh))) == NULL)
			return;		/* the timer is lost, not the engine */
		e->heap = nh;
		e->capheap = cap;
	}
	g->heapi = (int)e->nheap;
	e->heap[e->nheap++] = g;
	heap_fix(e, (size_t)g->heapi);
}

struct group *
group_find(struct rules_engine *e, int rule, int kind, const struct gkey *k,
    uint64_t hash)
{
	size_t		 mask = e->htsize - 1, i;
	struct group	*g;

	for (i = hash & mask; (g = e->ht[i].g) != NULL; i = (i + 1) & mask)
		if (e->ht[i].hash == hash && g->rule == rule &&
		    g->kind == kind && g->keylen == k->len &&
		    memcmp(g->key, k->s, k->len) == 0) {
			g->used = 1;
			return g;
		}
	return NULL;
}

/* Empty slot i, moving later slots of the run back (no tombstones). */
static void
slot_free(struct rules_engine *e, size_t i)
{
	size_t mask = e->htsize - 1, j = i, home;

	for (;;) {
		j = (j + 1) & mask;
		if (e->ht[j].g == NULL)
			break;
		home = e->ht[j].hash & mask;
		/* slot j may move to i unless its home lies in (i, j] */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			e->ht[i] = e->ht[j];
			i = j;
		}
	}
	e->ht[i].g = NULL;
}

static void
slot_put(struct gslot *ht, size_t size, struct group *g)
{
	size_t i;

	for (i = g->hash & (size - 1); ht[i].g != NULL; i = (i + 1) &
	    (size - 1))
		;
	ht[i].hash = g->hash;
	ht[i].g = g;
}

void
group_drop(struct rules_engine *e, struct group *g)
{
	size_t mask = e->htsize - 1, i;

	for (i = g->hash & mask; e->ht[i].g != g; i = (i + 1) & mask)
		;
	slot_free(e, i);
	lru_unlink(e, g);
	heap_remove(e, g);
	free(g->refs);
	free(g->vh);
	free(g);
	e->st.groups--;
}

void
group_clear_all(struct rules_engine *e)
{
	while (e->head != NULL)
		group_drop(e, e->head);
}

/* 0, or ERR_NOMEM: then the table is as it was. */
static int
grow_table(struct rules_engine *e)
{
	struct gslot	*nt;
	size_t		 n = e->htsize * 2, i;

	if ((nt = calloc(n, sizeof(*nt))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < e->htsize; i++)
		if (e->ht[i].g != NULL)
			slot_put(nt, n, e->ht[i].g);
	free(e->ht);
	e->ht = nt;
	e->htsize = n;
	return 0;
}

/*
 * A new empty group at the head of the list; at the cap the sweep frees
 * a place first (each pass over a used group unmarks it, so it ends).
 * No caller holds another group across this.
 */
struct group *
group_new(struct rules_engine *e, int rule, int kind, const struct gkey *k,
    uint64_t hash)
{
	struct group *g;

	while (e->st.groups >= e->max_groups && (g = e->tail) != NULL) {
		if (g->used) {
			g->used = 0;
			lru_unlink(e, g);
			lru_push(e, g);
			continue;
		}
		group_drop(e, g);
		e->st.evicted++;
	}
	/* at most half full, so that probes stay short and end */
	if (2 * (e->st.groups + 1) >= e->htsize && grow_table(e) != 0)
		return NULL;
	if ((g = calloc(1, sizeof(*g) + k->len + 1)) == NULL)
		return NULL;
	g->hash = hash;
	g->rule = rule;
	g->kind = kind;
	g->heapi = -1;
	g->seq = e->seq++;
	memcpy(g->key, k->s, k->len);
	g->keylen = (uint16_t)k->len;
	g->nvals = k->nvals;
	memcpy(g->voff, k->voff, sizeof(g->voff));
	memcpy(g->vlen, k->vlen, sizeof(g->vlen));
	slot_put(e->ht, e->htsize, g);
	lru_push(e, g);
	e->st.groups++;
	return g;
}

/* Room for n entries (n at most the rule's N). */
int
group_reserve(struct group *g, uint32_t n, int distinct)
{
	struct rule_ref	*nr;
	uint64_t	*nv;
	uint32_t	 cap;

	if (n <= g->cap)
		return 0;
	cap = g->cap ? g->cap * 2 : 4;
	if (cap < n)
		cap = n;
	if ((nr = reallocarray(g->refs, cap, sizeof(*nr))) == NULL)
		return ERR_NOMEM;
	g->refs = nr;
	if (distinct) {
		if ((nv = reallocarray(g->vh, cap, sizeof(*nv))) == NULL)
			return ERR_NOMEM;
		g->vh = nv;
	}
	g->cap = cap;
	return 0;
}
