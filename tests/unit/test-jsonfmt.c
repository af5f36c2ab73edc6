/*
 * test-jsonfmt.c - unit tests of the readers of speedscope's and
 * d3-flame-graph's JSON: detection (and no mistaking one JSON format for
 * another), the unit of the counts, key order, truncation at every byte,
 * deep stacks, and numbers as counts.
 */
#include "tap.h"
#include "parse/format.h"
#include "parse/json.h"

#define SCHEMA "\"$schema\":\"https://www.speedscope.app/file-format-schema.json\""

/* Folds text with format and --profile; the folded text (malloc'ed) and
 * the stats, or NULL with err.  into, when given, gets the stacks. */
static char *
fold_in(const char *text, size_t len, int format, const char *profile,
    struct pf_collapse_stats *st, struct pf_error *err, struct pf_profile *into)
{
	struct pf_collapse_options o;
	struct pf_profile *p = into != NULL ? into : pf_profile_new();
	struct pf_reader *r = pf_reader_mem("t.json", text, len);
	char *out = NULL;

	memset(&o, 0, sizeof(o));
	memset(err, 0, sizeof(*err));
	o.format = format;
	o.profile = profile;
	if (p != NULL && r != NULL && pf_collapse(p, r, &o, st, err) == 0)
		out = folded_text(p, NULL);
	pf_reader_free(r);
	if (into == NULL)
		pf_profile_free(p);
	return out;
}

static char *
fold(const char *text, struct pf_collapse_stats *st, struct pf_error *err)
{
	return fold_in(text, strlen(text), PF_FORMAT_AUTO, NULL, st, err, NULL);
}

static void
test_detect(void)
{
	static const struct { const char *in; int format; } cases[] = {
		{ "{" SCHEMA ",\"profiles\":[]}", PF_FORMAT_SPEEDSCOPE },
		{ "\xef\xbb\xbf\n {\"exporter\":\"x\"," SCHEMA "}", PF_FORMAT_SPEEDSCOPE },
		/* A frame named like a .cpuprofile's keys. */
		{ "{" SCHEMA ",\"shared\":{\"frames\":[{\"name\":\"\\\"hitCount\\\"\"}]}}",
		    PF_FORMAT_SPEEDSCOPE },
		{ "{\"name\":\"all\",\"value\":3,\"children\":[]}", PF_FORMAT_D3 },
		{ "{\"children\":[],\"name\":\"root\",\"value\":3}", PF_FORMAT_D3 },
		{ "{\"value\":3,\"name\":\"\\\"nodes\\\" \\\"callFrame\\\"\"}", PF_FORMAT_D3 },
		/* Not theirs: the schema named in an array, keys of a node in
		 * another document, a trace. */
		{ "[\"speedscope.app/file-format-schema.json\"]", PF_FORMAT_AUTO },
		{ "{\"title\":\"a\",\"name\":\"x\",\"value\":1}", PF_FORMAT_AUTO },
		{ "{\"name\":\"x\",\"children\":[]}", PF_FORMAT_AUTO },
		{ "{\"name\":\"x\",\"value\":1,\"traceEvents\":[]}", PF_FORMAT_AUTO },
		{ "{\"nodes\":[{\"callFrame\":{\"functionName\":\"value\"}}]}",
		    PF_FORMAT_CPUPROFILE },
	};
	struct pf_error err;
	char name[64];
	size_t i;
	int f;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pf_reader *r = pf_reader_mem("t", cases[i].in, strlen(cases[i].in));

		memset(&err, 0, sizeof(err));
		f = r != NULL ? pf_format_detect(r, &err) : -1;
		pf_reader_free(r);
		snprintf(name, sizeof(name), "detect case %zu", i);
		tap_ok(f == cases[i].format, name, "'%s': %s, want %s", cases[i].in,
		    pf_format_name(f) ? pf_format_name(f) : "?",
		    pf_format_name(cases[i].format));
	}
}

/* A speedscope file of two sampled profiles in units u1 and u2. */
static void
units_case(const char *u1, const char *u2, int want, const char *folded)
{
	char doc[512], name[64];
	struct pf_collapse_stats st;
	struct pf_error err;
	char *out;

	snprintf(doc, sizeof(doc), "{" SCHEMA ",\"shared\":{\"frames\":[{\"name\":\"f\"}]},"
	    "\"profiles\":[{\"type\":\"sampled\",\"name\":\"a\",\"unit\":\"%s\","
	    "\"samples\":[[0]],\"weights\":[2]},{\"type\":\"sampled\",\"name\":\"b\","
	    "\"unit\":\"%s\",\"samples\":[[0]],\"weights\":[3]}]}", u1, u2);
	snprintf(name, sizeof(name), "units %s and %s", u1, u2);
	out = fold(doc, &st, &err);
	if (folded == NULL) {
		tap_ok(out == NULL && strstr(err.msg, "measure different things") != NULL,
		    name, "refused: %s", out != NULL ? out : err.msg);
	} else {
		tap_str(name, out != NULL ? out : err.msg, folded);
		tap_ok(out != NULL && st.unit == want, name, "unit %s, want %s",
		    pf_unit_name(st.unit), pf_unit_name(want));
	}
	free(out);
}

static void
test_units(void)
{
	units_case("nanoseconds", "nanoseconds", PF_UNIT_NANOSECONDS, "a;f 2\nb;f 3\n");
	units_case("microseconds", "microseconds", PF_UNIT_MICROSECONDS, "a;f 2\nb;f 3\n");
	units_case("milliseconds", "milliseconds", PF_UNIT_MILLISECONDS, "a;f 2\nb;f 3\n");
	units_case("seconds", "seconds", PF_UNIT_SECONDS, "a;f 2\nb;f 3\n");
	units_case("bytes", "bytes", PF_UNIT_BYTES, "a;f 2\nb;f 3\n");
	units_case("none", "none", PF_UNIT_UNKNOWN, "a;f 2\nb;f 3\n");
	/* Times in different units: the finest. */
	units_case("seconds", "milliseconds", PF_UNIT_MILLISECONDS, "a;f 2000\nb;f 3\n");
	units_case("microseconds", "seconds", PF_UNIT_MICROSECONDS, "a;f 2\nb;f 3000000\n");
	units_case("nanoseconds", "seconds", PF_UNIT_NANOSECONDS, "a;f 2\nb;f 3000000000\n");
	units_case("milliseconds", "bytes", 0, NULL);
	units_case("none", "seconds", 0, NULL);
}

/* The same speedscope file with its keys in other orders reads the same. */
static void
test_key_order(void)
{
	static const char *const docs[] = {
		"{" SCHEMA ",\"shared\":{\"frames\":[{\"name\":\"m\"},{\"name\":\"g\","
		"\"file\":\"g.c\",\"line\":7}]},\"profiles\":[{\"type\":\"sampled\","
		"\"name\":\"p\",\"unit\":\"none\",\"samples\":[[0,1],[0],[0,1]],"
		"\"weights\":[1,2,3]},{\"type\":\"evented\",\"name\":\"q\",\"unit\":\"none\","
		"\"endValue\":9,\"events\":[{\"type\":\"O\",\"at\":1,\"frame\":0},"
		"{\"type\":\"O\",\"at\":2,\"frame\":1},{\"type\":\"C\",\"at\":5,\"frame\":1}]}]}",
		/* Profiles before frames, weights before samples, fields of
		 * events and profiles reversed. */
		"{\"profiles\":[{\"weights\":[1,2,3],\"samples\":[[0,1],[0],[0,1]],"
		"\"unit\":\"none\",\"name\":\"p\",\"type\":\"sampled\"},{\"events\":["
		"{\"frame\":0,\"at\":1,\"type\":\"O\"},{\"frame\":1,\"at\":2,\"type\":\"O\"},"
		"{\"frame\":1,\"at\":5,\"type\":\"C\"}],\"endValue\":9,\"unit\":\"none\","
		"\"name\":\"q\",\"type\":\"evented\"}],\"shared\":{\"frames\":[{\"name\":\"m\"},"
		"{\"line\":7,\"file\":\"g.c\",\"name\":\"g\"}]}," SCHEMA "}",
	};
	const char *want = "p;m 2\np;m;g g.c:7 4\nq;m 5\nq;m;g g.c:7 3\n";
	struct pf_collapse_stats st;
	struct pf_error err;
	size_t i;
	char *out;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		out = fold(docs[i], &st, &err);
		tap_str(i == 0 ? "speedscope keys in order" : "speedscope keys reordered",
		    out != NULL ? out : err.msg, want);
		free(out);
	}
	out = fold("{\"children\":[{\"value\":2,\"name\":\"b\"},{\"children\":[{\"name\":"
	    "\"d\",\"value\":1}],\"value\":4,\"name\":\"c\"}],\"value\":6,\"name\":\"all\"}",
	    &st, &err);
	tap_str("d3 keys reordered", out != NULL ? out : err.msg, "b 2\nc 3\nc;d 1\n");
	free(out);
}

/* Cut anywhere, a file adds nothing to what was read before it. */
static void
cuts(const char *name, const char *doc, int format)
{
	const char *good = "x 1\n";
	size_t len = strlen(doc), cut;
	struct pf_collapse_stats st;
	struct pf_error err;
	int bad = 0;

	for (cut = 1; cut < len; cut++) {
		struct pf_profile *p = pf_profile_new();
		char *out;

		free(fold_in(good, strlen(good), PF_FORMAT_FOLDED, NULL, &st, &err, p));
		out = fold_in(doc, cut, format, NULL, &st, &err, p);
		if (out != NULL || strstr(err.msg, "ends before it is complete") == NULL)
			bad++;
		free(out);
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
	cuts("speedscope cut short adds nothing", "{" SCHEMA ",\"shared\":{\"frames\":"
	    "[{\"name\":\"m\"}]},\"profiles\":[{\"type\":\"sampled\",\"unit\":\"none\","
	    "\"samples\":[[0],[0]],\"weights\":[1,2]},{\"type\":\"evented\",\"unit\":"
	    "\"none\",\"events\":[{\"type\":\"O\",\"at\":1,\"frame\":0},{\"type\":\"C\","
	    "\"at\":2,\"frame\":0}]}]}", PF_FORMAT_SPEEDSCOPE);
	cuts("d3 cut short adds nothing", "{\"name\":\"all\",\"value\":7,\"children\":"
	    "[{\"name\":\"b\",\"value\":2},{\"name\":\"c\",\"value\":4}]}", PF_FORMAT_D3);
}

/* An evented profile 200000 frames deep, and a d3 tree half as deep: no
 * recursion, and the one stack that weighs is there whole. */
static void
test_deep(void)
{
	enum { DEPTH = 200000 };
	size_t cap = (size_t)DEPTH * 100 + 256, used = 0, i;
	char *doc = malloc(cap), *out;
	struct pf_collapse_stats st;
	struct pf_error err;
	struct pf_profile *p;

	if (doc == NULL) {
		tap_ok(0, "deep", "out of memory");
		return;
	}
	used += (size_t)snprintf(doc + used, cap - used, "{" SCHEMA ",\"shared\":{\"frames\":"
	    "[{\"name\":\"f\"}]},\"profiles\":[{\"type\":\"evented\",\"unit\":\"none\","
	    "\"events\":[");
	for (i = 0; i < DEPTH; i++)
		used += (size_t)snprintf(doc + used, cap - used, "%s{\"type\":\"O\",\"at\":0,"
		    "\"frame\":0}", i ? "," : "");
	for (i = 0; i < DEPTH; i++)
		used += (size_t)snprintf(doc + used, cap - used, ",{\"type\":\"C\",\"at\":1,"
		    "\"frame\":0}");
	snprintf(doc + used, cap - used, "]}]}");
	p = pf_profile_new();
	out = fold_in(doc, strlen(doc), PF_FORMAT_AUTO, NULL, &st, &err, p);
	tap_ok(out != NULL && pf_profile_nstacks(p) == 1 && strlen(out) == 2 * DEPTH + 2,
	    "speedscope 200000 open frames", "%s: %zu stacks", out != NULL ? "read" : err.msg,
	    pf_profile_nstacks(p));
	free(out);
	pf_profile_free(p);
	used = 0;
	/* Two levels of JSON a node: as deep as the JSON layer allows. */
	for (i = 0; i < DEPTH / 2; i++)
		used += (size_t)snprintf(doc + used, cap - used, "{\"name\":\"f\",\"value\":1,"
		    "\"children\":[");
	for (i = 0; i < DEPTH / 2; i++)
		used += (size_t)snprintf(doc + used, cap - used, "]}");
	p = pf_profile_new();
	out = fold_in(doc, used, PF_FORMAT_D3, NULL, &st, &err, p);
	tap_ok(out != NULL && pf_profile_nstacks(p) == 1 && strlen(out) == DEPTH + 2,
	    "d3 100000 levels",
	    "%s: %zu stacks", out != NULL ? "read" : err.msg, pf_profile_nstacks(p));
	free(out);
	pf_profile_free(p);
	free(doc);
}

static void
test_count(void)
{
	static const struct { const char *s; const char *want; int neg, ok; } cases[] = {
		{ "42", "42", 0, 1 },
		{ "-0.5", "0.5", 1, 1 },
		{ "-0", "0", 0, 1 },
		{ "0.1234567894", "0.123456789", 0, 1 },
		{ "0.1234567895", "0.12345679", 0, 1 },
		{ "1e3", "1000", 0, 1 },
		{ "2.5E-3", "0.0025", 0, 1 },
		{ "18446744073709551615", "18446744073709551615", 0, 1 },
		{ "18446744073709551616", "", 0, 0 },
		{ "1e30", "", 0, 0 },
	};
	char name[64], buf[PF_COUNT_BUFSIZE];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pf_json_value v = { PF_JSON_NUMBER, cases[i].s, strlen(cases[i].s), 0 };
		pf_count c = 0;
		int neg = 0, ok = pf_json_count(&v, &c, &neg);

		buf[0] = '\0';
		if (ok)
			pf_count_format(c, buf);
		snprintf(name, sizeof(name), "count '%s'", cases[i].s);
		tap_ok(ok == cases[i].ok && (!ok || (neg == cases[i].neg &&
		    strcmp(buf, cases[i].want) == 0)), name, "ok %d, %s%s", ok,
		    neg ? "-" : "", buf);
	}
}

int
main(void)
{
	tap_group("detect", test_detect);
	tap_group("units", test_units);
	tap_group("key order", test_key_order);
	tap_group("truncated", test_truncated);
	tap_group("deep", test_deep);
	tap_group("numbers", test_count);
	return tap_done();
}
