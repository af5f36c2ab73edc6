/*
 * folded.c - reading and writing the folded stack format (pf-folded(5)).
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

/* The count token that ends s[0..n-1] (after its last space). */
static int
last_token(const char *s, size_t n, size_t *tok)
{
	size_t i = n;

	while (i > 0 && s[i - 1] != ' ' && s[i - 1] != '\t')
		i--;
	if (i == 0)
		return -1;
	*tok = i;
	return 0;
}

static size_t
rtrim(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

static int
count_error(struct pf_error *err, struct pf_reader *r, int rc, const char *s, size_t n)
{
	if (rc == PF_COUNT_OVERFLOW)
		return pf_err(err, pf_reader_name(r), pf_reader_lineno(r),
		    "count '%.*s' is too large (more than 2^64)", (int)(n > 40 ? 40 : n), s);
	return pf_err(err, pf_reader_name(r), pf_reader_lineno(r),
	    "no sample count at the end of the line");
}

int
pf_folded_read(struct pf_profile *p, struct pf_reader *r, struct pf_error *err)
{
	uint32_t *ids = NULL;
	size_t cap = 0;
	int columns = 0, rc = -1, st;
	const char *line;
	size_t len;

	while ((st = pf_reader_line(r, &line, &len, err)) != PF_LINE_EOF) {
		size_t t1, t2 = 0, slen, i, start, n;
		pf_count a = 0, b = 0;
		int c;

		if (st == PF_LINE_ERROR)
			goto out;
		if (st == PF_LINE_TOOLONG) {
			pf_err(err, pf_reader_name(r), pf_reader_lineno(r),
			    "line longer than %u bytes", PF_LINE_MAX);
			goto out;
		}
		len = rtrim(line, len);
		if (len == 0)
			continue;
		if (memchr(line, '\0', len) != NULL) {
			pf_err(err, pf_reader_name(r), pf_reader_lineno(r),
			    "NUL byte in line (binary input?)");
			goto out;
		}
		if (last_token(line, len, &t1) != 0) {
			pf_err(err, pf_reader_name(r), pf_reader_lineno(r),
			    "no sample count at the end of the line");
			goto out;
		}
		c = pf_count_parse(line + t1, len - t1, columns == 2 ? &b : &a);
		if (c != PF_COUNT_OK) {
			count_error(err, r, c, line + t1, len - t1);
			goto out;
		}
		slen = rtrim(line, t1);
		if (columns == 0) {
			/* The first line decides: two counts make the whole
			 * file differential. */
			columns = 1;
			if (last_token(line, slen, &t2) == 0 && rtrim(line, t2) > 0 &&
			    pf_count_parse(line + t2, slen - t2, &b) == PF_COUNT_OK) {
				columns = 2;
				pf_count tmp = a;
				a = b;
				b = tmp;
			}
			if (columns == 2)
				slen = rtrim(line, t2);
			if (pf_profile_nstacks(p) == 0)
				pf_profile_set_columns(p, columns);
		} else if (columns == 2) {
			if (last_token(line, slen, &t2) != 0) {
				pf_err(err, pf_reader_name(r), pf_reader_lineno(r),
				    "expected two counts (the first line of this "
				    "differential profile had two)");
				goto out;
			}
			c = pf_count_parse(line + t2, slen - t2, &a);
			if (c != PF_COUNT_OK) {
				if (c == PF_COUNT_OVERFLOW)
					count_error(err, r, c, line + t2, slen - t2);
				else
					pf_err(err, pf_reader_name(r), pf_reader_lineno(r),
					    "expected two counts (the first line of this "
					    "differential profile had two)");
				goto out;
			}
			slen = rtrim(line, t2);
		}
		if (slen == 0) {
			pf_err(err, pf_reader_name(r), pf_reader_lineno(r), "empty stack");
			goto out;
		}
		n = 0;
		for (start = 0, i = 0; i <= slen; i++) {
			if (i < slen && line[i] != ';')
				continue;
			if (pf_grow(&ids, &cap, n + 1, sizeof(*ids)) != 0)
				goto nomem;
			ids[n] = pf_profile_intern(p, line + start, i - start);
			if (ids[n++] == UINT32_MAX)
				goto nomem;
			start = i + 1;
		}
		if (pf_profile_add(p, ids, n, a, b, err) != 0) {
			pf_err_name(err, pf_reader_name(r));
			err->line = pf_reader_lineno(r);
			goto out;
		}
	}
	rc = 0;
	goto out;
nomem:
	pf_err(err, pf_reader_name(r), pf_reader_lineno(r), "out of memory");
out:
	free(ids);
	return rc;
}

int
pf_folded_write(const struct pf_profile *p, FILE *out, struct pf_error *err)
{
	size_t *order = pf_profile_sorted(p), i, j, n, len, cap = 0, used;
	char *buf = NULL;
	int rc = -1;

	if (order == NULL)
		return pf_err(err, NULL, 0, "out of memory");
	for (i = 0; i < pf_profile_nstacks(p); i++) {
		pf_count a, b;
		const uint32_t *f = pf_profile_stack(p, order[i], &n, &a, &b);

		used = 0;
		for (j = 0; j < n; j++) {
			const char *name = pf_profile_frame(p, f[j], &len);

			if (pf_grow(&buf, &cap, used + len + 2 * PF_COUNT_BUFSIZE + 4, 1) != 0)
				goto nomem;
			if (j > 0)
				buf[used++] = ';';
			memcpy(buf + used, name, len);
			used += len;
		}
		if (pf_grow(&buf, &cap, used + 2 * PF_COUNT_BUFSIZE + 4, 1) != 0)
			goto nomem;
		buf[used++] = ' ';
		used += pf_count_format(a, buf + used);
		if (pf_profile_columns(p) == 2) {
			buf[used++] = ' ';
			used += pf_count_format(b, buf + used);
		}
		buf[used++] = '\n';
		if (fwrite(buf, 1, used, out) != used)
			goto werr;
	}
	if (fflush(out) != 0)
		goto werr;
	rc = 0;
	goto out;
werr:
	pf_err(err, NULL, 0, "write error: %s", strerror(errno));
	goto out;
nomem:
	pf_err(err, NULL, 0, "out of memory");
out:
	free(order);
	free(buf);
	return rc;
}
