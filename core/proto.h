/*
 * proto.h -- the vigil wire protocol (docs/protocol.md): framing and the
 * message codecs.  Pure: works on byte arrays, does no I/O.
 *
 * Frame: u32 length (big endian, counts type + payload), u8 type, payload.
 * The length is checked against a hard cap before anything is buffered.
 *
 * Session:
 *   shipper -> collector  HELLO
 *   collector -> shipper  WELCOME (per stream: next sequence it expects)
 *   shipper -> collector  BATCH*, GAP*, PING*
 *   collector -> shipper  ACK* (after a synced store write), PONG*, ERROR
 * Every event has a per-stream sequence number; a BATCH carries the first
 * sequence and count events with consecutive sequences.
 */
#ifndef VIGIL_PROTO_H
#define VIGIL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define PROTO_VERSION		1
#define PROTO_FRAME_HDR		5
#define PROTO_FRAME_MAX		(4u * 1024 * 1024)	/* type + payload */
#define PROTO_STR_MAX		1024		/* identity strings */
#define PROTO_LINE_MAX		(64u * 1024)	/* one raw line */
#define PROTO_STREAMS_MAX	256		/* streams per hello */
#define PROTO_BATCH_MAX		4096		/* events per batch */

enum proto_type {
	PROTO_HELLO = 1,
	PROTO_WELCOME = 2,
	PROTO_BATCH = 3,
	PROTO_ACK = 4,
	PROTO_PING = 5,
	PROTO_PONG = 6,
	PROTO_GAP = 7,
	PROTO_ERROR = 8,
};

/*
 * Look for one complete frame at the start of b[0..len).
 * Returns 1 and sets *type, *payload, *plen, *flen (whole frame length)
 * when one is there; 0 when more bytes are needed; ERR_TOOBIG when the
 * announced length exceeds max; ERR_FORMAT for a zero length or an
 * unknown type.  *payload points into b.
 */
int	proto_frame_next(const uint8_t *b, size_t len, size_t max,
	    uint8_t *type, const uint8_t **payload, size_t *plen,
	    size_t *flen);

/* Start a frame of type t in out (reserves the header); finish with _end. */
int	proto_frame_begin(struct buf *out, uint8_t t, size_t *mark);
int	proto_frame_end(struct buf *out, size_t mark);

struct proto_stream {
	uint32_t	 id;		/* connection-local stream id */
	const char	*name;		/* input path or journal name */
	size_t		 namelen;
	const char	*type;		/* syslog, auth, kern, audit, ... */
	size_t		 typelen;
	uint64_t	 next_seq;	/* WELCOME: next sequence expected */
};

/* Strings in decoded messages point into the payload; not NUL-terminated. */
struct proto_hello {
	uint16_t		 version;
	const char		*hostname;  size_t hostnamelen;
	const char		*role;	    size_t rolelen;	/* host|guest */
	const char		*machine_id; size_t machine_idlen;
	const char		*boot_id;   size_t boot_idlen;
	const char		*vm_uuid;   size_t vm_uuidlen;
	const char		*instance;  size_t instancelen; /* spool id */
	uint16_t		 nstreams;
	struct proto_stream	 streams[PROTO_STREAMS_MAX];
};

struct proto_welcome {
	uint16_t		 version;
	uint32_t		 heartbeat;	/* seconds */
	uint16_t		 nstreams;
	struct proto_stream	 streams[PROTO_STREAMS_MAX];
};

struct proto_event {
	int64_t		 read_us;	/* when the shipper read it */
	const char	*line;		/* raw line, no trailing LF */
	size_t		 linelen;
};

struct proto_batch {
	uint32_t	 stream;
	uint64_t	 first_seq;
	uint32_t	 count;
	const uint8_t	*events;	/* count encoded events */
	size_t		 eventslen;
};

struct proto_ack {
	uint32_t	stream;
	uint64_t	through;	/* every seq <= through is stored */
};

struct proto_gap {
	uint32_t	 stream;
	uint64_t	 first_seq, last_seq;	/* dropped, inclusive */
	int64_t		 first_us, last_us;	/* read times */
	const char	*reason;  size_t reasonlen;
};

int	proto_hello_encode(struct buf *, const struct proto_hello *);
int	proto_hello_decode(const uint8_t *, size_t, struct proto_hello *);
int	proto_welcome_encode(struct buf *, const struct proto_welcome *);
int	proto_welcome_decode(const uint8_t *, size_t, struct proto_welcome *);

/* Batch encoding: begin, add events, end. */
int	proto_batch_begin(struct buf *, uint32_t stream, uint64_t first_seq,
	    size_t *mark);
int	proto_batch_add(struct buf *, size_t mark, int64_t read_us,
	    const char *line, size_t len);
int	proto_batch_end(struct buf *, size_t mark);
/*
 * Decode the batch header and validate every event in it, so that a later
 * proto_batch_iter cannot fail.
 */
int	proto_batch_decode(const uint8_t *, size_t, struct proto_batch *);
/* Iterate events of a decoded batch; *r must start with bufr_init(events). */
int	proto_batch_iter(struct bufr *, struct proto_event *);

int	proto_ack_encode(struct buf *, const struct proto_ack *);
int	proto_ack_decode(const uint8_t *, size_t, struct proto_ack *);
int	proto_ping_encode(struct buf *, uint8_t type, uint64_t nonce);
int	proto_ping_decode(const uint8_t *, size_t, uint64_t *nonce);
int	proto_gap_encode(struct buf *, const struct proto_gap *);
int	proto_gap_decode(const uint8_t *, size_t, struct proto_gap *);
int	proto_error_encode(struct buf *, const char *reason);
int	proto_error_decode(const uint8_t *, size_t, const char **, size_t *);

const char *proto_type_name(uint8_t);

#endif
