/*
 * spool.c -- the shipper's bounded on-disk spool (see spool.h for the
 * format and the life of a segment).  Owns the files under STATE/spool
 * and nothing else: it knows stream indices and names, sequences and
 * lines, but not windows, sockets or checkpoints.
 *
 * Invariants: segs[] is sorted by number, oldest first; when fd != -1
 * the last entry is the segment being written (cur) and only it has
 * bytes in wbuf; total is the sum of the segments' sizes, buffered bytes
 * included.  A stream's lines in one segment have increasing sequences.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "log.h"
#include "spool.h"

#define SPOOL_ACKED_MAX	(1024u * 1024)

/* One stream's lines in one segment. */
struct segstream {
	char		*name;
	uint32_t	 fid;		/* its id in the file */
	uint32_t	 cur;		/* registered index or SPOOL_NONE */
	uint64_t	 min, max, n;
	int64_t		 first_us, last_us;
};

struct seg {
	uint64_t	 num;
	uint64_t	 size;		/* bytes, buffered ones included */
	struct segstream *ss;
	size_t		 nss;
};

struct acked {
	char		*name;
	uint64_t	 seq;
};

struct spool {
	char		*dir;
	uint64_t	 cap, segsize, total;
	struct seg	*segs;
	size_t		 nseg;
	uint64_t	 nextnum;
	int		 fd;		/* cur, or -1 */
	int		 dirsync;	/* a segment was created or deleted */
	struct buf	 wbuf;
	/* read cursor */
	uint64_t	 rnum, roff;
	int		 rfd;
	uint64_t	 rfdnum;
	struct buf	 rbuf;		/* file bytes from rboff */
	uint64_t	 rboff;
	/* registered streams */
	char		**names;
	uint64_t	*ackd;
	uint32_t	 nnames;
	struct acked	*loaded;
	size_t		 nloaded;
	spool_dropcb	*dropcb;
	void		*arg;
};

static void
seg_path(const struct spool *sp, uint64_t num, char *path, size_t len)
{
	snprintf(path, len, "%s/%020" PRIu64 ".seg", sp->dir, num);
}

static void
seg_clear(struct seg *g)
{
	size_t i;

	for (i = 0; i < g->nss; i++)
		free(g->ss[i].name);
	free(g->ss);
}

static struct segstream *
seg_find(struct seg *g, uint32_t fid)
{
	size_t i;

	for (i = 0; i < g->nss; i++)
		if (g->ss[i].fid == fid)
			return &g->ss[i];
	return NULL;
}

static struct segstream *
seg_add(struct seg *g, uint32_t fid, const char *name, size_t len,
    uint32_t cur)
{
	struct segstream *ss;

	if ((ss = reallocarray(g->ss, g->nss + 1, sizeof(*ss))) == NULL)
		return NULL;
	g->ss = ss;
	ss = &g->ss[g->nss];
	memset(ss, 0, sizeof(*ss));
	if ((ss->name = strndup(name, len)) == NULL)
		return NULL;
	ss->fid = fid;
	ss->cur = cur;
	g->nss++;
	return ss;
}

static void
ss_note(struct segstream *ss, uint64_t seq, int64_t us)
{
	if (ss->n == 0) {
		ss->min = seq;
		ss->first_us = us;
	}
	ss->max = seq;
	ss->last_us = us;
	ss->n++;
}

/* pread until n bytes or EOF; returns bytes read or -1. */
static ssize_t
pread_all(int fd, uint8_t *b, size_t n, uint64_t off)
{
	size_t	got = 0;
	ssize_t	r;

	while (got < n) {
		r = pread(fd, b + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
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

/*
 * Read segment num from the start, building its table; truncate it at
 * the first record that does not decode.
 */
static int
seg_recover(struct spool *sp, struct seg *g)
{
	struct spool_drec	 rec;
	struct segstream	*ss;
	struct stat		 sb;
	char			 path[4096];
	uint8_t			*b = NULL;
	size_t			 have = 0, pos, used;
	uint64_t		 off = 0;	/* file offset of b[0] */
	ssize_t			 got;
	int			 fd, r = ERR_NOMEM, d;

	seg_path(sp, g->num, path, sizeof(path));
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		return ERR_IO;
	if ((b = malloc(SPOOL_BUF)) == NULL)
		goto out;
	for (;;) {
		if ((got = pread_all(fd, b + have, SPOOL_BUF - have,
		    off + have)) < 0) {
			r = ERR_IO;
			goto out;
		}
		have += (size_t)got;
		pos = 0;
		while ((d = spool_rec_decode(b + pos, have - pos, &rec,
		    &used)) == 1) {
			if (rec.type == SPOOL_T_NAME) {
				if (seg_find(g, rec.id) == NULL &&
				    seg_add(g, rec.id, (const char *)rec.p,
				    rec.len, SPOOL_NONE) == NULL)
					goto out;
			} else if ((ss = seg_find(g, rec.id)) != NULL &&
			    (ss->n == 0 || rec.seq > ss->max))
				ss_note(ss, rec.seq, rec.read_us);
			pos += used;
		}
		if (d < 0 || (got == 0 && pos < have) ||
		    (d == 0 && pos == 0 && have == SPOOL_BUF)) {
			/* torn or corrupt: the segment ends here */
			if (fstat(fd, &sb) != 0) {
				r = ERR_IO;
				goto out;
			}
			log_warnx("spool %s: bad or torn record at offset %"
			    PRIu64 ", truncating (%lld bytes lost)", path,
			    off + pos, (long long)sb.st_size -
			    (long long)(off + pos));
			if (ftruncate(fd, (off_t)(off + pos)) != 0 ||
			    fsync(fd) != 0) {
				r = ERR_IO;
				goto out;
			}
			off += pos;
			break;
		}
		off += pos;
		memmove(b, b + pos, have - pos);
		have -= pos;
		if (got == 0)
			break;
	}
	g->size = off;
	r = 0;
 out:
	free(b);
	close(fd);
	return r;
}

static int
num_cmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

/* Parse the acked file: "name seq" lines, the number last. */
static int
acked_load(struct spool *sp)
{
	char		 path[4096], *text = NULL, *p, *nl, *sp1, *end;
	struct acked	*a;
	unsigned long long v;
	ssize_t		 n;
	int		 fd, r = ERR_NOMEM;

	snprintf(path, sizeof(path), "%s/%s", sp->dir, SPOOL_ACKED);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : ERR_IO;
	if ((text = malloc(SPOOL_ACKED_MAX + 1)) == NULL)
		goto out;
	if ((n = pread_all(fd, (uint8_t *)text, SPOOL_ACKED_MAX, 0)) < 0) {
		r = ERR_IO;
		goto out;
	}
	text[n] = '\0';
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (*p == '#' || (sp1 = strrchr(p, ' ')) == NULL || sp1 == p)
			continue;
		errno = 0;
		v = strtoull(sp1 + 1, &end, 10);
		if (*end != '\0' || errno != 0 || sp1[1] < '0' || sp1[1] > '9')
			continue;
		if ((a = reallocarray(sp->loaded, sp->nloaded + 1,
		    sizeof(*a))) == NULL)
			goto out;
		sp->loaded = a;
		if ((a[sp->nloaded].name = strndup(p, sp1 - p)) == NULL)
			goto out;
		a[sp->nloaded++].seq = v;
	}
	r = 0;
 out:
	free(text);
	close(fd);
	return r;
}

static int
spool_scan(struct spool *sp)
{
	DIR		*d;
	struct dirent	*e;
	struct seg	*g;
	char		*end;
	uint64_t	 num;
	size_t		 i;

	if ((d = opendir(sp->dir)) == NULL)
		return ERR_IO;
	while ((e = readdir(d)) != NULL) {
		if (strlen(e->d_name) != 24 ||
		    strcmp(e->d_name + 20, ".seg") != 0)
			continue;
		errno = 0;
		num = strtoull(e->d_name, &end, 10);
		if (end != e->d_name + 20 || errno != 0)
			continue;
		if ((g = reallocarray(sp->segs, sp->nseg + 1,
		    sizeof(*g))) == NULL) {
			closedir(d);
			return ERR_NOMEM;
		}
		sp->segs = g;
		memset(&g[sp->nseg], 0, sizeof(*g));
		g[sp->nseg++].num = num;
	}
	closedir(d);
	if (sp->nseg > 1)
		qsort(sp->segs, sp->nseg, sizeof(*sp->segs), num_cmp);
	for (i = 0; i < sp->nseg; i++) {
		if (seg_recover(sp, &sp->segs[i]) != 0)
			return ERR_IO;
		sp->total += sp->segs[i].size;
		sp->nextnum = sp->segs[i].num + 1;
	}
	return 0;
}

struct spool *
spool_open(const char *dir, uint64_t cap, char *err, size_t errlen)
{
	struct spool	*sp;
	int		 r;

	if ((sp = calloc(1, sizeof(*sp))) == NULL ||
	    (sp->dir = strdup(dir)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(sp);
		return NULL;
	}
	sp->fd = sp->rfd = -1;
	sp->nextnum = 1;
	sp->cap = cap < SPOOL_SIZE_MIN ? SPOOL_SIZE_MIN : cap;
	sp->segsize = sp->cap / 8;
	if (sp->segsize < SPOOL_SEG_MIN)
		sp->segsize = SPOOL_SEG_MIN;
	if (sp->segsize > SPOOL_SEG_MAX)
		sp->segsize = SPOOL_SEG_MAX;
	buf_init(&sp->wbuf, SPOOL_BUF + 2 * SPOOL_REC_MAX);
	buf_init(&sp->rbuf, SPOOL_BUF);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	if ((r = acked_load(sp)) != 0 || (r = spool_scan(sp)) != 0) {
		snprintf(err, errlen, "%s: %s", dir, r == ERR_IO ?
		    strerror(errno) : err_str(r));
		goto fail;
	}
	sp->rnum = sp->nextnum;		/* at the end */
	return sp;
 fail:
	spool_free(sp);
	return NULL;
}

void
spool_free(struct spool *sp)
{
	size_t i;

	if (sp == NULL)
		return;
	if (sp->fd != -1) {
		(void)spool_sync(sp);
		close(sp->fd);
	}
	if (sp->rfd != -1)
		close(sp->rfd);
	for (i = 0; i < sp->nseg; i++)
		seg_clear(&sp->segs[i]);
	free(sp->segs);
	for (i = 0; i < sp->nnames; i++)
		free(sp->names[i]);
	free(sp->names);
	free(sp->ackd);
	for (i = 0; i < sp->nloaded; i++)
		free(sp->loaded[i].name);
	free(sp->loaded);
	buf_clear(&sp->wbuf);
	buf_clear(&sp->rbuf);
	free(sp->dir);
	free(sp);
}

void
spool_set_dropcb(struct spool *sp, spool_dropcb *cb, void *arg)
{
	sp->dropcb = cb;
	sp->arg = arg;
}

int
spool_stream(struct spool *sp, uint32_t idx, const char *name,
    struct spool_info *info)
{
	struct segstream	*ss;
	char			**nn, *copy;
	uint64_t		*na;
	size_t			 i, k;

	memset(info, 0, sizeof(*info));
	if (idx != sp->nnames)
		return ERR_RANGE;
	if ((copy = strdup(name)) == NULL)
		return ERR_NOMEM;
	if ((nn = reallocarray(sp->names, idx + 1, sizeof(*nn))) == NULL) {
		free(copy);
		return ERR_NOMEM;
	}
	sp->names = nn;
	if ((na = reallocarray(sp->ackd, idx + 1, sizeof(*na))) == NULL) {
		free(copy);
		return ERR_NOMEM;
	}
	sp->ackd = na;
	sp->names[idx] = copy;
	sp->ackd[idx] = 0;
	sp->nnames++;
	for (i = 0; i < sp->nloaded; i++)
		if (strcmp(sp->loaded[i].name, name) == 0) {
			info->has_acked = 1;
			info->acked = sp->ackd[idx] = sp->loaded[i].seq;
		}
	for (i = 0; i < sp->nseg; i++)
		for (k = 0; k < sp->segs[i].nss; k++) {
			ss = &sp->segs[i].ss[k];
			if (ss->cur != SPOOL_NONE || ss->n == 0 ||
			    strcmp(ss->name, name) != 0)
				continue;
			ss->cur = idx;
			if (info->nlines == 0 || ss->min < info->min)
				info->min = ss->min;
			if (info->nlines == 0 || ss->max > info->max)
				info->max = ss->max;
			info->nlines += ss->n;
		}
	return 0;
}

static int
spool_flush(struct spool *sp)
{
	if (sp->fd == -1 || sp->wbuf.len == 0)
		return 0;
	if (write_all(sp->fd, sp->wbuf.d, sp->wbuf.len) != 0) {
		/*
		 * A short write may have left part of a record: cut the
		 * file back to what was there, so the buffer can be
		 * written again whole.
		 */
		int saved = errno;

		(void)ftruncate(sp->fd, (off_t)(sp->segs[sp->nseg - 1].size -
		    sp->wbuf.len));
		(void)lseek(sp->fd, 0, SEEK_END);
		errno = saved;
		return ERR_IO;
	}
	buf_reset(&sp->wbuf);
	return 0;
}

int
spool_sync(struct spool *sp)
{
	int dfd;

	if (spool_flush(sp) != 0)
		return ERR_IO;
	if (sp->fd != -1 && fdatasync(sp->fd) != 0)
		return ERR_IO;
	if (sp->dirsync) {
		if ((dfd = open(sp->dir, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1)
			return ERR_IO;
		if (fsync(dfd) != 0) {
			close(dfd);
			return ERR_IO;
		}
		close(dfd);
		sp->dirsync = 0;
	}
	return 0;
}

/* Remove segs[i] (its file too). */
static void
seg_delete(struct spool *sp, size_t i)
{
	char path[4096];

	seg_path(sp, sp->segs[i].num, path, sizeof(path));
	if (unlink(path) != 0 && errno != ENOENT)
		log_warn("spool: cannot delete %s", path);
	if (sp->rfd != -1 && sp->rfdnum == sp->segs[i].num) {
		close(sp->rfd);
		sp->rfd = -1;
		buf_reset(&sp->rbuf);
	}
	sp->total -= sp->segs[i].size;
	seg_clear(&sp->segs[i]);
	memmove(&sp->segs[i], &sp->segs[i + 1],
	    (sp->nseg - i - 1) * sizeof(*sp->segs));
	sp->nseg--;
	sp->dirsync = 1;
}

/* Close the current segment durably; the next append starts a new one. */
static int
seg_close(struct spool *sp)
{
	if (sp->fd == -1)
		return 0;
	if (spool_sync(sp) != 0)
		return ERR_IO;
	close(sp->fd);
	sp->fd = -1;
	return 0;
}

static int
seg_create(struct spool *sp)
{
	struct seg	*g;
	char		 path[4096];

	if ((g = reallocarray(sp->segs, sp->nseg + 1, sizeof(*g))) == NULL)
		return ERR_NOMEM;
	sp->segs = g;
	seg_path(sp, sp->nextnum, path, sizeof(path));
	if ((sp->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
	    O_CLOEXEC, 0600)) == -1)
		return ERR_IO;
	g = &sp->segs[sp->nseg++];
	memset(g, 0, sizeof(*g));
	g->num = sp->nextnum++;
	sp->dirsync = 1;
	return 0;
}

/* Drop the oldest segment: its lines are lost, tell the caller. */
static void
seg_drop(struct spool *sp)
{
	struct seg	*g = &sp->segs[0];
	size_t		 k;

	for (k = 0; k < g->nss; k++)
		if (g->ss[k].cur != SPOOL_NONE && g->ss[k].n > 0 &&
		    sp->dropcb != NULL)
			sp->dropcb(sp->arg, g->ss[k].cur, g->ss[k].min,
			    g->ss[k].max, g->ss[k].first_us, g->ss[k].last_us);
	seg_delete(sp, 0);
}

int
spool_append(struct spool *sp, uint32_t idx, uint64_t seq, int64_t read_us,
    const uint8_t *line, size_t len)
{
	struct seg		*g;
	struct segstream	*ss;
	size_t			 start, need, nlen;
	int			 r;

	if (idx >= sp->nnames || len > SPOOL_REC_MAX - 64)
		return ERR_TOOBIG;
	nlen = strlen(sp->names[idx]);
	need = 2 * SPOOL_HDR + 12 + nlen + 24 + len;
	if (sp->wbuf.len >= SPOOL_BUF && spool_flush(sp) != 0)
		return ERR_IO;
	if (sp->fd != -1 && sp->segs[sp->nseg - 1].size > 0 &&
	    sp->segs[sp->nseg - 1].size + need > sp->segsize &&
	    seg_close(sp) != 0)
		return ERR_IO;
	/* the cap: oldest first, never the one being written */
	while (sp->total + need > sp->cap && sp->nseg > (sp->fd != -1 ? 1 : 0))
		seg_drop(sp);
	if (sp->fd == -1 && (r = seg_create(sp)) != 0)
		return r;
	g = &sp->segs[sp->nseg - 1];
	start = sp->wbuf.len;
	if ((ss = seg_find(g, idx)) == NULL) {
		if ((r = spool_rec_name(&sp->wbuf, idx, sp->names[idx],
		    nlen)) != 0)
			return r;
		if ((ss = seg_add(g, idx, sp->names[idx], nlen, idx)) == NULL) {
			sp->wbuf.len = start;
			return ERR_NOMEM;
		}
	}
	if ((r = spool_rec_line(&sp->wbuf, idx, seq, read_us, line,
	    len)) != 0) {
		sp->wbuf.len = start;	/* the name record is still owed */
		if (ss->n == 0) {
			free(ss->name);
			g->nss--;
		}
		return r;
	}
	ss_note(ss, seq, read_us);
	g->size += sp->wbuf.len - start;
	sp->total += sp->wbuf.len - start;
	return 0;
}

void
spool_rewind(struct spool *sp)
{
	sp->rnum = 0;
	sp->roff = 0;
}

void
spool_mark_end(struct spool *sp)
{
	if (sp->fd != -1) {
		sp->rnum = sp->segs[sp->nseg - 1].num;
		sp->roff = sp->segs[sp->nseg - 1].size;
	} else {
		sp->rnum = sp->nextnum;
		sp->roff = 0;
	}
}

/* The segment at or after the cursor, moving the cursor there; or NULL. */
static struct seg *
read_seg(struct spool *sp)
{
	size_t i;

	for (i = 0; i < sp->nseg; i++)
		if (sp->segs[i].num >= sp->rnum)
			break;
	if (i == sp->nseg)
		return NULL;
	if (sp->segs[i].num != sp->rnum) {
		sp->rnum = sp->segs[i].num;
		sp->roff = 0;
	}
	return &sp->segs[i];
}

int
spool_next(struct spool *sp, struct spool_rec *out)
{
	struct spool_drec	 rec;
	struct segstream	*ss;
	struct seg		*g;
	char			 path[4096];
	size_t			 used, boff;
	ssize_t			 got;
	int			 d;

	for (;;) {
		if ((g = read_seg(sp)) == NULL)
			return 0;
		if (sp->roff >= g->size) {
			if (sp->fd != -1 && g == &sp->segs[sp->nseg - 1])
				return 0;	/* the end */
			sp->rnum++;
			sp->roff = 0;
			continue;
		}
		if (sp->fd != -1 && g == &sp->segs[sp->nseg - 1] &&
		    spool_flush(sp) != 0)
			return ERR_IO;
		if (sp->rfd == -1 || sp->rfdnum != g->num) {
			if (sp->rfd != -1)
				close(sp->rfd);
			buf_reset(&sp->rbuf);
			seg_path(sp, g->num, path, sizeof(path));
			if ((sp->rfd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
				return ERR_IO;
			sp->rfdnum = g->num;
		}
		d = 0;
		if (sp->roff >= sp->rboff &&
		    sp->roff < sp->rboff + sp->rbuf.len) {
			boff = (size_t)(sp->roff - sp->rboff);
			d = spool_rec_decode(sp->rbuf.d + boff,
			    sp->rbuf.len - boff, &rec, &used);
		}
		if (d == 0) {
			/* (re)fill the read buffer from the cursor */
			buf_reset(&sp->rbuf);
			if (buf_reserve(&sp->rbuf, SPOOL_BUF) != 0)
				return ERR_NOMEM;
			if ((got = pread_all(sp->rfd, sp->rbuf.d, SPOOL_BUF,
			    sp->roff)) < 0)
				return ERR_IO;
			sp->rbuf.len = (size_t)got;
			sp->rboff = sp->roff;
			d = spool_rec_decode(sp->rbuf.d, sp->rbuf.len, &rec,
			    &used);
		}
		if (d <= 0) {
			/* cannot happen after recovery; skip the rest */
			log_warnx("spool: segment %" PRIu64 " unreadable at "
			    "%" PRIu64, g->num, sp->roff);
			sp->roff = g->size;
			continue;
		}
		sp->roff += used;
		if (rec.type != SPOOL_T_LINE ||
		    (ss = seg_find(g, rec.id)) == NULL || ss->cur == SPOOL_NONE)
			continue;
		out->stream = ss->cur;
		out->seq = rec.seq;
		out->read_us = rec.read_us;
		out->line = rec.p;
		out->len = rec.len;
		return 1;
	}
}

void
spool_ack(struct spool *sp, uint32_t idx, uint64_t through)
{
	if (idx < sp->nnames && through > sp->ackd[idx])
		sp->ackd[idx] = through;
}

void
spool_gc(struct spool *sp)
{
	struct seg	*g;
	size_t		 i, k, last;

	last = sp->fd != -1 ? sp->nseg - 1 : sp->nseg;
	for (i = 0; i < last; ) {
		g = &sp->segs[i];
		for (k = 0; k < g->nss; k++)
			if (g->ss[k].cur != SPOOL_NONE && g->ss[k].n > 0 &&
			    g->ss[k].max > sp->ackd[g->ss[k].cur])
				break;
		if (k < g->nss) {
			i++;
			continue;
		}
		seg_delete(sp, i);
		last--;
	}
}

int
spool_save(struct spool *sp)
{
	struct buf	 b;
	char		 path[4096], tmp[4096];
	uint32_t	 i;
	int		 fd = -1, dfd = -1, r = ERR_NOMEM, saved;

	buf_init(&b, SPOOL_ACKED_MAX);
	if (buf_putf(&b, "# vigil-shipper spool: stream acknowledged\n") != 0)
		goto out;
	for (i = 0; i < sp->nnames; i++)
		if (buf_putf(&b, "%s %" PRIu64 "\n", sp->names[i],
		    sp->ackd[i]) != 0)
			goto out;
	r = ERR_IO;
	snprintf(path, sizeof(path), "%s/%s", sp->dir, SPOOL_ACKED);
	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", sp->dir, SPOOL_ACKED);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || write_all(fd, b.d, b.len) != 0 || fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0 ||
	    (dfd = open(sp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) != 0)
		goto out;
	r = 0;
 out:
	saved = errno;
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	buf_clear(&b);
	errno = saved;
	return r;
}

uint64_t
spool_bytes(const struct spool *sp)
{
	return sp->total;
}

size_t
spool_nsegs(const struct spool *sp)
{
	return sp->nseg;
}

uint64_t
spool_segsize(const struct spool *sp)
{
	return sp->segsize;
}
