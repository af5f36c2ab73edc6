/*
 * json.c - event-driven reading of JSON for the JSON readers (json.h):
 * yajl tokenizes and validates, this layer keeps the path as a stack of
 * tags and hands each reader only the values it tagged.
 *
 * Positions: yajl says how far into the last piece it got when it stopped;
 * the newlines of the pieces before are counted as they go by, so an
 * error can name its line and byte offset.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <yajl/yajl_parse.h>

#include "json.h"

#define CHUNK ((size_t)256 << 10)

struct level {
	int tag;		/* the value's tag, given to end */
	int inner;		/* the tag of its members or elements */
	int array;
	uint64_t index;		/* the element being read (arrays) */
};

struct pf_json {
	struct pf_reader *r;
	const struct pf_json_handler *h;
	void *ctx;
	struct pf_error *err;
	const char *name;
	yajl_handle y;

	struct level *lv;
	size_t depth, cap;
	size_t skip;		/* > 0: inside a skipped container */
	int pending;		/* the tag of the member whose key was read */
	int root_tag;
	int failed;		/* a callback stopped the parse */

	uint64_t offset;	/* bytes given to yajl before the current piece */
	uint64_t lines;		/* newlines in them */
	uint64_t line_start;	/* the offset of the byte after the last of them */
	int last_nl;		/* the last of them was a newline */
	unsigned char *buf;

	uint64_t events;	/* tokens yajl has handed over */
	uint64_t quiet;		/* bytes given since the last piece with one */
};

int
pf_json_fail(struct pf_json *j, const char *fmt, ...)
{
	va_list ap;

	j->failed = 1;
	pf_err_name(j->err, j->name);
	j->err->line = 0;
	j->err->column = 0;
	va_start(ap, fmt);
	vsnprintf(j->err->msg, sizeof(j->err->msg), fmt, ap);
	va_end(ap);
	j->err->code = strcmp(j->err->msg, "out of memory") == 0 ?
	    PF_ERR_NOMEM : PF_ERR_INPUT;
	return -1;
}

uint64_t
pf_json_index(const struct pf_json *j)
{
	return j->depth > 0 && j->lv[j->depth - 1].array ? j->lv[j->depth - 1].index : 0;
}

/* The tag of the value that starts now. */
static int
value_tag(const struct pf_json *j)
{
	const struct level *t;

	if (j->depth == 0)
		return j->root_tag;
	t = &j->lv[j->depth - 1];
	return t->array ? t->inner : j->pending;
}

/* A value of the current container is complete. */
static void
value_done(struct pf_json *j)
{
	if (j->depth > 0 && j->lv[j->depth - 1].array)
		j->lv[j->depth - 1].index++;
}

/* yajl's callbacks: 1 to go on, 0 to stop. */

static int
scalar(struct pf_json *j, const struct pf_json_value *v)
{
	int tag;

	j->events++;
	if (j->skip > 0)
		return 1;
	tag = value_tag(j);
	if (tag != 0 && j->h->scalar != NULL) {
		if (v->type == PF_JSON_STRING && memchr(v->s, '\0', v->len) != NULL) {
			pf_json_fail(j, "a JSON string holds a NUL character (\\u0000)");
			return 0;
		}
		if (j->h->scalar(j->ctx, tag, v) != 0) {
			j->failed = 1;
			return 0;
		}
	}
	value_done(j);
	return 1;
}

static int
y_null(void *ctx)
{
	struct pf_json_value v = { PF_JSON_NULL, "null", 4, 0 };

	return scalar(ctx, &v);
}

static int
y_boolean(void *ctx, int b)
{
	struct pf_json_value v = { PF_JSON_BOOL, b ? "true" : "false", b ? 4 : 5, b };

	return scalar(ctx, &v);
}

static int
y_number(void *ctx, const char *s, size_t len)
{
	struct pf_json_value v = { PF_JSON_NUMBER, s, len, 0 };

	return scalar(ctx, &v);
}

static int
y_string(void *ctx, const unsigned char *s, size_t len)
{
	struct pf_json_value v = { PF_JSON_STRING, (const char *)s, len, 0 };

	return scalar(ctx, &v);
}

static int
y_key(void *ctx, const unsigned char *s, size_t len)
{
	struct pf_json *j = ctx;

	j->events++;
	if (j->skip > 0)
		return 1;
	j->pending = 0;
	if (j->h->key == NULL)
		return 1;
	j->pending = j->h->key(j->ctx, j->lv[j->depth - 1].inner, (const char *)s, len);
	if (j->pending < 0) {
		j->failed = 1;
		return 0;
	}
	return 1;
}

static int
start(struct pf_json *j, int array)
{
	int tag, inner;

	j->events++;
	if (j->depth + j->skip >= PF_JSON_MAX_DEPTH) {
		pf_json_fail(j, "JSON nested deeper than %d levels", PF_JSON_MAX_DEPTH);
		return 0;
	}
	if (j->skip > 0) {
		j->skip++;
		return 1;
	}
	tag = value_tag(j);
	inner = tag;
	if (tag != 0 && j->h->begin != NULL &&
	    (inner = j->h->begin(j->ctx, tag, array)) < 0) {
		j->failed = 1;
		return 0;
	}
	if (tag == 0 || inner == 0) {
		j->skip = 1;
		return 1;
	}
	if (pf_grow(&j->lv, &j->cap, j->depth + 1, sizeof(*j->lv)) != 0) {
		pf_json_fail(j, "out of memory");
		return 0;
	}
	j->lv[j->depth++] = (struct level){ tag, inner, array, 0 };
	j->pending = 0;
	return 1;
}

static int
finish(struct pf_json *j)
{
	struct level t;

	j->events++;
	if (j->skip > 0) {
		if (--j->skip == 0)
			value_done(j);
		return 1;
	}
	t = j->lv[--j->depth];
	if (j->h->end != NULL && j->h->end(j->ctx, t.tag, t.array) != 0) {
		j->failed = 1;
		return 0;
	}
	value_done(j);
	return 1;
}

static int
y_start_map(void *ctx)
{
	return start(ctx, 0);
}

static int
y_end_map(void *ctx)
{
	return finish(ctx);
}

static int
y_start_array(void *ctx)
{
	return start(ctx, 1);
}

static int
y_end_array(void *ctx)
{
	return finish(ctx);
}

static const yajl_callbacks callbacks = {
	y_null, y_boolean, NULL, NULL, y_number, y_string,
	y_start_map, y_key, y_end_map, y_start_array, y_end_array,
};

struct pf_json *
pf_json_new(struct pf_reader *r, const struct pf_json_handler *h, void *ctx,
    struct pf_error *err)
{
	struct pf_json *j = calloc(1, sizeof(*j));

	if (j == NULL || (j->buf = malloc(CHUNK)) == NULL ||
	    (j->y = yajl_alloc(&callbacks, NULL, j)) == NULL) {
		pf_json_free(j);
		pf_nomem(err, pf_reader_name(r), 0);
		return NULL;
	}
	j->r = r;
	j->h = h;
	j->ctx = ctx;
	j->err = err;
	j->name = pf_reader_name(r);
	return j;
}

void
pf_json_free(struct pf_json *j)
{
	if (j == NULL)
		return;
	if (j->y != NULL)
		yajl_free(j->y);
	free(j->lv);
	free(j->buf);
	free(j);
}

/* The newlines in s[0..n-1]; *after (when one is there) is the index of
 * the byte after the last. */
static uint64_t
count_lines(const unsigned char *s, size_t n, size_t *after)
{
	const unsigned char *b = s, *end = s + n;
	uint64_t k = 0;

	while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		k++;
		s++;
		*after = (size_t)(s - b);
	}
	return k;
}

/*
 * The error after yajl stopped in piece b[0..n-1] (NULL at the end of the
 * input): a callback's, or yajl's own message with where it stopped.
 */
static int
stopped(struct pf_json *j, const unsigned char *b, size_t n)
{
	size_t used = b != NULL ? yajl_get_bytes_consumed(j->y) : 0;
	uint64_t line, at, start = j->line_start;
	unsigned char *msg;
	const char *m;
	size_t k, after = 0;

	if (used > n)
		used = n;
	/* At the end, a final newline ends the last line rather than
	 * starting another. */
	k = b != NULL ? count_lines(b, used, &after) : 0;
	line = j->lines + k + (b == NULL && j->last_nl ? 0 : 1);
	at = j->offset + used;
	if (k > 0)
		start = j->offset + after;
	if (j->failed) {
		j->err->line = line;
		j->err->column = b != NULL ? at - start + 1 : 0;
		return -1;
	}
	msg = yajl_get_error(j->y, 0, NULL, 0);
	m = msg != NULL ? (const char *)msg : "";
	if (strncmp(m, "parse error: ", 13) == 0)
		m += 13;
	else if (strncmp(m, "lexical error: ", 15) == 0)
		m += 15;
	k = strcspn(m, "\n");
	if (b == NULL)
		pf_err(j->err, j->name, line, "the JSON ends before it is complete, at "
		    "byte %llu (a truncated file?)", (unsigned long long)at);
	else
		pf_errc(j->err, PF_ERR_INPUT, j->name, line, at - start + 1,
		    "not valid JSON at byte %llu: %.*s", (unsigned long long)at,
		    (int)k, m);
	if (msg != NULL)
		yajl_free_error(j->y, msg);
	return -1;
}

int
pf_json_parse(struct pf_json *j, int root_tag)
{
	size_t n, skip, after;
	uint64_t events, max = pf_input_max_size();
	int first = 1;
	char words[32];

	/* yajl holds a token that spans pieces until it ends: one piece after
	 * another without a token in them is a token (or a gap) that grows,
	 * and is refused past the limit on what a reader holds. */
	if (max == 0 || max > PF_JSON_MAX_TOKEN)
		max = PF_JSON_MAX_TOKEN;

	j->root_tag = root_tag;
	for (;;) {
		j->err->msg[0] = '\0';
		n = pf_reader_read(j->r, j->buf, CHUNK, j->err);
		if (n == (size_t)-1)
			return -1;
		if (n == 0)
			break;
		skip = 0;
		if (first && n >= 3 && memcmp(j->buf, "\xef\xbb\xbf", 3) == 0)
			skip = 3;
		first = 0;
		j->offset += skip;
		events = j->events;
		if (yajl_parse(j->y, j->buf + skip, n - skip) != yajl_status_ok)
			return stopped(j, j->buf + skip, n - skip);
		j->quiet = j->events == events ? j->quiet + n : 0;
		if (j->quiet > max)
			return pf_err(j->err, j->name, j->lines + 1, "a JSON value "
			    "(or the space between two) longer than %s, still going "
			    "at byte %llu: refused (the limit is --max-input-size)",
			    pf_size_words(max, words, sizeof(words)),
			    (unsigned long long)(j->offset + n));
		after = SIZE_MAX;
		j->lines += count_lines(j->buf + skip, n - skip, &after);
		if (after != SIZE_MAX)
			j->line_start = j->offset + after;
		j->offset += n - skip;
		if (n > skip)
			j->last_nl = j->buf[n - 1] == '\n';
	}
	if (yajl_complete_parse(j->y) != yajl_status_ok)
		return stopped(j, NULL, 0);
	return 0;
}

int
pf_json_int(const struct pf_json_value *v, int64_t *out)
{
	const char *s = v->s;
	size_t i = 0, n = v->len;
	uint64_t x = 0, lim;
	int neg;

	if (v->type != PF_JSON_NUMBER || n == 0)
		return 0;
	neg = s[0] == '-';
	i = neg;
	if (i == n)
		return 0;
	if (n - i <= 18) {
		/* No overflow possible: the common case, without divisions. */
		for (; i < n; i++) {
			unsigned d = (unsigned)(s[i] - '0');

			if (d > 9)
				return 0;
			x = x * 10 + d;
		}
		*out = neg ? -(int64_t)x : (int64_t)x;
		return 1;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || x > (lim - d) / 10)
			return 0;
		x = x * 10 + d;
	}
	*out = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 1;
}

int
pf_json_double(const struct pf_json_value *v, double *out)
{
	char buf[512];

	if (v->type != PF_JSON_NUMBER || v->len >= sizeof(buf))
		return 0;
	memcpy(buf, v->s, v->len);
	buf[v->len] = '\0';
	*out = strtod(buf, NULL);
	return 1;
}

int
pf_json_count(const struct pf_json_value *v, pf_count *out, int *negative)
{
	const char *s = v->s;
	size_t n = v->len;
	double d;

	if (v->type != PF_JSON_NUMBER || n == 0)
		return 0;
	*negative = s[0] == '-';
	if (*negative) {
		s++;
		n--;
	}
	switch (pf_count_parse(s, n, out)) {
	case PF_COUNT_OK:
		if (*out == 0)
			*negative = 0;
		return 1;
	case PF_COUNT_OVERFLOW:
		return 0;
	}
	/* An exponent: exact decimals are beyond a double anyway, so the
	 * nearest one is as good as the text. */
	if (!pf_json_double(v, &d) || !(d > -1.8e19 && d < 1.8e19))
		return 0;
	if (d < 0)
		d = -d;
	*out = (pf_count)(d * 1e9 + 0.5);
	if (*out == 0)
		*negative = 0;
	return 1;
}
