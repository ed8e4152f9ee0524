/*
 * decode.c -- raw line -> event fields.  Runs the syslog header decoder
 * (core/syslog.c), then maps its result to ECS names.  Per-program
 * decoders (sshd, sudo, netfilter, audit) plug in after the header.
 * Pure: no I/O, no allocation.
 */
#include <stdint.h>
#include <string.h>

#include "dec.h"
#include "dec_hook.h"
#include "decode.h"
#include "err.h"
#include "fname.h"
#include "proto.h"
#include "syslog.h"

static const char *const indexed[] = {
	"host.name", "event.dataset", "log.file.path", "process.name",
	"log.syslog.hostname", "log.syslog.severity.name",
	"log.syslog.facility.name", "source.ip", "destination.ip",
	"user.name", "event.action", "event.outcome", "vm.name", "vm.uuid",
	"hypervisor.name", "destination.port", "network.transport",
	"user.target.name", "systemd.unit", "auditd.log.record_type",
	"netfilter.physin", "netfilter.physout", "source.mac", NULL
};

static int
indexed_lookup(const char *field)
{
	int i;

	/* most names are not indexed and are told apart by their first
	 * letters */
	switch (field[0]) {
	case 'a': case 'd': case 'e': case 'h': case 'l': case 'n':
	case 'p': case 's': case 'u': case 'v':
		break;
	default:
		return 0;
	}
	for (i = 0; indexed[i] != NULL; i++)
		if (indexed[i][0] == field[0] && indexed[i][1] == field[1] &&
		    strcmp(indexed[i], field) == 0)
			return 1;
	return 0;
}

/*
 * Called for every field of every event: the answer is remembered per
 * thread by the name's number (fname.h).
 */
int
decode_indexed_id(const char *field, uint32_t id)
{
	static __thread uint8_t	known[FNAME_MAX + 1];	/* 0: not yet,
							 * 1: no, 2: yes */

	if (id == FNAME_NONE || id > FNAME_MAX)
		return indexed_lookup(field);
	if (known[id] == 0)
		known[id] = (uint8_t)(1 + indexed_lookup(field));
	return known[id] - 1;
}

int
decode_indexed(const char *field)
{
	return decode_indexed_id(field, fname_find(field));
}

int
decode_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, k;
	uint32_t		 cp;
	uint64_t		 w;

	while (i < len) {
		/* log lines are mostly ASCII: eight bytes at a time */
		if (len - i >= 8) {
			memcpy(&w, p + i, 8);
			if ((w & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
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

static void
add_syslog_fields(const struct syslog_msg *m, struct record *ev)
{
	const char	*name;
	size_t		 i;
	int		 numeric;

	if (m->pri >= 0) {
		record_adduint(ev, "log.syslog.priority", (uint64_t)m->pri);
		record_adduint(ev, "log.syslog.facility.code",
		    (uint64_t)m->facility);
		record_adduint(ev, "log.syslog.severity.code",
		    (uint64_t)m->severity);
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

static int
streq(const char *a, size_t alen, const char *b)
{
	return alen == strlen(b) && memcmp(a, b, alen) == 0;
}

static int
starts(const char *a, size_t alen, const char *b)
{
	size_t n = strlen(b);

	return alen >= n && memcmp(a, b, n) == 0;
}

/*
 * Journal entries arrive from the shipper as RFC 5424 lines whose
 * structured data element journal@32473 carries the journal's own fields
 * (docs/decoders/journal.md).
 */
static void
add_journal_fields(const struct syslog_msg *m, struct record *ev)
{
	static const struct {
		const char *param, *field;
	} map[] = {
		{ "unit", "systemd.unit" },
		{ "user_unit", "systemd.user_unit" },
		{ "transport", "systemd.transport" },
		{ "uid", "user.id" },
		{ "gid", "group.id" },
		{ "comm", "process.command" },
		{ "exe", "process.executable" },
		{ "cmdline", "process.command_line" },
		{ "boot", "host.boot.id" },
		{ "machine", "host.id" },
	};
	const char	*id, *name, *val;
	size_t		 idlen, namelen, vallen, off = 0, i, n;
	char		 tmp[2048];

	while (syslog_sd_next(m->sd, m->sdlen, &off, &id, &idlen, &name,
	    &namelen, &val, &vallen) == 1) {
		if (!streq(id, idlen, "journal@32473"))
			continue;
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			if (!streq(name, namelen, map[i].param))
				continue;
			n = syslog_sd_unescape(val, vallen, tmp, sizeof(tmp));
			if (n >= sizeof(tmp))
				n = sizeof(tmp) - 1;
			record_addcopy(ev, map[i].field, tmp, n);
			break;
		}
	}
}

/*
 * The collector's own events ("vigil-collector: event=guest_cloned
 * vm.uuid=… sender=… other=…", session.c): key=value words.
 */
static int
dec_internal(const char *msg, size_t len, struct record *ev)
{
	static const struct {
		const char *key, *field;
	} map[] = {
		{ "event", "event.action" },
		{ "vm.uuid", "vm.uuid" },
		{ "sender", "vigil.sender" },
		{ "other", "vigil.other" },
		{ "reason", "event.reason" },
		{ "stream", "vigil.stream" },
		{ "first", "vigil.gap.first" },
		{ "last", "vigil.gap.last" },
		{ "missing", "vigil.gap.count" },
	};
	const char		*p = msg, *end = msg + len, *w, *eq;
	struct record_mark	 mk;
	size_t			 i;
	int			 n = 0;

	record_mark(ev, &mk);
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if ((w = memchr(p, ' ', end - p)) == NULL)
			w = end;
		if ((eq = memchr(p, '=', w - p)) != NULL)
			for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
				if (streq(p, eq - p, map[i].key) &&
				    w - eq > 1 && !(w - eq == 2 && eq[1] == '-')) {
					record_add(ev, map[i].field, eq + 1,
					    w - eq - 1);
					n++;
				}
		p = w;
	}
	if (n == 0 || record_get(ev, "event.action", &i) == NULL) {
		record_rollback(ev, &mk);
		return ERR_FORMAT;
	}
	record_add(ev, "event.kind", "vigil", 5);
	return 0;
}

static const char *const shadow_progs[] = {
	"useradd", "usermod", "userdel", "groupadd", "groupmod", "groupdel",
	"passwd", "chpasswd", "gpasswd", "chage", NULL
};

/*
 * Run the program decoder that fits the message.  ts_us may be set by
 * decoders whose lines carry their own time.  Returns 0 when a decoder
 * recognised the message.
 */
static int
decode_program(const struct decode_ctx *ctx, const char *app, size_t applen,
    const char *msg, size_t len, struct record *ev, int64_t *ts_us)
{
	int i;

	if (starts(msg, len, "pam_unix(") && dec_pam(msg, len, ev) == 0)
		return 0;
	if (app == NULL)
		return ERR_FORMAT;
	/* only the collector's own stream (type vigil, which session.c
	 * refuses from peers) speaks for the collector */
	if (streq(app, applen, "vigil-collector"))
		return ctx->type != NULL && strcmp(ctx->type, "vigil") == 0 ?
		    dec_internal(msg, len, ev) : ERR_FORMAT;
	if (streq(app, applen, "vigil-hook"))
		return dec_hook(msg, len, ev);
	if (streq(app, applen, "sshd") || streq(app, applen, "sshd-session"))
		return dec_sshd(msg, len, ev);
	if (streq(app, applen, "sudo"))
		return dec_sudo(msg, len, ev);
	if (streq(app, applen, "su"))
		return dec_su(msg, len, ev);
	if (streq(app, applen, "systemd-logind"))
		return dec_logind(msg, len, ev);
	for (i = 0; shadow_progs[i] != NULL; i++)
		if (streq(app, applen, shadow_progs[i]))
			return dec_shadow(app, applen, msg, len, ev);
	if (streq(app, applen, "kernel")) {
		if (dec_netfilter(msg, len, ev) == 0)
			return 0;
		return dec_audit(msg, len, ev, ts_us);
	}
	if (streq(app, applen, "audit") || streq(app, applen, "auditd") ||
	    streq(app, applen, "audisp-syslog") ||
	    streq(app, applen, "audispd"))
		return dec_audit(msg, len, ev, ts_us);
	if (streq(app, applen, "libvirtd") || streq(app, applen, "virtqemud") ||
	    streq(app, applen, "virtnetworkd") ||
	    streq(app, applen, "virtproxyd"))
		return dec_libvirt(msg, len, ev, ts_us);
	return ERR_FORMAT;
}

/*
 * Files whose lines have no syslog header: the audit log, libvirt's own
 * log and the per-VM QEMU logs.  Returns 0 when the line was decoded.
 */
static int
decode_file_line(const struct decode_ctx *ctx, const char *raw, size_t len,
    struct record *ev)
{
	const char	*t = ctx->type;
	int64_t		 ts = ev->ts_us;
	int		 r = ERR_FORMAT;

	if (t == NULL)
		return ERR_FORMAT;
	if (strcmp(t, "audit") == 0)
		r = dec_audit(raw, len, ev, &ts);
	else if (strcmp(t, "libvirt") == 0)
		r = dec_libvirt(raw, len, ev, &ts);
	else if (strcmp(t, "qemu") == 0)
		r = dec_qemu_log(ctx->path, ctx->path ? strlen(ctx->path) : 0,
		    raw, len, ev, &ts);
	if (r != 0)
		return r;
	if (ts != ev->ts_us)
		ev->ts_us = ts;
	else
		ev->flags |= REC_F_NOTIME;
	record_add(ev, "message", raw, len);
	return 0;
}

void
decode_event(const struct decode_ctx *ctx, const char *raw, size_t len,
    int64_t read_us, struct record *ev)
{
	struct syslog_ctx	sctx;
	struct syslog_msg	m;
	int64_t			ts;
	int			r;

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

	if (decode_file_line(ctx, raw, len, ev) == 0)
		return;
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
	if (m.sd != NULL && m.sdlen > 0)
		add_journal_fields(&m, ev);
	if (m.msg == NULL) {
		record_add(ev, "message", "", 0);
		return;
	}
	/* rsyslog's Protocol23 output has one more space before MSG (#160) */
	if (m.fmt == SYSLOG_FMT_5424 && m.msglen > 0 && m.msg[0] == ' ') {
		m.msg++;
		m.msglen--;
	}
	record_add(ev, "message", m.msg, m.msglen);
	/* a program's own time (audit, libvirt: exact UTC) wins */
	ts = ev->ts_us;
	if (decode_program(ctx, m.app, m.applen, m.msg, m.msglen, ev,
	    &ts) == 0 &&
	    ts != ev->ts_us) {
		ev->ts_us = ts;
		ev->flags &= ~REC_F_NOTIME;
	}
}
