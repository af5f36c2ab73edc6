// templ.cpp - C++ names for the perf.data tests: templates, a lambda, an
// anonymous namespace and an operator, as perf demangles them.
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

namespace {
template <int N> struct Unroll {
	__attribute__((noinline)) static unsigned long run(unsigned long x)
	{
		return Unroll<N - 1>::run(x * 31 + N);
	}
};
template <> struct Unroll<0> {
	__attribute__((noinline)) static unsigned long run(unsigned long x) { return x; }
};
}

namespace geo {
template <typename T, int D> struct Vec {
	T v[D];
	__attribute__((noinline)) T operator*(const Vec &o) const
	{
		T s = 0;
		for (int i = 0; i < D; i++)
			s += v[i] * o.v[i];
		return s;
	}
};
template <typename T, int D>
__attribute__((noinline)) T dot(const std::vector<Vec<T, D>> &a)
{
	T s = 0;
	for (size_t i = 0; i + 1 < a.size(); i++)
		s += a[i] * a[i + 1];
	return s;
}
}

int
main()
{
	using clock = std::chrono::steady_clock;
	auto end = clock::now() + std::chrono::milliseconds(300);
	std::vector<geo::Vec<double, 3>> pts(2000, geo::Vec<double, 3>{{1, 2, 3}});
	std::function<unsigned long(unsigned long)> f = [&](unsigned long x) {
		return Unroll<12>::run(x) + (unsigned long)geo::dot(pts);
	};
	unsigned long s = 0;
	while (clock::now() < end)
		s += f(s);
	std::printf("%lu\n", s & 1);
	return 0;
}
