/*
 * conf.h -- table-driven parser for "keyword value" configuration files
 * (sshd_config / redis.conf style): one option per line, '#' starts a
 * comment, values may be double-quoted.  One table per program gives each
 * option's name, type, default, where it lives and its help text; the same
 * table drives the parser, the defaults, `-n` and the command line.
 *
 * Precedence: a value given on the command line is never overridden by
 * the file (conf_set marks it; conf_parse then skips that option).
 * Pure: conf_parse works on a buffer; conf_load reads the file.
 */
#ifndef VIGIL_CONF_H
#define VIGIL_CONF_H

#include <stddef.h>
#include <stdint.h>

enum conf_type {
	CONF_STR,	/* char *, strdup'ed */
	CONF_INT,	/* long long, within [min, max] */
	CONF_BOOL,	/* int: yes/no/true/false/on/off/1/0 */
	CONF_SIZE,	/* long long bytes: 10k, 64M, 2G */
	CONF_DURATION,	/* long long seconds: 30s, 5m, 2h, 7d */
	CONF_LIST,	/* struct conf_list: repeatable option */
};

#define CONF_LIST_MAX	64

struct conf_list {
	int	 n;
	char	*v[CONF_LIST_MAX];
};

struct conf_opt {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;		/* offsetof in the program's struct */
	const char	*def;		/* default as text, NULL for none */
	long long	 min, max;	/* CONF_INT/SIZE/DURATION bounds */
	const char	*help;
};

#define CONF_ERRLEN	512

/* Set every option to its default.  Returns 0 or ERR_FORMAT (bad table). */
int	conf_defaults(const struct conf_opt *, void *obj);
/*
 * Set one option from text (the command line).  Marks it so that
 * conf_parse leaves it alone; *cli_mask is the program's mask (one bit per
 * table index).  Returns 0, or ERR_FORMAT/ERR_NOTFOUND with err filled.
 */
int	conf_set(const struct conf_opt *, void *obj, uint64_t *cli_mask,
	    const char *name, const char *value, char *err, size_t errlen);
/*
 * Parse a whole file's text.  fname is used in messages only: errors read
 * "FILE:LINE: unknown option 'x'".  On error obj may be partially updated,
 * so parse into a fresh copy and swap on success (SIGHUP reload).
 */
int	conf_parse(const struct conf_opt *, void *obj, uint64_t cli_mask,
	    const char *text, size_t len, const char *fname, char *err,
	    size_t errlen);
/* Read fname and conf_parse it; a missing file is an error. */
int	conf_load(const struct conf_opt *, void *obj, uint64_t cli_mask,
	    const char *fname, char *err, size_t errlen);
/* Free the strings and lists of obj. */
void	conf_free(const struct conf_opt *, void *obj);
/* Print "name value" for every option (for -n -v). */
void	conf_dump(const struct conf_opt *, const void *obj, void *fp);

/* Helpers also used on the command line. */
int	conf_parse_size(const char *, long long *);
int	conf_parse_duration(const char *, long long *);
int	conf_parse_bool(const char *, int *);

#endif
