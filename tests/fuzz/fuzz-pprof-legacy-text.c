/*
 * fuzz-pprof-legacy-text.c - fuzz target of the reader of legacy pprof
 * text profiles (gperftools heap, growth, contention and thread profiles,
 * Go's debug=1 text).
 *
 * The first byte picks the sample type option: 0 none, else its value
 * minus 1 as an index.  No file named by the memory map is read.  Beyond
 * not crashing: an error names the input and every stack has a frame.
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
	char index[8];

	pf_lp_offline(1);
	memset(&o, 0, sizeof(o));
	o.format = PF_FORMAT_PPROFTEXT;
	if (size > 0) {
		if (data[0] > 0) {
			snprintf(index, sizeof(index), "%d", (data[0] - 1) % 5);
			o.sample_type = index;
		}
		data++;
		size--;
	}
	fuzz_collapse(data, size, &o, "fuzz.txt", &st, &total);
	return 0;
}
