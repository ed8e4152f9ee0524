/*
 * report.c -- VM lifecycle report renderers (see report.h, docs/vm.md).
 * Pure: plain structs in, bytes appended to a struct buf out.  Knows
 * nothing of sockets, the store or the terminal; the CLI (cli_vm.c)
 * fetches the data and writes the result.
 *
 * The HTML page is one file an auditor can archive and open anywhere: no
 * scripts, no external resources (a Content-Security-Policy forbids them
 * too, in case an escaping bug ever let markup through), inline CSS and an
 * inline SVG timeline whose tooltips are SVG <title> elements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "json.h"
#include "query.h"
#include "report.h"

#define PUT(b, s)	do { if ((r = buf_put((b), (s), strlen(s))) != 0) \
				goto out; } while (0)
#define PUTF(b, ...)	do { if ((r = buf_putf((b), __VA_ARGS__)) != 0) \
				goto out; } while (0)
#define ESC(b, s)	do { if ((r = report_html_escape((b), \
				(s) ? (s) : "", (s) ? strlen(s) : 0)) != 0) \
				goto out; } while (0)

/* SVG timeline geometry, in pixels */
#define TL_LABEL_W	210	/* VM names */
#define TL_PLOT_W	880	/* the window */
#define TL_RIGHT	30
#define TL_TOP		34	/* top axis labels */
#define TL_ROW_H	26
#define TL_BAR_H	16
#define TL_BOTTOM	30
#define TL_LABEL_MAX	30	/* bytes of a VM name shown in the label */

/* Append the visible form of a control byte; 0 when c is not one. */
static int
ctl_visible(struct buf *b, const unsigned char *p, size_t n, size_t *adv,
    int *r)
{
	if (p[0] < 0x20 || p[0] == 0x7f) {
		*r = buf_putf(b, "\\x%02x", p[0]);
		*adv = 1;
		return 1;
	}
	/* C1 controls U+0080..U+009F (e.g. CSI) in UTF-8 */
	if (p[0] == 0xc2 && n > 1 && p[1] >= 0x80 && p[1] < 0xa0) {
		*r = buf_putf(b, "\\u%04x", p[1]);
		*adv = 2;
		return 1;
	}
	return 0;
}

int
report_csv_field(struct buf *b, const char *s, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n, adv;
	int			 quote = 0, r = 0;

	if (s == NULL)
		return 0;
	n = strlen(s);
	for (i = 0; i < n; i++)
		if (p[i] == ',' || p[i] == '"' ||
		    (!(flags & REPORT_CSV_TTY) && (p[i] == '\r' ||
		    p[i] == '\n')))
			quote = 1;
	if (quote && (r = buf_put(b, "\"", 1)) != 0)
		return r;
	/* OWASP CSV injection: a cell starting so is a formula */
	if (n > 0 && strchr("=+-@\t\r", p[0]) != NULL &&
	    (r = buf_put(b, "'", 1)) != 0)
		return r;
	for (i = 0; i < n; i += adv) {
		adv = 1;
		if (p[i] == '"')
			r = buf_put(b, "\"\"", 2);
		else if ((p[i] == '\r' || p[i] == '\n' || p[i] == '\t') &&
		    !(flags & REPORT_CSV_TTY))
			r = buf_put(b, p + i, 1);
		else if (p[i] == '\t')
			r = buf_put(b, "\\t", 2);
		else if (p[i] == '\r')
			r = buf_put(b, "\\r", 2);
		else if (p[i] == '\n')
			r = buf_put(b, "\\n", 2);
		else if (!ctl_visible(b, p + i, n - i, &adv, &r))
			r = buf_put(b, p + i, 1);
		if (r != 0)
			return r;
	}
	if (quote)
		r = buf_put(b, "\"", 1);
	return r;
}

int
report_csv_row(struct buf *b, const char *const *f, size_t n, int flags)
{
	size_t	i;
	int	r;

	for (i = 0; i < n; i++) {
		if (i > 0 && (r = buf_put(b, ",", 1)) != 0)
			return r;
		if ((r = report_csv_field(b, f[i], flags)) != 0)
			return r;
	}
	return buf_put(b, "\r\n", 2);
}

int
report_html_escape(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, adv;
	int			 r = 0;

	for (i = 0; i < len; i += adv) {
		adv = 1;
		switch (p[i]) {
		case '&': r = buf_put(b, "&amp;", 5); break;
		case '<': r = buf_put(b, "&lt;", 4); break;
		case '>': r = buf_put(b, "&gt;", 4); break;
		case '"': r = buf_put(b, "&quot;", 6); break;
		case '\'': r = buf_put(b, "&#39;", 5); break;
		default:
			if (!ctl_visible(b, p + i, len - i, &adv, &r))
				r = buf_put(b, p + i, 1);
		}
		if (r != 0)
			return r;
	}
	return 0;
}

const char *
report_actor(const char *user_name, const char *audit_id,
    const char *audit_name)
{
	/*
	 * The login uid names who asked; user.name of a libvirt record is
	 * only the daemon's uid (ENRICHED UID="root").
	 */
	if (audit_name != NULL && *audit_name != '\0')
		return audit_name;
	if (audit_id != NULL && *audit_id != '\0' &&
	    strcmp(audit_id, "4294967295") != 0 && strcmp(audit_id, "-1") != 0)
		return audit_id;
	if (user_name != NULL && *user_name != '\0')
		return user_name;
	return NULL;
}

int
report_bar(int64_t since, int64_t until, int64_t start, int64_t end,
    double width, double *x, double *w)
{
	double	span, a, z;

	if (until <= since || width <= 0)
		return -1;
	if (end == REPORT_OPEN || end > until)
		end = until;
	if (start < since)
		start = since;
	if (start >= until || end <= since || end < start)
		return -1;
	span = (double)until - (double)since;
	a = ((double)start - (double)since) / span * width;
	z = ((double)end - (double)since) / span * width;
	if (z - a < 1.0) {
		z = a + 1.0;
		if (z > width) {
			z = width;
			a = width - 1.0;
		}
	}
	*x = a;
	*w = z - a;
	return 0;
}

/* RFC 3339 with microseconds; "" for an open end */
static void
fmt_rfc(int64_t us, char *t, size_t n)
{
	if (us == REPORT_OPEN)
		t[0] = '\0';
	else
		time_format(us, t, n);
}

/* 2025-03-14 09:14:03, for people */
static void
fmt_short(int64_t us, char *t, size_t n)
{
	char	f[TIME_FORMAT_LEN];

	time_format(us, f, sizeof(f));
	snprintf(t, n, "%.19s", f);
	if (strlen(t) > 10)
		t[10] = ' ';
}

static void
event_fields(const struct report_event *e, const char **f, char *t,
    size_t tn)
{
	fmt_rfc(e->ts_us, t, tn);
	f[0] = t;
	f[1] = e->host;
	f[2] = e->action;
	f[3] = e->reason;
	f[4] = e->outcome;
	f[5] = e->actor;
	f[6] = e->source;
	f[7] = e->vm_name;
	f[8] = e->vm_uuid;
}

static const char *const event_keys[] = {
	"time", "host", "action", "reason", "outcome", "actor", "source",
	"vm.name", "vm.uuid",
};

int
report_events_csv(struct buf *b, const struct report_event *ev, size_t n,
    int with_vm, int flags)
{
	const char	*f[9];
	char		 t[TIME_FORMAT_LEN];
	size_t		 i, nf = with_vm ? 9 : 7;
	int		 r;

	if ((r = report_csv_row(b, event_keys, nf, flags)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		event_fields(&ev[i], f, t, sizeof(t));
		if ((r = report_csv_row(b, f, nf, flags)) != 0)
			return r;
	}
	return 0;
}

static void
event_json(struct json *j, const struct report_event *e, int with_vm)
{
	const char	*f[9];
	char		 t[TIME_FORMAT_LEN];
	size_t		 k, nf = with_vm ? 9 : 7;

	event_fields(e, f, t, sizeof(t));
	json_obj_open(j);
	for (k = 0; k < nf; k++)
		json_key_str(j, event_keys[k], f[k]);
	json_obj_close(j);
}

int
report_events_json(struct buf *b, const struct report_event *ev, size_t n,
    int with_vm)
{
	struct json	j;
	size_t		i;
	int		r;

	for (i = 0; i < n; i++) {
		json_init(&j, b);
		event_json(&j, &ev[i], with_vm);
		if ((r = json_error(&j)) != 0 || (r = buf_put(b, "\n", 1)) != 0)
			return r;
	}
	return 0;
}

int
report_csv(struct buf *b, const struct report *rp)
{
	static const char *const hdr[] = {
		"record", "vm.name", "vm.uuid", "host", "time", "end",
		"action", "reason", "end_reason", "outcome", "actor", "source",
	};
	const char	*f[12];
	char		 t[TIME_FORMAT_LEN], e[TIME_FORMAT_LEN];
	size_t		 i;
	int		 r;

	if ((r = report_csv_row(b, hdr, 12, 0)) != 0)
		return r;
	for (i = 0; i < rp->niv; i++) {
		const struct report_interval *iv = &rp->iv[i];

		fmt_rfc(iv->start_us, t, sizeof(t));
		fmt_rfc(iv->end_us, e, sizeof(e));
		f[0] = "interval";
		f[1] = iv->vm_name;
		f[2] = iv->vm_uuid;
		f[3] = iv->host;
		f[4] = t;
		f[5] = e;
		f[6] = "placement";
		f[7] = iv->start_reason;
		f[8] = iv->end_reason;
		f[9] = f[10] = f[11] = NULL;
		if ((r = report_csv_row(b, f, 12, 0)) != 0)
			return r;
	}
	for (i = 0; i < rp->nev; i++) {
		const struct report_event *ev = &rp->ev[i];

		fmt_rfc(ev->ts_us, t, sizeof(t));
		f[0] = "event";
		f[1] = ev->vm_name;
		f[2] = ev->vm_uuid;
		f[3] = ev->host;
		f[4] = t;
		f[5] = NULL;
		f[6] = ev->action;
		f[7] = ev->reason;
		f[8] = NULL;
		f[9] = ev->outcome;
		f[10] = ev->actor;
		f[11] = ev->source;
		if ((r = report_csv_row(b, f, 12, 0)) != 0)
			return r;
	}
	return 0;
}

int
report_json(struct buf *b, const struct report *rp)
{
	struct json	j;
	size_t		i;

	json_init(&j, b);
	json_obj_open(&j);
	json_key_str(&j, "title", rp->title);
	json_key_time(&j, "since", rp->since_us);
	json_key_time(&j, "until", rp->until_us);
	json_key_time(&j, "generated", rp->generated_us);
	json_key(&j, "intervals");
	json_arr_open(&j);
	for (i = 0; i < rp->niv; i++) {
		const struct report_interval *iv = &rp->iv[i];

		json_obj_open(&j);
		json_key_str(&j, "vm.uuid", iv->vm_uuid);
		json_key_str(&j, "vm.name", iv->vm_name);
		json_key_str(&j, "hypervisor.name", iv->host);
		json_key_time(&j, "start", iv->start_us);
		if (iv->end_us != REPORT_OPEN)
			json_key_time(&j, "end", iv->end_us);
		json_key_str(&j, "start_reason", iv->start_reason);
		json_key_str(&j, "end_reason", iv->end_reason);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_key(&j, "events");
	json_arr_open(&j);
	for (i = 0; i < rp->nev; i++)
		event_json(&j, &rp->ev[i], 1);
	json_arr_close(&j);
	json_obj_close(&j);
	if (json_error(&j) != 0)
		return json_error(&j);
	return buf_put(b, "\n", 1);
}

/* ---------------------------------------------------------------- HTML */

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};
#define NPALETTE	(sizeof(palette) / sizeof(palette[0]))

static void
host_colour(size_t i, char *out, size_t n)
{
	if (i < NPALETTE)
		snprintf(out, n, "%s", palette[i]);
	else	/* golden-angle hues: neighbours stay apart */
		snprintf(out, n, "hsl(%u,60%%,45%%)",
		    (unsigned)((i * 137) % 360));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/* the row of a VM: by UUID, by name when the UUID is unknown */
static const char *
vm_key(const struct report_interval *iv)
{
	return iv->vm_uuid != NULL && *iv->vm_uuid ? iv->vm_uuid :
	    nz(iv->vm_name);
}

static const char *
vm_label(const struct report_interval *iv)
{
	return iv->vm_name != NULL && *iv->vm_name ? iv->vm_name :
	    nz(iv->vm_uuid);
}

/* sort rows by label, then key (qsort_r: no global) */
static int
cmp_row(const void *a, const void *b, void *arg)
{
	const struct report_interval *iv = arg;
	const struct report_interval *x = &iv[*(const size_t *)a];
	const struct report_interval *y = &iv[*(const size_t *)b];
	int c = strcmp(vm_label(x), vm_label(y));

	return c != 0 ? c : strcmp(vm_key(x), vm_key(y));
}

struct layout {
	const char	**hosts;	/* sorted, distinct */
	size_t		  nhosts;
	size_t		 *rows;		/* an interval index per VM row */
	size_t		  nrows;
	size_t		 *row_of;	/* the row of each interval */
};

static void
layout_free(struct layout *l)
{
	free(l->hosts);
	free(l->rows);
	free(l->row_of);
}

static int
layout_make(const struct report *rp, struct layout *l)
{
	size_t	i, k, n = rp->niv;

	memset(l, 0, sizeof(*l));
	if (n == 0)
		return 0;
	if ((l->hosts = calloc(n, sizeof(*l->hosts))) == NULL ||
	    (l->rows = calloc(n, sizeof(*l->rows))) == NULL ||
	    (l->row_of = calloc(n, sizeof(*l->row_of))) == NULL) {
		layout_free(l);
		return ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		l->hosts[i] = nz(rp->iv[i].host);
	qsort(l->hosts, n, sizeof(*l->hosts), cmp_str);
	for (i = 0; i < n; i++)
		if (l->nhosts == 0 ||
		    strcmp(l->hosts[l->nhosts - 1], l->hosts[i]) != 0)
			l->hosts[l->nhosts++] = l->hosts[i];
	/* quadratic, but a report holds hundreds of VMs, not millions */
	for (i = 0; i < n; i++) {
		for (k = 0; k < l->nrows; k++)
			if (strcmp(vm_key(&rp->iv[l->rows[k]]),
			    vm_key(&rp->iv[i])) == 0)
				break;
		if (k == l->nrows)
			l->rows[l->nrows++] = i;
	}
	qsort_r(l->rows, l->nrows, sizeof(*l->rows), cmp_row,
	    (void *)rp->iv);
	for (i = 0; i < n; i++)
		for (k = 0; k < l->nrows; k++)
			if (strcmp(vm_key(&rp->iv[l->rows[k]]),
			    vm_key(&rp->iv[i])) == 0) {
				l->row_of[i] = k;
				break;
			}
	return 0;
}

static size_t
host_index(const struct layout *l, const char *h)
{
	size_t	i;

	for (i = 0; i < l->nhosts; i++)
		if (strcmp(l->hosts[i], nz(h)) == 0)
			return i;
	return 0;
}

/* A tick step with at most 8 ticks across the window. */
static int64_t
tick_step(int64_t span_us)
{
	static const int64_t steps[] = {
		1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800,
		21600, 43200, 86400, 172800, 604800, 2592000, 31536000,
	};
	size_t	i;
	int64_t	s = span_us / 1000000;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (s / steps[i] <= 8)
			return steps[i];
	return s / 8 + 1;
}

static void
tick_label(int64_t us, int64_t step, int64_t span_us, char *out, size_t n)
{
	struct tm	tm;
	time_t		t = (time_t)(us / 1000000);

	gmtime_r(&t, &tm);
	if (step >= 86400)
		strftime(out, n, "%Y-%m-%d", &tm);
	else if (span_us > (int64_t)86400 * 1000000)
		strftime(out, n, "%m-%d %H:%M", &tm);
	else if (step < 60)
		strftime(out, n, "%H:%M:%S", &tm);
	else
		strftime(out, n, "%H:%M", &tm);
}

static int
svg_axis(struct buf *b, const struct report *rp, int height)
{
	int64_t	span = rp->until_us - rp->since_us;
	int64_t	step = tick_step(span), t;
	double	x;
	char	lab[32];
	int	r = 0;

	/* first tick: the first multiple of step (UTC) in the window */
	t = rp->since_us / 1000000;
	t = (t / step + (t % step != 0)) * step;
	for (; t * 1000000 <= rp->until_us; t += step) {
		x = TL_LABEL_W + (double)(t * 1000000 - rp->since_us) /
		    (double)span * TL_PLOT_W;
		tick_label(t * 1000000, step, span, lab, sizeof(lab));
		PUTF(b, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" "
		    "x2=\"%.1f\" y2=\"%d\"/>\n", x, TL_TOP - 6, x,
		    height - TL_BOTTOM + 6);
		PUTF(b, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"middle\">%s</text>\n", x, TL_TOP - 12, lab);
		PUTF(b, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"middle\">%s</text>\n", x,
		    height - TL_BOTTOM + 20, lab);
	}
	PUTF(b, "<text class=\"axis\" x=\"%d\" y=\"%d\">time (UTC)</text>\n",
	    8, TL_TOP - 12);
	PUTF(b, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" "
	    "height=\"%d\"/>\n", TL_LABEL_W, TL_TOP - 6, TL_PLOT_W,
	    height - TL_TOP - TL_BOTTOM + 12);
 out:
	return r;
}

/* the VM name for a label: at most TL_LABEL_MAX bytes, whole characters */
static int
svg_label(struct buf *b, const char *s)
{
	size_t	n = strlen(s);
	int	r;

	if (n <= TL_LABEL_MAX)
		return report_html_escape(b, s, n);
	n = TL_LABEL_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	if ((r = report_html_escape(b, s, n)) != 0)
		return r;
	return buf_put(b, "\xe2\x80\xa6", 3);	/* U+2026 ellipsis */
}

static int
svg_timeline(struct buf *b, const struct report *rp, const struct layout *l)
{
	const struct report_interval	*iv;
	char				 c[32], s[32], e[32];
	double				 x, w;
	size_t				 i;
	int				 height, width, y, r = 0;

	width = TL_LABEL_W + TL_PLOT_W + TL_RIGHT;
	height = TL_TOP + (int)l->nrows * TL_ROW_H + TL_BOTTOM;
	PUTF(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" "
	    "role=\"img\" aria-label=\"VM placement timeline\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
	    width, height, width, height);
	for (i = 0; i < l->nrows; i++) {
		iv = &rp->iv[l->rows[i]];
		y = TL_TOP + (int)i * TL_ROW_H;
		if (i % 2)
			PUTF(b, "<rect class=\"stripe\" x=\"0\" y=\"%d\" "
			    "width=\"%d\" height=\"%d\"/>\n", y, width,
			    TL_ROW_H);
		PUTF(b, "<text class=\"vm\" x=\"8\" y=\"%d\"><title>", y + 17);
		ESC(b, vm_label(iv));
		PUT(b, " ");
		ESC(b, iv->vm_uuid);
		PUT(b, "</title>");
		if ((r = svg_label(b, vm_label(iv))) != 0)
			goto out;
		PUT(b, "</text>\n");
	}
	if ((r = svg_axis(b, rp, height)) != 0)
		goto out;
	for (i = 0; i < rp->niv; i++) {
		iv = &rp->iv[i];
		if (report_bar(rp->since_us, rp->until_us, iv->start_us,
		    iv->end_us, TL_PLOT_W, &x, &w) != 0)
			continue;
		host_colour(host_index(l, iv->host), c, sizeof(c));
		fmt_short(iv->start_us, s, sizeof(s));
		fmt_short(iv->end_us, e, sizeof(e));
		y = TL_TOP + (int)l->row_of[i] * TL_ROW_H +
		    (TL_ROW_H - TL_BAR_H) / 2;
		PUTF(b, "<rect class=\"bar%s\" x=\"%.1f\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>",
		    iv->end_us == REPORT_OPEN ? " open" : "",
		    TL_LABEL_W + x, y, w, TL_BAR_H, c);
		ESC(b, vm_label(iv));
		PUT(b, " on ");
		ESC(b, iv->host);
		if (iv->end_us == REPORT_OPEN)
			PUTF(b, ": since %s UTC, still running (", s);
		else
			PUTF(b, ": %s to %s UTC (", s, e);
		ESC(b, iv->start_reason && *iv->start_reason ?
		    iv->start_reason : "?");
		PUT(b, " \xe2\x86\x92 ");	/* U+2192 arrow */
		ESC(b, iv->end_reason && *iv->end_reason ? iv->end_reason :
		    iv->end_us == REPORT_OPEN ? "running" : "?");
		PUT(b, ")</title></rect>\n");
		/* the host in the bar too, when it fits: colour is not all */
		if (w >= 7.0 * (double)strlen(nz(iv->host)) + 10) {
			PUTF(b, "<text class=\"bl\" x=\"%.1f\" y=\"%d\">",
			    TL_LABEL_W + x + 4, y + TL_BAR_H - 4);
			ESC(b, iv->host);
			PUT(b, "</text>\n");
		}
	}
	PUT(b, "</svg>\n");
 out:
	return r;
}

static const char html_css[] =
	"body{font:14px/1.4 system-ui,-apple-system,\"Segoe UI\",sans-serif;"
	"margin:24px;color:#222;background:#fff}\n"
	"h1{font-size:22px;margin:0 0 4px}\n"
	"h2{font-size:17px;margin:28px 0 8px}\n"
	".meta{color:#555;margin:0}\n"
	"table{border-collapse:collapse;font-size:13px}\n"
	"th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;"
	"vertical-align:top}\n"
	"th{background:#f3f3f3}tr:nth-child(even) td{background:#fafafa}\n"
	"td.t{white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	"td.fail{color:#b00020;font-weight:600}\n"
	".legend{list-style:none;padding:0;margin:0 0 8px}\n"
	".legend li{display:inline-block;margin-right:18px}\n"
	".sw{display:inline-block;width:12px;height:12px;margin-right:6px;"
	"vertical-align:-1px;border-radius:2px}\n"
	"svg.timeline{max-width:100%;height:auto;border:1px solid #ddd}\n"
	"svg .stripe{fill:#f6f6f6}svg .frame{fill:none;stroke:#999}\n"
	"svg .tick{stroke:#ddd}svg .axis{font-size:11px;fill:#555}\n"
	"svg .vm{font-size:12px;fill:#222}\n"
	"svg .bl{font-size:11px;fill:#fff;pointer-events:none}\n"
	"svg .bar{stroke:#333;stroke-width:.5}\n"
	"svg .bar.open{stroke-dasharray:4 2;stroke-width:1}\n"
	".empty{color:#555;font-style:italic}\n"
	"@media print{body{margin:0}}\n";

static int
html_head(struct buf *b, const struct report *rp)
{
	char	s[32], u[32], g[32];
	size_t	i, fails = 0;
	int	r = 0;

	for (i = 0; i < rp->nev; i++)
		if (rp->ev[i].outcome && strcmp(rp->ev[i].outcome,
		    "failure") == 0)
			fails++;
	fmt_short(rp->since_us, s, sizeof(s));
	fmt_short(rp->until_us, u, sizeof(u));
	fmt_short(rp->generated_us, g, sizeof(g));
	PUT(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<meta name=\"generator\" content=\"vigil vm report\">\n"
	    "<title>");
	ESC(b, rp->title);
	PUT(b, "</title>\n<style>\n");
	PUT(b, html_css);
	PUT(b, "</style>\n</head>\n<body>\n<h1>");
	ESC(b, rp->title);
	PUTF(b, "</h1>\n<p class=\"meta\">Window: <b>%s</b> to <b>%s</b> UTC"
	    " &middot; generated %s UTC by vigil</p>\n", s, u, g);
	PUTF(b, "<p class=\"meta\">%zu placement interval%s, %zu lifecycle "
	    "event%s, %zu with outcome failure.</p>\n", rp->niv,
	    rp->niv == 1 ? "" : "s", rp->nev, rp->nev == 1 ? "" : "s", fails);
 out:
	return r;
}

static int
html_intervals(struct buf *b, const struct report *rp,
    const struct layout *l)
{
	const struct report_interval	*iv;
	char				 c[32], s[32], e[32];
	size_t				 i, k;
	int				 r = 0;

	PUT(b, "<h2>Placement intervals</h2>\n");
	if (rp->niv == 0) {
		PUT(b, "<p class=\"empty\">No VM ran in this window.</p>\n");
		return 0;
	}
	PUT(b, "<table>\n<tr><th>VM</th><th>UUID</th><th>Host</th>"
	    "<th>Start (UTC)</th><th>End (UTC)</th><th>Start reason</th>"
	    "<th>End reason</th></tr>\n");
	/* grouped by VM row, in time order within (the server's order) */
	for (k = 0; k < l->nrows; k++)
		for (i = 0; i < rp->niv; i++) {
			if (l->row_of[i] != k)
				continue;
			iv = &rp->iv[i];
			host_colour(host_index(l, iv->host), c, sizeof(c));
			fmt_short(iv->start_us, s, sizeof(s));
			if (iv->end_us == REPORT_OPEN)
				snprintf(e, sizeof(e), "running");
			else
				fmt_short(iv->end_us, e, sizeof(e));
			PUT(b, "<tr><td>");
			ESC(b, iv->vm_name);
			PUT(b, "</td><td>");
			ESC(b, iv->vm_uuid);
			PUTF(b, "</td><td><span class=\"sw\" "
			    "style=\"background:%s\"></span>", c);
			ESC(b, iv->host);
			PUTF(b, "</td><td class=\"t\">%s</td><td class=\"t\">%s"
			    "</td><td>", s, e);
			ESC(b, iv->start_reason);
			PUT(b, "</td><td>");
			ESC(b, iv->end_reason);
			PUT(b, "</td></tr>\n");
		}
	PUT(b, "</table>\n");
 out:
	return r;
}

static int
html_events(struct buf *b, const struct report *rp)
{
	const struct report_event	*ev;
	char				 t[32];
	size_t				 i;
	int				 r = 0, fail;

	PUT(b, "<h2>Lifecycle events</h2>\n");
	if (rp->nev == 0) {
		PUT(b, "<p class=\"empty\">No lifecycle events in this "
		    "window.</p>\n");
		return 0;
	}
	PUT(b, "<table>\n<tr><th>Time (UTC)</th><th>Host</th><th>VM</th>"
	    "<th>Action</th><th>Reason</th><th>Outcome</th><th>Actor</th>"
	    "<th>Source</th></tr>\n");
	for (i = 0; i < rp->nev; i++) {
		ev = &rp->ev[i];
		fail = ev->outcome && strcmp(ev->outcome, "failure") == 0;
		fmt_short(ev->ts_us, t, sizeof(t));
		PUTF(b, "<tr><td class=\"t\">%s</td><td>", t);
		ESC(b, ev->host);
		PUT(b, "</td><td>");
		ESC(b, ev->vm_name && *ev->vm_name ? ev->vm_name :
		    ev->vm_uuid);
		PUT(b, "</td><td>");
		ESC(b, ev->action);
		PUT(b, "</td><td>");
		ESC(b, ev->reason);
		PUT(b, fail ? "</td><td class=\"fail\">" : "</td><td>");
		ESC(b, ev->outcome);
		PUT(b, "</td><td>");
		ESC(b, ev->actor);
		PUT(b, "</td><td>");
		ESC(b, ev->source);
		PUT(b, "</td></tr>\n");
	}
	PUT(b, "</table>\n");
 out:
	return r;
}

int
report_html(struct buf *b, const struct report *rp)
{
	struct layout	l;
	char		c[32];
	size_t		i;
	int		r;

	if ((r = layout_make(rp, &l)) != 0)
		return r;
	if ((r = html_head(b, rp)) != 0)
		goto out;
	PUT(b, "<h2>Placement timeline</h2>\n");
	if (l.nrows == 0)
		PUT(b, "<p class=\"empty\">No placement intervals in this "
		    "window.</p>\n");
	else {
		PUT(b, "<ul class=\"legend\">\n");
		for (i = 0; i < l.nhosts; i++) {
			host_colour(i, c, sizeof(c));
			PUTF(b, "<li><span class=\"sw\" style=\"background:"
			    "%s\"></span>", c);
			ESC(b, l.hosts[i]);
			PUT(b, "</li>\n");
		}
		PUT(b, "</ul>\n");
		if ((r = svg_timeline(b, rp, &l)) != 0)
			goto out;
		PUT(b, "<p class=\"meta\">Dashed outline: still running at "
		    "the end of the window.  Hover a bar for its times.</p>\n");
	}
	if ((r = html_intervals(b, rp, &l)) != 0 ||
	    (r = html_events(b, rp)) != 0)
		goto out;
	PUT(b, "</body>\n</html>\n");
	r = 0;
 out:
	layout_free(&l);
	return r;
}
