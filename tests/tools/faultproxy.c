/*
 * faultproxy.c -- a TCP proxy for the fault tests (tests/integration/
 * t0820-fault-proxy.sh).  Listens on 127.0.0.1:LPORT and relays every
 * connection to 127.0.0.1:TPORT, byte for byte (it does not look inside
 * TLS), with two faults driven by a seeded random generator:
 *
 *   - cuts: connection k is closed, both sides at once, after a random
 *     number of bytes in [MIN, MAX] went from the client to the server
 *     (mid-frame and mid TLS record, almost always), as long as fewer
 *     than -n cuts were made; later connections are relayed whole;
 *   - delay: every byte from the server to the client (WELCOME, ACKs) is
 *     held for -d milliseconds, in order.
 *
 * At a cut the client side is closed at once; the server side gets the
 * bytes up to the cut and is closed -w milliseconds later (default 100),
 * as a peer that vanished would be noticed some time after its last
 * bytes: the server handles the complete frames it got (and stores
 * batches it cannot acknowledge any more) before it sees the end.
 *
 *   faultproxy -l LPORT -t TPORT [-s SEED] [-c MIN:MAX] [-n CUTS] [-d MS]
 *              [-w MS]
 *
 * Prints one line per event on stdout ("listening on", "conn N: open",
 * "conn N: cut after B bytes up, D down", "conn N: closed by client|server
 * after ...", "cuts done"), so a test can check what happened.  Runs until
 * SIGTERM or SIGINT.  Loopback only; nothing here is for production.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#define HELD_MAX	(64u << 20)	/* bytes held back per connection */

/* server -> client bytes waiting for their release time */
struct held {
	TAILQ_ENTRY(held)	 entry;
	struct timeval		 due;
	struct evbuffer		*data;
};
TAILQ_HEAD(heldq, held);

struct conn {
	unsigned long		 id;
	struct bufferevent	*cli, *srv;
	uint64_t		 up, down;	/* bytes relayed */
	uint64_t		 cut;		/* 0: never */
	struct heldq		 held;
	size_t			 nheld;
	struct event		*release;
	struct event		*linger;	/* after a cut */
	int			 closing;	/* flush cli, then free */
	int			 cutting;	/* flush srv, then free */
};

static struct event_base	*base;
static struct sockaddr_in	 target;
static uint64_t			 rng;
static uint64_t			 cutmin = 1000, cutmax = 100000;
static long			 cutsleft;
static struct timeval		 delay;
static struct timeval		 linger = { 0, 100000 };
static unsigned long		 nconns;

/* splitmix64: small, seeded, the same sequence on every machine */
static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
conn_free(struct conn *c)
{
	struct held *h;

	while ((h = TAILQ_FIRST(&c->held)) != NULL) {
		TAILQ_REMOVE(&c->held, h, entry);
		evbuffer_free(h->data);
		free(h);
	}
	if (c->release != NULL)
		event_free(c->release);
	if (c->linger != NULL)
		event_free(c->linger);
	if (c->cli != NULL)
		bufferevent_free(c->cli);
	if (c->srv != NULL)
		bufferevent_free(c->srv);
	free(c);
}

static void
conn_say(struct conn *c, const char *what)
{
	printf("conn %lu: %s after %llu bytes up, %llu down\n", c->id, what,
	    (unsigned long long)c->up, (unsigned long long)c->down);
}

static void
linger_timercb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	conn_free(arg);
}

/* the server side has its bytes up to the cut: close it after -w ms */
static void
conn_linger(struct conn *c)
{
	if (c->linger != NULL)
		return;
	if ((c->linger = evtimer_new(base, linger_timercb, c)) == NULL ||
	    event_add(c->linger, &linger) != 0)
		conn_free(c);
}

/*
 * Connection states: relaying -> (cut: the client side is closed at once,
 * the server side -w ms after its first c->cut bytes are sent) | (server
 * closed: the client side once what is held is sent) | (client closed:
 * all freed).
 */
static void
conn_cut(struct conn *c, struct evbuffer *in, size_t n)
{
	conn_say(c, "cut");
	bufferevent_free(c->cli);
	c->cli = NULL;
	c->cutting = 1;
	evbuffer_remove_buffer(in, bufferevent_get_output(c->srv), n);
	evbuffer_drain(in, evbuffer_get_length(in));
	if (evbuffer_get_length(bufferevent_get_output(c->srv)) == 0)
		conn_linger(c);
}

static void
release_timercb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;
	struct held	*h;
	struct timeval	 now, left;

	(void)fd;
	(void)ev;
	if (c->cli == NULL)
		return;
	event_base_gettimeofday_cached(base, &now);
	while ((h = TAILQ_FIRST(&c->held)) != NULL) {
		if (timercmp(&h->due, &now, >)) {
			timersub(&h->due, &now, &left);
			event_add(c->release, &left);
			return;
		}
		TAILQ_REMOVE(&c->held, h, entry);
		c->nheld -= evbuffer_get_length(h->data);
		c->down += evbuffer_get_length(h->data);
		bufferevent_write_buffer(c->cli, h->data);
		evbuffer_free(h->data);
		free(h);
	}
	if (c->srv != NULL && c->nheld < HELD_MAX)
		bufferevent_enable(c->srv, EV_READ);
}

/* client -> server, cut at c->cut bytes */
static void
cli_readcb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	size_t		 n = evbuffer_get_length(in);

	if (c->cut != 0 && c->up + n >= c->cut) {
		/* the server gets the bytes up to the cut and no more */
		n = (size_t)(c->cut - c->up);
		c->up += n;
		conn_cut(c, in, n);
		return;
	}
	c->up += n;
	bufferevent_write_buffer(c->srv, in);
}

/* server -> client, held for the delay */
static void
srv_readcb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct held	*h;
	struct timeval	 now;

	if (c->cli == NULL) {
		/* cut: what the server says now reaches nobody */
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	if (!timerisset(&delay)) {
		c->down += evbuffer_get_length(in);
		bufferevent_write_buffer(c->cli, in);
		return;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->data = evbuffer_new()) == NULL) {
		free(h);
		conn_say(c, "out of memory, closed");
		conn_free(c);
		return;
	}
	event_base_gettimeofday_cached(base, &now);
	timeradd(&now, &delay, &h->due);
	c->nheld += evbuffer_get_length(in);
	evbuffer_add_buffer(h->data, in);
	TAILQ_INSERT_TAIL(&c->held, h, entry);
	if (!evtimer_pending(c->release, NULL))
		event_add(c->release, &delay);
	if (c->nheld >= HELD_MAX)
		bufferevent_disable(bev, EV_READ);
}

static void
srv_writecb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (c->cutting)
		conn_linger(c);
}

static void
cli_writecb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (c->closing && TAILQ_EMPTY(&c->held))
		conn_free(c);
}

static void
cli_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (c->closing) {
			conn_free(c);
			return;
		}
		/* the client is gone: nothing more can reach it */
		conn_say(c, "closed by client");
		conn_free(c);
	}
}

static void
srv_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (c->cutting) {
			conn_free(c);
			return;
		}
		if (what & BEV_EVENT_ERROR)
			printf("conn %lu: server side: %s\n", c->id,
			    strerror(EVUTIL_SOCKET_ERROR()));
		/* deliver what is held, then close the client */
		bufferevent_free(c->srv);
		c->srv = NULL;
		conn_say(c, "closed by server");
		c->closing = 1;
		bufferevent_disable(c->cli, EV_READ);
		if (TAILQ_EMPTY(&c->held) && evbuffer_get_length(
		    bufferevent_get_output(c->cli)) == 0)
			conn_free(c);
	}
}

static void
listener_acceptcb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct conn *c;

	(void)l;
	(void)sa;
	(void)salen;
	(void)arg;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	c->id = ++nconns;
	TAILQ_INIT(&c->held);
	c->cli = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->srv = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	c->release = evtimer_new(base, release_timercb, c);
	if (c->cli == NULL || c->srv == NULL || c->release == NULL) {
		if (c->cli == NULL)
			evutil_closesocket(fd);
		conn_free(c);
		return;
	}
	if (cutsleft > 0) {
		cutsleft--;
		c->cut = cutmin + rnd() % (cutmax - cutmin + 1);
	}
	bufferevent_setcb(c->cli, cli_readcb, cli_writecb, cli_eventcb, c);
	bufferevent_setcb(c->srv, srv_readcb, srv_writecb, srv_eventcb, c);
	if (bufferevent_socket_connect(c->srv, (struct sockaddr *)&target,
	    sizeof(target)) != 0) {
		printf("conn %lu: connect failed\n", c->id);
		conn_free(c);
		return;
	}
	bufferevent_enable(c->cli, EV_READ);
	bufferevent_enable(c->srv, EV_READ);
	if (c->cut != 0)
		printf("conn %lu: open, cut at %llu bytes up\n", c->id,
		    (unsigned long long)c->cut);
	else
		printf("conn %lu: open, no cut\n", c->id);
	if (cutsleft == 0 && c->cut != 0)
		printf("cuts done\n");
}

static void
stop_signalcb(evutil_socket_t sig, short ev, void *arg)
{
	(void)sig;
	(void)ev;
	(void)arg;
	event_base_loopexit(base, NULL);
}

static void
usage(void)
{
	fprintf(stderr, "usage: faultproxy -l LPORT -t TPORT [-s SEED] "
	    "[-c MIN:MAX] [-n CUTS] [-d MS] [-w MS]\n");
	exit(2);
}

static int
parse_port(const char *s)
{
	char	*end;
	long	 v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > 65535)
		usage();
	return (int)v;
}

int
main(int argc, char **argv)
{
	struct evconnlistener	*lev;
	struct event		*sigterm, *sigint;
	struct sockaddr_in	 sin;
	unsigned long long	 lo, hi;
	long			 ms = 0, wms;
	int			 ch, lport = 0, tport = 0;

	rng = (uint64_t)time(NULL);
	while ((ch = getopt(argc, argv, "c:d:l:n:s:t:w:")) != -1) {
		switch (ch) {
		case 'c':
			if (sscanf(optarg, "%llu:%llu", &lo, &hi) != 2 ||
			    lo == 0 || hi < lo)
				usage();
			cutmin = lo;
			cutmax = hi;
			break;
		case 'd':
			ms = strtol(optarg, NULL, 10);
			if (ms < 0 || ms > 600000)
				usage();
			break;
		case 'l':
			lport = parse_port(optarg);
			break;
		case 'n':
			cutsleft = strtol(optarg, NULL, 10);
			if (cutsleft < 0)
				usage();
			break;
		case 's':
			rng = strtoull(optarg, NULL, 10);
			break;
		case 't':
			tport = parse_port(optarg);
			break;
		case 'w':
			wms = strtol(optarg, NULL, 10);
			if (wms < 0 || wms > 60000)
				usage();
			linger.tv_sec = wms / 1000;
			linger.tv_usec = (wms % 1000) * 1000;
			break;
		default:
			usage();
		}
	}
	if (lport == 0 || tport == 0 || optind != argc)
		usage();
	delay.tv_sec = ms / 1000;
	delay.tv_usec = (ms % 1000) * 1000;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);

	memset(&target, 0, sizeof(target));
	target.sin_family = AF_INET;
	target.sin_port = htons(tport);
	target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(lport);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	if ((base = event_base_new()) == NULL) {
		fprintf(stderr, "faultproxy: event_base_new failed\n");
		return 1;
	}
	lev = evconnlistener_new_bind(base, listener_acceptcb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 64,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (lev == NULL) {
		fprintf(stderr, "faultproxy: listen on 127.0.0.1:%d: %s\n",
		    lport, strerror(errno));
		return 1;
	}
	sigterm = evsignal_new(base, SIGTERM, stop_signalcb, NULL);
	sigint = evsignal_new(base, SIGINT, stop_signalcb, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	printf("listening on 127.0.0.1:%d -> 127.0.0.1:%d, seed %llu, "
	    "%ld cuts in [%llu, %llu] bytes, delay %ld ms\n", lport, tport,
	    (unsigned long long)rng, cutsleft, (unsigned long long)cutmin,
	    (unsigned long long)cutmax, ms);
	event_base_dispatch(base);
	printf("stopped after %lu connections\n", nconns);
	evconnlistener_free(lev);
	event_free(sigterm);
	event_free(sigint);
	event_base_free(base);
	return 0;
}
