/*
 * test_dec_netfilter.c -- dec_netfilter() on every LOG line variant of
 * log-formats.md section 4, refusals, truncation at every byte, NUL
 * bytes, a 64 KiB message, and an informational speed print.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dec.h"
#include "err.h"
#include "record.h"
#include "test.h"

static struct record ev;

#define ETH	"MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 "

/* the fields decode.c sets before calling a decoder */
static void
preset(struct record *r)
{
	record_init(r);
	record_add(r, "host.name", "hv1", 3);
	record_add(r, "event.dataset", "kern", 4);
	record_add(r, "process.name", "kernel", 6);
	record_add(r, "message", "x", 1);
}

static int
dec(const char *s)
{
	preset(&ev);
	return dec_netfilter(s, strlen(s), &ev);
}

/* value of a field as a C string in a static buffer, or NULL */
static const char *
get(const char *name)
{
	static char	 b[4][256];
	static int	 k;
	const char	*v;
	size_t		 n;

	if ((v = record_get(&ev, name, &n)) == NULL)
		return NULL;
	k = (k + 1) % 4;
	if (n >= sizeof(b[k]))
		n = sizeof(b[k]) - 1;
	memcpy(b[k], v, n);
	b[k][n] = '\0';
	return b[k];
}

/* every value lies in [buf, buf+len) or in the record's scratch */
static int
ptrs_ok(const struct record *r, const char *buf, size_t len)
{
	int i;

	for (i = 0; i < r->nfields; i++) {
		const char *v = r->f[i].val;
		size_t n = r->f[i].len;

		if (v >= buf && n <= len && (size_t)(v - buf) <= len - n)
			continue;
		if (v >= r->scratch && (size_t)(v - r->scratch) + n <=
		    r->scratchlen)
			continue;
		if (i < 4)	/* preset() literals */
			continue;
		return 0;
	}
	return 1;
}

static void
test_ipv4(void)
{
	T_INT(dec("[ 4772.035194] [HOST-IN-DROP] IN=br0 OUT= PHYSIN=eno1 "
	    ETH "SRC=198.51.100.7 DST=192.0.2.5 LEN=60 TOS=0x00 PREC=0x00 "
	    "TTL=52 ID=54321 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 "
	    "RES=0x00 SYN URGP=0 "), 0);
	T_STR(get("netfilter.prefix"), "[HOST-IN-DROP]");
	T_STR(get("event.action"), "netfilter_log");
	T_STR(get("observer.ingress.interface.name"), "br0");
	T_OK(get("observer.egress.interface.name") == NULL);
	T_STR(get("netfilter.physin"), "eno1");
	T_OK(get("netfilter.physout") == NULL);
	T_STR(get("destination.mac"), "52:54:00:12:34:56");
	T_STR(get("source.mac"), "52:54:00:ab:cd:ef");
	T_STR(get("netfilter.ethertype"), "0800");
	T_STR(get("source.ip"), "198.51.100.7");
	T_STR(get("destination.ip"), "192.0.2.5");
	T_STR(get("network.type"), "ipv4");
	T_STR(get("network.transport"), "tcp");
	T_STR(get("network.iana_number"), "6");
	T_STR(get("source.port"), "51234");
	T_STR(get("destination.port"), "22");
	T_STR(get("netfilter.len"), "60");
	T_STR(get("netfilter.ttl"), "52");
	T_STR(get("netfilter.id"), "54321");
	T_STR(get("netfilter.flags"), "DF");
	T_STR(get("netfilter.tcp_flags"), "SYN");
	T_STR(get("netfilter.window"), "64240");
	T_OK(get("netfilter.truncated") == NULL);
	T_STR(get("host.name"), "hv1");
	T_STR(get("message"), "x");

	/* journal-fed: no uptime bracket; nftables prefix; bridged guest */
	T_INT(dec("nft-in-drop: IN=br0 OUT=br0 PHYSIN=vnet1 PHYSOUT=eno1 "
	    ETH "SRC=10.0.0.5 DST=8.8.8.8 LEN=76 TOS=0x00 PREC=0x00 TTL=64 "
	    "ID=4242 DF PROTO=UDP SPT=40000 DPT=53 LEN=56 UID=0 GID=0 "
	    "MARK=0x1f "), 0);
	T_STR(get("netfilter.prefix"), "nft-in-drop:");
	T_STR(get("observer.ingress.interface.name"), "br0");
	T_STR(get("observer.egress.interface.name"), "br0");
	T_STR(get("netfilter.physin"), "vnet1");
	T_STR(get("netfilter.physout"), "eno1");
	T_STR(get("network.transport"), "udp");
	T_STR(get("netfilter.len"), "76");	/* IP LEN, not UDP LEN */
	T_STR(get("destination.port"), "53");
	T_STR(get("netfilter.uid"), "0");
	T_STR(get("netfilter.gid"), "0");
	T_STR(get("netfilter.mark"), "0x1f");
	T_OK(get("netfilter.tcp_flags") == NULL);

	/* prefix glued to IN=; ICMP error with the inner packet dump */
	T_INT(dec("DROPIN=eth0 OUT= " ETH "SRC=192.0.2.1 DST=192.0.2.9 "
	    "LEN=88 TOS=0x00 PREC=0xC0 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 "
	    "[SRC=192.0.2.9 DST=192.0.2.1 LEN=60 TOS=0x00 PREC=0x00 TTL=64 "
	    "ID=777 DF PROTO=UDP SPT=5353 DPT=9999 LEN=40 ] MTU=1400 "), 0);
	T_STR(get("netfilter.prefix"), "DROP");
	T_STR(get("observer.ingress.interface.name"), "eth0");
	T_STR(get("source.ip"), "192.0.2.1");
	T_STR(get("destination.ip"), "192.0.2.9");
	T_STR(get("network.transport"), "icmp");
	T_STR(get("icmp.type"), "3");
	T_STR(get("icmp.code"), "3");
	T_STR(get("netfilter.id"), "1");
	T_STR(get("netfilter.len"), "88");
	T_OK(get("source.port") == NULL);
	T_OK(get("netfilter.flags") == NULL);

	/* ICMP echo: its ID= is not the IP id */
	T_INT(dec("IN=eth0 OUT= " ETH "SRC=192.0.2.1 DST=192.0.2.9 LEN=84 "
	    "TOS=0x00 PREC=0x00 TTL=64 ID=9 DF PROTO=ICMP TYPE=8 CODE=0 "
	    "ID=1234 SEQ=1 "), 0);
	T_STR(get("netfilter.id"), "9");
	T_STR(get("icmp.type"), "8");
	T_OK(get("netfilter.prefix") == NULL);

	/* OUTPUT chain: no MAC; several TCP flags; IP options; CE */
	T_INT(dec("OUT-LOG IN= OUT=eth0 SRC=10.0.0.1 DST=10.0.0.2 LEN=52 "
	    "TOS=0x00 PREC=0x00 TTL=64 ID=7 CE DF OPT (94040000) PROTO=TCP "
	    "SPT=44444 DPT=443 SEQ=1 ACK=2 WINDOW=501 RES=0x00 ACK PSH FIN "
	    "URGP=0 OPT (0101080A) UID=1000 GID=1000 "), 0);
	T_STR(get("netfilter.prefix"), "OUT-LOG");
	T_OK(get("observer.ingress.interface.name") == NULL);
	T_STR(get("observer.egress.interface.name"), "eth0");
	T_OK(get("source.mac") == NULL && get("destination.mac") == NULL);
	T_STR(get("netfilter.tcp_flags"), "ACK PSH FIN");
	T_STR(get("netfilter.flags"), "CE DF");
	T_STR(get("netfilter.uid"), "1000");

	/* MACSRC/MACDST form with a VLAN tag */
	T_INT(dec("IN=eth0 OUT= MACSRC=52:54:00:ab:cd:ef "
	    "MACDST=52:54:00:12:34:56 VPROTO=8100 VID=42 MACPROTO=0800 "
	    "SRC=10.1.1.1 DST=10.1.1.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 "
	    "ID=0 MF FRAG:185 PROTO=TCP SPT=1 DPT=2 WINDOW=0 RES=0x00 RST "
	    "URGP=0 "), 0);
	T_STR(get("source.mac"), "52:54:00:ab:cd:ef");
	T_STR(get("destination.mac"), "52:54:00:12:34:56");
	T_STR(get("netfilter.ethertype"), "0800");
	T_STR(get("network.vlan.id"), "42");
	T_STR(get("netfilter.flags"), "MF");
	T_STR(get("netfilter.frag"), "185");
	T_STR(get("netfilter.tcp_flags"), "RST");

	/* other protocols */
	T_INT(dec("IN=eth0 OUT= SRC=1.1.1.1 DST=2.2.2.2 LEN=40 TOS=0x00 "
	    "PREC=0x00 TTL=1 ID=0 PROTO=2 "), 0);
	T_STR(get("network.iana_number"), "2");
	T_OK(get("network.transport") == NULL);
	T_INT(dec("IN=eth0 OUT= SRC=1.1.1.1 DST=2.2.2.2 LEN=40 TOS=0x00 "
	    "PREC=0x00 TTL=1 ID=0 PROTO=ESP SPI=0x1234 "), 0);
	T_STR(get("network.transport"), "esp");
	T_INT(dec("IN=eth0 OUT= SRC=1.1.1.1 DST=2.2.2.2 LEN=40 TOS=0x00 "
	    "PREC=0x00 TTL=1 ID=0 PROTO=UDPLITE SPT=1 DPT=2 LEN=20 "), 0);
	T_STR(get("network.transport"), "udplite");
}

static void
test_ipv6(void)
{
	T_INT(dec("[    1.000000] v6: IN=eth0 OUT= "
	    "MAC=33:33:00:00:00:01:52:54:00:11:22:33:86:dd "
	    "SRC=fe80:0000:0000:0000:5054:00ff:fe11:2233 "
	    "DST=ff02:0000:0000:0000:0000:0000:0000:0001 LEN=72 TC=0 "
	    "HOPLIMIT=1 FLOWLBL=0 PROTO=ICMPv6 TYPE=130 CODE=0 ID=5 SEQ=6 "),
	    0);
	T_STR(get("netfilter.prefix"), "v6:");
	T_STR(get("network.type"), "ipv6");
	T_STR(get("source.ip"), "fe80::5054:ff:fe11:2233");
	T_STR(get("destination.ip"), "ff02::1");
	T_STR(get("network.transport"), "ipv6-icmp");
	T_STR(get("network.iana_number"), "58");
	T_STR(get("netfilter.ttl"), "1");
	T_STR(get("netfilter.ethertype"), "86dd");
	T_STR(get("icmp.type"), "130");
	T_OK(get("netfilter.id") == NULL);

	T_INT(dec("IN=br0 OUT=br0 PHYSIN=vnet0 PHYSOUT=eno1 " ETH
	    "SRC=2001:0db8:0000:0000:0000:0000:0000:0001 "
	    "DST=2001:0db8:0001:0000:0000:0000:0000:00ff LEN=80 TC=0 "
	    "HOPLIMIT=64 FLOWLBL=12345 PROTO=TCP SPT=33000 DPT=22 "
	    "WINDOW=64800 RES=0x00 SYN URGP=0 "), 0);
	T_STR(get("source.ip"), "2001:db8::1");
	T_STR(get("destination.ip"), "2001:db8:1::ff");
	T_STR(get("netfilter.ttl"), "64");
	T_STR(get("destination.port"), "22");

	/* not an address: kept as printed */
	T_INT(dec("IN=eth0 OUT= SRC=zz:zz DST=1:2 LEN=1 "), 0);
	T_STR(get("source.ip"), "zz:zz");
}

static void
test_arp_trunc(void)
{
	T_INT(dec("arp-log: IN=br0 OUT= "
	    "MAC=ff:ff:ff:ff:ff:ff:52:54:00:ab:cd:ef:08:06 ARP HTYPE=1 "
	    "PTYPE=0x0800 OPCODE=1 MACSRC=52:54:00:ab:cd:ef "
	    "IPSRC=192.168.122.10 MACDST=00:00:00:00:00:00 "
	    "IPDST=192.168.122.1 "), 0);
	T_STR(get("network.type"), "arp");
	T_STR(get("source.ip"), "192.168.122.10");
	T_STR(get("destination.ip"), "192.168.122.1");
	T_STR(get("source.mac"), "52:54:00:ab:cd:ef");
	T_STR(get("destination.mac"), "ff:ff:ff:ff:ff:ff");
	T_STR(get("netfilter.ethertype"), "0806");
	T_STR(get("netfilter.arp_opcode"), "1");

	/* ARP without a MAC header: ARP's own MACs */
	T_INT(dec("IN=br0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=2 "
	    "MACSRC=52:54:00:ab:cd:ef IPSRC=10.0.0.1 "
	    "MACDST=52:54:00:12:34:56 IPDST=10.0.0.2"), 0);
	T_STR(get("destination.mac"), "52:54:00:12:34:56");
	T_STR(get("destination.ip"), "10.0.0.2");

	T_INT(dec("IN=eth0 OUT= " ETH "SRC=1.2.3.4 DST=5.6.7.8 LEN=1500 "
	    "TOS=0x00 PREC=0x00 TTL=64 ID=3 PROTO=TCP INCOMPLETE [8 bytes] "),
	    0);
	T_STR(get("netfilter.truncated"), "true");
	T_STR(get("network.transport"), "tcp");
	T_STR(get("source.ip"), "1.2.3.4");
	T_OK(get("source.port") == NULL);

	T_INT(dec("[12.5] IN=eth0 OUT= " ETH "TRUNCATED"), 0);
	T_STR(get("netfilter.truncated"), "true");
	T_STR(get("source.mac"), "52:54:00:ab:cd:ef");
	T_OK(get("source.ip") == NULL);

	/* non-Ethernet MAC header kept whole */
	T_INT(dec("IN=tun0 OUT= MAC=45:00 SRC=1.2.3.4 DST=5.6.7.8 "), 0);
	T_STR(get("netfilter.mac"), "45:00");
	T_OK(get("source.mac") == NULL);
}

static void
test_odd(void)
{
	const char	*bad[] = {
		"", "IN=", "IN=eth0", "IN=eth0 OUT", "Started session 1",
		"[ 12.000] usb 1-1: new device", "OUT=eth0 IN=eth0 ",
		"IN=eth0  OUT= SRC=1.1.1.1", NULL
	};
	int		 i, n;
	size_t		 sl;

	for (i = 0; bad[i] != NULL; i++) {
		preset(&ev);
		n = ev.nfields;
		sl = ev.scratchlen;
		T_INT(dec_netfilter(bad[i], strlen(bad[i]), &ev), ERR_FORMAT);
		T_INT(ev.nfields, n);
		T_INT(ev.scratchlen, sl);
	}
	/* minimal */
	T_INT(dec("IN= OUT="), 0);
	T_STR(get("event.action"), "netfilter_log");
	T_OK(get("observer.ingress.interface.name") == NULL);

	/* fields in the wrong order */
	T_INT(dec("IN=eth0 OUT= DPT=80 PROTO=TCP SYN SRC=1.1.1.1 SPT=1 "
	    "DST=2.2.2.2 ACK"), 0);
	T_STR(get("destination.port"), "80");
	T_STR(get("source.ip"), "1.1.1.1");
	T_STR(get("netfilter.tcp_flags"), "SYN ACK");

	/* prefix with spaces and brackets; no trailing space */
	T_INT(dec("[ 5.000001]   my [x] log  IN=lo OUT=lo SRC=127.0.0.1"), 0);
	T_STR(get("netfilter.prefix"), "my [x] log");
	T_STR(get("observer.ingress.interface.name"), "lo");

	/* a prefix that itself ends in "IN=" */
	T_INT(dec("FW-IN=IN=eth0 OUT= SRC=1.1.1.1"), 0);
	T_STR(get("netfilter.prefix"), "FW-IN=");
	T_STR(get("observer.ingress.interface.name"), "eth0");

	/* a preset field is never replaced */
	preset(&ev);
	record_add(&ev, "event.action", "keep", 4);
	T_INT(dec_netfilter("IN=a OUT=b", 10, &ev), 0);
	T_STR(get("event.action"), "keep");

	/* junk tokens, stray brackets */
	T_INT(dec("IN=a OUT=b = =x x= ] ) [ unclosed SRC=9.9.9.9"), 0);
	T_OK(get("source.ip") == NULL);
}

static const char *const lines[] = {
	"[ 4772.035194] [HOST-IN-DROP] IN=br0 OUT= PHYSIN=eno1 " ETH
	    "SRC=198.51.100.7 DST=192.0.2.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 "
	    "ID=54321 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 RES=0x00 SYN "
	    "URGP=0 ",
	"nft-in-drop: IN=br0 OUT=br0 PHYSIN=vnet1 PHYSOUT=eno1 " ETH
	    "SRC=10.0.0.5 DST=8.8.8.8 LEN=76 TOS=0x00 PREC=0x00 TTL=64 ID=4242 "
	    "DF PROTO=UDP SPT=40000 DPT=53 LEN=56 UID=0 GID=0 MARK=0x1f ",
	"DROPIN=eth0 OUT= " ETH "SRC=192.0.2.1 DST=192.0.2.9 LEN=88 "
	    "TOS=0x00 PREC=0xC0 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 "
	    "[SRC=192.0.2.9 DST=192.0.2.1 LEN=60 TOS=0x00 PREC=0x00 TTL=64 "
	    "ID=777 DF PROTO=UDP SPT=5353 DPT=9999 LEN=40 ] ",
	"v6: IN=eth0 OUT= MAC=33:33:00:00:00:01:52:54:00:11:22:33:86:dd "
	    "SRC=fe80:0000:0000:0000:5054:00ff:fe11:2233 "
	    "DST=ff02:0000:0000:0000:0000:0000:0000:0001 LEN=72 TC=0 "
	    "HOPLIMIT=1 FLOWLBL=0 PROTO=ICMPv6 TYPE=130 CODE=0 ",
	"arp: IN=br0 OUT= MAC=ff:ff:ff:ff:ff:ff:52:54:00:ab:cd:ef:08:06 ARP "
	    "HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=52:54:00:ab:cd:ef "
	    "IPSRC=192.168.122.10 MACDST=00:00:00:00:00:00 "
	    "IPDST=192.168.122.1 ",
	"IN=eth0 OUT= MACSRC=52:54:00:ab:cd:ef MACDST=52:54:00:12:34:56 "
	    "VPROTO=8100 VID=42 MACPROTO=0800 SRC=10.1.1.1 DST=10.1.1.2 "
	    "PROTO=TCP INCOMPLETE [8 bytes] ",
	NULL
};

/* every prefix, in an exact-size heap copy so ASan sees overreads */
static void
test_truncation(void)
{
	int	 i, r, n, bad = 0;
	size_t	 k, len;
	char	*b;

	for (i = 0; lines[i] != NULL; i++) {
		len = strlen(lines[i]);
		for (k = 0; k <= len; k++) {
			b = malloc(k ? k : 1);
			memcpy(b, lines[i], k);
			preset(&ev);
			n = ev.nfields;
			r = dec_netfilter(b, k, &ev);
			if ((r != 0 && r != ERR_FORMAT) ||
			    (r != 0 && ev.nfields != n) || !ptrs_ok(&ev, b, k))
				bad++;
			free(b);
		}
	}
	T_INT(bad, 0);
}

static void
test_nul_big(void)
{
	static const char	 l1[] = "DR\0P IN=eth\0 OUT= SRC=1.2.\0.4 "
	    "DST=5\0 PROTO=T\0P SYN\0 ";
	char			*big;
	size_t			 n = 65536, o;

	T_INT(dec_netfilter(l1, sizeof(l1) - 1, (preset(&ev), &ev)), 0);
	T_OK(ptrs_ok(&ev, l1, sizeof(l1) - 1));
	T_INT(record_get(&ev, "netfilter.prefix", &o) != NULL, 1);
	T_INT(o, 4);
	T_OK(get("network.transport") == NULL);

	/* 64 KiB: a long prefix, then many tokens */
	big = malloc(n);
	memset(big, 'P', n);
	memcpy(big + 30000, "IN=eth0 OUT= ", 13);
	for (o = 30013; o + 8 <= n; o += 8)
		memcpy(big + o, "SRC=1.1 ", 8);
	preset(&ev);
	T_INT(dec_netfilter(big, n, &ev), 0);
	T_STR(get("source.ip"), "1.1");
	T_OK(ptrs_ok(&ev, big, n));
	/* 64 KiB of flags and brackets: lists stay bounded */
	for (o = 0; o + 4 <= n; o += 4)
		memcpy(big + o, "SYN ", 4);
	memcpy(big, "IN=a OUT=b ", 11);
	big[2000] = '[';
	preset(&ev);
	T_INT(dec_netfilter(big, n, &ev), 0);
	T_OK(ptrs_ok(&ev, big, n));
	T_OK(get("netfilter.tcp_flags") != NULL &&
	    strlen(get("netfilter.tcp_flags")) < 64);
	/* 64 KiB without IN= */
	memset(big, 'I', n);
	preset(&ev);
	T_INT(dec_netfilter(big, n, &ev), ERR_FORMAT);
	free(big);
}

static void
test_speed(void)
{
	struct timespec	 t0, t1;
	size_t		 len[8];
	long		 i, iters = 1000000;
	int		 k, nl;
	double		 s;

	for (nl = 0; lines[nl] != NULL; nl++)
		len[nl] = strlen(lines[nl]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < iters; i++) {
		k = i % 3;	/* typical: TCP, UDP, ICMP IPv4 lines */
		preset(&ev);
		if (dec_netfilter(lines[k], len[k], &ev) != 0)
			abort();
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("dec_netfilter: %.0f lines/s (informational)\n", iters / s);
}

int
main(void)
{
	test_ipv4();
	test_ipv6();
	test_arp_trunc();
	test_odd();
	test_truncation();
	test_nul_big();
	test_speed();
	return TEST_DONE();
}
