/*
 * fuzz_block.c -- libFuzzer target for collector/block.c and the stream
 * record codec of collector/keys.c: reads the input as a stored block
 * (every event, checking that pointers stay inside the input), then as a
 * stream record, and re-encodes what decodes to compare.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "buf.h"
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
	int			i, r;

	if (block_open(&br, data, size) == 0)
		while ((r = block_next(&br, &ev)) == 1) {
			if (!INSIDE(ev.raw, ev.rawlen))
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
	return 0;
}
