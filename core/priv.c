/*
 * priv.c -- privilege drop (see priv.h).  Linux-specific parts are
 * behind __linux__.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "priv.h"

int
priv_lookup(const char *user, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "unknown user '%s'", user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int
priv_chown_dir(const char *dir, uid_t uid, gid_t gid)
{
	DIR		*d;
	struct dirent	*de;
	char		 p[4096];

	if (chown(dir, uid, gid) == -1)
		return -1;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lchown(p, uid, gid) == -1) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int
priv_drop(const char *user, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	if (user != NULL) {
		if (initgroups(user, gid) == -1 && setgroups(1, &gid) == -1) {
			snprintf(err, errlen, "setgroups: %s",
			    strerror(errno));
			return -1;
		}
		if (setresgid(gid, gid, gid) == -1 ||
		    setresuid(uid, uid, uid) == -1) {
			snprintf(err, errlen, "cannot become %s: %s", user,
			    strerror(errno));
			return -1;
		}
		if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
			snprintf(err, errlen, "could regain root after "
			    "dropping to %s", user);
			return -1;
		}
	}
#ifdef __linux__
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
#endif
	return 0;
}
