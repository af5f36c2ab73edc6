/*
 * instruments.c - a call tree of Apple's Instruments copied as text (Edit >
 * Deep Copy in a Time Profiler, Allocations or counters table) to folded
 * stacks.
 *
 *     Weight\tSelf Weight\tSymbol Names
 *     4.93 s  100.0%\t0 s\t   start
 *     2.45 s   49.7%\t846.00 ms\t    delta()
 *
 * Tab-separated columns, named by the first line: the weight of the
 * subtree ("Weight", "Running Time" in older versions, "Bytes Used" for
 * allocations) with its share, the row's own weight ("Self Weight", or
 * "Self (ms)" in plain milliseconds; none in allocation copies), and the
 * symbol, indented by one blank per level below the first row's.
 * Values carry their unit: times (ns, µs, ms, s, min) become
 * milliseconds, cycles (cycles, Kc, Mc, Gc) and bytes (Bytes, KB, MB, GB:
 * powers of 1024, rounded to whole bytes) are counted as they are; "-" is
 * nothing.  A row's stack is the path of symbols to it, weighted by its
 * self weight; without a self column, by its weight less its children's
 * (the copy's figures are rounded, so a difference below zero is taken as
 * zero and said in a note).
 */
#include <stdlib.h>

#include "format.h"
#include "parse/csv.h"

#define MAX_DEPTH 65536

enum { K_NONE = 0, K_TIME, K_CYCLES, K_BYTES, K_PLAIN };

static const struct {
	const char *name;
	int kind;
	uint64_t num, den;	/* to milliseconds, cycles or bytes */
} units[] = {
	{ "ns", K_TIME, 1, 1000000 },
	{ "us", K_TIME, 1, 1000 },
	{ "\xc2\xb5s", K_TIME, 1, 1000 },	/* MICRO SIGN */
	{ "\xce\xbcs", K_TIME, 1, 1000 },	/* GREEK SMALL LETTER MU */
	{ "ms", K_TIME, 1, 1 },
	{ "s", K_TIME, 1000, 1 },
	{ "min", K_TIME, 60000, 1 },
	{ "h", K_TIME, 3600000, 1 },
	{ "cycles", K_CYCLES, 1, 1 },
	{ "cycle", K_CYCLES, 1, 1 },
	{ "Kc", K_CYCLES, 1000, 1 },
	{ "Mc", K_CYCLES, 1000000, 1 },
	{ "Gc", K_CYCLES, 1000000000, 1 },
	{ "Tc", K_CYCLES, 1000000000000, 1 },
	{ "Bytes", K_BYTES, 1, 1 },
	{ "bytes", K_BYTES, 1, 1 },
	{ "B", K_BYTES, 1, 1 },
	{ "KB", K_BYTES, (uint64_t)1 << 10, 1 },
	{ "MB", K_BYTES, (uint64_t)1 << 20, 1 },
	{ "GB", K_BYTES, (uint64_t)1 << 30, 1 },
	{ "TB", K_BYTES, (uint64_t)1 << 40, 1 },
};

static const char *const kind_names[] = {
	[K_NONE] = "nothing", [K_TIME] = "a time", [K_CYCLES] = "cycles",
	[K_BYTES] = "bytes", [K_PLAIN] = "a bare number",
};

static const char *const weight_columns[] = { "Weight", "Running Time", "Bytes Used" };
static const char *const self_columns[] = { "Self Weight", "Self (ms)", "Self" };

#define NFIELDS_MAX 64

/* Splits s at tabs into f (at most NFIELDS_MAX: the rest stays in the
 * last); returns how many. */
static size_t
split(const char *s, size_t n, const char **f, size_t *fl)
{
	size_t k = 0;
	const char *t;

	for (;;) {
		t = k + 1 < NFIELDS_MAX ? memchr(s, '\t', n) : NULL;
		f[k] = s;
		fl[k] = t != NULL ? (size_t)(t - s) : n;
		k++;
		if (t == NULL)
			return k;
		n -= (size_t)(t - s) + 1;
		s = t + 1;
	}
}

static int
field_is(const char *s, size_t n, const char *name)
{
	while (n > 0 && (*s == ' ' || *s == '\r'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	return n == strlen(name) && memcmp(s, name, n) == 0;
}

/* Which of names the field is, or -1. */
static int
named(const char *s, size_t n, const char *const *names, size_t nn)
{
	size_t i;

	for (i = 0; i < nn; i++)
		if (field_is(s, n, names[i]))
			return (int)i;
	return -1;
}

/* The header: a weight column first, and a symbol column. */
static int
header_line(const char *s, size_t n)
{
	const char *f[NFIELDS_MAX];
	size_t fl[NFIELDS_MAX], k, i;
	int sym = 0;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3, n -= 3;
	if (memchr(s, '\t', n) == NULL)
		return 0;
	k = split(s, n, f, fl);
	if (named(f[0], fl[0], weight_columns, 3) < 0)
		return 0;
	for (i = 1; i < k; i++)
		if (field_is(f[i], fl[i], "Symbol Name") || field_is(f[i], fl[i], "Symbol Names"))
			sym = 1;
	return sym;
}

int
pf_instruments_detect(const struct pf_peek *pk, size_t *where)
{
	PF_UNUSED(where);
	if (pk->nlines > 0 && header_line(pk->line[0].s, pk->line[0].len))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

struct level {
	uint32_t frame;
	uint64_t line;
	pf_count weight, children;	/* without a self column */
};

struct ins {
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	uint64_t line;
	long cw, cself, csym;
	int self_ms;		/* "Self (ms)": bare milliseconds */
	int kind;		/* of the values so far */
	size_t base;		/* the first row's indentation */
	int have_base;
	struct level *lv;
	size_t depth, cap;
	uint32_t *frames;
	size_t fcap;
	char *nbuf;
	size_t ncap;
	uint64_t clamped;	/* rows whose children outweigh them */
	uint64_t first_clamped;
};

/* Skips blanks, and the figure and no-break spaces Instruments aligns
 * numbers with. */
static size_t
skip_blanks(const char *s, size_t n, size_t i)
{
	for (;;) {
		if (i < n && (s[i] == ' ' || s[i] == '\r'))
			i++;
		else if (n - i >= 3 && memcmp(s + i, "\xe2\x80\x87", 3) == 0)
			i += 3;
		else if (n - i >= 2 && memcmp(s + i, "\xc2\xa0", 2) == 0)
			i += 2;
		else
			return i;
	}
}

/* A value ("846.00 ms", "4273.0ms   99.9%", "404.75 Mc", "-") in the
 * file's unit, into *out. */
static int
value(struct ins *in, const char *s, size_t n, int bare_ms, const char *what,
    pf_count *out)
{
	size_t i = skip_blanks(s, n, 0), b, e, u;
	size_t k;
	int kind = K_PLAIN, rc;
	uint64_t num = 1, den = 1;
	pf_count c;

	if (i < n && s[i] == '-' && skip_blanks(s, n, i + 1) == n) {
		*out = 0;
		return 0;
	}
	for (b = i; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ','); i++)
		;
	e = i;
	if (e == b)
		rc = PF_COUNT_SYNTAX;
	else
		rc = pf_csv_count(s + b, e - b, &c);
	if (rc != PF_COUNT_OK)
		return pf_err(in->err, in->name, in->line, rc == PF_COUNT_OVERFLOW ?
		    "%s '%.*s' beyond 64 bits" : "%s '%.*s' is not a number", what,
		    (int)(n < 40 ? n : 40), s);
	i = skip_blanks(s, n, i);
	for (u = i; i < n;) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))
			i++;
		else if (n - i >= 2 && (memcmp(s + i, "\xc2\xb5", 2) == 0 ||
		    memcmp(s + i, "\xce\xbc", 2) == 0))
			i += 2;
		else
			break;
	}
	if (u < i) {
		for (k = 0; k < sizeof(units) / sizeof(units[0]); k++)
			if (strlen(units[k].name) == i - u &&
			    memcmp(units[k].name, s + u, i - u) == 0)
				break;
		if (k == sizeof(units) / sizeof(units[0]))
			return pf_err(in->err, in->name, in->line, "%s '%.*s' has a unit "
			    "pf-collapse does not know ('%.*s')", what,
			    (int)(n < 40 ? n : 40), s, (int)(i - u), s + u);
		kind = units[k].kind;
		num = units[k].num;
		den = units[k].den;
	} else if (bare_ms) {
		kind = K_TIME;
	}
	if (pf_csv_scale(c, num, den, &c) != PF_COUNT_OK)
		return pf_err(in->err, in->name, in->line, "%s '%.*s' beyond 64 bits",
		    what, (int)(n < 40 ? n : 40), s);
	/* A copy's bytes are rounded ("429.93 MB"): whole bytes. */
	if (kind == K_BYTES)
		c = (c / PF_COUNT_ONE + (c % PF_COUNT_ONE >= PF_COUNT_ONE / 2 &&
		    c / PF_COUNT_ONE < UINT64_MAX)) * PF_COUNT_ONE;
	if (c != 0) {
		if (in->kind != K_NONE && in->kind != kind)
			return pf_err(in->err, in->name, in->line, "%s '%.*s' is %s, "
			    "where the values before were %s", what,
			    (int)(n < 40 ? n : 40), s, kind_names[kind],
			    kind_names[in->kind]);
		in->kind = kind;
	}
	*out = c;
	return 0;
}

static int
add(struct ins *in, size_t depth, pf_count w)
{
	size_t i;

	if (w == 0)
		return 0;
	if (pf_grow(&in->frames, &in->fcap, depth, sizeof(*in->frames)) != 0)
		return pf_nomem(in->err, in->name, in->line);
	for (i = 0; i < depth; i++)
		in->frames[i] = in->lv[i].frame;
	if (pf_profile_add(in->p, in->frames, depth, w, 0, in->err) != 0) {
		pf_err_name(in->err, in->name);
		return -1;
	}
	return 0;
}

/* Ends the rows at depth d and below (without a self column: adds
 * each one's weight less its children's). */
static int
close_to(struct ins *in, size_t d)
{
	while (in->depth > d) {
		struct level *l = &in->lv[in->depth - 1];
		pf_count self = 0;

		if (in->cself < 0) {
			if (l->children > l->weight) {
				if (in->clamped++ == 0)
					in->first_clamped = l->line;
			} else {
				self = l->weight - l->children;
			}
			if (add(in, in->depth, self) != 0)
				return -1;
			if (in->depth > 1 && pf_count_add(in->lv[in->depth - 2].children,
			    l->weight, &in->lv[in->depth - 2].children) != PF_COUNT_OK)
				return pf_err(in->err, in->name, in->line, "weights beyond 64 bits");
		}
		in->depth--;
	}
	return 0;
}

static int
header(struct ins *in, const char **f, const size_t *fl, size_t k)
{
	size_t i;
	int j;

	in->cw = in->cself = in->csym = -1;
	for (i = 0; i < k; i++) {
		if (in->cw < 0 && named(f[i], fl[i], weight_columns, 3) >= 0)
			in->cw = (long)i;
		else if (in->cself < 0 && (j = named(f[i], fl[i], self_columns, 3)) >= 0) {
			in->cself = (long)i;
			in->self_ms = j == 1;
		} else if (in->csym < 0 && (field_is(f[i], fl[i], "Symbol Name") ||
		    field_is(f[i], fl[i], "Symbol Names")))
			in->csym = (long)i;
	}
	if (in->cw < 0 || in->csym < 0)
		return pf_err(in->err, in->name, in->line, "not the header of an "
		    "Instruments call tree copy (a Weight column and a Symbol Name one)");
	return 0;
}

static int
row(struct ins *in, const char **f, const size_t *fl, size_t k)
{
	const char *s;
	size_t n, ind, d, len;
	pf_count w = 0, self = 0;

	if ((size_t)in->csym >= k || (size_t)in->cw >= k ||
	    (in->cself >= 0 && (size_t)in->cself >= k))
		return pf_err(in->err, in->name, in->line, "a row of %zu columns, "
		    "fewer than the header's", k);
	s = f[in->csym];
	n = fl[in->csym];
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	for (ind = 0; ind < n && s[ind] == ' '; ind++)
		;
	if (ind == n)
		return pf_err(in->err, in->name, in->line, "a row without a symbol");
	if (!in->have_base) {
		in->base = ind;
		in->have_base = 1;
	}
	if (ind < in->base)
		return pf_err(in->err, in->name, in->line, "a symbol indented less "
		    "than the first row's");
	d = ind - in->base;
	if (d > in->depth)
		return pf_err(in->err, in->name, in->line, "indented %zu levels where "
		    "at most %zu were expected (a call tree row without its caller)",
		    d, in->depth);
	if (d >= MAX_DEPTH)
		return pf_err(in->err, in->name, in->line, "call tree deeper than %d",
		    MAX_DEPTH);
	if (value(in, f[in->cw], fl[in->cw], 0, "weight", &w) != 0)
		return -1;
	if (in->cself >= 0 && value(in, f[in->cself], fl[in->cself], in->self_ms,
	    "self weight", &self) != 0)
		return -1;
	if (close_to(in, d) != 0)
		return -1;
	len = n - ind;
	if (pf_grow(&in->nbuf, &in->ncap, len, 1) != 0 ||
	    pf_grow(&in->lv, &in->cap, d + 1, sizeof(*in->lv)) != 0)
		return pf_nomem(in->err, in->name, in->line);
	memcpy(in->nbuf, s + ind, len);
	len = pf_name_tidy(in->nbuf, len, 0);
	in->lv[d].frame = pf_profile_intern(in->p, in->nbuf, len);
	if (in->lv[d].frame == UINT32_MAX)
		return pf_nomem(in->err, in->name, in->line);
	in->lv[d].line = in->line;
	in->lv[d].weight = w;
	in->lv[d].children = 0;
	in->depth = d + 1;
	in->st->samples++;
	return in->cself >= 0 ? add(in, in->depth, self) : 0;
}

int
pf_instruments_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct ins in;
	const char *s, *f[NFIELDS_MAX];
	size_t n, fl[NFIELDS_MAX], k;
	int lt, rc = -1, have_header = 0;

	PF_UNUSED(o);
	memset(&in, 0, sizeof(in));
	in.p = p;
	in.st = st;
	in.err = err;
	in.name = pf_reader_name(r);
	while ((lt = pf_csv_line(r, &s, &n, &in.line, err)) != 0) {
		if (lt < 0)
			goto out;
		k = split(s, n, f, fl);
		if (!have_header) {
			if (header(&in, f, fl, k) != 0)
				goto out;
			have_header = 1;
			continue;
		}
		if (row(&in, f, fl, k) != 0)
			goto out;
	}
	if (close_to(&in, 0) != 0)
		goto out;
	switch (in.kind) {
	case K_TIME: st->unit = PF_UNIT_MILLISECONDS; break;
	case K_CYCLES: st->unit = PF_UNIT_COUNT; break;
	case K_BYTES: st->unit = PF_UNIT_BYTES; break;
	default: st->unit = PF_UNIT_UNKNOWN; break;
	}
	if (in.clamped > 0)
		snprintf(st->note, sizeof(st->note), "%llu row%s (the first at line "
		    "%llu) weigh%s less than %s children, by the copy's rounding; "
		    "%s self weight is taken as 0", (unsigned long long)in.clamped,
		    in.clamped > 1 ? "s" : "", (unsigned long long)in.first_clamped,
		    in.clamped > 1 ? "" : "s", in.clamped > 1 ? "their" : "its",
		    in.clamped > 1 ? "their" : "its");
	rc = 0;
out:
	free(in.lv);
	free(in.frames);
	free(in.nbuf);
	return rc;
}
