/*
 * test-jfr.c - the Java Flight Recorder reader on the generated recordings
 * of tests/fuzz/corpus/jfr/ (written by tests/ref/jfr-mini.py; the first
 * byte of each file is the fuzz target's option byte, skipped here): the
 * compressed and uncompressed encodings agree, chunks add up, and damaged
 * recordings (endless nesting, huge counts, a string that refers to
 * itself, a cut chunk) end in a clear error or a documented fallback.
 */
#include "tap.h"

#define CORPUS "tests/fuzz/corpus/jfr/"

static char *
load(const char *name, size_t *len)
{
	char path[256], *buf = NULL;
	size_t cap = 0, n = 0, k;
	FILE *f;

	snprintf(path, sizeof(path), CORPUS "%s", name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 4096);

			if (nb == NULL)
				break;
			buf = nb;
		}
		if ((k = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += k;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Folds corpus file name (its option byte skipped) with o; the folded text
 * (malloc'ed) or NULL with err filled. */
static char *
fold(const char *name, struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	size_t len = 0;
	char *buf = load(name, &len), *text = NULL;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r;

	memset(err, 0, sizeof(*err));
	if (buf == NULL || len == 0 || p == NULL) {
		snprintf(err->msg, sizeof(err->msg), "cannot load %s", name);
		goto out;
	}
	r = pf_reader_mem("t.jfr", buf + 1, len - 1);
	if (r != NULL && pf_collapse(p, r, o, st, err) == 0)
		text = folded_text(p, NULL);
	pf_reader_free(r);
out:
	pf_profile_free(p);
	free(buf);
	return text;
}

static const char mini_tid[] =
    "main-11;Main.main;Main.work 3\n"
    "main-11;[no stack] 1\n"
    "main-11;work 1\n"
    "w\xc3\xa9rker-12;Main.main;Main.work 1\n"
    "w\xc3\xa9rker-12;Main.main;Main.work;java.util.Ha:sh.get 2\n";

static void
test_encodings(void)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_error err;
	char *t;

	memset(&o, 0, sizeof(o));
	o.perf.include_tid = 1;
	t = fold("mini-tid", &o, &st, &err);
	tap_str("compressed integers, per thread", t, mini_tid);
	tap_ok(st.format == PF_FORMAT_JFR && st.samples == 8 &&
	    st.unit == PF_UNIT_SAMPLES, "detected, 8 samples", "format %d, %llu "
	    "samples, unit %d", st.format, (unsigned long long)st.samples, st.unit);
	free(t);
	t = fold("mini-uncompressed-jit", &o, &st, &err);
	tap_str("uncompressed integers read the same", t, mini_tid);
	free(t);
	memset(&o, 0, sizeof(o));
	t = fold("two-chunks", &o, &st, &err);
	tap_str("two chunks add up", t,
	    "Main.main;Main.work 8\n"
	    "Main.main;Main.work;java.util.Ha:sh.get 4\n"
	    "[no stack] 2\n"
	    "work 2\n");
	free(t);
	o.event = "jdk.JavaMonitorEnter";
	t = fold("mini-tid", &o, &st, &err);
	tap_ok(t != NULL && *t == '\0' && strstr(st.note, "no jdk.JavaMonitorEnter "
	    "events") != NULL, "an event the recording lacks: empty, with a note",
	    "note '%s'", st.note);
	free(t);
	/* async-profiler 4's wall-clock samples: each event weighs its
	 * "samples". */
	o.event = "profiler.WallClockSample";
	t = fold("mini-wall", &o, &st, &err);
	tap_str("wall-clock samples weigh their count", t,
	    "Main.main;Main.work 42\n"
	    "Main.main;Main.work;java.util.Ha:sh.get 7\n");
	tap_ok(st.unit == PF_UNIT_SAMPLES, "wall-clock samples are samples", "unit %d",
	    st.unit);
	free(t);
	o.event = NULL;
	t = fold("mini-wall", &o, &st, &err);
	tap_ok(t != NULL && strstr(t, "Main.main;Main.work 4\n") != NULL,
	    "wall-clock samples are not among the default events", "%s", t ? t : err.msg);
	free(t);
}

static void
test_damage(void)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_error err;
	char *t;

	memset(&o, 0, sizeof(o));
	t = fold("mini-nest", &o, &st, &err);
	tap_ok(t == NULL, "endless inline nesting is refused", NULL);
	tap_err("  ...saying where", &err, "t.jfr", 0, "nests too deep");
	free(t);
	t = fold("mini-hugecount", &o, &st, &err);
	tap_ok(t == NULL, "a count beyond the bytes left is refused", NULL);
	tap_err("  ...saying what", &err, "t.jfr", 0, "jdk.types.StackTrace");
	free(t);
	t = fold("mini-cut", &o, &st, &err);
	tap_ok(t == NULL, "a cut chunk is refused", NULL);
	tap_err("  ...saying so", &err, "t.jfr", 0, "cut short");
	free(t);
	o.perf.include_tid = 1;
	t = fold("mini-strloop", &o, &st, &err);
	tap_ok(t != NULL && strstr(t, "\nworker-12;Main.main;Main.work 1\n") != NULL,
	    "a string that refers to itself: the OS thread name instead", "got %s",
	    t != NULL ? t : err.msg);
	free(t);
}

int
main(void)
{
	tap_group("encodings", test_encodings);
	tap_group("damage", test_damage);
	return tap_done();
}
