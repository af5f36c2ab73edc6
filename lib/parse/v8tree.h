/*
 * v8tree.h - the node trees of V8's profiles, shared by the readers of
 * .cpuprofile (cpuprofile.c), Chrome traces (chrome.c) and sampling heap
 * profiles (heapprofile.c); internal.
 *
 * V8 writes a profile as nodes, each with an "id", a "callFrame"
 * (functionName, url, 0-based lineNumber) and its place in the tree: a
 * "parent" id, a "children" array of ids, or (the nested shapes) the nodes
 * themselves inside "children".  Samples then name nodes by id.  This
 * module holds the nodes of one document: a table in the order they are
 * read or first named, a map from (scope, id) to the table (scope: 0, or
 * a Chrome trace's profile), the links given by id until all nodes are
 * known, the call frame of the node being read (and of the nodes open
 * around it in a nested shape), and the counts of samples.  A stack is
 * built by following the parents from a node, iteratively.
 */
#ifndef PF_PARSE_V8TREE_H
#define PF_PARSE_V8TREE_H

#include "format.h"
#include "json.h"

#define PF_V8_NONE UINT32_MAX

/* A (key, key) -> index map, open addressing. */
struct pf_v8_map {
	int64_t *a, *b;
	uint32_t *val;		/* index + 1; 0: empty */
	size_t mask, count;
};

static inline uint64_t
pf_v8_hash(int64_t a, int64_t b)
{
	uint64_t h = (uint64_t)a * 0x9e3779b97f4a7c15ull;

	h ^= (h >> 31) ^ ((uint64_t)b * 0xc2b2ae3d27d4eb4full);
	return h ^ (h >> 29);
}

/* The index of (a, b), or PF_V8_NONE (inline: once per sample). */
static inline uint32_t
pf_v8_map_find(const struct pf_v8_map *m, int64_t a, int64_t b)
{
	size_t i;

	if (m->count == 0)
		return PF_V8_NONE;
	for (i = pf_v8_hash(a, b) & m->mask; m->val[i] != 0; i = (i + 1) & m->mask)
		if (m->a[i] == a && m->b[i] == b)
			return m->val[i] - 1;
	return PF_V8_NONE;
}
/* Adds (a, b) -> v, absent: 0, or -1 when memory runs out. */
int pf_v8_map_add(struct pf_v8_map *m, int64_t a, int64_t b, uint32_t v);
void pf_v8_map_release(struct pf_v8_map *m);

/* A "callFrame" as read: each field set or not. */
struct pf_v8_cf {
	char *fn, *url;
	size_t fn_len, url_len, fn_cap, url_cap;
	int fn_set, url_set, has_line;
	int64_t line;
};

/* The fields of a call frame, as offsets from the tag given for the
 * first: a reader numbers its tags for them consecutively. */
enum { PF_V8_FN, PF_V8_URL, PF_V8_LINE };

/* The tag of a call frame's member key: base + PF_V8_*, or 0 to skip. */
int pf_v8_cf_key(const char *key, size_t len, int base);
/* A scalar of field which (PF_V8_*): 0, or -1 when memory runs out. */
int pf_v8_cf_scalar(struct pf_v8_cf *f, int which, const struct pf_json_value *v);
void pf_v8_cf_clear(struct pf_v8_cf *f);
/* Whether the function name is s. */
int pf_v8_cf_is(const struct pf_v8_cf *f, const char *s);

/*
 * The frame id of a V8 call frame: "NAME FILE:LINE", with "(anonymous)"
 * for an empty name, the URL's "file://" dropped, the 0-based line shown
 * 1-based, no location when no_location or the URL is empty; ';' becomes
 * ':' and line ends blanks.  *buf (capacity *cap) is scratch.  PF_V8_NONE
 * when memory runs out.
 */
uint32_t pf_v8_callframe(struct pf_profile *p, char **buf, size_t *cap,
    const char *fn, size_t fl, const char *url, size_t ul, int64_t line,
    int no_location);

struct pf_v8_node {
	pf_count weight;	/* time or bytes, summed */
	uint64_t samples;	/* samples that named it */
	uint64_t hits;		/* its "hitCount" */
	uint64_t first;		/* the first sample that named it */
	int64_t id, parent_id;	/* parent_id: if has_parent_id */
	uint32_t scope;
	uint32_t parent;	/* index, or PF_V8_NONE */
	uint32_t frame;		/* PF_V8_NONE: no frame (the root) */
	uint8_t defined, has_parent_id, idle, root_name, orphan;
};

/* A "children" link by ids, until every node is known. */
struct pf_v8_edge {
	uint32_t scope;
	uint8_t valid;		/* the child id was an integer */
	int64_t parent, child;
};

/* A node open in the document: its index and its call frame. */
struct pf_v8_open {
	uint32_t index;
	struct pf_v8_cf cf;
};

struct pf_v8_tree {
	struct pf_v8_node *nodes;
	size_t n, cap;
	struct pf_v8_map map;		/* (scope, id) -> index */
	uint32_t *direct;		/* id -> index, scope 0, when the */
	size_t ndirect;			/* ids are small numbers */
	struct pf_v8_edge *edges;
	size_t nedges, ecap;
	struct pf_v8_open *open;	/* the nodes being read, innermost last */
	size_t nopen, ocap;
	char *buf;			/* frame name scratch */
	size_t bufcap;
};

/* Frees what t holds (t itself is the caller's). */
void pf_v8_release(struct pf_v8_tree *t);

/* A new node at the end of the table, in no map: its index, or
 * PF_V8_NONE (too many, or out of memory). */
uint32_t pf_v8_node_new(struct pf_v8_tree *t, uint32_t parent);
/* The node of (scope, id), made (not yet defined): its index, or
 * PF_V8_NONE. */
uint32_t pf_v8_node_add(struct pf_v8_tree *t, uint32_t scope, int64_t id);
/* The node of (scope, id): found, or made. */
static inline uint32_t
pf_v8_node_get(struct pf_v8_tree *t, uint32_t scope, int64_t id)
{
	uint32_t k = pf_v8_map_find(&t->map, scope, id);

	return k != PF_V8_NONE ? k : pf_v8_node_add(t, scope, id);
}
/* Puts node k in the map under (scope, its id): 0, 1 when another node
 * has that id, -1 when memory runs out. */
int pf_v8_node_name(struct pf_v8_tree *t, uint32_t k, uint32_t scope);
/* The node of (scope, id) once all are known, or PF_V8_NONE. */
static inline uint32_t
pf_v8_find(const struct pf_v8_tree *t, uint32_t scope, int64_t id)
{
	if (t->direct != NULL && scope == 0)
		return (uint64_t)id < t->ndirect ? t->direct[id] : PF_V8_NONE;
	return pf_v8_map_find(&t->map, scope, id);
}
/* All nodes of scope 0 are known: index them by id when the ids are
 * small numbers, as V8's are (pf_v8_find is then a table look-up). */
void pf_v8_index(struct pf_v8_tree *t);

/* Records the link parent -> child by ids (valid: the child id is an
 * integer): 0 or -1 (out of memory). */
int pf_v8_edge(struct pf_v8_tree *t, uint32_t scope, int64_t parent, int64_t child,
    int valid);

/*
 * Links the nodes of the "parent" ids and of the edges, then forgets the
 * edges.  A parent id that is no known node makes the node an orphan with
 * orphans != NULL (counted there), else it is an error; so is an edge to
 * an unknown child, and a child with two parents.  what is written after
 * "node N" in the messages (" of a CPU profile", or "").  0, or -1 with
 * err filled.
 */
int pf_v8_link(struct pf_v8_tree *t, uint64_t *orphans, const char *what,
    struct pf_error *err, const char *name);

/* Adds a sample of node k weighing w (--weight=time, else 0): 0, or -1
 * when the weight overflows. */
static inline int
pf_v8_count(struct pf_v8_tree *t, uint32_t k, pf_count w)
{
	struct pf_v8_node *d = &t->nodes[k];

	d->samples++;
	return w == 0 ? 0 : pf_count_add(d->weight, w, &d->weight);
}

/*
 * The frames of node k, root first, into (*stack)[lo..]: the frames from
 * 0 to lo are the caller's.  A node without frames makes "(root)"; an
 * orphan has a frame named orphan above it.  The number of frames in
 * *stack, or -1 with err filled (a cycle, or out of memory).
 */
int pf_v8_stack(struct pf_v8_tree *t, struct pf_profile *q, uint32_t k,
    uint32_t **stack, size_t *cap, size_t lo, const char *orphan,
    struct pf_error *err, const char *name);

/* A node begins in the document: a new node under parent, opened.  Its
 * index, or PF_V8_NONE (too many, or out of memory). */
uint32_t pf_v8_open(struct pf_v8_tree *t, uint32_t parent);
/* The innermost open node. */
static inline struct pf_v8_open *
pf_v8_top(struct pf_v8_tree *t)
{
	return &t->open[t->nopen - 1];
}
/* The frame of call frame f (pf_v8_callframe).  PF_V8_NONE when memory
 * runs out. */
uint32_t pf_v8_cf_frame(struct pf_v8_tree *t, struct pf_profile *q,
    const struct pf_v8_cf *f, int no_location);

#endif /* PF_PARSE_V8TREE_H */
