/*
 * cairo.c - PNG and PDF flame graphs: the layout of the SVG drawn with
 * cairo, for reports, chats and CI artifacts where an interactive SVG cannot
 * be shown.
 */
#include <cairo.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <stdlib.h>

#include "render/render.h"

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
draw(const struct pf_draw_list *dl, cairo_t *cr)
{
	const struct pf_draw_page *p = &dl->page;
	cairo_pattern_t *bg = cairo_pattern_create_linear(0, 0, 0, p->height);
	struct pf_metrics m;
	double r, gr, b;
	char *buf = NULL;
	size_t cap = 0, i;

	hex_color(p->bg1, &r, &gr, &b);
	cairo_pattern_add_color_stop_rgb(bg, 0.05, r, gr, b);
	hex_color(p->bg2, &r, &gr, &b);
	cairo_pattern_add_color_stop_rgb(bg, 0.95, r, gr, b);
	cairo_set_source(cr, bg);
	cairo_paint(cr);
	cairo_pattern_destroy(bg);

	cairo_select_font_face(cr, p->fonttype, CAIRO_FONT_SLANT_NORMAL,
	    CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_font_size(cr, p->fontsize + 5);
	text(cr, p->width / 2, p->fontsize * 2, p->title, 1);
	cairo_set_font_size(cr, p->fontsize);
	if (p->subtitle != NULL) {
		cairo_set_source_rgb(cr, 160 / 255.0, 160 / 255.0, 160 / 255.0);
		text(cr, p->width / 2, p->fontsize * 4, p->subtitle, 1);
	}
	if (dl->nframes == 0) {
		cairo_set_source_rgb(cr, 0, 0, 0);
		text(cr, p->width / 2, p->height / 2, "No stack counts found", 1);
		return;
	}
	pf_metrics_init(&m, p);
	for (i = 0; i < dl->nframes; i++) {
		const struct pf_draw_name *dn = &dl->names[dl->name[i]];
		double y = pf_draw_y(p, dl->depth[i]), w = dl->x2[i] - dl->x1[i];
		double h = p->frame_height - 1;
		size_t fit;
		int cut;

		cairo_set_source_rgb(cr, dl->fill[i].r / 255.0, dl->fill[i].g / 255.0,
		    dl->fill[i].b / 255.0);
		cairo_rectangle(cr, dl->x1[i], y, w, h);
		cairo_fill(cr);
		fit = pf_metrics_fit(&m, dn->label, dn->label_len, w, &cut);
		if (fit == 0)
			continue;
		if (pf_grow(&buf, &cap, fit + 3, 1) != 0)
			break;
		memcpy(buf, dn->label, fit);
		memcpy(buf + fit, cut ? ".." : "", cut ? 3 : 1);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_move_to(cr, dl->x1[i] + 3, y + h / 2 + p->fontsize / 3 + 0.5);
		cairo_show_text(cr, buf);
	}
	free(buf);
}

int
pf_render_cairo(const struct pf_draw_list *dl, enum pf_output_format fmt, FILE *out,
    struct pf_error *err)
{
	const struct pf_draw_page *p = &dl->page;
	cairo_surface_t *s;
	cairo_status_t st;
	cairo_t *cr;

	if (fmt == PF_OUTPUT_PDF)
		s = cairo_pdf_surface_create_for_stream(write_stream, out, p->width, p->height);
	else
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(p->width + 0.5),
		    (int)(p->height + 0.5));
	cr = cairo_create(s);
	draw(dl, cr);
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
		return pf_errc(err, st == CAIRO_STATUS_NO_MEMORY ? PF_ERR_NOMEM :
		    st == CAIRO_STATUS_INVALID_SIZE ? PF_ERR_UNSUPPORTED : PF_ERR_IO,
		    NULL, 0, 0, "cairo: %s", cairo_status_to_string(st));
	if (fflush(out) != 0)
		return pf_errc(err, PF_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
	return 0;
}
