/*
 * symtab.c - symbol tables that answer an address the way perf does.
 *
 * perf keeps the symbols of a dso in a red-black tree ordered by start
 * address (equal starts to the right, in insertion order) and looks an
 * address up by walking down from the root, taking the first symbol on
 * the way that covers it.  Where symbols overlap (an assembly label inside
 * a function, code of a JIT map reused after garbage collection) the
 * answer depends on the shape of the tree, so this table is that tree:
 * the same insertions and removals, rebalanced by the same rules (those of
 * the Linux kernel's lib/rbtree.c), give the same shape and the same
 * answers.  The rules are the textbook ones; the cases are spelled out
 * below so a reader can check them against the kernel's.
 */
#include <stdlib.h>

#include "internal.h"
#include "parse/perfdata.h"

#define NIL UINT32_MAX

void
pf_symtab_init(struct pf_symtab *t)
{
	memset(t, 0, sizeof(*t));
	t->root = NIL;
	pf_arena_init(&t->names);
}

void
pf_symtab_release(struct pf_symtab *t)
{
	free(t->s);
	pf_arena_release(&t->names);
	memset(t, 0, sizeof(*t));
	t->root = NIL;
}

static void
set_child(struct pf_symtab *t, uint32_t parent, uint32_t old, uint32_t new)
{
	if (parent == NIL)
		t->root = new;
	else
		t->s[parent].c[t->s[parent].c[1] == old] = new;
}

static int
is_red(const struct pf_symtab *t, uint32_t n)
{
	return n != NIL && t->s[n].red;
}

/* Rotation helper: new takes old's place (parent and colour); old gets
 * new as its parent and the colour given. */
static void
rotate_set_parents(struct pf_symtab *t, uint32_t old, uint32_t new, int red)
{
	uint32_t parent = t->s[old].p;

	t->s[new].p = parent;
	t->s[new].red = t->s[old].red;
	t->s[old].p = new;
	t->s[old].red = (uint8_t)red;
	set_child(t, parent, old, new);
}

/* Rebalances after node was linked in red, as the kernel's __rb_insert(). */
static void
insert_fixup(struct pf_symtab *t, uint32_t node)
{
	struct pf_sym *s = t->s;
	uint32_t parent = s[node].p, gparent, tmp;
	int d;

	for (;;) {
		if (parent == NIL) {
			s[node].red = 0;
			break;
		}
		if (!s[parent].red)
			break;
		gparent = s[parent].p;
		d = parent == s[gparent].c[1];	/* parent's side of gparent */
		tmp = s[gparent].c[!d];
		if (tmp != NIL && s[tmp].red) {
			/* Uncle red: recolour and go up two levels. */
			s[tmp].red = 0;
			s[parent].red = 0;
			node = gparent;
			parent = s[node].p;
			s[node].red = 1;
			continue;
		}
		tmp = s[parent].c[!d];
		if (node == tmp) {
			/* Inner grandchild: rotate at parent, away from d. */
			tmp = s[node].c[d];
			s[parent].c[!d] = tmp;
			s[node].c[d] = parent;
			if (tmp != NIL) {
				s[tmp].p = parent;
				s[tmp].red = 0;
			}
			s[parent].p = node;
			s[parent].red = 1;
			parent = node;
			tmp = s[node].c[!d];
		}
		/* Outer grandchild: rotate at gparent, towards !d. */
		s[gparent].c[d] = tmp;
		s[parent].c[!d] = gparent;
		if (tmp != NIL) {
			s[tmp].p = gparent;
			s[tmp].red = 0;
		}
		rotate_set_parents(t, gparent, parent, 1);
		break;
	}
}

int
pf_symtab_add(struct pf_symtab *t, uint64_t start, uint64_t end, int bind,
    const char *name, size_t len)
{
	struct pf_sym *n;
	uint32_t *link = &t->root, parent = NIL, i;

	if (t->n >= UINT32_MAX - 1 ||
	    (t->n == t->cap && pf_grow(&t->s, &t->cap, t->n + 1, sizeof(*t->s)) != 0))
		return -1;
	i = (uint32_t)t->n;
	n = &t->s[i];
	n->start = start;
	n->end = end;
	n->bind = (uint8_t)bind;
	n->name = pf_arena_strdup(&t->names, name, len);
	n->len = (uint32_t)len;
	if (n->name == NULL || len > UINT32_MAX)
		return -1;
	n->c[0] = n->c[1] = NIL;
	n->red = 1;
	n->dead = 0;
	t->n++;
	while (*link != NIL) {
		parent = *link;
		link = &t->s[parent].c[start >= t->s[parent].start];
	}
	n->p = parent;
	*link = i;
	insert_fixup(t, i);
	t->live++;
	return 0;
}

/* Rebalances after a black node left parent, as ____rb_erase_color(). */
static void
erase_fixup(struct pf_symtab *t, uint32_t parent)
{
	struct pf_sym *s = t->s;
	uint32_t node = NIL, sibling, tmp1, tmp2;
	int d;

	for (;;) {
		d = node == s[parent].c[1];	/* node's side of parent */
		sibling = s[parent].c[!d];
		if (is_red(t, sibling)) {
			tmp1 = s[sibling].c[d];
			s[parent].c[!d] = tmp1;
			s[sibling].c[d] = parent;
			s[tmp1].p = parent;
			s[tmp1].red = 0;
			rotate_set_parents(t, parent, sibling, 1);
			sibling = tmp1;
		}
		tmp1 = s[sibling].c[!d];
		if (!is_red(t, tmp1)) {
			tmp2 = s[sibling].c[d];
			if (!is_red(t, tmp2)) {
				s[sibling].p = parent;
				s[sibling].red = 1;
				if (s[parent].red) {
					s[parent].red = 0;
				} else {
					node = parent;
					parent = s[node].p;
					if (parent != NIL)
						continue;
				}
				break;
			}
			tmp1 = s[tmp2].c[!d];
			s[sibling].c[d] = tmp1;
			s[tmp2].c[!d] = sibling;
			s[parent].c[!d] = tmp2;
			if (tmp1 != NIL) {
				s[tmp1].p = sibling;
				s[tmp1].red = 0;
			}
			tmp1 = sibling;
			sibling = tmp2;
		}
		tmp2 = s[sibling].c[d];
		s[parent].c[!d] = tmp2;
		s[sibling].c[d] = parent;
		s[tmp1].p = sibling;
		s[tmp1].red = 0;
		if (tmp2 != NIL)
			s[tmp2].p = parent;
		rotate_set_parents(t, parent, sibling, 0);
		break;
	}
}

/* Unlinks node i (its slot stays, marked dead). */
static void
erase(struct pf_symtab *t, uint32_t node)
{
	struct pf_sym *s = t->s;
	uint32_t child = s[node].c[1], tmp = s[node].c[0], parent, rebalance, pp;
	uint8_t pred;

	if (tmp == NIL) {
		parent = s[node].p;
		set_child(t, parent, node, child);
		if (child != NIL) {
			s[child].p = parent;
			s[child].red = s[node].red;
			rebalance = NIL;
		} else {
			rebalance = s[node].red ? NIL : parent;
		}
	} else if (child == NIL) {
		parent = s[node].p;
		s[tmp].p = parent;
		s[tmp].red = s[node].red;
		set_child(t, parent, node, tmp);
		rebalance = NIL;
	} else {
		uint32_t successor = child, child2;
		uint8_t sred;

		tmp = s[child].c[0];
		if (tmp == NIL) {
			parent = successor;
			child2 = s[successor].c[1];
		} else {
			do {
				parent = successor;
				successor = tmp;
				tmp = s[tmp].c[0];
			} while (tmp != NIL);
			child2 = s[successor].c[1];
			s[parent].c[0] = child2;
			s[successor].c[1] = child;
			s[child].p = successor;
		}
		tmp = s[node].c[0];
		s[successor].c[0] = tmp;
		s[tmp].p = successor;
		pp = s[node].p;
		pred = s[node].red;
		set_child(t, pp, node, successor);
		sred = s[successor].red;
		s[successor].p = pp;
		s[successor].red = pred;
		if (child2 != NIL) {
			s[child2].p = parent;
			s[child2].red = 0;
			rebalance = NIL;
		} else {
			rebalance = sred ? NIL : parent;
		}
	}
	s[node].dead = 1;
	t->live--;
	if (rebalance != NIL)
		erase_fixup(t, rebalance);
}

static uint32_t
first(const struct pf_symtab *t)
{
	uint32_t n = t->root;

	if (n == NIL)
		return NIL;
	while (t->s[n].c[0] != NIL)
		n = t->s[n].c[0];
	return n;
}

static uint32_t
next(const struct pf_symtab *t, uint32_t n)
{
	uint32_t p;

	if (t->s[n].c[1] != NIL) {
		n = t->s[n].c[1];
		while (t->s[n].c[0] != NIL)
			n = t->s[n].c[0];
		return n;
	}
	while ((p = t->s[n].p) != NIL && n == t->s[p].c[1])
		n = p;
	return p;
}

/* perf's preference between two symbols at the same address: 1 for a. */
static int
prefer_a(const struct pf_sym *a, const struct pf_sym *b)
{
	uint64_t la = a->end - a->start, lb = b->end - b->start;
	size_t ua = 0, ub = 0;
	int wa = a->bind == PF_BIND_WEAK, wb = b->bind == PF_BIND_WEAK;
	int ga = a->bind == PF_BIND_GLOBAL, gb = b->bind == PF_BIND_GLOBAL;

	if (lb == 0 && la > 0)
		return 1;
	if (la == 0 && lb > 0)
		return 0;
	if (wb && !wa)
		return 1;
	if (wa && !wb)
		return 0;
	if (ga && !gb)
		return 1;
	if (gb && !ga)
		return 0;
	while (ua < a->len && a->name[ua] == '_')
		ua++;
	while (ub < b->len && b->name[ub] == '_')
		ub++;
	if (ub > ua)
		return 1;
	if (ua > ub)
		return 0;
	/* The longer name, by strlen: a name cut at a NUL is shorter. */
	la = strlen(a->name);
	lb = strlen(b->name);
	return la >= lb;
}

void
pf_symtab_fixup(struct pf_symtab *t, int kallsyms)
{
	uint32_t prev, cur, nd;

	/* Zero-sized symbols end where the next one starts. */
	prev = first(t);
	if (prev == NIL)
		return;
	cur = prev;
	for (nd = next(t, prev); nd != NIL; nd = next(t, nd)) {
		prev = cur;
		cur = nd;
		if (t->s[prev].end == t->s[prev].start) {
			if (kallsyms && (strchr(t->s[prev].name, '[') == NULL) !=
			    (strchr(t->s[cur].name, '[') == NULL))
				t->s[prev].end = ((t->s[prev].end + 4096 + 4095) / 4096) * 4096;
			else
				t->s[prev].end = t->s[cur].start;
		}
	}
	if (t->s[cur].end == t->s[cur].start)
		t->s[cur].end = ((t->s[cur].start + 4095) / 4096) * 4096 + 4096;

	/* Of the symbols at one address, keep the one perf prefers. */
	nd = first(t);
	while (nd != NIL) {
		uint32_t c = nd, n2;

again:
		n2 = next(t, c);
		if (n2 == NIL)
			break;
		if (t->s[c].start != t->s[n2].start) {
			nd = n2;
			continue;
		}
		if (prefer_a(&t->s[c], &t->s[n2])) {
			erase(t, n2);
			goto again;
		}
		nd = next(t, c);
		erase(t, c);
	}
}

const struct pf_sym *
pf_symtab_find(const struct pf_symtab *t, uint64_t ip)
{
	uint32_t n = t->root;

	while (n != NIL) {
		const struct pf_sym *s = &t->s[n];

		if (ip < s->start)
			n = s->c[0];
		else if (ip > s->end || (ip == s->end && ip != s->start))
			n = s->c[1];
		else
			return s;
	}
	return NULL;
}

void
pf_symtab_each(const struct pf_symtab *t, void (*fn)(const struct pf_sym *, void *),
    void *arg)
{
	uint32_t n;

	for (n = first(t); n != NIL; n = next(t, n))
		fn(&t->s[n], arg);
}

/* Moves every kernel symbol by -delta (kallsyms of a relocated kernel). */
void
pf_symtab_shift(struct pf_symtab *t, uint64_t delta)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		t->s[i].start -= delta;
		t->s[i].end -= delta;
	}
}

/* Removes every symbol for which drop() says so. */
void
pf_symtab_filter(struct pf_symtab *t, int (*drop)(const struct pf_sym *, void *),
    void *arg)
{
	uint32_t n = first(t), nx;

	while (n != NIL) {
		nx = next(t, n);
		if (drop(&t->s[n], arg))
			erase(t, n);
		n = nx;
	}
}
