/*
 * alertout_http.c -- alert-webhook (alertout.h): one POST at a time per
 * URL on the event loop, HTTP or HTTPS (bufferevent_openssl, verified
 * against alert-webhook-ca or the system store, host name or IP checked),
 * retried with doubling backoff on connection errors and 5xx, given up on
 * other answers.  A connection is freed outside its own callbacks, from
 * the webhook's timer.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "alertout.h"
#include "alertout_int.h"
#include "log.h"

static void	webhook_send(struct wout *);

void
alertout_http_timercb(evutil_socket_t fd, short ev, void *arg)
{
	struct wout	*w = arg;

	(void)fd;
	(void)ev;
	if (w->dead != NULL) {
		evhttp_connection_free(w->dead);
		w->dead = NULL;
	}
	if (w->busy)
		return;
	if (w->cur == NULL && (w->cur = TAILQ_FIRST(&w->q)) != NULL) {
		TAILQ_REMOVE(&w->q, w->cur, e);
		w->nq--;
	}
	if (w->cur != NULL)
		webhook_send(w);
}

void
alertout_http_later(struct wout *w, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(w->timer, &tv);
}

/* Why a request got no answer, for the log. */
static void
webhook_why(struct wout *w, char *out, size_t n)
{
	struct bufferevent	*bev;
	unsigned long		 e;
	long			 v;
	SSL			*ssl;

	switch (w->reqerr - 1) {
	case EVREQ_HTTP_TIMEOUT:
		snprintf(out, n, "timed out");
		break;
	case EVREQ_HTTP_EOF:
		snprintf(out, n, "connection refused or closed");
		break;
	default:
		snprintf(out, n, w->reqerr ? "bad response" : "no answer");
	}
	if (w->https && w->conn != NULL &&
	    (bev = evhttp_connection_get_bufferevent(w->conn)) != NULL &&
	    (e = bufferevent_get_openssl_error(bev)) != 0) {
		ERR_error_string_n(e, out, n);
		/* say why the certificate was refused */
		if ((ssl = bufferevent_openssl_get_ssl(bev)) != NULL &&
		    (v = SSL_get_verify_result(ssl)) != X509_V_OK)
			snprintf(out + strlen(out), n - strlen(out), " (%s)",
			    X509_verify_cert_error_string(v));
	}
}

static void
webhook_errorcb(enum evhttp_request_error e, void *arg)
{
	struct wout *w = arg;

	w->reqerr = (int)e + 1;
}

static void
webhook_donecb(struct evhttp_request *req, void *arg)
{
	struct wout	*w = arg;
	struct alertout	*ao = w->ao;
	const char	*url = ao->c.webhook[w->idx].url;
	char		 why[256];
	int		 code, delay;

	code = req != NULL ? evhttp_request_get_response_code(req) : 0;
	w->busy = 0;
	if (code >= 200 && code < 300) {
		STAT_ADD(ao, webhook_sent, 1);
		free(w->cur);
		w->cur = NULL;
		PENDING_ADD(ao, -1);
	} else if ((code == 0 || code >= 500) &&
	    w->cur->attempts <= ao->c.webhook_retries) {
		if (code == 0)
			webhook_why(w, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "HTTP %d", code);
		delay = ao->c.webhook_backoff_ms;
		for (code = 1; code < w->cur->attempts &&
		    delay < BACKOFF_MAX_MS; code++)
			delay *= 2;
		if (delay > BACKOFF_MAX_MS)
			delay = BACKOFF_MAX_MS;
		STAT_ADD(ao, webhook_retries, 1);
		log_warnx("alert-webhook %s: %s; retry %d of %d in %d ms", url,
		    why, w->cur->attempts, ao->c.webhook_retries, delay);
		w->dead = w->conn;
		w->conn = NULL;
		alertout_http_later(w, delay);
		return;
	} else {
		if (code == 0)
			webhook_why(w, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "HTTP %d", code);
		STAT_ADD(ao, webhook_failed, 1);
		log_warnx("alert-webhook %s: %s; alert not delivered", url,
		    why);
		free(w->cur);
		w->cur = NULL;
		PENDING_ADD(ao, -1);
	}
	/* the connection is freed outside its own callback */
	w->dead = w->conn;
	w->conn = NULL;
	alertout_http_later(w, 0);
}

static void
webhook_send(struct wout *w)
{
	struct alertout		*ao = w->ao;
	struct bufferevent	*bev;
	struct evhttp_request	*req;
	struct evkeyvalq	*h;
	SSL			*ssl = NULL;
	char			 hosthdr[300];
	unsigned char		 addr[16];

	w->cur->attempts++;
	if (w->https) {
		if ((ssl = SSL_new(ao->ssl)) == NULL)
			goto fail;
		SSL_set_tlsext_host_name(ssl, w->host);
		if (inet_pton(AF_INET, w->host, addr) == 1 ||
		    inet_pton(AF_INET6, w->host, addr) == 1)
			X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
			    w->host);
		else
			SSL_set1_host(ssl, w->host);
		bev = bufferevent_openssl_socket_new(ao->base, -1, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE |
		    BEV_OPT_DEFER_CALLBACKS);
		if (bev != NULL)
			bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	} else
		bev = bufferevent_socket_new(ao->base, -1,
		    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		goto fail;
	}
	if ((w->conn = evhttp_connection_base_bufferevent_new(ao->base,
	    ao->dns, bev, w->host, (unsigned short)w->port)) == NULL) {
		bufferevent_free(bev);
		goto fail;
	}
	evhttp_connection_set_timeout(w->conn, ao->c.webhook_timeout_s);
	if ((req = evhttp_request_new(webhook_donecb, w)) == NULL)
		goto fail;
	w->reqerr = 0;
	evhttp_request_set_error_cb(req, webhook_errorcb);
	h = evhttp_request_get_output_headers(req);
	if (w->port == (w->https ? 443 : 80))
		snprintf(hosthdr, sizeof(hosthdr), "%s", w->host);
	else
		snprintf(hosthdr, sizeof(hosthdr), strchr(w->host, ':') ?
		    "[%s]:%d" : "%s:%d", w->host, w->port);
	evhttp_add_header(h, "Host", hosthdr);
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "User-Agent", "vigil-collector");
	evhttp_add_header(h, "Connection", "close");
	evbuffer_add(evhttp_request_get_output_buffer(req), w->cur->json,
	    w->cur->len);
	w->busy = 1;
	/* on failure libevent has freed req */
	if (evhttp_make_request(w->conn, req, EVHTTP_REQ_POST,
	    w->path) != 0) {
		w->busy = 0;
		goto fail;
	}
	return;
 fail:
	log_warnx("alert-webhook %s: cannot start a request",
	    ao->c.webhook[w->idx].url);
	if (w->conn != NULL) {
		w->dead = w->conn;
		w->conn = NULL;
	}
	STAT_ADD(ao, webhook_failed, 1);
	free(w->cur);
	w->cur = NULL;
	PENDING_ADD(ao, -1);
	alertout_http_later(w, 100);
}
