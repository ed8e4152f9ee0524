/*
 * fuzz_frame.c -- libFuzzer target for core/proto.c: splits the input into
 * frames with proto_frame_next, runs every decoder on each payload and
 * iterates the events of each batch that decodes.  Built with replay.c it
 * runs without clang.
 */
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proto_hello	h;
	static struct proto_welcome	w;
	struct proto_batch		bt;
	struct proto_event		ev;
	struct proto_ack		a;
	struct proto_gap		g;
	struct bufr			rd;
	const uint8_t			*p;
	const char			*s;
	size_t				plen, flen, n;
	uint64_t			nonce;
	uint32_t			i;
	uint8_t				t;

	while (proto_frame_next(data, size, PROTO_FRAME_MAX, &t, &p, &plen,
	    &flen) == 1) {
		if (flen > size || plen + PROTO_FRAME_HDR != flen)
			abort();
		proto_hello_decode(p, plen, &h);
		proto_welcome_decode(p, plen, &w);
		proto_ack_decode(p, plen, &a);
		proto_ping_decode(p, plen, &nonce);
		proto_gap_decode(p, plen, &g);
		proto_error_decode(p, plen, &s, &n);
		if (proto_batch_decode(p, plen, &bt) == 0) {
			bufr_init(&rd, bt.events, bt.eventslen);
			for (i = 0; i < bt.count; i++)
				if (proto_batch_iter(&rd, &ev) != 0)
					abort();
			if (rd.left != 0)
				abort();
		}
		data += flen;
		size -= flen;
	}
	return 0;
}
