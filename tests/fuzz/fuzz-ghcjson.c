/*
 * fuzz-ghcjson.c - fuzz target of the GHC JSON profile reader (+RTS -pj),
 * with each of its sample types (ticks, alloc, time).
 *
 * Beyond not crashing: an error names the input, and every stack has a
 * frame.  (That the weights are the profile's is checked on real profiles
 * by the formats tests.)
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { NULL, "alloc", "time" };
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	pf_count total;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.format = PF_FORMAT_GHCJSON;
		o.sample_type = types[i];
		fuzz_collapse(data, size, &o, "fuzz.json", &st, &total);
	}
	return 0;
}
