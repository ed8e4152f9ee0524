/*
 * placement.h -- which physical host ran which VM, when (docs/vm.md).
 *
 * Placement facts are extracted from decoded events at ingest (audit
 * VIRT_CONTROL start/stop, libvirt hook started/stopped/release, vnet
 * devices and MAC addresses from hooks and VIRT_RESOURCE net records) and
 * stored as LevelDB keys in the same synced write as the events:
 *
 *   "F" uuid(36) u64 ts host 0 u8 kind   -> u8 1, str name, str reason
 *   "N" host 0 dev 0 u64 ts              -> str uuid, str name ("": freed)
 *   "C" mac(17) u64 ts                   -> str uuid, str name
 *   "A" name 0 uuid(36)                  -> u64 last seen
 *
 * Keys are idempotent (a duplicate fact rewrites the same key) and the
 * timeline is computed from the sorted facts whenever it is read, so facts
 * that arrive late or out of order give the right answer.  A start opens
 * an interval on its host, a stop closes it; during a live migration the
 * destination's start comes before the source's stop and the VM is taken
 * to run where it started last.
 */
#ifndef VIGIL_PLACEMENT_H
#define VIGIL_PLACEMENT_H

#include <stdint.h>

#include "buf.h"
#include "record.h"
#include "store.h"

#define PLACE_UUID_LEN	36
#define PLACE_FACTS_MAX	64	/* facts one event may produce */

enum pfact_kind { PF_START = 1, PF_STOP = 2 };

/* One key/value pair to add to the write batch. */
struct pfact {
	struct buf	key;
	struct buf	val;
};

/*
 * Pure: the placement facts an event of sender `host` implies, encoded
 * as keys and values (caller frees each with buf_clear).  Returns how many
 * (0 for most events).
 */
int	placement_facts(const struct record *, const char *host,
	    struct pfact *out, int max);

/* Canonical (lower-case) UUID into out[37]; -1 when s is not a UUID. */
int	placement_uuid(const char *s, size_t len, char *out);

struct placement {
	int		known;		/* any fact about the VM at all */
	int		running;	/* placed on a host at that time */
	char		uuid[PLACE_UUID_LEN + 1];
	char		name[256];
	char		host[256];	/* running: the host; else last host */
	int64_t		start_us;	/* interval start (running) */
	int64_t		end_us;		/* interval end, INT64_MAX: open */
	char		start_reason[32], end_reason[32];
};

/* Where was VM uuid at ts?  Reads the store. */
int	placement_where(struct store *, const char *uuid, int64_t ts,
	    struct placement *);
/* The VM owning vnet device dev on host at ts; 0 found, ERR_NOTFOUND. */
int	placement_vnet(struct store *, const char *host, const char *dev,
	    size_t devlen, int64_t ts, char *uuid, char *name, size_t namelen);
int	placement_mac(struct store *, const char *mac, size_t maclen,
	    int64_t ts, char *uuid, char *name, size_t namelen);
/* Resolve a VM given by name or UUID to its UUID. */
int	placement_resolve(struct store *, const char *vm, char *uuid);
/*
 * Call fn with every UUID the name index has ever given name (compared
 * ignoring ASCII case, so every name key is read: one per VM and name);
 * a non-zero return from fn stops the walk and is returned.
 */
int	placement_name_uuids(struct store *, const char *name,
	    int (*fn)(void *arg, const char *uuid), void *arg);
/*
 * Call fn with every UUID whose timeline has an interval on host (exact
 * name) overlapping [since, until); every VM's facts are read.  A
 * non-zero return from fn stops the walk and is returned.
 */
int	placement_host_uuids(struct store *, const char *host, int64_t since,
	    int64_t until, int (*fn)(void *arg, const char *uuid), void *arg);

/*
 * Enrich a decoded event with vm.uuid / vm.name / hypervisor.name: for a
 * guest stream (role guest with a claimed UUID) from the timeline, for a
 * host's netfilter line from its PHYSIN/PHYSOUT vnet device or MAC.  Adds
 * only fields that are not set yet; copies into the record's scratch.
 */
struct placement_cache {
	int			valid;
	struct placement	p;
};
void	placement_enrich(struct store *, const struct stream_meta *,
	    struct record *, struct placement_cache *);

/* Query socket ops: vm_list, vm_where, vm_intervals (docs/protocol.md). */
typedef int (*placement_emitfn)(void *arg, const char *json, size_t len);
int	placement_vm_list(struct store *, placement_emitfn, void *,
	    char *err, size_t errlen);
int	placement_vm_where(struct store *, const char *vm, int64_t at,
	    placement_emitfn, void *, char *err, size_t errlen);
int	placement_vm_intervals(struct store *, const char *vm,
	    const char *host, int64_t since, int64_t until, placement_emitfn,
	    void *, char *err, size_t errlen);

#endif
