/*
 * tree.c - the order in which the writers take the stacks, the frames'
 * order, and the call tree of the formats that are trees.
 *
 * Name order compares stacks frame by frame, each frame by its name's
 * bytes, a shorter name first (so "a;b" and its callees come before
 * "a;b c").  In that order all the stacks through a node of the call tree
 * follow each other, so a stack shares with the one before it exactly the
 * nodes it has in common with any earlier stack: the tree grows by
 * comparing each stack with the previous one, with no lookup, and its
 * nodes are made in preorder.  Folded input is nearly always in name
 * order already (pf sorts by the folded text, which differs only where a
 * name is another's prefix followed by a byte below ';'): the stacks are
 * sorted only when the walk finds one out of order.  Memory is a node per
 * distinct path, made only for the formats that are trees, and room for
 * them is taken at once so that the array is never copied as it grows.
 */
#include <stdlib.h>

#include "export.h"

/* Name order of stacks i and j of p. */
static int
cmp_names(const void *x, const void *y, void *arg)
{
	const struct pf_profile *p = arg;
	const uint32_t *u, *v;
	size_t nu, nv, k, la, lb;
	const char *a, *b;
	int c;

	u = pf_profile_stack(p, *(const size_t *)x, &nu, NULL, NULL);
	v = pf_profile_stack(p, *(const size_t *)y, &nv, NULL, NULL);
	for (k = 0; k < nu && k < nv; k++) {
		if (u[k] == v[k])
			continue;
		a = pf_profile_frame(p, u[k], &la);
		b = pf_profile_frame(p, v[k], &lb);
		if ((c = memcmp(a, b, la < lb ? la : lb)) != 0)
			return c;
		return la < lb ? -1 : 1;
	}
	return (nu > nv) - (nu < nv);
}

/*
 * Whether stack f[0..n-1] comes after prev[0..nprev-1] in name order,
 * given that they share their first k frames.
 */
static int
after(const struct pf_profile *p, const uint32_t *prev, size_t nprev,
    const uint32_t *f, size_t n, size_t k)
{
	const char *a, *b;
	size_t la, lb;
	int c;

	if (k == nprev)
		return 1;
	if (k == n)
		return 0;
	a = pf_profile_frame(p, prev[k], &la);
	b = pf_profile_frame(p, f[k], &lb);
	c = memcmp(a, b, la < lb ? la : lb);
	return c < 0 || (c == 0 && la < lb);
}

static uint32_t
new_node(struct pf_xtree *t, uint32_t parent, uint32_t frame, uint32_t *last)
{
	struct pf_xnode *n;
	uint32_t id;

	if (t->n >= UINT32_MAX - 1 ||
	    pf_grow(&t->node, &t->cap, t->n + 1, sizeof(*t->node)) != 0)
		return PF_XNONE;
	id = (uint32_t)t->n++;
	n = &t->node[id];
	n->parent = parent;
	n->frame = frame;
	n->next_sibling = PF_XNONE;
	n->depth = parent == PF_XNONE ? 0 : t->node[parent].depth + 1;
	/* The newest child of parent, until now, is the node last made at
	 * this depth. */
	if (parent != PF_XNONE && last[n->depth] != PF_XNONE &&
	    t->node[last[n->depth]].parent == parent)
		t->node[last[n->depth]].next_sibling = id;
	last[n->depth] = id;
	return id;
}

/*
 * Walks the stacks in order (NULL: the profile's), numbering the frames as
 * they are first met and, with nodes, making the nodes.  Returns 0; 1 when
 * check is set and a stack is out of name order; -1 out of memory.
 */
static int
walk(struct pf_xtree *t, const size_t *order, int nodes, int check)
{
	const struct pf_profile *p = t->p;
	const uint32_t *f, *prev = NULL;
	uint32_t *path = NULL, *last = NULL;
	size_t i, j, k, n, nprev = 0, pcap = 0, lcap = 0, nlast = 1;
	int rc = -1;

	t->nused = 0;
	memset(t->frame_index, 0xff, (pf_profile_nframes(p) + 1) * sizeof(*t->frame_index));
	if (nodes) {
		if (pf_grow(&last, &lcap, 1, sizeof(*last)) != 0)
			goto out;
		last[0] = PF_XNONE;
		t->n = 0;
		if (new_node(t, PF_XNONE, PF_XNONE, last) != 0)
			goto out;
	}
	for (i = 0; i < t->nstacks; i++) {
		j = order != NULL ? order[i] : i;
		f = pf_profile_stack(p, j, &n, NULL, NULL);
		for (k = 0; k < n && k < nprev && f[k] == prev[k]; k++)
			;
		if (check && i > 0 && !after(p, prev, nprev, f, n, k)) {
			rc = 1;
			goto out;
		}
		prev = f;
		nprev = n;
		if (!nodes) {
			for (; k < n; k++)
				if (t->frame_index[f[k]] == PF_XNONE) {
					t->frame_index[f[k]] = (uint32_t)t->nused;
					t->frame_order[t->nused++] = f[k];
				}
			continue;
		}
		if (pf_grow(&path, &pcap, n + 1, sizeof(*path)) != 0)
			goto out;
		for (; k < n; k++) {
			if (k + 2 > nlast) {
				if (pf_grow(&last, &lcap, k + 2, sizeof(*last)) != 0)
					goto out;
				while (nlast < k + 2)
					last[nlast++] = PF_XNONE;
			}
			if ((path[k] = new_node(t, k == 0 ? 0 : path[k - 1], f[k], last)) ==
			    PF_XNONE)
				goto out;
			if (t->frame_index[f[k]] == PF_XNONE) {
				t->frame_index[f[k]] = (uint32_t)t->nused;
				t->frame_order[t->nused++] = f[k];
			}
		}
		t->stack_node[j] = n == 0 ? 0 : path[n - 1];
	}
	rc = 0;
out:
	free(path);
	free(last);
	return rc;
}

/* Adds the stacks' counts into their nodes, then each node into its
 * parent (children come after their parents). */
static int
totals(struct pf_xtree *t)
{
	size_t i, n;
	pf_count c[2];
	int col;

	for (col = 0; col < t->columns; col++)
		if ((t->total[col] = calloc(t->n + 1, sizeof(pf_count))) == NULL)
			return -1;
	for (i = 0; i < t->nstacks; i++) {
		uint32_t v = t->stack_node[i];

		pf_profile_stack(t->p, i, &n, &c[0], &c[1]);
		for (col = 0; col < t->columns; col++)
			if (pf_count_add(t->total[col][v], c[col], &t->total[col][v]) != 0)
				return -2;
	}
	for (i = t->n; i-- > 1; ) {
		uint32_t up = t->node[i].parent;

		for (col = 0; col < t->columns; col++)
			if (pf_count_add(t->total[col][up], t->total[col][i],
			    &t->total[col][up]) != 0)
				return -2;
	}
	return 0;
}

int
pf_xtree_build(struct pf_xtree *t, const struct pf_profile *p, int flags,
    struct pf_error *err)
{
	int nodes = (flags & PF_XTREE_NODES) != 0;
	int neighbours = nodes && (flags & PF_XTREE_NEIGHBOURS) != 0;
	size_t i, n, frames = 0, *sorted = NULL;
	int r;

	memset(t, 0, sizeof(*t));
	t->p = p;
	t->columns = pf_profile_columns(p);
	t->weight = t->columns == 2 ? 1 : 0;
	t->nstacks = pf_profile_nstacks(p);
	t->frame_index = malloc((pf_profile_nframes(p) + 1) * sizeof(*t->frame_index));
	t->frame_order = malloc((pf_profile_nframes(p) + 1) * sizeof(*t->frame_order));
	if (t->frame_index == NULL || t->frame_order == NULL)
		goto nomem;
	if (nodes) {
		if ((t->stack_node = malloc((t->nstacks + 1) * sizeof(*t->stack_node))) == NULL)
			goto nomem;
		/* Room for a node per frame of every stack, the most there
		 * can be; the pages it does not use are never touched. */
		for (i = 0; i < t->nstacks; i++) {
			pf_profile_stack(p, i, &n, NULL, NULL);
			frames += n;
		}
		if (frames < UINT32_MAX - 1 &&
		    (t->node = malloc((frames + 1) * sizeof(*t->node))) != NULL)
			t->cap = frames + 1;
	}
	/* A flame chart's tree follows the profile's order; otherwise the
	 * walk is in name order, sorting the stacks if it finds them out of
	 * it. */
	if ((r = walk(t, NULL, nodes, !neighbours)) == 1) {
		if ((sorted = malloc((t->nstacks + 1) * sizeof(*sorted))) == NULL)
			goto nomem;
		for (i = 0; i < t->nstacks; i++)
			sorted[i] = i;
		qsort_r(sorted, t->nstacks, sizeof(*sorted), cmp_names, (void *)p);
		r = walk(t, sorted, nodes, 0);
	}
	if (r != 0)
		goto nomem;
	if (pf_profile_ordered(p) || neighbours) {
		free(sorted);
		sorted = NULL;
	}
	t->order = sorted;
	sorted = NULL;
	if (nodes) {
		for (i = 0; i < t->n; i++) {
			struct pf_xnode *x = &t->node[i];

			x->end = x->next_sibling != PF_XNONE ? x->next_sibling :
			    i == 0 ? (uint32_t)t->n : t->node[x->parent].end;
		}
		if ((flags & PF_XTREE_TOTALS) && (r = totals(t)) != 0) {
			pf_xtree_release(t);
			return r == -1 ? pf_nomem(err, NULL, 0) :
			    pf_err(err, NULL, 0, "count overflow: the profile's total "
			    "exceeds 2^64");
		}
	}
	return 0;
nomem:
	free(sorted);
	pf_xtree_release(t);
	return pf_nomem(err, NULL, 0);
}

void
pf_xtree_release(struct pf_xtree *t)
{
	free(t->order);
	free(t->frame_index);
	free(t->frame_order);
	free(t->node);
	free(t->stack_node);
	free(t->total[0]);
	free(t->total[1]);
	memset(t, 0, sizeof(*t));
}

pf_count
pf_xtree_self(const struct pf_xtree *t, uint32_t v, int col)
{
	pf_count c = t->total[col][v];
	uint32_t k;

	for (k = v + 1; k < t->node[v].end; k = t->node[k].end)
		c -= t->total[col][k];
	return c;
}

/* ----------------------------------------------------------------- parts */

int
pf_xparts_init(struct pf_xparts *x, const struct pf_xtree *t, int split)
{
	uint32_t *part_of = NULL, empty = PF_XNONE, *pp;
	size_t i, j, n, *fill = NULL;
	const uint32_t *f;
	int rc = -1;

	memset(x, 0, sizeof(*x));
	x->stack = malloc((t->nstacks + 1) * sizeof(*x->stack));
	x->part = malloc((t->nstacks + 2) * sizeof(*x->part));
	x->root = malloc((t->nstacks + 1) * sizeof(*x->root));
	part_of = malloc((pf_profile_nframes(t->p) + 1) * sizeof(*part_of));
	fill = calloc(t->nstacks + 2, sizeof(*fill));
	if (x->stack == NULL || x->part == NULL || x->root == NULL ||
	    part_of == NULL || fill == NULL)
		goto out;
	memset(part_of, 0xff, (pf_profile_nframes(t->p) + 1) * sizeof(*part_of));
	if (!split) {
		x->n = 1;
		x->root[0] = PF_XNONE;
	}
	/* Parts in the order of their first stacks, then a counting sort
	 * of the stacks by part that keeps their order within each. */
	for (i = 0; i < t->nstacks; i++) {
		j = t->order != NULL ? t->order[i] : i;
		f = pf_profile_stack(t->p, j, &n, NULL, NULL);
		pp = !split ? NULL : n > 0 ? &part_of[f[0]] : &empty;
		if (pp != NULL && *pp == PF_XNONE) {
			x->root[x->n] = n > 0 ? f[0] : PF_XNONE;
			*pp = (uint32_t)x->n++;
		}
		fill[(pp != NULL ? *pp : 0) + 1]++;
	}
	if (x->n == 0) {
		x->n = 1;
		x->root[0] = PF_XNONE;
	}
	for (i = 0; i < x->n; i++)
		fill[i + 1] += fill[i];
	memcpy(x->part, fill, (x->n + 1) * sizeof(*x->part));
	for (i = 0; i < t->nstacks; i++) {
		j = t->order != NULL ? t->order[i] : i;
		f = pf_profile_stack(t->p, j, &n, NULL, NULL);
		pp = !split ? NULL : n > 0 ? &part_of[f[0]] : &empty;
		x->stack[fill[pp != NULL ? *pp : 0]++] = j;
	}
	rc = 0;
out:
	free(part_of);
	free(fill);
	if (rc != 0)
		pf_xparts_release(x);
	return rc;
}

void
pf_xparts_release(struct pf_xparts *x)
{
	free(x->part);
	free(x->stack);
	free(x->root);
	memset(x, 0, sizeof(*x));
}
