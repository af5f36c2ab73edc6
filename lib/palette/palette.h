/*
 * palette.h - how a graph chooses its colours (palette.c): frame fills by
 * palette, palette map or random state, the red and blue of differential
 * graphs, and the background.
 */
#ifndef PF_PALETTE_H
#define PF_PALETTE_H

#include "internal.h"

/*
 * The fills of one graph's frames.  With a palette map, a name's colour is
 * the map's, and names missing from it get their computed colour and are
 * added (what --cp keeps from one graph to the next); the map is keyed by
 * the name as shown (its label).
 */
struct pf_painter {
	enum pf_palette palette;
	struct pf_palette_map *map;	/* borrowed, written to; NULL: none */
	int random;			/* shades from rng, not from the name */
	uint64_t rng;
};

/* random: seeded from the clock, on purpose not reproducible. */
void pf_painter_init(struct pf_painter *p, enum pf_palette palette,
    struct pf_palette_map *map, int random);
/*
 * The fill of a frame called raw[0..raw_len-1], shown as label.  The same
 * name always gets the same fill unless random is set.  Returns 0, or -1
 * with err filled when the map cannot grow (PF_ERR_NOMEM).
 */
int pf_painter_fill(struct pf_painter *p, const char *raw, size_t raw_len,
    const char *label, size_t label_len, struct pf_rgb *out, struct pf_error *err);

/* A differential frame's fill: red where delta > 0 (blue with negate),
 * blue where it is < 0, more saturated as |delta| nears maxdelta. */
struct pf_rgb pf_palette_delta(double delta, double maxdelta, int negate);

/* The two colours of the background gradient, from --bgcolors (NULL: the
 * palette's own). */
void pf_palette_background(enum pf_palette palette, const char *bgcolors,
    const char **top, const char **bottom);

#endif /* PF_PALETTE_H */
