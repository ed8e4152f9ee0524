/*
 * decode.h -- turn one raw line into a struct record: event time and
 * structured fields with ECS names (docs/events.md).  Pure: the same
 * input and context always give the same event, which is why blocks store
 * only the raw line and decoding runs again at query time.
 */
#ifndef VIGIL_DECODE_H
#define VIGIL_DECODE_H

#include <stdint.h>

#include "record.h"

struct decode_ctx {
	int64_t		 recv_us;	/* collector receive time */
	int32_t		 tzoff;		/* sender zone for zone-less times */
	const char	*sender;	/* host name from the certificate */
	const char	*type;		/* stream type: syslog, auth, audit.. */
	const char	*path;		/* stream name (file path) */
};

/*
 * Decode raw[0..len) read at read_us.  Fills ev (event_init first) with
 * the raw line, ts_us (the line's own time, else read_us, flagged
 * REC_F_NOTIME), flags and fields.  Never fails: a line nobody
 * understands keeps its raw text as "message" and is flagged
 * REC_F_MALFORMED.
 */
void	decode_event(const struct decode_ctx *, const char *raw, size_t len,
	    int64_t read_us, struct record *ev);

/* 1 when the field is indexed (postings are written for it). */
int	decode_indexed(const char *field);
/* The same with the name's fname_id known. */
int	decode_indexed_id(const char *field, uint32_t id);

/* 1 when s[0..len) is valid UTF-8. */
int	decode_utf8_valid(const char *s, size_t len);

#endif
