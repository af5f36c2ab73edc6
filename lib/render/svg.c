/*
 * svg.c - the interactive SVG flame graph, and the --nameattr file that
 * only it uses.
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
#include <strings.h>

#include "render/render.h"

/* lib/render/svg.js as a C string, made by the Makefile. */
static const char script[] =
#include "render/svg.js.inc"
    ;

/* Extra attributes of the frames of one name, from --nameattr. */
struct attrs {
	char *g_attrs;			/* ' k="v"...', escaped */
	char *title;			/* replaces the <title> text, raw */
	char *href, *target;		/* wrap the frame in <a> */
};

struct pf_nameattr {
	struct pf_strmap names;		/* frame name -> index into attr */
	struct attrs *attr;
	size_t n, cap;
};

struct out {
	struct pf_outbuf w;
	const struct pf_draw_list *dl;
	const struct pf_draw_page *pg;
	char *countname;	/* cleaned once, written in every title */
	size_t countname_len;
	const struct attrs **attrs; /* by name index; NULL: no --nameattr */
	double time;		/* seconds a count is (--countname ns, us,
				   ms, s); 0: not a time */
	int bytes;		/* --countname bytes (or B) */
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

/*
 * v with three significant digits, trailing zeros dropped (1.24, 3.1,
 * 512), as the viewer of pf-html writes them.
 */
static size_t
sig3(double v, char *buf, size_t cap)
{
	int e, dec;
	size_t n;

	if (v <= 0)
		return (size_t)snprintf(buf, cap, "0");
	e = (int)floor(log10(v));
	v = floor(v * pow(10, 2 - e) + 0.5) / pow(10, 2 - e);
	if (v >= pow(10, e + 1))
		e++;
	dec = e >= 2 ? 0 : 2 - e;
	n = (size_t)snprintf(buf, cap, "%.*f", dec, v);
	if (n >= cap)
		n = cap - 1;
	if (dec > 0) {
		while (buf[n - 1] == '0')
			n--;
		if (buf[n - 1] == '.')
			n--;
		buf[n] = '\0';
	}
	return n;
}

/*
 * A count as a time or a size when --countname is a unit: "1.24 s",
 * "3.1 MiB", "512 B".  0 when it is not.
 */
static size_t
fmt_unit(const struct out *o, pf_count c, char *buf, size_t cap)
{
	static const char *const sizes[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = pf_count_to_double(c) * o->pg->factor;
	size_t n, i = 0;

	if (o->time > 0) {
		double sec = v * o->time;
		const char *u = "s";

		if (sec >= 1 || sec == 0)
			;
		else if (sec >= 1e-3)
			sec *= 1e3, u = "ms";
		else if (sec >= 1e-6)
			sec *= 1e6, u = "\xc2\xb5s";
		else
			sec *= 1e9, u = "ns";
		n = sig3(sec, buf, cap);
		return n + (size_t)snprintf(buf + n, cap - n, " %s", u);
	}
	if (!o->bytes)
		return 0;
	while (v >= 1024 && i + 1 < sizeof(sizes) / sizeof(sizes[0])) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		n = fmt_count(c, o->pg->factor, buf);
	else
		n = sig3(v, buf, cap);
	return n + (size_t)snprintf(buf + n, cap - n, " %s", sizes[i]);
}

static void
title_text(struct out *o, size_t i)
{
	const struct pf_draw_list *dl = o->dl;
	const struct pf_draw_name *dn = &dl->names[dl->name[i]];
	double pct = 100 * pf_count_to_double(dl->total[i]) / pf_count_to_double(o->pg->grand);
	char num[64];
	size_t n;

	esc(o, dn->label, dn->label_len);
	put(o, " (", 2);
	if ((n = fmt_unit(o, dl->total[i], num, sizeof(num))) > 0) {
		put(o, num, n);
	} else {
		put(o, num, fmt_count(dl->total[i], o->pg->factor, num));
		put(o, " ", 1);
		esc(o, o->countname, o->countname_len);
	}
	put(o, ", ", 2);
	put_fixed(o, pct, 2);
	put(o, "%", 1);
	if (o->pg->differential) {
		double d = 100 * o->dl->delta[i] / pf_count_to_double(o->pg->grand);

		if (o->pg->negate)
			d = -d;
		if (fabs(d) < 0.005)
			d = 0;	/* no "-0.00%" */
		printf_(o, "; %s%.2f%%", d > 0 ? "+" : "", d);
	}
	puts_(o, ")");
}

/*
 * What the title cannot say exactly, for pf-collapse to read back: the
 * frame's name as in the input, where the title shows another (annotation
 * stripped, converted from --encoding, bytes replaced), and its count,
 * where the title rounds it or scales it by --factor.  all: both, for a
 * title replaced through --nameattr.
 */
static void
exact(struct out *o, size_t i, int all)
{
	const struct pf_draw_name *dn = &o->dl->names[o->dl->name[i]];
	size_t rn = dn->raw_len;

	if (all || dn->label_len != rn || memcmp(dn->label, dn->raw, rn) != 0) {
		char *e = malloc(rn * 3 + 1);

		if (e == NULL) {
			o->w.failed = 1;
			return;
		}
		puts_(o, " pf:name=\"");
		esc(o, e, pf_percent_encode(dn->raw, rn, e));
		puts_(o, "\"");
		free(e);
	}
	if (all || o->pg->factor != 1 || o->dl->total[i] % PF_COUNT_ONE != 0 ||
	    o->time > 0 || (o->bytes && o->dl->total[i] >= 1024 * PF_COUNT_ONE)) {
		char num[PF_COUNT_BUFSIZE];

		puts_(o, " pf:count=\"");
		put(o, num, pf_count_format(o->dl->total[i], num));
		puts_(o, "\"");
	}
}

static void
frame(struct out *o, const struct pf_metrics *m, size_t i)
{
	const struct pf_draw_list *dl = o->dl;
	const struct pf_draw_name *dn = &dl->names[dl->name[i]];
	const struct attrs *na = o->attrs != NULL ? o->attrs[dl->name[i]] : NULL;
	double y = pf_draw_y(o->pg, dl->depth[i]), w = dl->x2[i] - dl->x1[i];
	size_t fit;
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
		title_text(o, i);
	puts_(o, "</title><rect x=\"");
	put_fixed(o, dl->x1[i], 1);
	puts_(o, "\" y=\"");
	put_fixed(o, y, 1);
	puts_(o, "\" width=\"");
	put_fixed(o, w, 1);
	puts_(o, "\" height=\"");
	put_fixed(o, o->pg->frame_height - 1, 1);
	puts_(o, "\" fill=\"rgb(");
	put_uint(o, dl->fill[i].r);
	put(o, ",", 1);
	put_uint(o, dl->fill[i].g);
	put(o, ",", 1);
	put_uint(o, dl->fill[i].b);
	puts_(o, ")\" rx=\"2\" ry=\"2\"");
	exact(o, i, na != NULL && na->title != NULL);
	puts_(o, "/><text x=\"");
	put_fixed(o, dl->x1[i] + 3, 2);
	puts_(o, "\" y=\"");
	put_fixed(o, y + (o->pg->frame_height - 1) / 2 + o->pg->fontsize / 3 + 0.5, 2);
	puts_(o, "\">");
	fit = pf_metrics_fit(m, dn->label, dn->label_len, w, &cut);
	esc(o, dn->label, fit);
	if (cut)
		puts_(o, "..");
	puts_(o, "</text>");
	if (na != NULL && na->href != NULL)
		puts_(o, "</a>");
	puts_(o, "</g>\n");
}

static void
header(struct out *o)
{
	const struct pf_draw_page *p = o->pg;
	char hidden[PF_COUNT_BUFSIZE];

	puts_(o, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
	    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
	    "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n");
	printf_(o, "<svg version=\"1.1\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
	    "xmlns:pf=\"" PF_SVG_NS "\" pf:fontsize=\"%g\" pf:fontwidth=\"%g\" "
	    "pf:xpad=\"%g\" pf:inverted=\"%d\" pf:nametype=\"",
	    p->width, p->height, p->width, p->height, p->fontsize, p->fontwidth,
	    p->xpad, p->inverted ? 1 : 0);
	esc_user(o, p->nametype);
	/* The samples of the frames left out as too narrow (--minwidth),
	 * so that pf-collapse can say exactly how many it cannot give back. */
	puts_(o, "\" pf:hidden=\"");
	put(o, hidden, pf_count_format(p->hidden, hidden));
	puts_(o, "\">\n<!-- Flame graph drawn by pf-svg " PF_VERSION_STRING
	    ". Hover over a frame for details, click to zoom, Ctrl-F or F3 to search. -->\n");
	if (p->notes != NULL) {
		/* In a <desc> rather than flamegraph.pl's comment: a comment
		 * cannot hold "--", an element holds any escaped text. */
		puts_(o, "<desc id=\"notes\">");
		esc_user(o, p->notes);
		puts_(o, "</desc>\n");
	}
	printf_(o, "<defs>\n<linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
	    "<stop stop-color=\"%s\" offset=\"5%%\"/><stop stop-color=\"%s\" offset=\"95%%\"/>"
	    "</linearGradient>\n</defs>\n", p->bg1, p->bg2);
	puts_(o, "<style type=\"text/css\">\ntext { font-family: ");
	css_font(o, p->fonttype);
	printf_(o, "; font-size: %gpx; fill: rgb(0,0,0); }\n", p->fontsize);
	printf_(o, "#title { text-anchor: middle; font-size: %gpx; }\n", p->fontsize + 5);
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
	printf_(o, "<text id=\"title\" x=\"%g\" y=\"%g\">", p->width / 2, p->fontsize * 2);
	esc_user(o, p->title);
	puts_(o, "</text>\n");
	if (p->subtitle != NULL) {
		printf_(o, "<text id=\"subtitle\" x=\"%g\" y=\"%g\">", p->width / 2,
		    p->fontsize * 4);
		esc_user(o, p->subtitle);
		puts_(o, "</text>\n");
	}
	printf_(o, "<text id=\"details\" x=\"%g\" y=\"%g\"> </text>\n", p->xpad,
	    p->height - p->ypad2 / 2);
}

/* The --nameattr attributes of each name of the list, or NULL for none. */
static const struct attrs **
attrs_by_name(const struct pf_draw_list *dl, const struct pf_nameattr *a)
{
	const struct attrs **by = calloc(dl->nnames + 1, sizeof(*by));
	struct pf_strmap_slot *s;
	size_t i;

	if (by == NULL)
		return NULL;
	for (i = 0; i < dl->nnames; i++) {
		const struct pf_draw_name *dn = &dl->names[i];

		s = pf_strmap_find((struct pf_strmap *)&a->names, dn->raw, dn->raw_len,
		    pf_hash_bytes(dn->raw, dn->raw_len, 0), 0, NULL);
		by[i] = s != NULL ? &a->attr[s->value] : NULL;
	}
	return by;
}

int
pf_render_svg(const struct pf_draw_list *dl, FILE *fp, struct pf_error *err)
{
	const struct pf_draw_page *p = &dl->page;
	struct out o = { { fp, NULL, 0, 1 << 16, 0 }, dl, p, NULL, 0, NULL, 0, 0 };
	struct pf_metrics m;
	size_t i;
	int rc = -1;

	o.w.buf = malloc(o.w.cap);
	o.countname = malloc(strlen(p->countname) * 3 + 1);
	if (o.w.buf == NULL || o.countname == NULL) {
		pf_nomem(err, NULL, 0);
		goto out;
	}
	if (p->nameattr != NULL && p->nameattr->n > 0 &&
	    (o.attrs = attrs_by_name(dl, p->nameattr)) == NULL) {
		pf_nomem(err, NULL, 0);
		goto out;
	}
	o.countname_len = pf_clean_utf8(p->countname, strlen(p->countname), o.countname);
	o.time = strcmp(p->countname, "ns") == 0 ? 1e-9 :
	    strcmp(p->countname, "us") == 0 || strcmp(p->countname, "\xc2\xb5s") == 0 ? 1e-6 :
	    strcmp(p->countname, "ms") == 0 ? 1e-3 : strcmp(p->countname, "s") == 0 ? 1 : 0;
	o.bytes = strcmp(p->countname, "bytes") == 0 || strcmp(p->countname, "B") == 0;
	if (dl->nframes == 0) {
		/* Still a picture, so that a pipeline's output is an SVG. */
		header(&o);
		printf_(&o, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">"
		    "No stack counts found</text>\n</svg>\n", p->width / 2, p->height / 2);
		goto done;
	}
	pf_metrics_init(&m, p);
	header(&o);
	printf_(&o, "<text id=\"unzoom\" class=\"hide\" x=\"%g\" y=\"%g\">Reset Zoom</text>\n",
	    p->xpad, p->fontsize * 2);
	printf_(&o, "<text id=\"search\" x=\"%g\" y=\"%g\">Search</text>\n",
	    p->width - p->xpad - 100, p->fontsize * 2);
	printf_(&o, "<text id=\"ignorecase\" x=\"%g\" y=\"%g\">ic</text>\n",
	    p->width - p->xpad - 16, p->fontsize * 2);
	printf_(&o, "<text id=\"matched\" x=\"%g\" y=\"%g\"> </text>\n",
	    p->width - p->xpad, p->height - p->ypad2 / 2);
	puts_(&o, "<g id=\"frames\">\n");
	for (i = 0; i < dl->nframes; i++)
		frame(&o, &m, i);
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
	free(o.attrs);
	return rc;
}

/* ---------------------------------------------------------------- nameattr */

static int
attr_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':' || c == '.'))
			return 0;
	}
	return 1;
}

static char *
dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Appends ' k="v"' to *buf, v escaped for an attribute. */
static int
append_attr(char **buf, size_t *len, const char *k, size_t kn, const char *v, size_t vn)
{
	size_t cap = *len + kn + vn * 6 + 8, i;
	char *d = realloc(*buf, cap), *o;

	if (d == NULL)
		return -1;
	*buf = d;
	o = d + *len;
	*o++ = ' ';
	memcpy(o, k, kn);
	o += kn;
	*o++ = '=';
	*o++ = '"';
	for (i = 0; i < vn; i++) {
		unsigned char c = (unsigned char)v[i];
		const char *e = NULL;

		switch (c) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		}
		if (e != NULL) {
			memcpy(o, e, strlen(e));
			o += strlen(e);
		} else {
			*o++ = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
	}
	*o++ = '"';
	*o = '\0';
	*len = (size_t)(o - d);
	return 0;
}

void
pf_nameattr_free(struct pf_nameattr *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->attr[i].g_attrs);
		free(a->attr[i].title);
		free(a->attr[i].href);
		free(a->attr[i].target);
	}
	free(a->attr);
	pf_strmap_release(&a->names);
	free(a);
}

/* One line: "NAME<TAB>attr=value<TAB>...". */
static int
nameattr_line(struct pf_nameattr *a, const char *line, size_t len, const char *name,
    uint64_t lineno, struct pf_error *err)
{
	struct pf_strmap_slot *slot;
	struct attrs *na;
	const char *tab, *end = line + len, *p;
	size_t glen;
	int nomem = 0;

	tab = memchr(line, '\t', len);
	if (tab == NULL)
		tab = end;
	slot = pf_strmap_find(&a->names, line, (size_t)(tab - line),
	    pf_hash_bytes(line, (size_t)(tab - line), 0), 1, &nomem);
	if (slot == NULL || pf_grow(&a->attr, &a->cap, a->n + 1, sizeof(*a->attr)) != 0)
		return pf_nomem(err, name, 0);
	if (slot->value == UINT32_MAX) {
		slot->value = (uint32_t)a->n;
		memset(&a->attr[a->n++], 0, sizeof(*a->attr));
	}
	na = &a->attr[slot->value];
	glen = na->g_attrs != NULL ? strlen(na->g_attrs) : 0;
	for (p = tab; p < end; ) {
		const char *q, *eq;
		char **dst = NULL;

		p++;
		q = memchr(p, '\t', (size_t)(end - p));
		if (q == NULL)
			q = end;
		if (q == p) {
			p = q;
			continue;
		}
		eq = memchr(p, '=', (size_t)(q - p));
		if (eq == NULL || !attr_name_ok(p, (size_t)(eq - p)))
			return pf_err(err, name, lineno, "expected attr=value after the name");
		if (eq - p >= 2 && strncasecmp(p, "on", 2) == 0)
			return pf_err(err, name, lineno,
			    "event handler attribute '%.*s' is not allowed",
			    (int)(eq - p), p);
		if (eq - p == 5 && memcmp(p, "title", 5) == 0)
			dst = &na->title;
		else if (eq - p == 4 && memcmp(p, "href", 4) == 0)
			dst = &na->href;
		else if (eq - p == 6 && memcmp(p, "target", 6) == 0)
			dst = &na->target;
		if (dst != NULL) {
			free(*dst);
			if ((*dst = dup_n(eq + 1, (size_t)(q - eq - 1))) == NULL)
				return pf_nomem(err, name, 0);
		} else if (append_attr(&na->g_attrs, &glen, p, (size_t)(eq - p),
		    eq + 1, (size_t)(q - eq - 1)) != 0) {
			return pf_nomem(err, name, 0);
		}
		p = q;
	}
	return 0;
}

struct pf_nameattr *
pf_nameattr_load(struct pf_reader *r, struct pf_error *err)
{
	struct pf_nameattr *a = calloc(1, sizeof(*a));
	const char *line, *name = pf_reader_name(r);
	size_t len;
	int st;

	if (a == NULL || pf_strmap_init(&a->names, 16) != 0) {
		free(a);
		pf_nomem(err, name, 0);
		return NULL;
	}
	while ((st = pf_reader_line(r, &line, &len, err)) != PF_LINE_EOF) {
		if (st != PF_LINE_OK) {
			if (st == PF_LINE_TOOLONG)
				pf_err(err, name, pf_reader_lineno(r), "line too long");
			goto fail;
		}
		if (len > 0 && nameattr_line(a, line, len, name, pf_reader_lineno(r),
		    err) != 0)
			goto fail;
	}
	return a;
fail:
	pf_nameattr_free(a);
	return NULL;
}
