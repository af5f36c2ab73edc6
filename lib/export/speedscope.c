/*
 * speedscope.c - speedscope's file format
 * (https://www.speedscope.app/file-format-schema.json): a table of frames
 * shared by every profile, and "sampled" profiles whose samples are stacks
 * of frame indices, root first, each with its weight.
 *
 * One profile holds the whole profile, or with split_roots one profile per
 * root frame (a process, a thread, a host), which speedscope lists to
 * switch between.  A differential profile gives two for each: its first
 * column, "NAME (before)", and its second, "NAME (after)", which is the
 * one shown first.  The samples are the distinct stacks in preorder of the
 * call tree, so speedscope's time-ordered view looks like the flame graph,
 * or in input order for a flame chart.  Weights are the exact counts, in
 * the unit --countname names when speedscope knows it ("none" otherwise).
 */
#include <stdlib.h>

#include "export.h"

/* A JSON string (quoted) followed by suffix inside its quotes. */
static void
put_named(struct pf_outbuf *o, const char *json, const char *suffix)
{
	pf_outbuf_put(o, json, strlen(json) - 1);
	pf_outbuf_puts(o, suffix);
	pf_outbuf_put(o, "\"", 1);
}

static int
profile(const struct pf_xtree *t, struct pf_outbuf *o, uint32_t top,
    const char *name, int col, const char *unit, struct pf_export_stats *st)
{
	struct pf_xstacks s;
	const uint32_t *f;
	size_t n, j;
	pf_count c[2];
	int k, pass;

	pf_outbuf_puts(o, "{\"type\":\"sampled\",\"name\":");
	put_named(o, name, t->columns == 1 ? "" : col == 0 ? " (before)" : " (after)");
	pf_outbuf_puts(o, ",\"unit\":\"");
	pf_outbuf_puts(o, unit);
	pf_outbuf_puts(o, "\",\"startValue\":0,\"endValue\":");
	pf_outbuf_count(o, t->total[col][top]);
	for (pass = 0; pass < 2; pass++) {
		pf_outbuf_puts(o, pass == 0 ? ",\"samples\":[" : "],\"weights\":[");
		if (pf_xstacks_init(&s, t, top) != 0)
			return -1;
		for (j = 0; (k = pf_xstacks_next(&s, &f, &n, c)) > 0; j++) {
			pf_outbuf_puts(o, j > 0 ? ",\n" : "\n");
			if (pass == 1) {
				pf_outbuf_count(o, c[col]);
				continue;
			}
			if (col == t->weight)
				st->stacks++;
			pf_outbuf_put(o, "[", 1);
			for (size_t i = 0; i < n; i++) {
				char *p = pf_outbuf_room(o, 24);

				if (i > 0)
					*p++ = ',';
				o->len = (size_t)(pf_put_u64(p, t->frame_index[f[i]]) - o->buf);
			}
			pf_outbuf_put(o, "]", 1);
		}
		pf_xstacks_release(&s);
		if (k < 0)
			return -1;
		if (j > 0)
			pf_outbuf_put(o, "\n", 1);
	}
	pf_outbuf_puts(o, "]}");
	return 0;
}

int
pf_export_speedscope(const struct pf_xtree *t, const struct pf_export_options *opt,
    FILE *out, struct pf_export_stats *st, struct pf_error *err)
{
	struct pf_outbuf o, tb = { NULL, NULL, 0, 0, 0 };
	struct pf_xnames nm;
	struct pf_xunit u;
	const char *title = opt->title != NULL ? opt->title : "profile";
	char *tjson = NULL;
	uint32_t top;
	size_t i, nprof = 0;
	int col, rc = -1;

	pf_xunit_get(opt->countname, &u);
	if (pf_xnames_init(&nm, t) != 0)
		return pf_err(err, NULL, 0, "out of memory");
	tb.cap = strlen(title) * 6 + 2;
	if ((tb.buf = tjson = malloc(tb.cap + 1)) == NULL) {
		pf_err(err, NULL, 0, "out of memory");
		goto out;
	}
	pf_json_string(&tb, title, strlen(title));
	tjson[tb.len] = '\0';
	if (pf_xout_open(&o, out, err) != 0)
		goto out;
	pf_outbuf_puts(&o, "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\n"
	    "\"exporter\":\"pf-export " PF_VERSION_STRING "\",\n\"name\":");
	pf_outbuf_puts(&o, tjson);
	pf_outbuf_puts(&o, t->columns == 2 ? ",\n\"activeProfileIndex\":1" :
	    ",\n\"activeProfileIndex\":0");
	pf_outbuf_puts(&o, ",\n\"shared\":{\"frames\":[");
	for (i = 0; i < t->nused; i++) {
		uint32_t f = t->frame_order[i];

		pf_outbuf_puts(&o, i > 0 ? ",\n{\"name\":" : "\n{\"name\":");
		pf_outbuf_puts(&o, nm.json[f]);
		pf_xnames_put_raw(&nm, &o, f);
		pf_outbuf_put(&o, "}", 1);
	}
	pf_outbuf_puts(&o, i > 0 ? "\n]},\n\"profiles\":[\n" : "]},\n\"profiles\":[\n");
	/* The whole profile, or each root frame's part (all of it when there
	 * is no root frame, so that there is always a profile). */
	top = opt->split_roots && t->n > 1 ? 1 : 0;
	for (; top != PF_XNONE; top = top == 0 ? PF_XNONE : t->node[top].next_sibling) {
		for (col = 0; col < t->columns; col++) {
			if (nprof++ > 0)
				pf_outbuf_puts(&o, ",\n");
			if (profile(t, &o, top, top == 0 ? tjson : nm.json[t->node[top].frame],
			    col, u.speedscope, st) != 0) {
				pf_err(err, NULL, 0, "out of memory");
				free(o.buf);
				goto out;
			}
		}
	}
	pf_outbuf_puts(&o, "\n]}\n");
	st->frames = t->nused;
	st->replaced = nm.replaced;
	rc = pf_xout_close(&o, err);
out:
	free(tjson);
	pf_xnames_release(&nm);
	return rc;
}
