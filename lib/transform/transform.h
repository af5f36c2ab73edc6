/*
 * transform.h - helpers shared by the transforms in lib/transform/; not
 * installed.
 */
#ifndef PF_TRANSFORM_H
#define PF_TRANSFORM_H

#include "internal.h"

/*
 * Copies frame ids of one profile into another, interning each source name
 * the first time it is used, so frames of dropped stacks are never copied.
 */
struct pf_idmap {
	const struct pf_profile *src;
	struct pf_profile *dst;
	uint32_t *map;		/* UINT32_MAX: not yet interned */
	uint32_t *ids;		/* scratch for pf_idmap_add */
	size_t ids_cap;
};

int pf_idmap_init(struct pf_idmap *m, const struct pf_profile *src,
    struct pf_profile *dst);
void pf_idmap_release(struct pf_idmap *m);
/* The id in dst of frame id of src, or UINT32_MAX when memory runs out. */
uint32_t pf_idmap_get(struct pf_idmap *m, uint32_t id);
/*
 * Adds the src stack f[0..n-1], its frames mapped into dst, to dst with
 * counts a and b; when root is not UINT32_MAX, under that frame of dst.
 * Returns 0, or -1 with err filled.
 */
int pf_idmap_add(struct pf_idmap *m, uint32_t root, const uint32_t *f, size_t n,
    pf_count a, pf_count b, struct pf_error *err);

/* Rounding of pf_count_muldiv_mode. */
enum { PF_ROUND_HALF_UP, PF_ROUND_DOWN };
int pf_count_muldiv_mode(pf_count c, pf_count num, pf_count den, int mode,
    pf_count *out);

/* Rebuilds *pp with every count c turned into c * num / den, rounded
 * half-up (num and den are plain integers here, not fixed-point). */
int pf_transform_rescale(struct pf_profile **pp, pf_count num, pf_count den,
    struct pf_error *err);

/* Replaces *pp by q (freeing the old profile); returns 0. */
int pf_replace(struct pf_profile **pp, struct pf_profile *q);

#endif /* PF_TRANSFORM_H */
