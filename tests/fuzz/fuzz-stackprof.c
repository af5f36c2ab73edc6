/*
 * fuzz-stackprof.c - fuzz target of the Ruby stackprof JSON reader.
 *
 * The input is the JSON.  Beyond not crashing (collapse.h): an error names
 * the input and every stack has a frame.
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_target t = { PF_FORMAT_STACKPROF, "fuzz.json", 0, 0, 0 };

	return fuzz_reader(data, size, &t);
}
