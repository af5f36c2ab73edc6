/*
 * test-transform.c - unit tests of the transforms behind pf-merge and
 * pf-diff: exact scaling and normalizing, each filter and their order,
 * the heaviest stacks with [other], differential pairing and the summary.
 */
#include "tap.h"

static pf_count
cnt(const char *s)
{
	pf_count c = 0;

	if (pf_count_parse(s, strlen(s), &c) != PF_COUNT_OK) {
		fprintf(stderr, "bad count in test: %s\n", s);
		exit(2);
	}
	return c;
}

static struct pf_profile *
profile_of(const char *text)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_error err;

	if (p == NULL || folded_from(p, text, strlen(text), &err) != 0) {
		fprintf(stderr, "cannot read test profile: %s\n", err.msg);
		exit(2);
	}
	return p;
}

/* Checks that the folded text of p is want, then frees p. */
static void
check_profile(const char *name, struct pf_profile *p, const char *want)
{
	char *out = folded_text(p, NULL);

	tap_str(name, out, want);
	free(out);
	pf_profile_free(p);
}

/* ----------------------------------------------------------------- counts */

static void
check_mul(const char *name, const char *c, const char *f, const char *want)
{
	pf_count out = 0;
	char buf[PF_COUNT_BUFSIZE];
	int rc = pf_count_mul(cnt(c), cnt(f), &out);

	if (want == NULL) {
		tap_ok(rc == PF_COUNT_OVERFLOW, name, "rc %d, want overflow", rc);
		return;
	}
	pf_count_format(out, buf);
	tap_ok(rc == PF_COUNT_OK && strcmp(buf, want) == 0, name,
	    "rc %d, got %s, want %s", rc, buf, want);
}

static void
test_counts(void)
{
	pf_count out;
	char buf[PF_COUNT_BUFSIZE];

	check_mul("mul/tenth_times_three", "0.1", "3", "0.3");
	check_mul("mul/three_times_tenth", "3", "0.1", "0.3");
	check_mul("mul/by_one", "123.456789", "1", "123.456789");
	check_mul("mul/by_zero", "123", "0", "0");
	check_mul("mul/half_of_one_unit_rounds_up", "0.000000001", "0.5", "0.000000001");
	check_mul("mul/less_than_half_a_unit_rounds_down", "0.000000001", "0.4", "0");
	check_mul("mul/tenth_digit_5_rounds_up", "0.123456789", "0.5", "0.061728395");
	check_mul("mul/tenth_digit_4_rounds_down", "0.000000003", "0.3", "0.000000001");
	check_mul("mul/large_exact", "18446744073709551615", "1", "18446744073709551615");
	check_mul("mul/large_half", "18446744073709551615", "0.5", "9223372036854775807.5");
	check_mul("mul/overflow", "18446744073709551615", "2", NULL);
	check_mul("mul/overflow_by_a_fraction", "18446744073709551615", "1.000000001", NULL);
	check_mul("mul/just_below_max", "9223372036854775807.5", "2", "18446744073709551615");

	CHECK("muldiv/third_rounds_down", pf_count_muldiv(cnt("1"), cnt("1"), cnt("3"),
	    &out) == PF_COUNT_OK && (pf_count_format(out, buf), strcmp(buf, "0.333333333") == 0));
	CHECK("muldiv/two_thirds_rounds_up", pf_count_muldiv(cnt("2"), cnt("1"), cnt("3"),
	    &out) == PF_COUNT_OK && (pf_count_format(out, buf), strcmp(buf, "0.666666667") == 0));
	CHECK("muldiv/wide_intermediate", pf_count_muldiv(cnt("18446744073709551615"),
	    cnt("18446744073709551615"), cnt("18446744073709551615"), &out) == PF_COUNT_OK &&
	    out == cnt("18446744073709551615"));
	CHECK("muldiv/overflow", pf_count_muldiv(cnt("18446744073709551615"), cnt("3"),
	    cnt("2"), &out) == PF_COUNT_OVERFLOW);
}

/* ------------------------------------------------------- scale, normalize */

static void
test_scale(void)
{
	struct pf_profile *p, *old;
	struct pf_error err;
	pf_count total;

	p = profile_of("a 0.1\na;b 1\nc 0.000000001\n");
	CHECK("scale/rc", pf_transform_scale(&p, cnt("3"), &err) == 0);
	check_profile("scale/exact", p, "a 0.3\na;b 3\nc 0.000000003\n");

	p = profile_of("a 0.000000001\nb 0.000000003\n");
	CHECK("scale/half_rc", pf_transform_scale(&p, cnt("0.5"), &err) == 0);
	check_profile("scale/rounds_half_up_per_stack", p, "a 0.000000001\nb 0.000000002\n");

	p = profile_of("a 1 2\n");
	CHECK("scale/differential_rc", pf_transform_scale(&p, cnt("2.5"), &err) == 0);
	check_profile("scale/differential_both_columns", p, "a 2.5 5\n");

	/* On overflow the profile is left as it was. */
	p = profile_of("a 1\nb 18446744073709551615\n");
	old = p;
	memset(&err, 0, sizeof(err));
	CHECK("scale/overflow_rc", pf_transform_scale(&p, cnt("2"), &err) == -1 &&
	    strstr(err.msg, "overflow") != NULL && p == old);
	check_profile("scale/overflow_unchanged", p, "a 1\nb 18446744073709551615\n");

	p = profile_of("a 1\nb 3\n");
	CHECK("normalize/rc", pf_transform_normalize(&p, cnt("100"), &err) == 0);
	check_profile("normalize/to_100", p, "a 25\nb 75\n");

	p = profile_of("a 1\nb 2\n");
	CHECK("normalize/thirds_rc", pf_transform_normalize(&p, cnt("1"), &err) == 0);
	CHECK("normalize/thirds_total", pf_profile_total(p, 1, &total, &err) == 0 &&
	    total == cnt("1"));
	check_profile("normalize/thirds", p, "a 0.333333333\nb 0.666666667\n");

	p = profile_of("a 0\nb 0\n");
	CHECK("normalize/zero_total_rc", pf_transform_normalize(&p, cnt("100"), &err) == 0);
	check_profile("normalize/zero_total_unchanged", p, "a 0\nb 0\n");

	p = profile_of("a 5\nb 5\n");
	CHECK("normalize/huge_rc", pf_transform_normalize(&p,
	    cnt("18446744073709551615"), &err) == 0);
	check_profile("normalize/huge", p,
	    "a 9223372036854775807.5\nb 9223372036854775807.5\n");

	p = profile_of("a 1\nb;c 2\n");
	CHECK("tag/rc", pf_transform_tag(&p, "host1", &err) == 0);
	check_profile("tag/root_frame", p, "host1;a 1\nhost1;b;c 2\n");
}

/* ---------------------------------------------------------------- filters */

struct step_arg {
	enum pf_filter_kind kind;
	const char *arg;
};

/* Runs the chain steps[0..n-1] on in and checks the result. */
static void
check_chain(const char *name, const char *in, const struct step_arg *steps,
    size_t n, const char *want)
{
	struct pf_filter *f = pf_filter_new();
	struct pf_profile *p = profile_of(in);
	struct pf_error err;
	size_t i;

	memset(&err, 0, sizeof(err));
	for (i = 0; i < n; i++)
		if (pf_filter_add(f, steps[i].kind, steps[i].arg, &err) != 0)
			break;
	if (i < n || pf_filter_apply(f, &p, &err) != 0) {
		tap_ok(0, name, "failed: %s", err.msg);
		pf_profile_free(p);
	} else {
		check_profile(name, p, want);
	}
	pf_filter_free(f);
}

#define ONE(name, in, kind, arg, want) do {				\
	struct step_arg s_[] = { { kind, arg } };			\
	check_chain(name, in, s_, 1, want);				\
} while (0)

static const char sample[] =
    "main;parse;lex 10\n"
    "main;render;draw;0x7f00dead 5\n"
    "main;render;parse 2\n"
    "idle 3\n";

static void
test_filters(void)
{
	struct pf_filter *f;
	struct pf_error err;

	ONE("include/keeps_matching", sample, PF_FILTER_INCLUDE, "^parse$",
	    "main;parse;lex 10\nmain;render;parse 2\n");
	ONE("include/none", sample, PF_FILTER_INCLUDE, "nothing", "");
	ONE("exclude/drops_matching", sample, PF_FILTER_EXCLUDE, "^parse$",
	    "idle 3\nmain;render;draw;0x7f00dead 5\n");
	ONE("focus/starts_at_match", sample, PF_FILTER_FOCUS, "^render$",
	    "render;draw;0x7f00dead 5\nrender;parse 2\n");
	ONE("focus/first_match_from_root", "a;b;a;c 1\n", PF_FILTER_FOCUS, "^a$",
	    "a;b;a;c 1\n");
	ONE("focus/merges_stacks", "x;f;g 1\ny;f;g 2\n", PF_FILTER_FOCUS, "^f$",
	    "f;g 3\n");
	ONE("prune/cuts_below", sample, PF_FILTER_PRUNE, "^render$",
	    "idle 3\nmain;parse;lex 10\nmain;render 7\n");
	ONE("prune/no_match_kept", "a;b 1\n", PF_FILTER_PRUNE, "z", "a;b 1\n");
	ONE("rename/first_only", "ab;abab 1\n", PF_FILTER_RENAME, "s/b/X/", "aX;aXab 1\n");
	ONE("rename/global", "ab;abab 1\n", PF_FILTER_RENAME, "s/b/X/g", "aX;aXaX 1\n");
	ONE("rename/caseless", "Ab;ab 1\n", PF_FILTER_RENAME, "s/a/z/i", "zb;zb 1\n");
	ONE("rename/merges_names", "ksoftirqd/0;run 2\nksoftirqd/1;run 3\n",
	    PF_FILTER_RENAME, "s|ksoftirqd/[0-9]+|ksoftirqd/N|", "ksoftirqd/N;run 5\n");
	ONE("rename/groups", "foo_bar 1\n", PF_FILTER_RENAME, "s/(\\w+)_(\\w+)/$2.$1/",
	    "bar.foo 1\n");
	ONE("strip_addrs/hex", "f 0x7f1a;g+0xABC0;h 1\n", PF_FILTER_STRIP_ADDRS, NULL,
	    "f 0x...;g+0x...;h 1\n");
	ONE("strip_addrs/merges", "[lib 0x1];a 1\n[lib 0x2];a 2\n", PF_FILTER_STRIP_ADDRS,
	    NULL, "[lib 0x...];a 3\n");
	ONE("strip_addrs/not_hex", "0x;x0x1g 1\n", PF_FILTER_STRIP_ADDRS, NULL,
	    "0x;x0x...g 1\n");
	ONE("collapse_recursion/runs", "a;a;a;b;b;a 1\n", PF_FILTER_COLLAPSE_RECURSION,
	    NULL, "a;b;a 1\n");
	ONE("collapse_recursion/merges", "a;a;b 1\na;b 2\n", PF_FILTER_COLLAPSE_RECURSION,
	    NULL, "a;b 3\n");
	ONE("min_count/drops_light", sample, PF_FILTER_MIN_COUNT, "5",
	    "main;parse;lex 10\nmain;render;draw;0x7f00dead 5\n");
	ONE("min_count/fraction", "a 0.5\nb 0.25\n", PF_FILTER_MIN_COUNT, "0.3",
	    "a 0.5\n");
	ONE("min_count/differential_either_column", "a 0 9\nb 1 1\n",
	    PF_FILTER_MIN_COUNT, "2", "a 0 9\n");
	/* The rest are summed into [other], so the total stays the same. */
	ONE("top/keeps_total", sample, PF_FILTER_TOP, "2",
	    "[other] 5\nmain;parse;lex 10\nmain;render;draw;0x7f00dead 5\n");
	ONE("top/all_fit", "a 1\nb 2\n", PF_FILTER_TOP, "2", "a 1\nb 2\n");
	ONE("top/fractions", "a 0.1\nb 0.2\nc 0.3\n", PF_FILTER_TOP, "1",
	    "[other] 0.3\nc 0.3\n");
	ONE("top/zero", "a 1\nb 2\n", PF_FILTER_TOP, "0", "[other] 3\n");
	ONE("top/ties_by_text", "b 1\na 1\nc 1\n", PF_FILTER_TOP, "1",
	    "[other] 2\na 1\n");

	{
		/* Order matters: rename before include sees the new names. */
		struct step_arg r1[] = { { PF_FILTER_RENAME, "s/x/y/" },
		    { PF_FILTER_INCLUDE, "^y$" } };
		struct step_arg r2[] = { { PF_FILTER_INCLUDE, "^y$" },
		    { PF_FILTER_RENAME, "s/x/y/" } };
		struct step_arg r3[] = { { PF_FILTER_FOCUS, "^b$" },
		    { PF_FILTER_PRUNE, "^c$" }, { PF_FILTER_COLLAPSE_RECURSION, NULL } };
		struct step_arg r4[] = { { PF_FILTER_TOP, "1" },
		    { PF_FILTER_MIN_COUNT, "4" } };

		check_chain("order/rename_then_include", "x;z 1\ny 2\nw 4\n", r1, 2,
		    "y 2\ny;z 1\n");
		check_chain("order/include_then_rename", "x;z 1\ny 2\nw 4\n", r2, 2,
		    "y 2\n");
		check_chain("order/focus_prune_collapse", "a;b;b;c;d 1\na;e 2\n", r3, 3,
		    "b;c 1\n");
		check_chain("order/top_then_min_count", "a 1\nb 2\nc 5\n", r4, 2,
		    "c 5\n");
	}

	f = pf_filter_new();
	memset(&err, 0, sizeof(err));
	CHECK("bad_pattern/rc", pf_filter_add(f, PF_FILTER_INCLUDE, "a(b", &err) == -1);
	tap_ok(strstr(err.msg, "'a(b'") != NULL && strstr(err.msg, "3") != NULL,
	    "bad_pattern/message", "%s", err.msg);
	memset(&err, 0, sizeof(err));
	CHECK("bad_rename/rc", pf_filter_add(f, PF_FILTER_RENAME, "s/a/b", &err) == -1);
	tap_ok(strstr(err.msg, "'s/a/b'") != NULL, "bad_rename/message", "%s", err.msg);
	memset(&err, 0, sizeof(err));
	CHECK("bad_rename_flag/rc", pf_filter_add(f, PF_FILTER_RENAME, "s/a/b/q",
	    &err) == -1 && strstr(err.msg, "'q'") != NULL);
	CHECK("bad_top/rc", pf_filter_add(f, PF_FILTER_TOP, "1.5", &err) == -1);
	CHECK("bad_min_count/rc", pf_filter_add(f, PF_FILTER_MIN_COUNT, "-1", &err) == -1);
	CHECK("bad_steps_not_added", pf_filter_count(f) == 0);
	pf_filter_free(f);
	pf_filter_free(NULL);
}

/* ------------------------------------------------------------------- diff */

static void
check_pair(const char *name, const char *before, const char *after, int normalize,
    int strip, const char *want)
{
	struct pf_profile *b = profile_of(before), *a = profile_of(after), *d;
	struct pf_error err;

	memset(&err, 0, sizeof(err));
	if (strip && (pf_transform_strip_hex(&b, &err) != 0 ||
	    pf_transform_strip_hex(&a, &err) != 0)) {
		tap_ok(0, name, "strip failed: %s", err.msg);
		d = NULL;
	} else if ((d = pf_diff_pair(b, a, normalize, &err)) == NULL) {
		tap_ok(0, name, "failed: %s", err.msg);
	} else {
		CHECK("pair/two_columns", pf_profile_columns(d) == 2);
		check_profile(name, d, want);
	}
	pf_profile_free(b);
	pf_profile_free(a);
}

/* The summary of before -> after as text, in a static buffer. */
static const char *
summary_of(const char *before, const char *after, size_t top)
{
	static char buf[8192];
	struct pf_profile *b = profile_of(before), *a = profile_of(after), *d;
	struct pf_summary_options o = { top, 0, -1.0, PF_SUMMARY_TEXT, 0, NULL, 0 };
	struct pf_error err;
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	buf[0] = '\0';
	d = pf_diff_pair(b, a, 0, &err);
	if (f != NULL && d != NULL && pf_diff_summary_write(d, &o, f, &err) != 0)
		snprintf(buf, sizeof(buf), "error: %s", err.msg);
	if (f != NULL)
		fclose(f);
	pf_profile_free(d);
	pf_profile_free(b);
	pf_profile_free(a);
	return buf;
}

static void
test_diff(void)
{
	const char *s;

	check_pair("pair/union", "a 1\nb 2\n", "b 3\nc 4\n", 0, 0, "a 1 0\nb 2 3\nc 0 4\n");
	check_pair("pair/empty_before", "", "a 1\n", 0, 0, "a 0 1\n");
	check_pair("pair/fractions", "a 0.5\n", "a 0.25\n", 0, 0, "a 0.5 0.25\n");
	/* -n: before scaled to after's total, rounded down as difffolded.pl's
	 * int() does. */
	check_pair("pair/normalize", "a 1\nb 2\n", "a 10\n", 1, 0, "a 3 10\nb 6 0\n");
	check_pair("pair/normalize_exact", "a 1\nb 3\n", "a 50\nc 50\n", 1, 0,
	    "a 25 50\nb 75 0\nc 0 50\n");
	check_pair("pair/normalize_orders_of_magnitude", "a 1000000\nb 3000000\n",
	    "a 1\nb 3\n", 1, 0, "a 1 1\nb 3 3\n");
	check_pair("pair/normalize_empty_before", "", "a 5\n", 1, 0, "a 0 5\n");
	/* -s: addresses differ between runs, stacks pair up after stripping. */
	check_pair("pair/strip_hex", "f+0x10;g 1\n", "f+0x20;g 2\n", 0, 1,
	    "f+0x...;g 1 2\n");
	check_pair("pair/strip_hex_normalize", "f 0x1 2\ng 2\n", "f 0x2 1\n", 1, 1,
	    "f 0x... 0 1\ng 0 0\n");

	/* Inclusive counts count a stack once per function, even recursive. */
	s = summary_of("a;b;a 1\nc 1\n", "a;b;a 3\nc 1\n", 5);
	tap_ok(strstr(s, "inclusive counts") != NULL &&
	    strstr(strstr(s, "inclusive counts"), "       1      3      +2") != NULL,
	    "summary/inclusive_recursion_once", "%s", s);
	tap_ok(strstr(s, "total: 2 -> 4 (+2, +100.00%)") != NULL, "summary/total", "%s", s);
	/* Self counts: only leaf frames; b is never one. */
	{
		const char *self = strstr(s, "self counts"), *incl = strstr(s, "inclusive");

		tap_ok(self != NULL && incl != NULL && strstr(self, "  a\n") < incl &&
		    strstr(self, "  b\n") > incl, "summary/self_leaf_only", "%s", s);
	}
	s = summary_of("a 1\nb 1\nc 1\n", "a 4\nb 3\nc 2\n", 1);
	tap_ok(strstr(s, "  a\n") != NULL && strstr(s, "  b\n") == NULL,
	    "summary/top", "%s", s);
}

/* ------------------------------------------------ runs, overlap and the gate */

static void
check_rule(const char *name, const char *text, int ok, int inclusive, int below,
    int share, double points, const char *count, int neg)
{
	struct pf_gate_rule r;
	struct pf_error err;
	int rc = pf_gate_rule_parse(text, &r, &err);

	if (!ok) {
		tap_ok(rc != 0 && strstr(err.msg, text) != NULL, name, "rc %d: %s", rc,
		    rc ? err.msg : "accepted");
		return;
	}
	tap_ok(rc == 0 && r.inclusive == inclusive && r.below == below &&
	    r.share == share && (share ? r.points == points :
	    r.count == cnt(count) && r.count_neg == neg), name,
	    "rc %d incl %d below %d share %d points %g neg %d", rc, r.inclusive,
	    r.below, r.share, r.points, r.count_neg);
}

/* The summary of runs given as folded texts, in format fmt, with rules. */
static char *
summary_runs(const char *const *b, size_t nb, const char *const *a, size_t na,
    enum pf_summary_format fmt, const char *rule, size_t *ntrips)
{
	static char buf[16384];
	struct pf_profile *pb[8], *pa[8], *d = NULL;
	struct pf_summary_options o = { 20, 0, -1.0, fmt, 0, NULL, 0 };
	struct pf_gate_rule r;
	struct pf_summary *s = NULL;
	struct pf_error err;
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	size_t i;

	memset(buf, 0, sizeof(buf));
	*ntrips = 0;
	if (rule != NULL && pf_gate_rule_parse(rule, &r, &err) == 0) {
		o.rules = &r;
		o.nrules = 1;
	}
	for (i = 0; i < nb; i++)
		pb[i] = profile_of(b[i]);
	for (i = 0; i < na; i++)
		pa[i] = profile_of(a[i]);
	if ((d = pf_diff_pair_runs((const struct pf_profile *const *)pb, nb,
	    (const struct pf_profile *const *)pa, na, 0, &err)) == NULL ||
	    (s = pf_summary_new(d, (const struct pf_profile *const *)pb, nb,
	    (const struct pf_profile *const *)pa, na, &o, &err)) == NULL ||
	    f == NULL || pf_summary_write(s, f, &err) != 0)
		snprintf(buf, sizeof(buf), "error: %s", err.msg);
	if (s != NULL)
		*ntrips = pf_summary_ntrips(s);
	if (f != NULL)
		fclose(f);
	pf_summary_free(s);
	pf_profile_free(d);
	for (i = 0; i < nb; i++)
		pf_profile_free(pb[i]);
	for (i = 0; i < na; i++)
		pf_profile_free(pa[i]);
	return buf;
}

static void
test_runs(void)
{
	static const char *const b[] = { "m;f 10\nm;g 90\n", "m;f 12\nm;g 88\n",
	    "m;f 11\nm;g 89\n" };
	static const char *const a[] = { "m;f 20\nm;g 80\n", "m;f 22\nm;g 78\n" };
	static const char *const one[] = { "m;f 21\nm;g 79\n" };
	struct pf_profile *pb[3], *pa[2], *d;
	struct pf_diff_overlap ov;
	struct pf_error err;
	size_t i, n;
	char *s;

	check_rule("rule/self_share", "self>2%", 1, 0, 0, 1, 2.0, NULL, 0);
	check_rule("rule/total_count", "total < -500", 1, 1, 1, 0, 0, "500", 1);
	check_rule("rule/inclusive_fraction", "inclusive>0.5", 1, 1, 0, 0, 0, "0.5", 0);
	check_rule("rule/negative_share", "self<-1.5%", 1, 0, 1, 1, -1.5, NULL, 0);
	check_rule("rule/no_value", "self>", 0, 0, 0, 0, 0, NULL, 0);
	check_rule("rule/no_operator", "self 2%", 0, 0, 0, 0, 0, NULL, 0);
	check_rule("rule/unknown_kind", "leaf>2%", 0, 0, 0, 0, 0, NULL, 0);
	check_rule("rule/exponent", "self>1e3", 0, 0, 0, 0, 0, NULL, 0);
	check_rule("rule/beyond_100_points", "self>200%", 0, 0, 0, 0, 0, NULL, 0);
	check_rule("rule/two_percent_signs", "self>2%%", 0, 0, 0, 0, 0, NULL, 0);
	check_rule("rule/trailing_junk", "self>2x", 0, 0, 0, 0, 0, NULL, 0);

	/* The mean of three runs, exact to nine digits. */
	for (i = 0; i < 3; i++)
		pb[i] = profile_of(b[i]);
	for (i = 0; i < 2; i++)
		pa[i] = profile_of(a[i]);
	d = pf_diff_pair_runs((const struct pf_profile *const *)pb, 3,
	    (const struct pf_profile *const *)pa, 2, 0, &err);
	if (d != NULL && pf_diff_overlap(d, &ov, &err) == 0)
		tap_ok(ov.before == 1.0 && ov.after == 1.0, "overlap/all_shared",
		    "%g %g", ov.before, ov.after);
	check_profile("runs/mean", d, "m;f 11 21\nm;g 89 79\n");
	for (i = 0; i < 3; i++)
		pf_profile_free(pb[i]);
	for (i = 0; i < 2; i++)
		pf_profile_free(pa[i]);

	/* f's shares: 10, 12, 11 (sd 1) and 20, 22 (sd 1.414): the spread is
	 * sqrt(1/3 + 2/2) = 1.154701. */
	s = summary_runs(b, 3, a, 2, PF_SUMMARY_JSON, "self>5%", &n);
	tap_ok(strstr(s, "\"function\": \"f\", \"before\": 11, \"after\": 21, "
	    "\"change\": 10, \"before_percent\": 11, \"after_percent\": 21, "
	    "\"change_points\": 10, \"spread_points\": 1.154701, \"above_noise\": true")
	    != NULL, "runs/spread_welch", "%s", s);
	tap_ok(n == 1, "runs/gate_trips_above_noise", "%zu trips", n);
	/* One run after: it borrows the before side's sd, sqrt(1 * (1/3 + 1)). */
	s = summary_runs(b, 3, one, 1, PF_SUMMARY_JSON, NULL, &n);
	tap_ok(strstr(s, "\"spread_points\": 1.154701") != NULL, "runs/spread_one_side",
	    "%s", s);
	/* A change of 10 points within a spread of 5.1 (noise factor 3) is not
	 * real, and does not trip the gate. */
	{
		static const char *const nb2[] = { "m;f 5\nm;g 95\n", "m;f 15\nm;g 85\n" };
		static const char *const na2[] = { "m;f 20\nm;g 80\n", "m;f 22\nm;g 78\n" };

		s = summary_runs(nb2, 2, na2, 2, PF_SUMMARY_TEXT, "self>5%", &n);
		tap_ok(n == 0 && strstr(s, "gate passed") != NULL, "runs/gate_ignores_noise",
		    "%zu trips: %s", n, s);
	}
	/* No runs shared at all: the heaviest roots are named. */
	{
		struct pf_profile *x = profile_of("p-1;a 3\nq;b 1\n"), *y = profile_of("p-2;a 4\n");

		d = pf_diff_pair(x, y, 0, &err);
		tap_ok(d != NULL && pf_diff_overlap(d, &ov, &err) == 0 && ov.before == 0 &&
		    ov.after == 0 && ov.root_before != ov.root_after, "overlap/none",
		    "%g %g", ov.before, ov.after);
		pf_profile_free(d);
		pf_profile_free(x);
		pf_profile_free(y);
	}
}

int
main(void)
{
	tap_group("counts", test_counts);
	tap_group("scale", test_scale);
	tap_group("filters", test_filters);
	tap_group("diff", test_diff);
	tap_group("runs", test_runs);
	return tap_done();
}
