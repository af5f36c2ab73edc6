/*
 * svg.c - the interactive SVG flame graph.
 *
 * The picture follows what tools already read from flamegraph.pl output:
 * a <g> per frame holding a <title> "NAME (N samples, P%)", a <rect> and a
 * <text> label.  Frame names are untrusted: they reach the file only through
 * esc(), which writes valid UTF-8 with every XML-special character as an
 * entity, and they never reach the script's text; the script reads them
 * back from the DOM as data.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include "internal.h"

/* lib/render/svg.js as a C string, made by the Makefile. */
static const char script[] =
#include "render/svg.js.inc"
    ;

struct out {
	struct pf_outbuf w;
	char *countname;	/* cleaned once, written in every title */
	size_t countname_len;
};

static inline void
put(struct out *o, const char *s, size_t n)
{
	pf_outbuf_put(&o->w, s, n);
}

static inline void
puts_(struct out *o, const char *s)
{
	pf_outbuf_puts(&o->w, s);
}

static void __attribute__((format(printf, 2, 3)))
printf_(struct out *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void
put_uint(struct out *o, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(o, tmp + i, sizeof(tmp) - i);
}

/*
 * v with d (1 or 2) decimals, as printf's "%.*f" writes it.  Frames are
 * numbers mostly, and printf's exact conversion is slow; values next to a
 * rounding tie, and odd ones, still go through printf so that the output
 * does not depend on this shortcut.
 */
static void
put_fixed(struct out *o, double v, int d)
{
	double scale = d == 1 ? 10 : 100, x = v * scale, fl = floor(x);
	uint64_t n;

	if (!(v >= 0 && v < 1e12) || fabs(x - fl - 0.5) < 1e-6) {
		printf_(o, "%.*f", d, v);
		return;
	}
	n = (uint64_t)fl + (x - fl > 0.5);
	put_uint(o, n / (uint64_t)scale);
	put(o, ".", 1);
	if (d == 2) {
		char t[2] = { (char)('0' + n / 10 % 10), (char)('0' + n % 10) };

		put(o, t, 2);
	} else {
		char t = (char)('0' + n % 10);

		put(o, &t, 1);
	}
}

/*
 * Writes valid UTF-8 text (a label, or a user's string after clean()) with
 * & < > " ' as entities, safe in element content and in attribute values.
 */
static void
esc(struct out *o, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		const char *e;

		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		put(o, s + start, i - start);
		puts_(o, e);
		start = i + 1;
	}
	put(o, s + start, n - start);
}

/* A user-supplied string (title, subtitle...): cleaned like frame names
 * (control characters and invalid UTF-8 replaced), then escaped. */
static void
esc_user(struct out *o, const char *s)
{
	size_t n = strlen(s);
	char *c = malloc(n * 3 + 1);

	if (c == NULL) {
		o->w.failed = 1;
		return;
	}
	esc(o, c, pf_clean_utf8(s, n, c));
	free(c);
}

/* Only characters that cannot leave a CSS declaration. */
static void
css_font(struct out *o, const char *s)
{
	for (; *s != '\0'; s++) {
		char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == ' ' || c == ',' || c == '-' || c == '_')
			put(o, s, 1);
	}
}

/* A count for people: rounded to a whole number, thousands separated. */
static size_t
fmt_count(pf_count c, double factor, char *buf)
{
	char digits[64];
	size_t n, i, o = 0;

	if (factor == 1) {
		pf_count w = (c + PF_COUNT_ONE / 2) / PF_COUNT_ONE;
		uint64_t v = (uint64_t)w;

		n = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	} else {
		n = (size_t)snprintf(digits, sizeof(digits), "%.0f",
		    floor(pf_count_to_double(c) * factor + 0.5));
	}
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0 && digits[i - 1] != '-')
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return o;
}

static void
title_text(struct pf_flame *f, struct out *o, uint32_t v)
{
	const struct pf_flame_node *n = &f->node[v];
	double pct = 100 * pf_count_to_double(n->total[1]) / pf_count_to_double(f->grand);
	char num[64];
	const char *l;
	size_t ln;

	l = pf_flame_label(f, n->name, &ln);
	esc(o, l, ln);
	put(o, " (", 2);
	put(o, num, fmt_count(n->total[1], f->o.factor, num));
	put(o, " ", 1);
	esc(o, o->countname, o->countname_len);
	put(o, ", ", 2);
	put_fixed(o, pct, 2);
	put(o, "%", 1);
	if (f->columns == 2) {
		double d = 100 * pf_flame_delta(f, v) / pf_count_to_double(f->grand);

		if (f->o.negate)
			d = -d;
		if (fabs(d) < 0.005)
			d = 0;	/* no "-0.00%" */
		printf_(o, "; %s%.2f%%", d > 0 ? "+" : "", d);
	}
	puts_(o, ")");
}

static const struct pf_nameattr *
nameattr(struct pf_flame *f, uint32_t name)
{
	struct pf_strmap_slot *s;

	if (f->nattr == 0)
		return NULL;
	s = pf_strmap_find(&f->attr_names, f->name[name], f->name_len[name],
	    pf_hash_bytes(f->name[name], f->name_len[name], 0), 0, NULL);
	return s != NULL ? &f->attr[s->value] : NULL;
}

/*
 * What the title cannot say exactly, for pf-collapse to read back: the
 * frame's name as in the input, where the title shows another (annotation
 * stripped, converted from --encoding, bytes replaced), and its count,
 * where the title rounds it or scales it by --factor.  all: both, for a
 * title replaced through --nameattr.
 */
static void
exact(struct pf_flame *f, struct out *o, uint32_t v, int all)
{
	const struct pf_flame_node *n = &f->node[v];
	const char *raw = f->name[n->name], *l;
	size_t rn = f->name_len[n->name], ln;

	l = pf_flame_label(f, n->name, &ln);
	if (all || ln != rn || memcmp(l, raw, rn) != 0) {
		char *e = malloc(rn * 3 + 1);

		if (e == NULL) {
			o->w.failed = 1;
			return;
		}
		puts_(o, " pf:name=\"");
		esc(o, e, pf_percent_encode(raw, rn, e));
		puts_(o, "\"");
		free(e);
	}
	if (all || f->o.factor != 1 || n->total[1] % PF_COUNT_ONE != 0) {
		char num[PF_COUNT_BUFSIZE];

		puts_(o, " pf:count=\"");
		put(o, num, pf_count_format(n->total[1], num));
		puts_(o, "\"");
	}
}

static void
frame(struct pf_flame *f, struct out *o, const struct pf_metrics *m,
    const struct pf_flame_geom *g, const struct pf_flame_draw *d)
{
	const struct pf_flame_node *n = &f->node[d->node];
	const struct pf_nameattr *na = nameattr(f, n->name);
	struct pf_rgb c = pf_flame_color(f, d->node);
	double y = pf_flame_y(f, g, n->depth), w = d->x2 - d->x1;
	const char *l;
	size_t ln, fit;
	int cut;

	puts_(o, "<g");
	if (na != NULL && na->g_attrs != NULL)
		puts_(o, na->g_attrs);
	puts_(o, ">");
	if (na != NULL && na->href != NULL) {
		puts_(o, "<a xlink:href=\"");
		esc_user(o, na->href);
		puts_(o, "\"");
		if (na->target != NULL) {
			puts_(o, " target=\"");
			esc_user(o, na->target);
			puts_(o, "\"");
		}
		puts_(o, ">");
	}
	puts_(o, "<title>");
	if (na != NULL && na->title != NULL)
		esc_user(o, na->title);
	else
		title_text(f, o, d->node);
	puts_(o, "</title><rect x=\"");
	put_fixed(o, d->x1, 1);
	puts_(o, "\" y=\"");
	put_fixed(o, y, 1);
	puts_(o, "\" width=\"");
	put_fixed(o, w, 1);
	puts_(o, "\" height=\"");
	put_fixed(o, f->o.frame_height - 1, 1);
	puts_(o, "\" fill=\"rgb(");
	put_uint(o, c.r);
	put(o, ",", 1);
	put_uint(o, c.g);
	put(o, ",", 1);
	put_uint(o, c.b);
	puts_(o, ")\" rx=\"2\" ry=\"2\"");
	exact(f, o, d->node, na != NULL && na->title != NULL);
	puts_(o, "/><text x=\"");
	put_fixed(o, d->x1 + 3, 2);
	puts_(o, "\" y=\"");
	put_fixed(o, y + (f->o.frame_height - 1) / 2 + f->o.fontsize / 3 + 0.5, 2);
	puts_(o, "\">");
	l = pf_flame_label(f, n->name, &ln);
	fit = pf_metrics_fit(m, l, ln, w, &cut);
	esc(o, l, fit);
	if (cut)
		puts_(o, "..");
	puts_(o, "</text>");
	if (na != NULL && na->href != NULL)
		puts_(o, "</a>");
	puts_(o, "</g>\n");
}

static void
header(struct pf_flame *f, struct out *o, const struct pf_flame_geom *g,
    const char *title)
{
	const char *c1, *c2;
	char hidden[PF_COUNT_BUFSIZE];

	pf_flame_bgcolors(f, &c1, &c2);
	puts_(o, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
	    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
	    "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n");
	printf_(o, "<svg version=\"1.1\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
	    "xmlns:pf=\"urn:x-pf:flamegraph\" pf:fontsize=\"%g\" pf:fontwidth=\"%g\" "
	    "pf:xpad=\"%g\" pf:inverted=\"%d\" pf:nametype=\"",
	    g->width, g->height, g->width, g->height, f->o.fontsize, f->o.fontwidth,
	    g->xpad, f->o.inverted ? 1 : 0);
	esc_user(o, f->o.nametype);
	/* The samples of the frames left out as too narrow (--minwidth),
	 * so that pf-collapse can say exactly how many it cannot give back. */
	puts_(o, "\" pf:hidden=\"");
	put(o, hidden, pf_count_format(f->hidden, hidden));
	puts_(o, "\">\n<!-- Flame graph drawn by pf-svg " PF_VERSION_STRING
	    ". Hover over a frame for details, click to zoom, Ctrl-F or F3 to search. -->\n");
	if (f->o.notes != NULL) {
		/* In a <desc> rather than flamegraph.pl's comment: a comment
		 * cannot hold "--", an element holds any escaped text. */
		puts_(o, "<desc id=\"notes\">");
		esc_user(o, f->o.notes);
		puts_(o, "</desc>\n");
	}
	printf_(o, "<defs>\n<linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
	    "<stop stop-color=\"%s\" offset=\"5%%\"/><stop stop-color=\"%s\" offset=\"95%%\"/>"
	    "</linearGradient>\n</defs>\n", c1, c2);
	puts_(o, "<style type=\"text/css\">\ntext { font-family: ");
	css_font(o, f->o.fonttype);
	printf_(o, "; font-size: %gpx; fill: rgb(0,0,0); }\n", f->o.fontsize);
	printf_(o, "#title { text-anchor: middle; font-size: %gpx; }\n", f->o.fontsize + 5);
	puts_(o, "#subtitle { text-anchor: middle; fill: rgb(160,160,160); }\n"
	    "#search, #ignorecase { opacity: 0.1; cursor: pointer; }\n"
	    "#search:hover, #search.show, #ignorecase:hover, #ignorecase.show { opacity: 1; }\n"
	    "#matched { text-anchor: end; }\n"
	    "#unzoom { cursor: pointer; }\n"
	    "#frames > *:hover { stroke: black; stroke-width: 0.5; cursor: pointer; }\n"
	    ".hide { display: none; }\n"
	    ".parent { opacity: 0.5; }\n"
	    "</style>\n");
	puts_(o, "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"url(#background)\"/>\n");
	printf_(o, "<text id=\"title\" x=\"%g\" y=\"%g\">", g->width / 2, f->o.fontsize * 2);
	esc_user(o, title);
	puts_(o, "</text>\n");
	if (f->o.subtitle != NULL) {
		printf_(o, "<text id=\"subtitle\" x=\"%g\" y=\"%g\">", g->width / 2,
		    f->o.fontsize * 4);
		esc_user(o, f->o.subtitle);
		puts_(o, "</text>\n");
	}
	printf_(o, "<text id=\"details\" x=\"%g\" y=\"%g\"> </text>\n", g->xpad,
	    g->height - g->ypad2 / 2);
}

int
pf_flame_write_svg(struct pf_flame *f, FILE *fp, struct pf_error *err)
{
	struct out o = { { fp, NULL, 0, 1 << 16, 0 }, NULL, 0 };
	struct pf_flame_geom g;
	struct pf_metrics m;
	const char *title = f->o.title;
	size_t i;
	int rc = -1;

	o.w.buf = malloc(o.w.cap);
	o.countname = malloc(strlen(f->o.countname) * 3 + 1);
	if (o.w.buf == NULL || o.countname == NULL) {
		free(o.w.buf);
		free(o.countname);
		return pf_nomem(err, NULL, 0);
	}
	o.countname_len = pf_clean_utf8(f->o.countname, strlen(f->o.countname),
	    o.countname);
	if (title == NULL)
		title = f->o.flamechart ? "Flame Chart" : f->o.inverted ? "Icicle Graph" :
		    "Flame Graph";
	pf_flame_geom(f, &g);
	if (f->ndraw == 0) {
		/* Still a picture, so that a pipeline's output is an SVG. */
		header(f, &o, &g, title);
		printf_(&o, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">"
		    "No stack counts found</text>\n</svg>\n", g.width / 2, g.height / 2);
		goto done;
	}
	pf_metrics_init(&m, &f->o);
	header(f, &o, &g, title);
	printf_(&o, "<text id=\"unzoom\" class=\"hide\" x=\"%g\" y=\"%g\">Reset Zoom</text>\n",
	    g.xpad, f->o.fontsize * 2);
	printf_(&o, "<text id=\"search\" x=\"%g\" y=\"%g\">Search</text>\n",
	    g.width - g.xpad - 100, f->o.fontsize * 2);
	printf_(&o, "<text id=\"ignorecase\" x=\"%g\" y=\"%g\">ic</text>\n",
	    g.width - g.xpad - 16, f->o.fontsize * 2);
	printf_(&o, "<text id=\"matched\" x=\"%g\" y=\"%g\"> </text>\n",
	    g.width - g.xpad, g.height - g.ypad2 / 2);
	puts_(&o, "<g id=\"frames\">\n");
	for (i = 0; i < f->ndraw; i++)
		frame(f, &o, &m, &g, &f->draw[i]);
	puts_(&o, "</g>\n<script type=\"text/ecmascript\"><![CDATA[\n");
	put(&o, script, sizeof(script) - 1);
	puts_(&o, "]]></script>\n</svg>\n");
done:
	pf_outbuf_flush(&o.w);
	if (o.w.failed || fflush(fp) != 0) {
		pf_errc(err, PF_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(o.w.buf);
	free(o.countname);
	return rc;
}
