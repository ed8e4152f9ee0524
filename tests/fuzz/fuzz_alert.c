/*
 * fuzz_alert.c -- libFuzzer target for alert_parse (collector/alerts.c),
 * the reader of stored alert records.  A record it accepts must survive
 * a write/read round trip unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct alert_view	v, w;
	struct alert			a;
	struct buf			b;

	if (alert_parse((const char *)data, size, &v) != 0)
		return 0;
	if (v.severity < SEV_INFO || v.severity > SEV_CRITICAL ||
	    v.nrefs < 0 || v.nrefs > ALERT_REFS_MAX)
		abort();
	memset(&a, 0, sizeof(a));
	a.id = v.id;
	a.update = v.update;
	a.rule_id = v.rule;
	a.title = v.title;
	a.severity = v.severity;
	a.tags = v.tags;
	a.description = v.description;
	a.ts_us = v.ts_us;
	a.first_us = v.first_us;
	a.last_us = v.last_us;
	memcpy(a.group, v.group, sizeof(a.group));
	memcpy(a.message, v.message, sizeof(a.message));
	a.count = v.count;
	a.suppressed = v.suppressed;
	a.nrefs = v.nrefs;
	memcpy(a.refs, v.refs, sizeof(a.refs));
	buf_init(&b, 0);
	if (alert_json(&a, &b) != 0 ||
	    alert_parse((const char *)b.d, b.len, &w) != 0 ||
	    w.id != v.id || w.severity != v.severity || w.count != v.count ||
	    w.nrefs != v.nrefs || strcmp(w.rule, v.rule) != 0 ||
	    strcmp(w.group, v.group) != 0 ||
	    strcmp(w.message, v.message) != 0)
		abort();
	buf_clear(&b);
	return 0;
}
