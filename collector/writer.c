/*
 * writer.c -- the storage threads (see writer.h).
 *
 * Two threads in a pipeline.  The writer thread prepares a round: it
 * takes every queued job, decodes, indexes and runs the rules into one
 * store transaction.  The commit thread writes the prepared transaction
 * (one synced LevelDB write) while the writer thread already prepares the
 * next one, which follows it (store_txn_follow: it sees the first one's
 * sequences, chain heads and numbers before they are committed).  At most
 * one transaction is being committed and one prepared; commits happen in
 * order.
 *
 * Queue states of a job: submitted (queue, mutex) -> being prepared (the
 * writer thread's local list) -> being committed (the commit thread's
 * list) -> done (done list, mutex) -> delivered on the event loop by
 * done_cb.  A LevelDB write error stops acks: the commit is retried every
 * second, after reopening the store (store_reopen), so the queue fills,
 * the sessions stop reading and the shippers keep their data until
 * storage works again.  A stop request ends the retries: the round, and
 * the one prepared after it, are delivered as failed (no ACK).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "err.h"
#include "internal.h"
#include "log.h"
#include "stats.h"
#include "writer.h"

#define ROUND_MAX_EVENTS	16384	/* a deep queue is split into rounds:
					 * one commits, the next is prepared */
#define WRITER_SAVE_US		(10 * 1000000LL)	/* rules state */
#define ALERTQ_MAX		10000	/* alerts waiting for the loop */

struct qalert {
	TAILQ_ENTRY(qalert)	 entry;
	struct alert_out	 a;
	char			 rule[128];
	char			 json[];
};
TAILQ_HEAD(qalertq, qalert);

struct writer {
	struct store		*st;
	struct store_txn	*txns[2];
	struct store_txn	*txn;		/* being prepared: one of txns */
	struct event		*doneev;
	writer_donefn		 donefn;
	void			*arg;
	pthread_t		 thr;
	int			 started;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
	struct wjobq		 q, done;
	int			 stop;
	/* the commit thread (mutex) */
	pthread_t		 cthr;
	int			 cstarted;
	pthread_cond_t		 ccv;
	struct store_txn	*ctxn;		/* to commit; NULL: idle */
	struct wjobq		 cjobs;		/* its jobs */
	int			 cstop;
	int			 cfailed;	/* the last commit failed */
	int			 cdone;		/* commits not yet reaped */
	int			 cdone_ok[2];	/* their outcome, oldest first */
	uint32_t		 istream;	/* internal stream, or MAX */
	struct buf		 ibuf;
	/* rules (NULL: none) */
	struct rulehook		*hook;
	char			*state_path;
	struct ruleset		*reload;	/* mutex: next rules */
	int64_t			 last_tick, last_save;
	struct event		*alertev;
	writer_alertfn		 alertfn;
	void			*alertarg;
	struct qalertq		 alerts;	/* mutex: for the loop */
	size_t			 nalerts;
	uint64_t		 alerts_dropped;
	struct rules_stats	 rstats;	/* mutex: last round's */
};

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
wjob_free(struct wjob *j)
{
	if (j == NULL)
		return;
	free(j->payload);
	free(j->pre);
	free(j);
}

static void
writer_donecb(evutil_socket_t fd, short ev, void *arg)
{
	struct writer	*w = arg;
	struct wjobq	 l;
	struct wjob	*j;

	(void)fd;
	(void)ev;
	TAILQ_INIT(&l);
	pthread_mutex_lock(&w->mtx);
	TAILQ_CONCAT(&l, &w->done, entry);
	pthread_mutex_unlock(&w->mtx);
	while ((j = TAILQ_FIRST(&l)) != NULL) {
		TAILQ_REMOVE(&l, j, entry);
		w->donefn(j, w->arg);
	}
}

/* rulehook_fn: on the writer thread, after the commit */
static void
writer_alert(const struct alert_out *a, void *arg)
{
	struct writer	*w = arg;
	struct qalert	*q;

	pthread_mutex_lock(&w->mtx);
	if (w->nalerts >= ALERTQ_MAX) {
		/* stored anyway: only the outputs miss it */
		if (w->alerts_dropped++ == 0)
			log_warnx("rules: alert outputs fall behind, alert "
			    "%llu not sent (stored)", (unsigned long long)
			    a->id);
		pthread_mutex_unlock(&w->mtx);
		return;
	}
	pthread_mutex_unlock(&w->mtx);
	if ((q = malloc(sizeof(*q) + a->len + 1)) == NULL)
		return;
	q->a = *a;
	memcpy(q->json, a->json, a->len);
	q->json[a->len] = '\0';
	q->a.json = q->json;
	snprintf(q->rule, sizeof(q->rule), "%s", a->rule);
	q->a.rule = q->rule;
	pthread_mutex_lock(&w->mtx);
	TAILQ_INSERT_TAIL(&w->alerts, q, entry);
	w->nalerts++;
	pthread_mutex_unlock(&w->mtx);
	event_active(w->alertev, 0, 0);
}

/* on the event loop: hand the committed alerts to the outputs */
static void
writer_alertcb(evutil_socket_t fd, short ev, void *arg)
{
	struct writer	*w = arg;
	struct qalertq	 l;
	struct qalert	*q;

	(void)fd;
	(void)ev;
	TAILQ_INIT(&l);
	pthread_mutex_lock(&w->mtx);
	TAILQ_CONCAT(&l, &w->alerts, entry);
	w->nalerts = 0;
	pthread_mutex_unlock(&w->mtx);
	while ((q = TAILQ_FIRST(&l)) != NULL) {
		TAILQ_REMOVE(&l, q, entry);
		if (w->alertfn != NULL)
			w->alertfn(&q->a, w->alertarg);
		free(q);
	}
}

int
writer_set_rules(struct writer *w, struct ruleset *rs, size_t max_groups,
    const char *state_path, writer_alertfn fn, void *arg)
{
	int r;

	if ((w->hook = rulehook_new(w->st, rs, max_groups, writer_alert,
	    w)) == NULL)
		return ERR_NOMEM;
	if (state_path != NULL && (w->state_path = strdup(state_path)) ==
	    NULL)
		return ERR_NOMEM;
	w->alertfn = fn;
	w->alertarg = arg;
	rulehook_attach(w->hook, w->txns[0]);
	rulehook_attach(w->hook, w->txns[1]);
	if (state_path != NULL) {
		r = rulehook_load(w->hook, state_path);
		if (r != 0 && r != ERR_NOTFOUND)
			log_warnx("rules: window state %s not loaded (%s): "
			    "windows start empty", state_path, err_str(r));
	}
	return 0;
}

void
writer_reload(struct writer *w, struct ruleset *rs)
{
	struct ruleset *old;

	pthread_mutex_lock(&w->mtx);
	old = w->reload;
	w->reload = rs;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mtx);
	rules_free(old);
}

void
writer_rules_stats(struct writer *w, struct rules_stats *s,
    uint64_t *dropped)
{
	pthread_mutex_lock(&w->mtx);
	*s = w->rstats;
	*dropped = w->alerts_dropped;
	pthread_mutex_unlock(&w->mtx);
}

struct writer *
writer_new(struct store *st, struct event_base *base, writer_donefn fn,
    void *arg)
{
	struct writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->st = st;
	w->donefn = fn;
	w->arg = arg;
	TAILQ_INIT(&w->q);
	TAILQ_INIT(&w->done);
	TAILQ_INIT(&w->cjobs);
	w->istream = UINT32_MAX;
	TAILQ_INIT(&w->alerts);
	buf_init(&w->ibuf, PROTO_FRAME_MAX);
	pthread_mutex_init(&w->mtx, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_cond_init(&w->ccv, NULL);
	w->txns[0] = store_txn_new(st);
	w->txns[1] = store_txn_new(st);
	w->txn = w->txns[0];
	if (w->txns[0] == NULL || w->txns[1] == NULL ||
	    (w->doneev = event_new(base, -1, 0, writer_donecb, w)) == NULL ||
	    (w->alertev = event_new(base, -1, 0, writer_alertcb, w)) ==
	    NULL) {
		if (w->doneev != NULL)
			event_free(w->doneev);
		store_txn_free(w->txns[0]);
		store_txn_free(w->txns[1]);
		free(w);
		return NULL;
	}
	return w;
}

/*
 * A gap (sequences a shipper reported lost, or a jump the store saw)
 * becomes an event of the collector's internal stream in the same write,
 * so that searches and rules see it:
 *   event=sequence_gap sender=H stream=PATH first=N last=M missing=K
 *   reason=R
 */
static void
gap_event(struct writer *w, uint32_t stream, uint64_t first, uint64_t last,
    const char *reason, size_t reasonlen, int64_t now)
{
	struct stream_meta	 m;
	struct proto_batch	 b;
	char			 msg[1600], why[64];
	uint32_t		 stored, dups;
	uint64_t		 gap;
	size_t			 i;

	if (store_stream_meta(w->st, stream, &m) != 0)
		return;
	if (w->istream == UINT32_MAX && internal_stream(w->st,
	    &w->istream) != 0) {
		w->istream = UINT32_MAX;
		return;
	}
	if (stream == w->istream)
		return;
	/* values are space-separated words */
	for (i = 0; m.name[i] != '\0'; i++)
		if (m.name[i] == ' ' || (unsigned char)m.name[i] < 0x20)
			m.name[i] = '_';
	for (i = 0; i < reasonlen && i < sizeof(why) - 1; i++)
		why[i] = reason[i] == ' ' || (unsigned char)reason[i] < 0x21 ?
		    '_' : reason[i];
	why[i] = '\0';
	snprintf(msg, sizeof(msg), "event=sequence_gap sender=%s stream=%s "
	    "first=%llu last=%llu missing=%llu reason=%s", m.sender, m.name,
	    (unsigned long long)first, (unsigned long long)last,
	    (unsigned long long)(last - first + 1), why[0] ? why : "-");
	if (internal_batch(&w->ibuf, now, msg, &b) == 0)
		(void)store_txn_add(w->txn, w->istream, &b, now, 0, &stored,
		    &dups, &gap);
}

static void
run_job(struct writer *w, struct wjob *j)
{
	if (j->kind == WJOB_GAP) {
		uint64_t gfirst;

		j->status = store_txn_gap(w->txn, j->stream, j->gap.first_seq,
		    j->gap.last_seq, j->gap.first_us, j->gap.last_us,
		    j->gap.reason, j->gap.reasonlen, &gfirst, &j->gapn);
		if (j->status == 0 && j->gapn > 0) {
			struct stream_meta m;

			if (store_stream_meta(w->st, j->stream, &m) == 0)
				log_warnx("stream %s:%s: sequences %llu-%llu "
				    "lost by the sender (%.*s)", m.sender,
				    m.name, (unsigned long long)gfirst,
				    (unsigned long long)(gfirst + j->gapn - 1),
				    (int)j->gap.reasonlen, j->gap.reason);
			gap_event(w, j->stream, gfirst, gfirst + j->gapn - 1,
			    j->gap.reason, j->gap.reasonlen, j->recv_us);
		}
	} else {
		uint64_t up, d0, d1;

		store_txn_decodes(w->txn, &up, &d0);
		j->status = store_txn_add_decoded(w->txn, j->stream, &j->batch,
		    j->pre, j->prelen, j->recv_us, j->tzoff, &j->stored,
		    &j->dups, &j->gapn);
		store_txn_decodes(w->txn, &up, &d1);
		if (d1 > d0)
			STATS_ADD(writer_decoded, (int64_t)(d1 - d0));
		if (j->status == 0 && j->gapn > 0)
			gap_event(w, j->stream, j->batch.first_seq - j->gapn,
			    j->batch.first_seq - 1, "missing", 7, j->recv_us);
	}
}

/* Wait for jobs; with rules, wake every second for the engine's clock. */
static void
wait_jobs(struct writer *w)
{
	struct timespec	ts;

	if (w->hook == NULL) {
		pthread_cond_wait(&w->cv, &w->mtx);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	pthread_cond_timedwait(&w->cv, &w->mtx, &ts);
}

/* Rules housekeeping once a second: reload, clock, state snapshot. */
static void
rules_second(struct writer *w, int64_t now)
{
	struct ruleset *rs;

	pthread_mutex_lock(&w->mtx);
	rs = w->reload;
	w->reload = NULL;
	pthread_mutex_unlock(&w->mtx);
	if (rs != NULL) {
		rulehook_swap(w->hook, rs);
		log_info("rules reloaded: %d rules in force", rules_count(rs));
	}
	if (now - w->last_tick >= 1000000) {
		rulehook_tick(w->hook, now);
		w->last_tick = now;
	}
	if (w->state_path != NULL && now - w->last_save >= WRITER_SAVE_US) {
		(void)rulehook_save(w->hook, w->state_path);
		w->last_save = now;
	}
}

static int
writer_stopping(struct writer *w)
{
	int stop;

	pthread_mutex_lock(&w->mtx);
	stop = w->stop;
	pthread_mutex_unlock(&w->mtx);
	return stop;
}

/* The commit thread: write each prepared transaction, in order. */
static void *
commit_main(void *arg)
{
	struct writer		*w = arg;
	struct store_txn	*t;
	struct wjobq		 l;
	struct wjob		*j;
	char			 err[512];
	int			 r, logged = 0;

	pthread_setname_np(pthread_self(), "vigil-commit");

	for (;;) {
		TAILQ_INIT(&l);
		pthread_mutex_lock(&w->mtx);
		while (w->ctxn == NULL && !w->cstop)
			pthread_cond_wait(&w->ccv, &w->mtx);
		if ((t = w->ctxn) == NULL) {
			pthread_mutex_unlock(&w->mtx);
			break;
		}
		TAILQ_CONCAT(&l, &w->cjobs, entry);
		pthread_mutex_unlock(&w->mtx);

		while ((r = store_txn_commit(t, err, sizeof(err))) != 0) {
			STATS_ADD(store_errors, 1);
			if (!logged++)
				log_warnx("store write failed, not "
				    "acknowledging until it works: %s", err);
			if (writer_stopping(w))
				break;
			sleep(1);
			/* the failed write may have broken the handle:
			 * store_reopen says why the same one cannot do */
			while (store_reopen(w->st, err, sizeof(err)) != 0 &&
			    !writer_stopping(w))
				sleep(1);
		}
		if (r != 0) {
			/* stopping: no ACK; the shippers send it again */
			log_warnx("stopping with %zu events not stored",
			    store_txn_events(t));
			TAILQ_FOREACH(j, &l, entry)
				if (j->status == 0)
					j->status = ERR_STORE;
			store_txn_reset(t);
		} else {
			if (logged) {
				log_info("store writes work again");
				logged = 0;
			}
			STATS_ADD(commits, 1);
		}
		pthread_mutex_lock(&w->mtx);
		TAILQ_CONCAT(&w->done, &l, entry);
		w->ctxn = NULL;
		w->cfailed = r != 0;
		w->cdone_ok[w->cdone++] = r == 0;
		pthread_cond_broadcast(&w->ccv);
		pthread_cond_signal(&w->cv);	/* reap the alerts */
		pthread_mutex_unlock(&w->mtx);
		event_active(w->doneev, 0, 0);
	}
	return NULL;
}

/* On the writer thread: the alerts of finished commits go out. */
static void
reap(struct writer *w)
{
	struct rules_stats	rs;
	int			ok[2], n, i;

	pthread_mutex_lock(&w->mtx);
	n = w->cdone;
	ok[0] = w->cdone_ok[0];
	ok[1] = w->cdone_ok[1];
	w->cdone = 0;
	pthread_mutex_unlock(&w->mtx);
	if (w->hook == NULL || n == 0)
		return;
	for (i = 0; i < n; i++)
		rulehook_committed(w->hook, ok[i]);	/* only stored ones */
	rulehook_stats(w->hook, &rs);
	pthread_mutex_lock(&w->mtx);
	w->rstats = rs;
	pthread_mutex_unlock(&w->mtx);
}

/*
 * Hand the prepared transaction to the commit thread once it is idle;
 * the other transaction follows it.  When the previous commit failed
 * (stopping), this round cannot be stored either.
 */
static void
hand_over(struct writer *w, struct wjobq *l)
{
	struct store_txn	*next;
	struct wjob		*j;
	int			 failed;

	pthread_mutex_lock(&w->mtx);
	while (w->ctxn != NULL)
		pthread_cond_wait(&w->ccv, &w->mtx);
	failed = w->cfailed;
	pthread_mutex_unlock(&w->mtx);
	reap(w);
	next = w->txn == w->txns[0] ? w->txns[1] : w->txns[0];
	if (!failed && store_txn_follow(next, w->txn) != 0) {
		/* no room for the baseline: commit this one first */
		pthread_mutex_lock(&w->mtx);
		w->ctxn = w->txn;
		TAILQ_CONCAT(&w->cjobs, l, entry);
		pthread_cond_broadcast(&w->ccv);
		while (w->ctxn != NULL)
			pthread_cond_wait(&w->ccv, &w->mtx);
		pthread_mutex_unlock(&w->mtx);
		reap(w);
		store_txn_reset(next);
		w->txn = next;
		return;
	}
	if (failed) {
		TAILQ_FOREACH(j, l, entry)
			if (j->status == 0)
				j->status = ERR_STORE;
		store_txn_reset(w->txn);
		if (w->hook != NULL)
			rulehook_committed(w->hook, 0);
		pthread_mutex_lock(&w->mtx);
		TAILQ_CONCAT(&w->done, l, entry);
		pthread_mutex_unlock(&w->mtx);
		event_active(w->doneev, 0, 0);
		return;
	}
	pthread_mutex_lock(&w->mtx);
	w->ctxn = w->txn;
	TAILQ_CONCAT(&w->cjobs, l, entry);
	pthread_cond_broadcast(&w->ccv);
	pthread_mutex_unlock(&w->mtx);
	w->txn = next;
}

static void *
writer_main(void *arg)
{
	struct writer	*w = arg;
	struct wjobq	 l;
	struct wjob	*j;
	size_t		 n;
	int		 r, failed, stop;

	pthread_setname_np(pthread_self(), "vigil-writer");

	for (;;) {
		TAILQ_INIT(&l);
		pthread_mutex_lock(&w->mtx);
		if (TAILQ_EMPTY(&w->q) && !w->stop && w->cdone == 0)
			wait_jobs(w);
		stop = w->stop;
		n = 0;
		while ((j = TAILQ_FIRST(&w->q)) != NULL &&
		    n < ROUND_MAX_EVENTS) {
			TAILQ_REMOVE(&w->q, j, entry);
			TAILQ_INSERT_TAIL(&l, j, entry);
			n += j->kind == WJOB_BATCH ? j->batch.count : 1;
		}
		pthread_mutex_unlock(&w->mtx);
		reap(w);
		if (w->hook != NULL)
			rules_second(w, now_us());
		if (TAILQ_EMPTY(&l) && (w->hook == NULL ||
		    rulehook_pending(w->hook) == 0)) {
			if (stop)
				break;
			continue;
		}

		failed = 0;
		TAILQ_FOREACH(j, &l, entry) {
			run_job(w, j);
			if (j->status != 0 && j->status != ERR_NOTFOUND)
				failed = 1;
		}
		if (failed) {
			/* a half-added job may be in the batch: redo each
			 * good job alone so that nothing partial lands (the
			 * rules saw them once already) */
			store_txn_reset(w->txn);
			if (w->hook != NULL)
				rulehook_pause(w->hook, 1);
			TAILQ_FOREACH(j, &l, entry)
				if (j->status == 0)
					run_job(w, j);
			if (w->hook != NULL)
				rulehook_pause(w->hook, 0);
		}
		if (w->hook != NULL &&
		    (r = rulehook_flush(w->hook, w->txn)) != 0)
			log_warnx("rules: alerts not stored: %s",
			    err_str(r));
		hand_over(w, &l);
	}
	/* the last commit, then the commit thread ends */
	pthread_mutex_lock(&w->mtx);
	while (w->ctxn != NULL)
		pthread_cond_wait(&w->ccv, &w->mtx);
	w->cstop = 1;
	pthread_cond_broadcast(&w->ccv);
	pthread_mutex_unlock(&w->mtx);
	reap(w);
	if (w->hook != NULL && w->state_path != NULL)
		(void)rulehook_save(w->hook, w->state_path);
	return NULL;
}

int
writer_start(struct writer *w)
{
	if (pthread_create(&w->cthr, NULL, commit_main, w) != 0)
		return ERR_IO;
	w->cstarted = 1;
	if (pthread_create(&w->thr, NULL, writer_main, w) != 0)
		return ERR_IO;
	w->started = 1;
	return 0;
}

void
writer_submit(struct writer *w, struct wjob *j)
{
	pthread_mutex_lock(&w->mtx);
	TAILQ_INSERT_TAIL(&w->q, j, entry);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mtx);
}

void
writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mtx);
		w->stop = 1;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mtx);
		pthread_join(w->thr, NULL);
	}
	if (w->cstarted) {
		pthread_mutex_lock(&w->mtx);
		w->cstop = 1;
		pthread_cond_broadcast(&w->ccv);
		pthread_mutex_unlock(&w->mtx);
		pthread_join(w->cthr, NULL);
	}
	writer_donecb(-1, 0, w);
	writer_alertcb(-1, 0, w);
	event_free(w->doneev);
	event_free(w->alertev);
	rulehook_free(w->hook);
	rules_free(w->reload);
	free(w->state_path);
	store_txn_free(w->txns[0]);
	store_txn_free(w->txns[1]);
	buf_clear(&w->ibuf);
	pthread_mutex_destroy(&w->mtx);
	pthread_cond_destroy(&w->cv);
	pthread_cond_destroy(&w->ccv);
	free(w);
}
