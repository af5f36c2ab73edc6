/*
 * summary.h - what summary.c works out and summary-write.c writes; not
 * installed.
 */
#ifndef PF_SUMMARY_H
#define PF_SUMMARY_H

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

static inline double
pct(pf_count c, pf_count total)
{
	return total == 0 ? 0.0 : 100.0 * pf_count_to_double(c) / pf_count_to_double(total);
}

#endif /* PF_SUMMARY_H */
