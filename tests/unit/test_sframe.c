/*
 * test_sframe.c -- RFC 6587 framing: octet counting and LF trailers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sframe.h"
#include "test.h"

static int
next(const char *s, size_t len, size_t max, size_t *off, size_t *mlen,
    size_t *used)
{
	return sframe_next((const uint8_t *)s, len, max, off, mlen, used);
}

int
main(void)
{
	const char	*oc = "20 <13>1 - - - - - - ok";
	const char	*two = "3 abc4 defg", *lf = "<13>hello\n<13>x";
	size_t		 off, mlen, used, i;
	char		 big[200];

	/* octet counting */
	T_INT(next(oc, strlen(oc), 100, &off, &mlen, &used), 1);
	T_INT(off, 3);
	T_INT(mlen, 20);
	T_INT(used, 23);
	T_STRN(oc + off, mlen, "<13>1 - - - - - - ok");
	/* every truncation needs more bytes */
	for (i = 0; i < strlen(oc); i++)
		T_INT(next(oc, i, 100, &off, &mlen, &used), 0);
	/* two frames back to back: first only */
	T_INT(next(two, 11, 100, &off, &mlen, &used), 1);
	T_INT(used, 5);
	T_STRN(two + off, mlen, "abc");
	/* counted LF stays in the message (rsyslog #4384) */
	T_INT(next("4 abc\n", 6, 100, &off, &mlen, &used), 1);
	T_INT(mlen, 4);
	/* malformed counts */
	T_INT(next("01 x", 4, 100, &off, &mlen, &used), ERR_FORMAT);
	T_INT(next("12x abc", 7, 100, &off, &mlen, &used), ERR_FORMAT);
	T_INT(next("12345678901 x", 13, 100, &off, &mlen, &used),
	    ERR_FORMAT);
	T_INT(next("12345678901", 11, 100, &off, &mlen, &used), ERR_FORMAT);
	T_INT(next("1234567890", 10, 100, &off, &mlen, &used), 0);
	/* limit and limit + 1 */
	T_INT(next("100 ", 4, 100, &off, &mlen, &used), 0);
	T_INT(next("101 ", 4, 100, &off, &mlen, &used), ERR_TOOBIG);
	T_INT(next("4294967295 ", 11, 65536, &off, &mlen, &used),
	    ERR_TOOBIG);
	T_INT(next("9999999999 ", 11, 65536, &off, &mlen, &used),
	    ERR_TOOBIG);

	/* non-transparent framing */
	T_INT(next(lf, 15, 100, &off, &mlen, &used), 1);
	T_STRN(lf + off, mlen, "<13>hello");
	T_INT(used, 10);
	T_INT(next("<13>crlf\r\n", 10, 100, &off, &mlen, &used), 1);
	T_INT(mlen, 8);
	T_INT(next("<13>nul\0rest", 12, 100, &off, &mlen, &used), 1);
	T_INT(mlen, 7);
	T_INT(used, 8);
	T_INT(next("<13>partial", 11, 100, &off, &mlen, &used), 0);
	T_INT(next("\n", 1, 100, &off, &mlen, &used), 1);
	T_INT(mlen, 0);
	T_INT(next("", 0, 100, &off, &mlen, &used), 0);
	memset(big, 'a', sizeof(big));
	T_INT(next(big, 101, 100, &off, &mlen, &used), 0);
	T_INT(next(big, 102, 100, &off, &mlen, &used), ERR_TOOBIG);
	big[100] = '\n';
	T_INT(next(big, 102, 100, &off, &mlen, &used), 1);
	T_INT(mlen, 100);
	big[100] = 'a';
	big[101] = '\n';
	T_INT(next(big, 102, 100, &off, &mlen, &used), ERR_TOOBIG);
	return TEST_DONE();
}
