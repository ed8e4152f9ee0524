/*
 * log.h -- logging for the vigil daemons and tools (OpenBSD log.c style).
 * log_warn appends strerror(errno), log_warnx does not.  fatal/fatalx exit(1)
 * and are only for start-up and impossible states.
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <stdarg.h>

#define LOG_TO_STDERR	1
#define LOG_TO_SYSLOG	2

/* progname: ident; dest: LOG_TO_*; verbose: -1 warnings only, 0 info,
 * 1 debug. */
void	log_init(const char *progname, int dest, int verbose);
void	log_setverbose(int verbose);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
