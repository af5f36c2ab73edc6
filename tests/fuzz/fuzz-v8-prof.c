/*
 * fuzz-v8-prof.c - fuzz target of the V8 --prof readers (raw log and JSON).
 *
 * Beyond not crashing: an error names the input, every stack has a frame,
 * and every tick is counted once (each weighs 1).
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
	o.format = PF_FORMAT_V8PROF;
	if (fuzz_collapse(data, size, &o, "fuzz.txt", &st, &total) &&
	    total != pf_count_from_u64(st.samples)) {
		fprintf(stderr, "fuzz check failed: counts are not the ticks\n");
		abort();
	}
	return 0;
}
