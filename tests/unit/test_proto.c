/*
 * test_proto.c -- unit tests for core/proto.c: every codec round trip,
 * framing edge cases (empty, each truncation, the limit and limit+1, a
 * giant length, zero length, unknown type), decoder rejections (trailing
 * garbage, over-limit counts, duplicate stream ids, short batches) and a
 * deterministic bit-flip loop over an encoded batch.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "proto.h"
#include "test.h"

static struct proto_hello	hello, hello2;
static struct proto_welcome	welcome, welcome2;

/* the one frame at the start of b; its payload in *p, *plen */
static int
frame(const struct buf *b, uint8_t *type, const uint8_t **p, size_t *plen)
{
	size_t	flen = 0;
	int	r;

	r = proto_frame_next(b->d, b->len, PROTO_FRAME_MAX, type, p, plen,
	    &flen);
	if (r == 1 && flen != b->len)
		return -100;
	return r;
}

#define S(x)	x, sizeof(x) - 1

static void
test_hello(void)
{
	struct buf	 b;
	const uint8_t	*p;
	size_t		 plen, i;
	uint8_t		 t;

	buf_init(&b, 0);
	memset(&hello, 0, sizeof(hello));
	hello.version = PROTO_VERSION;
	hello.hostname = "web01";
	hello.hostnamelen = 5;
	hello.role = "guest";
	hello.rolelen = 5;
	hello.machine_id = "0123456789abcdef0123456789abcdef";
	hello.machine_idlen = 32;
	hello.boot_id = "b";
	hello.boot_idlen = 1;
	hello.vm_uuid = "";
	hello.vm_uuidlen = 0;
	hello.instance = "spool-1";
	hello.instancelen = 7;
	hello.nstreams = 3;
	for (i = 0; i < 3; i++) {
		hello.streams[i].id = 10 + (uint32_t)i;
		hello.streams[i].name = "/var/log/auth.log";
		hello.streams[i].namelen = 17;
		hello.streams[i].type = i == 2 ? "audit" : "auth";
		hello.streams[i].typelen = i == 2 ? 5 : 4;
	}
	T_INT(proto_hello_encode(&b, &hello), 0);
	T_INT(frame(&b, &t, &p, &plen), 1);
	T_INT(t, PROTO_HELLO);
	T_INT(proto_hello_decode(p, plen, &hello2), 0);
	T_INT(hello2.version, PROTO_VERSION);
	T_STRN(hello2.hostname, hello2.hostnamelen, "web01");
	T_STRN(hello2.role, hello2.rolelen, "guest");
	T_STRN(hello2.machine_id, hello2.machine_idlen,
	    "0123456789abcdef0123456789abcdef");
	T_STRN(hello2.boot_id, hello2.boot_idlen, "b");
	T_INT(hello2.vm_uuidlen, 0);
	T_STRN(hello2.instance, hello2.instancelen, "spool-1");
	T_INT(hello2.nstreams, 3);
	T_INT(hello2.streams[2].id, 12);
	T_STRN(hello2.streams[1].name, hello2.streams[1].namelen,
	    "/var/log/auth.log");
	T_STRN(hello2.streams[2].type, hello2.streams[2].typelen, "audit");

	/* trailing garbage after a valid payload */
	buf_put_u8(&b, 0);
	T_INT(proto_hello_decode(b.d + PROTO_FRAME_HDR,
	    b.len - PROTO_FRAME_HDR, &hello2), ERR_FORMAT);
	/* every truncation of the payload fails */
	for (i = 0; i < plen; i++)
		T_OK(proto_hello_decode(p, i, &hello2) < 0);
	/* the wrong version */
	buf_reset(&b);
	hello.version = 2;
	T_INT(proto_hello_encode(&b, &hello), 0);
	T_INT(proto_hello_decode(b.d + 5, b.len - 5, &hello2), ERR_VERSION);
	hello.version = PROTO_VERSION;

	/* duplicate stream ids */
	buf_reset(&b);
	hello.streams[2].id = 10;
	T_INT(proto_hello_encode(&b, &hello), 0);
	T_INT(proto_hello_decode(b.d + 5, b.len - 5, &hello2), ERR_FORMAT);
	hello.streams[2].id = 12;

	/* PROTO_STREAMS_MAX streams pass, one more does not encode */
	hello.nstreams = PROTO_STREAMS_MAX;
	for (i = 0; i < PROTO_STREAMS_MAX; i++) {
		hello.streams[i].id = (uint32_t)i * 7;
		hello.streams[i].name = "/x";
		hello.streams[i].namelen = 2;
		hello.streams[i].type = "syslog";
		hello.streams[i].typelen = 6;
	}
	buf_reset(&b);
	T_INT(proto_hello_encode(&b, &hello), 0);
	T_INT(proto_hello_decode(b.d + 5, b.len - 5, &hello2), 0);
	T_INT(hello2.nstreams, PROTO_STREAMS_MAX);
	T_INT(hello2.streams[255].id, 255 * 7);
	hello.nstreams = PROTO_STREAMS_MAX + 1;
	buf_reset(&b);
	T_INT(proto_hello_encode(&b, &hello), ERR_TOOBIG);
	T_INT(b.len, 0);
	/* forge a count of 257 on the wire */
	hello.nstreams = 1;
	T_INT(proto_hello_encode(&b, &hello), 0);
	/* count is at payload end - (4 + 4 + 2 + 4 + 6) - 2 */
	be16_put(b.d + b.len - 20 - 2, PROTO_STREAMS_MAX + 1);
	T_INT(proto_hello_decode(b.d + 5, b.len - 5, &hello2), ERR_TOOBIG);

	/* string limits: the encoder refuses what the decoder refuses */
	{
		char big[PROTO_STR_MAX + 2];

		memset(big, 'h', sizeof(big) - 1);
		big[PROTO_STR_MAX + 1] = '\0';
		hello.hostname = big;
		hello.hostnamelen = 255;
		buf_reset(&b);
		T_INT(proto_hello_encode(&b, &hello), 0);
		T_INT(proto_hello_decode(b.d + 5, b.len - 5, &hello2), 0);
		T_INT(hello2.hostnamelen, 255);
		/* forge 256 on the wire (after the u16 version) */
		be32_put(b.d + 5 + 2, 256);
		T_INT(proto_hello_decode(b.d + 5, b.len - 5, &hello2),
		    ERR_TOOBIG);
		buf_reset(&b);
		hello.hostnamelen = 256;
		T_INT(proto_hello_encode(&b, &hello), ERR_TOOBIG);
		hello.hostnamelen = 5;
		hello.rolelen = 17;
		T_INT(proto_hello_encode(&b, &hello), ERR_TOOBIG);
		hello.rolelen = 5;
		hello.instancelen = 65;
		T_INT(proto_hello_encode(&b, &hello), ERR_TOOBIG);
		hello.instancelen = 7;
		hello.streams[0].name = big;
		hello.streams[0].namelen = PROTO_STR_MAX + 1;
		T_INT(proto_hello_encode(&b, &hello), ERR_TOOBIG);
		T_INT(b.len, 0);
		hello.streams[0].namelen = PROTO_STR_MAX;
		hello.streams[0].type = big;
		hello.streams[0].typelen = 65;
		T_INT(proto_hello_encode(&b, &hello), ERR_TOOBIG);
		hello.streams[0].typelen = 64;
		T_INT(proto_hello_encode(&b, &hello), 0);
		T_INT(proto_hello_decode(b.d + 5, b.len - 5, &hello2), 0);
		T_INT(hello2.streams[0].namelen, PROTO_STR_MAX);
		hello.streams[0].name = "/x";
		hello.streams[0].namelen = 2;
		hello.streams[0].type = "syslog";
		hello.streams[0].typelen = 6;
		big[PROTO_STR_MAX] = '\0';
		buf_reset(&b);
		T_INT(proto_error_encode(&b, big), 0);
		buf_reset(&b);
		big[PROTO_STR_MAX] = 'h';
		T_INT(proto_error_encode(&b, big), ERR_TOOBIG);
		T_INT(b.len, 0);
	}
	hello.hostname = "web01";

	/* embedded NUL in a string: the codec carries it (length-counted) */
	hello.hostname = "we\0b";
	hello.hostnamelen = 4;
	buf_reset(&b);
	T_INT(proto_hello_encode(&b, &hello), 0);
	T_INT(proto_hello_decode(b.d + 5, b.len - 5, &hello2), 0);
	T_INT(hello2.hostnamelen, 4);
	T_OK(memcmp(hello2.hostname, "we\0b", 4) == 0);
	buf_clear(&b);
}

static void
test_welcome(void)
{
	struct buf	 b;
	const uint8_t	*p;
	size_t		 plen, i;
	uint8_t		 t;

	buf_init(&b, 0);
	memset(&welcome, 0, sizeof(welcome));
	welcome.version = PROTO_VERSION;
	welcome.heartbeat = 30;
	welcome.nstreams = 2;
	welcome.streams[0].id = 1;
	welcome.streams[0].next_seq = 0;
	welcome.streams[1].id = 0xffffffffu;
	welcome.streams[1].next_seq = UINT64_MAX;
	T_INT(proto_welcome_encode(&b, &welcome), 0);
	T_INT(frame(&b, &t, &p, &plen), 1);
	T_INT(t, PROTO_WELCOME);
	T_INT(plen, 2 + 4 + 2 + 2 * 12);
	T_INT(proto_welcome_decode(p, plen, &welcome2), 0);
	T_INT(welcome2.heartbeat, 30);
	T_INT(welcome2.nstreams, 2);
	T_INT(welcome2.streams[1].id, 0xffffffffu);
	T_OK(welcome2.streams[1].next_seq == UINT64_MAX);
	for (i = 0; i < plen; i++)
		T_OK(proto_welcome_decode(p, i, &welcome2) < 0);
	buf_put_u8(&b, 9);
	T_INT(proto_welcome_decode(b.d + 5, b.len - 5, &welcome2),
	    ERR_FORMAT);
	/* zero streams is fine */
	welcome.nstreams = 0;
	buf_reset(&b);
	T_INT(proto_welcome_encode(&b, &welcome), 0);
	T_INT(proto_welcome_decode(b.d + 5, b.len - 5, &welcome2), 0);
	T_INT(welcome2.nstreams, 0);
	/* duplicates */
	welcome.nstreams = 2;
	welcome.streams[1].id = 1;
	buf_reset(&b);
	T_INT(proto_welcome_encode(&b, &welcome), 0);
	T_INT(proto_welcome_decode(b.d + 5, b.len - 5, &welcome2),
	    ERR_FORMAT);
	buf_clear(&b);
}

static void
test_batch(void)
{
	struct buf		 b;
	struct proto_batch	 bt;
	struct proto_event	 ev;
	struct bufr		 rd;
	const uint8_t		*p;
	size_t			 plen, mark, i;
	uint8_t			 t;
	char			*line;

	buf_init(&b, 0);
	T_INT(proto_batch_begin(&b, 7, 1000, &mark), 0);
	T_INT(proto_batch_add(&b, mark, 1710407643000000LL, S("first")), 0);
	T_INT(proto_batch_add(&b, mark, -5, S("")), 0);
	T_INT(proto_batch_add(&b, mark, 0, "a\0b", 3), 0);
	T_INT(proto_batch_end(&b, mark), 0);
	T_INT(frame(&b, &t, &p, &plen), 1);
	T_INT(t, PROTO_BATCH);
	T_INT(proto_batch_decode(p, plen, &bt), 0);
	T_INT(bt.stream, 7);
	T_INT(bt.first_seq, 1000);
	T_INT(bt.count, 3);
	bufr_init(&rd, bt.events, bt.eventslen);
	T_INT(proto_batch_iter(&rd, &ev), 0);
	T_INT(ev.read_us, 1710407643000000LL);
	T_STRN(ev.line, ev.linelen, "first");
	T_INT(proto_batch_iter(&rd, &ev), 0);
	T_INT(ev.read_us, -5);
	T_INT(ev.linelen, 0);
	T_INT(proto_batch_iter(&rd, &ev), 0);
	T_INT(ev.linelen, 3);
	T_OK(memcmp(ev.line, "a\0b", 3) == 0);	/* NUL kept */
	T_INT(rd.left, 0);
	T_OK(proto_batch_iter(&rd, &ev) < 0);

	/* every truncation of the payload fails */
	for (i = 0; i < plen; i++)
		T_OK(proto_batch_decode(p, i, &bt) < 0);
	/* trailing garbage */
	buf_put_u8(&b, 0);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), ERR_FORMAT);

	/* count larger than the events present */
	buf_reset(&b);
	proto_batch_begin(&b, 1, 0, &mark);
	proto_batch_add(&b, mark, 1, S("x"));
	proto_batch_end(&b, mark);
	be32_put(b.d + 5 + 12, 2);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), ERR_FORMAT);
	/* count 0 */
	be32_put(b.d + 5 + 12, 0);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), ERR_FORMAT);
	/* count over PROTO_BATCH_MAX */
	be32_put(b.d + 5 + 12, PROTO_BATCH_MAX + 1);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), ERR_TOOBIG);
	be32_put(b.d + 5 + 12, 0xffffffffu);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), ERR_TOOBIG);
	/* an empty batch header alone */
	buf_reset(&b);
	proto_batch_begin(&b, 1, 0, &mark);
	T_INT(proto_batch_end(&b, mark), 0);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), ERR_FORMAT);

	/* first_seq overflow: the last sequence must fit */
	buf_reset(&b);
	proto_batch_begin(&b, 1, UINT64_MAX, &mark);
	proto_batch_add(&b, mark, 1, S("x"));
	proto_batch_end(&b, mark);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), ERR_RANGE);
	buf_reset(&b);
	proto_batch_begin(&b, 1, UINT64_MAX - 2, &mark);
	proto_batch_add(&b, mark, 1, S("x"));
	proto_batch_add(&b, mark, 1, S("y"));
	proto_batch_end(&b, mark);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), 0);
	proto_batch_add(&b, mark, 1, S("z"));
	proto_batch_end(&b, mark);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), ERR_RANGE);

	/* PROTO_BATCH_MAX events fit, one more does not */
	buf_reset(&b);
	proto_batch_begin(&b, 2, 0, &mark);
	for (i = 0; i < PROTO_BATCH_MAX; i++)
		if (proto_batch_add(&b, mark, (int64_t)i, S("e")) != 0)
			break;
	T_INT(i, PROTO_BATCH_MAX);
	T_INT(proto_batch_add(&b, mark, 0, S("e")), ERR_TOOBIG);
	T_INT(proto_batch_end(&b, mark), 0);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), 0);
	T_INT(bt.count, PROTO_BATCH_MAX);

	/* a line of PROTO_LINE_MAX bytes passes, one more does not */
	if ((line = malloc(PROTO_LINE_MAX + 1)) == NULL)
		abort();
	memset(line, 'l', PROTO_LINE_MAX + 1);
	buf_reset(&b);
	proto_batch_begin(&b, 2, 0, &mark);
	T_INT(proto_batch_add(&b, mark, 0, line, PROTO_LINE_MAX + 1),
	    ERR_TOOBIG);
	T_INT(proto_batch_add(&b, mark, 0, line, PROTO_LINE_MAX), 0);
	T_INT(proto_batch_end(&b, mark), 0);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), 0);
	/* forge a line of PROTO_LINE_MAX + 1 on the wire */
	buf_reset(&b);
	proto_batch_begin(&b, 2, 0, &mark);
	proto_batch_add(&b, mark, 0, line, PROTO_LINE_MAX);
	buf_put_u8(&b, 'l');
	proto_batch_end(&b, mark);
	be32_put(b.d + 5 + 16 + 8, PROTO_LINE_MAX + 1);
	T_INT(proto_batch_decode(b.d + 5, b.len - 5, &bt), ERR_TOOBIG);
	free(line);

	/* the whole frame may not exceed PROTO_FRAME_MAX */
	if ((line = calloc(1, PROTO_LINE_MAX)) == NULL)
		abort();
	buf_reset(&b);
	proto_batch_begin(&b, 2, 0, &mark);
	for (i = 0; i < PROTO_BATCH_MAX; i++)
		if (proto_batch_add(&b, mark, 0, line, PROTO_LINE_MAX) != 0)
			break;
	T_OK(i > 0 && i < PROTO_BATCH_MAX);
	T_OK(b.len - mark - 4 <= PROTO_FRAME_MAX);
	T_INT(proto_batch_end(&b, mark), 0);
	T_INT(frame(&b, &t, &p, &plen), 1);
	T_INT(proto_batch_decode(p, plen, &bt), 0);
	T_INT(bt.count, i);
	free(line);
	buf_clear(&b);
}

static void
test_small(void)
{
	struct buf	 b;
	struct proto_ack a = { 3, 99 }, a2;
	struct proto_gap g, g2;
	const uint8_t	*p;
	const char	*s;
	size_t		 plen, n, i;
	uint64_t	 nonce;
	uint8_t		 t;

	buf_init(&b, 0);
	T_INT(proto_ack_encode(&b, &a), 0);
	T_INT(frame(&b, &t, &p, &plen), 1);
	T_INT(t, PROTO_ACK);
	T_INT(plen, 12);
	T_INT(proto_ack_decode(p, plen, &a2), 0);
	T_INT(a2.stream, 3);
	T_INT(a2.through, 99);
	for (i = 0; i < plen; i++)
		T_INT(proto_ack_decode(p, i, &a2), ERR_FORMAT);
	buf_put_u8(&b, 0);
	T_INT(proto_ack_decode(b.d + 5, b.len - 5, &a2), ERR_FORMAT);

	buf_reset(&b);
	T_INT(proto_ping_encode(&b, PROTO_PING, 0x0102030405060708ULL), 0);
	T_INT(frame(&b, &t, &p, &plen), 1);
	T_INT(t, PROTO_PING);
	T_INT(proto_ping_decode(p, plen, &nonce), 0);
	T_OK(nonce == 0x0102030405060708ULL);
	T_INT(proto_ping_decode(p, 7, &nonce), ERR_FORMAT);
	T_INT(proto_ping_decode(p, 0, &nonce), ERR_FORMAT);
	buf_reset(&b);
	T_INT(proto_ping_encode(&b, PROTO_PONG, UINT64_MAX), 0);
	T_INT(frame(&b, &t, &p, &plen), 1);
	T_INT(t, PROTO_PONG);
	T_INT(proto_ping_decode(p, plen, &nonce), 0);
	T_OK(nonce == UINT64_MAX);
	buf_put_u8(&b, 0);
	T_INT(proto_ping_decode(b.d + 5, b.len - 5, &nonce), ERR_FORMAT);
	buf_reset(&b);
	T_INT(proto_ping_encode(&b, PROTO_ACK, 1), ERR_INTERNAL);
	T_INT(b.len, 0);

	memset(&g, 0, sizeof(g));
	g.stream = 4;
	g.first_seq = 10;
	g.last_seq = 20;
	g.first_us = -1;
	g.last_us = INT64_MAX;
	g.reason = "spool full";
	g.reasonlen = 10;
	buf_reset(&b);
	T_INT(proto_gap_encode(&b, &g), 0);
	T_INT(frame(&b, &t, &p, &plen), 1);
	T_INT(t, PROTO_GAP);
	T_INT(proto_gap_decode(p, plen, &g2), 0);
	T_INT(g2.stream, 4);
	T_INT(g2.first_seq, 10);
	T_INT(g2.last_seq, 20);
	T_INT(g2.first_us, -1);
	T_INT(g2.last_us, INT64_MAX);
	T_STRN(g2.reason, g2.reasonlen, "spool full");
	for (i = 0; i < plen; i++)
		T_OK(proto_gap_decode(p, i, &g2) < 0);
	buf_put_u8(&b, 0);
	T_INT(proto_gap_decode(b.d + 5, b.len - 5, &g2), ERR_FORMAT);
	/* last before first */
	g.last_seq = 9;
	buf_reset(&b);
	T_INT(proto_gap_encode(&b, &g), 0);
	T_INT(proto_gap_decode(b.d + 5, b.len - 5, &g2), ERR_FORMAT);
	g.reasonlen = PROTO_STR_MAX + 1;
	buf_reset(&b);
	T_INT(proto_gap_encode(&b, &g), ERR_TOOBIG);
	T_INT(b.len, 0);
	g.reasonlen = 10;
	g.last_seq = 10;		/* one event */
	buf_reset(&b);
	T_INT(proto_gap_encode(&b, &g), 0);
	T_INT(proto_gap_decode(b.d + 5, b.len - 5, &g2), 0);

	buf_reset(&b);
	T_INT(proto_error_encode(&b, "bad certificate"), 0);
	T_INT(frame(&b, &t, &p, &plen), 1);
	T_INT(t, PROTO_ERROR);
	T_INT(proto_error_decode(p, plen, &s, &n), 0);
	T_STRN(s, n, "bad certificate");
	for (i = 0; i < plen; i++)
		T_OK(proto_error_decode(p, i, &s, &n) < 0);
	buf_put_u8(&b, 0);
	T_INT(proto_error_decode(b.d + 5, b.len - 5, &s, &n), ERR_FORMAT);
	buf_reset(&b);
	T_INT(proto_error_encode(&b, NULL), 0);
	T_INT(proto_error_decode(b.d + 5, b.len - 5, &s, &n), 0);
	T_INT(n, 0);
	/* embedded NUL in an ERROR reason is carried as is */
	{
		uint8_t e[] = { 0, 0, 0, 3, 'a', 0, 'b' };

		T_INT(proto_error_decode(e, sizeof(e), &s, &n), 0);
		T_INT(n, 3);
		T_INT(s[1], 0);
	}
	T_STR(proto_type_name(PROTO_GAP), "GAP");
	T_STR(proto_type_name(0), "UNKNOWN");
	T_STR(proto_type_name(9), "UNKNOWN");
	buf_clear(&b);
}

static void
test_frame(void)
{
	uint8_t		 h[16];
	struct buf	 b;
	const uint8_t	*p = NULL;
	size_t		 plen = 0, flen = 0, i;
	uint8_t		 t = 0;
	struct proto_ack a = { 1, 2 };

	/* empty input */
	T_INT(proto_frame_next(h, 0, PROTO_FRAME_MAX, &t, &p, &plen, &flen),
	    0);
	/* every truncation of a valid frame is "need more" */
	buf_init(&b, 0);
	proto_ack_encode(&b, &a);
	for (i = 0; i < b.len; i++) {
		p = NULL;
		T_INT(proto_frame_next(b.d, i, PROTO_FRAME_MAX, &t, &p, &plen,
		    &flen), 0);
		T_OK(p == NULL);
	}
	T_INT(proto_frame_next(b.d, b.len, PROTO_FRAME_MAX, &t, &p, &plen,
	    &flen), 1);
	T_INT(flen, 17);
	T_INT(plen, 12);
	T_OK(p == b.d + 5);
	/* two frames back to back: one at a time */
	proto_ack_encode(&b, &a);
	T_INT(proto_frame_next(b.d, b.len, PROTO_FRAME_MAX, &t, &p, &plen,
	    &flen), 1);
	T_INT(flen, 17);
	T_INT(proto_frame_next(b.d + flen, b.len - flen, PROTO_FRAME_MAX, &t,
	    &p, &plen, &flen), 1);
	buf_clear(&b);

	/* exactly PROTO_FRAME_MAX is accepted (need more), +1 is TOOBIG */
	be32_put(h, PROTO_FRAME_MAX);
	h[4] = PROTO_BATCH;
	T_INT(proto_frame_next(h, 5, PROTO_FRAME_MAX, &t, &p, &plen, &flen),
	    0);
	T_INT(proto_frame_next(h, 4, PROTO_FRAME_MAX, &t, &p, &plen, &flen),
	    0);
	be32_put(h, PROTO_FRAME_MAX + 1);
	T_INT(proto_frame_next(h, 4, PROTO_FRAME_MAX, &t, &p, &plen, &flen),
	    ERR_TOOBIG);
	T_INT(proto_frame_next(h, 3, PROTO_FRAME_MAX, &t, &p, &plen, &flen),
	    0);
	/* a giant length field is refused from the 4 length bytes alone */
	be32_put(h, 0xffffffffu);
	T_INT(proto_frame_next(h, 4, PROTO_FRAME_MAX, &t, &p, &plen, &flen),
	    ERR_TOOBIG);
	/* a smaller caller cap */
	be32_put(h, 100);
	T_INT(proto_frame_next(h, 5, 99, &t, &p, &plen, &flen), ERR_TOOBIG);
	/* zero length */
	be32_put(h, 0);
	T_INT(proto_frame_next(h, 4, PROTO_FRAME_MAX, &t, &p, &plen, &flen),
	    ERR_FORMAT);
	/* unknown types, known as soon as the type byte is in */
	be32_put(h, 1);
	for (i = 0; i < 256; i++) {
		h[4] = (uint8_t)i;
		T_INT(proto_frame_next(h, 5, PROTO_FRAME_MAX, &t, &p, &plen,
		    &flen), i >= PROTO_HELLO && i <= PROTO_ERROR ? 1 :
		    ERR_FORMAT);
	}
	/* length 1: type only, empty payload */
	h[4] = PROTO_PING;
	T_INT(proto_frame_next(h, 5, PROTO_FRAME_MAX, &t, &p, &plen, &flen),
	    1);
	T_INT(plen, 0);
	T_INT(flen, 5);
	T_INT(proto_ping_decode(p, plen, &a.through), ERR_FORMAT);

	/* frame_end refuses a frame over PROTO_FRAME_MAX */
	{
		size_t mark;

		buf_init(&b, 0);
		T_INT(proto_frame_begin(&b, PROTO_ERROR, &mark), 0);
		T_INT(buf_reserve(&b, PROTO_FRAME_MAX + 1), 0);
		b.len += PROTO_FRAME_MAX - 1;
		T_INT(proto_frame_end(&b, mark), 0);
		b.len++;
		T_INT(proto_frame_end(&b, mark), ERR_TOOBIG);
		T_INT(b.len, 0);
		buf_clear(&b);
	}
	/* a hard-capped buf refuses to grow and is left unchanged */
	buf_init(&b, 8);
	T_INT(proto_ack_encode(&b, &a), ERR_TOOBIG);
	T_INT(b.len, 0);
	buf_clear(&b);
}

/* deterministic bit flips and truncations over an encoded batch */
static void
test_flips(void)
{
	struct buf		 b;
	struct proto_batch	 bt;
	struct proto_event	 ev;
	struct proto_hello	*h = &hello2;
	struct bufr		 rd;
	const uint8_t		*p;
	uint8_t			*m, t;
	size_t			 mark, plen, flen, i, k;
	uint32_t		 x = 2463534242u, j;
	int			 r, ok = 1, accepted = 0;

	buf_init(&b, 0);
	proto_batch_begin(&b, 5, 77, &mark);
	proto_batch_add(&b, mark, 1, S("Mar 14 09:00:05 web01 sshd[1]: x"));
	proto_batch_add(&b, mark, 2, S("<13>1 - h a - - - y"));
	proto_batch_add(&b, mark, 3, S(""));
	proto_batch_end(&b, mark);
	if ((m = malloc(b.len)) == NULL)
		abort();
	for (i = 0; i < 20000; i++) {
		memcpy(m, b.d, b.len);
		for (k = 0; k <= i % 3; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			m[x % b.len] ^= 1u << (x >> 8 & 7);
		}
		r = proto_frame_next(m, b.len - (i % 7 == 0 ? x % 5 : 0),
		    PROTO_FRAME_MAX, &t, &p, &plen, &flen);
		if (r < 0 || r > 1)
			ok &= r < 0;
		if (r != 1)
			continue;
		ok &= flen <= b.len && plen + 5 == flen;
		/* every decoder on every payload: must not crash */
		proto_hello_decode(p, plen, h);
		proto_welcome_decode(p, plen, &welcome2);
		proto_ack_decode(p, plen, &(struct proto_ack){ 0, 0 });
		if (proto_batch_decode(p, plen, &bt) != 0)
			continue;
		accepted++;
		ok &= bt.count >= 1 && bt.count <= PROTO_BATCH_MAX;
		bufr_init(&rd, bt.events, bt.eventslen);
		for (j = 0; j < bt.count; j++)
			ok &= proto_batch_iter(&rd, &ev) == 0 &&
			    ev.linelen <= PROTO_LINE_MAX &&
			    ev.line >= (const char *)p &&
			    ev.line + ev.linelen <= (const char *)p + plen;
		ok &= rd.left == 0;
	}
	T_OK(ok);
	T_OK(accepted > 0);
	free(m);
	buf_clear(&b);
}

int
main(void)
{
	test_hello();
	test_welcome();
	test_batch();
	test_small();
	test_frame();
	test_flips();
	return TEST_DONE();
}
