/*
 * state.c -- streams, the window of unacknowledged lines and checkpoints
 * (see state.h for the invariant).  Owns every line between read and ACK
 * and the checkpoints file.  Knows nothing about sockets, TLS or how
 * files are followed; only state_load and state_save touch the disk.
 *
 * Line life cycle, per stream, in sequence order:
 *   read (state_push) -> unsent -> sent (state_batch) -> released (ACK)
 *   sent -> unsent again when the connection drops (state_unsend).
 * The lines form one queue; s->unsent points at the first unsent one
 * (NULL: all sent), so everything before it has been sent.
 *
 * A file stream's position is (dev, ino, off); a journal stream's is the
 * cursor of an entry (s->cursor, "" before the first).  Each line carries
 * the position just after it, so that an ACK moves the checkpoint there.
 *
 * With a spool (state_spool), every line goes to the spool first and the
 * checkpoint follows the spool instead of the ACKs: state_sync moves it
 * to the position after the last line made durable there (s->rd).  The
 * window is then a cache of the spool ahead of the connection: it holds
 * the oldest unsent lines in spool order, and a line leaves it as soon as
 * it is sent (state_batch), because the spool keeps it until its ACK: a
 * lost connection rewinds the spool and reads the unacknowledged lines
 * back (state_unsend).  So the lines in flight cost no memory and their
 * number is not bounded by the window (forward.c bounds it).  Once the
 * window is full (st->spilled) new lines go to the spool only and
 * state_refill reads them back as sending makes room.  A segment the full
 * spool drops becomes a gap (s->gap), sent as a GAP frame before the
 * stream's next line:
 *   none -> pending (state_dropcb) -> sent (state_batch) -> none (ACK)
 *   sent -> pending when the connection drops before its ACK.
 * Sent lines in a dropped segment (s->lost) join the gap only if the
 * connection drops before their ACK.
 */
#include <sys/queue.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "log.h"
#include "proto.h"
#include "spool.h"
#include "state.h"

struct wline {
	STAILQ_ENTRY(wline)	 entry;
	uint64_t		 seq;
	uint64_t		 dev, ino, end;
	const char		*cursor;	/* in data[], or NULL */
	int64_t			 read_us;
	uint32_t		 len;
	uint32_t		 alloc;		/* bytes of data[] */
	char			 data[];
};

STAILQ_HEAD(wlines, wline);

struct stream {
	char		*type;
	struct state_ckpt ck;		/* acknowledged position, persisted */
	char		*cursor;	/* journal: with ck; else NULL */
	uint64_t	 next_seq;	/* for the next line read */
	uint64_t	 stored;	/* collector has every seq <= stored */
	uint64_t	 last_sent;	/* on this connection, >= stored */
	int		 resync;
	struct wlines	 lines;
	struct wline	*unsent;
	/* with a spool */
	uint64_t	 spooled;	/* highest seq in the spool */
	uint64_t	 rd_dev, rd_ino, rd_end;	/* after the last line read */
	char		*rd_cursor;
	int		 rd_dirty;
	struct {
		uint64_t first, last;
		int64_t	 first_us, last_us;
		int	 state;		/* GAP_* */
	} gap;
	/* sent lines the full spool dropped: every seq up to lost is gone */
	uint64_t	 lost;
	int64_t		 lost_first_us, lost_last_us;
};

#define GAP_NONE	0
#define GAP_PENDING	1
#define GAP_SENT	2

struct state {
	char		*dir;
	struct stream	*s;
	size_t		 n;
	struct state_rec *old;		/* loaded, not (yet) a stream */
	size_t		 nold;
	size_t		 bytes, max;
	int		 dirty;
	int		 urgent;	/* a checkpoint moved to another file */
	struct spool	*sp;		/* NULL: the window is all there is */
	int		 spilled;	/* lines in the spool after the window */
	size_t		 round;		/* bytes spooled since state_sync */
	uint64_t	 dropped;	/* lines the full spool dropped */
};

static size_t
wline_cost(const struct wline *l)
{
	return l->alloc + STATE_LINE_OVERHEAD;
}

struct state *
state_new(const char *dir, size_t window_max)
{
	struct state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	if ((st->dir = strdup(dir)) == NULL) {
		free(st);
		return NULL;
	}
	st->max = window_max;
	return st;
}

static void
stream_clear(struct stream *s)
{
	struct wline *l;

	while ((l = STAILQ_FIRST(&s->lines)) != NULL) {
		STAILQ_REMOVE_HEAD(&s->lines, entry);
		free(l);
	}
	free(s->ck.path);
	free(s->cursor);
	free(s->rd_cursor);
	free(s->type);
}

void
state_free(struct state *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++)
		stream_clear(&st->s[i]);
	free(st->s);
	state_recs_free(st->old, st->nold);
	free(st->dir);
	free(st);
}

int
state_load(struct state *st, int *existed, size_t *nbad)
{
	char	 path[4096], *text = NULL;
	FILE	*f = NULL;
	size_t	 n;
	int	 r = ERR_IO;

	*existed = 0;
	*nbad = 0;
	snprintf(path, sizeof(path), "%s/%s", st->dir, STATE_FILE);
	if ((f = fopen(path, "r")) == NULL) {
		r = errno == ENOENT ? 0 : ERR_IO;
		goto out;
	}
	*existed = 1;
	if ((text = malloc(STATE_FILE_MAX)) == NULL) {
		r = ERR_NOMEM;
		goto out;
	}
	n = fread(text, 1, STATE_FILE_MAX, f);
	if (ferror(f))
		goto out;
	if (n == STATE_FILE_MAX) {
		errno = EFBIG;
		goto out;
	}
	state_recs_free(st->old, st->nold);
	st->old = NULL;
	st->nold = 0;
	r = state_rec_parse(text, n, &st->old, &st->nold, nbad);
 out:
	free(text);
	if (f != NULL)
		fclose(f);
	return r;
}

int
state_stream_add(struct state *st, const char *path, const char *type,
    const struct state_ckpt **ckp)
{
	struct stream	*ns, *s;
	size_t		 i;

	*ckp = NULL;
	if (st->n >= PROTO_STREAMS_MAX)
		return ERR_TOOBIG;
	if ((ns = reallocarray(st->s, st->n + 1, sizeof(*ns))) == NULL)
		return ERR_NOMEM;
	st->s = ns;
	/* an empty queue's tail pointer pointed into the old array */
	for (i = 0; i < st->n; i++)
		if (STAILQ_EMPTY(&st->s[i].lines))
			STAILQ_INIT(&st->s[i].lines);
	s = &st->s[st->n];
	memset(s, 0, sizeof(*s));
	STAILQ_INIT(&s->lines);
	s->ck.next_seq = 1;
	if ((s->type = strdup(type)) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < st->nold; i++)
		if (strcmp(st->old[i].ck.path, path) == 0)
			break;
	if (i < st->nold) {
		/* take the loaded entry over */
		s->ck = st->old[i].ck;
		s->cursor = st->old[i].cursor;
		st->old[i] = st->old[--st->nold];
		*ckp = &s->ck;
	} else if ((s->ck.path = strdup(path)) == NULL) {
		free(s->type);
		return ERR_NOMEM;
	}
	s->next_seq = s->ck.next_seq;
	s->stored = s->last_sent = s->next_seq - 1;
	if (st->sp != NULL) {
		struct spool_info info;
		int r;

		if ((r = spool_stream(st->sp, (uint32_t)st->n, s->ck.path,
		    &info)) != 0) {
			/* the loaded entry is lost: acceptable at start-up */
			free(s->ck.path);
			free(s->cursor);
			free(s->type);
			return r;
		}
		s->spooled = info.nlines > 0 ? info.max : 0;
		/*
		 * What the collector has: the saved ACK; else, for lines
		 * spooled before it was saved, all before them; else (no
		 * spool yet) the checkpoint, which followed the ACKs.
		 */
		if (info.has_acked)
			s->stored = info.acked;
		else if (info.nlines > 0)
			s->stored = info.min - 1;
		s->last_sent = s->stored;
		spool_ack(st->sp, (uint32_t)st->n, s->stored);
	}
	return (int)st->n++;
}

/*
 * The read position is new.  Lines after the checkpoint that are already
 * in the spool are read again with the same numbers and skipped; but
 * when they are gone (resync) new lines must not reuse their numbers:
 * the spool is never renumbered.
 */
static void
stream_spool_begin(struct stream *s)
{
	if (s->resync && s->spooled >= s->next_seq) {
		s->next_seq = s->spooled + 1;
		s->ck.next_seq = s->next_seq;
	}
}

void
state_stream_begin(struct state *st, size_t i, const struct state_ckpt *pos,
    int resync)
{
	struct stream *s = &st->s[i];

	s->ck.dev = pos->dev;
	s->ck.ino = pos->ino;
	s->ck.off = pos->off;
	s->resync = resync;
	stream_spool_begin(s);
	st->dirty = 1;
}

const char *
state_stream_cursor(const struct state *st, size_t i)
{
	return st->s[i].cursor;
}

int
state_stream_begin_cursor(struct state *st, size_t i, const char *cursor,
    int resync)
{
	struct stream	*s = &st->s[i];
	char		*c;

	if (state_cursor_check(cursor, strlen(cursor)) != 0)
		return ERR_FORMAT;
	if ((c = strdup(cursor)) == NULL)
		return ERR_NOMEM;
	free(s->cursor);
	s->cursor = c;
	s->ck.dev = s->ck.ino = s->ck.off = 0;
	s->resync = resync;
	stream_spool_begin(s);
	st->dirty = 1;
	return 0;
}

size_t
state_nstreams(const struct state *st)
{
	return st->n;
}

const char *
state_stream_path(const struct state *st, size_t i)
{
	return st->s[i].ck.path;
}

const char *
state_stream_type(const struct state *st, size_t i)
{
	return st->s[i].type;
}

uint64_t
state_last_seq(const struct state *st, size_t i)
{
	return st->s[i].next_seq - 1;
}

/*
 * Move the checkpoint to just after line seq (which the collector has):
 * (dev, ino, end) for a file, cursor for a journal.  Out of memory for
 * the cursor, the checkpoint stays where it was: an older position with
 * its own next_seq is as consistent, it only means re-reading more.
 */
static void
stream_advance(struct state *st, struct stream *s, uint64_t dev,
    uint64_t ino, uint64_t end, const char *cursor, uint64_t seq)
{
	char *c;

	if (cursor != NULL) {
		if ((c = strdup(cursor)) == NULL)
			return;
		free(s->cursor);
		s->cursor = c;
	}
	s->ck.dev = dev;
	s->ck.ino = ino;
	s->ck.off = end;
	s->ck.next_seq = seq + 1;
	st->dirty = 1;
}

/* Remember where the stream's reading is, for state_sync. */
static int
stream_readpos(struct stream *s, uint64_t dev, uint64_t ino, uint64_t end,
    const char *cursor)
{
	size_t	 n;
	char	*c;

	if (cursor != NULL) {
		n = strlen(cursor) + 1;
		if ((c = realloc(s->rd_cursor, n)) == NULL)
			return ERR_NOMEM;
		memcpy(c, cursor, n);
		s->rd_cursor = c;
	}
	s->rd_dev = dev;
	s->rd_ino = ino;
	s->rd_end = end;
	s->rd_dirty = 1;
	return 0;
}

/* Put a line in the window; cursor NULL for a file stream. */
static int
window_add(struct state *st, struct stream *s, uint64_t seq,
    const uint8_t *p, size_t len, uint64_t dev, uint64_t ino, uint64_t end,
    const char *cursor, int64_t read_us)
{
	struct wline	*l;
	size_t		 clen = cursor != NULL ? strlen(cursor) + 1 : 0;

	if ((l = malloc(sizeof(*l) + len + clen)) == NULL)
		return ERR_NOMEM;
	l->seq = seq;
	l->dev = dev;
	l->ino = ino;
	l->end = end;
	l->read_us = read_us;
	l->len = (uint32_t)len;
	l->alloc = (uint32_t)(len + clen);
	memcpy(l->data, p, len);
	l->cursor = NULL;
	if (cursor != NULL) {
		memcpy(l->data + len, cursor, clen);
		l->cursor = l->data + len;
	}
	STAILQ_INSERT_TAIL(&s->lines, l, entry);
	if (s->unsent == NULL)
		s->unsent = l;
	st->bytes += wline_cost(l);
	return 0;
}

/*
 * With a spool: the line goes to the spool, and to the window too while
 * nothing waits in the spool behind it and there is room.
 */
static int
stream_spool_push(struct state *st, size_t i, const uint8_t *p, size_t len,
    uint64_t dev, uint64_t ino, uint64_t end, const char *cursor,
    int64_t read_us)
{
	struct stream	*s = &st->s[i];
	uint64_t	 seq = s->next_seq;
	int		 r;

	if (seq > s->stored && seq > s->spooled) {
		if (!st->spilled && st->bytes >= st->max) {
			spool_mark_end(st->sp);
			st->spilled = 1;
		}
		if ((r = spool_append(st->sp, (uint32_t)i, seq, read_us, p,
		    len)) != 0)
			return r;
		s->spooled = seq;
		st->round += len + SPOOL_HDR + 24;
		if (!st->spilled && (r = window_add(st, s, seq, p, len, 0, 0,
		    0, NULL, read_us)) != 0) {
			/* it is in the spool: read it back from there */
			spool_mark_end(st->sp);
			st->spilled = 1;
		}
	}
	/* else read again after a restart: stored or spooled already */
	s->next_seq++;
	if (stream_readpos(s, dev, ino, end, cursor) != 0) {
		/* the checkpoint stays behind: only means reading more again */
		s->rd_dirty = 0;
	}
	return 0;
}

static int
stream_push(struct state *st, size_t i, const uint8_t *p, size_t len,
    uint64_t dev, uint64_t ino, uint64_t end, const char *cursor,
    int64_t read_us)
{
	struct stream	*s = &st->s[i];
	uint64_t	 seq = s->next_seq;
	size_t		 clen = cursor != NULL ? strlen(cursor) + 1 : 0;
	int		 r;

	if (len > PROTO_LINE_MAX)
		return ERR_TOOBIG;
	if (cursor != NULL && state_cursor_check(cursor, clen - 1) != 0)
		return ERR_FORMAT;
	if (st->sp != NULL)
		return stream_spool_push(st, i, p, len, dev, ino, end, cursor,
		    read_us);
	if (seq <= s->stored) {
		/* read again after a restart; WELCOME said it is stored */
		s->next_seq++;
		stream_advance(st, s, dev, ino, end, cursor, seq);
		return 0;
	}
	if ((r = window_add(st, s, seq, p, len, dev, ino, end, cursor,
	    read_us)) != 0)
		return r;
	s->next_seq++;
	return 0;
}

int
state_push(struct state *st, size_t i, const uint8_t *p, size_t len,
    uint64_t dev, uint64_t ino, uint64_t end, int64_t read_us)
{
	return stream_push(st, i, p, len, dev, ino, end, NULL, read_us);
}

int
state_push_cursor(struct state *st, size_t i, const uint8_t *p, size_t len,
    const char *cursor, int64_t read_us)
{
	return stream_push(st, i, p, len, 0, 0, 0, cursor, read_us);
}

int
state_full(const struct state *st)
{
	/* with a spool: enough for one round; state_sync starts the next */
	if (st->sp != NULL)
		return st->round >= STATE_ROUND_MAX;
	return st->bytes >= st->max;
}

size_t
state_window_bytes(const struct state *st)
{
	return st->bytes;
}

int
state_has_unsent(const struct state *st, size_t i)
{
	return st->s[i].unsent != NULL || st->s[i].gap.state == GAP_PENDING;
}

/* Encode the pending gap of stream i as a GAP frame. */
static int
stream_gap_frame(struct state *st, size_t i, struct buf *out)
{
	struct stream		*s = &st->s[i];
	struct proto_gap	 g;
	int			 r;

	memset(&g, 0, sizeof(g));
	/* WELCOME may have said the collector has the start of it */
	if (s->gap.first <= s->stored)
		s->gap.first = s->stored + 1;
	g.stream = (uint32_t)i;
	g.first_seq = s->gap.first;
	g.last_seq = s->gap.last;
	g.first_us = s->gap.first_us;
	g.last_us = s->gap.last_us;
	g.reason = STATE_GAP_REASON;
	g.reasonlen = strlen(STATE_GAP_REASON);
	if ((r = proto_gap_encode(out, &g)) != 0)
		return r;
	if (s->gap.state != GAP_SENT)
		log_warnx("input %s: sending GAP %llu-%llu (%llu lines the "
		    "full spool dropped)", s->ck.path,
		    (unsigned long long)s->gap.first,
		    (unsigned long long)s->gap.last,
		    (unsigned long long)(s->gap.last - s->gap.first + 1));
	s->gap.state = GAP_SENT;
	if (s->last_sent < s->gap.last)
		s->last_sent = s->gap.last;
	return 1;
}

/*
 * With a spool: the sent lines leave the window (the spool has them until
 * their ACK; state_unsend reads them back from there).
 */
static void
stream_drop_sent(struct state *st, struct stream *s)
{
	struct wline *l;

	while ((l = STAILQ_FIRST(&s->lines)) != NULL && l != s->unsent) {
		STAILQ_REMOVE_HEAD(&s->lines, entry);
		st->bytes -= wline_cost(l);
		free(l);
	}
}

int
state_batch(struct state *st, size_t i, struct buf *out, size_t maxlines,
    size_t maxbytes)
{
	struct stream	*s = &st->s[i];
	struct wline	*l;
	uint64_t	 last = 0;
	size_t		 mark, start = out->len;
	int		 n = 0, r;

	if (s->gap.state == GAP_PENDING)
		return stream_gap_frame(st, i, out);
	if ((l = s->unsent) == NULL)
		return 0;
	if (maxlines > PROTO_BATCH_MAX)
		maxlines = PROTO_BATCH_MAX;
	if ((r = proto_batch_begin(out, (uint32_t)i, l->seq, &mark)) != 0)
		return r;
	for (; l != NULL && (size_t)n < maxlines; l = STAILQ_NEXT(l, entry)) {
		/* always take one line, so a batch is never empty */
		if (n > 0 && out->len - start + 12 + l->len > maxbytes)
			break;
		if ((r = proto_batch_add(out, mark, l->read_us, l->data,
		    l->len)) == ERR_TOOBIG && n > 0)
			break;		/* frame full */
		if (r != 0) {
			out->len = start;
			return r;
		}
		last = l->seq;
		n++;
	}
	if ((r = proto_batch_end(out, mark)) != 0) {
		out->len = start;
		return r;
	}
	/* the last line encoded: with a spilled window, next_seq - 1 was
	 * read but is not sent yet */
	s->last_sent = last;
	s->unsent = l;
	if (st->sp != NULL)
		stream_drop_sent(st, s);
	return n;
}

/* Release the lines with seq <= through. */
static void
stream_release(struct state *st, struct stream *s, uint64_t through)
{
	struct wline *l, *next;

	while ((l = STAILQ_FIRST(&s->lines)) != NULL && l->seq <= through) {
		STAILQ_REMOVE_HEAD(&s->lines, entry);
		next = STAILQ_FIRST(&s->lines);
		if (s->unsent == l)
			s->unsent = next;
		/* only the last one matters: one cursor copy per ACK */
		if (st->sp == NULL && (next == NULL || next->seq > through))
			stream_advance(st, s, l->dev, l->ino, l->end,
			    l->cursor, l->seq);
		st->bytes -= wline_cost(l);
		free(l);
	}
	if (through > s->stored)
		s->stored = through;
	if (s->last_sent < s->stored)
		s->last_sent = s->stored;
	if (s->gap.state != GAP_NONE && s->stored >= s->gap.last)
		s->gap.state = GAP_NONE;
	if (st->sp != NULL) {
		spool_ack(st->sp, (uint32_t)(s - st->s), s->stored);
		spool_gc(st->sp);
		st->dirty = 1;		/* the acked file */
	}
}

int
state_ack(struct state *st, size_t i, uint64_t through)
{
	struct stream	*s = &st->s[i];

	if (through > s->last_sent)
		return ERR_RANGE;
	stream_release(st, s, through);
	return 0;
}

int
state_welcome(struct state *st, size_t i, uint64_t next_seq)
{
	struct stream	*s = &st->s[i];
	struct wline	*l;
	uint64_t	 first, delta;

	if (next_seq == 0)
		next_seq = 1;
	if (!s->resync) {
		stream_release(st, s, next_seq - 1);
		return 0;
	}
	s->resync = 0;
	if (st->sp != NULL && (!STAILQ_EMPTY(&s->lines) ||
	    s->spooled > s->stored || s->gap.state != GAP_NONE)) {
		/* spooled lines keep their numbers (duplicates are absorbed) */
		stream_release(st, s, next_seq - 1);
		return 0;
	}
	l = STAILQ_FIRST(&s->lines);
	first = l != NULL ? l->seq : s->next_seq;
	if (next_seq <= first)
		return 0;
	/*
	 * Our numbers may name lines the collector already holds as other
	 * text: shift everything not yet acknowledged past them.  The
	 * checkpoint names the line before the first in the window, so it
	 * shifts too.
	 */
	delta = next_seq - first;
	STAILQ_FOREACH(l, &s->lines, entry)
		l->seq += delta;
	s->next_seq += delta;
	s->ck.next_seq += delta;
	s->stored = s->last_sent = next_seq - 1;
	if (st->sp != NULL)
		spool_ack(st->sp, (uint32_t)i, s->stored);
	st->dirty = 1;
	return 1;
}

/*
 * With a spool, after a lost connection: the window is emptied, to be
 * read again from the spool from its oldest line (state_refill skips what
 * is acknowledged); sent lines the spool dropped meanwhile become part
 * of the gap, which then starts after the last acknowledged line (every
 * line before a dropped one was in the same or an older segment).
 */
static void
stream_unsend_spool(struct state *st, struct stream *s)
{
	struct wline	*l;
	uint64_t	 n, lo, hi;

	while ((l = STAILQ_FIRST(&s->lines)) != NULL) {
		STAILQ_REMOVE_HEAD(&s->lines, entry);
		st->bytes -= wline_cost(l);
		free(l);
	}
	if (s->lost > s->stored) {
		/* lost now: stored+1..lost but the gap's lines (counted) */
		n = s->lost - s->stored;
		lo = s->gap.first > s->stored ? s->gap.first : s->stored + 1;
		hi = s->gap.last < s->lost ? s->gap.last : s->lost;
		if (s->gap.state != GAP_NONE && hi >= lo)
			n -= hi - lo + 1;
		st->dropped += n;
		if (s->gap.state == GAP_NONE || s->gap.last < s->lost) {
			s->gap.last = s->lost;
			s->gap.last_us = s->lost_last_us;
		}
		s->gap.first = s->stored + 1;
		s->gap.first_us = s->lost_first_us;
		s->gap.state = GAP_PENDING;
		log_warnx("input %s: the full spool dropped lines %llu-%llu "
		    "before their ACK", s->ck.path,
		    (unsigned long long)s->gap.first,
		    (unsigned long long)s->lost);
	}
	s->lost = 0;
}

void
state_unsend(struct state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (st->sp != NULL)
			stream_unsend_spool(st, &st->s[i]);
		st->s[i].unsent = STAILQ_FIRST(&st->s[i].lines);
		st->s[i].last_sent = st->s[i].stored;
		if (st->s[i].gap.state == GAP_SENT)
			st->s[i].gap.state = GAP_PENDING;
	}
	if (st->sp != NULL) {
		spool_rewind(st->sp);
		st->spilled = 1;
	}
}

size_t
state_inflight(const struct state *st)
{
	size_t	i, n = 0;

	for (i = 0; i < st->n; i++)
		n += (size_t)(st->s[i].last_sent - st->s[i].stored);
	return n;
}

int
state_dirty(const struct state *st)
{
	return st->dirty;
}

int
state_urgent(struct state *st)
{
	int u = st->urgent;

	st->urgent = 0;
	return u;
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return ERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
state_save(struct state *st)
{
	struct state_rec	*all = NULL;
	struct buf		 b;
	char			 tmp[4096], path[4096];
	size_t			 i, n = 0;
	int			 fd = -1, dfd = -1, r = ERR_NOMEM, saved;

	buf_init(&b, STATE_FILE_MAX);
	if ((all = calloc(st->n + st->nold + 1, sizeof(*all))) == NULL)
		goto out;
	for (i = 0; i < st->n; i++) {
		all[n].ck = st->s[i].ck;
		all[n++].cursor = st->s[i].cursor;
	}
	for (i = 0; i < st->nold; i++)
		all[n++] = st->old[i];
	if ((r = state_rec_format(&b, all, n)) != 0)
		goto out;
	r = ERR_IO;
	snprintf(path, sizeof(path), "%s/%s", st->dir, STATE_FILE);
	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", st->dir, STATE_FILE);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		goto out;
	if (write_all(fd, b.d, b.len) != 0 || fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out;
	/* make the rename itself durable */
	if ((dfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) != 0)
		goto out;
	/* after the checkpoints: an older acked only means resending */
	if (st->sp != NULL && spool_save(st->sp) != 0)
		goto out;
	st->dirty = 0;
	r = 0;
 out:
	saved = errno;
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	free(all);	/* the entries are borrowed */
	buf_clear(&b);
	errno = saved;
	return r;
}

/*
 * The full spool dropped a segment holding stream's lines first..last.
 * Those not yet sent on this connection are lost: take them out of the
 * window and make them (part of) the stream's pending gap.  Lines already
 * sent stay until their ACK (the collector may have them).
 */
static void
state_dropcb(void *arg, uint32_t stream, uint64_t first, uint64_t last,
    int64_t first_us, int64_t last_us)
{
	struct state	*st = arg;
	struct stream	*s;
	struct wline	*l;
	struct wlines	 keep;
	int		 fix = 0;

	if (stream >= st->n)
		return;
	s = &st->s[stream];
	if (first <= s->last_sent && s->last_sent > s->stored) {
		/* sent, not acknowledged: lost if the connection drops */
		if (s->lost <= s->stored)
			s->lost_first_us = first_us;
		if (s->lost < (last < s->last_sent ? last : s->last_sent))
			s->lost = last < s->last_sent ? last : s->last_sent;
		/* the segment's times: they may bracket a few more lines */
		s->lost_last_us = last_us;
	}
	if (first <= s->last_sent)
		first = s->last_sent + 1;
	if (s->gap.state == GAP_PENDING && first <= s->gap.last)
		first = s->gap.last + 1;
	if (first > last)
		return;
	/* the window's lines, without those in first..last */
	STAILQ_INIT(&keep);
	while ((l = STAILQ_FIRST(&s->lines)) != NULL) {
		STAILQ_REMOVE_HEAD(&s->lines, entry);
		if (fix && s->unsent == NULL)
			s->unsent = l;
		if (l->seq < first || l->seq > last) {
			STAILQ_INSERT_TAIL(&keep, l, entry);
			continue;
		}
		if (l->seq == first)
			first_us = l->read_us;
		if (s->unsent == l) {
			s->unsent = NULL;
			fix = 1;
		}
		st->bytes -= wline_cost(l);
		free(l);
	}
	STAILQ_CONCAT(&s->lines, &keep);
	if (s->gap.state == GAP_PENDING) {
		s->gap.last = last;
		s->gap.last_us = last_us;
	} else {
		s->gap.first = first;
		s->gap.last = last;
		s->gap.first_us = first_us;
		s->gap.last_us = last_us;
		s->gap.state = GAP_PENDING;
	}
	st->dropped += last - first + 1;
	/* one warning per spell of drops, the rest at debug */
	if (s->gap.first == first)
		log_warnx("spool full: dropping the oldest lines of %s, from "
		    "%llu", s->ck.path, (unsigned long long)first);
	log_debug("spool full: dropped lines %llu-%llu of %s (%llu dropped "
	    "in all)", (unsigned long long)first, (unsigned long long)last,
	    s->ck.path, (unsigned long long)st->dropped);
}

void
state_spool(struct state *st, struct spool *sp)
{
	st->sp = sp;
	spool_set_dropcb(sp, state_dropcb, st);
	/* recovered lines come back through state_refill, oldest first */
	spool_rewind(sp);
	st->spilled = 1;
}

int
state_sync(struct state *st)
{
	struct stream	*s;
	size_t		 i;
	char		*c;

	if (st->sp == NULL)
		return 0;
	if (spool_sync(st->sp) != 0)
		return ERR_IO;
	st->round = 0;
	for (i = 0; i < st->n; i++) {
		s = &st->s[i];
		if (!s->rd_dirty)
			continue;
		if (s->rd_cursor != NULL) {
			if ((c = strdup(s->rd_cursor)) == NULL)
				continue;	/* next time */
			free(s->cursor);
			s->cursor = c;
		}
		/* reading moved to another file, or back in a truncated
		 * one: an older checkpoint would name lines by other
		 * numbers than the spool's, so it is saved at once */
		if (s->ck.dev != s->rd_dev || s->ck.ino != s->rd_ino ||
		    s->rd_end < s->ck.off)
			st->urgent = 1;
		s->ck.dev = s->rd_dev;
		s->ck.ino = s->rd_ino;
		s->ck.off = s->rd_end;
		s->ck.next_seq = s->next_seq;
		s->rd_dirty = 0;
		st->dirty = 1;
	}
	return 0;
}

int
state_refill(struct state *st)
{
	struct spool_rec	 rec;
	struct stream		*s;
	int			 r, n = 0;

	if (st->sp == NULL)
		return 0;
	while (st->spilled && st->bytes < st->max) {
		if ((r = spool_next(st->sp, &rec)) < 0)
			return r;
		if (r == 0) {
			st->spilled = 0;
			break;
		}
		if (rec.stream >= st->n || rec.len > PROTO_LINE_MAX)
			continue;
		s = &st->s[rec.stream];
		if (rec.seq <= s->stored || (s->gap.state != GAP_NONE && rec.seq <= s->gap.last))
			continue;
		if ((r = window_add(st, s, rec.seq, rec.line, rec.len, 0, 0, 0,
		    NULL, rec.read_us)) != 0)
			return r;
		n++;
	}
	return n;
}

uint64_t
state_dropped(const struct state *st)
{
	return st->dropped;
}

int
state_spilled(const struct state *st)
{
	return st->spilled;
}
