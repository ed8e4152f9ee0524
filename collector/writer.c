/*
 * writer.c -- the storage thread (see writer.h).
 *
 * Queue states of a job: submitted (queue, mutex) -> being stored (the
 * thread's local list) -> done (done list, mutex) -> delivered on the
 * event loop by done_cb.  A LevelDB write error stops acks: the round is
 * retried every second, after reopening the store (store_reopen), so the
 * queue fills, the sessions stop reading and the shippers keep their data
 * until storage works again.  A stop request ends the retries: the round
 * is then delivered as failed (no ACK).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "err.h"
#include "log.h"
#include "stats.h"
#include "writer.h"

#define ROUND_MAX_EVENTS	65536

struct writer {
	struct store		*st;
	struct store_txn	*txn;
	struct event		*doneev;
	writer_donefn		 donefn;
	void			*arg;
	pthread_t		 thr;
	int			 started;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
	struct wjobq		 q, done;
	int			 stop;
};

void
wjob_free(struct wjob *j)
{
	if (j == NULL)
		return;
	free(j->payload);
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
	pthread_mutex_init(&w->mtx, NULL);
	pthread_cond_init(&w->cv, NULL);
	if ((w->txn = store_txn_new(st)) == NULL ||
	    (w->doneev = event_new(base, -1, 0, writer_donecb, w)) == NULL) {
		store_txn_free(w->txn);
		free(w);
		return NULL;
	}
	return w;
}

static void
run_job(struct writer *w, struct wjob *j)
{
	if (j->kind == WJOB_GAP)
		j->status = store_txn_gap(w->txn, j->stream, j->gap.first_seq,
		    j->gap.last_seq, j->gap.first_us, j->gap.last_us,
		    j->gap.reason, j->gap.reasonlen);
	else
		j->status = store_txn_add(w->txn, j->stream, &j->batch,
		    j->recv_us, j->tzoff, &j->stored, &j->dups, &j->gapn);
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

static void *
writer_main(void *arg)
{
	struct writer	*w = arg;
	struct wjobq	 l;
	struct wjob	*j;
	char		 err[512];
	size_t		 n;
	int		 r, failed, logged = 0;

	for (;;) {
		TAILQ_INIT(&l);
		pthread_mutex_lock(&w->mtx);
		while (TAILQ_EMPTY(&w->q) && !w->stop)
			pthread_cond_wait(&w->cv, &w->mtx);
		if (TAILQ_EMPTY(&w->q) && w->stop) {
			pthread_mutex_unlock(&w->mtx);
			break;
		}
		n = 0;
		while ((j = TAILQ_FIRST(&w->q)) != NULL &&
		    n < ROUND_MAX_EVENTS) {
			TAILQ_REMOVE(&w->q, j, entry);
			TAILQ_INSERT_TAIL(&l, j, entry);
			n += j->kind == WJOB_BATCH ? j->batch.count : 1;
		}
		pthread_mutex_unlock(&w->mtx);

		failed = 0;
		TAILQ_FOREACH(j, &l, entry) {
			run_job(w, j);
			if (j->status != 0 && j->status != ERR_NOTFOUND)
				failed = 1;
		}
		if (failed) {
			/* a half-added job may be in the batch: redo each
			 * good job alone so that nothing partial lands */
			store_txn_reset(w->txn);
			TAILQ_FOREACH(j, &l, entry)
				if (j->status == 0)
					run_job(w, j);
		}
		while ((r = store_txn_commit(w->txn, err, sizeof(err))) != 0) {
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
			    store_txn_events(w->txn));
			TAILQ_FOREACH(j, &l, entry)
				if (j->status == 0)
					j->status = ERR_STORE;
			store_txn_reset(w->txn);
		} else {
			if (logged) {
				log_info("store writes work again");
				logged = 0;
			}
			STATS_ADD(commits, 1);
		}
		pthread_mutex_lock(&w->mtx);
		TAILQ_CONCAT(&w->done, &l, entry);
		pthread_mutex_unlock(&w->mtx);
		event_active(w->doneev, 0, 0);
	}
	return NULL;
}

int
writer_start(struct writer *w)
{
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
	writer_donecb(-1, 0, w);
	event_free(w->doneev);
	store_txn_free(w->txn);
	pthread_mutex_destroy(&w->mtx);
	pthread_cond_destroy(&w->cv);
	free(w);
}
