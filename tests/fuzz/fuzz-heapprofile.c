/*
 * fuzz-heapprofile.c - fuzz target of the V8 sampling heap profile reader.
 *
 * The first byte selects --no-location (bit 0), the rest is the JSON.
 * Beyond not crashing (collapse.h): an error names the input, and the unit
 * is bytes.
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_target t = { PF_FORMAT_HEAPPROFILE, "fuzz.json",
	    FUZZ_NO_LOCATION, 1u << PF_UNIT_BYTES, 0 };

	return fuzz_reader(data, size, &t);
}
