/*
 * cli_verify.c -- `vigil verify [--host H] [--json]`: ask the collector to
 * re-walk the hash chains (verify.c) and print what does not fit.  Exit
 * status 1 when anything was found.
 */
#include <stdio.h>
#include <string.h>

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

struct vctx {
	int	json;
};

static int
print_line(yajl_val o, const char *line, size_t n, void *arg)
{
	struct vctx	*c = arg;
	yajl_val	 s;
	const char	*v;

	if (c->json)
		return cli_passthru(o, line, n, NULL);
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
	struct vctx	 c = { 0 };
	const char	*host = NULL, *v;
	yajl_val	 endo = NULL, e;
	int		 i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
			host = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			c.json = 1;
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
	rc = cli_call(sockpath, &req, print_line, &c, &endo);
	buf_clear(&req);
	if (rc != 0 || endo == NULL)
		return 1;
	e = yajl_tree_get(endo, (const char *[]){ "_end", NULL },
	    yajl_t_object);
	v = cli_jget(e, "problems");
	if (c.json)
		printf("{\"_end\":{\"streams\":%s,\"blocks\":%s,"
		    "\"events\":%s,\"problems\":%s}}\n",
		    cli_jget(e, "streams"), cli_jget(e, "blocks"),
		    cli_jget(e, "events"), v);
	else
		printf("verified %s streams, %s blocks, %s events: %s "
		    "problems\n", cli_jget(e, "streams"),
		    cli_jget(e, "blocks"), cli_jget(e, "events"), v);
	rc = v != NULL && strcmp(v, "0") != 0;
	yajl_tree_free(endo);
	return rc;
}
