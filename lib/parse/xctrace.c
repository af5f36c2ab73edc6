/*
 * xctrace.c - Instruments time profiles, as `xctrace export` writes the
 * time-profile table in XML, to folded stacks (libxml2).
 *
 * Each <row> of the table is one sample: its <weight> (nanoseconds) and its
 * <backtrace>, whose <frame name=".." addr=".."> children run from the
 * leaf outwards.  To keep the export small, xctrace writes every value in
 * full once, with an id="N", and later only as <element ref="N"/>: a
 * backtrace, a frame or a weight may each be such a reference, so the ids
 * are indexed as the rows are read and references resolved against them.
 * A frame without a name (no symbols) is its address.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>

#include "xml.h"

struct xct {
	struct pf_profile *p;
	const struct pf_collapse_options *o;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	struct pf_strmap ids;	/* id -> index in nodes */
	xmlNode **nodes;
	size_t nnodes, ncap;
	uint32_t *stack;
	size_t scap;
};

static int
is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* Indexes the ids in n's subtree (depth first, in document order). */
static int
index_ids(struct xct *x, xmlNode *n, int depth)
{
	xmlChar *id;
	struct pf_strmap_slot *slot;
	int nomem = 0;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if ((id = xmlGetNoNsProp(n, (const xmlChar *)"id")) != NULL) {
			size_t len = strlen((const char *)id);

			slot = pf_strmap_find(&x->ids, (const char *)id, len,
			    pf_hash_bytes(id, len, 7), 1, &nomem);
			xmlFree(id);
			if (slot == NULL)
				return pf_nomem(x->err, x->name, 0);
			if (pf_grow(&x->nodes, &x->ncap, x->nnodes + 1, sizeof(*x->nodes)) != 0)
				return pf_nomem(x->err, x->name, 0);
			slot->value = (uint32_t)x->nnodes;
			x->nodes[x->nnodes++] = n;
		}
		if (depth < 32 && index_ids(x, n->children, depth + 1) != 0)
			return -1;
	}
	return 0;
}

/* n itself, or the element its ref="N" names (NULL if unknown). */
static xmlNode *
deref(struct xct *x, xmlNode *n)
{
	xmlChar *ref;
	struct pf_strmap_slot *slot;
	size_t len;
	int nomem = 0, hops;

	for (hops = 0; n != NULL && hops < 8; hops++) {
		if ((ref = xmlGetNoNsProp(n, (const xmlChar *)"ref")) == NULL)
			return n;
		len = strlen((const char *)ref);
		slot = pf_strmap_find(&x->ids, (const char *)ref, len,
		    pf_hash_bytes(ref, len, 7), 0, &nomem);
		xmlFree(ref);
		n = slot != NULL && slot->value < x->nnodes ? x->nodes[slot->value] : NULL;
	}
	return NULL;
}

static uint32_t
frame_id(struct xct *x, xmlNode *f)
{
	xmlChar *v = xmlGetNoNsProp(f, (const xmlChar *)"name");
	uint32_t id;
	size_t i, n;

	if (v == NULL || v[0] == '\0') {
		xmlFree(v);
		v = xmlGetNoNsProp(f, (const xmlChar *)"addr");
		if (v == NULL)
			return pf_profile_intern(x->p, "[unknown]", 9);
	}
	n = strlen((const char *)v);
	for (i = 0; i < n; i++)
		if (v[i] == '\n')
			v[i] = ' ';
	n = pf_name_tidy((char *)v, n, PF_NAME_RUST);
	id = pf_profile_intern(x->p, (const char *)v, n);
	xmlFree(v);
	return id;
}

static int
row(struct xct *x, xmlNode *r)
{
	xmlNode *c, *bt = NULL, *w = NULL, *f;
	pf_count weight = PF_COUNT_ONE;
	size_t n = 0;

	for (c = r->children; c != NULL; c = c->next) {
		if (is(c, "backtrace"))
			bt = deref(x, c);
		else if (is(c, "weight"))
			w = deref(x, c);
	}
	x->st->samples++;
	if (x->o->weight_time) {
		xmlChar *t = w != NULL ? xmlNodeGetContent(w) : NULL;

		if (t == NULL || pf_count_parse((const char *)t, strlen((const char *)t),
		    &weight) != PF_COUNT_OK) {
			xmlFree(t);
			return pf_err(x->err, x->name, (uint64_t)xmlGetLineNo(r),
			    "a row without a weight in nanoseconds");
		}
		xmlFree(t);
	}
	if (bt != NULL) {
		for (f = bt->children; f != NULL; f = f->next) {
			xmlNode *fr;

			if (!is(f, "frame") || (fr = deref(x, f)) == NULL)
				continue;
			if (pf_grow(&x->stack, &x->scap, n + 1, sizeof(*x->stack)) != 0 ||
			    (x->stack[n++] = frame_id(x, fr)) == UINT32_MAX)
				return pf_nomem(x->err, x->name, 0);
		}
	}
	if (n == 0) {
		if (pf_grow(&x->stack, &x->scap, 1, sizeof(*x->stack)) != 0 ||
		    (x->stack[n++] = pf_profile_intern(x->p, "[no stack]", 10)) ==
		    UINT32_MAX)
			return pf_nomem(x->err, x->name, 0);
	}
	/* Leaf first: reverse. */
	pf_stack_reverse(x->stack, n);
	if (weight > 0 && pf_profile_add(x->p, x->stack, n, weight, 0, x->err) != 0) {
		pf_err_name(x->err, x->name);
		return -1;
	}
	return 0;
}

static int
rows(struct xct *x, xmlNode *n, int depth)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is(n, "row")) {
			if (row(x, n) != 0)
				return -1;
		} else if (depth < 8 && rows(x, n->children, depth + 1) != 0) {
			return -1;
		}
	}
	return 0;
}

/* XML that holds xctrace's <trace-query-result>. */
int
pf_xctrace_detect(const struct pf_peek *pk, size_t *where)
{
	PF_UNUSED(where);
	return pf_peek_xml_has(pk, "<trace-query-result") ? PF_CLAIM_MAGIC :
	    PF_CLAIM_NONE;
}

int
pf_xctrace_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct xct x;
	xmlDoc *doc = NULL;
	xmlNode *root;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	x.p = p;
	x.o = o;
	x.st = st;
	x.err = err;
	x.name = pf_reader_name(r);
	if (pf_strmap_init(&x.ids, 1024) != 0)
		return pf_nomem(err, x.name, 0);
	if ((doc = pf_xml_read(r, "export", err)) == NULL)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (index_ids(&x, root, 0) != 0 || rows(&x, root, 0) != 0)
		goto out;
	if (st->samples == 0) {
		pf_err(err, x.name, 0, "no <row> of a time-profile table (export it "
		    "with xctrace export --xpath '...table[@schema=\"time-profile\"]')");
		goto out;
	}
	rc = 0;
out:
	xmlFreeDoc(doc);
	free(x.nodes);
	free(x.stack);
	pf_strmap_release(&x.ids);
	return rc;
}
