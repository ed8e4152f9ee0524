/*
 * journal.c -- the journald input (see journal.h).  Owns one sd_journal
 * handle, its position and the copy of the entry being formatted.  Knows
 * nothing about the window, sockets or the checkpoints file: the caller
 * gets lines with cursors through a sink and hands back a cursor at start.
 *
 * journal_format is pure.  The rest is the only code that calls sd-journal
 * (sd_journal_*), so its lifetimes stay here.
 *
 * Reader position, with pending = "positioned on an entry not yet taken":
 *   start: after the checkpointed entry (pending 0), or on the entry that
 *          followed a vanished one (pending 1)
 *   poll:  pending 0 -> sd_journal_next -> pending 1 -> sink took the line
 *          -> pending 0; a sink that refuses leaves pending 1 (backpressure,
 *          out of memory) and the same entry is offered again next time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-journal.h>

#include "buf.h"
#include "err.h"
#include "journal.h"
#include "log.h"
#include "proto.h"

const char *const journal_field_names[JF_COUNT] = {
	[JF_MESSAGE] = "MESSAGE",
	[JF_PRIORITY] = "PRIORITY",
	[JF_SYSLOG_FACILITY] = "SYSLOG_FACILITY",
	[JF_SYSLOG_IDENTIFIER] = "SYSLOG_IDENTIFIER",
	[JF_SYSLOG_PID] = "SYSLOG_PID",
	[JF_HOSTNAME] = "_HOSTNAME",
	[JF_COMM] = "_COMM",
	[JF_PID] = "_PID",
	[JF_TRANSPORT] = "_TRANSPORT",
	[JF_SYSTEMD_UNIT] = "_SYSTEMD_UNIT",
	[JF_SYSTEMD_USER_UNIT] = "_SYSTEMD_USER_UNIT",
	[JF_UID] = "_UID",
	[JF_GID] = "_GID",
	[JF_EXE] = "_EXE",
	[JF_CMDLINE] = "_CMDLINE",
	[JF_BOOT_ID] = "_BOOT_ID",
	[JF_MACHINE_ID] = "_MACHINE_ID",
};

/* SD-PARAMs of [journal@32473], in this order (docs/decoders/journal.md) */
static const struct {
	const char	*name;
	int		 field;
	size_t		 max;
} sd_params[] = {
	{ "unit", JF_SYSTEMD_UNIT, JOURNAL_VALUE_MAX },
	{ "user_unit", JF_SYSTEMD_USER_UNIT, JOURNAL_VALUE_MAX },
	{ "transport", JF_TRANSPORT, JOURNAL_VALUE_MAX },
	{ "uid", JF_UID, JOURNAL_VALUE_MAX },
	{ "gid", JF_GID, JOURNAL_VALUE_MAX },
	{ "comm", JF_COMM, JOURNAL_VALUE_MAX },
	{ "exe", JF_EXE, JOURNAL_VALUE_MAX },
	{ "cmdline", JF_CMDLINE, JOURNAL_CMDLINE_MAX },
	{ "boot", JF_BOOT_ID, JOURNAL_VALUE_MAX },
	{ "machine", JF_MACHINE_ID, JOURNAL_VALUE_MAX },
	{ "facility", JF_SYSLOG_FACILITY, JOURNAL_VALUE_MAX },
	{ "priority", JF_PRIORITY, JOURNAL_VALUE_MAX },
};
#define NPARAMS	(sizeof(sd_params) / sizeof(sd_params[0]))

static int
present(const struct journal_value *v)
{
	return v->p != NULL && v->len > 0;
}

/* A decimal 0..hi of 1..3 digits; -1 when v is anything else. */
static int
small_int(const struct journal_value *v, int hi)
{
	size_t	i;
	int	x = 0;

	if (!present(v) || v->len > 3)
		return -1;
	for (i = 0; i < v->len; i++) {
		if (v->p[i] < '0' || v->p[i] > '9')
			return -1;
		x = x * 10 + (v->p[i] - '0');
	}
	return x <= hi ? x : -1;
}

/*
 * An RFC 5424 header field (section 6.2: 1*max PRINTUSASCII) from the
 * first present value of a and b: other bytes (SP included) become '_',
 * the rest is cut at max; none gives NILVALUE.  Then one SP.  The caller
 * reserved max + 1 bytes.
 */
static void
put_token(struct buf *out, const struct journal_value *a,
    const struct journal_value *b, size_t max)
{
	const struct journal_value	*v = present(a) ? a : b;
	size_t				 i, n;
	uint8_t				 c;

	if (v == NULL || !present(v)) {
		out->d[out->len++] = '-';
		out->d[out->len++] = ' ';
		return;
	}
	n = v->len < max ? v->len : max;
	for (i = 0; i < n; i++) {
		c = v->p[i];
		out->d[out->len++] = c > ' ' && c <= '~' ? c : '_';
	}
	out->d[out->len++] = ' ';
}

/*
 * SP name="value" with the value cut at max bytes (back to the start of
 * a UTF-8 sequence, so a cut never splits a character), '"', '\' and ']'
 * escaped (RFC 5424 section 6.3.3) and control bytes turned into SP.  The
 * caller reserved 2 * max + 32 bytes.
 */
static void
put_param(struct buf *out, const char *name, const struct journal_value *v,
    size_t max)
{
	size_t	i, n = v->len, k;
	uint8_t	c;

	if (n > max) {
		n = max;
		for (k = 0; k < 3 && n > 0 && (v->p[n] & 0xc0) == 0x80; k++)
			n--;
	}
	out->d[out->len++] = ' ';
	memcpy(out->d + out->len, name, strlen(name));
	out->len += strlen(name);
	out->d[out->len++] = '=';
	out->d[out->len++] = '"';
	for (i = 0; i < n; i++) {
		c = v->p[i];
		if (c == '"' || c == '\\' || c == ']')
			out->d[out->len++] = '\\';
		else if (c < ' ' || c == 0x7f)
			c = ' ';
		out->d[out->len++] = c;
	}
	out->d[out->len++] = '"';
}

/* RFC 3339 as RFC 5424 section 6.2.3 wants it: UTC, 6 fraction digits. */
static void
put_time(struct buf *out, int64_t us)
{
	struct tm	tm;
	time_t		sec;
	int		n;

	sec = (time_t)(us / 1000000);
	if (us <= 0 || gmtime_r(&sec, &tm) == NULL ||
	    tm.tm_year + 1900 > 9999) {
		memcpy(out->d + out->len, "- ", 2);
		out->len += 2;
		return;
	}
	n = snprintf((char *)out->d + out->len, 29,
	    "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (int)(us % 1000000));
	out->len += (size_t)n;
}

int
journal_format(const struct journal_entry *e, size_t max, struct buf *out,
    int *cut)
{
	const struct journal_value	*msg = &e->f[JF_MESSAGE], *tr;
	size_t				 start = out->len, room, n, i;
	int				 fac, sev, r;

	*cut = 0;
	if (max < JOURNAL_LINE_MIN)
		return ERR_RANGE;
	/*
	 * Everything before MSG is bounded: 36 + 256 + 49 + 129 + 2 bytes of
	 * header and 14 + 12 * (12 + 2 * 1024) + 1 of SD, under 26 KiB.
	 */
	if ((r = buf_reserve(out, JOURNAL_LINE_MIN)) != 0)
		return r;
	tr = &e->f[JF_TRANSPORT];
	if ((fac = small_int(&e->f[JF_SYSLOG_FACILITY], 23)) < 0)
		fac = tr->len == 6 && memcmp(tr->p, "kernel", 6) == 0 ? 0 : 1;
	if ((sev = small_int(&e->f[JF_PRIORITY], 7)) < 0)
		sev = 6;
	out->len += (size_t)snprintf((char *)out->d + out->len, 8, "<%d>1 ",
	    fac * 8 + sev);
	put_time(out, e->realtime_us);
	put_token(out, &e->f[JF_HOSTNAME], NULL, JOURNAL_HOST_MAX);
	put_token(out, &e->f[JF_SYSLOG_IDENTIFIER], &e->f[JF_COMM],
	    JOURNAL_APP_MAX);
	put_token(out, &e->f[JF_SYSLOG_PID], &e->f[JF_PID],
	    JOURNAL_PROCID_MAX);
	memcpy(out->d + out->len, "- [" JOURNAL_SDID, 16);
	out->len += 16;
	for (i = 0; i < NPARAMS; i++)
		if (e->f[sd_params[i].field].p != NULL)
			put_param(out, sd_params[i].name,
			    &e->f[sd_params[i].field], sd_params[i].max);
	out->d[out->len++] = ']';

	/* [SP MSG]: the bytes as they are; the protocol frames by length */
	if (present(msg)) {
		room = max - (out->len - start);
		if (room <= 1) {
			*cut = 1;
			return 0;
		}
		n = msg->len;
		if (n > room - 1) {
			n = room - 1;
			*cut = 1;
		}
		if ((r = buf_reserve(out, n + 1)) != 0) {
			out->len = start;
			return r;
		}
		out->d[out->len++] = ' ';
		memcpy(out->d + out->len, msg->p, n);
		out->len += n;
	}
	return 0;
}

struct journal {
	char		*name;
	const char	*dir;		/* in name; NULL: the system journal */
	size_t		 linemax;
	sd_journal	*j;
	int		 pending;	/* see the top of the file */
	int		 failing;	/* an error was logged: not again */
	struct buf	 vals;		/* copies of the entry's values */
	struct buf	 line;
};

int
journal_name_check(const char *name)
{
	size_t n = strlen(JOURNAL_NAME);

	if (strcmp(name, JOURNAL_NAME) == 0)
		return 0;
	if (strncmp(name, JOURNAL_NAME ":", n + 1) != 0 || name[n + 1] != '/' ||
	    strlen(name) > PROTO_STR_MAX || strchr(name, '\n') != NULL)
		return -1;
	return 0;
}

struct journal *
journal_new(const char *name, size_t linemax)
{
	struct journal *jn;

	if ((jn = calloc(1, sizeof(*jn))) == NULL)
		return NULL;
	if ((jn->name = strdup(name)) == NULL) {
		free(jn);
		return NULL;
	}
	if (strchr(jn->name, ':') != NULL)
		jn->dir = strchr(jn->name, ':') + 1;
	jn->linemax = linemax < JOURNAL_LINE_MIN ? JOURNAL_LINE_MIN : linemax;
	buf_init(&jn->vals, 0);
	buf_init(&jn->line, jn->linemax);
	return jn;
}

void
journal_free(struct journal *jn)
{
	if (jn == NULL)
		return;
	if (jn->j != NULL)
		sd_journal_close(jn->j);
	buf_clear(&jn->vals);
	buf_clear(&jn->line);
	free(jn->name);
	free(jn);
}

const char *
journal_name(const struct journal *jn)
{
	return jn->name;
}

/* Log an sd-journal error once until things work again. */
static void
journal_fail(struct journal *jn, const char *what, int r)
{
	if (!jn->failing)
		log_warnx("input %s: %s: %s", jn->name, what, strerror(-r));
	jn->failing = 1;
}

/*
 * sd-journal's position is after the entry named by a checkpoint cursor;
 * read it back and check.  Returns the start cursor to persist.
 */
static const char *
journal_seek(struct journal *jn, const char *cursor, int *resync)
{
	int r;

	if ((r = sd_journal_seek_cursor(jn->j, cursor)) < 0) {
		log_warnx("input %s: checkpoint cursor refused (%s); reading "
		    "from the head", jn->name, strerror(-r));
		sd_journal_seek_head(jn->j);
		*resync = 1;
		return "";
	}
	r = sd_journal_next(jn->j);
	if (r > 0 && sd_journal_test_cursor(jn->j, cursor) > 0) {
		log_info("input %s: resuming after the checkpoint", jn->name);
		return cursor;		/* acknowledged before: skip it */
	}
	/*
	 * The acknowledged entry is gone (rotated and vacuumed while we were
	 * down): go on with what follows it, renumbered by the collector.
	 */
	log_warnx("input %s: the checkpointed entry is gone; resuming at the "
	    "next one", jn->name);
	*resync = 1;
	if (r > 0)
		jn->pending = 1;
	return cursor;
}

/* A new stream: at the last entry, or the head.  Returns the cursor. */
static int
journal_seek_new(struct journal *jn, int from_beginning, char **pos)
{
	char	*c = NULL;

	if (!from_beginning && sd_journal_seek_tail(jn->j) >= 0 &&
	    sd_journal_previous(jn->j) > 0 &&
	    sd_journal_get_cursor(jn->j, &c) >= 0) {
		log_info("input %s: starting after the last entry", jn->name);
		*pos = c;
		return 0;
	}
	free(c);
	/* from the head, or an empty journal: anything that comes */
	sd_journal_seek_head(jn->j);
	log_info("input %s: starting at the head", jn->name);
	return (*pos = strdup("")) != NULL ? 0 : ERR_NOMEM;
}

int
journal_start(struct journal *jn, const struct state_ckpt *ck,
    const char *cursor, int from_beginning, char **pos, int *resync,
    char *err, size_t errlen)
{
	const char	*start;
	int		 r;

	*pos = NULL;
	*resync = 0;
	if (jn->dir != NULL)
		r = sd_journal_open_directory(&jn->j, jn->dir, 0);
	else
		r = sd_journal_open(&jn->j, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0) {
		jn->j = NULL;
		snprintf(err, errlen, "cannot open the journal%s%s: %s",
		    jn->dir != NULL ? " in " : "",
		    jn->dir != NULL ? jn->dir : "", strerror(-r));
		return ERR_IO;
	}
	/* MESSAGE up to the line limit, not sd-journal's 64k default */
	sd_journal_set_data_threshold(jn->j, jn->linemax + 16);
	/* set up inotify now, so that sd_journal_process sees new files */
	if ((r = sd_journal_get_fd(jn->j)) < 0)
		log_warnx("input %s: cannot watch the journal (%s); new "
		    "journal files are not noticed", jn->name, strerror(-r));
	if (jn->dir == NULL && sd_journal_has_persistent_files(jn->j) <= 0 &&
	    sd_journal_has_runtime_files(jn->j) <= 0)
		log_warnx("input %s: no journal file found or readable "
		    "(reading the system journal needs group systemd-journal "
		    "or adm); reading whatever appears", jn->name);
	if (ck != NULL && cursor == NULL)
		log_warnx("input %s: checkpoint is a file position, not a "
		    "journal cursor; starting anew", jn->name);
	if (ck == NULL || cursor == NULL) {
		*resync = 1;
		return journal_seek_new(jn, from_beginning, pos);
	}
	if (cursor[0] == '\0') {
		sd_journal_seek_head(jn->j);
		start = "";
	} else
		start = journal_seek(jn, cursor, resync);
	return (*pos = strdup(start)) != NULL ? 0 : ERR_NOMEM;
}

/*
 * Copy the entry's values (at most cap bytes each: the formatter cuts
 * them shorter) into jn->vals and point e at them.  sd_journal_get_data's
 * pointer is only good until the next call, hence the copy.
 */
static int
journal_read(struct journal *jn, struct journal_entry *e)
{
	static const uint8_t	 empty[1];
	const void		*d;
	size_t			 l, nl, cap, off[JF_COUNT];
	uint64_t		 rt;
	int			 i, r;

	memset(e, 0, sizeof(*e));
	buf_reset(&jn->vals);
	if (sd_journal_get_realtime_usec(jn->j, &rt) >= 0 && rt <= INT64_MAX)
		e->realtime_us = (int64_t)rt;
	for (i = 0; i < JF_COUNT; i++) {
		off[i] = SIZE_MAX;
		if (sd_journal_get_data(jn->j, journal_field_names[i], &d,
		    &l) < 0)
			continue;	/* absent (or unreadable): left out */
		nl = strlen(journal_field_names[i]) + 1;
		if (l < nl)
			continue;
		cap = i == JF_MESSAGE ? jn->linemax + 1 : JOURNAL_VALUE_MAX + 4;
		l -= nl;
		if (l > cap)
			l = cap;
		off[i] = jn->vals.len;
		if ((r = buf_put(&jn->vals, (const uint8_t *)d + nl, l)) != 0)
			return r;
		e->f[i].len = l;
	}
	for (i = 0; i < JF_COUNT; i++)
		if (off[i] != SIZE_MAX)
			e->f[i].p = e->f[i].len > 0 ? jn->vals.d + off[i] :
			    empty;
	return 0;
}

int
journal_poll(struct journal *jn, const struct journal_sink *sink,
    int64_t now_us)
{
	struct journal_entry	 e;
	struct journal_line	 jl;
	char			*cursor;
	int			 r;

	if (jn->j == NULL)
		return 0;
	/* new files, rotation, deletions: cheap when nothing happened */
	if ((r = sd_journal_process(jn->j)) < 0)
		journal_fail(jn, "sd_journal_process", r);
	for (;;) {
		if (sink->full(sink->arg))
			return 1;
		if (!jn->pending) {
			if ((r = sd_journal_next(jn->j)) == 0)
				break;
			if (r < 0) {
				journal_fail(jn, "sd_journal_next", r);
				break;
			}
			jn->pending = 1;
		}
		cursor = NULL;
		if ((r = sd_journal_get_cursor(jn->j, &cursor)) < 0 ||
		    strlen(cursor) > STATE_CURSOR_MAX) {
			/* unreachable with systemd's cursors; never stall */
			log_warnx("input %s: entry without a usable cursor "
			    "skipped", jn->name);
			free(cursor);
			jn->pending = 0;
			continue;
		}
		buf_reset(&jn->line);
		if ((r = journal_read(jn, &e)) != 0 ||
		    (r = journal_format(&e, jn->linemax, &jn->line,
		    &jl.cut)) != 0) {
			journal_fail(jn, "reading an entry", -ENOMEM);
			free(cursor);
			break;		/* the same entry next time */
		}
		jl.p = jn->line.d;
		jl.len = jn->line.len;
		jl.cursor = cursor;
		jl.read_us = now_us;
		r = sink->line(sink->arg, &jl);
		free(cursor);
		if (r != 0)
			break;		/* kept pending */
		jn->pending = 0;
		jn->failing = 0;
	}
	return 0;
}
