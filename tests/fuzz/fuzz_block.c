/*
 * fuzz_block.c -- libFuzzer target for collector/block.c and the stream
 * record and posting value codecs of collector/keys.c: reads the input as
 * a stored block (every event, checking that pointers stay inside the
 * input), as a stream record and as a P value, and re-encodes what
 * decodes to compare.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "buf.h"
#include "err.h"
#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define INSIDE(p, n)	((const uint8_t *)(p) >= data && \
	(n) <= size && (const uint8_t *)(p) - data <= (ptrdiff_t)(size - (n)))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct block_reader	br;
	struct block_ev		ev;
	struct stream_rec	sr;
	struct buf		b;
	struct bufr		rd, rd2;
	struct blockref		ref, ref2;
	uint8_t			bm[KEYS_POSTBM], bm2[KEYS_POSTBM];
	int			i, r;

	if (block_open(&br, data, size) == 0)
		while ((r = block_next(&br, &ev)) == 1) {
			/* parts continue each other: indexes stay in the block */
			if (!INSIDE(ev.raw, ev.rawlen) || ev.index >= br.count ||
			    ev.index + 1 != br.index)
				abort();
			for (i = 0; i < ev.nextra; i++)
				if (!INSIDE(ev.extra[i].name,
				    ev.extra[i].namelen) ||
				    !INSIDE(ev.extra[i].val,
				    ev.extra[i].vallen))
					abort();
		}
	if (keys_stream_decode(data, size, &sr) == 0) {
		buf_init(&b, 0);
		/* version 2 records round-trip byte for byte; version 1
		 * ones are re-encoded as version 2 */
		if (keys_stream_encode(&b, &sr) != 0 || (data[0] == 2 &&
		    (b.len != size || memcmp(b.d, data, size) != 0)))
			abort();
		buf_clear(&b);
		keys_stream_clear(&sr);
	}
	/* P value: every entry decoded re-encodes to the same entry */
	bufr_init(&rd, data, size);
	buf_init(&b, 0);
	while ((r = keys_postval_next(&rd, &ref, bm)) == 1) {
		buf_reset(&b);
		if (keys_postval_put(&b, &ref, bm) != 0)
			abort();
		bufr_init(&rd2, b.d, b.len);
		if (keys_postval_next(&rd2, &ref2, bm2) != 1 ||
		    rd2.left != 0 || ref2.stream != ref.stream ||
		    ref2.first_seq != ref.first_seq ||
		    memcmp(bm, bm2, sizeof(bm)) != 0)
			abort();
	}
	if (r != 0 && r != ERR_FORMAT)
		abort();
	buf_clear(&b);
	return 0;
}
