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

#define HELP_COL 24	/* where the help of an option starts */

/* The synopsis, from the table of options. */
static void
usage(FILE *f)
{
	const char *lead = "usage: pf-collapse ";
	size_t col = strlen(lead), indent = col;
	char item[96];
	int i;

	fputs(lead, f);
	fputs("[--format NAME]", f);
	col += 15;
	for (i = 0; i <= PF_COPT_COUNT + 1; i++) {
		const struct pf_collapse_opt_info *x = pf_collapse_opt_info(i);

		if (i == PF_COPT_COUNT)
			snprintf(item, sizeof(item), "[-o FILE]");
		else if (i == PF_COPT_COUNT + 1)
			snprintf(item, sizeof(item), "[FILE ...]");
		else if (x->short_name != 0 && x->arg != NULL)
			snprintf(item, sizeof(item), "[-%c %s]", x->short_name, x->arg);
		else
			snprintf(item, sizeof(item), "[--%s%s%s]", x->name,
			    x->arg != NULL ? "=" : "", x->arg != NULL ? x->arg : "");
		if (col + 1 + strlen(item) > 79) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else {
			fputc(' ', f);
			col++;
		}
		fputs(item, f);
		col += strlen(item);
	}
	fputc('\n', f);
}

/* Prints text, a line per '\n', the lines after the first after indent
 * blanks. */
static void
put_lines(const char *text, int indent)
{
	size_t k;
	int first = 1;

	for (;;) {
		k = strcspn(text, "\n");
		printf("%*s%.*s\n", first ? 0 : indent, "", (int)k, text);
		if (text[k] == '\0')
			break;
		text += k + 1;
		first = 0;
	}
}

static void
help_option(const struct pf_collapse_opt_info *x)
{
	char left[96];
	int n;

	if (x->short_name != 0)
		n = snprintf(left, sizeof(left), "  -%c, --%s%s%s", x->short_name,
		    x->name, x->arg != NULL ? "=" : "", x->arg != NULL ? x->arg : "");
	else
		n = snprintf(left, sizeof(left), "      --%s%s%s", x->name,
		    x->arg != NULL ? "=" : "", x->arg != NULL ? x->arg : "");
	if (n >= HELP_COL) {
		printf("%s\n%*s", left, HELP_COL, "");
		put_lines(x->help, HELP_COL);
		return;
	}
	printf("%-*s", HELP_COL, left);
	put_lines(x->help, HELP_COL);
}

/* The options of every format, from the table of formats. */
static void
help(void)
{
	const struct pf_format_info *f;
	size_t i;
	int k;

	usage(stdout);
	printf("\n"
	    "Fold profiler output into folded stacks: one line per distinct stack,\n"
	    "\"root;...;leaf COUNT\", sorted.  The format is detected from the content\n"
	    "(gzip-compressed input too).  With no FILE, or when FILE is -, read\n"
	    "standard input.\n"
	    "\n"
	    "  -f, --format NAME     input format: auto (the default) or one below\n"
	    "  -o, --output FILE     write to FILE instead of standard output\n"
	    );
	limit_help(24);
	progress_help(24);
	printf(
	    "  -h, --help            show this help\n"
	    "  -V, --version         show the version\n"
	    "\n"
	    "Formats, in the order detection tries them, with what their counts are\n"
	    "and their options (an option given for another format is ignored, with\n"
	    "a warning):\n");
	for (i = 0; (f = pf_format_at(i)) != NULL; i++) {
		printf("\n%s%s%s: %s\n", f->name, f->aliases != NULL ? ", " : "",
		    f->aliases != NULL ? f->aliases : "", f->title);
		printf("  counts: ");
		put_lines(f->counts, 10);
		for (k = 0; k < PF_COPT_COUNT; k++)
			if (f->options & (1u << k))
				help_option(pf_collapse_opt_info(k));
	}
	printf("\nSee pf-collapse(1) and pf-folded(5).\n");
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
	const struct pf_format_info *f = pf_format_info(format);
	uint32_t unused = pf_collapse_options_set(o) & ~(f != NULL ? f->options : 0);
	char list[512] = "";
	size_t used = 0;
	int i;

	if (f == NULL || unused == 0)
		return;
	for (i = 0; i < PF_COPT_COUNT && used < sizeof(list) - 1; i++)
		if (unused & (1u << i))
			used += (size_t)snprintf(list + used, sizeof(list) - used,
			    "%s%s", used ? ", " : "", pf_collapse_opt_info(i)->label);
	warnx("'%s': ignored %s: not options of %s input", name, list, f->name);
}

/*
 * The unit of the counts, over every input: the first input's that is
 * known, and the first of another unit, if any.
 */
static struct {
	int unit;
	char *name;
	int other;
	char *other_name;
} counts = { -1, NULL, -1, NULL };

static void
note_unit(const char *name, int unit)
{
	if (unit == PF_UNIT_UNKNOWN)
		return;
	if (counts.unit < 0) {
		counts.unit = unit;
		counts.name = strdup(name);
	} else if (counts.other < 0 && unit != counts.unit) {
		counts.other = unit;
		counts.other_name = strdup(name);
	}
}

/*
 * One line on what the counts are when they are a time or bytes, with the
 * --countname that pf-svg and pf-html draw them with; or a warning when
 * the inputs count different things.
 */
static void
report_unit(void)
{
	static const char *const long_names[] = {
		[PF_UNIT_NANOSECONDS] = "nanoseconds",
		[PF_UNIT_MICROSECONDS] = "microseconds",
		[PF_UNIT_MILLISECONDS] = "milliseconds",
		[PF_UNIT_SECONDS] = "seconds",
		[PF_UNIT_BYTES] = "bytes",
	};
	int u = counts.unit;

	if (counts.other >= 0 && counts.name != NULL && counts.other_name != NULL)
		warnx("the inputs count different things (%s in '%s', %s in '%s'): "
		    "their sums mean nothing", pf_unit_name(u), counts.name,
		    pf_unit_name(counts.other), counts.other_name);
	else if (u >= PF_UNIT_NANOSECONDS && u <= PF_UNIT_BYTES)
		warnx("counts are %s: draw them with --countname=%s", long_names[u],
		    pf_unit_name(u));
	free(counts.name);
	free(counts.other_name);
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
			else
				note_unit(pf_reader_name(r), pf_perf_unit(&ps));
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
	if (rc != 0) {
		report(&err);
	} else {
		report_stats(pf_reader_name(r), &st.perf);
		note_unit(pf_reader_name(r), st.unit);
	}
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
	note_unit(pf_reader_name(r), st.unit);
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
	enum { OPT_FIRST = 256 };
	static const char *dash[] = { "-" };
	struct option longopts[PF_COPT_COUNT + 8];
	char shortopts[16 + 2 * PF_COPT_COUNT] = "f:o:hV";
	struct pf_collapse_options co;
	struct pf_perf_options o;
	struct pf_error err = { 0 };
	struct pf_profile *p;
	const char *output = NULL;
	FILE *out = stdout;
	char *end;
	long v;
	int ch, i, n = 0, rval = 0;

	longopts[n++] = (struct option){ "format", required_argument, NULL, 'f' };
	longopts[n++] = (struct option){ "output", required_argument, NULL, 'o' };
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n++] = (struct option){ "max-input-size", required_argument, NULL,
	    OPT_MAX_INPUT_SIZE };
	longopts[n++] = (struct option){ "max-inflate-ratio", required_argument, NULL,
	    OPT_MAX_INFLATE_RATIO };
	longopts[n++] = (struct option){ "version", no_argument, NULL, 'V' };
	longopts[n++] = (struct option)PROGRESS_LONGOPT;
	for (i = 0; i < PF_COPT_COUNT; i++) {
		const struct pf_collapse_opt_info *x = pf_collapse_opt_info(i);
		int val = x->short_name != 0 ? x->short_name : OPT_FIRST + i;

		longopts[n++] = (struct option){ x->name, x->arg != NULL ?
		    required_argument : no_argument, NULL, val };
		if (x->short_name != 0) {
			size_t k = strlen(shortopts);

			shortopts[k++] = x->short_name;
			if (x->arg != NULL)
				shortopts[k++] = ':';
			shortopts[k] = '\0';
		}
	}
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };

	memset(&o, 0, sizeof(o));
	memset(&co, 0, sizeof(co));
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ch == 'j')
			ch = OPT_FIRST + PF_COPT_JOBS;
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
		case OPT_FIRST + PF_COPT_PID:
			o.include_pid = 1;
			break;
		case OPT_FIRST + PF_COPT_TID:
			o.include_tid = 1;
			break;
		case OPT_FIRST + PF_COPT_KERNEL:
			o.annotate_kernel = 1;
			break;
		case OPT_FIRST + PF_COPT_JIT:
			o.annotate_jit = 1;
			break;
		case OPT_FIRST + PF_COPT_ALL:
			o.annotate_kernel = o.annotate_jit = 1;
			break;
		case OPT_FIRST + PF_COPT_ADDRS:
			o.include_addrs = 1;
			break;
		case OPT_FIRST + PF_COPT_EVENT_FILTER:
			if (optarg[0] == '\0') {
				warnx("--event-filter needs an event name");
				return 2;
			}
			o.event_filter = optarg;
			break;
		case OPT_FIRST + PF_COPT_SRCLINE:
			o.srcline = 1;
			break;
		case OPT_FIRST + PF_COPT_NATIVE:
			o.data_mode = PF_PERF_DATA_NATIVE;
			break;
		case OPT_FIRST + PF_COPT_PERF_SCRIPT:
			o.data_mode = PF_PERF_DATA_SCRIPT;
			break;
		case OPT_FIRST + PF_COPT_JOBS:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v < 1 || v > 256) {
				warnx("invalid --jobs '%s': expected a number from 1 to 256", optarg);
				return 2;
			}
			o.jobs = (int)v;
			break;
		case OPT_FIRST + PF_COPT_NO_LOCATION:
			co.no_location = 1;
			break;
		case OPT_FIRST + PF_COPT_DROP_IDLE:
			co.drop_idle = 1;
			break;
		case OPT_FIRST + PF_COPT_WEIGHT:
			if (strcmp(optarg, "time") != 0 && strcmp(optarg, "samples") != 0) {
				warnx("invalid --weight '%s': expected samples or time", optarg);
				return 2;
			}
			co.weight_time = strcmp(optarg, "time") == 0;
			break;
		case OPT_FIRST + PF_COPT_TIME_ORDER:
			co.time_order = 1;
			break;
		case OPT_FIRST + PF_COPT_SAMPLE_TYPE:
			co.sample_type = optarg;
			break;
		case OPT_FIRST + PF_COPT_EVENT:
			co.event = optarg;
			break;
		case OPT_MAX_INPUT_SIZE:
		case OPT_MAX_INFLATE_RATIO:
			if (limit_opt(ch, optarg) != 0)
				return 2;
			break;
		case OPT_PROGRESS:
			if (progress_opt(optarg) != 0)
				return 2;
			break;
		case OPT_FIRST + PF_COPT_SNAPSHOT:
			co.snapshot = optarg;
			break;
		case OPT_FIRST + PF_COPT_PROFILE:
			co.profile = optarg;
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
	progress_inputs(argc > 0 ? (const char *const *)argv : dash,
	    argc > 0 ? (size_t)argc : 1);
	progress_start("pf-collapse");
	if (argc == 0)
		rval |= do_file(p, "-", &co);
	for (i = 0; i < argc; i++)
		rval |= do_file(p, argv[i], &co);
	progress_stop();
	/* The stacks read before an error would pass for the whole profile
	 * further down a pipeline: write nothing. */
	if (rval != 0) {
		pf_profile_free(p);
		return rval;
	}

	report_unit();
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
