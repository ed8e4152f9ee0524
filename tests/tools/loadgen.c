/*
 * loadgen.c -- load generator for the collector (benchmarks and soak
 * tests).  Opens N mutual-TLS connections as N shippers, each sending M
 * realistic ~250-byte lines (sshd, sudo, netfilter, audit; the mix is
 * documented in docs/performance.md) in batches, with up to W batches in
 * flight (default 64, the lines a vigil-shipper keeps unacknowledged),
 * and reports events/s until the last ACK (so durably stored) and
 * the ACK latency percentiles.  Loopback only.
 *
 *   loadgen -p PORT -c CERT -k KEY -a CA [-n CONNS] [-m EVENTS] [-b BATCH]
 *           [-w WINDOW] [-s STREAM] [-H HOSTS] [-t START] [-T SPAN]
 *           [-d SECONDS]   (wait after WELCOME before the first batch)
 *   loadgen -r -p PORT -c CERT -k KEY -a CA [-n CONNS] [-m EVENTS]
 *           [-f FILE]                 (RFC 6587 syslog over TLS: rsyslog)
 *   loadgen -o FILE [-n CONNS] [-m EVENTS] ...   (write the lines only)
 *
 * Line g (of CONNS x EVENTS; connection k sends g = k*EVENTS .. +EVENTS-1)
 * is at time START + g * SPAN / total (RFC 3164, UTC; default: the last
 * SPAN = 3600 s), from syslog host "hvNNN" (g hashed over HOSTS, default
 * 300).  sshd and netfilter lines carry a source IP: half of them from 250
 * "common" addresses 10.1.x.y (each ~0.1% of all events), half from 5,000
 * "rare" ones 10.2.x.y.  With -r, each line is sent as "<38>LINE" in an
 * octet-counted frame and, with -f, the run ends when FILE (rsyslog's
 * output, one line per event) holds every line.
 */
#include <sys/socket.h>
#include <sys/stat.h>
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
#include "sslio.h"

static int		 port, nconn = 1, window = 64, rsyslog, nhosts = 300;
static int		 delay;
static long		 nevents = 100000, batchsz = 1024;
static long long	 tstart, tspan = 3600;
static const char	*cert, *key, *ca, *streamname = "/var/log/bench.log";
static const char	*waitfile, *outfile;
static SSL_CTX		*ctx;

struct worker {
	int		 id;
	pthread_t	 t;
	double		*lat;	/* ms per batch */
	long		 nlat;
	long long	 bytes;	/* of the lines, without framing */
	int		 ok;
};

static uint32_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

/* Line g: see the comment at the top.  Returns its length. */
static size_t
mkline(char *out, size_t n, long g)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	long long	 total = (long long)nevents * nconn;
	time_t		 t = (time_t)(tstart + g * tspan / total);
	struct tm	 tm;
	char		 ts[32], ip[32];
	uint32_t	 h = mix((uint64_t)g), a;
	int		 host = (int)(mix((uint64_t)g * 7919) % nhosts);

	gmtime_r(&t, &tm);
	snprintf(ts, sizeof(ts), "%s %2d %02d:%02d:%02d", mon[tm.tm_mon],
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (h & 1) {
		a = (h >> 1) % 250;
		snprintf(ip, sizeof(ip), "10.1.%u.%u", a / 250, a % 250 + 1);
	} else {
		a = (h >> 1) % 5000;
		snprintf(ip, sizeof(ip), "10.2.%u.%u", a / 250, a % 250 + 1);
	}
	switch (g % 4) {
	case 0:
		return (size_t)snprintf(out, n, "%s hv%03d sshd[%ld]: Failed "
		    "password for invalid user admin%ld from %s port %ld ssh2",
		    ts, host, 20000 + g % 9000, g % 97, ip, 30000 + g % 30000);
	case 1:
		return (size_t)snprintf(out, n, "%s hv%03d sudo:   deploy : "
		    "TTY=pts/%ld ; PWD=/home/deploy ; USER=root ; "
		    "COMMAND=/usr/bin/systemctl restart nginx.service #%ld",
		    ts, host, g % 8, g);
	case 2:
		return (size_t)snprintf(out, n, "%s hv%03d kernel: [%5ld.%06ld]"
		    " [HOST-IN-DROP] IN=virbr0 OUT= PHYSIN=vnet%ld MAC=52:54:00"
		    ":12:34:56:52:54:00:ab:cd:ef:08:00 SRC=%s DST=10.0.0.5 "
		    "LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=%ld DF PROTO=TCP SPT=%ld "
		    "DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ", ts, host,
		    4772 + g % 100000, g % 1000000, g % 4, ip, g % 65536,
		    30000 + g % 30000);
	default:
		return (size_t)snprintf(out, n, "%s hv%03d audit: "
		    "type=VIRT_CONTROL msg=audit(%lld.%03ld:%ld): pid=1187 "
		    "uid=0 auid=4294967295 ses=4294967295 subj=libvirtd "
		    "msg='virt=kvm op=start reason=booted vm=\"guest%ld\" "
		    "uuid=4b1c1d2e-0000-4000-8000-%012ld vm-pid=%ld "
		    "exe=\"/usr/sbin/libvirtd\" hostname=? addr=? terminal=? "
		    "res=success'", ts, host, (long long)t, g % 1000, g,
		    g % 50, g % 50, 3000 + g % 1000);
	}
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

static SSL *
tls_connect(int *fdp)
{
	struct sockaddr_in	 sin;
	SSL			*s;
	int			 fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("connect");
		close(fd);
		return NULL;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s = SSL_new(ctx);
	SSL_set_fd(s, fd);
	if (SSL_connect(s) != 1) {
		ERR_print_errors_fp(stderr);
		SSL_free(s);
		close(fd);
		return NULL;
	}
	*fdp = fd;
	return s;
}

/* -r: the same lines as RFC 6587 octet-counted frames, no ACKs. */
static void *
rs_work(void *arg)
{
	struct worker	*w = arg;
	struct buf	 out;
	SSL		*s;
	char		 line[600], hdr[16];
	struct timeval	 tv = { 60, 0 };
	size_t		 len;
	long		 i;
	int		 fd, hl;

	if ((s = tls_connect(&fd)) == NULL)
		return NULL;
	buf_init(&out, 0);
	for (i = 0; i < nevents; i++) {
		len = mkline(line, sizeof(line), (w->id - 1) * nevents + i);
		w->bytes += (long long)len;
		hl = snprintf(hdr, sizeof(hdr), "%zu <38>", len + 4);
		buf_put(&out, hdr, (size_t)hl);
		buf_put(&out, line, len);
		if (out.len >= 65536 || i + 1 == nevents) {
			if (ssl_write_all(s, out.d, out.len) != 0)
				goto out;
			buf_reset(&out);
		}
	}
	w->ok = 1;
 out:
	/*
	 * Close politely: close_notify, FIN, then read until rsyslog closes
	 * too.  Closing with unread bytes (TLS 1.3 tickets) would send a RST
	 * that can destroy lines rsyslog has not read yet.
	 */
	SSL_shutdown(s);
	shutdown(fd, SHUT_WR);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (read(fd, line, sizeof(line)) > 0)
		;
	SSL_free(s);
	close(fd);
	buf_clear(&out);
	return NULL;
}

/* -o: write every connection's lines, in order, to outfile. */
static int
write_lines(void)
{
	FILE	*f;
	char	 line[600];
	long	 g;
	size_t	 len;

	if ((f = fopen(outfile, "w")) == NULL) {
		perror(outfile);
		return 1;
	}
	for (g = 0; g < (long)nconn * nevents; g++) {
		len = mkline(line, sizeof(line), g);
		line[len++] = '\n';
		fwrite(line, 1, len, f);
	}
	if (fclose(f) != 0) {
		perror(outfile);
		return 1;
	}
	return 0;
}

/*
 * -r -f: wait until rsyslog's file holds want lines, counting the newlines
 * as they arrive; a 120 s stall ends the wait.
 */
static int
wait_file(long long want)
{
	FILE		*f = NULL;
	char		 b[65536];
	size_t		 n, i;
	long long	 lines = 0;
	double		 since = now();

	while (lines < want) {
		if (f == NULL && (f = fopen(waitfile, "r")) == NULL) {
			usleep(2000);
			continue;
		}
		if ((n = fread(b, 1, sizeof(b), f)) == 0) {
			if (now() - since > 120) {
				fprintf(stderr, "loadgen: %s stuck at %lld of "
				    "%lld lines\n", waitfile, lines, want);
				fclose(f);
				return 1;
			}
			clearerr(f);
			usleep(2000);
			continue;
		}
		since = now();
		for (i = 0; i < n; i++)
			lines += b[i] == '\n';
	}
	fclose(f);
	return 0;
}

static void *
work(void *arg)
{
	struct worker		*w = arg;
	struct proto_hello	*h;
	struct buf		 out;
	SSL			*s = NULL;
	char			 line[512], host[32], inst[40];
	uint8_t			 in[4096], type;
	size_t			 plen, mark, len;
	double			*sent;
	long			 i, nb = (nevents + batchsz - 1) / batchsz;
	long			 b = 0, acked = 0;
	int			 fd;
	struct proto_ack	 a;

	sent = calloc(nb, sizeof(*sent));
	w->lat = calloc(nb, sizeof(double));
	h = calloc(1, sizeof(*h));
	buf_init(&out, 0);
	if ((s = tls_connect(&fd)) == NULL)
		return NULL;
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
	if (delay > 0)
		sleep((unsigned)delay);
	while (acked < nb) {
		while (b < nb && b - acked < window) {
			buf_reset(&out);
			proto_batch_begin(&out, 1, 1 + b * batchsz, &mark);
			for (i = b * batchsz; i < (b + 1) * batchsz &&
			    i < nevents; i++) {
				len = mkline(line, sizeof(line), (w->id - 1) *
				    nevents + i);
				w->bytes += (long long)len;
				proto_batch_add(&out, mark, 0, line, len);
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
	long long	 bytes = 0;
	int		 ch, k, ok = 1;

	tstart = -1;
	while ((ch = getopt(argc, argv, "p:c:k:a:n:m:b:w:s:rf:o:H:t:T:d:")) !=
	    -1) {
		switch (ch) {
		case 'r': rsyslog = 1; break;
		case 'f': waitfile = optarg; break;
		case 'o': outfile = optarg; break;
		case 'H': nhosts = atoi(optarg); break;
		case 't': tstart = atoll(optarg); break;
		case 'T': tspan = atoll(optarg); break;
		case 'p': port = atoi(optarg); break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'a': ca = optarg; break;
		case 'n': nconn = atoi(optarg); break;
		case 'm': nevents = atol(optarg); break;
		case 'b': batchsz = atol(optarg); break;
		case 'd': delay = atoi(optarg); break;
		case 'w': window = atoi(optarg); break;
		case 's': streamname = optarg; break;
		default:
			fprintf(stderr, "usage: loadgen -p port -c cert -k key "
			    "-a ca [-n conns] [-m events] [-b batch] "
			    "[-w window]\n");
			return 2;
		}
	}
	if (tstart < 0)
		tstart = (long long)time(NULL) - tspan;
	if (nconn < 1 || nevents < 1 || nhosts < 1 || tspan < 1)
		return 2;
	if (outfile != NULL)
		return write_lines();
	if (!port || !cert || !key || !ca || batchsz < 1 ||
	    batchsz > PROTO_BATCH_MAX || window < 1)
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
		pthread_create(&w[k].t, NULL, rsyslog ? rs_work : work, &w[k]);
	}
	for (k = 0; k < nconn; k++) {
		pthread_join(w[k].t, NULL);
		bytes += w[k].bytes;
	}
	if (rsyslog && waitfile != NULL &&
	    wait_file((long long)nevents * nconn))
		ok = 0;
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
	    "ack_p50_ms %.2f ack_p99_ms %.2f bytes %lld %s\n",
	    nevents * nconn, nconn, t1 - t0, nevents * nconn / (t1 - t0),
	    n ? all[n / 2] : 0, n ? all[n * 99 / 100] : 0, bytes,
	    ok ? "ok" : "FAILED");
	for (k = 0; k < nconn; k++)
		free(w[k].lat);
	free(w);
	free(all);
	SSL_CTX_free(ctx);
	return ok ? 0 : 1;
}
