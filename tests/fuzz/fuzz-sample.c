/*
 * fuzz-sample.c - fuzz target of the macOS sample(1) report reader,
 * plain and with --drop-idle.
 *
 * Beyond not crashing: an error names the input, every stack has a frame,
 * and the samples read are those folded plus those left out as idle.
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	pf_count total;
	int drop;

	for (drop = 0; drop <= 1; drop++) {
		memset(&o, 0, sizeof(o));
		o.format = PF_FORMAT_MACSAMPLE;
		o.drop_idle = drop;
		if (fuzz_collapse(data, size, &o, "fuzz.txt", &st, &total) &&
		    pf_count_from_u64(st.samples) != total + pf_count_from_u64(st.dropped)) {
			fprintf(stderr, "fuzz check failed: %llu samples read, %llu dropped, "
			    "but the counts add up otherwise\n", (unsigned long long)st.samples,
			    (unsigned long long)st.dropped);
			abort();
		}
	}
	return 0;
}
