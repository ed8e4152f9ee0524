/*
 * json.h -- a small streaming JSON writer into struct buf.  Strings are
 * escaped so that the output is always valid JSON: control characters
 * become \u00XX, and bytes that are not valid UTF-8 become the six
 * characters \\xNN (a literal backslash, x and two hex digits) -- events
 * with such lines carry the bad_utf8 flag.  Parsing is done with yajl.
 */
#ifndef VIGIL_JSON_H
#define VIGIL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define JSON_DEPTH	16

struct json {
	struct buf	*out;
	int		 depth;
	int		 err;
	unsigned char	 first[JSON_DEPTH];	/* nothing written yet */
	int		 afterkey;
};

void	json_init(struct json *, struct buf *out);
/* Is s well-formed UTF-8 (no overlong forms, surrogates or code points
 * past U+10FFFF)?  What the writer copies as is; other bytes it shows as
 * \\xNN text. */
int	json_utf8_valid(const char *s, size_t len);
void	json_obj_open(struct json *);
void	json_obj_close(struct json *);
void	json_arr_open(struct json *);
void	json_arr_close(struct json *);
void	json_key(struct json *, const char *);
void	json_str(struct json *, const char *, size_t);
void	json_int(struct json *, int64_t);
void	json_key_str(struct json *, const char *key, const char *);
void	json_key_strn(struct json *, const char *key, const char *, size_t);
void	json_key_int(struct json *, const char *key, int64_t);
void	json_key_bool(struct json *, const char *key, int);
/* RFC 3339 UTC string with microseconds */
void	json_key_time(struct json *, const char *key, int64_t us);
/* 0, or the first ERR_* a put returned */
int	json_error(const struct json *);
/* Append the escaped form of s (without quotes) to out. */
int	json_escape(struct buf *out, const char *s, size_t len);

#endif
