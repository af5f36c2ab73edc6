/*
 * json.c - numbers and strings for the writers of JSON output.
 *
 * Frame names are untrusted bytes: a JSON string must be valid UTF-8, and
 * JSON is often pasted into an HTML page, so the string writer escapes
 * what could end a <script> element or a JavaScript line and replaces
 * each byte that is not part of valid UTF-8 by U+FFFD, telling the caller
 * so that it can keep the exact bytes elsewhere.
 */
#include "internal.h"

static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

char *
pf_put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp), n;

	while (v >= 100) {
		uint64_t q = v / 100;

		i -= 2;
		memcpy(tmp + i, digit_pairs + 2 * (v - q * 100), 2);
		v = q;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, digit_pairs + 2 * v, 2);
	} else
		tmp[--i] = (char)('0' + v);
	n = sizeof(tmp) - i;
	memcpy(p, tmp + i, n);
	return p + n;
}

/*
 * Most counts are whole and below 2^64 / 10^9: those take one 64-bit
 * division by a constant rather than 128-bit ones.
 */
char *
pf_put_count(char *p, pf_count c)
{
	if ((c >> 64) == 0) {
		uint64_t v = (uint64_t)c, whole = v / 1000000000u;

		if (v - whole * 1000000000u == 0)
			return pf_put_u64(p, whole);
	}
	return p + pf_count_format(c, p);
}

void
pf_outbuf_count(struct pf_outbuf *o, pf_count c)
{
	o->len = (size_t)(pf_put_count(pf_outbuf_room(o, PF_COUNT_BUFSIZE), c) - o->buf);
}

void
pf_outbuf_u64(struct pf_outbuf *o, uint64_t v)
{
	o->len = (size_t)(pf_put_u64(pf_outbuf_room(o, 24), v) - o->buf);
}

size_t
pf_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t k, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return k;
}

/* Bytes that a JSON string can hold as they are: printable ASCII other
 * than the quote, the backslash and the three HTML markup characters. */
static int
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' &&
	    c != '>' && c != '&';
}

int
pf_json_string(struct pf_outbuf *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, start, k;
	int replaced = 0;
	char esc[8];

	pf_outbuf_put(o, "\"", 1);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		start = i;
		while (i < n && plain((unsigned char)s[i]))
			i++;
		if (i > start) {
			pf_outbuf_put(o, s + start, i - start);
			continue;
		}
		if (c >= 0x80) {
			if ((k = pf_utf8_valid(s + i, n - i)) == 0) {
				pf_outbuf_put(o, "\xef\xbf\xbd", 3);
				replaced = 1;
				i++;
			} else if (k == 3 && c == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
				/* U+2028 and U+2029 end a line in older JavaScript. */
				pf_outbuf_puts(o, (unsigned char)s[i + 2] == 0xa8 ?
				    "\\u2028" : "\\u2029");
				i += 3;
			} else {
				pf_outbuf_put(o, s + i, k);
				i += k;
			}
			continue;
		}
		switch (c) {
		case '"': pf_outbuf_put(o, "\\\"", 2); break;
		case '\\': pf_outbuf_put(o, "\\\\", 2); break;
		case '\n': pf_outbuf_put(o, "\\n", 2); break;
		case '\t': pf_outbuf_put(o, "\\t", 2); break;
		case '\r': pf_outbuf_put(o, "\\r", 2); break;
		default:
			/* Other control characters, DEL, < > & */
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			pf_outbuf_put(o, esc, 6);
			break;
		}
		i++;
	}
	pf_outbuf_put(o, "\"", 1);
	return replaced;
}
