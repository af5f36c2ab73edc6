/*
 * fuzz-xctrace.c - fuzz target of the Instruments (xctrace export) reader.
 *
 * Beyond not crashing: an error names the input, and every stack has a
 * frame.  The first byte turns on --weight=time.
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
	o.format = PF_FORMAT_XCTRACE;
	if (size > 0) {
		o.weight_time = data[0] & 1;
		data++;
		size--;
	}
	fuzz_collapse(data, size, &o, "fuzz.xml", &st, &total);
	return 0;
}
