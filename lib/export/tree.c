/*
 * tree.c - the call tree every export is written from, and the stacks of
 * it in the order the writers put samples in.
 *
 * The stacks are taken in name order: compared frame by frame, each
 * frame by its name's bytes, a shorter name first (so "a;b" and its
 * callees come before "a;b c").  In that order all the stacks through a
 * node follow each other, so a stack shares with the one before it
 * exactly the nodes it has in common with any earlier stack: the tree
 * grows by comparing each stack with the previous one, with no lookup,
 * and its nodes are made in preorder.  Folded input is nearly always in
 * that order already (pf sorts by the folded text, which differs only
 * where a name is another's prefix followed by a byte below ';'), which a
 * first pass checks before sorting.  Memory is a node per distinct path.
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
	n->stack_end = 0;
	/* The newest child of parent, until now, is the node last made at
	 * this depth. */
	if (parent != PF_XNONE && last[n->depth] != PF_XNONE &&
	    t->node[last[n->depth]].parent == parent)
		t->node[last[n->depth]].next_sibling = id;
	last[n->depth] = id;
	return id;
}

/* The stacks' indices in the order the tree is made from. */
static size_t *
stack_order(const struct pf_profile *p, int neighbours)
{
	size_t n = pf_profile_nstacks(p), *o = malloc((n + 1) * sizeof(*o)), i;
	int sorted = 1;

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		o[i] = i;
		if (i > 0 && sorted && cmp_names(&o[i - 1], &o[i], (void *)p) > 0)
			sorted = 0;
	}
	if (!neighbours && !sorted)
		qsort_r(o, n, sizeof(*o), cmp_names, (void *)p);
	return o;
}

int
pf_xtree_build(struct pf_xtree *t, const struct pf_profile *p, int neighbours,
    struct pf_error *err)
{
	const uint32_t *f, *prev = NULL;
	uint32_t *path = NULL, *last = NULL, nd;
	size_t i, k, n, nprev = 0, pcap = 0, lcap = 0, nlast = 1, *order = NULL, nc;
	pf_count c[2];
	int col;

	memset(t, 0, sizeof(*t));
	t->p = p;
	t->columns = pf_profile_columns(p);
	t->weight = t->columns == 2 ? 1 : 0;
	t->nstacks = pf_profile_nstacks(p);
	if ((order = stack_order(p, neighbours)) == NULL ||
	    (t->stack_node = malloc((t->nstacks + 1) * sizeof(*t->stack_node))) == NULL ||
	    pf_grow(&last, &lcap, 1, sizeof(*last)) != 0)
		goto nomem;
	last[0] = PF_XNONE;
	if (new_node(t, PF_XNONE, PF_XNONE, last) != 0)
		goto nomem;
	for (i = 0; i < t->nstacks; i++) {
		f = pf_profile_stack(p, order[i], &n, NULL, NULL);
		for (k = 0; k < n && k < nprev && f[k] == prev[k]; k++)
			;
		if (pf_grow(&path, &pcap, n + 1, sizeof(*path)) != 0)
			goto nomem;
		for (; k < n; k++) {
			if (k + 2 > nlast) {
				if (pf_grow(&last, &lcap, k + 2, sizeof(*last)) != 0)
					goto nomem;
				while (nlast < k + 2)
					last[nlast++] = PF_XNONE;
			}
			if ((path[k] = new_node(t, k == 0 ? 0 : path[k - 1], f[k], last)) ==
			    PF_XNONE)
				goto nomem;
		}
		nd = n == 0 ? 0 : path[n - 1];
		t->node[nd].stack_end = 1;
		t->stack_node[order[i]] = nd;
		prev = f;
		nprev = n;
	}
	/* The counts, by column; a merged stack's are added up. */
	nc = t->n + 1;
	for (col = 0; col < t->columns; col++) {
		t->self[col] = calloc(nc, sizeof(pf_count));
		t->total[col] = calloc(nc, sizeof(pf_count));
		if (t->self[col] == NULL || t->total[col] == NULL)
			goto nomem;
	}
	for (i = 0; i < t->nstacks; i++) {
		pf_profile_stack(p, i, &n, &c[0], &c[1]);
		nd = t->stack_node[i];
		for (col = 0; col < t->columns; col++)
			if (pf_count_add(t->self[col][nd], c[col], &t->self[col][nd]) != 0)
				goto overflow;
	}
	/* Children come after their parents; subtrees end where the next
	 * sibling (or the parent's next sibling) starts. */
	for (i = t->n; i-- > 0; ) {
		uint32_t up = t->node[i].parent;

		for (col = 0; col < t->columns; col++) {
			if (pf_count_add(t->total[col][i], t->self[col][i],
			    &t->total[col][i]) != 0 ||
			    (i > 0 && pf_count_add(t->total[col][up], t->total[col][i],
			    &t->total[col][up]) != 0))
				goto overflow;
		}
	}
	for (i = 0; i < t->n; i++) {
		struct pf_xnode *x = &t->node[i];

		x->end = x->next_sibling != PF_XNONE ? x->next_sibling :
		    i == 0 ? (uint32_t)t->n : t->node[x->parent].end;
	}
	/* The frames in the order they are met. */
	t->frame_index = malloc((pf_profile_nframes(p) + 1) * sizeof(*t->frame_index));
	t->frame_order = malloc((pf_profile_nframes(p) + 1) * sizeof(*t->frame_order));
	if (t->frame_index == NULL || t->frame_order == NULL)
		goto nomem;
	memset(t->frame_index, 0xff, (pf_profile_nframes(p) + 1) * sizeof(*t->frame_index));
	for (i = 1; i < t->n; i++) {
		uint32_t fr = t->node[i].frame;

		if (t->frame_index[fr] == PF_XNONE) {
			t->frame_index[fr] = (uint32_t)t->nused;
			t->frame_order[t->nused++] = fr;
		}
	}
	free(path);
	free(last);
	free(order);
	return 0;
overflow:
	free(path);
	free(last);
	free(order);
	pf_xtree_release(t);
	return pf_err(err, NULL, 0, "count overflow: the profile's total exceeds 2^64");
nomem:
	free(path);
	free(last);
	free(order);
	pf_xtree_release(t);
	return pf_err(err, NULL, 0, "out of memory");
}

void
pf_xtree_release(struct pf_xtree *t)
{
	free(t->node);
	free(t->self[0]);
	free(t->self[1]);
	free(t->total[0]);
	free(t->total[1]);
	free(t->stack_node);
	free(t->frame_index);
	free(t->frame_order);
	memset(t, 0, sizeof(*t));
}

/* ---------------------------------------------------------------- stacks */

int
pf_xstacks_init(struct pf_xstacks *s, const struct pf_xtree *t, uint32_t top)
{
	uint32_t v;

	memset(s, 0, sizeof(*s));
	s->t = t;
	s->top = top;
	s->n = top;
	/* The frames above top, which the walk below it does not visit. */
	if (pf_grow(&s->path, &s->cap, t->node[top].depth + 1, sizeof(*s->path)) != 0)
		return -1;
	for (v = top; v != 0; v = t->node[v].parent)
		s->path[t->node[v].depth - 1] = t->node[v].frame;
	return 0;
}

void
pf_xstacks_release(struct pf_xstacks *s)
{
	free(s->path);
	memset(s, 0, sizeof(*s));
}

int
pf_xstacks_next(struct pf_xstacks *s, const uint32_t **frames, size_t *n,
    pf_count c[2])
{
	const struct pf_xtree *t = s->t;
	const struct pf_xnode *x;
	uint32_t v;

	if (pf_profile_ordered(t->p)) {
		/* The profile's own order, stack by stack. */
		for (; s->i < t->nstacks; s->i++) {
			v = t->stack_node[s->i];
			if (v < s->top || v >= t->node[s->top].end)
				continue;
			s->node = v;
			*frames = pf_profile_stack(t->p, s->i++, n, &c[0], &c[1]);
			return 1;
		}
		return 0;
	}
	/* Preorder: the path of frames is kept by depth as the walk goes. */
	for (v = s->n + (s->i > 0); v < t->node[s->top].end; v++) {
		x = &t->node[v];
		if (x->depth > 0) {
			if (pf_grow(&s->path, &s->cap, x->depth, sizeof(*s->path)) != 0)
				return -1;
			s->path[x->depth - 1] = x->frame;
		}
		if (!x->stack_end)
			continue;
		s->i = 1;
		s->n = s->node = v;
		*frames = s->path;
		*n = x->depth;
		c[0] = t->self[0][v];
		c[1] = t->columns == 2 ? t->self[1][v] : 0;
		return 1;
	}
	s->i = 1;
	s->n = t->node[s->top].end;
	return 0;
}
