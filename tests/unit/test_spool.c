/*
 * test_spool.c -- shipper/spool.c and the spool under the window in
 * state.c: the record codec (round trip, every truncation, bit flips,
 * bad lengths), append and read back, recovery after a restart with a
 * torn or corrupt tail, deletion of acknowledged segments, the cap
 * dropping the oldest segment (with the drop callback's ranges), and
 * through state.c: the window refilled from the spool, a GAP frame before
 * the newer lines, checkpoints that follow state_sync, and sent lines
 * that leave the window (read back from the spool after a lost
 * connection; a GAP when the full spool dropped them before their ACK).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "proto.h"
#include "spool.h"
#include "state.h"
#include "test.h"

static char	tmpdir[256];

static void
mkdir_fresh(char *path, size_t len, const char *name)
{
	char cmd[600];

	snprintf(path, len, "%s/%s", tmpdir, name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	(void)system(cmd);
}

static void
test_codec(void)
{
	struct spool_drec	rec;
	struct buf		b;
	uint8_t			copy[256];
	size_t			used, i, n;
	int			r, bad = 0;

	buf_init(&b, 0);
	T_INT(spool_rec_name(&b, 7, "/var/log/auth.log", 17), 0);
	n = b.len;
	T_INT(spool_rec_line(&b, 7, 42, 1234567, (const uint8_t *)"a\0b", 3),
	    0);
	T_INT(spool_rec_decode(b.d, b.len, &rec, &used), 1);
	T_INT(rec.type, SPOOL_T_NAME);
	T_INT(rec.id, 7);
	T_STRN((const char *)rec.p, rec.len, "/var/log/auth.log");
	T_INT(used, n);
	T_INT(spool_rec_decode(b.d + n, b.len - n, &rec, &used), 1);
	T_INT(rec.type, SPOOL_T_LINE);
	T_INT(rec.seq, 42);
	T_INT(rec.read_us, 1234567);
	T_INT(rec.len, 3);
	T_OK(memcmp(rec.p, "a\0b", 3) == 0);
	T_INT(used, b.len - n);
	/* every truncation is "more bytes", never a record */
	for (i = 0; i < b.len - n; i++)
		if (spool_rec_decode(b.d + n, i, &rec, &used) != 0)
			bad++;
	T_INT(bad, 0);
	/* every single bit flip is caught (length, CRC or payload) */
	bad = 0;
	for (i = 0; i < (b.len - n) * 8; i++) {
		memcpy(copy, b.d + n, b.len - n);
		copy[i / 8] ^= 1u << (i % 8);
		r = spool_rec_decode(copy, b.len - n, &rec, &used);
		if (r == 1)
			bad++;
	}
	T_INT(bad, 0);
	/* giant and zero lengths */
	memset(copy, 0, sizeof(copy));
	T_INT(spool_rec_decode(copy, 16, &rec, &used), ERR_FORMAT);
	be32_put(copy, 0xffffffffu);
	T_INT(spool_rec_decode(copy, 16, &rec, &used), ERR_FORMAT);
	/* the line limit */
	buf_reset(&b);
	{
		static uint8_t big[SPOOL_REC_MAX];

		T_INT(spool_rec_line(&b, 1, 1, 0, big, SPOOL_REC_MAX - 64), 0);
		T_INT(spool_rec_line(&b, 1, 2, 0, big, SPOOL_REC_MAX - 63),
		    ERR_TOOBIG);
		T_INT(spool_rec_decode(b.d, b.len, &rec, &used), 1);
		T_INT(rec.len, SPOOL_REC_MAX - 64);
	}
	/* the CRC is zlib's */
	T_INT(spool_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
	buf_clear(&b);
}

/* CRC-32 one bit at a time: the definition the fast one must match. */
static uint32_t
crc32_bitwise(const uint8_t *b, size_t len)
{
	uint32_t	c = 0xffffffffu;
	size_t		i;
	int		k;

	for (i = 0; i < len; i++) {
		c ^= b[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

/*
 * spool_crc32 folds 16-byte blocks (PCLMULQDQ, from 32 bytes on) and takes
 * eight bytes at a time (shorter inputs, the folded value, the tail):
 * every length at every alignment must give the bitwise CRC, so that
 * segments written by the old byte-at-a-time version still decode.
 */
static void
test_crc(void)
{
	static uint8_t	 b[600];
	uint32_t	 x = 12345;
	size_t		 i, off, len;
	int		 bad = 0;

	for (i = 0; i < sizeof(b); i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (uint8_t)(x >> 16);
	}
	for (off = 0; off < 8; off++)
		for (len = 0; len + off <= 520; len++)
			if (spool_crc32(b + off, len) !=
			    crc32_bitwise(b + off, len))
				bad++;
	T_INT(bad, 0);
	T_INT(spool_crc32(b, 0), 0);
	memset(b, 0xff, sizeof(b));
	T_INT(spool_crc32(b, sizeof(b)), crc32_bitwise(b, sizeof(b)));
	/* "The quick brown fox jumps over the lazy dog", zlib's crc32 */
	T_INT(spool_crc32((const uint8_t *)"The quick brown fox jumps over "
	    "the lazy dog", 43), 0x414fa339u);
}

static struct spool *
xopen(const char *dir, uint64_t cap)
{
	char		 err[256];
	struct spool	*sp;

	if ((sp = spool_open(dir, cap, err, sizeof(err))) == NULL)
		fprintf(stderr, "spool_open: %s\n", err);
	return sp;
}

static void
line_of(char *b, size_t len, int stream, uint64_t seq)
{
	snprintf(b, len, "stream %d line %06llu padding padding padding",
	    stream, (unsigned long long)seq);
}

/* Read everything from the cursor; check order and text; count. */
static int
read_all(struct spool *sp, uint64_t *last, size_t nlast, uint64_t *count)
{
	struct spool_rec	rec;
	char			want[128];
	int			r, bad = 0;

	*count = 0;
	while ((r = spool_next(sp, &rec)) == 1) {
		(*count)++;
		if (rec.stream >= nlast || rec.seq != last[rec.stream] + 1) {
			bad++;
			continue;
		}
		last[rec.stream] = rec.seq;
		line_of(want, sizeof(want), (int)rec.stream, rec.seq);
		if (rec.len != strlen(want) || memcmp(rec.line, want, rec.len))
			bad++;
		if (rec.read_us != (int64_t)rec.seq * 10)
			bad++;
	}
	return r < 0 ? -1 : bad;
}

static void
test_append_recover(void)
{
	struct spool		*sp;
	struct spool_info	 info;
	char			 dir[300], line[128], seg[600];
	uint64_t		 seq, last[2], count;
	struct stat		 sb;
	DIR			*d;
	struct dirent		*e;
	int			 fd;

	mkdir_fresh(dir, sizeof(dir), "rec");
	if ((sp = xopen(dir, SPOOL_SIZE_MIN)) == NULL) {
		T_OK(0);
		return;
	}
	T_INT(spool_stream(sp, 0, "/log/a", &info), 0);
	T_INT(spool_stream(sp, 1, "/log/b with blank", &info), 0);
	T_INT(spool_stream(sp, 3, "/log/c", &info), ERR_RANGE);
	T_INT(info.nlines, 0);
	/* two streams, interleaved: 1..500 each */
	for (seq = 1; seq <= 1000; seq++) {
		line_of(line, sizeof(line), (int)(seq % 2), (seq + 1) / 2);
		if (spool_append(sp, (uint32_t)(seq % 2), (seq + 1) / 2,
		    (int64_t)((seq + 1) / 2) * 10, (const uint8_t *)line,
		    strlen(line)) != 0)
			break;
	}
	T_INT(seq, 1001);
	T_INT(spool_sync(sp), 0);
	T_OK(spool_nsegs(sp) > 1);	/* 32k segments */
	/* read back from the start, interleaved, in order */
	spool_rewind(sp);
	last[0] = last[1] = 0;
	T_INT(read_all(sp, last, 2, &count), 0);
	T_INT(count, 1000);
	T_INT(last[0], 500);
	T_INT(last[1], 500);
	/* at the end: appends after mark_end are the next reads */
	spool_mark_end(sp);
	line_of(line, sizeof(line), 0, 501);
	T_INT(spool_append(sp, 0, 501, 5010, (const uint8_t *)line,
	    strlen(line)), 0);
	T_INT(read_all(sp, last, 2, &count), 0);
	T_INT(count, 1);
	T_INT(last[0], 501);
	spool_ack(sp, 0, 100);
	T_INT(spool_save(sp), 0);
	spool_free(sp);

	/* tear the last record of the newest segment */
	seg[0] = '\0';
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (strstr(e->d_name, ".seg") != NULL &&
			    (seg[0] == '\0' || strcmp(e->d_name,
			    strrchr(seg, '/') + 1) > 0))
				snprintf(seg, sizeof(seg), "%s/%s", dir,
				    e->d_name);
		closedir(d);
	}
	T_OK(seg[0] != '\0' && stat(seg, &sb) == 0);
	T_OK(truncate(seg, sb.st_size - 3) == 0);

	if ((sp = xopen(dir, SPOOL_SIZE_MIN)) == NULL) {
		T_OK(0);
		return;
	}
	T_INT(spool_stream(sp, 0, "/log/a", &info), 0);
	T_INT(info.has_acked, 1);
	T_INT(info.acked, 100);
	T_INT(info.min, 1);
	T_INT(info.max, 500);		/* 501 was torn off */
	T_INT(info.nlines, 500);
	T_INT(spool_stream(sp, 1, "/log/b with blank", &info), 0);
	T_INT(info.has_acked, 1);
	T_INT(info.acked, 0);
	T_INT(info.max, 500);
	T_OK(stat(seg, &sb) == 0);
	spool_rewind(sp);
	last[0] = last[1] = 0;
	T_INT(read_all(sp, last, 2, &count), 0);
	T_INT(count, 1000);
	T_INT(last[0], 500);

	/* acknowledged segments go, the others stay */
	count = spool_nsegs(sp);
	spool_ack(sp, 0, 500);
	spool_gc(sp);
	T_INT(spool_nsegs(sp), count);	/* b is not acknowledged */
	spool_ack(sp, 1, 500);
	spool_gc(sp);
	T_INT(spool_nsegs(sp), 0);	/* nothing is being written */
	T_INT(spool_bytes(sp), 0);
	spool_free(sp);

	/* a corrupt byte in the middle ends the segment there */
	mkdir_fresh(dir, sizeof(dir), "corrupt");
	if ((sp = xopen(dir, 1024 * 1024)) == NULL) {
		T_OK(0);
		return;
	}
	T_INT(spool_stream(sp, 0, "/log/a", &info), 0);
	for (seq = 1; seq <= 10; seq++) {
		line_of(line, sizeof(line), 0, seq);
		T_INT(spool_append(sp, 0, seq, (int64_t)seq * 10,
		    (const uint8_t *)line, strlen(line)), 0);
	}
	spool_free(sp);
	snprintf(seg, sizeof(seg), "%s/%020d.seg", dir, 1);
	T_OK(stat(seg, &sb) == 0);
	if ((fd = open(seg, O_RDWR)) != -1) {
		T_INT(pwrite(fd, "X", 1, sb.st_size / 2), 1);
		close(fd);
	}
	if ((sp = xopen(dir, 1024 * 1024)) == NULL) {
		T_OK(0);
		return;
	}
	T_INT(spool_stream(sp, 0, "/log/a", &info), 0);
	T_OK(info.max >= 3 && info.max < 10);
	spool_rewind(sp);
	last[0] = 0;
	T_INT(read_all(sp, last, 1, &count), 0);
	T_INT(last[0], info.max);
	spool_free(sp);
}

struct drops {
	int		 n;
	uint32_t	 stream[8];
	uint64_t	 first[8], last[8];
	int64_t		 first_us[8], last_us[8];
};

static void
dropcb(void *arg, uint32_t stream, uint64_t first, uint64_t last,
    int64_t first_us, int64_t last_us)
{
	struct drops *d = arg;

	if (d->n < 8) {
		d->stream[d->n] = stream;
		d->first[d->n] = first;
		d->last[d->n] = last;
		d->first_us[d->n] = first_us;
		d->last_us[d->n] = last_us;
	}
	d->n++;
}

static void
test_cap(void)
{
	struct spool		*sp;
	struct spool_info	 info;
	struct drops		 d;
	char			 dir[300], line[128];
	uint64_t		 seq, last[1], count;

	mkdir_fresh(dir, sizeof(dir), "cap");
	if ((sp = xopen(dir, SPOOL_SIZE_MIN)) == NULL) {
		T_OK(0);
		return;
	}
	memset(&d, 0, sizeof(d));
	spool_set_dropcb(sp, dropcb, &d);
	T_INT(spool_stream(sp, 0, "/log/a", &info), 0);
	T_INT(spool_segsize(sp), SPOOL_SEG_MIN);
	for (seq = 1; seq <= 20000; seq++) {
		line_of(line, sizeof(line), 0, seq);
		if (spool_append(sp, 0, seq, (int64_t)seq * 10,
		    (const uint8_t *)line, strlen(line)) != 0)
			break;
		if (spool_bytes(sp) > SPOOL_SIZE_MIN)
			break;
	}
	T_INT(seq, 20001);
	T_OK(spool_bytes(sp) <= SPOOL_SIZE_MIN);
	T_OK(d.n > 0);
	/* the first drop is the oldest segment, from seq 1, contiguous */
	T_INT(d.stream[0], 0);
	T_INT(d.first[0], 1);
	T_INT(d.first_us[0], 10);
	T_INT(d.last_us[0], (int64_t)d.last[0] * 10);
	T_OK(d.n < 2 || d.first[1] == d.last[0] + 1);
	/* what is left reads back from just after the last drop */
	spool_rewind(sp);
	last[0] = d.n <= 8 ? d.last[d.n - 1] : 0;
	if (d.n <= 8) {
		T_INT(read_all(sp, last, 1, &count), 0);
		T_INT(last[0], 20000);
		T_INT(count, 20000 - d.last[d.n - 1]);
	}
	spool_free(sp);
}

/* The spool under the window (state.c). */
static void
test_state_spool(void)
{
	struct state		*st;
	struct spool		*sp;
	struct state_ckpt	 pos;
	const struct state_ckpt	*ck;
	struct proto_gap	 g;
	struct proto_batch	 pb;
	struct buf		 out;
	char			 dir[300], spdir[400], line[128];
	const uint8_t		*payload;
	size_t			 plen, flen;
	uint64_t		 seq, dropped;
	uint8_t			 type;
	int			 n;

	mkdir_fresh(dir, sizeof(dir), "state");
	T_OK(mkdir(dir, 0700) == 0);
	snprintf(spdir, sizeof(spdir), "%s/%s", dir, SPOOL_DIR);
	st = state_new(dir, 64 * 1024);
	sp = xopen(spdir, SPOOL_SIZE_MIN);
	if (st == NULL || sp == NULL) {
		T_OK(0);
		return;
	}
	state_spool(st, sp);
	T_INT(state_stream_add(st, "/log/a", "auth", &ck), 0);
	memset(&pos, 0, sizeof(pos));
	pos.dev = 1;
	pos.ino = 2;
	state_stream_begin(st, 0, &pos, 1);
	T_INT(state_refill(st), 0);	/* nothing spooled yet */
	/* 3000 lines: the window (64k) takes a part, the spool the rest */
	for (seq = 1; seq <= 3000; seq++) {
		line_of(line, sizeof(line), 0, seq);
		T_INT(state_push(st, 0, (const uint8_t *)line, strlen(line),
		    1, 2, seq * 100, (int64_t)seq), 0);
	}
	T_OK(state_window_bytes(st) < 70 * 1024);
	T_OK(state_spilled(st));
	T_INT(state_sync(st), 0);
	T_OK(state_dirty(st));
	T_INT(state_save(st), 0);
	state_free(st);
	spool_free(sp);

	/* restart: the checkpoint is after line 3000, the spool has all */
	st = state_new(dir, 64 * 1024);
	sp = xopen(spdir, SPOOL_SIZE_MIN);
	if (st == NULL || sp == NULL) {
		T_OK(0);
		return;
	}
	{
		int existed;
		size_t nbad;

		T_INT(state_load(st, &existed, &nbad), 0);
	}
	state_spool(st, sp);
	T_INT(state_stream_add(st, "/log/a", "auth", &ck), 0);
	T_OK(ck != NULL && ck->off == 300000 && ck->next_seq == 3001);
	pos.off = ck->off;
	state_stream_begin(st, 0, &pos, 0);
	T_OK(state_refill(st) > 0);
	T_INT(state_welcome(st, 0, 1), 0);
	/* send and ack everything, in batches, refilling as we go */
	buf_init(&out, 0);
	seq = 0;
	for (;;) {
		buf_reset(&out);
		if ((n = state_batch(st, 0, &out, 1000, 1 << 20)) <= 0) {
			if (state_refill(st) <= 0)
				break;
			continue;
		}
		if (proto_frame_next(out.d, out.len, PROTO_FRAME_MAX, &type,
		    &payload, &plen, &flen) != 1 || type != PROTO_BATCH ||
		    proto_batch_decode(payload, plen, &pb) != 0 ||
		    pb.first_seq != seq + 1)
			break;
		seq += pb.count;
		T_INT(state_ack(st, 0, seq), 0);
	}
	T_INT(seq, 3000);
	T_INT(state_dropped(st), 0);
	T_INT(spool_nsegs(sp), 0);	/* all acknowledged, none written */

	/* collector gone: fill past the cap, the oldest segments go */
	for (seq = 3001; seq <= 12000; seq++) {
		line_of(line, sizeof(line), 0, seq);
		T_INT(state_push(st, 0, (const uint8_t *)line, strlen(line),
		    1, 2, seq * 100, (int64_t)seq), 0);
	}
	T_INT(state_sync(st), 0);
	dropped = state_dropped(st);
	T_OK(dropped > 0);
	/* first a GAP for 3001..3000+dropped, then lines from after it */
	buf_reset(&out);
	T_INT(state_batch(st, 0, &out, 1000, 1 << 20), 1);
	T_INT(proto_frame_next(out.d, out.len, PROTO_FRAME_MAX, &type,
	    &payload, &plen, &flen), 1);
	T_INT(type, PROTO_GAP);
	T_INT(proto_gap_decode(payload, plen, &g), 0);
	T_INT(g.first_seq, 3001);
	T_INT(g.last_seq, 3000 + dropped);
	T_INT(g.first_us, 3001);
	T_INT(g.last_us, (int64_t)(3000 + dropped));
	T_STRN(g.reason, g.reasonlen, STATE_GAP_REASON);
	/* a disconnect before its ACK: the GAP goes again */
	state_unsend(st);
	T_OK(state_has_unsent(st, 0));
	buf_reset(&out);
	T_INT(state_batch(st, 0, &out, 1000, 1 << 20), 1);
	T_INT(proto_frame_next(out.d, out.len, PROTO_FRAME_MAX, &type,
	    &payload, &plen, &flen), 1);
	T_INT(type, PROTO_GAP);
	T_INT(state_ack(st, 0, 3000 + dropped), 0);
	seq = 3000 + dropped;
	for (;;) {
		buf_reset(&out);
		if ((n = state_batch(st, 0, &out, 1000, 1 << 20)) <= 0) {
			if (state_refill(st) <= 0)
				break;
			continue;
		}
		if (proto_frame_next(out.d, out.len, PROTO_FRAME_MAX, &type,
		    &payload, &plen, &flen) != 1 || type != PROTO_BATCH ||
		    proto_batch_decode(payload, plen, &pb) != 0 ||
		    pb.first_seq != seq + 1)
			break;
		seq += pb.count;
		T_INT(state_ack(st, 0, seq), 0);
	}
	/* every line is either stored or in the gap */
	T_INT(seq, 12000);
	buf_clear(&out);
	state_free(st);
	spool_free(sp);
}

/*
 * Send every line of stream 0 the window has or can get from the spool
 * (no ACK), checking that batches follow from *seq on; the lines sent
 * are added to *seq.  Returns the number of GAP frames met (their range
 * in *gfirst..*glast) or -1 when a batch is out of order.
 */
static int
send_all(struct state *st, struct buf *out, uint64_t *seq, uint64_t *gfirst,
    uint64_t *glast)
{
	struct proto_batch	 pb;
	struct proto_gap	 g;
	const uint8_t		*payload;
	size_t			 plen, flen;
	uint8_t			 type;
	int			 n, gaps = 0;

	for (;;) {
		buf_reset(out);
		if ((n = state_batch(st, 0, out, 100, 1 << 20)) <= 0) {
			if (n < 0)
				return -1;
			if (state_refill(st) <= 0)
				return gaps;
			continue;
		}
		if (proto_frame_next(out->d, out->len, PROTO_FRAME_MAX, &type,
		    &payload, &plen, &flen) != 1)
			return -1;
		if (type == PROTO_GAP) {
			if (proto_gap_decode(payload, plen, &g) != 0 ||
			    g.first_seq != *seq + 1)
				return -1;
			*gfirst = g.first_seq;
			*seq = *glast = g.last_seq;
			gaps++;
			continue;
		}
		if (type != PROTO_BATCH ||
		    proto_batch_decode(payload, plen, &pb) != 0 ||
		    pb.first_seq != *seq + 1)
			return -1;
		*seq += pb.count;
	}
}

/*
 * With a spool, lines leave the window once sent: the lines in flight
 * are not limited by the window; a lost connection reads the
 * unacknowledged ones back from the spool with their sequences; sent
 * lines the full spool dropped before their ACK become a GAP.
 */
static void
test_state_inflight(void)
{
	struct state		*st;
	struct spool		*sp;
	struct state_ckpt	 pos;
	const struct state_ckpt	*ck;
	struct buf		 out;
	char			 dir[300], spdir[400], line[128];
	size_t			 w0, len;
	uint64_t		 seq, sent, gfirst = 0, glast = 0, dropped;

	mkdir_fresh(dir, sizeof(dir), "inflight");
	T_OK(mkdir(dir, 0700) == 0);
	snprintf(spdir, sizeof(spdir), "%s/%s", dir, SPOOL_DIR);
	st = state_new(dir, 64 * 1024);
	sp = xopen(spdir, SPOOL_SIZE_MIN);
	if (st == NULL || sp == NULL) {
		T_OK(0);
		return;
	}
	state_spool(st, sp);
	T_INT(state_stream_add(st, "/log/b", "auth", &ck), 0);
	memset(&pos, 0, sizeof(pos));
	state_stream_begin(st, 0, &pos, 1);
	T_INT(state_refill(st), 0);
	/* 1500 lines: more than the window holds */
	for (seq = 1; seq <= 1500; seq++) {
		line_of(line, sizeof(line), 0, seq);
		T_INT(state_push(st, 0, (const uint8_t *)line, strlen(line),
		    1, 2, seq * 100, (int64_t)seq), 0);
	}
	len = strlen(line);
	T_INT(state_sync(st), 0);
	T_OK(state_spilled(st));
	T_INT(state_welcome(st, 0, 1), 0);
	T_INT(state_inflight(st), 0);
	/* one batch of 100: they leave the window */
	w0 = state_window_bytes(st);
	buf_init(&out, 0);
	T_INT(state_batch(st, 0, &out, 100, 1 << 20), 100);
	T_INT(state_inflight(st), 100);
	T_INT(state_window_bytes(st) + 100 * (len + STATE_LINE_OVERHEAD), w0);
	/* everything goes out without an ACK, the window refilled */
	seq = 100;
	T_INT(send_all(st, &out, &seq, &gfirst, &glast), 0);
	T_INT(seq, 1500);
	T_INT(state_inflight(st), 1500);
	T_INT(state_window_bytes(st), 0);
	T_INT(state_ack(st, 0, 1501), ERR_RANGE);	/* not sent */
	T_INT(state_ack(st, 0, 700), 0);
	T_INT(state_inflight(st), 800);
	/* the connection drops: 701.. come back from the spool */
	state_unsend(st);
	T_INT(state_inflight(st), 0);
	T_OK(state_spilled(st));
	seq = 700;
	T_INT(send_all(st, &out, &seq, &gfirst, &glast), 0);
	T_INT(seq, 1500);
	T_INT(state_ack(st, 0, 1500), 0);
	T_INT(state_inflight(st), 0);
	T_INT(state_dropped(st), 0);

	/* 1501..3000 sent, not acknowledged; then the spool overflows */
	for (seq = 1501; seq <= 3000; seq++) {
		line_of(line, sizeof(line), 0, seq);
		T_INT(state_push(st, 0, (const uint8_t *)line, strlen(line),
		    1, 2, seq * 100, (int64_t)seq), 0);
	}
	T_INT(state_sync(st), 0);
	seq = 1500;
	T_INT(send_all(st, &out, &seq, &gfirst, &glast), 0);
	T_INT(seq, 3000);
	for (seq = 3001; seq <= 8000; seq++) {
		line_of(line, sizeof(line), 0, seq);
		T_INT(state_push(st, 0, (const uint8_t *)line, strlen(line),
		    1, 2, seq * 100, (int64_t)seq), 0);
	}
	T_INT(state_sync(st), 0);
	dropped = state_dropped(st);
	T_OK(dropped > 0);	/* unsent lines after 3000 */
	/* an ACK would have made the sent ones safe; the drop comes first */
	state_unsend(st);
	T_OK(state_dropped(st) > dropped);
	T_INT(state_dropped(st), 1500 + dropped);
	sent = 1500;
	T_INT(send_all(st, &out, &sent, &gfirst, &glast), 1);
	T_INT(gfirst, 1501);
	T_INT(glast, 3000 + dropped);
	T_INT(sent, 8000);	/* the rest, in order after the gap */
	T_INT(state_ack(st, 0, 8000), 0);
	T_INT(state_inflight(st), 0);
	buf_clear(&out);
	state_free(st);
	spool_free(sp);
}

int
main(void)
{
	char cmd[300];

	snprintf(tmpdir, sizeof(tmpdir), "%s/vigil-test-spool.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_codec();
	test_crc();
	test_append_recover();
	test_cap();
	test_state_spool();
	test_state_inflight();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	(void)system(cmd);
	return TEST_DONE();
}
