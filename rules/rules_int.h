/*
 * rules_int.h -- internals shared by the rules modules: the parsed rule
 * set (lex.c, parse.c, load.c), expression evaluation (match.c) and the
 * engine (engine.c, state.c).  Nothing here is part of the API.
 *
 * A rule set owns one arena: every rule, expression, string, list and
 * map lives there and dies in rules_free(), with the PCRE2 codes (kept in
 * their own array because the arena cannot call pcre2_code_free).
 */
#ifndef VIGIL_RULES_INT_H
#define VIGIL_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "record.h"

/* Limits: nothing a rule file says can make the parser or engine grow
 * without bound (docs/rules.md, "Limits"). */
#define RULES_FILE_MAX		(4u * 1024 * 1024)	/* bytes per file */
#define RULES_TOKEN_MAX		4096	/* bytes in one token */
#define RULES_DEPTH_MAX		64	/* nested ( [ and not */
#define RULES_RULES_MAX		10000	/* rules in a set */
#define RULES_NAMES_MAX		10000	/* lists, maps and windows */
#define RULES_ITEMS_MAX		100000	/* values in one list or map */
#define RULES_CONDS_MAX		1000	/* conditions in one rule */
#define RULES_STEPS_MAX		32	/* steps of a sequence */
#define RULES_BY_MAX		8	/* by fields */
#define RULES_COUNT_MAX		1000	/* N of threshold/distinct/step */
#define RULES_DUR_MAX		(366LL * 86400 * 1000000)	/* us */
#define RULES_RE_MATCH_LIMIT	100000	/* pcre2_set_match_limit */
#define RULES_RE_DEPTH_LIMIT	1000	/* pcre2_set_depth_limit */

struct arena;

void	*arena_alloc(struct arena **, size_t);	/* zeroed; NULL: no memory */
char	*arena_strndup(struct arena **, const char *, size_t);
void	 arena_free(struct arena *);

/* A set of strings, sorted by (length, bytes) for bsearch. */
struct sv {
	const char	*s;
	size_t		 len;
};
struct strset {
	struct sv	*v;
	size_t		 n;
};
int	strset_has(const struct strset *, const char *, size_t);

struct mapent {
	struct sv	 key;
	struct strset	 vals;
};
struct map {
	struct mapent	*e;		/* sorted by key like a strset */
	size_t		 n;
};

struct cidr {
	int		 af;		/* 4 or 6 */
	int		 bits;
	uint8_t		 a[16];
};
struct cidrset {
	struct cidr	*v;
	size_t		 n;
};

/* Weekly UTC range: days (bit 0 = Monday) and minutes of the day, end
 * excluded; start > end wraps past midnight into the next day. */
struct wrange {
	uint8_t		 days;
	int		 start, end;
};
struct window {
	struct wrange	*v;
	size_t		 n;
};

enum named_kind { NK_LIST = 1, NK_MAP, NK_WINDOW };
struct named {
	int		 kind;
	const char	*name;
	struct strset	 list;
	struct map	 map;
	struct window	 win;
	struct cidrset	*cidrs;		/* the list read as CIDRs, lazily */
};

/* A source position, for messages about a rule after its file is read. */
struct pos {
	const char	*file;
	int		 line, col;
};

enum cond_op {
	C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE,
	C_IN,		/* value in a literal list or $list */
	C_INMAPV,	/* value in $map[FIELD2] */
	C_INMAPK,	/* value is a key of $map */
	C_CIDR, C_EXISTS, C_RE, C_NRE, C_DURING, C_TRUE
};

struct recap {				/* one named capture */
	int		 group;
	const char	*field;		/* "__" already turned into "." */
};
struct regex {
	pcre2_code	*code;
	struct recap	*caps;
	int		 ncaps;
};

struct cond {
	int		 op;
	const char	*field;
	const char	*field2;	/* C_INMAPV */
	struct sv	 val;		/* C_EQ, C_NE */
	double		 num;		/* C_LT .. C_GE */
	const char	*ref;		/* $NAME, resolved into the next ones */
	const struct strset *set;	/* C_IN */
	const struct map *map;		/* C_INMAP* */
	const struct cidrset *cidrs;	/* C_CIDR */
	const struct window *win;	/* C_DURING */
	struct strset	 lit;		/* literal list */
	struct cidrset	 litcidr;	/* literal CIDRs */
	struct regex	 re;
	struct pos	 pos;
};

enum expr_type { E_AND, E_OR, E_NOT, E_COND };
struct expr {
	int		 type;
	struct expr	*l, *r;		/* E_NOT: l */
	struct cond	*c;
};

enum rule_kind { K_SIMPLE, K_THRESHOLD, K_DISTINCT, K_SEQUENCE, K_ABSENCE };

struct step {
	uint32_t	 n;
	struct expr	*e;
};

struct rule {
	const char	*id;
	const char	*title;
	const char	*tags;
	const char	*description;
	const char	*message;	/* template; NULL: the title */
	int		 severity;
	int		 kind;
	struct expr	*match;
	struct expr	*after;		/* absence */
	uint32_t	 n;		/* threshold, distinct */
	int64_t		 within_us;	/* window or absence DUR */
	const char	*window;	/* the DUR as written */
	const char	*distinct;	/* distinct FIELD */
	const char	*by[RULES_BY_MAX];
	int		 nby;
	struct step	*steps;
	int		 nsteps;
	uint32_t	 stepsum;	/* total events of a sequence */
	int64_t		 suppress_us;	/* 0: none */
	const char	*sby[RULES_BY_MAX];
	int		 nsby;
	uint64_t	 fp;		/* hash of the rule's text */
	struct pos	 pos;
	int		 index;		/* position in the set */
	int		 wants_vm;	/* reads vm.* / hypervisor.name */
};

/* Rules that require field == one of some values, or just the field. */
struct ixval {
	struct sv	 val;
	int		 rule;
};
struct ixfield {
	const char	*field;
	struct ixval	*vals;		/* sorted by value, then rule */
	size_t		 nvals, capvals;
	int		*any;		/* rules needing only the field */
	size_t		 nany, capany;
};

struct ruleset {
	struct arena	*arena;
	struct rule	**rules;
	int		 nrules, caprules;
	struct named	**names;
	int		 nnames, capnames;
	pcre2_code	**codes;	/* every compiled pattern */
	int		 ncodes, capcodes;
	uint32_t	 maxcaps;	/* largest capture count */
	struct ixfield	*ix;
	int		 nix;
	int		*unindexed;
	int		 nunindexed;
	const char	**wants;	/* sorted field names */
	int		 nwants, capwants;
	struct rule	*cur;		/* whose fields want() records */
	int		 vm_any;	/* some rule reads VM fields */
	int		 vm_always;	/* ... and may match any event */
};

/* lex.c */
enum tok_type {
	T_ERR = -1, T_EOF, T_NL, T_WORD, T_STR, T_RE, T_LP, T_RP, T_LB, T_RB,
	T_COMMA
};
struct tok {
	int		 type;
	const char	*s;		/* word, string (decoded) or pattern */
	size_t		 len;
	uint32_t	 reflags;	/* T_RE: PCRE2 options */
	int		 line, col;
};
struct lex {
	const char	*file;
	const char	*p, *end;
	const char	*linestart;
	int		 line;
	int		 depth;
	struct tok	 back;		/* one token pushed back */
	int		 hasback;
	char		 buf[2][RULES_TOKEN_MAX + 1];
	int		 nbuf;
	char		*err;
	size_t		 errlen;
	int		 failed;
};
void	lex_init(struct lex *, const char *file, const char *, size_t,
	    char *err, size_t errlen);
int	lex_next(struct lex *, struct tok *);
void	lex_unget(struct lex *, const struct tok *);
int	lex_regex(struct lex *, struct tok *);
int	lex_rest(struct lex *, struct tok *);
int	lex_error(struct lex *, int line, int col, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
int	lex_errtok(struct lex *, const struct tok *, const char *what);
const char *lex_pos(const struct lex *, int *line, int *col);

/* parse.c: the parser state and helpers shared with rule.c, names.c */
struct parser {
	struct ruleset	*rs;
	struct lex	 lx;
	const char	*file;		/* in the arena */
	int		 depth;
	int		 nconds;
};
int	parse_nomem(struct parser *);
void	*parse_alloc(struct parser *, size_t);		/* in the arena */
char	*parse_str(struct parser *, const struct tok *);
int	parse_is(const struct tok *, const char *);
int	parse_isid(const char *, size_t);
int	parse_eol(struct parser *);
int	parse_field(struct parser *, const char **);
int	parse_duration(struct parser *, int64_t *, const char **text);
int	parse_count(struct parser *, const struct tok *, uint32_t *);
int	parse_by(struct parser *, const char **by, int *nby);
int	parse_values(struct parser *, struct strset *, struct cidrset *);
int	parse_cmpsv(const void *, const void *);
int	parse_expr(struct parser *, struct expr **);
int	rule_parse(struct parser *, const struct tok *);	/* rule.c */
int	names_list(struct parser *, const struct tok *);	/* names.c */
int	names_map(struct parser *, const struct tok *);
int	names_window(struct parser *, const struct tok *);
int	names_disable(struct parser *);
int	parse_text(struct ruleset *, const char *file, const char *,
	    size_t, char *err, size_t errlen);
int	parse_finish(struct ruleset *, char *err, size_t errlen);
struct ruleset *ruleset_new(void);

/* match.c */
struct undo {
	int		 i;		/* field replaced by a capture */
	const char	*val;
	size_t		 len;
};
struct evalctx {
	struct record		*ev;
	pcre2_match_data	*md;
	pcre2_match_context	*mc;
	struct record_mark	 mark;	/* fields before this rule */
	int			 nundo;
	struct undo		 undo[REC_FIELDS_MAX];
};
void	eval_begin(struct evalctx *);
void	eval_undo(struct evalctx *);
int	expr_eval(const struct expr *, struct evalctx *);
int	cidr_parse(const char *, size_t, struct cidr *);
int	window_has(const struct window *, int64_t ts_us);

uint64_t fnv64(const void *, size_t, uint64_t);
#define FNV64_INIT	0xcbf29ce484222325ULL
uint64_t hash64(const void *, size_t, uint64_t);	/* fast, not stored */

/*
 * The hot path of matching is finding fields.  The rules' field names are
 * the fname table's own copies (fname_canon at parse time), which fname_id
 * finds by address: a lookup compares numbers, not strings.
 */
static inline const char *
rules_fget(const struct record *ev, const char *name, size_t *len)
{
	return record_get(ev, name, len);
}

#endif
