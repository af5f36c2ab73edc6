/*
 * firefox.c - Firefox Profiler and Gecko profiles (JSON) to folded stacks.
 *
 * Two shapes of one model are read.  Each thread of the profile has a
 * stack table (a tree: each stack is a "prefix", its caller's stack or
 * null at a root, and a "frame"), a frame table, a string table and
 * samples, each of which names a stack (or null: no stack).
 *
 *  - The Gecko profile (what Firefox's profiler, perf's gecko script and
 *    Firefox's DevTools recordings write): tables are {"schema": {COLUMN:
 *    POSITION}, "data": [[row], ...]}; a frame's "location" is its name in
 *    the thread's "stringTable"; subprocesses are whole profiles nested in
 *    "processes".  A DevTools recording holds the profile under the key
 *    "profile".
 *  - The processed profile (what profiler.firefox.com saves and samply
 *    writes): tables are objects of columns, {"prefix": [...], "frame":
 *    [...], "length": N}; a frame's "func" indexes the "funcTable", whose
 *    "name" indexes the strings: the thread's "stringArray" (or, in older
 *    versions, "stringTable"), or the profile's "shared.stringArray".
 *
 * A sample weighs 1, or its "weight" when the samples have a weight column
 * (then "weightType" says what it counts: "samples", "tracing-ms" or
 * "bytes").  Every stack starts with a frame for its thread.
 *
 * The members of the document come in any order, so nothing is folded
 * before the end: what is held is each thread's tables (two numbers a
 * stack, one a frame and a function, the strings) and its samples summed
 * by stack, so memory grows with the tables, not with the samples.  One
 * exception: the columns "stack" and "weight" of processed samples are
 * paired by position, so the first of them is held as runs of equal
 * values until the second comes; past RUN_CAP runs it is dropped, which
 * still folds when the weights are all equal and is refused otherwise.
 * The stacks go to a profile of their own, merged into the caller's once
 * the whole document has been read: a truncated file adds nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "format.h"
#include "json.h"

#define NONE UINT32_MAX
/* Runs of a sample column held to pair it with the other. */
#define RUN_CAP ((size_t)1 << 22)

enum tag {
	T_ROOT = 1,
	T_PROFILE,		/* a profile: the root, "profile", "processes" */
	T_PROCESSES,
	T_THREADS, T_THREAD,
	T_TNAME, T_PNAME, T_PID, T_TID,
	T_SHARED,
	T_STRINGS, T_STRING,
	T_TABLE,		/* samples, stackTable, frameTable, funcTable */
	T_SCHEMA, T_SCHEMA_COL,
	T_DATA, T_ROW, T_CELL,
	T_COLUMN, T_COLVAL,
	T_WEIGHT_TYPE,
};

enum kind { K_SAMPLES, K_STACKS, K_FRAMES, K_FUNCS };

/* The two columns read of each table: samples: stack, weight; stacks:
 * prefix, frame; frames: location (Gecko) or func; funcs: name. */
enum { COL_A, COL_B, COL_NONE };

enum wtype { W_SAMPLES, W_MS, W_BYTES };

struct col {
	uint32_t *v;
	size_t n, cap;
};

struct strtab {
	char *buf;
	size_t used, cap;
	size_t *off;		/* n + 1 offsets into buf */
	size_t n, ocap;
	int seen;
};

/* The samples of a thread summed by stack (open addressing). */
struct agg {
	uint32_t *key;		/* stack + 1; 0: empty */
	uint64_t *n;
	pf_count *w;
	size_t mask, count;
	size_t last;		/* the slot added to last */
};

struct run {
	uint32_t v, n;
};

struct wrun {
	pf_count w;
	uint64_t n;
};

/* A stack table, a frame table and a function table: a thread's, or
 * those of profile.shared that threads without their own use. */
struct tables {
	struct col prefix, sframe, fval, fname;
	int frames_are_funcs, has_funcs, has_stacks, prefix_offset;
	uint32_t *ids;		/* frame -> frame id, when folding */
};

struct thread {
	char *name, *pname;
	char pid[32], tid[32];
	struct tables tab;
	struct strtab strings;	/* its own, when .seen */
	struct agg agg;
	int weighted, wtype, has_samples;
	uint64_t samples, nostack;
};

struct ff {
	struct pf_profile *q;
	const struct pf_collapse_options *o;
	struct pf_json *json;
	struct pf_error *err;
	const char *name;
	struct thread *th;
	size_t nth, thcap;
	struct strtab shared;
	struct strtab *strtarget;
	struct tables stab;	/* profile.shared's */
	struct tables *tab;	/* the tables being read */
	int threads_seen;
	/* the table being read */
	int kind;
	int pos[2];		/* Gecko schema: positions of COL_A, COL_B */
	int schema_seen, schema_key;
	int col;		/* the column being read */
	int64_t cell[2];	/* the row being read */
	pf_count wcell;
	int cell_set[2];
	uint64_t row;
	/* processed samples: pairing "stack" and "weight" */
	int stack_done, weight_done, weight_null;
	struct run *sr;
	size_t nsr, srcap, scur;
	uint32_t soff;
	int sr_dropped;
	struct wrun *wr;
	size_t nwr, wrcap, wcur;
	uint64_t woff;
	uint64_t ns, nw;
	pf_count wfirst;
	int wsame;
	char *buf;
	size_t bufcap;
	uint32_t *stack;
	size_t stackcap;
};

static int
nomem(struct ff *f)
{
	return pf_json_fail(f->json, "out of memory");
}

static int
col_set(struct col *c, uint64_t i, uint32_t v)
{
	if (i >= NONE - 1)
		return -1;
	if (i >= c->n) {
		if (pf_grow(&c->v, &c->cap, (size_t)i + 1, sizeof(*c->v)) != 0)
			return -1;
		while (c->n <= i)
			c->v[c->n++] = NONE;
	}
	c->v[i] = v;
	return 0;
}

static int
str_add(struct strtab *s, const char *p, size_t len)
{
	if (s->n >= NONE - 1 || pf_grow(&s->buf, &s->cap, s->used + len + 1, 1) != 0 ||
	    pf_grow(&s->off, &s->ocap, s->n + 2, sizeof(*s->off)) != 0)
		return -1;
	if (s->n == 0)
		s->off[0] = 0;
	memcpy(s->buf + s->used, p, len);
	s->used += len;
	s->off[++s->n] = s->used;
	return 0;
}

static void
str_free(struct strtab *s)
{
	free(s->buf);
	free(s->off);
}

/* ------------------------------------------------------- samples by stack */

static size_t
agg_hash(uint32_t k, size_t mask)
{
	return (size_t)((k * 0x9e3779b1u) ^ (k >> 15)) & mask;
}

/* Adds n samples of weight w to stack s (NONE: no stack). */
static int
agg_add(struct agg *a, uint32_t s, uint64_t n, pf_count w)
{
	uint32_t k = s + 1;	/* NONE + 1 wraps to 0: kept apart below */
	size_t i;

	if (k == 0)
		k = NONE;	/* stack NONE - 1 cannot exist (col_set) */
	if (a->count * 2 >= a->mask) {
		struct agg b;
		size_t j, cap = a->mask ? (a->mask + 1) * 2 : 64;

		b.key = calloc(cap, sizeof(*b.key));
		b.n = malloc(cap * sizeof(*b.n));
		b.w = malloc(cap * sizeof(*b.w));
		if (b.key == NULL || b.n == NULL || b.w == NULL) {
			free(b.key);
			free(b.n);
			free(b.w);
			return -1;
		}
		b.mask = cap - 1;
		b.count = a->count;
		b.last = 0;
		for (j = 0; a->mask && j <= a->mask; j++) {
			if (a->key[j] == 0)
				continue;
			for (i = agg_hash(a->key[j], b.mask); b.key[i] != 0; i = (i + 1) & b.mask)
				;
			b.key[i] = a->key[j];
			b.n[i] = a->n[j];
			b.w[i] = a->w[j];
		}
		free(a->key);
		free(a->n);
		free(a->w);
		*a = b;
	}
	for (i = agg_hash(k, a->mask); a->key[i] != 0 && a->key[i] != k; i = (i + 1) & a->mask)
		;
	if (a->key[i] == 0) {
		a->key[i] = k;
		a->n[i] = 0;
		a->w[i] = 0;
		a->count++;
	}
	a->n[i] += n;
	a->last = i;
	return pf_count_add(a->w[i], w, &a->w[i]) == PF_COUNT_OK ? 0 : -2;
}

static void
agg_free(struct agg *a)
{
	free(a->key);
	free(a->n);
	free(a->w);
}

/* ------------------------------------------------------------- values */

/* A table index (a stack, frame, function or string): *v, NONE for
 * null.  -1 when it is not one. */
static int
index_of(const struct pf_json_value *v, uint32_t *out)
{
	int64_t i;

	if (v->type == PF_JSON_NULL) {
		*out = NONE;
		return 0;
	}
	if (!pf_json_int(v, &i) || i < 0 || i >= (int64_t)NONE - 1)
		return -1;
	*out = (uint32_t)i;
	return 0;
}

static int
bad_index(struct ff *f, const char *what, const struct pf_json_value *v)
{
	return pf_json_fail(f->json, "%s is not an index ('%.*s')", what,
	    (int)(v->len < 40 ? v->len : 40), v->type == PF_JSON_NULL ? "null" : v->s);
}

/* A sample's weight: a non-negative number. */
static int
weight_of(struct ff *f, const struct pf_json_value *v, pf_count *out)
{
	double d;
	char tmp[64];

	if (v->type == PF_JSON_NUMBER && pf_count_parse(v->s, v->len, out) == PF_COUNT_OK)
		return 0;
	if (v->type == PF_JSON_NUMBER && v->len > 0 && v->s[0] == '-')
		return pf_json_fail(f->json, "a sample has a negative weight ('%.*s'): "
		    "a comparison of two profiles is not read",
		    (int)(v->len < 40 ? v->len : 40), v->s);
	/* An exponent (1e-05): its nearest decimal of 9 digits. */
	if (v->type == PF_JSON_NUMBER && pf_json_double(v, &d) && d >= 0 && d < 1e18 &&
	    (size_t)snprintf(tmp, sizeof(tmp), "%.9f", d) < sizeof(tmp) &&
	    pf_count_parse(tmp, strlen(tmp), out) == PF_COUNT_OK)
		return 0;
	return pf_json_fail(f->json, "a sample weight is not a number ('%.*s')",
	    (int)(v->len < 40 ? v->len : 40), v->type == PF_JSON_NULL ? "null" : v->s);
}

static int
add_sample(struct ff *f, uint32_t s, uint64_t n, pf_count w)
{
	struct thread *t = &f->th[f->nth - 1];
	struct agg *a = &t->agg;
	int rc;

	/* Consecutive samples often share their stack: the last slot first. */
	if (a->mask != 0 && a->key[a->last] == s + 1 && s != NONE) {
		a->n[a->last] += n;
		t->samples += n;
		if (w == 0)
			return 0;
		if (pf_count_add(a->w[a->last], w, &a->w[a->last]) != PF_COUNT_OK)
			return pf_json_fail(f->json, "the weights of a stack add up beyond "
			    "2^64");
		return 0;
	}
	rc = agg_add(a, s, n, w);

	if (rc == -1)
		return nomem(f);
	if (rc == -2)
		return pf_json_fail(f->json, "the weights of a stack add up beyond "
		    "2^64");
	t->samples += n;
	return 0;
}

/* ------------------------------------------- processed samples' columns */

static int
stack_value(struct ff *f, uint32_t s)
{
	pf_count w = PF_COUNT_ONE;

	f->ns++;
	if (f->weight_done && !f->weight_null) {
		while (f->wcur < f->nwr && f->woff >= f->wr[f->wcur].n) {
			f->wcur++;
			f->woff = 0;
		}
		if (f->wcur >= f->nwr)
			return pf_json_fail(f->json, "the samples have more stacks than "
			    "weights");
		w = f->wr[f->wcur].w;
		f->woff++;
		return add_sample(f, s, 1, w);
	}
	if (add_sample(f, s, 1, 0) != 0)
		return -1;
	/* Runs are held only while a weight column may still come. */
	if (f->sr_dropped || f->weight_done)
		return 0;
	if (f->nsr > 0 && f->sr[f->nsr - 1].v == s && f->sr[f->nsr - 1].n < NONE) {
		f->sr[f->nsr - 1].n++;
		return 0;
	}
	if (f->nsr >= RUN_CAP) {
		free(f->sr);
		f->sr = NULL;
		f->nsr = f->srcap = 0;
		f->sr_dropped = 1;
		return 0;
	}
	if (pf_grow(&f->sr, &f->srcap, f->nsr + 1, sizeof(*f->sr)) != 0)
		return nomem(f);
	f->sr[f->nsr++] = (struct run){ s, 1 };
	return 0;
}

static int
weight_value(struct ff *f, pf_count w)
{
	if (f->nw++ == 0)
		f->wfirst = w;
	else if (w != f->wfirst)
		f->wsame = 0;
	if (f->stack_done) {
		if (f->nw > f->ns)
			return pf_json_fail(f->json, "the samples have more weights than "
			    "stacks");
		if (f->sr_dropped) {
			if (!f->wsame)
				return pf_json_fail(f->json, "the samples' weights differ and "
				    "come after their stacks, of more than %zu runs: "
				    "pf-collapse does not hold that many", RUN_CAP);
			return 0;
		}
		while (f->scur < f->nsr && f->soff >= f->sr[f->scur].n) {
			f->scur++;
			f->soff = 0;
		}
		f->soff++;
		return add_sample(f, f->sr[f->scur].v, 0, w);
	}
	if (f->nwr > 0 && f->wr[f->nwr - 1].w == w) {
		f->wr[f->nwr - 1].n++;
		return 0;
	}
	if (f->nwr >= RUN_CAP)
		return pf_json_fail(f->json, "the samples' weights differ and come "
		    "before their stacks, in more than %zu runs: pf-collapse does not "
		    "hold that many", RUN_CAP);
	if (pf_grow(&f->wr, &f->wrcap, f->nwr + 1, sizeof(*f->wr)) != 0)
		return nomem(f);
	f->wr[f->nwr++] = (struct wrun){ w, 1 };
	return 0;
}

/* The end of a processed samples table. */
static int
samples_end(struct ff *f)
{
	struct thread *t = &f->th[f->nth - 1];
	struct agg *a = &t->agg;
	size_t i;
	int rc = 0;

	if (f->weight_done && !f->weight_null) {
		if (!f->stack_done && f->nw > 0)
			rc = pf_json_fail(f->json, "the samples have weights but no "
			    "\"stack\" column");
		else if (f->nw != f->ns)
			rc = pf_json_fail(f->json, "the samples have %llu stacks and %llu "
			    "weights", (unsigned long long)f->ns, (unsigned long long)f->nw);
		else if (f->sr_dropped)
			/* Equal weights, paired with no stack: each stack's samples
			 * times that weight. */
			for (i = 0; a->mask && i <= a->mask; i++)
				if (a->key[i] != 0 && pf_count_mul(pf_count_from_u64(a->n[i]),
				    f->wfirst, &a->w[i]) != PF_COUNT_OK) {
					rc = pf_json_fail(f->json, "the weights of a stack add "
					    "up beyond 2^64");
					break;
				}
		t->weighted = 1;
	}
	free(f->sr);
	free(f->wr);
	f->sr = NULL;
	f->wr = NULL;
	f->nsr = f->srcap = f->nwr = f->wrcap = 0;
	return rc;
}

/* ------------------------------------------------------------- callbacks */

#define IS(s) (len == sizeof(s) - 1 && memcmp(key, s, len) == 0)

static int
profile_key(struct ff *f, const char *key, size_t len)
{
	PF_UNUSED(f);
	if (IS("threads"))
		return T_THREADS;
	if (IS("processes"))
		return T_PROCESSES;
	if (IS("shared"))
		return T_SHARED;
	return 0;
}

static int
table_key(struct ff *f, const char *key, size_t len)
{
	int c = COL_NONE;

	if (IS("schema"))
		return T_SCHEMA;
	if (IS("data"))
		return T_DATA;
	switch (f->kind) {
	case K_SAMPLES:
		if (IS("weightType"))
			return T_WEIGHT_TYPE;
		c = IS("stack") ? COL_A : IS("weight") ? COL_B : COL_NONE;
		break;
	case K_STACKS:
		if (IS("prefixOffset"))
			f->tab->prefix_offset = 1;
		c = IS("prefix") ? COL_A : IS("frame") ? COL_B : COL_NONE;
		break;
	case K_FRAMES:
		c = IS("func") ? COL_A : COL_NONE;
		break;
	case K_FUNCS:
		c = IS("name") ? COL_A : COL_NONE;
		break;
	}
	if (c == COL_NONE)
		return 0;
	f->col = c;
	return T_COLUMN;
}

/* The column of a Gecko schema key. */
static int
schema_col(int kind, const char *key, size_t len)
{
	switch (kind) {
	case K_SAMPLES:
		return IS("stack") ? COL_A : IS("weight") ? COL_B : COL_NONE;
	case K_STACKS:
		return IS("prefix") ? COL_A : IS("frame") ? COL_B : COL_NONE;
	case K_FRAMES:
		return IS("location") ? COL_A : COL_NONE;
	}
	return COL_NONE;
}

/* The stack, frame and function tables. */
static int
tables_key(struct ff *f, const char *key, size_t len)
{
	if (IS("stackTable")) f->kind = K_STACKS;
	else if (IS("frameTable")) f->kind = K_FRAMES;
	else if (IS("funcTable")) f->kind = K_FUNCS;
	else return 0;
	return T_TABLE;
}

static int
on_key(void *ctx, int tag, const char *key, size_t len)
{
	struct ff *f = ctx;
	struct thread *t;

	switch (tag) {
	case T_ROOT:
		if (IS("profile"))
			return T_PROFILE;
		return profile_key(f, key, len);
	case T_PROFILE:
		return profile_key(f, key, len);
	case T_SHARED:
		if (IS("stringArray")) {
			f->strtarget = &f->shared;
			return T_STRINGS;
		}
		f->tab = &f->stab;
		return tables_key(f, key, len);
	case T_THREAD:
		t = &f->th[f->nth - 1];
		if (IS("name")) return T_TNAME;
		if (IS("processName")) return T_PNAME;
		if (IS("pid")) return T_PID;
		if (IS("tid")) return T_TID;
		if (IS("stringTable") || IS("stringArray")) {
			f->strtarget = &t->strings;
			return T_STRINGS;
		}
		if (IS("samples")) {
			f->kind = K_SAMPLES;
			return T_TABLE;
		}
		f->tab = &t->tab;
		return tables_key(f, key, len);
	case T_TABLE:
		return table_key(f, key, len);
	case T_SCHEMA:
		f->schema_key = schema_col(f->kind, key, len);
		return f->schema_key == COL_NONE ? 0 : T_SCHEMA_COL;
	}
	return 0;
}

#undef IS

static const char *const table_names[] = {
	[K_SAMPLES] = "samples", [K_STACKS] = "stackTable",
	[K_FRAMES] = "frameTable", [K_FUNCS] = "funcTable",
};

static int
on_begin(void *ctx, int tag, int array)
{
	struct ff *f = ctx;
	struct thread *t;

	switch (tag) {
	case T_ROOT:
	case T_PROFILE:
		if (array)
			return pf_json_fail(f->json, "not a Firefox profile: an array where "
			    "a profile object should be");
		return tag;
	case T_PROCESSES:
		return array ? T_PROFILE : 0;
	case T_THREADS:
		if (!array)
			return pf_json_fail(f->json, "\"threads\" is not an array");
		f->threads_seen = 1;
		return T_THREAD;
	case T_THREAD:
		if (array)
			return pf_json_fail(f->json, "a thread is not an object");
		if (f->nth >= NONE - 1 ||
		    pf_grow(&f->th, &f->thcap, f->nth + 1, sizeof(*f->th)) != 0)
			return nomem(f);
		t = &f->th[f->nth++];
		memset(t, 0, sizeof(*t));
		return T_THREAD;
	case T_SHARED:
		return array ? 0 : T_SHARED;
	case T_STRINGS:
		if (!array)
			return pf_json_fail(f->json, "a string table is not an array");
		if (f->strtarget->seen)
			return pf_json_fail(f->json, "a second string table");
		f->strtarget->seen = 1;
		return T_STRING;
	case T_TABLE:
		if (array) {
			if (f->kind == K_SAMPLES)
				return pf_json_fail(f->json, "the samples are an array, not a "
				    "table: a Gecko profile older than its schema and data "
				    "tables (format version 8?) is not read");
			return pf_json_fail(f->json, "\"%s\" is not an object",
			    table_names[f->kind]);
		}
		f->pos[0] = f->pos[1] = -1;
		f->schema_seen = 0;
		if (f->kind == K_SAMPLES) {
			t = &f->th[f->nth - 1];
			if (t->has_samples)
				return pf_json_fail(f->json, "a thread has two \"samples\"");
			t->has_samples = 1;
			f->stack_done = f->weight_done = f->weight_null = 0;
			f->sr_dropped = 0;
			f->scur = f->wcur = 0;
			f->soff = 0;
			f->woff = 0;
			f->ns = f->nw = 0;
			f->wsame = 1;
		}
		if (f->kind == K_FUNCS)
			f->tab->has_funcs = 1;
		if (f->kind == K_STACKS) {
			if (f->tab->has_stacks)
				return pf_json_fail(f->json, "a second stack table");
			f->tab->has_stacks = 1;
		}
		return T_TABLE;
	case T_SCHEMA:
		if (array)
			return pf_json_fail(f->json, "the schema of \"%s\" is not an object",
			    table_names[f->kind]);
		f->schema_seen = 1;
		return T_SCHEMA;
	case T_DATA:
		if (!array)
			return pf_json_fail(f->json, "the data of \"%s\" is not an array",
			    table_names[f->kind]);
		if (!f->schema_seen)
			return pf_json_fail(f->json, "the data of \"%s\" comes before its "
			    "schema", table_names[f->kind]);
		if (f->pos[COL_A] < 0)
			return pf_json_fail(f->json, "the schema of \"%s\" has no \"%s\" "
			    "column", table_names[f->kind], f->kind == K_SAMPLES ? "stack" :
			    f->kind == K_STACKS ? "prefix" : f->kind == K_FRAMES ? "location" :
			    "name");
		if (f->kind == K_STACKS && f->pos[COL_B] < 0)
			return pf_json_fail(f->json, "the schema of \"stackTable\" has no "
			    "\"frame\" column");
		if (f->kind == K_SAMPLES && f->pos[COL_B] >= 0)
			f->th[f->nth - 1].weighted = 1;
		return T_ROW;
	case T_ROW:
		if (!array)
			return pf_json_fail(f->json, "a row of \"%s\" is not an array",
			    table_names[f->kind]);
		f->row = pf_json_index(f->json);
		f->cell_set[0] = f->cell_set[1] = 0;
		return T_CELL;
	case T_CELL:
		return 0;	/* an object or array in a row: not a column read */
	case T_COLUMN:
		if (!array)
			return pf_json_fail(f->json, "a column of \"%s\" is not an array",
			    table_names[f->kind]);
		return T_COLVAL;
	}
	return 0;
}

static int
row_end(struct ff *f)
{
	struct tables *t = f->tab;
	uint32_t a = f->cell_set[0] ? (uint32_t)f->cell[0] : NONE;
	uint32_t b = f->cell_set[1] ? (uint32_t)f->cell[1] : NONE;

	switch (f->kind) {
	case K_SAMPLES:
		if (f->pos[COL_B] >= 0 && !f->cell_set[1])
			return pf_json_fail(f->json, "a sample has no weight");
		return add_sample(f, a, 1, f->pos[COL_B] >= 0 ? f->wcell : PF_COUNT_ONE);
	case K_STACKS:
		if (b == NONE)
			return pf_json_fail(f->json, "stack %llu has no frame",
			    (unsigned long long)f->row);
		if (col_set(&t->prefix, f->row, a) != 0 || col_set(&t->sframe, f->row, b) != 0)
			return nomem(f);
		return 0;
	case K_FRAMES:
		t->frames_are_funcs = 0;
		return col_set(&t->fval, f->row, a) != 0 ? nomem(f) : 0;
	}
	return 0;
}

static int
on_end(void *ctx, int tag, int array)
{
	struct ff *f = ctx;

	PF_UNUSED(array);
	switch (tag) {
	case T_ROW:
		return row_end(f);
	case T_COLUMN:
		if (f->kind == K_SAMPLES && f->col == COL_A)
			f->stack_done = 1;
		else if (f->kind == K_SAMPLES && f->col == COL_B)
			f->weight_done = 1;
		return 0;
	case T_TABLE:
		if (f->kind == K_SAMPLES)
			return samples_end(f);
		return 0;
	}
	return 0;
}

/* A thread's name, pid or tid, kept as text. */
static int
keep_text(struct ff *f, char **dst, char *fixed, size_t fcap, const struct pf_json_value *v)
{
	char *s;

	if (v->type != PF_JSON_STRING && v->type != PF_JSON_NUMBER)
		return 0;
	if (fixed != NULL) {
		size_t n = v->len < fcap - 1 ? v->len : fcap - 1;

		memcpy(fixed, v->s, n);
		fixed[n] = '\0';
		return 0;
	}
	if ((s = malloc(v->len + 1)) == NULL)
		return nomem(f);
	memcpy(s, v->s, v->len);
	s[v->len] = '\0';
	free(*dst);
	*dst = s;
	return 0;
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct ff *f = ctx;
	struct thread *t = f->nth > 0 ? &f->th[f->nth - 1] : NULL;
	struct tables *tb = f->tab;
	uint64_t i;
	uint32_t x;
	int64_t n;
	pf_count w;

	switch (tag) {
	case T_ROOT:
	case T_PROFILE:
		return pf_json_fail(f->json, "not a Firefox profile: a %s where a profile "
		    "object should be", v->type == PF_JSON_STRING ? "string (a subprocess "
		    "profile stored as text, by old versions of Firefox, is not read)" :
		    "scalar");
	case T_THREAD:
		return pf_json_fail(f->json, "a thread is not an object%s",
		    v->type == PF_JSON_STRING ? " (a thread stored as text, by old "
		    "versions of Firefox, is not read)" : "");
	case T_TNAME:
		return keep_text(f, &t->name, NULL, 0, v);
	case T_PNAME:
		return keep_text(f, &t->pname, NULL, 0, v);
	case T_PID:
		return keep_text(f, NULL, t->pid, sizeof(t->pid), v);
	case T_TID:
		return keep_text(f, NULL, t->tid, sizeof(t->tid), v);
	case T_STRING:
		if (v->type != PF_JSON_STRING && v->type != PF_JSON_NULL)
			return pf_json_fail(f->json, "a string table holds a %s",
			    v->type == PF_JSON_NUMBER ? "number" : "boolean");
		return str_add(f->strtarget, v->type == PF_JSON_STRING ? v->s : "",
		    v->type == PF_JSON_STRING ? v->len : 0) != 0 ? nomem(f) : 0;
	case T_SCHEMA_COL:
		if (!pf_json_int(v, &n) || n < 0 || n > 1000)
			return pf_json_fail(f->json, "a column position of the schema of "
			    "\"%s\" is not a small number", table_names[f->kind]);
		f->pos[f->schema_key] = (int)n;
		return 0;
	case T_CELL:
		i = pf_json_index(f->json);
		if ((int64_t)i == f->pos[COL_B] && f->kind == K_SAMPLES) {
			if (weight_of(f, v, &f->wcell) != 0)
				return -1;
			f->cell_set[1] = 1;
			return 0;
		}
		if ((int64_t)i == f->pos[COL_A] || (int64_t)i == f->pos[COL_B]) {
			int c = (int64_t)i == f->pos[COL_A] ? 0 : 1;

			if (index_of(v, &x) != 0)
				return bad_index(f, f->kind == K_SAMPLES ? "a sample's stack" :
				    f->kind == K_STACKS ? (c == 0 ? "a stack's prefix" :
				    "a stack's frame") : "a frame's location", v);
			f->cell[c] = x;
			f->cell_set[c] = x != NONE;
		}
		return 0;
	case T_COLUMN:
		/* "weight": null, or a column given as a single value. */
		if (f->kind == K_SAMPLES && f->col == COL_B && v->type == PF_JSON_NULL) {
			f->weight_done = f->weight_null = 1;
			return 0;
		}
		return pf_json_fail(f->json, "a column of \"%s\" is not an array",
		    table_names[f->kind]);
	case T_COLVAL:
		i = pf_json_index(f->json);
		if (f->kind == K_SAMPLES && f->col == COL_B)
			return weight_of(f, v, &w) != 0 ? -1 : weight_value(f, w);
		if (index_of(v, &x) != 0)
			return bad_index(f, f->kind == K_SAMPLES ? "a sample's stack" :
			    f->kind == K_STACKS ? (f->col == COL_A ? "a stack's prefix" :
			    "a stack's frame") : f->kind == K_FRAMES ? "a frame's func" :
			    "a function's name", v);
		switch (f->kind) {
		case K_SAMPLES:
			return stack_value(f, x);
		case K_STACKS:
			return col_set(f->col == COL_A ? &tb->prefix : &tb->sframe, i, x) != 0 ?
			    nomem(f) : 0;
		case K_FRAMES:
			tb->frames_are_funcs = 1;
			return col_set(&tb->fval, i, x) != 0 ? nomem(f) : 0;
		case K_FUNCS:
			return col_set(&tb->fname, i, x) != 0 ? nomem(f) : 0;
		}
		return 0;
	case T_WEIGHT_TYPE:
		if (v->type != PF_JSON_STRING)
			return 0;
		if (v->len == 10 && memcmp(v->s, "tracing-ms", 10) == 0)
			t->wtype = W_MS;
		else if (v->len == 5 && memcmp(v->s, "bytes", 5) == 0)
			t->wtype = W_BYTES;
		else if (v->len == 7 && memcmp(v->s, "samples", 7) == 0)
			t->wtype = W_SAMPLES;
		else
			return pf_json_fail(f->json, "unknown weight type '%.*s' (not "
			    "samples, tracing-ms or bytes)", (int)(v->len < 40 ? v->len : 40),
			    v->s);
		return 0;
	}
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

/* ------------------------------------------------------------- folding */

/* The frame of thread t's root: "NAME", "NAME-PID" (--pid) or
 * "NAME-PID/TID" (--tid). */
static uint32_t
root_frame(struct ff *f, const struct thread *t)
{
	const char *name = t->name != NULL && t->name[0] != '\0' ? t->name :
	    t->pname != NULL && t->pname[0] != '\0' ? t->pname : "thread";
	const char *pid = t->pid[0] != '\0' ? t->pid : "?";
	const char *tid = t->tid[0] != '\0' ? t->tid : "?";
	size_t k = strlen(name), len;

	if (pf_grow(&f->buf, &f->bufcap, k + 80, 1) != 0)
		return NONE;
	memcpy(f->buf, name, k);
	len = k;
	if (f->o->perf.include_tid)
		len += (size_t)snprintf(f->buf + len, 80, "-%s/%s", pid, tid);
	else if (f->o->perf.include_pid)
		len += (size_t)snprintf(f->buf + len, 80, "-%s", pid);
	pf_frame_name_clean(f->buf, len);
	return pf_profile_intern(f->q, f->buf, len);
}

/* The frame id of frame k of tables tb, cached in tb->ids. */
static int
frame_id(struct ff *f, const struct tables *tb, const struct strtab *s, uint32_t k,
    const char *tname)
{
	uint32_t si = tb->fval.v[k], fn = si;
	size_t len;

	if (tb->ids[k] != NONE)
		return 0;
	if (tb->frames_are_funcs) {
		if (fn == NONE || fn >= tb->fname.n)
			return pf_err(f->err, f->name, 0, "thread '%s': frame %u names "
			    "function %u, which the function table (of %zu) does not have",
			    tname, k, fn, tb->fname.n);
		si = tb->fname.v[fn];
	}
	if (si == NONE || si >= s->n)
		return pf_err(f->err, f->name, 0, "thread '%s': frame %u is named by "
		    "string %u, which the string table (of %zu) does not have", tname, k,
		    si, s->n);
	len = s->off[si + 1] - s->off[si];
	if (pf_grow(&f->buf, &f->bufcap, len + 16, 1) != 0)
		return pf_nomem(f->err, f->name, 0);
	memcpy(f->buf, s->buf + s->off[si], len);
	pf_frame_name_clean(f->buf, len);
	if (len == 0) {
		memcpy(f->buf, "(no name)", 9);
		len = 9;
	}
	if ((tb->ids[k] = pf_profile_intern(f->q, f->buf, len)) == NONE)
		return pf_nomem(f->err, f->name, 0);
	return 0;
}

/* Checks tables tb (of thread tname) once, and makes its cache of frame
 * ids. */
static int
tables_ready(struct ff *f, struct tables *tb, const struct strtab *s, const char *tname)
{
	size_t i;

	if (tb->ids != NULL)
		return 0;
	if (tb->prefix_offset && tb->prefix.n == 0)
		return pf_err(f->err, f->name, 0, "thread '%s': the stack table has "
		    "\"prefixOffset\" instead of \"prefix\", which pf-collapse does not "
		    "read (a newer processed profile format)", tname);
	if (tb->prefix.n != tb->sframe.n)
		return pf_err(f->err, f->name, 0, "thread '%s': the stack table has %zu "
		    "prefixes and %zu frames", tname, tb->prefix.n, tb->sframe.n);
	if (tb->frames_are_funcs && !tb->has_funcs)
		return pf_err(f->err, f->name, 0, "thread '%s': the frames name functions "
		    "but there is no \"funcTable\"", tname);
	if (!s->seen)
		return pf_err(f->err, f->name, 0, "thread '%s' has no string table "
		    "(\"stringTable\", \"stringArray\" or \"shared.stringArray\")", tname);
	if ((tb->ids = malloc((tb->fval.n + 1) * sizeof(*tb->ids))) == NULL)
		return pf_nomem(f->err, f->name, 0);
	for (i = 0; i < tb->fval.n; i++)
		tb->ids[i] = NONE;
	return 0;
}

static int
fold_thread(struct ff *f, struct thread *t, int *unit, struct pf_collapse_stats *st)
{
	const struct strtab *s = t->strings.seen ? &t->strings : &f->shared;
	struct tables *tb = t->tab.has_stacks ? &t->tab : &f->stab;
	const char *tname = t->name != NULL ? t->name : t->tid;
	uint32_t root, k, p;
	size_t j, depth;
	int u;

	st->samples += t->samples;
	if (t->agg.count == 0)
		return 0;
	if (tables_ready(f, tb, s, tname) != 0)
		return -1;
	u = !t->weighted || t->wtype == W_SAMPLES ? PF_UNIT_SAMPLES :
	    t->wtype == W_MS ? PF_UNIT_MILLISECONDS : PF_UNIT_BYTES;
	if (*unit >= 0 && *unit != u)
		return pf_err(f->err, f->name, 0, "the threads weigh their samples in "
		    "different units (%s and %s)", pf_unit_name(*unit), pf_unit_name(u));
	*unit = u;
	if ((root = root_frame(f, t)) == NONE)
		return pf_nomem(f->err, f->name, 0);
	for (j = 0; j <= t->agg.mask; j++) {
		uint32_t key = t->agg.key[j];
		pf_count c = t->weighted ? t->agg.w[j] : pf_count_from_u64(t->agg.n[j]);

		if (key == 0)
			continue;
		if (key == NONE) {	/* samples without a stack */
			t->nostack += t->agg.n[j];
			continue;
		}
		k = key - 1;
		depth = 0;
		for (;;) {
			if (k >= tb->sframe.n)
				return pf_err(f->err, f->name, 0, "thread '%s': a sample names "
				    "stack %u, which the stack table (of %zu) does not have",
				    tname, k, tb->sframe.n);
			p = tb->sframe.v[k];
			if (p >= tb->fval.n)
				return pf_err(f->err, f->name, 0, "thread '%s': stack %u names "
				    "frame %u, which the frame table (of %zu) does not have",
				    tname, k, p, tb->fval.n);
			if (frame_id(f, tb, s, p, tname) != 0)
				return -1;
			if (pf_grow(&f->stack, &f->stackcap, depth + 2, sizeof(*f->stack)) != 0)
				return pf_nomem(f->err, f->name, 0);
			f->stack[depth++] = tb->ids[p];
			p = tb->prefix.v[k];
			if (p == NONE)
				break;
			if (p >= k)
				return pf_err(f->err, f->name, 0, "thread '%s': the prefix of "
				    "stack %u is stack %u, which does not come before it", tname,
				    k, p);
			k = p;
		}
		f->stack[depth++] = root;
		pf_stack_reverse(f->stack, depth);
		if (pf_profile_add(f->q, f->stack, depth, c, 0, f->err) != 0) {
			pf_err_name(f->err, f->name);
			return -1;
		}
	}
	st->dropped += t->nostack;
	return 0;
}

static void
tables_free(struct tables *tb)
{
	free(tb->prefix.v);
	free(tb->sframe.v);
	free(tb->fval.v);
	free(tb->fname.v);
	free(tb->ids);
}

/*
 * A JSON object with a Gecko profile's "meta" (with "threads", or the
 * meta's own "preprocessedProfileVersion" or "stackwalk") in its first
 * bytes, or a DevTools recording's "profile" with the "libs" of one.
 */
int
pf_firefox_detect(const struct pf_peek *pk, size_t *where)
{
	const char *s = pk->buf + pk->body;
	size_t n = pk->n - pk->body;

	PF_UNUSED(where);
	if (n == 0 || s[0] != '{')
		return PF_CLAIM_NONE;
	if (pf_mem_has(s, n, "\"meta\"") && (pf_mem_has(s, n, "\"threads\"") ||
	    pf_mem_has(s, n, "\"preprocessedProfileVersion\"") ||
	    pf_mem_has(s, n, "\"stackwalk\"")))
		return PF_CLAIM_MAGIC;
	if (pf_mem_has(s, n, "\"profile\"") && pf_mem_has(s, n, "\"libs\"") &&
	    (pf_mem_has(s, n, "\"meta\"") || pf_mem_has(s, n, "\"breakpadId\"")))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

int
pf_firefox_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct ff f;
	size_t i;
	int unit = -1, rc = -1;

	memset(&f, 0, sizeof(f));
	f.o = o;
	f.err = err;
	f.name = pf_reader_name(r);
	if ((f.q = pf_profile_new()) == NULL) {
		pf_nomem(err, f.name, 0);
		goto out;
	}
	if ((f.json = pf_json_new(r, &handler, &f, err)) == NULL ||
	    pf_json_parse(f.json, T_ROOT) != 0)
		goto out;
	if (!f.threads_seen) {
		pf_err(err, f.name, 0, "not a Firefox profile: no \"threads\"");
		goto out;
	}
	for (i = 0; i < f.nth; i++)
		if (fold_thread(&f, &f.th[i], &unit, st) != 0)
			goto out;
	if (unit >= 0)
		st->unit = unit;
	if (st->dropped > 0)
		snprintf(st->note, sizeof(st->note), "%llu sample%s without a stack "
		    "left out", (unsigned long long)st->dropped, st->dropped == 1 ? "" : "s");
	if (pf_profile_merge(p, f.q, err) != 0) {
		pf_err_name(err, f.name);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < f.nth; i++) {
		struct thread *t = &f.th[i];

		free(t->name);
		free(t->pname);
		tables_free(&t->tab);
		str_free(&t->strings);
		agg_free(&t->agg);
	}
	free(f.th);
	tables_free(&f.stab);
	str_free(&f.shared);
	free(f.sr);
	free(f.wr);
	free(f.buf);
	free(f.stack);
	pf_json_free(f.json);
	pf_profile_free(f.q);
	return rc;
}
