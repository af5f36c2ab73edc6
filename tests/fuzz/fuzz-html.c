/*
 * fuzz-html.c - fuzz target of pf-html's path: folded text read into the
 * flame tree, laid out and written as an HTML page.
 *
 * The first byte picks the options, the rest is folded input.  Whatever
 * bytes the frame names hold, the page must keep exactly its two script
 * elements (the data and the viewer), and the data between them must hold
 * no '<' (so no "</script" and no "<!--") and no raw U+2028 or U+2029.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz-html: %s: %.2000s\n", what, detail);
	abort();
}

static size_t
occurrences(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), c = 0;
	const char *p = s, *end = s + n;

	while ((p = memmem(p, (size_t)(end - p), needle, k)) != NULL) {
		c++;
		p += k;
	}
	return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char open_data[] = "<script type=\"application/json\" id=\"pf-data\">\n";
	struct pf_flame_options o;
	struct pf_error err;
	struct pf_flame *f;
	struct pf_reader *r;
	unsigned char k = size > 0 ? data[0] : 0;
	char *page = NULL, *start, *end;
	size_t len = 0;
	FILE *out;

	pf_flame_options_init(&o);
	o.minwidth = (k & 1) ? 0.1 : 0;
	o.inverted = (k >> 1) & 1;
	o.reverse = (k >> 2) & 1;
	o.flamechart = (k >> 3) & 1;
	o.diff_mode = (k >> 4) & 1 ? PF_DIFF_INCLUSIVE : PF_DIFF_SELF;
	o.title = (k >> 5) & 1 ? "</script><!--\xe2\x80\xa8" : NULL;
	if (size > 0) {
		data++;
		size--;
	}
	memset(&err, 0, sizeof(err));
	f = pf_flame_new(&o, &err);
	r = pf_reader_mem("fuzz.folded", data, size);
	if (f == NULL || r == NULL)
		fail("setup", err.msg);
	if (pf_flame_read_folded(f, r, &err) != 0) {
		if (err.msg[0] == '\0')
			fail("read failed without a message", "");
		goto out;
	}
	if ((out = open_memstream(&page, &len)) == NULL)
		fail("setup", "open_memstream");
	if (pf_flame_write(f, PF_OUTPUT_HTML, out, &err) != 0) {
		/* Counts that each fit can still add up past 2^64: the layout
		 * says so, and that is the only way writing may fail here. */
		if (strncmp(err.msg, "count overflow: ", 16) != 0)
			fail("write", err.msg);
		fclose(out);
		goto out;
	}
	fclose(out);
	if (occurrences(page, len, "<script") != 2 || occurrences(page, len, "</script") != 2)
		fail("the page does not hold exactly its two scripts", page);
	if ((start = memmem(page, len, open_data, sizeof(open_data) - 1)) == NULL)
		fail("no data element", page);
	start += sizeof(open_data) - 1;
	if ((end = memmem(start, len - (size_t)(start - page), "\n</script>", 10)) == NULL)
		fail("the data element is not closed", page);
	if (memchr(start, '<', (size_t)(end - start)) != NULL)
		fail("a '<' in the data", start);
	if (occurrences(start, (size_t)(end - start), "\xe2\x80\xa8") != 0 ||
	    occurrences(start, (size_t)(end - start), "\xe2\x80\xa9") != 0)
		fail("a raw line separator in the data", start);
out:
	free(page);
	pf_reader_free(r);
	pf_flame_free(f);
	return 0;
}
