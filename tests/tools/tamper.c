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
	struct buf		 k, out;
	const uint8_t		*kk, *vv;
	size_t			 kl, vl;
	uint32_t		 id, n, i;
	uint64_t		 seq;
	char			 err[512], *copy;
	int			 flip, found = 0;
	const char		*op = argv[2];

	if (argc != 6 || (strcmp(op, "flip") != 0 &&
	    strcmp(op, "delete") != 0 && strcmp(op, "drop") != 0 &&
	    strcmp(op, "insert") != 0))
		die("usage: tamper DATA flip|delete|drop|insert HOST PATH SEQ");
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
	/* the block holding seq: the last B key of the stream <= seq */
	buf_init(&k, 0);
	buf_init(&out, 0);
	ref.stream = id;
	ref.first_seq = seq >= BLOCK_MAX_EVENTS ? seq - BLOCK_MAX_EVENTS + 1 :
	    0;
	keys_block(&k, &ref);
	it = store_iter_new(st);
	for (store_iter_seek(it, k.d, k.len); store_iter_valid(it);
	    store_iter_next(it)) {
		kk = store_iter_key(it, &kl);
		if (keys_decode_block(kk, kl, &ref) != 0 || ref.stream != id ||
		    ref.first_seq > seq)
			break;
		vv = store_iter_value(it, &vl);
		if ((copy = malloc(vl)) == NULL)
			die("out of memory");
		memcpy(copy, vv, vl);
		if (block_open(&br, (uint8_t *)copy, vl) != 0)
			die("bad block");
		if (seq >= ref.first_seq + br.count) {
			free(copy);
			continue;
		}
		d = store_del_new(st);
		if (strcmp(op, "drop") == 0 || strcmp(op, "insert") == 0) {
			keys_block(&k, &ref);
			if (op[0] == 'd') {
				store_del_key(d, k.d, k.len);
				keys_chain(&k, 'H', &ref);
				store_del_key(d, k.d, k.len);
			} else {
				ref.first_seq += 100000;
				keys_block(&k, &ref);
				store_del_put(d, k.d, k.len, vv, vl);
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
		if (block_begin(&out, br.count, br.recv_us, br.tzoff) != 0)
			die("encode");
		for (i = 0; i < br.count; i++)
			if (block_put(&out, br.recv_us, &ev[i]) != 0)
				die("encode");
		keys_block(&k, &ref);
		store_del_put(d, k.d, k.len, out.d, out.len);
 commit:
		if (store_del_commit(d, err, sizeof(err)) != 0)
			die(err);
		store_del_free(d);
		free(copy);
		found = 1;
		break;
	}
	store_iter_free(it);
	buf_clear(&k);
	buf_clear(&out);
	store_close(st);
	if (!found)
		die("no such event");
	printf("%s: event %llu of %s %s\n", op, (unsigned long long)seq,
	    argv[3], argv[4]);
	return 0;
}
