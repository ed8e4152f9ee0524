/*
 * session.c -- the collector's network shell: accept TLS peers, frame
 * their bytes, and turn frames into writer jobs (see session.h).
 *
 * Session states:
 *   HANDSHAKE --TLS ok, cert name usable--> WAIT_HELLO --HELLO--> READY
 *   any state --error/EOF/timeout--> closed (freed when no job refers
 *   to it any more).
 * A session stops reading while it has more than inflight_max bytes
 * queued for the writer (backpressure), and every session stops once the
 * sessions of all listeners together have more than the budget's max,
 * until that is below half ("over").  A paused session reads again when
 * its own queue is below half and the budget is not over; paused
 * sessions wait in the budget's list and resume oldest first as jobs of
 * any session finish.  The check comes before each frame is taken, so
 * the budget is exceeded by at most the one job that crossed it.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/err.h>

#include "buf.h"
#include "err.h"
#include "internal.h"
#include "log.h"
#include "placement.h"
#include "predecode.h"
#include "query.h"
#include "proto.h"
#include "session.h"
#include "sframe.h"
#include "stats.h"
#include "store.h"
#include "tlsctx.h"
#include "writer.h"

/*
 * Shipper sessions: HANDSHAKE -> WAIT_HELLO -> READY.
 * Agentless syslog sessions (RFC 5425 over TLS, RFC 6587 over TCP):
 * HANDSHAKE (TLS only) -> SYSLOG.  Any -> CLOSING -> freed.
 */
enum sess_state { S_HANDSHAKE, S_WAIT_HELLO, S_READY, S_SYSLOG, S_CLOSING };

#define SYSLOG_BATCH	1024	/* messages per writer job */

struct wire_map {
	uint32_t	wire;
	uint32_t	store;
};

struct session {
	LIST_ENTRY(session)	 entry;
	struct listener		*l;
	struct bufferevent	*bev;
	enum sess_state		 state;
	char			 addr[64];
	char			 name[256];	/* from the certificate */
	int			 refs;		/* queued writer jobs */
	int			 dead;		/* bev freed */
	int			 paused;	/* not reading: queue full */
	int			 waiting;	/* in the budget's list */
	TAILQ_ENTRY(session)	 wentry;
	size_t			 inflight;
	int			 counted;	/* in stats "sessions" */
	int			 announced;	/* in the senders table */
	uint32_t		 syslog_stream;	/* store id (S_SYSLOG) */
	struct buf		 batch;		/* pending syslog batch */
	size_t			 batchmark;
	uint32_t		 batchn;
	uint32_t		 nmap;
	struct wire_map		 map[PROTO_STREAMS_MAX];
	struct buf		 out;		/* scratch for frames */
};

/* The memory every listener's sessions may have queued (session.h). */
struct qbudget {
	size_t			 max, used, peak;
	int			 over;		/* went over max, not yet below
						 * half: nobody reads */
	int			 stopped;	/* shutting down: no resume */
	size_t			 nwaiting;
	TAILQ_HEAD(, session)	 waiting;	/* paused sessions */
};

struct listener {
	struct listener_cfg	 cfg;
	struct event_base	*base;
	struct evconnlistener	*lev;
	int			 nsessions;
	LIST_HEAD(, session)	 sessions;
};

static void	session_readcb(struct bufferevent *, void *);
static void	session_eventcb(struct bufferevent *, short, void *);

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
listen_addr_parse(const char *s, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[256];
	const char		*colon, *port;
	char			*end;
	long			 p;
	size_t			 hl;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		if ((colon = strstr(s, "]:")) == NULL)
			return ERR_FORMAT;
		hl = colon - s - 1;
		port = colon + 2;
		if (hl >= sizeof(host))
			return ERR_FORMAT;
		memcpy(host, s + 1, hl);
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return ERR_FORMAT;
		hl = colon - s;
		port = colon + 1;
		if (hl >= sizeof(host))
			return ERR_FORMAT;
		memcpy(host, s, hl);
	}
	host[hl] = '\0';
	p = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || p < 1 || p > 65535)
		return ERR_FORMAT;
	if (hl == 0 || strcmp(host, "*") == 0 || strcmp(host, "0.0.0.0") == 0) {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
		sin->sin_port = htons((uint16_t)p);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*sin6);
		return 0;
	}
	return ERR_FORMAT;
}

int32_t
session_tzoff(const struct conf_list *l, const char *name, int32_t def)
{
	const char	*eq;
	long long	 v;
	size_t		 n = strlen(name);
	int		 i;

	for (i = 0; l != NULL && n > 0 && i < l->n; i++) {
		if ((eq = strchr(l->v[i], '=')) == NULL ||
		    (size_t)(eq - l->v[i]) != n ||
		    strncasecmp(l->v[i], name, n) != 0)
			continue;
		if (conf_parse_duration(eq + 1, &v) == 0 && v >= -86400 &&
		    v <= 86400)
			return (int32_t)v;
	}
	return def;
}

static void
addr_str(const struct sockaddr *sa, char *out, size_t outlen)
{
	char h[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, h, sizeof(h));
		snprintf(out, outlen, "[%s]:%u", h, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, h, sizeof(h));
		snprintf(out, outlen, "%s:%u", h, ntohs(s4->sin_port));
	}
}

struct qbudget *
qbudget_new(size_t max)
{
	struct qbudget	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->max = max;
	TAILQ_INIT(&b->waiting);
	return b;
}

void
qbudget_free(struct qbudget *b)
{
	free(b);	/* the listeners, and their sessions, are gone */
}

void
qbudget_stop(struct qbudget *b)
{
	b->stopped = 1;
}

/* Leave the budget's list (resumed, closed or freed). */
static void
session_unwait(struct session *s)
{
	struct qbudget	*b = s->l->cfg.budget;

	if (!s->waiting)
		return;
	TAILQ_REMOVE(&b->waiting, s, wentry);
	b->nwaiting--;
	s->waiting = 0;
}

/* Bytes of a job enter (n > 0) or leave the session's and budget's queue. */
static void
session_queue(struct session *s, int64_t n)
{
	struct qbudget	*b = s->l->cfg.budget;

	s->inflight += (size_t)n;
	STATS_ADD(queue_bytes, n);
	b->used += (size_t)n;
	if (b->used > b->max)
		b->over = 1;
	else if (b->used <= b->max / 2)
		b->over = 0;
	if (b->used > b->peak) {
		b->peak = b->used;
		STATS_SET(queue_peak, b->peak);
	}
}

/* Too much queued: stop reading (the socket buffers fill, then the peer's). */
static int
session_full(const struct session *s)
{
	const struct qbudget	*b = s->l->cfg.budget;

	return s->inflight > s->l->cfg.inflight_max || b->over;
}

static int
session_can_resume(const struct session *s)
{
	const struct qbudget	*b = s->l->cfg.budget;

	return s->inflight <= s->l->cfg.inflight_max / 2 && !b->stopped &&
	    !b->over;
}

static void
session_pause(struct session *s)
{
	struct qbudget	*b = s->l->cfg.budget;

	s->paused = 1;
	bufferevent_disable(s->bev, EV_READ);
	if (!s->waiting) {
		TAILQ_INSERT_TAIL(&b->waiting, s, wentry);
		b->nwaiting++;
		s->waiting = 1;
	}
}

/* Read again; s may be closed, or freed, when this returns. */
static void
session_resume(struct session *s)
{
	session_unwait(s);
	s->paused = 0;
	bufferevent_enable(s->bev, EV_READ);
	/* frames may already wait in the input buffer */
	session_readcb(s->bev, s);
}

/*
 * Jobs finished: resume the paused sessions, oldest first, that may read
 * again, until the budget is over again.  Each is looked at once (a
 * resumed session that fills up again goes to the end); one that is
 * closing only leaves the list.
 */
static void
qbudget_wake(struct qbudget *b)
{
	struct session	*s;
	size_t		 n;

	if (b->stopped)
		return;
	for (n = b->nwaiting; n > 0 && !b->over; n--) {
		s = TAILQ_FIRST(&b->waiting);
		if (s->state == S_CLOSING)
			session_unwait(s);
		else if (session_can_resume(s))
			session_resume(s);
		else {		/* its own queue holds it: to the end */
			TAILQ_REMOVE(&b->waiting, s, wentry);
			TAILQ_INSERT_TAIL(&b->waiting, s, wentry);
		}
	}
}

static void
session_maybe_free(struct session *s)
{
	if (!s->dead || s->refs > 0)
		return;
	session_unwait(s);
	LIST_REMOVE(s, entry);
	buf_clear(&s->out);
	buf_clear(&s->batch);
	free(s);
}

/* Drop the connection now.  reason NULL: already logged. */
static void
session_close(struct session *s, const char *reason)
{
	if (s->dead)
		return;
	if (reason != NULL)
		log_info("%s%s%s: closed: %s", s->addr, s->name[0] ? " " : "",
		    s->name, reason);
	if (s->announced)
		stats_sender_disconnect(s->name);
	if (s->counted)
		STATS_ADD(sessions, -1);
	session_unwait(s);
	bufferevent_free(s->bev);
	s->bev = NULL;
	s->dead = 1;
	s->l->nsessions--;
	session_maybe_free(s);
}

static void
session_drainedcb(struct bufferevent *bev, void *arg)
{
	struct session *s = arg;

	(void)bev;
	session_close(s, NULL);
}

/*
 * A protocol error: log once, tell the peer why with an ERROR frame, and
 * close once it is written (or after 5 s).
 */
static void
session_fail(struct session *s, const char *fmt, ...)
{
	char		reason[256];
	va_list		ap;
	struct timeval	tv = { 5, 0 };

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	log_warnx("%s%s%s: closing: %s", s->addr, s->name[0] ? " " : "",
	    s->name, reason);
	STATS_ADD(proto_errors, 1);
	buf_reset(&s->out);
	if (s->state == S_HANDSHAKE ||
	    proto_error_encode(&s->out, reason) != 0) {
		session_close(s, NULL);
		return;
	}
	s->state = S_CLOSING;
	session_unwait(s);
	bufferevent_disable(s->bev, EV_READ);
	bufferevent_setcb(s->bev, NULL, session_drainedcb, session_eventcb, s);
	bufferevent_set_timeouts(s->bev, NULL, &tv);
	bufferevent_write(s->bev, s->out.d, s->out.len);
}

/* A syslog peer broke framing: keep what it sent before, then close. */
static void	session_syslog_flush(struct session *);
static void
session_flush_then_close(struct session *s, const char *reason)
{
	log_warnx("%s %s: closing: %s", s->addr, s->name, reason);
	STATS_ADD(proto_errors, 1);
	session_syslog_flush(s);
	session_close(s, NULL);
}

static int
session_send(struct session *s)
{
	if (s->dead || s->state == S_CLOSING)
		return 0;
	if (bufferevent_write(s->bev, s->out.d, s->out.len) != 0)
		return ERR_NOMEM;
	return 0;
}

/*
 * Store one event of the collector's own (a cloned or unverified guest):
 * a line "TIME HOST vigil-collector: event=… key=value…" in the internal
 * stream, numbered by the writer, so that searches and rules see it.
 */
static void
session_internal(struct session *s, const char *fmt, ...)
{
	static uint32_t	 stream = UINT32_MAX;
	struct wjob	*j;
	struct buf	 b;
	va_list		 ap;
	char		 msg[1024];
	int64_t		 now = now_us();

	if (stream == UINT32_MAX &&
	    internal_stream(s->l->cfg.store, &stream) != 0) {
		stream = UINT32_MAX;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_init(&b, PROTO_FRAME_MAX);
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    internal_batch(&b, now, msg, &j->batch) != 0) {
		free(j);
		buf_clear(&b);
		return;
	}
	/* the job owns the payload: keep the buffer's storage */
	j->payload = b.d;
	j->plen = b.len;
	j->kind = WJOB_BATCH;
	j->stream = stream;
	j->noack = 1;
	j->sess = s;
	j->recv_us = now;
	s->refs++;
	session_queue(s, (int64_t)j->plen);
	writer_submit(s->l->cfg.writer, j);
}

/*
 * QEMU's legacy SMBIOS tables (very old machine types) store the UUID
 * unencoded, so the guest's kernel shows its first three fields
 * byte-swapped (../shared/reference/log-formats.md, section 3).  When the
 * claimed UUID is unknown but its swapped form is a known VM, use that.
 */
static void
session_legacy_uuid(struct session *s, char *vm)
{
	struct placement	p;
	char			u[PLACE_UUID_LEN + 1], w[PLACE_UUID_LEN + 1];
	/* the hex digits of fields 1-3, and where each comes from */
	static const int	dst[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11,
	    12, 14, 15, 16, 17 };
	static const int	src[16] = { 6, 7, 4, 5, 2, 3, 0, 1, 11, 12, 9,
	    10, 16, 17, 14, 15 };
	int			i;

	if (placement_uuid(vm, strlen(vm), u) != 0 ||
	    placement_where(s->l->cfg.store, u, now_us(), &p) != 0 || p.known)
		return;
	memcpy(w, u, sizeof(w));
	/* aabbccdd-eeff-gghh -> ddccbbaa-ffee-hhgg */
	for (i = 0; i < 16; i++)
		w[dst[i]] = u[src[i]];
	if (placement_where(s->l->cfg.store, w, now_us(), &p) != 0 ||
	    !p.known)
		return;
	log_info("%s %s: claimed VM UUID %s is the byte-swapped (legacy "
	    "SMBIOS) form of %s; using %s", s->addr, s->name, u, w, w);
	memcpy(vm, w, sizeof(w));
}

/* A guest's claimed VM UUID: placed on a known host now?  Cloned? */
static void
session_guest_identity(struct session *s, const char *vm)
{
	struct placement	p;
	char			uuid[PLACE_UUID_LEN + 1], names[8][256];
	int			n, i;

	if (placement_uuid(vm, strlen(vm), uuid) != 0) {
		log_warnx("%s %s: guest claims a malformed VM UUID '%s'",
		    s->addr, s->name, vm);
		session_internal(s, "event=guest_unverified vm.uuid=%s "
		    "sender=%s reason=malformed_uuid", "-", s->name);
		return;
	}
	n = stats_uuid_senders(uuid, names, 8);
	for (i = 0; i < n; i++)
		if (strcmp(names[i], s->name) != 0) {
			log_warnx("%s %s: VM UUID %s is also claimed by the "
			    "connected guest %s (cloned VM?)", s->addr,
			    s->name, uuid, names[i]);
			session_internal(s, "event=guest_cloned vm.uuid=%s "
			    "sender=%s other=%s", uuid, s->name, names[i]);
		}
	if (placement_where(s->l->cfg.store, uuid, now_us(), &p) == 0 &&
	    p.running) {
		log_info("%s %s: guest identity verified: VM %s (%s) runs on "
		    "%s", s->addr, s->name, uuid, p.name, p.host);
		return;
	}
	log_warnx("%s %s: guest identity unverified: VM %s is not placed "
	    "on a known host", s->addr, s->name, uuid);
	session_internal(s, "event=guest_unverified vm.uuid=%s sender=%s "
	    "reason=not_placed", uuid, s->name);
}

static void
session_hello(struct session *s, const uint8_t *p, size_t len)
{
	struct proto_hello	*h = NULL;
	struct proto_welcome	*w = NULL;
	char			 claimed[256], role[16], vm[64], inst[80];
	char			 name[PROTO_STR_MAX + 1], type[65];
	uint64_t		 next;
	uint32_t		 id;
	uint16_t		 i;
	int			 r;

	if ((h = malloc(sizeof(*h))) == NULL ||
	    (w = malloc(sizeof(*w))) == NULL) {
		session_close(s, "out of memory");
		goto out;
	}
	if ((r = proto_hello_decode(p, len, h)) != 0) {
		session_fail(s, "bad HELLO: %s", err_str(r));
		goto out;
	}
	snprintf(claimed, sizeof(claimed), "%.*s", (int)h->hostnamelen,
	    h->hostname);
	snprintf(role, sizeof(role), "%.*s", (int)h->rolelen, h->role);
	snprintf(vm, sizeof(vm), "%.*s", (int)h->vm_uuidlen, h->vm_uuid);
	session_legacy_uuid(s, vm);
	snprintf(inst, sizeof(inst), "%.*s", (int)h->instancelen,
	    h->instance);
	if (memchr(inst, '\0', h->instancelen) != NULL) {
		session_fail(s, "bad HELLO: NUL in instance");
		goto out;
	}
	if (strcasecmp(claimed, s->name) != 0)
		log_warnx("%s %s: hello claims host name '%s'; the "
		    "certificate's name is used", s->addr, s->name, claimed);
	memset(w, 0, sizeof(*w) - sizeof(w->streams));
	w->version = PROTO_VERSION;
	w->heartbeat = (uint32_t)s->l->cfg.heartbeat;
	w->nstreams = h->nstreams;
	for (i = 0; i < h->nstreams; i++) {
		if (memchr(h->streams[i].name, '\0', h->streams[i].namelen) ||
		    memchr(h->streams[i].type, '\0', h->streams[i].typelen) ||
		    h->streams[i].namelen == 0) {
			session_fail(s, "bad HELLO: stream %u name",
			    h->streams[i].id);
			goto out;
		}
		snprintf(name, sizeof(name), "%.*s",
		    (int)h->streams[i].namelen, h->streams[i].name);
		snprintf(type, sizeof(type), "%.*s",
		    (int)h->streams[i].typelen, h->streams[i].type);
		if (strcmp(type, "vigil") == 0) {
			/* the collector's own events: nobody else's to send */
			session_fail(s, "bad HELLO: stream %u claims type "
			    "vigil", h->streams[i].id);
			goto out;
		}
		if (store_stream_lookup(s->l->cfg.store, s->name, inst, name,
		    type[0] ? type : "other", role, vm, &id, &next) != 0) {
			session_fail(s, "storage error");
			goto out;
		}
		s->map[i].wire = h->streams[i].id;
		s->map[i].store = id;
		memset(&w->streams[i], 0, sizeof(w->streams[i]));
		w->streams[i].id = h->streams[i].id;
		w->streams[i].next_seq = next;
	}
	s->nmap = h->nstreams;
	buf_reset(&s->out);
	if (proto_welcome_encode(&s->out, w) != 0 || session_send(s) != 0) {
		session_close(s, "cannot send WELCOME");
		goto out;
	}
	s->state = S_READY;
	s->counted = s->announced = 1;
	STATS_ADD(sessions, 1);
	if (strcmp(role, "guest") == 0 && vm[0] != '\0')
		session_guest_identity(s, vm);
	stats_sender_connect(s->name, claimed, role, vm, s->addr, now_us());
	log_info("%s %s: hello: role %s%s%s, %u streams", s->addr, s->name,
	    role[0] ? role : "?", vm[0] ? ", vm " : "", vm, h->nstreams);
 out:
	free(h);
	free(w);
}

static int
map_stream(struct session *s, uint32_t wire, uint32_t *store)
{
	uint32_t i;

	for (i = 0; i < s->nmap; i++)
		if (s->map[i].wire == wire) {
			*store = s->map[i].store;
			return 0;
		}
	return ERR_NOTFOUND;
}

/*
 * Decode a batch's events here, on the event loop thread, which mostly
 * waits, rather than on the writer thread, the busiest stage (see
 * predecode.h).  When anything goes wrong the writer decodes them itself.
 */
static void
session_predecode(struct session *s, struct wjob *j)
{
	static struct record	*tmp;	/* the event loop thread's only */
	struct stream_meta	 meta;
	struct decode_ctx	 ctx;
	struct buf		 out;
	uint8_t			*p;

	if (tmp == NULL && (tmp = malloc(sizeof(*tmp))) == NULL)
		return;
	if (store_stream_meta(s->l->cfg.store, j->stream, &meta) != 0)
		return;
	ctx.recv_us = j->recv_us;
	ctx.tzoff = j->tzoff;
	ctx.sender = meta.sender;
	ctx.type = meta.type;
	ctx.path = meta.name;
	buf_init(&out, 0);
	/* packed records run about twice the size of the frame (1.9x for
	 * the benchmark's mix) */
	if (buf_reserve(&out, 2 * j->plen) != 0 ||
	    predecode_batch(&ctx, &j->batch, tmp, &out) != 0) {
		buf_clear(&out);
		return;
	}
	/* the job owns the storage, no more of it than is used (it counts
	 * against session-queue) */
	if (out.cap > out.len + out.len / 8 && out.len > 0 &&
	    (p = realloc(out.d, out.len)) != NULL)
		out.d = p;
	j->pre = out.d;
	j->prelen = out.len;
}

static void
session_job(struct session *s, enum wjob_kind kind, const uint8_t *p,
    size_t len)
{
	struct wjob	*j;
	int		 r;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->payload = malloc(len)) == NULL) {
		free(j);
		session_close(s, "out of memory");
		return;
	}
	memcpy(j->payload, p, len);
	j->plen = len;
	j->kind = kind;
	if (kind == WJOB_BATCH && s->state == S_SYSLOG) {
		/* sequences are assigned by the writer (first_seq 0) */
		r = proto_batch_decode(j->payload, len, &j->batch);
		j->stream = s->syslog_stream;
	} else if (kind == WJOB_BATCH) {
		r = proto_batch_decode(j->payload, len, &j->batch);
		if (r == 0 && j->batch.first_seq == 0)
			r = ERR_RANGE;	/* 0 is reserved for agentless */
		if (r == 0)
			r = map_stream(s, j->batch.stream, &j->stream);
		j->wire_stream = j->batch.stream;
	} else {
		r = proto_gap_decode(j->payload, len, &j->gap);
		if (r == 0)
			r = map_stream(s, j->gap.stream, &j->stream);
		j->wire_stream = j->gap.stream;
	}
	if (r != 0) {
		wjob_free(j);
		session_fail(s, "bad %s: %s", kind == WJOB_BATCH ? "BATCH" :
		    "GAP", r == ERR_NOTFOUND ? "unknown stream" : err_str(r));
		return;
	}
	j->sess = s;
	j->recv_us = now_us();
	j->tzoff = session_tzoff(s->l->cfg.tzfor, s->name, s->l->cfg.tzoff);
	if (kind == WJOB_BATCH)
		session_predecode(s, j);
	s->refs++;
	/* over a limit: the next frame waits (session_readcb) */
	session_queue(s, (int64_t)(len + j->prelen));
	if (kind == WJOB_BATCH) {
		STATS_ADD(received, j->batch.count);
		stats_sender_add(s->name, j->batch.count, 0, 0, 0);
	}
	stats_sender_seen(s->name, j->recv_us);
	writer_submit(s->l->cfg.writer, j);
}

static void
session_jobdone_one(struct wjob *j)
{
	struct session		*s = j->sess;
	struct proto_ack	 a;

	s->refs--;
	session_queue(s, -(int64_t)(j->plen + j->prelen));
	if (j->status == 0) {
		STATS_ADD(stored, j->stored);
		STATS_ADD(dups, j->dups);
		STATS_ADD(gaps, (int64_t)j->gapn);
		stats_sender_add(s->name, 0, j->stored, j->dups, j->gapn);
	}
	if (s->dead || s->state == S_CLOSING || j->noack) {
		if (j->noack && j->status != 0)
			log_warnx("could not store the collector's own event: "
			    "%s", err_str(j->status));
		wjob_free(j);
		session_maybe_free(s);
		return;
	}
	if (j->status != 0) {
		session_fail(s, "storage error: %s", err_str(j->status));
		wjob_free(j);
		return;
	}
	if (s->state == S_SYSLOG) {
		/* syslog peers get no acknowledgement */
		wjob_free(j);
		return;
	}
	a.stream = j->wire_stream;
	a.through = j->kind == WJOB_BATCH ?
	    j->batch.first_seq + j->batch.count - 1 : j->gap.last_seq;
	wjob_free(j);
	buf_reset(&s->out);
	if (proto_ack_encode(&s->out, &a) != 0 || session_send(s) != 0) {
		session_close(s, "cannot send ACK");
		return;
	}
	STATS_ADD(acks, 1);
}

/* A job is done; paused sessions resume through the budget, in order. */
void
session_jobdone(struct wjob *j, void *arg)
{
	struct qbudget	*b = j->sess->l->cfg.budget;

	(void)arg;
	session_jobdone_one(j);		/* may free j's session */
	qbudget_wake(b);
}

static void
session_frame(struct session *s, uint8_t type, const uint8_t *p, size_t len)
{
	uint64_t nonce;

	if (s->state == S_WAIT_HELLO && type != PROTO_HELLO) {
		session_fail(s, "%s before HELLO", proto_type_name(type));
		return;
	}
	switch (type) {
	case PROTO_HELLO:
		if (s->state != S_WAIT_HELLO) {
			session_fail(s, "second HELLO");
			return;
		}
		session_hello(s, p, len);
		break;
	case PROTO_BATCH:
		session_job(s, WJOB_BATCH, p, len);
		break;
	case PROTO_GAP:
		session_job(s, WJOB_GAP, p, len);
		break;
	case PROTO_PING:
		if (proto_ping_decode(p, len, &nonce) != 0) {
			session_fail(s, "bad PING");
			return;
		}
		stats_sender_seen(s->name, now_us());
		buf_reset(&s->out);
		if (proto_ping_encode(&s->out, PROTO_PONG, nonce) != 0 ||
		    session_send(s) != 0)
			session_close(s, "cannot send PONG");
		break;
	case PROTO_PONG:
		break;
	default:
		session_fail(s, "unexpected %s frame",
		    proto_type_name(type));
		break;
	}
}


/*
 * Agentless syslog (RFC 5425 over TLS, RFC 6587 over TCP): every peer is
 * one stream of its sender; the writer numbers the messages (first_seq 0)
 * since these peers have no sequence numbers and get no ACKs.
 */
static int
session_syslog_start(struct session *s)
{
	uint64_t	next;
	const char	*name = s->l->cfg.mode == LISTEN_SYSLOG_TLS ?
	    "rfc5425" : "rfc6587";

	if (store_stream_lookup(s->l->cfg.store, s->name, "syslog", name,
	    "syslog", "syslog", "", &s->syslog_stream, &next) != 0)
		return ERR_STORE;
	buf_init(&s->batch, PROTO_FRAME_MAX);
	s->state = S_SYSLOG;
	s->counted = s->announced = 1;
	STATS_ADD(sessions, 1);
	stats_sender_connect(s->name, s->name, "syslog", "", s->addr,
	    now_us());
	return 0;
}

static void
session_syslog_flush(struct session *s)
{
	if (s->batchn == 0)
		return;
	if (proto_batch_end(&s->batch, s->batchmark) == 0)
		session_job(s, WJOB_BATCH, s->batch.d + s->batchmark +
		    PROTO_FRAME_HDR, s->batch.len - s->batchmark -
		    PROTO_FRAME_HDR);
	buf_reset(&s->batch);
	s->batchn = 0;
}

static void
session_syslog_read(struct session *s, struct evbuffer *in)
{
	uint8_t		*p;
	size_t		 len, off, mlen, used;
	int		 r;

	while (!s->dead && !s->paused && s->state == S_SYSLOG) {
		len = evbuffer_get_length(in);
		if (len == 0)
			break;
		if (session_full(s)) {	/* before another message */
			session_pause(s);
			break;
		}
		/* enough for one message of the maximum size */
		if (len > PROTO_LINE_MAX + 16)
			len = PROTO_LINE_MAX + 16;
		if ((p = evbuffer_pullup(in, len)) == NULL) {
			session_close(s, "out of memory");
			return;
		}
		r = sframe_next(p, len, PROTO_LINE_MAX, &off, &mlen, &used);
		if (r == 0)
			break;
		if (r < 0) {
			session_flush_then_close(s, r == ERR_TOOBIG ?
			    "message over 64 KiB" : "malformed octet count");
			return;
		}
		if (s->batchn == 0 && proto_batch_begin(&s->batch, 0, 0,
		    &s->batchmark) != 0) {
			session_close(s, "out of memory");
			return;
		}
		if (proto_batch_add(&s->batch, s->batchmark, now_us(),
		    (const char *)p + off, mlen) != 0) {
			/* frame full: send it and start another */
			session_syslog_flush(s);
			continue;
		}
		s->batchn++;
		evbuffer_drain(in, used);
		if (s->batchn >= SYSLOG_BATCH)
			session_syslog_flush(s);
	}
	if (!s->dead)
		session_syslog_flush(s);
}

static void
session_readcb(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	uint8_t		 hdr[PROTO_FRAME_HDR], type;
	const uint8_t	*p, *payload;
	size_t		 len, need, plen, flen;
	int		 r;

	/* hold the session: a frame handler may close it */
	s->refs++;
	if (s->state == S_SYSLOG)
		session_syslog_read(s, in);
	while (!s->dead && !s->paused && s->state != S_CLOSING &&
	    s->state != S_SYSLOG) {
		len = evbuffer_get_length(in);
		if (len < 4)
			break;
		if (session_full(s)) {	/* before another frame */
			session_pause(s);
			break;
		}
		evbuffer_copyout(in, hdr, len < sizeof(hdr) ? len :
		    sizeof(hdr));
		need = 4 + (size_t)be32_get(hdr);
		if (need - 4 > PROTO_FRAME_MAX) {
			session_fail(s, "frame of %zu bytes is over the "
			    "limit of %u", need - 4, PROTO_FRAME_MAX);
			break;
		}
		if (len < need)
			break;
		if ((p = evbuffer_pullup(in, need)) == NULL) {
			session_close(s, "out of memory");
			break;
		}
		r = proto_frame_next(p, need, PROTO_FRAME_MAX, &type,
		    &payload, &plen, &flen);
		if (r != 1) {
			session_fail(s, "malformed frame: %s", err_str(r));
			break;
		}
		session_frame(s, type, payload, plen);
		if (!s->dead)
			evbuffer_drain(in, flen);
	}
	s->refs--;
	session_maybe_free(s);
}

static void
session_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct session	*s = arg;
	SSL		*ssl = bufferevent_openssl_get_ssl(bev);
	char		 reason[256];
	struct timeval	 tv;

	if (what & BEV_EVENT_CONNECTED) {
		if (tlsctx_peer_name(ssl, s->name, sizeof(s->name)) != 0) {
			s->name[0] = '\0';
			stats_tls_refused(TLSR_NO_NAME);
			log_warnx("refused %s: certificate has no usable host "
			    "name (SAN DNS or CN)", s->addr);
			session_close(s, NULL);
			return;
		}
		s->state = S_WAIT_HELLO;
		tv.tv_sec = 3 * s->l->cfg.heartbeat;
		tv.tv_usec = 0;
		bufferevent_set_timeouts(bev, &tv, NULL);
		if (s->l->cfg.mode == LISTEN_SYSLOG_TLS) {
			/* syslog senders may be quiet for long */
			bufferevent_set_timeouts(bev, NULL, NULL);
			if (session_syslog_start(s) != 0) {
				session_close(s, "storage error");
				return;
			}
		}
		log_info("%s: accepted %s (%s, %s)", s->addr, s->name,
		    SSL_get_version(ssl), SSL_get_cipher_name(ssl));
		return;
	}
	if (s->state == S_HANDSHAKE) {
		if (what & BEV_EVENT_TIMEOUT) {
			snprintf(reason, sizeof(reason), "TLS handshake "
			    "timed out");
			stats_tls_refused(TLSR_TIMEOUT);
		} else
			stats_tls_refused(tlsctx_failure(ssl,
			    bufferevent_get_openssl_error(bev), reason,
			    sizeof(reason)));
		log_warnx("refused %s: %s", s->addr, reason);
		session_close(s, NULL);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		STATS_ADD(timeouts, 1);
		session_close(s, s->state == S_CLOSING ? "write timed out" :
		    "no heartbeat from peer");
	}
	else if (what & BEV_EVENT_EOF) {
		if (s->state == S_SYSLOG)
			session_syslog_read(s, bufferevent_get_input(bev));
		session_close(s, "peer closed the connection");
	} else {
		unsigned long e = ssl ? bufferevent_get_openssl_error(bev) : 0;

		STATS_ADD(conn_errors, 1);
		if (e != 0) {
			ERR_error_string_n(e, reason, sizeof(reason));
			session_close(s, reason);
		} else
			session_close(s, errno ? strerror(errno) :
			    "connection error");
	}
}

static void
listener_acceptcb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct listener	*l = arg;
	struct session	*s;
	SSL		*ssl;
	struct timeval	 tv = { 10, 0 };
	char		 addr[64];

	(void)lev;
	(void)salen;
	addr_str(sa, addr, sizeof(addr));
	if (l->nsessions >= l->cfg.max_sessions) {
		log_warnx("refused %s: too many sessions (%d)", addr,
		    l->cfg.max_sessions);
		stats_tls_refused(TLSR_TOO_MANY);
		evutil_closesocket(fd);
		return;
	}
	ssl = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL || (l->cfg.mode !=
	    LISTEN_SYSLOG_TCP && (ssl = SSL_new(l->cfg.ssl)) == NULL)) {
		log_warnx("refused %s: out of memory", addr);
		free(s);
		evutil_closesocket(fd);
		return;
	}
	s->l = l;
	snprintf(s->addr, sizeof(s->addr), "%s", addr);
	buf_init(&s->out, PROTO_FRAME_MAX + 64);
	if (ssl != NULL)
		s->bev = bufferevent_openssl_socket_new(l->base, fd, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	else
		s->bev = bufferevent_socket_new(l->base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		log_warnx("refused %s: cannot create bufferevent", addr);
		SSL_free(ssl);
		evutil_closesocket(fd);
		free(s);
		return;
	}
	l->nsessions++;
	LIST_INSERT_HEAD(&l->sessions, s, entry);
	if (ssl == NULL) {
		/* plain TCP syslog: the peer is named by its address */
		snprintf(s->name, sizeof(s->name), "%.*s",
		    (int)strcspn(addr + (addr[0] == '['), "]:"),
		    addr + (addr[0] == '['));
		bufferevent_setwatermark(s->bev, EV_READ, 0,
		    PROTO_FRAME_MAX + 65536);
		bufferevent_setcb(s->bev, session_readcb, NULL,
		    session_eventcb, s);
		if (session_syslog_start(s) != 0) {
			session_close(s, "storage error");
			return;
		}
		log_info("%s: syslog (TCP) sender connected", addr);
		bufferevent_enable(s->bev, EV_READ | EV_WRITE);
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(s->bev, 1);
	/* bound what a peer can make us buffer: one frame plus a read */
	bufferevent_setwatermark(s->bev, EV_READ, 0, PROTO_FRAME_MAX + 65536);
	bufferevent_setcb(s->bev, session_readcb, NULL, session_eventcb, s);
	bufferevent_set_timeouts(s->bev, &tv, &tv);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
}

static void
listener_errorcb(struct evconnlistener *lev, void *arg)
{
	(void)lev;
	(void)arg;
	/* EMFILE and friends: syslogd-style, log and go on */
	log_warn("accept");
}

struct listener *
listener_new(struct event_base *base, const struct listener_cfg *cfg,
    char *err, size_t errlen)
{
	struct listener		*l;
	struct sockaddr_storage	 ss;
	socklen_t		 sl;

	if (listen_addr_parse(cfg->listen, &ss, &sl) != 0) {
		snprintf(err, errlen, "bad listen address '%s'", cfg->listen);
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->cfg = *cfg;
	l->base = base;
	LIST_INIT(&l->sessions);
	l->lev = evconnlistener_new_bind(base, listener_acceptcb, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    128, (struct sockaddr *)&ss, (int)sl);
	if (l->lev == NULL) {
		snprintf(err, errlen, "listen on %s: %s", cfg->listen,
		    strerror(errno));
		free(l);
		return NULL;
	}
	evconnlistener_set_error_cb(l->lev, listener_errorcb);
	return l;
}

void
listener_free(struct listener *l)
{
	struct session *s;

	if (l == NULL)
		return;
	/* the writer is gone: no session has a job left */
	while ((s = LIST_FIRST(&l->sessions)) != NULL) {
		if (s->dead || s->refs > 0) {
			LIST_REMOVE(s, entry);	/* cannot happen; leak */
			continue;
		}
		session_close(s, "collector shutting down");
	}
	evconnlistener_free(l->lev);
	free(l);
}
