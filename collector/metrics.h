/*
 * metrics.h -- Prometheus text exposition (format 0.0.4) of the collector's
 * counters, served over HTTP (GET /metrics) by libevent's evhttp on the
 * metrics-listen address.  metrics_render() is pure: it formats a snapshot
 * and knows nothing about sockets.
 */
#ifndef VIGIL_METRICS_H
#define VIGIL_METRICS_H

#include <stdint.h>

#include "buf.h"
#include "stats.h"

struct event_base;
struct metrics;
struct store;

/* Everything one scrape shows. */
struct metrics_snap {
	struct stats_totals	 tot;
	const struct sender_stat *senders;
	int			 nsenders;
	uint64_t		 store_bytes;
	uint32_t		 streams;
};

/*
 * Serve GET /metrics on listen: "host:port", "[v6]:port", or a bare port
 * meaning 127.0.0.1:port.  Returns NULL with err set when the address is
 * bad or cannot be bound.
 */
struct metrics	*metrics_new(struct event_base *, const char *listen,
		    struct store *, char *err, size_t errlen);
void		 metrics_free(struct metrics *);
/* Append the exposition text of snap to out; 0, or an err.h code. */
int		 metrics_render(struct buf *out, const struct metrics_snap *);
/* Append s as a label value: \ " and newline escaped. */
int		 metrics_label(struct buf *out, const char *s);

#endif
