/*
 * loadgen.c -- load generator for the collector (benchmarks and soak
 * tests).  Opens N mutual-TLS connections as N shippers, each sending M
 * realistic ~250-byte lines (sshd, sudo, netfilter, audit; the mix is
 * documented in docs/performance.md) in batches, with up to W batches in
 * flight, and reports events/s until the last ACK (so durably stored) and
 * the ACK latency percentiles.  Loopback only.
 *
 *   loadgen -p PORT -c CERT -k KEY -a CA [-n CONNS] [-m EVENTS] [-b BATCH]
 *           [-w WINDOW] [-s STREAM]
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "proto.h"

static int		 port, nconn = 1, window = 8;
static long		 nevents = 100000, batchsz = 1024;
static const char	*cert, *key, *ca, *streamname = "/var/log/bench.log";
static SSL_CTX		*ctx;

struct worker {
	int		 id;
	pthread_t	 t;
	double		*lat;	/* ms per batch */
	long		 nlat;
	int		 ok;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
mkline(char *out, size_t n, long i, int w)
{
	static const char *ips[] = { "203.0.113.7", "198.51.100.23",
	    "192.0.2.44", "203.0.113.91", "198.51.100.150" };
	const char *ip = ips[i % 5];

	switch (i % 4) {
	case 0:
		snprintf(out, n, "Mar 14 09:14:%02ld hv%d sshd[%ld]: Failed "
		    "password for invalid user admin%ld from %s port %ld ssh2",
		    i % 60, w, 20000 + i % 9000, i % 97, ip, 30000 + i % 30000);
		break;
	case 1:
		snprintf(out, n, "Mar 14 09:14:%02ld hv%d sudo:   deploy : "
		    "TTY=pts/%ld ; PWD=/home/deploy ; USER=root ; "
		    "COMMAND=/usr/bin/systemctl restart nginx.service #%ld",
		    i % 60, w, i % 8, i);
		break;
	case 2:
		snprintf(out, n, "Mar 14 09:14:%02ld hv%d kernel: [%5ld.%06ld]"
		    " [HOST-IN-DROP] IN=virbr0 OUT= PHYSIN=vnet%ld MAC=52:54:00"
		    ":12:34:56:52:54:00:ab:cd:ef:08:00 SRC=%s DST=10.0.0.5 LEN=60"
		    " TOS=0x00 PREC=0x00 TTL=64 ID=%ld DF PROTO=TCP SPT=%ld "
		    "DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ", i % 60, w,
		    4772 + i, i % 1000000, i % 4, ip, i % 65536,
		    30000 + i % 30000);
		break;
	default:
		snprintf(out, n, "type=VIRT_CONTROL msg=audit(1710407643.%03ld:"
		    "%ld): pid=1187 uid=0 auid=4294967295 ses=4294967295 "
		    "subj=libvirtd msg='virt=kvm op=start reason=booted "
		    "vm=\"guest%ld\" uuid=4b1c1d2e-0000-4000-8000-%012ld "
		    "vm-pid=%ld exe=\"/usr/sbin/libvirtd\" hostname=? addr=? "
		    "terminal=? res=success'", i % 1000, i, i % 50, i % 50,
		    3000 + i % 1000);
	}
}

static int
ssl_write_all(SSL *s, const void *p, size_t n)
{
	size_t	w;

	while (n > 0) {
		if (SSL_write_ex(s, p, n, &w) != 1)
			return -1;
		p = (const char *)p + w;
		n -= w;
	}
	return 0;
}

static int
read_frame(SSL *s, uint8_t *buf, size_t cap, uint8_t *type, size_t *plen)
{
	size_t	got = 0, r, need = 5;
	uint32_t n;

	while (got < need) {
		if (SSL_read_ex(s, buf + got, need - got, &r) != 1)
			return -1;
		got += r;
		if (got == 5 && need == 5) {
			n = be32_get(buf);
			if (n + 4 > cap)
				return -1;
			need = 4 + n;
		}
	}
	*type = buf[4];
	*plen = need - 5;
	return 0;
}

static void *
work(void *arg)
{
	struct worker		*w = arg;
	struct sockaddr_in	 sin;
	struct proto_hello	*h;
	struct buf		 out;
	SSL			*s = NULL;
	char			 line[512], host[32], inst[40];
	uint8_t			 in[4096], type;
	size_t			 plen, mark;
	double			*sent;
	long			 i, nb = (nevents + batchsz - 1) / batchsz;
	long			 b = 0, acked = 0;
	int			 fd, one = 1;
	struct proto_ack	 a;

	sent = calloc(nb, sizeof(*sent));
	w->lat = calloc(nb, sizeof(double));
	h = calloc(1, sizeof(*h));
	buf_init(&out, 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("connect");
		return NULL;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s = SSL_new(ctx);
	SSL_set_fd(s, fd);
	if (SSL_connect(s) != 1) {
		ERR_print_errors_fp(stderr);
		return NULL;
	}
	snprintf(host, sizeof(host), "loadgen%d", w->id);
	snprintf(inst, sizeof(inst), "loadgen-%d-%ld", w->id,
	    (long)time(NULL));
	h->version = PROTO_VERSION;
	h->hostname = host; h->hostnamelen = strlen(host);
	h->role = "host"; h->rolelen = 4;
	h->machine_id = ""; h->boot_id = ""; h->vm_uuid = "";
	h->instance = inst; h->instancelen = strlen(inst);
	h->nstreams = 1;
	h->streams[0].id = 1;
	h->streams[0].name = streamname;
	h->streams[0].namelen = strlen(streamname);
	h->streams[0].type = "auth";
	h->streams[0].typelen = 4;
	proto_hello_encode(&out, h);
	if (ssl_write_all(s, out.d, out.len) != 0 ||
	    read_frame(s, in, sizeof(in), &type, &plen) != 0 ||
	    type != PROTO_WELCOME) {
		fprintf(stderr, "loadgen: no WELCOME\n");
		return NULL;
	}
	while (acked < nb) {
		while (b < nb && b - acked < window) {
			buf_reset(&out);
			proto_batch_begin(&out, 1, 1 + b * batchsz, &mark);
			for (i = b * batchsz; i < (b + 1) * batchsz &&
			    i < nevents; i++) {
				mkline(line, sizeof(line), i, w->id);
				proto_batch_add(&out, mark, 0, line,
				    strlen(line));
			}
			proto_batch_end(&out, mark);
			sent[b] = now();
			if (ssl_write_all(s, out.d, out.len) != 0)
				return NULL;
			b++;
		}
		if (read_frame(s, in, sizeof(in), &type, &plen) != 0)
			return NULL;
		if (type != PROTO_ACK || proto_ack_decode(in + 5, plen, &a))
			continue;
		while (acked < nb && (uint64_t)((acked + 1) * batchsz <
		    nevents ? (acked + 1) * batchsz : nevents) <= a.through) {
			w->lat[w->nlat++] = (now() - sent[acked]) * 1000;
			acked++;
		}
	}
	w->ok = 1;
	SSL_shutdown(s);
	SSL_free(s);
	close(fd);
	buf_clear(&out);
	free(sent);
	free(h);
	return NULL;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	struct worker	*w;
	double		 t0, t1, *all;
	long		 n = 0, i;
	int		 ch, k, ok = 1;

	while ((ch = getopt(argc, argv, "p:c:k:a:n:m:b:w:s:")) != -1) {
		switch (ch) {
		case 'p': port = atoi(optarg); break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'a': ca = optarg; break;
		case 'n': nconn = atoi(optarg); break;
		case 'm': nevents = atol(optarg); break;
		case 'b': batchsz = atol(optarg); break;
		case 'w': window = atoi(optarg); break;
		case 's': streamname = optarg; break;
		default:
			fprintf(stderr, "usage: loadgen -p port -c cert -k key "
			    "-a ca [-n conns] [-m events] [-b batch] "
			    "[-w window]\n");
			return 2;
		}
	}
	if (!port || !cert || !key || !ca || nconn < 1 || batchsz < 1 ||
	    batchsz > PROTO_BATCH_MAX || nevents < 1 || window < 1)
		return 2;
	ctx = SSL_CTX_new(TLS_client_method());
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	w = calloc(nconn, sizeof(*w));
	t0 = now();
	for (k = 0; k < nconn; k++) {
		w[k].id = k + 1;
		pthread_create(&w[k].t, NULL, work, &w[k]);
	}
	for (k = 0; k < nconn; k++)
		pthread_join(w[k].t, NULL);
	t1 = now();
	for (k = 0; k < nconn; k++) {
		ok &= w[k].ok;
		n += w[k].nlat;
	}
	all = calloc(n ? n : 1, sizeof(double));
	for (n = 0, k = 0; k < nconn; k++)
		for (i = 0; i < w[k].nlat; i++)
			all[n++] = w[k].lat[i];
	qsort(all, n, sizeof(double), dcmp);
	printf("events %ld conns %d seconds %.3f events_per_s %.0f "
	    "ack_p50_ms %.2f ack_p99_ms %.2f %s\n", nevents * nconn, nconn,
	    t1 - t0, nevents * nconn / (t1 - t0), n ? all[n / 2] : 0,
	    n ? all[n * 99 / 100] : 0, ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
