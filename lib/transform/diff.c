/*
 * diff.c - differential profiles: pairing two profiles stack by stack, as
 * FlameGraph's difffolded.pl does, or the means of several runs a side, and
 * how much the two sides have in common.  The summary is in summary.c.
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

/* The mean of n runs in a new profile (a copy of the one run when n = 1). */
static struct pf_profile *
mean_of(const struct pf_profile *const *runs, size_t n, struct pf_error *err)
{
	struct pf_profile *m = pf_profile_new();
	size_t i;

	if (m == NULL) {
		pf_nomem(err, NULL, 0);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (pf_profile_merge(m, runs[i], err) != 0)
			goto fail;
	if (n > 1 && pf_transform_rescale(&m, 1, (pf_count)n, err) != 0)
		goto fail;
	return m;
fail:
	pf_profile_free(m);
	return NULL;
}

struct pf_profile *
pf_diff_pair_runs(const struct pf_profile *const *before, size_t nb,
    const struct pf_profile *const *after, size_t na, int normalize,
    struct pf_error *err)
{
	struct pf_profile *mb = NULL, *ma = NULL, *d = NULL;

	if (nb == 1 && na == 1)
		return pf_diff_pair(before[0], after[0], normalize, err);
	if ((mb = mean_of(before, nb, err)) != NULL &&
	    (ma = mean_of(after, na, err)) != NULL)
		d = pf_diff_pair(mb, ma, normalize, err);
	pf_profile_free(mb);
	pf_profile_free(ma);
	return d;
}

/* The root frame carrying most of w[], lowest id on a tie; UINT32_MAX when
 * every root weighs nothing. */
static uint32_t
heaviest(const pf_count *w, size_t n)
{
	uint32_t best = UINT32_MAX;
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] != 0 && (best == UINT32_MAX || w[i] > w[best]))
			best = (uint32_t)i;
	return best;
}

int
pf_diff_overlap(const struct pf_profile *d, struct pf_diff_overlap *ov,
    struct pf_error *err)
{
	size_t nf = pf_profile_nframes(d), i, n;
	pf_count *ra = calloc(nf + 1, sizeof(*ra)), *rb = calloc(nf + 1, sizeof(*rb));
	pf_count ta = 0, tb = 0, sa = 0, sb = 0, a, b;
	int rc = -1;

	if (ra == NULL || rb == NULL) {
		pf_nomem(err, NULL, 0);
		goto out;
	}
	for (i = 0; i < pf_profile_nstacks(d); i++) {
		const uint32_t *f = pf_profile_stack(d, i, &n, &a, &b);

		/* Each sum is at most a column's total, checked first. */
		if (pf_count_add(ta, a, &ta) != 0 || pf_count_add(tb, b, &tb) != 0) {
			pf_err(err, NULL, 0, "count overflow: a total exceeds 2^64");
			goto out;
		}
		if (a != 0 && b != 0) {
			sa += a;
			sb += b;
		}
		if (n > 0) {
			ra[f[0]] += a;
			rb[f[0]] += b;
		}
	}
	ov->before = ta == 0 ? 1.0 : pf_count_to_double(sa) / pf_count_to_double(ta);
	ov->after = tb == 0 ? 1.0 : pf_count_to_double(sb) / pf_count_to_double(tb);
	ov->root_before = heaviest(ra, nf);
	ov->root_after = heaviest(rb, nf);
	rc = 0;
out:
	free(ra);
	free(rb);
	return rc;
}
