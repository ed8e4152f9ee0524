/*
 * vigil-collector -- accepts shippers over mutual TLS, stores their events
 * in LevelDB and answers queries on a local socket.  main() only reads
 * options and calls the setup_*() steps; the work is in session.c (the
 * network), writer.c + store.c (storage) and ctl.c + search.c (queries).
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <malloc.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <openssl/ssl.h>

#include "alertout.h"
#include "conf.h"
#include "ctl.h"
#include "err.h"
#include "log.h"
#include "metrics.h"
#include "priv.h"
#include "retention.h"
#include "session.h"
#include "stats.h"
#include "store.h"
#include "tlsctx.h"
#include "writer.h"

#define DEFAULT_CONF	"/etc/vigil/collector.conf"
#define DEFAULT_METRICS	"127.0.0.1:9515"

struct ccfg {
	char		*listen;
	char		*syslog_tls;
	char		*syslog_tcp;
	char		*data;
	char		*tls_cert, *tls_key, *tls_ca, *tls_crl;
	char		*socket;
	char		*socket_group;
	char		*socket_mode;
	char		*user;
	char		*metrics_listen;
	long long	 heartbeat;
	long long	 max_sessions;
	long long	 session_queue;
	long long	 queue_max;
	long long	 write_buffer;
	long long	 tz_offset;
	struct conf_list tz_for;
	long long	 retention_age;
	long long	 retention_size;
	long long	 retention_interval;
	char		*alert_log;
	struct conf_list alert_exec, alert_syslog, alert_webhook;
	long long	 alert_exec_timeout, alert_exec_max;
	char		*alert_webhook_ca;
	long long	 alert_webhook_retries;
	char		*rules_pack;
	char		*rules_dir;
	long long	 rules_max_groups;
};

#define O(f)	offsetof(struct ccfg, f)
static const struct conf_opt opts[] = {
	{ "listen", CONF_STR, O(listen), "*:6515", 0, 0,
	    "address:port for shippers (mutual TLS)" },
	{ "syslog-tls-listen", CONF_STR, O(syslog_tls), "", 0, 0,
	    "address:port for RFC 5425 syslog over TLS (client certificates "
	    "required), e.g. *:6514; empty: off" },
	{ "syslog-tcp-listen", CONF_STR, O(syslog_tcp), "", 0, 0,
	    "address:port for RFC 6587 syslog over plain TCP (a bare port "
	    "means 127.0.0.1:port); empty: off" },
	{ "data", CONF_STR, O(data), "/var/lib/vigil", 0, 0,
	    "data directory (LevelDB)" },
	{ "tls-cert", CONF_STR, O(tls_cert), "/etc/vigil/collector.crt", 0, 0,
	    "collector certificate (PEM, chain allowed)" },
	{ "tls-key", CONF_STR, O(tls_key), "/etc/vigil/collector.key", 0, 0,
	    "collector private key (PEM)" },
	{ "tls-ca", CONF_STR, O(tls_ca), "/etc/vigil/ca.crt", 0, 0,
	    "CA that signs shipper certificates" },
	{ "tls-crl", CONF_STR, O(tls_crl), NULL, 0, 0,
	    "certificate revocation list (PEM), optional" },
	{ "socket", CONF_STR, O(socket), "/run/vigil/collector.sock", 0, 0,
	    "unix socket for the vigil CLI" },
	{ "socket-group", CONF_STR, O(socket_group), NULL, 0, 0,
	    "group allowed to query (socket group)" },
	{ "socket-mode", CONF_STR, O(socket_mode), "0660", 0, 0,
	    "socket permissions (octal)" },
	{ "user", CONF_STR, O(user), NULL, 0, 0,
	    "drop privileges to this user after start-up" },
	{ "metrics-listen", CONF_STR, O(metrics_listen), DEFAULT_METRICS, 0,
	    0, "address:port of the Prometheus endpoint (GET /metrics; a "
	    "bare port means 127.0.0.1:port); empty or \"off\": none" },
	{ "heartbeat", CONF_DURATION, O(heartbeat), "15s", 1, 3600,
	    "heartbeat interval asked of shippers; 3x silence drops" },
	{ "max-sessions", CONF_INT, O(max_sessions), "1024", 1, 65536,
	    "maximum concurrent shipper sessions" },
	{ "session-queue", CONF_SIZE, O(session_queue), "48M", 65536,
	    1LL << 32, "bytes a session may have waiting for storage: its "
	    "batches and their decoded records" },
	{ "queue-max", CONF_SIZE, O(queue_max), "256M", 1 << 20,
	    1LL << 40, "bytes all sessions together may have waiting for "
	    "storage" },
	{ "write-buffer", CONF_SIZE, O(write_buffer), "32M", 1 << 20,
	    1LL << 32, "LevelDB write buffer" },
	{ "tz-offset", CONF_DURATION, O(tz_offset), "0", -86400, 86400,
	    "UTC offset of senders whose times carry no zone (RFC 3164)" },
	{ "tz-offset-for", CONF_LIST, O(tz_for), NULL, 0, 0,
	    "NAME=OFFSET: the UTC offset of one sender's zone-less times, "
	    "e.g. hv7=2h or legacy-box=-5h; repeatable" },
	{ "retention-age", CONF_DURATION, O(retention_age), "0", 0,
	    100LL * 366 * 86400, "delete whole hours of events older than "
	    "this; 0: keep forever" },
	{ "retention-size", CONF_SIZE, O(retention_size), "0", 0, 1LL << 50,
	    "delete the oldest hours while the store is larger; 0: no "
	    "limit" },
	{ "retention-interval", CONF_DURATION, O(retention_interval), "1m",
	    1, 86400, "how often retention runs" },
	{ "alert-log", CONF_STR, O(alert_log), "", 0, 0,
	    "file every alert and update is appended to, one JSON object a "
	    "line; empty: DATA/alerts.json; off: none" },
	{ "alert-exec", CONF_LIST, O(alert_exec), NULL, 0, 0,
	    "SEVERITY /PROGRAM [ARGS]: run it with each new alert of at "
	    "least SEVERITY as JSON on stdin; repeatable" },
	{ "alert-exec-timeout", CONF_DURATION, O(alert_exec_timeout), "10s",
	    1, 3600, "kill an alert-exec program still running after this" },
	{ "alert-exec-max", CONF_INT, O(alert_exec_max), "4", 1, 64,
	    "alert-exec programs running at once (the rest wait)" },
	{ "alert-syslog", CONF_LIST, O(alert_syslog), NULL, 0, 0,
	    "SEVERITY [TARGET]: send new alerts as RFC 5424 to a unix "
	    "datagram socket (default /dev/log) or udp:HOST:PORT; repeatable" },
	{ "alert-webhook", CONF_LIST, O(alert_webhook), NULL, 0, 0,
	    "SEVERITY URL: POST new alerts as JSON to an http:// or https:// "
	    "URL; repeatable" },
	{ "alert-webhook-ca", CONF_STR, O(alert_webhook_ca), NULL, 0, 0,
	    "CA certificates (PEM) for https webhooks; unset: the system "
	    "store" },
	{ "alert-webhook-retries", CONF_INT, O(alert_webhook_retries), "5", 0,
	    100, "retries of a webhook POST after a connection error or 5xx" },
	{ "rules-pack", CONF_STR, O(rules_pack), RULES_PACK_DIR, 0, 0,
	    "the bundled rule pack (docs/rules.md); \"\": none" },
	{ "rules-dir", CONF_STR, O(rules_dir), "/etc/vigil/rules.d", 0, 0,
	    "site rules, loaded after the pack; \"\": none" },
	{ "rules-max-groups", CONF_INT, O(rules_max_groups), "100000", 100,
	    100000000, "window states the rules engine keeps at most" },
	{ NULL, 0, 0, NULL, 0, 0, NULL }
};

/* AddressSanitizer (gcc or clang): its leak check needs a real exit */
#if defined(__SANITIZE_ADDRESS__)
#define VIGIL_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIGIL_ASAN	1
#endif
#endif

static struct event_base	*base;
static struct ccfg		*cfg;
static struct writer		*wr;
static struct alertout		*aout;

/*
 * The rule pack, then the site rules.  A directory that does not exist
 * is skipped with a warning (a collector without its pack still stores
 * everything); a rule file with an error fails the whole load.
 */
static int
load_rules(const struct ccfg *c, struct ruleset **rs, char *err,
    size_t errlen)
{
	const char	*dirs[2];
	struct stat	 sb;
	int		 n = 0;

	if (c->rules_pack[0] != '\0') {
		if (stat(c->rules_pack, &sb) == 0)
			dirs[n++] = c->rules_pack;
		else
			log_warnx("rules-pack %s: %s: the bundled rules are "
			    "not loaded", c->rules_pack, strerror(errno));
	}
	if (c->rules_dir[0] != '\0') {
		if (stat(c->rules_dir, &sb) == 0)
			dirs[n++] = c->rules_dir;
		else if (errno != ENOENT)
			log_warnx("rules-dir %s: %s", c->rules_dir,
			    strerror(errno));
	}
	if (n == 0)
		return rules_parse("(no rules)", "", 0, rs, err, errlen);
	return rules_load(dirs, n, rs, err, errlen);
}

/* Once a second: the rules' and the outputs' counters into the stats. */
static void
rules_statscb(evutil_socket_t fd, short ev, void *arg)
{
	struct rules_stats	rs;
	struct alertout_stats	as;
	uint64_t		unsent;

	(void)fd;
	(void)ev;
	(void)arg;
	writer_rules_stats(wr, &rs, &unsent);
	STATS_SET(rules_events, rs.events);
	STATS_SET(rules_tested, rs.tested);
	STATS_SET(rules_groups, rs.groups);
	STATS_SET(rules_evicted, rs.evicted);
	STATS_SET(alerts, rs.alerts);
	STATS_SET(alerts_suppressed, rs.suppressed);
	if (aout == NULL)
		return;
	alertout_stats(aout, &as);
	STATS_SET(alerts_unsent, unsent + as.inbox_dropped + as.exec_dropped +
	    as.webhook_dropped);
	STATS_SET(alert_output_errors, as.log_errors + as.exec_failed +
	    as.exec_killed + as.syslog_failed + as.webhook_failed);
}

/* On the event loop: an alert is committed; the outputs take it. */
static void
alert_committed(const struct alert_out *a, void *arg)
{
	(void)arg;
	if (!a->update)
		log_info("alert %llu %s %s", (unsigned long long)a->id,
		    rules_severity_name(a->severity), a->rule);
	if (aout != NULL)
		alertout_submit(aout, a->severity, a->update, a->json, a->len);
}

static void
usage(void)
{
	fprintf(stderr, "usage: vigil-collector [-dnv] [-f file] "
	    "[--listen addr:port] [--data dir]\n"
	    "\t[--syslog-tls-listen addr:port] [--syslog-tcp-listen addr:port]\n"
	    "\t[--tls-cert file] [--tls-key file] [--tls-ca file] "
	    "[--tls-crl file] [--socket path]\n"
	    "\t[--metrics-listen addr:port|off]\n");
	exit(2);
}

static void
die_signalcb(evutil_socket_t sig, short ev, void *arg)
{
	(void)ev;
	(void)arg;
	log_info("signal %d: shutting down", (int)sig);
	event_base_loopexit(base, NULL);
}

static void
hup_signalcb(evutil_socket_t sig, short ev, void *arg)
{
	struct ruleset	*rs;
	char		 err[1024];

	(void)sig;
	(void)ev;
	(void)arg;
	if (load_rules(cfg, &rs, err, sizeof(err)) != 0) {
		log_warnx("SIGHUP: rules not reloaded, the previous rules "
		    "stay in force: %s", err);
		return;
	}
	log_info("SIGHUP: %d rules loaded (other configuration changes "
	    "need a restart)", rules_count(rs));
	writer_reload(wr, rs);
}

/* The alert outputs from the options (checked by -n too). */
static void
setup_alertout_conf(struct ccfg *c, struct alertout_conf *ac)
{
	struct {
		const char		*kind;
		struct conf_list	*l;
	} lists[] = { { "alert-exec", &c->alert_exec },
	    { "alert-syslog", &c->alert_syslog },
	    { "alert-webhook", &c->alert_webhook } };
	char	err[CONF_ERRLEN];
	size_t	i;
	int	k;

	alertout_conf_init(ac);
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		for (k = 0; k < lists[i].l->n; k++)
			if (alertout_conf_add(ac, lists[i].kind,
			    lists[i].l->v[k], err, sizeof(err)) != 0)
				fatalx("%s", err);
	if (strcmp(c->alert_log, "off") != 0 && asprintf(&ac->log_path,
	    "%s%s", c->alert_log[0] ? c->alert_log : c->data,
	    c->alert_log[0] ? "" : "/alerts.json") == -1)
		fatal("alert-log");
	ac->exec_timeout_ms = (int)c->alert_exec_timeout * 1000;
	ac->exec_max = (int)c->alert_exec_max;
	ac->webhook_retries = (int)c->alert_webhook_retries;
	if (c->alert_webhook_ca != NULL &&
	    (ac->webhook_ca = strdup(c->alert_webhook_ca)) == NULL)
		fatal("alert-webhook-ca");
}

static void
setup_config(int argc, char *argv[], struct ccfg *c, int *foreground,
    int *check)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'L' },
		{ "syslog-tls-listen", required_argument, NULL, 'T' },
		{ "syslog-tcp-listen", required_argument, NULL, 'U' },
		{ "data", required_argument, NULL, 'D' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "tls-ca", required_argument, NULL, 'A' },
		{ "tls-crl", required_argument, NULL, 'R' },
		{ "socket", required_argument, NULL, 'S' },
		{ "metrics-listen", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*file = NULL, *name;
	char		 err[CONF_ERRLEN];
	uint64_t	 mask = 0;
	int		 ch, verbose = 0;

	memset(c, 0, sizeof(*c));
	if (conf_defaults(opts, c) != 0)
		fatalx("internal error: bad option table");
	while ((ch = getopt_long(argc, argv, "df:nvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': *foreground = 1; break;
		case 'f': file = optarg; break;
		case 'n': *check = 1; break;
		case 'v': verbose++; break;
		case 'L': name = "listen"; goto set;
		case 'T': name = "syslog-tls-listen"; goto set;
		case 'U': name = "syslog-tcp-listen"; goto set;
		case 'D': name = "data"; goto set;
		case 'C': name = "tls-cert"; goto set;
		case 'K': name = "tls-key"; goto set;
		case 'A': name = "tls-ca"; goto set;
		case 'R': name = "tls-crl"; goto set;
		case 'S': name = "socket"; goto set;
		case 'M': name = "metrics-listen"; goto set;
		set:
			if (conf_set(opts, c, &mask, name, optarg, err,
			    sizeof(err)) != 0)
				fatalx("--%s: %s", name, err);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_setverbose(verbose);
	if (file == NULL && access(DEFAULT_CONF, F_OK) == 0)
		file = DEFAULT_CONF;
	if (file != NULL && conf_load(opts, c, mask, file, err,
	    sizeof(err)) != 0)
		fatalx("%s", err);
	if (*check) {
		struct alertout_conf ac;

		setup_alertout_conf(c, &ac);
		alertout_conf_clear(&ac);
		if (verbose)
			conf_dump(opts, c, stdout);
		printf("configuration OK\n");
		exit(0);
	}
}

int
main(int argc, char *argv[])
{
	struct ccfg		 c;
	struct store		*st = NULL;
	struct store_opts	 so;
	struct writer		*w;
	struct listener		*l, *lt = NULL, *lu = NULL;
	struct listener_cfg	 lc;
	struct qbudget		*qb;
	struct ctl		*ctl;
	struct metrics		*mx = NULL;
	struct retention	*rt;
	struct retention_cfg	 rc;
	struct alertout_conf	 ac;
	struct alertout		*ao;
	struct event		*sigev[4];
	SSL_CTX			*ssl;
	char			 err[1024], *end;
	int			 foreground = 0, check = 0, mode;
	uid_t			 uid = 0;
	gid_t			 gid = 0, sgid = (gid_t)-1;
	struct group		*gr;
	struct timespec		 ts;

	log_init("vigil-collector", LOG_TO_STDERR, 0);
	/*
	 * LevelDB's memtables and each write's batch are allocated and
	 * freed again every few seconds; giving that memory back to the
	 * kernel at once only means page faults to get it again (about 8 %
	 * of ingest CPU, measured with perf).  Keep up to 64 MiB free.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	setup_config(argc, argv, &c, &foreground, &check);
	signal(SIGPIPE, SIG_IGN);

	/* privileged set-up: keys, data directory, sockets */
	if ((ssl = tlsctx_server(c.tls_cert, c.tls_key, c.tls_ca, c.tls_crl,
	    err, sizeof(err))) == NULL)
		fatalx("%s", err);
	mode = (int)strtol(c.socket_mode, &end, 8);
	if (*end != '\0' || mode < 0 || mode > 0777)
		fatalx("socket-mode: bad octal mode '%s'", c.socket_mode);
	if (c.socket_group != NULL) {
		if ((gr = getgrnam(c.socket_group)) == NULL)
			fatalx("socket-group: unknown group '%s'",
			    c.socket_group);
		sgid = gr->gr_gid;
	}
	if (c.user != NULL) {
		if (priv_lookup(c.user, &uid, &gid, err, sizeof(err)) != 0)
			fatalx("user: %s", err);
		if (mkdir(c.data, 0750) == -1 && errno != EEXIST)
			fatal("%s", c.data);
	}
	/* before any thread exists (LevelDB starts one) */
	if (!foreground) {
		log_init("vigil-collector", LOG_TO_SYSLOG, log_getverbose());
		if (daemon(1, 0) == -1)
			fatal("daemon");
	}
	memset(&so, 0, sizeof(so));
	so.write_buffer = (size_t)c.write_buffer;
	so.sync = 1;
	if (store_open(c.data, &so, &st, err, sizeof(err)) != 0)
		fatalx("%s", err);
	/* after the open, which may create files (LOCK, LOG, MANIFEST) */
	if (c.user != NULL && priv_chown_dir(c.data, uid, gid) == -1)
		fatal("chown %s", c.data);

	if (evthread_use_pthreads() != 0)
		fatalx("libevent without thread support");
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	clock_gettime(CLOCK_REALTIME, &ts);
	stats_init((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
	if ((w = writer_new(st, base, session_jobdone, NULL)) == NULL)
		fatalx("writer: out of memory");
	cfg = &c;
	wr = w;
	{
		struct ruleset	*rs;
		char		 spath[4096];

		if (load_rules(&c, &rs, err, sizeof(err)) != 0)
			fatalx("%s", err);
		snprintf(spath, sizeof(spath), "%s/rules.state", c.data);
		if (writer_set_rules(w, rs, (size_t)c.rules_max_groups, spath,
		    alert_committed, NULL) != 0)
			fatalx("rules: out of memory");
		log_info("%d rules loaded", rules_count(rs));
	}
	memset(&lc, 0, sizeof(lc));
	lc.listen = c.listen;
	lc.ssl = ssl;
	lc.store = st;
	lc.writer = w;
	lc.heartbeat = (int)c.heartbeat;
	lc.max_sessions = (int)c.max_sessions;
	lc.inflight_max = (size_t)c.session_queue;
	if ((qb = qbudget_new((size_t)c.queue_max)) == NULL)
		fatalx("out of memory");
	lc.budget = qb;
	lc.tzoff = (int32_t)c.tz_offset;
	lc.tzfor = &c.tz_for;
	for (int i = 0; i < c.tz_for.n; i++) {
		long long	 v;
		const char	*eq = strchr(c.tz_for.v[i], '=');

		if (eq == NULL || eq == c.tz_for.v[i] ||
		    conf_parse_duration(eq + 1, &v) != 0 || v < -86400 ||
		    v > 86400)
			fatalx("tz-offset-for: '%s' is not NAME=OFFSET (an "
			    "offset like 2h, -5h or 5400s)", c.tz_for.v[i]);
	}
	if ((l = listener_new(base, &lc, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (c.syslog_tls[0] != '\0') {
		lc.mode = LISTEN_SYSLOG_TLS;
		lc.listen = c.syslog_tls;
		if ((lt = listener_new(base, &lc, err, sizeof(err))) == NULL)
			fatalx("syslog-tls-listen: %s", err);
		log_info("syslog over TLS (RFC 5425) on %s", c.syslog_tls);
	}
	if (c.syslog_tcp[0] != '\0') {
		static char	 tcpaddr[300];

		/* plain TCP has no authentication: a bare port is loopback */
		if (strchr(c.syslog_tcp, ':') == NULL)
			snprintf(tcpaddr, sizeof(tcpaddr), "127.0.0.1:%s",
			    c.syslog_tcp);
		else
			snprintf(tcpaddr, sizeof(tcpaddr), "%s", c.syslog_tcp);
		lc.mode = LISTEN_SYSLOG_TCP;
		lc.listen = tcpaddr;
		if ((lu = listener_new(base, &lc, err, sizeof(err))) == NULL)
			fatalx("syslog-tcp-listen: %s", err);
		log_info("syslog over TCP (RFC 6587) on %s", c.syslog_tcp);
	}
	if ((ctl = ctl_new(base, st, c.socket, mode, sgid, err,
	    sizeof(err))) == NULL)
		fatalx("query socket: %s", err);
	if (c.user != NULL && chown(c.socket, uid, sgid) == -1)
		fatal("chown %s", c.socket);
	/* metrics are secondary: a busy default port does not stop us */
	if (c.metrics_listen[0] != '\0' &&
	    strcmp(c.metrics_listen, "off") != 0 && (mx = metrics_new(base,
	    c.metrics_listen, st, err, sizeof(err))) == NULL) {
		if (strcmp(c.metrics_listen, DEFAULT_METRICS) != 0)
			fatalx("metrics-listen: %s", err);
		log_warnx("metrics-listen: %s; running without metrics", err);
	}
	if (priv_drop(c.user, uid, gid, err, sizeof(err)) != 0)
		fatalx("%s", err);
	/* after priv_drop: the alert log belongs to the daemon's user */
	setup_alertout_conf(&c, &ac);
	if ((aout = ao = alertout_new(base, &ac, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	alertout_conf_clear(&ac);
	if (writer_start(w) != 0)
		fatalx("cannot start writer thread");
	rc.age_s = c.retention_age;
	rc.size = (uint64_t)c.retention_size;
	rc.interval_s = (int)c.retention_interval;
	rt = retention_new(st, &rc);
	if (rt != NULL && retention_start(rt) != 0)
		fatalx("cannot start retention thread");

	sigev[0] = evsignal_new(base, SIGTERM, die_signalcb, NULL);
	sigev[1] = evsignal_new(base, SIGINT, die_signalcb, NULL);
	sigev[2] = evsignal_new(base, SIGHUP, hup_signalcb, NULL);
	sigev[3] = event_new(base, -1, EV_PERSIST, rules_statscb, NULL);
	for (int i = 0; i < 4; i++)
		if (sigev[i] == NULL || event_add(sigev[i], i < 3 ? NULL :
		    &(struct timeval){ 1, 0 }) != 0)
			fatalx("signal events");

	log_info("listening on %s, data %s, query socket %s", c.listen,
	    c.data, c.socket);
	event_base_dispatch(base);

	metrics_free(mx);
	ctl_free(ctl);
	retention_free(rt);
	qbudget_stop(qb);	/* no session reads again: */
	writer_free(w);		/* drains the queue: sends the last ACKs */
	listener_free(l);
	listener_free(lt);
	listener_free(lu);
	qbudget_free(qb);
	alertout_free(ao);	/* after the writer: its last alerts go out */
	for (int i = 0; i < 4; i++)
		event_free(sigev[i]);
	store_close(st);
	event_base_free(base);
	SSL_CTX_free(ssl);
	conf_free(opts, &c);
	log_info("stopped");
#ifdef VIGIL_ASAN
	return 0;	/* the leak check runs at exit */
#endif
	/*
	 * Everything of ours is closed and synced above.  Skip the
	 * libraries' exit-time teardown (OpenSSL's atexit cleanup, C++
	 * static destructors next to LevelDB's never-joined background
	 * thread): once, in CI, a collector hung there for 10 s after
	 * "stopped".
	 */
	fflush(NULL);
	_exit(0);
}
