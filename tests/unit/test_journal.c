/*
 * test_journal.c -- shipper/journal.c: the entry -> RFC 5424 formatter
 * (exact lines, PRI defaults and the kernel transport, NIL fields,
 * header field sanitising and limits, SD escapes and caps, binary and
 * NUL bytes, multi-line and over-long messages, cuts at every size near
 * the limit) checked both byte for byte and through the collector's own
 * RFC 5424 decoder; and the stream name check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "journal.h"
#include "proto.h"
#include "syslog.h"
#include "test.h"

static struct journal_entry	e;
static struct buf		out;
static int			cut;

static void
reset(void)
{
	memset(&e, 0, sizeof(e));
	buf_reset(&out);
	cut = -1;
}

static void
set(enum journal_field f, const char *v)
{
	e.f[f].p = (const uint8_t *)v;
	e.f[f].len = strlen(v);
}

static void
setn(enum journal_field f, const void *v, size_t n)
{
	e.f[f].p = v;
	e.f[f].len = n;
}

static int
fmt(void)
{
	buf_reset(&out);
	return journal_format(&e, PROTO_LINE_MAX, &out, &cut);
}

/* the formatted line, NUL-terminated (for lines without NUL bytes) */
static const char *
line(void)
{
	static char	s[PROTO_LINE_MAX + 1];

	memcpy(s, out.d, out.len);
	s[out.len] = '\0';
	return s;
}

/* decode the line with the collector's decoder; 0 if it is RFC 5424 */
static int
dec(struct syslog_msg *m)
{
	return syslog_decode((const char *)out.d, out.len, NULL, m) == 0 &&
	    m->fmt == SYSLOG_FMT_5424 ? 0 : -1;
}

/* the unescaped value of SD-PARAM name in m, or NULL */
static const char *
param(const struct syslog_msg *m, const char *name)
{
	static char	 v[4096];
	const char	*id, *nm, *val;
	size_t		 off = 0, il, nl, vl;

	while (syslog_sd_next(m->sd, m->sdlen, &off, &id, &il, &nm, &nl, &val,
	    &vl) == 1) {
		if (il == strlen(JOURNAL_SDID) &&
		    memcmp(id, JOURNAL_SDID, il) == 0 &&
		    nl == strlen(name) && memcmp(nm, name, nl) == 0) {
			syslog_sd_unescape(val, vl, v, sizeof(v));
			return v;
		}
	}
	return NULL;
}

static void
test_full(void)
{
	struct syslog_msg m;

	reset();
	e.realtime_us = 1710400000123456LL;
	set(JF_MESSAGE, "Accepted publickey for deploy from 10.0.0.5");
	set(JF_PRIORITY, "6");
	set(JF_SYSLOG_FACILITY, "10");
	set(JF_SYSLOG_IDENTIFIER, "sshd");
	set(JF_SYSLOG_PID, "4242");
	set(JF_HOSTNAME, "hv1");
	set(JF_COMM, "sshd");
	set(JF_PID, "4242");
	set(JF_TRANSPORT, "syslog");
	set(JF_SYSTEMD_UNIT, "ssh.service");
	set(JF_UID, "0");
	set(JF_GID, "0");
	set(JF_EXE, "/usr/sbin/sshd");
	set(JF_CMDLINE, "sshd: deploy [priv]");
	set(JF_BOOT_ID, "0123456789abcdef0123456789abcdef");
	set(JF_MACHINE_ID, "fedcba9876543210fedcba9876543210");
	T_INT(fmt(), 0);
	T_INT(cut, 0);
	T_STR(line(), "<86>1 2024-03-14T07:06:40.123456Z hv1 sshd 4242 - "
	    "[journal@32473 unit=\"ssh.service\" transport=\"syslog\" "
	    "uid=\"0\" gid=\"0\" comm=\"sshd\" exe=\"/usr/sbin/sshd\" "
	    "cmdline=\"sshd: deploy [priv\\]\" "
	    "boot=\"0123456789abcdef0123456789abcdef\" "
	    "machine=\"fedcba9876543210fedcba9876543210\" facility=\"10\" "
	    "priority=\"6\"] Accepted publickey for deploy from 10.0.0.5");
	T_INT(dec(&m), 0);
	T_INT(m.pri, 86);
	T_INT(m.facility, 10);
	T_INT(m.severity, 6);
	T_INT(m.has_ts, 1);
	T_INT(m.ts_us, 1710400000123456LL);
	T_STRN(m.host, m.hostlen, "hv1");
	T_STRN(m.app, m.applen, "sshd");
	T_STRN(m.procid, m.procidlen, "4242");
	T_OK(m.msgid == NULL);
	T_STRN(m.msg, m.msglen, "Accepted publickey for deploy from 10.0.0.5");
	T_STR(param(&m, "unit"), "ssh.service");
	T_STR(param(&m, "cmdline"), "sshd: deploy [priv]");
	T_STR(param(&m, "priority"), "6");
	T_OK(param(&m, "user_unit") == NULL);
	T_OK(param(&m, "cursor") == NULL);

	/* user unit; the realtime's fraction keeps its leading zeros */
	reset();
	e.realtime_us = 1000000LL * 86400 * 365 + 7;
	set(JF_SYSTEMD_USER_UNIT, "app.service");
	set(JF_MESSAGE, "x");
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 1971-01-01T00:00:00.000007Z - - - - "
	    "[journal@32473 user_unit=\"app.service\"] x");
}

static void
test_defaults(void)
{
	struct syslog_msg m;

	/* nothing at all: user.info, every header field NIL, empty SD */
	reset();
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - - - - - [journal@32473]");
	T_INT(dec(&m), 0);
	T_INT(m.pri, 14);
	T_INT(m.has_ts, 0);
	T_OK(m.host == NULL && m.app == NULL && m.procid == NULL);
	T_INT(m.msglen, 0);

	/* the kernel transport defaults to facility kern */
	reset();
	set(JF_TRANSPORT, "kernel");
	set(JF_PRIORITY, "4");
	set(JF_MESSAGE, "usb 1-1: new device");
	T_INT(fmt(), 0);
	T_STR(line(), "<4>1 - - - - - [journal@32473 transport=\"kernel\" "
	    "priority=\"4\"] usb 1-1: new device");
	/* but an explicit facility wins */
	set(JF_SYSLOG_FACILITY, "3");
	T_INT(fmt(), 0);
	T_OK(strncmp(line(), "<28>1 ", 6) == 0);
	/* "kernelx" is not the kernel */
	reset();
	set(JF_TRANSPORT, "kernelx");
	T_INT(fmt(), 0);
	T_OK(strncmp(line(), "<14>1 ", 6) == 0);

	/* invalid PRIORITY / SYSLOG_FACILITY fall back to the defaults */
	static const char *const badpri[] = { "8", "-1", "", "06x", "1000",
	    " 3", "3 " };
	size_t i;
	for (i = 0; i < sizeof(badpri) / sizeof(badpri[0]); i++) {
		reset();
		set(JF_PRIORITY, badpri[i]);
		set(JF_SYSLOG_FACILITY, "24");
		T_INT(fmt(), 0);
		T_OK(strncmp(line(), "<14>1 ", 6) == 0);
	}
	/* limits: local7.debug and kern.emerg */
	reset();
	set(JF_PRIORITY, "7");
	set(JF_SYSLOG_FACILITY, "23");
	T_INT(fmt(), 0);
	T_OK(strncmp(line(), "<191>1 ", 7) == 0);
	T_INT(dec(&m), 0);
	T_INT(m.pri, 191);
	reset();
	set(JF_PRIORITY, "0");
	set(JF_SYSLOG_FACILITY, "0");
	T_INT(fmt(), 0);
	T_OK(strncmp(line(), "<0>1 ", 5) == 0);
	T_INT(dec(&m), 0);
	T_INT(m.pri, 0);
	/* leading zeros are still a number */
	set(JF_PRIORITY, "03");
	T_INT(fmt(), 0);
	T_OK(strncmp(line(), "<3>1 ", 5) == 0);

	/* APP-NAME: SYSLOG_IDENTIFIER, else _COMM; PROCID likewise */
	reset();
	set(JF_COMM, "cron");
	set(JF_PID, "77");
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - - cron 77 - [journal@32473 comm=\"cron\"]");
	set(JF_SYSLOG_IDENTIFIER, "CRON");
	set(JF_SYSLOG_PID, "78");
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - - CRON 78 - [journal@32473 comm=\"cron\"]");
	/* an empty SYSLOG_IDENTIFIER does not hide _COMM */
	set(JF_SYSLOG_IDENTIFIER, "");
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - - cron 78 - [journal@32473 comm=\"cron\"]");

	/* an empty present value is an empty SD value */
	reset();
	set(JF_SYSTEMD_UNIT, "");
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - - - - - [journal@32473 unit=\"\"]");
	T_INT(dec(&m), 0);

	/* times: out of range for RFC 3339 gives NIL */
	reset();
	e.realtime_us = 253402300800LL * 1000000;	/* year 10000 */
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - - - - - [journal@32473]");
	e.realtime_us = 253402300799LL * 1000000 + 999999;
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 9999-12-31T23:59:59.999999Z - - - - "
	    "[journal@32473]");
	T_INT(dec(&m), 0);
	T_INT(m.has_ts, 1);
	e.realtime_us = -5;
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - - - - - [journal@32473]");
}

static void
test_header_fields(void)
{
	struct syslog_msg	m;
	char			big[2048];

	/* spaces and other non-PRINTUSASCII bytes become '_' */
	reset();
	set(JF_SYSLOG_IDENTIFIER, "my app\t\xc3\xa9");
	set(JF_HOSTNAME, "h st");
	set(JF_SYSLOG_PID, "1 2");
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - h_st my_app___ 1_2 - [journal@32473]");
	T_INT(dec(&m), 0);
	T_STRN(m.app, m.applen, "my_app___");

	/* limits: APP-NAME 48, HOSTNAME 255, PROCID 128 */
	memset(big, 'a', sizeof(big));
	reset();
	setn(JF_SYSLOG_IDENTIFIER, big, 49);
	setn(JF_HOSTNAME, big, 256);
	setn(JF_SYSLOG_PID, big, 200);
	T_INT(fmt(), 0);
	T_INT(dec(&m), 0);
	T_INT(m.applen, 48);
	T_INT(m.hostlen, 255);
	T_INT(m.procidlen, 128);
	/* a NUL in a header value */
	reset();
	setn(JF_SYSLOG_IDENTIFIER, "a\0b", 3);
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - - a_b - - [journal@32473]");
	/* "-" stays "-": NIL, as it would be anyway */
	set(JF_SYSLOG_IDENTIFIER, "-");
	T_INT(fmt(), 0);
	T_INT(dec(&m), 0);
	T_OK(m.app == NULL);
}

static void
test_sd_values(void)
{
	struct syslog_msg	m;
	char			big[4096], *huge;
	const char		*v;

	/* escapes (RFC 5424 section 6.3.3) and control bytes */
	reset();
	set(JF_CMDLINE, "sh -c \"echo a\\\\b] [x]\"");
	set(JF_EXE, "/x\"]\\");
	set(JF_SYSTEMD_UNIT, "a\nb\tc\x7f");
	setn(JF_COMM, "n\0l", 3);
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - - n_l - - [journal@32473 unit=\"a b c \" "
	    "comm=\"n l\" exe=\"/x\\\"\\]\\\\\" "
	    "cmdline=\"sh -c \\\"echo a\\\\\\\\b\\] [x\\]\\\"\"]");
	T_INT(dec(&m), 0);
	T_STR(param(&m, "cmdline"), "sh -c \"echo a\\\\b] [x]\"");
	T_STR(param(&m, "exe"), "/x\"]\\");
	T_STR(param(&m, "comm"), "n l");

	/* a value of only escapes: doubled in size, still decodable */
	reset();
	memset(big, '"', sizeof(big));
	setn(JF_EXE, big, sizeof(big));
	T_INT(fmt(), 0);
	T_INT(dec(&m), 0);
	v = param(&m, "exe");
	T_OK(v != NULL && strlen(v) == JOURNAL_VALUE_MAX &&
	    strspn(v, "\"") == JOURNAL_VALUE_MAX);

	/* _CMDLINE is cut at 512 bytes, other values at 1024 */
	reset();
	memset(big, 'c', sizeof(big));
	setn(JF_CMDLINE, big, 513);
	setn(JF_SYSTEMD_UNIT, big, 1025);
	T_INT(fmt(), 0);
	T_INT(dec(&m), 0);
	T_INT(strlen(param(&m, "cmdline")), JOURNAL_CMDLINE_MAX);
	T_INT(strlen(param(&m, "unit")), JOURNAL_VALUE_MAX);
	setn(JF_CMDLINE, big, 512);
	T_INT(fmt(), 0);
	T_INT(dec(&m), 0);
	T_INT(strlen(param(&m, "cmdline")), 512);
	/* a cut never splits a UTF-8 character */
	memcpy(big + 510, "\xe2\x82\xac", 3);		/* bytes 510..512 */
	setn(JF_CMDLINE, big, 600);
	T_INT(fmt(), 0);
	T_INT(dec(&m), 0);
	T_INT(strlen(param(&m, "cmdline")), 510);
	memcpy(big + 509, "\xe2\x82\xac" "c", 4);	/* ends at 511 */
	T_INT(fmt(), 0);
	T_INT(dec(&m), 0);
	T_INT(strlen(param(&m, "cmdline")), 512);
	T_OK(memcmp(param(&m, "cmdline") + 509, "\xe2\x82\xac", 3) == 0);

	/* every value at its maximum, all escapes: the header still fits */
	reset();
	memset(big, ']', sizeof(big));
	{
		int f;

		for (f = 0; f < JF_COUNT; f++)
			setn((enum journal_field)f, big, sizeof(big));
	}
	setn(JF_PRIORITY, "3", 1);
	if ((huge = malloc(PROTO_LINE_MAX)) == NULL)
		abort();
	memset(huge, 'M', PROTO_LINE_MAX);
	setn(JF_MESSAGE, huge, PROTO_LINE_MAX);
	e.realtime_us = 1;
	T_INT(fmt(), 0);
	T_INT(cut, 1);
	T_INT(out.len, PROTO_LINE_MAX);
	T_INT(dec(&m), 0);
	T_INT(m.pri, 11);
	T_INT(m.msglen > 32 * 1024, 1);
	free(huge);
}

static void
test_message(void)
{
	struct syslog_msg	 m;
	uint8_t			*big;
	size_t			 hdr, n;
	static const char	 bin[] = "a\0b\nc\r\n\xff\xfe\x01 ";

	/* binary, NUL, CR LF and multi-line bytes go through as they are */
	reset();
	setn(JF_MESSAGE, bin, sizeof(bin) - 1);
	T_INT(fmt(), 0);
	T_INT(cut, 0);
	hdr = strlen("<14>1 - - - - - [journal@32473] ");
	T_INT(out.len, hdr + sizeof(bin) - 1);
	T_OK(memcmp(out.d + hdr, bin, sizeof(bin) - 1) == 0);
	T_INT(dec(&m), 0);
	T_INT(m.msglen, sizeof(bin) - 1);

	/* a message starting with a space keeps it (one SP separates) */
	set(JF_MESSAGE, " indented");
	T_INT(fmt(), 0);
	T_STR(line(), "<14>1 - - - - - [journal@32473]  indented");
	T_INT(dec(&m), 0);
	T_STRN(m.msg, m.msglen, " indented");

	/* long messages: cut to exactly the limit, flagged */
	if ((big = malloc(PROTO_LINE_MAX + 100)) == NULL)
		abort();
	memset(big, 'm', PROTO_LINE_MAX + 100);
	for (n = PROTO_LINE_MAX - hdr - 2; n <= PROTO_LINE_MAX - hdr + 2;
	    n++) {
		reset();
		setn(JF_MESSAGE, big, n);
		T_INT(fmt(), 0);
		T_INT(cut, n > PROTO_LINE_MAX - hdr);
		T_INT(out.len, n > PROTO_LINE_MAX - hdr ? PROTO_LINE_MAX :
		    hdr + n);
	}
	reset();
	setn(JF_MESSAGE, big, PROTO_LINE_MAX + 100);
	T_INT(fmt(), 0);
	T_INT(cut, 1);
	T_INT(out.len, PROTO_LINE_MAX);
	/* a smaller limit; below the header bound it is refused */
	buf_reset(&out);
	T_INT(journal_format(&e, 40000, &out, &cut), 0);
	T_INT(out.len, 40000);
	T_INT(cut, 1);
	buf_reset(&out);
	T_INT(journal_format(&e, 4096, &out, &cut), ERR_RANGE);
	T_INT(out.len, 0);
	free(big);

	/* out must take JOURNAL_LINE_MIN more bytes; else left as it was */
	{
		struct buf small;

		buf_init(&small, 1000);
		T_INT(buf_put(&small, "keep", 4), 0);
		reset();
		setn(JF_MESSAGE, "x", 1);
		T_INT(journal_format(&e, PROTO_LINE_MAX, &small, &cut),
		    ERR_TOOBIG);
		T_INT(small.len, 4);
		buf_clear(&small);
	}
	/* appends after what out already holds */
	reset();
	T_INT(buf_put(&out, "AB", 2), 0);
	set(JF_MESSAGE, "m");
	T_INT(journal_format(&e, PROTO_LINE_MAX, &out, &cut), 0);
	T_OK(out.len > 2 && memcmp(out.d, "AB<14>1 ", 8) == 0);
}

/* deterministic random entries: always RFC 5424, never over the limit */
static void
test_random(void)
{
	static uint8_t		pool[JF_COUNT][3000];
	struct syslog_msg	m;
	uint32_t		x = 12345;
	int			i, f, bad = 0, big = 0;
	size_t			k, n;

	for (i = 0; i < 2000; i++) {
		reset();
		for (f = 0; f < JF_COUNT; f++) {
			x = x * 1103515245 + 12345;
			if (x >> 30 == 0)
				continue;	/* absent */
			n = (x >> 8) % (f == JF_MESSAGE ? 3000 : 40);
			for (k = 0; k < n; k++) {
				x = x * 1103515245 + 12345;
				pool[f][k] = (uint8_t)(x >> 16);
			}
			setn((enum journal_field)f, pool[f], n);
		}
		x = x * 1103515245 + 12345;
		e.realtime_us = (int64_t)(x % 4000000000u) * 1000000;
		if (fmt() != 0 || out.len > PROTO_LINE_MAX || dec(&m) != 0)
			bad++;
		if (out.len > 1000)
			big++;
	}
	T_INT(bad, 0);
	T_OK(big > 0);
}

static void
test_names(void)
{
	T_INT(journal_name_check("journal"), 0);
	T_INT(journal_name_check("journal:/var/log/journal/remote"), 0);
	T_INT(journal_name_check("journal:"), -1);
	T_INT(journal_name_check("journal:rel/dir"), -1);
	T_INT(journal_name_check("journalx"), -1);
	T_INT(journal_name_check("journal:/a\nb"), -1);
	T_INT(journal_name_check("auth:/var/log/auth.log"), -1);
	T_STR(journal_field_names[JF_MESSAGE], "MESSAGE");
	T_STR(journal_field_names[JF_MACHINE_ID], "_MACHINE_ID");
}

int
main(void)
{
	buf_init(&out, PROTO_LINE_MAX);
	test_full();
	test_defaults();
	test_header_fields();
	test_sd_values();
	test_message();
	test_random();
	test_names();
	buf_clear(&out);
	return TEST_DONE();
}
