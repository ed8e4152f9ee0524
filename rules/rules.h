/*
 * rules.h -- the rule language and engine (docs/rules.md).
 *
 * Pure: no I/O but reading rule files in rules_load().  The engine sees
 * decoded events (struct record) one at a time in the order the caller
 * gives them, keeps bounded per-group window state, and emits alerts
 * through a callback.  Time is event time (@timestamp) plus whatever the
 * caller passes to rules_tick(); the same events in the same order always
 * give the same alerts, which is what makes `vigil rules test` equal to
 * what the collector raises live.
 *
 * Threads: a rule set and its engine belong to one thread at a time.
 */
#ifndef VIGIL_RULES_H
#define VIGIL_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "record.h"

struct ruleset;
struct rules_engine;

/* Severities, ordered. */
enum rule_severity {
	SEV_INFO = 0, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL
};
const char *rules_severity_name(int sev);
/* -1 when s is not a severity name. */
int	rules_severity_parse(const char *s);

/*
 * Parse every "*.rules" file of each directory, in order (bundled pack
 * first, then site rules; files sorted by name within a directory).  A
 * site rule with the id of an earlier rule replaces it; "disable ID"
 * removes one; lists, maps and windows of the same name are replaced by
 * later definitions.  On error returns ERR_FORMAT (or ERR_IO) and writes
 * "FILE:LINE:COL: message" into err; nothing is allocated then.
 */
int	rules_load(const char *const *dirs, int ndirs, struct ruleset **,
	    char *err, size_t errlen);
/* The same from text in memory (name used in messages); for tests. */
int	rules_parse(const char *name, const char *text, size_t len,
	    struct ruleset **, char *err, size_t errlen);
void	rules_free(struct ruleset *);
int	rules_count(const struct ruleset *);

/* Where an event comes from: (stream, seq) in the collector's store, or
 * (file index, line number) in `vigil rules test`. */
struct rule_ref {
	uint32_t	stream;
	uint64_t	seq;
	int64_t		ts_us;
};

#define ALERT_REFS_MAX		16
#define ALERT_GROUP_MAX		512
#define ALERT_MESSAGE_MAX	1024

struct alert {
	uint64_t	 id;		/* engine-assigned, increasing */
	int		 update;	/* 1: suppressed repeat of alert id */
	const char	*rule_id;
	const char	*title;
	int		 severity;
	const char	*tags;		/* "T1110, T1110.001" as written, or "" */
	const char	*description;	/* or "" */
	int64_t		 ts_us;		/* event time of the firing event */
	int64_t		 first_us;	/* earliest event that counted */
	char		 group[ALERT_GROUP_MAX];   /* "source.ip=1.2.3.4" */
	char		 message[ALERT_MESSAGE_MAX];
	uint64_t	 count;		/* events that made it fire */
	uint32_t	 suppressed;	/* repeats silenced so far (update) */
	int64_t		 last_us;	/* time of the last repeat (update) */
	int		 nrefs;		/* the events that made it fire, */
	struct rule_ref	 refs[ALERT_REFS_MAX];	/* oldest first */
	const struct record *ev;	/* the firing event (NULL: a timer) */
};

typedef void (*rules_emitfn)(const struct alert *, void *arg);

struct rules_opts {
	size_t		max_groups;	/* window states kept (default 100000) */
	uint64_t	next_id;	/* first alert id (default 1) */
};

/* The engine takes ownership of nothing: the rule set must outlive it. */
struct rules_engine *rules_engine_new(const struct ruleset *,
	    const struct rules_opts *, rules_emitfn, void *arg);
void	rules_engine_free(struct rules_engine *);

/*
 * Evaluate one decoded event.  The record may gain fields (named regex
 * captures of the rules that matched, names and values copied into its
 * scratch space).  Absence timers due at or
 * before the event's time fire first.  Alerts are emitted before this
 * returns; the alert and its ev are valid only during the callback.
 */
/*
 * Could a rule that reads VM fields be tested against ev?  When not, the
 * caller can skip VM placement (store lookups) for the event.  The next
 * rules_event on ev reuses the candidate rules found here when ev has no
 * more fields by then; so between the two calls fields may be added to
 * ev (placement does), not changed.
 */
int	rules_event_wants_vm(struct rules_engine *, const struct record *);
void	rules_event(struct rules_engine *, struct record *,
	    const struct rule_ref *);
/* Advance the engine clock to now_us: absence timers due fire. */
void	rules_tick(struct rules_engine *, int64_t now_us);

/* 1 when some rule uses this field (callers skip costly enrichment). */
int	rules_wants(const struct ruleset *, const char *field);
/* Is field one of those VM placement adds (vm.*, hypervisor.name)? */
int	rules_vmfield(const char *field);

struct rules_stats {
	uint64_t	events;		/* events evaluated */
	uint64_t	tested;		/* (event, rule) pairs tested */
	uint64_t	alerts;		/* alerts emitted (not updates) */
	uint64_t	suppressed;	/* repeats silenced */
	uint64_t	evicted;	/* group states dropped at the cap */
	uint64_t	groups;		/* group states held now */
	uint64_t	next_id;
};
void	rules_stats(const struct rules_engine *, struct rules_stats *);

/*
 * Window state across restarts and reloads: save appends a versioned
 * binary snapshot; load restores the state of every rule whose id and
 * text are unchanged (others start empty).  ERR_FORMAT on a bad snapshot
 * (the engine is then left empty, never half-loaded).
 */
int	rules_state_save(const struct rules_engine *, struct buf *);
int	rules_state_load(struct rules_engine *, const void *, size_t);

#endif
