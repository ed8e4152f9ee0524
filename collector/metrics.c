/*
 * metrics.c -- the Prometheus endpoint (see metrics.h).  One table lists
 * the totals of struct stats_totals: exposing a new counter is a field in
 * stats.h and one line in totals[] below.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "err.h"
#include "log.h"
#include "metrics.h"
#include "session.h"
#include "store.h"

#define METRICS_TIMEOUT_SEC	10
#define METRICS_HEADERS_MAX	8192
#define METRICS_OUT_MAX		(64u * 1024 * 1024)
#define CONTENT_TYPE		"text/plain; version=0.0.4; charset=utf-8"

struct metrics {
	struct evhttp		*http;
	struct store		*st;
};

#define C(f)	offsetof(struct stats_totals, f)
static const struct total {
	const char	*name;
	const char	*type;		/* "counter" names end in _total */
	size_t		 off;		/* a uint64_t in stats_totals */
	const char	*help;
} totals[] = {
	{ "vigil_events_received_total", "counter", C(received),
	    "Events received from senders (BATCH frames, syslog messages)." },
	{ "vigil_events_stored_total", "counter", C(stored),
	    "New events committed to the store." },
	{ "vigil_duplicates_absorbed_total", "counter", C(dups),
	    "Events received again (after a reconnect) and not stored twice." },
	{ "vigil_gaps_total", "counter", C(gaps),
	    "Sequence numbers never received: events lost before the "
	    "collector." },
	{ "vigil_commits_total", "counter", C(commits),
	    "Synced writes to the store." },
	{ "vigil_writer_decoded_total", "counter", C(writer_decoded),
	    "Events the writer thread decoded itself: the collector's own, "
	    "and any that came without their records decoded on the event "
	    "loop (normally none)." },
	{ "vigil_acks_total", "counter", C(acks),
	    "ACK frames sent to shippers." },
	{ "vigil_protocol_errors_total", "counter", C(proto_errors),
	    "Sessions dropped for malformed or unexpected frames." },
	{ "vigil_store_errors_total", "counter", C(store_errors),
	    "Failed writes to the store (the events were not acknowledged)." },
	{ "vigil_sessions", "gauge", C(sessions),
	    "Live sender sessions." },
	{ "vigil_queue_bytes", "gauge", C(queue_bytes),
	    "Bytes received and waiting for the writer." },
	{ "vigil_queue_peak_bytes", "gauge", C(queue_peak),
	    "The most bytes that have waited for the writer at once since "
	    "the start (queue-max plus at most the batch that crossed it)." },
	{ "vigil_session_timeouts_total", "counter", C(timeouts),
	    "Sessions dropped: no heartbeat from the peer, or a write timed "
	    "out." },
	{ "vigil_session_errors_total", "counter", C(conn_errors),
	    "Sessions dropped on a transport (TCP or TLS) error." },
	{ "vigil_rules_events_total", "counter", C(rules_events),
	    "Events the rules engine evaluated." },
	{ "vigil_rules_tested_total", "counter", C(rules_tested),
	    "(event, rule) pairs tested after the rule index." },
	{ "vigil_rules_groups", "gauge", C(rules_groups),
	    "Window states (rule, group) held." },
	{ "vigil_rules_evicted_total", "counter", C(rules_evicted),
	    "Window states dropped at rules-max-groups." },
	{ "vigil_alerts_total", "counter", C(alerts),
	    "Alerts raised (stored)." },
	{ "vigil_alerts_suppressed_total", "counter", C(alerts_suppressed),
	    "Repeats silenced by suppression (counted on their alert)." },
	{ "vigil_alerts_unsent_total", "counter", C(alerts_unsent),
	    "Alerts stored but dropped before an output (queues full)." },
	{ "vigil_alert_output_errors_total", "counter",
	    C(alert_output_errors),
	    "Failed alert deliveries: log, program, syslog, webhook." },
};
#undef C

static int
head(struct buf *o, const char *name, const char *type, const char *help)
{
	return buf_putf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

int
metrics_label(struct buf *o, const char *s)
{
	int	r = 0;

	for (; *s != '\0' && r == 0; s++) {
		if (*s == '\\')
			r = buf_put(o, "\\\\", 2);
		else if (*s == '"')
			r = buf_put(o, "\\\"", 2);
		else if (*s == '\n')
			r = buf_put(o, "\\n", 2);
		else
			r = buf_put(o, s, 1);
	}
	return r;
}

static const struct sender_metric {
	const char	*name;
	const char	*type;
	const char	*help;
} sender_metrics[] = {
	{ "vigil_sender_last_seen_seconds", "gauge",
	    "Unix time of the last frame from the sender." },
	{ "vigil_sender_connected", "gauge",
	    "Live sessions of the sender." },
	{ "vigil_sender_events_received_total", "counter",
	    "Events received from the sender." },
	{ "vigil_sender_events_stored_total", "counter",
	    "New events of the sender committed to the store." },
	{ "vigil_sender_duplicates_absorbed_total", "counter",
	    "Duplicate events from the sender, not stored twice." },
	{ "vigil_sender_gaps_total", "counter",
	    "Sequence numbers of the sender never received." },
};

/* one series of family k (an index of sender_metrics) for sender s */
static int
sender_series(struct buf *o, size_t k, const struct sender_stat *s)
{
	uint64_t	v;
	int		r;

	if ((r = buf_putf(o, "%s{sender=\"", sender_metrics[k].name)) != 0 ||
	    (r = metrics_label(o, s->name)) != 0)
		return r;
	switch (k) {
	case 0:
		return buf_putf(o, "\"} %lld.%06lld\n",
		    (long long)(s->last_us / 1000000),
		    (long long)(s->last_us % 1000000));
	case 1: v = (uint64_t)s->connected; break;
	case 2: v = s->received; break;
	case 3: v = s->stored; break;
	case 4: v = s->dups; break;
	default: v = s->gaps; break;
	}
	return buf_putf(o, "\"} %llu\n", (unsigned long long)v);
}

int
metrics_render(struct buf *o, const struct metrics_snap *m)
{
	const uint64_t	*v;
	size_t		 i, k;
	int		 r = 0, n;

	for (i = 0; i < sizeof(totals) / sizeof(totals[0]) && r == 0; i++) {
		v = (const uint64_t *)((const char *)&m->tot + totals[i].off);
		if ((r = head(o, totals[i].name, totals[i].type,
		    totals[i].help)) == 0)
			r = buf_putf(o, "%s %llu\n", totals[i].name,
			    (unsigned long long)*v);
	}
	if (r == 0)
		r = head(o, "vigil_tls_refused_total", "counter",
		    "Connections refused before a session, by reason.");
	for (n = 0; n < TLSR_MAX && r == 0; n++)
		r = buf_putf(o, "vigil_tls_refused_total{reason=\"%s\"} %llu\n",
		    tlsctx_refusal_name(n),
		    (unsigned long long)m->tot.tls_refused_by[n]);
	if (r == 0 && (r = head(o, "vigil_store_bytes", "gauge",
	    "Size of the store on disk.")) == 0)
		r = buf_putf(o, "vigil_store_bytes %llu\n",
		    (unsigned long long)m->store_bytes);
	if (r == 0 && (r = head(o, "vigil_streams", "gauge",
	    "Event streams known to the store.")) == 0)
		r = buf_putf(o, "vigil_streams %u\n", m->streams);
	if (r == 0 && (r = head(o, "vigil_start_time_seconds", "gauge",
	    "Unix time the collector started.")) == 0)
		r = buf_putf(o, "vigil_start_time_seconds %lld.%06lld\n",
		    (long long)(m->tot.start_us / 1000000),
		    (long long)(m->tot.start_us % 1000000));
	for (k = 0; k < sizeof(sender_metrics) / sizeof(sender_metrics[0]) &&
	    r == 0 && m->nsenders > 0; k++) {
		r = head(o, sender_metrics[k].name, sender_metrics[k].type,
		    sender_metrics[k].help);
		for (n = 0; n < m->nsenders && r == 0; n++)
			r = sender_series(o, k, &m->senders[n]);
	}
	return r;
}

static void
metrics_cb(struct evhttp_request *req, void *arg)
{
	struct metrics		*mx = arg;
	struct metrics_snap	 m;
	struct sender_stat	*senders;
	struct evbuffer		*eb;
	struct buf		 o;
	const char		*path;

	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (path == NULL || strcmp(path, "/metrics") != 0) {
		evhttp_send_error(req, HTTP_NOTFOUND, "try /metrics");
		return;
	}
	memset(&m, 0, sizeof(m));
	stats_snapshot(&m.tot, &senders, &m.nsenders);
	m.senders = senders;
	m.store_bytes = store_disk_bytes(mx->st);
	m.streams = store_stream_count(mx->st);
	buf_init(&o, METRICS_OUT_MAX);
	if (metrics_render(&o, &m) != 0 || (eb = evbuffer_new()) == NULL) {
		log_warnx("metrics: cannot render (out of memory)");
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
	} else {
		evbuffer_add(eb, o.d, o.len);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", CONTENT_TYPE);
		evhttp_send_reply(req, HTTP_OK, "OK", eb);
		evbuffer_free(eb);
	}
	buf_clear(&o);
	free(senders);
}

struct metrics *
metrics_new(struct event_base *base, const char *listen, struct store *st,
    char *err, size_t errlen)
{
	struct metrics		*mx;
	struct evconnlistener	*lev;
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	char			 addr[300];

	/* a bare port is loopback: exposing metrics must be explicit */
	if (strchr(listen, ':') == NULL)
		snprintf(addr, sizeof(addr), "127.0.0.1:%s", listen);
	else
		snprintf(addr, sizeof(addr), "%s", listen);
	if (listen_addr_parse(addr, &ss, &sl) != 0) {
		snprintf(err, errlen, "bad address '%s' (want host:port, "
		    "[v6]:port or a port)", listen);
		return NULL;
	}
	if ((mx = calloc(1, sizeof(*mx))) == NULL ||
	    (mx->http = evhttp_new(base)) == NULL) {
		free(mx);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	mx->st = st;
	lev = evconnlistener_new_bind(base, NULL, NULL, LEV_OPT_REUSEABLE |
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
	    (struct sockaddr *)&ss, (int)sl);
	if (lev == NULL || evhttp_bind_listener(mx->http, lev) == NULL) {
		snprintf(err, errlen, "%s: %s", addr,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		if (lev != NULL)
			evconnlistener_free(lev);
		evhttp_free(mx->http);
		free(mx);
		return NULL;
	}
	/* a scraper sends one small GET: bound everything else */
	evhttp_set_timeout(mx->http, METRICS_TIMEOUT_SEC);
	evhttp_set_max_headers_size(mx->http, METRICS_HEADERS_MAX);
	evhttp_set_max_body_size(mx->http, 0);
	evhttp_set_allowed_methods(mx->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD);
	evhttp_set_gencb(mx->http, metrics_cb, mx);
	log_info("metrics on http://%s/metrics", addr);
	return mx;
}

void
metrics_free(struct metrics *mx)
{
	if (mx == NULL)
		return;
	evhttp_free(mx->http);	/* closes the bound listener too */
	free(mx);
}
