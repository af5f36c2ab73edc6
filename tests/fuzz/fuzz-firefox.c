/*
 * fuzz-firefox.c - fuzz target of the Firefox Profiler / Gecko profile
 * reader.
 *
 * The first byte selects --pid (bit 0) and --tid (bit 1), the rest is the
 * JSON.  Beyond not crashing: an error names the input, the unit is
 * samples, milliseconds or bytes, and no more samples are left out than
 * were read.
 */
#include "collapse.h"
#include "fuzz.h"

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
	o.format = PF_FORMAT_FIREFOX;
	o.perf.include_pid = (flags & 1) != 0;
	o.perf.include_tid = (flags & 2) != 0;
	if (!fuzz_collapse(data, size, &o, "fuzz.json", &st, &total))
		return 0;
	if (st.unit != PF_UNIT_SAMPLES && st.unit != PF_UNIT_MILLISECONDS &&
	    st.unit != PF_UNIT_BYTES)
		fuzz_collapse_fail("a unit other than samples, ms or bytes", &st_err);
	if (st.dropped > st.samples)
		fuzz_collapse_fail("more samples left out than read", &st_err);
	return 0;
}
