/*
 * test_tail.c -- the pure line splitter of shipper/tail.c: lines split
 * across reads, CRLF, empty lines, NUL bytes, the length limit and one
 * past it, over-long lines skipped to their LF, byte-at-a-time feeding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tail.h"
#include "test.h"

#define MAXL	8

/* Split all of s (fed in pieces of step bytes) into "a|b|c" form. */
static void
split_all(const char *s, size_t len, size_t step, size_t max, char *out,
    size_t outlen, int *ncut)
{
	struct tail_split	 sp;
	const uint8_t		*line;
	size_t			 pos = 0, piece, used, ll, o = 0;
	int			 r, cut;

	*ncut = 0;
	out[0] = '\0';
	tail_split_init(&sp, max);
	while (pos < len) {
		piece = len - pos < step ? len - pos : step;
		while (piece > 0) {
			r = tail_split_feed(&sp, (const uint8_t *)s + pos,
			    piece, &used, &line, &ll, &cut);
			if (r < 0)
				abort();
			pos += used;
			piece -= used;
			if (r == 1) {
				if (o + ll + 2 < outlen) {
					memcpy(out + o, line, ll);
					o += ll;
					out[o++] = '|';
					out[o] = '\0';
				}
				*ncut += cut;
			}
		}
	}
	tail_split_clear(&sp);
}

static void
test_basic(void)
{
	struct tail_split	 sp;
	const uint8_t		*line;
	size_t			 used, ll;
	int			 cut;

	tail_split_init(&sp, MAXL);
	T_INT(tail_split_feed(&sp, (const uint8_t *)"", 0, &used, &line, &ll,
	    &cut), 0);
	T_INT(used, 0);
	T_INT(tail_split_feed(&sp, (const uint8_t *)"ab\ncd", 5, &used, &line,
	    &ll, &cut), 1);
	T_INT(used, 3);
	T_STRN((const char *)line, ll, "ab");
	T_INT(cut, 0);
	/* partial line held, completed by the next read */
	T_INT(tail_split_feed(&sp, (const uint8_t *)"cd", 2, &used, &line, &ll,
	    &cut), 0);
	T_INT(used, 2);
	T_INT(tail_split_feed(&sp, (const uint8_t *)"e\r\nx", 4, &used, &line,
	    &ll, &cut), 1);
	T_INT(used, 3);
	T_STRN((const char *)line, ll, "cde");
	/* reset drops the partial line */
	T_INT(tail_split_feed(&sp, (const uint8_t *)"zz", 2, &used, &line, &ll,
	    &cut), 0);
	tail_split_reset(&sp);
	T_INT(tail_split_feed(&sp, (const uint8_t *)"q\n", 2, &used, &line,
	    &ll, &cut), 1);
	T_STRN((const char *)line, ll, "q");
	tail_split_clear(&sp);
}

static void
test_lines(void)
{
	char	out[256];
	int	ncut;
	size_t	step;

	/* every piece size gives the same lines */
	for (step = 1; step <= 12; step++) {
		split_all("a\n\nbc\r\nd\re\n\r\n", 13, step, MAXL, out,
		    sizeof(out), &ncut);
		T_STR(out, "a||bc|d\re||");
		T_INT(ncut, 0);
	}
	/* no trailing LF: the last line is never shipped */
	split_all("one\ntwo", 7, 3, MAXL, out, sizeof(out), &ncut);
	T_STR(out, "one|");
	/* exactly max bytes, and max bytes + CR */
	split_all("12345678\n12345678\r\n", 19, 4, MAXL, out, sizeof(out),
	    &ncut);
	T_STR(out, "12345678|12345678|");
	T_INT(ncut, 0);
	/* max + 1 is cut, the rest skipped up to the LF */
	for (step = 1; step <= 20; step += 3) {
		split_all("123456789\nok\n", 13, step, MAXL, out, sizeof(out),
		    &ncut);
		T_STR(out, "12345678|ok|");
		T_INT(ncut, 1);
	}
	split_all("123456789abcdefghij\r\nz\n", 23, 5, MAXL, out,
	    sizeof(out), &ncut);
	T_STR(out, "12345678|z|");
	T_INT(ncut, 1);
	/* CR at max + 1 of a longer line does not matter: it is cut */
	split_all("12345678\rX\n", 11, 2, MAXL, out, sizeof(out), &ncut);
	T_STR(out, "12345678|");
	T_INT(ncut, 1);
	/* a lone CR line is an empty line */
	split_all("\r\n", 2, 1, MAXL, out, sizeof(out), &ncut);
	T_STR(out, "|");
}

static void
test_nul(void)
{
	struct tail_split	 sp;
	const uint8_t		*line;
	size_t			 used, ll;
	int			 cut;
	static const uint8_t	 in[] = { 'a', 0, 'b', '\n' };

	tail_split_init(&sp, MAXL);
	T_INT(tail_split_feed(&sp, in, 2, &used, &line, &ll, &cut), 0);
	T_INT(tail_split_feed(&sp, in + 2, 2, &used, &line, &ll, &cut), 1);
	T_INT(ll, 3);
	T_OK(memcmp(line, "a\0b", 3) == 0);
	tail_split_clear(&sp);
}

/* A long line across many feeds holds at most max + 1 bytes. */
static void
test_big(void)
{
	struct tail_split	 sp;
	const uint8_t		*line;
	uint8_t			 chunk[1000];
	size_t			 used, ll, i;
	int			 cut, r = 0;

	memset(chunk, 'x', sizeof(chunk));
	tail_split_init(&sp, 4096);
	for (i = 0; i < 100; i++)
		r |= tail_split_feed(&sp, chunk, sizeof(chunk), &used, &line,
		    &ll, &cut);
	T_INT(r, 0);
	T_OK(sp.cap <= 4097);
	T_INT(tail_split_feed(&sp, (const uint8_t *)"\n", 1, &used, &line,
	    &ll, &cut), 1);
	T_INT(ll, 4096);
	T_INT(cut, 1);
	T_INT(line[4095], 'x');
	tail_split_clear(&sp);
}

int
main(void)
{
	test_basic();
	test_lines();
	test_nul();
	test_big();
	return TEST_DONE();
}
