/*
 * collapse.h - what every fuzz target of a pf-collapse input format checks.
 *
 * fuzz_collapse() parses data as the format o names.  A failure must come
 * with a message naming the input; a success must give a profile in which
 * every stack has a frame.  It returns 1 after a success, with the sum of the
 * counts in *total and the parse's stats in *st, 0 after a proper failure,
 * and aborts on anything else, so each target only adds its own checks.
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

#endif /* PF_FUZZ_COLLAPSE_H */
