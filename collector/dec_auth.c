/*
 * dec_auth.c -- shared scanning helpers of the authentication decoders,
 * and the decoders of pam_unix, sudo, su, shadow's user and group tools
 * and systemd-logind (sshd is in dec_sshd.c).  Formats:
 * ../shared/reference/log-formats.md, section 5; fields:
 * docs/decoders/auth.md.
 *
 * Pure: works on msg[0..len) with memchr/memcmp (no regex, no NUL
 * termination, no allocation, no globals).  Values point into msg, or into
 * the record's scratch when they were transformed -- and constants
 * ("success", "sudo_command"...) are copied there too, so every value
 * lives inside the raw line or the record.  A decoder that does not
 * recognise its message rolls the record back to where it started.
 */
#include <arpa/inet.h>
#include <string.h>

#include "dec.h"
#include "dec_auth.h"
#include "err.h"
#include "fname.h"

/* Start a decode: remember where the record was. */
void
auth_begin(struct auth_out *o, struct record *ev)
{
	o->ev = ev;
	o->err = 0;
	record_mark(ev, &o->m);
}

/*
 * End a decode: r is 0 when the message was recognised.  Anything else,
 * or a full record, rolls back to the mark.
 */
int
auth_end(struct auth_out *o, int r)
{
	if (r == 0 && o->err == 0)
		return 0;
	record_rollback(o->ev, &o->m);
	return o->err != 0 ? o->err : ERR_FORMAT;
}

/* 1 when name was set before this decoder started: it must stay. */
static int
preset(const struct auth_out *o, const char *name)
{
	int i = record_find(o->ev, name, fname_id(name));

	return i >= 0 && i < o->m.nfields;
}

/* Add name=s[0..n) pointing into msg; empty values are not added. */
void
auth_put(struct auth_out *o, const char *name, const char *s, size_t n)
{
	int	 r;

	if (o->err != 0 || n == 0 || preset(o, name))
		return;
	if ((r = record_add(o->ev, name, s, n)) != 0)
		o->err = r;
}

/* Add name=s (a constant) copied into the record's scratch. */
void
auth_putc(struct auth_out *o, const char *name, const char *s)
{
	int	 r;

	if (o->err != 0 || preset(o, name))
		return;
	if ((r = record_addcopy(o->ev, name, s, strlen(s))) != 0)
		o->err = r;
}

/*
 * Add name=s[0..n) with sshd's vis(3) escapes (VIS_CSTYLE|VIS_NL|
 * VIS_TAB|VIS_OCTAL) decoded into scratch: "ren\303\251" -> "rené".
 * Without a backslash the value points into msg.  Unknown escapes stay
 * as written.
 */
void
auth_put_unvis(struct auth_out *o, const char *name, const char *s,
    size_t n)
{
	struct record	*ev = o->ev;
	char		*d;
	size_t		 i = 0, k = 0, room;
	unsigned	 v, nd;
	int		 r;

	if (o->err != 0 || n == 0 || preset(o, name))
		return;
	if (memchr(s, '\\', n) == NULL) {
		auth_put(o, name, s, n);
		return;
	}
	/* the decoded text is never longer than the escaped text */
	room = REC_SCRATCH - ev->scratchlen;
	if (n + 1 > room) {
		o->err = ERR_TOOBIG;
		return;
	}
	d = ev->scratch + ev->scratchlen;
	while (i < n) {
		if (s[i] != '\\' || i + 1 == n) {
			d[k++] = s[i++];
			continue;
		}
		i++;
		for (v = 0, nd = 0; nd < 3 && i + nd < n &&
		    s[i + nd] >= '0' && s[i + nd] <= '7'; nd++)
			v = v * 8 + (unsigned)(s[i + nd] - '0');
		if (nd > 0 && v <= 0xff) {
			d[k++] = (char)v;
			i += nd;
			continue;
		}
		switch (s[i]) {
		case 'n': d[k++] = '\n'; break;
		case 't': d[k++] = '\t'; break;
		case 'r': d[k++] = '\r'; break;
		case 'b': d[k++] = '\b'; break;
		case 'a': d[k++] = '\a'; break;
		case 'v': d[k++] = '\v'; break;
		case 'f': d[k++] = '\f'; break;
		case 's': d[k++] = ' '; break;
		case '\\': d[k++] = '\\'; break;
		default:
			d[k++] = '\\';	/* not an escape: keep it */
			continue;
		}
		i++;
	}
	d[k] = '\0';
	ev->scratchlen += k + 1;
	if ((r = record_add(ev, name, d, k)) != 0)
		o->err = r;
}

/* source.ip for an IP literal, else source.address. */
void
auth_put_addr(struct auth_out *o, const char *s, size_t n)
{
	auth_put(o, auth_is_ip(s, n) ? "source.ip" : "source.address", s, n);
}

/* 1 when s[0..n) is a valid IPv4 or IPv6 literal (no zone, no port). */
int
auth_is_ip(const char *s, size_t n)
{
	char		 buf[INET6_ADDRSTRLEN];
	unsigned char	 a[16];

	if (n == 0 || n >= sizeof(buf) || memchr(s, '\0', n) != NULL)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (memchr(s, ':', n) != NULL)
		return inet_pton(AF_INET6, buf, a) == 1;
	return inet_pton(AF_INET, buf, a) == 1;
}

/* 1 when s[0..n) is 1 to max decimal digits. */
int
auth_digits(const char *s, size_t n, size_t max)
{
	size_t	 i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* If *s starts with lit, step over it and return 1. */
int
auth_eat(const char **s, size_t *n, const char *lit, size_t ln)
{
	if (*n < ln || memcmp(*s, lit, ln) != 0)
		return 0;
	*s += ln;
	*n -= ln;
	return 1;
}

/* If s[0..*n) ends with lit, drop it and return 1. */
int
auth_chop(const char *s, size_t *n, const char *lit, size_t ln)
{
	if (*n < ln || memcmp(s + *n - ln, lit, ln) != 0)
		return 0;
	*n -= ln;
	return 1;
}

/* Offset of the first lit in s[0..n), or -1. */
ssize_t
auth_find(const char *s, size_t n, const char *lit, size_t ln)
{
	const char	*p = s, *e;

	/* needles are short words: memchr beats memmem's setup here */
	if (ln == 0 || n < ln)
		return -1;
	e = s + n - ln + 1;	/* where the first byte of lit may be */
	while ((p = memchr(p, lit[0], (size_t)(e - p))) != NULL) {
		if (memcmp(p, lit, ln) == 0)
			return p - s;
		p++;
	}
	return -1;
}

/* Offset of the last lit in s[0..n), or -1. */
ssize_t
auth_rfind(const char *s, size_t n, const char *lit, size_t ln)
{
	const char	*p;

	if (ln == 0 || n < ln)
		return -1;
	n -= ln - 1;	/* where the first byte of lit may be */
	while ((p = memrchr(s, lit[0], n)) != NULL) {
		if (memcmp(p, lit, ln) == 0)
			return p - s;
		n = (size_t)(p - s);
	}
	return -1;
}

/*
 * Take a quoted name: *s starts with "'"; the value runs to the next "'"
 * (shadow quotes names, which cannot contain one).
 */
int
auth_quoted(const char **s, size_t *n, const char **v, size_t *vn)
{
	const char	*q;

	if (*n < 2 || **s != '\'' ||
	    (q = memchr(*s + 1, '\'', *n - 1)) == NULL)
		return 0;
	*v = *s + 1;
	*vn = (size_t)(q - *v);
	*n -= (size_t)(q + 1 - *s);
	*s = q + 1;
	return 1;
}

/*
 * Prepare a message: drop the trailing LF/CR (rsyslog #4384) and leading
 * spaces (rsyslog #160 leaves one; sudo's user column has more), and
 * unwrap rsyslog's repeat reduction "message repeated N times: [ msg]",
 * which gives rsyslog.repeated=N.
 */
void
auth_prep(struct auth_out *o, const char **s, size_t *n)
{
	const char	*p, *c;
	size_t		 m, cn;

	while (*n > 0 && ((*s)[*n - 1] == '\n' || (*s)[*n - 1] == '\r'))
		(*n)--;
	while (*n > 0 && **s == ' ') {
		(*s)++;
		(*n)--;
	}
	p = *s;
	m = *n;
	if (!AUTH_EAT(&p, &m, "message repeated ") || m == 0)
		return;
	c = p;
	for (cn = 0; cn < m && p[cn] >= '0' && p[cn] <= '9'; cn++)
		;
	p += cn;
	m -= cn;
	if (!auth_digits(c, cn, 10) || !AUTH_EAT(&p, &m, " times: [") ||
	    !AUTH_CHOP(p, &m, "]"))
		return;
	while (m > 0 && *p == ' ') {
		p++;
		m--;
	}
	auth_put(o, "rsyslog.repeated", c, cn);
	*s = p;
	*n = m;
}

/*
 * Split "key=value key=value ..." (pam_unix's failure details) on spaces;
 * empty tokens (the double space before "user=") are skipped, unknown
 * keys ignored.  -1 when a uid is not a number.
 */
static int
pam_kv(struct auth_out *o, const char *s, size_t n)
{
	const char	*e = s + n, *t, *eq, *sp, *v;
	size_t		 tn, kn, vn;

	for (t = s; t < e; t = sp + 1) {
		if ((sp = memchr(t, ' ', (size_t)(e - t))) == NULL)
			sp = e;
		tn = (size_t)(sp - t);
		if ((eq = memchr(t, '=', tn)) == NULL)
			continue;
		kn = (size_t)(eq - t);
		v = eq + 1;
		vn = (size_t)(sp - v);
#define KEY(k)	(kn == sizeof(k) - 1 && memcmp(t, k, kn) == 0)
		if (KEY("logname"))
			auth_put(o, "pam.logname", v, vn);
		else if (KEY("uid") || KEY("euid")) {
			if (vn > 0 && !auth_digits(v, vn, 10))
				return -1;
			auth_put(o, kn == 3 ? "pam.uid" : "pam.euid", v, vn);
		} else if (KEY("tty"))
			auth_put(o, "pam.tty", v, vn);
		else if (KEY("ruser"))
			auth_put(o, "pam.ruser", v, vn);
		else if (KEY("rhost")) {
			if (vn > 0)
				auth_put_addr(o, v, vn);
		} else if (KEY("user"))
			auth_put(o, "user.name", v, vn);
#undef KEY
	}
	return 0;
}

/*
 * "NAME(uid=N)" at the end of s[0..n): *nm gets NAME (may be empty), *id
 * the digits.  -1 when s is not of that shape.
 */
static int
pam_uidname(const char *s, size_t n, const char **id, size_t *idn,
    size_t *nmn)
{
	ssize_t	 i;

	if (!AUTH_CHOP(s, &n, ")") ||
	    (i = AUTH_RFIND(s, n, "(uid=")) < 0)
		return -1;
	*id = s + i + 5;
	*idn = n - (size_t)i - 5;
	*nmn = (size_t)i;
	return auth_digits(*id, *idn, 10) ? 0 : -1;
}

/*
 * "session opened for user U(uid=N) by LOGIN(uid=M)", the older "for user
 * U by LOGIN(uid=M)", and sshd's empty LOGIN "by (uid=0)".
 */
static int
pam_opened(struct auth_out *o, const char *s, size_t n)
{
	const char	*by, *id, *lid;
	size_t		 bn, un, idn = 0, ln, lidn;
	ssize_t		 i;

	if ((i = AUTH_RFIND(s, n, " by ")) < 0)
		return -1;
	by = s + i + 4;
	bn = n - (size_t)i - 4;
	un = (size_t)i;
	id = NULL;
	if (un > 0 && s[un - 1] == ')' && pam_uidname(s, un, &id, &idn,
	    &un) != 0)
		return -1;
	if (un == 0 || pam_uidname(by, bn, &lid, &lidn, &ln) != 0)
		return -1;
	auth_put(o, "user.name", s, un);
	auth_put(o, "user.id", id, idn);
	auth_put(o, "pam.logname", by, ln);
	auth_put(o, "pam.uid", lid, lidn);
	return 0;
}

/* Message of pam_unix, after the "pam_unix(service:type): " prefix. */
static int
pam_msg(struct auth_out *o, const char *s, size_t n)
{
	const char	*act, *cat = "authentication", *res = NULL;

	if (AUTH_EAT(&s, &n, "authentication failure; ")) {
		if (pam_kv(o, s, n) != 0)
			return -1;
		act = "pam_auth_failure";
		res = "failure";
	} else if (n == 24 && memcmp(s, "check pass; user unknown", 24) == 0) {
		act = "pam_user_unknown";
		res = "failure";
	} else if (AUTH_EAT(&s, &n, "session opened for user ")) {
		if (pam_opened(o, s, n) != 0)
			return -1;
		act = "pam_session_open";
		res = "success";
		cat = "session";
	} else if (AUTH_EAT(&s, &n, "session closed for user ")) {
		if (n == 0 || memchr(s, ' ', n) != NULL)
			return -1;
		auth_put(o, "user.name", s, n);
		act = "pam_session_close";
		cat = "session";
	} else if (AUTH_EAT(&s, &n, "password changed for ")) {
		if (n == 0 || memchr(s, ' ', n) != NULL)
			return -1;
		auth_put(o, "user.name", s, n);
		act = "pam_password_change";
		res = "success";
		cat = "iam";
	} else
		return -1;
	auth_putc(o, "event.action", act);
	if (res != NULL)
		auth_putc(o, "event.outcome", res);
	auth_putc(o, "event.category", cat);
	return 0;
}

/* 1..10 digits at the start of *s: step over them into *d, *dn */
static int
pam_num(const char **s, size_t *n, const char **d, size_t *dn)
{
	size_t	 k;

	for (k = 0; k < *n && (*s)[k] >= '0' && (*s)[k] <= '9'; k++)
		;
	if (k == 0 || k > 10)
		return 0;
	*d = *s;
	*dn = k;
	*s += k;
	*n -= k;
	return 1;
}

/*
 * libpam's own "PAM " prefix (pam_unix's cleanup runs after the module
 * returned, so pam_syslog has no module name): "PAM <n> more
 * authentication failure[s]; <details>" and "PAM service(<svc>) ignoring
 * max retries; <n> > <max>".
 */
static int
pam_summary(struct auth_out *o, const char *s, size_t n)
{
	const char	*a, *b, *svc;
	size_t		 an, bn, svn;
	ssize_t		 i;

	if (AUTH_EAT(&s, &n, "service(")) {
		if ((i = AUTH_FIND(s, n, ") ignoring max retries; ")) <= 0)
			return -1;
		svc = s;
		svn = (size_t)i;
		s += i + 24;
		n -= (size_t)i + 24;
		if (!pam_num(&s, &n, &a, &an) || !AUTH_EAT(&s, &n, " > ") ||
		    !pam_num(&s, &n, &b, &bn) || n != 0)
			return -1;
		auth_putc(o, "event.action", "pam_max_retries");
		auth_put(o, "pam.service", svc, svn);
		auth_put(o, "pam.retries", a, an);
		auth_put(o, "pam.max_retries", b, bn);
	} else {
		if (!pam_num(&s, &n, &a, &an) ||
		    !AUTH_EAT(&s, &n, " more authentication failure"))
			return -1;
		(void)AUTH_EAT(&s, &n, "s");
		if (!AUTH_EAT(&s, &n, "; ") || pam_kv(o, s, n) != 0)
			return -1;
		auth_putc(o, "event.action", "pam_more_failures");
		auth_put(o, "pam.more_failures", a, an);
	}
	auth_putc(o, "event.outcome", "failure");
	auth_putc(o, "event.category", "authentication");
	return 0;
}

/* 1 when s[0..n) is for auth_pam: "pam_unix(", "PAM <digit>", "PAM service(" */
int
auth_is_pam(const char *s, size_t n)
{
	if (AUTH_STARTS(s, n, "pam_unix("))
		return 1;
	if (!AUTH_EAT(&s, &n, "PAM ") || n == 0)
		return 0;
	return (*s >= '0' && *s <= '9') || AUTH_STARTS(s, n, "service(");
}

/* "pam_unix(<service>:<type>): <message>", or libpam's "PAM ..." */
int
auth_pam(struct auth_out *o, const char *s, size_t n)
{
	const char	*svc, *typ, *c;
	size_t		 svn, tyn;
	ssize_t		 i;

	if (AUTH_EAT(&s, &n, "PAM "))
		return pam_summary(o, s, n);
	if (!AUTH_EAT(&s, &n, "pam_unix(") ||
	    (i = AUTH_FIND(s, n, "): ")) < 0)
		return -1;
	svc = s;
	if ((c = memchr(s, ':', (size_t)i)) == NULL)
		return -1;
	svn = (size_t)(c - s);
	typ = c + 1;
	tyn = (size_t)(s + i - typ);
	if (svn == 0 || tyn == 0 || memchr(svc, ' ', (size_t)i) != NULL)
		return -1;
	s += i + 3;
	n -= (size_t)i + 3;
	if (pam_msg(o, s, n) != 0)
		return -1;
	auth_put(o, "pam.service", svc, svn);
	auth_put(o, "pam.type", typ, tyn);
	return 0;
}

int
dec_pam(const char *msg, size_t len, struct record *ev)
{
	struct auth_out	 o;

	auth_begin(&o, ev);
	auth_prep(&o, &msg, &len);
	return auth_end(&o, auth_pam(&o, msg, len));
}

/* sudo's reason text -> event.action */
static const char *
sudo_reason_action(const char *s, size_t n)
{
	size_t	 d;

	for (d = 0; d < n && s[d] >= '0' && s[d] <= '9'; d++)
		;
	if (d > 0 && n - d >= 27 &&
	    memcmp(s + d, " incorrect password attempt", 27) == 0)
		return "sudo_auth_failure";
	if (n >= 19 && memcmp(s, "user NOT in sudoers", 19) == 0)
		return "sudo_not_in_sudoers";
	if (n >= 19 && memcmp(s, "command not allowed", 19) == 0)
		return "sudo_command_not_allowed";
	return "sudo_rejected";
}

/*
 * The keys of a sudo log line in the order sudo writes them
 * (lib/eventlog/eventlog.c new_logline); COMMAND comes last and runs to
 * the end of the message.
 */
static const struct {
	const char	*key;
	size_t		 len;
	const char	*field;
} sudo_keys[] = {
	{ "HOST=", 5, "sudo.host" },
	{ "TTY=", 4, "sudo.tty" },
	{ "CHROOT=", 7, "sudo.chroot" },
	{ "PWD=", 4, "sudo.pwd" },
	{ "USER=", 5, "user.target.name" },
	{ "GROUP=", 6, "sudo.group" },
	{ "TSID=", 5, "sudo.tsid" },
	{ "ENV=", 4, "sudo.env" },
};
#define SUDO_NKEYS	(sizeof(sudo_keys) / sizeof(sudo_keys[0]))

/* 1 when a segment is "NAME=..." with NAME in capitals */
static int
sudo_newkey(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && s[i] >= 'A' && s[i] <= 'Z'; i++)
		;
	return i > 0 && i < n && s[i] == '=';
}

/*
 * "[reason ; ]TTY=.. ; PWD=.. ; USER=.. ; [GROUP=.. ; ]...COMMAND=..":
 * known keys must come in sudo's order; unknown capitalised keys after
 * them are skipped; text before the first key is the reason.
 */
static int
sudo_body(struct auth_out *o, const char *s, size_t n)
{
	const char	*e = s + n, *p = s, *seg, *reason = NULL;
	size_t		 k, next = 0, sn, rn = 0;
	ssize_t		 i;
	int		 keyed = 0;

	for (;;) {
		if (AUTH_STARTS(p, (size_t)(e - p), "COMMAND="))
			break;
		if ((i = AUTH_FIND(p, (size_t)(e - p), " ; ")) < 0)
			return -1;	/* no COMMAND= */
		seg = p;
		sn = (size_t)i;
		p += i + 3;
		for (k = 0; k < SUDO_NKEYS; k++)
			if (sn >= sudo_keys[k].len && memcmp(seg,
			    sudo_keys[k].key, sudo_keys[k].len) == 0)
				break;
		if (k == SUDO_NKEYS) {
			if (keyed && sudo_newkey(seg, sn))
				continue;	/* a key of a newer sudo */
			if (keyed)
				return -1;	/* text between keys */
			reason = s;
			rn = (size_t)(seg + sn - s);
			continue;
		}
		if (k < next)
			return -1;	/* out of sudo's order */
		next = k + 1;
		keyed = 1;
		auth_put(o, sudo_keys[k].field, seg + sudo_keys[k].len,
		    sn - sudo_keys[k].len);
	}
	p += 8;
	auth_put(o, "process.command_line", p, (size_t)(e - p));
	if (reason == NULL) {
		auth_putc(o, "event.action", "sudo_command");
		auth_putc(o, "event.outcome", "success");
	} else {
		auth_putc(o, "event.action", sudo_reason_action(reason, rn));
		auth_putc(o, "event.outcome", "failure");
		auth_put(o, "event.reason", reason, rn);
	}
	return 0;
}

/* "%8s : body" (the user right-aligned; prep dropped the padding) */
static int
sudo_msg(struct auth_out *o, const char *s, size_t n)
{
	size_t	 k;
	ssize_t	 i;

	if (auth_is_pam(s, n))
		return auth_pam(o, s, n);
	if ((i = AUTH_FIND(s, n, " : ")) <= 0)
		return -1;
	for (k = 0; k < (size_t)i; k++)
		if ((unsigned char)s[k] <= ' ')
			return -1;	/* a user name has no space, no NUL */
	auth_put(o, "user.name", s, (size_t)i);
	auth_putc(o, "event.category", "process");
	s += i + 3;
	n -= (size_t)i + 3;
	if (AUTH_EAT(&s, &n, "(command continued)")) {
		if (n > 0 && *s == ' ') {
			s++;
			n--;
		}
		auth_putc(o, "event.action", "sudo_command_continued");
		auth_put(o, "process.command_line", s, n);
		return 0;
	}
	return sudo_body(o, s, n);
}

int
dec_sudo(const char *msg, size_t len, struct record *ev)
{
	struct auth_out	 o;

	auth_begin(&o, ev);
	auth_prep(&o, &msg, &len);
	return auth_end(&o, sudo_msg(&o, msg, len));
}

/* util-linux: "[FAILED SU ](to <new>) <old> on <tty>" */
static int
su_msg(struct auth_out *o, const char *s, size_t n)
{
	const char	*res = "success";
	ssize_t		 i, j;

	if (auth_is_pam(s, n))
		return auth_pam(o, s, n);
	if (AUTH_EAT(&s, &n, "FAILED SU ") ||
	    AUTH_EAT(&s, &n, "FAILED RUNUSER "))
		res = "failure";
	if (!AUTH_EAT(&s, &n, "(to ") ||
	    (i = AUTH_FIND(s, n, ") ")) <= 0 ||
	    (j = AUTH_FIND(s + i + 2, n - (size_t)i - 2, " on ")) < 0 ||
	    (size_t)(i + 2 + j + 4) >= n)
		return -1;
	auth_putc(o, "event.action", "su");
	auth_putc(o, "event.outcome", res);
	auth_putc(o, "event.category", "authentication");
	auth_put(o, "user.target.name", s, (size_t)i);
	auth_put(o, "user.name", s + i + 2, (size_t)j);
	s += i + 2 + j + 4;
	n -= (size_t)(i + 2 + j + 4);
	auth_put(o, "su.tty", s, n);
	return 0;
}

int
dec_su(const char *msg, size_t len, struct record *ev)
{
	struct auth_out	 o;

	auth_begin(&o, ev);
	auth_prep(&o, &msg, &len);
	return auth_end(&o, su_msg(&o, msg, len));
}

/* systemd writes ids and names bare, or (v255+) in single quotes */
static int
logind_word(const char **s, size_t *n, const char **v, size_t *vn,
    int sep)
{
	const char	*p;

	if (*n > 0 && **s == '\'')
		return auth_quoted(s, n, v, vn) && *vn > 0;
	if ((p = memchr(*s, sep, *n)) == NULL || p == *s)
		return 0;
	*v = *s;
	*vn = (size_t)(p - *s);
	*n -= *vn;
	*s = p;
	return 1;
}

/* 1 when a session id is 1..64 letters and digits ("5", "c1") */
static int
logind_id(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

static int
logind_msg(struct auth_out *o, const char *s, size_t n)
{
	const char	*id, *u, *act, *cl = NULL, *ty = NULL;
	size_t		 idn, un, cln = 0, tyn = 0;

	if (AUTH_EAT(&s, &n, "New session ")) {
		if (!logind_word(&s, &n, &id, &idn, ' ') ||
		    !AUTH_EAT(&s, &n, " of user "))
			return -1;
		if (n > 0 && *s == '\'') {
			if (!auth_quoted(&s, &n, &u, &un) || (AUTH_EAT(&s, &n,
			    " with class ") && (!auth_quoted(&s, &n, &cl,
			    &cln) || !AUTH_EAT(&s, &n, " and type ") ||
			    !auth_quoted(&s, &n, &ty, &tyn))))
				return -1;
		} else {
			/* names may hold dots: the last one ends the line */
			if (n == 0)
				return -1;
			u = s;
			un = n - 1;
			s += un;
			n = 1;
		}
		if (un == 0 || memchr(u, ' ', un) != NULL)
			return -1;
		act = "session_new";
	} else if (AUTH_EAT(&s, &n, "Session ")) {
		if (!logind_word(&s, &n, &id, &idn, ' ') ||
		    !AUTH_EAT(&s, &n, " logged out. Waiting for processes to "
		    "exit"))
			return -1;
		u = NULL;
		un = 0;
		act = "session_logout";
	} else if (AUTH_EAT(&s, &n, "Removed session ")) {
		if (!logind_word(&s, &n, &id, &idn, '.'))
			return -1;
		u = NULL;
		un = 0;
		act = "session_removed";
	} else
		return -1;
	if (n != 1 || *s != '.' || !logind_id(id, idn))
		return -1;
	auth_putc(o, "event.action", act);
	auth_putc(o, "event.category", "session");
	auth_put(o, "logind.session_id", id, idn);
	auth_put(o, "user.name", u, un);
	auth_put(o, "logind.class", cl, cln);
	auth_put(o, "logind.type", ty, tyn);
	return 0;
}

int
dec_logind(const char *msg, size_t len, struct record *ev)
{
	struct auth_out	 o;

	auth_begin(&o, ev);
	auth_prep(&o, &msg, &len);
	return auth_end(&o, logind_msg(&o, msg, len));
}
