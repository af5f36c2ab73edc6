/*
 * pf-merge - add folded profiles together, filtering them on the way.
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
	    "usage: pf-merge [--tag[=LABEL]] [--scale F] [--normalize[=TOTAL]] [--lenient]\n"
	    "                [--include RE] [--exclude RE] [--focus RE] [--prune RE]\n"
	    "                [--rename s/RE/REPL/[gi]] [--strip-addrs] [--collapse-recursion]\n"
	    "                [--min-count N] [--top N] [-j N] [-o FILE] [FILE ...]\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "Add folded profiles together into one, sorted and merged.\n"
	    "With no FILE, or when FILE is -, read standard input.\n"
	    "\n"
	    "  -o, --output FILE        write to FILE instead of standard output\n"
	    "      --tag[=LABEL]        put each input under a root frame: its name,\n"
	    "                           or the next LABEL (repeat for each input)\n"
	    "      --scale F            multiply every count by F (a decimal)\n"
	    "      --normalize[=TOTAL]  rescale each input to TOTAL (default 100)\n"
	    "      --lenient            skip malformed lines, with one warning per file\n"
	    "  -j, --jobs N             inputs read at once (default: all CPUs)\n"
	    "\n"
	    "Filters (PCRE2 patterns on frame names), applied in the order given:\n"
	    "      --include RE         keep stacks with a frame matching RE\n"
	    "      --exclude RE         drop stacks with a frame matching RE\n"
	    "      --focus RE           keep stacks through RE, starting them there\n"
	    "      --prune RE           cut stacks below the first frame matching RE\n"
	    "      --rename s/RE/REPL/[gi]  substitute in frame names ($1 for groups)\n"
	    "      --strip-addrs        hex addresses 0x1f3a become 0x...\n"
	    "      --collapse-recursion a;a;a;b becomes a;b\n"
	    "      --min-count N        drop stacks weighing less than N\n"
	    "      --top N              keep the N heaviest stacks, the rest in [other]\n"
	    );
	limit_help(27);
	progress_help(27);
	printf(
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n"
	    "\n"
	    "See pf-merge(1) and pf-folded(5).\n");
}

/* Parses a decimal option value into *c; complains and returns -1 if it is
 * not one. */
static int
count_arg(const char *opt, const char *s, pf_count *c)
{
	if (pf_count_parse(s, strlen(s), c) != PF_COUNT_OK) {
		warnx("invalid %s '%s': expected a non-negative decimal below 2^64", opt, s);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	enum { OPT_TAG = 256, OPT_SCALE, OPT_NORMALIZE, OPT_LENIENT, OPT_INCLUDE,
	    OPT_EXCLUDE, OPT_FOCUS, OPT_PRUNE, OPT_RENAME, OPT_STRIP, OPT_COLLAPSE,
	    OPT_MIN, OPT_TOP };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "tag", optional_argument, NULL, OPT_TAG },
		{ "scale", required_argument, NULL, OPT_SCALE },
		{ "normalize", optional_argument, NULL, OPT_NORMALIZE },
		{ "lenient", no_argument, NULL, OPT_LENIENT },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "focus", required_argument, NULL, OPT_FOCUS },
		{ "prune", required_argument, NULL, OPT_PRUNE },
		{ "rename", required_argument, NULL, OPT_RENAME },
		{ "strip-addrs", no_argument, NULL, OPT_STRIP },
		{ "collapse-recursion", no_argument, NULL, OPT_COLLAPSE },
		{ "min-count", required_argument, NULL, OPT_MIN },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "jobs", required_argument, NULL, 'j' },
		LIMIT_LONGOPTS,
		PROGRESS_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *dash[] = { "-" };
	struct pf_merge_options o;
	struct pf_merge_input *in = NULL;
	struct pf_error err = { 0 };
	struct pf_filter *f = pf_filter_new();
	struct pf_profile *p = NULL;
	const char *output = NULL, **labels = NULL, **files;
	size_t nlabels = 0, i, n;
	int ch, tag = 0, kind, rval = 0;
	FILE *out = stdout;
	char *end;
	long v;

	if (f == NULL || (labels = calloc((size_t)argc + 1, sizeof(*labels))) == NULL) {
		warnx("out of memory");
		rval = 1;
		goto done;
	}
	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "o:j:hV", longopts, NULL)) != -1) {
		kind = -1;
		switch (ch) {
		case 'o':
			output = optarg;
			break;
		case OPT_TAG:
			tag = 1;
			if (optarg != NULL)
				labels[nlabels++] = optarg;
			break;
		case OPT_SCALE:
			o.scale = 1;
			if (count_arg("--scale", optarg, &o.scale_factor) != 0) {
				rval = 2;
				goto done;
			}
			break;
		case OPT_NORMALIZE:
			o.normalize = 1;
			o.normalize_total = pf_count_from_u64(100);
			if (optarg != NULL &&
			    count_arg("--normalize", optarg, &o.normalize_total) != 0) {
				rval = 2;
				goto done;
			}
			break;
		case OPT_LENIENT:
			o.read.lenient = 1;
			break;
		case OPT_INCLUDE: kind = PF_FILTER_INCLUDE; break;
		case OPT_EXCLUDE: kind = PF_FILTER_EXCLUDE; break;
		case OPT_FOCUS: kind = PF_FILTER_FOCUS; break;
		case OPT_PRUNE: kind = PF_FILTER_PRUNE; break;
		case OPT_RENAME: kind = PF_FILTER_RENAME; break;
		case OPT_STRIP: kind = PF_FILTER_STRIP_ADDRS; break;
		case OPT_COLLAPSE: kind = PF_FILTER_COLLAPSE_RECURSION; break;
		case OPT_MIN: kind = PF_FILTER_MIN_COUNT; break;
		case OPT_TOP: kind = PF_FILTER_TOP; break;
		case 'j':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v < 1 || v > 64) {
				warnx("invalid --jobs '%s': expected a number from 1 to 64", optarg);
				rval = 2;
				goto done;
			}
			o.jobs = (int)v;
			break;
		case OPT_MAX_INPUT_SIZE:
		case OPT_MAX_INFLATE_RATIO:
			if (limit_opt(ch, optarg) != 0) {
				rval = 2;
				goto done;
			}
			break;
		case OPT_PROGRESS:
			if (progress_opt(optarg) != 0) {
				rval = 2;
				goto done;
			}
			break;
		case 'h':
			help();
			goto done;
		case 'V':
			printf("pf-merge %s\n", PF_VERSION_STRING);
			goto done;
		default:
			usage(stderr);
			rval = 2;
			goto done;
		}
		if (kind >= 0 && pf_filter_add(f, (enum pf_filter_kind)kind, optarg, &err) != 0) {
			report(&err);
			rval = 2;
			goto done;
		}
	}
	argc -= optind;
	argv += optind;
	files = argc > 0 ? (const char **)argv : dash;
	n = argc > 0 ? (size_t)argc : 1;
	if (nlabels > n) {
		warnx("%zu --tag labels for %zu input%s", nlabels, n, n == 1 ? "" : "s");
		rval = 2;
		goto done;
	}

	/* Per-stack filters up to the first --min-count or --top run on each
	 * input before it is tagged; the rest on the sum. */
	o.filter = f;
	while (o.filter_steps < pf_filter_count(f) && pf_filter_is_per_stack(f, o.filter_steps))
		o.filter_steps++;
	if ((in = calloc(n, sizeof(*in))) == NULL) {
		warnx("out of memory");
		rval = 1;
		goto done;
	}
	for (i = 0; i < n; i++) {
		in[i].path = files[i];
		if (tag)
			in[i].tag = i < nlabels ? labels[i] :
			    strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
	}
	progress_inputs(files, n);
	progress_start("pf-merge");
	p = pf_merge_load(in, n, &o, &err);
	progress_stop();
	for (i = 0; i < n; i++) {
		report_skipped(in[i].path, &in[i].stats);
		if (in[i].failed) {
			report(&in[i].err);
			rval = 1;
		}
	}
	if (p == NULL) {
		report(&err);
		rval = 1;
	}
	/* A partial sum would pass for a whole one further down a reduction:
	 * write nothing when an input failed. */
	if (rval != 0)
		goto done;
	if (pf_filter_apply_range(f, o.filter_steps, pf_filter_count(f), &p, &err) != 0) {
		report(&err);
		rval = 1;
		goto done;
	}
	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		warnx("cannot create '%s': %s", output, strerror(errno));
		rval = 1;
		goto done;
	}
	if (pf_folded_write(p, out, &err) != 0) {
		warnx("%s%s%s", output ? output : "", output ? ": " : "", err.msg);
		rval = 1;
	}
	if (output != NULL && fclose(out) != 0) {
		warnx("cannot write '%s': %s", output, strerror(errno));
		rval = 1;
	}
done:
	free(in);
	free(labels);
	pf_filter_free(f);
	pf_profile_free(p);
	return rval;
}
