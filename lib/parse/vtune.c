/*
 * vtune.c - Intel VTune's call stacks as CSV (amplxe-cl / vtune -report
 * top-down -call-stack-mode all -format csv) to folded stacks.
 *
 *     Function Stack,CPU Time:Self,Module
 *     Total,0.0,[Unknown]
 *      main,0.0,app
 *       "f<a, b>",0.016612,app
 *
 * The first column is the call tree: one blank of indentation per level
 * (outside the quotes a name with a comma needs).  A row's stack is the
 * path to it, each frame "module`function" (the function alone when the
 * module is empty), weighted by the row's self time: "CPU Time:Self", in
 * seconds, made milliseconds (exactly: counts may have a fraction).
 * Without that column, another "...Time:Self" column (seconds), else
 * another ":Self" metric counted as it is (bytes for "Allocation
 * Size:Self", things counted for "Allocations:Self", clockticks).
 * The separator is the one after "Function Stack" (VTune's
 * -csv-delimiter: comma, tab, semicolon or '|').
 */
#include <stdlib.h>

#include "format.h"
#include "parse/csv.h"

#define MAX_DEPTH 65536

static int
is_sep(char c)
{
	return c == ',' || c == '\t' || c == ';' || c == '|';
}

/* The header: "Function Stack", a separator, and a ":Self" metric. */
static int
header_line(const char *s, size_t n)
{
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3, n -= 3;
	return n > 15 && memcmp(s, "Function Stack", 14) == 0 && is_sep(s[14]) &&
	    pf_mem_has(s, n, ":Self");
}

int
pf_vtune_detect(const struct pf_peek *pk, size_t *where)
{
	PF_UNUSED(where);
	if (pk->nlines > 0 && header_line(pk->line[0].s, pk->line[0].len))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

struct vt {
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	uint64_t line;
	struct pf_csv csv;
	long cfunc, cself, cmod;
	int seconds;		/* the metric is a time in seconds */
	int bytes;		/* ... else a size in bytes */
	struct pf_csv_path path;
};

/* Picks the weight column of the header in v->csv. */
static int
header(void *ctx)
{
	struct vt *v = ctx;
	size_t i;

	v->cfunc = pf_csv_find(&v->csv, "Function Stack");
	v->cmod = pf_csv_find(&v->csv, "Module");
	v->cself = pf_csv_find(&v->csv, "CPU Time:Self");
	v->seconds = 1;
	for (i = 0; v->cself < 0 && i < v->csv.nf; i++)
		if (pf_mem_ends(v->csv.f[i].s, v->csv.f[i].n, "Time:Self"))
			v->cself = (long)i;
	for (i = 0; v->cself < 0 && i < v->csv.nf; i++)
		if (pf_mem_ends(v->csv.f[i].s, v->csv.f[i].n, ":Self")) {
			v->cself = (long)i;
			v->seconds = 0;
			v->bytes = pf_mem_has(v->csv.f[i].s, v->csv.f[i].n, "Size");
		}
	if (v->cfunc != 0 || v->cself < 0)
		return pf_err(v->err, v->name, v->line, "a VTune CSV header without "
		    "\"Function Stack\" first and a \":Self\" column (report with "
		    "-column=\"CPU Time:Self\",Module)");
	v->st->unit = v->seconds ? PF_UNIT_MILLISECONDS : v->bytes ? PF_UNIT_BYTES :
	    PF_UNIT_COUNT;
	return 0;
}

static int
row(void *ctx)
{
	struct vt *v = ctx;
	const struct pf_csv_field *fn, *fs;
	const char *s, *mod;
	size_t n, ind, mlen;
	pf_count w;
	int rc;

	if ((size_t)v->cself >= v->csv.nf ||
	    (v->cmod >= 0 && (size_t)v->cmod >= v->csv.nf))
		return pf_err(v->err, v->name, v->line, "%zu fields where the header "
		    "has %ld", v->csv.nf, (v->cself > v->cmod ? v->cself : v->cmod) + 1);
	fn = &v->csv.f[v->cfunc];
	fs = &v->csv.f[v->cself];
	s = fn->s;
	n = fn->n;
	for (ind = fn->lead; n > 0 && *s == ' '; s++, n--)
		ind++;
	mod = v->cmod >= 0 ? v->csv.f[v->cmod].s : NULL;
	mlen = v->cmod >= 0 ? v->csv.f[v->cmod].n : 0;
	if (ind > v->path.depth)
		return pf_err(v->err, v->name, v->line, "indented %zu levels where "
		    "at most %zu were expected (a call tree row without its caller)",
		    ind, v->path.depth);
	if (ind >= MAX_DEPTH)
		return pf_err(v->err, v->name, v->line, "call tree deeper than %d", MAX_DEPTH);
	if ((rc = pf_csv_count(fs->s, fs->n, &w)) != PF_COUNT_OK)
		return pf_err(v->err, v->name, v->line, rc == PF_COUNT_OVERFLOW ?
		    "self time '%.*s' beyond 64 bits" : "self time '%.*s' is not a number",
		    (int)(fs->n < 40 ? fs->n : 40), fs->s);
	if (v->seconds && pf_csv_scale(w, 1000, 1, &w) != PF_COUNT_OK)
		return pf_err(v->err, v->name, v->line, "self time '%.*s' beyond 64 bits",
		    (int)(fs->n < 40 ? fs->n : 40), fs->s);
	/* "module`function", as inferno names frames of VTune's stacks. */
	v->st->samples++;
	return pf_csv_path_row(&v->path, v->p, ind, mod, mlen, s, n, w, v->name,
	    v->line, v->err);
}

static int
header_sep(const char *s, size_t n)
{
	return header_line(s, n) ? s[14] : 0;
}

static const struct pf_csv_report report = {
	header_sep,
	"not the header of VTune's CSV call stacks (\"Function Stack,CPU "
	"Time:Self,Module\")",
	header, row,
};

int
pf_vtune_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct vt v;
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
