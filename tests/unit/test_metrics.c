/*
 * test_metrics.c -- unit tests for collector/metrics.c: label values
 * escaped as the text format 0.0.4 wants (\\, \", \n), every series
 * preceded by its # HELP and # TYPE, counters named *_total, values taken
 * from the snapshot, refusals by reason, per-sender series, and a bounded
 * output buffer failing cleanly.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "metrics.h"
#include "test.h"

static struct buf b;

static const char *
label(const char *s)
{
	buf_reset(&b);
	if (metrics_label(&b, s) != 0 || buf_put_u8(&b, 0) != 0)
		return "(error)";
	return (const char *)b.d;
}

/* the line of b starting with prefix, as a static C string, or NULL */
static const char *
line(const char *prefix)
{
	static char	 l[1024];
	const char	*p = (const char *)b.d, *end = p + b.len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			return NULL;
		if ((size_t)(nl - p) >= strlen(prefix) &&
		    strncmp(p, prefix, strlen(prefix)) == 0 &&
		    (size_t)(nl - p) < sizeof(l)) {
			memcpy(l, p, nl - p);
			l[nl - p] = '\0';
			return l;
		}
		p = nl + 1;
	}
	return NULL;
}

/*
 * Every sample line's metric name has had # HELP and # TYPE lines before
 * it, counters end in _total, and the text ends with a newline.
 */
static int
well_formed(void)
{
	char		 typed[64][128], type[64][16], *s, *p, *nl, *sp;
	int		 ntyped = 0, i, found;

	if (b.len == 0 || b.d[b.len - 1] != '\n')
		return 0;
	if ((s = strndup((const char *)b.d, b.len)) == NULL)
		return 0;
	for (p = s; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		*nl = '\0';
		if (strncmp(p, "# HELP ", 7) == 0)
			continue;
		if (strncmp(p, "# TYPE ", 7) == 0) {
			if (ntyped == 64 || (sp = strchr(p + 7, ' ')) == NULL)
				goto bad;
			snprintf(typed[ntyped], sizeof(typed[0]), "%.*s",
			    (int)(sp - p - 7), p + 7);
			snprintf(type[ntyped], sizeof(type[0]), "%s", sp + 1);
			if (strcmp(type[ntyped], "counter") == 0 &&
			    (strlen(typed[ntyped]) < 6 || strcmp(typed[ntyped] +
			    strlen(typed[ntyped]) - 6, "_total") != 0))
				goto bad;
			ntyped++;
			continue;
		}
		found = 0;
		for (i = 0; i < ntyped; i++)
			if (strncmp(p, typed[i], strlen(typed[i])) == 0 &&
			    (p[strlen(typed[i])] == ' ' ||
			    p[strlen(typed[i])] == '{'))
				found = 1;
		if (!found)
			goto bad;
	}
	free(s);
	return 1;
 bad:
	fprintf(stderr, "badly formed line: %s\n", p);
	free(s);
	return 0;
}

int
main(void)
{
	struct metrics_snap	m;
	struct sender_stat	snd[2];
	struct buf		small;

	buf_init(&b, 0);
	T_STR(label("hv1.example"), "hv1.example");
	T_STR(label("a\"b"), "a\\\"b");
	T_STR(label("back\\slash"), "back\\\\slash");
	T_STR(label("two\nlines"), "two\\nlines");
	T_STR(label(""), "");

	memset(&m, 0, sizeof(m));
	memset(snd, 0, sizeof(snd));
	m.tot.start_us = 1700000000LL * 1000000;
	m.tot.received = 12;
	m.tot.stored = 10;
	m.tot.dups = 2;
	m.tot.gaps = 3;
	m.tot.acks = 5;
	m.tot.store_errors = 1;
	m.tot.queue_bytes = 4096;
	m.tot.queue_peak = 1 << 20;
	m.tot.tls_refused = 3;
	m.tot.tls_refused_by[TLSR_EXPIRED] = 2;
	m.tot.tls_refused_by[TLSR_NO_CERT] = 1;
	m.store_bytes = 123456;
	m.streams = 4;

	/* no senders: no per-sender families at all */
	buf_reset(&b);
	T_INT(metrics_render(&b, &m), 0);
	T_OK(well_formed());
	T_STR(line("vigil_events_received_total "),
	    "vigil_events_received_total 12");
	T_STR(line("vigil_events_stored_total "), "vigil_events_stored_total 10");
	T_STR(line("vigil_duplicates_absorbed_total "),
	    "vigil_duplicates_absorbed_total 2");
	T_STR(line("vigil_gaps_total "), "vigil_gaps_total 3");
	T_STR(line("vigil_acks_total "), "vigil_acks_total 5");
	T_STR(line("vigil_store_errors_total "), "vigil_store_errors_total 1");
	T_STR(line("vigil_queue_bytes "), "vigil_queue_bytes 4096");
	T_STR(line("vigil_queue_peak_bytes "),
	    "vigil_queue_peak_bytes 1048576");
	T_STR(line("vigil_store_bytes "), "vigil_store_bytes 123456");
	T_STR(line("vigil_streams "), "vigil_streams 4");
	T_STR(line("vigil_start_time_seconds "),
	    "vigil_start_time_seconds 1700000000.000000");
	T_STR(line("vigil_tls_refused_total{reason=\"expired\"}"),
	    "vigil_tls_refused_total{reason=\"expired\"} 2");
	T_STR(line("vigil_tls_refused_total{reason=\"no_certificate\"}"),
	    "vigil_tls_refused_total{reason=\"no_certificate\"} 1");
	/* every reason is there, zero or not, so that rates work */
	T_STR(line("vigil_tls_refused_total{reason=\"not_yet_valid\"}"),
	    "vigil_tls_refused_total{reason=\"not_yet_valid\"} 0");
	T_STR(line("vigil_tls_refused_total{reason=\"revoked\"}"),
	    "vigil_tls_refused_total{reason=\"revoked\"} 0");
	T_STR(line("# TYPE vigil_tls_refused_total"),
	    "# TYPE vigil_tls_refused_total counter");
	T_OK(line("# HELP vigil_events_stored_total ") != NULL);
	T_OK(line("vigil_sender_") == NULL);

	/* two senders, one with a name that needs escaping */
	snprintf(snd[0].name, sizeof(snd[0].name), "hv1");
	snd[0].last_us = 1700000100500000LL;
	snd[0].connected = 1;
	snd[0].received = 7;
	snd[0].stored = 6;
	snd[0].dups = 1;
	snprintf(snd[1].name, sizeof(snd[1].name), "odd\"name\\x");
	snd[1].gaps = 9;
	m.senders = snd;
	m.nsenders = 2;
	buf_reset(&b);
	T_INT(metrics_render(&b, &m), 0);
	T_OK(well_formed());
	T_STR(line("vigil_sender_last_seen_seconds{sender=\"hv1\"}"),
	    "vigil_sender_last_seen_seconds{sender=\"hv1\"} 1700000100.500000");
	T_STR(line("vigil_sender_connected{sender=\"hv1\"}"),
	    "vigil_sender_connected{sender=\"hv1\"} 1");
	T_STR(line("vigil_sender_events_received_total{sender=\"hv1\"}"),
	    "vigil_sender_events_received_total{sender=\"hv1\"} 7");
	T_STR(line("vigil_sender_events_stored_total{sender=\"hv1\"}"),
	    "vigil_sender_events_stored_total{sender=\"hv1\"} 6");
	T_STR(line("vigil_sender_duplicates_absorbed_total{sender=\"hv1\"}"),
	    "vigil_sender_duplicates_absorbed_total{sender=\"hv1\"} 1");
	T_STR(line("vigil_sender_gaps_total{sender=\"odd"),
	    "vigil_sender_gaps_total{sender=\"odd\\\"name\\\\x\"} 9");

	/* a bounded buffer: an error, not a truncated exposition */
	buf_init(&small, 100);
	T_OK(metrics_render(&small, &m) != 0);
	T_OK(small.len <= 100);
	buf_clear(&small);

	buf_clear(&b);
	return TEST_DONE();
}
