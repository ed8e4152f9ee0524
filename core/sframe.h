/*
 * sframe.h -- syslog message framing on a TCP or TLS byte stream: RFC 6587
 * octet counting ("MSG-LEN SP SYSLOG-MSG", the only framing of RFC 5425)
 * and non-transparent framing (each message ends with LF, or NUL), which
 * rsyslog's omfwd uses by default ("traditional").  The framing of each
 * message is recognised from its first byte: a digit means octet
 * counting, anything else a trailer-terminated message.  Pure.
 */
#ifndef VIGIL_SFRAME_H
#define VIGIL_SFRAME_H

#include <stddef.h>
#include <stdint.h>

/*
 * Find the next message at b[0..len).  Returns 1 with the message at
 * b[*off .. *off + *mlen) and *used bytes to consume; 0 when more bytes
 * are needed; ERR_FORMAT for a malformed length (leading zero, no space,
 * more than 10 digits); ERR_TOOBIG when a message is longer than max
 * (an octet count over max, or max bytes without a trailer).  A trailing
 * CR before the LF is not part of the message.
 */
int	sframe_next(const uint8_t *b, size_t len, size_t max, size_t *off,
	    size_t *mlen, size_t *used);

#endif
