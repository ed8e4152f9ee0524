/*
 * placement.c -- VM placement facts, timeline and enrichment (see
 * placement.h).  placement_facts and placement_uuid are pure; the rest
 * read the store through its iterators.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "json.h"
#include "placement.h"
#include "query.h"
#include "stats.h"

#define OPEN_MAX	8	/* hosts a VM can be open on at once */

static const char *
fget(const struct record *ev, const char *name, size_t *len)
{
	const char *v = record_get(ev, name, len);

	return v != NULL && *len > 0 ? v : NULL;
}

static int
feq(const struct record *ev, const char *name, const char *want)
{
	size_t		 n;
	const char	*v = fget(ev, name, &n);

	return v != NULL && n == strlen(want) && memcmp(v, want, n) == 0;
}

int
placement_uuid(const char *s, size_t len, char *out)
{
	size_t i;

	if (len != PLACE_UUID_LEN)
		return -1;
	for (i = 0; i < len; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			out[i] = '-';
		} else if (isxdigit((unsigned char)s[i]))
			out[i] = (char)tolower((unsigned char)s[i]);
		else
			return -1;
	}
	out[len] = '\0';
	return 0;
}

static int
put_fact(struct pfact *f, const char *uuid, int64_t ts, const char *host,
    int kind, const char *name, size_t namelen, const char *reason,
    size_t reasonlen)
{
	int r;

	buf_reset(&f->key);
	buf_reset(&f->val);
	if ((r = buf_put_u8(&f->key, 'F')) != 0 ||
	    (r = buf_put(&f->key, uuid, PLACE_UUID_LEN)) != 0 ||
	    (r = buf_put_u64(&f->key, (uint64_t)ts)) != 0 ||
	    (r = buf_put(&f->key, host, strlen(host) + 1)) != 0 ||
	    (r = buf_put_u8(&f->key, (uint8_t)kind)) != 0 ||
	    (r = buf_put_u8(&f->val, 1)) != 0 ||
	    (r = buf_put_str(&f->val, name, namelen)) != 0)
		return r;
	return buf_put_str(&f->val, reason, reasonlen);
}

static int
put_owner(struct pfact *f, uint8_t type, const char *host, const char *dev,
    size_t devlen, int64_t ts, const char *uuid, const char *name,
    size_t namelen)
{
	int r;

	buf_reset(&f->key);
	buf_reset(&f->val);
	if ((r = buf_put_u8(&f->key, type)) != 0)
		return r;
	if (host != NULL && (r = buf_put(&f->key, host, strlen(host) + 1)))
		return r;
	if ((r = buf_put(&f->key, dev, devlen)) != 0 ||
	    (type == 'N' && (r = buf_put_u8(&f->key, 0)) != 0) ||
	    (r = buf_put_u64(&f->key, (uint64_t)ts)) != 0 ||
	    (r = buf_put_str(&f->val, uuid, uuid ? strlen(uuid) : 0)) != 0)
		return r;
	return buf_put_str(&f->val, name, namelen);
}

/* Split a comma list and add one owner fact per item. */
static int
put_list(struct pfact *out, int n, int max, uint8_t type, const char *host,
    const char *list, size_t len, int64_t ts, const char *uuid,
    const char *name, size_t namelen)
{
	const char	*p = list, *end = list + len, *c;
	size_t		 k;
	char		 mac[18];

	while (p < end && n < max) {
		if ((c = memchr(p, ',', end - p)) == NULL)
			c = end;
		k = c - p;
		if (type == 'C') {
			/* lower-case aa:bb:cc:dd:ee:ff only */
			if (k == 17) {
				for (size_t i = 0; i < 17; i++)
					mac[i] = (char)tolower(
					    (unsigned char)p[i]);
				if (put_owner(&out[n], 'C', NULL, mac, 17, ts,
				    uuid, name, namelen) == 0)
					n++;
			}
		} else if (k > 0 && k < 64 && put_owner(&out[n], 'N', host, p,
		    k, ts, uuid, name, namelen) == 0)
			n++;
		p = c + 1;
	}
	return n;
}

int
placement_facts(const struct record *ev, const char *host, struct pfact *out,
    int max)
{
	const char	*a, *u, *nm, *rs, *l;
	size_t		 al, ul, nml = 0, rsl = 0, ll;
	char		 uuid[PLACE_UUID_LEN + 1];
	int		 n = 0, start = 0, stop = 0, hook = 0;

	if ((a = fget(ev, "event.action", &al)) == NULL || al < 6 ||
	    memcmp(a, "vm_", 3) != 0 || max < 4)
		return 0;
	if ((u = fget(ev, "vm.uuid", &ul)) == NULL ||
	    placement_uuid(u, ul, uuid) != 0)
		return 0;
	if ((nm = fget(ev, "vm.name", &nml)) == NULL)
		nm = "", nml = 0;
	if ((rs = fget(ev, "event.reason", &rsl)) == NULL)
		rs = "", rsl = 0;
	if (feq(ev, "event.action", "vm_start"))
		start = !feq(ev, "event.outcome", "failure");
	else if (feq(ev, "event.action", "vm_stop"))
		stop = 1;
	else if (feq(ev, "event.action", "vm_hook_started"))
		start = hook = 1;
	else if (feq(ev, "event.action", "vm_hook_stopped") ||
	    feq(ev, "event.action", "vm_hook_release"))
		stop = hook = 1;
	if (start && put_fact(&out[n], uuid, ev->ts_us, host, PF_START, nm,
	    nml, rsl ? rs : (hook ? "hook" : ""), rsl ? rsl :
	    (hook ? 4 : 0)) == 0)
		n++;
	if (stop && put_fact(&out[n], uuid, ev->ts_us, host, PF_STOP, nm, nml,
	    rs, rsl) == 0)
		n++;
	/* devices: a started domain owns its vnets and MACs; a stopped one
	 * gives its vnets back */
	if (hook && (l = fget(ev, "vm.vnet", &ll)) != NULL)
		n = put_list(out, n, max - 1, 'N', host, l, ll, ev->ts_us,
		    start ? uuid : "", start ? nm : "", start ? nml : 0);
	if (hook && start && (l = fget(ev, "vm.mac", &ll)) != NULL)
		n = put_list(out, n, max - 1, 'C', host, l, ll, ev->ts_us, uuid,
		    nm, nml);
	if (feq(ev, "vm.resource.type", "net") &&
	    ((l = fget(ev, "vm.resource.mac", &ll)) != NULL ||
	    (l = fget(ev, "vm.resource.new", &ll)) != NULL))
		n = put_list(out, n, max - 1, 'C', host, l, ll, ev->ts_us, uuid,
		    nm, nml);
	/* the name index */
	if (nml > 0 && nml < 256 && n < max) {
		buf_reset(&out[n].key);
		buf_reset(&out[n].val);
		if (buf_put_u8(&out[n].key, 'A') == 0 &&
		    buf_put(&out[n].key, nm, nml) == 0 &&
		    buf_put_u8(&out[n].key, 0) == 0 &&
		    buf_put(&out[n].key, uuid, PLACE_UUID_LEN) == 0 &&
		    buf_put_u64(&out[n].val, (uint64_t)ev->ts_us) == 0)
			n++;
	}
	return n;
}

/* ---- timeline ---- */

struct fact {
	int64_t		ts;
	char		host[256];
	int		kind;
	char		name[256];
	char		reason[32];
};

struct openiv {
	char		host[256];
	int64_t		start;
	char		reason[32];
};

struct ivl {
	char		uuid[PLACE_UUID_LEN + 1];
	char		name[256];
	char		host[256];
	int64_t		start, end;	/* end INT64_MAX: open */
	char		start_reason[32], end_reason[32];
};

static int
fact_decode(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl,
    struct fact *f)
{
	const uint8_t	*h, *z;
	struct bufr	 rd;
	const char	*s;
	size_t		 n;
	uint8_t		 ver;

	if (kl < 1 + PLACE_UUID_LEN + 8 + 2 || k[0] != 'F')
		return -1;
	f->ts = (int64_t)be64_get(k + 1 + PLACE_UUID_LEN);
	h = k + 1 + PLACE_UUID_LEN + 8;
	if ((z = memchr(h, 0, kl - (h - k))) == NULL ||
	    (size_t)(z - k) + 2 != kl || (size_t)(z - h) >= sizeof(f->host))
		return -1;
	memcpy(f->host, h, z - h);
	f->host[z - h] = '\0';
	f->kind = z[1];
	bufr_init(&rd, v, vl);
	if (bufr_get_u8(&rd, &ver) != 0 || ver != 1 ||
	    bufr_get_str(&rd, &s, &n, 255) != 0)
		return -1;
	memcpy(f->name, s, n);
	f->name[n] = '\0';
	if (bufr_get_str(&rd, &s, &n, 4096) != 0)
		return -1;
	snprintf(f->reason, sizeof(f->reason), "%.*s", (int)n, s);
	return 0;
}

/*
 * Walk the facts of one VM in time order and call fn for every interval
 * (open ones at the end, with end INT64_MAX).  *last gets the last fact.
 */
typedef int (*ivfn)(void *, const struct ivl *);

static int
walk_vm(struct store *st, const char *uuid, ivfn fn, void *arg,
    struct fact *last, int *nfacts)
{
	struct store_iter	*it;
	struct openiv		 op[OPEN_MAX];
	struct fact		 f;
	struct ivl		 iv;
	uint8_t			 pre[1 + PLACE_UUID_LEN];
	const uint8_t		*k, *v;
	size_t			 kl, vl;
	char			 name[256] = "";
	int			 nop = 0, i, r = 0;

	*nfacts = 0;
	pre[0] = 'F';
	memcpy(pre + 1, uuid, PLACE_UUID_LEN);
	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	for (store_iter_seek(it, pre, sizeof(pre)); store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl < sizeof(pre) || memcmp(k, pre, sizeof(pre)) != 0)
			break;
		v = store_iter_value(it, &vl);
		if (fact_decode(k, kl, v, vl, &f) != 0)
			continue;
		(*nfacts)++;
		if (f.name[0])
			snprintf(name, sizeof(name), "%s", f.name);
		for (i = 0; i < nop; i++)
			if (strcmp(op[i].host, f.host) == 0)
				break;
		if (f.kind == PF_START && i == nop && nop < OPEN_MAX) {
			snprintf(op[nop].host, sizeof(op[nop].host), "%s",
			    f.host);
			op[nop].start = f.ts;
			snprintf(op[nop].reason, sizeof(op[nop].reason), "%s",
			    f.reason);
			nop++;
		} else if (f.kind == PF_STOP && i < nop) {
			memset(&iv, 0, sizeof(iv));
			memcpy(iv.uuid, uuid, PLACE_UUID_LEN + 1);
			snprintf(iv.name, sizeof(iv.name), "%s", name);
			memcpy(iv.host, op[i].host, sizeof(iv.host));
			iv.start = op[i].start;
			iv.end = f.ts;
			snprintf(iv.start_reason, sizeof(iv.start_reason),
			    "%s", op[i].reason);
			snprintf(iv.end_reason, sizeof(iv.end_reason), "%s",
			    f.reason);
			op[i] = op[--nop];
			if (fn != NULL && (r = fn(arg, &iv)) != 0)
				goto out;
		}
		*last = f;
		snprintf(last->name, sizeof(last->name), "%s", name);
	}
	for (i = 0; i < nop && fn != NULL; i++) {
		memset(&iv, 0, sizeof(iv));
		memcpy(iv.uuid, uuid, PLACE_UUID_LEN + 1);
		snprintf(iv.name, sizeof(iv.name), "%s", name);
		memcpy(iv.host, op[i].host, sizeof(iv.host));
		iv.start = op[i].start;
		iv.end = INT64_MAX;
		snprintf(iv.start_reason, sizeof(iv.start_reason), "%s",
		    op[i].reason);
		if ((r = fn(arg, &iv)) != 0)
			goto out;
	}
 out:
	store_iter_free(it);
	return r;
}

struct wherearg {
	int64_t			 ts;
	struct placement	*p;
};

static int
where_iv(void *arg, const struct ivl *iv)
{
	struct wherearg		*w = arg;
	struct placement	*p = w->p;

	if (iv->start > w->ts || iv->end <= w->ts)
		return 0;
	/* during a migration the latest start wins */
	if (p->running && p->start_us >= iv->start)
		return 0;
	p->running = 1;
	snprintf(p->host, sizeof(p->host), "%s", iv->host);
	p->start_us = iv->start;
	p->end_us = iv->end;
	snprintf(p->start_reason, sizeof(p->start_reason), "%s",
	    iv->start_reason);
	snprintf(p->end_reason, sizeof(p->end_reason), "%s", iv->end_reason);
	return 0;
}

int
placement_where(struct store *st, const char *uuid, int64_t ts,
    struct placement *p)
{
	struct wherearg	w = { ts, p };
	struct fact	last;
	int		n, r;

	memset(p, 0, sizeof(*p));
	memset(&last, 0, sizeof(last));
	snprintf(p->uuid, sizeof(p->uuid), "%s", uuid);
	if ((r = walk_vm(st, uuid, where_iv, &w, &last, &n)) != 0)
		return r;
	p->known = n > 0;
	snprintf(p->name, sizeof(p->name), "%s", last.name);
	if (!p->running && n > 0)
		snprintf(p->host, sizeof(p->host), "%s", last.host);
	return 0;
}

/* Latest owner record under prefix with ts <= at. */
static int
owner_lookup(struct store *st, const uint8_t *pre, size_t plen, int64_t at,
    char *uuid, char *name, size_t namelen)
{
	struct store_iter	*it;
	const uint8_t		*k, *v;
	size_t			 kl, vl, n;
	struct bufr		 rd;
	const char		*s;
	int			 found = 0;

	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	for (store_iter_seek(it, pre, plen); store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl != plen + 8 || memcmp(k, pre, plen) != 0)
			break;
		if ((int64_t)be64_get(k + plen) > at)
			break;
		v = store_iter_value(it, &vl);
		bufr_init(&rd, v, vl);
		if (bufr_get_str(&rd, &s, &n, PLACE_UUID_LEN) != 0)
			continue;
		found = n == PLACE_UUID_LEN;
		if (found) {
			memcpy(uuid, s, n);
			uuid[n] = '\0';
			if (bufr_get_str(&rd, &s, &n, 255) == 0)
				snprintf(name, namelen, "%.*s", (int)n, s);
		}
	}
	store_iter_free(it);
	return found ? 0 : ERR_NOTFOUND;
}

int
placement_vnet(struct store *st, const char *host, const char *dev,
    size_t devlen, int64_t ts, char *uuid, char *name, size_t namelen)
{
	uint8_t	pre[1 + 256 + 64 + 1];
	size_t	hl = strlen(host);

	if (hl >= 256 || devlen == 0 || devlen >= 64)
		return ERR_NOTFOUND;
	pre[0] = 'N';
	memcpy(pre + 1, host, hl + 1);
	memcpy(pre + 2 + hl, dev, devlen);
	pre[2 + hl + devlen] = 0;
	return owner_lookup(st, pre, 3 + hl + devlen, ts, uuid, name,
	    namelen);
}

int
placement_mac(struct store *st, const char *mac, size_t maclen, int64_t ts,
    char *uuid, char *name, size_t namelen)
{
	uint8_t	pre[18];
	size_t	i;

	if (maclen != 17)
		return ERR_NOTFOUND;
	pre[0] = 'C';
	for (i = 0; i < 17; i++)
		pre[1 + i] = (uint8_t)tolower((unsigned char)mac[i]);
	return owner_lookup(st, pre, sizeof(pre), ts, uuid, name, namelen);
}

int
placement_resolve(struct store *st, const char *vm, char *uuid)
{
	struct store_iter	*it;
	const uint8_t		*k, *v;
	size_t			 kl, vl, nl = strlen(vm);
	uint8_t			 pre[1 + 256 + 1];
	int64_t			 best = INT64_MIN;

	if (placement_uuid(vm, nl, uuid) == 0)
		return 0;
	if (nl == 0 || nl >= 256)
		return ERR_NOTFOUND;
	pre[0] = 'A';
	memcpy(pre + 1, vm, nl);
	pre[1 + nl] = 0;
	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	for (store_iter_seek(it, pre, nl + 2); store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl != nl + 2 + PLACE_UUID_LEN ||
		    memcmp(k, pre, nl + 2) != 0)
			break;
		v = store_iter_value(it, &vl);
		if (vl == 8 && (int64_t)be64_get(v) > best) {
			best = (int64_t)be64_get(v);
			memcpy(uuid, k + nl + 2, PLACE_UUID_LEN);
			uuid[PLACE_UUID_LEN] = '\0';
		}
	}
	store_iter_free(it);
	return best == INT64_MIN ? ERR_NOTFOUND : 0;
}

int
placement_name_uuids(struct store *st, const char *name,
    int (*fn)(void *, const char *), void *arg)
{
	struct store_iter	*it;
	const uint8_t		*k;
	size_t			 kl, nl = strlen(name);
	char			 uuid[PLACE_UUID_LEN + 1];
	uint8_t			 a = 'A';
	int			 r = 0;

	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	for (store_iter_seek(it, &a, 1); r == 0 && store_iter_valid(it);
	    store_iter_next(it)) {
		k = store_iter_key(it, &kl);
		if (kl == 0 || k[0] != 'A')
			break;
		if (kl != 1 + nl + 1 + PLACE_UUID_LEN || k[1 + nl] != 0 ||
		    strncasecmp((const char *)k + 1, name, nl) != 0)
			continue;
		memcpy(uuid, k + 2 + nl, PLACE_UUID_LEN);
		uuid[PLACE_UUID_LEN] = '\0';
		r = fn(arg, uuid);
	}
	store_iter_free(it);
	return r;
}

static void
add_copy(struct record *ev, const char *field, const char *val)
{
	size_t n;

	if (val[0] != '\0' && record_get(ev, field, &n) == NULL)
		record_addcopy(ev, field, val, strlen(val));
}

void
placement_enrich(struct store *st, const struct stream_meta *m,
    struct record *ev, struct placement_cache *pc)
{
	struct placement	 p;
	const char		*d, *u;
	size_t			 dl, ul;
	char			 uuid[PLACE_UUID_LEN + 1], name[256];
	static const char *const devf[] = { "netfilter.physout",
	    "netfilter.physin", NULL };
	static const char *const macf[] = { "destination.mac",
	    "source.mac", NULL };
	int			 i;

	if (strcmp(m->role, "guest") == 0 && m->vm_uuid[0] != '\0') {
		if (placement_uuid(m->vm_uuid, strlen(m->vm_uuid), uuid) != 0)
			return;
		add_copy(ev, "vm.uuid", uuid);
		if (pc != NULL && pc->valid && pc->p.running &&
		    strcmp(pc->p.uuid, uuid) == 0 &&
		    ev->ts_us >= pc->p.start_us && ev->ts_us < pc->p.end_us)
			p = pc->p;	/* same interval as the last event */
		else if (placement_where(st, uuid, ev->ts_us, &p) != 0)
			return;
		else if (pc != NULL) {
			pc->p = p;
			pc->valid = 1;
		}
		add_copy(ev, "vm.name", p.name);
		if (p.running)
			add_copy(ev, "hypervisor.name", p.host);
		return;
	}
	if (strcmp(m->role, "host") != 0)
		return;
	/* a host's own event about a VM: the host is its hypervisor */
	if ((u = record_get(ev, "vm.uuid", &ul)) != NULL && ul > 0) {
		add_copy(ev, "hypervisor.name", m->sender);
		return;
	}
	for (i = 0; devf[i] != NULL; i++)
		if ((d = fget(ev, devf[i], &dl)) != NULL &&
		    placement_vnet(st, m->sender, d, dl, ev->ts_us, uuid, name,
		    sizeof(name)) == 0)
			goto found;
	for (i = 0; macf[i] != NULL; i++)
		if ((d = fget(ev, macf[i], &dl)) != NULL &&
		    placement_mac(st, d, dl, ev->ts_us, uuid, name,
		    sizeof(name)) == 0)
			goto found;
	return;
 found:
	add_copy(ev, "vm.uuid", uuid);
	add_copy(ev, "vm.name", name);
	add_copy(ev, "hypervisor.name", m->sender);
}

/* ---- query socket ops ---- */

struct emit {
	placement_emitfn	 fn;
	void			*arg;
	struct buf		 b;
	const char		*host;
	int64_t			 since, until;
};

static int
emit_ivl(void *arg, const struct ivl *iv)
{
	struct emit	*e = arg;
	struct json	 j;

	if (iv->end <= e->since || iv->start >= e->until)
		return 0;
	if (e->host != NULL && strcmp(e->host, iv->host) != 0)
		return 0;
	buf_reset(&e->b);
	json_init(&j, &e->b);
	json_obj_open(&j);
	json_key_str(&j, "vm.uuid", iv->uuid);
	json_key_str(&j, "vm.name", iv->name);
	json_key_str(&j, "hypervisor.name", iv->host);
	json_key_time(&j, "start", iv->start);
	if (iv->end != INT64_MAX)
		json_key_time(&j, "end", iv->end);
	if (iv->start_reason[0])
		json_key_str(&j, "start_reason", iv->start_reason);
	if (iv->end_reason[0])
		json_key_str(&j, "end_reason", iv->end_reason);
	json_obj_close(&j);
	if (json_error(&j) != 0)
		return ERR_NOMEM;
	return e->fn(e->arg, (const char *)e->b.d, e->b.len);
}

/* Call fn for each VM uuid that has facts. */
static int
each_vm(struct store *st, int (*fn)(void *, const char *), void *arg)
{
	struct store_iter	*it;
	const uint8_t		*k;
	size_t			 kl;
	uint8_t			 seek[1 + PLACE_UUID_LEN + 1];
	char			 uuid[PLACE_UUID_LEN + 1];
	int			 r = 0;

	if ((it = store_iter_new(st)) == NULL)
		return ERR_NOMEM;
	store_iter_seek(it, "F", 1);
	while (store_iter_valid(it)) {
		k = store_iter_key(it, &kl);
		if (kl < 1 + PLACE_UUID_LEN || k[0] != 'F')
			break;
		memcpy(uuid, k + 1, PLACE_UUID_LEN);
		uuid[PLACE_UUID_LEN] = '\0';
		if ((r = fn(arg, uuid)) != 0)
			break;
		/* skip to the next uuid */
		seek[0] = 'F';
		memcpy(seek + 1, uuid, PLACE_UUID_LEN);
		seek[1 + PLACE_UUID_LEN] = 0xff;
		store_iter_seek(it, seek, sizeof(seek));
	}
	store_iter_free(it);
	return r;
}

struct listarg {
	struct store	*st;
	struct emit	*e;
	int64_t		 now;
};

static int
list_one(void *arg, const char *uuid)
{
	struct listarg		*la = arg;
	struct placement	 p;
	struct json		 j;
	struct fact		 last;
	char			 names[8][256];
	int			 n, i, nf, r;

	if ((r = placement_where(la->st, uuid, INT64_MAX - 1, &p)) != 0)
		return r;
	memset(&last, 0, sizeof(last));
	if ((r = walk_vm(la->st, uuid, NULL, NULL, &last, &nf)) != 0)
		return r;
	n = stats_uuid_senders(uuid, names, 8);
	buf_reset(&la->e->b);
	json_init(&j, &la->e->b);
	json_obj_open(&j);
	json_key_str(&j, "vm.uuid", uuid);
	json_key_str(&j, "vm.name", p.name);
	if (p.host[0])
		json_key_str(&j, "hypervisor.name", p.host);
	json_key_str(&j, "state", p.running ? "running" : "stopped");
	json_key_time(&j, "since", p.running ? p.start_us : last.ts);
	json_key_str(&j, "identity", n == 0 ? "none" :
	    p.running ? "verified" : "unverified");
	json_key(&j, "senders");
	json_arr_open(&j);
	for (i = 0; i < n; i++)
		json_str(&j, names[i], strlen(names[i]));
	json_arr_close(&j);
	json_obj_close(&j);
	return la->e->fn(la->e->arg, (const char *)la->e->b.d, la->e->b.len);
}

int
placement_vm_list(struct store *st, placement_emitfn fn, void *arg,
    char *err, size_t errlen)
{
	struct emit	e = { fn, arg, { 0 }, NULL, 0, 0 };
	struct listarg	la = { st, &e, 0 };
	int		r;

	(void)err;
	(void)errlen;
	buf_init(&e.b, 0);
	r = each_vm(st, list_one, &la);
	buf_clear(&e.b);
	return r;
}

int
placement_vm_where(struct store *st, const char *vm, int64_t at,
    placement_emitfn fn, void *arg, char *err, size_t errlen)
{
	struct placement	p;
	struct json		j;
	struct buf		b;
	char			uuid[PLACE_UUID_LEN + 1];
	int			r;

	if (placement_resolve(st, vm, uuid) != 0 ||
	    placement_where(st, uuid, at, &p) != 0 || !p.known) {
		snprintf(err, errlen, "unknown VM '%s'", vm);
		return ERR_NOTFOUND;
	}
	buf_init(&b, 0);
	json_init(&j, &b);
	json_obj_open(&j);
	json_key_str(&j, "vm.uuid", uuid);
	json_key_str(&j, "vm.name", p.name);
	json_key_str(&j, "state", p.running ? "running" : "stopped");
	if (p.running) {
		json_key_str(&j, "hypervisor.name", p.host);
		json_key_time(&j, "start", p.start_us);
		if (p.end_us != INT64_MAX)
			json_key_time(&j, "end", p.end_us);
		if (p.start_reason[0])
			json_key_str(&j, "start_reason", p.start_reason);
	}
	json_obj_close(&j);
	r = fn(arg, (const char *)b.d, b.len);
	buf_clear(&b);
	return r;
}

struct ivarg {
	struct store	*st;
	struct emit	*e;
};

static int
iv_one(void *arg, const char *uuid)
{
	struct ivarg	*ia = arg;
	struct fact	 last;
	int		 nf;

	return walk_vm(ia->st, uuid, emit_ivl, ia->e, &last, &nf);
}

int
placement_vm_intervals(struct store *st, const char *vm, const char *host,
    int64_t since, int64_t until, placement_emitfn fn, void *arg, char *err,
    size_t errlen)
{
	struct emit	e = { fn, arg, { 0 }, host, since, until };
	struct ivarg	ia = { st, &e };
	char		uuid[PLACE_UUID_LEN + 1];
	int		r;

	buf_init(&e.b, 0);
	if (vm != NULL && vm[0] != '\0') {
		if (placement_resolve(st, vm, uuid) != 0) {
			snprintf(err, errlen, "unknown VM '%s'", vm);
			buf_clear(&e.b);
			return ERR_NOTFOUND;
		}
		r = iv_one(&ia, uuid);
	} else
		r = each_vm(st, iv_one, &ia);
	buf_clear(&e.b);
	return r;
}

struct hostwalk {
	struct store	*st;
	const char	*host;
	int64_t		 since, until;
	int		 found;
	int		(*fn)(void *, const char *);
	void		*arg;
};

static int
host_ivl(void *arg, const struct ivl *iv)
{
	struct hostwalk *hw = arg;

	if (iv->end > hw->since && iv->start < hw->until &&
	    strcmp(iv->host, hw->host) == 0)
		hw->found = 1;
	return 0;
}

static int
host_one(void *arg, const char *uuid)
{
	struct hostwalk	*hw = arg;
	struct fact	 last;
	int		 nf, r;

	hw->found = 0;
	if ((r = walk_vm(hw->st, uuid, host_ivl, hw, &last, &nf)) != 0)
		return r;
	return hw->found ? hw->fn(hw->arg, uuid) : 0;
}

int
placement_host_uuids(struct store *st, const char *host, int64_t since,
    int64_t until, int (*fn)(void *, const char *), void *arg)
{
	struct hostwalk hw = { st, host, since, until, 0, fn, arg };

	return each_vm(st, host_one, &hw);
}
