/*
 * tlsctx.c -- SSL_CTX set-up for mutual TLS and peer identity.  Knows
 * nothing about sockets or libevent.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "tlsctx.h"

static void
ssl_err(char *err, size_t errlen, const char *what, const char *file)
{
	unsigned long	e = ERR_get_error();
	char		buf[256];

	ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(err, errlen, "%s %s: %s", what, file ? file : "(none)",
	    e ? buf : "unknown error");
	ERR_clear_error();
}

static SSL_CTX *
ctx_common(const SSL_METHOD *m, const char *cert, const char *key,
    const char *ca, char *err, size_t errlen)
{
	SSL_CTX *ctx;

	if (cert == NULL || key == NULL || ca == NULL) {
		snprintf(err, errlen, "tls-cert, tls-key and tls-ca are all "
		    "required");
		return NULL;
	}
	if ((ctx = SSL_CTX_new(m)) == NULL) {
		ssl_err(err, errlen, "SSL_CTX_new", NULL);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/*
	 * A peer killed mid-session (kill -9, power loss) closes without
	 * close_notify; that is an ordinary EOF for a log stream, since
	 * every frame is length-prefixed and acknowledged.
	 */
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* TLS 1.2 only with forward-secret AEAD suites */
	SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20");
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		ssl_err(err, errlen, "cannot load certificate", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		ssl_err(err, errlen, "cannot load key", key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		ssl_err(err, errlen, "key does not match certificate", key);
		goto fail;
	}
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		ssl_err(err, errlen, "cannot load CA", ca);
		goto fail;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_verify_depth(ctx, 4);
	return ctx;
 fail:
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *
tlsctx_server(const char *cert, const char *key, const char *ca,
    const char *crl, char *err, size_t errlen)
{
	SSL_CTX		*ctx;
	X509_STORE	*st;
	X509_LOOKUP	*lu;
	STACK_OF(X509_NAME) *names;

	if ((ctx = ctx_common(TLS_server_method(), cert, key, ca, err,
	    errlen)) == NULL)
		return NULL;
	/* tell clients which CA we accept */
	if ((names = SSL_load_client_CA_file(ca)) != NULL)
		SSL_CTX_set_client_CA_list(ctx, names);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	if (crl != NULL && *crl != '\0') {
		st = SSL_CTX_get_cert_store(ctx);
		if ((lu = X509_STORE_add_lookup(st, X509_LOOKUP_file()))
		    == NULL || X509_load_crl_file(lu, crl, X509_FILETYPE_PEM)
		    <= 0) {
			ssl_err(err, errlen, "cannot load CRL", crl);
			SSL_CTX_free(ctx);
			return NULL;
		}
		X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK |
		    X509_V_FLAG_CRL_CHECK_ALL);
	}
	return ctx;
}

SSL_CTX *
tlsctx_client(const char *cert, const char *key, const char *ca, char *err,
    size_t errlen)
{
	return ctx_common(TLS_client_method(), cert, key, ca, err, errlen);
}

static int
name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

int
tlsctx_peer_name(SSL *ssl, char *out, size_t outlen)
{
	X509			*x;
	GENERAL_NAMES		*sans;
	const GENERAL_NAME	*gn;
	X509_NAME		*subj;
	const unsigned char	*p;
	int			 i, n, r = -1;

	if ((x = SSL_get_peer_certificate(ssl)) == NULL)
		return -1;
	sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
		gn = sk_GENERAL_NAME_value(sans, i);
		if (gn->type != GEN_DNS)
			continue;
		p = ASN1_STRING_get0_data(gn->d.dNSName);
		n = ASN1_STRING_length(gn->d.dNSName);
		if (name_ok((const char *)p, n) && (size_t)n < outlen) {
			memcpy(out, p, n);
			out[n] = '\0';
			r = 0;
		}
		break;
	}
	GENERAL_NAMES_free(sans);
	if (r != 0 && (subj = X509_get_subject_name(x)) != NULL) {
		n = X509_NAME_get_text_by_NID(subj, NID_commonName, out,
		    (int)outlen);
		if (n > 0 && name_ok(out, n))
			r = 0;
	}
	X509_free(x);
	return r;
}

static const char *const refusal_names[TLSR_MAX] = {
	[TLSR_NO_CERT] = "no_certificate",
	[TLSR_UNKNOWN_CA] = "unknown_ca",
	[TLSR_EXPIRED] = "expired",
	[TLSR_NOT_YET_VALID] = "not_yet_valid",
	[TLSR_REVOKED] = "revoked",
	[TLSR_BAD_CERT] = "bad_certificate",
	[TLSR_NO_NAME] = "no_host_name",
	[TLSR_PROTOCOL] = "protocol",
	[TLSR_PEER_ALERT] = "peer_alert",
	[TLSR_TIMEOUT] = "timeout",
	[TLSR_CLOSED] = "closed",
	[TLSR_TOO_MANY] = "too_many_sessions",
	[TLSR_OTHER] = "other",
};

const char *
tlsctx_refusal_name(int r)
{
	if (r < 0 || r >= TLSR_MAX || refusal_names[r] == NULL)
		return "other";
	return refusal_names[r];
}

static int
verify_class(long v)
{
	switch (v) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return TLSR_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return TLSR_NOT_YET_VALID;
	case X509_V_ERR_CERT_REVOKED:
		return TLSR_REVOKED;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		return TLSR_UNKNOWN_CA;
	default:
		return TLSR_BAD_CERT;
	}
}

static int
error_class(unsigned long e)
{
	int	r = ERR_GET_REASON(e);

	if (ERR_GET_LIB(e) != ERR_LIB_SSL)
		return TLSR_OTHER;
	switch (r) {
	case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
		return TLSR_NO_CERT;
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_NO_PROTOCOLS_AVAILABLE:
	case SSL_R_VERSION_TOO_LOW:
	case SSL_R_NO_SHARED_CIPHER:
	case SSL_R_HTTP_REQUEST:
	case SSL_R_HTTPS_PROXY_REQUEST:
	case SSL_R_PACKET_LENGTH_TOO_LONG:
	case SSL_R_RECORD_LENGTH_MISMATCH:
		return TLSR_PROTOCOL;
	}
	/* SSL_R_SSLV3_ALERT_* and SSL_R_TLSV1_ALERT_*: alert number + 1000 */
	if (r >= SSL_AD_REASON_OFFSET && r < SSL_AD_REASON_OFFSET + 256)
		return TLSR_PEER_ALERT;
	return TLSR_OTHER;
}

int
tlsctx_failure(SSL *ssl, unsigned long e, char *out, size_t outlen)
{
	long	v;
	char	buf[256];
	int	cls;

	if (ssl != NULL && (v = SSL_get_verify_result(ssl)) != X509_V_OK) {
		snprintf(out, outlen, "certificate verify failed: %s",
		    X509_verify_cert_error_string(v));
		cls = verify_class(v);
	} else if (e != 0 || (e = ERR_peek_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		/* "error:0A0000C7:SSL routines::peer did not return a ..." */
		const char *r = strrchr(buf, ':');
		snprintf(out, outlen, "%s", r ? r + 1 : buf);
		cls = error_class(e);
	} else {
		snprintf(out, outlen, "connection closed during handshake");
		cls = TLSR_CLOSED;
	}
	ERR_clear_error();
	return cls;
}
