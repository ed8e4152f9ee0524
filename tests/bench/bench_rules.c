/*
 * bench_rules.c -- events per second of the rules engine on one core:
 * realistic decoded lines (sshd, sudo, netfilter, libvirt audit) with
 * varying source addresses through a set of 40 rules of every kind, as
 * the collector's ingest thread runs them.  Prints "name events_per_s"
 * lines (CPU time, so a busy machine does not skew it) and, on stderr,
 * the engine's counters.
 *
 *   bench_rules [SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "record.h"
#include "rules.h"

static const char *const lines[] = {
	"Nov 26 07:03:24 hv000 sshd[20000]: Failed password for invalid user "
	"admin0 from 10.2.0.1 port 30000 ssh2",
	"Nov 26 07:07:09 hv024 sudo:   deploy : TTY=pts/1 ; PWD=/home/deploy ;"
	" USER=root ; COMMAND=/usr/bin/systemctl restart nginx.service",
	"Nov 26 07:10:54 hv204 kernel: [ 4774.000002] [HOST-IN-DROP] IN=virbr0"
	" OUT= PHYSIN=vnet2 MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 "
	"SRC=10.1.0.155 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=2 DF "
	"PROTO=TCP SPT=30002 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ",
	"Nov 26 07:14:39 hv012 audit: type=VIRT_CONTROL msg=audit(1795677279."
	"003:3): pid=1187 uid=0 auid=4294967295 ses=4294967295 subj=libvirtd "
	"msg='virt=kvm op=start reason=booted vm=\"guest3\" uuid=4b1c1d2e-0000-"
	"4000-8000-000000000003 vm-pid=4242 exe=\"/usr/sbin/libvirtd\" "
	"hostname=? addr=? terminal=? res=success'",
};
#define NLINES	(sizeof(lines) / sizeof(lines[0]))

/* 10 rules, repeated 4 times with other ids and values. */
static const char rulefmt[] =
    "list admins%d [root, admin, toor]\n"
    "rule ssh.brute%d\n title T\n severity high\n"
    " match event.action == ssh_login and event.outcome == failure\n"
    " threshold 10 within 5m by source.ip\n suppress 30m\n"
    " message \"{count} failed logins from {source.ip} on {host.name}\"\n"
    "end\n"
    "rule ssh.root%d\n title T\n severity medium\n"
    " match event.action == ssh_login and user.name in $admins%d\nend\n"
    "rule sudo.fail%d\n title T\n severity medium\n"
    " match event.action in [sudo_auth_failure, sudo_not_in_sudoers]\n"
    " threshold 3 within 10m by user.name\nend\n"
    "rule sudo.shell%d\n title T\n severity low\n"
    " match process.name == sudo and message =~ /COMMAND=\\S*(sh|bash)"
    "\\b/\nend\n"
    "rule scan%d\n title T\n severity low\n"
    " match source.ip cidr [10.0.0.0/8, 192.168.0.0/16] and "
    "destination.port exists\n"
    " distinct destination.port 20 within 1m by source.ip\nend\n"
    "rule seq%d\n title T\n severity critical\n"
    " match event.action == ssh_login\n sequence within 10m by source.ip\n"
    " step 5 event.outcome == failure\n step event.outcome == success\n"
    "end\n"
    "rule quiet%d\n title T\n severity info\n match host.name exists\n"
    " absence 10m by host.name\nend\n"
    "rule vmstart%d\n title T\n severity info\n"
    " match event.action == vm_start%d\nend\n"
    "rule guest%d\n title T\n severity high\n"
    " match event.dataset == guest%d\n after event.action == vm_start\n"
    " absence 5m by vm.name\nend\n"
    "rule ports%d\n title T\n severity low\n"
    " match destination.port > 1024 and destination.port < 2000\nend\n";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
emitcb(const struct alert *a, void *arg)
{
	(void)a;
	(*(long *)arg)++;
}

static struct record		 evs[NLINES];
static struct record_mark	 marks[NLINES];
static char			 ips[256][16];

int
main(int argc, char *argv[])
{
	struct decode_ctx	 dc = { 0, 0, "hv000", "auth", "/var/log/auth.log" };
	struct rules_engine	*e;
	struct rules_stats	 st;
	struct ruleset		*rs;
	struct rule_ref		 ref = { 1, 0, 0 };
	double			 secs = argc > 1 ? atof(argv[1]) : 1, t0, t;
	char			*text, err[256];
	size_t			 len = 0, i;
	long			 n, alerts = 0;
	int			 k;

	if ((text = malloc(64 * 1024)) == NULL)
		return 1;
	for (k = 0; k < 4; k++)
		len += snprintf(text + len, 64 * 1024 - len, rulefmt, k, k, k, k,
		    k, k, k, k, k, k, k, k, k, k);
	if (rules_parse("bench.rules", text, len, &rs, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	dc.recv_us = 1795677279000000LL;
	for (i = 0; i < NLINES; i++) {
		decode_event(&dc, lines[i], strlen(lines[i]), dc.recv_us,
		    &evs[i]);
		record_mark(&evs[i], &marks[i]);
	}
	for (i = 0; i < 256; i++)
		snprintf(ips[i], sizeof(ips[i]), "10.2.%zu.%zu", i / 16,
		    i % 16);
	if ((e = rules_engine_new(rs, NULL, emitcb, &alerts)) == NULL)
		return 1;
	for (n = 0, t0 = now(); (t = now()) - t0 < secs; )
		for (k = 0; k < 1000; k++, n++) {
			struct record *ev = &evs[n % NLINES];

			record_rollback(ev, &marks[n % NLINES]);
			ev->ts_us = dc.recv_us + n * 1000;
			record_add(ev, "source.ip", ips[(n / 7) % 256],
			    strlen(ips[(n / 7) % 256]));
			ref.seq = n;
			rules_event(e, ev, &ref);
		}
	printf("rules_event_mix_%d_rules %.0f\n", rules_count(rs),
	    n / (t - t0));
	rules_stats(e, &st);
	fprintf(stderr, "# events %llu tested %llu (%.1f per event) alerts "
	    "%llu suppressed %llu groups %llu\n",
	    (unsigned long long)st.events, (unsigned long long)st.tested,
	    (double)st.tested / st.events, (unsigned long long)st.alerts,
	    (unsigned long long)st.suppressed, (unsigned long long)st.groups);
	rules_engine_free(e);
	rules_free(rs);
	free(text);
	return 0;
}
