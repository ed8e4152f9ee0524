/*
 * hook.c -- vigil-shipper as a libvirt qemu hook (see hook.h and
 * docs/decoders/hook.md).
 *
 * The pure part formats one spool line from the call's arguments and the
 * scanned domain XML.  The shell (hook_main) reads stdin with a deadline,
 * appends the line with one write(2) and always returns 0: libvirt runs
 * hooks synchronously and a failing or slow hook fails or delays the VM
 * operation, which a log collector must never do.  Nothing is ever
 * written to stdout: for migrate and restore libvirt takes it as the new
 * domain XML.  Problems go to syslog(3) only.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "domxml.h"
#include "err.h"
#include "hook.h"

/* room kept for " mem_kib=N vcpus=N cut=1" while fitting the lists */
#define HOOK_TAIL_RESERVE	64

static const char hexdig[] = "0123456789ABCDEF";

int
hook_needs_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '"' || (unsigned char)s[i] < 0x21 ||
		    (unsigned char)s[i] > 0x7e)
			return 1;
	return 0;
}

size_t
hook_encode(const char *s, size_t n, char *out, size_t cap)
{
	size_t i;

	if (hook_needs_hex(s, n)) {
		if (2 * n <= cap)
			for (i = 0; i < n; i++) {
				out[2 * i] = hexdig[(unsigned char)s[i] >> 4];
				out[2 * i + 1] = hexdig[s[i] & 0x0f];
			}
		return 2 * n;
	}
	if (n + 2 <= cap) {
		out[0] = '"';
		memcpy(out + 1, s, n);
		out[n + 1] = '"';
	}
	return n + 2;
}

/* The line being written; max leaves room for the newline. */
struct line {
	char	*p;
	size_t	 len, max;
	int	 cut;
};

static size_t
room(const struct line *l)
{
	return l->max - l->len;
}

static void
put(struct line *l, const char *s, size_t n)
{
	if (n > room(l)) {
		n = room(l);
		l->cut = 1;
	}
	memcpy(l->p + l->len, s, n);
	l->len += n;
}

/* " key=VALUE" (value encoded); empty values are left out. */
static void
put_str(struct line *l, const char *key, const char *s, size_t n)
{
	size_t k = strlen(key), e;

	if (s == NULL || n == 0)
		return;
	e = (hook_needs_hex(s, n) ? 2 * n : n + 2);
	if (k + 2 + e > room(l)) {
		l->cut = 1;
		return;
	}
	l->p[l->len++] = ' ';
	memcpy(l->p + l->len, key, k);
	l->len += k;
	l->p[l->len++] = '=';
	l->len += hook_encode(s, n, l->p + l->len, room(l));
}

static void
put_num(struct line *l, const char *key, int64_t v)
{
	char	t[48];
	int	n;

	if (v < 0)
		return;
	n = snprintf(t, sizeof(t), " %s=%lld", key, (long long)v);
	if (n < 0 || (size_t)n > room(l)) {
		l->cut = 1;
		return;
	}
	put(l, t, (size_t)n);
}

/* At most max bytes of s, and whether that cut it. */
static size_t
capped(struct line *l, const char *s, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n > max) {
		l->cut = 1;
		n = max;
	}
	return n;
}

/* Item i of a list: an interface's mac/bridge/dev, or a disk. */
enum item { IT_MAC, IT_BRIDGE, IT_DEV, IT_DISK };

static const char *
item_get(const struct domxml *d, enum item w, size_t i)
{
	switch (w) {
	case IT_MAC:
		return d->iface[i].mac;
	case IT_BRIDGE:
		return d->iface[i].bridge;
	case IT_DEV:
		return d->iface[i].dev;
	case IT_DISK:
		return d->disk[i];
	}
	return "";
}

/* Bytes of s once ',' and '%' are written as %2C and %25. */
static size_t
item_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += (*s == ',' || *s == '%') ? 3 : 1;
	return n;
}

/*
 * " key=ITEM,ITEM,...": as many leading items as fit in the room left
 * less reserve.  An item holding ',' or '%' has them percent-encoded so
 * that the list splits back unambiguously.  Interface lists keep empty
 * items so the i-th mac, bridge and dev are the same interface; a list
 * with only empty items is left out.
 */
static void
put_list(struct line *l, const char *key, const struct domxml *d,
    enum item w, size_t n, size_t reserve)
{
	char		 tmp[HOOK_LINE_MAX];
	const char	*s;
	size_t		 i, k = 0, raw = 0, avail, need, t = 0;
	int		 hex = 0, any = 0, anyk = 0;

	avail = room(l) > reserve ? room(l) - reserve : 0;
	for (i = 0; i < n; i++) {
		s = item_get(d, w, i);
		raw += (i > 0) + item_len(s);
		hex |= hook_needs_hex(s, strlen(s));
		any |= s[0] != '\0';
		need = strlen(key) + 2 + (hex ? 2 * raw : raw + 2);
		if (need > avail || raw > sizeof(tmp))
			break;
		k = i + 1;
		anyk = any;
	}
	if (k < n)
		l->cut = 1;
	if (!anyk)
		return;
	for (i = 0; i < k; i++) {
		if (i > 0)
			tmp[t++] = ',';
		for (s = item_get(d, w, i); *s != '\0'; s++) {
			if (*s == ',' || *s == '%') {
				tmp[t++] = '%';
				tmp[t++] = hexdig[(unsigned char)*s >> 4];
				tmp[t++] = hexdig[*s & 0x0f];
			} else
				tmp[t++] = *s;
		}
	}
	put_str(l, key, tmp, t);
}

/* A UUID is written bare and lowercased, and only when it looks like one. */
static void
put_uuid(struct line *l, const char *u)
{
	char	t[DOMXML_UUID_MAX + 8];
	size_t	i, n = strlen(u);

	if (n == 0 || n > DOMXML_UUID_MAX)
		return;
	memcpy(t, " uuid=", 6);
	for (i = 0; i < n; i++) {
		if (u[i] >= 'A' && u[i] <= 'F')
			t[6 + i] = (char)(u[i] - 'A' + 'a');
		else if ((u[i] >= '0' && u[i] <= '9') ||
		    (u[i] >= 'a' && u[i] <= 'f') || u[i] == '-')
			t[6 + i] = u[i];
		else
			return;
	}
	if (6 + n > room(l)) {
		l->cut = 1;
		return;
	}
	put(l, t, 6 + n);
}

/* Host names go out as one token of [A-Za-z0-9._-]. */
static void
put_host(struct line *l, const char *h)
{
	char	t[HOOK_HOST_MAX];
	size_t	i, n;

	n = capped(l, h, HOOK_HOST_MAX);
	if (n == 0) {
		put(l, "localhost", 9);
		return;
	}
	for (i = 0; i < n; i++) {
		t[i] = h[i];
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		    (h[i] >= 'A' && h[i] <= 'Z') ||
		    (h[i] >= '0' && h[i] <= '9') || h[i] == '.' ||
		    h[i] == '-' || h[i] == '_'))
			t[i] = '_';
	}
	put(l, t, n);
}

int
hook_format(const struct hook_call *c, char *out, size_t cap, size_t *len)
{
	struct line		 l;
	const struct domxml	*d = c->dom;
	struct tm		 tm;
	time_t			 sec;
	char			 t[64];
	const char		*vm;
	size_t			 nif;
	int64_t			 us;
	int			 n;

	/* the fixed part: header, op/sub/extra, vm, uuid, numbers */
	if (cap < 2048)
		return ERR_TOOBIG;
	l.p = out;
	l.len = 0;
	l.max = (cap - 1 < HOOK_LINE_MAX ? cap - 1 : HOOK_LINE_MAX) - 1;
	l.cut = 0;

	sec = (time_t)(c->time_us / 1000000);
	us = c->time_us % 1000000;
	if (us < 0) {
		us += 1000000;
		sec--;
	}
	if (gmtime_r(&sec, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0)
		memset(&tm, 0, sizeof(tm)), tm.tm_year = 70, tm.tm_mday = 1;
	n = snprintf(t, sizeof(t), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long long)us);
	put(&l, t, (size_t)n);
	put_host(&l, c->host);
	n = snprintf(t, sizeof(t), " " HOOK_TAG "[%ld]:", c->pid);
	put(&l, t, (size_t)n);

	put_str(&l, "op", c->op, capped(&l, c->op, HOOK_ARG_MAX));
	put_str(&l, "sub", c->sub, capped(&l, c->sub, HOOK_ARG_MAX));
	put_str(&l, "extra", c->extra, capped(&l, c->extra, HOOK_ARG_MAX));
	vm = d != NULL && d->name[0] != '\0' ? d->name :
	    c->object != NULL && strcmp(c->object, "-") != 0 ? c->object :
	    NULL;
	put_str(&l, "vm", vm, capped(&l, vm, DOMXML_STR_MAX));
	if (d != NULL) {
		put_uuid(&l, d->uuid);
		nif = d->niface;
		put_list(&l, "mac", d, IT_MAC, nif, HOOK_TAIL_RESERVE);
		put_list(&l, "bridge", d, IT_BRIDGE, nif, HOOK_TAIL_RESERVE);
		put_list(&l, "dev", d, IT_DEV, nif, HOOK_TAIL_RESERVE);
		put_num(&l, "mem_kib", d->mem_kib);
		put_num(&l, "vcpus", d->vcpus);
		put_list(&l, "disks", d, IT_DISK, d->ndisk, 8);
		if (d->dropped > 0)
			l.cut = 1;
	}
	if (l.cut && room(&l) >= 6)
		put(&l, " cut=1", 6);
	out[l.len++] = '\n';
	out[l.len] = '\0';
	*len = l.len;
	return 0;
}

int
hook_argv0(const char *argv0)
{
	const char	*b, *e;
	size_t		 n;

	if (argv0 == NULL)
		return 0;
	b = strrchr(argv0, '/');
	b = b != NULL ? b + 1 : argv0;
	if (strcmp(b, "qemu") == 0 || strcmp(b, "vigil-libvirt-hook") == 0)
		return 1;
	/* /etc/libvirt/hooks/qemu.d/ANYTHING */
	if (b == argv0)
		return 0;
	e = b - 1;
	while (e > argv0 && e[-1] == '/')
		e--;
	n = (size_t)(e - argv0);
	return n >= 6 && memcmp(e - 6, "qemu.d", 6) == 0 &&
	    (n == 6 || e[-7] == '/');
}

static void
hook_alarmcb(int sig)
{
	(void)sig;
	_exit(0);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Read stdin until EOF or HOOK_READ_MS, keeping the first cap bytes and
 * draining the rest (so libvirt's writer never meets EPIPE).  Returns the
 * bytes kept.
 */
static size_t
read_stdin(char *buf, size_t cap, int *timedout)
{
	struct pollfd	 pfd;
	char		 sink[65536];
	size_t		 got = 0;
	ssize_t		 n;
	int64_t		 end = mono_ms() + HOOK_READ_MS, left;
	int		 fl;

	*timedout = 0;
	if (isatty(STDIN_FILENO))
		return 0;
	fl = fcntl(STDIN_FILENO, F_GETFL);
	if (fl == -1 || fcntl(STDIN_FILENO, F_SETFL, fl | O_NONBLOCK) == -1)
		return 0;
	for (;;) {
		if (buf != NULL && got < cap)
			n = read(STDIN_FILENO, buf + got, cap - got);
		else
			n = read(STDIN_FILENO, sink, sizeof(sink));
		if (n > 0) {
			if (buf != NULL && got < cap)
				got += (size_t)n;
			continue;
		}
		if (n == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		if ((left = end - mono_ms()) <= 0) {
			*timedout = 1;
			break;
		}
		pfd.fd = STDIN_FILENO;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)
			break;
	}
	(void)fcntl(STDIN_FILENO, F_SETFL, fl);
	return got;
}

/*
 * Open the spool for appending.  Its directory is created (0700, one
 * level) when missing: at boot libvirt may start guests before the
 * shipper's unit has made its state directory, and those starts matter.
 */
static int
spool_open(const char *path)
{
	const int	 fl = O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK |
			    O_CLOEXEC | O_NOCTTY;
	char		 dir[4096], *sl;
	int		 fd, e;

	if ((fd = open(path, fl, 0640)) != -1 || errno != ENOENT)
		return fd;
	e = errno;
	if (strlen(path) >= sizeof(dir) ||
	    (sl = strrchr(strcpy(dir, path), '/')) == NULL || sl == dir) {
		errno = e;
		return -1;
	}
	*sl = '\0';
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		errno = e;
		return -1;
	}
	return open(path, fl, 0640);
}

/* stdout and stderr to /dev/null: nothing may reach libvirt. */
static void
quiet_stdio(void)
{
	int fd;

	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		return;
	(void)dup2(fd, STDOUT_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

int
hook_main(int argc, char **argv)
{
	static struct domxml	 dom;
	struct hook_call	 c;
	struct sigaction	 sa;
	struct timespec		 ts;
	const char		*spool = NULL, *arg[4] = { NULL };
	char			*xml = NULL, host[HOOK_HOST_MAX + 1];
	char			 line[HOOK_LINE_MAX + 1];
	size_t			 got = 0, len;
	ssize_t			 w;
	int			 i, fd, r, timedout;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hook_alarmcb;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGALRM, &sa, NULL);
	alarm(HOOK_ALARM_SEC);
	(void)signal(SIGPIPE, SIG_IGN);
	quiet_stdio();
	openlog(HOOK_TAG, LOG_PID, LOG_DAEMON);

	i = 1;
	if (i < argc && strncmp(argv[i], "--spool=", 8) == 0)
		spool = argv[i++] + 8;
	else if (i + 1 < argc && strcmp(argv[i], "--spool") == 0) {
		spool = argv[i + 1];
		i += 2;
	}
	for (r = 0; r < 4 && i < argc; r++, i++)
		arg[r] = argv[i];
	if (spool == NULL || *spool == '\0')
		spool = getenv(HOOK_SPOOL_ENV);
	if (spool == NULL || *spool == '\0')
		spool = HOOK_SPOOL;

	if ((xml = malloc(DOMXML_IN_MAX)) == NULL)
		syslog(LOG_ERR, "out of memory: domain XML not read");
	got = read_stdin(xml, xml != NULL ? DOMXML_IN_MAX : 0, &timedout);
	if (timedout)
		syslog(LOG_WARNING, "stdin still open after %d ms: %zu bytes "
		    "of domain XML used", HOOK_READ_MS, got);
	domxml_init(&dom);
	if (got > 0 && (r = domxml_parse(xml, got, &dom)) != 0)
		syslog(LOG_WARNING, "domain XML of %s: %s (%zu bytes)",
		    arg[0] != NULL ? arg[0] : "-", err_str(r), got);
	free(xml);

	memset(&c, 0, sizeof(c));
	clock_gettime(CLOCK_REALTIME, &ts);
	c.time_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		c.host = host;
	}
	c.pid = (long)getpid();
	c.object = arg[0];
	c.op = arg[1];
	c.sub = arg[2];
	c.extra = arg[3];
	c.dom = got > 0 ? &dom : NULL;
	if (hook_format(&c, line, sizeof(line), &len) != 0)
		goto out;

	if ((fd = spool_open(spool)) == -1) {
		syslog(LOG_ERR, "%s: %m; %s %s not recorded", spool,
		    arg[1] != NULL ? arg[1] : "-", arg[0] != NULL ? arg[0] :
		    "-");
		goto out;
	}
	/* one write of at most HOOK_LINE_MAX bytes: appends do not mix */
	w = write(fd, line, len);
	if (w == -1)
		syslog(LOG_ERR, "%s: write: %m", spool);
	else if ((size_t)w != len)
		syslog(LOG_ERR, "%s: short write (%zd of %zu bytes)", spool,
		    w, len);
	close(fd);
 out:
	closelog();
	return 0;
}
