/*
 * test-formats.c - unit tests of the table of formats and options (every
 * row complete, --help and the unused-option warning built from it),
 * detection, the units of counts, the JSON layer, pf_seq, and the
 * streaming JSON readers (key order, deep nesting, truncation).
 */
#include <errno.h>
#include <limits.h>

#include "tap.h"
#include "parse/format.h"
#include "parse/json.h"

#define NROWS_MAX 64

/* ------------------------------------------------------------- the table */

static void
test_rows(void)
{
	const struct pf_format_row *row;
	int seen[PF_FORMAT_COUNT] = { 0 };
	char list[1024] = "", name[64];
	size_t i, j, used = 0;
	int f;

	for (i = 0; (row = pf_format_row_at(i)) != NULL; i++) {
		const struct pf_format_info *x = &row->info;

		snprintf(name, sizeof(name), "row %zu (%s)", i, x->name ? x->name : "?");
		tap_ok(x->name != NULL && x->name[0] != '\0' && x->title != NULL &&
		    x->title[0] != '\0' && x->counts != NULL && x->counts[0] != '\0',
		    name, "a name, a title and what its counts are");
		tap_ok(row->detect != NULL && row->read != NULL, name,
		    "a detector and a reader");
		tap_ok(x->format > PF_FORMAT_AUTO && x->format < PF_FORMAT_COUNT &&
		    seen[x->format]++ == 0, name, "a format of enum pf_format, once");
		tap_ok(pf_unit_name(x->unit) != NULL && pf_unit_name(x->unit_time) != NULL,
		    name, "known units");
		tap_ok(x->unit == x->unit_time || (x->options & (1u << PF_COPT_WEIGHT)),
		    name, "a unit for --weight=time only with --weight");
		tap_ok((x->options >> PF_COPT_COUNT) == 0, name, "known options");
		tap_ok(pf_format_info(x->format) == x && pf_format_at(i) == x &&
		    strcmp(pf_format_name(x->format), x->name) == 0, name,
		    "found by its format");
		tap_ok(pf_format_lookup(x->name) == x->format, name, "--format NAME");
		if (x->aliases != NULL) {
			char a[64];
			const char *s = x->aliases;

			while (*s != '\0') {
				size_t k = strcspn(s, " ");

				snprintf(a, sizeof(a), "%.*s", (int)k, s);
				tap_ok(pf_format_lookup(a) == x->format, name,
				    "alias '%s' is found", a);
				s += k + strspn(s + k, " ");
			}
		}
		for (j = 0; j < i; j++)
			if (strcmp(pf_format_row_at(j)->info.name, x->name) == 0)
				tap_ok(0, name, "the name of row %zu too", j);
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
		    i > 0 ? ", " : "", x->name);
	}
	for (f = PF_FORMAT_AUTO + 1; f < PF_FORMAT_COUNT; f++)
		tap_ok(seen[f] == 1, "every format has a row", "format %d: %d rows", f,
		    seen[f]);
	tap_str("the list of formats, in the table's order", pf_format_list(), list);
	CHECK("auto", pf_format_lookup("auto") == PF_FORMAT_AUTO);
	CHECK("bpftrace is dtrace", pf_format_lookup("bpftrace") == PF_FORMAT_DTRACE);
	CHECK("an unknown name", pf_format_lookup("json") == -1 &&
	    pf_format_lookup("") == -1 && pf_format_name(PF_FORMAT_COUNT) == NULL);
	CHECK("the name of auto", strcmp(pf_format_name(PF_FORMAT_AUTO), "auto") == 0);
	CHECK("no row for auto", pf_format_info(PF_FORMAT_AUTO) == NULL);
	CHECK("unit names", strcmp(pf_unit_name(PF_UNIT_NANOSECONDS), "ns") == 0 &&
	    strcmp(pf_unit_name(PF_UNIT_BYTES), "bytes") == 0 &&
	    pf_unit_name(-1) == NULL && pf_unit_name(PF_UNIT_BYTES + 1) == NULL);
}

/* Sets option opt in o; 0, or -1 for an option this test does not know. */
static int
set_option(struct pf_collapse_options *o, int opt)
{
	switch (opt) {
	case PF_COPT_PID: o->perf.include_pid = 1; return 0;
	case PF_COPT_TID: o->perf.include_tid = 1; return 0;
	case PF_COPT_KERNEL: o->perf.annotate_kernel = 1; return 0;
	case PF_COPT_JIT: o->perf.annotate_jit = 1; return 0;
	case PF_COPT_ALL: o->perf.annotate_kernel = o->perf.annotate_jit = 1; return 0;
	case PF_COPT_ADDRS: o->perf.include_addrs = 1; return 0;
	case PF_COPT_EVENT_FILTER: o->perf.event_filter = "cycles"; return 0;
	case PF_COPT_SRCLINE: o->perf.srcline = 1; return 0;
	case PF_COPT_JOBS: o->perf.jobs = 2; return 0;
	case PF_COPT_NATIVE: o->perf.data_mode = PF_PERF_DATA_NATIVE; return 0;
	case PF_COPT_PERF_SCRIPT: o->perf.data_mode = PF_PERF_DATA_SCRIPT; return 0;
	case PF_COPT_NO_LOCATION: o->no_location = 1; return 0;
	case PF_COPT_DROP_IDLE: o->drop_idle = 1; return 0;
	case PF_COPT_WEIGHT: o->weight_time = 1; return 0;
	case PF_COPT_TIME_ORDER: o->time_order = 1; return 0;
	case PF_COPT_SAMPLE_TYPE: o->sample_type = "cpu"; return 0;
	case PF_COPT_EVENT: o->event = "jdk.JavaMonitorEnter"; return 0;
	case PF_COPT_SNAPSHOT: o->snapshot = "3"; return 0;
	case PF_COPT_PROFILE: o->profile = "main"; return 0;
	}
	return -1;
}

static void
test_options(void)
{
	struct pf_collapse_options o;
	char name[64];
	int i, j, taken;

	memset(&o, 0, sizeof(o));
	CHECK("nothing set by default", pf_collapse_options_set(&o) == 0);
	CHECK("no option past the end", pf_collapse_opt_info(PF_COPT_COUNT) == NULL &&
	    pf_collapse_opt_info(-1) == NULL);
	CHECK("options fit a mask", PF_COPT_COUNT <= 32);
	for (i = 0; i < PF_COPT_COUNT; i++) {
		const struct pf_collapse_opt_info *x = pf_collapse_opt_info(i);
		uint32_t set, want = 1u << i;

		snprintf(name, sizeof(name), "option %d (%s)", i, x->name ? x->name : "?");
		tap_ok(x->name != NULL && x->name[0] != '\0' && x->help != NULL &&
		    x->help[0] != '\0' && x->label != NULL && strncmp(x->label, "--", 2) == 0,
		    name, "a name, help and a label");
		for (j = 0; j < i; j++)
			if (strcmp(pf_collapse_opt_info(j)->name, x->name) == 0 ||
			    (x->short_name != 0 &&
			    pf_collapse_opt_info(j)->short_name == x->short_name))
				tap_ok(0, name, "the name of option %d too", j);
		for (j = 0, taken = 0; pf_format_at((size_t)j) != NULL; j++)
			taken |= (pf_format_at((size_t)j)->options & want) != 0;
		tap_ok(taken, name, "taken by a format");
		memset(&o, 0, sizeof(o));
		if (set_option(&o, i) != 0) {
			tap_ok(0, name, "this test does not know how to set it");
			continue;
		}
		set = pf_collapse_options_set(&o);
		if (i == PF_COPT_ALL)
			want = (1u << PF_COPT_KERNEL) | (1u << PF_COPT_JIT);
		tap_ok(set == want, name, "set is %#x, want %#x", set, want);
	}
}

/* ----------------------------------------------------- the command line */

static char prog[PATH_MAX];

/* BUILD/pf-collapse, beside BUILD/tests/ where this test is. */
static int
find_prog(void)
{
	char self[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return -1;
	*slash = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return -1;
	*slash = '\0';
	snprintf(prog, sizeof(prog), "%s/pf-collapse", self);
	return access(prog, X_OK);
}

/* Runs the shell command cmd; its output (stdout, or stderr with 2>&1) in
 * a malloc'ed string. */
static char *
run(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, k;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = (len + 4096 + 1) * 2;
			if ((buf = realloc(buf, cap)) == NULL)
				break;
		}
		if ((k = fread(buf + len, 1, 4096, f)) == 0)
			break;
		len += k;
	}
	pclose(f);
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *s = text;

	while ((s = strstr(s, line)) != NULL) {
		if ((s == text || s[-1] == '\n') && (s[n] == '\n' || s[n] == '\0'))
			return 1;
		s++;
	}
	return 0;
}

static void
test_help(void)
{
	const struct pf_format_info *x;
	char cmd[PATH_MAX + 64], want[512];
	char *out;
	size_t i;
	int k;

	snprintf(cmd, sizeof(cmd), "'%s' --help", prog);
	if ((out = run(cmd)) == NULL) {
		tap_ok(0, "help", "cannot run %s", cmd);
		return;
	}
	for (i = 0; (x = pf_format_at(i)) != NULL; i++) {
		snprintf(want, sizeof(want), "%s%s%s: %s", x->name,
		    x->aliases != NULL ? ", " : "", x->aliases != NULL ? x->aliases : "",
		    x->title);
		tap_ok(has_line(out, want), "help has every format", "no line '%s'", want);
		snprintf(want, sizeof(want), "  counts: %.*s", (int)strcspn(x->counts, "\n"),
		    x->counts);
		tap_ok(strstr(out, want) != NULL, "help says what counts are",
		    "no '%s'", want);
	}
	for (k = 0; k < PF_COPT_COUNT; k++) {
		snprintf(want, sizeof(want), "--%s", pf_collapse_opt_info(k)->name);
		tap_ok(strstr(out, want) != NULL, "help has every option", "no '%s'", want);
	}
	free(out);
}

/* An argument each option with one takes, for the command line. */
static const char *
example_arg(const char *name)
{
	static const struct { const char *name, *arg; } args[] = {
		{ "event-filter", "cycles" },
		{ "jobs", "2" },
		{ "event", "Ir" },
		{ "snapshot", "3" },
		{ "weight", "time" },
		{ "sample-type", "cpu" },
		{ "event", "jdk.JavaMonitorEnter" },
		{ "profile", "main" },
	};
	size_t i;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		if (strcmp(args[i].name, name) == 0)
			return args[i].arg;
	return NULL;
}

static void
test_unused(void)
{
	char path[64], cmd[PATH_MAX + 256], want[256];
	char *out;
	int k;

	if (tmp_file(path, "a;b 1\n", 6) != 0) {
		tap_ok(0, "unused options", "no temporary file");
		return;
	}
	/* folded takes no option: each is ignored with a warning. */
	CHECK("folded takes no option", pf_format_info(PF_FORMAT_FOLDED)->options == 0);
	for (k = 0; k < PF_COPT_COUNT; k++) {
		const struct pf_collapse_opt_info *x = pf_collapse_opt_info(k);
		const char *arg = x->arg != NULL ? example_arg(x->name) : NULL;

		if (x->arg != NULL && arg == NULL) {
			tap_ok(0, "unused options", "no example argument for --%s", x->name);
			continue;
		}
		snprintf(cmd, sizeof(cmd), "'%s' --%s%s%s '%s' 2>&1 >/dev/null", prog,
		    x->name, arg != NULL ? "=" : "", arg != NULL ? arg : "", path);
		snprintf(want, sizeof(want), "pf-collapse: '%s': ignored %s: not options "
		    "of folded input", path, k == PF_COPT_ALL ? "--kernel, --jit" : x->label);
		out = run(cmd);
		tap_ok(out != NULL && has_line(out, want), "a warning for every option",
		    "--%s: got '%s', want '%s'", x->name, out ? out : "", want);
		free(out);
	}
	unlink(path);
}

/* ------------------------------------------------------------- detection */

static int
detect_mem(const char *text, size_t len)
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
	static const struct { const char *in; int format; } cases[] = {
		/* Empty, or blanks only: an empty profile. */
		{ "", PF_FORMAT_PERF },
		{ " \n\t\n", PF_FORMAT_PERF },
		{ "{\"nodes\":[{\"callFrame\":{}}]}", PF_FORMAT_CPUPROFILE },
		{ "\xef\xbb\xbf {\"startTime\":1,\"head\":{\"hitCount\":1}}",
		    PF_FORMAT_CPUPROFILE },
		{ " \n{\n  \"code\": []", PF_FORMAT_V8PROF },
		{ "{\"ticks\":[]}", PF_FORMAT_V8PROF },
		/* JSON and XML of no format's own names are no one's. */
		{ "{\"codes\":[]}", PF_FORMAT_AUTO },
		{ "{\"nodes\":[]}", PF_FORMAT_AUTO },
		{ "{\"traceEvents\":[{\"ph\":\"P\",\"hitCount\":1}]}", PF_FORMAT_CHROME },
		{ "[{\"name\":\"a\"}]", PF_FORMAT_AUTO },
		{ "<html><body>", PF_FORMAT_AUTO },
		{ "p 1 1.0: 250000 cpu-clock: \n\t1 f (/x)\n\n", PF_FORMAT_PERF },
		{ "<?xml version=\"1.0\"?>\n<svg>", PF_FORMAT_SVG },
		{ "<?xml version=\"1.0\"?>\n<trace-query-result>", PF_FORMAT_XCTRACE },
		{ "Flat profile:\n", PF_FORMAT_GPROF },
		{ "Attaching 1 probe...\n@[\n    f+1\n]: 3\n", PF_FORMAT_DTRACE },
		{ "\n  libc.so.1`memcpy+0x1c\n  12\n", PF_FORMAT_DTRACE },
		{ "v8-version,11,3\ntick,0x1,2\n", PF_FORMAT_V8PROF },
		{ "a;b 1\nc 2\n", PF_FORMAT_FOLDED },
		{ "# a comment\na;b 1\na;c 2\nbroken\n", PF_FORMAT_FOLDED },
		{ "a;b 1\nnot folded\n", PF_FORMAT_AUTO },
		{ "hello, world\n", PF_FORMAT_AUTO },
		/* Between two lines of formats' own, the first one. */
		{ "x\nFlat profile:\n@[x]: 1\n", PF_FORMAT_GPROF },
		{ "x\n@[x]: 1\nFlat profile:\n", PF_FORMAT_DTRACE },
		/* A line beats the shape of folded lines. */
		{ "a;b 1\n@[x]: 1\n", PF_FORMAT_DTRACE },
		/* A line beats perf's headers, which beat folded lines. */
		{ "p 1 1.0: 250000 cpu-clock: \n\t1 f (/x)\n@[x]: 1\n", PF_FORMAT_DTRACE },
		{ "p 1 1.0: 250000 cpu-clock: \n\t1 f (/x)\n\na;b 1\n", PF_FORMAT_PERF },
		/* Lines inside JSON mean nothing. */
		{ "{\n\"a\":\n\"tick,1\"\n}", PF_FORMAT_AUTO },
	};
	char name[80];
	size_t i;
	int f;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = detect_mem(cases[i].in, strlen(cases[i].in));
		snprintf(name, sizeof(name), "detect case %zu", i);
		tap_ok(f == cases[i].format, name, "'%s': %s, want %s", cases[i].in,
		    pf_format_name(f) ? pf_format_name(f) : "?",
		    pf_format_name(cases[i].format));
	}
}

/* ----------------------------------------------------------------- units */

/* Folds text (or the file path) with o; the stats in *st, the folded text
 * returned (malloc'ed), NULL with err on failure. */
static char *
collapse(const char *text, size_t len, const char *path,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err, struct pf_profile *into)
{
	struct pf_profile *p = into != NULL ? into : pf_profile_new();
	struct pf_reader *r;
	char *out = NULL;

	memset(err, 0, sizeof(*err));
	r = path != NULL ? pf_reader_open(path, err) : pf_reader_mem("t", text, len);
	if (p != NULL && r != NULL && pf_collapse(p, r, o, st, err) == 0)
		out = folded_text(p, NULL);
	pf_reader_free(r);
	if (into == NULL)
		pf_profile_free(p);
	return out;
}

static void
unit_of(const char *name, const char *text, const char *path, int format,
    int weight_time, const char *sample_type, int want)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_error err;
	char *out;

	memset(&o, 0, sizeof(o));
	o.format = format;
	o.weight_time = weight_time;
	o.sample_type = sample_type;
	o.perf.jobs = 1;
	out = collapse(text, text != NULL ? strlen(text) : 0, path, &o, &st, &err, NULL);
	if (out == NULL)
		tap_ok(0, name, "failed: %s", err.msg);
	else
		tap_ok(st.unit == want, name, "unit %s, want %s", pf_unit_name(st.unit),
		    pf_unit_name(want));
	free(out);
}

#define CPUPROF "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\"}," \
	"\"children\":[2]},{\"id\":2,\"callFrame\":{\"functionName\":\"f\"}}]," \
	"\"startTime\":0,\"endTime\":30,\"samples\":[2,2],\"timeDeltas\":[10,10]}"

static void
test_units(void)
{
	unit_of("perf cpu-clock: ns", "p 1 1.0: 250000 cpu-clock: \n\t1 f (/x)\n\n",
	    NULL, PF_FORMAT_AUTO, 0, NULL, PF_UNIT_NANOSECONDS);
	unit_of("perf task-clock:u: ns", "p 1 1.0: 250000 task-clock:u: \n\t1 f (/x)\n\n",
	    NULL, PF_FORMAT_AUTO, 0, NULL, PF_UNIT_NANOSECONDS);
	unit_of("perf cycles: count", "p 1 1.0: 1000 cycles:P: \n\t1 f (/x)\n\n",
	    NULL, PF_FORMAT_AUTO, 0, NULL, PF_UNIT_COUNT);
	unit_of("perf without period: samples", "p 1 1.0: cpu-clock: \n\t1 f (/x)\n\n",
	    NULL, PF_FORMAT_AUTO, 0, NULL, PF_UNIT_SAMPLES);
	unit_of("cpuprofile: samples", CPUPROF, NULL, PF_FORMAT_AUTO, 0, NULL,
	    PF_UNIT_SAMPLES);
	unit_of("cpuprofile --weight=time: us", CPUPROF, NULL, PF_FORMAT_AUTO, 1, NULL,
	    PF_UNIT_MICROSECONDS);
	unit_of("folded: unknown", "a;b 1\n", NULL, PF_FORMAT_AUTO, 0, NULL,
	    PF_UNIT_UNKNOWN);
	unit_of("folded --weight=time: unknown", "a;b 1\n", NULL, PF_FORMAT_AUTO, 1,
	    NULL, PF_UNIT_UNKNOWN);
	unit_of("xctrace --weight=time: ns", NULL, "tests/cases/collapse-xctrace/"
	    "time-profile.xml", PF_FORMAT_AUTO, 1, NULL, PF_UNIT_NANOSECONDS);
	unit_of("gprof: samples", NULL, "tests/cases/collapse-gprof/gprof.txt",
	    PF_FORMAT_AUTO, 0, NULL, PF_UNIT_SAMPLES);
	unit_of("pprof cpu: ns", NULL, "tests/cases/collapse-pprof/small.pb",
	    PF_FORMAT_AUTO, 0, "cpu", PF_UNIT_NANOSECONDS);
	unit_of("pprof samples: samples", NULL, "tests/cases/collapse-pprof/small.pb",
	    PF_FORMAT_AUTO, 0, "samples", PF_UNIT_SAMPLES);
}

/* ---------------------------------------------------------- the JSON layer */

struct rec {
	struct pf_json *j;
	char log[4096];
	size_t len;
	int fail_tag;		/* a scalar with this tag fails */
	size_t depth, maxdepth;
};

static void
logf_(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(r->log + r->len, sizeof(r->log) - r->len, fmt, ap);
	va_end(ap);
	if (k > 0 && (size_t)k < sizeof(r->log) - r->len)
		r->len += (size_t)k;
}

/* Tags: 1 root; "a" 2, its elements 3; "b" 4; "c" 5; "skip" 0; other 6. */
static int
rec_key(void *ctx, int tag, const char *key, size_t len)
{
	struct rec *r = ctx;

	logf_(r, "k%d:%.*s ", tag, (int)len, key);
	if (len == 4 && memcmp(key, "skip", 4) == 0)
		return 0;
	if (len == 1 && key[0] == 'a')
		return 2;
	if (len == 1 && key[0] == 'b')
		return 4;
	if (len == 1 && key[0] == 'c')
		return 5;
	return 6;
}

static int
rec_begin(void *ctx, int tag, int array)
{
	struct rec *r = ctx;

	logf_(r, "%c%d@%llu ", array ? '[' : '{', tag,
	    (unsigned long long)pf_json_index(r->j));
	if (++r->depth > r->maxdepth)
		r->maxdepth = r->depth;
	return tag == 2 ? 3 : tag;
}

static int
rec_end(void *ctx, int tag, int array)
{
	struct rec *r = ctx;

	r->depth--;
	logf_(r, "%c%d ", array ? ']' : '}', tag);
	return 0;
}

static int
rec_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct rec *r = ctx;

	if (tag == r->fail_tag)
		return pf_json_fail(r->j, "tag %d refused", tag);
	logf_(r, "s%d@%llu=%.*s ", tag, (unsigned long long)pf_json_index(r->j),
	    (int)v->len, v->s);
	return 0;
}

static const struct pf_json_handler rec_handler = {
	rec_key, rec_begin, rec_end, rec_scalar,
};

/* Parses text; 0 or -1 with err; the events in r->log. */
static int
json_run(const char *text, size_t len, struct rec *r, struct pf_error *err)
{
	struct pf_reader *rd = pf_reader_mem("t.json", text, len);
	int rc = -1;

	memset(err, 0, sizeof(*err));
	r->len = 0;
	r->log[0] = '\0';
	r->depth = r->maxdepth = 0;
	if (rd != NULL && (r->j = pf_json_new(rd, &rec_handler, r, err)) != NULL)
		rc = pf_json_parse(r->j, 1);
	pf_json_free(r->j);
	r->j = NULL;
	pf_reader_free(rd);
	return rc;
}

static void
test_json_events(void)
{
	const char *doc = "{\"a\":[1,{\"x\":2},\"s\"],\"skip\":[[1,2],{\"d\":3}],"
	    "\"b\":{\"c\":true},\"n\":null}";
	struct rec r;
	struct pf_error err;

	memset(&r, 0, sizeof(r));
	r.fail_tag = -1;
	CHECK("json parses", json_run(doc, strlen(doc), &r, &err) == 0);
	tap_str("json events: tags, skipping, indices", r.log,
	    "{1@0 k1:a [2@0 s3@0=1 {3@1 k3:x s6@0=2 }3 s3@2=s ]2 k1:skip "
	    "k1:b {4@0 k4:c s5@0=true }4 k1:n s6@0=null }1 ");
	CHECK("json BOM skipped", json_run("\xef\xbb\xbf[7]", 6, &r, &err) == 0 &&
	    strcmp(r.log, "[1@0 s1@0=7 ]1 ") == 0);
}

static void
test_json_errors(void)
{
	struct rec r;
	struct pf_error err;
	char *big;
	size_t i, n, lines;

	memset(&r, 0, sizeof(r));
	r.fail_tag = -1;
	json_run("{\"a\":1,}", 8, &r, &err);
	tap_err("json invalid", &err, "t.json", 1, "not valid JSON at byte 8");
	json_run("{\n\"a\":\n[1,2", 11, &r, &err);
	tap_err("json truncated", &err, "t.json", 3,
	    "the JSON ends before it is complete, at byte 11 (a truncated file?)");
	json_run("", 0, &r, &err);
	tap_err("json empty", &err, "t.json", 1, "ends before it is complete");
	json_run("[\"a\\u0000b\"]", 12, &r, &err);
	tap_err("json NUL in a string", &err, "t.json", 1, "NUL character");
	json_run("[1] [2]", 7, &r, &err);
	tap_err("json two values", &err, "t.json", 1, "not valid JSON");
	json_run("[\"\xff\"]", 5, &r, &err);
	tap_err("json invalid UTF-8", &err, "t.json", 1, "not valid JSON");
	r.fail_tag = 6;
	json_run("{\"b\":1,\n\"z\":\n2}", 15, &r, &err);
	tap_err("json a callback stops it", &err, "t.json", 3, "tag 6 refused");
	r.fail_tag = -1;

	/* Nesting: deep is fine (nothing recurses), too deep is refused. */
	n = 100000;
	big = malloc(2 * (size_t)PF_JSON_MAX_DEPTH + 2);
	for (i = 0; i < n; i++) {
		big[i] = '[';
		big[2 * n - 1 - i] = ']';
	}
	CHECK("json nested 100000 deep", json_run(big, 2 * n, &r, &err) == 0 &&
	    r.maxdepth == n);
	for (i = 0; i <= (size_t)PF_JSON_MAX_DEPTH; i++)
		big[i] = '[';
	json_run(big, (size_t)PF_JSON_MAX_DEPTH + 1, &r, &err);
	tap_err("json nested too deep", &err, "t.json", 1, "nested deeper than");
	free(big);

	/* Lines are counted across the pieces the input is read in. */
	n = 3 << 20;
	big = malloc(n + 16);
	big[0] = '[';
	for (i = 1, lines = 0; i + 3 < n; i += 3, lines++)
		memcpy(big + i, "1,\n", 3);
	memcpy(big + i, "]]", 2);
	json_run(big, i + 2, &r, &err);
	tap_err("json line far into the input", &err, "t.json", lines + 1,
	    "not valid JSON");
	free(big);
}

static void
test_json_int(void)
{
	static const struct { const char *s; int ok; int64_t v; } cases[] = {
		{ "0", 1, 0 }, { "-0", 1, 0 }, { "42", 1, 42 }, { "-7", 1, -7 },
		{ "999999999999999999", 1, 999999999999999999 },
		{ "9223372036854775807", 1, INT64_MAX },
		{ "-9223372036854775808", 1, INT64_MIN },
		{ "9223372036854775808", 0, 0 },
		{ "-9223372036854775809", 0, 0 },
		{ "1.0", 0, 0 }, { "1e3", 0, 0 }, { "-", 0, 0 },
	};
	struct pf_json_value v = { PF_JSON_NUMBER, NULL, 0, 0 };
	size_t i;
	int64_t x;
	double d;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ok;

		v.s = cases[i].s;
		v.len = strlen(v.s);
		x = -1;
		ok = pf_json_int(&v, &x);
		tap_ok(ok == cases[i].ok && (!ok || x == cases[i].v), "pf_json_int",
		    "'%s': %d %lld", cases[i].s, ok, (long long)x);
	}
	v.s = "1.5e3";
	v.len = 5;
	CHECK("pf_json_double", pf_json_double(&v, &d) && d == 1500);
	v.type = PF_JSON_STRING;
	CHECK("a string is no number", !pf_json_int(&v, &x) && !pf_json_double(&v, &d));
}

/* ------------------------------------------------------------------ seq */

static void
test_seq(void)
{
	struct pf_seq *s = pf_seq_new(0);	/* spills past 64 KiB */
	uint64_t x = 88172645463325252ull, y;
	int64_t v;
	size_t i, n = 300000, bad = 0;
	int got;

	for (i = 0; s != NULL && i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = i % 3 == 0 ? (int64_t)(x % 1000) : i % 3 == 1 ? (int64_t)x :
		    (i & 8 ? INT64_MIN : INT64_MAX);
		if (pf_seq_put(s, v) != 0)
			break;
	}
	CHECK("seq put", s != NULL && i == n && pf_seq_count(s) == n);
	CHECK("seq rewind", pf_seq_rewind(s) == 0 && pf_seq_put(s, 1) != 0);
	y = 88172645463325252ull;
	for (i = 0; (got = pf_seq_get(s, &v)) == 1; i++) {
		int64_t want;

		y ^= y << 13;
		y ^= y >> 7;
		y ^= y << 17;
		want = i % 3 == 0 ? (int64_t)(y % 1000) : i % 3 == 1 ? (int64_t)y :
		    (i & 8 ? INT64_MIN : INT64_MAX);
		bad += v != want;
	}
	CHECK("seq gets back every value, in order", got == 0 && i == n && bad == 0);
	CHECK("seq ends", pf_seq_get(s, &v) == 0);
	pf_seq_free(s);
	pf_seq_free(NULL);
}

/* --------------------------------------------------------- JSON readers */

static char *
fold(const char *doc, int format, int weight_time, int time_order,
    struct pf_error *err)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;

	memset(&o, 0, sizeof(o));
	o.format = format;
	o.weight_time = weight_time;
	o.time_order = time_order;
	return collapse(doc, strlen(doc), NULL, &o, &st, err, NULL);
}

/* The members of a .cpuprofile, to be put in every order. */
static const char *const members[] = {
	"\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\"},"
	    "\"children\":[2,3]},{\"id\":2,\"callFrame\":{\"functionName\":\"a\","
	    "\"url\":\"file:///x.js\",\"lineNumber\":4},\"children\":[4]},"
	    "{\"id\":3,\"callFrame\":{\"functionName\":\"(idle)\"}},"
	    "{\"id\":4,\"callFrame\":{\"functionName\":\"b\"}}]",
	"\"samples\":[2,4,4,3,2,4,1]",
	"\"timeDeltas\":[5,10,20,40,80,160,320]",
	"\"startTime\":100",
	"\"endTime\":1000",
};

static void
test_cpuprofile_order(void)
{
	int perm[5] = { 0, 1, 2, 3, 4 }, opts, i, j, k, n = 0, bad;
	char doc[2048], *want[4] = { NULL }, *got;
	struct pf_error err;

	/* Every order of the five members folds the same. */
	for (opts = 0; opts < 4; opts++) {
		bad = 0;
		n = 0;
		for (i = 0; i < 5; i++)
			perm[i] = i;
		for (;;) {
			size_t used = 0;

			used += (size_t)snprintf(doc + used, sizeof(doc) - used, "{");
			for (i = 0; i < 5; i++)
				used += (size_t)snprintf(doc + used, sizeof(doc) - used,
				    "%s%s", i ? "," : "", members[perm[i]]);
			snprintf(doc + used, sizeof(doc) - used, "}");
			got = fold(doc, PF_FORMAT_AUTO, opts & 1, (opts & 2) != 0, &err);
			if (want[opts] == NULL)
				want[opts] = got;
			else if (got == NULL || strcmp(got, want[opts]) != 0)
				bad++;
			if (got != want[opts])
				free(got);
			n++;
			/* the next permutation */
			for (i = 3; i >= 0 && perm[i] > perm[i + 1]; i--)
				;
			if (i < 0)
				break;
			for (j = 4; perm[j] < perm[i]; j--)
				;
			k = perm[i], perm[i] = perm[j], perm[j] = k;
			for (j = i + 1, k = 4; j < k; j++, k--) {
				int t = perm[j];

				perm[j] = perm[k];
				perm[k] = t;
			}
		}
		tap_ok(bad == 0 && n == 120 && want[opts] != NULL,
		    "cpuprofile: members in any order fold the same", "options %d: %d of "
		    "%d differ", opts, bad, n);
	}
	tap_str("cpuprofile samples", want[0],
	    "(idle) 1\n(root) 1\na /x.js:5 2\na /x.js:5;b 3\n");
	tap_str("cpuprofile --weight=time", want[1],
	    "(idle) 80\n(root) 265\na /x.js:5 170\na /x.js:5;b 380\n");
	tap_str("cpuprofile --time-order", want[2],
	    "a /x.js:5 1\na /x.js:5;b 2\n(idle) 1\na /x.js:5 1\na /x.js:5;b 1\n(root) 1\n");
	tap_str("cpuprofile --time-order --weight=time", want[3],
	    "a /x.js:5 10\na /x.js:5;b 60\n(idle) 80\na /x.js:5 160\na /x.js:5;b 320\n"
	    "(root) 265\n");
	for (i = 0; i < 4; i++)
		free(want[i]);
}

static void
test_cpuprofile_deep(void)
{
	size_t depth = 30000, i, used = 0, cap = depth * 64 + 64, frames = 1;
	char *doc = malloc(cap), *out;
	struct pf_error err;

	/* The nested shape, one call deep in recursion, as v8-profiler
	 * writes it: JSON twice as deep as the stack. */
	used += (size_t)snprintf(doc + used, cap - used, "{\"head\":");
	for (i = 0; i < depth; i++)
		used += (size_t)snprintf(doc + used, cap - used, "{\"functionName\":"
		    "\"f\",\"hitCount\":%d,\"children\":[", i + 1 == depth);
	for (i = 0; i < depth; i++)
		used += (size_t)snprintf(doc + used, cap - used, "]}");
	snprintf(doc + used, cap - used, "}");
	out = fold(doc, PF_FORMAT_AUTO, 0, 0, &err);
	for (i = 0; out != NULL && out[i] != '\0'; i++)
		frames += out[i] == ';';
	tap_ok(out != NULL && frames == depth &&
	    strcmp(out + strlen(out) - 5, ";f 1\n") == 0,
	    "cpuprofile nested 30000 calls deep", "%s: %zu frames",
	    out != NULL ? "folded" : err.msg, frames);
	free(out);
	free(doc);
}

static void
test_truncated(void)
{
	const char *good = "a;b 3\n";
	char doc[2048];
	size_t used = 0, len, cut;
	int i, time_order, bad = 0;

	used += (size_t)snprintf(doc + used, sizeof(doc) - used, "{");
	for (i = 0; i < 5; i++)
		used += (size_t)snprintf(doc + used, sizeof(doc) - used, "%s%s",
		    i ? "," : "", members[i]);
	snprintf(doc + used, sizeof(doc) - used, "}");
	len = strlen(doc);
	/* Cut anywhere, a .cpuprofile adds nothing to what was there. */
	for (time_order = 0; time_order < 2; time_order++) {
		for (cut = 1; cut < len; cut++) {
			struct pf_collapse_options o;
			struct pf_collapse_stats st;
			struct pf_error err;
			struct pf_profile *p = pf_profile_new();
			char *out;

			memset(&o, 0, sizeof(o));
			o.time_order = time_order;
			o.weight_time = 1;
			pf_profile_set_ordered(p, time_order);
			o.format = PF_FORMAT_FOLDED;
			free(collapse(good, strlen(good), NULL, &o, &st, &err, p));
			o.format = PF_FORMAT_CPUPROFILE;
			out = collapse(doc, cut, NULL, &o, &st, &err, p);
			free(out);
			if (out != NULL || strstr(err.msg, "ends before it is complete") == NULL)
				bad++;
			out = folded_text(p, NULL);
			if (out == NULL || strcmp(out, good) != 0)
				bad++;
			free(out);
			pf_profile_free(p);
		}
		tap_ok(bad == 0, "cpuprofile cut short adds nothing",
		    "%d of %zu cuts", bad, len - 1);
	}
}

static void
test_v8prof_order(void)
{
	const char *a = "{\"code\":[{\"name\":\"/usr/bin/node\",\"type\":\"SHARED_LIB\"},"
	    "{\"name\":\"f x.js:1:1\",\"type\":\"JS\",\"kind\":\"Opt\"},"
	    "{\"name\":\"ArrayMap\",\"type\":\"CODE\",\"kind\":\"Builtin\"}],"
	    "\"ticks\":[{\"tm\":1,\"vm\":0,\"s\":[2,0,1,5,0,9]},{\"tm\":2,\"s\":[-1,7]},"
	    "{\"s\":[1,2,7]},5]}";
	const char *b = "{\"ticks\":[{\"tm\":1,\"vm\":0,\"s\":[2,0,1,5,0,9]},{\"tm\":2,"
	    "\"s\":[-1,7]},{\"s\":[1,2,7]},5],"
	    "\"code\":[{\"type\":\"SHARED_LIB\",\"name\":\"/usr/bin/node\"},"
	    "{\"kind\":\"Opt\",\"name\":\"f x.js:1:1\",\"type\":\"JS\"},"
	    "{\"name\":\"ArrayMap\",\"kind\":\"Builtin\",\"type\":\"CODE\"}]}";
	struct pf_error err;
	char *x = fold(a, PF_FORMAT_AUTO, 0, 0, &err), *y = fold(b, PF_FORMAT_AUTO, 0, 0, &err);

	tap_str("v8-prof JSON", x, "[/usr/bin/node];f x.js:1:1;Builtin:ArrayMap 1\n"
	    "[unknown] 2\nf x.js:1:1 1\n");
	tap_ok(x != NULL && y != NULL && strcmp(x, y) == 0,
	    "v8-prof JSON: ticks before code", "%s", y != NULL ? y : err.msg);
	free(x);
	free(y);
}

int
main(void)
{
	tap_group("rows", test_rows);
	tap_group("options", test_options);
	if (find_prog() != 0) {
		tap_ok(0, "pf-collapse beside the tests", "not found at '%s'", prog);
	} else {
		tap_group("help", test_help);
		tap_group("unused", test_unused);
	}
	tap_group("detect", test_detect);
	tap_group("units", test_units);
	tap_group("json events", test_json_events);
	tap_group("json errors", test_json_errors);
	tap_group("json numbers", test_json_int);
	tap_group("seq", test_seq);
	tap_group("cpuprofile order", test_cpuprofile_order);
	tap_group("cpuprofile deep", test_cpuprofile_deep);
	tap_group("cpuprofile truncated", test_truncated);
	tap_group("v8-prof order", test_v8prof_order);
	return tap_done();
}
