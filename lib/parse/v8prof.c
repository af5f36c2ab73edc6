/*
 * v8prof.c - the JSON of `node --prof-process --preprocess` to folded
 * stacks.
 *
 * The JSON has "code", the code entries the tick processor resolved
 * addresses to ({name, type: SHARED_LIB | CPP | JS | CODE, kind}), and
 * "ticks", each {tm, vm, s}, where s is the stack from the running code
 * outwards as pairs (code index, offset), or (-1, address) for an address
 * that resolved to nothing.  Every tick is counted once; an unresolved
 * address becomes "[unknown]" (the JSON does not say which shared library
 * holds it).  Frame names follow pf_v8_frame_name(), shared with the raw
 * log reader, so both give the same frames for JavaScript.
 */
#include <stdlib.h>

#include "format.h"
#include "json.h"

enum tag {
	T_ROOT = 1,
	T_CODES, T_CODE, T_NAME, T_TYPE, T_KIND,
	T_TICKS, T_TICK, T_S, T_S_ELEM,
};

/* A growable string. */
struct str {
	char *s;
	size_t len, cap;
	int set;
};

struct v8json {
	struct pf_json *json;
	struct pf_error *err;
	const char *name;
	struct pf_collapse_stats *st;

	/* The ticks, by code index: frame "17" is code entry 17. */
	struct pf_profile *q;
	/* The code entries' frame names, interned here until the end. */
	struct pf_profile *names;
	uint32_t *code;		/* index -> frame id in names */
	size_t ncode, ccap;
	int seen_code, seen_ticks;

	struct str cname, ctype, ckind;	/* the code entry being read */
	int64_t *s;		/* the tick's code indices, outermost last */
	size_t ns, scap;
	int64_t pending;	/* the index of a pair not yet complete */
};

static int
set_str(struct str *d, const struct pf_json_value *v)
{
	d->set = v->type == PF_JSON_STRING;
	d->len = 0;
	if (!d->set)
		return 0;
	if (pf_grow(&d->s, &d->cap, v->len + 1, 1) != 0)
		return -1;
	memcpy(d->s, v->s, v->len);
	d->len = v->len;
	d->s[d->len] = '\0';
	return 0;
}

static int
is_str(const struct str *d, const char *s)
{
	return d->set && d->len == strlen(s) && memcmp(d->s, s, d->len) == 0;
}

static int
nomem(struct v8json *v)
{
	return pf_json_fail(v->json, "out of memory");
}

static int code_end(struct v8json *v);
static int tick_end(struct v8json *v);

static int
on_key(void *ctx, int tag, const char *key, size_t len)
{
	struct v8json *v = ctx;

#define IS(s) (len == sizeof(s) - 1 && memcmp(key, s, len) == 0)
	switch (tag) {
	case T_ROOT:
		if (IS("code") || IS("ticks")) {
			if (IS("code") ? v->seen_code : v->seen_ticks)
				return pf_json_fail(v->json, "the key \"%.*s\" appears twice",
				    (int)len, key);
			return IS("code") ? T_CODES : T_TICKS;
		}
		return 0;
	case T_CODE:
		return IS("name") ? T_NAME : IS("type") ? T_TYPE : IS("kind") ? T_KIND : 0;
	case T_TICK:
		return IS("s") ? T_S : 0;
	}
#undef IS
	return 0;
}

static int
on_begin(void *ctx, int tag, int array)
{
	struct v8json *v = ctx;

	switch (tag) {
	case T_ROOT:
		return array ? 0 : T_ROOT;
	case T_CODES:
		if (!array)
			return 0;
		v->seen_code = 1;
		return T_CODE;
	case T_TICKS:
		if (!array)
			return 0;
		v->seen_ticks = 1;
		return T_TICK;
	case T_CODE:
		v->cname.set = v->ctype.set = v->ckind.set = 0;
		if (!array)
			return T_CODE;
		/* An entry that is no object has no name: "[unknown]". */
		return code_end(v) != 0 ? -1 : 0;
	case T_TICK:
		v->ns = 0;
		if (!array)
			return T_TICK;
		/* A tick that is no object has no stack. */
		return tick_end(v) != 0 ? -1 : 0;
	case T_S:
		/* The last "s" of a tick counts. */
		v->ns = 0;
		return array ? T_S_ELEM : 0;
	}
	return 0;
}

/* The code entry that ends, as a frame name. */
static int
code_end(struct v8json *v)
{
	const char *name = v->cname.set ? v->cname.s : "";
	size_t n = v->cname.set ? v->cname.len : 0;
	uint32_t id;
	char lib[4096];

	if (pf_grow(&v->code, &v->ccap, v->ncode + 1, sizeof(*v->code)) != 0)
		return nomem(v);
	if (is_str(&v->ctype, "SHARED_LIB")) {
		int m = snprintf(lib, sizeof(lib), "[%.*s]", (int)n, name);

		if (pf_v8_frame_name(v->names, NULL, lib,
		    m < (int)sizeof(lib) ? (size_t)m : sizeof(lib) - 1, &id) != 0)
			return nomem(v);
	} else if (pf_v8_frame_name(v->names, !is_str(&v->ctype, "CODE") ? NULL :
	    v->ckind.set ? v->ckind.s : "Code", name, n, &id) != 0) {
		return nomem(v);
	}
	v->code[v->ncode++] = id;
	return 0;
}

/* The tick that ends, as a stack of code indices, root first. */
static int
tick_end(struct v8json *v)
{
	uint32_t *stack;
	size_t i, n = v->ns > 0 ? v->ns : 1;
	char num[24];
	int rc = 0;

	if ((stack = malloc(n * sizeof(*stack))) == NULL)
		return nomem(v);
	if (v->ns == 0)
		v->s[0] = -1;
	/* s runs from the running code outwards: reverse it. */
	for (i = 0; i < n && rc == 0; i++) {
		int m = snprintf(num, sizeof(num), "%lld", (long long)v->s[n - 1 - i]);

		if ((stack[i] = pf_profile_intern(v->q, num, (size_t)m)) == UINT32_MAX)
			rc = nomem(v);
	}
	v->st->samples++;
	if (rc == 0 && pf_profile_add(v->q, stack, n, PF_COUNT_ONE, 0, v->err) != 0) {
		pf_err_name(v->err, v->name);
		rc = -1;
	}
	free(stack);
	return rc;
}

static int
on_end(void *ctx, int tag, int array)
{
	struct v8json *v = ctx;

	PF_UNUSED(array);
	if (tag == T_CODE)
		return code_end(v);
	if (tag == T_TICK)
		return tick_end(v);
	return 0;
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *x)
{
	struct v8json *v = ctx;
	int64_t k;

	switch (tag) {
	case T_NAME:
		return set_str(&v->cname, x) != 0 ? nomem(v) : 0;
	case T_TYPE:
		return set_str(&v->ctype, x) != 0 ? nomem(v) : 0;
	case T_KIND:
		return set_str(&v->ckind, x) != 0 ? nomem(v) : 0;
	case T_CODE:
		/* No object: no name. */
		v->cname.set = v->ctype.set = v->ckind.set = 0;
		return code_end(v);
	case T_TICK:
		v->ns = 0;
		return tick_end(v);
	case T_S:
		v->ns = 0;
		return 0;
	case T_S_ELEM:
		/* Pairs (code index, offset); an index that is no integer
		 * resolves to nothing, an odd last element is left out. */
		if (pf_json_index(v->json) % 2 == 0) {
			v->pending = pf_json_int(x, &k) ? k : -1;
			return 0;
		}
		if (pf_grow(&v->s, &v->scap, v->ns + 1, sizeof(*v->s)) != 0)
			return nomem(v);
		v->s[v->ns++] = v->pending;
		return 0;
	}
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

int
pf_v8_frame_name(struct pf_profile *p, const char *type, const char *name,
    size_t n, uint32_t *id)
{
	char *buf;
	size_t len = 0, i, tl = type != NULL ? strlen(type) : 0;

	buf = malloc(n + tl + 24);
	if (buf == NULL)
		return -1;
	if (type != NULL) {
		/* Builtins, bytecode handlers, stubs: "Builtin:ArrayMap". */
		memcpy(buf, type, tl);
		buf[tl] = ':';
		len = tl + 1;
	} else if (n > 0 && name[0] == ' ') {
		/* A JS function without a name: " file.js:1:1". */
		memcpy(buf, "(anonymous)", 11);
		len = 11;
	}
	for (i = 0; i < n; i++)
		buf[len++] = name[i] == ';' ? ':' : name[i] == '\n' ? ' ' : name[i];
	if (len == 0) {
		memcpy(buf, "[unknown]", 9);
		len = 9;
	}
	*id = pf_profile_intern(p, buf, len);
	free(buf);
	return *id == UINT32_MAX ? -1 : 0;
}

/* The frames of q (code indices) into names in p. */
static int
resolve(struct v8json *v, struct pf_profile *p)
{
	size_t nf = pf_profile_nframes(v->q), i, j, n, cap = 0;
	uint32_t *map = malloc((nf + 1) * sizeof(*map)), *stack = NULL, unknown;
	const uint32_t *fr;
	pf_count a;
	int rc = -1;

	unknown = pf_profile_intern(p, "[unknown]", 9);
	if (map == NULL || unknown == UINT32_MAX)
		goto nomem;
	for (i = 0; i < nf; i++) {
		size_t len;
		const char *s = pf_profile_frame(v->q, (uint32_t)i, &len);
		long long k = strtoll(s, NULL, 10);
		const char *name;

		map[i] = unknown;
		if (k < 0 || (unsigned long long)k >= v->ncode)
			continue;
		name = pf_profile_frame(v->names, v->code[k], &len);
		if ((map[i] = pf_profile_intern(p, name, len)) == UINT32_MAX)
			goto nomem;
	}
	for (i = 0; i < pf_profile_nstacks(v->q); i++) {
		fr = pf_profile_stack(v->q, i, &n, &a, NULL);
		if (pf_grow(&stack, &cap, n + 1, sizeof(*stack)) != 0)
			goto nomem;
		for (j = 0; j < n; j++)
			stack[j] = map[fr[j]];
		if (pf_profile_add(p, stack, n, a, 0, v->err) != 0) {
			pf_err_name(v->err, v->name);
			goto out;
		}
	}
	rc = 0;
	goto out;
nomem:
	pf_nomem(v->err, v->name, 0);
out:
	free(map);
	free(stack);
	return rc;
}

/*
 * The ticks are added by code index to a profile of their own, and the
 * code entries' names to another, so that "ticks" may come before "code"
 * and a file that ends early adds nothing; what is held grows with the
 * code entries and the distinct stacks, not with the ticks.
 */
int
pf_v8prof_json_read(struct pf_profile *p, struct pf_reader *r,
    struct pf_collapse_stats *st, struct pf_error *err)
{
	struct v8json v;
	int rc = -1;

	memset(&v, 0, sizeof(v));
	v.err = err;
	v.name = pf_reader_name(r);
	v.st = st;
	if ((v.q = pf_profile_new()) == NULL || (v.names = pf_profile_new()) == NULL ||
	    pf_grow(&v.s, &v.scap, 1, sizeof(*v.s)) != 0) {
		pf_nomem(err, v.name, 0);
		goto out;
	}
	if ((v.json = pf_json_new(r, &handler, &v, err)) == NULL ||
	    pf_json_parse(v.json, T_ROOT) != 0)
		goto out;
	if (!v.seen_code || !v.seen_ticks) {
		pf_err(err, v.name, 0, "not the JSON of node --prof-process "
		    "--preprocess: no \"code\" and \"ticks\" arrays");
		goto out;
	}
	rc = resolve(&v, p);
out:
	pf_json_free(v.json);
	pf_profile_free(v.q);
	pf_profile_free(v.names);
	free(v.code);
	free(v.s);
	free(v.cname.s);
	free(v.ctype.s);
	free(v.ckind.s);
	return rc;
}

/* ------------------------------------------------------ the row of v8-prof */

/* The JSON starts with "code" or "ticks"; the log has its event lines. */
int
pf_v8prof_detect(const struct pf_peek *pk, size_t *where)
{
	if (pf_peek_json_key(pk, "code") || pf_peek_json_key(pk, "ticks"))
		return PF_CLAIM_MAGIC;
	return pf_v8log_detect(pk, where);
}

/* Either of the two: JSON starts with '{', the log never does. */
int
pf_v8prof_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	const char *b;
	size_t n = pf_reader_peek(r, &b, 64, err), i = 0;

	PF_UNUSED(o);
	if (n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	if (i < n && b[i] == '{')
		return pf_v8prof_json_read(p, r, st, err);
	return pf_v8log_read(p, r, st, err);
}
