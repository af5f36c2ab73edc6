/*
 * draw.h - the render contract: what layout hands every renderer.
 *
 * A draw list is a flame graph resolved down to what is drawn: the page
 * (size, titles, colours of the background, totals) and, in the order
 * drawn (depth first, parents before their children), each frame with its
 * place, its name, its fill and its counts.  Renderers read only this; they
 * never see the tree it was made from, and what they write depends on
 * nothing else (the SVG's --nameattr attributes come with the page).
 */
#ifndef PF_DRAW_H
#define PF_DRAW_H

#include "internal.h"

/* Room around the frames, in pixels: left and right of them (xpad), and
 * the rows above and below that hold the titles and the details line. */
#define PF_DRAW_XPAD 10

struct pf_draw_page {
	const char *title;	/* never NULL: the default title resolved */
	const char *subtitle;	/* NULL: none */
	const char *countname;	/* what a count is ("samples") */
	const char *nametype;	/* label of the SVG's details ("Function:") */
	const char *notes;	/* NULL: none */
	const char *fonttype;
	const struct pf_nameattr *nameattr; /* SVG only; NULL: none */
	double width, height;	/* the image, pixels */
	double frame_height;	/* a row (a frame is 1 pixel less) */
	double fontsize, fontwidth;
	int font_metrics;	/* fit labels by measured glyphs */
	double xpad, ypad1, ypad2, ypad3; /* ypad3: room for the subtitle */
	int inverted, reversed, flamechart;
	int differential, negate;
	enum pf_diff_mode diff_mode;
	double factor;		/* counts are shown multiplied by this */
	const char *bg1, *bg2;	/* background gradient, top and bottom */
	pf_count grand;		/* the count that is 100% */
	pf_count hidden;	/* of the drawn column: frames left out */
	double maxdelta;	/* differential: the largest |delta| drawn */
};

/* A distinct frame name: as read, and as shown. */
struct pf_draw_name {
	const char *raw;	/* the bytes of the input */
	const char *label;	/* annotation stripped, --encoding converted,
				   clean UTF-8 (control characters and bad
				   bytes replaced by U+FFFD) */
	uint32_t raw_len, label_len;
	uint32_t first;		/* the first frame drawn with this name */
	struct pf_rgb fill;	/* and that frame's fill */
};

/*
 * The columns of a draw list beyond depth and name (and delta, for a
 * differential graph), which a renderer asks the layout for: those not
 * asked for stay NULL, so that a page of millions of frames costs only
 * the memory its renderer reads.
 */
enum {
	PF_DRAW_X = 1,		/* x1, x2 */
	PF_DRAW_TOTAL = 2,	/* total, before_total */
	PF_DRAW_SELF = 4,	/* self, before_self */
	PF_DRAW_FILL = 8,	/* fill */
	PF_DRAW_ALL = 15
};

/*
 * The frames, one column per fact, each indexed by the frame's place in the
 * order drawn (a renderer that writes one fact of every frame reads one
 * array; the columns it does not ask for are NULL).  Counts are of the column that sets the widths (the only one, or
 * "after" in a differential graph): total is the frame's with its
 * children's, self what of it no drawn child holds (its own count plus the
 * children left out as too narrow), so the selves of the drawn frames add
 * up to the graph's total.
 */
struct pf_draw_list {
	struct pf_draw_page page;
	size_t nframes;
	double *x1, *x2;	/* left and right edge, pixels */
	uint32_t *depth;	/* 0: the root, "all" */
	uint32_t *name;		/* index into names */
	struct pf_rgb *fill;
	pf_count *total, *self;
	/* Differential graphs only (NULL otherwise): the "before" column's
	 * total and self (as above, never below 0), and the change that
	 * colours the frame (of its own counts, or of its total with
	 * --diff-mode=inclusive), in counts. */
	pf_count *before_total, *before_self;
	double *delta;

	/* The names of the frames drawn, in the order of their first use. */
	struct pf_draw_name *names;
	size_t nnames;
	struct pf_arena arena;	/* the labels that differ from their names */
};

/* The top edge of the frames at depth d, in pixels. */
static inline double
pf_draw_y(const struct pf_draw_page *p, uint32_t d)
{
	if (p->inverted)
		return p->ypad1 + p->ypad3 + d * p->frame_height;
	return p->height - p->ypad2 - (d + 1) * p->frame_height;
}

void pf_draw_list_release(struct pf_draw_list *dl);

#endif /* PF_DRAW_H */
