/*
 * pf.h - the public interface of libpf, the library behind the pf flame
 * graph tools.
 *
 * The model in the middle is a *profile*: frame names interned once into
 * small integer ids, and a table of distinct stacks (sequences of frame ids,
 * root first) each with one count, or two for a differential profile.
 * Parsers turn profiler output into a profile; writers turn a profile into
 * the folded format (see pf-folded(5)) and, later, pictures.
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

#define PF_VERSION_STRING PF_VERSION

/* ------------------------------------------------------------------ errors */

/*
 * What went wrong, and where.  name is the input as the user gave it ('-'
 * is shown as "<stdin>"), line is 1-based or 0 when the error has no line.
 */
struct pf_error {
	char name[256];
	uint64_t line;
	char msg[512];
};

/* Formats "NAME line N: MSG" (or "NAME: MSG", or "MSG") into buf. */
const char *pf_error_string(const struct pf_error *e, char *buf, size_t size);

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
int pf_count_parse(const char *s, size_t n, pf_count *out);
/* a + b into *out; PF_COUNT_OVERFLOW if the sum is beyond PF_COUNT_MAX. */
int pf_count_add(pf_count a, pf_count b, pf_count *out);
/* Writes the shortest exact decimal ("42", "0.5"); returns its length.
 * buf must hold PF_COUNT_BUFSIZE bytes. */
#define PF_COUNT_BUFSIZE 48
size_t pf_count_format(pf_count c, char *buf);
/* From a whole number. */
static inline pf_count pf_count_from_u64(uint64_t v) { return (pf_count)v * PF_COUNT_ONE; }
/* Nearest double, for layout and display only. */
double pf_count_to_double(pf_count c);

/* ----------------------------------------------------------------- profile */

struct pf_profile;

struct pf_profile *pf_profile_new(void);
void pf_profile_free(struct pf_profile *p);

/*
 * Interns a frame name (any bytes but ';' and '\n') and returns its id, or
 * UINT32_MAX when memory runs out.  The same bytes give the same id.
 */
uint32_t pf_profile_intern(struct pf_profile *p, const char *name, size_t len);
/* The name of frame id, not NUL-terminated; *len receives its length. */
const char *pf_profile_frame(const struct pf_profile *p, uint32_t id, size_t *len);
size_t pf_profile_nframes(const struct pf_profile *p);

/*
 * Adds counts to the stack frames[0..n-1] (root first), creating it when it is
 * new.  For a one-column profile pass b = 0.  Returns 0, or -1 with
 * err filled on overflow or when memory runs out.
 */
int pf_profile_add(struct pf_profile *p, const uint32_t *frames, size_t n,
    pf_count a, pf_count b, struct pf_error *err);

/* 1 for an ordinary profile, 2 for a differential one (before, after). */
int pf_profile_columns(const struct pf_profile *p);
void pf_profile_set_columns(struct pf_profile *p, int columns);

/*
 * An ordered profile (a flame chart) keeps its stacks in the order they are
 * added and merges a stack only into the one added just before it; it is
 * written in that order.  Set it before adding the first stack.
 */
void pf_profile_set_ordered(struct pf_profile *p, int ordered);
int pf_profile_ordered(const struct pf_profile *p);

size_t pf_profile_nstacks(const struct pf_profile *p);
/* Stack i (0 <= i < nstacks, in insertion order): frames and counts. */
const uint32_t *pf_profile_stack(const struct pf_profile *p, size_t i,
    size_t *n, pf_count *a, pf_count *b);

/* Adds every stack of src into dst (frames are re-interned). */
int pf_profile_merge(struct pf_profile *dst, const struct pf_profile *src,
    struct pf_error *err);

/*
 * Returns a newly allocated array of the stack indices in byte-wise order of
 * their folded text ("a;b;c"), or in the order added for an ordered
 * profile, or NULL when memory runs out.  Free it with free().
 */
size_t *pf_profile_sorted(const struct pf_profile *p);

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

struct pf_reader *pf_reader_open(const char *path, struct pf_error *err);
struct pf_reader *pf_reader_mem(const char *name, const void *buf, size_t len);
/* A range [start, end) of an open file descriptor, for parallel parsing:
 * lines that *start* before end are returned (the last may run past end). */
struct pf_reader *pf_reader_range(const char *name, int fd, uint64_t start,
    uint64_t end);
void pf_reader_free(struct pf_reader *r);

int pf_reader_line(struct pf_reader *r, const char **line, size_t *len,
    struct pf_error *err);
/* The 1-based number of the line last returned. */
uint64_t pf_reader_lineno(const struct pf_reader *r);
const char *pf_reader_name(const struct pf_reader *r);
/* Whether the last line returned ended with a newline. */
int pf_reader_terminated(const struct pf_reader *r);
/* Peeks at up to n bytes of the input's start without consuming them. */
size_t pf_reader_peek(struct pf_reader *r, const char **buf, size_t n,
    struct pf_error *err);

/*
 * If the input starts with the gzip magic bytes, makes r inflate it as it is
 * read (any format may be compressed).  Call before reading any line.
 * Returns 1 when the input is gzip, 0 when not, -1 with err filled.
 */
int pf_reader_gunzip(struct pf_reader *r, struct pf_error *err);

/* ------------------------------------------------------------ folded format */

/*
 * Reads folded stacks ("a;b;c 42" or "a;b;c 10 12") into p.  Every line must
 * be a stack, a count after the last space (two counts for a differential
 * profile, decided by the first line and required of every later line), or
 * blank.  Returns 0, or -1 with err naming the line.
 */
int pf_folded_read(struct pf_profile *p, struct pf_reader *r, struct pf_error *err);

/*
 * Writes p sorted and merged, one "stack count[ count]" line per stack.
 * Returns 0, or -1 with err set when the write fails.
 */
int pf_folded_write(const struct pf_profile *p, FILE *out, struct pf_error *err);

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
};

/* What a parse skipped, for the one warning the program prints. */
#define PF_MAX_EVENTS 64
struct pf_perf_stats {
	uint64_t samples;		/* sample headers seen */
	uint64_t samples_kept;		/* folded into the profile */
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

/*
 * Folds `perf script` text from r into p.  A regular file is parsed on
 * opts->jobs threads; the result does not depend on the thread count.
 */
int pf_perf_collapse(struct pf_profile *p, struct pf_reader *r,
    const struct pf_perf_options *opts, struct pf_perf_stats *stats,
    struct pf_error *err);

/*
 * If r is a perf.data file (it starts with "PERFILE2"), returns a new reader
 * over the text of `perf script` run on it (with -F +srcline when srcline is
 * set) and sets *is_data; otherwise returns NULL with *is_data = 0.  On
 * failure returns NULL, *is_data = 1 and fills err.
 */
struct pf_reader *pf_perf_data_script(struct pf_reader *r, int srcline,
    int *is_data, struct pf_error *err);

/* ---------------------------------------------------------- every format */

/*
 * The input formats pf-collapse reads.  PF_FORMAT_AUTO asks pf_collapse to
 * detect the format from the content.
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
	PF_FORMAT_COUNT
};

/* "perf", "folded", ...; NULL for an unknown format. */
const char *pf_format_name(int format);
/* The format named name (as pf_format_name gives it, or "auto"), or -1. */
int pf_format_lookup(const char *name);
/* The names of every format, comma-separated ("perf, folded, ..."). */
const char *pf_format_list(void);

/*
 * Looks at the start of r (without consuming it) and returns the format it
 * is in.  Input that fits no format more specific than perf script is
 * given to the perf parser, which skips what it does not recognize;
 * pf_collapse turns "nothing recognized" into an error naming the formats
 * tried and the first line.  Returns -1 with err filled on a read error.
 */
int pf_format_detect(struct pf_reader *r, struct pf_error *err);

struct pf_collapse_options {
	int format;			/* enum pf_format */
	struct pf_perf_options perf;	/* perf script */
	int no_location;		/* cpuprofile: bare function names */
	int drop_idle;			/* cpuprofile: drop (idle) samples */
	int weight_time;		/* cpuprofile: microseconds, not samples;
					   xctrace: nanoseconds */
	int time_order;			/* cpuprofile: samples in time order */
	const char *sample_type;	/* pprof: name or index; NULL: default */
};

struct pf_collapse_stats {
	int format;			/* the format read */
	int gzip;			/* the input was gzip-compressed */
	struct pf_perf_stats perf;	/* when format is PF_FORMAT_PERF */
	uint64_t samples;		/* samples (or map entries) read */
	uint64_t dropped;		/* of those, left out on purpose */
	char note[256];			/* something the user should hear, or "" */
};

/*
 * Folds r, in the format o->format (or detected), into p.  Input that is
 * gzip-compressed is inflated first.  Returns 0, or -1 with err filled.
 */
int pf_collapse(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err);

/* ------------------------------------------------------------------- misc */

/* Number of online CPUs (at least 1). */
int pf_ncpus(void);

#endif /* PF_H */
