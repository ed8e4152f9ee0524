/*
 * err.h -- error codes shared by every vigil module: 0 is success, the
 * ERR_* values are negative.  "Need more bytes" (ERR_INCOMPLETE) is kept
 * apart from "malformed" (ERR_FORMAT) and "over a limit" (ERR_TOOBIG).
 */
#ifndef VIGIL_ERR_H
#define VIGIL_ERR_H

#define ERR_OK		 0
#define ERR_INTERNAL	-1
#define ERR_NOMEM	-2
#define ERR_INCOMPLETE	-3	/* need more input */
#define ERR_FORMAT	-4	/* malformed input */
#define ERR_TOOBIG	-5	/* over a hard limit */
#define ERR_VERSION	-6	/* unsupported protocol version */
#define ERR_STORE	-7	/* storage failure */
#define ERR_IO		-8	/* system call failed, see errno */
#define ERR_NOTFOUND	-9
#define ERR_RANGE	-10	/* value out of range */

/* Static string for an ERR_* value; never NULL. */
const char	*err_str(int);

#endif
