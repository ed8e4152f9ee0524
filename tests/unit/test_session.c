/*
 * test_session.c -- the pure helpers of the collector's session code.
 */
#include <stdint.h>
#include <string.h>

#include "conf.h"
#include "session.h"
#include "test.h"

int
main(void)
{
	struct conf_list	l;
	char			a[] = "hv7=2h", b[] = "Legacy-Box=-5h";
	char			c[] = "bad", d[] = "=1h", e[] = "x=25h";
	char			f[] = "num=5400";

	memset(&l, 0, sizeof(l));
	l.v[l.n++] = a;
	l.v[l.n++] = b;
	l.v[l.n++] = c;
	l.v[l.n++] = d;
	l.v[l.n++] = e;
	l.v[l.n++] = f;
	T_INT(session_tzoff(&l, "hv7", 0), 7200);
	T_INT(session_tzoff(&l, "legacy-box", 60), -18000);	/* any case */
	T_INT(session_tzoff(&l, "hv", 60), 60);		/* whole name */
	T_INT(session_tzoff(&l, "hv77", 60), 60);
	T_INT(session_tzoff(&l, "bad", 60), 60);
	T_INT(session_tzoff(&l, "", 60), 60);
	T_INT(session_tzoff(&l, "x", 60), 60);		/* out of range */
	T_INT(session_tzoff(&l, "num", 0), 5400);
	T_INT(session_tzoff(NULL, "hv7", -3600), -3600);
	return TEST_DONE();
}
