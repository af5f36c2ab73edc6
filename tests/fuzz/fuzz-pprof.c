/*
 * fuzz-pprof.c - fuzz target of the pprof (profile.proto) reader.
 *
 * The first byte picks the sample type option: 0 none, 1 "samples",
 * 2 "cpu/nanoseconds", else its value minus 3 as an index.  Beyond not
 * crashing: an error names the input and every stack has a frame.
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	pf_count total;
	char index[8];

	memset(&o, 0, sizeof(o));
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
	fuzz_collapse(data, size, &o, "fuzz.pb", &st, &total);
	return 0;
}
