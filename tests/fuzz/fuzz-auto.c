/*
 * fuzz-auto.c - fuzz target of format detection and pf_collapse in auto
 * mode, gzip included: whatever the bytes, the result is a profile or an
 * error with the input's name, never a crash, and a profile writes out as
 * folded text that reads back to the same stacks.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parse/legacy.h"
#include "fuzz.h"

static void __attribute__((noreturn))
bad(const char *what, const struct pf_error *err)
{
	fprintf(stderr, "fuzz check failed: %s ('%s' line %llu: %s)\n", what,
	    err->name, (unsigned long long)err->line, err->msg);
	abort();
}

/*
 * Whether the first line of a one-column output, "STACK COUNT", has a
 * STACK that itself ends in a blank and a count: pf-folded(5) lets the
 * first line decide the columns, so such a profile reads back as
 * differential and cannot be written unambiguously.  Not reported.
 */
static int
ambiguous(const char *out, size_t len)
{
	const char *nl = memchr(out, '\n', len), *sp, *sp2;
	pf_count c;

	if (nl == NULL)
		return 0;
	for (sp = nl; sp > out && sp[-1] != ' '; sp--)
		;
	if (sp == out || --sp == out)
		return 0;
	for (sp2 = sp; sp2 > out && sp2[-1] != ' ' && sp2[-1] != '\t'; sp2--)
		;
	return sp2 > out && pf_count_parse(sp2, (size_t)(sp - sp2), &c) == PF_COUNT_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_error err;
	struct pf_profile *p, *q;
	struct pf_reader *r, *back;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	/* Legacy pprof memory maps name files: none is read. */
	pf_lp_offline(1);
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.perf.jobs = 1;
	p = pf_profile_new();
	q = pf_profile_new();
	r = pf_reader_mem("fuzz.in", data, size);
	if (p == NULL || q == NULL || r == NULL)
		abort();
	if (pf_collapse(p, r, &o, &st, &err) != 0) {
		if (err.msg[0] == '\0' || strcmp(err.name, "fuzz.in") != 0)
			bad("failed without a proper error", &err);
		goto out;
	}
	if (st.format <= PF_FORMAT_AUTO || st.format >= PF_FORMAT_COUNT)
		bad("no format reported", &err);
	f = open_memstream(&out, &len);
	if (f == NULL || pf_folded_write(p, f, &err) != 0)
		bad("cannot write the profile", &err);
	fclose(f);
	back = pf_reader_mem("back", out, len);
	if (back == NULL)
		abort();
	if (ambiguous(out, len) && pf_profile_columns(p) == 1)
		goto done;
	if (pf_folded_read(q, back, &err) != 0)
		bad("the output does not read back", &err);
	if (pf_profile_columns(q) == pf_profile_columns(p) &&
	    pf_profile_nstacks(q) != pf_profile_nstacks(p))
		bad("the output reads back with another number of stacks", &err);
done:
	pf_reader_free(back);
out:
	free(out);
	pf_reader_free(r);
	pf_profile_free(q);
	pf_profile_free(p);
	return 0;
}
