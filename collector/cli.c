/*
 * cli.c -- shared helpers of the vigil CLI commands (see cli.h).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int64_t
cli_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
cli_connect(const char *sockpath)
{
	struct sockaddr_un	sun;
	int			fd, e;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(sockpath) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "vigil: socket path too long\n");
		return -1;
	}
	strcpy(sun.sun_path, sockpath);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		e = errno;
		fprintf(stderr, "vigil: cannot connect to the collector at "
		    "%s: %s%s\n", sockpath, strerror(e),
		    e == EACCES ? " (ask to be added to the socket's group)" :
		    e == ENOENT || e == ECONNREFUSED ?
		    " (is vigil-collector running? see --socket)" : "");
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

size_t
cli_put_safe(FILE *f, const char *s, size_t n, size_t width)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, col = 0;

	for (i = 0; i < n; i++) {
		if (width && col >= width)
			break;
		if (p[i] == '\t') {
			fputs("\\t", f);
			col += 2;
		} else if (p[i] == '\n') {
			fputs("\\n", f);
			col += 2;
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(f, "\\x%02x", p[i]);
			col += 4;
		} else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 &&
		    p[i + 1] < 0xa0) {
			/* C1 controls (U+0080..U+009F), e.g. CSI */
			fprintf(f, "\\u%04x", p[i + 1]);
			i++;
			col += 6;
		} else {
			fputc(p[i], f);
			if ((p[i] & 0xc0) != 0x80)
				col++;
		}
	}
	return col;
}

const char *
cli_jget(yajl_val o, const char *key)
{
	const char	*path[] = { key, NULL };
	yajl_val	 v;

	if (o == NULL || (v = yajl_tree_get(o, path, yajl_t_any)) == NULL)
		return NULL;
	if (YAJL_IS_STRING(v))
		return v->u.string;
	if (YAJL_IS_NUMBER(v))
		return v->u.number.r;
	if (YAJL_IS_TRUE(v))
		return "true";
	if (YAJL_IS_FALSE(v))
		return "false";
	return NULL;
}
