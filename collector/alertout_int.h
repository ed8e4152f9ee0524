/*
 * alertout_int.h -- the insides of the alert outputs, shared by
 * alertout.c (dispatch, log, programs, syslog, life cycle) and
 * alertout_http.c (webhooks).  Not for other modules: see alertout.h.
 */
#ifndef VIGIL_ALERTOUT_INT_H
#define VIGIL_ALERTOUT_INT_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <pthread.h>

#include <event2/event.h>
#include <event2/http.h>
#include <openssl/ssl.h>

#include "alertout.h"
#include "buf.h"

#define REAP_MS		50
#define BACKOFF_MAX_MS	60000

struct job {
	TAILQ_ENTRY(job) e;
	int		 sev, update, attempts;
	size_t		 len;		/* without the LF */
	char		 json[];	/* json + "\n" */
};
TAILQ_HEAD(jobq, job);

struct child {
	LIST_ENTRY(child) e;
	struct alertout	*ao;
	int		 out;
	pid_t		 pid;
	int		 fd;		/* its stdin, -1 once closed */
	struct event	*wev;
	struct job	*job;
	size_t		 off;
	int64_t		 deadline;
	int		 killed;
};

struct xout {
	struct jobq	 q;
	int		 nq;
};

struct sout {
	int			 fd;
	struct sockaddr_storage	 sa;
	socklen_t		 salen;
	int			 failing;
};

struct wout {
	struct alertout			*ao;
	int				 idx;
	char				 host[256], path[1024];
	int				 port, https;
	struct jobq			 q;
	int				 nq;
	struct job			*cur;
	struct evhttp_connection	*conn, *dead;
	struct event			*timer;
	int				 busy;
	int				 reqerr; /* evhttp error + 1 */
};

struct alertout {
	struct event_base	*base;
	struct alertout_conf	 c;
	pthread_mutex_t		 mtx;		/* inbox, stats */
	struct jobq		 inbox;
	int			 ninbox;
	struct event		*wake;
	struct alertout_stats	 st;
	int			 logfd;
	dev_t			 logdev;
	ino_t			 logino;
	struct buf		 logb;		/* lines of one wake, unwritten */
	uint64_t		 logn;
	int			 logcut;	/* the last write ended mid-line */
	struct xout		 x[ALERTOUT_OUTPUTS_MAX];
	LIST_HEAD(, child)	 children;
	int			 nchildren, xnext;
	struct event		*reap;
	struct sout		 s[ALERTOUT_OUTPUTS_MAX];
	char			 hostname[256];
	struct wout		 w[ALERTOUT_OUTPUTS_MAX];
	SSL_CTX			*ssl;
	struct evdns_base	*dns;
};

/* jobs in the output queues, running or in flight (the inbox apart) */
#define ALERTOUT_LOG_FLUSH	(256u << 10)	/* alert-log bytes per write */
#define PENDING_ADD(ao, n)	STAT_ADD(ao, pending, (uint64_t)(int64_t)(n))

#define STAT_ADD(ao, f, n) do {				\
	pthread_mutex_lock(&(ao)->mtx);			\
	(ao)->st.f += (n);				\
	pthread_mutex_unlock(&(ao)->mtx);		\
} while (0)

/* The webhook timer: frees a finished connection, sends the next job. */
void	alertout_http_timercb(evutil_socket_t, short, void *);
/* Run the webhook's timer in ms. */
void	alertout_http_later(struct wout *, int ms);

#endif
