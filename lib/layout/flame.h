/*
 * flame.h - the flame tree (tree.c) and its layout (layout.c), inside the
 * library.  Renderers do not include this: they get a draw list (draw.h).
 */
#ifndef PF_FLAME_H
#define PF_FLAME_H

#include "layout/draw.h"

/*
 * A node of the tree.  Node 0 is the root ("all"); a node is created after
 * its parent, so its index is larger.  total is the count of the column
 * that sets the widths (the only one, or "after"): the node's own until the
 * layout adds the children's in.  Children are a list, newest first; a
 * node with more than a few also has them in the (parent, name) table,
 * which PF_NODE_HASHED in its name says.
 */
struct pf_flame_node {
	pf_count total;
	uint32_t parent, name;
	uint32_t first_child, next_sibling;
};

#define PF_NODE_HASHED 0x80000000u
#define PF_NODE_NAME(n) ((n)->name & ~PF_NODE_HASHED)

/* An entry of the (parent, name) -> child table; node 0 marks a free one. */
struct pf_flame_slot {
	uint32_t parent, name, node;
};

struct pf_flame {
	struct pf_flame_options o;
	struct pf_profile *names;	/* frame names and their ids */

	struct pf_flame_node *node;
	size_t nnodes, node_cap;
	pf_count *before;		/* differential: each node's "before" */
	size_t before_cap;
	struct pf_flame_slot *table;
	size_t table_mask, nhashed;	/* nhashed: entries in the table */

	/* The previous stack: its text, and each frame's end and node. */
	char *prev;
	size_t prev_len, prev_cap;
	uint32_t *path_end, *path_node;
	size_t path_len, path_cap, path_cap2;
	char *rev;			/* --reverse: the reversed stack */
	size_t rev_cap;
	uint32_t *ids;			/* pf_flame_add_profile's map of ids */
	size_t ids_cap;

	int columns;			/* 0 until the first stack */
	int summed;			/* totals include the children's */
	double *selfdelta;		/* differential: own after - before */
	void *iconv;			/* iconv_t, or NULL for UTF-8 */
	size_t ndrawn;			/* frames of the last write */
};

/* Adds the children's counts to their parents' (once); 0 or -1 with err
 * filled on overflow. */
int pf_flame_sum(struct pf_flame *f, struct pf_error *err);

/* Lays f out into dl, filling the columns asked for (PF_DRAW_X, ...);
 * the caller releases dl, also on failure. */
int pf_flame_layout(struct pf_flame *f, struct pf_draw_list *dl, int columns,
    struct pf_error *err);

#endif /* PF_FLAME_H */
