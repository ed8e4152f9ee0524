/*
 * writer.h -- the writer thread: takes decoded batches from the sessions
 * through a bounded queue, stores them with one synced LevelDB write per
 * round (group commit), and hands the results back to the event loop,
 * where the sessions send their ACKs.  The event loop never blocks on
 * storage.
 */
#ifndef VIGIL_WRITER_H
#define VIGIL_WRITER_H

#include <stdint.h>
#include <sys/queue.h>

#include "proto.h"
#include "rulehook.h"
#include "store.h"

struct event_base;
struct session;

enum wjob_kind { WJOB_BATCH, WJOB_GAP };

struct wjob {
	TAILQ_ENTRY(wjob)	 entry;
	enum wjob_kind		 kind;
	struct session		*sess;		/* owner, refcounted */
	int			 noack;		/* collector's own event */
	uint32_t		 wire_stream;	/* id on the connection */
	uint32_t		 stream;	/* store id */
	uint8_t			*payload;	/* copy of the frame payload */
	size_t			 plen;
	struct proto_batch	 batch;		/* points into payload */
	uint8_t			*pre;		/* batch decoded ahead (see */
	size_t			 prelen;	/* predecode.h), or NULL */
	struct proto_gap	 gap;		/* points into payload */
	int64_t			 recv_us;
	int32_t			 tzoff;
	/* results, set by the writer */
	int			 status;	/* 0 stored, <0 failed */
	uint32_t		 stored, dups;
	uint64_t		 gapn;
};
TAILQ_HEAD(wjobq, wjob);

struct writer;

/* done is called on the event loop thread for every finished job; it
 * owns the job afterwards (free with wjob_free). */
typedef void (*writer_donefn)(struct wjob *, void *arg);

struct writer *writer_new(struct store *, struct event_base *,
	    writer_donefn, void *arg);
int	writer_start(struct writer *);
/*
 * Rules (before writer_start): the writer thread runs every stored event
 * through them (taking ownership of the rule set), stores the alerts in
 * the same write, and calls fn on the event loop thread for each alert
 * after its commit.  The window state is read from state_path now and
 * written there every 10 s and at the end.
 */
typedef void (*writer_alertfn)(const struct alert_out *, void *arg);
int	writer_set_rules(struct writer *, struct ruleset *, size_t max_groups,
	    const char *state_path, writer_alertfn, void *arg);
/* New rules, applied by the writer thread within a second (any thread;
 * takes ownership). */
void	writer_reload(struct writer *, struct ruleset *);
/* Engine counters as of the last commit, and alerts the outputs missed. */
void	writer_rules_stats(struct writer *, struct rules_stats *,
	    uint64_t *dropped);
/* Queue a job (never blocks; the session bounds what it has queued). */
void	writer_submit(struct writer *, struct wjob *);
/* Finish the queue, stop the thread, free.  Pending done callbacks run. */
void	writer_free(struct writer *);
void	wjob_free(struct wjob *);

#endif
