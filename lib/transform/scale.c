/*
 * scale.c - exact scaling of counts, totals, normalisation and tagging.
 *
 * Counts are integers of 10^-9 units below 2^94, so the product of two of
 * them needs up to 188 bits: it is computed in four 64-bit limbs and divided
 * by long division, which keeps every printed digit exact.
 */
#include <stdlib.h>

#include "transform.h"

int
pf_idmap_init(struct pf_idmap *m, const struct pf_profile *src,
    struct pf_profile *dst)
{
	size_t n = pf_profile_nframes(src);

	m->src = src;
	m->dst = dst;
	m->ids = NULL;
	m->ids_cap = 0;
	m->map = malloc((n + 1) * sizeof(*m->map));
	if (m->map == NULL)
		return -1;
	memset(m->map, 0xff, (n + 1) * sizeof(*m->map));
	return 0;
}

void
pf_idmap_release(struct pf_idmap *m)
{
	free(m->map);
	free(m->ids);
	m->map = NULL;
	m->ids = NULL;
	m->ids_cap = 0;
}

uint32_t
pf_idmap_get(struct pf_idmap *m, uint32_t id)
{
	if (m->map[id] == UINT32_MAX) {
		size_t len;
		const char *name = pf_profile_frame(m->src, id, &len);

		m->map[id] = pf_profile_intern(m->dst, name, len);
	}
	return m->map[id];
}

int
pf_idmap_add(struct pf_idmap *m, uint32_t root, const uint32_t *f, size_t n,
    pf_count a, pf_count b, struct pf_error *err)
{
	size_t j, k = root != UINT32_MAX;

	if (pf_grow(&m->ids, &m->ids_cap, n + k + 1, sizeof(*m->ids)) != 0)
		return pf_nomem(err, NULL, 0);
	m->ids[0] = root;
	for (j = 0; j < n; j++)
		if ((m->ids[j + k] = pf_idmap_get(m, f[j])) == UINT32_MAX)
			return pf_nomem(err, NULL, 0);
	return pf_profile_add(m->dst, m->ids, n + k, a, b, err);
}

int
pf_replace(struct pf_profile **pp, struct pf_profile *q)
{
	pf_profile_free(*pp);
	*pp = q;
	return 0;
}

/* x * y into four little-endian 64-bit limbs. */
static void
mul_wide(pf_count x, pf_count y, uint64_t r[4])
{
	uint64_t x0 = (uint64_t)x, x1 = (uint64_t)(x >> 64);
	uint64_t y0 = (uint64_t)y, y1 = (uint64_t)(y >> 64);
	pf_count p00 = (pf_count)x0 * y0, p01 = (pf_count)x0 * y1;
	pf_count p10 = (pf_count)x1 * y0, p11 = (pf_count)x1 * y1;
	pf_count mid;

	r[0] = (uint64_t)p00;
	mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
	r[1] = (uint64_t)mid;
	mid = (mid >> 64) + (p01 >> 64) + (p10 >> 64) + (uint64_t)p11;
	r[2] = (uint64_t)mid;
	r[3] = (uint64_t)((mid >> 64) + (p11 >> 64));
}

int
pf_count_muldiv_mode(pf_count c, pf_count num, pf_count den, int mode,
    pf_count *out)
{
	uint64_t n[4], q[4] = { 0, 0, 0, 0 };
	pf_count rem = 0, res;
	int bit;

	if (den == 0)
		return PF_COUNT_OVERFLOW;
	mul_wide(c, num, n);
	/* den < 2^95, so the remainder shifted left stays below 2^96. */
	for (bit = 255; bit >= 0; bit--) {
		rem = (rem << 1) | ((n[bit / 64] >> (bit % 64)) & 1);
		if (rem >= den) {
			rem -= den;
			q[bit / 64] |= (uint64_t)1 << (bit % 64);
		}
	}
	if (q[3] != 0 || q[2] != 0)
		return PF_COUNT_OVERFLOW;
	res = ((pf_count)q[1] << 64) | q[0];
	if (mode == PF_ROUND_HALF_UP && rem * 2 >= den)
		res++;
	if (res > PF_COUNT_MAX)
		return PF_COUNT_OVERFLOW;
	*out = res;
	return PF_COUNT_OK;
}

int
pf_count_muldiv(pf_count c, pf_count num, pf_count den, pf_count *out)
{
	return pf_count_muldiv_mode(c, num, den, PF_ROUND_HALF_UP, out);
}

int
pf_count_mul(pf_count c, pf_count f, pf_count *out)
{
	return pf_count_muldiv_mode(c, f, PF_COUNT_ONE, PF_ROUND_HALF_UP, out);
}

int
pf_profile_total(const struct pf_profile *p, int column, pf_count *total,
    struct pf_error *err)
{
	size_t i, n;
	pf_count a, b, t = 0;

	for (i = 0; i < pf_profile_nstacks(p); i++) {
		pf_profile_stack(p, i, &n, &a, &b);
		if (pf_count_add(t, column == 2 ? b : a, &t) != 0)
			return pf_err(err, NULL, 0,
			    "count overflow: the profile's total exceeds 2^64");
	}
	*total = t;
	return 0;
}

int
pf_transform_rescale(struct pf_profile **pp, pf_count num, pf_count den,
    struct pf_error *err)
{
	const struct pf_profile *p = *pp;
	struct pf_profile *q = pf_profile_new();
	struct pf_idmap m = { NULL, NULL, NULL, NULL, 0 };
	size_t i, n;
	pf_count a, b;

	if (q == NULL || pf_idmap_init(&m, p, q) != 0)
		goto nomem;
	pf_profile_set_columns(q, pf_profile_columns(p));
	for (i = 0; i < pf_profile_nstacks(p); i++) {
		const uint32_t *f = pf_profile_stack(p, i, &n, &a, &b);

		if (pf_count_muldiv(a, num, den, &a) != 0 ||
		    pf_count_muldiv(b, num, den, &b) != 0) {
			pf_err(err, NULL, 0, "count overflow: a scaled count exceeds 2^64");
			goto fail;
		}
		if (pf_idmap_add(&m, UINT32_MAX, f, n, a, b, err) != 0)
			goto fail;
	}
	pf_idmap_release(&m);
	return pf_replace(pp, q);
nomem:
	pf_nomem(err, NULL, 0);
fail:
	pf_idmap_release(&m);
	pf_profile_free(q);
	return -1;
}

int
pf_transform_scale(struct pf_profile **pp, pf_count factor, struct pf_error *err)
{
	return pf_transform_rescale(pp, factor, PF_COUNT_ONE, err);
}

int
pf_transform_normalize(struct pf_profile **pp, pf_count total,
    struct pf_error *err)
{
	pf_count have;

	if (pf_profile_total(*pp, 1, &have, err) != 0)
		return -1;
	if (have == 0 || have == total)
		return 0;
	return pf_transform_rescale(pp, total, have, err);
}

int
pf_transform_tag(struct pf_profile **pp, const char *label, struct pf_error *err)
{
	const struct pf_profile *p = *pp;
	struct pf_profile *q = pf_profile_new();
	struct pf_idmap m = { NULL, NULL, NULL, NULL, 0 };
	uint32_t root;
	size_t i, n, len = strlen(label);
	pf_count a, b;

	if (len == 0 || memchr(label, ';', len) != NULL || memchr(label, '\n', len) != NULL) {
		pf_err(err, NULL, 0, "invalid tag '%s': a frame name cannot be empty "
		    "or contain ';' or a newline", label);
		pf_profile_free(q);
		return -1;
	}
	if (q == NULL || pf_idmap_init(&m, p, q) != 0)
		goto nomem;
	pf_profile_set_columns(q, pf_profile_columns(p));
	for (i = 0; i < pf_profile_nstacks(p); i++) {
		const uint32_t *f = pf_profile_stack(p, i, &n, &a, &b);

		if ((root = pf_profile_intern(q, label, len)) == UINT32_MAX)
			goto nomem;
		if (pf_idmap_add(&m, root, f, n, a, b, err) != 0)
			goto fail;
	}
	pf_idmap_release(&m);
	return pf_replace(pp, q);
nomem:
	pf_nomem(err, NULL, 0);
fail:
	pf_idmap_release(&m);
	pf_profile_free(q);
	return -1;
}
