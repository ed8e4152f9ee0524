/*
 * alerts.h -- the JSON form of an alert (docs/rules.md, "Alerts"): what
 * is stored under the "L" keys, appended to the alert log and handed to
 * the outputs, and the reader the query socket and the CLI use.
 * Pure: no I/O, no LevelDB, no libevent.
 *
 * One object:
 *   {"id":7,"rule":"ssh-brute","title":"...","severity":"high",
 *    "tags":["T1110","T1110.001"],"description":"...",
 *    "time":"2025-03-14T09:00:05.000000Z","first":"...","group":"...",
 *    "message":"...","count":5,"suppressed":0,"last":"...",
 *    "refs":[{"stream":3,"seq":120,"time":"..."}]}
 * plus "update":true when the object is a suppressed repeat of alert id
 * (its suppressed count and last time are then the new ones).
 */
#ifndef VIGIL_ALERTS_H
#define VIGIL_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "rules.h"

#define ALERT_JSON_MAX		(64 * 1024)	/* a parsed object */
#define ALERT_RULE_MAX		128
#define ALERT_TITLE_MAX		256
#define ALERT_TAGS_MAX		256
#define ALERT_DESC_MAX		2048

/* "info" .. "critical"; "?" for a value out of range. */
const char *alert_severity_name(int sev);
/* SEV_* for a name (case-insensitive), -1 when s is not one. */
int	alert_severity_parse(const char *s);

/*
 * Append the JSON object of a (no newline) to out.  NULL strings are
 * written as "".  Tags are split at commas and trimmed.  Returns 0 or the
 * buf error (ERR_TOOBIG, ERR_NOMEM); out may then hold a partial object.
 */
int	alert_json(const struct alert *, struct buf *out);

/*
 * What a reader needs of a stored alert.  Strings are NUL-terminated
 * copies; title, tags and description longer than their buffers are cut
 * (at a UTF-8 character boundary), group and message are never longer
 * than ALERT_GROUP_MAX/ALERT_MESSAGE_MAX - 1 when written by alert_json.
 */
struct alert_view {
	uint64_t	id;
	int		update;
	char		rule[ALERT_RULE_MAX];
	char		title[ALERT_TITLE_MAX];
	int		severity;
	char		tags[ALERT_TAGS_MAX];	/* "T1110, T1110.001" */
	char		description[ALERT_DESC_MAX];
	int64_t		ts_us, first_us, last_us;
	char		group[ALERT_GROUP_MAX];
	char		message[ALERT_MESSAGE_MAX];
	uint64_t	count;
	uint32_t	suppressed;
	int		nrefs;
	struct rule_ref	refs[ALERT_REFS_MAX];
};

/*
 * Parse one object written by alert_json.  "id", "rule", "severity" and
 * "time" are required; every member present must have the right type;
 * unknown members are ignored.  Returns 0, ERR_TOOBIG (len over
 * ALERT_JSON_MAX) or ERR_FORMAT.
 */
int	alert_parse(const char *json, size_t len, struct alert_view *);

/* The filter of the "alerts" query op. */
struct alert_filter {
	int64_t		 since_us;	/* inclusive; INT64_MIN: none */
	int64_t		 until_us;	/* exclusive; INT64_MAX: none */
	int		 min_severity;	/* SEV_INFO: all */
	const char	*rule;		/* exact rule id; NULL: any */
};
/* 1 when the alert passes the filter (by its event time). */
int	alert_match(const struct alert_view *, const struct alert_filter *);

#endif
