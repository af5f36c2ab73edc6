/*
 * folded.c - reading and writing the folded stack format (pf-folded(5)).
 *
 * Folded files that are worth reading fast (the inputs of pf-merge and
 * pf-diff) repeat their stacks: one line per thread, run or host.  So the
 * reader keys a table on the stack's text: a line costs one hash and one
 * comparison, and a stack is split into frames and interned only the first
 * time its text is seen.  The table maps the text to the stack's index in
 * the profile, so later lines add their counts there directly.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

#define TEXT_SEED 0x7f4a7c159e3779b9ULL

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

enum { LINE_OK = 0, LINE_BAD = -1, LINE_FATAL = -2 };

static int
too_large(const char *s, size_t n, char *msg, size_t msgsize)
{
	snprintf(msg, msgsize, "count '%.*s' is too large (more than 2^64)",
	    (int)(n > 40 ? 40 : n), s);
	return LINE_FATAL;
}

/*
 * Parses one line (trimmed, not blank) into the length of its stack text and
 * its counts.  *columns is 0 until the first line decides between one and
 * two counts.  Returns LINE_OK; LINE_BAD with msg set when the line is
 * malformed; LINE_FATAL with msg set on a count too large, which even the
 * lenient mode does not skip (the sum would be wrong, not just smaller).
 */
static int
parse_line(const char *line, size_t len, int *columns, size_t *slenp,
    pf_count *ap, pf_count *bp, char *msg, size_t msgsize)
{
	static const char two[] = "expected two counts (the first line of this "
	    "differential profile had two)";
	size_t t1, t2, slen;
	pf_count a = 0, b = 0, tmp;
	int c;

	if (memchr(line, '\0', len) != NULL) {
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

/*
 * Splits a stack text into frames, interns them and adds the stack to p;
 * its index in *idx.  ids is a scratch array the caller keeps.
 */
static int
add_text(struct pf_profile *p, const char *t, size_t len, pf_count a,
    pf_count b, uint32_t **ids, size_t *cap, uint32_t *idx, struct pf_error *err)
{
	const char *end = t + len, *semi;
	size_t n = 0;

	for (;;) {
		semi = memchr(t, ';', (size_t)(end - t));
		if (semi == NULL)
			semi = end;
		if (n == *cap && pf_grow(ids, cap, n + 1, sizeof(**ids)) != 0)
			return pf_err(err, NULL, 0, "out of memory");
		if (((*ids)[n++] = pf_profile_intern(p, t, (size_t)(semi - t))) == UINT32_MAX)
			return pf_err(err, NULL, 0, "out of memory");
		if (semi == end)
			break;
		t = semi + 1;
	}
	return pf_profile_add_index(p, *ids, n, a, b, idx, err);
}

int
pf_folded_read_opts(struct pf_profile *p, struct pf_reader *r,
    const struct pf_folded_options *o, struct pf_folded_stats *st,
    struct pf_error *err)
{
	struct pf_folded_stats local;
	struct pf_strmap map;
	struct pf_strmap_slot *slot;
	uint32_t *ids = NULL, idx;
	size_t cap = 0, len, slen;
	int columns = 0, rc = -1, lenient = o != NULL && o->lenient, k, nomem;
	const char *line;
	pf_count a, b;
	char msg[160];

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (pf_strmap_init(&map, 1024) != 0)
		return pf_err(err, pf_reader_name(r), 0, "out of memory");
	while ((k = pf_reader_line(r, &line, &len, err)) != PF_LINE_EOF) {
		if (k == PF_LINE_ERROR)
			goto out;
		st->lines++;
		if (k == PF_LINE_TOOLONG) {
			snprintf(msg, sizeof(msg), "line longer than %u bytes", PF_LINE_MAX);
			k = LINE_BAD;
		} else {
			if ((len = rtrim(line, len)) == 0)
				continue;
			k = parse_line(line, len, &columns, &slen, &a, &b, msg, sizeof(msg));
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
		if (pf_profile_nstacks(p) == 0)
			pf_profile_set_columns(p, columns);
		nomem = 0;
		slot = pf_strmap_find(&map, line, slen,
		    pf_hash_bytes(line, slen, TEXT_SEED), 1, &nomem);
		if (slot == NULL) {
			pf_err(err, NULL, 0, "out of memory");
			goto lerr;
		}
		if (slot->value != UINT32_MAX) {
			if (pf_profile_add_at(p, slot->value, a, b, err) != 0)
				goto lerr;
			continue;
		}
		if (add_text(p, slot->key, slen, a, b, &ids, &cap, &idx, err) != 0)
			goto lerr;
		slot->value = idx;
	}
	rc = 0;
	goto out;
lerr:
	if (err != NULL) {
		pf_err_name(err, pf_reader_name(r));
		err->line = pf_reader_lineno(r);
	}
out:
	free(ids);
	pf_strmap_release(&map);
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
