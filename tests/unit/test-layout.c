/*
 * test-layout.c - the render contract: the draw list pf_flame_layout hands
 * every renderer (lib/layout/draw.h), and the ways of building the tree it
 * is made from.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/flame.h"
#include "tap.h"

/* A tree of folded text laid out into dl, the columns asked for; NULL on
 * failure (reported). */
static struct pf_flame *
lay_out_columns(const char *text, const struct pf_flame_options *o,
    struct pf_draw_list *dl, int columns)
{
	struct pf_error err = { 0 };
	struct pf_reader *r = pf_reader_mem("t.folded", text, strlen(text));
	struct pf_flame *f = pf_flame_new(o, &err);

	memset(dl, 0, sizeof(*dl));
	if (f == NULL || r == NULL || pf_flame_read_folded(f, r, &err) != 0 ||
	    pf_flame_layout(f, dl, columns, &err) != 0) {
		printf("# layout: %s\n", err.msg);
		pf_flame_free(f);
		f = NULL;
	}
	pf_reader_free(r);
	return f;
}

static struct pf_flame *
lay_out(const char *text, const struct pf_flame_options *o, struct pf_draw_list *dl)
{
	return lay_out_columns(text, o, dl, PF_DRAW_ALL);
}

/* The frame names of dl in the order drawn, "depth:label" each. */
static char *
frames_text(const struct pf_draw_list *dl)
{
	size_t i, len = 0;
	char *s = malloc(64 * (dl->nframes + 1) + 1);

	s[0] = '\0';
	for (i = 0; i < dl->nframes; i++) {
		const struct pf_draw_name *n = &dl->names[dl->name[i]];

		len += (size_t)sprintf(s + len, "%s%u:%.*s", i > 0 ? " " : "",
		    dl->depth[i], (int)n->label_len, n->label);
	}
	return s;
}

static void
test_order_and_counts(void)
{
	struct pf_flame_options o;
	struct pf_draw_list dl;
	struct pf_flame *f;
	pf_count sum = 0;
	size_t i;
	char *t;
	int ok;

	pf_flame_options_init(&o);
	o.minwidth = 0;
	f = lay_out("main;b 2\nmain;a;x 3\nmain;a 1\nmain 4\nother_[k] 5\n", &o, &dl);
	if (f == NULL) {
		tap_ok(0, "layout/runs", "no layout");
		return;
	}
	t = frames_text(&dl);
	tap_str("layout/preorder_siblings_by_name", t,
	    "0:all 1:main 2:a 3:x 2:b 1:other");
	free(t);
	for (i = 0; i < dl.nframes; i++)
		sum += dl.self[i];
	tap_ok(sum == dl.page.grand && dl.page.grand == pf_count_from_u64(15),
	    "layout/selves_add_up_to_the_total", NULL);
	tap_ok(dl.total[1] == pf_count_from_u64(10) && dl.self[1] == pf_count_from_u64(4) &&
	    dl.total[2] == pf_count_from_u64(4) && dl.self[2] == pf_count_from_u64(1),
	    "layout/total_and_self", NULL);
	/* Children lie within their parent, siblings side by side. */
	ok = dl.x1[0] == PF_DRAW_XPAD && fabs(dl.x2[0] - (o.width - PF_DRAW_XPAD)) < 1e-9;
	ok = ok && dl.x1[1] == dl.x1[0] && dl.x1[2] == dl.x1[1] && dl.x1[4] == dl.x2[2] &&
	    dl.x2[4] <= dl.x2[1] && dl.x1[5] == dl.x2[1];
	tap_ok(ok, "layout/geometry", NULL);
	tap_ok(pf_draw_y(&dl.page, 0) > pf_draw_y(&dl.page, 1) &&
	    pf_draw_y(&dl.page, 1) - pf_draw_y(&dl.page, 2) == o.frame_height,
	    "layout/rows_go_up", NULL);
	/* A name's label drops the annotation; the name keeps it. */
	tap_ok(dl.nnames == 6 && dl.names[dl.name[5]].raw_len == 9 &&
	    dl.names[dl.name[5]].label_len == 5 && dl.names[dl.name[5]].first == 5,
	    "layout/names", NULL);
	tap_str("layout/title", dl.page.title, "Flame Graph");
	tap_ok(dl.before_total == NULL && dl.delta == NULL, "layout/not_differential", NULL);
	pf_draw_list_release(&dl);
	pf_flame_free(f);

	/* Frames too narrow are left out, their counts in the parent's self. */
	pf_flame_options_init(&o);
	o.minwidth = 10;
	o.minwidth_percent = 1;
	o.inverted = 1;
	f = lay_out("main;big 95\nmain;small 5\n", &o, &dl);
	t = f != NULL ? frames_text(&dl) : NULL;
	tap_str("layout/pruned", t, "0:all 1:main 2:big");
	tap_ok(f != NULL && dl.self[1] == pf_count_from_u64(5) &&
	    dl.page.hidden == pf_count_from_u64(5), "layout/pruned_counts", NULL);
	tap_str("layout/title_icicle", f != NULL ? dl.page.title : "", "Icicle Graph");
	tap_ok(f != NULL && pf_draw_y(&dl.page, 1) - pf_draw_y(&dl.page, 0) == o.frame_height,
	    "layout/rows_go_down_inverted", NULL);
	free(t);
	pf_draw_list_release(&dl);
	pf_flame_free(f);
}

static void
test_differential(void)
{
	struct pf_flame_options o;
	struct pf_draw_list dl;
	struct pf_flame *f;

	pf_flame_options_init(&o);
	o.minwidth = 0;
	f = lay_out("m;a 4 1\nm;b 1 5\nm 2 2\n", &o, &dl);
	if (f == NULL) {
		tap_ok(0, "diff/runs", "no layout");
		return;
	}
	tap_ok(dl.page.differential && dl.before_total != NULL &&
	    dl.before_total[1] == pf_count_from_u64(7) &&
	    dl.before_self[1] == pf_count_from_u64(2) && dl.total[1] == pf_count_from_u64(8),
	    "diff/before_counts", NULL);
	/* Self mode: a grew by -3, b by +4, m's own by 0. */
	tap_ok(dl.delta[1] == 0 && dl.delta[2] == -3 && dl.delta[3] == 4 &&
	    dl.page.maxdelta == 4, "diff/delta_self", NULL);
	tap_ok(dl.fill[3].r == 255 && dl.fill[3].g < 255 && dl.fill[2].b == 255 &&
	    dl.fill[2].r < 255 && dl.fill[1].r == 255 && dl.fill[1].b == 255,
	    "diff/red_grew_blue_shrank", NULL);
	pf_draw_list_release(&dl);
	pf_flame_free(f);

	o.diff_mode = PF_DIFF_INCLUSIVE;
	f = lay_out("m;a 4 1\nm;b 1 5\nm 2 2\n", &o, &dl);
	tap_ok(f != NULL && dl.delta[1] == 1 && dl.delta[0] == 1,
	    "diff/delta_inclusive", NULL);
	pf_draw_list_release(&dl);
	pf_flame_free(f);
}

/* The fills of one name agree; a palette map gains the names drawn. */
static void
test_fills(void)
{
	struct pf_flame_options o;
	struct pf_draw_list dl;
	struct pf_error err = { 0 };
	struct pf_flame *f;
	char path[64];
	struct pf_palette_map *m;
	FILE *fp;

	pf_flame_options_init(&o);
	o.minwidth = 0;
	o.palette = PF_PALETTE_JAVA;
	if (tmp_file(path, "x->rgb(1,2,3)\n", 14) != 0) {
		tap_ok(0, "fills/map", "cannot make a temporary file");
		return;
	}
	m = pf_palette_map_load(path, &err);
	o.palette_map = m;
	f = lay_out("a;x 1\nb;x 1\nb;y 1\n", &o, &dl);
	tap_ok(f != NULL && dl.fill[2].r == 1 && dl.fill[2].g == 2 && dl.fill[2].b == 3 &&
	    memcmp(&dl.fill[2], &dl.fill[4], sizeof(dl.fill[2])) == 0,
	    "fills/map_colour_and_same_name_same_fill", NULL);
	pf_draw_list_release(&dl);
	pf_flame_free(f);
	if (m != NULL && pf_palette_map_save(m, path, &err) == 0 &&
	    (fp = fopen(path, "r")) != NULL) {
		char buf[256];
		size_t n = fread(buf, 1, sizeof(buf) - 1, fp);

		buf[n] = '\0';
		fclose(fp);
		tap_ok(strstr(buf, "all->rgb(") != NULL && strstr(buf, "y->rgb(") != NULL &&
		    strstr(buf, "x->rgb(1,2,3)\n") != NULL, "fills/map_gains_the_names_drawn",
		    "map: %s", buf);
	} else {
		tap_ok(0, "fills/map_gains_the_names_drawn", "%s", err.msg);
	}
	pf_palette_map_free(m);
	unlink(path);
}

/* Labels: valid UTF-8 kept, everything else one U+FFFD per byte. */
static void
test_labels(void)
{
	static const struct {
		const char *name, *label;
	} cases[] = {
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "a\xc2\x85z", "a\xef\xbf\xbd\xef\xbf\xbdz" },		/* C1 control */
		{ "a\xef\xbf\xbez", "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz" }, /* U+FFFE */
		{ "a\xed\xa0\x80z", "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz" }, /* surrogate */
		{ "a\x01z_[k]", "a\xef\xbf\xbdz" },
		{ "\xf0\x9f\x94\xa5", "\xf0\x9f\x94\xa5" },
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct pf_flame_options o;
		struct pf_draw_list dl;
		struct pf_flame *f;
		char text[64], name[32];

		pf_flame_options_init(&o);
		snprintf(text, sizeof(text), "%s 1\n", cases[k].name);
		f = lay_out(text, &o, &dl);
		snprintf(name, sizeof(name), "labels/%zu", k);
		if (f == NULL || dl.nnames != 2)
			tap_ok(0, name, "no layout");
		else
			tap_mem(name, dl.names[1].label, dl.names[1].label_len,
			    cases[k].label, strlen(cases[k].label));
		pf_draw_list_release(&dl);
		pf_flame_free(f);
	}
}

/* Only the columns asked for are made, the same as when all are. */
static void
test_columns(void)
{
	static const char *text = "m;a 4 1\nm;b 1 5\nm;a;c 2 2\n";
	struct pf_flame_options o;
	struct pf_draw_list a, b;
	struct pf_flame *fa, *fb;
	size_t i;
	int same = 1;

	pf_flame_options_init(&o);
	o.minwidth = 0;
	fa = lay_out(text, &o, &a);
	fb = lay_out_columns(text, &o, &b, PF_DRAW_SELF);
	if (fa == NULL || fb == NULL) {
		tap_ok(0, "columns/runs", "no layout");
		goto out;
	}
	tap_ok(b.x1 == NULL && b.x2 == NULL && b.total == NULL && b.fill == NULL &&
	    b.before_total == NULL && b.self != NULL && b.before_self != NULL &&
	    b.delta != NULL, "columns/only_those_asked_for", NULL);
	same = a.nframes == b.nframes && a.nnames == b.nnames;
	for (i = 0; same && i < a.nframes; i++)
		same = a.depth[i] == b.depth[i] && a.name[i] == b.name[i] &&
		    a.self[i] == b.self[i] && a.before_self[i] == b.before_self[i] &&
		    a.delta[i] == b.delta[i];
	for (i = 0; same && i < a.nnames; i++)
		same = memcmp(&a.names[i].fill, &b.names[i].fill, sizeof(a.names[i].fill)) == 0 &&
		    memcmp(&a.names[i].fill, &a.fill[a.names[i].first],
		    sizeof(a.names[i].fill)) == 0;
	tap_ok(same, "columns/same_values", NULL);
out:
	pf_draw_list_release(&a);
	pf_draw_list_release(&b);
	pf_flame_free(fa);
	pf_flame_free(fb);
}

/* A profile, and text read before it, build the tree the text would. */
static void
test_profile_ways(void)
{
	static const char *text = "b;c 2\na;x 1\na 0.5\nb;c;d 3\na;x 2\n";
	static const int opts[][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 } };
	size_t k;

	for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		struct pf_flame_options o;
		struct pf_draw_list a, b;
		struct pf_error err = { 0 };
		struct pf_profile *p = pf_profile_new();
		struct pf_reader *r = pf_reader_mem("t", text, strlen(text));
		struct pf_flame *fa, *fb;
		char name[64], *ta, *tb = NULL;

		pf_flame_options_init(&o);
		o.minwidth = 0;
		o.reverse = opts[k][0];
		o.flamechart = opts[k][1];
		fa = lay_out(text, &o, &a);
		pf_profile_set_ordered(p, o.flamechart);
		fb = pf_flame_new(&o, &err);
		memset(&b, 0, sizeof(b));
		if (pf_folded_read(p, r, &err) != 0 || fb == NULL ||
		    pf_flame_add_profile(fb, p, &err) != 0 || pf_flame_layout(fb, &b, PF_DRAW_ALL, &err) != 0)
			printf("# %s\n", err.msg);
		ta = fa != NULL ? frames_text(&a) : NULL;
		tb = frames_text(&b);
		snprintf(name, sizeof(name), "ways/profile_reverse%d_flamechart%d",
		    opts[k][0], opts[k][1]);
		tap_str(name, tb, ta != NULL ? ta : "");
		free(ta);
		free(tb);
		pf_draw_list_release(&a);
		pf_draw_list_release(&b);
		pf_flame_free(fa);
		pf_flame_free(fb);
		pf_reader_free(r);
		pf_profile_free(p);
	}
}

int
main(void)
{
	tap_group("group/order_and_counts", test_order_and_counts);
	tap_group("group/differential", test_differential);
	tap_group("group/fills", test_fills);
	tap_group("group/columns", test_columns);
	tap_group("group/labels", test_labels);
	tap_group("group/profile_ways", test_profile_ways);
	return tap_done();
}
