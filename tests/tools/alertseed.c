/*
 * alertseed.c -- writes a few events and alerts into a collector's data
 * directory (through store.c and alerts.c, as the writer thread will), so
 * that the alert CLI and query socket can be tested end to end before the
 * rules engine is wired.  Run it while no collector has the store open.
 *
 *   alertseed DATADIR
 *
 * Stream 0 (hv1, /var/log/auth.log): sequences 1-3, sshd failures.
 * Alerts (time 2024-03-14T09:14:03Z + id seconds):
 *   1  low       ssh-fail   refs seq 1
 *   2  high      ssh-brute  refs seq 1-3; group and message carry an
 *                           escape sequence and a newline
 *   3  critical  ssh-brute  4 suppressed; refs seq 3 and seq 99 (missing)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "buf.h"
#include "store.h"

#define T0	1710407643000000LL

static int
put(struct store_txn *t, struct alert *a)
{
	struct buf	b;
	int		r;

	buf_init(&b, 0);
	if ((r = alert_json(a, &b)) == 0)
		r = store_txn_alert(t, a->id, (const char *)b.d, b.len);
	buf_clear(&b);
	return r;
}

int
main(int argc, char *argv[])
{
	struct store_opts	 so = { 0, 0, 1 };
	struct store		*st;
	struct store_txn	*t;
	struct proto_batch	 pb;
	struct alert		 a;
	struct buf		 ev;
	char			 err[512], line[128];
	uint32_t		 sid, stored, dups;
	uint64_t		 next, gap;
	int			 i;

	if (argc != 2) {
		fprintf(stderr, "usage: alertseed DATADIR\n");
		return 2;
	}
	if (store_open(argv[1], &so, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "alertseed: %s\n", err);
		return 1;
	}
	if (store_stream_lookup(st, "hv1", "seed", "/var/log/auth.log",
	    "auth", "host", "", &sid, &next) != 0 || next != 1) {
		fprintf(stderr, "alertseed: the store is not empty\n");
		return 1;
	}
	buf_init(&ev, 0);
	for (i = 1; i <= 3; i++) {
		snprintf(line, sizeof(line), "Mar 14 09:14:0%d hv1 sshd[77]: "
		    "Failed password for root from 10.0.0.9 port 5%d ssh2",
		    i, i);
		buf_put_u64(&ev, (uint64_t)T0);
		buf_put_str(&ev, line, strlen(line));
	}
	pb.stream = sid;
	pb.first_seq = 1;
	pb.count = 3;
	pb.events = ev.d;
	pb.eventslen = ev.len;
	t = store_txn_new(st);
	if (store_txn_add(t, sid, &pb, T0, 0, &stored, &dups, &gap) != 0)
		return 1;
	for (i = 1; i <= 3; i++) {
		memset(&a, 0, sizeof(a));
		a.id = (uint64_t)i;
		a.rule_id = i == 1 ? "ssh-fail" : "ssh-brute";
		a.title = i == 1 ? "SSH failure" : "SSH brute force";
		a.severity = i == 1 ? SEV_LOW : i == 2 ? SEV_HIGH :
		    SEV_CRITICAL;
		a.tags = "T1110, T1110.001";
		a.description = "Repeated password failures from one source.";
		a.ts_us = T0 + i * 1000000LL;
		a.first_us = T0;
		snprintf(a.group, sizeof(a.group), "source.ip=10.0.0.9%s",
		    i == 2 ? "\x1b[31m" : "");
		snprintf(a.message, sizeof(a.message), "%d failures for root "
		    "from 10.0.0.9%s", i, i == 2 ? "\nsecond line" : "");
		a.count = (uint64_t)i;
		a.nrefs = 1;
		a.refs[0].stream = sid;
		a.refs[0].seq = (uint64_t)i;
		a.refs[0].ts_us = T0;
		if (i == 2) {
			a.nrefs = 3;
			a.refs[0].seq = 1;
			a.refs[1] = a.refs[0];
			a.refs[1].seq = 2;
			a.refs[2] = a.refs[0];
			a.refs[2].seq = 3;
		}
		if (i == 3) {
			a.suppressed = 4;
			a.last_us = T0 + 60000000;
			a.nrefs = 2;
			a.refs[1] = a.refs[0];
			a.refs[1].seq = 99;
		}
		if (put(t, &a) != 0)
			return 1;
	}
	if (store_txn_commit(t, err, sizeof(err)) != 0) {
		fprintf(stderr, "alertseed: %s\n", err);
		return 1;
	}
	printf("alertseed: 3 events, %llu alerts\n",
	    (unsigned long long)store_alert_last_id(st));
	store_txn_free(t);
	buf_clear(&ev);
	store_close(st);
	return 0;
}
