/*
 * forward.c -- TLS client session with the collector (see forward.h and
 * proto.h).  Owns the bufferevent (and through BEV_OPT_CLOSE_ON_FREE the
 * socket and SSL), the session timer and the backoff; takes lines from
 * and gives acknowledgements to the window in state.c.  Knows nothing
 * about files.
 *
 * States and transitions:
 *   IDLE        no connection; the timer fires the next attempt
 *   CONNECTING  TCP connect + TLS handshake -> HELLO sent -> WAITING
 *   WAITING     waiting for WELCOME -> READY
 *   READY       BATCH out, ACK in, PING every heartbeat
 *   any error, EOF or timeout -> IDLE (lines are unsent again, backoff)
 * The timer is the reconnect delay in IDLE, the handshake timeout in
 * CONNECTING and WAITING, and the heartbeat in READY.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "err.h"
#include "forward.h"
#include "ident.h"
#include "log.h"
#include "proto.h"
#include "state.h"
#include "tlsctx.h"

enum forward_state {
	FW_IDLE,
	FW_CONNECTING,
	FW_WAITING,
	FW_READY,
};

struct forward {
	struct event_base	*base;
	struct evdns_base	*dns;
	const struct forward_conf *conf;
	const struct ident	*id;
	struct state		*st;
	void			(*ackcb)(void *);
	void			*arg;

	enum forward_state	 state;
	struct bufferevent	*bev;
	struct event		*timer;
	int			 port;
	int			 literal;	/* host is an IP address */
	uint32_t		 backoff_ms;
	uint32_t		 heartbeat;	/* seconds */
	time_t			 last_rx;	/* monotonic seconds */
	uint64_t		 nonce;
	size_t			 next_stream;	/* round robin */
	char			 lastfail[256];	/* to log repeats quietly */
	struct buf		 out;		/* one frame being encoded */
};

static void	forward_connect(struct forward *);
static void	forward_fill(struct forward *);

uint32_t
forward_backoff(uint32_t prev_ms, uint32_t max_ms)
{
	uint32_t next;

	if (max_ms < FORWARD_BACKOFF_MIN_MS)
		max_ms = FORWARD_BACKOFF_MIN_MS;
	if (prev_ms == 0)
		next = FORWARD_BACKOFF_MIN_MS;
	else if (prev_ms >= max_ms / 2)
		next = max_ms;
	else
		next = prev_ms * 2;
	return next < max_ms ? next : max_ms;
}

uint32_t
forward_jitter(uint32_t ms, uint32_t rnd)
{
	/* factor = 0.8 + 0.4 * rnd / 2^32 */
	return (uint32_t)(((uint64_t)ms * 4 / 5) +
	    (((uint64_t)ms * 2 / 5) * rnd >> 32));
}

int
forward_parse_addr(const char *s, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*colon, *h = s, *p;
	size_t		 hl;
	char		*end;
	long		 v;

	if (*s == '[') {
		if ((colon = strchr(s, ']')) == NULL || colon[1] != ':')
			return ERR_FORMAT;
		h = s + 1;
		hl = colon - h;
		p = colon + 2;
	} else {
		if ((colon = strrchr(s, ':')) == NULL ||
		    memchr(s, ':', colon - s) != NULL)
			return ERR_FORMAT;	/* IPv6 needs brackets */
		hl = colon - s;
		p = colon + 1;
	}
	if (hl == 0 || *p == '\0')
		return ERR_FORMAT;
	errno = 0;
	v = strtol(p, &end, 10);
	if (*end != '\0' || errno != 0 || v < 1 || v > 65535 || *p == '+' ||
	    *p == '-')
		return ERR_FORMAT;
	if (hl >= hostlen || strlen(p) >= portlen)
		return ERR_TOOBIG;
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%s", p);
	return 0;
}

static time_t
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
timer_arm(struct forward *fw, uint32_t ms)
{
	struct timeval tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(fw->timer, &tv);
}

/*
 * End the connection (if any) and schedule the next attempt.  Logs the
 * reason once: a reason equal to the previous failure's goes to debug, so
 * an unreachable collector does not fill the log.
 */
static void
forward_drop(struct forward *fw, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
forward_drop(struct forward *fw, const char *fmt, ...)
{
	char		reason[256];
	va_list		ap;
	uint32_t	delay;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (fw->state == FW_READY)
		log_info("disconnected from %s:%d: %s", fw->conf->host,
		    fw->port, reason);
	else if (strcmp(reason, fw->lastfail) != 0)
		log_warnx("connection to %s:%d failed: %s", fw->conf->host,
		    fw->port, reason);
	else
		log_debug("connection to %s:%d failed again: %s",
		    fw->conf->host, fw->port, reason);
	snprintf(fw->lastfail, sizeof(fw->lastfail), "%s", reason);
	if (fw->bev != NULL) {
		bufferevent_free(fw->bev);
		fw->bev = NULL;
	}
	/* every unacknowledged line goes again, with the same sequence */
	state_unsend(fw->st);
	fw->state = FW_IDLE;
	fw->backoff_ms = forward_backoff(fw->backoff_ms,
	    fw->conf->reconnect_max_ms);
	delay = forward_jitter(fw->backoff_ms, arc4random());
	log_debug("reconnecting in %u ms", delay);
	timer_arm(fw, delay);
}

static int
forward_send(struct forward *fw)
{
	int r = 0;

	if (bufferevent_write(fw->bev, fw->out.d, fw->out.len) != 0)
		r = ERR_NOMEM;
	buf_reset(&fw->out);
	return r;
}

static int
forward_hello(struct forward *fw)
{
	static struct proto_hello	 h;	/* 14k: not on the stack */
	const struct ident		*id = fw->id;
	size_t				 i, n = state_nstreams(fw->st);
	int				 r;

	memset(&h, 0, sizeof(h));
	h.version = PROTO_VERSION;
	h.hostname = id->hostname;
	h.hostnamelen = strlen(id->hostname);
	h.role = id->role;
	h.rolelen = strlen(id->role);
	h.machine_id = id->machine_id;
	h.machine_idlen = strlen(id->machine_id);
	h.boot_id = id->boot_id;
	h.boot_idlen = strlen(id->boot_id);
	h.vm_uuid = id->vm_uuid;
	h.vm_uuidlen = strlen(id->vm_uuid);
	h.instance = id->instance;
	h.instancelen = strlen(id->instance);
	h.nstreams = (uint16_t)n;
	for (i = 0; i < n; i++) {
		h.streams[i].id = (uint32_t)i;
		h.streams[i].name = state_stream_path(fw->st, i);
		h.streams[i].namelen = strlen(h.streams[i].name);
		h.streams[i].type = state_stream_type(fw->st, i);
		h.streams[i].typelen = strlen(h.streams[i].type);
	}
	if ((r = proto_hello_encode(&fw->out, &h)) != 0)
		return r;
	return forward_send(fw);
}

static void
forward_welcome(struct forward *fw, const uint8_t *p, size_t len)
{
	static struct proto_welcome	 w;	/* 12k: not on the stack */
	size_t				 i, n = state_nstreams(fw->st);
	uint32_t			 sid;
	int				 r;

	if ((r = proto_welcome_decode(p, len, &w)) != 0) {
		forward_drop(fw, "bad WELCOME: %s", err_str(r));
		return;
	}
	for (i = 0; i < w.nstreams; i++) {
		sid = w.streams[i].id;
		if (sid >= n) {
			log_debug("WELCOME names unknown stream %u", sid);
			continue;
		}
		if (state_welcome(fw->st, sid, w.streams[i].next_seq))
			log_warnx("input %s: collector expects seq %llu; "
			    "lines after the checkpoint were lost, "
			    "renumbering", state_stream_path(fw->st, sid),
			    (unsigned long long)w.streams[i].next_seq);
	}
	fw->heartbeat = w.heartbeat ? w.heartbeat : FORWARD_HEARTBEAT_SEC;
	fw->state = FW_READY;
	fw->backoff_ms = 0;
	fw->lastfail[0] = '\0';
	log_debug("WELCOME: heartbeat %us, %u streams", fw->heartbeat,
	    w.nstreams);
	timer_arm(fw, fw->heartbeat * 1000);
	/* WELCOME may have released window space */
	fw->ackcb(fw->arg);
	forward_fill(fw);
}

/*
 * Handle one frame.  Returns 0, or -1 when the connection was dropped
 * (fw->bev is gone).
 */
static int
forward_frame(struct forward *fw, uint8_t type, const uint8_t *p,
    size_t len)
{
	struct proto_ack	 a;
	const char		*s;
	size_t			 sl;
	uint64_t		 nonce;
	int			 r;

	if (fw->state == FW_WAITING && type != PROTO_WELCOME &&
	    type != PROTO_ERROR && type != PROTO_PING) {
		forward_drop(fw, "%s before WELCOME", proto_type_name(type));
		return -1;
	}
	switch (type) {
	case PROTO_WELCOME:
		if (fw->state != FW_WAITING) {
			forward_drop(fw, "second WELCOME");
			return -1;
		}
		forward_welcome(fw, p, len);
		return fw->state == FW_READY ? 0 : -1;
	case PROTO_ACK:
		if ((r = proto_ack_decode(p, len, &a)) != 0) {
			forward_drop(fw, "bad ACK: %s", err_str(r));
			return -1;
		}
		if (a.stream >= state_nstreams(fw->st) ||
		    state_ack(fw->st, a.stream, a.through) != 0) {
			forward_drop(fw, "ACK of stream %u seq %llu that was "
			    "not sent", a.stream,
			    (unsigned long long)a.through);
			return -1;
		}
		return 0;
	case PROTO_PING:
		if ((r = proto_ping_decode(p, len, &nonce)) != 0 ||
		    (r = proto_ping_encode(&fw->out, PROTO_PONG, nonce)) != 0 ||
		    (r = forward_send(fw)) != 0) {
			forward_drop(fw, "PING: %s", err_str(r));
			return -1;
		}
		return 0;
	case PROTO_PONG:
		return 0;
	case PROTO_ERROR:
		if (proto_error_decode(p, len, &s, &sl) != 0) {
			s = "(malformed ERROR frame)";
			sl = strlen(s);
		}
		forward_drop(fw, "collector error: %.*s", (int)sl, s);
		return -1;
	}
	forward_drop(fw, "unexpected %s frame", proto_type_name(type));
	return -1;
}

static void
forward_readcb(struct bufferevent *bev, void *arg)
{
	struct forward	*fw = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	uint8_t		 hdr[PROTO_FRAME_HDR], type;
	const uint8_t	*p, *payload;
	size_t		 len, plen, flen;
	int		 r, acked = 0;

	fw->last_rx = now_sec();
	while ((len = evbuffer_get_length(in)) > 0) {
		/* check the announced length before buffering the frame */
		if (len > sizeof(hdr))
			len = sizeof(hdr);
		evbuffer_copyout(in, hdr, len);
		r = proto_frame_next(hdr, len, PROTO_FRAME_MAX, &type,
		    &payload, &plen, &flen);
		if (r == 0) {
			if (len < sizeof(hdr))
				break;
			flen = 4 + (size_t)be32_get(hdr);
			if (evbuffer_get_length(in) < flen)
				break;
			if ((p = evbuffer_pullup(in, flen)) == NULL) {
				forward_drop(fw, "out of memory");
				return;
			}
			r = proto_frame_next(p, flen, PROTO_FRAME_MAX, &type,
			    &payload, &plen, &flen);
		}
		if (r < 0) {
			forward_drop(fw, "malformed frame from collector: %s",
			    err_str(r));
			return;
		}
		if (type == PROTO_ACK)
			acked = 1;
		if (forward_frame(fw, type, payload, plen) != 0)
			return;
		evbuffer_drain(in, flen);
	}
	if (acked) {
		fw->ackcb(fw->arg);
		forward_fill(fw);
	}
}

static void
forward_writecb(struct bufferevent *bev, void *arg)
{
	struct forward *fw = arg;

	(void)bev;
	forward_fill(fw);
}

/*
 * TLS 1.3 ends the client's handshake before the collector has checked
 * our certificate, so a refusal (an alert, then close) arrives in WAITING.
 * The collector closes with our HELLO unread, which resets the connection;
 * when our write meets the reset first, libevent reports EOF|WRITING
 * (dirty shutdown allowed) and the alert still sits in the socket.  Read it, so
 * the log says why we were refused.  1: found, reason in why.
 */
static int
forward_pending_alert(SSL *ssl, char *why, size_t whylen)
{
	char		buf[64];
	unsigned long	e;
	int		r;

	ERR_clear_error();
	r = SSL_read(ssl, buf, sizeof(buf));
	if (r > 0 || SSL_get_error(ssl, r) != SSL_ERROR_SSL ||
	    (e = ERR_peek_error()) == 0) {
		ERR_clear_error();
		return 0;
	}
	tlsctx_failure(ssl, e, why, whylen);
	return 1;
}

static void
forward_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct forward	*fw = arg;
	SSL		*ssl = bufferevent_openssl_get_ssl(bev);
	unsigned long	 e;
	char		 why[256];
	int		 dnserr, err = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_CONNECTED) {
		log_info("connected to %s:%d (%s, %s)", fw->conf->host,
		    fw->port, SSL_get_version(ssl), SSL_get_cipher_name(ssl));
		fw->state = FW_WAITING;
		fw->last_rx = now_sec();
		if (forward_hello(fw) != 0)
			forward_drop(fw, "cannot encode HELLO");
		return;
	}
	if ((what & BEV_EVENT_EOF) && fw->state == FW_CONNECTING) {
		/* a refused connect shows up as EOF of the TLS layer */
		forward_drop(fw, "%s", err != 0 ?
		    evutil_socket_error_to_string(err) :
		    "connection closed during the TLS handshake");
		return;
	}
	/*
	 * After a failed write libevent queues SSL_get_error()'s code
	 * (SSL_ERROR_SYSCALL), not an OpenSSL error: no library in it.
	 */
	e = bufferevent_get_openssl_error(bev);
	if (fw->state == FW_WAITING && ERR_GET_LIB(e) == 0 &&
	    forward_pending_alert(ssl, why, sizeof(why))) {
		forward_drop(fw, "TLS: %s", why);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		forward_drop(fw, "connection closed by the collector");
		return;
	}
	if ((dnserr = bufferevent_socket_get_dns_error(bev)) != 0) {
		forward_drop(fw, "cannot resolve %s: %s", fw->conf->host,
		    evutil_gai_strerror(dnserr));
		return;
	}
	if (e != 0 || fw->state == FW_CONNECTING) {
		if (e == 0 && err != 0 && fw->state == FW_CONNECTING &&
		    SSL_get_verify_result(ssl) == X509_V_OK) {
			/* the TCP connect itself failed */
			forward_drop(fw, "%s",
			    evutil_socket_error_to_string(err));
			return;
		}
		tlsctx_failure(ssl, e, why, sizeof(why));
		forward_drop(fw, "TLS: %s", why);
		return;
	}
	forward_drop(fw, "%s", err ? evutil_socket_error_to_string(err) :
	    "connection error");
}

static void
forward_timercb(evutil_socket_t fd, short what, void *arg)
{
	struct forward	*fw = arg;
	time_t		 quiet;

	(void)fd;
	(void)what;
	switch (fw->state) {
	case FW_IDLE:
		forward_connect(fw);
		break;
	case FW_CONNECTING:
	case FW_WAITING:
		forward_drop(fw, "no %s within %d seconds",
		    fw->state == FW_WAITING ? "WELCOME" : "TLS session",
		    FORWARD_HANDSHAKE_SEC);
		break;
	case FW_READY:
		quiet = now_sec() - fw->last_rx;
		if (quiet >= 3 * (time_t)fw->heartbeat) {
			forward_drop(fw, "nothing received for %lld seconds",
			    (long long)quiet);
			break;
		}
		if (proto_ping_encode(&fw->out, PROTO_PING, ++fw->nonce) != 0 ||
		    forward_send(fw) != 0) {
			forward_drop(fw, "cannot send PING");
			break;
		}
		timer_arm(fw, fw->heartbeat * 1000);
		break;
	}
}

static void
forward_connect(struct forward *fw)
{
	struct sockaddr_storage	 ss;
	X509_VERIFY_PARAM	*vp;
	SSL			*ssl;
	int			 sslen = sizeof(ss), r;

	if ((ssl = SSL_new(fw->conf->ctx)) == NULL) {
		forward_drop(fw, "SSL_new failed");
		return;
	}
	/* the collector's certificate must name the host we dialled */
	vp = SSL_get0_param(ssl);
	if (fw->literal)
		r = X509_VERIFY_PARAM_set1_ip_asc(vp, fw->conf->host);
	else {
		X509_VERIFY_PARAM_set_hostflags(vp,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		r = X509_VERIFY_PARAM_set1_host(vp, fw->conf->host, 0) &&
		    SSL_set_tlsext_host_name(ssl, fw->conf->host);
	}
	if (r != 1) {
		SSL_free(ssl);
		forward_drop(fw, "cannot set the expected peer name");
		return;
	}
	fw->bev = bufferevent_openssl_socket_new(fw->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (fw->bev == NULL) {
		SSL_free(ssl);
		forward_drop(fw, "cannot create bufferevent");
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(fw->bev, 1);
	bufferevent_setcb(fw->bev, forward_readcb, forward_writecb,
	    forward_eventcb, fw);
	/* refill when half the queued output has gone out */
	bufferevent_setwatermark(fw->bev, EV_WRITE, FORWARD_OUT_MAX / 2, 0);
	/* all of it in one go, not libevent's 16 KiB per loop pass: between
	 * two passes the shipper may read and spool a whole round */
	bufferevent_set_max_single_write(fw->bev, FORWARD_OUT_MAX * 2);
	bufferevent_enable(fw->bev, EV_READ | EV_WRITE);
	fw->state = FW_CONNECTING;
	log_debug("connecting to %s:%d", fw->conf->host, fw->port);
	timer_arm(fw, FORWARD_HANDSHAKE_SEC * 1000);
	if (fw->literal) {
		char a[128];

		snprintf(a, sizeof(a), strchr(fw->conf->host, ':') ?
		    "[%s]:%d" : "%s:%d", fw->conf->host, fw->port);
		if (evutil_parse_sockaddr_port(a, (struct sockaddr *)&ss,
		    &sslen) != 0)
			r = -1;
		else
			r = bufferevent_socket_connect(fw->bev,
			    (struct sockaddr *)&ss, sslen);
	} else
		r = bufferevent_socket_connect_hostname(fw->bev, fw->dns,
		    AF_UNSPEC, fw->conf->host, fw->port);
	if (r != 0 && fw->bev != NULL)
		forward_drop(fw, "connect: %s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

/*
 * Queue BATCH frames, round robin over the streams, until the output
 * holds FORWARD_OUT_MAX bytes or FORWARD_INFLIGHT_MAX lines wait for
 * their ACK.  Memory stays bounded by the window plus the output: with a
 * spool, sent lines leave the window, which is refilled from the spool
 * here, so that the lines in flight are not limited by the window (the
 * ACK of a batch comes a group commit later: with few lines in flight
 * the collector's latency, not its speed, would set the rate).
 */
static void
forward_fill(struct forward *fw)
{
	struct evbuffer	*ob;
	size_t		 i, n = state_nstreams(fw->st), idle = 0;
	int		 r;

	if (fw->state != FW_READY)
		return;
	ob = bufferevent_get_output(fw->bev);
	while (evbuffer_get_length(ob) < FORWARD_OUT_MAX && idle < n &&
	    state_inflight(fw->st) < FORWARD_INFLIGHT_MAX) {
		i = fw->next_stream++ % n;
		if (!state_has_unsent(fw->st, i)) {
			/* all sent: more from the spool (errors: the poll
			 * timer's refill logs them) */
			if (++idle == n && state_spilled(fw->st) &&
			    state_refill(fw->st) > 0)
				idle = 0;
			continue;
		}
		idle = 0;
		r = state_batch(fw->st, i, &fw->out, fw->conf->batch_lines,
		    FORWARD_BATCH_BYTES);
		if (r < 0 || forward_send(fw) != 0) {
			forward_drop(fw, "cannot queue BATCH: %s", err_str(r));
			return;
		}
	}
}

struct forward *
forward_new(struct event_base *base, struct evdns_base *dns,
    const struct forward_conf *conf, const struct ident *id,
    struct state *st, void (*ackcb)(void *), void *arg)
{
	struct forward	*fw;
	unsigned char	 a[16];

	if ((fw = calloc(1, sizeof(*fw))) == NULL)
		return NULL;
	fw->base = base;
	fw->dns = dns;
	fw->conf = conf;
	fw->id = id;
	fw->st = st;
	fw->ackcb = ackcb;
	fw->arg = arg;
	fw->port = atoi(conf->port);	/* checked by forward_parse_addr */
	fw->literal = evutil_inet_pton(AF_INET, conf->host, a) == 1 ||
	    evutil_inet_pton(AF_INET6, conf->host, a) == 1;
	buf_init(&fw->out, PROTO_FRAME_MAX + PROTO_FRAME_HDR);
	if ((fw->timer = evtimer_new(base, forward_timercb, fw)) == NULL) {
		free(fw);
		return NULL;
	}
	return fw;
}

void
forward_free(struct forward *fw)
{
	if (fw == NULL)
		return;
	if (fw->bev != NULL)
		bufferevent_free(fw->bev);
	event_free(fw->timer);
	buf_clear(&fw->out);
	free(fw);
}

void
forward_start(struct forward *fw)
{
	forward_connect(fw);
}

void
forward_kick(struct forward *fw)
{
	forward_fill(fw);
}
