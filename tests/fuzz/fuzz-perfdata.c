/*
 * fuzz-perfdata.c - fuzz target of the perf.data reader.
 *
 * The input is a perf.data file; the reader runs without symbol files (no
 * ELF, kallsyms or perf map is opened), so every frame is named from the
 * records alone.  Beyond not crashing: a failure has the input's name and
 * a byte offset, a refusal says why, what is folded is well-formed
 * folded text that pf reads back as the same profile, and three threads
 * fold it to the same bytes as one.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"
#include "check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_perf_options o;
	struct pf_perf_stats st;
	struct pf_error err;
	struct pf_profile *p;
	struct pf_reader *r;
	char why[256], *out;
	size_t len;
	int rc;

	pf_perf_data_offline(1);
	memset(&o, 0, sizeof(o));
	o.jobs = 1;
	if (size > 0 && (data[size - 1] & 1))
		o.include_tid = 1;
	p = pf_profile_new();
	r = pf_reader_mem("fuzz.data", data, size);
	if (p == NULL || r == NULL)
		fuzz_fail("out of memory");
	memset(&err, 0, sizeof(err));
	rc = pf_perf_data_read(p, r, &o, &st, why, sizeof(why), &err);
	if (rc == PF_PERF_DATA_UNSUPPORTED) {
		if (why[0] == '\0')
			fuzz_fail("refused without a reason");
		if (pf_profile_nstacks(p) != 0)
			fuzz_fail("refused but added %zu stacks", pf_profile_nstacks(p));
	} else if (rc != 0) {
		if (strcmp(err.name, "fuzz.data") != 0 ||
		    (strncmp(err.msg, "byte ", 5) != 0 && strcmp(err.msg, "out of memory") != 0 &&
		    strstr(err.msg, "overflow") == NULL))
			fuzz_fail("failed without a proper error: '%s': %s", err.name, err.msg);
	} else if (rc != 0 && rc != -1) {
		fuzz_fail("unexpected result %d", rc);
	}
	if (st.samples_kept > st.samples || st.empty_samples > st.samples_kept ||
	    pf_profile_nstacks(p) > st.samples_kept)
		fuzz_fail("inconsistent sample counts: %llu seen, %llu kept, %llu empty, %zu "
		    "stacks", (unsigned long long)st.samples,
		    (unsigned long long)st.samples_kept, (unsigned long long)st.empty_samples,
		    pf_profile_nstacks(p));
	out = fuzz_write(p, &len);
	fuzz_check_folded(out, len, 1);
	fuzz_check_roundtrip(p, out, len);
	{
		struct pf_profile *p3 = pf_profile_new();
		struct pf_reader *r3 = pf_reader_mem("fuzz.data", data, size);
		struct pf_perf_stats st3;
		char *out3;
		size_t len3;
		int rc3;

		if (p3 == NULL || r3 == NULL)
			fuzz_fail("out of memory");
		o.jobs = 3;
		pf_perf_data_min_parallel(0);
		rc3 = pf_perf_data_read(p3, r3, &o, &st3, why, sizeof(why), &err);
		pf_perf_data_min_parallel((uint64_t)8 << 20);
		if (rc3 != rc)
			fuzz_fail("3 threads returned %d, one %d", rc3, rc);
		out3 = fuzz_write(p3, &len3);
		if (len3 != len || memcmp(out, out3, len) != 0)
			fuzz_fail("3 threads folded other stacks than one");
		if (st3.samples != st.samples || st3.samples_kept != st.samples_kept ||
		    st3.nskipped_events != st.nskipped_events)
			fuzz_fail("3 threads counted otherwise than one");
		free(out3);
		pf_reader_free(r3);
		pf_profile_free(p3);
	}
	free(out);
	pf_reader_free(r);
	pf_profile_free(p);
	return 0;
}
