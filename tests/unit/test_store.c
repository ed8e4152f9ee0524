/*
 * test_store.c -- unit tests for the store's layout (collector/store.c,
 * cand.c): the "M" layout key (a new store gets it, another layout or an
 * unmarked non-empty store is refused with a message naming it), and
 * grouped postings: one P key per (field=value, hour) and write, listing
 * every block of the write, read back by cand_collect and ANDed by
 * cand_intersect; a second write adds a second group.  And the rules
 * hook's suppressed repeats: many in one write give one stored update
 * with the final count, and one update for the outputs.  And pipelined
 * transactions (store_txn_follow): the second, prepared before the first
 * is committed, continues its sequences, commit numbers and hash chains.
 * And the VM name index: one A key per name and UUID and write, with the
 * newest event's time, none from a reset write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "buf.h"
#include "cand.h"
#include "err.h"
#include "keys.h"
#include "placement.h"
#include "rulehook.h"
#include "rules.h"
#include "store.h"
#include "test.h"
#include "verify.h"

#define T0	1710407643000000LL	/* 2024-03-14T09:14:03Z */
#define A0	1710407700000000LL	/* 2024-03-14T09:15:00Z */

static struct store_opts so = { 0, 0, 0 };

/* Add n sshd lines of host h (source 10.0.0.(i % 3)) as one batch. */
static void
add(struct store_txn *t, uint32_t sid, uint64_t first, int n,
    const char *h)
{
	struct proto_batch	pb;
	struct buf		ev;
	uint32_t		stored, dups;
	uint64_t		gap;
	int			i;

	buf_init(&ev, 0);
	for (i = 0; i < n; i++) {
		char line[160];

		snprintf(line, sizeof(line), "Mar 14 09:15:%02d %s sshd[1]: "
		    "Failed password for root from 10.0.0.%d port 22 ssh2",
		    i % 60, h, i % 3);
		buf_put_u64(&ev, (uint64_t)T0);
		buf_put_str(&ev, line, strlen(line));
	}
	pb.stream = sid;
	pb.first_seq = first;
	pb.count = (uint32_t)n;
	pb.events = ev.d;
	pb.eventslen = ev.len;
	T_INT(store_txn_add(t, sid, &pb, T0, 0, &stored, &dups, &gap), 0);
	T_INT(stored, (uint32_t)n);
	buf_clear(&ev);
}

/* A new store in dir (a mkdtemp template); NULL when that failed. */
static struct store *
tmp_store(char *dir)
{
	struct store	*st = NULL;
	char		 err[512];

	T_OK(mkdtemp(dir) != NULL);
	T_INT(store_open(dir, &so, &st, err, sizeof(err)), 0);
	return st;
}

/* The stream of /var/log/auth.log of host hvN (instance iN). */
static uint32_t
auth_stream(struct store *st, int n)
{
	char		host[16], inst[16];
	uint32_t	sid = 0;
	uint64_t	next;

	snprintf(host, sizeof(host), "hv%d", n);
	snprintf(inst, sizeof(inst), "i%d", n);
	T_INT(store_stream_lookup(st, host, inst, "/var/log/auth.log",
	    "auth", "host", "", &sid, &next), 0);
	return sid;
}

/* Close st and remove its directory. */
static void
tmp_store_done(struct store *st, const char *dir)
{
	char cmd[600];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	T_INT(system(cmd), 0);
}

static size_t
count_bits(const struct cand *cv, size_t n)
{
	size_t	c = 0, i;
	int	j;

	for (i = 0; i < n; i++)
		for (j = 0; j < BLOCK_MAX_EVENTS; j++)
			c += bitmap_isset(cv[i].bm, (unsigned)j) != 0;
	return c;
}

/* P keys under a prefix: how many, and how many entries in all */
static void
pkeys(struct store *st, const struct buf *pre, size_t *nkeys, size_t *nent)
{
	struct store_iter	*it = store_iter_new(st);
	const uint8_t		*k, *v;
	size_t			 kl, vl;
	struct bufr		 r;
	struct blockref		 ref;
	uint8_t			 bm[KEYS_POSTBM];

	*nkeys = *nent = 0;
	for (store_iter_seek(it, pre->d, pre->len); store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl != pre->len + KEYS_PTAIL ||
		    memcmp(k, pre->d, pre->len) != 0)
			break;
		(*nkeys)++;
		v = store_iter_value(it, &vl);
		bufr_init(&r, v, vl);
		while (keys_postval_next(&r, &ref, bm) == 1)
			(*nent)++;
	}
	store_iter_free(it);
}

static void
test_postings(void)
{
	char			 dir[] = "/tmp/vigil-test-store.XXXXXX";
	char			 err[512];
	struct store		*st = NULL;
	struct store_txn	*t;
	struct cand		*cv = NULL;
	struct buf		 ip, host, proc;
	size_t			 nc = 0, nk, ne;
	uint32_t		 s1, s2, h = keys_hour(T0);

	if ((st = tmp_store(dir)) == NULL)
		return;
	s1 = auth_stream(st, 1);
	s2 = auth_stream(st, 2);
	/* one write: stream 1 gets 300 events (blocks at 1 and 257),
	 * stream 2 gets 30 */
	t = store_txn_new(st);
	add(t, s1, 1, 300, "hv1");
	add(t, s2, 1, 30, "hv2");
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);

	buf_init(&ip, 0);
	buf_init(&host, 0);
	buf_init(&proc, 0);
	T_INT(keys_posting_prefix(&ip, "source.ip", "10.0.0.1", 8), 0);
	T_INT(keys_posting_prefix(&host, "host.name", "hv2", 3), 0);
	T_INT(keys_posting_prefix(&proc, "process.name", "sshd", 4), 0);
	/* one key for the write, one entry per block */
	pkeys(st, &proc, &nk, &ne);
	T_INT(nk, 1);
	T_INT(ne, 3);
	pkeys(st, &host, &nk, &ne);
	T_INT(nk, 1);
	T_INT(ne, 1);

	T_INT(cand_collect(st, ip.d, ip.len, h, h, &cv, &nc), 0);
	T_INT(nc, 3);
	T_INT(count_bits(cv, nc), 100 + 10);	/* i % 3 == 1 */
	/* AND with host.name:hv2: only stream 2's block */
	T_INT(cand_intersect(st, host.d, host.len, cv, &nc), 0);
	T_INT(nc, 1);
	if (nc == 1) {
		T_INT(cv[0].ref.stream, s2);
		T_INT(count_bits(cv, nc), 10);
	}
	/* other hours: nothing */
	nc = 0;
	T_INT(cand_collect(st, ip.d, ip.len, h + 1, UINT32_MAX, &cv, &nc),
	    0);
	T_INT(nc, 0);
	T_INT(cand_collect(st, ip.d, ip.len, 0, h - 1, &cv, &nc), 0);
	T_INT(nc, 0);

	/* a second write: a second group, both read back */
	add(t, s2, 31, 30, "hv2");
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	pkeys(st, &host, &nk, &ne);
	T_INT(nk, 2);
	T_INT(ne, 2);
	nc = 0;
	T_INT(cand_collect(st, host.d, host.len, h, h, &cv, &nc), 0);
	T_INT(nc, 2);
	T_INT(count_bits(cv, nc), 60);
	T_INT(cand_intersect(st, ip.d, ip.len, cv, &nc), 0);
	T_INT(count_bits(cv, nc), 20);
	/* a reset transaction leaves no postings behind */
	add(t, s2, 61, 5, "hv2");
	store_txn_reset(t);
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	pkeys(st, &host, &nk, &ne);
	T_INT(nk, 2);

	free(cv);
	buf_clear(&ip);
	buf_clear(&host);
	buf_clear(&proc);
	store_txn_free(t);
	tmp_store_done(st, dir);
}

struct outs {
	int		n, updates;
	char		last[1024];
};

static void
out_cb(const struct alert_out *o, void *arg)
{
	struct outs *c = arg;

	c->n++;
	c->updates += o->update;
	snprintf(c->last, sizeof(c->last), "%.*s", (int)o->len, o->json);
}

static void
test_repeats(void)
{
	static const char text[] = "rule r\n title T\n severity high\n"
	    " match event.action == ssh_login\n suppress 1h\nend\n";
	char			 dir[] = "/tmp/vigil-test-store.XXXXXX";
	char			 err[512];
	struct store		*st = NULL;
	struct store_txn	*t, *t2;
	struct ruleset		*rs = NULL;
	struct rulehook		*h;
	struct outs		 c;
	struct buf		 b;
	uint32_t		 sid;

	memset(&c, 0, sizeof(c));
	T_INT(rules_parse("t.rules", text, sizeof(text) - 1, &rs, err,
	    sizeof(err)), 0);
	if ((st = tmp_store(dir)) == NULL || rs == NULL)
		return;
	sid = auth_stream(st, 1);
	t = store_txn_new(st);
	h = rulehook_new(st, rs, 0, out_cb, &c);
	rulehook_attach(h, t);
	/* 30 failures: alert 1, then 29 repeats in the same write */
	add(t, sid, 1, 30, "hv1");
	T_INT(rulehook_flush(h, t), 0);
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	rulehook_committed(h, 1);
	T_INT(c.n, 2);
	T_INT(c.updates, 1);
	T_OK(strstr(c.last, "\"suppressed\":29") != NULL);
	buf_init(&b, 0);
	T_INT(store_get_alert(st, 1, &b), 0);
	T_OK(b.len > 0 && memmem(b.d, b.len, "\"suppressed\":29", 15) !=
	    NULL);
	T_INT(store_get_alert(st, 2, &b), ERR_NOTFOUND);
	/* a second write: one more update, counting on */
	add(t, sid, 31, 30, "hv1");
	T_INT(rulehook_flush(h, t), 0);
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	rulehook_committed(h, 1);
	T_INT(c.n, 3);
	T_INT(c.updates, 2);
	T_INT(store_get_alert(st, 1, &b), 0);
	T_OK(b.len > 0 && memmem(b.d, b.len, "\"suppressed\":59", 15) !=
	    NULL);
	/* pipelined: the next write is prepared while this one is still
	 * being committed; its repeats continue from the write in flight */
	t2 = store_txn_new(st);
	rulehook_attach(h, t2);
	add(t, sid, 61, 10, "hv1");
	T_INT(rulehook_flush(h, t), 0);
	T_INT(store_txn_follow(t2, t), 0);
	add(t2, sid, 71, 10, "hv1");
	T_INT(rulehook_flush(h, t2), 0);
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	rulehook_committed(h, 1);
	T_INT(store_txn_commit(t2, err, sizeof(err)), 0);
	rulehook_committed(h, 1);
	T_INT(c.n, 5);
	T_OK(strstr(c.last, "\"suppressed\":79") != NULL);
	T_INT(store_get_alert(st, 1, &b), 0);
	T_OK(b.len > 0 && memmem(b.d, b.len, "\"suppressed\":79", 15) !=
	    NULL);
	T_INT(store_get_alert(st, 2, &b), ERR_NOTFOUND);
	store_txn_free(t2);
	buf_clear(&b);
	rulehook_free(h);	/* and the rule set */
	store_txn_free(t);
	tmp_store_done(st, dir);
}

static int
no_emit(void *arg, const char *json, size_t len)
{
	(void)arg;
	(void)json;
	(void)len;
	return 0;
}

/* R keys 1..n in order, each naming a stored block */
static int
ingest_log_ok(struct store *st, uint64_t n)
{
	struct store_iter	*it = store_iter_new(st);
	const uint8_t		*k;
	size_t			 kl;
	uint64_t		 c, want = 1;

	for (store_iter_seek(it, "R", 1); store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (keys_decode_ingest(k, kl, &c) != 0)
			break;
		if (c != want++)
			break;
	}
	store_iter_free(it);
	return want == n + 1 && store_last_commit(st) == n;
}

static void
test_follow(void)
{
	char			 dir[] = "/tmp/vigil-test-store.XXXXXX";
	char			 err[512];
	struct store		*st = NULL;
	struct store_txn	*a, *b;
	struct verify_stats	 vs;
	struct buf		 proc;
	struct proto_batch	 pb;
	struct buf		 ev;
	size_t			 nk, ne;
	uint32_t		 s1, s2, stored, dups;
	uint64_t		 next, gap;
	int			 i;

	if ((st = tmp_store(dir)) == NULL)
		return;
	s1 = auth_stream(st, 1);
	s2 = auth_stream(st, 2);
	a = store_txn_new(st);
	b = store_txn_new(st);
	add(a, s1, 1, 300, "hv1");		/* blocks 1, 257: R 1, 2 */
	T_INT(store_txn_follow(b, a), 0);
	/* b sees a's sequences: a retransmission of 290..309 is trimmed
	 * to 301..309 */
	buf_init(&ev, 0);
	for (i = 0; i < 20; i++) {
		buf_put_u64(&ev, (uint64_t)T0);
		buf_put_str(&ev, "Mar 14 09:15:00 hv1 sshd[1]: x", 30);
	}
	pb.stream = s1;
	pb.first_seq = 290;
	pb.count = 20;
	pb.events = ev.d;
	pb.eventslen = ev.len;
	T_INT(store_txn_add(b, s1, &pb, T0, 0, &stored, &dups, &gap), 0);
	T_INT(stored, 9);
	T_INT(dups, 11);
	T_OK(gap == 0);
	/* a reset goes back to a's state, not the store's */
	store_txn_reset(b);
	T_INT(store_txn_add(b, s1, &pb, T0, 0, &stored, &dups, &gap), 0);
	T_INT(stored, 9);
	add(b, s2, 1, 10, "hv2");		/* R 3, 4 */
	T_INT(store_txn_commit(a, err, sizeof(err)), 0);
	T_INT(store_txn_commit(b, err, sizeof(err)), 0);
	T_OK(ingest_log_ok(st, 4));
	T_INT(store_stream_lookup(st, "hv1", "i1", "/var/log/auth.log",
	    "auth", "host", "", &s1, &next), 0);
	T_OK(next == 310);
	/* the chains run on across the two writes */
	memset(&vs, 0, sizeof(vs));
	T_INT(verify_run(st, NULL, no_emit, NULL, &vs), 0);
	T_OK(vs.blocks == 4 && vs.events == 319 && vs.problems == 0);
	/* two groups of postings: the writes' first R numbers */
	buf_init(&proc, 0);
	T_INT(keys_posting_prefix(&proc, "process.name", "sshd", 4), 0);
	pkeys(st, &proc, &nk, &ne);
	T_INT(nk, 2);
	T_INT(ne, 4);
	/* committed: a later transaction reads the store again */
	add(a, s1, 310, 5, "hv1");
	T_INT(store_txn_commit(a, err, sizeof(err)), 0);
	T_OK(ingest_log_ok(st, 5));
	memset(&vs, 0, sizeof(vs));
	T_INT(verify_run(st, NULL, no_emit, NULL, &vs), 0);
	T_OK(vs.problems == 0 && vs.events == 324);
	buf_clear(&proc);
	buf_clear(&ev);
	store_txn_free(a);
	store_txn_free(b);
	tmp_store_done(st, dir);
}

static void
test_layout(void)
{
	char			 dir[] = "/tmp/vigil-test-store.XXXXXX";
	char			 err[512], cmd[600];
	struct store		*st = NULL;
	struct store_del	*d;
	uint8_t			 v[4] = { 0, 0, 0, 1 };

	T_OK(mkdtemp(dir) != NULL);
	T_INT(store_open(dir, &so, &st, err, sizeof(err)), 0);
	if (st == NULL)
		return;
	store_close(st);
	/* reopened: the same layout */
	T_INT(store_open(dir, &so, &st, err, sizeof(err)), 0);
	if (st == NULL)
		return;
	/* marked with layout 1: refused, and nothing is changed */
	d = store_del_new(st);
	store_del_put(d, "M", 1, v, sizeof(v));
	T_INT(store_del_commit(d, err, sizeof(err)), 0);
	store_del_free(d);
	store_close(st);
	st = NULL;
	T_INT(store_open(dir, &so, &st, err, sizeof(err)), ERR_FORMAT);
	T_OK(strstr(err, "store layout 1") != NULL);
	T_OK(strstr(err, dir) != NULL);
	T_OK(st == NULL);
	T_INT(store_open(dir, &so, &st, err, sizeof(err)), ERR_FORMAT);
	/* not marked but not empty (a store of the first layout) */
	v[3] = KEYS_SCHEMA;
	snprintf(cmd, sizeof(cmd), "rm -rf %s/*", dir);
	T_INT(system(cmd), 0);
	T_INT(store_open(dir, &so, &st, err, sizeof(err)), 0);
	if (st == NULL)
		return;
	d = store_del_new(st);
	store_del_key(d, "M", 1);
	store_del_put(d, "S\0\0\0\0", 5, "x", 1);
	T_INT(store_del_commit(d, err, sizeof(err)), 0);
	store_del_free(d);
	store_close(st);
	st = NULL;
	T_INT(store_open(dir, &so, &st, err, sizeof(err)), ERR_FORMAT);
	T_OK(strstr(err, "layout 1") != NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	T_INT(system(cmd), 0);
}

/* Delete the part of block ref that starts at index idx. */
static void
drop_part(struct store *st, const struct blockref *ref, unsigned idx)
{
	struct store_del	*d = store_del_new(st);
	struct blockref		 pr = *ref;
	struct buf		 k;
	char			 err[256];

	buf_init(&k, 0);
	pr.first_seq += idx;
	T_INT(keys_block(&k, &pr), 0);
	store_del_key(d, k.d, k.len);
	T_INT(store_del_commit(d, err, sizeof(err)), 0);
	store_del_free(d);
	buf_clear(&k);
}

/*
 * store_block_parts (retention deletes a block's parts by it): from part
 * 0, or when that is gone from a later part whose own index says it is
 * one of this block's, never from the next block's parts.
 */
static void
test_block_parts(void)
{
	char			 dir[] = "/tmp/vigil-test-store.XXXXXX";
	char			 err[512];
	struct store		*st = NULL;
	struct store_txn	*t;
	struct blockref		 a, b, c, d;
	uint32_t		 s1;

	if ((st = tmp_store(dir)) == NULL)
		return;
	s1 = auth_stream(st, 1);
	/* a: 128 events (parts at 1, 65), b right after it at 129 (100:
	 * parts at 129, 193); c: 64 events (one part, 229), d at 293 */
	t = store_txn_new(st);
	add(t, s1, 1, 128, "hv1");
	add(t, s1, 129, 100, "hv1");
	add(t, s1, 229, 64, "hv1");
	add(t, s1, 293, 200, "hv1");
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	store_txn_free(t);
	a = (struct blockref){ s1, 1 };
	b = (struct blockref){ s1, 129 };
	c = (struct blockref){ s1, 229 };
	d = (struct blockref){ s1, 293 };
	T_INT(store_block_parts(st, &a), 2);
	T_INT(store_block_parts(st, &b), 2);
	T_INT(store_block_parts(st, &c), 1);
	T_INT(store_block_parts(st, &d), 4);
	/* part 0 gone: the later part tells, b's part 0 at a + 128 does not
	 * count for a (its index is 0), nor d's at c + 64 for c */
	drop_part(st, &a, 0);
	T_INT(store_block_parts(st, &a), 2);
	drop_part(st, &c, 0);
	T_INT(store_block_parts(st, &c), 1);
	drop_part(st, &d, 0);
	drop_part(st, &d, 64);
	T_INT(store_block_parts(st, &d), 4);
	T_INT(store_block_parts(st, &b), 2);
	tmp_store_done(st, dir);
}

/* A libvirt start of VM name/uuid at 09:15:sec (audit time), one batch. */
static void
add_start(struct store_txn *t, uint32_t sid, uint64_t seq, int sec,
    const char *name, const char *uuid)
{
	struct proto_batch	pb;
	struct buf		ev;
	uint32_t		stored, dups;
	uint64_t		gap;
	char			line[512];

	buf_init(&ev, 0);
	snprintf(line, sizeof(line), "Mar 14 09:15:%02d hv1 audit: "
	    "type=VIRT_CONTROL msg=audit(%d.000:%d): pid=1187 uid=0 "
	    "auid=4294967295 ses=4294967295 subj=libvirtd msg='virt=kvm "
	    "op=start reason=booted vm=\"%s\" uuid=%s vm-pid=4242 "
	    "exe=\"/usr/sbin/libvirtd\" hostname=? addr=? terminal=? "
	    "res=success'", sec, 1710407700 + sec, sec, name, uuid);
	buf_put_u64(&ev, (uint64_t)T0);
	buf_put_str(&ev, line, strlen(line));
	pb.stream = sid;
	pb.first_seq = seq;
	pb.count = 1;
	pb.events = ev.d;
	pb.eventslen = ev.len;
	T_INT(store_txn_add(t, sid, &pb, T0, 0, &stored, &dups, &gap), 0);
	T_INT(stored, 1);
	buf_clear(&ev);
}

/* The A keys of the store: how many, and the time of name\0uuid. */
static size_t
akeys(struct store *st, const char *name, const char *uuid, int64_t *ts)
{
	struct store_iter	*it = store_iter_new(st);
	const uint8_t		*k, *v;
	size_t			 kl, vl, n = 0, nl = strlen(name);
	uint8_t			 a = 'A';

	*ts = -1;
	for (store_iter_seek(it, &a, 1); store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl == 0 || k[0] != 'A')
			break;
		n++;
		v = store_iter_value(it, &vl);
		if (kl == 2 + nl + PLACE_UUID_LEN && vl == 8 &&
		    memcmp(k + 1, name, nl) == 0 && k[1 + nl] == 0 &&
		    memcmp(k + 2 + nl, uuid, PLACE_UUID_LEN) == 0)
			*ts = (int64_t)be64_get(v);
	}
	store_iter_free(it);
	return n;
}

static void
test_names(void)
{
	static const char u1[] = "4b1c1d2e-0000-4000-8000-000000000001";
	static const char u2[] = "4b1c1d2e-0000-4000-8000-000000000002";
	char			 dir[] = "/tmp/vigil-test-store.XXXXXX";
	char			 err[512], uuid[PLACE_UUID_LEN + 1];
	struct store		*st = NULL;
	struct store_txn	*t;
	uint32_t		 s1;
	int64_t			 ts;

	if ((st = tmp_store(dir)) == NULL)
		return;
	s1 = auth_stream(st, 1);
	t = store_txn_new(st);
	/* web1 was u2 first, then u1; u1's events out of order */
	add_start(t, s1, 1, 10, "web1", u2);
	add_start(t, s1, 2, 20, "web1", u1);
	add_start(t, s1, 3, 40, "web1", u1);
	add_start(t, s1, 4, 30, "web1", u1);
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	T_INT(akeys(st, "web1", u1, &ts), 2);
	T_OK(ts == A0 + 40000000);
	T_INT(akeys(st, "web1", u2, &ts), 2);
	T_OK(ts == A0 + 10000000);
	T_INT(placement_resolve(st, "web1", uuid), 0);
	T_STR(uuid, u1);
	/* a reset write leaves no name behind */
	add_start(t, s1, 5, 50, "db1", u1);
	store_txn_reset(t);
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	T_INT(akeys(st, "db1", u1, &ts), 2);
	T_OK(ts == -1);
	T_INT(placement_resolve(st, "db1", uuid), ERR_NOTFOUND);
	/* a later write moves the name back to u2 */
	add_start(t, s1, 5, 50, "web1", u2);
	T_INT(store_txn_commit(t, err, sizeof(err)), 0);
	T_INT(akeys(st, "web1", u2, &ts), 2);
	T_OK(ts == A0 + 50000000);
	T_INT(placement_resolve(st, "web1", uuid), 0);
	T_STR(uuid, u2);
	store_txn_free(t);
	tmp_store_done(st, dir);
}

int
main(void)
{
	test_layout();
	test_block_parts();
	test_postings();
	test_repeats();
	test_follow();
	test_names();
	return TEST_DONE();
}
