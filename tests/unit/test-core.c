/*
 * test-core.c - unit tests of the core library: counts, the profile
 * (interning, merging, sorting), the folded format and the line reader.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "tap.h"
#include "internal.h"

/* ------------------------------------------------------------------ counts */

static const struct {
	const char *in;
	int rc;
	const char *out;	/* pf_count_format of the result */
} count_cases[] = {
	{ "0", PF_COUNT_OK, "0" },
	{ "42", PF_COUNT_OK, "42" },
	{ "007", PF_COUNT_OK, "7" },
	{ "1001001", PF_COUNT_OK, "1001001" },
	{ "0.5", PF_COUNT_OK, "0.5" },
	{ "1.250", PF_COUNT_OK, "1.25" },
	{ "7.", PF_COUNT_OK, "7" },
	{ ".5", PF_COUNT_OK, "0.5" },
	{ "0.000", PF_COUNT_OK, "0" },
	{ "0.000000001", PF_COUNT_OK, "0.000000001" },
	{ "123.456789012", PF_COUNT_OK, "123.456789012" },
	/* The tenth fractional digit rounds half-up, later ones are ignored. */
	{ "0.0000000004", PF_COUNT_OK, "0" },
	{ "0.00000000049999", PF_COUNT_OK, "0" },
	{ "0.0000000005", PF_COUNT_OK, "0.000000001" },
	{ "0.1234567894", PF_COUNT_OK, "0.123456789" },
	{ "0.1234567895", PF_COUNT_OK, "0.12345679" },
	{ "1.9999999995", PF_COUNT_OK, "2" },
	{ "0.99999999950000000000000000000000", PF_COUNT_OK, "1" },
	{ "18446744073709551615", PF_COUNT_OK, "18446744073709551615" },
	{ "18446744073709551615.999999999", PF_COUNT_OK,
	    "18446744073709551615.999999999" },
	{ "000000000000000000000000000018446744073709551615", PF_COUNT_OK,
	    "18446744073709551615" },
	{ "18446744073709551615.9999999995", PF_COUNT_OVERFLOW, NULL },
	{ "18446744073709551616", PF_COUNT_OVERFLOW, NULL },
	{ "36893488147419103232", PF_COUNT_OVERFLOW, NULL },
	{ "99999999999999999999999999999999999999999999", PF_COUNT_OVERFLOW, NULL },
	{ "", PF_COUNT_SYNTAX, NULL },
	{ ".", PF_COUNT_SYNTAX, NULL },
	{ "-1", PF_COUNT_SYNTAX, NULL },
	{ "+1", PF_COUNT_SYNTAX, NULL },
	{ "1e3", PF_COUNT_SYNTAX, NULL },
	{ "1E3", PF_COUNT_SYNTAX, NULL },
	{ "1,5", PF_COUNT_SYNTAX, NULL },
	{ " 1", PF_COUNT_SYNTAX, NULL },
	{ "1 ", PF_COUNT_SYNTAX, NULL },
	{ "0x10", PF_COUNT_SYNTAX, NULL },
	{ "1.2.3", PF_COUNT_SYNTAX, NULL },
	{ "1..", PF_COUNT_SYNTAX, NULL },
	{ "..5", PF_COUNT_SYNTAX, NULL },
	{ "nan", PF_COUNT_SYNTAX, NULL },
	{ "inf", PF_COUNT_SYNTAX, NULL },
	{ "½", PF_COUNT_SYNTAX, NULL },
};

static void
test_count_parse(void)
{
	char name[128], buf[PF_COUNT_BUFSIZE];
	size_t i;
	pf_count c;
	int rc;

	for (i = 0; i < sizeof(count_cases) / sizeof(count_cases[0]); i++) {
		const char *in = count_cases[i].in;

		c = 0;
		rc = pf_count_parse(in, strlen(in), &c);
		snprintf(name, sizeof(name), "count_parse/\"%s\"", in);
		if (rc != count_cases[i].rc) {
			tap_ok(0, name, "returned %d, want %d", rc, count_cases[i].rc);
			continue;
		}
		if (count_cases[i].out == NULL) {
			tap_ok(1, name, NULL);
			continue;
		}
		pf_count_format(c, buf);
		tap_str(name, buf, count_cases[i].out);
	}

	/* Exact values, not only their text. */
	CHECK("count_parse/value_half", pf_count_parse("0.5", 3, &c) == 0 &&
	    c == PF_COUNT_ONE / 2);
	CHECK("count_parse/value_max", pf_count_parse("18446744073709551615.999999999",
	    30, &c) == 0 && c == PF_COUNT_MAX);
	CHECK("count_parse/value_unit", pf_count_parse("0.000000001", 11, &c) == 0 &&
	    c == 1);
	/* Only n bytes are looked at: no NUL needed, none allowed inside. */
	CHECK("count_parse/length_bounds", pf_count_parse("123abc", 3, &c) == 0 &&
	    c == pf_count_from_u64(123));
	CHECK("count_parse/empty_prefix", pf_count_parse("5", 0, &c) == PF_COUNT_SYNTAX);
	CHECK("count_parse/embedded_nul", pf_count_parse("1\0", 2, &c) == PF_COUNT_SYNTAX);
}

static void
test_count_format(void)
{
	char buf[PF_COUNT_BUFSIZE];
	pf_count a, b, s;
	size_t n;
	int i, ok;

	n = pf_count_format(0, buf);
	CHECK("count_format/zero", n == 1 && strcmp(buf, "0") == 0);
	n = pf_count_format(PF_COUNT_MAX, buf);
	CHECK("count_format/max_length", n == strlen(buf) && n == 30);
	tap_str("count_format/max", buf, "18446744073709551615.999999999");
	pf_count_format(pf_count_from_u64(UINT64_MAX), buf);
	tap_str("count_format/u64_max", buf, "18446744073709551615");
	pf_count_format(PF_COUNT_ONE / 10 * 3 + 7, buf);
	tap_str("count_format/inner_zeros", buf, "0.300000007");
	pf_count_format(pf_count_from_u64(10) + PF_COUNT_ONE / 100, buf);
	tap_str("count_format/leading_frac_zero", buf, "10.01");

	/* Decimal sums are exact where doubles are not. */
	pf_count_parse("0.1", 3, &a);
	pf_count_parse("0.2", 3, &b);
	ok = pf_count_add(a, b, &s) == 0;
	pf_count_format(s, buf);
	CHECK("count_add/0.1+0.2_ok", ok);
	tap_str("count_add/0.1+0.2", buf, "0.3");
	s = 0;
	for (i = 0; i < 10; i++)
		pf_count_add(s, a, &s);
	pf_count_format(s, buf);
	tap_str("count_add/ten_tenths", buf, "1");
	pf_count_parse("0.333333333", 11, &a);
	pf_count_add(a, a, &s);
	pf_count_add(s, a, &s);
	pf_count_format(s, buf);
	tap_str("count_add/thirds", buf, "0.999999999");

	CHECK("count_to_double/1.5", pf_count_to_double(PF_COUNT_ONE * 3 / 2) == 1.5);
	CHECK("count_to_double/zero", pf_count_to_double(0) == 0.0);
}

static void
test_count_add(void)
{
	pf_count s = 0;

	CHECK("count_add/max_plus_zero", pf_count_add(PF_COUNT_MAX, 0, &s) ==
	    PF_COUNT_OK && s == PF_COUNT_MAX);
	CHECK("count_add/max_plus_unit", pf_count_add(PF_COUNT_MAX, 1, &s) ==
	    PF_COUNT_OVERFLOW);
	CHECK("count_add/unit_plus_max", pf_count_add(1, PF_COUNT_MAX, &s) ==
	    PF_COUNT_OVERFLOW);
	CHECK("count_add/max_plus_max", pf_count_add(PF_COUNT_MAX, PF_COUNT_MAX, &s) ==
	    PF_COUNT_OVERFLOW);
	CHECK("count_add/u64max_plus_one", pf_count_add(pf_count_from_u64(UINT64_MAX),
	    pf_count_from_u64(1), &s) == PF_COUNT_OVERFLOW);
	CHECK("count_add/u64max_plus_fraction", pf_count_add(pf_count_from_u64(UINT64_MAX),
	    PF_COUNT_ONE - 1, &s) == PF_COUNT_OK && s == PF_COUNT_MAX);
	CHECK("count_add/halves_carry", pf_count_add(PF_COUNT_ONE / 2, PF_COUNT_ONE / 2,
	    &s) == PF_COUNT_OK && s == PF_COUNT_ONE);
}

static void
test_error_string(void)
{
	struct pf_error e;
	char buf[1024];

	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "x.folded");
	e.line = 12;
	snprintf(e.msg, sizeof(e.msg), "no sample count");
	tap_str("error_string/name_line", pf_error_string(&e, buf, sizeof(buf)),
	    "'x.folded' line 12: no sample count");
	e.line = 0;
	tap_str("error_string/name", pf_error_string(&e, buf, sizeof(buf)),
	    "'x.folded': no sample count");
	e.name[0] = '\0';
	tap_str("error_string/bare", pf_error_string(&e, buf, sizeof(buf)),
	    "no sample count");
}

/* --------------------------------------------------------------- interning */

static int
frame_is(const struct pf_profile *p, uint32_t id, const char *s, size_t n)
{
	size_t len;
	const char *f = pf_profile_frame(p, id, &len);

	return len == n && memcmp(f, s, n) == 0;
}

static void
test_intern(void)
{
	struct pf_profile *p = pf_profile_new();
	char copy[8], name[96];
	uint32_t a, b, c, d, e, empty, *ids;
	size_t i, n = 100000, len;
	int ok;

	if (p == NULL) {
		tap_ok(0, "intern/new", "out of memory");
		return;
	}
	a = pf_profile_intern(p, "main", 4);
	memcpy(copy, "main", 4);
	CHECK("intern/same_bytes_same_id", pf_profile_intern(p, copy, 4) == a);
	CHECK("intern/prefix_is_other", pf_profile_intern(p, "mai", 3) != a);
	CHECK("intern/frame_bytes", frame_is(p, a, "main", 4));

	/* Names are byte strings: NUL bytes inside are part of them. */
	b = pf_profile_intern(p, "a\0b", 3);
	c = pf_profile_intern(p, "a\0c", 3);
	d = pf_profile_intern(p, "a", 1);
	e = pf_profile_intern(p, "a\0", 2);
	CHECK("intern/nul_distinct", b != c && b != d && b != e && c != d && c != e &&
	    d != e);
	CHECK("intern/nul_same", pf_profile_intern(p, "a\0b", 3) == b &&
	    pf_profile_intern(p, "a\0", 2) == e);
	CHECK("intern/nul_frame_bytes", frame_is(p, b, "a\0b", 3) &&
	    frame_is(p, e, "a\0", 2));
	empty = pf_profile_intern(p, "", 0);
	CHECK("intern/empty_name", empty != UINT32_MAX &&
	    pf_profile_intern(p, "x", 0) == empty && frame_is(p, empty, "", 0));
	CHECK("intern/nframes", pf_profile_nframes(p) == 7);
	CHECK("intern/frame_out_of_range",
	    pf_profile_frame(p, 12345, &len) != NULL && len == 0);

	/* Enough names to make the table grow many times over; long and short
	 * ones, so that both paths of the hash are used. */
	ids = malloc(n * sizeof(*ids));
	ok = ids != NULL;
	for (i = 0; ok && i < n; i++) {
		if (i % 2)
			snprintf(name, sizeof(name), "%zx", i);
		else
			snprintf(name, sizeof(name), "a/rather/long/common/prefix::f%zu", i);
		ids[i] = pf_profile_intern(p, name, strlen(name));
		if (ids[i] == UINT32_MAX)
			ok = 0;
	}
	CHECK("intern/many_count", ok && pf_profile_nframes(p) == 7 + n);
	for (i = 0; ok && i < n; i++) {
		if (i % 2)
			snprintf(name, sizeof(name), "%zx", i);
		else
			snprintf(name, sizeof(name), "a/rather/long/common/prefix::f%zu", i);
		if (pf_profile_intern(p, name, strlen(name)) != ids[i] ||
		    !frame_is(p, ids[i], name, strlen(name)))
			ok = 0;
	}
	CHECK("intern/many_stable", ok);
	CHECK("intern/old_ids_survive_rehash", frame_is(p, a, "main", 4) &&
	    pf_profile_intern(p, "a\0c", 3) == c);
	free(ids);
	pf_profile_free(p);
	pf_profile_free(NULL);
	tap_ok(1, "profile_free/null", NULL);
}

/* ----------------------------------------------------------------- profile */

/* Adds the stack "f1;f2;..." (frames split at ';') with counts a and b. */
static int
add_text(struct pf_profile *p, const char *text, pf_count a, pf_count b)
{
	uint32_t ids[64];
	size_t n = 0;
	const char *s = text, *e;
	struct pf_error err;

	for (;;) {
		e = strchr(s, ';');
		if (e == NULL)
			e = s + strlen(s);
		ids[n++] = pf_profile_intern(p, s, (size_t)(e - s));
		if (*e == '\0')
			break;
		s = e + 1;
	}
	return pf_profile_add(p, ids, n, a, b, &err);
}

static void
test_profile_add(void)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_error err;
	pf_count a, b;
	uint32_t ids[4];
	const uint32_t *f;
	size_t n, i;
	char *out, name[32];
	int ok;

	CHECK("profile/new_empty", pf_profile_nstacks(p) == 0 &&
	    pf_profile_nframes(p) == 0 && pf_profile_columns(p) == 1);
	add_text(p, "a;b", pf_count_from_u64(1), 0);
	add_text(p, "a;b", pf_count_from_u64(2), 0);
	add_text(p, "a", pf_count_from_u64(5), 0);
	add_text(p, "a;b;c", PF_COUNT_ONE / 2, 0);
	add_text(p, "a;b", PF_COUNT_ONE / 4, 0);
	CHECK("profile_add/merged", pf_profile_nstacks(p) == 3);
	f = pf_profile_stack(p, 0, &n, &a, &b);
	CHECK("profile_add/first_stack", n == 2 && frame_is(p, f[0], "a", 1) &&
	    frame_is(p, f[1], "b", 1));
	CHECK("profile_add/summed", a == pf_count_from_u64(3) + PF_COUNT_ONE / 4 &&
	    b == 0);
	f = pf_profile_stack(p, 2, &n, &a, NULL);
	CHECK("profile_add/insertion_order", n == 3 && frame_is(p, f[2], "c", 1) &&
	    a == PF_COUNT_ONE / 2);
	out = folded_text(p, NULL);
	tap_str("profile_add/folded", out, "a 5\na;b 3.25\na;b;c 0.5\n");
	free(out);
	pf_profile_free(p);

	/* A total beyond 2^64 is an error, not a wrapped count. */
	p = pf_profile_new();
	ids[0] = pf_profile_intern(p, "x", 1);
	ok = pf_profile_add(p, ids, 1, pf_count_from_u64(UINT64_MAX), 0, &err) == 0;
	ok = ok && pf_profile_add(p, ids, 1, PF_COUNT_ONE - 1, 0, &err) == 0;
	CHECK("profile_add/up_to_max", ok);
	memset(&err, 0, sizeof(err));
	CHECK("profile_add/overflow", pf_profile_add(p, ids, 1, 1, 0, &err) == -1 &&
	    strstr(err.msg, "overflow") != NULL);
	/* A failed add leaves the total as it was. */
	pf_profile_stack(p, 0, &n, &a, &b);
	CHECK("profile_add/overflow_keeps_total", a == PF_COUNT_MAX);
	out = folded_text(p, NULL);
	tap_str("profile_add/overflow_keeps_output", out,
	    "x 18446744073709551615.999999999\n");
	free(out);
	ids[0] = pf_profile_intern(p, "y", 1);
	CHECK("profile_add/overflow_b", pf_profile_add(p, ids, 1, 0, PF_COUNT_MAX,
	    &err) == 0 && pf_profile_add(p, ids, 1, 0, 1, &err) == -1);
	pf_profile_free(p);

	/* Differential profiles keep the two columns apart. */
	p = pf_profile_new();
	pf_profile_set_columns(p, 2);
	add_text(p, "m;n", pf_count_from_u64(1), pf_count_from_u64(10));
	add_text(p, "m;n", pf_count_from_u64(2), 0);
	add_text(p, "m", 0, pf_count_from_u64(7));
	CHECK("profile_add/columns", pf_profile_columns(p) == 2);
	out = folded_text(p, NULL);
	tap_str("profile_add/differential", out, "m 0 7\nm;n 3 10\n");
	free(out);
	pf_profile_set_columns(p, 5);
	CHECK("profile/set_columns_clamps", pf_profile_columns(p) == 1);
	pf_profile_free(p);

	/* Many distinct stacks make the stack table grow. */
	p = pf_profile_new();
	ids[0] = pf_profile_intern(p, "root", 4);
	ok = 1;
	for (i = 0; i < 60000 && ok; i++) {
		snprintf(name, sizeof(name), "f%zu", i % 300);
		ids[1] = pf_profile_intern(p, name, strlen(name));
		snprintf(name, sizeof(name), "g%zu", i / 300);
		ids[2] = pf_profile_intern(p, name, strlen(name));
		ok = pf_profile_add(p, ids, 3, pf_count_from_u64(1), 0, &err) == 0;
	}
	for (i = 0; i < 60000 && ok; i++) {
		snprintf(name, sizeof(name), "f%zu", i % 300);
		ids[1] = pf_profile_intern(p, name, strlen(name));
		snprintf(name, sizeof(name), "g%zu", i / 300);
		ids[2] = pf_profile_intern(p, name, strlen(name));
		ok = pf_profile_add(p, ids, 3, pf_count_from_u64(2), 0, &err) == 0;
	}
	CHECK("profile_add/many_stacks", ok && pf_profile_nstacks(p) == 60000);
	for (i = 0; i < 60000 && ok; i++) {
		pf_profile_stack(p, i, &n, &a, &b);
		ok = n == 3 && a == pf_count_from_u64(3);
	}
	CHECK("profile_add/many_stacks_counts", ok);
	pf_profile_free(p);

	/* Stacks are compared as a whole: "a;b" differs from "a" + "b". */
	p = pf_profile_new();
	add_text(p, "ab", pf_count_from_u64(1), 0);
	add_text(p, "a;b", pf_count_from_u64(1), 0);
	add_text(p, "b;a", pf_count_from_u64(1), 0);
	CHECK("profile_add/order_matters", pf_profile_nstacks(p) == 3);
	pf_profile_free(p);
}

/*
 * An empty stack (no frame at all) is allowed by the API; adding it twice
 * must find the first one.  Run under the sanitizers this also checks that
 * no NULL pool pointer reaches memcmp.
 */
static void
test_profile_empty_stack(void)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_error err;
	uint32_t dummy = 0;
	pf_count a;
	size_t n;

	CHECK("profile_add/empty_stack", pf_profile_add(p, &dummy, 0,
	    pf_count_from_u64(1), 0, &err) == 0 && pf_profile_add(p, &dummy, 0,
	    pf_count_from_u64(2), 0, &err) == 0 && pf_profile_nstacks(p) == 1);
	pf_profile_stack(p, 0, &n, &a, NULL);
	CHECK("profile_add/empty_stack_count", n == 0 && a == pf_count_from_u64(3));
	pf_profile_free(p);

	/* A lone nameless frame would be the line " N": "[no name]", counted,
	 * and the count carried through a merge. */
	{
		struct pf_profile *q = pf_profile_new();
		const uint32_t *f;
		uint32_t id, big[2];
		char *name = malloc(PF_LINE_MAX), *out;

		p = pf_profile_new();
		id = pf_profile_intern(q, "", 0);
		CHECK("profile_add/lone_nameless", pf_profile_add(q, &id, 1,
		    pf_count_from_u64(4), 0, &err) == 0 && pf_profile_unnamed(q) ==
		    pf_count_from_u64(4));
		f = pf_profile_stack(q, 0, &n, &a, NULL);
		CHECK("profile_add/lone_nameless_named", n == 1 &&
		    frame_is(q, f[0], "[no name]", 9));
		big[0] = big[1] = id;
		CHECK("profile_add/nameless_in_stack_kept", pf_profile_add(q, big, 2,
		    pf_count_from_u64(1), 0, &err) == 0 && pf_profile_unnamed(q) ==
		    pf_count_from_u64(4));
		CHECK("profile_add/unnamed_merged", pf_profile_merge(p, q, &err) == 0 &&
		    pf_profile_unnamed(p) == pf_count_from_u64(4));
		out = folded_text(p, NULL);
		tap_str("profile_add/nameless_folded", out, "; 1\n[no name] 4\n");
		free(out);
		pf_profile_free(p);
		pf_profile_free(q);

		/* A stack longer than a folded line may be is refused. */
		p = pf_profile_new();
		memset(name, 'x', PF_LINE_MAX / 2);
		big[0] = pf_profile_intern(p, name, PF_LINE_MAX / 2 - 40);
		big[1] = pf_profile_intern(p, name, PF_LINE_MAX / 2 - 40);
		CHECK("profile_add/long_stack_fits", pf_profile_add(p, big, 2,
		    PF_COUNT_ONE, 0, &err) == 0);
		big[1] = pf_profile_intern(p, name, PF_LINE_MAX / 2);
		memset(&err, 0, sizeof(err));
		CHECK("profile_add/too_long_stack", pf_profile_add(p, big, 2,
		    PF_COUNT_ONE, 0, &err) == -1 && strstr(err.msg,
		    "longer than a folded line") != NULL && pf_profile_nstacks(p) == 1);
		pf_profile_free(p);
		free(name);
	}
}

static void
test_profile_merge(void)
{
	struct pf_profile *x = pf_profile_new(), *y = pf_profile_new();
	struct pf_profile *z = pf_profile_new(), *d = pf_profile_new();
	struct pf_error err;
	char *out;

	/* The same names interned in different orders get different ids. */
	pf_profile_intern(x, "x", 1);
	pf_profile_intern(x, "y", 1);
	add_text(x, "x;y", pf_count_from_u64(1), 0);
	add_text(x, "y", pf_count_from_u64(2), 0);
	pf_profile_intern(y, "q", 1);
	pf_profile_intern(y, "z", 1);
	pf_profile_intern(y, "y", 1);
	add_text(y, "x;y", pf_count_from_u64(10), 0);
	add_text(y, "z", pf_count_from_u64(3), 0);
	add_text(y, "y;x", PF_COUNT_ONE / 2, 0);
	CHECK("profile_merge/rc", pf_profile_merge(x, y, &err) == 0);
	CHECK("profile_merge/nstacks", pf_profile_nstacks(x) == 4);
	out = folded_text(x, NULL);
	tap_str("profile_merge/different_intern_order", out,
	    "x;y 11\ny 2\ny;x 0.5\nz 3\n");
	free(out);
	/* The source is left alone. */
	out = folded_text(y, NULL);
	tap_str("profile_merge/source_unchanged", out, "x;y 10\ny;x 0.5\nz 3\n");
	free(out);

	/* Into an empty profile; and a differential source makes the
	 * destination differential. */
	CHECK("profile_merge/into_empty", pf_profile_merge(z, y, &err) == 0 &&
	    pf_profile_nstacks(z) == 3 && pf_profile_columns(z) == 1);
	pf_profile_set_columns(d, 2);
	add_text(d, "z", pf_count_from_u64(1), pf_count_from_u64(4));
	CHECK("profile_merge/differential_rc", pf_profile_merge(z, d, &err) == 0);
	CHECK("profile_merge/differential_columns", pf_profile_columns(z) == 2);
	out = folded_text(z, NULL);
	tap_str("profile_merge/differential", out, "x;y 10 0\ny;x 0.5 0\nz 4 4\n");
	free(out);

	/* Overflow while merging is reported. */
	pf_profile_free(d);
	d = pf_profile_new();
	add_text(d, "z", PF_COUNT_MAX, 0);
	memset(&err, 0, sizeof(err));
	CHECK("profile_merge/overflow", pf_profile_merge(y, d, &err) == -1 &&
	    strstr(err.msg, "overflow") != NULL);

	pf_profile_free(x);
	pf_profile_free(y);
	pf_profile_free(z);
	pf_profile_free(d);
}

/* ----------------------------------------------------------------- sorting */

/* The folded text of stack i of p, for comparisons; static buffer. */
static const char *
stack_text(const struct pf_profile *p, size_t i, size_t *tlen)
{
	static char buf[4096];
	const uint32_t *f;
	size_t n, j, len, used = 0;
	const char *name;

	f = pf_profile_stack(p, i, &n, NULL, NULL);
	for (j = 0; j < n; j++) {
		name = pf_profile_frame(p, f[j], &len);
		if (j > 0)
			buf[used++] = ';';
		memcpy(buf + used, name, len);
		used += len;
	}
	*tlen = used;
	return buf;
}

/* Byte-wise (unsigned) order of two texts; a prefix comes first. */
static int
bytecmp(const char *a, size_t la, const char *b, size_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);

	if (c != 0)
		return c;
	return (la > lb) - (la < lb);
}

/* Whether pf_profile_sorted puts the stacks of p in byte-wise order. */
static int
sorted_ok(const struct pf_profile *p, char *why, size_t whysize)
{
	size_t *order = pf_profile_sorted(p), i, la = 0, lb;
	char prev[4096];
	const char *t;
	int ok = 1;

	if (order == NULL) {
		snprintf(why, whysize, "pf_profile_sorted returned NULL");
		return 0;
	}
	for (i = 0; i < pf_profile_nstacks(p) && ok; i++) {
		t = stack_text(p, order[i], &lb);
		if (i > 0 && bytecmp(prev, la, t, lb) >= 0) {
			snprintf(why, whysize, "\"%.*s\" sorted before \"%.*s\"",
			    (int)la, prev, (int)lb, t);
			ok = 0;
		}
		memcpy(prev, t, lb);
		la = lb;
	}
	free(order);
	return ok;
}

static void
sort_pair(const char *name, const char *first, const char *second)
{
	struct pf_profile *p = pf_profile_new();
	size_t *order;
	char *out, want[256], wname[128];

	/* Inserted in the wrong order on purpose. */
	add_text(p, second, pf_count_from_u64(2), 0);
	add_text(p, first, pf_count_from_u64(1), 0);
	order = pf_profile_sorted(p);
	CHECK(name, order != NULL && order[0] == 1 && order[1] == 0);
	free(order);
	pf_profile_free(p);

	/* And the other way round, through the writer. */
	p = pf_profile_new();
	add_text(p, first, pf_count_from_u64(1), 0);
	add_text(p, second, pf_count_from_u64(2), 0);
	out = folded_text(p, NULL);
	snprintf(want, sizeof(want), "%s 1\n%s 2\n", first, second);
	snprintf(wname, sizeof(wname), "%s/write", name);
	tap_str(wname, out, want);
	free(out);
	pf_profile_free(p);
}

static void
test_sorted(void)
{
	static const char *frames[] = {
		"", "a", "a!", "ab", "a b", "b", "B", "\xff", "a\xff", "a;", "~",
	};
	struct pf_profile *p;
	uint32_t ids[6];
	uint64_t seed = 12345;
	size_t i, j, depth, *order;
	char why[9000];
	struct pf_error err;

	sort_pair("sorted/a<a;b", "a", "a;b");
	sort_pair("sorted/a!<a;x", "a!", "a;x");
	sort_pair("sorted/a;b<ab", "a;b", "ab");
	sort_pair("sorted/a;b<a;b;c", "a;b", "a;b;c");
	sort_pair("sorted/a;b;c<a;bc", "a;b;c", "a;bc");
	sort_pair("sorted/A<a", "A", "a");
	sort_pair("sorted/a<a\\xff", "a", "a\xff");
	sort_pair("sorted/a;z<a\\xff", "a;z", "a\xff");
	sort_pair("sorted/empty_first_frame", ";x", "a");
	sort_pair("sorted/empty_last_frame", "a;", "a;b");
	sort_pair("sorted/empty_vs_semicolon", "a;;b", "a;b");
	sort_pair("sorted/space_before_semicolon", "a b", "a;b");
	sort_pair("sorted/main<main2", "x;main", "x;main2");

	/* Random stacks over names that are prefixes of each other. */
	p = pf_profile_new();
	for (i = 0; i < 3000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		depth = 1 + (seed >> 33) % 5;
		for (j = 0; j < depth; j++) {
			const char *f;

			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			f = frames[(seed >> 33) % (sizeof(frames) / sizeof(frames[0]))];
			/* "a;" is not a frame name: it becomes "a" + "". */
			if (strcmp(f, "a;") == 0)
				f = "a";
			ids[j] = pf_profile_intern(p, f, strlen(f));
		}
		pf_profile_add(p, ids, depth, pf_count_from_u64(1), 0, &err);
	}
	why[0] = '\0';
	tap_ok(sorted_ok(p, why, sizeof(why)), "sorted/random_bytewise", "%s", why);
	pf_profile_free(p);

	p = pf_profile_new();
	order = pf_profile_sorted(p);
	CHECK("sorted/empty_profile", order != NULL);
	free(order);
	pf_profile_free(p);
}

/* ------------------------------------------------------------ folded read */

struct fold_case {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *out;	/* NULL: an error is expected */
	uint64_t line;		/* of the error */
	const char *msg;	/* part of the error message */
};

static const struct fold_case fold_cases[] = {
	{ "folded_read/basic", "a;b 1\na;b 2\nc 3\n", 0, "a;b 3\nc 3\n", 0, NULL },
	{ "folded_read/unsorted", "z 1\na;b 2\na 3\n", 0, "a 3\na;b 2\nz 1\n", 0, NULL },
	{ "folded_read/crlf", "a;b 1\r\nc 2\r\na;b 3\r\n", 0, "a;b 4\nc 2\n", 0, NULL },
	{ "folded_read/crlf_last_line", "a 1\r\nb 2\r", 0, "a 1\nb 2\n", 0, NULL },
	{ "folded_read/no_final_newline", "a 1\nb 2", 0, "a 1\nb 2\n", 0, NULL },
	{ "folded_read/blank_lines", "\n\na 1\n\n   \n\t\n \t \nb 2\n\n\n", 0,
	    "a 1\nb 2\n", 0, NULL },
	{ "folded_read/only_blank", "\n \n\r\n", 0, "", 0, NULL },
	{ "folded_read/empty", "", 0, "", 0, NULL },
	{ "folded_read/fractions", "a 0.1\nb 1.5\na 0.2\nc 7.\nd .25\n", 0,
	    "a 0.3\nb 1.5\nc 7\nd 0.25\n", 0, NULL },
	{ "folded_read/zero_count", "a 0\n", 0, "a 0\n", 0, NULL },
	{ "folded_read/trailing_spaces", "a;b 5   \n", 0, "a;b 5\n", 0, NULL },
	{ "folded_read/spaces_in_frames", "java;a b;c  d 5\n", 0,
	    "java;a b;c  d 5\n", 0, NULL },
	{ "folded_read/several_spaces_before_count", "a;b    5\n", 0, "a;b 5\n", 0, NULL },
	{ "folded_read/empty_frames", ";a 1\na; 2\na;;b 3\n", 0,
	    ";a 1\na; 2\na;;b 3\n", 0, NULL },
	{ "folded_read/annotations_kept", "a_[k];b_[j];c_[i] 1\n", 0,
	    "a_[k];b_[j];c_[i] 1\n", 0, NULL },
	{ "folded_read/utf8", "na\xc3\xafve-\xce\xbb;f 2\n", 0,
	    "na\xc3\xafve-\xce\xbb;f 2\n", 0, NULL },
	{ "folded_read/invalid_utf8", "\xff\xfe;\xc3 2\n", 0, "\xff\xfe;\xc3 2\n", 0, NULL },
	{ "folded_read/big_count", "a 18446744073709551615\n", 0,
	    "a 18446744073709551615\n", 0, NULL },
	{ "folded_read/big_sum", "a 18446744073709551614.5\na 1.499999999\n", 0,
	    "a 18446744073709551615.999999999\n", 0, NULL },
	{ "folded_read/differential", "a;b 1 2\nc 3 4\na;b 5 6\n", 0,
	    "a;b 6 8\nc 3 4\n", 0, NULL },
	{ "folded_read/differential_fractions", "a 0.5 1.25\nb 0 0.1\n", 0,
	    "a 0.5 1.25\nb 0 0.1\n", 0, NULL },
	{ "folded_read/differential_spaces", "a b;c 1 2\n", 0, "a b;c 1 2\n", 0, NULL },
	/* The first line decides: then "b 2" is a frame name. */
	{ "folded_read/one_column_decided", "a 1\nb 2 3\n", 0, "a 1\nb 2 3\n", 0, NULL },

	{ "folded_read/error_no_count", "a;b\n", 0, NULL, 1, "no sample count" },
	{ "folded_read/error_bad_count", "a 1\nb x\n", 0, NULL, 2, "no sample count" },
	{ "folded_read/error_negative", "a 1\n\nb -1\n", 0, NULL, 3, "no sample count" },
	{ "folded_read/error_exponent", "a 1e3\n", 0, NULL, 1, "no sample count" },
	{ "folded_read/error_comma", "a 1,5\n", 0, NULL, 1, "no sample count" },
	{ "folded_read/error_empty_stack", "a 1\n 5\n", 0, NULL, 2, "empty stack" },
	{ "folded_read/error_nul", "a 1\na\0b 1\n", 10, NULL, 2, "NUL byte" },
	{ "folded_read/error_nul_in_count", "a 1\0\n", 5, NULL, 1, "NUL byte" },
	{ "folded_read/error_count_too_large", "a 1\nb 18446744073709551616\n", 0,
	    NULL, 2, "too large" },
	{ "folded_read/error_sum_overflow", "a 18446744073709551615\nb 1\na 1\n", 0,
	    NULL, 3, "overflow" },
	{ "folded_read/error_differential_one_column", "a 1 2\nb 3 4\nc 5\n", 0,
	    NULL, 3, "two counts" },
	{ "folded_read/error_differential_bad_first", "a 1 2\nb x 4\n", 0,
	    NULL, 2, "two counts" },
	{ "folded_read/error_differential_too_large", "a 1 2\nb 18446744073709551616 4\n",
	    0, NULL, 2, "too large" },
	{ "folded_read/error_after_blank_lines", "\n\n\na 1\n\nb\n", 0, NULL, 6,
	    "no sample count" },
	{ "folded_read/error_crlf_line", "a 1\r\nb\r\n", 0, NULL, 2, "no sample count" },
};

static void
test_folded_read(void)
{
	size_t i;

	for (i = 0; i < sizeof(fold_cases) / sizeof(fold_cases[0]); i++) {
		const struct fold_case *c = &fold_cases[i];
		struct pf_profile *p = pf_profile_new();
		struct pf_error err;
		size_t len = c->len ? c->len : strlen(c->in);
		int rc = folded_from(p, c->in, len, &err);
		char *out;

		if (c->out != NULL) {
			if (rc != 0) {
				tap_ok(0, c->name, "failed: line %llu: %s",
				    (unsigned long long)err.line, err.msg);
			} else {
				out = folded_text(p, NULL);
				tap_str(c->name, out, c->out);
				free(out);
			}
		} else if (rc == 0) {
			tap_ok(0, c->name, "succeeded, want an error at line %llu",
			    (unsigned long long)c->line);
		} else {
			tap_err(c->name, &err, "t.folded", c->line, c->msg);
		}
		pf_profile_free(p);
	}
}

static void
test_folded_read_more(void)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_error err;
	char *big, *out, path[64];
	size_t i, n, len, nframes = 100000;
	const uint32_t *f;
	pf_count a;
	struct pf_reader *r;
	int ok;

	/* The count decides the columns: two-column input sets the profile. */
	folded_from(p, "a 1 2\n", 6, &err);
	CHECK("folded_read/sets_columns", pf_profile_columns(p) == 2);
	pf_profile_free(p);

	/* Several inputs add up in one profile. */
	p = pf_profile_new();
	ok = folded_from(p, "a;b 1\nc 2\n", 10, &err) == 0 &&
	    folded_from(p, "c 3\na;b 0.5", 11, &err) == 0;
	out = folded_text(p, NULL);
	CHECK("folded_read/two_inputs_rc", ok);
	tap_str("folded_read/two_inputs", out, "a;b 1.5\nc 5\n");
	free(out);
	pf_profile_free(p);

	/* A long line: a stack of 100000 frames. */
	big = malloc(nframes * 8 + 32);
	len = 0;
	for (i = 0; i < nframes; i++)
		len += (size_t)sprintf(big + len, "%sf%zu", i ? ";" : "", i % 1000);
	len += (size_t)sprintf(big + len, " 7\nshort 1\n");
	p = pf_profile_new();
	ok = folded_from(p, big, len, &err) == 0;
	CHECK("folded_read/long_line_rc", ok);
	f = ok ? pf_profile_stack(p, 0, &n, &a, NULL) : NULL;
	CHECK("folded_read/long_line_frames", f != NULL && n == nframes &&
	    a == pf_count_from_u64(7) && frame_is(p, f[nframes - 1], "f999", 4) &&
	    pf_profile_nframes(p) == 1001);
	pf_profile_free(p);

	/* The same through a file, where the reader's buffer has to grow. */
	p = pf_profile_new();
	ok = 0;
	if (tmp_file(path, big, len) == 0) {
		r = pf_reader_open(path, &err);
		ok = r != NULL && pf_folded_read(p, r, &err) == 0;
		pf_reader_free(r);
		unlink(path);
	}
	f = ok ? pf_profile_stack(p, 0, &n, &a, NULL) : NULL;
	CHECK("folded_read/long_line_file", f != NULL && n == nframes &&
	    pf_profile_nstacks(p) == 2);
	pf_profile_free(p);
	free(big);

	/* Deep into a differential file, a one-column line is still an error
	 * that names its own line. */
	big = malloc(40000 * 24 + 64);
	len = 0;
	for (i = 0; i < 40000; i++)
		len += (size_t)sprintf(big + len, "main;f%zu %zu %zu\n", i % 977, i, i + 1);
	len += (size_t)sprintf(big + len, "\nmain;g 5\nmain;h 1 2\n");
	p = pf_profile_new();
	memset(&err, 0, sizeof(err));
	CHECK("folded_read/differential_late_one_column_rc",
	    folded_from(p, big, len, &err) == -1);
	tap_err("folded_read/differential_late_one_column", &err, "t.folded", 40002,
	    "two counts");
	pf_profile_free(p);
	free(big);

	/* Error names come from the reader. */
	p = pf_profile_new();
	r = pf_reader_mem("-", "a\n", 2);
	memset(&err, 0, sizeof(err));
	CHECK("folded_read/error_stdin_name", pf_folded_read(p, r, &err) == -1 &&
	    strcmp(err.name, "<stdin>") == 0 && err.line == 1);
	pf_reader_free(r);
	pf_profile_free(p);
}

/* A line beyond PF_LINE_MAX in a file is an error naming that line. */
static void
test_folded_read_toolong(void)
{
	size_t big = PF_LINE_MAX + 100, len;
	char *buf = malloc(big + 64), path[64];
	struct pf_profile *p = pf_profile_new();
	struct pf_error err;
	struct pf_reader *r;
	int rc = 0;

	len = (size_t)sprintf(buf, "a 1\n");
	memset(buf + len, 'x', big);
	len += big;
	len += (size_t)sprintf(buf + len, " 1\nb 2\n");
	memset(&err, 0, sizeof(err));
	if (tmp_file(path, buf, len) == 0) {
		r = pf_reader_open(path, &err);
		rc = r != NULL ? pf_folded_read(p, r, &err) : 0;
		pf_reader_free(r);
		unlink(path);
	}
	CHECK("folded_read/too_long_rc", rc == -1);
	tap_err("folded_read/too_long_error", &err, path, 2, "longer than");
	free(buf);
	pf_profile_free(p);
}

/* ----------------------------------------------------------- folded write */

static void
test_folded_write(void)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_error err;
	FILE *f;
	char *out;

	out = folded_text(p, NULL);
	tap_str("folded_write/empty", out, "");
	free(out);

	add_text(p, "b;c", pf_count_from_u64(3), 0);
	add_text(p, "a b", PF_COUNT_ONE / 8, 0);
	add_text(p, "b", 0, 0);
	add_text(p, "b;c", pf_count_from_u64(1000000000), 0);
	out = folded_text(p, NULL);
	tap_str("folded_write/format", out, "a b 0.125\nb 0\nb;c 1000000003\n");
	free(out);

	/* A write error is reported, not ignored. */
	f = fopen("/dev/full", "w");
	if (f != NULL) {
		memset(&err, 0, sizeof(err));
		CHECK("folded_write/write_error", pf_folded_write(p, f, &err) == -1 &&
		    strstr(err.msg, "write error") != NULL);
		fclose(f);
	}
	pf_profile_free(p);
}

/*
 * What pf writes, pf must read back as the same profile.  The exception is
 * documented in pf-folded(5): a one-column profile whose first written stack
 * ends in " NUMBER" (a frame name such as "worker 2", legal in one-column
 * input when it is not the first line) is written as a line that looks
 * differential, to pf as to every other reader of the format, which decide
 * by the line.  pf must then refuse it with an error naming the line, never
 * read it as something else.
 */
static void
test_folded_roundtrip(void)
{
	static const char *ins[] = {
		"a;b 1\nc 2.5\n",
		"a 1 2\nb 0 3\n",
		"zz 1\nworker 2 3\n",
	};
	char name[64], *out, *out2;
	size_t i;

	for (i = 0; i < sizeof(ins) / sizeof(ins[0]); i++) {
		struct pf_profile *p = pf_profile_new(), *q = pf_profile_new();
		struct pf_error err;
		int rc;

		snprintf(name, sizeof(name), "folded_roundtrip/%zu", i + 1);
		folded_from(p, ins[i], strlen(ins[i]), &err);
		out = folded_text(p, NULL);
		rc = out != NULL ? folded_from(q, out, strlen(out), &err) : -1;
		if (i == 2) {
			tap_ok(rc != 0 && err.line == 2 && strstr(err.msg, "two counts") != NULL,
			    name, "want the documented error at line 2, got rc %d line %llu: %s",
			    rc, (unsigned long long)err.line, rc ? err.msg : "");
		} else if (rc != 0) {
			tap_ok(0, name, "cannot read back what was written: line %llu: %s",
			    (unsigned long long)err.line, err.msg);
		} else {
			out2 = folded_text(q, NULL);
			tap_str(name, out2, out);
			free(out2);
		}
		free(out);
		pf_profile_free(p);
		pf_profile_free(q);
	}
}

/* ------------------------------------------------------------------ reader */

struct want_line {
	int rc;
	const char *text;
	int terminated;
};

/* Reads r to its end and checks every line (text NULL: any). */
static void
check_lines(const char *name, struct pf_reader *r, const struct want_line *w,
    size_t nw)
{
	struct pf_error err;
	const char *line;
	size_t len, i;
	int rc;

	if (r == NULL) {
		tap_ok(0, name, "no reader");
		return;
	}
	for (i = 0;; i++) {
		rc = pf_reader_line(r, &line, &len, &err);
		if (i == nw) {
			if (rc == PF_LINE_EOF)
				break;
			tap_ok(0, name, "line %zu: got %d (\"%.*s\"), want the end", i + 1,
			    rc, rc == PF_LINE_OK ? (int)(len > 40 ? 40 : len) : 0,
			    rc == PF_LINE_OK ? line : "");
			return;
		}
		if (rc != w[i].rc) {
			tap_ok(0, name, "line %zu: got %d, want %d", i + 1, rc, w[i].rc);
			return;
		}
		if (rc == PF_LINE_EOF)
			break;
		if (pf_reader_lineno(r) != i + 1) {
			tap_ok(0, name, "line %zu: lineno is %llu", i + 1,
			    (unsigned long long)pf_reader_lineno(r));
			return;
		}
		if (rc == PF_LINE_OK && w[i].text != NULL &&
		    (len != strlen(w[i].text) || memcmp(line, w[i].text, len) != 0)) {
			tap_ok(0, name, "line %zu: got \"%.*s\", want \"%s\"", i + 1,
			    (int)(len > 60 ? 60 : len), line, w[i].text);
			return;
		}
		if (w[i].terminated >= 0 && pf_reader_terminated(r) != w[i].terminated) {
			tap_ok(0, name, "line %zu: terminated is %d", i + 1,
			    pf_reader_terminated(r));
			return;
		}
	}
	/* The end is sticky. */
	rc = pf_reader_line(r, &line, &len, &err);
	tap_ok(rc == PF_LINE_EOF, name, "read after the end returned %d", rc);
}

static const char reader_text[] = "first\n\nthird\r\n\r\n  spaced  \nlast\r";
static const struct want_line reader_lines[] = {
	{ PF_LINE_OK, "first", 1 },
	{ PF_LINE_OK, "", 1 },
	{ PF_LINE_OK, "third", 1 },
	{ PF_LINE_OK, "", 1 },
	{ PF_LINE_OK, "  spaced  ", 1 },
	{ PF_LINE_OK, "last", 0 },
};

static void
test_reader_mem(void)
{
	struct pf_reader *r;
	struct pf_error err;
	const char *buf;
	static const struct want_line one[] = { { PF_LINE_OK, "x", 1 } };
	static const struct want_line cr[] = {
		{ PF_LINE_OK, "a\r", 1 }, { PF_LINE_OK, "", 1 }, { PF_LINE_OK, "b", 1 },
	};
	static const struct want_line nul[] = {
		{ PF_LINE_OK, NULL, 1 }, { PF_LINE_OK, "z", 0 },
	};
	const char *line;
	size_t len;

	r = pf_reader_mem("m", reader_text, sizeof(reader_text) - 1);
	check_lines("reader_mem/lines", r, reader_lines,
	    sizeof(reader_lines) / sizeof(reader_lines[0]));
	CHECK("reader_mem/name", strcmp(pf_reader_name(r), "m") == 0);
	pf_reader_free(r);

	r = pf_reader_mem("m", "", 0);
	check_lines("reader_mem/empty", r, NULL, 0);
	pf_reader_free(r);
	r = pf_reader_mem("m", NULL, 0);
	check_lines("reader_mem/null_empty", r, NULL, 0);
	pf_reader_free(r);
	r = pf_reader_mem("m", "x\n", 2);
	check_lines("reader_mem/one_line", r, one, 1);
	pf_reader_free(r);
	r = pf_reader_mem("m", "a\r\r\n\r\nb\n", 8);
	check_lines("reader_mem/carriage_returns", r, cr, 3);
	pf_reader_free(r);

	/* NUL bytes are data. */
	r = pf_reader_mem("m", "a\0b\nz", 5);
	check_lines("reader_mem/nul_bytes", r, nul, 2);
	pf_reader_free(r);
	r = pf_reader_mem("m", "a\0b\n", 4);
	CHECK("reader_mem/nul_length", pf_reader_line(r, &line, &len, &err) ==
	    PF_LINE_OK && len == 3 && memcmp(line, "a\0b", 3) == 0);
	pf_reader_free(r);

	r = pf_reader_mem("-", "x", 1);
	CHECK("reader_mem/stdin_name", strcmp(pf_reader_name(r), "<stdin>") == 0);
	pf_reader_free(r);

	/* Peeking does not consume. */
	r = pf_reader_mem("m", "PERFILE2xyz\nnext\n", 17);
	CHECK("reader_mem/peek", pf_reader_peek(r, &buf, 8, &err) == 8 &&
	    memcmp(buf, "PERFILE2", 8) == 0);
	CHECK("reader_mem/peek_short", pf_reader_peek(r, &buf, 100, &err) == 17);
	CHECK("reader_mem/after_peek", pf_reader_line(r, &line, &len, &err) ==
	    PF_LINE_OK && len == 11 && memcmp(line, "PERFILE2xyz", 11) == 0);
	pf_reader_free(r);
	pf_reader_free(NULL);
	tap_ok(1, "reader_free/null", NULL);
}

static void
test_reader_file(void)
{
	char path[64];
	struct pf_reader *r;
	struct pf_error err;
	const char *line, *buf;
	char *big, want[32];
	size_t len, i, n = 400000, off = 0;
	int ok, rc;

	if (tmp_file(path, reader_text, sizeof(reader_text) - 1) != 0) {
		tap_ok(0, "reader_file/tmp", "cannot make a temporary file");
		return;
	}
	r = pf_reader_open(path, &err);
	check_lines("reader_file/lines", r, reader_lines,
	    sizeof(reader_lines) / sizeof(reader_lines[0]));
	pf_reader_free(r);
	r = pf_reader_open(path, &err);
	CHECK("reader_file/peek", r != NULL && pf_reader_peek(r, &buf, 5, &err) == 5 &&
	    memcmp(buf, "first", 5) == 0 && pf_reader_line(r, &line, &len, &err) ==
	    PF_LINE_OK && len == 5);
	CHECK("reader_file/name", r != NULL && strcmp(pf_reader_name(r), path) == 0);
	pf_reader_free(r);
	unlink(path);

	memset(&err, 0, sizeof(err));
	r = pf_reader_open("/nonexistent/pf-test-file", &err);
	CHECK("reader_file/missing", r == NULL && strstr(err.msg, "cannot open") != NULL &&
	    strstr(err.msg, "/nonexistent/pf-test-file") != NULL);
	memset(&err, 0, sizeof(err));
	r = pf_reader_open("/tmp", &err);
	CHECK("reader_file/directory", r == NULL && strstr(err.msg, "directory") != NULL);
	pf_reader_free(r);

	/* Many short lines over several read blocks, with lines cut by the
	 * block boundaries. */
	big = malloc(n * 16);
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(big + off, "line %zu\n", i * 7);
	ok = 0;
	if (tmp_file(path, big, off) == 0) {
		r = pf_reader_open(path, &err);
		ok = r != NULL;
		for (i = 0; ok && i < n; i++) {
			rc = pf_reader_line(r, &line, &len, &err);
			snprintf(want, sizeof(want), "line %zu", i * 7);
			ok = rc == PF_LINE_OK && len == strlen(want) &&
			    memcmp(line, want, len) == 0 && pf_reader_lineno(r) == i + 1;
		}
		ok = ok && pf_reader_line(r, &line, &len, &err) == PF_LINE_EOF;
		pf_reader_free(r);
		unlink(path);
	}
	CHECK("reader_file/many_lines", ok);
	free(big);
}

/*
 * A line longer than PF_LINE_MAX is PF_LINE_TOOLONG, and the reader goes on
 * with the next line; the same from a file and from memory.
 */
static void
toolong_case(const char *name, size_t big, int newline, int from_file)
{
	size_t len;
	char *buf = malloc(big + 64), path[64];
	struct pf_reader *r = NULL;
	struct want_line w[4] = {
		{ PF_LINE_OK, "a", 1 },
		{ PF_LINE_TOOLONG, NULL, -1 },
		{ PF_LINE_OK, "b", 1 },
		{ PF_LINE_OK, "c", 0 },
	};

	len = (size_t)sprintf(buf, "a\n");
	memset(buf + len, 'x', big);
	len += big;
	if (newline)
		len += (size_t)sprintf(buf + len, "\nb\nc");
	if (from_file) {
		if (tmp_file(path, buf, len) == 0) {
			r = pf_reader_open(path, NULL);
			unlink(path);
		}
	} else {
		r = pf_reader_mem("m", buf, len);
	}
	check_lines(name, r, w, newline ? 4 : 2);
	pf_reader_free(r);
	free(buf);
}

static void
test_reader_toolong(void)
{
	size_t len;
	char *buf, path[64];
	struct pf_reader *r;
	struct pf_error err;
	const char *line;

	toolong_case("reader_file/too_long", PF_LINE_MAX + 1000, 1, 1);
	toolong_case("reader_file/too_long_twice", 2 * PF_LINE_MAX + 3, 1, 1);
	toolong_case("reader_file/too_long_last_line", PF_LINE_MAX + 1000, 0, 1);
	toolong_case("reader_file/too_long_last_line_4MiB", PF_LINE_MAX, 0, 1);
	toolong_case("reader_file/too_long_last_line_8MiB", 2 * PF_LINE_MAX, 0, 1);
	toolong_case("reader_mem/too_long", PF_LINE_MAX + 1000, 1, 0);
	toolong_case("reader_mem/too_long_last_line", PF_LINE_MAX + 1000, 0, 0);

	/* A line just under the limit is an ordinary line. */
	len = PF_LINE_MAX - 1;
	buf = malloc(len + 8);
	memset(buf, 'y', len);
	memcpy(buf + len, "\nz\n", 3);
	r = NULL;
	if (tmp_file(path, buf, len + 3) == 0) {
		r = pf_reader_open(path, &err);
		unlink(path);
	}
	CHECK("reader_file/just_under_limit", r != NULL &&
	    pf_reader_line(r, &line, &len, &err) == PF_LINE_OK &&
	    len == PF_LINE_MAX - 1 && pf_reader_line(r, &line, &len, &err) ==
	    PF_LINE_OK && len == 1 && line[0] == 'z');
	pf_reader_free(r);
	free(buf);
}

/* Reads lines of a range into one string, each followed by '|'. */
static char *
range_text(int fd, uint64_t start, uint64_t end, uint64_t *nlines)
{
	struct pf_reader *r = pf_reader_range("r", fd, start, end);
	struct pf_error err;
	static char out[4096];
	const char *line;
	size_t len, used = 0;
	int rc;

	while ((rc = pf_reader_line(r, &line, &len, &err)) == PF_LINE_OK &&
	    used + len + 2 < sizeof(out)) {
		memcpy(out + used, line, len);
		used += len;
		out[used++] = '|';
	}
	out[used] = '\0';
	if (nlines != NULL)
		*nlines = pf_reader_lineno(r);
	pf_reader_free(r);
	return out;
}

static void
test_reader_range(void)
{
	static const char text[] = "aa\nbb\ncc\ndd";	/* lines at 0, 3, 6, 9 */
	char path[64], name[64], *all, *got;
	uint64_t nl, starts[64], i, j, k, nstarts = 0, lines;
	size_t used, off;
	int fd;

	if (tmp_file(path, text, sizeof(text) - 1) != 0 ||
	    (fd = open(path, O_RDONLY)) < 0) {
		tap_ok(0, "reader_range/tmp", "cannot make a temporary file");
		return;
	}
	tap_str("reader_range/first_line_only", range_text(fd, 0, 3, NULL), "aa|");
	tap_str("reader_range/line_starting_before_end", range_text(fd, 0, 4, NULL),
	    "aa|bb|");
	tap_str("reader_range/line_starting_at_end", range_text(fd, 0, 6, NULL), "aa|bb|");
	tap_str("reader_range/middle", range_text(fd, 3, 6, &nl), "bb|");
	CHECK("reader_range/middle_lineno", nl == 1);
	tap_str("reader_range/last_unterminated", range_text(fd, 9, 11, NULL), "dd|");
	tap_str("reader_range/past_eof", range_text(fd, 6, 1000, NULL), "cc|dd|");
	tap_str("reader_range/empty", range_text(fd, 3, 3, NULL), "");
	tap_str("reader_range/at_eof", range_text(fd, 11, 20, NULL), "");
	tap_str("reader_range/whole", range_text(fd, 0, UINT64_MAX, &nl), "aa|bb|cc|dd|");
	CHECK("reader_range/whole_lineno", nl == 4);
	close(fd);
	unlink(path);

	/* Cut at any line starts, the ranges give every line exactly once:
	 * what the parallel parser relies on. */
	{
		static char big[2048];

		used = 0;
		for (i = 0; i < 60; i++) {
			starts[nstarts++] = used;
			used += (size_t)sprintf(big + used, "%s%llu\n",
			    i % 7 == 0 ? "" : "line", (unsigned long long)i);
		}
		if (tmp_file(path, big, used) != 0 || (fd = open(path, O_RDONLY)) < 0) {
			tap_ok(0, "reader_range/tmp2", "cannot make a temporary file");
			return;
		}
		all = strdup(range_text(fd, 0, used, NULL));
		for (k = 1; k < 6; k++) {
			char joined[4096];
			uint64_t sum = 0;

			off = 0;
			joined[0] = '\0';
			for (j = 0; j < k; j++) {
				uint64_t a = j == 0 ? 0 : starts[nstarts * j / k];
				uint64_t b = j + 1 == k ? used : starts[nstarts * (j + 1) / k];

				got = range_text(fd, a, b, &lines);
				sum += lines;
				off += (size_t)snprintf(joined + off, sizeof(joined) - off,
				    "%s", got);
			}
			snprintf(name, sizeof(name), "reader_range/cut_in_%llu",
			    (unsigned long long)k);
			tap_ok(strcmp(joined, all) == 0 && sum == 60, name,
			    "%llu lines", (unsigned long long)sum);
		}
		free(all);
		close(fd);
		unlink(path);
	}
}

/* r's decoded text, all of it, through pf_reader_read (malloc'ed). */
static char *
decoded(struct pf_reader *r, size_t *len, int *rc)
{
	struct pf_error err;
	char *buf = NULL;

	*len = 0;
	*rc = pf_reader_decode(r, &err);
	if (*rc >= 0 && pf_reader_slurp(r, &buf, len, &err) != 0)
		*rc = -1;
	return buf;
}

/* in[0..n-1] decodes to want. */
static void
decode_is(const char *name, const char *in, size_t n, const char *want, size_t wlen)
{
	struct pf_reader *r = pf_reader_mem("m", in, n);
	size_t len;
	int rc;
	char *got = decoded(r, &len, &rc);

	if (rc < 0)
		tap_ok(0, name, "decode failed");
	else
		tap_mem(name, got, len, want, wlen);
	free(got);
	pf_reader_free(r);
}

static void
test_reader_decode(void)
{
	static const char le[] = "\xff\xfe" "a\0;\0b\0 \0" "1\0\r\0\n\0";
	static const char be[] = "\xfe\xff" "\0a\0;\0b\0 \0" "1\0\n";
	/* U+1F600 (a surrogate pair) and U+00E9. */
	static const char astral[] = "\xff\xfe" "\x3d\xd8\x00\xde" "\xe9\0";
	/* A high surrogate without its low half, then 'x'. */
	static const char lone[] = "\xff\xfe" "\x3d\xd8" "x\0";
	static const char odd[] = "\xff\xfe" "a\0b";
	static const char u8bom[] = "\xef\xbb\xbf" "a;b 1\n";
	struct pf_reader *r;
	const char *line;
	char path[64], *big;
	size_t i, n, len;
	int rc, lines, good;
	struct pf_error err;

	decode_is("reader_decode/utf16le", le, sizeof(le) - 1, "a;b 1\r\n", 7);
	decode_is("reader_decode/utf16be", be, sizeof(be) - 1, "a;b 1\n", 6);
	decode_is("reader_decode/astral_and_latin", astral, sizeof(astral) - 1,
	    "\xf0\x9f\x98\x80\xc3\xa9", 6);
	decode_is("reader_decode/lone_surrogate", lone, sizeof(lone) - 1,
	    "\xef\xbf\xbdx", 4);
	decode_is("reader_decode/odd_byte_at_end", odd, sizeof(odd) - 1,
	    "a\xef\xbf\xbd", 4);
	decode_is("reader_decode/utf8_bom_dropped", u8bom, sizeof(u8bom) - 1, "a;b 1\n", 6);
	decode_is("reader_decode/bom_only", "\xff\xfe", 2, "", 0);
	decode_is("reader_decode/plain_untouched", "ab\n", 3, "ab\n", 3);

	/* A file of several read blocks, read line by line: every line
	 * comes out whole, whatever block boundary it straddles. */
	n = 2 + (size_t)300000 * 16;
	big = malloc(n);
	memcpy(big, "\xff\xfe", 2);
	for (i = 0; i < 300000; i++)
		memcpy(big + 2 + i * 16, "f\0o\0o\0;\0\xe9\0 \0" "7\0\n\0", 16);
	if (tmp_file(path, big, n) == 0) {
		r = pf_reader_open(path, &err);
		rc = pf_reader_decode(r, &err);
		{
			uint64_t a, b;
			int fd;

			/* Transcoded text cannot be cut at byte offsets of
			 * the file for a parallel parse. */
			CHECK("reader_decode/no_parallel_span",
			    pf_reader_file_span(r, &fd, &a, &b) == -1);
		}
		lines = good = 0;
		while (pf_reader_line(r, &line, &len, &err) == PF_LINE_OK) {
			lines++;
			good += len == 8 && memcmp(line, "foo;\xc3\xa9 7", 8) == 0;
		}
		tap_ok(rc == 0 && lines == 300000 && good == lines, "reader_decode/file_blocks",
		    "rc %d, %d lines, %d right", rc, lines, good);
		pf_reader_free(r);
		unlink(path);
	} else {
		tap_ok(0, "reader_decode/file_blocks", "no temporary file");
	}
	free(big);
}

/*
 * pf_input_bytes_read: every byte of a file once, whichever way it is read
 * (lines, ranges cut anywhere, gzip'ed: its compressed bytes), memory
 * nothing; and the line made of it.
 */
static void
test_progress(void)
{
	static char text[300000];
	char path[64], gzpath[80], cmd[200], line[160];
	struct pf_error err;
	struct pf_reader *r;
	const char *l;
	size_t n, len = 0;
	uint64_t before, cut;
	int fd, sized = 0;
	struct stat st;

	while (len + 32 < sizeof(text))
		len += (size_t)sprintf(text + len, "main;f%zu;g 1\n", len % 977);
	if (tmp_file(path, text, len) != 0 || (fd = open(path, O_RDONLY)) < 0) {
		tap_ok(0, "progress/tmp", "cannot make a temporary file");
		return;
	}
	before = pf_input_bytes_read(&sized);
	CHECK("progress/sized", sized == 1);
	r = pf_reader_open(path, &err);
	while (r != NULL && pf_reader_line(r, &l, &n, &err) == PF_LINE_OK)
		;
	pf_reader_free(r);
	CHECK("progress/lines", pf_input_bytes_read(NULL) - before == len);

	before = pf_input_bytes_read(NULL);
	for (cut = 0; cut < len; cut += len / 3 + 1) {
		r = pf_reader_range("t", fd, cut, cut + len / 3 + 1);
		while (r != NULL && pf_reader_line(r, &l, &n, &err) == PF_LINE_OK)
			;
		pf_reader_free(r);
	}
	CHECK("progress/ranges_once", pf_input_bytes_read(NULL) - before == len);

	before = pf_input_bytes_read(NULL);
	r = pf_reader_mem("m", text, len);
	while (r != NULL && pf_reader_line(r, &l, &n, &err) == PF_LINE_OK)
		;
	pf_reader_free(r);
	CHECK("progress/memory_nothing", pf_input_bytes_read(NULL) == before);

	snprintf(gzpath, sizeof(gzpath), "%s.gz", path);
	snprintf(cmd, sizeof(cmd), "gzip -c '%s' > '%s'", path, gzpath);
	if (system(cmd) == 0 && stat(gzpath, &st) == 0) {
		before = pf_input_bytes_read(NULL);
		r = pf_reader_open(gzpath, &err);
		if (r != NULL && pf_reader_gunzip(r, &err) == 1)
			while (pf_reader_line(r, &l, &n, &err) == PF_LINE_OK)
				;
		pf_reader_free(r);
		CHECK("progress/gzip_compressed_bytes",
		    pf_input_bytes_read(NULL) - before == (uint64_t)st.st_size);
	} else {
		tap_ok(0, "progress/gzip", "cannot run gzip");
	}
	unlink(gzpath);
	close(fd);
	unlink(path);

	tap_str("progress/line_bytes", pf_progress_line(line, sizeof(line), 900, 0, 2),
	    "900 B read, 450 B/s");
	tap_str("progress/line_percent", pf_progress_line(line, sizeof(line),
	    (uint64_t)3 << 29, (uint64_t)4 << 30, 4), "1.5 GiB read, 384.0 MiB/s, 37%");
	tap_str("progress/line_capped", pf_progress_line(line, sizeof(line), 2048, 1000, 0),
	    "2.0 KiB read, 100%");
	tap_str("progress/line_short_buffer", pf_progress_line(line, 8, 5000, 9000, 1),
	    "4.9 KiB");
}

int
main(void)
{
	tap_group("group/count_parse", test_count_parse);
	tap_group("group/count_format", test_count_format);
	tap_group("group/count_add", test_count_add);
	tap_group("group/error_string", test_error_string);
	tap_group("group/intern", test_intern);
	tap_group("group/profile_add", test_profile_add);
	tap_group("group/profile_empty_stack", test_profile_empty_stack);
	tap_group("group/profile_merge", test_profile_merge);
	tap_group("group/sorted", test_sorted);
	tap_group("group/folded_read", test_folded_read);
	tap_group("group/folded_read_more", test_folded_read_more);
	tap_group("group/folded_read_toolong", test_folded_read_toolong);
	tap_group("group/folded_write", test_folded_write);
	tap_group("group/folded_roundtrip", test_folded_roundtrip);
	tap_group("group/reader_mem", test_reader_mem);
	tap_group("group/reader_file", test_reader_file);
	tap_group("group/reader_toolong", test_reader_toolong);
	tap_group("group/reader_range", test_reader_range);
	tap_group("group/reader_decode", test_reader_decode);
	tap_group("group/progress", test_progress);
	return tap_done();
}
