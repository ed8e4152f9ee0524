/*
 * record.c -- field list of an event.  Pure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "fname.h"
#include "record.h"

void
record_init(struct record *ev)
{
	ev->ts_us = ev->recv_us = ev->read_us = 0;
	ev->seq = 0;
	ev->flags = 0;
	ev->raw = NULL;
	ev->rawlen = 0;
	ev->nfields = 0;
	memset(ev->pos, 0, sizeof(ev->pos));
	ev->coll = 0;
	ev->scratchlen = 0;
}

static void
index_field(struct record *ev, int i)
{
	uint32_t	id = ev->f[i].id;
	unsigned	slot = id % 64;

	/* a field without a number is only ever found by a scan */
	if (id == FNAME_NONE)
		return;
	if (ev->pos[slot] == 0)
		ev->pos[slot] = (uint8_t)(i + 1);
	else
		ev->coll |= 1ULL << slot;
}

int
record_find(const struct record *ev, const char *name, uint32_t id)
{
	unsigned	slot = id % 64;
	int		i;

	if (id != FNAME_NONE) {
		i = ev->pos[slot] - 1;
		if (i >= 0 && ev->f[i].id == id)
			return i;
		if (!(ev->coll >> slot & 1))
			return -1;
	}
	for (i = 0; i < ev->nfields; i++)
		if (fname_eq(ev->f[i].name, ev->f[i].id, name, id))
			return i;
	return -1;
}

int
record_append(struct record *ev, const char *name, uint32_t id,
    const char *val, size_t len)
{
	if (ev->nfields >= REC_FIELDS_MAX)
		return ERR_TOOBIG;
	ev->f[ev->nfields].name = name;
	ev->f[ev->nfields].val = val;
	ev->f[ev->nfields].len = len;
	ev->f[ev->nfields].id = id;
	index_field(ev, ev->nfields++);
	return 0;
}

int
record_add(struct record *ev, const char *name, const char *val, size_t len)
{
	uint32_t	id = fname_id(name);
	int		i;

	if ((i = record_find(ev, name, id)) >= 0) {
		ev->f[i].val = val;
		ev->f[i].len = len;
		return 0;
	}
	return record_append(ev, name, id, val, len);
}

int
record_addcopy(struct record *ev, const char *name, const char *val, size_t len)
{
	char *p;

	if (len + 1 > REC_SCRATCH - ev->scratchlen)
		return ERR_TOOBIG;
	p = ev->scratch + ev->scratchlen;
	memcpy(p, val, len);
	p[len] = '\0';
	ev->scratchlen += len + 1;
	return record_add(ev, name, p, len);
}

int
record_addf(struct record *ev, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room = REC_SCRATCH - ev->scratchlen;
	char	*p = ev->scratch + ev->scratchlen;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return ERR_TOOBIG;
	ev->scratchlen += (size_t)n + 1;
	return record_add(ev, name, p, (size_t)n);
}

int
record_adduint(struct record *ev, const char *name, uint64_t v)
{
	char	d[20];		/* UINT64_MAX has 20 digits */
	size_t	n = 0;

	do
		d[sizeof(d) - ++n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return record_addcopy(ev, name, d + sizeof(d) - n, n);
}

const char *
record_get_id(const struct record *ev, const char *name, uint32_t id,
    size_t *len)
{
	int i;

	if ((i = record_find(ev, name, id)) < 0)
		return NULL;
	*len = ev->f[i].len;
	return ev->f[i].val;
}

const char *
record_get(const struct record *ev, const char *name, size_t *len)
{
	return record_get_id(ev, name, fname_find(name), len);
}

void
record_mark(const struct record *ev, struct record_mark *m)
{
	m->nfields = ev->nfields;
	m->scratchlen = ev->scratchlen;
}

void
record_rollback(struct record *ev, const struct record_mark *m)
{
	int i;

	/* a slot held by a field that goes is free again (a field kept
	 * never has its slot held by a later one); coll bits stay, which
	 * costs a scan at most */
	for (i = m->nfields; i < ev->nfields; i++)
		if (ev->f[i].id != FNAME_NONE &&
		    ev->pos[ev->f[i].id % 64] == i + 1)
			ev->pos[ev->f[i].id % 64] = 0;
	ev->nfields = m->nfields;
	ev->scratchlen = m->scratchlen;
}
