/*
 * test_retention.c -- the pure parts of retention.c: which hours expire by
 * age and by size, and the sorted block-reference set.
 */
#include <stdlib.h>
#include <string.h>

#include "retention.h"
#include "test.h"

#define H	3600000000LL

static void
test_age(void)
{
	T_INT(retention_age_cutoff(100 * H, 0), 0);
	T_INT(retention_age_cutoff(100 * H, -5), 0);
	/* now = hour 100 exactly, age 1d: hours < 76 end by 76h */
	T_INT(retention_age_cutoff(100 * H, 86400), 76);
	/* half-way through hour 100: hour 76 is not wholly older yet */
	T_INT(retention_age_cutoff(100 * H + H / 2, 86400), 76);
	T_INT(retention_age_cutoff(101 * H - 1, 86400), 76);
	T_INT(retention_age_cutoff(101 * H, 86400), 77);
	/* an age longer than the epoch */
	T_INT(retention_age_cutoff(10 * H, 86400), 0);
	T_INT(retention_age_cutoff(100 * H, 3600), 99);
}

static void
test_size(void)
{
	struct retention_hour h[] = {
		{ 10, 100 }, { 11, 100 }, { 12, 100 }, { 15, 100 }
	};

	/* 4000 bytes over 400 events: 10 bytes each */
	T_INT(retention_size_cutoff(h, 4, 4000, 0), 0);
	T_INT(retention_size_cutoff(h, 4, 4000, 4000), 0);
	T_INT(retention_size_cutoff(h, 4, 4000, 3999), 11);
	T_INT(retention_size_cutoff(h, 4, 4000, 3000), 11);
	T_INT(retention_size_cutoff(h, 4, 4000, 2999), 12);
	T_INT(retention_size_cutoff(h, 4, 4000, 1000), 15);
	/* never the newest hour, however small the limit */
	T_INT(retention_size_cutoff(h, 4, 4000, 1), 15);
	T_INT(retention_size_cutoff(h, 1, 4000, 1), 0);
	T_INT(retention_size_cutoff(h, 0, 4000, 1), 0);
	h[0].events = h[1].events = h[2].events = h[3].events = 0;
	T_INT(retention_size_cutoff(h, 4, 4000, 1), 0);
}

static void
test_refs(void)
{
	struct blockref r[] = {
		{ 2, 257 }, { 1, 1 }, { 2, 1 }, { 1, 1 }, { 0, 9 }, { 2, 257 }
	};
	struct blockref k;
	size_t		n;

	n = retention_refs_sort(r, 6);
	T_INT(n, 4);
	T_INT(r[0].stream, 0);
	T_INT(r[1].stream, 1);
	T_INT(r[2].first_seq, 1);
	T_INT(r[3].first_seq, 257);
	k.stream = 2;
	k.first_seq = 257;
	T_INT(retention_refs_find(r, n, &k), 3);
	k.first_seq = 2;
	T_INT(retention_refs_find(r, n, &k), -1);
	T_INT(retention_refs_find(r, 0, &k), -1);
	T_INT(retention_refs_sort(r, 0), 0);
}

int
main(void)
{
	test_age();
	test_size();
	test_refs();
	return TEST_DONE();
}
