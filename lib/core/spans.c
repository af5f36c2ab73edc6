/*
 * spans.c - address spans by their start, in a treap.
 *
 * A treap is a binary search tree kept balanced by random priorities:
 * adding, removing and finding a span cost O(log n) whatever order the
 * input gives the addresses in (a sorted array costs O(n) per insertion:
 * quadratic time on a profile that maps or creates code at falling
 * addresses).  Nodes live in one array, linked by index, 0 being no node,
 * so a tree is copied with one memcpy.  What a span overlapping another
 * means is the reader's business: these are the tree's primitives.
 */
#include <stdlib.h>

#include "internal.h"

void
pf_spans_split(struct pf_spans *t, uint32_t at, uint64_t key, uint32_t *l, uint32_t *r)
{
	uint32_t *lp = l, *rp = r;

	/* Iterative: the left spine grows in *lp, the right one in *rp. */
	while (at != 0) {
		if (t->n[at].s.start < key) {
			*lp = at;
			lp = &t->n[at].right;
			at = t->n[at].right;
		} else {
			*rp = at;
			rp = &t->n[at].left;
			at = t->n[at].left;
		}
	}
	*lp = *rp = 0;
}

uint32_t
pf_spans_join(struct pf_spans *t, uint32_t a, uint32_t b)
{
	uint32_t root = 0, *at = &root;

	while (a != 0 && b != 0) {
		if (t->n[a].prio > t->n[b].prio) {
			*at = a;
			at = &t->n[a].right;
			a = t->n[a].right;
		} else {
			*at = b;
			at = &t->n[b].left;
			b = t->n[b].left;
		}
	}
	*at = a != 0 ? a : b;
	return root;
}

void
pf_spans_release(struct pf_spans *t, uint32_t at)
{
	while (at != 0) {
		uint32_t next;

		/* Rotate left children up until there is none, then free. */
		if (t->n[at].left != 0) {
			uint32_t l = t->n[at].left;

			t->n[at].left = t->n[l].right;
			t->n[l].right = at;
			at = l;
			continue;
		}
		next = t->n[at].right;
		t->n[at].left = t->free;
		t->free = at;
		t->count--;
		at = next;
	}
}

struct pf_span *
pf_spans_floor(const struct pf_spans *t, uint32_t at, uint64_t key)
{
	uint32_t best = 0;

	while (at != 0) {
		if (t->n[at].s.start <= key) {
			best = at;
			at = t->n[at].right;
		} else {
			at = t->n[at].left;
		}
	}
	return best != 0 ? &t->n[best].s : NULL;
}

uint32_t
pf_spans_node(struct pf_spans *t, const struct pf_span *s)
{
	uint32_t at;

	if (t->free != 0) {
		at = t->free;
		t->free = t->n[at].left;
	} else {
		if (t->len == 0)
			t->len = 1;
		if (t->len >= UINT32_MAX || pf_grow(&t->n, &t->cap, t->len + 1, sizeof(*t->n)) != 0)
			return 0;
		at = (uint32_t)t->len++;
	}
	if (t->seed == 0)
		t->seed = 0x9e3779b9u;
	t->seed ^= t->seed << 13;
	t->seed ^= t->seed >> 17;
	t->seed ^= t->seed << 5;
	t->n[at] = (struct pf_span_node){ *s, 0, 0, t->seed };
	t->count++;
	return at;
}

int
pf_spans_add(struct pf_spans *t, const struct pf_span *s)
{
	uint32_t at = pf_spans_node(t, s), l, r;

	if (at == 0)
		return -1;
	pf_spans_split(t, t->root, s->start, &l, &r);
	t->root = pf_spans_join(t, pf_spans_join(t, l, at), r);
	return 0;
}

int
pf_spans_copy(struct pf_spans *dst, const struct pf_spans *src)
{
	struct pf_span_node *n = NULL;

	if (src->len > 0 && (n = malloc(src->len * sizeof(*n))) == NULL)
		return -1;
	if (n != NULL)
		memcpy(n, src->n, src->len * sizeof(*n));
	free(dst->n);
	*dst = *src;
	dst->n = n;
	dst->cap = src->len;
	return 0;
}

void
pf_spans_release_all(struct pf_spans *t)
{
	free(t->n);
	memset(t, 0, sizeof(*t));
}
