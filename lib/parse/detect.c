/*
 * detect.c - the list of input formats, detection of the format from the
 * content, and pf_collapse, which hands an input to its parser.
 *
 * Detection looks only at the first PEEK bytes (never at the file name) and
 * asks the most specific questions first (protobuf, JSON, XML, gprof's
 * headings, bpftrace's "@[" keys, V8 log events), then looks at the shape
 * of the lines (DTrace's indented frames over an indented count, folded
 * stacks).  What fits
 * nothing else goes to the perf parser, which has always skipped lines it
 * does not know; if it finds no sample either, the input fits no format and
 * the error says which were tried and shows the first line.
 */
#include <stdlib.h>

#include "internal.h"

#define PEEK ((size_t)64 << 10)
#define MAX_LINES 200

static const char *const names[PF_FORMAT_COUNT] = {
	[PF_FORMAT_AUTO] = "auto",
	[PF_FORMAT_PERF] = "perf",
	[PF_FORMAT_FOLDED] = "folded",
	[PF_FORMAT_CPUPROFILE] = "cpuprofile",
	[PF_FORMAT_GPROF] = "gprof",
	[PF_FORMAT_DTRACE] = "dtrace",
	[PF_FORMAT_V8PROF] = "v8-prof",
	[PF_FORMAT_PPROF] = "pprof",
	[PF_FORMAT_SVG] = "svg",
	[PF_FORMAT_XCTRACE] = "xctrace",
};

const char *
pf_format_name(int format)
{
	if (format < 0 || format >= PF_FORMAT_COUNT)
		return NULL;
	return names[format];
}

int
pf_format_lookup(const char *name)
{
	int i;

	for (i = 0; i < PF_FORMAT_COUNT; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	if (strcmp(name, "bpftrace") == 0)
		return PF_FORMAT_DTRACE;
	return -1;
}

const char *
pf_format_list(void)
{
	/* In the order auto detection tries them. */
	return "pprof, cpuprofile, v8-prof, xctrace, svg, gprof, dtrace, folded, perf";
}

/* ------------------------------------------------------------- detection */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
starts(const char *s, size_t n, const char *pre)
{
	size_t m = strlen(pre);

	while (n > 0 && (is_blank(*s) || *s == '\f')) {
		s++;
		n--;
	}
	return n >= m && memcmp(s, pre, m) == 0;
}

/* "a;b;c 12": no leading blank, a count after the last blank, a stack. */
static int
folded_like(const char *s, size_t n)
{
	size_t i;
	pf_count c;

	if (n == 0 || is_blank(s[0]) || s[0] == '#' || memchr(s, '\0', n) != NULL)
		return 0;
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	for (i = n; i > 0 && !is_blank(s[i - 1]); i--)
		;
	if (i == 0 || pf_count_parse(s + i, n - i, &c) != PF_COUNT_OK)
		return 0;
	while (i > 0 && is_blank(s[i - 1]))
		i--;
	return i > 0;
}

/* Blanks and then only digits: the count under a DTrace stack. */
static int
count_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_blank(s[i]))
		i++;
	if (i == 0 || i == n)
		return 0;
	for (; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return 1;
}

/* After the '{': the preprocessed --prof JSON starts with "code". */
static int
json_kind(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (is_blank(s[i]) || s[i] == '\n'))
		i++;
	if (starts(s + i, n - i, "\"code\"") || starts(s + i, n - i, "\"ticks\""))
		return PF_FORMAT_V8PROF;
	return PF_FORMAT_CPUPROFILE;
}

static int
varint(const unsigned char *b, size_t n, size_t *i, uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; shift < 64 && *i < n; shift += 7) {
		unsigned char c = b[(*i)++];

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 0;
	}
	return -1;
}

/*
 * A profile.proto message: its first fields (up to 8, or as many as the
 * peek holds) have Profile's field numbers with their wire types -
 * varints for the numbers (7-10, 12-14), length-delimited for the messages
 * and strings (1-6, 11, and 13 when packed) - and lengths that fit.  Only
 * the shape is looked at; decoding is protobuf-c's job.
 */
static int
looks_like_pprof(const char *buf, size_t n)
{
	const unsigned char *b = (const unsigned char *)buf;
	size_t i = 0;
	uint64_t tag, v;
	int fields = 0;

	while (i < n && fields < 8) {
		unsigned field, wt;

		if (varint(b, n, &i, &tag) != 0)
			return 0;
		field = (unsigned)(tag >> 3);
		wt = (unsigned)(tag & 7);
		if (field < 1 || field > 14)
			return 0;
		if (wt == 0 && ((field >= 7 && field <= 10) || field >= 12)) {
			if (varint(b, n, &i, &v) != 0)
				return fields > 0 && i == n;
		} else if (wt == 2 && (field <= 6 || field == 11 || field == 13)) {
			if (varint(b, n, &i, &v) != 0)
				return 0;
			if (v > n - i)
				return fields > 0 || n == PEEK;
			i += (size_t)v;
		} else {
			return 0;
		}
		fields++;
	}
	return fields >= 2 || (fields == 1 && i == n);
}

struct first_line {
	uint64_t lineno;	/* 0: none */
	char text[80];
};

static void
keep_first(struct first_line *f, uint64_t lineno, const char *s, size_t n)
{
	size_t i, o = 0;

	if (f == NULL || f->lineno != 0)
		return;
	f->lineno = lineno;
	for (i = 0; i < n && o + 8 < sizeof(f->text); i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			f->text[o++] = (char)c;
		} else {
			snprintf(f->text + o, sizeof(f->text) - o, "\\x%02x", c);
			o += 4;
		}
	}
	if (i < n)
		memcpy(f->text + o, "...", 4), o += 3;
	f->text[o] = '\0';
}

static int
detect(struct pf_reader *r, struct first_line *first, struct pf_error *err)
{
	const char *buf, *s, *nl;
	size_t n, len, i = 0;
	uint64_t lineno = 0;
	int folded = 0, not_folded = 0, lines = 0, indented = 0;

	/* An empty input, or one that cannot be read: the perf parser
	 * reads nothing, or meets the same read error. */
	n = pf_reader_peek(r, &buf, PEEK, err);
	if (n == 0)
		return PF_FORMAT_PERF;
	if (looks_like_pprof(buf, n))
		return PF_FORMAT_PPROF;
	if (n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (is_blank(buf[i]) || buf[i] == '\n'))
		i++;
	if (i < n && buf[i] == '{')
		return json_kind(buf + i + 1, n - i - 1);
	if (i < n && buf[i] == '<' &&
	    memmem(buf + i, n - i, "<trace-query-result", 19) != NULL)
		return PF_FORMAT_XCTRACE;
	if (i < n && buf[i] == '<' && memmem(buf + i, n - i, "<svg", 4) != NULL)
		return PF_FORMAT_SVG;

	for (s = buf; s < buf + n && lines < MAX_LINES; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(buf + n - s));
		if (nl == NULL) {
			/* A line cut by the peek window tells nothing. */
			if (n == PEEK)
				break;
			nl = buf + n;
		}
		len = (size_t)(nl - s);
		lineno++;
		while (len > 0 && is_blank(s[len - 1]))
			len--;
		if (len == 0)
			continue;
		keep_first(first, lineno, s, len);
		lines++;
		if (starts(s, len, "Flat profile:") || starts(s, len, "Call graph") ||
		    (starts(s, len, "index % time") && memmem(s, len, "called", 6)) ||
		    (memmem(s, len, "granularity: ", 13) != NULL &&
		    memmem(s, len, "ample hit covers ", 17) != NULL) ||
		    starts(s, len, "flat profile:") || starts(s, len, "call graph profile:"))
			return PF_FORMAT_GPROF;
		if (s[0] == '@' && memchr(s, '[', len) != NULL)
			return PF_FORMAT_DTRACE;
		if (starts(s, len, "v8-version,") || starts(s, len, "shared-library,") ||
		    starts(s, len, "code-creation,") || starts(s, len, "tick,"))
			return PF_FORMAT_V8PROF;
		if (count_line(s, len)) {
			if (indented)
				return PF_FORMAT_DTRACE;
		} else {
			/* A DTrace frame: "module`func+0x1c" or "0x4a3b2c". */
			size_t k = 0;

			while (k < len && is_blank(s[k]))
				k++;
			indented = k > 0 && (memchr(s, '`', len) != NULL ||
			    starts(s + k, len - k, "0x"));
		}
		if (folded_like(s, len))
			folded++;
		else
			not_folded++;
		if (nl == buf + n)
			break;
	}
	if (folded > 0 && not_folded == 0)
		return PF_FORMAT_FOLDED;
	return PF_FORMAT_PERF;
}

int
pf_format_detect(struct pf_reader *r, struct pf_error *err)
{
	if (pf_reader_decode(r, err) < 0)
		return -1;
	return detect(r, NULL, err);
}

/* -------------------------------------------------------------- dispatch */

int
pf_collapse(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct first_line first;
	int fmt = o->format, gz, rc;

	memset(st, 0, sizeof(*st));
	memset(&first, 0, sizeof(first));
	if ((gz = pf_reader_decode(r, err)) < 0)
		return -1;
	st->gzip = gz;
	if (fmt == PF_FORMAT_AUTO && (fmt = detect(r, &first, err)) < 0)
		return -1;
	st->format = fmt;
	switch (fmt) {
	case PF_FORMAT_PERF:
		rc = pf_perf_collapse(p, r, &o->perf, &st->perf, err);
		if (rc == 0 && o->format == PF_FORMAT_AUTO && st->perf.samples == 0 &&
		    st->perf.skipped_lines > 0)
			rc = pf_err(err, pf_reader_name(r), first.lineno,
			    "not a profile in any format pf-collapse knows (tried %s); "
			    "the first line is '%s'", pf_format_list(), first.text);
		return rc;
	case PF_FORMAT_FOLDED:
		return pf_folded_read(p, r, err);
	case PF_FORMAT_CPUPROFILE:
		return pf_cpuprofile_read(p, r, o, st, err);
	case PF_FORMAT_GPROF:
		return pf_gprof_read(p, r, st, err);
	case PF_FORMAT_DTRACE:
		return pf_dtrace_read(p, r, st, err);
	case PF_FORMAT_PPROF:
		return pf_pprof_read(p, r, o, st, err);
	case PF_FORMAT_SVG:
		return pf_svg_read(p, r, st, err);
	case PF_FORMAT_XCTRACE:
		return pf_xctrace_read(p, r, o, st, err);
	case PF_FORMAT_V8PROF: {
		const char *b;
		size_t n = pf_reader_peek(r, &b, 64, err), i = 0;

		while (i < n && (is_blank(b[i]) || b[i] == '\n'))
			i++;
		if (i < n && b[i] == '{')
			return pf_v8prof_json_read(p, r, st, err);
		return pf_v8log_read(p, r, st, err);
	}
	}
	return pf_err(err, pf_reader_name(r), 0, "unknown format %d", fmt);
}
