/*
 * main.c -- vigil-shipper: follows log files and the systemd journal and
 * ships their lines to a vigil-collector over mutual TLS, exactly once
 * (see state.h).
 *
 * Only start-up and the event loop live here: options, configuration,
 * the setup_*() steps, the poll timer and signals.  Reading files is
 * tail.c, the journal journal.c, the window and checkpoints state.c, the
 * disk spool spool.c, the session forward.c and who we are ident.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "conf.h"
#include "err.h"
#include "forward.h"
#include "hook.h"
#include "ident.h"
#include "journal.h"
#include "log.h"
#include "priv.h"
#include "proto.h"
#include "spool.h"
#include "state.h"
#include "tail.h"
#include "tlsctx.h"

#define SHIPPER_CONF		"/etc/vigil/shipper.conf"
#define SHIPPER_POLL_MS		200
#define SHIPPER_SAVE_US		(1000 * 1000)

struct shipper_conf {
	char		*collector;
	char		*tls_cert;
	char		*tls_key;
	char		*tls_ca;
	char		*state;
	struct conf_list input;
	int		 from_beginning;
	char		*hostname;
	char		*role;
	char		*vm_uuid;
	long long	 reconnect_max;
	long long	 batch_lines;
	long long	 window_bytes;
	char		*user;
	long long	 spool_size;
};

#define O(f)	offsetof(struct shipper_conf, f)
static const struct conf_opt shipper_opts[] = {
	{ "collector", CONF_STR, O(collector), NULL, 0, 0,
	    "collector address, HOST:PORT" },
	{ "tls-cert", CONF_STR, O(tls_cert), NULL, 0, 0,
	    "client certificate (PEM)" },
	{ "tls-key", CONF_STR, O(tls_key), NULL, 0, 0, "client key (PEM)" },
	{ "tls-ca", CONF_STR, O(tls_ca), NULL, 0, 0,
	    "CA that signed the collector's certificate" },
	{ "state", CONF_STR, O(state), "/var/lib/vigil/shipper", 0, 0,
	    "state directory (checkpoints, instance id)" },
	{ "input", CONF_LIST, O(input), NULL, 0, 0,
	    "TYPE:PATH of a file to follow, or journal[:DIR] (repeatable)" },
	{ "from-beginning", CONF_BOOL, O(from_beginning), "no", 0, 0,
	    "read new files from their start, not their end" },
	{ "hostname", CONF_STR, O(hostname), NULL, 0, 0,
	    "host name sent to the collector (default: gethostname)" },
	{ "role", CONF_STR, O(role), NULL, 0, 0,
	    "host or guest (default: detected)" },
	{ "vm-uuid", CONF_STR, O(vm_uuid), NULL, 0, 0,
	    "VM UUID (default: DMI product_uuid on guests)" },
	{ "reconnect-max", CONF_DURATION, O(reconnect_max), "30s", 1, 86400,
	    "longest wait between connection attempts" },
	{ "batch-lines", CONF_INT, O(batch_lines), "1024", 1,
	    PROTO_BATCH_MAX, "most lines per BATCH frame" },
	{ "window-bytes", CONF_SIZE, O(window_bytes), "512k", 64 * 1024,
	    1LL << 32, "most unacknowledged bytes held in memory" },
	{ "user", CONF_STR, O(user), NULL, 0, 0,
	    "drop privileges to this user (and its groups, e.g. adm) after "
	    "start-up" },
	{ "spool-size", CONF_SIZE, O(spool_size), "256M", 0, 1LL << 40,
	    "most bytes of unacknowledged lines on disk (0: no spool)" },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};
#undef O

static const char *const input_types[] = {
	"syslog", "auth", "kern", "audit", "libvirt", "qemu", "messages",
	"hook", "other", NULL,
};

struct input {
	struct shipper	*sh;
	size_t		 idx;		/* stream index in the state */
	struct tail	*tail;		/* a file, or */
	struct journal	*journal;	/* the journal */
	struct tail_sink sink;
	struct journal_sink jsink;
	char		*type;
	const char	*path;		/* stream name, in type's allocation */
	int		 blocked;	/* stopped by a full window */
};

struct shipper {
	struct shipper_conf	 conf;
	const char		*conffile;
	int			 foreground, verbose;
	struct ident		 id;
	SSL_CTX			*ctx;
	char			 host[256], port[16];
	uid_t			 uid;		/* conf.user, when set */
	gid_t			 gid;
	struct forward_conf	 fwconf;
	struct event_base	*base;
	struct evdns_base	*dns;
	struct state		*st;
	struct spool		*sp;
	struct forward		*fw;
	struct input		*in;
	size_t			 nin;
	struct event		*poll_ev, *read_ev;
	struct event		*term_ev, *int_ev, *hup_ev;
	int64_t			 saved_us;
	int			 save_failed;
	int			 sync_failed;
	int			 push_failed;
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: vigil-shipper [-dnv] [-f file] "
	    "[--collector host:port]\n"
	    "\t[--tls-cert file] [--tls-key file] [--tls-ca file] "
	    "[--state dir]\n"
	    "\t[--input type:path|journal[:dir] ...] [--from-beginning] "
	    "[--hostname name]\n"
	    "\t[--role host|guest] [--vm-uuid uuid]\n"
	    "       vigil-shipper hook [--spool file] object op subop extra\n"
	    "\t(libvirt hook; also as /etc/libvirt/hooks/qemu or qemu.d/*)\n");
	exit(1);
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * The line of fname holding "keyword value", for messages about values
 * the parser accepted but the shipper rejects.  0 when not found (the
 * value came from the command line).
 */
static int
conf_lineof(const char *fname, const char *kw, const char *val)
{
	FILE	*f;
	char	 line[4096], *p;
	size_t	 kl = strlen(kw);
	int	 n = 0, found = 0;

	if (fname == NULL || (f = fopen(fname, "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		n++;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (strncmp(p, kw, kl) == 0 && (p[kl] == ' ' ||
		    p[kl] == '\t') && strstr(p + kl, val) != NULL)
			found = 1;
	}
	fclose(f);
	return found ? n : 0;
}

/* Print a configuration error at the option's FILE:LINE if it has one. */
static void
conf_error(struct shipper *sh, const char *kw, const char *val,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
conf_error(struct shipper *sh, const char *kw, const char *val,
    const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;
	int	line;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (val != NULL && (line = conf_lineof(sh->conffile, kw, val)) > 0)
		fprintf(stderr, "%s:%d: %s: %s\n", sh->conffile, line, kw,
		    msg);
	else
		fprintf(stderr, "vigil-shipper: %s: %s\n", kw, msg);
}

/* "journal" or "journal:..." */
static int
input_is_journal(const char *v)
{
	size_t n = strlen(JOURNAL_NAME);

	return strncmp(v, JOURNAL_NAME, n) == 0 &&
	    (v[n] == '\0' || v[n] == ':');
}

/* The stream name: the path of a file, all of a journal input. */
static const char *
input_name(const char *v)
{
	if (input_is_journal(v) || strchr(v, ':') == NULL)
		return v;
	return strchr(v, ':') + 1;
}

/*
 * Split "TYPE:PATH", or check "journal[:DIR]"; returns 0 or -1 with the
 * message printed.
 */
static int
input_check(struct shipper *sh, const char *v)
{
	const char	*colon = strchr(v, ':'), *path;
	size_t		 i, tl;

	if (input_is_journal(v)) {
		if (journal_name_check(v) == 0)
			return 0;
		conf_error(sh, "input", v, "expected journal or journal:DIR "
		    "with an absolute DIR, got '%s'", v);
		return -1;
	}
	if (colon == NULL) {
		conf_error(sh, "input", v, "expected TYPE:PATH, got '%s'", v);
		return -1;
	}
	tl = colon - v;
	path = colon + 1;
	for (i = 0; input_types[i] != NULL; i++)
		if (strlen(input_types[i]) == tl &&
		    strncmp(input_types[i], v, tl) == 0)
			break;
	if (input_types[i] == NULL) {
		conf_error(sh, "input", v, "unknown type '%.*s' (syslog, auth, "
		    "kern, audit, libvirt, qemu, messages, hook, other or "
		    "journal)",
		    (int)tl, v);
		return -1;
	}
	if (path[0] != '/' || strlen(path) > PROTO_STR_MAX ||
	    strchr(path, '\n') != NULL) {
		conf_error(sh, "input", v, "'%s' is not an absolute path",
		    path);
		return -1;
	}
	return 0;
}

/* Check what conf_parse cannot; prints every problem.  Returns 0 or -1. */
static int
setup_check(struct shipper *sh)
{
	struct shipper_conf	*c = &sh->conf;
	char			 err[512], uuid[IDENT_UUID_LEN + 1];
	const char		*p;
	int			 i, j, bad = 0;

	if (c->collector == NULL) {
		conf_error(sh, "collector", NULL, "required");
		bad = 1;
	} else if (forward_parse_addr(c->collector, sh->host,
	    sizeof(sh->host), sh->port, sizeof(sh->port)) != 0) {
		conf_error(sh, "collector", c->collector, "expected HOST:PORT, "
		    "got '%s'", c->collector);
		bad = 1;
	}
	if (c->input.n == 0) {
		conf_error(sh, "input", NULL, "at least one is required");
		bad = 1;
	}
	for (i = 0; i < c->input.n; i++) {
		if (input_check(sh, c->input.v[i]) != 0) {
			bad = 1;
			continue;
		}
		p = input_name(c->input.v[i]);
		for (j = 0; j < i; j++)
			if (strcmp(input_name(c->input.v[j]), p) == 0) {
				conf_error(sh, "input", c->input.v[i],
				    "path given twice");
				bad = 1;
			}
	}
	if (c->user != NULL && priv_lookup(c->user, &sh->uid, &sh->gid, err,
	    sizeof(err)) != 0) {
		conf_error(sh, "user", c->user, "%s", err);
		bad = 1;
	}
	if (c->state == NULL || c->state[0] != '/') {
		conf_error(sh, "state", c->state, "must be an absolute path");
		bad = 1;
	}
	if (c->spool_size != 0 && c->spool_size < SPOOL_SIZE_MIN) {
		conf_error(sh, "spool-size", NULL, "must be 0 (no spool) or "
		    "at least %uk", SPOOL_SIZE_MIN / 1024);
		bad = 1;
	}
	if (c->hostname != NULL && ident_check_hostname(c->hostname) != 0) {
		conf_error(sh, "hostname", c->hostname, "'%s' is not a valid "
		    "host name", c->hostname);
		bad = 1;
	}
	if (c->role != NULL && strcmp(c->role, "host") != 0 &&
	    strcmp(c->role, "guest") != 0) {
		conf_error(sh, "role", c->role, "must be host or guest, not "
		    "'%s'", c->role);
		bad = 1;
	}
	if (c->vm_uuid != NULL && ident_parse_uuid(c->vm_uuid,
	    strlen(c->vm_uuid), uuid) != 0) {
		conf_error(sh, "vm-uuid", c->vm_uuid, "'%s' is not a UUID",
		    c->vm_uuid);
		bad = 1;
	}
	if (!bad && ident_load(&sh->id, c->hostname, c->role, c->vm_uuid, err,
	    sizeof(err)) != 0) {
		conf_error(sh, "identity", NULL, "%s", err);
		bad = 1;
	}
	if ((sh->ctx = tlsctx_client(c->tls_cert, c->tls_key, c->tls_ca, err,
	    sizeof(err))) == NULL) {
		conf_error(sh, "tls", NULL, "%s", err);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* A value from the command line: the file cannot override it. */
static void
conf_cli(struct shipper *sh, uint64_t *mask, const char *name,
    const char *value)
{
	char err[CONF_ERRLEN];

	if (conf_set(shipper_opts, &sh->conf, mask, name, value, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "vigil-shipper: --%s: %s\n", name, err);
		exit(1);
	}
}

static void
setup_conf(struct shipper *sh, int argc, char **argv, int *check)
{
	static const struct option longopts[] = {
		{ "collector", required_argument, NULL, 'C' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "tls-ca", required_argument, NULL, 'a' },
		{ "state", required_argument, NULL, 's' },
		{ "input", required_argument, NULL, 'i' },
		{ "from-beginning", no_argument, NULL, 'b' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "role", required_argument, NULL, 'r' },
		{ "vm-uuid", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	char		 err[CONF_ERRLEN];
	uint64_t	 mask = 0;
	int		 ch, i;

	if (conf_defaults(shipper_opts, &sh->conf) != 0)
		fatalx("bad option table");
	while ((ch = getopt_long(argc, argv, "df:nv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			sh->foreground = 1;
			break;
		case 'f':
			sh->conffile = optarg;
			break;
		case 'n':
			*check = 1;
			break;
		case 'v':
			sh->verbose++;
			break;
		case 'b':
			conf_cli(sh, &mask, "from-beginning", "yes");
			break;
		case 'C': case 'c': case 'k': case 'a': case 's':
		case 'i': case 'H': case 'r': case 'u':
			for (i = 0; longopts[i].val != ch; i++)
				;
			conf_cli(sh, &mask, longopts[i].name, optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (sh->conffile == NULL && access(SHIPPER_CONF, F_OK) == 0)
		sh->conffile = SHIPPER_CONF;
	if (sh->conffile != NULL && conf_load(shipper_opts, &sh->conf, mask,
	    sh->conffile, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
}

/*
 * Create the state directory, load the checkpoints and the instance id.
 * A directory without a checkpoints file gets a new instance id.
 */
/* Open the spool under the state directory (spool-size 0: none). */
static void
setup_spool(struct shipper *sh)
{
	char	err[512], path[4096];

	if (sh->conf.spool_size == 0)
		return;		/* lines live in the window only */
	snprintf(path, sizeof(path), "%s/%s", sh->conf.state, SPOOL_DIR);
	if ((sh->sp = spool_open(path, (uint64_t)sh->conf.spool_size, err,
	    sizeof(err))) == NULL)
		fatalx("spool: %s", err);
	if (spool_bytes(sh->sp) > 0)
		log_info("spool: %zu segments, %llu bytes to resend",
		    spool_nsegs(sh->sp),
		    (unsigned long long)spool_bytes(sh->sp));
	state_spool(sh->st, sh->sp);
}

static void
setup_state(struct shipper *sh)
{
	char	err[512];
	size_t	nbad;
	int	existed, r;

	if (mkdir(sh->conf.state, 0700) == -1 && errno != EEXIST)
		fatal("state directory %s", sh->conf.state);
	if ((sh->st = state_new(sh->conf.state,
	    (size_t)sh->conf.window_bytes)) == NULL)
		fatalx("out of memory");
	if ((r = state_load(sh->st, &existed, &nbad)) != 0) {
		if (r == ERR_IO)
			fatal("%s/%s", sh->conf.state, STATE_FILE);
		fatalx("%s/%s: %s", sh->conf.state, STATE_FILE, err_str(r));
	}
	if (nbad > 0)
		log_warnx("%s/%s: skipped %zu malformed lines",
		    sh->conf.state, STATE_FILE, nbad);
	if (ident_instance(&sh->id, sh->conf.state, !existed, err,
	    sizeof(err)) != 0)
		fatalx("%s", err);
	log_info("instance %s%s, %s %s", sh->id.instance,
	    existed ? "" : " (new)", sh->id.role, sh->id.hostname);
}

/*
 * A line could not be taken (the spool cannot be written, out of
 * memory): it stays in its file and is read again next round.  Log once
 * per failure spell.
 */
static int
input_pushed(struct input *in, int r)
{
	if (r != 0 && !in->sh->push_failed) {
		if (r == ERR_IO)
			log_warn("input %s: cannot spool, reading stops",
			    in->path);
		else
			log_warnx("input %s: cannot take a line: %s", in->path,
			    err_str(r));
		in->sh->push_failed = 1;
	} else if (r == 0 && in->sh->push_failed) {
		log_info("input %s: reading again", in->path);
		in->sh->push_failed = 0;
	}
	return r;
}

static int
input_linecb(void *arg, const struct tail_line *tl)
{
	struct input *in = arg;

	if (tl->cut)
		log_debug("input %s: line at %llu cut to %zu bytes",
		    in->path, (unsigned long long)tl->end, tl->len);
	return input_pushed(in, state_push(in->sh->st, in->idx, tl->p,
	    tl->len, tl->dev, tl->ino, tl->end, tl->read_us));
}

static int
input_journalcb(void *arg, const struct journal_line *jl)
{
	struct input *in = arg;

	if (jl->cut)
		log_debug("input %s: entry %s cut to %zu bytes", in->path,
		    jl->cursor, jl->len);
	return input_pushed(in, state_push_cursor(in->sh->st, in->idx, jl->p,
	    jl->len, jl->cursor, jl->read_us));
}

static int
input_fullcb(void *arg)
{
	struct input *in = arg;

	return state_full(in->sh->st);
}

/* Open the journal of input in and set its stream's start. */
static void
setup_journal(struct shipper *sh, struct input *in,
    const struct state_ckpt *ck)
{
	char	err[512], *pos = NULL;
	int	resync, r;

	if ((in->journal = journal_new(in->path, PROTO_LINE_MAX)) == NULL)
		fatalx("input %s: out of memory", in->path);
	if ((r = journal_start(in->journal, ck, ck != NULL ?
	    state_stream_cursor(sh->st, in->idx) : NULL,
	    sh->conf.from_beginning, &pos, &resync, err, sizeof(err))) != 0)
		fatalx("input %s: %s", in->path, r == ERR_IO ? err :
		    err_str(r));
	if ((r = state_stream_begin_cursor(sh->st, in->idx, pos, resync)) != 0)
		fatalx("input %s: start cursor: %s", in->path, err_str(r));
	free(pos);
	in->jsink.line = input_journalcb;
	in->jsink.full = input_fullcb;
	in->jsink.arg = in;
}

/* Split an input value into its type and stream name (one allocation). */
static void
input_split(struct input *in, const char *v)
{
	size_t	tl = strlen(JOURNAL_NAME);
	char	*colon;

	if (input_is_journal(v)) {
		/* "journal\0" then the whole value as the stream name */
		if ((in->type = malloc(tl + 1 + strlen(v) + 1)) == NULL)
			fatalx("out of memory");
		memcpy(in->type, JOURNAL_NAME, tl + 1);
		in->path = strcpy(in->type + tl + 1, v);
		return;
	}
	if ((in->type = strdup(v)) == NULL)
		fatalx("out of memory");
	colon = strchr(in->type, ':');
	*colon = '\0';
	in->path = colon + 1;
}

static void
setup_inputs(struct shipper *sh)
{
	const struct state_ckpt	*ck;
	struct state_ckpt	 pos;
	struct input		*in;
	int			 i, r, resync;

	sh->nin = (size_t)sh->conf.input.n;
	if ((sh->in = calloc(sh->nin, sizeof(*sh->in))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < sh->conf.input.n; i++) {
		in = &sh->in[i];
		input_split(in, sh->conf.input.v[i]);
		in->sh = sh;
		if ((r = state_stream_add(sh->st, in->path, in->type, &ck)) < 0)
			fatalx("input %s: %s", in->path, err_str(r));
		in->idx = (size_t)r;
		if (strcmp(in->type, JOURNAL_NAME) == 0) {
			setup_journal(sh, in, ck);
			continue;
		}
		if ((in->tail = tail_new(in->path, PROTO_LINE_MAX)) == NULL ||
		    tail_start(in->tail, ck, sh->conf.from_beginning,
		    now_us(), &pos, &resync) != 0)
			fatalx("input %s: out of memory", in->path);
		state_stream_begin(sh->st, in->idx, &pos, resync);
		in->sink.line = input_linecb;
		in->sink.full = input_fullcb;
		in->sink.arg = in;
	}
	/* segments acknowledged before a restart go now */
	if (sh->sp != NULL)
		spool_gc(sh->sp);
	/* a crash before the first ACK must not move a new stream's start */
	if (state_save(sh->st) != 0)
		fatal("%s/%s", sh->conf.state, STATE_FILE);
	sh->saved_us = now_us();
}

/* Give the window what waits in the spool, then send. */
static void
shipper_refill(struct shipper *sh)
{
	int r;

	if ((r = state_refill(sh->st)) < 0)
		log_warnx("spool: cannot read back: %s", r == ERR_IO ?
		    strerror(errno) : err_str(r));
	forward_kick(sh->fw);
}

static void
shipper_save(struct shipper *sh)
{
	if (state_save(sh->st) == 0) {
		if (sh->save_failed)
			log_info("checkpoints saved again");
		sh->save_failed = 0;
	} else if (!sh->save_failed) {
		log_warn("cannot save %s/%s", sh->conf.state, STATE_FILE);
		sh->save_failed = 1;
	}
	sh->saved_us = now_us();
}

/*
 * Read again as soon as the sockets have been served.  A zero timeout, not
 * event_active(): libevent runs an event activated from a callback in the
 * same pass, so a backlog of files would be read round after round, with
 * nothing sent, until all of it was in the spool (102 MB, half a second).
 */
static void
shipper_read_soon(struct shipper *sh)
{
	static const struct timeval	now = { 0, 0 };

	event_add(sh->read_ev, &now);
}

/*
 * Read every input for one round (into the spool), make it durable, then
 * send.  A round cut short by its size continues at once, after the
 * events that wait.
 */
static void
shipper_read(struct shipper *sh)
{
	int64_t	t = now_us();
	size_t	i;
	int	more = 0;

	for (i = 0; i < sh->nin; i++) {
		if (sh->in[i].journal != NULL)
			sh->in[i].blocked = journal_poll(sh->in[i].journal,
			    &sh->in[i].jsink, t);
		else
			sh->in[i].blocked = tail_poll(sh->in[i].tail,
			    &sh->in[i].sink, t);
		/* without a spool, blocked means the window is full */
		more |= sh->in[i].blocked && sh->sp != NULL;
	}
	if (state_sync(sh->st) != 0) {
		if (!sh->sync_failed)
			log_warn("spool: cannot write %s/%s", sh->conf.state,
			    SPOOL_DIR);
		sh->sync_failed = 1;
		more = 0;	/* retried by the poll timer */
	} else if (sh->sync_failed) {
		log_info("spool: written again");
		sh->sync_failed = 0;
	}
	if (state_urgent(sh->st))
		shipper_save(sh);
	shipper_refill(sh);
	if (more)
		shipper_read_soon(sh);
}


static void
poll_timercb(evutil_socket_t fd, short what, void *arg)
{
	struct shipper *sh = arg;

	(void)fd;
	(void)what;
	shipper_read(sh);
	if (state_dirty(sh->st) && now_us() - sh->saved_us >= SHIPPER_SAVE_US)
		shipper_save(sh);
}

static void
read_eventcb(evutil_socket_t fd, short what, void *arg)
{
	struct shipper *sh = arg;

	(void)fd;
	(void)what;
	shipper_read(sh);
}

/*
 * Acknowledgements freed window space: refill it from the spool and
 * resume inputs that had stopped.
 */
static void
forward_ackcb(void *arg)
{
	struct shipper	*sh = arg;
	size_t		 i;
	int		 r;

	if (state_spilled(sh->st) && (r = state_refill(sh->st)) < 0)
		log_warnx("spool: cannot read back: %s", r == ERR_IO ?
		    strerror(errno) : err_str(r));
	for (i = 0; i < sh->nin; i++)
		if (sh->in[i].blocked && !state_full(sh->st)) {
			shipper_read_soon(sh);
			return;
		}
}

static void
term_signalcb(evutil_socket_t sig, short what, void *arg)
{
	struct shipper *sh = arg;

	(void)what;
	log_info("%s: saving state and exiting", strsignal(sig));
	shipper_save(sh);
	event_base_loopbreak(sh->base);
}

static void
hup_signalcb(evutil_socket_t sig, short what, void *arg)
{
	struct shipper *sh = arg;

	(void)sig;
	(void)what;
	log_info("SIGHUP: configuration reload is not supported yet; "
	    "window %zu bytes, spool %llu bytes in %zu segments, %llu lines "
	    "dropped", state_window_bytes(sh->st),
	    (unsigned long long)(sh->sp ? spool_bytes(sh->sp) : 0),
	    sh->sp ? spool_nsegs(sh->sp) : 0,
	    (unsigned long long)state_dropped(sh->st));
}

static void
setup_events(struct shipper *sh)
{
	struct timeval tv = { 0, SHIPPER_POLL_MS * 1000 };

	signal(SIGPIPE, SIG_IGN);
	if ((sh->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	/* asynchronous DNS, so a slow resolver never stalls the inputs */
	if ((sh->dns = evdns_base_new(sh->base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL)
		log_warnx("evdns_base_new failed, resolving synchronously");
	if ((sh->poll_ev = event_new(sh->base, -1, EV_PERSIST, poll_timercb,
	    sh)) == NULL || event_add(sh->poll_ev, &tv) != 0 ||
	    (sh->read_ev = event_new(sh->base, -1, 0, read_eventcb, sh))
	    == NULL ||
	    (sh->term_ev = evsignal_new(sh->base, SIGTERM, term_signalcb,
	    sh)) == NULL || evsignal_add(sh->term_ev, NULL) != 0 ||
	    (sh->int_ev = evsignal_new(sh->base, SIGINT, term_signalcb,
	    sh)) == NULL || evsignal_add(sh->int_ev, NULL) != 0 ||
	    (sh->hup_ev = evsignal_new(sh->base, SIGHUP, hup_signalcb,
	    sh)) == NULL || evsignal_add(sh->hup_ev, NULL) != 0)
		fatalx("cannot set up events");
}

static void
setup_forward(struct shipper *sh)
{
	sh->fwconf.host = sh->host;
	sh->fwconf.port = sh->port;
	sh->fwconf.ctx = sh->ctx;
	sh->fwconf.reconnect_max_ms = (uint32_t)sh->conf.reconnect_max * 1000;
	sh->fwconf.batch_lines = (size_t)sh->conf.batch_lines;
	if ((sh->fw = forward_new(sh->base, sh->dns, &sh->fwconf, &sh->id,
	    sh->st, forward_ackcb, sh)) == NULL)
		fatalx("out of memory");
	forward_start(sh->fw);
}

static void
shipper_free(struct shipper *sh)
{
	size_t i;

	forward_free(sh->fw);
	for (i = 0; i < sh->nin; i++) {
		tail_free(sh->in[i].tail);
		journal_free(sh->in[i].journal);
		free(sh->in[i].type);
	}
	free(sh->in);
	state_free(sh->st);
	spool_free(sh->sp);
	if (sh->poll_ev != NULL)
		event_free(sh->poll_ev);
	if (sh->read_ev != NULL)
		event_free(sh->read_ev);
	if (sh->term_ev != NULL)
		event_free(sh->term_ev);
	if (sh->int_ev != NULL)
		event_free(sh->int_ev);
	if (sh->hup_ev != NULL)
		event_free(sh->hup_ev);
	if (sh->dns != NULL)
		evdns_base_free(sh->dns, 0);
	if (sh->base != NULL)
		event_base_free(sh->base);
	SSL_CTX_free(sh->ctx);
	conf_free(shipper_opts, &sh->conf);
}

/*
 * Keys, state and inputs are open: become the configured user (the state
 * directory is handed over to it first) and set no_new_privs either way.
 * Rotated logs are reopened as that user, so it needs read access to them
 * (group adm on Debian), nothing more.
 */
static void
setup_privs(struct shipper *sh)
{
	char	err[512];

	if (sh->conf.user != NULL &&
	    priv_chown_dir(sh->conf.state, sh->uid, sh->gid) == -1)
		fatal("chown %s", sh->conf.state);
	if (priv_drop(sh->conf.user, sh->uid, sh->gid, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (sh->conf.user != NULL)
		log_info("running as %s (uid %u, gid %u)", sh->conf.user,
		    (unsigned)sh->uid, (unsigned)sh->gid);
}

int
main(int argc, char **argv)
{
	static struct shipper	 sh;
	int			 check = 0;

	/* libvirt hook (hook.c): before anything that could print or fail */
	if (hook_argv0(argv[0]))
		return hook_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "hook") == 0)
		return hook_main(argc - 1, argv + 1);
	log_init("vigil-shipper", LOG_TO_STDERR, 0);
	setup_conf(&sh, argc, argv, &check);
	log_setverbose(sh.verbose);
	if (setup_check(&sh) != 0)
		exit(1);
	if (check) {
		if (sh.verbose)
			conf_dump(shipper_opts, &sh.conf, stdout);
		printf("configuration OK\n");
		shipper_free(&sh);
		exit(0);
	}
	setup_state(&sh);
	setup_spool(&sh);
	if (!sh.foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("vigil-shipper", LOG_TO_SYSLOG, sh.verbose);
	}
	setup_events(&sh);
	setup_inputs(&sh);
	setup_forward(&sh);
	setup_privs(&sh);
	log_info("started: %zu inputs, collector %s:%s", sh.nin, sh.host,
	    sh.port);
	event_base_dispatch(sh.base);
	shipper_free(&sh);
	return 0;
}
