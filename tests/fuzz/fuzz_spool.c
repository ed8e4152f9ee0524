/*
 * fuzz_spool.c -- libFuzzer target for shipper/spool_rec.c: decodes the
 * input as a spool segment, record after record, as recovery does, and
 * checks that every record decoded re-encodes to the same bytes.  Built
 * with replay.c it runs without clang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spool_drec	rec;
	struct buf		b;
	size_t			off = 0, used;
	int			r;

	buf_init(&b, 0);
	while ((r = spool_rec_decode(data + off, size - off, &rec,
	    &used)) == 1) {
		if (used > size - off || rec.p < data + off ||
		    rec.p + rec.len > data + off + used)
			abort();
		buf_reset(&b);
		if (rec.type == SPOOL_T_NAME)
			r = spool_rec_name(&b, rec.id, (const char *)rec.p,
			    rec.len);
		else
			r = spool_rec_line(&b, rec.id, rec.seq, rec.read_us,
			    rec.p, rec.len);
		if (r != 0 || b.len != used || memcmp(b.d, data + off, used))
			abort();
		off += used;
	}
	buf_clear(&b);
	return 0;
}
