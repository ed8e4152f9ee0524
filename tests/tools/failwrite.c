/*
 * failwrite.c -- an LD_PRELOAD shim for the "store full" fault test
 * (tests/integration/t0830-store-full.sh).  While the file FAILWRITE_CTL
 * exists, the calls LevelDB makes to change its files -- write, pwrite,
 * writev, fsync, fdatasync (strace of vigil-collector: LevelDB 1.23 uses
 * write for logs and tables, fdatasync/fsync to sync, rename for CURRENT)
 * -- fail with ENOSPC when the file lies under FAILWRITE_DIR, as a full
 * disk would make them.  Everything else (sockets, the collector's log on
 * stderr, other files) goes through untouched.  Reads are never failed.
 *
 *   LD_PRELOAD=failwrite.so FAILWRITE_DIR=/data FAILWRITE_CTL=/tmp/full \
 *       [FAILWRITE_CALLS=fdatasync,fsync] CMD
 *
 * FAILWRITE_CALLS, a comma-separated list of the calls above, fails only
 * those (a disk whose writes land in the page cache but cannot be synced).
 * Writes "failwrite: ..." on stderr once when it starts failing (with the
 * call and the file) and once when the control file is gone again, with
 * the number of calls it failed.  Without both variables it does nothing.
 * Test tool only: it costs an access(2) per write.
 */
#include <sys/types.h>
#include <sys/uio.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char	*ctl, *calls;
static char		 dir[PATH_MAX];
static size_t		 dirlen;
static unsigned long	 nfailed;	/* in the current failing period */
static int		 failing;

static ssize_t	(*real_write)(int, const void *, size_t);
static ssize_t	(*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t	(*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t	(*real_writev)(int, const struct iovec *, int);
static int	(*real_fsync)(int);
static int	(*real_fdatasync)(int);
static int	(*real_rename)(const char *, const char *);

__attribute__((constructor)) static void
failwrite_init(void)
{
	const char *d = getenv("FAILWRITE_DIR");

	real_write = dlsym(RTLD_NEXT, "write");
	real_pwrite = dlsym(RTLD_NEXT, "pwrite");
	real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
	real_writev = dlsym(RTLD_NEXT, "writev");
	real_fsync = dlsym(RTLD_NEXT, "fsync");
	real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
	real_rename = dlsym(RTLD_NEXT, "rename");
	ctl = getenv("FAILWRITE_CTL");
	calls = getenv("FAILWRITE_CALLS");
	if (ctl == NULL || d == NULL || realpath(d, dir) == NULL) {
		/* the directory may not exist yet: compare as given */
		if (d == NULL || strlen(d) >= sizeof(dir)) {
			ctl = NULL;
			return;
		}
		strcpy(dir, d);
	}
	dirlen = strlen(dir);
	while (dirlen > 1 && dir[dirlen - 1] == '/')
		dir[--dirlen] = '\0';
}

static int
under_dir(const char *path)
{
	return strncmp(path, dir, dirlen) == 0 &&
	    (path[dirlen] == '/' || path[dirlen] == '\0');
}

/*
 * Whether this call must fail.  The control file is checked first, so
 * that in normal times a call costs one access(2) and nothing else.
 */
static int
must_fail(const char *call, int fd, const char *path)
{
	char		 proc[64], target[PATH_MAX];
	const char	*p;
	size_t		 cl = strlen(call);
	ssize_t		 n;
	int		 was;

	if (ctl == NULL)
		return 0;
	if (calls != NULL) {
		for (p = calls; (p = strstr(p, call)) != NULL; p += cl)
			if ((p == calls || p[-1] == ',') &&
			    (p[cl] == ',' || p[cl] == '\0'))
				break;
		if (p == NULL)
			return 0;
	}
	if (access(ctl, F_OK) != 0) {
		if (__atomic_exchange_n(&failing, 0, __ATOMIC_SEQ_CST))
			fprintf(stderr, "failwrite: %s is gone, writes work "
			    "again after %lu failed calls\n", ctl,
			    __atomic_load_n(&nfailed, __ATOMIC_SEQ_CST));
		return 0;
	}
	if (path == NULL) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if ((n = readlink(proc, target, sizeof(target) - 1)) <= 0)
			return 0;
		target[n] = '\0';
		path = target;
	}
	if (!under_dir(path))
		return 0;
	was = __atomic_exchange_n(&failing, 1, __ATOMIC_SEQ_CST);
	if (!was) {
		__atomic_store_n(&nfailed, 0, __ATOMIC_SEQ_CST);
		fprintf(stderr, "failwrite: %s exists: %s(%s) and later writes "
		    "under %s fail with ENOSPC\n", ctl, call, path, dir);
	}
	__atomic_add_fetch(&nfailed, 1, __ATOMIC_SEQ_CST);
	errno = ENOSPC;
	return 1;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	if (fd > 2 && must_fail("write", fd, NULL))
		return -1;
	return real_write(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (must_fail("pwrite", fd, NULL))
		return -1;
	return real_pwrite(fd, buf, n, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	if (must_fail("pwrite64", fd, NULL))
		return -1;
	return real_pwrite64(fd, buf, n, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	if (fd > 2 && must_fail("writev", fd, NULL))
		return -1;
	return real_writev(fd, iov, cnt);
}

int
fsync(int fd)
{
	if (must_fail("fsync", fd, NULL))
		return -1;
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	if (must_fail("fdatasync", fd, NULL))
		return -1;
	return real_fdatasync(fd);
}

int
rename(const char *from, const char *to)
{
	if (must_fail("rename", -1, to))
		return -1;
	return real_rename(from, to);
}
