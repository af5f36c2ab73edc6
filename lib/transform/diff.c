/*
 * diff.c - differential profiles: pairing two profiles stack by stack, as
 * FlameGraph's difffolded.pl does, and the summary table of pf-diff.
 */
#include <stdlib.h>

#include "transform.h"

/* Adds the stacks of src into d, in column col (1 or 2). */
static int
add_column(struct pf_profile *d, const struct pf_profile *src, int col,
    pf_count num, pf_count den, struct pf_error *err)
{
	struct pf_idmap m;
	size_t i, n;
	pf_count a;
	int rc = -1;

	if (pf_idmap_init(&m, src, d) != 0)
		return pf_nomem(err, NULL, 0);
	for (i = 0; i < pf_profile_nstacks(src); i++) {
		const uint32_t *f = pf_profile_stack(src, i, &n, &a, NULL);

		if (den != 0) {
			/* difffolded.pl: int(count * total2 / total1). */
			if (pf_count_muldiv_mode(a, num, den, PF_ROUND_DOWN, &a) != 0) {
				pf_err(err, NULL, 0, "count overflow while normalizing");
				goto out;
			}
			a -= a % PF_COUNT_ONE;
		}
		if (pf_idmap_add(&m, UINT32_MAX, f, n, col == 1 ? a : 0, col == 2 ? a : 0,
		    err) != 0)
			goto out;
	}
	rc = 0;
out:
	pf_idmap_release(&m);
	return rc;
}

struct pf_profile *
pf_diff_pair(const struct pf_profile *before, const struct pf_profile *after,
    int normalize, struct pf_error *err)
{
	struct pf_profile *d = pf_profile_new();
	pf_count t1 = 0, t2 = 0;

	if (d == NULL) {
		pf_nomem(err, NULL, 0);
		return NULL;
	}
	pf_profile_set_columns(d, 2);
	if (normalize && (pf_profile_total(before, 1, &t1, err) != 0 ||
	    pf_profile_total(after, 1, &t2, err) != 0))
		goto fail;
	/* Like difffolded.pl, only rescale when the totals differ. */
	if (t1 == t2)
		t1 = t2 = 0;
	if (add_column(d, before, 1, t2, t1, err) != 0 ||
	    add_column(d, after, 2, 0, 0, err) != 0)
		goto fail;
	return d;
fail:
	pf_profile_free(d);
	return NULL;
}

/* ------------------------------------------------------------- summary */

struct fn {
	uint32_t id;
	pf_count a, b;		/* before, after */
	pf_count mag;		/* |b - a| */
	int neg;		/* b < a */
	double pa, pb;		/* percent of each total */
};

static int
cmp_fn(const void *x, const void *y, void *arg)
{
	const struct pf_profile *sort_profile = arg;
	const struct fn *u = x, *v = y;
	const char *s, *t;
	size_t ls, lt, m;
	int c;

	if (u->mag != v->mag)
		return u->mag > v->mag ? -1 : 1;
	s = pf_profile_frame(sort_profile, u->id, &ls);
	t = pf_profile_frame(sort_profile, v->id, &lt);
	m = ls < lt ? ls : lt;
	if ((c = memcmp(s, t, m)) != 0)
		return c;
	return (ls > lt) - (ls < lt);
}

static double
pct(pf_count c, pf_count total)
{
	return total == 0 ? 0.0 : 100.0 * pf_count_to_double(c) / pf_count_to_double(total);
}

/* "+42", "-0.5" or "0". */
static void
signed_count(pf_count mag, int neg, char *buf)
{
	if (mag == 0) {
		strcpy(buf, "0");
		return;
	}
	buf[0] = neg ? '-' : '+';
	pf_count_format(mag, buf + 1);
}

static int
write_table(FILE *out, const struct pf_profile *d, struct fn *rows, size_t n,
    const char *what, const struct pf_summary_options *o, pf_count ta, pf_count tb)
{
	char b1[PF_COUNT_BUFSIZE], b2[PF_COUNT_BUFSIZE], b3[PF_COUNT_BUFSIZE + 1];
	size_t i, shown = 0, w1 = 6, w2 = 5, w3 = 5, len;
	int kept;

	(void)ta;
	(void)tb;
	qsort_r(rows, n, sizeof(*rows), cmp_fn, (void *)d);
	/* Keep the rows to show at the front, then size the columns. */
	for (i = 0; i < n && shown < o->top; i++) {
		kept = rows[i].mag != 0 && rows[i].mag >= o->min_delta;
		if (kept && o->min_delta_pct >= 0) {
			double dp = rows[i].pb - rows[i].pa;

			kept = (dp < 0 ? -dp : dp) >= o->min_delta_pct;
		}
		if (!kept)
			continue;
		rows[shown++] = rows[i];
	}
	for (i = 0; i < shown; i++) {
		if ((len = pf_count_format(rows[i].a, b1)) > w1)
			w1 = len;
		if ((len = pf_count_format(rows[i].b, b2)) > w2)
			w2 = len;
		signed_count(rows[i].mag, rows[i].neg, b3);
		if ((len = strlen(b3)) > w3)
			w3 = len;
	}
	fprintf(out, "\n%s counts, the %zu largest change%s:\n", what, shown,
	    shown == 1 ? "" : "s");
	if (shown == 0)
		return 0;
	fprintf(out, "  %*s  %*s  %*s  %8s  %8s  %8s  %s\n", (int)w1, "before",
	    (int)w2, "after", (int)w3, "change", "before%", "after%", "change%",
	    "function");
	for (i = 0; i < shown; i++) {
		const char *name;

		pf_count_format(rows[i].a, b1);
		pf_count_format(rows[i].b, b2);
		signed_count(rows[i].mag, rows[i].neg, b3);
		name = pf_profile_frame(d, rows[i].id, &len);
		fprintf(out, "  %*s  %*s  %*s  %7.2f%%  %7.2f%%  %+8.2f  %.*s\n",
		    (int)w1, b1, (int)w2, b2, (int)w3, b3, rows[i].pa, rows[i].pb,
		    rows[i].pb - rows[i].pa, (int)len, name);
	}
	return 0;
}

static void
fill_rows(struct fn *rows, const pf_count *a, const pf_count *b, size_t nf,
    pf_count ta, pf_count tb, size_t *n)
{
	size_t i, k = 0;

	for (i = 0; i < nf; i++) {
		if (a[i] == 0 && b[i] == 0)
			continue;
		rows[k].id = (uint32_t)i;
		rows[k].a = a[i];
		rows[k].b = b[i];
		rows[k].neg = b[i] < a[i];
		rows[k].mag = b[i] < a[i] ? a[i] - b[i] : b[i] - a[i];
		rows[k].pa = pct(a[i], ta);
		rows[k].pb = pct(b[i], tb);
		k++;
	}
	*n = k;
}

int
pf_diff_summary_write(const struct pf_profile *d,
    const struct pf_summary_options *o, FILE *out, struct pf_error *err)
{
	size_t nf = pf_profile_nframes(d), i, j, n, nrows;
	pf_count *sa = calloc(nf + 1, sizeof(*sa)), *sb = calloc(nf + 1, sizeof(*sb));
	pf_count *ia = calloc(nf + 1, sizeof(*ia)), *ib = calloc(nf + 1, sizeof(*ib));
	size_t *stamp = calloc(nf + 1, sizeof(*stamp));
	struct fn *rows = calloc(nf + 1, sizeof(*rows));
	char t1[PF_COUNT_BUFSIZE], t2[PF_COUNT_BUFSIZE], t3[PF_COUNT_BUFSIZE + 1];
	pf_count ta = 0, tb = 0, a, b;
	int rc = -1;

	if (sa == NULL || sb == NULL || ia == NULL || ib == NULL || stamp == NULL ||
	    rows == NULL) {
		pf_nomem(err, NULL, 0);
		goto out;
	}
	for (i = 0; i < pf_profile_nstacks(d); i++) {
		const uint32_t *f = pf_profile_stack(d, i, &n, &a, &b);

		if (pf_count_add(ta, a, &ta) != 0 || pf_count_add(tb, b, &tb) != 0)
			goto overflow;
		if (n == 0)
			continue;
		/* The sums below cannot overflow: each is at most a total. */
		sa[f[n - 1]] += a;
		sb[f[n - 1]] += b;
		for (j = 0; j < n; j++) {
			/* Once per stack, however deep the recursion. */
			if (stamp[f[j]] == i + 1)
				continue;
			stamp[f[j]] = i + 1;
			ia[f[j]] += a;
			ib[f[j]] += b;
		}
	}
	pf_count_format(ta, t1);
	pf_count_format(tb, t2);
	signed_count(ta > tb ? ta - tb : tb - ta, tb < ta, t3);
	fprintf(out, "total: %s -> %s (%s", t1, t2, t3);
	if (ta != 0)
		fprintf(out, ", %+.2f%%", 100.0 * (pf_count_to_double(tb) -
		    pf_count_to_double(ta)) / pf_count_to_double(ta));
	fprintf(out, ")\n");
	fill_rows(rows, sa, sb, nf, ta, tb, &nrows);
	write_table(out, d, rows, nrows, "self", o, ta, tb);
	fill_rows(rows, ia, ib, nf, ta, tb, &nrows);
	write_table(out, d, rows, nrows, "inclusive", o, ta, tb);
	if (fflush(out) != 0 || ferror(out)) {
		pf_errc(err, PF_ERR_IO, NULL, 0, 0, "write error");
		goto out;
	}
	rc = 0;
	goto out;
overflow:
	pf_err(err, NULL, 0, "count overflow: a total exceeds 2^64");
out:
	free(sa);
	free(sb);
	free(ia);
	free(ib);
	free(stamp);
	free(rows);
	return rc;
}
