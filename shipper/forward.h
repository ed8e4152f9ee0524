/*
 * forward.h -- the shipper's TLS session with the collector: connect,
 * HELLO/WELCOME, BATCH frames out of the window, ACKs back into it,
 * heartbeats, and reconnecting with capped, jittered exponential backoff.
 *
 * forward_backoff, forward_jitter and forward_parse_addr are pure.
 */
#ifndef VIGIL_FORWARD_H
#define VIGIL_FORWARD_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#define FORWARD_BACKOFF_MIN_MS	500
#define FORWARD_HANDSHAKE_SEC	30	/* connect + TLS + WELCOME */
#define FORWARD_HEARTBEAT_SEC	30	/* when WELCOME says 0 */
#define FORWARD_OUT_MAX		(128u * 1024)	/* queued for the socket */
#define FORWARD_BATCH_BYTES	(1024u * 1024)
/*
 * sent lines waiting for their ACK (64 batches of the default size): more
 * than the collector commits in three rounds (16,384 lines each), so that
 * while one round commits and the next is prepared, the third is already
 * on its way and being decoded
 */
#define FORWARD_INFLIGHT_MAX	65536

struct event_base;
struct evdns_base;
struct ident;
struct state;

struct forward_conf {
	const char	*host;		/* name or literal address */
	const char	*port;
	SSL_CTX		*ctx;		/* tlsctx_client; caller frees */
	uint32_t	 reconnect_max_ms;
	size_t		 batch_lines;
};

/*
 * Next backoff delay before jitter: FORWARD_BACKOFF_MIN_MS after 0 (a
 * reset), else double, capped at max_ms (and never below the minimum).
 */
uint32_t	forward_backoff(uint32_t prev_ms, uint32_t max_ms);
/* ms scaled by a factor in [0.8, 1.2) chosen by rnd (uniform 32 bits). */
uint32_t	forward_jitter(uint32_t ms, uint32_t rnd);
/*
 * Split "host:port" or "[v6addr]:port" into host and port.  Returns 0,
 * or ERR_FORMAT (no port, empty host, bad port) / ERR_TOOBIG.
 */
int	forward_parse_addr(const char *s, char *host, size_t hostlen,
	    char *port, size_t portlen);

struct forward;

/*
 * A session that will feed from st; strings in conf and id must outlive
 * it.  ackcb(arg) runs after acknowledgements released window space.
 * Does not connect yet.  Caller frees.
 */
struct forward	*forward_new(struct event_base *, struct evdns_base *,
		    const struct forward_conf *, const struct ident *,
		    struct state *, void (*ackcb)(void *), void *arg);
void		 forward_free(struct forward *);	/* accepts NULL */
/* Connect now (at start-up). */
void		 forward_start(struct forward *);
/* New lines are in the window: send them if connected. */
void		 forward_kick(struct forward *);

#endif
