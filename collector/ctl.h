/*
 * ctl.h -- the local query socket (docs/protocol.md, "Query socket").
 * The CLI connects to a unix socket, sends one JSON request line and reads
 * JSON lines back.  Each client is served by its own thread (LevelDB
 * allows concurrent readers), so a long query never stalls ingest.
 */
#ifndef VIGIL_CTL_H
#define VIGIL_CTL_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct store;
struct ctl;

#define CTL_CLIENTS_MAX		32
#define CTL_REQUEST_MAX		8192

/* Create the socket at path with mode and group (gid -1: unchanged). */
struct ctl *ctl_new(struct event_base *, struct store *, const char *path,
	    int mode, gid_t gid, char *err, size_t errlen);
/* Stop accepting, ask client threads to finish, wait up to 3 s, unlink. */
void	ctl_free(struct ctl *);

/*
 * Parse one request line: the pure part, fuzzed.  Fills op ("search",
 * "tail", "status", "top", "count", "compact", "alerts", "alert_show",
 * "vm_*"), query text, since/until (INT64_MIN/INT64_MAX when absent),
 * limit, and the alert members: severity (a valid name or ""), rule, id
 * (-1 when absent).  Returns 0 or ERR_FORMAT with err set.
 */
struct ctl_req {
	char		op[16];
	char		query[4097];
	long long	since_us, until_us;
	long long	limit;
	char		vm[256];	/* vm_where, vm_intervals */
	char		host[256];	/* vm_intervals */
	long long	at_us;		/* vm_where; default now */
	char		severity[16];	/* alerts: minimum */
	char		rule[128];	/* alerts */
	long long	id;		/* alert_show */
};
int	ctl_req_parse(const char *line, size_t len, struct ctl_req *,
	    char *err, size_t errlen);

/* One reply line (no newline); non-zero stops. */
typedef int (*ctl_emitfn)(void *arg, const char *json, size_t len);

/*
 * The "alerts" op: the alerts matching rq (since, until, severity, rule)
 * newest id first, at most rq->limit, one stored JSON object per line,
 * then {"_end":{"matched":N,"scanned":N,"damaged":N,"took_us":N}}.
 * Returns 0, or ERR_* with err set (nothing sent then).
 */
int	ctl_alerts(struct store *, const struct ctl_req *, ctl_emitfn,
	    void *arg, char *err, size_t errlen);
/*
 * The "alert_show" op: {"alert":OBJECT}, then {"event":EVENT} for each
 * reference that is stored (the event as search renders it) or
 * {"missing":{"stream":N,"seq":N}}, then {"_end":{"events":N,
 * "missing":N}}.  ERR_NOTFOUND with err "no alert N" for an unknown id.
 */
int	ctl_alert_show(struct store *, uint64_t id, ctl_emitfn, void *arg,
	    char *err, size_t errlen);

#endif
