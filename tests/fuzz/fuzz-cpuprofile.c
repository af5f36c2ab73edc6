/*
 * fuzz-cpuprofile.c - fuzz target of the V8 .cpuprofile parser.
 *
 * The first byte selects --no-location, --drop-idle, --weight=time and
 * --time-order (bits 0 to 3), the rest is the JSON.  Beyond not crashing
 * (collapse.h): an error names the input, dropped samples never exceed
 * those read, and without --weight=time the counts add up to the samples
 * read less those dropped.
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_target t = { PF_FORMAT_CPUPROFILE, "fuzz.json",
	    FUZZ_NO_LOCATION | FUZZ_DROP_IDLE | FUZZ_WEIGHT_TIME | FUZZ_TIME_ORDER, 0, 1 };

	return fuzz_reader(data, size, &t);
}
