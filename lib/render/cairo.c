/*
 * cairo.c - PNG and PDF flame graphs: the layout of the SVG drawn with
 * cairo, for reports, chats and CI artifacts where an interactive SVG cannot
 * be shown.
 */
#include <cairo.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

static cairo_status_t
write_stream(void *closure, const unsigned char *data, unsigned int len)
{
	FILE *f = closure;

	return fwrite(data, 1, len, f) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

static void
hex_color(const char *s, double *r, double *g, double *b)
{
	unsigned v = 0;

	if (s[0] == '#')
		v = (unsigned)strtoul(s + 1, NULL, 16);
	*r = ((v >> 16) & 0xff) / 255.0;
	*g = ((v >> 8) & 0xff) / 255.0;
	*b = (v & 0xff) / 255.0;
}

/* User text (title, subtitle) as valid UTF-8, which cairo insists on. */
static void
text(cairo_t *cr, double x, double y, const char *raw, int center)
{
	char *s = malloc(strlen(raw) * 3 + 1);

	if (s == NULL)
		return;
	pf_clean_utf8(raw, strlen(raw), s);
	if (center) {
		cairo_text_extents_t e;

		cairo_text_extents(cr, s, &e);
		x -= e.x_advance / 2;
	}
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
	free(s);
}

static void
draw(struct pf_flame *f, cairo_t *cr, const struct pf_flame_geom *g,
    const char *c1, const char *c2, const char *title)
{
	cairo_pattern_t *bg = cairo_pattern_create_linear(0, 0, 0, g->height);
	struct pf_metrics m;
	double r, gr, b;
	char *buf = NULL;
	size_t cap = 0, i;

	hex_color(c1, &r, &gr, &b);
	cairo_pattern_add_color_stop_rgb(bg, 0.05, r, gr, b);
	hex_color(c2, &r, &gr, &b);
	cairo_pattern_add_color_stop_rgb(bg, 0.95, r, gr, b);
	cairo_set_source(cr, bg);
	cairo_paint(cr);
	cairo_pattern_destroy(bg);

	cairo_select_font_face(cr, f->o.fonttype, CAIRO_FONT_SLANT_NORMAL,
	    CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_font_size(cr, f->o.fontsize + 5);
	text(cr, g->width / 2, f->o.fontsize * 2, title, 1);
	cairo_set_font_size(cr, f->o.fontsize);
	if (f->o.subtitle != NULL) {
		cairo_set_source_rgb(cr, 160 / 255.0, 160 / 255.0, 160 / 255.0);
		text(cr, g->width / 2, f->o.fontsize * 4, f->o.subtitle, 1);
	}
	if (f->ndraw == 0) {
		cairo_set_source_rgb(cr, 0, 0, 0);
		text(cr, g->width / 2, g->height / 2, "No stack counts found", 1);
		return;
	}
	pf_metrics_init(&m, &f->o);
	for (i = 0; i < f->ndraw; i++) {
		const struct pf_flame_draw *d = &f->draw[i];
		const struct pf_flame_node *n = &f->node[d->node];
		struct pf_rgb c = pf_flame_color(f, d->node);
		double y = pf_flame_y(f, g, n->depth), w = d->x2 - d->x1;
		double h = f->o.frame_height - 1;
		const char *l;
		size_t ln, fit;
		int cut;

		cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
		cairo_rectangle(cr, d->x1, y, w, h);
		cairo_fill(cr);
		l = pf_flame_label(f, n->name, &ln);
		fit = pf_metrics_fit(&m, l, ln, w, &cut);
		if (fit == 0)
			continue;
		if (pf_grow(&buf, &cap, fit + 3, 1) != 0)
			break;
		memcpy(buf, l, fit);
		memcpy(buf + fit, cut ? ".." : "", cut ? 3 : 1);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_move_to(cr, d->x1 + 3, y + h / 2 + f->o.fontsize / 3 + 0.5);
		cairo_show_text(cr, buf);
	}
	free(buf);
}

int
pf_flame_write_cairo(struct pf_flame *f, enum pf_output_format fmt, FILE *out,
    struct pf_error *err)
{
	cairo_surface_t *s;
	cairo_status_t st;
	struct pf_flame_geom g;
	const char *c1, *c2, *title = f->o.title;
	cairo_t *cr;

	if (title == NULL)
		title = f->o.flamechart ? "Flame Chart" : f->o.inverted ? "Icicle Graph" :
		    "Flame Graph";
	pf_flame_geom(f, &g);
	pf_flame_bgcolors(f, &c1, &c2);
	if (fmt == PF_OUTPUT_PDF)
		s = cairo_pdf_surface_create_for_stream(write_stream, out, g.width, g.height);
	else
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(g.width + 0.5),
		    (int)(g.height + 0.5));
	cr = cairo_create(s);
	draw(f, cr, &g, c1, c2, title);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS && fmt == PF_OUTPUT_PNG)
		st = cairo_surface_write_to_png_stream(s, write_stream, out);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st == CAIRO_STATUS_WRITE_ERROR)
		return pf_errc(err, PF_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
	if (st != CAIRO_STATUS_SUCCESS)
		return pf_errc(err, PF_ERR_IO, NULL, 0, 0, "cairo: %s", cairo_status_to_string(st));
	if (fflush(out) != 0)
		return pf_errc(err, PF_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
	return 0;
}
