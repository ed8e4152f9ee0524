/*
 * dec_libvirt.c -- decoders for libvirt's own log (libvirtd, virtqemud...:
 * the file/stderr output, or the bare message as syslog/journald carry it)
 * and for the per-VM QEMU logs libvirt writes to
 * /var/log/libvirt/qemu/NAME.log.  Formats and fields:
 * docs/decoders/libvirt.md (from libvirt virlog.c, virtime.c, virhook.c,
 * viraudit.c, qemu_process.c and audit-userspace audit_logging.c).
 *
 * Pure: no I/O, no allocation, no globals but const tables.  Values point
 * into the line or the path, or into the record's scratch space when they
 * had to be decoded (hex vm= names, QEMU ",," option escapes).  A field
 * that is already set is never replaced, and a line that is not
 * recognised leaves the record exactly as it was (record_rollback).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dec.h"
#include "err.h"
#include "record.h"

/* "YYYY-MM-DD HH:MM:SS.mmm+0000" (virTimeStringNowRaw), then ": " */
#define LV_TSLEN	28
#define LV_TSSEP	30

#define LIT(s)		s, (sizeof(s) - 1)

/* The fields being added and the first error (ERR_TOOBIG) met. */
struct lvout {
	struct record	*ev;
	int		 r;
};

/* "tid: level : [function:line : ]message" (virLogFormatString) */
struct lvbody {
	const char	*tid, *level, *func, *line, *msg;
	size_t		 tidlen, levellen, funclen, linelen, msglen;
};

static int
pfx(const char *p, size_t n, const char *s, size_t slen)
{
	return n >= slen && memcmp(p, s, slen) == 0;
}

static const char *
find(const char *p, size_t n, const char *s, size_t slen)
{
	return memmem(p, n, s, slen);
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static size_t
ndigits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && isdig(p[i]); i++)
		;
	return i;
}

static size_t
rtrim(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r' ||
	    p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n;
}

static int
has(const struct lvout *o, const char *name)
{
	size_t n;

	return record_get(o->ev, name, &n) != NULL;
}

static void
set(struct lvout *o, const char *name, const char *v, size_t n)
{
	if (o->r == 0 && !has(o, name))
		o->r = record_add(o->ev, name, v, n);
}

/*
 * Room for n decoded bytes and a NUL at the end of the scratch space;
 * set_commit() then adds the field (the same layout as record_addcopy).
 */
static char *
scratch_room(struct lvout *o, size_t n)
{
	struct record *ev = o->ev;

	if (o->r != 0)
		return NULL;
	if (n + 1 > REC_SCRATCH - ev->scratchlen) {
		o->r = ERR_TOOBIG;
		return NULL;
	}
	return ev->scratch + ev->scratchlen;
}

static void
set_commit(struct lvout *o, const char *name, char *p, size_t n)
{
	p[n] = '\0';
	o->ev->scratchlen += n + 1;
	o->r = record_add(o->ev, name, p, n);
}

/* Exactly n digits at p into *v. */
static int
num(const char *p, size_t n, int *v)
{
	size_t	i;
	int	x = 0;

	for (i = 0; i < n; i++) {
		if (!isdig(p[i]))
			return 0;
		x = x * 10 + (p[i] - '0');
	}
	*v = x;
	return 1;
}

/* Days since 1970-01-01 of a valid proleptic Gregorian date (y >= 1). */
static int64_t
days_civil(int y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * "YYYY-MM-DD?HH:MM:SS" (19 bytes at p, sep between date and time) into
 * seconds since the epoch.  Rejects impossible dates and times (month
 * 13, Feb 30, 24:00, second 60: gmtime never writes a leap second) and
 * years before 1970.
 */
static int
datetime(const char *p, char sep, int64_t *secs)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int	y, mo, d, h, mi, s, leap;

	if (p[4] != '-' || p[7] != '-' || p[10] != sep || p[13] != ':' ||
	    p[16] != ':')
		return 0;
	if (!num(p, 4, &y) || !num(p + 5, 2, &mo) || !num(p + 8, 2, &d) ||
	    !num(p + 11, 2, &h) || !num(p + 14, 2, &mi) ||
	    !num(p + 17, 2, &s))
		return 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 ||
	    s > 59)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] + (mo == 2 && leap))
		return 0;
	*secs = days_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	return 1;
}

/* libvirt's "YYYY-MM-DD HH:MM:SS.mmm+0000: " at the start of p. */
static int
lv_ts(const char *p, size_t n, int64_t *us)
{
	int64_t	secs;
	int	ms;

	if (n < LV_TSSEP || p[19] != '.' || !num(p + 20, 3, &ms) ||
	    memcmp(p + 23, "+0000: ", 7) != 0 || !datetime(p, ' ', &secs))
		return 0;
	*us = secs * 1000000 + (int64_t)ms * 1000;
	return 1;
}

/*
 * QEMU's "-msg timestamp=on" stamp "YYYY-MM-DDTHH:MM:SS[.ffffff]Z "
 * (glib ISO 8601, UTC; the fraction is left out when it is zero).
 * Returns the length up to and including the space, or 0.
 */
static size_t
qemu_ts(const char *p, size_t n, int64_t *us)
{
	int64_t	secs, frac = 0;
	size_t	i = 19, j, k;

	if (n < 21 || !datetime(p, 'T', &secs))
		return 0;
	if (p[i] == '.') {
		k = ndigits(p + 20, n - 20);
		if (k < 1 || k > 9)
			return 0;
		for (j = 0; j < 6; j++)
			frac = frac * 10 + (j < k ? p[20 + j] - '0' : 0);
		i = 20 + k;
	}
	if (i + 1 >= n || p[i] != 'Z' || p[i + 1] != ' ')
		return 0;
	*us = secs * 1000000 + frac;
	return i + 2;
}

static int
isident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    isdig(c) || c == '_';
}

/* "tid: level : [function:line : ]message" into *b. */
static int
lv_body(const char *p, size_t n, struct lvbody *b)
{
	static const char *const levels[] = { "debug", "info", "warning",
	    "error" };
	size_t	i, k, l;

	memset(b, 0, sizeof(*b));
	k = ndigits(p, n);
	if (k < 1 || k > 20 || !pfx(p + k, n - k, LIT(": ")))
		return 0;
	b->tid = p;
	b->tidlen = k;
	i = k + 2;
	for (l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		k = strlen(levels[l]);
		if (pfx(p + i, n - i, levels[l], k) &&
		    pfx(p + i + k, n - i - k, LIT(" : ")))
			break;
	}
	if (l == sizeof(levels) / sizeof(levels[0]))
		return 0;
	b->level = p + i;
	b->levellen = k;
	i += k + 3;
	/* the function is left out when the caller has none */
	for (k = i; k < n && isident(p[k]); k++)
		;
	if (k > i && k < n && p[k] == ':') {
		l = ndigits(p + k + 1, n - k - 1);
		if (l > 0 && l <= 10 &&
		    pfx(p + k + 1 + l, n - k - 1 - l, LIT(" : "))) {
			b->func = p + i;
			b->funclen = k - i;
			b->line = p + k + 1;
			b->linelen = l;
			i = k + 1 + l + 3;
		}
	}
	b->msg = p + i;
	b->msglen = n - i;
	return 1;
}

/*
 * Value of key in audit text "k=v k="v" ..." (the quotes are stripped;
 * *quoted says whether there were any).
 */
static int
kv_get(const char *p, size_t n, const char *key, size_t klen,
    const char **v, size_t *vlen, int *quoted)
{
	const char	*e;
	size_t		 i = 0, j, vs, ve, next;
	int		 q;

	while (i < n) {
		while (i < n && p[i] == ' ')
			i++;
		for (j = i; j < n && p[j] != ' ' && p[j] != '='; j++)
			;
		q = 0;
		if (j < n && p[j] == '=' && j + 1 < n && p[j + 1] == '"') {
			q = 1;
			vs = j + 2;
			e = memchr(p + vs, '"', n - vs);
			ve = e != NULL ? (size_t)(e - p) : n;
			next = ve < n ? ve + 1 : n;
		} else if (j < n && p[j] == '=') {
			vs = j + 1;
			e = memchr(p + vs, ' ', n - vs);
			ve = next = e != NULL ? (size_t)(e - p) : n;
		} else
			vs = ve = next = j;
		if (j - i == klen && j < n && p[j] == '=' &&
		    memcmp(p + i, key, klen) == 0) {
			*v = p + vs;
			*vlen = ve - vs;
			*quoted = q;
			return 1;
		}
		i = next;
	}
	return 0;
}

static int
hexval(char c)
{
	if (isdig(c))
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * An audit_encode_nv_string value: quoted as is, or unquoted uppercase
 * hex when the name has '"', a byte < 0x21, 0x7F or a non-ASCII byte.
 */
static void
set_auditstr(struct lvout *o, const char *name, const char *v, size_t n,
    int quoted)
{
	char	*d;
	size_t	 i;

	if (has(o, name))
		return;
	if (!quoted && n >= 2 && n % 2 == 0 && o->r == 0 &&
	    n / 2 + 1 <= REC_SCRATCH - o->ev->scratchlen) {
		for (i = 0; i < n && hexval(v[i]) >= 0; i++)
			;
		if (i == n) {
			if ((d = scratch_room(o, n / 2)) == NULL)
				return;
			for (i = 0; i < n; i += 2)
				d[i / 2] = (char)(hexval(v[i]) << 4 |
				    hexval(v[i + 1]));
			set_commit(o, name, d, n / 2);
			return;
		}
	}
	set(o, name, v, n);
}

/* "success=yes|no <libvirt audit text>" (viraudit.c virAuditSend) */
static int
msg_audit(struct lvout *o, const char *p, size_t n)
{
	const char	*v, *op;
	size_t		 vlen, oplen;
	int		 q;

	if (pfx(p, n, LIT("success=yes ")) || (n == 11 &&
	    pfx(p, n, LIT("success=yes")))) {
		set(o, "event.outcome", LIT("success"));
		p += 11;
		n -= 11;
	} else if (pfx(p, n, LIT("success=no ")) || (n == 10 &&
	    pfx(p, n, LIT("success=no")))) {
		set(o, "event.outcome", LIT("failure"));
		p += 10;
		n -= 10;
	} else
		return 0;
	if (kv_get(p, n, LIT("vm"), &v, &vlen, &q))
		set_auditstr(o, "vm.name", v, vlen, q);
	if (kv_get(p, n, LIT("uuid"), &v, &vlen, &q) && vlen > 0)
		set(o, "vm.uuid", v, vlen);
	if (!kv_get(p, n, LIT("op"), &op, &oplen, &q))
		return 1;
	if (oplen == 5 && memcmp(op, "start", 5) == 0)
		set(o, "event.action", LIT("vm_start"));
	else if (oplen == 4 && memcmp(op, "stop", 4) == 0)
		set(o, "event.action", LIT("vm_stop"));
	else
		return 1;
	if (kv_get(p, n, LIT("reason"), &v, &vlen, &q) && vlen > 0)
		set(o, "event.reason", v, vlen);
	return 1;
}

/*
 * "Hook script execution failed: internal error: Child process (<env>
 * <argv>) unexpected exit status N[: <stderr>]" (virhook.c and
 * vircommand.c virCommandWait).
 */
static int
msg_hook(struct lvout *o, const char *p, size_t n)
{
	const char	*c, *e, *end = p + n;
	size_t		 k;
	int		 inq;

	if (!pfx(p, n, LIT("Hook script execution failed: ")))
		return 0;
	set(o, "event.action", LIT("libvirt_hook_failed"));
	set(o, "event.outcome", LIT("failure"));
	if ((c = find(p, n, LIT("Child process ("))) == NULL)
		return 1;
	c += sizeof("Child process (") - 1;
	if ((e = find(c, end - c, LIT(") unexpected exit status "))) == NULL)
		return 1;
	/* skip the NAME=value environment in front of argv */
	for (;;) {
		const char *t = c;

		if (t == e || !(isident(*t) && !isdig(*t)))
			break;
		while (t < e && isident(*t))
			t++;
		if (t == e || *t != '=')
			break;
		/* virBufferEscapeShell quoting: '...' with '\'' inside */
		for (t++, inq = 0; t < e; t++) {
			if (inq) {
				if (*t == '\'')
					inq = 0;
			} else if (*t == '\\' && t + 1 < e)
				t++;
			else if (*t == '\'')
				inq = 1;
			else if (*t == ' ')
				break;
		}
		if (t == e)
			break;
		c = t + 1;
	}
	if (e > c)
		set(o, "libvirt.hook.command", c, e - c);
	e += sizeof(") unexpected exit status ") - 1;
	k = ndigits(e, end - e);
	if (k == 0 || k > 10)
		return 1;
	set(o, "libvirt.hook.exit_status", e, k);
	e += k;
	if (pfx(e, end - e, LIT(": ")) && (k = rtrim(e + 2, end - e - 2)) > 0)
		set(o, "libvirt.hook.stderr", e + 2, k);
	return 1;
}

/* The messages of libvirt's own log that carry fields; 1 if one did. */
static int
lv_message(struct lvout *o, const char *p, size_t n)
{
	const char	*v;
	size_t		 k;

	if (pfx(p, n, LIT("libvirt version: "))) {
		v = p + sizeof("libvirt version: ") - 1;
		for (k = 0; v + k < p + n && v[k] != ',' && v[k] != ' '; k++)
			;
		if (k > 0)
			set(o, "libvirt.version", v, k);
		return 1;
	}
	if (pfx(p, n, LIT("hostname: "))) {
		v = p + sizeof("hostname: ") - 1;
		if ((k = n - (v - p)) > 0)
			set(o, "libvirt.hostname", v, k);
		return 1;
	}
	return msg_hook(o, p, n) || msg_audit(o, p, n);
}

static void
set_body(struct lvout *o, const struct lvbody *b)
{
	set(o, "process.thread.id", b->tid, b->tidlen);
	set(o, "log.level", b->level, b->levellen);
	if (b->func != NULL) {
		set(o, "log.origin.function", b->func, b->funclen);
		set(o, "log.origin.file.line", b->line, b->linelen);
	}
	set(o, "libvirt.message", b->msg, b->msglen);
	lv_message(o, b->msg, b->msglen);
}

static int
finish(struct lvout *o, const struct record_mark *m)
{
	if (o->r != 0) {
		record_rollback(o->ev, m);
		return o->r;
	}
	return 0;
}

int
dec_libvirt(const char *msg, size_t len, struct record *ev, int64_t *ts_us)
{
	struct record_mark	m;
	struct lvout		o = { ev, 0 };
	struct lvbody		b;
	int64_t			ts;
	int			r;

	record_mark(ev, &m);
	len = rtrim(msg, len);
	if (lv_ts(msg, len, &ts)) {
		if (!lv_body(msg + LV_TSSEP, len - LV_TSSEP, &b))
			return ERR_FORMAT;
		set_body(&o, &b);
		if ((r = finish(&o, &m)) == 0)
			*ts_us = ts;
		return r;
	}
	/* syslog(3) output keeps "tid: level : function:line : " */
	if (lv_body(msg, len, &b)) {
		set_body(&o, &b);
		return finish(&o, &m);
	}
	/* journald and the doc'd syslog form: the bare message */
	if (!lv_message(&o, msg, len)) {
		record_rollback(ev, &m);
		return ERR_FORMAT;
	}
	set(&o, "libvirt.message", msg, len);
	return finish(&o, &m);
}

/*
 * "starting up libvirt version: V[, package: P], qemu version: Q,
 * kernel: K, hostname: H" (qemu_process.c qemuLogOperation).  The
 * package part may hold commas, so the labels are searched for.
 */
static void
qemu_start(struct lvout *o, const char *p, size_t n)
{
	const char	*end = p + n, *v, *q, *k, *h;
	size_t		 i;

	set(o, "event.action", LIT("vm_log_start"));
	q = find(p, n, LIT(", qemu version: "));
	k = find(p, n, LIT(", kernel: "));
	h = find(p, n, LIT(", hostname: "));
	if ((v = find(p, n, LIT("libvirt version: "))) != NULL) {
		v += sizeof("libvirt version: ") - 1;
		for (i = 0; v + i < end && v[i] != ',' && v[i] != ' '; i++)
			;
		if (i > 0)
			set(o, "libvirt.version", v, i);
	}
	if (q != NULL) {
		v = q + sizeof(", qemu version: ") - 1;
		q = k != NULL && k >= v ? k : h != NULL && h >= v ? h : end;
		if (q > v)
			set(o, "qemu.version", v, q - v);
	}
	if (k != NULL) {
		v = k + sizeof(", kernel: ") - 1;
		k = h != NULL && h >= v ? h : end;
		if (k > v)
			set(o, "host.os.kernel", v, k - v);
	}
	if (h != NULL) {
		v = h + sizeof(", hostname: ") - 1;
		if (end > v)
			set(o, "libvirt.hostname", v, end - v);
	}
}

/* "char device redirected to PATH (label LABEL)" (QEMU char-pty.c) */
static int
qemu_chardev(struct lvout *o, const char *p, size_t n)
{
	const char	*end = p + n, *v, *l, *c;

	if (!pfx(p, n, LIT("char device redirected to ")))
		return 0;
	v = p + sizeof("char device redirected to ") - 1;
	set(o, "event.action", LIT("vm_console"));
	if ((l = find(v, end - v, LIT(" (label "))) == NULL) {
		if (end > v)
			set(o, "qemu.chardev.path", v, end - v);
		return 1;
	}
	if (l > v)
		set(o, "qemu.chardev.path", v, l - v);
	l += sizeof(" (label ") - 1;
	if ((c = memchr(l, ')', end - l)) != NULL && c > l)
		set(o, "qemu.chardev.label", l, c - l);
	return 1;
}

/*
 * "-name guest=NAME,debug-threads=on" (or the old "-name NAME"): QEMU
 * doubles commas in option values and libvirt shell-quotes the argument
 * ('...', with '\'' for a quote) when it has special characters.  The
 * name is copied to scratch only when it has such escapes (and fits).
 */
static void
qemu_name(struct lvout *o, const char *v, const char *end)
{
	const char	*s;
	char		*d;
	size_t		 n, esc = 0;
	int		 inq = 0;

	if (v < end && *v == '\'') {
		inq = 1;
		v++;
	}
	if (pfx(v, end - v, LIT("guest=")))
		v += sizeof("guest=") - 1;
	for (s = v; s < end; s++) {
		if (*s == ',' && s + 1 < end && s[1] == ',') {
			esc++;
			s++;
		} else if (inq && *s == '\'' && end - s >= 4 &&
		    memcmp(s, "'\\''", 4) == 0) {
			esc++;
			s += 3;
		} else if (*s == ',' || (inq && *s == '\'') ||
		    (!inq && *s == ' '))
			break;
	}
	if (s == v || has(o, "vm.name"))
		return;
	if (esc == 0 || o->r != 0 ||
	    (size_t)(s - v) + 1 > REC_SCRATCH - o->ev->scratchlen) {
		set(o, "vm.name", v, s - v);
		return;
	}
	d = scratch_room(o, s - v);
	for (end = s, s = v, n = 0; s < end; ) {
		d[n++] = *s;
		s += *s == ',' ? 2 : inq && *s == '\'' ? 4 : 1;
	}
	set_commit(o, "vm.name", d, n);
}

/* Start of a "-opt " token (at the line start or after a space). */
static const char *
opt_find(const char *p, size_t n, const char *opt, size_t optlen)
{
	const char	*s = p, *end = p + n;

	while ((s = find(s, end - s, opt, optlen)) != NULL) {
		if (s == p || s[-1] == ' ')
			return s + optlen;
		s++;
	}
	return NULL;
}

static int
isuuid(const char *p, size_t n)
{
	size_t i;

	if (n != 36)
		return 0;
	for (i = 0; i < n; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (p[i] != '-')
				return 0;
		} else if (hexval(p[i]) < 0)
			return 0;
	return 1;
}

/*
 * The environment and QEMU command line, one option per line ending in
 * " \" (virCommandToStringFull); the last option has no " \", and old
 * libvirt wrote everything on one "LC_ALL=C ... -uuid ..." line.
 */
static int
qemu_cmdline(struct lvout *o, const char *p, size_t n)
{
	const char	*v, *e, *end;
	size_t		 k;

	if (n >= 2 && p[n - 2] == ' ' && p[n - 1] == '\\')
		n -= 2;
	else if (!(n >= 2 && p[0] == '-' &&
	    ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z'))) &&
	    !pfx(p, n, LIT("LC_ALL=")))
		return 0;
	end = p + n;
	if ((v = opt_find(p, n, LIT("-uuid "))) != NULL) {
		e = memchr(v, ' ', end - v);
		k = (e != NULL ? e : end) - v;
		if (isuuid(v, k))
			set(o, "vm.uuid", v, k);
	}
	if ((v = opt_find(p, n, LIT("-name "))) != NULL)
		qemu_name(o, v, end);
	return 1;
}

/* "qemu-system-x86_64: text" (QEMU error_report with or without stamp) */
static int
qemu_msg(struct lvout *o, const char *p, size_t n, int stamped)
{
	const char	*c;
	size_t		 k;

	if ((c = find(p, n, LIT(": "))) == NULL || c == p ||
	    memchr(p, ' ', c - p) != NULL)
		return 0;
	if (!stamped && !pfx(p, n, LIT("qemu")) && !pfx(p, n, LIT("kvm")))
		return 0;
	set(o, "qemu.process", p, c - p);
	c += 2;
	k = n - (c - p);
	set(o, "libvirt.message", c, k);
	qemu_chardev(o, c, k);
	return 1;
}

/* basename of path without ".log" (also "NAME.log.1", "NAME.log-DATE") */
static void
name_from_path(struct lvout *o, const char *path, size_t pathlen)
{
	const char	*b, *s, *e;

	if (path == NULL || pathlen == 0 || has(o, "vm.name"))
		return;
	b = path + pathlen;
	while (b > path && b[-1] != '/')
		b--;
	e = path + pathlen;
	for (s = b; (s = find(s, path + pathlen - s, LIT(".log"))) != NULL;
	    s++)
		if (s + 4 == path + pathlen || s[4] == '.' || s[4] == '-')
			e = s;
	if (e > b)
		set(o, "vm.name", b, e - b);
}

int
dec_qemu_log(const char *path, size_t pathlen, const char *msg,
    size_t len, struct record *ev, int64_t *ts_us)
{
	struct record_mark	m;
	struct lvout		o = { ev, 0 };
	struct lvbody		b;
	const char		*p, *v;
	int64_t			ts;
	size_t			n, k;
	int			hasts = 0, r;

	record_mark(ev, &m);
	len = rtrim(msg, len);
	if (lv_ts(msg, len, &ts)) {
		hasts = 1;
		p = msg + LV_TSSEP;
		n = len - LV_TSSEP;
		if (pfx(p, n, LIT("starting up")))
			qemu_start(&o, p, n);
		else if (pfx(p, n, LIT("shutting down"))) {
			set(&o, "event.action", LIT("vm_log_stop"));
			/* the rest is the reason ("from snapshot") */
			if ((v = find(p, n, LIT(", reason="))) != NULL) {
				v += sizeof(", reason=") - 1;
				if ((k = n - (v - p)) > 0)
					set(&o, "event.reason", v, k);
			}
		} else if (lv_body(p, n, &b))
			set_body(&o, &b);
		else
			set(&o, "libvirt.message", p, n);
	} else if ((k = qemu_ts(msg, len, &ts)) > 0) {
		hasts = 1;
		if (!qemu_msg(&o, msg + k, len - k, 1))
			set(&o, "libvirt.message", msg + k, len - k);
	} else if (!qemu_chardev(&o, msg, len) &&
	    !qemu_cmdline(&o, msg, len) && !qemu_msg(&o, msg, len, 0)) {
		record_rollback(ev, &m);
		return ERR_FORMAT;
	}
	name_from_path(&o, path, pathlen);
	if ((r = finish(&o, &m)) == 0 && hasts)
		*ts_us = ts;
	return r;
}
