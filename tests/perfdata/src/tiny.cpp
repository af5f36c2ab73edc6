// tiny.cpp - the program of the stored perf.data recordings: no C or C++
// library (so that its build-id cache entry is all a reader needs), frame
// pointers, C++ templates and a namespace for demangling, and a loop that
// runs for about 0.3 s of CPU time.  Built with
//   g++ -O1 -fno-omit-frame-pointer -fno-exceptions -fno-rtti -static
//       -nostdlib -o tiny tiny.cpp
namespace calc {
template <typename T, int N> struct Poly {
	T c[N];
	__attribute__((noinline)) T eval(T x) const
	{
		T s = 0;
		for (int i = N - 1; i >= 0; i--)
			s = s * x + c[i];
		return s;
	}
};

template <int D> __attribute__((noinline)) unsigned long
descend(unsigned long x)
{
	if constexpr (D == 0)
		return x * 2654435761u;
	else
		return descend<D - 1>(x + D) ^ (x >> 1);
}
}

static volatile unsigned long sink;

extern "C" __attribute__((noinline)) void
work(unsigned long n)
{
	calc::Poly<unsigned long, 8> p = { { 1, 2, 3, 4, 5, 6, 7, 8 } };

	for (unsigned long i = 0; i < n; i++)
		sink += p.eval(i) + calc::descend<6>(i);
}

extern "C" __attribute__((noreturn)) void
_start(void)
{
	work(30000000);
	asm volatile("mov $60, %%eax; xor %%edi, %%edi; syscall" ::: "memory");
	__builtin_unreachable();
}
