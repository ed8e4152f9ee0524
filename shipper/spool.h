/*
 * spool.h -- the shipper's bounded on-disk spool: every line read but not
 * yet acknowledged by the collector, in fsync'd segment files under
 * STATE/spool, so that a rotated-away file or a vacuumed journal loses
 * nothing while the collector is unreachable.
 *
 * A segment (NNNNNNNNNNNNNNNNNNNN.seg, numbers increasing) is a sequence
 * of records
 *	u32 len | u32 crc32(type..) | u8 type | payload (len - 1 bytes)
 * with type 'N' (u32 id, str stream name): id names that stream in this
 * segment, written before its first line there; and type 'L' (u32 id,
 * u64 seq, u64 read time in microseconds, str line).  Segments are
 * self-describing, so any of them can be deleted.  A record that does not
 * decode (torn by a crash, bad CRC) ends its segment: recovery truncates
 * it there.
 *
 * Life of a segment: appended to until it reaches the segment size, then
 * closed (fsync'd) and never written again; deleted when every line in it
 * is acknowledged (spool_ack), or, when the total would exceed the cap,
 * dropped oldest first: the drop callback then gets, per stream, the
 * range of sequences the segment held, so that the caller can report the
 * loss (a GAP frame).  What the collector acknowledged is saved in
 * STATE/spool/acked (spool_save), so that a restart resends only what it
 * has not got.
 *
 * The record codec (spool_rec_*) is pure.  The rest does file I/O in the
 * spool directory only; no sockets, no libevent.  Memory: the segment
 * table (per segment and stream one range), a write buffer and a read
 * buffer of SPOOL_BUF bytes each; lines stay on disk.
 */
#ifndef VIGIL_SPOOL_H
#define VIGIL_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define SPOOL_DIR		"spool"
#define SPOOL_ACKED		"acked"
#define SPOOL_HDR		9		/* len, crc, type */
#define SPOOL_REC_MAX		(64u * 1024 + 64)	/* type + payload */
#define SPOOL_BUF		(128u * 1024)	/* write and read buffers */
#define SPOOL_SIZE_MIN		(256u * 1024)
#define SPOOL_SEG_MIN		(32u * 1024)
#define SPOOL_SEG_MAX		(16u * 1024 * 1024)
#define SPOOL_NONE		UINT32_MAX	/* a stream not configured */
#define SPOOL_NAME_MAX		1024		/* a stream name */

#define SPOOL_T_NAME		'N'
#define SPOOL_T_LINE		'L'

/* One decoded record; pointers into the decoded bytes. */
struct spool_drec {
	uint8_t		 type;
	uint32_t	 id;
	uint64_t	 seq;		/* 'L' */
	int64_t		 read_us;	/* 'L' */
	const uint8_t	*p;		/* 'L': the line, 'N': the name */
	size_t		 len;
};

/* CRC-32 (IEEE 802.3, the zlib one) of b[0..len). */
uint32_t spool_crc32(const uint8_t *b, size_t len);
/* Append an 'N' or 'L' record.  ERR_TOOBIG when out is full or len too big. */
int	spool_rec_name(struct buf *out, uint32_t id, const char *name,
	    size_t len);
int	spool_rec_line(struct buf *out, uint32_t id, uint64_t seq,
	    int64_t read_us, const uint8_t *line, size_t len);
/*
 * Decode the record at the start of b[0..len).  Returns 1 and sets *rec
 * and *used; 0 when b holds only part of a record (more bytes needed);
 * ERR_FORMAT for a bad length, CRC, type or payload.
 */
int	spool_rec_decode(const uint8_t *b, size_t len, struct spool_drec *rec,
	    size_t *used);

/* A line read back (spool_next). */
struct spool_rec {
	uint32_t	 stream;	/* index given to spool_stream */
	uint64_t	 seq;
	int64_t		 read_us;
	const uint8_t	*line;		/* valid until the next spool_* call */
	size_t		 len;
};

/* What the spool holds of a stream (spool_stream). */
struct spool_info {
	int		 has_acked;	/* acked was saved */
	uint64_t	 acked;
	uint64_t	 nlines;	/* lines in the spool */
	uint64_t	 min, max;	/* their sequences (nlines > 0) */
};

/*
 * Called when a full spool drops a segment, once per configured stream
 * with lines in it: sequences first..last (not all necessarily still
 * unacknowledged) read between first_us and last_us.
 */
typedef void spool_dropcb(void *arg, uint32_t stream, uint64_t first,
    uint64_t last, int64_t first_us, int64_t last_us);

struct spool;

/*
 * Open (create) the spool in dir with a cap of cap bytes (at least
 * SPOOL_SIZE_MIN) and recover it: read every segment, truncate a torn or
 * corrupt tail, load the acked file.  Writing starts in a new segment.
 * NULL with err set on failure.  Caller frees with spool_free.
 */
struct spool	*spool_open(const char *dir, uint64_t cap, char *err,
		    size_t errlen);
void		 spool_free(struct spool *);	/* accepts NULL */
void		 spool_set_dropcb(struct spool *, spool_dropcb *, void *arg);
/*
 * Register stream idx (0, 1, 2... in order) under name; the recovered
 * lines of that name belong to it from now on.  *info says what the
 * spool holds of it.  Returns 0, ERR_RANGE (idx out of order) or
 * ERR_NOMEM.
 */
int	spool_stream(struct spool *, uint32_t idx, const char *name,
	    struct spool_info *info);
/*
 * Append a line of stream idx (buffered; durable after spool_sync).
 * Makes room first: rotates the segment at the segment size and drops
 * the oldest segments while the total would exceed the cap.  Returns 0,
 * ERR_IO (errno set; nothing appended, retry later) or ERR_TOOBIG.
 */
int	spool_append(struct spool *, uint32_t idx, uint64_t seq,
	    int64_t read_us, const uint8_t *line, size_t len);
/* Write what is buffered and fsync it.  0 or ERR_IO (errno set). */
int	spool_sync(struct spool *);
/*
 * The read cursor: spool_rewind puts it before the oldest line,
 * spool_mark_end after the newest (the next line appended is the next
 * read).  spool_next reads the line at the cursor and moves on: 1 and
 * *rec, 0 at the end, ERR_IO.  Lines of streams not registered are
 * skipped.  A segment dropped or deleted under the cursor moves it to
 * the start of the next one.
 */
void	spool_rewind(struct spool *);
void	spool_mark_end(struct spool *);
int	spool_next(struct spool *, struct spool_rec *rec);
/* The collector has every line of stream idx up to through. */
void	spool_ack(struct spool *, uint32_t idx, uint64_t through);
/*
 * Delete the segments (except the one being written) whose lines are all
 * acknowledged or belong to streams no longer configured.  Call only
 * once every configured stream is registered.
 */
void	spool_gc(struct spool *);
/* Write the acked file (temporary file, fsync, rename).  0 or ERR_IO. */
int	spool_save(struct spool *);
uint64_t spool_bytes(const struct spool *);	/* on disk and buffered */
size_t	 spool_nsegs(const struct spool *);
uint64_t spool_segsize(const struct spool *);

#endif
