/*
 * query.c -- the vigil query language (docs/query.md): parses query text
 * into an array of nodes, matches it against a struct record and extracts
 * the required field terms for index lookups; also parses and formats
 * times.  Pure: no I/O, no globals, independent of the locale and TZ.
 *
 * Everything a query points to (nodes, lower-cased needles, field names,
 * glob segments) lives in the single allocation that query_free releases.
 *
 * The parser is recursive descent.  Each "(" and each NOT/"-" raises the
 * nesting level, which is limited to QUERY_MAX_DEPTH, so neither parsing
 * nor matching recurses more than a few frames per level.  AND and OR
 * nodes are n-ary and flattened: "(a b) c" is one AND of three terms.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fname.h"
#include "record.h"
#include "query.h"

enum qtype {
	Q_AND,		/* all children */
	Q_OR,		/* any child */
	Q_NOT,		/* not the one child */
	Q_TEXT,		/* substring of the raw line */
	Q_TEXTGLOB,	/* segments appear in order in the raw line */
	Q_EQ,		/* whole field value */
	Q_GLOB,		/* whole field value against segments */
	Q_EXISTS,	/* field present */
	Q_CMP		/* numeric comparison of the field value */
};

enum qcmp {
	CMP_LT, CMP_LE, CMP_GT, CMP_GE
};

struct qseg {
	const char	*s;	/* lower-cased, in the arena */
	size_t		 len;
};

struct qnode {
	int		 type;
	int		 cmp;		/* Q_CMP */
	int		 child;		/* first operand (AND/OR/NOT) or -1 */
	int		 next;		/* next sibling or -1 */
	const char	*field;		/* NUL-terminated, case kept */
	const char	*s;		/* lower-cased value, NUL-terminated */
	size_t		 len;
	size_t		 seg;		/* globs: first segment in q->segs */
	size_t		 nseg;
};

struct query {
	int		 root;		/* -1: empty query, matches all */
	int		 nnodes;
	struct qnode	 n[QUERY_MAX_NODES];
	struct qseg	*segs;
	size_t		 nsegs, segcap;
	char		*arena;
	size_t		 arenalen, arenacap;
};

struct parser {
	struct query	*q;
	const char	*s;
	size_t		 len;
	size_t		 pos;
	char		*err;
	size_t		 errlen;
};

enum tok {
	TOK_END, TOK_LPAREN, TOK_RPAREN, TOK_AND, TOK_OR, TOK_NOT, TOK_MINUS,
	TOK_TERM
};

#define NOTFOUND	((size_t)-1)
#define FIELD_SHOW	64	/* bytes of a field name quoted in errors */

static int	parse_or(struct parser *, int, int *);
static int	match_node(const struct query *, int, const struct record *);

static inline unsigned char
lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline int
isws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Ends a bare word (unless escaped). */
static inline int
isspecial(unsigned char c)
{
	return isws(c) || c == '(' || c == ')' || c == '"';
}

static inline int
isfieldc(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '@' ||
	    c == '-';
}

static int
perr(struct parser *p, int r, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Write "column N: ..." (N is 1-based) and return r. */
static int
perr(struct parser *p, int r, size_t pos, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (p->err == NULL || p->errlen == 0)
		return r;
	n = snprintf(p->err, p->errlen, "column %zu: ", pos + 1);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return r;
}

static int
node_new(struct parser *p, int type, int *ip)
{
	struct query	*q = p->q;
	struct qnode	*n;

	if (q->nnodes >= QUERY_MAX_NODES)
		return perr(p, ERR_TOOBIG, p->pos,
		    "query too complex (more than %d nodes)", QUERY_MAX_NODES);
	n = &q->n[q->nnodes];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->child = n->next = -1;
	*ip = q->nnodes++;
	return 0;
}

/*
 * The arena is sized in query_parse so that it cannot run out (decoded
 * text never grows, plus one NUL per string); the checks are a backstop.
 */
static char *
arena_put(struct parser *p, const char *s, size_t len)
{
	struct query	*q = p->q;
	char		*d;

	if (len + 1 > q->arenacap - q->arenalen)
		return NULL;
	d = q->arena + q->arenalen;
	memcpy(d, s, len);
	d[len] = '\0';
	q->arenalen += len + 1;
	return d;
}

static int
seg_add(struct parser *p, const char *s, size_t len)
{
	struct query *q = p->q;

	if (q->nsegs >= q->segcap)
		return perr(p, ERR_INTERNAL, p->pos, "glob segments overflow");
	q->segs[q->nsegs].s = s;
	q->segs[q->nsegs].len = len;
	q->nsegs++;
	return 0;
}

/*
 * Look at the next token without consuming it (whitespace is consumed).
 * Keywords are upper case only and must stand alone; "-" is NOT only
 * when a term follows it directly.
 */
static enum tok
peek(struct parser *p)
{
	const char	*s;
	size_t		 left, n;

	while (p->pos < p->len && isws(p->s[p->pos]))
		p->pos++;
	if (p->pos == p->len)
		return TOK_END;
	s = p->s + p->pos;
	left = p->len - p->pos;
	switch (s[0]) {
	case '(':
		return TOK_LPAREN;
	case ')':
		return TOK_RPAREN;
	case '-':
		if (left > 1 && !isws(s[1]) && s[1] != ')')
			return TOK_MINUS;
		return TOK_TERM;
	}
	for (n = 0; n < left && n < 4 && !isspecial(s[n]); n++)
		;
	if (n == 3 && memcmp(s, "AND", 3) == 0)
		return TOK_AND;
	if (n == 2 && memcmp(s, "OR", 2) == 0)
		return TOK_OR;
	if (n == 3 && memcmp(s, "NOT", 3) == 0)
		return TOK_NOT;
	return TOK_TERM;
}

static size_t
toklen(enum tok t)
{
	switch (t) {
	case TOK_AND:
	case TOK_NOT:
		return 3;
	case TOK_OR:
		return 2;
	case TOK_END:
		return 0;
	default:
		return 1;
	}
}

/*
 * Decode a quoted string starting at the '"' at p->pos: \" and \\ are the
 * only escapes.  The text goes to the arena lower-cased; p->pos ends
 * after the closing quote.
 */
static int
decode_quoted(struct parser *p, const char **sp, size_t *lenp)
{
	struct query	*q = p->q;
	size_t		 open = p->pos, i = p->pos + 1;
	char		*d;
	unsigned char	 c;

	if (q->arenalen >= q->arenacap)
		return perr(p, ERR_INTERNAL, i, "arena overflow");
	d = q->arena + q->arenalen;
	*lenp = 0;
	for (;;) {
		if (i >= p->len)
			return perr(p, ERR_FORMAT, open, "unterminated quote");
		c = p->s[i];
		if (c == '"')
			break;
		if (c == '\\') {
			if (i + 1 >= p->len)
				return perr(p, ERR_FORMAT, i,
				    "trailing backslash");
			c = p->s[i + 1];
			if (c != '"' && c != '\\')
				return perr(p, ERR_FORMAT, i, "bad escape in "
				    "quoted string (only \\\" and \\\\)");
			i++;
		}
		if (q->arenalen + *lenp + 1 >= q->arenacap)
			return perr(p, ERR_INTERNAL, i, "arena overflow");
		d[(*lenp)++] = lc(c);
		i++;
	}
	d[*lenp] = '\0';
	q->arenalen += *lenp + 1;
	*sp = d;
	p->pos = i + 1;
	return 0;
}

/*
 * Decode a bare word at p->pos up to the next unescaped space, paren or
 * quote.  A backslash takes the next byte literally; an unescaped '*'
 * splits the word into glob segments.  The text goes to the arena
 * lower-cased.  *globp says whether there was a '*'; the segments are
 * recorded (in q->segs from *segp, *nsegp of them) only then.
 */
static int
decode_bare(struct parser *p, const char **sp, size_t *lenp, int *globp,
    size_t *segp, size_t *nsegp)
{
	struct query	*q = p->q;
	size_t		 i = p->pos, segstart = 0, len = 0;
	size_t		 seg0 = q->nsegs;
	char		*d;
	unsigned char	 c;
	int		 r;

	if (q->arenalen >= q->arenacap)
		return perr(p, ERR_INTERNAL, i, "arena overflow");
	d = q->arena + q->arenalen;
	*globp = 0;
	while (i < p->len && !isspecial(p->s[i])) {
		c = p->s[i];
		if (c == '*') {
			if ((r = seg_add(p, d + segstart, len - segstart)) != 0)
				return r;
			segstart = len;
			*globp = 1;
			i++;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= p->len)
				return perr(p, ERR_FORMAT, i,
				    "trailing backslash");
			c = p->s[++i];
		}
		if (q->arenalen + len + 1 >= q->arenacap)
			return perr(p, ERR_INTERNAL, i, "arena overflow");
		d[len++] = lc(c);
		i++;
	}
	if (*globp) {
		if ((r = seg_add(p, d + segstart, len - segstart)) != 0)
			return r;
	} else
		q->nsegs = seg0;
	d[len] = '\0';
	q->arenalen += len + 1;
	*sp = d;
	*lenp = len;
	*segp = seg0;
	*nsegp = q->nsegs - seg0;
	p->pos = i;
	return 0;
}

/* [+-]?[0-9]+(\.[0-9]+)? */
static int
isnum(const char *s, size_t len)
{
	size_t i = 0, d;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d)
		return 0;
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == len;
}

struct num {
	int		 neg;
	const char	*ip, *fp;	/* integer part, fraction part */
	size_t		 il, fl;
};

/* Split a string that passed isnum; strip redundant zeros. */
static void
num_split(const char *s, size_t len, struct num *n)
{
	size_t i = 0;

	n->neg = 0;
	if (s[0] == '+' || s[0] == '-') {
		n->neg = s[0] == '-';
		i++;
	}
	while (i < len && s[i] == '0')
		i++;
	n->ip = s + i;
	for (n->il = 0; i < len && s[i] != '.'; i++)
		n->il++;
	n->fp = s + len;
	n->fl = 0;
	if (i < len) {
		n->fp = s + i + 1;
		n->fl = len - i - 1;
		while (n->fl > 0 && n->fp[n->fl - 1] == '0')
			n->fl--;
	}
	if (n->il == 0 && n->fl == 0)
		n->neg = 0;			/* -0 == 0 */
}

/*
 * Compare two decimal numbers exactly, as digit strings: no floating
 * point, no strtod (whose decimal point depends on the locale).
 */
static int
numcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct num	x, y;
	size_t		m;
	int		c;

	num_split(a, alen, &x);
	num_split(b, blen, &y);
	if (x.neg != y.neg)
		return x.neg ? -1 : 1;
	if (x.il != y.il)
		c = x.il < y.il ? -1 : 1;
	else if ((c = memcmp(x.ip, y.ip, x.il)) == 0) {
		m = x.fl < y.fl ? x.fl : y.fl;
		if ((c = memcmp(x.fp, y.fp, m)) == 0 && x.fl != y.fl)
			c = x.fl < y.fl ? -1 : 1;	/* no trailing zeros */
	}
	if (c != 0)
		c = c < 0 ? -1 : 1;
	return x.neg ? -c : c;
}

static int
parse_field(struct parser *p, size_t flen, int *out)
{
	struct query	*q = p->q;
	struct qnode	*n;
	const char	*fname = p->s + p->pos, *v, *opname;
	size_t		 vpos, vlen, i, show;
	int		 r, id, type, glob, cmp;

	show = flen < FIELD_SHOW ? flen : FIELD_SHOW;
	vpos = p->pos + flen + 1;
	if (vpos >= p->len || isws(p->s[vpos]) || p->s[vpos] == ')')
		return perr(p, ERR_FORMAT, vpos, "empty value after '%.*s:'",
		    (int)show, fname);
	if (p->s[vpos] == '(')
		return perr(p, ERR_FORMAT, vpos, "'(' after '%.*s:': grouping "
		    "values is not supported, quote the value", (int)show,
		    fname);
	if ((r = node_new(p, Q_EQ, &id)) != 0)
		return r;
	n = &q->n[id];
	if ((n->field = arena_put(p, fname, flen)) == NULL)
		return perr(p, ERR_INTERNAL, p->pos, "arena overflow");
	/* a name events have: its table copy, found by address */
	n->field = fname_canon_known(n->field);
	p->pos = vpos;
	if (p->s[vpos] == '"') {
		if ((r = decode_quoted(p, &n->s, &n->len)) != 0)
			return r;
		*out = id;
		return 0;
	}
	if (p->s[vpos] == '>' || p->s[vpos] == '<') {
		i = vpos + 1;
		if (i < p->len && p->s[i] == '=') {
			cmp = p->s[vpos] == '>' ? CMP_GE : CMP_LE;
			opname = p->s[vpos] == '>' ? ">=" : "<=";
			i++;
		} else {
			cmp = p->s[vpos] == '>' ? CMP_GT : CMP_LT;
			opname = p->s[vpos] == '>' ? ">" : "<";
		}
		v = p->s + i;
		for (vlen = 0; i + vlen < p->len && !isspecial(v[vlen]);
		    vlen++)
			;
		if (!isnum(v, vlen))
			return perr(p, ERR_FORMAT, i, "expected a number after "
			    "'%.*s:%s'", (int)show, fname, opname);
		n->type = Q_CMP;
		n->cmp = cmp;
		n->len = vlen;
		if ((n->s = arena_put(p, v, vlen)) == NULL)
			return perr(p, ERR_INTERNAL, i, "arena overflow");
		p->pos = i + vlen;
		*out = id;
		return 0;
	}
	if ((r = decode_bare(p, &n->s, &n->len, &glob, &n->seg, &n->nseg))
	    != 0)
		return r;
	type = Q_EQ;
	if (glob) {
		type = Q_EXISTS;		/* only '*'s: any value */
		for (i = 0; i < n->nseg; i++)
			if (q->segs[n->seg + i].len > 0)
				type = Q_GLOB;
	}
	n->type = type;
	*out = id;
	return 0;
}

/* term := FIELD ":" value | word | "phrase" */
static int
parse_term(struct parser *p, int *out)
{
	struct qnode	*n;
	const char	*s = p->s + p->pos;
	size_t		 left = p->len - p->pos, f, seg, nseg;
	const char	*str;
	size_t		 len;
	int		 r, id, glob;

	if (s[0] == '"') {
		if ((r = decode_quoted(p, &str, &len)) != 0)
			return r;
		if ((r = node_new(p, Q_TEXT, &id)) != 0)
			return r;
		n = &p->q->n[id];
		n->s = str;
		n->len = len;
		*out = id;
		return 0;
	}
	if (s[0] == '-')	/* peek() saw no term right after it */
		return perr(p, ERR_FORMAT, p->pos,
		    "'-' must be followed directly by a term");
	for (f = 0; f < left && isfieldc(s[f]); f++)
		;
	if (f > 0 && f < left && s[f] == ':')
		return parse_field(p, f, out);
	if ((r = decode_bare(p, &str, &len, &glob, &seg, &nseg)) != 0)
		return r;
	if ((r = node_new(p, glob ? Q_TEXTGLOB : Q_TEXT, &id)) != 0)
		return r;
	n = &p->q->n[id];
	n->s = str;
	n->len = len;
	n->seg = seg;
	n->nseg = nseg;
	*out = id;
	return 0;
}

/* unary := ("NOT" | "-") unary | "(" or ")" | term */
static int
parse_unary(struct parser *p, int depth, int *out)
{
	enum tok	 t, t2;
	size_t		 col;
	int		 r, c, id;

	t = peek(p);
	col = p->pos;
	switch (t) {
	case TOK_NOT:
	case TOK_MINUS:
		if (depth + 1 > QUERY_MAX_DEPTH)
			return perr(p, ERR_TOOBIG, col, "nesting deeper than "
			    "%d levels", QUERY_MAX_DEPTH);
		p->pos += toklen(t);
		t2 = peek(p);
		if (t2 == TOK_END || t2 == TOK_RPAREN || t2 == TOK_AND ||
		    t2 == TOK_OR)
			return perr(p, ERR_FORMAT, col, "'%s' needs a term "
			    "after it", t == TOK_NOT ? "NOT" : "-");
		if ((r = parse_unary(p, depth + 1, &c)) != 0)
			return r;
		if ((r = node_new(p, Q_NOT, &id)) != 0)
			return r;
		p->q->n[id].child = c;
		*out = id;
		return 0;
	case TOK_LPAREN:
		if (depth + 1 > QUERY_MAX_DEPTH)
			return perr(p, ERR_TOOBIG, col, "nesting deeper than "
			    "%d levels", QUERY_MAX_DEPTH);
		p->pos++;
		if ((r = parse_or(p, depth + 1, &c)) != 0)
			return r;
		t2 = peek(p);
		if (c == -1 && t2 == TOK_RPAREN)
			return perr(p, ERR_FORMAT, p->pos,
			    "empty parentheses");
		if (t2 != TOK_RPAREN)
			return perr(p, ERR_FORMAT, col,
			    "unbalanced parenthesis");
		p->pos++;
		*out = c;
		return 0;
	case TOK_TERM:
		return parse_term(p, out);
	default:
		return perr(p, ERR_FORMAT, col, "expected a term");
	}
}

/*
 * Append operand c to the list head..tail of an n-ary node of the given
 * type, splicing in c's operands when c is the same kind of node.
 */
static void
list_add(struct query *q, int type, int *head, int *tail, int c)
{
	int first = c, last = c;

	if (q->n[c].type == type) {
		first = last = q->n[c].child;
		while (q->n[last].next != -1)
			last = q->n[last].next;
	}
	if (*head == -1)
		*head = first;
	else
		q->n[*tail].next = first;
	*tail = last;
}

/*
 * Make the n-ary node over head.., or return the only operand (which
 * may itself have been spliced into the list, so it is passed apart).
 */
static int
list_close(struct parser *p, int type, int head, int count, int only,
    int *out)
{
	int r, id;

	if (count == 0) {
		*out = -1;
		return 0;
	}
	if (count == 1) {
		*out = only;
		return 0;
	}
	if ((r = node_new(p, type, &id)) != 0)
		return r;
	p->q->n[id].child = head;
	*out = id;
	return 0;
}

/* and := unary ( ["AND"] unary )*; *out is -1 when there is no operand. */
static int
parse_and(struct parser *p, int depth, int *out)
{
	enum tok	 t;
	size_t		 col;
	int		 r, c, head = -1, tail = -1, count = 0, only = -1;

	for (;;) {
		t = peek(p);
		if (t == TOK_END || t == TOK_RPAREN || t == TOK_OR)
			break;
		if (t == TOK_AND) {
			col = p->pos;
			if (count == 0)
				return perr(p, ERR_FORMAT, col, "'AND' needs a "
				    "term before it");
			p->pos += 3;
			t = peek(p);
			if (t == TOK_END || t == TOK_RPAREN || t == TOK_OR ||
			    t == TOK_AND)
				return perr(p, ERR_FORMAT, col, "'AND' needs a "
				    "term after it");
		}
		if ((r = parse_unary(p, depth, &c)) != 0)
			return r;
		list_add(p->q, Q_AND, &head, &tail, c);
		if (count++ == 0)
			only = c;
	}
	return list_close(p, Q_AND, head, count, only, out);
}

/* or := and ( "OR" and )*; *out is -1 when there is no operand. */
static int
parse_or(struct parser *p, int depth, int *out)
{
	enum tok	 t;
	size_t		 col;
	int		 r, c, head = -1, tail = -1, count = 0, only;

	if ((r = parse_and(p, depth, &c)) != 0)
		return r;
	if (c == -1) {
		if (peek(p) == TOK_OR)
			return perr(p, ERR_FORMAT, p->pos, "'OR' needs a term "
			    "before it");
		*out = -1;
		return 0;
	}
	list_add(p->q, Q_OR, &head, &tail, c);
	count++;
	only = c;
	while (peek(p) == TOK_OR) {
		col = p->pos;
		p->pos += 2;
		t = peek(p);
		if (t == TOK_END || t == TOK_RPAREN || t == TOK_OR ||
		    t == TOK_AND)
			return perr(p, ERR_FORMAT, col, "'OR' needs a term "
			    "after it");
		if ((r = parse_and(p, depth, &c)) != 0)
			return r;
		if (c == -1)	/* not reached: a term follows */
			return perr(p, ERR_FORMAT, col, "'OR' needs a term "
			    "after it");
		list_add(p->q, Q_OR, &head, &tail, c);
		count++;
	}
	return list_close(p, Q_OR, head, count, only, out);
}

int
query_parse(const char *s, size_t len, struct query **qp, char *err,
    size_t errlen)
{
	struct parser	 p;
	struct query	*q = NULL;
	size_t		 segcap, arenacap;
	int		 r, root;

	*qp = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.s = s != NULL ? s : "";
	p.len = s != NULL ? len : 0;
	p.err = err;
	p.errlen = errlen;
	if (p.len > QUERY_MAX_LEN)
		return perr(&p, ERR_TOOBIG, QUERY_MAX_LEN,
		    "query longer than %d bytes", QUERY_MAX_LEN);
	/*
	 * Every term takes at least one byte of text: at most len terms,
	 * each storing a field name and a value no longer than their text
	 * plus two NULs; at most one segment per '*' plus one per term.
	 */
	segcap = 2 * p.len + 1;
	arenacap = 3 * p.len + 16;
	if ((q = malloc(sizeof(*q) + segcap * sizeof(struct qseg) +
	    arenacap)) == NULL) {
		r = perr(&p, ERR_NOMEM, 0, "out of memory");
		goto out;
	}
	q->root = -1;
	q->nnodes = 0;
	q->segs = (struct qseg *)(q + 1);
	q->nsegs = 0;
	q->segcap = segcap;
	q->arena = (char *)(q->segs + segcap);
	q->arenalen = 0;
	q->arenacap = arenacap;
	p.q = q;

	if ((r = parse_or(&p, 0, &root)) != 0)
		goto out;
	if (peek(&p) != TOK_END) {
		/* parse_or stops only at the end or at a ')' */
		r = perr(&p, ERR_FORMAT, p.pos, "unbalanced parenthesis");
		goto out;
	}
	q->root = root;
	*qp = q;
	q = NULL;
	r = 0;
 out:
	free(q);
	return r;
}

void
query_free(struct query *q)
{
	free(q);
}

/* h[0..len) equals the lower-case n[0..len), ignoring ASCII case */
static int
ci_eq(const char *h, const char *n, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (lc(h[i]) != (unsigned char)n[i])
			return 0;
	return 1;
}

/* Offset of the lower-case needle n in h ignoring ASCII case, or NOTFOUND */
static size_t
ci_find(const char *h, size_t hlen, const char *n, size_t nlen)
{
	const char	*p;
	unsigned char	 c0, u0, c;
	size_t		 i, last, k, a;

	if (nlen == 0)
		return 0;
	if (nlen > hlen)
		return NOTFOUND;
	c0 = n[0];
	u0 = c0 >= 'a' && c0 <= 'z' ? c0 - ('a' - 'A') : c0;
	last = hlen - nlen;
	if (c0 == u0) {
		/* first byte has no case: let memchr skip ahead */
		for (i = 0; i <= last; i++) {
			if ((p = memchr(h + i, c0, last - i + 1)) == NULL)
				return NOTFOUND;
			i = p - h;
			if (ci_eq(h + i + 1, n + 1, nlen - 1))
				return i;
		}
		return NOTFOUND;
	}
	/*
	 * The first byte has a case.  Anchor on a byte of the needle without
	 * one (a digit or punctuation rather than a space, which is common),
	 * which memchr can skip to, and compare the whole needle around it.
	 */
	for (k = 1, a = 0; k < nlen; k++) {
		c = n[k];
		if (c >= 'a' && c <= 'z')
			continue;
		if (a == 0 || n[a] == ' ')
			a = k;
		if (c != ' ')
			break;
	}
	if (a > 0) {
		for (i = 0; i <= last; i++) {
			if ((p = memchr(h + i + a, n[a], last - i + 1)) == NULL)
				return NOTFOUND;
			i = (size_t)(p - h) - a;
			if (ci_eq(h + i, n, nlen))
				return i;
		}
		return NOTFOUND;
	}
	for (i = 0; i <= last; i++) {
		c = h[i];
		if ((c == c0 || c == u0) && ci_eq(h + i + 1, n + 1, nlen - 1))
			return i;
	}
	return NOTFOUND;
}

/* The segments appear in order, without overlap, anywhere in h. */
static int
glob_find(const char *h, size_t hlen, const struct qseg *sg, size_t nseg)
{
	size_t i, pos = 0, off;

	for (i = 0; i < nseg; i++) {
		off = ci_find(h + pos, hlen - pos, sg[i].s, sg[i].len);
		if (off == NOTFOUND)
			return 0;
		pos += off + sg[i].len;
	}
	return 1;
}

/*
 * The whole of v matches seg0*seg1*...*segN (nseg >= 2): prefix and
 * suffix are fixed, and taking each middle segment at its leftmost
 * position leaves the most room for the rest, so no backtracking.
 */
static int
glob_whole(const char *v, size_t vlen, const struct qseg *sg, size_t nseg)
{
	const struct qseg	*first = &sg[0], *last = &sg[nseg - 1];
	size_t			 i, pos, end, off;

	if (first->len + last->len > vlen)
		return 0;
	if (!ci_eq(v, first->s, first->len) ||
	    !ci_eq(v + vlen - last->len, last->s, last->len))
		return 0;
	pos = first->len;
	end = vlen - last->len;
	for (i = 1; i + 1 < nseg; i++) {
		off = ci_find(v + pos, end - pos, sg[i].s, sg[i].len);
		if (off == NOTFOUND)
			return 0;
		pos += off + sg[i].len;
	}
	return 1;
}

static int
match_cmp(const struct qnode *n, const char *v, size_t vlen)
{
	int c;

	if (!isnum(v, vlen))
		return 0;
	c = numcmp(v, vlen, n->s, n->len);
	switch (n->cmp) {
	case CMP_LT:
		return c < 0;
	case CMP_LE:
		return c <= 0;
	case CMP_GT:
		return c > 0;
	default:
		return c >= 0;
	}
}

/* Recursion depth is bounded by the nesting limit of the parser. */
static int
match_node(const struct query *q, int i, const struct record *ev)
{
	const struct qnode	*n = &q->n[i];
	const char		*v, *raw;
	size_t			 vlen = 0;
	int			 c;

	raw = ev->raw != NULL ? ev->raw : "";
	switch (n->type) {
	case Q_AND:
		for (c = n->child; c != -1; c = q->n[c].next)
			if (!match_node(q, c, ev))
				return 0;
		return 1;
	case Q_OR:
		for (c = n->child; c != -1; c = q->n[c].next)
			if (match_node(q, c, ev))
				return 1;
		return 0;
	case Q_NOT:
		return !match_node(q, n->child, ev);
	case Q_TEXT:
		return ci_find(raw, ev->rawlen, n->s, n->len) != NOTFOUND;
	case Q_TEXTGLOB:
		return glob_find(raw, ev->rawlen, q->segs + n->seg, n->nseg);
	default:
		break;
	}
	if ((v = record_get(ev, n->field, &vlen)) == NULL)
		return 0;
	if (vlen == 0)
		v = "";		/* a NULL value of length 0 is still present */
	switch (n->type) {
	case Q_EQ:
		return vlen == n->len && ci_eq(v, n->s, vlen);
	case Q_GLOB:
		return glob_whole(v, vlen, q->segs + n->seg, n->nseg);
	case Q_EXISTS:
		return 1;
	case Q_CMP:
		return match_cmp(n, v, vlen);
	}
	return 0;
}

int
query_match(const struct query *q, const struct record *ev)
{
	if (q->root == -1)
		return 1;
	return match_node(q, q->root, ev);
}

static int
required(const struct qnode *n)
{
	return n->type == Q_EQ && memchr(n->s, '\0', n->len) == NULL;
}

size_t
query_required_prefixes(const struct query *q, const char **fields,
    const char **prefixes, size_t *lens, size_t max)
{
	const struct qnode	*root, *n;
	const struct qseg	*sg;
	size_t			 k = 0;
	int			 c;

	if (q->root == -1)
		return 0;
	root = &q->n[q->root];
	c = root->type == Q_AND ? root->child : q->root;
	for (; c != -1 && k < max; c = root->type == Q_AND ? q->n[c].next :
	    -1) {
		n = &q->n[c];
		if (n->type != Q_GLOB || n->nseg < 2)
			continue;
		sg = &q->segs[n->seg];
		if (sg->len == 0 || memchr(sg->s, '\0', sg->len) != NULL)
			continue;
		fields[k] = n->field;
		prefixes[k] = sg->s;
		lens[k] = sg->len;
		k++;
	}
	return k;
}

/* A word or phrase node on the raw line; other nodes cannot say no. */
static int
raw_ok(const struct query *q, const struct qnode *n, const char *raw,
    size_t len)
{
	switch (n->type) {
	case Q_TEXT:
		return ci_find(raw, len, n->s, n->len) != NOTFOUND;
	case Q_TEXTGLOB:
		return glob_find(raw, len, q->segs + n->seg, n->nseg);
	default:
		return 1;
	}
}

int
query_raw_may_match(const struct query *q, const char *raw, size_t len)
{
	const struct qnode	*root;
	int			 c;

	if (q == NULL || q->root == -1)
		return 1;
	root = &q->n[q->root];
	if (root->type != Q_AND)
		return raw_ok(q, root, raw, len);
	for (c = root->child; c != -1; c = q->n[c].next)
		if (!raw_ok(q, &q->n[c], raw, len))
			return 0;
	return 1;
}

size_t
query_required_terms(const struct query *q, const char **fields,
    const char **vals, size_t max)
{
	const struct qnode	*root;
	size_t			 k = 0;
	int			 c;

	if (q->root == -1)
		return 0;
	root = &q->n[q->root];
	if (root->type != Q_AND) {
		if (max > 0 && required(root)) {
			fields[0] = root->field;
			vals[0] = root->s;
			return 1;
		}
		return 0;
	}
	for (c = root->child; c != -1 && k < max; c = q->n[c].next) {
		if (!required(&q->n[c]))
			continue;
		fields[k] = q->n[c].field;
		vals[k] = q->n[c].s;
		k++;
	}
	return k;
}

/*
 * Times.  Civil-date arithmetic after Howard Hinnant's days_from_civil
 * and civil_from_days (proleptic Gregorian, day 0 = 1970-01-01), so that
 * nothing depends on the TZ or on timegm().
 */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *yp, unsigned *mp, unsigned *dp)
{
	int64_t		era;
	unsigned	doe, yoe, doy, mp0;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp0 = (5 * doy + 2) / 153;
	*dp = doy - (153 * mp0 + 2) / 5 + 1;
	*mp = mp0 < 10 ? mp0 + 3 : mp0 - 9;
	*yp = (int64_t)yoe + era * 400 + (*mp <= 2);
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned char mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

/* Exactly n decimal digits. */
static int
digits(const char *s, int n, unsigned *out)
{
	unsigned	v = 0;
	int		i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "." and 1 to 9 digits at *sp: microseconds (truncated), *sp moved on */
static int
fraction(const char **sp, int64_t *us)
{
	const char	*s = *sp + 1;
	int		 i;
	int64_t		 v = 0;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i >= 9)
			return -1;
		if (i < 6)
			v = v * 10 + (s[i] - '0');
	}
	if (i == 0)
		return -1;
	for (; i < 6; i++)
		v *= 10;
	*us = v;
	while (**sp == '.' || (**sp >= '0' && **sp <= '9'))
		(*sp)++;
	return 0;
}

/* "-N<unit>" without the '-' */
static int
time_relative(const char *s, int64_t now_us, int64_t *out_us)
{
	int64_t	n = 0, unit;
	int	i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i >= 18)
			return ERR_FORMAT;
		n = n * 10 + (s[i] - '0');
	}
	if (i == 0 || s[i] == '\0' || s[i + 1] != '\0')
		return ERR_FORMAT;
	switch (s[i]) {
	case 's':
		unit = 1000000;
		break;
	case 'm':
		unit = 60 * (int64_t)1000000;
		break;
	case 'h':
		unit = 3600 * (int64_t)1000000;
		break;
	case 'd':
		unit = 86400 * (int64_t)1000000;
		break;
	case 'w':
		unit = 7 * 86400 * (int64_t)1000000;
		break;
	default:
		return ERR_FORMAT;
	}
	if (n > INT64_MAX / unit || now_us < INT64_MIN + n * unit)
		return ERR_FORMAT;
	*out_us = now_us - n * unit;
	return 0;
}

/* "@[-]SECONDS[.FRACTION]" without the '@' */
static int
time_epoch(const char *s, int64_t *out_us)
{
	int64_t	sec = 0, frac = 0;
	int	i, neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	/* sec * 1000000 + 999999 must fit */
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (sec > ((INT64_MAX - 999999) / 1000000 - (s[i] - '0')) / 10)
			return ERR_FORMAT;
		sec = sec * 10 + (s[i] - '0');
	}
	if (i == 0)
		return ERR_FORMAT;
	s += i;
	if (*s == '.' && fraction(&s, &frac) != 0)
		return ERR_FORMAT;
	if (*s != '\0')
		return ERR_FORMAT;
	frac += sec * 1000000;
	*out_us = neg ? -frac : frac;
	return 0;
}

/* RFC 3339 and its relatives; see query.h. */
static int
time_abs(const char *s, int64_t *out_us)
{
	unsigned	y, mo, d, h = 0, mi = 0, sec = 0, oh, om;
	int64_t		frac = 0, t, off = 0;

	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return ERR_FORMAT;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return ERR_FORMAT;
	s += 10;
	if (*s != '\0') {
		if (*s != 'T' && *s != 't' && *s != ' ')
			return ERR_FORMAT;
		if (digits(s + 1, 2, &h) || s[3] != ':' ||
		    digits(s + 4, 2, &mi) || s[6] != ':' ||
		    digits(s + 7, 2, &sec))
			return ERR_FORMAT;
		/* sec 60: a leap second, counted as the next second */
		if (h > 23 || mi > 59 || sec > 60)
			return ERR_FORMAT;
		s += 9;
		if (*s == '.' && fraction(&s, &frac) != 0)
			return ERR_FORMAT;
		if (*s == 'Z' || *s == 'z')
			s++;
		else if (*s == '+' || *s == '-') {
			if (digits(s + 1, 2, &oh) || s[3] != ':' ||
			    digits(s + 4, 2, &om) || oh > 23 || om > 59)
				return ERR_FORMAT;
			off = (int64_t)oh * 3600 + om * 60;
			if (*s == '-')
				off = -off;
			s += 6;
		}
		if (*s != '\0')
			return ERR_FORMAT;
	}
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    off;
	*out_us = t * 1000000 + frac;
	return 0;
}

int
time_parse(const char *s, int64_t now_us, int64_t *out_us)
{
	if (s == NULL)
		return ERR_FORMAT;
	if (strcmp(s, "now") == 0) {
		*out_us = now_us;
		return 0;
	}
	if (s[0] == '-')
		return time_relative(s + 1, now_us, out_us);
	if (s[0] == '@')
		return time_epoch(s + 1, out_us);
	return time_abs(s, out_us);
}

/* v as exactly n decimal digits (v < 10^n) */
static void
put_digits(char *out, uint64_t v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
time_format(int64_t us, char *out, size_t outlen)
{
	int64_t		sec, frac, days, sod, y;
	unsigned	m, d;

	if (out == NULL || outlen == 0)
		return;
	/* floor division, without overflow at INT64_MIN */
	sec = us / 1000000;
	frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	days = sec / 86400;
	sod = sec % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999 && outlen >= 28) {	/* 27 and NUL */
		/* the usual case by hand: alerts and search results print
		 * many times each, and snprintf was a tenth of rendering */
		put_digits(out, (uint64_t)y, 4);
		out[4] = '-';
		put_digits(out + 5, m, 2);
		out[7] = '-';
		put_digits(out + 8, d, 2);
		out[10] = 'T';
		put_digits(out + 11, (uint64_t)(sod / 3600), 2);
		out[13] = ':';
		put_digits(out + 14, (uint64_t)(sod / 60 % 60), 2);
		out[16] = ':';
		put_digits(out + 17, (uint64_t)(sod % 60), 2);
		out[19] = '.';
		put_digits(out + 20, (uint64_t)frac, 6);
		out[26] = 'Z';
		out[27] = '\0';
		return;
	}
	/* RFC 3339 stops at year 9999; beyond, ISO 8601 expanded years */
	snprintf(out, outlen, "%s%0*lld-%02u-%02uT%02d:%02d:%02d.%06lldZ",
	    y < 0 ? "-" : y > 9999 ? "+" : "", 4,
	    (long long)(y < 0 ? -y : y), m, d, (int)(sod / 3600),
	    (int)(sod / 60 % 60), (int)(sod % 60), (long long)frac);
}

int
query_uses_field(const struct query *q, const char *prefix)
{
	size_t	pl = strlen(prefix);
	int	i;

	for (i = 0; i < q->nnodes; i++)
		if (q->n[i].field != NULL &&
		    strncmp(q->n[i].field, prefix, pl) == 0)
			return 1;
	return 0;
}
