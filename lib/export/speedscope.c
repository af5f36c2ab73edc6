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
 * one shown first.  The samples are the distinct stacks in name order,
 * which is the preorder of the call tree, so speedscope's time-ordered
 * view looks like the flame graph, or in input order for a flame chart.  Weights are the exact counts, in
 * the unit --countname names when speedscope knows it ("none" otherwise).
 */
#include <stdlib.h>

#include "export.h"

/* A JSON string json[0..len-1] (quoted) with suffix inside its quotes. */
static void
put_named(struct pf_outbuf *o, const char *json, size_t len, const char *suffix)
{
	pf_outbuf_put(o, json, len - 1);
	pf_outbuf_puts(o, suffix);
	pf_outbuf_put(o, "\"", 1);
}

/* One profile: part i of the stacks, in column col.  Returns -1 when a
 * total is beyond PF_COUNT_MAX. */
static int
profile(const struct pf_xtree *t, const struct pf_xparts *x, size_t i,
    struct pf_outbuf *o, const char *name, size_t nlen, int col, const char *unit)
{
	const uint32_t *f;
	size_t j, k, n;
	pf_count c[2], total = 0;
	int pass;

	for (j = x->part[i]; j < x->part[i + 1]; j++) {
		pf_profile_stack(t->p, x->stack[j], &n, &c[0], &c[1]);
		if (pf_count_add(total, c[col], &total) != 0)
			return -1;
	}
	pf_outbuf_puts(o, "{\"type\":\"sampled\",\"name\":");
	put_named(o, name, nlen, t->columns == 1 ? "" : col == 0 ? " (before)" : " (after)");
	pf_outbuf_puts(o, ",\"unit\":\"");
	pf_outbuf_puts(o, unit);
	pf_outbuf_puts(o, "\",\"startValue\":0,\"endValue\":");
	pf_outbuf_count(o, total);
	for (pass = 0; pass < 2; pass++) {
		pf_outbuf_puts(o, pass == 0 ? ",\"samples\":[" : "],\"weights\":[");
		for (j = x->part[i]; j < x->part[i + 1]; j++) {
			f = pf_profile_stack(t->p, x->stack[j], &n, &c[0], &c[1]);
			pf_outbuf_puts(o, j > x->part[i] ? ",\n" : "\n");
			if (pass == 1) {
				pf_outbuf_count(o, c[col]);
				continue;
			}
			pf_outbuf_put(o, "[", 1);
			for (k = 0; k < n; k++) {
				char *p = pf_outbuf_room(o, 24);

				if (k > 0)
					*p++ = ',';
				o->len = (size_t)(pf_put_u64(p, t->frame_index[f[k]]) - o->buf);
			}
			pf_outbuf_put(o, "]", 1);
		}
		if (x->part[i + 1] > x->part[i])
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
	struct pf_xparts x = { 0, NULL, NULL, NULL };
	char *tjson = NULL;
	size_t i;
	int col, rc = -1;

	pf_xunit_get(opt->countname, &u);
	if (pf_xnames_init(&nm, t, "{\"name\":", "}") != 0)
		return pf_nomem(err, NULL, 0);
	tb.cap = strlen(title) * 6 + 2;
	if ((tb.buf = tjson = malloc(tb.cap + 1)) == NULL) {
		pf_nomem(err, NULL, 0);
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

		pf_outbuf_puts(&o, i > 0 ? ",\n" : "\n");
		pf_xnames_put(&nm, &o, f);
	}
	pf_outbuf_puts(&o, i > 0 ? "\n]},\n\"profiles\":[\n" : "]},\n\"profiles\":[\n");
	/* The whole profile, or each root frame's part. */
	if (pf_xparts_init(&x, t, opt->split_roots) != 0) {
		pf_nomem(err, NULL, 0);
		free(o.buf);
		goto out;
	}
	for (i = 0; i < x.n; i++)
		for (col = 0; col < t->columns; col++) {
			uint32_t r = x.root[i];

			if (i > 0 || col > 0)
				pf_outbuf_puts(&o, ",\n");
			if (profile(t, &x, i, &o, r == PF_XNONE ? tjson : nm.frag[r] + nm.head,
			    r == PF_XNONE ? tb.len : nm.nlen[r], col, u.speedscope) != 0) {
				pf_err(err, NULL, 0, "count overflow: a profile's total "
				    "exceeds 2^64");
				free(o.buf);
				goto out;
			}
		}
	st->stacks = t->nstacks;
	pf_outbuf_puts(&o, "\n]}\n");
	st->frames = t->nused;
	st->replaced = nm.replaced;
	rc = pf_xout_close(&o, err);
out:
	free(tjson);
	pf_xparts_release(&x);
	pf_xnames_release(&nm);
	return rc;
}
