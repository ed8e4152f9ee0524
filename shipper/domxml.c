/*
 * domxml.c -- bounded scanner for libvirt domain XML (see domxml.h).
 *
 * Does no I/O and allocates nothing: the caller's struct domxml holds
 * every result, element names on the path are spans into the input.
 * One pass, left to right; every construct is found with memchr/memmem
 * from the current offset, so the work is linear in the input.
 *
 * States: between markup we are in text (kept only directly inside
 * domain/{name,uuid,memory,vcpu}); "<" starts a start tag, an end tag, a
 * comment, a PI, a CDATA section or a declaration, each consumed whole
 * or the scan ends with ERR_INCOMPLETE.  Closing the root ends the scan.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "domxml.h"
#include "err.h"

#define ATTR_MAX	16	/* attributes looked at per tag */
#define TEXT_MAX	1024	/* captured text before trimming */

enum text_target { TX_NONE, TX_NAME, TX_UUID, TX_MEMORY, TX_VCPU };

struct span {
	const char	*p;
	size_t		 n;
};

struct attr {
	struct span	 name, val;
};

struct scan {
	const char	*x;
	size_t		 len, off;
	struct domxml	*d;
	size_t		 depth;			/* open elements */
	struct span	 stk[DOMXML_DEPTH_MAX];
	enum text_target text;			/* element being captured */
	char		 buf[TEXT_MAX + 1];
	size_t		 buflen;
	int		 bufover;
	char		 unit[16];		/* <memory unit=...> */
	size_t		 unitlen;
	int		 unitover;
	long		 iface;			/* open interface, or -1 */
	int		 disk;			/* 1 in a disk, 2 once sourced */
};

static int
isblank_x(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
span_is(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

/* The path of open elements is exactly a/b/... (NULL-terminated). */
static int
path_is(const struct scan *sc, const char *a, const char *b,
    const char *c)
{
	const char	*want[3] = { a, b, c };
	size_t		 i, n = c != NULL ? 3 : b != NULL ? 2 : 1;

	if (sc->depth != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!span_is(sc->stk[i], want[i]))
			return 0;
	return 1;
}

/* Append UTF-8 for code point cp; 0, or -1 when it does not fit. */
static int
put_utf8(char *out, size_t cap, size_t *olen, uint32_t cp)
{
	char	t[4];
	size_t	n;

	if (cp < 0x80) {
		t[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xc0 | cp >> 6);
		t[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		t[0] = (char)(0xe0 | cp >> 12);
		t[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		t[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		t[0] = (char)(0xf0 | cp >> 18);
		t[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		t[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		t[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (cap - *olen < n)
		return -1;
	memcpy(out + *olen, t, n);
	*olen += n;
	return 0;
}

/*
 * "&...;" at s[0..n): its length through ';' and its code point, or 0
 * when it is not a reference we know (the '&' is then kept as text).
 */
static size_t
entity(const char *s, size_t n, uint32_t *cp)
{
	static const struct {
		const char	*name;
		char		 c;
	} ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t		 i, k;
	uint32_t	 v = 0;
	int		 hex, nd = 0;

	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		k = strlen(ents[i].name);
		if (n >= k && memcmp(s, ents[i].name, k) == 0) {
			*cp = (unsigned char)ents[i].c;
			return k;
		}
	}
	if (n < 4 || s[1] != '#')
		return 0;
	hex = s[2] == 'x';
	for (i = hex ? 3 : 2; i < n && i < 12 && s[i] != ';'; i++, nd++) {
		if (s[i] >= '0' && s[i] <= '9')
			v = v * (hex ? 16 : 10) + (uint32_t)(s[i] - '0');
		else if (hex && s[i] >= 'a' && s[i] <= 'f')
			v = v * 16 + (uint32_t)(s[i] - 'a' + 10);
		else if (hex && s[i] >= 'A' && s[i] <= 'F')
			v = v * 16 + (uint32_t)(s[i] - 'A' + 10);
		else
			return 0;
	}
	/* at most 8 digits: v cannot wrap */
	if (i >= n || s[i] != ';' || nd == 0 || nd > 8 || v == 0 ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return i + 1;
}

/*
 * Append s[0..n) to out[*olen..cap) with references decoded (raw: as
 * is).  Returns 0, or -1 when it does not fit (*olen is then past what
 * fitted and the value must be dropped).
 */
static int
decode_append(char *out, size_t cap, size_t *olen, const char *s, size_t n,
    int raw)
{
	size_t		 i = 0, k;
	uint32_t	 cp;

	while (i < n) {
		if (!raw && s[i] == '&' &&
		    (k = entity(s + i, n - i, &cp)) > 0) {
			if (put_utf8(out, cap, olen, cp) == -1)
				return -1;
			i += k;
			continue;
		}
		if (*olen >= cap)
			return -1;
		out[(*olen)++] = s[i++];
	}
	return 0;
}

/* Decode a value into out[cap + 1]; on overflow count a drop, leave "". */
static int
set_value(struct scan *sc, char *out, size_t cap, struct span v)
{
	size_t olen = 0;

	if (decode_append(out, cap, &olen, v.p, v.n, 0) == -1) {
		out[0] = '\0';
		sc->d->dropped++;
		return -1;
	}
	out[olen] = '\0';
	return 0;
}

static const struct span *
attr_get(const struct attr *a, size_t na, const char *name)
{
	size_t i;

	for (i = 0; i < na; i++)
		if (span_is(a[i].name, name))
			return &a[i].val;
	return NULL;
}

int
domxml_mem_kib(uint64_t v, const char *u, size_t ulen, int64_t *kib)
{
	static const struct {
		const char	*unit;
		uint64_t	 scale;
	} units[] = {
		{ "b", 1 }, { "bytes", 1 },
		{ "k", 1ULL << 10 }, { "KiB", 1ULL << 10 }, { "KB", 1000ULL },
		{ "M", 1ULL << 20 }, { "MiB", 1ULL << 20 },
		{ "MB", 1000000ULL },
		{ "G", 1ULL << 30 }, { "GiB", 1ULL << 30 },
		{ "GB", 1000000000ULL },
		{ "T", 1ULL << 40 }, { "TiB", 1ULL << 40 },
		{ "TB", 1000000000000ULL },
		{ "P", 1ULL << 50 }, { "PiB", 1ULL << 50 },
		{ "PB", 1000000000000000ULL },
		{ "E", 1ULL << 60 }, { "EiB", 1ULL << 60 },
		{ "EB", 1000000000000000000ULL },
	};
	uint64_t	scale = 0, bytes, k;
	size_t		i;

	if (ulen == 0)
		scale = 1024;
	/* libvirt (virScaleInteger) ignores the case of unit letters */
	for (i = 0; scale == 0 && i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].unit) == ulen &&
		    strncasecmp(units[i].unit, u, ulen) == 0)
			scale = units[i].scale;
	if (scale == 0)
		return ERR_FORMAT;
	if (v > UINT64_MAX / scale)
		return ERR_RANGE;
	bytes = v * scale;
	k = bytes / 1024 + (bytes % 1024 != 0);
	if (k > INT64_MAX)
		return ERR_RANGE;
	*kib = (int64_t)k;
	return 0;
}

/* Decimal digits only, no overflow; else -1. */
static int
parse_num(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

/* The captured element closed: store its trimmed text. */
static void
text_done(struct scan *sc)
{
	struct domxml	*d = sc->d;
	const char	*s = sc->buf;
	size_t		 n = sc->buflen;
	uint64_t	 v;

	while (n > 0 && isblank_x(*s)) {
		s++;
		n--;
	}
	while (n > 0 && isblank_x(s[n - 1]))
		n--;
	if (sc->bufover) {
		d->dropped++;
		goto out;
	}
	switch (sc->text) {
	case TX_NAME:
		if (n > DOMXML_STR_MAX) {
			d->dropped++;
			break;
		}
		memcpy(d->name, s, n);
		d->name[n] = '\0';
		break;
	case TX_UUID:
		if (n > DOMXML_UUID_MAX) {
			d->dropped++;
			break;
		}
		memcpy(d->uuid, s, n);
		d->uuid[n] = '\0';
		break;
	case TX_MEMORY:
		if (sc->unitover || parse_num(s, n, &v) == -1 ||
		    domxml_mem_kib(v, sc->unit, sc->unitlen, &d->mem_kib) != 0)
			d->dropped++;
		break;
	case TX_VCPU:
		if (parse_num(s, n, &v) == -1 || v > INT64_MAX)
			d->dropped++;
		else
			d->vcpus = (int64_t)v;
		break;
	case TX_NONE:
		break;
	}
 out:
	sc->text = TX_NONE;
	sc->buflen = 0;
	sc->bufover = 0;
}

/* A start tag (depth is that of its parent; the element is not pushed). */
static void
element_start(struct scan *sc, struct span name, const struct attr *a,
    size_t na)
{
	struct domxml		*d = sc->d;
	struct domxml_iface	*ifc;
	const struct span	*v;
	size_t			 olen = 0;

	if (path_is(sc, "domain", NULL, NULL)) {
		sc->text = span_is(name, "name") ? TX_NAME :
		    span_is(name, "uuid") ? TX_UUID :
		    span_is(name, "memory") ? TX_MEMORY :
		    span_is(name, "vcpu") ? TX_VCPU : TX_NONE;
		sc->buflen = 0;
		sc->bufover = 0;
		sc->unitlen = 0;
		sc->unitover = 0;
		if (sc->text == TX_MEMORY &&
		    (v = attr_get(a, na, "unit")) != NULL &&
		    decode_append(sc->unit, sizeof(sc->unit), &olen, v->p,
		    v->n, 0) == -1)
			sc->unitover = 1;
		sc->unitlen = olen;
	} else if (path_is(sc, "domain", "devices", NULL)) {
		if (span_is(name, "interface")) {
			if (d->niface < DOMXML_IFACE_MAX) {
				sc->iface = (long)d->niface++;
				memset(&d->iface[sc->iface], 0,
				    sizeof(d->iface[0]));
			} else {
				sc->iface = -1;
				d->dropped++;
			}
		} else if (span_is(name, "disk"))
			sc->disk = 1;
	} else if (path_is(sc, "domain", "devices", "interface") &&
	    sc->iface >= 0) {
		ifc = &d->iface[sc->iface];
		if (span_is(name, "mac") &&
		    (v = attr_get(a, na, "address")) != NULL)
			set_value(sc, ifc->mac, DOMXML_STR_MAX, *v);
		else if (span_is(name, "source")) {
			/* a running network interface has both: the bridge wins */
			if ((v = attr_get(a, na, "bridge")) == NULL)
				v = attr_get(a, na, "network");
			if (v != NULL)
				set_value(sc, ifc->bridge, DOMXML_STR_MAX, *v);
		} else if (span_is(name, "target") &&
		    (v = attr_get(a, na, "dev")) != NULL)
			set_value(sc, ifc->dev, DOMXML_STR_MAX, *v);
	} else if (path_is(sc, "domain", "devices", "disk") && sc->disk == 1 &&
	    span_is(name, "source")) {
		if ((v = attr_get(a, na, "file")) == NULL &&
		    (v = attr_get(a, na, "dev")) == NULL)
			v = attr_get(a, na, "name");
		if (v == NULL)
			return;
		sc->disk = 2;
		if (d->ndisk >= DOMXML_DISK_MAX) {
			d->dropped++;
			return;
		}
		if (set_value(sc, d->disk[d->ndisk], DOMXML_PATH_MAX, *v) == 0)
			d->ndisk++;
	}
}

/* Close the top element; 1 when it was the root. */
static int
element_end(struct scan *sc)
{
	sc->depth--;
	if (sc->depth == 1 && sc->text != TX_NONE)
		text_done(sc);
	else if (sc->depth == 2 && path_is(sc, "domain", "devices", NULL)) {
		sc->iface = -1;
		sc->disk = 0;
	}
	return sc->depth == 0;
}

/* Text between markup: kept only directly inside a captured element. */
static void
text(struct scan *sc, const char *s, size_t n, int raw)
{
	if (sc->text == TX_NONE || sc->depth != 2 || sc->bufover)
		return;
	if (decode_append(sc->buf, TEXT_MAX, &sc->buflen, s, n, raw) == -1)
		sc->bufover = 1;
}

/* Skip to just after the literal end; ERR_INCOMPLETE when absent. */
static int
skip_past(struct scan *sc, size_t from, const char *end, size_t *body)
{
	const char	*e;
	size_t		 k = strlen(end);

	if (from > sc->len)
		return ERR_INCOMPLETE;
	e = memmem(sc->x + from, sc->len - from, end, k);
	if (e == NULL)
		return ERR_INCOMPLETE;
	*body = (size_t)(e - (sc->x + from));
	sc->off = (size_t)(e - sc->x) + k;
	return 0;
}

static int
namechar(char c)
{
	return !isblank_x(c) && c != '/' && c != '>' && c != '=' &&
	    c != '<' && c != '"' && c != '\'';
}

/* "</name>" at off.  Returns 1 when the root closed, 0, or ERR_*. */
static int
end_tag(struct scan *sc)
{
	const char	*x = sc->x;
	size_t		 i = sc->off + 2;
	struct span	 name;

	name.p = x + i;
	while (i < sc->len && namechar(x[i]))
		i++;
	name.n = (size_t)(x + i - name.p);
	while (i < sc->len && isblank_x(x[i]))
		i++;
	if (i >= sc->len)
		return ERR_INCOMPLETE;
	if (x[i] != '>' || name.n == 0 || sc->depth == 0)
		return ERR_FORMAT;
	if (sc->depth <= DOMXML_DEPTH_MAX &&
	    (sc->stk[sc->depth - 1].n != name.n ||
	    memcmp(sc->stk[sc->depth - 1].p, name.p, name.n) != 0))
		return ERR_FORMAT;
	sc->off = i + 1;
	return element_end(sc);
}

/* "<name attr='v' ...>" or ".../>" at off.  1 root closed, 0, ERR_*. */
static int
start_tag(struct scan *sc)
{
	const char	*x = sc->x, *q;
	size_t		 i = sc->off + 1, na = 0;
	struct span	 name, an;
	struct attr	 a[ATTR_MAX];
	int		 selfclose = 0;

	name.p = x + i;
	while (i < sc->len && namechar(x[i]))
		i++;
	name.n = (size_t)(x + i - name.p);
	if (i < sc->len && name.n == 0)
		return ERR_FORMAT;
	for (;;) {
		while (i < sc->len && isblank_x(x[i]))
			i++;
		if (i >= sc->len)
			return ERR_INCOMPLETE;
		if (x[i] == '>')
			break;
		if (x[i] == '/') {
			if (i + 1 >= sc->len)
				return ERR_INCOMPLETE;
			if (x[i + 1] != '>')
				return ERR_FORMAT;
			selfclose = 1;
			i++;
			break;
		}
		an.p = x + i;
		while (i < sc->len && namechar(x[i]))
			i++;
		an.n = (size_t)(x + i - an.p);
		while (i < sc->len && isblank_x(x[i]))
			i++;
		if (i >= sc->len)
			return ERR_INCOMPLETE;
		if (an.n == 0 || x[i] != '=')
			return ERR_FORMAT;
		i++;
		while (i < sc->len && isblank_x(x[i]))
			i++;
		if (i >= sc->len)
			return ERR_INCOMPLETE;
		if (x[i] != '"' && x[i] != '\'')
			return ERR_FORMAT;
		if ((q = memchr(x + i + 1, x[i], sc->len - i - 1)) == NULL)
			return ERR_INCOMPLETE;
		if (memchr(x + i + 1, '<', (size_t)(q - (x + i + 1))) != NULL)
			return ERR_FORMAT;
		if (na < ATTR_MAX) {
			a[na].name = an;
			a[na].val.p = x + i + 1;
			a[na].val.n = (size_t)(q - (x + i + 1));
			na++;
		}
		i = (size_t)(q - x) + 1;
		/* attributes must be separated by blanks */
		if (i < sc->len && namechar(x[i]))
			return ERR_FORMAT;
	}
	sc->off = i + 1;
	if (sc->depth == 0 && !span_is(name, "domain"))
		return ERR_FORMAT;
	element_start(sc, name, a, na);
	if (sc->depth < DOMXML_DEPTH_MAX)
		sc->stk[sc->depth] = name;
	sc->depth++;
	if (selfclose)
		return element_end(sc);
	return 0;
}

void
domxml_init(struct domxml *d)
{
	memset(d, 0, sizeof(*d));
	d->mem_kib = -1;
	d->vcpus = -1;
}

int
domxml_parse(const char *xml, size_t len, struct domxml *d)
{
	struct scan	 sc;
	const char	*lt;
	size_t		 body, start;
	int		 r;

	domxml_init(d);
	/* a root not closed within the bound is ERR_INCOMPLETE below */
	if (len > DOMXML_IN_MAX)
		len = DOMXML_IN_MAX;
	memset(&sc, 0, sizeof(sc));
	sc.x = xml;
	sc.len = len;
	sc.d = d;
	sc.iface = -1;
	while (sc.off < len) {
		lt = memchr(xml + sc.off, '<', len - sc.off);
		if (lt == NULL)
			return ERR_INCOMPLETE;
		text(&sc, xml + sc.off, (size_t)(lt - (xml + sc.off)), 0);
		sc.off = (size_t)(lt - xml);
		if (sc.off + 1 >= len)
			return ERR_INCOMPLETE;
		if (len - sc.off >= 4 && memcmp(lt, "<!--", 4) == 0) {
			if ((r = skip_past(&sc, sc.off + 4, "-->", &body)) != 0)
				return r;
			continue;
		}
		if (len - sc.off >= 9 && memcmp(lt, "<![CDATA[", 9) == 0) {
			start = sc.off + 9;
			if ((r = skip_past(&sc, start, "]]>", &body)) != 0)
				return r;
			text(&sc, xml + start, body, 1);
			continue;
		}
		if (lt[1] == '?' || lt[1] == '!') {
			/* PI, <!DOCTYPE ...>: nothing we need */
			if ((r = skip_past(&sc, sc.off + 2, lt[1] == '?' ? "?>" :
			    ">", &body)) != 0)
				return r;
			if (lt[1] == '!' && sc.depth > 0)
				return ERR_FORMAT;
			continue;
		}
		r = lt[1] == '/' ? end_tag(&sc) : start_tag(&sc);
		if (r < 0)
			return r;
		if (r == 1)
			return 0;
	}
	return ERR_INCOMPLETE;
}
