/*
 * html.c - the flame graph as one self-contained HTML page: the laid-out
 * tree as data, plus a canvas viewer (html.js, html.css) compiled in.
 *
 * The data is one JSON object on a line of its own inside a
 * <script type="application/json"> element, which the browser never runs:
 * the page's title and options, the colours of the frame names, and the
 * frames packed (write_frames): the distinct names and the tree in
 * preorder as numbers, gzip'ed, as base64.  User strings (title,
 * subtitle, count name) are JSON strings in which '<', '>', '&' and the
 * line separators U+2028 and U+2029 are \u escapes, and base64 has none of
 * them, so the data cannot end its element; the viewer sets names as DOM
 * text or draws them as canvas text, never as markup.
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
 * Valid UTF-8 without control characters (a user's string
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
 * The frames travel packed: the bytes below, gzip-compressed, as base64 in
 * a JSON string.  A page of a million frames is then under a megabyte
 * instead of ten, and the browser, whose HTML parser reads every byte of
 * the page, opens it several times faster.  Base64 has no '<', '&' or
 * quote, so the data stays inert whatever the names hold.
 */
struct packer {
	struct pf_outbuf *o;
	struct pf_gzip *g;
	unsigned char carry[3];		/* compressed bytes short of a */
	size_t ncarry;			/* base64 group */
};

static void
base64(struct pf_outbuf *o, const unsigned char *b, size_t n)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	char *p;

	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)b[i] << 16 | (uint32_t)b[i + 1] << 8 | b[i + 2];

		p = pf_outbuf_room(o, 4);
		p[0] = digits[v >> 18];
		p[1] = digits[(v >> 12) & 63];
		p[2] = digits[(v >> 6) & 63];
		p[3] = digits[v & 63];
		o->len += 4;
	}
	if (i < n) {
		uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < n ? (uint32_t)b[i + 1] << 8 : 0);

		p = pf_outbuf_room(o, 4);
		p[0] = digits[v >> 18];
		p[1] = digits[(v >> 12) & 63];
		p[2] = i + 1 < n ? digits[(v >> 6) & 63] : '=';
		p[3] = '=';
		o->len += 4;
	}
}

/* The gzip stream's bytes as they come, written as base64 in whole groups
 * of three bytes; the last one or two wait for more, or for the end. */
static void
pack_sink(void *ctx, const unsigned char *b, size_t n)
{
	struct packer *p = ctx;
	size_t whole;

	while (p->ncarry > 0 && p->ncarry < 3 && n > 0) {
		p->carry[p->ncarry++] = *b++;
		n--;
	}
	if (p->ncarry == 3) {
		base64(p->o, p->carry, 3);
		p->ncarry = 0;
	}
	whole = n / 3 * 3;
	base64(p->o, b, whole);
	memcpy(p->carry + p->ncarry, b + whole, n - whole);
	p->ncarry += n - whole;
}

static void
pack(struct packer *p, const void *s, size_t n)
{
	pf_gzip_put(p->g, s, n);
}

/* An unsigned number as LEB128: 7 bits a byte, low first, the high bit
 * set on every byte but the last. */
static void
pack_uint(struct packer *p, uint64_t v)
{
	unsigned char b[10];
	size_t n = 0;

	while (v >= 0x80) {
		b[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (unsigned char)v;
	pack(p, b, n);
}

/*
 * A count: twice its value when it is a whole number below 2^52 (which a
 * JavaScript number holds exactly), else an odd number 2k + 1 that stands
 * for the k-th of the decimal texts that follow the arrays.  Those are
 * kept in extra, NUL-terminated, in the order used.
 */
static void
pack_count(struct packer *p, pf_count c, struct pf_outbuf *extra, uint64_t *nextra)
{
	if ((c >> 64) == 0) {
		uint64_t v = (uint64_t)c, whole = v / 1000000000u;

		if (v - whole * 1000000000u == 0 && whole < ((uint64_t)1 << 52)) {
			pack_uint(p, whole * 2);
			return;
		}
	}
	pack_uint(p, *nextra * 2 + 1);
	(*nextra)++;
	extra->len = (size_t)(pf_put_count(pf_outbuf_room(extra, PF_COUNT_BUFSIZE + 1), c) - extra->buf);
	pf_outbuf_put(extra, "", 1);
}

/* A label, each control character as U+FFFD (there are none in cleaned
 * text: kept out all the same), then a NUL that ends it. */
static void
pack_name(struct packer *p, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			pack(p, s + start, i - start);
			pack(p, "\xef\xbf\xbd", 3);
			start = i + 1;
		}
	}
	pack(p, s + start, n - start);
	pack(p, "", 1);
}

/*
 * The frames as packed bytes (before compression), every number a LEB128:
 * the number of names, then each name in UTF-8 with a NUL after it, in the
 * order the frames first use them; the number of frames; then for each
 * frame in preorder its name id, then for each the number of levels
 * between the previous frame and its parent ("up"), then for each its own
 * count (see pack_count), which includes the counts of children pruned by
 * --minwidth so that the totals add up; a differential graph's "before"
 * own counts next; last, the decimal texts of the counts that are not
 * small whole numbers.
 */
static void
write_frames(const struct pf_draw_list *dl, struct pf_outbuf *o)
{
	struct packer *p = calloc(1, sizeof(*p));
	struct pf_outbuf extra = { NULL, NULL, 0, 1 << 12, 0 };
	char *texts = NULL;
	size_t ntexts = 0;
	uint64_t nextra = 0;
	uint32_t prev_depth = 0;
	size_t i;

	if (p == NULL || (extra.buf = malloc(extra.cap)) == NULL ||
	    (extra.f = open_memstream(&texts, &ntexts)) == NULL) {
		o->failed = 1;
		free(extra.buf);
		free(p);
		return;
	}
	p->o = o;
	if ((p->g = pf_gzip_new(-1, pack_sink, p)) == NULL) {
		o->failed = 1;
		goto out;
	}
	pack_uint(p, dl->nnames);
	for (i = 0; i < dl->nnames; i++)
		pack_name(p, dl->names[i].label, dl->names[i].label_len);
	pack_uint(p, dl->nframes);
	for (i = 0; i < dl->nframes; i++)
		pack_uint(p, dl->name[i]);
	for (i = 0; i < dl->nframes; i++) {
		uint32_t d = dl->depth[i];

		pack_uint(p, i == 0 ? 0 : prev_depth + 1 - d);
		prev_depth = d;
	}
	for (i = 0; i < dl->nframes; i++)
		pack_count(p, dl->self[i], &extra, &nextra);
	if (dl->page.differential)
		for (i = 0; i < dl->nframes; i++)
			pack_count(p, dl->before_self[i], &extra, &nextra);
	pf_outbuf_flush(&extra);
	if (fflush(extra.f) != 0 || extra.failed)
		o->failed = 1;
	else
		pack(p, texts, ntexts);
	if (pf_gzip_finish(p->g) != 0)
		o->failed = 1;
	base64(o, p->carry, p->ncarry);
	pf_gzip_free(p->g);
out:
	fclose(extra.f);
	free(texts);
	free(extra.buf);
	free(p);
}

/*
 * The data: what the page shows about the graph as a whole, the colours
 * of the names, and the frames (write_frames).
 */
static void
write_data(const struct pf_draw_list *dl, struct pf_outbuf *o)
{
	const struct pf_draw_page *pg = &dl->page;
	size_t i;

	pf_outbuf_puts(o, "{\"version\":2,\"title\":");
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
	/* Colours by name, the fill of each name's first frame; a
	 * differential graph's are made by the viewer. */
	pf_outbuf_puts(o, ",\n\"colors\":\"");
	for (i = 0; i < dl->nnames && !pg->differential; i++) {
		const struct pf_rgb *c = &dl->names[i].fill;

		hex2(o, c->r);
		hex2(o, c->g);
		hex2(o, c->b);
	}
	pf_outbuf_puts(o, "\",\n\"frames\":\"");
	write_frames(dl, o);
	pf_outbuf_puts(o, "\"}");
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
