/*
 * test-names.c - unit tests of the frame-name tidying that the parsers of
 * perf, DTrace, bpftrace and Instruments share (lib/parse/names.c).
 */
#include "tap.h"
#include "internal.h"

/* pf_name_tidy(in, flags) is want. */
static void
tidy_is(const char *name, const char *in, unsigned flags, const char *want)
{
	size_t n = strlen(in);
	char *s = malloc(n + 1);

	memcpy(s, in, n + 1);
	n = pf_name_tidy(s, n, flags);
	tap_mem(name, s, n, want, strlen(want));
	free(s);
}

static void
test_rust(void)
{
	const unsigned R = PF_NAME_RUST;

	/* The forms C++ demanglers leave (DTrace, bpftrace, perf). */
	tidy_is("rust/impl_block",
	    "_$LT$impl$u20$core..cmp..PartialOrd$u20$for$u20$i32$GT$::lt::h83a6ff38d43e0d55", R,
	    "<impl core::cmp::PartialOrd for i32>::lt");
	tidy_is("rust/closure",
	    "log::set_logger::_$u7b$$u7b$closure$u7d$$u7d$::hcb7821323b596727", R,
	    "log::set_logger::{{closure}}");
	tidy_is("rust/all_escapes",
	    "a::_$LT$$RF$$u27$a$u20$$BP$const$u20$$LP$u8$C$$u20$u8$RP$$SP$x$GT$::f::h0123456789abcdef",
	    R, "a::<&'a *const (u8, u8)@x>::f");
	tidy_is("rust/hash_only_dropped", "std::rt::lang_start::h3f6a6a8e4ba0a0b1", R,
	    "std::rt::lang_start");
	tidy_is("rust/dtrace_module_kept",
	    "tikv-server`_$LT$F$u20$as$u20$alloc..boxed..FnBox$LT$A$GT$$GT$::call_box::hdc9e5d3e6108d89a",
	    R, "tikv-server`<F as alloc::boxed::FnBox<A>>::call_box");
	tidy_is("rust/llvm_suffix", "core::fmt::write::h0123456789abcdef.llvm.4471535961577836873",
	    R, "core::fmt::write");
	tidy_is("rust/llvm_suffix_dtrace",
	    "crucible_downstairs::recv_task::_$u7b$$u7b$closure$u7d$$u7d$::h2313d0ca35c97b46 "
	    "(.llvm.9599067906520872268)", R, "crucible_downstairs::recv_task::{{closure}}");
	tidy_is("rust/llvm_suffix_not_rust", "f (.llvm.12)", R, "f (.llvm.12)");
	tidy_is("rust/unicode_escape", "m::caf$u{e9}::f$u3bb$::h0123456789abcdef", R,
	    "m::caf$u{e9}::f\xce\xbb");
	/* Only an element's own "_$" loses its '_'. */
	tidy_is("rust/underscore_inside_element", "a::b_$LT$c$GT$::h0123456789abcdef", R,
	    "a::b_<c>");
	/* The raw symbol, as perf --no-demangle and some bpftrace builds
	 * print it. */
	tidy_is("rust/raw", "_ZN4core3ptr13drop_in_place17h0123456789abcdefE", R,
	    "core::ptr::drop_in_place");
	tidy_is("rust/raw_escapes",
	    "_ZN66_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17h0123456789abcdefE",
	    R, "<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop");

	/* Not Rust: left alone. */
	tidy_is("rust/no_hash_no_change", "Foo$LT$Bar::baz", R, "Foo$LT$Bar::baz");
	tidy_is("rust/short_hash_no_change", "a::b::h0123", R, "a::b::h0123");
	tidy_is("rust/upper_hex_no_change", "a::b::h0123456789ABCDEF", R,
	    "a::b::h0123456789ABCDEF");
	tidy_is("rust/cxx_mangled_no_change", "_ZN3foo3barEv", R, "_ZN3foo3barEv");
	tidy_is("rust/raw_bad_length_no_change", "_ZN99core17h0123456789abcdefE", R,
	    "_ZN99core17h0123456789abcdefE");
	/* An unknown escape or a control character stays as it was. */
	tidy_is("rust/unknown_escape_kept", "a::$XX$b::h0123456789abcdef", R, "a::$XX$b");
	tidy_is("rust/control_escape_kept", "a::$u7f$b::h0123456789abcdef", R, "a::$u7f$b");
	tidy_is("rust/surrogate_escape_kept", "a::$ud800$::h0123456789abcdef", R,
	    "a::$ud800$");
	tidy_is("rust/flag_off", "std::rt::lang_start::h3f6a6a8e4ba0a0b1", 0,
	    "std::rt::lang_start::h3f6a6a8e4ba0a0b1");
}

static void
test_params(void)
{
	const unsigned P = PF_NAME_PARAMS;

	tidy_is("params/cxx", "JavaThread::run()", P, "JavaThread::run");
	tidy_is("params/cxx_const", "Foo::bar(int) const", P, "Foo::bar");
	tidy_is("params/blank_before", "f (int)", P, "f");
	tidy_is("params/java", "Func_loop.main([Ljava/lang/String;)V", P, "Func_loop.main");
	tidy_is("params/template_kept", "std::function<int (int, int)>::operator()", P,
	    "std::function<int (int, int)>::operator()");
	tidy_is("params/operator_call", "Foo::operator()(int)", P, "Foo::operator()");
	tidy_is("params/scope_kept", "f(int)::{lambda()#1}::operator()", P,
	    "f(int)::{lambda()#1}::operator()");
	tidy_is("params/anonymous_namespace", "(anonymous namespace)::g(int)", P,
	    "(anonymous namespace)::g");
	tidy_is("params/go_receiver", "net/http.(*Client).Do", P, "net/http.(*Client).Do");
	tidy_is("params/truncated", "f(int, cha", P, "f");
	/* After Rust demangling, a tuple in a type is not a parameter list. */
	tidy_is("params/rust_tuple",
	    "_$LT$$LP$A$C$B$RP$$u20$as$u20$T$GT$::f::h0123456789abcdef",
	    PF_NAME_RUST | P, "<(A,B) as T>::f");
}

static void
test_other(void)
{
	tidy_is("other/semicolon", "a;b", 0, "a:b");
	tidy_is("other/quotes", "f'\"x", PF_NAME_QUOTES, "fx");
	/* The quotes go before Rust names are decoded: a lifetime stays. */
	tidy_is("other/quotes_lifetime", "_$LT$$RF$$u27$a$u20$T$GT$::f::h0123456789abcdef",
	    PF_NAME_QUOTES | PF_NAME_RUST, "<&'a T>::f");
	tidy_is("other/java_class", "Lorg/foo/Bar;.baz", PF_NAME_JAVA, "org/foo/Bar:.baz");
	tidy_is("other/java_needs_slash", "Lookup", PF_NAME_JAVA, "Lookup");
	tap_ok(pf_name_arrow("a->b", 4) == 1, "arrow/first", NULL);
	tap_ok(pf_name_arrow("ab", 2) == 2, "arrow/none", NULL);
	tap_ok(pf_name_arrow("Foo::operator->", 15) == 15, "arrow/operator", NULL);
	tap_ok(pf_name_arrow("operator->x->y", 14) == 11, "arrow/after_operator", NULL);
	tap_ok(pf_name_kernel_dso("[kernel.kallsyms]", 17) &&
	    pf_name_kernel_dso("/lib/modules/x/kvm.ko.zst", 25) &&
	    !pf_name_kernel_dso("[unknown]", 9) && !pf_name_kernel_dso("/usr/lib/libc.so.6", 18),
	    "dso/kernel", NULL);
	tap_ok(pf_name_jit_dso("/tmp/perf-123.map", 17) &&
	    pf_name_jit_dso("/root/.debug/jit/jitted-123-4.so", 32) &&
	    !pf_name_jit_dso("/tmp/perf-x.map", 15), "dso/jit", NULL);
}

/* The perf frame name, for the perf.data reader as for perf script text. */
static void
test_perf_frame(void)
{
	struct pf_perf_options o = { 0 }, all = { .annotate_kernel = 1, .annotate_jit = 1,
	    .include_addrs = 1 };
	char *buf = NULL;
	size_t cap = 0;
	long n;

	n = pf_perf_frame_name(&buf, &cap, "std::rt::lang_start::h3f6a6a8e4ba0a0b1", 38,
	    "/bin/x", 6, "1000", 4, 0, 0, &o);
	tap_mem("perf_frame/rust", buf, n < 0 ? 0 : (size_t)n, "std::rt::lang_start", 19);
	n = pf_perf_frame_name(&buf, &cap, "[unknown]", 9, "/usr/lib/libfoo.so", 18,
	    "7f00", 4, 0, 0, &all);
	tap_mem("perf_frame/unknown_addrs", buf, n < 0 ? 0 : (size_t)n,
	    "[libfoo.so <7f00>]", 18);
	n = pf_perf_frame_name(&buf, &cap, "", 0, NULL, 0, "7f00", 4, 0, 0, &o);
	tap_mem("perf_frame/empty_no_dso", buf, n < 0 ? 0 : (size_t)n, "[unknown]", 9);
	n = pf_perf_frame_name(&buf, &cap, "do_syscall_64", 13, "[kernel.kallsyms]", 17,
	    "ffff", 4, 0, 0, &all);
	tap_mem("perf_frame/kernel", buf, n < 0 ? 0 : (size_t)n, "do_syscall_64_[k]", 17);
	n = pf_perf_frame_name(&buf, &cap, "Lorg/x/Y;.f(I)V", 15, "/tmp/perf-1.map", 15,
	    "1", 1, 0, 1, &all);
	tap_mem("perf_frame/java_jit", buf, n < 0 ? 0 : (size_t)n, "org/x/Y:.f_[j]", 14);
	n = pf_perf_frame_name(&buf, &cap, "inl(int)", 8, "/bin/x", 6, "1", 1, 1, 0, &all);
	tap_mem("perf_frame/inlined", buf, n < 0 ? 0 : (size_t)n, "inl_[i]", 7);
	free(buf);
}

int
main(void)
{
	tap_group("group/rust", test_rust);
	tap_group("group/params", test_params);
	tap_group("group/other", test_other);
	tap_group("group/perf_frame", test_perf_frame);
	return tap_done();
}
