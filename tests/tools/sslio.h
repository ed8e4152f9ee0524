/*
 * sslio.h -- what the blocking TLS test tools (loadgen, acksink) share:
 * a monotonic clock in seconds and a complete SSL write.
 */
#ifndef VIGIL_SSLIO_H
#define VIGIL_SSLIO_H

#include <stddef.h>
#include <time.h>

#include <openssl/ssl.h>

static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Write all n bytes; 0, or -1 when the connection failed. */
static inline int
ssl_write_all(SSL *s, const void *p, size_t n)
{
	size_t	w;

	while (n > 0) {
		if (SSL_write_ex(s, p, n, &w) != 1)
			return -1;
		p = (const char *)p + w;
		n -= w;
	}
	return 0;
}

#endif
