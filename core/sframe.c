/*
 * sframe.c -- RFC 6587 framing (see sframe.h).  Pure: no I/O.
 */
#include <string.h>

#include "err.h"
#include "sframe.h"

int
sframe_next(const uint8_t *b, size_t len, size_t max, size_t *off,
    size_t *mlen, size_t *used)
{
	const uint8_t	*lf, *nul;
	uint64_t	 n = 0;
	size_t		 i, end;

	if (len == 0)
		return 0;
	if (b[0] >= '0' && b[0] <= '9') {
		/* RFC 6587 3.4.1: MSG-LEN = NONZERO-DIGIT *DIGIT, then SP */
		if (b[0] == '0')
			return ERR_FORMAT;
		for (i = 0; i < len && b[i] >= '0' && b[i] <= '9'; i++) {
			if (i >= 10)
				return ERR_FORMAT;
			n = n * 10 + (b[i] - '0');
		}
		if (i == len)
			return i > 10 ? ERR_FORMAT : 0;
		if (b[i] != ' ')
			return ERR_FORMAT;
		if (n > max)
			return ERR_TOOBIG;
		if (len - i - 1 < n)
			return 0;
		*off = i + 1;
		*mlen = (size_t)n;
		*used = i + 1 + (size_t)n;
		return 1;
	}
	/* RFC 6587 3.4.2: non-transparent framing, LF (or NUL) trailer */
	end = len < max + 2 ? len : max + 2;
	lf = memchr(b, '\n', end);
	nul = memchr(b, '\0', lf ? (size_t)(lf - b) : end);
	if (nul != NULL)
		lf = nul;
	if (lf == NULL)
		return len > max + 1 ? ERR_TOOBIG : 0;
	*off = 0;
	*mlen = (size_t)(lf - b);
	*used = *mlen + 1;
	if (*mlen > 0 && b[*mlen - 1] == '\r')
		(*mlen)--;
	if (*mlen > max)
		return ERR_TOOBIG;
	return 1;
}
