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

struct code {
	uint64_t start, size;
	uint32_t frame;
	int js;
};

struct lib {
	uint64_t start, end;
	uint32_t frame;
};

struct v8log {
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	uint64_t line;

	struct code *code;	/* sorted by start, not overlapping */
	size_t ncode, ccap;
	struct lib *libs;
	size_t nlibs, lcap;
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
code_end(const struct code *c)
{
	uint64_t size = c->size ? c->size : 1;

	return c->start + size < c->start ? UINT64_MAX : c->start + size;
}

/* The index of the first entry that ends after addr. */
static size_t
lower(struct v8log *v, uint64_t addr)
{
	size_t lo = 0, hi = v->ncode;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (code_end(&v->code[mid]) <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Removes the entries overlapping [start, start+size). */
static void
clear_range(struct v8log *v, uint64_t start, uint64_t size)
{
	uint64_t end = start + size < start ? UINT64_MAX : start + size;
	size_t a = lower(v, start), b = a;

	while (b < v->ncode && v->code[b].start < end)
		b++;
	if (b > a) {
		memmove(v->code + a, v->code + b, (v->ncode - b) * sizeof(*v->code));
		v->ncode -= b - a;
	}
}

static int
add_code(struct v8log *v, const struct code *c)
{
	size_t at;

	clear_range(v, c->start, code_end(c) - c->start);
	if (pf_grow(&v->code, &v->ccap, v->ncode + 1, sizeof(*v->code)) != 0)
		return pf_nomem(v->err, v->name, v->line);
	at = lower(v, c->start);
	memmove(v->code + at + 1, v->code + at, (v->ncode - at) * sizeof(*v->code));
	v->code[at] = *c;
	v->ncode++;
	return 0;
}

static struct code *
find_code(struct v8log *v, uint64_t addr)
{
	size_t i = lower(v, addr);

	if (i < v->ncode && v->code[i].start <= addr && addr < code_end(&v->code[i]))
		return &v->code[i];
	return NULL;
}

static uint32_t
resolve(struct v8log *v, uint64_t addr)
{
	struct code *c = find_code(v, addr);
	size_t i;

	if (c != NULL)
		return c->frame;
	for (i = 0; i < v->nlibs; i++)
		if (addr >= v->libs[i].start && addr < v->libs[i].end)
			return v->libs[i].frame;
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
	struct code c;
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
	c.js = is_js_type(f[1].s, f[1].n);
	snprintf(type, sizeof(type), "%.*s", (int)(f[1].n > 60 ? 60 : f[1].n), f[1].s);
	/* Commas in names are escaped or quoted, so the name is one field. */
	if ((len = unescape(v, f[at + 2].s, f[at + 2].n)) == SIZE_MAX ||
	    pf_v8_frame_name(v->p, c.js ? NULL : type, v->buf, len, &c.frame) != 0)
		return pf_nomem(v->err, v->name, v->line);
	return add_code(v, &c);
}

static int
tick(struct v8log *v, struct field *f, size_t nf)
{
	uint64_t pc, tos, ext, a, prev;
	size_t n = 0, i;
	struct code *c;

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
	if (tos != 0 && (c = find_code(v, tos)) != NULL && c->js)
		v->stack[n++] = c->frame;
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
	for (i = 0; i < n / 2; i++) {
		uint32_t t = v->stack[i];

		v->stack[i] = v->stack[n - 1 - i];
		v->stack[n - 1 - i] = t;
	}
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
	struct code *c, moved;

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
		clear_range(v, from, 1);
		moved.start = to;
		return add_code(v, &moved);
	}
	if (IS("code-delete")) {
		if (nf < 2 || hexval(f[1].s, f[1].n, &from) != 0)
			return pf_err(v->err, v->name, v->line, "cannot read this code-delete");
		if ((c = find_code(v, from)) != NULL && c->start == from)
			clear_range(v, from, 1);
		return 0;
	}
	if (IS("shared-library")) {
		struct lib *l;
		char *nm;
		size_t len, last;

		if (nf < 4)
			return pf_err(v->err, v->name, v->line, "cannot read this "
			    "shared-library event");
		if (pf_grow(&v->libs, &v->lcap, v->nlibs + 1, sizeof(*v->libs)) != 0)
			return pf_nomem(v->err, v->name, v->line);
		l = &v->libs[v->nlibs];
		/* NAME,START,END[,SLIDE]; older logs have no slide. */
		last = nf >= 5 ? nf - 2 : nf - 1;
		if (hexval(f[last - 1].s, f[last - 1].n, &l->start) != 0 ||
		    hexval(f[last].s, f[last].n, &l->end) != 0)
			return pf_err(v->err, v->name, v->line, "cannot read this "
			    "shared-library event");
		len = (size_t)(f[last - 2].s + f[last - 2].n - f[1].s);
		nm = malloc(len + 3);
		if (nm == NULL || (len = unescape(v, f[1].s, len)) == SIZE_MAX) {
			free(nm);
			return pf_nomem(v->err, v->name, v->line);
		}
		nm[0] = '[';
		memcpy(nm + 1, v->buf, len);
		nm[len + 1] = ']';
		if (pf_v8_frame_name(v->p, NULL, nm, len + 2, &l->frame) != 0) {
			free(nm);
			return pf_nomem(v->err, v->name, v->line);
		}
		free(nm);
		v->nlibs++;
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
	free(v.code);
	free(v.libs);
	free(v.stack);
	free(v.buf);
	return rc;
}
