/*
 * fuzz-perf.c - fuzz target of the `perf script` parser.
 *
 * The first byte of an input selects the options (one bit each, below),
 * the rest is perf script text.  Beyond not crashing, the parse must keep
 * its statistics consistent, and what it produces must be well-formed
 * folded text that pf reads back as the same profile.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"
#include "check.h"

enum {
	OPT_PID = 1 << 0,
	OPT_TID = 1 << 1,
	OPT_KERNEL = 1 << 2,
	OPT_JIT = 1 << 3,
	OPT_ADDRS = 1 << 4,
	OPT_SRCLINE = 1 << 5,
	OPT_FILTER_PAGEFAULTS = 1 << 6,	/* --event-filter=page-faults */
	OPT_FILTER_CPUCLOCK = 1 << 7,	/* --event-filter=cpu-clock (wins) */
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_perf_options o;
	struct pf_perf_stats st;
	struct pf_error err;
	struct pf_profile *p;
	struct pf_reader *r;
	unsigned flags = 0;
	char *out;
	size_t len;
	int rc;

	if (size > 0) {
		flags = data[0];
		data++;
		size--;
	}
	memset(&o, 0, sizeof(o));
	o.include_pid = (flags & OPT_PID) != 0;
	o.include_tid = (flags & OPT_TID) != 0;
	o.annotate_kernel = (flags & OPT_KERNEL) != 0;
	o.annotate_jit = (flags & OPT_JIT) != 0;
	o.include_addrs = (flags & OPT_ADDRS) != 0;
	o.srcline = (flags & OPT_SRCLINE) != 0;
	if (flags & OPT_FILTER_CPUCLOCK)
		o.event_filter = "cpu-clock";
	else if (flags & OPT_FILTER_PAGEFAULTS)
		o.event_filter = "page-faults";
	o.jobs = 1;

	p = pf_profile_new();
	r = pf_reader_mem("fuzz.txt", data, size);
	if (p == NULL || r == NULL)
		fuzz_fail("out of memory");
	memset(&st, 0, sizeof(st));
	memset(&err, 0, sizeof(err));
	rc = pf_perf_collapse_serial(p, r, &o, &st, &err);
	if (rc != 0) {
		/* Only a count overflow can fail on text in memory. */
		if (err.msg[0] == '\0' || strcmp(err.name, "fuzz.txt") != 0 ||
		    err.line == 0)
			fuzz_fail("failed without a proper error: '%s' line %llu: %s",
			    err.name, (unsigned long long)err.line, err.msg);
		goto out;
	}
	if (st.samples_kept + st.dropped_samples > st.samples ||
	    st.empty_samples > st.samples_kept ||
	    pf_profile_nstacks(p) > st.samples_kept)
		fuzz_fail("inconsistent sample counts: %llu seen, %llu kept, %llu "
		    "dropped, %llu empty, %zu stacks",
		    (unsigned long long)st.samples, (unsigned long long)st.samples_kept,
		    (unsigned long long)st.dropped_samples,
		    (unsigned long long)st.empty_samples, pf_profile_nstacks(p));
	if ((st.skipped_lines > 0) != (st.first_skipped_line > 0) ||
	    (st.dropped_samples > 0) != (st.first_dropped_line > 0) ||
	    st.first_skipped_line > pf_reader_lineno(r) ||
	    st.first_dropped_line > pf_reader_lineno(r))
		fuzz_fail("inconsistent line statistics");
	if (st.nskipped_events < 0 || st.nskipped_events > PF_MAX_EVENTS)
		fuzz_fail("bad number of skipped events: %d", st.nskipped_events);
	if (pf_profile_columns(p) != 1)
		fuzz_fail("perf profile with %d columns", pf_profile_columns(p));

	out = fuzz_write(p, &len);
	fuzz_check_folded(out, len, 1);
	fuzz_check_roundtrip(p, out, len);
	free(out);
out:
	pf_reader_free(r);
	pf_profile_free(p);
	return 0;
}
