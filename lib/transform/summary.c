/*
 * summary.c - what changed between the two columns of a differential
 * profile: pf-diff's tables of the functions that changed most, the stacks
 * that appeared and disappeared, the run-to-run noise when a side has
 * several runs, and the --fail-on gate.  summary-write.c writes them.
 *
 * Shares are computed run by run (a function's count over its run's total)
 * and averaged, so runs of different lengths weigh the same; counts are
 * those of the paired profile (the means of the runs, normalized with -n).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include "summary.h"

/* ---------------------------------------------------------------- counting */

/*
 * Self and inclusive counts of every frame of p in column col (arrays of
 * pf_profile_nframes(p) + 1 zeroes, stamp too), and the column's total.
 */
static int
fn_counts(const struct pf_profile *p, int col, pf_count *self, pf_count *incl,
    size_t *stamp, pf_count *total, struct pf_error *err)
{
	size_t i, j, n;
	pf_count a, b, c, t = 0;

	for (i = 0; i < pf_profile_nstacks(p); i++) {
		const uint32_t *f = pf_profile_stack(p, i, &n, &a, &b);

		c = col == 2 ? b : a;
		if (pf_count_add(t, c, &t) != 0)
			return pf_err(err, NULL, 0, "count overflow: a total exceeds 2^64");
		if (n == 0 || c == 0)
			continue;
		/* The sums below cannot overflow: each is at most the total. */
		self[f[n - 1]] += c;
		for (j = 0; j < n; j++) {
			/* Once per stack, however deep the recursion. */
			if (stamp[f[j]] == i + 1)
				continue;
			stamp[f[j]] = i + 1;
			incl[f[j]] += c;
		}
	}
	*total = t;
	return 0;
}

static void
acc_add(struct acc *x, pf_count c, pf_count total, double k)
{
	double v = pf_count_to_double(c) * k;
	double sh = total == 0 ? 0.0 : 100.0 * pf_count_to_double(c) /
	    pf_count_to_double(total);

	x->s += sh;
	x->q += sh * sh;
	x->c += v;
	x->cq += v * v;
}

/*
 * Adds run p (its column col) to the sums acc[SELF] and acc[INCL] of one
 * side, indexed by the frames of d; k scales its counts to d's.
 */
static int
add_run(const struct pf_profile *d, const struct pf_profile *p, int col,
    double k, struct acc *acc[2], struct pf_error *err)
{
	size_t nf = pf_profile_nframes(p), i, len;
	pf_count *self = calloc(nf + 1, sizeof(*self)), *incl = calloc(nf + 1, sizeof(*incl));
	size_t *stamp = calloc(nf + 1, sizeof(*stamp));
	pf_count total;
	uint32_t j;
	int rc = -1;

	if (self == NULL || incl == NULL || stamp == NULL) {
		pf_nomem(err, NULL, 0);
		goto out;
	}
	if (fn_counts(p, col, self, incl, stamp, &total, err) != 0)
		goto out;
	for (i = 0; i < nf; i++) {
		if (self[i] == 0 && incl[i] == 0)
			continue;
		if (p == d)
			j = (uint32_t)i;
		else {
			const char *name = pf_profile_frame(p, (uint32_t)i, &len);

			if ((j = pf_profile_lookup(d, name, len)) == UINT32_MAX) {
				pf_err(err, NULL, 0, "a run's frame '%.*s' is not in the "
				    "paired profile", (int)(len > 80 ? 80 : len), name);
				goto out;
			}
		}
		acc_add(&acc[SELF][j], self[i], total, k);
		acc_add(&acc[INCL][j], incl[i], total, k);
	}
	rc = 0;
out:
	free(self);
	free(incl);
	free(stamp);
	return rc;
}

/* The sample variance of n values from their sums, or -1 below two. */
static double
variance(double s, double q, size_t n)
{
	double v;

	if (n < 2)
		return -1.0;
	v = (q - s * s / (double)n) / (double)(n - 1);
	return v > 0 ? v : 0.0;
}

/*
 * The standard error of the difference of two means (Welch's), from each
 * side's sample variance; a side with one run borrows the other's.
 */
static double
spread(double vb, size_t nb, double va, size_t na)
{
	if (vb >= 0 && va >= 0)
		return sqrt(vb / (double)nb + va / (double)na);
	if (vb >= 0)
		return sqrt(vb * (1.0 / (double)nb + 1.0 / (double)na));
	if (va >= 0)
		return sqrt(va * (1.0 / (double)nb + 1.0 / (double)na));
	return -1.0;
}

/* ------------------------------------------------------------------ ranking */

static int
cmp_row(const void *x, const void *y, void *arg)
{
	const struct pf_profile *d = arg;
	const struct row *u = x, *v = y;
	const char *s, *t;
	size_t ls, lt, m;
	int c;

	if (u->mag != v->mag)
		return u->mag > v->mag ? -1 : 1;
	s = pf_profile_frame(d, u->id, &ls);
	t = pf_profile_frame(d, v->id, &lt);
	m = ls < lt ? ls : lt;
	if ((c = memcmp(s, t, m)) != 0)
		return c;
	return (ls > lt) - (ls < lt);
}

static int
cmp_stk(const void *x, const void *y)
{
	const struct stk *u = x, *v = y;

	if (u->c != v->c)
		return u->c > v->c ? -1 : 1;
	return (u->rank > v->rank) - (u->rank < v->rank);
}

/* Whether a change of mag (neg), pts points, passes the --min-delta filters. */
static int
big_enough(const struct pf_summary_options *o, pf_count mag, double pts)
{
	if (mag == 0 || mag < o->min_delta)
		return 0;
	return o->min_delta_pct < 0 || fabs(pts) >= o->min_delta_pct;
}

/* -------------------------------------------------------------------- gate */

/* Compares signed counts (neg, mag): <0, 0 or >0. */
static int
cmp_signed(int n1, pf_count m1, int n2, pf_count m2)
{
	if (m1 == 0)
		n1 = 0;
	if (m2 == 0)
		n2 = 0;
	if (n1 != n2)
		return n1 ? -1 : 1;
	if (m1 == m2)
		return 0;
	return (m1 > m2) == !n1 ? 1 : -1;
}

static int
trips(const struct pf_gate_rule *r, const struct row *w, double noise)
{
	double pts = w->pb - w->pa, eps;
	int c;

	if (r->share) {
		if (w->spread >= 0 && fabs(pts) <= noise * w->spread)
			return 0;
		/* Shares are sums of doubles: ignore the last bits. */
		eps = 1e-9 * (fabs(r->points) > 1 ? fabs(r->points) : 1);
		return r->below ? pts < r->points - eps : pts > r->points + eps;
	}
	if (w->cspread >= 0 && fabs(pf_count_to_double(w->mag)) <= noise * w->cspread)
		return 0;
	c = cmp_signed(w->neg, w->mag, r->count_neg, r->count);
	return r->below ? c < 0 : c > 0;
}

int
pf_gate_rule_parse(const char *s, struct pf_gate_rule *r, struct pf_error *err)
{
	const char *p = s, *num;
	char buf[64], *end;
	size_t n;

	memset(r, 0, sizeof(*r));
	snprintf(r->text, sizeof(r->text), "%s", s);
	while (*p == ' ')
		p++;
	if (strncmp(p, "self", 4) == 0)
		p += 4;
	else if (strncmp(p, "total", 5) == 0)
		p += 5, r->inclusive = 1;
	else if (strncmp(p, "inclusive", 9) == 0)
		p += 9, r->inclusive = 1;
	else
		goto bad;
	while (*p == ' ')
		p++;
	if (*p != '<' && *p != '>')
		goto bad;
	r->below = *p++ == '<';
	while (*p == ' ')
		p++;
	num = p;
	n = strlen(num);
	while (n > 0 && num[n - 1] == ' ')
		n--;
	if (n > 0 && num[n - 1] == '%') {
		r->share = 1;
		n--;
	}
	if (n == 0 || n >= sizeof(buf))
		goto bad;
	memcpy(buf, num, n);
	buf[n] = '\0';
	if (r->share) {
		errno = 0;
		r->points = strtod(buf, &end);
		if (errno != 0 || *end != '\0' || !isfinite(r->points) ||
		    strspn(buf, "+-0123456789.") != n || fabs(r->points) > 100)
			goto bad;
		return 0;
	}
	end = buf;
	if (*end == '+' || *end == '-')
		r->count_neg = *end++ == '-';
	if (pf_count_parse(end, strlen(end), &r->count) != PF_COUNT_OK)
		goto bad;
	return 0;
bad:
	return pf_err(err, NULL, 0, "invalid rule '%s': expected self or total, > or <, "
	    "and a count or a share like self>2%% or total>500", s);
}

/* -------------------------------------------------------------------- build */

void
pf_summary_free(struct pf_summary *s)
{
	if (s == NULL)
		return;
	free(s->rows[SELF]);
	free(s->rows[INCL]);
	free(s->stk[0]);
	free(s->stk[1]);
	free(s->trips);
	free(s);
}

/* Adds the runs of one side (or column col of d when n = 0) to acc. */
static int
add_side(struct pf_summary *s, const struct pf_profile *const *runs, size_t n,
    int col, pf_count dtotal, struct acc *acc[2], struct pf_error *err)
{
	double mean = 0, k;
	pf_count t;
	size_t i;

	if (n == 0)
		return add_run(s->d, s->d, col, 1.0, acc, err);
	for (i = 0; i < n; i++) {
		if (pf_profile_total(runs[i], 1, &t, err) != 0)
			return -1;
		mean += pf_count_to_double(t) / (double)n;
	}
	/* The runs' counts in d's units: 1 unless -n rescaled the side. */
	k = mean > 0 ? pf_count_to_double(dtotal) / mean : 1.0;
	for (i = 0; i < n; i++)
		if (add_run(s->d, runs[i], 1, k, acc, err) != 0)
			return -1;
	return 0;
}

static int
make_rows(struct pf_summary *s, int kind, const pf_count *ca, const pf_count *cb,
    struct acc *bacc, struct acc *aacc)
{
	size_t nf = pf_profile_nframes(s->d), i, k = 0;
	size_t nb = s->nb ? s->nb : 1, na = s->na ? s->na : 1;
	struct row *w;

	if ((s->rows[kind] = calloc(nf + 1, sizeof(struct row))) == NULL)
		return -1;
	for (i = 0; i < nf; i++) {
		if (ca[i] == 0 && cb[i] == 0 && bacc[i].s == 0 && aacc[i].s == 0)
			continue;
		w = &s->rows[kind][k++];
		w->id = (uint32_t)i;
		w->a = ca[i];
		w->b = cb[i];
		w->neg = cb[i] < ca[i];
		w->mag = w->neg ? ca[i] - cb[i] : cb[i] - ca[i];
		w->pa = bacc[i].s / (double)nb;
		w->pb = aacc[i].s / (double)na;
		w->spread = spread(variance(bacc[i].s, bacc[i].q, nb), nb,
		    variance(aacc[i].s, aacc[i].q, na), na);
		w->cspread = spread(variance(bacc[i].c, bacc[i].cq, nb), nb,
		    variance(aacc[i].c, aacc[i].cq, na), na);
		w->real = w->spread < 0 || fabs(w->pb - w->pa) > s->o.noise * w->spread;
	}
	s->nrows[kind] = k;
	qsort_r(s->rows[kind], k, sizeof(struct row), cmp_row, (void *)s->d);
	for (i = 0; i < k && s->nshown[kind] < s->o.top; i++) {
		w = &s->rows[kind][i];
		if (big_enough(&s->o, w->mag, w->pb - w->pa)) {
			w->shown = 1;
			s->nshown[kind]++;
		}
	}
	return 0;
}

static int
make_stacks(struct pf_summary *s)
{
	size_t ns = pf_profile_nstacks(s->d), i, j, n, *order;
	pf_count a, b;
	int side;

	if ((order = pf_profile_sorted(s->d)) == NULL)
		return -1;
	s->stk[0] = calloc(ns + 1, sizeof(struct stk));
	s->stk[1] = calloc(ns + 1, sizeof(struct stk));
	if (s->stk[0] == NULL || s->stk[1] == NULL) {
		free(order);
		return -1;
	}
	for (j = 0; j < ns; j++) {
		i = order[j];
		pf_profile_stack(s->d, i, &n, &a, &b);
		if ((a == 0) == (b == 0))
			continue;
		side = a == 0;
		s->stk[side][s->nstk[side]].i = i;
		s->stk[side][s->nstk[side]].rank = j;
		s->stk[side][s->nstk[side]].c = side ? b : a;
		s->stk_weight[side] += side ? b : a;	/* at most a total */
		s->nstk[side]++;
	}
	free(order);
	for (side = 0; side < 2; side++) {
		qsort(s->stk[side], s->nstk[side], sizeof(struct stk), cmp_stk);
		for (i = 0; i < s->nstk[side] && s->nstk_shown[side] < s->o.top; i++) {
			struct stk *k = &s->stk[side][i];
			double p = pct(k->c, side ? s->tb : s->ta);

			if (!big_enough(&s->o, k->c, p))
				break;
			s->nstk_shown[side]++;
		}
	}
	return 0;
}

static int
make_trips(struct pf_summary *s)
{
	size_t r, i, cap = 0;
	int kind;

	for (r = 0; r < s->o.nrules; r++) {
		kind = s->o.rules[r].inclusive ? INCL : SELF;
		for (i = 0; i < s->nrows[kind]; i++) {
			if (!trips(&s->o.rules[r], &s->rows[kind][i], s->o.noise))
				continue;
			if (pf_grow(&s->trips, &cap, s->ntrips + 1, sizeof(*s->trips)) != 0)
				return -1;
			s->trips[s->ntrips].rule = r;
			s->trips[s->ntrips].row = &s->rows[kind][i];
			s->ntrips++;
		}
	}
	return 0;
}

struct pf_summary *
pf_summary_new(const struct pf_profile *d,
    const struct pf_profile *const *before, size_t nb,
    const struct pf_profile *const *after, size_t na,
    const struct pf_summary_options *o, struct pf_error *err)
{
	struct pf_summary *s = calloc(1, sizeof(*s));
	size_t nf = pf_profile_nframes(d);
	pf_count *sa = NULL, *sb = NULL, *ia = NULL, *ib = NULL;
	size_t *stamp = NULL;
	struct acc *block = NULL, *bacc[2], *aacc[2];

	if (s == NULL)
		goto nomem;
	s->d = d;
	s->o = *o;
	if (s->o.noise <= 0)
		s->o.noise = 3.0;
	s->nb = nb;
	s->na = na;
	s->spread_known = nb > 1 || na > 1;
	sa = calloc(nf + 1, sizeof(*sa));
	sb = calloc(nf + 1, sizeof(*sb));
	ia = calloc(nf + 1, sizeof(*ia));
	ib = calloc(nf + 1, sizeof(*ib));
	stamp = calloc(nf + 1, sizeof(*stamp));
	block = calloc(4 * (nf + 1), sizeof(*block));
	if (sa == NULL || sb == NULL || ia == NULL || ib == NULL || stamp == NULL ||
	    block == NULL)
		goto nomem;
	bacc[SELF] = block;
	bacc[INCL] = block + (nf + 1);
	aacc[SELF] = block + 2 * (nf + 1);
	aacc[INCL] = block + 3 * (nf + 1);
	if (fn_counts(d, 1, sa, ia, stamp, &s->ta, err) != 0)
		goto fail;
	memset(stamp, 0, (nf + 1) * sizeof(*stamp));
	if (fn_counts(d, 2, sb, ib, stamp, &s->tb, err) != 0 ||
	    add_side(s, before, nb, 1, s->ta, bacc, err) != 0 ||
	    add_side(s, after, na, 2, s->tb, aacc, err) != 0 ||
	    pf_diff_overlap(d, &s->ov, err) != 0)
		goto fail;
	if (make_rows(s, SELF, sa, sb, bacc[SELF], aacc[SELF]) != 0 ||
	    make_rows(s, INCL, ia, ib, bacc[INCL], aacc[INCL]) != 0 ||
	    make_stacks(s) != 0 || make_trips(s) != 0)
		goto nomem;
	goto out;
nomem:
	pf_nomem(err, NULL, 0);
fail:
	pf_summary_free(s);
	s = NULL;
out:
	free(sa);
	free(sb);
	free(ia);
	free(ib);
	free(stamp);
	free(block);
	return s;
}

size_t
pf_summary_ntrips(const struct pf_summary *s)
{
	return s->ntrips;
}
