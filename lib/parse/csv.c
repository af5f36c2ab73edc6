/*
 * csv.c - lines of comma- (or tab-) separated values (csv.h).
 */
#include <stdlib.h>

#include "parse/csv.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int
pf_csv_line(struct pf_reader *r, const char **s, size_t *n, uint64_t *line,
    struct pf_error *err)
{
	const char *name = pf_reader_name(r);
	size_t i;
	int lt;

	while ((lt = pf_reader_line(r, s, n, err)) != PF_LINE_EOF) {
		*line = pf_reader_lineno(r);
		if (lt == PF_LINE_ERROR)
			return -1;
		if (lt == PF_LINE_TOOLONG)
			return pf_err(err, name, *line, "line longer than %u bytes",
			    PF_LINE_MAX);
		if (*line == 1 && *n >= 3 && memcmp(*s, "\xef\xbb\xbf", 3) == 0) {
			*s += 3;
			*n -= 3;
		}
		while (*n > 0 && (*s)[*n - 1] == '\r')
			(*n)--;
		for (i = 0; i < *n && is_blank((*s)[i]); i++)
			;
		if (i == *n)
			continue;
		if (memchr(*s, '\0', *n) != NULL)
			return pf_err(err, name, *line, "a NUL byte in a line of text");
		return 1;
	}
	return 0;
}

int
pf_csv_read(struct pf_reader *r, const struct pf_csv_report *rep, void *ctx,
    struct pf_csv *c, uint64_t *line, struct pf_error *err)
{
	const char *name = pf_reader_name(r);
	const char *s;
	size_t n;
	int lt, sep = 0, have_header = 0;

	while ((lt = pf_csv_line(r, &s, &n, line, err)) != 0) {
		if (lt < 0)
			return -1;
		if (!have_header && (sep = rep->header_sep(s, n)) == 0)
			return pf_err(err, name, *line, "%s", rep->not_header);
		if (pf_csv_split(c, s, n, (char)sep, name, *line, err) != 0)
			return -1;
		if (!have_header) {
			if (rep->header(ctx) != 0)
				return -1;
			have_header = 1;
		} else if (rep->row(ctx) != 0) {
			return -1;
		}
	}
	return 0;
}

void
pf_csv_release(struct pf_csv *c)
{
	free(c->f);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

void
pf_csv_path_release(struct pf_csv_path *t)
{
	free(t->frames);
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

/* s[0..*n-1] without blanks around it. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (*s == ' ' || *s == '\t'))
		s++, (*n)--;
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

int
pf_csv_path_row(struct pf_csv_path *t, struct pf_profile *p, size_t d,
    const char *pre, size_t pn, const char *name, size_t n, pf_count w,
    const char *input, uint64_t line, struct pf_error *err)
{
	size_t len;

	name = trim(name, &n);
	pre = pn > 0 ? trim(pre, &pn) : pre;
	len = pn > 0 ? pn + 1 + n : n;
	if (pf_grow(&t->buf, &t->bcap, len + 9, 1) != 0 ||
	    pf_grow(&t->frames, &t->cap, d + 1, sizeof(*t->frames)) != 0)
		return pf_nomem(err, input, line);
	if (pn > 0) {
		memcpy(t->buf, pre, pn);
		t->buf[pn] = '`';
	}
	memcpy(t->buf + (len - n), name, n);
	len = pf_name_tidy(t->buf, len, 0);
	if (len == 0)
		memcpy(t->buf, "[unknown]", len = 9);
	if ((t->frames[d] = pf_profile_intern(p, t->buf, len)) == UINT32_MAX)
		return pf_nomem(err, input, line);
	t->depth = d + 1;
	if (w != 0 && pf_profile_add(p, t->frames, t->depth, w, 0, err) != 0) {
		pf_err_name(err, input);
		return -1;
	}
	return 0;
}

int
pf_csv_split(struct pf_csv *c, const char *s, size_t n, char sep,
    const char *input, uint64_t line, struct pf_error *err)
{
	size_t i = 0, o = 0, lead;
	struct pf_csv_field *f;

	c->nf = 0;
	/* Unquoted text is never longer than the line. */
	if (pf_grow(&c->buf, &c->bcap, n + 1, 1) != 0)
		return pf_nomem(err, input, line);
	for (;;) {
		if (pf_grow(&c->f, &c->fcap, c->nf + 1, sizeof(*c->f)) != 0)
			return pf_nomem(err, input, line);
		f = &c->f[c->nf++];
		for (lead = 0; i + lead < n && s[i + lead] == ' '; lead++)
			;
		if (i + lead < n && s[i + lead] == '"') {
			f->s = c->buf + o;
			f->lead = lead;
			f->quoted = 1;
			for (i += lead + 1;; i++) {
				if (i >= n)
					return pf_err(err, input, line, "a quoted field "
					    "without its closing quote");
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						c->buf[o++] = '"';
						i++;
						continue;
					}
					break;
				}
				c->buf[o++] = s[i];
			}
			f->n = (size_t)(c->buf + o - f->s);
			for (i++; i < n && (s[i] == ' ' || s[i] == '\t') && s[i] != sep; i++)
				;
			if (i < n && s[i] != sep)
				return pf_err(err, input, line, "text after the "
				    "closing quote of a field");
		} else {
			const char *e = memchr(s + i, sep, n - i);
			size_t k = e != NULL ? (size_t)(e - s) : n;

			f->s = s + i;
			f->n = k - i;
			f->lead = 0;
			f->quoted = 0;
			i = k;
		}
		if (i >= n)
			return 0;
		i++;		/* the separator */
	}
}


long
pf_csv_find(const struct pf_csv *c, const char *name)
{
	size_t i, m = strlen(name);

	for (i = 0; i < c->nf; i++) {
		const char *s = c->f[i].s;
		size_t n = c->f[i].n;

		while (n > 0 && is_blank(*s))
			s++, n--;
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		if (n == m && memcmp(s, name, m) == 0)
			return (long)i;
	}
	return -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
pf_csv_count(const char *s, size_t n, pf_count *out)
{
	char small[64], *tmp = small;
	size_t i, k = 0, digits = 0;
	int point = 0, rc;

	while (n > 0 && is_blank(*s))
		s++, n--;
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	if (n >= sizeof(small) && (tmp = malloc(n)) == NULL)
		return PF_COUNT_SYNTAX;
	for (i = 0; i < n; i++) {
		if (s[i] == ',') {
			/* A separator stands between digits before the point,
			 * followed by a group of exactly three. */
			if (point || digits == 0 || n - i < 4 || !is_digit(s[i + 1]) ||
			    !is_digit(s[i + 2]) || !is_digit(s[i + 3]) ||
			    (n - i > 4 && is_digit(s[i + 4]))) {
				rc = PF_COUNT_SYNTAX;
				goto out;
			}
			continue;
		}
		if (s[i] == '.')
			point = 1;
		else if (is_digit(s[i]) && !point)
			digits++;
		tmp[k++] = s[i];
	}
	rc = pf_count_parse(tmp, k, out);
out:
	if (tmp != small)
		free(tmp);
	return rc;
}
