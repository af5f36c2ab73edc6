/*
 * fuzz-folded.c - fuzz target of the folded-format reader and writer.
 *
 * The input is read as a folded file.  A failure must name a line of the
 * input; a success must write well-formed, sorted folded text that reads
 * back as the same profile.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"
#include "check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_error err;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_mem("fuzz.folded", data, size);
	uint64_t lines = 1;
	size_t i, len;
	char *out;

	if (p == NULL || r == NULL)
		fuzz_fail("out of memory");
	memset(&err, 0, sizeof(err));
	if (pf_folded_read(p, r, &err) != 0) {
		for (i = 0; i < size; i++)
			lines += data[i] == '\n';
		if (err.msg[0] == '\0' || strcmp(err.name, "fuzz.folded") != 0 ||
		    err.line == 0 || err.line > lines)
			fuzz_fail("failed without a proper error: '%s' line %llu: %s",
			    err.name, (unsigned long long)err.line, err.msg);
		goto out;
	}
	out = fuzz_write(p, &len);
	fuzz_check_folded(out, len, pf_profile_columns(p));
	fuzz_check_roundtrip(p, out, len);
	free(out);
out:
	pf_reader_free(r);
	pf_profile_free(p);
	return 0;
}
