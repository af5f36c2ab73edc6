/*
 * sniff.c - what an input that pf-collapse does not read looks like, so
 * that refusing it can say so ("it looks like a Java Flight Recorder
 * recording") instead of leaving the user to guess.
 *
 * Only the start of the input is looked at, and only for signs that are
 * the format's own: magic bytes, the first line a tool writes, the keys
 * of a JSON document.  Nothing here decides what pf-collapse reads; these
 * are the inputs detection has already turned down.
 */
#include <ctype.h>

#include "internal.h"

/* The first n bytes of buf, after blanks and newlines (and a UTF-8 BOM). */
static const char *
skip_space(const char *buf, size_t *n)
{
	if (*n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		*n -= 3;
	}
	while (*n > 0 && isspace((unsigned char)*buf)) {
		buf++;
		(*n)--;
	}
	return buf;
}

/* What a JSON document (text starting with '{' or '[') is, by its keys. */
static const char *
json_kind(const char *t, size_t n)
{
	if (t[0] != '{')
		return "a JSON document, of no profile format pf-collapse knows";
	if (pf_mem_has(t, n, "\"snapshot\"") && pf_mem_has(t, n, "\"node_fields\""))
		return "a V8 heap snapshot (.heapsnapshot: an object graph, not stacks; "
		    "a sampling heap profile, .heapprofile, has the stacks)";
	if (pf_mem_has(t, n, "\"cost_centres\"") && pf_mem_has(t, n, "\"program\""))
		return "a GHC JSON profile without GHC's header (--format "
		    "ghc-json reads it)";
	if (pf_mem_has(t, n, "\"gc_samples\"") && pf_mem_has(t, n, "\"frames\""))
		return "a stackprof profile (Ruby, JSON)";
	if (pf_mem_has(t, n, "\"recording\"") && pf_mem_has(t, n, "\"instrumentTypes\""))
		return "a Safari Web Inspector timeline recording";
	if (pf_mem_has(t, n, "\"costs\"") && pf_mem_has(t, n, "\"callchain\""))
		return "a gprof2dot JSON profile";
	if (pf_mem_has(t, n, "\"nodes\"") && pf_mem_has(t, n, "\"callFrame\""))
		return "a V8 profile of another kind (nodes without samples)";
	return "a JSON document, of no profile format pf-collapse knows";
}

/* The first line of text, without its line end. */
static size_t
first_line(const char *t, size_t n)
{
	const char *nl = memchr(t, '\n', n);
	size_t len = nl != NULL ? (size_t)(nl - t) : n;

	while (len > 0 && (t[len - 1] == '\r' || t[len - 1] == ' '))
		len--;
	return len;
}

/* What text (of no format pf-collapse reads) is, by its first lines. */
static const char *
text_kind(const char *t, size_t n)
{
	size_t l1 = first_line(t, n);

	/* Java's legacy pprof text profiles; gperftools' and Go's are read. */
	if (pf_mem_starts(t, n, "--- heapz") ||
	    (pf_mem_starts(t, n, "---") && pf_mem_has(t, l1, "profile")))
		return "a Java legacy pprof text profile (go tool pprof -proto "
		    "converts it)";
	if (pf_mem_starts(t, n, "Analysis of sampling"))
		return "macOS sample output (sample(1), or Activity Monitor's "
		    "\"Sample Process\")";
	if (pf_mem_starts(t, n, "Function Stack,") && pf_mem_has(t, l1, "CPU Time"))
		return "an Intel VTune CSV report without a :Self column (pf-collapse "
		    "reads -report top-down -call-stack-mode all "
		    "-column=\"CPU Time:Self\",Module -format csv)";
	if (pf_mem_starts(t, n, "Index") && pf_mem_has(t, l1, "CPU Time:Total"))
		return "an Intel VTune gprof-like report (gprof-cc)";
	if (pf_mem_starts(t, n, "Level,Function Name,"))
		return "a Visual Studio profiler CSV report (CallTreeSummary) without "
		    "a column of exclusive samples, time or allocations";
	if (pf_mem_has(t, l1, "Time and Allocation Profiling Report"))
		return "a GHC .prof report (+RTS -p)";
	if (pf_mem_starts(t, n, "JAVA PROFILE 1."))
		return "a Java HPROF text dump (-agentlib:hprof)";
	if (pf_mem_starts(t, n, "@ ") && pf_mem_has(t, l1, " samples]"))
		return "pmcstat callgraph output (FreeBSD pmcstat -G)";
	if (pf_mem_has(t, l1, "log opened (PC)") || pf_mem_has(t, n, ":PUSH:"))
		return "a Papyrus stack profiling log (Skyrim, Fallout 4)";
	if (pf_mem_starts(t, n, "Weight\t") && pf_mem_has(t, l1, "Symbol Name"))
		return "a copy of an Instruments call tree (text) with columns "
		    "pf-collapse does not know";
	if (pf_mem_starts(t, n, "<!DOCTYPE html") || pf_mem_starts(t, n, "<!doctype html") ||
	    pf_mem_starts(t, n, "<html") || pf_mem_starts(t, n, "<HTML"))
		return "an HTML page";
	if (t[0] == '<')
		return "an XML document, neither a flame graph SVG nor an "
		    "xctrace export";
	if (pf_mem_starts(t, n, "# ") && (pf_mem_has(t, n, "\n## ") || pf_mem_has(t, n, "\n```") ||
	    pf_mem_has(t, n, "](")))
		return "a Markdown document";
	if (t[0] == '{' || t[0] == '[')
		return json_kind(t, n);
	return NULL;
}

int
pf_text_like(const char *buf, size_t n)
{
	size_t i;

	if (n > 4096)
		n = 4096;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
			return 0;
	}
	return 1;
}

/* ASCII text in UTF-16 (either order): every other byte 0, the others
 * printable or line ends. */
static int
utf16_without_bom(const unsigned char *b, size_t n)
{
	size_t i, z;

	if (n > 512)
		n = 512;
	n &= ~(size_t)1;
	if (n < 8)
		return 0;
	z = b[0] == 0 ? 0 : 1;
	for (i = 0; i < n; i += 2) {
		unsigned char c = b[i + 1 - z];

		if (b[i + z] != 0 || !(isprint(c) || c == '\n' || c == '\r' || c == '\t'))
			return 0;
	}
	return 1;
}

const char *
pf_sniff(const char *buf, size_t n)
{
	const unsigned char *b = (const unsigned char *)buf;
	const char *t;
	size_t tn = n;

	if (pf_mem_starts(buf, n, "\x7f" "ELF"))
		return "an ELF binary (a program or library, not a profile; "
		    "perf record writes perf.data)";
	if (pf_mem_starts(buf, n, "PK\x03\x04")) {
		if (n > 38 && pf_mem_starts(buf + 30, n - 30, "Stats.txt"))
			return "a Very Sleepy capture (a zip archive)";
		if (pf_mem_has(buf, n < 512 ? n : 512, ".trace/"))
			return "an Instruments .trace bundle in a zip archive "
			    "(xctrace export gives the XML pf-collapse reads)";
		return "a zip archive";
	}
	if (pf_mem_starts(buf, n, "%PDF"))
		return "a PDF document";
	if (pf_mem_starts(buf, n, "\x89PNG"))
		return "a PNG image";
	if (pf_mem_starts(buf, n, "PERFILE2"))
		return "a perf.data recording (give its file name, not the "
		    "standard input)";
	if (!pf_text_like(buf, n)) {
		if (n > 2 && b[0] == 0x0a && (pf_mem_has(buf, n, "process.") ||
		    pf_mem_has(buf, n, "service.") || pf_mem_has(buf, n, "telemetry.")))
			return "an OpenTelemetry profile (OTLP protobuf, not pprof's "
			    "profile.proto)";
		if (utf16_without_bom(b, n))
			return "UTF-16 text without a byte-order mark (iconv -f "
			    "UTF-16LE -t UTF-8 converts it)";
		return "binary data";
	}
	t = skip_space(buf, &tn);
	if (tn == 0)
		return NULL;
	return text_kind(t, tn);
}
