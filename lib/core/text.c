/*
 * text.c - the text conventions of frame names that parsers, layout and
 * renderers share: the annotation suffixes of the folded format, UTF-8
 * cleaning for display, and the percent coding that lets an SVG carry a
 * name's exact bytes back to pf-collapse.
 */
#include "internal.h"

int
pf_frame_annotation(const char *name, size_t len)
{
	if (len >= 4 && name[len - 4] == '_' && name[len - 3] == '[' &&
	    name[len - 1] == ']') {
		switch (name[len - 2]) {
		case 'k': case 'j': case 'i': case 'w':
			return name[len - 2];
		}
	}
	return 0;
}

/*
 * Length of the UTF-8 character at s (n bytes left) that a name may show,
 * or 0: on top of what pf_utf8_valid refuses (broken sequences, overlong
 * forms, surrogates), U+FFFE, U+FFFF and the C1 controls.
 */
static size_t
utf8_char(const unsigned char *s, size_t n)
{
	size_t k = pf_utf8_valid((const char *)s, n);

	if ((k == 2 && s[0] == 0xc2 && s[1] < 0xa0) ||
	    (k == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe))
		return 0;
	return k;
}

/* Whether byte c is one a displayed name never shows as it is. */
static int
control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

int
pf_utf8_is_clean(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			if (control(c))
				return 0;
			k = 1;
		} else if ((k = utf8_char((const unsigned char *)s + i, n - i)) == 0) {
			return 0;
		}
	}
	return 1;
}

/*
 * Copies s[0..n-1] to out, valid UTF-8 characters as they are and every
 * other byte (and, with percent, '%') replaced: by U+FFFD, or with percent
 * by %XX so that the bytes can be told back.
 */
static size_t
recode(const char *s, size_t n, char *out, int percent)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < n; ) {
		unsigned char c = (unsigned char)s[i];
		size_t k = utf8_char((const unsigned char *)s + i, n - i);

		if (k == 0 || control(c) || (percent && c == '%')) {
			if (percent) {
				out[o++] = '%';
				out[o++] = hex[c >> 4];
				out[o++] = hex[c & 15];
			} else {
				memcpy(out + o, "\xef\xbf\xbd", 3);	/* U+FFFD */
				o += 3;
			}
			i++;
			continue;
		}
		memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	return o;
}

size_t
pf_clean_utf8(const char *s, size_t n, char *out)
{
	return recode(s, n, out, 0);
}

size_t
pf_percent_encode(const char *s, size_t n, char *out)
{
	return recode(s, n, out, 1);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
pf_percent_decode(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			s[o++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
			continue;
		}
		s[o++] = s[i];
	}
	return o;
}
