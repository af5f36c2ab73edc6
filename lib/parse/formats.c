/*
 * formats.c - the table of input formats and of their options, detection
 * of the format from the content, and pf_collapse, which hands an input to
 * its reader.
 *
 * Detection looks only at the first PF_PEEK_BYTES of the input (never at
 * the file name), and a format claims an input only when the content
 * shows it: each row's detector says how strongly (enum pf_claim in
 * format.h) and the strongest claim wins.  Nothing is a fallback: an input
 * that no row claims is refused, with the formats tried, what the input
 * looks like when that can be told (sniff.c) and its first line.
 */
#include <pthread.h>

#include "format.h"

#define OPT(x) (1u << PF_COPT_##x)

/* ------------------------------------------------------------ the options */

static const struct pf_collapse_opt_info options[PF_COPT_COUNT] = {
	[PF_COPT_PID] = { "pid", 0, NULL,
	    "root frame is comm-PID", "--pid" },
	[PF_COPT_TID] = { "tid", 0, NULL,
	    "root frame is comm-PID/TID", "--tid" },
	[PF_COPT_KERNEL] = { "kernel", 0, NULL,
	    "mark kernel frames with _[k]", "--kernel" },
	[PF_COPT_JIT] = { "jit", 0, NULL,
	    "mark JIT frames with _[j]", "--jit" },
	[PF_COPT_ALL] = { "all", 0, NULL,
	    "--kernel and --jit", "--all" },
	[PF_COPT_ADDRS] = { "addrs", 0, NULL,
	    "show the address of unknown symbols: [dso <addr>]", "--addrs" },
	[PF_COPT_EVENT_FILTER] = { "event-filter", 0, "EV",
	    "keep samples of event EV (default: the first event)",
	    "--event-filter" },
	[PF_COPT_SRCLINE] = { "srcline", 0, NULL,
	    "input has source lines (perf script -F +srcline):\n"
	    "frames become func:file.c:LINE", "--srcline" },
	[PF_COPT_JOBS] = { "jobs", 'j', "N",
	    "threads for a regular file (default: all CPUs)", "--jobs" },
	[PF_COPT_NATIVE] = { "native", 0, NULL,
	    "read perf.data without perf; fail if it needs perf", "--native" },
	[PF_COPT_PERF_SCRIPT] = { "perf-script", 0, NULL,
	    "read perf.data through `perf script` (the default\n"
	    "is natively, falling back to perf script when the\n"
	    "recording needs it: DWARF call graphs, LBR, ...)", "--perf-script" },
	[PF_COPT_NO_LOCATION] = { "no-location", 0, NULL,
	    "frames are function names without FILE:LINE\n"
	    "(macOS sample: without their module)", "--no-location" },
	[PF_COPT_DROP_IDLE] = { "drop-idle", 0, NULL,
	    "leave out the (idle) samples (macOS sample: those\n"
	    "of threads waiting, in __psynch_cvwait, kevent, ...)", "--drop-idle" },
	[PF_COPT_WEIGHT] = { "weight", 0, "samples|time",
	    "weigh each sample 1 (samples, the default) or by\n"
	    "its duration (time; the unit is under counts)", "--weight=time" },
	[PF_COPT_TIME_ORDER] = { "time-order", 0, NULL,
	    "samples in time order, merging only adjacent\n"
	    "equal stacks (for pf-svg --flamechart)", "--time-order" },
	[PF_COPT_SAMPLE_TYPE] = { "sample-type", 0, "T",
	    "weigh by sample type T, a name (cpu, alloc_space,\n"
	    "cpu/nanoseconds) or an index (default: the\n"
	    "profile's default type, else the last); GHC (.prof,\n"
	    "JSON): ticks (the default), alloc (bytes) or time", "--sample-type" },
	[PF_COPT_EVENT] = { "event", 0, "EV",
	    "the event to fold: callgrind's event EV of its events:\n"
	    "line (default: the first); JFR's events of type EV\n"
	    "(jdk.ObjectAllocationSample, jdk.JavaMonitorEnter, ...)\n"
	    "weighted by their bytes or duration (default:\n"
	    "execution and native method samples)", "--event" },
	[PF_COPT_SNAPSHOT] = { "snapshot", 0, "N",
	    "the heap tree of snapshot N (default: the peak)", "--snapshot" },
	[PF_COPT_PROFILE] = { "profile", 0, "P",
	    "read only profile P of the file, a name or a number\n"
	    "from 1 (default: every profile, each a root frame)",
	    "--profile" },
};

const struct pf_collapse_opt_info *
pf_collapse_opt_info(int opt)
{
	if (opt < 0 || opt >= PF_COPT_COUNT)
		return NULL;
	return &options[opt];
}

/* Whether o sets opt to something other than its default. */
static int
is_set(const struct pf_collapse_options *o, int opt)
{
	const struct pf_perf_options *q = &o->perf;

	switch (opt) {
	case PF_COPT_PID: return q->include_pid != 0;
	case PF_COPT_TID: return q->include_tid != 0;
	case PF_COPT_KERNEL: return q->annotate_kernel != 0;
	case PF_COPT_JIT: return q->annotate_jit != 0;
	case PF_COPT_ALL: return 0;	/* it sets --kernel and --jit */
	case PF_COPT_ADDRS: return q->include_addrs != 0;
	case PF_COPT_EVENT_FILTER: return q->event_filter != NULL;
	case PF_COPT_SRCLINE: return q->srcline != 0;
	case PF_COPT_JOBS: return q->jobs > 0;
	case PF_COPT_NATIVE: return q->data_mode == PF_PERF_DATA_NATIVE;
	case PF_COPT_PERF_SCRIPT: return q->data_mode == PF_PERF_DATA_SCRIPT;
	case PF_COPT_NO_LOCATION: return o->no_location != 0;
	case PF_COPT_DROP_IDLE: return o->drop_idle != 0;
	case PF_COPT_WEIGHT: return o->weight_time != 0;
	case PF_COPT_TIME_ORDER: return o->time_order != 0;
	case PF_COPT_SAMPLE_TYPE: return o->sample_type != NULL;
	case PF_COPT_EVENT: return o->event != NULL;
	case PF_COPT_SNAPSHOT: return o->snapshot != NULL;
	case PF_COPT_PROFILE: return o->profile != NULL;
	}
	return 0;
}

uint32_t
pf_collapse_options_set(const struct pf_collapse_options *o)
{
	uint32_t set = 0;
	int i;

	for (i = 0; i < PF_COPT_COUNT; i++)
		if (is_set(o, i))
			set |= 1u << i;
	return set;
}

/* ------------------------------------------------------------ the formats */

/* In the order detection tries them; between equal claims the earlier
 * row wins. */
static const struct pf_format_row rows[] = {
	{ { PF_FORMAT_PPROF, "pprof", NULL,
	    "pprof profile.proto (Go, async-profiler, Pyroscope)",
	    OPT(SAMPLE_TYPE), PF_UNIT_UNKNOWN, PF_UNIT_UNKNOWN,
	    "the values of the chosen sample type, in its unit" },
	  pf_pprof_detect, pf_pprof_read },
	{ { PF_FORMAT_JFR, "jfr", NULL,
	    "Java Flight Recorder recording (.jfr: JDK, async-profiler)",
	    OPT(TID) | OPT(KERNEL) | OPT(JIT) | OPT(ALL) | OPT(EVENT),
	    PF_UNIT_SAMPLES, PF_UNIT_SAMPLES,
	    "samples; with --event, bytes (allocations), nanoseconds\n"
	    "(events with a duration) or events" },
	  pf_jfr_detect, pf_jfr_read },
	/* Before cpuprofile, whose keys a frame's name can hold. */
	{ { PF_FORMAT_SPEEDSCOPE, "speedscope", NULL,
	    "speedscope JSON (py-spy, rbspy, pyinstrument, dotnet-trace)",
	    OPT(NO_LOCATION) | OPT(PROFILE), PF_UNIT_UNKNOWN, PF_UNIT_UNKNOWN,
	    "the profiles' weights, in their unit (ns, us, ms, s,\n"
	    "bytes, or none)" },
	  pf_speedscope_detect, pf_speedscope_read },
	{ { PF_FORMAT_D3, "d3", "d3-flame-graph",
	    "d3-flame-graph JSON (pf-export --to d3, burn, others)",
	    0, PF_UNIT_UNKNOWN, PF_UNIT_UNKNOWN,
	    "those of the tree's values" },
	  pf_d3_detect, pf_d3_read },
	{ { PF_FORMAT_CPUPROFILE, "cpuprofile", NULL,
	    "V8 / Chrome DevTools .cpuprofile JSON (node --cpu-prof)",
	    OPT(NO_LOCATION) | OPT(DROP_IDLE) | OPT(WEIGHT) | OPT(TIME_ORDER),
	    PF_UNIT_SAMPLES, PF_UNIT_MICROSECONDS,
	    "samples; microseconds with --weight=time" },
	  pf_cpuprofile_detect, pf_cpuprofile_read },
	{ { PF_FORMAT_CHROME, "chrome-trace", "trace-event",
	    "Chrome trace event JSON (DevTools, chrome://tracing, clang -ftime-trace)",
	    OPT(NO_LOCATION) | OPT(DROP_IDLE) | OPT(WEIGHT),
	    PF_UNIT_SAMPLES, PF_UNIT_MICROSECONDS,
	    "CPU samples (us with --weight=time); without samples,\n"
	    "the self time of duration events, in us" },
	  pf_chrome_detect, pf_chrome_read },
	{ { PF_FORMAT_HEAPPROFILE, "heapprofile", NULL,
	    "V8 sampling heap profile JSON (node --heap-prof, DevTools)",
	    OPT(NO_LOCATION), PF_UNIT_BYTES, PF_UNIT_BYTES,
	    "bytes allocated (sampled), by selfSize" },
	  pf_heapprofile_detect, pf_heapprofile_read },
	{ { PF_FORMAT_V8PROF, "v8-prof", NULL,
	    "V8 tick log (node --prof), or its --prof-process --preprocess JSON",
	    0, PF_UNIT_SAMPLES, PF_UNIT_SAMPLES,
	    "ticks (samples)" },
	  pf_v8prof_detect, pf_v8prof_read },
	{ { PF_FORMAT_XCTRACE, "xctrace", NULL,
	    "Instruments time profile (xctrace export XML)",
	    OPT(WEIGHT), PF_UNIT_SAMPLES, PF_UNIT_NANOSECONDS,
	    "samples; nanoseconds with --weight=time" },
	  pf_xctrace_detect, pf_xctrace_read },
	{ { PF_FORMAT_SVG, "svg", NULL,
	    "flame graph SVG (flamegraph.pl, inferno, pf-svg): its stacks",
	    0, PF_UNIT_UNKNOWN, PF_UNIT_UNKNOWN,
	    "those the graph was drawn from" },
	  pf_svg_detect, pf_svg_read },
	{ { PF_FORMAT_GPROF, "gprof", NULL,
	    "gprof call graph text (stacks estimated)",
	    0, PF_UNIT_SAMPLES, PF_UNIT_SAMPLES,
	    "samples of self time (of the flat profile's period)" },
	  pf_gprof_detect, pf_gprof_read },
	{ { PF_FORMAT_CALLGRIND, "callgrind", "xdebug",
	    "valgrind callgrind output, or Xdebug's (stacks estimated)",
	    OPT(EVENT), PF_UNIT_COUNT, PF_UNIT_COUNT,
	    "self cost in the chosen event (Ir: instructions)" },
	  pf_callgrind_detect, pf_callgrind_read },
	{ { PF_FORMAT_MASSIF, "massif", NULL,
	    "valgrind massif output: the heap tree of one snapshot",
	    OPT(SNAPSHOT) | OPT(NO_LOCATION), PF_UNIT_BYTES, PF_UNIT_BYTES,
	    "bytes of heap in use at the snapshot" },
	  pf_massif_detect, pf_massif_read },
	{ { PF_FORMAT_PSTATS, "pstats", "cprofile",
	    "Python cProfile / profile output (pstats; stacks estimated)",
	    OPT(NO_LOCATION), PF_UNIT_NANOSECONDS, PF_UNIT_NANOSECONDS,
	    "self time (tt) in nanoseconds" },
	  pf_pstats_detect, pf_pstats_read },
	{ { PF_FORMAT_DTRACE, "dtrace", "bpftrace",
	    "DTrace and bpftrace aggregations of stacks",
	    0, PF_UNIT_UNKNOWN, PF_UNIT_UNKNOWN,
	    "the aggregation's values (samples for count())" },
	  pf_dtrace_detect, pf_dtrace_read },
	{ { PF_FORMAT_FOLDED, "folded", NULL,
	    "folded stacks, passed through merged and sorted",
	    0, PF_UNIT_UNKNOWN, PF_UNIT_UNKNOWN,
	    "those of the input" },
	  pf_folded_detect, pf_folded_row_read },
	{ { PF_FORMAT_PERF, "perf", NULL,
	    "perf script text, or a perf.data file",
	    OPT(PID) | OPT(TID) | OPT(KERNEL) | OPT(JIT) | OPT(ALL) | OPT(ADDRS) |
	    OPT(EVENT_FILTER) | OPT(SRCLINE) | OPT(JOBS) | OPT(NATIVE) | OPT(PERF_SCRIPT),
	    PF_UNIT_UNKNOWN, PF_UNIT_UNKNOWN,
	    "sums of sample periods: nanoseconds for cpu-clock and\n"
	    "task-clock, events for others; 1 per sample without a period" },
	  pf_perf_detect, pf_perf_read },
	{ { PF_FORMAT_GPERFCPU, "pprof-legacy", "gperftools",
	    "legacy pprof CPU profile (gperftools CPUPROFILE, old Go)",
	    OPT(SAMPLE_TYPE), PF_UNIT_NANOSECONDS, PF_UNIT_NANOSECONDS,
	    "CPU nanoseconds (samples x period); samples with\n"
	    "--sample-type samples" },
	  pf_gperfcpu_detect, pf_gperfcpu_read },
	{ { PF_FORMAT_PPROFTEXT, "pprof-legacy-text", NULL,
	    "legacy pprof text (gperftools heap, growth, contention, thread; Go debug=1)",
	    OPT(SAMPLE_TYPE), PF_UNIT_UNKNOWN, PF_UNIT_UNKNOWN,
	    "the values of the chosen sample type: bytes in use\n"
	    "by default for heap profiles, nanoseconds of delay\n"
	    "for contention, threads or goroutines for counts" },
	  pf_pproftext_detect, pf_pproftext_read },
	{ { PF_FORMAT_STACKPROF, "stackprof", NULL,
	    "Ruby stackprof JSON (StackProf.run with raw: true)",
	    0, PF_UNIT_SAMPLES, PF_UNIT_SAMPLES,
	    "samples (cpu and wall modes), allocations (object mode)" },
	  pf_stackprof_detect, pf_stackprof_read },
	{ { PF_FORMAT_FIREFOX, "firefox", "gecko firefox-profiler",
	    "Firefox Profiler / Gecko profile JSON (samply, perf's gecko script, Firefox)",
	    OPT(PID) | OPT(TID), PF_UNIT_SAMPLES, PF_UNIT_SAMPLES,
	    "samples; the weights of weighted samples: samples,\n"
	    "milliseconds (tracing-ms) or bytes" },
	  pf_firefox_detect, pf_firefox_read },
	{ { PF_FORMAT_GHCPROF, "ghc", "ghc-prof",
	    "GHC time and allocation report (.prof: +RTS -p or -P)",
	    OPT(SAMPLE_TYPE), PF_UNIT_SAMPLES, PF_UNIT_SAMPLES,
	    "ticks of the cost centre itself; bytes with\n"
	    "--sample-type alloc; tenths of a percent of the run\n"
	    "with --sample-type time, and for +RTS -p (no ticks)" },
	  pf_ghcprof_detect, pf_ghcprof_read },
	{ { PF_FORMAT_GHCJSON, "ghc-json", NULL,
	    "GHC cost-centre profile as JSON (+RTS -pj)",
	    OPT(SAMPLE_TYPE), PF_UNIT_SAMPLES, PF_UNIT_SAMPLES,
	    "ticks of the cost centre itself; bytes with\n"
	    "--sample-type alloc; tenths of a percent of the run\n"
	    "with --sample-type time" },
	  pf_ghcjson_detect, pf_ghcjson_read },
	{ { PF_FORMAT_MACSAMPLE, "macos-sample", NULL,
	    "macOS sample(1) report (its call graph)",
	    OPT(NO_LOCATION) | OPT(DROP_IDLE), PF_UNIT_SAMPLES, PF_UNIT_SAMPLES,
	    "samples" },
	  pf_macsample_detect, pf_macsample_read },
	/* Call trees of platform profilers, as text and CSV reports. */
	{ { PF_FORMAT_INSTRUMENTS_TXT, "instruments-txt", "instruments-deep-copy",
	    "Instruments call tree, copied as text (Edit > Deep Copy)",
	    0, PF_UNIT_UNKNOWN, PF_UNIT_UNKNOWN,
	    "self weight: milliseconds (time), cycles, or bytes\n"
	    "(allocations), as the copy's column says" },
	  pf_instruments_detect, pf_instruments_read },
	{ { PF_FORMAT_VTUNE, "vtune-csv", "vtune",
	    "Intel VTune CSV call stacks (-report top-down -format csv)",
	    0, PF_UNIT_MILLISECONDS, PF_UNIT_MILLISECONDS,
	    "CPU Time:Self in milliseconds (another :Self metric\n"
	    "as it is)" },
	  pf_vtune_detect, pf_vtune_read },
	{ { PF_FORMAT_VSPROF, "vsprof", "vsprof-csv",
	    "Visual Studio profiler call tree CSV (VSPerfReport CallTreeSummary)",
	    0, PF_UNIT_UNKNOWN, PF_UNIT_UNKNOWN,
	    "exclusive samples, or exclusive elapsed time\n"
	    "(milliseconds, or percent of the run when only\n"
	    "percentages are given)" },
	  pf_vsprof_detect, pf_vsprof_read },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const struct pf_format_row *
row_of(int format)
{
	size_t i;

	for (i = 0; i < NROWS; i++)
		if (rows[i].info.format == format)
			return &rows[i];
	return NULL;
}

const struct pf_format_row *
pf_format_row_at(size_t i)
{
	return i < NROWS ? &rows[i] : NULL;
}

const struct pf_format_info *
pf_format_at(size_t i)
{
	return i < NROWS ? &rows[i].info : NULL;
}

const struct pf_format_info *
pf_format_info(int format)
{
	const struct pf_format_row *row = row_of(format);

	return row != NULL ? &row->info : NULL;
}

const char *
pf_format_name(int format)
{
	const struct pf_format_row *row = row_of(format);

	if (format == PF_FORMAT_AUTO)
		return "auto";
	return row != NULL ? row->info.name : NULL;
}

/* Whether the blank-separated list has the word name. */
static int
has_word(const char *list, const char *name)
{
	size_t n = strlen(name);

	while (list != NULL && *list != '\0') {
		size_t k = strcspn(list, " ");

		if (k == n && memcmp(list, name, n) == 0)
			return 1;
		list += k;
		list += strspn(list, " ");
	}
	return 0;
}

int
pf_format_lookup(const char *name)
{
	size_t i;

	if (strcmp(name, "auto") == 0)
		return PF_FORMAT_AUTO;
	for (i = 0; i < NROWS; i++)
		if (strcmp(name, rows[i].info.name) == 0 ||
		    has_word(rows[i].info.aliases, name))
			return rows[i].info.format;
	return -1;
}

static char format_list[512];
static pthread_once_t format_list_once = PTHREAD_ONCE_INIT;

static void
make_format_list(void)
{
	size_t i, used = 0;

	for (i = 0; i < NROWS && used < sizeof(format_list); i++)
		used += (size_t)snprintf(format_list + used, sizeof(format_list) - used,
		    "%s%s", i > 0 ? ", " : "", rows[i].info.name);
}

const char *
pf_format_list(void)
{
	pthread_once(&format_list_once, make_format_list);
	return format_list;
}

static const char *const unit_names[] = {
	[PF_UNIT_UNKNOWN] = "unknown",
	[PF_UNIT_SAMPLES] = "samples",
	[PF_UNIT_COUNT] = "count",
	[PF_UNIT_NANOSECONDS] = "ns",
	[PF_UNIT_MICROSECONDS] = "us",
	[PF_UNIT_MILLISECONDS] = "ms",
	[PF_UNIT_SECONDS] = "s",
	[PF_UNIT_BYTES] = "bytes",
};

const char *
pf_unit_name(int unit)
{
	if (unit < 0 || (size_t)unit >= sizeof(unit_names) / sizeof(unit_names[0]))
		return NULL;
	return unit_names[unit];
}

/* ------------------------------------------------------------- detection */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int
pf_peek_starts(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);

	while (n > 0 && (is_blank(*s) || *s == '\f')) {
		s++;
		n--;
	}
	return n >= m && memcmp(s, prefix, m) == 0;
}

int
pf_peek_claim_line(const struct pf_peek *pk, size_t *where,
    int (*match)(const char *s, size_t len))
{
	size_t i;

	for (i = 0; i < pk->nlines; i++)
		if (match(pk->line[i].s, pk->line[i].len)) {
			*where = i;
			return PF_CLAIM_LINE;
		}
	return PF_CLAIM_NONE;
}

int
pf_peek_xml_has(const struct pf_peek *pk, const char *text)
{
	return pk->body < pk->n && pk->buf[pk->body] == '<' &&
	    memmem(pk->buf + pk->body, pk->n - pk->body, text, strlen(text)) != NULL;
}

int
pf_peek_json_key(const struct pf_peek *pk, const char *key)
{
	char quoted[64];
	size_t i = pk->body;

	if (i >= pk->n || pk->buf[i] != '{' ||
	    (size_t)snprintf(quoted, sizeof(quoted), "\"%s\"", key) >= sizeof(quoted))
		return 0;
	for (i++; i < pk->n && (is_blank(pk->buf[i]) || pk->buf[i] == '\n'); i++)
		;
	return pf_peek_starts(pk->buf + i, pk->n - i, quoted);
}

static void
peek_init(struct pf_peek *pk, const char *buf, size_t n)
{
	const char *s, *nl;
	size_t i = 0, len;
	uint64_t lineno = 0;

	pk->buf = buf;
	pk->n = n;
	pk->whole = n < PF_PEEK_BYTES;
	pk->nlines = 0;
	if (n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (is_blank(buf[i]) || buf[i] == '\n'))
		i++;
	pk->body = i;
	pk->markup = i < n && (buf[i] == '{' || buf[i] == '[' || buf[i] == '<');
	for (s = buf; s < buf + n && pk->nlines < PF_PEEK_LINES; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(buf + n - s));
		if (nl == NULL) {
			/* A line cut by the peek window tells nothing. */
			if (!pk->whole)
				break;
			nl = buf + n;
		}
		len = (size_t)(nl - s);
		lineno++;
		while (len > 0 && is_blank(s[len - 1]))
			len--;
		if (len > 0)
			pk->line[pk->nlines++] = (struct pf_peek_line){ s, len, lineno };
		if (nl == buf + n)
			break;
	}
}

/* The row whose claim on pk is strongest, or NULL when none claims it. */
static const struct pf_format_row *
detect_row(const struct pf_peek *pk)
{
	const struct pf_format_row *best = NULL;
	size_t i, where, best_where = 0;
	int claim, best_claim = PF_CLAIM_NONE;

	for (i = 0; i < NROWS; i++) {
		where = 0;
		claim = rows[i].detect(pk, &where);
		if (pk->markup && claim < PF_CLAIM_MAGIC)
			continue;
		if (claim > best_claim || (claim == best_claim && claim == PF_CLAIM_LINE &&
		    where < best_where)) {
			best = &rows[i];
			best_claim = claim;
			best_where = where;
		}
	}
	return best;
}

struct first_line {
	uint64_t lineno;	/* 0: none */
	char text[80];
};

/* The first non-blank line, even one cut by the peek, quoted for a
 * message. */
static void
keep_first(struct first_line *f, const char *buf, size_t n)
{
	const char *s, *nl;
	size_t i, len, o = 0;
	uint64_t lineno = 0;

	memset(f, 0, sizeof(*f));
	for (s = buf; s < buf + n; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(buf + n - s))) == NULL)
			nl = buf + n;
		lineno++;
		for (len = (size_t)(nl - s); len > 0 && is_blank(s[len - 1]); len--)
			;
		if (len > 0)
			break;
	}
	if (s >= buf + n)
		return;
	f->lineno = lineno;
	for (i = 0; i < len && o + 8 < sizeof(f->text); i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			f->text[o++] = (char)c;
		} else {
			snprintf(f->text + o, sizeof(f->text) - o, "\\x%02x", c);
			o += 4;
		}
	}
	if (i < len)
		memcpy(f->text + o, "...", 4), o += 3;
	f->text[o] = '\0';
}

/*
 * The format of r by its rows' claims, or NULL when no row claims it; the
 * first line goes to first (may be NULL).  An empty input, or one of
 * blanks only, is an empty profile, read (as nothing) by perf's reader;
 * so is one that cannot be read, whose reader meets the same error.
 */
static const struct pf_format_row *
detect(struct pf_reader *r, struct first_line *first, struct pf_error *err)
{
	struct pf_peek pk;
	const char *buf;
	size_t n, i;

	if (first != NULL)
		memset(first, 0, sizeof(*first));
	n = pf_reader_peek(r, &buf, PF_PEEK_BYTES, err);
	for (i = 0; i < n && (is_blank(buf[i]) || buf[i] == '\n' || buf[i] == '\f'); i++)
		;
	if (i == n && n < PF_PEEK_BYTES)
		return row_of(PF_FORMAT_PERF);
	if (first != NULL)
		keep_first(first, buf, n);
	peek_init(&pk, buf, n);
	return detect_row(&pk);
}

int
pf_format_detect(struct pf_reader *r, struct pf_error *err)
{
	const struct pf_format_row *row;

	if (pf_reader_decode(r, err) < 0)
		return -1;
	row = detect(r, NULL, err);
	return row != NULL ? row->info.format : PF_FORMAT_AUTO;
}

/* -------------------------------------------------------------- dispatch */

/*
 * An input no format claims: an error that lists the formats tried, says
 * what the input looks like when that can be told, and quotes its first
 * line.
 */
static int
refuse(struct pf_reader *r, const struct first_line *first, struct pf_error *err)
{
	const char *buf, *looks;
	size_t n = pf_reader_peek(r, &buf, PF_PEEK_BYTES, err);

	looks = pf_sniff(buf, n);
	if (first->lineno == 0)
		return pf_err(err, pf_reader_name(r), 0, "not a profile in any format "
		    "pf-collapse knows (tried %s)%s%s", pf_format_list(),
		    looks != NULL ? "; it looks like " : "", looks != NULL ? looks : "");
	return pf_err(err, pf_reader_name(r), first->lineno, "not a profile in any "
	    "format pf-collapse knows (tried %s); %s%s%sthe first line is '%s'",
	    pf_format_list(), looks != NULL ? "it looks like " : "",
	    looks != NULL ? looks : "", looks != NULL ? "; " : "", first->text);
}

/* Whether the input's start has anything but white space (a failed peek
 * is the reader's to report). */
static int
has_text(struct pf_reader *r, struct pf_error *err)
{
	const char *s;
	size_t n, i;

	n = pf_reader_peek(r, &s, PF_PEEK_BYTES, err);
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 1;
	return 0;
}

/* Says, after whatever the reader said, how much went under "[no name]". */
static void
note_unnamed(struct pf_collapse_stats *st, pf_count c)
{
	char num[PF_COUNT_BUFSIZE];
	size_t len = strlen(st->note);

	pf_count_format(c, num);
	snprintf(st->note + len, sizeof(st->note) - len, "%s%s counted in stacks "
	    "of one frame with no name are under '[no name]' (a folded stack "
	    "cannot be empty)", len > 0 ? "; " : "", num);
}

int
pf_collapse(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	const struct pf_format_row *row;
	struct first_line first;
	pf_count unnamed = pf_profile_unnamed(p), before = 0, after = 0;
	size_t nstacks = pf_profile_nstacks(p);
	int gz, rc, text;

	memset(st, 0, sizeof(*st));
	memset(&first, 0, sizeof(first));
	if ((gz = pf_reader_decode(r, err)) < 0)
		return -1;
	st->gzip = gz;
	if (o->format != PF_FORMAT_AUTO) {
		if ((row = row_of(o->format)) == NULL)
			return pf_err(err, pf_reader_name(r), 0, "unknown format %d",
			    o->format);
	} else if ((row = detect(r, &first, err)) == NULL) {
		return refuse(r, &first, err);
	}
	st->format = row->info.format;
	st->unit = o->weight_time && (row->info.options & OPT(WEIGHT)) ?
	    row->info.unit_time : row->info.unit;
	text = has_text(r, err);
	if (nstacks > 0 && pf_profile_total(p, 0, &before, err) != 0)
		return -1;
	rc = row->read(p, r, o, st, err);
	/* perf's headers were seen, yet its reader recognized no sample. */
	if (rc == 0 && o->format == PF_FORMAT_AUTO && st->format == PF_FORMAT_PERF &&
	    st->perf.samples == 0 && st->perf.skipped_lines > 0)
		rc = pf_err(err, pf_reader_name(r), first.lineno,
		    "not a profile in any format pf-collapse knows (tried %s); "
		    "the first line is '%s'", pf_format_list(), first.text);
	if (rc == 0 && pf_profile_unnamed(p) != unnamed)
		note_unnamed(st, pf_profile_unnamed(p) - unnamed);
	/* A profile that gave nothing says so: a file cut short, most often. */
	if (rc == 0 && text && st->note[0] == '\0' && pf_profile_nstacks(p) == nstacks &&
	    (nstacks == 0 || (pf_profile_total(p, 0, &after, err) == 0 && after == before)))
		snprintf(st->note, sizeof(st->note), "no stack with a count in the "
		    "input (is it cut short?)");
	return rc;
}
