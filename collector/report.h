/*
 * report.h -- VM lifecycle report renderers (docs/vm.md): placement
 * intervals and lifecycle events in, CSV / JSON / one self-contained HTML
 * page with an inline SVG timeline out.  Pure: takes plain structs,
 * appends to a struct buf, does no I/O and keeps no state.
 *
 * Every string from log data is escaped for its output: RFC 4180 quoting
 * plus formula neutralising in CSV, json_escape() in JSON, entities and
 * visible control characters in HTML.  Strings may be NULL (absent).
 */
#ifndef VIGIL_REPORT_H
#define VIGIL_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define REPORT_OPEN	INT64_MAX	/* end of an interval still running */

/* One placement interval [start_us, end_us) of a VM on a host. */
struct report_interval {
	const char	*vm_uuid;
	const char	*vm_name;
	const char	*host;		/* hypervisor.name */
	int64_t		 start_us;
	int64_t		 end_us;	/* REPORT_OPEN when still running */
	const char	*start_reason;
	const char	*end_reason;
};

/* One lifecycle event (an event with an event.action vm_*). */
struct report_event {
	int64_t		 ts_us;		/* @timestamp */
	const char	*vm_name;
	const char	*vm_uuid;
	const char	*host;		/* host.name: the sender */
	const char	*action;	/* event.action */
	const char	*reason;	/* event.reason */
	const char	*outcome;	/* event.outcome */
	const char	*actor;		/* see report_actor() */
	const char	*source;	/* event.dataset */
};

struct report {
	const char			*title;
	int64_t				 since_us, until_us;	/* the window */
	int64_t				 generated_us;
	const struct report_interval	*iv;
	size_t				 niv;
	const struct report_event	*ev;
	size_t				 nev;
};

/* report_csv_field() flags */
#define REPORT_CSV_TTY	0x1	/* also show CR and LF as \r \n (terminal) */

/*
 * Append one CSV field (no separator).  RFC 4180: a field containing
 * , " CR or LF is quoted and its quotes doubled.  A field starting with
 * = + - @ TAB or CR gets a leading ' so that spreadsheets do not run it as
 * a formula (CSV injection).  Other control bytes (C0 but TAB/CR/LF, DEL,
 * C1) become the visible text \xNN / \u00NN.  NULL is an empty field.
 * Returns 0 or the buf_put error.
 */
int	report_csv_field(struct buf *, const char *s, int flags);
/* Append n fields separated by commas and ended by CRLF (RFC 4180). */
int	report_csv_row(struct buf *, const char *const *fields, size_t n,
	    int flags);
/*
 * Append s[0..len) HTML-escaped for text and attribute values: & < > " '
 * become entities, control characters the visible text \xNN / \u00NN.
 */
int	report_html_escape(struct buf *, const char *s, size_t len);

/*
 * The actor of an event: user.audit.name, else user.audit.id unless it
 * is unset (4294967295), else user.name; NULL when none.  Returns one of
 * its arguments.
 */
const char *report_actor(const char *user_name, const char *audit_id,
	    const char *audit_name);

/*
 * Geometry of a timeline bar: the interval [start, end) (end REPORT_OPEN:
 * still running) clipped to the window [since, until) and scaled to
 * width pixels from x = 0.  Returns 0 and sets *x and *w (at least 1 pixel
 * so that short stays stay visible), or -1 when the interval does not
 * overlap the window or the window is empty.
 */
int	report_bar(int64_t since, int64_t until, int64_t start, int64_t end,
	    double width, double *x, double *w);

/*
 * History rows (the events of one or more VMs), one per line.  with_vm
 * adds the columns vm.name and vm.uuid.
 * CSV: header time,host,action,reason,outcome,actor,source[,vm,uuid].
 * JSON: one object per line with those keys ("" when absent).
 */
int	report_events_csv(struct buf *, const struct report_event *, size_t,
	    int with_vm, int flags);
int	report_events_json(struct buf *, const struct report_event *, size_t,
	    int with_vm);

/*
 * The whole report.  CSV: one table, a "record" column says interval or
 * event.  JSON: one object {"title","since","until","generated",
 * "intervals":[...],"events":[...]} (an interval without "end" is open).
 * HTML: one self-contained page, no scripts, no external resources.
 * Return 0 or an ERR_* from the buffer (ERR_TOOBIG at its limit).
 */
int	report_csv(struct buf *, const struct report *);
int	report_json(struct buf *, const struct report *);
int	report_html(struct buf *, const struct report *);

#endif
