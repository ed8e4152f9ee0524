/*
 * domxml.h -- a minimal, bounded scanner for the libvirt domain XML that
 * a hook gets on stdin.  It pulls out what placement and correlation
 * need: name, UUID, memory, vCPUs, each interface's MAC, bridge (or
 * network) and target device, and each disk's source.
 *
 * Pure: no I/O, no allocation, no globals.  Not a general XML parser: it
 * knows elements, attributes in single or double quotes, the five
 * predefined entities and numeric character references, comments,
 * processing instructions, <!DOCTYPE ...> and CDATA sections (taken as
 * text).  Elements are matched by their exact path from the root
 * (domain/devices/interface/mac), so look-alikes in <metadata> or in a
 * disk's <backingStore> are ignored.
 */
#ifndef VIGIL_DOMXML_H
#define VIGIL_DOMXML_H

#include <stddef.h>
#include <stdint.h>

#define DOMXML_IN_MAX		(4u * 1024 * 1024)	/* bytes scanned */
#define DOMXML_IFACE_MAX	32
#define DOMXML_DISK_MAX		64
#define DOMXML_STR_MAX		255	/* name, MAC, bridge, dev */
#define DOMXML_UUID_MAX		63
#define DOMXML_PATH_MAX		1023	/* disk source */
#define DOMXML_DEPTH_MAX	64	/* element names checked */

struct domxml_iface {
	char	mac[DOMXML_STR_MAX + 1];	/* "" when absent */
	char	bridge[DOMXML_STR_MAX + 1];	/* source bridge=, else network= */
	char	dev[DOMXML_STR_MAX + 1];	/* target dev= */
};

struct domxml {
	char			name[DOMXML_STR_MAX + 1];	/* "" none */
	char			uuid[DOMXML_UUID_MAX + 1];	/* as written */
	int64_t			mem_kib;	/* -1: none or invalid */
	int64_t			vcpus;		/* -1: none or invalid */
	size_t			niface;
	struct domxml_iface	iface[DOMXML_IFACE_MAX];
	size_t			ndisk;
	char			disk[DOMXML_DISK_MAX][DOMXML_PATH_MAX + 1];
	unsigned		dropped;	/* items over a bound, skipped */
};

/* Empty result: every string "", counts 0, mem_kib = vcpus = -1. */
void	domxml_init(struct domxml *);

/*
 * Scan xml[0..len) (at most DOMXML_IN_MAX bytes are looked at) into *d,
 * which is initialised first.  Values are entity-decoded and
 * NUL-terminated; leading and trailing blanks of element text are cut.
 * A value longer than its buffer, an interface or disk beyond the bounds
 * and a memory size that overflows are skipped and counted in dropped.
 * Whatever the result, *d holds everything found before the scan stopped.
 * Returns 0 when the root <domain> element was closed, ERR_INCOMPLETE
 * when the input ended first (or was longer than DOMXML_IN_MAX), or
 * ERR_FORMAT on malformed markup or a root element that is not <domain>.
 */
int	domxml_parse(const char *xml, size_t len, struct domxml *d);

/*
 * Size in KiB of value v in libvirt's unit u[0..ulen) (b, bytes, k, KiB,
 * KB, M, MiB, MB, ... E, EiB, EB; none means KiB), rounded up as libvirt
 * does.  Returns 0, or ERR_FORMAT for an unknown unit, ERR_RANGE on
 * overflow.
 */
int	domxml_mem_kib(uint64_t v, const char *u, size_t ulen,
	    int64_t *kib);

#endif
