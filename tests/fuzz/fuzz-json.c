/*
 * fuzz-json.c - fuzz target of the JSON layer (lib/parse/json.c).
 *
 * The first byte chooses which members are skipped (those whose key's
 * first byte is below it) and which tag makes a callback fail; the rest is
 * the document.  Beyond not crashing: containers begin and end in pairs,
 * nothing is reported from inside a skipped value, the indices of an
 * array's elements count up from 0, a document read whole leaves no
 * container open, and an error names the input and a line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/json.h"
#include "fuzz.h"

#define MAXD 64		/* levels checked in detail */

struct st {
	struct pf_json *j;
	unsigned skip_below;
	int fail_tag;
	size_t depth;
	uint64_t next[MAXD];	/* the index the next element must have */
	int array[MAXD];
};

static void
bad(const char *what)
{
	fprintf(stderr, "fuzz check failed: %s\n", what);
	abort();
}

/* The value being reported is an element at the right index. */
static void
check_index(struct st *s)
{
	uint64_t i = pf_json_index(s->j);

	if (s->depth == 0 || s->depth > MAXD)
		return;
	if (!s->array[s->depth - 1]) {
		if (i != 0)
			bad("an index outside an array");
		return;
	}
	if (i != s->next[s->depth - 1])
		bad("array elements out of order");
}

static void
element_done(struct st *s)
{
	if (s->depth > 0 && s->depth <= MAXD && s->array[s->depth - 1])
		s->next[s->depth - 1]++;
}

static int
on_key(void *ctx, int tag, const char *key, size_t len)
{
	struct st *s = ctx;

	if (tag <= 0)
		bad("a key of a skipped object");
	if (len > 0 && (unsigned char)key[0] < s->skip_below)
		return 0;
	return 1 + (int)(len % 5);
}

static int
on_begin(void *ctx, int tag, int array)
{
	struct st *s = ctx;

	if (tag <= 0)
		bad("a skipped value begins");
	check_index(s);
	if (tag == s->fail_tag + 1) {
		/* Its contents skipped: no end comes. */
		element_done(s);
		return 0;
	}
	if (s->depth < MAXD) {
		s->array[s->depth] = array;
		s->next[s->depth] = 0;
	}
	s->depth++;
	return tag;
}

static int
on_end(void *ctx, int tag, int array)
{
	struct st *s = ctx;

	if (tag <= 0 || s->depth == 0)
		bad("an end without a begin");
	if (s->depth <= MAXD && s->array[s->depth - 1] != array)
		bad("an object ends as an array or the other way");
	s->depth--;
	element_done(s);
	return 0;
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct st *s = ctx;
	int64_t x;
	double d;

	if (tag <= 0)
		bad("a skipped scalar");
	check_index(s);
	if (v->type == PF_JSON_NUMBER && !pf_json_double(v, &d) && v->len < 500)
		bad("a number that is none");
	if (pf_json_int(v, &x) && v->type != PF_JSON_NUMBER)
		bad("an integer that is no number");
	if (v->type == PF_JSON_STRING && memchr(v->s, '\0', v->len) != NULL)
		bad("a NUL in a string");
	if (tag == s->fail_tag)
		return pf_json_fail(s->j, "refused");
	element_done(s);
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_reader *r;
	struct pf_error err;
	struct st s;
	int rc;

	memset(&s, 0, sizeof(s));
	memset(&err, 0, sizeof(err));
	if (size > 0) {
		s.skip_below = data[0] & 0x7f;
		s.fail_tag = data[0] & 0x80 ? 3 : -1;
		data++;
		size--;
	}
	r = pf_reader_mem("fuzz.json", data, size);
	if (r == NULL || (s.j = pf_json_new(r, &handler, &s, &err)) == NULL)
		abort();
	rc = pf_json_parse(s.j, 1);
	if (rc == 0 && s.depth != 0)
		bad("a container left open");
	if (rc != 0 && (err.msg[0] == '\0' || strcmp(err.name, "fuzz.json") != 0 ||
	    err.line == 0))
		bad("an error without a message, name or line");
	pf_json_free(s.j);
	pf_reader_free(r);
	return 0;
}
