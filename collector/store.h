/*
 * store.h -- the event store: the only module that calls LevelDB.
 * Key schema in keys.h, block format in block.h, docs/storage.md.
 *
 * Threads: one writer thread builds and commits transactions; any number
 * of reader threads (queries) use iterators and block reads; the session
 * code on the event loop looks up streams.  The stream table is guarded by
 * a mutex inside the store.
 */
#ifndef VIGIL_STORE_H
#define VIGIL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "block.h"
#include "buf.h"
#include "keys.h"
#include "proto.h"
#include "record.h"

struct store;
struct store_txn;
struct store_iter;

struct store_opts {
	size_t	write_buffer;	/* LevelDB write_buffer_size */
	size_t	cache;		/* LevelDB block cache */
	int	sync;		/* fsync each commit (always 1 but tests) */
};

/* Open (create) the LevelDB under dir.  err gets LevelDB's message. */
int	store_open(const char *dir, const struct store_opts *,
	    struct store **, char *err, size_t errlen);
void	store_close(struct store *);

/*
 * Find or create the stream (sender, instance, name).  Returns its id and
 * the next sequence it expects (1 for a new stream).  Creating, or a new
 * role or claimed VM UUID, writes the stream record synchronously.
 */
int	store_stream_lookup(struct store *, const char *sender,
	    const char *instance, const char *name, const char *type,
	    const char *role, const char *vm_uuid, uint32_t *id,
	    uint64_t *next_seq);

struct stream_meta {
	char		sender[256];
	char		instance[80];
	char		name[1024];
	char		type[32];
	char		role[16];
	char		vm_uuid[64];
	uint64_t	next_seq;
};
/* Copy of a stream's metadata; ERR_NOTFOUND for an unknown id. */
int	store_stream_meta(struct store *, uint32_t id, struct stream_meta *);
/* Number of streams, and their ids 0..n-1 are valid. */
uint32_t store_stream_count(struct store *);

/* Transactions: only the writer thread uses these. */
struct store_txn *store_txn_new(struct store *);
void	store_txn_free(struct store_txn *);
void	store_txn_reset(struct store_txn *);
/*
 * Add one batch of stream `stream`.  Events whose sequence is already
 * stored (or already in this transaction) are skipped and counted in
 * *dups; a jump forward is recorded as a gap record (*gap set to the
 * number of missing sequences).  *stored counts the new events.
 */
int	store_txn_add(struct store_txn *, uint32_t stream,
	    const struct proto_batch *, int64_t recv_us, int32_t tzoff,
	    uint32_t *stored, uint32_t *dups, uint64_t *gap);
/*
 * The same with the batch's events already decoded and packed in
 * pre[0..prelen) (predecode_batch, same receive time and zone; NULL:
 * decode here).  Should a packed record not fit its line, that event is
 * decoded here instead.
 */
int	store_txn_add_decoded(struct store_txn *, uint32_t stream,
	    const struct proto_batch *, const void *pre, size_t prelen,
	    int64_t recv_us, int32_t tzoff, uint32_t *stored, uint32_t *dups,
	    uint64_t *gap);
/* Events this transaction object ever took packed, and decoded itself. */
void	store_txn_decodes(const struct store_txn *, uint64_t *unpacked,
	    uint64_t *decoded);
/*
 * Record a gap the shipper reported (its spool dropped events): the
 * sequences not yet stored in first..last (and any before first that
 * never arrived) are a gap, *gfirst..+*gn, and the stream continues
 * after last.  A range already stored or recorded adds nothing (*gn 0).
 */
int	store_txn_gap(struct store_txn *, uint32_t stream, uint64_t first,
	    uint64_t last, int64_t first_us, int64_t last_us,
	    const char *reason, size_t reasonlen, uint64_t *gfirst,
	    uint64_t *gn);
/*
 * Store alert id (its JSON, alerts.h) in this transaction, so that it is
 * committed in the same synced write as the events that fired it.  An
 * update of the alert rewrites the same key.
 */
int	store_txn_alert(struct store_txn *, uint64_t id, const char *json,
	    size_t len);
/* Write everything atomically (synced).  ERR_STORE with err on failure;
 * the transaction is then unchanged and may be committed again. */
int	store_txn_commit(struct store_txn *, char *err, size_t errlen);
/*
 * Start t (reset) as the continuation of prev, which is complete but not
 * yet committed (it is being written on another thread): t sees prev's
 * streams' next sequences and chain heads and numbers its blocks after
 * prev's.  prev must be committed before t.  A reset goes back to this
 * baseline; a successful commit ends it.
 */
int	store_txn_follow(struct store_txn *t, const struct store_txn *prev);
size_t	store_txn_events(const struct store_txn *);
/*
 * Called for every new event store_txn_add stores, after it is decoded,
 * placed and indexed (the rules engine): the record may be changed, it is
 * not stored again.  NULL turns it off.
 */
typedef void (*store_eventfn)(void *arg, struct record *,
	    const struct stream_meta *, uint32_t stream, uint64_t seq);
void	store_txn_set_eventfn(struct store_txn *, store_eventfn, void *);
/*
 * After a failed commit (writer thread only): when a file can be written
 * in the store's directory again, close and reopen LevelDB, keeping the
 * stream table; ERR_STORE (err set) while the disk still fails.  Readers
 * wait meanwhile.  Then commit the same transaction again.
 */
int	store_reopen(struct store *, char *err, size_t errlen);

/* Reading. */
struct store_iter *store_iter_new(struct store *);
/*
 * An iterator for a scan (every block of a time range): what it reads
 * does not enter the block cache, which would otherwise evict the
 * postings and the blocks selective queries keep coming back to.
 */
struct store_iter *store_iter_new_scan(struct store *);
void	store_iter_free(struct store_iter *);
void	store_iter_seek(struct store_iter *, const void *key, size_t len);
int	store_iter_valid(struct store_iter *);
void	store_iter_next(struct store_iter *);
void	store_iter_prev(struct store_iter *);
/* Position at the last key before key (invalid when there is none). */
void	store_iter_seek_before(struct store_iter *, const void *key,
	    size_t len);
const uint8_t *store_iter_key(struct store_iter *, size_t *len);
const uint8_t *store_iter_value(struct store_iter *, size_t *len);
/* Fetch any value into out (replaced).  ERR_NOTFOUND when absent. */
int	store_get(struct store *, const void *key, size_t klen,
	    struct buf *out);
/*
 * Blocks are stored in parts of BLOCK_PART_EVENTS events (block.h), one
 * "B" key each at first_seq + the part's first index.
 *
 * The part of block ref that holds event idx, through an iterator and
 * without copying it: *v is valid until the iterator moves.
 * ERR_NOTFOUND when there is none.
 */
int	store_iter_block(struct store_iter *, const struct blockref *,
	    unsigned idx, const uint8_t **v, size_t *len);

/*
 * The events of one block that a bitmap names (all when NULL), reading
 * only the parts that hold them.  br is the current part (its recv_us
 * and tzoff are the decoding context of the event returned).
 */
struct store_blockrd {
	struct store_iter	*it;
	struct blockref		 ref;
	const uint8_t		*bm;
	struct block_reader	 br;
	unsigned		 next;	/* index of the next wanted event */
	unsigned		 count;	/* events in the block, once known */
	int			 open;
	unsigned		 parts;	/* parts read */
	unsigned		 last;	/* the last part read (when parts) */
	unsigned		 damaged; /* parts missing or not readable */
};
void	store_blockrd_init(struct store_blockrd *, struct store_iter *,
	    const struct blockref *, const uint8_t *bm);
/*
 * 1 with the next event, 0 at the end, <0 on a read error.  A part that
 * is missing or damaged is skipped (damaged counts it): the events of
 * the other parts are still returned.
 */
int	store_blockrd_next(struct store_blockrd *, struct block_ev *);
/* The block of stream that holds seq.  ERR_NOTFOUND when none does. */
int	store_block_find(struct store_iter *, uint32_t stream, uint64_t seq,
	    struct blockref *);
/*
 * The iterator is at a "B" key: the block starting there, its parts
 * concatenated into out (replaced), and the iterator after them.
 */
int	store_iter_block_all(struct store_iter *, struct blockref *,
	    struct buf *out);
/* How many parts block ref has (from its first readable part; 1 when none
 * is). */
uint32_t store_block_parts(struct store *, const struct blockref *);
/* The highest stored alert id, 0 when there is none (the engine's next
 * id at start is this + 1). */
uint64_t store_alert_last_id(struct store *);
/* Fetch alert id's JSON into out (replaced).  ERR_NOTFOUND when absent. */
int	store_get_alert(struct store *, uint64_t id, struct buf *out);
/*
 * Deletion batches for maintenance (retention): any thread.  Deletes are
 * applied atomically by store_del_commit (synced).  Keys of any kind.
 */
struct store_del;
struct store_del *store_del_new(struct store *);
void	store_del_key(struct store_del *, const void *key, size_t len);
/* A put in the same atomic batch (retention marks; repair tools). */
void	store_del_put(struct store_del *, const void *key, size_t klen,
	    const void *val, size_t vlen);
size_t	store_del_count(const struct store_del *);
int	store_del_commit(struct store_del *, char *err, size_t errlen);
void	store_del_free(struct store_del *);
/* Compact the key range [start, limit) (NULL: open end). */
void	store_compact(struct store *, const void *start, size_t slen,
	    const void *limit, size_t llen);
/* Last ingest commit number (for tail). */
uint64_t store_last_commit(struct store *);
/* Bytes of the LevelDB files on disk. */
uint64_t store_disk_bytes(struct store *);

#endif
