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
/* A string, number or boolean member of object o as text, or NULL. */
const char *cli_jget(yajl_val o, const char *key);

#endif
