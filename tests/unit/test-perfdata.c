/*
 * test-perfdata.c - unit tests of the perf.data reader's parts: the symbol
 * table that must have the shape of perf's red-black tree, and the reader
 * on the stored recordings with one thread and with several.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parse/perfdata.h"
#include "tap.h"

#define NIL UINT32_MAX

/* Checks the red-black rules below n; returns the black height or -1. */
static int
black_height(const struct pf_symtab *t, uint32_t n, uint32_t parent, const char **why)
{
	int a, b;

	if (n == NIL)
		return 1;
	if (t->s[n].p != parent) {
		*why = "a parent link is wrong";
		return -1;
	}
	if (t->s[n].red && parent != NIL && t->s[parent].red) {
		*why = "a red node has a red parent";
		return -1;
	}
	if (t->s[n].c[0] != NIL && t->s[t->s[n].c[0]].start > t->s[n].start) {
		*why = "a left child starts after its parent";
		return -1;
	}
	if (t->s[n].c[1] != NIL && t->s[t->s[n].c[1]].start < t->s[n].start) {
		*why = "a right child starts before its parent";
		return -1;
	}
	if ((a = black_height(t, t->s[n].c[0], n, why)) < 0 ||
	    (b = black_height(t, t->s[n].c[1], n, why)) < 0)
		return -1;
	if (a != b) {
		*why = "black heights differ";
		return -1;
	}
	return a + !t->s[n].red;
}

static void
check_tree(const struct pf_symtab *t, const char *name)
{
	const char *why = "";
	int ok = black_height(t, t->root, NIL, &why) > 0 && (t->root == NIL || !t->s[t->root].red);

	tap_ok(ok, name, "%s", why);
}

static void
test_insert_shape(void)
{
	struct pf_symtab t;
	uint32_t r;
	int i;

	/* Keys 1..7 inserted in order: the red-black insertion rules give
	 * 2 (black) over 1 (black) and 4 (red), 4 over 3 and 6 (black), 6
	 * over 5 and 7 (red). */
	pf_symtab_init(&t);
	for (i = 1; i <= 7; i++)
		pf_symtab_add(&t, (uint64_t)i, (uint64_t)i + 1, PF_BIND_GLOBAL, "f", 1);
	r = t.root;
	tap_ok(t.s[r].start == 2 && !t.s[r].red, "symtab: root of 1..7", "root %llu",
	    (unsigned long long)t.s[r].start);
	tap_ok(t.s[t.s[r].c[1]].start == 4 && t.s[t.s[r].c[1]].red, "symtab: 4 is red under 2",
	    NULL);
	tap_ok(t.s[t.s[t.s[r].c[1]].c[1]].start == 6 && !t.s[t.s[t.s[r].c[1]].c[1]].red,
	    "symtab: 6 is black under 4", NULL);
	check_tree(&t, "symtab: 1..7 is a red-black tree");
	pf_symtab_release(&t);
}

static void
test_overlap_lookup(void)
{
	struct pf_symtab t;
	const struct pf_sym *s;

	/* Overlapping symbols: the search walks down from the root and
	 * takes the first that covers the address, as perf's does.  With
	 * a=[10,100) inserted first and b=[20,30) second, a is the root. */
	pf_symtab_init(&t);
	pf_symtab_add(&t, 10, 100, PF_BIND_GLOBAL, "a", 1);
	pf_symtab_add(&t, 20, 30, PF_BIND_GLOBAL, "b", 1);
	s = pf_symtab_find(&t, 25);
	tap_ok(s != NULL && strcmp(s->name, "a") == 0, "symtab: overlap, first on the path",
	    "got %s", s ? s->name : "nothing");
	/* Zero-sized symbols match their own address only, until fixed up
	 * to end where the next one starts. */
	pf_symtab_add(&t, 200, 200, PF_BIND_GLOBAL, "z", 1);
	tap_ok(pf_symtab_find(&t, 201) == NULL, "symtab: zero-sized, before fixup", NULL);
	s = pf_symtab_find(&t, 200);
	tap_ok(s != NULL && strcmp(s->name, "z") == 0, "symtab: zero-sized, its address", NULL);
	pf_symtab_fixup(&t, 0);
	s = pf_symtab_find(&t, 5000);
	tap_ok(s != NULL && strcmp(s->name, "z") == 0, "symtab: last symbol to the next page",
	    NULL);
	tap_ok(pf_symtab_find(&t, 8192) == NULL, "symtab: and no further", NULL);
	pf_symtab_release(&t);
}

static void
test_duplicates(void)
{
	struct pf_symtab t;
	const struct pf_sym *s;

	/* perf keeps one symbol per address: sized over zero-sized, global
	 * over weak over local, fewer leading underscores, longer name. */
	pf_symtab_init(&t);
	pf_symtab_add(&t, 100, 110, PF_BIND_LOCAL, "__GI_memcpy", 11);
	pf_symtab_add(&t, 100, 110, PF_BIND_WEAK, "memcpy_weak", 11);
	pf_symtab_add(&t, 100, 110, PF_BIND_GLOBAL, "__memcpy", 8);
	pf_symtab_add(&t, 100, 110, PF_BIND_GLOBAL, "memcpy", 6);
	pf_symtab_add(&t, 100, 100, PF_BIND_GLOBAL, "label", 5);
	pf_symtab_add(&t, 200, 210, PF_BIND_GLOBAL, "short", 5);
	pf_symtab_add(&t, 200, 210, PF_BIND_GLOBAL, "longer", 6);
	pf_symtab_fixup(&t, 0);
	s = pf_symtab_find(&t, 105);
	tap_ok(s != NULL && strcmp(s->name, "memcpy") == 0, "symtab: duplicate preference",
	    "got %s", s ? s->name : "nothing");
	s = pf_symtab_find(&t, 205);
	tap_ok(s != NULL && strcmp(s->name, "longer") == 0, "symtab: longer name wins",
	    "got %s", s ? s->name : "nothing");
	tap_ok(t.live == 2, "symtab: duplicates removed", "%zu left", t.live);
	check_tree(&t, "symtab: still a red-black tree");
	pf_symtab_release(&t);
}

static int
drop_odd(const struct pf_sym *s, void *arg)
{
	(void)arg;
	return s->start % 3 == 1;
}

static void
test_random(void)
{
	struct pf_symtab t;
	uint64_t x = 88172645463325252ull, prev = 0;
	size_t i, n = 0;
	uint32_t k;
	int ordered = 1;

	pf_symtab_init(&t);
	for (i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		pf_symtab_add(&t, x % 5000, x % 5000 + x % 7, (int)(x % 3), "r", 1);
	}
	check_tree(&t, "symtab: 20000 random insertions");
	pf_symtab_fixup(&t, 0);
	check_tree(&t, "symtab: after removing duplicates");
	pf_symtab_filter(&t, drop_odd, NULL);
	check_tree(&t, "symtab: after removing a third");
	for (k = 0; k < t.n; k++)
		if (!t.s[k].dead) {
			n++;
			if (t.s[k].start % 3 == 1)
				ordered = 0;
		}
	tap_ok(n == t.live && ordered, "symtab: live count", "%zu vs %zu", n, t.live);
	/* In order, every address at most once. */
	ordered = 1;
	n = 0;
	for (i = 0; i < 5000; i++) {
		const struct pf_sym *s = pf_symtab_find(&t, i);

		if (s != NULL && s->start == i) {
			if (n > 0 && s->start <= prev)
				ordered = 0;
			prev = s->start;
			n++;
		}
	}
	tap_ok(ordered && n > 0, "symtab: one symbol per start", NULL);
	pf_symtab_release(&t);
}

/* The stored recordings: -j 1 and -j 2, 3, 7 (every file split) alike. */
static void
test_threads(void)
{
	static const char *const files[] = {
		"tests/perfdata/stored/tiny-fp.data",
		"tests/perfdata/stored/tiny-events.data",
		"tests/perfdata/stored/tiny-nocallgraph.data",
	};
	static const int jobs[] = { 2, 3, 7 };
	size_t f, j;

	setenv("PERF_BUILDID_DIR", "tests/perfdata/stored/debug", 1);
	pf_perf_data_min_parallel(0);
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct pf_perf_options o;
		struct pf_perf_stats st;
		struct pf_error err;
		struct pf_profile *p1 = pf_profile_new();
		struct pf_reader *r = pf_reader_open(files[f], &err);
		char why[256], *one, *many, name[160];
		size_t l1, ln;
		int rc;

		memset(&o, 0, sizeof(o));
		o.jobs = 1;
		rc = r != NULL ? pf_perf_data_read(p1, r, &o, &st, why, sizeof(why), &err) : -1;
		pf_reader_free(r);
		snprintf(name, sizeof(name), "perfdata: %s on one thread", files[f]);
		tap_ok(rc == 0 && pf_profile_nstacks(p1) > 0, name, "rc %d: %s", rc, err.msg);
		one = folded_text(p1, &l1);
		for (j = 0; j < sizeof(jobs) / sizeof(jobs[0]); j++) {
			struct pf_profile *pn = pf_profile_new();

			o.jobs = jobs[j];
			r = pf_reader_open(files[f], &err);
			rc = r != NULL ? pf_perf_data_read(pn, r, &o, &st, why, sizeof(why), &err) : -1;
			pf_reader_free(r);
			many = folded_text(pn, &ln);
			snprintf(name, sizeof(name), "perfdata: %s on %d threads", files[f], jobs[j]);
			tap_mem(name, many, ln, one, l1);
			free(many);
			pf_profile_free(pn);
		}
		free(one);
		pf_profile_free(p1);
	}
}

int
main(void)
{
	tap_group("symtab shape", test_insert_shape);
	tap_group("symtab overlap", test_overlap_lookup);
	tap_group("symtab duplicates", test_duplicates);
	tap_group("symtab random", test_random);
	tap_group("perfdata threads", test_threads);
	return tap_done();
}
