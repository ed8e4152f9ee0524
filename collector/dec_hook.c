/*
 * dec_hook.c -- decoder for vigil's libvirt hook lines (dec_hook.h,
 * docs/decoders/hook.md; the writer is shipper/hook.c).
 *
 * The message is "key=value" tokens separated by blanks, op= first.
 * String values follow audit_encode_nv_string: "text" in double quotes
 * (no quote inside), or the bytes as hex without quotes.  Numbers are
 * bare digits; uuid is bare.  Unknown keys are skipped so that the
 * format can grow.  Pure: no I/O, no allocation, no globals but const
 * tables; a line that is not recognised leaves the record as it was.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dec_hook.h"
#include "err.h"
#include "record.h"

#define HOOK_OP_MAX	32

enum kind { K_STR, K_NUM, K_UUID, K_SKIP };

static const struct {
	const char	*key;
	enum kind	 kind;
	const char	*field;		/* NULL: handled in dec_hook */
} keys[] = {
	{ "op", K_STR, "libvirt.hook.op" },
	{ "sub", K_STR, NULL },
	{ "extra", K_STR, NULL },
	{ "vm", K_STR, "vm.name" },
	{ "uuid", K_UUID, "vm.uuid" },
	{ "mac", K_STR, "vm.mac" },
	{ "bridge", K_STR, "vm.bridge" },
	{ "dev", K_STR, "vm.vnet" },
	{ "mem_kib", K_NUM, "vm.memory_kib" },
	{ "vcpus", K_NUM, "vm.vcpus" },
	{ "disks", K_STR, "vm.disks" },
	{ "cut", K_NUM, "libvirt.hook.cut" },
};

/* The fields being added and the first error met. */
struct hkout {
	struct record	*ev;
	int		 r;
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Add name = v[0..n) unless the field is set; hex: decode it first. */
static void
put(struct hkout *o, const char *name, const char *v, size_t n, int hex)
{
	struct record	*ev = o->ev;
	size_t		 len, i;
	char		*p;

	if (o->r != 0 || record_get(ev, name, &len) != NULL)
		return;
	if (!hex) {
		o->r = record_add(ev, name, v, n);
		return;
	}
	if (n / 2 + 1 > REC_SCRATCH - ev->scratchlen) {
		o->r = ERR_TOOBIG;
		return;
	}
	p = ev->scratch + ev->scratchlen;
	for (i = 0; i < n / 2; i++)
		p[i] = (char)(hexval(v[2 * i]) << 4 | hexval(v[2 * i + 1]));
	p[n / 2] = '\0';
	ev->scratchlen += n / 2 + 1;
	o->r = record_add(ev, name, p, n / 2);
}

/* One token at s[0..n): key, value, whether the value is hex. */
struct tok {
	const char	*k, *v;
	size_t		 klen, vlen;
	int		 quoted;
};

/*
 * Next "key=value" from s[*off..n).  Returns 1 with *t set, 0 at the end,
 * or ERR_FORMAT.
 */
static int
next_tok(const char *s, size_t n, size_t *off, struct tok *t)
{
	size_t		 i = *off;
	const char	*q;

	while (i < n && s[i] == ' ')
		i++;
	if (i >= n)
		return 0;
	t->k = s + i;
	while (i < n && s[i] != '=' && s[i] != ' ' && s[i] != '"')
		i++;
	t->klen = (size_t)(s + i - t->k);
	if (i >= n || s[i] != '=' || t->klen == 0)
		return ERR_FORMAT;
	i++;
	if (i < n && s[i] == '"') {
		q = memchr(s + i + 1, '"', n - i - 1);
		if (q == NULL)
			return ERR_FORMAT;
		t->v = s + i + 1;
		t->vlen = (size_t)(q - t->v);
		t->quoted = 1;
		i = (size_t)(q - s) + 1;
		if (i < n && s[i] != ' ')
			return ERR_FORMAT;
	} else {
		t->v = s + i;
		while (i < n && s[i] != ' ' && s[i] != '"')
			i++;
		t->vlen = (size_t)(s + i - t->v);
		t->quoted = 0;
		if (i < n && s[i] == '"')
			return ERR_FORMAT;
	}
	*off = i;
	return 1;
}

static int
all(const char *v, size_t n, const char *set)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == '\0' || strchr(set, v[i]) == NULL)
			return 0;
	return 1;
}

/* A value of kind k is well-formed; *hex: a string given as hex. */
static int
check(enum kind k, const struct tok *t, int *hex)
{
	*hex = 0;
	switch (k) {
	case K_STR:
		if (t->quoted)
			return 1;
		*hex = 1;
		return t->vlen > 0 && t->vlen % 2 == 0 &&
		    all(t->v, t->vlen, "0123456789ABCDEFabcdef");
	case K_NUM:
		return !t->quoted && t->vlen > 0 && t->vlen <= 19 &&
		    all(t->v, t->vlen, "0123456789");
	case K_UUID:
		return !t->quoted && t->vlen > 0 && t->vlen <= 64 &&
		    all(t->v, t->vlen, "0123456789abcdefABCDEF-");
	case K_SKIP:
		return 1;
	}
	return 0;
}

/* Decoded bytes of a string value equal lit. */
static int
val_is(const struct tok *t, int hex, const char *lit)
{
	size_t i, n = strlen(lit);

	if (!hex)
		return t->vlen == n && memcmp(t->v, lit, n) == 0;
	if (t->vlen != 2 * n)
		return 0;
	for (i = 0; i < n; i++)
		if ((hexval(t->v[2 * i]) << 4 | hexval(t->v[2 * i + 1])) !=
		    (unsigned char)lit[i])
			return 0;
	return 1;
}

int
dec_hook(const char *msg, size_t len, struct record *ev)
{
	struct record_mark	 m;
	struct hkout		 o = { ev, 0 };
	struct tok		 t, op, extra;
	size_t			 off = 0, i, n;
	int			 r, hex, ophex = 0, exhex = 0, have_extra = 0;
	char			 action[sizeof("vm_hook_") + HOOK_OP_MAX];

	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		len--;
	record_mark(ev, &m);
	memset(&extra, 0, sizeof(extra));
	if (len < 4 || memcmp(msg, "op=", 3) != 0)
		return ERR_FORMAT;
	/* op first: it names the line, and must be a plain word */
	if (next_tok(msg, len, &off, &op) != 1 || !check(K_STR, &op, &ophex) ||
	    ophex || op.vlen == 0 || op.vlen > HOOK_OP_MAX ||
	    !all(op.v, op.vlen, "abcdefghijklmnopqrstuvwxyz0123456789_-"))
		return ERR_FORMAT;
	n = (size_t)snprintf(action, sizeof(action), "vm_hook_%.*s",
	    (int)op.vlen, op.v);
	if (record_get(ev, "event.action", &i) == NULL)
		o.r = record_addcopy(ev, "event.action", action, n);
	off = 0;
	while ((r = next_tok(msg, len, &off, &t)) == 1) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strlen(keys[i].key) == t.klen &&
			    memcmp(keys[i].key, t.k, t.klen) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			continue;	/* a key from a later version */
		if (!check(keys[i].kind, &t, &hex)) {
			r = ERR_FORMAT;
			break;
		}
		if (keys[i].field != NULL) {
			put(&o, keys[i].field, t.v, t.vlen, hex);
			continue;
		}
		/* sub, extra: "-" means none in libvirt's convention */
		if (val_is(&t, hex, "-"))
			continue;
		if (t.k[0] == 's')
			put(&o, "libvirt.hook.sub", t.v, t.vlen, hex);
		else {
			put(&o, "libvirt.hook.extra", t.v, t.vlen, hex);
			if (!have_extra) {
				extra = t;
				exhex = hex;
				have_extra = 1;
			}
		}
	}
	/* release's extra is the shutoff reason (libvirt >= 10.5.0) */
	if (r == 0 && have_extra && val_is(&op, 0, "release"))
		put(&o, "event.reason", extra.v, extra.vlen, exhex);
	if (r != 0 || o.r != 0) {
		record_rollback(ev, &m);
		return r != 0 ? r : o.r;
	}
	return 0;
}
