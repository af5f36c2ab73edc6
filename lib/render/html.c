/*
 * html.c - the flame graph as one self-contained HTML page: the laid-out
 * tree as data, plus a canvas viewer (html.js, html.css) compiled in.
 *
 * The data is one JSON object on a line of its own inside a
 * <script type="application/json"> element, which the browser never runs:
 * a table of the distinct frame names, their colours, and the tree in
 * preorder as numeric arrays (name id, how many levels to go up before
 * the frame, its own count).  Frame names are untrusted text; they reach
 * the page only as JSON strings in which '<', '>', '&' and the line
 * separators U+2028 and U+2029 are \u escapes, so the data cannot end its
 * element, and the viewer sets them as DOM text or draws them as canvas
 * text, never as markup.
 */
#include <errno.h>
#include <stdlib.h>

#include "render/render.h"

/* lib/render/html.js and html.css as C strings, made by the Makefile. */
static const char script[] =
#include "render/html.js.inc"
    ;
static const char style[] =
#include "render/html.css.inc"
    ;

/*
 * Valid UTF-8 without control characters (a label, or a user's string
 * after pf_clean_utf8()) as the inside of a JSON string that is also safe
 * inside an HTML <script> element.
 */
static void
json_text(struct pf_outbuf *o, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e;
		size_t skip = 1;

		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '<': e = "\\u003c"; break;
		case '>': e = "\\u003e"; break;
		case '&': e = "\\u0026"; break;
		case 0xe2:
			/* U+2028 and U+2029 end a line in older JavaScript. */
			if (i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
				e = (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
				skip = 3;
				break;
			}
			continue;
		default:
			if (c < 0x20 || c == 0x7f) {
				/* Not in cleaned text; kept out all the same. */
				e = "\\ufffd";
				break;
			}
			continue;
		}
		pf_outbuf_put(o, s + start, i - start);
		pf_outbuf_puts(o, e);
		i += skip - 1;
		start = i + 1;
	}
	pf_outbuf_put(o, s + start, n - start);
}

/* A user's string as a JSON string (with its quotes). */
static void
json_user(struct pf_outbuf *o, const char *s)
{
	size_t n;
	char *c;

	if (s == NULL) {
		pf_outbuf_puts(o, "null");
		return;
	}
	n = strlen(s);
	if ((c = malloc(n * 3 + 1)) == NULL) {
		o->failed = 1;
		return;
	}
	pf_outbuf_put(o, "\"", 1);
	json_text(o, c, pf_clean_utf8(s, n, c));
	pf_outbuf_put(o, "\"", 1);
	free(c);
}

/* A user's string as HTML text (the page's <title>). */
static void
html_user(struct pf_outbuf *o, const char *s)
{
	size_t n = strlen(s), i, len;
	char *c = malloc(n * 3 + 1);

	if (c == NULL) {
		o->failed = 1;
		return;
	}
	len = pf_clean_utf8(s, n, c);
	for (i = 0; i < len; i++) {
		switch (c[i]) {
		case '&': pf_outbuf_puts(o, "&amp;"); break;
		case '<': pf_outbuf_puts(o, "&lt;"); break;
		case '>': pf_outbuf_puts(o, "&gt;"); break;
		case '"': pf_outbuf_puts(o, "&quot;"); break;
		default: pf_outbuf_put(o, c + i, 1); break;
		}
	}
	free(c);
}

static void
hex2(struct pf_outbuf *o, uint8_t v)
{
	static const char digits[] = "0123456789abcdef";
	char t[2] = { digits[v >> 4], digits[v & 15] };

	pf_outbuf_put(o, t, 2);
}

/*
 * The data: names in the order the frames first use them, and for each
 * frame drawn, in preorder: its name id, the number of levels between the
 * previous frame and its parent ("up"), and its own count, which includes
 * the counts of children pruned by --minwidth so that the totals add up.
 * Each array is written straight from the draw list, a frame at a time.
 */
static void
write_data(const struct pf_draw_list *dl, struct pf_outbuf *o)
{
	const struct pf_draw_page *pg = &dl->page;
	uint32_t prev_depth = 0;
	size_t i;
	char *p;

	pf_outbuf_puts(o, "{\"version\":1,\"title\":");
	json_user(o, pg->title);
	pf_outbuf_puts(o, ",\"subtitle\":");
	json_user(o, pg->subtitle);
	pf_outbuf_puts(o, ",\"countname\":");
	json_user(o, pg->countname);
	pf_outbuf_puts(o, ",\"inverted\":");
	pf_outbuf_puts(o, pg->inverted ? "true" : "false");
	pf_outbuf_puts(o, ",\"reversed\":");
	pf_outbuf_puts(o, pg->reversed ? "true" : "false");
	pf_outbuf_puts(o, ",\"flamechart\":");
	pf_outbuf_puts(o, pg->flamechart ? "true" : "false");
	pf_outbuf_puts(o, ",\"differential\":");
	pf_outbuf_puts(o, pg->differential ? "true" : "false");
	pf_outbuf_puts(o, ",\"negate\":");
	pf_outbuf_puts(o, pg->negate ? "true" : "false");
	pf_outbuf_puts(o, ",\"diffmode\":");
	pf_outbuf_puts(o, pg->diff_mode == PF_DIFF_INCLUSIVE ? "\"inclusive\"" : "\"self\"");
	pf_outbuf_puts(o, ",\"grand\":");
	pf_outbuf_count(o, pg->grand);
	pf_outbuf_puts(o, ",\"names\":[");
	for (i = 0; i < dl->nnames; i++) {
		if (i > 0)
			pf_outbuf_put(o, ",", 1);
		pf_outbuf_put(o, "\"", 1);
		json_text(o, dl->names[i].label, dl->names[i].label_len);
		pf_outbuf_put(o, "\"", 1);
	}
	/* Colours by name, the fill of each name's first frame; a
	 * differential graph's are made by the viewer. */
	pf_outbuf_puts(o, "],\n\"colors\":\"");
	for (i = 0; i < dl->nnames && !pg->differential; i++) {
		const struct pf_rgb *c = &dl->names[i].fill;

		hex2(o, c->r);
		hex2(o, c->g);
		hex2(o, c->b);
	}
	pf_outbuf_puts(o, "\",\n\"name\":[");
	for (i = 0; i < dl->nframes; i++) {
		p = pf_outbuf_room(o, 24);
		if (i > 0)
			*p++ = ',';
		p = pf_put_u64(p, dl->name[i]);
		o->len = (size_t)(p - o->buf);
	}
	pf_outbuf_puts(o, "],\n\"up\":[");
	for (i = 0; i < dl->nframes; i++) {
		uint32_t d = dl->depth[i];

		p = pf_outbuf_room(o, 24);
		if (i > 0)
			*p++ = ',';
		p = pf_put_u64(p, i == 0 ? 0 : prev_depth + 1 - d);
		o->len = (size_t)(p - o->buf);
		prev_depth = d;
	}
	pf_outbuf_puts(o, "],\n\"self\":[");
	for (i = 0; i < dl->nframes; i++) {
		p = pf_outbuf_room(o, PF_COUNT_BUFSIZE + 1);
		if (i > 0)
			*p++ = ',';
		p = pf_put_count(p, dl->self[i]);
		o->len = (size_t)(p - o->buf);
	}
	pf_outbuf_puts(o, "]");
	if (pg->differential) {
		pf_outbuf_puts(o, ",\n\"before\":[");
		for (i = 0; i < dl->nframes; i++) {
			p = pf_outbuf_room(o, PF_COUNT_BUFSIZE + 1);
			if (i > 0)
				*p++ = ',';
			p = pf_put_count(p, dl->before_self[i]);
			o->len = (size_t)(p - o->buf);
		}
		pf_outbuf_puts(o, "]");
	}
	pf_outbuf_puts(o, "}");
}

int
pf_render_html(const struct pf_draw_list *dl, FILE *fp, struct pf_error *err)
{
	struct pf_outbuf o = { fp, NULL, 0, 1 << 16, 0 };
	const char *title = dl->page.title;
	int rc = -1;

	if ((o.buf = malloc(o.cap)) == NULL)
		return pf_nomem(err, NULL, 0);
	/* The policy forbids every fetch: whatever a page holds, it cannot
	 * reach the network. */
	pf_outbuf_puts(&o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"pf-html " PF_VERSION_STRING "\">\n<title>");
	html_user(&o, title);
	pf_outbuf_puts(&o, "</title>\n<style>\n");
	pf_outbuf_put(&o, style, sizeof(style) - 1);
	pf_outbuf_puts(&o, "</style>\n</head>\n<body>\n<noscript>This flame graph needs "
	    "JavaScript.</noscript>\n<script type=\"application/json\" id=\"pf-data\">\n");
	if (dl->nframes == 0) {
		/* Still a page, so that a pipeline's output opens. */
		pf_outbuf_puts(&o, "{\"version\":1,\"title\":");
		json_user(&o, title);
		pf_outbuf_puts(&o, ",\"empty\":true}");
	} else {
		write_data(dl, &o);
	}
	pf_outbuf_puts(&o, "\n</script>\n<script>\n");
	pf_outbuf_put(&o, script, sizeof(script) - 1);
	pf_outbuf_puts(&o, "</script>\n</body>\n</html>\n");
	pf_outbuf_flush(&o);
	if (o.failed || fflush(fp) != 0) {
		pf_errc(err, PF_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(o.buf);
	return rc;
}
