/*
 * fuzz-v8-prof.c - fuzz target of the V8 --prof readers (raw log and JSON).
 *
 * Beyond not crashing: an error names the input, every stack has a frame,
 * and every tick is counted once (each weighs 1).
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
	pf_count a, total = 0;

	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.format = PF_FORMAT_V8PROF;
	p = pf_profile_new();
	r = pf_reader_mem("fuzz.txt", data, size);
	if (p == NULL || r == NULL)
		abort();
	if (pf_collapse(p, r, &o, &st, &err) != 0) {
		if (err.msg[0] == '\0' || strcmp(err.name, "fuzz.txt") != 0) {
			fprintf(stderr, "fuzz check failed: error without a name: %s\n",
			    err.msg);
			abort();
		}
		goto out;
	}
	for (i = 0; i < pf_profile_nstacks(p); i++) {
		pf_profile_stack(p, i, &n, &a, NULL);
		total += a;
		if (n == 0) {
			fprintf(stderr, "fuzz check failed: an empty stack\n");
			abort();
		}
	}
	if (total != pf_count_from_u64(st.samples)) {
		fprintf(stderr, "fuzz check failed: counts are not the ticks\n");
		abort();
	}
out:
	pf_reader_free(r);
	pf_profile_free(p);
	return 0;
}
