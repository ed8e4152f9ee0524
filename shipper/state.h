/*
 * state.h -- the shipper's streams: the window of read but unacknowledged
 * lines, the per-stream sequence numbers and the persisted checkpoints.
 *
 * Invariant that makes delivery exactly-once: a checkpoint (dev, ino,
 * off, next_seq) always names the end of the line whose sequence is
 * next_seq - 1, so reading the same file again from off gives every line
 * the sequence it had before, and the collector absorbs the duplicates.
 * A journal stream's checkpoint (cursor, next_seq) names the entry whose
 * sequence is next_seq - 1 the same way: reading on after that cursor
 * numbers the same entries the same.
 *
 * Pure: the checkpoint file codec (state_ckpt_parse/_format) and the
 * restart decision (state_resume), in ckpt.c; the window, in state.c.  state_load/state_save do the
 * file I/O in the state directory.
 */
#ifndef VIGIL_STATE_H
#define VIGIL_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define STATE_FILE		"checkpoints"
#define STATE_CKPT_MAX		1024	/* entries in the file */
#define STATE_FILE_MAX		(1024u * 1024)
/* per-line memory cost counted against the window besides the text */
#define STATE_LINE_OVERHEAD	64
/* with a spool: bytes spooled per read round (between state_sync calls) */
#define STATE_ROUND_MAX		(4u * 1024 * 1024)
#define STATE_GAP_REASON	"spool_full"

/*
 * One checkpoint: the first byte not yet acknowledged.  dev = ino = 0
 * means "no file seen yet" (start the path at 0 when it appears).
 */
struct state_ckpt {
	char		*path;
	uint64_t	 dev, ino;
	uint64_t	 off;
	uint64_t	 next_seq;	/* >= 1 */
};

/* Longest journal cursor kept (sd-journal's are about 150 bytes). */
#define STATE_CURSOR_MAX	512

/*
 * One record of the checkpoints file.  A file stream has a position in
 * ck (cursor NULL).  A journal stream has ck.path and ck.next_seq, dev =
 * ino = off = 0, and the cursor of its last acknowledged entry; "" means
 * no entry yet: read the journal from its head.
 */
struct state_rec {
	struct state_ckpt ck;
	char		*cursor;	/* NULL: a file stream */
};

/*
 * Parse the text of a checkpoints file, '#' comments and one line per
 * stream, either
 *	path dev ino offset next_seq		(a file)
 *	path cursor=CURSOR next_seq		(a journal; CURSOR "-": head)
 * The path may hold blanks (the other fields are found from the end of
 * the line); it may not hold a newline.  A CURSOR is 1..STATE_CURSOR_MAX
 * printable ASCII characters without blanks.  Malformed lines and a last
 * line without its newline (a torn write) are skipped and counted in
 * *nbad, and so are entries beyond STATE_CKPT_MAX; for a path given
 * twice the last line wins.  *recs is an array of *n entries; caller
 * frees with state_recs_free.  Returns 0 or ERR_NOMEM.
 */
int	state_rec_parse(const char *text, size_t len, struct state_rec **recs,
	    size_t *n, size_t *nbad);
void	state_recs_free(struct state_rec *, size_t n);
/*
 * Append the file text for n records to out.  ERR_FORMAT for a bad path
 * or cursor.
 */
int	state_rec_format(struct buf *out, const struct state_rec *, size_t n);

/*
 * The file-stream subset of the above: state_rec_parse without the
 * journal records (they are neither returned nor counted as bad), and
 * state_rec_format of records without cursors.
 */
int	state_ckpt_parse(const char *text, size_t len, struct state_ckpt **cks,
	    size_t *n, size_t *nbad);
void	state_ckpts_free(struct state_ckpt *, size_t n);
int	state_ckpt_format(struct buf *out, const struct state_ckpt *,
	    size_t n);

/*
 * 0 when c[0..n) can be a cursor on a checkpoint line: at most
 * STATE_CURSOR_MAX printable ASCII characters, no blanks; else ERR_FORMAT.
 */
int	state_cursor_check(const char *c, size_t n);

/* What stat(2) says about a file. */
struct state_fileid {
	uint64_t	dev, ino, size;
};

/* Where to start a stream after a restart. */
struct state_start {
	int		rotated;	/* first read the file with ck's ids */
	uint64_t	roff;		/* ... from this offset to its end */
	uint64_t	off;		/* then (or else) the path from here */
	int		resync;		/* sequences may not match the past */
};

/*
 * Decide where to start.  ck: the stream's checkpoint or NULL; path: the
 * path's identity or NULL when it does not exist; found: a file in the
 * same directory with ck's dev+ino, or NULL.  A new stream starts at the
 * end of an existing file unless from_beginning; a file that appears
 * later is read from 0.  resync is set when the bytes after the
 * checkpoint are lost (file gone or truncated while we were down) or the
 * stream is new: its sequence numbers are then realigned with the
 * collector's WELCOME instead of trusted.
 */
void	state_resume(const struct state_ckpt *ck,
	    const struct state_fileid *path, const struct state_fileid *found,
	    int from_beginning, struct state_start *out);

struct state;

/* Window of at most window_max bytes; dir is the state directory. */
struct state	*state_new(const char *dir, size_t window_max);
void		 state_free(struct state *);	/* accepts NULL */
/*
 * Read dir/checkpoints.  *existed is 0 when there is none (a new or wiped
 * state directory).  Returns 0, ERR_IO (errno set) or ERR_NOMEM.
 */
int	state_load(struct state *, int *existed, size_t *nbad);
/*
 * Add a stream; returns its index (0..n-1) or a negative ERR_*.  *ck is
 * its loaded checkpoint or NULL, valid until state_stream_begin.
 */
int	state_stream_add(struct state *, const char *path, const char *type,
	    const struct state_ckpt **ck);
/*
 * The loaded cursor of a journal stream ("": from the head), or NULL when
 * the stream's checkpoint is a file position or there is none.  Valid
 * until state_stream_begin_cursor or the next ACK.
 */
const char	*state_stream_cursor(const struct state *, size_t i);
/* Set the stream's starting position (pos->path is ignored). */
void	state_stream_begin(struct state *, size_t i,
	    const struct state_ckpt *pos, int resync);
/*
 * Set a journal stream's starting position: cursor is the entry read
 * before the first line to come ("": none, from the head).  Returns 0,
 * ERR_FORMAT (cursor too long or not printable) or ERR_NOMEM.
 */
int	state_stream_begin_cursor(struct state *, size_t i, const char *cursor,
	    int resync);
size_t		 state_nstreams(const struct state *);
const char	*state_stream_path(const struct state *, size_t i);
const char	*state_stream_type(const struct state *, size_t i);

/*
 * Append a line read from (dev, ino) ending at end.  Assigns it the next
 * sequence number.  Returns 0 or ERR_NOMEM.
 */
int	state_push(struct state *, size_t i, const uint8_t *line, size_t len,
	    uint64_t dev, uint64_t ino, uint64_t end, int64_t read_us);
/*
 * The same for a journal entry: cursor (copied) is where the checkpoint
 * goes once the line is acknowledged.  Returns 0, ERR_FORMAT (bad
 * cursor), ERR_TOOBIG or ERR_NOMEM.
 */
int	state_push_cursor(struct state *, size_t i, const uint8_t *line,
	    size_t len, const char *cursor, int64_t read_us);
/* Non-zero while the window holds window_max bytes or more. */
int	state_full(const struct state *);
size_t	state_window_bytes(const struct state *);
/* Non-zero when stream i has lines not yet sent on this connection. */
int	state_has_unsent(const struct state *, size_t i);
/*
 * Encode a BATCH of stream i's unsent lines (connection stream id =
 * i) into out, at most maxlines lines and about maxbytes bytes, and mark
 * them sent; or, when the stream has a pending gap, its GAP frame (it
 * goes before the lines after it).  With a spool the sent lines leave
 * the window at once (state_unsend reads them back from the spool).
 * Returns the number of lines (1 for a GAP; 0: nothing to send) or a
 * negative ERR_*.
 */
int	state_batch(struct state *, size_t i, struct buf *out,
	    size_t maxlines, size_t maxbytes);
/*
 * The collector stored every line of stream i up to through: release
 * them and advance the checkpoint.  ERR_RANGE when through is beyond
 * what was sent (nothing is released then).
 */
int	state_ack(struct state *, size_t i, uint64_t through);
/*
 * WELCOME said the collector expects next_seq next on stream i.  Lines
 * below it are already stored: they are released, now or when they are
 * read again.  A stream that needs a resync is renumbered instead, so
 * that its next line gets next_seq.  Returns 1 when the stream was
 * renumbered, else 0.  Call before sending anything on the connection.
 */
int	state_welcome(struct state *, size_t i, uint64_t next_seq);
/*
 * The connection is gone: every unacknowledged line is unsent again.
 * With a spool the window is emptied and the spool rewound: state_refill
 * reads the unacknowledged lines back, with their sequences; sent lines
 * that the full spool dropped before their ACK join the stream's gap.
 */
void	state_unsend(struct state *);
/* Lines (and gap lines) sent and not yet acknowledged, all streams. */
size_t	state_inflight(const struct state *);
/* Last sequence assigned to stream i (0 = none yet). */
uint64_t state_last_seq(const struct state *, size_t i);

struct spool;

/*
 * Put the spool sp (not owned) under the window, before any stream is
 * added; see state.c.  Every line then goes to the spool; checkpoints
 * follow state_sync instead of ACKs; the window holds what the spool
 * gives back (state_refill); a dropped segment becomes a GAP frame from
 * state_batch.  Recovered lines are read back first.
 */
void	state_spool(struct state *, struct spool *sp);
/*
 * Make the lines pushed so far durable in the spool and move the
 * checkpoints after them; the next read round may start (state_full).
 * Returns 0 or ERR_IO (errno set; the checkpoints stay, lines are kept).
 */
int	state_sync(struct state *);
/*
 * Fill the window from the spool (lines that did not fit, recovered ones,
 * or after state_unsend the unacknowledged ones).  Returns the number of
 * lines added or ERR_IO / ERR_NOMEM.
 */
int	state_refill(struct state *);
/* Lines dropped because the spool was full, since start-up. */
uint64_t state_dropped(const struct state *);
/* Non-zero while lines wait in the spool for room in the window. */
int	state_spilled(const struct state *);

/* Non-zero when a checkpoint changed since the last save. */
int	state_dirty(const struct state *);
/* Non-zero (once) when state_sync moved a checkpoint to another file or
 * back in a truncated one: save the checkpoints now, not within the
 * second. */
int	state_urgent(struct state *);
/*
 * Write every checkpoint (also those of inputs no longer configured, so
 * that re-adding one cannot reuse its sequence numbers) to a temporary
 * file, fsync, rename over dir/checkpoints and fsync the directory.
 * Returns 0 or ERR_IO (errno set).
 */
int	state_save(struct state *);

#endif
