/*
 * fuzz-v8-prof.c - fuzz target of the V8 --prof readers (raw log and JSON).
 *
 * The input is the log or the JSON.  Beyond not crashing (collapse.h): an
 * error names the input, every stack has a frame, and every tick is counted
 * once (each weighs 1, none is dropped).
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_target t = { PF_FORMAT_V8PROF, "fuzz.txt", 0, 0, 1 };

	return fuzz_reader(data, size, &t);
}
