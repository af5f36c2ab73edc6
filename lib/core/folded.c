/*
 * folded.c - reading and writing the folded stack format (pf-folded(5)).
 *
 * Folded input is usually sorted (every tool that writes it sorts), so a
 * line shares most of its frames with the line before: "a;b;c 5" is
 * followed by "a;b;c;d 2" or "a;b;e 1".  The reader keeps the previous
 * stack's text, frame ids and frame ends, finds how long a prefix the new
 * line shares with it, and interns only the frames after that prefix.  On
 * unsorted input it does no worse than splitting every line.  It keeps no
 * other state, so memory grows only with the profile, that is with the
 * distinct stacks and frames.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

static size_t
rtrim(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* Start of the token after the last space or tab of s[0..n-1]; 0 if none. */
static size_t
last_token(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && s[i - 1] != ' ' && s[i - 1] != '\t')
		i--;
	return i;
}

/* The length of the longest common prefix of x[0..n-1] and y[0..n-1],
 * eight bytes at a time. */
static size_t
common_prefix(const char *x, const char *y, size_t n)
{
	size_t i = 0;
	uint64_t u, v;

	for (; i + 8 <= n; i += 8) {
		memcpy(&u, x + i, 8);
		memcpy(&v, y + i, 8);
		if (u != v) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return i + (size_t)__builtin_ctzll(u ^ v) / 8;
#else
			break;
#endif
		}
	}
	while (i < n && x[i] == y[i])
		i++;
	return i;
}

enum { LINE_OK = PF_FOLDED_LINE_OK, LINE_BAD = PF_FOLDED_LINE_BAD,
    LINE_FATAL = PF_FOLDED_LINE_FATAL };

static int
too_large(const char *s, size_t n, char *msg, size_t msgsize)
{
	snprintf(msg, msgsize, "count '%.*s' is too large (more than 2^64)",
	    (int)(n > 40 ? 40 : n), s);
	return LINE_FATAL;
}

/*
 * Parses one line (trimmed, not blank; its first clean bytes known to hold
 * no NUL) into the length of its stack text and
 * its counts.  *columns is 0 until the first line decides between one and
 * two counts.  Returns LINE_OK; LINE_BAD with msg set when the line is
 * malformed; LINE_FATAL with msg set on a count too large, which even the
 * lenient mode does not skip (the sum would be wrong, not just smaller).
 */
int
pf_folded_parse_line(const char *line, size_t len, size_t clean, int *columns,
    size_t *slenp, pf_count *ap, pf_count *bp, char *msg, size_t msgsize)
{
	static const char two[] = "expected two counts (the first line of this "
	    "differential profile had two)";
	size_t t1, t2, slen;
	pf_count a = 0, b = 0, tmp;
	int c;

	if (memchr(line + clean, '\0', len - clean) != NULL) {
		snprintf(msg, msgsize, "NUL byte in line (binary input?)");
		return LINE_BAD;
	}
	if ((t1 = last_token(line, len)) == 0) {
		snprintf(msg, msgsize, "no sample count at the end of the line");
		return LINE_BAD;
	}
	c = pf_count_parse(line + t1, len - t1, *columns == 2 ? &b : &a);
	if (c == PF_COUNT_OVERFLOW)
		return too_large(line + t1, len - t1, msg, msgsize);
	if (c != PF_COUNT_OK) {
		snprintf(msg, msgsize, "no sample count at the end of the line");
		return LINE_BAD;
	}
	slen = rtrim(line, t1);
	if (*columns == 0) {
		/* The first line decides: two counts make the whole input
		 * differential.  Its columns are taken only if it is good. */
		c = 1;
		if ((t2 = last_token(line, slen)) > 0 && rtrim(line, t2) > 0 &&
		    pf_count_parse(line + t2, slen - t2, &b) == PF_COUNT_OK) {
			tmp = a;
			a = b;
			b = tmp;
			c = 2;
			slen = rtrim(line, t2);
		}
		if (slen > 0)
			*columns = c;
	} else if (*columns == 2) {
		if ((t2 = last_token(line, slen)) == 0) {
			snprintf(msg, msgsize, "%s", two);
			return LINE_BAD;
		}
		c = pf_count_parse(line + t2, slen - t2, &a);
		if (c == PF_COUNT_OVERFLOW)
			return too_large(line + t2, slen - t2, msg, msgsize);
		if (c != PF_COUNT_OK) {
			snprintf(msg, msgsize, "%s", two);
			return LINE_BAD;
		}
		slen = rtrim(line, t2);
	}
	if (slen == 0) {
		snprintf(msg, msgsize, "empty stack");
		return LINE_BAD;
	}
	*slenp = slen;
	*ap = a;
	*bp = b;
	return LINE_OK;
}

/* The previous good line's stack: its text, and per frame its id and the
 * offset just past its name in the text. */
struct prev {
	char *text;
	size_t len, cap;
	uint32_t *ids;
	size_t *ends;
	size_t n, fcap;
};

/*
 * Splits the stack text t[0..len-1], of which the first lcp bytes are the
 * same as the previous stack's, into frame ids (reusing the previous ids
 * for the shared frames) and makes it the previous stack.
 */
static int
split(struct pf_profile *p, struct prev *pv, const char *t, size_t len,
    size_t lcp)
{
	const char *semi;
	size_t k = 0, start, cap;

	/* Frame k of the previous stack is frame k here if its name lies in
	 * the shared prefix and a frame ends at the same place here too. */
	while (k < pv->n && pv->ends[k] <= lcp &&
	    (pv->ends[k] == len || t[pv->ends[k]] == ';'))
		k++;
	start = k == 0 ? 0 : pv->ends[k - 1] + 1;
	if (k > 0 && pv->ends[k - 1] == len)
		start = len + 1;	/* all frames shared */
	while (start <= len) {
		semi = memchr(t + start, ';', len - start);
		if (k == pv->fcap) {
			cap = pv->fcap;
			if (pf_grow(&pv->ids, &cap, k + 1, sizeof(*pv->ids)) != 0 ||
			    pf_grow(&pv->ends, &pv->fcap, k + 1, sizeof(*pv->ends)) != 0)
				return -1;
		}
		pv->ends[k] = semi != NULL ? (size_t)(semi - t) : len;
		pv->ids[k] = pf_profile_intern(p, t + start, pv->ends[k] - start);
		if (pv->ids[k++] == UINT32_MAX)
			return -1;
		start = pv->ends[k - 1] + 1;
	}
	pv->n = k;
	if (pf_grow(&pv->text, &pv->cap, len, 1) != 0)
		return -1;
	memcpy(pv->text + lcp, t + lcp, len - lcp);
	pv->len = len;
	return 0;
}

int
pf_folded_read_opts(struct pf_profile *p, struct pf_reader *r,
    const struct pf_folded_options *o, struct pf_folded_stats *st,
    struct pf_error *err)
{
	struct pf_folded_stats local;
	struct prev pv;
	size_t len, slen, lcp;
	int columns = 0, rc = -1, lenient = o != NULL && o->lenient, k;
	int comments = o != NULL && o->comments;
	const char *line;
	pf_count a, b;
	char msg[160];

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	memset(&pv, 0, sizeof(pv));
	while ((k = pf_reader_line(r, &line, &len, err)) != PF_LINE_EOF) {
		if (k == PF_LINE_ERROR)
			goto out;
		st->lines++;
		lcp = 0;
		if (k == PF_LINE_TOOLONG) {
			snprintf(msg, sizeof(msg), "line longer than %u bytes", PF_LINE_MAX);
			k = LINE_BAD;
		} else {
			if ((len = rtrim(line, len)) == 0)
				continue;
			if (comments && line[0] == '#') {
				st->comments++;
				continue;
			}
			/* The shared prefix has no NUL byte: the previous
			 * stack was checked. */
			lcp = common_prefix(line, pv.text, len < pv.len ? len : pv.len);
			k = pf_folded_parse_line(line, len, lcp, &columns, &slen, &a, &b, msg,
			    sizeof(msg));
		}
		if (k != LINE_OK) {
			if (k == LINE_FATAL || !lenient) {
				pf_err(err, pf_reader_name(r), pf_reader_lineno(r), "%s", msg);
				goto out;
			}
			if (st->skipped++ == 0) {
				st->first_skipped = pf_reader_lineno(r);
				snprintf(st->first_reason, sizeof(st->first_reason), "%s", msg);
			}
			continue;
		}
		/* A profile with stacks already stays as it is, unless this
		 * input is differential: then the earlier stacks have 0 in
		 * the second column, as when profiles are merged. */
		if (pf_profile_nstacks(p) == 0 || columns == 2)
			pf_profile_set_columns(p, columns);
		if (split(p, &pv, line, slen, lcp < slen ? lcp : slen) != 0) {
			pf_nomem(err, NULL, 0);
			goto lerr;
		}
		if (pf_profile_add(p, pv.ids, pv.n, a, b, err) != 0)
			goto lerr;
		st->stacks++;
	}
	rc = 0;
	goto out;
lerr:
	if (err != NULL) {
		pf_err_name(err, pf_reader_name(r));
		err->line = pf_reader_lineno(r);
	}
out:
	free(pv.text);
	free(pv.ids);
	free(pv.ends);
	return rc;
}

int
pf_folded_read(struct pf_profile *p, struct pf_reader *r, struct pf_error *err)
{
	return pf_folded_read_opts(p, r, NULL, NULL, err);
}

int
pf_folded_write(const struct pf_profile *p, FILE *out, struct pf_error *err)
{
	size_t *order = pf_profile_sorted(p), i, j, n, len, cap = 0, used;
	char *buf = NULL;
	int rc = -1;

	if (order == NULL)
		return pf_nomem(err, NULL, 0);
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
	pf_errc(err, PF_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
	goto out;
nomem:
	pf_nomem(err, NULL, 0);
out:
	free(order);
	free(buf);
	return rc;
}
