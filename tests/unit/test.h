/*
 * test.h -- tiny unit test harness.  Each check prints file:line and the
 * failing expression; main() ends with TEST_DONE(), which prints
 * "<file>: N passed, N failed" and returns non-zero on any failure.
 */
#ifndef VIGIL_TEST_H
#define VIGIL_TEST_H

#include <stdio.h>
#include <string.h>

static int test_pass, test_fail;

#define T_OK(c) do {							\
	if (c)								\
		test_pass++;						\
	else {								\
		test_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__,		\
		    __LINE__, #c);					\
	}								\
} while (0)

#define T_INT(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a == _b)							\
		test_pass++;						\
	else {								\
		test_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s == %s (%lld != %lld)\n",\
		    __FILE__, __LINE__, #a, #b, _a, _b);		\
	}								\
} while (0)

/* compare a (pointer, length) pair with a C string */
#define T_STRN(p, n, s) do {						\
	const char *_p = (p), *_s = (s);				\
	size_t _n = (n);						\
	if (_p != NULL && _n == strlen(_s) && memcmp(_p, _s, _n) == 0)	\
		test_pass++;						\
	else {								\
		test_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s == \"%s\" (got \"%.*s\")\n",\
		    __FILE__, __LINE__, #p, _s, _p ? (int)_n : 6,	\
		    _p ? _p : "(null)");				\
	}								\
} while (0)

#define T_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (_a != NULL && _b != NULL && strcmp(_a, _b) == 0)		\
		test_pass++;						\
	else {								\
		test_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s == \"%s\" (got \"%s\")\n",\
		    __FILE__, __LINE__, #a, _b ? _b : "(null)",		\
		    _a ? _a : "(null)");				\
	}								\
} while (0)

#define TEST_DONE() (printf("%s: %d passed, %d failed\n", __FILE__,	\
	test_pass, test_fail), test_fail ? 1 : 0)

#endif
