/*
 * fuzz-chrome-trace.c - fuzz target of the Chrome trace event reader.
 *
 * The first byte selects --no-location, --drop-idle and --weight=time
 * (bits 0 to 2), the rest is the JSON.  Beyond not crashing (collapse.h):
 * an error names the input, dropped samples never exceed those read, and
 * the counts are samples or microseconds.  (They need not add up to the
 * samples: a sample of the object form's "samples" has a weight.)
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_target t = { PF_FORMAT_CHROME, "fuzz.json",
	    FUZZ_NO_LOCATION | FUZZ_DROP_IDLE | FUZZ_WEIGHT_TIME,
	    1u << PF_UNIT_SAMPLES | 1u << PF_UNIT_MICROSECONDS, 0 };

	return fuzz_reader(data, size, &t);
}
