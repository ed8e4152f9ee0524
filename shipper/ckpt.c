/*
 * ckpt.c -- the checkpoints file codec and the restart decision (see
 * state.h): parse and format the text of STATE/checkpoints, and decide
 * where a file stream starts again.  Pure: no I/O, no globals.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "state.h"

int
state_cursor_check(const char *c, size_t n)
{
	size_t i;

	if (n > STATE_CURSOR_MAX)
		return ERR_FORMAT;
	for (i = 0; i < n; i++)
		if (c[i] <= ' ' || c[i] > '~')
			return ERR_FORMAT;
	return 0;
}

/* Parse a decimal u64 of s[0..n); no sign, no blanks. */
static int
parse_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t	 i;

	if (n == 0 || n > 20)
		return ERR_FORMAT;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ERR_FORMAT;
		if (x > (UINT64_MAX - (s[i] - '0')) / 10)
			return ERR_RANGE;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

/*
 * The file form of a line without its newline.  The numbers are the last
 * four blank separated fields, so the path (everything before them) may
 * hold blanks.
 */
static int
ckpt_parse_file(const char *p, size_t n, struct state_rec *rec)
{
	struct state_ckpt	*ck = &rec->ck;
	uint64_t		 v[4];
	size_t			 end = n, start;
	int			 k;

	for (k = 3; k >= 0; k--) {
		start = end;
		while (start > 0 && p[start - 1] != ' ')
			start--;
		if (start == 0 || parse_u64(p + start, end - start, &v[k]) != 0)
			return ERR_FORMAT;
		end = start - 1;	/* the blank */
	}
	if (end == 0 || v[3] == 0 || v[2] > INT64_MAX ||
	    memchr(p, '\0', end) != NULL)
		return ERR_FORMAT;
	if ((ck->path = strndup(p, end)) == NULL)
		return ERR_NOMEM;
	ck->dev = v[0];
	ck->ino = v[1];
	ck->off = v[2];
	ck->next_seq = v[3];
	rec->cursor = NULL;
	return 0;
}

/*
 * The journal form "path cursor=CURSOR next_seq".  No file line can look
 * like this: its second to last field is a number, never "cursor=...".
 */
static int
ckpt_parse_cursor(const char *p, size_t n, struct state_rec *rec)
{
	struct state_ckpt	*ck = &rec->ck;
	uint64_t		 seq;
	size_t			 end = n, start, cl;
	const char		*c;

	start = end;
	while (start > 0 && p[start - 1] != ' ')
		start--;
	if (start == 0 || parse_u64(p + start, end - start, &seq) != 0 ||
	    seq == 0)
		return ERR_FORMAT;
	end = start - 1;
	start = end;
	while (start > 0 && p[start - 1] != ' ')
		start--;
	if (start <= 1 || end - start < 8 || memcmp(p + start, "cursor=", 7))
		return ERR_FORMAT;
	c = p + start + 7;
	cl = end - start - 7;
	if (state_cursor_check(c, cl) != 0)
		return ERR_FORMAT;
	end = start - 1;
	if (memchr(p, '\0', end) != NULL)
		return ERR_FORMAT;
	if (cl == 1 && c[0] == '-')
		cl = 0;		/* no entry yet */
	if ((ck->path = strndup(p, end)) == NULL)
		return ERR_NOMEM;
	if ((rec->cursor = strndup(c, cl)) == NULL) {
		free(ck->path);
		return ERR_NOMEM;
	}
	ck->dev = ck->ino = ck->off = 0;
	ck->next_seq = seq;
	return 0;
}

static int
ckpt_parse_line(const char *p, size_t n, struct state_rec *rec)
{
	int r;

	if ((r = ckpt_parse_file(p, n, rec)) != ERR_FORMAT)
		return r;
	return ckpt_parse_cursor(p, n, rec);
}

static void
rec_clear(struct state_rec *rec)
{
	free(rec->ck.path);
	free(rec->cursor);
}

int
state_rec_parse(const char *text, size_t len, struct state_rec **out,
    size_t *nout, size_t *nbad)
{
	struct state_rec	*recs = NULL, rec;
	const char		*p = text, *end = text + len, *nl;
	size_t			 n = 0, i;
	int			 r;

	*nbad = 0;
	if ((recs = calloc(STATE_CKPT_MAX, sizeof(*recs))) == NULL)
		return ERR_NOMEM;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL) {
			(*nbad)++;	/* torn last line */
			break;
		}
		if (p == nl || *p == '#')
			continue;
		if ((r = ckpt_parse_line(p, nl - p, &rec)) == ERR_NOMEM)
			goto fail;
		if (r != 0) {
			(*nbad)++;
			continue;
		}
		for (i = 0; i < n; i++)
			if (strcmp(recs[i].ck.path, rec.ck.path) == 0)
				break;
		if (i < n) {
			rec_clear(&recs[i]);
			recs[i] = rec;
			continue;
		}
		if (n == STATE_CKPT_MAX) {
			/* never refuse to start over a full file */
			rec_clear(&rec);
			(*nbad)++;
			continue;
		}
		recs[n++] = rec;
	}
	*out = recs;
	*nout = n;
	return 0;
 fail:
	state_recs_free(recs, n);
	return r;
}

void
state_recs_free(struct state_rec *recs, size_t n)
{
	size_t i;

	if (recs == NULL)
		return;
	for (i = 0; i < n; i++)
		rec_clear(&recs[i]);
	free(recs);
}

int
state_ckpt_parse(const char *text, size_t len, struct state_ckpt **out,
    size_t *nout, size_t *nbad)
{
	struct state_rec	*recs;
	struct state_ckpt	*cks;
	size_t			 n, i, k = 0;
	int			 r;

	if ((r = state_rec_parse(text, len, &recs, &n, nbad)) != 0)
		return r;
	if ((cks = calloc(n + 1, sizeof(*cks))) == NULL) {
		state_recs_free(recs, n);
		return ERR_NOMEM;
	}
	for (i = 0; i < n; i++) {
		if (recs[i].cursor == NULL) {
			cks[k++] = recs[i].ck;
			recs[i].ck.path = NULL;	/* handed over */
		}
	}
	state_recs_free(recs, n);
	*out = cks;
	*nout = k;
	return 0;
}

void
state_ckpts_free(struct state_ckpt *cks, size_t n)
{
	size_t i;

	if (cks == NULL)
		return;
	for (i = 0; i < n; i++)
		free(cks[i].path);
	free(cks);
}

static int
ckpt_format1(struct buf *out, const struct state_ckpt *ck, const char *cursor)
{
	if (ck->path == NULL || ck->path[0] == '\0' || ck->path[0] == '#' ||
	    strchr(ck->path, '\n') != NULL || ck->next_seq == 0)
		return ERR_FORMAT;
	if (cursor != NULL) {
		if (state_cursor_check(cursor, strlen(cursor)) != 0)
			return ERR_FORMAT;
		return buf_putf(out, "%s cursor=%s %llu\n", ck->path,
		    cursor[0] != '\0' ? cursor : "-",
		    (unsigned long long)ck->next_seq);
	}
	return buf_putf(out, "%s %llu %llu %llu %llu\n", ck->path,
	    (unsigned long long)ck->dev, (unsigned long long)ck->ino,
	    (unsigned long long)ck->off, (unsigned long long)ck->next_seq);
}

#define CKPT_HEADER	"# vigil-shipper checkpoints: path dev ino offset " \
	"next_seq, or path cursor=CURSOR next_seq\n"

int
state_rec_format(struct buf *out, const struct state_rec *recs, size_t n)
{
	size_t	i;
	int	r;

	if ((r = buf_putf(out, CKPT_HEADER)) != 0)
		return r;
	for (i = 0; i < n; i++)
		if ((r = ckpt_format1(out, &recs[i].ck, recs[i].cursor)) != 0)
			return r;
	return 0;
}

int
state_ckpt_format(struct buf *out, const struct state_ckpt *cks, size_t n)
{
	size_t	i;
	int	r;

	if ((r = buf_putf(out, CKPT_HEADER)) != 0)
		return r;
	for (i = 0; i < n; i++)
		if ((r = ckpt_format1(out, &cks[i], NULL)) != 0)
			return r;
	return 0;
}

void
state_resume(const struct state_ckpt *ck, const struct state_fileid *path,
    const struct state_fileid *found, int from_beginning,
    struct state_start *out)
{
	memset(out, 0, sizeof(*out));
	if (ck == NULL) {
		/* a new stream: nothing of it was ever sent */
		out->resync = 1;
		if (path != NULL && !from_beginning)
			out->off = path->size;
		return;
	}
	if (ck->dev == 0 && ck->ino == 0)
		return;		/* no file had appeared: from 0 */
	if (path != NULL && path->dev == ck->dev && path->ino == ck->ino) {
		if (path->size >= ck->off)
			out->off = ck->off;
		else
			out->resync = 1;	/* truncated while down */
		return;
	}
	if (found != NULL && found->size >= ck->off) {
		out->rotated = 1;
		out->roff = ck->off;
		return;
	}
	/* the unacknowledged bytes are gone */
	out->resync = 1;
}
