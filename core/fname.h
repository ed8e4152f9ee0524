/*
 * fname.h -- field names as small numbers.  An event's fields are looked
 * up by name many times each (the decoders' duplicate checks, the index,
 * every rule condition); comparing numbers instead of strings was about
 * a fifth of the collector's writer thread.
 *
 * fname_id gives every distinct name (by content) one number for the
 * life of the process, the same in every thread.  The table is bounded:
 * past FNAME_MAX names, new names get FNAME_NONE and are compared as
 * strings (fname_eq does both).
 */
#ifndef VIGIL_FNAME_H
#define VIGIL_FNAME_H

#include <stdint.h>
#include <string.h>

#define FNAME_MAX	4096
#define FNAME_NONE	0

/* The number of name (1..FNAME_MAX), or FNAME_NONE when the table is full. */
uint32_t	fname_id(const char *name);
/*
 * The same without adding a name from the heap or the stack to the
 * table: FNAME_NONE for such a name it does not hold.  For lookups: a
 * field appended to a record got its number from fname_id, so a name not
 * in the table has none.  (String literals are added: a bounded set.)
 */
uint32_t	fname_find(const char *name);

/*
 * The table's own copy of name, which lives as long as the process and
 * is found by address thereafter (name itself when the table is full).
 * For names kept on the heap and looked up often.
 */
const char	*fname_canon(const char *name);
/* The same, but only for a name the table already holds (else name):
 * for names typed by users (queries), which should not fill it. */
const char	*fname_canon_known(const char *name);

/* Names a and b, with their fname_id numbers, are the same. */
static inline int
fname_eq(const char *a, uint32_t ida, const char *b, uint32_t idb)
{
	if (ida != idb)
		return 0;
	return ida != FNAME_NONE || a == b || strcmp(a, b) == 0;
}

#endif
