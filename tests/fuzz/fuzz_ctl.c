/*
 * fuzz_ctl.c -- libFuzzer target for ctl_req_parse (collector/ctl.c), the
 * parser of one query-socket request line.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "search.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_req	rq;
	char		err[128];

	if (ctl_req_parse((const char *)data, size, &rq, err,
	    sizeof(err)) != 0) {
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			abort();
		return 0;
	}
	if (rq.op[0] == '\0' || memchr(rq.op, '\0', sizeof(rq.op)) == NULL ||
	    memchr(rq.query, '\0', sizeof(rq.query)) == NULL)
		abort();
	if (rq.limit < 1 || rq.limit > SEARCH_LIMIT_MAX)
		abort();
	return 0;
}
