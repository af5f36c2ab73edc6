/*
 * fuzz-jfr.c - fuzz target of the Java Flight Recorder reader.
 *
 * The first byte picks options: bit 0 --tid, bit 1 --jit and --kernel,
 * bits 2-3 the event (execution samples, jdk.ObjectAllocationSample,
 * jdk.JavaMonitorEnter, ObjectAllocationInNewTLAB).  Beyond not crashing:
 * an error names the input and every stack has a frame.
 */
#include "collapse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const events[] = { NULL, "jdk.ObjectAllocationSample",
	    "jdk.JavaMonitorEnter", "ObjectAllocationInNewTLAB" };
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	pf_count total;

	memset(&o, 0, sizeof(o));
	o.format = PF_FORMAT_JFR;
	if (size > 0) {
		o.perf.include_tid = data[0] & 1;
		o.perf.annotate_jit = o.perf.annotate_kernel = (data[0] >> 1) & 1;
		o.event = events[(data[0] >> 2) & 3];
		data++;
		size--;
	}
	fuzz_collapse(data, size, &o, "fuzz.jfr", &st, &total);
	return 0;
}
