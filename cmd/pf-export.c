/*
 * pf-export - folded stacks out to other tools' formats: pprof, speedscope,
 * d3-flame-graph JSON and Chrome's .cpuprofile.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf.h"
#include "common.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: pf-export [--to FORMAT] [--countname NAME] [--title TEXT] [--split-roots]\n"
	    "                 [--flamechart] [--lenient] [-o FILE] [FILE ...]\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "Write folded stacks (\"root;...;leaf COUNT\", or \"stack BEFORE AFTER\" for a\n"
	    "differential profile) in another tool's format.  With no FILE, or when FILE\n"
	    "is -, read standard input; several files are added together.\n"
	    "\n"
	    "  -t, --to FORMAT        pprof        gzip'ed profile.proto (go tool pprof,\n"
	    "                                      Pyroscope, Parca)\n"
	    "                         speedscope   speedscope's JSON file format\n"
	    "                         d3           d3-flame-graph's JSON tree\n"
	    "                         cpuprofile   Chrome DevTools / V8 .cpuprofile\n"
	    "                         (default: from -o's name: .pb.gz .pprof\n"
	    "                         .speedscope.json .cpuprofile)\n"
	    "  -o, --output FILE      write to FILE instead of standard output\n"
	    "      --countname NAME   what a count is: samples (default), ns, us, ms, s,\n"
	    "                         bytes, or TYPE/UNIT (pprof's sample type)\n"
	    "      --title TEXT       speedscope: the profile's name (default: the\n"
	    "                         input file's name)\n"
	    "      --split-roots      speedscope: one profile per root frame\n"
	    "      --flamechart       keep the input's order (pf-collapse --time-order)\n"
	    "      --lenient          skip malformed lines, with one warning per file\n"
	    );
	limit_help(25);
	printf(
	    "  -h, --help             show this help\n"
	    "  -V, --version          show the version\n"
	    "\n"
	    "See pf-export(1) for what each format keeps, and pf-folded(5).\n");
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* The format an output file's name asks for, or -1. */
static int
format_of_name(const char *path)
{
	if (ends_with(path, ".pb.gz") || ends_with(path, ".pprof"))
		return PF_EXPORT_PPROF;
	if (ends_with(path, ".speedscope.json"))
		return PF_EXPORT_SPEEDSCOPE;
	if (ends_with(path, ".cpuprofile"))
		return PF_EXPORT_CPUPROFILE;
	return -1;
}

/* Adds the folded stacks of path (gzip'ed or not) to p; 0, or 1 after a
 * report. */
static int
read_input(struct pf_profile *p, const char *path, const struct pf_folded_options *fo)
{
	struct pf_error err = { 0 };
	struct pf_folded_stats st;
	struct pf_reader *r = pf_reader_open(path, &err);
	int rc = 0;

	memset(&st, 0, sizeof(st));
	if (r == NULL || pf_reader_gunzip(r, &err) < 0 ||
	    pf_folded_read_opts(p, r, fo, &st, &err) != 0) {
		report(&err);
		rc = 1;
	}
	report_skipped(path, &st);
	pf_reader_free(r);
	return rc;
}

int
main(int argc, char **argv)
{
	enum { OPT_COUNTNAME = 256, OPT_TITLE, OPT_SPLIT, OPT_FLAMECHART, OPT_LENIENT };
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "countname", required_argument, NULL, OPT_COUNTNAME },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "split-roots", no_argument, NULL, OPT_SPLIT },
		{ "flamechart", no_argument, NULL, OPT_FLAMECHART },
		{ "lenient", no_argument, NULL, OPT_LENIENT },
		LIMIT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_export_options o;
	struct pf_export_stats st;
	struct pf_folded_options fo = { 0 };
	struct pf_error err = { 0 };
	struct pf_profile *p = NULL;
	const char *output = NULL, *to = NULL, *base;
	int ch, i, flamechart = 0, rval = 0;
	FILE *out = stdout;

	memset(&o, 0, sizeof(o));
	o.format = -1;
	while ((ch = getopt_long(argc, argv, "t:o:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 't': to = optarg; break;
		case 'o': output = optarg; break;
		case OPT_COUNTNAME: o.countname = optarg; break;
		case OPT_TITLE: o.title = optarg; break;
		case OPT_SPLIT: o.split_roots = 1; break;
		case OPT_FLAMECHART: flamechart = 1; break;
		case OPT_LENIENT: fo.lenient = 1; break;
		case OPT_MAX_INPUT_SIZE:
		case OPT_MAX_INFLATE_RATIO:
			if (limit_opt(ch, optarg) != 0)
				return 2;
			break;
		case 'h':
			help();
			return 0;
		case 'V':
			printf("pf-export %s\n", PF_VERSION_STRING);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	if (to != NULL && (o.format = pf_export_lookup(to)) < 0) {
		warnx("unknown --to '%s' (pprof, speedscope, d3 or cpuprofile)", to);
		return 2;
	}
	if (to == NULL && (output == NULL || (o.format = format_of_name(output)) < 0)) {
		warnx("which format? give --to pprof, speedscope, d3 or cpuprofile");
		usage(stderr);
		return 2;
	}
	if (o.countname != NULL && (o.countname[0] == '\0' || o.countname[0] == '/' ||
	    (strchr(o.countname, '/') != NULL && strchr(o.countname, '/')[1] == '\0'))) {
		warnx("invalid --countname '%s': expected a name or TYPE/UNIT", o.countname);
		return 2;
	}
	if (o.title == NULL) {
		/* The input file's name, without its directories. */
		if (argc == 1 && strcmp(argv[0], "-") != 0) {
			base = strrchr(argv[0], '/');
			o.title = base != NULL ? base + 1 : argv[0];
		}
	}
	/* Binary data on a terminal is never what was meant. */
	if (o.format == PF_EXPORT_PPROF && output == NULL && isatty(STDOUT_FILENO)) {
		warnx("pprof output is binary; not writing it to a terminal (use -o FILE)");
		return 2;
	}

	if ((p = pf_profile_new()) == NULL) {
		warnx("out of memory");
		return 1;
	}
	pf_profile_set_ordered(p, flamechart);
	if (argc == 0)
		rval |= read_input(p, "-", &fo);
	for (i = 0; i < argc; i++)
		rval |= read_input(p, argv[i], &fo);
	/* Part of a profile would pass for all of it: write nothing. */
	if (rval != 0)
		goto out;

	if (o.format == PF_EXPORT_CPUPROFILE && pf_profile_columns(p) == 2)
		warnx("a .cpuprofile has one weight: writing the second column (after) "
		    "of the differential profile");
	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		warnx("cannot create '%s': %s", output, strerror(errno));
		rval = 1;
		goto out;
	}
	if (pf_export_write(p, &o, out, &st, &err) != 0) {
		warnx("%s%s%s", output ? output : "", output ? ": " : "", err.msg);
		rval = 1;
	} else {
		if (st.rounded > 0)
			warnx("%llu of %llu stacks have counts that are not whole %s: "
			    "rounded%s", (unsigned long long)st.rounded,
			    (unsigned long long)st.stacks,
			    o.format == PF_EXPORT_CPUPROFILE ? "microseconds" : "numbers",
			    st.zeroed > 0 ? ", some to 0" : "");
		if (st.stacks == 0) {
			warnx("no stack counts found");
			rval = 1;
		}
	}
	if (output != NULL && fclose(out) != 0) {
		warnx("cannot write '%s': %s", output, strerror(errno));
		rval = 1;
	}
out:
	pf_profile_free(p);
	return rval;
}
