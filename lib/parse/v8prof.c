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
#include <jansson.h>
#include <stdlib.h>

#include "format.h"

struct v8json {
	struct pf_profile *p;
	struct pf_reader *r;
	struct pf_error *err;
	const char *name;
};

static size_t
load_cb(void *buf, size_t n, void *arg)
{
	struct v8json *v = arg;

	return pf_reader_read(v->r, buf, n, v->err);
}

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

int
pf_v8prof_json_read(struct pf_profile *p, struct pf_reader *r,
    struct pf_collapse_stats *st, struct pf_error *err)
{
	struct v8json v = { p, r, err, pf_reader_name(r) };
	json_error_t jerr;
	json_t *root, *code, *ticks, *t;
	uint32_t *ids = NULL, *stack = NULL, unknown;
	size_t ncode, i, j, n, cap = 0;
	int rc = -1;

	err->msg[0] = '\0';
	root = json_load_callback(load_cb, &v, 0, &jerr);
	if (root == NULL) {
		if (err->msg[0] != '\0')
			return -1;
		return pf_err(err, v.name, (uint64_t)(jerr.line > 0 ? jerr.line : 0),
		    "not valid JSON (column %d): %s", jerr.column, jerr.text);
	}
	code = json_object_get(root, "code");
	ticks = json_object_get(root, "ticks");
	if (!json_is_array(code) || !json_is_array(ticks)) {
		pf_err(err, v.name, 0, "not the JSON of node --prof-process "
		    "--preprocess: no \"code\" and \"ticks\" arrays");
		goto out;
	}
	ncode = json_array_size(code);
	ids = malloc((ncode + 1) * sizeof(*ids));
	unknown = pf_profile_intern(p, "[unknown]", 9);
	if (ids == NULL || unknown == UINT32_MAX)
		goto nomem;
	for (i = 0; i < ncode; i++) {
		json_t *c = json_array_get(code, i);
		const char *name = json_string_value(json_object_get(c, "name"));
		const char *type = json_string_value(json_object_get(c, "type"));
		const char *kind = json_string_value(json_object_get(c, "kind"));
		char lib[4096];

		if (name == NULL)
			name = "";
		if (type == NULL)
			type = "";
		if (strcmp(type, "SHARED_LIB") == 0) {
			snprintf(lib, sizeof(lib), "[%s]", name);
			if (pf_v8_frame_name(p, NULL, lib, strlen(lib), &ids[i]) != 0)
				goto nomem;
		} else if (pf_v8_frame_name(p, strcmp(type, "CODE") == 0 ?
		    (kind != NULL ? kind : "Code") : NULL, name, strlen(name),
		    &ids[i]) != 0) {
			goto nomem;
		}
	}
	json_array_foreach(ticks, i, t) {
		json_t *s = json_object_get(t, "s");

		n = json_array_size(s) / 2;
		if (pf_grow(&stack, &cap, n + 1, sizeof(*stack)) != 0)
			goto nomem;
		/* s runs from the running code outwards: reverse it. */
		for (j = 0; j < n; j++) {
			json_t *ix = json_array_get(s, 2 * j);
			json_int_t k = json_is_integer(ix) ? json_integer_value(ix) : -1;

			stack[n - 1 - j] = k >= 0 && (size_t)k < ncode ? ids[k] : unknown;
		}
		if (n == 0) {
			stack[0] = unknown;
			n = 1;
		}
		st->samples++;
		if (pf_profile_add(p, stack, n, PF_COUNT_ONE, 0, err) != 0) {
			pf_err_name(err, v.name);
			goto out;
		}
	}
	rc = 0;
	goto out;
nomem:
	pf_err(err, v.name, 0, "out of memory");
out:
	json_decref(root);
	free(ids);
	free(stack);
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
