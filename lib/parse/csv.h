/*
 * csv.h - lines of comma- (or tab-) separated values, for the readers of
 * the reports profilers write as CSV (Intel VTune, Visual Studio);
 * internal.
 *
 * A field is either bare text, or text in double quotes ("a, b" holds a
 * comma, "say ""hi""" a quote); blanks before an opening quote are kept
 * apart (VTune indents its call tree outside the quotes).  A record is
 * one line: a quoted field does not run on to the next line.
 */
#ifndef PF_PARSE_CSV_H
#define PF_PARSE_CSV_H

#include "internal.h"

struct pf_csv_field {
	const char *s;		/* the text, unquoted */
	size_t n;
	size_t lead;		/* blanks before the opening quote */
	int quoted;
};

struct pf_csv {
	struct pf_csv_field *f;
	size_t nf, fcap;
	char *buf;		/* unquoted text of quoted fields */
	size_t bcap;
};

/*
 * The next line of a report that is not blank, without its CR and, on the
 * first line, a UTF-8 byte-order mark: 1 with *s, *n and *line set, 0 at
 * the end, -1 with err filled (a read error, a line beyond PF_LINE_MAX, a
 * NUL byte).
 */
int pf_csv_line(struct pf_reader *r, const char **s, size_t *n, uint64_t *line,
    struct pf_error *err);

void pf_csv_release(struct pf_csv *c);

/*
 * A report read row by row: its first line that is not blank must be its
 * header, and every line is split into a struct pf_csv, given to header()
 * for the header and to row() for each line after it.
 */
struct pf_csv_report {
	/* The separator of s[0..n-1] when it is the report's header, else 0. */
	int (*header_sep)(const char *s, size_t n);
	const char *not_header;	/* the error when the first line is not */
	/* 0, or -1 with the error filled. */
	int (*header)(void *ctx);
	int (*row)(void *ctx);
};

/* Reads r to its end into c, with *line the line being read.  0, or -1
 * with err filled. */
int pf_csv_read(struct pf_reader *r, const struct pf_csv_report *rep, void *ctx,
    struct pf_csv *c, uint64_t *line, struct pf_error *err);

/*
 * The path from the root to the row being read, in a report that lists a
 * call tree row by row (VTune, Visual Studio).
 */
struct pf_csv_path {
	uint32_t *frames;
	size_t depth, cap;
	char *buf;
	size_t bcap;
};

void pf_csv_path_release(struct pf_csv_path *t);
/*
 * Makes the row at depth d (at most t->depth) the path's last frame,
 * named "PRE`NAME" ("NAME" when pre is empty; blanks around each cut,
 * ';' made ':', "[unknown]" for no name), and adds w (when not 0) to that
 * stack of p.  0, or -1 with err filled (name, line).
 */
int pf_csv_path_row(struct pf_csv_path *t, struct pf_profile *p, size_t d,
    const char *pre, size_t pn, const char *name, size_t n, pf_count w,
    const char *input, uint64_t line, struct pf_error *err);
/* Splits s[0..n-1], line `line` of input (without its end), at sep into
 * c->f[0..nf-1], valid until the next call.  0, or -1 with err filled
 * (memory, an unterminated quote, text after a closing one). */
int pf_csv_split(struct pf_csv *c, const char *s, size_t n, char sep,
    const char *input, uint64_t line, struct pf_error *err);
/* The index of the field named name (compared whole, blanks around it
 * ignored), or -1. */
long pf_csv_find(const struct pf_csv *c, const char *name);
/*
 * A non-negative decimal: blanks around it, ',' between groups of
 * thousands ("2,893,824" as Visual Studio writes numbers of calls).
 * PF_COUNT_OK, PF_COUNT_SYNTAX or PF_COUNT_OVERFLOW (pf.h).
 */
int pf_csv_count(const char *s, size_t n, pf_count *out);

/*
 * c * num / den (rounded half up) into *out, where num or den is 1: the
 * change of unit of a value ("846.00 ms" in seconds, "1.5 Kc").  Cheaper
 * than pf_count_muldiv, which these readers would call on every row.
 * PF_COUNT_OK or PF_COUNT_OVERFLOW.
 */
static inline int
pf_csv_scale(pf_count c, uint64_t num, uint64_t den, pf_count *out)
{
	if (den <= 1) {
		if (num > 1 && c > PF_COUNT_MAX / num)
			return PF_COUNT_OVERFLOW;
		*out = c * (num > 1 ? num : 1);
		return PF_COUNT_OK;
	}
	if (num != 1)
		return pf_count_muldiv(c, num, den, out);
	*out = c / den + (c % den >= den - den / 2 ? 1 : 0);
	return PF_COUNT_OK;
}

#endif /* PF_PARSE_CSV_H */
