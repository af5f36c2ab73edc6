/*
 * test-svg.c - pf-svg's SVG read back with libxml2: well-formed, one <g>
 * per frame with <title>, <rect> and <text>, names escaped and cleaned,
 * nothing executable but the one embedded script, and the same bytes for
 * the same stacks in any input order.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int failed;

static void
check(int ok, const char *name)
{
	printf("%s %s\n", ok ? "ok" : "not ok", name);
	if (!ok)
		failed = 1;
}

/* Renders folded text with the given options; returns a malloc'ed SVG. */
static char *
render(const char *folded, const struct pf_flame_options *o, size_t *len)
{
	struct pf_error err = { 0 };
	struct pf_reader *r = pf_reader_mem("test", folded, strlen(folded));
	struct pf_flame *f = pf_flame_new(o, &err);
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);

	if (f == NULL || r == NULL || out == NULL ||
	    pf_flame_read_folded(f, r, &err) != 0 ||
	    pf_flame_write(f, PF_OUTPUT_SVG, out, &err) != 0)
		printf("# render: %s\n", err.msg);
	if (out != NULL)
		fclose(out);
	pf_reader_free(r);
	pf_flame_free(f);
	return buf;
}

static xmlDocPtr
parse(const char *svg, size_t len)
{
	/* No network, no external DTD: the document must stand alone. */
	return xmlReadMemory(svg, (int)len, "test.svg", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static int nscripts, nhandlers;

/* Counts <script> elements and on* attributes anywhere. */
static void
walk(xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		xmlAttrPtr a;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcasecmp(n->name, BAD_CAST "script") == 0)
			nscripts++;
		for (a = n->properties; a != NULL; a = a->next)
			if (xmlStrncasecmp(a->name, BAD_CAST "on", 2) == 0)
				nhandlers++;
		walk(n->children);
	}
}

static xmlNodePtr
by_id(xmlNodePtr n, const char *id)
{
	for (; n != NULL; n = n->next) {
		xmlChar *v;
		xmlNodePtr r;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		v = xmlGetProp(n, BAD_CAST "id");
		if (v != NULL && strcmp((char *)v, id) == 0) {
			xmlFree(v);
			return n;
		}
		xmlFree(v);
		if ((r = by_id(n->children, id)) != NULL)
			return r;
	}
	return NULL;
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* The frames' titles, joined by '\n', and their number. */
static char *
titles(xmlDocPtr doc, int *nframes, int *complete)
{
	xmlNodePtr frames = by_id(xmlDocGetRootElement(doc), "frames"), g;
	size_t cap = 1, used = 0;
	char *s = calloc(1, 1);

	*nframes = 0;
	*complete = frames != NULL;
	if (frames == NULL)
		return s;
	for (g = frames->children; g != NULL; g = g->next) {
		xmlNodePtr t;
		xmlChar *c;
		size_t n;

		if (g->type != XML_ELEMENT_NODE)
			continue;
		(*nframes)++;
		t = child(g, "title");
		if (t == NULL || child(g, "rect") == NULL || child(g, "text") == NULL ||
		    strcmp((const char *)g->name, "g") != 0) {
			*complete = 0;
			continue;
		}
		c = xmlNodeGetContent(t);
		n = strlen((char *)c);
		s = realloc(s, cap += n + 1);
		memcpy(s + used, c, n);
		used += n;
		s[used++] = '\n';
		s[used] = '\0';
		xmlFree(c);
	}
	return s;
}

static const char hostile[] =
    "main;</script><script>alert(1)</script> 5\n"
    "main;\"><img src=x onerror=alert(1)> 3\n"
    "main;]]> 2\n"
    "main;'-alert(1)-' 4\n"
    "main;<![CDATA[x]]> 1\n"
    "main;&amp &#60 &lt 1\n"
    "main;bad\xff\x01\x1b[31m\xc3 2\n"
    "main;x_[k] 1\n";

static void
test_hostile(void)
{
	struct pf_flame_options o;
	size_t len;
	char *svg, *t;
	xmlDocPtr doc;
	int n, complete;

	pf_flame_options_init(&o);
	o.font_metrics = 0;
	svg = render(hostile, &o, &len);
	doc = parse(svg, len);
	check(doc != NULL, "hostile names: the SVG is well-formed XML");
	if (doc == NULL) {
		free(svg);
		return;
	}
	nscripts = nhandlers = 0;
	walk(xmlDocGetRootElement(doc));
	check(nscripts == 1, "hostile names: exactly one <script>, the embedded one");
	check(nhandlers == 0, "hostile names: no on* attributes anywhere");
	t = titles(doc, &n, &complete);
	check(n == 10 && complete, "hostile names: a <g> with title, rect and text per frame");
	check(strstr(t, "</script><script>alert(1)</script> (5 samples, 26.32%)\n") != NULL,
	    "hostile names: </script> name shown as text in its title");
	check(strstr(t, "\"><img src=x onerror=alert(1)> (3 samples, 15.79%)\n") != NULL,
	    "hostile names: attribute-breaking name shown as text");
	check(strstr(t, "]]> (2 samples") != NULL && strstr(t, "'-alert(1)-' (4 samples") != NULL,
	    "hostile names: ]]> and quote names shown as text");
	check(strstr(t, "&amp &#60 &lt (1 samples") != NULL,
	    "hostile names: entity-like names not decoded");
	check(strstr(t, "bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd[31m\xef\xbf\xbd (2 samples") != NULL,
	    "hostile names: control bytes and invalid UTF-8 replaced by U+FFFD");
	check(strstr(t, "\nx (1 samples") != NULL, "annotation stripped from the title");
	check(strstr(svg, "alert(1)</script>") == NULL && strstr(svg, "<img") == NULL,
	    "hostile names: no raw markup from names in the bytes");
	free(t);
	xmlFreeDoc(doc);
	free(svg);
}

static void
test_empty(void)
{
	struct pf_flame_options o;
	size_t len;
	char *svg;
	xmlDocPtr doc;

	pf_flame_options_init(&o);
	svg = render("", &o, &len);
	doc = parse(svg, len);
	check(doc != NULL && strstr(svg, "No stack counts found") != NULL,
	    "empty input: a valid SVG that says so");
	xmlFreeDoc(doc);
	free(svg);
}

static void
test_diff(void)
{
	struct pf_flame_options o;
	size_t len;
	char *svg, *t;
	xmlDocPtr doc;
	int n, complete;

	pf_flame_options_init(&o);
	svg = render("a;b 10 30\na;c 30 10\n", &o, &len);
	doc = parse(svg, len);
	t = doc != NULL ? titles(doc, &n, &complete) : NULL;
	check(t != NULL && strstr(t, "b (30 samples, 75.00%; +50.00%)") != NULL &&
	    strstr(t, "c (10 samples, 25.00%; -50.00%)") != NULL,
	    "differential: width from the second column, delta in the title");
	free(t);
	xmlFreeDoc(doc);
	free(svg);
}

/* Sorted input takes the shared-prefix path; shuffled input the lookups.
 * Both must draw the same graph. */
static void
test_order(void)
{
	struct pf_flame_options o;
	char *sorted, *shuffled, *s1, *s2, *lines[400];
	size_t n = 0, i, l1, l2, used = 0;
	uint64_t x = 42;

	sorted = calloc(1, 400 * 64);
	shuffled = calloc(1, 400 * 64);
	for (i = 0; i < 400; i++) {
		char line[64];
		int k = snprintf(line, sizeof(line), "r%zu;m%zu;l%zu%s %zu\n", i % 3,
		    (i / 3) % 5, i % 7, i % 2 ? ";z" : "", i + 1);

		lines[n] = strdup(line);
		memcpy(sorted + used, line, (size_t)k);
		used += (size_t)k;
		n++;
	}
	for (i = n; i > 1; i--) {
		size_t j;
		char *t;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (size_t)(x >> 33) % i;
		t = lines[i - 1];
		lines[i - 1] = lines[j];
		lines[j] = t;
	}
	used = 0;
	for (i = 0; i < n; i++) {
		size_t k = strlen(lines[i]);

		memcpy(shuffled + used, lines[i], k);
		used += k;
		free(lines[i]);
	}
	pf_flame_options_init(&o);
	o.font_metrics = 0;
	s1 = render(sorted, &o, &l1);
	s2 = render(shuffled, &o, &l2);
	check(l1 == l2 && memcmp(s1, s2, l1) == 0,
	    "input order does not change the graph (shared prefixes vs lookups)");
	free(s1);
	free(s2);
	s1 = render(sorted, &o, &l1);
	s2 = render(sorted, &o, &l2);
	check(l1 == l2 && memcmp(s1, s2, l1) == 0, "the same input gives the same bytes");
	free(s1);
	free(s2);
	free(sorted);
	free(shuffled);
}

static void
test_script(void)
{
	struct pf_flame_options o;
	size_t len;
	char *svg, *a, *b;

	pf_flame_options_init(&o);
	svg = render("a 1\n", &o, &len);
	a = strstr(svg, "<![CDATA[");
	b = a != NULL ? strstr(a, "]]>") : NULL;
	check(a != NULL && b != NULL && strstr(b + 3, "]]>") == NULL,
	    "the script's CDATA section ends once, at its end");
	/* The namespace of pf's attributes is written once in C (PF_SVG_NS,
	 * which pf-collapse reads back) and once in the script. */
	check(strstr(svg, "xmlns:pf=\"" PF_SVG_NS "\"") != NULL && a != NULL &&
	    strstr(a, "var NS = \"" PF_SVG_NS "\";") != NULL,
	    "the SVG and its script agree on the namespace of pf's attributes");
	check(a != NULL && strstr(svg, "http://") != NULL &&
	    strstr(a, "fetch(") == NULL && strstr(a, "XMLHttpRequest") == NULL &&
	    strstr(a, "eval(") == NULL && strstr(a, "innerHTML") == NULL,
	    "the script fetches nothing and evaluates nothing");
	free(svg);
}

/* A profile read by pf_folded_read() draws what the folded text draws. */
static void
test_profile(void)
{
	const char *text = "b;c 2\na;x 1\na 0.5\nb;c;d 3\n";
	struct pf_error err = { 0 };
	struct pf_flame_options o;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_mem("t", text, strlen(text));
	struct pf_flame *f;
	char *a, *b = NULL;
	size_t la, lb = 0;
	FILE *out;

	pf_flame_options_init(&o);
	o.font_metrics = 0;
	a = render(text, &o, &la);
	f = pf_flame_new(&o, &err);
	out = open_memstream(&b, &lb);
	if (pf_folded_read(p, r, &err) != 0 || f == NULL ||
	    pf_flame_add_profile(f, p, &err) != 0 ||
	    pf_flame_write(f, PF_OUTPUT_SVG, out, &err) != 0)
		printf("# %s\n", err.msg);
	fclose(out);
	check(la == lb && memcmp(a, b, la) == 0,
	    "a pf_profile draws the same graph as its folded text");
	pf_flame_free(f);
	pf_reader_free(r);
	pf_profile_free(p);
	free(a);
	free(b);
}

/* Labels measured through cairo: a wide frame keeps its name, a narrow
 * one is cut with "..", one too narrow for that has none. */
static void
test_metrics(void)
{
	struct pf_flame_options o;
	size_t len;
	char *svg;

	pf_flame_options_init(&o);
	o.width = 420;
	svg = render("m;a_long_function_name_here 60\nm;another_long_function_name 3\n"
	    "m;tiny 1\nm;narrow_but_named 12\n", &o, &len);
	check(strstr(svg, ">a_long_function_name_here</text>") != NULL,
	    "font metrics: a label that fits is whole");
	check(strstr(svg, "..</text>") != NULL && strstr(svg, ">narrow_but_named</text>") == NULL,
	    "font metrics: a label that does not fit is cut with ..");
	check(strstr(svg, "\">another") == NULL && strstr(svg, "\">tiny<") == NULL,
	    "font metrics: frames too narrow get no label");
	free(svg);
}

int
main(void)
{
	xmlInitParser();
	test_hostile();
	test_empty();
	test_diff();
	test_order();
	test_script();
	test_profile();
	test_metrics();
	xmlCleanupParser();
	return failed;
}
