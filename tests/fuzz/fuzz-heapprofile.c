/*
 * fuzz-heapprofile.c - fuzz target of the V8 sampling heap profile reader.
 *
 * The first byte selects --no-location (bit 0), the rest is the JSON.
 * Beyond not crashing: an error names the input, and the unit is bytes.
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
	o.format = PF_FORMAT_HEAPPROFILE;
	o.no_location = (flags & 1) != 0;
	if (!fuzz_collapse(data, size, &o, "fuzz.json", &st, &total))
		return 0;
	if (st.unit != PF_UNIT_BYTES)
		fuzz_collapse_fail("a unit other than bytes", &st_err);
	return 0;
}
