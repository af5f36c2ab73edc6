/*
 * fuzz-svg.c - fuzz target of the flame graph SVG reader.
 *
 * Beyond not crashing: an error names the input, and every stack has a
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
	o.format = PF_FORMAT_SVG;
	fuzz_collapse(data, size, &o, "fuzz.svg", &st, &total);
	return 0;
}
