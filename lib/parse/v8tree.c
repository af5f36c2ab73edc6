/*
 * v8tree.c - the node trees of V8's profiles (see v8tree.h).
 */
#include <stdlib.h>

#include "v8tree.h"

/* ------------------------------------------------------------------ map */

int
pf_v8_map_add(struct pf_v8_map *m, int64_t a, int64_t b, uint32_t v)
{
	size_t i;

	if (m->val == NULL || (m->count + 1) * 2 > m->mask + 1) {
		size_t cap = m->val == NULL ? 64 : (m->mask + 1) * 2, j;
		int64_t *na = malloc(cap * sizeof(*na)), *nb = malloc(cap * sizeof(*nb));
		uint32_t *nv = calloc(cap, sizeof(*nv));

		if (na == NULL || nb == NULL || nv == NULL) {
			free(na);
			free(nb);
			free(nv);
			return -1;
		}
		for (j = 0; m->val != NULL && j <= m->mask; j++) {
			if (m->val[j] == 0)
				continue;
			for (i = pf_v8_hash(m->a[j], m->b[j]) & (cap - 1); nv[i] != 0;
			    i = (i + 1) & (cap - 1))
				;
			na[i] = m->a[j];
			nb[i] = m->b[j];
			nv[i] = m->val[j];
		}
		free(m->a);
		free(m->b);
		free(m->val);
		m->a = na;
		m->b = nb;
		m->val = nv;
		m->mask = cap - 1;
	}
	for (i = pf_v8_hash(a, b) & m->mask; m->val[i] != 0; i = (i + 1) & m->mask)
		;
	m->a[i] = a;
	m->b[i] = b;
	m->val[i] = v + 1;
	m->count++;
	return 0;
}

void
pf_v8_map_release(struct pf_v8_map *m)
{
	free(m->a);
	free(m->b);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* ---------------------------------------------------------- call frames */

int
pf_v8_cf_key(const char *key, size_t len, int base)
{
#define IS(s) (len == sizeof(s) - 1 && memcmp(key, s, len) == 0)
	if (IS("functionName"))
		return base + PF_V8_FN;
	if (IS("url"))
		return base + PF_V8_URL;
	if (IS("lineNumber"))
		return base + PF_V8_LINE;
#undef IS
	return 0;
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

int
pf_v8_cf_scalar(struct pf_v8_cf *f, int which, const struct pf_json_value *v)
{
	double d;

	switch (which) {
	case PF_V8_FN:
		return keep(&f->fn, &f->fn_len, &f->fn_cap, &f->fn_set, v);
	case PF_V8_URL:
		return keep(&f->url, &f->url_len, &f->url_cap, &f->url_set, v);
	case PF_V8_LINE:
		/* A line written as a fraction counts by its whole part. */
		f->has_line = 1;
		if (pf_json_int(v, &f->line))
			return 0;
		if (pf_json_double(v, &d) && d > -9e18 && d < 9e18)
			f->line = (int64_t)d;
		else
			f->has_line = 0;
		return 0;
	}
	return 0;
}

void
pf_v8_cf_clear(struct pf_v8_cf *f)
{
	f->fn_set = f->url_set = f->has_line = 0;
}

int
pf_v8_cf_is(const struct pf_v8_cf *f, const char *s)
{
	size_t k = strlen(s);

	return f->fn_set && f->fn_len == k && memcmp(f->fn, s, k) == 0;
}

static void
cf_free(struct pf_v8_cf *f)
{
	free(f->fn);
	free(f->url);
}

/* Appends s[0..n-1] to buf at *len: ';' separates frames and newlines
 * end stacks, so they become ':' and ' '. */
static int
put(char **buf, size_t *cap, size_t *len, const char *s, size_t n)
{
	size_t i;

	if (pf_grow(buf, cap, *len + n + 1, 1) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == ';')
			ch = ':';
		else if (ch == '\n' || ch == '\r')
			ch = ' ';
		(*buf)[(*len)++] = ch;
	}
	return 0;
}

uint32_t
pf_v8_callframe(struct pf_profile *p, char **buf, size_t *cap, const char *fn,
    size_t fl, const char *url, size_t ul, int64_t line, int no_location)
{
	char num[32];
	size_t len = 0;

	if (fl == 0) {
		fn = "(anonymous)";
		fl = 11;
	}
	if (put(buf, cap, &len, fn, fl) != 0)
		return PF_V8_NONE;
	if (!no_location && ul > 0) {
		if (ul >= 7 && memcmp(url, "file://", 7) == 0) {
			url += 7;
			ul -= 7;
		}
		snprintf(num, sizeof(num), ":%llu",
		    line < 0 ? 0ULL : (unsigned long long)line + 1);
		if (put(buf, cap, &len, " ", 1) != 0 || put(buf, cap, &len, url, ul) != 0 ||
		    put(buf, cap, &len, num, strlen(num)) != 0)
			return PF_V8_NONE;
	}
	return pf_profile_intern(p, *buf, len);
}

uint32_t
pf_v8_cf_frame(struct pf_v8_tree *t, struct pf_profile *q, const struct pf_v8_cf *f,
    int no_location)
{
	return pf_v8_callframe(q, &t->buf, &t->bufcap, f->fn_set ? f->fn : "",
	    f->fn_set ? f->fn_len : 0, f->url_set ? f->url : "",
	    f->url_set ? f->url_len : 0, f->has_line ? f->line : -1, no_location);
}

/* ---------------------------------------------------------------- nodes */

void
pf_v8_release(struct pf_v8_tree *t)
{
	size_t i;

	for (i = 0; i < t->ocap; i++)
		cf_free(&t->open[i].cf);
	free(t->open);
	free(t->nodes);
	free(t->direct);
	free(t->edges);
	pf_v8_map_release(&t->map);
	free(t->buf);
}

uint32_t
pf_v8_node_new(struct pf_v8_tree *t, uint32_t parent)
{
	struct pf_v8_node *d;

	if (t->n >= PF_V8_NONE - 1 ||
	    pf_grow(&t->nodes, &t->cap, t->n + 1, sizeof(*t->nodes)) != 0)
		return PF_V8_NONE;
	d = &t->nodes[t->n];
	memset(d, 0, sizeof(*d));
	d->id = (int64_t)t->n;
	d->parent = parent;
	d->frame = PF_V8_NONE;
	d->first = UINT64_MAX;
	return (uint32_t)t->n++;
}

uint32_t
pf_v8_node_add(struct pf_v8_tree *t, uint32_t scope, int64_t id)
{
	uint32_t k;

	if ((k = pf_v8_node_new(t, PF_V8_NONE)) == PF_V8_NONE ||
	    pf_v8_map_add(&t->map, scope, id, k) != 0)
		return PF_V8_NONE;
	t->nodes[k].id = id;
	t->nodes[k].scope = scope;
	return k;
}

int
pf_v8_node_name(struct pf_v8_tree *t, uint32_t k, uint32_t scope)
{
	struct pf_v8_node *d = &t->nodes[k];

	d->scope = scope;
	d->defined = 1;
	if (pf_v8_map_find(&t->map, scope, d->id) != PF_V8_NONE)
		return 1;
	return pf_v8_map_add(&t->map, scope, d->id, k) != 0 ? -1 : 0;
}

void
pf_v8_index(struct pf_v8_tree *t)
{
	size_t i, max = 0;

	for (i = 0; i < t->n; i++) {
		const struct pf_v8_node *d = &t->nodes[i];

		if (d->scope != 0 || d->id < 0 || (uint64_t)d->id > 4 * t->n + 64)
			return;
		if ((size_t)d->id > max)
			max = (size_t)d->id;
	}
	if ((t->direct = malloc((max + 1) * sizeof(*t->direct))) == NULL)
		return;		/* the map does it too */
	for (i = 0; i <= max; i++)
		t->direct[i] = PF_V8_NONE;
	for (i = 0; i < t->n; i++)
		t->direct[t->nodes[i].id] = (uint32_t)i;
	t->ndirect = max + 1;
}

int
pf_v8_edge(struct pf_v8_tree *t, uint32_t scope, int64_t parent, int64_t child,
    int valid)
{
	if (pf_grow(&t->edges, &t->ecap, t->nedges + 1, sizeof(*t->edges)) != 0)
		return -1;
	t->edges[t->nedges++] = (struct pf_v8_edge){ scope, (uint8_t)(valid != 0),
	    parent, child };
	return 0;
}

/* The defined node of (scope, id), or PF_V8_NONE. */
static uint32_t
defined(const struct pf_v8_tree *t, uint32_t scope, int64_t id)
{
	uint32_t k = pf_v8_map_find(&t->map, scope, id);

	return k != PF_V8_NONE && t->nodes[k].defined ? k : PF_V8_NONE;
}

int
pf_v8_link(struct pf_v8_tree *t, uint64_t *orphans, const char *what,
    struct pf_error *err, const char *name)
{
	size_t i;
	uint32_t a, b;

	for (i = 0; i < t->n; i++) {
		struct pf_v8_node *d = &t->nodes[i];

		if (!d->defined || !d->has_parent_id)
			continue;
		if ((a = defined(t, d->scope, d->parent_id)) != PF_V8_NONE) {
			d->parent = a;
		} else if (orphans != NULL) {
			/* Its parent came in a part the input lost. */
			d->orphan = 1;
			(*orphans)++;
		} else {
			return pf_err(err, name, 0, "node %lld%s has an unknown parent %lld",
			    (long long)d->id, what, (long long)d->parent_id);
		}
	}
	for (i = 0; i < t->nedges; i++) {
		const struct pf_v8_edge *e = &t->edges[i];

		a = defined(t, e->scope, e->parent);
		b = e->valid ? defined(t, e->scope, e->child) : PF_V8_NONE;
		if (b == PF_V8_NONE && e->valid)
			return pf_err(err, name, 0, "node %lld%s has an unknown child %lld",
			    (long long)e->parent, what, (long long)e->child);
		if (b == PF_V8_NONE)
			return pf_err(err, name, 0, "node %lld%s has a child that is not "
			    "an integer", (long long)e->parent, what);
		if (t->nodes[b].parent != PF_V8_NONE && t->nodes[b].parent != a)
			return pf_err(err, name, 0, "node %lld%s has two parents",
			    (long long)e->child, what);
		t->nodes[b].parent = a;
	}
	free(t->edges);
	t->edges = NULL;
	t->nedges = t->ecap = 0;
	return 0;
}

int
pf_v8_stack(struct pf_v8_tree *t, struct pf_profile *q, uint32_t k,
    uint32_t **stack, size_t *cap, size_t lo, const char *orphan,
    struct pf_error *err, const char *name)
{
	size_t n = lo, depth = 0;
	uint32_t j;

	for (j = k; j != PF_V8_NONE; j = t->nodes[j].parent) {
		const struct pf_v8_node *d = &t->nodes[j];

		if (++depth > t->n)
			return pf_err(err, name, 0, "the parent links of node %lld form "
			    "a cycle", (long long)t->nodes[k].id);
		if (pf_grow(stack, cap, n + 2, sizeof(**stack)) != 0)
			return pf_nomem(err, name, 0);
		if (d->frame != PF_V8_NONE)
			(*stack)[n++] = d->frame;
		if (d->orphan && ((*stack)[n++] = pf_profile_intern(q, orphan,
		    strlen(orphan))) == PF_V8_NONE)
			return pf_nomem(err, name, 0);
	}
	pf_stack_reverse(*stack + lo, n - lo);
	if (n == lo) {
		/* Samples of the root itself keep their weight. */
		if (pf_grow(stack, cap, n + 1, sizeof(**stack)) != 0 ||
		    ((*stack)[n] = pf_profile_intern(q, "(root)", 6)) == PF_V8_NONE)
			return pf_nomem(err, name, 0);
		n++;
	}
	return (int)n;
}

/* ------------------------------------------------------ open nodes */

uint32_t
pf_v8_open(struct pf_v8_tree *t, uint32_t parent)
{
	size_t ocap = t->ocap;
	uint32_t k;

	if (pf_grow(&t->open, &t->ocap, t->nopen + 1, sizeof(*t->open)) != 0)
		return PF_V8_NONE;
	/* The open nodes' string buffers are kept for the next node at the
	 * same depth; new ones start empty. */
	if (t->ocap > ocap)
		memset(t->open + ocap, 0, (t->ocap - ocap) * sizeof(*t->open));
	if ((k = pf_v8_node_new(t, parent)) == PF_V8_NONE)
		return PF_V8_NONE;
	t->open[t->nopen].index = k;
	pf_v8_cf_clear(&t->open[t->nopen].cf);
	t->nopen++;
	return k;
}
