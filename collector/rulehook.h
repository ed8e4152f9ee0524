/*
 * rulehook.h -- the rules engine on the ingest path (docs/rules.md).
 *
 * The writer thread (and `vigil rules test`, through the same calls on a
 * store of its own) attaches a rulehook to its store transaction: every
 * new event, once decoded and indexed, gets its VM fields (placement) when
 * a rule asks for them and goes through the engine.  Alerts it raises are
 * put into the same transaction (rulehook_flush), so they are as durable
 * as the events that fired them, and handed on (outputs, printing) only
 * after the commit (rulehook_committed).
 *
 * One thread uses a rulehook at a time.
 */
#ifndef VIGIL_RULEHOOK_H
#define VIGIL_RULEHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "store.h"

struct rulehook;

/* Where `make install` puts the bundled pack (Makefile: PREFIX). */
#ifndef RULES_PACK_DIR
#define RULES_PACK_DIR	"/usr/local/share/vigil/rules"
#endif

/* One raised alert, as stored: its JSON (docs/rules.md). */
struct alert_out {
	uint64_t	 id;
	int		 severity;
	int		 update;	/* a suppressed repeat: log only */
	const char	*rule;		/* rule id */
	const char	*json;
	size_t		 len;
};
typedef void (*rulehook_fn)(const struct alert_out *, void *arg);

/*
 * Takes ownership of the rule set.  Alert ids continue after the
 * highest stored one.  fn sees each alert after its commit.
 */
struct rulehook *rulehook_new(struct store *, struct ruleset *,
	    size_t max_groups, rulehook_fn, void *arg);
void	rulehook_free(struct rulehook *);

/* Route the transaction's new events through the engine. */
void	rulehook_attach(struct rulehook *, struct store_txn *);
/* Paused: events pass without evaluation (a round being redone). */
void	rulehook_pause(struct rulehook *, int paused);
/* Advance the clock (absence timers). */
void	rulehook_tick(struct rulehook *, int64_t now_us);
/* Alerts raised and not yet put into a transaction. */
size_t	rulehook_pending(const struct rulehook *);
/*
 * Put the pending alerts into the transaction.  At most two flushed
 * transactions may wait for their commit (ERR_INTERNAL beyond).
 */
int	rulehook_flush(struct rulehook *, struct store_txn *);
/* The oldest flushed transaction is done: when stored, hand its alerts
 * to fn; else drop them (they are not in the store). */
void	rulehook_committed(struct rulehook *, int stored);

/* Replace the rules (taking ownership), keeping the state of every rule
 * whose text did not change. */
void	rulehook_swap(struct rulehook *, struct ruleset *);
/* Window state snapshot to/from a file (atomic rename). */
int	rulehook_save(struct rulehook *, const char *path);
int	rulehook_load(struct rulehook *, const char *path);
void	rulehook_stats(const struct rulehook *, struct rules_stats *);

#endif
