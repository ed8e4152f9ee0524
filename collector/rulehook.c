/*
 * rulehook.c -- the rules engine on the ingest path (see rulehook.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "err.h"
#include "log.h"
#include "placement.h"
#include "rulehook.h"

#define PCACHE		64		/* placement caches, by stream */
#define UCACHE		1024		/* pending updates, by alert id */
#define STATE_MAX	(256u * 1024 * 1024)

struct pending {
	uint64_t	 id;
	int		 severity;
	int		 update;
	char		 rule[128];
	char		*json;
	size_t		 len;
	/* an update: the stored alert it rewrites, so that more repeats
	 * in the same write only change its count (rendered at flush) */
	struct alert_view *view;
	struct alert	*upd;
	int		 dirty;
};

struct plist {
	struct pending	*v;
	size_t		 n, cap;
};

struct rulehook {
	struct store		*st;
	struct ruleset		*rs;
	struct rules_engine	*eng;
	size_t			 max_groups;
	rulehook_fn		 fn;
	void			*arg;
	int			 paused;
	int			 enrich;	/* some rule wants VM fields */
	struct plist		 pend;		/* raised, not in a txn */
	struct {
		uint64_t	id;
		size_t		idx;		/* in pend, + 1; 0: none */
	}			 ucache[UCACHE];
	/* stored alerts as last written, parsed: the next repeat of one in
	 * a later write need not read and parse it again */
	struct {
		uint64_t		 id;
		struct alert_view	*view;
		struct alert		*upd;
	}			 keep[UCACHE];
	/* flushed into transactions not yet committed, oldest first (a
	 * pipelined writer has at most two) */
	struct plist		 fl[2];
	int			 nfl;
	struct buf		 jb;
	struct buf		 ob;		/* a stored alert */
	struct {
		uint32_t		stream;
		struct placement_cache	pc;
	}			 pcache[PCACHE];
};

static void
plist_clear(struct plist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].json);
		free(l->v[i].view);
		free(l->v[i].upd);
	}
	l->n = 0;
}

/*
 * A suppressed repeat rewrites its alert: the original as stored (or
 * still pending), with the new suppressed count and last time.  The
 * engine's struct describes the repeat itself, whose evidence must not
 * replace the original's.
 */
/*
 * o (whose strings point into v) with a's count and last time; both
 * handed to the caller.  Not rendered: the pending update is rendered
 * once, when its write is flushed (rulehook_flush), however many repeats
 * it takes until then.
 */
static int
apply_update(const struct alert *a, struct alert_view *v, struct alert *o,
    struct alert_view **vp, struct alert **op)
{
	o->rule_id = v->rule;
	o->title = v->title;
	o->tags = v->tags;
	o->description = v->description;
	o->suppressed = a->suppressed;
	o->last_us = a->last_us;
	*vp = v;
	*op = o;
	return 0;
}

/* A copy of a pending update's parsed alert, with a's count: no parse. */
static int
copy_update(const struct pending *fp, const struct alert *a,
    struct alert_view **vp, struct alert **op)
{
	struct alert_view	*v;
	struct alert		*o;

	if ((v = malloc(sizeof(*v))) == NULL)
		return ERR_NOMEM;
	if ((o = malloc(sizeof(*o))) == NULL) {
		free(v);
		return ERR_NOMEM;
	}
	*v = *fp->view;
	*o = *fp->upd;
	return apply_update(a, v, o, vp, op);
}

/*
 * The alert a repeats, parsed, with a's count and last time: from the
 * write being prepared, a flushed one, the kept copy of the last stored
 * version, or else the store (parsed).  Rendered at the flush.
 */
static int
update_parsed(struct rulehook *h, const struct alert *a,
    struct alert_view **vp, struct alert **op)
{
	struct alert_view	*v;
	struct alert		*o;
	const char		*json = NULL;
	size_t			 len = 0, i;
	int			 r;

	for (i = h->pend.n; i > 0; i--)
		if (h->pend.v[i - 1].id == a->id) {
			const struct pending *pp = &h->pend.v[i - 1];

			/* an update (not rendered yet) or a new alert */
			if (pp->upd != NULL)
				return copy_update(pp, a, vp, op);
			json = pp->json;
			len = pp->len;
			break;
		}
	/* in a write not yet committed: newer than the store's copy */
	for (int k = h->nfl - 1; json == NULL && k >= 0; k--)
		for (i = h->fl[k].n; i > 0; i--) {
			const struct pending *fp = &h->fl[k].v[i - 1];

			if (fp->id != a->id || fp->json == NULL)
				continue;
			if (fp->upd != NULL)	/* rendered at the flush */
				return copy_update(fp, a, vp, op);
			json = fp->json;
			len = fp->len;
			break;
		}
	i = a->id % UCACHE;
	if (json == NULL && h->keep[i].upd != NULL &&
	    h->keep[i].id == a->id) {
		/* as this hook last stored it: only the count changes */
		v = h->keep[i].view;
		o = h->keep[i].upd;
		h->keep[i].view = NULL;
		h->keep[i].upd = NULL;
		return apply_update(a, v, o, vp, op);
	}
	if (json == NULL) {
		if (store_get_alert(h->st, a->id, &h->ob) != 0)
			return ERR_NOTFOUND;
		json = (const char *)h->ob.d;
		len = h->ob.len;
	}
	if ((v = malloc(sizeof(*v))) == NULL)
		return ERR_NOMEM;
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		free(v);
		return ERR_NOMEM;
	}
	if ((r = alert_parse(json, len, v)) != 0) {
		free(v);
		free(o);
		return r;
	}
	o->id = v->id;
	o->update = 1;
	o->severity = v->severity;
	o->ts_us = v->ts_us;
	o->first_us = v->first_us;
	memcpy(o->group, v->group, sizeof(o->group));
	memcpy(o->message, v->message, sizeof(o->message));
	o->count = v->count;
	o->nrefs = v->nrefs;
	memcpy(o->refs, v->refs, sizeof(o->refs));
	return apply_update(a, v, o, vp, op);
}

static void
on_alert(const struct alert *a, void *arg)
{
	struct rulehook	*h = arg;
	struct pending	*p;
	struct alert_view *view = NULL;
	struct alert	*upd = NULL;
	size_t		 slot = a->id % UCACHE;

	if (a->update && h->ucache[slot].idx != 0 &&
	    h->ucache[slot].id == a->id) {
		/* another repeat in this write: only the count changes */
		p = &h->pend.v[h->ucache[slot].idx - 1];
		p->upd->suppressed = a->suppressed;
		p->upd->last_us = a->last_us;
		p->dirty = 1;
		return;
	}
	buf_reset(&h->jb);
	if (a->update && update_parsed(h, a, &view, &upd) == 0)
		;	/* the original, updated: rendered at the flush */
	else if (alert_json(a, &h->jb) != 0) {
		log_warnx("rules: alert %llu of %s cannot be encoded",
		    (unsigned long long)a->id, a->rule_id);
		return;
	}
	if (h->pend.n == h->pend.cap) {
		size_t	 nc = h->pend.cap ? h->pend.cap * 2 : 16;

		if ((p = reallocarray(h->pend.v, nc, sizeof(*p))) == NULL)
			goto nomem;
		h->pend.v = p;
		h->pend.cap = nc;
	}
	p = &h->pend.v[h->pend.n];
	p->json = NULL;
	p->len = 0;
	if (upd == NULL) {
		if ((p->json = malloc(h->jb.len + 1)) == NULL)
			goto nomem;
		memcpy(p->json, h->jb.d, h->jb.len);
		p->json[h->jb.len] = '\0';
		p->len = h->jb.len;
	}
	p->view = view;
	p->upd = upd;
	p->dirty = upd != NULL;
	if (upd != NULL) {
		h->ucache[slot].id = a->id;
		h->ucache[slot].idx = h->pend.n + 1;
	}
	p->id = a->id;
	p->severity = a->severity;
	p->update = a->update;
	snprintf(p->rule, sizeof(p->rule), "%s", a->rule_id);
	h->pend.n++;
	return;
 nomem:
	free(view);
	free(upd);
	log_warnx("rules: out of memory, alert %llu of %s lost",
	    (unsigned long long)a->id, a->rule_id);
}

static void
on_event(void *arg, struct record *ev, const struct stream_meta *m,
    uint32_t stream, uint64_t seq)
{
	struct rulehook	*h = arg;
	struct rule_ref	 ref;
	size_t		 slot = stream % PCACHE;

	if (h->paused || h->eng == NULL)
		return;
	if (h->enrich && rules_event_wants_vm(h->eng, ev)) {
		if (h->pcache[slot].stream != stream) {
			h->pcache[slot].stream = stream;
			h->pcache[slot].pc.valid = 0;
		}
		placement_enrich(h->st, m, ev, &h->pcache[slot].pc);
	}
	ref.stream = stream;
	ref.seq = seq;
	ref.ts_us = ev->ts_us;
	rules_event(h->eng, ev, &ref);
}

static int
wants_vm(const struct ruleset *rs)
{
	return rules_wants(rs, "vm.uuid") || rules_wants(rs, "vm.name") ||
	    rules_wants(rs, "hypervisor.name");
}

static struct rules_engine *
engine_new(struct rulehook *h, uint64_t next_id)
{
	struct rules_opts o;

	memset(&o, 0, sizeof(o));
	o.max_groups = h->max_groups;
	o.next_id = next_id;
	return rules_engine_new(h->rs, &o, on_alert, h);
}

struct rulehook *
rulehook_new(struct store *st, struct ruleset *rs, size_t max_groups,
    rulehook_fn fn, void *arg)
{
	struct rulehook	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->st = st;
	h->rs = rs;
	h->max_groups = max_groups;
	h->fn = fn;
	h->arg = arg;
	h->enrich = wants_vm(rs);
	buf_init(&h->jb, 0);
	buf_init(&h->ob, 0);
	for (size_t i = 0; i < PCACHE; i++)
		h->pcache[i].stream = UINT32_MAX;
	if ((h->eng = engine_new(h, store_alert_last_id(st) + 1)) == NULL) {
		buf_clear(&h->jb);
		free(h);
		return NULL;
	}
	return h;
}

void
rulehook_free(struct rulehook *h)
{
	if (h == NULL)
		return;
	rules_engine_free(h->eng);
	rules_free(h->rs);
	plist_clear(&h->pend);
	free(h->pend.v);
	for (size_t k = 0; k < UCACHE; k++) {
		free(h->keep[k].view);
		free(h->keep[k].upd);
	}
	for (int k = 0; k < 2; k++) {
		plist_clear(&h->fl[k]);
		free(h->fl[k].v);
	}
	buf_clear(&h->jb);
	buf_clear(&h->ob);
	free(h);
}

void
rulehook_attach(struct rulehook *h, struct store_txn *t)
{
	store_txn_set_eventfn(t, on_event, h);
}

void
rulehook_pause(struct rulehook *h, int paused)
{
	h->paused = paused;
}

void
rulehook_tick(struct rulehook *h, int64_t now_us)
{
	rules_tick(h->eng, now_us);
}

size_t
rulehook_pending(const struct rulehook *h)
{
	return h->pend.n;
}

int
rulehook_flush(struct rulehook *h, struct store_txn *t)
{
	struct plist	 tmp;
	struct pending	*p;
	size_t		 i;
	int		 r;

	if (h->nfl == 2)
		return ERR_INTERNAL;	/* the writer commits first */
	for (i = 0; i < h->pend.n; i++) {
		p = &h->pend.v[i];
		if (p->dirty) {		/* repeats since it was rendered */
			buf_reset(&h->jb);
			if ((r = alert_json(p->upd, &h->jb)) != 0)
				goto fail;
			free(p->json);
			if ((p->json = malloc(h->jb.len + 1)) == NULL) {
				r = ERR_NOMEM;
				goto fail;
			}
			memcpy(p->json, h->jb.d, h->jb.len);
			p->json[h->jb.len] = '\0';
			p->len = h->jb.len;
			p->dirty = 0;
		}
		if ((r = store_txn_alert(t, p->id, p->json, p->len)) != 0)
			goto fail;
	}
	memset(h->ucache, 0, sizeof(h->ucache));
	/* pend joins the flushed lists, an empty one becomes pend */
	plist_clear(&h->fl[h->nfl]);
	tmp = h->fl[h->nfl];
	h->fl[h->nfl++] = h->pend;
	h->pend = tmp;
	return 0;
 fail:
	/* the alerts stay pending for the next write (rewriting a key is
	 * harmless); this write gets an empty list, so that every flush
	 * has its rulehook_committed */
	plist_clear(&h->fl[h->nfl++]);
	return r;
}

/* The oldest flushed write is done: its alerts go out when it was stored. */
void
rulehook_committed(struct rulehook *h, int stored)
{
	struct alert_out	o;
	struct plist		tmp;
	struct plist		*l = &h->fl[0];

	if (h->nfl == 0)
		return;
	for (size_t i = 0; stored && i < l->n; i++) {
		struct pending	*p = &l->v[i];
		size_t		 k = p->id % UCACHE;

		if (p->upd != NULL && !p->dirty) {
			/* as stored now: kept for the next repeat */
			free(h->keep[k].view);
			free(h->keep[k].upd);
			h->keep[k].id = p->id;
			h->keep[k].view = p->view;
			h->keep[k].upd = p->upd;
			p->view = NULL;
			p->upd = NULL;
		}
		o.id = l->v[i].id;
		o.severity = l->v[i].severity;
		o.update = l->v[i].update;
		o.rule = l->v[i].rule;
		o.json = l->v[i].json;
		o.len = l->v[i].len;
		if (h->fn != NULL)
			h->fn(&o, h->arg);
	}
	plist_clear(l);
	tmp = h->fl[0];
	h->fl[0] = h->fl[1];
	h->fl[1] = tmp;
	h->nfl--;
}

void
rulehook_swap(struct rulehook *h, struct ruleset *rs)
{
	struct rules_engine	*ne;
	struct ruleset		*old = h->rs;
	struct rules_stats	 s;
	struct buf		 b;

	rules_stats(h->eng, &s);
	h->rs = rs;			/* engine_new reads it */
	if ((ne = engine_new(h, s.next_id)) == NULL) {
		log_warnx("rules: reload failed: out of memory; the "
		    "previous rules stay in force");
		h->rs = old;
		rules_free(rs);
		return;
	}
	buf_init(&b, STATE_MAX);
	if (rules_state_save(h->eng, &b) != 0 ||
	    rules_state_load(ne, b.d, b.len) != 0)
		log_warnx("rules: window state not carried over the reload");
	buf_clear(&b);
	rules_engine_free(h->eng);
	rules_free(old);
	h->eng = ne;
	h->enrich = wants_vm(rs);
}

int
rulehook_save(struct rulehook *h, const char *path)
{
	struct buf	 b;
	char		 tmp[4096];
	int		 fd = -1, r = ERR_IO;
	size_t		 off;
	ssize_t		 n;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return ERR_TOOBIG;
	buf_init(&b, STATE_MAX);
	if ((r = rules_state_save(h->eng, &b)) != 0)
		goto out;
	r = ERR_IO;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		goto out;
	for (off = 0; off < b.len; off += (size_t)n)
		if ((n = write(fd, b.d + off, b.len - off)) <= 0)
			goto out;
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto out;
	r = 0;
 out:
	if (r != 0) {
		log_warn("rules: cannot save window state to %s", path);
		if (fd != -1)
			close(fd);
		unlink(tmp);
	}
	buf_clear(&b);
	return r;
}

int
rulehook_load(struct rulehook *h, const char *path)
{
	struct stat	 sb;
	uint8_t		*d = NULL;
	size_t		 off;
	ssize_t		 n;
	int		 fd, r = ERR_IO;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
	if (fstat(fd, &sb) == -1 || sb.st_size < 0 ||
	    (uint64_t)sb.st_size > STATE_MAX)
		goto out;
	if ((d = malloc((size_t)sb.st_size + 1)) == NULL) {
		r = ERR_NOMEM;
		goto out;
	}
	for (off = 0; off < (size_t)sb.st_size; off += (size_t)n)
		if ((n = read(fd, d + off, (size_t)sb.st_size - off)) <= 0)
			goto out;
	r = rules_state_load(h->eng, d, (size_t)sb.st_size);
 out:
	close(fd);
	free(d);
	return r;
}

void
rulehook_stats(const struct rulehook *h, struct rules_stats *s)
{
	rules_stats(h->eng, s);
}
