/*
 * fuzz-merge.c - fuzz target of the transforms behind pf-merge and pf-diff.
 *
 * The input's first line picks the steps, the rest is a folded profile.
 * The first line is a list of steps separated by tabs, each a letter and
 * its argument:
 *
 *	i RE	--include	e RE	--exclude	f RE	--focus
 *	p RE	--prune		r s/RE/REPL/[gi]	--rename
 *	s	--strip-addrs	c	--collapse-recursion
 *	m N	--min-count	t N	--top
 *	n N	--normalize	x F	--scale		g LABEL	--tag
 *	l	read leniently
 *
 * so "i ^main$\tt 2\n" followed by folded lines is --include '^main$'
 * --top 2.  A step that is refused must say why; the profile after each
 * step must be well-formed, sorted folded text that reads back the same,
 * and the steps that only move or rename counts must keep the total.  The
 * profile is then paired with itself as pf-diff does, and summarized.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"
#include "check.h"

/* The totals of both columns; -1 when one is beyond 2^64 (two stacks of
 * 2^64 - 1 each are a good profile), and then the totals are not checked. */
static int
totals(const struct pf_profile *p, pf_count *a, pf_count *b)
{
	struct pf_error err;

	if (pf_profile_total(p, 1, a, &err) != 0 || pf_profile_total(p, 2, b, &err) != 0)
		return -1;
	return 0;
}

static void
check_profile(const struct pf_profile *p)
{
	size_t len;
	char *out = fuzz_write(p, &len);

	fuzz_check_folded(out, len, pf_profile_columns(p));
	fuzz_check_roundtrip(p, out, len);
	free(out);
}

static void
check_error(const struct pf_error *err, const char *what)
{
	if (err->msg[0] == '\0')
		fuzz_fail("%s failed without a message", what);
}

/* Applies one step, a filter or one of the per-input transforms. */
static void
step(struct pf_profile **pp, char k, const char *arg)
{
	static const char kinds[] = "iefprscmt";
	static const enum pf_filter_kind kind[] = { PF_FILTER_INCLUDE,
	    PF_FILTER_EXCLUDE, PF_FILTER_FOCUS, PF_FILTER_PRUNE, PF_FILTER_RENAME,
	    PF_FILTER_STRIP_ADDRS, PF_FILTER_COLLAPSE_RECURSION,
	    PF_FILTER_MIN_COUNT, PF_FILTER_TOP };
	const char *w = k != '\0' ? strchr(kinds, k) : NULL;
	struct pf_profile *old = *pp;
	struct pf_filter *f = NULL;
	struct pf_error err;
	pf_count a0, b0, a1, b1, c;
	int have, rc, keeps;

	memset(&err, 0, sizeof(err));
	have = totals(*pp, &a0, &b0) == 0;
	if (w != NULL) {
		if ((f = pf_filter_new()) == NULL)
			fuzz_fail("out of memory");
		if (pf_filter_add(f, kind[w - kinds], arg, &err) != 0) {
			check_error(&err, "pf_filter_add");
			if (pf_filter_count(f) != 0)
				fuzz_fail("a refused step was added");
			pf_filter_free(f);
			return;
		}
		rc = pf_filter_apply(f, pp, &err);
		pf_filter_free(f);
	} else if (k == 'n' || k == 'x') {
		if (pf_count_parse(arg, strlen(arg), &c) != PF_COUNT_OK)
			return;
		rc = k == 'n' ? pf_transform_normalize(pp, c, &err) :
		    pf_transform_scale(pp, c, &err);
	} else if (k == 'g') {
		rc = pf_transform_tag(pp, arg, &err);
	} else {
		return;
	}
	if (rc != 0) {
		check_error(&err, "a step");
		if (*pp != old)
			fuzz_fail("a failed step replaced the profile");
		return;
	}
	check_profile(*pp);
	/* Prune, renames, collapsing, top and tags move counts
	 * between stacks but never lose or make any. */
	keeps = k != '\0' && strchr("prsctg", k) != NULL;
	if (keeps && have && (totals(*pp, &a1, &b1) != 0 || a1 != a0 || b1 != b0))
		fuzz_fail("step '%c' changed the total", k);
	if (k == 't' && have) {
		size_t top = (size_t)strtoul(arg, NULL, 10);

		if (pf_profile_nstacks(*pp) > top + 1)
			fuzz_fail("--top %s kept %zu stacks", arg, pf_profile_nstacks(*pp));
	}
}

/* pf-diff's pairing of the profile with itself: both columns equal. */
static void
diff_self(const struct pf_profile *p)
{
	struct pf_summary_options so = { 5, 0, -1.0, PF_SUMMARY_TEXT, 0, NULL, 0 };
	struct pf_gate_rule rule;
	struct pf_profile *d;
	struct pf_error err;
	pf_count a, b;
	size_t i, n;
	FILE *null;

	if (pf_profile_columns(p) != 1)
		return;
	memset(&err, 0, sizeof(err));
	if ((d = pf_diff_pair(p, p, 1, &err)) == NULL) {
		check_error(&err, "pf_diff_pair");
		return;
	}
	for (i = 0; i < pf_profile_nstacks(d); i++) {
		pf_profile_stack(d, i, &n, &a, &b);
		if (a != b && a != (b / PF_COUNT_ONE) * PF_COUNT_ONE)
			fuzz_fail("a profile paired with itself differs");
	}
	check_profile(d);
	/* Every summary format, with a gate. */
	if (pf_gate_rule_parse("self>0%", &rule, &err) == 0) {
		so.rules = &rule;
		so.nrules = 1;
	}
	if ((null = fopen("/dev/null", "w")) != NULL) {
		for (so.format = PF_SUMMARY_TEXT; so.format <= PF_SUMMARY_JSON; so.format++)
			if (pf_diff_summary_write(d, &so, null, &err) != 0)
				check_error(&err, "pf_diff_summary_write");
		fclose(null);
	}
	pf_profile_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size), *s, *e;
	struct pf_folded_options fo = { 0 };
	struct pf_folded_stats st;
	struct pf_profile *p = NULL;
	struct pf_reader *r = NULL;
	struct pf_error err;
	size_t hlen = nl != NULL ? (size_t)(nl - (const char *)data) : size;
	char *head, *arg;
	size_t tl, skip;
	int nsteps = 0;

	/* Keep patterns short: a slow pattern is PCRE2's business. */
	if (hlen > 256)
		return 0;
	if ((head = malloc(hlen + 1)) == NULL)
		fuzz_fail("out of memory");
	memcpy(head, data, hlen);
	head[hlen] = '\0';
	for (s = head; *s != '\0'; s++)
		if (*s == 'l' && (s == head || s[-1] == '\t'))
			fo.lenient = 1;
	p = pf_profile_new();
	r = pf_reader_mem("fuzz.folded", nl != NULL ? nl + 1 : (const char *)data + size,
	    nl != NULL ? size - hlen - 1 : 0);
	if (p == NULL || r == NULL)
		fuzz_fail("out of memory");
	memset(&err, 0, sizeof(err));
	if (pf_folded_read_opts(p, r, &fo, &st, &err) != 0) {
		check_error(&err, "pf_folded_read_opts");
		if (err.line == 0)
			fuzz_fail("a read error without a line: %s", err.msg);
		goto out;
	}
	if (st.skipped > 0 && (!fo.lenient || st.first_skipped == 0 ||
	    st.first_reason[0] == '\0'))
		fuzz_fail("skipped lines badly counted");
	check_profile(p);
	for (s = head; *s != '\0' && nsteps < 8; s = *e != '\0' ? e + 1 : e, nsteps++) {
		e = strchr(s, '\t');
		if (e == NULL)
			e = s + strlen(s);
		tl = (size_t)(e - s);
		skip = tl >= 2 && s[1] == ' ' ? 2 : tl > 0;
		arg = strndup(s + skip, tl - skip);
		if (arg == NULL)
			fuzz_fail("out of memory");
		step(&p, *s, arg);
		free(arg);
	}
	diff_self(p);
out:
	free(head);
	pf_reader_free(r);
	pf_profile_free(p);
	return 0;
}
