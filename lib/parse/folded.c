/*
 * folded.c - the row of folded stacks: their detector, and the reader of
 * the format (lib/core/folded.c, shared with pf-merge) under the
 * signature of every reader.
 */
#include "format.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
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

/*
 * Most lines are stacks (a damaged or truncated line, a header of another
 * tool, does not make the file something else), and some stack has two
 * frames unless every line is one; '#' comment lines say nothing either
 * way.
 */
int
pf_folded_detect(const struct pf_peek *pk, size_t *where)
{
	size_t i, folded = 0, not_folded = 0;
	int semicolons = 0;

	PF_UNUSED(where);
	for (i = 0; i < pk->nlines; i++) {
		const char *s = pk->line[i].s;
		size_t len = pk->line[i].len;

		if (s[0] == '#')
			continue;
		if (folded_like(s, len)) {
			folded++;
			semicolons |= memchr(s, ';', len) != NULL;
		} else {
			not_folded++;
		}
	}
	return folded > not_folded && (semicolons || not_folded == 0) ?
	    PF_CLAIM_SHAPE : PF_CLAIM_NONE;
}

/*
 * Folded stacks as pf-collapse reads them: a '#' comment line (the header
 * some profilers write) and a damaged line (a truncated last line, a line
 * without a count) are skipped and counted in the note, so a folded file
 * stays a folded file.
 */
int
pf_folded_row_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct pf_folded_options fo = { .lenient = 1, .comments = 1 };
	struct pf_folded_stats fs;
	char bad[300];

	PF_UNUSED(o);
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
