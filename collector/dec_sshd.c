/*
 * dec_sshd.c -- decoder for OpenSSH sshd and sshd-session messages
 * (openssh-portable auth.c, auth2.c, packet.c; log-formats.md section 5;
 * fields in docs/decoders/auth.md).  pam_unix and libpam "PAM ..." lines
 * that arrive under sshd go to auth_pam (dec_auth.c).
 *
 * sshd writes "<ip> port <n>" after a user name it got from the client,
 * and that name may hold spaces or look like " from 1.2.3.4 port 1": the
 * address is therefore searched from the right, where the client has no
 * say.  User names are logged vis(3)-escaped and are decoded.
 * Pure: no allocation, no NUL termination.
 */
#include <string.h>

#include "dec.h"
#include "dec_auth.h"
#include "err.h"

/* "... from <ip> port <n>[ ssh2[: <extra>]]" split up */
struct ssh_from {
	const char	*user;
	size_t		 usern;
	const char	*ip;
	size_t		 ipn;
	const char	*port;
	size_t		 portn;
	const char	*extra;		/* after "ssh2: " */
	size_t		 extran;
};

/* "<ip> port <n>" at the start of s; *used gets its length */
static int
ssh_ipport(const char *s, size_t n, struct ssh_from *f, size_t *used)
{
	const char	*sp, *p;
	size_t		 m, k;

	if ((sp = memchr(s, ' ', n)) == NULL || sp == s)
		return -1;
	p = sp;
	m = n - (size_t)(sp - s);
	if (!AUTH_EAT(&p, &m, " port "))
		return -1;
	for (k = 0; k < m && p[k] >= '0' && p[k] <= '9'; k++)
		;
	if (k == 0 || k > 5)
		return -1;
	f->ip = s;
	f->ipn = (size_t)(sp - s);
	f->port = p;
	f->portn = k;
	*used = (size_t)(p + k - s);
	return 0;
}

/*
 * s is "<user> from <ip> port <n><tail>": the rightmost " from " whose
 * rest parses wins.  With ssh2 the tail is " ssh2" or " ssh2: <extra>",
 * else it is empty.  The user may be empty ("Invalid user  from").
 */
static int
ssh_from(const char *s, size_t n, int ssh2, struct ssh_from *f)
{
	const char	*t;
	size_t		 end = n, tn, used;
	ssize_t		 k;

	while ((k = AUTH_RFIND(s, end, " from ")) >= 0) {
		end = (size_t)k + 5;	/* next: one starting before k */
		t = s + k + 6;
		tn = n - (size_t)k - 6;
		if (ssh_ipport(t, tn, f, &used) != 0)
			continue;
		t += used;
		tn -= used;
		f->extra = NULL;
		f->extran = 0;
		if (ssh2) {
			if (!AUTH_EAT(&t, &tn, " ssh2"))
				continue;
			if (tn > 0 && !AUTH_EAT(&t, &tn, ": "))
				continue;
			f->extra = t;
			f->extran = tn;
		} else if (tn != 0)
			continue;
		f->user = s;
		f->usern = (size_t)k;
		return 0;
	}
	return -1;
}

/* user.name (unescaped), user.invalid, source.ip/address, source.port */
static void
ssh_put_from(struct auth_out *o, struct ssh_from *f, int strip_invalid)
{
	if (strip_invalid && AUTH_EAT(&f->user, &f->usern, "invalid user "))
		auth_putc(o, "user.invalid", "true");
	auth_put_unvis(o, "user.name", f->user, f->usern);
	auth_put_addr(o, f->ip, f->ipn);
	auth_put(o, "source.port", f->port, f->portn);
}

/*
 * sshd's connection id (packet.c sshpkt_fmt_connection_id): "[authenticating
 * user <u> |invalid user <u> |user <u> ]<ip> port <n>", all of s.
 */
static int
ssh_connid(struct auth_out *o, const char *s, size_t n)
{
	const char	*sp, *pre;
	size_t		 pn;
	ssize_t		 k;
	struct ssh_from	 f;

	if ((k = AUTH_RFIND(s, n, " port ")) <= 0 ||
	    !auth_digits(s + k + 6, n - (size_t)k - 6, 5))
		return -1;
	f.port = s + k + 6;
	f.portn = n - (size_t)k - 6;
	f.user = NULL;
	f.usern = 0;
	if ((sp = memrchr(s, ' ', (size_t)k)) == NULL)
		f.ip = s;
	else {
		f.ip = sp + 1;
		pre = s;
		pn = (size_t)(sp + 1 - s);	/* with the space */
		if (AUTH_EAT(&pre, &pn, "invalid user "))
			auth_putc(o, "user.invalid", "true");
		else if (!AUTH_EAT(&pre, &pn, "authenticating user ") &&
		    !AUTH_EAT(&pre, &pn, "user "))
			return -1;
		if (pn == 0)
			return -1;	/* "user 1.2.3.4 port 1": no ip */
		f.user = pre;
		f.usern = pn - 1;
	}
	f.ipn = (size_t)(s + k - f.ip);
	if (f.ipn == 0)
		return -1;
	ssh_put_from(o, &f, 0);
	return 0;
}

/*
 * The first " port <digits><sep>" in s: the end of a connection id that
 * is followed by more text.  -1 when there is none.
 */
static ssize_t
ssh_connid_end(const char *s, size_t n, const char *sep, size_t sepn)
{
	size_t	 off = 0, j;
	ssize_t	 k;

	while ((k = AUTH_FIND(s + off, n - off, " port ")) >= 0) {
		j = off + (size_t)k + 6;
		off = j;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j > off && n - j >= sepn && memcmp(s + j, sep, sepn) == 0)
			return (ssize_t)j;
	}
	return -1;
}

/* "Accepted|Failed|Postponed|Partial <method>[/<sub>] for ..." */
static int
ssh_login(struct auth_out *o, const char *s, size_t n, const char *res)
{
	const char	*m, *sub, *sp;
	size_t		 mn;
	struct ssh_from	 f;

	if ((sp = memchr(s, ' ', n)) == NULL || sp == s)
		return -1;
	m = s;
	mn = (size_t)(sp - s);
	n -= mn;
	s = sp;
	if (!AUTH_EAT(&s, &n, " for ") || ssh_from(s, n, 1, &f) != 0)
		return -1;
	auth_putc(o, "event.action", "ssh_login");
	if (res != NULL)
		auth_putc(o, "event.outcome", res);
	ssh_put_from(o, &f, 1);
	if ((sub = memchr(m, '/', mn)) != NULL) {
		auth_put(o, "ssh.submethod", sub + 1,
		    (size_t)(m + mn - sub - 1));
		mn = (size_t)(sub - m);
	}
	auth_put(o, "ssh.method", m, mn);
	/* "<key type> <fingerprint>[ ...]": a certificate adds "ID .. CA .." */
	if (f.extran > 0 && (sp = memchr(f.extra, ' ', f.extran)) != NULL &&
	    sp > f.extra) {
		auth_put(o, "ssh.key_type", f.extra, (size_t)(sp - f.extra));
		s = sp + 1;
		n = f.extran - (size_t)(s - f.extra);
		if ((sp = memchr(s, ' ', n)) != NULL)
			n = (size_t)(sp - s);
		auth_put(o, "ssh.key_fingerprint", s, n);
	}
	return 0;
}

/* "Disconnecting <connid>: <reason>" or the older "Disconnecting: <reason>" */
static int
ssh_disconnecting(struct auth_out *o, const char *s, size_t n)
{
	ssize_t	 j;

	if (!AUTH_EAT(&s, &n, ": ")) {
		if (!AUTH_EAT(&s, &n, " ") ||
		    (j = ssh_connid_end(s, n, ": ", 2)) < 0 ||
		    ssh_connid(o, s, (size_t)j) != 0)
			return -1;
		s += j + 2;
		n -= (size_t)j + 2;
	}
	if (AUTH_STARTS(s, n, "Too many authentication failures")) {
		auth_putc(o, "event.action", "ssh_too_many_failures");
		auth_putc(o, "event.outcome", "failure");
	} else
		auth_putc(o, "event.action", "ssh_disconnecting");
	auth_put(o, "event.reason", s, n);
	return 0;
}

/* "Received disconnect from <connid>:<code>: <text>" */
static int
ssh_received(struct auth_out *o, const char *s, size_t n)
{
	const char	*c;
	size_t		 cn;
	ssize_t		 j;

	if ((j = ssh_connid_end(s, n, ":", 1)) < 0 ||
	    ssh_connid(o, s, (size_t)j) != 0)
		return -1;
	s += j + 1;
	n -= (size_t)j + 1;
	for (c = s, cn = 0; cn < n && c[cn] >= '0' && c[cn] <= '9'; cn++)
		;
	s += cn;
	n -= cn;
	if (!auth_digits(c, cn, 10) || !AUTH_EAT(&s, &n, ":"))
		return -1;
	(void)AUTH_EAT(&s, &n, " ");
	auth_putc(o, "event.action", "ssh_received_disconnect");
	auth_put(o, "ssh.disconnect_code", c, cn);
	auth_put(o, "ssh.disconnect_reason", s, n);
	return 0;
}

/* s[0..n) after prep; 0 recognised, -1 not */
static int
sshd_msg(struct auth_out *o, const char *s, size_t n)
{
	struct ssh_from	 f;
	int		 preauth, r = -1;

	if (auth_is_pam(s, n))
		return auth_pam(o, s, n);
	(void)AUTH_EAT(&s, &n, "error: ");
	/* added to what the pre-authentication child logs */
	preauth = AUTH_CHOP(s, &n, " [preauth]");
	if (n == 0)
		return -1;
	switch (s[0]) {
	case 'A':
		if (AUTH_EAT(&s, &n, "Accepted "))
			r = ssh_login(o, s, n, "success");
		break;
	case 'F':
		if (AUTH_EAT(&s, &n, "Failed "))
			r = ssh_login(o, s, n, "failure");
		break;
	case 'P':
		if (AUTH_EAT(&s, &n, "Postponed ") ||
		    AUTH_EAT(&s, &n, "Partial "))
			r = ssh_login(o, s, n, NULL);
		break;
	case 'I':
		if (AUTH_EAT(&s, &n, "Invalid user ") &&
		    (r = ssh_from(s, n, 0, &f)) == 0) {
			auth_putc(o, "event.action", "ssh_invalid_user");
			auth_putc(o, "event.outcome", "failure");
			auth_putc(o, "user.invalid", "true");
			ssh_put_from(o, &f, 0);
		}
		break;
	case 'm':
		if (AUTH_EAT(&s, &n,
		    "maximum authentication attempts exceeded for ") &&
		    (r = ssh_from(s, n, 1, &f)) == 0) {
			auth_putc(o, "event.action", "ssh_max_auth_exceeded");
			auth_putc(o, "event.outcome", "failure");
			ssh_put_from(o, &f, 1);
		}
		break;
	case 'D':
		if (AUTH_EAT(&s, &n, "Disconnecting"))
			r = ssh_disconnecting(o, s, n);
		else if (AUTH_EAT(&s, &n, "Disconnected from ") &&
		    (r = ssh_connid(o, s, n)) == 0)
			auth_putc(o, "event.action", "ssh_disconnect");
		break;
	case 'C':
		if (AUTH_EAT(&s, &n, "Connection closed by ") &&
		    (r = ssh_connid(o, s, n)) == 0)
			auth_putc(o, "event.action", "ssh_connection_closed");
		else if (AUTH_EAT(&s, &n, "Connection reset by ") &&
		    (r = ssh_connid(o, s, n)) == 0)
			auth_putc(o, "event.action", "ssh_connection_reset");
		break;
	case 'R':
		if (AUTH_EAT(&s, &n, "Received disconnect from "))
			r = ssh_received(o, s, n);
		break;
	}
	if (r != 0)
		return -1;
	auth_putc(o, "event.category", "authentication");
	if (preauth)
		auth_putc(o, "ssh.preauth", "true");
	return 0;
}

int
dec_sshd(const char *msg, size_t len, struct record *ev)
{
	struct auth_out	 o;

	auth_begin(&o, ev);
	auth_prep(&o, &msg, &len);
	return auth_end(&o, sshd_msg(&o, msg, len));
}
