/*
 * alerts.c -- the JSON form of an alert and its reader (see alerts.h).
 * Writes with the core/json writer, so every string from log data is
 * escaped; reads with yajl's tree parser.  Does no I/O.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_tree.h>

#include "alerts.h"
#include "err.h"
#include "json.h"
#include "query.h"

static const char *const sevnames[] = {
	"info", "low", "medium", "high", "critical"
};

const char *
alert_severity_name(int sev)
{
	if (sev < SEV_INFO || sev > SEV_CRITICAL)
		return "?";
	return sevnames[sev];
}

int
alert_severity_parse(const char *s)
{
	int i;

	for (i = SEV_INFO; s != NULL && i <= SEV_CRITICAL; i++)
		if (strcasecmp(s, sevnames[i]) == 0)
			return i;
	return -1;
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/* "T1110, T1110.001" -> ["T1110","T1110.001"] */
static void
json_tags(struct json *j, const char *tags)
{
	const char	*p = nz(tags), *e;
	size_t		 n;

	json_key(j, "tags");
	json_arr_open(j);
	while (*p != '\0') {
		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		e = p + strcspn(p, ",");
		for (n = (size_t)(e - p); n > 0 && (p[n - 1] == ' ' ||
		    p[n - 1] == '\t'); n--)
			;
		json_str(j, p, n);
		p = e;
	}
	json_arr_close(j);
}

int
alert_json(const struct alert *a, struct buf *out)
{
	struct json	j;
	int		i;

	json_init(&j, out);
	json_obj_open(&j);
	json_key_int(&j, "id", (int64_t)a->id);
	if (a->update)
		json_key_bool(&j, "update", 1);
	json_key_str(&j, "rule", nz(a->rule_id));
	json_key_str(&j, "title", nz(a->title));
	json_key_str(&j, "severity", alert_severity_name(a->severity));
	json_tags(&j, a->tags);
	json_key_str(&j, "description", nz(a->description));
	json_key_time(&j, "time", a->ts_us);
	json_key_time(&j, "first", a->first_us != 0 ? a->first_us : a->ts_us);
	json_key_strn(&j, "group", a->group, strnlen(a->group,
	    sizeof(a->group)));
	json_key_strn(&j, "message", a->message, strnlen(a->message,
	    sizeof(a->message)));
	json_key_int(&j, "count", (int64_t)a->count);
	json_key_int(&j, "suppressed", (int64_t)a->suppressed);
	json_key_time(&j, "last", a->last_us != 0 ? a->last_us : a->ts_us);
	json_key(&j, "refs");
	json_arr_open(&j);
	for (i = 0; i < a->nrefs && i < ALERT_REFS_MAX; i++) {
		json_obj_open(&j);
		json_key_int(&j, "stream", a->refs[i].stream);
		json_key_int(&j, "seq", (int64_t)a->refs[i].seq);
		json_key_time(&j, "time", a->refs[i].ts_us);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
	return json_error(&j);
}

/* Copy s into out (size n), cut at a UTF-8 character boundary. */
static void
copy_cut(char *out, size_t n, const char *s)
{
	size_t len = strlen(s);

	if (len >= n) {
		len = n - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(out, s, len);
	out[len] = '\0';
}

/* member name of o, of the given type; NULL when absent. *bad on a
 * member of another type. */
static yajl_val
member(yajl_val o, const char *name, yajl_type t, int *bad)
{
	const char	*path[] = { name, NULL };
	yajl_val	 v;

	if ((v = yajl_tree_get(o, path, yajl_t_any)) == NULL)
		return NULL;
	if (t == yajl_t_number ? !YAJL_IS_INTEGER(v) :
	    t == yajl_t_true ? !(YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) :
	    v->type != t) {
		*bad = 1;
		return NULL;
	}
	return v;
}

static int
get_str(yajl_val o, const char *name, char *out, size_t n, int *bad)
{
	yajl_val v = member(o, name, yajl_t_string, bad);

	if (v == NULL)
		return 0;
	/* alert_json writes only well-formed UTF-8 (yajl lets overlong
	 * forms through): anything else is not a record of ours */
	if (!json_utf8_valid(v->u.string, strlen(v->u.string))) {
		*bad = 1;
		return 0;
	}
	copy_cut(out, n, v->u.string);
	return 1;
}

static int
get_time(yajl_val o, const char *name, int64_t *us, int *bad)
{
	yajl_val v = member(o, name, yajl_t_string, bad);

	if (v == NULL)
		return 0;
	if (time_parse(v->u.string, 0, us) != 0) {
		*bad = 1;
		return 0;
	}
	return 1;
}

static int
get_uint(yajl_val o, const char *name, uint64_t max, uint64_t *out,
    int *bad)
{
	yajl_val v = member(o, name, yajl_t_number, bad);

	if (v == NULL)
		return 0;
	if (YAJL_GET_INTEGER(v) < 0 || (uint64_t)YAJL_GET_INTEGER(v) > max) {
		*bad = 1;
		return 0;
	}
	*out = (uint64_t)YAJL_GET_INTEGER(v);
	return 1;
}

static int
parse_refs(yajl_val arr, struct alert_view *av)
{
	yajl_val	r;
	uint64_t	u;
	size_t		i;
	int		bad = 0;

	for (i = 0; i < arr->u.array.len; i++) {
		r = arr->u.array.values[i];
		if (!YAJL_IS_OBJECT(r) || av->nrefs >= ALERT_REFS_MAX)
			return ERR_FORMAT;
		memset(&av->refs[av->nrefs], 0, sizeof(av->refs[0]));
		if (!get_uint(r, "stream", UINT32_MAX, &u, &bad))
			return ERR_FORMAT;
		av->refs[av->nrefs].stream = (uint32_t)u;
		if (!get_uint(r, "seq", INT64_MAX, &av->refs[av->nrefs].seq,
		    &bad))
			return ERR_FORMAT;
		get_time(r, "time", &av->refs[av->nrefs].ts_us, &bad);
		if (bad)
			return ERR_FORMAT;
		av->nrefs++;
	}
	return 0;
}

int
alert_parse(const char *json, size_t len, struct alert_view *av)
{
	char		 ebuf[128], sev[16], *text = NULL;
	yajl_val	 root = NULL, v;
	uint64_t	 u;
	size_t		 i, off;
	int		 bad = 0, r = ERR_FORMAT;

	memset(av, 0, sizeof(*av));
	if (len > ALERT_JSON_MAX)
		return ERR_TOOBIG;
	if ((text = strndup(json, len)) == NULL)
		return ERR_NOMEM;
	if (strlen(text) != len ||
	    (root = yajl_tree_parse(text, ebuf, sizeof(ebuf))) == NULL ||
	    !YAJL_IS_OBJECT(root))
		goto out;
	if (!get_uint(root, "id", INT64_MAX, &av->id, &bad) ||
	    !get_str(root, "rule", av->rule, sizeof(av->rule), &bad) ||
	    !get_str(root, "severity", sev, sizeof(sev), &bad) ||
	    (av->severity = alert_severity_parse(sev)) < 0 ||
	    !get_time(root, "time", &av->ts_us, &bad))
		goto out;
	if ((v = member(root, "update", yajl_t_true, &bad)) != NULL)
		av->update = YAJL_IS_TRUE(v);
	get_str(root, "title", av->title, sizeof(av->title), &bad);
	get_str(root, "description", av->description,
	    sizeof(av->description), &bad);
	get_str(root, "group", av->group, sizeof(av->group), &bad);
	get_str(root, "message", av->message, sizeof(av->message), &bad);
	av->first_us = av->last_us = av->ts_us;
	get_time(root, "first", &av->first_us, &bad);
	get_time(root, "last", &av->last_us, &bad);
	get_uint(root, "count", INT64_MAX, &av->count, &bad);
	if (get_uint(root, "suppressed", UINT32_MAX, &u, &bad))
		av->suppressed = (uint32_t)u;
	if ((v = member(root, "tags", yajl_t_array, &bad)) != NULL) {
		for (i = 0, off = 0; i < v->u.array.len; i++) {
			if (!YAJL_IS_STRING(v->u.array.values[i])) {
				bad = 1;
				break;
			}
			if (off + 3 >= sizeof(av->tags))
				continue;
			if (i > 0) {
				memcpy(av->tags + off, ", ", 3);
				off += 2;
			}
			copy_cut(av->tags + off, sizeof(av->tags) - off,
			    v->u.array.values[i]->u.string);
			off += strlen(av->tags + off);
		}
	}
	if ((v = member(root, "refs", yajl_t_array, &bad)) != NULL &&
	    parse_refs(v, av) != 0)
		goto out;
	if (bad)
		goto out;
	r = 0;
 out:
	yajl_tree_free(root);
	free(text);
	return r;
}

int
alert_match(const struct alert_view *av, const struct alert_filter *f)
{
	if (av->ts_us < f->since_us || av->ts_us >= f->until_us)
		return 0;
	if (av->severity < f->min_severity)
		return 0;
	if (f->rule != NULL && strcmp(f->rule, av->rule) != 0)
		return 0;
	return 1;
}
