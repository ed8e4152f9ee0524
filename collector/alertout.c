/*
 * alertout.c -- alert outputs on the event loop (see alertout.h): the
 * inbox and dispatch, the alert log (O_APPEND, reopened when rotated or
 * removed), programs fed the JSON on stdin (alert-exec), RFC 5424 syslog
 * datagrams (alert-syslog), and the life cycle.  Webhooks are in
 * alertout_http.c, the pure configuration parser and message format in
 * alertout_fmt.c.  Owns its children, sockets, TLS context and queues;
 * knows nothing of the store or the rules engine.
 *
 * A job is one alert's JSON (plus a trailing LF for the log).  Each exec
 * and webhook output has its own bounded queue of copies.  A webhook
 * sends one request at a time: the job in flight (cur) stays until it is
 * sent, refused (4xx) or out of retries.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "alertout.h"
#include "alertout_int.h"
#include "alerts.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "query.h"

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
syslog_open(struct sout *s, const char *target, char *err, size_t errlen)
{
	struct addrinfo		 hints, *ai = NULL;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&s->sa;
	char			 host[256], port[16];
	int			 e;

	memset(&s->sa, 0, sizeof(s->sa));
	if (target[0] == '/') {
		sun->sun_family = AF_UNIX;
		snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", target);
		s->salen = sizeof(*sun);
	} else {
		if (alertout_parse_udp(target, host, sizeof(host), port,
		    sizeof(port)) != 0) {
			snprintf(err, errlen, "alert-syslog: bad target %s",
			    target);
			return -1;
		}
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_DGRAM;
		hints.ai_flags = AI_NUMERICSERV;
		/* once, at start-up: never on the loop */
		if ((e = getaddrinfo(host, port, &hints, &ai)) != 0) {
			snprintf(err, errlen, "alert-syslog %s: %s", target,
			    gai_strerror(e));
			return -1;
		}
		memcpy(&s->sa, ai->ai_addr, ai->ai_addrlen);
		s->salen = ai->ai_addrlen;
		freeaddrinfo(ai);
	}
	s->fd = socket(s->sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (s->fd == -1) {
		snprintf(err, errlen, "alert-syslog %s: %s", target,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static void
syslog_send(struct alertout *ao, int i, const struct job *j)
{
	struct sout		*s = &ao->s[i];
	struct alert_view	*av;
	struct buf		 b;

	if ((av = malloc(sizeof(*av))) == NULL)
		return;
	buf_init(&b, ALERTOUT_SYSLOG_MAX * 2);
	if (alert_parse(j->json, j->len, av) != 0 ||
	    alertout_syslog_format(&b, wall_us(), ao->hostname, getpid(), av,
	    j->json, j->len) != 0) {
		STAT_ADD(ao, syslog_failed, 1);
		goto out;
	}
	if (sendto(s->fd, b.d, b.len, MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&s->sa, s->salen) == -1) {
		STAT_ADD(ao, syslog_failed, 1);
		if (!s->failing)
			log_warn("alert-syslog %s", ao->c.syslog[i].target);
		s->failing = 1;
		goto out;
	}
	if (s->failing)
		log_info("alert-syslog %s: sending again",
		    ao->c.syslog[i].target);
	s->failing = 0;
	STAT_ADD(ao, syslog_sent, 1);
 out:
	buf_clear(&b);
	free(av);
}

/* ----------------------------------------------------------------- log */

static int
log_open(struct alertout *ao)
{
	struct stat sb;

	if ((ao->logfd = open(ao->c.log_path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0640)) == -1)
		return -1;
	if (fstat(ao->logfd, &sb) == 0) {
		ao->logdev = sb.st_dev;
		ao->logino = sb.st_ino;
	}
	return 0;
}

/*
 * The lines of one wake go out in one write (a burst of alerts is many
 * lines), and the path is checked for rotation once per write.
 */
static void
log_flush(struct alertout *ao)
{
	struct stat	 sb;
	const uint8_t	*p = ao->logb.d;
	size_t		 left = ao->logb.len;
	ssize_t		 w;

	if (left == 0)
		return;
	/* rotated (renamed) or removed: start a new file at the path */
	if (ao->logfd == -1 || stat(ao->c.log_path, &sb) == -1 ||
	    sb.st_dev != ao->logdev || sb.st_ino != ao->logino) {
		if (ao->logfd != -1)
			close(ao->logfd);
		if (log_open(ao) == -1) {
			STAT_ADD(ao, log_errors, ao->logn);
			log_warn("alert-log %s", ao->c.log_path);
			goto out;
		}
		ao->logcut = 0;		/* a new file */
	}
	/* a write cut short last time left half a line: end it first, so
	 * that the next line is whole */
	if (ao->logcut && write(ao->logfd, "\n", 1) == 1)
		ao->logcut = 0;
	/* O_APPEND: each write lands whole at the end */
	while (left > 0) {
		if ((w = write(ao->logfd, p, left)) == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* the lines not wholly written count as errors */
			uint64_t lost = 0;

			for (size_t k = 0; k < left; k++)
				lost += p[k] == '\n';
			STAT_ADD(ao, logged, ao->logn - lost);
			STAT_ADD(ao, log_errors, lost);
			ao->logcut = left < ao->logb.len && p[-1] != '\n';
			log_warn("alert-log %s: write", ao->c.log_path);
			goto out;
		}
		p += w;
		left -= (size_t)w;
	}
	STAT_ADD(ao, logged, ao->logn);
 out:
	buf_reset(&ao->logb);
	ao->logn = 0;
}

static void
log_append(struct alertout *ao, const struct job *j)
{
	if (buf_put(&ao->logb, j->json, j->len + 1) != 0) {
		STAT_ADD(ao, log_errors, 1);
		return;
	}
	ao->logn++;
	if (ao->logb.len >= ALERTOUT_LOG_FLUSH)
		log_flush(ao);
}

/* ---------------------------------------------------------------- exec */

static void	exec_pump(struct alertout *);

static void
child_close_stdin(struct child *ch)
{
	if (ch->wev != NULL) {
		event_free(ch->wev);
		ch->wev = NULL;
	}
	if (ch->fd != -1) {
		close(ch->fd);
		ch->fd = -1;
	}
}

static void
child_writecb(evutil_socket_t fd, short ev, void *arg)
{
	struct child	*ch = arg;
	ssize_t		 w;

	(void)ev;
	while (ch->off < ch->job->len) {
		w = write(fd, ch->job->json + ch->off, ch->job->len - ch->off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			if (ch->wev != NULL)
				event_add(ch->wev, NULL);
			return;
		}
		if (w <= 0)
			break;	/* EPIPE: it did not read it all */
		ch->off += (size_t)w;
	}
	child_close_stdin(ch);
}

/* In the child between fork and exec: async-signal-safe calls only. */
static void
child_exec(int in, char *const argv[])
{
	sigset_t	all;
	int		fd;

	setpgid(0, 0);
	if (dup2(in, 0) == -1)
		_exit(126);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0) != 0)
#endif
		for (fd = 3; fd < 4096; fd++)
			close(fd);
	execv(argv[0], argv);
	_exit(127);
}

static int
exec_start(struct alertout *ao, int i, struct job *j)
{
	struct child	*ch;
	int		 p[2];
	pid_t		 pid;

	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return -1;
	if (pipe2(p, O_CLOEXEC) == -1) {
		log_warn("alert-exec: pipe");
		free(ch);
		return -1;
	}
	if ((pid = fork()) == -1) {
		log_warn("alert-exec: fork");
		close(p[0]);
		close(p[1]);
		free(ch);
		return -1;
	}
	if (pid == 0)
		child_exec(p[0], ao->c.exec[i].argv);
	setpgid(pid, pid);	/* also here: kill(-pid) works at once */
	close(p[0]);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	ch->ao = ao;
	ch->out = i;
	ch->pid = pid;
	ch->fd = p[1];
	ch->job = j;
	ch->deadline = mono_ms() + ao->c.exec_timeout_ms;
	ch->wev = event_new(ao->base, ch->fd, EV_WRITE, child_writecb, ch);
	LIST_INSERT_HEAD(&ao->children, ch, e);
	ao->nchildren++;
	STAT_ADD(ao, exec_started, 1);
	child_writecb(ch->fd, EV_WRITE, ch);
	if (!evtimer_pending(ao->reap, NULL)) {
		struct timeval tv = { 0, REAP_MS * 1000 };

		evtimer_add(ao->reap, &tv);
	}
	return 0;
}

static void
child_done(struct alertout *ao, struct child *ch, int status)
{
	const char *prog = ao->c.exec[ch->out].argv[0];

	if (ch->killed) {
		/* counted and logged when killed */
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		STAT_ADD(ao, exec_ok, 1);
	else {
		STAT_ADD(ao, exec_failed, 1);
		if (WIFEXITED(status))
			log_warnx("alert-exec %s: exit status %d (alert not "
			    "delivered)", prog, WEXITSTATUS(status));
		else
			log_warnx("alert-exec %s: killed by signal %d", prog,
			    WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	}
	child_close_stdin(ch);
	LIST_REMOVE(ch, e);
	ao->nchildren--;
	PENDING_ADD(ao, -1);
	free(ch->job);
	free(ch);
}

static void
reap_timercb(evutil_socket_t fd, short ev, void *arg)
{
	struct alertout	*ao = arg;
	struct child	*ch, *next;
	struct timeval	 tv = { 0, REAP_MS * 1000 };
	int64_t		 now = mono_ms();
	int		 status;
	pid_t		 r;

	(void)fd;
	(void)ev;
	for (ch = LIST_FIRST(&ao->children); ch != NULL; ch = next) {
		next = LIST_NEXT(ch, e);
		r = waitpid(ch->pid, &status, WNOHANG);
		if (r == ch->pid || (r == -1 && errno == ECHILD)) {
			/* ECHILD: reaped elsewhere, the status is lost */
			child_done(ao, ch, r == ch->pid ? status :
			    W_EXITCODE(255, 0));
			continue;
		}
		if (!ch->killed && now >= ch->deadline) {
			kill(-ch->pid, SIGKILL);
			kill(ch->pid, SIGKILL);
			ch->killed = 1;
			STAT_ADD(ao, exec_killed, 1);
			log_warnx("alert-exec %s: still running after %d ms, "
			    "killed", ao->c.exec[ch->out].argv[0],
			    ao->c.exec_timeout_ms);
		}
	}
	exec_pump(ao);
	if (ao->nchildren > 0)
		evtimer_add(ao->reap, &tv);
}

/* Start queued programs while fewer than exec_max run, fairly. */
static void
exec_pump(struct alertout *ao)
{
	struct job	*j;
	int		 i, idle = 0;

	while (ao->nchildren < ao->c.exec_max && idle < ao->c.nexec) {
		i = ao->xnext;
		ao->xnext = (ao->xnext + 1) % ao->c.nexec;
		if ((j = TAILQ_FIRST(&ao->x[i].q)) == NULL) {
			idle++;
			continue;
		}
		idle = 0;
		TAILQ_REMOVE(&ao->x[i].q, j, e);
		ao->x[i].nq--;
		if (exec_start(ao, i, j) != 0) {
			STAT_ADD(ao, exec_failed, 1);
			PENDING_ADD(ao, -1);
			free(j);
		}
	}
}

/* ------------------------------------------------------------ dispatch */

static struct job *
job_copy(const struct job *j)
{
	struct job *n;

	if ((n = malloc(sizeof(*n) + j->len + 1)) == NULL)
		return NULL;
	memcpy(n, j, sizeof(*n) + j->len + 1);
	n->attempts = 0;
	return n;
}

static void
dispatch(struct alertout *ao, struct job *j)
{
	struct job	*n;
	int		 i;

	if (ao->c.log_path != NULL)
		log_append(ao, j);
	if (j->update)
		return;	/* repeats: the log only (docs/rules.md) */
	for (i = 0; i < ao->c.nsyslog; i++)
		if (j->sev >= ao->c.syslog[i].min_sev)
			syslog_send(ao, i, j);
	for (i = 0; i < ao->c.nexec; i++) {
		if (j->sev < ao->c.exec[i].min_sev)
			continue;
		if (ao->x[i].nq >= ao->c.queue_max ||
		    (n = job_copy(j)) == NULL) {
			STAT_ADD(ao, exec_dropped, 1);
			log_warnx("alert-exec %s: queue full, alert dropped",
			    ao->c.exec[i].argv[0]);
			continue;
		}
		TAILQ_INSERT_TAIL(&ao->x[i].q, n, e);
		PENDING_ADD(ao, 1);
		ao->x[i].nq++;
	}
	for (i = 0; i < ao->c.nwebhook; i++) {
		struct wout *w = &ao->w[i];

		if (j->sev < ao->c.webhook[i].min_sev)
			continue;
		if (w->nq >= ao->c.queue_max || (n = job_copy(j)) == NULL) {
			STAT_ADD(ao, webhook_dropped, 1);
			log_warnx("alert-webhook %s: queue full, alert "
			    "dropped", ao->c.webhook[i].url);
			continue;
		}
		TAILQ_INSERT_TAIL(&w->q, n, e);
		PENDING_ADD(ao, 1);
		w->nq++;
		if (!w->busy && w->cur == NULL && !evtimer_pending(w->timer,
		    NULL))
			alertout_http_later(w, 0);
	}
}

static void
wake_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct alertout	*ao = arg;
	struct jobq	 q;
	struct job	*j;

	(void)fd;
	(void)ev;
	TAILQ_INIT(&q);
	pthread_mutex_lock(&ao->mtx);
	TAILQ_CONCAT(&q, &ao->inbox, e);
	ao->ninbox = 0;
	pthread_mutex_unlock(&ao->mtx);
	while ((j = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, j, e);
		dispatch(ao, j);
		free(j);
	}
	log_flush(ao);
	if (ao->c.nexec > 0)
		exec_pump(ao);
}

void
alertout_submit(struct alertout *ao, int severity, int update,
    const char *json, size_t len)
{
	struct job	*j;
	int		 full;

	if (ao == NULL)
		return;
	if ((j = malloc(sizeof(*j) + len + 1)) != NULL) {
		memset(j, 0, sizeof(*j));
		j->sev = severity;
		j->update = update;
		j->len = len;
		memcpy(j->json, json, len);
		j->json[len] = '\n';
	}
	pthread_mutex_lock(&ao->mtx);
	ao->st.submitted++;
	full = j == NULL || ao->ninbox >= ALERTOUT_INBOX_MAX;
	if (full)
		ao->st.inbox_dropped++;
	else {
		TAILQ_INSERT_TAIL(&ao->inbox, j, e);
		ao->ninbox++;
	}
	pthread_mutex_unlock(&ao->mtx);
	if (full) {
		free(j);
		log_warnx("alert outputs: inbox full, alert dropped");
		return;
	}
	event_active(ao->wake, EV_READ, 0);
}

/* ---------------------------------------------------------- life cycle */

struct alertout *
alertout_new(struct event_base *base, const struct alertout_conf *c,
    char *err, size_t errlen)
{
	struct alertout	*ao;
	int		 i, k, need_dns = 0;
	unsigned char	 addr[16];

	if ((ao = calloc(1, sizeof(*ao))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ao->base = base;
	ao->c = *c;
	ao->c.log_path = NULL;
	ao->c.webhook_ca = NULL;
	ao->logfd = -1;
	buf_init(&ao->logb, 0);
	for (i = 0; i < ALERTOUT_OUTPUTS_MAX; i++) {
		ao->s[i].fd = -1;
		ao->c.exec[i].spec = NULL;
		TAILQ_INIT(&ao->x[i].q);
		TAILQ_INIT(&ao->w[i].q);
	}
	ao->c.nexec = 0;
	pthread_mutex_init(&ao->mtx, NULL);
	TAILQ_INIT(&ao->inbox);
	LIST_INIT(&ao->children);
	if (gethostname(ao->hostname, sizeof(ao->hostname)) == -1)
		snprintf(ao->hostname, sizeof(ao->hostname), "-");
	ao->hostname[strcspn(ao->hostname, " ")] = '\0';
	/* deep copies of what the caller's configuration owns */
	for (i = 0; i < c->nexec; i++) {
		struct alertout_exec *x = &ao->c.exec[i];

		/* the words are NUL-separated: copy all of them */
		if ((x->spec = malloc(c->exec[i].speclen)) == NULL)
			goto nomem;
		memcpy(x->spec, c->exec[i].spec, c->exec[i].speclen);
		for (k = 0; c->exec[i].argv[k] != NULL; k++)
			x->argv[k] = x->spec + (c->exec[i].argv[k] -
			    c->exec[i].spec);
		x->argv[k] = NULL;
		ao->c.nexec++;
	}
	if ((c->log_path != NULL && (ao->c.log_path = strdup(c->log_path)) ==
	    NULL) || (c->webhook_ca != NULL &&
	    (ao->c.webhook_ca = strdup(c->webhook_ca)) == NULL))
		goto nomem;
	if ((ao->wake = event_new(base, -1, 0, wake_cb, ao)) == NULL ||
	    (ao->reap = evtimer_new(base, reap_timercb, ao)) == NULL)
		goto nomem;
	if (ao->c.log_path != NULL && log_open(ao) == -1) {
		snprintf(err, errlen, "alert-log %s: %s", ao->c.log_path,
		    strerror(errno));
		goto fail;
	}
	for (i = 0; i < c->nsyslog; i++)
		if (syslog_open(&ao->s[i], c->syslog[i].target, err,
		    errlen) != 0)
			goto fail;
	for (i = 0; i < c->nwebhook; i++) {
		struct wout *w = &ao->w[i];

		w->ao = ao;
		w->idx = i;
		if (alertout_parse_url(c->webhook[i].url, w->host,
		    sizeof(w->host), &w->port, w->path, sizeof(w->path),
		    &w->https) != 0) {
			snprintf(err, errlen, "alert-webhook: bad URL %s",
			    c->webhook[i].url);
			goto fail;
		}
		if ((w->timer = evtimer_new(base, alertout_http_timercb, w)) ==
		    NULL)
			goto nomem;
		if (inet_pton(AF_INET, w->host, addr) != 1 &&
		    inet_pton(AF_INET6, w->host, addr) != 1)
			need_dns = 1;
		if (w->https && ao->ssl == NULL) {
			if ((ao->ssl = SSL_CTX_new(TLS_client_method())) ==
			    NULL)
				goto tlsfail;
			SSL_CTX_set_min_proto_version(ao->ssl,
			    TLS1_2_VERSION);
			SSL_CTX_set_verify(ao->ssl, SSL_VERIFY_PEER, NULL);
			if ((ao->c.webhook_ca != NULL ?
			    SSL_CTX_load_verify_locations(ao->ssl,
			    ao->c.webhook_ca, NULL) :
			    SSL_CTX_set_default_verify_paths(ao->ssl)) != 1)
				goto tlsfail;
		}
	}
	/* names are resolved without blocking the loop */
	if (need_dns && (ao->dns = evdns_base_new(base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL)
		log_warnx("alert-webhook: no DNS resolver; names are "
		    "resolved with getaddrinfo (blocking)");
	return ao;
 tlsfail:
	snprintf(err, errlen, "alert-webhook TLS%s%s: %s",
	    ao->c.webhook_ca ? " CA " : "", ao->c.webhook_ca ?
	    ao->c.webhook_ca : "", ERR_reason_error_string(ERR_get_error()));
	goto fail;
 nomem:
	snprintf(err, errlen, "out of memory");
 fail:
	alertout_free(ao);
	return NULL;
}

static uint64_t
pending(struct alertout *ao)
{
	uint64_t n;

	pthread_mutex_lock(&ao->mtx);
	n = (uint64_t)ao->ninbox + ao->st.pending;
	pthread_mutex_unlock(&ao->mtx);
	return n;
}

void
alertout_stats(struct alertout *ao, struct alertout_stats *st)
{
	pthread_mutex_lock(&ao->mtx);
	*st = ao->st;
	st->pending += (uint64_t)ao->ninbox;
	pthread_mutex_unlock(&ao->mtx);
}

static void
jobq_drop(struct jobq *q)
{
	struct job *j;

	while ((j = TAILQ_FIRST(q)) != NULL) {
		TAILQ_REMOVE(q, j, e);
		free(j);
	}
}

void
alertout_free(struct alertout *ao)
{
	struct child	*ch;
	struct timeval	 tv = { 0, 50000 };
	int64_t		 deadline;
	uint64_t	 left;
	int		 i, status;

	if (ao == NULL)
		return;
	/* deliver what can be delivered in flush_ms */
	deadline = mono_ms() + ao->c.flush_ms;
	while (ao->wake != NULL && pending(ao) > 0 && mono_ms() < deadline) {
		event_base_loopexit(ao->base, &tv);
		event_base_loop(ao->base, EVLOOP_ONCE);
	}
	if (ao->wake != NULL)
		wake_cb(-1, 0, ao);	/* the inbox, to the log at least */
	while ((ch = LIST_FIRST(&ao->children)) != NULL) {
		if (waitpid(ch->pid, &status, WNOHANG) == ch->pid) {
			child_done(ao, ch, status);	/* just finished */
			continue;
		}
		kill(-ch->pid, SIGKILL);
		kill(ch->pid, SIGKILL);
		if (!ch->killed)
			STAT_ADD(ao, exec_killed, 1);
		ch->killed = 1;
		while (waitpid(ch->pid, &status, 0) == -1 && errno == EINTR)
			;
		log_warnx("alert-exec %s: killed at shutdown",
		    ao->c.exec[ch->out].argv[0]);
		child_done(ao, ch, status);
	}
	for (i = 0; i < ALERTOUT_OUTPUTS_MAX; i++) {
		struct wout *w = &ao->w[i];

		left = (uint64_t)ao->x[i].nq + (uint64_t)w->nq +
		    (w->cur != NULL);
		if (i < ao->c.nexec && ao->x[i].nq > 0)
			STAT_ADD(ao, exec_dropped, (uint64_t)ao->x[i].nq);
		if (w->nq + (w->cur != NULL) > 0)
			STAT_ADD(ao, webhook_dropped, (uint64_t)w->nq +
			    (w->cur != NULL));
		if (left > 0)
			log_warnx("alert outputs: %llu alerts not delivered "
			    "at shutdown", (unsigned long long)left);
		jobq_drop(&ao->x[i].q);
		jobq_drop(&w->q);
		free(w->cur);
		if (w->conn != NULL)
			evhttp_connection_free(w->conn);
		if (w->dead != NULL)
			evhttp_connection_free(w->dead);
		if (w->timer != NULL)
			event_free(w->timer);
		if (ao->s[i].fd != -1)
			close(ao->s[i].fd);
	}
	jobq_drop(&ao->inbox);
	if (ao->wake != NULL)
		event_free(ao->wake);
	if (ao->reap != NULL)
		event_free(ao->reap);
	if (ao->dns != NULL)
		evdns_base_free(ao->dns, 0);
	SSL_CTX_free(ao->ssl);
	if (ao->logfd != -1)
		close(ao->logfd);
	buf_clear(&ao->logb);
	pthread_mutex_destroy(&ao->mtx);
	alertout_conf_clear(&ao->c);
	free(ao);
}
