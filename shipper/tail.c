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
 *            over (or at once when it was deleted): if it had been
 *            renamed and a sibling rotated after it was not read yet (the
 *            path was rotated again meanwhile) -> ROTATED on the oldest
 *            such sibling at 0; else if path exists -> OPEN the new file
 *            at 0; else, when the old file was deleted -> WAIT
 *
 * Finished files are remembered (TAIL_DONE_MAX per input) so that a file
 * renamed again after we read it is never read twice.  Which siblings to
 * read is decided by tail_pick (pure, below the splitter).
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

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

/*
 * Rotated siblings (pure).  A suffix is ".N" (N decimal, at most 9
 * digits: PATH.0 and PATH.1 are the newest) or "-D" (D digits, '-' and
 * '_' with at least 8 digits, a date: larger is newer), then optionally
 * one compression extension.
 */
#define SIB_NUMERIC	1
#define SIB_DATE	2

struct sibkey {
	int		 kind;		/* TAIL_SIB_* */
	int		 scheme;	/* SIB_* */
	uint64_t	 num;
	const char	*date;
	size_t		 datelen;
};

static const char *const sib_zext[] = { "gz", "xz", "bz2", "zst", NULL };

static void
sib_parse(const char *base, const char *name, struct sibkey *k)
{
	const char	*r, *e;
	size_t		 bl = strlen(base), nd = 0, i;

	memset(k, 0, sizeof(*k));
	if (strncmp(name, base, bl) != 0)
		return;
	r = name + bl;
	if ((r[0] != '.' && r[0] != '-') || r[1] < '0' || r[1] > '9')
		return;
	if (r[0] == '.') {
		for (e = r + 1; *e >= '0' && *e <= '9'; e++)
			k->num = k->num * 10 + (uint64_t)(*e - '0');
		if (e - (r + 1) > 9)
			return;
		k->scheme = SIB_NUMERIC;
	} else {
		for (e = r + 1; (*e >= '0' && *e <= '9') || *e == '-' ||
		    *e == '_'; e++)
			if (*e >= '0' && *e <= '9')
				nd++;
		if (nd < 8)
			return;
		k->date = r + 1;
		k->datelen = (size_t)(e - (r + 1));
		k->scheme = SIB_DATE;
	}
	if (*e == '\0') {
		k->kind = TAIL_SIB_PLAIN;
		return;
	}
	if (*e++ != '.')
		return;
	for (i = 0; sib_zext[i] != NULL; i++)
		if (strcmp(e, sib_zext[i]) == 0) {
			k->kind = TAIL_SIB_COMPRESSED;
			return;
		}
}

int
tail_sib_kind(const char *base, const char *name)
{
	struct sibkey k;

	sib_parse(base, name, &k);
	return k.kind;
}

/* By suffix, same scheme: <0 when a is older than b. */
static int
sib_namecmp(const struct sibkey *a, const struct sibkey *b)
{
	int c;

	if (a->scheme == SIB_NUMERIC)
		return a->num > b->num ? -1 : a->num < b->num;
	c = memcmp(a->date, b->date, a->datelen < b->datelen ? a->datelen :
	    b->datelen);
	if (c != 0)
		return c;
	return a->datelen < b->datelen ? -1 : a->datelen > b->datelen;
}

static int
i64cmp(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* <0 when sibling a is older than b in the given order. */
static int
sib_agecmp(const char *base, const struct tail_sib *a,
    const struct tail_sib *b, int order)
{
	struct sibkey	ka, kb;
	int		c = 0;

	sib_parse(base, a->name, &ka);
	sib_parse(base, b->name, &kb);
	if (order == TAIL_ORDER_BIRTH)
		c = i64cmp(a->id.btime_ns, b->id.btime_ns);
	else if (order == TAIL_ORDER_MTIME)
		c = i64cmp(a->id.mtime_ns, b->id.mtime_ns);
	if (c == 0 && ka.scheme == kb.scheme && ka.scheme != 0)
		c = sib_namecmp(&ka, &kb);
	if (c == 0)
		c = strcmp(b->name, a->name);	/* only to be deterministic */
	return c;
}

static int
fid_same(const struct tail_fid *a, const struct tail_fid *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

/* f is a file in done (and not a new file that reused its inode). */
static int
fid_done(const struct tail_fid *f, const struct tail_fid *done, size_t ndone)
{
	size_t i;

	for (i = 0; i < ndone; i++) {
		if (!fid_same(f, &done[i]))
			continue;
		if (f->btime_ns != 0 && done[i].btime_ns != 0) {
			if (f->btime_ns == done[i].btime_ns)
				return 1;
		} else if (f->size >= done[i].size)
			return 1;
	}
	return 0;
}

/* Insert index v into the sorted list l[0..*n), oldest first. */
static void
sib_insert(const char *base, const struct tail_sib *sibs, size_t *l,
    size_t *n, size_t v, int order)
{
	size_t j = *n;

	while (j > 0 && sib_agecmp(base, &sibs[l[j - 1]], &sibs[v],
	    order) > 0) {
		l[j] = l[j - 1];
		j--;
	}
	l[j] = v;
	(*n)++;
}

void
tail_pick(const char *base, const struct tail_sib *sibs, size_t n,
    const struct tail_fid *anchor, const struct tail_fid *cur,
    const struct tail_fid *done, size_t ndone, struct tail_pick *out)
{
	struct sibkey	 k, ka;
	size_t		 plain[TAIL_SIB_MAX], comp[TAIL_SIB_MAX];
	size_t		 i, np = 0, nc = 0, a = n;
	int		 births = anchor->btime_ns != 0, scheme = 0, mixed = 0;
	int		 newer;

	memset(out, 0, sizeof(*out));
	if (n > TAIL_SIB_MAX)
		n = TAIL_SIB_MAX;
	memset(&ka, 0, sizeof(ka));
	for (i = 0; i < n; i++) {
		sib_parse(base, sibs[i].name, &k);
		if (k.kind == TAIL_SIB_NONE)
			continue;
		if (fid_same(&sibs[i].id, anchor)) {
			a = i;
			ka = k;
		}
		if (scheme != 0 && k.scheme != scheme)
			mixed = 1;
		scheme = k.scheme;
		if (k.kind == TAIL_SIB_PLAIN && sibs[i].id.btime_ns == 0)
			births = 0;
	}
	if (births)
		out->order = TAIL_ORDER_BIRTH;
	else if (a < n && !mixed)
		out->order = TAIL_ORDER_NAME;
	else
		out->order = TAIL_ORDER_MTIME;
	for (i = 0; i < n; i++) {
		sib_parse(base, sibs[i].name, &k);
		if (k.kind == TAIL_SIB_NONE || i == a ||
		    fid_same(&sibs[i].id, anchor) ||
		    (cur != NULL && fid_same(&sibs[i].id, cur)) ||
		    fid_done(&sibs[i].id, done, ndone))
			continue;
		switch (out->order) {
		case TAIL_ORDER_BIRTH:
			newer = sibs[i].id.btime_ns > anchor->btime_ns;
			break;
		case TAIL_ORDER_NAME:
			newer = sib_namecmp(&k, &ka) > 0;
			break;
		default:
			newer = sibs[i].id.mtime_ns >= anchor->mtime_ns;
			break;
		}
		if (!newer)
			continue;
		if (k.kind == TAIL_SIB_PLAIN)
			sib_insert(base, sibs, plain, &np, i, out->order);
		else
			sib_insert(base, sibs, comp, &nc, i, out->order);
	}
	out->nnewer = np;
	out->nnext = np < TAIL_PICK_MAX ? np : TAIL_PICK_MAX;
	memcpy(out->next, plain, out->nnext * sizeof(plain[0]));
	out->ncomp = nc < TAIL_PICK_MAX ? nc : TAIL_PICK_MAX;
	memcpy(out->comp, comp, out->ncomp * sizeof(comp[0]));
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
	int			 oldscan;	/* renamed: look for files
						   rotated after it */
	struct tail_fid		 done[TAIL_DONE_MAX];
	size_t			 ndone, donepos;	/* finished files */
	int			 warned_many;	/* TAIL_SIB_MAX reported */
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

static void
fid_from_stat(struct tail_fid *f, const struct stat *sb)
{
	memset(f, 0, sizeof(*f));
	f->dev = (uint64_t)sb->st_dev;
	f->ino = (uint64_t)sb->st_ino;
	f->size = (uint64_t)sb->st_size;
	f->mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 +
	    sb->st_mtim.tv_nsec;
}

/*
 * Identify dirfd/name (name "" with AT_EMPTY_PATH: dirfd itself), with
 * its birth time where statx(2) knows it.  *isreg tells a regular file.
 * Returns 0 or -1.
 */
static int
fid_at(int dirfd, const char *name, struct tail_fid *f, int *isreg)
{
	struct stat	sb;
#ifdef STATX_BTIME
	struct statx	sx;
#endif
	int		flags = AT_SYMLINK_NOFOLLOW;

	if (name[0] == '\0')
		flags |= AT_EMPTY_PATH;
#ifdef STATX_BTIME
	if (statx(dirfd, name, flags, STATX_BASIC_STATS | STATX_BTIME,
	    &sx) == 0) {
		memset(f, 0, sizeof(*f));
		f->dev = (uint64_t)makedev(sx.stx_dev_major, sx.stx_dev_minor);
		f->ino = sx.stx_ino;
		f->size = sx.stx_size;
		f->mtime_ns = (int64_t)sx.stx_mtime.tv_sec * 1000000000 +
		    sx.stx_mtime.tv_nsec;
		if (sx.stx_mask & STATX_BTIME)
			f->btime_ns = (int64_t)sx.stx_btime.tv_sec *
			    1000000000 + sx.stx_btime.tv_nsec;
		*isreg = S_ISREG(sx.stx_mode);
		return 0;
	}
	if (errno != ENOSYS)
		return -1;
#endif
	if (fstatat(dirfd, name, &sb, flags) == -1)
		return -1;
	fid_from_stat(f, &sb);
	*isreg = S_ISREG(sb.st_mode);
	return 0;
}

/* Remember a finished file (its size is where we stopped). */
static void
tail_done_add(struct tail *t, uint64_t dev, uint64_t ino, int fd,
    uint64_t end)
{
	struct tail_fid	f;
	size_t		i;
	int		isreg;

	if (fd == -1 || fid_at(fd, "", &f, &isreg) == -1) {
		memset(&f, 0, sizeof(f));
		f.dev = dev;
		f.ino = ino;
	}
	f.size = end;
	for (i = 0; i < t->ndone; i++)
		if (t->done[i].dev == dev && t->done[i].ino == ino) {
			t->done[i] = f;
			return;
		}
	t->done[t->donepos] = f;
	t->donepos = (t->donepos + 1) % TAIL_DONE_MAX;
	if (t->ndone < TAIL_DONE_MAX)
		t->ndone++;
}

/*
 * The rotated siblings of path in its directory, at most TAIL_SIB_MAX
 * (a plain file displaces a compressed one when there are more).
 * *sibs is an array of *n; caller frees.  Returns 0 or -1.
 */
static int
scan_siblings(struct tail *t, const char *dir, const char *base,
    struct tail_sib **sibs, size_t *n)
{
	struct tail_sib	*s;
	DIR		*d;
	struct dirent	*de;
	struct tail_fid	 f;
	size_t		 i, ns = 0;
	int		 kind, isreg, many = 0;

	*sibs = NULL;
	*n = 0;
	if ((s = calloc(TAIL_SIB_MAX, sizeof(*s))) == NULL)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		free(s);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if ((kind = tail_sib_kind(base, de->d_name)) == TAIL_SIB_NONE ||
		    strlen(de->d_name) >= TAIL_SIB_NAMELEN ||
		    fid_at(dirfd(d), de->d_name, &f, &isreg) == -1 || !isreg)
			continue;
		i = ns;
		if (ns == TAIL_SIB_MAX) {
			many = 1;
			if (kind != TAIL_SIB_PLAIN)
				continue;
			for (i = 0; i < ns; i++)
				if (tail_sib_kind(base, s[i].name) !=
				    TAIL_SIB_PLAIN)
					break;
			if (i == ns)
				continue;
		} else
			ns++;
		strcpy(s[i].name, de->d_name);	/* fits: checked above */
		s[i].id = f;
	}
	closedir(d);
	if (many && !t->warned_many) {
		log_warnx("input %s: more than %d rotated files, looking at "
		    "some only", t->path, TAIL_SIB_MAX);
		t->warned_many = 1;
	}
	*sibs = s;
	*n = ns;
	return 0;
}

/*
 * The old file is finished: open the oldest sibling rotated after it
 * and not read yet.  cur is what the path names now (NULL: nothing).
 * Compressed files in the way are reported once.  Returns the
 * descriptor (its identity in *f, name in name) or -1.
 */
static int
tail_next_rotated(struct tail *t, const struct tail_fid *cur,
    struct tail_fid *f, char *name, size_t namelen)
{
	struct tail_sib		*sibs = NULL;
	struct tail_pick	 pk;
	struct tail_fid		 anchor;
	char			 tmp[4096], tmp2[4096], *dir, *base;
	size_t			 n, i;
	int			 fd = -1, dfd = -1, isreg;

	if (strlen(t->path) >= sizeof(tmp) ||
	    fid_at(t->oldfd, "", &anchor, &isreg) == -1)
		return -1;
	strcpy(tmp, t->path);
	strcpy(tmp2, t->path);
	dir = dirname(tmp);
	base = basename(tmp2);
	if (scan_siblings(t, dir, base, &sibs, &n) == -1)
		return -1;
	tail_pick(base, sibs, n, &anchor, cur, t->done, t->ndone, &pk);
	for (i = 0; i < pk.ncomp; i++) {
		log_warnx("input %s: skipping compressed rotated file %s/%s: "
		    "lines in it that were not read are not shipped", t->path,
		    dir, sibs[pk.comp[i]].name);
		tail_done_add(t, sibs[pk.comp[i]].id.dev,
		    sibs[pk.comp[i]].id.ino, -1, sibs[pk.comp[i]].id.size);
	}
	if (pk.nnext == 0 || (dfd = open(dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		goto out;
	i = pk.next[0];
	if ((fd = openat(dfd, sibs[i].name, O_RDONLY | O_CLOEXEC |
	    O_NOCTTY)) == -1)
		goto out;
	/* renamed again since the scan: look again next time */
	if (fid_at(fd, "", f, &isreg) == -1 || !isreg ||
	    !fid_same(f, &sibs[i].id) ||
	    (size_t)snprintf(name, namelen, "%s/%s", dir, sibs[i].name) >=
	    namelen) {
		close(fd);
		fd = -1;
		goto out;
	}
	log_info("input %s: reading %s first, rotated after the file just "
	    "finished (%zu such file%s, by %s)", t->path, name, pk.nnewer,
	    pk.nnewer == 1 ? "" : "s", pk.order == TAIL_ORDER_BIRTH ?
	    "birth time" : pk.order == TAIL_ORDER_NAME ? "name" : "mtime");
 out:
	if (dfd != -1)
		close(dfd);
	free(sibs);
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
		t->oldscan = 1;
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
			t->oldscan = 0;
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
	t->oldscan = 1;
}

/*
 * ROTATED and the old file is at its end: switch if it is time, to a file
 * rotated after it if one was missed, else to the path.  Returns 1 when
 * it switched to another old file (drain it now), else 0.
 */
static int
tail_check_rotated(struct tail *t, int64_t now_us)
{
	struct stat	sb;
	struct tail_fid	cur, nf;
	char		name[4096];
	int		fd, nfd, gone;
	int64_t		mtime_us;

	gone = fstat(t->oldfd, &sb) == 0 && sb.st_nlink == 0;
	if (now_us - t->rotated_us < TAIL_ROTATE_GRACE_US && !gone)
		return 0;
	fd = file_open(t->path, &sb);
	if (fd == -1 && errno != ENOENT && !t->warned) {
		log_warn("input %s", t->path);
		t->warned = 1;
	}
	if (fd != -1)
		fid_from_stat(&cur, &sb);
	if (t->oldscan && (nfd = tail_next_rotated(t, fd != -1 ? &cur : NULL,
	    &nf, name, sizeof(name))) != -1) {
		if (fd != -1)
			close(fd);
		tail_done_add(t, t->olddev, t->oldino, t->oldfd, t->oldoff);
		close(t->oldfd);
		t->oldfd = nfd;
		t->olddev = nf.dev;
		t->oldino = nf.ino;
		t->oldoff = 0;
		tail_split_reset(&t->split);
		t->pending = 0;
		/* a writer may still hold it: drain until it is quiet */
		mtime_us = nf.mtime_ns / 1000;
		t->rotated_us = mtime_us < now_us ? mtime_us : now_us;
		return 1;
	}
	if (fd == -1) {
		if (!gone)
			return 0;	/* keep following the old file */
		tail_done_add(t, t->olddev, t->oldino, t->oldfd, t->oldoff);
		close(t->oldfd);
		t->oldfd = -1;
		t->state = TAIL_WAIT;
		log_info("input %s: removed, waiting for the file", t->path);
		return 0;
	}
	tail_done_add(t, t->olddev, t->oldino, t->oldfd, t->oldoff);
	close(t->oldfd);
	t->oldfd = -1;
	tail_set_open(t, fd, &sb, 0);
	log_info("input %s: rotated, reading the new file from 0", t->path);
	return 0;
}

int
tail_poll(struct tail *t, const struct tail_sink *sink, int64_t now_us)
{
	struct stat	sb;
	int		fd, r, i;

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
	/* each old file is drained once: the pick never repeats one */
	for (i = 0; t->state == TAIL_ROTATED; i++) {
		r = tail_drain(t, t->oldfd, t->olddev, t->oldino, &t->oldoff,
		    sink, now_us);
		if (r != 0)
			return r > 0;
		/*
		 * At its end.  On a switch an unfinished last line of the
		 * old file is dropped: it can never be completed.
		 */
		if (!tail_check_rotated(t, now_us) || i >= TAIL_DONE_MAX) {
			if (t->state != TAIL_OPEN)
				return 0;
			break;
		}
	}
	if (t->state != TAIL_OPEN)
		return 0;
	return tail_drain(t, t->fd, t->dev, t->ino, &t->off, sink,
	    now_us) > 0;
}
