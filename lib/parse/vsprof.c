/*
 * vsprof.c - the call tree report of the Visual Studio profiler
 * (VSPerfReport /summary:calltree, CallTreeSummary.csv) to folded stacks.
 *
 *     Level,Function Name,Number of Calls,Elapsed Inclusive Time %,
 *         Elapsed Exclusive Time %,...,Module Name,
 *     0,"Raytracer.exe",0,100.00,0.00,...
 *     1,"Raytracer.OpenTkApp.Main()",1,8.75,0.69,"18,160.51",...
 *
 * "Level" is the depth in the tree (0: the process); a row's stack is the
 * path of function names to it, weighted by its exclusive cost, the first
 * of these columns the report has: "Exclusive Samples" (sampling),
 * "Elapsed Exclusive Time" (instrumentation, milliseconds), "Elapsed
 * Exclusive Time %" or "Exclusive Samples %" (percent of the run: the
 * reports' default columns give nothing finer), "Exclusive Bytes
 * Allocated", "Exclusive Allocations".  The number of calls is no weight:
 * a callee is often called more times than its caller.  Numbers may have
 * ',' between thousands (then they are quoted); the file is UTF-8 with a
 * byte-order mark and CRLF line ends, or UTF-16 (the reader transcodes).
 */
#include <stdlib.h>

#include "format.h"
#include "parse/csv.h"

#define MAX_DEPTH 65536

static const struct {
	const char *column;
	int unit;
} weights[] = {
	{ "Exclusive Samples", PF_UNIT_SAMPLES },
	{ "Elapsed Exclusive Time", PF_UNIT_MILLISECONDS },
	{ "Elapsed Exclusive Time %", PF_UNIT_UNKNOWN },
	{ "Exclusive Samples %", PF_UNIT_UNKNOWN },
	{ "Exclusive Bytes Allocated", PF_UNIT_BYTES },
	{ "Exclusive Allocations", PF_UNIT_COUNT },
};

#define NWEIGHTS (sizeof(weights) / sizeof(weights[0]))

/* "Level,Function Name," and a column of exclusive cost. */
static int
header_line(const char *s, size_t n)
{
	char col[64];
	size_t i;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3, n -= 3;
	if (!pf_mem_starts(s, n, "Level,Function Name,"))
		return 0;
	for (i = 0; i < NWEIGHTS; i++) {
		/* The last column has no comma after it. */
		snprintf(col, sizeof(col), ",%s,", weights[i].column);
		if (pf_mem_has(s, n, col))
			return 1;
		col[strlen(col) - 1] = '\0';
		if (pf_mem_ends(s, n, col))
			return 1;
	}
	return 0;
}

int
pf_vsprof_detect(const struct pf_peek *pk, size_t *where)
{
	PF_UNUSED(where);
	if (pk->nlines > 0 && header_line(pk->line[0].s, pk->line[0].len))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

struct vs {
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	uint64_t line;
	struct pf_csv csv;
	long clevel, cfunc, cw;
	struct pf_csv_path path;
};

static int
header(void *ctx)
{
	struct vs *v = ctx;
	size_t i;

	v->clevel = pf_csv_find(&v->csv, "Level");
	v->cfunc = pf_csv_find(&v->csv, "Function Name");
	v->cw = -1;
	for (i = 0; i < NWEIGHTS && v->cw < 0; i++)
		if ((v->cw = pf_csv_find(&v->csv, weights[i].column)) >= 0)
			v->st->unit = weights[i].unit;
	if (v->clevel < 0 || v->cfunc < 0 || v->cw < 0)
		return pf_err(v->err, v->name, v->line, "a Visual Studio call tree "
		    "header without \"Level\", \"Function Name\" and a column of "
		    "exclusive samples, time or allocations");
	return 0;
}

static int
row(void *ctx)
{
	struct vs *v = ctx;
	const struct pf_csv_field *fl, *fn, *fw;
	pf_count lv, w;
	size_t d;
	int rc;

	if ((size_t)v->clevel >= v->csv.nf || (size_t)v->cfunc >= v->csv.nf ||
	    (size_t)v->cw >= v->csv.nf)
		return pf_err(v->err, v->name, v->line, "a row of %zu fields, fewer "
		    "than the header's", v->csv.nf);
	fl = &v->csv.f[v->clevel];
	fn = &v->csv.f[v->cfunc];
	fw = &v->csv.f[v->cw];
	if (pf_csv_count(fl->s, fl->n, &lv) != PF_COUNT_OK || lv % PF_COUNT_ONE != 0)
		return pf_err(v->err, v->name, v->line, "level '%.*s' is not a whole "
		    "number", (int)(fl->n < 40 ? fl->n : 40), fl->s);
	if (lv / PF_COUNT_ONE > v->path.depth)
		return pf_err(v->err, v->name, v->line, "level %llu where at most %zu "
		    "was expected (a call tree row without its caller)",
		    (unsigned long long)(lv / PF_COUNT_ONE > UINT64_MAX ? UINT64_MAX :
		    lv / PF_COUNT_ONE), v->path.depth);
	d = (size_t)(lv / PF_COUNT_ONE);
	if (d >= MAX_DEPTH)
		return pf_err(v->err, v->name, v->line, "call tree deeper than %d", MAX_DEPTH);
	if ((rc = pf_csv_count(fw->s, fw->n, &w)) != PF_COUNT_OK)
		return pf_err(v->err, v->name, v->line, rc == PF_COUNT_OVERFLOW ?
		    "exclusive cost '%.*s' beyond 64 bits" :
		    "exclusive cost '%.*s' is not a number",
		    (int)(fw->n < 40 ? fw->n : 40), fw->s);
	v->st->samples++;
	return pf_csv_path_row(&v->path, v->p, d, NULL, 0, fn->s, fn->n, w, v->name,
	    v->line, v->err);
}

static int
header_sep(const char *s, size_t n)
{
	return header_line(s, n) ? ',' : 0;
}

static const struct pf_csv_report report = {
	header_sep,
	"not the header of a Visual Studio call tree report (\"Level,Function "
	"Name,...\" with a column of exclusive samples, time or allocations)",
	header, row,
};

int
pf_vsprof_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct vs v;
	int rc;

	PF_UNUSED(o);
	memset(&v, 0, sizeof(v));
	v.p = p;
	v.st = st;
	v.err = err;
	v.name = pf_reader_name(r);
	rc = pf_csv_read(r, &report, &v, &v.csv, &v.line, err);
	pf_csv_release(&v.csv);
	pf_csv_path_release(&v.path);
	return rc;
}
