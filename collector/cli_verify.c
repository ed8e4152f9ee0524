/*
 * cli_verify.c -- `vigil verify [--host H] [--json]`: ask the collector to
 * re-walk the hash chains (verify.c) and print what does not fit.  Exit
 * status 1 when anything was found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "buf.h"
#include "cli.h"
#include "cli_verify.h"
#include "json.h"

static void
put(const char *s)
{
	cli_put_safe(stdout, s ? s : "-", s ? strlen(s) : 1, 0);
}

static int
print_line(yajl_val o, int json, const char *line, size_t n, int *ended)
{
	yajl_val	 s, e;
	const char	*v;

	if ((v = cli_jget(o, "_error")) != NULL) {
		fprintf(stderr, "vigil: %s\n", v);
		return -1;
	}
	if (json) {
		fwrite(line, 1, n, stdout);
		putchar('\n');
	}
	if ((e = yajl_tree_get(o, (const char *[]){ "_end", NULL },
	    yajl_t_object)) != NULL) {
		*ended = 1;
		v = cli_jget(e, "problems");
		if (!json)
			printf("verified %s streams, %s blocks, %s events: "
			    "%s problems\n", cli_jget(e, "streams"),
			    cli_jget(e, "blocks"), cli_jget(e, "events"), v);
		return v != NULL && strcmp(v, "0") != 0;
	}
	if (json)
		return 0;
	if ((s = yajl_tree_get(o, (const char *[]){ "_stream", NULL },
	    yajl_t_object)) != NULL) {
		v = cli_jget(s, "problems");
		printf("%-8s ", v != NULL && strcmp(v, "0") == 0 ? "ok" :
		    "BAD");
		put(cli_jget(s, "host"));
		putchar(' ');
		put(cli_jget(s, "stream"));
		printf(": %s blocks, %s events", cli_jget(s, "blocks"),
		    cli_jget(s, "events"));
		if ((v = cli_jget(s, "head")) != NULL)
			printf(", head %.16s", v);
		putchar('\n');
		return 0;
	}
	v = cli_jget(o, "problem");
	for (const char *p = v ? v : "?"; *p; p++)
		putchar(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	putchar(' ');
	put(cli_jget(o, "host"));
	putchar(' ');
	put(cli_jget(o, "stream"));
	printf(" seq %s-%s: ", cli_jget(o, "first_seq"),
	    cli_jget(o, "last_seq"));
	put(cli_jget(o, "detail"));
	putchar('\n');
	return 0;
}

int
cli_verify(int argc, char *argv[], const char *sockpath)
{
	struct buf	 req;
	struct json	 j;
	const char	*host = NULL;
	char		*line = NULL;
	size_t		 cap = 0, off;
	ssize_t		 n;
	yajl_val	 o;
	FILE		*f;
	int		 i, fd, json = 0, rc = 0, r, ended = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
			host = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else {
			fprintf(stderr, "usage: vigil verify [--host H] "
			    "[--json]\n");
			return 2;
		}
	}
	buf_init(&req, 0);
	json_init(&j, &req);
	json_obj_open(&j);
	json_key_str(&j, "op", "verify");
	if (host != NULL)
		json_key_str(&j, "host", host);
	json_obj_close(&j);
	buf_put(&req, "\n", 1);
	if ((fd = cli_connect(sockpath)) == -1)
		return 1;
	for (off = 0; off < req.len; off += (size_t)n)
		if ((n = write(fd, req.d + off, req.len - off)) <= 0) {
			fprintf(stderr, "vigil: write: %s\n", strerror(errno));
			return 1;
		}
	buf_clear(&req);
	if ((f = fdopen(fd, "r")) == NULL)
		return 1;
	while (!ended && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if ((o = yajl_tree_parse(line, NULL, 0)) == NULL) {
			fprintf(stderr, "vigil: bad reply from collector\n");
			rc = 1;
			break;
		}
		r = print_line(o, json, line, (size_t)n, &ended);
		yajl_tree_free(o);
		if (r < 0) {
			rc = 1;
			break;
		}
		rc |= r;
	}
	free(line);
	fclose(f);
	if (!ended && rc == 0) {
		fprintf(stderr, "vigil: the collector closed the connection "
		    "early\n");
		rc = 1;
	}
	return rc;
}
