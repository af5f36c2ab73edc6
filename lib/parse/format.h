/*
 * format.h - what a row of the table of input formats is made of (the table
 * itself is in formats.c), and what detectors and readers share; internal.
 *
 * A format is one row: its public description (struct pf_format_info:
 * names, options, unit of its counts), a detector and a reader.  To add a
 * format: a value in enum pf_format (pf.h), a file with its detector and
 * reader declared below, and its row in formats.c, placed where detection
 * should try it.  Help, --format, the "formats tried" error and the
 * warning about options of other formats all follow from the row.
 */
#ifndef PF_PARSE_FORMAT_H
#define PF_PARSE_FORMAT_H

#include "internal.h"

/* ------------------------------------------------------------- detection */

/*
 * The start of an input, as every detector sees it: its first bytes
 * (decompressed), and its first non-blank lines.  Detectors look at
 * nothing else and never consume input.
 */
#define PF_PEEK_BYTES ((size_t)64 << 10)
#define PF_PEEK_LINES 200

struct pf_peek_line {
	const char *s;		/* in buf, trailing blanks trimmed, not empty */
	size_t len;
	uint64_t lineno;	/* 1-based */
};

struct pf_peek {
	const char *buf;
	size_t n;
	int whole;		/* buf holds the whole input */
	size_t body;		/* offset of the first byte after a UTF-8
				   byte-order mark, blanks and newlines */
	int markup;		/* buf[body] is '{', '[' or '<': JSON or XML */
	/* Lines up to the PF_PEEK_LINES-th non-blank one; a last line cut
	 * by the end of buf when the input goes on is not among them. */
	struct pf_peek_line line[PF_PEEK_LINES];
	size_t nlines;
};

/*
 * How strongly a detector claims an input: a claim is positive evidence,
 * and an input that no row claims is refused.  The strongest claim wins;
 * between PF_CLAIM_LINE claims, the one whose line comes first; otherwise
 * the row that comes first in the table.  JSON and XML input (pf_peek
 * .markup) can only be claimed by PF_CLAIM_MAGIC: lines inside them mean
 * nothing.
 */
enum pf_claim {
	PF_CLAIM_NONE = 0,
	PF_CLAIM_SHAPE,		/* most lines have the format's shape */
	PF_CLAIM_GRAMMAR,	/* records in the format's grammar (perf's
				   sample headers and frames) */
	PF_CLAIM_LINE,		/* a line that only this format writes;
				   *where is its index in pf_peek.line */
	PF_CLAIM_MAGIC,		/* the format's magic bytes or own names */
};

typedef int pf_detect_fn(const struct pf_peek *pk, size_t *where);

/* Every reader: folds r into p, fills st (format and gzip are set before,
 * unit is set to the row's and may be refined).  0, or -1 with err. */
typedef int pf_read_fn(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err);

struct pf_format_row {
	struct pf_format_info info;
	pf_detect_fn *detect;
	pf_read_fn *read;
};

/* The i-th row of the table, in the order detection tries them; NULL
 * after the last (for the unit tests). */
const struct pf_format_row *pf_format_row_at(size_t i);

/* Whether blanks and form feeds, then prefix, start s[0..n-1]. */
int pf_peek_starts(const char *s, size_t n, const char *prefix);
/* PF_CLAIM_LINE, with the index of the first line that match accepts in
 * *where, or PF_CLAIM_NONE. */
int pf_peek_claim_line(const struct pf_peek *pk, size_t *where,
    int (*match)(const char *s, size_t len));
/* Whether the input is XML (it starts with '<') that holds text. */
int pf_peek_xml_has(const struct pf_peek *pk, const char *text);
/* Whether the input is a JSON object whose first key is key. */
int pf_peek_json_key(const struct pf_peek *pk, const char *key);

/* ------------------------------------------------------------ call graphs */

/*
 * Estimated stacks from a call graph (callgraph.c): functions with self
 * costs and weighted caller -> callee arcs, as gprof, callgrind and
 * cProfile record them.  Nodes are numbered by the reader; a node whose
 * frame is UINT32_MAX is no function (arcs from it are not followed).
 */
#define PF_CG_MAX_STEPS 20000000u

struct pf_cg_arc {
	uint32_t caller;	/* node index */
	uint32_t callee;	/* node index */
	uint64_t weight;	/* calls, or cost through the arc */
};

struct pf_cg_node {
	uint32_t frame;		/* UINT32_MAX: no function */
	pf_count self;		/* self cost, in the output's unit */
	struct pf_cg_arc *callers;	/* its arcs in the graph's arcs[],
					   once they are indexed */
	size_t ncallers;
};

struct pf_callgraph {
	struct pf_profile *p;
	const char *name;
	struct pf_error *err;
	struct pf_cg_node *node;
	size_t n, cap;
	pf_count quantum;	/* splits are multiples of it (the last
				   caller's takes the rest); 0: exact */
	uint64_t added;		/* stacks added to the profile */
	/* every arc, in one array (a few bytes each, where an array per
	   function cost hundreds): by callee once indexed */
	struct pf_cg_arc *arcs;
	size_t narcs, acap;
	int indexed, merged;
	size_t compact_at;	/* arcs merged when this many are held (0:
				   never, the default; see
				   pf_callgraph_merge_as_added) */
	/* expansion */
	unsigned char *onpath;
	uint32_t *seen, gen;
	uint32_t *todo;
	uint32_t *stack;	/* leaf first */
	size_t depth, stackcap;
	uint32_t *frames;	/* a stack being added, root first */
	size_t fcap;
	uint64_t steps;
	unsigned char *flags;	/* per node: CG_CYCLIC, CG_REACHES_ROOT */
	unsigned char *ok;	/* the callers expand() follows, a stack of
				   one flag per caller and level */
	size_t oktop, okcap;
};

void pf_callgraph_init(struct pf_callgraph *g, struct pf_profile *p,
    const char *name, struct pf_error *err);
void pf_callgraph_release(struct pf_callgraph *g);
/* Node i, the nodes up to it added as no function; NULL when memory runs
 * out or i is too large. */
struct pf_cg_node *pf_callgraph_node(struct pf_callgraph *g, size_t i);
/* Adds the arc caller -> callee; -1 when memory runs out. */
int pf_callgraph_arc(struct pf_callgraph *g, size_t callee, uint32_t caller,
    uint64_t weight);
/* Makes the arcs between two nodes one, of the summed weight; -1 when
 * memory runs out. */
int pf_callgraph_merge_arcs(struct pf_callgraph *g);
/* For a reader that merges its arcs (pf_callgraph_merge_arcs): arcs
 * between the same two nodes are merged as they pile up, so that memory
 * is bounded by the distinct arcs rather than by the input's lines. */
void pf_callgraph_merge_as_added(struct pf_callgraph *g);
/* Adds the estimated stacks of every function's self cost to the profile;
 * *functions is the number of functions.  0, or -1 with err. */
int pf_callgraph_fold(struct pf_callgraph *g, uint64_t *functions);

/* --------------------------------------------------------------- readers */

#define PF_FORMAT_DECLARE(fmt)						\
	pf_detect_fn pf_##fmt##_detect;					\
	pf_read_fn pf_##fmt##_read

PF_FORMAT_DECLARE(perf);		/* perf.c; perf.data: perfdata.c */
/* pf_folded_read is the public reader of folded text (lib/core/folded.c). */
pf_detect_fn pf_folded_detect;
pf_read_fn pf_folded_row_read;
PF_FORMAT_DECLARE(cpuprofile);
PF_FORMAT_DECLARE(gprof);
PF_FORMAT_DECLARE(dtrace);
PF_FORMAT_DECLARE(v8prof);	/* v8log.c (the raw log), v8prof.c (JSON) */
PF_FORMAT_DECLARE(pprof);
PF_FORMAT_DECLARE(svg);
PF_FORMAT_DECLARE(xctrace);
PF_FORMAT_DECLARE(chrome);		/* chrome.c: trace event JSON */
PF_FORMAT_DECLARE(heapprofile);		/* heapprofile.c */
PF_FORMAT_DECLARE(gperfcpu);	/* gperfcpu.c, legacy.c */
PF_FORMAT_DECLARE(pproftext);	/* pproftext.c, legacy.c */
PF_FORMAT_DECLARE(stackprof);
PF_FORMAT_DECLARE(jfr);
PF_FORMAT_DECLARE(callgrind);
PF_FORMAT_DECLARE(massif);
PF_FORMAT_DECLARE(pstats);
PF_FORMAT_DECLARE(speedscope);
PF_FORMAT_DECLARE(d3);
PF_FORMAT_DECLARE(firefox);		/* firefox.c: Gecko and processed JSON */
PF_FORMAT_DECLARE(ghcprof);
PF_FORMAT_DECLARE(ghcjson);		/* ghcjson.c: GHC's +RTS -pj */
/* GHC's --sample-type (ghcprof.c, for ghcjson.c too): 0 ticks (the
 * default), 1 alloc (or bytes), 2 time; -1 with a usage error. */
int pf_ghc_sample_type(const struct pf_collapse_options *o, const char *name,
    struct pf_error *err);
PF_FORMAT_DECLARE(macsample);
/* Call trees of platform profilers (instruments.c, vtune.c, vsprof.c). */
PF_FORMAT_DECLARE(instruments);
PF_FORMAT_DECLARE(vtune);
PF_FORMAT_DECLARE(vsprof);

/* The two readers behind the v8prof row, and the detector of the log. */
pf_detect_fn pf_v8log_detect;
int pf_v8prof_json_read(struct pf_profile *p, struct pf_reader *r,
    struct pf_collapse_stats *st, struct pf_error *err);
int pf_v8log_read(struct pf_profile *p, struct pf_reader *r,
    struct pf_collapse_stats *st, struct pf_error *err);
/*
 * The frame id of a V8 code entry: "TYPE:NAME" when type is given
 * (builtins, bytecode handlers), "(anonymous) FILE:L:C" for a JavaScript
 * name that starts with a blank, else NAME; ';' becomes ':'.
 */
int pf_v8_frame_name(struct pf_profile *p, const char *type, const char *name,
    size_t n, uint32_t *id);

/*
 * What the readers of JSON trees and tables of frames (speedscope.c,
 * d3.c) share: a name from a JSON string made a frame name, ';' (which
 * separates frames) becoming ':' and line ends (which end stacks) blanks;
 * and a stack collected from the leaf turned root first.
 */
static inline void
pf_frame_name_clean(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ';')
			s[i] = ':';
		else if (s[i] == '\n' || s[i] == '\r')
			s[i] = ' ';
}

static inline void
pf_stack_reverse(uint32_t *a, size_t n)
{
	size_t k;
	uint32_t t;

	for (k = 0; k < n / 2; k++) {
		t = a[k];
		a[k] = a[n - 1 - k];
		a[n - 1 - k] = t;
	}
}

#endif /* PF_PARSE_FORMAT_H */
