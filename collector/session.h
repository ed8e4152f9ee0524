/*
 * session.h -- shipper sessions on the collector: TLS accept, framing,
 * HELLO/WELCOME, batches to the writer, ACKs back, heartbeats.  Anything
 * a peer does wrong ends that peer's session only.
 */
#ifndef VIGIL_SESSION_H
#define VIGIL_SESSION_H

#include <sys/socket.h>

#include <openssl/ssl.h>

#include "conf.h"

struct event_base;
struct store;
struct writer;
struct wjob;

enum listen_mode {
	LISTEN_SHIPPER,		/* vigil protocol, mutual TLS */
	LISTEN_SYSLOG_TLS,	/* RFC 5425: syslog over TLS, client certs */
	LISTEN_SYSLOG_TCP,	/* RFC 6587: syslog over plain TCP */
};

struct listener_cfg {
	enum listen_mode mode;
	const char	*listen;	/* ADDR:PORT, [v6]:PORT, *:PORT */
	SSL_CTX		*ssl;
	struct store	*store;
	struct writer	*writer;
	int		 heartbeat;	/* seconds */
	int		 max_sessions;
	size_t		 inflight_max;	/* bytes queued per session */
	struct qbudget	*budget;	/* bytes queued by every session of
					 * every listener (required) */
	int32_t		 tzoff;		/* zone for zone-less times */
	const struct conf_list *tzfor;	/* "NAME=OFFSET": per sender */
};

struct listener;
struct qbudget;

/*
 * The budget of queued bytes the sessions of all listeners share (the
 * `queue-max` setting): a session stops reading while the total is above
 * max, and reads again below half.  The event loop's thread only.
 */
struct qbudget *qbudget_new(size_t max);
void	qbudget_free(struct qbudget *);	/* after the listeners */
/* Shutting down: the last jobs' ACKs resume no paused session. */
void	qbudget_stop(struct qbudget *);

/* Bind and listen.  Returns NULL with err set on failure. */
struct listener *listener_new(struct event_base *, const struct listener_cfg *,
	    char *err, size_t errlen);
void	listener_free(struct listener *);
/* The writer's done callback: sends the ACK (arg is unused). */
void	session_jobdone(struct wjob *, void *arg);

/*
 * The UTC offset (seconds) for zone-less times of sender name: its
 * "NAME=OFFSET" entry in list (OFFSET a duration: 2h, -5h, 5400s), else
 * def.  Pure.
 */
int32_t	session_tzoff(const struct conf_list *, const char *name, int32_t def);

/* Parse "host:port", "[v6]:port", "*:port" into sockaddr storage. */
int	listen_addr_parse(const char *, struct sockaddr_storage *,
	    socklen_t *);

#endif
