/*
 * perf.c - `perf script` text to folded stacks.
 *
 * The semantics follow FlameGraph's stackcollapse-perf.pl (see
 * pf-collapse(1) for the differences and why).  A sample is a header line
 * ("comm TID [CPU] TIME: PERIOD EVENT:") followed by one frame line per call
 * chain entry, leaf first ("\tADDR SYMBOL+OFF (DSO)"), and a blank line.
 *
 * Speed comes from a per-parser cache: the text of a frame line after its
 * address maps to the frame ids it produces, so each distinct frame line is
 * tidied and interned once, and every later occurrence costs a hash and a
 * compare.  The cache grows with distinct frame lines, not with the input.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "format.h"

/* ------------------------------------------------------------ char classes */

static unsigned char hexdig[256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void
init_tables(void)
{
	int c;

	for (c = '0'; c <= '9'; c++)
		hexdig[c] = 1;
	for (c = 'a'; c <= 'f'; c++)
		hexdig[c] = 1;
	for (c = 'A'; c <= 'F'; c++)
		hexdig[c] = 1;
}

static inline int
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static inline int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ------------------------------------------------------------------ parser */

/*
 * The other events and their sample counts, in the order first seen.  The
 * list is complete (it grows with distinct events, not with samples) so that
 * the parts of a parallel parse add up to exactly what one thread sees;
 * the stats get its first PF_MAX_EVENTS entries and the sum of the rest.
 */
struct evcount {
	char name[128];
	uint64_t samples;
};

struct evlist {
	struct evcount *v;
	size_t n, cap;
	size_t last;		/* the entry of the previous sample: most
				   files name one event throughout */
	struct pf_strmap index;	/* name -> index in v (a file may name an
				   event per sample) */
};

static void evlist_release(struct evlist *l);

struct parser {
	struct pf_profile *p;
	const struct pf_perf_options *o;
	struct pf_perf_stats *st;
	const char *name;
	struct pf_error *err;

	char filter[128];	/* event kept; "" until the first event */
	int have_filter;
	int filter_given;
	int tid_width;		/* 5 or 7: see comm_blanks() */

	/* The sample being read. */
	int in_sample;
	int skip;		/* of another event */
	int damaged;
	uint64_t header_line;
	uint32_t pname;
	int java;
	uint64_t period;
	int no_period;		/* the header had no period field */
	uint32_t *frames;	/* leaf first */
	size_t nframes, frames_cap;
	size_t last_line_frames;	/* ids the previous frame line pushed */
	int prev_frame;		/* the previous line was a frame line */
	int prev_dso;		/* ... and it named a dso */
	int last_line;		/* the input's last line, without newline */

	/* Frame-line cache, one per tidy mode (Java or not). */
	struct pf_strmap cache[2];
	uint32_t *cpool;	/* cache values: count, then ids */
	size_t cpool_len, cpool_cap;

	char *scratch;
	size_t scratch_cap;
	uint32_t *ids;
	size_t ids_cap;
	struct evlist events;	/* other events seen */
};

static int
parser_init(struct parser *ps, struct pf_profile *p, const struct pf_perf_options *o,
    struct pf_perf_stats *st, const char *name, struct pf_error *err)
{
	memset(ps, 0, sizeof(*ps));
	pthread_once(&tables_once, init_tables);
	ps->p = p;
	ps->o = o;
	ps->st = st;
	ps->name = name;
	ps->err = err;
	if (o->event_filter != NULL) {
		snprintf(ps->filter, sizeof(ps->filter), "%s", o->event_filter);
		ps->have_filter = ps->filter_given = 1;
	}
	if (pf_strmap_init(&ps->cache[0], 4096) != 0)
		return -1;
	if (pf_strmap_init(&ps->cache[1], 64) != 0) {
		pf_strmap_release(&ps->cache[0]);
		return -1;
	}
	return 0;
}

static void
parser_release(struct parser *ps)
{
	pf_strmap_release(&ps->cache[0]);
	pf_strmap_release(&ps->cache[1]);
	free(ps->cpool);
	free(ps->frames);
	free(ps->scratch);
	free(ps->ids);
	evlist_release(&ps->events);
}

static int
nomem(struct parser *ps, uint64_t line)
{
	return pf_nomem(ps->err, ps->name, line);
}

static int
push_frame(struct parser *ps, uint32_t id)
{
	if (ps->nframes == ps->frames_cap &&
	    pf_grow(&ps->frames, &ps->frames_cap, ps->nframes + 1, sizeof(*ps->frames)) != 0)
		return -1;
	ps->frames[ps->nframes++] = id;
	return 0;
}

/* An unrecognized line: counted, and it spoils the sample it is in. */
static void
bad_line(struct parser *ps, uint64_t line)
{
	if (ps->st->skipped_lines++ == 0)
		ps->st->first_skipped_line = line;
	if (ps->in_sample)
		ps->damaged = 1;
	ps->prev_frame = 0;
}

/* -------------------------------------------------------------- name tidy */

/* Turns one "SYMBOL" of a frame line into its frame name in the scratch
 * buffer; returns the length or -1. */
static long
tidy_name(struct parser *ps, const char *func, size_t flen, const char *pc,
    size_t pclen, const char *mod, size_t mlen, int have_mod, int inlined, int java)
{
	return pf_perf_frame_name(&ps->scratch, &ps->scratch_cap, func, flen,
	    have_mod ? mod : NULL, mlen, pc, pclen, inlined, java, ps->o);
}

/*
 * Splits the text after a frame line's address into symbol and dso.  The dso
 * is the parenthesized group that ends the line, found by matching brackets
 * so a dso with spaces and parentheses of its own stays whole:
 * "[unknown] (/memfd:x (deleted))".  Without one (perf script -F ip,sym)
 * there is no dso, and a symbol such as "f<void ()>::operator()" is not
 * mistaken for one, as it is by stackcollapse-perf.pl.
 */
static void
split_dso(const char *r, size_t n, size_t *flen, const char **mod, size_t *mlen,
    int *have_mod)
{
	size_t i;
	int depth = 0;

	*have_mod = 0;
	*flen = n;
	if (n < 2 || r[n - 1] != ')')
		return;
	for (i = n; i-- > 0;) {
		if (r[i] == ')')
			depth++;
		else if (r[i] == '(' && --depth == 0)
			break;
	}
	if (depth != 0 || (i > 0 && r[i - 1] != ' '))
		return;
	/* At i == 0 the symbol is empty: "ADDR  (dso)". */
	*have_mod = 1;
	*mod = r + i + 1;
	*mlen = n - i - 2;
	*flen = i > 0 ? i - 1 : 0;
}

/*
 * Computes the frame ids of one frame line (rest = text after the address)
 * into ps->ids, root-side part first.  Returns the number of ids (0 for a
 * frame that is left out), or -1.
 */
static long
frame_ids(struct parser *ps, const char *pc, size_t pclen, const char *rest,
    size_t rlen, int java)
{
	const char *mod = NULL, *func = rest, *part;
	size_t flen, mlen = 0, plen;
	int have_mod, k = 0;
	long len;

	while (rlen > 0 && is_ws(rest[rlen - 1]))
		rlen--;
	split_dso(rest, rlen, &flen, &mod, &mlen, &have_mod);
	while (flen > 0 && is_ws(func[flen - 1]))
		flen--;
	/* "sym+0x1f" -> "sym" */
	{
		size_t i = flen;

		while (i > 0 && hexdig[(unsigned char)func[i - 1]] &&
		    !(func[i - 1] >= 'A' && func[i - 1] <= 'F'))
			i--;
		if (i < flen && i >= 3 && func[i - 1] == 'x' && func[i - 2] == '0' &&
		    func[i - 3] == '+')
			flen = i - 3;
	}
	if (flen == 0) {
		func = "[unknown]";
		flen = 9;
	}
	/* stackcollapse-perf.pl leaves out "(...)" symbols (process names in
	 * old perf output); C++'s "(anonymous namespace)::f" is a real one. */
	if (func[0] == '(' && !pf_mem_starts(func, flen, "(anonymous namespace)"))
		return 0;

	/* Old perf printed inlined chains as "a->b->c". */
	part = func;
	for (;;) {
		plen = pf_name_arrow(part, (size_t)(func + flen - part));
		len = tidy_name(ps, part, plen, pc, pclen, mod, mlen, have_mod, k > 0, java);
		if (len < 0)
			return -1;
		if (pf_grow(&ps->ids, &ps->ids_cap, (size_t)k + 1, sizeof(*ps->ids)) != 0)
			return -1;
		ps->ids[k] = pf_profile_intern(ps->p, ps->scratch, (size_t)len);
		if (ps->ids[k] == UINT32_MAX)
			return -1;
		k++;
		if (part + plen == func + flen)
			break;
		part += plen + 2;
	}
	return k;
}

/* Handles a frame line: addr = the address token, rest = what follows. */
static int
do_frame(struct parser *ps, const char *addr, size_t alen, const char *rest,
    size_t rlen, uint64_t line)
{
	struct pf_strmap *cache = &ps->cache[ps->java];
	struct pf_strmap_slot *slot;
	const char *key = rest;
	size_t klen = rlen, i;
	uint32_t off, n;
	int oom = 0;
	long k;

	/* A last line without newline that stops inside what the other
	 * frames had, a "(dso)", was cut short: a truncated recording. */
	if (ps->last_line && rest[rlen - 1] != ')' &&
	    (ps->prev_dso || memmem(rest, rlen, " (", 2) != NULL)) {
		ps->st->truncated_line = line;
		bad_line(ps, line);
		return 0;
	}
	ps->prev_frame = 1;
	ps->prev_dso = rest[rlen - 1] == ')';
	ps->last_line_frames = 0;
	if (ps->skip)
		return 0;
	if (ps->o->include_addrs) {
		/* The address is part of the name of unknown symbols. */
		key = addr;
		klen = (size_t)(rest + rlen - addr);
	}
	slot = pf_strmap_find(cache, key, klen, pf_hash_bytes(key, klen, 0x9e3779b9u), 1, &oom);
	if (slot == NULL)
		return nomem(ps, line);
	if (slot->value == UINT32_MAX) {
		k = frame_ids(ps, addr, alen, rest, rlen, ps->java);
		if (k < 0)
			return nomem(ps, line);
		if (ps->cpool_len + (size_t)k + 1 > UINT32_MAX ||
		    pf_grow(&ps->cpool, &ps->cpool_cap, ps->cpool_len + (size_t)k + 1,
		    sizeof(*ps->cpool)) != 0)
			return nomem(ps, line);
		slot->value = (uint32_t)ps->cpool_len;
		ps->cpool[ps->cpool_len++] = (uint32_t)k;
		if (k > 0)
			memcpy(ps->cpool + ps->cpool_len, ps->ids, (size_t)k * sizeof(*ps->ids));
		ps->cpool_len += (size_t)k;
	}
	off = slot->value;
	n = ps->cpool[off];
	/* Leaf-first order: the line's innermost part goes first. */
	for (i = n; i > 0; i--)
		if (push_frame(ps, ps->cpool[off + i]) != 0)
			return nomem(ps, line);
	ps->last_line_frames = n;
	return 0;
}

/*
 * A source line printed by `perf script -F +srcline` after a frame line:
 * "file.c:12", "file.c:12 (inlined)", "??:0", "dso[1f2e]",
 * "[kernel.kallsyms][ffff...]".  Returns whether the line looks like one.
 */
static int
is_srcline(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_ws(s[i]))
		i++;
	if (i == 0 || i == n)
		return 0;
	while (i < n && !is_ws(s[i])) {
		if (s[i] == ':' || s[i] == '[')
			return 1;
		i++;
	}
	return 0;
}

/* Appends s[0..n-1] to the scratch buffer at *len. */
static int
scratch_put(struct parser *ps, size_t *len, const char *s, size_t n)
{
	if (pf_grow(&ps->scratch, &ps->scratch_cap, *len + n + 1, 1) != 0)
		return -1;
	memcpy(ps->scratch + *len, s, n);
	*len += n;
	return 0;
}

/* --srcline: "func" -> "func:file.c:12" for the previous frame line. */
static int
do_srcline(struct parser *ps, const char *s, size_t n, uint64_t line)
{
	size_t i, len, fl;
	const char *name;

	ps->prev_frame = 0;
	if (ps->skip || !ps->o->srcline || ps->last_line_frames == 0)
		return 0;
	while (n > 0 && is_ws(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_ws(s[n - 1]))
		n--;
	if (pf_mem_ends(s, n, " (inlined)"))
		n -= 10;
	{
		const char *d = memmem(s, n, " (discriminator ", 16);

		if (d != NULL)
			n = (size_t)(d - s);
	}
	/* Only "file:LINE" is a source position; "??:0", "dso[offset]" and
	 * "[kernel.kallsyms][addr]" say perf did not know it. */
	for (i = n; i > 0 && is_digit(s[i - 1]); i--)
		;
	if (i == n || i < 2 || s[i - 1] != ':' || pf_mem_starts(s, n, "??"))
		return 0;
	for (i = ps->nframes - ps->last_line_frames; i < ps->nframes; i++) {
		len = 0;
		name = pf_profile_frame(ps->p, ps->frames[i], &fl);
		/* Keep an annotation suffix last. */
		{
			size_t base = fl;

			if (fl >= 4 && name[fl - 4] == '_' && name[fl - 3] == '[' &&
			    name[fl - 1] == ']')
				base = fl - 4;
			if (scratch_put(ps, &len, name, base) ||
			    scratch_put(ps, &len, ":", 1) ||
			    scratch_put(ps, &len, s, n) ||
			    scratch_put(ps, &len, name + base, fl - base))
				return nomem(ps, line);
		}
		for (size_t j = 0; j < len; j++)
			if (ps->scratch[j] == ';')
				ps->scratch[j] = ':';
		ps->frames[i] = pf_profile_intern(ps->p, ps->scratch, len);
		if (ps->frames[i] == UINT32_MAX)
			return nomem(ps, line);
	}
	ps->last_line_frames = 0;
	return 0;
}

/* ----------------------------------------------------------------- header */

struct header {
	const char *comm;
	size_t comm_len;
	const char *pid, *tid;
	size_t pid_len, tid_len;
	size_t gap;		/* blanks between the comm and the TID token */
	size_t numw;		/* width of the right-justified PID or TID */
	int timed;		/* the TID is followed by a timestamp */
	const char *event;	/* NULL: the header names no event */
	size_t event_len;
	uint64_t period;	/* 0: none */
	const char *rest;	/* after the event: a frame without call chain */
	size_t rest_len;
};

/* A TID ("123", "-1") or "PID/TID" token at s[0..n-1]. */
static int
tid_token(const char *s, size_t n, struct header *h)
{
	size_t i = 0, a;

	if (i < n && s[i] == '-')
		i++;
	a = i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == a)
		return 0;
	if (i == n) {
		h->pid = NULL;
		h->pid_len = 0;
		h->tid = s;
		h->tid_len = n;
		return 1;
	}
	if (s[i] != '/')
		return 0;
	h->pid = s;
	h->pid_len = i;
	s += i + 1;
	n -= i + 1;
	i = 0;
	if (i < n && s[i] == '-')
		i++;
	a = i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == a || i != n)
		return 0;
	h->tid = s;
	h->tid_len = n;
	return 1;
}

static int
is_cpu_token(const char *s, size_t n)
{
	size_t i;

	if (n < 3 || s[0] != '[' || s[n - 1] != ']')
		return 0;
	for (i = 1; i < n - 1; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

static int
is_time_token(const char *s, size_t n)
{
	size_t i = 0, a;

	while (i < n && is_digit(s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != '.')
		return 0;
	a = ++i;
	while (i < n && is_digit(s[i]))
		i++;
	return i > a && i == n - 1 && s[i] == ':';
}

/* Next whitespace-separated token at or after *pos. */
static int
next_token(const char *s, size_t n, size_t *pos, size_t *ts, size_t *tl)
{
	size_t i = *pos;

	while (i < n && is_ws(s[i]))
		i++;
	if (i == n)
		return 0;
	*ts = i;
	while (i < n && !is_ws(s[i]))
		i++;
	*tl = i - *ts;
	*pos = i;
	return 1;
}

/* After the TID (and CPU, timestamp): "[PERIOD] EVENT: [frame]". */
static int
header_tail(const char *s, size_t n, size_t pos, struct header *h, int need_event)
{
	size_t ts, tl, p2, ts2, tl2;

	h->event = NULL;
	h->period = 0;
	h->rest = NULL;
	h->rest_len = 0;
	if (!next_token(s, n, &pos, &ts, &tl))
		return !need_event;
	p2 = pos;
	if (is_digit(s[ts]) && next_token(s, n, &p2, &ts2, &tl2) && s[ts2 + tl2 - 1] == ':') {
		size_t i;
		uint64_t v = 0;

		for (i = 0; i < tl; i++) {
			if (!is_digit(s[ts + i]))
				break;
			if (v > (UINT64_MAX - 9) / 10)
				break;
			v = v * 10 + (uint64_t)(s[ts + i] - '0');
		}
		if (i == tl) {
			h->period = v;
			ts = ts2;
			tl = tl2;
			pos = p2;
		}
	}
	if (s[ts + tl - 1] != ':' || tl < 2)
		return 0;
	h->event = s + ts;
	h->event_len = tl - 1;
	while (pos < n && is_ws(s[pos]))
		pos++;
	h->rest = s + pos;
	h->rest_len = n - pos;
	return 1;
}

/*
 * Fills in h->comm from the text before the TID token at tid_at: the comm
 * without its trailing blanks, and in h->gap the blanks before the TID
 * token; comm_blanks() tells how many of those belong to the comm.
 */
static void
header_comm(const char *s, size_t tid_at, struct header *h)
{
	size_t b = 0, e = tid_at;

	while (b < e && is_ws(s[b]))
		b++;
	while (e > b && is_ws(s[e - 1]))
		e--;
	h->comm = s + b;
	h->comm_len = e - b;
	h->gap = e > b ? tid_at - e : 0;
	h->numw = h->pid != NULL ? h->pid_len : h->tid_len;
}

/*
 * The blanks before the TID that are the end of the comm.  perf prints
 * "%s %Nd": the comm, one blank and the PID (or TID) right-justified in N
 * columns, N = 5 before perf 6.5 and 7 since, so whatever the separator
 * and the padding do not explain belongs to the comm ("trailing ").  A
 * header with fewer blanks than 7 columns need was printed with N = 5,
 * whatever `width` says.
 */
static size_t
comm_blanks(const struct header *h, int width)
{
	size_t pad7 = h->numw < 7 ? 7 - h->numw : 0, pad5 = h->numw < 5 ? 5 - h->numw : 0;
	size_t pad = width == 7 && h->gap >= 1 + pad7 ? pad7 : pad5;

	return h->gap > 1 + pad ? h->gap - 1 - pad : 0;
}

/* Whether a header's blanks before its TID rule out 7 columns. */
static int
header_too_narrow_for_7(const struct header *h)
{
	return h->gap > 0 && h->numw < 7 && h->gap < 1 + (7 - h->numw);
}

/*
 * Recognizes a sample header.  The comm may contain spaces and digits
 * ("worker 1", "12345"), so the TID is found by what follows it: the
 * timestamp when there is one, else the event or the end of the line.
 */
static int
parse_header(const char *s, size_t n, struct header *h)
{
	size_t pos = 0, ts, tl, p2, ts2, tl2, first;
	int pass;

	while (pos < n && is_ws(s[pos]))
		pos++;
	if (pos == n)
		return 0;
	first = pos;
	h->timed = 0;
	for (pass = 0; pass < 2; pass++) {
		pos = first;
		next_token(s, n, &pos, &ts, &tl);	/* the comm's first word */
		while (next_token(s, n, &pos, &ts, &tl)) {
			if (!tid_token(s + ts, tl, h))
				continue;
			p2 = pos;
			if (next_token(s, n, &p2, &ts2, &tl2) && is_cpu_token(s + ts2, tl2)) {
				size_t p3 = p2;

				if (!next_token(s, n, &p3, &ts2, &tl2)) {
					if (pass == 1) {
						header_comm(s, ts, h);
						return header_tail(s, n, p2, h, 0);
					}
					continue;
				}
				p2 = p3;
				if (pass == 0) {
					if (!is_time_token(s + ts2, tl2))
						continue;
					header_comm(s, ts, h);
					h->timed = 1;
					return header_tail(s, n, p2, h, 0);
				}
				header_comm(s, ts, h);
				if (header_tail(s, n, p2 - tl2, h, 0))
					return 1;
				continue;
			}
			if (pass == 0) {
				p2 = pos;
				if (!next_token(s, n, &p2, &ts2, &tl2) || !is_time_token(s + ts2, tl2))
					continue;
				header_comm(s, ts, h);
				h->timed = 1;
				return header_tail(s, n, p2, h, 0);
			}
			/* No timestamp: the TID must end the line or be
			 * followed by the event. */
			header_comm(s, ts, h);
			if (header_tail(s, n, pos, h, 0))
				return 1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- samples */

static int
end_sample(struct parser *ps)
{
	size_t i, j, n = ps->nframes;
	uint32_t t;

	if (!ps->in_sample)
		return 0;
	ps->in_sample = 0;
	ps->prev_frame = 0;
	if (ps->skip)
		return 0;
	if (ps->damaged) {
		if (ps->st->dropped_samples++ == 0)
			ps->st->first_dropped_line = ps->header_line;
		return 0;
	}
	if (n <= 1)
		ps->st->empty_samples++;
	/* frames[] holds the process name, then the chain leaf first; the
	 * folded stack is root first. */
	for (i = 1, j = n - 1; i < j; i++, j--) {
		t = ps->frames[i];
		ps->frames[i] = ps->frames[j];
		ps->frames[j] = t;
	}
	ps->st->samples_kept++;
	if (ps->no_period)
		ps->st->kept_without_period++;
	if (pf_profile_add(ps->p, ps->frames, n, pf_count_from_u64(ps->period), 0,
	    ps->err) != 0) {
		pf_err_name(ps->err, ps->name);
		ps->err->line = ps->header_line;
		return -1;
	}
	return 0;
}

static int
evlist_add(struct evlist *l, const char *ev, size_t n, uint64_t count)
{
	struct pf_strmap_slot *sl;
	int nomem = 0;

	if (n >= sizeof(l->v[0].name))
		n = sizeof(l->v[0].name) - 1;
	if (l->last < l->n && memcmp(l->v[l->last].name, ev, n) == 0 &&
	    l->v[l->last].name[n] == '\0') {
		l->v[l->last].samples += count;
		return 0;
	}
	if (l->index.slots == NULL && pf_strmap_init(&l->index, 16) != 0)
		return -1;
	if ((sl = pf_strmap_find(&l->index, ev, n, pf_hash_bytes(ev, n, 5), 1,
	    &nomem)) == NULL)
		return -1;
	if (sl->value != UINT32_MAX) {
		l->v[sl->value].samples += count;
		l->last = sl->value;
		return 0;
	}
	if (l->n >= UINT32_MAX - 1 ||
	    pf_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) != 0)
		return -1;
	sl->value = (uint32_t)l->n;
	memset(l->v[l->n].name, 0, sizeof(l->v[l->n].name));
	memcpy(l->v[l->n].name, ev, n);
	l->v[l->n].samples = count;
	l->last = l->n++;
	return 0;
}

static void
evlist_release(struct evlist *l)
{
	free(l->v);
	pf_strmap_release(&l->index);
}

static void
evlist_to_stats(const struct evlist *l, struct pf_perf_stats *st)
{
	size_t i;

	st->nskipped_events = 0;
	st->other_skipped_events = 0;
	for (i = 0; i < l->n; i++) {
		if (i < PF_MAX_EVENTS) {
			memcpy(st->skipped_events[i].name, l->v[i].name, sizeof(l->v[i].name));
			st->skipped_events[i].samples = l->v[i].samples;
			st->nskipped_events++;
		} else {
			st->other_skipped_events += l->v[i].samples;
		}
	}
}

static int root_frame(struct parser *ps, const struct header *h, uint32_t *id,
    int *java);

static int
do_header(struct parser *ps, struct header *h, uint64_t line)
{
	if (end_sample(ps) != 0)
		return -1;
	ps->st->samples++;
	ps->in_sample = 1;
	ps->skip = 0;
	ps->damaged = 0;
	ps->header_line = line;
	ps->nframes = 0;
	ps->prev_dso = 0;
	ps->period = h->period ? h->period : 1;
	ps->no_period = h->period == 0;
	ps->prev_frame = 0;
	ps->last_line_frames = 0;

	if (h->event != NULL) {
		size_t el = h->event_len < sizeof(ps->filter) - 1 ?
		    h->event_len : sizeof(ps->filter) - 1;

		if (!ps->have_filter) {
			memcpy(ps->filter, h->event, el);
			ps->filter[el] = '\0';
			ps->have_filter = 1;
		}
		if (strlen(ps->filter) != h->event_len ||
		    memcmp(ps->filter, h->event, h->event_len) != 0) {
			if (evlist_add(&ps->events, h->event, h->event_len, 1) != 0)
				return nomem(ps, line);
			ps->skip = 1;
			return 0;
		}
	}

	if (root_frame(ps, h, &ps->pname, &ps->java) != 0 || push_frame(ps, ps->pname) != 0)
		return nomem(ps, line);
	ps->nframes = 1;
	return 0;
}

/*
 * The root frame of a sample: comm[-PID[/TID]], spaces turned into '_';
 * *java says whether its frames are tidied as Java signatures.
 */
static int
root_frame(struct parser *ps, const struct header *h, uint32_t *id, int *java)
{
	char buf[512];
	size_t len, i, clen = h->comm_len + comm_blanks(h, ps->tid_width);

	len = clen < 256 ? clen : 256;
	memcpy(buf, h->comm, len);
	if (ps->o->include_tid || ps->o->include_pid) {
		buf[len++] = '-';
		if (h->pid != NULL) {
			memcpy(buf + len, h->pid, h->pid_len < 64 ? h->pid_len : 64);
			len += h->pid_len < 64 ? h->pid_len : 64;
		} else {
			buf[len++] = '?';
		}
		if (ps->o->include_tid) {
			buf[len++] = '/';
			memcpy(buf + len, h->tid, h->tid_len < 64 ? h->tid_len : 64);
			len += h->tid_len < 64 ? h->tid_len : 64;
		}
	}
	for (i = 0; i < len; i++) {
		if (buf[i] == ' ')
			buf[i] = '_';
		else if (buf[i] == ';')
			buf[i] = ':';
	}
	/* Java signatures are tidied for the process "java" (also with
	 * --pid and --tid). */
	*java = clen == 4 && memcmp(h->comm, "java", 4) == 0;
	*id = pf_profile_intern(ps->p, buf, len);
	return *id == UINT32_MAX ? -1 : 0;
}

/* Splits "ADDR REST" at s; returns 1 when s is a frame line. */
static int
frame_parts(const char *s, size_t n, const char **addr, size_t *alen,
    const char **rest, size_t *rlen)
{
	size_t i = 0, a;

	while (i < n && is_ws(s[i]))
		i++;
	a = i;
	while (i < n && hexdig[(unsigned char)s[i]])
		i++;
	if (i == a || i == n || !is_ws(s[i]))
		return 0;
	*addr = s + a;
	*alen = i - a;
	while (i < n && is_ws(s[i]))
		i++;
	if (i == n)
		return 0;
	*rest = s + i;
	*rlen = n - i;
	return 1;
}

/*
 * Whether buf[0..n-1], the start of an input (all of it when whole), shows
 * perf script's samples: a header with a timestamp and an event, or a
 * header (perf script -F comm,tid,ip,sym has neither) followed by an
 * indented frame line, or, as old perf printed them, a header with an event
 * followed by an unindented frame line with its (dso).  Detection asks
 * this: perf script text is read only when it is seen, never as what is
 * left when nothing else fits.
 */
static int
lower_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return 1;
}

int
pf_perf_sniff(const char *buf, size_t n, int whole)
{
	const char *s, *e, *addr, *rest;
	size_t len, alen, rlen;
	struct header h;
	int after_header = 0;

	pthread_once(&tables_once, init_tables);
	for (s = buf; s < buf + n; s = e + 1) {
		e = memchr(s, '\n', (size_t)(buf + n - s));
		if (e == NULL) {
			if (!whole)
				break;
			e = buf + n;
		}
		len = (size_t)(e - s);
		while (len > 0 && (is_ws(s[len - 1]) || s[len - 1] == '\r'))
			len--;
		if (len == 0 || s[0] == '#' || memchr(s, '\0', len) != NULL) {
			after_header = 0;
			continue;
		}
		/* perf indents frames with a tab (or, before, many blanks)
		 * and prints addresses in lower case. */
		if (after_header && frame_parts(s, len, &addr, &alen, &rest, &rlen) &&
		    !is_digit(rest[0]) && rest[0] != '-' && lower_hex(addr, alen) &&
		    (s[0] == '\t' || (len > 8 && memcmp(s, "        ", 8) == 0) ||
		    (after_header == 2 && rest[rlen - 1] == ')')))
			return 1;
		if (is_ws(s[0]) && frame_parts(s, len, &addr, &alen, &rest, &rlen) &&
		    !is_digit(rest[0]) && rest[0] != '-')
			continue;
		after_header = parse_header(s, len, &h);
		if (after_header && h.event != NULL) {
			if (h.timed)
				return 1;
			after_header = 2;
		}
	}
	return 0;
}

static int
parse_line(struct parser *ps, const char *s, size_t n, uint64_t line)
{
	const char *addr, *rest;
	size_t alen, rlen, i;
	struct header h;

	if (n == 0)
		return end_sample(ps);
	if (is_ws(s[0])) {
		/* The common case: an indented frame line. */
		if (frame_parts(s, n, &addr, &alen, &rest, &rlen)) {
			if (!is_digit(rest[0]) && rest[0] != '-') {
				if (!ps->in_sample) {
					bad_line(ps, line);
					return 0;
				}
				if (memchr(s, '\0', n) != NULL) {
					bad_line(ps, line);
					return 0;
				}
				return do_frame(ps, addr, alen, rest, rlen, line);
			}
			/* "ADDR 123 ..." might be a right-aligned header
			 * whose comm looks like hex. */
			if (!parse_header(s, n, &h) || h.event == NULL) {
				if (!ps->in_sample || memchr(s, '\0', n) != NULL) {
					bad_line(ps, line);
					return 0;
				}
				return do_frame(ps, addr, alen, rest, rlen, line);
			}
			goto header;
		}
		for (i = 0; i < n && is_ws(s[i]); i++)
			;
		if (i == n)
			return end_sample(ps);
		if (ps->prev_frame && is_srcline(s, n) && memchr(s, '\0', n) == NULL &&
		    !parse_header(s, n, &h))
			return do_srcline(ps, s, n, line);
	} else if (s[0] == '#') {
		return 0;
	}
	if (memchr(s, '\0', n) != NULL) {
		bad_line(ps, line);
		return 0;
	}
	if (parse_header(s, n, &h))
		goto header;
	/* Old perf printed frames without indentation. */
	if (ps->in_sample && frame_parts(s, n, &addr, &alen, &rest, &rlen))
		return do_frame(ps, addr, alen, rest, rlen, line);
	bad_line(ps, line);
	return 0;
header:
	if (memchr(s, '\0', n) != NULL) {
		bad_line(ps, line);
		return 0;
	}
	if (ps->last_line) {
		/* A header cut short may have lost digits of its period. */
		if (end_sample(ps) != 0)
			return -1;
		ps->st->truncated_line = line;
		bad_line(ps, line);
		return 0;
	}
	if (do_header(ps, &h, line) != 0)
		return -1;
	/* Without a call chain (perf record without -g) the one frame is on
	 * the header line itself. */
	if (h.rest_len > 0 && !ps->skip) {
		if (frame_parts(h.rest, h.rest_len, &addr, &alen, &rest, &rlen))
			return do_frame(ps, addr, alen, rest, rlen, line);
		/* Anything else after the event (tracepoint arguments) is
		 * not a frame. */
	}
	return 0;
}

/* Feeds every line of r to the parser; ends the last sample at EOF. */
static int
parse_reader(struct parser *ps, struct pf_reader *r)
{
	const char *s;
	size_t n;
	int rc;

	while ((rc = pf_reader_line(r, &s, &n, ps->err)) != PF_LINE_EOF) {
		if (rc == PF_LINE_ERROR)
			return -1;
		if (rc == PF_LINE_TOOLONG) {
			bad_line(ps, pf_reader_lineno(r));
			continue;
		}
		ps->last_line = !pf_reader_terminated(r);
		if (parse_line(ps, s, n, pf_reader_lineno(r)) != 0)
			return -1;
	}
	return end_sample(ps);
}

static void
finish_stats(struct parser *ps)
{
	evlist_to_stats(&ps->events, ps->st);
	if (ps->have_filter) {
		snprintf(ps->st->event, sizeof(ps->st->event), "%s", ps->filter);
		ps->st->event_defaulted = !ps->filter_given;
	}
}

/*
 * The width perf gave the PIDs and TIDs of this input (see comm_blanks()),
 * from the sample headers of its first megabyte: 5 when one of them is too
 * narrow for 7 columns, else 7.  Frame lines (indented with a tab) are
 * passed over; 256 headers that fit 7 columns settle it.
 */
static int
tid_width(struct pf_reader *r, struct pf_error *err)
{
	const char *buf, *s, *e;
	size_t n = pf_reader_peek(r, &buf, (size_t)1 << 20, err);
	struct header h;
	int wide = 0;

	for (s = buf; s < buf + n && wide < 256; s = e + 1) {
		e = memchr(s, '\n', (size_t)(buf + n - s));
		if (e == NULL)
			e = buf + n;
		if (e == s || s[0] == '\t' || s[0] == '#' ||
		    !parse_header(s, (size_t)(e - s), &h) || h.gap == 0 || h.numw >= 7)
			continue;
		if (header_too_narrow_for_7(&h))
			return 5;
		wide++;
	}
	return 7;
}

int
pf_perf_collapse_serial(struct pf_profile *p, struct pf_reader *r,
    const struct pf_perf_options *opts, struct pf_perf_stats *stats,
    struct pf_error *err)
{
	struct parser ps;
	int rc;

	if (parser_init(&ps, p, opts, stats, pf_reader_name(r), err) != 0)
		return pf_nomem(err, pf_reader_name(r), 0);
	ps.tid_width = tid_width(r, err);
	rc = parse_reader(&ps, r);
	finish_stats(&ps);
	parser_release(&ps);
	return rc;
}

/* --------------------------------------------------------------- parallel */

struct job {
	pthread_t thread;
	struct pf_profile *p;
	struct pf_perf_stats st;
	struct pf_error err;
	struct pf_perf_options o;
	const char *name;
	int fd;
	uint64_t start, end;
	uint64_t lines;
	struct evlist events;
	int tid_width;
	int rc;
};

static void *
run_job(void *arg)
{
	struct job *j = arg;
	struct pf_reader *r = pf_reader_range(j->name, j->fd, j->start, j->end);
	struct parser ps;

	j->rc = -1;
	if (r == NULL) {
		pf_nomem(&j->err, j->name, 0);
		return NULL;
	}
	if (parser_init(&ps, j->p, &j->o, &j->st, j->name, &j->err) != 0) {
		pf_nomem(&j->err, j->name, 0);
		pf_reader_free(r);
		return NULL;
	}
	ps.tid_width = j->tid_width;
	j->rc = parse_reader(&ps, r);
	j->lines = pf_reader_lineno(r);
	j->events = ps.events;
	memset(&ps.events, 0, sizeof(ps.events));
	parser_release(&ps);
	pf_reader_free(r);
	return NULL;
}

/*
 * The first byte after a blank line at or after off (a sample boundary), or
 * 0 when none comes within the search window.
 */
static uint64_t
boundary_after(int fd, uint64_t off, uint64_t end)
{
	char buf[65536];
	uint64_t pos = off - 1, limit = off + ((uint64_t)16 << 20);
	int prev_nl = 0;
	ssize_t k, i;

	while (pos < end && pos < limit) {
		k = pread(fd, buf, sizeof(buf), (off_t)pos);
		if (k <= 0)
			return 0;
		for (i = 0; i < k; i++) {
			if (buf[i] == '\n') {
				if (prev_nl && pos + (uint64_t)i + 1 < end)
					return pos + (uint64_t)i + 1;
				prev_nl = 1;
			} else {
				prev_nl = 0;
			}
		}
		pos += (uint64_t)k;
	}
	return 0;
}

/*
 * The event of the first sample, found by reading ahead with a scratch
 * parser (so lines are classified exactly as the real parse will), so every
 * thread applies the same default filter.  Returns -1 when the first part
 * of the input has no sample header with an event.
 */
static int
first_event(struct pf_reader *r, const struct pf_perf_options *o, char *ev,
    size_t size, struct pf_error *err)
{
	const char *buf, *s, *e;
	size_t n = pf_reader_peek(r, &buf, (size_t)4 << 20, err);
	struct pf_profile *p = pf_profile_new();
	struct pf_perf_stats st;
	struct parser ps;
	uint64_t line = 0;
	int rc = -1;

	memset(&st, 0, sizeof(st));
	if (p == NULL || parser_init(&ps, p, o, &st, pf_reader_name(r), err) != 0) {
		pf_profile_free(p);
		return -1;
	}
	for (s = buf; s < buf + n && !ps.have_filter; s = e + 1) {
		e = memchr(s, '\n', (size_t)(buf + n - s));
		if (e == NULL)
			break;
		if (parse_line(&ps, s, (size_t)(e - s), ++line) != 0)
			break;
	}
	if (ps.have_filter && strlen(ps.filter) < size) {
		memcpy(ev, ps.filter, strlen(ps.filter) + 1);
		rc = 0;
	}
	parser_release(&ps);
	pf_profile_free(p);
	return rc;
}

static void
merge_stats(struct pf_perf_stats *dst, const struct pf_perf_stats *src,
    uint64_t line_off)
{
	dst->samples += src->samples;
	dst->samples_kept += src->samples_kept;
	dst->kept_without_period += src->kept_without_period;
	dst->empty_samples += src->empty_samples;
	if (src->skipped_lines > 0 && dst->skipped_lines == 0)
		dst->first_skipped_line = src->first_skipped_line + line_off;
	dst->skipped_lines += src->skipped_lines;
	if (src->dropped_samples > 0 && dst->dropped_samples == 0)
		dst->first_dropped_line = src->first_dropped_line + line_off;
	dst->dropped_samples += src->dropped_samples;
	if (src->truncated_line > 0)
		dst->truncated_line = src->truncated_line + line_off;
}

#define MIN_PARALLEL_BYTES ((uint64_t)4 << 20)

int
pf_perf_collapse(struct pf_profile *p, struct pf_reader *r,
    const struct pf_perf_options *opts, struct pf_perf_stats *stats,
    struct pf_error *err)
{
	struct pf_perf_options o = *opts;
	struct job *jobs = NULL;
	struct evlist events;
	struct pf_profile *acc = NULL;
	uint64_t start, end, cut[257], line_off = 0;
	char ev[128];
	int fd, njobs = opts->jobs > 0 ? opts->jobs : pf_ncpus(), i, k, rc = -1, width;

	memset(stats, 0, sizeof(*stats));
	memset(&events, 0, sizeof(events));
	if (njobs > 256)
		njobs = 256;
	if (njobs <= 1 || pf_reader_file_span(r, &fd, &start, &end) != 0 ||
	    end - start < MIN_PARALLEL_BYTES * 2)
		return pf_perf_collapse_serial(p, r, opts, stats, err);
	if (o.event_filter == NULL) {
		if (first_event(r, opts, ev, sizeof(ev), err) != 0)
			return pf_perf_collapse_serial(p, r, opts, stats, err);
		o.event_filter = ev;
	}
	width = tid_width(r, err);
	/* Cut the file at sample boundaries into njobs parts. */
	cut[0] = start;
	for (i = 1, k = 1; i < njobs; i++) {
		uint64_t b = boundary_after(fd, start + (end - start) * (uint64_t)i / (uint64_t)njobs, end);

		if (b > cut[k - 1])
			cut[k++] = b;
	}
	cut[k] = end;
	if (k == 1)
		return pf_perf_collapse_serial(p, r, opts, stats, err);
	jobs = calloc((size_t)k, sizeof(*jobs));
	acc = pf_profile_new();
	if (jobs == NULL || acc == NULL) {
		free(jobs);
		pf_profile_free(acc);
		return pf_nomem(err, pf_reader_name(r), 0);
	}
	for (i = 0; i < k; i++) {
		jobs[i].p = pf_profile_new();
		jobs[i].o = o;
		jobs[i].name = pf_reader_name(r);
		jobs[i].fd = fd;
		jobs[i].start = cut[i];
		jobs[i].end = cut[i + 1];
		jobs[i].rc = -1;
		jobs[i].tid_width = width;
		if (jobs[i].p == NULL)
			goto nomem;
	}
	pf_reader_uncount(r);	/* the jobs count the file's bytes */
	for (i = 1; i < k; i++)
		if (pthread_create(&jobs[i].thread, NULL, run_job, &jobs[i]) != 0) {
			jobs[i].thread = 0;
			run_job(&jobs[i]);
		}
	run_job(&jobs[0]);
	for (i = 1; i < k; i++)
		if (jobs[i].thread != 0)
			pthread_join(jobs[i].thread, NULL);
	for (i = 0; i < k; i++) {
		if (jobs[i].rc != 0) {
			*err = jobs[i].err;
			if (err->line > 0)
				err->line += line_off;
			goto out;
		}
		merge_stats(stats, &jobs[i].st, line_off);
		for (size_t e = 0; e < jobs[i].events.n; e++)
			if (evlist_add(&events, jobs[i].events.v[e].name,
			    strlen(jobs[i].events.v[e].name), jobs[i].events.v[e].samples) != 0)
				goto nomem;
		line_off += jobs[i].lines;
		if (pf_profile_merge(acc, jobs[i].p, err) != 0) {
			/* A total that overflows only when the parts are
			 * added: parse again on one thread, which reports the
			 * line where it happens, as -j 1 does. */
			memset(stats, 0, sizeof(*stats));
			rc = pf_perf_collapse_serial(p, r, opts, stats, err);
			goto out;
		}
	}
	if (pf_profile_merge(p, acc, err) != 0) {
		pf_err_name(err, pf_reader_name(r));
		goto out;
	}
	evlist_to_stats(&events, stats);
	snprintf(stats->event, sizeof(stats->event), "%s", o.event_filter);
	stats->event_defaulted = opts->event_filter == NULL;
	rc = 0;
	goto out;
nomem:
	pf_nomem(err, pf_reader_name(r), 0);
out:
	for (i = 0; i < k; i++) {
		pf_profile_free(jobs[i].p);
		evlist_release(&jobs[i].events);
	}
	free(jobs);
	evlist_release(&events);
	pf_profile_free(acc);
	return rc;
}

/* ------------------------------------------------------------------ namer */

/*
 * The naming half of the parser, for the perf.data reader: it hands over
 * the lines `perf script` would print for a sample, and gets back the
 * frames this parser would make of them, so both paths name alike.
 */
struct pf_perf_namer {
	struct parser ps;
	struct pf_perf_stats st;
	struct pf_error err;
};

struct pf_perf_namer *
pf_perf_namer_new(struct pf_profile *p, const struct pf_perf_options *o)
{
	struct pf_perf_namer *nm = calloc(1, sizeof(*nm));

	if (nm == NULL)
		return NULL;
	if (parser_init(&nm->ps, p, o, &nm->st, "", &nm->err) != 0) {
		free(nm);
		return NULL;
	}
	return nm;
}

void
pf_perf_namer_free(struct pf_perf_namer *nm)
{
	if (nm == NULL)
		return;
	parser_release(&nm->ps);
	free(nm);
}

int
pf_perf_namer_header(struct pf_perf_namer *nm, const char *s, size_t n,
    struct pf_perf_header *out)
{
	struct header h;

	if (memchr(s, '\0', n) != NULL || !parse_header(s, n, &h) || h.event == NULL)
		return 0;
	if (root_frame(&nm->ps, &h, &out->root, &out->java) != 0)
		return -1;
	out->event = h.event;
	out->event_len = h.event_len;
	out->period = h.period ? h.period : 1;
	out->rest_len = h.rest_len;
	return 1;
}

long
pf_perf_namer_frame(struct pf_perf_namer *nm, const char *pc, size_t pclen,
    const char *rest, size_t rlen, int java, const uint32_t **ids)
{
	long k;

	/* A frame whose symbol starts with a digit may read as a header. */
	if (rlen > 0 && (is_digit(rest[0]) || rest[0] == '-')) {
		struct header h;
		size_t n = pclen + rlen + 2;

		if (pf_grow(&nm->ps.scratch, &nm->ps.scratch_cap, n, 1) != 0)
			return -1;
		nm->ps.scratch[0] = '\t';
		memcpy(nm->ps.scratch + 1, pc, pclen);
		nm->ps.scratch[pclen + 1] = ' ';
		memcpy(nm->ps.scratch + pclen + 2, rest, rlen);
		if (parse_header(nm->ps.scratch, n, &h) && h.event != NULL)
			return -2;
	}
	k = frame_ids(&nm->ps, pc, pclen, rest, rlen, java);
	*ids = nm->ps.ids;
	return k;
}

/* ------------------------------------------------------ the row of perf */

/* Sample headers and frames of perf script (pf_perf_sniff). */
int
pf_perf_detect(const struct pf_peek *pk, size_t *where)
{
	PF_UNUSED(where);
	return pf_perf_sniff(pk->buf, pk->n, pk->whole) ? PF_CLAIM_GRAMMAR :
	    PF_CLAIM_NONE;
}

/* Periods are nanoseconds for the software clocks, events for the rest. */
int
pf_perf_unit(const struct pf_perf_stats *st)
{
	size_t n = strcspn(st->event, ":");

	if (st->samples_kept > 0 && st->kept_without_period == st->samples_kept)
		return PF_UNIT_SAMPLES;
	if (st->kept_without_period > 0 || n == 0)
		return PF_UNIT_UNKNOWN;
	if ((n == 9 && memcmp(st->event, "cpu-clock", 9) == 0) ||
	    (n == 10 && memcmp(st->event, "task-clock", 10) == 0))
		return PF_UNIT_NANOSECONDS;
	return PF_UNIT_COUNT;
}

int
pf_perf_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	int rc = pf_perf_collapse(p, r, &o->perf, &st->perf, err);

	st->samples = st->perf.samples;
	st->unit = pf_perf_unit(&st->perf);
	return rc;
}

/* --------------------------------------------------------------- perf.data */

struct pf_reader *
pf_perf_data_script(struct pf_reader *r, int srcline, int *is_data,
    struct pf_error *err)
{
	const char *buf;
	char *argv[8];
	int i = 0;

	*is_data = 0;
	if (pf_reader_peek(r, &buf, 8, err) < 8 || memcmp(buf, "PERFILE2", 8) != 0)
		return NULL;
	*is_data = 1;
	if (strcmp(pf_reader_name(r), "<stdin>") == 0) {
		pf_errc(err, PF_ERR_UNSUPPORTED, "-", 0, 0, "perf.data on standard input is not supported: "
		    "give its file name, or pipe 'perf script' output instead");
		return NULL;
	}
	argv[i++] = "perf";
	argv[i++] = "script";
	if (srcline) {
		argv[i++] = "-F";
		argv[i++] = "+srcline";
	}
	argv[i++] = "-i";
	argv[i++] = (char *)pf_reader_name(r);
	argv[i] = NULL;
	return pf_reader_command(pf_reader_name(r), argv, err);
}
