/*
 * d3.c - d3-flame-graph's JSON (what pf-export --to d3 writes, and other
 * converters for the d3-flame-graph library) to folded stacks.
 *
 * The call tree as nested objects:
 *
 *   {"name": "all", "value": 120, "children": [
 *     {"name": "main", "value": 120, "children": [
 *       {"name": "parse", "value": 20}]}]}
 *
 * A node's "value" is its total, its children's included, so its own
 * count, the count of its stack, is its value less its children's values.
 * A node without a value has no count of its own.  The root is the whole
 * profile: when it is named "all" (pf-export, flamegraph.pl) or "root"
 * (the d3-flame-graph examples, other converters) it is no frame and is
 * left out of the stacks; any other root is a frame.  "pf:name" is a
 * frame's exact bytes, percent-encoded, where pf-export could not write
 * them as JSON.  A differential file's "delta" is not read: the values
 * are its second profile.
 *
 * Keys come in any order (a node's children before its name), so the
 * tree is kept, one node per object, and the stacks are made once it has
 * all been read: memory grows with the nodes, which are the distinct
 * stacks of the profile and their callers.  The stacks are added to a
 * profile of their own, merged into the caller's at the end: a truncated
 * or invalid file adds nothing.  Nothing recurses.
 */
#include <stdlib.h>

#include "format.h"
#include "json.h"

#define NONE UINT32_MAX

enum tag {
	T_ROOT = 1,
	T_NODE,
	T_CHILDREN,
	T_NAME, T_PFNAME, T_VALUE,
};

struct node {
	pf_count value;		/* its value; then its own count */
	pf_count kids;		/* its children's values, added up */
	uint32_t parent;
	uint32_t name;		/* frame id in q of "name", NONE: none */
	uint32_t pfname;	/* ... of "pf:name" */
	int has_value;
};

struct d3 {
	struct pf_profile *q;
	const struct pf_collapse_options *o;
	struct pf_collapse_stats *st;
	struct pf_json *json;
	struct pf_error *err;
	const char *name;

	struct node *nodes;
	size_t n, cap;
	uint32_t cur;		/* the open node, NONE: none */
	int root_keys;		/* the root has "value" or "children" */

	char *buf;
	size_t bufcap;
	uint32_t *stack;
	size_t stackcap;
};

static int
nomem(struct d3 *d)
{
	return pf_json_fail(d->json, "out of memory");
}

/* The frame id of a name; pf:name's are percent-decoded.  UINT32_MAX
 * when memory runs out. */
static uint32_t
intern(struct d3 *d, const struct pf_json_value *v, int percent)
{
	size_t n = v->len;

	if (pf_grow(&d->buf, &d->bufcap, n + 1, 1) != 0)
		return UINT32_MAX;
	memcpy(d->buf, v->s, n);
	if (percent)
		n = pf_percent_decode(d->buf, n);
	pf_frame_name_clean(d->buf, n);
	return pf_profile_intern(d->q, d->buf, n);
}

static int
node_begin(struct d3 *d)
{
	if (d->n >= NONE - 1)
		return pf_json_fail(d->json, "too many nodes");
	if (pf_grow(&d->nodes, &d->cap, d->n + 1, sizeof(*d->nodes)) != 0)
		return nomem(d);
	memset(&d->nodes[d->n], 0, sizeof(d->nodes[d->n]));
	d->nodes[d->n].parent = d->cur;
	d->nodes[d->n].name = d->nodes[d->n].pfname = NONE;
	d->cur = (uint32_t)d->n++;
	return 0;
}

/* A node ends: its own count, and its value added to its parent's
 * children's. */
static int
node_end(struct d3 *d)
{
	struct node *x = &d->nodes[d->cur];
	char a[PF_COUNT_BUFSIZE], b[PF_COUNT_BUFSIZE];

	/* Another JSON document (a profile of another format) read as a
	 * tree would fold to nothing: refuse it instead. */
	if (d->cur == 0 && !d->root_keys)
		return pf_json_fail(d->json, "not d3-flame-graph JSON: the root object "
		    "has no \"value\" and no \"children\"");
	if (!x->has_value)
		x->value = x->kids;
	if (x->kids > x->value) {
		uint32_t f = x->pfname != NONE ? x->pfname : x->name;
		size_t len = 0;
		const char *s = f != NONE ? pf_profile_frame(d->q, f, &len) : "";

		pf_count_format(x->value, a);
		pf_count_format(x->kids, b);
		return pf_json_fail(d->json, "the children of node '%.*s' add up to "
		    "more (%s) than its value (%s)", (int)(len > 60 ? 60 : len), s, b, a);
	}
	if (x->parent != NONE &&
	    pf_count_add(d->nodes[x->parent].kids, x->value, &d->nodes[x->parent].kids) != 0)
		return pf_json_fail(d->json, "count overflow: a total exceeds 2^64");
	x->value -= x->kids;
	d->cur = x->parent;
	return 0;
}

static int
on_key(void *ctx, int tag, const char *key, size_t len)
{
	struct d3 *d = ctx;

#define IS(x) (len == sizeof(x) - 1 && memcmp(key, x, len) == 0)
	if (tag != T_NODE)
		return 0;
	if (IS("name"))
		tag = T_NAME;
	else if (IS("pf:name"))
		tag = T_PFNAME;
	else if (IS("value"))
		tag = T_VALUE;
	else if (IS("children"))
		tag = T_CHILDREN;
	else
		return 0;
#undef IS
	/* A tree has a value or children at its root: a name alone is
	 * not enough (other JSON formats name their profile at the root). */
	if (d->cur == 0 && tag != T_NAME && tag != T_PFNAME)
		d->root_keys = 1;
	return tag;
}

static int
on_begin(void *ctx, int tag, int array)
{
	struct d3 *d = ctx;

	switch (tag) {
	case T_ROOT:
		if (array)
			return pf_json_fail(d->json, "not d3-flame-graph JSON: not an object");
		/* FALLTHROUGH */
	case T_NODE:
		if (array)
			return pf_json_fail(d->json, "an element of \"children\" is not "
			    "an object");
		return node_begin(d) != 0 ? -1 : T_NODE;
	case T_CHILDREN:
		if (!array)
			return pf_json_fail(d->json, "\"children\" is not an array");
		return T_NODE;
	}
	return 0;
}

static int
on_end(void *ctx, int tag, int array)
{
	PF_UNUSED(array);
	if (tag == T_NODE || tag == T_ROOT)
		return node_end(ctx);
	return 0;
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct d3 *d = ctx;
	struct node *x = d->cur != NONE ? &d->nodes[d->cur] : NULL;
	int neg;

	switch (tag) {
	case T_ROOT:
		return pf_json_fail(d->json, "not d3-flame-graph JSON: not an object");
	case T_NODE:
		return pf_json_fail(d->json, "an element of \"children\" is not an object");
	case T_CHILDREN:
		if (v->type == PF_JSON_NULL)
			return 0;
		return pf_json_fail(d->json, "\"children\" is not an array");
	case T_NAME:
	case T_PFNAME:
		if (v->type != PF_JSON_STRING)
			return 0;
		if ((*(tag == T_NAME ? &x->name : &x->pfname) =
		    intern(d, v, tag == T_PFNAME)) == UINT32_MAX)
			return nomem(d);
		return 0;
	case T_VALUE:
		if (!pf_json_count(v, &x->value, &neg) || neg)
			return pf_json_fail(d->json, "a node's \"value\" is not a number "
			    "from 0");
		x->has_value = 1;
		return 0;
	}
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

static uint32_t
frame_of(struct d3 *d, const struct node *x)
{
	if (x->pfname != NONE)
		return x->pfname;
	if (x->name != NONE)
		return x->name;
	return pf_profile_intern(d->q, "", 0);
}

static int
finish(struct d3 *d)
{
	size_t n;
	uint32_t i, v, f, all = NONE;
	size_t len;
	const char *s;

	if (d->n == 0)
		return pf_err(d->err, d->name, 0, "not d3-flame-graph JSON: no root object");
	/* The root the writers add is no frame. */
	f = frame_of(d, &d->nodes[0]);
	if (f == UINT32_MAX)
		return pf_nomem(d->err, d->name, 0);
	s = pf_profile_frame(d->q, f, &len);
	if ((len == 3 && memcmp(s, "all", 3) == 0) || (len == 4 && memcmp(s, "root", 4) == 0))
		all = 0;
	for (i = 0; i < d->n; i++) {
		pf_count w = d->nodes[i].value;

		if (w == 0)
			continue;
		d->st->samples++;
		n = 0;
		for (v = i; v != NONE; v = d->nodes[v].parent) {
			if (v == all && n > 0)
				break;
			if (pf_grow(&d->stack, &d->stackcap, n + 1, sizeof(*d->stack)) != 0 ||
			    (f = frame_of(d, &d->nodes[v])) == UINT32_MAX)
				return pf_nomem(d->err, d->name, 0);
			d->stack[n++] = f;
		}
		pf_stack_reverse(d->stack, n);
		if (pf_profile_add(d->q, d->stack, n, w, 0, d->err) != 0) {
			pf_err_name(d->err, d->name);
			return -1;
		}
	}
	return 0;
}

static void
release(struct d3 *d)
{
	free(d->nodes);
	free(d->buf);
	free(d->stack);
	pf_json_free(d->json);
	pf_profile_free(d->q);
}

/*
 * A JSON object whose first key is one of a d3-flame-graph node's
 * ("name", "value", "children") and whose start has both a "name" and a
 * "value" key: the shape of the library's data and no other format's.
 */
int
pf_d3_detect(const struct pf_peek *pk, size_t *where)
{
	const char *s = pk->buf + pk->body;
	size_t n = pk->n - pk->body;

	PF_UNUSED(where);
	if (n == 0 || s[0] != '{' || !(pf_peek_json_key(pk, "name") ||
	    pf_peek_json_key(pk, "value") || pf_peek_json_key(pk, "children")))
		return PF_CLAIM_NONE;
	if (pf_mem_has(s, n, "\"name\"") && pf_mem_has(s, n, "\"value\"") &&
	    !pf_mem_has(s, n, "\"traceEvents\""))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

int
pf_d3_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct d3 d;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	d.o = o;
	d.st = st;
	d.err = err;
	d.name = pf_reader_name(r);
	d.cur = NONE;
	if ((d.q = pf_profile_new()) == NULL) {
		pf_nomem(err, d.name, 0);
		goto out;
	}
	if ((d.json = pf_json_new(r, &handler, &d, err)) == NULL)
		goto out;
	if (pf_json_parse(d.json, T_ROOT) != 0 || finish(&d) != 0)
		goto out;
	if (pf_profile_merge(p, d.q, err) != 0) {
		pf_err_name(err, d.name);
		goto out;
	}
	rc = 0;
out:
	release(&d);
	return rc;
}
