/*
 * detect.c - the list of input formats, detection of the format from the
 * content, and pf_collapse, which hands an input to its parser.
 *
 * Detection looks only at the first PEEK bytes (never at the file name),
 * and a format claims an input only when the content shows it: protobuf
 * fields of profile.proto, the keys of a V8 profile, XML elements,
 * gprof's headings, bpftrace's "@name[" keys, V8 log events, DTrace's
 * indented frames over an indented count, perf's sample headers, folded
 * lines.  Nothing is a fallback: an input no format claims is refused,
 * with the formats tried, what the input looks like when that can be told
 * (sniff.c) and its first line.
 */
#include <ctype.h>
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

/*
 * After the '{': the preprocessed --prof JSON starts with "code"; a V8 CPU
 * profile has "hitCount" in its nodes (both the flat and the older nested
 * shape), or "nodes" with their "callFrame", "samples" or "timeDeltas".
 * A Chrome trace ("traceEvents", "ph") holds profile chunks with nodes
 * too, but is no CPU profile; it and other JSON (a heap profile, whose
 * nodes have "selfSize") are claimed by no format.
 */
static int
json_kind(const char *s, size_t n)
{
	size_t i = 0;

#define HAS(key) (memmem(s, n, key, sizeof(key) - 1) != NULL)
	while (i < n && (is_blank(s[i]) || s[i] == '\n'))
		i++;
	if (starts(s + i, n - i, "\"code\"") || starts(s + i, n - i, "\"ticks\""))
		return PF_FORMAT_V8PROF;
	if (HAS("\"traceEvents\"") || HAS("\"ph\""))
		return PF_FORMAT_AUTO;
	if (HAS("\"hitCount\"") || (HAS("\"nodes\"") &&
	    (HAS("\"callFrame\"") || HAS("\"samples\"") || HAS("\"timeDeltas\""))))
		return PF_FORMAT_CPUPROFILE;
#undef HAS
	return PF_FORMAT_AUTO;
}

/* "@name[" (bpftrace's map entry): '@', an identifier, '['. */
static int
bpftrace_key(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 2 || s[0] != '@')
		return 0;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	return i < n && s[i] == '[';
}

/* gprof's headings ("Call graph:" is macOS sample's, not gprof's). */
static int
gprof_line(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (is_blank(s[i]) || s[i] == '\f'))
		i++;
	s += i;
	len -= i;
	return starts(s, len, "Flat profile:") || starts(s, len, "flat profile:") ||
	    (len == 10 && memcmp(s, "Call graph", 10) == 0) ||
	    starts(s, len, "Call graph (explanation follows)") ||
	    starts(s, len, "call graph profile:") ||
	    (starts(s, len, "index % time") && memmem(s, len, "called", 6)) ||
	    (memmem(s, len, "granularity: ", 13) != NULL &&
	    memmem(s, len, "ample hit covers ", 17) != NULL);
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

/* Whether b[0..n-1] is a ValueType message: varint fields 1 and 2. */
static int
value_type(const unsigned char *b, size_t n)
{
	size_t i = 0;
	uint64_t tag, v;

	while (i < n) {
		if (varint(b, n, &i, &tag) != 0 || (tag != 8 && tag != 16) ||
		    varint(b, n, &i, &v) != 0)
			return 0;
	}
	return 1;
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
			/* A sample type is a ValueType: varints 1 and 2 (an
			 * OpenTelemetry profile starts with messages there). */
			if ((field == 1 || field == 11) && !value_type(b + i, (size_t)v))
				return 0;
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
	int folded = 0, not_folded = 0, lines = 0, indented = 0, semicolons = 0;

	/* An empty input (or blanks only), or one that cannot be read: the
	 * perf parser reads nothing, or meets the same read error. */
	n = pf_reader_peek(r, &buf, PEEK, err);
	for (i = 0; i < n && (is_blank(buf[i]) || buf[i] == '\n' || buf[i] == '\f'); i++)
		;
	if (i == n && n < PEEK)
		return PF_FORMAT_PERF;
	i = 0;
	/* The first non-blank line, for a refusal to quote. */
	for (s = buf; first != NULL && s < buf + n; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(buf + n - s));
		if (nl == NULL)
			nl = buf + n;
		lineno++;
		for (len = (size_t)(nl - s); len > 0 && is_blank(s[len - 1]); len--)
			;
		if (len > 0) {
			keep_first(first, lineno, s, len);
			break;
		}
	}
	lineno = 0;
	if (!pf_text_like(buf, n) && looks_like_pprof(buf, n))
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
	if (i < n && (buf[i] == '<' || buf[i] == '['))
		return PF_FORMAT_AUTO;

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
		if (gprof_line(s, len))
			return PF_FORMAT_GPROF;
		if (bpftrace_key(s, len))
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
		/* Folded lines; '#' comments say nothing either way. */
		if (s[0] != '#') {
			if (folded_like(s, len)) {
				folded++;
				semicolons |= memchr(s, ';', len) != NULL;
			} else {
				not_folded++;
			}
		}
		if (nl == buf + n)
			break;
	}
	if (pf_perf_sniff(buf, n, n < PEEK))
		return PF_FORMAT_PERF;
	/*
	 * Folded stacks: most lines are (a damaged or truncated line, a
	 * header of another tool, does not make the file something else),
	 * and some stack has two frames unless every line is folded.
	 */
	if (folded > not_folded && (semicolons || not_folded == 0))
		return PF_FORMAT_FOLDED;
	return PF_FORMAT_AUTO;
}

int
pf_format_detect(struct pf_reader *r, struct pf_error *err)
{
	if (pf_reader_decode(r, err) < 0)
		return -1;
	return detect(r, NULL, err);
}

/* -------------------------------------------------------------- dispatch */

/*
 * An input no format claims: an error that lists the formats tried, says
 * what the input looks like when that can be told, and quotes its first
 * line.
 */
static int
refuse(struct pf_reader *r, const struct first_line *first, struct pf_error *err)
{
	const char *buf, *looks;
	size_t n = pf_reader_peek(r, &buf, PEEK, err);

	looks = pf_sniff(buf, n);
	if (first->lineno == 0)
		return pf_err(err, pf_reader_name(r), 0, "not a profile in any format "
		    "pf-collapse knows (tried %s)%s%s", pf_format_list(),
		    looks != NULL ? "; it looks like " : "", looks != NULL ? looks : "");
	return pf_err(err, pf_reader_name(r), first->lineno, "not a profile in any "
	    "format pf-collapse knows (tried %s); %s%s%sthe first line is '%s'",
	    pf_format_list(), looks != NULL ? "it looks like " : "",
	    looks != NULL ? looks : "", looks != NULL ? "; " : "", first->text);
}

/*
 * Folded stacks as pf-collapse reads them: a '#' comment line (the header
 * some profilers write) and a damaged line (a truncated last line, a line
 * without a count) are skipped and counted in the note, so a folded file
 * stays a folded file.
 */
static int
folded_read(struct pf_profile *p, struct pf_reader *r, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct pf_folded_options fo = { .lenient = 1, .comments = 1 };
	struct pf_folded_stats fs;
	char bad[300];

	if (pf_folded_read_opts(p, r, &fo, &fs, err) != 0)
		return -1;
	if (fs.skipped > 0 && fs.stacks == 0)
		return pf_err(err, pf_reader_name(r), fs.first_skipped, "not folded "
		    "stacks: no line is one (%s)", fs.first_reason);
	st->samples = fs.stacks;
	st->dropped = fs.skipped;
	bad[0] = '\0';
	if (fs.skipped > 0)
		snprintf(bad, sizeof(bad), "%llu malformed line%s (first at line %llu: %s)",
		    (unsigned long long)fs.skipped, fs.skipped == 1 ? "" : "s",
		    (unsigned long long)fs.first_skipped, fs.first_reason);
	if (fs.comments > 0)
		snprintf(st->note, sizeof(st->note), "skipped %llu '#' comment line%s%s%s",
		    (unsigned long long)fs.comments, fs.comments == 1 ? "" : "s",
		    bad[0] != '\0' ? " and " : "", bad);
	else if (bad[0] != '\0')
		snprintf(st->note, sizeof(st->note), "skipped %s", bad);
	return 0;
}

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
	if (fmt == PF_FORMAT_AUTO)
		return refuse(r, &first, err);
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
		return folded_read(p, r, st, err);
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
