/*
 * callgrind.c - valgrind callgrind's profile format (also written by
 * Xdebug and other tools) to estimated folded stacks.
 *
 * The format records, per function, the cost of its own code and, per
 * call site, the number of calls and the inclusive cost of the callee
 * there; it records no stacks.  Each function's self cost (the cost lines
 * of its fn= block that follow no calls= line) is spread over its callers
 * in proportion to the inclusive cost each call arc carried (callgraph.c),
 * so each function's self weight in the output is exactly its exclusive
 * cost in the file, and the total is the file's totals: line.
 *
 * Grammar (the "Callgrind Format Specification" of valgrind's manual):
 * header lines "key: value" (events:, positions:, totals:, summary:, ...),
 * then specification lines ob= fl= fi= fe= fn= cob= cfi= cfl= cfn= calls=
 * jump= jcnd= and cost lines "POSITIONS COSTS".  Names may be compressed:
 * "(12) name" defines id 12 of its kind (objects, files, functions), "(12)"
 * refers to it.  Positions are absolute, "+N", "-N" or "*" (relative to the
 * previous line's); their values do not matter here, only how many there
 * are (the positions: line: line, instr, or both).  A function is its name
 * in its object (ob=; cob= for a callee), so functions of one name in two
 * libraries stay apart.
 */
#include <stdlib.h>

#include "format.h"

#define MAX_EVENTS 64

enum { KIND_OB, KIND_FL, KIND_FN, NKINDS };

struct cg {
	struct pf_callgraph g;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	uint64_t line;

	struct pf_strmap ids[NKINDS];	/* "(N)" -> index in strs */
	/* The same for the small N that callgrind numbers from 1: an array
	 * by N (UINT32_MAX: not there), so that most references cost no
	 * hashing; ids holds the others. */
	uint32_t *dense[NKINDS];
	size_t dcap[NKINDS], ndefs[NKINDS];
	struct pf_arena arena;
	char **strs;			/* names defined by "(N) name" */
	size_t *lens, nstrs, scap, lcap;
	/* By function name (index in strs): the node it was last looked up
	 * as, and the object (index in strs) it was in then. */
	uint32_t *cache_node;
	size_t *cache_ob, cncap, cocap;
	char *tmp;			/* a key or frame name being built */
	size_t tmpcap;

	struct pf_strmap funcs;		/* object "\0" name -> node */
	size_t nfuncs;

	int npos;			/* position columns */
	int nevents;
	int event;			/* column of the chosen event */
	char *evname;			/* its name (in arena) */
	int has_events;

	char *ob, *cob;			/* the current object, that of the
					   next callee (cob_set) */
	size_t obn, cobn, obcap, cobcap;
	size_t obi, cobi;		/* their index in strs; SIZE_MAX: a
					   name given in full */
	int cob_set;
	uint32_t fn;			/* node of fn=; UINT32_MAX: none */
	uint32_t cfn;			/* node of cfn=; UINT32_MAX: none */
	int in_call;			/* a calls= line waits for its costs */

	pf_count total;			/* self costs */
	uint64_t file_total;		/* totals: (or summary:) lines */
	int has_totals, has_summary;
	uint64_t summary;
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
cg_err(struct cg *c, const char *what)
{
	return pf_err(c->err, c->name, c->line, "%s", what);
}

/* The decimal u64 at s[*i], blanks skipped first; -1 when there is none
 * or it overflows. */
static int
u64_at(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t b;

	while (*i < n && is_blank(s[*i]))
		(*i)++;
	b = *i;
	*v = 0;
	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		if (__builtin_mul_overflow(*v, 10, v) ||
		    __builtin_add_overflow(*v, (uint64_t)(s[*i] - '0'), v))
			return -1;
		(*i)++;
	}
	return *i > b && (*i == n || is_blank(s[*i])) ? 0 : -1;
}

static size_t
add_str(struct cg *c, const char *s, size_t n)
{
	char *copy;

	if (pf_grow(&c->strs, &c->scap, c->nstrs + 1, sizeof(*c->strs)) != 0 ||
	    pf_grow(&c->lens, &c->lcap, c->nstrs + 1, sizeof(*c->lens)) != 0 ||
	    (copy = pf_arena_strdup(&c->arena, s, n)) == NULL)
		return SIZE_MAX;
	if (pf_grow(&c->cache_node, &c->cncap, c->nstrs + 1, sizeof(*c->cache_node)) != 0 ||
	    pf_grow(&c->cache_ob, &c->cocap, c->nstrs + 1, sizeof(*c->cache_ob)) != 0)
		return SIZE_MAX;
	c->cache_node[c->nstrs] = UINT32_MAX;
	c->strs[c->nstrs] = copy;
	c->lens[c->nstrs] = n;
	return c->nstrs++;
}

/*
 * Where the index in strs of compressed id d[0..n-1] (decimal digits) is
 * kept when it is small (below four times the ids defined so far, plus
 * 4096): its entry in c->dense, UINT32_MAX when not defined yet, grown to
 * it when define is set.  NULL when the id is not small or was never
 * defined small, or when memory ran out (then *nomem is set).
 */
static uint32_t *
dense_ref(struct cg *c, int kind, const char *d, size_t n, int define, int *nomem)
{
	size_t id = 0, i, old, lim = c->ndefs[kind] * 4 + 4096;
	uint32_t *a;

	if (d[0] == '0')
		return NULL;
	for (i = 0; i < n; i++)
		if ((id = id * 10 + (size_t)(d[i] - '0')) >= lim)
			return NULL;
	if (id >= c->dcap[kind]) {
		if (!define)
			return NULL;
		old = c->dcap[kind];
		if (pf_grow(&c->dense[kind], &c->dcap[kind], id + 1, sizeof(uint32_t)) != 0) {
			*nomem = 1;
			return NULL;
		}
		memset(c->dense[kind] + old, 0xff, (c->dcap[kind] - old) * sizeof(uint32_t));
	}
	a = &c->dense[kind][id];
	if (*a == UINT32_MAX) {
		if (!define)
			return NULL;
		c->ndefs[kind]++;
	}
	return a;
}

/*
 * The name of a specification line's value v[0..n-1] of the given kind:
 * "(N) name" (defining N), "(N)" (defined before) or "name", in *name
 * (valid until the next line) and *len; its index in strs, or SIZE_MAX
 * for a name given in full, in *sidx.  -1 with err.
 */
static int
name_of(struct cg *c, int kind, const char *v, size_t n, const char **name,
    size_t *len, size_t *sidx)
{
	static const char *const kinds[NKINDS] = { "object", "file", "function" };
	struct pf_strmap_slot *slot;
	uint32_t *ref;
	size_t e, b, idx;
	int nomem = 0;

	while (n > 0 && is_blank(v[n - 1]))
		n--;
	while (n > 0 && is_blank(*v)) {
		v++;
		n--;
	}
	*sidx = SIZE_MAX;
	if (n == 0 || v[0] != '(') {
		*name = v;
		*len = n;
		return 0;
	}
	for (e = 1; e < n && v[e] >= '0' && v[e] <= '9'; e++)
		;
	if (e == 1 || e >= n || v[e] != ')' || e > 20)
		return pf_err(c->err, c->name, c->line, "bad compressed name '%.*s'",
		    (int)(n < 40 ? n : 40), v);
	b = e + 1;
	while (b < n && is_blank(v[b]))
		b++;
	if ((ref = dense_ref(c, kind, v + 1, e - 1, b < n, &nomem)) == NULL) {
		if (nomem)
			return pf_nomem(c->err, c->name, c->line);
		slot = pf_strmap_find(&c->ids[kind], v + 1, e - 1,
		    pf_hash_bytes(v + 1, e - 1, (uint64_t)kind), b < n, &nomem);
		if (nomem)
			return pf_nomem(c->err, c->name, c->line);
		ref = slot != NULL ? &slot->value : NULL;
	}
	if (b == n) {
		if (ref == NULL || *ref == UINT32_MAX)
			return pf_err(c->err, c->name, c->line, "%s (%.*s) is used "
			    "before it is defined", kinds[kind], (int)(e - 1), v + 1);
		idx = *ref;
	} else if (*ref != UINT32_MAX && c->lens[*ref] == n - b &&
	    memcmp(c->strs[*ref], v + b, n - b) == 0) {
		idx = *ref;	/* defined again, the same */
	} else {
		/* A definition; one that repeats an id names it anew. */
		if ((idx = add_str(c, v + b, n - b)) == SIZE_MAX)
			return pf_nomem(c->err, c->name, c->line);
		*ref = (uint32_t)idx;
	}
	*name = c->strs[idx];
	*len = c->lens[idx];
	*sidx = idx;
	return 0;
}

/* Copies s[0..n-1] to *buf. */
static int
keep(struct cg *c, char **buf, size_t *cap, size_t *len, const char *s, size_t n)
{
	if (pf_grow(buf, cap, n + 1, 1) != 0)
		return pf_nomem(c->err, c->name, c->line);
	if (n > 0)
		memcpy(*buf, s, n);
	*len = n;
	return 0;
}

/* The node of function fn[0..fnl-1] (fni in strs) of object ob[0..obl-1]
 * (obi in strs). */
static int
func_node(struct cg *c, const char *ob, size_t obl, size_t obi, const char *fn,
    size_t fnl, size_t fni, uint32_t *node)
{
	struct pf_strmap_slot *slot;
	struct pf_cg_node *f;
	size_t i, kl = obl + 1 + fnl;
	int nomem = 0;

	if (fni != SIZE_MAX && (obi != SIZE_MAX || obl == 0) &&
	    c->cache_node[fni] != UINT32_MAX && c->cache_ob[fni] == obi) {
		*node = c->cache_node[fni];
		return 0;
	}
	if (fni != SIZE_MAX && (obi != SIZE_MAX || obl == 0)) {
		int rc = func_node(c, ob, obl, SIZE_MAX, fn, fnl, SIZE_MAX, node);

		if (rc == 0) {
			c->cache_node[fni] = *node;
			c->cache_ob[fni] = obi;
		}
		return rc;
	}

	if (pf_grow(&c->tmp, &c->tmpcap, kl + 1, 1) != 0)
		return pf_nomem(c->err, c->name, c->line);
	if (obl > 0)
		memcpy(c->tmp, ob, obl);
	c->tmp[obl] = '\0';
	memcpy(c->tmp + obl + 1, fn, fnl);
	slot = pf_strmap_find(&c->funcs, c->tmp, kl, pf_hash_bytes(c->tmp, kl, 0), 1,
	    &nomem);
	if (slot == NULL)
		return pf_nomem(c->err, c->name, c->line);
	if (slot->value != UINT32_MAX) {
		*node = slot->value;
		return 0;
	}
	if ((f = pf_callgraph_node(&c->g, c->nfuncs)) == NULL)
		return pf_nomem(c->err, c->name, c->line);
	slot->value = (uint32_t)c->nfuncs;
	memcpy(c->tmp, fn, fnl);
	for (i = 0; i < fnl; i++)
		if (c->tmp[i] == ';' || c->tmp[i] == '\n')
			c->tmp[i] = ':';
	if (fnl == 0)
		memcpy(c->tmp, "(unknown)", fnl = 9);
	if ((f->frame = pf_profile_intern(c->g.p, c->tmp, fnl)) == UINT32_MAX)
		return pf_nomem(c->err, c->name, c->line);
	*node = (uint32_t)c->nfuncs++;
	return 0;
}

/* "events: Ir Dr Dw": chooses the event's column. */
static int
events(struct cg *c, const char *v, size_t n, const char *want)
{
	size_t i = 0, b, lead = 0;
	int k = 0, found = -1;

	if (c->has_events)
		return 0;	/* a later part repeats them */
	while (lead < n && is_blank(v[lead]))
		lead++;
	while (i < n) {
		while (i < n && is_blank(v[i]))
			i++;
		if (i == n)
			break;
		b = i;
		while (i < n && !is_blank(v[i]))
			i++;
		if (k == MAX_EVENTS)
			return cg_err(c, "more than 64 events");
		if (found < 0 && (want == NULL ? k == 0 :
		    (strlen(want) == i - b && memcmp(want, v + b, i - b) == 0))) {
			found = k;
			if ((c->evname = pf_arena_strdup(&c->arena, v + b, i - b)) == NULL)
				return pf_nomem(c->err, c->name, c->line);
		}
		k++;
	}
	if (k == 0)
		return cg_err(c, "an events: line without events");
	if (found < 0)
		return pf_errc(c->err, PF_ERR_USAGE, c->name, c->line, 0, "no event "
		    "'%s' in this profile (its events: %.*s)", want,
		    (int)(n - lead < 200 ? n - lead : 200), v + lead);
	c->nevents = k;
	c->event = found;
	c->has_events = 1;
	return 0;
}

/* "positions: instr line": how many position columns. */
static int
positions(struct cg *c, const char *v, size_t n)
{
	size_t i = 0, b;
	int k = 0;

	while (i < n) {
		while (i < n && is_blank(v[i]))
			i++;
		if (i == n)
			break;
		b = i;
		while (i < n && !is_blank(v[i]))
			i++;
		if (!((i - b == 4 && memcmp(v + b, "line", 4) == 0) ||
		    (i - b == 5 && memcmp(v + b, "instr", 5) == 0)))
			return cg_err(c, "positions: may name only instr and line");
		k++;
	}
	if (k == 0 || k > 2)
		return cg_err(c, "positions: names one or two of instr and line");
	c->npos = k;
	return 0;
}

/* The value, in the chosen event's column, of a totals: or summary: line. */
static int
total_of(struct cg *c, const char *v, size_t n, uint64_t *t)
{
	size_t i = 0;
	int k;

	*t = 0;
	if (!c->has_events)
		return cg_err(c, "a totals: or summary: line before events:");
	for (k = 0; k <= c->event; k++) {
		while (i < n && is_blank(v[i]))
			i++;
		if (i == n)
			return 0;
		if (u64_at(v, n, &i, t) != 0)
			return cg_err(c, "bad number in a totals: or summary: line");
	}
	return 0;
}

/* A cost line: positions, then the costs of the events in order (missing
 * ones are 0). */
static int
cost_line(struct cg *c, const char *s, size_t n)
{
	size_t i = 0;
	uint64_t v = 0;
	int k;

	if (!c->has_events)
		return cg_err(c, "a cost line before the events: line");
	for (k = 0; k < c->npos; k++) {
		size_t b;

		while (i < n && is_blank(s[i]))
			i++;
		b = i;
		if (i < n && s[i] == '*') {
			i++;
		} else {
			if (i < n && (s[i] == '+' || s[i] == '-'))
				i++;
			if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
				i += 2;
			while (i < n && ((s[i] >= '0' && s[i] <= '9') ||
			    (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
				i++;
		}
		if (i == b || (i < n && !is_blank(s[i])))
			return cg_err(c, "bad position in a cost line");
	}
	for (k = 0; k <= c->event; k++) {
		while (i < n && is_blank(s[i]))
			i++;
		if (i == n) {
			v = 0;
			break;
		}
		if (u64_at(s, n, &i, &v) != 0)
			return cg_err(c, "bad cost in a cost line");
	}
	if (c->in_call) {
		c->in_call = 0;
		if (c->cfn == UINT32_MAX || c->fn == UINT32_MAX)
			return cg_err(c, "calls= without fn= and cfn=");
		if (v > 0 && c->cfn != c->fn &&
		    pf_callgraph_arc(&c->g, c->cfn, c->fn, v) != 0)
			return pf_nomem(c->err, c->name, c->line);
		return 0;
	}
	if (c->fn == UINT32_MAX) {
		if (v == 0)
			return 0;
		return cg_err(c, "a cost line outside any function (no fn= before it)");
	}
	c->g.node[c->fn].self += pf_count_from_u64(v);
	c->total += pf_count_from_u64(v);
	return 0;
}

/* Whether s starts with key followed by sep ('=' of a specification line,
 * ':' of a header); the value in *v. */
static int
keyed(const char *s, size_t n, const char *key, char sep, const char **v, size_t *vn)
{
	size_t k = strlen(key);

	if (n <= k || memcmp(s, key, k) != 0 || s[k] != sep)
		return 0;
	*v = s + k + 1;
	*vn = n - k - 1;
	return 1;
}

#define spec(s, n, key, v, vn) keyed(s, n, key, '=', v, vn)
#define header(s, n, key, v, vn) keyed(s, n, key, ':', v, vn)

static int
body_line(struct cg *c, const char *s, size_t n, const struct pf_collapse_options *o)
{
	const char *v, *nm;
	size_t vn, nl, si;
	uint64_t t;

	if (s[0] == '#')
		return 0;
	if ((s[0] >= '0' && s[0] <= '9') || s[0] == '+' || s[0] == '-' || s[0] == '*')
		return cost_line(c, s, n);
	if (c->in_call)
		return cg_err(c, "calls= is not followed by the cost line of the call");
	if (spec(s, n, "fn", &v, &vn)) {
		if (name_of(c, KIND_FN, v, vn, &nm, &nl, &si) != 0 ||
		    func_node(c, c->ob, c->obn, c->obi, nm, nl, si, &c->fn) != 0)
			return -1;
		return 0;
	}
	if (spec(s, n, "cfn", &v, &vn)) {
		if (name_of(c, KIND_FN, v, vn, &nm, &nl, &si) != 0 ||
		    (c->cob_set ? func_node(c, c->cob, c->cobn, c->cobi, nm, nl, si,
		    &c->cfn) : func_node(c, c->ob, c->obn, c->obi, nm, nl, si,
		    &c->cfn)) != 0)
			return -1;
		c->cob_set = 0;
		return 0;
	}
	if (spec(s, n, "calls", &v, &vn)) {
		size_t i = 0;

		if (u64_at(v, vn, &i, &t) != 0)
			return cg_err(c, "bad calls= line");
		c->in_call = 1;
		return 0;
	}
	if (spec(s, n, "ob", &v, &vn))
		return name_of(c, KIND_OB, v, vn, &nm, &nl, &c->obi) != 0 ? -1 :
		    keep(c, &c->ob, &c->obcap, &c->obn, nm, nl);
	if (spec(s, n, "cob", &v, &vn)) {
		c->cob_set = 1;
		return name_of(c, KIND_OB, v, vn, &nm, &nl, &c->cobi) != 0 ? -1 :
		    keep(c, &c->cob, &c->cobcap, &c->cobn, nm, nl);
	}
	if (spec(s, n, "fl", &v, &vn) || spec(s, n, "fi", &v, &vn) ||
	    spec(s, n, "fe", &v, &vn) || spec(s, n, "cfi", &v, &vn) ||
	    spec(s, n, "cfl", &v, &vn) || spec(s, n, "jfi", &v, &vn))
		return name_of(c, KIND_FL, v, vn, &nm, &nl, &si);
	if (spec(s, n, "jfn", &v, &vn))
		return name_of(c, KIND_FN, v, vn, &nm, &nl, &si);
	if (spec(s, n, "jump", &v, &vn) || spec(s, n, "jcnd", &v, &vn))
		return 0;
	if (header(s, n, "events", &v, &vn))
		return events(c, v, vn, o->event);
	if (header(s, n, "positions", &v, &vn))
		return positions(c, v, vn);
	if (header(s, n, "totals", &v, &vn)) {
		if (total_of(c, v, vn, &t) != 0)
			return -1;
		c->file_total += t;
		c->has_totals = 1;
		return 0;
	}
	if (header(s, n, "summary", &v, &vn)) {
		if (total_of(c, v, vn, &t) != 0)
			return -1;
		c->summary += t;
		c->has_summary = 1;
		return 0;
	}
	/* Other headers: version: creator: pid: cmd: part: desc: thread:
	 * event: ... */
	{
		size_t i;

		for (i = 0; i < n && s[i] != ':' && s[i] != '=' && !is_blank(s[i]); i++)
			;
		if (i > 0 && i < n && s[i] == ':')
			return 0;
	}
	return pf_err(c->err, c->name, c->line, "not a line of the callgrind "
	    "format: '%.*s'", (int)(n < 60 ? n : 60), s);
}

/* The first line callgrind writes, or Xdebug's header. */
int
pf_callgrind_detect(const struct pf_peek *pk, size_t *where)
{
	size_t i, ev = SIZE_MAX;
	int fn = 0;

	if (pk->nlines == 0)
		return PF_CLAIM_NONE;
	if (pf_peek_starts(pk->line[0].s, pk->line[0].len, "# callgrind format"))
		return PF_CLAIM_MAGIC;
	/* Without the comment: a version: header first, an events: line
	 * and a fn= line. */
	if (!pf_peek_starts(pk->line[0].s, pk->line[0].len, "version:"))
		return PF_CLAIM_NONE;
	for (i = 0; i < pk->nlines; i++) {
		if (ev == SIZE_MAX && pf_mem_starts(pk->line[i].s, pk->line[i].len, "events:"))
			ev = i;
		if (pf_mem_starts(pk->line[i].s, pk->line[i].len, "fn="))
			fn = 1;
	}
	if (ev == SIZE_MAX || !fn)
		return PF_CLAIM_NONE;
	*where = ev;
	return PF_CLAIM_LINE;
}

int
pf_callgrind_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct cg c;
	const char *s;
	size_t n, i;
	uint64_t nfns;
	int lt, rc = -1, k;

	memset(&c, 0, sizeof(c));
	c.st = st;
	c.err = err;
	c.name = pf_reader_name(r);
	c.npos = 1;
	c.fn = c.cfn = UINT32_MAX;
	c.obi = c.cobi = SIZE_MAX;
	pf_callgraph_init(&c.g, p, c.name, err);
	pf_callgraph_merge_as_added(&c.g);
	c.g.quantum = PF_COUNT_ONE;
	pf_arena_init(&c.arena);
	for (k = 0; k < NKINDS; k++)
		if (pf_strmap_init(&c.ids[k], 256) != 0)
			goto nomem;
	if (pf_strmap_init(&c.funcs, 1024) != 0)
		goto nomem;
	while ((lt = pf_reader_line(r, &s, &n, err)) != PF_LINE_EOF) {
		c.line = pf_reader_lineno(r);
		if (lt == PF_LINE_ERROR)
			goto out;
		if (lt == PF_LINE_TOOLONG) {
			pf_err(err, c.name, c.line, "line longer than %u bytes", PF_LINE_MAX);
			goto out;
		}
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		for (i = 0; i < n && is_blank(s[i]); i++)
			;
		if (i == n)
			continue;
		if (body_line(&c, s + i, n - i, o) != 0)
			goto out;
	}
	c.line = 0;
	if (c.in_call) {
		pf_err(err, c.name, pf_reader_lineno(r), "the input ends after a calls= "
		    "line, without the cost of the call");
		goto out;
	}
	if (!c.has_events) {
		pf_err(err, c.name, 0, "no events: line");
		goto out;
	}
	if (pf_callgraph_merge_arcs(&c.g) != 0 || pf_callgraph_fold(&c.g, &nfns) != 0)
		goto out;
	st->samples = nfns;
	if (c.has_totals || c.has_summary) {
		uint64_t want = c.has_totals ? c.file_total : c.summary;

		if (c.total != pf_count_from_u64(want))
			snprintf(st->note, sizeof(st->note), "the self costs of event %s "
			    "add up to %llu, but the file's %s line says %llu",
			    c.evname, (unsigned long long)(c.total / PF_COUNT_ONE),
			    c.has_totals ? "totals:" : "summary:", (unsigned long long)want);
	}
	rc = 0;
	goto out;
nomem:
	pf_nomem(err, c.name, 0);
out:
	for (k = 0; k < NKINDS; k++) {
		pf_strmap_release(&c.ids[k]);
		free(c.dense[k]);
	}
	pf_strmap_release(&c.funcs);
	pf_arena_release(&c.arena);
	free(c.strs);
	free(c.lens);
	free(c.tmp);
	free(c.cache_node);
	free(c.cache_ob);
	free(c.ob);
	free(c.cob);
	pf_callgraph_release(&c.g);
	return rc;
}
