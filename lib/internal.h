/*
 * internal.h - declarations shared inside libpf; not installed.
 */
#ifndef PF_INTERNAL_H
#define PF_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "pf.h"

#define PF_UNUSED(x) ((void)(x))

/*
 * Errors.  Each fills err (when not NULL) and returns -1, so that callers
 * can `return pf_err(...)`.  pf_err is an input error (PF_ERR_INPUT), the
 * common case; pf_errc says which code and the column; pf_nomem is "out of
 * memory" (PF_ERR_NOMEM).  name is the input (NULL: none), line 0 when
 * there is none.
 */
int pf_err(struct pf_error *err, const char *name, uint64_t line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int pf_errc(struct pf_error *err, enum pf_error_code code, const char *name,
    uint64_t line, uint64_t column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
int pf_nomem(struct pf_error *err, const char *name, uint64_t line);
void pf_err_name(struct pf_error *err, const char *name);

/* Whether s[0..n-1] starts with, ends with, holds the string x. */
static inline int
pf_mem_starts(const char *s, size_t n, const char *x)
{
	size_t m = strlen(x);

	return n >= m && memcmp(s, x, m) == 0;
}

static inline int
pf_mem_ends(const char *s, size_t n, const char *x)
{
	size_t m = strlen(x);

	return n >= m && memcmp(s + n - m, x, m) == 0;
}

static inline int
pf_mem_has(const char *s, size_t n, const char *x)
{
	return memmem(s, n, x, strlen(x)) != NULL;
}

/* ------------------------------------------------------------------ arena */

/*
 * Many small strings (frame names, cache keys) live in an arena owned by their
 * table and are freed at once.  Blocks are never moved, so pointers into an
 * arena stay valid until it is released.
 */
struct pf_arena {
	struct pf_arena_block *head;
	size_t used, cap;	/* of the head block */
	size_t total;		/* bytes in all blocks */
};

void pf_arena_init(struct pf_arena *a);
void pf_arena_release(struct pf_arena *a);
/* n bytes aligned to 8, or NULL when memory runs out. */
void *pf_arena_alloc(struct pf_arena *a, size_t n);
/* A copy of s[0..n-1] followed by a NUL. */
char *pf_arena_strdup(struct pf_arena *a, const char *s, size_t n);

/* ------------------------------------------------------------------ hashing */

uint64_t pf_hash_bytes(const void *p, size_t n, uint64_t seed);
uint64_t pf_hash_u32s(const uint32_t *p, size_t n, uint64_t seed);

/* --------------------------------------------------------------- string map */

/*
 * An open-addressing map from byte strings to a 32-bit value, keys copied
 * into its arena.  Used for frame interning and for the parsers' caches.
 */
struct pf_strmap_slot {
	uint64_t hash;
	const char *key;	/* NULL: empty slot */
	uint32_t len;
	uint32_t value;
};

struct pf_strmap {
	struct pf_strmap_slot *slots;
	size_t mask;		/* capacity - 1 (capacity a power of two) */
	size_t count;
	struct pf_arena arena;
};

int pf_strmap_init(struct pf_strmap *m, size_t initial);
void pf_strmap_release(struct pf_strmap *m);

/*
 * Looks key up.  Returns its slot, or NULL when absent (then, if insert is
 * set, adds it with value UINT32_MAX and returns the new slot; NULL on
 * ENOMEM with *nomem set).  The slot pointer is valid until the next insert.
 */
struct pf_strmap_slot *pf_strmap_find(struct pf_strmap *m, const char *key,
    size_t len, uint64_t hash, int insert, int *nomem);

/* ------------------------------------------------------------ dynamic array */

/* Grows *buf (of element size sz) to hold at least n elements. */
int pf_grow(void *bufp, size_t *cap, size_t n, size_t sz);
/* n bytes in words: "2 GiB", "1536 KiB", "100 bytes" (exact, no rounding). */
const char *pf_size_words(uint64_t n, char *buf, size_t size);

/* ------------------------------------------------------- address spans */

/*
 * Address spans by their start, in a treap (spans.c): O(log n) per
 * operation in any order of addresses.  A span is a start, a size and what
 * the reader keeps with it (a frame, an index, a flag).  Nodes are indices
 * into n[], 0 being none; a zeroed struct is an empty tree.
 */
struct pf_span {
	uint64_t start, size;
	uint32_t val;
	int flag;
};

struct pf_span_node {
	struct pf_span s;
	uint32_t left, right;
	uint32_t prio;
};

struct pf_spans {
	struct pf_span_node *n;	/* n[0] unused */
	size_t len, cap;
	size_t count;		/* spans in the tree */
	uint32_t root;
	uint32_t free;		/* a list of unused nodes, through left */
	uint32_t seed;
};

/* Splits the subtree at into the spans starting before key (*l) and the
 * rest (*r). */
void pf_spans_split(struct pf_spans *t, uint32_t at, uint64_t key, uint32_t *l,
    uint32_t *r);
/* Joins a and b, every start in a below every start in b. */
uint32_t pf_spans_join(struct pf_spans *t, uint32_t a, uint32_t b);
/* Puts the nodes of the subtree at into the free list. */
void pf_spans_release(struct pf_spans *t, uint32_t at);
/* The span of the subtree at with the greatest start at or below key, or
 * NULL. */
struct pf_span *pf_spans_floor(const struct pf_spans *t, uint32_t at, uint64_t key);
/* A new node holding s, in no tree yet; 0 when memory runs out. */
uint32_t pf_spans_node(struct pf_spans *t, const struct pf_span *s);
/* Adds s (spans starting where it does stay); -1 when memory runs out. */
int pf_spans_add(struct pf_spans *t, const struct pf_span *s);
/* Makes dst a copy of src (dst's nodes freed); -1 when memory runs out. */
int pf_spans_copy(struct pf_spans *dst, const struct pf_spans *src);
/* Frees the nodes; t is an empty tree again. */
void pf_spans_release_all(struct pf_spans *t);

/* ------------------------------------------------------- profile rollback */

/*
 * A point in an ordered profile to come back to, so that a reader that
 * fails leaves the profile as it found it: stacks are only appended to an
 * ordered profile, or merged into the last one.  (An unordered profile
 * cannot be rolled back; readers fold into a profile of their own.)
 */
struct pf_profile_mark {
	size_t nstacks, pool_len;
	pf_count a, b;		/* of the last stack */
};

void pf_profile_mark(const struct pf_profile *p, struct pf_profile_mark *m);
/* Undoes what was added after the mark (ordered profiles only). */
void pf_profile_rollback(struct pf_profile *p, const struct pf_profile_mark *m);

/* ------------------------------------------------------------- sequences */

/*
 * A sequence of integers written once (pf_seq_put), then read back once in
 * order (pf_seq_rewind, pf_seq_get), held compactly: in memory up to
 * mem_max bytes, beyond that in an unlinked file in $TMPDIR (or /tmp).
 * For a reader that has to pair two long arrays of its input.
 */
struct pf_seq;

struct pf_seq *pf_seq_new(size_t mem_max);
void pf_seq_free(struct pf_seq *s);
/* 0, or -1 when memory or the temporary file fails (errno says why). */
int pf_seq_put(struct pf_seq *s, int64_t v);
/* Switches to reading from the first value: 0 or -1 (errno). */
int pf_seq_rewind(struct pf_seq *s);
/* 1 and *v, 0 after the last value, -1 on a read error. */
int pf_seq_get(struct pf_seq *s, int64_t *v);
/* The number of values put. */
uint64_t pf_seq_count(const struct pf_seq *s);

/* ------------------------------------------------------------- gzip writer */

/*
 * A gzip stream written in pieces (gzip.c): the compressed bytes go to
 * sink(ctx, ...) as they are made, in pieces of any length.
 */
struct pf_gzip;

/* level: zlib's, 1 (fastest) to 9, or -1 (its default).  NULL when
 * memory runs out. */
struct pf_gzip *pf_gzip_new(int level,
    void (*sink)(void *ctx, const unsigned char *b, size_t n), void *ctx);
void pf_gzip_put(struct pf_gzip *g, const void *p, size_t n);
/* Ends the stream: 0, or -1 when compression failed at any point. */
int pf_gzip_finish(struct pf_gzip *g);
void pf_gzip_free(struct pf_gzip *g);

/* ------------------------------------------------------------- output buffer */

/*
 * The renderers' buffered writer: output is gathered in buf and written in
 * large pieces; a failed write is remembered in `failed` for the end.  The
 * functions are inline because the renderers call them per frame.
 */
struct pf_outbuf {
	FILE *f;
	char *buf;
	size_t len, cap;
	int failed;
};

static inline void
pf_outbuf_flush(struct pf_outbuf *o)
{
	if (o->len > 0 && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->failed = 1;
	o->len = 0;
}

static inline void
pf_outbuf_put(struct pf_outbuf *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		pf_outbuf_flush(o);
		if (n > o->cap) {
			if (fwrite(s, 1, n, o->f) != n)
				o->failed = 1;
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static inline void
pf_outbuf_puts(struct pf_outbuf *o, const char *s)
{
	pf_outbuf_put(o, s, strlen(s));
}

/*
 * Room for n more bytes (at most the buffer's size) at the end of the
 * buffer; whoever writes there moves o->len past what it wrote.
 */
static inline char *
pf_outbuf_room(struct pf_outbuf *o, size_t n)
{
	if (o->cap - o->len < n)
		pf_outbuf_flush(o);
	return o->buf + o->len;
}

/* --------------------------------------------------- numbers and JSON (json.c) */

/* v in decimal at p (20 bytes at most); returns the end. */
char *pf_put_u64(char *p, uint64_t v);
/* A count as pf_count_format writes it, at p (PF_COUNT_BUFSIZE bytes at
 * most), faster for whole counts; returns the end. */
char *pf_put_count(char *p, pf_count c);
void pf_outbuf_count(struct pf_outbuf *o, pf_count c);
void pf_outbuf_u64(struct pf_outbuf *o, uint64_t v);
/* The length of the valid UTF-8 character at s[0..n-1] (n > 0), or 0 when
 * s[0] does not start one (overlong forms and surrogates are not valid). */
size_t pf_utf8_valid(const char *s, size_t n);
/*
 * Writes s[0..n-1] as a JSON string, quotes included: control characters,
 * '"', '\', '<', '>', '&', U+2028 and U+2029 as escapes, so that the
 * string can also sit inside an HTML <script> element; each byte that is
 * not part of valid UTF-8 as U+FFFD.  Returns 1 when a byte was replaced
 * (the string does not give the bytes back), else 0.
 */
int pf_json_string(struct pf_outbuf *o, const char *s, size_t n);

/* ----------------------------------------------------------------- readers */

/* Opens a reader over a child process's standard output (argv[0] via PATH). */
struct pf_reader *pf_reader_command(const char *name, char *const argv[],
    struct pf_error *err);
/* For a regular file not yet read from: its descriptor and the byte span
 * left to read.  Returns -1 for any other input. */
int pf_reader_file_span(const struct pf_reader *r, int *fd, uint64_t *start,
    uint64_t *end);
/* r's file is read by other means now (range readers, a mapping that
 * reports its own progress): takes back the bytes r added to
 * pf_input_bytes_read() and adds no more. */
void pf_reader_uncount(struct pf_reader *r);
/* Adds n to pf_input_bytes_read(), for a reader of its own (a mapping). */
void pf_progress_add(uint64_t n);
/* The byte offset, in the whole input, of the line last returned. */
uint64_t pf_reader_offset(const struct pf_reader *r);

/* ------------------------------------------------------------ folded lines */

/*
 * The grammar of one folded line, shared by every reader of the format:
 * line[0..len-1] is trimmed and not blank, and its first `clean` bytes are
 * known to hold no NUL.  *columns is 0 until the first line decides between
 * one and two counts.  On PF_FOLDED_LINE_OK, *slen is the length of the stack
 * text and *a, *b the counts (a = 0 in a one-column profile).  Otherwise
 * msg says what is wrong: PF_FOLDED_LINE_BAD for a malformed line,
 * PF_FOLDED_LINE_FATAL for a count beyond 2^64 (never skipped).
 */
enum { PF_FOLDED_LINE_OK = 0, PF_FOLDED_LINE_BAD = -1, PF_FOLDED_LINE_FATAL = -2 };
int pf_folded_parse_line(const char *line, size_t len, size_t clean, int *columns,
    size_t *slen, pf_count *a, pf_count *b, char *msg, size_t msgsize);

/*
 * Reads up to n raw bytes (not lines) into dst, for the parsers of JSON and
 * binary formats.  Returns the number read, 0 at the end, (size_t)-1 with
 * err filled on error.  Do not mix with pf_reader_line.
 */
size_t pf_reader_read(struct pf_reader *r, void *dst, size_t n, struct pf_error *err);
/*
 * Reads the rest of the input into a new buffer (*buf, to free), for the
 * parsers whose libraries take a whole document (libxml2, protobuf-c).
 */
int pf_reader_slurp(struct pf_reader *r, char **buf, size_t *len, struct pf_error *err);
/* Bytes consumed so far (of the decompressed input). */
uint64_t pf_reader_bytes(const struct pf_reader *r);

/* ------------------------------------------------------------ frame names */

/*
 * Frame names tidied the way users of each platform expect (names.c), for
 * every parser of symbols printed as text, so that one function is one
 * frame whichever profiler recorded it.  pf_name_tidy() rewrites
 * s[0..n-1] in place and returns its new length (never longer); ';'
 * always becomes ':', and the flags add:
 */
enum {
	PF_NAME_RUST = 1,	/* legacy Rust demangled, "::h<hash>" dropped */
	PF_NAME_PARAMS = 2,	/* a trailing parameter list cut: "f(int)" */
	PF_NAME_QUOTES = 4,	/* ' and " removed (stackcollapse-perf.pl) */
	PF_NAME_JAVA = 8,	/* Java's "Lorg/x/Y" loses its 'L' */
};
size_t pf_name_tidy(char *s, size_t n, unsigned flags);
/* Where a trailing parameter list of s starts (at its '('), or n: a '('
 * in template arguments, "(anonymous namespace)", operator() and a
 * parenthesized scope followed by "::" or "." are part of the name. */
size_t pf_name_params(const char *s, size_t n);
/* Where the next "->" of a "caller->inlined" chain (old perf, DTrace's
 * Java frames) starts in s, or n; "operator->" is a name. */
size_t pf_name_arrow(const char *s, size_t n);
/* perf dsos of kernel code ([kernel.kallsyms], vmlinux, *.ko) and of JIT
 * code (/tmp/perf-PID.map, jitted-PID-N.so): the _[k] and _[j] frames. */
int pf_name_kernel_dso(const char *m, size_t n);
int pf_name_jit_dso(const char *m, size_t n);

/*
 * The frame name of one frame of perf script text, or of a perf.data
 * sample, so that both name it alike: sym is the symbol without its
 * "+0x..." offset (empty or "[unknown]" when perf did not know it: then
 * the name is the dso's file name in brackets, with the address when
 * o->include_addrs), dso the file (NULL when not printed), inlined marks
 * an inlined frame (_[i]), java the process "java".  Writes the name to
 * *buf (grown as needed, *cap its size); returns its length, -1 on ENOMEM.
 */
long pf_perf_frame_name(char **buf, size_t *cap, const char *sym, size_t slen,
    const char *dso, size_t dlen, const char *addr, size_t alen, int inlined,
    int java, const struct pf_perf_options *o);

/*
 * What the start of an input that no format claims looks like ("a Java
 * Flight Recorder recording (JFR; ...)"), for the error refusing it, or
 * NULL when nothing about it is recognizable (sniff.c).
 */
const char *pf_sniff(const char *buf, size_t n);
/* Whether the first 4 KiB of buf are text: no control bytes but blanks and
 * line ends (a binary format has some). */
int pf_text_like(const char *buf, size_t n);

/* ------------------------------------------------------------- perf parser */

/*
 * Whether buf[0..n-1], the start of an input (all of it when whole), shows
 * perf script's samples (a header with a timestamp and an event, or a
 * header followed by a frame line).
 */
int pf_perf_sniff(const char *buf, size_t n, int whole);

/* The part of the perf parser the fuzz target and unit tests reach. */
int pf_perf_collapse_serial(struct pf_profile *p, struct pf_reader *r,
    const struct pf_perf_options *opts, struct pf_perf_stats *stats,
    struct pf_error *err);

/*
 * The naming half of the perf script parser, shared with the perf.data
 * reader so both paths name frames alike.  A namer interns into p.
 */
struct pf_perf_namer;
struct pf_perf_header {
	uint32_t root;		/* the root frame's id */
	int java;		/* frames are tidied as Java signatures */
	const char *event;	/* in the line given */
	size_t event_len;
	uint64_t period;	/* the count of the sample */
	size_t rest_len;	/* text after the event */
};
struct pf_perf_namer *pf_perf_namer_new(struct pf_profile *p,
    const struct pf_perf_options *o);
void pf_perf_namer_free(struct pf_perf_namer *nm);
/* Reads a sample header line as the parser does: 1 and *out, 0 when the
 * parser would not take the line for a header, -1 when memory runs out. */
int pf_perf_namer_header(struct pf_perf_namer *nm, const char *s, size_t n,
    struct pf_perf_header *out);
/* The frame ids (root side first) of a frame line "PC REST"; their number,
 * -1 when memory runs out, -2 when the line would read as a header. */
long pf_perf_namer_frame(struct pf_perf_namer *nm, const char *pc, size_t pclen,
    const char *rest, size_t rlen, int java, const uint32_t **ids);

/* The perf.data reader without symbol files (for the fuzz target). */
void pf_perf_data_offline(int offline);
/* Files of at least this many bytes are read on several threads (tests). */
void pf_perf_data_min_parallel(uint64_t bytes);

/* -------------------------------------------------------------- profile */

/* The interner's tables: names[id][0..lens[id]-1] for every frame id,
 * valid until the next pf_profile_intern. */
void pf_profile_name_table(const struct pf_profile *p, const char *const **names,
    const uint32_t **lens);

/* ------------------------------------------------------------ frame text */

/* The annotation letter ending a frame name ('k', 'j', 'i', 'w' of
 * "_[k]"...), or 0. */
int pf_frame_annotation(const char *name, size_t len);
/* Whether s[0..n-1] is valid UTF-8 without control characters, that is,
 * whether pf_clean_utf8 would leave it as it is. */
int pf_utf8_is_clean(const char *s, size_t n);
/* Writes s[0..n-1] to out (room for 3n+1 bytes) as valid UTF-8 without
 * control characters: each offending byte becomes U+FFFD.  Returns the
 * length written (NUL-terminated). */
size_t pf_clean_utf8(const char *s, size_t n, char *out);
/* Writes s[0..n-1] to out (room for 3n+1 bytes) as valid UTF-8 without
 * control characters or '%': each byte that is none of these becomes %XX
 * (two upper-case hex digits), so that the bytes can be told back.
 * Returns the length written (NUL-terminated). */
size_t pf_percent_encode(const char *s, size_t n, char *out);
/* The inverse, in place; a '%' not followed by two hex digits stays. */
size_t pf_percent_decode(char *s, size_t n);

/* The XML namespace of the attributes pf-svg adds (pf:name, pf:count,
 * pf:hidden, ...), which pf-collapse reads back.  lib/render/svg.js holds
 * it too, as the script's NS. */
#define PF_SVG_NS "urn:x-pf:flamegraph"

#endif /* PF_INTERNAL_H */
