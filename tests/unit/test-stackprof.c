/*
 * test-stackprof.c - unit tests of the Ruby stackprof JSON reader: "frames"
 * after "raw", frames without a name, and what is refused (a raw stack
 * cut short, a frame id that "frames" does not name, a frame defined
 * twice, a negative count).
 */
#include "tap.h"

static char *
run(const char *text, struct pf_collapse_stats *st, struct pf_error *err)
{
	struct pf_collapse_options o;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_mem("t.json", text, strlen(text));
	char *out = NULL;

	memset(&o, 0, sizeof(o));
	memset(err, 0, sizeof(*err));
	memset(st, 0, sizeof(*st));
	if (p != NULL && r != NULL && pf_collapse(p, r, &o, st, err) == 0)
		out = folded_text(p, NULL);
	pf_reader_free(r);
	pf_profile_free(p);
	return out;
}

#define HEAD "{\"version\":1.2,\"mode\":\"cpu\",\"interval\":1000,\"samples\":5," \
	"\"gc_samples\":0,\"missed_samples\":0,"

static void
test_read(void)
{
	struct pf_collapse_stats st;
	struct pf_error err;
	char *out;

	out = run(HEAD "\"raw\":[2,10,11,3,1,10,2,3,10,11,11,0]," \
	    "\"frames\":{\"10\":{\"name\":\"<main>\",\"file\":\"a.rb\"}," \
	    "\"11\":{\"file\":\"b.rb\",\"name\":\"Foo#bar;baz\"}}}", &st, &err);
	tap_str("frames after raw", out, "<main> 2\n<main>;Foo#bar:baz 3\n");
	tap_ok(st.format == PF_FORMAT_STACKPROF && st.unit == PF_UNIT_SAMPLES &&
	    st.samples == 5, "stats", "stackprof, samples, 5 of them");
	free(out);
	out = run("{\"version\":1.2,\"mode\":\"object\",\"gc_samples\":0,\"frames\":" \
	    "{\"7\":{\"line\":3}},\"raw\":[1,7,4]}", &st, &err);
	tap_str("object mode, a frame without a name", out, "7 4\n");
	tap_ok(st.unit == PF_UNIT_COUNT, "object mode unit", "a count");
	free(out);
}

static void
test_refused(void)
{
	struct pf_collapse_stats st;
	struct pf_error err;
	char *out;

	out = run(HEAD "\"frames\":{\"1\":{\"name\":\"a\"}},\"raw\":[2,1,1]}", &st, &err);
	tap_ok(out == NULL && strstr(err.msg, "ends inside a record") != NULL,
	    "raw cut short", "%s", err.msg);
	free(out);
	out = run(HEAD "\"frames\":{\"1\":{\"name\":\"a\"}},\"raw\":[1,2,1]}", &st, &err);
	tap_ok(out == NULL && strstr(err.msg, "frame 2") != NULL, "unnamed frame id",
	    "%s", err.msg);
	free(out);
	out = run(HEAD "\"frames\":{\"1\":{\"name\":\"a\"},\"1\":{\"name\":\"b\"}},"
	    "\"raw\":[1,1,1]}", &st, &err);
	tap_ok(out == NULL && strstr(err.msg, "defined twice") != NULL, "frame twice",
	    "%s", err.msg);
	free(out);
	out = run(HEAD "\"frames\":{\"1\":{\"name\":\"a\"}},\"raw\":[1,1,-1]}", &st, &err);
	tap_ok(out == NULL && strstr(err.msg, "whole number") != NULL, "negative count",
	    "%s", err.msg);
	free(out);
}

int
main(void)
{
	tap_group("read", test_read);
	tap_group("refused", test_refused);
	return tap_done();
}
