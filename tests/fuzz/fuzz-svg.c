/*
 * fuzz-svg.c - fuzz target of the flame graph SVG reader.
 *
 * Beyond not crashing: an error names the input, and every stack has a
 * frame.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_error err;
	struct pf_profile *p;
	struct pf_reader *r;
	size_t i, n;

	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.format = PF_FORMAT_SVG;
	p = pf_profile_new();
	r = pf_reader_mem("fuzz.svg", data, size);
	if (p == NULL || r == NULL)
		abort();
	if (pf_collapse(p, r, &o, &st, &err) != 0) {
		if (err.msg[0] == '\0' || strcmp(err.name, "fuzz.svg") != 0) {
			fprintf(stderr, "fuzz check failed: error without a name: %s\n",
			    err.msg);
			abort();
		}
		goto out;
	}
	for (i = 0; i < pf_profile_nstacks(p); i++) {
		pf_profile_stack(p, i, &n, NULL, NULL);
		if (n == 0) {
			fprintf(stderr, "fuzz check failed: an empty stack\n");
			abort();
		}
	}
out:
	pf_reader_free(r);
	pf_profile_free(p);
	return 0;
}
