/*
 * dec_auth.h -- scanning helpers shared by the authentication decoders
 * (dec_auth.c, dec_sshd.c, dec_shadow.c).  Private to them: decode.c uses
 * dec.h.  Spans are (const char *, size_t) pairs into the message; none
 * is NUL-terminated.
 */
#ifndef VIGIL_DEC_AUTH_H
#define VIGIL_DEC_AUTH_H

#include <stddef.h>
#include <sys/types.h>

#include "record.h"

/*
 * One decode in progress: the record, where it stood when the decoder
 * started, and the first error of a record_add* (then nothing more is
 * added and auth_end rolls back).
 */
struct auth_out {
	struct record		*ev;
	struct record_mark	 m;
	int			 err;
};

void	auth_begin(struct auth_out *, struct record *);
/* r: 0 recognised.  Returns 0, or rolls back and returns ERR_FORMAT, or
 * ERR_TOOBIG when the record ran out of fields or scratch. */
int	auth_end(struct auth_out *, int r);
/* trailing LF/CR, leading spaces, "message repeated N times: [ ...]" */
void	auth_prep(struct auth_out *, const char **s, size_t *n);

/* Add fields; a field set before auth_begin is never replaced, an empty
 * value is not added.  auth_putc copies a constant into scratch. */
void	auth_put(struct auth_out *, const char *name, const char *s,
	    size_t n);
void	auth_putc(struct auth_out *, const char *name, const char *s);
void	auth_put_unvis(struct auth_out *, const char *name, const char *s,
	    size_t n);
void	auth_put_addr(struct auth_out *, const char *s, size_t n);

int	auth_is_ip(const char *s, size_t n);
int	auth_digits(const char *s, size_t n, size_t max);
int	auth_eat(const char **s, size_t *n, const char *lit, size_t ln);
int	auth_chop(const char *s, size_t *n, const char *lit, size_t ln);
ssize_t	auth_find(const char *s, size_t n, const char *lit, size_t ln);
ssize_t	auth_rfind(const char *s, size_t n, const char *lit, size_t ln);
int	auth_quoted(const char **s, size_t *n, const char **v, size_t *vn);

/* "pam_unix(svc:type): ..." or libpam's "PAM ..." into o; 0 recognised,
 * -1 not.  auth_is_pam: 1 when s has one of those prefixes. */
int	auth_is_pam(const char *s, size_t n);
int	auth_pam(struct auth_out *, const char *s, size_t n);

/* lit is a string literal */
#define AUTH_EAT(s, n, lit)	auth_eat((s), (n), (lit), sizeof(lit) - 1)
#define AUTH_CHOP(s, n, lit)	auth_chop((s), (n), (lit), sizeof(lit) - 1)
#define AUTH_FIND(s, n, lit)	auth_find((s), (n), (lit), sizeof(lit) - 1)
#define AUTH_RFIND(s, n, lit)	auth_rfind((s), (n), (lit), sizeof(lit) - 1)
#define AUTH_STARTS(s, n, lit)	((n) >= sizeof(lit) - 1 &&		\
	memcmp((s), (lit), sizeof(lit) - 1) == 0)

#endif
