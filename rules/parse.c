/*
 * parse.c -- rule files into a struct ruleset (docs/rules.md): top-level
 * directives (rule, list, map, window, disable), rule directives and
 * match expressions.  Pure: text in, structures out; references to
 * lists, maps and windows are resolved later by parse_finish (load.c),
 * when every file has been read and later definitions have replaced
 * earlier ones.
 *
 * Expressions are parsed by recursive descent; every "(" and "not"
 * raises the depth, limited to RULES_DEPTH_MAX, so neither parsing nor
 * evaluation can exhaust the stack.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rules.h"
#include "rules_int.h"

struct parser {
	struct ruleset	*rs;
	struct lex	 lx;
	const char	*file;		/* in the arena */
	int		 depth;
	int		 nconds;
};

struct arena {
	struct arena	*next;
	size_t		 used, cap;
	size_t		 pad;		/* header of 32 bytes keeps alignment */
};

#define ARENA_CHUNK	(64 * 1024)

void *
arena_alloc(struct arena **ap, size_t n)
{
	struct arena	*a = *ap;
	void		*p;
	size_t		 cap;

	n = (n + 15) & ~(size_t)15;
	if (a == NULL || a->cap - a->used < n) {
		cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		if ((a = calloc(1, sizeof(*a) + cap)) == NULL)
			return NULL;
		a->cap = cap;
		if (*ap != NULL && n > ARENA_CHUNK / 4) {
			/* a big block: keep filling the current chunk */
			a->next = (*ap)->next;
			(*ap)->next = a;
		} else {
			a->next = *ap;
			*ap = a;
		}
	}
	p = (char *)(a + 1) + a->used;
	a->used += n;
	return p;
}

char *
arena_strndup(struct arena **ap, const char *s, size_t len)
{
	char *p;

	if ((p = arena_alloc(ap, len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
arena_free(struct arena *a)
{
	struct arena *next;

	for (; a != NULL; a = next) {
		next = a->next;
		free(a);
	}
}

struct ruleset *
ruleset_new(void)
{
	return calloc(1, sizeof(struct ruleset));
}

void
rules_free(struct ruleset *rs)
{
	int i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->ncodes; i++)
		pcre2_code_free(rs->codes[i]);
	for (i = 0; i < rs->nix; i++) {
		free(rs->ix[i].vals);
		free(rs->ix[i].any);
	}
	free(rs->ix);
	free(rs->unindexed);
	free(rs->wants);
	free(rs->codes);
	free(rs->rules);
	free(rs->names);
	arena_free(rs->arena);
	free(rs);
}

static int
nomem(struct parser *p)
{
	int line, col;

	lex_pos(&p->lx, &line, &col);
	return lex_error(&p->lx, line, col, "out of memory");
}

static void *
palloc(struct parser *p, size_t n)
{
	void *v;

	if ((v = arena_alloc(&p->rs->arena, n)) == NULL)
		nomem(p);
	return v;
}

static char *
pstr(struct parser *p, const struct tok *t)
{
	char *s;

	if ((s = arena_strndup(&p->rs->arena, t->s, t->len)) == NULL)
		nomem(p);
	return s;
}

static int
is(const struct tok *t, const char *w)
{
	return t->type == T_WORD && t->len == strlen(w) &&
	    memcmp(t->s, w, t->len) == 0;
}

static int
isidc(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static int
isid(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isidc((unsigned char)s[i]))
			return 0;
	return len > 0;
}

/* Field names: identifier characters and "@" (docs/events.md). */
static int
isfield(const struct tok *t)
{
	size_t i;

	if (t->type != T_WORD || t->len == 0 || t->len > 128)
		return 0;
	for (i = 0; i < t->len; i++)
		if (!isidc((unsigned char)t->s[i]) && t->s[i] != '@')
			return 0;
	return 1;
}

static int
expect_eol(struct parser *p)
{
	struct tok t;

	if (lex_next(&p->lx, &t) == T_NL)
		return 0;
	if (t.type == T_EOF) {
		lex_unget(&p->lx, &t);
		return 0;
	}
	return lex_errtok(&p->lx, &t, "end of line");
}

static int
field(struct parser *p, const char **out)
{
	struct tok t;

	lex_next(&p->lx, &t);
	if (!isfield(&t))
		return lex_errtok(&p->lx, &t, "a field name");
	return (*out = pstr(p, &t)) == NULL ? T_ERR : 0;
}

static int
duration(struct parser *p, int64_t *us, const char **text)
{
	struct tok	 t;
	int64_t		 n = 0, unit;
	size_t		 i;

	lex_next(&p->lx, &t);
	if (t.type != T_WORD || t.len < 2)
		return lex_errtok(&p->lx, &t, "a duration (90s, 5m, 1h, 1d)");
	for (i = 0; i + 1 < t.len; i++) {
		if (t.s[i] < '0' || t.s[i] > '9' || n > RULES_DUR_MAX / 1000000)
			return lex_errtok(&p->lx, &t,
			    "a duration (90s, 5m, 1h, 1d)");
		n = n * 10 + (t.s[i] - '0');
	}
	switch (t.s[t.len - 1]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default:
		return lex_errtok(&p->lx, &t, "a duration (90s, 5m, 1h, 1d)");
	}
	if (n == 0 || n > RULES_DUR_MAX / 1000000 / unit)
		return lex_error(&p->lx, t.line, t.col,
		    "duration out of range (1s to 366d)");
	*us = n * unit * 1000000;
	if (text != NULL && (*text = pstr(p, &t)) == NULL)
		return T_ERR;
	return 0;
}

static int
count(struct parser *p, const struct tok *t, uint32_t *n)
{
	size_t		i;
	uint32_t	v = 0;

	for (i = 0; t->type == T_WORD && i < t->len && i < 8; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			break;
		v = v * 10 + (t->s[i] - '0');
	}
	if (t->type != T_WORD || i != t->len || v < 1 || v > RULES_COUNT_MAX)
		return lex_errtok(&p->lx, t, "a count from 1 to 1000");
	*n = v;
	return 0;
}

/* [by F, ...] at the end of an aggregation or suppress line. */
static int
byfields(struct parser *p, const char **by, int *nby)
{
	struct tok t;

	if (lex_next(&p->lx, &t) != T_WORD || !is(&t, "by")) {
		lex_unget(&p->lx, &t);
		return t.type == T_ERR ? T_ERR : 0;
	}
	for (;;) {
		if (*nby >= RULES_BY_MAX) {
			lex_next(&p->lx, &t);
			return lex_error(&p->lx, t.line, t.col,
			    "more than %d by fields", RULES_BY_MAX);
		}
		if (field(p, &by[(*nby)++]) != 0)
			return T_ERR;
		if (lex_next(&p->lx, &t) != T_COMMA) {
			lex_unget(&p->lx, &t);
			return t.type == T_ERR ? T_ERR : 0;
		}
	}
}

static int	cmpsv(const void *, const void *);

/* Values of [a, b, c] (the "[" already read) into a sorted set. */
static int
values(struct parser *p, struct strset *set, struct cidrset *cidrs)
{
	struct sv	*v = NULL;
	struct tok	 t;
	size_t		 n = 0, cap = 0, i, j;

	for (;;) {
		lex_next(&p->lx, &t);
		if (t.type != T_WORD && t.type != T_STR) {
			lex_errtok(&p->lx, &t, "a value");
			goto fail;
		}
		if (n >= RULES_ITEMS_MAX) {
			lex_error(&p->lx, t.line, t.col, "more than %d values",
			    RULES_ITEMS_MAX);
			goto fail;
		}
		if (n == cap) {
			struct sv *nv;

			cap = cap ? cap * 2 : 16;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				nomem(p);
				goto fail;
			}
			v = nv;
		}
		if ((v[n].s = pstr(p, &t)) == NULL)
			goto fail;
		v[n++].len = t.len;
		if (cidrs != NULL && cidr_parse(t.s, t.len, NULL) != 0) {
			lex_error(&p->lx, t.line, t.col,
			    "'%.*s' is not an address or network",
			    t.len > 40 ? 40 : (int)t.len, t.s);
			goto fail;
		}
		lex_next(&p->lx, &t);
		if (t.type == T_RB)
			break;
		if (t.type != T_COMMA) {
			lex_errtok(&p->lx, &t, "',' or ']'");
			goto fail;
		}
	}
	if (cidrs != NULL) {
		if ((cidrs->v = palloc(p, n * sizeof(*cidrs->v))) == NULL)
			goto fail;
		for (i = 0; i < n; i++)
			cidr_parse(v[i].s, v[i].len, &cidrs->v[i]);
		cidrs->n = n;
	}
	qsort(v, n, sizeof(*v), cmpsv);
	for (i = j = 0; i < n; i++)	/* drop duplicates */
		if (j == 0 || cmpsv(&v[j - 1], &v[i]) != 0)
			v[j++] = v[i];
	if ((set->v = palloc(p, j * sizeof(*v))) == NULL)
		goto fail;
	memcpy(set->v, v, j * sizeof(*v));
	set->n = j;
	free(v);
	return 0;
 fail:
	free(v);
	return T_ERR;
}

static int
cmpsv(const void *a, const void *b)
{
	const struct sv *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->s, y->s, x->len);
}

static int
regex(struct parser *p, struct cond *c)
{
	struct ruleset	*rs = p->rs;
	struct tok	 t;
	PCRE2_UCHAR	 msg[128];
	PCRE2_SIZE	 off;
	PCRE2_SPTR	 tab;
	uint32_t	 ncap, nname, esz, i;
	int		 ec;
	char		*f, *d;
	const char	*s;

	if (lex_regex(&p->lx, &t) != T_RE)
		return T_ERR;
	if (rs->ncodes == rs->capcodes) {
		pcre2_code **nc;
		int cap = rs->capcodes ? rs->capcodes * 2 : 16;

		if ((nc = reallocarray(rs->codes, cap, sizeof(*nc))) == NULL)
			return nomem(p);
		rs->codes = nc;
		rs->capcodes = cap;
	}
	c->re.code = pcre2_compile((PCRE2_SPTR)t.s, t.len, t.reflags, &ec,
	    &off, NULL);
	if (c->re.code == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		return lex_error(&p->lx, t.line, t.col,
		    "bad regular expression: %s at offset %zu", (char *)msg,
		    (size_t)off);
	}
	rs->codes[rs->ncodes++] = c->re.code;
	(void)pcre2_jit_compile(c->re.code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(c->re.code, PCRE2_INFO_CAPTURECOUNT, &ncap);
	if (ncap > rs->maxcaps)
		rs->maxcaps = ncap;
	pcre2_pattern_info(c->re.code, PCRE2_INFO_NAMECOUNT, &nname);
	pcre2_pattern_info(c->re.code, PCRE2_INFO_NAMEENTRYSIZE, &esz);
	pcre2_pattern_info(c->re.code, PCRE2_INFO_NAMETABLE, &tab);
	if (nname == 0)
		return 0;
	if ((c->re.caps = palloc(p, nname * sizeof(*c->re.caps))) == NULL)
		return T_ERR;
	for (i = 0; i < nname; i++, tab += esz) {
		c->re.caps[i].group = tab[0] << 8 | tab[1];
		s = (const char *)tab + 2;
		if ((f = d = palloc(p, strlen(s) + 1)) == NULL)
			return T_ERR;
		for (; *s != '\0'; s++) {
			if (s[0] == '_' && s[1] == '_') {
				*d++ = '.';
				s++;
			} else
				*d++ = *s;
		}
		*d = '\0';
		c->re.caps[i].field = f;
	}
	c->re.ncaps = nname;
	return 0;
}

static int
listref(struct parser *p, const struct tok *t, struct cond *c)
{
	if (t->type != T_WORD || t->len < 2 || t->s[0] != '$' ||
	    !isid(t->s + 1, t->len - 1))
		return -1;
	c->pos.line = t->line;
	c->pos.col = t->col;
	if ((c->ref = arena_strndup(&p->rs->arena, t->s + 1, t->len - 1)) ==
	    NULL)
		return nomem(p);
	return 0;
}

static int
cond(struct parser *p, const struct tok *ft, struct cond **out)
{
	struct cond	*c;
	struct tok	 t;
	char		 num[64], *end;

	if (++p->nconds > RULES_CONDS_MAX)
		return lex_error(&p->lx, ft->line, ft->col,
		    "more than %d conditions in a rule", RULES_CONDS_MAX);
	if ((c = *out = palloc(p, sizeof(*c))) == NULL)
		return T_ERR;
	c->pos.file = p->file;
	c->pos.line = ft->line;
	c->pos.col = ft->col;
	if (is(ft, "true")) {
		c->op = C_TRUE;
		return 0;
	}
	if (is(ft, "during")) {
		c->op = C_DURING;
		lex_next(&p->lx, &t);
		if (listref(p, &t, c) != 0)
			return lex_errtok(&p->lx, &t, "a window ($name)");
		return 0;
	}
	if (!isfield(ft))
		return lex_errtok(&p->lx, ft, "a field name, '(', not, "
		    "during or true");
	if ((c->field = pstr(p, ft)) == NULL)
		return T_ERR;
	lex_next(&p->lx, &t);
	if (is(&t, "==") || is(&t, "!=")) {
		c->op = t.s[0] == '=' ? C_EQ : C_NE;
		lex_next(&p->lx, &t);
		if ((t.type != T_WORD && t.type != T_STR) ||
		    (t.type == T_WORD && t.s[0] == '$'))
			return lex_errtok(&p->lx, &t, "a value");
		if ((c->val.s = pstr(p, &t)) == NULL)
			return T_ERR;
		c->val.len = t.len;
	} else if (is(&t, "<") || is(&t, "<=") || is(&t, ">") ||
	    is(&t, ">=")) {
		c->op = t.s[0] == '<' ? (t.len == 1 ? C_LT : C_LE) :
		    (t.len == 1 ? C_GT : C_GE);
		lex_next(&p->lx, &t);
		if (t.type != T_WORD || t.len >= sizeof(num))
			return lex_errtok(&p->lx, &t, "a number");
		memcpy(num, t.s, t.len);
		num[t.len] = '\0';
		c->num = strtod(num, &end);
		if (end == num || *end != '\0' || !isfinite(c->num))
			return lex_errtok(&p->lx, &t, "a number");
	} else if (is(&t, "in")) {
		c->op = C_IN;
		lex_next(&p->lx, &t);
		if (t.type == T_LB) {
			if (values(p, &c->lit, NULL) != 0)
				return T_ERR;
			c->set = &c->lit;
		} else if (listref(p, &t, c) == 0) {
			if (lex_next(&p->lx, &t) == T_LB) {
				c->op = C_INMAPV;
				if (field(p, &c->field2) != 0)
					return T_ERR;
				if (lex_next(&p->lx, &t) != T_RB)
					return lex_errtok(&p->lx, &t, "']'");
			} else
				lex_unget(&p->lx, &t);
		} else
			return lex_errtok(&p->lx, &t, "'[' or a $list");
	} else if (is(&t, "cidr")) {
		c->op = C_CIDR;
		lex_next(&p->lx, &t);
		if (t.type == T_LB) {
			if (values(p, &c->lit, &c->litcidr) != 0)
				return T_ERR;
			c->cidrs = &c->litcidr;
		} else if (listref(p, &t, c) == 0)
			;
		else if (t.type == T_WORD && cidr_parse(t.s, t.len, NULL) == 0) {
			if ((c->litcidr.v = palloc(p, sizeof(struct cidr))) ==
			    NULL)
				return T_ERR;
			cidr_parse(t.s, t.len, c->litcidr.v);
			c->litcidr.n = 1;
			c->cidrs = &c->litcidr;
		} else
			return lex_errtok(&p->lx, &t,
			    "a network (10.0.0.0/8), '[' or a $list");
	} else if (is(&t, "exists"))
		c->op = C_EXISTS;
	else if (is(&t, "=~") || is(&t, "!~")) {
		c->op = t.s[0] == '=' ? C_RE : C_NRE;
		return regex(p, c);
	} else
		return lex_errtok(&p->lx, &t, "an operator (==, !=, <, <=, "
		    ">, >=, in, cidr, exists, =~, !~)");
	return p->lx.failed ? T_ERR : 0;
}

static int	expr_or(struct parser *, struct expr **);

static struct expr *
node(struct parser *p, int type, struct expr *l, struct expr *r)
{
	struct expr *e;

	if ((e = palloc(p, sizeof(*e))) == NULL)
		return NULL;
	e->type = type;
	e->l = l;
	e->r = r;
	return e;
}

static int
factor(struct parser *p, struct expr **out)
{
	struct expr	*e = NULL;
	struct tok	 t;
	int		 r;

	lex_next(&p->lx, &t);
	if (is(&t, "not") || t.type == T_LP) {
		if (++p->depth > RULES_DEPTH_MAX)
			return lex_error(&p->lx, t.line, t.col,
			    "nesting deeper than %d", RULES_DEPTH_MAX);
		if (t.type == T_LP) {
			if ((r = expr_or(p, out)) != 0)
				return r;
			if (lex_next(&p->lx, &t) != T_RP)
				return lex_errtok(&p->lx, &t, "')'");
		} else {
			if ((r = factor(p, &e)) != 0)
				return r;
			if ((*out = node(p, E_NOT, e, NULL)) == NULL)
				return T_ERR;
		}
		p->depth--;
		return 0;
	}
	if (t.type != T_WORD || is(&t, "and") || is(&t, "or"))
		return lex_errtok(&p->lx, &t, "a condition");
	if ((*out = node(p, E_COND, NULL, NULL)) == NULL)
		return T_ERR;
	return cond(p, &t, &(*out)->c);
}

static int
expr_and(struct parser *p, struct expr **out)
{
	struct expr	*r;
	struct tok	 t;

	if (factor(p, out) != 0)
		return T_ERR;
	while (lex_next(&p->lx, &t) == T_WORD && is(&t, "and")) {
		if (factor(p, &r) != 0 ||
		    (*out = node(p, E_AND, *out, r)) == NULL)
			return T_ERR;
	}
	lex_unget(&p->lx, &t);
	return t.type == T_ERR ? T_ERR : 0;
}

static int
expr_or(struct parser *p, struct expr **out)
{
	struct expr	*r;
	struct tok	 t;

	if (expr_and(p, out) != 0)
		return T_ERR;
	while (lex_next(&p->lx, &t) == T_WORD && is(&t, "or")) {
		if (expr_and(p, &r) != 0 ||
		    (*out = node(p, E_OR, *out, r)) == NULL)
			return T_ERR;
	}
	lex_unget(&p->lx, &t);
	return t.type == T_ERR ? T_ERR : 0;
}

/* A whole expression up to the end of the line. */
static int
expression(struct parser *p, struct expr **out)
{
	struct tok t;

	p->depth = 0;
	if (expr_or(p, out) != 0)
		return T_ERR;
	lex_next(&p->lx, &t);
	if (t.type == T_NL)
		return 0;
	if (t.type == T_EOF) {
		lex_unget(&p->lx, &t);
		return 0;
	}
	return lex_errtok(&p->lx, &t, "and, or or end of line");
}

static int
rest(struct parser *p, const struct tok *kw, const char **out, int join)
{
	struct tok	 t;
	const char	*old = *out;
	char		*s;
	size_t		 n;

	if (lex_rest(&p->lx, &t) != T_WORD)
		return T_ERR;
	if (t.len == 0)
		return lex_error(&p->lx, t.line, t.col, "expected text after "
		    "%.*s", (int)kw->len, kw->s);
	if (old != NULL && !join)
		return lex_error(&p->lx, kw->line, kw->col, "duplicate %.*s",
		    (int)kw->len, kw->s);
	n = old != NULL ? strlen(old) + 1 : 0;
	if ((s = palloc(p, n + t.len + 1)) == NULL)
		return T_ERR;
	if (old != NULL) {
		memcpy(s, old, n - 1);
		s[n - 1] = ' ';
	}
	memcpy(s + n, t.s, t.len);
	s[n + t.len] = '\0';
	*out = s;
	return expect_eol(p);
}

/* message: a quoted string or the rest of the line; braces checked. */
static int
message(struct parser *p, struct rule *r, const struct tok *kw)
{
	struct tok	 t;
	const char	*s;
	int		 line, col;

	if (r->message != NULL)
		return lex_error(&p->lx, kw->line, kw->col,
		    "duplicate message");
	s = lex_pos(&p->lx, &line, &col);
	while (s < p->lx.end && (*s == ' ' || *s == '\t'))
		s++;
	if (s < p->lx.end && *s == '"') {
		if (lex_next(&p->lx, &t) != T_STR)
			return T_ERR;
		if ((r->message = pstr(p, &t)) == NULL)
			return T_ERR;
		if (expect_eol(p) != 0)
			return T_ERR;
	} else if (rest(p, kw, &r->message, 0) != 0)
		return T_ERR;
	for (s = r->message; *s != '\0'; s++) {
		if (s[0] == '{' && s[1] == '{')
			s++;
		else if (s[0] == '{' && strchr(s, '}') == NULL)
			return lex_error(&p->lx, kw->line, kw->col,
			    "'{' without '}' in message");
	}
	return 0;
}

static int
aggregation(struct parser *p, struct rule *r, const struct tok *kw, int kind)
{
	static const char *names[] = { "", "threshold", "distinct",
	    "sequence", "absence" };
	struct tok t;

	if (r->kind != K_SIMPLE)
		return lex_error(&p->lx, kw->line, kw->col,
		    "a rule has one aggregation (already %s)", names[r->kind]);
	r->kind = kind;
	if (kind == K_ABSENCE)
		return duration(p, &r->within_us, &r->window) != 0 ||
		    byfields(p, r->by, &r->nby) != 0 ? T_ERR : expect_eol(p);
	if (kind == K_DISTINCT && field(p, &r->distinct) != 0)
		return T_ERR;
	if (kind != K_SEQUENCE) {
		lex_next(&p->lx, &t);
		if (count(p, &t, &r->n) != 0)
			return T_ERR;
	}
	lex_next(&p->lx, &t);
	if (!is(&t, "within"))
		return lex_errtok(&p->lx, &t, "within");
	if (duration(p, &r->within_us, &r->window) != 0 ||
	    byfields(p, r->by, &r->nby) != 0)
		return T_ERR;
	return expect_eol(p);
}

static int
step(struct parser *p, struct rule *r, const struct tok *kw)
{
	struct step	*ns;
	struct tok	 t;
	uint32_t	 n = 1;

	if (r->kind != K_SEQUENCE)
		return lex_error(&p->lx, kw->line, kw->col,
		    "step without sequence");
	if (r->nsteps >= RULES_STEPS_MAX)
		return lex_error(&p->lx, kw->line, kw->col,
		    "more than %d steps", RULES_STEPS_MAX);
	lex_next(&p->lx, &t);
	if (t.type == T_WORD && t.s[0] >= '0' && t.s[0] <= '9') {
		if (count(p, &t, &n) != 0)
			return T_ERR;
	} else
		lex_unget(&p->lx, &t);
	if (r->stepsum + n > RULES_COUNT_MAX)
		return lex_error(&p->lx, kw->line, kw->col,
		    "a sequence counts at most %d events", RULES_COUNT_MAX);
	if ((ns = palloc(p, (r->nsteps + 1) * sizeof(*ns))) == NULL)
		return T_ERR;
	if (r->nsteps > 0)
		memcpy(ns, r->steps, r->nsteps * sizeof(*ns));
	r->steps = ns;
	ns[r->nsteps].n = n;
	r->stepsum += n;
	return expression(p, &ns[r->nsteps++].e);
}

static int
rule_check(struct parser *p, struct rule *r, const struct tok *after)
{
	const char *miss = NULL;

	if (r->title == NULL)
		miss = "title";
	else if (r->severity < 0)
		miss = "severity";
	else if (r->match == NULL && r->kind != K_SEQUENCE)
		miss = "match";
	else if (r->kind == K_SEQUENCE && r->nsteps == 0)
		miss = "step";
	if (miss != NULL)
		return lex_error(&p->lx, r->pos.line, r->pos.col,
		    "rule %s: missing %s", r->id, miss);
	if (r->after != NULL && r->kind != K_ABSENCE)
		return lex_error(&p->lx, after->line, after->col,
		    "after without absence");
	if (r->suppress_us > 0 && r->nsby == 0) {
		memcpy(r->sby, r->by, sizeof(r->by));
		r->nsby = r->nby;
	}
	return 0;
}

static int
rule_add(struct parser *p, struct rule *r)
{
	struct ruleset	*rs = p->rs;
	struct rule	**nr;
	int		 i;

	for (i = 0; i < rs->nrules; i++)
		if (strcmp(rs->rules[i]->id, r->id) == 0) {
			rs->rules[i] = r;	/* a later file overrides */
			return 0;
		}
	if (rs->nrules >= RULES_RULES_MAX)
		return lex_error(&p->lx, r->pos.line, r->pos.col,
		    "more than %d rules", RULES_RULES_MAX);
	if (rs->nrules == rs->caprules) {
		int cap = rs->caprules ? rs->caprules * 2 : 64;

		if ((nr = reallocarray(rs->rules, cap, sizeof(*nr))) == NULL)
			return nomem(p);
		rs->rules = nr;
		rs->caprules = cap;
	}
	rs->rules[rs->nrules++] = r;
	return 0;
}

static int
rule(struct parser *p, const struct tok *kw)
{
	struct rule	*r;
	struct tok	 t, aftertok;
	const char	*start;
	int		 sev;

	memset(&aftertok, 0, sizeof(aftertok));
	start = kw->s - (kw->col - 1);		/* the line of "rule" */
	if ((r = palloc(p, sizeof(*r))) == NULL)
		return T_ERR;
	r->severity = -1;
	r->pos.file = p->file;
	r->pos.line = kw->line;
	r->pos.col = kw->col;
	p->nconds = 0;
	lex_next(&p->lx, &t);
	if (t.type != T_WORD || !isid(t.s, t.len) || t.len > 128)
		return lex_errtok(&p->lx, &t, "a rule id (letters, digits, "
		    ". _ -)");
	if ((r->id = pstr(p, &t)) == NULL || expect_eol(p) != 0)
		return T_ERR;
	for (;;) {
		lex_next(&p->lx, &t);
		if (t.type == T_NL)
			continue;
		if (t.type != T_WORD)
			return lex_errtok(&p->lx, &t, "a rule directive or end");
		if (is(&t, "end"))
			break;
		if (is(&t, "title")) {
			if (rest(p, &t, &r->title, 0) != 0)
				return T_ERR;
		} else if (is(&t, "tags")) {
			if (rest(p, &t, &r->tags, 0) != 0)
				return T_ERR;
		} else if (is(&t, "description")) {
			if (rest(p, &t, &r->description, 1) != 0)
				return T_ERR;
		} else if (is(&t, "severity")) {
			lex_next(&p->lx, &t);
			if (t.type != T_WORD || t.len > 16)
				sev = -1;
			else {
				char b[17];

				memcpy(b, t.s, t.len);
				b[t.len] = '\0';
				sev = rules_severity_parse(b);
			}
			if (sev < 0)
				return lex_errtok(&p->lx, &t, "a severity (info, "
				    "low, medium, high, critical)");
			r->severity = sev;
			if (expect_eol(p) != 0)
				return T_ERR;
		} else if (is(&t, "match")) {
			if (r->match != NULL)
				return lex_error(&p->lx, t.line, t.col,
				    "duplicate match");
			if (expression(p, &r->match) != 0)
				return T_ERR;
		} else if (is(&t, "after")) {
			if (r->after != NULL)
				return lex_error(&p->lx, t.line, t.col,
				    "duplicate after");
			aftertok = t;
			if (expression(p, &r->after) != 0)
				return T_ERR;
		} else if (is(&t, "threshold")) {
			if (aggregation(p, r, &t, K_THRESHOLD) != 0)
				return T_ERR;
		} else if (is(&t, "distinct")) {
			if (aggregation(p, r, &t, K_DISTINCT) != 0)
				return T_ERR;
		} else if (is(&t, "sequence")) {
			if (aggregation(p, r, &t, K_SEQUENCE) != 0)
				return T_ERR;
		} else if (is(&t, "absence")) {
			if (aggregation(p, r, &t, K_ABSENCE) != 0)
				return T_ERR;
		} else if (is(&t, "step")) {
			if (step(p, r, &t) != 0)
				return T_ERR;
		} else if (is(&t, "suppress")) {
			if (r->suppress_us != 0)
				return lex_error(&p->lx, t.line, t.col,
				    "duplicate suppress");
			if (duration(p, &r->suppress_us, NULL) != 0 ||
			    byfields(p, r->sby, &r->nsby) != 0 ||
			    expect_eol(p) != 0)
				return T_ERR;
		} else if (is(&t, "message")) {
			if (message(p, r, &t) != 0)
				return T_ERR;
		} else
			return lex_errtok(&p->lx, &t, "a rule directive or end");
	}
	if (expect_eol(p) != 0 || rule_check(p, r, &aftertok) != 0)
		return T_ERR;
	r->fp = fnv64(start, p->lx.p - start, FNV64_INIT);
	return rule_add(p, r);
}

static int
named_add(struct parser *p, const struct tok *kw, struct named *n)
{
	struct ruleset	*rs = p->rs;
	struct named	**nn;
	static const char *kinds[] = { "", "list", "map", "window" };
	int		 i;

	for (i = 0; i < rs->nnames; i++) {
		if (strcmp(rs->names[i]->name, n->name) != 0)
			continue;
		if (rs->names[i]->kind != n->kind)
			return lex_error(&p->lx, kw->line, kw->col,
			    "%s is already a %s", n->name,
			    kinds[rs->names[i]->kind]);
		rs->names[i] = n;	/* a later definition replaces */
		return 0;
	}
	if (rs->nnames >= RULES_NAMES_MAX)
		return lex_error(&p->lx, kw->line, kw->col,
		    "more than %d lists, maps and windows", RULES_NAMES_MAX);
	if (rs->nnames == rs->capnames) {
		int cap = rs->capnames ? rs->capnames * 2 : 32;

		if ((nn = reallocarray(rs->names, cap, sizeof(*nn))) == NULL)
			return nomem(p);
		rs->names = nn;
		rs->capnames = cap;
	}
	rs->names[rs->nnames++] = n;
	return 0;
}

static struct named *
named_new(struct parser *p, int kind)
{
	struct named	*n;
	struct tok	 t;

	lex_next(&p->lx, &t);
	if (t.type != T_WORD || !isid(t.s, t.len) || t.len > 128) {
		lex_errtok(&p->lx, &t, "a name (letters, digits, . _ -)");
		return NULL;
	}
	if ((n = palloc(p, sizeof(*n))) == NULL ||
	    (n->name = pstr(p, &t)) == NULL)
		return NULL;
	n->kind = kind;
	return n;
}

static int
list(struct parser *p, const struct tok *kw)
{
	struct named	*n;
	struct tok	 t;

	if ((n = named_new(p, NK_LIST)) == NULL)
		return T_ERR;
	if (lex_next(&p->lx, &t) != T_LB)
		return lex_errtok(&p->lx, &t, "'['");
	if (values(p, &n->list, NULL) != 0 || expect_eol(p) != 0)
		return T_ERR;
	return named_add(p, kw, n);
}

static int	cmpmapent(const void *, const void *);

/* map NAME, then "KEY: v, v" lines up to end. */
static int
map(struct parser *p, const struct tok *kw)
{
	struct named	*n;
	struct mapent	*e = NULL, *ne;
	struct tok	 t;
	size_t		 cap = 0, i;

	if ((n = named_new(p, NK_MAP)) == NULL || expect_eol(p) != 0)
		return T_ERR;
	for (;;) {
		lex_next(&p->lx, &t);
		if (t.type == T_NL)
			continue;
		if (is(&t, "end"))
			break;
		if (n->map.n >= RULES_ITEMS_MAX) {
			lex_error(&p->lx, t.line, t.col, "more than %d keys",
			    RULES_ITEMS_MAX);
			goto fail;
		}
		if (n->map.n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((ne = reallocarray(e, cap, sizeof(*e))) == NULL) {
				nomem(p);
				goto fail;
			}
			e = ne;
		}
		ne = &e[n->map.n];
		memset(ne, 0, sizeof(*ne));
		if (t.type == T_WORD && t.len > 1 && t.s[t.len - 1] == ':') {
			t.len--;
		} else if (t.type == T_WORD || t.type == T_STR) {
			struct tok colon;

			if ((ne->key.s = pstr(p, &t)) == NULL)
				goto fail;
			ne->key.len = t.len;
			lex_next(&p->lx, &colon);
			if (!is(&colon, ":")) {
				lex_errtok(&p->lx, &colon, "':'");
				goto fail;
			}
		} else {
			lex_errtok(&p->lx, &t, "KEY: values or end");
			goto fail;
		}
		if (ne->key.s == NULL) {
			if ((ne->key.s = pstr(p, &t)) == NULL)
				goto fail;
			ne->key.len = t.len;
		}
		{
			/* read "v, v, v" and an end of line */
			struct sv	*vals = NULL, *nv;
			size_t		 nvals = 0, vcap = 0;

			for (;;) {
				lex_next(&p->lx, &t);
				if (t.type != T_WORD && t.type != T_STR) {
					lex_errtok(&p->lx, &t, "a value");
					free(vals);
					goto fail;
				}
				if (nvals == vcap) {
					vcap = vcap ? vcap * 2 : 8;
					if (vcap > RULES_ITEMS_MAX || (nv =
					    reallocarray(vals, vcap,
					    sizeof(*nv))) == NULL) {
						nomem(p);
						free(vals);
						goto fail;
					}
					vals = nv;
				}
				vals[nvals].len = t.len;
				if ((vals[nvals++].s = pstr(p, &t)) == NULL) {
					free(vals);
					goto fail;
				}
				lex_next(&p->lx, &t);
				if (t.type == T_COMMA)
					continue;
				if (t.type == T_EOF)
					lex_unget(&p->lx, &t);
				else if (t.type != T_NL) {
					lex_errtok(&p->lx, &t,
					    "',' or end of line");
					free(vals);
					goto fail;
				}
				break;
			}
			qsort(vals, nvals, sizeof(*vals), cmpsv);
			for (i = 0; i < nvals; i++)
				if (i == 0 || cmpsv(&vals[i - 1], &vals[i]) != 0)
					vals[ne->vals.n++] = vals[i];
			ne->vals.v = palloc(p, ne->vals.n * sizeof(*vals));
			if (ne->vals.v != NULL)
				memcpy(ne->vals.v, vals,
				    ne->vals.n * sizeof(*vals));
			free(vals);
			if (ne->vals.v == NULL)
				goto fail;
		}
		n->map.n++;
		if (t.type == T_EOF) {
			lex_next(&p->lx, &t);
			lex_errtok(&p->lx, &t, "end");
			goto fail;
		}
	}
	if (expect_eol(p) != 0)
		goto fail;
	qsort(e, n->map.n, sizeof(*e), cmpmapent);
	for (i = 1; i < n->map.n; i++)
		if (cmpsv(&e[i - 1].key, &e[i].key) == 0) {
			lex_error(&p->lx, kw->line, kw->col,
			    "map %s: key '%s' twice", n->name, e[i].key.s);
			goto fail;
		}
	if ((n->map.e = palloc(p, n->map.n * sizeof(*e))) == NULL)
		goto fail;
	if (n->map.n > 0)
		memcpy(n->map.e, e, n->map.n * sizeof(*e));
	free(e);
	return named_add(p, kw, n);
 fail:
	free(e);
	return T_ERR;
}

static int
cmpmapent(const void *a, const void *b)
{
	return cmpsv(&((const struct mapent *)a)->key,
	    &((const struct mapent *)b)->key);
}

static const char *days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
    "Sun" };

static int
day(const char *s, size_t len)
{
	int i;

	for (i = 0; i < 7; i++)
		if (len == 3 && memcmp(s, days[i], 3) == 0)
			return i;
	return -1;
}

/* "HH:MM" into minutes; 24:00 only when end. */
static int
hhmm(const char *s, int end)
{
	int h, m;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
	    s[2] != ':' || s[3] < '0' || s[3] > '5' || s[4] < '0' ||
	    s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + s[1] - '0';
	m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 24 || (h == 24 && (m != 0 || !end)))
		return -1;
	return h * 60 + m;
}

static int
wrange(struct parser *p, struct wrange *w)
{
	struct tok	t;
	int		a, b, i;

	lex_next(&p->lx, &t);
	if (is(&t, "*"))
		w->days = 0x7f;
	else if (t.type == T_WORD && t.len == 3 && (a = day(t.s, 3)) >= 0)
		w->days = 1 << a;
	else if (t.type == T_WORD && t.len == 7 && t.s[3] == '-' &&
	    (a = day(t.s, 3)) >= 0 && (b = day(t.s + 4, 3)) >= 0) {
		for (i = a;; i = (i + 1) % 7) {
			w->days |= 1 << i;
			if (i == b)
				break;
		}
	} else
		return lex_errtok(&p->lx, &t, "days (Mon, Mon-Fri or *)");
	lex_next(&p->lx, &t);
	if (t.type != T_WORD || t.len != 11 || t.s[5] != '-' ||
	    (w->start = hhmm(t.s, 0)) < 0 || (w->end = hhmm(t.s + 6, 1)) < 0 ||
	    w->start == w->end)
		return lex_errtok(&p->lx, &t, "a time range (HH:MM-HH:MM)");
	return 0;
}

static int
window(struct parser *p, const struct tok *kw)
{
	struct named	*n;
	struct wrange	 w[64];
	struct tok	 t;
	size_t		 nw = 0;

	if ((n = named_new(p, NK_WINDOW)) == NULL)
		return T_ERR;
	if (lex_next(&p->lx, &t) != T_LB)
		return lex_errtok(&p->lx, &t, "'['");
	for (;;) {
		if (nw >= sizeof(w) / sizeof(w[0]))
			return lex_error(&p->lx, t.line, t.col,
			    "more than 64 time ranges");
		memset(&w[nw], 0, sizeof(w[nw]));
		if (wrange(p, &w[nw++]) != 0)
			return T_ERR;
		lex_next(&p->lx, &t);
		if (t.type == T_RB)
			break;
		if (t.type != T_COMMA)
			return lex_errtok(&p->lx, &t, "',' or ']'");
	}
	if ((n->win.v = palloc(p, nw * sizeof(*w))) == NULL)
		return T_ERR;
	memcpy(n->win.v, w, nw * sizeof(*w));
	n->win.n = nw;
	if (expect_eol(p) != 0)
		return T_ERR;
	return named_add(p, kw, n);
}

static int
disable(struct parser *p)
{
	struct ruleset	*rs = p->rs;
	struct tok	 t;
	int		 i;

	lex_next(&p->lx, &t);
	if (t.type != T_WORD || !isid(t.s, t.len))
		return lex_errtok(&p->lx, &t, "a rule id");
	for (i = 0; i < rs->nrules; i++)
		if (strlen(rs->rules[i]->id) == t.len &&
		    memcmp(rs->rules[i]->id, t.s, t.len) == 0)
			break;
	if (i == rs->nrules)
		return lex_error(&p->lx, t.line, t.col,
		    "disable: no rule %.*s loaded before", (int)t.len, t.s);
	memmove(&rs->rules[i], &rs->rules[i + 1],
	    (rs->nrules - i - 1) * sizeof(*rs->rules));
	rs->nrules--;
	return expect_eol(p);
}

/*
 * Parse one file's text into rs, after what earlier files defined.
 * Returns 0 or ERR_FORMAT with "FILE:LINE:COL: message" in err.
 */
int
parse_text(struct ruleset *rs, const char *file, const char *text,
    size_t len, char *err, size_t errlen)
{
	struct parser	*p;
	struct tok	 t;
	int		 r = ERR_FORMAT;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return ERR_NOMEM;
	p->rs = rs;
	lex_init(&p->lx, file, text, len, err, errlen);
	if ((p->file = arena_strndup(&rs->arena, file, strlen(file))) == NULL) {
		nomem(p);
		goto out;
	}
	p->lx.file = p->file;
	if (len > RULES_FILE_MAX) {
		lex_error(&p->lx, 1, 1, "file larger than %u bytes",
		    RULES_FILE_MAX);
		goto out;
	}
	if (memchr(text, '\0', len) != NULL) {
		lex_error(&p->lx, 1, 1, "file contains a NUL byte");
		goto out;
	}
	for (;;) {
		lex_next(&p->lx, &t);
		if (t.type == T_EOF)
			break;
		if (t.type == T_NL)
			continue;
		if (is(&t, "rule")) {
			if (rule(p, &t) != 0)
				goto out;
		} else if (is(&t, "list")) {
			if (list(p, &t) != 0)
				goto out;
		} else if (is(&t, "map")) {
			if (map(p, &t) != 0)
				goto out;
		} else if (is(&t, "window")) {
			if (window(p, &t) != 0)
				goto out;
		} else if (is(&t, "disable")) {
			if (disable(p) != 0)
				goto out;
		} else {
			lex_errtok(&p->lx, &t, "rule, list, map, window or "
			    "disable");
			goto out;
		}
	}
	r = 0;
 out:
	free(p);
	return r;
}
