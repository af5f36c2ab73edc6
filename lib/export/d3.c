/*
 * d3.c - d3-flame-graph's JSON: the call tree as nested objects.
 *
 *   {"name":"all","value":120,"children":[
 *   {"name":"main","value":120,"children":[
 *   {"name":"parse","value":20}]}]}
 *
 * "value" is a frame's total, its children's included, which is what
 * d3-flame-graph reads by default.  The root, "all", holds the whole
 * profile, so that a profile with several root frames is one tree.  A
 * differential profile's values are its second column, and "delta" is
 * the change of the frame's own count (second minus first): the library
 * colours by it as it is, or adds it up through the subtree with
 * computeDelta(true).  One object per line, in preorder, children by
 * name (in input order for a flame chart).
 */
#include "export.h"

/* The signed difference a - b of two counts. */
static void
put_delta(struct pf_outbuf *o, pf_count a, pf_count b)
{
	if (a < b) {
		pf_outbuf_put(o, "-", 1);
		pf_outbuf_count(o, b - a);
	} else
		pf_outbuf_count(o, a - b);
}

int
pf_export_d3(const struct pf_xtree *t, const struct pf_export_options *opt,
    FILE *out, struct pf_export_stats *st, struct pf_error *err)
{
	struct pf_outbuf o;
	struct pf_xnames nm;
	uint32_t v, d;
	int rc = -1;

	PF_UNUSED(opt);
	if (pf_xnames_init(&nm, t, "{\"name\":", ",\"value\":") != 0)
		return pf_nomem(err, NULL, 0);
	if (pf_xout_open(&o, out, err) != 0)
		goto out;
	for (v = 0; v < t->n; v++) {
		const struct pf_xnode *x = &t->node[v];
		int kids = x->end > v + 1;

		if (v == 0)
			pf_outbuf_puts(&o, "{\"name\":\"all\",\"value\":");
		else
			pf_xnames_put(&nm, &o, x->frame);
		pf_outbuf_count(&o, t->total[t->weight][v]);
		if (t->columns == 2) {
			pf_outbuf_puts(&o, ",\"delta\":");
			put_delta(&o, pf_xtree_self(t, v, 1), pf_xtree_self(t, v, 0));
		}
		if (kids) {
			pf_outbuf_puts(&o, ",\"children\":[\n");
			continue;
		}
		pf_outbuf_put(&o, "}", 1);
		/* Close the levels the walk climbs out of. */
		d = v + 1 < t->n ? t->node[v + 1].depth : 0;
		for (; d < x->depth; d++)
			pf_outbuf_put(&o, "]}", 2);
		if (v + 1 < t->n)
			pf_outbuf_put(&o, ",\n", 2);
	}
	pf_outbuf_put(&o, "\n", 1);
	st->stacks = t->nstacks;
	st->frames = t->nused;
	st->replaced = nm.replaced;
	rc = pf_xout_close(&o, err);
out:
	pf_xnames_release(&nm);
	return rc;
}
