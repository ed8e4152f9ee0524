/*
 * log.c -- logging to stderr (foreground, -d) or syslog(3).  Keeps errno.
 * Thread-safe: each message is written with one write(2) / syslog(3) call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>

#include "log.h"

static const char	*log_prog = "vigil";
static int		 log_dest = LOG_TO_STDERR;
static int		 log_verbose;

void
log_init(const char *progname, int dest, int verbose)
{
	log_prog = progname;
	log_dest = dest;
	log_verbose = verbose;
	if (dest & LOG_TO_SYSLOG)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

static void
vlog(int pri, const char *fmt, va_list ap, int with_errno)
{
	char		 msg[2048], line[2300];
	int		 saved = errno, n;
	struct timeval	 tv;
	struct tm	 tm;
	const char	*lvl;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		size_t l = strlen(msg);
		snprintf(msg + l, sizeof(msg) - l, ": %s", strerror(saved));
	}
	if (log_dest & LOG_TO_SYSLOG)
		syslog(pri, "%s", msg);
	if (log_dest & LOG_TO_STDERR) {
		switch (pri) {
		case LOG_CRIT: lvl = "fatal"; break;
		case LOG_WARNING: lvl = "warn"; break;
		case LOG_DEBUG: lvl = "debug"; break;
		default: lvl = "info"; break;
		}
		gettimeofday(&tv, NULL);
		gmtime_r(&tv.tv_sec, &tm);
		n = snprintf(line, sizeof(line),
		    "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s[%d] %s: %s\n",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000), log_prog,
		    (int)getpid(), lvl, msg);
		if (n > (int)sizeof(line) - 1)
			n = sizeof(line) - 1;
		if (write(STDERR_FILENO, line, n) < 0) {
			/* nowhere left to report it */
		}
	}
	errno = saved;
}

#define LOGFN(name, pri, e)					\
void								\
name(const char *fmt, ...)					\
{								\
	va_list ap;						\
	va_start(ap, fmt);					\
	vlog(pri, fmt, ap, e);					\
	va_end(ap);						\
}

LOGFN(log_warn, LOG_WARNING, 1)
LOGFN(log_warnx, LOG_WARNING, 0)

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 0)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(1);
}
