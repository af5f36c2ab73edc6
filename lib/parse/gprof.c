/*
 * gprof.c - gprof's call graph text to estimated folded stacks.
 *
 * gprof measures each function's self time and counts the calls along each
 * caller -> callee arc; it records no stacks.  The stacks are estimated the
 * way gprof itself propagates time (callgraph.c): a function's self time is
 * spread over its callers in proportion to the calls each made, and so on
 * up to the roots; a function without a caller, or only <spontaneous>
 * ones, is a root.
 *
 * The input is the text gprof prints, with or without -b, -q or -p: the
 * flat profile gives the sample period ("Each sample counts as 0.01
 * seconds.") and, without a call graph, the stacks of one frame; the call
 * graph entries give self times and arcs.
 */
#include <stdlib.h>
#include <strings.h>

#include "format.h"

struct flat {
	uint32_t frame;
	pf_count self_s;
};

struct gprof {
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;

	struct pf_callgraph cg;	/* nodes by gprof's index [N]; self in
				   seconds until fold() */
	struct flat *flat;
	size_t nflat, flatcap;
	pf_count period;	/* seconds per sample, 0 until known */
	pf_count gperiod;	/* the same from the granularity line */
	int untimed;		/* AIX: a granularity line without a period */

};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/* The next blank-separated token of s[*i..n). */
static int
token(const char *s, size_t n, size_t *i, const char **t, size_t *tl)
{
	while (*i < n && is_blank(s[*i]))
		(*i)++;
	if (*i == n)
		return 0;
	*t = s + *i;
	while (*i < n && !is_blank(s[*i]))
		(*i)++;
	*tl = (size_t)(s + *i - *t);
	return 1;
}

static int
numeric(const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || t[i] == '.' || t[i] == '/' ||
		    t[i] == '+'))
			return 0;
	return n > 0;
}

static int
parse_u64(const char *t, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9' ||
		    __builtin_mul_overflow(*v, 10, v) ||
		    __builtin_add_overflow(*v, (uint64_t)(t[i] - '0'), v))
			return -1;
	}
	return 0;
}

/*
 * "name <cycle 2> [5]": the name, its index (UINT64_MAX without one).  BSD
 * gprof writes the index of a function it does not list in the call graph
 * in parentheses, "mcount (41)": *unlisted is set for those.
 */
static int
name_index(const char *s, size_t n, const char **name, size_t *nlen, uint64_t *idx,
    int *unlisted)
{
	size_t e = n, b;
	const char *cyc;
	char open;

	while (e > 0 && is_blank(s[e - 1]))
		e--;
	*idx = UINT64_MAX;
	*unlisted = 0;
	if (e > 0 && (s[e - 1] == ']' || s[e - 1] == ')')) {
		open = s[e - 1] == ']' ? '[' : '(';
		for (b = e - 1; b > 0 && s[b - 1] != open; b--)
			;
		if (b > 1 && is_blank(s[b - 2]) && parse_u64(s + b, e - 1 - b, idx) == 0) {
			*unlisted = open == '(';
			e = b - 1;
			while (e > 0 && is_blank(s[e - 1]))
				e--;
		} else {
			*idx = UINT64_MAX;
		}
	}
	b = 0;
	while (b < e && is_blank(s[b]))
		b++;
	/* A cycle member's " <cycle N>" is not part of its name. */
	if (e > b && s[e - 1] == '>' &&
	    (cyc = memmem(s + b, e - b, " <cycle ", 8)) != NULL && cyc > s + b)
		e = (size_t)(cyc - s);
	*name = s + b;
	*nlen = e - b;
	return *nlen > 0 ? 0 : -1;
}

static uint32_t
intern(struct gprof *g, const char *s, size_t n)
{
	char *tmp = malloc(n + 1);
	uint32_t id;
	size_t i;

	if (tmp == NULL)
		return UINT32_MAX;
	for (i = 0; i < n; i++)
		tmp[i] = s[i] == ';' ? ':' : s[i];
	id = pf_profile_intern(g->p, tmp, n);
	free(tmp);
	return id;
}

static struct pf_cg_node *
func_at(struct gprof *g, uint64_t idx)
{
	if (idx > 10000000)
		return NULL;
	return pf_callgraph_node(&g->cg, (size_t)idx);
}

/* "Each sample counts as 0.01 seconds." */
static void
sample_period(struct gprof *g, const char *s, size_t n)
{
	const char *t = memmem(s, n, "counts as ", 10), *e;

	if (t == NULL)
		return;
	t += 10;
	e = memchr(t, ' ', (size_t)(s + n - t));
	if (e == NULL || (size_t)(s + n - e) < 8 || memcmp(e, " second", 7) != 0)
		return;
	if (pf_count_parse(t, (size_t)(e - t), &g->period) != PF_COUNT_OK)
		g->period = 0;
}

/*
 * The sample period that "P% of T seconds" stands for: one sample is P
 * percent of T.  P is printed with two decimals, so T / (100 / P) is not
 * exact; the period is a round one (0.01 s for a 100 Hz clock), so the
 * longest power of ten that divides T into a whole number of samples that
 * P, rounded, could stand for is taken, else T / round(100 / P).
 */
static pf_count
period_of(pf_count pct, pf_count total)
{
	double p = (double)pct / (double)PF_COUNT_ONE, t = (double)total / (double)PF_COUNT_ONE;
	pf_count q = PF_COUNT_ONE / 10;
	int k;

	for (k = 1; k <= 6; k++, q /= 10) {
		pf_count n = total / q;

		if (n > 0 && total % q == 0 &&
		    __builtin_fabs(100.0 / (double)n - p) <= 0.005 + 1e-9)
			return q;
	}
	if (p <= 0 || 100.0 / p + 0.5 > (double)UINT64_MAX)
		return 0;
	return (pf_count)(t / (double)(uint64_t)(100.0 / p + 0.5) * (double)PF_COUNT_ONE + 0.5);
}

/*
 * "granularity: each sample hit covers 2 byte(s) for 1.19% of 0.84 seconds"
 * (GNU, BSD; the first one counts), or AIX's "granularity: Each sample hit
 * covers 4 bytes. Time: 1.75 seconds", which gives no period.
 */
static void
granularity(struct gprof *g, const char *s, size_t n)
{
	const char *f = memmem(s, n, " for ", 5), *pc, *of, *e;
	pf_count pct, total;

	if ((e = memmem(s, n, "Time: ", 6)) != NULL) {
		g->untimed = 1;
		return;
	}
	if (f == NULL || (pc = memchr(f, '%', (size_t)(s + n - f))) == NULL ||
	    (of = memmem(pc, (size_t)(s + n - pc), "% of ", 5)) == NULL)
		return;
	e = memchr(of + 5, ' ', (size_t)(s + n - of - 5));
	if (e == NULL || g->gperiod != 0 ||
	    pf_count_parse(f + 5, (size_t)(pc - f - 5), &pct) != PF_COUNT_OK ||
	    pf_count_parse(of + 5, (size_t)(e - of - 5), &total) != PF_COUNT_OK ||
	    pct == 0)
		return;
	g->gperiod = period_of(pct, total);
}

/* A row of the flat profile: 3 or 6 numbers, then the name.  Returns 1
 * for a row, 0 for another line, -1 on error. */
static int
flat_row(struct gprof *g, const char *s, size_t n)
{
	const char *t[6], *tok, *name;
	size_t tl[6], i = 0, k = 0, len, save;
	struct flat *fl;
	uint64_t idx;
	int unlisted;

	for (;;) {
		save = i;
		if (k == 6 || !token(s, n, &i, &tok, &len) || !numeric(tok, len)) {
			i = save;
			break;
		}
		t[k] = tok;
		tl[k++] = len;
	}
	if (k != 3 && k != 6)
		return 0;
	while (i < n && is_blank(s[i]))
		i++;
	if (i == n)
		return 0;
	if (pf_grow(&g->flat, &g->flatcap, g->nflat + 1, sizeof(*g->flat)) != 0)
		return pf_nomem(g->err, g->name, 0);
	fl = &g->flat[g->nflat];
	if (pf_count_parse(t[2], tl[2], &fl->self_s) != PF_COUNT_OK)
		return 0;
	/* BSD gprof ends the name with its index, "[5]" or "(41)". */
	if (name_index(s + i, n - i, &name, &len, &idx, &unlisted) != 0)
		return 0;
	if ((fl->frame = intern(g, name, len)) == UINT32_MAX)
		return pf_nomem(g->err, g->name, 0);
	g->nflat++;
	return 1;
}

/*
 * A line of a call graph entry.  Before the primary line ("[N] ...") they
 * are the callers; after it, the callees, which are skipped (each is a
 * caller line of the callee's own entry).
 */
struct entry {
	struct pf_cg_arc *callers;
	size_t n, cap;
	int spontaneous;
	int primary_seen;
};

static int
graph_line(struct gprof *g, struct entry *e, const char *s, size_t n, uint64_t line)
{
	const char *tok, *name;
	size_t i = 0, len, nlen, k = 0, save;
	const char *num[4];
	size_t numl[4];
	uint64_t idx, calls;
	struct pf_cg_node *f;
	int unlisted;

	/* BSD gprof's heading around "index %time ...". */
	if (memmem(s, n, "called/total", 12) != NULL &&
	    (memmem(s, n, "parents", 7) != NULL || memmem(s, n, "children", 8) != NULL))
		return 0;
	if (n >= 5 && memcmp(s, "-----", 5) == 0) {
		e->n = 0;
		e->spontaneous = 0;
		e->primary_seen = 0;
		return 0;
	}
	if (s[0] == '[') {
		/* The primary line: [N] %time self children [called] name [N] */
		if (!token(s, n, &i, &tok, &len))
			return 0;
		for (;;) {
			save = i;
			if (k == 4 || !token(s, n, &i, &tok, &len) || !numeric(tok, len)) {
				i = save;
				break;
			}
			num[k] = tok;
			numl[k++] = len;
		}
		if (k < 3 || name_index(s + i, n - i, &name, &nlen, &idx, &unlisted) != 0 ||
		    idx == UINT64_MAX || unlisted)
			return pf_err(g->err, g->name, line, "cannot read this call "
			    "graph line");
		e->primary_seen = 1;
		/* "<cycle 2 as a whole>" is no function. */
		if (nlen >= 7 && memcmp(name, "<cycle ", 7) == 0)
			return 0;
		if ((f = func_at(g, idx)) == NULL)
			return pf_err(g->err, g->name, line, "function index %llu is "
			    "too large", (unsigned long long)idx);
		if (f->frame != UINT32_MAX)
			return pf_err(g->err, g->name, line, "function [%llu] has two "
			    "entries", (unsigned long long)idx);
		if ((f->frame = intern(g, name, nlen)) == UINT32_MAX)
			return pf_nomem(g->err, g->name, line);
		if (pf_count_parse(num[1], numl[1], &f->self) != PF_COUNT_OK)
			return pf_err(g->err, g->name, line, "bad self time");
		/* Keep the callers, all but the function itself. */
		for (k = 0; k < e->n; k++) {
			if (e->callers[k].caller == idx)
				continue;
			if (pf_callgraph_arc(&g->cg, (size_t)idx, e->callers[k].caller,
			    e->callers[k].weight) != 0)
				return pf_nomem(g->err, g->name, line);
		}
		e->n = 0;
		return 0;
	}
	if (e->primary_seen)
		return 0;
	if (memmem(s, n, "<spontaneous>", 13) != NULL) {
		e->spontaneous = 1;
		return 0;
	}
	/* A caller: [self children] calls[/total] name [N] */
	for (;;) {
		save = i;
		if (k == 3 || !token(s, n, &i, &tok, &len) || !numeric(tok, len)) {
			i = save;
			break;
		}
		num[k] = tok;
		numl[k++] = len;
	}
	if (k == 0 || name_index(s + i, n - i, &name, &nlen, &idx, &unlisted) != 0 ||
	    idx == UINT64_MAX || idx > UINT32_MAX)
		return pf_err(g->err, g->name, line, "cannot read this call graph line");
	/* A caller gprof does not list has no entry to follow. */
	if (unlisted)
		return 0;
	tok = num[k - 1];
	len = numl[k - 1];
	{
		const char *sl = memchr(tok, '/', len);

		if (sl != NULL)
			len = (size_t)(sl - tok);
		if (parse_u64(tok, len, &calls) != 0)
			return pf_err(g->err, g->name, line, "bad call count");
	}
	if (pf_grow(&e->callers, &e->cap, e->n + 1, sizeof(*e->callers)) != 0)
		return pf_nomem(g->err, g->name, line);
	e->callers[e->n].caller = (uint32_t)idx;
	e->callers[e->n++].weight = calls;
	return 0;
}

/* A line of prose: entries hold numbers, "[N]", "<spontaneous>", "---",
 * and BSD's "called/total" heading. */
static int
graph_prose(const char *s, size_t n)
{
	return n > 0 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
	    memmem(s, n, "called/total", 12) == NULL;
}

/* Self seconds as samples. */
static pf_count
samples_of(struct gprof *g, pf_count s)
{
	return s / g->period * PF_COUNT_ONE + s % g->period * PF_COUNT_ONE / g->period;
}

/*
 * Functions with self time in the flat profile but no entry in the call
 * graph (mcount, code built without -pg) are stacks of their own, so the
 * total is the flat profile's.
 */
static int
flat_only(struct gprof *g)
{
	size_t nframes = pf_profile_nframes(g->p), i;
	unsigned char *listed = calloc(nframes + 1, 1);
	uint32_t fr;
	pf_count w;
	int rc = 0;

	if (listed == NULL)
		return pf_nomem(g->err, g->name, 0);
	for (i = 0; i < g->cg.n; i++)
		if (g->cg.node[i].frame != UINT32_MAX && g->cg.node[i].frame < nframes)
			listed[g->cg.node[i].frame] = 1;
	for (i = 0; i < g->nflat && rc == 0; i++) {
		fr = g->flat[i].frame;
		if (fr < nframes && listed[fr])
			continue;
		w = samples_of(g, g->flat[i].self_s);
		g->st->samples++;
		g->cg.added += w > 0;
		if (w > 0 && pf_profile_add(g->p, &fr, 1, w, 0, g->err) != 0) {
			pf_err_name(g->err, g->name);
			rc = -1;
		}
	}
	free(listed);
	return rc;
}

static int
fold(struct gprof *g)
{
	size_t i, nfuncs = 0;
	uint64_t nfns;
	pf_count w;
	uint32_t fr;

	if (g->period == 0)
		g->period = g->gperiod;
	if (g->period == 0 && g->untimed) {
		/* The times are printed in hundredths of a second, so
		 * that is the unit, whatever the period. */
		g->period = PF_COUNT_ONE / 100;
		snprintf(g->st->note, sizeof(g->st->note), "the input gives no "
		    "sample period (AIX gprof): the counts are hundredths of a second");
	}
	if (g->period == 0)
		return pf_err(g->err, g->name, 0, "no sample period (neither \"Each "
		    "sample counts as ...\" nor a granularity line with a time)");
	for (i = 0; i < g->cg.n; i++)
		nfuncs += g->cg.node[i].frame != UINT32_MAX;
	if (nfuncs == 0) {
		/* A flat profile alone: stacks of one frame. */
		for (i = 0; i < g->nflat; i++) {
			w = samples_of(g, g->flat[i].self_s);
			fr = g->flat[i].frame;
			g->st->samples++;
			g->cg.added += w > 0;
			if (w > 0 && pf_profile_add(g->p, &fr, 1, w, 0, g->err) != 0) {
				pf_err_name(g->err, g->name);
				return -1;
			}
		}
		return 0;
	}
	for (i = 0; i < g->cg.n; i++)
		g->cg.node[i].self = samples_of(g, g->cg.node[i].self);
	if (pf_callgraph_fold(&g->cg, &nfns) != 0)
		return -1;
	g->st->samples += nfns;
	return flat_only(g);
}

/* gprof's headings, GNU and BSD ("Call graph:" is macOS sample's, not
 * gprof's). */
static int
gprof_line(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f'))
		i++;
	s += i;
	len -= i;
	return pf_mem_starts(s, len, "Flat profile:") ||
	    pf_mem_starts(s, len, "flat profile:") ||
	    (len == 10 && memcmp(s, "Call graph", 10) == 0) ||
	    pf_mem_starts(s, len, "Call graph (explanation follows)") ||
	    pf_mem_starts(s, len, "call graph profile:") ||
	    (pf_mem_starts(s, len, "index % time") && pf_mem_has(s, len, "called")) ||
	    (pf_mem_has(s, len, "granularity: ") && pf_mem_has(s, len, "ample hit covers "));
}

int
pf_gprof_detect(const struct pf_peek *pk, size_t *where)
{
	return pf_peek_claim_line(pk, where, gprof_line);
}

int
pf_gprof_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	enum { NONE, FLAT, GRAPH, DONE } sect = NONE;
	struct gprof g;
	struct entry e;
	const char *s;
	size_t n, i;
	int rc = -1, lt, rows = 0, seen = 0, bsd = 0;

	PF_UNUSED(o);
	memset(&g, 0, sizeof(g));
	memset(&e, 0, sizeof(e));
	pf_callgraph_init(&g.cg, p, pf_reader_name(r), err);
	g.p = p;
	g.st = st;
	g.err = err;
	g.name = pf_reader_name(r);
	while ((lt = pf_reader_line(r, &s, &n, err)) != PF_LINE_EOF) {
		uint64_t line = pf_reader_lineno(r);

		if (lt == PF_LINE_ERROR)
			goto out;
		if (lt == PF_LINE_TOOLONG) {
			pf_err(err, g.name, line, "line longer than %u bytes", PF_LINE_MAX);
			goto out;
		}
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		for (i = 0; i < n && is_blank(s[i]); i++)
			;
		if (i == n) {
			/* A blank line ends a table once it has rows, but for
			 * BSD's call graph, which has them between entries. */
			if (rows && !(sect == GRAPH && bsd))
				sect = sect == FLAT || sect == GRAPH ? DONE : sect;
			if (!(sect == GRAPH && bsd))
				rows = 0;
			continue;
		}
		/* GNU's "Flat profile:", BSD's "flat profile:". */
		if (n - i >= 13 && strncasecmp(s + i, "Flat profile:", 13) == 0) {
			sect = FLAT;
			rows = 0;
			seen = 1;
			continue;
		}
		if (memmem(s, n, "Each sample counts as ", 22) != NULL) {
			sample_period(&g, s, n);
			continue;
		}
		if (memmem(s, n, "granularity: ", 13) != NULL &&
		    memmem(s, n, "ample hit covers", 16) != NULL) {
			granularity(&g, s, n);
			seen = 1;
			continue;
		}
		if (n - i >= 5 && memcmp(s + i, "index", 5) == 0 &&
		    memmem(s, n, "called", 6) != NULL) {
			sect = GRAPH;
			rows = 0;
			seen = 1;
			/* "index %time self descendents called+self name
			 * index": the BSD layout (macOS, the BSDs, AIX). */
			bsd = memmem(s, n, "descendents", 11) != NULL;
			continue;
		}
		if (memmem(s, n, "Index by function name", 22) != NULL) {
			sect = DONE;
			continue;
		}
		if (sect == FLAT) {
			int fr = flat_row(&g, s, n);

			if (fr < 0)
				goto out;
			rows |= fr;
		} else if (sect == GRAPH && !graph_prose(s + i, n - i)) {
			if (graph_line(&g, &e, s, n, line) != 0)
				goto out;
			rows = 1;
		} else if (sect == GRAPH) {
			/* The explanation after the table (without -b). */
			sect = DONE;
		}
	}
	if (!seen) {
		pf_err(err, g.name, 0, "no flat profile or call graph of gprof found");
		goto out;
	}
	rc = fold(&g);
	if (rc == 0 && g.cg.added == 0)
		snprintf(st->note, sizeof(st->note), "no function has any self time, "
		    "so there is nothing to fold (gprof prints \"no time accumulated\" "
		    "when the program ran for less than one sample)");
out:
	pf_callgraph_release(&g.cg);
	free(g.flat);
	free(e.callers);
	return rc;
}
