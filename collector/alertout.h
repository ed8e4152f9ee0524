/*
 * alertout.h -- where alerts go after they are stored (docs/rules.md,
 * "Alerts"; docs/configuration.md, "Alert outputs"): the alert log, a
 * program (alert-exec), syslog (alert-syslog) and HTTP(S) webhooks
 * (alert-webhook).  Everything runs on the collector's event loop and
 * never blocks it: children and sockets are non-blocking, every queue is
 * bounded and what does not fit is dropped and counted.
 *
 * Threads: alertout_submit may be called from any thread (the writer
 * thread runs the rules engine); it only copies the alert into a bounded
 * inbox and wakes the loop.  The event base must have thread support
 * (evthread_use_pthreads) when submit is called from another thread.
 * Everything else belongs to the loop's thread.
 */
#ifndef VIGIL_ALERTOUT_H
#define VIGIL_ALERTOUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

struct event_base;
struct alertout;
struct alert_view;

#define ALERTOUT_OUTPUTS_MAX	16	/* of each kind */
#define ALERTOUT_ARGS_MAX	32	/* alert-exec program + arguments */
#define ALERTOUT_INBOX_MAX	1024	/* alerts waiting for the loop */
#define ALERTOUT_SYSLOG_MAX	8192	/* bytes of one syslog message */

struct alertout_exec {
	int	 min_sev;
	char	*spec;			/* owned: the split value */
	size_t	 speclen;
	char	*argv[ALERTOUT_ARGS_MAX + 1];
};

struct alertout_syslog {
	int	 min_sev;
	char	 target[256];		/* unix socket path or udp:HOST:PORT */
};

struct alertout_webhook {
	int	 min_sev;
	char	 url[1024];
};

struct alertout_conf {
	char			*log_path;	/* owned; NULL: no alert log */
	int			 nexec, nsyslog, nwebhook;
	struct alertout_exec	 exec[ALERTOUT_OUTPUTS_MAX];
	struct alertout_syslog	 syslog[ALERTOUT_OUTPUTS_MAX];
	struct alertout_webhook	 webhook[ALERTOUT_OUTPUTS_MAX];
	int			 exec_max;	/* running at once (4) */
	int			 exec_timeout_ms;	/* 10000 */
	char			*webhook_ca;	/* owned; NULL: system store */
	int			 webhook_retries;	/* 5 */
	int			 webhook_backoff_ms;	/* first retry (1000) */
	int			 webhook_timeout_s;	/* per request (10) */
	int			 queue_max;	/* per exec/webhook output (256) */
	int			 flush_ms;	/* alertout_free waits (2000) */
};

/* Defaults, no outputs. */
void	alertout_conf_init(struct alertout_conf *);
/*
 * Add one output from its configuration value: kind is "alert-exec"
 * ("SEVERITY PROGRAM [ARGS...]", split at blanks), "alert-syslog"
 * ("SEVERITY [TARGET]", default /dev/log) or "alert-webhook" ("SEVERITY
 * URL", http:// or https://).  Pure.  Returns 0, or ERR_FORMAT/ERR_TOOBIG
 * with err set.
 */
/* udp:HOST:PORT ([v6] allowed) into its parts; 0 or -1.  Pure. */
int	alertout_parse_udp(const char *target, char *host, size_t hostlen,
	    char *port, size_t portlen);
/* http(s)://host[:port][/path][?query] into its parts; 0 or -1.  Pure. */
int	alertout_parse_url(const char *url, char *host, size_t hostlen,
	    int *port, char *path, size_t pathlen, int *https);
int	alertout_conf_add(struct alertout_conf *, const char *kind,
	    const char *value, char *err, size_t errlen);
void	alertout_conf_clear(struct alertout_conf *);

/*
 * Open the log, the syslog sockets and the TLS context.  The
 * configuration is copied.  NULL with err set on failure.
 */
struct alertout *alertout_new(struct event_base *,
	    const struct alertout_conf *, char *err, size_t errlen);
/*
 * Hand one alert (its JSON, alerts.h) to the outputs: updates go to the
 * log only, new alerts also to every output whose minimum severity it
 * reaches.  Copies json; never blocks.  Any thread.
 */
void	alertout_submit(struct alertout *, int severity, int update,
	    const char *json, size_t len);
/*
 * Deliver what can be delivered within flush_ms (runs the loop for our
 * events only if the caller's loop is no longer running), then kill
 * remaining programs and free everything.  Accepts NULL.
 */
void	alertout_free(struct alertout *);

struct alertout_stats {
	uint64_t	submitted, inbox_dropped;
	uint64_t	logged, log_errors;
	uint64_t	exec_started, exec_ok, exec_failed, exec_killed,
			exec_dropped;
	uint64_t	syslog_sent, syslog_failed;
	uint64_t	webhook_sent, webhook_failed, webhook_retries,
			webhook_dropped;
	uint64_t	pending;	/* queued or running now */
};
/* A consistent copy of the counters; any thread. */
void	alertout_stats(struct alertout *, struct alertout_stats *);

/*
 * The RFC 5424 message for alert av (pure, for tests): facility authpriv,
 * severity from the alert's, APP-NAME vigil, MSGID ALERT, SD
 * [alert@32473 id rule severity group json], MSG the alert message with
 * control characters escaped.  The json parameter is left out when the
 * message would exceed ALERTOUT_SYSLOG_MAX.
 */
int	alertout_syslog_format(struct buf *out, int64_t now_us,
	    const char *hostname, pid_t pid, const struct alert_view *av,
	    const char *json, size_t len);

#endif
