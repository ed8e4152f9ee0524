/*
 * syslog.c -- decoder for syslog headers: RFC 3164, RFC 5424, and what
 * rsyslog and glibc really write (log-formats.md section 6).  Pure: does no
 * I/O, allocates nothing and keeps no state but const tables.  Input is
 * bytes: never NUL-terminated, never read past len; every pointer returned
 * points into it.
 *
 * Dispatch on what follows the optional <PRI>:
 *	"1 "		RFC 5424 (PRI required)
 *	"dddd-"		RFC 3339 hybrid (rsyslog File/ForwardFormat)
 *	"Mmm "		RFC 3164, or glibc's /dev/log form without HOST
 *	anything else	fmt NONE, msg = whole line, ERR_FORMAT
 *
 * Decisions where the RFCs and real senders leave room:
 * - A timestamp that has the right shape but an impossible value (month 13,
 *   Feb 30, 25:00, second 60, over 6 fraction digits, bad offset) gives
 *   SYSLOG_F_BADTS and has_ts 0, and the rest of the header is decoded; a
 *   token not shaped like a timestamp means the line is not that format.
 *   RFC 5424 forbids leap seconds; we reject :60 everywhere.
 * - 3164 year: the latest of now's year+1, year, year-1 that leaves the
 *   time at most 31 days after now (a Feb 29 skips non-leap years).
 * - An RFC 3339 time without an offset is read in ctx->tzoff_sec (NOTZ).
 * - 3164 HOST vs TAG: the first token is a TAG (no HOST) if it ends in ':'
 *   or contains '['.  The TAG is app[procid]: then one optional SP; procid
 *   is any visible text up to ']' (not only digits).  A TAG without ':' is
 *   ended by its SP.  A token that is no valid TAG (empty, over 48 bytes,
 *   unclosed '[', junk after ']') leaves app NULL and msg starting there.
 * - 3164 HOST is over 255 bytes or holds control bytes: not a header.
 * - 5424 fields are checked strictly (PRINTUSASCII, RFC length limits,
 *   single SP separators, SD grammar): any violation gives fmt NONE.  In
 *   SD values only '"' needs escaping to be parsed unambiguously, so an
 *   unescaped ']' inside quotes is accepted.
 * - 5424 MSG starts after exactly one SP.  rsyslog's Protocol23 writes two
 *   (its legacy msg keeps a leading space, rsyslog #160); the second space
 *   stays in msg, because RFC 5424 says MSG follows one SP and a sender may
 *   mean a leading space.  A trailing LF or CR LF in len is dropped before
 *   anything else (Protocol23 counts it in the frame, rsyslog #4384), also
 *   for fmt NONE.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "syslog.h"

#define US_PER_SEC	1000000LL
#define DAY_SEC		86400LL
#define FUTURE_SEC	(31 * DAY_SEC)	/* 3164 times may be ahead */
#define TS3164_LEN	15		/* "Mmm dd hh:mm:ss" */

/* ts_* results */
#define TS_OK		0
#define TS_BAD		1	/* shaped like a timestamp, bad value */
#define TS_SHAPE	-1	/* not a timestamp at all */

static const char *const sevnames[8] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
};

static const char *const facnames[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console",
	"solaris-cron", "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", "local7"
};

static const char monthnames[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static const unsigned char monthdays[12] = {
	31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};

const char *
syslog_severity_name(int sev)
{
	if (sev < 0 || sev > 7)
		return NULL;
	return sevnames[sev];
}

const char *
syslog_facility_name(int fac)
{
	if (fac < 0 || fac > 23)
		return NULL;
	return facnames[fac];
}

/* Character classes, on unsigned bytes so that 0x80.. never goes negative. */
static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 5424 PRINTUSASCII: %d33-126 */
static int
isprintus(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 33 && u <= 126;
}

/* a byte allowed in a 3164 HOST or TAG: not SP, not a control byte */
static int
isvisible(char c)
{
	unsigned char u = (unsigned char)c;

	return u > 0x20 && u != 0x7f;
}

/* two digits at s, or -1; the caller guarantees 2 bytes */
static int
dig2(const char *s)
{
	if (!isdig(s[0]) || !isdig(s[1]))
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static size_t
tok_end(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != ' ')
		i++;
	return i;
}

static int
isleap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int64_t y, int mon)
{
	if (mon == 2 && isleap(y))
		return 29;
	return monthdays[mon - 1];
}

/*
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): independent of the process TZ, unlike mktime.
 */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The year of day z since the epoch (inverse of the above). */
static int64_t
year_from_days(int64_t z)
{
	int64_t	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	return yoe + era * 400 + (mp >= 10);
}

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/*
 * RFC 3339 full-date "T" full-time as RFC 5424 section 6.2.3 restricts it
 * (uppercase T and Z, 1-6 fraction digits), in the token s[0..n).  A
 * missing offset means tzdef and sets *notz.  Returns TS_OK with *ts,
 * TS_BAD or TS_SHAPE (see the top of the file).
 */
static int
ts_rfc3339(const char *s, size_t n, int tzdef, int64_t *ts, int *notz)
{
	int64_t	 y, off;
	int	 mo, d, h, mi, sec, oh, om, usec = 0;
	size_t	 i, nd;

	if (n < 19 || !isdig(s[0]) || !isdig(s[1]) || (y = dig2(s + 2)) < 0 ||
	    s[4] != '-' || (mo = dig2(s + 5)) < 0 || s[7] != '-' ||
	    (d = dig2(s + 8)) < 0 || s[10] != 'T' || (h = dig2(s + 11)) < 0 ||
	    s[13] != ':' || (mi = dig2(s + 14)) < 0 || s[16] != ':' ||
	    (sec = dig2(s + 17)) < 0)
		return TS_SHAPE;
	y += (s[0] - '0') * 1000 + (s[1] - '0') * 100;
	i = 19;
	if (i < n && s[i] == '.') {
		for (i++, nd = 0; i < n && isdig(s[i]); i++, nd++)
			if (nd < 6)
				usec = usec * 10 + (s[i] - '0');
		if (nd == 0 || nd > 6)
			return TS_BAD;
		for (; nd < 6; nd++)
			usec *= 10;
	}
	*notz = 0;
	if (i == n) {
		*notz = 1;
		off = tzdef;
	} else if (s[i] == 'Z' && n - i == 1)
		off = 0;
	else if ((s[i] == '+' || s[i] == '-') && n - i == 6 &&
	    (oh = dig2(s + i + 1)) >= 0 && s[i + 3] == ':' &&
	    (om = dig2(s + i + 4)) >= 0 && oh <= 23 && om <= 59)
		off = (s[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
	else
		return TS_BAD;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo) || h > 23 ||
	    mi > 59 || sec > 59)
		return TS_BAD;
	*ts = (days_from_civil(y, mo, d) * DAY_SEC + h * 3600 + mi * 60 + sec -
	    off) * US_PER_SEC + usec;
	return TS_OK;
}

/*
 * RFC 3164 section 4.1.2 TIMESTAMP "Mmm dd hh:mm:ss" at s (the caller
 * guarantees TS3164_LEN bytes), day space-padded ("Mar  9"; "Mar 09" is
 * accepted too).  The year comes from now_us, the zone from tz.
 */
static int
ts_3164(const char *s, int64_t now_us, int tz, int64_t *ts)
{
	const char	*mp;
	int64_t		 now, y, yn, t;
	int		 mon, day, h, mi, sec;

	for (mp = monthnames; *mp != '\0'; mp += 3)
		if (memcmp(s, mp, 3) == 0)
			break;
	if (*mp == '\0' || s[3] != ' ')
		return TS_SHAPE;
	mon = (int)(mp - monthnames) / 3 + 1;
	if (s[4] == ' ' && isdig(s[5]))
		day = s[5] - '0';
	else if ((day = dig2(s + 4)) < 0)
		return TS_SHAPE;
	if (s[6] != ' ' || (h = dig2(s + 7)) < 0 || s[9] != ':' ||
	    (mi = dig2(s + 10)) < 0 || s[12] != ':' || (sec = dig2(s + 13)) < 0)
		return TS_SHAPE;
	if (day < 1 || day > mdays(2000, mon) || h > 23 || mi > 59 || sec > 59)
		return TS_BAD;

	now = floordiv(now_us, US_PER_SEC);
	yn = year_from_days(floordiv(now + tz, DAY_SEC));
	/* keeps every year in range so the arithmetic below cannot overflow */
	if (yn < 1 || yn > 9998)
		return TS_BAD;
	for (y = yn + 1; y >= yn - 1; y--) {
		if (day > mdays(y, mon))
			continue;
		t = days_from_civil(y, mon, day) * DAY_SEC + h * 3600 +
		    mi * 60 + sec - tz;
		if (t <= now + FUTURE_SEC) {
			*ts = t * US_PER_SEC;
			return TS_OK;
		}
	}
	return TS_BAD;
}

/*
 * "<" PRIVAL ">" (RFC 5424 section 6.2.1): 1-3 digits, no leading zero but
 * "<0>", at most 191.  Returns the bytes used, 0 when s does not start with
 * '<', -1 when the PRI is invalid.
 */
static int
pri_parse(const char *s, size_t n, int *pri)
{
	size_t	i;
	int	v = 0;

	if (n == 0 || s[0] != '<')
		return 0;
	for (i = 1; i < n && i <= 4 && isdig(s[i]); i++)
		v = v * 10 + (s[i] - '0');
	if (i == 1 || i > 4 || i >= n || s[i] != '>')
		return -1;
	if ((i > 2 && s[1] == '0') || v > 191)
		return -1;
	*pri = v;
	return (int)i + 1;
}

/*
 * SD-NAME (RFC 5424 section 6.3.2) at s[i]: 1-32 PRINTUSASCII but '=',
 * SP, ']' and '"'.  Returns its length, 0 when empty or too long.
 */
static size_t
sd_name(const char *s, size_t n, size_t i)
{
	size_t	j;

	for (j = i; j < n && j - i <= SYSLOG_SDNAME_MAX; j++)
		if (!isprintus(s[j]) || s[j] == '=' || s[j] == ']' ||
		    s[j] == '"')
			break;
	if (j == i || j - i > SYSLOG_SDNAME_MAX)
		return 0;
	return j - i;
}

/*
 * SP PARAM-NAME "=" DQUOTE PARAM-VALUE DQUOTE with *ip at the SP; leaves
 * *ip after the closing quote.  Skipping the byte after any backslash
 * finds the same end as honouring only \" \\ \] : in "\x" x is no quote.
 */
static int
sd_param(const char *s, size_t n, size_t *ip, const char **name,
    size_t *namelen, const char **val, size_t *vallen)
{
	size_t	i = *ip + 1, nl, v;

	if ((nl = sd_name(s, n, i)) == 0)
		return ERR_FORMAT;
	*name = s + i;
	*namelen = nl;
	i += nl;
	if (n - i < 2 || s[i] != '=' || s[i + 1] != '"')
		return ERR_FORMAT;
	for (i += 2, v = i; i < n && s[i] != '"'; i++)
		if (s[i] == '\\' && i + 1 < n)
			i++;
	if (i >= n)
		return ERR_FORMAT;
	*val = s + v;
	*vallen = i - v;
	*ip = i + 1;
	return 0;
}

/*
 * One or more SD-ELEMENTs from s[i] == '['.  Returns the offset after the
 * last one (> i), 0 when malformed.
 */
static size_t
sd_span(const char *s, size_t n, size_t i)
{
	const char	*nm, *val;
	size_t		 il, nl, vl;

	while (i < n && s[i] == '[') {
		if ((il = sd_name(s, n, i + 1)) == 0)
			return 0;
		for (i += 1 + il; i < n && s[i] != ']'; )
			if (s[i] != ' ' ||
			    sd_param(s, n, &i, &nm, &nl, &val, &vl) != 0)
				return 0;
		if (i >= n)
			return 0;
		i++;
	}
	return i;
}

int
syslog_sd_next(const char *sd, size_t sdlen, size_t *off, const char **id,
    size_t *idlen, const char **name, size_t *namelen, const char **val,
    size_t *vallen)
{
	size_t	pos, j, k, il, want = *off;

	if (want > sdlen)
		return ERR_FORMAT;
	/*
	 * *off is the start of an element, the SP before a parameter, an
	 * element's ']' or sdlen.  Walk from the start to find the element
	 * it lies in (SD is short; this keeps the iterator stateless).
	 */
	for (pos = 0; pos < sdlen; pos = j) {
		if (sd[pos] != '[' || (il = sd_name(sd, sdlen, pos + 1)) == 0)
			return ERR_FORMAT;
		j = pos + 1 + il;
		if (pos == want) {
			if (j < sdlen && sd[j] == ']') {
				*id = sd + pos + 1;
				*idlen = il;
				*name = *val = sd + j;
				*namelen = *vallen = 0;
				*off = j + 1;
				return 1;
			}
			want = j;
		}
		for (;;) {
			if (j >= sdlen)
				return ERR_FORMAT;
			if (sd[j] == ']') {
				if (j == want)
					want = j + 1;
				j++;
				break;
			}
			if (sd[j] != ' ')
				return ERR_FORMAT;
			k = j;
			if (sd_param(sd, sdlen, &j, name, namelen, val,
			    vallen) != 0)
				return ERR_FORMAT;
			if (k == want) {
				*id = sd + pos + 1;
				*idlen = il;
				*off = j;
				return 1;
			}
		}
	}
	if (want != sdlen)
		return ERR_FORMAT;
	*off = sdlen;
	return 0;
}

size_t
syslog_sd_unescape(const char *val, size_t vallen, char *out, size_t outlen)
{
	size_t	i, n = 0;

	for (i = 0; i < vallen; i++, n++) {
		if (val[i] == '\\' && i + 1 < vallen &&
		    (val[i + 1] == '"' || val[i + 1] == '\\' ||
		    val[i + 1] == ']'))
			i++;
		if (n + 1 < outlen)
			out[n] = val[i];
	}
	if (outlen > 0)
		out[n < outlen ? n : outlen - 1] = '\0';
	return n;
}

static void
msg_reset(struct syslog_msg *m, const char *line, size_t len)
{
	m->fmt = SYSLOG_FMT_NONE;
	m->pri = m->facility = m->severity = -1;
	m->has_ts = 0;
	m->ts_us = 0;
	m->flags = 0;
	m->host = m->app = m->procid = m->msgid = m->sd = NULL;
	m->hostlen = m->applen = m->procidlen = m->msgidlen = m->sdlen = 0;
	m->msg = line;
	m->msglen = len;
}

/*
 * 3164 TAG and CONTENT from s[p]: "app[procid]: msg", "app: msg",
 * "app msg".  Always sets msg; leaves app NULL when there is no valid TAG.
 */
static void
dec_tag(const char *s, size_t n, size_t p, struct syslog_msg *m)
{
	size_t	a = p, q;

	m->msg = s + p;
	m->msglen = n - p;
	while (p < n && isvisible(s[p]) && s[p] != '[' && s[p] != ':')
		p++;
	if (p == a || p - a > SYSLOG_APPNAME_MAX)
		return;
	m->app = s + a;
	m->applen = p - a;
	if (p < n && s[p] == '[') {
		for (q = p + 1; q < n && isvisible(s[q]) && s[q] != ']'; q++)
			;
		if (q >= n || s[q] != ']' || q - p - 1 > SYSLOG_PROCID_MAX)
			goto notag;
		if (q > p + 1) {
			m->procid = s + p + 1;
			m->procidlen = q - p - 1;
		}
		p = q + 1;
	}
	if (p < n && s[p] == ':') {
		p++;
		if (p < n && s[p] == ' ')
			p++;
	} else if (p < n && s[p] == ' ')
		p++;
	else if (p < n)
		goto notag;
	m->msg = s + p;
	m->msglen = n - p;
	return;
 notag:
	m->app = m->procid = NULL;
	m->applen = m->procidlen = 0;
}

/*
 * [HOSTNAME SP] TAG CONTENT of the 3164 family, from the byte after the
 * timestamp's SP.  Returns 1 when there was no HOSTNAME (the first token
 * ends in ':' or holds '['), 0 when there was, ERR_FORMAT.
 */
static int
dec_hosttag(const char *s, size_t n, size_t p, struct syslog_msg *m)
{
	size_t	e = tok_end(s, n, p), i;

	if (e == p)
		return ERR_FORMAT;
	if (s[e - 1] == ':' || memchr(s + p, '[', e - p) != NULL) {
		dec_tag(s, n, p, m);
		return 1;
	}
	if (e - p > SYSLOG_HOSTNAME_MAX)
		return ERR_FORMAT;
	for (i = p; i < e; i++)
		if (!isvisible(s[i]))
			return ERR_FORMAT;
	m->host = s + p;
	m->hostlen = e - p;
	dec_tag(s, n, e < n ? e + 1 : e, m);
	return 0;
}

static void
set_ts(struct syslog_msg *m, int r, int64_t ts, unsigned flags)
{
	if (r == TS_OK) {
		m->has_ts = 1;
		m->ts_us = ts;
		m->flags |= flags;
	} else
		m->flags |= SYSLOG_F_BADTS;
}

/* RFC 3164 section 4.1.2, and glibc's form without HOSTNAME */
static int
dec_3164(const char *s, size_t n, size_t p, const struct syslog_ctx *ctx,
    struct syslog_msg *m)
{
	int64_t	ts = 0;
	int	r, nohost;

	if (n - p <= TS3164_LEN || s[p + TS3164_LEN] != ' ')
		return ERR_FORMAT;
	r = ts_3164(s + p, ctx != NULL ? ctx->now_us : 0,
	    ctx != NULL ? ctx->tzoff_sec : 0, &ts);
	if (r == TS_SHAPE)
		return ERR_FORMAT;
	if ((nohost = dec_hosttag(s, n, p + TS3164_LEN + 1, m)) < 0)
		return nohost;
	m->fmt = nohost ? SYSLOG_FMT_3164_NOHOST : SYSLOG_FMT_3164;
	set_ts(m, r, ts, SYSLOG_F_NOYEAR | SYSLOG_F_NOTZ);
	return 0;
}

/*
 * rsyslog RSYSLOG_FileFormat / RSYSLOG_ForwardFormat: a 3164 line with an
 * RFC 3339 timestamp.  host is NULL when the first token looks like a TAG.
 */
static int
dec_3339(const char *s, size_t n, size_t p, const struct syslog_ctx *ctx,
    struct syslog_msg *m)
{
	int64_t	ts = 0;
	size_t	e = tok_end(s, n, p);
	int	r, notz = 0;

	r = ts_rfc3339(s + p, e - p, ctx != NULL ? ctx->tzoff_sec : 0, &ts,
	    &notz);
	if (r == TS_SHAPE || e == n)
		return ERR_FORMAT;
	if (dec_hosttag(s, n, e + 1, m) < 0)
		return ERR_FORMAT;
	m->fmt = SYSLOG_FMT_RFC3339;
	set_ts(m, r, ts, notz ? SYSLOG_F_NOTZ : 0);
	return 0;
}

/*
 * One RFC 5424 header field (section 6.2) and its SP: 1..max PRINTUSASCII,
 * "-" is NIL (NULL, 0).
 */
static int
field_5424(const char *s, size_t n, size_t *pp, size_t max, const char **f,
    size_t *flen)
{
	size_t	p = *pp, e = tok_end(s, n, p), i;

	if (e == n || e == p || e - p > max)
		return ERR_FORMAT;
	for (i = p; i < e; i++)
		if (!isprintus(s[i]))
			return ERR_FORMAT;
	if (e - p == 1 && s[p] == '-') {
		*f = NULL;
		*flen = 0;
	} else {
		*f = s + p;
		*flen = e - p;
	}
	*pp = e + 1;
	return 0;
}

/* RFC 5424 section 6, from the byte after "1 " */
static int
dec_5424(const char *s, size_t n, size_t p, const struct syslog_ctx *ctx,
    struct syslog_msg *m)
{
	int64_t	ts = 0;
	size_t	e = tok_end(s, n, p);
	int	r, notz = 0;

	if (e == n || e == p)
		return ERR_FORMAT;
	if (e - p != 1 || s[p] != '-') {
		r = ts_rfc3339(s + p, e - p,
		    ctx != NULL ? ctx->tzoff_sec : 0, &ts, &notz);
		if (r == TS_SHAPE)
			return ERR_FORMAT;
		set_ts(m, r, ts, notz ? SYSLOG_F_NOTZ : 0);
	}
	p = e + 1;
	if (field_5424(s, n, &p, SYSLOG_HOSTNAME_MAX, &m->host,
	    &m->hostlen) != 0 ||
	    field_5424(s, n, &p, SYSLOG_APPNAME_MAX, &m->app,
	    &m->applen) != 0 ||
	    field_5424(s, n, &p, SYSLOG_PROCID_MAX, &m->procid,
	    &m->procidlen) != 0 ||
	    field_5424(s, n, &p, SYSLOG_MSGID_MAX, &m->msgid,
	    &m->msgidlen) != 0)
		return ERR_FORMAT;

	/* STRUCTURED-DATA = NILVALUE / 1*SD-ELEMENT */
	if (p < n && s[p] == '-')
		e = p + 1;
	else if (p < n && s[p] == '[') {
		if ((e = sd_span(s, n, p)) == 0)
			return ERR_FORMAT;
		m->sd = s + p;
		m->sdlen = e - p;
	} else
		return ERR_FORMAT;
	if (e < n && s[e] != ' ')
		return ERR_FORMAT;

	/* [SP MSG]; exactly one SP is the separator (see the top) */
	p = e < n ? e + 1 : e;
	if (n - p >= 3 && memcmp(s + p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		m->flags |= SYSLOG_F_BOM;
	}
	m->msg = s + p;
	m->msglen = n - p;
	m->fmt = SYSLOG_FMT_5424;
	return 0;
}

int
syslog_decode(const char *line, size_t len, const struct syslog_ctx *ctx,
    struct syslog_msg *m)
{
	size_t	p;
	int	pri = -1, r;

	if (len > 0 && line[len - 1] == '\n') {
		len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
	}
	msg_reset(m, line, len);
	if ((r = pri_parse(line, len, &pri)) < 0)
		return ERR_FORMAT;
	p = (size_t)r;
	if (pri >= 0 && len - p >= 2 && line[p] == '1' && line[p + 1] == ' ')
		r = dec_5424(line, len, p + 2, ctx, m);
	else if (len - p >= 5 && isdig(line[p]) && isdig(line[p + 1]) &&
	    isdig(line[p + 2]) && isdig(line[p + 3]) && line[p + 4] == '-')
		r = dec_3339(line, len, p, ctx, m);
	else
		r = dec_3164(line, len, p, ctx, m);
	if (r != 0) {
		msg_reset(m, line, len);
		return ERR_FORMAT;
	}
	m->pri = pri;
	if (pri >= 0) {
		m->facility = pri / 8;
		m->severity = pri % 8;
	}
	return 0;
}
