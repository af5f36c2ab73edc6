/*
 * test-v8tree.c - unit tests of the V8 node trees (lib/parse/v8tree.c):
 * links by parent id and by children in either order, orphans, the errors
 * of bad links and cycles, look-ups by id, and frame names from call
 * frames.
 */
#include "tap.h"

#include "parse/v8tree.h"

/* The stack of node k as "a;b;c" (static buffer), or the error message. */
static const char *
stack_of(struct pf_v8_tree *t, struct pf_profile *q, uint32_t k, size_t lo)
{
	static char out[512];
	uint32_t *stack = NULL;
	size_t cap = 0, len = 0, fl, i;
	struct pf_error err;
	const char *f;
	int n;

	memset(&err, 0, sizeof(err));
	out[0] = '\0';
	if (pf_grow(&stack, &cap, lo + 1, sizeof(*stack)) != 0)
		return "out of memory";
	for (i = 0; i < lo; i++)
		stack[i] = pf_profile_intern(q, "top", 3);
	n = pf_v8_stack(t, q, k, &stack, &cap, lo, "(lost)", &err, "t");
	if (n < 0) {
		snprintf(out, sizeof(out), "error: %.400s", err.msg);
		free(stack);
		return out;
	}
	for (i = 0; i < (size_t)n; i++) {
		f = pf_profile_frame(q, stack[i], &fl);
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%.*s",
		    i > 0 ? ";" : "", (int)fl, f);
	}
	free(stack);
	return out;
}

/* Defines node id of scope with a frame named name; its index. */
static uint32_t
define(struct pf_v8_tree *t, struct pf_profile *q, uint32_t scope, int64_t id,
    const char *name)
{
	uint32_t k = pf_v8_node_get(t, scope, id);

	t->nodes[k].defined = 1;
	t->nodes[k].frame = name != NULL ? pf_profile_intern(q, name, strlen(name)) :
	    PF_V8_NONE;
	return k;
}

static void
check_stack(struct pf_v8_tree *t, struct pf_profile *q, uint32_t k, size_t lo,
    const char *want, const char *name)
{
	const char *got = stack_of(t, q, k, lo);

	tap_ok(strcmp(got, want) == 0, name, "got '%s', want '%s'", got, want);
}

static void
test_links(void)
{
	struct pf_v8_tree t;
	struct pf_profile *q = pf_profile_new();
	struct pf_error err;
	uint32_t leaf, mid, root, other;
	uint64_t orphans = 0;

	memset(&t, 0, sizeof(t));
	memset(&err, 0, sizeof(err));
	/* A sample names node 3 of scope 1 before any node is defined. */
	leaf = pf_v8_node_get(&t, 1, 3);
	tap_ok(pf_v8_node_get(&t, 1, 3) == leaf, "the same id, the same node", NULL);
	tap_ok(pf_v8_node_get(&t, 2, 3) != leaf, "another scope, another node", NULL);
	/* Children listed before the child is defined, a parent id after. */
	root = define(&t, q, 1, 1, NULL);
	tap_ok(pf_v8_edge(&t, 1, 1, 2, 1) == 0, "an edge", NULL);
	mid = define(&t, q, 1, 2, "mid");
	define(&t, q, 1, 3, "leaf");
	t.nodes[leaf].has_parent_id = 1;
	t.nodes[leaf].parent_id = 2;
	/* A node of scope 2 whose parent is not there. */
	other = define(&t, q, 2, 7, "other");
	t.nodes[other].has_parent_id = 1;
	t.nodes[other].parent_id = 99;
	tap_ok(pf_v8_link(&t, &orphans, "", &err, "t") == 0, "linked", "%s", err.msg);
	tap_ok(orphans == 1, "one orphan", "%llu", (unsigned long long)orphans);
	tap_ok(t.nodes[mid].parent == root && t.nodes[leaf].parent == mid,
	    "parents by children and by id", NULL);
	check_stack(&t, q, leaf, 0, "mid;leaf", "the root has no frame");
	check_stack(&t, q, leaf, 2, "top;top;mid;leaf", "under the caller's frames");
	check_stack(&t, q, root, 0, "(root)", "the root alone is (root)");
	check_stack(&t, q, other, 1, "top;(lost);other", "an orphan under its frame");
	tap_ok(pf_v8_count(&t, leaf, 5) == 0 && pf_v8_count(&t, leaf, 0) == 0 &&
	    t.nodes[leaf].samples == 2 && t.nodes[leaf].weight == 5, "counted", NULL);
	pf_v8_release(&t);
	pf_profile_free(q);
}

/* Links the nodes of the flat shape given as (id, parent id or 0) and
 * edges (parent, child); the error message, or "" after a success. */
static const char *
link_error(const int64_t (*nodes)[2], size_t n, const int64_t (*edges)[2],
    size_t ne)
{
	static char out[256];
	struct pf_v8_tree t;
	struct pf_profile *q = pf_profile_new();
	struct pf_error err;
	size_t i;
	uint32_t k;

	memset(&t, 0, sizeof(t));
	memset(&err, 0, sizeof(err));
	for (i = 0; i < n; i++) {
		k = define(&t, q, 0, nodes[i][0], "f");
		t.nodes[k].has_parent_id = nodes[i][1] != 0;
		t.nodes[k].parent_id = nodes[i][1];
	}
	for (i = 0; i < ne; i++)
		pf_v8_edge(&t, 0, edges[i][0], edges[i][1], 1);
	out[0] = '\0';
	if (pf_v8_link(&t, NULL, " of a test", &err, "t") != 0)
		snprintf(out, sizeof(out), "%.200s", err.msg);
	else
		for (i = 0; i < t.n; i++)
			if (strncmp(stack_of(&t, q, (uint32_t)i, 0), "error: ", 7) == 0)
				snprintf(out, sizeof(out), "%s", stack_of(&t, q, (uint32_t)i, 0));
	pf_v8_release(&t);
	pf_profile_free(q);
	return out;
}

static void
test_errors(void)
{
	static const int64_t unknown_parent[][2] = { { 1, 0 }, { 2, 5 } };
	static const int64_t plain[][2] = { { 1, 0 }, { 2, 0 }, { 3, 0 } };
	static const int64_t unknown_child[][2] = { { 1, 4 } };
	static const int64_t two_parents[][2] = { { 1, 3 }, { 2, 3 } };
	static const int64_t cycle[][2] = { { 1, 2 }, { 2, 3 }, { 3, 2 } };
	const char *m;

	m = link_error(unknown_parent, 2, NULL, 0);
	tap_ok(strcmp(m, "node 2 of a test has an unknown parent 5") == 0,
	    "an unknown parent", "'%s'", m);
	m = link_error(plain, 3, unknown_child, 1);
	tap_ok(strcmp(m, "node 1 of a test has an unknown child 4") == 0,
	    "an unknown child", "'%s'", m);
	m = link_error(plain, 3, two_parents, 2);
	tap_ok(strcmp(m, "node 3 of a test has two parents") == 0, "two parents",
	    "'%s'", m);
	m = link_error(cycle, 3, NULL, 0);
	tap_ok(strstr(m, "form a cycle") != NULL, "a cycle", "'%s'", m);
	m = link_error(plain, 3, NULL, 0);
	tap_ok(m[0] == '\0', "no links, no error", "'%s'", m);
}

static void
test_find(void)
{
	struct pf_v8_tree t;
	uint32_t k[3];
	size_t i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < 3; i++) {
		k[i] = pf_v8_node_new(&t, PF_V8_NONE);
		t.nodes[k[i]].id = (int64_t)(i * 2 + 1);
		tap_ok(pf_v8_node_name(&t, k[i], 0) == 0, "named", NULL);
	}
	tap_ok(pf_v8_node_name(&t, k[1], 0) == 1, "an id twice", NULL);
	tap_ok(pf_v8_find(&t, 0, 3) == k[1] && pf_v8_find(&t, 0, 4) == PF_V8_NONE,
	    "found by the map", NULL);
	pf_v8_index(&t);
	tap_ok(t.direct != NULL, "small ids: a table", NULL);
	tap_ok(pf_v8_find(&t, 0, 5) == k[2] && pf_v8_find(&t, 0, 4) == PF_V8_NONE &&
	    pf_v8_find(&t, 0, -1) == PF_V8_NONE && pf_v8_find(&t, 0, 1000) == PF_V8_NONE,
	    "found by the table", NULL);
	pf_v8_release(&t);
	memset(&t, 0, sizeof(t));
	k[0] = pf_v8_node_new(&t, PF_V8_NONE);
	t.nodes[k[0]].id = INT64_C(1) << 40;
	pf_v8_node_name(&t, k[0], 0);
	pf_v8_index(&t);
	tap_ok(t.direct == NULL && pf_v8_find(&t, 0, INT64_C(1) << 40) == k[0],
	    "large ids: the map", NULL);
	pf_v8_release(&t);
}

/* The frame name of a call frame given as JSON scalars. */
static const char *
frame_of(const char *fn, const char *url, const char *line, int no_location)
{
	static char out[256];
	struct pf_v8_tree t;
	struct pf_profile *q = pf_profile_new();
	struct pf_v8_cf cf;
	struct pf_json_value v;
	const char *f;
	size_t fl;
	uint32_t id;

	memset(&t, 0, sizeof(t));
	memset(&cf, 0, sizeof(cf));
	if (fn != NULL) {
		v = (struct pf_json_value){ PF_JSON_STRING, fn, strlen(fn), 0 };
		pf_v8_cf_scalar(&cf, pf_v8_cf_key("functionName", 12, 10) - 10, &v);
	}
	if (url != NULL) {
		v = (struct pf_json_value){ PF_JSON_STRING, url, strlen(url), 0 };
		pf_v8_cf_scalar(&cf, pf_v8_cf_key("url", 3, 10) - 10, &v);
	}
	if (line != NULL) {
		v = (struct pf_json_value){ PF_JSON_NUMBER, line, strlen(line), 0 };
		pf_v8_cf_scalar(&cf, pf_v8_cf_key("lineNumber", 10, 10) - 10, &v);
	}
	id = pf_v8_cf_frame(&t, q, &cf, no_location);
	f = pf_profile_frame(q, id, &fl);
	snprintf(out, sizeof(out), "%.*s", (int)fl, f);
	free(cf.fn);
	free(cf.url);
	pf_v8_release(&t);
	pf_profile_free(q);
	return out;
}

static void
test_frames(void)
{
	static const struct {
		const char *fn, *url, *line;
		int no_location;
		const char *want;
	} cases[] = {
		{ "main", "file:///app/a.js", "9", 0, "main /app/a.js:10" },
		{ "", "https://x/b.js", "0", 0, "(anonymous) https://x/b.js:1" },
		{ NULL, NULL, NULL, 0, "(anonymous)" },
		{ "f;g\nh", "c;d.js", "-1", 0, "f:g h c:d.js:0" },
		{ "main", "a.js", "9", 1, "main" },
		{ "main", "", "9", 0, "main" },
		{ "main", "a.js", "4.0", 0, "main a.js:5" },
	};
	size_t i;
	const char *got;

	tap_ok(pf_v8_cf_key("columnNumber", 12, 10) == 0, "other keys skipped", NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = frame_of(cases[i].fn, cases[i].url, cases[i].line, cases[i].no_location);
		tap_ok(strcmp(got, cases[i].want) == 0, cases[i].want, "got '%s'", got);
	}
}

int
main(void)
{
	tap_group("links", test_links);
	tap_group("errors", test_errors);
	tap_group("find", test_find);
	tap_group("frames", test_frames);
	return tap_done();
}
