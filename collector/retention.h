/*
 * retention.h -- deleting old events by age and by total size
 * (docs/performance.md, "Retention").
 *
 * A maintenance thread wakes every interval and runs one round:
 *   1. sum the T (time index) bitmaps per hour;
 *   2. pick a cutoff hour: every hour wholly older than retention-age,
 *      and the oldest hours while the estimated size exceeds
 *      retention-size (never the newest hour);
 *   3. delete the T keys of the hours below the cutoff, the B blocks that
 *      have no T entry left at or above it, the R entries of those
 *      blocks, and every P posting below the cutoff (one seek per
 *      field/value);
 *   4. compact the ranges it touched (the whole P range only when the
 *      size limit asked for the round: postings of expired hours are
 *      scattered over it, LevelDB's own compactions drop them otherwise).
 * Deletes go in store_del batches of at most RETENTION_BATCH keys, so the
 * writer thread (ingest) only ever waits for one small write.
 */
#ifndef VIGIL_RETENTION_H
#define VIGIL_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

struct store;
struct retention;

#define RETENTION_BATCH		4096
#define RETENTION_RANGES	64	/* B ranges compacted one by one */

struct retention_cfg {
	int64_t		age_s;		/* 0: keep forever */
	uint64_t	size;		/* bytes; 0: unlimited */
	int		interval_s;	/* between rounds */
};

struct retention_stats {
	uint32_t	cutoff;		/* hours < cutoff were deleted */
	uint64_t	hours;		/* hours deleted */
	uint64_t	tkeys, blocks, rkeys, pkeys;
	uint64_t	kept;		/* blocks reaching later hours */
};

/* Per-hour event counts, ascending by hour (from the T index). */
struct retention_hour {
	uint32_t	hour;
	uint64_t	events;
};

/* Pure: first hour not wholly older than now - age (0: none expired). */
uint32_t retention_age_cutoff(int64_t now_us, int64_t age_s);
/*
 * Pure: the cutoff that brings the estimated size (disk bytes spread
 * evenly over the events) to at most limit, deleting oldest hours first
 * and never the newest.  0 when nothing needs to go.
 */
uint32_t retention_size_cutoff(const struct retention_hour *, size_t n,
	    uint64_t disk, uint64_t limit);
/* Pure: sort and de-duplicate refs; returns the new count. */
size_t	retention_refs_sort(struct blockref *, size_t n);
/* Pure: index of ref in the sorted refs, or -1. */
long	retention_refs_find(const struct blockref *, size_t n,
	    const struct blockref *);

/* One round, on the calling thread.  0 or ERR_*. */
int	retention_run(struct store *, const struct retention_cfg *,
	    int64_t now_us, struct retention_stats *);

/* The thread: NULL when neither limit is set. */
struct retention *retention_new(struct store *, const struct retention_cfg *);
int	retention_start(struct retention *);
/* Stop (wakes the thread, waits for the round in progress) and free. */
void	retention_free(struct retention *);

#endif
