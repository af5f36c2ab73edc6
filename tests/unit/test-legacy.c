/*
 * test-legacy.c - unit tests of the legacy pprof readers: gperftools'
 * binary CPU profile in each word size and byte order, symbolized through
 * this program's own ELF symbols (its /proc/self/maps), the clean-up of
 * signal handler frames, cut-short inputs, and the text heap, contention,
 * thread and Go count profiles with their values computed by hand.
 */
#include <math.h>

#include "tap.h"

/* Functions whose addresses a profile records; never inlined or merged. */
int legacy_leaf_fn(int x);
int legacy_caller_fn(int x);
int legacy_root_fn(int x);
__attribute__((noinline)) int legacy_leaf_fn(int x) { return x * 3 + 1; }
__attribute__((noinline)) int legacy_caller_fn(int x) { return legacy_leaf_fn(x) + 2; }
__attribute__((noinline)) int legacy_root_fn(int x) { return legacy_caller_fn(x) + 5; }

struct words {
	unsigned char b[4096];
	size_t n;
	int size, big;
};

static void
put(struct words *w, uint64_t v)
{
	int i;

	for (i = 0; i < w->size; i++)
		w->b[w->n + (size_t)i] = (unsigned char)(v >> (8 * (w->big ? w->size - 1 - i : i)));
	w->n += (size_t)w->size;
}

static char *
run(const void *buf, size_t len, int format, const char *sample_type,
    struct pf_collapse_stats *st, struct pf_error *err)
{
	struct pf_collapse_options o;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_mem("t", buf, len);
	char *out = NULL;

	memset(&o, 0, sizeof(o));
	memset(st, 0, sizeof(*st));
	memset(err, 0, sizeof(*err));
	o.format = format;
	o.sample_type = sample_type;
	if (p != NULL && r != NULL && pf_collapse(p, r, &o, st, err) == 0)
		out = folded_text(p, NULL);
	pf_reader_free(r);
	pf_profile_free(p);
	return out;
}

/* Header, then records (count, depth, addresses), then the trailer. */
static void
cpu_header(struct words *w, int size, int big, uint64_t period)
{
	memset(w, 0, sizeof(*w));
	w->size = size;
	w->big = big;
	put(w, 0);
	put(w, 3);
	put(w, 0);
	put(w, period);
	put(w, 0);
}

static void
test_cpu_unknown(void)
{
	static const int shapes[4][2] = { { 4, 0 }, { 4, 1 }, { 8, 0 }, { 8, 1 } };
	struct pf_collapse_stats st;
	struct pf_error err;
	struct words w;
	char name[64], *out;
	int i;

	for (i = 0; i < 4; i++) {
		cpu_header(&w, shapes[i][0], shapes[i][1], 10000);
		/* 3 samples of leaf 0x1000 called from 0x2001 (the return
		 * address: the call is at 0x2000), 2 of 0x1500 alone. */
		put(&w, 3); put(&w, 2); put(&w, 0x1000); put(&w, 0x2001);
		put(&w, 2); put(&w, 1); put(&w, 0x1500);
		put(&w, 0); put(&w, 1); put(&w, 0);
		snprintf(name, sizeof(name), "cpu %d-byte %s words", shapes[i][0],
		    shapes[i][1] ? "big-endian" : "little-endian");
		out = run(w.b, w.n, PF_FORMAT_AUTO, NULL, &st, &err);
		/* 10 ms a sample: 30 and 20 ms, in nanoseconds. */
		tap_str(name, out, "[unknown <0x1500>] 20000000\n"
		    "[unknown <0x2000>];[unknown <0x1000>] 30000000\n");
		tap_ok(st.format == PF_FORMAT_GPERFCPU && st.unit == PF_UNIT_NANOSECONDS &&
		    st.samples == 5 && st.note[0] == '\0', name, "format, unit, 5 samples");
		free(out);
	}
	out = run(w.b, w.n, PF_FORMAT_AUTO, "samples", &st, &err);
	tap_str("cpu --sample-type samples", out, "[unknown <0x1500>] 2\n"
	    "[unknown <0x2000>];[unknown <0x1000>] 3\n");
	free(out);
	out = run(w.b, w.n, PF_FORMAT_AUTO, "alloc_space", &st, &err);
	tap_ok(out == NULL && strstr(err.msg, "samples/count, cpu/nanoseconds") != NULL,
	    "cpu --sample-type unknown", "refused, naming the types: %s", err.msg);
	free(out);

	/* Without the trailer: read, with a note; cut inside a record: an
	 * error. */
	out = run(w.b, w.n - 3 * (size_t)w.size, PF_FORMAT_AUTO, NULL, &st, &err);
	tap_ok(out != NULL && strstr(st.note, "cut short") != NULL, "cpu without trailer",
	    "read with a note: %s", st.note);
	free(out);
	out = run(w.b, w.n - 4 * (size_t)w.size, PF_FORMAT_AUTO, NULL, &st, &err);
	tap_ok(out == NULL && strstr(err.msg, "ends inside a record") != NULL,
	    "cpu cut inside a record", "refused: %s", err.msg);
	free(out);
	cpu_header(&w, 8, 0, 10000);
	put(&w, 1); put(&w, 1u << 30);
	out = run(w.b, w.n, PF_FORMAT_AUTO, NULL, &st, &err);
	tap_ok(out == NULL && strstr(err.msg, "frames") != NULL, "cpu absurd depth",
	    "refused: %s", err.msg);
	free(out);
}

/* pprof's clean-up: a second frame in all records is the signal
 * handler's; a second frame one below the leaf repeats it. */
static void
test_cpu_cleanup(void)
{
	struct pf_collapse_stats st;
	struct pf_error err;
	struct words w;
	char *out;

	cpu_header(&w, 8, 0, 1000);
	put(&w, 1); put(&w, 3); put(&w, 0x10); put(&w, 0x901); put(&w, 0x31);
	put(&w, 1); put(&w, 3); put(&w, 0x20); put(&w, 0x901); put(&w, 0x31);
	put(&w, 1); put(&w, 3); put(&w, 0x40); put(&w, 0x40); put(&w, 0x51);
	put(&w, 0); put(&w, 1); put(&w, 0);
	out = run(w.b, w.n, PF_FORMAT_GPERFCPU, "samples", &st, &err);
	/* 0x900 is in 2 of 3 records: not all but one in 32, so it stays;
	 * 0x40 - 1 is the leaf 0x40 less one: the leaf again, taken out. */
	tap_str("cpu clean-up, partial", out,
	    "[unknown <0x30>];[unknown <0x900>];[unknown <0x10>] 1\n"
	    "[unknown <0x30>];[unknown <0x900>];[unknown <0x20>] 1\n"
	    "[unknown <0x50>];[unknown <0x40>] 1\n");
	free(out);
	cpu_header(&w, 8, 0, 1000);
	put(&w, 1); put(&w, 3); put(&w, 0x10); put(&w, 0x901); put(&w, 0x31);
	put(&w, 5); put(&w, 3); put(&w, 0x20); put(&w, 0x901); put(&w, 0x61);
	put(&w, 0); put(&w, 1); put(&w, 0);
	out = run(w.b, w.n, PF_FORMAT_GPERFCPU, "samples", &st, &err);
	tap_str("cpu clean-up, handler frame", out,
	    "[unknown <0x30>];[unknown <0x10>] 1\n[unknown <0x60>];[unknown <0x20>] 5\n");
	free(out);
}

/* A profile of this very program: its addresses, its memory map. */
static void
test_cpu_symbols(void)
{
	struct pf_collapse_stats st;
	struct pf_error err;
	struct words w;
	char *out, *buf;
	FILE *f;
	size_t n, cap;
	uint64_t leaf = (uint64_t)(uintptr_t)&legacy_leaf_fn + 4;
	uint64_t caller = (uint64_t)(uintptr_t)&legacy_caller_fn + 5;
	uint64_t root = (uint64_t)(uintptr_t)&legacy_root_fn + 5;

	/* Two records, so that no second frame is in all of them (the
	 * signal handler's, taken out). */
	cpu_header(&w, 8, 0, 1000);
	put(&w, 7); put(&w, 2); put(&w, leaf); put(&w, caller);
	put(&w, 1); put(&w, 2); put(&w, caller + 3); put(&w, root);
	put(&w, 0); put(&w, 1); put(&w, 0);
	cap = w.n + (1 << 20);
	buf = malloc(cap);
	f = fopen("/proc/self/maps", "r");
	if (buf == NULL || f == NULL) {
		tap_ok(0, "cpu symbols", "no /proc/self/maps");
		free(buf);
		if (f != NULL)
			fclose(f);
		return;
	}
	memcpy(buf, w.b, w.n);
	n = w.n + fread(buf + w.n, 1, cap - w.n, f);
	fclose(f);
	out = run(buf, n, PF_FORMAT_AUTO, "samples", &st, &err);
	tap_str("cpu symbolized through the ELF symbols of the mapped file", out,
	    "legacy_caller_fn;legacy_leaf_fn 7\nlegacy_root_fn;legacy_caller_fn 1\n");
	free(out);
	free(buf);
}

static void
test_text(void)
{
	struct pf_collapse_stats st;
	struct pf_error err;
	char *out, want[256];
	double scale = 1 / (1 - exp(-1000.0 / 512));
	static const char heap[] =
	    "heap profile:    3:  3000 [    4:  4000] @ heap_v2/512\n"
	    "     2:  2000 [     3:  3000] @ 0x10 0x21\n"
	    "     1:  1000 [     1:  1000] @ 0x30\n"
	    "     0:     0 [     0:     0] @ 0x40\n"
	    "\nMAPPED_LIBRARIES:\n"
	    "00000000-00000100 r-xp 00000000 00:00 0 /nonexistent/libx.so\n";

	/* Sampled at 512 bytes: each value times 1/(1 - e^(-1000/512)),
	 * truncated, as pprof does. */
	out = run(heap, sizeof(heap) - 1, PF_FORMAT_AUTO, NULL, &st, &err);
	snprintf(want, sizeof(want), "[libx.so <0x20>];[libx.so <0x10>] %lld\n"
	    "[libx.so <0x30>] %lld\n", (long long)(2000 * scale),
	    (long long)(1000 * scale));
	tap_str("heap_v2: inuse_space, scaled", out, want);
	tap_ok(st.format == PF_FORMAT_PPROFTEXT && st.unit == PF_UNIT_BYTES &&
	    st.dropped == 1 && strstr(st.note, "left out 1 record") != NULL,
	    "heap_v2 stats", "bytes, one record of 0 left out: %s", st.note);
	free(out);
	out = run(heap, sizeof(heap) - 1, PF_FORMAT_AUTO, "alloc_objects", &st, &err);
	snprintf(want, sizeof(want), "[libx.so <0x20>];[libx.so <0x10>] %lld\n"
	    "[libx.so <0x30>] %lld\n", (long long)(3 * scale), (long long)(1 * scale));
	tap_str("heap_v2: alloc_objects", out, want);
	free(out);

	static const char contention[] =
	    "--- contention:\ncycles/second=2000000000\nsampling period=10\n"
	    "4000 3 @ 0x100 0x201\n"
	    "#\t0x100\tsync.(*Mutex).Lock+0x1\t/x.go:1\n"
	    "#\t0x200\tmain.worker+0x10\t/y.go:2\n";
	out = run(contention, sizeof(contention) - 1, PF_FORMAT_AUTO, NULL, &st, &err);
	/* 4000 cycles at 2 GHz, times the period: 20000 ns. */
	tap_str("contention: delay", out, "main.worker;sync.(*Mutex).Lock 20000\n");
	free(out);
	out = run(contention, sizeof(contention) - 1, PF_FORMAT_AUTO, "contentions", &st, &err);
	tap_str("contention: contentions", out, "main.worker;sync.(*Mutex).Lock 30\n");
	free(out);

	static const char threads[] =
	    "--- threadz 1 ---\n\n"
	    "--- Thread 1 (name: main/1) stack: ---\n"
	    "  PC: 0x10: leaf()\n  0x21: main\n"
	    "--- Thread 2 (name: w/2) stack: ---\n"
	    "  PC: 0x10: leaf()\n  0x31: start_thread\n      creator: 0x41\n"
	    "--- Thread 3 (name: w/3) stack: ---\n  [same as previous thread]\n"
	    "--- Memory map: ---\n";
	out = run(threads, sizeof(threads) - 1, PF_FORMAT_AUTO, NULL, &st, &err);
	tap_str("threads", out, "[unknown <0x40>];start_thread;leaf() 2\nmain;leaf() 1\n");
	free(out);

	static const char count[] = "goroutine profile: total 5\n"
	    "3 @ 0x10 0x21\n#\t0x10\truntime.gopark+0x1\t/a.go:1\n"
	    "#\t0x20\tmain.f+0x5\t/b.go:2\n\n2 @ 0x50\n";
	out = run(count, sizeof(count) - 1, PF_FORMAT_AUTO, NULL, &st, &err);
	tap_str("goroutine count", out, "[unknown <0x50>] 2\nmain.f;runtime.gopark 3\n");
	free(out);

	static const char bad[] = "heap profile: 1: 2 [1: 2] @ heapprofile\n1: 2 [1: 2] @ zz\n";
	out = run(bad, sizeof(bad) - 1, PF_FORMAT_AUTO, NULL, &st, &err);
	tap_err("heap record with a bad address", &err, "t", 2, "is not an address");
	free(out);
}

int
main(void)
{
	tap_group("cpu unknown", test_cpu_unknown);
	tap_group("cpu cleanup", test_cpu_cleanup);
	tap_group("cpu symbols", test_cpu_symbols);
	tap_group("text", test_text);
	return tap_done();
}
