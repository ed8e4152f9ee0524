/*
 * fuzz_syslog.c -- libFuzzer target for core/syslog.c: decodes the input
 * as one line, walks any structured data, and also feeds the raw input to
 * the SD iterator.  Aborts when a returned pointer leaves the input or a
 * documented invariant breaks.
 */
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "syslog.h"

/* received 2025-03-15 00:53:20 UTC from a sender at UTC+1 */
static const struct syslog_ctx ctx = { 1742000000000000LL, 3600 };

static void
check(const char *b, size_t n, const char *p, size_t l)
{
	if (p == NULL) {
		if (l != 0)
			abort();
		return;
	}
	if (p < b || l > n || (size_t)(p - b) > n - l)
		abort();
}

static void
walk_sd(const char *sd, size_t sdlen)
{
	const char	*id, *nm, *val;
	size_t		 off = 0, prev = 0, il, nl, vl, u;
	char		 out[16];
	int		 r;

	while ((r = syslog_sd_next(sd, sdlen, &off, &id, &il, &nm, &nl, &val,
	    &vl)) == 1) {
		if (off <= prev && prev != 0)
			abort();
		if (off > sdlen || il == 0)
			abort();
		prev = off;
		check(sd, sdlen, id, il);
		check(sd, sdlen, nm, nl);
		check(sd, sdlen, val, vl);
		u = syslog_sd_unescape(val, vl, out, sizeof(out));
		if (u > vl || (u < sizeof(out) && out[u] != '\0'))
			abort();
	}
	if (r != 0 && r != ERR_FORMAT)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char			*b = (const char *)data;
	struct syslog_msg		 m;
	int				 r;

	r = syslog_decode(b, size, &ctx, &m);
	if (r != 0 && r != ERR_FORMAT)
		abort();
	if ((r == 0) != (m.fmt != SYSLOG_FMT_NONE))
		abort();
	if (r != 0 && (m.msg != b || m.pri != -1 || m.host != NULL ||
	    m.app != NULL || m.sd != NULL))
		abort();
	if (m.pri < -1 || m.pri > 191 ||
	    (m.pri >= 0 && (m.facility != m.pri / 8 ||
	    m.severity != m.pri % 8)))
		abort();
	if (m.has_ts && (m.flags & SYSLOG_F_BADTS))
		abort();
	check(b, size, m.host, m.hostlen);
	check(b, size, m.app, m.applen);
	check(b, size, m.procid, m.procidlen);
	check(b, size, m.msgid, m.msgidlen);
	check(b, size, m.sd, m.sdlen);
	check(b, size, m.msg, m.msglen);
	if (m.fmt == SYSLOG_FMT_5424) {
		if (m.hostlen > SYSLOG_HOSTNAME_MAX ||
		    m.applen > SYSLOG_APPNAME_MAX ||
		    m.procidlen > SYSLOG_PROCID_MAX ||
		    m.msgidlen > SYSLOG_MSGID_MAX)
			abort();
		/* decode accepted the SD, so the iterator must too */
		if (m.sd != NULL) {
			const char	*id, *nm, *val;
			size_t		 off = 0, il, nl, vl;

			while ((r = syslog_sd_next(m.sd, m.sdlen, &off, &id,
			    &il, &nm, &nl, &val, &vl)) == 1)
				;
			if (r != 0)
				abort();
		}
	}
	walk_sd(m.sd, m.sdlen);
	walk_sd(b, size);
	return 0;
}
