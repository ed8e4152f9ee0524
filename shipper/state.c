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
#include "proto.h"
#include "state.h"

struct wline {
	STAILQ_ENTRY(wline)	 entry;
	uint64_t		 seq;
	uint64_t		 dev, ino, end;
	int64_t			 read_us;
	uint32_t		 len;
	char			 data[];
};

STAILQ_HEAD(wlines, wline);

struct stream {
	char		*type;
	struct state_ckpt ck;		/* acknowledged position, persisted */
	uint64_t	 next_seq;	/* for the next line read */
	uint64_t	 stored;	/* collector has every seq <= stored */
	uint64_t	 last_sent;	/* on this connection, >= stored */
	int		 resync;
	struct wlines	 lines;
	struct wline	*unsent;
};

struct state {
	char		*dir;
	struct stream	*s;
	size_t		 n;
	struct state_ckpt *old;		/* loaded, not (yet) a stream */
	size_t		 nold;
	size_t		 bytes, max;
	int		 dirty;
};

static size_t
wline_cost(const struct wline *l)
{
	return l->len + STATE_LINE_OVERHEAD;
}

/* Parse a decimal u64 of s[0..n); no sign, no blanks. */
static int
parse_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t	 i;

	if (n == 0 || n > 20)
		return ERR_FORMAT;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ERR_FORMAT;
		if (x > (UINT64_MAX - (s[i] - '0')) / 10)
			return ERR_RANGE;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

/*
 * One line without its newline.  The numbers are the last four blank
 * separated fields, so the path (everything before them) may hold
 * blanks.
 */
static int
ckpt_parse_line(const char *p, size_t n, struct state_ckpt *ck)
{
	uint64_t	 v[4];
	size_t		 end = n, start;
	int		 k;

	for (k = 3; k >= 0; k--) {
		start = end;
		while (start > 0 && p[start - 1] != ' ')
			start--;
		if (start == 0 || parse_u64(p + start, end - start, &v[k]) != 0)
			return ERR_FORMAT;
		end = start - 1;	/* the blank */
	}
	if (end == 0 || v[3] == 0 || v[2] > INT64_MAX ||
	    memchr(p, '\0', end) != NULL)
		return ERR_FORMAT;
	if ((ck->path = strndup(p, end)) == NULL)
		return ERR_NOMEM;
	ck->dev = v[0];
	ck->ino = v[1];
	ck->off = v[2];
	ck->next_seq = v[3];
	return 0;
}

int
state_ckpt_parse(const char *text, size_t len, struct state_ckpt **out,
    size_t *nout, size_t *nbad)
{
	struct state_ckpt	*cks = NULL, ck;
	const char		*p = text, *end = text + len, *nl;
	size_t			 n = 0, i;
	int			 r;

	*nbad = 0;
	if ((cks = calloc(STATE_CKPT_MAX, sizeof(*cks))) == NULL)
		return ERR_NOMEM;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL) {
			(*nbad)++;	/* torn last line */
			break;
		}
		if (p == nl || *p == '#')
			continue;
		if ((r = ckpt_parse_line(p, nl - p, &ck)) == ERR_NOMEM)
			goto fail;
		if (r != 0) {
			(*nbad)++;
			continue;
		}
		for (i = 0; i < n; i++)
			if (strcmp(cks[i].path, ck.path) == 0)
				break;
		if (i < n) {
			free(cks[i].path);
			cks[i] = ck;
			continue;
		}
		if (n == STATE_CKPT_MAX) {
			/* never refuse to start over a full file */
			free(ck.path);
			(*nbad)++;
			continue;
		}
		cks[n++] = ck;
	}
	*out = cks;
	*nout = n;
	return 0;
 fail:
	state_ckpts_free(cks, n);
	return r;
}

void
state_ckpts_free(struct state_ckpt *cks, size_t n)
{
	size_t i;

	if (cks == NULL)
		return;
	for (i = 0; i < n; i++)
		free(cks[i].path);
	free(cks);
}

static int
ckpt_format1(struct buf *out, const struct state_ckpt *ck)
{
	if (ck->path == NULL || ck->path[0] == '\0' || ck->path[0] == '#' ||
	    strchr(ck->path, '\n') != NULL || ck->next_seq == 0)
		return ERR_FORMAT;
	return buf_putf(out, "%s %llu %llu %llu %llu\n", ck->path,
	    (unsigned long long)ck->dev, (unsigned long long)ck->ino,
	    (unsigned long long)ck->off, (unsigned long long)ck->next_seq);
}

int
state_ckpt_format(struct buf *out, const struct state_ckpt *cks, size_t n)
{
	size_t	i;
	int	r;

	if ((r = buf_putf(out, "# vigil-shipper checkpoints: "
	    "path dev ino offset next_seq\n")) != 0)
		return r;
	for (i = 0; i < n; i++)
		if ((r = ckpt_format1(out, &cks[i])) != 0)
			return r;
	return 0;
}

void
state_resume(const struct state_ckpt *ck, const struct state_fileid *path,
    const struct state_fileid *found, int from_beginning,
    struct state_start *out)
{
	memset(out, 0, sizeof(*out));
	if (ck == NULL) {
		/* a new stream: nothing of it was ever sent */
		out->resync = 1;
		if (path != NULL && !from_beginning)
			out->off = path->size;
		return;
	}
	if (ck->dev == 0 && ck->ino == 0)
		return;		/* no file had appeared: from 0 */
	if (path != NULL && path->dev == ck->dev && path->ino == ck->ino) {
		if (path->size >= ck->off)
			out->off = ck->off;
		else
			out->resync = 1;	/* truncated while down */
		return;
	}
	if (found != NULL && found->size >= ck->off) {
		out->rotated = 1;
		out->roff = ck->off;
		return;
	}
	/* the unacknowledged bytes are gone */
	out->resync = 1;
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
	state_ckpts_free(st->old, st->nold);
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
	state_ckpts_free(st->old, st->nold);
	st->old = NULL;
	st->nold = 0;
	r = state_ckpt_parse(text, n, &st->old, &st->nold, nbad);
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
		if (strcmp(st->old[i].path, path) == 0)
			break;
	if (i < st->nold) {
		/* take the loaded entry over */
		s->ck = st->old[i];
		st->old[i] = st->old[--st->nold];
		*ckp = &s->ck;
	} else if ((s->ck.path = strdup(path)) == NULL) {
		free(s->type);
		return ERR_NOMEM;
	}
	s->next_seq = s->ck.next_seq;
	s->stored = s->last_sent = s->next_seq - 1;
	return (int)st->n++;
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
	st->dirty = 1;
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

/* Move the checkpoint to just after line l (which the collector has). */
static void
stream_advance(struct state *st, struct stream *s, uint64_t dev,
    uint64_t ino, uint64_t end, uint64_t seq)
{
	s->ck.dev = dev;
	s->ck.ino = ino;
	s->ck.off = end;
	s->ck.next_seq = seq + 1;
	st->dirty = 1;
}

int
state_push(struct state *st, size_t i, const uint8_t *p, size_t len,
    uint64_t dev, uint64_t ino, uint64_t end, int64_t read_us)
{
	struct stream	*s = &st->s[i];
	struct wline	*l;
	uint64_t	 seq = s->next_seq;

	if (len > PROTO_LINE_MAX)
		return ERR_TOOBIG;
	if (seq <= s->stored) {
		/* read again after a restart; WELCOME said it is stored */
		s->next_seq++;
		stream_advance(st, s, dev, ino, end, seq);
		return 0;
	}
	if ((l = malloc(sizeof(*l) + len)) == NULL)
		return ERR_NOMEM;
	l->seq = seq;
	l->dev = dev;
	l->ino = ino;
	l->end = end;
	l->read_us = read_us;
	l->len = (uint32_t)len;
	memcpy(l->data, p, len);
	STAILQ_INSERT_TAIL(&s->lines, l, entry);
	if (s->unsent == NULL)
		s->unsent = l;
	s->next_seq++;
	st->bytes += wline_cost(l);
	return 0;
}

int
state_full(const struct state *st)
{
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
	return st->s[i].unsent != NULL;
}

int
state_batch(struct state *st, size_t i, struct buf *out, size_t maxlines,
    size_t maxbytes)
{
	struct stream	*s = &st->s[i];
	struct wline	*l;
	size_t		 mark, start = out->len;
	int		 n = 0, r;

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
		n++;
	}
	if ((r = proto_batch_end(out, mark)) != 0) {
		out->len = start;
		return r;
	}
	s->last_sent = l != NULL ? l->seq - 1 : s->next_seq - 1;
	s->unsent = l;
	return n;
}

/* Release the lines with seq <= through. */
static void
stream_release(struct state *st, struct stream *s, uint64_t through)
{
	struct wline *l;

	while ((l = STAILQ_FIRST(&s->lines)) != NULL && l->seq <= through) {
		STAILQ_REMOVE_HEAD(&s->lines, entry);
		if (s->unsent == l)
			s->unsent = STAILQ_NEXT(l, entry);
		stream_advance(st, s, l->dev, l->ino, l->end, l->seq);
		st->bytes -= wline_cost(l);
		free(l);
	}
	if (through > s->stored)
		s->stored = through;
	if (s->last_sent < s->stored)
		s->last_sent = s->stored;
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
	st->dirty = 1;
	return 1;
}

void
state_unsend(struct state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		st->s[i].unsent = STAILQ_FIRST(&st->s[i].lines);
		st->s[i].last_sent = st->s[i].stored;
	}
}

int
state_dirty(const struct state *st)
{
	return st->dirty;
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
	struct state_ckpt	*all = NULL;
	struct buf		 b;
	char			 tmp[4096], path[4096];
	size_t			 i, n = 0;
	int			 fd = -1, dfd = -1, r = ERR_NOMEM, saved;

	buf_init(&b, STATE_FILE_MAX);
	if ((all = calloc(st->n + st->nold + 1, sizeof(*all))) == NULL)
		goto out;
	for (i = 0; i < st->n; i++)
		all[n++] = st->s[i].ck;
	for (i = 0; i < st->nold; i++)
		all[n++] = st->old[i];
	if ((r = state_ckpt_format(&b, all, n)) != 0)
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
