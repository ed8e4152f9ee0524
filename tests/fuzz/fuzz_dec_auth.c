/*
 * fuzz_dec_auth.c -- libFuzzer target for the authentication decoders
 * (collector/dec_auth.c, dec_sshd.c, dec_shadow.c).
 *
 * Input format (corpus/dec_auth/): "PROGRAM<TAB>MESSAGE", MESSAGE being
 * what follows the syslog header ("sshd\tAccepted password for ...").
 * PROGRAM is the app name given to dec_shadow; an input without a TAB is
 * all MESSAGE.  Every dec_* runs on MESSAGE (dec_shadow also as usermod),
 * twice: on a record holding the fields decode.c sets first, and on one
 * that is nearly full.  Aborts when a decoder returns something other
 * than 0, ERR_FORMAT or ERR_TOOBIG; changes the record on failure;
 * succeeds without adding a field; replaces a preset field; or leaves a
 * value pointer outside the message and the record's used scratch.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dec.h"
#include "err.h"
#include "fname.h"
#include "record.h"

static struct record	 ev;
static struct record_field saved[REC_FIELDS_MAX];

static void
setup(int full)
{
	int	 i;

	record_init(&ev);
	record_add(&ev, "host.name", "h1", 2);
	record_add(&ev, "process.name", "sshd", 4);
	record_add(&ev, "user.name", "preset", 6);
	if (full) {
		for (i = ev.nfields; i < REC_FIELDS_MAX - 4; i++) {
			ev.f[i].name = "filler";
			ev.f[i].id = fname_id("filler");
			ev.f[i].val = "v";
			ev.f[i].len = 1;
		}
		ev.nfields = REC_FIELDS_MAX - 4;
		ev.scratchlen = REC_SCRATCH - 48;
	}
	memcpy(saved, ev.f, sizeof(ev.f[0]) * (size_t)ev.nfields);
}

static void
check(int r, const char *m, size_t n, int nf0, size_t sl0)
{
	int	 i;

	if (r != 0 && r != ERR_FORMAT && r != ERR_TOOBIG)
		abort();
	if (r != 0 && (ev.nfields != nf0 || ev.scratchlen != sl0))
		abort();
	if (r == 0 && ev.nfields <= nf0)
		abort();
	if (ev.scratchlen > REC_SCRATCH || ev.nfields > REC_FIELDS_MAX)
		abort();
	for (i = 0; i < nf0; i++)
		if (ev.f[i].name != saved[i].name ||
		    ev.f[i].val != saved[i].val || ev.f[i].len != saved[i].len)
			abort();
	for (i = nf0; i < ev.nfields; i++) {
		const char	*v = ev.f[i].val;
		size_t		 l = ev.f[i].len;

		if (v == NULL || ev.f[i].name == NULL)
			abort();
		if (n > 0 && v >= m && l <= n && (size_t)(v - m) <= n - l)
			continue;
		if (v >= ev.scratch + sl0 && l < ev.scratchlen - sl0 &&
		    (size_t)(v - ev.scratch) <= ev.scratchlen - l - 1)
			continue;
		abort();
	}
}

#define RUN(call) do {							\
	int	 _full;							\
	for (_full = 0; _full < 2; _full++) {				\
		setup(_full);						\
		int	 _nf = ev.nfields;				\
		size_t	 _sl = ev.scratchlen;				\
		check((call), m, n, _nf, _sl);				\
	}								\
} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*b = (const char *)data, *m = b, *app = "", *tab;
	size_t		 n = size, appn = 0;

	if (size > 0 && (tab = memchr(b, '\t', size)) != NULL) {
		app = b;
		appn = (size_t)(tab - b);
		m = tab + 1;
		n = size - appn - 1;
	}
	RUN(dec_sshd(m, n, &ev));
	RUN(dec_pam(m, n, &ev));
	RUN(dec_sudo(m, n, &ev));
	RUN(dec_su(m, n, &ev));
	RUN(dec_logind(m, n, &ev));
	RUN(dec_shadow(app, appn, m, n, &ev));
	RUN(dec_shadow("usermod", 7, m, n, &ev));
	return 0;
}
