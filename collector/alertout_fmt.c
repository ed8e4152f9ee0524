/*
 * alertout_fmt.c -- the pure half of the alert outputs (alertout.h): the
 * alert-exec, alert-syslog and alert-webhook configuration values, and the
 * RFC 5424 message.  No I/O, no event loop: unit-tested on its own.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>

#include "alertout.h"
#include "alerts.h"
#include "err.h"
#include "json.h"
#include "query.h"

/* ------------------------------------------------------- configuration */

void
alertout_conf_init(struct alertout_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->exec_max = 4;
	c->exec_timeout_ms = 10000;
	c->webhook_retries = 5;
	c->webhook_backoff_ms = 1000;
	c->webhook_timeout_s = 10;
	c->queue_max = 256;
	c->flush_ms = 2000;
}

void
alertout_conf_clear(struct alertout_conf *c)
{
	int i;

	for (i = 0; i < c->nexec; i++)
		free(c->exec[i].spec);
	free(c->log_path);
	free(c->webhook_ca);
	alertout_conf_init(c);
}

/* "SEVERITY REST": the severity, *rest after the blanks (may be "") */
static int
split_sev(const char *kind, const char *value, const char **rest, char *err,
    size_t errlen)
{
	char	sev[16];
	size_t	n = strcspn(value, " \t");
	int	s;

	if (n == 0 || n >= sizeof(sev)) {
		snprintf(err, errlen, "%s: expected a severity first", kind);
		return -1;
	}
	memcpy(sev, value, n);
	sev[n] = '\0';
	if ((s = alert_severity_parse(sev)) < 0) {
		snprintf(err, errlen, "%s: '%s' is not a severity (info, low, "
		    "medium, high, critical)", kind, sev);
		return -1;
	}
	*rest = value + n + strspn(value + n, " \t");
	return s;
}

/* udp:HOST:PORT -> host, port; 0 or -1 */
int
alertout_parse_udp(const char *t, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*p = t + 4, *colon;
	size_t		 hl;

	if (*p == '[') {
		if ((colon = strchr(p, ']')) == NULL || colon[1] != ':')
			return -1;
		p++;
		hl = (size_t)(colon - p);
		colon++;
	} else {
		if ((colon = strrchr(p, ':')) == NULL)
			return -1;
		hl = (size_t)(colon - p);
	}
	if (hl == 0 || hl >= hostlen || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= portlen ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atoi(colon + 1) < 1 || atoi(colon + 1) > 65535)
		return -1;
	memcpy(host, p, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%s", colon + 1);
	return 0;
}

/* http(s)://host[:port][/path] -> the parts; 0 or -1 */
int
alertout_parse_url(const char *url, char *host, size_t hostlen, int *port,
    char *path, size_t pathlen, int *https)
{
	struct evhttp_uri	*u;
	const char		*s, *h, *p, *q;
	int			 r = -1;

	if ((u = evhttp_uri_parse(url)) == NULL)
		return -1;
	s = evhttp_uri_get_scheme(u);
	h = evhttp_uri_get_host(u);
	p = evhttp_uri_get_path(u);
	q = evhttp_uri_get_query(u);
	if (s == NULL || h == NULL || *h == '\0' || strlen(h) >= hostlen ||
	    evhttp_uri_get_userinfo(u) != NULL)
		goto out;
	if (strcasecmp(s, "http") == 0)
		*https = 0;
	else if (strcasecmp(s, "https") == 0)
		*https = 1;
	else
		goto out;
	*port = evhttp_uri_get_port(u);
	if (*port == -1)
		*port = *https ? 443 : 80;
	if (*port < 1 || *port > 65535)
		goto out;
	snprintf(host, hostlen, "%s", h);
	if ((size_t)snprintf(path, pathlen, "%s%s%s", p && *p ? p : "/",
	    q ? "?" : "", q ? q : "") >= pathlen)
		goto out;
	r = 0;
 out:
	evhttp_uri_free(u);
	return r;
}

int
alertout_conf_add(struct alertout_conf *c, const char *kind,
    const char *value, char *err, size_t errlen)
{
	const char	*rest;
	char		 host[256], port[16], path[1024], *p;
	int		 sev, n, iport, https;

	if ((sev = split_sev(kind, value, &rest, err, errlen)) < 0)
		return ERR_FORMAT;
	if (strcmp(kind, "alert-exec") == 0) {
		struct alertout_exec *x = &c->exec[c->nexec];

		if (c->nexec >= ALERTOUT_OUTPUTS_MAX)
			goto toomany;
		if (*rest != '/') {
			snprintf(err, errlen, "alert-exec: the program must "
			    "be an absolute path");
			return ERR_FORMAT;
		}
		if ((x->spec = strdup(rest)) == NULL)
			return ERR_NOMEM;
		x->speclen = strlen(rest) + 1;
		for (n = 0, p = strtok(x->spec, " \t"); p != NULL;
		    p = strtok(NULL, " \t")) {
			if (n == ALERTOUT_ARGS_MAX) {
				snprintf(err, errlen, "alert-exec: more than "
				    "%d words", ALERTOUT_ARGS_MAX);
				free(x->spec);
				x->spec = NULL;
				return ERR_TOOBIG;
			}
			x->argv[n++] = p;
		}
		x->argv[n] = NULL;
		x->min_sev = sev;
		c->nexec++;
		return 0;
	}
	if (strcmp(kind, "alert-syslog") == 0) {
		struct alertout_syslog *s = &c->syslog[c->nsyslog];

		if (c->nsyslog >= ALERTOUT_OUTPUTS_MAX)
			goto toomany;
		if (*rest == '\0')
			rest = "/dev/log";
		if (strlen(rest) >= sizeof(s->target) || strlen(rest) >=
		    sizeof(((struct sockaddr_un *)0)->sun_path) ||
		    (*rest != '/' && (strncmp(rest, "udp:", 4) != 0 ||
		    alertout_parse_udp(rest, host, sizeof(host), port,
		    sizeof(port)) != 0))) {
			snprintf(err, errlen, "alert-syslog: target must be a "
			    "socket path or udp:HOST:PORT, not '%s'", rest);
			return ERR_FORMAT;
		}
		snprintf(s->target, sizeof(s->target), "%s", rest);
		s->min_sev = sev;
		c->nsyslog++;
		return 0;
	}
	if (strcmp(kind, "alert-webhook") == 0) {
		struct alertout_webhook *w = &c->webhook[c->nwebhook];

		if (c->nwebhook >= ALERTOUT_OUTPUTS_MAX)
			goto toomany;
		if (strlen(rest) >= sizeof(w->url) || alertout_parse_url(rest,
		    host, sizeof(host), &iport, path, sizeof(path),
		    &https) != 0) {
			snprintf(err, errlen, "alert-webhook: '%s' is not an "
			    "http:// or https:// URL", rest);
			return ERR_FORMAT;
		}
		snprintf(w->url, sizeof(w->url), "%s", rest);
		w->min_sev = sev;
		c->nwebhook++;
		return 0;
	}
	snprintf(err, errlen, "unknown alert output '%s'", kind);
	return ERR_FORMAT;
 toomany:
	snprintf(err, errlen, "%s: more than %d outputs", kind,
	    ALERTOUT_OUTPUTS_MAX);
	return ERR_TOOBIG;
}

/* -------------------------------------------------------------- syslog */

/* RFC 5424 section 6.3.3: '"', '\' and ']' are escaped in PARAM-VALUE */
static int
sd_param(struct buf *out, const char *name, const char *v, size_t n)
{
	size_t	i;
	int	r;

	if ((r = buf_putf(out, " %s=\"", name)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		if ((v[i] == '"' || v[i] == '\\' || v[i] == ']') &&
		    (r = buf_put_u8(out, '\\')) != 0)
			return r;
		if ((r = buf_put_u8(out, (uint8_t)v[i])) != 0)
			return r;
	}
	return buf_put_u8(out, '"');
}

int
alertout_syslog_format(struct buf *out, int64_t now_us, const char *hostname,
    pid_t pid, const struct alert_view *av, const char *json, size_t len)
{
	/* critical crit(2), high err(3), medium warning(4), low notice(5),
	 * info info(6); facility authpriv (10) */
	static const int	 sevmap[] = { 6, 5, 4, 3, 2 };
	char			 ts[TIME_FORMAT_LEN], id[24];
	size_t			 start = out->len, mark;
	int			 r, sev = av->severity;

	if (sev < SEV_INFO || sev > SEV_CRITICAL)
		sev = SEV_INFO;
	time_format(now_us, ts, sizeof(ts));
	snprintf(id, sizeof(id), "%llu", (unsigned long long)av->id);
	if ((r = buf_putf(out, "<%d>1 %s %.255s vigil %d ALERT [alert@32473",
	    10 * 8 + sevmap[sev], ts, hostname && *hostname ? hostname : "-",
	    (int)pid)) != 0 ||
	    (r = sd_param(out, "id", id, strlen(id))) != 0 ||
	    (r = sd_param(out, "rule", av->rule, strlen(av->rule))) != 0 ||
	    (r = sd_param(out, "severity", alert_severity_name(sev),
	    strlen(alert_severity_name(sev)))) != 0 ||
	    (r = sd_param(out, "group", av->group, strlen(av->group))) != 0)
		goto out;
	mark = out->len;
	if ((r = sd_param(out, "json", json, len)) != 0)
		goto out;
	if (out->len + 2 + 2 * strlen(av->message) > start +
	    ALERTOUT_SYSLOG_MAX)
		out->len = mark;	/* too big: without the JSON */
	if ((r = buf_put(out, "] ", 2)) != 0 ||
	    (r = json_escape(out, av->message, strlen(av->message))) != 0)
		goto out;
	if (out->len - start > ALERTOUT_SYSLOG_MAX)
		out->len = start + ALERTOUT_SYSLOG_MAX;
	r = 0;
 out:
	if (r != 0)
		out->len = start;
	return r;
}
