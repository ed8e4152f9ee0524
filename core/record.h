/*
 * record.h -- the in-memory view of one event: times, flags, the raw line
 * and its structured fields (ECS-style names, docs/events.md).  Field
 * values point into the raw line or into the event's own scratch space;
 * nothing is heap-allocated, so an event can live on the stack.
 */
#ifndef VIGIL_RECORD_H
#define VIGIL_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define REC_FIELDS_MAX	64
#define REC_SCRATCH		8192

/* flags */
#define REC_F_MALFORMED	0x01	/* no decoder understood the header */
#define REC_F_TRUNCATED	0x02	/* line cut at PROTO_LINE_MAX */
#define REC_F_NOTIME		0x04	/* no usable time: receive time used */
#define REC_F_GAP		0x08	/* synthetic: sequence gap record */
#define REC_F_BADUTF8		0x10	/* raw line is not valid UTF-8 */

struct record_field {
	const char	*name;		/* static string */
	const char	*val;
	size_t		 len;
	uint32_t	 id;		/* fname_id(name): whoever appends a
					 * field sets it (record_add does) */
};

struct record {
	int64_t			ts_us;		/* @timestamp (event time) */
	int64_t			recv_us;	/* event.ingested */
	int64_t			read_us;	/* shipper read time */
	uint64_t		seq;		/* per-stream sequence */
	uint32_t		flags;
	const char		*raw;		/* not NUL-terminated */
	size_t			rawlen;
	int			nfields;
	/* finding a field by its name's number: pos[id % 64] is 1 + the
	 * index of the first field appended with such a number (0: none);
	 * a bit in coll says another number shares the slot, so look
	 * through all (fields without a number are only found that way) */
	uint8_t			pos[64];
	uint64_t		coll;
	struct record_field	f[REC_FIELDS_MAX];
	size_t			scratchlen;
	char			scratch[REC_SCRATCH];
};

/* Reset to an empty event (no fields, no raw line). */
void	record_init(struct record *);
/*
 * Add a field; val is not copied (it must outlive the event).  A second
 * add of the same name replaces the value.  ERR_TOOBIG when full.
 */
int	record_add(struct record *, const char *name, const char *val,
	    size_t len);
/* Add a field whose value is copied into the event's scratch space. */
int	record_addcopy(struct record *, const char *name, const char *val,
	    size_t len);
int	record_addf(struct record *, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Add a field holding v in decimal (copied; no printf on the hot path). */
int	record_adduint(struct record *, const char *name, uint64_t v);
/*
 * A decoder that gives up half-way rolls the record back to a mark, so a
 * line it does not recognise keeps only the fields set before it.  (A
 * field replaced after the mark keeps its new value: decoders only add.)
 */
struct record_mark {
	int	nfields;
	size_t	scratchlen;
};
void	record_mark(const struct record *, struct record_mark *);
void	record_rollback(struct record *, const struct record_mark *);
/*
 * Append a field known to be absent, name's fname_id id given (the
 * decoders' own appends).  ERR_TOOBIG when full.
 */
int	record_append(struct record *, const char *name, uint32_t id,
	    const char *val, size_t len);
/* Index of the field named name (fname_id id), or -1. */
int	record_find(const struct record *, const char *name, uint32_t id);
/* Value of a field, or NULL (then *len is untouched). */
const char *record_get(const struct record *, const char *name, size_t *len);
/* The same with the name's fname_id already known. */
const char *record_get_id(const struct record *, const char *name,
	    uint32_t id, size_t *len);

#endif
