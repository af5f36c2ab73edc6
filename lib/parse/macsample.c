/*
 * macsample.c - the text report of macOS's sample(1) (also what Activity
 * Monitor's "Sample Process" saves) to folded stacks.
 *
 * After a header, the "Call graph:" section holds one tree per thread,
 * every line indented four blanks, then two characters per level, drawn
 * with ' ', '+', '!', ':' and '|':
 *
 *     Call graph:
 *         825 Thread_15758535   DispatchQueue_1: com.apple.main-thread  (serial)
 *         + 825 start  (in libdyld.dylib) + 1  [0x7fff737cf3d5]
 *         +   794 main  (in rg) + 41  [0x10384b549]
 *         +   ! 794 __open  (in libsystem_kernel.dylib) + 10  [0x7fff739051ee]
 *         +   31 main  (in rg) + 77  [0x10384b577]
 *
 *     Total number in stack (recursive counted multiple, when >=5):
 *
 * A node's count is the samples whose stack passes through it, its
 * children's included: its own samples, where it is the leaf, are its count
 * less its children's.  A frame is "module`function" ("libdyld`start";
 * a module's ".dylib" is dropped), as inferno's collapse-sample writes it,
 * with legacy Rust names demangled and a C++ parameter list cut; a thread
 * is its line's text.  The section ends at the next line that is not
 * indented ("Total number in stack", "Sort by top of stack", "Binary
 * Images:").
 */
#include <stdlib.h>

#include "format.h"

#define MAX_DEPTH 100000

struct level {
	uint32_t frame;
	int idle;		/* left out: --drop-idle and an idle function */
	uint64_t count, children;
};

struct msample {
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
	char *buf;
	size_t bcap;
	pf_count total;
	/* label up to its module's ')' -> frame id, IDLE_BIT when idle */
	struct pf_strmap cache;
};

#define IDLE_BIT 0x80000000u

/* What a waiting thread sits in: left out with --drop-idle. */
static const char *const idle_functions[] = {
	"__psynch_cvwait", "__select", "__semwait_signal", "__ulock_wait",
	"__wait4", "__workq_kernreturn", "kevent", "mach_msg_trap", "read",
	"semaphore_wait_trap", "mach_msg2_trap", "__psynch_mutexwait",
	"kevent64", "kevent_id",
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
is_tree_char(char c)
{
	return c == ' ' || c == '+' || c == '!' || c == ':' || c == '|';
}

static int
is_idle(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(idle_functions) / sizeof(idle_functions[0]); i++)
		if (strlen(idle_functions[i]) == n && memcmp(idle_functions[i], s, n) == 0)
			return 1;
	return 0;
}

/* Where " (in " starts last in s, or n. */
static size_t
last_in(const char *s, size_t n)
{
	size_t i;

	for (i = n; i >= 5; i--)
		if (memcmp(s + i - 5, " (in ", 5) == 0)
			return i - 5;
	return n;
}

/*
 * The frame of a node's label ("main  (in rg) + 41  [0x10384b549]"), and
 * whether it is one of the idle functions.
 */
static uint32_t
make_frame(struct msample *m, const char *s, size_t n, int thread, int *idle)
{
	size_t at, fl, ml = 0, k, o = 0, i;
	const char *mod = NULL;
	uint32_t id;

	*idle = 0;
	if (pf_grow(&m->buf, &m->bcap, n + 4, 1) != 0)
		return UINT32_MAX;
	if (thread) {
		/* The thread's line, blanks squeezed. */
		for (i = 0; i < n; i++)
			if (!is_blank(s[i]) || (o > 0 && m->buf[o - 1] != ' '))
				m->buf[o++] = is_blank(s[i]) ? ' ' : s[i];
		o = pf_name_tidy(m->buf, o, 0);
		if (o == 0) {
			memcpy(m->buf, "???", 3);
			o = 3;
		}
		return pf_profile_intern(m->p, m->buf, o);
	}
	at = last_in(s, n);
	if (at < n) {
		mod = s + at + 5;
		for (ml = 0; at + 5 + ml < n && mod[ml] != ')'; ml++)
			;
		if (ml > 6 && memcmp(mod + ml - 6, ".dylib", 6) == 0)
			ml -= 6;
		fl = at;
	} else {
		/* No module: the function, then " + OFFSET" or "[ADDR]". */
		for (fl = 0; fl < n && !(s[fl] == '[' && fl > 0 && is_blank(s[fl - 1])) &&
		    !(s[fl] == '+' && fl > 0 && s[fl - 1] == ' ' && fl + 1 < n &&
		    s[fl + 1] == ' '); fl++)
			;
	}
	while (fl > 0 && is_blank(s[fl - 1]))
		fl--;
	if (mod != NULL && ml > 0 && !m->o->no_location) {
		memcpy(m->buf, mod, ml);
		m->buf[ml] = '`';
		o = ml + 1;
	}
	memcpy(m->buf + o, s, fl);
	/* Objective-C's "-[NSView(Category) draw]" has no parameter list. */
	k = pf_name_tidy(m->buf + o, fl, PF_NAME_RUST |
	    (fl > 1 && (s[0] == '-' || s[0] == '+') && s[1] == '[' ? 0 : PF_NAME_PARAMS));
	if (k == 0) {
		memcpy(m->buf + o, "???", 3);
		k = 3;
	}
	*idle = is_idle(m->buf + o, k);
	id = pf_profile_intern(m->p, m->buf, o + k);
	return id;
}

/*
 * make_frame, through a cache of the labels up to their module's ')': the
 * offsets and addresses after it differ between call sites of one function.
 */
static uint32_t
frame_of(struct msample *m, const char *s, size_t n, int thread, int *idle)
{
	struct pf_strmap_slot *sl;
	size_t key = n, at;
	const char *close;
	uint32_t id;
	int nomem = 0;

	if (!thread && (at = last_in(s, n)) < n &&
	    (close = memchr(s + at, ')', n - at)) != NULL)
		key = (size_t)(close - s) + 1;
	sl = pf_strmap_find(&m->cache, s, key, pf_hash_bytes(s, key, thread), 1, &nomem);
	if (sl == NULL)
		return UINT32_MAX;
	if (sl->value != UINT32_MAX) {
		*idle = (sl->value & IDLE_BIT) != 0;
		return sl->value & ~IDLE_BIT;
	}
	id = make_frame(m, s, n, thread, idle);
	if (id == UINT32_MAX || id >= IDLE_BIT)
		return UINT32_MAX;
	/* The slot may have moved: make_frame interns, not into this map. */
	sl->value = id | (*idle ? IDLE_BIT : 0);
	return id;
}

/* Ends the node at the top of the stack: its own samples become a stack. */
static int
pop(struct msample *m)
{
	struct level *l = &m->lv[m->depth - 1];
	uint64_t self;
	size_t i;

	if (l->children > l->count)
		return pf_err(m->err, m->name, m->line, "the nodes under a node of "
		    "the call graph ending here have more samples (%llu) than it "
		    "has (%llu)", (unsigned long long)l->children,
		    (unsigned long long)l->count);
	self = l->count - l->children;
	m->depth--;
	if (m->depth > 0 && __builtin_add_overflow(m->lv[m->depth - 1].children,
	    l->count, &m->lv[m->depth - 1].children))
		return pf_err(m->err, m->name, m->line, "sample counts beyond 64 bits");
	if (self == 0)
		return 0;
	m->st->samples += self;
	if (l->idle) {
		m->st->dropped += self;
		return 0;
	}
	if (pf_grow(&m->frames, &m->fcap, m->depth + 1, sizeof(*m->frames)) != 0)
		return pf_nomem(m->err, m->name, m->line);
	for (i = 0; i <= m->depth; i++)
		m->frames[i] = m->lv[i].frame;
	if (pf_count_add(m->total, pf_count_from_u64(self), &m->total) != PF_COUNT_OK)
		return pf_err(m->err, m->name, m->line, "sample counts beyond 64 bits");
	if (pf_profile_add(m->p, m->frames, m->depth + 1, pf_count_from_u64(self), 0,
	    m->err) != 0) {
		pf_err_name(m->err, m->name);
		return -1;
	}
	return 0;
}

/* A line of the call graph, its four blanks skipped. */
static int
node(struct msample *m, const char *s, size_t n)
{
	size_t k = 0, i, d;
	uint64_t count = 0;
	int idle;
	struct level *l;

	while (k < n && is_tree_char(s[k]))
		k++;
	if (k == n || s[k] < '0' || s[k] > '9')
		return pf_err(m->err, m->name, m->line, "not a line of the call graph "
		    "(indentation, then a sample count): '%.*s'", (int)(n < 60 ? n : 60), s);
	if (k % 2 != 0)
		return pf_err(m->err, m->name, m->line, "an odd indentation (%zu "
		    "characters) in the call graph", k);
	d = k / 2;
	for (i = k; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		if (__builtin_mul_overflow(count, 10, &count) ||
		    __builtin_add_overflow(count, (uint64_t)(s[i] - '0'), &count))
			return pf_err(m->err, m->name, m->line, "a sample count beyond 64 bits");
	if (i < n && !is_blank(s[i]))
		return pf_err(m->err, m->name, m->line, "not a sample count: '%.*s'",
		    (int)(n - k < 40 ? n - k : 40), s + k);
	while (i < n && is_blank(s[i]))
		i++;
	if (d > m->depth)
		return pf_err(m->err, m->name, m->line, "a node of the call graph %zu "
		    "levels deep where at most %zu can be: a level is missing", d, m->depth);
	if (d >= MAX_DEPTH)
		return pf_err(m->err, m->name, m->line, "call graph deeper than %d",
		    MAX_DEPTH);
	while (m->depth > d)
		if (pop(m) != 0)
			return -1;
	if (pf_grow(&m->lv, &m->cap, m->depth + 1, sizeof(*m->lv)) != 0)
		return pf_nomem(m->err, m->name, m->line);
	l = &m->lv[m->depth++];
	l->count = count;
	l->children = 0;
	if ((l->frame = frame_of(m, s + i, n - i, d == 0, &idle)) == UINT32_MAX)
		return pf_nomem(m->err, m->name, m->line);
	l->idle = idle && m->o->drop_idle;
	return 0;
}

static int
claim_line(const char *s, size_t len)
{
	return pf_mem_starts(s, len, "Analysis of sampling ");
}

/* sample's title line; or "Call graph:" followed by a thread's line. */
int
pf_macsample_detect(const struct pf_peek *pk, size_t *where)
{
	size_t i, j;

	if (pf_peek_claim_line(pk, where, claim_line) == PF_CLAIM_LINE)
		return PF_CLAIM_LINE;
	for (i = 0; i + 1 < pk->nlines; i++) {
		const char *s = pk->line[i + 1].s;
		size_t n = pk->line[i + 1].len;

		if (pk->line[i].len != 11 || memcmp(pk->line[i].s, "Call graph:", 11) != 0 ||
		    n < 6 || memcmp(s, "    ", 4) != 0)
			continue;
		for (j = 4; j < n && s[j] >= '0' && s[j] <= '9'; j++)
			;
		if (j > 4 && j < n && s[j] == ' ') {
			*where = i;
			return PF_CLAIM_LINE;
		}
	}
	return PF_CLAIM_NONE;
}

int
pf_macsample_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct msample m;
	const char *s;
	size_t n;
	int lt, rc = -1, state = 0;	/* 0 before the call graph, 1 in it, 2 after */

	memset(&m, 0, sizeof(m));
	if (pf_strmap_init(&m.cache, 1024) != 0)
		return pf_nomem(err, pf_reader_name(r), 0);
	m.p = p;
	m.o = o;
	m.st = st;
	m.err = err;
	m.name = pf_reader_name(r);
	while ((lt = pf_reader_line(r, &s, &n, err)) != PF_LINE_EOF) {
		m.line = pf_reader_lineno(r);
		if (lt == PF_LINE_ERROR)
			goto out;
		if (lt == PF_LINE_TOOLONG) {
			pf_err(err, m.name, m.line, "line longer than %u bytes", PF_LINE_MAX);
			goto out;
		}
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		if (state == 2)
			continue;
		if (memchr(s, '\0', n) != NULL) {
			pf_err(err, m.name, m.line, "a NUL byte in sample's report");
			goto out;
		}
		if (state == 0) {
			if (n == 11 && memcmp(s, "Call graph:", 11) == 0)
				state = 1;
			continue;
		}
		if (n == 0)
			continue;
		if (n > 4 && memcmp(s, "    ", 4) == 0) {
			if (node(&m, s + 4, n - 4) != 0)
				goto out;
			continue;
		}
		if (!pf_mem_starts(s, n, "Total number in stack") &&
		    !pf_mem_starts(s, n, "Sort by top of stack") &&
		    !pf_mem_starts(s, n, "Binary Images:")) {
			pf_err(err, m.name, m.line, "a line in the call graph not indented "
			    "four blanks: '%.*s'", (int)(n < 60 ? n : 60), s);
			goto out;
		}
		state = 2;
		while (m.depth > 0)
			if (pop(&m) != 0)
				goto out;
	}
	if (state == 0) {
		pf_err(err, m.name, 0, "no \"Call graph:\" section in sample's report");
		goto out;
	}
	while (m.depth > 0)
		if (pop(&m) != 0)
			goto out;
	rc = 0;
out:
	free(m.lv);
	free(m.frames);
	free(m.buf);
	pf_strmap_release(&m.cache);
	return rc;
}
