/*
 * fuzz-html.c - fuzz target of pf-html's path: folded text read into the
 * flame tree, laid out and written as an HTML page.
 *
 * The first byte picks the options, the rest is folded input.  Whatever
 * bytes the frame names hold, the page must keep exactly its two script
 * elements (the data and the viewer), and the data between them must hold
 * no '<' (so no "</script" and no "<!--") and no raw U+2028 or U+2029.
 * The packed frames must unpack (base64, gzip, LEB128 numbers) into
 * names each ended by a NUL, at least one frame, each name id in range,
 * the first frame the root and each other one a child's depth or less,
 * and exactly one decimal text per odd count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

/* The value of a base64 digit, or -1. */
static int
b64digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* A LEB128 at b[*p], or fails. */
static uint64_t
leb(const unsigned char *b, size_t n, size_t *p)
{
	uint64_t v = 0;
	unsigned shift = 0;

	for (;;) {
		if (*p >= n || shift > 63)
			fail("packed frames", "a number runs past the end");
		v |= (uint64_t)(b[*p] & 127) << shift;
		shift += 7;
		if (b[(*p)++] < 128)
			return v;
	}
}

/* Unpacks the frames between s and e (base64 of gzip) and checks them. */
static void
check_frames(const char *s, const char *e, int differential)
{
	size_t n64 = (size_t)(e - s), nz = 0, cap = 1 << 16, nraw = 0, p = 0, i, k;
	size_t odd = 0, texts = 0;
	unsigned char *z = malloc(n64 / 4 * 3 + 3), *raw = malloc(cap);
	uint64_t nnames, nframes, depth = 0, col;
	z_stream zs;
	int rc;

	if (z == NULL || raw == NULL)
		fail("setup", "malloc");
	if (n64 % 4 != 0)
		fail("packed frames", "base64 not in groups of four");
	for (i = 0; i < n64; i += 4) {
		int d[4];

		for (k = 0; k < 4; k++)
			d[k] = s[i + k] == '=' && i + 4 == n64 && k >= 2 ? 0 : b64digit(s[i + k]);
		if (d[0] < 0 || d[1] < 0 || d[2] < 0 || d[3] < 0)
			fail("packed frames", "not base64");
		z[nz++] = (unsigned char)(d[0] << 2 | d[1] >> 4);
		if (s[i + 2] != '=')
			z[nz++] = (unsigned char)(d[1] << 4 | d[2] >> 2);
		if (s[i + 3] != '=')
			z[nz++] = (unsigned char)(d[2] << 6 | d[3]);
	}
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		fail("setup", "inflateInit2");
	zs.next_in = z;
	zs.avail_in = (uInt)nz;
	do {
		if (nraw == cap && (raw = realloc(raw, cap *= 2)) == NULL)
			fail("setup", "realloc");
		zs.next_out = raw + nraw;
		zs.avail_out = (uInt)(cap - nraw);
		rc = inflate(&zs, Z_NO_FLUSH);
		nraw = cap - zs.avail_out;
	} while (rc == Z_OK || (rc == Z_BUF_ERROR && zs.avail_out == 0));
	if (rc != Z_STREAM_END || zs.avail_in != 0)
		fail("packed frames", "not one whole gzip stream");
	inflateEnd(&zs);
	nnames = leb(raw, nraw, &p);
	for (i = 0; i < nnames; i++) {
		unsigned char *nul = memchr(raw + p, 0, nraw - p);

		if (nul == NULL)
			fail("packed frames", "a name without its NUL");
		p = (size_t)(nul - raw) + 1;
	}
	if ((nframes = leb(raw, nraw, &p)) == 0)
		fail("packed frames", "no frame");
	for (i = 0; i < nframes; i++)
		if (leb(raw, nraw, &p) >= nnames)
			fail("packed frames", "a name id out of range");
	for (i = 0; i < nframes; i++) {
		uint64_t up = leb(raw, nraw, &p);

		if (i == 0 ? up != 0 : up > depth)
			fail("packed frames", "a depth out of range");
		depth = i == 0 ? 0 : depth + 1 - up;
	}
	for (col = 0; col < (differential ? 2u : 1u); col++)
		for (i = 0; i < nframes; i++)
			if (leb(raw, nraw, &p) & 1)
				odd++;
	for (; p < nraw; p++) {
		if (raw[p] == 0)
			texts++;
		else if (!(raw[p] >= '0' && raw[p] <= '9') && raw[p] != '.')
			fail("packed frames", "a count text that is not a number");
	}
	if (texts != odd || (nraw > 0 && raw[nraw - 1] != 0 && odd > 0))
		fail("packed frames", "not one decimal text per odd count");
	free(z);
	free(raw);
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
	{
		static const char key[] = "\"frames\":\"";
		char *fs = memmem(start, (size_t)(end - start), key, sizeof(key) - 1), *fe;

		if (fs != NULL) {
			fs += sizeof(key) - 1;
			if ((fe = memchr(fs, '"', (size_t)(end - fs))) == NULL)
				fail("the frames are not closed", fs);
			check_frames(fs, fe, memmem(start, (size_t)(fs - start),
			    "\"differential\":true", 19) != NULL);
		} else if (memmem(start, (size_t)(end - start), "\"empty\":true", 12) == NULL) {
			fail("no frames and not empty", start);
		}
	}
out:
	free(page);
	pf_reader_free(r);
	pf_flame_free(f);
	return 0;
}
