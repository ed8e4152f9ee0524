/*
 * fname.c -- field names as numbers (fname.h).
 *
 * The table holds a copy of every name, found by an open-addressed hash
 * on its bytes, under one mutex.  Nearly every name is one of the
 * decoders' string literals, so each thread also keeps a small cache from
 * a name's address to its number.  An address alone does not say what it
 * holds (a name on the heap can be freed and its memory reused for
 * another), so the cache takes only addresses whose bytes never change:
 * the program's read-only segments, and the table's own copies (a static
 * pool, never freed), which fname_canon hands out to those who keep names
 * on the heap (the rules).  Other names always ask the table.
 */
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fname.h"

#define FNAME_LEN	128		/* longer names are not numbered */
#define TAB		(2 * FNAME_MAX)	/* slots, a power of two */
#define CACHE		1024		/* per-thread address cache: open
					 * addressing, cleared when 3/4 full */
#define RO_MAX		8
#define POOL		(64 << 10)	/* bytes of names */

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static struct {
	uintptr_t	lo, hi;
}			 ro[RO_MAX];
static int		 nro;

static pthread_mutex_t	 mtx = PTHREAD_MUTEX_INITIALIZER;
static const char	*names[FNAME_MAX + 1];	/* by number, in pool */
static char		 pool[POOL];
static size_t		 pooll;
static uint32_t		 tab[TAB];		/* numbers, 0 empty */
static uint32_t		 nnames;

static __thread struct {
	const char	*p;
	uint32_t	 id;
}			 cache[CACHE];
static __thread size_t	 ncache;

/* The first object dl_iterate_phdr visits is the program itself. */
static int
phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	const ElfW(Phdr)	*ph;
	int			 i;

	(void)size;
	(void)arg;
	for (i = 0; i < info->dlpi_phnum && nro < RO_MAX; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		ro[nro].lo = info->dlpi_addr + ph->p_vaddr;
		ro[nro].hi = ro[nro].lo + ph->p_memsz;
		nro++;
	}
	return 1;
}

static void
find_ro(void)
{
	dl_iterate_phdr(phdr_cb, NULL);
}

static int
is_ro(uintptr_t a)
{
	int i;

	for (i = 0; i < nro; i++)
		if (a >= ro[i].lo && a < ro[i].hi)
			return 1;
	return 0;
}

static int
in_pool(uintptr_t a)
{
	return a - (uintptr_t)pool < POOL;
}

/*
 * The number of name and its copy in the pool (*canon, may be NULL); a
 * name not in the table is added when add is set.
 */
static uint32_t
lookup(const char *name, const char **canon, int add)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 n, slot;
	uint32_t	 id;

	for (n = 0; name[n] != '\0'; n++) {
		if (n == FNAME_LEN)
			return FNAME_NONE;
		h = (h ^ (unsigned char)name[n]) * 0x100000001b3ULL;
	}
	pthread_mutex_lock(&mtx);
	for (slot = h & (TAB - 1); (id = tab[slot]) != 0;
	    slot = (slot + 1) & (TAB - 1))
		if (strcmp(names[id], name) == 0)
			goto out;
	id = FNAME_NONE;
	if (add && nnames < FNAME_MAX && n + 1 <= POOL - pooll) {
		memcpy(pool + pooll, name, n + 1);
		id = ++nnames;
		names[id] = pool + pooll;
		pooll += n + 1;
		tab[slot] = id;
	}
 out:
	if (canon != NULL && id != FNAME_NONE)
		*canon = names[id];
	pthread_mutex_unlock(&mtx);
	return id;
}

static uint32_t
get(const char *name, int add)
{
	uintptr_t	a = (uintptr_t)name;
	size_t		slot = (size_t)((a * 0x9e3779b97f4a7c15ULL) >> 54) %
			    CACHE;
	uint32_t	id;

	/* only addresses whose bytes never change are cached: a hit is
	 * exact */
	for (; cache[slot].p != NULL; slot = (slot + 1) % CACHE)
		if (cache[slot].p == name)
			return cache[slot].id;
	pthread_once(&once, find_ro);
	/* the program's literals are a bounded set: always numbered */
	id = lookup(name, NULL, add || is_ro(a));
	if (id == FNAME_NONE || !(in_pool(a) || is_ro(a)))
		return id;
	if (ncache >= CACHE / 4 * 3) {
		memset(cache, 0, sizeof(cache));
		ncache = 0;
		slot = (size_t)((a * 0x9e3779b97f4a7c15ULL) >> 54) % CACHE;
	}
	cache[slot].p = name;
	cache[slot].id = id;
	ncache++;
	return id;
}

uint32_t
fname_id(const char *name)
{
	return get(name, 1);
}

uint32_t
fname_find(const char *name)
{
	return get(name, 0);
}

const char *
fname_canon(const char *name)
{
	const char *c = name;

	(void)lookup(name, &c, 1);
	return c;
}

const char *
fname_canon_known(const char *name)
{
	const char *c = name;

	(void)lookup(name, &c, 0);
	return c;
}
