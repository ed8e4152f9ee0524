/*
 * dec_audit.c -- decoder for one Linux audit record, with the libvirt
 * records (VIRT_CONTROL, VIRT_RESOURCE, VIRT_MACHINE_ID) decoded into vm.*
 * fields and every other type into generic auditd.data.* fields.  Formats
 * in ../shared/reference/log-formats.md section 1; fields in
 * docs/decoders/audit.md.
 *
 * Renderings understood (header forms):
 *   RAW       [node=N ][node=N ]type=T msg=audit(EPOCH.MMM:SERIAL): BODY
 *   ENRICHED  the same, BODY followed by 0x1D and UID="root" AUID="unset"
 *   kernel    [[ uptime] ]audit: type=2500 audit(EPOCH.MMM:SERIAL): BODY
 *   journal   VIRT_CONTROL pid=1187 uid=0 ... msg='...'   (no stamp)
 * BODY is key=value pairs; msg='...' holds the sending program's own
 * key=value text.  Values are "quoted", 'quoted', bare, or bare uppercase
 * hex when audit_encode_nv_string() found a special byte; hex is decoded
 * only for the keys that library encodes.
 *
 * Pure: no I/O, no allocation, no globals but const tables.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dec.h"
#include "err.h"
#include "fname.h"
#include "record.h"

#define AUDIT_FIELDS_MAX	30	/* own fields per record, at most */
#define AUDIT_HEX_MAX		1024	/* longest hex-decoded value */
#define AUDIT_ACTION_MAX	48

enum audit_field {
	A_TYPE, A_SEQ, A_NODE, A_PID, A_UID, A_AUID, A_SES, A_SUBJ, A_EXE,
	A_OUTCOME, A_ACTION, A_REASON, A_USER_NAME, A_AUID_NAME, A_SRC_IP,
	A_VM_NAME, A_VM_UUID, A_VM_PID, A_VM_VIRT, A_VM_INIT_PID, A_VM_PID_NS,
	A_RES_TYPE, A_RES_OLD, A_RES_NEW, A_RES_MAC, A_RES_PATH, A_RES_RDEV,
	A_RES_CGROUP, A_RES_CLASS, A_RES_CATEGORY, A_RES_MAJOR, A_RES_ACL,
	A_RES_BUS, A_RES_DEVICE, A_RES_SIZE, A_SEC_MODEL, A_SEC_VM_CTX,
	A_SEC_IMG_CTX,
	A_DATA			/* first auditd.data.* id */
};

static const char *const audit_names[A_DATA] = {
	"auditd.log.record_type", "auditd.log.sequence", "auditd.log.node",
	"process.pid", "user.id", "user.audit.id", "auditd.session",
	"auditd.log.subj", "process.executable", "event.outcome",
	"event.action", "event.reason", "user.name", "user.audit.name",
	"source.ip", "vm.name", "vm.uuid", "vm.pid", "vm.virt",
	"vm.init_pid", "vm.pid_ns", "vm.resource.type", "vm.resource.old",
	"vm.resource.new", "vm.resource.mac", "vm.resource.path",
	"vm.resource.rdev", "vm.resource.cgroup", "vm.resource.class",
	"vm.resource.category", "vm.resource.major", "vm.resource.acl",
	"vm.resource.bus", "vm.resource.device", "vm.resource.size",
	"vm.security.model", "vm.security.vm_ctx", "vm.security.img_ctx",
};

/* generic keys kept as auditd.data.<key>; enc: may be hex-encoded */
struct audit_key {
	const char	*key;
	size_t		 len;
	const char	*name;
	int		 enc;
};

#define K(k, e)	{ k, sizeof(k) - 1, "auditd.data." k, e }
static const struct audit_key audit_keys[] = {
	K("op", 0), K("acct", 1), K("id", 0), K("hostname", 0),
	K("addr", 0), K("terminal", 0), K("grantors", 0), K("unit", 0),
	K("comm", 1), K("cmd", 1), K("cwd", 1), K("name", 1),
	K("proctitle", 1), K("key", 1), K("tty", 0), K("ppid", 0),
	K("syscall", 0), K("arch", 0), K("exit", 0), K("a0", 0), K("a1", 0),
	K("a2", 0), K("a3", 0), K("items", 0), K("euid", 0), K("suid", 0),
	K("fsuid", 0), K("gid", 0), K("egid", 0), K("sgid", 0),
	K("fsgid", 0), K("inode", 0), K("ino", 0), K("dev", 0),
	K("mode", 0), K("ouid", 0), K("ogid", 0), K("rdev", 0),
	K("nametype", 0), K("obj", 0), K("old-auid", 0), K("old-ses", 0),
	K("reason", 0), K("direction", 0), K("kind", 0), K("spid", 0),
	K("saddr", 0), K("laddr", 0), K("lport", 0), K("family", 0),
	K("apparmor", 0), K("operation", 0), K("profile", 0), K("info", 0),
	K("requested_mask", 0), K("denied_mask", 0),
	K("cap_fp", 0), K("cap_fi", 0), K("cap_fe", 0), K("cap_fver", 0),
	K("cap_pp", 0), K("cap_pi", 0), K("cap_pe", 0), K("path", 1),
	K("cgroup", 1), K("vm", 1), K("uuid", 0), K("virt", 0),
	K("new-ses", 0), K("auid_old", 0),
};
#undef K
#define AUDIT_NKEYS	(sizeof(audit_keys) / sizeof(audit_keys[0]))
#define A_MAX		(A_DATA + (int)AUDIT_NKEYS)

/* numbers from linux/audit.h and libaudit.h that the kernel form uses */
static const struct {
	const char	*num;
	const char	*name;
} audit_types[] = {
	{ "1006", "LOGIN" }, { "1100", "USER_AUTH" }, { "1101", "USER_ACCT" },
	{ "1102", "USER_MGMT" }, { "1103", "CRED_ACQ" },
	{ "1104", "CRED_DISP" }, { "1105", "USER_START" },
	{ "1106", "USER_END" }, { "1107", "USER_AVC" },
	{ "1108", "USER_CHAUTHTOK" }, { "1109", "USER_ERR" },
	{ "1110", "CRED_REFR" }, { "1111", "USYS_CONFIG" },
	{ "1112", "USER_LOGIN" }, { "1113", "USER_LOGOUT" },
	{ "1114", "ADD_USER" }, { "1115", "DEL_USER" },
	{ "1116", "ADD_GROUP" }, { "1117", "DEL_GROUP" },
	{ "1123", "USER_CMD" }, { "1124", "USER_TTY" },
	{ "1130", "SERVICE_START" }, { "1131", "SERVICE_STOP" },
	{ "1300", "SYSCALL" }, { "1302", "PATH" }, { "1305", "CONFIG_CHANGE" },
	{ "1307", "CWD" }, { "1309", "EXECVE" }, { "1320", "EOE" },
	{ "1325", "NETFILTER_CFG" }, { "1326", "SECCOMP" },
	{ "1327", "PROCTITLE" }, { "1400", "AVC" }, { "1401", "SELINUX_ERR" },
	{ "1700", "ANOM_PROMISCUOUS" }, { "1701", "ANOM_ABEND" },
	{ "2500", "VIRT_CONTROL" }, { "2501", "VIRT_RESOURCE" },
	{ "2502", "VIRT_MACHINE_ID" },
	{ NULL, NULL }
};

enum { T_OTHER, T_CONTROL, T_RESOURCE, T_MACHINE_ID, T_VIRT };

struct actx {
	struct record	*ev;
	int		 base;		/* fields set before the decoder */
	int		 nadd;		/* own fields added */
	int		 kind;		/* T_* */
	int		 enriched;	/* after the 0x1D separator */
	uint64_t	 have[(A_DATA + AUDIT_NKEYS + 63) / 64];
};

static int
keyis(const char *k, size_t kl, const char *s)
{
	size_t n = strlen(s);

	return kl == n && memcmp(k, s, n) == 0;
}

static int
prefixis(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/*
 * Add a field unless it is set (first wins; decode.c's fields stay).
 * A bit per own field and a scan of the fields that were there before
 * the decoder (first byte compared first) prove the name absent, so the
 * field is appended without record_add()'s strcmp() scan of every field.
 * Empty values are not stored; past AUDIT_FIELDS_MAX fields are dropped.
 */
static void
put(struct actx *c, int id, const char *v, size_t n)
{
	struct record	*ev = c->ev;
	const char	*name;
	uint32_t	 fid;
	int		 i;

	if (n == 0 || (c->have[id / 64] & (1ULL << (id % 64))) ||
	    c->nadd >= AUDIT_FIELDS_MAX || ev->nfields >= REC_FIELDS_MAX)
		return;
	c->have[id / 64] |= 1ULL << (id % 64);
	name = id < A_DATA ? audit_names[id] : audit_keys[id - A_DATA].name;
	fid = fname_id(name);
	if ((i = record_find(ev, name, fid)) >= 0 && i < c->base)
		return;
	(void)record_append(ev, name, fid, v, n);
	c->nadd++;
}

/* The same, with the value copied into the record's scratch. */
static void
putcopy(struct actx *c, int id, const char *v, size_t n)
{
	struct record	*ev = c->ev;
	char		*p;

	if (n == 0 || (c->have[id / 64] & (1ULL << (id % 64))) ||
	    n + 1 > REC_SCRATCH - ev->scratchlen)
		return;
	p = ev->scratch + ev->scratchlen;
	memcpy(p, v, n);
	p[n] = '\0';
	ev->scratchlen += n + 1;
	put(c, id, p, n);
}

static void
putstr(struct actx *c, int id, const char *s)
{
	putcopy(c, id, s, strlen(s));
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* audit_encode_nv_string() output: even length, upper-case hex only */
static int
is_hex(const char *v, size_t n)
{
	size_t i;

	if (n < 2 || n % 2 != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (hexval((unsigned char)v[i]) < 0)
			return 0;
	return 1;
}

/*
 * Store a value that may be hex-encoded (bare and all upper-case hex):
 * decoded into scratch, NUL bytes (proctitle argument separators) as
 * spaces.  Too long for AUDIT_HEX_MAX or scratch: kept as written.
 */
static void
put_enc(struct actx *c, int id, const char *v, size_t n, int quoted)
{
	char	buf[AUDIT_HEX_MAX];
	size_t	i;

	if (quoted || !is_hex(v, n) || n / 2 > sizeof(buf)) {
		put(c, id, v, n);
		return;
	}
	for (i = 0; i < n / 2; i++) {
		buf[i] = (char)(hexval((unsigned char)v[2 * i]) << 4 |
		    hexval((unsigned char)v[2 * i + 1]));
		if (buf[i] == '\0')
			buf[i] = ' ';
	}
	if (n / 2 + 1 > REC_SCRATCH - c->ev->scratchlen)
		put(c, id, v, n);
	else
		putcopy(c, id, buf, n / 2);
}

static void
put_outcome(struct actx *c, const char *v, size_t n)
{
	if (keyis(v, n, "success") || keyis(v, n, "yes") || keyis(v, n, "1"))
		putstr(c, A_OUTCOME, "success");
	else if (keyis(v, n, "failed") || keyis(v, n, "no") ||
	    keyis(v, n, "0") || keyis(v, n, "failure"))
		putstr(c, A_OUTCOME, "failure");
}

/* event.action = <pfx><word> for a short lower-case word */
static void
put_action(struct actx *c, const char *pfx, const char *v, size_t n)
{
	char	buf[AUDIT_ACTION_MAX];
	size_t	pl = strlen(pfx), i;

	if (n == 0 || pl + n > sizeof(buf))
		return;
	for (i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || v[i] == '-' ||
		    v[i] == '_'))
			return;
	memcpy(buf, pfx, pl);
	memcpy(buf + pl, v, n);
	putcopy(c, A_ACTION, buf, pl + n);
}

static int
looks_ip(const char *v, size_t n)
{
	size_t	i;
	int	sep = 0;

	for (i = 0; i < n; i++) {
		if (v[i] == '.' || v[i] == ':')
			sep = 1;
		else if (hexval((unsigned char)v[i] & ~0x20) < 0 &&
		    hexval((unsigned char)v[i]) < 0)
			return 0;
	}
	return sep;
}

static void
generic(struct actx *c, const char *k, size_t kl, const char *v, size_t n,
    int quoted)
{
	size_t i;

	for (i = 0; i < AUDIT_NKEYS; i++)
		if (audit_keys[i].len == kl && audit_keys[i].key[0] == k[0] &&
		    memcmp(audit_keys[i].key, k, kl) == 0) {
			if (audit_keys[i].enc)
				put_enc(c, A_DATA + (int)i, v, n, quoted);
			else
				put(c, A_DATA + (int)i, v, n);
			return;
		}
}

/* VIRT_RESOURCE old-X / new-X: X = mem, vcpu, iothread are numbers */
static void
put_oldnew(struct actx *c, int id, const char *k, size_t kl, const char *v,
    size_t n, int quoted)
{
	const char *x = k + 4;		/* after "old-" / "new-" */

	kl -= 4;
	if (keyis(x, kl, "mem") || keyis(x, kl, "vcpu") ||
	    keyis(x, kl, "iothread") || keyis(x, kl, "net"))
		put(c, id, v, n);
	else
		put_enc(c, id, v, n, quoted);
}

/* libvirt's msg='...' keys; 1 when used */
static int
virt_key(struct actx *c, const char *k, size_t kl, const char *v, size_t n,
    int quoted)
{
	if (keyis(k, kl, "vm"))
		put_enc(c, A_VM_NAME, v, n, quoted);
	else if (keyis(k, kl, "uuid"))
		put(c, A_VM_UUID, v, n);
	else if (keyis(k, kl, "virt"))
		put(c, A_VM_VIRT, v, n);
	else if (c->kind == T_CONTROL) {
		if (keyis(k, kl, "op")) {
			if (keyis(v, n, "start"))
				putstr(c, A_ACTION, "vm_start");
			else if (keyis(v, n, "stop"))
				putstr(c, A_ACTION, "vm_stop");
			else
				put_action(c, "vm_", v, n);
		} else if (keyis(k, kl, "reason"))
			put(c, A_REASON, v, n);
		else if (keyis(k, kl, "vm-pid"))
			put(c, A_VM_PID, v, n);
		else if (keyis(k, kl, "init-pid"))
			put(c, A_VM_INIT_PID, v, n);
		else if (keyis(k, kl, "pid-ns"))
			put(c, A_VM_PID_NS, v, n);
		else
			return 0;
	} else if (c->kind == T_RESOURCE) {
		if (keyis(k, kl, "resrc"))
			put(c, A_RES_TYPE, v, n);
		else if (keyis(k, kl, "reason")) {
			put_action(c, "vm_resource_", v, n);
			put(c, A_REASON, v, n);
		} else if (kl > 4 && memcmp(k, "old-", 4) == 0)
			put_oldnew(c, A_RES_OLD, k, kl, v, n, quoted);
		else if (kl > 4 && memcmp(k, "new-", 4) == 0)
			put_oldnew(c, A_RES_NEW, k, kl, v, n, quoted);
		else if (keyis(k, kl, "net"))
			put(c, A_RES_MAC, v, n);
		else if (keyis(k, kl, "path"))
			put_enc(c, A_RES_PATH, v, n, quoted);
		else if (keyis(k, kl, "rdev"))
			put(c, A_RES_RDEV, v, n);
		else if (keyis(k, kl, "cgroup"))	/* \x2d stays text */
			put_enc(c, A_RES_CGROUP, v, n, quoted);
		else if (keyis(k, kl, "class"))
			put(c, A_RES_CLASS, v, n);
		else if (keyis(k, kl, "category"))
			put(c, A_RES_CATEGORY, v, n);
		else if (keyis(k, kl, "maj"))
			put(c, A_RES_MAJOR, v, n);
		else if (keyis(k, kl, "acl"))
			put(c, A_RES_ACL, v, n);
		else if (keyis(k, kl, "bus"))
			put(c, A_RES_BUS, v, n);
		else if (keyis(k, kl, "device"))
			put_enc(c, A_RES_DEVICE, v, n, quoted);
		else if (keyis(k, kl, "size"))
			put(c, A_RES_SIZE, v, n);
		else
			return 0;
	} else if (c->kind == T_MACHINE_ID) {
		if (keyis(k, kl, "model"))
			put(c, A_SEC_MODEL, v, n);
		else if (keyis(k, kl, "vm-ctx"))
			put(c, A_SEC_VM_CTX, v, n);
		else if (keyis(k, kl, "img-ctx"))
			put(c, A_SEC_IMG_CTX, v, n);
		else
			return 0;
	} else
		return 0;
	return 1;
}

static void
keyval(struct actx *c, const char *k, size_t kl, const char *v, size_t n,
    int quoted)
{
	/* "?" is libaudit's "no value"; (null) and (none) the kernel's */
	if (n == 0 || (!quoted && (keyis(v, n, "?") || keyis(v, n, "(null)") ||
	    keyis(v, n, "(none)"))) || (quoted && keyis(v, n, "?")))
		return;
	if (c->enriched) {
		if (keyis(k, kl, "UID"))
			put(c, A_USER_NAME, v, n);
		else if (keyis(k, kl, "AUID") && !keyis(v, n, "unset"))
			put(c, A_AUID_NAME, v, n);
		return;
	}
	switch (k[0]) {
	case 'a':
		if (keyis(k, kl, "auid")) {
			put(c, A_AUID, v, n);
			return;
		}
		if (keyis(k, kl, "addr") && looks_ip(v, n))
			put(c, A_SRC_IP, v, n);
		break;
	case 'e':
		if (keyis(k, kl, "exe")) {
			put_enc(c, A_EXE, v, n, quoted);
			return;
		}
		break;
	case 'p':
		if (keyis(k, kl, "pid")) {
			put(c, A_PID, v, n);
			return;
		}
		break;
	case 'r':
		if (keyis(k, kl, "res")) {
			put_outcome(c, v, n);
			return;
		}
		break;
	case 's':
		if (keyis(k, kl, "ses")) {
			put(c, A_SES, v, n);
			return;
		}
		if (keyis(k, kl, "subj")) {
			put(c, A_SUBJ, v, n);
			return;
		}
		if (keyis(k, kl, "success")) {
			put_outcome(c, v, n);
			return;
		}
		break;
	case 'u':
		if (keyis(k, kl, "uid")) {
			put(c, A_UID, v, n);
			return;
		}
		break;
	}
	if (c->kind != T_OTHER && virt_key(c, k, kl, v, n, quoted))
		return;
	generic(c, k, kl, v, n, quoted);
}

/* end of a bare value or word */
static const char *
wordend(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\x1d')
		p++;
	return p;
}

/*
 * Walk key=value pairs in [p, end).  The outer msg='...' holds the
 * program's text; it ends at its last quote before the 0x1D (libvirt does
 * not escape a ' inside a quoted vm="..."), and is walked as inner.
 */
static void
walk(struct actx *c, const char *p, const char *end, int inner)
{
	const char	*k, *eq, *v, *ve, *lim, *q;
	int		 quoted;

	while (p < end) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '\x1d') {
			c->enriched = 1;
			p++;
			continue;
		}
		for (k = p; p < end && *p != '=' && *p != ' ' && *p != '\x1d';
		    p++)
			;
		if (p >= end || *p != '=' || p == k) {
			p = wordend(p, end);
			continue;
		}
		eq = p;
		v = eq + 1;
		quoted = 0;
		if (v < end && *v == '\'' && !inner && !c->enriched &&
		    keyis(k, eq - k, "msg")) {
			lim = memchr(v + 1, '\x1d', end - v - 1);
			if (lim == NULL)
				lim = end;
			q = memrchr(v + 1, '\'', lim - v - 1);
			ve = q != NULL ? q : lim;
			walk(c, v + 1, ve, 1);
			p = q != NULL ? q + 1 : lim;
			continue;
		}
		if (v < end && (*v == '"' || *v == '\'')) {
			q = memchr(v + 1, *v, end - v - 1);
			ve = q != NULL ? q : end;
			p = q != NULL ? q + 1 : end;
			v++;
			quoted = 1;
		} else
			p = ve = wordend(v, end);
		keyval(c, k, eq - k, v, ve - v, quoted);
	}
}

/* "[ 4772.035194] ": digits, spaces and dots inside the brackets */
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

static int
isdigitc(int ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * "EPOCH.FRAC:SERIAL): " at p.  Sets *ts (microseconds) and the serial;
 * returns the position after "): " or NULL.
 */
static const char *
parse_stamp(const char *p, const char *end, int64_t *ts, const char **ser,
    size_t *serlen)
{
	int64_t	 sec = 0, us = 0, scale = 100000;
	size_t	 nd;

	for (nd = 0; p < end && isdigitc(*p); p++, nd++)
		if (nd < 12)	/* 12 digits of seconds is year 33658 */
			sec = sec * 10 + (*p - '0');
	if (nd == 0 || nd > 12)
		return NULL;
	if (p < end && *p == '.') {
		for (p++, nd = 0; p < end && isdigitc(*p); p++, nd++)
			if (nd < 6) {
				us += (*p - '0') * scale;
				scale /= 10;
			}
		if (nd == 0)
			return NULL;
	}
	if (p >= end || *p++ != ':')
		return NULL;
	for (*ser = p; p < end && isdigitc(*p); p++)
		;
	*serlen = p - *ser;
	if (*serlen == 0 || end - p < 2 || p[0] != ')' || p[1] != ':')
		return NULL;
	p += 2;
	if (p < end && *p == ' ')
		p++;
	*ts = sec * 1000000 + us;
	return p;
}

/* journal form: "TYPE key=" with TYPE upper-case (or UNKNOWN[N]) */
static const char *
journal_type(const char *p, const char *end, size_t *tl)
{
	const char *q = p, *k;

	if (q >= end || *q < 'A' || *q > 'Z')
		return NULL;
	while (q < end && ((*q >= 'A' && *q <= 'Z') || isdigitc(*q) ||
	    *q == '_' || *q == '[' || *q == ']'))
		q++;
	if (q - p < 3 || q >= end || *q != ' ')
		return NULL;
	for (k = q + 1; k < end && ((*k >= 'a' && *k <= 'z') ||
	    isdigitc(*k) || *k == '_' || *k == '-'); k++)
		;
	if (k == q + 1 || k >= end || *k != '=')
		return NULL;
	*tl = q - p;
	return q + 1;
}

static void
put_type(struct actx *c, const char *t, size_t tl)
{
	size_t	i;
	char	buf[32];
	int	n;

	for (i = 0; i < tl && isdigitc(t[i]); i++)
		;
	if (i == tl && tl > 0) {	/* kernel form: a number */
		for (i = 0; audit_types[i].num != NULL; i++)
			if (keyis(t, tl, audit_types[i].num)) {
				t = audit_types[i].name;
				tl = strlen(t);
				break;
			}
		if (audit_types[i].num == NULL) {
			if (tl > 10)
				return;
			n = snprintf(buf, sizeof(buf), "UNKNOWN[%.*s]",
			    (int)tl, t);
			putcopy(c, A_TYPE, buf, (size_t)n);
			return;
		}
		putcopy(c, A_TYPE, t, tl);
	} else
		put(c, A_TYPE, t, tl);
	if (keyis(t, tl, "VIRT_CONTROL"))
		c->kind = T_CONTROL;
	else if (keyis(t, tl, "VIRT_RESOURCE"))
		c->kind = T_RESOURCE;
	else if (keyis(t, tl, "VIRT_MACHINE_ID"))
		c->kind = T_MACHINE_ID;
	else if (tl > 5 && memcmp(t, "VIRT_", 5) == 0)
		c->kind = T_VIRT;
}

int
dec_audit(const char *msg, size_t len, struct record *ev, int64_t *ts_us)
{
	struct actx	 st, *c = &st;
	const char	*end = msg + len, *p, *t, *sp;
	const char	*node = NULL, *ser = NULL;
	size_t		 tl, nodelen = 0, serlen = 0;
	int64_t		 ts = 0;
	int		 stamped = 0;

	if (msg == NULL || len == 0)
		return ERR_FORMAT;
	p = skip_uptime(msg, end);
	if (prefixis(p, end, "audit: "))
		p += 7;
	while (prefixis(p, end, "node=")) {
		if ((sp = memchr(p + 5, ' ', end - p - 5)) == NULL)
			return ERR_FORMAT;
		if (node == NULL) {
			node = p + 5;
			nodelen = sp - node;
		}
		p = sp + 1;
	}
	if (prefixis(p, end, "type=")) {
		t = p + 5;
		if ((sp = memchr(t, ' ', end - t)) == NULL || sp == t)
			return ERR_FORMAT;
		tl = sp - t;
		p = sp + 1;
		if (prefixis(p, end, "msg=audit("))
			p += 10;
		else if (prefixis(p, end, "audit("))
			p += 6;
		else
			return ERR_FORMAT;
		if ((p = parse_stamp(p, end, &ts, &ser, &serlen)) == NULL)
			return ERR_FORMAT;
		stamped = 1;
	} else {
		t = p;
		if (node != NULL || (p = journal_type(t, end, &tl)) == NULL)
			return ERR_FORMAT;
	}

	memset(&st, 0, sizeof(st));
	c->ev = ev;
	c->base = ev->nfields;
	put_type(c, t, tl);
	put(c, A_SEQ, ser, serlen);
	put(c, A_NODE, node, nodelen);
	walk(c, p, end, 0);
	if (stamped && ts_us != NULL)
		*ts_us = ts;
	return 0;
}
