/*
 * store.c -- the only LevelDB caller (schema in keys.h, blocks in
 * block.h).  Owns the LevelDB handle, the in-memory stream table and the
 * write transactions.  Does no networking.
 *
 * Exactly-once: every stream has next_seq, the first sequence not yet
 * stored, kept in the stream record and updated in the same synced
 * WriteBatch as the blocks.  A batch is trimmed to the sequences >=
 * next_seq before it is stored, so a retransmission is stored once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <leveldb/c.h>

#include "block.h"
#include "decode.h"
#include "err.h"
#include "fname.h"
#include "keys.h"
#include "log.h"
#include "placement.h"
#include "predecode.h"
#include "store.h"

struct store {
	leveldb_t		*db;
	leveldb_options_t	*opts;
	leveldb_cache_t		*cache;
	leveldb_filterpolicy_t	*filter;
	leveldb_writeoptions_t	*wsync;
	leveldb_readoptions_t	*ropts;
	leveldb_readoptions_t	*scanopts;	/* fill_cache off */
	char			*dir;
	/*
	 * db is replaced only by store_reopen (writer thread) with dblock
	 * held for writing; every other use holds it for reading (an
	 * iterator from store_iter_new to store_iter_free).  glibc's rwlock
	 * prefers readers, so a thread may take it twice for reading.
	 */
	pthread_rwlock_t	 dblock;
	pthread_mutex_t		 mtx;		/* streams, commit */
	struct stream_rec	*streams;
	uint32_t		 nstreams, capstreams;
	uint64_t		 commit;	/* last R number used */
	struct head		*heads;		/* chain heads, by stream */
	uint32_t		 nheads;
};

/* the hash of a stream's last block (keys.h, chain) */
struct head {
	int		loaded;
	uint8_t		h[CHAIN_HASH];
};

struct pend {
	uint32_t	stream;
	uint64_t	next_seq;
	int		has_head;
	uint8_t		head[CHAIN_HASH];
};

/*
 * Posting accumulator of a transaction: one P key per (field=value, hour)
 * for the whole write, whose value lists the blocks (docs/storage.md).
 * Terms are found by an open-addressing hash; each term keeps its entries
 * (one per block) as a linked list in the order the blocks were added.
 */
struct pterm {
	uint32_t	off, len;	/* "P" field 0 value 0 in pk */
	uint32_t	hour;
	uint32_t	head, tail;	/* entry index + 1; 0: none */
};
struct pentry {
	uint32_t	next;		/* entry index + 1 of the term's next */
	uint32_t	blk;		/* index in blks */
	uint8_t		bm[BLOCK_BITMAP];
};

/*
 * LevelDB's table block (its unit of compression and of reading): about
 * one block part (BLOCK_PART_EVENTS events, ~16 KB raw), so that reading
 * one event decompresses one part or two.  Parts of 32/64/128 events with
 * 4/8/16 KB table blocks were measured (docs/performance.md): 64/8 KB
 * keeps the disk at ~0.37x raw and a hit at ~1/4 of a whole block.
 * -DSTORE_LDB_BLOCK=N overrides it for measurements.
 */
#ifndef STORE_LDB_BLOCK
#define STORE_LDB_BLOCK	(8 << 10)
#endif

struct aname {
	uint32_t	off, len;	/* key in ak */
	int64_t		ts;
};

struct store_txn {
	struct store		*st;
	leveldb_writebatch_t	*wb;
	struct pend		*pend;
	size_t			 npend, cappend;
	uint64_t		 ncommit;	/* R keys in this txn */
	/* following another transaction not yet committed (a pipeline):
	 * its streams' state and its last R number are the baseline */
	int			 follows;
	struct pend		*inh;
	size_t			 ninh, capinh;
	uint64_t		 inh_commit;
	size_t			 nevents;
	uint64_t		 unpacked, decoded;	/* events, ever */
	struct buf		 key, val, pk;
	/* postings of the whole transaction */
	struct pterm		*terms;
	size_t			 nterms, capterms;
	struct pentry		*ents;
	size_t			 nents, capents;
	int32_t			*thash;		/* capthash slots, -1 empty */
	size_t			 capthash;
	struct blockref		*blks;
	size_t			 nblks, capblks;
	/* recent terms by field number and value: the events of a
	 * write share most hosts, programs, files, actions ... */
#define LASTTERMS	512
#define LASTVAL		48
	struct {
		uint32_t	 fid;		/* fname_id, 0: empty */
		uint32_t	 hour, term, vlen;
		char		 val[LASTVAL];
	}			 last[LASTTERMS];
	struct pfact		*facts;		/* PLACE_FACTS_MAX */
	/* the VM name index (A keys) of the transaction: one key per name
	 * and UUID, written at the commit with the newest event's time */
	struct aname		*an;
	size_t			 nan, capan;
	int32_t			*anhash;	/* capanhash slots, -1 empty */
	size_t			 capanhash;
	struct buf		 ak;		/* the keys, back to back */
	store_eventfn		 evfn;		/* each new event, decoded */
	void			*evarg;
};

/*
 * The "M" key names the layout (KEYS_SCHEMA).  A new store gets it; a
 * store of another layout is refused rather than misread.
 */
static int
store_schema(struct store *st, const char *dir, char *err, size_t errlen)
{
	leveldb_iterator_t	*it;
	char			*v, *lerr = NULL;
	uint8_t			 m[4];
	size_t			 vl;
	uint32_t		 have = 0;
	int			 empty;

	v = leveldb_get(st->db, st->ropts, "M", 1, &vl, &lerr);
	if (lerr != NULL) {
		snprintf(err, errlen, "%s: %s", dir, lerr);
		leveldb_free(lerr);
		return ERR_STORE;
	}
	if (v != NULL) {
		if (vl == 4)
			have = be32_get((const uint8_t *)v);
		leveldb_free(v);
		if (have == KEYS_SCHEMA)
			return 0;
		snprintf(err, errlen, "%s: store layout %u, this collector "
		    "reads layout %u only (docs/storage.md)", dir, have,
		    KEYS_SCHEMA);
		return ERR_FORMAT;
	}
	it = leveldb_create_iterator(st->db, st->ropts);
	leveldb_iter_seek_to_first(it);
	empty = !leveldb_iter_valid(it);
	leveldb_iter_destroy(it);
	if (!empty) {
		snprintf(err, errlen, "%s: store layout 1 (before grouped "
		    "postings), this collector reads layout %u only "
		    "(docs/storage.md)", dir, KEYS_SCHEMA);
		return ERR_FORMAT;
	}
	be32_put(m, KEYS_SCHEMA);
	leveldb_put(st->db, st->wsync, "M", 1, (const char *)m, sizeof(m),
	    &lerr);
	if (lerr != NULL) {
		snprintf(err, errlen, "%s: %s", dir, lerr);
		leveldb_free(lerr);
		return ERR_STORE;
	}
	return 0;
}

int
store_open(const char *dir, const struct store_opts *so, struct store **stp,
    char *err, size_t errlen)
{
	struct store	*st;
	char		*lerr = NULL;
	struct buf	 k;
	int		 r = ERR_STORE;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return ERR_NOMEM;
	pthread_mutex_init(&st->mtx, NULL);
	pthread_rwlock_init(&st->dblock, NULL);
	buf_init(&k, 0);
	if ((st->dir = strdup(dir)) == NULL) {
		r = ERR_NOMEM;
		goto out;
	}
	if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	st->opts = leveldb_options_create();
	leveldb_options_set_create_if_missing(st->opts, 1);
	leveldb_options_set_write_buffer_size(st->opts,
	    so && so->write_buffer ? so->write_buffer : 32 << 20);
	leveldb_options_set_block_size(st->opts, STORE_LDB_BLOCK);
	leveldb_options_set_max_open_files(st->opts, 500);
	leveldb_options_set_compression(st->opts, leveldb_snappy_compression);
	st->cache = leveldb_cache_create_lru(so && so->cache ? so->cache :
	    64 << 20);
	leveldb_options_set_cache(st->opts, st->cache);
	st->filter = leveldb_filterpolicy_create_bloom(10);
	leveldb_options_set_filter_policy(st->opts, st->filter);
	st->wsync = leveldb_writeoptions_create();
	leveldb_writeoptions_set_sync(st->wsync, so ? so->sync : 1);
	st->ropts = leveldb_readoptions_create();
	st->scanopts = leveldb_readoptions_create();
	leveldb_readoptions_set_fill_cache(st->scanopts, 0);
	st->db = leveldb_open(st->opts, dir, &lerr);
	if (lerr != NULL) {
		snprintf(err, errlen, "leveldb open %s: %s", dir, lerr);
		goto out;
	}
	if ((r = store_schema(st, dir, err, errlen)) != 0)
		goto out;
	r = ERR_STORE;
	/* load the stream table: S keys are dense from 0 */
	{
		leveldb_iterator_t	*it;
		const char		*kk, *vv;
		size_t			 kl, vl;
		struct stream_rec	 rec;
		uint32_t		 id;

		it = leveldb_create_iterator(st->db, st->ropts);
		leveldb_iter_seek(it, "S", 1);
		for (; leveldb_iter_valid(it); leveldb_iter_next(it)) {
			kk = leveldb_iter_key(it, &kl);
			if (kl != 5 || kk[0] != 'S')
				break;
			id = be32_get((const uint8_t *)kk + 1);
			vv = leveldb_iter_value(it, &vl);
			if (id != st->nstreams || keys_stream_decode(
			    (const uint8_t *)vv, vl, &rec) != 0) {
				snprintf(err, errlen, "stream record %u is "
				    "damaged", id);
				leveldb_iter_destroy(it);
				goto out;
			}
			if (st->nstreams == st->capstreams) {
				uint32_t		 nc;
				struct stream_rec	*ns;

				nc = st->capstreams ? st->capstreams * 2 : 64;
				ns = reallocarray(st->streams, nc,
				    sizeof(*ns));
				if (ns == NULL) {
					keys_stream_clear(&rec);
					leveldb_iter_destroy(it);
					r = ERR_NOMEM;
					goto out;
				}
				st->streams = ns;
				st->capstreams = nc;
			}
			st->streams[st->nstreams++] = rec;
		}
		/* last ingest number */
		leveldb_iter_seek(it, "S", 1);
		if (leveldb_iter_valid(it))
			leveldb_iter_prev(it);
		else
			leveldb_iter_seek_to_last(it);
		if (leveldb_iter_valid(it)) {
			kk = leveldb_iter_key(it, &kl);
			if (kl == 9 && kk[0] == 'R')
				keys_decode_ingest((const uint8_t *)kk, kl,
				    &st->commit);
		}
		leveldb_iter_destroy(it);
	}
	log_info("store %s: %u streams, %llu commits", dir, st->nstreams,
	    (unsigned long long)st->commit);
	*stp = st;
	st = NULL;
	r = 0;
 out:
	leveldb_free(lerr);
	buf_clear(&k);
	if (st != NULL)
		store_close(st);
	return r;
}

void
store_close(struct store *st)
{
	uint32_t i;

	if (st == NULL)
		return;
	if (st->db)
		leveldb_close(st->db);
	if (st->opts)
		leveldb_options_destroy(st->opts);
	if (st->cache)
		leveldb_cache_destroy(st->cache);
	if (st->filter)
		leveldb_filterpolicy_destroy(st->filter);
	if (st->wsync)
		leveldb_writeoptions_destroy(st->wsync);
	if (st->ropts)
		leveldb_readoptions_destroy(st->ropts);
	if (st->scanopts)
		leveldb_readoptions_destroy(st->scanopts);
	free(st->heads);
	for (i = 0; i < st->nstreams; i++)
		keys_stream_clear(&st->streams[i]);
	free(st->streams);
	free(st->dir);
	pthread_mutex_destroy(&st->mtx);
	pthread_rwlock_destroy(&st->dblock);
	free(st);
}

/* with st->mtx held: record a new role / claimed UUID of stream id */
static int
stream_set_identity(struct store *st, uint32_t id, const char *role,
    const char *vm_uuid)
{
	struct stream_rec	*s = &st->streams[id];
	struct buf		 k, v;
	char			*nr, *nu, *lerr = NULL;
	int			 r;

	if ((nr = strdup(role)) == NULL || (nu = strdup(vm_uuid)) == NULL) {
		free(nr);
		return ERR_NOMEM;
	}
	free(s->role);
	free(s->vm_uuid);
	s->role = nr;
	s->vm_uuid = nu;
	buf_init(&k, 0);
	buf_init(&v, 0);
	if ((r = keys_stream(&k, id)) == 0 &&
	    (r = keys_stream_encode(&v, s)) == 0) {
		pthread_rwlock_rdlock(&st->dblock);
		leveldb_put(st->db, st->wsync, (char *)k.d, k.len,
		    (char *)v.d, v.len, &lerr);
		pthread_rwlock_unlock(&st->dblock);
		if (lerr != NULL) {
			log_warnx("store: stream identity: %s", lerr);
			leveldb_free(lerr);
			r = ERR_STORE;
		}
	}
	buf_clear(&k);
	buf_clear(&v);
	return r;
}

int
store_stream_lookup(struct store *st, const char *sender,
    const char *instance, const char *name, const char *type,
    const char *role, const char *vm_uuid, uint32_t *id, uint64_t *next_seq)
{
	struct stream_rec	 rec, *s;
	struct buf		 k, v;
	char			*lerr = NULL;
	uint32_t		 i;
	int			 r = ERR_NOMEM;

	memset(&rec, 0, sizeof(rec));
	buf_init(&k, 0);
	buf_init(&v, 0);
	pthread_mutex_lock(&st->mtx);
	for (i = 0; i < st->nstreams; i++) {
		s = &st->streams[i];
		if (strcmp(s->sender, sender) == 0 &&
		    strcmp(s->instance, instance) == 0 &&
		    strcmp(s->name, name) == 0) {
			*id = i;
			*next_seq = s->next_seq;
			r = 0;
			if (strcmp(s->role ? s->role : "", role) != 0 ||
			    strcmp(s->vm_uuid ? s->vm_uuid : "", vm_uuid) != 0)
				r = stream_set_identity(st, i, role, vm_uuid);
			goto out;
		}
	}
	if (st->nstreams == st->capstreams) {
		uint32_t		 nc;
		struct stream_rec	*ns;

		nc = st->capstreams ? st->capstreams * 2 : 64;
		if ((ns = reallocarray(st->streams, nc, sizeof(*ns))) == NULL)
			goto out;
		st->streams = ns;
		st->capstreams = nc;
	}
	if ((rec.sender = strdup(sender)) == NULL ||
	    (rec.instance = strdup(instance)) == NULL ||
	    (rec.name = strdup(name)) == NULL ||
	    (rec.type = strdup(type)) == NULL ||
	    (rec.role = strdup(role)) == NULL ||
	    (rec.vm_uuid = strdup(vm_uuid)) == NULL)
		goto out;
	rec.next_seq = 1;
	if ((r = keys_stream(&k, st->nstreams)) != 0 ||
	    (r = keys_stream_encode(&v, &rec)) != 0)
		goto out;
	pthread_rwlock_rdlock(&st->dblock);
	leveldb_put(st->db, st->wsync, (char *)k.d, k.len, (char *)v.d,
	    v.len, &lerr);
	pthread_rwlock_unlock(&st->dblock);
	if (lerr != NULL) {
		log_warnx("store: new stream: %s", lerr);
		r = ERR_STORE;
		goto out;
	}
	*id = st->nstreams;
	*next_seq = 1;
	st->streams[st->nstreams++] = rec;
	memset(&rec, 0, sizeof(rec));
	r = 0;
 out:
	pthread_mutex_unlock(&st->mtx);
	keys_stream_clear(&rec);
	leveldb_free(lerr);
	buf_clear(&k);
	buf_clear(&v);
	return r;
}

int
store_stream_meta(struct store *st, uint32_t id, struct stream_meta *m)
{
	struct stream_rec *s;

	pthread_mutex_lock(&st->mtx);
	if (id >= st->nstreams) {
		pthread_mutex_unlock(&st->mtx);
		return ERR_NOTFOUND;
	}
	s = &st->streams[id];
	snprintf(m->sender, sizeof(m->sender), "%s", s->sender);
	snprintf(m->instance, sizeof(m->instance), "%s", s->instance);
	snprintf(m->name, sizeof(m->name), "%s", s->name);
	snprintf(m->type, sizeof(m->type), "%s", s->type);
	snprintf(m->role, sizeof(m->role), "%s", s->role ? s->role : "");
	snprintf(m->vm_uuid, sizeof(m->vm_uuid), "%s",
	    s->vm_uuid ? s->vm_uuid : "");
	m->next_seq = s->next_seq;
	pthread_mutex_unlock(&st->mtx);
	return 0;
}

uint32_t
store_stream_count(struct store *st)
{
	uint32_t n;

	pthread_mutex_lock(&st->mtx);
	n = st->nstreams;
	pthread_mutex_unlock(&st->mtx);
	return n;
}

struct store_txn *
store_txn_new(struct store *st)
{
	struct store_txn *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->st = st;
	if ((t->wb = leveldb_writebatch_create()) == NULL) {
		free(t);
		return NULL;
	}
	buf_init(&t->key, 0);
	buf_init(&t->val, 0);
	buf_init(&t->pk, 0);
	buf_init(&t->ak, 0);
	return t;
}

void
store_txn_free(struct store_txn *t)
{
	if (t == NULL)
		return;
	leveldb_writebatch_destroy(t->wb);
	if (t->facts != NULL)
		for (int i = 0; i < PLACE_FACTS_MAX; i++) {
			buf_clear(&t->facts[i].key);
			buf_clear(&t->facts[i].val);
		}
	free(t->facts);
	free(t->pend);
	free(t->inh);
	free(t->terms);
	free(t->ents);
	free(t->thash);
	free(t->blks);
	free(t->an);
	free(t->anhash);
	buf_clear(&t->ak);
	buf_clear(&t->key);
	buf_clear(&t->val);
	buf_clear(&t->pk);
	free(t);
}

static void	postings_reset(struct store_txn *);
static void	anames_reset(struct store_txn *);
static uint64_t	txn_base(const struct store_txn *);

void
store_txn_reset(struct store_txn *t)
{
	leveldb_writebatch_clear(t->wb);
	t->npend = 0;
	if (t->follows && t->ninh > 0) {
		/* back to the baseline of the transaction it follows */
		if (t->cappend < t->ninh) {
			free(t->pend);
			t->cappend = 0;
			if ((t->pend = reallocarray(NULL, t->capinh,
			    sizeof(*t->pend))) != NULL)
				t->cappend = t->capinh;
		}
		if (t->cappend >= t->ninh) {
			memcpy(t->pend, t->inh, t->ninh * sizeof(*t->pend));
			t->npend = t->ninh;
		}
	}
	t->ncommit = 0;
	t->nevents = 0;
	postings_reset(t);
	anames_reset(t);
}

int
store_txn_follow(struct store_txn *t, const struct store_txn *prev)
{
	struct pend *np;

	if (prev->npend > t->capinh) {
		if ((np = reallocarray(t->inh, prev->npend, sizeof(*np))) ==
		    NULL)
			return ERR_NOMEM;
		t->inh = np;
		t->capinh = prev->npend;
	}
	if (prev->npend > 0)
		memcpy(t->inh, prev->pend, prev->npend * sizeof(*np));
	t->ninh = prev->npend;
	t->inh_commit = txn_base(prev) + prev->ncommit;
	t->follows = 1;
	store_txn_reset(t);
	if (t->npend != t->ninh)
		return ERR_NOMEM;
	return 0;
}

/* The R number before this transaction's first block. */
static uint64_t
txn_base(const struct store_txn *t)
{
	uint64_t c;

	if (t->follows)
		return t->inh_commit;
	pthread_mutex_lock(&t->st->mtx);
	c = t->st->commit;
	pthread_mutex_unlock(&t->st->mtx);
	return c;
}

void
store_txn_set_eventfn(struct store_txn *t, store_eventfn fn, void *arg)
{
	t->evfn = fn;
	t->evarg = arg;
}

size_t
store_txn_events(const struct store_txn *t)
{
	return t->nevents;
}

static void	wb_put(struct store_txn *, const struct buf *, const void *,
		    size_t);

/* next_seq of a stream as this transaction sees it */
static uint64_t
txn_next_seq(struct store_txn *t, uint32_t stream, size_t *pi)
{
	size_t		i;
	uint64_t	n;

	for (i = 0; i < t->npend; i++)
		if (t->pend[i].stream == stream) {
			*pi = i;
			return t->pend[i].next_seq;
		}
	*pi = SIZE_MAX;
	pthread_mutex_lock(&t->st->mtx);
	n = t->st->streams[stream].next_seq;
	pthread_mutex_unlock(&t->st->mtx);
	return n;
}

static int
txn_set_next_seq(struct store_txn *t, uint32_t stream, size_t pi,
    uint64_t next)
{
	struct pend *np;

	if (pi == SIZE_MAX)
		for (pi = 0; pi < t->npend; pi++)
			if (t->pend[pi].stream == stream)
				break;
	if (pi < t->npend) {
		t->pend[pi].next_seq = next;
		return 0;
	}
	if (t->npend == t->cappend) {
		size_t nc = t->cappend ? t->cappend * 2 : 16;

		if ((np = reallocarray(t->pend, nc, sizeof(*np))) == NULL)
			return ERR_NOMEM;
		t->pend = np;
		t->cappend = nc;
	}
	t->pend[t->npend].stream = stream;
	t->pend[t->npend].next_seq = next;
	t->pend[t->npend].has_head = 0;
	t->npend++;
	return 0;
}

/* The stream's chain head as committed: the hash of its last H link. */
static void
store_head(struct store *st, uint32_t stream, uint8_t *out)
{
	leveldb_iterator_t	*it;
	struct blockref		 ref = { stream + 1, 0 };
	struct chain_link	 l;
	struct buf		 k;
	const char		*kk, *vv;
	size_t			 kl, vl;

	pthread_mutex_lock(&st->mtx);
	if (stream < st->nheads && st->heads[stream].loaded) {
		memcpy(out, st->heads[stream].h, CHAIN_HASH);
		pthread_mutex_unlock(&st->mtx);
		return;
	}
	pthread_mutex_unlock(&st->mtx);
	memset(out, 0, CHAIN_HASH);
	buf_init(&k, 0);
	it = leveldb_create_iterator(st->db, st->ropts);
	if (stream == UINT32_MAX)
		leveldb_iter_seek(it, "I", 1);
	else if (keys_chain(&k, 'H', &ref) == 0)
		leveldb_iter_seek(it, (const char *)k.d, k.len);
	if (leveldb_iter_valid(it))
		leveldb_iter_prev(it);
	else
		leveldb_iter_seek_to_last(it);
	if (leveldb_iter_valid(it)) {
		kk = leveldb_iter_key(it, &kl);
		vv = leveldb_iter_value(it, &vl);
		if (kl == 1 + KEYS_BLOCKREF && kk[0] == 'H' &&
		    be32_get((const uint8_t *)kk + 1) == stream &&
		    keys_link_decode((const uint8_t *)vv, vl, &l) == 0)
			memcpy(out, l.hash, CHAIN_HASH);
	}
	leveldb_iter_destroy(it);
	buf_clear(&k);
}

/* Link block ref (its encoded value blk) into its stream's chain. */
static int
txn_chain(struct store_txn *t, const struct blockref *ref, uint32_t n,
    const uint8_t *blk, size_t len)
{
	struct chain_link	 l;
	uint8_t			 v[CHAIN_LINK];
	size_t			 i;
	uint64_t		 next;
	int			 r;

	for (i = 0; i < t->npend; i++)
		if (t->pend[i].stream == ref->stream)
			break;
	if (i == t->npend) {
		next = txn_next_seq(t, ref->stream, &i);
		if ((r = txn_set_next_seq(t, ref->stream, SIZE_MAX, next)) !=
		    0)
			return r;
		i = t->npend - 1;
	}
	if (!t->pend[i].has_head) {
		store_head(t->st, ref->stream, t->pend[i].head);
		t->pend[i].has_head = 1;
	}
	l.count = n;
	memcpy(l.prev, t->pend[i].head, CHAIN_HASH);
	if ((r = keys_chain_hash(l.prev, ref, blk, len, l.hash)) != 0 ||
	    (r = keys_chain(&t->key, 'H', ref)) != 0)
		return r;
	keys_link_encode(v, &l);
	wb_put(t, &t->key, v, sizeof(v));
	memcpy(t->pend[i].head, l.hash, CHAIN_HASH);
	return 0;
}

/* hash of a term (key prefix and hour): 8 bytes per step */
static uint32_t
phash(const uint8_t *p, size_t n, uint32_t hour)
{
	uint64_t	h = 0x9e3779b97f4a7c15ULL ^ hour ^ ((uint64_t)n << 32);
	uint64_t	w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return (uint32_t)h;
}

/* Room for one more term (the hash at most half full). */
static int
postings_grow(struct store_txn *t)
{
	int32_t		*nh;
	size_t		 nc, i, slot;
	struct pterm	*nt;

	if (t->nterms == t->capterms) {
		nc = t->capterms ? t->capterms * 2 : 1024;
		if ((nt = reallocarray(t->terms, nc, sizeof(*nt))) == NULL)
			return ERR_NOMEM;
		t->terms = nt;
		t->capterms = nc;
	}
	if ((t->nterms + 1) * 2 <= t->capthash)
		return 0;
	nc = t->capthash ? t->capthash * 2 : 4096;
	if ((nh = reallocarray(NULL, nc, sizeof(*nh))) == NULL)
		return ERR_NOMEM;
	memset(nh, 0xff, nc * sizeof(*nh));
	for (i = 0; i < t->nterms; i++) {
		struct pterm *pt = &t->terms[i];

		slot = phash(t->pk.d + pt->off, pt->len, pt->hour) & (nc - 1);
		while (nh[slot] >= 0)
			slot = (slot + 1) & (nc - 1);
		nh[slot] = (int32_t)i;
	}
	free(t->thash);
	t->thash = nh;
	t->capthash = nc;
	return 0;
}

static void
postings_reset(struct store_txn *t)
{
	memset(t->last, 0, sizeof(t->last));
	t->nterms = t->nents = t->nblks = 0;
	buf_reset(&t->pk);
	if (t->thash != NULL)
		memset(t->thash, 0xff, t->capthash * sizeof(*t->thash));
}

/* A new block of the transaction: later postings name it. */
static int
postings_block(struct store_txn *t, const struct blockref *ref)
{
	struct blockref *nb;
	size_t		 nc;

	if (t->nblks == t->capblks) {
		nc = t->capblks ? t->capblks * 2 : 256;
		if ((nb = reallocarray(t->blks, nc, sizeof(*nb))) == NULL)
			return ERR_NOMEM;
		t->blks = nb;
		t->capblks = nc;
	}
	t->blks[t->nblks++] = *ref;
	return 0;
}

/* Mark event idx of the current block as carrying field=val in hour. */
static int
posting_add(struct store_txn *t, const struct record_field *fl, uint32_t hour,
    unsigned idx)
{
	const char	*field = fl->name, *val = fl->val;
	size_t		 vlen = fl->len;
	struct pterm	*pt;
	struct pentry	*pe, *ne;
	uint32_t	 blk = (uint32_t)(t->nblks - 1);
	size_t		 slot, nc, ls;
	uint64_t	 w = vlen;
	int		 r;

	memcpy(&w, val, vlen < 8 ? vlen : 8);
	w ^= (uint64_t)fl->id << 32 ^ vlen << 56;
	w *= 0x9e3779b97f4a7c15ULL;
	ls = (size_t)(w >> 55) % LASTTERMS;

	/* the field's number names it (fname.h); unnumbered names are
	 * not remembered */
	if (fl->id != FNAME_NONE && t->last[ls].fid == fl->id &&
	    t->last[ls].hour == hour && t->last[ls].vlen == vlen &&
	    memcmp(t->last[ls].val, val, vlen) == 0) {
		pt = &t->terms[t->last[ls].term];
		goto found;
	}
	if ((r = keys_posting_prefix(&t->key, field, val, vlen)) != 0)
		return r == ERR_TOOBIG ? 0 : r;	/* long values: not indexed */
	if ((r = postings_grow(t)) != 0)
		return r;
	slot = phash(t->key.d, t->key.len, hour) & (t->capthash - 1);
	for (;; slot = (slot + 1) & (t->capthash - 1)) {
		if (t->thash[slot] < 0) {
			pt = &t->terms[t->nterms];
			pt->off = (uint32_t)t->pk.len;
			pt->len = (uint32_t)t->key.len;
			pt->hour = hour;
			pt->head = pt->tail = 0;
			if ((r = buf_put(&t->pk, t->key.d, t->key.len)) != 0)
				return r;
			t->thash[slot] = (int32_t)t->nterms++;
			break;
		}
		pt = &t->terms[t->thash[slot]];
		if (pt->hour == hour && pt->len == t->key.len &&
		    memcmp(t->pk.d + pt->off, t->key.d, pt->len) == 0)
			break;
	}
	if (vlen <= LASTVAL && fl->id != FNAME_NONE) {
		t->last[ls].fid = fl->id;
		t->last[ls].hour = hour;
		t->last[ls].vlen = (uint32_t)vlen;
		t->last[ls].term = (uint32_t)(pt - t->terms);
		memcpy(t->last[ls].val, val, vlen);
	}
 found:
	if (pt->tail != 0 && (pe = &t->ents[pt->tail - 1])->blk == blk) {
		bitmap_set(pe->bm, idx);
		return 0;
	}
	if (t->nents == t->capents) {
		nc = t->capents ? t->capents * 2 : 4096;
		if ((ne = reallocarray(t->ents, nc, sizeof(*ne))) == NULL)
			return ERR_NOMEM;
		t->ents = ne;
		t->capents = nc;
	}
	pe = &t->ents[t->nents++];
	pe->next = 0;
	pe->blk = blk;
	memset(pe->bm, 0, sizeof(pe->bm));
	bitmap_set(pe->bm, idx);
	if (pt->tail != 0)
		t->ents[pt->tail - 1].next = (uint32_t)t->nents;
	else
		pt->head = (uint32_t)t->nents;
	pt->tail = (uint32_t)t->nents;
	return 0;
}

/*
 * Put the transaction's P keys in its write batch (once: a retried
 * commit writes the same batch again).  group is the R number of the
 * transaction's first block, unique per write.
 */
static int
postings_flush(struct store_txn *t, uint64_t group)
{
	struct pterm	*pt;
	struct pentry	*pe;
	size_t		 i;
	uint32_t	 e;
	int		 r;

	for (i = 0; i < t->nterms; i++) {
		pt = &t->terms[i];
		buf_reset(&t->key);
		if ((r = buf_put(&t->key, t->pk.d + pt->off, pt->len)) != 0 ||
		    (r = buf_put_u32(&t->key, pt->hour)) != 0 ||
		    (r = buf_put_u64(&t->key, group)) != 0)
			return r;
		buf_reset(&t->val);
		for (e = pt->head; e != 0; e = pe->next) {
			pe = &t->ents[e - 1];
			if ((r = keys_postval_put(&t->val, &t->blks[pe->blk],
			    pe->bm)) != 0)
				return r;
		}
		wb_put(t, &t->key, t->val.d, t->val.len);
	}
	postings_reset(t);
	return 0;
}

static void
wb_put(struct store_txn *t, const struct buf *k, const void *v, size_t vl)
{
	leveldb_writebatch_put(t->wb, (const char *)k->d, k->len,
	    (const char *)v, vl);
}

/*
 * The name index: every event about a VM names it, so a write of a few
 * thousand events would put the same A key hundreds of times.  Keep one
 * per key with the newest time and put them at the commit.
 */
static void
anames_reset(struct store_txn *t)
{
	t->nan = 0;
	buf_reset(&t->ak);
	if (t->anhash != NULL)
		memset(t->anhash, 0xff, t->capanhash * sizeof(*t->anhash));
}

static int
aname_add(struct store_txn *t, const struct buf *k, const uint8_t *v,
    size_t vl)
{
	struct aname	*na, *a;
	int32_t		*nh;
	size_t		 nc, slot, i;
	int64_t		 ts;
	int		 r;

	if (vl != 8) {
		wb_put(t, k, v, vl);
		return 0;
	}
	ts = (int64_t)be64_get(v);
	if (2 * (t->nan + 1) > t->capanhash) {
		nc = t->capanhash ? t->capanhash * 2 : 64;
		if ((nh = reallocarray(NULL, nc, sizeof(*nh))) == NULL)
			return ERR_NOMEM;
		memset(nh, 0xff, nc * sizeof(*nh));
		for (i = 0; i < t->nan; i++) {
			a = &t->an[i];
			slot = phash(t->ak.d + a->off, a->len, 0) & (nc - 1);
			while (nh[slot] >= 0)
				slot = (slot + 1) & (nc - 1);
			nh[slot] = (int32_t)i;
		}
		free(t->anhash);
		t->anhash = nh;
		t->capanhash = nc;
	}
	slot = phash(k->d, k->len, 0) & (t->capanhash - 1);
	for (;; slot = (slot + 1) & (t->capanhash - 1)) {
		if (t->anhash[slot] < 0)
			break;
		a = &t->an[t->anhash[slot]];
		if (a->len == k->len && memcmp(t->ak.d + a->off, k->d,
		    k->len) == 0) {
			if (ts > a->ts)
				a->ts = ts;
			return 0;
		}
	}
	if (t->nan == t->capan) {
		nc = t->capan ? t->capan * 2 : 64;
		if ((na = reallocarray(t->an, nc, sizeof(*na))) == NULL)
			return ERR_NOMEM;
		t->an = na;
		t->capan = nc;
	}
	a = &t->an[t->nan];
	a->off = (uint32_t)t->ak.len;
	a->len = (uint32_t)k->len;
	a->ts = ts;
	if ((r = buf_put(&t->ak, k->d, k->len)) != 0)
		return r;
	t->anhash[slot] = (int32_t)t->nan++;
	return 0;
}

static int
anames_flush(struct store_txn *t)
{
	uint8_t	v[8];
	size_t	i;
	int	r;

	for (i = 0; i < t->nan; i++) {
		buf_reset(&t->key);
		if ((r = buf_put(&t->key, t->ak.d + t->an[i].off,
		    t->an[i].len)) != 0)
			return r;
		be64_put(v, (uint64_t)t->an[i].ts);
		wb_put(t, &t->key, v, sizeof(v));
	}
	anames_reset(t);
	return 0;
}

/* Encode events [from, from+n) of the batch (sequence first) as a block. */
static int
txn_block(struct store_txn *t, uint32_t stream, uint64_t first,
    struct bufr *evr, struct predecode_cur *pc, uint32_t n, int64_t recv_us,
    int32_t tzoff, const struct stream_meta *meta)
{
	struct blockref		ref = { stream, first };
	struct decode_ctx	ctx;
	struct proto_event	pe;
	struct block_ev		be;
	struct record		*ev = NULL;
	struct {
		uint32_t	hour;
		uint8_t		bm[BLOCK_BITMAP];
	}			hours[BLOCK_MAX_EVENTS];
	size_t			nh = 0, i;
	size_t			poff[BLOCK_MAX_EVENTS / BLOCK_PART_EVENTS];
	uint32_t		k, hour;
	int			f, r, nf, guest;
	char			guest_uuid[PLACE_UUID_LEN + 1];

	if (t->facts == NULL) {
		if ((t->facts = calloc(PLACE_FACTS_MAX, sizeof(*t->facts))) ==
		    NULL)
			return ERR_NOMEM;
		for (int i = 0; i < PLACE_FACTS_MAX; i++) {
			buf_init(&t->facts[i].key, 0);
			buf_init(&t->facts[i].val, 0);
		}
	}
	if ((ev = malloc(sizeof(*ev))) == NULL)
		return ERR_NOMEM;
	if ((r = postings_block(t, &ref)) != 0)
		goto out;
	ctx.recv_us = recv_us;
	ctx.tzoff = tzoff;
	ctx.sender = meta->sender;
	ctx.type = meta->type;
	ctx.path = meta->name;
	guest = strcmp(meta->role, "guest") == 0 && placement_uuid(
	    meta->vm_uuid, strlen(meta->vm_uuid), guest_uuid) == 0;

	buf_reset(&t->val);
	for (k = 0; k < n; k++) {
		/* parts of BLOCK_PART_EVENTS: one LevelDB value each */
		if (k % BLOCK_PART_EVENTS == 0) {
			poff[k / BLOCK_PART_EVENTS] = t->val.len;
			if ((r = block_begin_part(&t->val, n - k <
			    BLOCK_PART_EVENTS ? n - k : BLOCK_PART_EVENTS, k, n,
			    recv_us, tzoff)) != 0)
				goto out;
		}
		if ((r = proto_batch_iter(evr, &pe)) != 0)
			goto out;
		if (pc != NULL && predecode_next(pc, pe.line, pe.linelen,
		    pe.read_us, recv_us, ev) == 0)
			t->unpacked++;
		else {
			decode_event(&ctx, pe.line, pe.linelen, pe.read_us,
			    ev);
			t->decoded++;
		}
		/* placement facts land in the same synced write */
		nf = placement_facts(ev, meta->sender, t->facts,
		    PLACE_FACTS_MAX);
		for (i = 0; i < (size_t)nf; i++) {
			if (t->facts[i].key.d[0] != 'A')
				wb_put(t, &t->facts[i].key, t->facts[i].val.d,
				    t->facts[i].val.len);
			else if ((r = aname_add(t, &t->facts[i].key,
			    t->facts[i].val.d, t->facts[i].val.len)) != 0)
				goto out;
		}
		/* a guest's claimed VM UUID is known now: index it */
		if (guest)
			record_add(ev, "vm.uuid", guest_uuid,
			    strlen(guest_uuid));
		memset(&be, 0, sizeof(be));
		be.ts_us = ev->ts_us;
		be.read_us = pe.read_us;
		be.flags = ev->flags;
		be.raw = pe.line;
		be.rawlen = pe.linelen;
		if ((r = block_put(&t->val, recv_us, &be)) != 0)
			goto out;
		hour = keys_hour(ev->ts_us);
		for (i = 0; i < nh; i++)
			if (hours[i].hour == hour)
				break;
		if (i == nh) {
			hours[nh].hour = hour;
			memset(hours[nh].bm, 0, BLOCK_BITMAP);
			nh++;
		}
		bitmap_set(hours[i].bm, k);
		for (f = 0; f < ev->nfields; f++)
			if (decode_indexed_id(ev->f[f].name, ev->f[f].id) &&
			    (r = posting_add(t, &ev->f[f], hour, k)) != 0)
				goto out;
		/* after indexing: what the hook adds is not indexed */
		if (t->evfn != NULL)
			t->evfn(t->evarg, ev, meta, stream, first + k);
	}
	for (k = 0; k < n; k += BLOCK_PART_EVENTS) {
		struct blockref	pref = { stream, first + k };
		size_t		pend = k + BLOCK_PART_EVENTS < n ?
				    poff[k / BLOCK_PART_EVENTS + 1] :
				    t->val.len;

		if ((r = keys_block(&t->key, &pref)) != 0)
			goto out;
		wb_put(t, &t->key, t->val.d + poff[k / BLOCK_PART_EVENTS],
		    pend - poff[k / BLOCK_PART_EVENTS]);
	}
	/* the chain hash covers the parts concatenated: the whole block */
	if ((r = txn_chain(t, &ref, n, t->val.d, t->val.len)) != 0)
		goto out;
	for (i = 0; i < nh; i++) {
		if ((r = keys_time(&t->key, hours[i].hour, &ref)) != 0)
			goto out;
		wb_put(t, &t->key, hours[i].bm, BLOCK_BITMAP);
	}
	t->ncommit++;
	if ((r = keys_ingest(&t->key, txn_base(t) + t->ncommit)) != 0)
		goto out;
	{
		uint8_t rv[KEYS_BLOCKREF];

		be32_put(rv, stream);
		be64_put(rv + 4, first);
		wb_put(t, &t->key, rv, sizeof(rv));
	}
	t->nevents += n;
	r = 0;
 out:
	free(ev);
	return r;
}

static int
txn_stream_rec(struct store_txn *t, uint32_t stream, uint64_t next)
{
	struct stream_rec	rec;
	struct buf		v;
	int			r;

	buf_init(&v, 0);
	pthread_mutex_lock(&t->st->mtx);
	rec = t->st->streams[stream];
	rec.next_seq = next;
	r = keys_stream_encode(&v, &rec);
	pthread_mutex_unlock(&t->st->mtx);
	if (r == 0 && (r = keys_stream(&t->key, stream)) == 0)
		wb_put(t, &t->key, v.d, v.len);
	buf_clear(&v);
	return r;
}

/* Sequences from..to never arrived (a jump): "G" key, when and count. */
static int
txn_jump(struct store_txn *t, uint32_t stream, uint64_t from, uint64_t to,
    int64_t when_us)
{
	uint8_t	gv[16];
	int	r;

	if ((r = keys_gap(&t->key, stream, from, to)) != 0)
		return r;
	be64_put(gv, (uint64_t)when_us);
	be64_put(gv + 8, to - from + 1);
	wb_put(t, &t->key, gv, sizeof(gv));
	return 0;
}

void
store_txn_decodes(const struct store_txn *t, uint64_t *unpacked,
    uint64_t *decoded)
{
	*unpacked = t->unpacked;
	*decoded = t->decoded;
}

int
store_txn_add(struct store_txn *t, uint32_t stream,
    const struct proto_batch *b, int64_t recv_us, int32_t tzoff,
    uint32_t *stored, uint32_t *dups, uint64_t *gap)
{
	return store_txn_add_decoded(t, stream, b, NULL, 0, recv_us, tzoff,
	    stored, dups, gap);
}

int
store_txn_add_decoded(struct store_txn *t, uint32_t stream,
    const struct proto_batch *b, const void *pre, size_t prelen,
    int64_t recv_us, int32_t tzoff, uint32_t *stored, uint32_t *dups,
    uint64_t *gap)
{
	struct predecode_cur	pcur, *pc = NULL;
	struct stream_meta	meta;
	struct proto_event	pe;
	struct bufr		evr;
	uint64_t		next, first, last;
	uint32_t		skip, left, n;
	size_t			pi;
	int			r;

	*stored = *dups = 0;
	*gap = 0;
	if ((r = store_stream_meta(t->st, stream, &meta)) != 0)
		return r;
	next = txn_next_seq(t, stream, &pi);
	/* first_seq 0: an agentless stream, numbered here in arrival order */
	first = b->first_seq != 0 ? b->first_seq : next;
	if (first > UINT64_MAX - b->count)
		return ERR_RANGE;
	last = first + b->count - 1;
	if (last < next) {
		*dups = b->count;
		return 0;
	}
	bufr_init(&evr, b->events, b->eventslen);
	if (pre != NULL) {
		predecode_cur_init(&pcur, pre, prelen);
		pc = &pcur;
	}
	skip = first < next ? (uint32_t)(next - first) : 0;
	for (n = 0; n < skip; n++) {
		if ((r = proto_batch_iter(&evr, &pe)) != 0)
			return r;
		if (pc != NULL && predecode_skip(pc) != 0)
			pc = NULL;
	}
	*dups = skip;
	first += skip;
	if (first > next) {
		/* sequences next..first-1 never arrived */
		*gap = first - next;
		if ((r = txn_jump(t, stream, next, first - 1, recv_us)) != 0)
			return r;
		log_warnx("stream %s:%s: sequences %llu-%llu missing",
		    meta.sender, meta.name, (unsigned long long)next,
		    (unsigned long long)first - 1);
	}
	left = b->count - skip;
	while (left > 0) {
		n = left > BLOCK_MAX_EVENTS ? BLOCK_MAX_EVENTS : left;
		if ((r = txn_block(t, stream, first, &evr, pc, n, recv_us,
		    tzoff, &meta)) != 0)
			return r;
		first += n;
		left -= n;
		*stored += n;
	}
	if ((r = txn_set_next_seq(t, stream, pi, last + 1)) != 0)
		return r;
	return txn_stream_rec(t, stream, last + 1);
}

int
store_txn_gap(struct store_txn *t, uint32_t stream, uint64_t first,
    uint64_t last, int64_t first_us, int64_t last_us, const char *reason,
    size_t reasonlen, uint64_t *gfirst, uint64_t *gn)
{
	uint64_t	next;
	size_t		pi;
	int		r;

	*gn = 0;
	*gfirst = first;
	if (last < first)
		return ERR_RANGE;
	next = txn_next_seq(t, stream, &pi);
	if (last < next)
		return 0;	/* known already (a GAP sent again) */
	if (first > next &&
	    (r = txn_jump(t, stream, next, first - 1, first_us)) != 0)
		return r;	/* next..first-1 never arrived either */
	/* what is stored already is no gap */
	if ((r = keys_gap(&t->key, stream, first > next ? first : next,
	    last)) != 0)
		return r;
	buf_reset(&t->val);
	if ((r = buf_put_u64(&t->val, (uint64_t)first_us)) != 0 ||
	    (r = buf_put_u64(&t->val, (uint64_t)last_us)) != 0 ||
	    (r = buf_put_str(&t->val, reason, reasonlen)) != 0)
		return r;
	wb_put(t, &t->key, t->val.d, t->val.len);
	/* the range is accounted for: the stream goes on after it */
	if ((r = txn_set_next_seq(t, stream, pi, last + 1)) != 0 ||
	    (r = txn_stream_rec(t, stream, last + 1)) != 0)
		return r;
	*gfirst = next;
	*gn = last - next + 1;
	return 0;
}

int
store_txn_alert(struct store_txn *t, uint64_t id, const char *json,
    size_t len)
{
	int r;

	if ((r = keys_alert(&t->key, id)) != 0)
		return r;
	wb_put(t, &t->key, json, len);
	return 0;
}

int
store_txn_commit(struct store_txn *t, char *err, size_t errlen)
{
	char		*lerr = NULL;
	size_t		 i;
	uint64_t	 base;
	int		 r;

	base = txn_base(t);
	if (t->nterms > 0 && (r = postings_flush(t, base + 1)) != 0) {
		snprintf(err, errlen, "postings: %s", err_str(r));
		return r;
	}
	if (t->nan > 0 && (r = anames_flush(t)) != 0) {
		snprintf(err, errlen, "name index: %s", err_str(r));
		return r;
	}
	pthread_rwlock_rdlock(&t->st->dblock);
	leveldb_write(t->st->db, t->st->wsync, t->wb, &lerr);
	pthread_rwlock_unlock(&t->st->dblock);
	if (lerr != NULL) {
		snprintf(err, errlen, "%s", lerr);
		leveldb_free(lerr);
		return ERR_STORE;
	}
	pthread_mutex_lock(&t->st->mtx);
	for (i = 0; i < t->npend; i++) {
		struct pend *p = &t->pend[i];

		t->st->streams[p->stream].next_seq = p->next_seq;
		if (!p->has_head)
			continue;
		if (p->stream >= t->st->nheads) {
			uint32_t	 nn = p->stream + 64;
			struct head	*nh;

			if ((nh = reallocarray(t->st->heads, nn,
			    sizeof(*nh))) == NULL)
				continue;	/* reloaded from the store */
			memset(nh + t->st->nheads, 0,
			    (nn - t->st->nheads) * sizeof(*nh));
			t->st->heads = nh;
			t->st->nheads = nn;
		}
		t->st->heads[p->stream].loaded = 1;
		memcpy(t->st->heads[p->stream].h, p->head, CHAIN_HASH);
	}
	if (t->ncommit > 0)
		t->st->commit = base + t->ncommit;
	pthread_mutex_unlock(&t->st->mtx);
	/* committed: from now on it reads the store's own state */
	t->follows = 0;
	t->ninh = 0;
	store_txn_reset(t);
	return 0;
}

struct store_iter {
	struct store		*st;
	leveldb_iterator_t	*it;
};

struct store_iter *
store_iter_new(struct store *st)
{
	struct store_iter *i;

	if ((i = malloc(sizeof(*i))) == NULL)
		return NULL;
	i->st = st;
	pthread_rwlock_rdlock(&st->dblock);
	i->it = leveldb_create_iterator(st->db, st->ropts);
	return i;
}

struct store_iter *
store_iter_new_scan(struct store *st)
{
	struct store_iter *i;

	if ((i = malloc(sizeof(*i))) == NULL)
		return NULL;
	i->st = st;
	pthread_rwlock_rdlock(&st->dblock);
	i->it = leveldb_create_iterator(st->db, st->scanopts);
	return i;
}

void
store_iter_free(struct store_iter *i)
{
	if (i == NULL)
		return;
	leveldb_iter_destroy(i->it);
	pthread_rwlock_unlock(&i->st->dblock);
	free(i);
}

void
store_iter_seek(struct store_iter *i, const void *k, size_t len)
{
	leveldb_iter_seek(i->it, k, len);
}

int
store_iter_valid(struct store_iter *i)
{
	return leveldb_iter_valid(i->it);
}

void
store_iter_next(struct store_iter *i)
{
	leveldb_iter_next(i->it);
}

void
store_iter_prev(struct store_iter *i)
{
	leveldb_iter_prev(i->it);
}

void
store_iter_seek_before(struct store_iter *i, const void *k, size_t len)
{
	leveldb_iter_seek(i->it, k, len);
	if (leveldb_iter_valid(i->it))
		leveldb_iter_prev(i->it);
	else
		leveldb_iter_seek_to_last(i->it);
}

const uint8_t *
store_iter_key(struct store_iter *i, size_t *len)
{
	return (const uint8_t *)leveldb_iter_key(i->it, len);
}

const uint8_t *
store_iter_value(struct store_iter *i, size_t *len)
{
	return (const uint8_t *)leveldb_iter_value(i->it, len);
}

int
store_get(struct store *st, const void *key, size_t klen, struct buf *out)
{
	char	*v, *lerr = NULL;
	size_t	 vl;
	int	 r;

	pthread_rwlock_rdlock(&st->dblock);
	v = leveldb_get(st->db, st->ropts, key, klen, &vl, &lerr);
	pthread_rwlock_unlock(&st->dblock);
	if (lerr != NULL) {
		log_warnx("store get: %s", lerr);
		leveldb_free(lerr);
		return ERR_STORE;
	}
	if (v == NULL)
		return ERR_NOTFOUND;
	buf_reset(out);
	r = buf_put(out, v, vl);
	leveldb_free(v);
	return r;
}

/*
 * Position it at the part of block ref that holds event idx.  When the
 * iterator is at the part before it (a block read part after part), one
 * step is enough: a seek costs a seek in every level of the tree.
 */
static int
seek_part(struct store_iter *it, const struct blockref *ref, unsigned idx,
    int after)
{
	uint8_t		 k[1 + KEYS_BLOCKREF];
	const char	*kk;
	size_t		 kl;

	k[0] = 'B';
	be32_put(k + 1, ref->stream);
	be64_put(k + 5, ref->first_seq + idx - idx % BLOCK_PART_EVENTS);
	if (after && leveldb_iter_valid(it->it)) {
		leveldb_iter_next(it->it);
		if (leveldb_iter_valid(it->it)) {
			kk = leveldb_iter_key(it->it, &kl);
			if (kl == sizeof(k) && memcmp(kk, k, kl) == 0)
				return 0;
		}
	}
	leveldb_iter_seek(it->it, (const char *)k, sizeof(k));
	if (!leveldb_iter_valid(it->it))
		return ERR_NOTFOUND;
	kk = leveldb_iter_key(it->it, &kl);
	if (kl != sizeof(k) || memcmp(kk, k, kl) != 0)
		return ERR_NOTFOUND;
	return 0;
}

int
store_iter_block(struct store_iter *it, const struct blockref *ref,
    unsigned idx, const uint8_t **v, size_t *len)
{
	int	r;

	if ((r = seek_part(it, ref, idx, 0)) != 0)
		return r;
	*v = (const uint8_t *)leveldb_iter_value(it->it, len);
	return 0;
}

void
store_blockrd_init(struct store_blockrd *rd, struct store_iter *it,
    const struct blockref *ref, const uint8_t *bm)
{
	memset(rd, 0, sizeof(*rd));
	rd->it = it;
	rd->ref = *ref;
	rd->bm = bm;
	rd->next = bm != NULL ? bitmap_next(bm, 0) : 0;
}

int
store_blockrd_next(struct store_blockrd *rd, struct block_ev *ev)
{
	const uint8_t	*v;
	size_t		 vl;
	unsigned	 skip;
	int		 r;

	for (;;) {
		if (!rd->open) {
			if (rd->next >= (rd->count ? rd->count :
			    BLOCK_MAX_EVENTS))
				return 0;
			/* the part after the one just read: one step */
			if ((r = seek_part(rd->it, &rd->ref, rd->next,
			    rd->parts > 0 && rd->next / BLOCK_PART_EVENTS ==
			    rd->last + 1)) == 0)
				v = (const uint8_t *)leveldb_iter_value(
				    rd->it->it, &vl);
			if (r != 0 && r != ERR_NOTFOUND)
				return r;
			/* a part of this block, where its key says */
			if (r != 0 || block_open(&rd->br, v, vl) != 0 ||
			    rd->br.index != rd->next - rd->next %
			    BLOCK_PART_EVENTS || (rd->count != 0 &&
			    rd->br.count != rd->count)) {
				/* missing or damaged (verify reports it):
				 * the parts after it are still read */
				rd->damaged++;
				skip = rd->next - rd->next % BLOCK_PART_EVENTS +
				    BLOCK_PART_EVENTS;
				rd->next = rd->bm != NULL ? bitmap_next(rd->bm,
				    skip) : skip;
				continue;
			}
			rd->count = rd->br.count;
			rd->open = 1;
			rd->parts++;
			rd->last = rd->next / BLOCK_PART_EVENTS;
		}
		if (rd->br.index >= rd->br.end) {
			/* this part is done: the next wanted event's part */
			rd->open = 0;
			rd->next = rd->bm != NULL ? bitmap_next(rd->bm,
			    rd->br.end) : rd->br.end;
			continue;
		}
		if ((r = block_next(&rd->br, ev)) != 1) {
			/* damaged inside: on with the next part */
			rd->damaged++;
			rd->br.index = rd->br.end;
			continue;
		}
		if (rd->bm == NULL || bitmap_isset(rd->bm, ev->index))
			return 1;
	}
}

int
store_block_find(struct store_iter *it, uint32_t stream, uint64_t seq,
    struct blockref *ref)
{
	struct block_reader	 br;
	uint8_t			 k[1 + KEYS_BLOCKREF];
	const uint8_t		*kk, *v;
	size_t			 kl, vl;

	if (seq == UINT64_MAX)
		return ERR_NOTFOUND;
	k[0] = 'B';
	be32_put(k + 1, stream);
	be64_put(k + 5, seq + 1);
	store_iter_seek_before(it, k, sizeof(k));
	if (!store_iter_valid(it))
		return ERR_NOTFOUND;
	kk = store_iter_key(it, &kl);
	if (keys_decode_block(kk, kl, ref) != 0 || ref->stream != stream)
		return ERR_NOTFOUND;
	v = store_iter_value(it, &vl);
	if (block_open(&br, v, vl) != 0 || ref->first_seq < br.index)
		return ERR_NOTFOUND;
	/* the part's key minus its index in the block: the block */
	ref->first_seq -= br.index;
	if (seq - ref->first_seq >= br.count)
		return ERR_NOTFOUND;
	return 0;
}

int
store_iter_block_all(struct store_iter *it, struct blockref *ref,
    struct buf *out)
{
	struct block_reader	 br;
	struct blockref		 pr;
	const uint8_t		*k, *v;
	size_t			 kl, vl;
	int			 r;

	buf_reset(out);
	if (!store_iter_valid(it))
		return ERR_NOTFOUND;
	k = store_iter_key(it, &kl);
	if (keys_decode_block(k, kl, ref) != 0)
		return ERR_NOTFOUND;
	for (;;) {
		v = store_iter_value(it, &vl);
		if ((r = buf_put(out, v, vl)) != 0)
			return r;
		store_iter_next(it);
		/* more parts: the same stream, at first_seq + their index0 */
		if (!store_iter_valid(it))
			break;
		k = store_iter_key(it, &kl);
		v = store_iter_value(it, &vl);
		if (keys_decode_block(k, kl, &pr) != 0 ||
		    pr.stream != ref->stream || block_open(&br, v, vl) != 0 ||
		    br.index == 0 || pr.first_seq - br.index != ref->first_seq)
			break;
	}
	return 0;
}

uint32_t
store_block_parts(struct store *st, const struct blockref *ref)
{
	struct store_iter	*it;
	struct block_reader	 br;
	const uint8_t		*v;
	size_t			 vl;
	uint32_t		 n = 1;
	unsigned		 idx;

	if ((it = store_iter_new(st)) == NULL)
		return 1;
	/*
	 * Part 0 gives the total; without it (damage, a delete cut short)
	 * any later part does: the one at first_seq + idx whose own index0
	 * is idx (a next block starting there would say 0).
	 */
	for (idx = 0; idx < BLOCK_MAX_EVENTS; idx += BLOCK_PART_EVENTS)
		if (store_iter_block(it, ref, idx, &v, &vl) == 0 &&
		    block_open(&br, v, vl) == 0 && br.index == idx) {
			n = (br.count + BLOCK_PART_EVENTS - 1) /
			    BLOCK_PART_EVENTS;
			break;
		}
	store_iter_free(it);
	return n;
}

int
store_get_alert(struct store *st, uint64_t id, struct buf *out)
{
	struct buf	k;
	int		r;

	buf_init(&k, 0);
	if ((r = keys_alert(&k, id)) == 0)
		r = store_get(st, k.d, k.len, out);
	buf_clear(&k);
	return r;
}

uint64_t
store_alert_last_id(struct store *st)
{
	struct store_iter	*it;
	const uint8_t		*k;
	size_t			 kl;
	uint64_t		 id = 0;

	if ((it = store_iter_new(st)) == NULL)
		return 0;
	/* every "L" key sorts before "M" */
	store_iter_seek_before(it, "M", 1);
	if (store_iter_valid(it)) {
		k = store_iter_key(it, &kl);
		if (keys_decode_alert(k, kl, &id) != 0)
			id = 0;
	}
	store_iter_free(it);
	return id;
}

struct store_del {
	struct store		*st;
	leveldb_writebatch_t	*wb;
	size_t			 n;
};

struct store_del *
store_del_new(struct store *st)
{
	struct store_del *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->st = st;
	if ((d->wb = leveldb_writebatch_create()) == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void
store_del_key(struct store_del *d, const void *key, size_t len)
{
	leveldb_writebatch_delete(d->wb, key, len);
	d->n++;
}

void
store_del_put(struct store_del *d, const void *key, size_t klen,
    const void *val, size_t vlen)
{
	leveldb_writebatch_put(d->wb, key, klen, val, vlen);
	d->n++;
}

size_t
store_del_count(const struct store_del *d)
{
	return d->n;
}

int
store_del_commit(struct store_del *d, char *err, size_t errlen)
{
	char *lerr = NULL;

	pthread_rwlock_rdlock(&d->st->dblock);
	leveldb_write(d->st->db, d->st->wsync, d->wb, &lerr);
	pthread_rwlock_unlock(&d->st->dblock);
	if (lerr != NULL) {
		snprintf(err, errlen, "%s", lerr);
		leveldb_free(lerr);
		return ERR_STORE;
	}
	leveldb_writebatch_clear(d->wb);
	d->n = 0;
	return 0;
}

void
store_del_free(struct store_del *d)
{
	if (d == NULL)
		return;
	leveldb_writebatch_destroy(d->wb);
	free(d);
}

void
store_compact(struct store *st, const void *start, size_t slen,
    const void *limit, size_t llen)
{
	pthread_rwlock_rdlock(&st->dblock);
	leveldb_compact_range(st->db, start, slen, limit, llen);
	pthread_rwlock_unlock(&st->dblock);
}

/* 0 when a small file can be written and synced in the store's dir,
 * else the errno. */
static int
store_probe(struct store *st)
{
	static const char	zero[512];
	char			p[4096];
	int			fd, e = 0;

	snprintf(p, sizeof(p), "%s/vigil-probe", st->dir);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return errno;
	if (write(fd, zero, sizeof(zero)) != (ssize_t)sizeof(zero) ||
	    fdatasync(fd) != 0)
		e = errno ? errno : EIO;
	close(fd);
	unlink(p);
	return e;
}

/*
 * After a failed write LevelDB's handle cannot be trusted: a failed sync
 * makes every later write fail, and a failed append leaves a hole in the
 * log that makes the recovery of a later restart drop the records after
 * it, acknowledged ones included.  So once the disk takes writes again,
 * close and reopen the database (its recovery ends the damaged log where
 * the failed record starts) before writing anything else.  The stream
 * table in memory stays: it only holds what was committed.
 */
int
store_reopen(struct store *st, char *err, size_t errlen)
{
	char	*lerr = NULL;
	int	 e, logged = 0;

	if ((e = store_probe(st)) != 0) {
		snprintf(err, errlen, "%s: %s", st->dir, strerror(e));
		return ERR_STORE;
	}
	pthread_rwlock_wrlock(&st->dblock);
	leveldb_close(st->db);
	/* no handle until this succeeds: readers wait */
	while ((st->db = leveldb_open(st->opts, st->dir, &lerr)) == NULL) {
		if (!logged++)
			log_warnx("store reopen %s: %s; trying again every "
			    "second", st->dir, lerr ? lerr : "failed");
		leveldb_free(lerr);
		lerr = NULL;
		sleep(1);
	}
	pthread_rwlock_unlock(&st->dblock);
	log_info("store %s reopened after a write error", st->dir);
	return 0;
}

uint64_t
store_last_commit(struct store *st)
{
	uint64_t c;

	pthread_mutex_lock(&st->mtx);
	c = st->commit;
	pthread_mutex_unlock(&st->mtx);
	return c;
}

uint64_t
store_disk_bytes(struct store *st)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		 p[4096];
	uint64_t	 total = 0;

	if ((d = opendir(st->dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		snprintf(p, sizeof(p), "%s/%s", st->dir, de->d_name);
		if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
			total += (uint64_t)sb.st_size;
	}
	closedir(d);
	return total;
}
