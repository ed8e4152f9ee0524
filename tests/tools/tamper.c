/*
 * tamper.c -- change stored events the way an intruder with write access
 * to the data directory would, through LevelDB writes (the file format
 * stays valid), so that tests can show `vigil verify` finds it.  The
 * collector must be stopped (LevelDB's lock).
 *
 *   tamper DATA flip   HOST PATH SEQ   flip one byte of event SEQ's line
 *   tamper DATA delete HOST PATH SEQ   remove event SEQ from its block
 *   tamper DATA drop   HOST PATH SEQ   remove the block of SEQ and its
 *                                      chain link
 *   tamper DATA droppart HOST PATH SEQ remove the part of SEQ's block
 *                                      that holds it (block.h)
 *   tamper DATA insert HOST PATH SEQ   copy the block of SEQ to a new
 *                                      first sequence (its own + 100000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "buf.h"
#include "keys.h"
#include "store.h"

static void
die(const char *m)
{
	fprintf(stderr, "tamper: %s\n", m);
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct store		*st;
	struct store_opts	 so;
	struct store_iter	*it;
	struct stream_meta	 m;
	struct block_reader	 br;
	struct block_ev		 ev[BLOCK_MAX_EVENTS];
	struct blockref		 ref;
	struct store_del	*d;
	struct buf		 k, out, blk;
	size_t			 off;
	uint32_t		 id, n, i, np, p;
	uint64_t		 seq;
	char			 err[512];
	int			 flip, found = 0;
	const char		*op = argv[2];

	if (argc != 6 || (strcmp(op, "flip") != 0 &&
	    strcmp(op, "delete") != 0 && strcmp(op, "drop") != 0 &&
	    strcmp(op, "droppart") != 0 && strcmp(op, "insert") != 0))
		die("usage: tamper DATA flip|delete|drop|droppart|insert HOST "
		    "PATH SEQ");
	flip = strcmp(op, "flip") == 0;
	seq = strtoull(argv[5], NULL, 10);
	memset(&so, 0, sizeof(so));
	so.sync = 1;
	if (store_open(argv[1], &so, &st, err, sizeof(err)) != 0)
		die(err);
	n = store_stream_count(st);
	for (id = 0; id < n; id++)
		if (store_stream_meta(st, id, &m) == 0 &&
		    strcmp(m.sender, argv[3]) == 0 &&
		    strcmp(m.name, argv[4]) == 0)
			break;
	if (id == n)
		die("no such stream");
	/* the block holding seq, all its parts */
	buf_init(&k, 0);
	buf_init(&out, 0);
	buf_init(&blk, 0);
	it = store_iter_new(st);
	if (store_block_find(it, id, seq, &ref) != 0)
		die("no such event");
	keys_block(&k, &ref);
	store_iter_seek(it, k.d, k.len);
	if (store_iter_block_all(it, &ref, &blk) != 0 ||
	    block_open(&br, blk.d, blk.len) != 0)
		die("bad block");
	np = (br.count + BLOCK_PART_EVENTS - 1) / BLOCK_PART_EVENTS;
	d = store_del_new(st);
	if (strcmp(op, "droppart") == 0) {
		ref.first_seq = seq - (seq - ref.first_seq) % BLOCK_PART_EVENTS;
		keys_block(&k, &ref);
		store_del_key(d, k.d, k.len);
		goto commit;
	}
	if (strcmp(op, "drop") == 0 || strcmp(op, "insert") == 0) {
		/* every part: deleted, or copied 100000 sequences on */
		for (p = 0, off = 0; p < np; p++) {
			struct block_reader	pr;
			struct blockref		pref = ref;
			size_t			 pl;

			if (block_open(&pr, blk.d + off, blk.len - off) != 0)
				die("bad block");
			while (pr.index < pr.end &&
			    block_next(&pr, &ev[0]) == 1)
				;
			pl = blk.len - off - pr.rd.left;
			pref.first_seq += (uint64_t)p * BLOCK_PART_EVENTS;
			if (op[0] == 'd') {
				keys_block(&k, &pref);
				store_del_key(d, k.d, k.len);
			} else {
				pref.first_seq += 100000;
				keys_block(&k, &pref);
				store_del_put(d, k.d, k.len, blk.d + off, pl);
			}
			off += pl;
		}
		if (op[0] == 'd') {
			keys_chain(&k, 'H', &ref);
			store_del_key(d, k.d, k.len);
		}
		goto commit;
	}
	for (i = 0; i < br.count; i++)
		if (block_next(&br, &ev[i]) != 1)
			die("bad block");
	i = (uint32_t)(seq - ref.first_seq);
	if (flip)
		((char *)ev[i].raw)[ev[i].rawlen / 2] ^= 0x01;
	else {
		memmove(&ev[i], &ev[i + 1], (br.count - i - 1) *
		    sizeof(ev[0]));
		br.count--;
	}
	/* the old parts go, the new ones are written as the collector does */
	for (p = 0; p < np; p++) {
		struct blockref	pref = ref;

		pref.first_seq += (uint64_t)p * BLOCK_PART_EVENTS;
		keys_block(&k, &pref);
		store_del_key(d, k.d, k.len);
	}
	for (i = 0; i < br.count; i += BLOCK_PART_EVENTS) {
		struct blockref	pref = ref;
		uint32_t	j, c = br.count - i < BLOCK_PART_EVENTS ?
				    br.count - i : BLOCK_PART_EVENTS;

		buf_reset(&out);
		if (block_begin_part(&out, c, i, br.count, br.recv_us,
		    br.tzoff) != 0)
			die("encode");
		for (j = i; j < i + c; j++)
			if (block_put(&out, br.recv_us, &ev[j]) != 0)
				die("encode");
		pref.first_seq += i;
		keys_block(&k, &pref);
		store_del_put(d, k.d, k.len, out.d, out.len);
	}
 commit:
	if (store_del_commit(d, err, sizeof(err)) != 0)
		die(err);
	store_del_free(d);
	found = 1;
	store_iter_free(it);
	buf_clear(&k);
	buf_clear(&out);
	buf_clear(&blk);
	store_close(st);
	if (!found)
		die("no such event");
	printf("%s: event %llu of %s %s\n", op, (unsigned long long)seq,
	    argv[3], argv[4]);
	return 0;
}
