/*
 * tlsctx.h -- OpenSSL contexts for vigil's mutual TLS: TLS 1.2 minimum
 * (1.3 preferred), peer certificates required and verified against the
 * configured CA (plus an optional CRL file), and the peer identity taken
 * from the certificate (first SAN DNS name, else the subject CN).
 */
#ifndef VIGIL_TLSCTX_H
#define VIGIL_TLSCTX_H

#include <stddef.h>
#include <openssl/ssl.h>

/*
 * Build a server (collector) or client (shipper) context.  crl may be
 * NULL.  On failure returns NULL and writes a reason naming the file into
 * err.  Caller frees with SSL_CTX_free.
 */
SSL_CTX	*tlsctx_server(const char *cert, const char *key, const char *ca,
	    const char *crl, char *err, size_t errlen);
SSL_CTX	*tlsctx_client(const char *cert, const char *key, const char *ca,
	    char *err, size_t errlen);
/*
 * The verified peer's identity: first SAN dNSName, else subject CN.
 * Returns 0 and a NUL-terminated name, or -1 when there is none or it
 * holds characters outside [A-Za-z0-9._-].
 */
int	tlsctx_peer_name(SSL *, char *out, size_t outlen);
/*
 * Classes of refused connections, for counters (vigil status, metrics).
 * Keep tlsctx_refusal_name() in step.
 */
enum tls_refusal {
	TLSR_NO_CERT,		/* peer sent no certificate */
	TLSR_UNKNOWN_CA,	/* not issued by our CA (or self-signed) */
	TLSR_EXPIRED,
	TLSR_NOT_YET_VALID,
	TLSR_REVOKED,		/* listed in the CRL */
	TLSR_BAD_CERT,		/* any other verification failure */
	TLSR_NO_NAME,		/* verified, but no usable host name */
	TLSR_PROTOCOL,		/* TLS < 1.2, no shared cipher, not TLS */
	TLSR_PEER_ALERT,	/* the peer refused us (sent an alert) */
	TLSR_TIMEOUT,		/* handshake timed out */
	TLSR_CLOSED,		/* closed during the handshake */
	TLSR_TOO_MANY,		/* max-sessions reached */
	TLSR_OTHER,
	TLSR_MAX
};

/* "expired", "not_yet_valid", ...: a label value for each class. */
const char *tlsctx_refusal_name(int);
/*
 * Why a handshake failed, for the log: the verify result if the peer's
 * certificate was rejected, else the first queued OpenSSL error, else
 * "connection closed during handshake".  Clears the error queue.  Returns
 * the class of the failure (enum tls_refusal).
 */
int	tlsctx_failure(SSL *, unsigned long errcode, char *out, size_t outlen);

#endif
