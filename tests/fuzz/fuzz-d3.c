/*
 * fuzz-d3.c - fuzz target of the d3-flame-graph JSON reader.
 *
 * The input is the JSON.  Beyond not crashing: an error names the input,
 * and no stack is empty (collapse.h).
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
	o.format = PF_FORMAT_D3;
	fuzz_collapse(data, size, &o, "fuzz.json", &st, &total);
	return 0;
}
