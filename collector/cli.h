/*
 * cli.h -- pieces every vigil CLI command shares: the query socket
 * connection, safe terminal output of log data, and JSON field access.
 */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <yajl/yajl_tree.h>

/* Wall clock in microseconds. */
int64_t	cli_now_us(void);
/*
 * A text bar of count/max * width cells in eighths (U+2588..U+258F),
 * NUL-terminated UTF-8 in out; never empty for a non-zero count.
 */
void	cli_bar(uint64_t count, uint64_t max, int width, char *out,
	    size_t outlen);
/*
 * Connect to the collector's query socket.  Returns the fd, or -1 after
 * printing why (with a hint for EACCES and ENOENT/ECONNREFUSED).
 */
int	cli_connect(const char *sockpath);
/*
 * Print s[0..n) with control bytes, DEL and C1 controls (escape sequences)
 * made visible as \t \n \xNN \uNNNN, cut at width columns when width is
 * not 0.  Returns the columns printed.
 */
size_t	cli_put_safe(FILE *, const char *s, size_t n, size_t width);
struct buf;
/* Called with each reply object of a request and its JSON text. */
typedef int (*cli_fn)(yajl_val, const char *line, size_t len, void *arg);
/*
 * Send req (a JSON object without the newline, to which it appends one)
 * and call fn for each reply line until the op's {"_end":...}, which goes
 * to *endp (caller frees with yajl_tree_free) when endp is not NULL.  An
 * {"_error":...} reply is printed.  Returns 0, or 1 after printing why.
 */
int	cli_call(const char *sockpath, struct buf *req, cli_fn fn, void *arg,
	    yajl_val *endp);
/* A cli_fn that prints the reply line as it is (--json). */
int	cli_passthru(yajl_val, const char *line, size_t len, void *arg);
/* A string, number or boolean member of object o as text, or NULL. */
const char *cli_jget(yajl_val o, const char *key);

#endif
