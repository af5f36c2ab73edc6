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
 * The nodes are held (parent, depth, frame, size) until the document has
 * been read: a truncated or invalid file adds nothing.  Nothing recurses;
 * the nesting is followed with a stack on the heap.  Heap snapshots
 * (.heapsnapshot) are object graphs, not stacks, and no format claims them.
 */
#include <stdlib.h>

#include "format.h"
#include "json.h"

#define NONE UINT32_MAX

enum tag {
	T_ROOT = 1,
	T_NODE,			/* "head", or a node in "children" */
	T_CHILDREN,
	T_CALLFRAME, T_FN, T_URL, T_LINE,
	T_SIZE,
};

struct node {
	pf_count size;
	uint32_t depth;
	uint32_t frame;		/* NONE: the (root), no frame */
};

/* The call frame of a node being read. */
struct open {
	uint32_t index;
	char *fn, *url;
	size_t fn_len, url_len, fn_cap, url_cap;
	int fn_set, url_set, has_line;
	int64_t line;
};

struct heap {
	struct pf_profile *q;
	const struct pf_collapse_options *o;
	struct pf_json *json;
	struct pf_error *err;
	const char *name;
	struct node *nodes;
	size_t nnodes, cap;
	struct open *open;
	size_t nopen, ocap;
	int head_seen;
	char *buf;
	size_t bufcap;
};

static int
nomem(struct heap *h)
{
	return pf_json_fail(h->json, "out of memory");
}

static int
keep(char **s, size_t *len, size_t *cap, int *set, const struct pf_json_value *v)
{
	*set = v->type == PF_JSON_STRING;
	*len = 0;
	if (!*set)
		return 0;
	if (pf_grow(s, cap, v->len + 1, 1) != 0)
		return -1;
	memcpy(*s, v->s, v->len);
	*len = v->len;
	return 0;
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
		if (IS("functionName")) return T_FN;
		if (IS("url")) return T_URL;
		if (IS("lineNumber")) return T_LINE;
		return 0;
	}
#undef IS
	return 0;
}

static int
on_begin(void *ctx, int tag, int array)
{
	struct heap *h = ctx;
	struct open *n;
	size_t ocap = h->ocap;

	switch (tag) {
	case T_ROOT:
		if (array)
			return pf_json_fail(h->json, "not a heap profile: no \"head\" object");
		return T_ROOT;
	case T_NODE:
		if (array)
			return pf_json_fail(h->json, "a node of the heap profile is not an "
			    "object");
		if (h->nopen == 0 && h->head_seen)
			return pf_json_fail(h->json, "the key \"head\" appears twice");
		h->head_seen = 1;
		if (h->nnodes >= NONE - 1)
			return pf_json_fail(h->json, "too many nodes");
		if (pf_grow(&h->nodes, &h->cap, h->nnodes + 1, sizeof(*h->nodes)) != 0 ||
		    pf_grow(&h->open, &h->ocap, h->nopen + 1, sizeof(*h->open)) != 0)
			return nomem(h);
		if (h->ocap > ocap)
			memset(h->open + ocap, 0, (h->ocap - ocap) * sizeof(*h->open));
		h->nodes[h->nnodes] = (struct node){ 0, (uint32_t)h->nopen, NONE };
		n = &h->open[h->nopen++];
		n->index = (uint32_t)h->nnodes++;
		n->fn_set = n->url_set = n->has_line = 0;
		return T_NODE;
	case T_CHILDREN:
		return array ? T_NODE : 0;
	case T_CALLFRAME:
		n = &h->open[h->nopen - 1];
		n->fn_set = n->url_set = n->has_line = 0;
		return array ? 0 : T_CALLFRAME;
	}
	return 0;
}

static int
on_end(void *ctx, int tag, int array)
{
	struct heap *h = ctx;
	struct open *n;
	struct node *d;

	PF_UNUSED(array);
	if (tag != T_NODE)
		return 0;
	n = &h->open[--h->nopen];
	d = &h->nodes[n->index];
	/* The (root) is no frame: its name says so only at the top. */
	if (d->depth == 0 && n->fn_set && n->fn_len == 6 && memcmp(n->fn, "(root)", 6) == 0)
		return 0;
	d->frame = pf_v8_callframe(h->q, &h->buf, &h->bufcap, n->fn_set ? n->fn : "",
	    n->fn_set ? n->fn_len : 0, n->url_set ? n->url : "",
	    n->url_set ? n->url_len : 0, n->has_line ? n->line : -1, h->o->no_location);
	return d->frame == NONE ? nomem(h) : 0;
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct heap *h = ctx;
	struct open *n = h->nopen > 0 ? &h->open[h->nopen - 1] : NULL;
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
		h->nodes[n->index].size = c;
		return 0;
	case T_FN:
		return keep(&n->fn, &n->fn_len, &n->fn_cap, &n->fn_set, v) != 0 ? nomem(h) : 0;
	case T_URL:
		return keep(&n->url, &n->url_len, &n->url_cap, &n->url_set, v) != 0 ?
		    nomem(h) : 0;
	case T_LINE:
		n->has_line = pf_json_int(v, &n->line);
		return 0;
	}
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

/*
 * The nodes are in document order, each after its parent: the path from
 * the root to node i is the path to its parent (the last node of depth
 * depth - 1 before it) and its own frame.
 */
static int
emit(struct heap *h, struct pf_collapse_stats *st)
{
	uint32_t *path = NULL, *stack = NULL;
	size_t i, k, n, cap = 0, scap = 0;
	int rc = -1;

	for (i = 0; i < h->nnodes; i++) {
		const struct node *d = &h->nodes[i];

		if (pf_grow(&path, &cap, (size_t)d->depth + 1, sizeof(*path)) != 0)
			goto nomem;
		path[d->depth] = d->frame;
		if (d->size == 0)
			continue;
		st->samples++;
		if (pf_grow(&stack, &scap, (size_t)d->depth + 1, sizeof(*stack)) != 0)
			goto nomem;
		for (k = 0, n = 0; k <= d->depth; k++)
			if (path[k] != NONE)
				stack[n++] = path[k];
		if (n == 0 && (stack[n++] = pf_profile_intern(h->q, "(root)", 6)) == NONE)
			goto nomem;
		if (pf_profile_add(h->q, stack, n, d->size, 0, h->err) != 0) {
			pf_err_name(h->err, h->name);
			goto out;
		}
	}
	rc = 0;
	goto out;
nomem:
	pf_nomem(h->err, h->name, 0);
out:
	free(path);
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
	size_t i;
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
	for (i = 0; i < h.ocap; i++) {
		free(h.open[i].fn);
		free(h.open[i].url);
	}
	free(h.open);
	free(h.nodes);
	free(h.buf);
	pf_json_free(h.json);
	pf_profile_free(h.q);
	return rc;
}
