/*
 * profile.c - the folded-stack model: interned frame names and a table of
 * distinct stacks with their counts.
 *
 * Memory grows with the number of distinct frames and stacks, never with the
 * number of samples added.
 */
#include <stdlib.h>

#include "internal.h"

struct stack {
	pf_count a, b;
	uint64_t hash;
	size_t off;		/* into pool */
	uint32_t n;
};

struct pf_profile {
	struct pf_strmap names;		/* name -> id */
	const char **frame;		/* id -> name (in names' arena) */
	uint32_t *frame_len;
	size_t nframes, frame_cap;

	struct stack *stacks;
	size_t nstacks, stacks_cap;
	uint32_t *pool;			/* frame ids of all stacks */
	size_t pool_len, pool_cap;
	uint32_t *table;		/* open addressing: stack index + 1 */
	size_t table_mask;
	int columns;
	int ordered;			/* keep stacks in the order added */

	uint32_t max_len;		/* the longest frame name */
	pf_count unnamed;		/* counts put under NO_NAME */
};

/*
 * A stack of one nameless frame would be the folded line " N", which no
 * reader takes: it is added as NO_NAME instead, and counted.  A stack
 * whose text is longer than STACK_TEXT_MAX would make a line longer than
 * the folded readers take (PF_LINE_MAX, with room for two counts): refused.
 */
#define NO_NAME "[no name]"
#define STACK_TEXT_MAX (PF_LINE_MAX - 64)

#define STACK_SEED 0x51ed270b27fd4a6bULL
#define NAME_SEED 0x2d358dccaa6c78a5ULL

struct pf_profile *
pf_profile_new(void)
{
	struct pf_profile *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->columns = 1;
	p->table_mask = 1023;
	p->table = calloc(p->table_mask + 1, sizeof(*p->table));
	if (p->table == NULL || pf_strmap_init(&p->names, 256) != 0) {
		free(p->table);
		free(p);
		return NULL;
	}
	return p;
}

void
pf_profile_free(struct pf_profile *p)
{
	if (p == NULL)
		return;
	pf_strmap_release(&p->names);
	free(p->frame);
	free(p->frame_len);
	free(p->stacks);
	free(p->pool);
	free(p->table);
	free(p);
}

uint32_t
pf_profile_intern(struct pf_profile *p, const char *name, size_t len)
{
	uint64_t h = pf_hash_bytes(name, len, NAME_SEED);
	struct pf_strmap_slot *s;
	int nomem = 0;
	size_t cap;

	s = pf_strmap_find(&p->names, name, len, h, 1, &nomem);
	if (s == NULL)
		return UINT32_MAX;
	if (s->value != UINT32_MAX)
		return s->value;
	if (p->nframes >= UINT32_MAX - 1)
		return UINT32_MAX;
	cap = p->frame_cap;
	if (pf_grow(&p->frame, &cap, p->nframes + 1, sizeof(*p->frame)) != 0)
		return UINT32_MAX;
	cap = p->frame_cap;
	if (pf_grow(&p->frame_len, &cap, p->nframes + 1, sizeof(*p->frame_len)) != 0)
		return UINT32_MAX;
	p->frame_cap = cap;
	p->frame[p->nframes] = s->key;
	p->frame_len[p->nframes] = s->len;
	if (s->len > p->max_len)
		p->max_len = (uint32_t)s->len;
	s->value = (uint32_t)p->nframes;
	return (uint32_t)p->nframes++;
}

uint32_t
pf_profile_lookup(const struct pf_profile *p, const char *name, size_t len)
{
	struct pf_strmap_slot *s;
	int nomem = 0;

	/* A find without insert leaves the map as it is. */
	s = pf_strmap_find((struct pf_strmap *)&p->names, name, len,
	    pf_hash_bytes(name, len, NAME_SEED), 0, &nomem);
	return s == NULL ? UINT32_MAX : s->value;
}

const char *
pf_profile_frame(const struct pf_profile *p, uint32_t id, size_t *len)
{
	if (id >= p->nframes) {
		*len = 0;
		return "";
	}
	*len = p->frame_len[id];
	return p->frame[id];
}

size_t
pf_profile_nframes(const struct pf_profile *p)
{
	return p->nframes;
}

void
pf_profile_name_table(const struct pf_profile *p, const char *const **names,
    const uint32_t **lens)
{
	*names = p->frame;
	*lens = p->frame_len;
}

int
pf_profile_columns(const struct pf_profile *p)
{
	return p->columns;
}

int
pf_profile_ordered(const struct pf_profile *p)
{
	return p->ordered;
}

void
pf_profile_set_ordered(struct pf_profile *p, int ordered)
{
	if (p->nstacks == 0)
		p->ordered = ordered != 0;
}

void
pf_profile_set_columns(struct pf_profile *p, int columns)
{
	p->columns = columns == 2 ? 2 : 1;
}

size_t
pf_profile_nstacks(const struct pf_profile *p)
{
	return p->nstacks;
}

const uint32_t *
pf_profile_stack(const struct pf_profile *p, size_t i, size_t *n, pf_count *a,
    pf_count *b)
{
	const struct stack *s = &p->stacks[i];

	*n = s->n;
	if (a != NULL)
		*a = s->a;
	if (b != NULL)
		*b = s->b;
	return p->pool + s->off;
}

static int
table_grow(struct pf_profile *p)
{
	size_t cap = (p->table_mask + 1) * 2, i, j;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (t == NULL)
		return -1;
	for (i = 0; i < p->nstacks; i++) {
		for (j = p->stacks[i].hash & (cap - 1); t[j] != 0; j = (j + 1) & (cap - 1))
			;
		t[j] = (uint32_t)(i + 1);
	}
	free(p->table);
	p->table = t;
	p->table_mask = cap - 1;
	return 0;
}

/* Adds a and b to stack s; on overflow an error, and s keeps its counts. */
static int
add_counts(struct stack *s, pf_count a, pf_count b, struct pf_error *err)
{
	pf_count na, nb;

	if (pf_count_add(s->a, a, &na) != 0 || pf_count_add(s->b, b, &nb) != 0)
		return pf_err(err, NULL, 0,
		    "count overflow: a stack's total exceeds 2^64");
	s->a = na;
	s->b = nb;
	return 0;
}

/* Appends frames[0..n-1], with hash h, as a new stack. */
static int
append_stack(struct pf_profile *p, const uint32_t *frames, size_t n, uint64_t h,
    pf_count a, pf_count b, struct pf_error *err)
{
	struct stack *s;

	if (n > UINT32_MAX || p->nstacks >= UINT32_MAX - 1)
		return pf_errc(err, PF_ERR_UNSUPPORTED, NULL, 0, 0, "too many stacks");
	if (pf_grow(&p->stacks, &p->stacks_cap, p->nstacks + 1, sizeof(*p->stacks)) != 0 ||
	    pf_grow(&p->pool, &p->pool_cap, p->pool_len + n, sizeof(*p->pool)) != 0)
		return pf_nomem(err, NULL, 0);
	s = &p->stacks[p->nstacks++];
	s->a = a;
	s->b = b;
	s->hash = h;
	s->off = p->pool_len;
	s->n = (uint32_t)n;
	if (n > 0)
		memcpy(p->pool + p->pool_len, frames, n * sizeof(*frames));
	p->pool_len += n;
	return 0;
}

static int
same_stack(const struct pf_profile *p, const struct stack *s, const uint32_t *frames,
    size_t n, uint64_t h)
{
	return s->hash == h && s->n == n &&
	    (n == 0 || memcmp(p->pool + s->off, frames, n * sizeof(*frames)) == 0);
}

/* The frames to add in place of frames[0..n-1]: NO_NAME for a lone
 * nameless frame.  NULL with err filled when the stack is too long. */
static const uint32_t *
checked_stack(struct pf_profile *p, const uint32_t *frames, size_t n, pf_count a,
    uint32_t *lone, struct pf_error *err)
{
	uint64_t len;
	size_t i;

	if (n == 1 && frames[0] < p->nframes && p->frame_len[frames[0]] == 0) {
		if ((*lone = pf_profile_intern(p, NO_NAME, sizeof(NO_NAME) - 1)) == UINT32_MAX) {
			pf_nomem(err, NULL, 0);
			return NULL;
		}
		if (pf_count_add(p->unnamed, a, &p->unnamed) != 0)
			p->unnamed = PF_COUNT_MAX;
		return lone;
	}
	if ((uint64_t)n * ((uint64_t)p->max_len + 1) <= STACK_TEXT_MAX)
		return frames;
	len = n - 1;
	for (i = 0; i < n; i++)
		len += frames[i] < p->nframes ? p->frame_len[frames[i]] : 0;
	if (len > STACK_TEXT_MAX) {
		pf_errc(err, PF_ERR_UNSUPPORTED, NULL, 0, 0, "a stack of %llu bytes "
		    "in %zu frame%s: longer than a folded line may be (%u bytes)",
		    (unsigned long long)len, n, n == 1 ? "" : "s", STACK_TEXT_MAX);
		return NULL;
	}
	return frames;
}

pf_count
pf_profile_unnamed(const struct pf_profile *p)
{
	return p->unnamed;
}

int
pf_profile_add(struct pf_profile *p, const uint32_t *frames, size_t n,
    pf_count a, pf_count b, struct pf_error *err)
{
	uint64_t h;
	struct stack *s;
	size_t i;
	uint32_t k, lone;

	if ((frames = checked_stack(p, frames, n, a, &lone, err)) == NULL)
		return -1;
	h = pf_hash_u32s(frames, n, STACK_SEED);

	/* An ordered profile merges a stack only into the one added just
	 * before it (a flame chart keeps the order of the samples). */
	if (p->ordered) {
		s = p->nstacks > 0 ? &p->stacks[p->nstacks - 1] : NULL;
		if (s != NULL && same_stack(p, s, frames, n, h))
			return add_counts(s, a, b, err);
		return append_stack(p, frames, n, h, a, b, err);
	}
	for (i = h & p->table_mask; (k = p->table[i]) != 0; i = (i + 1) & p->table_mask) {
		s = &p->stacks[k - 1];
		if (same_stack(p, s, frames, n, h))
			return add_counts(s, a, b, err);
	}
	if ((p->nstacks + 1) * 2 > p->table_mask + 1) {
		if (table_grow(p) != 0)
			return pf_nomem(err, NULL, 0);
		for (i = h & p->table_mask; p->table[i] != 0; i = (i + 1) & p->table_mask)
			;
	}
	if (append_stack(p, frames, n, h, a, b, err) != 0)
		return -1;
	p->table[i] = (uint32_t)p->nstacks;
	return 0;
}

void
pf_profile_mark(const struct pf_profile *p, struct pf_profile_mark *m)
{
	m->nstacks = p->nstacks;
	m->pool_len = p->pool_len;
	m->a = p->nstacks > 0 ? p->stacks[p->nstacks - 1].a : 0;
	m->b = p->nstacks > 0 ? p->stacks[p->nstacks - 1].b : 0;
}

void
pf_profile_rollback(struct pf_profile *p, const struct pf_profile_mark *m)
{
	if (!p->ordered || m->nstacks > p->nstacks)
		return;
	p->nstacks = m->nstacks;
	p->pool_len = m->pool_len;
	if (p->nstacks > 0) {
		p->stacks[p->nstacks - 1].a = m->a;
		p->stacks[p->nstacks - 1].b = m->b;
	}
}

int
pf_profile_merge(struct pf_profile *dst, const struct pf_profile *src,
    struct pf_error *err)
{
	uint32_t *map = NULL, *ids = NULL;
	size_t i, j, cap = 0;
	int rc = -1;

	if (src->columns == 2)
		dst->columns = 2;
	if (pf_count_add(dst->unnamed, src->unnamed, &dst->unnamed) != 0)
		dst->unnamed = PF_COUNT_MAX;
	map = malloc((src->nframes + 1) * sizeof(*map));
	if (map == NULL)
		goto nomem;
	for (i = 0; i < src->nframes; i++) {
		map[i] = pf_profile_intern(dst, src->frame[i], src->frame_len[i]);
		if (map[i] == UINT32_MAX)
			goto nomem;
	}
	for (i = 0; i < src->nstacks; i++) {
		const struct stack *s = &src->stacks[i];

		if (pf_grow(&ids, &cap, s->n + 1, sizeof(*ids)) != 0)
			goto nomem;
		for (j = 0; j < s->n; j++)
			ids[j] = map[src->pool[s->off + j]];
		if (pf_profile_add(dst, ids, s->n, s->a, s->b, err) != 0)
			goto out;
	}
	rc = 0;
	goto out;
nomem:
	pf_nomem(err, NULL, 0);
out:
	free(map);
	free(ids);
	return rc;
}

/*
 * Sorting compares the folded text "f1;f2;...;fn" byte-wise without building
 * it: frames with the same id are equal, and where two names differ only in
 * length, the shorter one continues with ';' (more frames) or ends the text.
 * Where both stacks go on after the frames that differ, each name is
 * followed by ';', so the order of the two is that of the frames' ranks
 * (sort_ctx.rank: the frames ordered by "name;"), an integer comparison;
 * the names themselves are compared only where a stack ends there.
 */
struct sort_ctx {
	const struct pf_profile *p;
	const uint32_t *rank;		/* NULL: compare names */
};

/* Names a and b as the folded text has them: each followed by ';' when
 * more is set for it, else by the end of the text. */
static int
cmp_names(const struct pf_profile *p, uint32_t x, uint32_t y, int xmore, int ymore)
{
	const unsigned char *a = (const unsigned char *)p->frame[x];
	const unsigned char *b = (const unsigned char *)p->frame[y];
	size_t la = p->frame_len[x], lb = p->frame_len[y];
	size_t m = la < lb ? la : lb;
	int c = memcmp(a, b, m), ca, cb;

	if (c != 0)
		return c;
	/* One name is a prefix of the other. */
	ca = la > m ? a[m] : (xmore ? ';' : -1);
	cb = lb > m ? b[m] : (ymore ? ';' : -1);
	return ca < cb ? -1 : ca > cb;
}

static int
cmp_stacks(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *ctx = arg;
	const struct pf_profile *p = ctx->p;
	const struct stack *s = &p->stacks[*(const size_t *)x];
	const struct stack *t = &p->stacks[*(const size_t *)y];
	const uint32_t *u = p->pool + s->off, *v = p->pool + t->off;
	size_t n = s->n < t->n ? s->n : t->n, i;

	for (i = 0; i < n; i++) {
		int smore, tmore;

		if (u[i] == v[i])
			continue;
		smore = i + 1 < s->n;
		tmore = i + 1 < t->n;
		if (ctx->rank != NULL && smore && tmore)
			return ctx->rank[u[i]] < ctx->rank[v[i]] ? -1 : 1;
		return cmp_names(p, u[i], v[i], smore, tmore);
	}
	return (s->n > t->n) - (s->n < t->n);
}

static int
cmp_frames(const void *x, const void *y, void *arg)
{
	return cmp_names(arg, *(const uint32_t *)x, *(const uint32_t *)y, 1, 1);
}

/* The rank of each frame among the frames ordered by "name;"; NULL when
 * memory runs out (the sort then compares names). */
static uint32_t *
frame_ranks(const struct pf_profile *p)
{
	uint32_t *by = malloc((p->nframes + 1) * sizeof(*by));
	uint32_t *rank = malloc((p->nframes + 1) * sizeof(*rank));
	size_t i;

	if (by == NULL || rank == NULL) {
		free(by);
		free(rank);
		return NULL;
	}
	for (i = 0; i < p->nframes; i++)
		by[i] = (uint32_t)i;
	qsort_r(by, p->nframes, sizeof(*by), cmp_frames, (void *)p);
	for (i = 0; i < p->nframes; i++)
		rank[by[i]] = (uint32_t)i;
	free(by);
	return rank;
}

size_t *
pf_profile_sorted(const struct pf_profile *p)
{
	size_t *order = malloc((p->nstacks + 1) * sizeof(*order)), i;
	struct sort_ctx ctx = { p, NULL };

	if (order == NULL)
		return NULL;
	for (i = 0; i < p->nstacks; i++)
		order[i] = i;
	if (!p->ordered && p->nstacks > 1) {
		/* Ranking the frames pays when there are more stacks than
		 * frames to sort. */
		if (p->nstacks >= 64 && p->nstacks >= p->nframes / 4)
			ctx.rank = frame_ranks(p);
		qsort_r(order, p->nstacks, sizeof(*order), cmp_stacks, &ctx);
		free((void *)ctx.rank);
	}
	return order;
}
