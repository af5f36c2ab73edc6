/*
 * render.h - the renderers: each writes a draw list (layout/draw.h) in one
 * output format, and reads nothing else.
 */
#ifndef PF_RENDER_H
#define PF_RENDER_H

#include "layout/draw.h"

/* The columns of the draw list each reads (layout/draw.h). */
#define PF_RENDER_SVG_COLUMNS (PF_DRAW_X | PF_DRAW_TOTAL | PF_DRAW_FILL)
#define PF_RENDER_CAIRO_COLUMNS (PF_DRAW_X | PF_DRAW_FILL)
#define PF_RENDER_HTML_COLUMNS PF_DRAW_SELF

/* Each returns 0, or -1 with err filled (a failed write: PF_ERR_IO). */
int pf_render_svg(const struct pf_draw_list *dl, FILE *out, struct pf_error *err);
int pf_render_cairo(const struct pf_draw_list *dl, enum pf_output_format fmt,
    FILE *out, struct pf_error *err);
int pf_render_html(const struct pf_draw_list *dl, FILE *out, struct pf_error *err);

/*
 * Text widths for label fitting: per-ASCII-glyph advances measured through
 * cairo for the page's font, and an average for everything else.
 */
struct pf_metrics {
	double adv[128];
	double avg;
};
void pf_metrics_init(struct pf_metrics *m, const struct pf_draw_page *p);
/* The bytes of s[0..len-1] that fit in width pixels: all of it, or a
 * prefix (at a character boundary) to be followed by "..", or 0 bytes.
 * *cut is set when ".." must follow. */
size_t pf_metrics_fit(const struct pf_metrics *m, const char *s, size_t len,
    double width, int *cut);

#endif /* PF_RENDER_H */
