/*
 * fuzz-speedscope.c - fuzz target of the speedscope JSON reader.
 *
 * The first byte selects the options: bit 0 --no-location, bits 1-2
 * --profile (none, 1, 2, or a name); the rest is the JSON.  Beyond not
 * crashing: an error names the input, and frame names never change a
 * weight, so --no-location gives the same total as a reading with
 * locations.
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const profiles[] = { NULL, "1", "2", "main" };
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_error st_err = { .name = "fuzz.json" };
	unsigned flags = 0;
	pf_count total, total2;

	if (size > 0) {
		flags = data[0];
		data++;
		size--;
	}
	memset(&o, 0, sizeof(o));
	o.format = PF_FORMAT_SPEEDSCOPE;
	o.profile = profiles[(flags >> 1) & 3];
	if (!fuzz_collapse(data, size, &o, "fuzz.json", &st, &total))
		return 0;
	if (flags & 1) {
		o.no_location = 1;
		if (!fuzz_collapse(data, size, &o, "fuzz.json", &st, &total2))
			fuzz_collapse_fail("--no-location fails where a reading with "
			    "locations did not", &st_err);
		if (total2 != total)
			fuzz_collapse_fail("--no-location changes the total", &st_err);
	}
	return 0;
}
