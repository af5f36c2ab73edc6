/*
 * gperfcpu.c - gperftools' binary CPU profile (CPUPROFILE=FILE with
 * libprofiler), the "legacy pprof" CPU format that old Go also wrote.
 *
 * Words of the writer's size (4 or 8 bytes) and byte order: a header
 * 0, 3, VERSION (0: C++, 1: Java), the period in microseconds, 0; then
 * records COUNT, DEPTH, DEPTH addresses (leaf first); then the record
 * 0, 1, 0; then text: /proc/self/maps of the process (C++), or
 * " 0xID NAME" lines naming Java's method ids.  The size and order are
 * those for which the header reads right, as pprof decides.
 */
#include <stdlib.h>

#include "format.h"
#include "parse/legacy.h"

#define MAX_DEPTH 65536

struct cpu {
	struct pf_reader *r;
	struct pf_error *err;
	const char *name;
	unsigned char buf[65536];
	size_t pos, len;
	int size, big;
	uint64_t off;		/* bytes consumed */
};

static int
fill(struct cpu *c, size_t need)
{
	size_t k;

	if (c->len - c->pos >= need)
		return 1;
	memmove(c->buf, c->buf + c->pos, c->len - c->pos);
	c->len -= c->pos;
	c->pos = 0;
	while (c->len < need) {
		k = pf_reader_read(c->r, c->buf + c->len, sizeof(c->buf) - c->len, c->err);
		if (k == (size_t)-1)
			return -1;
		if (k == 0)
			return 0;
		c->len += k;
	}
	return 1;
}

static uint64_t
decode(const unsigned char *b, int size, int big)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)b[big ? size - 1 - i : i] << (8 * i);
	return v;
}

/* The next word in *v: 1, 0 at the end of the input, -1 on error. */
static int
word(struct cpu *c, uint64_t *v)
{
	int k;

	if (c->len - c->pos < (size_t)c->size && (k = fill(c, (size_t)c->size)) <= 0)
		return k;
	*v = decode(c->buf + c->pos, c->size, c->big);
	c->pos += (size_t)c->size;
	c->off += (size_t)c->size;
	return 1;
}

/* The header's word size and order, by pprof's rule: 0, 3, 0 or 1, a
 * period above 0, 0. */
static int
header(const unsigned char *b, size_t n, int *size, int *big, uint64_t *version,
    uint64_t *period)
{
	static const int order[4][2] = { { 4, 0 }, { 4, 1 }, { 8, 0 }, { 8, 1 } };
	int i, s, g;

	for (i = 0; i < 4; i++) {
		s = order[i][0];
		g = order[i][1];
		if (n >= (size_t)(5 * s) && decode(b, s, g) == 0 && decode(b + s, s, g) == 3 &&
		    decode(b + 2 * s, s, g) <= 1 && decode(b + 3 * s, s, g) > 0 &&
		    decode(b + 4 * s, s, g) == 0) {
			*size = s;
			*big = g;
			*version = decode(b + 2 * s, s, g);
			*period = decode(b + 3 * s, s, g);
			return 1;
		}
	}
	return 0;
}

int
pf_gperfcpu_detect(const struct pf_peek *pk, size_t *where)
{
	int size, big;
	uint64_t version, period;

	(void)where;
	return header((const unsigned char *)pk->buf, pk->n, &size, &big, &version, &period) ?
	    PF_CLAIM_MAGIC : PF_CLAIM_NONE;
}

/* The text after the samples: the memory map, or Java's names. */
static int
tail(struct cpu *c, struct pf_lp *lp, int java)
{
	char *line = NULL;
	size_t cap = 0, n = 0, i;
	int k, rc = -1, over = 0;

	for (;;) {
		if ((k = fill(c, 1)) < 0)
			goto out;
		if (k == 0)
			break;
		for (i = c->pos; i < c->len; i++) {
			unsigned char ch = c->buf[i];

			if (ch != '\n') {
				if (n >= 65536) {
					over = 1;
					continue;
				}
				if (pf_grow(&line, &cap, n + 1, 1) != 0)
					goto nomem;
				line[n++] = (char)ch;
				continue;
			}
			if (!over && n > 0 && (java ? pf_lp_java_symbol(lp, line, n) :
			    pf_lp_map_line(lp, line, n)) < 0)
				goto nomem;
			n = 0;
			over = 0;
		}
		c->off += c->len - c->pos;
		c->pos = c->len;
	}
	if (n > 0 && !over && (java ? pf_lp_java_symbol(lp, line, n) :
	    pf_lp_map_line(lp, line, n)) < 0)
		goto nomem;
	rc = 0;
	goto out;
nomem:
	pf_nomem(c->err, c->name, 0);
out:
	free(line);
	return rc;
}

static const char *const types[2][2] = {
	{ "samples", "count" }, { "cpu", "nanoseconds" },
};

int
pf_gperfcpu_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct cpu *c;
	struct pf_lp *lp = NULL;
	uint64_t version = 0, period = 0, count, depth, a, i, ns;
	int ty, k, ended = 0, rc = -1;
	const char *name = pf_reader_name(r);
	pf_count value;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return pf_nomem(err, name, 0);
	c->r = r;
	c->err = err;
	c->name = name;
	if ((k = fill(c, 40)) < 0)
		goto out;
	if (!header(c->buf, c->len, &c->size, &c->big, &version, &period)) {
		pf_err(err, name, 0, "not a gperftools CPU profile: no header words "
		    "0, 3, 0, PERIOD, 0");
		goto out;
	}
	c->pos = c->off = 5 * (size_t)c->size;
	if ((ty = pf_lp_choose_type(o->sample_type, types, 2, 1, name, err)) < 0)
		goto out;
	st->unit = ty == 0 ? PF_UNIT_SAMPLES : PF_UNIT_NANOSECONDS;
	if ((lp = pf_lp_new()) == NULL) {
		pf_nomem(err, name, 0);
		goto out;
	}
	for (;;) {
		uint64_t at = c->off;

		if ((k = word(c, &count)) < 0)
			goto out;
		if (k == 0)
			break;
		if ((k = word(c, &depth)) <= 0)
			goto cut;
		if (depth > MAX_DEPTH) {
			pf_err(err, name, 0, "the record at byte %llu has %llu frames (at most "
			    "%d): not a gperftools CPU profile, or a damaged one",
			    (unsigned long long)at, (unsigned long long)depth, MAX_DEPTH);
			goto out;
		}
		for (i = 0; i < depth; i++) {
			if ((k = word(c, &a)) <= 0)
				goto cut;
			/* Callers' addresses are return addresses: one back
			 * lands on the call (Java's are method ids). */
			if (version == 0 && i > 0)
				a--;
			if (pf_lp_addr(lp, a) != 0) {
				pf_nomem(err, name, 0);
				goto out;
			}
		}
		/* The end-of-data record 0, 1, 0 (a leaf: not moved). */
		if (count == 0 && depth == 1 && a == 0) {
			pf_lp_discard(lp);
			ended = 1;
			break;
		}
		st->samples += count;
		if (depth == 0 || count == 0) {
			pf_lp_discard(lp);
			continue;
		}
		if (ty == 0)
			value = pf_count_from_u64(count);
		else if (__builtin_mul_overflow(count, period, &ns) ||
		    __builtin_mul_overflow(ns, (uint64_t)1000, &ns)) {
			pf_err(err, name, 0, "the record at byte %llu: its count %llu is too "
			    "large", (unsigned long long)at, (unsigned long long)count);
			goto out;
		}
		else
			value = pf_count_from_u64(ns);
		if (pf_lp_end(lp, value, err) != 0) {
			pf_err_name(err, name);
			goto out;
		}
	}
	if (!ended)
		snprintf(st->note, sizeof(st->note), "no end-of-data record (0, 1, 0): the "
		    "profile may have been cut short (the profiler still running?)");
	else if (tail(c, lp, version == 1) != 0)
		goto out;
	rc = pf_lp_finish(lp, p, version == 1 ? PF_LP_JAVA : PF_LP_CPU_CLEANUP, name, err);
	goto out;
cut:
	if (k == 0)
		pf_err(err, name, 0, "the input ends inside a record (at byte %llu): a "
		    "gperftools CPU profile cut short", (unsigned long long)c->off);
out:
	pf_lp_free(lp);
	free(c);
	return rc;
}
