/*
 * fuzz-pprof-legacy.c - fuzz target of the reader of gperftools' binary
 * CPU profile (legacy pprof).
 *
 * The first byte picks the sample type option: odd "samples", else the
 * default.  No file named by the memory map is read.  Beyond not
 * crashing: an error names the input and every stack has a frame.
 */
#include "collapse.h"
#include "parse/legacy.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	pf_count total;

	pf_lp_offline(1);
	memset(&o, 0, sizeof(o));
	o.format = PF_FORMAT_GPERFCPU;
	if (size > 0) {
		if (data[0] & 1)
			o.sample_type = "samples";
		data++;
		size--;
	}
	fuzz_collapse(data, size, &o, "fuzz.prof", &st, &total);
	return 0;
}
