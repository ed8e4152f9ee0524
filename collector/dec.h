/*
 * dec.h -- per-program decoders (docs/events.md lists their fields).
 *
 * Each decoder is a pure function over the message part of one line (what
 * follows the syslog header, or the whole line for files without one) and
 * adds ECS-named fields to the record.  Contract for every dec_*():
 *   - returns 0 when it recognised the message and added its fields;
 *     ERR_FORMAT when it did not -- and then the record is exactly as it
 *     was (use record_mark / record_rollback);
 *   - field names are static strings; values point into msg (which lives
 *     as long as the record's raw line) or are copied into the record's
 *     scratch space (record_addcopy / record_addf) when they had to be
 *     transformed (unescaped, hex-decoded, lower-cased...);
 *   - never reads outside msg[0..len), never needs NUL termination, never
 *     allocates, no globals but const tables;
 *   - never replaces a field that is already set (decode.c sets host.name,
 *     process.name, message... before calling).
 * decode.c picks the decoder from the stream type, process.name and the
 * message's shape.
 */
#ifndef VIGIL_DEC_H
#define VIGIL_DEC_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* dec_auth.c: OpenSSH sshd / sshd-session */
int	dec_sshd(const char *msg, size_t len, struct record *);
/* dec_auth.c: "pam_unix(service:type): ..." (from any program) */
int	dec_pam(const char *msg, size_t len, struct record *);
/* dec_auth.c: sudo ("%8s : ..." user column, reasons, continuations) */
int	dec_sudo(const char *msg, size_t len, struct record *);
/* dec_auth.c: su (util-linux) */
int	dec_su(const char *msg, size_t len, struct record *);
/* dec_auth.c: useradd, usermod, userdel, groupadd, groupdel, passwd,
 * chpasswd, gpasswd (shadow); app is the program name */
int	dec_shadow(const char *app, size_t applen, const char *msg,
	    size_t len, struct record *);
/* dec_auth.c: systemd-logind sessions */
int	dec_logind(const char *msg, size_t len, struct record *);

/* dec_netfilter.c: iptables/ip6tables/nftables LOG lines, with or
 * without the kernel's "[ uptime]" bracket */
int	dec_netfilter(const char *msg, size_t len, struct record *);

/*
 * dec_audit.c: one Linux audit record in any rendering (audit.log RAW or
 * ENRICHED, journal "VIRT_CONTROL pid=..." form, kernel "audit: type=2500
 * audit(...)" form).  *ts_us gets the record's own time when it has one
 * (else it is left alone).
 */
int	dec_audit(const char *msg, size_t len, struct record *,
	    int64_t *ts_us);

/* dec_libvirt.c: a libvirtd/virtqemud log line "YYYY-MM-DD HH:MM:SS.mmm+0000:
 * tid: level : function:line : message" (sets *ts_us), or such a message
 * without the prefix as it appears via syslog/journald (ts untouched) */
int	dec_libvirt(const char *msg, size_t len, struct record *,
	    int64_t *ts_us);
/* dec_libvirt.c: one line of /var/log/libvirt/qemu/NAME.log; path gives
 * the VM name when the line does not */
int	dec_qemu_log(const char *path, size_t pathlen, const char *msg,
	    size_t len, struct record *, int64_t *ts_us);

#endif
