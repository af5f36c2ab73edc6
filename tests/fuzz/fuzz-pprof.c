/*
 * fuzz-pprof.c - fuzz target of the pprof (profile.proto) reader.
 *
 * The first byte picks the sample type option: 0 none, 1 "samples",
 * 2 "cpu/nanoseconds", else its value minus 3 as an index.  Beyond not
 * crashing: an error names the input and every stack has a frame.
 */
#include <stdio.h>
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
	char index[8];
	size_t i, n;

	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.format = PF_FORMAT_PPROF;
	if (size > 0) {
		if (data[0] == 1)
			o.sample_type = "samples";
		else if (data[0] == 2)
			o.sample_type = "cpu/nanoseconds";
		else if (data[0] > 2) {
			snprintf(index, sizeof(index), "%d", data[0] - 3);
			o.sample_type = index;
		}
		data++;
		size--;
	}
	p = pf_profile_new();
	r = pf_reader_mem("fuzz.pb", data, size);
	if (p == NULL || r == NULL)
		abort();
	if (pf_collapse(p, r, &o, &st, &err) != 0) {
		if (err.msg[0] == '\0' || strcmp(err.name, "fuzz.pb") != 0) {
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
