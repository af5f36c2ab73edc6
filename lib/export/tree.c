/*
 * tree.c - the call tree every export is written from, and the stacks of
 * it in the order the writers put samples in.
 *
 * The stacks are taken in the profile's sorted order, in which a stack
 * shares most of its frames with the one before: the nodes of that shared
 * prefix are reused, and only the frames after it are looked up in a
 * (parent, frame) table.  Memory is a node per distinct path, that is at
 * most the frames of the distinct stacks.
 */
#include <stdlib.h>

#include "export.h"

#define TREE_SEED 0x7a3c2b61d9e5f047ULL

static uint64_t
key_hash(uint32_t parent, uint32_t frame)
{
	uint64_t k = (uint64_t)parent << 32 | frame;

	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	return k ^ (k >> 33) ^ TREE_SEED;
}

static int
table_grow(struct pf_xtree *t)
{
	size_t cap = (t->mask + 1) * 2, i, j;
	uint32_t *tab = calloc(cap, sizeof(*tab));

	if (tab == NULL)
		return -1;
	for (i = 1; i < t->n; i++) {
		for (j = key_hash(t->node[i].parent, t->node[i].frame) & (cap - 1);
		    tab[j] != 0; j = (j + 1) & (cap - 1))
			;
		tab[j] = (uint32_t)(i + 1);
	}
	free(t->table);
	t->table = tab;
	t->mask = cap - 1;
	return 0;
}

static uint32_t
new_node(struct pf_xtree *t, uint32_t parent, uint32_t frame)
{
	struct pf_xnode *n, *p;
	uint32_t id;

	if (t->n >= UINT32_MAX - 1 ||
	    pf_grow(&t->node, &t->cap, t->n + 1, sizeof(*t->node)) != 0)
		return PF_XNONE;
	id = (uint32_t)t->n++;
	n = &t->node[id];
	memset(n, 0, sizeof(*n));
	n->parent = parent;
	n->frame = frame;
	n->first_child = n->last_child = n->next_sibling = PF_XNONE;
	if (parent != PF_XNONE) {
		p = &t->node[parent];
		n->depth = p->depth + 1;
		if (p->last_child == PF_XNONE)
			p->first_child = id;
		else
			t->node[p->last_child].next_sibling = id;
		p->last_child = id;
	}
	return id;
}

/* The child of parent for frame, made when there is none. */
static uint32_t
child(struct pf_xtree *t, uint32_t parent, uint32_t frame, int neighbours)
{
	uint32_t last = t->node[parent].last_child, k, id;
	size_t i;

	if (last != PF_XNONE && t->node[last].frame == frame)
		return last;
	if (neighbours)
		return new_node(t, parent, frame);
	for (i = key_hash(parent, frame) & t->mask; (k = t->table[i]) != 0;
	    i = (i + 1) & t->mask)
		if (t->node[k - 1].parent == parent && t->node[k - 1].frame == frame)
			return k - 1;
	if ((t->n + 1) * 2 > t->mask + 1) {
		if (table_grow(t) != 0)
			return PF_XNONE;
		for (i = key_hash(parent, frame) & t->mask; t->table[i] != 0;
		    i = (i + 1) & t->mask)
			;
	}
	if ((id = new_node(t, parent, frame)) != PF_XNONE)
		t->table[i] = id + 1;
	return id;
}

int
pf_xtree_build(struct pf_xtree *t, const struct pf_profile *p, int neighbours,
    struct pf_error *err)
{
	const uint32_t *f, *prev = NULL;
	uint32_t *path = NULL, nd, v;
	size_t i, k, n, nprev = 0, pcap = 0;
	pf_count c[2];
	int col;

	memset(t, 0, sizeof(*t));
	t->p = p;
	t->columns = pf_profile_columns(p);
	t->weight = t->columns == 2 ? 1 : 0;
	t->nstacks = pf_profile_nstacks(p);
	t->mask = 1023;
	if ((t->table = calloc(t->mask + 1, sizeof(*t->table))) == NULL ||
	    (t->order = pf_profile_sorted(p)) == NULL ||
	    (t->stack_node = malloc((t->nstacks + 1) * sizeof(*t->stack_node))) == NULL ||
	    new_node(t, PF_XNONE, PF_XNONE) != 0)
		goto nomem;
	for (i = 0; i < t->nstacks; i++) {
		f = pf_profile_stack(p, t->order[i], &n, &c[0], &c[1]);
		for (k = 0; k < n && k < nprev && f[k] == prev[k]; k++)
			;
		if (pf_grow(&path, &pcap, n + 1, sizeof(*path)) != 0)
			goto nomem;
		for (; k < n; k++)
			if ((path[k] = child(t, k == 0 ? 0 : path[k - 1], f[k],
			    neighbours)) == PF_XNONE)
				goto nomem;
		nd = n == 0 ? 0 : path[n - 1];
		for (col = 0; col < 2; col++)
			if (pf_count_add(t->node[nd].self[col], c[col],
			    &t->node[nd].self[col]) != 0)
				goto overflow;
		t->node[nd].stack_end = 1;
		t->stack_node[i] = nd;
		prev = f;
		nprev = n;
	}
	/* Children come after their parents. */
	for (i = t->n; i-- > 0; ) {
		struct pf_xnode *x = &t->node[i];

		for (col = 0; col < 2; col++) {
			if (pf_count_add(x->total[col], x->self[col], &x->total[col]) != 0 ||
			    (i > 0 && pf_count_add(t->node[x->parent].total[col],
			    x->total[col], &t->node[x->parent].total[col]) != 0))
				goto overflow;
		}
	}
	/* Preorder numbers and the frames in the order they are met. */
	t->frame_index = malloc((pf_profile_nframes(p) + 1) * sizeof(*t->frame_index));
	t->frame_order = malloc((pf_profile_nframes(p) + 1) * sizeof(*t->frame_order));
	if (t->frame_index == NULL || t->frame_order == NULL)
		goto nomem;
	memset(t->frame_index, 0xff, (pf_profile_nframes(p) + 1) * sizeof(*t->frame_index));
	k = 0;
	for (v = 0; v != PF_XNONE; v = pf_xtree_next(t, v)) {
		uint32_t fr = t->node[v].frame;

		t->node[v].id = (uint32_t)++k;
		if (fr != PF_XNONE && t->frame_index[fr] == PF_XNONE) {
			t->frame_index[fr] = (uint32_t)t->nused;
			t->frame_order[t->nused++] = fr;
		}
	}
	free(path);
	return 0;
overflow:
	free(path);
	pf_xtree_release(t);
	return pf_err(err, NULL, 0, "count overflow: the profile's total exceeds 2^64");
nomem:
	free(path);
	pf_xtree_release(t);
	return pf_err(err, NULL, 0, "out of memory");
}

void
pf_xtree_release(struct pf_xtree *t)
{
	free(t->node);
	free(t->table);
	free(t->order);
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

/* Whether node n lies in the subtree of top. */
static int
under(const struct pf_xtree *t, uint32_t n, uint32_t top)
{
	if (top == 0)
		return 1;
	while (t->node[n].depth > t->node[top].depth)
		n = t->node[n].parent;
	return n == top;
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
			if (!under(t, t->stack_node[s->i], s->top))
				continue;
			s->node = t->stack_node[s->i];
			*frames = pf_profile_stack(t->p, t->order[s->i++], n, &c[0], &c[1]);
			return 1;
		}
		return 0;
	}
	/* Preorder: the path of frames is kept by depth as the walk goes. */
	for (;;) {
		if (s->i == 0) {
			s->i = 1;
			v = s->top;
		} else if ((v = pf_xtree_next_in(t, s->n, s->top)) == PF_XNONE)
			return 0;
		s->n = v;
		x = &t->node[v];
		if (x->depth > 0) {
			if (pf_grow(&s->path, &s->cap, x->depth, sizeof(*s->path)) != 0)
				return -1;
			s->path[x->depth - 1] = x->frame;
		}
		if (!x->stack_end)
			continue;
		s->node = v;
		*frames = s->path;
		*n = x->depth;
		c[0] = x->self[0];
		c[1] = x->self[1];
		return 1;
	}
}
