/*
 * count.c - fixed-point decimal counts.
 *
 * Real profiles carry fractional counts (milliseconds, scaled bytes) and the
 * tools promise exact sums, so counts are integers of 10^-9 units in 128
 * bits rather than doubles.
 */
#include "internal.h"

/* 10^(PF_COUNT_DIGITS - k): what k fractional digits are scaled by. */
static const uint32_t frac_scale[PF_COUNT_DIGITS + 1] = {
	1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1,
};

int
pf_count_parse(const char *s, size_t n, pf_count *out)
{
	pf_count whole;
	uint64_t w = 0, frac = 0;
	size_t i = 0, digits = 0, fd = 0;
	int round_up = 0;

	/* 19 digits fit 64 bits; more (rare) go on in 128. */
	while (i < n && digits < 19 && s[i] >= '0' && s[i] <= '9') {
		w = w * 10 + (unsigned)(s[i] - '0');
		i++;
		digits++;
	}
	whole = w;
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		whole = whole * 10 + (unsigned)(s[i] - '0');
		if (whole > UINT64_MAX)
			return PF_COUNT_OVERFLOW;
		i++;
		digits++;
	}
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (fd < PF_COUNT_DIGITS)
				frac = frac * 10 + (unsigned)(s[i] - '0');
			else if (fd == PF_COUNT_DIGITS)
				round_up = s[i] >= '5';
			fd++;
			i++;
		}
	}
	if (i != n || digits + fd == 0)
		return PF_COUNT_SYNTAX;
	if (fd < PF_COUNT_DIGITS)
		frac *= frac_scale[fd];
	*out = whole * PF_COUNT_ONE + frac + (unsigned)round_up;
	if (*out > PF_COUNT_MAX)
		return PF_COUNT_OVERFLOW;
	return PF_COUNT_OK;
}

int
pf_count_add(pf_count a, pf_count b, pf_count *out)
{
	*out = a + b;	/* cannot wrap: both are below 2^94 */
	if (*out > PF_COUNT_MAX)
		return PF_COUNT_OVERFLOW;
	return PF_COUNT_OK;
}

size_t
pf_count_format(pf_count c, char *buf)
{
	uint64_t whole = (uint64_t)(c / PF_COUNT_ONE);
	uint32_t frac = (uint32_t)(c % PF_COUNT_ONE);
	char tmp[24];
	size_t n = 0, i = 0;

	do {
		tmp[i++] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole != 0);
	while (i > 0)
		buf[n++] = tmp[--i];
	if (frac != 0) {
		int d;

		buf[n++] = '.';
		for (d = PF_COUNT_DIGITS - 1; d >= 0; d--) {
			tmp[d] = (char)('0' + frac % 10);
			frac /= 10;
		}
		for (d = PF_COUNT_DIGITS; d > 0 && tmp[d - 1] == '0'; d--)
			;
		memcpy(buf + n, tmp, (size_t)d);
		n += (size_t)d;
	}
	buf[n] = '\0';
	return n;
}

double
pf_count_to_double(pf_count c)
{
	/* The same figures, without the 128-bit division, for counts below
	 * 2^64 units (every count of 18 billion samples or less). */
	if ((c >> 64) == 0) {
		uint64_t v = (uint64_t)c, whole = v / 1000000000u;

		return (double)whole + (double)(uint32_t)(v - whole * 1000000000u) / 1e9;
	}
	return (double)(uint64_t)(c / PF_COUNT_ONE) +
	    (double)(uint32_t)(c % PF_COUNT_ONE) / 1e9;
}
