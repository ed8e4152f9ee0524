/*
 * conf.c -- "keyword value" configuration parser driven by an option
 * table (see conf.h).  conf_parse is pure; conf_load reads a file.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "err.h"

#define CONF_FILE_MAX	(1024 * 1024)
#define CONF_LINE_MAX	4096

static int
parse_num(const char *s, long long *out, const char *units,
    const long long *mult)
{
	char		*end;
	long long	 v;
	const char	*u;

	if (*s == '\0')
		return ERR_FORMAT;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s)
		return ERR_FORMAT;
	if (*end != '\0') {
		if (units == NULL || end[1] != '\0' ||
		    (u = strchr(units, tolower((unsigned char)*end))) == NULL)
			return ERR_FORMAT;
		if ((v > 0 && v > INT64_MAX / mult[u - units]) ||
		    (v < 0 && v < INT64_MIN / mult[u - units]))
			return ERR_RANGE;
		v *= mult[u - units];
	}
	*out = v;
	return 0;
}

int
conf_parse_size(const char *s, long long *out)
{
	static const long long m[] = { 1, 1024, 1024 * 1024,
	    1024LL * 1024 * 1024, 1024LL * 1024 * 1024 * 1024 };

	return parse_num(s, out, "bkmgt", m);
}

int
conf_parse_duration(const char *s, long long *out)
{
	static const long long m[] = { 1, 60, 3600, 86400, 7 * 86400 };

	return parse_num(s, out, "smhdw", m);
}

int
conf_parse_bool(const char *s, int *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "on") ||
	    !strcmp(s, "1"))
		*out = 1;
	else if (!strcmp(s, "no") || !strcmp(s, "false") ||
	    !strcmp(s, "off") || !strcmp(s, "0"))
		*out = 0;
	else
		return ERR_FORMAT;
	return 0;
}

static int
opt_find(const struct conf_opt *t, const char *name)
{
	int i;

	for (i = 0; t[i].name != NULL; i++)
		if (strcmp(t[i].name, name) == 0)
			return i;
	return -1;
}

/* Apply value to option o; replace = 1 for the first value of a list. */
static int
opt_apply(const struct conf_opt *o, void *obj, const char *value,
    char *err, size_t errlen)
{
	char			*base = obj, **sp, *dup;
	long long		 v = 0, *ip;
	struct conf_list	*l;
	int			 r = 0, b;

	switch (o->type) {
	case CONF_STR:
		sp = (char **)(base + o->off);
		if ((dup = strdup(value)) == NULL)
			return ERR_NOMEM;
		free(*sp);
		*sp = dup;
		return 0;
	case CONF_BOOL:
		if (conf_parse_bool(value, &b) != 0) {
			snprintf(err, errlen, "%s: expected yes or no, "
			    "got '%s'", o->name, value);
			return ERR_FORMAT;
		}
		*(int *)(base + o->off) = b;
		return 0;
	case CONF_LIST:
		l = (struct conf_list *)(base + o->off);
		if (l->n >= CONF_LIST_MAX) {
			snprintf(err, errlen, "%s: more than %d values",
			    o->name, CONF_LIST_MAX);
			return ERR_TOOBIG;
		}
		if ((l->v[l->n] = strdup(value)) == NULL)
			return ERR_NOMEM;
		l->n++;
		return 0;
	case CONF_INT:
		r = parse_num(value, &v, NULL, NULL);
		break;
	case CONF_SIZE:
		r = conf_parse_size(value, &v);
		break;
	case CONF_DURATION:
		r = conf_parse_duration(value, &v);
		break;
	}
	if (r != 0) {
		snprintf(err, errlen, "%s: invalid %s '%s'", o->name,
		    o->type == CONF_SIZE ? "size" :
		    o->type == CONF_DURATION ? "duration" : "number", value);
		return ERR_FORMAT;
	}
	if ((o->min || o->max) && (v < o->min || v > o->max)) {
		snprintf(err, errlen, "%s: %lld is out of range %lld..%lld",
		    o->name, v, o->min, o->max);
		return ERR_RANGE;
	}
	ip = (long long *)(base + o->off);
	*ip = v;
	return 0;
}

int
conf_defaults(const struct conf_opt *t, void *obj)
{
	char	err[CONF_ERRLEN];
	int	i;

	for (i = 0; t[i].name != NULL; i++)
		if (t[i].def != NULL && t[i].type != CONF_LIST &&
		    opt_apply(&t[i], obj, t[i].def, err, sizeof(err)) != 0)
			return ERR_FORMAT;
	return 0;
}

int
conf_set(const struct conf_opt *t, void *obj, uint64_t *mask,
    const char *name, const char *value, char *err, size_t errlen)
{
	int i, r;

	if ((i = opt_find(t, name)) < 0) {
		snprintf(err, errlen, "unknown option '%s'", name);
		return ERR_NOTFOUND;
	}
	if ((r = opt_apply(&t[i], obj, value, err, errlen)) != 0)
		return r;
	if (i < 64)
		*mask |= 1ULL << i;
	return 0;
}

/*
 * Split one line into keyword and value.  The value is the rest of the
 * line, or a double-quoted string with \" and \\ escapes.  Writes into
 * line (it is a private copy).  Returns 0, 1 for a blank line, or
 * ERR_FORMAT with err set.
 */
static int
split_line(char *line, char **kw, char **val, char *err, size_t errlen)
{
	char *p = line, *q, *w;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 1;
	*kw = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"') {
		q = w = ++p;
		for (;;) {
			if (*q == '\0') {
				snprintf(err, errlen, "unterminated quote");
				return ERR_FORMAT;
			}
			if (*q == '"')
				break;
			if (*q == '\\' && (q[1] == '"' || q[1] == '\\'))
				q++;
			*w++ = *q++;
		}
		*w = '\0';
		q++;
		while (isspace((unsigned char)*q))
			q++;
		if (*q != '\0' && *q != '#') {
			snprintf(err, errlen, "text after closing quote");
			return ERR_FORMAT;
		}
		*val = p;
		return 0;
	}
	/* strip a trailing comment (" #") and trailing blanks */
	for (q = p; *q; q++)
		if (*q == '#' && (q == p || isspace((unsigned char)q[-1]))) {
			*q = '\0';
			break;
		}
	q = p + strlen(p);
	while (q > p && isspace((unsigned char)q[-1]))
		*--q = '\0';
	if (*p == '\0') {
		snprintf(err, errlen, "'%.64s' needs a value", *kw);
		return ERR_FORMAT;
	}
	*val = p;
	return 0;
}

int
conf_parse(const struct conf_opt *t, void *obj, uint64_t mask,
    const char *text, size_t len, const char *fname, char *err,
    size_t errlen)
{
	char		 line[CONF_LINE_MAX], msg[CONF_ERRLEN], *kw, *val;
	const char	*p = text, *end = text + len, *nl;
	size_t		 n;
	int		 lineno = 0, i, r;
	uint64_t	 listseen = 0;

	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		n = nl - p;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "%s:%d: line too long", fname,
			    lineno);
			return ERR_TOOBIG;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl < end ? nl + 1 : end;
		if (memchr(line, '\0', n) != NULL) {
			snprintf(err, errlen, "%s:%d: NUL byte in line",
			    fname, lineno);
			return ERR_FORMAT;
		}
		r = split_line(line, &kw, &val, msg, sizeof(msg));
		if (r == 1)
			continue;
		if (r != 0) {
			snprintf(err, errlen, "%s:%d: %s", fname, lineno, msg);
			return r;
		}
		if ((i = opt_find(t, kw)) < 0) {
			snprintf(err, errlen, "%s:%d: unknown option '%s'",
			    fname, lineno, kw);
			return ERR_NOTFOUND;
		}
		if (i < 64 && (mask & (1ULL << i)))
			continue;	/* the command line wins */
		if (t[i].type == CONF_LIST && i < 64 &&
		    !(listseen & (1ULL << i))) {
			/* the file's values replace the defaults */
			struct conf_list *l = (struct conf_list *)
			    ((char *)obj + t[i].off);
			while (l->n > 0)
				free(l->v[--l->n]);
			listseen |= 1ULL << i;
		}
		if ((r = opt_apply(&t[i], obj, val, msg, sizeof(msg))) != 0) {
			snprintf(err, errlen, "%s:%d: %s", fname, lineno, msg);
			return r;
		}
	}
	return 0;
}

int
conf_load(const struct conf_opt *t, void *obj, uint64_t mask,
    const char *fname, char *err, size_t errlen)
{
	FILE	*f;
	char	*text;
	size_t	 n;
	int	 r;

	if ((f = fopen(fname, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", fname, strerror(errno));
		return ERR_IO;
	}
	if ((text = malloc(CONF_FILE_MAX)) == NULL) {
		fclose(f);
		return ERR_NOMEM;
	}
	n = fread(text, 1, CONF_FILE_MAX, f);
	if (ferror(f) || n == CONF_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", fname, ferror(f) ?
		    strerror(errno) : "file too large");
		free(text);
		fclose(f);
		return ERR_IO;
	}
	fclose(f);
	r = conf_parse(t, obj, mask, text, n, fname, err, errlen);
	free(text);
	return r;
}

void
conf_free(const struct conf_opt *t, void *obj)
{
	char			*base = obj;
	struct conf_list	*l;
	int			 i;

	for (i = 0; t[i].name != NULL; i++) {
		if (t[i].type == CONF_STR) {
			free(*(char **)(base + t[i].off));
			*(char **)(base + t[i].off) = NULL;
		} else if (t[i].type == CONF_LIST) {
			l = (struct conf_list *)(base + t[i].off);
			while (l->n > 0)
				free(l->v[--l->n]);
		}
	}
}

void
conf_dump(const struct conf_opt *t, const void *obj, void *fp)
{
	const char		*base = obj, *s;
	const struct conf_list	*l;
	int			 i, j;

	for (i = 0; t[i].name != NULL; i++) {
		switch (t[i].type) {
		case CONF_STR:
			s = *(char *const *)(base + t[i].off);
			fprintf(fp, "%s %s\n", t[i].name, s ? s : "");
			break;
		case CONF_BOOL:
			fprintf(fp, "%s %s\n", t[i].name,
			    *(const int *)(base + t[i].off) ? "yes" : "no");
			break;
		case CONF_LIST:
			l = (const struct conf_list *)(base + t[i].off);
			for (j = 0; j < l->n; j++)
				fprintf(fp, "%s %s\n", t[i].name, l->v[j]);
			break;
		default:
			fprintf(fp, "%s %lld\n", t[i].name,
			    *(const long long *)(base + t[i].off));
			break;
		}
	}
}
