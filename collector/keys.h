/*
 * keys.h -- the LevelDB key schema (docs/storage.md).  Pure encoders and
 * decoders; store.c is the only user that touches LevelDB.
 *
 * All integers are big endian so that keys sort numerically.
 *
 *   "M"                                   -> meta: u32 schema version
 *                                            (KEYS_SCHEMA)
 *   "D" sender 0 instance 0 stream-name   -> u32 stream id
 *   "S" u32 stream                        -> stream record (keys_stream_*)
 *   "B" u32 stream u64 first_seq          -> block of <= 256 events
 *   "P" field 0 value 0 u32 hour u64 group
 *                                         -> posting entries (below): the
 *                                            events of that hour carrying
 *                                            field=value, in the blocks
 *                                            of one write (group = its
 *                                            first R number)
 *   "T" u32 hour u32 stream u64 first_seq -> 32-byte bitmap of the events
 *                                            of that block in that hour
 *   "R" u64 commit                        -> u32 stream u64 first_seq
 *                                            (ingest order, for tail)
 *   "G" u32 stream u64 first u64 last     -> gap record
 *   "H" u32 stream u64 first_seq          -> chain link of block B (same
 *                                            ref): u8 1, u32 events,
 *                                            prev hash[32], hash[32]
 *   "X" u32 stream u64 first_seq          -> hash[32] of a block that
 *                                            retention deleted
 *   "F" uuid u64 ts host 0 u8 kind        -> VM placement fact
 *   "N" host 0 dev 0 u64 ts               -> vnet device owner (uuid, name)
 *   "C" mac u64 ts                        -> MAC address owner (uuid, name)
 *   "A" name 0 uuid                       -> VM name index (placement.c)
 *   "L" u64 id                            -> alert JSON (alerts.h); an
 *                                            update rewrites it
 *
 * "hour" is the event time (@timestamp) in hours since the epoch, clamped
 * to [0, 2^32).  Values in "P" keys are lower-cased.
 */
#ifndef VIGIL_KEYS_H
#define VIGIL_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define KEYS_BLOCKREF	12	/* u32 stream + u64 first_seq */
#define KEYS_FIELD_MAX	64
#define KEYS_VALUE_MAX	256	/* longer values are not indexed */
#define KEYS_SCHEMA	3	/* the "M" key; 2: grouped postings,
				 * 3: blocks in parts */
#define KEYS_PTAIL	12	/* u32 hour + u64 group after the prefix */

struct blockref {
	uint32_t	stream;
	uint64_t	first_seq;
};

uint32_t keys_hour(int64_t ts_us);

int	keys_dict(struct buf *, const char *sender, const char *instance,
	    const char *name);
int	keys_stream(struct buf *, uint32_t stream);
int	keys_block(struct buf *, const struct blockref *);
/* P key; value is lower-cased while encoding.  ERR_TOOBIG if too long. */
int	keys_posting(struct buf *, const char *field, const char *val,
	    size_t vlen, uint32_t hour, uint64_t group);
/* Prefix of every P key for field=value (lower-cased), up to the hour. */
int	keys_posting_prefix(struct buf *, const char *field, const char *val,
	    size_t vlen);
int	keys_time(struct buf *, uint32_t hour, const struct blockref *);
int	keys_ingest(struct buf *, uint64_t commit);
int	keys_gap(struct buf *, uint32_t stream, uint64_t first, uint64_t last);
/* 'H' (chain link) or 'X' (retention mark) key of a block. */
int	keys_chain(struct buf *, char kind, const struct blockref *);

/*
 * Hash chain of a stream's blocks (docs/storage.md, "Tamper evidence"):
 * hash = SHA-256(prev || u32 stream || u64 first_seq || block value);
 * prev of a stream's first block is all zero.
 */
#define CHAIN_HASH	32
#define CHAIN_LINK	(1 + 4 + 2 * CHAIN_HASH)
struct chain_link {
	uint32_t	count;
	uint8_t		prev[CHAIN_HASH];
	uint8_t		hash[CHAIN_HASH];
};
int	keys_chain_hash(const uint8_t *prev, const struct blockref *,
	    const uint8_t *block, size_t len, uint8_t *out);
void	keys_link_encode(uint8_t *out, const struct chain_link *);
int	keys_link_decode(const uint8_t *, size_t, struct chain_link *);
int	keys_alert(struct buf *, uint64_t id);
/* The id of an "L" key; ERR_FORMAT when it is not one. */
int	keys_decode_alert(const uint8_t *, size_t, uint64_t *id);

/*
 * Decode the hour and block reference at the end of a P or T key.
 * prefixlen is the length of the part before the hour.  ERR_FORMAT when
 * the key is not prefixlen + 16 bytes long.
 */
int	keys_decode_tail(const uint8_t *, size_t, size_t prefixlen,
	    uint32_t *hour, struct blockref *);
int	keys_decode_block(const uint8_t *, size_t, struct blockref *);
/* The hour and group at the end of a P key (prefixlen + KEYS_PTAIL). */
int	keys_decode_ptail(const uint8_t *, size_t, size_t prefixlen,
	    uint32_t *hour, uint64_t *group);

/*
 * P value: a sequence of entries, one per block of the write,
 *   varint stream, varint first_seq, u8 n,
 *   n > 0: n event indexes (ascending), n == 0: 32-byte bitmap.
 * keys_postval_put appends one entry (bitmap of BLOCK_MAX_EVENTS bits);
 * keys_postval_next decodes the next: 1 with an entry, 0 at the end,
 * ERR_FORMAT when damaged.
 */
#define KEYS_POSTBM	32
int	keys_postval_put(struct buf *, const struct blockref *,
	    const uint8_t *bm);
int	keys_postval_next(struct bufr *, struct blockref *, uint8_t *bm);
int	keys_decode_ingest(const uint8_t *, size_t, uint64_t *commit);

/*
 * Stream record value: u8 version (2), str sender, instance, name, type,
 * u64 next_seq, str role, str vm_uuid.  Version 1 records (without role
 * and vm_uuid) still decode.  NULL strings encode as "".
 */
struct stream_rec {
	char		*sender;	/* host name from the certificate */
	char		*instance;
	char		*name;		/* input path */
	char		*type;		/* input type */
	uint64_t	 next_seq;	/* next sequence not yet stored */
	char		*role;		/* host, guest, syslog (v2) */
	char		*vm_uuid;	/* a guest's claimed VM UUID (v2) */
};
int	keys_stream_encode(struct buf *, const struct stream_rec *);
/* Strings are heap copies; free with keys_stream_clear. */
int	keys_stream_decode(const uint8_t *, size_t, struct stream_rec *);
void	keys_stream_clear(struct stream_rec *);

#endif
