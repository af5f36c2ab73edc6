/*
 * heapprofile.c - V8 sampling heap profiles (.heapprofile) to folded stacks
 * weighted by bytes.
 *
 * node --heap-prof, the DevTools Memory panel's "Allocation sampling" and
 * the inspector's HeapProfiler.stopSampling write one JSON object: "head"
 * is the root of a tree of nodes, each with a "callFrame" (functionName,
 * url, 0-based lineNumber), "selfSize" (the bytes its sampled allocations
 * stand for), an "id" and "children", nodes themselves.  Newer versions add
 * "samples" (one entry per sampled allocation, by node id), whose sizes add
 * up to the selfSizes; the selfSizes are what is folded.  A stack weighs its
 * leaf's selfSize.
 *
 * The nodes are held (parent, frame, size: v8tree.c) until the document has
 * been read: a truncated or invalid file adds nothing.  Nothing recurses;
 * the nesting is followed with a stack on the heap.  Heap snapshots
 * (.heapsnapshot) are object graphs, not stacks, and no format claims them.
 */
#include <stdlib.h>

#include "v8tree.h"

enum tag {
	T_ROOT = 1,
	T_NODE,			/* "head", or a node in "children" */
	T_CHILDREN,
	T_CALLFRAME,
	T_FN, T_URL, T_LINE,	/* in the order of PF_V8_FN, _URL, _LINE */
	T_SIZE,
};

struct heap {
	struct pf_profile *q;
	const struct pf_collapse_options *o;
	struct pf_json *json;
	struct pf_error *err;
	const char *name;
	struct pf_v8_tree t;	/* a node's weight: its selfSize */
	int head_seen;
};

static int
nomem(struct heap *h)
{
	return pf_json_fail(h->json, "out of memory");
}

static int
on_key(void *ctx, int tag, const char *key, size_t len)
{
	PF_UNUSED(ctx);
#define IS(s) (len == sizeof(s) - 1 && memcmp(key, s, len) == 0)
	switch (tag) {
	case T_ROOT:
		return IS("head") ? T_NODE : 0;
	case T_NODE:
		if (IS("callFrame")) return T_CALLFRAME;
		if (IS("selfSize")) return T_SIZE;
		if (IS("children")) return T_CHILDREN;
		return 0;
	case T_CALLFRAME:
		return pf_v8_cf_key(key, len, T_FN);
	}
#undef IS
	return 0;
}

static int
on_begin(void *ctx, int tag, int array)
{
	struct heap *h = ctx;

	switch (tag) {
	case T_ROOT:
		if (array)
			return pf_json_fail(h->json, "not a heap profile: no \"head\" object");
		return T_ROOT;
	case T_NODE:
		if (array)
			return pf_json_fail(h->json, "a node of the heap profile is not an "
			    "object");
		if (h->t.nopen == 0 && h->head_seen)
			return pf_json_fail(h->json, "the key \"head\" appears twice");
		h->head_seen = 1;
		if (h->t.n >= PF_V8_NONE - 1)
			return pf_json_fail(h->json, "too many nodes");
		if (pf_v8_open(&h->t, h->t.nopen > 0 ? pf_v8_top(&h->t)->index :
		    PF_V8_NONE) == PF_V8_NONE)
			return nomem(h);
		return T_NODE;
	case T_CHILDREN:
		return array ? T_NODE : 0;
	case T_CALLFRAME:
		pf_v8_cf_clear(&pf_v8_top(&h->t)->cf);
		return array ? 0 : T_CALLFRAME;
	}
	return 0;
}

static int
on_end(void *ctx, int tag, int array)
{
	struct heap *h = ctx;
	struct pf_v8_open *n;
	struct pf_v8_node *d;

	PF_UNUSED(array);
	if (tag != T_NODE)
		return 0;
	n = pf_v8_top(&h->t);
	d = &h->t.nodes[n->index];
	h->t.nopen--;
	/* The (root) is no frame: its name says so only at the top. */
	if (d->parent == PF_V8_NONE && pf_v8_cf_is(&n->cf, "(root)"))
		return 0;
	d->frame = pf_v8_cf_frame(&h->t, h->q, &n->cf, h->o->no_location);
	return d->frame == PF_V8_NONE ? nomem(h) : 0;
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct heap *h = ctx;
	struct pf_v8_open *n = h->t.nopen > 0 ? pf_v8_top(&h->t) : NULL;
	pf_count c;

	switch (tag) {
	case T_ROOT:
		return pf_json_fail(h->json, "not a heap profile: no \"head\" object");
	case T_NODE:
		return pf_json_fail(h->json, "a node of the heap profile is not an object");
	case T_SIZE:
		if (v->type != PF_JSON_NUMBER || pf_count_parse(v->s, v->len, &c) != 0)
			return pf_json_fail(h->json, "a \"selfSize\" is not a number of bytes "
			    "('%.*s')", (int)(v->len < 40 ? v->len : 40), v->s);
		h->t.nodes[n->index].weight = c;
		return 0;
	case T_FN:
	case T_URL:
	case T_LINE:
		return pf_v8_cf_scalar(&n->cf, tag - T_FN, v) != 0 ? nomem(h) : 0;
	}
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

/* Each node with a size, in document order, on the path from the root. */
static int
emit(struct heap *h, struct pf_collapse_stats *st)
{
	uint32_t *stack = NULL;
	size_t i, cap = 0;
	int n, rc = -1;

	for (i = 0; i < h->t.n; i++) {
		const struct pf_v8_node *d = &h->t.nodes[i];

		if (d->weight == 0)
			continue;
		st->samples++;
		if ((n = pf_v8_stack(&h->t, h->q, (uint32_t)i, &stack, &cap, 0, "",
		    h->err, h->name)) < 0)
			goto out;
		if (pf_profile_add(h->q, stack, (size_t)n, d->weight, 0, h->err) != 0) {
			pf_err_name(h->err, h->name);
			goto out;
		}
	}
	rc = 0;
out:
	free(stack);
	return rc;
}

/* A JSON object with "head", "callFrame" and "selfSize" in its first bytes. */
int
pf_heapprofile_detect(const struct pf_peek *pk, size_t *where)
{
	const char *s = pk->buf + pk->body;
	size_t n = pk->n - pk->body;

	PF_UNUSED(where);
	if (n > 0 && s[0] == '{' && pf_mem_has(s, n, "\"head\"") &&
	    pf_mem_has(s, n, "\"callFrame\"") && pf_mem_has(s, n, "\"selfSize\""))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

int
pf_heapprofile_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct heap h;
	int rc = -1;

	memset(&h, 0, sizeof(h));
	h.o = o;
	h.err = err;
	h.name = pf_reader_name(r);
	if ((h.q = pf_profile_new()) == NULL) {
		pf_nomem(err, h.name, 0);
		goto out;
	}
	if ((h.json = pf_json_new(r, &handler, &h, err)) == NULL ||
	    pf_json_parse(h.json, T_ROOT) != 0)
		goto out;
	if (!h.head_seen) {
		pf_err(err, h.name, 0, "not a heap profile: no \"head\" object");
		goto out;
	}
	if (emit(&h, st) != 0)
		goto out;
	if (pf_profile_merge(p, h.q, err) != 0) {
		pf_err_name(err, h.name);
		goto out;
	}
	rc = 0;
out:
	pf_v8_release(&h.t);
	pf_json_free(h.json);
	pf_profile_free(h.q);
	return rc;
}
