/*
 * test_state.c -- shipper/state.c: the checkpoints file codec (garbage,
 * torn and truncated lines, paths with blanks, duplicates, round trip),
 * the restart decision, and the window: sequence numbers, ACK release
 * and checkpoint advance, resend after a disconnect, WELCOME release and
 * resync, backpressure, and save/load through a real directory.
 */
#include <sys/stat.h>

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

static void
test_parse(void)
{
	struct state_ckpt	*ck;
	size_t			 n, bad;
	const char		*t;

	t = "# comment\n"
	    "/var/log/syslog 2049 1234 567 89\n"
	    "\n"
	    "/var/log/my file.log 1 2 3 4\n"
	    "garbage\n"
	    "/x 1 2 3\n"			/* a field short */
	    "/x 1 2 3 0\n"			/* next_seq 0 */
	    "/x -1 2 3 4\n"			/* sign */
	    "/x 1 2 3 99999999999999999999999\n" /* overflow */
	    "/x 1 2 9223372036854775808 4\n"	/* offset > INT64_MAX */
	    " 1 2 3 4\n"			/* empty path */
	    "/x 1 2 3 4 \n"			/* trailing blank */
	    "/var/log/syslog 2049 1234 600 90\n"	/* later line wins */
	    "/torn 1 2 3 4";			/* no newline: torn write */
	T_INT(state_ckpt_parse(t, strlen(t), &ck, &n, &bad), 0);
	T_INT(n, 2);
	T_INT(bad, 9);
	T_STR(ck[0].path, "/var/log/syslog");
	T_INT(ck[0].dev, 2049);
	T_INT(ck[0].ino, 1234);
	T_INT(ck[0].off, 600);
	T_INT(ck[0].next_seq, 90);
	T_STR(ck[1].path, "/var/log/my file.log");
	T_INT(ck[1].next_seq, 4);
	state_ckpts_free(ck, n);

	T_INT(state_ckpt_parse("", 0, &ck, &n, &bad), 0);
	T_INT(n, 0);
	T_INT(bad, 0);
	state_ckpts_free(ck, n);
	/* a NUL inside a path */
	T_INT(state_ckpt_parse("/a\0b 1 2 3 4\n", 13, &ck, &n, &bad), 0);
	T_INT(n, 0);
	T_INT(bad, 1);
	state_ckpts_free(ck, n);
}

static void
test_roundtrip(void)
{
	struct state_ckpt	 in[3] = {
		{ "/var/log/syslog", 2049, 1234, 567, 89 },
		{ "/a b/c d", 0, 0, 0, 1 },
		{ "/max", UINT64_MAX, UINT64_MAX, INT64_MAX, UINT64_MAX },
	}, bad = { "/x\ny", 1, 2, 3, 4 }, *out;
	struct buf		 b;
	size_t			 n, nbad, cut;
	int			 i;

	buf_init(&b, 0);
	T_INT(state_ckpt_format(&b, in, 3), 0);
	T_INT(state_ckpt_parse((char *)b.d, b.len, &out, &n, &nbad), 0);
	T_INT(n, 3);
	T_INT(nbad, 0);
	for (i = 0; i < 3 && (size_t)i < n; i++) {
		T_STR(out[i].path, in[i].path);
		T_OK(out[i].dev == in[i].dev && out[i].ino == in[i].ino &&
		    out[i].off == in[i].off &&
		    out[i].next_seq == in[i].next_seq);
	}
	state_ckpts_free(out, n);
	/* every truncation parses: whole lines kept, the torn one dropped */
	for (cut = 0; cut < b.len; cut++) {
		T_OK(state_ckpt_parse((char *)b.d, cut, &out, &n, &nbad) == 0 &&
		    n <= 3);
		state_ckpts_free(out, n);
	}
	buf_reset(&b);
	T_INT(state_ckpt_format(&b, &bad, 1), ERR_FORMAT);
	buf_clear(&b);
}

static void
test_resume(void)
{
	struct state_ckpt	ck = { "/l", 5, 100, 50, 7 };
	struct state_ckpt	none = { "/l", 0, 0, 0, 3 };
	struct state_fileid	same = { 5, 100, 80 }, other = { 5, 200, 10 };
	struct state_fileid	small = { 5, 100, 20 }, rot = { 5, 100, 60 };
	struct state_start	s;

	/* new stream: end of file, or 0 with --from-beginning */
	state_resume(NULL, &other, NULL, 0, &s);
	T_OK(!s.rotated && s.off == 10 && s.resync);
	state_resume(NULL, &other, NULL, 1, &s);
	T_OK(!s.rotated && s.off == 0 && s.resync);
	state_resume(NULL, NULL, NULL, 0, &s);
	T_OK(!s.rotated && s.off == 0);
	/* same file: seek */
	state_resume(&ck, &same, NULL, 0, &s);
	T_OK(!s.rotated && s.off == 50 && !s.resync);
	/* same file, shrunk while down */
	state_resume(&ck, &small, NULL, 0, &s);
	T_OK(!s.rotated && s.off == 0 && s.resync);
	/* rotated away and found: drain it, then the path from 0 */
	state_resume(&ck, &other, &rot, 0, &s);
	T_OK(s.rotated && s.roff == 50 && s.off == 0 && !s.resync);
	state_resume(&ck, NULL, &rot, 0, &s);
	T_OK(s.rotated && s.roff == 50);
	/* found but shorter than the checkpoint */
	state_resume(&ck, &other, &small, 0, &s);
	T_OK(!s.rotated && s.off == 0 && s.resync);
	/* gone */
	state_resume(&ck, &other, NULL, 1, &s);
	T_OK(!s.rotated && s.off == 0 && s.resync);
	/* no file had been seen: from 0, sequence trusted */
	state_resume(&none, &other, NULL, 0, &s);
	T_OK(!s.rotated && s.off == 0 && !s.resync);
}

static int
push(struct state *st, size_t i, const char *line, uint64_t end)
{
	return state_push(st, i, (const uint8_t *)line, strlen(line), 1, 2,
	    end, 1000);
}

/* Decode the batch frame in b: first seq and count. */
static int
batch_info(const struct buf *b, uint64_t *first, uint32_t *count)
{
	struct proto_batch	 bt;
	const uint8_t		*payload;
	size_t			 plen, flen;
	uint8_t			 type;

	if (proto_frame_next(b->d, b->len, PROTO_FRAME_MAX, &type, &payload,
	    &plen, &flen) != 1 || type != PROTO_BATCH || flen != b->len ||
	    proto_batch_decode(payload, plen, &bt) != 0)
		return -1;
	*first = bt.first_seq;
	*count = bt.count;
	return 0;
}

static void
test_window(const char *dir)
{
	struct state		*st;
	const struct state_ckpt	*ck;
	struct state_ckpt	 pos = { NULL, 1, 2, 0, 0 };
	struct buf		 b;
	uint64_t		 first;
	uint32_t		 count;
	int			 existed;
	size_t			 nbad;

	buf_init(&b, 0);
	st = state_new(dir, 3 * (STATE_LINE_OVERHEAD + 3));
	T_INT(state_load(st, &existed, &nbad), 0);
	T_INT(existed, 0);
	T_INT(state_stream_add(st, "/a", "syslog", &ck), 0);
	T_OK(ck == NULL);
	state_stream_begin(st, 0, &pos, 1);
	T_INT(push(st, 0, "one", 4), 0);
	T_INT(push(st, 0, "two", 8), 0);
	T_INT(state_full(st), 0);
	T_INT(push(st, 0, "three", 14), 0);
	T_INT(state_full(st), 1);		/* backpressure */
	T_INT(state_last_seq(st, 0), 3);
	/* resync: the collector already has 1..9 of this stream */
	T_INT(state_welcome(st, 0, 10), 1);
	T_INT(state_last_seq(st, 0), 12);
	T_INT(state_batch(st, 0, &b, 2, 1 << 20), 2);
	T_INT(batch_info(&b, &first, &count), 0);
	T_INT(first, 10);
	T_INT(count, 2);
	buf_reset(&b);
	/* ACK beyond what was sent is refused */
	T_INT(state_ack(st, 0, 12), ERR_RANGE);
	T_INT(state_ack(st, 0, 10), 0);
	T_INT(state_full(st), 0);
	/* disconnect: 11 goes again, then 12 */
	state_unsend(st);
	T_INT(state_batch(st, 0, &b, 100, 1 << 20), 2);
	T_INT(batch_info(&b, &first, &count), 0);
	T_INT(first, 11);
	T_INT(count, 2);
	buf_reset(&b);
	T_INT(state_has_unsent(st, 0), 0);
	T_INT(state_batch(st, 0, &b, 100, 1 << 20), 0);
	T_INT(state_ack(st, 0, 12), 0);
	T_INT(state_window_bytes(st), 0);
	T_INT(state_dirty(st), 1);
	T_INT(state_save(st), 0);
	T_INT(state_dirty(st), 0);
	/* a second stream that is no longer configured next time */
	T_INT(state_stream_add(st, "/gone", "other", &ck), 1);
	state_stream_begin(st, 1, &pos, 0);
	T_INT(push(st, 1, "x", 2), 0);
	state_unsend(st);
	T_INT(state_batch(st, 1, &b, 100, 1 << 20), 1);
	T_INT(state_ack(st, 1, 1), 0);
	T_INT(state_save(st), 0);
	state_free(st);
	buf_clear(&b);

	/* restart: the checkpoint names the end of seq 12 */
	st = state_new(dir, 1 << 20);
	T_INT(state_load(st, &existed, &nbad), 0);
	T_INT(existed, 1);
	T_INT(nbad, 0);
	T_INT(state_stream_add(st, "/a", "syslog", &ck), 0);
	T_OK(ck != NULL && ck->off == 14 && ck->next_seq == 13 &&
	    ck->dev == 1 && ck->ino == 2);
	T_INT(state_last_seq(st, 0), 12);
	state_stream_begin(st, 0, ck, 0);
	T_INT(state_save(st), 0);		/* /gone is kept */
	state_free(st);
	st = state_new(dir, 1 << 20);
	T_INT(state_load(st, &existed, &nbad), 0);
	T_INT(state_stream_add(st, "/gone", "other", &ck), 0);
	T_OK(ck != NULL && ck->next_seq == 2);
	state_free(st);
}

/* WELCOME without resync: lines below next_seq are stored already. */
static void
test_welcome(const char *dir)
{
	struct state		*st;
	const struct state_ckpt	*ck;
	struct state_ckpt	 pos = { NULL, 1, 2, 0, 0 };
	struct buf		 b;
	uint64_t		 first;
	uint32_t		 count;

	buf_init(&b, 0);
	st = state_new(dir, 1 << 20);
	T_INT(state_stream_add(st, "/w", "kern", &ck), 0);
	state_stream_begin(st, 0, &pos, 0);
	T_INT(push(st, 0, "a", 2), 0);
	/* collector stored 1..3 before we crashed; 2 and 3 not read yet */
	T_INT(state_welcome(st, 0, 4), 0);
	T_INT(state_window_bytes(st), 0);
	T_INT(push(st, 0, "b", 4), 0);
	T_INT(push(st, 0, "c", 6), 0);
	T_INT(state_window_bytes(st), 0);
	T_INT(push(st, 0, "d", 8), 0);
	T_INT(state_batch(st, 0, &b, 100, 1 << 20), 1);
	T_INT(batch_info(&b, &first, &count), 0);
	T_INT(first, 4);
	T_INT(state_ack(st, 0, 4), 0);
	T_INT(state_ack(st, 0, 2), 0);		/* old ACK: harmless */
	state_free(st);
	buf_clear(&b);
}

int
main(void)
{
	char dir[] = "/tmp/test_state.XXXXXX", path[64];

	test_parse();
	test_roundtrip();
	test_resume();
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_window(dir);
	test_welcome(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	unlink(path);
	rmdir(dir);
	return TEST_DONE();
}
