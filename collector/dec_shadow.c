/*
 * dec_shadow.c -- decoder for the user and group tools of shadow-maint
 * (useradd, usermod, userdel, groupadd, groupdel, passwd, chpasswd,
 * gpasswd...; log-formats.md section 5; fields in docs/decoders/auth.md).
 * pam_unix lines under these programs ("password changed for x") go to
 * auth_pam (dec_auth.c).  Shadow quotes names with "'", which a name
 * cannot contain, so quoted spans are exact.
 * Pure: no allocation, no NUL termination.
 */
#include <string.h>

#include "dec.h"
#include "dec_auth.h"
#include "err.h"

static const char *const shadow_apps[] = {
	"useradd", "usermod", "userdel", "groupadd", "groupdel", "groupmod",
	"passwd", "chpasswd", "gpasswd", "chgpasswd", "newusers", "chage",
	NULL
};

/* *v = s up to the first lit; step over both */
static int
upto(const char **s, size_t *n, const char *lit, size_t ln, const char **v,
    size_t *vn)
{
	ssize_t	 i;

	if ((i = auth_find(*s, *n, lit, ln)) < 0)
		return 0;
	*v = *s;
	*vn = (size_t)i;
	*s += (size_t)i + ln;
	*n -= (size_t)i + ln;
	return 1;
}
#define UPTO(s, n, lit, v, vn)						\
	upto((s), (n), (lit), sizeof(lit) - 1, (v), (vn))

/* "new user: name=%s, UID=%u, GID=%u, home=%s, shell=%s[, from=%s]" */
static int
shadow_newuser(struct auth_out *o, const char *s, size_t n)
{
	const char	*nm, *uid, *gid, *home, *from = NULL;
	size_t		 nmn, uidn, gidn, homen, fromn = 0;
	ssize_t		 i;

	if (!UPTO(&s, &n, ", UID=", &nm, &nmn) ||
	    !UPTO(&s, &n, ", GID=", &uid, &uidn) ||
	    !UPTO(&s, &n, ", home=", &gid, &gidn) ||
	    !UPTO(&s, &n, ", shell=", &home, &homen) || nmn == 0 ||
	    !auth_digits(uid, uidn, 10) || !auth_digits(gid, gidn, 10))
		return -1;
	/* from= (newer shadow) is the last key; the shell ends before it */
	if ((i = AUTH_RFIND(s, n, ", from=")) >= 0) {
		from = s + i + 7;
		fromn = n - (size_t)i - 7;
		n = (size_t)i;
	}
	auth_putc(o, "event.action", "user_added");
	auth_put(o, "user.target.name", nm, nmn);
	auth_put(o, "user.target.id", uid, uidn);
	auth_put(o, "group.id", gid, gidn);
	auth_put(o, "shadow.home", home, homen);
	auth_put(o, "shadow.shell", s, n);
	auth_put(o, "shadow.from", from, fromn);
	return 0;
}

/* after "group added to ": "%s: name=%s[, GID=%u]" (no GID for gshadow) */
static int
shadow_groupadded(struct auth_out *o, const char *s, size_t n)
{
	const char	*file, *nm, *gid = NULL;
	size_t		 filen, nmn, gidn = 0;

	if (!UPTO(&s, &n, ": name=", &file, &filen) || filen == 0)
		return -1;
	nm = s;
	nmn = n;
	if (UPTO(&s, &n, ", GID=", &nm, &nmn)) {
		if (!auth_digits(s, n, 10))
			return -1;
		gid = s;
		gidn = n;
	}
	if (nmn == 0)
		return -1;
	auth_putc(o, "event.action", "group_added");
	auth_put(o, "group.name", nm, nmn);
	auth_put(o, "group.id", gid, gidn);
	auth_put(o, "shadow.file", file, filen);
	return 0;
}

/*
 * after "change user ": "name '%s' to '%s'" or
 * "'%s' <what>[ from '%s' to '%s']"
 */
static int
shadow_change(struct auth_out *o, const char *s, size_t n)
{
	const char	*u, *what, *old = NULL, *new = NULL;
	size_t		 un, whatn, oldn = 0, newn = 0;

	if (AUTH_EAT(&s, &n, "name ")) {
		if (!auth_quoted(&s, &n, &old, &oldn) ||
		    !AUTH_EAT(&s, &n, " to ") ||
		    !auth_quoted(&s, &n, &new, &newn) || n != 0)
			return -1;
		u = old;
		un = oldn;
		what = NULL;
		whatn = 0;
	} else {
		if (!auth_quoted(&s, &n, &u, &un) || !AUTH_EAT(&s, &n, " ") ||
		    n == 0)
			return -1;
		what = s;
		whatn = n;
		if (UPTO(&s, &n, " from ", &what, &whatn) &&
		    (!auth_quoted(&s, &n, &old, &oldn) ||
		    !AUTH_EAT(&s, &n, " to ") ||
		    !auth_quoted(&s, &n, &new, &newn) || n != 0))
			return -1;
		if (whatn == 0 || memchr(what, ' ', whatn) != NULL)
			return -1;
	}
	auth_putc(o, "event.action", "user_modified");
	auth_put(o, "user.target.name", u, un);
	if (what == NULL)
		auth_putc(o, "shadow.change", "name");
	else
		auth_put(o, "shadow.change", what, whatn);
	auth_put(o, "shadow.old", old, oldn);
	auth_put(o, "shadow.new", new, newn);
	return 0;
}

/* "'<user>' to|from [shadow ]group '<group>'" after add/delete */
static int
shadow_member(struct auth_out *o, const char *s, size_t n, const char *prep,
    size_t prepn, const char *act)
{
	const char	*u, *g;
	size_t		 un, gn;

	if (!auth_quoted(&s, &n, &u, &un) ||
	    !auth_eat(&s, &n, prep, prepn))
		return -1;
	if (AUTH_EAT(&s, &n, "shadow "))
		auth_putc(o, "shadow.gshadow", "true");
	if (!AUTH_EAT(&s, &n, "group ") || !auth_quoted(&s, &n, &g, &gn) ||
	    n != 0)
		return -1;
	auth_putc(o, "event.action", act);
	auth_put(o, "user.target.name", u, un);
	auth_put(o, "group.name", g, gn);
	return 0;
}

static int
shadow_msg(struct auth_out *o, const char *s, size_t n)
{
	const char	*a, *b;
	size_t		 an, bn;
	int		 r = -1;

	if (auth_is_pam(s, n))
		return auth_pam(o, s, n);
	if (AUTH_EAT(&s, &n, "new user: name="))
		r = shadow_newuser(o, s, n);
	else if (AUTH_EAT(&s, &n, "new group: name=")) {
		if (UPTO(&s, &n, ", GID=", &a, &an) && an > 0 &&
		    auth_digits(s, n, 10)) {
			auth_putc(o, "event.action", "group_added");
			auth_put(o, "group.name", a, an);
			auth_put(o, "group.id", s, n);
			r = 0;
		}
	} else if (AUTH_EAT(&s, &n, "group added to "))
		r = shadow_groupadded(o, s, n);
	else if (AUTH_EAT(&s, &n, "add "))
		r = shadow_member(o, s, n, " to ", 4, "user_added_to_group");
	else if (AUTH_EAT(&s, &n, "delete user ")) {
		if (auth_quoted(&s, &n, &a, &an) && n == 0) {
			auth_putc(o, "event.action", "user_deleted");
			auth_put(o, "user.target.name", a, an);
			r = 0;
		}
	} else if (AUTH_EAT(&s, &n, "delete "))
		r = shadow_member(o, s, n, " from ", 6,
		    "user_removed_from_group");
	else if (AUTH_EAT(&s, &n, "change user "))
		r = shadow_change(o, s, n);
	else if (AUTH_STARTS(s, n, "lock user ") ||
	    AUTH_STARTS(s, n, "unlock user ")) {
		b = *s == 'u' ? "unlock" : "lock";
		an = *s == 'u' ? 12 : 10;
		s += an;
		n -= an;
		if (auth_quoted(&s, &n, &a, &an) && n == 9 &&
		    memcmp(s, " password", 9) == 0) {
			auth_putc(o, "event.action", "user_modified");
			auth_put(o, "user.target.name", a, an);
			auth_putc(o, "shadow.change", b);
			r = 0;
		}
	} else if (AUTH_EAT(&s, &n, "removed ")) {
		/* userdel: "removed [shadow ]group '%s' owned by '%s'" */
		if (AUTH_EAT(&s, &n, "shadow "))
			auth_putc(o, "shadow.gshadow", "true");
		if (AUTH_EAT(&s, &n, "group ") &&
		    auth_quoted(&s, &n, &a, &an) &&
		    AUTH_EAT(&s, &n, " owned by ") &&
		    auth_quoted(&s, &n, &b, &bn) && n == 0) {
			auth_putc(o, "event.action", "group_deleted");
			auth_put(o, "group.name", a, an);
			auth_put(o, "user.target.name", b, bn);
			r = 0;
		}
	} else if (AUTH_EAT(&s, &n, "group ")) {
		/* groupdel: "group '%s' removed[ from %s]" */
		if (auth_quoted(&s, &n, &a, &an) &&
		    AUTH_EAT(&s, &n, " removed") &&
		    (n == 0 || AUTH_EAT(&s, &n, " from "))) {
			auth_putc(o, "event.action", "group_deleted");
			auth_put(o, "group.name", a, an);
			auth_put(o, "shadow.file", s, n);
			r = 0;
		}
	} else if (AUTH_EAT(&s, &n, "password for ")) {
		if (auth_quoted(&s, &n, &a, &an) &&
		    AUTH_EAT(&s, &n, " changed by ") &&
		    auth_quoted(&s, &n, &b, &bn) && n == 0) {
			auth_putc(o, "event.action", "password_changed");
			auth_putc(o, "event.outcome", "success");
			auth_put(o, "user.target.name", a, an);
			auth_put(o, "user.name", b, bn);
			r = 0;
		}
	}
	if (r != 0)
		return -1;
	auth_putc(o, "event.category", "iam");
	return 0;
}

int
dec_shadow(const char *app, size_t applen, const char *msg, size_t len,
    struct record *ev)
{
	struct auth_out	 o;
	int		 i;

	for (i = 0; shadow_apps[i] != NULL; i++)
		if (strlen(shadow_apps[i]) == applen &&
		    memcmp(shadow_apps[i], app, applen) == 0)
			break;
	if (shadow_apps[i] == NULL)
		return ERR_FORMAT;
	auth_begin(&o, ev);
	auth_prep(&o, &msg, &len);
	return auth_end(&o, shadow_msg(&o, msg, len));
}
