/*
 * fuzz-cpuprofile.c - fuzz target of the V8 .cpuprofile parser.
 *
 * The first byte selects the options (one bit each, below), the rest is the
 * JSON.  Beyond not crashing: an error names the input; without
 * --drop-idle or --weight=time the counts add up to the samples read, and
 * dropped samples never exceed them.
 */
#include "collapse.h"
#include "fuzz.h"

enum {
	OPT_NO_LOCATION = 1 << 0,
	OPT_DROP_IDLE = 1 << 1,
	OPT_WEIGHT_TIME = 1 << 2,
	OPT_TIME_ORDER = 1 << 3,
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
	o.format = PF_FORMAT_CPUPROFILE;
	o.no_location = (flags & OPT_NO_LOCATION) != 0;
	o.drop_idle = (flags & OPT_DROP_IDLE) != 0;
	o.weight_time = (flags & OPT_WEIGHT_TIME) != 0;
	o.time_order = (flags & OPT_TIME_ORDER) != 0;
	if (!fuzz_collapse(data, size, &o, "fuzz.json", &st, &total))
		return 0;
	if (st.dropped > st.samples)
		fuzz_collapse_fail("more samples dropped than read", &st_err);
	if (!o.weight_time && total != pf_count_from_u64(st.samples - st.dropped))
		fuzz_collapse_fail("the counts do not add up to the samples", &st_err);
	return 0;
}
