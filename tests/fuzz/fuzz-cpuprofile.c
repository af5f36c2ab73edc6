/*
 * fuzz-cpuprofile.c - fuzz target of the V8 .cpuprofile parser.
 *
 * The first byte selects the options (one bit each, below), the rest is the
 * JSON.  Beyond not crashing: an error names the input; without
 * --drop-idle or --weight=time the counts add up to the samples read, and
 * dropped samples never exceed them.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

enum {
	OPT_NO_LOCATION = 1 << 0,
	OPT_DROP_IDLE = 1 << 1,
	OPT_WEIGHT_TIME = 1 << 2,
	OPT_TIME_ORDER = 1 << 3,
};

static void __attribute__((noreturn))
bad(const char *what, const struct pf_error *err)
{
	fprintf(stderr, "fuzz check failed: %s ('%s' line %llu: %s)\n", what,
	    err->name, (unsigned long long)err->line, err->msg);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_error err;
	struct pf_profile *p;
	struct pf_reader *r;
	unsigned flags = 0;
	pf_count total = 0, a;
	size_t i, n;

	if (size > 0) {
		flags = data[0];
		data++;
		size--;
	}
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.format = PF_FORMAT_CPUPROFILE;
	o.no_location = (flags & OPT_NO_LOCATION) != 0;
	o.drop_idle = (flags & OPT_DROP_IDLE) != 0;
	o.weight_time = (flags & OPT_WEIGHT_TIME) != 0;
	o.time_order = (flags & OPT_TIME_ORDER) != 0;
	p = pf_profile_new();
	r = pf_reader_mem("fuzz.json", data, size);
	if (p == NULL || r == NULL)
		abort();
	if (pf_collapse(p, r, &o, &st, &err) != 0) {
		if (err.msg[0] == '\0' || strcmp(err.name, "fuzz.json") != 0)
			bad("failed without a proper error", &err);
		goto out;
	}
	if (st.dropped > st.samples)
		bad("more samples dropped than read", &err);
	for (i = 0; i < pf_profile_nstacks(p); i++) {
		pf_profile_stack(p, i, &n, &a, NULL);
		if (n == 0)
			bad("an empty stack", &err);
		total += a;
	}
	if (!o.weight_time && total != pf_count_from_u64(st.samples - st.dropped))
		bad("the counts do not add up to the samples", &err);
out:
	pf_reader_free(r);
	pf_profile_free(p);
	return 0;
}
