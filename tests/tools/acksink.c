/*
 * acksink.c -- the shipper benchmark's other end when the shipper alone
 * is measured.  A mutual-TLS server on 127.0.0.1 that speaks the vigil
 * protocol (docs/protocol.md) the way the collector does on the wire --
 * WELCOME with next sequence 1 per stream, an ACK for every BATCH, PONG
 * for PING -- and validates every frame and every sequence, but stores
 * nothing: the rate it sees is what the shipper can tail and send, not
 * what a collector can store (that rate is benchmarked separately, end to
 * end).  It accepts one connection and exits 0 once it has acknowledged
 * LINES lines, printing "lines N bytes B seconds S" (S: from the first
 * BATCH to the last ACK); 1 on any protocol or TLS error, or after 120 s
 * without a frame.  After each ACK it prints "acked N" (lines so far).
 *
 *   acksink -p PORT -c CERT -k KEY -a CA -m LINES
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "proto.h"
#include "sslio.h"
#include "tlsctx.h"

/* One frame into *in (grown up to PROTO_FRAME_MAX); 0, or -1 at EOF/error. */
static int
read_frame(SSL *s, struct buf *in, uint8_t *type, size_t *plen)
{
	size_t	 got = 0, r, need = PROTO_FRAME_HDR;
	uint32_t n;

	buf_reset(in);
	if (buf_reserve(in, PROTO_FRAME_HDR) != 0)
		return -1;
	while (got < need) {
		if (SSL_read_ex(s, in->d + got, need - got, &r) != 1)
			return -1;
		got += r;
		if (got == PROTO_FRAME_HDR && need == PROTO_FRAME_HDR) {
			n = be32_get(in->d);
			if (n == 0 || n > PROTO_FRAME_MAX) {
				fprintf(stderr, "acksink: frame length %u\n",
				    n);
				return -1;
			}
			need = 4 + (size_t)n;
			if (buf_reserve(in, need) != 0)
				return -1;
		}
	}
	*type = in->d[4];
	*plen = need - PROTO_FRAME_HDR;
	return 0;
}

static int
send_frame(SSL *s, struct buf *out)
{
	int	r = ssl_write_all(s, out->d, out->len);

	buf_reset(out);
	return r;
}

static void
usage(void)
{
	fprintf(stderr, "usage: acksink -p PORT -c CERT -k KEY -a CA "
	    "-m LINES\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct proto_hello	*h;
	struct proto_welcome	*w;
	struct proto_batch	 b;
	struct proto_ack	 a;
	struct proto_event	 ev;
	struct bufr		 r;
	struct sockaddr_in	 sin;
	struct timeval		 tv = { 120, 0 };
	struct buf		 in, out;
	const char		*cert = NULL, *key = NULL, *ca = NULL;
	char			 err[256];
	uint64_t		 next[PROTO_STREAMS_MAX], nonce;
	long long		 want = 0, lines = 0, bytes = 0;
	double			 t0 = 0;
	size_t			 plen, i, si;
	uint8_t			 type;
	SSL_CTX			*ctx;
	SSL			*s = NULL;
	int			 c, port = 0, lfd, fd = -1, one = 1;
	int			 welcomed = 0, rc = 1;

	while ((c = getopt(argc, argv, "a:c:k:m:p:")) != -1) {
		switch (c) {
		case 'a': ca = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'm': want = atoll(optarg); break;
		case 'p': port = atoi(optarg); break;
		default: usage();
		}
	}
	if (port <= 0 || port > 65535 || cert == NULL || key == NULL ||
	    ca == NULL || want <= 0)
		usage();
	if ((ctx = tlsctx_server(cert, key, ca, NULL, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "acksink: %s\n", err);
		return 1;
	}
	h = calloc(1, sizeof(*h));
	w = calloc(1, sizeof(*w));
	buf_init(&in, 0);
	buf_init(&out, 0);
	if (h == NULL || w == NULL)
		goto out;
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		perror("acksink: socket");
		goto out;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 1) == -1) {
		perror("acksink: bind");
		close(lfd);
		goto out;
	}
	printf("listening\n");
	fflush(stdout);
	fd = accept(lfd, NULL, NULL);
	close(lfd);
	if (fd == -1) {
		perror("acksink: accept");
		goto out;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((s = SSL_new(ctx)) == NULL || SSL_set_fd(s, fd) != 1 ||
	    SSL_accept(s) != 1) {
		ERR_print_errors_fp(stderr);
		goto out;
	}
	while (lines < want) {
		if (read_frame(s, &in, &type, &plen) != 0) {
			fprintf(stderr, "acksink: connection lost after %lld "
			    "lines\n", lines);
			goto out;
		}
		const uint8_t *p = in.d + PROTO_FRAME_HDR;
		switch (type) {
		case PROTO_HELLO:
			if (welcomed || proto_hello_decode(p, plen, h) != 0)
				goto bad;
			w->version = PROTO_VERSION;
			w->heartbeat = 15;
			w->nstreams = h->nstreams;
			for (i = 0; i < h->nstreams; i++) {
				w->streams[i] = h->streams[i];
				w->streams[i].next_seq = next[i] = 1;
			}
			if (proto_welcome_encode(&out, w) != 0 ||
			    send_frame(s, &out) != 0)
				goto bad;
			welcomed = 1;
			break;
		case PROTO_BATCH:
			if (!welcomed || proto_batch_decode(p, plen, &b) != 0)
				goto bad;
			for (si = 0; si < h->nstreams; si++)
				if (h->streams[si].id == b.stream)
					break;
			if (si == h->nstreams || b.first_seq != next[si]) {
				fprintf(stderr, "acksink: stream %u: batch at "
				    "%llu, expected %llu\n", b.stream,
				    (unsigned long long)b.first_seq,
				    si == h->nstreams ? 0ULL :
				    (unsigned long long)next[si]);
				goto out;
			}
			if (lines == 0)
				t0 = now();
			bufr_init(&r, b.events, b.eventslen);
			for (i = 0; i < b.count; i++) {
				if (proto_batch_iter(&r, &ev) != 0)
					goto bad;
				bytes += (long long)ev.linelen;
			}
			next[si] += b.count;
			lines += b.count;
			a.stream = b.stream;
			a.through = next[si] - 1;
			if (proto_ack_encode(&out, &a) != 0 ||
			    send_frame(s, &out) != 0)
				goto bad;
			printf("acked %lld\n", lines);	/* progress */
			fflush(stdout);
			break;
		case PROTO_PING:
			if (proto_ping_decode(p, plen, &nonce) != 0 ||
			    proto_ping_encode(&out, PROTO_PONG, nonce) != 0 ||
			    send_frame(s, &out) != 0)
				goto bad;
			break;
		case PROTO_GAP:
			fprintf(stderr, "acksink: the shipper reported a "
			    "gap\n");
			goto out;
		default:
			goto bad;
		}
	}
	printf("lines %lld bytes %lld seconds %.3f\n", lines, bytes,
	    now() - t0);
	fflush(stdout);
	SSL_shutdown(s);
	rc = 0;
	goto out;
 bad:
	fprintf(stderr, "acksink: bad or unexpected %s frame (%zu bytes)\n",
	    proto_type_name(type), plen);
 out:
	SSL_free(s);
	SSL_CTX_free(ctx);
	if (fd != -1)
		close(fd);
	buf_clear(&in);
	buf_clear(&out);
	free(h);
	free(w);
	return rc;
}
