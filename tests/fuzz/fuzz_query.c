/*
 * fuzz_query.c -- libFuzzer target for core/query.c: parses the input as
 * a query and, when it parses, matches it against fixed events and pulls
 * its required terms; also feeds the input to time_parse and formats the
 * result.  Built with replay.c it runs without clang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "record.h"
#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char raw1[] = "Mar 14 09:00:05 web01 sshd[4242]: Failed "
    "password for root from 10.0.0.5 port 22 ssh2";
static const char raw2[] = "x\0y \"quoted\" (paren) a*b \\ CMD";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct record	 ev[3];
	struct query		*q;
	const char		*f[4], *v[4];
	char			 err[128], tb[TIME_FORMAT_LEN], *s;
	int64_t			 t;
	size_t			 n, i;

	record_init(&ev[0]);
	ev[0].raw = raw1;
	ev[0].rawlen = sizeof(raw1) - 1;
	record_add(&ev[0], "host.name", "web01", 5);
	record_add(&ev[0], "process.pid", "4242", 4);
	record_add(&ev[0], "event.duration", "-3.25", 5);
	record_add(&ev[0], "user.name", "Root User", 9);
	record_init(&ev[1]);
	ev[1].raw = raw2;
	ev[1].rawlen = sizeof(raw2) - 1;
	record_add(&ev[1], "a", "x\0y", 3);
	record_add(&ev[1], "b", "", 0);
	record_add(&ev[1], "c", "a*b", 3);
	record_init(&ev[2]);		/* no raw line, no fields */

	if (query_parse((const char *)data, size, &q, err, sizeof(err)) == 0) {
		for (i = 0; i < 3; i++)
			query_match(q, &ev[i]);
		n = query_required_terms(q, f, v, 4);
		for (i = 0; i < n; i++)
			if (strlen(f[i]) == 0 || strlen(v[i]) > size)
				abort();
		query_free(q);
	} else if (strncmp(err, "column ", 7) != 0)
		abort();

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (time_parse(s, 1741942805000000, &t) == 0)
		time_format(t, tb, sizeof(tb));
	free(s);
	return 0;
}
