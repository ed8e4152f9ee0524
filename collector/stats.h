/*
 * stats.h -- collector counters and the table of senders, shared between
 * the event loop, the writer thread and the query threads (one mutex).
 */
#ifndef VIGIL_STATS_H
#define VIGIL_STATS_H

#include <stdint.h>

#include "buf.h"
#include "tlsctx.h"

struct sender_stat {
	char		name[256];	/* from the certificate */
	char		claimed[256];	/* host name the hello claimed */
	char		role[16];
	char		vm_uuid[64];
	char		addr[64];	/* last peer address */
	int		connected;	/* live sessions */
	int64_t		first_us, last_us;	/* first/last seen */
	uint64_t	received, stored, dups, gaps;
};

struct stats_totals {
	int64_t		start_us;
	uint64_t	received;	/* events in BATCH frames */
	uint64_t	stored;		/* new events committed */
	uint64_t	dups;		/* duplicates absorbed */
	uint64_t	gaps;		/* missing sequences */
	uint64_t	commits;	/* synced writes */
	uint64_t	writer_decoded;	/* events decoded by the writer, not
					 * ahead on the event loop */
	uint64_t	acks;
	uint64_t	tls_refused;
	uint64_t	tls_refused_by[TLSR_MAX];	/* enum tls_refusal */
	uint64_t	proto_errors;	/* peers dropped for bad frames */
	uint64_t	store_errors;
	uint64_t	sessions;	/* live */
	uint64_t	queue_bytes;	/* waiting for the writer */
	uint64_t	queue_peak;	/* the most queue_bytes so far */
	uint64_t	timeouts;	/* sessions dropped: no heartbeat,
					 * write timed out */
	uint64_t	conn_errors;	/* sessions dropped: transport error */
	/* rules and alerts (set once a second from the writer's and the
	 * outputs' own counters) */
	uint64_t	rules_events;	/* events evaluated */
	uint64_t	rules_tested;	/* (event, rule) pairs tested */
	uint64_t	rules_groups;	/* window states held now */
	uint64_t	rules_evicted;	/* window states dropped at the cap */
	uint64_t	alerts;		/* alerts raised */
	uint64_t	alerts_suppressed;	/* repeats silenced */
	uint64_t	alerts_unsent;	/* dropped before an output (stored) */
	uint64_t	alert_output_errors;	/* failed exec/syslog/webhook */
};

void	stats_init(int64_t now_us);
/* Get (creating) a sender slot; all calls below take the lock. */
void	stats_sender_connect(const char *name, const char *claimed,
	    const char *role, const char *vm_uuid, const char *addr,
	    int64_t now_us);
void	stats_sender_disconnect(const char *name);
void	stats_sender_seen(const char *name, int64_t now_us);
void	stats_sender_add(const char *name, uint64_t received,
	    uint64_t stored, uint64_t dups, uint64_t gaps);
/*
 * Connected guest senders claiming VM uuid (case-insensitive): copies up
 * to max names, returns how many.
 */
int	stats_uuid_senders(const char *uuid, char names[][256], int max);
/* Change a total: field is offsetof(struct stats_totals, x). */
void	stats_add(size_t field, int64_t delta);
#define STATS_ADD(f, d)	stats_add(offsetof(struct stats_totals, f), (d))
/* Set a counter kept elsewhere (rules engine, alert outputs). */
void	stats_set(size_t field, uint64_t v);
#define STATS_SET(f, v)	stats_set(offsetof(struct stats_totals, f), (v))
/* Count a refused connection: tls_refused and its class (tls_refusal). */
void	stats_tls_refused(int why);
/*
 * A consistent copy of the totals and of the sender table (*senders is
 * malloc'ed, free it; NULL with *nsenders 0 when empty or out of memory).
 */
void	stats_snapshot(struct stats_totals *, struct sender_stat **senders,
	    int *nsenders);
/* Render the whole state as one JSON object (no newline) into out. */
int	stats_json(struct buf *out, int64_t now_us, uint64_t disk_bytes,
	    uint32_t nstreams);

#endif
