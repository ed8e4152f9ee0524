/*
 * test_syslog.c -- unit tests for core/syslog.c with lines in the forms of
 * log-formats.md (sshd, sudo, netfilter, audit via journal, libvirt,
 * rsyslog file and forward formats, RFC 5424 and Protocol23).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "syslog.h"
#include "test.h"

static struct syslog_ctx ctx;

/* UTC microseconds by the C library, to cross-check days_from_civil */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm) * 1000000;
}

static int
dec(const char *s, struct syslog_msg *m)
{
	return syslog_decode(s, strlen(s), &ctx, m);
}

static int
inside(const char *b, size_t n, const char *p, size_t l)
{
	if (p == NULL)
		return l == 0;
	return p >= b && l <= n && (size_t)(p - b) <= n - l;
}

/* every invariant of a decode of b[0..n) with result r */
static int
sane(const char *b, size_t n, int r, const struct syslog_msg *m)
{
	if (r != 0 && r != ERR_FORMAT)
		return 0;
	if ((r == 0) != (m->fmt != SYSLOG_FMT_NONE))
		return 0;
	if (r != 0 && (m->msg != b || m->pri != -1 || m->host != NULL ||
	    m->app != NULL))
		return 0;
	if (m->pri < -1 || m->pri > 191 || m->msg == NULL)
		return 0;
	return inside(b, n, m->host, m->hostlen) &&
	    inside(b, n, m->app, m->applen) &&
	    inside(b, n, m->procid, m->procidlen) &&
	    inside(b, n, m->msgid, m->msgidlen) &&
	    inside(b, n, m->sd, m->sdlen) &&
	    inside(b, n, m->msg, m->msglen);
}

static void
test_3164(void)
{
	struct syslog_msg	m;
	const char		*l;

	ctx.now_us = utc(2025, 3, 20, 12, 0, 0);
	ctx.tzoff_sec = 0;

	l = "<38>Mar 14 09:14:03 hv1 sshd[1234]: Accepted publickey for "
	    "deploy from 192.0.2.10 port 52144 ssh2: ED25519 SHA256:x0Yq";
	T_INT(dec(l, &m), 0);
	T_INT(m.fmt, SYSLOG_FMT_3164);
	T_INT(m.pri, 38);
	T_INT(m.facility, 4);
	T_INT(m.severity, 6);
	T_INT(m.has_ts, 1);
	T_INT(m.ts_us, utc(2025, 3, 14, 9, 14, 3));
	T_INT(m.flags, SYSLOG_F_NOYEAR | SYSLOG_F_NOTZ);
	T_STRN(m.host, m.hostlen, "hv1");
	T_STRN(m.app, m.applen, "sshd");
	T_STRN(m.procid, m.procidlen, "1234");
	T_OK(m.msgid == NULL && m.sd == NULL);
	T_STRN(m.msg, m.msglen, "Accepted publickey for deploy from "
	    "192.0.2.10 port 52144 ssh2: ED25519 SHA256:x0Yq");

	/* rsyslog TraditionalFileFormat: no PRI, space-padded day */
	l = "Mar  9 07:01:02 hv1 sshd-session[4242]: Connection closed by "
	    "invalid user admin 198.51.100.7 port 40022 [preauth]\n";
	T_INT(dec(l, &m), 0);
	T_INT(m.fmt, SYSLOG_FMT_3164);
	T_INT(m.pri, -1);
	T_INT(m.facility, -1);
	T_INT(m.ts_us, utc(2025, 3, 9, 7, 1, 2));
	T_STRN(m.app, m.applen, "sshd-session");
	T_STRN(m.msg, m.msglen, "Connection closed by invalid user admin "
	    "198.51.100.7 port 40022 [preauth]");

	/* sudo: user right-aligned in 8 columns stays in msg */
	l = "<85>Mar 14 09:20:11 hv1 sudo:   deploy : TTY=pts/0 ; "
	    "PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/virsh list";
	T_INT(dec(l, &m), 0);
	T_INT(m.severity, 5);
	T_STR(syslog_facility_name(m.facility), "authpriv");
	T_STRN(m.app, m.applen, "sudo");
	T_OK(m.procid == NULL);
	T_STRN(m.msg, m.msglen, "  deploy : TTY=pts/0 ; PWD=/home/deploy ; "
	    "USER=root ; COMMAND=/usr/bin/virsh list");

	/* kernel netfilter: msg keeps the uptime bracket */
	l = "<4>Mar 14 09:14:03 hv1 kernel: [ 4772.035194] [HOST-IN-DROP] "
	    "IN=br0 OUT= PHYSIN=eno1 MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef"
	    ":08:00 SRC=198.51.100.7 DST=192.0.2.5 LEN=60 ";
	T_INT(dec(l, &m), 0);
	T_STRN(m.host, m.hostlen, "hv1");
	T_STRN(m.app, m.applen, "kernel");
	T_OK(m.procid == NULL);
	T_OK(m.msglen > 16 && memcmp(m.msg, "[ 4772.035194] [HOST-IN-DROP] "
	    "IN=br0", 36) == 0);

	/* journal-fed kernel line, no bracket */
	l = "Mar 14 09:14:40 hv2 kernel: nft-in-drop: IN=virbr0 OUT= ";
	T_INT(dec(l, &m), 0);
	T_STRN(m.app, m.applen, "kernel");
	T_STRN(m.msg, m.msglen, "nft-in-drop: IN=virbr0 OUT= ");

	/* audit record through the journal */
	l = "<14>Mar 14 10:30:41 hv1 audit[1187]: VIRT_CONTROL pid=1187 uid=0 "
	    "auid=4294967295 ses=4294967295 subj=libvirtd msg='virt=kvm "
	    "op=start reason=booted vm=\"guest1\" vm-pid=4321 "
	    "exe=\"/usr/sbin/libvirtd\" hostname=? addr=? terminal=? "
	    "res=success'";
	T_INT(dec(l, &m), 0);
	T_STRN(m.app, m.applen, "audit");
	T_STRN(m.procid, m.procidlen, "1187");
	T_OK(m.msglen > 12 && memcmp(m.msg, "VIRT_CONTROL", 12) == 0);

	/* libvirt via journald: daemon.err */
	l = "<27>Mar 14 10:31:02 hv1 libvirtd[1187]: internal error: Child "
	    "process unexpected exit status 1";
	T_INT(dec(l, &m), 0);
	T_STR(syslog_facility_name(m.facility), "daemon");
	T_STR(syslog_severity_name(m.severity), "err");
	T_STRN(m.app, m.applen, "libvirtd");

	/* TAG without ':' */
	l = "<13>Mar 14 09:14:03 hv1 logger hello world";
	T_INT(dec(l, &m), 0);
	T_STRN(m.app, m.applen, "logger");
	T_STRN(m.msg, m.msglen, "hello world");

	/* ':' without a following space; "[]" is no procid */
	l = "<13>Mar 14 09:14:03 hv1 prog[]:x";
	T_INT(dec(l, &m), 0);
	T_STRN(m.app, m.applen, "prog");
	T_OK(m.procid == NULL);
	T_STRN(m.msg, m.msglen, "x");

	/* unclosed '[': no TAG, msg starts at the token */
	l = "<13>Mar 14 09:14:03 hv1 foo[12 bar";
	T_INT(dec(l, &m), 0);
	T_OK(m.app == NULL && m.procid == NULL);
	T_STRN(m.msg, m.msglen, "foo[12 bar");
}

static void
test_nohost(void)
{
	struct syslog_msg	m;

	ctx.now_us = utc(2025, 3, 20, 12, 0, 0);
	ctx.tzoff_sec = 0;
	T_INT(dec("<13>Mar 14 09:14:03 sshd[123]: msg", &m), 0);
	T_INT(m.fmt, SYSLOG_FMT_3164_NOHOST);
	T_OK(m.host == NULL && m.hostlen == 0);
	T_STRN(m.app, m.applen, "sshd");
	T_STRN(m.procid, m.procidlen, "123");
	T_STRN(m.msg, m.msglen, "msg");

	T_INT(dec("<13>Mar 14 09:14:03 myprog: hello", &m), 0);
	T_INT(m.fmt, SYSLOG_FMT_3164_NOHOST);
	T_STRN(m.app, m.applen, "myprog");
	T_STRN(m.msg, m.msglen, "hello");

	/* host only, nothing after it */
	T_INT(dec("Mar 14 09:14:03 hv1", &m), 0);
	T_STRN(m.host, m.hostlen, "hv1");
	T_OK(m.app == NULL && m.msglen == 0);
}

static void
test_year_tz(void)
{
	struct syslog_msg	m;

	/* Dec 31 line received on Jan 1: last year */
	ctx.now_us = utc(2026, 1, 1, 0, 0, 10);
	ctx.tzoff_sec = 0;
	T_INT(dec("<13>Dec 31 23:59:59 hv1 cron[1]: x", &m), 0);
	T_INT(m.ts_us, utc(2025, 12, 31, 23, 59, 59));
	/* Jan 1 line received on Dec 31 (sender clock ahead): next year */
	ctx.now_us = utc(2025, 12, 31, 23, 59, 50);
	T_INT(dec("<13>Jan  1 00:00:05 hv1 cron[1]: x", &m), 0);
	T_INT(m.ts_us, utc(2026, 1, 1, 0, 0, 5));
	/* 21 days ahead is this year, 41 days ahead is last year */
	ctx.now_us = utc(2025, 3, 20, 12, 0, 0);
	T_INT(dec("<13>Apr 10 00:00:00 hv1 a: x", &m), 0);
	T_INT(m.ts_us, utc(2025, 4, 10, 0, 0, 0));
	T_INT(dec("<13>Apr 30 00:00:00 hv1 a: x", &m), 0);
	T_INT(m.ts_us, utc(2024, 4, 30, 0, 0, 0));
	/* Feb 29 picks the leap year */
	T_INT(dec("<13>Feb 29 10:00:00 hv1 a: x", &m), 0);
	T_INT(m.ts_us, utc(2024, 2, 29, 10, 0, 0));

	/* sender at UTC+1: local 10:14:03 is 09:14:03 UTC */
	ctx.tzoff_sec = 3600;
	T_INT(dec("Mar 14 10:14:03 hv1 sshd[1]: x", &m), 0);
	T_INT(m.ts_us, utc(2025, 3, 14, 9, 14, 3));
	/* UTC-5 across midnight */
	ctx.tzoff_sec = -5 * 3600;
	T_INT(dec("Mar 14 22:00:00 hv1 sshd[1]: x", &m), 0);
	T_INT(m.ts_us, utc(2025, 3, 15, 3, 0, 0));
	ctx.tzoff_sec = 0;
}

static void
test_rfc3339(void)
{
	struct syslog_msg	m;
	const char		*l;

	ctx.tzoff_sec = 7200;	/* must not be used: the line has a zone */
	l = "2025-03-14T09:00:05.118823+00:00 hv1 sshd[1]: Accepted password "
	    "for root from 192.0.2.1 port 22 ssh2";
	T_INT(dec(l, &m), 0);
	T_INT(m.fmt, SYSLOG_FMT_RFC3339);
	T_INT(m.pri, -1);
	T_INT(m.ts_us, utc(2025, 3, 14, 9, 0, 5) + 118823);
	T_INT(m.flags, 0);
	T_STRN(m.host, m.hostlen, "hv1");
	T_STRN(m.app, m.applen, "sshd");

	l = "<86>2025-03-14T10:00:05.5+01:00 hv1 systemd-logind[812]: New "
	    "session 5 of user deploy.";
	T_INT(dec(l, &m), 0);
	T_INT(m.pri, 86);
	T_INT(m.ts_us, utc(2025, 3, 14, 9, 0, 5) + 500000);
	T_STRN(m.msg, m.msglen, "New session 5 of user deploy.");

	/* no zone: context offset and NOTZ */
	T_INT(dec("2025-03-14T11:00:00 hv1 a: x", &m), 0);
	T_INT(m.ts_us, utc(2025, 3, 14, 9, 0, 0));
	T_INT(m.flags, SYSLOG_F_NOTZ);
	ctx.tzoff_sec = 0;

	/* libvirt's own log line is not syslog */
	T_INT(dec("2025-03-14 09:00:05.118+0000: 1234: info : libvirt "
	    "version: 9.0.0", &m), ERR_FORMAT);
}

static void
test_5424(void)
{
	struct syslog_msg	 m;
	const char		*l, *id, *nm, *val;
	size_t			 off, il, nl, vl, n;
	char			 out[64];
	int			 k;

	l = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - "
	    "ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
	    "eventID=\"1011\"][examplePriority@32473 class=\"high\"] "
	    "\xef\xbb\xbf" "An application event log entry";
	T_INT(dec(l, &m), 0);
	T_INT(m.fmt, SYSLOG_FMT_5424);
	T_INT(m.facility, 20);
	T_INT(m.severity, 5);
	T_INT(m.ts_us, utc(2003, 10, 11, 22, 14, 15) + 3000);
	T_INT(m.flags, SYSLOG_F_BOM);
	T_STRN(m.host, m.hostlen, "mymachine.example.com");
	T_STRN(m.app, m.applen, "evntslog");
	T_OK(m.procid == NULL && m.procidlen == 0);
	T_STRN(m.msgid, m.msgidlen, "ID47");
	T_OK(m.sdlen > 0 && m.sd[0] == '[' && m.sd[m.sdlen - 1] == ']');
	T_STRN(m.msg, m.msglen, "An application event log entry");

	/* walk the SD: 4 parameters in 2 adjacent elements */
	off = 0;
	T_INT(syslog_sd_next(m.sd, m.sdlen, &off, &id, &il, &nm, &nl, &val,
	    &vl), 1);
	T_STRN(id, il, "exampleSDID@32473");
	T_STRN(nm, nl, "iut");
	T_STRN(val, vl, "3");
	for (k = 1; syslog_sd_next(m.sd, m.sdlen, &off, &id, &il, &nm, &nl,
	    &val, &vl) == 1; k++)
		;
	T_INT(k, 4);
	T_STRN(id, il, "examplePriority@32473");
	T_STRN(val, vl, "high");
	T_INT(syslog_sd_next(m.sd, m.sdlen, &off, &id, &il, &nm, &nl, &val,
	    &vl), 0);

	/* escapes, a parameterless element, offset, NIL host */
	l = "<14>1 2025-03-14T10:00:00.123456+02:00 - vigil 77 - "
	    "[origin][meta v=\"a\\\"b\\\\c\\]d\\x\"] x";
	T_INT(dec(l, &m), 0);
	T_INT(m.ts_us, utc(2025, 3, 14, 8, 0, 0) + 123456);
	T_OK(m.host == NULL && m.hostlen == 0);
	T_STRN(m.procid, m.procidlen, "77");
	T_OK(m.msgid == NULL);
	off = 0;
	T_INT(syslog_sd_next(m.sd, m.sdlen, &off, &id, &il, &nm, &nl, &val,
	    &vl), 1);
	T_STRN(id, il, "origin");
	T_INT(nl, 0);
	T_INT(syslog_sd_next(m.sd, m.sdlen, &off, &id, &il, &nm, &nl, &val,
	    &vl), 1);
	T_STRN(id, il, "meta");
	T_STRN(val, vl, "a\\\"b\\\\c\\]d\\x");
	T_INT(syslog_sd_unescape(val, vl, out, sizeof(out)), 9);
	T_STR(out, "a\"b\\c]d\\x");
	n = syslog_sd_unescape(val, vl, out, 4);
	T_INT(n, 9);
	T_STR(out, "a\"b");
	T_INT(syslog_sd_next(m.sd, m.sdlen, &off, &id, &il, &nm, &nl, &val,
	    &vl), 0);
	T_STRN(m.msg, m.msglen, "x");

	/* malformed SD for the iterator; a bad *off */
	off = 0;
	T_INT(syslog_sd_next("[a b=\"c]", 8, &off, &id, &il, &nm, &nl, &val,
	    &vl), ERR_FORMAT);
	off = 3;
	T_INT(syslog_sd_next("[a b=\"c\"]", 9, &off, &id, &il, &nm, &nl, &val,
	    &vl), ERR_FORMAT);

	/* all NIL, no MSG */
	T_INT(dec("<13>1 - - - - - -", &m), 0);
	T_INT(m.has_ts, 0);
	T_INT(m.flags, 0);
	T_OK(m.host == NULL && m.app == NULL && m.procid == NULL &&
	    m.msgid == NULL && m.sd == NULL);
	T_INT(m.msglen, 0);

	/* rsyslog Protocol23: two spaces and a counted trailing LF */
	l = "<38>1 2025-03-14T09:14:03.118823+00:00 hv1 sshd 1234 - -  "
	    "Accepted password for root from 192.0.2.1 port 22 ssh2\n";
	T_INT(dec(l, &m), 0);
	T_STRN(m.app, m.applen, "sshd");
	T_STRN(m.msg, m.msglen, " Accepted password for root from 192.0.2.1 "
	    "port 22 ssh2");
	T_INT(dec("<38>1 - hv1 - - - - x\r\n", &m), 0);
	T_STRN(m.msg, m.msglen, "x");

	/* bad values: BADTS, rest decoded; junk after SD is not 5424 */
	T_INT(dec("<13>1 2025-13-01T00:00:00Z hv1 a - - - x", &m), 0);
	T_INT(m.flags, SYSLOG_F_BADTS);
	T_INT(m.has_ts, 0);
	T_STRN(m.host, m.hostlen, "hv1");
	T_INT(dec("<13>1 2025-03-14T00:00:00.1234567Z h a - - -", &m), 0);
	T_INT(m.flags, SYSLOG_F_BADTS);
	T_INT(dec("<13>1 2025-03-14 h a - - -", &m), ERR_FORMAT);
	T_INT(dec("<13>1 - h a - - [x]y", &m), ERR_FORMAT);
	T_INT(dec("<13>1 - h a - -  [x]", &m), ERR_FORMAT);
	T_INT(dec("<13>2 - h a - - -", &m), ERR_FORMAT);
}

static void
test_badts(void)
{
	struct syslog_msg	m;

	ctx.now_us = utc(2025, 3, 20, 12, 0, 0);
	T_INT(dec("<13>Feb 30 10:00:00 hv1 sshd[1]: x", &m), 0);
	T_INT(m.flags, SYSLOG_F_BADTS);
	T_INT(m.has_ts, 0);
	T_STRN(m.app, m.applen, "sshd");
	T_INT(dec("Mar 14 25:00:00 hv1 sshd[1]: x", &m), 0);
	T_INT(m.flags, SYSLOG_F_BADTS);
	T_STRN(m.host, m.hostlen, "hv1");
	T_INT(dec("<13>Mrz 14 10:00:00 hv1 sshd[1]: x", &m), ERR_FORMAT);
	T_INT(dec("<13>Mar 14 10:00:00.123 hv1 sshd[1]: x", &m), ERR_FORMAT);
}

static void
test_invalid(void)
{
	static const char *const bad[] = {
		"<192>Mar 14 09:14:03 hv1 a: x", "<01>Mar 14 09:14:03 hv1 a: x",
		"<>Mar 14 09:14:03 hv1 a: x", "<1234>Mar 14 09:14:03 hv1 a: x",
		"<00>Mar 14 09:14:03 hv1 a: x", "<13", "<-1>1 - - - - - -",
		"<13>hello world", "just some text", "Mar 14 09:14:03 ",
	};
	struct syslog_msg	m;
	size_t			i;
	int			ok = 1;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (dec(bad[i], &m) != ERR_FORMAT || m.fmt != SYSLOG_FMT_NONE ||
		    m.pri != -1 || m.msg != bad[i] ||
		    m.msglen != strlen(bad[i])) {
			fprintf(stderr, "accepted: %s\n", bad[i]);
			ok = 0;
		}
	}
	T_OK(ok);
	T_INT(dec("<0>Mar 14 09:14:03 hv1 a: x", &m), 0);
	T_INT(m.pri, 0);
	T_INT(dec("<191>Mar 14 09:14:03 hv1 a: x", &m), 0);
	T_STR(syslog_facility_name(m.facility), "local7");

	/* empty input, also as a NULL pointer */
	T_INT(syslog_decode("", 0, &ctx, &m), ERR_FORMAT);
	T_INT(m.msglen, 0);
	T_INT(syslog_decode(NULL, 0, NULL, &m), ERR_FORMAT);
	T_INT(syslog_decode("\n", 1, &ctx, &m), ERR_FORMAT);
	T_INT(m.msglen, 0);
}

static void
test_nul_and_limits(void)
{
	struct syslog_msg	m;
	char			b[600];
	int			n;

	/* an embedded NUL is content in msg, garbage in a header field */
	T_INT(syslog_decode("<13>Mar 14 09:14:03 hv1 a: x\0y", 30, &ctx, &m),
	    0);
	T_INT(m.msglen, 3);
	T_INT(syslog_decode("<13>Mar 14 09:14:03 h\0v1 a: x", 30, &ctx, &m),
	    ERR_FORMAT);
	T_INT(syslog_decode("<13>1 - h\0 a - - - x", 20, &ctx, &m),
	    ERR_FORMAT);

	/* 5424 limits: the limit decodes, limit+1 is not a header */
	n = snprintf(b, sizeof(b), "<13>1 - %0255d a - - -", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), 0);
	T_INT(m.hostlen, 255);
	n = snprintf(b, sizeof(b), "<13>1 - %0256d a - - -", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), ERR_FORMAT);
	n = snprintf(b, sizeof(b), "<13>1 - h %048d - - -", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), 0);
	n = snprintf(b, sizeof(b), "<13>1 - h %049d - - -", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), ERR_FORMAT);
	n = snprintf(b, sizeof(b), "<13>1 - h a %0128d - -", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), 0);
	n = snprintf(b, sizeof(b), "<13>1 - h a %0129d - -", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), ERR_FORMAT);
	n = snprintf(b, sizeof(b), "<13>1 - h a - %032d -", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), 0);
	n = snprintf(b, sizeof(b), "<13>1 - h a - %033d -", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), ERR_FORMAT);
	n = snprintf(b, sizeof(b), "<13>1 - h a - - [%032d]", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), 0);
	n = snprintf(b, sizeof(b), "<13>1 - h a - - [%033d]", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), ERR_FORMAT);
	n = snprintf(b, sizeof(b), "<13>1 - h a - - [i %033d=\"\"]", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), ERR_FORMAT);

	/* 3164: over-long HOST is no header, over-long TAG is no TAG */
	n = snprintf(b, sizeof(b), "Mar 14 09:14:03 %0256d a: x", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), ERR_FORMAT);
	n = snprintf(b, sizeof(b), "Mar 14 09:14:03 h %049d: x", 0);
	T_INT(syslog_decode(b, n, &ctx, &m), 0);
	T_OK(m.app == NULL && m.msglen == 52);
}

/* every prefix and a deterministic bit-flip loop, in exact-size copies */
static void
test_mutations(void)
{
	static const char *const lines[] = {
		"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog"
		" - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"App\"]"
		"[x@1 a=\"\\]\"] \xef\xbb\xbf" "An entry\n",
		"<38>Mar  9 09:14:03 hv1 sshd[1234]: Accepted publickey",
		"<86>2025-03-14T09:00:05.118823+00:00 hv1 su[9]: (to root) a",
	};
	struct syslog_msg	 m;
	const char		*id, *nm, *val;
	size_t			 i, j, n, off, il, nl, vl;
	uint32_t		 x = 2463534242u;
	char			*b;
	int			 r, ok = 1, full = 0, steps;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		n = strlen(lines[i]);
		for (j = 0; j <= n; j++) {
			if ((b = malloc(j ? j : 1)) == NULL)
				abort();
			memcpy(b, lines[i], j);
			r = syslog_decode(b, j, &ctx, &m);
			if (!sane(b, j, r, &m))
				ok = 0;
			if (i == 0 && r == 0 && m.sdlen > 0)
				full++;
			free(b);
		}
		if ((b = malloc(n)) == NULL)
			abort();
		for (j = 0; j < 2000; j++) {
			memcpy(b, lines[i], n);
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			b[x % n] ^= 1u << (x >> 8 & 7);
			if (j & 1) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				b[x % n] ^= 1u << (x >> 8 & 7);
			}
			r = syslog_decode(b, n, &ctx, &m);
			if (!sane(b, n, r, &m))
				ok = 0;
			off = 0;
			for (steps = 0; syslog_sd_next(m.sd, m.sdlen, &off,
			    &id, &il, &nm, &nl, &val, &vl) == 1; steps++)
				if (steps > 100 || !inside(m.sd, m.sdlen, id,
				    il) || !inside(m.sd, m.sdlen, val, vl))
					ok = 0;
		}
		free(b);
	}
	T_OK(ok);
	/* the 5424 line decodes with its SD once the SD is complete */
	T_OK(full > 0);
}

static void
test_names(void)
{
	T_STR(syslog_severity_name(0), "emerg");
	T_STR(syslog_severity_name(4), "warning");
	T_STR(syslog_severity_name(7), "debug");
	T_OK(syslog_severity_name(8) == NULL);
	T_OK(syslog_severity_name(-1) == NULL);
	T_STR(syslog_facility_name(0), "kern");
	T_STR(syslog_facility_name(13), "security");
	T_STR(syslog_facility_name(15), "solaris-cron");
	T_STR(syslog_facility_name(16), "local0");
	T_OK(syslog_facility_name(24) == NULL);
	T_OK(syslog_facility_name(-1) == NULL);
}

int
main(void)
{
	test_3164();
	test_nohost();
	test_year_tz();
	test_rfc3339();
	test_5424();
	test_badts();
	test_invalid();
	test_nul_and_limits();
	test_mutations();
	test_names();
	return TEST_DONE();
}
