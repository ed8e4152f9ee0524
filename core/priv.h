/*
 * priv.h -- dropping privileges after the privileged set-up (bind, keys,
 * data directory), OpenSSH/syslogd style, and no_new_privs on Linux.
 */
#ifndef VIGIL_PRIV_H
#define VIGIL_PRIV_H

#include <sys/types.h>

/* Look up user; 0 with uid/gid, or -1 with err set. */
int	priv_lookup(const char *user, uid_t *, gid_t *, char *err,
	    size_t errlen);
/* chown dir and the files directly in it (not recursive). */
int	priv_chown_dir(const char *dir, uid_t, gid_t);
/*
 * Become uid/gid for good (setgroups, setresgid, setresuid, check that
 * root cannot be regained) and set no_new_privs.  user NULL: only
 * no_new_privs.  Returns 0, or -1 with err set.
 */
int	priv_drop(const char *user, uid_t, gid_t, char *err, size_t errlen);

#endif
