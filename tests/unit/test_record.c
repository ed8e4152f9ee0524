/*
 * test_record.c -- unit tests for core/record.c's field lookup: record_add,
 * record_get, record_find and record_rollback against a plain model (a
 * list searched by strcmp), over random sequences of adds, replacements,
 * marks and rollbacks with 200 names, so that many share a slot of the
 * by-number index; names too long to number (FNAME_NONE) among them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fname.h"
#include "record.h"
#include "test.h"

#define NNAMES	200

static char	names[NNAMES][160];

/* the model: names and values in order, as a list */
struct model {
	int		 n;
	int		 name[REC_FIELDS_MAX];
	const char	*val[REC_FIELDS_MAX];
};

static int
model_find(const struct model *m, int name)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (strcmp(names[m->name[i]], names[name]) == 0)
			return i;
	return -1;
}

static int
agrees(const struct record *ev, const struct model *m)
{
	const char	*v;
	size_t		 len;
	int		 k, i;
	char		 copy[160];

	if (ev->nfields != m->n)
		return 0;
	for (k = 0; k < NNAMES; k++) {
		/* by another address than the one added, too */
		memcpy(copy, names[k], strlen(names[k]) + 1);
		v = record_get(ev, k % 2 ? copy : names[k], &len);
		i = model_find(m, k);
		if ((v == NULL) != (i < 0) || (v != NULL && v != m->val[i]))
			return 0;
		if (record_find(ev, names[k], fname_id(names[k])) != i)
			return 0;
	}
	return 1;
}

int
main(void)
{
	static struct record	 ev;
	struct model		 m, saved;
	struct record_mark	 mark;
	static const char	*vals[] = { "a", "b", "c", "d" };
	unsigned		 seed = 12345;
	int			 k, step, bad = 0, marked = 0, name, i;

	for (k = 0; k < NNAMES; k++) {
		if (k % 50 == 7) {	/* too long for a number */
			memset(names[k], 'x', 140);
			snprintf(names[k] + 140, 20, ".%d", k);
		} else
			snprintf(names[k], sizeof(names[k]), "f%d.%s", k,
			    k % 3 ? "name" : "ip");
	}
	T_INT(fname_id(names[7]), FNAME_NONE);

	for (int round = 0; round < 60; round++) {
		record_init(&ev);
		memset(&m, 0, sizeof(m));
		marked = 0;
		for (step = 0; step < 300; step++) {
			seed = seed * 1103515245 + 12345;
			name = (int)((seed >> 8) % NNAMES);
			switch ((seed >> 20) % 8) {
			case 0:
				record_mark(&ev, &mark);
				saved = m;
				marked = 1;
				break;
			case 1:
				if (!marked)
					break;
				record_rollback(&ev, &mark);
				m.n = saved.n;	/* values set before stay */
				break;
			default:
				i = record_add(&ev, names[name],
				    vals[step % 4], 1);
				if (model_find(&m, name) >= 0)
					m.val[model_find(&m, name)] =
					    vals[step % 4];
				else if (m.n < REC_FIELDS_MAX) {
					m.name[m.n] = name;
					m.val[m.n++] = vals[step % 4];
				} else if (i != ERR_TOOBIG)
					bad++;
			}
			if (!agrees(&ev, &m)) {
				fprintf(stderr, "round %d step %d differs\n",
				    round, step);
				bad++;
				break;
			}
		}
	}
	T_INT(bad, 0);

	/* record_append puts a field without looking */
	record_init(&ev);
	T_INT(record_append(&ev, "x.y", fname_id("x.y"), "1", 1), 0);
	T_INT(record_find(&ev, "x.y", fname_id("x.y")), 0);
	while (ev.nfields < REC_FIELDS_MAX)
		T_INT(record_append(&ev, "z", fname_id("z"), "", 0), 0);
	T_INT(record_append(&ev, "w", fname_id("w"), "", 0), ERR_TOOBIG);
	T_INT(record_find(&ev, "z", fname_id("z")), 1);
	return TEST_DONE();
}
