/*
 * cpuprofile.c - Chrome DevTools' and V8's .cpuprofile JSON.
 *
 *   {"nodes":[{"id":1,"callFrame":{"functionName":"(root)",...},
 *     "hitCount":0,"children":[2]}, ...],
 *    "startTime":0,"endTime":120,"samples":[2,3],"timeDeltas":[0,100]}
 *
 * The nodes are the call tree under a "(root)" node, in preorder, with
 * ids 1, 2, ... in that order.  A .cpuprofile weighs by time: each sample
 * lasts until the next one (the last until endTime), in microseconds.  So
 * each distinct stack is one sample that lasts its count converted to
 * microseconds (--countname ns, us, ms or s; any other count is taken as
 * microseconds), rounded to a whole one, and the samples follow each
 * other from time 0 in name order, which is preorder (in input order for
 * a flame chart).  A node's hitCount is the time of its samples, so that
 * DevTools' tree views, which share endTime - startTime out over the hit
 * counts, give each frame the same time as the chart, one microsecond per
 * hit.  A last sample on the root node, at endTime, ends the last stack's:
 * without it speedscope gives that one no time and DevTools an average
 * one.  `pf-collapse --weight=time` reads the stacks back with their
 * times.  Stacks whose time rounds to 0 get no sample.
 */
#include <stdlib.h>

#include "export.h"

/* A call frame's fields after its name, up to the node's hit count. */
#define CALLFRAME ",\"scriptId\":\"0\",\"url\":\"\",\"lineNumber\":-1," \
	"\"columnNumber\":-1},\"hitCount\":"

/* A time (never negative). */
static void
put_i64(struct pf_outbuf *o, int64_t v)
{
	pf_outbuf_u64(o, (uint64_t)v);
}

int
pf_export_cpuprofile(const struct pf_xtree *t, const struct pf_export_options *opt,
    FILE *out, struct pf_export_stats *st, struct pf_error *err)
{
	struct pf_outbuf o = { NULL, NULL, 0, 0, 0 };
	struct pf_xnames nm;
	struct pf_xunit u;
	int64_t *hit = NULL, w, end = 0;
	uint32_t v, c;
	size_t n, i, j, m;
	pf_count cnt[2];
	int rounded, pass, rc = -1;

	pf_xunit_get(opt->countname, &u);
	if (pf_xnames_init(&nm, t, ",\"callFrame\":{\"functionName\":", CALLFRAME) != 0)
		return pf_nomem(err, NULL, 0);
	if ((hit = calloc(t->n + 1, sizeof(*hit))) == NULL)
		goto nomem;
	/* Each stack's time, added to its node's hit count. */
	for (i = 0; i < t->nstacks; i++) {
		pf_profile_stack(t->p, i, &n, &cnt[0], &cnt[1]);
		if (pf_xwhole(cnt[t->weight], u.us_mul, u.us_div, &w, &rounded) != 0 ||
		    __builtin_add_overflow(end, w, &end))
			goto toolong;
		st->stacks++;
		st->rounded += (uint64_t)rounded;
		st->zeroed += w == 0 && cnt[t->weight] != 0;
		hit[t->stack_node[i]] += w;
	}

	if (pf_xout_open(&o, out, err) != 0)
		goto out;
	pf_outbuf_puts(&o, "{\"nodes\":[\n");
	for (v = 0; v < t->n; v++) {
		const struct pf_xnode *x = &t->node[v];

		pf_outbuf_puts(&o, v == 0 ? "{\"id\":" : ",\n{\"id\":");
		pf_outbuf_u64(&o, v + 1);
		if (v == 0)
			pf_outbuf_puts(&o, ",\"callFrame\":{\"functionName\":\"(root)\"" CALLFRAME);
		else
			pf_xnames_put(&nm, &o, x->frame);
		put_i64(&o, hit[v]);
		if (x->end > v + 1) {
			pf_outbuf_puts(&o, ",\"children\":[");
			for (c = v + 1; c != PF_XNONE; c = t->node[c].next_sibling) {
				if (c != v + 1)
					pf_outbuf_put(&o, ",", 1);
				pf_outbuf_u64(&o, c + 1);
			}
			pf_outbuf_put(&o, "]", 1);
		}
		pf_outbuf_put(&o, "}", 1);
	}
	pf_outbuf_puts(&o, "\n],\n\"startTime\":0,\"endTime\":");
	put_i64(&o, end);
	/* The samples' nodes, then how long after the one before each
	 * starts: the first at 0, each next one when the one before ends. */
	for (pass = 0; pass < 2; pass++) {
		int64_t prev = 0;

		pf_outbuf_puts(&o, pass == 0 ? ",\n\"samples\":[" : "],\n\"timeDeltas\":[");
		for (i = j = 0; i < t->nstacks; i++) {
			m = t->order != NULL ? t->order[i] : i;
			pf_profile_stack(t->p, m, &n, &cnt[0], &cnt[1]);
			/* Checked in the first walk. */
			(void)pf_xwhole(cnt[t->weight], u.us_mul, u.us_div, &w, &rounded);
			if (w == 0)
				continue;
			if (j++ > 0)
				pf_outbuf_put(&o, ",", 1);
			if (j % 16 == 0)
				pf_outbuf_put(&o, "\n", 1);
			if (pass == 0)
				pf_outbuf_u64(&o, t->stack_node[m] + 1);
			else
				put_i64(&o, prev);
			prev = w;
		}
		/* A last sample, on the root, at endTime: it ends the one
		 * before, which viewers would otherwise give no time
		 * (speedscope) or an average one (DevTools). */
		if (j > 0)
			pf_outbuf_put(&o, ",", 1);
		if (pass == 0)
			pf_outbuf_put(&o, "1", 1);
		else
			put_i64(&o, prev);
	}
	pf_outbuf_puts(&o, "]}\n");
	st->frames = t->nused;
	st->replaced = nm.replaced;
	rc = pf_xout_close(&o, err);
	goto out;
toolong:
	pf_err(err, NULL, 0, "the profile is too long for a .cpuprofile: its time "
	    "in microseconds goes past 2^63");
	goto out;
nomem:
	pf_nomem(err, NULL, 0);
out:
	if (o.buf != NULL)
		free(o.buf);
	pf_xnames_release(&nm);
	free(hit);
	return rc;
}
