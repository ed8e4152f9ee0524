/*
 * dec_netfilter.c -- decoder for netfilter LOG lines: the iptables and
 * ip6tables LOG target and nftables "log" without "group", all printed by
 * the kernel's net/netfilter/nf_log_syslog.c (formats and variants in
 * ../shared/reference/log-formats.md section 4, docs/decoders/
 * netfilter.md for the fields).
 *
 * Shape: "[ uptime] " (syslog only) then <prefix>IN=<in> OUT=<out> and
 * space-separated KEY=VALUE tokens, bare flag words (DF, SYN, ...), the
 * "OPT (HEX)" blob and bracketed parts (ICMP inner packet dump,
 * "INCOMPLETE [N bytes]").  The prefix is glued to "IN=" with no separator.
 * After "OUT=" the order of tokens is not relied on; only "before/after
 * PROTO=" matters, because LEN and ID mean different things on each side.
 *
 * Pure: no I/O, no allocation, no globals but const tables.  Values point
 * into msg except transformed ones (canonical IPv6, flag lists, ethertype)
 * which are copied into the record's scratch.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "dec.h"
#include "err.h"
#include "fname.h"
#include "record.h"

#define NF_LIST_MAX	64	/* "CWR ECE URG ACK PSH RST SYN FIN AE" fits */

enum nf_field {
	F_EVENT_ACTION,
	F_NF_PREFIX,
	F_INGRESS_IF,
	F_EGRESS_IF,
	F_NF_PHYSIN,
	F_NF_PHYSOUT,
	F_DST_MAC,
	F_SRC_MAC,
	F_NF_ETHERTYPE,
	F_NF_MAC,
	F_NET_VLAN_ID,
	F_SRC_IP,
	F_DST_IP,
	F_NET_TYPE,
	F_NET_TRANSPORT,
	F_NET_IANA_NUMBER,
	F_NF_PROTO,
	F_SRC_PORT,
	F_DST_PORT,
	F_NF_LEN,
	F_NF_TTL,
	F_NF_ID,
	F_NF_FLAGS,
	F_NF_FRAG,
	F_NF_TCP_FLAGS,
	F_NF_WINDOW,
	F_ICMP_TYPE,
	F_ICMP_CODE,
	F_NF_UID,
	F_NF_GID,
	F_NF_MARK,
	F_NF_ARP_OPCODE,
	F_NF_TRUNCATED,
	F_MAX
};

static const char *const nf_names[F_MAX] = {
	"event.action",
	"netfilter.prefix",
	"observer.ingress.interface.name",
	"observer.egress.interface.name",
	"netfilter.physin",
	"netfilter.physout",
	"destination.mac",
	"source.mac",
	"netfilter.ethertype",
	"netfilter.mac",
	"network.vlan.id",
	"source.ip",
	"destination.ip",
	"network.type",
	"network.transport",
	"network.iana_number",
	"netfilter.proto",
	"source.port",
	"destination.port",
	"netfilter.len",
	"netfilter.ttl",
	"netfilter.id",
	"netfilter.flags",
	"netfilter.frag",
	"netfilter.tcp_flags",
	"netfilter.window",
	"icmp.type",
	"icmp.code",
	"netfilter.uid",
	"netfilter.gid",
	"netfilter.mark",
	"netfilter.arp_opcode",
	"netfilter.truncated",
};

struct nf {
	struct record	*ev;
	int		 base;		/* fields set before the decoder */
	uint64_t	 have;		/* own fields set, bit per id */
	int		 proto;		/* PROTO= seen */
	int		 nettype;	/* network.type set */
	char		 flags[NF_LIST_MAX];	/* CE DF MF */
	size_t		 flagslen;
	char		 tcpf[NF_LIST_MAX];	/* TCP flags */
	size_t		 tcpflen;
};

/*
 * Add a field unless it is already set (first wins: decode.c's fields
 * stay, and a repeated key in a line cannot override the first one).
 * Empty values are not stored; a full record drops the field silently.
 *
 * The "already set" test is a bit per own field plus a scan of the fields
 * that were there before the decoder (first byte compared first), so a
 * name is known to be absent and is appended without record_add()'s
 * strcmp() scan over every field: that scan was 65% of the decoder's time.
 */
static void
put(struct nf *c, int id, const char *v, size_t n)
{
	struct record	*ev = c->ev;
	const char	*name = nf_names[id];
	uint32_t	 fid;
	int		 i;

	if (n == 0 || (c->have & (1ULL << id)))
		return;
	c->have |= 1ULL << id;
	fid = fname_id(name);
	if ((i = record_find(ev, name, fid)) >= 0 && i < c->base)
		return;
	if (ev->nfields >= REC_FIELDS_MAX)
		return;
	(void)record_append(ev, name, fid, v, n);
}

/* The same, with the value copied into the record's scratch. */
static void
putcopy(struct nf *c, int id, const char *v, size_t n)
{
	struct record	*ev = c->ev;
	char		*p;

	if (n == 0 || (c->have & (1ULL << id)) ||
	    n + 1 > REC_SCRATCH - ev->scratchlen)
		return;
	p = ev->scratch + ev->scratchlen;
	memcpy(p, v, n);
	p[n] = '\0';
	ev->scratchlen += n + 1;
	put(c, id, p, n);
}

static int
keyis(const char *k, size_t kl, const char *s)
{
	size_t n = strlen(s);

	return kl == n && memcmp(k, s, n) == 0;
}

/* Append word to a space-separated list (silently full). */
static void
list_add(char *buf, size_t *len, const char *w, size_t wl)
{
	size_t need = wl + (*len > 0);

	if (need > NF_LIST_MAX - *len)
		return;
	if (*len > 0)
		buf[(*len)++] = ' ';
	memcpy(buf + *len, w, wl);
	*len += wl;
}

/* "[ 4772.035194] ": digits, spaces and one dot inside the brackets */
static const char *
skip_uptime(const char *p, const char *end)
{
	const char *q;

	if (p >= end || *p != '[')
		return p;
	for (q = p + 1; q < end && (*q == ' ' || *q == '.' ||
	    (*q >= '0' && *q <= '9')); q++)
		;
	if (q == p + 1 || q >= end || *q != ']')
		return p;
	q++;
	if (q < end && *q == ' ')
		q++;
	return q;
}

/*
 * Find "IN=<val> OUT=" (the first "IN=" that is followed by one); sets
 * *in to the "IN=" position.  NULL when the line has none.
 */
static const char *
find_in_out(const char *p, const char *end, const char **in)
{
	const char *q = p, *v, *sp;

	while (end - q >= 3 && (q = memmem(q, end - q, "IN=", 3)) != NULL) {
		v = q + 3;
		sp = memchr(v, ' ', end - v);
		/* an interface name has no '=': "X-IN=IN=eth0" is prefix */
		if (sp != NULL && end - sp >= 5 &&
		    memcmp(sp, " OUT=", 5) == 0 &&
		    memchr(v, '=', sp - v) == NULL) {
			*in = q;
			return sp + 5;
		}
		q += 3;
	}
	return NULL;
}

/* Ethertype "08:00" or "0800" -> "0800" (lower-case as printed). */
static void
put_ethertype(struct nf *c, const char *v, size_t n)
{
	char t[4];

	if (n == 5 && v[2] == ':') {
		t[0] = v[0];
		t[1] = v[1];
		t[2] = v[3];
		t[3] = v[4];
		putcopy(c, F_NF_ETHERTYPE, t, 4);
	} else
		put(c, F_NF_ETHERTYPE, v, n);
}

/* IPv4 as printed; IPv6 (printed full, zero-padded) in canonical form. */
static void
put_ip(struct nf *c, int id, const char *v, size_t n)
{
	char		tmp[INET6_ADDRSTRLEN], out[INET6_ADDRSTRLEN];
	struct in6_addr	a;
	int		v6 = memchr(v, ':', n) != NULL;

	if (!c->nettype && n > 0) {
		putcopy(c, F_NET_TYPE, v6 ? "ipv6" : "ipv4", 4);
		c->nettype = 1;
	}
	if (!v6 || n >= sizeof(tmp)) {
		put(c, id, v, n);
		return;
	}
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, &a) == 1 &&
	    inet_ntop(AF_INET6, &a, out, sizeof(out)) != NULL)
		putcopy(c, id, out, strlen(out));
	else
		put(c, id, v, n);
}

struct nf_proto {
	const char	*printed;
	const char	*transport;
	const char	*iana;
};

static const struct nf_proto nf_protos[] = {
	{ "TCP", "tcp", "6" },
	{ "UDP", "udp", "17" },
	{ "ICMP", "icmp", "1" },
	{ "ICMPv6", "ipv6-icmp", "58" },
	{ "UDPLITE", "udplite", "136" },
	{ "ESP", "esp", "50" },
	{ "AH", "ah", "51" },
	{ "SCTP", "sctp", "132" },
	{ "IGMP", "igmp", "2" },
	{ "GRE", "gre", "47" },
	{ NULL, NULL, NULL }
};

static void
put_proto(struct nf *c, const char *v, size_t n)
{
	const struct nf_proto	*p;
	size_t			 i;

	if (c->proto)
		return;
	c->proto = 1;
	for (p = nf_protos; p->printed != NULL; p++)
		if (keyis(v, n, p->printed)) {
			putcopy(c, F_NET_TRANSPORT, p->transport,
			    strlen(p->transport));
			putcopy(c, F_NET_IANA_NUMBER, p->iana,
			    strlen(p->iana));
			return;
		}
	for (i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			break;
	if (i == n)
		put(c, F_NET_IANA_NUMBER, v, n);
	else
		put(c, F_NF_PROTO, v, n);
}

/* One KEY=VALUE token after OUT=. */
static void
keyval(struct nf *c, const char *k, size_t kl, const char *v, size_t n)
{
	switch (k[0]) {
	case 'A':
		break;			/* ACK=n (TCP ack number) */
	case 'C':
		if (keyis(k, kl, "CODE"))
			put(c, F_ICMP_CODE, v, n);
		break;
	case 'D':
		if (keyis(k, kl, "DST"))
			put_ip(c, F_DST_IP, v, n);
		else if (keyis(k, kl, "DPT"))
			put(c, F_DST_PORT, v, n);
		break;
	case 'G':
		if (keyis(k, kl, "GID"))
			put(c, F_NF_GID, v, n);
		break;
	case 'H':
		if (keyis(k, kl, "HOPLIMIT"))
			put(c, F_NF_TTL, v, n);
		break;
	case 'I':
		if (keyis(k, kl, "ID")) {
			if (!c->proto)	/* after PROTO=ICMP it is the echo id */
				put(c, F_NF_ID, v, n);
		} else if (keyis(k, kl, "IPSRC"))
			put_ip(c, F_SRC_IP, v, n);
		else if (keyis(k, kl, "IPDST"))
			put_ip(c, F_DST_IP, v, n);
		break;
	case 'L':
		if (keyis(k, kl, "LEN") && !c->proto)	/* not UDP LEN */
			put(c, F_NF_LEN, v, n);
		break;
	case 'M':
		if (keyis(k, kl, "MAC")) {
			/* Ethernet: dst(17) ':' src(17) ':' type(5) */
			if (n == 41 && v[17] == ':' && v[35] == ':') {
				put(c, F_DST_MAC, v, 17);
				put(c, F_SRC_MAC, v + 18, 17);
				put_ethertype(c, v + 36, 5);
			} else
				put(c, F_NF_MAC, v, n);
		} else if (keyis(k, kl, "MACSRC"))
			put(c, F_SRC_MAC, v, n);
		else if (keyis(k, kl, "MACDST"))
			put(c, F_DST_MAC, v, n);
		else if (keyis(k, kl, "MACPROTO"))
			put_ethertype(c, v, n);
		else if (keyis(k, kl, "MARK"))
			put(c, F_NF_MARK, v, n);
		break;
	case 'O':
		if (keyis(k, kl, "OPCODE"))
			put(c, F_NF_ARP_OPCODE, v, n);
		break;
	case 'P':
		if (keyis(k, kl, "PROTO"))
			put_proto(c, v, n);
		else if (keyis(k, kl, "PHYSIN"))
			put(c, F_NF_PHYSIN, v, n);
		else if (keyis(k, kl, "PHYSOUT"))
			put(c, F_NF_PHYSOUT, v, n);
		break;
	case 'S':
		if (keyis(k, kl, "SRC"))
			put_ip(c, F_SRC_IP, v, n);
		else if (keyis(k, kl, "SPT"))
			put(c, F_SRC_PORT, v, n);
		break;
	case 'T':
		if (keyis(k, kl, "TTL"))
			put(c, F_NF_TTL, v, n);
		else if (keyis(k, kl, "TYPE"))
			put(c, F_ICMP_TYPE, v, n);
		break;
	case 'U':
		if (keyis(k, kl, "UID"))
			put(c, F_NF_UID, v, n);
		break;
	case 'V':
		if (keyis(k, kl, "VID"))
			put(c, F_NET_VLAN_ID, v, n);
		break;
	case 'W':
		if (keyis(k, kl, "WINDOW"))
			put(c, F_NF_WINDOW, v, n);
		break;
	}
}

static int
is_tcpflag(const char *w, size_t n)
{
	static const char *const fl[] = {
		"CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN", "AE",
		NULL
	};
	int i;

	for (i = 0; fl[i] != NULL; i++)
		if (keyis(w, n, fl[i]))
			return 1;
	return 0;
}

/* A token without '='. */
static void
bareword(struct nf *c, const char *w, size_t n)
{
	if (keyis(w, n, "INCOMPLETE") || keyis(w, n, "TRUNCATED"))
		putcopy(c, F_NF_TRUNCATED, "true", 4);
	else if (n == 2 && (keyis(w, n, "DF") || keyis(w, n, "MF") ||
	    keyis(w, n, "CE")) && !c->proto)
		list_add(c->flags, &c->flagslen, w, n);
	else if (n <= 3 && is_tcpflag(w, n))
		list_add(c->tcpf, &c->tcpflen, w, n);
	else if (n > 5 && memcmp(w, "FRAG:", 5) == 0 && !c->proto)
		put(c, F_NF_FRAG, w + 5, n - 5);
	else if (keyis(w, n, "ARP") && !c->nettype) {
		putcopy(c, F_NET_TYPE, "arp", 3);
		c->nettype = 1;
	}
}

/* Skip a bracketed or parenthesised group, nesting allowed. */
static const char *
skip_group(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '[' || *p == '(')
			depth++;
		else if (*p == ']' || *p == ')') {
			if (--depth == 0)
				return p + 1;
		}
	}
	return end;
}

int
dec_netfilter(const char *msg, size_t len, struct record *ev)
{
	struct nf		 st, *c = &st;
	const char		*end = msg + len, *p, *in, *out, *q, *tok;
	const char		*pb, *pe, *eq;

	if (msg == NULL || len == 0)
		return ERR_FORMAT;
	p = skip_uptime(msg, end);
	if ((out = find_in_out(p, end, &in)) == NULL)
		return ERR_FORMAT;
	memset(&st, 0, sizeof(st));
	c->ev = ev;
	c->base = ev->nfields;

	/* prefix: free text before IN=, trimmed */
	for (pb = p, pe = in; pb < pe && *pb == ' '; pb++)
		;
	while (pe > pb && pe[-1] == ' ')
		pe--;
	putcopy(c, F_EVENT_ACTION, "netfilter_log", 13);
	put(c, F_NF_PREFIX, pb, pe - pb);
	q = memchr(in + 3, ' ', out - in - 3);	/* found by find_in_out */
	put(c, F_INGRESS_IF, in + 3, q - in - 3);
	for (q = out; q < end && *q != ' '; q++)
		;
	put(c, F_EGRESS_IF, out, q - out);

	for (p = q; p < end; ) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '[' || *p == '(') {
			p = skip_group(p, end);
			continue;
		}
		for (tok = p; p < end && *p != ' '; p++)
			;
		if ((eq = memchr(tok, '=', p - tok)) != NULL && eq > tok)
			keyval(c, tok, eq - tok, eq + 1, p - eq - 1);
		else if (eq == NULL)
			bareword(c, tok, p - tok);
	}
	putcopy(c, F_NF_FLAGS, c->flags, c->flagslen);
	putcopy(c, F_NF_TCP_FLAGS, c->tcpf, c->tcpflen);
	return 0;
}
