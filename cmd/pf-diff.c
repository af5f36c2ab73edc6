/*
 * pf-diff - pair two folded profiles into a differential one, or summarise
 * what changed between them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"
#include "common.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: pf-diff [-ns] [--lenient] [--rename s/RE/REPL/[gi]] [--summary]\n"
	    "               [--summary-format text|markdown|json] [--top N]\n"
	    "               [--min-delta N[%%]] [--fail-on RULE] [--noise K] [-o FILE]\n"
	    "               BEFORE AFTER | -b BEFORE ... -a AFTER ...\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "Write \"stack before after\" for every stack of two folded profiles,\n"
	    "sorted, with 0 where a stack is missing: a differential profile, as\n"
	    "FlameGraph's difffolded.pl writes.  Either file may be - (stdin).\n"
	    "With several runs a side, each column is the mean of its runs.\n"
	    "\n"
	    "  -b, --before FILE      a run before the change (repeat for more runs)\n"
	    "  -a, --after FILE       a run after the change (repeat for more runs)\n"
	    "      --before-list FILE, --after-list FILE\n"
	    "                         read the runs' file names from FILE, one a line\n"
	    "  -n, --normalize        scale BEFORE to AFTER's total (whole numbers)\n"
	    "  -s, --strip-hex        hex numbers 0x1f3a in frames become 0x...\n"
	    "      --rename s/RE/REPL/[gi]  substitute in frame names before pairing\n"
	    "      --summary          a table of the functions whose self and\n"
	    "                         inclusive counts changed most and of the stacks\n"
	    "                         that appeared and disappeared, instead\n"
	    "      --summary-format F the summary as text (default), markdown or json\n"
	    "      --top N            rows per table (default 20)\n"
	    "      --min-delta N[%%]   leave out changes smaller than N, or than N\n"
	    "                         percentage points of the total\n"
	    "      --fail-on RULE     exit with status 3 when a function's change\n"
	    "                         passes RULE: self>2%% (share, in points), total>500\n"
	    "                         (counts), self<-2%% (shrank); repeat for more\n"
	    "      --noise K          with several runs, a change is real when larger\n"
	    "                         than K times its run-to-run spread (default 3)\n"
	    "      --lenient          skip malformed lines, with one warning per file\n"
	    "  -o, --output FILE      write to FILE instead of standard output\n"
	    );
	limit_help(25);
	progress_help(25);
	printf(
	    "  -h, --help             show this help\n"
	    "  -V, --version          show the version\n"
	    "\n"
	    "Exit status: 0, 1 when an input cannot be read, 2 on a usage error,\n"
	    "3 when the gate fails.  See pf-diff(1) and pf-folded(5).\n");
}

/* What every input goes through before pairing. */
struct prep {
	struct pf_folded_options fo;
	int strip;
	struct pf_filter *rename;
};

/* Reads one input into a new profile, or returns NULL after a message. */
static struct pf_profile *
load(const char *path, const struct prep *pr)
{
	struct pf_error err = { 0 };
	struct pf_folded_stats st;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = NULL;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;

	if (p == NULL) {
		warnx("out of memory");
		return NULL;
	}
	if ((r = pf_reader_open(path, &err)) == NULL || pf_reader_gunzip(r, &err) < 0 ||
	    pf_folded_read_opts(p, r, &pr->fo, &st, &err) != 0)
		goto fail;
	report_skipped(path, &st);
	if (pf_profile_columns(p) == 2) {
		warnx("'%s': is already a differential profile (two counts a line)", name);
		goto quiet;
	}
	if (pr->strip && pf_transform_strip_hex(&p, &err) != 0)
		goto fail;
	if (pf_filter_count(pr->rename) > 0 && pf_filter_apply(pr->rename, &p, &err) != 0)
		goto fail;
	pf_reader_free(r);
	return p;
fail:
	report(&err);
quiet:
	pf_reader_free(r);
	pf_profile_free(p);
	return NULL;
}

/* Grows the array *bufp of *cap elements of size sz to hold n. */
static int
grow(void *bufp, size_t *cap, size_t n, size_t sz)
{
	void *nb;
	size_t c = *cap ? *cap : 8;

	if (n <= *cap)
		return 0;
	while (c < n)
		c *= 2;
	if ((nb = reallocarray(*(void **)bufp, c, sz)) == NULL)
		return -1;
	*(void **)bufp = nb;
	*cap = c;
	return 0;
}

/* A list of run file names, owned copies. */
struct runs {
	char **path;
	size_t n, cap;
};

static int
runs_add(struct runs *r, const char *path, size_t len)
{
	char *c;

	if (grow(&r->path, &r->cap, r->n + 1, sizeof(*r->path)) != 0 ||
	    (c = strndup(path, len)) == NULL) {
		warnx("out of memory");
		return -1;
	}
	r->path[r->n++] = c;
	return 0;
}

/* Adds the file names listed in list, one a line (blank lines and lines
 * starting with '#' skipped). */
static int
runs_add_list(struct runs *r, const char *list)
{
	struct pf_error err = { 0 };
	struct pf_reader *rd = pf_reader_open(list, &err);
	const char *line;
	size_t len;
	int rc;

	if (rd == NULL) {
		report(&err);
		return -1;
	}
	while ((rc = pf_reader_line(rd, &line, &len, &err)) != PF_LINE_EOF) {
		if (rc == PF_LINE_ERROR) {
			report(&err);
			break;
		}
		if (rc == PF_LINE_TOOLONG) {
			warnx("'%s' line %llu: a file name longer than the line limit", list,
			    (unsigned long long)pf_reader_lineno(rd));
			rc = PF_LINE_ERROR;
			break;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (runs_add(r, line, len) != 0) {
			rc = PF_LINE_ERROR;
			break;
		}
	}
	pf_reader_free(rd);
	return rc == PF_LINE_EOF ? 0 : -1;
}

static void
runs_free(struct runs *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->path[i]);
	free(r->path);
}

/* Loads every run; NULL entries for those that failed (after a message). */
static int
load_runs(const struct runs *r, const struct prep *pr, struct pf_profile ***out)
{
	size_t i;
	int rc = 0;

	if ((*out = calloc(r->n + 1, sizeof(**out))) == NULL) {
		warnx("out of memory");
		return -1;
	}
	for (i = 0; i < r->n; i++)
		if (((*out)[i] = load(r->path[i], pr)) == NULL)
			rc = -1;
	return rc;
}

static void
free_runs(struct pf_profile **p, size_t n)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < n; i++)
		pf_profile_free(p[i]);
	free(p);
}

/* Up to 60 bytes of a frame name for a message, control characters as '?'. */
static const char *
short_name(const struct pf_profile *d, uint32_t id, char *buf)
{
	size_t len, i;
	const char *s = pf_profile_frame(d, id, &len);

	for (i = 0; i < len && i < 60; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	strcpy(buf + i, len > 60 ? "..." : "");
	return buf;
}

/* Whether a frame name ends in "-PID" or "-PID/TID", as pf-collapse --pid
 * and --tid write them. */
static int
pid_suffix(const struct pf_profile *d, uint32_t id)
{
	size_t len, i;
	const char *s = pf_profile_frame(d, id, &len);

	i = len;
	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i > 0 && i < len && s[i - 1] == '/') {
		len = --i;
		while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
			i--;
	}
	return i > 1 && i < len && s[i - 1] == '-';
}

/* The warning when before and after share almost no stacks. */
static void
check_overlap(const struct pf_profile *d)
{
	struct pf_error err = { 0 };
	struct pf_diff_overlap ov;
	char n1[64], n2[64];

	if (pf_diff_overlap(d, &ov, &err) != 0 || ov.before >= 0.2 || ov.after >= 0.2)
		return;
	warnx("the stacks found on both sides hold only %.1f%% of before "
	    "and %.1f%% of after", 100 * ov.before, 100 * ov.after);
	if (ov.root_before == UINT32_MAX || ov.root_after == UINT32_MAX ||
	    ov.root_before == ov.root_after)
		return;
	warnx("the heaviest root frames differ: '%s' before, '%s' after",
	    short_name(d, ov.root_before, n1), short_name(d, ov.root_after, n2));
	if (pid_suffix(d, ov.root_before) && pid_suffix(d, ov.root_after))
		warnx("to pair processes across runs, drop their ids: "
		    "--rename 's/-[0-9]+(\\/[0-9]+)?$//'");
	else
		warnx("if they are the same program, pair them with --rename "
		    "'s/RE/REPL/'");
}

int
main(int argc, char **argv)
{
	enum { OPT_SUMMARY = 256, OPT_SUMMARY_FORMAT, OPT_TOP, OPT_MIN_DELTA,
	    OPT_LENIENT, OPT_BEFORE_LIST, OPT_AFTER_LIST, OPT_FAIL_ON, OPT_NOISE,
	    OPT_RENAME };
	static const struct option longopts[] = {
		{ "before", required_argument, NULL, 'b' },
		{ "after", required_argument, NULL, 'a' },
		{ "before-list", required_argument, NULL, OPT_BEFORE_LIST },
		{ "after-list", required_argument, NULL, OPT_AFTER_LIST },
		{ "normalize", no_argument, NULL, 'n' },
		{ "strip-hex", no_argument, NULL, 's' },
		{ "rename", required_argument, NULL, OPT_RENAME },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "summary-format", required_argument, NULL, OPT_SUMMARY_FORMAT },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "min-delta", required_argument, NULL, OPT_MIN_DELTA },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "noise", required_argument, NULL, OPT_NOISE },
		{ "lenient", no_argument, NULL, OPT_LENIENT },
		{ "output", required_argument, NULL, 'o' },
		LIMIT_LONGOPTS,
		PROGRESS_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_summary_options so = { 20, 0, -1.0, PF_SUMMARY_TEXT, 3.0, NULL, 0 };
	struct pf_error err = { 0 };
	struct prep pr = { { 0 }, 0, NULL };
	struct runs rb = { NULL, 0, 0 }, ra = { NULL, 0, 0 };
	struct pf_profile **before = NULL, **after = NULL, *d = NULL;
	struct pf_summary *sum = NULL;
	struct pf_gate_rule *rules = NULL;
	size_t nrules = 0, rules_cap = 0, i, nstdin = 0;
	const char *output = NULL;
	int ch, normalize = 0, summary = 0, rval = 2, failed;
	FILE *out = stdout;
	size_t len;
	char *end, line[256];
	unsigned long long v;

	if ((pr.rename = pf_filter_new()) == NULL) {
		warnx("out of memory");
		return 1;
	}
	while ((ch = getopt_long(argc, argv, "a:b:nso:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
		case 'a':
			if (runs_add(ch == 'b' ? &rb : &ra, optarg, strlen(optarg)) != 0)
				goto out;
			break;
		case OPT_BEFORE_LIST:
		case OPT_AFTER_LIST:
			if (runs_add_list(ch == OPT_BEFORE_LIST ? &rb : &ra, optarg) != 0)
				goto out;
			break;
		case 'n':
			normalize = 1;
			break;
		case 's':
			pr.strip = 1;
			break;
		case OPT_RENAME:
			if (pf_filter_add(pr.rename, PF_FILTER_RENAME, optarg, &err) != 0) {
				report(&err);
				goto out;
			}
			break;
		case OPT_SUMMARY:
			summary = 1;
			break;
		case OPT_SUMMARY_FORMAT:
			summary = 1;
			if (strcmp(optarg, "text") == 0)
				so.format = PF_SUMMARY_TEXT;
			else if (strcmp(optarg, "markdown") == 0 || strcmp(optarg, "md") == 0)
				so.format = PF_SUMMARY_MARKDOWN;
			else if (strcmp(optarg, "json") == 0)
				so.format = PF_SUMMARY_JSON;
			else {
				warnx("unknown --summary-format '%s' (text, markdown or json)",
				    optarg);
				goto out;
			}
			break;
		case OPT_TOP:
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] == '-' || optarg[0] == '\0') {
				warnx("invalid --top '%s': expected a whole number", optarg);
				goto out;
			}
			so.top = (size_t)v;
			break;
		case OPT_MIN_DELTA:
			len = strlen(optarg);
			if (len > 0 && optarg[len - 1] == '%') {
				errno = 0;
				so.min_delta_pct = strtod(optarg, &end);
				if (errno != 0 || end != optarg + len - 1 || so.min_delta_pct < 0 ||
				    len == 1) {
					warnx("invalid --min-delta '%s': expected a count or a "
					    "percentage like 0.5%%", optarg);
					goto out;
				}
			} else if (pf_count_parse(optarg, len, &so.min_delta) != PF_COUNT_OK) {
				warnx("invalid --min-delta '%s': expected a count or a "
				    "percentage like 0.5%%", optarg);
				goto out;
			}
			break;
		case OPT_FAIL_ON:
			if (grow(&rules, &rules_cap, nrules + 1, sizeof(*rules)) != 0) {
				warnx("out of memory");
				goto out;
			}
			if (pf_gate_rule_parse(optarg, &rules[nrules], &err) != 0) {
				report(&err);
				goto out;
			}
			nrules++;
			break;
		case OPT_NOISE:
			errno = 0;
			so.noise = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || end == optarg || !isfinite(so.noise) ||
			    so.noise <= 0) {
				warnx("invalid --noise '%s': expected a positive number", optarg);
				goto out;
			}
			break;
		case OPT_LENIENT:
			pr.fo.lenient = 1;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_MAX_INPUT_SIZE:
		case OPT_MAX_INFLATE_RATIO:
			if (limit_opt(ch, optarg) != 0)
				goto out;
			break;
		case OPT_PROGRESS:
			if (progress_opt(optarg) != 0)
				goto out;
			break;
		case 'h':
			help();
			rval = 0;
			goto out;
		case 'V':
			printf("pf-diff %s\n", PF_VERSION_STRING);
			rval = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	argc -= optind;
	argv += optind;
	if (rb.n == 0 && ra.n == 0 && argc == 2) {
		if (runs_add(&rb, argv[0], strlen(argv[0])) != 0 ||
		    runs_add(&ra, argv[1], strlen(argv[1])) != 0)
			goto out;
	} else if (argc != 0 || rb.n == 0 || ra.n == 0) {
		warnx(rb.n + ra.n == 0 ? "expected two profiles, BEFORE and AFTER" :
		    argc != 0 ? "with -b and -a, no other profile" :
		    "expected at least one run on each side, -b and -a");
		usage(stderr);
		goto out;
	}
	for (i = 0; i < rb.n; i++)
		nstdin += strcmp(rb.path[i], "-") == 0;
	for (i = 0; i < ra.n; i++)
		nstdin += strcmp(ra.path[i], "-") == 0;
	if (nstdin > 1) {
		warnx("only one input can be standard input");
		goto out;
	}
	so.rules = rules;
	so.nrules = nrules;
	rval = 1;
	progress_inputs((const char *const *)rb.path, rb.n);
	progress_inputs((const char *const *)ra.path, ra.n);
	progress_start("pf-diff");
	failed = load_runs(&rb, &pr, &before) != 0;
	failed |= load_runs(&ra, &pr, &after) != 0;
	progress_stop();
	if (failed)
		goto out;
	if ((d = pf_diff_pair_runs((const struct pf_profile *const *)before, rb.n,
	    (const struct pf_profile *const *)after, ra.n, normalize, &err)) == NULL) {
		report(&err);
		goto out;
	}
	check_overlap(d);
	if ((summary || nrules > 0) &&
	    (sum = pf_summary_new(d, (const struct pf_profile *const *)before, rb.n,
	    (const struct pf_profile *const *)after, ra.n, &so, &err)) == NULL) {
		report(&err);
		goto out;
	}
	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		warnx("cannot create '%s': %s", output, strerror(errno));
		goto out;
	}
	if ((summary ? pf_summary_write(sum, out, &err) : pf_folded_write(d, out, &err)) != 0)
		warnx("%s%s%s", output ? output : "", output ? ": " : "", err.msg);
	else
		rval = 0;
	if (output != NULL && fclose(out) != 0) {
		warnx("cannot write '%s': %s", output, strerror(errno));
		rval = 1;
	}
	if (rval == 0 && sum != NULL && pf_summary_ntrips(sum) > 0) {
		for (i = 0; i < pf_summary_ntrips(sum) && i < 20; i++)
			warnx("fail-on %s", pf_summary_trip(sum, i, line, sizeof(line)));
		if (i < pf_summary_ntrips(sum))
			warnx("fail-on: and %zu more", pf_summary_ntrips(sum) - i);
		rval = 3;
	}
out:
	pf_summary_free(sum);
	free_runs(before, rb.n);
	free_runs(after, ra.n);
	runs_free(&rb);
	runs_free(&ra);
	pf_profile_free(d);
	pf_filter_free(pr.rename);
	free(rules);
	return rval;
}
