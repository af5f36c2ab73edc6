/*
 * check.h - the properties both fuzz targets check on folded output, beyond
 * "does not crash".  A violation prints what was wrong and aborts, which
 * libFuzzer and the replayer both report as a failure.  Targets that need
 * only part of it include it all (hence the unused attributes).
 */
#ifndef PF_FUZZ_CHECK_H
#define PF_FUZZ_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"

static void __attribute__((noreturn, unused, format(printf, 1, 2)))
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz check failed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* The folded text of p, malloc'ed (never NULL: failure is a bug here). */
static __attribute__((unused)) char *
fuzz_write(const struct pf_profile *p, size_t *len)
{
	struct pf_error err;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		fuzz_fail("open_memstream failed");
	if (pf_folded_write(p, f, &err) != 0)
		fuzz_fail("pf_folded_write: %s", err.msg);
	fclose(f);
	return buf;
}

/*
 * Whether a one-column line "STACK COUNT" would be read as differential
 * when it is the first line: STACK itself ends in a blank and a count,
 * with something before them.  pf-folded(5) lets the first line decide,
 * so such a profile cannot be written unambiguously (see test-core's
 * folded_roundtrip tests); the targets do not report it again.
 */
static __attribute__((unused)) int
fuzz_looks_differential(const char *line, size_t len)
{
	size_t i = len, t;
	pf_count c;

	while (i > 0 && line[i - 1] != ' ')
		i--;
	if (i == 0)
		return 0;
	len = i - 1;	/* the stack, less the blanks the reader trims */
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	for (t = len; t > 0 && line[t - 1] != ' ' && line[t - 1] != '\t'; t--)
		;
	if (t == 0 || pf_count_parse(line + t, len - t, &c) != PF_COUNT_OK)
		return 0;
	while (t > 0 && (line[t - 1] == ' ' || line[t - 1] == '\t'))
		t--;
	return t > 0;
}

/*
 * Checks folded text as pf writes it: lines end with '\n', each is a
 * non-empty stack, a space and columns counts, and the stacks are in
 * strictly increasing byte-wise order (so each appears once).
 */
static __attribute__((unused)) void
fuzz_check_folded(const char *s, size_t n, int columns)
{
	const char *line = s, *prev = NULL, *end, *sp;
	size_t plen = 0, slen, i;
	pf_count c;
	int k;

	if (n > 0 && s[n - 1] != '\n')
		fuzz_fail("output does not end with a newline");
	while (line < s + n) {
		end = memchr(line, '\n', (size_t)(s + n - line));
		slen = (size_t)(end - line);
		for (k = 0; k < columns; k++) {
			for (sp = line + slen; sp > line && sp[-1] != ' '; sp--)
				;
			if (sp == line)
				fuzz_fail("line without %d counts: %.*s", columns,
				    (int)(end - line), line);
			if (pf_count_parse(sp, slen - (size_t)(sp - line), &c) != 0)
				fuzz_fail("bad count in: %.*s", (int)(end - line), line);
			slen = (size_t)(sp - line) - 1;
		}
		if (slen == 0)
			fuzz_fail("empty stack written");
		if (prev != NULL) {
			int cmp = memcmp(prev, line, plen < slen ? plen : slen);

			if (cmp > 0 || (cmp == 0 && plen >= slen))
				fuzz_fail("not sorted: '%.*s' before '%.*s'", (int)plen,
				    prev, (int)slen, line);
		}
		for (i = 0; i < slen; i++)
			if (line[i] == '\0')
				fuzz_fail("NUL byte written");
		prev = line;
		plen = slen;
		line = end + 1;
	}
}

/* Whether some frame name of p ends in a blank: the folded reader trims
 * the stack before its count, so such a leaf does not survive a round
 * trip (test-perf reports that on its own). */
static __attribute__((unused)) int
fuzz_trailing_blank(const struct pf_profile *p)
{
	size_t i, len;
	const char *f;

	for (i = 0; i < pf_profile_nframes(p); i++) {
		f = pf_profile_frame(p, (uint32_t)i, &len);
		if (len > 0 && (f[len - 1] == ' ' || f[len - 1] == '\t'))
			return 1;
	}
	return 0;
}

/*
 * What pf writes, pf reads back as the same profile: reading the text and
 * writing it again gives the same bytes.
 */
static __attribute__((unused)) void
fuzz_check_roundtrip(const struct pf_profile *p, const char *s, size_t n)
{
	struct pf_profile *q;
	struct pf_reader *r;
	struct pf_error err;
	const char *nl;
	char *again;
	size_t alen;

	if (n == 0 || fuzz_trailing_blank(p))
		return;
	nl = memchr(s, '\n', n);
	if (pf_profile_columns(p) == 1 && fuzz_looks_differential(s, (size_t)(nl - s)))
		return;
	q = pf_profile_new();
	r = pf_reader_mem("again", s, n);
	if (q == NULL || r == NULL)
		fuzz_fail("out of memory");
	if (pf_folded_read(q, r, &err) != 0)
		fuzz_fail("cannot read back what was written: line %llu: %s",
		    (unsigned long long)err.line, err.msg);
	if (pf_profile_columns(q) != pf_profile_columns(p))
		fuzz_fail("read back with %d columns, written with %d",
		    pf_profile_columns(q), pf_profile_columns(p));
	again = fuzz_write(q, &alen);
	if (alen != n || memcmp(again, s, n) != 0)
		fuzz_fail("written, read and written again differs");
	free(again);
	pf_reader_free(r);
	pf_profile_free(q);
}

#endif /* PF_FUZZ_CHECK_H */
