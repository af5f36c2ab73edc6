/*
 * pf-collapse - fold profiler output into folded stacks.
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
	    "usage: pf-collapse [--format NAME] [--pid | --tid] [--kernel] [--jit] [--all]\n"
	    "                   [--addrs] [--event-filter=EVENT] [--srcline] [-j N]\n"
	    "                   [--native | --perf-script]\n"
	    "                   [--no-location] [--drop-idle] [--weight=samples|time]\n"
	    "                   [--time-order] [--sample-type NAME|INDEX] [-o FILE]\n"
	    "                   [FILE ...]\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "Fold profiler output into folded stacks: one line per distinct stack,\n"
	    "\"root;...;leaf COUNT\", sorted.  The format is detected from the content\n"
	    "(gzip-compressed input too).  With no FILE, or when FILE is -, read\n"
	    "standard input.\n"
	    "\n"
	    "  -f, --format NAME     input format: auto (the default) or one below\n"
	    "  -o, --output FILE     write to FILE instead of standard output\n"
	    "\n"
	    "perf script (or a perf.data file):\n"
	    "      --pid             root frame is comm-PID\n"
	    "      --tid             root frame is comm-PID/TID\n"
	    "      --kernel          mark kernel frames with _[k]\n"
	    "      --jit             mark JIT frames with _[j]\n"
	    "      --all             --kernel and --jit\n"
	    "      --addrs           show the address of unknown symbols: [dso <addr>]\n"
	    "      --event-filter=EV keep samples of event EV (default: the first event)\n"
	    "      --srcline         input has source lines (perf script -F +srcline):\n"
	    "                        frames become func:file.c:LINE\n"
	    "  -j, --jobs N          threads for a regular file (default: all CPUs)\n"
	    "      --native          read perf.data without perf; fail if it needs perf\n"
	    "      --perf-script     read perf.data through `perf script` (the default\n"
	    "                        is natively, falling back to perf script when the\n"
	    "                        recording needs it: DWARF call graphs, LBR, ...)\n"
	    "\n"
	    "V8 .cpuprofile:\n"
	    "      --no-location     frames are function names without FILE:LINE\n"
	    "      --drop-idle       leave out the (idle) samples\n"
	    "      --weight=time     weigh samples by their duration in microseconds\n"
	    "                        (xctrace too, in nanoseconds; default: one per\n"
	    "                        sample)\n"
	    "      --time-order      samples in time order, merging only adjacent\n"
	    "                        equal stacks (for pf-svg --flamechart)\n"
	    "\n"
	    "pprof:\n"
	    "      --sample-type T   weigh by sample type T, a name (cpu, alloc_space,\n"
	    "                        cpu/nanoseconds) or an index (default: the\n"
	    "                        profile's default type, else the last)\n"
	    "\n"
	    "  -h, --help            show this help\n"
	    "  -V, --version         show the version\n"
	    "\n"
	    "Formats: %s.\n"
	    "perf counts are sums of sample periods (1 per sample without a period).\n"
	    "See pf-collapse(1) and pf-folded(5).\n", pf_format_list());
}

static void
report_stats(const char *name, const struct pf_perf_stats *st)
{
	char list[1024];
	size_t used = 0;
	uint64_t total = st->other_skipped_events;
	int i;

	if (strcmp(name, "-") == 0)
		name = "<stdin>";
	if (st->truncated_line > 0 && st->skipped_lines == 1)
		;	/* said below */
	else if (st->skipped_lines > 0 && st->dropped_samples > 0)
		warnx("'%s': skipped %llu unrecognized line%s (first at line %llu) "
		    "and dropped the %llu sample%s containing them", name,
		    (unsigned long long)st->skipped_lines, st->skipped_lines == 1 ? "" : "s",
		    (unsigned long long)st->first_skipped_line,
		    (unsigned long long)st->dropped_samples, st->dropped_samples == 1 ? "" : "s");
	else if (st->skipped_lines > 0)
		warnx("'%s': skipped %llu unrecognized line%s (first at line %llu)", name,
		    (unsigned long long)st->skipped_lines, st->skipped_lines == 1 ? "" : "s",
		    (unsigned long long)st->first_skipped_line);
	if (st->truncated_line > 0)
		warnx("'%s' line %llu: the input ends in the middle of this line "
		    "(a truncated file?); its sample was dropped", name,
		    (unsigned long long)st->truncated_line);
	if (st->nskipped_events == 0 && st->other_skipped_events == 0)
		return;
	list[0] = '\0';
	for (i = 0; i < st->nskipped_events && used < sizeof(list) - 1; i++) {
		int k = snprintf(list + used, sizeof(list) - used, "%s%s (%llu)",
		    i ? ", " : "", st->skipped_events[i].name,
		    (unsigned long long)st->skipped_events[i].samples);

		if (k > 0)
			used += (size_t)k;
		total += st->skipped_events[i].samples;
	}
	if (st->other_skipped_events > 0 && used < sizeof(list) - 1)
		snprintf(list + used, sizeof(list) - used, ", others (%llu)",
		    (unsigned long long)st->other_skipped_events);
	if (st->event_defaulted)
		warnx("'%s': kept the first event seen, '%s'; skipped %llu sample%s "
		    "of other events: %s (choose with --event-filter)", name, st->event,
		    (unsigned long long)total, total == 1 ? "" : "s", list);
	else if (st->samples_kept == 0)
		warnx("'%s': no samples of event '%s'; the input has: %s", name,
		    st->event, list);
}

/*
 * Options given for other formats than the one read are ignored; say so,
 * once per input, rather than leave the user to guess why nothing changed.
 */
static void
report_unused(const char *name, const struct pf_collapse_options *o, int format)
{
	const struct pf_perf_options *q = &o->perf;
	char list[256] = "";
	size_t used = 0;

#define UNUSED(cond, opt) do {						\
	if ((cond) && used < sizeof(list) - 1)				\
		used += (size_t)snprintf(list + used, sizeof(list) - used, \
		    "%s%s", used ? ", " : "", (opt));			\
} while (0)
	if (format != PF_FORMAT_PERF) {
		UNUSED(q->include_pid, "--pid");
		UNUSED(q->include_tid, "--tid");
		UNUSED(q->annotate_kernel, "--kernel");
		UNUSED(q->annotate_jit, "--jit");
		UNUSED(q->include_addrs, "--addrs");
		UNUSED(q->event_filter != NULL, "--event-filter");
		UNUSED(q->srcline, "--srcline");
	}
	if (format != PF_FORMAT_CPUPROFILE) {
		UNUSED(o->no_location, "--no-location");
		UNUSED(o->drop_idle, "--drop-idle");
		UNUSED(o->time_order, "--time-order");
		UNUSED(o->weight_time && format != PF_FORMAT_XCTRACE, "--weight=time");
	}
	UNUSED(o->sample_type != NULL && format != PF_FORMAT_PPROF, "--sample-type");
#undef UNUSED
	if (used > 0)
		warnx("'%s': ignored %s: not options of %s input", name, list,
		    pf_format_name(format));
}

static int
is_perf_data(struct pf_reader *r)
{
	struct pf_error err;
	const char *b;

	return pf_reader_peek(r, &b, 8, &err) == 8 &&
	    (memcmp(b, "PERFILE2", 8) == 0 || memcmp(b, "2ELIFREP", 8) == 0);
}

/*
 * A perf.data file: read natively unless it needs perf script (or the
 * user says which); returns 0, or 1 after reporting an error.
 */
static int
do_perf_data(struct pf_profile *p, struct pf_reader *r, const struct pf_collapse_options *o)
{
	struct pf_error err = { 0 };
	struct pf_collapse_options po = *o;
	struct pf_collapse_stats st;
	struct pf_perf_stats ps;
	struct pf_reader *data = NULL;
	char why[256];
	int mode = o->perf.data_mode, rc, is_data;

	if (o->perf.srcline && mode == PF_PERF_DATA_NATIVE) {
		warnx("'%s': --srcline needs perf script (source lines come from DWARF)",
		    pf_reader_name(r));
		return 1;
	}
	if (o->perf.srcline)
		mode = PF_PERF_DATA_SCRIPT;
	report_unused(pf_reader_name(r), o, PF_FORMAT_PERF);
	if (mode != PF_PERF_DATA_SCRIPT) {
		rc = pf_perf_data_read(p, r, &o->perf, &ps, why, sizeof(why), &err);
		if (rc == 0 || rc < 0) {
			report_stats(pf_reader_name(r), &ps);
			if (rc < 0)
				report(&err);
			return rc < 0;
		}
		if (mode == PF_PERF_DATA_NATIVE) {
			warnx("'%s': cannot be read without perf script: %s", pf_reader_name(r),
			    why);
			return 1;
		}
		warnx("'%s': %s: reading it through perf script", pf_reader_name(r), why);
	}
	data = pf_perf_data_script(r, o->perf.srcline, &is_data, &err);
	if (data == NULL) {
		report(&err);
		return 1;
	}
	po.format = PF_FORMAT_PERF;
	rc = pf_collapse(p, data, &po, &st, &err);
	if (rc != 0)
		report(&err);
	else
		report_stats(pf_reader_name(r), &st.perf);
	pf_reader_free(data);
	return rc != 0;
}

/* Folds one input into p; returns 0, or 1 after reporting an error. */
static int
do_file(struct pf_profile *p, const char *path, const struct pf_collapse_options *o)
{
	struct pf_error err = { 0 };
	struct pf_collapse_options po;
	struct pf_collapse_stats st;
	struct pf_reader *r;
	int rc = 1;

	r = pf_reader_open(path, &err);
	if (r == NULL) {
		report(&err);
		return 1;
	}
	if (pf_reader_decode(r, &err) < 0) {
		report(&err);
		goto out;
	}
	if ((o->format == PF_FORMAT_AUTO || o->format == PF_FORMAT_PERF) &&
	    is_perf_data(r)) {
		rc = do_perf_data(p, r, o);
		goto out;
	}
	po = *o;
	if (pf_collapse(p, r, &po, &st, &err) != 0) {
		report(&err);
		goto out;
	}
	if (st.note[0] != '\0')
		warnx("'%s': %s", pf_reader_name(r), st.note);
	report_unused(pf_reader_name(r), &po, st.format);
	if (st.format != PF_FORMAT_PERF) {
		rc = 0;
		goto out;
	}
	report_stats(path, &st.perf);
	if (st.perf.samples == 0 && st.perf.skipped_lines > 0) {
		warnx("'%s': no perf samples found (is this `perf script` output?)",
		    pf_reader_name(r));
		goto out;
	}
	rc = 0;
out:
	pf_reader_free(r);
	return rc;
}

int
main(int argc, char **argv)
{
	enum { OPT_PID = 256, OPT_TID, OPT_KERNEL, OPT_JIT, OPT_ALL, OPT_ADDRS,
	    OPT_EVENT, OPT_SRCLINE, OPT_NO_LOCATION, OPT_DROP_IDLE, OPT_WEIGHT,
	    OPT_TIME_ORDER, OPT_SAMPLE_TYPE, OPT_NATIVE, OPT_PERF_SCRIPT };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "pid", no_argument, NULL, OPT_PID },
		{ "tid", no_argument, NULL, OPT_TID },
		{ "kernel", no_argument, NULL, OPT_KERNEL },
		{ "jit", no_argument, NULL, OPT_JIT },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "addrs", no_argument, NULL, OPT_ADDRS },
		{ "event-filter", required_argument, NULL, OPT_EVENT },
		{ "srcline", no_argument, NULL, OPT_SRCLINE },
		{ "no-location", no_argument, NULL, OPT_NO_LOCATION },
		{ "drop-idle", no_argument, NULL, OPT_DROP_IDLE },
		{ "weight", required_argument, NULL, OPT_WEIGHT },
		{ "time-order", no_argument, NULL, OPT_TIME_ORDER },
		{ "sample-type", required_argument, NULL, OPT_SAMPLE_TYPE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "native", no_argument, NULL, OPT_NATIVE },
		{ "perf-script", no_argument, NULL, OPT_PERF_SCRIPT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_collapse_options co;
	struct pf_perf_options o;
	struct pf_error err = { 0 };
	struct pf_profile *p;
	const char *output = NULL;
	FILE *out = stdout;
	char *end;
	long v;
	int ch, i, rval = 0;

	memset(&o, 0, sizeof(o));
	memset(&co, 0, sizeof(co));
	while ((ch = getopt_long(argc, argv, "f:o:j:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if ((co.format = pf_format_lookup(optarg)) < 0) {
				warnx("unknown format '%s': expected auto, %s", optarg,
				    pf_format_list());
				return 2;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_PID:
			o.include_pid = 1;
			break;
		case OPT_TID:
			o.include_tid = 1;
			break;
		case OPT_KERNEL:
			o.annotate_kernel = 1;
			break;
		case OPT_JIT:
			o.annotate_jit = 1;
			break;
		case OPT_ALL:
			o.annotate_kernel = o.annotate_jit = 1;
			break;
		case OPT_ADDRS:
			o.include_addrs = 1;
			break;
		case OPT_EVENT:
			if (optarg[0] == '\0') {
				warnx("--event-filter needs an event name");
				return 2;
			}
			o.event_filter = optarg;
			break;
		case OPT_SRCLINE:
			o.srcline = 1;
			break;
		case OPT_NATIVE:
			o.data_mode = PF_PERF_DATA_NATIVE;
			break;
		case OPT_PERF_SCRIPT:
			o.data_mode = PF_PERF_DATA_SCRIPT;
			break;
		case OPT_NO_LOCATION:
			co.no_location = 1;
			break;
		case OPT_DROP_IDLE:
			co.drop_idle = 1;
			break;
		case OPT_WEIGHT:
			if (strcmp(optarg, "time") != 0 && strcmp(optarg, "samples") != 0) {
				warnx("invalid --weight '%s': expected samples or time", optarg);
				return 2;
			}
			co.weight_time = strcmp(optarg, "time") == 0;
			break;
		case OPT_TIME_ORDER:
			co.time_order = 1;
			break;
		case OPT_SAMPLE_TYPE:
			co.sample_type = optarg;
			break;
		case 'j':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v < 1 || v > 256) {
				warnx("invalid --jobs '%s': expected a number from 1 to 256", optarg);
				return 2;
			}
			o.jobs = (int)v;
			break;
		case 'h':
			help();
			return 0;
		case 'V':
			printf("pf-collapse %s\n", PF_VERSION_STRING);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	p = pf_profile_new();
	if (p == NULL) {
		warnx("out of memory");
		return 1;
	}
	co.perf = o;
	if (argc == 0)
		rval |= do_file(p, "-", &co);
	for (i = 0; i < argc; i++)
		rval |= do_file(p, argv[i], &co);

	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		warnx("cannot create '%s': %s", output, strerror(errno));
		pf_profile_free(p);
		return 1;
	}
	if (pf_folded_write(p, out, &err) != 0) {
		warnx("%s%s%s", output ? output : "", output ? ": " : "", err.msg);
		rval = 1;
	}
	if (output != NULL && fclose(out) != 0) {
		warnx("cannot write '%s': %s", output, strerror(errno));
		rval = 1;
	}
	pf_profile_free(p);
	return rval;
}
