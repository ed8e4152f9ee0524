/*
 * test_tail.c -- the pure parts of shipper/tail.c.  The line splitter:
 * lines split across reads, CRLF, empty lines, NUL bytes, the length
 * limit and one past it, over-long lines skipped to their LF,
 * byte-at-a-time feeding.  The pick of files rotated after the one just
 * read (tail_pick): numeric .1/.2, dateext, compressed siblings, a file
 * rotated out and deleted, finished files renamed again, inode reuse,
 * many rotations, mixed schemes, birth time against names.
 */
#include <stdint.h>
#include <stdio.h>
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

static void
test_sib_kind(void)
{
	static const struct {
		const char	*name;
		int		 kind;
	} c[] = {
		{ "auth.log", TAIL_SIB_NONE },
		{ "auth.log.1", TAIL_SIB_PLAIN },
		{ "auth.log.0", TAIL_SIB_PLAIN },
		{ "auth.log.12", TAIL_SIB_PLAIN },
		{ "auth.log.123456789", TAIL_SIB_PLAIN },
		{ "auth.log.1234567890", TAIL_SIB_NONE },
		{ "auth.log.1.gz", TAIL_SIB_COMPRESSED },
		{ "auth.log.2.xz", TAIL_SIB_COMPRESSED },
		{ "auth.log.3.bz2", TAIL_SIB_COMPRESSED },
		{ "auth.log.4.zst", TAIL_SIB_COMPRESSED },
		{ "auth.log.1.gzip", TAIL_SIB_NONE },
		{ "auth.log.1.", TAIL_SIB_NONE },
		{ "auth.log.1x", TAIL_SIB_NONE },
		{ "auth.log.", TAIL_SIB_NONE },
		{ "auth.log.bak", TAIL_SIB_NONE },
		{ "auth.log.swp", TAIL_SIB_NONE },
		{ "auth.logx.1", TAIL_SIB_NONE },
		{ "auth.lo.1", TAIL_SIB_NONE },
		{ "xauth.log.1", TAIL_SIB_NONE },
		{ "auth.log-20240101", TAIL_SIB_PLAIN },
		{ "auth.log-2024010113", TAIL_SIB_PLAIN },
		{ "auth.log-2024-01-01", TAIL_SIB_PLAIN },
		{ "auth.log-20240101-1704067200", TAIL_SIB_PLAIN },
		{ "auth.log-20240101.gz", TAIL_SIB_COMPRESSED },
		{ "auth.log-2024", TAIL_SIB_NONE },
		{ "auth.log-old", TAIL_SIB_NONE },
		{ "auth.log-", TAIL_SIB_NONE },
		{ "", TAIL_SIB_NONE },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (tail_sib_kind("auth.log", c[i].name) != c[i].kind)
			fprintf(stderr, "  name %s\n", c[i].name);
		T_INT(tail_sib_kind("auth.log", c[i].name), c[i].kind);
	}
}

/* A directory listing for tail_pick. */
struct dir {
	struct tail_sib	s[TAIL_SIB_MAX];
	size_t		n;
};

#define SEC	1000000000LL

static struct tail_fid
fid(uint64_t ino, uint64_t size, int64_t mtime_s, int64_t btime_s)
{
	struct tail_fid f;

	memset(&f, 0, sizeof(f));
	f.dev = 8;
	f.ino = ino;
	f.size = size;
	f.mtime_ns = mtime_s * SEC;
	f.btime_ns = btime_s * SEC;
	return f;
}

static void
dir_add(struct dir *d, const char *name, struct tail_fid f)
{
	snprintf(d->s[d->n].name, sizeof(d->s[d->n].name), "%s", name);
	d->s[d->n].id = f;
	d->n++;
}

/* The picked names as "a b c", then "| compressed ones". */
static const char *
pick(struct dir *d, const struct tail_fid *anchor, const struct tail_fid *cur,
    const struct tail_fid *done, size_t ndone, struct tail_pick *pk)
{
	static char	out[1024];
	size_t		i, o = 0;

	tail_pick("auth.log", d->s, d->n, anchor, cur, done, ndone, pk);
	out[0] = '\0';
	for (i = 0; i < pk->nnext; i++)
		o += snprintf(out + o, sizeof(out) - o, "%s%s", i ? " " : "",
		    d->s[pk->next[i]].name);
	if (pk->ncomp > 0)
		o += snprintf(out + o, sizeof(out) - o, " |");
	for (i = 0; i < pk->ncomp; i++)
		o += snprintf(out + o, sizeof(out) - o, " %s",
		    d->s[pk->comp[i]].name);
	return out;
}

/*
 * The bug: auth.log rotated twice while we read the first file (inode
 * 10, now auth.log.2); auth.log.1 (inode 11) was never opened.
 */
static void
test_pick_numeric(void)
{
	struct dir		d = { .n = 0 };
	struct tail_pick	pk;
	struct tail_fid		anchor = fid(10, 500, 100, 0);
	struct tail_fid		cur = fid(12, 30, 300, 0);

	dir_add(&d, "auth.log", cur);
	dir_add(&d, "auth.log.4.gz", fid(7, 90, 10, 0));
	dir_add(&d, "auth.log.3.gz", fid(8, 90, 50, 0));
	dir_add(&d, "auth.log.2", anchor);
	dir_add(&d, "auth.log.1", fid(11, 400, 200, 0));
	dir_add(&d, "auth.log.bak", fid(13, 400, 250, 0));
	dir_add(&d, "other.log.1", fid(14, 400, 250, 0));
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "auth.log.1");
	T_INT(pk.order, TAIL_ORDER_NAME);
	T_INT(pk.nnewer, 1);
	/* then, with .1 as the anchor: nothing before the path */
	T_STR(pick(&d, &d.s[4].id, &cur, &anchor, 1, &pk), "");
	/* no rotation missed: the anchor is the newest rotated file */
	d.n = 0;
	dir_add(&d, "auth.log", cur);
	dir_add(&d, "auth.log.2.gz", fid(8, 90, 50, 0));
	dir_add(&d, "auth.log.1", anchor);
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "");
	/* no directory entries at all */
	d.n = 0;
	T_STR(pick(&d, &anchor, NULL, NULL, 0, &pk), "");
	T_INT(pk.nnewer, 0);
	/* no current file (rotated with nocreate): still read .1 */
	dir_add(&d, "auth.log.2", anchor);
	dir_add(&d, "auth.log.1", fid(11, 400, 200, 0));
	T_STR(pick(&d, &anchor, NULL, NULL, 0, &pk), "auth.log.1");
	/* the path is a hard link to .1: it is read as the path */
	cur = fid(11, 400, 200, 0);
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "");
}

/* Birth times know the chain even when the names run the other way. */
static void
test_pick_birth(void)
{
	struct dir		d = { .n = 0 };
	struct tail_pick	pk;
	struct tail_fid		anchor = fid(10, 500, 100, 90);
	struct tail_fid		cur = fid(12, 30, 300, 250);

	/* logrotate's names */
	dir_add(&d, "auth.log", cur);
	dir_add(&d, "auth.log.3", fid(9, 90, 80, 40));
	dir_add(&d, "auth.log.2", anchor);
	dir_add(&d, "auth.log.1", fid(11, 400, 200, 150));
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "auth.log.1");
	T_INT(pk.order, TAIL_ORDER_BIRTH);
	/* names counting up (.1 is the oldest): .1 is not re-read */
	d.n = 0;
	dir_add(&d, "auth.log", cur);
	dir_add(&d, "auth.log.1", fid(9, 90, 80, 40));
	dir_add(&d, "auth.log.2", anchor);
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "");
	dir_add(&d, "auth.log.3", fid(11, 400, 200, 150));
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "auth.log.3");
	/* one plain sibling without a birth time: by name instead */
	d.s[1].id.btime_ns = 0;
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "auth.log.1");
	T_INT(pk.order, TAIL_ORDER_NAME);
	/* ... but the finished set still keeps .1 from being read twice */
	T_STR(pick(&d, &anchor, &cur, &d.s[1].id, 1, &pk), "");
}

static void
test_pick_dateext(void)
{
	struct dir		d = { .n = 0 };
	struct tail_pick	pk;
	struct tail_fid		anchor = fid(20, 500, 100, 0);
	struct tail_fid		cur = fid(23, 30, 400, 0);

	dir_add(&d, "auth.log-20240101", anchor);
	dir_add(&d, "auth.log", cur);
	dir_add(&d, "auth.log-20231231.gz", fid(19, 50, 60, 0));
	dir_add(&d, "auth.log-20240103", fid(22, 300, 300, 0));
	dir_add(&d, "auth.log-20240102", fid(21, 300, 200, 0));
	dir_add(&d, "auth.log-20231230", fid(18, 300, 50, 0));
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk),
	    "auth.log-20240102 auth.log-20240103");
	T_INT(pk.order, TAIL_ORDER_NAME);
	/* a newer one compressed already: skipped and reported */
	snprintf(d.s[4].name, sizeof(d.s[4].name), "auth.log-20240102.gz");
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk),
	    "auth.log-20240103 | auth.log-20240102.gz");
	/* reported ones are put in the finished set: once */
	T_STR(pick(&d, &anchor, &cur, &d.s[4].id, 1, &pk),
	    "auth.log-20240103");
}

/*
 * The file we read was compressed (auth.log.2.gz holds it now) or
 * deleted: no anchor among the names, so by modification time.
 */
static void
test_pick_gone(void)
{
	struct dir		d = { .n = 0 };
	struct tail_pick	pk;
	struct tail_fid		anchor = fid(10, 500, 100, 0);
	struct tail_fid		cur = fid(12, 30, 300, 0);

	dir_add(&d, "auth.log", cur);
	dir_add(&d, "auth.log.1", fid(11, 400, 200, 0));
	dir_add(&d, "auth.log.2.gz", fid(15, 90, 100, 0));
	dir_add(&d, "auth.log.3.gz", fid(8, 90, 50, 0));
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk),
	    "auth.log.1 | auth.log.2.gz");
	T_INT(pk.order, TAIL_ORDER_MTIME);
	/* rotate 1: the file was rotated out and deleted, .1 is newer */
	d.n = 0;
	dir_add(&d, "auth.log", cur);
	dir_add(&d, "auth.log.1", fid(11, 400, 200, 0));
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "auth.log.1");
	/* deleted and only older files are left: nothing */
	d.n = 0;
	dir_add(&d, "auth.log", cur);
	dir_add(&d, "auth.log.1", fid(11, 400, 90, 0));
	dir_add(&d, "auth.log.2", fid(9, 400, 80, 0));
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "");
	/* with birth times, the same */
	anchor.btime_ns = 95 * SEC;
	d.s[1].id.btime_ns = 85 * SEC;
	d.s[2].id.btime_ns = 75 * SEC;
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "");
	T_INT(pk.order, TAIL_ORDER_BIRTH);
}

/* A finished file renamed again, and inode numbers reused. */
static void
test_pick_done(void)
{
	struct dir		d = { .n = 0 };
	struct tail_pick	pk;
	struct tail_fid		anchor = fid(10, 500, 100, 0);
	struct tail_fid		cur = fid(12, 30, 300, 0);
	struct tail_fid		done[2];

	/* .3 (done, read before the anchor) is older anyway; .1 is not */
	dir_add(&d, "auth.log", cur);
	dir_add(&d, "auth.log.3", fid(9, 400, 50, 0));
	dir_add(&d, "auth.log.2", anchor);
	dir_add(&d, "auth.log.1", fid(11, 400, 200, 0));
	done[0] = fid(9, 400, 50, 0);
	done[1] = fid(11, 400, 200, 0);
	T_STR(pick(&d, &anchor, &cur, done, 2, &pk), "");
	T_STR(pick(&d, &anchor, &cur, done, 1, &pk), "auth.log.1");
	/* inode 11 reused by a new file: smaller than where we stopped */
	d.s[3].id.size = 100;
	T_STR(pick(&d, &anchor, &cur, done, 2, &pk), "auth.log.1");
	/* not smaller: taken for the same file, grown (not re-read) */
	d.s[3].id.size = 4000;
	T_STR(pick(&d, &anchor, &cur, done, 2, &pk), "");
	/* birth times tell a reused inode even when it is larger */
	d.s[3].id.btime_ns = 190 * SEC;
	done[1].btime_ns = 150 * SEC;
	T_STR(pick(&d, &anchor, &cur, done, 2, &pk), "auth.log.1");
	d.s[3].id.btime_ns = 150 * SEC;
	T_STR(pick(&d, &anchor, &cur, done, 2, &pk), "");
	/* another device with the same inode number is another file */
	d.s[3].id.btime_ns = 0;
	d.s[3].id.dev = 9;
	T_STR(pick(&d, &anchor, &cur, done, 2, &pk), "auth.log.1");
}

/* Twelve rotations behind: all of them, oldest first, in pages. */
static void
test_pick_many(void)
{
	struct dir		d = { .n = 0 };
	struct tail_pick	pk;
	struct tail_fid		anchor = fid(100, 500, 100, 0);
	struct tail_fid		cur = fid(200, 30, 1000, 0);
	char			name[64];
	int			i;

	dir_add(&d, "auth.log", cur);
	for (i = 20; i >= 1; i--) {
		snprintf(name, sizeof(name), "auth.log.%d", i);
		if (i == 12)
			dir_add(&d, name, anchor);
		else
			dir_add(&d, name, fid(100 + 12 - i, 10, 100 + 12 - i,
			    0));
	}
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk),
	    "auth.log.11 auth.log.10 auth.log.9 auth.log.8 auth.log.7 "
	    "auth.log.6 auth.log.5 auth.log.4");
	T_INT(pk.nnewer, 11);
	T_INT(pk.nnext, TAIL_PICK_MAX);
	/* the same by modification time (anchor not among the names) */
	anchor.ino = 999;
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk),
	    "auth.log.12 auth.log.11 auth.log.10 auth.log.9 auth.log.8 "
	    "auth.log.7 auth.log.6 auth.log.5");
	T_INT(pk.order, TAIL_ORDER_MTIME);
	T_INT(pk.nnewer, 12);
	/* more entries than TAIL_SIB_MAX: only the first are looked at */
	d.n = 0;
	for (i = 0; i < TAIL_SIB_MAX; i++) {
		snprintf(name, sizeof(name), "auth.log.%d", i + 1);
		dir_add(&d, name, fid(1000 + i, 1, 1, 0));
	}
	anchor = fid(1, 1, 0, 0);
	tail_pick("auth.log", d.s, TAIL_SIB_MAX + 5, &anchor, NULL, NULL,
	    0, &pk);
	T_INT(pk.nnewer, TAIL_SIB_MAX);
	T_INT(pk.nnext, TAIL_PICK_MAX);
}

/* Two naming schemes in one directory: names cannot be compared. */
static void
test_pick_mixed(void)
{
	struct dir		d = { .n = 0 };
	struct tail_pick	pk;
	struct tail_fid		anchor = fid(10, 500, 100, 0);
	struct tail_fid		cur = fid(12, 30, 300, 0);

	dir_add(&d, "auth.log", cur);
	dir_add(&d, "auth.log.1", anchor);
	dir_add(&d, "auth.log-20240102", fid(11, 400, 200, 0));
	dir_add(&d, "auth.log-20231201", fid(9, 400, 20, 0));
	dir_add(&d, "auth.log.2", fid(8, 400, 10, 0));
	T_STR(pick(&d, &anchor, &cur, NULL, 0, &pk), "auth.log-20240102");
	T_INT(pk.order, TAIL_ORDER_MTIME);
}

int
main(void)
{
	test_basic();
	test_lines();
	test_nul();
	test_big();
	test_sib_kind();
	test_pick_numeric();
	test_pick_birth();
	test_pick_dateext();
	test_pick_gone();
	test_pick_done();
	test_pick_many();
	test_pick_mixed();
	return TEST_DONE();
}
