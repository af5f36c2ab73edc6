/*
 * collapse.h - what every fuzz target of a pf-collapse input format checks.
 *
 * fuzz_collapse() parses data as the format o names.  A failure must come
 * with a message naming the input; a success must give a profile in which
 * every stack has a frame.  It returns 1 after a success, with the sum of the
 * counts in *total and the parse's stats in *st, 0 after a proper failure,
 * and aborts on anything else, so each target only adds its own checks.
 *
 * fuzz_reader() is the whole body of a target whose input is a document
 * of one format (the JSON readers): the options from the first byte, the
 * reading, and the checks the target's table asks for.
 */
#ifndef PF_FUZZ_COLLAPSE_H
#define PF_FUZZ_COLLAPSE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void
fuzz_collapse_fail(const char *what, const struct pf_error *err)
{
	fprintf(stderr, "fuzz check failed: %s ('%s' line %llu: %s)\n", what,
	    err->name, (unsigned long long)err->line, err->msg);
	abort();
}

static int
fuzz_collapse(const uint8_t *data, size_t size, const struct pf_collapse_options *o,
    const char *name, struct pf_collapse_stats *st, pf_count *total)
{
	struct pf_error err;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_mem(name, data, size);
	size_t i, n;
	pf_count a;
	int ok = 0;

	memset(&err, 0, sizeof(err));
	memset(st, 0, sizeof(*st));
	*total = 0;
	if (p == NULL || r == NULL)
		abort();
	if (pf_collapse(p, r, o, st, &err) != 0) {
		if (err.msg[0] == '\0' || strcmp(err.name, name) != 0)
			fuzz_collapse_fail("failed without a proper error", &err);
		goto out;
	}
	for (i = 0; i < pf_profile_nstacks(p); i++) {
		pf_profile_stack(p, i, &n, &a, NULL);
		if (n == 0)
			fuzz_collapse_fail("an empty stack", &err);
		*total += a;
	}
	ok = 1;
out:
	pf_reader_free(r);
	pf_profile_free(p);
	return ok;
}

/* The options the first byte of an input selects, one bit each. */
enum {
	FUZZ_NO_LOCATION = 1 << 0,
	FUZZ_DROP_IDLE = 1 << 1,
	FUZZ_WEIGHT_TIME = 1 << 2,
	FUZZ_TIME_ORDER = 1 << 3,
};

/* A fuzz target of a reader. */
struct fuzz_target {
	int format;		/* PF_FORMAT_* */
	const char *name;	/* the input's name */
	unsigned options;	/* the FUZZ_* bits the first byte selects; 0:
				   the input has no such byte */
	unsigned units;		/* the units a reading may give, bits
				   1 << PF_UNIT_*; 0: any */
	int adds_up;		/* without --weight=time the counts add up to
				   the samples read less those dropped */
};

/*
 * Reads data (after the options byte, when t has options) as t says.
 * Beyond fuzz_collapse()'s checks: dropped samples never exceed those
 * read, the unit is one of t's, and the counts add up when t says so.
 * 1 after a success, with the options, stats and total in *o, *st and
 * *total for the target's own checks; 0 after a proper failure.
 */
static inline int
fuzz_reader_read(const uint8_t *data, size_t size, const struct fuzz_target *t,
    struct pf_collapse_options *o, struct pf_collapse_stats *st, pf_count *total)
{
	struct pf_error st_err;
	unsigned flags = 0;

	memset(&st_err, 0, sizeof(st_err));
	snprintf(st_err.name, sizeof(st_err.name), "%s", t->name);
	if (t->options != 0 && size > 0) {
		flags = data[0] & t->options;
		data++;
		size--;
	}
	memset(o, 0, sizeof(*o));
	o->format = t->format;
	o->no_location = (flags & FUZZ_NO_LOCATION) != 0;
	o->drop_idle = (flags & FUZZ_DROP_IDLE) != 0;
	o->weight_time = (flags & FUZZ_WEIGHT_TIME) != 0;
	o->time_order = (flags & FUZZ_TIME_ORDER) != 0;
	if (!fuzz_collapse(data, size, o, t->name, st, total))
		return 0;
	if (st->dropped > st->samples)
		fuzz_collapse_fail("more samples dropped than read", &st_err);
	if (t->units != 0 && ((unsigned)st->unit >= 32 || !(t->units & 1u << st->unit)))
		fuzz_collapse_fail("a unit the format does not give", &st_err);
	if (t->adds_up && !o->weight_time &&
	    *total != pf_count_from_u64(st->samples - st->dropped))
		fuzz_collapse_fail("the counts do not add up to the samples", &st_err);
	return 1;
}

/* The body of a target with no check of its own. */
static inline int
fuzz_reader(const uint8_t *data, size_t size, const struct fuzz_target *t)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	pf_count total;

	fuzz_reader_read(data, size, t, &o, &st, &total);
	return 0;
}

#endif /* PF_FUZZ_COLLAPSE_H */
