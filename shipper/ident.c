/*
 * ident.c -- the shipper's identity (see ident.h).  The parsers at the
 * top are pure; ident_load and ident_instance read and write files.
 * Knows nothing about the protocol or the network.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "ident.h"

#define IDENT_FILE_MAX	256

/* Drop one trailing newline; the files in /etc, /proc and /sys have it. */
static size_t
chomp(const char *s, size_t len)
{
	if (len > 0 && s[len - 1] == '\n')
		len--;
	return len;
}

int
ident_parse_id(const char *s, size_t len, char *out)
{
	size_t i;

	len = chomp(s, len);
	if (len != IDENT_ID_LEN)
		return ERR_FORMAT;
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return ERR_FORMAT;
		out[i] = tolower((unsigned char)s[i]);
	}
	out[len] = '\0';
	return 0;
}

int
ident_parse_uuid(const char *s, size_t len, char *out)
{
	size_t	i;
	int	zero = 1, ff = 1;

	len = chomp(s, len);
	if (len != IDENT_UUID_LEN)
		return ERR_FORMAT;
	for (i = 0; i < len; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return ERR_FORMAT;
			out[i] = '-';
			continue;
		}
		if (!isxdigit((unsigned char)s[i]))
			return ERR_FORMAT;
		out[i] = tolower((unsigned char)s[i]);
		if (out[i] != '0')
			zero = 0;
		if (out[i] != 'f')
			ff = 0;
	}
	out[len] = '\0';
	return zero || ff ? ERR_FORMAT : 0;
}

int
ident_check_hostname(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > IDENT_HOST_MAX)
		return ERR_FORMAT;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return ERR_FORMAT;
	return 0;
}

/* Read a small file into buf (NUL-terminated).  Returns its length or -1. */
static ssize_t
read_small(const char *path, char *buf, size_t size)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

int
ident_load(struct ident *id, const char *hostname, const char *role,
    const char *vm_uuid, char *err, size_t errlen)
{
	char	buf[IDENT_FILE_MAX];
	ssize_t	n;

	memset(id, 0, sizeof(*id));
	if (hostname != NULL && *hostname != '\0')
		snprintf(id->hostname, sizeof(id->hostname), "%s", hostname);
	else if (gethostname(id->hostname, sizeof(id->hostname) - 1) == -1)
		snprintf(id->hostname, sizeof(id->hostname), "localhost");
	if (ident_check_hostname(id->hostname) != 0) {
		snprintf(err, errlen, "hostname '%s' is not a valid host name",
		    id->hostname);
		return ERR_FORMAT;
	}
	if (role != NULL && *role != '\0') {
		if (strcmp(role, "host") != 0 && strcmp(role, "guest") != 0) {
			snprintf(err, errlen, "role must be host or guest, "
			    "not '%s'", role);
			return ERR_FORMAT;
		}
		snprintf(id->role, sizeof(id->role), "%s", role);
	} else if (access("/usr/sbin/libvirtd", F_OK) == 0 ||
	    access("/usr/sbin/virtqemud", F_OK) == 0)
		snprintf(id->role, sizeof(id->role), "host");
	else
		snprintf(id->role, sizeof(id->role), "guest");
	if ((n = read_small("/etc/machine-id", buf, sizeof(buf))) > 0)
		(void)ident_parse_id(buf, (size_t)n, id->machine_id);
	if ((n = read_small("/proc/sys/kernel/random/boot_id", buf,
	    sizeof(buf))) > 0 && ident_parse_uuid(buf, (size_t)n,
	    id->boot_id) != 0)
		id->boot_id[0] = '\0';
	if (vm_uuid != NULL && *vm_uuid != '\0') {
		if (ident_parse_uuid(vm_uuid, strlen(vm_uuid),
		    id->vm_uuid) != 0) {
			snprintf(err, errlen, "vm-uuid '%s' is not a UUID",
			    vm_uuid);
			return ERR_FORMAT;
		}
	} else if (strcmp(id->role, "guest") == 0 &&
	    (n = read_small("/sys/class/dmi/id/product_uuid", buf,
	    sizeof(buf))) > 0 && ident_parse_uuid(buf, (size_t)n,
	    id->vm_uuid) != 0)
		id->vm_uuid[0] = '\0';
	return 0;
}

static int
instance_create(struct ident *id, const char *dir, const char *path,
    char *err, size_t errlen)
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		rnd[IDENT_ID_LEN / 2];
	char			tmp[4096 + 8], line[IDENT_ID_LEN + 2];
	size_t			i;
	int			fd = -1, dfd = -1, r = ERR_IO;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return ERR_IO;
	}
	for (i = 0; i < sizeof(rnd); i++) {
		id->instance[2 * i] = hex[rnd[i] >> 4];
		id->instance[2 * i + 1] = hex[rnd[i] & 15];
	}
	id->instance[IDENT_ID_LEN] = '\0';
	snprintf(line, sizeof(line), "%s\n", id->instance);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 ||
	    write(fd, line, IDENT_ID_LEN + 1) != IDENT_ID_LEN + 1 ||
	    fsync(fd) != 0 || rename(tmp, path) != 0 ||
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	r = 0;
 out:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	return r;
}

int
ident_instance(struct ident *id, const char *dir, int fresh, char *err,
    size_t errlen)
{
	char	path[4096], buf[IDENT_FILE_MAX];
	ssize_t	n;

	snprintf(path, sizeof(path), "%s/%s", dir, IDENT_INSTANCE);
	if (!fresh) {
		if ((n = read_small(path, buf, sizeof(buf))) >= 0) {
			if (ident_parse_id(buf, (size_t)n, id->instance) == 0)
				return 0;
			snprintf(err, errlen, "%s: not 32 hex digits (remove "
			    "the state directory to start new streams)", path);
			return ERR_FORMAT;
		}
		if (errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return ERR_IO;
		}
	}
	return instance_create(id, dir, path, err, errlen);
}
