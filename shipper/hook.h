/*
 * hook.h -- vigil-shipper as a libvirt qemu hook.  libvirt runs
 *	/etc/libvirt/hooks/qemu OBJECT OP SUBOP EXTRA	(domain XML on stdin)
 * and so does every program in /etc/libvirt/hooks/qemu.d/.  The hook
 * appends one line per call to a spool file that the shipper follows as
 * an ordinary input (--input hook:FILE), so delivery is exactly once.
 * Line format (a contract, docs/decoders/hook.md):
 *	TIME HOST vigil-hook[PID]: op=.. sub=.. extra=.. vm=.. uuid=..
 *	    mac=.. bridge=.. dev=.. mem_kib=N vcpus=N disks=.. [cut=1]
 *
 * hook_format and hook_encode are pure; hook_main is the I/O shell: it
 * never fails a VM operation (exit status 0, bounded time), prints
 * nothing on stdout (migrate/restore output would replace the XML) and
 * reports problems to syslog(3) only.
 */
#ifndef VIGIL_HOOK_H
#define VIGIL_HOOK_H

#include <stddef.h>
#include <stdint.h>

#include "domxml.h"

#define HOOK_TAG		"vigil-hook"
#define HOOK_SPOOL		"/var/lib/vigil-shipper/libvirt-hooks.log"
#define HOOK_SPOOL_ENV		"VIGIL_HOOK_SPOOL"
#define HOOK_LINE_MAX		8192	/* bytes, newline included */
#define HOOK_ARG_MAX		64	/* bytes of op, sub, extra kept */
#define HOOK_HOST_MAX		255
#define HOOK_ALARM_SEC		2	/* hard bound: _exit(0) */
#define HOOK_READ_MS		1500	/* bound on reading stdin */

/* One call, as hook_format sees it.  NULL strings are not given. */
struct hook_call {
	int64_t			 time_us;	/* UTC, microseconds */
	const char		*host;		/* NULL or bad: "localhost" */
	long			 pid;
	const char		*object;	/* argv[1]: vm= when no XML name */
	const char		*op, *sub, *extra;
	const struct domxml	*dom;		/* NULL: no XML */
};

/*
 * 1 when s[0..n) must be hex-encoded rather than quoted: it holds '"',
 * a byte below 0x21 or above 0x7e (audit_encode_nv_string's rule).
 */
int	hook_needs_hex(const char *s, size_t n);
/*
 * Encode s[0..n) as a value: "s" in double quotes, or, when
 * hook_needs_hex, its bytes as uppercase hex without quotes.  Writes at
 * most cap bytes and no NUL; returns the encoded length (which may be
 * more than cap: nothing is written then).
 */
size_t	hook_encode(const char *s, size_t n, char *out, size_t cap);

/*
 * Format the spool line for c into out[cap] (NUL-terminated, with its
 * trailing newline); *len gets its length without the NUL.  Lines are
 * at most HOOK_LINE_MAX bytes (and cap - 1): op, sub and extra are cut
 * at HOOK_ARG_MAX bytes, host at HOOK_HOST_MAX; lists keep as many
 * leading items as fit.  Anything cut adds " cut=1".  Returns 0, or
 * ERR_TOOBIG when cap cannot hold even the fixed part (under 2 KiB).
 */
int	hook_format(const struct hook_call *c, char *out, size_t cap,
	    size_t *len);

/* 1 when a program named argv0 is the hook: basename "qemu" or
 * "vigil-libvirt-hook", or anything in a directory named "qemu.d". */
int	hook_argv0(const char *argv0);

/*
 * Run as the hook: argv[1..] is [--spool FILE] OBJECT OP SUBOP EXTRA
 * (missing ones are not given).  The spool is FILE, else $VIGIL_HOOK_SPOOL,
 * else HOOK_SPOOL; a missing last directory of it is created (0700).
 * Always returns 0, within about HOOK_ALARM_SEC.
 */
int	hook_main(int argc, char **argv);

#endif
