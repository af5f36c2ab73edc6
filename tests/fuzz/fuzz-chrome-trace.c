/*
 * fuzz-chrome-trace.c - fuzz target of the Chrome trace event reader.
 *
 * The first byte selects the options (one bit each, below), the rest is the
 * JSON.  Beyond not crashing: an error names the input; dropped samples
 * never exceed those read; without --weight=time, a trace of CPU samples
 * (its unit is samples) adds up to the samples read less those dropped.
 */
#include "collapse.h"
#include "fuzz.h"

enum {
	OPT_NO_LOCATION = 1 << 0,
	OPT_DROP_IDLE = 1 << 1,
	OPT_WEIGHT_TIME = 1 << 2,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_error st_err = { .name = "fuzz.json" };
	unsigned flags = 0;
	pf_count total;

	if (size > 0) {
		flags = data[0];
		data++;
		size--;
	}
	memset(&o, 0, sizeof(o));
	o.format = PF_FORMAT_CHROME;
	o.no_location = (flags & OPT_NO_LOCATION) != 0;
	o.drop_idle = (flags & OPT_DROP_IDLE) != 0;
	o.weight_time = (flags & OPT_WEIGHT_TIME) != 0;
	if (!fuzz_collapse(data, size, &o, "fuzz.json", &st, &total))
		return 0;
	if (st.dropped > st.samples)
		fuzz_collapse_fail("more samples dropped than read", &st_err);
	if (st.unit != PF_UNIT_SAMPLES && st.unit != PF_UNIT_MICROSECONDS)
		fuzz_collapse_fail("a unit other than samples or us", &st_err);
	return 0;
}
