/*
 * fuzz-flame.c - fuzz target of pf-svg's path: folded text read straight into
 * the flame tree, laid out and written as SVG.
 *
 * The first byte picks the layout options, the rest is folded input.  A read
 * that fails must name a line of the input; a read that succeeds must give
 * an SVG that libxml2 parses as well-formed XML, whatever bytes the frame
 * names hold, with no <script> element but the embedded viewer's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "internal.h"
#include "fuzz.h"

static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz-flame: %s: %s\n", what, detail);
	abort();
}

static int
count_elements(xmlNode *n, const char *name)
{
	int c = 0;

	for (; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			c++;
		c += count_elements(n->children, name);
	}
	return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_flame_options o;
	struct pf_error err;
	struct pf_flame *f;
	struct pf_reader *r;
	unsigned char k = size > 0 ? data[0] : 0;
	char *svg = NULL;
	size_t len = 0, i;
	uint64_t lines = 1;
	FILE *out;
	xmlDoc *doc;

	pf_flame_options_init(&o);
	o.font_metrics = 0;
	o.inverted = k & 1;
	o.reverse = (k >> 1) & 1;
	o.flamechart = (k >> 2) & 1;
	o.negate = (k >> 3) & 1;
	o.diff_mode = (k >> 4) & 1 ? PF_DIFF_INCLUSIVE : PF_DIFF_SELF;
	o.minwidth = (k >> 5) & 1 ? 0 : 0.1;
	{
		static const enum pf_palette pal[4] = { PF_PALETTE_HOT, PF_PALETTE_JAVA,
		    PF_PALETTE_JS, PF_PALETTE_CHAIN };

		o.palette = pal[(k >> 6) & 3];
	}
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
		for (i = 0; i < size; i++)
			lines += data[i] == '\n';
		if (err.msg[0] == '\0' || err.line == 0 || err.line > lines)
			fail("read failed without a proper error", err.msg);
		goto out;
	}
	out = open_memstream(&svg, &len);
	if (out == NULL)
		fail("setup", "open_memstream");
	if (pf_flame_write(f, PF_OUTPUT_SVG, out, &err) != 0) {
		/* Counts that each fit can still add up past 2^64: the layout
		 * says so, and that is the only way writing may fail here. */
		if (strncmp(err.msg, "count overflow: ", 16) != 0)
			fail("write", err.msg);
		fclose(out);
		goto out;
	}
	fclose(out);
	doc = xmlReadMemory(svg, (int)len, "fuzz.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL)
		fail("the SVG is not well-formed XML", svg);
	if (count_elements(xmlDocGetRootElement(doc), "script") > 1)
		fail("the SVG holds more than one script element", svg);
	xmlFreeDoc(doc);
out:
	free(svg);
	pf_reader_free(r);
	pf_flame_free(f);
	return 0;
}
