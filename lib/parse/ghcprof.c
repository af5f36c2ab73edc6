/*
 * ghcprof.c - GHC's time and allocation profiling report (the .prof file
 * of a program built with -prof and run with +RTS -p or +RTS -P) to
 * folded stacks.
 *
 * The report has a header (the command line, "total time = ... (N ticks
 * @ ...)", "total alloc = ... bytes"), a flat table of the costliest cost
 * centres, then the cost-centre tree, one cost centre a line, indented one
 * blank per level under its caller:
 *
 *                                           individual      inherited
 *   COST CENTRE  MODULE  SRC         no.  entries  %time %alloc   %time %alloc  ticks  bytes
 *
 *   MAIN         MAIN    <built-in>  337        0    0.0    0.0   100.0  100.0      0    728
 *    main        Main    m.hs:3:1-9  675        1   30.4    9.4    95.0   90.1      7   5616
 *
 * (SRC only from GHC 8 on; "ticks bytes" only with -P.)  The individual
 * columns are the cost centre's own, its children's excluded, so each line
 * is a stack (its ancestors' names, then its own) weighted by its own
 * cost.  A frame is "MODULE.NAME", as inferno's collapse-ghcprof writes
 * it.  The weight is the chosen sample type: the ticks column (the
 * default), the bytes column (alloc) or the individual %time in tenths of
 * a percent (time, inferno's default); a report of +RTS -p has no ticks
 * and bytes columns, and falls back to time with a note.
 */
#include <stdlib.h>

#include "format.h"

#define MAX_DEPTH 100000
#define MAX_COLS 16

/* The values of pf_ghc_sample_type (format.h). */
enum weight { W_TICKS, W_ALLOC, W_TIME };

struct ghc {
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	uint64_t line;
	/* the tree's header */
	size_t ncols;		/* numeric columns from "no." on */
	char colname[MAX_COLS][8];	/* their headings */
	int col;		/* the one weighed, counted from "no." */
	/* the stack of the line being read, root first */
	uint32_t *frames;
	size_t depth, cap;
	char *buf;
	size_t bcap;
	pf_count total;
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next blank-separated word of s[*i..n-1]: *i moves past it. */
static int
word(const char *s, size_t n, size_t *i, const char **w, size_t *wl)
{
	while (*i < n && is_blank(s[*i]))
		(*i)++;
	*w = s + *i;
	while (*i < n && !is_blank(s[*i]))
		(*i)++;
	*wl = (size_t)(s + *i - *w);
	return *wl > 0;
}

static int
word_is(const char *w, size_t wl, const char *x)
{
	return wl == strlen(x) && memcmp(w, x, wl) == 0;
}

/*
 * Whether s is the tree's header ("COST CENTRE MODULE [SRC] no. entries
 * %time %alloc %time %alloc [ticks bytes]"); fills the columns of g.
 */
static int
tree_header(struct ghc *g, const char *s, size_t n, enum weight want)
{
	const char *w, *mod;
	size_t i = 0, wl, k = 0, at_ticks = 0, at_bytes = 0;
	int seen_no = 0, pct = 0;

	if (!word(s, n, &i, &w, &wl) || !word_is(w, wl, "COST") ||
	    !word(s, n, &i, &w, &wl) || !word_is(w, wl, "CENTRE") ||
	    !word(s, n, &i, &mod, &wl) || !word_is(mod, wl, "MODULE"))
		return 0;
	while (word(s, n, &i, &w, &wl)) {
		if (word_is(w, wl, "no."))
			seen_no = 1;
		if (!seen_no)
			continue;
		if (k < MAX_COLS)
			snprintf(g->colname[k], sizeof(g->colname[k]), "%.*s",
			    (int)(wl < 7 ? wl : 7), w);
		if (word_is(w, wl, "ticks"))
			at_ticks = k;
		else if (word_is(w, wl, "bytes"))
			at_bytes = k;
		else if (word_is(w, wl, "%time") && pct++ == 0)
			g->col = (int)k;
		k++;
	}
	if (!seen_no || k < 6 || k > MAX_COLS)
		return 0;
	g->ncols = k;
	if (want == W_TICKS && at_ticks > 0)
		g->col = (int)at_ticks;
	else if (want == W_ALLOC && at_bytes > 0)
		g->col = (int)at_bytes;
	else if (want == W_ALLOC)
		g->col = -1;
	else		/* the individual %time */
		g->st->unit = PF_UNIT_COUNT;
	return 1;
}

/* A line of the tree. */
static int
tree_line(struct ghc *g, const char *s, size_t n)
{
	const char *col[MAX_COLS], *nm, *mod;
	size_t cl[MAX_COLS], nl, ml, end = n, ind = 0, i, k, m;
	pf_count w;
	uint32_t id;

	/* The numeric columns, from the right. */
	for (k = g->ncols; k > 0; k--) {
		while (end > 0 && is_blank(s[end - 1]))
			end--;
		i = end;
		while (i > 0 && !is_blank(s[i - 1]))
			i--;
		if (i == end)
			return pf_err(g->err, g->name, g->line, "a line of the cost-centre "
			    "tree with fewer than %zu numbers", g->ncols);
		col[k - 1] = s + i;
		cl[k - 1] = end - i;
		end = i;
	}
	while (ind < end && s[ind] == ' ')
		ind++;
	if (ind < end && s[ind] == '\t')
		return pf_err(g->err, g->name, g->line, "a tab in the indentation of "
		    "the cost-centre tree");
	/* GHC allows no blanks in a cost centre's name. */
	i = ind;
	if (!word(s, end, &i, &nm, &nl))
		return pf_err(g->err, g->name, g->line, "a line of the cost-centre "
		    "tree without a name");
	if (!word(s, end, &i, &mod, &ml))
		return pf_err(g->err, g->name, g->line, "a line of the cost-centre "
		    "tree without a module");
	if (ind > g->depth)
		return pf_err(g->err, g->name, g->line, "a cost centre indented %zu "
		    "blanks where at most %zu can be: a level is missing", ind, g->depth);
	if (ind >= MAX_DEPTH)
		return pf_err(g->err, g->name, g->line, "cost-centre tree deeper than %d",
		    MAX_DEPTH);
	for (k = 0; k < g->ncols; k++)
		if (pf_count_parse(col[k], cl[k], &w) != PF_COUNT_OK) {
			int rc = pf_count_parse(col[k], cl[k], &w);

			return pf_err(g->err, g->name, g->line, "%s in the %s column "
			    "of the cost-centre tree: '%.*s'", rc == PF_COUNT_OVERFLOW ?
			    "a number beyond 64 bits" : "not a number", g->colname[k],
			    (int)(cl[k] < 40 ? cl[k] : 40), col[k]);
		}
	(void)pf_count_parse(col[g->col], cl[g->col], &w);
	if (g->st->unit == PF_UNIT_COUNT)
		w *= 10;	/* tenths of a percent: %time <= 100 */
	/* "MODULE.NAME" */
	m = ml + 1 + nl;
	if (pf_grow(&g->buf, &g->bcap, m, 1) != 0 ||
	    pf_grow(&g->frames, &g->cap, ind + 1, sizeof(*g->frames)) != 0)
		return pf_nomem(g->err, g->name, g->line);
	memcpy(g->buf, mod, ml);
	g->buf[ml] = '.';
	memcpy(g->buf + ml + 1, nm, nl);
	m = pf_name_tidy(g->buf, m, 0);
	if ((id = pf_profile_intern(g->p, g->buf, m)) == UINT32_MAX)
		return pf_nomem(g->err, g->name, g->line);
	g->frames[ind] = id;
	g->depth = ind + 1;
	g->st->samples++;
	if (w == 0)
		return 0;
	if (pf_count_add(g->total, w, &g->total) != PF_COUNT_OK)
		return pf_err(g->err, g->name, g->line, "the counts add up to more "
		    "than 64 bits");
	if (pf_profile_add(g->p, g->frames, g->depth, w, 0, g->err) != 0) {
		pf_err_name(g->err, g->name);
		return -1;
	}
	return 0;
}

static int
report_line(const char *s, size_t len)
{
	return pf_mem_has(s, len, "Time and Allocation Profiling Report");
}

/* The title line GHC writes first; or, in a report cut above it, the
 * tree's header. */
int
pf_ghcprof_detect(const struct pf_peek *pk, size_t *where)
{
	size_t i, j, wl;
	const char *w;

	for (i = 0; i < pk->nlines && i < 4; i++)
		if (report_line(pk->line[i].s, pk->line[i].len)) {
			*where = i;
			return PF_CLAIM_LINE;
		}
	for (i = 0; i < pk->nlines; i++) {
		const char *s = pk->line[i].s;
		size_t n = pk->line[i].len;
		int no = 0, entries = 0;

		j = 0;
		if (!word(s, n, &j, &w, &wl) || !word_is(w, wl, "COST") ||
		    !word(s, n, &j, &w, &wl) || !word_is(w, wl, "CENTRE") ||
		    !word(s, n, &j, &w, &wl) || !word_is(w, wl, "MODULE"))
			continue;
		while (word(s, n, &j, &w, &wl)) {
			no |= word_is(w, wl, "no.");
			entries |= word_is(w, wl, "entries");
		}
		if (no && entries) {
			*where = i;
			return PF_CLAIM_LINE;
		}
	}
	return PF_CLAIM_NONE;
}

int
pf_ghc_sample_type(const struct pf_collapse_options *o, const char *name,
    struct pf_error *err)
{
	if (o->sample_type == NULL || strcmp(o->sample_type, "ticks") == 0)
		return W_TICKS;
	if (strcmp(o->sample_type, "alloc") == 0 || strcmp(o->sample_type, "bytes") == 0)
		return W_ALLOC;
	if (strcmp(o->sample_type, "time") == 0)
		return W_TIME;
	return pf_errc(err, PF_ERR_USAGE, name, 0, 0, "invalid --sample-type '%s' for "
	    "a GHC profile: expected ticks, alloc or time", o->sample_type);
}

/* "N ticks" in "total time  =  0.02 secs   (23 ticks @ 1000 us, 1 processor)". */
static int
total_ticks(const char *s, size_t n, uint64_t *t)
{
	const char *at = pf_mem_has(s, n, " ticks @") ? memchr(s, '(', n) : NULL;
	size_t i;

	if (!pf_mem_starts(s, n, "total time") || at == NULL)
		return 0;
	for (*t = 0, i = (size_t)(at - s) + 1; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		if (__builtin_mul_overflow(*t, 10, t) ||
		    __builtin_add_overflow(*t, (uint64_t)(s[i] - '0'), t))
			return 0;
	return i < n && s[i] == ' ';
}

/* "N" of "total alloc = 59,542,424 bytes": digits and thousands commas. */
static int
total_alloc(const char *s, size_t n, uint64_t *t)
{
	size_t i;

	if (!pf_mem_starts(s, n, "total alloc"))
		return 0;
	for (i = 11; i < n && (is_blank(s[i]) || s[i] == '='); i++)
		;
	for (*t = 0; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ','); i++)
		if (s[i] != ',' && (__builtin_mul_overflow(*t, 10, t) ||
		    __builtin_add_overflow(*t, (uint64_t)(s[i] - '0'), t)))
			return 0;
	return pf_mem_starts(s + i, n - i, " bytes");
}

int
pf_ghcprof_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct ghc g;
	const char *s;
	size_t n, i;
	uint64_t ticks = 0, alloc = 0;
	int lt, rc = -1, have_ticks = 0, have_alloc = 0, state = 0;
	enum weight want;

	memset(&g, 0, sizeof(g));
	g.p = p;
	g.st = st;
	g.err = err;
	g.name = pf_reader_name(r);
	if ((rc = pf_ghc_sample_type(o, g.name, err)) < 0)
		return -1;
	want = (enum weight)rc;
	rc = -1;
	st->unit = want == W_ALLOC ? PF_UNIT_BYTES : PF_UNIT_SAMPLES;
	/* state: 0 before the tree's header, 1 after it, 2 in the tree,
	 * 3 after it */
	while ((lt = pf_reader_line(r, &s, &n, err)) != PF_LINE_EOF) {
		g.line = pf_reader_lineno(r);
		if (lt == PF_LINE_ERROR)
			goto out;
		if (lt == PF_LINE_TOOLONG) {
			pf_err(err, g.name, g.line, "line longer than %u bytes", PF_LINE_MAX);
			goto out;
		}
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		for (i = 0; i < n && is_blank(s[i]); i++)
			;
		if (memchr(s, '\0', n) != NULL) {
			pf_err(err, g.name, g.line, "a NUL byte in a GHC profile");
			goto out;
		}
		if (state == 0) {
			if (total_ticks(s + i, n - i, &ticks))
				have_ticks = 1;
			else if (total_alloc(s + i, n - i, &alloc))
				have_alloc = 1;
			else if (tree_header(&g, s, n, want)) {
				if (g.col < 0) {
					pf_err(err, g.name, g.line, "this GHC profile has no bytes "
					    "column (it was recorded with +RTS -p; +RTS -P "
					    "records the bytes --sample-type alloc weighs by)");
					goto out;
				}
				state = 1;
			}
			continue;
		}
		if (i == n) {
			if (state == 2)
				state = 3;
			continue;
		}
		if (state == 3) {
			pf_err(err, g.name, g.line, "text after the cost-centre tree: '%.*s'",
			    (int)(n < 60 ? n : 60), s);
			goto out;
		}
		if (state == 1 && i > 0) {
			pf_err(err, g.name, g.line, "the cost-centre tree does not start "
			    "at its root (an indented first line)");
			goto out;
		}
		state = 2;
		if (tree_line(&g, s, n) != 0)
			goto out;
	}
	if (state == 0) {
		pf_err(err, g.name, 0, "no cost-centre tree (no line \"COST CENTRE "
		    "MODULE ... no. entries ...\"): a GHC profile cut short?");
		goto out;
	}
	if (st->unit == PF_UNIT_COUNT && want == W_TICKS)
		snprintf(st->note, sizeof(st->note), "this GHC profile has no ticks "
		    "column (+RTS -p, not -P): the counts are its %%time in tenths "
		    "of a percent");
	else if (want == W_TICKS && have_ticks && g.total != pf_count_from_u64(ticks))
		snprintf(st->note, sizeof(st->note), "the cost-centre tree holds %llu "
		    "ticks, but the report's total time says %llu",
		    (unsigned long long)(g.total / PF_COUNT_ONE), (unsigned long long)ticks);
	else if (want == W_ALLOC && have_alloc && g.total < pf_count_from_u64(alloc))
		snprintf(st->note, sizeof(st->note), "the cost-centre tree holds %llu "
		    "bytes, fewer than the report's total alloc, %llu",
		    (unsigned long long)(g.total / PF_COUNT_ONE), (unsigned long long)alloc);
	rc = 0;
out:
	free(g.frames);
	free(g.buf);
	return rc;
}
