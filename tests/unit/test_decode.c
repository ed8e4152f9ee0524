/*
 * test_decode.c -- unit tests for collector/decode.c on real lines: sshd
 * in the RFC 3164 file format, an RFC 5424 line, an audit VIRT_CONTROL
 * record, garbage, bad UTF-8, a line at PROTO_LINE_MAX; decode_indexed,
 * decode_utf8_valid and record_adduint.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "proto.h"
#include "record.h"
#include "test.h"

#define READ_US	1710410400000000LL	/* 2024-03-14T10:00:00Z */
#define RECV_US	1710410401000000LL

static struct record ev;

/* field value of ev, or NULL; len in *n */
static const char *
fld(const char *name, size_t *n)
{
	*n = 0;
	return record_get(&ev, name, n);
}

#define T_FIELD(name, want) do {					\
	size_t fn_;							\
	const char *fv_ = fld(name, &fn_);				\
	T_STRN(fv_, fn_, want);						\
} while (0)

static void
dec(const struct decode_ctx *ctx, const char *s)
{
	decode_event(ctx, s, strlen(s), READ_US, &ev);
}

static void
test_3164(void)
{
	struct decode_ctx ctx = { RECV_US, 0, "web01.example.org", "auth",
	    "/var/log/auth.log" };
	static const char line[] = "Mar 14 09:14:03 web01 sshd[4242]: "
	    "Failed password for root from 10.0.0.5 port 22 ssh2";
	size_t n;

	dec(&ctx, line);
	T_INT(ev.flags, 0);
	T_INT(ev.ts_us, 1710407643000000LL);
	T_INT(ev.read_us, READ_US);
	T_INT(ev.recv_us, RECV_US);
	T_OK(ev.raw == line);
	T_INT(ev.rawlen, sizeof(line) - 1);
	T_FIELD("host.name", "web01.example.org");
	T_FIELD("event.dataset", "auth");
	T_FIELD("log.file.path", "/var/log/auth.log");
	T_FIELD("log.syslog.hostname", "web01");
	T_FIELD("process.name", "sshd");
	T_FIELD("process.pid", "4242");
	T_FIELD("message", "Failed password for root from 10.0.0.5 port 22 "
	    "ssh2");
	/* no PRI in the file format: no severity */
	T_OK(fld("log.syslog.severity.name", &n) == NULL);
	T_OK(fld("log.syslog.priority", &n) == NULL);

	/* the sender's zone applies to a zone-less time */
	ctx.tzoff = 3600;
	dec(&ctx, line);
	T_INT(ev.ts_us, 1710407643000000LL - 3600000000LL);

	/* a journal name is not a path */
	ctx.path = "journal";
	ctx.sender = NULL;
	ctx.type = NULL;
	dec(&ctx, line);
	T_OK(fld("log.file.path", &n) == NULL);
	T_OK(fld("host.name", &n) == NULL);
	T_OK(fld("event.dataset", &n) == NULL);
	T_FIELD("process.name", "sshd");

	/* a non-numeric procid is not a pid */
	dec(&ctx, "Mar 14 09:14:03 web01 prog[abc]: x");
	T_FIELD("process.name", "prog");
	T_OK(fld("process.pid", &n) == NULL);
}

static void
test_5424(void)
{
	struct decode_ctx ctx = { RECV_US, 0, "web01", "syslog",
	    "/var/log/syslog" };

	dec(&ctx, "<34>1 2024-03-14T09:14:03.123Z mymachine su 77 ID47 - "
	    "'su root' failed for lonvick on /dev/pts/8");
	T_INT(ev.flags, 0);
	T_INT(ev.ts_us, 1710407643123000LL);
	T_FIELD("host.name", "web01");
	T_FIELD("event.dataset", "syslog");
	T_FIELD("log.file.path", "/var/log/syslog");
	T_FIELD("log.syslog.hostname", "mymachine");
	T_FIELD("process.name", "su");
	T_FIELD("process.pid", "77");
	T_FIELD("log.syslog.priority", "34");
	T_FIELD("log.syslog.facility.code", "4");
	T_FIELD("log.syslog.facility.name", "auth");
	T_FIELD("log.syslog.severity.code", "2");
	T_FIELD("log.syslog.severity.name", "crit");
	T_FIELD("log.syslog.msgid", "ID47");
	T_FIELD("message", "'su root' failed for lonvick on /dev/pts/8");

	/* NIL timestamp: read time, flagged */
	dec(&ctx, "<13>1 - h a - - [x@1 k=\"v\"] m");
	T_INT(ev.flags, REC_F_NOTIME);
	T_INT(ev.ts_us, READ_US);
	T_FIELD("log.syslog.structured_data", "[x@1 k=\"v\"]");
	T_FIELD("message", "m");
	T_FIELD("log.syslog.severity.name", "notice");
}

static void
test_audit(void)
{
	struct decode_ctx ctx = { RECV_US, 0, "hv1", "audit",
	    "/var/log/audit/audit.log" };
	static const char line[] = "type=VIRT_CONTROL "
	    "msg=audit(1710407643.123:456): pid=1234 uid=0 auid=4294967295 "
	    "ses=4294967295 msg='virt=kvm op=start reason=booted "
	    "vm=\"guest1\" uuid=1b4e28ba-2fa1-11d2-883f-0016d3cca427 "
	    "vm-pid=-1 exe=\"/usr/sbin/libvirtd\" hostname=? addr=? "
	    "terminal=? res=success'";
	size_t n;

	dec(&ctx, line);
	T_INT(ev.ts_us, 1710407643123000LL);
	T_INT(ev.flags, 0);
	T_FIELD("message", line);
	T_FIELD("event.dataset", "audit");
	T_FIELD("host.name", "hv1");
	/* with a node= prefix */
	dec(&ctx, "node=hv1 type=SYSCALL msg=audit(1.001:2): x");
	T_INT(ev.ts_us, 1001000);
	/* dec_audit also takes a stamp without milliseconds */
	dec(&ctx, "type=X msg=audit(1710407643:456): x");
	T_INT(ev.flags, 0);
	T_INT(ev.ts_us, 1710407643000000LL);
	/* an unterminated stamp or no type= is not an audit record */
	dec(&ctx, "type=X msg=audit(1710407643.123");
	T_INT(ev.flags, REC_F_MALFORMED | REC_F_NOTIME);
	T_INT(ev.ts_us, READ_US);
	dec(&ctx, "msg=audit(");
	T_INT(ev.flags, REC_F_MALFORMED | REC_F_NOTIME);
	dec(&ctx, "msg=audit(9999999999999.999:1)");
	T_INT(ev.flags & REC_F_MALFORMED, REC_F_MALFORMED);
	/* audit stamps count only for type "audit" */
	ctx.type = "syslog";
	dec(&ctx, line);
	T_INT(ev.flags, REC_F_MALFORMED | REC_F_NOTIME);
	T_INT(ev.ts_us, READ_US);
	T_OK(fld("process.name", &n) == NULL);
}

static void
test_bad(void)
{
	struct decode_ctx ctx = { RECV_US, 0, "web01", "syslog", "/l" };
	static const char garbage[] = "%%% not a syslog line at all %%%";
	static const char bad[] = "Mar 14 09:14:03 web01 app: caf\xe9";
	char	*big;
	size_t	 n;

	dec(&ctx, garbage);
	T_INT(ev.flags, REC_F_MALFORMED | REC_F_NOTIME);
	T_INT(ev.ts_us, READ_US);
	T_FIELD("message", garbage);
	T_FIELD("host.name", "web01");
	T_OK(fld("process.name", &n) == NULL);

	dec(&ctx, bad);
	T_INT(ev.flags, REC_F_BADUTF8);
	T_INT(ev.ts_us, 1710407643000000LL);
	T_FIELD("message", "caf\xe9");

	/* empty line */
	decode_event(&ctx, "", 0, READ_US, &ev);
	T_INT(ev.flags & REC_F_MALFORMED, REC_F_MALFORMED);
	T_FIELD("message", "");

	/* embedded NUL: kept in the raw text and the message */
	decode_event(&ctx, "a\0b", 3, READ_US, &ev);
	T_INT(ev.rawlen, 3);
	T_OK(fld("message", &n) != NULL && n == 3);

	/* a line of PROTO_LINE_MAX bytes is the shipper's cut */
	if ((big = malloc(PROTO_LINE_MAX)) == NULL)
		abort();
	memset(big, 'x', PROTO_LINE_MAX);
	memcpy(big, "Mar 14 09:14:03 web01 app: ", 27);
	decode_event(&ctx, big, PROTO_LINE_MAX, READ_US, &ev);
	T_INT(ev.flags, REC_F_TRUNCATED);
	T_INT(ev.ts_us, 1710407643000000LL);
	T_OK(fld("message", &n) != NULL && n == PROTO_LINE_MAX - 27);
	decode_event(&ctx, big, PROTO_LINE_MAX - 1, READ_US, &ev);
	T_INT(ev.flags, 0);
	/* ...and may end inside a UTF-8 sequence */
	big[PROTO_LINE_MAX - 1] = (char)0xc3;
	decode_event(&ctx, big, PROTO_LINE_MAX, READ_US, &ev);
	T_INT(ev.flags, REC_F_TRUNCATED | REC_F_BADUTF8);
	free(big);

	/* read time 0: the receive time dates a 3164 line's year */
	decode_event(&ctx, bad, sizeof(bad) - 1, 0, &ev);
	T_INT(ev.ts_us, 1710407643000000LL);
	T_INT(ev.read_us, 0);
}

static void
test_indexed(void)
{
	T_INT(decode_indexed("host.name"), 1);
	T_INT(decode_indexed("event.dataset"), 1);
	T_INT(decode_indexed("log.file.path"), 1);
	T_INT(decode_indexed("process.name"), 1);
	T_INT(decode_indexed("log.syslog.severity.name"), 1);
	T_INT(decode_indexed("user.name"), 1);
	T_INT(decode_indexed("message"), 0);
	T_INT(decode_indexed("process.pid"), 0);
	T_INT(decode_indexed(""), 0);
	T_INT(decode_indexed("host.nam"), 0);
	T_INT(decode_indexed("host.name "), 0);
}

#define V(s)	decode_utf8_valid(s, sizeof(s) - 1)

static void
test_utf8(void)
{
	T_INT(V(""), 1);
	T_INT(V("ascii \x01\x7f"), 1);
	T_INT(V("a\0b"), 1);
	T_INT(V("\xc2\x80"), 1);		/* U+0080 */
	T_INT(V("\xdf\xbf"), 1);		/* U+07FF */
	T_INT(V("\xe0\xa0\x80"), 1);		/* U+0800 */
	T_INT(V("\xed\x9f\xbf"), 1);		/* U+D7FF */
	T_INT(V("\xee\x80\x80"), 1);		/* U+E000 */
	T_INT(V("\xef\xbf\xbf"), 1);		/* U+FFFF */
	T_INT(V("\xf0\x90\x80\x80"), 1);	/* U+10000 */
	T_INT(V("\xf4\x8f\xbf\xbf"), 1);	/* U+10FFFF */
	T_INT(V("caf\xc3\xa9 \xf0\x9f\x98\x80"), 1);
	/* overlongs */
	T_INT(V("\xc0\x80"), 0);
	T_INT(V("\xc1\xbf"), 0);
	T_INT(V("\xe0\x80\x80"), 0);
	T_INT(V("\xe0\x9f\xbf"), 0);
	T_INT(V("\xf0\x80\x80\x80"), 0);
	T_INT(V("\xf0\x8f\xbf\xbf"), 0);
	/* surrogates */
	T_INT(V("\xed\xa0\x80"), 0);		/* U+D800 */
	T_INT(V("\xed\xbf\xbf"), 0);		/* U+DFFF */
	T_INT(V("\xed\xa0\xbd\xed\xb8\x80"), 0);	/* CESU pair */
	/* over U+10FFFF, and bytes never valid */
	T_INT(V("\xf4\x90\x80\x80"), 0);
	T_INT(V("\xf5\x80\x80\x80"), 0);
	T_INT(V("\xf8\x88\x80\x80\x80"), 0);
	T_INT(V("\xfe"), 0);
	T_INT(V("\xff"), 0);
	/* lone and truncated sequences, at the end and inside */
	T_INT(V("\x80"), 0);
	T_INT(V("a\xbf"), 0);
	T_INT(V("\xc3"), 0);
	T_INT(V("\xe2\x82"), 0);
	T_INT(V("\xf0\x9f\x98"), 0);
	T_INT(V("\xe2\x82x"), 0);
	T_INT(V("\xf0\x9f\x98\x80\xf0"), 0);
	T_INT(V("\xc3\xc3\xa9"), 0);
	/* a valid sequence cut by len */
	T_INT(decode_utf8_valid("\xc3\xa9", 1), 0);
	T_INT(decode_utf8_valid("\xf0\x9f\x98\x80", 3), 0);
	T_INT(decode_utf8_valid("\xf0\x9f\x98\x80", 4), 1);
	/* long lines go eight bytes at a time: a bad or good sequence at
	 * every offset of a longer ASCII line, and cut at its end */
	for (size_t k = 0; k + 2 <= 40; k++) {
		char	b[40];

		memset(b, 'a', sizeof(b));
		b[k] = (char)0x80;
		T_INT(decode_utf8_valid(b, sizeof(b)), 0);
		b[k] = (char)0xc3;
		b[k + 1] = (char)0xa9;
		T_INT(decode_utf8_valid(b, sizeof(b)), 1);
		T_INT(decode_utf8_valid(b, k + 1), 0);
		b[k + 1] = 'a';
		T_INT(decode_utf8_valid(b, sizeof(b)), 0);
	}
}

/* Only the collector's own stream (type vigil) speaks for it: the same
 * line from any other stream is a plain line, not a finding. */
static void
test_internal(void)
{
	struct decode_ctx own = { RECV_US, 0, "coll", "vigil",
	    "vigil-collector" };
	struct decode_ctx other = { RECV_US, 0, "hv1", "syslog",
	    "/var/log/syslog" };
	const char *line = "2026-11-20T10:00:00Z coll vigil-collector: "
	    "event=sequence_gap sender=hv1 stream=/var/log/auth.log first=5 "
	    "last=9 missing=5 reason=spool_full";
	size_t n;

	dec(&own, line);
	T_STRN(record_get(&ev, "event.action", &n), n, "sequence_gap");
	T_STRN(record_get(&ev, "vigil.gap.count", &n), n, "5");
	T_STRN(record_get(&ev, "vigil.stream", &n), n, "/var/log/auth.log");
	T_STRN(record_get(&ev, "event.reason", &n), n, "spool_full");
	dec(&other, line);
	T_OK(record_get(&ev, "event.action", &n) == NULL);
	T_OK(record_get(&ev, "vigil.gap.count", &n) == NULL);
	T_STRN(record_get(&ev, "process.name", &n), n, "vigil-collector");
}

/* record_adduint: the priority fields, without printf; the extremes */
static void
test_adduint(void)
{
	struct decode_ctx ctx = { RECV_US, 0, "hv1", "syslog", "tcp" };
	size_t n;

	dec(&ctx, "<0>1 2024-03-14T10:00:00Z hv1 k - - - x");
	T_FIELD("log.syslog.priority", "0");
	T_FIELD("log.syslog.facility.code", "0");
	T_FIELD("log.syslog.severity.code", "0");
	dec(&ctx, "<191>1 2024-03-14T10:00:00Z hv1 k - - - x");
	T_FIELD("log.syslog.priority", "191");
	T_FIELD("log.syslog.facility.code", "23");
	T_FIELD("log.syslog.severity.code", "7");
	record_init(&ev);
	T_INT(record_adduint(&ev, "a", 10), 0);
	T_INT(record_adduint(&ev, "b", UINT64_MAX), 0);
	T_STRN(record_get(&ev, "a", &n), n, "10");
	T_STRN(record_get(&ev, "b", &n), n, "18446744073709551615");
}

int
main(void)
{
	test_3164();
	test_5424();
	test_audit();
	test_bad();
	test_indexed();
	test_utf8();
	test_internal();
	test_adduint();
	return TEST_DONE();
}
