/*
 * layout.c - the flame tree laid out as a draw list (draw.h): which frames
 * are drawn, where, with what label and fill; and pf_flame_write, which
 * hands the list to the renderer of the format asked for.
 *
 * Frames are placed depth first, parents before children, siblings in the
 * byte order of their names (in the order of the input for a flame chart).
 * A frame narrower than the minimum width is left out with its subtree;
 * its count stays in its parent's total and self.
 */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdlib.h>

#include "layout/flame.h"
#include "palette/palette.h"
#include "render/render.h"

void
pf_draw_list_release(struct pf_draw_list *dl)
{
	free(dl->x1);
	free(dl->x2);
	free(dl->depth);
	free(dl->name);
	free(dl->fill);
	free(dl->total);
	free(dl->self);
	free(dl->names);
	free(dl->before_total);
	free(dl->before_self);
	free(dl->delta);
	pf_arena_release(&dl->arena);
	memset(dl, 0, sizeof(*dl));
}

/* The change of node v that colours it, in counts. */
static double
delta(const struct pf_flame *f, uint32_t v)
{
	if (f->o.diff_mode != PF_DIFF_INCLUSIVE)
		return f->selfdelta != NULL ? f->selfdelta[v] : 0;
	return pf_count_to_double(f->node[v].total) - pf_count_to_double(f->before[v]);
}

/*
 * The label of name s[0..n-1]: annotation stripped, converted from
 * --encoding, control characters and invalid UTF-8 replaced by U+FFFD.  It
 * is the name itself when that is already all of these.
 */
static int
label(struct pf_flame *f, struct pf_draw_list *dl, struct pf_draw_name *dn,
    struct pf_error *err)
{
	const char *s = dn->raw;
	size_t n = dn->raw_len;
	char *conv = NULL, *out;

	if (pf_frame_annotation(s, n))
		n -= 4;
	if (f->iconv == NULL && pf_utf8_is_clean(s, n)) {
		dn->label = s;
		dn->label_len = (uint32_t)n;
		return 0;
	}
	if (f->iconv != NULL && n > 0) {
		/* Converted as a whole; a byte that does not convert becomes
		 * an invalid UTF-8 byte, replaced below like any other. */
		size_t cap = n * 4 + 4, in = n, left = cap;
		char *ip = (char *)s, *op;

		if ((conv = malloc(cap)) == NULL)
			return pf_nomem(err, NULL, 0);
		op = conv;
		iconv((iconv_t)f->iconv, NULL, NULL, NULL, NULL);
		while (in > 0) {
			if (iconv((iconv_t)f->iconv, &ip, &in, &op, &left) == (size_t)-1) {
				if (errno == E2BIG || left < 4)
					break;
				*op++ = '\x80';
				left--;
				ip++;
				in--;
			}
		}
		s = conv;
		n = (size_t)(op - conv);
	}
	if ((out = pf_arena_alloc(&dl->arena, n * 3 + 1)) == NULL) {
		free(conv);
		return pf_nomem(err, NULL, 0);
	}
	dn->label = out;
	dn->label_len = (uint32_t)pf_clean_utf8(s, n, out);
	free(conv);
	return 0;
}

/* A child to place: its name's bytes, for sorting siblings. */
struct kid {
	const char *name;
	uint32_t len, node;
};

static int
kid_cmp(const struct kid *a, const struct kid *b)
{
	int c = memcmp(a->name, b->name, a->len < b->len ? a->len : b->len);

	return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

static int
kid_cmp_q(const void *x, const void *y)
{
	return kid_cmp(x, y);
}

/* Siblings have distinct names, so any sort gives the same order. */
static void
sort_kids(struct kid *k, size_t n)
{
	size_t i, j;

	if (n > 16) {
		qsort(k, n, sizeof(*k), kid_cmp_q);
		return;
	}
	for (i = 1; i < n; i++) {
		struct kid t = k[i];

		for (j = i; j > 0 && kid_cmp(&k[j - 1], &t) > 0; j--)
			k[j] = k[j - 1];
		k[j] = t;
	}
}

/* A frame waiting to be placed. */
struct todo {
	pf_count x;		/* its left edge, in counts */
	uint32_t node, depth;
	uint32_t parent;	/* its parent's index in the draw list */
};

/*
 * Gives each column of dl room for n frames: as many as the tree has
 * nodes, since each frame is a node.  Allocated once, they are never
 * copied; the pages of the frames not drawn are never touched, so they
 * cost address space, not memory.
 */
static int
frames_alloc(struct pf_draw_list *dl, size_t n, int columns)
{
#define ALLOC(a) \
	if ((dl->a = malloc(n * sizeof(*dl->a))) == NULL) \
		return -1;
	ALLOC(depth) ALLOC(name)
	if (columns & PF_DRAW_X) {
		ALLOC(x1) ALLOC(x2)
	}
	if (columns & PF_DRAW_FILL) {
		ALLOC(fill)
	}
	if (columns & PF_DRAW_TOTAL) {
		ALLOC(total)
	}
	if (columns & PF_DRAW_SELF) {
		ALLOC(self)
	}
	if (dl->page.differential) {
		ALLOC(delta)
		if (columns & PF_DRAW_TOTAL) {
			ALLOC(before_total)
		}
		if (columns & PF_DRAW_SELF) {
			ALLOC(before_self)
		}
	}
#undef ALLOC
	return 0;
}

static void
page_facts(const struct pf_flame *f, struct pf_draw_page *p)
{
	const struct pf_flame_options *o = &f->o;

	p->title = o->title != NULL ? o->title : o->flamechart ? "Flame Chart" :
	    o->inverted ? "Icicle Graph" : "Flame Graph";
	p->subtitle = o->subtitle;
	p->countname = o->countname;
	p->nametype = o->nametype;
	p->notes = o->notes;
	p->fonttype = o->fonttype;
	p->nameattr = o->nameattr;
	p->frame_height = o->frame_height;
	p->fontsize = o->fontsize;
	p->fontwidth = o->fontwidth;
	p->font_metrics = o->font_metrics;
	p->inverted = o->inverted;
	p->reversed = o->reverse;
	p->flamechart = o->flamechart;
	p->differential = f->columns == 2;
	p->negate = o->negate;
	p->diff_mode = o->diff_mode;
	p->factor = o->factor;
	pf_palette_background(o->palette, o->bgcolors, &p->bg1, &p->bg2);
	p->width = o->width;
	p->xpad = PF_DRAW_XPAD;
	p->ypad1 = o->fontsize * 3;
	p->ypad2 = o->fontsize * 2 + 10;
	p->ypad3 = o->subtitle != NULL ? o->fontsize * 2 : 0;
}

int
pf_flame_layout(struct pf_flame *f, struct pf_draw_list *dl, int columns,
    struct pf_error *err)
{
	struct pf_draw_page *pg = &dl->page;
	struct pf_painter painter;
	struct todo *todo = NULL;
	struct kid *kids = NULL;
	uint32_t *name_idx = NULL, depthmax = 0;
	const char *const *names;
	const uint32_t *name_lens;
	size_t ntodo = 0, todo_cap = 0, kids_cap = 0, names_cap = 0,
	    nn = pf_profile_nframes(f->names), i;
	pf_count mincount;
	double wpt;
	int rc = -1;

	memset(dl, 0, sizeof(*dl));
	pf_arena_init(&dl->arena);
	page_facts(f, pg);
	if (pf_flame_sum(f, err) != 0)
		return -1;
	pg->grand = f->node[0].total;
	if (f->o.total != 0) {
		if (f->o.total < pg->grand)
			return pf_errc(err, PF_ERR_USAGE, NULL, 0, 0,
			    "--total is less than the sum of the counts");
		pg->grand = f->o.total;
	}
	if (pg->grand == 0)
		goto done;

	wpt = (f->o.width - 2 * PF_DRAW_XPAD) / pf_count_to_double(pg->grand);
	if (f->o.minwidth_percent)
		mincount = (pf_count)(pf_count_to_double(pg->grand) * f->o.minwidth / 100 *
		    (double)PF_COUNT_ONE);
	else
		mincount = (pf_count)(f->o.minwidth / wpt * (double)PF_COUNT_ONE);
	pf_painter_init(&painter, f->o.palette, f->o.palette_map, f->o.random);
	pf_profile_name_table(f->names, &names, &name_lens);
	if ((name_idx = malloc((nn + 1) * sizeof(*name_idx))) == NULL ||
	    frames_alloc(dl, f->nnodes, columns) != 0)
		goto nomem;
	memset(name_idx, 0xff, (nn + 1) * sizeof(*name_idx));

	if (pf_grow(&todo, &todo_cap, 1, sizeof(*todo)) != 0)
		goto nomem;
	todo[ntodo++] = (struct todo){ 0, 0, 0, UINT32_MAX };
	while (ntodo > 0) {
		struct todo t = todo[--ntodo];
		const struct pf_flame_node *n = &f->node[t.node];
		struct pf_draw_name *dn;
		uint32_t nm = PF_NODE_NAME(n), c;
		size_t d = dl->nframes, nk = 0, k;
		pf_count x;

		/* Only children of drawn frames get here: what is left out
		 * is a whole subtree, counted once. */
		if (n->total < mincount || n->total == 0) {
			pg->hidden += n->total;
			continue;
		}
		dl->nframes++;
		dl->depth[d] = t.depth;
		if (t.depth > depthmax)
			depthmax = t.depth;
		if (dl->x1 != NULL) {
			dl->x1[d] = PF_DRAW_XPAD + pf_count_to_double(t.x) * wpt;
			dl->x2[d] = PF_DRAW_XPAD + pf_count_to_double(t.x + n->total) * wpt;
		}
		if (dl->total != NULL)
			dl->total[d] = n->total;
		if (dl->self != NULL) {
			dl->self[d] = n->total;
			if (t.parent != UINT32_MAX)
				dl->self[t.parent] -= n->total;
		}
		if (pg->differential) {
			if (dl->before_total != NULL)
				dl->before_total[d] = f->before[t.node];
			/* A drawn child's count is part of its parent's
			 * (totals are sums), so a self is never below 0. */
			if (dl->before_self != NULL) {
				dl->before_self[d] = f->before[t.node];
				if (t.parent != UINT32_MAX)
					dl->before_self[t.parent] -= f->before[t.node];
			}
			dl->delta[d] = delta(f, t.node);
			if (fabs(dl->delta[d]) > pg->maxdelta)
				pg->maxdelta = fabs(dl->delta[d]);
		}

		/* The name, its label, and the fill: one per name, but for
		 * --random, which asks for one per frame. */
		if (name_idx[nm] == UINT32_MAX) {
			if (pf_grow(&dl->names, &names_cap, dl->nnames + 1,
			    sizeof(*dl->names)) != 0)
				goto nomem;
			name_idx[nm] = (uint32_t)dl->nnames;
			dn = &dl->names[dl->nnames++];
			dn->first = (uint32_t)d;
			dn->raw = names[nm];
			dn->raw_len = name_lens[nm];
			if (label(f, dl, dn, err) != 0)
				goto out;
			if (!pg->differential && pf_painter_fill(&painter, dn->raw,
			    dn->raw_len, dn->label, dn->label_len, &dn->fill, err) != 0)
				goto out;
			if (dl->fill != NULL)
				dl->fill[d] = dn->fill;
		} else if (dl->fill != NULL && !pg->differential) {
			dn = &dl->names[name_idx[nm]];
			if (!f->o.random)
				dl->fill[d] = dn->fill;
			else if (pf_painter_fill(&painter, dn->raw, dn->raw_len,
			    dn->label, dn->label_len, &dl->fill[d], err) != 0)
				goto out;
		}
		dl->name[d] = name_idx[nm];

		/* The children, in the order drawn: sorted by name, or as
		 * they came for a flame chart (the list is newest first). */
		for (c = n->first_child; c != UINT32_MAX; c = f->node[c].next_sibling) {
			const struct pf_flame_node *kn = &f->node[c];

			if (pf_grow(&kids, &kids_cap, nk + 1, sizeof(*kids)) != 0)
				goto nomem;
			kids[nk].name = names[PF_NODE_NAME(kn)];
			kids[nk].len = name_lens[PF_NODE_NAME(kn)];
			kids[nk++].node = c;
		}
		if (f->o.flamechart) {
			for (k = 0; k < nk / 2; k++) {
				struct kid tmp = kids[k];

				kids[k] = kids[nk - 1 - k];
				kids[nk - 1 - k] = tmp;
			}
		} else {
			sort_kids(kids, nk);
		}
		if (pf_grow(&todo, &todo_cap, ntodo + nk, sizeof(*todo)) != 0)
			goto nomem;
		/* Pushed last first, so the first child is drawn first. */
		x = t.x;
		for (k = 0; k < nk; k++) {
			todo[ntodo + nk - 1 - k] = (struct todo){ x, kids[k].node,
			    t.depth + 1, (uint32_t)d };
			x += f->node[kids[k].node].total;
		}
		ntodo += nk;
	}
	if (pg->differential) {
		for (i = 0; dl->fill != NULL && i < dl->nframes; i++)
			dl->fill[i] = pf_palette_delta(dl->delta[i], pg->maxdelta,
			    pg->negate);
		for (i = 0; i < dl->nnames; i++)
			dl->names[i].fill = pf_palette_delta(dl->delta[dl->names[i].first],
			    pg->maxdelta, pg->negate);
	}
done:
	pg->height = (depthmax + 1) * pg->frame_height + pg->ypad1 + pg->ypad2 +
	    pg->ypad3;
	rc = 0;
	goto out;
nomem:
	pf_nomem(err, NULL, 0);
out:
	free(todo);
	free(kids);
	free(name_idx);
	return rc;
}

int
pf_flame_write(struct pf_flame *f, enum pf_output_format fmt, FILE *out,
    struct pf_error *err)
{
	struct pf_draw_list dl;
	int rc = -1;

	if (f->o.bgcolors != NULL && !pf_palette_bgcolors_ok(f->o.bgcolors))
		return pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "unknown --bgcolors '%s' "
		    "(yellow, blue, green, grey or #RRGGBB)", f->o.bgcolors);
	if (pf_flame_layout(f, &dl, fmt == PF_OUTPUT_SVG ? PF_RENDER_SVG_COLUMNS :
	    fmt == PF_OUTPUT_HTML ? PF_RENDER_HTML_COLUMNS : PF_RENDER_CAIRO_COLUMNS,
	    err) != 0)
		goto out;
	f->ndrawn = dl.nframes;
	switch (fmt) {
	case PF_OUTPUT_SVG:
		rc = pf_render_svg(&dl, out, err);
		break;
	case PF_OUTPUT_PNG:
	case PF_OUTPUT_PDF:
		rc = pf_render_cairo(&dl, fmt, out, err);
		break;
	case PF_OUTPUT_HTML:
		rc = pf_render_html(&dl, out, err);
		break;
	default:
		pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "unknown output format %d", (int)fmt);
		break;
	}
out:
	pf_draw_list_release(&dl);
	return rc;
}
