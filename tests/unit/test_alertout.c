/*
 * test_alertout.c -- the alert outputs (alertout.c) on a real event loop:
 * a real HTTP receiver (libevent evhttp on 127.0.0.1, an ephemeral port)
 * that answers 500 once and then 200, real programs (/bin/sh scripts: one
 * saves its stdin, one fails, one sleeps past the timeout and is killed),
 * a real unix datagram socket receiving the RFC 5424 message (read back
 * with core/syslog.c), the alert log with a rotation, and a webhook to a
 * closed port while a 10 ms timer proves the loop keeps running; HTTPS
 * to a TLS evhttp server with a fresh self-signed certificate: delivered
 * when alert-webhook-ca trusts it, refused with the system store or for
 * a certificate that names another host.  Also
 * the configuration parser and the syslog formatter on their own.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "alertout.h"
#include "alerts.h"
#include "err.h"
#include "syslog.h"
#include "test.h"

#define T0	1710407643000000LL

static char	dir[64];

static int64_t
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
mkjson(struct buf *b, uint64_t id, int sev, int update, const char *msg)
{
	struct alert a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.update = update;
	a.rule_id = "ssh-brute";
	a.title = "SSH brute force";
	a.severity = sev;
	a.tags = "T1110";
	a.ts_us = T0;
	snprintf(a.group, sizeof(a.group), "source.ip=10.0.0.1");
	snprintf(a.message, sizeof(a.message), "%s", msg);
	a.count = 5;
	a.suppressed = update ? 2 : 0;
	buf_reset(b);
	alert_json(&a, b);
}

static void
submit(struct alertout *ao, uint64_t id, int sev, int update,
    const char *msg)
{
	struct buf b;

	buf_init(&b, 0);
	mkjson(&b, id, sev, update, msg);
	alertout_submit(ao, sev, update, (const char *)b.d, b.len);
	buf_clear(&b);
}

/* Run the loop until pred(arg) or ms pass; returns pred's last value. */
static int
run_until(struct event_base *base, int (*pred)(void *), void *arg, int ms)
{
	struct timeval	tv = { 0, 20000 };
	int64_t		end = ms_now() + ms;

	while (!pred(arg) && ms_now() < end) {
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	return pred(arg);
}

static int
file_lines(const char *path)
{
	FILE	*f;
	int	 c, n = 0;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* ---------------------------------------------------------- pure parts */

static void
test_conf(void)
{
	struct alertout_conf	c;
	char			err[256];

	alertout_conf_init(&c);
	T_INT(c.exec_timeout_ms, 10000);
	T_INT(c.webhook_retries, 5);
	T_INT(alertout_conf_add(&c, "alert-exec", "high /usr/bin/logger -t "
	    "vigil", err, sizeof(err)), 0);
	T_INT(c.nexec, 1);
	T_INT(c.exec[0].min_sev, SEV_HIGH);
	T_STR(c.exec[0].argv[0], "/usr/bin/logger");
	T_STR(c.exec[0].argv[2], "vigil");
	T_OK(c.exec[0].argv[3] == NULL);
	T_INT(alertout_conf_add(&c, "alert-exec", "high logger", err,
	    sizeof(err)), ERR_FORMAT);
	T_OK(strstr(err, "absolute") != NULL);
	T_INT(alertout_conf_add(&c, "alert-exec", "urgent /bin/true", err,
	    sizeof(err)), ERR_FORMAT);
	T_OK(strstr(err, "'urgent' is not a severity") != NULL);
	T_INT(alertout_conf_add(&c, "alert-exec", "high", err, sizeof(err)),
	    ERR_FORMAT);
	T_INT(alertout_conf_add(&c, "alert-syslog", "medium", err,
	    sizeof(err)), 0);
	T_STR(c.syslog[0].target, "/dev/log");
	T_INT(alertout_conf_add(&c, "alert-syslog", "low udp:127.0.0.1:514",
	    err, sizeof(err)), 0);
	T_INT(alertout_conf_add(&c, "alert-syslog", "low udp:[::1]:514",
	    err, sizeof(err)), 0);
	T_INT(alertout_conf_add(&c, "alert-syslog", "low udp:host", err,
	    sizeof(err)), ERR_FORMAT);
	T_INT(alertout_conf_add(&c, "alert-syslog", "low udp:h:99999", err,
	    sizeof(err)), ERR_FORMAT);
	T_INT(alertout_conf_add(&c, "alert-syslog", "low tcp:h:1", err,
	    sizeof(err)), ERR_FORMAT);
	T_INT(alertout_conf_add(&c, "alert-webhook", "critical "
	    "https://hooks.example.com/a?b=c", err, sizeof(err)), 0);
	T_INT(alertout_conf_add(&c, "alert-webhook", "critical "
	    "http://127.0.0.1:8080", err, sizeof(err)), 0);
	T_INT(c.nwebhook, 2);
	T_INT(alertout_conf_add(&c, "alert-webhook", "low ftp://x/", err,
	    sizeof(err)), ERR_FORMAT);
	T_INT(alertout_conf_add(&c, "alert-webhook", "low http://", err,
	    sizeof(err)), ERR_FORMAT);
	T_INT(alertout_conf_add(&c, "alert-webhook", "low http://u:p@h/", err,
	    sizeof(err)), ERR_FORMAT);
	T_INT(alertout_conf_add(&c, "alert-pager", "low x", err, sizeof(err)),
	    ERR_FORMAT);
	alertout_conf_clear(&c);
	T_INT(c.nexec, 0);
	{
		char	v[1024];
		int	i, n;

		n = snprintf(v, sizeof(v), "low /bin/echo");
		for (i = 0; i < ALERTOUT_ARGS_MAX; i++)
			n += snprintf(v + n, sizeof(v) - n, " a%d", i);
		T_INT(alertout_conf_add(&c, "alert-exec", v, err, sizeof(err)),
		    ERR_TOOBIG);
		for (i = 0; i < ALERTOUT_OUTPUTS_MAX; i++)
			alertout_conf_add(&c, "alert-syslog", "low", err,
			    sizeof(err));
		T_INT(alertout_conf_add(&c, "alert-syslog", "low", err,
		    sizeof(err)), ERR_TOOBIG);
	}
	alertout_conf_clear(&c);
}

/* decode a formatted message with core/syslog.c; the json SD param back */
static void
check_syslog(const char *m, size_t n, uint64_t id, int with_json)
{
	struct syslog_msg	 sm;
	struct alert_view	*av = malloc(sizeof(*av));
	const char		*sid, *name, *val;
	size_t			 off = 0, il, nl, vl;
	char			*json = malloc(ALERTOUT_SYSLOG_MAX);
	int			 seen = 0;

	T_INT(syslog_decode(m, n, NULL, &sm), 0);
	T_INT(sm.fmt, SYSLOG_FMT_5424);
	T_INT(sm.facility, 10);
	T_STRN(sm.app, sm.applen, "vigil");
	T_STRN(sm.msgid, sm.msgidlen, "ALERT");
	while (syslog_sd_next(sm.sd, sm.sdlen, &off, &sid, &il, &name, &nl,
	    &val, &vl) == 1) {
		T_STRN(sid, il, "alert@32473");
		if (nl == 4 && memcmp(name, "json", 4) == 0) {
			seen = 1;
			syslog_sd_unescape(val, vl, json, ALERTOUT_SYSLOG_MAX);
			T_INT(alert_parse(json, strlen(json), av), 0);
			T_INT(av->id, id);
		}
	}
	T_INT(seen, with_json);
	free(json);
	free(av);
}

static void
test_syslog_format(void)
{
	struct alert_view	*av = calloc(1, sizeof(*av));
	struct buf		 b, j;

	buf_init(&b, 0);
	buf_init(&j, 0);
	mkjson(&j, 3, SEV_CRITICAL, 0, "brute \"force\" ] \\ from\n10.0.0.1");
	T_INT(alert_parse((const char *)j.d, j.len, av), 0);
	T_INT(alertout_syslog_format(&b, T0, "hv1", 42, av,
	    (const char *)j.d, j.len), 0);
	T_OK(b.len > 0 && strncmp((const char *)b.d,
	    "<82>1 2024-03-14T09:14:03.000000Z hv1 vigil 42 ALERT "
	    "[alert@32473 id=\"3\" rule=\"ssh-brute\" severity=\"critical\" "
	    "group=\"source.ip=10.0.0.1\" json=\"{", 144) == 0);
	/* the message: escaped, no raw newline */
	T_OK(memchr(b.d, '\n', b.len) == NULL);
	T_OK(b.len > 37 && memcmp(b.d + b.len - 37,
	    "] brute \\\"force\\\" ] \\\\ from\\n10.0.0.1", 37) == 0);
	check_syslog((const char *)b.d, b.len, 3, 1);
	/* too big with the JSON: sent without it, still <= the maximum */
	memset(av->message, 'm', sizeof(av->message) - 1);
	memset(av->group, '"', sizeof(av->group) - 1);
	buf_reset(&j);
	T_OK(buf_put(&j, "{\"id\":3", 7) == 0);
	while (j.len < ALERTOUT_SYSLOG_MAX)
		buf_put(&j, "]]]]]]]]", 8);
	buf_reset(&b);
	T_INT(alertout_syslog_format(&b, T0, "hv1", 42, av,
	    (const char *)j.d, j.len), 0);
	T_OK(b.len <= ALERTOUT_SYSLOG_MAX);
	T_OK(memmem(b.d, b.len, "json=", 5) == NULL);
	{
		struct syslog_msg sm;

		T_INT(syslog_decode((const char *)b.d, b.len, NULL, &sm), 0);
		T_INT(sm.severity, 2);
	}
	buf_clear(&b);
	buf_clear(&j);
	free(av);
}

/* ------------------------------------------------------ HTTP receiver */

struct recv {
	int	requests, ok;
	int	fail_first;	/* answer 500 to this many first */
	char	body[4096];
	char	ctype[64];
};

static void
recv_cb(struct evhttp_request *req, void *arg)
{
	struct recv	*rv = arg;
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	const char	*ct;
	size_t		 n = evbuffer_get_length(in);

	rv->requests++;
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_send_reply(req, 405, "Method Not Allowed", NULL);
		return;
	}
	if (rv->requests <= rv->fail_first) {
		evhttp_send_reply(req, 500, "Internal Server Error", NULL);
		return;
	}
	if (n >= sizeof(rv->body))
		n = sizeof(rv->body) - 1;
	evbuffer_remove(in, rv->body, n);
	rv->body[n] = '\0';
	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	snprintf(rv->ctype, sizeof(rv->ctype), "%s", ct ? ct : "");
	rv->ok++;
	evhttp_send_reply(req, 200, "OK", NULL);
}

static int
bound_port(evutil_socket_t fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		return -1;
	return ntohs(sin.sin_port);
}

/* a port nothing listens on: bind, read the port, close */
static int
closed_port(void)
{
	struct sockaddr_in	sin;
	int			fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return -1;
	port = bound_port(fd);
	close(fd);
	return port;
}

/* --------------------------------------------------------- predicates */

struct world {
	struct alertout		*ao;
	struct recv		*rv;
	char			 path[256];
	int			 n;
};

static int
webhook_ok(void *arg)
{
	struct world *w = arg;

	return w->rv->ok >= 1;
}

static int
file_has_lines(void *arg)
{
	struct world *w = arg;

	return file_lines(w->path) >= w->n;
}

static int
idle(void *arg)
{
	struct world		*w = arg;
	struct alertout_stats	 st;

	alertout_stats(w->ao, &st);
	return st.pending == 0;
}

static int
started(void *arg)
{
	struct world		*w = arg;
	struct alertout_stats	 st;

	alertout_stats(w->ao, &st);
	return st.exec_started >= 2;
}

static int	ticks;

static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	ticks++;
}

static void
test_live(void)
{
	struct event_base	*base;
	struct evhttp		*http;
	struct evhttp_bound_socket *bs;
	struct alertout_conf	 c;
	struct alertout		*ao;
	struct alertout_stats	 st;
	struct recv		 rv;
	struct world		 w;
	struct sockaddr_un	 sun;
	struct event		*tick;
	struct timeval		 ten = { 0, 10000 };
	char			 err[512], v[600], logp[128], sockp[100];
	char			 outp[128], m[ALERTOUT_SYSLOG_MAX + 1];
	int			 port, sfd, i;
	ssize_t			 n;
	int64_t			 t0;

	memset(&rv, 0, sizeof(rv));
	memset(&w, 0, sizeof(w));
	rv.fail_first = 1;
	w.rv = &rv;
	base = event_base_new();
	http = evhttp_new(base);
	bs = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	T_OK(bs != NULL);
	if (bs == NULL)
		return;
	port = bound_port(evhttp_bound_socket_get_fd(bs));
	evhttp_set_gencb(http, recv_cb, &rv);

	/* the syslog receiver */
	snprintf(sockp, sizeof(sockp), "%s/log.sock", dir);
	sfd = socket(AF_UNIX, SOCK_DGRAM, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockp);
	T_INT(bind(sfd, (struct sockaddr *)&sun, sizeof(sun)), 0);

	/* the programs */
	snprintf(outp, sizeof(outp), "%s/out", dir);
	snprintf(v, sizeof(v), "#!/bin/sh\ncat > %s.$$.tmp && "
	    "mv %s.$$.tmp %s.$$\n", outp, outp, outp);
	snprintf(err, sizeof(err), "%s/save.sh", dir);
	write_file(err, v);
	snprintf(err, sizeof(err), "%s/fail.sh", dir);
	write_file(err, "#!/bin/sh\ncat >/dev/null; exit 3\n");
	snprintf(err, sizeof(err), "%s/sleep.sh", dir);
	write_file(err, "#!/bin/sh\nsleep 30\n");

	alertout_conf_init(&c);
	snprintf(logp, sizeof(logp), "%s/alerts.json", dir);
	c.log_path = strdup(logp);
	c.exec_timeout_ms = 500;
	c.webhook_backoff_ms = 100;
	c.webhook_retries = 2;
	snprintf(v, sizeof(v), "high /bin/sh %s/save.sh", dir);
	T_INT(alertout_conf_add(&c, "alert-exec", v, err, sizeof(err)), 0);
	snprintf(v, sizeof(v), "critical /bin/sh %s/fail.sh", dir);
	T_INT(alertout_conf_add(&c, "alert-exec", v, err, sizeof(err)), 0);
	snprintf(v, sizeof(v), "critical /bin/sh %s/sleep.sh", dir);
	T_INT(alertout_conf_add(&c, "alert-exec", v, err, sizeof(err)), 0);
	snprintf(v, sizeof(v), "medium %s", sockp);
	T_INT(alertout_conf_add(&c, "alert-syslog", v, err, sizeof(err)), 0);
	snprintf(v, sizeof(v), "high http://127.0.0.1:%d/hook?x=1", port);
	T_INT(alertout_conf_add(&c, "alert-webhook", v, err, sizeof(err)), 0);
	ao = alertout_new(base, &c, err, sizeof(err));
	alertout_conf_clear(&c);
	T_OK(ao != NULL);
	if (ao == NULL) {
		fprintf(stderr, "alertout_new: %s\n", err);
		return;
	}
	w.ao = ao;

	/* a low alert: the log only */
	submit(ao, 1, SEV_LOW, 0, "low one");
	/* a critical one: everything; the update: the log only */
	submit(ao, 2, SEV_CRITICAL, 0, "critical \"two\"");
	submit(ao, 2, SEV_CRITICAL, 1, "critical \"two\"");
	T_OK(run_until(base, webhook_ok, &w, 10000));
	T_INT(rv.requests, 2);		/* 500, then 200: retried */
	T_STR(rv.ctype, "application/json");
	{
		struct alert_view av;

		T_INT(alert_parse(rv.body, strlen(rv.body), &av), 0);
		T_INT(av.id, 2);
		T_INT(av.update, 0);
	}
	T_OK(run_until(base, idle, &w, 10000));
	alertout_stats(ao, &st);
	T_INT(st.submitted, 3);
	T_INT(st.logged, 3);
	T_INT(st.webhook_sent, 1);
	T_INT(st.webhook_retries, 1);
	T_INT(st.webhook_failed, 0);
	T_INT(st.exec_started, 3);
	T_INT(st.exec_ok, 1);
	T_INT(st.exec_failed, 1);
	T_INT(st.exec_killed, 1);
	T_INT(st.syslog_sent, 1);
	T_INT(file_lines(logp), 3);
	/* the program got the JSON on stdin */
	{
		char	cmd[300];
		FILE	*p;
		char	line[4096];

		snprintf(cmd, sizeof(cmd), "cat %s.[0-9]*", outp);
		p = popen(cmd, "r");
		T_OK(p != NULL && fgets(line, sizeof(line), p) != NULL);
		if (p != NULL)
			pclose(p);
		T_OK(strncmp(line, "{\"id\":2,\"rule\":\"ssh-brute\"", 26) ==
		    0);
		T_OK(strstr(line, "\"message\":\"critical \\\"two\\\"\"") !=
		    NULL);
	}
	/* the syslog message: exactly one (the low one is below medium) */
	n = recv(sfd, m, sizeof(m) - 1, MSG_DONTWAIT);
	T_OK(n > 0);
	if (n > 0)
		check_syslog(m, (size_t)n, 2, 1);
	T_INT(recv(sfd, m, sizeof(m), MSG_DONTWAIT), -1);

	/* the log is rotated: the next line starts a new file */
	snprintf(v, sizeof(v), "%s.1", logp);
	T_INT(rename(logp, v), 0);
	submit(ao, 3, SEV_INFO, 0, "after rotation");
	snprintf(w.path, sizeof(w.path), "%s", logp);
	w.n = 1;
	T_OK(run_until(base, file_has_lines, &w, 5000));
	T_INT(file_lines(logp), 1);
	T_INT(file_lines(v), 3);
	/* removed: recreated */
	unlink(logp);
	submit(ao, 4, SEV_INFO, 0, "after removal");
	T_OK(run_until(base, file_has_lines, &w, 5000));
	/* a burst of repeats between two turns of the loop: written in a
	 * few large writes, every line whole and in order */
	{
		char	msg[600];
		FILE	*f;
		char	line[2048];
		int	n = 0, inorder = 1;

		memset(msg, 'm', sizeof(msg) - 1);
		msg[sizeof(msg) - 1] = '\0';
		alertout_stats(ao, &st);
		for (i = 0; i < 1000; i++)
			submit(ao, 100 + (uint64_t)i, SEV_INFO, 1, msg);
		w.n = 1001;
		T_OK(run_until(base, file_has_lines, &w, 5000));
		T_INT(file_lines(logp), 1001);
		{
			struct alertout_stats st2;

			alertout_stats(ao, &st2);
			T_OK(st2.logged == st.logged + 1000);
		}
		if ((f = fopen(logp, "r")) != NULL) {
			while (fgets(line, sizeof(line), f) != NULL) {
				char want[32];

				if (n++ == 0)
					continue;	/* after removal */
				snprintf(want, sizeof(want), "{\"id\":%d,",
				    100 + n - 2);
				if (strncmp(line, want, strlen(want)) != 0 ||
				    line[strlen(line) - 1] != '\n')
					inorder = 0;
			}
			fclose(f);
		}
		T_INT(n, 1001);
		T_INT(inorder, 1);
	}
	alertout_free(ao);

	/* a webhook to a closed port: failure counted, loop not blocked */
	alertout_conf_init(&c);
	c.webhook_backoff_ms = 50;
	c.webhook_retries = 2;
	snprintf(v, sizeof(v), "info http://127.0.0.1:%d/", closed_port());
	T_INT(alertout_conf_add(&c, "alert-webhook", v, err, sizeof(err)), 0);
	ao = alertout_new(base, &c, err, sizeof(err));
	alertout_conf_clear(&c);
	T_OK(ao != NULL);
	if (ao == NULL)
		return;
	w.ao = ao;
	tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	event_add(tick, &ten);
	ticks = 0;
	t0 = ms_now();
	for (i = 0; i < 3; i++)
		submit(ao, 10 + (uint64_t)i, SEV_HIGH, 0, "to nowhere");
	T_OK(run_until(base, idle, &w, 10000));
	alertout_stats(ao, &st);
	T_INT(st.webhook_failed, 3);
	T_INT(st.webhook_retries, 6);
	T_INT(st.webhook_sent, 0);
	/* 3 x (50 + 100 ms) of backoff at least; the 10 ms timer ran */
	t0 = ms_now() - t0;
	T_OK(t0 >= 400);
	T_OK(ticks >= (int)(t0 / 10) / 3);
	if (ticks < (int)(t0 / 10) / 3)
		fprintf(stderr, "%d ticks in %lld ms\n", ticks, (long long)t0);
	/* freeing with alerts still queued: bounded, dropped and counted */
	submit(ao, 20, SEV_HIGH, 0, "dropped");
	t0 = ms_now();
	alertout_free(ao);
	T_OK(ms_now() - t0 < 4000);
	event_free(tick);

	/* a program still running at shutdown: killed, in bounded time */
	alertout_conf_init(&c);
	c.flush_ms = 200;
	snprintf(v, sizeof(v), "info /bin/sh %s/sleep.sh", dir);
	T_INT(alertout_conf_add(&c, "alert-exec", v, err, sizeof(err)), 0);
	ao = alertout_new(base, &c, err, sizeof(err));
	alertout_conf_clear(&c);
	w.ao = ao;
	submit(ao, 30, SEV_HIGH, 0, "sleeps");
	submit(ao, 31, SEV_HIGH, 0, "sleeps too");
	T_OK(run_until(base, started, &w, 5000));
	alertout_stats(ao, &st);
	T_INT(st.pending, 2);
	t0 = ms_now();
	alertout_free(ao);
	T_OK(ms_now() - t0 < 2000);

	/* the inbox is bounded */
	alertout_conf_init(&c);
	ao = alertout_new(base, &c, err, sizeof(err));
	for (i = 0; i < ALERTOUT_INBOX_MAX + 5; i++)
		submit(ao, (uint64_t)i, SEV_HIGH, 0, "x");
	alertout_stats(ao, &st);
	T_INT(st.inbox_dropped, 5);
	T_INT(st.pending, ALERTOUT_INBOX_MAX);
	alertout_free(ao);

	/* a log that cannot be opened is an error at start */
	c.log_path = strdup("/nonexistent-dir/alerts.json");
	T_OK(alertout_new(base, &c, err, sizeof(err)) == NULL);
	T_OK(strstr(err, "alert-log /nonexistent-dir/alerts.json") != NULL);
	alertout_conf_clear(&c);

	close(sfd);
	evhttp_free(http);
	event_base_free(base);
}

/* ------------------------------------------------------------- https */

/* A self-signed P-256 server certificate with subjectAltName san. */
static SSL_CTX *
mkserver(const char *san, const char *pem_out)
{
	EVP_PKEY	*k = EVP_EC_gen("P-256");
	X509		*x = X509_new();
	X509_EXTENSION	*ext;
	X509V3_CTX	 v3;
	SSL_CTX		*ctx = SSL_CTX_new(TLS_server_method());
	FILE		*f;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)"vigil test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
	    "critical,CA:TRUE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	X509_sign(x, k, EVP_sha256());
	SSL_CTX_use_certificate(ctx, x);
	SSL_CTX_use_PrivateKey(ctx, k);
	if ((f = fopen(pem_out, "w")) != NULL) {
		PEM_write_X509(f, x);
		fclose(f);
	}
	X509_free(x);
	EVP_PKEY_free(k);
	return ctx;
}

static SSL_CTX	*server_ctx;

static struct bufferevent *
tls_bevcb(struct event_base *base, void *arg)
{
	(void)arg;
	return bufferevent_openssl_socket_new(base, -1, SSL_new(server_ctx),
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

/* one alert to url; returns the stats when the outputs are idle */
static void
https_one(struct event_base *base, const char *url, const char *ca,
    struct alertout_stats *st)
{
	struct alertout_conf	 c;
	struct alertout		*ao;
	struct world		 w;
	char			 err[512], v[300];

	memset(&w, 0, sizeof(w));
	memset(st, 0, sizeof(*st));
	alertout_conf_init(&c);
	c.webhook_retries = 0;
	if (ca != NULL)
		c.webhook_ca = strdup(ca);
	snprintf(v, sizeof(v), "info %s", url);
	T_INT(alertout_conf_add(&c, "alert-webhook", v, err, sizeof(err)), 0);
	ao = alertout_new(base, &c, err, sizeof(err));
	alertout_conf_clear(&c);
	T_OK(ao != NULL);
	if (ao == NULL) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	w.ao = ao;
	submit(ao, 1, SEV_HIGH, 0, "over TLS");
	T_OK(run_until(base, idle, &w, 10000));
	alertout_stats(ao, st);
	alertout_free(ao);
}

static void
test_https(void)
{
	struct event_base		*base = event_base_new();
	struct evhttp			*http = evhttp_new(base);
	struct evhttp_bound_socket	*bs;
	struct alertout_stats		 st;
	struct recv			 rv;
	char				 ca[128], ca2[128], url[128];
	int				 port;

	memset(&rv, 0, sizeof(rv));
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(ca2, sizeof(ca2), "%s/ca2.pem", dir);
	server_ctx = mkserver("IP:127.0.0.1", ca);
	evhttp_set_bevcb(http, tls_bevcb, NULL);
	evhttp_set_gencb(http, recv_cb, &rv);
	bs = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	T_OK(bs != NULL);
	if (bs == NULL)
		return;
	port = bound_port(evhttp_bound_socket_get_fd(bs));
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/tls", port);

	/* verified against alert-webhook-ca: delivered */
	https_one(base, url, ca, &st);
	T_INT(st.webhook_sent, 1);
	T_INT(rv.ok, 1);
	T_OK(strstr(rv.body, "\"message\":\"over TLS\"") != NULL);
	/* the system store does not know this CA: refused */
	https_one(base, url, NULL, &st);
	T_INT(st.webhook_failed, 1);
	T_INT(st.webhook_sent, 0);
	T_INT(rv.ok, 1);
	/* a certificate for another name: refused even with its CA */
	SSL_CTX_free(server_ctx);
	server_ctx = mkserver("DNS:vigil.test", ca2);
	https_one(base, url, ca2, &st);
	T_INT(st.webhook_failed, 1);
	T_INT(rv.ok, 1);
	SSL_CTX_free(server_ctx);
	evhttp_free(http);
	event_base_free(base);
}

int
main(void)
{
	char cmd[128];

	snprintf(dir, sizeof(dir), "/tmp/vigil-test-alertout.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	evthread_use_pthreads();
	test_conf();
	test_syslog_format();
	test_live();
	test_https();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		test_fail++;
	return TEST_DONE();
}
