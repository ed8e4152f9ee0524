/*
 * test_group.c -- unit tests for rules/group.c, the engine's group table:
 * random creations, lookups and drops against a plain model, with hashes
 * forced into a few values so that probe runs are long, wrap around the
 * end of the table and get holes punched in them (backward-shift
 * deletion); the table grows past its first size; and the CLOCK sweep at
 * the cap drops unused groups before used ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "rules_int.h"
#include "engine_int.h"
#include "test.h"

#define NKEYS	5000

static void
key(struct gkey *k, int i)
{
	k->len = (size_t)snprintf(k->s, sizeof(k->s), "ip=10.0.%d.%d",
	    i / 256, i % 256);
	k->nvals = 0;
}

/* hashes crowd into 16 values, the last 8 and the first 8 slots of a
 * table of any size: every run wraps around the end */
static uint64_t
hash_of(int i)
{
	return (uint64_t)-8 + (uint64_t)(i % 16);
}

static struct rules_engine *
table(size_t max)
{
	struct rules_engine *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->max_groups = max;
	e->htsize = GROUP_HT_INIT;
	if ((e->ht = calloc(e->htsize, sizeof(*e->ht))) == NULL) {
		free(e);
		return NULL;
	}
	return e;
}

static void
table_free(struct rules_engine *e)
{
	group_clear_all(e);
	free(e->ht);
	free(e->heap);
	free(e);
}

int
main(void)
{
	static struct group	*model[NKEYS];
	struct rules_engine	*e;
	struct gkey		 k;
	struct group		*g;
	unsigned		 seed = 777;
	int			 step, i, bad = 0, live = 0;

	if ((e = table(100000)) == NULL)
		return 1;
	for (step = 0; step < 100000; step++) {
		seed = seed * 1103515245 + 12345;
		i = (int)((seed >> 8) % NKEYS);
		key(&k, i);
		g = group_find(e, 0, G_WIN, &k, hash_of(i));
		if (g != model[i]) {
			bad++;
			break;
		}
		if (g != NULL && (seed >> 24) % 3 == 0) {
			group_drop(e, g);
			model[i] = NULL;
			live--;
		} else if (g == NULL) {
			model[i] = group_new(e, 0, G_WIN, &k, hash_of(i));
			if (model[i] == NULL) {
				bad++;
				break;
			}
			live++;
		}
	}
	T_INT(bad, 0);
	T_OK(live > 1000);
	T_OK(e->htsize > GROUP_HT_INIT);
	T_INT((int)e->st.groups, live);
	/* every live group found, every other one not */
	for (i = 0; i < NKEYS; i++) {
		key(&k, i);
		if (group_find(e, 0, G_WIN, &k, hash_of(i)) != model[i])
			bad++;
	}
	T_INT(bad, 0);
	table_free(e);

	/* at the cap: the unused oldest go first, the used get a pass */
	if ((e = table(4)) == NULL)
		return 1;
	for (i = 0; i < 4; i++) {
		key(&k, i);
		model[i] = group_new(e, 0, G_WIN, &k, hash_of(i));
	}
	key(&k, 0);
	T_OK(group_find(e, 0, G_WIN, &k, hash_of(0)) == model[0]);
	key(&k, 2);
	T_OK(group_find(e, 0, G_WIN, &k, hash_of(2)) == model[2]);
	key(&k, 4);
	T_OK(group_new(e, 0, G_WIN, &k, hash_of(4)) != NULL);	/* 1 goes */
	key(&k, 5);
	T_OK(group_new(e, 0, G_WIN, &k, hash_of(5)) != NULL);	/* 3 goes */
	T_INT((int)e->st.evicted, 2);
	for (i = 0; i < 6; i++) {
		key(&k, i);
		g = group_find(e, 0, G_WIN, &k, hash_of(i));
		T_INT(g != NULL, i != 1 && i != 3);
	}
	table_free(e);
	return TEST_DONE();
}
