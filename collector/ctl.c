/*
 * ctl.c -- query socket server (see ctl.h).  The accept runs on the event
 * loop; each client gets a detached thread with a blocking socket that
 * reads one request line, answers and closes.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/listener.h>
#include <yajl/yajl_tree.h>

#include "agg.h"
#include "alerts.h"
#include "ctl.h"
#include "err.h"
#include "json.h"
#include "keys.h"
#include "log.h"
#include "placement.h"
#include "query.h"
#include "search.h"
#include "stats.h"
#include "store.h"
#include "verify.h"

struct ctl {
	struct evconnlistener	*lev;
	struct store		*st;
	char			 path[108];
	pthread_mutex_t		 mtx;
	int			 nclients;
	volatile int		 stop;
};

struct client {
	struct ctl	*ctl;
	int		 fd;
};

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *
ystr(yajl_val v)
{
	return v != NULL && YAJL_IS_STRING(v) ? v->u.string : NULL;
}

/* An optional string member: absent is fine, another type is not. */
static int
get_opt_str(yajl_val root, const char *name, char *out, size_t outlen,
    char *err, size_t errlen)
{
	const char	*path[] = { name, NULL }, *s;
	yajl_val	 v;

	if ((v = yajl_tree_get(root, path, yajl_t_any)) == NULL)
		return 0;
	if ((s = ystr(v)) == NULL || strlen(s) >= outlen) {
		snprintf(err, errlen, "\"%s\" must be a string of at most "
		    "%zu bytes", name, outlen - 1);
		return ERR_FORMAT;
	}
	snprintf(out, outlen, "%s", s);
	return 0;
}

int
ctl_req_parse(const char *line, size_t len, struct ctl_req *rq, char *err,
    size_t errlen)
{
	char		 ebuf[256], *text = NULL;
	yajl_val	 root = NULL, v;
	const char	*p_op[] = { "op", NULL }, *p_q[] = { "query", NULL };
	const char	*p_s[] = { "since", NULL }, *p_u[] = { "until", NULL };
	const char	*p_l[] = { "limit", NULL }, *s;
	int		 r = ERR_FORMAT;

	memset(rq, 0, sizeof(*rq));
	rq->since_us = LLONG_MIN;
	rq->until_us = LLONG_MAX;
	rq->limit = 100;
	if (len > CTL_REQUEST_MAX) {
		snprintf(err, errlen, "request too long");
		return ERR_TOOBIG;
	}
	if ((text = strndup(line, len)) == NULL)
		return ERR_NOMEM;
	if (strlen(text) != len) {
		snprintf(err, errlen, "NUL in request");
		goto out;
	}
	if ((root = yajl_tree_parse(text, ebuf, sizeof(ebuf))) == NULL) {
		snprintf(err, errlen, "bad JSON request: %.*s",
		    (int)strcspn(ebuf, "\n"), ebuf);
		goto out;
	}
	if (!YAJL_IS_OBJECT(root)) {
		snprintf(err, errlen, "request is not an object");
		goto out;
	}
	/* a member of the wrong type is an error, not absent */
	v = yajl_tree_get(root, p_op, yajl_t_any);
	if ((s = ystr(v)) == NULL || *s == '\0' ||
	    strlen(s) >= sizeof(rq->op)) {
		snprintf(err, errlen, "request has no valid \"op\"");
		goto out;
	}
	snprintf(rq->op, sizeof(rq->op), "%s", s);
	if ((v = yajl_tree_get(root, p_q, yajl_t_any)) != NULL) {
		if ((s = ystr(v)) == NULL) {
			snprintf(err, errlen, "\"query\" must be a string");
			goto out;
		}
		if (strlen(s) >= sizeof(rq->query)) {
			snprintf(err, errlen, "query too long");
			r = ERR_TOOBIG;
			goto out;
		}
		snprintf(rq->query, sizeof(rq->query), "%s", s);
	}
	if ((v = yajl_tree_get(root, p_s, yajl_t_any)) != NULL) {
		if (!YAJL_IS_INTEGER(v)) {
			snprintf(err, errlen, "\"since\" must be an integer");
			goto out;
		}
		rq->since_us = YAJL_GET_INTEGER(v);
	}
	if ((v = yajl_tree_get(root, p_u, yajl_t_any)) != NULL) {
		if (!YAJL_IS_INTEGER(v)) {
			snprintf(err, errlen, "\"until\" must be an integer");
			goto out;
		}
		rq->until_us = YAJL_GET_INTEGER(v);
	}
	if ((v = yajl_tree_get(root, p_l, yajl_t_any)) != NULL) {
		if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 1 ||
		    YAJL_GET_INTEGER(v) > SEARCH_LIMIT_MAX) {
			snprintf(err, errlen, "\"limit\" must be 1..%d",
			    SEARCH_LIMIT_MAX);
			goto out;
		}
		rq->limit = YAJL_GET_INTEGER(v);
	}
	if ((r = get_opt_str(root, "vm", rq->vm, sizeof(rq->vm), err,
	    errlen)) != 0 || (r = get_opt_str(root, "host", rq->host,
	    sizeof(rq->host), err, errlen)) != 0)
		goto out;
	if ((r = get_opt_str(root, "severity", rq->severity,
	    sizeof(rq->severity), err, errlen)) != 0 ||
	    (r = get_opt_str(root, "rule", rq->rule, sizeof(rq->rule), err,
	    errlen)) != 0)
		goto out;
	r = ERR_FORMAT;
	if (rq->severity[0] != '\0' &&
	    alert_severity_parse(rq->severity) < 0) {
		snprintf(err, errlen, "\"severity\" must be info, low, "
		    "medium, high or critical");
		goto out;
	}
	rq->id = -1;
	if ((v = yajl_tree_get(root, (const char *[]){ "id", NULL },
	    yajl_t_any)) != NULL) {
		if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0) {
			snprintf(err, errlen, "\"id\" must be an integer "
			    ">= 0");
			goto out;
		}
		rq->id = YAJL_GET_INTEGER(v);
	}
	rq->at_us = LLONG_MIN;
	if ((v = yajl_tree_get(root, (const char *[]){ "at", NULL },
	    yajl_t_any)) != NULL) {
		if (!YAJL_IS_INTEGER(v)) {
			snprintf(err, errlen, "\"at\" must be an integer");
			r = ERR_FORMAT;
			goto out;
		}
		rq->at_us = YAJL_GET_INTEGER(v);
	}
	r = 0;
 out:
	yajl_tree_free(root);
	free(text);
	return r;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

struct out {
	int		fd;
	struct buf	b;	/* batches small writes */
};

static int
out_flush(struct out *o)
{
	int r = write_all(o->fd, (const char *)o->b.d, o->b.len);

	buf_reset(&o->b);
	return r;
}

static int
out_line(void *arg, const char *s, size_t n)
{
	struct out *o = arg;

	if (buf_put(&o->b, s, n) != 0 || buf_put(&o->b, "\n", 1) != 0)
		return ERR_NOMEM;
	if (o->b.len >= 65536)
		return out_flush(o);
	return 0;
}

static void
reply_error(struct out *o, const char *msg)
{
	struct buf	b;
	struct json	j;

	buf_init(&b, 0);
	json_init(&j, &b);
	json_obj_open(&j);
	json_key_str(&j, "_error", msg);
	json_obj_close(&j);
	out_line(o, (const char *)b.d, b.len);
	buf_clear(&b);
}

/* peer gone?  (a tail client never sends after its request) */
static int
peer_gone(int fd)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	char		c;

	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	if (pfd.revents & (POLLHUP | POLLERR))
		return 1;
	return recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

/* "top" and "count" (agg.c); the reply ends with an "_end" object. */
static void
serve_agg(struct client *cl, struct out *o, const struct ctl_req *rq,
    const char *line, size_t n)
{
	struct agg_opts		 ao;
	struct agg_req		 ar;
	struct agg_stats	 as;
	struct query		*q = NULL;
	struct buf		 b;
	struct json		 j;
	char			 err[512];
	int64_t			 t0 = now_us();
	int			 r;

	buf_init(&b, 0);
	if (agg_opts_parse(line, n, &ao, err, sizeof(err)) != 0 ||
	    query_parse(rq->query, strlen(rq->query), &q, err,
	    sizeof(err)) != 0) {
		reply_error(o, err);
		goto out;
	}
	memset(&ar, 0, sizeof(ar));
	ar.kind = strcmp(rq->op, "top") == 0 ? AGG_TOP : AGG_COUNT;
	ar.field = ao.field[0] != '\0' ? ao.field : NULL;
	ar.qtext = rq->query;
	ar.q = rq->query[strspn(rq->query, " ")] != '\0' ? q : NULL;
	ar.since_us = rq->since_us;
	ar.until_us = rq->until_us;
	ar.interval_us = ao.interval_s * 1000000;
	ar.limit = rq->limit > AGG_LIMIT_MAX ? AGG_LIMIT_MAX :
	    (size_t)rq->limit;
	if (ar.kind == AGG_TOP && ar.field == NULL) {
		reply_error(o, "top needs a \"field\"");
		goto out;
	}
	if ((r = agg_run(cl->ctl->st, &ar, out_line, o, &as)) != 0) {
		reply_error(o, r == ERR_TOOBIG ? "too many time buckets; use "
		    "a larger interval or a shorter range" :
		    "aggregation failed (storage error)");
		goto out;
	}
	json_init(&j, &b);
	json_obj_open(&j);
	json_key(&j, "_end");
	json_obj_open(&j);
	json_key_int(&j, "total", (int64_t)as.total);
	json_key_bool(&j, "indexed", as.indexed);
	json_key_int(&j, "index_keys", (int64_t)as.index_keys);
	json_key_int(&j, "blocks", (int64_t)as.blocks);
	json_key_int(&j, "decoded", (int64_t)as.decoded);
	json_key_int(&j, "took_us", now_us() - t0);
	json_obj_close(&j);
	json_obj_close(&j);
	out_line(o, (const char *)b.d, b.len);
 out:
	query_free(q);
	buf_clear(&b);
}

int
ctl_alerts(struct store *st, const struct ctl_req *rq, ctl_emitfn emit,
    void *arg, char *err, size_t errlen)
{
	struct store_iter	*it;
	struct alert_filter	 f;
	struct alert_view	*av;
	struct buf		 b;
	struct json		 j;
	const uint8_t		*k, *v;
	size_t			 kl, vl;
	uint64_t		 id, matched = 0, scanned = 0, damaged = 0;
	int64_t			 t0 = now_us();
	int			 r = 0;

	f.since_us = rq->since_us;
	f.until_us = rq->until_us;
	f.min_severity = rq->severity[0] ? alert_severity_parse(rq->severity) :
	    SEV_INFO;
	f.rule = rq->rule[0] ? rq->rule : NULL;
	if ((av = malloc(sizeof(*av))) == NULL ||
	    (it = store_iter_new(st)) == NULL) {
		free(av);
		snprintf(err, errlen, "out of memory");
		return ERR_NOMEM;
	}
	/* newest first: from the last "L" key down ("M" follows them all) */
	for (store_iter_seek_before(it, "M", 1); store_iter_valid(it) &&
	    matched < (uint64_t)rq->limit; store_iter_prev(it)) {
		k = store_iter_key(it, &kl);
		if (kl < 1 || k[0] != 'L')
			break;
		scanned++;
		v = store_iter_value(it, &vl);
		if (keys_decode_alert(k, kl, &id) != 0 ||
		    alert_parse((const char *)v, vl, av) != 0 ||
		    av->id != id) {
			damaged++;
			continue;
		}
		if (!alert_match(av, &f))
			continue;
		matched++;
		if ((r = emit(arg, (const char *)v, vl)) != 0)
			break;
	}
	store_iter_free(it);
	free(av);
	if (r != 0)
		return 0;	/* the client went away */
	if (damaged > 0)
		log_warnx("query socket: %llu damaged alert records skipped",
		    (unsigned long long)damaged);
	buf_init(&b, 0);
	json_init(&j, &b);
	json_obj_open(&j);
	json_key(&j, "_end");
	json_obj_open(&j);
	json_key_int(&j, "matched", (int64_t)matched);
	json_key_int(&j, "scanned", (int64_t)scanned);
	json_key_int(&j, "damaged", (int64_t)damaged);
	json_key_int(&j, "took_us", now_us() - t0);
	json_obj_close(&j);
	json_obj_close(&j);
	if (json_error(&j) == 0)
		emit(arg, (const char *)b.d, b.len);
	buf_clear(&b);
	return 0;
}

/* {"NAME":OBJECT} from an object already in JSON form */
static int
emit_wrapped(ctl_emitfn emit, void *arg, struct buf *b, const char *name,
    const void *obj, size_t len)
{
	buf_reset(b);
	if (buf_putf(b, "{\"%s\":", name) != 0 || buf_put(b, obj, len) != 0 ||
	    buf_put(b, "}", 1) != 0)
		return ERR_NOMEM;
	return emit(arg, (const char *)b->d, b->len);
}

int
ctl_alert_show(struct store *st, uint64_t id, ctl_emitfn emit, void *arg,
    char *err, size_t errlen)
{
	struct alert_view	*av = NULL;
	struct buf		 a, ev, line;
	int			 i, r, nev = 0, nmiss = 0;

	buf_init(&a, 0);
	buf_init(&ev, 0);
	buf_init(&line, 0);
	if ((r = store_get_alert(st, id, &a)) != 0) {
		if (r == ERR_NOTFOUND)
			snprintf(err, errlen, "no alert %llu",
			    (unsigned long long)id);
		else
			snprintf(err, errlen, "alert %llu: storage error",
			    (unsigned long long)id);
		goto out;
	}
	if ((av = malloc(sizeof(*av))) == NULL) {
		snprintf(err, errlen, "out of memory");
		r = ERR_NOMEM;
		goto out;
	}
	if ((r = alert_parse((const char *)a.d, a.len, av)) != 0) {
		snprintf(err, errlen, "alert %llu: damaged record",
		    (unsigned long long)id);
		goto out;
	}
	r = 0;
	if (emit_wrapped(emit, arg, &line, "alert", a.d, a.len) != 0)
		goto out;
	for (i = 0; i < av->nrefs; i++) {
		buf_reset(&ev);
		if (search_event(st, av->refs[i].stream, av->refs[i].seq,
		    &ev) == 0) {
			nev++;
			if (emit_wrapped(emit, arg, &line, "event", ev.d,
			    ev.len) != 0)
				goto out;
			continue;
		}
		nmiss++;
		buf_reset(&ev);
		buf_putf(&ev, "{\"stream\":%u,\"seq\":%llu}",
		    av->refs[i].stream, (unsigned long long)av->refs[i].seq);
		if (emit_wrapped(emit, arg, &line, "missing", ev.d,
		    ev.len) != 0)
			goto out;
	}
	buf_reset(&line);
	buf_putf(&line, "{\"_end\":{\"events\":%d,\"missing\":%d}}", nev,
	    nmiss);
	emit(arg, (const char *)line.d, line.len);
 out:
	free(av);
	buf_clear(&a);
	buf_clear(&ev);
	buf_clear(&line);
	return r;
}

/* vm_list, vm_where, vm_intervals (placement.c) */
/* "verify" {host}: the hash chains (verify.c); ends with totals. */
static void
serve_verify(struct client *cl, struct out *o, const struct ctl_req *rq)
{
	struct verify_stats	vs;
	struct buf		b;
	struct json		j;

	if (verify_run(cl->ctl->st, rq->host[0] ? rq->host : NULL, out_line,
	    o, &vs) != 0) {
		reply_error(o, "verify failed: out of memory");
		return;
	}
	buf_init(&b, 0);
	json_init(&j, &b);
	json_obj_open(&j);
	json_key(&j, "_end");
	json_obj_open(&j);
	json_key_int(&j, "streams", (int64_t)vs.streams);
	json_key_int(&j, "blocks", (int64_t)vs.blocks);
	json_key_int(&j, "events", (int64_t)vs.events);
	json_key_int(&j, "problems", (int64_t)vs.problems);
	json_obj_close(&j);
	json_obj_close(&j);
	out_line(o, (const char *)b.d, b.len);
	buf_clear(&b);
}

static void
serve_vm(struct client *cl, struct out *o, const struct ctl_req *rq)
{
	char	err[512];
	int	r;

	err[0] = '\0';
	if (strcmp(rq->op, "vm_list") == 0)
		r = placement_vm_list(cl->ctl->st, out_line, o, err,
		    sizeof(err));
	else if (strcmp(rq->op, "vm_where") == 0) {
		if (rq->vm[0] == '\0') {
			reply_error(o, "vm_where needs \"vm\"");
			return;
		}
		r = placement_vm_where(cl->ctl->st, rq->vm,
		    rq->at_us == LLONG_MIN ? now_us() : rq->at_us, out_line,
		    o, err, sizeof(err));
	} else if (strcmp(rq->op, "vm_intervals") == 0)
		r = placement_vm_intervals(cl->ctl->st, rq->vm,
		    rq->host[0] ? rq->host : NULL, rq->since_us, rq->until_us,
		    out_line, o, err, sizeof(err));
	else {
		snprintf(err, sizeof(err), "unknown op '%s'", rq->op);
		r = ERR_NOTFOUND;
	}
	if (r != 0) {
		reply_error(o, err[0] ? err : "placement lookup failed");
		return;
	}
	out_line(o, "{\"_end\":{}}", 11);
}

static void
serve(struct client *cl, struct out *o)
{
	struct ctl_req		 rq;
	struct query		*q = NULL;
	struct search_req	 sr;
	struct search_stats	 ss;
	struct buf		 b;
	struct json		 j;
	char			 line[CTL_REQUEST_MAX + 2], err[512];
	size_t			 n = 0;
	ssize_t			 rd;
	uint64_t		 commit;
	int64_t			 t0;
	int			 r;
	struct timeval		 tv = { 10, 0 };

	buf_init(&b, 0);
	setsockopt(cl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (n < sizeof(line) - 1) {
		rd = recv(cl->fd, line + n, sizeof(line) - 1 - n, 0);
		if (rd < 0 && errno == EINTR)
			continue;
		if (rd <= 0)
			break;
		n += (size_t)rd;
		if (memchr(line, '\n', n) != NULL)
			break;
	}
	if (n == 0)
		goto out;
	if (memchr(line, '\n', n) == NULL && n >= sizeof(line) - 1) {
		reply_error(o, "request too long");
		goto out;
	}
	n = strcspn(line, "\n") < n ? strcspn(line, "\n") : n;
	if (ctl_req_parse(line, n, &rq, err, sizeof(err)) != 0) {
		reply_error(o, err);
		goto out;
	}
	if (strcmp(rq.op, "status") == 0) {
		if (stats_json(&b, now_us(), store_disk_bytes(cl->ctl->st),
		    store_stream_count(cl->ctl->st)) == 0)
			out_line(o, (const char *)b.d, b.len);
		goto out;
	}
	if (strcmp(rq.op, "top") == 0 || strcmp(rq.op, "count") == 0) {
		serve_agg(cl, o, &rq, line, n);
		goto out;
	}
	if (strcmp(rq.op, "compact") == 0) {
		/* the whole store: for benchmarks and after big deletes */
		t0 = now_us();
		store_compact(cl->ctl->st, NULL, 0, NULL, 0);
		json_init(&j, &b);
		json_obj_open(&j);
		json_key(&j, "_end");
		json_obj_open(&j);
		json_key_int(&j, "store_bytes",
		    (int64_t)store_disk_bytes(cl->ctl->st));
		json_key_int(&j, "took_us", now_us() - t0);
		json_obj_close(&j);
		json_obj_close(&j);
		out_line(o, (const char *)b.d, b.len);
		goto out;
	}
	if (strcmp(rq.op, "alerts") == 0 || strcmp(rq.op, "alert_show") == 0) {
		if (strcmp(rq.op, "alerts") == 0)
			r = ctl_alerts(cl->ctl->st, &rq, out_line, o, err,
			    sizeof(err));
		else if (rq.id < 0) {
			snprintf(err, sizeof(err), "alert_show needs \"id\"");
			r = ERR_FORMAT;
		} else
			r = ctl_alert_show(cl->ctl->st, (uint64_t)rq.id,
			    out_line, o, err, sizeof(err));
		if (r != 0)
			reply_error(o, err);
		goto out;
	}
	if (strncmp(rq.op, "vm_", 3) == 0) {
		serve_vm(cl, o, &rq);
		goto out;
	}
	if (strcmp(rq.op, "verify") == 0) {
		serve_verify(cl, o, &rq);
		goto out;
	}
	if (strcmp(rq.op, "search") != 0 && strcmp(rq.op, "tail") != 0) {
		snprintf(err, sizeof(err), "unknown op '%s'", rq.op);
		reply_error(o, err);
		goto out;
	}
	if (query_parse(rq.query, strlen(rq.query), &q, err,
	    sizeof(err)) != 0) {
		reply_error(o, err);
		goto out;
	}
	if (strcmp(rq.op, "tail") == 0) {
		commit = store_last_commit(cl->ctl->st);
		/* confirm the follow started, so the CLI can say so */
		out_line(o, "{\"_following\":true}", 19);
		if (out_flush(o) != 0)
			goto out;
		while (!cl->ctl->stop && !peer_gone(cl->fd)) {
			if (search_follow(cl->ctl->st, q, &commit, out_line,
			    o) != 0 || out_flush(o) != 0)
				break;
			usleep(200000);
		}
		goto out;
	}
	sr.q = q;
	sr.since_us = rq.since_us;
	sr.until_us = rq.until_us;
	sr.limit = (size_t)rq.limit;
	t0 = now_us();
	if (search_run(cl->ctl->st, &sr, out_line, o, &ss) != 0) {
		reply_error(o, "search failed (storage error)");
		goto out;
	}
	json_init(&j, &b);
	json_obj_open(&j);
	json_key(&j, "_end");
	json_obj_open(&j);
	json_key_int(&j, "matched", (int64_t)ss.matched);
	json_key_int(&j, "returned", (int64_t)(ss.matched < sr.limit ?
	    ss.matched : sr.limit));
	json_key_int(&j, "blocks", (int64_t)ss.candidates);
	json_key_int(&j, "decoded", (int64_t)ss.decoded);
	json_key_int(&j, "took_us", now_us() - t0);
	json_obj_close(&j);
	json_obj_close(&j);
	out_line(o, (const char *)b.d, b.len);
 out:
	out_flush(o);
	query_free(q);
	buf_clear(&b);
}

static void *
client_main(void *arg)
{
	struct client	*cl = arg;
	struct ctl	*ctl = cl->ctl;
	struct out	 o;

	pthread_setname_np(pthread_self(), "vigil-ctl");

	o.fd = cl->fd;
	buf_init(&o.b, 0);
	serve(cl, &o);
	buf_clear(&o.b);
	close(cl->fd);
	free(cl);
	pthread_mutex_lock(&ctl->mtx);
	ctl->nclients--;
	pthread_mutex_unlock(&ctl->mtx);
	return NULL;
}

static void
ctl_acceptcb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct ctl	*ctl = arg;
	struct client	*cl;
	pthread_t	 t;
	pthread_attr_t	 at;
	int		 full;

	(void)lev;
	(void)sa;
	(void)salen;
	pthread_mutex_lock(&ctl->mtx);
	full = ctl->nclients >= CTL_CLIENTS_MAX;
	if (!full)
		ctl->nclients++;
	pthread_mutex_unlock(&ctl->mtx);
	if (full || (cl = malloc(sizeof(*cl))) == NULL) {
		log_warnx("query socket: too many clients");
		write_all(fd, "{\"_error\":\"too many clients\"}\n", 30);
		close(fd);
		if (!full) {
			pthread_mutex_lock(&ctl->mtx);
			ctl->nclients--;
			pthread_mutex_unlock(&ctl->mtx);
		}
		return;
	}
	cl->ctl = ctl;
	cl->fd = fd;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, client_main, cl) != 0) {
		log_warn("query socket: thread");
		close(fd);
		free(cl);
		pthread_mutex_lock(&ctl->mtx);
		ctl->nclients--;
		pthread_mutex_unlock(&ctl->mtx);
	}
	pthread_attr_destroy(&at);
}

struct ctl *
ctl_new(struct event_base *base, struct store *st, const char *path,
    int mode, gid_t gid, char *err, size_t errlen)
{
	struct ctl		*ctl;
	struct sockaddr_un	 sun;
	struct stat		 sb;
	char			 dir[108], *slash;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (stat(dir, &sb) == -1 && mkdir(dir, 0755) == -1) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return NULL;
		}
	}
	/* a stale socket from a crash; refuse to remove anything else */
	if (lstat(path, &sb) == 0) {
		int	fd;

		if (!S_ISSOCK(sb.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket",
			    path);
			return NULL;
		}
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) != -1 &&
		    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			close(fd);
			snprintf(err, errlen, "%s: another collector is "
			    "serving this socket", path);
			return NULL;
		}
		if (fd != -1)
			close(fd);
		unlink(path);
	}
	if ((ctl = calloc(1, sizeof(*ctl))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ctl->st = st;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	pthread_mutex_init(&ctl->mtx, NULL);
	ctl->lev = evconnlistener_new_bind(base, ctl_acceptcb, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
	    LEV_OPT_LEAVE_SOCKETS_BLOCKING, 16, (struct sockaddr *)&sun,
	    sizeof(sun));
	if (ctl->lev == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(ctl);
		return NULL;
	}
	if (chmod(path, (mode_t)mode) == -1 ||
	    (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) == -1)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		evconnlistener_free(ctl->lev);
		free(ctl);
		return NULL;
	}
	return ctl;
}

void
ctl_free(struct ctl *ctl)
{
	int i, n;

	if (ctl == NULL)
		return;
	evconnlistener_free(ctl->lev);
	ctl->stop = 1;
	for (i = 0; i < 300; i++) {
		pthread_mutex_lock(&ctl->mtx);
		n = ctl->nclients;
		pthread_mutex_unlock(&ctl->mtx);
		if (n == 0)
			break;
		usleep(10000);
	}
	unlink(ctl->path);
	if (n == 0) {
		pthread_mutex_destroy(&ctl->mtx);
		free(ctl);
	}
	/* else: a thread is still in a long search; the process exits */
}
