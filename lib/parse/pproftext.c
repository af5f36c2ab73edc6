/*
 * pproftext.c - the legacy text profiles of pprof: gperftools' heap
 * (HEAPPROFILE), growth, contention and thread profiles, and Go's debug=1
 * text (heap, goroutine, threadcreate, block and mutex profiles).
 *
 * The first line says which:
 *   heap profile: N: B [N: B] @ heap|heap_v2|heapz_v2|heapprofile[/RATE]
 *   heap profile: N: B [N: B] @ growthz | fragmentationz
 *       records "N: B [N: B] @ 0xADDR ..." (in use, then allocated)
 *   --- contention (gperftools, Go's block profile) | --- mutex (Go)
 *       "KEY = VALUE" lines, then records "DELAY COUNT @ 0xADDR ..."
 *   --- threadz N ---, or --- Thread ID (name: NAME/TID) stack: ---
 *       per thread its frames, "0xADDR: NAME" or bare addresses
 *   NAME profile: total N (Go's goroutine and threadcreate)
 *       records "COUNT @ 0xADDR ..."
 * Addresses are leaf first.  Go follows each record with lines
 * "#\t0xADDR\tFUNCTION+0xOFF\tFILE:LINE", its own symbolization (runtime
 * frames at the leaf and runtime.goexit left out): when a record has them
 * they are its frames.  Otherwise the addresses are symbolized through the
 * memory map that may follow ("--- Memory map: ---" or
 * "MAPPED_LIBRARIES:", as legacy.c reads it).
 *
 * The values are pprof's: a sampled heap profile (heap, heap_v2) is scaled
 * by the chance that an allocation of its average size was sampled,
 * 1 / (1 - exp(-size/rate)); contention counts are multiplied by the
 * sampling period and delays turned from cycles into nanoseconds.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>

#include "format.h"
#include "parse/legacy.h"

enum kind { HEAP, CONTENTION, THREADS, COUNT };

static size_t
blanks(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return i;
}

/* A decimal at s[*i..] (a '-' allowed when neg is given). */
static int
dec(const char *s, size_t n, size_t *i, int64_t *v, int *neg)
{
	size_t k = *i;
	uint64_t x = 0;
	int minus = 0;

	if (neg != NULL && k < n && s[k] == '-') {
		minus = 1;
		k++;
	}
	if (k >= n || s[k] < '0' || s[k] > '9')
		return 0;
	while (k < n && s[k] >= '0' && s[k] <= '9') {
		if (x > (uint64_t)INT64_MAX / 10)
			return 0;
		x = x * 10 + (uint64_t)(s[k] - '0');
		k++;
	}
	if (x > (uint64_t)INT64_MAX)
		return 0;
	*v = minus ? -(int64_t)x : (int64_t)x;
	if (neg != NULL)
		*neg = minus;
	*i = k;
	return 1;
}

/* "N: B [N: B]" at s[*i..]. */
static int
heap_counts(const char *s, size_t n, size_t *i, int64_t v[4])
{
	size_t k = blanks(s, n, *i);
	int neg;

	if (!dec(s, n, &k, &v[0], &neg) || (k = blanks(s, n, k)) >= n || s[k] != ':')
		return 0;
	k = blanks(s, n, k + 1);
	if (!dec(s, n, &k, &v[1], &neg) || (k = blanks(s, n, k)) >= n || s[k] != '[')
		return 0;
	k = blanks(s, n, k + 1);
	if (!dec(s, n, &k, &v[2], NULL) || (k = blanks(s, n, k)) >= n || s[k] != ':')
		return 0;
	k = blanks(s, n, k + 1);
	if (!dec(s, n, &k, &v[3], NULL) || (k = blanks(s, n, k)) >= n || s[k] != ']')
		return 0;
	*i = k + 1;
	return 1;
}

struct heap_head {
	int sampled;		/* scale by the sampling rate */
	int64_t rate;
	int has_alloc;
};

/* "heap profile: N: B [N: B] @ WHAT[/RATE]". */
static int
heap_header(const char *s, size_t n, struct heap_head *h)
{
	size_t i = blanks(s, n, 0), w0, wend;
	int64_t v[4], rate = 0;

	memset(h, 0, sizeof(*h));
	if (!pf_mem_starts(s + i, n - i, "heap profile:"))
		return 0;
	i += 13;
	if (!heap_counts(s, n, &i, v) || (i = blanks(s, n, i)) >= n || s[i] != '@')
		return 0;
	i = blanks(s, n, i + 1);
	w0 = i;
	while (i < n && s[i] != '/' && s[i] != ' ' && s[i] != '\r')
		i++;
	wend = i;
	if (i < n && s[i] == '/') {
		i++;
		if (i < n && !dec(s, n, &i, &rate, NULL))
			return 0;
	}
#define IS(x) (wend - w0 == strlen(x) && memcmp(s + w0, x, strlen(x)) == 0)
	if (IS("growthz") || IS("fragmentationz"))
		return 1;
	h->has_alloc = (v[2] != v[0] && v[2] != 0) || (v[3] != v[1] && v[3] != 0);
	if (IS("heapz_v2") || IS("heap_v2")) {
		h->sampled = 1;
		h->rate = rate;
	} else if (IS("heap")) {
		h->sampled = 1;
		h->rate = rate / 2;
	} else if (!IS("heapprofile")) {
		return 0;
	}
#undef IS
	return 1;
}

static int
threadz_line(const char *s, size_t n)
{
	return pf_mem_starts(s, n, "--- threadz ") || (pf_mem_starts(s, n, "--- Thread ") &&
	    pf_mem_has(s, n, "(name: ") && pf_mem_has(s, n, ") stack: ---"));
}

/* "WORD profile: total N". */
static int
count_header(const char *s, size_t n)
{
	size_t i = 0;
	int64_t v;

	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	if (i == 0 || !pf_mem_starts(s + i, n - i, " profile: total "))
		return 0;
	i += 16;
	return dec(s, n, &i, &v, NULL) && blanks(s, n, i) == n;
}

static int
kind_of(const char *s, size_t n, enum kind *k)
{
	struct heap_head h;

	if (heap_header(s, n, &h))
		*k = HEAP;
	else if (pf_mem_starts(s, n, "--- contention") || pf_mem_starts(s, n, "--- mutex"))
		*k = CONTENTION;
	else if (threadz_line(s, n))
		*k = THREADS;
	else if (count_header(s, n))
		*k = COUNT;
	else
		return 0;
	return 1;
}

int
pf_pproftext_detect(const struct pf_peek *pk, size_t *where)
{
	size_t i;
	enum kind k;

	for (i = 0; i < pk->nlines; i++) {
		const char *s = pk->line[i].s;
		size_t n = pk->line[i].len, b = blanks(s, n, 0);

		if (b < n && s[b] == '#')
			continue;
		*where = i;
		return kind_of(s, n, &k) ? PF_CLAIM_MAGIC : PF_CLAIM_NONE;
	}
	return PF_CLAIM_NONE;
}

/* ------------------------------------------------------------------ read */

struct text {
	struct pf_lp *lp;
	const char *name;
	struct pf_error *err;
	struct pf_collapse_stats *st;
	enum kind kind;
	int ty;			/* the sample type chosen */
	struct heap_head head;
	int64_t period, cpu_hz;
	/* The record waiting for Go's "#" lines. */
	int pending;
	uint64_t line;
	pf_count value;
	uint64_t *addr;
	size_t naddr, addr_cap;
	char *names;		/* NUL-separated */
	size_t names_len, names_cap, nnames;
	int fresh;		/* a thread began whose frames are to come */
	uint64_t zero;		/* records of value 0, left out */
};

static int
add_addr(struct text *t, uint64_t a)
{
	if (pf_grow(&t->addr, &t->addr_cap, t->naddr + 1, sizeof(*t->addr)) != 0)
		return -1;
	t->addr[t->naddr++] = a;
	return 0;
}

static int
add_name(struct text *t, const char *s, size_t n)
{
	if (pf_grow(&t->names, &t->names_cap, t->names_len + n + 1, 1) != 0)
		return -1;
	memcpy(t->names + t->names_len, s, n);
	t->names[t->names_len + n] = '\0';
	t->names_len += n + 1;
	t->nnames++;
	return 0;
}

/* The addresses of "0xA 0xB ..." at s[i..n-1]; the "0x" words only. */
static int
addresses(struct text *t, const char *s, size_t n, size_t i)
{
	uint64_t a;

	for (;;) {
		size_t w;

		i = blanks(s, n, i);
		if (i >= n)
			return 0;
		w = i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			i++;
		if (!pf_lp_hex(s + w, i - w, &a))
			return pf_err(t->err, t->name, t->line, "'%.*s' is not an address",
			    (int)(i - w > 40 ? 40 : i - w), s + w);
		if (add_addr(t, a) != 0)
			return pf_nomem(t->err, t->name, t->line);
	}
}

/* Hands the pending record to lp. */
static int
flush(struct text *t)
{
	size_t i, o;
	int rc = 0;

	if (!t->pending)
		return 0;
	t->pending = 0;
	if (t->value == 0) {
		t->zero++;
		goto out;
	}
	if (t->kind == THREADS) {
		for (i = 0, o = 0; i < t->naddr && i < t->nnames; i++) {
			size_t len = strlen(t->names + o);

			if ((len > 0 ? pf_lp_name(t->lp, t->names + o, len) :
			    pf_lp_addr(t->lp, i > 0 ? t->addr[i] - 1 : t->addr[i])) != 0)
				return pf_nomem(t->err, t->name, t->line);
			o += len + 1;
		}
	} else if (t->nnames > 0) {
		for (i = 0, o = 0; i < t->nnames; i++) {
			size_t len = strlen(t->names + o);

			if (pf_lp_name(t->lp, t->names + o, len) != 0)
				return pf_nomem(t->err, t->name, t->line);
			o += len + 1;
		}
	} else {
		for (i = 0; i < t->naddr; i++)
			if (pf_lp_addr(t->lp, i > 0 ? t->addr[i] - 1 : t->addr[i]) != 0)
				return pf_nomem(t->err, t->name, t->line);
	}
	if (t->naddr == 0 && t->nnames == 0) {
		/* A record without a stack is still its weight. */
		if (pf_lp_name(t->lp, "[no stack]", 10) != 0)
			return pf_nomem(t->err, t->name, t->line);
	}
	if (pf_lp_end(t->lp, t->value, t->err) != 0) {
		pf_err_name(t->err, t->name);
		rc = -1;
	}
out:
	t->naddr = 0;
	t->nnames = 0;
	t->names_len = 0;
	return rc;
}

static int
begin(struct text *t, pf_count value)
{
	if (flush(t) != 0)
		return -1;
	t->pending = 1;
	t->value = value;
	t->st->samples++;
	return 0;
}

/* pprof's estimate of what a sampled heap record stands for; -1 when it
 * is beyond 64 bits. */
static int
scale_heap(const struct text *t, int64_t *count, int64_t *size)
{
	double avg, scale, c, b;

	if (!t->head.sampled || *count == 0 || *size == 0 || t->head.rate <= 1)
		return 0;
	avg = (double)*size / (double)*count;
	scale = 1 / (1 - exp(-avg / (double)t->head.rate));
	c = (double)*count * scale;
	b = (double)*size * scale;
	if (!(c < 9.2e18) || !(b < 9.2e18))
		return -1;
	*count = (int64_t)c;
	*size = (int64_t)b;
	return 0;
}

static int
heap_record(struct text *t, const char *s, size_t n)
{
	int64_t v[4], vals[4];
	size_t i = 0, nv = 0;

	if (!heap_counts(s, n, &i, v) || (i = blanks(s, n, i)) >= n || s[i] != '@')
		return pf_err(t->err, t->name, t->line, "not a record of a heap profile "
		    "(\"N: BYTES [N: BYTES] @ 0xADDR ...\")");
	if (v[0] < 0 || v[1] < 0)
		return pf_err(t->err, t->name, t->line, "a negative count or size in use");
	if ((v[0] == 0 && v[1] != 0) || (v[2] == 0 && v[3] != 0))
		return pf_err(t->err, t->name, t->line, "a count of 0 with a size above 0");
	if (t->head.has_alloc) {
		vals[nv] = v[2];
		vals[nv + 1] = v[3];
		nv += 2;
	}
	vals[nv] = v[0];
	vals[nv + 1] = v[1];
	if (scale_heap(t, &vals[0], &vals[1]) != 0 ||
	    (nv > 0 && scale_heap(t, &vals[2], &vals[3]) != 0))
		return pf_err(t->err, t->name, t->line, "a record too large once scaled "
		    "by the sampling rate");
	if (begin(t, pf_count_from_u64((uint64_t)vals[t->ty])) != 0)
		return -1;
	return addresses(t, s, n, i + 1);
}

static int
count_record(struct text *t, const char *s, size_t n)
{
	int64_t c;
	size_t i = 0;

	if (!dec(s, n, &i, &c, NULL) || (i = blanks(s, n, i)) >= n || s[i] != '@')
		return pf_err(t->err, t->name, t->line, "not a record of a count profile "
		    "(\"COUNT @ 0xADDR ...\")");
	if (begin(t, pf_count_from_u64((uint64_t)c)) != 0)
		return -1;
	return addresses(t, s, n, i + 1);
}

static int
contention_record(struct text *t, const char *s, size_t n)
{
	int64_t delay, count;
	size_t i = 0;
	uint64_t v;

	if (!dec(s, n, &i, &delay, NULL) || (i = blanks(s, n, i)) >= n ||
	    !dec(s, n, &i, &count, NULL) || (i = blanks(s, n, i)) >= n || s[i] != '@')
		return pf_err(t->err, t->name, t->line, "not a record of a contention "
		    "profile (\"DELAY COUNT @ 0xADDR ...\")");
	if (t->period > 0) {
		if (t->cpu_hz > 0) {
			double d = (double)delay * (double)t->period / ((double)t->cpu_hz / 1e9);

			if (!(d < 9.2e18))
				return pf_err(t->err, t->name, t->line, "a delay too large");
			delay = (int64_t)d;
		}
		if (count > INT64_MAX / t->period)
			return pf_err(t->err, t->name, t->line, "a count too large");
		count *= t->period;
	}
	v = (uint64_t)(t->ty == 0 ? count : delay < 0 ? 0 : delay);
	if (begin(t, pf_count_from_u64(v)) != 0)
		return -1;
	return addresses(t, s, n, i + 1);
}

/* "KEY = VALUE" of a contention profile: 1 read, 0 not one. */
static int
contention_attr(struct text *t, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	size_t k, vi;
	int64_t v;

	if (eq == NULL || memchr(s, '@', n) != NULL)
		return 0;
	k = (size_t)(eq - s);
	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	vi = blanks(s, n, (size_t)(eq - s) + 1);
	if (!dec(s, n, &vi, &v, NULL))
		return 1;
	if (k == 13 && memcmp(s, "cycles/second", 13) == 0)
		t->cpu_hz = v;
	else if (k == 15 && memcmp(s, "sampling period", 15) == 0)
		t->period = v;
	return 1;
}

/* A thread's frame line: "PC: 0xADDR: NAME", "0xADDR: NAME", or
 * addresses ("creator: 0xA 0xB"); each address gets a name, "" for none. */
static int
thread_frame(struct text *t, const char *s, size_t n)
{
	size_t i = blanks(s, n, 0), w, before;
	uint64_t a;

	if (pf_mem_starts(s + i, n - i, "PC:"))
		i = blanks(s, n, i + 3);
	else if (pf_mem_starts(s + i, n - i, "creator:"))
		i = blanks(s, n, i + 8);
	w = i;
	while (i < n && s[i] != ' ' && s[i] != ':')
		i++;
	if (i < n && s[i] == ':' && pf_lp_hex(s + w, i - w, &a)) {
		size_t b = blanks(s, n, i + 1);

		if (add_addr(t, a) != 0 || add_name(t, s + b, n - b) != 0)
			return pf_nomem(t->err, t->name, t->line);
		return 0;
	}
	before = t->naddr;
	if (addresses(t, s, n, w) != 0)
		return -1;
	for (; before < t->naddr; before++)
		if (add_name(t, "", 0) != 0)
			return pf_nomem(t->err, t->name, t->line);
	return 0;
}

/* A Go "#\t0xADDR\tNAME+0xOFF\tFILE:LINE" line of the pending record. */
static int
go_line(struct text *t, const char *s, size_t n)
{
	size_t i = 1, w;
	uint64_t a;

	i = blanks(s, n, i);
	w = i;
	while (i < n && s[i] != '\t' && s[i] != ' ')
		i++;
	if (!pf_lp_hex(s + w, i - w, &a))
		return 0;
	i = blanks(s, n, i);
	w = i;
	while (i < n && s[i] != '\t')
		i++;
	/* NAME+0xOFF: the offset is not part of the function. */
	{
		size_t e = i, k;

		while (e > w && s[e - 1] == ' ')
			e--;
		for (k = e; k > w; k--)
			if (s[k - 1] == '+') {
				uint64_t off;

				if (pf_lp_hex(s + k, e - k, &off))
					e = k - 1;
				break;
			}
		if (e == w)
			return 1;	/* no name: the address stands */
		if (add_name(t, s + w, e - w) != 0)
			return -1;
	}
	return 1;
}

static const char *const heap_alloc_types[4][2] = {
	{ "alloc_objects", "count" }, { "alloc_space", "bytes" },
	{ "inuse_objects", "count" }, { "inuse_space", "bytes" },
};
static const char *const heap_types[2][2] = {
	{ "objects", "count" }, { "space", "bytes" },
};
static const char *const contention_types[2][2] = {
	{ "contentions", "count" }, { "delay", "nanoseconds" },
};

int
pf_pproftext_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct text t;
	const char *s;
	size_t n, b;
	int k, rc = -1, started = 0, maps = 0, in_records = 0;
	char what[64];
	const char *const (*types)[2] = NULL;
	size_t ntypes = 1;

	memset(&t, 0, sizeof(t));
	t.name = pf_reader_name(r);
	t.err = err;
	t.st = st;
	if ((t.lp = pf_lp_new()) == NULL)
		return pf_nomem(err, t.name, 0);
	while ((k = pf_reader_line(r, &s, &n, err)) > 0) {
		t.line = pf_reader_lineno(r);
		while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
			n--;
		b = blanks(s, n, 0);
		if (b == n)
			continue;
		if (maps) {
			if (pf_lp_map_line(t.lp, s, n) < 0) {
				pf_nomem(err, t.name, t.line);
				goto out;
			}
			continue;
		}
		if (pf_mem_has(s, n, "--- Memory map: ---") ||
		    pf_mem_has(s, n, "MAPPED_LIBRARIES:")) {
			maps = 1;
			in_records = 0;
			continue;
		}
		if (!started) {
			if (s[b] == '#')
				continue;
			if (!kind_of(s + b, n - b, &t.kind)) {
				pf_err(err, t.name, t.line, "not a legacy pprof text profile: "
				    "no heap, contention, thread or count profile header");
				goto out;
			}
			started = 1;
			in_records = 1;
			switch (t.kind) {
			case HEAP:
				heap_header(s + b, n - b, &t.head);
				types = t.head.has_alloc ? heap_alloc_types : heap_types;
				ntypes = t.head.has_alloc ? 4 : 2;
				break;
			case CONTENTION:
				types = contention_types;
				ntypes = 2;
				t.period = 1;
				break;
			case THREADS:
			case COUNT:
				ntypes = 1;
				break;
			}
			if (types != NULL) {
				if ((t.ty = pf_lp_choose_type(o->sample_type, types, ntypes,
				    ntypes - 1, t.name, err)) < 0)
					goto out;
				st->unit = strcmp(types[t.ty][1], "bytes") == 0 ? PF_UNIT_BYTES :
				    strcmp(types[t.ty][1], "nanoseconds") == 0 ?
				    PF_UNIT_NANOSECONDS : PF_UNIT_COUNT;
			} else {
				if (o->sample_type != NULL && strcmp(o->sample_type, "0") != 0) {
					snprintf(what, sizeof(what), "%s", t.kind == THREADS ?
					    "thread" : "count");
					pf_err(err, t.name, 0, "no sample type '%s'; the "
					    "profile has one, %s/count", o->sample_type, what);
					goto out;
				}
				st->unit = PF_UNIT_COUNT;
			}
			if (t.kind == THREADS && pf_mem_starts(s + b, n - b, "--- Thread ")) {
				if (begin(&t, PF_COUNT_ONE) != 0)
					goto out;
			}
			continue;
		}
		if (!in_records)
			continue;
		if (s[b] == '#') {
			/* Go's symbolization of the record above, or comments
			 * (runtime.MemStats) after the records. */
			if (t.pending && n - b > 1 && (s[b + 1] == '\t' || s[b + 1] == ' ') &&
			    go_line(&t, s + b, n - b) < 0) {
				pf_nomem(err, t.name, t.line);
				goto out;
			}
			continue;
		}
		if (t.kind == THREADS) {
			if (pf_mem_starts(s + b, n - b, "--- Thread ")) {
				/* A thread before without frames repeats the
				 * stack of the one before it, as pprof counts. */
				if (t.fresh)
					t.value += PF_COUNT_ONE;
				if (!t.pending) {
					if (begin(&t, PF_COUNT_ONE) != 0)
						goto out;
				} else {
					t.fresh = 1;
					st->samples++;
				}
				continue;
			}
			if (pf_mem_has(s, n, "same as previous thread"))
				continue;
			if (pf_mem_starts(s + b, n - b, "---")) {
				in_records = 0;
				continue;
			}
			if (t.fresh) {
				t.fresh = 0;
				st->samples--;
				if (begin(&t, PF_COUNT_ONE) != 0)
					goto out;
			}
			if (thread_frame(&t, s, n) != 0)
				goto out;
			continue;
		}
		if (pf_mem_starts(s + b, n - b, "---")) {
			if (flush(&t) != 0)
				goto out;
			in_records = 0;
			continue;
		}
		switch (t.kind) {
		case HEAP:
			k = heap_record(&t, s + b, n - b);
			break;
		case COUNT:
			k = count_record(&t, s + b, n - b);
			break;
		case CONTENTION:
			if (!t.pending && t.st->samples == 0 && contention_attr(&t, s + b, n - b)) {
				k = 0;
				break;
			}
			k = contention_record(&t, s + b, n - b);
			break;
		default:
			k = 0;
		}
		if (k != 0)
			goto out;
	}
	if (k < 0)
		goto out;
	if (!started) {
		pf_err(err, t.name, 0, "not a legacy pprof text profile: no header");
		goto out;
	}
	if (t.fresh)
		t.value += PF_COUNT_ONE;
	if (flush(&t) != 0)
		goto out;
	if (t.zero > 0)
		snprintf(st->note, sizeof(st->note), "left out %llu record%s whose %s is 0",
		    (unsigned long long)t.zero, t.zero == 1 ? "" : "s",
		    types != NULL ? types[t.ty][0] : "count");
	st->dropped = t.zero;
	rc = pf_lp_finish(t.lp, p, 0, t.name, err);
out:
	pf_lp_free(t.lp);
	free(t.addr);
	free(t.names);
	return rc;
}
