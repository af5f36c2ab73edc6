/*
 * metrics.c - how wide a label is, for fitting labels into frames.
 *
 * The advances of the printable ASCII glyphs are measured once through cairo
 * for the chosen font and size (fontconfig picks the same substitute a
 * browser on this machine would).  Other characters, and every character
 * when cairo cannot measure or the user turned metrics off, count as the
 * average width fontsize * fontwidth, which is what flamegraph.pl assumes.
 */
#include <cairo.h>

#include "render/render.h"

void
pf_metrics_init(struct pf_metrics *m, const struct pf_draw_page *o)
{
	cairo_surface_t *s = NULL;
	cairo_t *cr = NULL;
	int i, ok = 0;

	m->avg = o->fontsize * o->fontwidth;
	for (i = 0; i < 128; i++)
		m->adv[i] = m->avg;
	if (!o->font_metrics)
		return;
	s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	cr = cairo_create(s);
	if (cairo_status(cr) == CAIRO_STATUS_SUCCESS) {
		cairo_select_font_face(cr, o->fonttype, CAIRO_FONT_SLANT_NORMAL,
		    CAIRO_FONT_WEIGHT_NORMAL);
		cairo_set_font_size(cr, o->fontsize);
		ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
	}
	for (i = 32; ok && i < 127; i++) {
		char t[2] = { (char)i, '\0' };
		cairo_text_extents_t e;

		cairo_text_extents(cr, t, &e);
		if (cairo_status(cr) != CAIRO_STATUS_SUCCESS || !(e.x_advance >= 0) ||
		    e.x_advance > o->fontsize * 4) {
			ok = 0;
			break;
		}
		m->adv[i] = e.x_advance;
	}
	if (ok && m->adv['M'] <= 0)
		ok = 0;
	if (!ok) {
		for (i = 0; i < 128; i++)
			m->adv[i] = m->avg;
	}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

/* Bytes in the UTF-8 character starting with c (labels are valid UTF-8). */
static size_t
char_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

static double
char_width(const struct pf_metrics *m, unsigned char c)
{
	return c < 0x80 ? m->adv[c] : m->avg;
}

size_t
pf_metrics_fit(const struct pf_metrics *m, const char *s, size_t len,
    double width, int *cut)
{
	double w = 0, dots = 2 * m->adv['.'];
	size_t i, k, fit = 0, nchars = 0;

	*cut = 0;
	width -= 3;		/* the label starts 3 pixels into the frame */
	for (i = 0; i < len; i += k) {
		k = char_len((unsigned char)s[i]);
		w += char_width(m, (unsigned char)s[i]);
		if (w > width)
			break;
		if (w + dots <= width) {
			fit = i + k;
			nchars++;
		}
	}
	if (i >= len)
		return len;
	/* Too narrow for even a couple of characters and "..": no label. */
	if (nchars < 2 || width < 3 * m->avg)
		return 0;
	*cut = 1;
	return fit;
}
