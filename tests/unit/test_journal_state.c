/*
 * test_journal_state.c -- the journal side of shipper/state.c: the cursor
 * form of checkpoint lines (parse, format, round trip, old file lines
 * unchanged, mixed files, malformed cursors, torn writes), and a journal
 * stream's window: cursors advance only on ACK, a restart resumes at the
 * acknowledged cursor with its next_seq, WELCOME releases re-read entries,
 * and a file-form checkpoint under a journal name is not taken for one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "proto.h"
#include "state.h"
#include "test.h"

#define C1 "s=aedbe97cefdc4c1ea1dfc5f131e005ec;i=1;" \
	"b=0123456789abcdef0123456789abcdef;m=3e8;t=61399886e6240;" \
	"x=6834e42b3a27de3"
#define C2 "s=aedbe97cefdc4c1ea1dfc5f131e005ec;i=2;" \
	"b=0123456789abcdef0123456789abcdef;m=7d0;t=61399887bc240;" \
	"x=c52e835101e46df8"
#define C3 "s=aedbe97cefdc4c1ea1dfc5f131e005ec;i=3;x=1"

static void
test_parse(void)
{
	struct state_rec	*r;
	struct state_ckpt	*ck;
	size_t			 n, bad;
	char			 longc[STATE_CURSOR_MAX + 64];
	const char		*t;
	struct buf		 b;

	t = "# comment\n"
	    "/var/log/syslog 2049 1234 567 89\n"
	    "journal cursor=" C1 " 42\n"
	    "journal:/var/log/journal/remote cursor=- 1\n"
	    "journal:/a dir cursor=" C2 " 7\n"		/* blank in path */
	    "journal cursor= 3\n"			/* empty cursor */
	    "journal cursor=x 0\n"			/* next_seq 0 */
	    "journal cursor=x\n"			/* no next_seq */
	    "cursor=x 5\n"				/* no path */
	    " cursor=x 5\n"				/* empty path */
	    "journal cursorx=y 5\n"			/* not cursor= */
	    "journal cursor=a\x01z 5\n"			/* control byte */
	    "journal cursor=\xc3\xa9 5\n"		/* not ASCII */
	    "journal cursor=x 5 \n"			/* trailing blank */
	    "journal:/t cursor=x 5";			/* torn */
	T_INT(state_rec_parse(t, strlen(t), &r, &n, &bad), 0);
	T_INT(n, 4);
	T_INT(bad, 10);
	T_STR(r[0].ck.path, "/var/log/syslog");
	T_OK(r[0].cursor == NULL);
	T_INT(r[0].ck.off, 567);
	T_STR(r[1].ck.path, "journal");
	T_STR(r[1].cursor, C1);
	T_INT(r[1].ck.next_seq, 42);
	T_INT(r[1].ck.dev | r[1].ck.ino | r[1].ck.off, 0);
	T_STR(r[2].ck.path, "journal:/var/log/journal/remote");
	T_STR(r[2].cursor, "");
	T_INT(r[2].ck.next_seq, 1);
	T_STR(r[3].ck.path, "journal:/a dir");
	T_STR(r[3].cursor, C2);
	T_INT(r[3].ck.next_seq, 7);
	state_recs_free(r, n);

	/* the old API sees the file lines only, as before */
	T_INT(state_ckpt_parse(t, strlen(t), &ck, &n, &bad), 0);
	T_INT(n, 1);
	T_INT(bad, 10);
	T_STR(ck[0].path, "/var/log/syslog");
	state_ckpts_free(ck, n);

	/* the last line for a path wins, whatever its form */
	t = "journal cursor=" C1 " 2\n"
	    "journal 1 2 3 4\n"
	    "/f 1 2 3 4\n"
	    "/f cursor=" C3 " 9\n";
	T_INT(state_rec_parse(t, strlen(t), &r, &n, &bad), 0);
	T_INT(n, 2);
	T_INT(bad, 0);
	T_STR(r[0].ck.path, "journal");
	T_OK(r[0].cursor == NULL);
	T_INT(r[0].ck.next_seq, 4);
	T_STR(r[1].cursor, C3);
	state_recs_free(r, n);

	/* cursor length: the limit and one more */
	memset(longc, 'c', sizeof(longc));
	buf_init(&b, 0);
	T_INT(buf_putf(&b, "journal cursor=%.*s 5\njournal:/x cursor=%.*s 6\n",
	    STATE_CURSOR_MAX, longc, STATE_CURSOR_MAX + 1, longc), 0);
	T_INT(state_rec_parse((char *)b.d, b.len, &r, &n, &bad), 0);
	T_INT(n, 1);
	T_INT(bad, 1);
	T_INT(strlen(r[0].cursor), STATE_CURSOR_MAX);
	state_recs_free(r, n);
	buf_clear(&b);

	/* a NUL in the path of a cursor line */
	T_INT(state_rec_parse("jo\0l cursor=x 5\n", 16, &r, &n, &bad), 0);
	T_INT(n, 0);
	T_INT(bad, 1);
	state_recs_free(r, n);
}

static void
test_roundtrip(void)
{
	struct state_rec	 in[4], *out, bad;
	char			 longc[STATE_CURSOR_MAX + 2];
	struct buf		 b;
	size_t			 n, nbad, cut, i;

	memset(in, 0, sizeof(in));
	in[0].ck.path = "/var/log/auth.log";
	in[0].ck.dev = 2049;
	in[0].ck.ino = 77;
	in[0].ck.off = 1000;
	in[0].ck.next_seq = 12;
	in[1].ck.path = "journal";
	in[1].ck.next_seq = 5;
	in[1].cursor = C1;
	in[2].ck.path = "journal:/j d";
	in[2].ck.next_seq = 1;
	in[2].cursor = "";
	in[3].ck.path = "journal:/max";
	in[3].ck.next_seq = UINT64_MAX;
	in[3].cursor = C2;
	buf_init(&b, 0);
	T_INT(state_rec_format(&b, in, 4), 0);
	T_OK(memmem(b.d, b.len, "\njournal cursor=" C1 " 5\n",
	    strlen("\njournal cursor=" C1 " 5\n")) != NULL);
	T_OK(memmem(b.d, b.len, "\njournal:/j d cursor=- 1\n",
	    strlen("\njournal:/j d cursor=- 1\n")) != NULL);
	T_OK(memmem(b.d, b.len, "\n/var/log/auth.log 2049 77 1000 12\n",
	    strlen("\n/var/log/auth.log 2049 77 1000 12\n")) != NULL);
	T_INT(state_rec_parse((char *)b.d, b.len, &out, &n, &nbad), 0);
	T_INT(n, 4);
	T_INT(nbad, 0);
	for (i = 0; i < 4 && n == 4; i++) {
		T_STR(out[i].ck.path, in[i].ck.path);
		T_INT(out[i].ck.next_seq, in[i].ck.next_seq);
		T_INT(out[i].ck.off, in[i].ck.off);
		if (in[i].cursor == NULL)
			T_OK(out[i].cursor == NULL);
		else
			T_STR(out[i].cursor, in[i].cursor);
	}
	state_recs_free(out, n);
	/* every truncation parses without error; no entry is invented */
	for (cut = 0; cut < b.len; cut++) {
		T_OK(state_rec_parse((char *)b.d, cut, &out, &n, &nbad) == 0 &&
		    n <= 4);
		for (i = 0; i < n; i++)
			T_OK(out[i].ck.next_seq != 0);
		state_recs_free(out, n);
	}
	/* what cannot be written */
	memset(&bad, 0, sizeof(bad));
	bad.ck.path = "journal";
	bad.ck.next_seq = 1;
	bad.cursor = "a b";
	buf_reset(&b);
	T_INT(state_rec_format(&b, &bad, 1), ERR_FORMAT);
	bad.cursor = "a\nb";
	T_INT(state_rec_format(&b, &bad, 1), ERR_FORMAT);
	memset(longc, 'c', sizeof(longc));
	longc[STATE_CURSOR_MAX + 1] = '\0';
	bad.cursor = longc;
	T_INT(state_rec_format(&b, &bad, 1), ERR_FORMAT);
	longc[STATE_CURSOR_MAX] = '\0';
	T_INT(state_rec_format(&b, &bad, 1), 0);
	bad.ck.next_seq = 0;
	T_INT(state_rec_format(&b, &bad, 1), ERR_FORMAT);
	buf_clear(&b);
}

static int
push(struct state *st, size_t i, const char *line, const char *cursor)
{
	return state_push_cursor(st, i, (const uint8_t *)line, strlen(line),
	    cursor, 1000);
}

static void
test_window(const char *dir)
{
	struct state		*st;
	const struct state_ckpt	*ck;
	struct state_ckpt	 pos = { NULL, 1, 2, 0, 0 };
	struct buf		 b;
	int			 existed;
	size_t			 nbad;
	char			 path[80];
	FILE			*f;

	buf_init(&b, 0);
	st = state_new(dir, 1 << 20);
	T_INT(state_load(st, &existed, &nbad), 0);
	T_INT(existed, 0);
	T_INT(state_stream_add(st, "journal:/j", "journal", &ck), 0);
	T_OK(ck == NULL);
	T_OK(state_stream_cursor(st, 0) == NULL);
	T_INT(state_stream_begin_cursor(st, 0, "bad cursor", 1), ERR_FORMAT);
	T_INT(state_stream_begin_cursor(st, 0, "", 1), 0);
	T_STR(state_stream_cursor(st, 0), "");
	/* a file stream next to it */
	T_INT(state_stream_add(st, "/f", "syslog", &ck), 1);
	state_stream_begin(st, 1, &pos, 1);
	T_INT(state_push(st, 1, (const uint8_t *)"f", 1, 1, 2, 2, 0), 0);

	T_INT(push(st, 0, "one", C1), 0);
	T_INT(push(st, 0, "two", C2), 0);
	T_INT(push(st, 0, "three", C3), 0);
	T_INT(push(st, 0, "bad", "a b"), ERR_FORMAT);
	T_INT(state_last_seq(st, 0), 3);
	/* the cursor is part of a line's cost */
	T_OK(state_window_bytes(st) >= 4 * STATE_LINE_OVERHEAD + 11 +
	    2 * strlen(C1) + strlen(C3) + 3);
	T_INT(state_welcome(st, 0, 1), 0);	/* new for the collector too */
	T_INT(state_welcome(st, 1, 1), 0);
	T_INT(state_batch(st, 0, &b, 100, 1 << 20), 3);
	T_INT(state_batch(st, 1, &b, 100, 1 << 20), 1);
	/* nothing acknowledged: the checkpoint stays at the start */
	T_STR(state_stream_cursor(st, 0), "");
	T_INT(state_save(st), 0);
	T_INT(state_ack(st, 0, 2), 0);
	T_STR(state_stream_cursor(st, 0), C2);
	T_INT(state_ack(st, 1, 1), 0);
	T_INT(state_save(st), 0);
	state_free(st);
	buf_clear(&b);

	/* restart: resume after C2 with sequence 3 */
	st = state_new(dir, 1 << 20);
	T_INT(state_load(st, &existed, &nbad), 0);
	T_INT(existed, 1);
	T_INT(nbad, 0);
	T_INT(state_stream_add(st, "/f", "syslog", &ck), 0);
	T_OK(ck != NULL && ck->off == 2 && ck->next_seq == 2);
	T_OK(state_stream_cursor(st, 0) == NULL);
	T_INT(state_stream_add(st, "journal:/j", "journal", &ck), 1);
	T_OK(ck != NULL && ck->next_seq == 3);
	T_STR(state_stream_cursor(st, 1), C2);
	T_INT(state_stream_begin_cursor(st, 1, state_stream_cursor(st, 1), 0),
	    0);
	/* entry 3 is read again; the collector stored it before the crash */
	T_INT(push(st, 1, "three", C3), 0);
	T_INT(state_last_seq(st, 1), 3);
	T_INT(state_welcome(st, 1, 4), 0);
	T_INT(state_window_bytes(st), 0);
	T_STR(state_stream_cursor(st, 1), C3);
	T_INT(state_save(st), 0);
	state_free(st);

	/* a file position under a journal name: no cursor */
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	T_OK((f = fopen(path, "w")) != NULL);
	if (f != NULL) {
		fputs("journal:/j 1 2 3 4\n", f);
		fclose(f);
	}
	st = state_new(dir, 1 << 20);
	T_INT(state_load(st, &existed, &nbad), 0);
	T_INT(state_stream_add(st, "journal:/j", "journal", &ck), 0);
	T_OK(ck != NULL && ck->next_seq == 4);
	T_OK(state_stream_cursor(st, 0) == NULL);
	state_free(st);
}

int
main(void)
{
	char dir[] = "/tmp/test_journal_state.XXXXXX", path[80];

	test_parse();
	test_roundtrip();
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_window(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	unlink(path);
	rmdir(dir);
	return TEST_DONE();
}
