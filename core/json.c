/*
 * json.c -- streaming JSON writer (see json.h).  Pure.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "query.h"

void
json_init(struct json *j, struct buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->first[0] = 1;
}

static void
put(struct json *j, const void *p, size_t n)
{
	int r;

	if (j->err == 0 && (r = buf_put(j->out, p, n)) != 0)
		j->err = r;
}

/* comma before a value unless it follows a key or opens a container */
static void
sep(struct json *j)
{
	if (j->afterkey) {
		j->afterkey = 0;
		return;
	}
	if (!j->first[j->depth])
		put(j, ",", 1);
	j->first[j->depth] = 0;
}

static void
open_(struct json *j, char c)
{
	sep(j);
	put(j, &c, 1);
	if (j->depth + 1 >= JSON_DEPTH) {
		j->err = ERR_TOOBIG;
		return;
	}
	j->first[++j->depth] = 1;
}

static void
close_(struct json *j, char c)
{
	put(j, &c, 1);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_open(struct json *j) { open_(j, '{'); }
void json_obj_close(struct json *j) { close_(j, '}'); }
void json_arr_open(struct json *j) { open_(j, '['); }
void json_arr_close(struct json *j) { close_(j, ']'); }

static size_t
utf8_seq(const unsigned char *p, size_t left)
{
	size_t		n, k;
	uint32_t	cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (left < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int
json_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
json_escape(struct buf *out, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, run;
	char			 tmp[8];
	int			 r;

	while (i < len) {
		/* copy a run of plain bytes at once */
		for (run = i; run < len && p[run] >= 0x20 && p[run] < 0x7f &&
		    p[run] != '"' && p[run] != '\\'; run++)
			;
		if (run > i) {
			if ((r = buf_put(out, p + i, run - i)) != 0)
				return r;
			i = run;
			continue;
		}
		if (p[i] == '"' || p[i] == '\\') {
			tmp[0] = '\\';
			tmp[1] = p[i];
			r = buf_put(out, tmp, 2);
			i++;
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			switch (p[i]) {
			case '\n': r = buf_put(out, "\\n", 2); break;
			case '\t': r = buf_put(out, "\\t", 2); break;
			case '\r': r = buf_put(out, "\\r", 2); break;
			default:
				snprintf(tmp, sizeof(tmp), "\\u%04x", p[i]);
				r = buf_put(out, tmp, 6);
			}
			i++;
		} else if ((n = utf8_seq(p + i, len - i)) > 0) {
			r = buf_put(out, p + i, n);
			i += n;
		} else {
			snprintf(tmp, sizeof(tmp), "\\\\x%02X", p[i]);
			r = buf_put(out, tmp, 5);
			i++;
		}
		if (r != 0)
			return r;
	}
	return 0;
}

void
json_str(struct json *j, const char *s, size_t n)
{
	int r;

	sep(j);
	put(j, "\"", 1);
	if (j->err == 0 && (r = json_escape(j->out, s, n)) != 0)
		j->err = r;
	put(j, "\"", 1);
}

void
json_key(struct json *j, const char *k)
{
	json_str(j, k, strlen(k));
	put(j, ":", 1);
	j->afterkey = 1;
}

void
json_int(struct json *j, int64_t v)
{
	char		 t[24], *p = t + sizeof(t);
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	/* by hand: alerts and search results print many numbers, and
	 * snprintf cost ~1,000 instructions each */
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	sep(j);
	put(j, p, (size_t)(t + sizeof(t) - p));
}

void
json_key_str(struct json *j, const char *k, const char *s)
{
	json_key(j, k);
	json_str(j, s ? s : "", s ? strlen(s) : 0);
}

void
json_key_strn(struct json *j, const char *k, const char *s, size_t n)
{
	json_key(j, k);
	json_str(j, s, n);
}

void
json_key_int(struct json *j, const char *k, int64_t v)
{
	json_key(j, k);
	json_int(j, v);
}

void
json_key_bool(struct json *j, const char *k, int v)
{
	json_key(j, k);
	sep(j);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void
json_key_time(struct json *j, const char *k, int64_t us)
{
	char t[40];

	time_format(us, t, sizeof(t));
	json_key_str(j, k, t);
}

int
json_error(const struct json *j)
{
	return j->err;
}
