/*
 * tail.h -- follow one log file by device, inode and offset, and split
 * what it reads into complete lines.
 *
 * The line splitter (tail_split_*) is pure: it is fed bytes and returns
 * lines; it does no I/O.  The follower (tail_*) is the I/O shell: it
 * stat(2)s the path on every poll, handles rotation by rename+create,
 * copytruncate and files that do not exist yet, and hands each complete
 * line with its position to a sink.
 */
#ifndef VIGIL_TAIL_H
#define VIGIL_TAIL_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

#define TAIL_CHUNK		(64u * 1024)	/* one read(2) */
#define TAIL_ROTATE_GRACE_US	(1000 * 1000)	/* drain a renamed file */
#define TAIL_FP			256	/* bytes before the offset remembered */

/*
 * Splitter state: the bytes of a line that did not end in the last chunk.
 * At most max + 1 bytes are held (the extra one for a CR before the LF);
 * the rest of an over-long line is skipped up to its LF.
 */
struct tail_split {
	uint8_t	*line;
	size_t	 len;		/* bytes held */
	size_t	 cap;
	size_t	 max;		/* longest line returned */
	int	 over;		/* current line is longer than max + 1 */
};

void	tail_split_init(struct tail_split *, size_t max);
/* Free the held bytes. */
void	tail_split_clear(struct tail_split *);
/* Forget a partial line (the file was truncated or switched). */
void	tail_split_reset(struct tail_split *);
/*
 * Feed b[0..len).  Returns 1 when a line ended: *used is the number of
 * bytes consumed (through the LF), *line and *linelen the line without the LF
 * and one CR before it, cut to max bytes (*cut is then 1).  *line points
 * into b or into the splitter and is valid until the next call; it may
 * hold NUL bytes.  Returns 0 when all of b was consumed without ending a
 * line (*used == len), or ERR_NOMEM (nothing consumed).
 */
int	tail_split_feed(struct tail_split *, const uint8_t *b, size_t len,
	    size_t *used, const uint8_t **line, size_t *linelen, int *cut);

/* One complete line handed to the sink. */
struct tail_line {
	const uint8_t	*p;		/* valid during the callback only */
	size_t		 len;
	int		 cut;		/* truncated at the line limit */
	uint64_t	 dev, ino;	/* the file it was read from */
	uint64_t	 end;		/* offset just after its LF */
	int64_t		 read_us;	/* wall clock, microseconds */
};

struct tail_sink {
	/* Take a line; non-zero stops reading (the line is not consumed). */
	int	(*line)(void *arg, const struct tail_line *);
	/* Non-zero while no more lines are wanted (backpressure). */
	int	(*full)(void *arg);
	void	*arg;
};

/*
 * Missed rotations.  When the path names another file, the old one is
 * drained and then the directory is searched for rotated siblings of the
 * path (PATH.N, PATH-YYYYMMDD[...], each optionally .gz .xz .bz2 .zst)
 * that were rotated after it: when the old file is renamed twice before
 * we are done with it, the file between it and the new one is read too,
 * oldest first, before the path.  tail_pick is the pure decision.
 */
#define TAIL_DONE_MAX		16	/* finished files remembered */
#define TAIL_SIB_MAX		256	/* siblings looked at per scan */
#define TAIL_PICK_MAX		8	/* files returned per pick */
#define TAIL_SIB_NAMELEN	256

/* What statx(2) says about a file. */
struct tail_fid {
	uint64_t	dev, ino;
	uint64_t	size;
	int64_t		mtime_ns;
	int64_t		btime_ns;	/* birth time; 0 when unknown */
};

/* One directory entry. */
struct tail_sib {
	char		name[TAIL_SIB_NAMELEN];
	struct tail_fid	id;
};

#define TAIL_SIB_NONE		0	/* not a rotated sibling */
#define TAIL_SIB_PLAIN		1
#define TAIL_SIB_COMPRESSED	2	/* skipped: never read */

/* How name (a file name, no '/') relates to base (the path's name). */
int	tail_sib_kind(const char *base, const char *name);

#define TAIL_ORDER_BIRTH	1	/* by birth time (the rename chain) */
#define TAIL_ORDER_NAME		2	/* by the rotation suffix */
#define TAIL_ORDER_MTIME	3	/* by modification time */

struct tail_pick {
	size_t	next[TAIL_PICK_MAX];	/* plain files to read, oldest first */
	size_t	nnext;
	size_t	nnewer;		/* all plain files to read (>= nnext) */
	size_t	comp[TAIL_PICK_MAX];	/* compressed files that may hold */
	size_t	ncomp;		/* ... lines not read; ncomp is capped */
	int	order;		/* TAIL_ORDER_* used */
};

/*
 * Which rotated siblings of base to read after the file anchor, which we
 * have just read to its end (it may be among sibs or gone).  sibs: the
 * directory's entries (at most TAIL_SIB_MAX are looked at); cur: the
 * file the path names now (NULL: none), read after these; done: files
 * already finished (matched by dev+ino, and birth time when both are
 * known, else by not being smaller than when finished, against inode
 * reuse).  A sibling is newer than anchor when, in this order of trust:
 * it was born after it (when every birth time is known), its suffix says
 * so (anchor found under a sibling name and all names of one scheme;
 * PATH.1 is newer than PATH.2, PATH-20240102 newer than PATH-20240101),
 * or it was modified at or after it.  Indices are into sibs.  Pure.
 */
void	tail_pick(const char *base, const struct tail_sib *sibs, size_t n,
	    const struct tail_fid *anchor, const struct tail_fid *cur,
	    const struct tail_fid *done, size_t ndone, struct tail_pick *out);

struct tail;

/* A follower for path; lines are cut at linemax.  Caller frees. */
struct tail	*tail_new(const char *path, size_t linemax);
void		 tail_free(struct tail *);	/* accepts NULL */
/*
 * Decide where to start from the stream's checkpoint (NULL: none) and
 * open the file(s).  *pos receives the stream's starting checkpoint
 * position (dev, ino, off), *resync whether the sequence numbers may no
 * longer match what was sent before (see state_resume).  A missing file
 * is not an error: it is waited for.  Returns 0 or ERR_NOMEM.
 */
int	tail_start(struct tail *, const struct state_ckpt *ck,
	    int from_beginning, int64_t now_us, struct state_ckpt *pos,
	    int *resync);
/*
 * Check the path for rotation, truncation or appearance, then read
 * complete lines into the sink until end of file or until the sink is
 * full.  Returns 1 when it stopped because the sink was full, else 0.
 */
int	tail_poll(struct tail *, const struct tail_sink *, int64_t now_us);
const char *tail_path(const struct tail *);

#endif
