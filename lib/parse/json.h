/*
 * json.h - event-driven reading of JSON documents for the readers of JSON
 * formats (json.c, over yajl); internal.
 *
 * The document streams through in pieces; nothing of it is kept but the
 * path to the current value.  A reader says where it is with tags, small
 * positive integers of its own choosing: the root value has the tag given
 * to pf_json_parse, the key callback gives each member of an object the
 * tag of its value, and the begin callback of an array gives the tag of
 * all its elements.  Tag 0 skips a value whole, nested containers
 * included, without a callback, so a reader hears only about what it asked
 * for and the rest costs only the tokenizing.
 *
 * A callback returns -1 to stop (after pf_json_fail, or with err filled
 * otherwise); the error then gets the line where the input stopped.
 * Invalid JSON, JSON that ends early (a truncated file), nesting deeper
 * than PF_JSON_MAX_DEPTH and a string holding a NUL character are errors
 * with the line and byte offset where reading stopped.  A UTF-8
 * byte-order mark at the start is skipped.
 */
#ifndef PF_PARSE_JSON_H
#define PF_PARSE_JSON_H

#include "internal.h"

/*
 * Deeper nesting is refused.  Memory is a few bytes per level, but yajl
 * grows its stack of levels 128 at a time, copying it each time, so the
 * cost grows with the square of the depth: this bounds it (a nested
 * .cpuprofile uses two levels per call).
 */
#define PF_JSON_MAX_DEPTH (1 << 18)
/* The longest token (string, number) or space between two: 256 MiB, or
 * --max-input-size when that is less. */
#define PF_JSON_MAX_TOKEN ((uint64_t)256 << 20)

enum pf_json_type {
	PF_JSON_NULL,
	PF_JSON_BOOL,
	PF_JSON_NUMBER,
	PF_JSON_STRING,
};

struct pf_json_value {
	int type;		/* enum pf_json_type */
	const char *s;		/* NUMBER: its text as written; STRING: its
				   bytes (UTF-8, escapes undone); not
				   NUL-terminated */
	size_t len;
	int b;			/* BOOL */
};

struct pf_json_handler {
	/* A member of the object tagged tag: the tag of its value, 0 to
	 * skip the value, -1 to stop.  NULL: every member is skipped. */
	int (*key)(void *ctx, int tag, const char *key, size_t len);
	/* An object (array 0) or an array tagged tag begins: the tag its
	 * members (passed to key) or elements get, 0 to skip its contents
	 * (then end is not called), -1 to stop.  NULL: tag itself. */
	int (*begin)(void *ctx, int tag, int array);
	/* The object or array tagged tag ends: 0, or -1 to stop. */
	int (*end)(void *ctx, int tag, int array);
	/* A string, number, true, false or null tagged tag: 0 or -1. */
	int (*scalar)(void *ctx, int tag, const struct pf_json_value *v);
};

struct pf_json;

struct pf_json *pf_json_new(struct pf_reader *r, const struct pf_json_handler *h,
    void *ctx, struct pf_error *err);
void pf_json_free(struct pf_json *j);

/* Reads the whole input as one JSON value tagged root_tag.  Returns 0,
 * or -1 with err filled. */
int pf_json_parse(struct pf_json *j, int root_tag);

/* From a callback: fills err with the message (the line is added when
 * the parse stops) and returns -1. */
int pf_json_fail(struct pf_json *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The index of the value being reported in its array (0 outside arrays). */
uint64_t pf_json_index(const struct pf_json *j);

/* Whether v is a number written as an integer (no fraction or exponent)
 * that fits in 64 bits; then *out is its value. */
int pf_json_int(const struct pf_json_value *v, int64_t *out);
/* Whether v is a number; then *out is its nearest double (an infinity
 * when it is beyond the range of a double). */
int pf_json_double(const struct pf_json_value *v, double *out);
/* Whether v is a number whose magnitude fits a pf_count; then *out is it
 * (exact when written without an exponent, else the nearest from a
 * double) and *negative whether it is below zero. */
int pf_json_count(const struct pf_json_value *v, pf_count *out, int *negative);

#endif /* PF_PARSE_JSON_H */
