/*
 * fuzz_sframe.c -- libFuzzer target for RFC 6587 framing: frames the
 * whole input as a stream and checks every message lies inside it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "sframe.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t	pos = 0, off, mlen, used;
	int	r;

	while (pos < size) {
		r = sframe_next(data + pos, size - pos, 1024, &off, &mlen,
		    &used);
		if (r != 1)
			break;
		if (used == 0 || used > size - pos || off + mlen > used ||
		    mlen > 1024)
			abort();
		pos += used;
	}
	return 0;
}
