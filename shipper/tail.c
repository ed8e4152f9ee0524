/*
 * tail.c -- follow a log file and split it into lines (see tail.h).
 * The splitter at the top is pure; the follower below it owns one file
 * descriptor (two while a renamed file is drained) and knows nothing
 * about sequence numbers, the window or the network.
 *
 * Follower states and transitions (checked on every tail_poll):
 *   WAIT     no file: path appears -> OPEN at offset 0
 *   OPEN     path now names another file (renamed+created) -> ROTATED;
 *            the file shrank below our offset (copytruncate) -> ROTATED
 *            on the copy when one holds the bytes we read last (it has
 *            what was written between our last read and the truncation),
 *            else offset 0
 *   ROTATED  drain the old descriptor; at its end, once the grace time is
 *            over and path exists -> OPEN the new file at 0; at the end
 *            of an old file that was deleted and path is gone -> WAIT
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "state.h"
#include "tail.h"

void
tail_split_init(struct tail_split *sp, size_t max)
{
	memset(sp, 0, sizeof(*sp));
	sp->max = max;
}

void
tail_split_clear(struct tail_split *sp)
{
	free(sp->line);
	sp->line = NULL;
	sp->len = sp->cap = 0;
	sp->over = 0;
}

void
tail_split_reset(struct tail_split *sp)
{
	sp->len = 0;
	sp->over = 0;
}

/* Keep up to max + 1 bytes of the current line; note when it is longer. */
static int
split_hold(struct tail_split *sp, const uint8_t *b, size_t n)
{
	size_t	 room, ncap;
	uint8_t	*nl;

	if (sp->over || n == 0)
		return 0;
	room = sp->max + 1 - sp->len;
	if (n > room) {
		sp->over = 1;
		n = room;
	}
	if (sp->len + n > sp->cap) {
		ncap = sp->cap ? sp->cap : 256;
		while (ncap < sp->len + n)
			ncap *= 2;
		if (ncap > sp->max + 1)
			ncap = sp->max + 1;
		if ((nl = realloc(sp->line, ncap)) == NULL)
			return ERR_NOMEM;
		sp->line = nl;
		sp->cap = ncap;
	}
	memcpy(sp->line + sp->len, b, n);
	sp->len += n;
	return 0;
}

int
tail_split_feed(struct tail_split *sp, const uint8_t *b, size_t len,
    size_t *used, const uint8_t **line, size_t *linelen, int *cut)
{
	const uint8_t	*nl, *p;
	size_t		 n;
	int		 r;

	*used = 0;
	if ((nl = memchr(b, '\n', len)) == NULL) {
		if ((r = split_hold(sp, b, len)) != 0)
			return r;
		*used = len;
		return 0;
	}
	n = nl - b;
	if (sp->len == 0 && !sp->over) {
		p = b;		/* the whole line is in b: no copy */
	} else {
		if ((r = split_hold(sp, b, n)) != 0)
			return r;
		p = sp->line;
		n = sp->len;
	}
	*cut = 0;
	if (n > 0 && p[n - 1] == '\r' && n <= sp->max + 1 && !sp->over)
		n--;
	if (n > sp->max || sp->over) {
		n = sp->max;
		*cut = 1;
	}
	*line = p;
	*linelen = n;
	*used = (size_t)(nl - b) + 1;
	sp->len = 0;
	sp->over = 0;
	return 1;
}

enum tail_state {
	TAIL_WAIT,
	TAIL_OPEN,
	TAIL_ROTATED,
};

struct tail {
	char			*path;
	enum tail_state		 state;
	int			 fd;
	uint64_t		 dev, ino;
	uint64_t		 off;		/* next byte to read */
	int			 oldfd;		/* ROTATED: being drained */
	uint64_t		 olddev, oldino, oldoff;
	int64_t			 rotated_us;	/* when ROTATED was entered */
	int			 warned;	/* open failure reported */
	uint64_t		 pending;	/* bytes of a partial line */
	uint8_t			 fp[TAIL_FP];	/* the bytes before off */
	size_t			 fplen;
	struct tail_split	 split;
};

/* One buffer for every file: the shipper is single-threaded. */
static uint8_t	tail_chunk[TAIL_CHUNK];

struct tail *
tail_new(const char *path, size_t linemax)
{
	struct tail *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->path = strdup(path)) == NULL) {
		free(t);
		return NULL;
	}
	t->fd = t->oldfd = -1;
	tail_split_init(&t->split, linemax);
	return t;
}

void
tail_free(struct tail *t)
{
	if (t == NULL)
		return;
	if (t->fd != -1)
		close(t->fd);
	if (t->oldfd != -1)
		close(t->oldfd);
	tail_split_clear(&t->split);
	free(t->path);
	free(t);
}

const char *
tail_path(const struct tail *t)
{
	return t->path;
}

/* Open a regular file; fills *sb.  Returns the fd or -1 (errno set). */
static int
file_open(const char *path, struct stat *sb)
{
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	if (fstat(fd, sb) == -1) {
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/*
 * Find the file with dev+ino in path's directory (the rotated path.1).
 * Writes its name into out.  Returns 0 or -1.
 */
static int
find_rotated(const char *path, uint64_t dev, uint64_t ino,
    struct state_fileid *id, char *out, size_t outlen)
{
	char		 tmp[4096], *dir;
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	int		 r = -1;

	if (strlen(path) >= sizeof(tmp))
		return -1;
	strcpy(tmp, path);
	dir = dirname(tmp);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW)
		    == -1 || !S_ISREG(sb.st_mode))
			continue;
		if ((uint64_t)sb.st_dev == dev && (uint64_t)sb.st_ino == ino &&
		    (size_t)snprintf(out, outlen, "%s/%s", dir, de->d_name) <
		    outlen) {
			id->dev = dev;
			id->ino = ino;
			id->size = (uint64_t)sb.st_size;
			r = 0;
			break;
		}
	}
	closedir(d);
	return r;
}

static void
tail_set_open(struct tail *t, int fd, const struct stat *sb, uint64_t off)
{
	t->fd = fd;
	t->dev = (uint64_t)sb->st_dev;
	t->ino = (uint64_t)sb->st_ino;
	t->off = off;
	t->state = TAIL_OPEN;
	t->warned = 0;
	tail_split_reset(&t->split);
	t->pending = 0;
	t->fplen = 0;
	/* so that a copytruncate right after a restart finds its copy */
	if (off > 0) {
		size_t	n = off < TAIL_FP ? (size_t)off : TAIL_FP;

		if (pread(fd, t->fp, n, (off_t)(off - n)) == (ssize_t)n)
			t->fplen = n;
	}
}

int
tail_start(struct tail *t, const struct state_ckpt *ck, int from_beginning,
    int64_t now_us, struct state_ckpt *pos, int *resync)
{
	struct state_fileid	 pid, fid, *pp = NULL, *fp = NULL;
	struct state_start	 st;
	struct stat		 sb, rsb;
	char			 rpath[4096];
	int			 fd, rfd = -1;

	memset(pos, 0, sizeof(*pos));
	if ((fd = file_open(t->path, &sb)) != -1) {
		pid.dev = (uint64_t)sb.st_dev;
		pid.ino = (uint64_t)sb.st_ino;
		pid.size = (uint64_t)sb.st_size;
		pp = &pid;
	} else if (errno != ENOENT)
		log_warn("input %s", t->path);
	if (ck != NULL && (ck->dev != 0 || ck->ino != 0) &&
	    (pp == NULL || pid.dev != ck->dev || pid.ino != ck->ino) &&
	    find_rotated(t->path, ck->dev, ck->ino, &fid, rpath,
	    sizeof(rpath)) == 0)
		fp = &fid;
	state_resume(ck, pp, fp, from_beginning, &st);
	*resync = st.resync;
	if (st.rotated && (rfd = file_open(rpath, &rsb)) != -1 &&
	    (uint64_t)rsb.st_dev == ck->dev &&
	    (uint64_t)rsb.st_ino == ck->ino) {
		/* drain the rotated file first; the path comes after it */
		log_info("input %s: resuming in rotated file %s at %llu",
		    t->path, rpath, (unsigned long long)st.roff);
		t->oldfd = rfd;
		t->olddev = ck->dev;
		t->oldino = ck->ino;
		t->oldoff = st.roff;
		t->rotated_us = now_us - TAIL_ROTATE_GRACE_US;
		t->state = TAIL_ROTATED;
		pos->dev = ck->dev;
		pos->ino = ck->ino;
		pos->off = st.roff;
		if (fd != -1)
			close(fd);
		return 0;
	}
	if (rfd != -1) {
		close(rfd);
		*resync = 1;	/* replaced while we looked */
	}
	if (fd == -1) {
		t->state = TAIL_WAIT;
		log_info("input %s: waiting for the file", t->path);
		return 0;
	}
	tail_set_open(t, fd, &sb, st.off);
	pos->dev = t->dev;
	pos->ino = t->ino;
	pos->off = st.off;
	log_info("input %s: opened at offset %llu", t->path,
	    (unsigned long long)st.off);
	return 0;
}

/* Remember the last TAIL_FP bytes read, which end at t->off. */
static void
tail_fp_update(struct tail *t, const uint8_t *b, size_t n)
{
	size_t keep;

	if (n >= TAIL_FP) {
		memcpy(t->fp, b + n - TAIL_FP, TAIL_FP);
		t->fplen = TAIL_FP;
		return;
	}
	keep = t->fplen + n > TAIL_FP ? TAIL_FP - n : t->fplen;
	memmove(t->fp, t->fp + t->fplen - keep, keep);
	memcpy(t->fp + keep, b, n);
	t->fplen = keep + n;
}

/*
 * After a copytruncate: find the copy, a file in the same directory
 * holding at off - fplen the bytes we read last.  Returns its descriptor
 * (and identity in *sb) or -1.
 */
static int
find_copy(struct tail *t, struct stat *sb)
{
	char		 tmp[4096], *dir;
	uint8_t		 b[TAIL_FP];
	DIR		*d;
	struct dirent	*de;
	int		 fd = -1;

	if (t->fplen == 0 || t->off < t->fplen || strlen(t->path) >=
	    sizeof(tmp))
		return -1;
	strcpy(tmp, t->path);
	dir = dirname(tmp);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while (fd == -1 && (de = readdir(d)) != NULL) {
		if (fstatat(dirfd(d), de->d_name, sb, AT_SYMLINK_NOFOLLOW)
		    == -1 || !S_ISREG(sb->st_mode) ||
		    (uint64_t)sb->st_ino == t->ino ||
		    (uint64_t)sb->st_size < t->off)
			continue;
		if ((fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC |
		    O_NOCTTY)) == -1)
			continue;
		if (fstat(fd, sb) != 0 || pread(fd, b, t->fplen,
		    (off_t)(t->off - t->fplen)) != (ssize_t)t->fplen ||
		    memcmp(b, t->fp, t->fplen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	closedir(d);
	return fd;
}

/*
 * Read fd from *off, feeding lines to the sink, until end of file, the
 * sink is full, or a read error.  Returns 1 if stopped by the sink, 0 at
 * end of file, -1 on error.
 */
static int
tail_drain(struct tail *t, int fd, uint64_t dev, uint64_t ino,
    uint64_t *off, const struct tail_sink *sink, int64_t now_us)
{
	struct tail_line	 tl;
	ssize_t			 n;
	size_t			 pos, used;
	int			 r;

	tl.dev = dev;
	tl.ino = ino;
	tl.read_us = now_us;
	for (;;) {
		if (sink->full(sink->arg))
			return 1;
		/*
		 * pread at our own offset: the descriptor's position never
		 * matters, and a truncation cannot move us.
		 */
		n = pread(fd, tail_chunk, sizeof(tail_chunk), (off_t)*off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_warn("input %s: read", t->path);
			return -1;
		}
		if (n == 0)
			return 0;
		for (pos = 0; pos < (size_t)n; pos += used) {
			r = tail_split_feed(&t->split, tail_chunk + pos,
			    (size_t)n - pos, &used, &tl.p, &tl.len, &tl.cut);
			if (r < 0) {
				log_warnx("input %s: out of memory", t->path);
				*off += pos;
				return -1;
			}
			if (r == 0) {
				t->pending += used;
				break;
			}
			tl.end = *off + pos + used;
			if (sink->line(sink->arg, &tl) != 0) {
				/* not taken: read the whole line again later */
				*off = tl.end - (t->pending + used);
				tail_split_reset(&t->split);
				t->pending = 0;
				t->fplen = 0;
				return 1;
			}
			t->pending = 0;
			if (sink->full(sink->arg)) {
				/* stop right after this line */
				*off = tl.end;
				if (off == &t->off)
					tail_fp_update(t, tail_chunk,
					    pos + used);
				return 1;
			}
		}
		*off += (size_t)n;
		if (off == &t->off)
			tail_fp_update(t, tail_chunk, (size_t)n);
	}
}

static void
tail_check_open(struct tail *t, int64_t now_us)
{
	struct stat	sb;
	int		fd;

	if (fstat(t->fd, &sb) == 0 && (uint64_t)sb.st_size < t->off) {
		if ((fd = find_copy(t, &sb)) != -1) {
			log_info("input %s: truncated, finishing its copy "
			    "first (from offset %llu)", t->path,
			    (unsigned long long)t->off);
			close(t->fd);
			t->fd = -1;
			t->oldfd = fd;
			t->olddev = (uint64_t)sb.st_dev;
			t->oldino = (uint64_t)sb.st_ino;
			t->oldoff = t->off;
			t->rotated_us = now_us - TAIL_ROTATE_GRACE_US;
			t->state = TAIL_ROTATED;
			return;
		}
		log_info("input %s: truncated (size %lld < offset %llu), "
		    "reading from 0", t->path, (long long)sb.st_size,
		    (unsigned long long)t->off);
		t->off = 0;
		tail_split_reset(&t->split);
		t->pending = 0;
		t->fplen = 0;
	}
	if (stat(t->path, &sb) == 0 && (uint64_t)sb.st_dev == t->dev &&
	    (uint64_t)sb.st_ino == t->ino)
		return;
	/* renamed or deleted: keep the descriptor, drain it */
	log_debug("input %s: file replaced or removed", t->path);
	t->oldfd = t->fd;
	t->olddev = t->dev;
	t->oldino = t->ino;
	t->oldoff = t->off;
	t->fd = -1;
	t->rotated_us = now_us;
	t->state = TAIL_ROTATED;
}

/* ROTATED and the old file is at its end: switch if it is time. */
static void
tail_check_rotated(struct tail *t, int64_t now_us)
{
	struct stat	sb;
	int		fd, gone;

	gone = fstat(t->oldfd, &sb) == 0 && sb.st_nlink == 0;
	if (now_us - t->rotated_us < TAIL_ROTATE_GRACE_US && !gone)
		return;
	if ((fd = file_open(t->path, &sb)) == -1) {
		if (errno != ENOENT && !t->warned) {
			log_warn("input %s", t->path);
			t->warned = 1;
		}
		if (!gone)
			return;		/* keep following the old file */
		close(t->oldfd);
		t->oldfd = -1;
		t->state = TAIL_WAIT;
		log_info("input %s: removed, waiting for the file", t->path);
		return;
	}
	close(t->oldfd);
	t->oldfd = -1;
	tail_set_open(t, fd, &sb, 0);
	log_info("input %s: rotated, reading the new file from 0", t->path);
}

int
tail_poll(struct tail *t, const struct tail_sink *sink, int64_t now_us)
{
	struct stat	sb;
	int		fd, r;

	switch (t->state) {
	case TAIL_WAIT:
		if ((fd = file_open(t->path, &sb)) == -1) {
			if (errno != ENOENT && !t->warned) {
				log_warn("input %s", t->path);
				t->warned = 1;
			}
			return 0;
		}
		tail_set_open(t, fd, &sb, 0);
		log_info("input %s: opened (new file)", t->path);
		break;
	case TAIL_OPEN:
		tail_check_open(t, now_us);
		break;
	case TAIL_ROTATED:
		break;
	}
	if (t->state == TAIL_ROTATED) {
		r = tail_drain(t, t->oldfd, t->olddev, t->oldino, &t->oldoff,
		    sink, now_us);
		if (r != 0)
			return r > 0;
		/*
		 * At its end.  On a switch an unfinished last line of the
		 * old file is dropped: it can never be completed.
		 */
		tail_check_rotated(t, now_us);
		if (t->state != TAIL_OPEN)
			return 0;
	}
	if (t->state != TAIL_OPEN)
		return 0;
	return tail_drain(t, t->fd, t->dev, t->ino, &t->off, sink,
	    now_us) > 0;
}
