/*
 * load.c -- rule sets from directories or memory: reads the files in
 * order, then resolves $list/$map/$window references, reads CIDR lists
 * and builds the index of rules by the field (and values) each requires
 * (docs/rules.md, "The engine").  The only I/O of the rules library is
 * reading rule files here.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "rules.h"
#include "rules_int.h"

static const char *sevnames[] = { "info", "low", "medium", "high",
    "critical" };

const char *
rules_severity_name(int sev)
{
	if (sev < 0 || sev > SEV_CRITICAL)
		return "unknown";
	return sevnames[sev];
}

int
rules_severity_parse(const char *s)
{
	int i;

	for (i = 0; i <= SEV_CRITICAL; i++)
		if (strcmp(s, sevnames[i]) == 0)
			return i;
	return -1;
}

int
rules_count(const struct ruleset *rs)
{
	return rs == NULL ? 0 : rs->nrules;
}

static int
ferr(char *err, size_t errlen, const struct pos *pos, const char *msg,
    const char *name)
{
	snprintf(err, errlen, "%s:%d:%d: %s%s", pos->file, pos->line,
	    pos->col, msg, name);
	return ERR_FORMAT;
}

static struct named *
lookup(struct ruleset *rs, const char *name)
{
	int i;

	for (i = 0; i < rs->nnames; i++)
		if (strcmp(rs->names[i]->name, name) == 0)
			return rs->names[i];
	return NULL;
}

/* Fields that VM placement adds to an event before the rules see it. */
int
rules_vmfield(const char *field)
{
	return strncmp(field, "vm.", 3) == 0 ||
	    strcmp(field, "hypervisor.name") == 0;
}

static int
want(struct ruleset *rs, const char *field)
{
	const char	**nw;
	int		  i;

	if (field == NULL)
		return 0;
	if (rs->cur != NULL && rules_vmfield(field))
		rs->cur->wants_vm = 1;
	for (i = 0; i < rs->nwants; i++)
		if (strcmp(rs->wants[i], field) == 0)
			return 0;
	if (rs->nwants == rs->capwants) {
		int cap = rs->capwants ? rs->capwants * 2 : 32;

		if ((nw = reallocarray(rs->wants, cap, sizeof(*nw))) == NULL)
			return ERR_NOMEM;
		rs->wants = nw;
		rs->capwants = cap;
	}
	rs->wants[rs->nwants++] = field;
	return 0;
}

/* Resolve the references of one condition; fields go into wants. */
static int
resolve(struct ruleset *rs, struct cond *c, char *err, size_t errlen)
{
	struct named	*n = NULL;
	size_t		 i;
	int		 j;

	if (want(rs, c->field) != 0 || want(rs, c->field2) != 0)
		return ERR_NOMEM;
	for (j = 0; j < c->re.ncaps; j++)
		if (want(rs, c->re.caps[j].field) != 0)
			return ERR_NOMEM;
	if (c->ref == NULL)
		return 0;
	if ((n = lookup(rs, c->ref)) == NULL)
		return ferr(err, errlen, &c->pos, c->op == C_DURING ?
		    "unknown window $" : "unknown list or map $", c->ref);
	switch (c->op) {
	case C_DURING:
		if (n->kind != NK_WINDOW)
			return ferr(err, errlen, &c->pos, "not a window: $",
			    c->ref);
		c->win = &n->win;
		break;
	case C_IN:
	case C_INMAPK:
		if (n->kind == NK_LIST) {
			c->op = C_IN;
			c->set = &n->list;
		} else if (n->kind == NK_MAP) {
			c->op = C_INMAPK;
			c->map = &n->map;
		} else
			return ferr(err, errlen, &c->pos,
			    "not a list or map: $", c->ref);
		break;
	case C_INMAPV:
		if (n->kind != NK_MAP)
			return ferr(err, errlen, &c->pos, "not a map: $",
			    c->ref);
		c->map = &n->map;
		break;
	case C_CIDR:
		if (n->kind != NK_LIST)
			return ferr(err, errlen, &c->pos, "not a list: $",
			    c->ref);
		if (n->cidrs == NULL) {
			n->cidrs = arena_alloc(&rs->arena, sizeof(*n->cidrs));
			if (n->cidrs == NULL || (n->cidrs->v = arena_alloc(
			    &rs->arena, (n->list.n + 1) * sizeof(struct cidr)))
			    == NULL)
				return ERR_NOMEM;
			for (i = 0; i < n->list.n; i++)
				if (cidr_parse(n->list.v[i].s, n->list.v[i].len,
				    &n->cidrs->v[i]) != 0) {
					n->cidrs = NULL;
					snprintf(err, errlen, "%s:%d:%d: $%s: "
					    "'%s' is not an address or network",
					    c->pos.file, c->pos.line,
					    c->pos.col, c->ref,
					    n->list.v[i].s);
					return ERR_FORMAT;
				}
			n->cidrs->n = n->list.n;
		}
		c->cidrs = n->cidrs;
		break;
	}
	return 0;
}

static int
walk(struct ruleset *rs, struct expr *e, char *err, size_t errlen)
{
	int r;

	if (e == NULL)
		return 0;
	if (e->type == E_COND)
		return resolve(rs, e->c, err, errlen);
	if ((r = walk(rs, e->l, err, errlen)) != 0)
		return r;
	return walk(rs, e->r, err, errlen);
}

/* 1 when an expression may add fields (a regex with named captures). */
static int
captures(const struct expr *e)
{
	if (e == NULL)
		return 0;
	if (e->type == E_COND)
		return (e->c->op == C_RE) && e->c->re.ncaps > 0;
	return captures(e->l) || captures(e->r);
}

/*
 * The index key of an expression: the first condition of its top-level
 * "and" chain that is == or in [..] (field and values), else the first
 * that needs its field to exist.  Conditions after something that may
 * capture fields are not used: the capture could supply the field.
 */
static const struct cond *
ixkey(const struct expr *e, int *valued)
{
	const struct expr	*chain[RULES_CONDS_MAX + 1];
	const struct cond	*need = NULL, *c;
	int			 n = 0, i;

	while (e->type == E_AND && n < RULES_CONDS_MAX) {
		chain[n++] = e->r;
		e = e->l;
	}
	chain[n++] = e;
	for (i = n - 1; i >= 0; i--) {	/* left to right */
		e = chain[i];
		if (e->type != E_COND) {
			if (captures(e))
				break;
			continue;
		}
		c = e->c;
		if (c->op == C_EQ || (c->op == C_IN && c->set != NULL)) {
			*valued = 1;
			return c;
		}
		if (need == NULL && c->field != NULL && c->op != C_NE &&
		    c->op != C_NRE)
			need = c;
		if (captures(e))
			break;
	}
	*valued = 0;
	return need;
}

static struct ixfield *
ixfield(struct ruleset *rs, const char *field)
{
	struct ixfield	*nx;
	int		 i;

	for (i = 0; i < rs->nix; i++)
		if (strcmp(rs->ix[i].field, field) == 0)
			return &rs->ix[i];
	if ((nx = reallocarray(rs->ix, rs->nix + 1, sizeof(*nx))) == NULL)
		return NULL;
	rs->ix = nx;
	memset(&nx[rs->nix], 0, sizeof(*nx));
	nx[rs->nix].field = field;
	return &nx[rs->nix++];
}

static int
ixadd(struct ixfield *f, const struct sv *v, int rule)
{
	struct ixval	*nv;
	int		*na;

	if (v == NULL) {
		if (f->nany == f->capany) {
			f->capany = f->capany ? f->capany * 2 : 8;
			na = reallocarray(f->any, f->capany, sizeof(*na));
			if (na == NULL)
				return ERR_NOMEM;
			f->any = na;
		}
		f->any[f->nany++] = rule;
		return 0;
	}
	if (f->nvals == f->capvals) {
		f->capvals = f->capvals ? f->capvals * 2 : 16;
		if ((nv = reallocarray(f->vals, f->capvals, sizeof(*nv))) ==
		    NULL)
			return ERR_NOMEM;
		f->vals = nv;
	}
	f->vals[f->nvals].val = *v;
	f->vals[f->nvals++].rule = rule;
	return 0;
}

static int
cmpixval(const void *a, const void *b)
{
	const struct ixval *x = a, *y = b;

	if (x->val.len != y->val.len)
		return x->val.len < y->val.len ? -1 : 1;
	if (memcmp(x->val.s, y->val.s, x->val.len) != 0)
		return memcmp(x->val.s, y->val.s, x->val.len);
	return x->rule - y->rule;
}

static int
index_rules(struct ruleset *rs)
{
	const struct expr	*e;
	const struct cond	*c;
	struct ixfield		*f;
	struct rule		*r;
	size_t			 i;
	int			 k, valued;

	if ((rs->unindexed = calloc(rs->nrules + 1, sizeof(int))) == NULL)
		return ERR_NOMEM;
	for (k = 0; k < rs->nrules; k++) {
		r = rs->rules[k];
		/* an absence with after also looks at events of "after" */
		e = r->kind == K_ABSENCE && r->after != NULL ? NULL : r->match;
		rs->vm_any |= r->wants_vm;
		if (e == NULL || (c = ixkey(e, &valued)) == NULL) {
			rs->unindexed[rs->nunindexed++] = k;
			rs->vm_always |= r->wants_vm;
			continue;
		}
		/* indexed on a field placement adds: a candidate only after
		 * enrichment, so every event is enriched */
		if (rules_vmfield(c->field))
			rs->vm_always = 1;
		if ((f = ixfield(rs, c->field)) == NULL)
			return ERR_NOMEM;
		if (!valued) {
			if (ixadd(f, NULL, k) != 0)
				return ERR_NOMEM;
			continue;
		}
		if (c->op == C_EQ) {
			if (ixadd(f, &c->val, k) != 0)
				return ERR_NOMEM;
		} else
			for (i = 0; i < c->set->n; i++)
				if (ixadd(f, &c->set->v[i], k) != 0)
					return ERR_NOMEM;
	}
	for (k = 0; k < rs->nix; k++)
		if (rs->ix[k].nvals > 0)
			qsort(rs->ix[k].vals, rs->ix[k].nvals,
			    sizeof(struct ixval), cmpixval);
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Template fields {x} (not the computed ones) are wanted too. */
static int
want_template(struct ruleset *rs, const char *s)
{
	const char	*e;
	char		*f;

	for (; s != NULL && *s != '\0'; s++) {
		if (s[0] == '{' && s[1] == '{') {
			s++;
			continue;
		}
		if (*s != '{' || (e = strchr(s, '}')) == NULL)
			continue;
		if ((f = arena_strndup(&rs->arena, s + 1, e - s - 1)) == NULL)
			return ERR_NOMEM;
		if (want(rs, f) != 0)
			return ERR_NOMEM;
		s = e;
	}
	return 0;
}

int
parse_finish(struct ruleset *rs, char *err, size_t errlen)
{
	struct rule	*r;
	int		 k, i, rc;

	for (k = 0; k < rs->nrules; k++) {
		r = rs->rules[k];
		r->index = k;
		rs->cur = r;
		if ((rc = walk(rs, r->match, err, errlen)) != 0 ||
		    (rc = walk(rs, r->after, err, errlen)) != 0)
			return rc;
		for (i = 0; i < r->nsteps; i++)
			if ((rc = walk(rs, r->steps[i].e, err, errlen)) != 0)
				return rc;
		for (i = 0; i < r->nby; i++)
			if (want(rs, r->by[i]) != 0)
				return ERR_NOMEM;
		for (i = 0; i < r->nsby; i++)
			if (want(rs, r->sby[i]) != 0)
				return ERR_NOMEM;
		if (want(rs, r->distinct) != 0 ||
		    want_template(rs, r->message) != 0)
			return ERR_NOMEM;
		rs->cur = NULL;
	}
	if (rs->nwants > 0)
		qsort(rs->wants, rs->nwants, sizeof(*rs->wants), cmpstr);
	return index_rules(rs);
}

int
rules_wants(const struct ruleset *rs, const char *field)
{
	return rs != NULL && rs->nwants > 0 && bsearch(&field, rs->wants,
	    rs->nwants, sizeof(*rs->wants), cmpstr) != NULL;
}

int
rules_parse(const char *name, const char *text, size_t len,
    struct ruleset **rsp, char *err, size_t errlen)
{
	struct ruleset	*rs;
	int		 r;

	*rsp = NULL;
	if ((rs = ruleset_new()) == NULL)
		return ERR_NOMEM;
	if ((r = parse_text(rs, name, text, len, err, errlen)) != 0 ||
	    (r = parse_finish(rs, err, errlen)) != 0) {
		if (r == ERR_NOMEM)
			snprintf(err, errlen, "%s: out of memory", name);
		rules_free(rs);
		return r;
	}
	*rsp = rs;
	return 0;
}

static int
rulesfile(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 6 &&
	    strcmp(de->d_name + n - 6, ".rules") == 0;
}

static int
readfile(const char *path, char **textp, size_t *lenp, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		*text = NULL;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return ERR_IO;
	}
	if (st.st_size > RULES_FILE_MAX) {
		snprintf(err, errlen, "%s:1:1: file larger than %u bytes",
		    path, RULES_FILE_MAX);
		close(fd);
		return ERR_FORMAT;
	}
	if ((text = malloc(st.st_size + 1)) == NULL) {
		close(fd);
		return ERR_NOMEM;
	}
	while (off < (size_t)st.st_size &&
	    (n = read(fd, text + off, st.st_size - off)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			free(text);
			close(fd);
			return ERR_IO;
		}
		off += n;
	}
	close(fd);
	*textp = text;
	*lenp = off;
	return 0;
}

int
rules_load(const char *const *dirs, int ndirs, struct ruleset **rsp,
    char *err, size_t errlen)
{
	struct ruleset	 *rs;
	struct dirent	**de = NULL;
	char		  path[4096], *text;
	size_t		  len;
	int		  d, i, n = 0, r = 0;

	*rsp = NULL;
	if ((rs = ruleset_new()) == NULL)
		return ERR_NOMEM;
	for (d = 0; d < ndirs && r == 0; d++) {
		if ((n = scandir(dirs[d], &de, rulesfile, alphasort)) == -1) {
			snprintf(err, errlen, "%s: %s", dirs[d],
			    strerror(errno));
			r = ERR_IO;
			n = 0;
			break;
		}
		for (i = 0; i < n && r == 0; i++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[d],
			    de[i]->d_name);
			if ((r = readfile(path, &text, &len, err, errlen)) != 0)
				break;
			r = parse_text(rs, path, text, len, err, errlen);
			free(text);
		}
		for (i = 0; i < n; i++)
			free(de[i]);
		free(de);
		de = NULL;
	}
	if (r == 0)
		r = parse_finish(rs, err, errlen);
	if (r != 0) {
		if (r == ERR_NOMEM)
			snprintf(err, errlen, "rules: out of memory");
		rules_free(rs);
		return r;
	}
	*rsp = rs;
	return 0;
}
