/*
 * folded_fast.c - a folded reader for pf-merge and pf-diff.
 *
 * Profiles that are merged are often large and repetitive: the same stack
 * text comes back on many lines (one per thread, run or host).  This reader
 * keys its table on the whole stack text, so a line costs one hash and one
 * comparison, and each distinct stack is split into frames and interned
 * once, at the end.  It accepts exactly what pf_folded_read accepts and
 * reports the same errors; in lenient mode malformed lines are counted and
 * skipped instead.
 */
#include <stdlib.h>

#include "internal.h"

#define TEXT_SEED 0x7f4a7c159e3779b9ULL

struct sums {
	pf_count a, b;
	const char *text;	/* in the map's arena */
	uint32_t len;
};

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

/*
 * Parses one line into its stack length and counts.  Returns 0, or -1 with
 * msg set when the line is malformed, or -2 with msg set on a count that is
 * too large (never skipped).
 */
static int
parse_line(const char *line, size_t len, int *columns, size_t *slenp,
    pf_count *ap, pf_count *bp, char *msg, size_t msgsize)
{
	size_t t1, t2, slen;
	pf_count a = 0, b = 0;
	int c;

	if (memchr(line, '\0', len) != NULL) {
		snprintf(msg, msgsize, "NUL byte in line (binary input?)");
		return -1;
	}
	if ((t1 = last_token(line, len)) == 0) {
		snprintf(msg, msgsize, "no sample count at the end of the line");
		return -1;
	}
	c = pf_count_parse(line + t1, len - t1, *columns == 2 ? &b : &a);
	if (c == PF_COUNT_OVERFLOW) {
		snprintf(msg, msgsize, "count '%.*s' is too large (more than 2^64)",
		    (int)(len - t1 > 40 ? 40 : len - t1), line + t1);
		return -2;
	}
	if (c != PF_COUNT_OK) {
		snprintf(msg, msgsize, "no sample count at the end of the line");
		return -1;
	}
	slen = rtrim(line, t1);
	if (*columns == 0) {
		/* The first line decides, as in pf_folded_read. */
		int cols = 1;

		if ((t2 = last_token(line, slen)) > 0 && rtrim(line, t2) > 0 &&
		    pf_count_parse(line + t2, slen - t2, &b) == PF_COUNT_OK) {
			pf_count tmp = a;

			a = b;
			b = tmp;
			cols = 2;
			slen = rtrim(line, t2);
		}
		if (slen == 0) {
			snprintf(msg, msgsize, "empty stack");
			return -1;
		}
		*columns = cols;
	} else if (*columns == 2) {
		const char *two = "expected two counts (the first line of this "
		    "differential profile had two)";

		if ((t2 = last_token(line, slen)) == 0) {
			snprintf(msg, msgsize, "%s", two);
			return -1;
		}
		c = pf_count_parse(line + t2, slen - t2, &a);
		if (c == PF_COUNT_OVERFLOW) {
			snprintf(msg, msgsize, "count '%.*s' is too large (more than 2^64)",
			    (int)(slen - t2 > 40 ? 40 : slen - t2), line + t2);
			return -2;
		}
		if (c != PF_COUNT_OK) {
			snprintf(msg, msgsize, "%s", two);
			return -1;
		}
		slen = rtrim(line, t2);
	}
	if (slen == 0) {
		snprintf(msg, msgsize, "empty stack");
		return -1;
	}
	*slenp = slen;
	*ap = a;
	*bp = b;
	return 0;
}

/* Splits every distinct stack text into frames and adds it to p. */
static int
flush(struct pf_profile *p, const struct sums *s, size_t n, const char *name,
    struct pf_error *err)
{
	uint32_t *ids = NULL;
	size_t cap = 0, i, j, start, k;
	int rc = -1;

	for (i = 0; i < n; i++) {
		const char *t = s[i].text;

		k = 0;
		for (start = 0, j = 0; j <= s[i].len; j++) {
			if (j < s[i].len && t[j] != ';')
				continue;
			if (pf_grow(&ids, &cap, k + 1, sizeof(*ids)) != 0)
				goto nomem;
			ids[k] = pf_profile_intern(p, t + start, j - start);
			if (ids[k++] == UINT32_MAX)
				goto nomem;
			start = j + 1;
		}
		if (pf_profile_add(p, ids, k, s[i].a, s[i].b, err) != 0) {
			pf_err_name(err, name);
			goto out;
		}
	}
	rc = 0;
	goto out;
nomem:
	pf_err(err, name, 0, "out of memory");
out:
	free(ids);
	return rc;
}

int
pf_folded_read_opts(struct pf_profile *p, struct pf_reader *r,
    const struct pf_folded_options *o, struct pf_folded_stats *st,
    struct pf_error *err)
{
	struct pf_folded_stats local;
	struct pf_strmap map;
	struct sums *sums = NULL;
	size_t nsums = 0, cap = 0;
	int columns = 0, rc = -1, lenient = o != NULL && o->lenient, k;
	const char *line;
	size_t len;
	char msg[160];

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (pf_strmap_init(&map, 1024) != 0)
		return pf_err(err, pf_reader_name(r), 0, "out of memory");
	for (;;) {
		struct pf_strmap_slot *slot;
		size_t slen;
		pf_count a, b;
		int nomem = 0;

		k = pf_reader_line(r, &line, &len, err);
		if (k == PF_LINE_EOF)
			break;
		if (k == PF_LINE_ERROR)
			goto out;
		st->lines++;
		if (k == PF_LINE_TOOLONG) {
			snprintf(msg, sizeof(msg), "line longer than %u bytes", PF_LINE_MAX);
			k = -1;
		} else {
			len = rtrim(line, len);
			if (len == 0)
				continue;
			k = parse_line(line, len, &columns, &slen, &a, &b, msg, sizeof(msg));
		}
		if (k != 0) {
			if (k == -2 || !lenient) {
				pf_err(err, pf_reader_name(r), pf_reader_lineno(r), "%s", msg);
				goto out;
			}
			if (st->skipped++ == 0) {
				st->first_skipped = pf_reader_lineno(r);
				snprintf(st->first_reason, sizeof(st->first_reason), "%s", msg);
			}
			continue;
		}
		slot = pf_strmap_find(&map, line, slen,
		    pf_hash_bytes(line, slen, TEXT_SEED), 1, &nomem);
		if (slot == NULL)
			goto nomem;
		if (slot->value == UINT32_MAX) {
			if (pf_grow(&sums, &cap, nsums + 1, sizeof(*sums)) != 0)
				goto nomem;
			sums[nsums].a = sums[nsums].b = 0;
			sums[nsums].text = slot->key;
			sums[nsums].len = slot->len;
			slot->value = (uint32_t)nsums++;
		}
		if (pf_count_add(sums[slot->value].a, a, &sums[slot->value].a) != 0 ||
		    pf_count_add(sums[slot->value].b, b, &sums[slot->value].b) != 0) {
			pf_err(err, pf_reader_name(r), pf_reader_lineno(r),
			    "count overflow: a stack's total exceeds 2^64");
			goto out;
		}
	}
	if (columns != 0 && pf_profile_nstacks(p) == 0)
		pf_profile_set_columns(p, columns);
	rc = flush(p, sums, nsums, pf_reader_name(r), err);
	goto out;
nomem:
	pf_err(err, pf_reader_name(r), pf_reader_lineno(r), "out of memory");
out:
	free(sums);
	pf_strmap_release(&map);
	return rc;
}
