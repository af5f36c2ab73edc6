/*
 * tree.c - the flame tree: stacks merged into a tree of frames.
 *
 * Folded input is read straight into the tree.  Consecutive lines of sorted
 * input share most of their frames, so each line is first compared with the
 * previous one eight bytes at a time and only the frames after the first
 * difference are looked up, by (parent, name).  That keeps building the
 * tree close to the speed of reading the input.  Frame names are interned
 * by a pf_profile, the library's one interner; a profile added to the tree
 * has its ids mapped once per distinct name.
 */
#include <iconv.h>
#include <stdlib.h>
#include <strings.h>

#include "layout/flame.h"

void
pf_flame_options_init(struct pf_flame_options *o)
{
	memset(o, 0, sizeof(*o));
	o->width = 1200;
	o->frame_height = 16;
	o->minwidth = 0.1;
	o->fonttype = "Verdana";
	o->fontsize = 12;
	o->fontwidth = 0.59;
	o->font_metrics = 1;
	o->countname = "samples";
	o->nametype = "Function:";
	o->palette = PF_PALETTE_HOT;
	o->factor = 1;
	o->diff_mode = PF_DIFF_SELF;
}

/* The id of name s[0..n-1], or UINT32_MAX when memory runs out or there
 * are more names than a node can hold. */
static uint32_t
intern(struct pf_flame *f, const char *s, size_t n)
{
	uint32_t id = pf_profile_intern(f->names, s, n);

	return id >= PF_NODE_HASHED ? UINT32_MAX : id;
}

/* A differential graph keeps a "before" count per node. */
static int
set_columns(struct pf_flame *f, int columns)
{
	f->columns = columns;
	if (columns != 2 || f->before != NULL)
		return 0;
	f->before_cap = f->node_cap;
	if ((f->before = calloc(f->before_cap, sizeof(*f->before))) == NULL)
		return -1;
	return 0;
}

static uint32_t
new_node(struct pf_flame *f, uint32_t parent, uint32_t name)
{
	struct pf_flame_node *n;

	if (f->nnodes >= UINT32_MAX - 1 ||
	    pf_grow(&f->node, &f->node_cap, f->nnodes + 1, sizeof(*f->node)) != 0)
		return UINT32_MAX;
	if (f->before != NULL) {
		if (pf_grow(&f->before, &f->before_cap, f->nnodes + 1,
		    sizeof(*f->before)) != 0)
			return UINT32_MAX;
		f->before[f->nnodes] = 0;
	}
	n = &f->node[f->nnodes];
	n->total = 0;
	n->parent = parent;
	n->name = name;
	n->first_child = n->next_sibling = UINT32_MAX;
	return (uint32_t)f->nnodes++;
}

struct pf_flame *
pf_flame_new(const struct pf_flame_options *o, struct pf_error *err)
{
	struct pf_flame *f = calloc(1, sizeof(*f));

	if (f == NULL)
		goto nomem;
	f->o = *o;
	if ((f->names = pf_profile_new()) == NULL)
		goto nomem;
	f->table_mask = 4095;
	if ((f->table = calloc(f->table_mask + 1, sizeof(*f->table))) == NULL)
		goto nomem;
	if (intern(f, "all", 3) != 0 || new_node(f, UINT32_MAX, 0) != 0)
		goto nomem;
	if (o->encoding != NULL && strcasecmp(o->encoding, "utf-8") != 0 &&
	    strcasecmp(o->encoding, "utf8") != 0) {
		iconv_t cd = iconv_open("UTF-8", o->encoding);

		if (cd == (iconv_t)-1) {
			pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "unknown encoding '%s'",
			    o->encoding);
			pf_flame_free(f);
			return NULL;
		}
		f->iconv = cd;
	}
	return f;
nomem:
	pf_flame_free(f);
	pf_nomem(err, NULL, 0);
	return NULL;
}

void
pf_flame_free(struct pf_flame *f)
{
	if (f == NULL)
		return;
	pf_profile_free(f->names);
	free(f->node);
	free(f->before);
	free(f->table);
	free(f->prev);
	free(f->path_end);
	free(f->path_node);
	free(f->rev);
	free(f->ids);
	free(f->selfdelta);
	if (f->iconv != NULL)
		iconv_close((iconv_t)f->iconv);
	free(f);
}

/* ------------------------------------------------------------ children */

/* Where a child (parent, name) lives in the table. */
static uint64_t
child_hash(uint32_t parent, uint32_t name)
{
	uint64_t h = ((uint64_t)parent << 32 | name) * 0x9e3779b97f4a7c15ULL;

	return h ^ (h >> 29);
}

static void
table_put(struct pf_flame_slot *t, size_t mask, uint32_t parent, uint32_t name,
    uint32_t node)
{
	size_t i;

	for (i = child_hash(parent, name) & mask; t[i].node != 0; i = (i + 1) & mask)
		;
	t[i].parent = parent;
	t[i].name = name;
	t[i].node = node;
}

/* Makes room for need more entries, keeping the table at most half full. */
static int
table_reserve(struct pf_flame *f, size_t need)
{
	size_t cap = f->table_mask + 1, i;
	struct pf_flame_slot *t;

	if ((f->nhashed + need) * 2 <= cap)
		return 0;
	while ((f->nhashed + need) * 2 > cap)
		cap *= 2;
	if ((t = calloc(cap, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i <= f->table_mask; i++)
		if (f->table[i].node != 0)
			table_put(t, cap - 1, f->table[i].parent, f->table[i].name,
			    f->table[i].node);
	free(f->table);
	f->table = t;
	f->table_mask = cap - 1;
	return 0;
}

/* Children beyond this many are found through the table, not the list. */
#define LIST_MAX 8

/*
 * The child of parent called name, created when missing.  Sorted input
 * makes most new frames children of a frame created on the same line: a
 * frame without children needs no search, and the new node is written at
 * the end of the array, so building costs little more than reading.
 */
static uint32_t
child(struct pf_flame *f, uint32_t parent, uint32_t name)
{
	struct pf_flame_node *p = &f->node[parent];
	uint32_t idx, c;
	size_t i, nkids = 0;

	if (f->o.flamechart) {
		/* A flame chart merges only what the previous stack shares. */
	} else if (p->name & PF_NODE_HASHED) {
		for (i = child_hash(parent, name) & f->table_mask;
		    (idx = f->table[i].node) != 0; i = (i + 1) & f->table_mask)
			if (f->table[i].name == name && f->table[i].parent == parent)
				return idx;
	} else {
		for (c = p->first_child; c != UINT32_MAX; c = f->node[c].next_sibling) {
			if (PF_NODE_NAME(&f->node[c]) == name)
				return c;
			nkids++;
		}
	}
	if ((idx = new_node(f, parent, name)) == UINT32_MAX)
		return UINT32_MAX;
	p = &f->node[parent];	/* the array may have moved */
	f->node[idx].next_sibling = p->first_child;
	p->first_child = idx;
	if (f->o.flamechart)
		return idx;
	if (p->name & PF_NODE_HASHED) {
		if (table_reserve(f, 1) != 0)
			return UINT32_MAX;
		table_put(f->table, f->table_mask, parent, name, idx);
		f->nhashed++;
	} else if (nkids + 1 > LIST_MAX) {
		if (table_reserve(f, nkids + 1) != 0)
			return UINT32_MAX;
		p->name |= PF_NODE_HASHED;
		for (c = p->first_child; c != UINT32_MAX; c = f->node[c].next_sibling)
			table_put(f->table, f->table_mask, parent,
			    PF_NODE_NAME(&f->node[c]), c);
		f->nhashed += nkids + 1;
	}
	return idx;
}

/* Adds a and b to node n's own counts ([1], after: n's total). */
static int
add_counts(struct pf_flame *f, uint32_t n, pf_count a, pf_count b,
    struct pf_error *err)
{
	struct pf_flame_node *leaf = &f->node[n];

	if ((f->before != NULL && pf_count_add(f->before[n], a, &f->before[n]) != 0) ||
	    pf_count_add(leaf->total, b, &leaf->total) != 0)
		return pf_err(err, NULL, 0, "count overflow: a stack's total exceeds 2^64");
	return 0;
}

/* ------------------------------------------------------------ from text */

static size_t
common_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return i + (size_t)(__builtin_ctzll(x ^ y) >> 3);
		i += 8;
	}
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/*
 * Adds counts to the stack s[0..n-1] ("a;b;c"), whose first l bytes are
 * those of the previous stack.  Frames shared with the previous stack are
 * known by their ends; the rest are looked up.
 */
static int
add_text(struct pf_flame *f, const char *s, size_t n, size_t l, pf_count a,
    pf_count b, struct pf_error *err)
{
	size_t k = 0, start, end;
	uint32_t parent = 0, name;
	const char *semi;

	while (k < f->path_len && (f->path_end[k] < l ||
	    (f->path_end[k] == l && (l == n || s[l] == ';'))))
		k++;
	if (k > 0)
		parent = f->path_node[k - 1];
	f->path_len = k;
	if (k == 0 || f->path_end[k - 1] != n) {
		/* The frames after the shared ones are looked up. */
		start = k > 0 ? f->path_end[k - 1] + 1 : 0;
		for (;;) {
			semi = start < n ? memchr(s + start, ';', n - start) : NULL;
			end = semi != NULL ? (size_t)(semi - s) : n;
			if ((name = intern(f, s + start, end - start)) == UINT32_MAX ||
			    (parent = child(f, parent, name)) == UINT32_MAX)
				goto nomem;
			if (pf_grow(&f->path_end, &f->path_cap, f->path_len + 1,
			    sizeof(*f->path_end)) != 0 ||
			    pf_grow(&f->path_node, &f->path_cap2, f->path_len + 1,
			    sizeof(*f->path_node)) != 0)
				goto nomem;
			f->path_end[f->path_len] = (uint32_t)end;
			f->path_node[f->path_len++] = parent;
			if (semi == NULL)
				break;
			start = end + 1;
		}
	}
	if (pf_grow(&f->prev, &f->prev_cap, n + 1, 1) != 0)
		goto nomem;
	memcpy(f->prev + l, s + l, n - l);
	f->prev_len = n;
	return add_counts(f, parent, a, b, err);
nomem:
	f->path_len = 0;
	f->prev_len = 0;
	return pf_nomem(err, NULL, 0);
}

/* --reverse: the frames of s in the opposite order. */
static int
add_reversed(struct pf_flame *f, const char *s, size_t n, pf_count a, pf_count b,
    struct pf_error *err)
{
	size_t i, end = n, used = 0;

	if (pf_grow(&f->rev, &f->rev_cap, n + 1, 1) != 0)
		return pf_nomem(err, NULL, 0);
	for (i = n; i-- > 0;) {
		if (s[i] != ';')
			continue;
		memcpy(f->rev + used, s + i + 1, end - i - 1);
		used += end - i - 1;
		f->rev[used++] = ';';
		end = i;
	}
	memcpy(f->rev + used, s, end);
	used += end;
	return add_text(f, f->rev, used, common_prefix(f->rev, f->prev,
	    used < f->prev_len ? used : f->prev_len), a, b, err);
}

static size_t
rtrim(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* Reads folded text with the grammar every reader shares
 * (pf_folded_parse_line), straight into the flame tree. */
int
pf_flame_read_folded(struct pf_flame *f, struct pf_reader *r, struct pf_error *err)
{
	const char *line, *name = pf_reader_name(r);
	char msg[256];
	size_t len, slen, l;
	pf_count a, b;
	int st, rc;

	while ((st = pf_reader_line(r, &line, &len, err)) != PF_LINE_EOF) {
		if (st == PF_LINE_ERROR)
			return -1;
		if (st == PF_LINE_TOOLONG)
			return pf_err(err, name, pf_reader_lineno(r),
			    "line longer than %u bytes", PF_LINE_MAX);
		len = rtrim(line, len);
		if (len == 0)
			continue;
		/* The bytes shared with the previous stack hold no NUL:
		 * only the rest is looked at for one. */
		l = f->o.reverse ? 0 : common_prefix(line, f->prev,
		    len < f->prev_len ? len : f->prev_len);
		if (pf_folded_parse_line(line, len, l, &f->columns, &slen, &a, &b,
		    msg, sizeof(msg)) != PF_FOLDED_LINE_OK)
			return pf_err(err, name, pf_reader_lineno(r), "%s", msg);
		if (f->columns == 2 && f->before == NULL && set_columns(f, 2) != 0)
			return pf_nomem(err, name, pf_reader_lineno(r));
		/* The tree keeps a one-column count where a differential
		 * profile keeps its second ("after") count. */
		if (f->columns == 1) {
			b = a;
			a = 0;
		}
		rc = f->o.reverse ? add_reversed(f, line, slen, a, b, err) :
		    add_text(f, line, slen, l < slen ? l : slen, a, b, err);
		if (rc != 0) {
			pf_err_name(err, name);
			err->line = pf_reader_lineno(r);
			return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------- from a profile */

/*
 * Adds counts to the stack of flame ids ids[0..n-1].  path_end holds the
 * previous stack's ids here, so the frames it shares are known at once.
 */
static int
add_ids(struct pf_flame *f, const uint32_t *ids, size_t n, pf_count a, pf_count b,
    struct pf_error *err)
{
	size_t k = 0;
	uint32_t parent = 0;

	while (k < f->path_len && k < n && f->path_end[k] == ids[k])
		k++;
	if (k > 0)
		parent = f->path_node[k - 1];
	if (pf_grow(&f->path_end, &f->path_cap, n, sizeof(*f->path_end)) != 0 ||
	    pf_grow(&f->path_node, &f->path_cap2, n, sizeof(*f->path_node)) != 0)
		return pf_nomem(err, NULL, 0);
	f->path_len = k;
	for (; k < n; k++) {
		if ((parent = child(f, parent, ids[k])) == UINT32_MAX) {
			f->path_len = 0;
			return pf_nomem(err, NULL, 0);
		}
		f->path_end[k] = ids[k];
		f->path_node[k] = parent;
		f->path_len = k + 1;
	}
	return add_counts(f, parent, a, b, err);
}

int
pf_flame_add_profile(struct pf_flame *f, const struct pf_profile *p,
    struct pf_error *err)
{
	size_t nf = pf_profile_nframes(p), i, j, n, len;
	uint32_t *map = NULL, *stack = NULL;
	int rc = -1;

	/* Text read before and after shares no prefix with these stacks. */
	f->path_len = f->prev_len = 0;
	if (f->columns == 0 && set_columns(f, pf_profile_columns(p)) != 0)
		goto nomem;
	map = malloc((nf + 1) * sizeof(*map));
	if (map == NULL)
		goto nomem;
	for (i = 0; i < nf; i++) {
		const char *nm = pf_profile_frame(p, (uint32_t)i, &len);

		if ((map[i] = intern(f, nm, len)) == UINT32_MAX)
			goto nomem;
	}
	for (i = 0; i < pf_profile_nstacks(p); i++) {
		pf_count a, b;
		const uint32_t *fr = pf_profile_stack(p, i, &n, &a, &b);

		if (n == 0)
			continue;
		if (pf_grow(&f->ids, &f->ids_cap, n, sizeof(*f->ids)) != 0)
			goto nomem;
		stack = f->ids;
		for (j = 0; j < n; j++)
			stack[j] = map[fr[f->o.reverse ? n - 1 - j : j]];
		if (f->columns == 2 ? add_ids(f, stack, n, a, b, err) :
		    add_ids(f, stack, n, 0, a, err))
			goto out;
	}
	rc = 0;
	goto out;
nomem:
	pf_nomem(err, NULL, 0);
out:
	f->path_len = 0;
	free(map);
	return rc;
}

/* ----------------------------------------------------------------- totals */

pf_count
pf_flame_total(const struct pf_flame *f)
{
	pf_count t = 0;
	size_t i;

	if (f->summed)
		return f->node[0].total;
	for (i = 0; i < f->nnodes; i++)
		t += f->node[i].total;
	return t;
}

size_t
pf_flame_nframes_drawn(const struct pf_flame *f)
{
	return f->ndrawn;
}

int
pf_flame_sum(struct pf_flame *f, struct pf_error *err)
{
	size_t i, nn = f->nnodes;

	if (f->summed)
		return 0;
	if (f->before != NULL) {
		if ((f->selfdelta = malloc((nn + 1) * sizeof(*f->selfdelta))) == NULL)
			return pf_nomem(err, NULL, 0);
		for (i = 0; i < nn; i++)
			f->selfdelta[i] = pf_count_to_double(f->node[i].total) -
			    pf_count_to_double(f->before[i]);
	}
	/* Children come after their parent: one pass from the end. */
	for (i = nn; i-- > 1;) {
		struct pf_flame_node *n = &f->node[i], *p = &f->node[n->parent];

		if ((f->before != NULL && pf_count_add(f->before[n->parent], f->before[i],
		    &f->before[n->parent]) != 0) ||
		    pf_count_add(p->total, n->total, &p->total) != 0)
			return pf_err(err, NULL, 0, "count overflow: the total exceeds 2^64");
	}
	f->summed = 1;
	return 0;
}
