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
	    "usage: pf-diff [-ns] [--lenient] [--summary [--top N] [--min-delta N[%%]]]\n"
	    "               [-o FILE] BEFORE AFTER\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "Write \"stack before after\" for every stack of two folded profiles,\n"
	    "sorted, with 0 where a stack is missing: a differential profile, as\n"
	    "FlameGraph's difffolded.pl writes.  Either file may be - (stdin).\n"
	    "\n"
	    "  -n, --normalize        scale BEFORE to AFTER's total (whole numbers)\n"
	    "  -s, --strip-hex        hex numbers 0x1f3a in frames become 0x...\n"
	    "      --summary          a table of the functions whose self and\n"
	    "                         inclusive counts changed most, instead\n"
	    "      --top N            rows per table (default 20)\n"
	    "      --min-delta N[%%]   leave out changes smaller than N, or than N\n"
	    "                         percentage points of the total\n"
	    "      --lenient          skip malformed lines, with one warning per file\n"
	    "  -o, --output FILE      write to FILE instead of standard output\n"
	    "  -h, --help             show this help\n"
	    "  -V, --version          show the version\n"
	    "\n"
	    "See pf-diff(1) and pf-folded(5).\n");
}

/* Reads one input into a new profile, or returns NULL after a message. */
static struct pf_profile *
load(const char *path, const struct pf_folded_options *fo, int strip)
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
	    pf_folded_read_opts(p, r, fo, &st, &err) != 0)
		goto fail;
	if (st.skipped > 0)
		warnx("'%s': skipped %llu malformed line%s (first at line %llu: %s)",
		    name, (unsigned long long)st.skipped, st.skipped == 1 ? "" : "s",
		    (unsigned long long)st.first_skipped, st.first_reason);
	if (pf_profile_columns(p) == 2) {
		warnx("'%s': is already a differential profile (two counts a line)", name);
		goto quiet;
	}
	if (strip && pf_transform_strip_hex(&p, &err) != 0)
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

int
main(int argc, char **argv)
{
	enum { OPT_SUMMARY = 256, OPT_TOP, OPT_MIN_DELTA, OPT_LENIENT };
	static const struct option longopts[] = {
		{ "normalize", no_argument, NULL, 'n' },
		{ "strip-hex", no_argument, NULL, 's' },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "min-delta", required_argument, NULL, OPT_MIN_DELTA },
		{ "lenient", no_argument, NULL, OPT_LENIENT },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_summary_options so = { 20, 0, -1.0 };
	struct pf_folded_options fo = { 0 };
	struct pf_error err = { 0 };
	struct pf_profile *before = NULL, *after = NULL, *d = NULL;
	const char *output = NULL;
	int ch, normalize = 0, strip = 0, summary = 0, rval = 1;
	FILE *out = stdout;
	size_t len;
	char *end;
	unsigned long long v;

	while ((ch = getopt_long(argc, argv, "nso:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			normalize = 1;
			break;
		case 's':
			strip = 1;
			break;
		case OPT_SUMMARY:
			summary = 1;
			break;
		case OPT_TOP:
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] == '-' || optarg[0] == '\0') {
				warnx("invalid --top '%s': expected a whole number", optarg);
				return 2;
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
					return 2;
				}
			} else if (pf_count_parse(optarg, len, &so.min_delta) != PF_COUNT_OK) {
				warnx("invalid --min-delta '%s': expected a count or a "
				    "percentage like 0.5%%", optarg);
				return 2;
			}
			break;
		case OPT_LENIENT:
			fo.lenient = 1;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			help();
			return 0;
		case 'V':
			printf("pf-diff %s\n", PF_VERSION_STRING);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2) {
		warnx("expected two profiles, BEFORE and AFTER");
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[0], "-") == 0 && strcmp(argv[1], "-") == 0) {
		warnx("only one of BEFORE and AFTER can be standard input");
		return 2;
	}
	before = load(argv[0], &fo, strip);
	after = load(argv[1], &fo, strip);
	if (before == NULL || after == NULL)
		goto out;
	if ((d = pf_diff_pair(before, after, normalize, &err)) == NULL) {
		report(&err);
		goto out;
	}
	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		warnx("cannot create '%s': %s", output, strerror(errno));
		goto out;
	}
	if ((summary ? pf_diff_summary_write(d, &so, out, &err) :
	    pf_folded_write(d, out, &err)) != 0)
		warnx("%s%s%s", output ? output : "", output ? ": " : "", err.msg);
	else
		rval = 0;
	if (output != NULL && fclose(out) != 0) {
		warnx("cannot write '%s': %s", output, strerror(errno));
		rval = 1;
	}
out:
	pf_profile_free(before);
	pf_profile_free(after);
	pf_profile_free(d);
	return rval;
}
