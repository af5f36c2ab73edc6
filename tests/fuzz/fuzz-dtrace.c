/*
 * fuzz-dtrace.c - fuzz target of the DTrace and bpftrace parser.
 *
 * Beyond not crashing: an error names the input, and every stack has a
 * frame (an empty key is "[no stack]").
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
	o.format = PF_FORMAT_DTRACE;
	fuzz_collapse(data, size, &o, "fuzz.txt", &st, &total);
	return 0;
}
