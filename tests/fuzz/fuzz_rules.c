/*
 * fuzz_rules.c -- libFuzzer target for the rule language: parses the
 * input as a rule file and, when it parses, runs a few fixed events
 * through an engine over it (every rule type, timers, a snapshot saved
 * and loaded back).  Built with replay.c it runs without clang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "record.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
emitcb(const struct alert *a, void *arg)
{
	size_t *n = arg;

	if (strlen(a->message) >= ALERT_MESSAGE_MAX ||
	    strlen(a->group) >= ALERT_GROUP_MAX || a->nrefs > ALERT_REFS_MAX ||
	    a->rule_id == NULL || a->title == NULL)
		abort();
	(*n)++;
}

static void
fill(struct record *ev, int i)
{
	static const char *ips[] = { "10.0.0.1", "fd00::1", "x", "" };
	static const char *acts[] = { "ssh_login", "vm_start", "sudo", "su" };

	record_init(ev);
	ev->ts_us = 1741942805000000LL + (int64_t)(i % 7) * 20000000 -
	    (i % 3) * 1000000;
	record_add(ev, "event.action", acts[i % 4], strlen(acts[i % 4]));
	record_add(ev, "source.ip", ips[i % 4], strlen(ips[i % 4]));
	if (i % 2)
		record_add(ev, "event.outcome", "failure", 7);
	record_add(ev, "host.name", "hv1", 3);
	record_add(ev, "destination.port", i % 5 ? "22" : "8080",
	    i % 5 ? 2 : 4);
	record_add(ev, "message", "Failed password for root from 10.0.0.1",
	    38);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct record	 ev;
	struct ruleset		*rs;
	struct rules_engine	*e, *e2;
	struct rules_opts	 o = { 8, 1 };
	struct rule_ref		 ref = { 1, 0, 0 };
	struct buf		 b;
	char			 err[256];
	size_t			 n = 0;
	int			 i;

	if (rules_parse("fuzz.rules", (const char *)data, size, &rs, err,
	    sizeof(err)) != 0) {
		if (strncmp(err, "fuzz.rules:", 11) != 0)
			abort();
		return 0;
	}
	if ((e = rules_engine_new(rs, &o, emitcb, &n)) == NULL)
		abort();
	for (i = 0; i < 24; i++) {
		fill(&ev, i);
		ref.seq = i;
		rules_event(e, &ev, &ref);
		if (i % 8 == 7)
			rules_tick(e, ev.ts_us + 3600000000LL);
	}
	buf_init(&b, 0);
	if (rules_state_save(e, &b) != 0)
		abort();
	if ((e2 = rules_engine_new(rs, &o, emitcb, &n)) == NULL ||
	    rules_state_load(e2, b.d, b.len) != 0)
		abort();
	rules_tick(e2, 1741942805000000LL + 86400000000LL);
	buf_clear(&b);
	rules_engine_free(e2);
	rules_engine_free(e);
	rules_free(rs);
	return 0;
}
