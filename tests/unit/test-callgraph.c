/*
 * test-callgraph.c - unit tests of the estimated stacks of call graphs
 * (callgraph.c: exact splits, cycles, the bound on work), of the readers
 * of callgrind, massif and pstats on inputs cut anywhere, of Python's
 * marshal types in the pstats reader, and of the detection of the three.
 */
#include "tap.h"
#include "parse/format.h"

/* Folds len bytes of text as format (AUTO: detected) with the options
 * event and snapshot; the folded text (malloc'ed), or NULL with err. */
static char *
fold_as(const char *text, size_t len, int format, const char *event,
    struct pf_error *err)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_mem("t", text, len);
	char *out = NULL;

	memset(&o, 0, sizeof(o));
	memset(err, 0, sizeof(*err));
	o.format = format;
	o.event = event;
	if (p != NULL && r != NULL && pf_collapse(p, r, &o, &st, err) == 0)
		out = folded_text(p, NULL);
	pf_reader_free(r);
	pf_profile_free(p);
	return out;
}

/* ------------------------------------------------------------ the graph */

/* Node i of g as function "f<i>" with self cost self. */
static void
node(struct pf_callgraph *g, size_t i, uint64_t self)
{
	char name[16];
	struct pf_cg_node *f = pf_callgraph_node(g, i);

	snprintf(name, sizeof(name), "f%zu", i);
	f->frame = pf_profile_intern(g->p, name, strlen(name));
	f->self = pf_count_from_u64(self);
}

static void
test_split(void)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_callgraph g;
	struct pf_error err;
	uint64_t n;
	char *out;

	memset(&err, 0, sizeof(err));
	pf_callgraph_init(&g, p, "t", &err);
	g.quantum = PF_COUNT_ONE;
	/* f0 and f1 are roots; f2 (self 10) is called by both, 1:2 by weight,
	 * by itself (not followed), and f3 (self 0) by f2. */
	node(&g, 0, 1);
	node(&g, 1, 0);
	node(&g, 2, 10);
	node(&g, 3, 0);
	pf_callgraph_arc(&g, 2, 0, 1);
	pf_callgraph_arc(&g, 2, 1, 1);
	pf_callgraph_arc(&g, 2, 1, 1);
	pf_callgraph_arc(&g, 2, 2, 100);
	pf_callgraph_arc(&g, 3, 2, 5);
	pf_callgraph_merge_arcs(&g);
	CHECK("arcs between two nodes merged", g.node[2].ncallers == 3);
	tap_ok(pf_callgraph_fold(&g, &n) == 0 && n == 4, "fold", "%s", err.msg);
	out = folded_text(p, NULL);
	/* 10 * 1/3 is 3 in whole units; the last caller takes the rest. */
	tap_str("splits in whole units, the rest to the last caller", out,
	    "f0 1\nf0;f2 3\nf1;f2 7\n");
	free(out);
	pf_callgraph_release(&g);
	pf_profile_free(p);
}

static void
test_cycle(void)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_callgraph g;
	struct pf_error err;
	uint64_t n;
	char *out;

	memset(&err, 0, sizeof(err));
	pf_callgraph_init(&g, p, "t", &err);
	/* f0 -> f1 -> f2 -> f1: the cycle is not unrolled, and f2's caller
	 * f1 reaches the root f0. */
	node(&g, 0, 0);
	node(&g, 1, 2);
	node(&g, 2, 4);
	pf_callgraph_arc(&g, 1, 0, 1);
	pf_callgraph_arc(&g, 1, 2, 9);
	pf_callgraph_arc(&g, 2, 1, 1);
	tap_ok(pf_callgraph_fold(&g, &n) == 0, "fold", "%s", err.msg);
	out = folded_text(p, NULL);
	tap_str("a cycle appears once per path", out, "f0;f1 2\nf0;f1;f2 4\n");
	free(out);
	pf_callgraph_release(&g);
	pf_profile_free(p);
}

static void
test_tangled(void)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_callgraph g;
	struct pf_error err;
	size_t i, j, nn = 40;
	uint64_t n;
	int rc;

	memset(&err, 0, sizeof(err));
	pf_callgraph_init(&g, p, "t", &err);
	/* Every function calls every other: the simple paths are
	 * exponentially many, so the work bound must stop it. */
	for (i = 0; i < nn; i++)
		node(&g, i, 1);
	node(&g, nn, 0);
	for (i = 0; i < nn; i++) {
		pf_callgraph_arc(&g, i, (uint32_t)nn, 1);
		for (j = 0; j < nn; j++)
			if (i != j)
				pf_callgraph_arc(&g, i, (uint32_t)j, 1);
	}
	rc = pf_callgraph_fold(&g, &n);
	tap_ok(rc != 0 && strstr(err.msg, "too tangled") != NULL,
	    "a complete graph is refused, not expanded for ever", "%s", err.msg);
	pf_callgraph_release(&g);
	pf_profile_free(p);
}

/* -------------------------------------------------------------- callgrind */

static const char callgrind[] =
    "# callgrind format\nversion: 1\npositions: line\nevents: Ir Dw\n"
    "fl=(1) a.c\nfn=(1) main\n10 5 1\n+1 2\ncfn=(2) f\ncalls=3 20\n* 30 3\n"
    "fn=(2)\n20 25 2\n-1 5\ntotals: 37 3\n";

static void
test_callgrind(void)
{
	struct pf_error err;
	char *out;
	size_t cut;
	int bad = 0;

	out = fold_as(callgrind, strlen(callgrind), PF_FORMAT_AUTO, NULL, &err);
	tap_str("callgrind, the first event", out, "main 7\nmain;f 30\n");
	free(out);
	out = fold_as(callgrind, strlen(callgrind), PF_FORMAT_AUTO, "Dw", &err);
	tap_str("callgrind --event Dw (missing costs are 0)", out, "main 1\nmain;f 2\n");
	free(out);
	out = fold_as(callgrind, strlen(callgrind), PF_FORMAT_AUTO, "Ir2", &err);
	tap_ok(out == NULL && err.code == PF_ERR_USAGE && strstr(err.msg, "Ir Dw") != NULL,
	    "callgrind --event of no event", "%s", err.msg);
	free(out);
	/* Cut anywhere: a profile or an error, never a crash. */
	for (cut = 0; cut < strlen(callgrind); cut++) {
		out = fold_as(callgrind, cut, PF_FORMAT_CALLGRIND, NULL, &err);
		if (out == NULL && err.msg[0] == '\0')
			bad++;
		free(out);
	}
	tap_ok(bad == 0, "callgrind cut anywhere", "%d failures without a message", bad);
	out = fold_as("events: Ir\nfn=a\n1 x\n", 20, PF_FORMAT_CALLGRIND, NULL, &err);
	tap_ok(out == NULL && err.line == 3 && strstr(err.msg, "bad cost") != NULL,
	    "callgrind: a bad cost, with its line", "%llu: %s",
	    (unsigned long long)err.line, err.msg);
	free(out);
}

/*
 * Many calls over few arcs (merged as they pile up: far more than the
 * 65536 arcs held before the first merge), and compressed ids small,
 * large, defined large then redefined small, and defined again.
 */
static void
test_callgrind_many(void)
{
	static const char head[] = "events: Ir\nfn=(1) main\n0 1\n"
	    "fn=(999999999) g\n0 1\nfn=(5000) h\n0 1\n";
	static const char rep[] = "fn=(1)\ncfn=(2) f\ncalls=1 0\n0 3\n"
	    "cfn=(999999999)\ncalls=2 0\n0 1\ncfn=(5000)\ncalls=1 0\n0 1\n"
	    "fn=(2)\n0 2\n";
	size_t n = 40000, i, len = strlen(head);
	char *text = malloc(len + n * strlen(rep) + 1);
	struct pf_error err;
	char *out;

	if (text == NULL)
		return;
	memcpy(text, head, len);
	for (i = 0; i < n; i++) {
		memcpy(text + len, rep, strlen(rep));
		len += strlen(rep);
	}
	out = fold_as(text, len, PF_FORMAT_CALLGRIND, NULL, &err);
	tap_str("callgrind: 120000 calls over 3 arcs", out,
	    "main 1\nmain;f 80000\nmain;g 1\nmain;h 1\n");
	free(out);
	free(text);
}

/* ------------------------------------------------------------------ massif */

static const char massif[] =
    "desc: (none)\ncmd: ./a\ntime_unit: i\n#-----------\nsnapshot=0\n#-----------\n"
    "time=0\nmem_heap_B=30\nmem_heap_extra_B=0\nmem_stacks_B=0\nheap_tree=peak\n"
    "n2: 30 (heap allocation functions) malloc/new/new[], --alloc-fns, etc.\n"
    " n1: 20 0x1: f (a.c:1)\n  n0: 20 0x2: main (a.c:9)\n"
    " n0: 10 0x3: main (a.c:8)\n";

static void
test_massif(void)
{
	struct pf_error err;
	char *out;
	size_t cut, last = (size_t)(strstr(massif, " n0: 10") - massif);
	int bad = 0;

	out = fold_as(massif, strlen(massif), PF_FORMAT_AUTO, NULL, &err);
	tap_str("massif: the peak's tree", out, "main (a.c:8) 10\nmain (a.c:9);f (a.c:1) 20\n");
	free(out);
	for (cut = 0; cut < strlen(massif); cut++) {
		out = fold_as(massif, cut, PF_FORMAT_MASSIF, NULL, &err);
		if (out == NULL && err.msg[0] == '\0')
			bad++;
		/* Cut before the tree's last line, no partial tree is
		 * taken. */
		if (out != NULL && cut < last)
			bad++;
		free(out);
	}
	tap_ok(bad == 0, "massif cut short: an error, never part of a tree",
	    "%d bad", bad);
}

/* ------------------------------------------------------------------ pstats */

/* A pstats dict of one function ("a.py", 3, "f") whose statistics'
 * numbers are the marshal bytes nums (cc, nc, tt, ct), no callers. */
static char *
pstats_one(const char *nums, size_t nlen, struct pf_error *err)
{
	char buf[256];
	size_t n = 0;

	memcpy(buf + n, "{)\x03" "z\x04" "a.py" "i\x03\x00\x00\x00" "z\x01" "f" ")\x05", 19);
	n += 19;
	memcpy(buf + n, nums, nlen);
	n += nlen;
	memcpy(buf + n, "{00", 3);
	n += 3;
	return fold_as(buf, n, PF_FORMAT_AUTO, NULL, err);
}

#define ZERO "i\x00\x00\x00\x00"

static void
test_marshal(void)
{
	struct pf_error err;
	char *out;
	/* tt as a binary double 0.25, as text "1.5", as a long int 2^15 + 1
	 * (digits 1, 1) seconds and as an int64 ('I') of 3. */
	static const char g[] = "i\x01\x00\x00\x00" "i\x01\x00\x00\x00"
	    "g\x00\x00\x00\x00\x00\x00\xd0\x3f" ZERO;
	static const char f[] = "i\x01\x00\x00\x00" "i\x01\x00\x00\x00" "f\x03" "1.5" ZERO;
	static const char l[] = "i\x01\x00\x00\x00" "i\x01\x00\x00\x00"
	    "l\x02\x00\x00\x00\x01\x00\x01\x00" ZERO;
	static const char I[] = "i\x01\x00\x00\x00" "i\x01\x00\x00\x00"
	    "I\x03\x00\x00\x00\x00\x00\x00\x00" ZERO;
	static const char bad[] = "i\x01\x00\x00\x00" "i\x01\x00\x00\x00" "q" ZERO;
	static const char refs[] =
	    "\xfb" "\xa9\x03" "\xfa\x04" "a.py" "\xe9\x03\x00\x00\x00" "\xda\x01" "f"
	    ")\x05" "r\x03\x00\x00\x00" "r\x03\x00\x00\x00" "g\x00\x00\x00\x00\x00\x00\xe0\x3f"
	    "r\x03\x00\x00\x00" "{" "r\x01\x00\x00\x00" "r\x03\x00\x00\x00" "0" "0";
	const char *cut_input = refs;
	size_t cut;
	int nbad = 0;

	out = pstats_one(g, sizeof(g) - 1, &err);
	tap_str("marshal: binary float", out, "f (a.py:3) 250000000\n");
	free(out);
	out = pstats_one(f, sizeof(f) - 1, &err);
	tap_str("marshal: float as text", out, "f (a.py:3) 1500000000\n");
	free(out);
	out = pstats_one(l, sizeof(l) - 1, &err);
	tap_str("marshal: long int", out, "f (a.py:3) 32769000000000\n");
	free(out);
	out = pstats_one(I, sizeof(I) - 1, &err);
	tap_str("marshal: int64", out, "f (a.py:3) 3000000000\n");
	free(out);
	out = pstats_one(bad, sizeof(bad) - 1, &err);
	tap_ok(out == NULL && strstr(err.msg, "unknown marshal type code 0x71") != NULL,
	    "marshal: an unknown code is refused, named", "%s", err.msg);
	free(out);
	/* References: the function's tuple, its name and the int 3 are
	 * flagged, and the callers dict names f by reference (a
	 * self-call, which is not followed). */
	out = fold_as(refs, sizeof(refs) - 1, PF_FORMAT_AUTO, NULL, &err);
	tap_str("marshal: references", out, "f (a.py:3) 500000000\n");
	free(out);
	for (cut = 0; cut + 1 < sizeof(refs) - 1; cut++) {
		out = fold_as(cut_input, cut, PF_FORMAT_PSTATS, NULL, &err);
		if (out != NULL || err.msg[0] == '\0')
			nbad++;
		free(out);
	}
	tap_ok(nbad == 0, "pstats cut anywhere is an error", "%d bad", nbad);
	out = fold_as("\xfb" "0", 2, PF_FORMAT_AUTO, NULL, &err);
	tap_str("an empty pstats dict", out, "");
	free(out);
}

/* ------------------------------------------------------------- detection */

static int
detect_bytes(const char *text, size_t len)
{
	struct pf_reader *r = pf_reader_mem("t", text, len);
	struct pf_error err;
	int f;

	memset(&err, 0, sizeof(err));
	f = r != NULL ? pf_format_detect(r, &err) : -1;
	pf_reader_free(r);
	return f;
}

static void
test_detect(void)
{
	static const struct { const char *in; size_t len; int format; } cases[] = {
		{ "# callgrind format\nevents: Ir\n", 0, PF_FORMAT_CALLGRIND },
		{ "version: 1\ncreator: xdebug 3.2.0\nevents: Time_(10ns)\n\nfl=a\nfn=b\n",
		    0, PF_FORMAT_CALLGRIND },
		/* A version: line alone is no one's. */
		{ "version: 1\nhello\n", 0, PF_FORMAT_AUTO },
		{ "desc: (none)\ncmd: ./a\ntime_unit: i\n", 0, PF_FORMAT_MASSIF },
		{ "desc: (none)\ncmd: ./a\n", 0, PF_FORMAT_AUTO },
		{ "\xfb)\x03\xfa\x01" "a", 6, PF_FORMAT_PSTATS },
		{ "{)\x03z\x01" "a", 6, PF_FORMAT_PSTATS },
		{ "{(\x03\x00\x00\x00z\x01" "a", 9, PF_FORMAT_PSTATS },
		/* JSON that starts like a dict of tuples does not. */
		{ "{)\x03 \"a\"", 7, PF_FORMAT_AUTO },
		{ "{\"a\":1}", 0, PF_FORMAT_AUTO },
	};
	char name[80];
	size_t i, len;
	int f;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = cases[i].len != 0 ? cases[i].len : strlen(cases[i].in);
		f = detect_bytes(cases[i].in, len);
		snprintf(name, sizeof(name), "detect case %zu", i);
		tap_ok(f == cases[i].format, name, "%s, want %s",
		    pf_format_name(f) ? pf_format_name(f) : "?",
		    pf_format_name(cases[i].format));
	}
}

int
main(void)
{
	tap_group("call graph splits", test_split);
	tap_group("call graph cycles", test_cycle);
	tap_group("call graph bound", test_tangled);
	tap_group("callgrind", test_callgrind);
	tap_group("callgrind, many calls", test_callgrind_many);
	tap_group("massif", test_massif);
	tap_group("pstats marshal", test_marshal);
	tap_group("detect", test_detect);
	return tap_done();
}
