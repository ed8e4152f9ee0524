/*
 * fuzz_conf.c -- libFuzzer target for core/conf.c: conf_parse of the
 * input with a table holding one option of every type, half of the time
 * with some options set on the "command line" first.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct cfg {
	char			*s;
	long long		 i, sz, d;
	int			 b;
	struct conf_list	 l;
};

#define O(f)	offsetof(struct cfg, f)
static const struct conf_opt tab[] = {
	{ "str", CONF_STR, O(s), "x", 0, 0, "" },
	{ "int", CONF_INT, O(i), "5", -10, 1000, "" },
	{ "bool", CONF_BOOL, O(b), "no", 0, 0, "" },
	{ "size", CONF_SIZE, O(sz), "1k", 0, 0, "" },
	{ "dur", CONF_DURATION, O(d), "1m", 1, 86400, "" },
	{ "list", CONF_LIST, O(l), NULL, 0, 0, "" },
	{ NULL, 0, 0, NULL, 0, 0, NULL }
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg	c;
	char		err[CONF_ERRLEN];
	uint64_t	mask = 0;

	memset(&c, 0, sizeof(c));
	if (conf_defaults(tab, &c) != 0)
		abort();
	if (size > 0 && (data[0] & 1)) {
		conf_set(tab, &c, &mask, "int", "7", err, sizeof(err));
		conf_set(tab, &c, &mask, "list", "/cli", err, sizeof(err));
	}
	err[0] = '\0';
	if (conf_parse(tab, &c, mask, (const char *)data, size, "f.conf",
	    err, sizeof(err)) != 0 && strncmp(err, "f.conf:", 7) != 0)
		abort();
	if (c.i < -10 || c.i > 1000 || c.l.n > CONF_LIST_MAX)
		abort();
	conf_free(tab, &c);
	return 0;
}
