/*
 * internal.h - declarations shared inside libpf; not installed.
 */
#ifndef PF_INTERNAL_H
#define PF_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "pf.h"

#define PF_UNUSED(x) ((void)(x))

/* Fills err (when not NULL); always returns -1 so callers can `return`. */
int pf_err(struct pf_error *err, const char *name, uint64_t line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void pf_err_name(struct pf_error *err, const char *name);

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

/* ----------------------------------------------------------------- readers */

/* Opens a reader over a child process's standard output (argv[0] via PATH). */
struct pf_reader *pf_reader_command(const char *name, char *const argv[],
    struct pf_error *err);
/* For a regular file not yet read from: its descriptor and the byte span
 * left to read.  Returns -1 for any other input. */
int pf_reader_file_span(const struct pf_reader *r, int *fd, uint64_t *start,
    uint64_t *end);
/* The byte offset, in the whole input, of the line last returned. */
uint64_t pf_reader_offset(const struct pf_reader *r);

/*
 * Reads up to n raw bytes (not lines) into dst, for the parsers of JSON and
 * binary formats.  Returns the number read, 0 at the end, (size_t)-1 with
 * err filled on error.  Do not mix with pf_reader_line.
 */
size_t pf_reader_read(struct pf_reader *r, void *dst, size_t n, struct pf_error *err);
/* Bytes consumed so far (of the decompressed input). */
uint64_t pf_reader_bytes(const struct pf_reader *r);

/* ------------------------------------------------------------ the parsers */

int pf_cpuprofile_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err);

int pf_gprof_read(struct pf_profile *p, struct pf_reader *r,
    struct pf_collapse_stats *st, struct pf_error *err);

int pf_dtrace_read(struct pf_profile *p, struct pf_reader *r,
    struct pf_collapse_stats *st, struct pf_error *err);

/* V8 --prof: the preprocessed JSON (v8prof.c) and the raw log (v8log.c). */
int pf_v8prof_json_read(struct pf_profile *p, struct pf_reader *r,
    struct pf_collapse_stats *st, struct pf_error *err);
int pf_v8log_read(struct pf_profile *p, struct pf_reader *r,
    struct pf_collapse_stats *st, struct pf_error *err);
/*
 * The frame id of a V8 code entry: "TYPE:NAME" when type is given
 * (builtins, bytecode handlers), "(anonymous) FILE:L:C" for a JavaScript
 * name that starts with a blank, else NAME; ';' becomes ':'.
 */
int pf_v8_frame_name(struct pf_profile *p, const char *type, const char *name,
    size_t n, uint32_t *id);

int pf_pprof_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err);

int pf_svg_read(struct pf_profile *p, struct pf_reader *r,
    struct pf_collapse_stats *st, struct pf_error *err);

int pf_xctrace_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err);

/* ------------------------------------------------------------- perf parser */

/* The part of the perf parser the fuzz target and unit tests reach. */
int pf_perf_collapse_serial(struct pf_profile *p, struct pf_reader *r,
    const struct pf_perf_options *opts, struct pf_perf_stats *stats,
    struct pf_error *err);

#endif /* PF_INTERNAL_H */
