/*
 * stats.c -- counters and the sender table behind `vigil status`.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "json.h"
#include "stats.h"

#define SENDERS_MAX	4096

static pthread_mutex_t		 mtx = PTHREAD_MUTEX_INITIALIZER;
static struct stats_totals	 tot;
static struct sender_stat	*senders;
static int			 nsenders;

void
stats_init(int64_t now_us)
{
	pthread_mutex_lock(&mtx);
	memset(&tot, 0, sizeof(tot));
	tot.start_us = now_us;
	pthread_mutex_unlock(&mtx);
}

/* with mtx held */
static struct sender_stat *
find(const char *name, int create)
{
	struct sender_stat	*s;
	int			 i;

	for (i = 0; i < nsenders; i++)
		if (strcmp(senders[i].name, name) == 0)
			return &senders[i];
	if (!create || nsenders >= SENDERS_MAX)
		return NULL;
	if (nsenders % 64 == 0) {
		s = reallocarray(senders, nsenders + 64, sizeof(*s));
		if (s == NULL)
			return NULL;
		senders = s;
	}
	s = &senders[nsenders++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

void
stats_sender_connect(const char *name, const char *claimed, const char *role,
    const char *vm_uuid, const char *addr, int64_t now_us)
{
	struct sender_stat *s;

	pthread_mutex_lock(&mtx);
	if ((s = find(name, 1)) != NULL) {
		snprintf(s->claimed, sizeof(s->claimed), "%s", claimed);
		snprintf(s->role, sizeof(s->role), "%s", role);
		snprintf(s->vm_uuid, sizeof(s->vm_uuid), "%s", vm_uuid);
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->connected++;
		if (s->first_us == 0)
			s->first_us = now_us;
		s->last_us = now_us;
	}
	pthread_mutex_unlock(&mtx);
}

void
stats_sender_disconnect(const char *name)
{
	struct sender_stat *s;

	pthread_mutex_lock(&mtx);
	if ((s = find(name, 0)) != NULL && s->connected > 0)
		s->connected--;
	pthread_mutex_unlock(&mtx);
}

void
stats_sender_seen(const char *name, int64_t now_us)
{
	struct sender_stat *s;

	pthread_mutex_lock(&mtx);
	if ((s = find(name, 0)) != NULL)
		s->last_us = now_us;
	pthread_mutex_unlock(&mtx);
}

void
stats_sender_add(const char *name, uint64_t received, uint64_t stored,
    uint64_t dups, uint64_t gaps)
{
	struct sender_stat *s;

	pthread_mutex_lock(&mtx);
	if ((s = find(name, 1)) != NULL) {
		s->received += received;
		s->stored += stored;
		s->dups += dups;
		s->gaps += gaps;
	}
	pthread_mutex_unlock(&mtx);
}

int
stats_uuid_senders(const char *uuid, char names[][256], int max)
{
	int i, n = 0;

	pthread_mutex_lock(&mtx);
	for (i = 0; i < nsenders && n < max; i++)
		if (senders[i].connected > 0 && senders[i].vm_uuid[0] &&
		    strcasecmp(senders[i].vm_uuid, uuid) == 0)
			snprintf(names[n++], 256, "%s", senders[i].name);
	pthread_mutex_unlock(&mtx);
	return n;
}

void
stats_add(size_t field, int64_t delta)
{
	pthread_mutex_lock(&mtx);
	if (field == offsetof(struct stats_totals, start_us))
		tot.start_us += delta;
	else
		*(uint64_t *)((char *)&tot + field) += (uint64_t)delta;
	pthread_mutex_unlock(&mtx);
}

void
stats_set(size_t field, uint64_t v)
{
	pthread_mutex_lock(&mtx);
	*(uint64_t *)((char *)&tot + field) = v;
	pthread_mutex_unlock(&mtx);
}

void
stats_tls_refused(int why)
{
	if (why < 0 || why >= TLSR_MAX)
		why = TLSR_OTHER;
	pthread_mutex_lock(&mtx);
	tot.tls_refused++;
	tot.tls_refused_by[why]++;
	pthread_mutex_unlock(&mtx);
}

void
stats_snapshot(struct stats_totals *t, struct sender_stat **sp, int *np)
{
	pthread_mutex_lock(&mtx);
	*t = tot;
	*sp = NULL;
	*np = 0;
	if (nsenders > 0 &&
	    (*sp = reallocarray(NULL, nsenders, sizeof(**sp))) != NULL) {
		memcpy(*sp, senders, nsenders * sizeof(**sp));
		*np = nsenders;
	}
	pthread_mutex_unlock(&mtx);
}

int
stats_json(struct buf *out, int64_t now_us, uint64_t disk_bytes,
    uint32_t nstreams)
{
	struct json	j;
	int		i;

	json_init(&j, out);
	pthread_mutex_lock(&mtx);
	json_obj_open(&j);
	json_key_time(&j, "start", tot.start_us);
	json_key_int(&j, "uptime_s", (now_us - tot.start_us) / 1000000);
	json_key_int(&j, "events_received", (int64_t)tot.received);
	json_key_int(&j, "events_stored", (int64_t)tot.stored);
	json_key_int(&j, "duplicates", (int64_t)tot.dups);
	json_key_int(&j, "gaps", (int64_t)tot.gaps);
	json_key_int(&j, "commits", (int64_t)tot.commits);
	json_key_int(&j, "writer_decoded", (int64_t)tot.writer_decoded);
	json_key_int(&j, "acks", (int64_t)tot.acks);
	json_key_int(&j, "tls_refused", (int64_t)tot.tls_refused);
	json_key(&j, "tls_refused_by_reason");
	json_obj_open(&j);
	for (i = 0; i < TLSR_MAX; i++)
		if (tot.tls_refused_by[i] > 0)
			json_key_int(&j, tlsctx_refusal_name(i),
			    (int64_t)tot.tls_refused_by[i]);
	json_obj_close(&j);
	json_key_int(&j, "protocol_errors", (int64_t)tot.proto_errors);
	json_key_int(&j, "store_errors", (int64_t)tot.store_errors);
	json_key_int(&j, "session_timeouts", (int64_t)tot.timeouts);
	json_key_int(&j, "session_errors", (int64_t)tot.conn_errors);
	json_key_int(&j, "sessions", (int64_t)tot.sessions);
	json_key_int(&j, "queue_bytes", (int64_t)tot.queue_bytes);
	json_key_int(&j, "queue_peak_bytes", (int64_t)tot.queue_peak);
	json_key_int(&j, "store_bytes", (int64_t)disk_bytes);
	json_key_int(&j, "streams", nstreams);
	json_key(&j, "rules");
	json_obj_open(&j);
	json_key_int(&j, "events", (int64_t)tot.rules_events);
	json_key_int(&j, "tested", (int64_t)tot.rules_tested);
	json_key_int(&j, "groups", (int64_t)tot.rules_groups);
	json_key_int(&j, "evicted", (int64_t)tot.rules_evicted);
	json_key_int(&j, "alerts", (int64_t)tot.alerts);
	json_key_int(&j, "suppressed", (int64_t)tot.alerts_suppressed);
	json_key_int(&j, "alerts_unsent", (int64_t)tot.alerts_unsent);
	json_key_int(&j, "output_errors", (int64_t)tot.alert_output_errors);
	json_obj_close(&j);
	json_key(&j, "senders");
	json_arr_open(&j);
	for (i = 0; i < nsenders; i++) {
		struct sender_stat *s = &senders[i];

		json_obj_open(&j);
		json_key_str(&j, "name", s->name);
		json_key_str(&j, "claimed", s->claimed);
		json_key_str(&j, "role", s->role);
		if (s->vm_uuid[0])
			json_key_str(&j, "vm_uuid", s->vm_uuid);
		json_key_str(&j, "address", s->addr);
		json_key_bool(&j, "connected", s->connected > 0);
		json_key_time(&j, "first_seen", s->first_us);
		json_key_time(&j, "last_seen", s->last_us);
		json_key_int(&j, "received", (int64_t)s->received);
		json_key_int(&j, "stored", (int64_t)s->stored);
		json_key_int(&j, "duplicates", (int64_t)s->dups);
		json_key_int(&j, "gaps", (int64_t)s->gaps);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
	pthread_mutex_unlock(&mtx);
	return json_error(&j);
}
