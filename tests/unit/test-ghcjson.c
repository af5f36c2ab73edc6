/*
 * test-ghcjson.c - unit tests of the GHC JSON profile reader (+RTS -pj):
 * detection (its own keys, and no other JSON format's), the RTS's own
 * cost centres left out with their costs in a note, the three sample
 * types, and what is refused (a tree before the cost centres, a cost
 * centre the list lacks, children before a node's id, a cost centre
 * defined twice, a negative count, an unknown sample type).
 */
#include "tap.h"

static char *
run(const char *text, const char *type, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct pf_collapse_options o;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_mem("t.json", text, strlen(text));
	char *out = NULL;

	memset(&o, 0, sizeof(o));
	o.sample_type = type;
	memset(err, 0, sizeof(*err));
	memset(st, 0, sizeof(*st));
	if (p != NULL && r != NULL && pf_collapse(p, r, &o, st, err) == 0)
		out = folded_text(p, NULL);
	pf_reader_free(r);
	pf_profile_free(p);
	return out;
}

static int
detect(const char *text)
{
	struct pf_reader *r = pf_reader_mem("t", text, strlen(text));
	struct pf_error err;
	int f;

	memset(&err, 0, sizeof(err));
	f = r != NULL ? pf_format_detect(r, &err) : -1;
	pf_reader_free(r);
	return f;
}

#define HEAD "{\n\"program\": \"m\",\n\"arguments\": [\"./m\"],\n" \
	"\"rts_arguments\": [\"-pj\"],\n\"end_time\": \"Fri Dec  4 04:36 2026\",\n" \
	"\"initial_capabilities\": 0,\n\"total_time\": 0.01,\n\"total_ticks\": 10,\n" \
	"\"tick_interval\": 1000,\n\"total_alloc\":1000,\n"
#define CCS "\"cost_centres\": [\n" \
	"{\"id\": 9, \"label\": \"MAIN\", \"module\": \"MAIN\", \"src_loc\": \"<built-in>\", " \
	"\"is_caf\": false}, {\"id\": 8, \"label\": \"GC\", \"module\": \"GC\", " \
	"\"src_loc\": \"<built-in>\", \"is_caf\": false}, {\"id\": 1, \"label\": " \
	"\"go;x\", \"module\": \"Main\", \"src_loc\": \"m.hs:3:1\", \"is_caf\": false}, " \
	"{\"id\": 2, \"label\": \"OVERHEAD_of\", \"module\": \"PROFILING\", " \
	"\"src_loc\": \"<built-in>\", \"is_caf\": false}]\n,\n"

static void
test_detect(void)
{
	tap_ok(detect(HEAD CCS "\"profile\": {}}") == PF_FORMAT_GHCJSON, "detected",
	    "ghc-json");
	/* GHC's keys without its cost centres, and other formats' JSON. */
	tap_ok(detect("{\"program\": \"m\", \"arguments\": [], \"rts_arguments\": [], "
	    "\"total_ticks\": 1}") == PF_FORMAT_AUTO, "no cost_centres", "not claimed");
	tap_ok(detect("{\"version\":1.2,\"mode\":\"cpu\",\"gc_samples\":0,\"frames\":{},"
	    "\"raw\":[],\"program\":1,\"rts_arguments\":[],\"cost_centres\":[]}") ==
	    PF_FORMAT_STACKPROF, "stackprof with GHC's keys", "stackprof");
	tap_ok(detect("{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\","
	    "\"shared\":{\"frames\":[]},\"profiles\":[]}") == PF_FORMAT_SPEEDSCOPE,
	    "speedscope", "not ghc-json");
	tap_ok(detect("{\"nodes\":[{\"callFrame\":{}}],\"program\":\"m\",\"arguments\":[],"
	    "\"rts_arguments\":[],\"total_ticks\":1,\"cost_centres\":[]}") ==
	    PF_FORMAT_CPUPROFILE, "cpuprofile first key", "not ghc-json");
}

static void
test_read(void)
{
	struct pf_collapse_stats st;
	struct pf_error err;
	char *out;
	const char *doc = HEAD CCS "\"profile\": {\"id\": 9, \"entries\": 0, "
	    "\"alloc\": 100, \"ticks\": 1, \"children\": [{\"id\": 1, \"entries\": 3, "
	    "\"alloc\": 700, \"ticks\": 6, \"children\": [{\"id\": 1, \"children\": [], "
	    "\"ticks\": 1, \"alloc\": 0}]},\n{\"id\": 8, \"entries\": 0, \"alloc\": 0, "
	    "\"ticks\": 2, \"children\": []}, {\"id\": 2, \"entries\": 0, \"alloc\": 200, "
	    "\"ticks\": 0, \"children\": []}]}\n}\n";

	out = run(doc, NULL, &st, &err);
	tap_str("ticks", out, "MAIN.MAIN 1\nMAIN.MAIN;Main.go:x 6\nMAIN.MAIN;Main.go:x;Main.go:x 1\n");
	tap_ok(st.format == PF_FORMAT_GHCJSON && st.unit == PF_UNIT_SAMPLES &&
	    st.samples == 5, "stats", "ghc-json, samples, 5 nodes (%llu)",
	    (unsigned long long)st.samples);
	tap_ok(strstr(st.note, "2 ticks, 200 bytes") != NULL, "note", "%s", st.note);
	free(out);
	out = run(doc, "alloc", &st, &err);
	tap_str("alloc", out, "MAIN.MAIN 100\nMAIN.MAIN;Main.go:x 700\n");
	tap_ok(st.unit == PF_UNIT_BYTES, "alloc unit", "bytes");
	free(out);
	/* 1, 6 and 1 of the 8 ticks kept (GC's 2 left out): 12.5, 75.0
	 * and 12.5 per cent. */
	out = run(doc, "time", &st, &err);
	tap_str("time", out, "MAIN.MAIN 125\nMAIN.MAIN;Main.go:x 750\n"
	    "MAIN.MAIN;Main.go:x;Main.go:x 125\n");
	free(out);
	/* Totals that disagree with the tree: said. */
	out = run(HEAD CCS "\"profile\": {\"id\": 9, \"ticks\": 3, \"alloc\": 1000, "
	    "\"children\": []}}", NULL, &st, &err);
	tap_ok(out != NULL && strstr(st.note, "holds 3 ticks") != NULL, "ticks short",
	    "%s", st.note);
	free(out);
}

static void
test_refused(void)
{
	static const struct { const char *doc, *type, *msg; } cases[] = {
		{ HEAD "\"profile\": {\"id\": 9}, " CCS "}", NULL, "comes before" },
		{ HEAD CCS "\"profile\": {\"id\": 5, \"children\": []}}", NULL,
		    "cost centre 5, which" },
		{ HEAD CCS "\"profile\": {\"children\": [], \"id\": 9}}", NULL,
		    "before its \"id\"" },
		{ HEAD CCS "\"profile\": {\"ticks\": 1}}", NULL, "without an \"id\"" },
		{ HEAD "\"cost_centres\": [{\"id\": 1, \"label\": \"a\", \"module\": \"M\"}, "
		    "{\"id\": 1, \"label\": \"b\", \"module\": \"M\"}], \"profile\": {}}", NULL,
		    "defined twice" },
		{ HEAD CCS "\"profile\": {\"id\": 9, \"ticks\": -1}}", NULL, "whole number" },
		{ HEAD CCS "\"profile\": {\"id\": 9, \"ticks\": 1}", NULL,
		    "ends before it is complete" },
		{ HEAD CCS "\"profile\": {\"id\": 9}}", "cpu", "invalid --sample-type" },
		{ HEAD CCS "\"x\": 1}", NULL, "without its \"profile\"" },
	};
	struct pf_collapse_stats st;
	struct pf_error err;
	char name[40];
	char *out;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = run(cases[i].doc, cases[i].type, &st, &err);
		snprintf(name, sizeof(name), "refused %zu", i);
		tap_ok(out == NULL && strstr(err.msg, cases[i].msg) != NULL &&
		    err.name[0] != '\0', name, "want '%s': %s", cases[i].msg, err.msg);
		free(out);
	}
}

int
main(void)
{
	tap_group("detect", test_detect);
	tap_group("read", test_read);
	tap_group("refused", test_refused);
	return tap_done();
}
