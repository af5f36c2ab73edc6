/*
 * test-perf.c - unit tests of the `perf script` parser: header variants,
 * sample boundaries, options, name tidying, damaged input, and the
 * parallel parse giving the same result as the serial one.
 */
#include "tap.h"

struct run {
	int rc;
	char *out;
	size_t len;
	struct pf_perf_stats st;
	struct pf_error err;
};

static const struct pf_perf_options no_opts;

/* Folds perf text from memory; r->out is the folded text (or NULL). */
static void
collapse(const char *in, size_t len, const struct pf_perf_options *o,
    struct run *r)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *rd = pf_reader_mem("perf.txt", in, len);

	memset(r, 0, sizeof(*r));
	r->rc = pf_perf_collapse(p, rd, o != NULL ? o : &no_opts, &r->st, &r->err);
	r->out = r->rc == 0 ? folded_text(p, &r->len) : NULL;
	pf_reader_free(rd);
	pf_profile_free(p);
}

/* Checks r's output, every byte of it. */
static int
run_is(const char *name, const struct run *r, const char *want)
{
	return tap_mem(name, r->out, r->len, want, strlen(want));
}

/* The same for a NUL-terminated text. */
static void
collapse_s(const char *in, const struct pf_perf_options *o, struct run *r)
{
	collapse(in, strlen(in), o, r);
}

/* Checks the folded output of in. */
static void
perf_case(const char *name, const char *in, const struct pf_perf_options *o,
    const char *want)
{
	struct run r;

	collapse(in, strlen(in), o, &r);
	tap_mem(name, r.out, r.len, want, strlen(want));
	free(r.out);
}

/* One sample of comm "prog" (or comm) with the single frame line
 * "\t 1000 SYM_AND_DSO"; want is the frame it must become. */
static void
frame_case(const char *name, const char *comm, const char *sym,
    const struct pf_perf_options *o, const char *want)
{
	char in[2048], out[2048];

	snprintf(in, sizeof(in), "%s 1234 1.000000:          7 cpu-clock: \n"
	    "\t            1000 %s\n\n", comm != NULL ? comm : "prog", sym);
	snprintf(out, sizeof(out), "%s;%s 7\n", comm != NULL ? comm : "prog", want);
	perf_case(name, in, o, out);
}

/* ---------------------------------------------------------------- headers */

static void
test_headers(void)
{
	struct pf_perf_options pid = { .include_pid = 1 }, tid = { .include_tid = 1 };

	perf_case("perf/header_with_cpu",
	    "prog 123 [000] 1.000000:    1001001 cpu-clock: \n"
	    "\tffffffff81000010 do_syscall_64+0x10 ([kernel.kallsyms])\n"
	    "\t    7f0000001020 main+0x20 (/usr/bin/prog)\n"
	    "\t    7f0000000180 __libc_start_main+0x80 (/usr/lib/libc.so.6)\n"
	    "\n", NULL,
	    "prog;__libc_start_main;main;do_syscall_64 1001001\n");
	perf_case("perf/header_without_cpu",
	    "prog 123   1.000000:    1001001 cpu-clock: \n"
	    "\t            1020 main+0x20 (/usr/bin/prog)\n\n"
	    "prog 123   1.001000:    1001001 cpu-clock: \n"
	    "\t            1020 main+0x24 (/usr/bin/prog)\n\n", NULL,
	    "prog;main 2002002\n");
	perf_case("perf/header_without_period",
	    "prog 123 [001] 1.000000: cpu-clock: \n"
	    "\t            1020 main (/usr/bin/prog)\n\n"
	    "prog 123 [001] 1.001000: cpu-clock: \n"
	    "\t            1020 main (/usr/bin/prog)\n\n"
	    "prog 123 [001] 1.002000: cpu-clock: \n"
	    "\t            1030 other (/usr/bin/prog)\n\n", NULL,
	    "prog;main 2\nprog;other 1\n");
	perf_case("perf/header_period_no_event_colon_space",
	    "prog 123 1.000000: 5 cpu-clock:\n"
	    "\t            1020 main (/usr/bin/prog)\n\n", NULL,
	    "prog;main 5\n");

	/* PID/TID. */
	static const char pidtid[] =
	    "prog 100/123   1.000000:          5 cpu-clock: \n"
	    "\t            1020 main (/usr/bin/prog)\n\n";
	perf_case("perf/pid_tid_default", pidtid, NULL, "prog;main 5\n");
	perf_case("perf/pid_tid_pid", pidtid, &pid, "prog-100;main 5\n");
	perf_case("perf/pid_tid_tid", pidtid, &tid, "prog-100/123;main 5\n");
	static const char tidonly[] =
	    "prog   123 [002]   1.000000:          5 cpu-clock: \n"
	    "\t            1020 main (/usr/bin/prog)\n\n";
	perf_case("perf/no_pid_field_pid", tidonly, &pid, "prog-?;main 5\n");
	perf_case("perf/no_pid_field_tid", tidonly, &tid, "prog-?/123;main 5\n");

	/* perf script -F comm,tid,ip,sym: no time, no event, no dso. */
	perf_case("perf/no_timestamp",
	    "deeprec 19051 \n"
	    "\t            138b leaf_compute\n"
	    "\t            19eb phase_dispatch\n"
	    "\t            113b main\n"
	    "\n"
	    "deeprec 19051 \n"
	    "\t            1399 leaf_compute\n"
	    "\t            113b main\n"
	    "\n"
	    "deeprec 19051 \n"
	    "\t            138b leaf_compute\n"
	    "\t            19eb phase_dispatch\n"
	    "\t            113b main\n", NULL,
	    "deeprec;main;leaf_compute 1\ndeeprec;main;phase_dispatch;leaf_compute 2\n");
	perf_case("perf/no_timestamp_tid",
	    "deeprec 19051 \n\t            113b main\n\n", &tid,
	    "deeprec-?/19051;main 1\n");
	perf_case("perf/no_timestamp_comm_spaces",
	    "pool-2 thread 19266 \n\t            113b main\n\n"
	    "worker 1 19265 \n\t            113b main\n\n", &tid,
	    "pool-2_thread-?/19266;main 1\nworker_1-?/19265;main 1\n");

	/* Comms with spaces, digits, punctuation and a trailing space, as in
	 * mt-threadnames-fp.txt; spaces become '_'. */
	perf_case("perf/comm_names",
	    "worker 1 19265   525.385887:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    "pool-2 thread 19266   525.386512:    1001001 cpu-clock: \n"
	    "\t            1304 alloc_churn+0x14 (/tmp/mtnames)\n\n"
	    "trailing  19270   525.400460:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    "a  b   c 19272   525.391512:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    "12345 19269   525.396456:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    "io:wait 19267   525.388462:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    "[bracketed] 19268   525.391464:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    "na\xc3\xafve-\xce\xbb 19271   525.387509:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    ":-1    -1 [000]   525.390000:    1001001 cpu-clock: \n"
	    "\tffffffff81000010 do_exit+0x10 ([kernel.kallsyms])\n\n"
	    "semi;colon 19273   525.392000:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n", NULL,
	    "12345;spin_hash 1001001\n"
	    ":-1;do_exit 1001001\n"
	    "[bracketed];spin_hash 1001001\n"
	    "a__b___c;spin_hash 1001001\n"
	    "io:wait;spin_hash 1001001\n"
	    "na\xc3\xafve-\xce\xbb;spin_hash 1001001\n"
	    "pool-2_thread;alloc_churn 1001001\n"
	    "semi:colon;spin_hash 1001001\n"
	    "trailing_;spin_hash 1001001\n"
	    "worker_1;spin_hash 1001001\n");
	perf_case("perf/comm_digits_with_cpu",
	    "worker 1 19265 [001]   525.385887:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n", &tid,
	    "worker_1-?/19265;spin_hash 1001001\n");
	perf_case("perf/comm_digits_pid_tid",
	    "worker 1 19260/19265   525.385887: cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n", &tid,
	    "worker_1-19260/19265;spin_hash 1\n");
	perf_case("perf/comm_trailing_space_pid",
	    "trailing  19260/19270   525.400460: cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n", &pid,
	    "trailing_-19260;spin_hash 1\n");

	/* Without -g: one line per sample, comm right-aligned, no blank
	 * lines (c-deeprec-nocallgraph.txt). */
	perf_case("perf/no_callgraph",
	    "         deeprec 19094   508.684651:    1001001 cpu-clock:      "
	    "55c7381623b2 leaf_compute+0x52 (/home/dev/corpus01/bin/deeprec)\n"
	    "         deeprec 19094   508.685648:    1001001 cpu-clock:      "
	    "55c738162396 leaf_compute+0x36 (/home/dev/corpus01/bin/deeprec)\n"
	    "         deeprec 19094   508.687663:    1001001 cpu-clock:  "
	    "ffffffff8161df6c get_page_from_freelist+0x166c ([kernel.kallsyms])\n"
	    "            beef 19095   508.688663:    1001001 cpu-clock:      "
	    "7fcdc2cd53ba __mpn_mul_1+0xa (/usr/lib/x86_64-linux-gnu/libc.so.6)\n",
	    NULL,
	    "beef;__mpn_mul_1 1001001\n"
	    "deeprec;get_page_from_freelist 1001001\n"
	    "deeprec;leaf_compute 2002002\n");
	/*
	 * The same with comms that contain ':' or '[' (kworker/u8:2-ev,
	 * io:wait): the header line follows a frame without a blank line in
	 * between, and must not be taken for a source line.
	 */
	perf_case("perf/no_callgraph_comm_with_colon",
	    "         deeprec 19094   508.684651:    1001001 cpu-clock:      "
	    "55c7381623b2 leaf_compute+0x52 (/home/dev/corpus01/bin/deeprec)\n"
	    " kworker/u8:2-ev 19095   508.685648:    1001001 cpu-clock:  "
	    "ffffffff8161df6c worker_thread+0x10 ([kernel.kallsyms])\n"
	    "     [bracketed] 19096   508.686648:    1001001 cpu-clock:      "
	    "55c7381623b2 spin+0x2 (/tmp/mtnames)\n", NULL,
	    "[bracketed];spin 1001001\n"
	    "deeprec;leaf_compute 1001001\n"
	    "kworker/u8:2-ev;worker_thread 1001001\n");

	/*
	 * perf 6.5 and later print the PID and TID in 7 columns ("%s %7d",
	 * "%7d/%-7d") where older perf used 5: the padding is not part of
	 * the comm, a blank that ends the comm still is.  Each layout below
	 * is what `perf script` prints with that set of fields.
	 */
	perf_case("perf/width7_default_fields",
	    "iou-wrk-726     729    36.910071:       9737 cycles:P: \n"
	    "\tffffffff81000010 io_wq_worker+0x10 ([kernel.kallsyms])\n\n"
	    "python3   10585    36.910080:       9737 cycles:P: \n"
	    "\t    7f0000001020 _PyEval_EvalFrameDefault+0x20 (/usr/bin/python3.11)\n\n"
	    "trace       1    36.910090:       9737 cycles:P: \n"
	    "\t    7f0000001020 main+0x20 (/usr/bin/trace)\n\n"
	    "threaded-ml 1234567    36.910095:       9737 cycles:P: \n"
	    "\t    7f0000001020 main+0x20 (/usr/bin/ml)\n\n", NULL,
	    "iou-wrk-726;io_wq_worker 9737\n"
	    "python3;_PyEval_EvalFrameDefault 9737\n"
	    "threaded-ml;main 9737\n"
	    "trace;main 9737\n");
	perf_case("perf/width7_cpu_column",
	    "swapper       0 [000]    36.910071:     250000 cpu-clock:ppp: \n"
	    "\tffffffff81000010 default_idle+0x10 ([kernel.kallsyms])\n\n"
	    "kworker/u8:2-ev     118 [001]    36.910072:     250000 cpu-clock:ppp: \n"
	    "\tffffffff81000020 worker_thread+0x10 ([kernel.kallsyms])\n\n", NULL,
	    "kworker/u8:2-ev;worker_thread 250000\n"
	    "swapper;default_idle 250000\n");
	perf_case("perf/width7_pid_tid",
	    "python3   10585/10590     36.910071:     250000 cpu-clock: \n"
	    "\t    7f0000001020 main+0x20 (/usr/bin/python3.11)\n\n"
	    "trailing      726/729       36.910072:     250000 cpu-clock: \n"
	    "\t    7f0000001020 main+0x20 (/usr/bin/python3.11)\n\n", &tid,
	    "python3-10585/10590;main 250000\n"
	    "trailing_-726/729;main 250000\n");
	perf_case("perf/width7_fields_comm_tid_ip_sym",
	    "deeprec   19051 \n\t            113b main\n\n"
	    "worker 1   19052 \n\t            113b main\n\n", &tid,
	    "deeprec-?/19051;main 1\nworker_1-?/19052;main 1\n");
	/* "trailing " with a 5-digit TID: 1 + 1 + 2 blanks in 7 columns
	 * (here), 1 + 1 + 0 in 5 (perf/comm_names). */
	perf_case("perf/width7_comm_trailing_space",
	    "trailing    19270   525.400460:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    "a  b   c   19272   525.391512:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    "prog   19273   525.391512:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n", NULL,
	    "a__b___c;spin_hash 1001001\n"
	    "prog;spin_hash 1001001\n"
	    "trailing_;spin_hash 1001001\n");
	/*
	 * Older perf (5 columns) with a comm ending in two blanks first: its
	 * four blanks would fit 7 columns, the next header's do not, so the
	 * input is read as 5 columns throughout.
	 */
	perf_case("perf/width5_decided_by_a_later_header",
	    "two   19270   525.400460:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    "prog 19273   525.401460:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n"
	    "one   712   525.402460:    1001001 cpu-clock: \n"
	    "\t            126a spin_hash+0x1a (/tmp/mtnames)\n\n", NULL,
	    "one;spin_hash 1001001\n"
	    "prog;spin_hash 1001001\n"
	    "two__;spin_hash 1001001\n");
	/* Without a call graph the comm is right-aligned in 16 columns. */
	perf_case("perf/width7_no_callgraph",
	    "         deeprec   19094   508.684651:    1001001 cpu-clock:      "
	    "55c7381623b2 leaf_compute+0x52 (/home/dev/corpus01/bin/deeprec)\n"
	    "            beef     195   508.688663:    1001001 cpu-clock:      "
	    "7fcdc2cd53ba __mpn_mul_1+0xa (/usr/lib/x86_64-linux-gnu/libc.so.6)\n",
	    NULL,
	    "beef;__mpn_mul_1 1001001\n"
	    "deeprec;leaf_compute 1001001\n");
}

/* ---------------------------------------------------------------- samples */

static void
test_samples(void)
{
	struct run r;

	perf_case("perf/no_blank_lines_between_samples",
	    "prog 1 1.0: 1 cpu-clock: \n"
	    "\t1 a (/x)\n"
	    "prog 1 2.0: 1 cpu-clock: \n"
	    "\t2 b (/x)\n"
	    "\t3 c (/x)\n"
	    "prog 1 3.0: 1 cpu-clock: \n"
	    "\t1 a (/x)\n", NULL,
	    "prog;a 2\nprog;c;b 1\n");
	perf_case("perf/last_sample_without_blank_line",
	    "prog 1 1.0: 1 cpu-clock: \n\t1 a (/x)\n\n"
	    "prog 1 2.0: 1 cpu-clock: \n\t2 b (/x)\n", NULL,
	    "prog;a 1\nprog;b 1\n");
	perf_case("perf/last_sample_without_newline",
	    "prog 1 1.0: 1 cpu-clock: \n\t1 a (/x)\n\n"
	    "prog 1 2.0: 1 cpu-clock: \n\t2 b (/x)", NULL,
	    "prog;a 1\nprog;b 1\n");
	perf_case("perf/crlf",
	    "prog 1 1.0: 1 cpu-clock: \r\n\t1 a (/x)\r\n\t2 b (/x)\r\n\r\n"
	    "prog 1 2.0: 1 cpu-clock: \r\n\t2 b (/x)\r\n", NULL,
	    "prog;b 1\nprog;b;a 1\n");
	perf_case("perf/blank_line_of_spaces_ends_sample",
	    "prog 1 1.0: 1 cpu-clock: \n\t1 a (/x)\n   \t \n"
	    "prog 1 2.0: 1 cpu-clock: \n\t2 b (/x)\n", NULL,
	    "prog;a 1\nprog;b 1\n");
	perf_case("perf/comments_ignored",
	    "# ========\n# captured on    : Thu\n# ========\n#\n"
	    "prog 1 1.0: 1 cpu-clock: \n\t1 a (/x)\n\n", NULL, "prog;a 1\n");

	/* A sample with an empty call chain is the comm alone. */
	collapse_s("prog 1 1.0: 3 cpu-clock: \n\nprog 1 2.0: 1 cpu-clock: \n\t1 a (/x)\n\n",
	    NULL, &r);
	run_is("perf/empty_callchain", &r, "prog 3\nprog;a 1\n");
	CHECK("perf/empty_callchain_stats", r.st.empty_samples == 1 &&
	    r.st.samples == 2 && r.st.samples_kept == 2);
	free(r.out);

	/* Empty input, and input of comments only. */
	collapse("", 0, NULL, &r);
	run_is("perf/empty_input", &r, "");
	CHECK("perf/empty_input_stats", r.rc == 0 && r.st.samples == 0 &&
	    r.st.skipped_lines == 0 && r.st.event[0] == '\0');
	free(r.out);
	collapse("\n\n   \n", 6, NULL, &r);
	run_is("perf/blank_input", &r, "");
	CHECK("perf/blank_input_stats", r.st.skipped_lines == 0);
	free(r.out);

	/* Counts are sums of periods; a total beyond 2^64 is an error that
	 * names the header line of the sample that overflowed. */
	perf_case("perf/big_periods",
	    "prog 1 1.0: 9000000000000000000 cycles: \n\t1 a (/x)\n\n"
	    "prog 1 2.0: 9000000000000000000 cycles: \n\t1 a (/x)\n\n", NULL,
	    "prog;a 18000000000000000000\n");
	collapse_s("prog 1 1.0: 10000000000000000000 cycles: \n\t1 a (/x)\n\n"
	    "prog 1 2.0: 10000000000000000000 cycles: \n\t1 a (/x)\n\n", NULL, &r);
	CHECK("perf/period_overflow_rc", r.rc == -1);
	tap_err("perf/period_overflow_error", &r.err, "perf.txt", 4, "overflow");
	free(r.out);
}

/* ----------------------------------------------------------------- events */

static const char events_in[] =
    "node 1 1.0: 1001001 cpu-clock: \n\t1000 fib+0x10 (/tmp/perf-1.map)\n\n"
    "node 1 1.1:       3 page-faults: \n\t2000 memcpy+0x20 (/usr/lib/libc.so.6)\n\n"
    "node 1 1.2: 1001001 cpu-clock: \n\t1000 fib+0x10 (/tmp/perf-1.map)\n\n"
    "node 1 1.3:       2 page-faults: \n\t2000 memcpy+0x20 (/usr/lib/libc.so.6)\n\n"
    "node 1 1.4:       5 cpu-clock:u: \n\t3000 g (/x)\n\n";

static void
test_events(void)
{
	struct pf_perf_options o = no_opts;
	struct run r;

	collapse(events_in, sizeof(events_in) - 1, NULL, &r);
	run_is("perf/event_default", &r, "node;fib 2002002\n");
	CHECK("perf/event_default_stats", strcmp(r.st.event, "cpu-clock") == 0 &&
	    r.st.event_defaulted == 1 && r.st.samples == 5 && r.st.samples_kept == 2);
	CHECK("perf/event_default_skipped", r.st.nskipped_events == 2 &&
	    strcmp(r.st.skipped_events[0].name, "page-faults") == 0 &&
	    r.st.skipped_events[0].samples == 2 &&
	    strcmp(r.st.skipped_events[1].name, "cpu-clock:u") == 0 &&
	    r.st.skipped_events[1].samples == 1 && r.st.other_skipped_events == 0 &&
	    r.st.skipped_lines == 0);
	free(r.out);

	o.event_filter = "page-faults";
	collapse(events_in, sizeof(events_in) - 1, &o, &r);
	run_is("perf/event_filter", &r, "node;memcpy 5\n");
	CHECK("perf/event_filter_stats", strcmp(r.st.event, "page-faults") == 0 &&
	    r.st.event_defaulted == 0 && r.st.nskipped_events == 2 &&
	    strcmp(r.st.skipped_events[0].name, "cpu-clock") == 0 &&
	    r.st.skipped_events[0].samples == 2);
	free(r.out);

	o.event_filter = "cpu-clock:u";
	collapse(events_in, sizeof(events_in) - 1, &o, &r);
	run_is("perf/event_filter_modifier", &r, "node;g 5\n");
	free(r.out);

	o.event_filter = "cpu";
	collapse(events_in, sizeof(events_in) - 1, &o, &r);
	run_is("perf/event_filter_no_prefix_match", &r, "");
	CHECK("perf/event_filter_nothing_stats", r.st.samples == 5 &&
	    r.st.samples_kept == 0 && r.st.nskipped_events == 3);
	free(r.out);

	/* A header without an event (-F comm,tid,...) is always kept. */
	perf_case("perf/event_none_in_header",
	    "prog 1 \n\t1 a\n\nprog 1 \n\t1 a\n\n", NULL, "prog;a 2\n");
}

/* ---------------------------------------------------------------- options */

static const char dsos_in[] =
    "prog 7/8 1.0: 1 cpu-clock: \n"
    "\tffffffff81000010 k1+0x10 ([kernel.kallsyms])\n"
    "\tffffffffc0000010 ext4_mod+0x10 (/lib/modules/6.1.0/kernel/fs/ext4/ext4.ko)\n"
    "\tffffffff81000020 k2+0x10 (vmlinux)\n"
    "\tffffffff81000030 k3+0x10 (/boot/vmlinux-6.1.0-13-amd64)\n"
    "\t    7ffd00000010 __vdso_clock_gettime+0x10 ([vdso])\n"
    "\t    7f0000000010 u1+0x10 ([unknown])\n"
    "\t    3c0000000010 JS:*fib /home/dev/fib.js:3:10 (/tmp/perf-4242.map)\n"
    "\t    3d0000000010 JS:*walk (/home/dev/.debug/jit/jitted-4242-17.so)\n"
    "\t    7f0000000020 main+0x10 (/usr/bin/prog)\n"
    "\n";

static void
test_options(void)
{
	struct pf_perf_options k = { .annotate_kernel = 1 }, j = { .annotate_jit = 1 };
	struct pf_perf_options all = { .annotate_kernel = 1, .annotate_jit = 1 };
	struct pf_perf_options addrs = { .include_addrs = 1 };
	struct pf_perf_options every = { .annotate_kernel = 1, .annotate_jit = 1,
	    .include_addrs = 1, .include_tid = 1 };

	perf_case("perf/plain_names", dsos_in, NULL,
	    "prog;main;JS:*walk;JS:*fib /home/dev/fib.js:3:10;u1;__vdso_clock_gettime;"
	    "k3;k2;ext4_mod;k1 1\n");
	perf_case("perf/kernel", dsos_in, &k,
	    "prog;main;JS:*walk;JS:*fib /home/dev/fib.js:3:10;u1;__vdso_clock_gettime_[k];"
	    "k3_[k];k2_[k];ext4_mod_[k];k1_[k] 1\n");
	perf_case("perf/jit", dsos_in, &j,
	    "prog;main;JS:*walk_[j];JS:*fib /home/dev/fib.js:3:10_[j];u1;"
	    "__vdso_clock_gettime;k3;k2;ext4_mod;k1 1\n");
	perf_case("perf/all", dsos_in, &all,
	    "prog;main;JS:*walk_[j];JS:*fib /home/dev/fib.js:3:10_[j];u1;"
	    "__vdso_clock_gettime_[k];k3_[k];k2_[k];ext4_mod_[k];k1_[k] 1\n");
	perf_case("perf/all_tid", dsos_in, &every,
	    "prog-7/8;main;JS:*walk_[j];JS:*fib /home/dev/fib.js:3:10_[j];u1;"
	    "__vdso_clock_gettime_[k];k3_[k];k2_[k];ext4_mod_[k];k1_[k] 1\n");
	frame_case("perf/jit_not_perf_map_dir", NULL, "f (/tmp/perf-x.map)", &j, "f");
	frame_case("perf/jit_not_jitted_name", NULL, "f (/usr/lib/jitted-abc.so)", &j, "f");

	/* Unknown symbols: the dso's base name, with --addrs the address. */
	static const char unk[] =
	    "prog 1 1.0: 1 cpu-clock: \n"
	    "\t    7f5a12345678 [unknown] (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
	    "\t               0 [unknown] ([unknown])\n"
	    "\t            113b main+0x7b (/tmp/deeprec)\n"
	    "\n";
	perf_case("perf/unknown_to_dso", unk, NULL,
	    "prog;main;[unknown];[libc.so.6] 1\n");
	perf_case("perf/unknown_addrs", unk, &addrs,
	    "prog;main;[unknown <0>];[libc.so.6 <7f5a12345678>] 1\n");
	perf_case("perf/unknown_kernel", unk, &k,
	    "prog;main;[unknown];[libc.so.6] 1\n");
	frame_case("perf/unknown_dso_with_spaces", NULL,
	    "[unknown] (/memfd:sealed-91 (deleted))", NULL, "[memfd:sealed-91 (deleted)]");
	frame_case("perf/unknown_dso_no_slash", NULL, "[unknown] (prog)", NULL, "[prog]");
	frame_case("perf/known_symbol_addrs", NULL, "main+0x10 (/bin/prog)", &addrs, "main");
}

/* ------------------------------------------------------------------ names */

static void
test_names(void)
{
	struct pf_perf_options k = { .annotate_kernel = 1 };

	frame_case("perf/offset_stripped", NULL, "main+0x7b (/bin/x)", NULL, "main");
	frame_case("perf/no_offset", NULL, "main (/bin/x)", NULL, "main");
	frame_case("perf/no_dso", NULL, "main+0x7b", NULL, "main");
	frame_case("perf/glibc_version", NULL, "__libc_start_main@@GLIBC_2.34+0x8a (/lib/libc.so.6)",
	    NULL, "__libc_start_main@@GLIBC_2.34");
	frame_case("perf/part_suffix", NULL, "finish_task_switch.isra.0+0x97 ([kernel.kallsyms])",
	    &k, "finish_task_switch.isra.0_[k]");
	frame_case("perf/plt", NULL, "malloc@plt+0x0 (/bin/x)", NULL, "malloc@plt");
	frame_case("perf/semicolon", NULL, "a;b+0x1 (/bin/x)", NULL, "a:b");
	frame_case("perf/quotes_removed", NULL, "it's\"q\"+0x1 (/bin/x)", NULL, "itsq");

	/* C++: template arguments, lambdas and operator() stay; only a trailing
	 * parameter list is cut. */
	frame_case("perf/cxx_std_function", NULL,
	    "std::function<int (int, int)>::operator()+0x10 (/bin/cxxtempl)", NULL,
	    "std::function<int (int, int)>::operator()");
	frame_case("perf/cxx_anonymous_namespace", NULL,
	    "(anonymous namespace)::f+0x5 (/bin/cxxtempl)", NULL, "(anonymous namespace)::f");
	frame_case("perf/cxx_anonymous_template", NULL,
	    "(anonymous namespace)::Unroll<12>::run+0x5 (/bin/cxxtempl)", NULL,
	    "(anonymous namespace)::Unroll<12>::run");
	frame_case("perf/cxx_lambda", NULL,
	    "f(unsigned int)::{lambda(int)#1}::operator()+0x22 (/bin/cxxtempl)", NULL,
	    "f(unsigned int)::{lambda(int)#1}::operator()");
	frame_case("perf/cxx_function_handler", NULL,
	    "std::_Function_handler<std::vector<int, std::allocator<int> > "
	    "(std::string const&), phase_cache(unsigned int)::{lambda(std::string "
	    "const&)#1}>::_M_invoke+0x1 (/bin/cxxtempl)", NULL,
	    "std::_Function_handler<std::vector<int, std::allocator<int> > "
	    "(std::string const&), phase_cache(unsigned int)::{lambda(std::string "
	    "const&)#1}>::_M_invoke");
	frame_case("perf/cxx_template_value", NULL,
	    "corpus::geometry::dot<double, 3>+0x1 (/bin/cxxtempl)", NULL,
	    "corpus::geometry::dot<double, 3>");
	frame_case("perf/cxx_params_cut", NULL, "f(int) const+0x3 (/bin/x)", NULL, "f");
	/* Cutting "f (int)" must not leave "f " behind: a leaf frame ending in
	 * a blank does not survive the folded format, whose reader trims the
	 * stack before the count. */
	frame_case("perf/params_cut_no_trailing_blank", NULL, "f (int)+0x3 (/bin/x)", NULL,
	    "f");
	frame_case("perf/cxx_operator_new", NULL,
	    "operator new(unsigned long)+0x9 (/usr/lib/libstdc++.so.6)", NULL,
	    "operator new");
	frame_case("perf/cxx_operator_index", NULL,
	    "std::vector<int, std::allocator<int> >::operator[]+0x2 (/bin/x)", NULL,
	    "std::vector<int, std::allocator<int> >::operator[]");
	frame_case("perf/cxx_operator_shift", NULL,
	    "std::operator<< <std::char_traits<char> >+0x10 (/usr/lib/libstdc++.so.6)", NULL,
	    "std::operator<< <std::char_traits<char> >");
	frame_case("perf/cxx_operator_less", NULL,
	    "bool std::operator< <int>(std::pair<int, int> const&)+0x4 (/bin/x)", NULL,
	    "bool std::operator< <int>");
	frame_case("perf/cxx_operator_arrow", NULL,
	    "std::unique_ptr<Node, std::default_delete<Node> >::operator->+0x4 (/bin/x)",
	    NULL, "std::unique_ptr<Node, std::default_delete<Node> >::operator->");
	frame_case("perf/cxx_no_demangle", NULL,
	    "_ZN12_GLOBAL__N_16UnrollILi12EE3runEy+0x5 (/bin/cxxtempl)", NULL,
	    "_ZN12_GLOBAL__N_16UnrollILi12EE3runEy");

	/* Java (tidied for comm "java" only), Go, node, Python. */
	frame_case("perf/java", "java", "Lorg/x/Y;.m(I)V+0x1 (/tmp/perf-9.map)", NULL,
	    "org/x/Y:.m");
	frame_case("perf/java_other_comm", NULL, "Lorg/x/Y;.m(I)V+0x1 (/tmp/perf-9.map)",
	    NULL, "Lorg/x/Y:.m");
	frame_case("perf/java_no_slash", "java", "LFoo;.m(I)V (/tmp/perf-9.map)", NULL,
	    "LFoo:.m");
	frame_case("perf/go_method", NULL, "net/http.(*Client).Do+0x1f (/bin/goapp)", NULL,
	    "net/http.(*Client).Do");
	frame_case("perf/go_closure", NULL,
	    "main.(*server).run.func1+0x30 (/bin/goapp)", NULL, "main.(*server).run.func1");
	frame_case("perf/node_anonymous", NULL, "JS:* /abs/file.js:30:29 (/tmp/perf-9.map)",
	    NULL, "JS:* /abs/file.js:30:29");
	frame_case("perf/node18_lazy", NULL,
	    "LazyCompile:*memoPaths /abs/file.js:35 (/tmp/perf-9.map)", NULL,
	    "LazyCompile:*memoPaths /abs/file.js:35");
	frame_case("perf/python", NULL,
	    "py::_find_and_load:<frozen importlib._bootstrap> (/tmp/perf-9.map)", NULL,
	    "py::_find_and_load:<frozen importlib._bootstrap>");
	/* stackcollapse-perf.pl leaves out symbols in parentheses; the first
	 * frame of a parse being one must work too (found by fuzz-perf under
	 * UBSan: memcpy from a NULL array of no ids). */
	perf_case("perf/parenthesized_symbol_left_out",
	    "prog 1 1.0: 1 cpu-clock: \n\t1 (deleted) (/x)\n\t2 main (/x)\n\n", NULL,
	    "prog;main 1\n");
	frame_case("perf/inlined_dso", NULL, "msort_with_tmp+0xb5 (inlined)", NULL,
	    "msort_with_tmp");
}

/* ---------------------------------------------------------------- srcline */

static const char srcline_in[] =
    "deeprec 19137   511.856199:    1001001 cpu-clock: \n"
    "\t            1399 mix64+0x39\n"
    "  deeprec.c:19 (inlined)\n"
    "\t            1399 leaf_compute+0x39 (/home/dev/corpus01/bin/deeprec)\n"
    "  deeprec.c:44\n"
    "\tffffffff8100e1a7 irq_exit+0x10 ([kernel.kallsyms])\n"
    "  [kernel.kallsyms][ffffffff821f2fa7]\n"
    "\t           2724a __libc_start_call_main+0x7a (/usr/lib/libc.so.6)\n"
    "  ??:0\n"
    "\n";

static void
test_srcline(void)
{
	struct pf_perf_options s = { .srcline = 1 }, sk = { .srcline = 1,
	    .annotate_kernel = 1 };
	struct run r;

	perf_case("perf/srcline", srcline_in, &s,
	    "deeprec;__libc_start_call_main;irq_exit;leaf_compute:deeprec.c:44;"
	    "mix64:deeprec.c:19 1001001\n");
	perf_case("perf/srcline_kernel", srcline_in, &sk,
	    "deeprec;__libc_start_call_main;irq_exit_[k];leaf_compute:deeprec.c:44;"
	    "mix64:deeprec.c:19 1001001\n");
	collapse(srcline_in, sizeof(srcline_in) - 1, NULL, &r);
	tap_str("perf/srcline_lines_ignored", r.out,
	    "deeprec;__libc_start_call_main;irq_exit;leaf_compute;mix64 1001001\n");
	CHECK("perf/srcline_lines_not_skipped", r.st.skipped_lines == 0 &&
	    r.st.dropped_samples == 0);
	free(r.out);
}

/* ---------------------------------------------------------- damaged input */

static void
test_damaged(void)
{
	static const char in[] =
	    "prog 1 1.0: 1 cpu-clock: \n"		/* 1 */
	    "\t1 a (/x)\n"				/* 2 */
	    "this is not perf output\n"		/* 3 */
	    "\t2 b (/x)\n"				/* 4 */
	    "\n"					/* 5 */
	    "prog 1 2.0: 1 cpu-clock: \n"		/* 6 */
	    "\t1 a (/x)\n"				/* 7 */
	    "\n"					/* 8 */
	    "more garbage\n"				/* 9 */
	    "prog 1 3.0: 1 cpu-clock: \n"		/* 10 */
	    "\t\t\n"					/* 11: ends the sample */
	    "prog 1 4.0: 1 cpu-clock: \n"		/* 12 */
	    "\t3 c (/x)\n"				/* 13 */
	    "\t-1 not a frame\n";			/* 14 */
	static const char nul[] =
	    "prog 1 1.0: 1 cpu-clock: \n\t1 a (/x)\n\n"	/* 1-3 */
	    "bad\0header 2 2.0: 1 cpu-clock: \n"	/* 4 */
	    "\t2 b (/x)\n\n"				/* 5-6 */
	    "prog 3 3.0: 1 cpu-clock: \n"		/* 7 */
	    "\t3 c\0(/x)\n\n"				/* 8-9 */
	    "prog 3 4.0: 1 cpu-clock: \n\t4 d (/x)\n";	/* 10-11 */
	char *junk;
	struct run r;
	size_t i;

	collapse(in, sizeof(in) - 1, NULL, &r);
	run_is("perf/damaged_output", &r, "prog 1\nprog;a 1\n");
	tap_ok(r.st.skipped_lines == 3 && r.st.first_skipped_line == 3,
	    "perf/damaged_skipped_lines", "%llu lines, first %llu",
	    (unsigned long long)r.st.skipped_lines,
	    (unsigned long long)r.st.first_skipped_line);
	tap_ok(r.st.dropped_samples == 2 && r.st.first_dropped_line == 1,
	    "perf/damaged_dropped_samples", "%llu samples, first %llu",
	    (unsigned long long)r.st.dropped_samples,
	    (unsigned long long)r.st.first_dropped_line);
	CHECK("perf/damaged_counts", r.st.samples == 4 && r.st.samples_kept == 2);
	free(r.out);

	collapse(nul, sizeof(nul) - 1, NULL, &r);
	tap_mem("perf/nul_bytes_output", r.out, r.len, "prog;a 1\nprog;d 1\n", 18);
	tap_ok(r.rc == 0 && r.st.skipped_lines == 3 && r.st.first_skipped_line == 4 &&
	    r.st.dropped_samples == 1 && r.st.first_dropped_line == 7,
	    "perf/nul_bytes_stats", "skipped %llu (first %llu), dropped %llu (first %llu)",
	    (unsigned long long)r.st.skipped_lines,
	    (unsigned long long)r.st.first_skipped_line,
	    (unsigned long long)r.st.dropped_samples,
	    (unsigned long long)r.st.first_dropped_line);
	free(r.out);

	/*
	 * A sample without call graph is one line; a NUL byte in it makes it
	 * an unrecognized line, whether or not the comm is right-aligned (and
	 * here looks like an address).  Found by fuzz-perf.
	 */
	static const char nul1[] = "beef 1 1.0: 1 cpu-clock: 1 x\0y (/z)\n";
	static const char nul2[] = "            beef 1 1.0: 1 cpu-clock: 1 x\0y (/z)\n";

	collapse(nul1, sizeof(nul1) - 1, NULL, &r);
	tap_mem("perf/nul_in_one_line_sample", r.out, r.len, "", 0);
	CHECK("perf/nul_in_one_line_sample_skipped", r.st.skipped_lines == 1);
	free(r.out);
	collapse(nul2, sizeof(nul2) - 1, NULL, &r);
	tap_mem("perf/nul_in_indented_one_line_sample", r.out, r.len, "", 0);
	CHECK("perf/nul_in_indented_one_line_sample_skipped", r.st.skipped_lines == 1);
	free(r.out);

	/* Lines before the first header. */
	collapse_s("\t1 a (/x)\nxyz\nprog 1 1.0: 1 cpu-clock: \n\t1 a (/x)\n", NULL, &r);
	run_is("perf/orphan_frames", &r, "prog;a 1\n");
	CHECK("perf/orphan_frames_stats", r.st.skipped_lines == 2 &&
	    r.st.first_skipped_line == 1 && r.st.dropped_samples == 0);
	free(r.out);

	/* Binary junk: no crash, no output, every line counted. */
	junk = malloc(4096);
	for (i = 0; i < 4096; i++)
		junk[i] = (char)((i * 7919u) >> 3);
	collapse(junk, 4096, NULL, &r);
	CHECK("perf/binary_junk", r.rc == 0 && r.out != NULL &&
	    r.st.samples_kept <= r.st.samples);
	free(r.out);
	free(junk);
}

/* -------------------------------------------------------------- perf.data */

static void
test_perf_data(void)
{
	struct pf_reader *r, *s;
	struct pf_error err;
	const char *line;
	size_t len;
	int is_data = -1;

	/* Text is not perf.data, and is left unread. */
	r = pf_reader_mem("x.txt", "prog 1 1.0: 1 cpu-clock: \n", 26);
	s = pf_perf_data_script(r, 0, &is_data, &err);
	CHECK("perf_data/text_is_not_data", s == NULL && is_data == 0);
	CHECK("perf_data/text_unread", pf_reader_line(r, &line, &len, &err) ==
	    PF_LINE_OK && len == 25);
	pf_reader_free(r);

	/* Shorter than the magic. */
	r = pf_reader_mem("x.txt", "PERF", 4);
	is_data = -1;
	CHECK("perf_data/short_input", pf_perf_data_script(r, 0, &is_data, &err) ==
	    NULL && is_data == 0);
	pf_reader_free(r);

	/* perf.data on standard input cannot be given to perf script. */
	r = pf_reader_mem("-", "PERFILE2\0\0\0\0", 12);
	memset(&err, 0, sizeof(err));
	s = pf_perf_data_script(r, 0, &is_data, &err);
	CHECK("perf_data/stdin_refused", s == NULL && is_data == 1 &&
	    strcmp(err.name, "<stdin>") == 0 && strstr(err.msg, "standard input") != NULL);
	pf_reader_free(s);
	pf_reader_free(r);
}

/* ------------------------------------------------------------- parallel */

struct gen {
	uint64_t s;
};

static unsigned
rnd(struct gen *g, unsigned n)
{
	g->s = g->s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((g->s >> 33) % n);
}

/* A perf script text of about `size` bytes: varied comms, two events,
 * some damaged samples and empty call chains. */
static char *
gen_perf(size_t size, size_t *len, uint64_t seed)
{
	static const char *comms[] = {
		"prog", "worker 1", "pool-2 thread", "trailing ", "java", "12345",
	};
	static const char *dsos[] = {
		"[kernel.kallsyms]", "/usr/lib/x86_64-linux-gnu/libc.so.6",
		"/tmp/perf-42.map", "[unknown]", "/home/dev/bin/prog",
	};
	struct gen g = { seed };
	char *buf = malloc(size + 8192);
	size_t n = 0, i, depth;
	unsigned t = 0;

	while (n < size) {
		unsigned c = rnd(&g, 6), ev = t == 0 ? 0 : rnd(&g, 10);

		n += (size_t)sprintf(buf + n, "%s %u/%u [%03u] %u.%06u: %u %s: \n",
		    comms[c], 100 + c, 200 + c + rnd(&g, 3), rnd(&g, 4), 500 + t / 1000,
		    t % 1000 * 997, ev == 0 ? 2004008 : 1 + rnd(&g, 9),
		    ev == 0 ? "page-faults" : "cpu-clock");
		t++;
		depth = rnd(&g, 20) == 0 ? 0 : 1 + rnd(&g, 40);
		for (i = 0; i < depth; i++) {
			unsigned f = rnd(&g, 300), d = f % 5;

			if (d == 3)
				n += (size_t)sprintf(buf + n, "\t    7f00000%05x [unknown] (%s)\n",
				    f, dsos[rnd(&g, 5)]);
			else if (c == 4 && f % 7 == 0)
				n += (size_t)sprintf(buf + n, "\t    7f00000%05x Lorg/x/C%u;.m(I)V (%s)\n",
				    f, f, dsos[d]);
			else
				n += (size_t)sprintf(buf + n, "\t    7f00000%05x func_%u+0x%x (%s)\n",
				    f, f, (unsigned)i, dsos[d]);
			if (rnd(&g, 5000) == 0)
				n += (size_t)sprintf(buf + n, "garbage line %u\n", t);
		}
		n += (size_t)sprintf(buf + n, "\n");
		if (rnd(&g, 3000) == 0)
			n += (size_t)sprintf(buf + n, "stray line between samples\n\n\n");
	}
	*len = n;
	return buf;
}

struct presult {
	int rc;
	char *out;
	size_t len;
	struct pf_perf_stats st;
	struct pf_error err;
};

/* Parses the file at path with jobs threads; the folded output goes through
 * a temporary file. */
static void
parse_file(const char *path, const struct pf_perf_options *o, int jobs,
    struct presult *res)
{
	struct pf_perf_options opts = *o;
	struct pf_profile *p = pf_profile_new();
	struct pf_error err;
	struct pf_reader *r = NULL;
	FILE *f = tmpfile();
	long n;

	memset(res, 0, sizeof(*res));
	res->rc = -1;
	opts.jobs = jobs;
	r = pf_reader_open(path, &err);
	if (r == NULL || f == NULL)
		goto out;
	memset(&err, 0, sizeof(err));
	res->rc = pf_perf_collapse(p, r, &opts, &res->st, &err);
	res->err = err;
	if (res->rc != 0)
		goto out;
	if (pf_folded_write(p, f, &err) != 0 || (n = ftell(f)) < 0) {
		res->rc = -1;
		goto out;
	}
	res->len = (size_t)n;
	res->out = malloc(res->len + 1);
	rewind(f);
	if (fread(res->out, 1, res->len, f) != res->len)
		res->rc = -1;
out:
	if (f != NULL)
		fclose(f);
	pf_reader_free(r);
	pf_profile_free(p);
}

/* What differs between two parse statistics, or NULL. */
static const char *
stats_diff(const struct pf_perf_stats *a, const struct pf_perf_stats *b)
{
	int i;

	if (a->samples != b->samples || a->samples_kept != b->samples_kept)
		return "samples";
	if (a->skipped_lines != b->skipped_lines ||
	    a->first_skipped_line != b->first_skipped_line)
		return "skipped lines";
	if (a->dropped_samples != b->dropped_samples ||
	    a->first_dropped_line != b->first_dropped_line)
		return "dropped samples";
	if (a->empty_samples != b->empty_samples)
		return "empty samples";
	if (strcmp(a->event, b->event) != 0 || a->event_defaulted != b->event_defaulted)
		return "event";
	if (a->nskipped_events != b->nskipped_events ||
	    a->other_skipped_events != b->other_skipped_events)
		return "number of skipped events";
	for (i = 0; i < a->nskipped_events; i++)
		if (strcmp(a->skipped_events[i].name, b->skipped_events[i].name) != 0 ||
		    a->skipped_events[i].samples != b->skipped_events[i].samples)
			return "skipped events";
	return NULL;
}

/* Parses text with -j 1 and with each of jobs[], comparing everything. */
static void
same_for_all_jobs(const char *name, const char *text, size_t len,
    const struct pf_perf_options *o)
{
	static const int jobs[] = { 2, 3, 8 };
	struct presult one, many;
	char path[64], tname[160];
	const char *d;
	size_t i;

	if (tmp_file(path, text, len) != 0) {
		tap_ok(0, name, "cannot make a temporary file");
		return;
	}
	parse_file(path, o, 1, &one);
	snprintf(tname, sizeof(tname), "%s/serial_rc", name);
	tap_ok(one.rc == 0 && one.len > 0, tname, "rc %d, %zu bytes", one.rc, one.len);
	for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		parse_file(path, o, jobs[i], &many);
		snprintf(tname, sizeof(tname), "%s/j%d_output", name, jobs[i]);
		if (many.rc != 0)
			tap_ok(0, tname, "failed");
		else
			tap_mem(tname, many.out, many.len, one.out, one.len);
		snprintf(tname, sizeof(tname), "%s/j%d_stats", name, jobs[i]);
		d = stats_diff(&many.st, &one.st);
		tap_ok(d == NULL, tname, "%s differ", d);
		free(many.out);
	}
	free(one.out);
	unlink(path);
}

static void
test_parallel(void)
{
	struct pf_perf_options all = { .annotate_kernel = 1, .annotate_jit = 1,
	    .include_addrs = 1, .include_tid = 1 };
	struct pf_perf_options ev = { .event_filter = "cpu-clock" };
	struct pf_profile *p;
	struct pf_reader *r;
	struct pf_perf_stats st;
	struct pf_error err;
	struct presult file;
	char path[64], *text, *out;
	size_t len, olen;

	text = gen_perf((size_t)12 << 20, &len, 1);
	same_for_all_jobs("perf/parallel_default", text, len, &no_opts);
	same_for_all_jobs("perf/parallel_all_options", text, len, &all);
	same_for_all_jobs("perf/parallel_event_filter", text, len, &ev);

	/* A file and the same bytes in memory give the same result. */
	p = pf_profile_new();
	r = pf_reader_mem("m", text, len);
	pf_perf_collapse(p, r, &no_opts, &st, &err);
	out = folded_text(p, &olen);
	if (tmp_file(path, text, len) == 0) {
		parse_file(path, &no_opts, 2, &file);
		tap_mem("perf/parallel_file_equals_memory", file.out, file.len, out, olen);
		free(file.out);
		unlink(path);
	}
	free(out);
	pf_reader_free(r);
	pf_profile_free(p);
	free(text);
}

/*
 * The default event of a parallel parse must be the one the serial parse
 * picks: that of the first sample, even when its header line starts with
 * a space (a comm that begins with one, or a right-aligned comm).
 */
static void
test_parallel_first_event(void)
{
	size_t cap = (size_t)10 << 20, n = 0;
	char *text = malloc(cap + 4096);
	unsigned i = 0;

	n += (size_t)sprintf(text + n, " lead 10 1.000000: 1001001 cpu-clock: \n"
	    "\t            1000 first (/bin/x)\n\n");
	while (n < cap) {
		n += (size_t)sprintf(text + n, "prog 11 %u.%06u: %u %s: \n"
		    "\t            1000 f%u (/bin/x)\n\t            1000 main (/bin/x)\n\n",
		    2 + i / 1000, i % 1000, 1 + i % 3, i % 2 ? "cpu-clock" : "page-faults",
		    i % 50);
		i++;
	}
	same_for_all_jobs("perf/parallel_first_event_indented", text, n, &no_opts);
	free(text);
}

/*
 * Every part of a parallel parse reads the PID column with the width the
 * start of the input shows: here perf's 5 columns (the first header), and
 * then only a comm ending in two blanks, whose headers alone would fit 7.
 */
static void
test_parallel_tid_width(void)
{
	size_t cap = (size_t)10 << 20, n = 0;
	char *text = malloc(cap + 4096);
	unsigned i = 0;
	struct run r;

	n += (size_t)sprintf(text + n, "prog 19273   1.000000: 1 cpu-clock: \n"
	    "\t            1000 main (/bin/x)\n\n");
	while (n < cap) {
		n += (size_t)sprintf(text + n, "two   19270 %6u.%06u: 1 cpu-clock: \n"
		    "\t            1000 main (/bin/x)\n\n", 2 + i / 1000, i % 1000);
		i++;
	}
	same_for_all_jobs("perf/parallel_tid_width", text, n, &no_opts);
	collapse(text, n, NULL, &r);
	tap_ok(r.out != NULL && strncmp(r.out, "prog;main 1\ntwo__;main ", 23) == 0,
	    "perf/parallel_tid_width/comm_keeps_its_blanks", "got %.40s", r.out);
	free(r.out);
	free(text);
}

/*
 * The skipped-events table (PF_MAX_EVENTS entries, then a total of the
 * rest) must not depend on how the file was cut: the first half names
 * PF_MAX_EVENTS events, the third quarter as many others, the last quarter
 * the first ones again.
 */
static void
test_parallel_many_events(void)
{
	size_t cap = (size_t)10 << 20, n = 0;
	char *text = malloc(cap + 4096);
	unsigned i = 0;

	n += (size_t)sprintf(text + n, "prog 1 1.0: 1 keep: \n\t1 main (/x)\n\n");
	while (n < cap) {
		unsigned e = i % PF_MAX_EVENTS;

		if (n >= cap / 2 && n < cap * 3 / 4)
			e += PF_MAX_EVENTS;
		n += (size_t)sprintf(text + n, "prog 1 %u.0: 1 ev%03u: \n"
		    "\t1 f%u (/x)\n\t2 main (/x)\n\n", 2 + i, e, i % 8);
		if (i % 10 == 0)
			n += (size_t)sprintf(text + n, "prog 1 %u.5: 1 keep: \n"
			    "\t1 f%u (/x)\n\n", 2 + i, i % 8);
		i++;
	}
	same_for_all_jobs("perf/parallel_many_events", text, n, &no_opts);
	free(text);
}

/*
 * A count overflow is the same error, naming the same line, whatever the
 * number of threads: here the stack's two big samples are at both ends of
 * a file big enough to be cut.
 */
static void
test_parallel_overflow(void)
{
	static const char big[] = "prog 1 %u.0: 10000000000000000000 cycles: \n"
	    "\t1 a (/x)\n\n";
	size_t cap = (size_t)10 << 20, n = 0;
	char *text = malloc(cap + 4096), path[64], name[64];
	struct presult one, two;
	unsigned i = 0, lines = 3;

	n += (size_t)sprintf(text + n, big, 0);
	while (n < cap) {
		n += (size_t)sprintf(text + n, "prog 1 %u.5: 1 cycles: \n\t1 f%u (/x)\n\n",
		    i, i % 100);
		lines += 3;
		i++;
	}
	n += (size_t)sprintf(text + n, big, i);
	if (tmp_file(path, text, n) != 0) {
		tap_ok(0, "perf/parallel_overflow", "cannot make a temporary file");
		free(text);
		return;
	}
	parse_file(path, &no_opts, 1, &one);
	parse_file(path, &no_opts, 2, &two);
	snprintf(name, sizeof(name), "perf/parallel_overflow_serial");
	tap_err(name, &one.err, path, lines + 1, "overflow");
	CHECK("perf/parallel_overflow_rc", one.rc == -1 && two.rc == -1);
	snprintf(name, sizeof(name), "perf/parallel_overflow_j2");
	tap_err(name, &two.err, path, lines + 1, "overflow");
	free(one.out);
	free(two.out);
	unlink(path);
	free(text);
}

int
main(void)
{
	tap_group("group/headers", test_headers);
	tap_group("group/samples", test_samples);
	tap_group("group/events", test_events);
	tap_group("group/options", test_options);
	tap_group("group/names", test_names);
	tap_group("group/srcline", test_srcline);
	tap_group("group/damaged", test_damaged);
	tap_group("group/perf_data", test_perf_data);
	tap_group("group/parallel", test_parallel);
	tap_group("group/parallel_first_event", test_parallel_first_event);
	tap_group("group/parallel_tid_width", test_parallel_tid_width);
	tap_group("group/parallel_many_events", test_parallel_many_events);
	tap_group("group/parallel_overflow", test_parallel_overflow);
	return tap_done();
}
