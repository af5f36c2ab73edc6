/*
 * massif.c - valgrind massif's output (massif.out.PID) to folded stacks:
 * the heap tree of one snapshot, weighted by bytes.
 *
 * massif writes a series of snapshots ("snapshot=N", then "time=",
 * "mem_heap_B=", ..., "heap_tree=empty|detailed|peak"); detailed and peak
 * snapshots are followed by their heap tree, one node a line:
 *
 *     n2: 1000 (heap allocation functions) malloc/new/new[], --alloc-fns, etc.
 *      n1: 600 0x4005A4: g (prog.c:5)
 *       n0: 600 0x4005B5: main (prog.c:25)
 *      n0: 400 in 1 place, below massif's threshold (1.00%)
 *
 * "nK:" says how many children follow (indented one blank deeper), then
 * the bytes allocated under the node and where.  The root's children are
 * the allocation sites; a node's children are its callers.  A stack is a
 * path from a node up to the root, outermost caller first and allocation
 * site last, weighted by the node's bytes not under its children, so the
 * total is the root's bytes, which is the snapshot's mem_heap_B.
 */
#include <stdlib.h>

#include "format.h"

#define MAX_DEPTH 100000

struct level {
	uint32_t frame;
	uint64_t bytes, children;
	uint64_t left;		/* children still to come */
};

struct massif {
	struct pf_profile *p;
	const struct pf_collapse_options *o;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	uint64_t line;
	struct level *lv;
	size_t depth, cap;
	uint32_t *frames;
	size_t fcap;
	pf_count total;
	int take;		/* the tree being read is the chosen one */
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
u64_at(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t b = *i;

	*v = 0;
	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		if (__builtin_mul_overflow(*v, 10, v) ||
		    __builtin_add_overflow(*v, (uint64_t)(s[*i] - '0'), v))
			return -1;
		(*i)++;
	}
	return *i > b ? 0 : -1;
}

/* The frame of a node's label: "0x4005A4: g (prog.c:5)" is "g (prog.c:5)"
 * ("g" with --no-location). */
static uint32_t
frame_of(struct massif *m, const char *s, size_t n)
{
	char *tmp;
	size_t i, c;
	uint32_t id;

	if (n > 2 && s[0] == '0' && s[1] == 'x') {
		for (i = 2; i < n && s[i] != ':' && !is_blank(s[i]); i++)
			;
		if (i < n && s[i] == ':') {
			for (i++; i < n && is_blank(s[i]); i++)
				;
			s += i;
			n -= i;
		}
	}
	if (m->o->no_location && n > 0 && s[n - 1] == ')') {
		for (c = n - 1; c > 1 && !(s[c - 1] == '(' && s[c - 2] == ' '); c--)
			;
		if (c > 1)
			n = c - 2;
	}
	if (n == 0)
		return pf_profile_intern(m->p, "(unknown)", 9);
	if ((tmp = malloc(n)) == NULL)
		return UINT32_MAX;
	for (i = 0; i < n; i++)
		tmp[i] = s[i] == ';' ? ':' : s[i];
	id = pf_profile_intern(m->p, tmp, n);
	free(tmp);
	return id;
}

/* The stack of the node at level d (d >= 1), outermost caller first. */
static int
emit(struct massif *m, size_t d, uint64_t w)
{
	size_t i;

	if (w == 0 || !m->take)
		return 0;
	if (pf_grow(&m->frames, &m->fcap, d, sizeof(*m->frames)) != 0)
		return pf_nomem(m->err, m->name, m->line);
	for (i = 0; i < d; i++)
		m->frames[i] = m->lv[d - i].frame;
	m->total += pf_count_from_u64(w);
	m->st->samples++;
	if (pf_profile_add(m->p, m->frames, d, pf_count_from_u64(w), 0, m->err) != 0) {
		pf_err_name(m->err, m->name);
		return -1;
	}
	return 0;
}

/* Ends the node at the top (its children all read), and every ancestor
 * this completes. */
static int
finish(struct massif *m)
{
	while (m->depth > 0) {
		struct level *l = &m->lv[m->depth - 1];

		if (l->left > 0)
			return 0;
		if (l->children > l->bytes)
			return pf_err(m->err, m->name, m->line, "the children of a heap "
			    "tree node have more bytes than it has");
		if (m->depth > 1 && emit(m, m->depth - 1, l->bytes - l->children) != 0)
			return -1;
		if (m->depth == 1 && l->bytes > l->children && m->take) {
			/* Bytes the root does not place anywhere. */
			uint32_t fr = pf_profile_intern(m->p, "(unknown)", 9);

			m->total += pf_count_from_u64(l->bytes - l->children);
			if (fr == UINT32_MAX || pf_profile_add(m->p, &fr, 1,
			    pf_count_from_u64(l->bytes - l->children), 0, m->err) != 0)
				return pf_nomem(m->err, m->name, m->line);
		}
		m->depth--;
		if (m->depth > 0) {
			m->lv[m->depth - 1].left--;
			if (__builtin_add_overflow(m->lv[m->depth - 1].children,
			    l->bytes, &m->lv[m->depth - 1].children))
				return pf_err(m->err, m->name, m->line, "byte count too large");
		}
	}
	return 0;
}

/* A line " nK: BYTES label" of the tree; 1 when the tree is complete. */
static int
node(struct massif *m, const char *s, size_t n)
{
	size_t ind = 0, i;
	uint64_t k, bytes;
	struct level *l;

	while (ind < n && s[ind] == ' ')
		ind++;
	i = ind;
	if (i >= n || s[i] != 'n')
		return pf_err(m->err, m->name, m->line, "not a heap tree node line");
	i++;
	if (u64_at(s, n, &i, &k) != 0 || i >= n || s[i] != ':')
		return pf_err(m->err, m->name, m->line, "not a heap tree node line");
	i++;
	while (i < n && is_blank(s[i]))
		i++;
	if (u64_at(s, n, &i, &bytes) != 0)
		return pf_err(m->err, m->name, m->line, "no byte count in a heap tree "
		    "node line");
	while (i < n && is_blank(s[i]))
		i++;
	if (ind != m->depth)
		return pf_err(m->err, m->name, m->line, "heap tree node at depth %zu "
		    "where depth %zu was expected", ind, m->depth);
	if (m->depth >= MAX_DEPTH)
		return pf_err(m->err, m->name, m->line, "heap tree deeper than %d",
		    MAX_DEPTH);
	if (pf_grow(&m->lv, &m->cap, m->depth + 1, sizeof(*m->lv)) != 0)
		return pf_nomem(m->err, m->name, m->line);
	l = &m->lv[m->depth++];
	l->bytes = bytes;
	l->children = 0;
	l->left = k;
	l->frame = 0;
	if (m->depth > 1 && m->take && (l->frame = frame_of(m, s + i, n - i)) == UINT32_MAX)
		return pf_nomem(m->err, m->name, m->line);
	if (finish(m) != 0)
		return -1;
	return m->depth == 0;
}

/* massif's first three lines. */
int
pf_massif_detect(const struct pf_peek *pk, size_t *where)
{
	PF_UNUSED(where);
	if (pk->nlines >= 3 && pf_peek_starts(pk->line[0].s, pk->line[0].len, "desc:") &&
	    pf_peek_starts(pk->line[1].s, pk->line[1].len, "cmd:") &&
	    pf_peek_starts(pk->line[2].s, pk->line[2].len, "time_unit:"))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

int
pf_massif_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct massif m;
	const char *s;
	size_t n;
	uint64_t want = 0, snap = 0, heap = 0, chosen_heap = 0;
	int lt, rc = -1, have_snap = 0, in_tree = 0, done = 0, take = 0;
	char detailed[160] = "";
	size_t dl = 0;

	memset(&m, 0, sizeof(m));
	m.p = p;
	m.o = o;
	m.st = st;
	m.err = err;
	m.name = pf_reader_name(r);
	if (o->snapshot != NULL) {
		size_t i = 0;

		if (u64_at(o->snapshot, strlen(o->snapshot), &i, &want) != 0 ||
		    o->snapshot[i] != '\0')
			return pf_errc(err, PF_ERR_USAGE, m.name, 0, 0, "invalid --snapshot "
			    "'%s': expected a snapshot number", o->snapshot);
	}
	while ((lt = pf_reader_line(r, &s, &n, err)) != PF_LINE_EOF) {
		m.line = pf_reader_lineno(r);
		if (lt == PF_LINE_ERROR)
			goto out;
		if (lt == PF_LINE_TOOLONG) {
			pf_err(err, m.name, m.line, "line longer than %u bytes", PF_LINE_MAX);
			goto out;
		}
		while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		if (n == 0 || done)
			continue;
		if (in_tree) {
			int t = node(&m, s, n);

			if (t < 0)
				goto out;
			if (t > 0) {
				in_tree = 0;
				done = take;
			}
			continue;
		}
		if (s[0] == '#')
			continue;
		if (pf_mem_starts(s, n, "snapshot=")) {
			size_t i = 9;

			if (u64_at(s, n, &i, &snap) != 0) {
				pf_err(err, m.name, m.line, "bad snapshot= line");
				goto out;
			}
			have_snap = 1;
		} else if (pf_mem_starts(s, n, "mem_heap_B=")) {
			size_t i = 11;

			if (u64_at(s, n, &i, &heap) != 0) {
				pf_err(err, m.name, m.line, "bad mem_heap_B= line");
				goto out;
			}
		} else if (pf_mem_starts(s, n, "heap_tree=")) {
			int peak = pf_mem_starts(s, n, "heap_tree=peak");

			if (!have_snap) {
				pf_err(err, m.name, m.line, "heap_tree= before any snapshot=");
				goto out;
			}
			if (pf_mem_starts(s, n, "heap_tree=empty"))
				continue;
			if (!peak && !pf_mem_starts(s, n, "heap_tree=detailed")) {
				pf_err(err, m.name, m.line, "unknown heap_tree= kind");
				goto out;
			}
			in_tree = 1;
			/* A tree not taken is read (and checked) all the
			 * same, adding nothing. */
			take = o->snapshot != NULL ? snap == want : peak;
			m.take = take;
			m.depth = 0;
			if (take)
				chosen_heap = heap;
			else if (dl + 24 < sizeof(detailed))
				dl += (size_t)snprintf(detailed + dl, sizeof(detailed) - dl,
				    " %llu", (unsigned long long)snap);
		} else if (!pf_mem_starts(s, n, "desc:") && !pf_mem_starts(s, n, "cmd:") &&
		    !pf_mem_starts(s, n, "time_unit:") && !pf_mem_starts(s, n, "time=") &&
		    !pf_mem_starts(s, n, "mem_heap_extra_B=") &&
		    !pf_mem_starts(s, n, "mem_stacks_B=")) {
			pf_err(err, m.name, m.line, "not a line of massif's output: '%.*s'",
			    (int)(n < 60 ? n : 60), s);
			goto out;
		}
	}
	if (in_tree) {
		pf_err(err, m.name, 0, "the input ends inside a heap tree");
		goto out;
	}
	if (!done) {
		if (o->snapshot != NULL)
			pf_err(err, m.name, 0, "snapshot %s has no heap tree (massif keeps "
			    "one for detailed snapshots only; those with one:%s)",
			    o->snapshot, dl > 0 ? detailed : " none");
		else
			pf_err(err, m.name, 0, "no snapshot is marked as the peak; choose "
			    "one with --snapshot N (those with a heap tree:%s)",
			    dl > 0 ? detailed : " none");
		goto out;
	}
	if (m.total != pf_count_from_u64(chosen_heap))
		snprintf(st->note, sizeof(st->note), "the heap tree holds %llu bytes, "
		    "but its snapshot's mem_heap_B says %llu",
		    (unsigned long long)(m.total / PF_COUNT_ONE),
		    (unsigned long long)chosen_heap);
	rc = 0;
out:
	free(m.lv);
	free(m.frames);
	return rc;
}
