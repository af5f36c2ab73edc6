/*
 * export.h - what the writers of other tools' formats (lib/export/) share;
 * not installed.
 *
 * The stacks are written in name order: compared frame by frame, each
 * frame by its name's bytes, a shorter name first.  That is the preorder
 * of the call tree of the profile (a node, then its callees, children by
 * name), so each subtree's samples follow each other (a time-ordered view
 * of the file looks like the flame graph) and the output depends on
 * nothing but the profile.  The formats that are trees (d3, .cpuprofile)
 * also get the tree's nodes, made in that same preorder.
 */
#ifndef PF_EXPORT_H
#define PF_EXPORT_H

#include "internal.h"

#define PF_XNONE UINT32_MAX

/*
 * A node of the call tree.  Nodes are stored in preorder: a node's subtree
 * is the nodes from it up to (not including) its end, its first child, if
 * it has one, the node after it.
 */
struct pf_xnode {
	uint32_t parent;	/* PF_XNONE for the root */
	uint32_t frame;		/* the profile's frame id; PF_XNONE: root */
	uint32_t next_sibling;	/* PF_XNONE: the last child */
	uint32_t end;		/* the index just past the subtree */
	uint32_t depth;		/* the root is 0, root frames 1 */
};

enum {
	PF_XTREE_NODES = 1,	/* make the call tree's nodes */
	PF_XTREE_TOTALS = 2,	/* and each node's total, by column */
	PF_XTREE_NEIGHBOURS = 4, /* a flame chart's tree, in the profile's order */
};

struct pf_xtree {
	const struct pf_profile *p;
	int columns;		/* 1, or 2 for a differential profile */
	int weight;		/* the column that weighs: 0, or 1 when differential */
	/* The stacks, by their index in the profile, in the order their
	 * samples are written: name order, or the profile's own for an
	 * ordered profile (a flame chart). */
	size_t nstacks;
	size_t *order;
	/* The frames in the order the stacks first use them. */
	uint32_t *frame_index;	/* frame id -> 0-based index, PF_XNONE: unused */
	uint32_t *frame_order;	/* index -> frame id */
	size_t nused;
	/* With PF_XTREE_NODES: node 0 is the root; the node of each stack,
	 * by its index in the profile; with PF_XTREE_TOTALS the count of each
	 * node's subtree, by column (the second in a differential profile). */
	struct pf_xnode *node;
	size_t n, cap;
	uint32_t *stack_node;
	pf_count *total[2];
};

/*
 * Orders the stacks of p and, as flags ask, makes the call tree.  With
 * PF_XTREE_NEIGHBOURS (a flame chart), a stack merges into a node only
 * where it continues the stack before it, in the profile's order;
 * otherwise equal paths are one node.  Fails when a total is beyond
 * PF_COUNT_MAX.
 */
int pf_xtree_build(struct pf_xtree *t, const struct pf_profile *p, int flags,
    struct pf_error *err);
void pf_xtree_release(struct pf_xtree *t);

/* The own count of node v in column col: its total less its children's. */
pf_count pf_xtree_self(const struct pf_xtree *t, uint32_t v, int col);

/*
 * The parts of the profile that speedscope makes one profile each with
 * split_roots: the stacks of each root frame, in the order of the roots'
 * first stacks; without it, one part of every stack.  part[i] .. part[i+1]
 * index stack[], which lists the stacks in t->order within each part.
 */
struct pf_xparts {
	size_t n;		/* number of parts */
	size_t *part;		/* n + 1 offsets */
	size_t *stack;		/* stack indices in the profile */
	uint32_t *root;		/* each part's root frame (PF_XNONE: all) */
};

int pf_xparts_init(struct pf_xparts *x, const struct pf_xtree *t, int split);
void pf_xparts_release(struct pf_xparts *x);

/* ---------------------------------------------------------------- units */

/* What --countname says a count is, in each format's terms. */
struct pf_xunit {
	const char *type, *unit;	/* pprof's sample type */
	const char *speedscope;		/* speedscope's unit */
	uint64_t us_mul, us_div;	/* microseconds per count: mul / div */
};

void pf_xunit_get(const char *countname, struct pf_xunit *u);

/* The count at 10^-9 units rounded half-up to a whole number of (mul /
 * div)ths; *rounded set when it was not one already.  -1 beyond INT64_MAX. */
int pf_xwhole(pf_count c, uint64_t mul, uint64_t div, int64_t *out, int *rounded);

/* -------------------------------------------------------- JSON frame names */

/*
 * For each frame, made once: head, the name as a JSON string, for a name
 * that is not valid UTF-8 ,"pf:name":"..." with its exact bytes
 * percent-encoded (pf_percent_encode) as a JSON string, then tail; the
 * writers put a frame's whole object around its name with one copy.
 */
struct pf_xnames {
	char **frag;		/* by frame id */
	uint32_t *flen;		/* its length */
	uint32_t *nlen;		/* the length of the name's JSON string */
	size_t head;		/* where that string starts in frag */
	struct pf_arena arena;
	uint64_t replaced;	/* names with bytes replaced */
};

int pf_xnames_init(struct pf_xnames *x, const struct pf_xtree *t, const char *head,
    const char *tail);
void pf_xnames_release(struct pf_xnames *x);

static inline void
pf_xnames_put(const struct pf_xnames *x, struct pf_outbuf *o, uint32_t frame)
{
	pf_outbuf_put(o, x->frag[frame], x->flen[frame]);
}

/* The name alone, as a JSON string. */
static inline void
pf_xnames_put_name(const struct pf_xnames *x, struct pf_outbuf *o, uint32_t frame)
{
	pf_outbuf_put(o, x->frag[frame] + x->head, x->nlen[frame]);
}

/* ------------------------------------------------------------ the writers */

int pf_export_pprof(const struct pf_xtree *t, const struct pf_export_options *o,
    FILE *out, struct pf_export_stats *st, struct pf_error *err);
int pf_export_speedscope(const struct pf_xtree *t, const struct pf_export_options *o,
    FILE *out, struct pf_export_stats *st, struct pf_error *err);
int pf_export_d3(const struct pf_xtree *t, const struct pf_export_options *o,
    FILE *out, struct pf_export_stats *st, struct pf_error *err);
int pf_export_cpuprofile(const struct pf_xtree *t, const struct pf_export_options *o,
    FILE *out, struct pf_export_stats *st, struct pf_error *err);

/* An output buffer on f, and its end: flush, check for write errors. */
int pf_xout_open(struct pf_outbuf *o, FILE *f, struct pf_error *err);
int pf_xout_close(struct pf_outbuf *o, struct pf_error *err);

#endif /* PF_EXPORT_H */
