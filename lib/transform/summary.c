/*
 * summary.c - what changed between the two columns of a differential
 * profile: pf-diff's tables of the functions that changed most, the stacks
 * that appeared and disappeared, the run-to-run noise when a side has
 * several runs, and the --fail-on gate; written as text, Markdown or JSON.
 *
 * Shares are computed run by run (a function's count over its run's total)
 * and averaged, so runs of different lengths weigh the same; counts are
 * those of the paired profile (the means of the runs, normalized with -n).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include "transform.h"

enum { SELF, INCL };

/* Sums over the runs of one side, for one function and kind: of the share
 * (percent), of its square, of the count and of its square. */
struct acc {
	double s, q, c, cq;
};

struct row {
	uint32_t id;		/* frame of d */
	pf_count a, b;		/* counts in d: before, after */
	pf_count mag;		/* |b - a| */
	int neg;		/* b < a */
	double pa, pb;		/* mean share of the runs, percent */
	double spread;		/* of pb - pa, in points; < 0: unknown */
	double cspread;		/* of b - a, in counts; < 0: unknown */
	int real;		/* larger than the noise (or no noise known) */
	int shown;		/* in the table */
};

struct stk {
	size_t i;		/* stack of d */
	size_t rank;		/* in folded-text order, for ties */
	pf_count c;
};

struct trip {
	size_t rule;
	const struct row *row;
};

struct pf_summary {
	const struct pf_profile *d;
	struct pf_summary_options o;
	size_t nb, na;			/* runs (0: d's columns) */
	pf_count ta, tb;		/* d's totals */
	struct row *rows[2];		/* SELF, INCL: every function, ranked */
	size_t nrows[2], nshown[2];
	struct stk *stk[2];		/* 0: disappeared, 1: appeared */
	size_t nstk[2], nstk_shown[2];
	pf_count stk_weight[2];
	struct pf_diff_overlap ov;
	int spread_known;		/* some side has two runs or more */
	struct trip *trips;
	size_t ntrips;
};

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
		pf_err(err, NULL, 0, "out of memory");
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

static double
pct(pf_count c, pf_count total)
{
	return total == 0 ? 0.0 : 100.0 * pf_count_to_double(c) / pf_count_to_double(total);
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
	pf_err(err, NULL, 0, "out of memory");
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

/* ---------------------------------------------------------------- writing */

/*
 * Up to max bytes of name for a message: cut at a character boundary with
 * "..." after it, control characters and bytes that are not UTF-8 as '?'.
 * buf holds max + 4.
 */
static const char *
display_name(const char *name, size_t len, char *buf, size_t max)
{
	size_t i = 0, k, o = 0;

	while (i < len) {
		unsigned char c = (unsigned char)name[i];

		k = c < 0x80 ? 1 : pf_utf8_valid(name + i, len - i);
		if (k == 0)
			k = 1;
		if (o + k > max) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (k == 1 && (c < 0x20 || c >= 0x7f))
			buf[o] = '?';
		else
			memcpy(buf + o, name + i, k);
		o += k;
		i += k;
	}
	buf[o] = '\0';
	return buf;
}

/*
 * A count for text and Markdown: exact, except that the means of several
 * runs are rounded to two decimals (JSON keeps every digit).
 */
static size_t
show_count(const struct pf_summary *s, pf_count c, char *buf)
{
	const pf_count unit = PF_COUNT_ONE / 100;

	if ((s->nb > 1 || s->na > 1) && c % unit != 0 && c <= PF_COUNT_MAX - unit)
		c = (c + unit / 2) / unit * unit;
	return pf_count_format(c, buf);
}

/* "+42", "-0.5" or "0"; JSON has no '+'. */
static void
signed_count(pf_count mag, int neg, int plus, char *buf)
{
	if (mag == 0) {
		strcpy(buf, "0");
		return;
	}
	if (neg || plus)
		*buf++ = neg ? '-' : '+';
	pf_count_format(mag, buf);
}

/* The same for text and Markdown, rounded as show_count does. */
static void
show_signed(const struct pf_summary *s, pf_count mag, int neg, char *buf)
{
	char b[PF_COUNT_BUFSIZE];

	show_count(s, mag, b);
	if (strcmp(b, "0") == 0)
		strcpy(buf, "0");
	else
		sprintf(buf, "%c%s", neg ? '-' : '+', b);
}

#define NAME_SHORT 80

const char *
pf_summary_trip(const struct pf_summary *s, size_t i, char *buf, size_t size)
{
	const struct trip *t = &s->trips[i];
	const struct pf_gate_rule *r = &s->o.rules[t->rule];
	const struct row *w = t->row;
	char nm[NAME_SHORT + 4], c1[PF_COUNT_BUFSIZE], c2[PF_COUNT_BUFSIZE],
	    c3[PF_COUNT_BUFSIZE];
	const char *name;
	size_t len;

	name = pf_profile_frame(s->d, w->id, &len);
	display_name(name, len, nm, NAME_SHORT);
	if (r->share)
		snprintf(buf, size, "%s: '%s' %+.2f points (%.2f%% -> %.2f%%)",
		    r->text, nm, w->pb - w->pa, w->pa, w->pb);
	else {
		show_count(s, w->a, c1);
		show_count(s, w->b, c2);
		show_count(s, w->mag, c3);
		snprintf(buf, size, "%s: '%s' %s%s (%s -> %s)", r->text, nm,
		    w->mag == 0 ? "" : w->neg ? "-" : "+", c3, c1, c2);
	}
	return buf;
}

/* A share or a change of share for JSON: at most 6 decimals, no trailing
 * zeros, never "-0". */
static void
json_number(struct pf_outbuf *o, double v)
{
	char b[64];
	size_t n;

	if (!isfinite(v))
		v = 0;
	snprintf(b, sizeof(b), "%.6f", v);
	n = strlen(b);
	while (n > 0 && b[n - 1] == '0')
		n--;
	if (n > 0 && b[n - 1] == '.')
		n--;
	b[n] = '\0';
	pf_outbuf_puts(o, strcmp(b, "-0") == 0 ? "0" : b);
}

static void
out_printf(struct pf_outbuf *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
out_printf(struct pf_outbuf *o, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n > 0)
		pf_outbuf_put(o, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

static void
out_count(struct pf_outbuf *o, pf_count c)
{
	char b[PF_COUNT_BUFSIZE];

	pf_outbuf_put(o, b, pf_count_format(c, b));
}

static void
out_show(struct pf_outbuf *o, const struct pf_summary *s, pf_count c)
{
	char b[PF_COUNT_BUFSIZE];

	pf_outbuf_put(o, b, show_count(s, c, b));
}

/* A frame name in plain text: its bytes, control characters as '?'. */
static void
text_name(struct pf_outbuf *o, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f)
			continue;
		pf_outbuf_put(o, s + start, i - start);
		pf_outbuf_put(o, "?", 1);
		start = i + 1;
	}
	pf_outbuf_put(o, s + start, n - start);
}

/*
 * A frame name (or a folded stack) as a Markdown code span in a table
 * cell: a fence longer than any run of backticks in it, padded when it
 * starts or ends with a backtick or a space, '|' escaped for the table;
 * control characters and bytes that are not UTF-8 become U+FFFD.
 */
static void
md_code(struct pf_outbuf *o, const char *const *parts, const size_t *lens,
    size_t nparts)
{
	size_t i, j, run = 0, longest = 0, total = 0, k;
	int pad;
	char first = 0, last = 0;

	for (i = 0; i < nparts; i++) {
		for (j = 0; j < lens[i]; j++) {
			run = parts[i][j] == '`' ? run + 1 : 0;
			if (run > longest)
				longest = run;
		}
		if (i + 1 < nparts)
			run = 0;
		if (lens[i] > 0 && total == 0)
			first = parts[i][0];
		if (lens[i] > 0)
			last = parts[i][lens[i] - 1];
		total += lens[i] + (i > 0);
	}
	if (total == 0) {
		pf_outbuf_puts(o, "*(empty)*");
		return;
	}
	pad = first == '`' || last == '`' || first == ' ' || last == ' ';
	for (k = 0; k <= longest; k++)
		pf_outbuf_put(o, "`", 1);
	if (pad)
		pf_outbuf_put(o, " ", 1);
	for (i = 0; i < nparts; i++) {
		if (i > 0)
			pf_outbuf_put(o, ";", 1);
		for (j = 0; j < lens[i];) {
			unsigned char c = (unsigned char)parts[i][j];

			if (c >= 0x80) {
				k = pf_utf8_valid(parts[i] + j, lens[i] - j);
				if (k == 0) {
					pf_outbuf_put(o, "\xef\xbf\xbd", 3);
					j++;
				} else {
					pf_outbuf_put(o, parts[i] + j, k);
					j += k;
				}
			} else if (c < 0x20 || c == 0x7f) {
				pf_outbuf_put(o, "\xef\xbf\xbd", 3);
				j++;
			} else {
				if (c == '|')
					pf_outbuf_put(o, "\\", 1);
				pf_outbuf_put(o, parts[i] + j, 1);
				j++;
			}
		}
	}
	if (pad)
		pf_outbuf_put(o, " ", 1);
	for (k = 0; k <= longest; k++)
		pf_outbuf_put(o, "`", 1);
}

static void
md_name(struct pf_outbuf *o, const struct pf_profile *d, uint32_t id)
{
	size_t len;
	const char *name = pf_profile_frame(d, id, &len);

	md_code(o, &name, &len, 1);
}

/* The frames of stack i of d, for md_code; NULL when memory runs out. */
static int
stack_parts(const struct pf_profile *d, size_t i, const char ***parts,
    size_t **lens, size_t *n)
{
	const uint32_t *f = pf_profile_stack(d, i, n, NULL, NULL);
	size_t j;

	*parts = malloc((*n + 1) * sizeof(**parts));
	*lens = malloc((*n + 1) * sizeof(**lens));
	if (*parts == NULL || *lens == NULL) {
		free(*parts);
		free(*lens);
		return -1;
	}
	for (j = 0; j < *n; j++)
		(*parts)[j] = pf_profile_frame(d, f[j], &(*lens)[j]);
	return 0;
}

static const char *const kind_word[2] = { "self", "inclusive" };

static int
low_overlap(const struct pf_summary *s)
{
	return s->ov.before < 0.2 && s->ov.after < 0.2;
}

/* ------------------------------------------------------------------ text */

static void
text_total(const struct pf_summary *s, struct pf_outbuf *o)
{
	char t3[PF_COUNT_BUFSIZE + 1];

	if (s->nb > 1 || s->na > 1)
		out_printf(o, "runs: %zu before, %zu after; counts are means per run, "
		    "shares means of each run's share\n", s->nb, s->na);
	pf_outbuf_puts(o, "total: ");
	out_show(o, s, s->ta);
	pf_outbuf_puts(o, " -> ");
	out_show(o, s, s->tb);
	show_signed(s, s->ta > s->tb ? s->ta - s->tb : s->tb - s->ta, s->tb < s->ta, t3);
	out_printf(o, " (%s", t3);
	if (s->ta != 0)
		out_printf(o, ", %+.2f%%", 100.0 * (pf_count_to_double(s->tb) -
		    pf_count_to_double(s->ta)) / pf_count_to_double(s->ta));
	pf_outbuf_puts(o, ")\n");
	if (low_overlap(s))
		out_printf(o, "note: the stacks found on both sides hold only %.1f%% "
		    "of before and %.1f%% of after\n", 100 * s->ov.before, 100 * s->ov.after);
}

static void
text_table(const struct pf_summary *s, struct pf_outbuf *o, int kind)
{
	char b1[PF_COUNT_BUFSIZE], b2[PF_COUNT_BUFSIZE], b3[PF_COUNT_BUFSIZE + 1];
	size_t i, w1 = 6, w2 = 5, w3 = 6, len, shown = s->nshown[kind];
	const struct row *w;
	const char *name;

	if (shown == 0) {
		out_printf(o, "\n%s counts: no change to show\n", kind_word[kind]);
		return;
	}
	for (i = 0; i < s->nrows[kind]; i++) {
		w = &s->rows[kind][i];
		if (!w->shown)
			continue;
		if ((len = show_count(s, w->a, b1)) > w1)
			w1 = len;
		if ((len = show_count(s, w->b, b2)) > w2)
			w2 = len;
		show_signed(s, w->mag, w->neg, b3);
		if ((len = strlen(b3)) > w3)
			w3 = len;
	}
	out_printf(o, "\n%s counts, the %zu largest change%s:\n", kind_word[kind], shown,
	    shown == 1 ? "" : "s");
	out_printf(o, "  %*s  %*s  %*s  %8s  %8s  %8s  %s%s\n", (int)w1, "before",
	    (int)w2, "after", (int)w3, "change", "before%", "after%", "change%",
	    s->spread_known ? "spread    " : "", "function");
	for (i = 0; i < s->nrows[kind]; i++) {
		w = &s->rows[kind][i];
		if (!w->shown)
			continue;
		show_count(s, w->a, b1);
		show_count(s, w->b, b2);
		show_signed(s, w->mag, w->neg, b3);
		out_printf(o, "  %*s  %*s  %*s  %7.2f%%  %7.2f%%  %+8.2f  ", (int)w1, b1,
		    (int)w2, b2, (int)w3, b3, w->pa, w->pb, w->pb - w->pa);
		if (s->spread_known)
			out_printf(o, "%6.2f  %s ", w->spread, w->real ? "*" : " ");
		name = pf_profile_frame(s->d, w->id, &len);
		text_name(o, name, len);
		pf_outbuf_put(o, "\n", 1);
	}
}

static void
text_stacks(const struct pf_summary *s, struct pf_outbuf *o, int side)
{
	static const char *const what[2] = { "disappeared", "appeared" };
	static const char *const col[2] = { "before", "after" };
	char b[PF_COUNT_BUFSIZE];
	size_t i, j, n, w = 6, len;
	pf_count t = side ? s->tb : s->ta;
	const uint32_t *f;
	const char *name;

	out_printf(o, "\nstacks that %s: %zu", what[side], s->nstk[side]);
	if (s->nstk[side] > 0)
		out_printf(o, ", %.2f%% of %s", pct(s->stk_weight[side], t), col[side]);
	pf_outbuf_puts(o, "\n");
	if (s->nstk_shown[side] == 0)
		return;
	for (i = 0; i < s->nstk_shown[side]; i++)
		if ((len = show_count(s, s->stk[side][i].c, b)) > w)
			w = len;
	out_printf(o, "  %*s  %8s  stack\n", (int)w, col[side], side ? "after%" : "before%");
	for (i = 0; i < s->nstk_shown[side]; i++) {
		const struct stk *k = &s->stk[side][i];

		show_count(s, k->c, b);
		out_printf(o, "  %*s  %7.2f%%  ", (int)w, b, pct(k->c, t));
		f = pf_profile_stack(s->d, k->i, &n, NULL, NULL);
		for (j = 0; j < n; j++) {
			if (j > 0)
				pf_outbuf_put(o, ";", 1);
			name = pf_profile_frame(s->d, f[j], &len);
			text_name(o, name, len);
		}
		pf_outbuf_put(o, "\n", 1);
	}
	if (s->nstk[side] > s->nstk_shown[side])
		out_printf(o, "  and %zu more\n", s->nstk[side] - s->nstk_shown[side]);
}

static void
text_gate(const struct pf_summary *s, struct pf_outbuf *o)
{
	char line[NAME_SHORT + 256];
	size_t i;

	if (s->o.nrules == 0)
		return;
	if (s->ntrips == 0) {
		pf_outbuf_puts(o, "\ngate passed: no change over");
		for (i = 0; i < s->o.nrules; i++)
			out_printf(o, " %s", s->o.rules[i].text);
		pf_outbuf_puts(o, "\n");
		return;
	}
	out_printf(o, "\ngate failed: %zu change%s over the rules\n", s->ntrips,
	    s->ntrips == 1 ? "" : "s");
	for (i = 0; i < s->ntrips; i++)
		out_printf(o, "  %s\n", pf_summary_trip(s, i, line, sizeof(line)));
}

static void
write_text(const struct pf_summary *s, struct pf_outbuf *o)
{
	text_total(s, o);
	text_table(s, o, SELF);
	text_table(s, o, INCL);
	text_stacks(s, o, 1);
	text_stacks(s, o, 0);
	if (s->spread_known)
		out_printf(o, "\n* a change larger than %g times its spread, the standard "
		    "error of the\n  difference of the mean shares (percentage points)\n",
		    s->o.noise);
	text_gate(s, o);
}

/* -------------------------------------------------------------- markdown */

static void
md_total(const struct pf_summary *s, struct pf_outbuf *o)
{
	char t3[PF_COUNT_BUFSIZE + 1];

	pf_outbuf_puts(o, "**Total:** ");
	out_show(o, s, s->ta);
	pf_outbuf_puts(o, " \xe2\x86\x92 ");
	out_show(o, s, s->tb);
	show_signed(s, s->ta > s->tb ? s->ta - s->tb : s->tb - s->ta, s->tb < s->ta, t3);
	out_printf(o, " (%s", t3);
	if (s->ta != 0)
		out_printf(o, ", %+.2f%%", 100.0 * (pf_count_to_double(s->tb) -
		    pf_count_to_double(s->ta)) / pf_count_to_double(s->ta));
	pf_outbuf_puts(o, ")");
	if (s->nb > 1 || s->na > 1)
		out_printf(o, ", %zu runs before and %zu after: counts are means per run, "
		    "shares means of each run's share", s->nb, s->na);
	pf_outbuf_puts(o, "\n");
	if (low_overlap(s))
		out_printf(o, "\n> **Note:** the stacks found on both sides hold only "
		    "%.1f%% of before and %.1f%% of after: different program or process "
		    "names?\n", 100 * s->ov.before, 100 * s->ov.after);
}

static void
md_gate(const struct pf_summary *s, struct pf_outbuf *o)
{
	const struct pf_gate_rule *r;
	const struct row *w;
	char b1[PF_COUNT_BUFSIZE], b2[PF_COUNT_BUFSIZE], b3[PF_COUNT_BUFSIZE + 1];
	size_t i;

	if (s->o.nrules == 0)
		return;
	if (s->ntrips == 0) {
		pf_outbuf_puts(o, "**Gate passed:** no change over");
		for (i = 0; i < s->o.nrules; i++) {
			const char *t = s->o.rules[i].text;
			size_t n = strlen(t);

			pf_outbuf_puts(o, i > 0 ? ", " : " ");
			md_code(o, &t, &n, 1);
		}
		pf_outbuf_puts(o, "\n\n");
		return;
	}
	out_printf(o, "**Gate failed:** %zu change%s over the rules\n\n", s->ntrips,
	    s->ntrips == 1 ? "" : "s");
	pf_outbuf_puts(o, "| rule | function | before | after | change |\n"
	    "| :-- | :-- | --: | --: | --: |\n");
	for (i = 0; i < s->ntrips; i++) {
		const char *t;
		size_t n;

		r = &s->o.rules[s->trips[i].rule];
		w = s->trips[i].row;
		t = r->text;
		n = strlen(t);
		pf_outbuf_puts(o, "| ");
		md_code(o, &t, &n, 1);
		pf_outbuf_puts(o, " | ");
		md_name(o, s->d, w->id);
		if (r->share)
			out_printf(o, " | %.2f%% | %.2f%% | %+.2f points |\n", w->pa, w->pb,
			    w->pb - w->pa);
		else {
			show_count(s, w->a, b1);
			show_count(s, w->b, b2);
			show_signed(s, w->mag, w->neg, b3);
			out_printf(o, " | %s | %s | %s |\n", b1, b2, b3);
		}
	}
	pf_outbuf_puts(o, "\n");
}

static void
md_table(const struct pf_summary *s, struct pf_outbuf *o, int kind)
{
	char b1[PF_COUNT_BUFSIZE], b2[PF_COUNT_BUFSIZE], b3[PF_COUNT_BUFSIZE + 1];
	size_t i, shown = s->nshown[kind];
	const struct row *w;

	if (shown == 0) {
		out_printf(o, "\n**%s counts:** no change to show\n",
		    kind == SELF ? "Self" : "Inclusive");
		return;
	}
	out_printf(o, "\n**%s counts**, the %zu largest change%s:\n\n",
	    kind == SELF ? "Self" : "Inclusive", shown, shown == 1 ? "" : "s");
	out_printf(o, "| before | after | change | before %% | after %% | change "
	    "(points) |%s function |\n| --: | --: | --: | --: | --: | --: |%s :-- |\n",
	    s->spread_known ? " spread | above noise |" : "",
	    s->spread_known ? " --: | :-: |" : "");
	for (i = 0; i < s->nrows[kind]; i++) {
		w = &s->rows[kind][i];
		if (!w->shown)
			continue;
		show_count(s, w->a, b1);
		show_count(s, w->b, b2);
		show_signed(s, w->mag, w->neg, b3);
		out_printf(o, "| %s | %s | %s | %.2f%% | %.2f%% | %+.2f |", b1, b2, b3,
		    w->pa, w->pb, w->pb - w->pa);
		if (s->spread_known)
			out_printf(o, " %.2f | %s |", w->spread, w->real ? "yes" : "no");
		pf_outbuf_puts(o, " ");
		md_name(o, s->d, w->id);
		pf_outbuf_puts(o, " |\n");
	}
}

static int
md_stacks(const struct pf_summary *s, struct pf_outbuf *o, int side)
{
	static const char *const what[2] = { "disappeared", "appeared" };
	static const char *const col[2] = { "before", "after" };
	char b[PF_COUNT_BUFSIZE];
	const char **parts;
	size_t i, n, *lens;
	pf_count t = side ? s->tb : s->ta;

	out_printf(o, "\n**Stacks that %s:** %zu", what[side], s->nstk[side]);
	if (s->nstk[side] > 0)
		out_printf(o, ", %.2f%% of %s", pct(s->stk_weight[side], t), col[side]);
	pf_outbuf_puts(o, "\n");
	if (s->nstk_shown[side] == 0)
		return 0;
	out_printf(o, "\n| %s | %s %% | stack |\n| --: | --: | :-- |\n", col[side],
	    col[side]);
	for (i = 0; i < s->nstk_shown[side]; i++) {
		const struct stk *k = &s->stk[side][i];

		show_count(s, k->c, b);
		out_printf(o, "| %s | %.2f%% | ", b, pct(k->c, t));
		if (stack_parts(s->d, k->i, &parts, &lens, &n) != 0)
			return -1;
		md_code(o, parts, lens, n);
		free(parts);
		free(lens);
		pf_outbuf_puts(o, " |\n");
	}
	if (s->nstk[side] > s->nstk_shown[side])
		out_printf(o, "\nand %zu more\n", s->nstk[side] - s->nstk_shown[side]);
	return 0;
}

static int
write_markdown(const struct pf_summary *s, struct pf_outbuf *o)
{
	md_gate(s, o);
	md_total(s, o);
	md_table(s, o, SELF);
	md_table(s, o, INCL);
	if (md_stacks(s, o, 1) != 0 || md_stacks(s, o, 0) != 0)
		return -1;
	if (s->spread_known)
		out_printf(o, "\nA change is above the noise when it is larger than %g "
		    "times its spread, the standard error of the difference of the mean "
		    "shares (percentage points).\n", s->o.noise);
	return 0;
}

/* ------------------------------------------------------------------ JSON */

static void
json_count(struct pf_outbuf *o, pf_count c)
{
	out_count(o, c);
}

static void
json_signed(struct pf_outbuf *o, pf_count mag, int neg)
{
	char b[PF_COUNT_BUFSIZE + 1];

	signed_count(mag, neg, 0, b);
	pf_outbuf_puts(o, b);
}

static void
json_frame(struct pf_outbuf *o, const struct pf_profile *d, uint32_t id)
{
	size_t len;
	const char *name = pf_profile_frame(d, id, &len);

	pf_json_string(o, name, len);
}

static void
json_rows(const struct pf_summary *s, struct pf_outbuf *o, int kind)
{
	const struct row *w;
	size_t i, k = 0;

	out_printf(o, "  \"%s\": [", kind_word[kind]);
	for (i = 0; i < s->nrows[kind]; i++) {
		w = &s->rows[kind][i];
		if (!w->shown)
			continue;
		pf_outbuf_puts(o, k++ ? ",\n    {" : "\n    {");
		pf_outbuf_puts(o, "\"function\": ");
		json_frame(o, s->d, w->id);
		pf_outbuf_puts(o, ", \"before\": ");
		json_count(o, w->a);
		pf_outbuf_puts(o, ", \"after\": ");
		json_count(o, w->b);
		pf_outbuf_puts(o, ", \"change\": ");
		json_signed(o, w->mag, w->neg);
		pf_outbuf_puts(o, ", \"before_percent\": ");
		json_number(o, w->pa);
		pf_outbuf_puts(o, ", \"after_percent\": ");
		json_number(o, w->pb);
		pf_outbuf_puts(o, ", \"change_points\": ");
		json_number(o, w->pb - w->pa);
		pf_outbuf_puts(o, ", \"spread_points\": ");
		if (w->spread < 0)
			pf_outbuf_puts(o, "null");
		else
			json_number(o, w->spread);
		out_printf(o, ", \"above_noise\": %s}", w->real ? "true" : "false");
	}
	pf_outbuf_puts(o, k ? "\n  ],\n" : "],\n");
}

static void
json_stacks(const struct pf_summary *s, struct pf_outbuf *o, int side)
{
	static const char *const what[2] = { "disappeared", "appeared" };
	static const char *const col[2] = { "before", "after" };
	size_t i, j, n, len;
	pf_count t = side ? s->tb : s->ta;
	const uint32_t *f;
	const char *name;

	out_printf(o, "  \"%s\": {\"count\": %zu, \"%s_percent\": ", what[side],
	    s->nstk[side], col[side]);
	json_number(o, pct(s->stk_weight[side], t));
	pf_outbuf_puts(o, ", \"stacks\": [");
	for (i = 0; i < s->nstk_shown[side]; i++) {
		const struct stk *k = &s->stk[side][i];

		pf_outbuf_puts(o, i ? ",\n    {\"stack\": [" : "\n    {\"stack\": [");
		f = pf_profile_stack(s->d, k->i, &n, NULL, NULL);
		for (j = 0; j < n; j++) {
			if (j > 0)
				pf_outbuf_puts(o, ", ");
			name = pf_profile_frame(s->d, f[j], &len);
			pf_json_string(o, name, len);
		}
		out_printf(o, "], \"%s\": ", col[side]);
		json_count(o, k->c);
		out_printf(o, ", \"%s_percent\": ", col[side]);
		json_number(o, pct(k->c, t));
		pf_outbuf_puts(o, "}");
	}
	pf_outbuf_puts(o, s->nstk_shown[side] ? "\n  ]},\n" : "]},\n");
}

static void
json_gate(const struct pf_summary *s, struct pf_outbuf *o)
{
	size_t i;

	pf_outbuf_puts(o, "  \"gate\": {\"rules\": [");
	for (i = 0; i < s->o.nrules; i++) {
		if (i > 0)
			pf_outbuf_puts(o, ", ");
		pf_json_string(o, s->o.rules[i].text, strlen(s->o.rules[i].text));
	}
	out_printf(o, "], \"passed\": %s, \"failures\": [", s->ntrips ? "false" : "true");
	for (i = 0; i < s->ntrips; i++) {
		const struct pf_gate_rule *r = &s->o.rules[s->trips[i].rule];
		const struct row *w = s->trips[i].row;

		pf_outbuf_puts(o, i ? ",\n    {\"rule\": " : "\n    {\"rule\": ");
		pf_json_string(o, r->text, strlen(r->text));
		pf_outbuf_puts(o, ", \"function\": ");
		json_frame(o, s->d, w->id);
		pf_outbuf_puts(o, ", \"change\": ");
		json_signed(o, w->mag, w->neg);
		pf_outbuf_puts(o, ", \"change_points\": ");
		json_number(o, w->pb - w->pa);
		pf_outbuf_puts(o, "}");
	}
	pf_outbuf_puts(o, s->ntrips ? "\n  ]}\n" : "]}\n");
}

static void
write_json(const struct pf_summary *s, struct pf_outbuf *o)
{
	pf_outbuf_puts(o, "{\n");
	out_printf(o, "  \"runs\": {\"before\": %zu, \"after\": %zu},\n",
	    s->nb ? s->nb : 1, s->na ? s->na : 1);
	pf_outbuf_puts(o, "  \"total\": {\"before\": ");
	json_count(o, s->ta);
	pf_outbuf_puts(o, ", \"after\": ");
	json_count(o, s->tb);
	pf_outbuf_puts(o, ", \"change\": ");
	json_signed(o, s->ta > s->tb ? s->ta - s->tb : s->tb - s->ta, s->tb < s->ta);
	pf_outbuf_puts(o, ", \"change_percent\": ");
	if (s->ta == 0)
		pf_outbuf_puts(o, "null");
	else
		json_number(o, 100.0 * (pf_count_to_double(s->tb) -
		    pf_count_to_double(s->ta)) / pf_count_to_double(s->ta));
	pf_outbuf_puts(o, "},\n  \"shared\": {\"before\": ");
	json_number(o, s->ov.before);
	pf_outbuf_puts(o, ", \"after\": ");
	json_number(o, s->ov.after);
	pf_outbuf_puts(o, "},\n  \"noise_factor\": ");
	json_number(o, s->o.noise);
	pf_outbuf_puts(o, ",\n");
	json_rows(s, o, SELF);
	json_rows(s, o, INCL);
	json_stacks(s, o, 1);
	json_stacks(s, o, 0);
	json_gate(s, o);
	pf_outbuf_puts(o, "}\n");
}

int
pf_summary_write(const struct pf_summary *s, FILE *out, struct pf_error *err)
{
	struct pf_outbuf o = { out, NULL, 0, 1 << 16, 0 };
	int rc = 0;

	if ((o.buf = malloc(o.cap)) == NULL)
		return pf_err(err, NULL, 0, "out of memory");
	switch (s->o.format) {
	case PF_SUMMARY_MARKDOWN:
		rc = write_markdown(s, &o);
		break;
	case PF_SUMMARY_JSON:
		write_json(s, &o);
		break;
	default:
		write_text(s, &o);
		break;
	}
	pf_outbuf_flush(&o);
	free(o.buf);
	if (rc != 0)
		return pf_err(err, NULL, 0, "out of memory");
	if (o.failed || fflush(out) != 0 || ferror(out))
		return pf_err(err, NULL, 0, "write error");
	return 0;
}

int
pf_diff_summary_write(const struct pf_profile *d,
    const struct pf_summary_options *o, FILE *out, struct pf_error *err)
{
	struct pf_summary *s = pf_summary_new(d, NULL, 0, NULL, 0, o, err);
	int rc;

	if (s == NULL)
		return -1;
	rc = pf_summary_write(s, out, err);
	pf_summary_free(s);
	return rc;
}
