/*
 * parse.c -- rule files into a struct ruleset (docs/rules.md): the arena,
 * the parser's shared helpers (values, durations, counts, by fields),
 * match expressions and the top-level loop of a file; rule blocks are in
 * rule.c, lists, maps, windows and disable in names.c.  Pure: text in,
 * structures out; references to
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
#include "fname.h"
#include "rules.h"
#include "rules_int.h"

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

int
parse_nomem(struct parser *p)
{
	int line, col;

	lex_pos(&p->lx, &line, &col);
	return lex_error(&p->lx, line, col, "out of memory");
}

void *
parse_alloc(struct parser *p, size_t n)
{
	void *v;

	if ((v = arena_alloc(&p->rs->arena, n)) == NULL)
		parse_nomem(p);
	return v;
}

char *
parse_str(struct parser *p, const struct tok *t)
{
	char *s;

	if ((s = arena_strndup(&p->rs->arena, t->s, t->len)) == NULL)
		parse_nomem(p);
	return s;
}

int
parse_is(const struct tok *t, const char *w)
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

int
parse_isid(const char *s, size_t len)
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

int
parse_eol(struct parser *p)
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

int
parse_field(struct parser *p, const char **out)
{
	struct tok t;

	lex_next(&p->lx, &t);
	if (!isfield(&t))
		return lex_errtok(&p->lx, &t, "a field name");
	if ((*out = parse_str(p, &t)) == NULL)
		return T_ERR;
	*out = fname_canon(*out);
	return 0;
}

int
parse_duration(struct parser *p, int64_t *us, const char **text)
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
	if (text != NULL && (*text = parse_str(p, &t)) == NULL)
		return T_ERR;
	return 0;
}

int
parse_count(struct parser *p, const struct tok *t, uint32_t *n)
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
int
parse_by(struct parser *p, const char **by, int *nby)
{
	struct tok t;

	if (lex_next(&p->lx, &t) != T_WORD || !parse_is(&t, "by")) {
		lex_unget(&p->lx, &t);
		return t.type == T_ERR ? T_ERR : 0;
	}
	for (;;) {
		if (*nby >= RULES_BY_MAX) {
			lex_next(&p->lx, &t);
			return lex_error(&p->lx, t.line, t.col,
			    "more than %d by fields", RULES_BY_MAX);
		}
		if (parse_field(p, &by[(*nby)++]) != 0)
			return T_ERR;
		if (lex_next(&p->lx, &t) != T_COMMA) {
			lex_unget(&p->lx, &t);
			return t.type == T_ERR ? T_ERR : 0;
		}
	}
}

/* Values of [a, b, c] (the "[" already read) into a sorted set. */
int
parse_values(struct parser *p, struct strset *set, struct cidrset *cidrs)
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
				parse_nomem(p);
				goto fail;
			}
			v = nv;
		}
		if ((v[n].s = parse_str(p, &t)) == NULL)
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
		if ((cidrs->v = parse_alloc(p, n * sizeof(*cidrs->v))) == NULL)
			goto fail;
		for (i = 0; i < n; i++)
			cidr_parse(v[i].s, v[i].len, &cidrs->v[i]);
		cidrs->n = n;
	}
	qsort(v, n, sizeof(*v), parse_cmpsv);
	for (i = j = 0; i < n; i++)	/* drop duplicates */
		if (j == 0 || parse_cmpsv(&v[j - 1], &v[i]) != 0)
			v[j++] = v[i];
	if ((set->v = parse_alloc(p, j * sizeof(*v))) == NULL)
		goto fail;
	memcpy(set->v, v, j * sizeof(*v));
	set->n = j;
	free(v);
	return 0;
 fail:
	free(v);
	return T_ERR;
}

int
parse_cmpsv(const void *a, const void *b)
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
			return parse_nomem(p);
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
	if ((c->re.caps = parse_alloc(p, nname * sizeof(*c->re.caps))) == NULL)
		return T_ERR;
	for (i = 0; i < nname; i++, tab += esz) {
		c->re.caps[i].group = tab[0] << 8 | tab[1];
		s = (const char *)tab + 2;
		if ((f = d = parse_alloc(p, strlen(s) + 1)) == NULL)
			return T_ERR;
		for (; *s != '\0'; s++) {
			if (s[0] == '_' && s[1] == '_') {
				*d++ = '.';
				s++;
			} else
				*d++ = *s;
		}
		*d = '\0';
		c->re.caps[i].field = fname_canon(f);
	}
	c->re.ncaps = nname;
	return 0;
}

static int
listref(struct parser *p, const struct tok *t, struct cond *c)
{
	if (t->type != T_WORD || t->len < 2 || t->s[0] != '$' ||
	    !parse_isid(t->s + 1, t->len - 1))
		return -1;
	c->pos.line = t->line;
	c->pos.col = t->col;
	if ((c->ref = arena_strndup(&p->rs->arena, t->s + 1, t->len - 1)) ==
	    NULL)
		return parse_nomem(p);
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
	if ((c = *out = parse_alloc(p, sizeof(*c))) == NULL)
		return T_ERR;
	c->pos.file = p->file;
	c->pos.line = ft->line;
	c->pos.col = ft->col;
	if (parse_is(ft, "true")) {
		c->op = C_TRUE;
		return 0;
	}
	if (parse_is(ft, "during")) {
		c->op = C_DURING;
		lex_next(&p->lx, &t);
		if (listref(p, &t, c) != 0)
			return lex_errtok(&p->lx, &t, "a window ($name)");
		return 0;
	}
	if (!isfield(ft))
		return lex_errtok(&p->lx, ft, "a field name, '(', not, "
		    "during or true");
	if ((c->field = parse_str(p, ft)) == NULL)
		return T_ERR;
	c->field = fname_canon(c->field);
	lex_next(&p->lx, &t);
	if (parse_is(&t, "==") || parse_is(&t, "!=")) {
		c->op = t.s[0] == '=' ? C_EQ : C_NE;
		lex_next(&p->lx, &t);
		if ((t.type != T_WORD && t.type != T_STR) ||
		    (t.type == T_WORD && t.s[0] == '$'))
			return lex_errtok(&p->lx, &t, "a value");
		if ((c->val.s = parse_str(p, &t)) == NULL)
			return T_ERR;
		c->val.len = t.len;
	} else if (parse_is(&t, "<") || parse_is(&t, "<=") || parse_is(&t, ">") ||
	    parse_is(&t, ">=")) {
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
	} else if (parse_is(&t, "in")) {
		c->op = C_IN;
		lex_next(&p->lx, &t);
		if (t.type == T_LB) {
			if (parse_values(p, &c->lit, NULL) != 0)
				return T_ERR;
			c->set = &c->lit;
		} else if (listref(p, &t, c) == 0) {
			if (lex_next(&p->lx, &t) == T_LB) {
				c->op = C_INMAPV;
				if (parse_field(p, &c->field2) != 0)
					return T_ERR;
				if (lex_next(&p->lx, &t) != T_RB)
					return lex_errtok(&p->lx, &t, "']'");
			} else
				lex_unget(&p->lx, &t);
		} else
			return lex_errtok(&p->lx, &t, "'[' or a $list");
	} else if (parse_is(&t, "cidr")) {
		c->op = C_CIDR;
		lex_next(&p->lx, &t);
		if (t.type == T_LB) {
			if (parse_values(p, &c->lit, &c->litcidr) != 0)
				return T_ERR;
			c->cidrs = &c->litcidr;
		} else if (listref(p, &t, c) == 0)
			;
		else if (t.type == T_WORD && cidr_parse(t.s, t.len, NULL) == 0) {
			if ((c->litcidr.v = parse_alloc(p, sizeof(struct cidr))) ==
			    NULL)
				return T_ERR;
			cidr_parse(t.s, t.len, c->litcidr.v);
			c->litcidr.n = 1;
			c->cidrs = &c->litcidr;
		} else
			return lex_errtok(&p->lx, &t,
			    "a network (10.0.0.0/8), '[' or a $list");
	} else if (parse_is(&t, "exists"))
		c->op = C_EXISTS;
	else if (parse_is(&t, "=~") || parse_is(&t, "!~")) {
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

	if ((e = parse_alloc(p, sizeof(*e))) == NULL)
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
	if (parse_is(&t, "not") || t.type == T_LP) {
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
	if (t.type != T_WORD || parse_is(&t, "and") || parse_is(&t, "or"))
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
	while (lex_next(&p->lx, &t) == T_WORD && parse_is(&t, "and")) {
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
	while (lex_next(&p->lx, &t) == T_WORD && parse_is(&t, "or")) {
		if (expr_and(p, &r) != 0 ||
		    (*out = node(p, E_OR, *out, r)) == NULL)
			return T_ERR;
	}
	lex_unget(&p->lx, &t);
	return t.type == T_ERR ? T_ERR : 0;
}

/* A whole expression up to the end of the line. */
int
parse_expr(struct parser *p, struct expr **out)
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
		parse_nomem(p);
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
		if (parse_is(&t, "rule")) {
			if (rule_parse(p, &t) != 0)
				goto out;
		} else if (parse_is(&t, "list")) {
			if (names_list(p, &t) != 0)
				goto out;
		} else if (parse_is(&t, "map")) {
			if (names_map(p, &t) != 0)
				goto out;
		} else if (parse_is(&t, "window")) {
			if (names_window(p, &t) != 0)
				goto out;
		} else if (parse_is(&t, "disable")) {
			if (names_disable(p) != 0)
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
