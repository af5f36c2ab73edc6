/*
 * pstats.c - Python's cProfile and profile output (python3 -m cProfile -o
 * FILE, pstats.Stats.dump_stats) to estimated folded stacks, read without
 * Python.
 *
 * The file is one object in Python's marshal format: a dict from each
 * function, a tuple (file name, line, function name), to a tuple (primitive
 * calls, calls, total time, cumulative time, callers), where callers is a
 * dict from each calling function to (calls, primitive calls, total time,
 * cumulative time) of the calls it made (cProfile), or to a call count
 * (the profile module).  Times are in seconds.  Like gprof, it records no
 * stacks: each function's total (self) time is spread over its callers in
 * proportion to the self time spent in the calls of each (to their call
 * counts when that is all there is), up to the roots (callgraph.c), so
 * each function's self weight is exactly its total time and the sum is
 * what pstats prints as the total time.
 *
 * Marshal (Python/marshal.c): a type byte, with 0x80 set when the object
 * may be referred to later ("r" and an index, in the order the objects
 * begin), then its payload, little-endian: 'i' int32, 'I' int64, 'l' long
 * (int32 count of 15-bit digits, its sign the number's), 'g' binary
 * double, 'f' double as text (one length byte), 's' 't' 'u' 'a' 'A' strings
 * (int32 length), 'z' 'Z' short ones (one length byte), '(' tuple (int32
 * count), ')' small tuple (one count byte), '[' '<' '>' list and sets,
 * '{' dict (pairs until '0'), 'N' 'T' 'F' '.' 'S' singletons.  Every
 * version python3 writes (2 to 4; 5 adds slices) is read; code objects
 * and unknown types are refused.
 */
#include <math.h>
#include <stdlib.h>

#include "format.h"

#define MAX_STR ((size_t)1 << 20)
#define MAX_DEPTH 64
#define FLAG_REF 0x80

enum { M_OTHER, M_NONE, M_INT, M_FLOAT, M_STR, M_FUNC, M_STATS };

struct mval {
	int kind;
	double f;		/* M_INT and M_FLOAT: the number */
	const char *s;		/* M_STR (in the arena for refs) */
	size_t n;
	uint32_t func;		/* M_FUNC: node */
	double t[4];		/* M_STATS: a tuple of 4 numbers */
};

/*
 * A flagged object, kept for references to it: what of it can be used (a
 * tuple of numbers cannot, as no profiler shares one), in 16 bytes.  A
 * file may flag every object, even those of one byte, so the table grows
 * with the file, not with its distinct objects: it is held to
 * pf_input_max_size() with the strings it keeps.
 */
struct mref {
	union {
		double f;	/* M_INT, M_FLOAT */
		const char *s;	/* M_STR, in the arena */
		uint32_t func;	/* M_FUNC */
	} u;
	uint32_t n;		/* M_STR: its length (at most MAX_STR) */
	unsigned char kind;	/* M_STATS is kept as M_OTHER */
};

struct ps {
	struct pf_reader *r;
	const struct pf_collapse_options *o;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	struct pf_callgraph g;
	struct pf_strmap funcs;		/* file "\0" line "\0" name -> node */
	size_t nfuncs;
	struct pf_arena arena;
	struct mref *refs;
	size_t nrefs, rcap;
	uint64_t ref_bytes;		/* of strings kept for references */
	unsigned char *buf;
	size_t pos, len, cap;
	uint64_t off;			/* of buf[0] in the input */
	char *tmp;
	size_t tmpcap;
	int negative;			/* a negative time was set to 0 */
	pf_count total;
};

/* Frees what reading the marshal data needs (twice is harmless). */
static void
ps_release(struct ps *p)
{
	pf_strmap_release(&p->funcs);
	memset(&p->funcs, 0, sizeof(p->funcs));
	pf_arena_release(&p->arena);
	free(p->refs);
	free(p->buf);
	free(p->tmp);
	p->refs = NULL;
	p->buf = NULL;
	p->tmp = NULL;
	p->nrefs = p->rcap = p->cap = p->len = p->pos = p->tmpcap = 0;
	p->ref_bytes = 0;
}

static int
ps_err(struct ps *p, const char *what)
{
	return pf_err(p->err, p->name, 0, "byte %llu: %s",
	    (unsigned long long)(p->off + p->pos), what);
}

/* Makes n bytes available at p->buf + p->pos. */
static int
need(struct ps *p, size_t n)
{
	size_t got;

	if (p->len - p->pos >= n)
		return 0;
	if (p->len > p->pos)
		memmove(p->buf, p->buf + p->pos, p->len - p->pos);
	p->off += p->pos;
	p->len -= p->pos;
	p->pos = 0;
	if (pf_grow(&p->buf, &p->cap, n < 65536 ? 65536 : n, 1) != 0)
		return pf_nomem(p->err, p->name, 0);
	while (p->len < n) {
		got = pf_reader_read(p->r, p->buf + p->len, p->cap - p->len, p->err);
		if (got == (size_t)-1)
			return -1;
		if (got == 0)
			return ps_err(p, "the input ends inside the marshal data "
			    "(truncated)");
		p->len += got;
	}
	return 0;
}

static int
byte(struct ps *p, unsigned char *c)
{
	if (need(p, 1) != 0)
		return -1;
	*c = p->buf[p->pos++];
	return 0;
}

static int
le32(struct ps *p, int32_t *v)
{
	const unsigned char *b;

	if (need(p, 4) != 0)
		return -1;
	b = p->buf + p->pos;
	*v = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24);
	p->pos += 4;
	return 0;
}

/* Skips n bytes. */
static int
skip(struct ps *p, uint64_t n)
{
	while (n > 0) {
		size_t k = n > 65536 ? 65536 : (size_t)n;

		if (need(p, k) != 0)
			return -1;
		p->pos += k;
		n -= k;
	}
	return 0;
}

static int
count(struct ps *p, int32_t *n)
{
	if (le32(p, n) != 0)
		return -1;
	if (*n < 0)
		return ps_err(p, "negative length");
	return 0;
}

/* The node of the function (file, line, name). */
static int
func_node(struct ps *p, const struct mval *file, double line, const struct mval *fn,
    uint32_t *node)
{
	struct pf_strmap_slot *slot;
	struct pf_cg_node *f;
	char num[32];
	size_t nl, kl, i, o = 0;
	int nomem = 0;

	nl = (size_t)snprintf(num, sizeof(num), "%.0f", line);
	kl = file->n + 1 + nl + 1 + fn->n;
	if (pf_grow(&p->tmp, &p->tmpcap, kl + 8, 1) != 0)
		return pf_nomem(p->err, p->name, 0);
	memcpy(p->tmp, file->s, file->n);
	p->tmp[file->n] = '\0';
	memcpy(p->tmp + file->n + 1, num, nl);
	p->tmp[file->n + 1 + nl] = '\0';
	memcpy(p->tmp + file->n + 2 + nl, fn->s, fn->n);
	slot = pf_strmap_find(&p->funcs, p->tmp, kl, pf_hash_bytes(p->tmp, kl, 0), 1,
	    &nomem);
	if (slot == NULL)
		return pf_nomem(p->err, p->name, 0);
	if (slot->value != UINT32_MAX) {
		*node = slot->value;
		return 0;
	}
	if ((f = pf_callgraph_node(&p->g, p->nfuncs)) == NULL)
		return pf_nomem(p->err, p->name, 0);
	slot->value = (uint32_t)p->nfuncs;
	/* "name (file:line)", as pstats prints them the other way round;
	 * built-ins (file "~" or "", line 0) are their name alone. */
	memcpy(p->tmp, fn->s, fn->n);
	o = fn->n;
	if (!p->o->no_location && !(line == 0 && (file->n == 0 ||
	    (file->n == 1 && file->s[0] == '~')))) {
		p->tmp[o++] = ' ';
		p->tmp[o++] = '(';
		memcpy(p->tmp + o, file->s, file->n);
		o += file->n;
		p->tmp[o++] = ':';
		memcpy(p->tmp + o, num, nl);
		o += nl;
		p->tmp[o++] = ')';
	}
	for (i = 0; i < o; i++)
		if (p->tmp[i] == ';' || p->tmp[i] == '\n')
			p->tmp[i] = ':';
	if (o == 0)
		memcpy(p->tmp, "(unknown)", o = 9);
	if ((f->frame = pf_profile_intern(p->g.p, p->tmp, o)) == UINT32_MAX)
		return pf_nomem(p->err, p->name, 0);
	*node = (uint32_t)p->nfuncs++;
	return 0;
}

static int value(struct ps *p, struct mval *v, int depth);
static int code_object(struct ps *p, struct mval *v, int depth);

/* A tuple of n elements: a function's (file, line, name), a stats
 * tuple of 4 numbers, or something else. */
static int
tuple(struct ps *p, struct mval *v, int32_t n, int depth)
{
	struct mval e[4];
	char *copy[3] = { NULL, NULL, NULL };
	int32_t i;
	int nums = 0, rc = -1;

	v->kind = M_OTHER;
	for (i = 0; i < n; i++) {
		struct mval x;

		if (value(p, &x, depth + 1) != 0)
			goto out;
		if (i < 4) {
			e[i] = x;
			nums += x.kind == M_INT || x.kind == M_FLOAT;
		}
		/* The strings of a function's tuple point into the input
		 * buffer, which the next read may move: copy them. */
		if (i < 3 && x.kind == M_STR) {
			if ((copy[i] = malloc(x.n + 1)) == NULL) {
				pf_nomem(p->err, p->name, 0);
				goto out;
			}
			memcpy(copy[i], x.s, x.n);
			e[i].s = copy[i];
		}
	}
	rc = 0;
	if (n == 3 && e[0].kind == M_STR && e[1].kind == M_INT && e[2].kind == M_STR) {
		v->kind = M_FUNC;
		rc = func_node(p, &e[0], e[1].f, &e[2], &v->func);
	} else if (n == 4 && nums == 4) {
		v->kind = M_STATS;
		for (i = 0; i < 4; i++)
			v->t[i] = e[i].f;
	}
out:
	for (i = 0; i < 3; i++)
		free(copy[i]);
	return rc;
}

/* Reserves the slot of a flagged object (refs count from where objects
 * begin), its type byte just read. */
static int
ref_reserve(struct ps *p, size_t *slot)
{
	uint64_t max = pf_input_max_size();
	char words[32];

	if (max > 0 && (p->nrefs + 1) * sizeof(*p->refs) + p->ref_bytes > max)
		return pf_err(p->err, p->name, 0, "byte %llu: more than %s of marshal "
		    "objects flagged for reference to hold: refused (the limit is "
		    "--max-input-size)", (unsigned long long)(p->off + p->pos - 1),
		    pf_size_words(max, words, sizeof(words)));
	if (p->nrefs >= INT32_MAX)
		return ps_err(p, "more than 2^31 marshal objects flagged for reference");
	if (pf_grow(&p->refs, &p->rcap, p->nrefs + 1, sizeof(*p->refs)) != 0)
		return pf_nomem(p->err, p->name, 0);
	memset(&p->refs[p->nrefs], 0, sizeof(*p->refs));
	*slot = p->nrefs++;
	return 0;
}

/* The start of a dict, flagged or not; what to say when it is none. */
static int
dict_open(struct ps *p, const char *what)
{
	unsigned char c;
	size_t slot;

	if (byte(p, &c) != 0)
		return -1;
	if ((c & 0x7f) != '{')
		return ps_err(p, what);
	if ((c & FLAG_REF) && ref_reserve(p, &slot) != 0)
		return -1;
	return 0;
}

/* 1 (and the end read) when a dict ends here, 0 when a key follows, -1 on
 * error. */
static int
dict_end(struct ps *p)
{
	if (need(p, 1) != 0)
		return -1;
	if (p->buf[p->pos] != '0')
		return 0;
	p->pos++;
	return 1;
}

/* The dict of callers of node callee. */
static int
callers(struct ps *p, uint32_t callee, int depth)
{
	struct mval k, v;
	uint64_t w;

	int end;

	if (dict_open(p, "the callers of a function are not a dict") != 0)
		return -1;
	while ((end = dict_end(p)) == 0) {
		if (value(p, &k, depth + 1) != 0 || value(p, &v, depth + 1) != 0)
			return -1;
		if (k.kind != M_FUNC)
			return ps_err(p, "a caller is not a (file, line, name) tuple");
		if (v.kind == M_STATS) {
			/* (calls, primitive calls, total time, cumulative) */
			double t = v.t[2] > 0 ? v.t[2] * 1e9 + 0.5 : 0;

			w = t >= 1.8e19 ? UINT64_MAX : (uint64_t)t;
		} else if (v.kind == M_INT) {
			w = v.f > 0 ? (v.f >= 1.8e19 ? UINT64_MAX : (uint64_t)v.f) : 0;
		} else {
			return ps_err(p, "the calls of a caller are neither a count nor "
			    "a tuple of 4 numbers");
		}
		if (k.func != callee && pf_callgraph_arc(&p->g, callee, k.func, w) != 0)
			return pf_nomem(p->err, p->name, 0);
	}
	return end < 0 ? -1 : 0;
}

/*
 * A code object, which the profile module writes as the name of the
 * function it makes up for the command it runs: a string "<code object
 * NAME, file "FILE", line N>" (its repr without the address).  Its fields
 * are raw 32-bit integers and objects; Python 3.11 and later write five
 * integers before the bytecode, 3.8 to 3.10 six (nlocals too), and the
 * objects before the file name differ as well.
 */
static int
code_object(struct ps *p, struct mval *v, int depth)
{
	struct mval x;
	char *file = NULL, *name = NULL, *text;
	size_t fl = 0, nl = 0;
	int32_t line = 0;
	int nints, before, after, i, rc = -1;

	if (need(p, 25) != 0)
		return -1;
	if ((p->buf[p->pos + 20] & 0x7f) == 's') {
		nints = 5;		/* 3.11 and later */
		before = 5;		/* code consts names localsplusnames kinds */
		after = 2;		/* linetable exceptiontable */
	} else if ((p->buf[p->pos + 24] & 0x7f) == 's') {
		nints = 6;		/* 3.8 to 3.10 */
		before = 6;		/* code consts names varnames freevars cellvars */
		after = 1;		/* lnotab or linetable */
	} else {
		return ps_err(p, "a code object of a Python version this reader "
		    "does not know");
	}
	p->pos += (size_t)nints * 4;
	for (i = 0; i < before; i++)
		if (value(p, &x, depth + 1) != 0)
			goto out;
	for (i = 0; i < 2; i++) {
		if (value(p, &x, depth + 1) != 0)
			goto out;
		if (x.kind != M_STR) {
			ps_err(p, "a code object without a file name and a name");
			goto out;
		}
		if (i == 0 ? (file = malloc(x.n + 1)) == NULL : (name = malloc(x.n + 1)) == NULL) {
			pf_nomem(p->err, p->name, 0);
			goto out;
		}
		memcpy(i == 0 ? file : name, x.s, x.n);
		*(i == 0 ? &fl : &nl) = x.n;
	}
	if (nints == 5 && value(p, &x, depth + 1) != 0)	/* qualname */
		goto out;
	if (le32(p, &line) != 0)
		goto out;
	for (i = 0; i < after; i++)
		if (value(p, &x, depth + 1) != 0)
			goto out;
	if ((text = pf_arena_alloc(&p->arena, nl + fl + 64)) == NULL) {
		pf_nomem(p->err, p->name, 0);
		goto out;
	}
	v->kind = M_STR;
	v->s = text;
	v->n = (size_t)sprintf(text, "<code object %.*s, file \"%.*s\", line %ld>",
	    (int)nl, name, (int)fl, file, (long)line);
	rc = 0;
out:
	free(file);
	free(name);
	return rc;
}

/* Any object, its value in *v; strings point into the input buffer until
 * the next read, but those of refs, which live in the arena. */
static int
value(struct ps *p, struct mval *v, int depth)
{
	unsigned char c, code, b8[8];
	int32_t n, i;
	size_t slot = SIZE_MAX;
	int flag;

	memset(v, 0, sizeof(*v));
	if (depth > MAX_DEPTH)
		return ps_err(p, "marshal objects nested too deeply");
	if (byte(p, &c) != 0)
		return -1;
	code = c & 0x7f;
	flag = (c & FLAG_REF) != 0;
	if (flag && code != 'r' && ref_reserve(p, &slot) != 0)
		return -1;
	switch (code) {
	case 'N':
		v->kind = M_NONE;
		break;
	case 'T': case 'F': case 'S': case '.':
		break;
	case 'i':
		if (le32(p, &n) != 0)
			return -1;
		v->kind = M_INT;
		v->f = n;
		break;
	case 'I': {
		uint64_t u = 0;

		if (need(p, 8) != 0)
			return -1;
		for (i = 7; i >= 0; i--)
			u = u << 8 | p->buf[p->pos + (size_t)i];
		p->pos += 8;
		v->kind = M_INT;
		v->f = (double)(int64_t)u;
		break;
	}
	case 'l': {
		double x = 0, scale = 1;
		int32_t k;

		if (le32(p, &n) != 0)
			return -1;
		k = n < 0 ? -n : n;
		if (n == INT32_MIN)
			return ps_err(p, "bad long int");
		for (i = 0; i < k; i++) {
			unsigned d;

			if (need(p, 2) != 0)
				return -1;
			d = (unsigned)p->buf[p->pos] | (unsigned)p->buf[p->pos + 1] << 8;
			p->pos += 2;
			if (d >= 1u << 15)
				return ps_err(p, "bad digit in a long int");
			x += d * scale;
			scale *= 32768.0;
		}
		v->kind = M_INT;
		v->f = n < 0 ? -x : x;
		break;
	}
	case 'g':
		if (need(p, 8) != 0)
			return -1;
		for (i = 0; i < 8; i++)
			b8[i] = p->buf[p->pos + (size_t)i];
		p->pos += 8;
		{
			uint64_t u = 0;

			for (i = 7; i >= 0; i--)
				u = u << 8 | b8[i];
			memcpy(&v->f, &u, 8);
		}
		v->kind = M_FLOAT;
		break;
	case 'f': {
		char text[257], *end;

		if (byte(p, &c) != 0 || need(p, c) != 0)
			return -1;
		memcpy(text, p->buf + p->pos, c);
		text[c] = '\0';
		p->pos += c;
		v->f = strtod(text, &end);
		if (c == 0 || *end != '\0')
			return ps_err(p, "bad float");
		v->kind = M_FLOAT;
		break;
	}
	case 'x':	/* complex as text */
		for (i = 0; i < 2; i++)
			if (byte(p, &c) != 0 || skip(p, c) != 0)
				return -1;
		break;
	case 'y':
		if (skip(p, 16) != 0)
			return -1;
		break;
	case 's': case 't': case 'u': case 'a': case 'A':
	case 'z': case 'Z': {
		size_t len;

		if (code == 'z' || code == 'Z') {
			if (byte(p, &c) != 0)
				return -1;
			len = c;
		} else {
			if (count(p, &n) != 0)
				return -1;
			len = (size_t)n;
		}
		if (len > MAX_STR)
			return ps_err(p, "a string longer than 1 MiB");
		if (need(p, len) != 0)
			return -1;
		v->kind = M_STR;
		v->s = (const char *)p->buf + p->pos;
		v->n = len;
		p->pos += len;
		break;
	}
	case 'r': {
		int32_t k;

		if (le32(p, &k) != 0)
			return -1;
		if (k < 0 || (size_t)k >= p->nrefs)
			return ps_err(p, "a reference to an object not read yet");
		v->kind = p->refs[k].kind;
		if (v->kind == M_FUNC)
			v->func = p->refs[k].u.func;
		else if (v->kind == M_STR)
			v->s = p->refs[k].u.s;
		else
			v->f = p->refs[k].u.f;
		v->n = p->refs[k].n;
		return 0;
	}
	case '(': case ')':
		if (code == ')') {
			if (byte(p, &c) != 0)
				return -1;
			n = c;
		} else if (count(p, &n) != 0) {
			return -1;
		}
		if (tuple(p, v, n, depth) != 0)
			return -1;
		break;
	case '[': case '<': case '>':
		if (count(p, &n) != 0)
			return -1;
		for (i = 0; i < n; i++) {
			struct mval x;

			if (value(p, &x, depth + 1) != 0)
				return -1;
		}
		break;
	case '{': {
		int end;

		while ((end = dict_end(p)) == 0) {
			struct mval x;

			if (value(p, &x, depth + 1) != 0 || value(p, &x, depth + 1) != 0)
				return -1;
		}
		if (end < 0)
			return -1;
		break;
	}
	case 'c':
		if (code_object(p, v, depth) != 0)
			return -1;
		break;
	default:
		return pf_err(p->err, p->name, 0, "byte %llu: unknown marshal type "
		    "code 0x%02x (not a pstats file, or a marshal version this "
		    "reader does not know)", (unsigned long long)(p->off + p->pos - 1), c);
	}
	if (slot != SIZE_MAX) {
		if (v->kind == M_STR) {
			char *copy = pf_arena_strdup(&p->arena, v->s, v->n);

			if (copy == NULL)
				return pf_nomem(p->err, p->name, 0);
			v->s = copy;
			p->ref_bytes += v->n + 1;
		}
		p->refs[slot].kind = (unsigned char)(v->kind == M_STATS ? M_OTHER : v->kind);
		if (v->kind == M_FUNC)
			p->refs[slot].u.func = v->func;
		else if (v->kind == M_STR)
			p->refs[slot].u.s = v->s;
		else
			p->refs[slot].u.f = v->f;
		p->refs[slot].n = (uint32_t)v->n;
	}
	return 0;
}

/* The statistics of function node f: (cc, nc, tt, ct, callers). */
static int
stats_tuple(struct ps *p, uint32_t f)
{
	struct mval x;
	unsigned char c;
	int32_t n, i;
	size_t slot;
	double tt = 0, ns;

	if (byte(p, &c) != 0)
		return -1;
	if ((c & 0x7f) == ')') {
		unsigned char b;

		if (byte(p, &b) != 0)
			return -1;
		n = b;
	} else if ((c & 0x7f) != '(' || count(p, &n) != 0) {
		return (c & 0x7f) != '(' ? ps_err(p, "a function's statistics are not "
		    "a tuple") : -1;
	}
	if (n != 5)
		return ps_err(p, "a function's statistics are not 5 values (primitive "
		    "calls, calls, total time, cumulative time, callers)");
	if ((c & FLAG_REF) && ref_reserve(p, &slot) != 0)
		return -1;
	for (i = 0; i < 4; i++) {
		if (value(p, &x, 2) != 0)
			return -1;
		if (x.kind != M_INT && x.kind != M_FLOAT)
			return ps_err(p, "a function's statistics are not numbers");
		if (i == 2)
			tt = x.f;
	}
	if (!(tt >= 0)) {
		/* The profile module's calibration can overshoot. */
		p->negative++;
		tt = 0;
	}
	ns = tt * 1e9 + 0.5;
	if (ns >= 1.8e19)
		return ps_err(p, "a total time too large");
	p->g.node[f].self += pf_count_from_u64((uint64_t)ns);
	p->total += pf_count_from_u64((uint64_t)ns);
	return callers(p, f, 2);
}

/* The stats dict: function -> (cc, nc, tt, ct, callers). */
static int
stats(struct ps *p)
{
	struct mval k;
	int end;

	if (dict_open(p, "not a pstats file (its marshal data is not a dict)") != 0)
		return -1;
	while ((end = dict_end(p)) == 0) {
		if (value(p, &k, 1) != 0)
			return -1;
		if (k.kind != M_FUNC)
			return ps_err(p, "a key of the stats dict is not a (file, line, "
			    "name) tuple");
		p->st->samples++;
		if (stats_tuple(p, k.func) != 0)
			return -1;
	}
	return end < 0 ? -1 : 0;
}

static int
string_code(unsigned char c)
{
	c &= 0x7f;
	return c == 's' || c == 't' || c == 'u' || c == 'a' || c == 'A' || c == 'z' ||
	    c == 'Z' || c == 'r';
}

/* A marshalled dict whose first key is a tuple of 3 that starts with a
 * string, or an empty dict. */
int
pf_pstats_detect(const struct pf_peek *pk, size_t *where)
{
	const unsigned char *b = (const unsigned char *)pk->buf;
	size_t n = pk->n;

	PF_UNUSED(where);
	if (n < 2 || (b[0] & 0x7f) != '{')
		return PF_CLAIM_NONE;
	if (n == 2 && pk->whole && b[1] == '0')
		return PF_CLAIM_MAGIC;
	if (n >= 4 && (b[1] & 0x7f) == ')' && b[2] == 3 && string_code(b[3]))
		return PF_CLAIM_MAGIC;
	if (n >= 7 && (b[1] & 0x7f) == '(' && b[2] == 3 && b[3] == 0 && b[4] == 0 &&
	    b[5] == 0 && string_code(b[6]))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

int
pf_pstats_read(struct pf_profile *pr, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct ps p;
	uint64_t nfns;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.r = r;
	p.o = o;
	p.st = st;
	p.err = err;
	p.name = pf_reader_name(r);
	pf_callgraph_init(&p.g, pr, p.name, err);
	p.g.quantum = PF_COUNT_ONE;
	pf_arena_init(&p.arena);
	if (pf_strmap_init(&p.funcs, 1024) != 0) {
		pf_nomem(err, p.name, 0);
		goto out;
	}
	if (stats(&p) != 0)
		goto out;
	if (p.pos == p.len) {
		unsigned char x;
		size_t got = pf_reader_read(r, &x, 1, err);

		if (got == (size_t)-1)
			goto out;
		p.len += got;
	}
	if (p.pos < p.len) {
		ps_err(&p, "more data after the stats dict");
		goto out;
	}
	/* What only reading needed goes before the stacks come. */
	ps_release(&p);
	if (pf_callgraph_merge_arcs(&p.g) != 0 || pf_callgraph_fold(&p.g, &nfns) != 0)
		goto out;
	st->samples = nfns;
	if (p.negative > 0)
		snprintf(st->note, sizeof(st->note), "%d functions have a negative "
		    "total time (the profile module's calibration overshot), "
		    "counted as 0", p.negative);
	rc = 0;
out:
	ps_release(&p);
	pf_callgraph_release(&p.g);
	return rc;
}
