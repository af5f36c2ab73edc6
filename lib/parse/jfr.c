/*
 * jfr.c - Java Flight Recorder recordings (.jfr: java
 * -XX:StartFlightRecording, jcmd JFR.dump, async-profiler -o jfr), read
 * without a JVM.
 *
 * A recording is a sequence of chunks, each self-contained: a 68-byte
 * header (magic "FLR\0", version 2.x, the chunk's size, the offsets of its
 * last constant pool event and of its metadata event, its tick rate, and
 * whether its integers are LEB128-compressed) followed by events.  Every
 * event starts with its size and its type id.  The metadata event
 * describes every type (classes with their fields, in order) with a table
 * of strings; the constant pool events (linked backwards by deltas from
 * the one the header names) map (type, key) to values that events and
 * other pools refer to by key: threads, stack traces, methods, classes,
 * symbols, frame types, strings.
 *
 * One chunk is held in memory at a time (it is read whole, since events
 * may come before the pools they refer to); the constant pools are indexed
 * (type, key) -> offset in the chunk and decoded only when a folded stack
 * needs them.  Sample events are summed per (stack trace, thread) key
 * while the chunk is scanned, and each distinct key is resolved into frames
 * once at the end of the chunk.  Memory is one chunk plus what is
 * proportional to its distinct stacks, never the whole recording.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

#define JFR_HEADER 68
/* A chunk larger than this is refused rather than read into memory. */
#define JFR_CHUNK_MAX ((uint64_t)2 << 30)
/* Inline (not constant pool) fields nest at most this deep. */
#define JFR_DEPTH_MAX 32
/* Metadata elements nest at most this deep (root, metadata, class,
 * field, annotation: 5 in practice). */
#define JFR_ELEM_DEPTH_MAX 16

/* What a type's values are made of. */
enum kind {
	K_STRUCT = 0,	/* its fields, in order */
	K_BOOL,		/* one byte */
	K_BYTE,
	K_SHORT,	/* varint when compressed, else 2 bytes */
	K_CHAR,
	K_INT,		/* varint when compressed, else 4 bytes */
	K_LONG,		/* varint when compressed, else 8 bytes */
	K_FLOAT,	/* 4 bytes */
	K_DOUBLE,	/* 8 bytes */
	K_STRING,	/* an encoding byte, then by encoding */
};

struct jfield {
	const char *name;
	uint64_t type;		/* class id */
	uint32_t cls;		/* index in classes, UINT32_MAX: unknown */
	int cp;			/* a key into the constant pool of its type */
	int array;		/* a count, then that many values */
};

struct jclass {
	uint64_t id;
	const char *name;
	int kind;
	uint32_t first, nfields;	/* in fields */
};

/* An open-addressing map from a pair of 64-bit keys to a 64-bit value. */
struct pmap_slot {
	uint64_t a, b, v;
	int used;
};

struct pmap {
	struct pmap_slot *s;
	size_t mask, count;
};

/* Field indexes (UINT32_MAX: absent) of the types a stack is made of. */
struct known {
	uint32_t c_stacktrace, c_frame, c_method, c_class, c_symbol, c_thread,
	    c_frametype, c_string;
	int st_frames, st_truncated;
	int fr_method, fr_type;
	int me_type, me_name;
	int cl_name;
	int sy_string;
	int th_os, th_java, th_osid, th_javaid;
	int ft_desc;
};

/* The event types read, and which of their fields matter. */
#define JFR_SELECT_MAX 4
struct selected {
	uint32_t cls;
	int f_stack, f_thread, f_weight;
	int weight_ticks;	/* the weight is a duration in ticks */
};

struct jfr {
	const char *name;
	const struct pf_collapse_options *o;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	struct pf_profile *p;
	uint64_t file_off;		/* of the chunk in the input */
	unsigned chunkno;		/* 1-based */

	uint8_t *buf;			/* the chunk */
	size_t cap;
	uint64_t size;
	int compressed;
	uint64_t ticks_per_sec;

	struct pf_arena arena;		/* metadata strings, per chunk */
	const char **strings;
	unsigned char *words;		/* enum word of each string */
	size_t nstrings, strings_cap;
	struct jclass *classes;
	size_t nclasses, classes_cap;
	struct jfield *fields;
	size_t nfields, fields_cap;
	struct pmap class_ids;		/* class id -> index */
	struct known k;
	struct selected sel[JFR_SELECT_MAX];
	size_t nsel;

	struct pmap pool;		/* (type id, key) -> offset */
	struct pmap agg;		/* (stack key, thread key) -> sum */
	struct pmap frames;		/* (method key, frame type key) -> id */
	uint32_t *stack;
	size_t stack_cap;
	char *text;			/* a decoded string */
	size_t text_cap;
	char *clean;
	size_t clean_cap;

	uint64_t events_seen;		/* of the selected types, all chunks */
	int has_wall;			/* a chunk has async-profiler's
					   profiler.WallClockSample */
	uint64_t no_stack;
	uint64_t truncated;
};

struct cur {
	const uint8_t *p, *end;
	int compressed;
};

/* ------------------------------------------------------------- errors */

static int
fail(struct jfr *j, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(struct jfr *j, uint64_t off, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pf_err(j->err, j->name, 0, "JFR chunk %u (at byte %llu), byte %llu: %s",
	    j->chunkno, (unsigned long long)j->file_off,
	    (unsigned long long)(j->file_off + off), msg);
}

static uint64_t
offset_of(const struct jfr *j, const struct cur *c)
{
	return (uint64_t)(c->p - j->buf);
}

/* -------------------------------------------------------------- pair map */

static uint64_t
pair_hash(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15u ^ (b + 0x7f4a7c159e3779b9u) * 0xc2b2ae3d27d4eb4fu;

	return h ^ (h >> 29);
}

static void
pmap_release(struct pmap *m)
{
	free(m->s);
	memset(m, 0, sizeof(*m));
}

static void
pmap_clear(struct pmap *m)
{
	if (m->s != NULL)
		memset(m->s, 0, (m->mask + 1) * sizeof(*m->s));
	m->count = 0;
}

static int
pmap_grow(struct pmap *m)
{
	size_t cap = m->s == NULL ? 64 : (m->mask + 1) * 2, i, h;
	struct pmap_slot *s;

	if ((s = calloc(cap, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; m->s != NULL && i <= m->mask; i++) {
		if (!m->s[i].used)
			continue;
		for (h = pair_hash(m->s[i].a, m->s[i].b) & (cap - 1); s[h].used;
		    h = (h + 1) & (cap - 1))
			;
		s[h] = m->s[i];
	}
	free(m->s);
	m->s = s;
	m->mask = cap - 1;
	return 0;
}

/* The slot of (a, b); when absent, NULL, or a new slot (v = 0) when insert
 * is set (NULL too when memory runs out: *nomem is set). */
static struct pmap_slot *
pmap_find(struct pmap *m, uint64_t a, uint64_t b, int insert, int *nomem)
{
	size_t h;

	if (m->s == NULL || (insert && (m->count + 1) * 4 > (m->mask + 1) * 3)) {
		if (!insert && m->s == NULL)
			return NULL;
		if (pmap_grow(m) != 0) {
			*nomem = 1;
			return NULL;
		}
	}
	for (h = pair_hash(a, b) & m->mask; m->s[h].used; h = (h + 1) & m->mask)
		if (m->s[h].a == a && m->s[h].b == b)
			return &m->s[h];
	if (!insert)
		return NULL;
	m->s[h].used = 1;
	m->s[h].a = a;
	m->s[h].b = b;
	m->s[h].v = 0;
	m->count++;
	return &m->s[h];
}

/* ------------------------------------------------------------ the bytes */

static int
rd_u8(struct cur *c, uint64_t *v)
{
	if (c->p >= c->end)
		return -1;
	*v = *c->p++;
	return 0;
}

static int
rd_fixed(struct cur *c, int n, uint64_t *v)
{
	int i;

	if (c->end - c->p < n)
		return -1;
	for (*v = 0, i = 0; i < n; i++)
		*v = *v << 8 | *c->p++;
	return 0;
}

/* LEB128 as JFR writes it: seven bits a byte, low bits first; the ninth
 * byte gives its eight bits. */
static int
rd_varint(struct cur *c, uint64_t *v)
{
	uint64_t r = 0;
	int i;

	for (i = 0; i < 9; i++) {
		if (c->p >= c->end)
			return -1;
		if (i == 8) {
			r |= (uint64_t)*c->p++ << 56;
			break;
		}
		r |= (uint64_t)(*c->p & 0x7f) << (7 * i);
		if ((*c->p++ & 0x80) == 0)
			break;
	}
	*v = r;
	return 0;
}

/* An integer of width bytes when not compressed. */
static int
rd_int(struct cur *c, int width, uint64_t *v)
{
	return c->compressed ? rd_varint(c, v) : rd_fixed(c, width, v);
}

/* A count of things that each take at least one byte: never more than
 * the bytes left. */
static int
rd_count(struct cur *c, uint64_t *n)
{
	if (rd_int(c, 4, n) != 0)
		return -1;
	if (c->compressed)
		*n &= 0xffffffffu;
	return *n <= (uint64_t)(c->end - c->p) ? 0 : -1;
}

/*
 * A string value: its encoding byte, then nothing (0 null, 1 empty), a
 * constant pool key (2), or a count and that many UTF-8 bytes (3), chars
 * (4) or Latin-1 bytes (5).  When out is set the text is decoded into it
 * (UTF-8; *kind 2 with the key in *key for a reference).
 */
struct text {
	char *s;
	size_t n, cap;
};

static int
text_put(struct text *t, const char *s, size_t n)
{
	if (t->n + n + 1 > t->cap && pf_grow(&t->s, &t->cap, t->n + n + 1, 1) != 0)
		return -2;
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n] = '\0';
	return 0;
}

static int
text_char(struct text *t, uint64_t ch)
{
	char u[4];

	if (ch >= 0xd800 && ch < 0xe000)
		ch = 0xfffd;	/* halves of surrogate pairs: not joined */
	if (ch < 0x80) {
		u[0] = (char)ch;
		return text_put(t, u, 1);
	}
	if (ch < 0x800) {
		u[0] = (char)(0xc0 | ch >> 6);
		u[1] = (char)(0x80 | (ch & 0x3f));
		return text_put(t, u, 2);
	}
	if (ch > 0xffff)
		ch = 0xfffd;
	u[0] = (char)(0xe0 | ch >> 12);
	u[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
	u[2] = (char)(0x80 | (ch & 0x3f));
	return text_put(t, u, 3);
}

/* Returns 0, -1 for bad input, -2 when memory runs out. */
static int
rd_string(struct cur *c, struct text *out, int *ref, uint64_t *key)
{
	uint64_t enc, n, i, ch;
	int rc;

	*ref = 0;
	if (rd_u8(c, &enc) != 0)
		return -1;
	switch (enc) {
	case 0:
	case 1:
		return 0;
	case 2:
		*ref = 1;
		return rd_int(c, 8, key);
	case 3:
	case 5:
		if (rd_count(c, &n) != 0)
			return -1;
		if (out != NULL) {
			if (enc == 3) {
				if ((rc = text_put(out, (const char *)c->p, n)) != 0)
					return rc;
			} else {
				for (i = 0; i < n; i++)
					if ((rc = text_char(out, c->p[i])) != 0)
						return rc;
			}
		}
		c->p += n;
		return 0;
	case 4:
		if (rd_count(c, &n) != 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (rd_int(c, 2, &ch) != 0)
				return -1;
			if (out != NULL && (rc = text_char(out, ch & 0xffff)) != 0)
				return rc;
		}
		return 0;
	}
	return -1;
}

/* ------------------------------------------------------------ metadata */

static int
kind_of(const char *name)
{
	static const struct { const char *name; int kind; } prim[] = {
		{ "boolean", K_BOOL }, { "byte", K_BYTE }, { "short", K_SHORT },
		{ "char", K_CHAR }, { "int", K_INT }, { "long", K_LONG },
		{ "float", K_FLOAT }, { "double", K_DOUBLE },
		{ "java.lang.String", K_STRING },
	};
	size_t i;

	for (i = 0; i < sizeof(prim) / sizeof(prim[0]); i++)
		if (strcmp(name, prim[i].name) == 0)
			return prim[i].kind;
	return K_STRUCT;
}

/* The words of the metadata's elements and attributes that matter, so
 * that the tree is read without comparing strings. */
enum word { W_OTHER = 0, W_NAME, W_ID, W_CLASS, W_CONSTANTPOOL, W_DIMENSION,
	W_FIELD, W_ROOT, W_METADATA };

static int
word_of(const char *s)
{
	static const char *const words[] = { NULL, "name", "id", "class",
	    "constantPool", "dimension", "field", "root", "metadata" };
	size_t i;

	for (i = 1; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(s, words[i]) == 0)
			return (int)i;
	return W_OTHER;
}

/* A string of the metadata's table by its index read from c, and its
 * word. */
static int
meta_string(struct jfr *j, struct cur *c, const char **s, int *word)
{
	uint64_t i;

	if (rd_int(c, 4, &i) != 0 || i >= j->nstrings)
		return -1;
	*s = j->strings[i];
	*word = j->words[i];
	return 0;
}

/*
 * One element of the metadata tree and its children: its name, its
 * attributes (pairs of string indexes), its children.  Classes and their
 * fields are kept; everything else (annotations, settings, regions) is
 * read past.  cls is the index of the enclosing class, or -1.
 */
static int
meta_element(struct jfr *j, struct cur *c, int depth, long cls)
{
	const char *ename, *key, *val, *aname = NULL, *atype = NULL,
	    *acp = NULL, *adim = NULL, *aid = NULL;
	uint64_t nattr, nchild, i;
	long mine = cls;
	int nomem = 0, ew, kw, vw;

	if (depth > JFR_ELEM_DEPTH_MAX)
		return fail(j, offset_of(j, c), "the metadata nests elements "
		    "deeper than %d", JFR_ELEM_DEPTH_MAX);
	if (meta_string(j, c, &ename, &ew) != 0 || rd_count(c, &nattr) != 0)
		goto bad;
	for (i = 0; i < nattr; i++) {
		if (meta_string(j, c, &key, &kw) != 0 ||
		    meta_string(j, c, &val, &vw) != 0)
			goto bad;
		switch (kw) {
		case W_NAME: aname = val; break;
		case W_ID: aid = val; break;
		case W_CLASS: atype = val; break;
		case W_CONSTANTPOOL: acp = val; break;
		case W_DIMENSION: adim = val; break;
		}
	}
	if (ew == W_CLASS && aid != NULL && aname != NULL) {
		struct jclass *k;
		struct pmap_slot *sl;
		char *end;
		uint64_t id = strtoull(aid, &end, 10);

		if (*aid == '\0' || *end != '\0')
			return fail(j, offset_of(j, c), "a class of the metadata "
			    "has the id '%s'", aid);
		if (j->nclasses == j->classes_cap && pf_grow(&j->classes,
		    &j->classes_cap, j->nclasses + 1, sizeof(*j->classes)) != 0)
			return pf_nomem(j->err, j->name, 0);
		k = &j->classes[j->nclasses];
		k->id = id;
		k->name = aname;
		k->kind = kind_of(aname);
		k->first = (uint32_t)j->nfields;
		k->nfields = 0;
		if ((sl = pmap_find(&j->class_ids, id, 0, 1, &nomem)) == NULL)
			return pf_nomem(j->err, j->name, 0);
		sl->v = j->nclasses;
		mine = (long)j->nclasses++;
	} else if (ew == W_FIELD && cls >= 0 && aname != NULL &&
	    atype != NULL) {
		struct jclass *k = &j->classes[cls];
		struct jfield *f;
		char *end;

		/* A class's fields are contiguous: its children come before
		 * the next class. */
		if (k->first + k->nfields != j->nfields)
			return fail(j, offset_of(j, c), "the fields of class '%s' "
			    "are not together", k->name);
		if (j->nfields == j->fields_cap && pf_grow(&j->fields,
		    &j->fields_cap, j->nfields + 1, sizeof(*j->fields)) != 0)
			return pf_nomem(j->err, j->name, 0);
		f = &j->fields[j->nfields++];
		k->nfields++;
		f->name = aname;
		f->type = strtoull(atype, &end, 10);
		if (*atype == '\0' || *end != '\0')
			return fail(j, offset_of(j, c), "field '%s' of class '%s' "
			    "has the type '%s'", aname, k->name, atype);
		f->cls = UINT32_MAX;
		f->cp = acp != NULL && strcmp(acp, "true") == 0;
		f->array = adim != NULL && strcmp(adim, "0") != 0;
		if (adim != NULL && strcmp(adim, "0") != 0 && strcmp(adim, "1") != 0)
			return fail(j, offset_of(j, c), "field '%s' of class '%s' "
			    "has %s dimensions", aname, k->name, adim);
		mine = -1;
	} else if (ew != W_ROOT && ew != W_METADATA) {
		mine = -1;	/* annotations, settings, regions */
	}
	if (rd_count(c, &nchild) != 0)
		goto bad;
	for (i = 0; i < nchild; i++)
		if (meta_element(j, c, depth + 1, mine) != 0)
			return -1;
	return 0;
bad:
	return fail(j, offset_of(j, c), "the metadata event is cut short or "
	    "names a string it does not have");
}

static uint32_t
class_index(struct jfr *j, uint64_t id)
{
	int nomem = 0;
	struct pmap_slot *sl = pmap_find(&j->class_ids, id, 0, 0, &nomem);

	return sl != NULL ? (uint32_t)sl->v : UINT32_MAX;
}

static uint32_t
class_named(struct jfr *j, const char *name)
{
	size_t i;

	for (i = 0; i < j->nclasses; i++)
		if (strcmp(j->classes[i].name, name) == 0)
			return (uint32_t)i;
	return UINT32_MAX;
}

/* The index of the field called name in class cls (within the class), or
 * -1. */
static int
field_named(struct jfr *j, uint32_t cls, const char *name)
{
	uint32_t i;

	if (cls == UINT32_MAX)
		return -1;
	for (i = 0; i < j->classes[cls].nfields; i++)
		if (strcmp(j->fields[j->classes[cls].first + i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Whether field i of class cls is a constant pool key of a struct. */
static int
is_ref(struct jfr *j, uint32_t cls, int i)
{
	const struct jfield *f;

	if (cls == UINT32_MAX || i < 0)
		return 0;
	f = &j->fields[j->classes[cls].first + (uint32_t)i];
	return f->cp && !f->array;
}

static void
find_known(struct jfr *j)
{
	struct known *k = &j->k;

	k->c_stacktrace = class_named(j, "jdk.types.StackTrace");
	k->c_method = class_named(j, "jdk.types.Method");
	k->c_class = class_named(j, "java.lang.Class");
	k->c_symbol = class_named(j, "jdk.types.Symbol");
	k->c_thread = class_named(j, "java.lang.Thread");
	k->c_frametype = class_named(j, "jdk.types.FrameType");
	k->c_string = class_named(j, "java.lang.String");
	k->st_frames = field_named(j, k->c_stacktrace, "frames");
	k->c_frame = UINT32_MAX;
	if (k->st_frames >= 0) {
		/* The frames: an array of structs held inline. */
		const struct jfield *f = &j->fields[j->classes[k->c_stacktrace].first +
		    (uint32_t)k->st_frames];

		if (f->array && !f->cp && f->cls != UINT32_MAX &&
		    j->classes[f->cls].kind == K_STRUCT)
			k->c_frame = f->cls;
		else
			k->st_frames = -1;
	}
	k->st_truncated = field_named(j, k->c_stacktrace, "truncated");
	k->fr_method = field_named(j, k->c_frame, "method");
	k->fr_type = field_named(j, k->c_frame, "type");
	k->me_type = field_named(j, k->c_method, "type");
	k->me_name = field_named(j, k->c_method, "name");
	k->cl_name = field_named(j, k->c_class, "name");
	k->sy_string = field_named(j, k->c_symbol, "string");
	k->th_os = field_named(j, k->c_thread, "osName");
	k->th_java = field_named(j, k->c_thread, "javaName");
	k->th_osid = field_named(j, k->c_thread, "osThreadId");
	k->th_javaid = field_named(j, k->c_thread, "javaThreadId");
	k->ft_desc = field_named(j, k->c_frametype, "description");
}

static int
read_metadata(struct jfr *j, uint64_t off)
{
	struct cur c = { j->buf + off, j->buf + j->size, j->compressed };
	uint64_t size, type, v, n, i;
	size_t f;
	int rc;
	struct text t = { NULL, 0, 0 };

	if (off < JFR_HEADER || off >= j->size)
		return fail(j, 0, "the metadata offset %llu is outside the chunk "
		    "(%llu bytes)", (unsigned long long)off, (unsigned long long)j->size);
	if (rd_int(&c, 4, &size) != 0 || size > j->size - off ||
	    rd_int(&c, 8, &type) != 0)
		return fail(j, off, "the metadata event is cut short");
	if (type != 0)
		return fail(j, off, "the header's metadata offset points at an event "
		    "of type %llu, not 0 (metadata)", (unsigned long long)type);
	c.end = j->buf + off + size;
	/* start time, duration, metadata id */
	if (rd_int(&c, 8, &v) != 0 || rd_int(&c, 8, &v) != 0 || rd_int(&c, 8, &v) != 0 ||
	    rd_count(&c, &n) != 0)
		return fail(j, off, "the metadata event is cut short");
	if ((j->strings = calloc(n + 1, sizeof(*j->strings))) == NULL ||
	    (j->words = calloc(n + 1, 1)) == NULL)
		return pf_nomem(j->err, j->name, 0);
	j->nstrings = n;
	for (i = 0; i < n; i++) {
		int ref;
		uint64_t key;

		t.n = 0;
		if ((rc = rd_string(&c, &t, &ref, &key)) == -2) {
			free(t.s);
			return pf_nomem(j->err, j->name, 0);
		}
		if (rc != 0 || ref) {
			free(t.s);
			return fail(j, offset_of(j, &c), "string %llu of the metadata "
			    "is damaged", (unsigned long long)i);
		}
		if ((j->strings[i] = pf_arena_strdup(&j->arena, t.n > 0 ? t.s : "",
		    t.n)) == NULL) {
			free(t.s);
			return pf_nomem(j->err, j->name, 0);
		}
		j->words[i] = (unsigned char)word_of(j->strings[i]);
	}
	free(t.s);
	if (meta_element(j, &c, 0, -1) != 0)
		return -1;
	for (f = 0; f < j->nfields; f++)
		j->fields[f].cls = class_index(j, j->fields[f].type);
	find_known(j);
	return 0;
}

/* ------------------------------------------------------------- values */

/* Reads a value of a primitive kind other than K_STRING into *v (floats
 * and doubles as their bits). */
static int
rd_prim(struct cur *c, int kind, uint64_t *v)
{
	switch (kind) {
	case K_BOOL:
	case K_BYTE:
		return rd_u8(c, v);
	case K_SHORT:
	case K_CHAR:
		return rd_int(c, 2, v);
	case K_INT:
		return rd_int(c, 4, v);
	case K_LONG:
		return rd_int(c, 8, v);
	case K_FLOAT:
		return rd_fixed(c, 4, v);
	case K_DOUBLE:
		return rd_fixed(c, 8, v);
	}
	return -1;
}

/* Reads past a value of class cls (an array of them when array). */
static int
skip_value(struct jfr *j, struct cur *c, uint32_t cls, int array, int depth)
{
	uint64_t n = 1, i, v;
	uint32_t f;
	const struct jclass *k;
	int ref;

	if (cls == UINT32_MAX || depth > JFR_DEPTH_MAX)
		return -1;
	if (array && rd_count(c, &n) != 0)
		return -1;
	k = &j->classes[cls];
	for (i = 0; i < n; i++) {
		switch (k->kind) {
		case K_STRING:
			if (rd_string(c, NULL, &ref, &v) != 0)
				return -1;
			break;
		case K_STRUCT:
			for (f = 0; f < k->nfields; f++) {
				const struct jfield *fd = &j->fields[k->first + f];

				if (fd->cp && !fd->array) {
					if (rd_int(c, 8, &v) != 0)
						return -1;
				} else if (fd->cp) {
					uint64_t m, q;

					if (rd_count(c, &m) != 0)
						return -1;
					for (q = 0; q < m; q++)
						if (rd_int(c, 8, &v) != 0)
							return -1;
				} else if (skip_value(j, c, fd->cls, fd->array,
				    depth + 1) != 0) {
					return -1;
				}
			}
			/* Elements of no bytes: rd_count bounded n by the
			 * bytes left, so this loop ends soon. */
			break;
		default:
			if (rd_prim(c, k->kind, &v) != 0)
				return -1;
			break;
		}
	}
	return 0;
}

/* Reads past field i of class cls; an integer field's value (or a
 * constant pool key) goes to *v. */
static int
field_value(struct jfr *j, struct cur *c, uint32_t cls, uint32_t i, uint64_t *v)
{
	const struct jfield *f = &j->fields[j->classes[cls].first + i];

	*v = 0;
	if (f->cp && !f->array)
		return rd_int(c, 8, v);
	if (!f->array && f->cls != UINT32_MAX && j->classes[f->cls].kind != K_STRUCT &&
	    j->classes[f->cls].kind != K_STRING)
		return rd_prim(c, j->classes[f->cls].kind, v);
	if (f->cp) {
		uint64_t m, q;

		if (rd_count(c, &m) != 0)
			return -1;
		for (q = 0; q < m; q++)
			if (rd_int(c, 8, v) != 0)
				return -1;
		return 0;
	}
	return skip_value(j, c, f->cls, f->array, 0);
}

/* A cursor at the value of key in the pool of class cls; -1 if absent. */
static int
pool_at(struct jfr *j, uint32_t cls, uint64_t key, struct cur *c)
{
	int nomem = 0;
	struct pmap_slot *sl;

	if (cls == UINT32_MAX)
		return -1;
	sl = pmap_find(&j->pool, j->classes[cls].id, key, 0, &nomem);
	if (sl == NULL)
		return -1;
	c->p = j->buf + sl->v;
	c->end = j->buf + j->size;
	c->compressed = j->compressed;
	return 0;
}

/*
 * Positions c at field want of a struct of class cls (the fields before it
 * read past).  Returns 0, or -1 when the input is damaged.
 */
static int
seek_field(struct jfr *j, struct cur *c, uint32_t cls, int want)
{
	uint64_t v;
	int i;

	if (cls == UINT32_MAX || want < 0)
		return -1;
	for (i = 0; i < want; i++)
		if (field_value(j, c, cls, (uint32_t)i, &v) != 0)
			return -1;
	return 0;
}

/* The integer or key of field want of the pool entry (cls, key). */
static int
pool_field(struct jfr *j, uint32_t cls, uint64_t key, int want, uint64_t *v)
{
	struct cur c;

	if (pool_at(j, cls, key, &c) != 0 || seek_field(j, &c, cls, want) != 0)
		return -1;
	return field_value(j, &c, cls, (uint32_t)want, v);
}

/*
 * Appends to t the string of field want of the pool entry (cls, key),
 * following one reference into the pool of strings.  0, -1 (absent or
 * damaged: t unchanged), -2 (memory).
 */
static int
pool_text(struct jfr *j, uint32_t cls, uint64_t key, int want, struct text *t)
{
	struct cur c;
	size_t n0 = t->n;
	uint64_t ref_key;
	int ref, rc;
	const struct jfield *f;

	if (pool_at(j, cls, key, &c) != 0 || seek_field(j, &c, cls, want) != 0)
		return -1;
	f = &j->fields[j->classes[cls].first + (uint32_t)want];
	if (f->cls == UINT32_MAX || j->classes[f->cls].kind != K_STRING || f->array)
		return -1;
	/* A string field may itself be a key into the pool of strings. */
	if (f->cp && (rd_int(&c, 8, &ref_key) != 0 ||
	    pool_at(j, j->k.c_string, ref_key, &c) != 0))
		return -1;
	if ((rc = rd_string(&c, t, &ref, &ref_key)) != 0) {
		t->n = n0;
		return rc;
	}
	if (ref) {
		/* The pool of strings holds string values themselves. */
		if (pool_at(j, j->k.c_string, ref_key, &c) != 0)
			return -1;
		if ((rc = rd_string(&c, t, &ref, &ref_key)) != 0 || ref) {
			t->n = n0;
			return rc == -2 ? -2 : -1;
		}
	}
	return 0;
}

/* --------------------------------------------------------- the pools */

/* Whether the pool of class cls is one that folded stacks read. */
static int
is_known(const struct jfr *j, uint32_t cls)
{
	const struct known *k = &j->k;

	return cls == k->c_stacktrace || cls == k->c_method || cls == k->c_class ||
	    cls == k->c_symbol || cls == k->c_thread || cls == k->c_frametype ||
	    cls == k->c_string;
}

/* Indexes the constant pool event at off, (type, key) -> value offset,
 * for the pools that folded stacks read; the others are read past. */
static int
read_pool_event(struct jfr *j, uint64_t off, uint64_t *delta)
{
	struct cur c = { j->buf + off, j->buf + j->size, j->compressed };
	uint64_t size, type, v, npools, i, cid, n, q, key;
	uint32_t cls = UINT32_MAX;
	int nomem = 0, keep;
	struct pmap_slot *sl;

	if (rd_int(&c, 4, &size) != 0 || size > j->size - off || size < 2 ||
	    rd_int(&c, 8, &type) != 0)
		return fail(j, off, "the constant pool event is cut short");
	if (type != 1)
		return fail(j, off, "a constant pool offset points at an event of "
		    "type %llu, not 1 (constant pool)", (unsigned long long)type);
	c.end = j->buf + off + size;
	/* start time, duration, delta, then a byte of flags */
	if (rd_int(&c, 8, &v) != 0 || rd_int(&c, 8, &v) != 0 ||
	    rd_int(&c, 8, delta) != 0 || rd_u8(&c, &v) != 0 ||
	    rd_count(&c, &npools) != 0)
		return fail(j, off, "the constant pool event is cut short");
	for (i = 0; i < npools; i++) {
		if (rd_int(&c, 8, &cid) != 0 || rd_count(&c, &n) != 0)
			return fail(j, offset_of(j, &c), "the constant pool event "
			    "is cut short");
		if ((cls = class_index(j, cid)) == UINT32_MAX)
			return fail(j, offset_of(j, &c), "a constant pool of type "
			    "%llu, which the metadata does not describe",
			    (unsigned long long)cid);
		keep = is_known(j, cls);
		for (q = 0; q < n; q++) {
			if (rd_int(&c, 8, &key) != 0)
				goto cut;
			if (keep) {
				if ((sl = pmap_find(&j->pool, cid, key, 1, &nomem)) == NULL)
					return pf_nomem(j->err, j->name, 0);
				sl->v = offset_of(j, &c);
			}
			if (skip_value(j, &c, cls, 0, 0) != 0)
				goto cut;
		}
	}
	return 0;
cut:
	return fail(j, offset_of(j, &c), "a value of the constant pool of '%s' "
	    "is cut short or nests too deep", j->classes[cls].name);
}

/*
 * Follows the chain of constant pool events from the header's.  Each
 * delta points back to an earlier event (writers append pools as they go),
 * so the chain ends; one that does not point back is refused.
 */
static int
read_pools(struct jfr *j, uint64_t off)
{
	uint64_t delta;

	for (;;) {
		if (off < JFR_HEADER || off >= j->size)
			return fail(j, 0, "a constant pool offset (%llu) is outside "
			    "the chunk (%llu bytes)", (unsigned long long)off,
			    (unsigned long long)j->size);
		if (read_pool_event(j, off, &delta) != 0)
			return -1;
		if (delta == 0)
			return 0;
		if ((int64_t)delta > 0 || (uint64_t)-(int64_t)delta > off)
			return fail(j, off, "the constant pool event's delta (%lld) "
			    "does not point back into the chunk (a loop, or damage)",
			    (long long)(int64_t)delta);
		off += delta;	/* negative: wraps around to an earlier offset */
	}
}

/* ------------------------------------------------------------ selection */

static const char *const default_events[] = {
	"jdk.ExecutionSample", "jdk.NativeMethodSample",
};

/* Whether name is wanted: the option's (with or without "jdk."), or the
 * defaults. */
static int
wanted(const struct jfr *j, const char *name)
{
	const char *ev = j->o->event;
	size_t i;

	if (ev == NULL) {
		for (i = 0; i < sizeof(default_events) / sizeof(default_events[0]); i++)
			if (strcmp(name, default_events[i]) == 0)
				return 1;
		return 0;
	}
	if (strcmp(name, ev) == 0)
		return 1;
	return strncmp(name, "jdk.", 4) == 0 && strcmp(name + 4, ev) == 0;
}

static int
select_events(struct jfr *j)
{
	size_t i;
	struct selected *s;

	j->nsel = 0;
	for (i = 0; i < j->nclasses && j->nsel < JFR_SELECT_MAX; i++) {
		const struct jclass *k = &j->classes[i];

		if (k->kind == K_STRUCT && strcmp(k->name, "profiler.WallClockSample") == 0)
			j->has_wall = 1;
		if (k->kind != K_STRUCT || !wanted(j, k->name))
			continue;
		s = &j->sel[j->nsel];
		s->cls = (uint32_t)i;
		s->f_stack = field_named(j, s->cls, "stackTrace");
		s->f_thread = field_named(j, s->cls, "sampledThread");
		if (s->f_thread < 0)
			s->f_thread = field_named(j, s->cls, "eventThread");
		if (!is_ref(j, s->cls, s->f_stack))
			s->f_stack = -1;
		if (!is_ref(j, s->cls, s->f_thread))
			s->f_thread = -1;
		s->weight_ticks = 0;
		s->f_weight = -1;
		if (j->o->event != NULL && strcmp(k->name, "profiler.WallClockSample") == 0) {
			/* async-profiler 4's wall-clock samples: one event
			 * stands for "samples" samples of the same stack. */
			s->f_weight = field_named(j, s->cls, "samples");
		} else if (j->o->event != NULL) {
			/* Samples count 1; other events weigh what they
			 * measure: bytes, or the time they took. */
			if ((s->f_weight = field_named(j, s->cls, "weight")) < 0 &&
			    (s->f_weight = field_named(j, s->cls, "allocationSize")) < 0 &&
			    strcmp(k->name, "jdk.ExecutionSample") != 0 &&
			    strcmp(k->name, "jdk.NativeMethodSample") != 0 &&
			    (s->f_weight = field_named(j, s->cls, "duration")) >= 0)
				s->weight_ticks = 1;
		}
		j->nsel++;
	}
	return 0;
}

/* ------------------------------------------------------------- events */

static int
read_events(struct jfr *j)
{
	struct cur c = { j->buf + JFR_HEADER, j->buf + j->size, j->compressed };
	uint64_t off = JFR_HEADER, size, type, v, stack, thread, weight;
	const struct selected *s;
	struct pmap_slot *sl;
	uint32_t f;
	size_t i;
	int nomem = 0;

	while (off < j->size) {
		c.p = j->buf + off;
		c.end = j->buf + j->size;
		if (rd_int(&c, 4, &size) != 0 || size < 2 || size > j->size - off)
			return fail(j, off, "an event's size (%llu) does not fit the "
			    "chunk", (unsigned long long)(c.p < c.end ? size : 0));
		c.end = j->buf + off + size;
		if (rd_int(&c, 8, &type) != 0)
			return fail(j, off, "an event is cut short");
		off += size;
		for (s = NULL, i = 0; i < j->nsel; i++)
			if (j->classes[j->sel[i].cls].id == type) {
				s = &j->sel[i];
				break;
			}
		if (s == NULL)
			continue;
		j->events_seen++;
		j->st->samples++;
		stack = thread = 0;
		weight = 1;
		for (f = 0; f < j->classes[s->cls].nfields; f++) {
			if (field_value(j, &c, s->cls, f, &v) != 0)
				return fail(j, (uint64_t)(c.p - j->buf), "a %s event is "
				    "cut short", j->classes[s->cls].name);
			if ((int)f == s->f_stack)
				stack = v;
			else if ((int)f == s->f_thread)
				thread = v;
			else if ((int)f == s->f_weight)
				weight = v;
		}
		if (!j->o->perf.include_tid)
			thread = 0;
		if ((sl = pmap_find(&j->agg, stack, thread, 1, &nomem)) == NULL)
			return pf_nomem(j->err, j->name, 0);
		sl->v = sl->v > UINT64_MAX - weight ? UINT64_MAX : sl->v + weight;
	}
	return 0;
}

/* ------------------------------------------------------------- folding */

/* The frame id of name t (';' and line breaks replaced, UTF-8 cleaned). */
static uint32_t
intern_text(struct jfr *j, struct text *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->s[i] == ';')
			t->s[i] = ':';
	if (t->n == 0)
		return pf_profile_intern(j->p, "[unknown]", 9);
	if (pf_utf8_is_clean(t->s, t->n))
		return pf_profile_intern(j->p, t->s, t->n);
	if (3 * t->n + 1 > j->clean_cap &&
	    pf_grow(&j->clean, &j->clean_cap, 3 * t->n + 1, 1) != 0)
		return UINT32_MAX;
	return pf_profile_intern(j->p, j->clean, pf_clean_utf8(t->s, t->n, j->clean));
}

/* The annotation ("_[j]"...) of a frame type, or NULL. */
static const char *
frame_note(struct jfr *j, uint64_t type_key, struct text *t)
{
	const struct pf_perf_options *q = &j->o->perf;
	const char *note = NULL;

	if (!q->annotate_jit && !q->annotate_kernel)
		return NULL;
	t->n = 0;
	if (pool_text(j, j->k.c_frametype, type_key, j->k.ft_desc, t) != 0)
		return NULL;
	if (q->annotate_jit && (strcmp(t->s, "JIT compiled") == 0 ||
	    strcmp(t->s, "C1 compiled") == 0 || strcmp(t->s, "C2 compiled") == 0))
		note = "_[j]";
	else if (q->annotate_jit && strcmp(t->s, "Inlined") == 0)
		note = "_[i]";
	else if (q->annotate_kernel && strcmp(t->s, "Kernel") == 0)
		note = "_[k]";
	return note;
}

/* The frame id of a method: "package.Class.method", or "method" for a
 * method without class (native frames of async-profiler). */
static uint32_t
method_frame(struct jfr *j, uint64_t method, uint64_t type_key, struct text *t)
{
	const struct known *k = &j->k;
	struct pmap_slot *sl;
	uint64_t cls, sym;
	const char *note;
	size_t i, n0;
	int nomem = 0, rc;
	uint32_t id;

	if ((sl = pmap_find(&j->frames, method, type_key, 0, &nomem)) != NULL)
		return (uint32_t)sl->v;
	note = frame_note(j, type_key, t);
	t->n = 0;
	if (pool_field(j, k->c_method, method, k->me_type, &cls) == 0 &&
	    pool_field(j, k->c_class, cls, k->cl_name, &sym) == 0) {
		n0 = t->n;
		if ((rc = pool_text(j, k->c_symbol, sym, k->sy_string, t)) == -2)
			return UINT32_MAX;
		for (i = n0; i < t->n; i++)
			if (t->s[i] == '/')
				t->s[i] = '.';
		if (t->n > 0 && text_put(t, ".", 1) != 0)
			return UINT32_MAX;
	}
	if (pool_field(j, k->c_method, method, k->me_name, &sym) != 0 ||
	    (rc = pool_text(j, k->c_symbol, sym, k->sy_string, t)) == -1) {
		t->n = 0;
		if (text_put(t, "[unknown method]", 16) != 0)
			return UINT32_MAX;
	} else if (rc == -2) {
		return UINT32_MAX;
	}
	if (note != NULL && text_put(t, note, 4) != 0)
		return UINT32_MAX;
	if ((id = intern_text(j, t)) == UINT32_MAX)
		return UINT32_MAX;
	if ((sl = pmap_find(&j->frames, method, type_key, 1, &nomem)) == NULL)
		return UINT32_MAX;
	sl->v = id;
	return id;
}

/* The root frame of a thread: "NAME-TID" (the OS thread id, or Java's). */
static uint32_t
thread_frame(struct jfr *j, uint64_t thread, struct text *t)
{
	const struct known *k = &j->k;
	uint64_t tid = 0;
	char num[32];
	int rc;

	t->n = 0;
	if ((rc = pool_text(j, k->c_thread, thread, k->th_java, t)) == -2)
		return UINT32_MAX;
	if (t->n == 0 && (rc = pool_text(j, k->c_thread, thread, k->th_os, t)) == -2)
		return UINT32_MAX;
	if (t->n == 0 && text_put(t, "[unknown thread]", 16) != 0)
		return UINT32_MAX;
	if ((pool_field(j, k->c_thread, thread, k->th_osid, &tid) != 0 || tid == 0) &&
	    pool_field(j, k->c_thread, thread, k->th_javaid, &tid) != 0)
		tid = thread;
	snprintf(num, sizeof(num), "-%llu", (unsigned long long)tid);
	if (text_put(t, num, strlen(num)) != 0)
		return UINT32_MAX;
	return intern_text(j, t);
}

/* Adds one summed (stack, thread) to the profile. */
static int
fold_one(struct jfr *j, uint64_t stack, uint64_t thread, uint64_t sum,
    struct text *t)
{
	const struct known *k = &j->k;
	struct cur c, fc;
	uint64_t n, i, v, method, ftype, truncated = 0;
	size_t depth = 0, lo;
	uint32_t id;
	int frames_ok = 0;
	pf_count count = pf_count_from_u64(sum);

	if (j->nsel > 0 && j->sel[0].weight_ticks && j->ticks_per_sec != 1000000000u &&
	    pf_count_muldiv(count, pf_count_from_u64(1000000000u),
	    pf_count_from_u64(j->ticks_per_sec), &count) != PF_COUNT_OK)
		return pf_err(j->err, j->name, 0, "a JFR count overflows");
	if (j->o->perf.include_tid) {
		if (depth + 1 > j->stack_cap &&
		    pf_grow(&j->stack, &j->stack_cap, depth + 1, sizeof(*j->stack)) != 0)
			return pf_nomem(j->err, j->name, 0);
		if ((j->stack[depth++] = thread_frame(j, thread, t)) == UINT32_MAX)
			return pf_nomem(j->err, j->name, 0);
	}
	lo = depth;
	if (pool_at(j, k->c_stacktrace, stack, &c) == 0 && k->st_frames >= 0) {
		/* Fields of the trace: frames, truncated, in the metadata's
		 * order. */
		uint32_t f;

		frames_ok = 1;
		for (f = 0; f < j->classes[k->c_stacktrace].nfields && frames_ok; f++) {
			if ((int)f != k->st_frames) {
				if (field_value(j, &c, k->c_stacktrace, f, &v) != 0)
					frames_ok = 0;
				else if ((int)f == k->st_truncated)
					truncated = v;
				continue;
			}
			if (rd_count(&c, &n) != 0) {
				frames_ok = 0;
				break;
			}
			if (depth + n + 1 > j->stack_cap &&
			    pf_grow(&j->stack, &j->stack_cap, depth + n + 1,
			    sizeof(*j->stack)) != 0)
				return pf_nomem(j->err, j->name, 0);
			for (i = 0; i < n; i++) {
				uint32_t g;

				fc = c;
				method = ftype = 0;
				for (g = 0; g < j->classes[k->c_frame].nfields; g++) {
					if (field_value(j, &c, k->c_frame, g, &v) != 0)
						return fail(j, (uint64_t)(fc.p - j->buf),
						    "a stack frame is cut short");
					if ((int)g == k->fr_method)
						method = v;
					else if ((int)g == k->fr_type)
						ftype = v;
				}
				if ((id = method_frame(j, method, ftype, t)) == UINT32_MAX)
					return pf_nomem(j->err, j->name, 0);
				j->stack[depth++] = id;
			}
		}
	}
	if (!frames_ok || depth == lo) {
		/* Missing from the pools, or a trace of no frames. */
		if (!frames_ok && stack != 0)	/* 0: recorded without a stack */
			j->no_stack++;
		depth = lo;
		if (depth + 1 > j->stack_cap &&
		    pf_grow(&j->stack, &j->stack_cap, depth + 1, sizeof(*j->stack)) != 0)
			return pf_nomem(j->err, j->name, 0);
		if ((j->stack[depth++] = pf_profile_intern(j->p, "[no stack]", 10)) ==
		    UINT32_MAX)
			return pf_nomem(j->err, j->name, 0);
	} else if (truncated) {
		j->truncated++;
	}
	/* JFR lists frames leaf first. */
	pf_stack_reverse(j->stack + lo, depth - lo);
	return pf_profile_add(j->p, j->stack, depth, count, 0, j->err);
}

static int
fold_chunk(struct jfr *j)
{
	struct text t = { NULL, 0, 0 };
	size_t i;
	int rc = 0;

	for (i = 0; j->agg.s != NULL && i <= j->agg.mask && rc == 0; i++)
		if (j->agg.s[i].used)
			rc = fold_one(j, j->agg.s[i].a, j->agg.s[i].b, j->agg.s[i].v, &t);
	free(t.s);
	return rc;
}

/* ------------------------------------------------------------- chunks */

static void
chunk_reset(struct jfr *j)
{
	pf_arena_release(&j->arena);
	pf_arena_init(&j->arena);
	free(j->strings);
	free(j->words);
	j->strings = NULL;
	j->words = NULL;
	j->nstrings = 0;
	j->nclasses = 0;
	j->nfields = 0;
	pmap_clear(&j->class_ids);
	pmap_clear(&j->pool);
	pmap_clear(&j->agg);
	pmap_clear(&j->frames);
}

static uint64_t
be64(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* Reads and folds the chunk whose header is in j->buf: 0, or -1. */
static int
read_chunk(struct jfr *j, struct pf_reader *r)
{
	const uint8_t *h = j->buf;
	uint64_t cp_off, meta_off, have = JFR_HEADER, want;
	unsigned major = (unsigned)h[4] << 8 | h[5], minor = (unsigned)h[6] << 8 | h[7];
	size_t got;

	if (memcmp(h, "FLR\0", 4) != 0)
		return fail(j, 0, "no chunk starts here (no 'FLR\\0' magic)");
	if (major != 2)
		return pf_errc(j->err, PF_ERR_UNSUPPORTED, j->name, 0, 0,
		    "JFR chunk %u: version %u.%u is not read (only 2.x, from "
		    "JDK 11 and later, and 8u262 and later)", j->chunkno, major, minor);
	j->size = be64(h + 8);
	cp_off = be64(h + 16);
	meta_off = be64(h + 24);
	j->ticks_per_sec = be64(h + 56);
	j->compressed = (h[67] & 1) != 0;
	if (j->size == 0 || cp_off == 0)
		return fail(j, 0, "the chunk was never finished (its header has no "
		    "size or no constant pool: the recording was still running, "
		    "or the JVM died)");
	if (j->size < JFR_HEADER)
		return fail(j, 0, "the chunk size %llu is smaller than its header",
		    (unsigned long long)j->size);
	if (j->size > JFR_CHUNK_MAX)
		return pf_errc(j->err, PF_ERR_UNSUPPORTED, j->name, 0, 0,
		    "JFR chunk %u: %llu bytes, more than the %llu pf-collapse "
		    "holds in memory", j->chunkno, (unsigned long long)j->size,
		    (unsigned long long)JFR_CHUNK_MAX);
	if (j->ticks_per_sec == 0)
		return fail(j, 0, "the chunk has no tick rate");
	/* Grow as bytes arrive: a header that lies about its size costs no
	 * more memory than the input has. */
	while (have < j->size) {
		if (have == j->cap && pf_grow(&j->buf, &j->cap,
		    (size_t)(j->cap * 2 < j->size ? j->cap * 2 : j->size), 1) != 0)
			return pf_nomem(j->err, j->name, 0);
		want = (j->cap < j->size ? j->cap : j->size) - have;
		got = pf_reader_read(r, j->buf + have, (size_t)want, j->err);
		if (got == (size_t)-1)
			return -1;
		if (got == 0)
			return fail(j, have, "the recording is cut short: the chunk "
			    "declares %llu bytes, the input ends after %llu",
			    (unsigned long long)j->size, (unsigned long long)have);
		have += got;
	}
	if (read_metadata(j, meta_off) != 0 || read_pools(j, cp_off) != 0 ||
	    select_events(j) != 0 || read_events(j) != 0 || fold_chunk(j) != 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------- detection */

int
pf_jfr_detect(const struct pf_peek *pk, size_t *where)
{
	(void)where;
	if (pk->n >= 8 && memcmp(pk->buf, "FLR\0", 4) == 0 &&
	    pk->buf[4] == 0 && (pk->buf[5] == 1 || pk->buf[5] == 2))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

int
pf_jfr_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct jfr j;
	size_t got, have;
	int rc = -1;

	memset(&j, 0, sizeof(j));
	j.name = pf_reader_name(r);
	j.o = o;
	j.st = st;
	j.err = err;
	j.p = p;
	pf_arena_init(&j.arena);
	if (pf_grow(&j.buf, &j.cap, (size_t)64 << 10, 1) != 0) {
		pf_nomem(err, j.name, 0);
		goto out;
	}
	st->unit = PF_UNIT_SAMPLES;
	for (;;) {
		for (have = 0; have < JFR_HEADER; have += got) {
			got = pf_reader_read(r, j.buf + have, JFR_HEADER - have, err);
			if (got == (size_t)-1)
				goto out;
			if (got == 0)
				break;
		}
		if (have == 0 && j.chunkno > 0)
			break;
		j.chunkno++;
		if (have < JFR_HEADER) {
			fail(&j, 0, "the recording is cut short: %zu bytes of a "
			    "68-byte chunk header", have);
			goto out;
		}
		chunk_reset(&j);
		if (read_chunk(&j, r) != 0)
			goto out;
		j.file_off += j.size;
	}
	if (o->event != NULL && j.nsel > 0) {
		const struct selected *s = &j.sel[0];

		if (s->weight_ticks)
			st->unit = PF_UNIT_NANOSECONDS;
		else if (strcmp(j.classes[s->cls].name, "profiler.WallClockSample") == 0)
			st->unit = PF_UNIT_SAMPLES;
		else if (s->f_weight >= 0)
			st->unit = PF_UNIT_BYTES;
		else if (strcmp(j.classes[s->cls].name, "jdk.ExecutionSample") != 0 &&
		    strcmp(j.classes[s->cls].name, "jdk.NativeMethodSample") != 0)
			st->unit = PF_UNIT_COUNT;
	}
	if (j.events_seen == 0)
		snprintf(st->note, sizeof(st->note), "no %s events in the recording "
		    "(jfr summary lists the events it has%s)", o->event != NULL ?
		    o->event : "jdk.ExecutionSample or jdk.NativeMethodSample",
		    o->event == NULL && j.has_wall ? "; async-profiler's wall-clock "
		    "samples are --event profiler.WallClockSample" : "");
	else if (j.no_stack > 0)
		snprintf(st->note, sizeof(st->note), "stacks missing from the "
		    "recording's constant pools: %llu, folded as '[no stack]'",
		    (unsigned long long)j.no_stack);
	else if (j.truncated > 0)
		snprintf(st->note, sizeof(st->note), "stacks cut at the recording's "
		    "stack depth, missing their root frames: %llu (record with "
		    "-XX:FlightRecorderOptions:stackdepth=N to raise it)",
		    (unsigned long long)j.truncated);
	rc = 0;
out:
	chunk_reset(&j);
	pf_arena_release(&j.arena);
	pmap_release(&j.class_ids);
	pmap_release(&j.pool);
	pmap_release(&j.agg);
	pmap_release(&j.frames);
	free(j.classes);
	free(j.fields);
	free(j.buf);
	free(j.stack);
	free(j.clean);
	return rc;
}
