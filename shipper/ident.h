/*
 * ident.h -- who this shipper is: host name, role (host or guest),
 * machine id, boot id, VM UUID and the instance id of its state
 * directory.  Sent in HELLO; the collector keys stored lines by them.
 *
 * The parsers (ident_parse_*) are pure; ident_load reads /etc, /proc and
 * /sys, and ident_instance the state directory.
 */
#ifndef VIGIL_IDENT_H
#define VIGIL_IDENT_H

#include <stddef.h>

#define IDENT_HOST_MAX	255
#define IDENT_ID_LEN	32		/* machine id, instance: hex chars */
#define IDENT_UUID_LEN	36		/* 8-4-4-4-12 */
#define IDENT_INSTANCE	"instance"	/* file in the state directory */

struct ident {
	char	hostname[IDENT_HOST_MAX + 1];
	char	role[8];			/* "host" or "guest" */
	char	machine_id[IDENT_ID_LEN + 1];	/* "" if unknown */
	char	boot_id[IDENT_UUID_LEN + 1];	/* "" if unknown */
	char	vm_uuid[IDENT_UUID_LEN + 1];	/* "" if none */
	char	instance[IDENT_ID_LEN + 1];
};

/*
 * A machine-id / instance file: 32 hex digits, optionally followed by a
 * newline.  Writes them lowercased into out[33].  Returns 0 or ERR_FORMAT.
 */
int	ident_parse_id(const char *text, size_t len, char *out);
/*
 * A UUID (product_uuid, boot_id, --vm-uuid): 8-4-4-4-12 hex digits,
 * optionally followed by a newline; lowercased into out[37].  The
 * all-zero and all-F placeholders firmware uses for "no UUID" are
 * rejected.  Returns 0 or ERR_FORMAT.
 */
int	ident_parse_uuid(const char *text, size_t len, char *out);
/* Returns 0 when s is a host name we can send (1..255 of [A-Za-z0-9.-_]). */
int	ident_check_hostname(const char *s);

/*
 * Fill id.  hostname, role and vm_uuid override detection when not NULL
 * (role "host" or "guest"; they must be valid, see -n).  Never fails for
 * missing system files: those fields stay empty.  Returns 0 or
 * ERR_FORMAT with err set.
 */
int	ident_load(struct ident *id, const char *hostname, const char *role,
	    const char *vm_uuid, char *err, size_t errlen);
/*
 * Read dir/instance, or create it with 32 random hex digits when it does
 * not exist or fresh is set (a new or wiped state directory: its streams
 * must not reuse old sequence numbers).  Returns 0 or ERR_IO/ERR_FORMAT
 * with err set.
 */
int	ident_instance(struct ident *id, const char *dir, int fresh, char *err,
	    size_t errlen);

#endif
