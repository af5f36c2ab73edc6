/*
 * fuzz-stackprof.c - fuzz target of the Ruby stackprof JSON reader.
 *
 * Beyond not crashing: an error names the input and every stack has a
 * frame.
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	pf_count total;

	memset(&o, 0, sizeof(o));
	o.format = PF_FORMAT_STACKPROF;
	fuzz_collapse(data, size, &o, "fuzz.json", &st, &total);
	return 0;
}
