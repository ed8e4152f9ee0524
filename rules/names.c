/*
 * names.c -- the top-level definitions of rule files other than rules
 * (docs/rules.md, "Top-level directives"): "list", "map" and "window",
 * which replace an earlier definition of the same name, and "disable".
 * Pure.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rules.h"
#include "rules_int.h"

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
			return parse_nomem(p);
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
	if (t.type != T_WORD || !parse_isid(t.s, t.len) || t.len > 128) {
		lex_errtok(&p->lx, &t, "a name (letters, digits, . _ -)");
		return NULL;
	}
	if ((n = parse_alloc(p, sizeof(*n))) == NULL ||
	    (n->name = parse_str(p, &t)) == NULL)
		return NULL;
	n->kind = kind;
	return n;
}

int
names_list(struct parser *p, const struct tok *kw)
{
	struct named	*n;
	struct tok	 t;

	if ((n = named_new(p, NK_LIST)) == NULL)
		return T_ERR;
	if (lex_next(&p->lx, &t) != T_LB)
		return lex_errtok(&p->lx, &t, "'['");
	if (parse_values(p, &n->list, NULL) != 0 || parse_eol(p) != 0)
		return T_ERR;
	return named_add(p, kw, n);
}

static int	cmpmapent(const void *, const void *);

/* The values of a map line, "v, v, v", and its end; *last: the end. */
static int
map_values(struct parser *p, struct strset *set, struct tok *last)
{
	struct sv	*v = NULL, *nv;
	size_t		 n = 0, cap = 0, i;
	struct tok	*t = last;

	for (;;) {
		lex_next(&p->lx, t);
		if (t->type != T_WORD && t->type != T_STR) {
			lex_errtok(&p->lx, t, "a value");
			goto fail;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if (cap > RULES_ITEMS_MAX) {
				lex_error(&p->lx, t->line, t->col,
				    "more than %d values", RULES_ITEMS_MAX);
				goto fail;
			}
			if ((nv = reallocarray(v, cap, sizeof(*nv))) == NULL) {
				parse_nomem(p);
				goto fail;
			}
			v = nv;
		}
		v[n].len = t->len;
		if ((v[n++].s = parse_str(p, t)) == NULL)
			goto fail;
		lex_next(&p->lx, t);
		if (t->type == T_COMMA)
			continue;
		if (t->type == T_EOF)
			lex_unget(&p->lx, t);
		else if (t->type != T_NL) {
			lex_errtok(&p->lx, t, "',' or end of line");
			goto fail;
		}
		break;
	}
	qsort(v, n, sizeof(*v), parse_cmpsv);
	for (i = 0; i < n; i++)		/* drop duplicates */
		if (i == 0 || parse_cmpsv(&v[i - 1], &v[i]) != 0)
			v[set->n++] = v[i];
	if ((set->v = parse_alloc(p, set->n * sizeof(*v))) == NULL)
		goto fail;
	memcpy(set->v, v, set->n * sizeof(*v));
	free(v);
	return 0;
 fail:
	free(v);
	return T_ERR;
}

/* map NAME, then "KEY: v, v" lines up to end. */
int
names_map(struct parser *p, const struct tok *kw)
{
	struct named	*n;
	struct mapent	*e = NULL, *ne;
	struct tok	 t;
	size_t		 cap = 0, i;

	if ((n = named_new(p, NK_MAP)) == NULL || parse_eol(p) != 0)
		return T_ERR;
	for (;;) {
		lex_next(&p->lx, &t);
		if (t.type == T_NL)
			continue;
		if (parse_is(&t, "end"))
			break;
		if (n->map.n >= RULES_ITEMS_MAX) {
			lex_error(&p->lx, t.line, t.col, "more than %d keys",
			    RULES_ITEMS_MAX);
			goto fail;
		}
		if (n->map.n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((ne = reallocarray(e, cap, sizeof(*e))) == NULL) {
				parse_nomem(p);
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

			if ((ne->key.s = parse_str(p, &t)) == NULL)
				goto fail;
			ne->key.len = t.len;
			lex_next(&p->lx, &colon);
			if (!parse_is(&colon, ":")) {
				lex_errtok(&p->lx, &colon, "':'");
				goto fail;
			}
		} else {
			lex_errtok(&p->lx, &t, "KEY: values or end");
			goto fail;
		}
		if (ne->key.s == NULL) {
			if ((ne->key.s = parse_str(p, &t)) == NULL)
				goto fail;
			ne->key.len = t.len;
		}
		if (map_values(p, &ne->vals, &t) != 0)
			goto fail;
		n->map.n++;
		if (t.type == T_EOF) {
			lex_next(&p->lx, &t);
			lex_errtok(&p->lx, &t, "end");
			goto fail;
		}
	}
	if (parse_eol(p) != 0)
		goto fail;
	if (n->map.n > 0)
		qsort(e, n->map.n, sizeof(*e), cmpmapent);
	for (i = 1; i < n->map.n; i++)
		if (parse_cmpsv(&e[i - 1].key, &e[i].key) == 0) {
			lex_error(&p->lx, kw->line, kw->col,
			    "map %s: key '%s' twice", n->name, e[i].key.s);
			goto fail;
		}
	if ((n->map.e = parse_alloc(p, n->map.n * sizeof(*e))) == NULL)
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
	return parse_cmpsv(&((const struct mapent *)a)->key,
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
	if (parse_is(&t, "*"))
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

int
names_window(struct parser *p, const struct tok *kw)
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
	if ((n->win.v = parse_alloc(p, nw * sizeof(*w))) == NULL)
		return T_ERR;
	memcpy(n->win.v, w, nw * sizeof(*w));
	n->win.n = nw;
	if (parse_eol(p) != 0)
		return T_ERR;
	return named_add(p, kw, n);
}

int
names_disable(struct parser *p)
{
	struct ruleset	*rs = p->rs;
	struct tok	 t;
	int		 i;

	lex_next(&p->lx, &t);
	if (t.type != T_WORD || !parse_isid(t.s, t.len))
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
	return parse_eol(p);
}
