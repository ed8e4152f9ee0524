/*
 * journal.h -- the journald input: read the systemd journal with
 * sd-journal and turn each entry into one RFC 5424 line
 * (docs/decoders/journal.md) that the collector's syslog decoder reads.
 *
 * The formatter (journal_format) is pure: it takes the fields of one
 * entry in a plain struct and writes the line into a struct buf.  The
 * reader (journal_*) is the I/O shell around sd-journal: it positions the
 * journal from a checkpoint cursor, follows new entries (inotify through
 * sd_journal_process, polled by the caller's timer) and hands each line
 * with its cursor to a sink.  Stream names are "journal" (the local
 * system journal) and "journal:DIR" (the journal files in DIR).
 */
#ifndef VIGIL_JOURNAL_H
#define VIGIL_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "state.h"

#define JOURNAL_NAME		"journal"
#define JOURNAL_SDID		"journal@32473"	/* RFC 5612 example PEN */
#define JOURNAL_APP_MAX		48	/* RFC 5424 APP-NAME */
#define JOURNAL_HOST_MAX	255	/* RFC 5424 HOSTNAME */
#define JOURNAL_PROCID_MAX	128	/* RFC 5424 PROCID */
#define JOURNAL_CMDLINE_MAX	512	/* bytes of _CMDLINE kept */
#define JOURNAL_VALUE_MAX	1024	/* bytes of any other SD value kept */
/* bound on everything before MESSAGE; lines are at least this long */
#define JOURNAL_LINE_MIN	(32u * 1024)

/* The entry fields the formatter uses, in journal_field_names order. */
enum journal_field {
	JF_MESSAGE,
	JF_PRIORITY,
	JF_SYSLOG_FACILITY,
	JF_SYSLOG_IDENTIFIER,
	JF_SYSLOG_PID,
	JF_HOSTNAME,
	JF_COMM,
	JF_PID,
	JF_TRANSPORT,
	JF_SYSTEMD_UNIT,
	JF_SYSTEMD_USER_UNIT,
	JF_UID,
	JF_GID,
	JF_EXE,
	JF_CMDLINE,
	JF_BOOT_ID,
	JF_MACHINE_ID,
	JF_COUNT
};

/* "MESSAGE", "PRIORITY", ... "_MACHINE_ID", indexed by enum journal_field. */
extern const char *const journal_field_names[JF_COUNT];

struct journal_value {
	const uint8_t	*p;		/* NULL: the entry has no such field */
	size_t		 len;		/* may hold any byte, NUL included */
};

/* One entry: the value bytes only (without "NAME="). */
struct journal_entry {
	int64_t			realtime_us;	/* <= 0: none */
	struct journal_value	f[JF_COUNT];
};

/*
 * Append the RFC 5424 line for e to out (docs/decoders/journal.md):
 *	<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID - [journal@32473 ...] MSG
 * The line is at most max bytes: MESSAGE is cut to fit and *cut set.
 * Header values are cut at their RFC 5424 limits, SD values at
 * JOURNAL_CMDLINE_MAX / JOURNAL_VALUE_MAX.  Returns 0, ERR_RANGE when max
 * is below JOURNAL_LINE_MIN, or ERR_TOOBIG / ERR_NOMEM when out cannot
 * take JOURNAL_LINE_MIN more bytes (out is then left as it was).
 */
int	journal_format(const struct journal_entry *e, size_t max,
	    struct buf *out, int *cut);

/* One line handed to the sink. */
struct journal_line {
	const uint8_t	*p;		/* valid during the callback only */
	size_t		 len;
	int		 cut;		/* MESSAGE cut at the line limit */
	const char	*cursor;	/* the entry's; valid as p */
	int64_t		 read_us;	/* wall clock, microseconds */
};

struct journal_sink {
	/* Take a line; non-zero stops reading (the entry is kept for later). */
	int	(*line)(void *arg, const struct journal_line *);
	/* Non-zero while no more lines are wanted (backpressure). */
	int	(*full)(void *arg);
	void	*arg;
};

struct journal;

/*
 * A reader for the stream name "journal" or "journal:DIR" (see
 * journal_name_check); lines are cut at linemax.  Opens nothing yet.
 * NULL when out of memory.  Caller frees.
 */
struct journal	*journal_new(const char *name, size_t linemax);
void		 journal_free(struct journal *);	/* accepts NULL */
/*
 * Returns 0 when name is a journal stream name: "journal", or
 * "journal:" and an absolute directory path; else -1.
 */
int	journal_name_check(const char *name);
/*
 * Open the journal and position it.  ck is the stream's checkpoint (NULL:
 * none) and cursor its loaded cursor (NULL unless ck is a journal
 * checkpoint).  A new stream starts after the last entry, or at the head
 * with from_beginning.  *pos receives the stream's starting cursor
 * ("": the head; caller frees), *resync whether the sequence numbers may
 * not match what was sent before (a new stream, or the checkpointed entry
 * is gone).  Returns 0, or ERR_IO with err set (the journal cannot be
 * opened) or ERR_NOMEM.
 */
int	journal_start(struct journal *, const struct state_ckpt *ck,
	    const char *cursor, int from_beginning, char **pos, int *resync,
	    char *err, size_t errlen);
/*
 * Take note of journal changes (new files, rotation), then hand entries
 * to the sink until there are no more or the sink is full.  Returns 1
 * when it stopped because the sink was full, else 0.
 */
int	journal_poll(struct journal *, const struct journal_sink *,
	    int64_t now_us);
const char *journal_name(const struct journal *);

#endif
