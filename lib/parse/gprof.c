/*
 * gprof.c - gprof's call graph text to estimated folded stacks.
 *
 * gprof measures each function's self time and counts the calls along each
 * caller -> callee arc; it records no stacks.  The stacks are estimated the
 * way gprof itself propagates time: a function's self time is spread over
 * its callers in proportion to the calls each made, and so on up to the
 * roots.  Self-recursive arcs are not followed (the recursion is not
 * unrolled), and a path never visits a function twice, so the members of a
 * cycle appear once per path.  A caller is followed only when it can reach
 * a root without revisiting the path; a function without such a caller is
 * a root itself (as are <spontaneous> ones).  Splits are exact: the last
 * caller gets what the others left, so each function's self weight in the
 * output is exactly its self time in samples.
 *
 * The input is the text gprof prints, with or without -b, -q or -p: the
 * flat profile gives the sample period ("Each sample counts as 0.01
 * seconds.") and, without a call graph, the stacks of one frame; the call
 * graph entries give self times and arcs.
 */
#include <stdlib.h>

#include "format.h"

/* Work (paths expanded, arcs searched) before giving up on a call graph
 * too tangled to expand. */
#define MAX_STEPS 20000000u

struct arc {
	uint32_t caller;	/* function index */
	uint64_t calls;
};

struct func {
	uint32_t frame;		/* UINT32_MAX: not seen as a primary line */
	pf_count self_s;	/* self seconds, from the call graph */
	int has_self;
	struct arc *callers;
	size_t ncallers, cap;
	int spontaneous;
};

struct flat {
	uint32_t frame;
	pf_count self_s;
};

struct gprof {
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;

	struct func *f;		/* by gprof's index [N] */
	size_t nf, fcap;
	struct flat *flat;
	size_t nflat, flatcap;
	pf_count period;	/* seconds per sample, 0 until known */
	pf_count total_s;	/* from the granularity line */
	uint64_t pct_samples;	/* 100 / its percentage, rounded */

	/* expansion */
	unsigned char *onpath;
	uint32_t *seen, gen;	/* viable(): visited in search number gen */
	uint32_t *todo;
	uint32_t *stack;	/* leaf first */
	size_t depth, stackcap;
	uint64_t steps;
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

/* "name <cycle 2> [5]": the name, its index (or -1 without one). */
static int
name_index(const char *s, size_t n, const char **name, size_t *nlen, uint64_t *idx)
{
	size_t e = n, b;
	const char *cyc;

	while (e > 0 && is_blank(s[e - 1]))
		e--;
	*idx = UINT64_MAX;
	if (e > 0 && s[e - 1] == ']') {
		for (b = e - 1; b > 0 && s[b - 1] != '['; b--)
			;
		if (b > 0 && parse_u64(s + b, e - 1 - b, idx) == 0) {
			e = b - 1;
			while (e > 0 && is_blank(s[e - 1]))
				e--;
		} else {
			*idx = UINT64_MAX;
		}
	}
	/* A cycle member's " <cycle N>" is not part of its name. */
	if (e > 0 && s[e - 1] == '>' && (cyc = memmem(s, e, " <cycle ", 8)) != NULL &&
	    (size_t)(cyc - s) > 0)
		e = (size_t)(cyc - s);
	b = 0;
	while (b < e && is_blank(s[b]))
		b++;
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

static struct func *
func_at(struct gprof *g, uint64_t idx)
{
	size_t old = g->nf;

	if (idx > 10000000)
		return NULL;
	if (idx >= g->nf) {
		if (pf_grow(&g->f, &g->fcap, (size_t)idx + 1, sizeof(*g->f)) != 0)
			return NULL;
		g->nf = (size_t)idx + 1;
		memset(g->f + old, 0, (g->nf - old) * sizeof(*g->f));
		for (; old < g->nf; old++)
			g->f[old].frame = UINT32_MAX;
	}
	return &g->f[idx];
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

/* "granularity: each sample hit covers 2 byte(s) for 1.19% of 0.84 seconds" */
static void
granularity(struct gprof *g, const char *s, size_t n)
{
	const char *f = memmem(s, n, " for ", 5), *pc, *of, *e;
	pf_count pct;

	if (f == NULL || (pc = memchr(f, '%', (size_t)(s + n - f))) == NULL ||
	    (of = memmem(pc, (size_t)(s + n - pc), "% of ", 5)) == NULL)
		return;
	e = memchr(of + 5, ' ', (size_t)(s + n - of - 5));
	if (e == NULL ||
	    pf_count_parse(f + 5, (size_t)(pc - f - 5), &pct) != PF_COUNT_OK ||
	    pf_count_parse(of + 5, (size_t)(e - of - 5), &g->total_s) != PF_COUNT_OK ||
	    pct == 0)
		return;
	/* One sample is pct percent of the total: 100 / pct samples. */
	g->pct_samples = (uint64_t)((100 * PF_COUNT_ONE + pct / 2) / pct);
}

/* A row of the flat profile: 3 or 6 numbers, then the name. */
static int
flat_row(struct gprof *g, const char *s, size_t n)
{
	const char *t[6], *tok;
	size_t tl[6], i = 0, k = 0, len, save;
	struct flat *fl;

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
		return pf_err(g->err, g->name, 0, "out of memory");
	fl = &g->flat[g->nflat];
	if (pf_count_parse(t[2], tl[2], &fl->self_s) != PF_COUNT_OK)
		return 0;
	len = n;
	while (len > i && is_blank(s[len - 1]))
		len--;
	if ((fl->frame = intern(g, s + i, len - i)) == UINT32_MAX)
		return pf_err(g->err, g->name, 0, "out of memory");
	g->nflat++;
	return 0;
}

/*
 * A line of a call graph entry.  Before the primary line ("[N] ...") they
 * are the callers; after it, the callees, which are skipped (each is a
 * caller line of the callee's own entry).
 */
struct entry {
	struct arc *callers;
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
	struct func *f;

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
		if (k < 3 || name_index(s + i, n - i, &name, &nlen, &idx) != 0 ||
		    idx == UINT64_MAX)
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
			return pf_err(g->err, g->name, line, "out of memory");
		if (pf_count_parse(num[1], numl[1], &f->self_s) != PF_COUNT_OK)
			return pf_err(g->err, g->name, line, "bad self time");
		f->has_self = 1;
		f->spontaneous = e->spontaneous;
		/* Keep the callers, all but the function itself. */
		for (k = 0; k < e->n; k++) {
			if (e->callers[k].caller == idx)
				continue;
			if (pf_grow(&f->callers, &f->cap, f->ncallers + 1,
			    sizeof(*f->callers)) != 0)
				return pf_err(g->err, g->name, line, "out of memory");
			f->callers[f->ncallers++] = e->callers[k];
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
	if (k == 0 || name_index(s + i, n - i, &name, &nlen, &idx) != 0 ||
	    idx == UINT64_MAX || idx > UINT32_MAX)
		return pf_err(g->err, g->name, line, "cannot read this call graph line");
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
		return pf_err(g->err, g->name, line, "out of memory");
	e->callers[e->n].caller = (uint32_t)idx;
	e->callers[e->n++].calls = calls;
	return 0;
}

/*
 * Whether c can reach a root without passing through the path: a search
 * of the callers with the path's functions removed.  Any walk that gets
 * there contains a simple path, so one visit per function is enough and
 * the search is linear, not a walk over every path.
 */
static int
viable(struct gprof *g, uint32_t c)
{
	size_t top = 0, k;
	int found = 0;

	if (++g->gen == 0) {
		memset(g->seen, 0, g->nf * sizeof(*g->seen));
		g->gen = 1;
	}
	g->todo[top++] = c;
	g->seen[c] = g->gen;
	while (top > 0 && !found) {
		struct func *f = &g->f[g->todo[--top]];
		int callers = 0;

		for (k = 0; k < f->ncallers; k++) {
			uint32_t x = f->callers[k].caller;

			if (++g->steps > MAX_STEPS)
				return -1;
			if (x >= g->nf || g->f[x].frame == UINT32_MAX)
				continue;
			callers = 1;
			if (g->onpath[x] || g->seen[x] == g->gen)
				continue;
			g->seen[x] = g->gen;
			g->todo[top++] = x;
		}
		found = !callers;
	}
	return found;
}

static int
emit(struct gprof *g, pf_count w)
{
	uint32_t *frames = malloc((g->depth + 1) * sizeof(*frames));
	size_t i;
	int rc;

	if (frames == NULL)
		return pf_err(g->err, g->name, 0, "out of memory");
	for (i = 0; i < g->depth; i++)
		frames[i] = g->stack[g->depth - 1 - i];
	rc = pf_profile_add(g->p, frames, g->depth, w, 0, g->err);
	if (rc != 0)
		pf_err_name(g->err, g->name);
	free(frames);
	return rc;
}

static int
too_tangled(struct gprof *g)
{
	return pf_err(g->err, g->name, 0, "the call graph is too tangled to "
	    "estimate stacks from (more than %u steps)", MAX_STEPS);
}

/* Spreads w, the weight of the stack g->stack (leaf first, top fi), over
 * the callers of fi. */
static int
expand(struct gprof *g, uint32_t fi, pf_count w)
{
	struct func *f = &g->f[fi];
	uint64_t total = 0;
	size_t k, nv = 0, last = 0;
	unsigned char *ok;
	pf_count left = w, part;
	int rc = -1, v;

	if (++g->steps > MAX_STEPS)
		return too_tangled(g);
	ok = calloc(f->ncallers + 1, 1);
	if (ok == NULL || pf_grow(&g->stack, &g->stackcap, g->depth + 1,
	    sizeof(*g->stack)) != 0) {
		free(ok);
		return pf_err(g->err, g->name, 0, "out of memory");
	}
	g->onpath[fi] = 1;
	for (k = 0; k < f->ncallers; k++) {
		uint32_t c = f->callers[k].caller;

		if (c >= g->nf || g->f[c].frame == UINT32_MAX || g->onpath[c])
			continue;
		if ((v = viable(g, c)) < 0) {
			too_tangled(g);
			goto out;
		}
		if (v) {
			ok[k] = 1;
			nv++;
			last = k;
			total += f->callers[k].calls;
		}
	}
	if (nv == 0) {
		rc = emit(g, w);
		goto out;
	}
	for (k = 0; k < f->ncallers; k++) {
		if (!ok[k])
			continue;
		if (k == last) {
			part = left;
		} else if (total == 0) {
			part = w / nv;
		} else {
			uint64_t c = f->callers[k].calls;

			/* w * c / total without overflowing 128 bits. */
			part = (w / total) * c + (w % total) * c / total;
		}
		left -= part;
		if (part == 0)
			continue;
		g->stack[g->depth++] = g->f[f->callers[k].caller].frame;
		rc = expand(g, f->callers[k].caller, part);
		g->depth--;
		if (rc != 0)
			goto out;
	}
	rc = 0;
out:
	g->onpath[fi] = 0;
	free(ok);
	return rc;
}

/* Self seconds as samples. */
static pf_count
samples_of(struct gprof *g, pf_count s)
{
	return s / g->period * PF_COUNT_ONE + s % g->period * PF_COUNT_ONE / g->period;
}

static int
fold(struct gprof *g)
{
	size_t i, nfuncs = 0;
	pf_count w;
	uint32_t fr;

	if (g->period == 0 && g->pct_samples > 0)
		g->period = g->total_s / g->pct_samples;
	if (g->period == 0)
		return pf_err(g->err, g->name, 0, "no sample period (neither \"Each "
		    "sample counts as ...\" nor a granularity line with a time)");
	for (i = 0; i < g->nf; i++)
		nfuncs += g->f[i].frame != UINT32_MAX;
	if (nfuncs == 0) {
		/* A flat profile alone: stacks of one frame. */
		for (i = 0; i < g->nflat; i++) {
			w = samples_of(g, g->flat[i].self_s);
			fr = g->flat[i].frame;
			g->st->samples++;
			if (w > 0 && pf_profile_add(g->p, &fr, 1, w, 0, g->err) != 0) {
				pf_err_name(g->err, g->name);
				return -1;
			}
		}
		return 0;
	}
	g->onpath = calloc(g->nf + 1, 1);
	g->seen = calloc(g->nf + 1, sizeof(*g->seen));
	g->todo = malloc((g->nf + 1) * sizeof(*g->todo));
	if (g->onpath == NULL || g->seen == NULL || g->todo == NULL)
		return pf_err(g->err, g->name, 0, "out of memory");
	for (i = 0; i < g->nf; i++) {
		if (g->f[i].frame == UINT32_MAX)
			continue;
		g->st->samples++;
		w = samples_of(g, g->f[i].self_s);
		if (w == 0)
			continue;
		g->depth = 0;
		if (pf_grow(&g->stack, &g->stackcap, 1, sizeof(*g->stack)) != 0)
			return pf_err(g->err, g->name, 0, "out of memory");
		g->stack[g->depth++] = g->f[i].frame;
		if (expand(g, (uint32_t)i, w) != 0)
			return -1;
	}
	return 0;
}

/* A heading of gprof's, or the line above its call graph. */
static int
gprof_line(const char *s, size_t len)
{
	return pf_peek_starts(s, len, "Flat profile:") ||
	    pf_peek_starts(s, len, "Call graph") ||
	    (pf_peek_starts(s, len, "index % time") && memmem(s, len, "called", 6) != NULL) ||
	    memmem(s, len, "granularity: each sample hit covers", 35) != NULL;
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
	int rc = -1, lt, rows = 0, seen = 0;

	PF_UNUSED(o);
	memset(&g, 0, sizeof(g));
	memset(&e, 0, sizeof(e));
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
			/* A blank line ends a table once it has rows. */
			if (rows)
				sect = sect == FLAT || sect == GRAPH ? DONE : sect;
			rows = 0;
			continue;
		}
		if (n - i >= 13 && memcmp(s + i, "Flat profile:", 13) == 0) {
			sect = FLAT;
			seen = 1;
			continue;
		}
		if (memmem(s, n, "Each sample counts as ", 22) != NULL) {
			sample_period(&g, s, n);
			continue;
		}
		if (memmem(s, n, "granularity: each sample hit covers", 35) != NULL) {
			granularity(&g, s, n);
			seen = 1;
			continue;
		}
		if (n - i >= 5 && memcmp(s + i, "index", 5) == 0 &&
		    memmem(s, n, "called", 6) != NULL) {
			sect = GRAPH;
			rows = 0;
			seen = 1;
			continue;
		}
		if (sect == FLAT) {
			if (flat_row(&g, s, n) != 0)
				goto out;
			rows = 1;
		} else if (sect == GRAPH) {
			if (graph_line(&g, &e, s, n, line) != 0)
				goto out;
			rows = 1;
		}
	}
	if (!seen) {
		pf_err(err, g.name, 0, "no flat profile or call graph of gprof found");
		goto out;
	}
	rc = fold(&g);
out:
	for (i = 0; i < g.nf; i++)
		free(g.f[i].callers);
	free(g.f);
	free(g.flat);
	free(g.onpath);
	free(g.seen);
	free(g.todo);
	free(g.stack);
	free(e.callers);
	return rc;
}
