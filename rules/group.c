/*
 * group.c -- the engine's group table (engine_int.h): one hash table of
 * all groups of all rules, the LRU list that bounds their number (the
 * least recently used goes at the cap, counted as evicted) and the
 * binary heap of armed absence timers ordered by (deadline, creation).
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

static void
touch(struct rules_engine *e, struct group *g)
{
	if (e->head != g) {
		lru_unlink(e, g);
		lru_push(e, g);
	}
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
	struct group *g;

	for (g = e->ht[hash & (e->htsize - 1)]; g != NULL; g = g->hnext)
		if (g->hash == hash && g->rule == rule && g->kind == kind &&
		    g->keylen == k->len && memcmp(g->key, k->s, k->len) == 0) {
			touch(e, g);
			return g;
		}
	return NULL;
}

void
group_drop(struct rules_engine *e, struct group *g)
{
	struct group **pp;

	for (pp = &e->ht[g->hash & (e->htsize - 1)]; *pp != g;
	    pp = &(*pp)->hnext)
		;
	*pp = g->hnext;
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

static void
grow_table(struct rules_engine *e)
{
	struct group	**nt, *g, *next;
	size_t		  n = e->htsize * 2, i;

	if ((nt = calloc(n, sizeof(*nt))) == NULL)
		return;		/* longer chains, still correct */
	for (i = 0; i < e->htsize; i++)
		for (g = e->ht[i]; g != NULL; g = next) {
			next = g->hnext;
			g->hnext = nt[g->hash & (n - 1)];
			nt[g->hash & (n - 1)] = g;
		}
	free(e->ht);
	e->ht = nt;
	e->htsize = n;
}

/* A new empty group at the head of the LRU; the tail goes at the cap. */
struct group *
group_new(struct rules_engine *e, int rule, int kind, const struct gkey *k,
    uint64_t hash)
{
	struct group *g;

	while (e->st.groups >= e->max_groups && e->tail != NULL) {
		group_drop(e, e->tail);
		e->st.evicted++;
	}
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
	g->hnext = e->ht[hash & (e->htsize - 1)];
	e->ht[hash & (e->htsize - 1)] = g;
	lru_push(e, g);
	if (++e->st.groups > e->htsize)
		grow_table(e);
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
