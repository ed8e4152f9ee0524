/*
 * cli.c -- shared helpers of the vigil CLI commands (see cli.h).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "ctl.h"

int64_t
cli_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
cli_bar(uint64_t count, uint64_t max, int width, char *out, size_t outlen)
{
	static const char *const part[] = { "", "\u258f", "\u258e",
	    "\u258d", "\u258c", "\u258b", "\u258a", "\u2589" };
	uint64_t	eighths;
	size_t		o = 0, l;
	int		i;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (max == 0 || width <= 0)
		return;
	eighths = (uint64_t)((double)count / (double)max * width * 8 + 0.5);
	if (count > 0 && eighths == 0)
		eighths = 1;
	for (i = 0; i < (int)(eighths / 8); i++) {
		if (o + 4 > outlen)
			return;
		memcpy(out + o, "\u2588", 3);
		o += 3;
		out[o] = '\0';
	}
	l = strlen(part[eighths % 8]);
	if (o + l + 1 <= outlen) {
		memcpy(out + o, part[eighths % 8], l);
		out[o + l] = '\0';
	}
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

/*
 * Send req (a JSON object without the newline), call fn for each answer
 * line; the answer must end with "_end", which goes to *endp (caller
 * frees) when endp is not NULL.  Returns 0 or 1 after printing why.
 */
int
cli_call(const char *sockpath, struct buf *req, cli_fn fn, void *arg,
    yajl_val *endp)
{
	FILE		*f;
	char		*line = NULL, ebuf[128];
	size_t		 cap = 0, off = 0;
	ssize_t		 n, w;
	yajl_val	 o;
	const char	*e;
	int		 fd, rc = 0, ended = 0;

	if (buf_put(req, "\n", 1) != 0 || req->len > CTL_REQUEST_MAX) {
		fprintf(stderr, "vigil: request too long\n");
		return 1;
	}
	if ((fd = cli_connect(sockpath)) == -1)
		return 1;
	while (off < req->len) {
		w = send(fd, req->d + off, req->len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "vigil: write: %s\n", strerror(errno));
			close(fd);
			return 1;
		}
		off += (size_t)w;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return 1;
	}
	while (!ended && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if ((o = yajl_tree_parse(line, ebuf, sizeof(ebuf))) == NULL ||
		    !YAJL_IS_OBJECT(o)) {
			yajl_tree_free(o);
			fprintf(stderr, "vigil: bad reply from collector\n");
			rc = 1;
			break;
		}
		if ((e = cli_jget(o, "_error")) != NULL) {
			fputs("vigil: ", stderr);
			cli_put_safe(stderr, e, strlen(e), 0);
			fputc('\n', stderr);
			yajl_tree_free(o);
			rc = 1;
			break;
		}
		if (yajl_tree_get(o, (const char *[]){ "_end", NULL },
		    yajl_t_object) != NULL) {
			ended = 1;
			if (endp != NULL) {
				*endp = o;
				continue;
			}
		} else if ((rc = fn(o, line, (size_t)n, arg)) != 0) {
			yajl_tree_free(o);
			break;
		}
		yajl_tree_free(o);
	}
	free(line);
	fclose(f);
	if (rc == 0 && !ended) {
		fprintf(stderr, "vigil: the collector closed the connection "
		    "before the end of the results\n");
		rc = 1;
	}
	return rc;
}

int
cli_passthru(yajl_val o, const char *line, size_t n, void *arg)
{
	(void)o;
	(void)arg;
	fwrite(line, 1, n, stdout);
	putchar('\n');
	return 0;
}
