/*
 * svg.c - folded stacks recovered from a flame graph SVG (flamegraph.pl,
 * inferno, pf-svg), read with libxml2.
 *
 * Each frame of such a graph is a <g> holding a <title> "NAME (N samples,
 * P%)" (the unit word may be another --countname) and a <rect> whose y
 * gives its depth and whose x and width its place.  inferno also writes the
 * exact position and count in samples as fg:x and fg:w; they are used when
 * present.  The frames form a tree: a frame's parent is the frame one level
 * nearer the root whose span holds it.  A frame's own weight is its count
 * minus its children's; the stack of every frame with weight of its own is
 * written, without the "all" root the tools add.
 *
 * pf-svg writes what its titles cannot say exactly in its own namespace:
 * pf:name, the frame's name as in its input where the title shows another
 * (an annotation such as "_[k]" stripped, bytes that XML cannot carry
 * replaced; here they are %XX), pf:count, the exact count where the title
 * rounds or scales it, and on the root pf:hidden, the samples of the frames
 * it left out as too narrow.  They are preferred when present.
 *
 * Graphs drawn with narrow frames left out (flamegraph.pl --minwidth, on by
 * default at 0.1 px) cannot be recovered exactly: the hidden frames' samples
 * look like their parent's own, and stay with the parent.  pf-svg says how
 * many there were; for the others the geometry gives a lower bound, for
 * the note the program prints.  flamegraph.pl and inferno lay a frame's
 * own samples out first (its stack sorts before its children's), so room
 * left after or between the drawn children can only be hidden frames;
 * pf-svg lays them out last, so there it is room before or between them.
 * Gaps within the rounding of the printed coordinates are not counted.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdlib.h>

#include "xml.h"

#define PF_NS ((const xmlChar *)PF_SVG_NS)

struct frame {
	uint32_t name;
	pf_count count;
	double x, w, y;
	size_t depth, parent;
	pf_count children;	/* sum of the children's counts */
	double first_child;	/* left edge of the first child drawn */
	double end_children;	/* right edge of the last child drawn */
	double gaps;		/* room between children beyond rounding */
	int nchildren;
};

struct svg {
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	struct frame *f;
	size_t nf, cap;
	/* Gaps narrower than this are rounding (flamegraph.pl writes x and
	 * width to 0.1 px), not hidden frames; 0 with inferno's exact fg:x
	 * and fg:w. */
	double slack;
	int decimals;		/* the most in an x or width read */
	size_t exact;		/* frames with fg:x and fg:w */
	int own_last;		/* pf-svg's layout: own samples after children */
	int pf_hidden;		/* pf:hidden was read into hidden */
	pf_count hidden;
	pf_count unnamed;	/* samples of a lone frame with no name */
	/* The widest inferno frame whose title is not its fg:w: the graph
	 * was drawn with --factor (0: none seen). */
	double factor_w;
	pf_count factor_title;
};

/* Adds a sentence to the note for the user ("; " between two). */
static void __attribute__((format(printf, 2, 3)))
note(struct svg *s, const char *fmt, ...)
{
	size_t used = strlen(s->st->note);
	va_list ap;

	if (used > 0 && used + 2 < sizeof(s->st->note)) {
		memcpy(s->st->note + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(s->st->note + used, sizeof(s->st->note) - used, fmt, ap);
	va_end(ap);
}

/* The digits after the point of a number ("12.34" -> 2). */
static int
decimals(const char *s)
{
	const char *dot = strchr(s, '.');
	int d = 0;

	if (dot == NULL)
		return 0;
	for (dot++; *dot >= '0' && *dot <= '9'; dot++)
		d++;
	return d;
}

static int
attr_num(xmlNode *n, const char *prefix, const char *name, double *v, int *dec)
{
	xmlAttr *a;
	char *end;

	for (a = n->properties; a != NULL; a = a->next) {
		const char *pfx = a->ns != NULL && a->ns->prefix != NULL ?
		    (const char *)a->ns->prefix : NULL;
		xmlChar *val;

		if (strcmp((const char *)a->name, name) != 0 ||
		    (prefix == NULL) != (pfx == NULL) ||
		    (prefix != NULL && strcmp(prefix, pfx) != 0))
			continue;
		val = xmlNodeGetContent((xmlNode *)a);
		if (val == NULL)
			return -1;
		/* inferno writes x and width in percent: the ratios are what
		 * matter, so "%" is ignored. */
		*v = strtod((const char *)val, &end);
		if (dec != NULL && decimals((const char *)val) > *dec)
			*dec = decimals((const char *)val);
		xmlFree(val);
		return isfinite(*v) ? 0 : -1;
	}
	return -1;
}

/* "NAME (1,234 samples, 5.6%)": the name's length and the count. */
static int
parse_title(const char *t, size_t *nlen, pf_count *c)
{
	const char *open = NULL, *q, *e;
	char digits[64];
	size_t k = 0;

	for (q = t; (q = strstr(q, " (")) != NULL; q++)
		open = q;
	if (open == NULL)
		return -1;
	*nlen = (size_t)(open - t);
	for (q = open + 2; *q != '\0' && *q != ' ' && *q != ')' && k + 1 < sizeof(digits); q++)
		if (*q != ',')
			digits[k++] = *q;
	e = q;
	if (k == 0 || pf_count_parse(digits, k, c) != PF_COUNT_OK || *e == '\0')
		return -1;
	return 0;
}

/* A pf: count attribute of n into *c: 1 when present and valid. */
static int
pf_count_attr(xmlNode *n, const char *name, pf_count *c)
{
	xmlChar *v = xmlGetNsProp(n, (const xmlChar *)name, PF_NS);
	int ok;

	if (v == NULL)
		return 0;
	ok = pf_count_parse((const char *)v, strlen((const char *)v), c) == PF_COUNT_OK;
	xmlFree(v);
	return ok;
}

/* A frame's first <title> and <rect>, also inside a link (--nameattr's
 * href wraps them in an <a>). */
static void
parts(xmlNode *g, xmlNode **title, xmlNode **rect, int in_link)
{
	xmlNode *c;

	for (c = g->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (*title == NULL && strcmp((const char *)c->name, "title") == 0)
			*title = c;
		else if (*rect == NULL && strcmp((const char *)c->name, "rect") == 0)
			*rect = c;
		else if (!in_link && strcmp((const char *)c->name, "a") == 0)
			parts(c, title, rect, 1);
	}
}

/*
 * flamegraph.pl before 2013 wrote no <title>: the text is the argument of
 * the handler, onmouseover="s('NAME (N samples, P%)')", on the frame's <g>
 * or, earlier still, on its <rect>.  Returns it, with the script's \' and
 * \\ undone, or NULL.
 */
static xmlChar *
mouseover_text(xmlNode *g)
{
	xmlChar *v = xmlGetProp(g, (const xmlChar *)"onmouseover");
	size_t n, i, o = 0;
	char *t;

	if (v == NULL)
		return NULL;
	t = (char *)v;
	n = strlen(t);
	if (n < 5 || memcmp(t, "s('", 3) != 0 || memcmp(t + n - 2, "')", 2) != 0) {
		xmlFree(v);
		return NULL;
	}
	for (i = 3; i < n - 2; i++) {
		if (t[i] == '\\' && i + 1 < n - 2)
			i++;
		t[o++] = t[i];
	}
	t[o] = '\0';
	return v;
}

static int
add_frame(struct svg *s, xmlNode *g)
{
	xmlNode *title = NULL, *rect = NULL;
	xmlChar *text, *pfname;
	struct frame *f;
	char *name;
	size_t nlen = 0, i;
	double fx, fw;
	int rc = 0, titled, counted;

	if (strcmp((const char *)g->name, "rect") == 0)
		rect = g;	/* the oldest graphs: a <rect> with the handler */
	else
		parts(g, &title, &rect, 0);
	if (rect == NULL)
		return 0;
	if (pf_grow(&s->f, &s->cap, s->nf + 1, sizeof(*s->f)) != 0)
		return pf_nomem(s->err, s->name, 0);
	f = &s->f[s->nf];
	memset(f, 0, sizeof(*f));
	text = title != NULL ? xmlNodeGetContent(title) : mouseover_text(g);
	if (text == NULL)
		return 0;
	pfname = xmlGetNsProp(rect, (const xmlChar *)"name", PF_NS);
	titled = parse_title((const char *)text, &nlen, &f->count) == 0;
	counted = pf_count_attr(rect, "count", &f->count);
	/* Not a frame (a legend, a button) without a count and a name. */
	if ((!titled && !(counted && pfname != NULL)) ||
	    attr_num(rect, NULL, "y", &f->y, NULL) != 0)
		goto out;
	if (attr_num(rect, "fg", "x", &fx, NULL) == 0 &&
	    attr_num(rect, "fg", "w", &fw, NULL) == 0) {
		f->x = fx;
		f->w = fw;
		s->exact++;
		/* inferno's fg:w is the frame's samples, exactly; its title
		 * shows them times --factor, rounded. */
		if (!counted && fw >= 0 && fw < 1e18 && fw == floor(fw)) {
			if (titled && f->count != pf_count_from_u64((uint64_t)fw) &&
			    fw > s->factor_w) {
				s->factor_w = fw;
				s->factor_title = f->count;
			}
			f->count = pf_count_from_u64((uint64_t)fw);
		}
	} else if (attr_num(rect, NULL, "x", &f->x, &s->decimals) != 0 ||
	    attr_num(rect, NULL, "width", &f->w, &s->decimals) != 0) {
		goto out;
	}
	name = (char *)text;
	if (pfname != NULL) {
		name = (char *)pfname;
		nlen = pf_percent_decode(name, strlen(name));
	}
	for (i = 0; i < nlen; i++)
		if (name[i] == ';' || name[i] == '\n')
			name[i] = name[i] == ';' ? ':' : ' ';
	f->name = pf_profile_intern(s->p, name, nlen);
	if (f->name == UINT32_MAX)
		rc = pf_nomem(s->err, s->name, 0);
	else
		s->nf++;
out:
	xmlFree(pfname);
	xmlFree(text);
	return rc;
}

static int
walk(struct svg *s, xmlNode *n, int depth)
{
	xmlNode *c;

	if (depth > 64)
		return 0;
	for (c = n; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((strcmp((const char *)c->name, "g") == 0 ||
		    (strcmp((const char *)c->name, "rect") == 0 &&
		    xmlHasProp(c, (const xmlChar *)"onmouseover") != NULL)) &&
		    add_frame(s, c) != 0)
			return -1;
		if (walk(s, c->children, depth + 1) != 0)
			return -1;
	}
	return 0;
}

static int
cmp_depth_x(const void *a, const void *b)
{
	const struct frame *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return (x->x > y->x) - (x->x < y->x);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Whether the root row is the bottom one (a flame graph) rather than the
 * top one (an icicle graph), from the geometry: the row that holds a
 * single frame "all", which the tools add, is the root's; else the root's
 * row is the wider of the two, as every row is at most as wide as the row
 * nearer the root; a graph whose end rows are as wide (a single chain) is
 * read as a flame graph, what the tools draw unless told otherwise.  The
 * widest frame says nothing: a root's only child is as wide.
 */
static int
root_at_bottom(const struct svg *s, const double *ys, size_t nys)
{
	double wtop = 0, wbot = 0;
	int ntop = 0, nbot = 0, alltop = 0, allbot = 0;
	size_t i, len;
	const char *nm;

	for (i = 0; i < s->nf; i++) {
		const struct frame *f = &s->f[i];
		int top = f->y == ys[0], bot = f->y == ys[nys - 1];

		if (!top && !bot)
			continue;
		nm = pf_profile_frame(s->p, f->name, &len);
		if (top) {
			wtop += f->w;
			ntop++;
			alltop = len == 3 && memcmp(nm, "all", 3) == 0;
		}
		if (bot) {
			wbot += f->w;
			nbot++;
			allbot = len == 3 && memcmp(nm, "all", 3) == 0;
		}
	}
	if (nys > 1 && (allbot && nbot == 1) != (alltop && ntop == 1))
		return allbot && nbot == 1;
	return wbot >= wtop;
}

/*
 * Titles round counts that are not whole (flamegraph.pl --countname=ms of
 * fractional input: "23 ms" over children of "1 ms" and "23 ms"), so the
 * children of a frame can add up to more than it.  Their counts, and so
 * their subtrees', are then scaled down to fit, the last child taking what
 * the others leave, so that the total stays the root's.  Frames come after
 * their parents in s->f.  Returns -1 when memory runs out.
 */
static int
fit_rounded(struct svg *s)
{
	pf_count *given = calloc(s->nf + 1, sizeof(*given));
	size_t *last = malloc((s->nf + 1) * sizeof(*last)), i, nfit = 0;

	if (given == NULL || last == NULL) {
		free(given);
		free(last);
		return -1;
	}
	for (i = 0; i < s->nf; i++)
		last[i] = SIZE_MAX;
	for (i = 0; i < s->nf; i++)
		if (s->f[i].parent != SIZE_MAX)
			last[s->f[i].parent] = i;
	for (i = 0; i < s->nf; i++) {
		struct frame *f = &s->f[i];
		struct frame *pa = f->parent != SIZE_MAX ? &s->f[f->parent] : NULL;
		pf_count c;

		if (pa == NULL || pa->children <= pa->count)
			continue;
		if (i == last[f->parent])
			c = given[f->parent] < pa->count ? pa->count - given[f->parent] : 0;
		else if (pf_count_muldiv(f->count, pa->count, pa->children, &c) != PF_COUNT_OK)
			c = f->count;
		if (c > pa->count - given[f->parent])
			c = pa->count - given[f->parent];
		given[f->parent] += c;
		f->count = c;
		nfit++;
	}
	if (nfit > 0) {
		for (i = 0; i < s->nf; i++)
			s->f[i].children = 0;
		for (i = 0; i < s->nf; i++)
			if (s->f[i].parent != SIZE_MAX)
				s->f[s->f[i].parent].children += s->f[i].count;
		note(s, "the graph's counts are rounded: %zu frame%s scaled to fit "
		    "in their parents", nfit, nfit == 1 ? " was" : "s were");
	}
	free(given);
	free(last);
	return 0;
}

static int
fold(struct svg *s)
{
	double *ys;
	size_t nys = 0, i, j, root = 0, lo, d, n;
	int up;
	uint32_t *stack = NULL;
	double hidden = 0, spp;
	int rc = -1;

	if (s->nf == 0)
		return pf_err(s->err, s->name, 0, "no flame graph frames (a <rect> "
		    "with a <title> or an onmouseover text) in this SVG");
	/* x and width printed with d decimals are each off by up to half a
	 * unit of the last digit; a gap is the difference of three. */
	if (s->exact == s->nf)
		s->slack = 0;
	else
		s->slack = 1.5 * pow(10, -(s->decimals < 9 ? s->decimals : 9)) * (1 + 1e-9);
	ys = malloc(s->nf * sizeof(*ys));
	stack = malloc((s->nf + 1) * sizeof(*stack));
	if (ys == NULL || stack == NULL)
		goto nomem;
	for (i = 0; i < s->nf; i++) {
		ys[i] = s->f[i].y;
		if (s->f[i].w > s->f[root].w)
			root = i;
	}
	qsort(ys, s->nf, sizeof(*ys), cmp_double);
	for (i = 0; i < s->nf; i++)
		if (nys == 0 || ys[i] != ys[nys - 1])
			ys[nys++] = ys[i];
	up = root_at_bottom(s, ys, nys);
	/* Samples per unit of x, from the widest frame: the same all over. */
	spp = s->f[root].w > 0 ? pf_count_to_double(s->f[root].count) / s->f[root].w : 0;
	for (i = 0; i < s->nf; i++) {
		double *at = bsearch(&s->f[i].y, ys, nys, sizeof(*ys), cmp_double);
		size_t k = (size_t)(at - ys);

		s->f[i].depth = up ? nys - 1 - k : k;
	}
	if (s->pf_hidden) {
		/* This pf-svg writes the frames depth first, each after its
		 * parent: the parent is the last frame one level down, exact
		 * even among frames narrower than the rounding of x. */
		size_t *last = malloc(nys * sizeof(*last));

		if (last == NULL)
			goto nomem;
		for (d = 0; d < nys; d++)
			last[d] = SIZE_MAX;
		for (i = 0; i < s->nf; i++) {
			struct frame *f = &s->f[i];

			f->parent = f->depth > 0 ? last[f->depth - 1] : SIZE_MAX;
			last[f->depth] = i;
			if (f->parent != SIZE_MAX)
				s->f[f->parent].children += f->count;
		}
		free(last);
		goto parented;
	}
	qsort(s->f, s->nf, sizeof(*s->f), cmp_depth_x);
	/* Parents: the frame one level down whose span holds the middle. */
	for (lo = 0, i = 0; i < s->nf; i++) {
		struct frame *f = &s->f[i];
		double mid = f->x + f->w / 2;

		f->parent = SIZE_MAX;
		if (f->depth == 0)
			continue;
		while (lo < s->nf && s->f[lo].depth < f->depth - 1)
			lo++;
		for (j = lo; j < s->nf && s->f[j].depth == f->depth - 1; j++) {
			if (s->f[j].x <= mid && mid <= s->f[j].x + s->f[j].w) {
				f->parent = j;
				break;
			}
		}
		if (f->parent == SIZE_MAX)
			continue;	/* an orphan: made a root below */
		s->f[j].children += f->count;
		/* Room between drawn children: hidden frames. */
		if (s->f[j].nchildren++ == 0)
			s->f[j].first_child = f->x;
		else if (f->x - s->f[j].end_children > s->slack)
			s->f[j].gaps += f->x - s->f[j].end_children - s->slack;
		s->f[j].end_children = f->x + f->w;
	}
parented:
	if (fit_rounded(s) != 0)
		goto nomem;
	for (i = 0; i < s->nf; i++) {
		struct frame *f = &s->f[i];
		pf_count self = f->count > f->children ? f->count - f->children : 0;

		if (f->nchildren > 0) {
			/* Room at the end the own samples are not laid out at:
			 * hidden frames too.  At most what is not children. */
			double edge = s->own_last ? f->first_child - f->x :
			    f->x + f->w - f->end_children;
			double h = f->gaps + (edge > s->slack ? edge - s->slack : 0);

			h *= spp;
			if (h > pf_count_to_double(self))
				h = pf_count_to_double(self);
			hidden += h;
		}
		s->st->samples++;
		if (self == 0)
			continue;
		n = 0;
		for (d = i; d != SIZE_MAX; d = s->f[d].parent)
			stack[n++] = s->f[d].name;
		/* Leave out the root the tools add ("all"), not a real frame. */
		if (n > 1) {
			size_t len;
			const char *nm = pf_profile_frame(s->p, stack[n - 1], &len);

			if (len == 3 && memcmp(nm, "all", 3) == 0)
				n--;
		}
		pf_stack_reverse(stack, n);
		/* A stack of one nameless frame would be the folded line
		 * " N", which no reader takes. */
		if (n == 1) {
			size_t len;

			pf_profile_frame(s->p, stack[0], &len);
			if (len == 0) {
				stack[0] = pf_profile_intern(s->p, "[no name]", 9);
				if (stack[0] == UINT32_MAX ||
				    pf_count_add(s->unnamed, self, &s->unnamed) != PF_COUNT_OK)
					goto nomem;
			}
		}
		if (pf_profile_add(s->p, stack, n, self, 0, s->err) != 0) {
			pf_err_name(s->err, s->name);
			goto out;
		}
	}
	if (s->unnamed != 0) {
		char num[PF_COUNT_BUFSIZE];

		pf_count_format(s->unnamed, num);
		note(s, "%s samples in root frames with no name are under "
		    "'[no name]' (a folded stack cannot be empty)", num);
	}
	if (s->factor_w > 0) {
		char num[PF_COUNT_BUFSIZE];

		pf_count_format(s->factor_title, num);
		note(s, "the titles show the samples scaled (inferno --factor: %s "
		    "for %.0f); the counts are the samples (fg:w)", num, s->factor_w);
	}
	if (s->pf_hidden) {
		char num[PF_COUNT_BUFSIZE];

		pf_count_format(s->hidden, num);
		if (s->hidden != 0)
			note(s, "frames too narrow to be drawn (pruned) held %s of "
			    "the samples; they are counted as their parents' own", num);
	} else if (hidden >= 0.5) {
		note(s, "frames too narrow to be drawn (pruned) held %s%.0f of the "
		    "samples; they are counted as their parents' own",
		    s->slack == 0 ? "" : "at least about ", hidden);
	}
	rc = 0;
	goto out;
nomem:
	pf_nomem(s->err, s->name, 0);
out:
	free(ys);
	free(stack);
	return rc;
}

/* XML that holds an <svg> element. */
int
pf_svg_detect(const struct pf_peek *pk, size_t *where)
{
	PF_UNUSED(where);
	return pf_peek_xml_has(pk, "<svg") ? PF_CLAIM_MAGIC : PF_CLAIM_NONE;
}

int
pf_svg_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct svg s;
	xmlDoc *doc = NULL;
	xmlNode *root;
	int rc = -1;

	PF_UNUSED(o);
	memset(&s, 0, sizeof(s));
	s.p = p;
	s.st = st;
	s.err = err;
	s.name = pf_reader_name(r);
	if ((doc = pf_xml_read(r, "SVG", err)) == NULL)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (root != NULL) {
		/* pf-svg's: exact when it says what it pruned; earlier
		 * versions did not, and lay own samples out last. */
		s.pf_hidden = pf_count_attr(root, "hidden", &s.hidden);
		s.own_last = xmlHasNsProp(root, (const xmlChar *)"fontsize", PF_NS) != NULL;
	}
	if (walk(&s, root, 0) != 0)
		goto out;
	rc = fold(&s);
out:
	xmlFreeDoc(doc);
	free(s.f);
	return rc;
}
