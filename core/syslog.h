/*
 * syslog.h -- decoder for syslog headers: RFC 3164, RFC 5424, and the forms
 * rsyslog and glibc really write (see ../shared/reference/log-formats.md,
 * section 6).  Pure: works on bytes, allocates nothing; every pointer in
 * struct syslog_msg points into the input line.
 */
#ifndef VIGIL_SYSLOG_H
#define VIGIL_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

enum syslog_fmt {
	SYSLOG_FMT_NONE = 0,	/* no header recognised: msg = whole line */
	SYSLOG_FMT_3164,	/* Mmm dd hh:mm:ss HOST TAG: MSG (PRI optional) */
	SYSLOG_FMT_3164_NOHOST,	/* glibc /dev/log form: no HOSTNAME */
	SYSLOG_FMT_RFC3339,	/* rsyslog FileFormat / ForwardFormat hybrid */
	SYSLOG_FMT_5424,	/* <PRI>1 TS HOST APP PROCID MSGID SD [MSG] */
};

/* flags */
#define SYSLOG_F_BOM		0x01	/* 5424 MSG started with a UTF-8 BOM */
#define SYSLOG_F_NOYEAR		0x02	/* year inferred from receive time */
#define SYSLOG_F_NOTZ		0x04	/* zone taken from the context */
#define SYSLOG_F_BADTS		0x08	/* timestamp present but invalid */

/* RFC 5424 section 6 field limits; longer fields make a line malformed */
#define SYSLOG_HOSTNAME_MAX	255
#define SYSLOG_APPNAME_MAX	48
#define SYSLOG_PROCID_MAX	128
#define SYSLOG_MSGID_MAX	32
#define SYSLOG_SDNAME_MAX	32

struct syslog_ctx {
	int64_t	now_us;		/* receive time, for year inference */
	int	tzoff_sec;	/* sender's UTC offset for zone-less times */
};

struct syslog_msg {
	enum syslog_fmt	 fmt;
	int		 pri;		/* 0..191, or -1 when absent */
	int		 facility;	/* pri / 8, or -1 */
	int		 severity;	/* pri % 8, or -1 */
	int		 has_ts;
	int64_t		 ts_us;		/* UTC microseconds since the epoch */
	unsigned	 flags;
	const char	*host;	  size_t hostlen;	/* NULL if absent/NIL */
	const char	*app;	  size_t applen;	/* TAG without [pid]: */
	const char	*procid;  size_t procidlen;	/* pid text */
	const char	*msgid;	  size_t msgidlen;	/* 5424 only */
	const char	*sd;	  size_t sdlen;		/* 5424 SD, "[...]..." */
	const char	*msg;	  size_t msglen;	/* content */
};

/*
 * Decode the header of one line (without its trailing LF; a trailing LF or
 * CR LF inside len is ignored, as rsyslog's Protocol23 counts it).  Always
 * fills *m; returns 0 when a header was recognised, ERR_FORMAT when not (m
 * then has fmt NONE and msg = the whole line, so nothing is lost).
 * Details, all pointing into line:
 * - msg is never NULL (unless line is); an absent MSG is msglen 0.
 * - pri, facility, severity are -1 when there is no PRI (rsyslog file
 *   formats); an invalid PRI makes the whole line fmt NONE.
 * - has_ts is 0 for a NIL 5424 TIMESTAMP and with SYSLOG_F_BADTS (shaped
 *   like a timestamp but out of range: month 13, Feb 30, 25:00).
 * - 3164 times get their year from ctx->now_us (the latest year that puts
 *   them at most 31 days in the future) and their zone from
 *   ctx->tzoff_sec: SYSLOG_F_NOYEAR|SYSLOG_F_NOTZ.  An RFC 3339 time with
 *   no offset also takes tzoff_sec and SYSLOG_F_NOTZ.  ctx may be NULL
 *   (now 0, offset 0).
 * - 5424 MSG starts after exactly one SP (and a UTF-8 BOM, SYSLOG_F_BOM);
 *   rsyslog Protocol23's second space stays in msg.
 */
int	syslog_decode(const char *line, size_t len, const struct syslog_ctx *,
	    struct syslog_msg *m);

/* "emerg" .. "debug"; NULL when out of range. */
const char *syslog_severity_name(int sev);
/* "kern", "user", "mail", "daemon", "auth", ... "local7"; NULL if bad. */
const char *syslog_facility_name(int fac);

/*
 * Iterate over RFC 5424 structured data.  *off starts at 0.  Each call
 * returns 1 with one parameter (sd-id, param name, raw value with escapes
 * still in it), 0 at the end, ERR_FORMAT on malformed SD.  Use
 * syslog_sd_unescape to copy a value out.  An element without parameters
 * ("[id]") is returned once with namelen 0 and vallen 0 (name and val then
 * point at its ']', never NULL).  *off is opaque; each call re-checks the
 * SD up to *off, so sd may be any bytes.
 */
int	syslog_sd_next(const char *sd, size_t sdlen, size_t *off,
	    const char **id, size_t *idlen, const char **name, size_t *namelen,
	    const char **val, size_t *vallen);
/*
 * Copy val into out undoing the \" \\ \] escapes (any other backslash is
 * literal, RFC 5424 section 6.3.3); NUL-terminated, truncated to outlen-1,
 * nothing written when outlen is 0.  Returns the length of the whole
 * unescaped value, like strlcpy: the copy was truncated if it is >= outlen.
 */
size_t	syslog_sd_unescape(const char *val, size_t vallen, char *out,
	    size_t outlen);

#endif
