/*
 * test_dec_auth.c -- unit tests for the authentication decoders
 * (collector/dec_auth.c, dec_sshd.c, dec_shadow.c): every message form of
 * log-formats.md section 5 with all its fields, rsyslog's leading space,
 * trailing LF and repeat reduction, lines no decoder may accept (the
 * record must stay exactly as it was), truncation at every byte, NUL
 * bytes, 64 KiB messages, fields out of order, vis(3) escapes and a full
 * record.  Ends with an informational lines/s figure.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dec.h"
#include "err.h"
#include "fname.h"
#include "record.h"
#include "test.h"

typedef int (*decfn)(const char *, size_t, struct record *);

static struct record	 ev;
static const char	*cur_app = "useradd";

static int
shadow_cur(const char *m, size_t n, struct record *r)
{
	return dec_shadow(cur_app, strlen(cur_app), m, n, r);
}

/* every value lies in msg[0..n) or in the record's used scratch */
static int
values_inside(const struct record *r, const char *m, size_t n, int from)
{
	int	 i;

	for (i = from; i < r->nfields; i++) {
		const char	*v = r->f[i].val;
		size_t		 l = r->f[i].len;

		if (v >= m && l <= n && (size_t)(v - m) <= n - l)
			continue;
		if (v >= r->scratch && l < r->scratchlen &&
		    (size_t)(v - r->scratch) <= r->scratchlen - l - 1)
			continue;
		fprintf(stderr, "outside: %s=\"%.*s\"\n", r->f[i].name,
		    (int)l, v);
		return 0;
	}
	return 1;
}

/*
 * Decode m[0..n) into a fresh record holding one preset field (as decode.c
 * sets host.name first); check the contract; return the result.
 */
static int
run_n(decfn fn, const char *m, size_t n)
{
	int	 r;

	record_init(&ev);
	record_add(&ev, "host.name", "h1", 2);
	r = fn(m, n, &ev);
	T_OK(r == 0 || r == ERR_FORMAT);
	if (r != 0) {
		T_INT(ev.nfields, 1);
		T_INT(ev.scratchlen, 0);
	} else
		T_OK(ev.nfields > 1);
	T_OK(values_inside(&ev, m, n, 1));
	return r;
}

static int
run(decfn fn, const char *m)
{
	return run_n(fn, m, strlen(m));
}

#define F(name, want) do {						\
	size_t _l = 0;							\
	const char *_v = record_get(&ev, (name), &_l);			\
	T_STRN(_v, _l, (want));						\
} while (0)
#define NOF(name) do {							\
	size_t _l;							\
	T_OK(record_get(&ev, (name), &_l) == NULL);			\
} while (0)
#define NF(n)	T_INT(ev.nfields, 1 + (n))

/* a line is refused: ERR_FORMAT and the record untouched */
static void
refuse(decfn fn, const char *m)
{
	if (run(fn, m) != ERR_FORMAT)
		fprintf(stderr, "accepted: \"%s\"\n", m);
}

static void
test_sshd_login(void)
{
	T_INT(run(dec_sshd, "Accepted password for deploy from 203.0.113.7 "
	    "port 51234 ssh2"), 0);
	F("event.action", "ssh_login");
	F("event.outcome", "success");
	F("event.category", "authentication");
	F("user.name", "deploy");
	F("source.ip", "203.0.113.7");
	F("source.port", "51234");
	F("ssh.method", "password");
	NOF("ssh.submethod");
	NOF("user.invalid");
	NOF("ssh.preauth");
	NF(7);

	T_INT(run(dec_sshd, "Accepted publickey for deploy from 2001:db8::7 "
	    "port 2222 ssh2: ED25519 SHA256:2mX4rNcVvJ1oP6o8e1yqC6wX0y3oNQv6"
	    "w1Xh1zZkL9c"), 0);
	F("source.ip", "2001:db8::7");
	F("source.port", "2222");
	F("ssh.method", "publickey");
	F("ssh.key_type", "ED25519");
	F("ssh.key_fingerprint",
	    "SHA256:2mX4rNcVvJ1oP6o8e1yqC6wX0y3oNQv6w1Xh1zZkL9c");
	NF(9);

	/* certificate: the words after the fingerprint are not fields */
	T_INT(run(dec_sshd, "Accepted publickey for ci from 10.1.2.3 port 1 "
	    "ssh2: ED25519-CERT SHA256:AAAA ID ci-bot (serial 7) CA ED25519 "
	    "SHA256:BBBB"), 0);
	F("ssh.key_type", "ED25519-CERT");
	F("ssh.key_fingerprint", "SHA256:AAAA");

	T_INT(run(dec_sshd, "Failed password for invalid user admin from "
	    "198.51.100.23 port 40022 ssh2"), 0);
	F("event.action", "ssh_login");
	F("event.outcome", "failure");
	F("user.name", "admin");
	F("user.invalid", "true");
	F("source.ip", "198.51.100.23");

	T_INT(run(dec_sshd, "Failed password for root from 198.51.100.23 "
	    "port 40022 ssh2"), 0);
	F("event.outcome", "failure");
	F("user.name", "root");
	NOF("user.invalid");

	T_INT(run(dec_sshd, "Failed none for invalid user  from 198.51.100.23 "
	    "port 40022 ssh2"), 0);
	NOF("user.name");
	F("user.invalid", "true");
	F("ssh.method", "none");

	T_INT(run(dec_sshd, "Postponed keyboard-interactive/pam for deploy "
	    "from 203.0.113.7 port 51234 ssh2 [preauth]"), 0);
	F("event.action", "ssh_login");
	NOF("event.outcome");
	F("ssh.method", "keyboard-interactive");
	F("ssh.submethod", "pam");
	F("ssh.preauth", "true");
	F("user.name", "deploy");

	T_INT(run(dec_sshd, "Accepted keyboard-interactive/pam for deploy "
	    "from 203.0.113.7 port 51234 ssh2"), 0);
	F("ssh.method", "keyboard-interactive");
	F("ssh.submethod", "pam");
	F("event.outcome", "success");

	T_INT(run(dec_sshd, "Partial publickey for deploy from 203.0.113.7 "
	    "port 51234 ssh2: RSA SHA256:q1w2e3"), 0);
	F("event.action", "ssh_login");
	NOF("event.outcome");
	F("ssh.key_type", "RSA");
	F("ssh.key_fingerprint", "SHA256:q1w2e3");
}

static void
test_sshd_other(void)
{
	T_INT(run(dec_sshd, "Invalid user oracle from 198.51.100.23 port "
	    "40022"), 0);
	F("event.action", "ssh_invalid_user");
	F("event.outcome", "failure");
	F("user.name", "oracle");
	F("user.invalid", "true");
	F("source.ip", "198.51.100.23");
	F("source.port", "40022");
	NF(7);

	T_INT(run(dec_sshd, "Invalid user  from 198.51.100.23 port 40022"), 0);
	NOF("user.name");
	F("source.ip", "198.51.100.23");

	/* the client picks the name; the address is taken from the right */
	T_INT(run(dec_sshd, "Invalid user x from 6.6.6.6 port 1 from "
	    "198.51.100.23 port 40022"), 0);
	F("user.name", "x from 6.6.6.6 port 1");
	F("source.ip", "198.51.100.23");
	F("source.port", "40022");
	T_INT(run(dec_sshd, "Failed password for a b from 6.6.6.6 port 1 ssh2 "
	    "from 198.51.100.23 port 40022 ssh2"), 0);
	F("user.name", "a b from 6.6.6.6 port 1 ssh2");
	F("source.ip", "198.51.100.23");

	T_INT(run(dec_sshd, "error: maximum authentication attempts exceeded "
	    "for invalid user admin from 198.51.100.23 port 40022 ssh2 "
	    "[preauth]"), 0);
	F("event.action", "ssh_max_auth_exceeded");
	F("event.outcome", "failure");
	F("user.name", "admin");
	F("user.invalid", "true");
	F("ssh.preauth", "true");
	F("source.port", "40022");
	T_INT(run(dec_sshd, "error: maximum authentication attempts exceeded "
	    "for root from 198.51.100.23 port 40022 ssh2 [preauth]"), 0);
	F("user.name", "root");
	NOF("user.invalid");

	T_INT(run(dec_sshd, "Disconnecting authenticating user root "
	    "198.51.100.23 port 40022: Too many authentication failures "
	    "[preauth]"), 0);
	F("event.action", "ssh_too_many_failures");
	F("event.outcome", "failure");
	F("event.reason", "Too many authentication failures");
	F("user.name", "root");
	F("source.ip", "198.51.100.23");
	F("source.port", "40022");
	F("ssh.preauth", "true");
	NOF("user.invalid");
	T_INT(run(dec_sshd, "Disconnecting invalid user admin 198.51.100.23 "
	    "port 40022: Too many authentication failures [preauth]"), 0);
	F("user.invalid", "true");
	F("user.name", "admin");
	T_INT(run(dec_sshd, "Disconnecting: Too many authentication failures "
	    "for root [preauth]"), 0);
	F("event.action", "ssh_too_many_failures");
	NOF("source.ip");

	T_INT(run(dec_sshd, "Connection closed by authenticating user root "
	    "198.51.100.23 port 40022 [preauth]"), 0);
	F("event.action", "ssh_connection_closed");
	F("user.name", "root");
	F("source.ip", "198.51.100.23");
	F("source.port", "40022");
	F("ssh.preauth", "true");
	T_INT(run(dec_sshd, "Connection closed by invalid user admin "
	    "198.51.100.23 port 40022 [preauth]"), 0);
	F("user.name", "admin");
	F("user.invalid", "true");
	T_INT(run(dec_sshd, "Connection closed by 198.51.100.23 port 40022 "
	    "[preauth]"), 0);
	NOF("user.name");
	F("source.ip", "198.51.100.23");
	NF(5);
	T_INT(run(dec_sshd, "Connection closed by authenticating user  "
	    "198.51.100.23 port 40022 [preauth]"), 0);
	NOF("user.name");
	T_INT(run(dec_sshd, "Connection reset by 198.51.100.23 port 40022 "
	    "[preauth]"), 0);
	F("event.action", "ssh_connection_reset");

	T_INT(run(dec_sshd, "Disconnected from user deploy 203.0.113.7 port "
	    "51234"), 0);
	F("event.action", "ssh_disconnect");
	F("user.name", "deploy");
	F("source.ip", "203.0.113.7");
	F("source.port", "51234");
	NOF("ssh.preauth");
	T_INT(run(dec_sshd, "Disconnected from invalid user admin "
	    "198.51.100.23 port 40022 [preauth]"), 0);
	F("user.invalid", "true");
	F("ssh.preauth", "true");
	T_INT(run(dec_sshd, "Disconnected from 203.0.113.7 port 51234"), 0);
	NOF("user.name");
	T_INT(run(dec_sshd, "Disconnected from authenticating user root "
	    "198.51.100.23 port 40022 [preauth]"), 0);
	F("user.name", "root");

	T_INT(run(dec_sshd, "Received disconnect from 203.0.113.7 port "
	    "51234:11: disconnected by user"), 0);
	F("event.action", "ssh_received_disconnect");
	F("source.ip", "203.0.113.7");
	F("source.port", "51234");
	F("ssh.disconnect_code", "11");
	F("ssh.disconnect_reason", "disconnected by user");
	T_INT(run(dec_sshd, "Received disconnect from 198.51.100.23 port "
	    "40022:11: Bye Bye [preauth]"), 0);
	F("ssh.disconnect_reason", "Bye Bye");
	F("ssh.preauth", "true");
	T_INT(run(dec_sshd, "Received disconnect from fe80::1 port 22:3: "
	    "com.jcraft.jsch.JSchException: Auth fail [preauth]"), 0);
	F("source.ip", "fe80::1");
	F("ssh.disconnect_code", "3");
	F("ssh.disconnect_reason", "com.jcraft.jsch.JSchException: Auth fail");
	T_INT(run(dec_sshd, "Received disconnect from authenticating user "
	    "root 198.51.100.23 port 40022:11:  [preauth]"), 0);
	F("user.name", "root");
	NOF("ssh.disconnect_reason");
	/* an address sshd could not print as a literal */
	T_INT(run(dec_sshd, "Connection closed by UNKNOWN port 65535"), 0);
	NOF("source.ip");
	F("source.address", "UNKNOWN");
	F("source.port", "65535");
}

static void
test_sshd_escapes(void)
{
	size_t		 l;
	const char	*v;

	T_INT(run(dec_sshd, "Invalid user ren\\303\\251 from 198.51.100.23 "
	    "port 40022"), 0);
	F("user.name", "ren\303\251");
	T_OK(ev.scratchlen > 0);
	T_INT(run(dec_sshd, "Invalid user a\\nb\\tc\\\\d\\se\\x\\777 from "
	    "198.51.100.23 port 40022"), 0);
	F("user.name", "a\nb\tc\\d e\\x\\777");
	T_INT(run(dec_sshd, "Failed password for invalid user \\033[2J from "
	    "198.51.100.23 port 40022 ssh2"), 0);
	F("user.name", "\033[2J");
	T_INT(run(dec_sshd, "Invalid user a\\0b\\ from 198.51.100.23 port 1"),
	    0);
	v = record_get(&ev, "user.name", &l);
	T_INT(l, 4);
	T_OK(v != NULL && memcmp(v, "a\0b\\", 4) == 0);
	/* without a backslash the value points into the line */
	T_INT(run(dec_sshd, "Invalid user plain from 198.51.100.23 port 1"), 0);
	T_INT(ev.scratchlen, sizeof("ssh_invalid_user") +
	    sizeof("failure") + sizeof("true") + sizeof("authentication"));
}

static void
test_sshd_pam(void)
{
	T_INT(run(dec_sshd, "pam_unix(sshd:auth): authentication failure; "
	    "logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.23  "
	    "user=root"), 0);
	F("event.action", "pam_auth_failure");
	F("event.outcome", "failure");
	F("event.category", "authentication");
	F("pam.service", "sshd");
	F("pam.type", "auth");
	F("pam.uid", "0");
	F("pam.euid", "0");
	F("pam.tty", "ssh");
	F("source.ip", "198.51.100.23");
	F("user.name", "root");
	NOF("pam.logname");
	NOF("pam.ruser");
	NOF("user.id");
	NF(10);

	T_INT(run(dec_sshd, "PAM 2 more authentication failures; logname= "
	    "uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.23  user=root"), 0);
	F("event.action", "pam_more_failures");
	F("event.outcome", "failure");
	F("pam.more_failures", "2");
	F("user.name", "root");
	F("source.ip", "198.51.100.23");
	T_INT(run(dec_pam, "PAM 1 more authentication failure; logname= uid=0 "
	    "euid=0 tty=ssh ruser= rhost=host.example.net "), 0);
	F("pam.more_failures", "1");
	F("source.address", "host.example.net");
	NOF("source.ip");
	NOF("user.name");

	T_INT(run(dec_sshd, "PAM service(sshd) ignoring max retries; 6 > 3"),
	    0);
	F("event.action", "pam_max_retries");
	F("pam.service", "sshd");
	F("pam.retries", "6");
	F("pam.max_retries", "3");
	F("event.outcome", "failure");

	T_INT(run(dec_sshd, "pam_unix(sshd:session): session opened for user "
	    "deploy(uid=1000) by (uid=0)"), 0);
	F("event.action", "pam_session_open");
	F("user.name", "deploy");
	F("user.id", "1000");
	F("pam.uid", "0");
	NOF("pam.logname");
}

static void
test_pam(void)
{
	T_INT(run(dec_pam, "pam_unix(sudo:auth): authentication failure; "
	    "logname=deploy uid=1000 euid=0 tty=/dev/pts/0 ruser=deploy "
	    "rhost= "), 0);
	F("pam.service", "sudo");
	F("pam.type", "auth");
	F("pam.logname", "deploy");
	F("pam.uid", "1000");
	F("pam.euid", "0");
	F("pam.tty", "/dev/pts/0");
	F("pam.ruser", "deploy");
	NOF("user.name");
	NOF("source.ip");
	NOF("source.address");
	/* the trailing space may be lost on the way */
	T_INT(run(dec_pam, "pam_unix(login:auth): authentication failure; "
	    "logname=LOGIN uid=0 euid=0 tty=tty1 ruser= rhost="), 0);
	F("pam.tty", "tty1");
	T_INT(run(dec_pam, "pam_unix(sshd:auth): authentication failure; "
	    "logname= uid=0 euid=0 tty=ssh ruser= rhost=::ffff:192.0.2.4  "
	    "user=bob"), 0);
	F("source.ip", "::ffff:192.0.2.4");

	T_INT(run(dec_pam, "pam_unix(sshd:auth): check pass; user unknown"),
	    0);
	F("event.action", "pam_user_unknown");
	F("event.outcome", "failure");
	F("pam.service", "sshd");
	NF(5);

	T_INT(run(dec_pam, "pam_unix(sudo:session): session opened for user "
	    "root(uid=0) by deploy(uid=1000)"), 0);
	F("event.action", "pam_session_open");
	F("event.outcome", "success");
	F("event.category", "session");
	F("pam.type", "session");
	F("user.name", "root");
	F("user.id", "0");
	F("pam.logname", "deploy");
	F("pam.uid", "1000");
	NF(9);
	T_INT(run(dec_pam, "pam_unix(cron:session): session opened for user "
	    "root by (uid=0)"), 0);
	F("user.name", "root");
	NOF("user.id");
	F("pam.uid", "0");
	NOF("pam.logname");
	T_INT(run(dec_pam, "pam_unix(su-l:session): session opened for user "
	    "postgres by deploy(uid=1000)"), 0);
	F("pam.service", "su-l");
	F("pam.logname", "deploy");

	T_INT(run(dec_pam, "pam_unix(sshd:session): session closed for user "
	    "deploy"), 0);
	F("event.action", "pam_session_close");
	F("user.name", "deploy");
	NOF("event.outcome");

	T_INT(run(dec_pam, "pam_unix(passwd:chauthtok): password changed for "
	    "deploy"), 0);
	F("event.action", "pam_password_change");
	F("event.outcome", "success");
	F("pam.type", "chauthtok");
	F("user.name", "deploy");
}

static void
test_sudo(void)
{
	T_INT(run(dec_sudo, "  deploy : TTY=pts/0 ; PWD=/home/deploy ; "
	    "USER=root ; COMMAND=/usr/bin/apt update"), 0);
	F("user.name", "deploy");
	F("event.action", "sudo_command");
	F("event.outcome", "success");
	F("event.category", "process");
	F("sudo.tty", "pts/0");
	F("sudo.pwd", "/home/deploy");
	F("user.target.name", "root");
	F("process.command_line", "/usr/bin/apt update");
	NOF("event.reason");
	NF(8);

	T_INT(run(dec_sudo, "  deploy : TTY=pts/1 ; PWD=/srv ; USER=postgres "
	    "; GROUP=postgres ; TSID=000001 ; ENV=PGDATA=/srv/pg LANG=C ; "
	    "COMMAND=/usr/bin/psql -c select 1 ; select 2"), 0);
	F("sudo.group", "postgres");
	F("sudo.tsid", "000001");
	F("sudo.env", "PGDATA=/srv/pg LANG=C");
	F("user.target.name", "postgres");
	F("process.command_line", "/usr/bin/psql -c select 1 ; select 2");

	T_INT(run(dec_sudo, " mallory : 3 incorrect password attempts ; "
	    "TTY=pts/2 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash"),
	    0);
	F("user.name", "mallory");
	F("event.action", "sudo_auth_failure");
	F("event.outcome", "failure");
	F("event.reason", "3 incorrect password attempts");
	F("process.command_line", "/bin/bash");
	T_INT(run(dec_sudo, "  deploy : 1 incorrect password attempt ; "
	    "TTY=pts/2 ; PWD=/ ; USER=root ; COMMAND=/bin/ls"), 0);
	F("event.action", "sudo_auth_failure");

	T_INT(run(dec_sudo, "     eve : user NOT in sudoers ; TTY=pts/3 ; "
	    "PWD=/home/eve ; USER=root ; COMMAND=/usr/bin/id"), 0);
	F("user.name", "eve");
	F("event.action", "sudo_not_in_sudoers");
	F("event.reason", "user NOT in sudoers");

	T_INT(run(dec_sudo, "  deploy : command not allowed ; TTY=pts/0 ; "
	    "PWD=/home/deploy ; USER=root ; COMMAND=/sbin/reboot"), 0);
	F("event.action", "sudo_command_not_allowed");
	F("event.outcome", "failure");

	T_INT(run(dec_sudo, "  deploy : a password is required ; TTY=unknown "
	    "; PWD=/ ; USER=root ; COMMAND=/bin/true"), 0);
	F("event.action", "sudo_rejected");
	F("event.reason", "a password is required");
	F("sudo.tty", "unknown");
	/* reason and error string both come before the keys */
	T_INT(run(dec_sudo, "  deploy : command not allowed ; unable to "
	    "stat x ; TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/x"), 0);
	F("event.reason", "command not allowed ; unable to stat x");

	T_INT(run(dec_sudo, "averyverylongusername : TTY=pts/0 ; PWD=/ ; "
	    "USER=root ; COMMAND=/bin/true"), 0);
	F("user.name", "averyverylongusername");

	T_INT(run(dec_sudo, "  deploy : HOST=web1 ; TTY=pts/0 ; CHROOT=/jail "
	    "; PWD=/ ; USER=root ; FUTURE=1 ; COMMAND=/bin/true"), 0);
	F("sudo.host", "web1");
	F("sudo.chroot", "/jail");

	T_INT(run(dec_sudo, "  deploy : (command continued) --verbose --all"),
	    0);
	F("event.action", "sudo_command_continued");
	F("user.name", "deploy");
	F("process.command_line", "--verbose --all");
	NOF("event.outcome");

	T_INT(run(dec_sudo, "pam_unix(sudo:session): session closed for user "
	    "root"), 0);
	F("event.action", "pam_session_close");
	F("pam.service", "sudo");
}

static void
test_su(void)
{
	T_INT(run(dec_su, "(to root) deploy on pts/0"), 0);
	F("event.action", "su");
	F("event.outcome", "success");
	F("event.category", "authentication");
	F("user.target.name", "root");
	F("user.name", "deploy");
	F("su.tty", "pts/0");
	NF(6);
	T_INT(run(dec_su, "FAILED SU (to root) mallory on pts/2"), 0);
	F("event.outcome", "failure");
	F("user.name", "mallory");
	T_INT(run(dec_su, "(to nobody) root on none"), 0);
	F("su.tty", "none");
	T_INT(run(dec_su, "(to root)  on pts/0"), 0);
	NOF("user.name");
	T_INT(run(dec_su, "FAILED RUNUSER (to app) root on pts/1"), 0);
	F("event.outcome", "failure");
	T_INT(run(dec_su, "pam_unix(su:session): session opened for user "
	    "root(uid=0) by deploy(uid=1000)"), 0);
	F("pam.service", "su");
}

static void
test_shadow(void)
{
	cur_app = "useradd";
	T_INT(run(shadow_cur, "new group: name=bob, GID=1001"), 0);
	F("event.action", "group_added");
	F("event.category", "iam");
	F("group.name", "bob");
	F("group.id", "1001");
	NF(4);
	T_INT(run(shadow_cur, "new user: name=bob, UID=1001, GID=1001, "
	    "home=/home/bob, shell=/bin/bash, from=/dev/pts/0"), 0);
	F("event.action", "user_added");
	F("user.target.name", "bob");
	F("user.target.id", "1001");
	F("group.id", "1001");
	F("shadow.home", "/home/bob");
	F("shadow.shell", "/bin/bash");
	F("shadow.from", "/dev/pts/0");
	NF(8);
	T_INT(run(shadow_cur, "new user: name=bob, UID=1001, GID=100, "
	    "home=/home/bob, shell=/bin/sh"), 0);
	F("shadow.shell", "/bin/sh");
	NOF("shadow.from");
	T_INT(run(shadow_cur, "add 'bob' to group 'sudo'"), 0);
	F("event.action", "user_added_to_group");
	F("user.target.name", "bob");
	F("group.name", "sudo");
	NOF("shadow.gshadow");
	T_INT(run(shadow_cur, "add 'bob' to shadow group 'sudo'"), 0);
	F("shadow.gshadow", "true");

	cur_app = "groupadd";
	T_INT(run(shadow_cur, "group added to /etc/group: name=ops, GID=1002"),
	    0);
	F("event.action", "group_added");
	F("group.name", "ops");
	F("group.id", "1002");
	F("shadow.file", "/etc/group");
	T_INT(run(shadow_cur, "group added to /etc/gshadow: name=ops"), 0);
	F("group.name", "ops");
	NOF("group.id");

	cur_app = "usermod";
	T_INT(run(shadow_cur, "change user 'bob' shell from '/bin/sh' to "
	    "'/bin/bash'"), 0);
	F("event.action", "user_modified");
	F("user.target.name", "bob");
	F("shadow.change", "shell");
	F("shadow.old", "/bin/sh");
	F("shadow.new", "/bin/bash");
	T_INT(run(shadow_cur, "change user name 'bob' to 'robert'"), 0);
	F("user.target.name", "bob");
	F("shadow.change", "name");
	F("shadow.new", "robert");
	T_INT(run(shadow_cur, "change user 'bob' password"), 0);
	F("shadow.change", "password");
	NOF("shadow.old");
	T_INT(run(shadow_cur, "change user 'bob' UID from '1001' to '2001'"),
	    0);
	F("shadow.change", "UID");
	F("shadow.new", "2001");
	T_INT(run(shadow_cur, "lock user 'bob' password"), 0);
	F("shadow.change", "lock");
	T_INT(run(shadow_cur, "unlock user 'bob' password"), 0);
	F("shadow.change", "unlock");

	cur_app = "userdel";
	T_INT(run(shadow_cur, "delete user 'bob'"), 0);
	F("event.action", "user_deleted");
	F("user.target.name", "bob");
	T_INT(run(shadow_cur, "removed group 'bob' owned by 'bob'"), 0);
	F("event.action", "group_deleted");
	F("group.name", "bob");
	T_INT(run(shadow_cur, "delete 'bob' from shadow group 'sudo'"), 0);
	F("event.action", "user_removed_from_group");
	F("shadow.gshadow", "true");

	cur_app = "groupdel";
	T_INT(run(shadow_cur, "group 'ops' removed from /etc/group"), 0);
	F("event.action", "group_deleted");
	F("shadow.file", "/etc/group");
	T_INT(run(shadow_cur, "group 'ops' removed"), 0);
	NOF("shadow.file");

	cur_app = "passwd";
	T_INT(run(shadow_cur, "password for 'bob' changed by 'root'"), 0);
	F("event.action", "password_changed");
	F("event.outcome", "success");
	F("user.target.name", "bob");
	F("user.name", "root");
	T_INT(run(shadow_cur, "pam_unix(passwd:chauthtok): password changed "
	    "for bob"), 0);
	F("event.action", "pam_password_change");

	cur_app = "chpasswd";
	T_INT(run(shadow_cur, "pam_unix(chpasswd:chauthtok): password changed "
	    "for bob"), 0);
	F("pam.service", "chpasswd");
	cur_app = "sshd";
	refuse(shadow_cur, "password for 'bob' changed by 'root'");
	cur_app = "";
	refuse(shadow_cur, "delete user 'bob'");
}

static void
test_logind(void)
{
	T_INT(run(dec_logind, "New session 5 of user deploy."), 0);
	F("event.action", "session_new");
	F("event.category", "session");
	F("logind.session_id", "5");
	F("user.name", "deploy");
	NF(4);
	T_INT(run(dec_logind, "New session c1 of user gdm."), 0);
	F("logind.session_id", "c1");
	T_INT(run(dec_logind, "New session 12 of user john.doe."), 0);
	F("user.name", "john.doe");
	T_INT(run(dec_logind, "New session '7' of user 'deploy' with class "
	    "'user' and type 'tty'."), 0);
	F("logind.session_id", "7");
	F("user.name", "deploy");
	F("logind.class", "user");
	F("logind.type", "tty");
	T_INT(run(dec_logind, "Session 5 logged out. Waiting for processes to "
	    "exit."), 0);
	F("event.action", "session_logout");
	F("logind.session_id", "5");
	NOF("user.name");
	T_INT(run(dec_logind, "Removed session 5."), 0);
	F("event.action", "session_removed");
	T_INT(run(dec_logind, "Removed session c12."), 0);
	F("logind.session_id", "c12");
}

/* rsyslog: #160 leading space, #4384 trailing LF, repeat reduction */
static void
test_rsyslog(void)
{
	T_INT(run(dec_sshd, " Accepted password for deploy from 203.0.113.7 "
	    "port 51234 ssh2\n"), 0);
	F("user.name", "deploy");
	F("source.port", "51234");
	T_INT(run(dec_sshd, "message repeated 3 times: [ Failed password for "
	    "root from 198.51.100.23 port 40022 ssh2]"), 0);
	F("rsyslog.repeated", "3");
	F("event.action", "ssh_login");
	F("source.port", "40022");
	T_INT(run(dec_sudo, "message repeated 2 times: [   deploy : TTY=pts/0 "
	    "; PWD=/ ; USER=root ; COMMAND=/bin/ls]"), 0);
	F("rsyslog.repeated", "2");
	F("process.command_line", "/bin/ls");
	T_INT(run(dec_pam, "message repeated 2 times: [ pam_unix(sshd:auth): "
	    "check pass; user unknown]"), 0);
	F("rsyslog.repeated", "2");
	/* control characters as rsyslog stores them stay as written */
	T_INT(run(dec_sudo, "  deploy : TTY=pts/0 ; PWD=/ ; USER=root ; "
	    "COMMAND=/bin/echo a#011b"), 0);
	F("process.command_line", "/bin/echo a#011b");
	refuse(dec_sshd, "message repeated 3 times: [ Server listening on "
	    "0.0.0.0 port 22.]");
	refuse(dec_sshd, "message repeated x times: [ Failed password for "
	    "root from 198.51.100.23 port 40022 ssh2]");
}

static void
test_refused(void)
{
	static const char *const sshd[] = {
		"", " ", "\n", "error: ",
		"Server listening on 0.0.0.0 port 22.",
		"Accepted", "Accepted ", "Accepted password",
		"Accepted password for root",
		"Accepted password for root from 1.2.3.4 port x ssh2",
		"Accepted password for root from 1.2.3.4 port 22",
		"Accepted password for root from 1.2.3.4 port 123456 ssh2",
		"Accepted password for root from 1.2.3.4 port 22 ssh1",
		"Accepted password for root from 1.2.3.4 port 22 ssh2x",
		"Accepted  for root from 1.2.3.4 port 22 ssh2",
		"Accepted password from 1.2.3.4 port 22 for root ssh2",
		"Invalid user x from 1.2.3.4 port 22 ssh2",
		"Invalid user x from 1.2.3.4",
		"Invalid user x from  port 22",
		"Invalid user from 1.2.3.4 port 22",
		"Connection closed by", "Connection closed by 1.2.3.4",
		"Connection closed by 1.2.3.4 port ",
		"Connection closed by user 1.2.3.4 port 22",
		"Connection closed by nobody x 1.2.3.4 port 22",
		"Connection closed by  port 22",
		"Disconnected from foo bar 1.2.3.4 port 22",
		"Disconnecting 1.2.3.4 port 22 Too many",
		"Received disconnect from 1.2.3.4 port 22: 11: x",
		"Received disconnect from 1.2.3.4 port 22:x: y",
		"Received disconnect from 1.2.3.4 port 22:11 y",
		"pam_unix(sshd:auth): something else",
		"PAM x more authentication failures; uid=0",
		"PAM service(sshd) ignoring max retries; 6 >",
		"maximum authentication attempts exceeded for root",
		"Timeout before authentication for 1.2.3.4 port 22",
		"[preauth]", " [preauth]",
	};
	static const char *const pam[] = {
		"", "pam_unix(", "pam_unix(sshd:auth)", "pam_unix(sshd:auth): ",
		"pam_unix(:auth): check pass; user unknown",
		"pam_unix(sshd:): check pass; user unknown",
		"pam_unix(sshd): check pass; user unknown",
		"pam_unix(ss hd:auth): check pass; user unknown",
		"pam_unix(sshd:auth): check pass; user unknown!",
		"pam_unix(sshd:auth): authentication failure; uid=abc",
		"pam_unix(sshd:auth): authentication failure; euid=-1",
		"pam_unix(sshd:session): session opened for user x(uid=1a) by "
		    "(uid=0)",
		"pam_unix(sshd:session): session opened for user x(uid=1) by "
		    "root",
		"pam_unix(sshd:session): session opened for user  by (uid=0)",
		"pam_unix(sshd:session): session opened for user x(uid=) by "
		    "(uid=0)",
		"pam_unix(sshd:session): session closed for user ",
		"pam_unix(sshd:session): session closed for user a b",
		"pam_unix(passwd:chauthtok): password changed for ",
		"pam_systemd(sshd:session): New sd-bus connection",
		"PAM ", "PAM service(", "PAM 3", "PAM 3 more",
	};
	static const char *const sudo[] = {
		"", "deploy", "deploy : ",
		"deploy : TTY=pts/0 ; PWD=/ ; USER=root",
		"deploy TTY=pts/0 ; COMMAND=/bin/ls",
		" : TTY=pts/0 ; COMMAND=/bin/ls",
		"de ploy : TTY=pts/0 ; COMMAND=/bin/ls",
		"deploy : PWD=/ ; TTY=pts/0 ; USER=root ; COMMAND=/bin/ls",
		"deploy : TTY=pts/0 ; TTY=pts/1 ; COMMAND=/bin/ls",
		"deploy : TTY=pts/0 ; garbage ; COMMAND=/bin/ls",
		"unable to resolve host web1: Name or service not known",
		"deploy : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND",
	};
	static const char *const su[] = {
		"", "(to root deploy on pts/0", "FAILED SU root",
		"(to root) deploy", "(to root) deploy on ", "(to ) x on pts/0",
		"FAILED SU", "Successful su for root by deploy",
		"+ pts/0 deploy:root",
	};
	static const char *const logind[] = {
		"", "New session 5 of user deploy",
		"New session  of user deploy.",
		"New session 5 of user .", "New session 5 of user a b.",
		"Session 5 logged out.", "Removed session 5",
		"Removed session 5!.", "Removed session .",
		"New session '5' of user 'x' with class 'user'.",
		"New session '5 of user x.", "New session 5 of user 'x",
		"Watching system buttons on /dev/input/event0 (Power Button)",
		"Removed session 5.x",
	};
	static const char *const shadow[] = {
		"", "new user: name=bob",
		"new user: name=bob, UID=x, GID=1, home=/h, shell=/bin/sh",
		"new user: UID=1001, name=bob, GID=1, home=/h, shell=/bin/sh",
		"new user: name=, UID=1, GID=1, home=/h, shell=/bin/sh",
		"new group: name=bob", "new group: name=bob, GID=",
		"new group: name=, GID=1",
		"group added to : name=x, GID=1",
		"group added to /etc/group: name=x, GID=z",
		"add 'bob' to group sudo", "add 'bob' to group 'sudo' now",
		"add 'bob to group 'sudo'", "change user 'bob'",
		"change user 'bob' ", "change user 'bob' shell from '/a' to",
		"change user name 'bob'", "password for bob changed by root",
		"password for 'bob' changed by 'root' again",
		"delete user bob", "lock user 'bob'", "group 'x' removedx",
		"removed group 'a' owned by", "frobnicate 'bob'",
	};
	size_t	 i;

	for (i = 0; i < sizeof(sshd) / sizeof(sshd[0]); i++)
		refuse(dec_sshd, sshd[i]);
	for (i = 0; i < sizeof(pam) / sizeof(pam[0]); i++) {
		refuse(dec_pam, pam[i]);
		refuse(dec_sshd, pam[i]);
	}
	for (i = 0; i < sizeof(sudo) / sizeof(sudo[0]); i++)
		refuse(dec_sudo, sudo[i]);
	for (i = 0; i < sizeof(su) / sizeof(su[0]); i++)
		refuse(dec_su, su[i]);
	for (i = 0; i < sizeof(logind) / sizeof(logind[0]); i++)
		refuse(dec_logind, logind[i]);
	cur_app = "usermod";
	for (i = 0; i < sizeof(shadow) / sizeof(shadow[0]); i++)
		refuse(shadow_cur, shadow[i]);
	/* a NULL msg with length 0 */
	T_INT(run_n(dec_sshd, NULL, 0), ERR_FORMAT);
	T_INT(run_n(dec_pam, NULL, 0), ERR_FORMAT);
	T_INT(run_n(dec_sudo, NULL, 0), ERR_FORMAT);
	T_INT(run_n(dec_su, NULL, 0), ERR_FORMAT);
	T_INT(run_n(dec_logind, NULL, 0), ERR_FORMAT);
	T_INT(run_n(shadow_cur, NULL, 0), ERR_FORMAT);
}

static const struct {
	decfn		 fn;
	const char	*line;
} samples[] = {
	{ dec_sshd, "Accepted publickey for deploy from 2001:db8::7 port 22 "
	    "ssh2: ED25519 SHA256:2mX4rNcVvJ1oP6o8e1yqC6wX0y3oNQv6w1Xh1z" },
	{ dec_sshd, "Failed password for invalid user ren\\303\\251 from "
	    "198.51.100.23 port 40022 ssh2" },
	{ dec_sshd, "Disconnecting authenticating user root 198.51.100.23 "
	    "port 40022: Too many authentication failures [preauth]" },
	{ dec_sshd, "Received disconnect from 203.0.113.7 port 51234:11: "
	    "disconnected by user" },
	{ dec_sshd, "message repeated 3 times: [ Connection closed by invalid "
	    "user admin 198.51.100.23 port 40022 [preauth]]" },
	{ dec_sshd, "PAM service(sshd) ignoring max retries; 6 > 3" },
	{ dec_pam, "pam_unix(sshd:auth): authentication failure; logname= "
	    "uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.23  user=root" },
	{ dec_pam, "pam_unix(sudo:session): session opened for user "
	    "root(uid=0) by deploy(uid=1000)" },
	{ dec_sudo, "  deploy : 3 incorrect password attempts ; TTY=pts/1 ; "
	    "PWD=/srv ; USER=postgres ; GROUP=pg ; TSID=000001 ; ENV=A=1 ; "
	    "COMMAND=/usr/bin/psql" },
	{ dec_sudo, "  deploy : (command continued) --all" },
	{ dec_su, "FAILED SU (to root) mallory on pts/2" },
	{ dec_logind, "New session '7' of user 'deploy' with class 'user' "
	    "and type 'tty'." },
	{ dec_logind, "Session 5 logged out. Waiting for processes to exit." },
	{ shadow_cur, "new user: name=bob, UID=1001, GID=1001, home=/home/bob, "
	    "shell=/bin/bash, from=/dev/pts/0" },
	{ shadow_cur, "change user 'bob' shell from '/bin/sh' to '/bin/bash'" },
	{ shadow_cur, "password for 'bob' changed by 'root'" },
};
#define NSAMPLES	(sizeof(samples) / sizeof(samples[0]))

/*
 * Every prefix of every sample in a buffer of exactly that size (ASan
 * sees any read past it), then one NUL byte at each position.
 */
static void
test_truncate_nul(void)
{
	size_t	 i, k, n;
	char	*b;
	int	 bad = 0;

	cur_app = "passwd";
	for (i = 0; i < NSAMPLES; i++) {
		n = strlen(samples[i].line);
		T_INT(run(samples[i].fn, samples[i].line), 0);
		for (k = 0; k <= n; k++) {
			if ((b = malloc(k + 1)) == NULL)
				abort();
			memcpy(b, samples[i].line, k);
			if (run_n(samples[i].fn, b, k) != 0 &&
			    run_n(samples[i].fn, b, k) != ERR_FORMAT)
				bad++;
			free(b);
		}
		if ((b = malloc(n)) == NULL)
			abort();
		for (k = 0; k < n; k++) {
			memcpy(b, samples[i].line, n);
			b[k] = '\0';
			(void)run_n(samples[i].fn, b, n);
		}
		free(b);
	}
	T_INT(bad, 0);

	/* a NUL inside the address: not an IP literal */
	T_INT(run_n(dec_sshd, "Invalid user x from 1.2.3.4\0 port 22", 36), 0);
	NOF("source.ip");
	T_OK(record_get(&ev, "source.address", &n) != NULL && n == 8);
	T_INT(run_n(dec_sshd, "Invalid user a\0b from 1.2.3.4 port 22", 37), 0);
	T_OK(record_get(&ev, "user.name", &n) != NULL && n == 3);
	T_INT(run_n(dec_sudo, "\0deploy : TTY=x ; COMMAND=y", 27), ERR_FORMAT);
}

/* 64 KiB messages: big values, refused junk, and a full scratch */
static void
test_big(void)
{
	size_t	 n = 65536, l;
	char	*b;
	int	 i;

	if ((b = malloc(n)) == NULL)
		abort();
	memset(b, 'a', n);
	T_INT(run_n(dec_sshd, b, n), ERR_FORMAT);
	T_INT(run_n(dec_pam, b, n), ERR_FORMAT);
	T_INT(run_n(dec_sudo, b, n), ERR_FORMAT);
	T_INT(run_n(dec_su, b, n), ERR_FORMAT);
	T_INT(run_n(dec_logind, b, n), ERR_FORMAT);
	T_INT(run_n(shadow_cur, b, n), ERR_FORMAT);

	memcpy(b, "deploy : TTY=pts/0 ; COMMAND=", 29);
	T_INT(run_n(dec_sudo, b, n), 0);
	T_OK(record_get(&ev, "process.command_line", &l) != NULL &&
	    l == n - 29);

	/* a 64 KiB user name: points into the line */
	memcpy(b, "Invalid user ", 13);
	memcpy(b + n - 27, " from 192.0.2.1 port 65535", 26);
	b[n - 1] = '\n';
	T_INT(run_n(dec_sshd, b, n), 0);
	T_OK(record_get(&ev, "user.name", &l) != NULL && l == n - 13 - 27);
	/* escaped, it no longer fits in scratch: refused, rolled back */
	b[13] = '\\';
	record_init(&ev);
	T_INT(dec_sshd(b, n, &ev), ERR_TOOBIG);
	T_INT(ev.nfields, 0);
	T_INT(ev.scratchlen, 0);

	/* 64 KiB of " from " and " port " do not run away */
	for (i = 0; i + 6 <= (int)n; i += 6)
		memcpy(b + i, i % 12 ? " port " : " from ", 6);
	T_INT(run_n(dec_sshd, b, n), ERR_FORMAT);
	memcpy(b, "Connection closed by ", 21);
	T_INT(run_n(dec_sshd, b, n), ERR_FORMAT);
	memcpy(b, "Received disconnect from ", 25);
	T_INT(run_n(dec_sshd, b, n), ERR_FORMAT);
	free(b);
}

/* preset fields are never replaced; a full record rolls back */
static void
test_record(void)
{
	const char	*line = "Accepted password for deploy from 203.0.113.7 "
	    "port 51234 ssh2";
	size_t		 l;
	int		 i;

	record_init(&ev);
	record_add(&ev, "user.name", "preset", 6);
	T_INT(dec_sshd(line, strlen(line), &ev), 0);
	F("user.name", "preset");
	F("source.ip", "203.0.113.7");

	/* 3 free slots for 7 fields */
	record_init(&ev);
	for (i = 0; i < REC_FIELDS_MAX - 3; i++) {
		ev.f[i].name = "filler";
		ev.f[i].id = fname_id("filler");
		ev.f[i].val = "v";
		ev.f[i].len = 1;
	}
	ev.nfields = REC_FIELDS_MAX - 3;
	T_INT(dec_sshd(line, strlen(line), &ev), ERR_TOOBIG);
	T_INT(ev.nfields, REC_FIELDS_MAX - 3);
	T_INT(ev.scratchlen, 0);

	record_init(&ev);
	ev.scratchlen = REC_SCRATCH - 12;
	T_INT(dec_sshd(line, strlen(line), &ev), ERR_TOOBIG);
	T_INT(ev.nfields, 0);
	T_INT(ev.scratchlen, REC_SCRATCH - 12);
	T_OK(record_get(&ev, "event.action", &l) == NULL);
}

/* informational: decoder lines/s on one core; never fails */
static void
bench(void)
{
	struct timespec	 t0, t1;
	size_t		 lens[NSAMPLES], i;
	long		 k, iters = 50000;
	double		 s;
	int		 ok = 0;

	cur_app = "useradd";
	for (i = 0; i < NSAMPLES; i++)
		lens[i] = strlen(samples[i].line);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < iters; k++)
		for (i = 0; i < NSAMPLES; i++) {
			/* what decode.c sets before calling a decoder */
			record_init(&ev);
			record_add(&ev, "host.name", "web1", 4);
			record_add(&ev, "event.dataset", "auth", 4);
			record_add(&ev, "log.syslog.hostname", "web1", 4);
			record_add(&ev, "log.syslog.appname", "sshd", 4);
			record_add(&ev, "process.name", "sshd", 4);
			record_add(&ev, "process.pid", "1234", 4);
			record_add(&ev, "message", samples[i].line, lens[i]);
			ok += samples[i].fn(samples[i].line, lens[i], &ev) == 0;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("bench: %ld lines in %.3f s: %.0f lines/s (%d recognised)\n",
	    iters * (long)NSAMPLES, s, (double)iters * NSAMPLES / s, ok);
}

int
main(void)
{
	test_sshd_login();
	test_sshd_other();
	test_sshd_escapes();
	test_sshd_pam();
	test_pam();
	test_sudo();
	test_su();
	test_shadow();
	test_logind();
	test_rsyslog();
	test_refused();
	test_truncate_nul();
	test_big();
	test_record();
	bench();
	return TEST_DONE();
}
