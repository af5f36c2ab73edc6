/*
 * callgraph.c - estimated stacks from a call graph, for the profilers that
 * record self costs and caller -> callee arcs but no stacks (gprof,
 * callgrind, Python's cProfile).
 *
 * A function's self cost is spread over its callers in proportion to the
 * weight of each arc (calls, or the cost that went through it), and so on
 * up to the roots.  Self-recursive arcs are not followed (the recursion is
 * not unrolled), and a path never visits a function twice, so the members
 * of a cycle appear once per path.  A caller is followed only when it can
 * reach a root without revisiting the path; a function without such a
 * caller is a root itself.  Splits are exact: the last caller gets what
 * the others left, so each function's self weight in the output is exactly
 * its self cost.  The work is bounded (PF_CG_MAX_STEPS): a graph too
 * tangled to expand is refused rather than expanded for hours.
 */
#include <stdlib.h>

#include "format.h"

void
pf_callgraph_init(struct pf_callgraph *g, struct pf_profile *p, const char *name,
    struct pf_error *err)
{
	memset(g, 0, sizeof(*g));
	g->p = p;
	g->name = name;
	g->err = err;
}

void
pf_callgraph_release(struct pf_callgraph *g)
{
	free(g->arcs);
	free(g->flags);
	free(g->ok);
	free(g->node);
	free(g->onpath);
	free(g->seen);
	free(g->todo);
	free(g->stack);
	free(g->frames);
	memset(g, 0, sizeof(*g));
}

struct pf_cg_node *
pf_callgraph_node(struct pf_callgraph *g, size_t i)
{
	size_t old = g->n;

	if (i >= UINT32_MAX)
		return NULL;
	if (i >= g->n) {
		if (pf_grow(&g->node, &g->cap, i + 1, sizeof(*g->node)) != 0)
			return NULL;
		g->n = i + 1;
		memset(g->node + old, 0, (g->n - old) * sizeof(*g->node));
		for (; old < g->n; old++)
			g->node[old].frame = UINT32_MAX;
	}
	return &g->node[i];
}

/* Arcs held before merging them as they are added is first worth it. */
#define CG_COMPACT_MIN ((size_t)1 << 16)

void
pf_callgraph_merge_as_added(struct pf_callgraph *g)
{
	g->compact_at = CG_COMPACT_MIN;
}

static int
by_callee_caller(const void *a, const void *b)
{
	const struct pf_cg_arc *x = a, *y = b;

	if (x->callee != y->callee)
		return (x->callee > y->callee) - (x->callee < y->callee);
	return (x->caller > y->caller) - (x->caller < y->caller);
}

/*
 * Merges the arcs between the same two nodes (summing their weights, as
 * pf_callgraph_merge_arcs does), before they are indexed; the next merge
 * waits until the arcs have doubled, so the sorting stays O(n log n) over
 * the whole input.
 */
static void
compact_arcs(struct pf_callgraph *g)
{
	size_t k, o;

	qsort(g->arcs, g->narcs, sizeof(*g->arcs), by_callee_caller);
	for (k = 1, o = 0; k < g->narcs; k++) {
		struct pf_cg_arc *a = &g->arcs[o], *b = &g->arcs[k];

		if (a->callee == b->callee && a->caller == b->caller)
			a->weight = a->weight > UINT64_MAX - b->weight ? UINT64_MAX :
			    a->weight + b->weight;
		else
			g->arcs[++o] = *b;
	}
	g->narcs = g->narcs > 0 ? o + 1 : 0;
	g->compact_at = g->narcs * 2 > CG_COMPACT_MIN ? g->narcs * 2 : CG_COMPACT_MIN;
}

int
pf_callgraph_arc(struct pf_callgraph *g, size_t callee, uint32_t caller, uint64_t weight)
{
	if (g->compact_at > 0 && g->narcs >= g->compact_at && !g->indexed)
		compact_arcs(g);
	if (pf_callgraph_node(g, callee) == NULL ||
	    pf_grow(&g->arcs, &g->acap, g->narcs + 1, sizeof(*g->arcs)) != 0)
		return -1;
	g->arcs[g->narcs++] = (struct pf_cg_arc){ caller, (uint32_t)callee, weight };
	return 0;
}

/*
 * Orders the arcs by callee, keeping the order they came in for each (a
 * counting sort: linear and stable), and points each node at its own.
 * -1 when memory runs out.
 */
static int
index_arcs(struct pf_callgraph *g)
{
	struct pf_cg_arc *by;
	size_t i, *start;

	if (g->indexed)
		return 0;
	by = malloc((g->narcs + 1) * sizeof(*by));
	start = calloc(g->n + 1, sizeof(*start));
	if (by == NULL || start == NULL) {
		free(by);
		free(start);
		return -1;
	}
	for (i = 0; i < g->narcs; i++)
		start[g->arcs[i].callee + 1]++;
	for (i = 0; i < g->n; i++)
		start[i + 1] += start[i];
	for (i = 0; i < g->n; i++)
		g->node[i].ncallers = start[i + 1] - start[i];
	for (i = 0; i < g->narcs; i++)
		by[start[g->arcs[i].callee]++] = g->arcs[i];
	free(start);
	free(g->arcs);
	g->arcs = by;
	g->acap = g->narcs + 1;
	for (i = 0; i < g->n; i++) {
		g->node[i].callers = by;
		by += g->node[i].ncallers;
	}
	g->indexed = 1;
	return 0;
}

static int
by_caller(const void *a, const void *b)
{
	const struct pf_cg_arc *x = a, *y = b;

	return (x->caller > y->caller) - (x->caller < y->caller);
}

int
pf_callgraph_merge_arcs(struct pf_callgraph *g)
{
	size_t i, k, o, n = 0;

	if (index_arcs(g) != 0)
		return pf_nomem(g->err, g->name, 0);
	for (i = 0; i < g->n; i++) {
		struct pf_cg_node *f = &g->node[i];

		/* Moved down over the arcs the merges before took out. */
		memmove(g->arcs + n, f->callers, f->ncallers * sizeof(*f->callers));
		f->callers = g->arcs + n;
		if (f->ncallers >= 2) {
			qsort(f->callers, f->ncallers, sizeof(*f->callers), by_caller);
			for (k = 1, o = 0; k < f->ncallers; k++) {
				if (f->callers[k].caller == f->callers[o].caller) {
					uint64_t *w = &f->callers[o].weight;

					*w = *w > UINT64_MAX - f->callers[k].weight ? UINT64_MAX :
					    *w + f->callers[k].weight;
				} else {
					f->callers[++o] = f->callers[k];
				}
			}
			f->ncallers = o + 1;
		}
		n += f->ncallers;
	}
	g->narcs = n;
	return 0;
}

/* Whether c is a function of the graph. */
static int
present(const struct pf_callgraph *g, uint32_t c)
{
	return c < g->n && g->node[c].frame != UINT32_MAX;
}

/*
 * Whether c can reach a root without passing through the path: a search
 * of the callers with the path's functions removed.  Any walk that gets
 * there contains a simple path, so one visit per function is enough and
 * the search is linear, not a walk over every path.
 */
static int
viable(struct pf_callgraph *g, uint32_t c)
{
	size_t top = 0, k;
	int found = 0;

	if (++g->gen == 0) {
		memset(g->seen, 0, g->n * sizeof(*g->seen));
		g->gen = 1;
	}
	g->todo[top++] = c;
	g->seen[c] = g->gen;
	while (top > 0 && !found) {
		struct pf_cg_node *f = &g->node[g->todo[--top]];
		int callers = 0;

		for (k = 0; k < f->ncallers; k++) {
			uint32_t x = f->callers[k].caller;

			if (++g->steps > PF_CG_MAX_STEPS)
				return -1;
			if (!present(g, x))
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

enum { CG_CYCLIC = 1, CG_REACHES_ROOT = 2 };

/*
 * Sets g->flags: whether each function is on a cycle of callers (its
 * strongly connected component has more than one function; a function
 * calling itself alone is not), and whether it reaches a root.  Tarjan's
 * algorithm, without recursion; it finishes every component after those
 * above it, so whether a component reaches a root is known from theirs.
 *
 * A path being expanded is made of callees of the caller c considered
 * next, so a function on the path that was also above c would close a
 * cycle through c: when c is on no cycle, the path cannot be in its way,
 * and viable(c) is whether c reaches a root at all, known without a
 * search.  Returns -1 when memory runs out.
 */
static int
components(struct pf_callgraph *g)
{
	size_t n = g->n, sp = 0, csp = 0, i, k, top;
	uint32_t *idx = calloc(n + 1, sizeof(*idx)), *low = malloc((n + 1) * sizeof(*low));
	uint32_t *stk = malloc((n + 1) * sizeof(*stk)), *cs = malloc((n + 1) * sizeof(*cs));
	uint32_t *pos = malloc((n + 1) * sizeof(*pos)), next = 1;
	unsigned char *done = calloc(n + 1, 1);
	int rc = -1;

	free(g->flags);
	g->flags = calloc(n + 1, 1);
	if (idx == NULL || low == NULL || stk == NULL || cs == NULL || pos == NULL ||
	    done == NULL || g->flags == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (!present(g, (uint32_t)i) || idx[i] != 0)
			continue;
		idx[i] = low[i] = next++;
		pos[i] = 0;
		stk[sp++] = cs[csp++] = (uint32_t)i;
		while (csp > 0) {
			uint32_t v = cs[csp - 1], w;
			struct pf_cg_node *f = &g->node[v];

			if (pos[v] < f->ncallers) {
				w = f->callers[pos[v]++].caller;
				if (!present(g, w) || w == v || done[w])
					continue;
				if (idx[w] == 0) {
					idx[w] = low[w] = next++;
					pos[w] = 0;
					stk[sp++] = cs[csp++] = w;
				} else if (idx[w] < low[v]) {
					low[v] = idx[w];
				}
				continue;
			}
			if (--csp > 0 && low[v] < low[cs[csp - 1]])
				low[cs[csp - 1]] = low[v];
			if (low[v] != idx[v])
				continue;
			/* v's component is stk[top..sp): those above it are
			 * done, with their flags. */
			for (top = sp - 1; stk[top] != v; top--)
				;
			for (k = top; k < sp; k++)
				done[stk[k]] = 2;	/* this component */
			{
				unsigned char fl = sp - top > 1 ? CG_CYCLIC : 0;

				for (k = top; k < sp && !(fl & CG_REACHES_ROOT); k++) {
					struct pf_cg_node *m = &g->node[stk[k]];
					size_t a;
					int callers = 0;

					for (a = 0; a < m->ncallers; a++) {
						uint32_t x = m->callers[a].caller;

						if (!present(g, x))
							continue;
						callers = 1;
						if (done[x] == 1 && (g->flags[x] & CG_REACHES_ROOT))
							fl |= CG_REACHES_ROOT;
					}
					if (!callers)
						fl |= CG_REACHES_ROOT;
				}
				for (k = top; k < sp; k++) {
					g->flags[stk[k]] = fl;
					done[stk[k]] = 1;
				}
			}
			sp = top;
		}
	}
	rc = 0;
out:
	free(idx);
	free(low);
	free(stk);
	free(cs);
	free(pos);
	free(done);
	return rc;
}

static int
too_tangled(struct pf_callgraph *g)
{
	return pf_err(g->err, g->name, 0, "the call graph is too tangled to "
	    "estimate stacks from (more than %u steps)", PF_CG_MAX_STEPS);
}

static int
emit(struct pf_callgraph *g, pf_count w)
{
	size_t i;

	/* A stack costs its frames: deep chains of callers are bounded by
	 * what they write, not only by the calls that found them. */
	g->steps += g->depth;
	if (g->steps > PF_CG_MAX_STEPS)
		return too_tangled(g);
	if (pf_grow(&g->frames, &g->fcap, g->depth + 1, sizeof(*g->frames)) != 0)
		return pf_nomem(g->err, g->name, 0);
	for (i = 0; i < g->depth; i++)
		g->frames[i] = g->stack[g->depth - 1 - i];
	g->added++;
	if (pf_profile_add(g->p, g->frames, g->depth, w, 0, g->err) != 0) {
		pf_err_name(g->err, g->name);
		return -1;
	}
	return 0;
}

/* Spreads w, the weight of the stack g->stack (leaf first, top fi), over
 * the callers of fi. */
static int
expand(struct pf_callgraph *g, uint32_t fi, pf_count w)
{
	struct pf_cg_node *f = &g->node[fi];
	uint64_t total = 0;
	size_t k, nv = 0, last = 0, ok = g->oktop;	/* its flags: g->ok + ok */
	pf_count left = w, part;
	int rc = -1, v;

	if (++g->steps > PF_CG_MAX_STEPS)
		return too_tangled(g);
	if (pf_grow(&g->ok, &g->okcap, ok + f->ncallers + 1, 1) != 0 ||
	    pf_grow(&g->stack, &g->stackcap, g->depth + 1, sizeof(*g->stack)) != 0)
		return pf_nomem(g->err, g->name, 0);
	memset(g->ok + ok, 0, f->ncallers);
	g->oktop = ok + f->ncallers;
	g->onpath[fi] = 1;
	for (k = 0; k < f->ncallers; k++) {
		uint32_t c = f->callers[k].caller;

		if (!present(g, c) || g->onpath[c])
			continue;
		if (!(g->flags[c] & CG_CYCLIC))
			v = (g->flags[c] & CG_REACHES_ROOT) != 0;
		else if ((v = viable(g, c)) < 0) {
			too_tangled(g);
			goto out;
		}
		if (v) {
			g->ok[ok + k] = 1;
			nv++;
			last = k;
			total = total > UINT64_MAX - f->callers[k].weight ? UINT64_MAX :
			    total + f->callers[k].weight;
		}
	}
	if (nv == 0) {
		rc = emit(g, w);
		goto out;
	}
	for (k = 0; k < f->ncallers; k++) {
		if (!g->ok[ok + k])
			continue;
		if (k == last) {
			part = left;
		} else if (total == 0) {
			part = w / nv;
		} else {
			uint64_t c = f->callers[k].weight;

			/* w * c / total without overflowing 128 bits. */
			part = (w / total) * c + (w % total) * c / total;
		}
		if (g->quantum > 0)
			part -= part % g->quantum;
		if (part > left)
			part = left;
		left -= part;
		if (part == 0)
			continue;
		g->stack[g->depth++] = g->node[f->callers[k].caller].frame;
		rc = expand(g, f->callers[k].caller, part);
		g->depth--;
		if (rc != 0)
			goto out;
	}
	rc = 0;
out:
	g->onpath[fi] = 0;
	g->oktop = ok;
	return rc;
}

int
pf_callgraph_fold(struct pf_callgraph *g, uint64_t *functions)
{
	size_t i;

	*functions = 0;
	if (index_arcs(g) != 0)
		return pf_nomem(g->err, g->name, 0);
	free(g->onpath);
	free(g->seen);
	free(g->todo);
	g->onpath = calloc(g->n + 1, 1);
	g->seen = calloc(g->n + 1, sizeof(*g->seen));
	g->todo = malloc((g->n + 1) * sizeof(*g->todo));
	if (g->onpath == NULL || g->seen == NULL || g->todo == NULL || components(g) != 0)
		return pf_nomem(g->err, g->name, 0);
	for (i = 0; i < g->n; i++) {
		if (g->node[i].frame == UINT32_MAX)
			continue;
		(*functions)++;
		if (g->node[i].self == 0)
			continue;
		g->depth = 0;
		if (pf_grow(&g->stack, &g->stackcap, 1, sizeof(*g->stack)) != 0)
			return pf_nomem(g->err, g->name, 0);
		g->stack[g->depth++] = g->node[i].frame;
		if (expand(g, (uint32_t)i, g->node[i].self) != 0)
			return -1;
	}
	return 0;
}
