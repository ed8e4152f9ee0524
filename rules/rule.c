/*
 * rule.c -- "rule ID" ... "end" blocks of rule files (docs/rules.md,
 * "Rule directives"): title, severity, tags, description, match,
 * aggregations, steps, after, suppress and message; checks what a rule
 * must have and adds it to the set, replacing a rule of the same id.
 * Pure; expressions come from parse.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rules.h"
#include "rules_int.h"

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
	if (n + t.len > RULES_TOKEN_MAX * 4)	/* joined copies stay linear */
		return lex_error(&p->lx, kw->line, kw->col, "%.*s longer than "
		    "%d bytes", (int)kw->len, kw->s, RULES_TOKEN_MAX * 4);
	if ((s = parse_alloc(p, n + t.len + 1)) == NULL)
		return T_ERR;
	if (old != NULL) {
		memcpy(s, old, n - 1);
		s[n - 1] = ' ';
	}
	memcpy(s + n, t.s, t.len);
	s[n + t.len] = '\0';
	*out = s;
	return parse_eol(p);
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
		if ((r->message = parse_str(p, &t)) == NULL)
			return T_ERR;
		if (parse_eol(p) != 0)
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
		return parse_duration(p, &r->within_us, &r->window) != 0 ||
		    parse_by(p, r->by, &r->nby) != 0 ? T_ERR : parse_eol(p);
	if (kind == K_DISTINCT && parse_field(p, &r->distinct) != 0)
		return T_ERR;
	if (kind != K_SEQUENCE) {
		lex_next(&p->lx, &t);
		if (parse_count(p, &t, &r->n) != 0)
			return T_ERR;
	}
	lex_next(&p->lx, &t);
	if (!parse_is(&t, "within"))
		return lex_errtok(&p->lx, &t, "within");
	if (parse_duration(p, &r->within_us, &r->window) != 0 ||
	    parse_by(p, r->by, &r->nby) != 0)
		return T_ERR;
	return parse_eol(p);
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
		if (parse_count(p, &t, &n) != 0)
			return T_ERR;
	} else
		lex_unget(&p->lx, &t);
	if (r->stepsum + n > RULES_COUNT_MAX)
		return lex_error(&p->lx, kw->line, kw->col,
		    "a sequence counts at most %d events", RULES_COUNT_MAX);
	if ((ns = parse_alloc(p, (r->nsteps + 1) * sizeof(*ns))) == NULL)
		return T_ERR;
	if (r->nsteps > 0)
		memcpy(ns, r->steps, r->nsteps * sizeof(*ns));
	r->steps = ns;
	ns[r->nsteps].n = n;
	r->stepsum += n;
	return parse_expr(p, &ns[r->nsteps++].e);
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
			return parse_nomem(p);
		rs->rules = nr;
		rs->caprules = cap;
	}
	rs->rules[rs->nrules++] = r;
	return 0;
}

int
rule_parse(struct parser *p, const struct tok *kw)
{
	struct rule	*r;
	struct tok	 t, aftertok;
	const char	*start;
	int		 sev;

	memset(&aftertok, 0, sizeof(aftertok));
	start = kw->s - (kw->col - 1);		/* the line of "rule" */
	if ((r = parse_alloc(p, sizeof(*r))) == NULL)
		return T_ERR;
	r->severity = -1;
	r->pos.file = p->file;
	r->pos.line = kw->line;
	r->pos.col = kw->col;
	p->nconds = 0;
	lex_next(&p->lx, &t);
	if (t.type != T_WORD || !parse_isid(t.s, t.len) || t.len > 128)
		return lex_errtok(&p->lx, &t, "a rule id (letters, digits, "
		    ". _ -)");
	if ((r->id = parse_str(p, &t)) == NULL || parse_eol(p) != 0)
		return T_ERR;
	for (;;) {
		lex_next(&p->lx, &t);
		if (t.type == T_NL)
			continue;
		if (t.type != T_WORD)
			return lex_errtok(&p->lx, &t, "a rule directive or end");
		if (parse_is(&t, "end"))
			break;
		if (parse_is(&t, "title")) {
			if (rest(p, &t, &r->title, 0) != 0)
				return T_ERR;
		} else if (parse_is(&t, "tags")) {
			if (rest(p, &t, &r->tags, 0) != 0)
				return T_ERR;
		} else if (parse_is(&t, "description")) {
			if (rest(p, &t, &r->description, 1) != 0)
				return T_ERR;
		} else if (parse_is(&t, "severity")) {
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
			if (parse_eol(p) != 0)
				return T_ERR;
		} else if (parse_is(&t, "match")) {
			if (r->match != NULL)
				return lex_error(&p->lx, t.line, t.col,
				    "duplicate match");
			if (parse_expr(p, &r->match) != 0)
				return T_ERR;
		} else if (parse_is(&t, "after")) {
			if (r->after != NULL)
				return lex_error(&p->lx, t.line, t.col,
				    "duplicate after");
			aftertok = t;
			if (parse_expr(p, &r->after) != 0)
				return T_ERR;
		} else if (parse_is(&t, "threshold")) {
			if (aggregation(p, r, &t, K_THRESHOLD) != 0)
				return T_ERR;
		} else if (parse_is(&t, "distinct")) {
			if (aggregation(p, r, &t, K_DISTINCT) != 0)
				return T_ERR;
		} else if (parse_is(&t, "sequence")) {
			if (aggregation(p, r, &t, K_SEQUENCE) != 0)
				return T_ERR;
		} else if (parse_is(&t, "absence")) {
			if (aggregation(p, r, &t, K_ABSENCE) != 0)
				return T_ERR;
		} else if (parse_is(&t, "step")) {
			if (step(p, r, &t) != 0)
				return T_ERR;
		} else if (parse_is(&t, "suppress")) {
			if (r->suppress_us != 0)
				return lex_error(&p->lx, t.line, t.col,
				    "duplicate suppress");
			if (parse_duration(p, &r->suppress_us, NULL) != 0 ||
			    parse_by(p, r->sby, &r->nsby) != 0 ||
			    parse_eol(p) != 0)
				return T_ERR;
		} else if (parse_is(&t, "message")) {
			if (message(p, r, &t) != 0)
				return T_ERR;
		} else
			return lex_errtok(&p->lx, &t, "a rule directive or end");
	}
	if (parse_eol(p) != 0 || rule_check(p, r, &aftertok) != 0)
		return T_ERR;
	r->fp = fnv64(start, p->lx.p - start, FNV64_INIT);
	return rule_add(p, r);
}
