/*
 * ghcjson.c - GHC's cost-centre profile as JSON (a program built with
 * -prof and run with +RTS -pj, GHC 8.2 and later) to folded stacks.
 *
 *   {"program": "prog", "arguments": [...], "rts_arguments": ["-pj"],
 *    "end_time": "...", "initial_capabilities": 0, "total_time": 0.25,
 *    "total_ticks": 254, "tick_interval": 1000, "total_alloc": 169235336,
 *    "cost_centres": [{"id": 4, "label": "main", "module": "Main",
 *                      "src_loc": "m.hs:3:1-9", "is_caf": false}, ...],
 *    "profile": {"id": 149, "entries": 0, "alloc": 832, "ticks": 0,
 *                "children": [{"id": 4, ...}, ...]}}
 *
 * "profile" is the cost-centre stack tree of the .prof report: each node
 * names its cost centre by id and holds the node's own entries, ticks and
 * bytes allocated (its children's excluded), so each node is a stack (its
 * ancestors' cost centres, then its own) weighted by its own cost, framed
 * "MODULE.LABEL" as ghcprof.c frames the report's lines.
 *
 * The .prof report leaves out the RTS's own cost centres (GC, IDLE,
 * SYSTEM, PROFILING.OVERHEAD_of, MAIN.DONT_CARE) and counts neither their
 * ticks nor their bytes in its totals; the JSON has them and counts them.
 * They are left out here too, and their costs said in a note, so that a
 * program's -pj profile folds as its -p report does; the individual %time
 * of --sample-type time is that of the report: ticks over the ticks kept,
 * in single precision and rounded to a tenth as GHC prints it.
 *
 * The JSON streams through: cost centres are interned as they come (GHC
 * writes them before the tree, and a tree before them is refused), and
 * the tree is folded node by node; only the path to the current node is
 * kept (and, for --sample-type time, each ticking node's stack until the
 * total is known).
 */
#include <stdio.h>
#include <stdlib.h>

#include "format.h"
#include "parse/json.h"

enum {
	T_ROOT = 1, T_TOTAL_TICKS, T_TOTAL_ALLOC, T_CCS, T_CC, T_CC_ID,
	T_CC_LABEL, T_CC_MODULE, T_NODE, T_NODE_ID, T_NODE_TICKS,
	T_NODE_ALLOC, T_CHILDREN,
};

/* The values of pf_ghc_sample_type (format.h). */
enum weight { W_TICKS, W_ALLOC, W_TIME };

/* A cost centre, by the index its id maps to. */
struct cc {
	uint32_t frame;
	int rts;		/* one of the RTS's own */
};

/* A node of the tree being read, on the path from the root. */
struct level {
	uint32_t cc;		/* index in gj.cc, UINT32_MAX before "id" */
	uint64_t ticks, alloc;
	int children;		/* "children" has begun */
};

struct gj {
	struct pf_json *json;
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	enum weight want;
	/* cost centres */
	struct pf_strmap ids;	/* decimal id -> index in cc */
	struct cc *cc;
	size_t ncc, cccap;
	int seen_ccs, seen_profile;
	/* the cost centre being read */
	int64_t cc_id;
	int cc_has_id;
	char *label, *module;
	size_t label_len, module_len, label_cap, module_cap;
	int has_label, has_module;
	char *buf;
	size_t bcap;
	/* the path to the current node, root first */
	struct level *lv;
	uint32_t *frames;
	size_t depth, lvcap, fcap;
	size_t rts_depth;	/* > 0: inside a node of the RTS's own, at
				   this depth */
	/* totals */
	uint64_t total_ticks, total_alloc;
	int has_total_ticks, has_total_alloc;
	uint64_t kept_ticks, kept_alloc, rts_ticks, rts_alloc;
	/* --sample-type time: [ticks, depth, frames...] per ticking node */
	uint64_t *rec;
	size_t nrec, reccap;
};

#define MAX_DEPTH 100000

static int
nomem(struct gj *g)
{
	return pf_json_fail(g->json, "out of memory");
}

/* A whole number from 0 to 2^64-1, as GHC writes its counts. */
static int
uint_value(const struct pf_json_value *v, uint64_t *out)
{
	size_t i;

	if (v->type != PF_JSON_NUMBER || v->len == 0)
		return 0;
	for (*out = 0, i = 0; i < v->len; i++)
		if (v->s[i] < '0' || v->s[i] > '9' ||
		    __builtin_mul_overflow(*out, 10, out) ||
		    __builtin_add_overflow(*out, (uint64_t)(v->s[i] - '0'), out))
			return 0;
	return 1;
}

/* The cost centres of the RTS's own, which the .prof report leaves out. */
static int
rts_own(const char *mod, size_t ml, const char *lab, size_t ll)
{
	static const char *const own[][2] = {
		{ "GC", "GC" }, { "IDLE", "IDLE" }, { "SYSTEM", "SYSTEM" },
		{ "PROFILING", "OVERHEAD_of" }, { "MAIN", "DONT_CARE" },
	};
	size_t i;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (ml == strlen(own[i][0]) && memcmp(mod, own[i][0], ml) == 0 &&
		    ll == strlen(own[i][1]) && memcmp(lab, own[i][1], ll) == 0)
			return 1;
	return 0;
}

static int
on_key(void *ctx, int tag, const char *key, size_t len)
{
	struct gj *g = ctx;

#define IS(x) (len == sizeof(x) - 1 && memcmp(key, x, len) == 0)
	switch (tag) {
	case T_ROOT:
		if (IS("cost_centres") || IS("profile")) {
			if (IS("cost_centres") ? g->seen_ccs : g->seen_profile)
				return pf_json_fail(g->json, "the key \"%.*s\" appears twice",
				    (int)len, key);
			if (IS("profile") && !g->seen_ccs)
				return pf_json_fail(g->json, "\"profile\" comes before "
				    "\"cost_centres\" (GHC writes the cost centres first)");
			return IS("profile") ? T_NODE : T_CCS;
		}
		if (IS("total_ticks"))
			return T_TOTAL_TICKS;
		return IS("total_alloc") ? T_TOTAL_ALLOC : 0;
	case T_CC:
		if (IS("id"))
			return T_CC_ID;
		if (IS("label"))
			return T_CC_LABEL;
		return IS("module") ? T_CC_MODULE : 0;
	case T_NODE:
		if (IS("id"))
			return T_NODE_ID;
		if (IS("ticks"))
			return T_NODE_TICKS;
		if (IS("alloc"))
			return T_NODE_ALLOC;
		return IS("children") ? T_CHILDREN : 0;
	}
#undef IS
	return 0;
}

static int
on_begin(void *ctx, int tag, int array)
{
	struct gj *g = ctx;
	struct level *l;

	switch (tag) {
	case T_ROOT:
		if (array)
			return pf_json_fail(g->json, "a GHC JSON profile is an object, "
			    "not an array");
		return T_ROOT;
	case T_CCS:
		if (!array)
			return pf_json_fail(g->json, "\"cost_centres\" is not an array");
		g->seen_ccs = 1;
		return T_CC;
	case T_CC:
		if (array)
			return pf_json_fail(g->json, "a cost centre is not an object");
		g->cc_has_id = g->has_label = g->has_module = 0;
		return T_CC;
	case T_NODE:
		if (array)
			return pf_json_fail(g->json, "a node of the profile tree is not "
			    "an object");
		g->seen_profile = 1;
		if (g->depth >= MAX_DEPTH)
			return pf_json_fail(g->json, "profile tree deeper than %d",
			    MAX_DEPTH);
		if (pf_grow(&g->lv, &g->lvcap, g->depth + 1, sizeof(*g->lv)) != 0 ||
		    pf_grow(&g->frames, &g->fcap, g->depth + 1, sizeof(*g->frames)) != 0)
			return nomem(g);
		l = &g->lv[g->depth++];
		memset(l, 0, sizeof(*l));
		l->cc = UINT32_MAX;
		return T_NODE;
	case T_CHILDREN:
		if (!array)
			return pf_json_fail(g->json, "\"children\" is not an array");
		l = &g->lv[g->depth - 1];
		if (l->cc == UINT32_MAX)
			return pf_json_fail(g->json, "a node's \"children\" come before "
			    "its \"id\"");
		l->children = 1;
		return T_NODE;
	}
	return 0;
}

/* The end of a cost centre: "MODULE.LABEL" interned under its id. */
static int
cc_end(struct gj *g)
{
	struct pf_strmap_slot *slot;
	char key[24];
	size_t m;
	int n, nm = 0;

	if (!g->cc_has_id)
		return pf_json_fail(g->json, "a cost centre without an \"id\"");
	if (!g->has_label || !g->has_module)
		return pf_json_fail(g->json, "cost centre %lld without a%s",
		    (long long)g->cc_id, g->has_label ? " \"module\"" : " \"label\"");
	n = snprintf(key, sizeof(key), "%lld", (long long)g->cc_id);
	slot = pf_strmap_find(&g->ids, key, (size_t)n, pf_hash_bytes(key, (size_t)n, 0), 1, &nm);
	if (slot == NULL)
		return nomem(g);
	if (slot->value != UINT32_MAX)
		return pf_json_fail(g->json, "cost centre %lld is defined twice",
		    (long long)g->cc_id);
	if (g->ncc >= UINT32_MAX - 1)
		return pf_json_fail(g->json, "more than %u cost centres", UINT32_MAX - 1);
	m = g->module_len + 1 + g->label_len;
	if (pf_grow(&g->cc, &g->cccap, g->ncc + 1, sizeof(*g->cc)) != 0 ||
	    pf_grow(&g->buf, &g->bcap, m, 1) != 0)
		return nomem(g);
	memcpy(g->buf, g->module, g->module_len);
	g->buf[g->module_len] = '.';
	memcpy(g->buf + g->module_len + 1, g->label, g->label_len);
	m = pf_name_tidy(g->buf, m, 0);
	pf_frame_name_clean(g->buf, m);
	g->cc[g->ncc].rts = rts_own(g->module, g->module_len, g->label, g->label_len);
	if ((g->cc[g->ncc].frame = pf_profile_intern(g->p, g->buf, m)) == UINT32_MAX)
		return nomem(g);
	slot->value = (uint32_t)g->ncc++;
	return 0;
}

/* Keeps a ticking node's stack until the ticks kept are known. */
static int
time_record(struct gj *g, uint64_t ticks)
{
	size_t k;

	if (pf_grow(&g->rec, &g->reccap, g->nrec + 2 + g->depth, sizeof(*g->rec)) != 0)
		return nomem(g);
	g->rec[g->nrec++] = ticks;
	g->rec[g->nrec++] = g->depth;
	for (k = 0; k < g->depth; k++)
		g->rec[g->nrec++] = g->frames[k];
	return 0;
}

/* The end of a node: its stack, weighted by its own cost. */
static int
node_end(struct gj *g)
{
	struct level *l = &g->lv[g->depth - 1];
	uint64_t w;
	int rc = 0;

	if (l->cc == UINT32_MAX)
		return pf_json_fail(g->json, "a node of the profile tree without an \"id\"");
	g->st->samples++;
	if (g->rts_depth > 0) {
		if (__builtin_add_overflow(g->rts_ticks, l->ticks, &g->rts_ticks) ||
		    __builtin_add_overflow(g->rts_alloc, l->alloc, &g->rts_alloc))
			return pf_json_fail(g->json, "the counts add up to more than 64 bits");
		if (g->rts_depth == g->depth)
			g->rts_depth = 0;
		g->depth--;
		return 0;
	}
	if (__builtin_add_overflow(g->kept_ticks, l->ticks, &g->kept_ticks) ||
	    __builtin_add_overflow(g->kept_alloc, l->alloc, &g->kept_alloc))
		return pf_json_fail(g->json, "the counts add up to more than 64 bits");
	w = g->want == W_ALLOC ? l->alloc : l->ticks;
	if (w != 0) {
		if (g->want == W_TIME)
			rc = time_record(g, w);
		else if (pf_profile_add(g->p, g->frames, g->depth, pf_count_from_u64(w), 0,
		    g->err) != 0)
			rc = -1;	/* err filled: an overflow, or no memory */
	}
	g->depth--;
	return rc;
}

static int
on_end(void *ctx, int tag, int array)
{
	struct gj *g = ctx;

	if (tag == T_CC && !array)
		return cc_end(g);
	if (tag == T_NODE && !array)
		return node_end(g);
	return 0;
}

static int
keep_string(struct gj *g, const struct pf_json_value *v, char **s, size_t *len,
    size_t *cap, int *has, const char *what)
{
	if (v->type != PF_JSON_STRING)
		return pf_json_fail(g->json, "a cost centre's \"%s\" is not a string", what);
	if (pf_grow(s, cap, v->len + 1, 1) != 0)
		return nomem(g);
	memcpy(*s, v->s, v->len);
	*len = v->len;
	*has = 1;
	return 0;
}

static int
node_id(struct gj *g, const struct pf_json_value *v)
{
	struct level *l = &g->lv[g->depth - 1];
	struct pf_strmap_slot *slot;
	int64_t id;
	int nm = 0;

	if (!pf_json_int(v, &id))
		return pf_json_fail(g->json, "a node's \"id\" is not a whole number");
	if (l->cc != UINT32_MAX)
		return pf_json_fail(g->json, "a node has two \"id\"s");
	slot = pf_strmap_find(&g->ids, v->s, v->len, pf_hash_bytes(v->s, v->len, 0), 0, &nm);
	if (slot == NULL || slot->value == UINT32_MAX)
		return pf_json_fail(g->json, "a node of the profile tree has cost centre "
		    "%lld, which \"cost_centres\" does not list", (long long)id);
	l->cc = slot->value;
	g->frames[g->depth - 1] = g->cc[l->cc].frame;
	if (g->cc[l->cc].rts && g->rts_depth == 0)
		g->rts_depth = g->depth;
	return 0;
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct gj *g = ctx;
	struct level *l = g->depth > 0 ? &g->lv[g->depth - 1] : NULL;

	switch (tag) {
	case T_TOTAL_TICKS:
		g->has_total_ticks = uint_value(v, &g->total_ticks);
		return 0;
	case T_TOTAL_ALLOC:
		g->has_total_alloc = uint_value(v, &g->total_alloc);
		return 0;
	case T_CC_ID:
		if (!pf_json_int(v, &g->cc_id) || g->cc_id < 0)
			return pf_json_fail(g->json, "a cost centre's \"id\" is not a "
			    "whole number");
		g->cc_has_id = 1;
		return 0;
	case T_CC_LABEL:
		return keep_string(g, v, &g->label, &g->label_len, &g->label_cap,
		    &g->has_label, "label");
	case T_CC_MODULE:
		return keep_string(g, v, &g->module, &g->module_len, &g->module_cap,
		    &g->has_module, "module");
	case T_NODE_ID:
		/* pf_json_int accepts "-0" and the like; ids are keyed as
		 * written, so they must be written as GHC does. */
		if (v->type == PF_JSON_NUMBER && (v->len == 0 || v->s[0] < '0' ||
		    v->s[0] > '9' || (v->s[0] == '0' && v->len > 1)))
			return pf_json_fail(g->json, "a node's \"id\" is not a whole number");
		return node_id(g, v);
	case T_NODE_TICKS:
	case T_NODE_ALLOC:
		if (!uint_value(v, tag == T_NODE_TICKS ? &l->ticks : &l->alloc))
			return pf_json_fail(g->json, "a node's \"%s\" is not a whole "
			    "number from 0 to 2^64-1", tag == T_NODE_TICKS ? "ticks" : "alloc");
		return 0;
	}
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

/*
 * GHC's own keys, in the first bytes: the header GHC writes before the
 * cost centres.  No other JSON profile has "rts_arguments".
 */
int
pf_ghcjson_detect(const struct pf_peek *pk, size_t *where)
{
	const char *b = pk->buf + pk->body;
	size_t n = pk->n - pk->body;

	(void)where;
	if (pf_peek_json_key(pk, "program") && pf_mem_has(b, n, "\"arguments\"") &&
	    pf_mem_has(b, n, "\"rts_arguments\"") && pf_mem_has(b, n, "\"total_ticks\"") &&
	    pf_mem_has(b, n, "\"cost_centres\""))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

/* The individual %time of a node as the .prof report prints it, in tenths
 * of a percent: ticks over the total in single precision, "%5.1f". */
static uint64_t
time_tenths(uint64_t ticks, uint64_t total)
{
	float f = (float)ticks / (float)total * 100.0f;
	char s[64];
	size_t i;
	uint64_t t = 0;

	snprintf(s, sizeof(s), "%.1f", (double)f);
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] >= '0' && s[i] <= '9')
			t = t * 10 + (uint64_t)(s[i] - '0');
	return t;
}

static int
time_fold(struct gj *g)
{
	size_t i = 0, d, k;
	uint64_t t;
	uint32_t *fr = NULL;
	size_t frcap = 0;
	int rc = 0;

	while (i < g->nrec && rc == 0) {
		t = time_tenths(g->rec[i], g->kept_ticks);
		d = (size_t)g->rec[i + 1];
		i += 2;
		if (pf_grow(&fr, &frcap, d, sizeof(*fr)) != 0) {
			rc = pf_nomem(g->err, g->name, 0);
			break;
		}
		for (k = 0; k < d; k++)
			fr[k] = (uint32_t)g->rec[i + k];
		i += d;
		if (t != 0 && pf_profile_add(g->p, fr, d, pf_count_from_u64(t), 0, g->err) != 0) {
			pf_err_name(g->err, g->name);
			rc = -1;
		}
	}
	free(fr);
	return rc;
}

int
pf_ghcjson_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct gj g;
	char a[32], b[32];
	int rc = -1;

	memset(&g, 0, sizeof(g));
	g.p = p;
	g.st = st;
	g.err = err;
	g.name = pf_reader_name(r);
	if ((rc = pf_ghc_sample_type(o, g.name, err)) < 0)
		return -1;
	g.want = (enum weight)rc;
	rc = -1;
	st->unit = g.want == W_ALLOC ? PF_UNIT_BYTES :
	    g.want == W_TIME ? PF_UNIT_COUNT : PF_UNIT_SAMPLES;
	if (pf_strmap_init(&g.ids, 256) != 0) {
		pf_nomem(err, g.name, 0);
		goto out;
	}
	if ((g.json = pf_json_new(r, &handler, &g, err)) == NULL ||
	    pf_json_parse(g.json, T_ROOT) != 0)
		goto out;
	if (!g.seen_profile) {
		pf_err(err, g.name, 0, "a GHC JSON profile without its \"profile\" tree: "
		    "cut short?");
		goto out;
	}
	if (g.want == W_TIME && g.kept_ticks > 0 && time_fold(&g) != 0)
		goto out;
	if (g.has_total_ticks && g.want != W_ALLOC &&
	    g.kept_ticks + g.rts_ticks != g.total_ticks)
		snprintf(st->note, sizeof(st->note), "the profile tree holds %llu ticks, "
		    "but the profile's total_ticks says %llu",
		    (unsigned long long)(g.kept_ticks + g.rts_ticks),
		    (unsigned long long)g.total_ticks);
	else if (g.has_total_alloc && g.want == W_ALLOC &&
	    g.kept_alloc + g.rts_alloc != g.total_alloc)
		snprintf(st->note, sizeof(st->note), "the profile tree holds %llu bytes, "
		    "but the profile's total_alloc says %llu",
		    (unsigned long long)(g.kept_alloc + g.rts_alloc),
		    (unsigned long long)g.total_alloc);
	else if (g.rts_ticks > 0 || g.rts_alloc > 0) {
		pf_size_words(g.rts_alloc, b, sizeof(b));
		snprintf(a, sizeof(a), "%llu", (unsigned long long)g.rts_ticks);
		snprintf(st->note, sizeof(st->note), "left out the RTS's own cost "
		    "centres (GC, SYSTEM, profiling overhead, ...), as GHC's .prof "
		    "report does: %s ticks, %s allocated", a, b);
	}
	rc = 0;
out:
	pf_json_free(g.json);
	pf_strmap_release(&g.ids);
	free(g.cc);
	free(g.label);
	free(g.module);
	free(g.buf);
	free(g.lv);
	free(g.frames);
	free(g.rec);
	return rc;
}
