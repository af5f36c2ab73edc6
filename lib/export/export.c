/*
 * export.c - pf_export_write: the formats, what a count is in each of
 * them, frame names as JSON strings, and the choice of writer.
 */
#include <errno.h>
#include <stdlib.h>

#include "export.h"

static const char *const names[PF_EXPORT_COUNT] = {
	"pprof", "speedscope", "d3", "cpuprofile",
};

const char *
pf_export_name(int format)
{
	return format >= 0 && format < PF_EXPORT_COUNT ? names[format] : NULL;
}

int
pf_export_lookup(const char *name)
{
	int i;

	for (i = 0; i < PF_EXPORT_COUNT; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	if (strcmp(name, "d3-flame-graph") == 0)
		return PF_EXPORT_D3;
	return -1;
}

/* ---------------------------------------------------------------- units */

static const struct {
	const char *names[3];
	struct pf_xunit u;
} units[] = {
	{ { "samples", "count", NULL }, { "samples", "count", "none", 1, 1 } },
	{ { "ns", "nanoseconds", NULL }, { "cpu", "nanoseconds", "nanoseconds", 1, 1000 } },
	{ { "us", "microseconds", NULL }, { "cpu", "microseconds", "microseconds", 1, 1 } },
	{ { "ms", "milliseconds", NULL }, { "cpu", "milliseconds", "milliseconds", 1000, 1 } },
	{ { "s", "seconds", NULL }, { "cpu", "seconds", "seconds", 1000000, 1 } },
	{ { "bytes", "B", NULL }, { "space", "bytes", "bytes", 1, 1 } },
};

/* The row whose names include s[0..n-1], or -1. */
static int
unit_row(const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		for (j = 0; units[i].names[j] != NULL; j++)
			if (strlen(units[i].names[j]) == n &&
			    memcmp(units[i].names[j], s, n) == 0)
				return (int)i;
	return -1;
}

void
pf_xunit_get(const char *countname, struct pf_xunit *u)
{
	const char *slash;
	int r;

	if (countname == NULL || countname[0] == '\0')
		countname = "samples";
	if ((r = unit_row(countname, strlen(countname))) >= 0) {
		*u = units[r].u;
		return;
	}
	/* TYPE/UNIT names both; a unit speedscope and DevTools know
	 * carries over to them. */
	if ((slash = strchr(countname, '/')) != NULL) {
		u->type = countname;
		u->unit = slash + 1;
		r = unit_row(slash + 1, strlen(slash + 1));
		u->speedscope = r >= 0 ? units[r].u.speedscope : "none";
		u->us_mul = r >= 0 ? units[r].u.us_mul : 1;
		u->us_div = r >= 0 ? units[r].u.us_div : 1;
		return;
	}
	u->type = countname;
	u->unit = "count";
	u->speedscope = "none";
	u->us_mul = u->us_div = 1;
}

int
pf_xwhole(pf_count c, uint64_t mul, uint64_t div, int64_t *out, int *rounded)
{
	/* c is below 2^94 and mul at most 10^6 < 2^20: no wrap. */
	pf_count v = c * mul, unit = PF_COUNT_ONE * div, w;

	*rounded = v % unit != 0;
	w = (v + unit / 2) / unit;
	if (w > (pf_count)INT64_MAX)
		return -1;
	*out = (int64_t)w;
	return 0;
}

/* ---------------------------------------------------------- frame names */

int
pf_xnames_init(struct pf_xnames *x, const struct pf_xtree *t, const char *head,
    const char *tail)
{
	struct pf_outbuf o = { NULL, NULL, 0, 0, 0 };
	size_t i, len, nf = pf_profile_nframes(t->p), hl = strlen(head), tl = strlen(tail);
	const char *s;
	char *enc = NULL;
	size_t ecap = 0;

	memset(x, 0, sizeof(*x));
	pf_arena_init(&x->arena);
	x->head = hl;
	x->frag = calloc(nf + 1, sizeof(*x->frag));
	x->flen = calloc(nf + 1, sizeof(*x->flen));
	x->nlen = calloc(nf + 1, sizeof(*x->nlen));
	if (x->frag == NULL || x->flen == NULL || x->nlen == NULL)
		goto nomem;
	for (i = 0; i < t->nused; i++) {
		uint32_t id = t->frame_order[i];

		s = pf_profile_frame(t->p, id, &len);
		/* At most six bytes per byte for the string, six for its
		 * percent-encoding as a JSON string, in a buffer that is never
		 * flushed (it has no file). */
		o.len = 0;
		o.cap = hl + len * 12 + tl + 32;
		if (o.cap > UINT32_MAX || (o.buf = pf_arena_alloc(&x->arena, o.cap + 1)) == NULL)
			goto nomem;
		pf_outbuf_put(&o, head, hl);
		if (pf_json_string(&o, s, len)) {
			x->replaced++;
			if (pf_grow(&enc, &ecap, 3 * len + 1, 1) != 0)
				goto nomem;
			x->nlen[id] = (uint32_t)(o.len - hl);
			pf_outbuf_puts(&o, ",\"pf:name\":");
			pf_json_string(&o, enc, pf_percent_encode(s, len, enc));
		} else
			x->nlen[id] = (uint32_t)(o.len - hl);
		pf_outbuf_put(&o, tail, tl);
		o.buf[o.len] = '\0';
		x->frag[id] = o.buf;
		x->flen[id] = (uint32_t)o.len;
	}
	free(enc);
	return 0;
nomem:
	free(enc);
	pf_xnames_release(x);
	return -1;
}

void
pf_xnames_release(struct pf_xnames *x)
{
	free(x->frag);
	free(x->flen);
	free(x->nlen);
	pf_arena_release(&x->arena);
	memset(x, 0, sizeof(*x));
}

/* --------------------------------------------------------------- output */

int
pf_xout_open(struct pf_outbuf *o, FILE *f, struct pf_error *err)
{
	o->f = f;
	o->len = 0;
	o->cap = 1 << 16;
	o->failed = 0;
	if ((o->buf = malloc(o->cap)) == NULL)
		return pf_nomem(err, NULL, 0);
	return 0;
}

int
pf_xout_close(struct pf_outbuf *o, struct pf_error *err)
{
	int rc = 0;

	if (o->buf == NULL)
		return 0;
	pf_outbuf_flush(o);
	if (o->failed || fflush(o->f) != 0)
		rc = pf_errc(err, PF_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
	free(o->buf);
	o->buf = NULL;
	return rc;
}

/* ---------------------------------------------------------------- write */

int
pf_export_write(const struct pf_profile *p, const struct pf_export_options *o,
    FILE *out, struct pf_export_stats *st, struct pf_error *err)
{
	struct pf_export_stats local;
	struct pf_xtree t;
	int rc, flags;

	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (o->format < 0 || o->format >= PF_EXPORT_COUNT)
		return pf_err(err, NULL, 0, "unknown export format %d", o->format);
	/* A flame chart in d3-flame-graph's tree is the order of its
	 * children; the other formats keep the order in their samples. */
	flags = o->format == PF_EXPORT_D3 ? PF_XTREE_NODES | PF_XTREE_TOTALS |
	    (pf_profile_ordered(p) ? PF_XTREE_NEIGHBOURS : 0) :
	    o->format == PF_EXPORT_CPUPROFILE ? PF_XTREE_NODES : 0;
	if (pf_xtree_build(&t, p, flags, err) != 0)
		return -1;
	switch (o->format) {
	case PF_EXPORT_PPROF:
		rc = pf_export_pprof(&t, o, out, st, err);
		break;
	case PF_EXPORT_SPEEDSCOPE:
		rc = pf_export_speedscope(&t, o, out, st, err);
		break;
	case PF_EXPORT_D3:
		rc = pf_export_d3(&t, o, out, st, err);
		break;
	default:
		rc = pf_export_cpuprofile(&t, o, out, st, err);
		break;
	}
	pf_xtree_release(&t);
	return rc;
}
