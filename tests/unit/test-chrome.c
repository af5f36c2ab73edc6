/*
 * test-chrome.c - unit tests of the Chrome trace and V8 heap profile
 * readers: detection among the JSON formats, units, members and events in
 * any order, truncation at every byte adding nothing, deep heap trees.
 */
#include "tap.h"

/* Folds text as format with the options; the folded text (malloc'ed), or
 * NULL with err.  *st gets the stats. */
static char *
fold(const char *text, size_t len, int format, int weight_time,
    struct pf_collapse_stats *st, struct pf_error *err, struct pf_profile *into)
{
	struct pf_collapse_options o;
	struct pf_profile *p = into != NULL ? into : pf_profile_new();
	struct pf_reader *r = pf_reader_mem("t", text, len);
	char *out = NULL;

	memset(&o, 0, sizeof(o));
	memset(err, 0, sizeof(*err));
	o.format = format;
	o.weight_time = weight_time;
	if (p != NULL && r != NULL && pf_collapse(p, r, &o, st, err) == 0)
		out = folded_text(p, NULL);
	pf_reader_free(r);
	if (into == NULL)
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

static void
test_detect(void)
{
	static const struct { const char *in; int format; } cases[] = {
		{ "{\"traceEvents\":[]}", PF_FORMAT_CHROME },
		{ "{\"metadata\":{\"source\":\"DevTools\"},\n\"traceEvents\":[{\"ph\":\"M\"}]}",
		    PF_FORMAT_CHROME },
		{ "[{\"pid\":1,\"tid\":1,\"ts\":0,\"ph\":\"X\",\"dur\":1,\"name\":\"a\"}]",
		    PF_FORMAT_CHROME },
		{ " [\n {\"ph\":\"B\",\"pid\":1,\"name\":\"a\"}", PF_FORMAT_CHROME },
		/* A trace's CPU profile chunks have nodes and samples: still a trace. */
		{ "{\"traceEvents\":[{\"ph\":\"P\",\"args\":{\"data\":{\"cpuProfile\":"
		    "{\"nodes\":[{\"callFrame\":{}}],\"samples\":[1]}}}}]}", PF_FORMAT_CHROME },
		{ "{\"head\":{\"callFrame\":{\"functionName\":\"(root)\"},\"selfSize\":0,"
		    "\"children\":[]}}", PF_FORMAT_HEAPPROFILE },
		/* A .cpuprofile's head has hitCount, not selfSize. */
		{ "{\"head\":{\"callFrame\":{},\"hitCount\":1}}", PF_FORMAT_CPUPROFILE },
		/* A heap snapshot has nodes and samples, and is no one's. */
		{ "{\"snapshot\":{\"meta\":{\"node_fields\":[]}},\"nodes\":[],"
		    "\"samples\":[]}", PF_FORMAT_AUTO },
		/* Arrays of other things, and objects without the keys. */
		{ "[1,2,3]", PF_FORMAT_AUTO },
		{ "[{\"name\":\"a\",\"ts\":1}]", PF_FORMAT_AUTO },
		{ "{\"events\":[{\"ph\":\"X\"}]}", PF_FORMAT_AUTO },
		{ "{\"head\":{\"selfSize\":1}}", PF_FORMAT_AUTO },
	};
	char name[64];
	size_t i;
	int f;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = detect(cases[i].in);
		snprintf(name, sizeof(name), "detect case %zu", i);
		tap_ok(f == cases[i].format, name, "'%s': %s, want %s", cases[i].in,
		    pf_format_name(f) ? pf_format_name(f) : "?",
		    pf_format_name(cases[i].format));
	}
}

#define CHUNKS "{\"traceEvents\":[" \
	"{\"name\":\"Profile\",\"ph\":\"P\",\"pid\":1,\"tid\":2,\"id\":\"0x1\"}," \
	"{\"name\":\"ProfileChunk\",\"ph\":\"P\",\"pid\":1,\"tid\":3,\"id\":\"0x1\"," \
	"\"args\":{\"data\":{\"cpuProfile\":{\"nodes\":[{\"id\":1,\"callFrame\":" \
	"{\"functionName\":\"(root)\"}},{\"id\":2,\"parent\":1,\"callFrame\":" \
	"{\"functionName\":\"f\"}}],\"samples\":[2,2,1]},\"timeDeltas\":[1,2,3]}}}]}"
#define SPANS "[{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":1,\"ts\":0,\"dur\":10}]"
#define HEAP "{\"head\":{\"callFrame\":{\"functionName\":\"(root)\"},\"selfSize\":0," \
	"\"children\":[{\"callFrame\":{\"functionName\":\"g\"},\"selfSize\":64}]}}"

static void
unit_is(const char *name, const char *text, int weight_time, int want,
    const char *folded)
{
	struct pf_collapse_stats st;
	struct pf_error err;
	char *out = fold(text, strlen(text), PF_FORMAT_AUTO, weight_time, &st, &err, NULL);

	if (out == NULL)
		tap_ok(0, name, "failed: %s", err.msg);
	else
		tap_ok(st.unit == want && strcmp(out, folded) == 0, name, "unit %s, want "
		    "%s; '%s'", pf_unit_name(st.unit), pf_unit_name(want), out);
	free(out);
}

static void
test_units(void)
{
	unit_is("trace samples: samples", CHUNKS, 0, PF_UNIT_SAMPLES,
	    "pid 1;tid 2;(root) 1\npid 1;tid 2;f 2\n");
	unit_is("trace samples --weight=time: us", CHUNKS, 1, PF_UNIT_MICROSECONDS,
	    "pid 1;tid 2;f 5\n");
	unit_is("trace durations: us", SPANS, 0, PF_UNIT_MICROSECONDS,
	    "pid 1;tid 1;a 10\n");
	unit_is("heap profile: bytes", HEAP, 0, PF_UNIT_BYTES, "g 64\n");
}

/* The events of a trace, and the members of an event, in any order. */
static void
test_order(void)
{
	static const char *const events[] = {
		"{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":2,"
		    "\"args\":{\"name\":\"main\"}}",
		"{\"args\":{\"name\":\"app\"},\"tid\":0,\"pid\":1,\"ph\":\"M\","
		    "\"name\":\"process_name\"}",
		"{\"dur\":5,\"ts\":10,\"tid\":2,\"pid\":1,\"name\":\"in\",\"ph\":\"X\"}",
		"{\"ph\":\"X\",\"name\":\"out\",\"pid\":1,\"tid\":2,\"ts\":0,\"dur\":100}",
	};
	const char *want = "app (pid 1);main (tid 2);out 95\n"
	    "app (pid 1);main (tid 2);out;in 5\n";
	char doc[1024];
	int perm, bad = 0;

	for (perm = 0; perm < 24; perm++) {
		int used[4] = { 0 }, k, x = perm, i;
		size_t n = 0;
		struct pf_collapse_stats st;
		struct pf_error err;
		char *out;

		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "[");
		for (i = 4; i > 0; i--) {
			int pick = x % i, j;

			x /= i;
			for (j = 0, k = -1; j < 4; j++)
				if (!used[j] && pick-- == 0) {
					k = j;
					break;
				}
			used[k] = 1;
			n += (size_t)snprintf(doc + n, sizeof(doc) - n, "%s%s",
			    i < 4 ? "," : "", events[k]);
		}
		snprintf(doc + n, sizeof(doc) - n, "]");
		out = fold(doc, strlen(doc), PF_FORMAT_AUTO, 0, &st, &err, NULL);
		if (out == NULL || strcmp(out, want) != 0) {
			bad++;
			printf("# %s: %s\n", doc, out != NULL ? out : err.msg);
		}
		free(out);
	}
	tap_ok(bad == 0, "trace events in any order fold the same", "%d of 24", bad);
}

/* Cut anywhere, a trace or heap profile adds nothing to what was there. */
static void
cut_everywhere(const char *name, const char *doc, int format)
{
	const char *good = "a;b 3\n";
	size_t len = strlen(doc), cut;
	int bad = 0;

	for (cut = 1; cut < len; cut++) {
		struct pf_collapse_stats st;
		struct pf_error err;
		struct pf_profile *p = pf_profile_new();
		char *out;

		free(fold(good, strlen(good), PF_FORMAT_FOLDED, 0, &st, &err, p));
		out = fold(doc, cut, format, 1, &st, &err, p);
		free(out);
		if (out != NULL || err.msg[0] == '\0')
			bad++;
		out = folded_text(p, NULL);
		if (out == NULL || strcmp(out, good) != 0)
			bad++;
		free(out);
		pf_profile_free(p);
	}
	tap_ok(bad == 0, name, "%d of %zu cuts", bad, len - 1);
}

static void
test_truncated(void)
{
	cut_everywhere("trace with samples cut short adds nothing", CHUNKS,
	    PF_FORMAT_CHROME);
	cut_everywhere("trace of duration events cut short adds nothing", SPANS,
	    PF_FORMAT_CHROME);
	cut_everywhere("heap profile cut short adds nothing", HEAP,
	    PF_FORMAT_HEAPPROFILE);
}

/* A heap tree 20000 calls deep, allocating at its leaf, folds without
 * recursion (one stack of 20000 frames). */
static void
test_heap_deep(void)
{
	const char *node = "{\"callFrame\":{\"functionName\":\"f\"},\"children\":[";
	const char *leaf = "{\"callFrame\":{\"functionName\":\"g\"},\"selfSize\":7}";
	size_t depth = 20000, k = strlen(node), i, n = 0, frames = 0;
	char *doc = malloc(depth * (k + 2) + 128), *out;
	struct pf_collapse_stats st;
	struct pf_error err;
	pf_count total = 0, a;
	struct pf_profile *p = pf_profile_new();

	n += (size_t)sprintf(doc, "{\"head\":");
	for (i = 0; i < depth; i++) {
		memcpy(doc + n, node, k);
		n += k;
	}
	n += (size_t)sprintf(doc + n, "%s", leaf);
	for (i = 0; i < depth; i++) {
		memcpy(doc + n, "]}", 2);
		n += 2;
	}
	doc[n++] = '}';
	out = fold(doc, n, PF_FORMAT_HEAPPROFILE, 0, &st, &err, p);
	if (out != NULL && pf_profile_nstacks(p) == 1)
		pf_profile_stack(p, 0, &frames, &a, NULL);
	if (out != NULL)
		pf_profile_total(p, 0, &total, &err);
	tap_ok(out != NULL && total == pf_count_from_u64(7) && frames == depth + 1,
	    "heap profile 20000 calls deep", "%s: %zu frames",
	    out != NULL ? "wrong stack" : err.msg, frames);
	free(out);
	free(doc);
	pf_profile_free(p);
}

int
main(void)
{
	tap_group("detect", test_detect);
	tap_group("units", test_units);
	tap_group("order", test_order);
	tap_group("truncated", test_truncated);
	tap_group("heap deep", test_heap_deep);
	return tap_done();
}
