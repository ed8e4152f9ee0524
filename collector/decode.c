/*
 * decode.c -- raw line -> event fields.  Runs the syslog header decoder
 * (core/syslog.c), then maps its result to ECS names.  Per-program
 * decoders (sshd, sudo, netfilter, audit) plug in after the header.
 * Pure: no I/O, no allocation.
 */
#include <string.h>

#include "decode.h"
#include "err.h"
#include "proto.h"
#include "syslog.h"

static const char *const indexed[] = {
	"host.name", "event.dataset", "log.file.path", "process.name",
	"log.syslog.hostname", "log.syslog.severity.name",
	"log.syslog.facility.name", "source.ip", "destination.ip",
	"user.name", "event.action", "event.outcome", "vm.name", "vm.uuid",
	"hypervisor.name", NULL
};

int
decode_indexed(const char *field)
{
	int i;

	for (i = 0; indexed[i] != NULL; i++)
		if (strcmp(indexed[i], field) == 0)
			return 1;
	return 0;
}

int
decode_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, k;
	uint32_t		 cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = p[i] & 0x1f;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = p[i] & 0x0f;
		} else if ((p[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = p[i] & 0x07;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/*
 * Linux audit: "[node=N ]type=T msg=audit(EPOCH.MMM:SERIAL): ...".
 * Only the time and the record type here; the audit decoder (decoders
 * issue) does the rest.
 */
static int
decode_audit_stamp(const char *s, size_t len, struct record *ev)
{
	const char	*p, *end = s + len;
	int64_t		 sec = 0, ms = 0;
	int		 nd = 0, nm = 0;

	p = memmem(s, len, "msg=audit(", 10);
	if (p == NULL)
		return ERR_FORMAT;
	for (p += 10; p < end && *p >= '0' && *p <= '9' && nd < 12; p++, nd++)
		sec = sec * 10 + (*p - '0');
	if (nd == 0 || p >= end || *p != '.')
		return ERR_FORMAT;
	for (p++; p < end && *p >= '0' && *p <= '9' && nm < 3; p++, nm++)
		ms = ms * 10 + (*p - '0');
	if (nm != 3 || p >= end || *p != ':')
		return ERR_FORMAT;
	ev->ts_us = sec * 1000000 + ms * 1000;
	return 0;
}

static void
add_syslog_fields(const struct syslog_msg *m, struct record *ev)
{
	const char	*name;
	size_t		 i;
	int		 numeric;

	if (m->pri >= 0) {
		record_addf(ev, "log.syslog.priority", "%d", m->pri);
		record_addf(ev, "log.syslog.facility.code", "%d", m->facility);
		record_addf(ev, "log.syslog.severity.code", "%d", m->severity);
		if ((name = syslog_facility_name(m->facility)) != NULL)
			record_add(ev, "log.syslog.facility.name", name,
			    strlen(name));
		if ((name = syslog_severity_name(m->severity)) != NULL)
			record_add(ev, "log.syslog.severity.name", name,
			    strlen(name));
	}
	if (m->host != NULL && m->hostlen > 0)
		record_add(ev, "log.syslog.hostname", m->host, m->hostlen);
	if (m->app != NULL && m->applen > 0) {
		record_add(ev, "log.syslog.appname", m->app, m->applen);
		record_add(ev, "process.name", m->app, m->applen);
	}
	if (m->procid != NULL && m->procidlen > 0) {
		record_add(ev, "log.syslog.procid", m->procid, m->procidlen);
		numeric = m->procidlen <= 10;
		for (i = 0; i < m->procidlen && numeric; i++)
			numeric = m->procid[i] >= '0' && m->procid[i] <= '9';
		if (numeric)
			record_add(ev, "process.pid", m->procid, m->procidlen);
	}
	if (m->msgid != NULL && m->msgidlen > 0)
		record_add(ev, "log.syslog.msgid", m->msgid, m->msgidlen);
	if (m->sd != NULL && m->sdlen > 0)
		record_add(ev, "log.syslog.structured_data", m->sd, m->sdlen);
}

void
decode_event(const struct decode_ctx *ctx, const char *raw, size_t len,
    int64_t read_us, struct record *ev)
{
	struct syslog_ctx	sctx;
	struct syslog_msg	m;
	int			audit, r;

	record_init(ev);
	ev->raw = raw;
	ev->rawlen = len;
	ev->read_us = read_us;
	ev->recv_us = ctx->recv_us;
	ev->ts_us = read_us;
	if (len >= PROTO_LINE_MAX)
		ev->flags |= REC_F_TRUNCATED;
	if (!decode_utf8_valid(raw, len))
		ev->flags |= REC_F_BADUTF8;
	if (ctx->sender != NULL)
		record_add(ev, "host.name", ctx->sender, strlen(ctx->sender));
	if (ctx->type != NULL)
		record_add(ev, "event.dataset", ctx->type, strlen(ctx->type));
	if (ctx->path != NULL && ctx->path[0] == '/')
		record_add(ev, "log.file.path", ctx->path, strlen(ctx->path));

	audit = ctx->type != NULL && strcmp(ctx->type, "audit") == 0;
	if (audit && decode_audit_stamp(raw, len, ev) == 0) {
		record_add(ev, "message", raw, len);
		return;
	}
	sctx.now_us = read_us > 0 ? read_us : ctx->recv_us;
	sctx.tzoff_sec = ctx->tzoff;
	r = syslog_decode(raw, len, &sctx, &m);
	if (r != 0) {
		/* stored raw and flagged; nothing is dropped */
		ev->flags |= REC_F_MALFORMED | REC_F_NOTIME;
		record_add(ev, "message", raw, len);
		return;
	}
	if (m.has_ts)
		ev->ts_us = m.ts_us;
	else
		ev->flags |= REC_F_NOTIME;
	add_syslog_fields(&m, ev);
	record_add(ev, "message", m.msg != NULL ? m.msg : "",
	    m.msg != NULL ? m.msglen : 0);
}
