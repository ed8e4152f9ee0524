/*
 * test_fname.c -- unit tests for core/fname.c: one number per name by
 * content, whatever its address; a heap name freed and its memory reused
 * for another name is not mistaken for it (the address cache takes only
 * read-only and pooled names); fname_canon's copy; the same numbers in
 * another thread; long names and a full table get FNAME_NONE, and
 * fname_eq and record_get still tell names apart by their bytes then.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fname.h"
#include "record.h"
#include "test.h"

static uint32_t	 thread_ids[2];

static void *
other_thread(void *arg)
{
	char buf[32];

	(void)arg;
	snprintf(buf, sizeof(buf), "%s", "source.ip");
	thread_ids[0] = fname_id("source.ip");
	thread_ids[1] = fname_id(buf);
	return NULL;
}

int
main(void)
{
	char		 buf[64], *h, *h2, long_name[300];
	const char	*c, *c2, *v;
	uint32_t	 a, b, id;
	struct record	 ev;
	pthread_t	 t;
	size_t		 len;
	int		 i;

	/* by content: a literal, a stack copy and a heap copy */
	a = fname_id("source.ip");
	T_OK(a != FNAME_NONE);
	snprintf(buf, sizeof(buf), "%s", "source.ip");
	T_INT(fname_id(buf), a);
	T_OK((h = malloc(32)) != NULL);
	strcpy(h, "source.ip");
	T_INT(fname_id(h), a);
	T_INT(fname_id("source.ip"), a);	/* cached by address */
	b = fname_id("source.port");
	T_OK(b != FNAME_NONE && b != a);
	T_INT(fname_eq("source.ip", a, h, fname_id(h)), 1);
	T_INT(fname_eq("source.ip", a, "source.port", b), 0);

	/* a buffer that held one name and now holds another */
	snprintf(buf, sizeof(buf), "%s", "user.name");
	id = fname_id(buf);
	snprintf(buf, sizeof(buf), "%s", "user.id");
	T_OK(fname_id(buf) != id);
	T_INT(fname_id("user.name"), id);
	strcpy(h, "event.action");
	T_INT(fname_id(h), fname_id("event.action"));
	free(h);

	/* the canonical copy: same bytes, same number, stable address */
	T_OK((h = strdup("vm.uuid")) != NULL);
	c = fname_canon(h);
	T_OK(c != h);
	T_STR(c, "vm.uuid");
	T_INT(fname_id(c), fname_id("vm.uuid"));
	free(h);
	T_OK((h2 = strdup("vm.uuid")) != NULL);
	c2 = fname_canon(h2);
	T_OK(c2 == c);
	free(h2);

	/* lookups do not add a name from the heap; literals they do */
	T_OK((h = strdup("never.seen.before")) != NULL);
	T_INT(fname_find(h), FNAME_NONE);
	T_OK(fname_canon_known(h) == h);
	T_INT(fname_find(h), FNAME_NONE);
	id = fname_id(h);
	T_OK(id != FNAME_NONE);
	T_INT(fname_find(h), id);
	T_OK(fname_canon_known(h) != h);
	T_STR(fname_canon_known(h), "never.seen.before");
	free(h);
	T_OK(fname_find("a.literal.name") != FNAME_NONE);
	T_INT(fname_find("a.literal.name"), fname_id("a.literal.name"));

	/* another thread, its own cache: the same numbers */
	T_INT(pthread_create(&t, NULL, other_thread, NULL), 0);
	T_INT(pthread_join(t, NULL), 0);
	T_INT(thread_ids[0], a);
	T_INT(thread_ids[1], a);

	/* a name too long to number */
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	T_INT(fname_id(long_name), FNAME_NONE);
	T_OK(fname_canon(long_name) == long_name);

	/* fill the table: new names are FNAME_NONE, old ones keep theirs */
	for (i = 0; i < FNAME_MAX + 10; i++) {
		snprintf(buf, sizeof(buf), "filler.%d", i);
		(void)fname_id(buf);
	}
	T_INT(fname_id("brand.new.name"), FNAME_NONE);
	T_INT(fname_id("other.new.name"), FNAME_NONE);
	T_INT(fname_id("source.ip"), a);
	T_INT(fname_eq("brand.new.name", FNAME_NONE, "brand.new.name",
	    FNAME_NONE), 1);
	T_INT(fname_eq("brand.new.name", FNAME_NONE, "other.new.name",
	    FNAME_NONE), 0);

	/* records still tell unnumbered names apart */
	record_init(&ev);
	T_INT(record_add(&ev, "brand.new.name", "1", 1), 0);
	T_INT(record_add(&ev, "other.new.name", "2", 1), 0);
	T_INT(record_add(&ev, "source.ip", "10.0.0.1", 8), 0);
	snprintf(buf, sizeof(buf), "%s", "brand.new.name");
	T_INT(record_add(&ev, buf, "3", 1), 0);	/* replaces */
	T_INT(ev.nfields, 3);
	T_OK((v = record_get(&ev, "brand.new.name", &len)) != NULL &&
	    len == 1 && *v == '3');
	T_OK((v = record_get(&ev, "other.new.name", &len)) != NULL &&
	    len == 1 && *v == '2');
	T_OK((v = record_get(&ev, "source.ip", &len)) != NULL && len == 8);
	T_OK(record_get(&ev, "third.new.name", &len) == NULL);
	return TEST_DONE();
}
