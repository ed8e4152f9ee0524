/*
 * proto.c -- vigil wire protocol codecs (see proto.h, docs/protocol.md).
 * Pure: no I/O.  Every decoder checks each length against the remaining
 * input and the PROTO_* limits, and rejects trailing garbage.
 */
#include <string.h>

#include "buf.h"
#include "err.h"
#include "proto.h"

/* string limits of the decoders; the encoders refuse the same */
#define HOSTNAME_MAX	255
#define ROLE_MAX	16
#define ID_MAX		64	/* machine_id, boot_id, vm_uuid, instance */
#define TYPE_MAX	64	/* stream type */

const char *
proto_type_name(uint8_t t)
{
	switch (t) {
	case PROTO_HELLO: return "HELLO";
	case PROTO_WELCOME: return "WELCOME";
	case PROTO_BATCH: return "BATCH";
	case PROTO_ACK: return "ACK";
	case PROTO_PING: return "PING";
	case PROTO_PONG: return "PONG";
	case PROTO_GAP: return "GAP";
	case PROTO_ERROR: return "ERROR";
	}
	return "UNKNOWN";
}

int
proto_frame_next(const uint8_t *b, size_t len, size_t max, uint8_t *type,
    const uint8_t **payload, size_t *plen, size_t *flen)
{
	uint32_t n;

	if (len < 4)
		return 0;
	n = be32_get(b);
	if (n == 0)
		return ERR_FORMAT;
	if (n > max)
		return ERR_TOOBIG;
	if (len < 5)
		return 0;
	if (b[4] < PROTO_HELLO || b[4] > PROTO_ERROR)
		return ERR_FORMAT;
	if (len - 4 < n)
		return 0;
	*type = b[4];
	*payload = b + 5;
	*plen = n - 1;
	*flen = 4 + (size_t)n;
	return 1;
}

int
proto_frame_begin(struct buf *out, uint8_t t, size_t *mark)
{
	int r;

	*mark = out->len;
	if ((r = buf_put_u32(out, 0)) != 0 || (r = buf_put_u8(out, t)) != 0) {
		out->len = *mark;
		return r;
	}
	return 0;
}

int
proto_frame_end(struct buf *out, size_t mark)
{
	size_t n = out->len - mark - 4;

	if (n > PROTO_FRAME_MAX) {
		out->len = mark;
		return ERR_TOOBIG;
	}
	be32_put(out->d + mark, (uint32_t)n);
	return 0;
}

static int
get_str(struct bufr *r, const char **p, size_t *len, size_t max)
{
	return bufr_get_str(r, p, len, max);
}

static int
put_streams(struct buf *b, const struct proto_stream *s, uint16_t n,
    int welcome)
{
	uint16_t	i;
	int		r;

	if (n > PROTO_STREAMS_MAX)
		return ERR_TOOBIG;
	if ((r = buf_put_u16(b, n)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		if (!welcome && (s[i].namelen > PROTO_STR_MAX ||
		    s[i].typelen > TYPE_MAX))
			return ERR_TOOBIG;
		if ((r = buf_put_u32(b, s[i].id)) != 0)
			return r;
		if (welcome)
			r = buf_put_u64(b, s[i].next_seq);
		else if ((r = buf_put_str(b, s[i].name, s[i].namelen)) == 0)
			r = buf_put_str(b, s[i].type, s[i].typelen);
		if (r != 0)
			return r;
	}
	return 0;
}

static int
get_streams(struct bufr *rd, struct proto_stream *s, uint16_t *n,
    int welcome)
{
	uint16_t	i, j;
	int		r;

	if ((r = bufr_get_u16(rd, n)) != 0)
		return r;
	if (*n > PROTO_STREAMS_MAX)
		return ERR_TOOBIG;
	for (i = 0; i < *n; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		if ((r = bufr_get_u32(rd, &s[i].id)) != 0)
			return r;
		if (welcome)
			r = bufr_get_u64(rd, &s[i].next_seq);
		else if ((r = get_str(rd, &s[i].name, &s[i].namelen,
		    PROTO_STR_MAX)) == 0)
			r = get_str(rd, &s[i].type, &s[i].typelen, TYPE_MAX);
		if (r != 0)
			return r;
		/* stream ids must be unique within a session */
		for (j = 0; j < i; j++)
			if (s[j].id == s[i].id)
				return ERR_FORMAT;
	}
	return 0;
}

int
proto_hello_encode(struct buf *b, const struct proto_hello *h)
{
	size_t	mark;
	int	r;

	if (h->hostnamelen > HOSTNAME_MAX || h->rolelen > ROLE_MAX ||
	    h->machine_idlen > ID_MAX || h->boot_idlen > ID_MAX ||
	    h->vm_uuidlen > ID_MAX || h->instancelen > ID_MAX)
		return ERR_TOOBIG;
	if ((r = proto_frame_begin(b, PROTO_HELLO, &mark)) != 0)
		return r;
	if ((r = buf_put_u16(b, h->version)) != 0 ||
	    (r = buf_put_str(b, h->hostname, h->hostnamelen)) != 0 ||
	    (r = buf_put_str(b, h->role, h->rolelen)) != 0 ||
	    (r = buf_put_str(b, h->machine_id, h->machine_idlen)) != 0 ||
	    (r = buf_put_str(b, h->boot_id, h->boot_idlen)) != 0 ||
	    (r = buf_put_str(b, h->vm_uuid, h->vm_uuidlen)) != 0 ||
	    (r = buf_put_str(b, h->instance, h->instancelen)) != 0 ||
	    (r = put_streams(b, h->streams, h->nstreams, 0)) != 0) {
		b->len = mark;
		return r;
	}
	return proto_frame_end(b, mark);
}

int
proto_hello_decode(const uint8_t *p, size_t len, struct proto_hello *h)
{
	struct bufr	rd;
	int		r;

	memset(h, 0, sizeof(*h) - sizeof(h->streams));
	bufr_init(&rd, p, len);
	if ((r = bufr_get_u16(&rd, &h->version)) != 0)
		return r;
	if (h->version != PROTO_VERSION)
		return ERR_VERSION;
	if ((r = get_str(&rd, &h->hostname, &h->hostnamelen,
	    HOSTNAME_MAX)) != 0 ||
	    (r = get_str(&rd, &h->role, &h->rolelen, ROLE_MAX)) != 0 ||
	    (r = get_str(&rd, &h->machine_id, &h->machine_idlen,
	    ID_MAX)) != 0 ||
	    (r = get_str(&rd, &h->boot_id, &h->boot_idlen, ID_MAX)) != 0 ||
	    (r = get_str(&rd, &h->vm_uuid, &h->vm_uuidlen, ID_MAX)) != 0 ||
	    (r = get_str(&rd, &h->instance, &h->instancelen, ID_MAX)) != 0 ||
	    (r = get_streams(&rd, h->streams, &h->nstreams, 0)) != 0)
		return r;
	return rd.left ? ERR_FORMAT : 0;
}

int
proto_welcome_encode(struct buf *b, const struct proto_welcome *w)
{
	size_t	mark;
	int	r;

	if ((r = proto_frame_begin(b, PROTO_WELCOME, &mark)) != 0)
		return r;
	if ((r = buf_put_u16(b, w->version)) != 0 ||
	    (r = buf_put_u32(b, w->heartbeat)) != 0 ||
	    (r = put_streams(b, w->streams, w->nstreams, 1)) != 0) {
		b->len = mark;
		return r;
	}
	return proto_frame_end(b, mark);
}

int
proto_welcome_decode(const uint8_t *p, size_t len, struct proto_welcome *w)
{
	struct bufr	rd;
	int		r;

	bufr_init(&rd, p, len);
	if ((r = bufr_get_u16(&rd, &w->version)) != 0)
		return r;
	if (w->version != PROTO_VERSION)
		return ERR_VERSION;
	if ((r = bufr_get_u32(&rd, &w->heartbeat)) != 0 ||
	    (r = get_streams(&rd, w->streams, &w->nstreams, 1)) != 0)
		return r;
	return rd.left ? ERR_FORMAT : 0;
}

/* Batch payload: u32 stream, u64 first_seq, u32 count, events. */
#define BATCH_HDR	(4 + 8 + 4)

int
proto_batch_begin(struct buf *b, uint32_t stream, uint64_t first_seq,
    size_t *mark)
{
	int r;

	if ((r = proto_frame_begin(b, PROTO_BATCH, mark)) != 0)
		return r;
	if ((r = buf_put_u32(b, stream)) != 0 ||
	    (r = buf_put_u64(b, first_seq)) != 0 ||
	    (r = buf_put_u32(b, 0)) != 0) {
		b->len = *mark;
		return r;
	}
	return 0;
}

int
proto_batch_add(struct buf *b, size_t mark, int64_t read_us,
    const char *line, size_t len)
{
	uint8_t		*cnt;
	uint32_t	 n;
	size_t		 save = b->len;
	int		 r;

	if (len > PROTO_LINE_MAX)
		return ERR_TOOBIG;
	cnt = b->d + mark + PROTO_FRAME_HDR + 12;
	n = be32_get(cnt);
	if (n >= PROTO_BATCH_MAX)
		return ERR_TOOBIG;
	if (b->len - mark - 4 + 12 + len > PROTO_FRAME_MAX)
		return ERR_TOOBIG;
	if ((r = buf_put_u64(b, (uint64_t)read_us)) != 0 ||
	    (r = buf_put_str(b, line, len)) != 0) {
		b->len = save;
		return r;
	}
	/* buf may have moved */
	be32_put(b->d + mark + PROTO_FRAME_HDR + 12, n + 1);
	return 0;
}

int
proto_batch_end(struct buf *b, size_t mark)
{
	return proto_frame_end(b, mark);
}

int
proto_batch_iter(struct bufr *rd, struct proto_event *ev)
{
	uint64_t	t;
	int		r;

	if ((r = bufr_get_u64(rd, &t)) != 0)
		return r;
	ev->read_us = (int64_t)t;
	return bufr_get_str(rd, &ev->line, &ev->linelen, PROTO_LINE_MAX);
}

int
proto_batch_decode(const uint8_t *p, size_t len, struct proto_batch *bt)
{
	struct bufr		rd, ev;
	struct proto_event	e;
	uint32_t		i;
	int			r;

	bufr_init(&rd, p, len);
	if ((r = bufr_get_u32(&rd, &bt->stream)) != 0 ||
	    (r = bufr_get_u64(&rd, &bt->first_seq)) != 0 ||
	    (r = bufr_get_u32(&rd, &bt->count)) != 0)
		return r;
	if (bt->count == 0)
		return ERR_FORMAT;
	if (bt->count > PROTO_BATCH_MAX)
		return ERR_TOOBIG;
	if (bt->first_seq > UINT64_MAX - bt->count)
		return ERR_RANGE;
	bt->events = rd.p;
	bt->eventslen = rd.left;
	bufr_init(&ev, rd.p, rd.left);
	for (i = 0; i < bt->count; i++)
		if ((r = proto_batch_iter(&ev, &e)) != 0)
			return r;
	return ev.left ? ERR_FORMAT : 0;
}

int
proto_ack_encode(struct buf *b, const struct proto_ack *a)
{
	size_t	mark;
	int	r;

	if ((r = proto_frame_begin(b, PROTO_ACK, &mark)) != 0)
		return r;
	if ((r = buf_put_u32(b, a->stream)) != 0 ||
	    (r = buf_put_u64(b, a->through)) != 0) {
		b->len = mark;
		return r;
	}
	return proto_frame_end(b, mark);
}

int
proto_ack_decode(const uint8_t *p, size_t len, struct proto_ack *a)
{
	struct bufr	rd;
	int		r;

	bufr_init(&rd, p, len);
	if ((r = bufr_get_u32(&rd, &a->stream)) != 0 ||
	    (r = bufr_get_u64(&rd, &a->through)) != 0)
		return r;
	return rd.left ? ERR_FORMAT : 0;
}

int
proto_ping_encode(struct buf *b, uint8_t type, uint64_t nonce)
{
	size_t	mark;
	int	r;

	if (type != PROTO_PING && type != PROTO_PONG)
		return ERR_INTERNAL;
	if ((r = proto_frame_begin(b, type, &mark)) != 0)
		return r;
	if ((r = buf_put_u64(b, nonce)) != 0) {
		b->len = mark;
		return r;
	}
	return proto_frame_end(b, mark);
}

int
proto_ping_decode(const uint8_t *p, size_t len, uint64_t *nonce)
{
	if (len != 8)
		return ERR_FORMAT;
	*nonce = be64_get(p);
	return 0;
}

int
proto_gap_encode(struct buf *b, const struct proto_gap *g)
{
	size_t	mark;
	int	r;

	if (g->reasonlen > PROTO_STR_MAX)
		return ERR_TOOBIG;
	if ((r = proto_frame_begin(b, PROTO_GAP, &mark)) != 0)
		return r;
	if ((r = buf_put_u32(b, g->stream)) != 0 ||
	    (r = buf_put_u64(b, g->first_seq)) != 0 ||
	    (r = buf_put_u64(b, g->last_seq)) != 0 ||
	    (r = buf_put_u64(b, (uint64_t)g->first_us)) != 0 ||
	    (r = buf_put_u64(b, (uint64_t)g->last_us)) != 0 ||
	    (r = buf_put_str(b, g->reason, g->reasonlen)) != 0) {
		b->len = mark;
		return r;
	}
	return proto_frame_end(b, mark);
}

int
proto_gap_decode(const uint8_t *p, size_t len, struct proto_gap *g)
{
	struct bufr	rd;
	uint64_t	a, z;
	int		r;

	bufr_init(&rd, p, len);
	if ((r = bufr_get_u32(&rd, &g->stream)) != 0 ||
	    (r = bufr_get_u64(&rd, &g->first_seq)) != 0 ||
	    (r = bufr_get_u64(&rd, &g->last_seq)) != 0 ||
	    (r = bufr_get_u64(&rd, &a)) != 0 ||
	    (r = bufr_get_u64(&rd, &z)) != 0 ||
	    (r = get_str(&rd, &g->reason, &g->reasonlen, PROTO_STR_MAX)) != 0)
		return r;
	if (g->last_seq < g->first_seq)
		return ERR_FORMAT;
	g->first_us = (int64_t)a;
	g->last_us = (int64_t)z;
	return rd.left ? ERR_FORMAT : 0;
}

int
proto_error_encode(struct buf *b, const char *reason)
{
	size_t	mark;
	int	r;

	if (reason != NULL && strlen(reason) > PROTO_STR_MAX)
		return ERR_TOOBIG;
	if ((r = proto_frame_begin(b, PROTO_ERROR, &mark)) != 0)
		return r;
	if ((r = buf_put_cstr(b, reason)) != 0) {
		b->len = mark;
		return r;
	}
	return proto_frame_end(b, mark);
}

int
proto_error_decode(const uint8_t *p, size_t len, const char **s, size_t *n)
{
	struct bufr	rd;
	int		r;

	bufr_init(&rd, p, len);
	if ((r = get_str(&rd, s, n, PROTO_STR_MAX)) != 0)
		return r;
	return rd.left ? ERR_FORMAT : 0;
}
