/*
 * test-errors.c - the code and column of the library's errors, which callers
 * branch on: each kind of failure reached through the public interface.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"
#include "tap.h"

static const char *const code_names[] = {
	"none", "nomem", "input", "usage", "io", "unsupported",
};

static const char *
code_name(int c)
{
	return c >= 0 && c <= PF_ERR_UNSUPPORTED ? code_names[c] : "?";
}

/* The error has the code, and the line and column (UINT64_MAX: any > 0). */
static void
check_err(const char *name, const struct pf_error *e, int code, uint64_t line,
    uint64_t column)
{
	int good = e->code == code && e->msg[0] != '\0' &&
	    (line == UINT64_MAX ? e->line > 0 : e->line == line) &&
	    (column == UINT64_MAX ? e->column > 0 : e->column == column);

	tap_ok(good, name, "code %s line %llu column %llu \"%s\"; want code %s",
	    code_name(e->code), (unsigned long long)e->line,
	    (unsigned long long)e->column, e->msg, code_name(code));
}

/* pf_collapse of text in memory (format forced); returns its status. */
static int
collapse(const char *name, const char *text, int format, struct pf_error *err)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_mem(name, text, strlen(text));
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&st, 0, sizeof(st));
	memset(err, 0, sizeof(*err));
	o.format = format;
	o.perf.jobs = 1;
	rc = pf_collapse(p, r, &o, &st, err);
	pf_reader_free(r);
	pf_profile_free(p);
	return rc;
}

static void
test_input(void)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_error err;

	CHECK("input/zeroed_is_none", PF_ERR_NONE == 0);
	if (folded_from(p, "a;b 1\nno count\n", 15, &err) == 0)
		tap_ok(0, "input/folded", "a malformed line was read");
	else
		check_err("input/folded", &err, PF_ERR_INPUT, 2, 0);
	pf_profile_free(p);

	if (collapse("t.json", "{\"nodes\": [\n  1, }", PF_FORMAT_CPUPROFILE, &err) == 0)
		tap_ok(0, "input/json_column", "bad JSON was read");
	else
		check_err("input/json_column", &err, PF_ERR_INPUT, 2, UINT64_MAX);

	if (collapse("t.svg", "<svg>\n<g><title>x</title></svg>", PF_FORMAT_SVG, &err) == 0)
		tap_ok(0, "input/xml_column", "bad XML was read");
	else
		check_err("input/xml_column", &err, PF_ERR_INPUT, 2, UINT64_MAX);
}

static void
test_io(void)
{
	struct pf_error err;
	struct pf_reader *r;
	struct pf_profile *p;
	FILE *f;

	memset(&err, 0, sizeof(err));
	r = pf_reader_open("/nonexistent/pf-test.folded", &err);
	if (r != NULL)
		tap_ok(0, "io/open_missing", "opened");
	else
		check_err("io/open_missing", &err, PF_ERR_IO, 0, 0);
	pf_reader_free(r);

	memset(&err, 0, sizeof(err));
	r = pf_reader_open("tests", &err);
	if (r != NULL)
		tap_ok(0, "io/open_directory", "opened");
	else
		check_err("io/open_directory", &err, PF_ERR_IO, 0, 0);
	pf_reader_free(r);

	/* Writing where nothing can be written. */
	p = pf_profile_new();
	folded_from(p, "a;b 1\n", 6, &err);
	if ((f = fopen("/dev/full", "w")) == NULL) {
		tap_ok(0, "io/write_full", "no /dev/full");
	} else {
		memset(&err, 0, sizeof(err));
		if (pf_folded_write(p, f, &err) == 0)
			tap_ok(0, "io/write_full", "the write succeeded");
		else
			check_err("io/write_full", &err, PF_ERR_IO, 0, 0);
		fclose(f);
	}
	pf_profile_free(p);
}

static void
test_usage(void)
{
	struct pf_flame_options o;
	struct pf_filter *f = pf_filter_new();
	struct pf_error err;
	struct pf_flame *fl;

	memset(&err, 0, sizeof(err));
	if (pf_filter_add(f, PF_FILTER_INCLUDE, "ab(c", &err) == 0)
		tap_ok(0, "usage/pattern", "a bad pattern was taken");
	else
		check_err("usage/pattern", &err, PF_ERR_USAGE, 0, 5);
	memset(&err, 0, sizeof(err));
	if (pf_filter_add(f, PF_FILTER_TOP, "many", &err) == 0)
		tap_ok(0, "usage/top", "a bad --top was taken");
	else
		check_err("usage/top", &err, PF_ERR_USAGE, 0, 0);
	pf_filter_free(f);

	pf_flame_options_init(&o);
	o.encoding = "NO-SUCH-CHARSET";
	memset(&err, 0, sizeof(err));
	if ((fl = pf_flame_new(&o, &err)) != NULL)
		tap_ok(0, "usage/encoding", "an unknown encoding was taken");
	else
		check_err("usage/encoding", &err, PF_ERR_USAGE, 0, 0);
	pf_flame_free(fl);
}

static void
test_unsupported(void)
{
	struct pf_reader *r = pf_reader_mem("-", "PERFILE2\n", 9), *s;
	struct pf_error err;
	int is_data = 0;

	memset(&err, 0, sizeof(err));
	if ((s = pf_perf_data_script(r, 0, &is_data, &err)) != NULL || !is_data)
		tap_ok(0, "unsupported/perf_data_stdin", "taken as %s",
		    is_data ? "perf.data" : "text");
	else
		check_err("unsupported/perf_data_stdin", &err, PF_ERR_UNSUPPORTED, 0, 0);
	pf_reader_free(s);
	pf_reader_free(r);
}

int
main(void)
{
	tap_group("group/input", test_input);
	tap_group("group/io", test_io);
	tap_group("group/usage", test_usage);
	tap_group("group/unsupported", test_unsupported);
	return tap_done();
}
