/*
 * lex.c -- tokenizer of rule files (docs/rules.md, "File syntax").
 * Pure: works on text in memory and remembers line and column of every
 * token for error messages.
 *
 * Tokens are bare words (any run of characters but blanks and ( ) [ ] , "),
 * quoted strings, regular expressions (only when the parser asks for one
 * with lex_regex: "/var/log/x" is a word elsewhere), brackets, commas and
 * line ends.  A line end inside ( ) or [ ] is a blank, which is how values
 * continue on the next line.  "#" starts a comment at the start of a line
 * or after a blank.  Decoded strings live in one of two token buffers, so
 * a token stays valid across one lookahead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "rules_int.h"

void
lex_init(struct lex *lx, const char *file, const char *s, size_t len,
    char *err, size_t errlen)
{
	lx->file = file;
	lx->p = lx->linestart = s;
	lx->end = s + len;
	lx->line = 1;
	lx->depth = 0;
	lx->hasback = 0;
	lx->nbuf = 0;
	lx->err = err;
	lx->errlen = errlen;
	lx->failed = 0;
}

/* The first error wins: later ones are consequences. */
int
lex_error(struct lex *lx, int line, int col, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (lx->failed)
		return T_ERR;
	lx->failed = 1;
	if (lx->errlen == 0)
		return T_ERR;
	n = snprintf(lx->err, lx->errlen, "%s:%d:%d: ", lx->file, line, col);
	if (n >= 0 && (size_t)n < lx->errlen) {
		va_start(ap, fmt);
		vsnprintf(lx->err + n, lx->errlen - n, fmt, ap);
		va_end(ap);
	}
	return T_ERR;
}

/* "expected WHAT, got TOKEN" at the token. */
int
lex_errtok(struct lex *lx, const struct tok *t, const char *what)
{
	switch (t->type) {
	case T_EOF:
		return lex_error(lx, t->line, t->col,
		    "expected %s, got end of file", what);
	case T_NL:
		return lex_error(lx, t->line, t->col,
		    "expected %s, got end of line", what);
	case T_STR:
		return lex_error(lx, t->line, t->col,
		    "expected %s, got \"%.*s\"", what,
		    t->len > 40 ? 40 : (int)t->len, t->s);
	case T_ERR:
		return T_ERR;
	default:
		return lex_error(lx, t->line, t->col,
		    "expected %s, got '%.*s'", what,
		    t->len > 40 ? 40 : (int)t->len, t->s);
	}
}

const char *
lex_pos(const struct lex *lx, int *line, int *col)
{
	*line = lx->line;
	*col = (int)(lx->p - lx->linestart) + 1;
	return lx->p;
}

static int
isblank_(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int
isbreak(int c)
{
	return isblank_(c) || c == '\n' || c == '(' || c == ')' || c == '[' ||
	    c == ']' || c == ',' || c == '"';
}

static void
newline(struct lex *lx)
{
	lx->p++;
	lx->line++;
	lx->linestart = lx->p;
}

/* Skips blanks and comments; line ends too inside brackets. */
static void
skip(struct lex *lx)
{
	while (lx->p < lx->end) {
		if (isblank_((unsigned char)*lx->p))
			lx->p++;
		else if (*lx->p == '#' && (lx->p == lx->linestart ||
		    isblank_((unsigned char)lx->p[-1]))) {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (*lx->p == '\n' && lx->depth > 0)
			newline(lx);
		else
			break;
	}
}

static char *
tokbuf(struct lex *lx)
{
	lx->nbuf ^= 1;
	return lx->buf[lx->nbuf];
}

static int
lex_string(struct lex *lx, struct tok *t)
{
	char	*b = tokbuf(lx);
	size_t	 n = 0;

	lx->p++;
	for (;;) {
		if (lx->p >= lx->end || *lx->p == '\n')
			return lex_error(lx, t->line, t->col,
			    "unterminated string");
		if (*lx->p == '"')
			break;
		if (*lx->p == '\\' && lx->p + 1 < lx->end &&
		    (lx->p[1] == '"' || lx->p[1] == '\\'))
			lx->p++;
		if (n >= RULES_TOKEN_MAX)
			return lex_error(lx, t->line, t->col,
			    "string longer than %d bytes", RULES_TOKEN_MAX);
		b[n++] = *lx->p++;
	}
	lx->p++;
	b[n] = '\0';
	t->type = T_STR;
	t->s = b;
	t->len = n;
	return t->type;
}

int
lex_next(struct lex *lx, struct tok *t)
{
	const char *s;

	if (lx->failed) {
		t->type = T_ERR;
		return T_ERR;
	}
	if (lx->hasback) {
		*t = lx->back;
		lx->hasback = 0;
		return t->type;
	}
	skip(lx);
	t->line = lx->line;
	t->col = (int)(lx->p - lx->linestart) + 1;
	t->s = lx->p;
	t->len = 1;
	t->reflags = 0;
	if (lx->p >= lx->end) {
		t->type = T_EOF;
		t->len = 0;
		return T_EOF;
	}
	switch (*lx->p) {
	case '\n':
		newline(lx);
		return t->type = T_NL;
	case '(':
	case '[':
		if (lx->depth >= RULES_DEPTH_MAX)
			return t->type = lex_error(lx, t->line, t->col,
			    "nesting deeper than %d", RULES_DEPTH_MAX);
		lx->depth++;
		t->type = *lx->p++ == '(' ? T_LP : T_LB;
		return t->type;
	case ')':
	case ']':
		if (lx->depth > 0)
			lx->depth--;
		t->type = *lx->p++ == ')' ? T_RP : T_RB;
		return t->type;
	case ',':
		lx->p++;
		return t->type = T_COMMA;
	case '"':
		return t->type = lex_string(lx, t);
	}
	for (s = lx->p; lx->p < lx->end && !isbreak((unsigned char)*lx->p);)
		lx->p++;
	t->len = lx->p - s;
	if (t->len > RULES_TOKEN_MAX)
		return t->type = lex_error(lx, t->line, t->col,
		    "word longer than %d bytes", RULES_TOKEN_MAX);
	return t->type = T_WORD;
}

void
lex_unget(struct lex *lx, const struct tok *t)
{
	lx->back = *t;
	lx->hasback = 1;
}

/*
 * A regular expression: /pattern/flags.  A backslash takes the next
 * character with it as PCRE2 reads it, except that "\/" is a plain slash;
 * so "/a\\/" ends after "a\\".
 */
int
lex_regex(struct lex *lx, struct tok *t)
{
	char	*b;
	size_t	 n = 0;

	if (lx->failed)
		return t->type = T_ERR;
	if (lx->hasback)	/* the parser never looks ahead here */
		return t->type = lex_error(lx, lx->back.line, lx->back.col,
		    "internal: regex after lookahead");
	skip(lx);
	t->line = lx->line;
	t->col = (int)(lx->p - lx->linestart) + 1;
	t->reflags = 0;
	if (lx->p >= lx->end || *lx->p != '/') {
		lex_next(lx, t);
		return t->type = lex_errtok(lx, t,
		    "a regular expression /.../");
	}
	b = tokbuf(lx);
	lx->p++;
	for (;;) {
		if (lx->p >= lx->end || *lx->p == '\n')
			return t->type = lex_error(lx, t->line, t->col,
			    "unterminated regular expression");
		if (*lx->p == '/')
			break;
		if (n + 2 > RULES_TOKEN_MAX)
			return t->type = lex_error(lx, t->line, t->col,
			    "regular expression longer than %d bytes",
			    RULES_TOKEN_MAX);
		if (*lx->p == '\\' && lx->p + 1 < lx->end &&
		    lx->p[1] != '\n') {
			if (lx->p[1] != '/')
				b[n++] = '\\';
			lx->p++;
		}
		b[n++] = *lx->p++;
	}
	lx->p++;
	b[n] = '\0';
	t->s = b;
	t->len = n;
	while (lx->p < lx->end && !isbreak((unsigned char)*lx->p)) {
		switch (*lx->p) {
		case 'i':
			t->reflags |= PCRE2_CASELESS;
			break;
		case 'm':
			t->reflags |= PCRE2_MULTILINE;
			break;
		case 's':
			t->reflags |= PCRE2_DOTALL;
			break;
		case 'x':
			t->reflags |= PCRE2_EXTENDED;
			break;
		default:
			return t->type = lex_error(lx, lx->line,
			    (int)(lx->p - lx->linestart) + 1,
			    "unknown regular expression flag '%c' "
			    "(expected i, m, s or x)", *lx->p);
		}
		lx->p++;
	}
	return t->type = T_RE;
}

/*
 * The rest of the line as one token, without a trailing comment and
 * surrounding blanks (title, tags, description, message).  Empty when the
 * line ends at once; the line end itself is left for lex_next.
 */
int
lex_rest(struct lex *lx, struct tok *t)
{
	const char *s, *e;

	if (lx->failed)
		return t->type = T_ERR;
	while (lx->p < lx->end && isblank_((unsigned char)*lx->p))
		lx->p++;
	t->line = lx->line;
	t->col = (int)(lx->p - lx->linestart) + 1;
	t->reflags = 0;
	for (s = e = lx->p; lx->p < lx->end && *lx->p != '\n'; lx->p++) {
		if (*lx->p == '#' && (lx->p == lx->linestart ||
		    isblank_((unsigned char)lx->p[-1]))) {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			break;
		}
		if (!isblank_((unsigned char)*lx->p))
			e = lx->p + 1;
	}
	if (e - s > RULES_TOKEN_MAX)
		return t->type = lex_error(lx, t->line, t->col,
		    "line longer than %d bytes", RULES_TOKEN_MAX);
	t->s = s;
	t->len = e - s;
	return t->type = T_WORD;
}
