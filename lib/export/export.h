/*
 * export.h - what the writers of other tools' formats (lib/export/) share;
 * not installed.
 *
 * Every format but pprof is a tree or is best written from one, so the
 * profile is first merged into a call tree: one node per distinct path
 * from a root, each with the counts of the stack ending there.  Preorder
 * of that tree, children by name, is the order in which the writers put
 * frames, samples and nodes, so that each subtree's samples are
 * contiguous (a time-ordered view of the file looks like the flame graph)
 * and the output depends on nothing but the profile.
 */
#ifndef PF_EXPORT_H
#define PF_EXPORT_H

#include "internal.h"

#define PF_XNONE UINT32_MAX

/*
 * The nodes are stored in preorder: a node's subtree is the nodes from it
 * up to (not including) its end, its first child, if any, the node after
 * it.
 */
struct pf_xnode {
	uint32_t parent;	/* PF_XNONE for the root */
	uint32_t frame;		/* the profile's frame id; PF_XNONE: root */
	uint32_t next_sibling;	/* PF_XNONE: the last child */
	uint32_t end;		/* the index just past the subtree */
	uint32_t depth;		/* the root is 0, root frames 1 */
	uint32_t stack_end;	/* a stack of the profile ends here */
};

struct pf_xtree {
	const struct pf_profile *p;
	int columns;		/* 1, or 2 for a differential profile */
	int weight;		/* the column that weighs: 0, or 1 when differential */
	struct pf_xnode *node;	/* node 0 is the root */
	size_t n, cap;
	/* By column (the second only in a differential profile), by node:
	 * the counts of the stack ending there, and of its whole subtree. */
	pf_count *self[2], *total[2];
	/* The node of each stack of the profile, by its index there. */
	size_t nstacks;
	uint32_t *stack_node;
	/* The frames in the order preorder first meets them. */
	uint32_t *frame_index;	/* frame id -> 0-based index, PF_XNONE: unused */
	uint32_t *frame_order;	/* index -> frame id */
	size_t nused;
};

/*
 * Builds the tree of p.  With neighbours (a flame chart), a stack merges
 * into a node only where it continues the stack before it, in the
 * profile's order; otherwise equal paths are one node.  Fails when a total
 * is beyond PF_COUNT_MAX.
 */
int pf_xtree_build(struct pf_xtree *t, const struct pf_profile *p, int neighbours,
    struct pf_error *err);
void pf_xtree_release(struct pf_xtree *t);

/*
 * The stacks of the subtree of top (0: all), as the writers of samples
 * want them: in preorder, or in the profile's order for an ordered one.
 * Each call of pf_xstacks_next gives the next stack's frames (profile
 * frame ids, root first) and counts; it returns 0 after the last one.
 */
struct pf_xstacks {
	const struct pf_xtree *t;
	uint32_t top, n;
	uint32_t node;		/* the node of the stack last given */
	size_t i;
	uint32_t *path;		/* frame ids by depth */
	size_t cap;
};

int pf_xstacks_init(struct pf_xstacks *s, const struct pf_xtree *t, uint32_t top);
int pf_xstacks_next(struct pf_xstacks *s, const uint32_t **frames, size_t *n,
    pf_count c[2]);
void pf_xstacks_release(struct pf_xstacks *s);

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
 * Each frame's name as a JSON string (quotes included), made once, and
 * for a name that is not valid UTF-8 its exact bytes percent-encoded
 * (pf_percent_encode) as a second string, else NULL.
 */
struct pf_xnames {
	char **json;		/* by frame id */
	char **raw;
	size_t n;
	struct pf_arena arena;
	uint64_t replaced;	/* names with bytes replaced */
};

int pf_xnames_init(struct pf_xnames *x, const struct pf_xtree *t);
void pf_xnames_release(struct pf_xnames *x);
/* ,"pf:name":"..." after a name that needs it. */
void pf_xnames_put_raw(const struct pf_xnames *x, struct pf_outbuf *o, uint32_t frame);

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
