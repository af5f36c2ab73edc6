/*
 * v8log.c - V8's own tick log (node --prof: isolate-*-v8.log) to folded
 * stacks, so that the --prof-process step can be skipped.
 *
 * The log is comma-separated events in time order.  Those read here:
 *   shared-library,NAME,START,END,SLIDE
 *   code-creation,TYPE,KIND,TIME,START,SIZE,NAME[,SFI,STATE]
 *   code-move,FROM,TO           code-delete,START
 *   tick,PC,TIME,IS_EXTERNAL_CALLBACK,TOS_OR_CALLBACK,VMSTATE,FRAME...
 * Older V8 wrote code-creation without the TIME (and before that without
 * the KIND) and the stack pointer where ticks now have the time, and until
 * Node 8 it quoted names as CSV does ("Module._load module.js:420:24",
 * with \" inside) where it now escapes commas as \x2C.  START is the first
 * field after TYPE that is an address (0x...), which tells the layouts
 * apart, and a quoted field is one field whatever commas it holds.
 * Code entries are kept in an address-ordered array as the log creates,
 * moves and deletes them, and each tick's addresses are resolved against
 * the code as it was at that tick.  As in V8's tick processor: in an
 * external callback the callback's address replaces the pc, a top of stack
 * that points into JavaScript is a frame of its own, and a frame written
 * "+HEX"/"-HEX" is an offset from the one before.  An address outside all
 * code entries becomes "[LIBRARY]" when a shared library holds it (the log
 * has no C++ symbols: --prof-process gets them from nm) and, for the pc,
 * "[unknown]" otherwise; a caller outside all code is left out, as the
 * tick processor does.  No tick is dropped.
 */
#include <stdlib.h>

#include "format.h"

#define MAX_FIELDS 256

/* Code objects and libraries are address spans (internal.h): their frame
 * in val, in flag whether the code is JavaScript. */

struct v8log {
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	uint64_t line;

	struct pf_spans code;	/* not overlapping */
	struct pf_spans libs;	/* shared libraries, by start */
	uint32_t unknown;
	uint32_t *stack;
	size_t scap;
	char *buf;
	size_t bcap;
	uint64_t events;	/* of the kinds read here */
};

static int
hexval(const char *s, size_t n, uint64_t *v)
{
	size_t i = 0;

	*v = 0;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == n || n - i > 16)
		return -1;
	for (; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

static int
decval(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

/* V8 escapes commas in names as \x2C (and backslashes as \\); inside
 * the quotes of older logs, a quote is \". */
static size_t
unescape(struct v8log *v, const char *s, size_t n)
{
	size_t i, o = 0;
	uint64_t c;

	if (pf_grow(&v->buf, &v->bcap, n + 1, 1) != 0)
		return SIZE_MAX;
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    hexval(s + i + 2, 2, &c) == 0 && c != 0 && c != '\n') {
			v->buf[o++] = (char)c;
			i += 3;
		} else if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '\\' || s[i + 1] == '"')) {
			v->buf[o++] = s[i + 1];
			i++;
		} else {
			v->buf[o++] = s[i];
		}
	}
	return o;
}

/* The end of an entry; an entry of size 0 still holds its start. */
static uint64_t
code_end(const struct pf_span *c)
{
	uint64_t size = c->size ? c->size : 1;

	return c->start + size < c->start ? UINT64_MAX : c->start + size;
}

/* Removes the entries overlapping [start, end). */
static void
clear_range(struct pf_spans *t, uint64_t start, uint64_t end)
{
	uint32_t a, b, mid, c;
	struct pf_span *last;

	pf_spans_split(t, t->root, start, &a, &b);
	pf_spans_split(t, b, end, &mid, &c);
	pf_spans_release(t, mid);
	/* The entry starting last before start may reach into the range. */
	if ((last = pf_spans_floor(t, a, start)) != NULL && code_end(last) > start) {
		uint32_t l, r;

		pf_spans_split(t, a, last->start, &l, &r);
		pf_spans_release(t, r);
		a = l;
	}
	t->root = pf_spans_join(t, a, c);
}

/* Inserts c, replacing what it overlaps (code) or what starts where it
 * does (libraries).  -1 when memory runs out. */
static int
insert(struct pf_spans *t, const struct pf_span *c, int replace_overlap)
{

	if (replace_overlap)
		clear_range(t, c->start, code_end(c));
	else
		clear_range(t, c->start, c->start + 1 > c->start ? c->start + 1 : c->start);
	if (pf_spans_add(t, c) != 0)
		return -1;
	return 0;
}

static int
add_code(struct v8log *v, const struct pf_span *c)
{
	if (insert(&v->code, c, 1) != 0)
		return pf_nomem(v->err, v->name, v->line);
	return 0;
}

static struct pf_span *
find_code(struct v8log *v, uint64_t addr)
{
	struct pf_span *c = pf_spans_floor(&v->code, v->code.root, addr);

	return c != NULL && addr < code_end(c) ? c : NULL;
}

/*
 * A library holds addr when it is the one starting last at or below it
 * and reaches past it, as in V8's tick processor (overlapping libraries
 * do not occur in real logs).
 */
static uint32_t
resolve(struct v8log *v, uint64_t addr)
{
	struct pf_span *c = find_code(v, addr);

	if (c != NULL)
		return c->val;
	c = pf_spans_floor(&v->libs, v->libs.root, addr);
	if (c != NULL && addr - c->start < c->size)
		return c->val;
	return v->unknown;
}

static int
is_js_type(const char *t, size_t n)
{
	static const char *const js[] = { "JS", "Eval", "Function", "LazyCompile",
	    "Script", NULL };
	int i;

	for (i = 0; js[i] != NULL; i++)
		if (strlen(js[i]) == n && memcmp(js[i], t, n) == 0)
			return 1;
	return 0;
}

struct field {
	const char *s;
	size_t n;		/* of a quoted field: without its quotes */
};

/* "0x..." (V8 writes every address so). */
static int
is_address(const struct field *f)
{
	return f->n > 2 && f->s[0] == '0' && (f->s[1] == 'x' || f->s[1] == 'X');
}

/*
 * Splits s into fields at commas; a field that starts with a quote runs to
 * the closing quote (a backslash escapes the character after it).
 */
static size_t
split_fields(const char *s, size_t n, struct field *f, size_t max)
{
	size_t nf = 0, i = 0, j;

	while (nf < max) {
		if (i < n && s[i] == '"') {
			for (j = i + 1; j < n && s[j] != '"'; j++)
				if (s[j] == '\\' && j + 1 < n)
					j++;
			if (j < n && (j + 1 == n || s[j + 1] == ',')) {
				f[nf].s = s + i + 1;
				f[nf++].n = j - i - 1;
				i = j + 1;
				if (i == n)
					break;
				i++;
				continue;
			}
		}
		for (j = i; j < n && s[j] != ','; j++)
			;
		f[nf].s = s + i;
		f[nf++].n = j - i;
		if (j == n)
			break;
		i = j + 1;
	}
	return nf;
}

static int
code_creation(struct v8log *v, struct field *f, size_t nf)
{
	struct pf_span c;
	char type[64];
	size_t len, at;

	/* code-creation,TYPE[,KIND[,TIME]],START,SIZE,NAME[,...]: START is
	 * the first address. */
	for (at = 2; at < nf && at <= 4 && !is_address(&f[at]); at++)
		;
	if (at + 2 >= nf || at > 4 || hexval(f[at].s, f[at].n, &c.start) != 0 ||
	    decval(f[at + 1].s, f[at + 1].n, &c.size) != 0)
		return pf_err(v->err, v->name, v->line, "cannot read this "
		    "code-creation event");
	c.flag = is_js_type(f[1].s, f[1].n);
	snprintf(type, sizeof(type), "%.*s", (int)(f[1].n > 60 ? 60 : f[1].n), f[1].s);
	/* Commas in names are escaped or quoted, so the name is one field. */
	if ((len = unescape(v, f[at + 2].s, f[at + 2].n)) == SIZE_MAX ||
	    pf_v8_frame_name(v->p, c.flag ? NULL : type, v->buf, len, &c.val) != 0)
		return pf_nomem(v->err, v->name, v->line);
	return add_code(v, &c);
}

static int
tick(struct v8log *v, struct field *f, size_t nf)
{
	uint64_t pc, tos, ext, a, prev;
	size_t n = 0, i;
	struct pf_span *c;

	if (nf < 6 || hexval(f[1].s, f[1].n, &pc) != 0 ||
	    decval(f[3].s, f[3].n, &ext) != 0 || hexval(f[4].s, f[4].n, &tos) != 0)
		return pf_err(v->err, v->name, v->line, "cannot read this tick");
	if (pf_grow(&v->stack, &v->scap, nf + 2, sizeof(*v->stack)) != 0)
		return pf_nomem(v->err, v->name, v->line);
	if (ext) {
		/* In an external callback the pc may point anywhere in it. */
		pc = tos;
		tos = 0;
	}
	v->stack[n++] = resolve(v, pc);
	if (tos != 0 && (c = find_code(v, tos)) != NULL && c->flag)
		v->stack[n++] = c->val;
	prev = pc;
	for (i = 6; i < nf; i++) {
		if (f[i].n > 1 && (f[i].s[0] == '+' || f[i].s[0] == '-')) {
			if (hexval(f[i].s + 1, f[i].n - 1, &a) != 0)
				continue;
			prev = f[i].s[0] == '+' ? prev + a : prev - a;
		} else if (hexval(f[i].s, f[i].n, &prev) != 0) {
			continue;	/* "overflow" and the like */
		}
		/* As in V8's tick processor, a caller that is no code is
		 * left out: only the pc may be unknown. */
		if (resolve(v, prev) != v->unknown)
			v->stack[n++] = resolve(v, prev);
	}
	/* Leaf first: reverse. */
	pf_stack_reverse(v->stack, n);
	v->st->samples++;
	if (pf_profile_add(v->p, v->stack, n, PF_COUNT_ONE, 0, v->err) != 0) {
		pf_err_name(v->err, v->name);
		v->err->line = v->line;
		return -1;
	}
	return 0;
}

static int
event(struct v8log *v, const char *s, size_t n)
{
	struct field f[MAX_FIELDS];
	size_t nf;
	uint64_t from, to;
	struct pf_span *c, moved;

	nf = split_fields(s, n, f, MAX_FIELDS);
#define IS(str) (f[0].n == sizeof(str) - 1 && memcmp(f[0].s, str, f[0].n) == 0)
	if (IS("tick") || IS("code-creation") || IS("code-move") ||
	    IS("code-delete") || IS("shared-library"))
		v->events++;
	if (IS("tick"))
		return tick(v, f, nf);
	if (IS("code-creation"))
		return code_creation(v, f, nf);
	if (IS("code-move")) {
		if (nf < 3 || hexval(f[1].s, f[1].n, &from) != 0 ||
		    hexval(f[2].s, f[2].n, &to) != 0)
			return pf_err(v->err, v->name, v->line, "cannot read this code-move");
		if ((c = find_code(v, from)) == NULL || c->start != from)
			return 0;
		moved = *c;
		clear_range(&v->code, from, from + 1);
		moved.start = to;
		return add_code(v, &moved);
	}
	if (IS("code-delete")) {
		if (nf < 2 || hexval(f[1].s, f[1].n, &from) != 0)
			return pf_err(v->err, v->name, v->line, "cannot read this code-delete");
		if ((c = find_code(v, from)) != NULL && c->start == from)
			clear_range(&v->code, from, from + 1);
		return 0;
	}
	if (IS("shared-library")) {
		struct pf_span l;
		uint64_t end;
		char *nm;
		size_t len, last;

		if (nf < 4)
			return pf_err(v->err, v->name, v->line, "cannot read this "
			    "shared-library event");
		memset(&l, 0, sizeof(l));
		/* NAME,START,END[,SLIDE]; older logs have no slide. */
		last = nf >= 5 ? nf - 2 : nf - 1;
		if (hexval(f[last - 1].s, f[last - 1].n, &l.start) != 0 ||
		    hexval(f[last].s, f[last].n, &end) != 0)
			return pf_err(v->err, v->name, v->line, "cannot read this "
			    "shared-library event");
		l.size = end > l.start ? end - l.start : 0;
		len = (size_t)(f[last - 2].s + f[last - 2].n - f[1].s);
		nm = malloc(len + 3);
		if (nm == NULL || (len = unescape(v, f[1].s, len)) == SIZE_MAX) {
			free(nm);
			return pf_nomem(v->err, v->name, v->line);
		}
		nm[0] = '[';
		memcpy(nm + 1, v->buf, len);
		nm[len + 1] = ']';
		if (pf_v8_frame_name(v->p, NULL, nm, len + 2, &l.val) != 0) {
			free(nm);
			return pf_nomem(v->err, v->name, v->line);
		}
		free(nm);
		if (l.size > 0 && insert(&v->libs, &l, 0) != 0)
			return pf_nomem(v->err, v->name, v->line);
	}
#undef IS
	return 0;
}

/* A line of one of the events every log has. */
static int
log_line(const char *s, size_t len)
{
	return pf_peek_starts(s, len, "v8-version,") ||
	    pf_peek_starts(s, len, "shared-library,") ||
	    pf_peek_starts(s, len, "code-creation,") || pf_peek_starts(s, len, "tick,");
}

int
pf_v8log_detect(const struct pf_peek *pk, size_t *where)
{
	return pf_peek_claim_line(pk, where, log_line);
}

int
pf_v8log_read(struct pf_profile *p, struct pf_reader *r,
    struct pf_collapse_stats *st, struct pf_error *err)
{
	struct v8log v;
	const char *s;
	size_t n;
	int lt, rc = -1;

	memset(&v, 0, sizeof(v));
	v.p = p;
	v.st = st;
	v.err = err;
	v.name = pf_reader_name(r);
	v.code.seed = 0x9e3779b9u;
	v.libs.seed = 0x85ebca6bu;
	if ((v.unknown = pf_profile_intern(p, "[unknown]", 9)) == UINT32_MAX)
		return pf_nomem(err, v.name, 0);
	while ((lt = pf_reader_line(r, &s, &n, err)) != PF_LINE_EOF) {
		v.line = pf_reader_lineno(r);
		if (lt == PF_LINE_ERROR)
			goto out;
		if (lt == PF_LINE_TOOLONG)
			continue;	/* a long script-source: not needed */
		if (n == 0)
			continue;
		if (event(&v, s, n) != 0)
			goto out;
	}
	if (v.events == 0) {
		pf_err(err, v.name, 0, "no V8 log events (code-creation, tick, ...) found");
		goto out;
	}
	rc = 0;
out:
	pf_spans_release_all(&v.code);
	pf_spans_release_all(&v.libs);
	free(v.stack);
	free(v.buf);
	return rc;
}
