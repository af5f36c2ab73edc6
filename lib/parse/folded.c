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

/* Every non-blank line looked at is a stack and a count. */
int
pf_folded_detect(const struct pf_peek *pk, size_t *where)
{
	size_t i;

	PF_UNUSED(where);
	for (i = 0; i < pk->nlines; i++)
		if (!folded_like(pk->line[i].s, pk->line[i].len))
			return PF_CLAIM_NONE;
	return pk->nlines > 0 ? PF_CLAIM_SHAPE : PF_CLAIM_NONE;
}

int
pf_folded_row_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	PF_UNUSED(o);
	PF_UNUSED(st);
	return pf_folded_read(p, r, err);
}
