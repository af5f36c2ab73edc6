/*
 * cpuprofile.c - V8 / Chrome DevTools .cpuprofile JSON to folded stacks.
 *
 * Two shapes exist.  The current one (node --cpu-prof, DevTools, the
 * inspector's Profiler domain) is flat: "nodes" is an array of
 * {id, callFrame, hitCount, children: [ids]}, "samples" the node id of each
 * sample and "timeDeltas" the microseconds since the sample before (the
 * first since "startTime").  The older one (v8-profiler, old DevTools
 * files) nests: "head" is the root node with its call frame fields inline
 * and "children" holding node objects, each with its own "hitCount".
 *
 * Both become one array of nodes with parent links; a sample's stack is
 * the chain from its node up to the root.  The JSON document is held in
 * memory by jansson while it is read (linear in its size); the stacks are
 * built per node, not per sample, unless the samples are wanted in time
 * order.
 */
#include <jansson.h>
#include <stdlib.h>

#include "format.h"

#define NO_PARENT SIZE_MAX

struct node {
	json_int_t id;
	size_t parent;		/* index, or NO_PARENT */
	uint32_t frame;		/* UINT32_MAX: not a frame (the root) */
	int idle;
	uint64_t hits;		/* hitCount */
	pf_count weight;	/* summed from the samples */
};

struct idmap {
	json_int_t id;
	size_t index;
};

struct cpuprof {
	struct pf_profile *p;
	const struct pf_collapse_options *o;
	struct pf_collapse_stats *st;
	struct pf_reader *r;
	struct pf_error *err;
	const char *name;

	struct node *nodes;
	size_t nnodes, cap;
	struct idmap *ids;	/* sorted by id */
	char *buf;		/* frame name scratch */
	size_t bufcap;
	uint32_t *stack;	/* scratch, leaf first */
	size_t stackcap;
};

static int
fail(struct cpuprof *c, const char *fmt, const char *detail)
{
	return pf_err(c->err, c->name, 0, fmt, detail);
}

/* jansson pulls the input through this. */
static size_t
load_cb(void *buf, size_t n, void *arg)
{
	struct cpuprof *c = arg;

	return pf_reader_read(c->r, buf, n, c->err);
}

static const char *
str_field(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* A JSON number as an integer; dflt when it is none or out of range. */
static json_int_t
int_value(json_t *v, double scale, json_int_t dflt)
{
	double d;

	if (json_is_integer(v) && scale == 1)
		return json_integer_value(v);
	if (!json_is_number(v))
		return dflt;
	d = json_number_value(v) * scale;
	if (!(d > -9e18 && d < 9e18))
		return dflt;
	return (json_int_t)d;
}

static json_int_t
int_field(json_t *obj, const char *key, json_int_t dflt)
{
	return int_value(json_object_get(obj, key), 1, dflt);
}

static int
put(struct cpuprof *c, size_t *len, const char *s, size_t n)
{
	size_t i;

	if (pf_grow(&c->buf, &c->bufcap, *len + n + 1, 1) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		/* ';' separates frames and newlines end stacks. */
		if (ch == ';')
			ch = ':';
		else if (ch == '\n' || ch == '\r')
			ch = ' ';
		c->buf[(*len)++] = ch;
	}
	return 0;
}

/* "NAME FILE:LINE" for the call frame fields of cf. */
static uint32_t
frame_of(struct cpuprof *c, json_t *cf)
{
	const char *fn = str_field(cf, "functionName");
	const char *url = str_field(cf, "url");
	json_int_t line = int_field(cf, "lineNumber", -1);
	char num[32];
	size_t len = 0;

	if (fn[0] == '\0')
		fn = "(anonymous)";
	if (put(c, &len, fn, strlen(fn)) != 0)
		return UINT32_MAX;
	if (!c->o->no_location && url[0] != '\0') {
		if (strncmp(url, "file://", 7) == 0)
			url += 7;
		snprintf(num, sizeof(num), ":%llu",
		    line < 0 ? 0ULL : (unsigned long long)line + 1);
		if (put(c, &len, " ", 1) != 0 || put(c, &len, url, strlen(url)) != 0 ||
		    put(c, &len, num, strlen(num)) != 0)
			return UINT32_MAX;
	}
	return pf_profile_intern(c->p, c->buf, len);
}

static int
add_node(struct cpuprof *c, json_t *obj, json_t *cf, size_t parent)
{
	struct node *n;
	const char *fn = str_field(cf, "functionName");

	if (pf_grow(&c->nodes, &c->cap, c->nnodes + 1, sizeof(*c->nodes)) != 0)
		return pf_err(c->err, c->name, 0, "out of memory");
	n = &c->nodes[c->nnodes];
	n->id = int_field(obj, "id", (json_int_t)c->nnodes);
	n->parent = parent;
	n->idle = strcmp(fn, "(idle)") == 0;
	n->hits = (uint64_t)(int_field(obj, "hitCount", 0) > 0 ?
	    int_field(obj, "hitCount", 0) : 0);
	n->weight = 0;
	if (parent == NO_PARENT && strcmp(fn, "(root)") == 0)
		n->frame = UINT32_MAX;
	else if ((n->frame = frame_of(c, cf)) == UINT32_MAX)
		return pf_err(c->err, c->name, 0, "out of memory");
	c->nnodes++;
	return 0;
}

static int
cmp_id(const void *x, const void *y)
{
	const struct idmap *a = x, *b = y;

	return (a->id > b->id) - (a->id < b->id);
}

static size_t
find_id(struct cpuprof *c, json_int_t id)
{
	struct idmap key = { id, 0 }, *m;

	m = bsearch(&key, c->ids, c->nnodes, sizeof(*c->ids), cmp_id);
	return m != NULL ? m->index : NO_PARENT;
}

static int
index_ids(struct cpuprof *c)
{
	size_t i;

	c->ids = malloc((c->nnodes + 1) * sizeof(*c->ids));
	if (c->ids == NULL)
		return pf_err(c->err, c->name, 0, "out of memory");
	for (i = 0; i < c->nnodes; i++) {
		c->ids[i].id = c->nodes[i].id;
		c->ids[i].index = i;
	}
	qsort(c->ids, c->nnodes, sizeof(*c->ids), cmp_id);
	for (i = 1; i < c->nnodes; i++)
		if (c->ids[i].id == c->ids[i - 1].id)
			return pf_err(c->err, c->name, 0,
			    "two nodes have the id %lld", (long long)c->ids[i].id);
	return 0;
}

/* The flat shape: nodes with children ids (or parent ids). */
static int
read_flat(struct cpuprof *c, json_t *nodes)
{
	size_t i, j, k;
	json_t *n, *ch;

	json_array_foreach(nodes, i, n) {
		if (!json_is_object(n))
			return fail(c, "%s", "an element of \"nodes\" is not an object");
		if (add_node(c, n, json_object_get(n, "callFrame"), NO_PARENT) != 0)
			return -1;
	}
	if (index_ids(c) != 0)
		return -1;
	json_array_foreach(nodes, i, n) {
		json_t *parent = json_object_get(n, "parent");

		if (json_is_integer(parent)) {
			k = find_id(c, json_integer_value(parent));
			if (k == NO_PARENT)
				return pf_err(c->err, c->name, 0, "node %lld has an "
				    "unknown parent %lld", (long long)c->nodes[i].id,
				    (long long)json_integer_value(parent));
			c->nodes[i].parent = k;
		}
		json_array_foreach(json_object_get(n, "children"), j, ch) {
			k = json_is_integer(ch) ? find_id(c, json_integer_value(ch)) : NO_PARENT;
			if (k == NO_PARENT)
				return pf_err(c->err, c->name, 0, "node %lld has an "
				    "unknown child", (long long)c->nodes[i].id);
			if (c->nodes[k].parent != NO_PARENT && c->nodes[k].parent != i)
				return pf_err(c->err, c->name, 0, "node %lld has two "
				    "parents", (long long)c->nodes[k].id);
			c->nodes[k].parent = i;
		}
	}
	/* A (root) that turned out to have a parent is an ordinary frame. */
	for (i = 0; i < c->nnodes; i++)
		if (c->nodes[i].frame == UINT32_MAX && c->nodes[i].parent != NO_PARENT)
			c->nodes[i].frame = pf_profile_intern(c->p, "(root)", 6);
	return 0;
}

/* The nested shape, depth first without recursion. */
static int
read_nested(struct cpuprof *c, json_t *head)
{
	struct walk { json_t *obj; size_t index, next; } *w = NULL;
	size_t nw = 0, wcap = 0;
	int rc = -1;

	if (add_node(c, head, head, NO_PARENT) != 0)
		goto out;
	if (pf_grow(&w, &wcap, 1, sizeof(*w)) != 0)
		goto nomem;
	w[nw++] = (struct walk){ head, 0, 0 };
	while (nw > 0) {
		struct walk *t = &w[nw - 1];
		json_t *child = json_array_get(json_object_get(t->obj, "children"), t->next);
		size_t parent = t->index;

		if (child == NULL) {
			nw--;
			continue;
		}
		t->next++;
		if (!json_is_object(child)) {
			fail(c, "%s", "a child in \"head\" is not an object");
			goto out;
		}
		if (add_node(c, child, child, parent) != 0)
			goto out;
		if (pf_grow(&w, &wcap, nw + 1, sizeof(*w)) != 0)
			goto nomem;
		w[nw++] = (struct walk){ child, c->nnodes - 1, 0 };
	}
	rc = index_ids(c);
	goto out;
nomem:
	pf_err(c->err, c->name, 0, "out of memory");
out:
	free(w);
	return rc;
}

/* Adds weight to the stack of node i (root first). */
static int
emit(struct cpuprof *c, size_t i, pf_count weight)
{
	size_t n = 0, k, depth = 0;
	uint32_t tmp;

	for (k = i; k != NO_PARENT; k = c->nodes[k].parent) {
		if (++depth > c->nnodes)
			return pf_err(c->err, c->name, 0, "the parent links of node "
			    "%lld form a cycle", (long long)c->nodes[i].id);
		if (c->nodes[k].frame == UINT32_MAX)
			continue;
		if (pf_grow(&c->stack, &c->stackcap, n + 1, sizeof(*c->stack)) != 0)
			return pf_err(c->err, c->name, 0, "out of memory");
		c->stack[n++] = c->nodes[k].frame;
	}
	for (k = 0; k < n / 2; k++) {
		tmp = c->stack[k];
		c->stack[k] = c->stack[n - 1 - k];
		c->stack[n - 1 - k] = tmp;
	}
	if (n == 0) {
		/* Samples of the root itself: keep their weight. */
		if (pf_grow(&c->stack, &c->stackcap, 1, sizeof(*c->stack)) != 0)
			return pf_err(c->err, c->name, 0, "out of memory");
		c->stack[0] = pf_profile_intern(c->p, "(root)", 6);
		n = 1;
	}
	if (pf_profile_add(c->p, c->stack, n, weight, 0, c->err) != 0) {
		pf_err_name(c->err, c->name);
		return -1;
	}
	return 0;
}

/*
 * Sample times in microseconds: from timeDeltas (flat) or timestamps
 * (nested), and the end of the profile.  Returns 0 when there are none.
 */
static int
sample_times(json_t *root, size_t ns, json_int_t **tp, json_int_t *end)
{
	json_t *deltas = json_object_get(root, "timeDeltas");
	json_t *stamps = json_object_get(root, "timestamps");
	json_t *e = json_object_get(root, "endTime");
	json_int_t *t, acc;
	size_t i;
	int seconds = 0;

	*tp = NULL;
	if (json_array_size(deltas) != ns && json_array_size(stamps) != ns)
		return 0;
	t = malloc((ns + 1) * sizeof(*t));
	if (t == NULL)
		return -1;
	if (json_array_size(deltas) == ns) {
		acc = int_field(root, "startTime", 0);
		for (i = 0; i < ns; i++) {
			/* Absurd times saturate rather than wrap. */
			if (__builtin_add_overflow(acc,
			    int_value(json_array_get(deltas, i), 1, 0), &acc))
				acc = acc < 0 ? INT64_MAX : INT64_MIN;
			t[i] = acc;
		}
	} else {
		for (i = 0; i < ns; i++)
			t[i] = int_value(json_array_get(stamps, i), 1, 0);
		/* The nested shape gives startTime and endTime in seconds. */
		seconds = json_is_real(e);
	}
	*end = ns > 0 ? t[ns - 1] : 0;
	if (json_is_number(e))
		*end = int_value(e, seconds ? 1e6 : 1, *end);
	*tp = t;
	return 1;
}

static int
fold(struct cpuprof *c, json_t *root)
{
	json_t *samples = json_object_get(root, "samples");
	size_t ns = json_array_size(samples), i, k;
	json_int_t *t = NULL, end = 0, d;
	pf_count w;
	int rc = -1, have_times;

	if ((have_times = sample_times(root, ns, &t, &end)) < 0)
		return pf_err(c->err, c->name, 0, "out of memory");
	if (c->o->weight_time && !have_times) {
		pf_err(c->err, c->name, 0, "--weight=time needs sample times "
		    "(\"timeDeltas\" or \"timestamps\" as long as \"samples\")");
		goto out;
	}
	if (c->o->time_order && ns == 0) {
		pf_err(c->err, c->name, 0, "--time-order needs \"samples\"");
		goto out;
	}
	if (ns == 0) {
		/* No sample list: the hit counts are all there is. */
		for (i = 0; i < c->nnodes; i++) {
			c->st->samples += c->nodes[i].hits;
			if (c->nodes[i].idle && c->o->drop_idle)
				c->st->dropped += c->nodes[i].hits;
			else if (c->nodes[i].hits > 0 &&
			    emit(c, i, pf_count_from_u64(c->nodes[i].hits)) != 0)
				goto out;
		}
		rc = 0;
		goto out;
	}
	for (i = 0; i < ns; i++) {
		json_t *v = json_array_get(samples, i);

		k = json_is_integer(v) ? find_id(c, json_integer_value(v)) : NO_PARENT;
		if (k == NO_PARENT) {
			pf_err(c->err, c->name, 0, "sample %zu names no node", i);
			goto out;
		}
		c->st->samples++;
		if (c->nodes[k].idle && c->o->drop_idle) {
			c->st->dropped++;
			continue;
		}
		w = PF_COUNT_ONE;
		if (c->o->weight_time) {
			/* A sample lasts until the next one (DevTools' view). */
			if (__builtin_sub_overflow(i + 1 < ns ? t[i + 1] : end, t[i], &d))
				d = 0;
			w = pf_count_from_u64(d > 0 ? (uint64_t)d : 0);
		}
		if (c->o->time_order) {
			if (emit(c, k, w) != 0)
				goto out;
		} else if (pf_count_add(c->nodes[k].weight, w, &c->nodes[k].weight) != 0) {
			pf_err(c->err, c->name, 0, "count overflow");
			goto out;
		}
	}
	if (!c->o->time_order)
		for (i = 0; i < c->nnodes; i++)
			if (c->nodes[i].weight > 0 && emit(c, i, c->nodes[i].weight) != 0)
				goto out;
	rc = 0;
out:
	free(t);
	return rc;
}

/*
 * Any JSON object that no format claims more specifically: the
 * .cpuprofile's keys ("nodes", "head") may come in any order.
 */
int
pf_cpuprofile_detect(const struct pf_peek *pk, size_t *where)
{
	PF_UNUSED(where);
	if (pk->body < pk->n && pk->buf[pk->body] == '{')
		return PF_CLAIM_SYNTAX;
	return PF_CLAIM_NONE;
}

int
pf_cpuprofile_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct cpuprof c;
	json_error_t jerr;
	json_t *root, *nodes, *head;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	c.p = p;
	c.o = o;
	c.st = st;
	c.r = r;
	c.err = err;
	c.name = pf_reader_name(r);
	err->msg[0] = '\0';
	root = json_load_callback(load_cb, &c, 0, &jerr);
	if (root == NULL) {
		if (err->msg[0] != '\0')
			return -1;	/* a read error */
		return pf_err(err, c.name, (uint64_t)(jerr.line > 0 ? jerr.line : 0),
		    "not valid JSON (column %d): %s", jerr.column, jerr.text);
	}
	if (o->time_order)
		pf_profile_set_ordered(p, 1);
	nodes = json_object_get(root, "nodes");
	head = json_object_get(root, "head");
	if (json_is_array(nodes))
		rc = read_flat(&c, nodes);
	else if (json_is_object(head))
		rc = read_nested(&c, head);
	else
		rc = fail(&c, "%s", "not a .cpuprofile: no \"nodes\" array and no "
		    "\"head\" object");
	if (rc == 0)
		rc = fold(&c, root);
	json_decref(root);
	free(c.nodes);
	free(c.ids);
	free(c.buf);
	free(c.stack);
	return rc;
}
