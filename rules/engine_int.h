/*
 * engine_int.h -- the engine's state, shared by engine.c (window logic,
 * timers, suppression, alerts), group.c (the group table, LRU and timer
 * heap) and state.c (snapshots).
 *
 * A group is the state of one rule for one combination of its "by"
 * values: a window (G_WIN) or a suppression (G_SUPP).  All groups of all
 * rules live in one hash table and one LRU list, so the cap on their
 * number (rules_opts.max_groups) holds across rules.  Absence groups
 * with an armed timer are also in a binary heap ordered by deadline.
 */
#ifndef VIGIL_ENGINE_INT_H
#define VIGIL_ENGINE_INT_H

#include "rules.h"
#include "rules_int.h"

enum group_kind { G_WIN = 0, G_SUPP = 1 };

#define GROUP_HT_INIT	1024		/* slots at first; doubles */

/* A slot of the group table: the hash beside the group, so that a probe
 * reads the group only when the hashes match. */
struct gslot {
	uint64_t	 hash;
	struct group	*g;		/* NULL: empty */
};

struct group {
	struct group	*prev, *next;	/* list, head newest (CLOCK) */
	uint64_t	 hash;
	uint64_t	 seq;		/* creation order: timer ties */
	int		 rule;
	int		 kind;
	int		 heapi;		/* index in the timer heap, or -1 */
	int		 used;		/* found since the sweep passed */
	/*
	 * G_WIN: threshold: the events in the window, oldest first;
	 * distinct: the newest event of each value (vh: value hashes),
	 * oldest first; sequence: the first counted events; absence:
	 * refs[0] the newest arming event.
	 */
	struct rule_ref	*refs;
	uint64_t	*vh;
	uint32_t	 n, cap;
	uint32_t	 step, stepn;	/* sequence: waiting for step, count */
	uint64_t	 total;		/* sequence: counted; absence: arms */
	int64_t		 first_us;	/* sequence, absence */
	int64_t		 deadline;	/* absence */
	/* G_SUPP */
	uint64_t	 alert_id;
	int64_t		 alert_us, last_us;
	uint32_t	 suppressed;
	/* the key "f=v f2=v2" and where each value lies in it */
	int		 nvals;
	uint16_t	 voff[RULES_BY_MAX], vlen[RULES_BY_MAX];
	uint16_t	 keylen;
	char		 key[];
};

struct gkey {
	char		 s[ALERT_GROUP_MAX];
	size_t		 len;
	int		 nvals;
	uint16_t	 voff[RULES_BY_MAX], vlen[RULES_BY_MAX];
};

struct rules_engine {
	const struct ruleset	*rs;
	rules_emitfn		 emit;
	void			*arg;
	size_t			 max_groups;
	struct gslot		*ht;		/* open addressing, linear */
	size_t			 htsize;	/* power of two, > 2 x groups */
	struct group		*head, *tail;
	struct group		**heap;
	size_t			 nheap, capheap;
	int64_t			 clock;
	int			 hasclock;
	uint64_t		 seq;
	struct rules_stats	 st;
	struct evalctx		 x;
	int			*cand;
	/* the candidates rules_event_wants_vm found, for rules_event on
	 * the same event when no field was added in between */
	const struct record	*cand_ev;
	int			 cand_n, cand_nf;
	size_t			 cand_scratch;
	struct gkey		 gk;	/* the current group */
	struct gkey		 sk;	/* its suppression group */
	struct alert		 alert;
};

uint64_t	 group_hash(int rule, int kind, const char *, size_t);
struct group	*group_find(struct rules_engine *, int rule, int kind,
		    const struct gkey *, uint64_t hash);
struct group	*group_new(struct rules_engine *, int rule, int kind,
		    const struct gkey *, uint64_t hash);
void		 group_drop(struct rules_engine *, struct group *);
void		 group_clear_all(struct rules_engine *);
int		 group_reserve(struct group *, uint32_t n, int distinct);
void		 heap_set(struct rules_engine *, struct group *);

#endif
