/*
 * cpuprofile.c - V8 / Chrome DevTools .cpuprofile JSON to folded stacks.
 *
 * Two shapes exist.  The current one (node --cpu-prof, DevTools, the
 * inspector's Profiler domain) is flat: "nodes" is an array of
 * {id, callFrame, hitCount, children: [ids]} (or parent ids), "samples"
 * the node id of each sample and "timeDeltas" the microseconds since the
 * sample before (the first since "startTime").  The older one
 * (v8-profiler, old DevTools files) nests: "head" is the root node with
 * its call frame fields inline and "children" holding node objects, each
 * with its own "hitCount"; "timestamps" gives the sample times.
 *
 * The document streams through json.c, and this is what is held:
 *  - the nodes: id, parent, frame (interned in the profile), counts; the
 *    children lists of the flat shape until "nodes" ends.  Memory grows
 *    with the nodes, which a profile has few of.
 *  - by default, a count per node: each sample is counted as it goes by,
 *    by node when the nodes came first, else by id until they come.
 *  - with --weight=time, a sample weighs the time to the next one, so
 *    "samples" and the times must be paired, and the one of them that
 *    comes first (V8 writes "samples" first) is held in a pf_seq until the
 *    other goes by: a byte or two per sample, in memory up to SEQ_MEM and
 *    beyond that in an unlinked temporary file.
 *  - with --time-order, samples are added as they are paired when the
 *    nodes came first; otherwise their (id, weight) pairs are held in
 *    pf_seqs the same way until the nodes have been read.
 * The stacks are added to a profile of their own, merged into the caller's
 * only once the whole document has been read: a truncated or invalid file
 * adds nothing.  Nothing recurses: the nesting of "head" is followed with
 * a stack on the heap, so a deep recursion in the profile is no problem.
 */
#include <errno.h>
#include <stdlib.h>

#include "v8tree.h"

#define NONE PF_V8_NONE
#define SEQ_MEM ((size_t)8 << 20)

enum tag {
	T_ROOT = 1,
	T_NODES,		/* "nodes": the flat shape */
	T_NODE,			/* one of them */
	T_CALLFRAME,
	T_CHILDREN,		/* a flat node's children ids */
	T_CHILD,
	T_HEAD,			/* "head", or a node in its "children" */
	T_HEAD_CHILDREN,
	T_ID, T_HITS, T_PARENT,
	T_FN, T_URL, T_LINE,	/* in the order of PF_V8_FN, _URL, _LINE */
	T_SAMPLES, T_SAMPLE,
	T_TIMES, T_TIME,
	T_START, T_END,
};

/* A number as read, for the fields whose default depends on it. */
struct number {
	int set, integer;
	int64_t i;
	double d;
};

/* Samples counted by id before the nodes were known. */
struct early {
	pf_count weight;
	uint64_t samples;
	uint64_t first;		/* index of its first sample */
	int64_t id;
};

enum { TIMES_NONE, TIMES_DELTAS, TIMES_STAMPS };

struct cpuprof {
	struct pf_profile *q;		/* the stacks: a profile of their own
					   until all is read, or the caller's
					   ordered profile (--time-order) */
	const struct pf_collapse_options *o;
	struct pf_collapse_stats *st;
	struct pf_json *json;
	struct pf_error *err;
	const char *name;

	struct pf_v8_tree t;		/* the nodes, in document order */
	size_t edge_mark;		/* the first edge of the flat node
					   being read */
	int shape;			/* T_NODES, T_HEAD or 0: not seen */
	int nodes_done;			/* all nodes known and linked */
	int seen_samples;

	/* Samples, times and their pairing. */
	uint64_t ns, nt;		/* samples and times read */
	int times;			/* TIMES_* */
	struct pf_seq *held;		/* the first of samples and times */
	int held_samples;		/* ... which is the samples */
	int64_t t_prev;			/* the time of the sample paired last */
	int64_t t_sum;			/* the deltas, added up (saturating) */
	int64_t last_id;		/* the last sample, whose weight needs
					   the end of the profile */
	int have_last;
	struct number start, end;

	struct pf_v8_map early_ids;	/* (0, id) -> index in early */
	struct early *early;
	size_t nearly, early_cap;
	struct pf_seq *pair_id, *pair_w;	/* --time-order before the nodes */

	uint32_t *stack;		/* scratch */
	size_t stackcap;
};

static int
nomem(struct cpuprof *c)
{
	return pf_json_fail(c->json, "out of memory");
}

/* --------------------------------------------------------------- numbers */

static void
number_set(struct number *n, const struct pf_json_value *v)
{
	memset(n, 0, sizeof(*n));
	if (pf_json_int(v, &n->i)) {
		n->set = n->integer = 1;
		n->d = (double)n->i;
	} else if (pf_json_double(v, &n->d)) {
		n->set = 1;
	}
}

/* The number as a whole number of its unit times scale; dflt when there
 * is none or it is out of range. */
static int64_t
number_value(const struct number *n, double scale, int64_t dflt)
{
	double d;

	if (n->integer && scale == 1)
		return n->i;
	if (!n->set)
		return dflt;
	d = n->d * scale;
	if (!(d > -9e18 && d < 9e18))
		return dflt;
	return (int64_t)d;
}

static int64_t
value_int(const struct pf_json_value *v, int64_t dflt)
{
	struct number n;

	number_set(&n, v);
	return number_value(&n, 1, dflt);
}

static int64_t
sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* b - a when it is positive and fits, else 0. */
static uint64_t
span(int64_t a, int64_t b)
{
	int64_t d;

	if (__builtin_sub_overflow(b, a, &d) || d <= 0)
		return 0;
	return (uint64_t)d;
}

/* ----------------------------------------------------------------- nodes */

/* A node begins: it gets the next index, in document order. */
static int
node_begin(struct cpuprof *c, uint32_t parent)
{
	if (c->t.n >= NONE - 1)
		return pf_json_fail(c->json, "too many nodes");
	if (pf_v8_open(&c->t, parent) == NONE)
		return nomem(c);
	c->edge_mark = c->t.nedges;
	return 0;
}

/* The node ends: its frame, its place in the id map. */
static int
node_end(struct cpuprof *c)
{
	struct pf_v8_open *n = pf_v8_top(&c->t);
	struct pf_v8_node *d = &c->t.nodes[n->index];
	size_t i;
	int rc;

	d->idle = pf_v8_cf_is(&n->cf, "(idle)");
	/* The (root) is no frame; in the flat shape, whether a (root) has a
	 * parent is known only when all nodes are. */
	if (pf_v8_cf_is(&n->cf, "(root)") && (c->shape == T_NODES || d->parent == NONE))
		d->root_name = 1;
	else if ((d->frame = pf_v8_cf_frame(&c->t, c->q, &n->cf, c->o->no_location)) ==
	    NONE)
		return nomem(c);
	if ((rc = pf_v8_node_name(&c->t, n->index, 0)) != 0)
		return rc < 0 ? nomem(c) : pf_json_fail(c->json, "two nodes have the id "
		    "%lld", (long long)d->id);
	/* A flat node's children came before its id was sure. */
	for (i = c->edge_mark; c->shape == T_NODES && i < c->t.nedges; i++)
		c->t.edges[i].parent = d->id;
	c->t.nopen--;
	return 0;
}

/* The flat shape's links, once every node is known. */
static int
link_flat(struct cpuprof *c)
{
	size_t i;

	if (pf_v8_link(&c->t, NULL, "", c->err, c->name) != 0)
		return -1;
	/* A (root) that turned out to have a parent is an ordinary frame. */
	for (i = 0; i < c->t.n; i++)
		if (c->t.nodes[i].root_name && c->t.nodes[i].parent != NONE &&
		    (c->t.nodes[i].frame = pf_profile_intern(c->q, "(root)", 6)) == NONE)
			return pf_nomem(c->err, c->name, 0);
	return 0;
}

/* --------------------------------------------------------------- samples */

/* All nodes are known: a sample's node is found by id from now on. */
static int
nodes_known(struct cpuprof *c)
{
	c->nodes_done = 1;
	pf_v8_index(&c->t);
	return 0;
}

/* Adds weight to the stack of node i (root first). */
static int
emit(struct cpuprof *c, uint32_t i, pf_count weight)
{
	int n = pf_v8_stack(&c->t, c->q, i, &c->stack, &c->stackcap, 0, "", c->err,
	    c->name);

	if (n < 0)
		return -1;
	if (pf_profile_add(c->q, c->stack, (size_t)n, weight, 0, c->err) != 0) {
		pf_err_name(c->err, c->name);
		return -1;
	}
	return 0;
}

static int
no_node(struct cpuprof *c, uint64_t i)
{
	return pf_err(c->err, c->name, 0, "sample %llu names no node",
	    (unsigned long long)i);
}

/* count samples of node k weighing w in all (w: --weight=time only). */
static int
add_to_node(struct cpuprof *c, uint32_t k, uint64_t count, pf_count w)
{
	struct pf_v8_node *d = &c->t.nodes[k];

	c->st->samples += count;
	if (d->idle && c->o->drop_idle) {
		c->st->dropped += count;
		return 0;
	}
	d->samples += count;
	if (c->o->weight_time && pf_count_add(d->weight, w, &d->weight) != 0)
		return pf_err(c->err, c->name, 0, "count overflow");
	return 0;
}

/* Sample i, of node id, weighs w (1, or microseconds). */
static int
sample(struct cpuprof *c, int64_t id, uint64_t i, uint64_t w)
{
	pf_count cw = c->o->weight_time ? pf_count_from_u64(w) : 0;
	uint32_t k;

	if (c->nodes_done) {
		if ((k = pf_v8_find(&c->t, 0, id)) == NONE)
			return no_node(c, i);
		if (!c->o->time_order)
			return add_to_node(c, k, 1, cw);
		c->st->samples++;
		if (c->t.nodes[k].idle && c->o->drop_idle) {
			c->st->dropped++;
			return 0;
		}
		return emit(c, k, pf_count_from_u64(w));
	}
	if (c->o->time_order) {
		if (pf_seq_put(c->pair_id, id) != 0 || pf_seq_put(c->pair_w, (int64_t)w) != 0)
			return pf_err(c->err, c->name, 0, "cannot hold the samples: %s",
			    strerror(errno));
		return 0;
	}
	if ((k = pf_v8_map_find(&c->early_ids, 0, id)) == NONE) {
		if (pf_grow(&c->early, &c->early_cap, c->nearly + 1, sizeof(*c->early)) != 0 ||
		    pf_v8_map_add(&c->early_ids, 0, id, (uint32_t)c->nearly) != 0)
			return pf_nomem(c->err, c->name, 0);
		k = (uint32_t)c->nearly++;
		c->early[k] = (struct early){ 0, 0, i, id };
	}
	c->early[k].samples++;
	if (c->o->weight_time && pf_count_add(c->early[k].weight, cw, &c->early[k].weight) != 0)
		return pf_err(c->err, c->name, 0, "count overflow");
	return 0;
}

/* A sample's weight from the times of it and of the next one. */
static uint64_t
weight_between(struct cpuprof *c, int64_t t, int64_t next)
{
	if (c->times == TIMES_DELTAS)
		return next > 0 ? (uint64_t)next : 0;
	return span(t, next);
}

/*
 * With --weight=time, sample i can be weighed once time i + 1 is known.
 * The first of the two arrays is held; each element of the second pairs
 * with it as it goes by.
 */
static int
sample_timed(struct cpuprof *c, int64_t id, uint64_t i)
{
	int64_t t;
	int k;

	if (c->held == NULL) {
		/* The times have not come yet: hold the samples. */
		if ((c->held = pf_seq_new(SEQ_MEM)) == NULL)
			return pf_nomem(c->err, c->name, 0);
		c->held_samples = 1;
	}
	if (c->held_samples) {
		if (pf_seq_put(c->held, id) != 0)
			return pf_err(c->err, c->name, 0, "cannot hold the samples: %s",
			    strerror(errno));
		return 0;
	}
	/* The times came first: time i is t_prev, time i + 1 is next. */
	if (i >= c->nt)
		return 0;	/* more samples than times: refused at the end */
	if (i == 0 && (pf_seq_rewind(c->held) != 0 ||
	    (k = pf_seq_get(c->held, &c->t_prev)) != 1))
		return pf_err(c->err, c->name, 0, "cannot read the times back");
	if (i + 1 == c->nt) {
		c->last_id = id;
		c->have_last = 1;
		return 0;
	}
	if ((k = pf_seq_get(c->held, &t)) != 1)
		return pf_err(c->err, c->name, 0, "cannot read the times back");
	if (sample(c, id, i, weight_between(c, c->t_prev, t)) != 0)
		return -1;
	c->t_prev = t;
	return 0;
}

/* Time k of the samples, with --weight=time. */
static int
time_value(struct cpuprof *c, int64_t t, uint64_t k)
{
	int64_t id;
	int got;

	if (c->times == TIMES_DELTAS)
		c->t_sum = sat_add(c->t_sum, t);
	else
		c->t_sum = t;
	if (c->held == NULL) {
		if ((c->held = pf_seq_new(SEQ_MEM)) == NULL)
			return pf_nomem(c->err, c->name, 0);
		c->held_samples = 0;
	}
	if (!c->held_samples) {
		if (pf_seq_put(c->held, t) != 0)
			return pf_err(c->err, c->name, 0, "cannot hold the times: %s",
			    strerror(errno));
		return 0;
	}
	/* The samples came first: time k closes sample k - 1. */
	if (k == 0 && pf_seq_rewind(c->held) != 0)
		return pf_err(c->err, c->name, 0, "cannot read the samples back: %s",
		    strerror(errno));
	if (k > 0 && k < c->ns) {
		if ((got = pf_seq_get(c->held, &id)) != 1)
			return pf_err(c->err, c->name, 0, "cannot read the samples back");
		if (sample(c, id, k - 1, weight_between(c, c->t_prev, t)) != 0)
			return -1;
	}
	if (k + 1 == c->ns) {
		if ((got = pf_seq_get(c->held, &id)) != 1)
			return pf_err(c->err, c->name, 0, "cannot read the samples back");
		c->last_id = id;
		c->have_last = 1;
	}
	c->t_prev = t;
	return 0;
}

/* ---------------------------------------------------------- the document */

static int
on_key(void *ctx, int tag, const char *key, size_t len)
{
	struct cpuprof *c = ctx;

#define IS(s) (len == sizeof(s) - 1 && memcmp(key, s, len) == 0)
	switch (tag) {
	case T_ROOT:
		if (IS("nodes") || IS("head")) {
			int t = IS("nodes") ? T_NODES : T_HEAD;

			if (c->shape == t)
				return pf_json_fail(c->json, "the key \"%s\" appears twice",
				    t == T_NODES ? "nodes" : "head");
			return t;
		}
		if (IS("samples")) {
			if (c->seen_samples)
				return pf_json_fail(c->json, "the key \"samples\" appears twice");
			return T_SAMPLES;
		}
		if (IS("timeDeltas") || IS("timestamps")) {
			int kind = IS("timeDeltas") ? TIMES_DELTAS : TIMES_STAMPS;

			/* Only --weight=time needs them, and one of them. */
			if (!c->o->weight_time || (c->times != TIMES_NONE && c->times != kind))
				return 0;
			if (c->times == kind)
				return pf_json_fail(c->json, "the key \"%.*s\" appears twice",
				    (int)len, key);
			c->times = kind;
			return T_TIMES;
		}
		if (IS("startTime"))
			return T_START;
		if (IS("endTime"))
			return T_END;
		return 0;
	case T_NODE:
	case T_HEAD:
		if (tag == T_HEAD && IS("selfSize"))
			return pf_json_fail(c->json, "a node of \"head\" has a \"selfSize\": "
			    "a V8 sampling heap profile (.heapprofile), not a .cpuprofile");
		if (IS("id"))
			return T_ID;
		if (IS("hitCount"))
			return T_HITS;
		if (IS("children"))
			return tag == T_NODE ? T_CHILDREN : T_HEAD_CHILDREN;
		if (tag == T_NODE && IS("parent"))
			return T_PARENT;
		if (tag == T_NODE && IS("callFrame"))
			return T_CALLFRAME;
		return tag == T_HEAD ? pf_v8_cf_key(key, len, T_FN) : 0;
	case T_CALLFRAME:
		return pf_v8_cf_key(key, len, T_FN);
	}
#undef IS
	return 0;
}

static int
not_cpuprofile(struct cpuprof *c)
{
	return pf_json_fail(c->json, "not a .cpuprofile: no \"nodes\" array and no "
	    "\"head\" object");
}

/* The shape is decided by the first of "nodes" and "head". */
static int
set_shape(struct cpuprof *c, int shape)
{
	if (c->shape != 0 && c->shape != shape)
		return pf_json_fail(c->json, "both \"nodes\" and \"head\": "
		    "not one .cpuprofile shape");
	c->shape = shape;
	return 0;
}

static int
on_begin(void *ctx, int tag, int array)
{
	struct cpuprof *c = ctx;

	switch (tag) {
	case T_ROOT:
		return array ? not_cpuprofile(c) : T_ROOT;
	case T_NODES:
		if (!array)
			return 0;	/* not the nodes: as if absent */
		return set_shape(c, T_NODES) != 0 ? -1 : T_NODE;
	case T_NODE:
		if (array)
			return pf_json_fail(c->json, "an element of \"nodes\" is not an object");
		return node_begin(c, NONE) != 0 ? -1 : T_NODE;
	case T_CALLFRAME:
		/* The last callFrame counts; one that is no object has no
		 * fields. */
		pf_v8_cf_clear(&pf_v8_top(&c->t)->cf);
		return array ? 0 : T_CALLFRAME;
	case T_CHILDREN:
		return array ? T_CHILD : 0;
	case T_HEAD:
		if (c->t.nopen == 0) {
			/* "head" itself */
			if (array)
				return 0;
			if (set_shape(c, T_HEAD) != 0)
				return -1;
		} else if (array) {
			return pf_json_fail(c->json, "a child in \"head\" is not an object");
		}
		return node_begin(c, c->t.nopen > 0 ? pf_v8_top(&c->t)->index : NONE) != 0 ?
		    -1 : T_HEAD;
	case T_HEAD_CHILDREN:
		return array ? T_HEAD : 0;
	case T_SAMPLES:
		if (!array)
			return 0;
		c->seen_samples = 1;
		return T_SAMPLE;
	case T_TIMES:
		return array ? T_TIME : 0;
	case T_SAMPLE:
		return pf_json_fail(c->json, "an element of \"samples\" is not a node id "
		    "but %s", array ? "an array" : "an object");
	}
	return 0;	/* an object or array where a scalar belongs */
}

static int
on_end(void *ctx, int tag, int array)
{
	struct cpuprof *c = ctx;

	PF_UNUSED(array);
	switch (tag) {
	case T_NODE:
		return node_end(c);
	case T_HEAD:
		if (node_end(c) != 0)
			return -1;
		return c->t.nopen == 0 ? nodes_known(c) : 0;
	case T_NODES:
		if (link_flat(c) != 0)
			return -1;
		return nodes_known(c);
	}
	return 0;
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct cpuprof *c = ctx;
	struct pf_v8_open *n = c->t.nopen > 0 ? pf_v8_top(&c->t) : NULL;
	struct pf_v8_node *d = n != NULL ? &c->t.nodes[n->index] : NULL;
	struct number id;
	int64_t x;
	int ok;

	switch (tag) {
	case T_ROOT:
		return not_cpuprofile(c);
	case T_NODE:
		return pf_json_fail(c->json, "an element of \"nodes\" is not an object");
	case T_HEAD:
		if (c->t.nopen > 0)
			return pf_json_fail(c->json, "a child in \"head\" is not an object");
		return 0;
	case T_ID:
		number_set(&id, v);
		d->id = number_value(&id, 1, (int64_t)n->index);
		return 0;
	case T_HITS:
		x = value_int(v, 0);
		d->hits = x > 0 ? (uint64_t)x : 0;
		return 0;
	case T_PARENT:
		d->has_parent_id = pf_json_int(v, &x);
		d->parent_id = x;
		return 0;
	case T_CHILD:
		/* The parent's id is set when the node ends. */
		x = 0;
		ok = pf_json_int(v, &x);
		return pf_v8_edge(&c->t, 0, 0, x, ok) != 0 ? nomem(c) : 0;
	case T_FN:
	case T_URL:
	case T_LINE:
		return pf_v8_cf_scalar(&n->cf, tag - T_FN, v) != 0 ? nomem(c) : 0;
	case T_SAMPLE:
		if (!pf_json_int(v, &x))
			return no_node(c, c->ns);
		c->ns++;
		return c->o->weight_time ? sample_timed(c, x, c->ns - 1) :
		    sample(c, x, c->ns - 1, 1);
	case T_TIME:
		/* Integers nearly always: the general reading only when not. */
		if (!pf_json_int(v, &x))
			x = value_int(v, 0);
		c->nt++;
		return time_value(c, x, c->nt - 1);
	case T_START:
		number_set(&c->start, v);
		return 0;
	case T_END:
		number_set(&c->end, v);
		return 0;
	}
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

/* -------------------------------------------------------------- the end */

/* The time of the last sample, and the end of the profile. */
static int64_t
last_time(struct cpuprof *c)
{
	if (c->times == TIMES_DELTAS)
		return sat_add(number_value(&c->start, 1, 0), c->t_sum);
	return c->t_sum;
}

static int64_t
end_time(struct cpuprof *c)
{
	/* The nested shape gives startTime and endTime in seconds. */
	return number_value(&c->end, c->times == TIMES_STAMPS && !c->end.integer ?
	    1e6 : 1, last_time(c));
}

/* Everything has been read: the samples left, then the stacks. */
static int
finish_samples(struct cpuprof *c)
{
	size_t i;
	int64_t id, w;
	uint32_t k;
	uint64_t first = UINT64_MAX;
	int got;

	if (c->o->weight_time && c->ns > 0 && c->nt != c->ns)
		return pf_err(c->err, c->name, 0, "--weight=time needs sample "
		    "times (\"timeDeltas\" or \"timestamps\" as long as \"samples\")");
	if (c->o->time_order && c->ns == 0)
		return pf_err(c->err, c->name, 0, "--time-order needs \"samples\"");
	if (c->ns == 0) {
		/* No sample list: the hit counts are all there is. */
		for (i = 0; i < c->t.n; i++) {
			const struct pf_v8_node *d = &c->t.nodes[i];

			c->st->samples += d->hits;
			if (d->idle && c->o->drop_idle)
				c->st->dropped += d->hits;
			else if (d->hits > 0 && emit(c, (uint32_t)i,
			    pf_count_from_u64(d->hits)) != 0)
				return -1;
		}
		return 0;
	}
	/* With --time-order, the samples that came before the nodes, then
	 * the last one, weighed by the end of the profile. */
	if (c->pair_id != NULL && pf_seq_count(c->pair_id) > 0) {
		if (pf_seq_rewind(c->pair_id) != 0 || pf_seq_rewind(c->pair_w) != 0)
			return pf_err(c->err, c->name, 0, "cannot read the samples back: %s",
			    strerror(errno));
		for (i = 0; (got = pf_seq_get(c->pair_id, &id)) == 1; i++) {
			if (pf_seq_get(c->pair_w, &w) != 1) {
				got = -1;
				break;
			}
			if (sample(c, id, i, (uint64_t)w) != 0)
				return -1;
		}
		if (got < 0)
			return pf_err(c->err, c->name, 0, "cannot read the samples back");
	}
	if (c->o->weight_time && c->have_last &&
	    sample(c, c->last_id, c->ns - 1, span(last_time(c), end_time(c))) != 0)
		return -1;
	/* Samples counted before the nodes were known. */
	for (i = 0; i < c->nearly; i++)
		if (pf_v8_find(&c->t, 0, c->early[i].id) == NONE && c->early[i].first < first)
			first = c->early[i].first;
	if (first != UINT64_MAX)
		return no_node(c, first);
	for (i = 0; i < c->nearly; i++)
		if (add_to_node(c, pf_v8_find(&c->t, 0, c->early[i].id), c->early[i].samples,
		    c->early[i].weight) != 0)
			return -1;
	if (c->o->time_order)
		return 0;
	for (k = 0; k < c->t.n; k++) {
		const struct pf_v8_node *d = &c->t.nodes[k];
		pf_count cw = c->o->weight_time ? d->weight : pf_count_from_u64(d->samples);

		if (cw > 0 && emit(c, k, cw) != 0)
			return -1;
	}
	return 0;
}

static void
release(struct cpuprof *c)
{
	pf_v8_release(&c->t);
	pf_v8_map_release(&c->early_ids);
	free(c->early);
	pf_seq_free(c->held);
	pf_seq_free(c->pair_id);
	pf_seq_free(c->pair_w);
	free(c->stack);
	pf_json_free(c->json);
	pf_profile_free(c->q);
}

/*
 * A JSON object whose nodes have a "hitCount" (both shapes), or with
 * "nodes" and their "callFrame", "samples" or "timeDeltas" (its keys come
 * in any order).  A Chrome trace ("traceEvents", "ph") holds profile
 * chunks with nodes too, but is no CPU profile (chrome.c reads it); a heap
 * profile, whose nodes have "selfSize", is heapprofile.c's, and a heap
 * snapshot (first key "snapshot", with "nodes" and "samples") is no
 * profile of stacks.
 */
int
pf_cpuprofile_detect(const struct pf_peek *pk, size_t *where)
{
	const char *s = pk->buf + pk->body;
	size_t n = pk->n - pk->body;

	PF_UNUSED(where);
	if (n == 0 || s[0] != '{' || pf_peek_json_key(pk, "code") ||
	    pf_peek_json_key(pk, "ticks") || pf_peek_json_key(pk, "snapshot") ||
	    pf_mem_has(s, n, "\"selfSize\"") ||
	    pf_mem_has(s, n, "\"traceEvents\"") || pf_mem_has(s, n, "\"ph\""))
		return PF_CLAIM_NONE;
	if (pf_mem_has(s, n, "\"hitCount\"") || (pf_mem_has(s, n, "\"nodes\"") &&
	    (pf_mem_has(s, n, "\"callFrame\"") || pf_mem_has(s, n, "\"samples\"") ||
	    pf_mem_has(s, n, "\"timeDeltas\""))))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

int
pf_cpuprofile_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct cpuprof c;
	struct pf_profile_mark mark;
	int rc = -1, own;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.st = st;
	c.err = err;
	c.name = pf_reader_name(r);
	if (o->time_order)
		pf_profile_set_ordered(p, 1);
	/* Time order keeps a stack per change of stack, as many as the
	 * output has: added to p directly and taken back on failure. */
	own = !pf_profile_ordered(p);
	pf_profile_mark(p, &mark);
	c.q = own ? pf_profile_new() : p;
	if (c.q == NULL ||
	    (o->time_order && ((c.pair_id = pf_seq_new(SEQ_MEM)) == NULL ||
	    (c.pair_w = pf_seq_new(SEQ_MEM)) == NULL))) {
		pf_nomem(err, c.name, 0);
		goto out;
	}
	pf_profile_set_ordered(c.q, o->time_order);
	if ((c.json = pf_json_new(r, &handler, &c, err)) == NULL)
		goto out;
	if (pf_json_parse(c.json, T_ROOT) != 0)
		goto out;
	if (c.shape == 0 || !c.nodes_done) {
		pf_err(err, c.name, 0, "not a .cpuprofile: no \"nodes\" array and no "
		    "\"head\" object");
		goto out;
	}
	if (finish_samples(&c) != 0)
		goto out;
	if (own && pf_profile_merge(p, c.q, err) != 0) {
		pf_err_name(err, c.name);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0 && !own)
		pf_profile_rollback(p, &mark);
	if (!own)
		c.q = NULL;
	release(&c);
	return rc;
}
