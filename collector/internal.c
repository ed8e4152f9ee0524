/*
 * internal.c -- the collector's own events (see internal.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "internal.h"
#include "query.h"

static pthread_once_t	host_once = PTHREAD_ONCE_INIT;
static char		host[256];

static void
host_init(void)
{
	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		snprintf(host, sizeof(host), "collector");
	host[sizeof(host) - 1] = '\0';
}

int
internal_stream(struct store *st, uint32_t *id)
{
	uint64_t next;

	pthread_once(&host_once, host_init);
	return store_stream_lookup(st, host, "internal", "vigil-collector",
	    "vigil", "collector", "", id, &next);
}

int
internal_batch(struct buf *b, int64_t now_us, const char *msg,
    struct proto_batch *out)
{
	char	ts[40], line[2048];
	size_t	mark;
	int	r, n;

	pthread_once(&host_once, host_init);
	time_format(now_us, ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "%s %s vigil-collector: %s", ts,
	    host, msg);
	if (n < 0 || (size_t)n >= sizeof(line))
		return ERR_TOOBIG;
	buf_reset(b);
	if ((r = proto_batch_begin(b, 0, 0, &mark)) != 0 ||
	    (r = proto_batch_add(b, mark, now_us, line, (size_t)n)) != 0 ||
	    (r = proto_batch_end(b, mark)) != 0)
		return r;
	return proto_batch_decode(b->d + mark + PROTO_FRAME_HDR,
	    b->len - mark - PROTO_FRAME_HDR, out);
}
