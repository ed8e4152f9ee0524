/*
 * bench_decode.c -- lines per second of each decoder on one core: the
 * syslog header, each program decoder on its message, and the whole
 * decode_event on the loadgen mix.  Each is run for about SECONDS (default
 * 1) over a few realistic lines.  Prints one "name lines_per_s" line each.
 *
 * With a rule directory, also decode_event plus the rules engine with
 * those rules (the collector's ingest path without storage), the
 * addresses varied so that the windows have many groups; and the whole
 * store path in two stages, as the collector's writer and commit threads
 * run them: "store_prepare_mix" (store_txn_add of batches of 1024: decode,
 * index, placement, rules, blocks, hash chain) and "store_commit_mix"
 * (store_txn_commit: postings, the synced LevelDB write), in events per
 * second of each stage (the first in CPU time of the thread, the second
 * in wall time: it waits for the disk), into a temporary store.
 *
 *   bench_decode [SECONDS [RULEDIR [store]]]	("store": that stage only,
 *						 for profiling)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dec.h"
#include "decode.h"
#include "buf.h"
#include "proto.h"
#include "record.h"
#include "rulehook.h"
#include "store.h"
#include "rules.h"
#include "syslog.h"

static const char *const lines[] = {
	"Nov 26 07:03:24 hv000 sshd[20000]: Failed password for invalid user "
	"admin0 from 10.2.0.1 port 30000 ssh2",
	"Nov 26 07:07:09 hv024 sudo:   deploy : TTY=pts/1 ; PWD=/home/deploy ;"
	" USER=root ; COMMAND=/usr/bin/systemctl restart nginx.service #1",
	"Nov 26 07:10:54 hv204 kernel: [ 4774.000002] [HOST-IN-DROP] IN=virbr0"
	" OUT= PHYSIN=vnet2 MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 "
	"SRC=10.1.0.155 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=2 DF "
	"PROTO=TCP SPT=30002 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ",
	"Nov 26 07:14:39 hv012 audit: type=VIRT_CONTROL msg=audit(1795677279."
	"003:3): pid=1187 uid=0 auid=4294967295 ses=4294967295 subj=libvirtd "
	"msg='virt=kvm op=start reason=booted vm=\"guest3\" uuid=4b1c1d2e-0000-"
	"4000-8000-000000000003 vm-pid=3003 exe=\"/usr/sbin/libvirtd\" "
	"hostname=? addr=? terminal=? res=success'",
	"Nov 26 07:15:00 hv012 libvirtd[1187]: 2025-03-14 09:14:03.123+0000: "
	"1187: error : qemuMonitorIO:578 : internal error: End of file from "
	"qemu monitor (vm='guest3')",
};
#define NLINES	(sizeof(lines) / sizeof(lines[0]))

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct syslog_msg	msgs[NLINES];
static struct record		ev;
static volatile long		sink;
static long			alerts;

static void
on_alert(const struct alert *a, void *arg)
{
	(void)arg;
	alerts += !a->update;
}

/* decode + rules over the mix; the last octet of the source varies */
static void
run_rules(const char *dir, double secs)
{
	const char		*dirs[1] = { dir };
	struct ruleset		*rs;
	struct rules_engine	*eng;
	struct rules_stats	 st;
	struct decode_ctx	 dc = { 1795677279000000LL, 0, "hv1", "auth",
	    "/var/log/auth.log" };
	struct rule_ref		 ref = { 0, 0, 0 };
	char			 err[1024], buf[NLINES][1024], *p;
	size_t			 len[NLINES], i;
	double			 t0, t;
	long			 n;
	int			 d;

	if (rules_load(dirs, 1, &rs, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_decode: %s\n", err);
		exit(1);
	}
	if ((eng = rules_engine_new(rs, NULL, on_alert, NULL)) == NULL)
		exit(1);
	for (i = 0; i < NLINES; i++) {
		len[i] = strlen(lines[i]);
		memcpy(buf[i], lines[i], len[i] + 1);
	}
	for (n = 0, t0 = now(); (t = now()) - t0 < secs; )
		for (d = 0; d < 1000; d++, n++) {
			i = (size_t)n % 4;
			/* "10.2.0.1 port" / "SRC=10.1.0.155 ": vary a digit */
			if ((p = strstr(buf[i], "10.")) != NULL)
				p[3] = (char)('0' + (n / 4) % 10);
			decode_event(&dc, buf[i], len[i], dc.recv_us, &ev);
			ref.seq = (uint64_t)n;
			ref.ts_us = ev.ts_us;
			rules_event(eng, &ev, &ref);
		}
	rules_stats(eng, &st);
	printf("decode_rules_mix %.0f\n", n / (t - t0));
	fprintf(stderr, "# rules: %d rules, %llu events, %llu rule tests, "
	    "%ld alerts, %llu groups\n", rules_count(rs),
	    (unsigned long long)st.events, (unsigned long long)st.tested,
	    alerts, (unsigned long long)st.groups);
	rules_engine_free(eng);
	rules_free(rs);
}

/* CPU time of this thread: the prepare stage is pure CPU, and the box
 * is shared */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The store path of the collector's writer (writer.c), stage by stage. */
static void
run_store(const char *dir, double secs)
{
	const char		*dirs[1] = { dir };
	char			 tmp[] = "/tmp/vigil-bench-store.XXXXXX";
	char			 err[1024], line[1024], cmd[600], *p;
	struct store_opts	 so = { 0, 0, 1 };
	struct store		*st = NULL;
	struct store_txn	*t;
	struct ruleset		*rs;
	struct rulehook		*h;
	struct proto_batch	 pb;
	struct buf		 evb;
	uint32_t		 sid, stored, dups;
	uint64_t		 next, gap, seq = 1;
	double			 t0, tprep = 0, tcommit = 0;
	long			 n = 0;
	int			 b, k;
	size_t			 i, len;

	if (rules_load(dirs, 1, &rs, err, sizeof(err)) != 0 ||
	    mkdtemp(tmp) == NULL ||
	    store_open(tmp, &so, &st, err, sizeof(err)) != 0 ||
	    store_stream_lookup(st, "hv1", "i1", "/var/log/auth.log", "auth",
	    "host", "", &sid, &next) != 0) {
		fprintf(stderr, "bench_decode: store: %s\n", err);
		exit(1);
	}
	t = store_txn_new(st);
	h = rulehook_new(st, rs, 0, NULL, NULL);
	rulehook_attach(h, t);
	buf_init(&evb, 0);
	while (tprep + tcommit < secs * 2) {
		/* 16 batches of 1024 per write, like a busy round */
		t0 = cpu_now();
		for (b = 0; b < 16; b++) {
			buf_reset(&evb);
			for (k = 0; k < 1024; k++, n++) {
				i = (size_t)n % 4;
				len = strlen(lines[i]);
				memcpy(line, lines[i], len + 1);
				if ((p = strstr(line, "10.")) != NULL) {
					p[3] = (char)('0' + (n / 4) % 10);
					p[5] = (char)('0' + (n / 40) % 10);
				}
				buf_put_u64(&evb, (uint64_t)1795677279000000LL);
				buf_put_str(&evb, line, len);
			}
			pb.stream = sid;
			pb.first_seq = seq;
			pb.count = 1024;
			pb.events = evb.d;
			pb.eventslen = evb.len;
			if (store_txn_add(t, sid, &pb, 1795677279000000LL, 0,
			    &stored, &dups, &gap) != 0 || stored != 1024) {
				fprintf(stderr, "bench_decode: store_txn_add\n");
				exit(1);
			}
			seq += 1024;
		}
		(void)rulehook_flush(h, t);
		tprep += cpu_now() - t0;
		t0 = now();
		if (store_txn_commit(t, err, sizeof(err)) != 0) {
			fprintf(stderr, "bench_decode: commit: %s\n", err);
			exit(1);
		}
		rulehook_committed(h, 1);
		tcommit += now() - t0;
	}
	printf("store_prepare_mix %.0f\n", n / tprep);
	printf("store_commit_mix %.0f\n", n / tcommit);
	fprintf(stderr, "# store: %ld events\n", n);
	buf_clear(&evb);
	rulehook_free(h);
	store_txn_free(t);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_decode: %s not removed\n", tmp);
}

static void
run_dec(int which)
{
	int64_t ts = 0;

	record_init(&ev);
	switch (which) {
	case 0: sink += dec_sshd(msgs[0].msg, msgs[0].msglen, &ev); break;
	case 1: sink += dec_sudo(msgs[1].msg, msgs[1].msglen, &ev); break;
	case 2: sink += dec_netfilter(msgs[2].msg, msgs[2].msglen, &ev);
		break;
	case 3: sink += dec_audit(msgs[3].msg, msgs[3].msglen, &ev, &ts);
		break;
	case 4: sink += dec_libvirt(msgs[4].msg, msgs[4].msglen, &ev, &ts);
		break;
	}
	sink += ev.nfields;
}

int
main(int argc, char *argv[])
{
	static const char *const names[] = { "dec_sshd", "dec_sudo",
	    "dec_netfilter", "dec_audit", "dec_libvirt" };
	struct syslog_ctx	sc = { 1795677279000000LL, 0 };
	struct syslog_msg	m;
	struct decode_ctx	dc = { 1795677279000000LL, 0, "hv1", "auth",
	    "/var/log/auth.log" };
	double			secs = argc > 1 ? atof(argv[1]) : 1;
	double			t0, t;
	long			n;
	size_t			i;
	int			d;

	if (argc > 3 && strcmp(argv[3], "store") == 0) {
		run_store(argv[2], secs);
		return 0;
	}
	for (i = 0; i < NLINES; i++)
		syslog_decode(lines[i], strlen(lines[i]), &sc, &msgs[i]);
	/* the header of the four loadgen lines */
	for (n = 0, t0 = now(); (t = now()) - t0 < secs; )
		for (d = 0; d < 1000; d++, n++) {
			i = (size_t)n % 4;
			syslog_decode(lines[i], strlen(lines[i]), &sc, &m);
			sink += m.msglen;
		}
	printf("syslog_header %.0f\n", n / (t - t0));
	for (d = 0; d < 5; d++) {
		for (n = 0, t0 = now(); (t = now()) - t0 < secs; )
			for (i = 0; i < 1000; i++, n++)
				run_dec(d);
		printf("%s %.0f\n", names[d], n / (t - t0));
	}
	for (n = 0, t0 = now(); (t = now()) - t0 < secs; )
		for (d = 0; d < 1000; d++, n++) {
			i = (size_t)n % 4;
			decode_event(&dc, lines[i], strlen(lines[i]),
			    dc.recv_us, &ev);
			sink += ev.nfields;
		}
	printf("decode_event_mix %.0f\n", n / (t - t0));
	if (argc > 2) {
		run_rules(argv[2], secs);
		run_store(argv[2], secs);
	}
	fflush(stdout);
	/* check that each decoder recognises its line */
	for (d = 0; d < 5; d++) {
		int64_t ts = 0;
		int	r = 0;

		record_init(&ev);
		switch (d) {
		case 0: r = dec_sshd(msgs[0].msg, msgs[0].msglen, &ev); break;
		case 1: r = dec_sudo(msgs[1].msg, msgs[1].msglen, &ev); break;
		case 2: r = dec_netfilter(msgs[2].msg, msgs[2].msglen, &ev);
			break;
		case 3: r = dec_audit(msgs[3].msg, msgs[3].msglen, &ev, &ts);
			break;
		case 4: r = dec_libvirt(msgs[4].msg, msgs[4].msglen, &ev, &ts);
			break;
		}
		fprintf(stderr, "# %s: %s, %d fields\n", names[d],
		    r == 0 ? "recognised" : "NOT recognised", ev.nfields);
	}
	/* what the mix decodes to */
	for (i = 0; i < NLINES; i++) {
		decode_event(&dc, lines[i], strlen(lines[i]), dc.recv_us, &ev);
		fprintf(stderr, "# line %zu: %d fields%s\n", i, ev.nfields,
		    ev.flags & REC_F_MALFORMED ? " (malformed)" : "");
	}
	return 0;
}
