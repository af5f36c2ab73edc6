/*
 * stackprof.c - Ruby's stackprof profiles as JSON (StackProf.run with
 * raw: true, written by `stackprof --json` or JSON.generate of the result).
 *
 *   {"version": 1.2, "mode": "cpu", "interval": 1000, "samples": N, ...,
 *    "frames": {"ID": {"name": "Object#work", "file": "x.rb", ...}, ...},
 *    "raw": [DEPTH, ID (root) ... ID (leaf), COUNT, DEPTH, ...], ...}
 *
 * The raw stacks are the samples (their counts add up to "samples"); the
 * frames name their ids.  The JSON streams through: raw stacks are kept by
 * frame id (distinct stacks only) in a profile of their own, so that
 * "frames" may come before or after "raw", and named at the end.
 */
#include <stdlib.h>

#include "format.h"
#include "parse/json.h"

enum {
	T_ROOT = 1, T_MODE, T_FRAMES, T_FRAME, T_NAME, T_RAW,
};

#define MAX_DEPTH (1 << 20)

struct sp {
	struct pf_json *json;
	struct pf_error *err;
	const char *name;
	struct pf_collapse_stats *st;
	struct pf_profile *q;		/* raw stacks, frames are ids */
	struct pf_strmap frames;	/* id -> index in names */
	char **names;
	size_t *name_len;
	size_t nnames, names_cap, len_cap;
	struct pf_arena arena;
	char id[32];			/* of the frame being read */
	size_t id_len;
	int id_ok;
	char *fname;			/* its name */
	size_t fname_len, fname_cap;
	int seen_raw, seen_frames, object_mode;
	/* The raw record being read. */
	int state;			/* 0: depth next, 1: frames, 2: count */
	uint64_t depth;
	uint32_t *stk;
	size_t nstk, stk_cap;
};

static int
nomem(struct sp *s)
{
	return pf_json_fail(s->json, "out of memory");
}

static int
on_key(void *ctx, int tag, const char *key, size_t len)
{
	struct sp *s = ctx;

#define IS(x) (len == sizeof(x) - 1 && memcmp(key, x, len) == 0)
	switch (tag) {
	case T_ROOT:
		if (IS("raw") || IS("frames")) {
			if (IS("raw") ? s->seen_raw : s->seen_frames)
				return pf_json_fail(s->json, "the key \"%.*s\" appears twice",
				    (int)len, key);
			return IS("raw") ? T_RAW : T_FRAMES;
		}
		return IS("mode") ? T_MODE : 0;
	case T_FRAMES:
		/* A frame id: a decimal (an address in the Ruby process). */
		s->id_ok = len > 0 && len < sizeof(s->id);
		for (size_t k = 0; k < len && s->id_ok; k++)
			s->id_ok = key[k] >= '0' && key[k] <= '9';
		if (s->id_ok) {
			memcpy(s->id, key, len);
			s->id_len = len;
		}
		s->fname_len = 0;
		if (s->fname != NULL)
			s->fname[0] = '\0';
		return s->id_ok ? T_FRAME : 0;
	case T_FRAME:
		return IS("name") ? T_NAME : 0;
	}
#undef IS
	return 0;
}

static int
on_begin(void *ctx, int tag, int array)
{
	struct sp *s = ctx;

	switch (tag) {
	case T_ROOT:
		return array ? 0 : T_ROOT;
	case T_FRAMES:
		if (array)
			return 0;
		s->seen_frames = 1;
		return T_FRAMES;
	case T_FRAME:
		return array ? 0 : T_FRAME;
	case T_RAW:
		if (!array)
			return pf_json_fail(s->json, "\"raw\" is not an array");
		s->seen_raw = 1;
		return T_RAW;
	}
	return 0;
}

static int
frame_end(struct sp *s)
{
	struct pf_strmap_slot *slot;
	int nm = 0;
	char *n;
	size_t i;

	slot = pf_strmap_find(&s->frames, s->id, s->id_len,
	    pf_hash_bytes(s->id, s->id_len, 0), 1, &nm);
	if (slot == NULL)
		return nomem(s);
	if (slot->value != UINT32_MAX)
		return pf_json_fail(s->json, "frame %.*s is defined twice", (int)s->id_len, s->id);
	if (pf_grow(&s->names, &s->names_cap, s->nnames + 1, sizeof(*s->names)) != 0 ||
	    pf_grow(&s->name_len, &s->len_cap, s->nnames + 1, sizeof(*s->name_len)) != 0)
		return nomem(s);
	if (s->fname_len == 0) {
		/* No name: the id says which frame it was. */
		n = pf_arena_strdup(&s->arena, s->id, s->id_len);
		i = s->id_len;
	} else {
		n = pf_arena_strdup(&s->arena, s->fname, s->fname_len);
		i = s->fname_len;
	}
	if (n == NULL)
		return nomem(s);
	for (size_t k = 0; k < i; k++)
		if (n[k] == ';' || n[k] == '\n')
			n[k] = n[k] == ';' ? ':' : ' ';
	s->names[s->nnames] = n;
	s->name_len[s->nnames] = i;
	slot->value = (uint32_t)s->nnames++;
	return 0;
}

static int
on_end(void *ctx, int tag, int array)
{
	struct sp *s = ctx;

	if (tag == T_FRAME && !array)
		return frame_end(s);
	if (tag == T_RAW && s->state != 0)
		return pf_json_fail(s->json, "\"raw\" ends inside a record (a depth, "
		    "its frames, then a count)");
	return 0;
}

static int
raw_value(struct sp *s, const struct pf_json_value *v)
{
	int64_t x;
	char key[24];
	uint32_t id;
	int n;

	if (!pf_json_int(v, &x) || x < 0)
		return pf_json_fail(s->json, "\"raw\" holds something other than a "
		    "whole number at %llu", (unsigned long long)pf_json_index(s->json));
	switch (s->state) {
	case 0:
		if (x > MAX_DEPTH)
			return pf_json_fail(s->json, "a raw stack of %lld frames (at most %d)",
			    (long long)x, MAX_DEPTH);
		s->depth = (uint64_t)x;
		s->nstk = 0;
		s->state = x > 0 ? 1 : 2;
		return 0;
	case 1:
		n = snprintf(key, sizeof(key), "%lld", (long long)x);
		if ((id = pf_profile_intern(s->q, key, (size_t)n)) == UINT32_MAX ||
		    pf_grow(&s->stk, &s->stk_cap, s->nstk + 1, sizeof(*s->stk)) != 0)
			return nomem(s);
		s->stk[s->nstk++] = id;
		if (s->nstk == s->depth)
			s->state = 2;
		return 0;
	default:
		s->state = 0;
		s->st->samples += (uint64_t)x;
		if (x == 0)
			return 0;
		if (s->nstk == 0) {
			if ((id = pf_profile_intern(s->q, "-", 1)) == UINT32_MAX)
				return nomem(s);
			s->stk[0] = id;
			s->nstk = 1;
		}
		/* -1 with err filled: an overflow, or no memory. */
		return pf_profile_add(s->q, s->stk, s->nstk, pf_count_from_u64((uint64_t)x), 0,
		    s->err) != 0 ? -1 : 0;
	}
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct sp *s = ctx;

	switch (tag) {
	case T_MODE:
		s->object_mode = v->type == PF_JSON_STRING && v->len == 6 &&
		    memcmp(v->s, "object", 6) == 0;
		return 0;
	case T_NAME:
		if (v->type != PF_JSON_STRING)
			return 0;
		if (pf_grow(&s->fname, &s->fname_cap, v->len + 1, 1) != 0)
			return nomem(s);
		memcpy(s->fname, v->s, v->len);
		s->fname[v->len] = '\0';
		s->fname_len = v->len;
		return 0;
	case T_RAW:
		return raw_value(s, v);
	}
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

int
pf_stackprof_detect(const struct pf_peek *pk, size_t *where)
{
	const char *b = pk->buf + pk->body;
	size_t n = pk->n - pk->body;

	(void)where;
	if (pf_peek_json_key(pk, "version") && pf_mem_has(b, n, "\"mode\"") &&
	    (pf_mem_has(b, n, "\"gc_samples\"") || pf_mem_has(b, n, "\"missed_samples\"")) &&
	    (pf_mem_has(b, n, "\"frames\"") || pf_mem_has(b, n, "\"raw\"")))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

/* The raw stacks, their ids named by the frames. */
static int
resolve(struct sp *s, struct pf_profile *p, struct pf_error *err)
{
	size_t nids = pf_profile_nframes(s->q), i, j, n, cap = 0;
	uint32_t *map = NULL, *frames = NULL;
	int rc = -1;

	if ((map = malloc((nids ? nids : 1) * sizeof(*map))) == NULL)
		return pf_nomem(err, s->name, 0);
	for (i = 0; i < nids; i++) {
		size_t len;
		const char *id = pf_profile_frame(s->q, (uint32_t)i, &len);
		struct pf_strmap_slot *slot;
		int nm = 0;

		if (len == 1 && id[0] == '-') {
			map[i] = pf_profile_intern(p, "[no stack]", 10);
		} else {
			slot = pf_strmap_find(&s->frames, id, len, pf_hash_bytes(id, len, 0), 0, &nm);
			if (slot == NULL || slot->value == UINT32_MAX) {
				pf_err(err, s->name, 0, "a raw stack has frame %.*s, which "
				    "\"frames\" does not name", (int)len, id);
				goto out;
			}
			map[i] = pf_profile_intern(p, s->names[slot->value],
			    s->name_len[slot->value]);
		}
		if (map[i] == UINT32_MAX) {
			pf_nomem(err, s->name, 0);
			goto out;
		}
	}
	for (i = 0; i < pf_profile_nstacks(s->q); i++) {
		pf_count a;
		const uint32_t *f = pf_profile_stack(s->q, i, &n, &a, NULL);

		if (pf_grow(&frames, &cap, n ? n : 1, sizeof(*frames)) != 0) {
			pf_nomem(err, s->name, 0);
			goto out;
		}
		for (j = 0; j < n; j++)
			frames[j] = map[f[j]];
		if (pf_profile_add(p, frames, n, a, 0, err) != 0) {
			pf_err_name(err, s->name);
			goto out;
		}
	}
	rc = 0;
out:
	free(map);
	free(frames);
	return rc;
}

int
pf_stackprof_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct sp s;
	int rc = -1;

	PF_UNUSED(o);
	memset(&s, 0, sizeof(s));
	s.name = pf_reader_name(r);
	s.st = st;
	s.err = err;
	pf_arena_init(&s.arena);
	if (pf_strmap_init(&s.frames, 256) != 0 || (s.q = pf_profile_new()) == NULL ||
	    pf_grow(&s.stk, &s.stk_cap, 1, sizeof(*s.stk)) != 0) {
		pf_nomem(err, s.name, 0);
		goto out;
	}
	if ((s.json = pf_json_new(r, &handler, &s, err)) == NULL ||
	    pf_json_parse(s.json, T_ROOT) != 0)
		goto out;
	if (!s.seen_raw) {
		pf_err(err, s.name, 0, "a stackprof profile without \"raw\" stacks: record "
		    "with StackProf.run(raw: true, ...)");
		goto out;
	}
	if (s.object_mode)
		st->unit = PF_UNIT_COUNT;
	rc = resolve(&s, p, err);
out:
	pf_json_free(s.json);
	pf_profile_free(s.q);
	pf_strmap_release(&s.frames);
	pf_arena_release(&s.arena);
	free(s.names);
	free(s.name_len);
	free(s.fname);
	free(s.stk);
	return rc;
}
