/*
 * fuzz-instruments-txt.c - fuzz target of the Instruments deep copy reader (tab-separated call trees).
 *
 * Beyond not crashing: an error names the input, and every stack has a
 * frame.  (That the weights add up is checked on real reports by the
 * formats tests.)
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
	o.format = PF_FORMAT_INSTRUMENTS_TXT;
	fuzz_collapse(data, size, &o, "fuzz.out", &st, &total);
	return 0;
}
