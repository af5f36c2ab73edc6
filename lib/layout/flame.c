/*
 * flame.c - the flame tree: stacks merged into a tree of frames, then laid
 * out (x, width, depth), pruned and ordered for the renderers.
 *
 * Folded input is read straight into the tree.  Consecutive lines of sorted
 * input share most of their frames, so each line is first compared with the
 * previous one byte for byte and only the frames after the first difference
 * are looked up in the (parent, name) table.  That keeps rendering close to
 * the speed of reading the input.
 */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "internal.h"

#define NODE_SEED 0x8f1bbcdcca62c1d6ULL

void
pf_flame_options_init(struct pf_flame_options *o)
{
	memset(o, 0, sizeof(*o));
	o->width = 1200;
	o->frame_height = 16;
	o->minwidth = 0.1;
	o->fonttype = "Verdana";
	o->fontsize = 12;
	o->fontwidth = 0.59;
	o->font_metrics = 1;
	o->countname = "samples";
	o->nametype = "Function:";
	o->palette = PF_PALETTE_HOT;
	o->factor = 1;
	o->diff_mode = PF_DIFF_SELF;
}

static uint32_t
intern(struct pf_flame *f, const char *s, size_t n, uint64_t h)
{
	struct pf_strmap_slot *slot;
	int nomem = 0;

	slot = pf_strmap_find(&f->names, s, n, h, 1, &nomem);
	if (slot == NULL)
		return UINT32_MAX;
	if (slot->value != UINT32_MAX)
		return slot->value;
	if (pf_grow(&f->name, &f->name_cap, f->nnames + 1, sizeof(*f->name)) != 0 ||
	    pf_grow(&f->name_len, &f->name_lcap, f->nnames + 1, sizeof(*f->name_len)) != 0)
		return UINT32_MAX;
	f->name[f->nnames] = slot->key;
	f->name_len[f->nnames] = slot->len;
	slot->value = (uint32_t)f->nnames;
	return (uint32_t)f->nnames++;
}

static uint32_t
new_node(struct pf_flame *f, uint32_t parent, uint32_t name)
{
	struct pf_flame_node *n;

	if (f->nnodes >= UINT32_MAX - 1 ||
	    pf_grow(&f->node, &f->node_cap, f->nnodes + 1, sizeof(*f->node)) != 0)
		return UINT32_MAX;
	n = &f->node[f->nnodes];
	memset(n, 0, sizeof(*n));
	n->parent = parent;
	n->name = name;
	n->depth = parent == UINT32_MAX ? 0 : f->node[parent].depth + 1;
	n->first_child = n->next_sibling = UINT32_MAX;
	return (uint32_t)f->nnodes++;
}

struct pf_flame *
pf_flame_new(const struct pf_flame_options *o, struct pf_error *err)
{
	struct pf_flame *f = calloc(1, sizeof(*f));

	if (f == NULL)
		goto nomem;
	f->o = *o;
	if (pf_strmap_init(&f->names, 1024) != 0)
		goto nomem;
	if (pf_strmap_init(&f->attr_names, 16) != 0)
		goto nomem;
	f->table_mask = 4095;
	if ((f->table = calloc(f->table_mask + 1, sizeof(*f->table))) == NULL)
		goto nomem;
	if (intern(f, "all", 3, pf_hash_bytes("all", 3, NODE_SEED)) != 0 ||
	    new_node(f, UINT32_MAX, 0) != 0)
		goto nomem;
	f->rng = 0x243f6a8885a308d3ULL;
	if (o->random) {
		/* Not reproducible on purpose: that is what --random asks. */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		f->rng ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec;
	}
	if (o->encoding != NULL && strcasecmp(o->encoding, "utf-8") != 0 &&
	    strcasecmp(o->encoding, "utf8") != 0) {
		iconv_t cd = iconv_open("UTF-8", o->encoding);

		if (cd == (iconv_t)-1) {
			pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "unknown encoding '%s'", o->encoding);
			pf_flame_free(f);
			return NULL;
		}
		f->iconv = cd;
	}
	return f;
nomem:
	pf_flame_free(f);
	pf_nomem(err, NULL, 0);
	return NULL;
}

void
pf_flame_free(struct pf_flame *f)
{
	size_t i;

	if (f == NULL)
		return;
	pf_strmap_release(&f->names);
	pf_strmap_release(&f->attr_names);
	free(f->name);
	free(f->name_len);
	free(f->node);
	free(f->table);
	free(f->prev);
	free(f->path_end);
	free(f->path_node);
	free(f->rev);
	for (i = 0; i < f->nattr; i++) {
		free(f->attr[i].g_attrs);
		free(f->attr[i].title);
		free(f->attr[i].href);
		free(f->attr[i].target);
	}
	free(f->attr);
	free(f->draw);
	free(f->selfdelta);
	if (f->label != NULL) {
		for (i = 0; i < f->nnames; i++)
			free(f->label[i]);
		free(f->label);
	}
	if (f->iconv != NULL)
		iconv_close((iconv_t)f->iconv);
	free(f);
}

/* Where a child (parent, name) lives in the table. */
static uint64_t
child_hash(uint32_t parent, uint32_t name)
{
	uint64_t h = ((uint64_t)parent << 32 | name) * 0x9e3779b97f4a7c15ULL;

	return h ^ (h >> 29);
}

static void
table_put(uint32_t *t, size_t mask, uint64_t h, uint32_t idx)
{
	size_t i;

	for (i = h & mask; t[i] != 0; i = (i + 1) & mask)
		;
	t[i] = idx + 1;
}

static int
table_grow(struct pf_flame *f)
{
	size_t cap = (f->table_mask + 1) * 2, i;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (t == NULL)
		return -1;
	for (i = 1; i < f->nnodes; i++) {
		const struct pf_flame_node *n = &f->node[i];

		if (f->node[n->parent].hashed)
			table_put(t, cap - 1, child_hash(n->parent, n->name), (uint32_t)i);
	}
	free(f->table);
	f->table = t;
	f->table_mask = cap - 1;
	return 0;
}

/* Children beyond this many are found through the table, not the list. */
#define LIST_MAX 8

/*
 * The child of parent called s[0..n-1], created when missing.  Sorted input
 * makes most new frames children of a frame created on the same line: a
 * frame without children needs no search, and the new node is written at
 * the end of the array, so building costs little more than reading.
 */
static uint32_t
child(struct pf_flame *f, uint32_t parent, const char *s, size_t n)
{
	struct pf_flame_node *p;
	uint32_t name, idx, c;
	size_t i;

	if ((name = intern(f, s, n, pf_hash_bytes(s, n, NODE_SEED))) == UINT32_MAX)
		return UINT32_MAX;
	p = &f->node[parent];
	if (f->o.flamechart) {
		/* A flame chart merges only what the previous line shares. */
	} else if (p->hashed) {
		uint64_t h = child_hash(parent, name);

		for (i = h & f->table_mask; (idx = f->table[i]) != 0;
		    i = (i + 1) & f->table_mask) {
			const struct pf_flame_node *k = &f->node[idx - 1];

			if (k->name == name && k->parent == parent)
				return idx - 1;
		}
	} else {
		for (c = p->first_child; c != UINT32_MAX; c = f->node[c].next_sibling)
			if (f->node[c].name == name)
				return c;
	}
	if ((idx = new_node(f, parent, name)) == UINT32_MAX)
		return UINT32_MAX;
	p = &f->node[parent];	/* the array may have moved */
	f->node[idx].next_sibling = p->first_child;
	p->first_child = idx;
	p->nchildren++;
	if (f->o.flamechart)
		return idx;
	if (p->hashed || p->nchildren > LIST_MAX) {
		size_t need = p->hashed ? 1 : p->nchildren;

		if ((f->nhashed + need) * 2 > f->table_mask + 1) {
			p->hashed = 1;
			f->nhashed += need;
			if (table_grow(f) != 0)
				return UINT32_MAX;
			return idx;	/* the grown table holds them */
		}
		if (!p->hashed) {
			p->hashed = 1;
			for (c = p->first_child; c != UINT32_MAX; c = f->node[c].next_sibling)
				table_put(f->table, f->table_mask,
				    child_hash(parent, f->node[c].name), c);
		} else {
			table_put(f->table, f->table_mask, child_hash(parent, name), idx);
		}
		f->nhashed += need;
	}
	return idx;
}

static size_t
common_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return i + (size_t)(__builtin_ctzll(x ^ y) >> 3);
		i += 8;
	}
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/*
 * Adds counts to the stack s[0..n-1] ("a;b;c").  Frames shared with the
 * previous stack are found by comparing the text; the rest by lookup.
 */
static int
add_text(struct pf_flame *f, const char *s, size_t n, pf_count a, pf_count b,
    struct pf_error *err)
{
	size_t l = common_prefix(s, f->prev, n < f->prev_len ? n : f->prev_len);
	size_t k = 0, start, i;
	uint32_t parent = 0;
	struct pf_flame_node *leaf;

	while (k < f->path_len && (f->path_end[k] < l ||
	    (f->path_end[k] == l && (l == n || s[l] == ';'))))
		k++;
	if (k > 0)
		parent = f->path_node[k - 1];
	f->path_len = k;
	if (k == 0 || f->path_end[k - 1] != n) {
		/* The frames after the shared ones are looked up. */
		start = k > 0 ? f->path_end[k - 1] + 1 : 0;
		for (i = start; ; i++) {
			if (i < n && s[i] != ';')
				continue;
			parent = child(f, parent, s + start, i - start);
			if (parent == UINT32_MAX)
				goto nomem;
			if (pf_grow(&f->path_end, &f->path_cap, f->path_len + 1,
			    sizeof(*f->path_end)) != 0 ||
			    pf_grow(&f->path_node, &f->path_cap2, f->path_len + 1,
			    sizeof(*f->path_node)) != 0)
				goto nomem;
			f->path_end[f->path_len] = (uint32_t)i;
			f->path_node[f->path_len++] = parent;
			start = i + 1;
			if (i >= n)
				break;
		}
	}
	if (pf_grow(&f->prev, &f->prev_cap, n + 1, 1) != 0)
		goto nomem;
	memcpy(f->prev + l, s + l, n - l);
	f->prev_len = n;
	leaf = &f->node[parent];
	if (pf_count_add(leaf->total[0], a, &leaf->total[0]) != 0 ||
	    pf_count_add(leaf->total[1], b, &leaf->total[1]) != 0)
		return pf_err(err, NULL, 0, "count overflow: a stack's total exceeds 2^64");
	return 0;
nomem:
	f->path_len = 0;
	f->prev_len = 0;
	return pf_nomem(err, NULL, 0);
}

/* --reverse: the frames of s in the opposite order. */
static int
add_reversed(struct pf_flame *f, const char *s, size_t n, pf_count a, pf_count b,
    struct pf_error *err)
{
	size_t i, end = n, used = 0;

	if (pf_grow(&f->rev, &f->rev_cap, n + 1, 1) != 0)
		return pf_nomem(err, NULL, 0);
	for (i = n; i-- > 0;) {
		if (s[i] != ';')
			continue;
		memcpy(f->rev + used, s + i + 1, end - i - 1);
		used += end - i - 1;
		f->rev[used++] = ';';
		end = i;
	}
	memcpy(f->rev + used, s, end);
	used += end;
	return add_text(f, f->rev, used, a, b, err);
}

static int
add_stack(struct pf_flame *f, const char *s, size_t n, pf_count a, pf_count b,
    struct pf_error *err)
{
	return f->o.reverse ? add_reversed(f, s, n, a, b, err) : add_text(f, s, n, a, b, err);
}

static size_t
rtrim(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* Reads folded text with the grammar every reader shares
 * (pf_folded_parse_line), straight into the flame tree. */
int
pf_flame_read_folded(struct pf_flame *f, struct pf_reader *r, struct pf_error *err)
{
	const char *line, *name = pf_reader_name(r);
	char msg[256];
	size_t len, slen;
	pf_count a, b;
	int st;

	while ((st = pf_reader_line(r, &line, &len, err)) != PF_LINE_EOF) {
		if (st == PF_LINE_ERROR)
			return -1;
		if (st == PF_LINE_TOOLONG)
			return pf_err(err, name, pf_reader_lineno(r),
			    "line longer than %u bytes", PF_LINE_MAX);
		len = rtrim(line, len);
		if (len == 0)
			continue;
		if (pf_folded_parse_line(line, len, 0, &f->columns, &slen, &a, &b,
		    msg, sizeof(msg)) != PF_FOLDED_LINE_OK)
			return pf_err(err, name, pf_reader_lineno(r), "%s", msg);
		/* The tree keeps a one-column count where a differential
		 * profile keeps its second ("after") count. */
		if (f->columns == 1) {
			b = a;
			a = 0;
		}
		if (add_stack(f, line, slen, a, b, err) != 0) {
			pf_err_name(err, name);
			err->line = pf_reader_lineno(r);
			return -1;
		}
	}
	return 0;
}

int
pf_flame_add_profile(struct pf_flame *f, const struct pf_profile *p,
    struct pf_error *err)
{
	char *buf = NULL;
	size_t cap = 0, i, j, n, len, used;
	int rc = -1;

	if (f->columns == 0)
		f->columns = pf_profile_columns(p);
	for (i = 0; i < pf_profile_nstacks(p); i++) {
		pf_count a, b;
		const uint32_t *fr = pf_profile_stack(p, i, &n, &a, &b);

		used = 0;
		for (j = 0; j < n; j++) {
			const char *nm = pf_profile_frame(p, fr[j], &len);

			if (pf_grow(&buf, &cap, used + len + 2, 1) != 0) {
				pf_nomem(err, NULL, 0);
				goto out;
			}
			if (j > 0)
				buf[used++] = ';';
			memcpy(buf + used, nm, len);
			used += len;
		}
		if (n == 0)
			continue;
		if (f->columns == 2 ? add_stack(f, buf, used, a, b, err) :
		    add_stack(f, buf, used, 0, a, err))
			goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* ---------------------------------------------------------------- nameattr */

static int
attr_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':' || c == '.'))
			return 0;
	}
	return 1;
}

static char *
dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Appends ' k="v"' to *buf, v escaped for an attribute. */
static int
append_attr(char **buf, size_t *len, const char *k, size_t kn, const char *v, size_t vn)
{
	size_t cap = *len + kn + vn * 6 + 8, i;
	char *d = realloc(*buf, cap), *o;

	if (d == NULL)
		return -1;
	*buf = d;
	o = d + *len;
	*o++ = ' ';
	memcpy(o, k, kn);
	o += kn;
	*o++ = '=';
	*o++ = '"';
	for (i = 0; i < vn; i++) {
		unsigned char c = (unsigned char)v[i];
		const char *e = NULL;

		switch (c) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		}
		if (e != NULL) {
			memcpy(o, e, strlen(e));
			o += strlen(e);
		} else {
			*o++ = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
	}
	*o++ = '"';
	*o = '\0';
	*len = (size_t)(o - d);
	return 0;
}

int
pf_flame_nameattr(struct pf_flame *f, struct pf_reader *r, struct pf_error *err)
{
	const char *line, *name = pf_reader_name(r);
	size_t len;
	int st;

	while ((st = pf_reader_line(r, &line, &len, err)) != PF_LINE_EOF) {
		struct pf_strmap_slot *slot;
		struct pf_nameattr *na;
		const char *tab, *end = line + len, *p;
		size_t glen = 0;
		int nomem = 0;

		if (st != PF_LINE_OK) {
			if (st == PF_LINE_TOOLONG)
				pf_err(err, name, pf_reader_lineno(r), "line too long");
			return -1;
		}
		if (len == 0)
			continue;
		tab = memchr(line, '\t', len);
		if (tab == NULL)
			tab = end;
		slot = pf_strmap_find(&f->attr_names, line, (size_t)(tab - line),
		    pf_hash_bytes(line, (size_t)(tab - line), 0), 1, &nomem);
		if (slot == NULL ||
		    pf_grow(&f->attr, &f->attr_cap, f->nattr + 1, sizeof(*f->attr)) != 0)
			return pf_nomem(err, name, 0);
		if (slot->value == UINT32_MAX) {
			slot->value = (uint32_t)f->nattr;
			memset(&f->attr[f->nattr++], 0, sizeof(*f->attr));
		}
		na = &f->attr[slot->value];
		glen = na->g_attrs != NULL ? strlen(na->g_attrs) : 0;
		for (p = tab; p < end; ) {
			const char *q, *eq;
			char **dst = NULL;

			p++;
			q = memchr(p, '\t', (size_t)(end - p));
			if (q == NULL)
				q = end;
			if (q == p) {
				p = q;
				continue;
			}
			eq = memchr(p, '=', (size_t)(q - p));
			if (eq == NULL || !attr_name_ok(p, (size_t)(eq - p)))
				return pf_err(err, name, pf_reader_lineno(r),
				    "expected attr=value after the name");
			if (eq - p >= 2 && strncasecmp(p, "on", 2) == 0)
				return pf_err(err, name, pf_reader_lineno(r),
				    "event handler attribute '%.*s' is not allowed",
				    (int)(eq - p), p);
			if (eq - p == 5 && memcmp(p, "title", 5) == 0)
				dst = &na->title;
			else if (eq - p == 4 && memcmp(p, "href", 4) == 0)
				dst = &na->href;
			else if (eq - p == 6 && memcmp(p, "target", 6) == 0)
				dst = &na->target;
			if (dst != NULL) {
				free(*dst);
				if ((*dst = dup_n(eq + 1, (size_t)(q - eq - 1))) == NULL)
					return pf_nomem(err, name, 0);
			} else if (append_attr(&na->g_attrs, &glen, p, (size_t)(eq - p),
			    eq + 1, (size_t)(q - eq - 1)) != 0) {
				return pf_nomem(err, name, 0);
			}
			p = q;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ layout */

pf_count
pf_flame_total(const struct pf_flame *f)
{
	pf_count t = 0;
	size_t i;

	if (f->summed)
		return f->node[0].total[1];
	for (i = 0; i < f->nnodes; i++)
		t += f->node[i].total[1];
	return t;
}

size_t
pf_flame_nframes_drawn(const struct pf_flame *f)
{
	return f->ndraw;
}

static int
cmp_children(const void *x, const void *y, void *arg)
{
	const struct pf_flame *f = arg;
	const struct pf_flame_node *a = &f->node[*(const uint32_t *)x];
	const struct pf_flame_node *b = &f->node[*(const uint32_t *)y];
	size_t la = f->name_len[a->name], lb = f->name_len[b->name];
	int c = memcmp(f->name[a->name], f->name[b->name], la < lb ? la : lb);

	return c != 0 ? c : (la > lb) - (la < lb);
}

void
pf_flame_geom(const struct pf_flame *f, struct pf_flame_geom *g)
{
	g->width = f->o.width;
	g->xpad = 10;
	g->ypad1 = f->o.fontsize * 3;
	g->ypad2 = f->o.fontsize * 2 + 10;
	g->ypad3 = f->o.subtitle != NULL ? f->o.fontsize * 2 : 0;
	g->height = (f->depthmax + 1) * f->o.frame_height + g->ypad1 + g->ypad2 + g->ypad3;
}

double
pf_flame_y(const struct pf_flame *f, const struct pf_flame_geom *g, uint32_t d)
{
	if (f->o.inverted)
		return g->ypad1 + g->ypad3 + d * f->o.frame_height;
	return g->height - g->ypad2 - (d + 1) * f->o.frame_height;
}

double
pf_flame_delta(const struct pf_flame *f, uint32_t node)
{
	const struct pf_flame_node *n = &f->node[node];
	int inc = f->o.diff_mode == PF_DIFF_INCLUSIVE;

	if (!inc)
		return f->selfdelta != NULL ? f->selfdelta[node] : 0;
	return pf_count_to_double(n->total[1]) - pf_count_to_double(n->total[0]);
}

int
pf_flame_layout(struct pf_flame *f, struct pf_error *err)
{
	uint32_t *first = NULL, *kids = NULL, *pos = NULL, *stack = NULL;
	pf_count *xoff = NULL, mincount;
	size_t i, nn = f->nnodes, sp = 0;
	double wpt, avail;
	int rc = -1;

	f->ndraw = 0;
	f->hidden = 0;
	f->depthmax = 0;
	f->maxdelta = 0;
	if (!f->summed) {
		if (f->columns == 2) {
			if ((f->selfdelta = malloc((nn + 1) * sizeof(*f->selfdelta))) == NULL)
				return pf_nomem(err, NULL, 0);
			for (i = 0; i < nn; i++)
				f->selfdelta[i] = pf_count_to_double(f->node[i].total[1]) -
				    pf_count_to_double(f->node[i].total[0]);
		}
		/* Children come after their parent: one pass from the end. */
		for (i = nn; i-- > 1;) {
			struct pf_flame_node *n = &f->node[i], *p = &f->node[n->parent];

			if (pf_count_add(p->total[0], n->total[0], &p->total[0]) != 0 ||
			    pf_count_add(p->total[1], n->total[1], &p->total[1]) != 0)
				return pf_err(err, NULL, 0,
				    "count overflow: the total exceeds 2^64");
		}
		f->summed = 1;
	}
	f->grand = f->node[0].total[1];
	if (f->o.total != 0) {
		if (f->o.total < f->grand)
			return pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "--total is less than the sum of the counts");
		f->grand = f->o.total;
	}
	if (f->grand == 0)
		return 0;

	/* Children of each node, contiguous: kids[first[p] .. first[p+1]). */
	first = calloc(nn + 2, sizeof(*first));
	kids = malloc((nn + 1) * sizeof(*kids));
	pos = malloc((nn + 1) * sizeof(*pos));
	stack = malloc((nn + 1) * sizeof(*stack));
	xoff = malloc((nn + 1) * sizeof(*xoff));
	if (first == NULL || kids == NULL || pos == NULL || stack == NULL || xoff == NULL)
		goto nomem;
	for (i = 1; i < nn; i++)
		first[f->node[i].parent + 1]++;
	for (i = 0; i < nn; i++)
		first[i + 1] += first[i];
	memcpy(pos, first, nn * sizeof(*pos));
	for (i = 1; i < nn; i++)
		kids[pos[f->node[i].parent]++] = (uint32_t)i;

	avail = f->o.width - 20;
	wpt = avail / pf_count_to_double(f->grand);
	if (f->o.minwidth_percent)
		mincount = (pf_count)(pf_count_to_double(f->grand) * f->o.minwidth / 100 *
		    (double)PF_COUNT_ONE);
	else
		mincount = (pf_count)(f->o.minwidth / wpt * (double)PF_COUNT_ONE);
	f->mincount = mincount;

	/* Depth first, parents drawn before children; siblings by name
	 * unless this is a flame chart. */
	xoff[0] = 0;
	stack[sp++] = 0;
	while (sp > 0) {
		uint32_t v = stack[--sp];
		struct pf_flame_node *n = &f->node[v];
		struct pf_flame_draw *d;
		pf_count x;
		uint32_t k;

		/* Only children of drawn frames get here: what is left out
		 * is a whole subtree, counted once. */
		if (n->total[1] < mincount || n->total[1] == 0) {
			f->hidden += n->total[1];
			continue;
		}
		if (pf_grow(&f->draw, &f->draw_cap, f->ndraw + 1, sizeof(*f->draw)) != 0)
			goto nomem;
		d = &f->draw[f->ndraw++];
		d->node = v;
		d->x1 = 10 + pf_count_to_double(xoff[v]) * wpt;
		d->x2 = 10 + pf_count_to_double(xoff[v] + n->total[1]) * wpt;
		if (n->depth > f->depthmax)
			f->depthmax = n->depth;
		if (f->columns == 2) {
			double dl = fabs(pf_flame_delta(f, v));

			if (dl > f->maxdelta)
				f->maxdelta = dl;
		}
		if (!f->o.flamechart)
			qsort_r(kids + first[v], first[v + 1] - first[v], sizeof(*kids),
			    cmp_children, f);
		x = xoff[v];
		for (k = first[v]; k < first[v + 1]; k++) {
			xoff[kids[k]] = x;
			x += f->node[kids[k]].total[1];
		}
		/* Pushed in reverse so the first child is drawn first. */
		for (k = first[v + 1]; k > first[v]; k--)
			stack[sp++] = kids[k - 1];
	}
	rc = 0;
	goto out;
nomem:
	pf_nomem(err, NULL, 0);
out:
	free(first);
	free(kids);
	free(pos);
	free(stack);
	free(xoff);
	return rc;
}

/* ------------------------------------------------------------------ labels */

static size_t
put_replacement(char *o)
{
	memcpy(o, "\xef\xbf\xbd", 3);
	return 3;
}

/* Length of the valid UTF-8 character at s (n bytes left), or 0. */
static size_t
utf8_char(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t k, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff ||
	    (c >= 0x80 && c <= 0x9f))
		return 0;
	return k;
}

size_t
pf_clean_utf8(const char *s, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; ) {
		unsigned char c = (unsigned char)s[i];
		size_t k = utf8_char((const unsigned char *)s + i, n - i);

		if (k == 0 || c < 0x20 || c == 0x7f) {
			o += put_replacement(out + o);
			i++;
			continue;
		}
		memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	return o;
}

size_t
pf_percent_encode(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < n; ) {
		unsigned char c = (unsigned char)s[i];
		size_t k = utf8_char((const unsigned char *)s + i, n - i);

		if (k == 0 || c < 0x20 || c == 0x7f || c == '%') {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
			i++;
			continue;
		}
		memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	return o;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
pf_percent_decode(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			s[o++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
			continue;
		}
		s[o++] = s[i];
	}
	return o;
}

const char *
pf_flame_label(struct pf_flame *f, uint32_t id, size_t *len)
{
	const char *s = f->name[id];
	size_t n = f->name_len[id];
	char *conv = NULL, *out;

	if (f->label == NULL && (f->label = calloc(f->nnames + 1, sizeof(*f->label))) == NULL)
		goto fail;
	if (f->label[id] != NULL) {
		*len = strlen(f->label[id]);
		return f->label[id];
	}
	if (pf_frame_annotation(s, n))
		n -= 4;
	if (f->iconv != NULL && n > 0) {
		/* Converted as a whole; a byte that does not convert becomes
		 * an invalid UTF-8 byte, replaced below like any other. */
		size_t cap = n * 4 + 4, in = n, left = cap;
		char *ip = (char *)s, *op;

		if ((conv = malloc(cap)) == NULL)
			goto fail;
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
	if ((out = malloc(n * 3 + 1)) == NULL)
		goto fail;
	*len = pf_clean_utf8(s, n, out);
	free(conv);
	f->label[id] = out;
	return out;
fail:
	free(conv);
	*len = 0;
	return "";
}

/* ------------------------------------------------------------------ colours */

struct pf_rgb
pf_flame_color(struct pf_flame *f, uint32_t node)
{
	const struct pf_flame_node *n = &f->node[node];
	const char *s = f->name[n->name];
	size_t len = f->name_len[n->name], ln;
	struct pf_rgb c;

	if (f->columns == 2) {
		double d = pf_flame_delta(f, node), m = f->maxdelta;
		int r = 255, g = 255, b = 255;

		if (f->o.negate)
			d = -d;
		if (m > 0 && d > 0) {
			g = b = (int)(210 * (m - d) / m);
		} else if (m > 0 && d < 0) {
			r = g = (int)(210 * (m + d) / m);
		}
		c.r = (uint8_t)r;
		c.g = (uint8_t)g;
		c.b = (uint8_t)b;
		return c;
	}
	if (f->o.palette_map != NULL) {
		const char *l = pf_flame_label(f, n->name, &ln);

		if (pf_palette_map_get(f->o.palette_map, l, ln, &c) == 0)
			return c;
		c = pf_palette_color(f->o.palette, s, len, f->o.random ? &f->rng : NULL);
		pf_palette_map_add(f->o.palette_map, l, ln, c);
		return c;
	}
	return pf_palette_color(f->o.palette, s, len, f->o.random ? &f->rng : NULL);
}
