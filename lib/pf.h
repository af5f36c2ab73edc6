/*
 * pf.h - the public interface of libpf, the library behind the pf flame
 * graph tools.
 *
 * The model in the middle is a *profile*: frame names interned once into
 * small integer ids, and a table of distinct stacks (sequences of frame ids,
 * root first) each with one count, or two for a differential profile.
 * Parsers turn profiler output into a profile; writers turn a profile into
 * the folded format (see pf-folded(5)); a flame graph is laid out from
 * folded stacks or a profile and drawn as SVG, PNG, PDF or an HTML page.
 * lib/README.md draws the pipeline and says which folder owns what.
 *
 * Conventions:
 *  - pf_x_new() / pf_x_free() pairs; every free function accepts NULL.
 *  - Functions that can fail return 0 on success and -1 on failure, and fill
 *    a caller-supplied struct pf_error with the input name, the line (when the
 *    failure comes from input) and a message.  The library never prints and
 *    never exits.
 *  - Counts are fixed-point decimals (pf_count): exact sums, no binary
 *    floating-point drift, overflow is an error.
 */
#ifndef PF_H
#define PF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PF_VERSION_STRING "0.1.0"

/*
 * The library is built with -fvisibility=hidden: what is declared here with
 * PF_API is its interface, everything else stays inside it.
 */
#if defined(__GNUC__)
#define PF_API __attribute__((visibility("default")))
#else
#define PF_API
#endif

/* ------------------------------------------------------------------ errors */

/*
 * What kind of failure an error is, for callers that act on it (an exit
 * status, whether to go on with the next input); the message is for people
 * and is not meant to be parsed.
 */
enum pf_error_code {
	PF_ERR_NONE = 0,	/* no error (a zeroed struct pf_error) */
	PF_ERR_NOMEM,		/* memory ran out */
	PF_ERR_INPUT,		/* the input is malformed: name, line, column say where */
	PF_ERR_USAGE,		/* an option or argument is invalid */
	PF_ERR_IO,		/* opening, reading, writing or running failed */
	PF_ERR_UNSUPPORTED,	/* valid input or a request that pf cannot handle */
};

/*
 * What went wrong, and where.  name is the input as the user gave it ('-'
 * is shown as "<stdin>"), line is 1-based or 0 when the error has no line,
 * column 1-based or 0 when the input has no columns there.  code is an
 * enum pf_error_code.  Initialize one with { 0 }.
 */
struct pf_error {
	char name[256];
	uint64_t line;
	char msg[512];
	int code;
	uint64_t column;
};

/* Formats "'NAME' line N: MSG" (or "'NAME': MSG", or "MSG") into buf. */
PF_API const char *pf_error_string(const struct pf_error *e, char *buf, size_t size);

/* ------------------------------------------------------------------ counts */

/*
 * A count is an unsigned fixed-point decimal with PF_COUNT_DIGITS fractional
 * digits.  The whole part may use the full 64 bits; sums beyond that are
 * reported as overflow, never wrapped.
 */
typedef unsigned __int128 pf_count;
#define PF_COUNT_DIGITS 9
#define PF_COUNT_ONE ((pf_count)1000000000u)
#define PF_COUNT_MAX ((pf_count)UINT64_MAX * PF_COUNT_ONE + (PF_COUNT_ONE - 1))

enum {
	PF_COUNT_OK = 0,
	PF_COUNT_SYNTAX = -1,	/* not a non-negative decimal */
	PF_COUNT_OVERFLOW = -2,	/* whole part beyond 64 bits */
};

/*
 * Parses a non-negative decimal ("42", "0.5", "7.", "1e3" is rejected).
 * Digits beyond the ninth fractional one are rounded half-up.
 */
PF_API int pf_count_parse(const char *s, size_t n, pf_count *out);
/* a + b into *out; PF_COUNT_OVERFLOW if the sum is beyond PF_COUNT_MAX. */
PF_API int pf_count_add(pf_count a, pf_count b, pf_count *out);
/* Writes the shortest exact decimal ("42", "0.5"); returns its length.
 * buf must hold PF_COUNT_BUFSIZE bytes. */
#define PF_COUNT_BUFSIZE 48
PF_API size_t pf_count_format(pf_count c, char *buf);
/* From a whole number. */
static inline pf_count pf_count_from_u64(uint64_t v) { return (pf_count)v * PF_COUNT_ONE; }
/* Nearest double, for layout and display only. */
PF_API double pf_count_to_double(pf_count c);

/* ----------------------------------------------------------------- profile */

struct pf_profile;

PF_API struct pf_profile *pf_profile_new(void);
PF_API void pf_profile_free(struct pf_profile *p);

/*
 * Interns a frame name (any bytes but ';' and '\n') and returns its id, or
 * UINT32_MAX when memory runs out.  The same bytes give the same id.
 */
PF_API uint32_t pf_profile_intern(struct pf_profile *p, const char *name, size_t len);
/* The name of frame id, not NUL-terminated; *len receives its length. */
PF_API const char *pf_profile_frame(const struct pf_profile *p, uint32_t id, size_t *len);
PF_API size_t pf_profile_nframes(const struct pf_profile *p);
/* The id of the frame called name, or UINT32_MAX when p has none. */
PF_API uint32_t pf_profile_lookup(const struct pf_profile *p, const char *name, size_t len);

/*
 * Adds counts to the stack frames[0..n-1] (root first), creating it when it is
 * new.  For a one-column profile pass b = 0.  A stack of one frame with an
 * empty name is added as "[no name]" (the folded line " N" is no stack;
 * pf_profile_unnamed() sums the counts a so added); a stack whose text is
 * longer than a folded line may be (PF_LINE_MAX less 64 bytes) is refused.
 * Returns 0, or -1 with err filled on overflow, on such a stack or when
 * memory runs out.
 */
PF_API int pf_profile_add(struct pf_profile *p, const uint32_t *frames, size_t n,
    pf_count a, pf_count b, struct pf_error *err);
PF_API pf_count pf_profile_unnamed(const struct pf_profile *p);

/* 1 for an ordinary profile, 2 for a differential one (before, after). */
PF_API int pf_profile_columns(const struct pf_profile *p);
PF_API void pf_profile_set_columns(struct pf_profile *p, int columns);

/*
 * An ordered profile (a flame chart) keeps its stacks in the order they are
 * added and merges a stack only into the one added just before it; it is
 * written in that order.  Set it before adding the first stack.
 */
PF_API void pf_profile_set_ordered(struct pf_profile *p, int ordered);
PF_API int pf_profile_ordered(const struct pf_profile *p);

PF_API size_t pf_profile_nstacks(const struct pf_profile *p);
/* Stack i (0 <= i < nstacks, in insertion order): frames and counts. */
PF_API const uint32_t *pf_profile_stack(const struct pf_profile *p, size_t i,
    size_t *n, pf_count *a, pf_count *b);

/* Adds every stack of src into dst (frames are re-interned). */
PF_API int pf_profile_merge(struct pf_profile *dst, const struct pf_profile *src,
    struct pf_error *err);

/*
 * Returns a newly allocated array of the stack indices in byte-wise order of
 * their folded text ("a;b;c"), or in the order added for an ordered
 * profile, or NULL when memory runs out.  Free it with free().
 */
PF_API size_t *pf_profile_sorted(const struct pf_profile *p);

/* --------------------------------------------------------------- input */

/*
 * A buffered line reader over a file, stdin ("-") or memory.  Lines are
 * returned without their '\n' (and without a '\r' before it); the last line
 * needs no newline.  Lines longer than the reader's limit (PF_LINE_MAX) are
 * skipped whole without being buffered and reported as PF_LINE_TOOLONG.
 */
#define PF_LINE_MAX (4u << 20)
struct pf_reader;

enum {
	PF_LINE_EOF = 0,
	PF_LINE_OK = 1,
	PF_LINE_TOOLONG = 2,
	PF_LINE_ERROR = -1,
};

PF_API struct pf_reader *pf_reader_open(const char *path, struct pf_error *err);
PF_API struct pf_reader *pf_reader_mem(const char *name, const void *buf, size_t len);
/* A range [start, end) of an open file descriptor, for parallel parsing:
 * lines that *start* before end are returned (the last may run past end). */
PF_API struct pf_reader *pf_reader_range(const char *name, int fd, uint64_t start,
    uint64_t end);
PF_API void pf_reader_free(struct pf_reader *r);

PF_API int pf_reader_line(struct pf_reader *r, const char **line, size_t *len,
    struct pf_error *err);
/* The 1-based number of the line last returned. */
PF_API uint64_t pf_reader_lineno(const struct pf_reader *r);
PF_API const char *pf_reader_name(const struct pf_reader *r);
/* Whether the last line returned ended with a newline. */
PF_API int pf_reader_terminated(const struct pf_reader *r);
/* Peeks at up to n bytes of the input's start without consuming them. */
PF_API size_t pf_reader_peek(struct pf_reader *r, const char **buf, size_t n,
    struct pf_error *err);

/*
 * If the input starts with the gzip magic bytes, makes r inflate it as it is
 * read (any format may be compressed).  Call before reading any line.
 * Returns 1 when the input is gzip, 0 when not, -1 with err filled.
 */
PF_API int pf_reader_gunzip(struct pf_reader *r, struct pf_error *err);
/*
 * pf_reader_gunzip(), then: if the text starts with a UTF-16 byte-order
 * mark (as Windows redirection writes it), makes r transcode it to UTF-8
 * as it is read; a UTF-8 byte-order mark is dropped.  Call before reading
 * any line.  Returns what pf_reader_gunzip returns.
 */
PF_API int pf_reader_decode(struct pf_reader *r, struct pf_error *err);

/*
 * Limits on hostile input, for every reader (the programs' --max-input-size
 * and --max-inflate-ratio).  max_size is the most bytes a reader holds in
 * memory at once: a whole document (pprof, SVG, xctrace, perf.data from a
 * pipe) or one JSON token; max_ratio is the most a gzip-compressed input
 * may inflate (bytes out per compressed byte in), checked once more than
 * PF_INFLATE_RATIO_FLOOR bytes have come out.  0 turns a limit off.  Set
 * them before reading; the defaults are below.
 */
#define PF_INPUT_MAX_SIZE ((uint64_t)2 << 30)
#define PF_INFLATE_MAX_RATIO 200u
#define PF_INFLATE_RATIO_FLOOR ((uint64_t)64 << 20)
PF_API void pf_input_limits(uint64_t max_size, unsigned max_ratio);
PF_API uint64_t pf_input_max_size(void);

/*
 * Progress of the process's reading, for a progress line: the bytes read
 * so far from every input, by every reader and thread (compressed bytes of
 * a gzip'ed input, records walked of a mapped perf.data).  *sized (may be
 * NULL) becomes 0 once pf reads the output of a command it runs (perf
 * script), whose size nothing knows ahead: the bytes are then no fraction
 * of the inputs' sizes.  Safe to call from any thread while others read.
 */
PF_API uint64_t pf_input_bytes_read(int *sized);
/*
 * Writes the progress line "12.5 MiB read, 40.1 MiB/s, 37%" into buf:
 * done bytes read in seconds, a percentage of total when total > 0.
 * Returns buf.
 */
PF_API char *pf_progress_line(char *buf, size_t size, uint64_t done,
    uint64_t total, double seconds);

/* ------------------------------------------------------------ folded format */

/*
 * Reads folded stacks ("a;b;c 42" or "a;b;c 10 12") into p.  Every line must
 * be a stack, a count after the last space (two counts for a differential
 * profile, decided by the first line and required of every later line), or
 * blank.  A profile that already holds stacks adds to them; a differential
 * input makes it differential (its earlier stacks have 0 after).  Returns 0,
 * or -1 with err naming the line; the lines before it stay added.
 */
PF_API int pf_folded_read(struct pf_profile *p, struct pf_reader *r, struct pf_error *err);

/* What pf_folded_read_opts is asked to do, and what it skipped. */
struct pf_folded_options {
	int lenient;		/* skip malformed lines instead of failing */
	int comments;		/* skip lines that start with '#' */
};

struct pf_folded_stats {
	uint64_t lines;			/* lines read */
	uint64_t stacks;		/* lines folded into the profile */
	uint64_t comments;		/* '#' lines skipped (comments) */
	uint64_t skipped;		/* malformed lines skipped (lenient) */
	uint64_t first_skipped;		/* line number of the first one */
	char first_reason[160];		/* and why it was skipped */
};

/*
 * pf_folded_read with options (o may be NULL: none): in lenient mode a
 * malformed line is skipped and counted in *st instead of failing (st may be
 * NULL).  A count beyond 2^64, or a sum beyond it, is an error even then.
 * pf_folded_read is this function with no options.
 */
PF_API int pf_folded_read_opts(struct pf_profile *p, struct pf_reader *r,
    const struct pf_folded_options *o, struct pf_folded_stats *st,
    struct pf_error *err);

/*
 * Writes p sorted and merged, one "stack count[ count]" line per stack.
 * Returns 0, or -1 with err set when the write fails.
 */
PF_API int pf_folded_write(const struct pf_profile *p, FILE *out, struct pf_error *err);

/* ------------------------------------------------------------- perf script */

struct pf_perf_options {
	int include_pid;	/* --pid: "comm-PID" root frames */
	int include_tid;	/* --tid: "comm-PID/TID" root frames */
	int annotate_kernel;	/* --kernel: "_[k]" on kernel frames */
	int annotate_jit;	/* --jit: "_[j]" on JIT frames */
	int include_addrs;	/* --addrs: "[dso <addr>]" for unknown symbols */
	int srcline;		/* --srcline: append "file:line" to frames */
	const char *event_filter; /* NULL: the first event in the input */
	int jobs;		/* threads for regular files; <= 0: all CPUs */
	int data_mode;		/* perf.data: PF_PERF_DATA_* */
};

/* How a perf.data file is read. */
enum {
	PF_PERF_DATA_AUTO = 0,	/* natively, through perf script when needed */
	PF_PERF_DATA_NATIVE,	/* natively only */
	PF_PERF_DATA_SCRIPT,	/* through perf script only */
};

/* What a parse skipped, for the one warning the program prints. */
#define PF_MAX_EVENTS 64
struct pf_perf_stats {
	uint64_t samples;		/* sample headers seen */
	uint64_t samples_kept;		/* folded into the profile */
	uint64_t kept_without_period;	/* of those, with no period field */
	uint64_t skipped_lines;		/* unrecognized lines */
	uint64_t first_skipped_line;	/* line number of the first one */
	uint64_t dropped_samples;	/* samples dropped because damaged */
	uint64_t first_dropped_line;	/* header line of the first one */
	uint64_t empty_samples;		/* samples without any frame */
	uint64_t truncated_line;	/* last line cut short (0: not) */
	char event[128];		/* the event kept ("" if none seen) */
	int event_defaulted;		/* chosen as the first event seen */
	int nskipped_events;		/* other events, samples skipped */
	struct {
		char name[128];
		uint64_t samples;
	} skipped_events[PF_MAX_EVENTS];
	uint64_t other_skipped_events;	/* samples of events beyond the table */
};

/* What the counts of a perf fold are (enum pf_unit): nanoseconds for
 * cpu-clock and task-clock, events for other events, samples when no
 * sample had a period, PF_UNIT_UNKNOWN when some had and some had not. */
PF_API int pf_perf_unit(const struct pf_perf_stats *st);

/*
 * Folds `perf script` text from r into p.  A regular file is parsed on
 * opts->jobs threads; the result does not depend on the thread count.
 */
PF_API int pf_perf_collapse(struct pf_profile *p, struct pf_reader *r,
    const struct pf_perf_options *opts, struct pf_perf_stats *stats,
    struct pf_error *err);

/*
 * If r is a perf.data file (it starts with "PERFILE2"), returns a new reader
 * over the text of `perf script` run on it (with -F +srcline when srcline is
 * set) and sets *is_data; otherwise returns NULL with *is_data = 0.  On
 * failure returns NULL, *is_data = 1 and fills err.
 */
PF_API struct pf_reader *pf_perf_data_script(struct pf_reader *r, int srcline,
    int *is_data, struct pf_error *err);

/*
 * Folds the perf.data file r (it starts with "PERFILE2") without perf: the
 * same stacks as `perf script -i FILE | pf-collapse` with the same
 * options.  Returns 0; -1 with err filled (the samples before damage in
 * the file stay in p); or PF_PERF_DATA_UNSUPPORTED when the recording
 * needs what only perf script does (DWARF unwinding, LBR call stacks,
 * compressed records, ...), with why[] saying what, and p untouched.
 */
#define PF_PERF_DATA_UNSUPPORTED 1
PF_API int pf_perf_data_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_perf_options *opts, struct pf_perf_stats *stats,
    char *why, size_t whysize, struct pf_error *err);

/* ---------------------------------------------------------- every format */

/*
 * The input formats pf-collapse reads.  PF_FORMAT_AUTO asks pf_collapse to
 * detect the format from the content.  Everything else about a format (its
 * names, the options it takes, what its counts measure) is in the table
 * that pf_format_at() walks.
 */
enum pf_format {
	PF_FORMAT_AUTO = 0,
	PF_FORMAT_PERF,		/* perf script text */
	PF_FORMAT_FOLDED,	/* folded stacks (normalized: merged, sorted) */
	PF_FORMAT_CPUPROFILE,	/* V8 / Chrome DevTools .cpuprofile JSON */
	PF_FORMAT_GPROF,	/* gprof call graph text (stacks estimated) */
	PF_FORMAT_DTRACE,	/* DTrace and bpftrace aggregated stacks */
	PF_FORMAT_V8PROF,	/* V8 --prof log, raw or preprocessed JSON */
	PF_FORMAT_PPROF,	/* pprof profile.proto (Go, async-profiler) */
	PF_FORMAT_SVG,		/* a flame graph SVG: stacks recovered */
	PF_FORMAT_XCTRACE,	/* Instruments: xctrace export XML */
	PF_FORMAT_CHROME,	/* Chrome trace event JSON */
	PF_FORMAT_HEAPPROFILE,	/* V8 sampling heap profile JSON */
	/* legacy pprof: gperftools' binary CPU profile; text heap,
	 * growth, contention, thread and Go debug=1 profiles */
	PF_FORMAT_GPERFCPU,
	PF_FORMAT_PPROFTEXT,
	PF_FORMAT_STACKPROF,	/* Ruby stackprof JSON (raw stacks) */
	PF_FORMAT_JFR,		/* Java Flight Recorder recording (.jfr) */
	PF_FORMAT_CALLGRIND,	/* valgrind callgrind (stacks estimated) */
	PF_FORMAT_MASSIF,	/* valgrind massif: a snapshot's heap tree */
	PF_FORMAT_PSTATS,	/* Python cProfile / profile (stacks estimated) */
	PF_FORMAT_SPEEDSCOPE,	/* speedscope's JSON file format */
	PF_FORMAT_D3,		/* d3-flame-graph JSON (nested nodes) */
	PF_FORMAT_FIREFOX,	/* Firefox Profiler / Gecko profile JSON */
	PF_FORMAT_GHCPROF,	/* GHC's .prof report (+RTS -p, -P) */
	PF_FORMAT_MACSAMPLE,	/* macOS sample(1) text report */
	/* Call trees of platform profilers, as text and CSV reports. */
	PF_FORMAT_INSTRUMENTS_TXT,	/* Instruments: a call tree's deep copy */
	PF_FORMAT_VTUNE,	/* Intel VTune CSV call stacks */
	PF_FORMAT_VSPROF,	/* Visual Studio profiler CallTreeSummary CSV */
	PF_FORMAT_GHCJSON,	/* GHC's cost-centre profile as JSON (+RTS -pj) */
	PF_FORMAT_COUNT
};

/* What the counts of a profile measure. */
enum pf_unit {
	PF_UNIT_UNKNOWN = 0,	/* whatever the input's numbers were */
	PF_UNIT_SAMPLES,	/* one per sample (or tick) */
	PF_UNIT_COUNT,		/* things counted other than samples:
				   events of a perf period, objects */
	PF_UNIT_NANOSECONDS,
	PF_UNIT_MICROSECONDS,
	PF_UNIT_MILLISECONDS,
	PF_UNIT_SECONDS,
	PF_UNIT_BYTES,
};

/* "samples", "count", "ns", "us", "ms", "s", "bytes"; "unknown" for
 * PF_UNIT_UNKNOWN; NULL for a value that is none of these. */
PF_API const char *pf_unit_name(int unit);

/*
 * The options of pf_collapse that belong to one input format or a few,
 * each with its command-line name and help (pf-collapse builds its option
 * parsing, --help and the warning about options given for another format
 * from this table).  Bit 1u << PF_COPT_x stands for option x in a mask.
 */
enum pf_collapse_opt {
	PF_COPT_PID,		/* perf.include_pid */
	PF_COPT_TID,		/* perf.include_tid */
	PF_COPT_KERNEL,		/* perf.annotate_kernel */
	PF_COPT_JIT,		/* perf.annotate_jit */
	PF_COPT_ALL,		/* --kernel and --jit: a shorthand, never "set" */
	PF_COPT_ADDRS,		/* perf.include_addrs */
	PF_COPT_EVENT_FILTER,	/* perf.event_filter */
	PF_COPT_SRCLINE,	/* perf.srcline */
	PF_COPT_JOBS,		/* perf.jobs */
	PF_COPT_NATIVE,		/* perf.data_mode = PF_PERF_DATA_NATIVE */
	PF_COPT_PERF_SCRIPT,	/* perf.data_mode = PF_PERF_DATA_SCRIPT */
	PF_COPT_NO_LOCATION,	/* no_location */
	PF_COPT_DROP_IDLE,	/* drop_idle */
	PF_COPT_WEIGHT,		/* weight_time */
	PF_COPT_TIME_ORDER,	/* time_order */
	PF_COPT_SAMPLE_TYPE,	/* sample_type */
	PF_COPT_EVENT,		/* event */
	PF_COPT_SNAPSHOT,	/* snapshot */
	PF_COPT_PROFILE,	/* profile */
	PF_COPT_COUNT
};

struct pf_collapse_opt_info {
	const char *name;	/* long option name, without "--" */
	char short_name;	/* 'j' for -j, or 0 */
	const char *arg;	/* its argument's name in help, NULL: none */
	const char *help;	/* lines separated by '\n', no final newline */
	const char *label;	/* how a warning names it when it is set */
};

/* The option opt (enum pf_collapse_opt), or NULL. */
PF_API const struct pf_collapse_opt_info *pf_collapse_opt_info(int opt);

struct pf_collapse_options;
/* The options o sets to something other than their defaults, as a mask
 * (a shorthand counts as what it sets). */
PF_API uint32_t pf_collapse_options_set(const struct pf_collapse_options *o);

/* One row of the table of formats. */
struct pf_format_info {
	int format;		/* enum pf_format */
	const char *name;	/* for --format and messages: "dtrace" */
	const char *aliases;	/* other names --format takes ("bpftrace"),
				   blank-separated, or NULL */
	const char *title;	/* one line: what the format is */
	uint32_t options;	/* mask of the pf_collapse_opt it takes */
	int unit;		/* enum pf_unit of its counts; UNKNOWN when
				   the input decides (see counts) */
	int unit_time;		/* ... with --weight=time */
	const char *counts;	/* what its counts are, one line for help */
};

/* The i-th format in the order detection tries them, from 0; NULL after
 * the last. */
PF_API const struct pf_format_info *pf_format_at(size_t i);
/* The row of format (enum pf_format), or NULL for auto or no format. */
PF_API const struct pf_format_info *pf_format_info(int format);

/* "perf", "folded", ...; "auto"; NULL for an unknown format. */
PF_API const char *pf_format_name(int format);
/* The format named name (a name, an alias or "auto"), or -1. */
PF_API int pf_format_lookup(const char *name);
/* The names of every format, comma-separated, in the order detection
 * tries them ("pprof, cpuprofile, ..."). */
PF_API const char *pf_format_list(void);

/*
 * Looks at the start of r (without consuming it) and returns the format it
 * is in, or PF_FORMAT_AUTO when the content shows no format (pf_collapse
 * refuses such input, naming the formats tried, what it looks like and
 * its first line).  Returns -1 with err filled on a read error.
 */
PF_API int pf_format_detect(struct pf_reader *r, struct pf_error *err);

struct pf_collapse_options {
	int format;			/* enum pf_format */
	struct pf_perf_options perf;	/* perf script */
	int no_location;		/* cpuprofile: bare function names */
	int drop_idle;			/* cpuprofile: drop (idle) samples */
	int weight_time;		/* cpuprofile: microseconds, not samples;
					   xctrace: nanoseconds */
	int time_order;			/* cpuprofile: samples in time order */
	const char *sample_type;	/* pprof: name or index; NULL: default;
					   ghc, ghc-json: ticks, alloc or time */
	const char *event;		/* callgrind: event name, NULL: the
					   first; jfr: the event type folded,
					   NULL: execution and native method
					   samples */
	const char *snapshot;		/* massif: snapshot number; NULL: the peak */
	const char *profile;		/* speedscope: the profile to read, a
					   name or a number from 1; NULL: all */
};

struct pf_collapse_stats {
	int format;			/* the format read */
	int gzip;			/* the input was gzip-compressed */
	int unit;			/* enum pf_unit: what the counts are */
	struct pf_perf_stats perf;	/* when format is PF_FORMAT_PERF */
	uint64_t samples;		/* samples (or map entries) read */
	uint64_t dropped;		/* of those, left out on purpose */
	char note[512];			/* something the user should hear, or "" */
};

/*
 * Folds r, in the format o->format (or detected), into p.  Input that is
 * gzip-compressed is inflated first.  Returns 0, or -1 with err filled.
 */
PF_API int pf_collapse(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err);

/* ------------------------------------------------------------------- misc */

/* Number of online CPUs (at least 1). */
PF_API int pf_ncpus(void);

/* ================================================================
 * Transforms, merging and differential profiles (pf-merge, pf-diff):
 * lib/transform/.
 * ================================================================ */

/* Sum of the first (a) or second (b) column of every stack, in *total. */
PF_API int pf_profile_total(const struct pf_profile *p, int column, pf_count *total,
    struct pf_error *err);

/*
 * c * f, rounded half-up to PF_COUNT_DIGITS digits, exactly.  Returns
 * PF_COUNT_OK or PF_COUNT_OVERFLOW.
 */
PF_API int pf_count_mul(pf_count c, pf_count f, pf_count *out);
/* c * num / den, rounded half-up (den > 0).  PF_COUNT_OVERFLOW as above. */
PF_API int pf_count_muldiv(pf_count c, pf_count num, pf_count den, pf_count *out);

/*
 * Each of these replaces *pp by a new profile on success (the old one is
 * freed) and leaves it alone on failure (-1, err filled).
 */
/* Multiplies every count by factor; overflow is an error. */
PF_API int pf_transform_scale(struct pf_profile **pp, pf_count factor,
    struct pf_error *err);
/* Scales every count so the first column sums to total (a profile whose
 * total is 0 is left as it is). */
PF_API int pf_transform_normalize(struct pf_profile **pp, pf_count total,
    struct pf_error *err);
/* Prefixes every stack with the root frame label. */
PF_API int pf_transform_tag(struct pf_profile **pp, const char *label,
    struct pf_error *err);

/*
 * A chain of filters, applied in the order they were added.  Patterns are
 * PCRE2, JIT-compiled when the platform allows it, matched against each
 * frame name (each distinct name once per profile).
 */
enum pf_filter_kind {
	PF_FILTER_INCLUDE,	/* keep stacks with a frame matching */
	PF_FILTER_EXCLUDE,	/* drop stacks with a frame matching */
	PF_FILTER_FOCUS,	/* keep stacks through a match, starting there */
	PF_FILTER_PRUNE,	/* cut stacks below the first matching frame */
	PF_FILTER_RENAME,	/* s/RE/REPL/[g] on every frame name */
	PF_FILTER_STRIP_ADDRS,	/* 0x1234abcd -> 0x... */
	PF_FILTER_COLLAPSE_RECURSION, /* a;a;a;b -> a;b */
	PF_FILTER_MIN_COUNT,	/* drop stacks weighing less than N */
	PF_FILTER_TOP,		/* keep the N heaviest, sum the rest in [other] */
};

struct pf_filter;

PF_API struct pf_filter *pf_filter_new(void);
PF_API void pf_filter_free(struct pf_filter *f);
/*
 * Adds one step.  arg is the pattern (INCLUDE..PRUNE), the s/RE/REPL/[g]
 * expression (RENAME), the count (MIN_COUNT), the number of stacks (TOP) or
 * NULL.  A bad argument is an error whose message quotes it and, for a
 * pattern, gives PCRE2's message and the offset it reports.
 */
PF_API int pf_filter_add(struct pf_filter *f, enum pf_filter_kind kind,
    const char *arg, struct pf_error *err);
/* The number of steps in the chain. */
PF_API size_t pf_filter_count(const struct pf_filter *f);
/* Whether step i works stack by stack, so that applying it to each input
 * and then adding them up is the same as applying it to the sum: false for
 * MIN_COUNT and TOP, which weigh the whole profile. */
PF_API int pf_filter_is_per_stack(const struct pf_filter *f, size_t i);
/* Applies steps [from, to) of the chain to *pp. */
PF_API int pf_filter_apply_range(const struct pf_filter *f, size_t from, size_t to,
    struct pf_profile **pp, struct pf_error *err);
PF_API int pf_filter_apply(const struct pf_filter *f, struct pf_profile **pp,
    struct pf_error *err);

/* Replaces hex numbers "0x[0-9a-fA-F]+" in every frame by "0x...". */
PF_API int pf_transform_strip_hex(struct pf_profile **pp, struct pf_error *err);

/*
 * Pairs two one-column profiles into a differential one: the union of their
 * stacks, before in the first column and after in the second, 0 where a
 * stack is missing.  With normalize, before's counts are scaled to after's
 * total and rounded down to whole numbers, as FlameGraph's difffolded.pl
 * does.  Returns a new profile, or NULL with err filled.
 */
PF_API struct pf_profile *pf_diff_pair(const struct pf_profile *before,
    const struct pf_profile *after, int normalize, struct pf_error *err);

/*
 * Pairs several runs of each side: each column is the mean of its runs
 * (rounded half-up to PF_COUNT_DIGITS digits), then paired and normalized
 * as pf_diff_pair does.  nb and na are at least 1.
 */
PF_API struct pf_profile *pf_diff_pair_runs(const struct pf_profile *const *before,
    size_t nb, const struct pf_profile *const *after, size_t na, int normalize,
    struct pf_error *err);

/*
 * How much of a differential profile is in stacks that both columns have:
 * the share of each column's total (0 to 1; 1 for an empty column), and
 * the heaviest root frame of each (UINT32_MAX when the column is empty).
 * Two runs of the same program share most of their weight; two recordings
 * whose process or binary names differ share none.
 */
struct pf_diff_overlap {
	double before, after;
	uint32_t root_before, root_after;
};

PF_API int pf_diff_overlap(const struct pf_profile *d, struct pf_diff_overlap *ov,
    struct pf_error *err);

/*
 * A rule of pf-diff's --fail-on gate, "self>2%" or "total>500": a
 * function's self (or inclusive) count changed by more than the value
 * ("<": by less, for a negative value: shrank by more), in percentage
 * points of its share of each side's total with '%', else in counts.
 */
struct pf_gate_rule {
	int inclusive;		/* "total" (or "inclusive"); else "self" */
	int below;		/* '<' */
	int share;		/* percentage points; else a count */
	double points;		/* the threshold, when share */
	pf_count count;		/* its magnitude, when not */
	int count_neg;		/* and its sign */
	char text[64];		/* the rule as given, for messages */
};

/* Parses s into r; -1 with err saying what is wrong. */
PF_API int pf_gate_rule_parse(const char *s, struct pf_gate_rule *r, struct pf_error *err);

enum pf_summary_format {
	PF_SUMMARY_TEXT,	/* aligned columns for a terminal */
	PF_SUMMARY_MARKDOWN,	/* GitHub-flavoured tables, for a comment */
	PF_SUMMARY_JSON,	/* one object, for other programs */
};

/*
 * What a summary shows: at most top rows per table, leaving out changes
 * smaller than min_delta (a count) or, when min_delta_pct >= 0, smaller
 * than that many percentage points of the total.  With several runs on a
 * side, a change counts as real only when it is larger than noise times
 * its spread (pf-diff(1) says how the spread is computed).  The rules of
 * the gate are borrowed.
 */
struct pf_summary_options {
	size_t top;
	pf_count min_delta;
	double min_delta_pct;	/* < 0: not used */
	enum pf_summary_format format;
	double noise;		/* <= 0: 3 */
	const struct pf_gate_rule *rules;
	size_t nrules;
};

/*
 * The comparison of the two columns of d: the functions whose self and
 * inclusive counts changed most (inclusive counts count a stack once per
 * function even when the function recurses), the stacks that appeared and
 * disappeared, and the changes that trip the gate's rules.  before and
 * after are the runs d was paired from (pf_diff_pair_runs), which give the
 * shares and their run-to-run spread; with nb = na = 0 the columns of d
 * are taken as one run each.  d, the runs and o's rules are borrowed and
 * must outlive the summary.
 */
struct pf_summary;

PF_API struct pf_summary *pf_summary_new(const struct pf_profile *d,
    const struct pf_profile *const *before, size_t nb,
    const struct pf_profile *const *after, size_t na,
    const struct pf_summary_options *o, struct pf_error *err);
PF_API void pf_summary_free(struct pf_summary *s);
/* Writes the summary in o->format. */
PF_API int pf_summary_write(const struct pf_summary *s, FILE *out, struct pf_error *err);
/* How many changes trip a rule (a function counts once per rule). */
PF_API size_t pf_summary_ntrips(const struct pf_summary *s);
/*
 * Trip i (< pf_summary_ntrips) in one line, "self>2%: 'parse' +6.00 points
 * (24.00% -> 30.00%)", the name cut to a readable length.
 */
PF_API const char *pf_summary_trip(const struct pf_summary *s, size_t i, char *buf,
    size_t size);

/* pf_summary_new on d alone, written and freed. */
PF_API int pf_diff_summary_write(const struct pf_profile *d,
    const struct pf_summary_options *o, FILE *out, struct pf_error *err);

/*
 * Loading and adding up the inputs of a merge, several at a time.  Each
 * input is read (pf_folded_read_opts); when there is anything to do to it
 * alone, it gets a profile of its own to which are applied the per-stack
 * steps of the filter chain that come before its first MIN_COUNT or TOP,
 * then normalize, scale and its tag, before it is added to the sum.
 * Errors and statistics stay in the inputs, in their order, so messages
 * come out in the order the inputs were given whatever the thread count.
 */
struct pf_merge_input {
	const char *path;		/* "-": standard input */
	const char *tag;		/* NULL: no root frame */
	int failed;			/* result: err says why */
	struct pf_folded_stats stats;
	struct pf_error err;
};

struct pf_merge_options {
	struct pf_folded_options read;
	const struct pf_filter *filter;	/* may be NULL */
	size_t filter_steps;		/* steps of it applied per input */
	int normalize;
	pf_count normalize_total;
	int scale;
	pf_count scale_factor;
	int jobs;			/* <= 0: all CPUs */
};

/*
 * Returns the sum of the inputs that did not fail (in[i].failed, with
 * in[i].err), or NULL with err filled when that sum overflows or memory
 * runs out.  Which inputs fail, and whether the sum overflows, does not
 * depend on the number of threads.
 */
PF_API struct pf_profile *pf_merge_load(struct pf_merge_input *in, size_t n,
    const struct pf_merge_options *o, struct pf_error *err);
/* ================================================================
 * Flame graphs (pf-svg, pf-html): palettes, the flame tree, its layout and
 * the renderers: lib/palette/, lib/layout/, lib/render/.
 * ================================================================ */

/* ----------------------------------------------------------------- palettes */

enum pf_palette {
	PF_PALETTE_HOT, PF_PALETTE_MEM, PF_PALETTE_IO, PF_PALETTE_WAKEUP,
	PF_PALETTE_CHAIN, PF_PALETTE_JAVA, PF_PALETTE_JS, PF_PALETTE_PERL,
	PF_PALETTE_RED, PF_PALETTE_GREEN, PF_PALETTE_BLUE, PF_PALETTE_AQUA,
	PF_PALETTE_YELLOW, PF_PALETTE_PURPLE, PF_PALETTE_ORANGE,
	PF_PALETTE_PYTHON, PF_PALETTE_RUST,
	PF_PALETTE_COUNT
};

struct pf_rgb {
	uint8_t r, g, b;
};

/* The palette called name ("hot", "java", ...); -1 if there is none. */
PF_API int pf_palette_parse(const char *name, enum pf_palette *out);
PF_API const char *pf_palette_name(enum pf_palette p);

/*
 * The colour of a frame called name[0..len-1] (with its "_[k]"-style
 * annotation, if any, which some palettes use).  The shade comes from a hash
 * of the name, so the same function gets the same colour in every graph;
 * when rng is not NULL it comes from that random state instead (--random).
 * Frames named "-" and "--" (separators) are grey in every palette.
 */
PF_API struct pf_rgb pf_palette_color(enum pf_palette p, const char *name, size_t len,
    uint64_t *rng);

/* Whether s is a --bgcolors value: yellow, blue, green, grey (gray) or
 * #RRGGBB. */
PF_API int pf_palette_bgcolors_ok(const char *s);

/*
 * A palette map (flamegraph.pl's palette.map): "NAME->rgb(R,G,B)" lines that
 * pin the colour of each function across graphs.  A graph drawn with a map
 * takes the colours of the names it holds, and adds the names it lacks with
 * their computed colour; pf_palette_map_save() writes the map back sorted.
 */
struct pf_palette_map;

/* Loads path; a missing file gives an empty map. */
PF_API struct pf_palette_map *pf_palette_map_load(const char *path, struct pf_error *err);
PF_API void pf_palette_map_free(struct pf_palette_map *m);
PF_API int pf_palette_map_save(const struct pf_palette_map *m, const char *path,
    struct pf_error *err);

/* ------------------------------------------------------------------ nameattr */

/*
 * flamegraph.pl's --nameattr file: "NAME<TAB>attr=value<TAB>..." lines
 * giving extra attributes to the SVG frames called NAME (title, href and
 * target are used as the frame's tooltip and link).  Event handler
 * attributes ("on...") are refused.  Returns NULL with err filled.
 */
struct pf_nameattr;

PF_API struct pf_nameattr *pf_nameattr_load(struct pf_reader *r, struct pf_error *err);
PF_API void pf_nameattr_free(struct pf_nameattr *a);

/* --------------------------------------------------------------- flame tree */

enum pf_output_format { PF_OUTPUT_SVG, PF_OUTPUT_PNG, PF_OUTPUT_PDF, PF_OUTPUT_HTML };
enum pf_diff_mode { PF_DIFF_SELF, PF_DIFF_INCLUSIVE };

/*
 * Options of a flame graph: flamegraph.pl's, same names and meanings.
 * pf_flame_options_init() sets its defaults; strings and the objects
 * pointed to are borrowed and must outlive the graph.
 */
struct pf_flame_options {
	const char *title;	/* NULL: "Flame Graph", "Icicle Graph", ... */
	const char *subtitle;	/* NULL: none */
	double width;		/* image width, pixels (1200) */
	double frame_height;	/* --height (16) */
	double minwidth;	/* frames narrower are omitted (0.1 px) */
	int minwidth_percent;	/* minwidth is a percentage of the total */
	const char *fonttype;	/* "Verdana" */
	double fontsize;	/* 12 */
	double fontwidth;	/* average glyph width / fontsize (0.59) */
	int font_metrics;	/* measure labels through cairo (1) */
	const char *countname;	/* "samples" */
	const char *nametype;	/* "Function:" */
	enum pf_palette palette;
	const char *bgcolors;	/* NULL: by palette; see pf_palette_bgcolors_ok */
	int random;		/* --random colours (not reproducible) */
	struct pf_palette_map *palette_map; /* NULL: none; names drawn and
				   missing from it are added to it */
	const struct pf_nameattr *nameattr; /* SVG only; NULL: none */
	int reverse;		/* reverse every stack before merging */
	int inverted;		/* icicle graph: roots at the top */
	int flamechart;		/* keep input order, merge only neighbours */
	int negate;		/* differential: swap red and blue */
	enum pf_diff_mode diff_mode;
	double factor;		/* counts are shown multiplied by this (1) */
	pf_count total;		/* 0: the sum of the counts; else 100% */
	const char *notes;	/* NULL: none */
	const char *encoding;	/* input names' encoding; NULL: UTF-8 */
};

PF_API void pf_flame_options_init(struct pf_flame_options *o);

/*
 * A flame graph: the merged tree of the stacks read into it, then laid out
 * and drawn.  Building reads folded text directly (no pf_profile in
 * between) because consecutive lines of sorted input share their prefixes,
 * which lets most frames be matched with one memcmp.
 */
struct pf_flame;

/* Returns NULL with err filled when memory runs out or o->encoding is
 * unknown (PF_ERR_USAGE). */
PF_API struct pf_flame *pf_flame_new(const struct pf_flame_options *o, struct pf_error *err);
PF_API void pf_flame_free(struct pf_flame *f);

/* Adds the folded stacks of r (as pf_folded_read() reads them; may be called
 * once per input).  Returns 0, or -1 with err naming the line. */
PF_API int pf_flame_read_folded(struct pf_flame *f, struct pf_reader *r, struct pf_error *err);
/* Adds the stacks of a profile. */
PF_API int pf_flame_add_profile(struct pf_flame *f, const struct pf_profile *p,
    struct pf_error *err);

/* Sum of the counts read (the after column of a differential graph). */
PF_API pf_count pf_flame_total(const struct pf_flame *f);
/* Number of frames drawn (after pruning); valid after a write. */
PF_API size_t pf_flame_nframes_drawn(const struct pf_flame *f);

/*
 * Lays the graph out and writes it: an interactive SVG, a PNG or PDF drawn
 * with cairo, or one self-contained HTML page (its viewer and the data: the
 * names of the frames once each, the tree as numeric arrays; it fetches
 * nothing).  Frames narrower than the options' minwidth are left out, their
 * counts staying in their parent's.  An empty graph is still written (a
 * picture or page saying so) and the call returns 0; check
 * pf_flame_total().  Returns -1 with err filled when an option is invalid,
 * memory runs out or the write fails.
 */
PF_API int pf_flame_write(struct pf_flame *f, enum pf_output_format fmt, FILE *out,
    struct pf_error *err);

/* ================================================================= exports */
/*
 * A profile written in other tools' formats (pf-export): pprof's
 * profile.proto, speedscope's JSON, d3-flame-graph's JSON and Chrome's
 * .cpuprofile.  pf-export(1) says what each keeps and what it loses.
 */

enum pf_export_format {
	PF_EXPORT_PPROF,	/* profile.proto, gzip-compressed */
	PF_EXPORT_SPEEDSCOPE,	/* speedscope's file format, sampled profiles */
	PF_EXPORT_D3,		/* d3-flame-graph: nested name, value, children */
	PF_EXPORT_CPUPROFILE,	/* Chrome DevTools and V8 .cpuprofile */
	PF_EXPORT_COUNT
};

/* "pprof", "speedscope", "d3", "cpuprofile"; NULL for an unknown format. */
PF_API const char *pf_export_name(int format);
/* The format called name (or "d3-flame-graph"), or -1. */
PF_API int pf_export_lookup(const char *name);

struct pf_export_options {
	int format;		/* enum pf_export_format */
	const char *countname;	/* what a count is: "samples" (NULL), "ns",
				   "us", "ms", "s", "bytes", or "TYPE/UNIT" */
	const char *title;	/* speedscope: the profile's name; NULL: "profile" */
	int split_roots;	/* speedscope: one profile per root frame */
};

struct pf_export_stats {
	uint64_t stacks;	/* distinct stacks written */
	uint64_t rounded;	/* of those, counts rounded to whole units */
	uint64_t zeroed;	/* of those, non-zero counts rounded to 0 */
	uint64_t frames;	/* distinct frames written */
	uint64_t replaced;	/* of those, names that are not valid UTF-8 */
};

/*
 * Writes p to out in o->format.  An ordered profile (a flame chart) keeps
 * the order of its stacks where the format has one.  Returns 0, or -1
 * with err filled (a count the format cannot hold, memory, a write error).
 */
PF_API int pf_export_write(const struct pf_profile *p, const struct pf_export_options *o,
    FILE *out, struct pf_export_stats *st, struct pf_error *err);

#endif /* PF_H */
