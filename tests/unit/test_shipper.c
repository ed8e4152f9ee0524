/*
 * test_shipper.c -- the pure helpers of the shipper: reconnect backoff
 * and jitter (shipper/forward.c), collector address parsing, and the
 * identity parsers for machine-id, boot_id and product_uuid text
 * (shipper/ident.c).
 */
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "forward.h"
#include "ident.h"
#include "test.h"

static void
test_backoff(void)
{
	uint32_t	ms = 0, i, j;

	T_INT(forward_backoff(0, 30000), 500);
	T_INT(forward_backoff(500, 30000), 1000);
	T_INT(forward_backoff(1000, 30000), 2000);
	T_INT(forward_backoff(16000, 30000), 30000);
	T_INT(forward_backoff(30000, 30000), 30000);
	T_INT(forward_backoff(0, 100), 500);		/* floor */
	T_INT(forward_backoff(UINT32_MAX, UINT32_MAX), UINT32_MAX);
	/* the sequence grows to the cap and stays there */
	for (i = 0; i < 20; i++)
		ms = forward_backoff(ms, 30000);
	T_INT(ms, 30000);
	/* jitter stays within +-20% */
	T_INT(forward_jitter(1000, 0), 800);
	T_INT(forward_jitter(1000, UINT32_MAX), 1199);
	T_INT(forward_jitter(1000, 1u << 31), 1000);
	T_INT(forward_jitter(0, 12345), 0);
	for (i = 0, j = 1; i < 1000; i++, j = j * 1103515245 + 12345) {
		ms = forward_jitter(30000, j);
		if (ms < 24000 || ms >= 36000)
			break;
	}
	T_INT(i, 1000);
}

static void
test_addr(void)
{
	char	h[64], p[8];

	T_INT(forward_parse_addr("logs.example.org:6514", h, sizeof(h), p,
	    sizeof(p)), 0);
	T_STR(h, "logs.example.org");
	T_STR(p, "6514");
	T_INT(forward_parse_addr("127.0.0.1:1", h, sizeof(h), p, sizeof(p)),
	    0);
	T_STR(h, "127.0.0.1");
	T_INT(forward_parse_addr("[::1]:6514", h, sizeof(h), p, sizeof(p)),
	    0);
	T_STR(h, "::1");
	T_INT(forward_parse_addr("::1:6514", h, sizeof(h), p, sizeof(p)),
	    ERR_FORMAT);
	T_INT(forward_parse_addr("host", h, sizeof(h), p, sizeof(p)),
	    ERR_FORMAT);
	T_INT(forward_parse_addr("host:", h, sizeof(h), p, sizeof(p)),
	    ERR_FORMAT);
	T_INT(forward_parse_addr(":80", h, sizeof(h), p, sizeof(p)),
	    ERR_FORMAT);
	T_INT(forward_parse_addr("h:0", h, sizeof(h), p, sizeof(p)),
	    ERR_FORMAT);
	T_INT(forward_parse_addr("h:65536", h, sizeof(h), p, sizeof(p)),
	    ERR_FORMAT);
	T_INT(forward_parse_addr("h:-1", h, sizeof(h), p, sizeof(p)),
	    ERR_FORMAT);
	T_INT(forward_parse_addr("h:12x", h, sizeof(h), p, sizeof(p)),
	    ERR_FORMAT);
	T_INT(forward_parse_addr("[::1]6514", h, sizeof(h), p, sizeof(p)),
	    ERR_FORMAT);
	T_INT(forward_parse_addr("a-very-long-host-name-that-will-not-fit-"
	    "in-the-buffer.example.org:1", h, sizeof(h), p, sizeof(p)),
	    ERR_TOOBIG);
}

static void
test_ident(void)
{
	char	id[IDENT_ID_LEN + 1], u[IDENT_UUID_LEN + 1];
	const char *s;

	s = "0123456789ABCDEF0123456789abcdef\n";
	T_INT(ident_parse_id(s, strlen(s), id), 0);
	T_STR(id, "0123456789abcdef0123456789abcdef");
	T_INT(ident_parse_id(s, strlen(s) - 1, id), 0);	/* no newline */
	T_INT(ident_parse_id(s, 31, id), ERR_FORMAT);	/* short */
	T_INT(ident_parse_id("", 0, id), ERR_FORMAT);
	T_INT(ident_parse_id("0123456789abcdef0123456789abcdeg", 32, id),
	    ERR_FORMAT);
	T_INT(ident_parse_id("0123456789abcdef0123456789abcdef\n\n", 34, id),
	    ERR_FORMAT);
	T_INT(ident_parse_id("0123456789abcdef\0" "123456789abcdef", 32, id),
	    ERR_FORMAT);

	s = "4C4C4544-0042-3510-8052-B4C04F4E3732\n";
	T_INT(ident_parse_uuid(s, strlen(s), u), 0);
	T_STR(u, "4c4c4544-0042-3510-8052-b4c04f4e3732");
	s = "00000000-0000-0000-0000-000000000000\n";
	T_INT(ident_parse_uuid(s, strlen(s), u), ERR_FORMAT);
	s = "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF";
	T_INT(ident_parse_uuid(s, strlen(s), u), ERR_FORMAT);
	s = "4c4c4544004235108052b4c04f4e3732";		/* no dashes */
	T_INT(ident_parse_uuid(s, strlen(s), u), ERR_FORMAT);
	s = "4c4c4544-0042-3510-8052-b4c04f4e373";		/* short */
	T_INT(ident_parse_uuid(s, strlen(s), u), ERR_FORMAT);
	s = "4c4c4544-0042-3510-8052_b4c04f4e3732";
	T_INT(ident_parse_uuid(s, strlen(s), u), ERR_FORMAT);

	T_INT(ident_check_hostname("kvm-01.example.org"), 0);
	T_INT(ident_check_hostname(""), ERR_FORMAT);
	T_INT(ident_check_hostname("bad host"), ERR_FORMAT);
}

int
main(void)
{
	test_backoff();
	test_addr();
	test_ident();
	return TEST_DONE();
}
