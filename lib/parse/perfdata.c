/*
 * perfdata.c - perf.data to folded stacks, without perf.
 *
 * The file (tools/perf/Documentation/perf.data-file-format.txt in the
 * kernel tree) is a header, the event attributes, a data section of
 * records and feature sections (event names, build ids, the kernel
 * release).  The records are replayed as `perf script` (perf 6.1) replays
 * them: through perf's ordered-events queue (a record is delivered when a
 * FINISHED_ROUND proves nothing earlier can follow), with its model of
 * threads (comm, pid, a process's maps, shared by its threads, copied on
 * fork), maps (a new mmap cuts what it overlaps) and dsos (their symbols
 * from dso.c and symtab.c).  A sample's call chain is resolved as perf
 * resolves it (context markers switch between kernel and user maps, a
 * marker perf does not know empties the chain, at most 127 frames) and
 * the result is handed to the perf script parser's own naming (perf.c's
 * namer) as the lines perf script would print, so frames, the root frame
 * and the event name come out byte for byte as on the text path.
 *
 * What needs more than this (DWARF unwinding, LBR call stacks, compressed
 * or big-endian files, tracepoints whose text perf formats, a kernel image
 * perf would prefer to kallsyms) is refused with PF_PERF_DATA_UNSUPPORTED
 * and a reason, before anything is added; pf-collapse then runs perf
 * script.  Damage in the file is an error that names the byte offset,
 * after the samples before it have been folded.  Every size comes from the
 * file and is checked against what is left of it before use.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "internal.h"
#include "parse/perfdata.h"

/* perf_event.h and perf's header.h, the parts used here. */
enum {
	REC_MMAP = 1, REC_LOST = 2, REC_COMM = 3, REC_EXIT = 4, REC_FORK = 7,
	REC_SAMPLE = 9, REC_MMAP2 = 10, REC_AUX = 11, REC_KSYMBOL = 17,
	REC_KERNEL_LAST = 21, REC_KERNEL_MAX = 64,
	REC_HEADER_ATTR = 64, REC_HEADER_BUILD_ID = 67, REC_FINISHED_ROUND = 68,
	REC_EVENT_UPDATE = 78, REC_AUXTRACE_INFO = 70,
	REC_AUXTRACE = 71, REC_HEADER_FEATURE = 80, REC_COMPRESSED = 81,
	REC_USER_MAX = 84,
};

enum {
	S_IP = 1 << 0, S_TID = 1 << 1, S_TIME = 1 << 2, S_ADDR = 1 << 3,
	S_READ = 1 << 4, S_CALLCHAIN = 1 << 5, S_ID = 1 << 6, S_CPU = 1 << 7,
	S_PERIOD = 1 << 8, S_STREAM_ID = 1 << 9, S_RAW = 1 << 10,
	S_BRANCH_STACK = 1 << 11, S_REGS_USER = 1 << 12, S_STACK_USER = 1 << 13,
	S_IDENTIFIER = 1 << 16, S_KNOWN = (1 << 25) - 1,
};

#define CONTEXT_HV ((uint64_t)-32)
#define CONTEXT_KERNEL ((uint64_t)-128)
#define CONTEXT_USER ((uint64_t)-512)
#define CONTEXT_MAX ((uint64_t)-4095)
#define MAX_STACK 127

#define MISC_CPUMODE_MASK 7
#define MISC_KERNEL 1
#define MISC_USER 2
#define MISC_HYPERVISOR 3
#define MISC_GUEST_KERNEL 4
#define MISC_MMAP_DATA (1 << 13)
#define MISC_MMAP_BUILD_ID (1 << 14)

enum { FEAT_BUILD_ID = 2, FEAT_OSRELEASE = 4, FEAT_EVENT_DESC = 12,
	FEAT_BRANCH_STACK = 15, FEAT_COMPRESSED = 27 };

#define NIL UINT32_MAX

/* ------------------------------------------------------------- structures */

struct attr {
	uint32_t type;
	uint64_t config, flags;
	uint64_t sample_type, read_format, branch_sample_type;
	int sample_id_all;
	char *name;		/* from the event description, or NULL */
	int id_pos, is_pos;	/* perf's position of the sample id */
};

struct map {
	uint64_t start, end, pgoff;
	struct pf_dso *dso;
	int identity;		/* map_ip(ip) == ip */
	uint32_t index;		/* in the session's all_maps */
};

/* An address space: disjoint maps by start, spans whose val is the map's
 * index in all_maps, so that inserting or finding one is O(log n) in any
 * order of addresses. */
struct maps {
	struct pf_spans t;
	uint32_t version;	/* changes with every insertion */
	uint32_t refs;
};

struct thread {
	int32_t pid, tid;
	char *comm;		/* NULL: ":TID" */
	uint32_t comm_gen;	/* changes with the comm */
	struct maps *maps;
	/* The root frame of this thread's samples, per event. */
	uint32_t root_gen, root_attr, root_id;
	int root_java, root_ok;
	char *root_event;
};

struct qent {
	uint64_t ts, seq, off;
};

struct nslot {
	uint64_t a, b;
	uint32_t off;
	int used;
};

struct fcache {
	const void *maps;	/* NULL: empty */
	uint64_t ip;
	uint32_t version, mode, off;
};

#define FCACHE_BITS 16

struct session {
	const char *name;
	struct pf_profile *p;
	const struct pf_perf_options *o;
	struct pf_perf_stats *st;
	struct pf_error *err;
	char *why;
	size_t whysize;
	int unsupported;

	const unsigned char *base;	/* the whole file */
	uint64_t size;
	int mapped;			/* base is a mapping of the file */
	uint64_t progressed;		/* bytes of it added to the bytes read */
	uint64_t dropped;		/* pages below this are given back */
	uint64_t data_off, data_end;
	int nworkers, index;		/* this thread folds rounds % n == index */
	int pipe;			/* perf record -o -: attributes are records */
	int prepared;
	uint64_t round;			/* FINISHED_ROUND flushes so far */
	int truncated;			/* 1: cut in the data, 2: data size 0,
					   3: cut in the feature sections */

	struct attr *attrs;
	size_t nattrs, attrs_cap;
	struct pf_strmap ids;		/* a sample id's 8 bytes -> attr index */
	int sample_id_all;
	int use_callchain;
	int cpu_field[16];		/* per output type: print CPU */
	int name_width;

	struct pf_symsrc src;
	char osrelease[256];
	struct pf_dso **dsos;
	size_t ndsos, dsos_cap;
	struct pf_strmap dso_names;	/* name -> index in dsos */
	struct pf_dso *kernel;
	uint64_t kmap_start, kmap_end, kref_addr;
	int kmap_known, kernel_tried;
	struct map kmap;
	struct maps kmaps;		/* bpf programs and the kernel */
	struct arena_maps { struct map **v; size_t n, cap; } all_maps;

	struct pf_strmap tids;		/* a tid's 4 bytes -> index in
					   all_threads, UINT32_MAX: none */
	struct arena_threads { struct thread **v; size_t n, cap; } all_threads;
	struct maps **all_mapsets;
	size_t nmapsets, mapsets_cap;
	struct pf_arena arena;

	/* ordered events */
	struct qent *q, *qtmp;
	size_t nq, qcap, qtmp_cap;
	uint64_t seq, max_ts, next_flush, qmax;

	/* folding */
	struct pf_perf_namer *nm;
	char filter[128];
	int have_filter, filter_given;
	struct evcount { char name[128]; uint64_t samples; } *events;
	size_t nevents, events_cap;
	uint32_t *stack;
	size_t nstack, stack_cap;
	uint32_t *pool;			/* frame cache values: n, ids */
	size_t npool, pool_cap;
	struct fcache *fc;
	struct nslot *names;
	size_t names_n, names_cap;
	char *line;
	size_t line_cap;
	uint64_t first_sample_off;
};

/* ---------------------------------------------------------------- helpers */

static uint16_t
rd16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t
rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t
rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static int
unsupported(struct session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
unsupported(struct session *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->unsupported) {
		va_start(ap, fmt);
		vsnprintf(s->why, s->whysize, fmt, ap);
		va_end(ap);
	}
	s->unsupported = 1;
	return 1;
}

static int
bad(struct session *s, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(struct session *s, uint64_t off, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pf_err(s->err, s->name, 0, "byte %llu: %s", (unsigned long long)off, msg);
}

static int
nomem(struct session *s)
{
	return pf_nomem(s->err, s->name, 0);
}

/* The slot of key[0..n-1] in m (added when insert is set; m is made on the
 * first insertion), NULL when absent or when memory runs out.  Valid until
 * the next insertion. */
static struct pf_strmap_slot *
key_slot(struct pf_strmap *m, const void *key, size_t n, int insert)
{
	int nomem = 0;

	if (m->slots == NULL && (!insert || pf_strmap_init(m, 64) != 0))
		return NULL;
	return pf_strmap_find(m, key, n, pf_hash_bytes(key, n, 7), insert, &nomem);
}

/* ------------------------------------------------------------------ dsos */

static struct pf_dso *
dso_find(struct session *s, const char *name, int create)
{
	struct pf_strmap_slot *sl = key_slot(&s->dso_names, name, strlen(name), create);
	struct pf_dso *d;

	if (sl == NULL)
		return NULL;
	if (sl->value != UINT32_MAX)
		return s->dsos[sl->value];
	if (pf_grow(&s->dsos, &s->dsos_cap, s->ndsos + 1, sizeof(*s->dsos)) != 0 ||
	    (d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->name = strdup(name);
	d->path = strdup(name);
	if (d->name == NULL || d->path == NULL) {
		free(d->name);
		free(d->path);
		free(d);
		return NULL;
	}
	pf_symtab_init(&d->syms);
	d->id = (uint32_t)s->ndsos;
	s->dsos[s->ndsos++] = d;
	sl->value = d->id;
	d->perfmap = strncmp(name, "/tmp/perf-", 10) == 0;
	d->vdso = strcmp(name, "[vdso]") == 0;
	return d;
}

static void
dso_free(struct pf_dso *d)
{
	pf_symtab_release(&d->syms);
	free(d->name);
	free(d->path);
	free(d);
}

/* ------------------------------------------------------------------ maps */

static struct map *
map_new(struct session *s, uint64_t start, uint64_t end, uint64_t pgoff,
    struct pf_dso *dso, int identity)
{
	struct map *m;

	if (s->all_maps.n >= UINT32_MAX || pf_grow(&s->all_maps.v, &s->all_maps.cap,
	    s->all_maps.n + 1, sizeof(*s->all_maps.v)) != 0 || (m = malloc(sizeof(*m))) == NULL)
		return NULL;
	m->index = (uint32_t)s->all_maps.n;
	m->start = start;
	m->end = end;
	m->pgoff = pgoff;
	m->dso = dso;
	m->identity = identity;
	s->all_maps.v[s->all_maps.n++] = m;
	return m;
}

static struct maps *
maps_new(struct session *s)
{
	struct maps *m;

	if (pf_grow(&s->all_mapsets, &s->mapsets_cap, s->nmapsets + 1,
	    sizeof(*s->all_mapsets)) != 0 || (m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	s->all_mapsets[s->nmapsets++] = m;
	return m;
}

/* The map starting last at or below addr in the subtree at, or NULL. */
static struct map *
maps_floor(const struct session *s, const struct maps *ms, uint32_t at, uint64_t addr)
{
	const struct pf_span *f = pf_spans_floor(&ms->t, at, addr);

	return f != NULL ? s->all_maps.v[f->val] : NULL;
}

static struct map *
maps_find(const struct session *s, const struct maps *ms, uint64_t addr)
{
	struct map *m = maps_floor(s, ms, ms->t.root, addr);

	return m != NULL && addr < m->end ? m : NULL;
}

/* A tree node for m; 0 when memory runs out. */
static uint32_t
maps_node(struct maps *ms, const struct map *m)
{
	struct pf_span sp = { m->start, m->end - m->start, m->index, 0 };

	return pf_spans_node(&ms->t, &sp);
}

/* Inserts m, cutting what it overlaps as perf's maps__fixup_overlappings(). */
static int
maps_insert(struct session *s, struct maps *ms, struct map *m)
{
	struct pf_spans *t = &ms->t;
	struct map *first = NULL, *last = NULL, *before = NULL, *after = NULL;
	uint32_t a, b, mid, c, l, r, nb = 0, nm, na = 0;

	ms->version++;
	/* The maps m overlaps: the one starting last before m if it reaches
	 * into m (first), and those starting inside m, up to last. */
	if (m->start > 0 && (first = maps_floor(s, ms, t->root, m->start - 1)) != NULL &&
	    first->end <= m->start)
		first = NULL;
	if (m->end <= m->start || ((last = maps_floor(s, ms, t->root, m->end - 1)) != NULL &&
	    last->start < m->start))
		last = first;
	if (first != NULL && (before = map_new(s, first->start, m->start, first->pgoff,
	    first->dso, first->identity)) == NULL)
		return -1;
	if (last != NULL && last->end > m->end && (after = map_new(s, m->end, last->end,
	    last->identity ? last->pgoff : last->pgoff + (m->end - last->start), last->dso,
	    last->identity)) == NULL)
		return -1;
	/* Nodes first: the tree is whole until nothing can fail. */
	if ((before != NULL && (nb = maps_node(ms, before)) == 0) ||
	    (nm = maps_node(ms, m)) == 0 ||
	    (after != NULL && (na = maps_node(ms, after)) == 0))
		return -1;
	pf_spans_split(t, t->root, m->start, &a, &b);
	pf_spans_split(t, b, m->end, &mid, &c);
	pf_spans_release(t, mid);
	if (first != NULL) {
		pf_spans_split(t, a, first->start, &l, &r);
		pf_spans_release(t, r);
		a = l;
	}
	a = pf_spans_join(t, pf_spans_join(t, a, nb), nm);
	t->root = pf_spans_join(t, pf_spans_join(t, a, na), c);
	return 0;
}

/* Inserts the maps of the subtree at of from into ms, in order. */
static int
maps_insert_all(struct session *s, struct maps *ms, const struct maps *from, uint32_t at)
{
	while (at != 0) {
		if (maps_insert_all(s, ms, from, from->t.n[at].left) != 0 ||
		    maps_insert(s, ms, s->all_maps.v[from->t.n[at].s.val]) != 0)
			return -1;
		at = from->t.n[at].right;
	}
	return 0;
}

/* ---------------------------------------------------------------- threads */

static struct thread *
thread_find(struct session *s, int32_t tid)
{
	struct pf_strmap_slot *sl = key_slot(&s->tids, &tid, sizeof(tid), 0);

	return sl != NULL && sl->value != UINT32_MAX ? s->all_threads.v[sl->value] : NULL;
}

/* th is no longer the thread of its tid (a later one takes the tid). */
static void
thread_unlink(struct session *s, struct thread *th)
{
	struct pf_strmap_slot *sl = key_slot(&s->tids, &th->tid, sizeof(th->tid), 0);

	if (sl != NULL && sl->value != UINT32_MAX && s->all_threads.v[sl->value] == th)
		sl->value = UINT32_MAX;
}

static struct thread *thread_findnew(struct session *s, int32_t pid, int32_t tid);

static struct thread *
thread_new(struct session *s, int32_t pid, int32_t tid)
{
	struct thread *th, *leader;
	struct pf_strmap_slot *sl;

	if (s->all_threads.n >= UINT32_MAX - 1 ||
	    pf_grow(&s->all_threads.v, &s->all_threads.cap, s->all_threads.n + 1,
	    sizeof(*s->all_threads.v)) != 0 || (sl = key_slot(&s->tids, &tid, sizeof(tid), 1)) == NULL ||
	    (th = calloc(1, sizeof(*th))) == NULL)
		return NULL;
	sl->value = (uint32_t)s->all_threads.n;
	s->all_threads.v[s->all_threads.n++] = th;
	th->pid = pid;
	th->tid = tid;
	th->root_attr = NIL;
	if (pid == tid || pid == -1) {
		th->maps = maps_new(s);
	} else {
		leader = thread_findnew(s, pid, pid);
		th->maps = leader != NULL ? leader->maps : NULL;
	}
	return th->maps != NULL ? th : NULL;
}

/* perf's machine__findnew_thread(). */
static struct thread *
thread_findnew(struct session *s, int32_t pid, int32_t tid)
{
	struct thread *th = thread_find(s, tid), *leader;

	if (th != NULL) {
		if (pid != -1 && pid != tid && th->pid == -1) {
			th->pid = pid;
			leader = thread_findnew(s, pid, pid);
			if (leader != NULL && leader->maps != th->maps && th->maps->t.count == 0)
				th->maps = leader->maps;
		} else if (pid != -1 && th->pid == -1) {
			th->pid = pid;
		}
		return th;
	}
	return thread_new(s, pid, tid);
}

static int
thread_set_comm(struct session *s, struct thread *th, const char *comm, size_t n)
{
	char *c = pf_arena_strdup(&s->arena, comm, n);

	if (c == NULL)
		return -1;
	th->comm = c;
	th->comm_gen++;
	return 0;
}

/* ------------------------------------------------------------------ attrs */

static void
attr_positions(struct attr *a)
{
	uint64_t t = a->sample_type;
	int idx = 0;

	if (t & S_IDENTIFIER) {
		a->id_pos = 0;
		a->is_pos = 1;
		return;
	}
	if (!(t & S_ID)) {
		a->id_pos = a->is_pos = -1;
		return;
	}
	if (t & S_IP)
		idx++;
	if (t & S_TID)
		idx++;
	if (t & S_TIME)
		idx++;
	if (t & S_ADDR)
		idx++;
	a->id_pos = idx;
	idx = 1;
	if (t & S_CPU)
		idx++;
	if (t & S_STREAM_ID)
		idx++;
	a->is_pos = idx;
}

/* Attribute attr is that of sample id id, unless an earlier one is. */
static int
add_id(struct session *s, uint64_t id, size_t attr)
{
	struct pf_strmap_slot *sl = key_slot(&s->ids, &id, sizeof(id), 1);

	if (sl == NULL)
		return -1;
	if (sl->value == UINT32_MAX)
		sl->value = (uint32_t)attr;
	return 0;
}

static struct attr *
attr_of_id(struct session *s, uint64_t id)
{
	struct pf_strmap_slot *sl = key_slot(&s->ids, &id, sizeof(id), 0);

	return sl != NULL && sl->value != UINT32_MAX ? &s->attrs[sl->value] : NULL;
}

/* Reads one perf_event_attr of size n at p; 0, -1 bad, 1 unsupported. */
static int
parse_attr(struct session *s, const unsigned char *p, uint64_t n, uint64_t off)
{
	struct attr *a;
	uint64_t flags;

	if (n < 64)
		return bad(s, off, "event attribute of %llu bytes, expected at least 64",
		    (unsigned long long)n);
	if (pf_grow(&s->attrs, &s->attrs_cap, s->nattrs + 1, sizeof(*s->attrs)) != 0)
		return nomem(s);
	a = &s->attrs[s->nattrs++];
	memset(a, 0, sizeof(*a));
	a->type = rd32(p);
	a->config = rd64(p + 8);
	a->sample_type = rd64(p + 24);
	a->read_format = rd64(p + 32);
	flags = rd64(p + 40);
	a->flags = flags;
	a->sample_id_all = (flags >> 18) & 1;
	if (n >= 80)
		a->branch_sample_type = rd64(p + 72);
	attr_positions(a);
	if (a->sample_type & ~(uint64_t)S_KNOWN)
		return bad(s, off + 24, "sample_type 0x%llx has bits this reader does not know "
		    "(0x%llx)", (unsigned long long)a->sample_type,
		    (unsigned long long)(a->sample_type & ~(uint64_t)S_KNOWN));
	if (a->sample_type & (S_REGS_USER | S_STACK_USER))
		return unsupported(s, "DWARF call graphs (--call-graph dwarf) need unwinding");
	if (a->sample_type & S_BRANCH_STACK)
		return unsupported(s, "branch stacks (LBR, -b, -j) are not read natively");
	if (a->sample_type & S_READ)
		return unsupported(s, "samples that read counter groups (PERF_SAMPLE_READ)");
	if (a->type == 2)
		return unsupported(s, "tracepoint samples are printed by perf's event parser");
	if (a->type == 4 || a->type == 6 || a->type == 7)
		return unsupported(s, "raw and synthesized events print extra fields");
	if (!(a->sample_type & S_TID) || !(a->sample_type & S_IP))
		return unsupported(s, "samples without TID or IP fields");
	return 0;
}

/* ---------------------------------------------------------------- headers */

static int
read_string(const unsigned char *p, uint64_t left, char *out, size_t size,
    uint64_t *used)
{
	uint32_t len;
	size_t n;

	if (left < 4)
		return -1;
	len = rd32(p);
	if (len > left - 4)
		return -1;
	n = strnlen((const char *)p + 4, len);
	if (n >= size)
		n = size - 1;
	memcpy(out, p + 4, n);
	out[n] = '\0';
	*used = 4 + (uint64_t)len;
	return 0;
}

static int
feat_event_desc(struct session *s, const unsigned char *p, uint64_t n, uint64_t off)
{
	uint32_t nr, asz, i, nids, j;
	uint64_t pos = 8, used;
	char name[1024];

	if (n < 8)
		return bad(s, off, "event description too short");
	nr = rd32(p);
	asz = rd32(p + 4);
	for (i = 0; i < nr; i++) {
		if (asz > n - pos || n - pos - asz < 4)
			return bad(s, off + pos, "event description %u runs past its section", i);
		pos += asz;
		nids = rd32(p + pos);
		pos += 4;
		if (read_string(p + pos, n - pos, name, sizeof(name), &used) != 0)
			return bad(s, off + pos, "event name runs past its section");
		pos += used;
		if (nids > (n - pos) / 8)
			return bad(s, off + pos, "event ids run past their section");
		for (j = 0; j < nids && j < 1; j++) {
			struct attr *a = attr_of_id(s, rd64(p + pos));

			if (a != NULL && a->name == NULL &&
			    (a->name = pf_arena_strdup(&s->arena, name, strlen(name))) == NULL)
				return nomem(s);
		}
		pos += (uint64_t)nids * 8;
	}
	return 0;
}

static int
feat_build_id(struct session *s, const unsigned char *p, uint64_t n, uint64_t off)
{
	uint64_t pos = 0;

	while (pos + 8 <= n) {
		uint16_t misc = rd16(p + pos + 4), size = rd16(p + pos + 6);
		const unsigned char *e = p + pos;
		char name[4096];
		size_t nl, bl;
		struct pf_dso *d;

		if (size < 36 || size > n - pos)
			return bad(s, off + pos, "build id record of %u bytes", size);
		nl = strnlen((const char *)e + 36, size - 36u);
		if (nl >= sizeof(name))
			nl = sizeof(name) - 1;
		memcpy(name, e + 36, nl);
		name[nl] = '\0';
		bl = (misc & (1 << 15)) ? e[32] : 20;
		if (bl > 20)
			bl = 20;
		if ((misc & MISC_CPUMODE_MASK) == MISC_KERNEL ||
		    (misc & MISC_CPUMODE_MASK) == MISC_USER) {
			if ((misc & MISC_CPUMODE_MASK) == MISC_KERNEL &&
			    strcmp(name, "[kernel.kallsyms]") != 0 && name[0] == '/') {
				/* A module: "[name]" in perf's dso list. */
				const char *b = strrchr(name, '/') + 1;
				char mod[512];
				size_t k = strcspn(b, ".");

				snprintf(mod, sizeof(mod), "[%.*s]", (int)k, b);
				for (size_t q = 1; mod[q] != ']' && mod[q]; q++)
					if (mod[q] == '-')
						mod[q] = '_';
				d = dso_find(s, mod, 1);
			} else {
				d = dso_find(s, name, 1);
			}
			if (d == NULL)
				return nomem(s);
			d->has_bid = 1;
			d->bid_len = (uint8_t)bl;
			memcpy(d->bid, e + 12, bl);
		}
		pos += size;
	}
	return 0;
}

/*
 * The name perf gives an event the file does not name (a file cut before
 * its feature sections): perf's evsel__name() for hardware and software
 * events, with evsel__add_modifiers()'s suffix.
 */
static int
attr_name(struct session *s, struct attr *a)
{
	static const char *const hw[] = { "cycles", "instructions", "cache-references",
		"cache-misses", "branches", "branch-misses", "bus-cycles",
		"stalled-cycles-frontend", "stalled-cycles-backend", "ref-cycles" };
	static const char *const sw[] = { "cpu-clock", "task-clock", "page-faults",
		"context-switches", "cpu-migrations", "minor-faults", "major-faults",
		"alignment-faults", "emulation-faults", "dummy", "bpf-output",
		"cgroup-switches" };
	const char *base = NULL;
	char buf[160];
	size_t n;
	int colon = 0, guest_default = 0;
	uint64_t f = a->flags;
	unsigned precise = (unsigned)(f >> 15) & 3;

	if (a->type == 0 && a->config < sizeof(hw) / sizeof(hw[0]))
		base = hw[a->config];
	else if (a->type == 1 && a->config < sizeof(sw) / sizeof(sw[0]))
		base = sw[a->config];
	if (base == NULL)
		return 0;
	n = (size_t)snprintf(buf, sizeof(buf), "%s", base);
#define EXCL(bit) ((f >> (bit)) & 1)
#define MOD(bit, c) do { if (!EXCL(bit)) { if (!colon) colon = (int)++n; buf[n++] = (c); } } while (0)
	if (EXCL(5) || EXCL(4) || EXCL(6)) {
		MOD(5, 'k');
		MOD(4, 'u');
		MOD(6, 'h');
		guest_default = 1;
	}
	if (precise) {
		if (!colon)
			colon = (int)++n;
		memcpy(buf + n, "ppp", precise);
		n += precise;
		guest_default = 1;
	}
	if (EXCL(19) || (int)EXCL(20) == guest_default) {
		MOD(19, 'H');
		MOD(20, 'G');
	}
#undef MOD
#undef EXCL
	if (colon)
		buf[colon - 1] = ':';
	if ((a->name = pf_arena_strdup(&s->arena, buf, n)) == NULL)
		return nomem(s);
	return 0;
}

static int
read_header(struct session *s)
{
	const unsigned char *b = s->base;
	uint64_t hsize, attr_size, aoff, asize, doff, dsize, i, nattr;
	uint64_t feats[4], fpos;
	int bit, rc;

	if (s->size < 16)
		return bad(s, s->size, "the file ends inside its header");
	if (memcmp(b, "2ELIFREP", 8) == 0)
		return unsupported(s, "big-endian recordings");
	hsize = rd64(b + 8);
	if (hsize == 16) {
		/* Pipe mode: attributes and features come as records. */
		s->pipe = 1;
		s->data_off = 16;
		s->data_end = s->size;
		return 0;
	}
	if (hsize < 104)
		return bad(s, 8, "header size %llu, expected 104", (unsigned long long)hsize);
	if (s->size < 104)
		return bad(s, s->size, "the file ends inside its header (%llu of 104 bytes)",
		    (unsigned long long)s->size);
	attr_size = rd64(b + 16);
	aoff = rd64(b + 24);
	asize = rd64(b + 32);
	doff = rd64(b + 40);
	dsize = rd64(b + 48);
	for (i = 0; i < 4; i++)
		feats[i] = rd64(b + 72 + 8 * i);
	if (attr_size < 16 + 64 || attr_size > 4096)
		return bad(s, 16, "attribute entry size %llu", (unsigned long long)attr_size);
	if (aoff > s->size || asize > s->size - aoff)
		return bad(s, 24, "attributes (%llu bytes at %llu) run past the end of the "
		    "file (%llu bytes)", (unsigned long long)asize, (unsigned long long)aoff,
		    (unsigned long long)s->size);
	if (doff > s->size)
		return bad(s, 40, "data section at %llu is past the end of the file (%llu "
		    "bytes): a truncated recording", (unsigned long long)doff,
		    (unsigned long long)s->size);
	s->data_off = doff;
	s->data_end = doff + dsize;
	if (dsize > s->size - doff) {
		/* Cut short: the records that are whole are read, the feature
		 * sections are gone, and the end is an error. */
		s->data_end = s->size;
		s->truncated = 1;
	} else if (dsize == 0) {
		/* perf record was stopped before it wrote the header. */
		s->data_end = s->size;
		s->truncated = 2;
	}
	nattr = asize / attr_size;
	if (nattr == 0)
		return bad(s, 24, "no event attributes");
	for (i = 0; i < nattr; i++) {
		const unsigned char *a = b + aoff + i * attr_size;
		uint64_t ioff = rd64(a + attr_size - 16), isz = rd64(a + attr_size - 8), k;
		size_t idx = s->nattrs;

		if ((rc = parse_attr(s, a, attr_size - 16, aoff + i * attr_size)) != 0)
			return rc;
		if (ioff > s->size || isz > s->size - ioff || isz % 8 != 0)
			return bad(s, aoff + i * attr_size + attr_size - 16,
			    "event ids (%llu bytes at %llu) run past the end of the file",
			    (unsigned long long)isz, (unsigned long long)ioff);
		for (k = 0; k < isz / 8; k++)
			if (add_id(s, rd64(b + ioff + 8 * k), idx) != 0)
				return nomem(s);
	}
	s->sample_id_all = s->attrs[0].sample_id_all;
	for (i = 0; i < s->nattrs; i++)
		if (s->nattrs > 1 && !(s->attrs[i].sample_type & S_IDENTIFIER) &&
		    (s->attrs[i].id_pos != s->attrs[0].id_pos || s->attrs[i].id_pos < 0))
			return unsupported(s, "several events without sample ids");

	/* Feature sections, one {offset, size} per set bit, after the data. */
	fpos = s->data_end;
	for (bit = 0; bit < 256 && !s->truncated; bit++) {
		uint64_t off, sz;

		if (!(feats[bit / 64] >> (bit % 64) & 1))
			continue;
		if (fpos > s->size || s->size - fpos < 16) {
			s->truncated = 3;
			break;
		}
		off = rd64(b + fpos);
		sz = rd64(b + fpos + 8);
		fpos += 16;
		if (off > s->size || sz > s->size - off) {
			/* Cut short after the data: perf reads on without the
			 * features, and so does this reader, then says so. */
			s->truncated = 3;
			break;
		}
		if (bit == FEAT_EVENT_DESC && (rc = feat_event_desc(s, b + off, sz, off)) != 0)
			return rc;
		if (bit == FEAT_BUILD_ID && (rc = feat_build_id(s, b + off, sz, off)) != 0)
			return rc;
		if (bit == FEAT_OSRELEASE) {
			uint64_t used;

			if (read_string(b + off, sz, s->osrelease, sizeof(s->osrelease), &used) != 0)
				return bad(s, off, "kernel release runs past its section");
		}
		if (bit == FEAT_COMPRESSED)
			return unsupported(s, "compressed recordings (perf record -z)");
	}
	return 0;
}

/* --------------------------------------------------------------- records */

/* A record of a pipe-mode file that stands for a part of the header. */
static int
pipe_record(struct session *s, const unsigned char *r, uint16_t type, uint16_t size,
    uint64_t off)
{
	uint64_t asz, k, feat;
	size_t idx;
	int rc;

	switch (type) {
	case REC_HEADER_ATTR:
		if (size < 16)
			return bad(s, off, "attribute record of %u bytes", size);
		asz = rd32(r + 12);
		if (asz == 0)
			asz = 64;
		if (asz > size - 8u)
			return bad(s, off, "attribute of %llu bytes in a record of %u",
			    (unsigned long long)asz, size);
		idx = s->nattrs;
		if ((rc = parse_attr(s, r + 8, asz, off + 8)) != 0)
			return rc;
		for (k = 8 + asz; k + 8 <= size; k += 8)
			if (add_id(s, rd64(r + k), idx) != 0)
				return nomem(s);
		s->sample_id_all = s->attrs[0].sample_id_all;
		if (s->nattrs > 1 && (!(s->attrs[idx].sample_type & S_IDENTIFIER) ||
		    !(s->attrs[0].sample_type & S_IDENTIFIER)) &&
		    (s->attrs[idx].id_pos != s->attrs[0].id_pos || s->attrs[idx].id_pos < 0))
			return unsupported(s, "several events without sample ids");
		return 0;
	case REC_HEADER_FEATURE:
		if (size < 16)
			return bad(s, off, "feature record of %u bytes", size);
		feat = rd64(r + 8);
		if (feat == FEAT_EVENT_DESC)
			return feat_event_desc(s, r + 16, size - 16u, off + 16);
		if (feat == FEAT_COMPRESSED)
			return unsupported(s, "compressed recordings (perf record -z)");
		if (feat == FEAT_OSRELEASE) {
			uint64_t used;

			if (read_string(r + 16, size - 16u, s->osrelease, sizeof(s->osrelease),
			    &used) != 0)
				return bad(s, off + 16, "kernel release runs past its record");
		}
		return 0;
	case REC_HEADER_BUILD_ID:
		return feat_build_id(s, r, size, off);
	case REC_EVENT_UPDATE:
		/* PERF_EVENT_UPDATE__NAME replaces an event's name. */
		if (size >= 25 && rd64(r + 8) == 2) {
			struct attr *a = attr_of_id(s, rd64(r + 16));
			size_t n = strnlen((const char *)r + 24, size - 24u);

			if (a != NULL &&
			    (a->name = pf_arena_strdup(&s->arena, (const char *)r + 24, n)) == NULL)
				return nomem(s);
		}
		return 0;
	}
	return 0;
}

/* The attribute a record belongs to (NULL: none fits). */
static struct attr *
record_attr(struct session *s, const unsigned char *r, uint16_t type, uint16_t size)
{
	const struct attr *a0 = &s->attrs[0];
	uint64_t id;

	if (s->nattrs == 1)
		return &s->attrs[0];
	if (type == REC_SAMPLE) {
		if (a0->id_pos < 0 || 8 + 8 * (uint64_t)a0->id_pos + 8 > size)
			return NULL;
		id = rd64(r + 8 + 8 * a0->id_pos);
	} else {
		if (!s->sample_id_all)
			return &s->attrs[0];
		if (a0->is_pos < 0 || 8 + 8 * (uint64_t)a0->is_pos > size)
			return NULL;
		id = rd64(r + size - 8 * a0->is_pos);
	}
	return attr_of_id(s, id);
}

/* The time of a record, 0 when it has none (delivered at once). */
static uint64_t
record_time(struct session *s, const unsigned char *r, uint16_t type, uint16_t size)
{
	struct attr *a = record_attr(s, r, type, size);
	uint64_t t, pos;

	if (a == NULL || !(a->sample_type & S_TIME))
		return 0;
	t = a->sample_type;
	if (type == REC_SAMPLE) {
		pos = 8;
		if (t & S_IDENTIFIER)
			pos += 8;
		if (t & S_IP)
			pos += 8;
		if (t & S_TID)
			pos += 8;
		return pos + 8 <= size ? rd64(r + pos) : 0;
	}
	if (!s->sample_id_all)
		return 0;
	pos = size;
	if (t & S_IDENTIFIER)
		pos -= 8;
	if (t & S_CPU)
		pos -= 8;
	if (t & S_STREAM_ID)
		pos -= 8;
	if (t & S_ID)
		pos -= 8;
	if (pos < 16 || pos > size)
		return 0;
	return rd64(r + pos - 8);
}

static int deliver(struct session *s, uint64_t off);

static int
qless(const struct qent *x, const struct qent *y)
{
	return x->ts < y->ts || (x->ts == y->ts && x->seq < y->seq);
}

/*
 * Sorts the queue by time, then arrival.  It is a few runs already in
 * order (what the last flush left, then each CPU's buffer in turn), so
 * the runs are merged, pairwise, until one is left.
 */
static int
sort_queue(struct session *s)
{
	struct qent *a = s->q, *b, *t;
	size_t n = s->nq, i, nr = 0, *runs = NULL, cap = 0;

	for (i = 0; i < n; i++)
		if (i == 0 || qless(&a[i], &a[i - 1])) {
			if (pf_grow(&runs, &cap, nr + 2, sizeof(*runs)) != 0)
				return -1;
			runs[nr++] = i;
		}
	if (nr <= 1) {
		free(runs);
		return 0;
	}
	runs[nr] = n;
	if (pf_grow(&s->qtmp, &s->qtmp_cap, n, sizeof(*s->qtmp)) != 0) {
		free(runs);
		return -1;
	}
	b = s->qtmp;
	while (nr > 1) {
		size_t r, k = 0;

		for (r = 0; r < nr; r += 2) {
			size_t lo = runs[r], mid = r + 1 < nr ? runs[r + 1] : runs[nr];
			size_t hi = r + 1 < nr ? runs[r + 2] : runs[nr], x = lo, y = mid, o = lo;

			while (x < mid && y < hi)
				b[o++] = qless(&a[y], &a[x]) ? a[y++] : a[x++];
			while (x < mid)
				b[o++] = a[x++];
			while (y < hi)
				b[o++] = a[y++];
			runs[k++] = lo;
		}
		runs[k] = n;
		nr = k;
		t = a;
		a = b;
		b = t;
	}
	if (a != s->q) {
		/* The result is in the spare buffer: swap the buffers. */
		size_t c = s->qcap;

		s->qtmp = s->q;
		s->qcap = s->qtmp_cap;
		s->qtmp_cap = c;
		s->q = a;
	}
	free(runs);
	return 0;
}

/* perf's do_flush(): delivers the queued records up to limit, in order. */
static int
flush_upto(struct session *s, uint64_t limit)
{
	size_t i, k;

	if (limit == 0 || s->nq == 0)
		return 0;
	if (sort_queue(s) != 0)
		return nomem(s);
	for (i = 0; i < s->nq && s->q[i].ts <= limit; i++)
		if (deliver(s, s->q[i].off) != 0) {
			s->nq = 0;
			return -1;
		}
	k = s->nq - i;
	memmove(s->q, s->q + i, k * sizeof(*s->q));
	s->nq = k;
	s->qmax = k > 0 ? s->q[k - 1].ts : 0;
	return 0;
}

static int
queue(struct session *s, uint64_t ts, uint64_t off)
{
	if (pf_grow(&s->q, &s->qcap, s->nq + 1, sizeof(*s->q)) != 0)
		return nomem(s);
	if (s->nq == 0 || ts >= s->qmax) {
		s->max_ts = ts;
		s->qmax = ts;
	}
	s->q[s->nq].ts = ts;
	s->q[s->nq].seq = s->seq++;
	s->q[s->nq].off = off;
	s->nq++;
	return 0;
}

/*
 * Gives the pages of the mapping that no queued record needs back to the
 * system, so that memory follows the rounds, not the file.
 */
static void
release_pages(struct session *s, uint64_t off)
{
	uint64_t low = off, page = (uint64_t)sysconf(_SC_PAGESIZE), from, to;
	size_t i;

	if (!s->mapped)
		return;
	for (i = 0; i < s->nq; i++)
		if (s->q[i].off < low)
			low = s->q[i].off;
	from = s->dropped & ~(page - 1);
	to = low & ~(page - 1);
	if (to >= from + ((uint64_t)8 << 20)) {
		madvise((void *)(uintptr_t)(s->base + from), (size_t)(to - from), MADV_DONTNEED);
		s->dropped = to;
	}
}

/* How many bytes of mapped records the first worker walks between two
 * additions to pf_input_bytes_read(). */
#define PROGRESS_STEP ((uint64_t)1 << 20)

static int
read_records(struct session *s)
{
	uint64_t off = s->data_off, end = s->data_end;
	const unsigned char *b = s->base;

	while (off < end) {
		uint16_t type, size;
		uint64_t ts;

		if (end - off < 8)
			return bad(s, off, "a record header cut short (%llu bytes left in the data "
			    "section)", (unsigned long long)(end - off));
		type = rd32(b + off) > 0xffff ? 0xffff : (uint16_t)rd32(b + off);
		size = rd16(b + off + 6);
		if (size < 8)
			return bad(s, off, "record of type %u has size %u", rd32(b + off), size);
		if (size > end - off)
			return bad(s, off, "record of type %u and %u bytes runs past the end of the "
			    "data section (%llu bytes left): a truncated file?", type, size,
			    (unsigned long long)(end - off));
		if (rd32(b + off) >= REC_USER_MAX ||
		    (rd32(b + off) > REC_KERNEL_LAST && rd32(b + off) < REC_KERNEL_MAX))
			return bad(s, off, "unknown record type %u", rd32(b + off));
		if (type >= REC_KERNEL_MAX) {
			switch (type) {
			case REC_FINISHED_ROUND:
				/* perf's ROUND flush, then the next limit. */
				if (s->nq > 0) {
					if (flush_upto(s, s->next_flush) != 0)
						return -1;
					s->next_flush = s->max_ts;
				}
				s->round++;
				release_pages(s, off);
				break;
			case REC_HEADER_ATTR:
			case REC_HEADER_FEATURE:
			case REC_HEADER_BUILD_ID:
			case REC_EVENT_UPDATE:
				if (s->pipe && pipe_record(s, b + off, type, size, off) != 0)
					return s->unsupported ? 1 : -1;
				break;
			case REC_AUXTRACE_INFO:
			case REC_AUXTRACE:
				return unsupported(s, "hardware trace data (AUX area)");
			case REC_COMPRESSED:
				return unsupported(s, "compressed recordings (perf record -z)");
			default:
				break;
			}
		} else {
			if (type == REC_AUX)
				return unsupported(s, "hardware trace data (AUX area)");
			ts = record_time(s, b + off, type, size);
			if (ts == 0 || ts == UINT64_MAX) {
				if (deliver(s, off) != 0)
					return -1;
			} else if (queue(s, ts, off) != 0) {
				return -1;
			}
		}
		if (s->unsupported)
			return 1;
		off += size;
		if (s->mapped && s->index == 0 && off - s->progressed >= PROGRESS_STEP) {
			pf_progress_add(off - s->progressed);
			s->progressed = off;
		}
	}
	return 0;
}

/* --------------------------------------------------------------- kernel */

static int
kernel_load(struct session *s)
{
	uint8_t bid[20];
	int n;
	uint64_t first, last;

	if (s->kernel_tried)
		return s->kernel != NULL && s->kernel->loaded ? 0 : -1;
	s->kernel_tried = 1;
	if (s->kernel == NULL)
		return -1;
	n = pf_host_kernel_build_id(bid);
	s->src.host_kernel = !s->kernel->has_bid ||
	    (n > 0 && n == s->kernel->bid_len && memcmp(bid, s->kernel->bid, (size_t)n) == 0);
	if (pf_kernel_image_present(s->kernel, &s->src, s->osrelease)) {
		unsupported(s, "a kernel image (vmlinux) that perf reads before kallsyms");
		return -1;
	}
	if (pf_dso_load_kallsyms(s->kernel, &s->src, s->kref_addr ? "_text" : NULL,
	    s->kref_addr, &first, &last) != 0) {
		s->kernel->loaded = 1;
		return 0;
	}
	/* perf's map__fixup_start() and map__fixup_end(). */
	s->kmap.start = first;
	s->kmap.end = last;
	return 0;
}

/* ---------------------------------------------------------- mmap records */

static int
is_anon(const char *f)
{
	return strcmp(f, "//anon") == 0 || strncmp(f, "/dev/zero", 9) == 0 ||
	    strncmp(f, "/anon_hugepage", 14) == 0;
}

static int
is_no_dso(const char *f)
{
	return strncmp(f, "[stack", 6) == 0 || strncmp(f, "/SYSV", 5) == 0 ||
	    strcmp(f, "[heap]") == 0;
}

static int
do_mmap(struct session *s, const unsigned char *r, uint16_t size, int v2, uint64_t off)
{
	uint16_t misc = rd16(r + 4);
	int32_t pid, tid;
	uint64_t start, len, pgoff;
	uint32_t prot, flags = 0;
	const unsigned char *fn;
	size_t fmax, flen;
	char name[4200];
	struct thread *th;
	struct pf_dso *d;
	struct map *m;
	int cpumode = misc & MISC_CPUMODE_MASK, anon;

	if (size < (v2 ? 72u : 40u) + 1)
		return bad(s, off, "mmap record of %u bytes", size);
	pid = (int32_t)rd32(r + 8);
	tid = (int32_t)rd32(r + 12);
	start = rd64(r + 16);
	len = rd64(r + 24);
	pgoff = rd64(r + 32);
	if (v2) {
		prot = rd32(r + 64);
		flags = rd32(r + 68);
		fn = r + 72;
	} else {
		prot = (misc & MISC_MMAP_DATA) ? 0 : 4;
		fn = r + 40;
	}
	fmax = (size_t)(r + size - fn);
	flen = strnlen((const char *)fn, fmax);
	if (flen >= 4096)
		flen = 4095;
	memcpy(name, fn, flen);
	name[flen] = '\0';

	if (cpumode == MISC_KERNEL || cpumode == MISC_GUEST_KERNEL) {
		if (cpumode == MISC_GUEST_KERNEL)
			return 0;
		if (strncmp(name, "[kernel.kallsyms]", 17) == 0) {
			s->kernel = dso_find(s, "[kernel.kallsyms]", 1);
			if (s->kernel == NULL)
				return nomem(s);
			s->kernel->kind = PF_DSO_KERNEL;
			s->kmap.start = start;
			s->kmap.end = start + len < start ? UINT64_MAX : start + len;
			s->kmap.pgoff = pgoff;
			s->kmap.dso = s->kernel;
			s->kmap.identity = 1;
			s->kmap_known = 1;
			if (strcmp(name, "[kernel.kallsyms]_text") == 0 ||
			    strcmp(name, "[kernel.kallsyms]_stext") == 0)
				s->kref_addr = pgoff;
			return 0;
		}
		if (name[0] == '/' || name[0] == '[') {
			/* A kernel module: its map is kept so that a sample
			 * in it is noticed (see find_sym()). */
			char mod[512];
			const char *b = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
			size_t q, k = strcspn(b, ".");

			if (b[0] == '[')
				snprintf(mod, sizeof(mod), "%.500s", b);
			else
				snprintf(mod, sizeof(mod), "[%.*s]", (int)k, b);
			for (q = 1; mod[q] != ']' && mod[q] != '\0'; q++)
				if (mod[q] == '-')
					mod[q] = '_';
			if ((d = dso_find(s, mod, 1)) == NULL)
				return nomem(s);
			d->kind = PF_DSO_MODULE;
			if (start + len < start)
				return bad(s, off, "mmap of %llu bytes at 0x%llx wraps around",
				    (unsigned long long)len, (unsigned long long)start);
			if ((m = map_new(s, start, start + len, pgoff, d, 0)) == NULL ||
			    maps_insert(s, &s->kmaps, m) != 0)
				return nomem(s);
			s->kmaps.version++;
		}
		return 0;
	}
	th = thread_findnew(s, pid, tid);
	if (th == NULL)
		return nomem(s);
	anon = is_anon(name) || (flags & 0x40000);	/* MAP_HUGETLB */
	if ((anon || is_no_dso(name)) && (prot & 4))
		snprintf(name, sizeof(name), "/tmp/perf-%d.map", pid);
	if (strncmp(name, "[vdso", 5) == 0 && strcmp(name, "[vdso]") != 0)
		return unsupported(s, "a %s mapping", name);
	if (strncmp(name, "/memfd:", 7) == 0 && 0)
		return 0;
	d = dso_find(s, name, 1);
	if (d == NULL)
		return nomem(s);
	m = map_new(s, start, start + len, pgoff, d, anon || is_no_dso(fn[0] ? (const char *)fn : ""));
	if (m == NULL)
		return nomem(s);
	if (start + len < start)
		return bad(s, off, "mmap of %llu bytes at 0x%llx wraps around",
		    (unsigned long long)len, (unsigned long long)start);
	if (maps_insert(s, th->maps, m) != 0)
		return nomem(s);
	return 0;
}

static int
do_ksymbol(struct session *s, const unsigned char *r, uint16_t size, uint64_t off)
{
	uint64_t addr;
	uint32_t len;
	uint16_t type, flags;
	char name[512];
	size_t n;
	struct pf_dso *d;
	struct map *m;

	if (size < 28)
		return bad(s, off, "ksymbol record of %u bytes", size);
	addr = rd64(r + 8);
	len = rd32(r + 16);
	type = rd16(r + 20);
	flags = rd16(r + 22);
	n = strnlen((const char *)r + 24, size - 24u);
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, r + 24, n);
	name[n] = '\0';
	PF_UNUSED(type);
	if (flags & 1)		/* unregister */
		return unsupported(s, "kernel symbols that are unregistered while recording");
	d = dso_find(s, name, 1);
	if (d == NULL)
		return nomem(s);
	d->kind = PF_DSO_KSYM;
	d->loaded = 1;
	if (d->syms.n == 0 && pf_symtab_add(&d->syms, addr, addr + len, PF_BIND_GLOBAL,
	    name, n) != 0)
		return nomem(s);
	if ((m = map_new(s, addr, addr + len, 0, d, 1)) == NULL ||
	    maps_insert(s, &s->kmaps, m) != 0)
		return nomem(s);
	return 0;
}

/* ---------------------------------------------------------------- samples */

/* The map and address of ip in the address space cpumode names. */
static struct map *
find_map(struct session *s, struct thread *th, int cpumode, uint64_t ip)
{
	struct map *m;

	if (cpumode == MISC_KERNEL) {
		m = maps_find(s, &s->kmaps, ip);
		if (m != NULL)
			return m;
		if (!s->kmap_known || ip < s->kmap.start || ip >= s->kmap.end)
			return NULL;
		kernel_load(s);
		return &s->kmap;
	}
	if (cpumode == MISC_USER)
		return maps_find(s, th->maps, ip);
	return NULL;
}

static const struct pf_sym *
find_sym(struct session *s, struct map *m, uint64_t ip)
{
	struct pf_dso *d = m->dso;
	uint64_t a = m->identity ? ip : ip - m->start + m->pgoff;

	if (d->kind == PF_DSO_MODULE) {
		/* perf reads a module's .ko (its sections placed as the
		 * kernel placed them), which this reader does not. */
		unsupported(s, "samples in the kernel module %s", d->name);
		return NULL;
	}
	if (!d->loaded) {
		if (d->kind == PF_DSO_USER)
			pf_dso_load_user(d, &s->src);
		else
			d->loaded = 1;
	}
	return pf_symtab_find(&d->syms, a);
}

/*
 * The frame names already made, by (dso, symbol, java) or, for an unknown
 * symbol with --addrs, (dso, address, java): a slot to fill or a filled
 * one.  The table grows with distinct symbols, not samples.
 */
static struct nslot *
names_find(struct session *s, uint64_t a, uint64_t b)
{
	uint64_t h;
	size_t i;

	if (s->names_cap == 0 || (s->names_n + 1) * 2 > s->names_cap) {
		size_t cap = s->names_cap ? s->names_cap * 2 : 4096, j;
		struct nslot *nt = calloc(cap, sizeof(*nt));

		if (nt == NULL)
			return NULL;
		for (j = 0; j < s->names_cap; j++) {
			struct nslot *o = &s->names[j];

			if (!o->used)
				continue;
			h = (o->a * 0x9e3779b97f4a7c15ull) ^ (o->b * 0xc2b2ae3d27d4eb4full);
			for (i = (size_t)(h ^ h >> 31) & (cap - 1); nt[i].used; i = (i + 1) & (cap - 1))
				;
			nt[i] = *o;
		}
		free(s->names);
		s->names = nt;
		s->names_cap = cap;
	}
	h = (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full);
	for (i = (size_t)(h ^ h >> 31) & (s->names_cap - 1); s->names[i].used;
	    i = (i + 1) & (s->names_cap - 1))
		if (s->names[i].a == a && s->names[i].b == b)
			break;
	return &s->names[i];
}

/* The frame ids of one resolved frame, via the cache of the namer's
 * results; -1 on error (err filled or unsupported set). */
static int
frame(struct session *s, struct thread *th, struct map *m, int have_map, int cpumode,
    uint64_t ip, int java, int raw, const uint32_t **ids, uint32_t *nids)
{
	uint64_t h = (ip * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)(uintptr_t)th->maps >> 4) ^
	    (uint64_t)cpumode * 131 ^ (uint64_t)java;
	struct fcache *c = &s->fc[(h ^ h >> 29) & ((1u << FCACHE_BITS) - 1)];
	const void *space = cpumode == MISC_KERNEL ? (const void *)&s->kmaps :
	    (const void *)th->maps;
	uint32_t version = cpumode == MISC_KERNEL ? s->kmaps.version + (uint32_t)s->kernel_tried :
	    th->maps->version;
	uint32_t mode = (uint32_t)cpumode << 2 | (uint32_t)raw << 1 | (uint32_t)java;
	const struct pf_sym *sym = NULL;
	char pc[32], *rest;
	size_t pclen, rlen, need;
	const char *dname;
	uint64_t addr;
	long k;

	struct nslot *ns;
	uint64_t ka, kb;

	if (c->maps == space && c->ip == ip && c->version == version && c->mode == mode) {
		*nids = s->pool[c->off];
		*ids = s->pool + c->off + 1;
		return 0;
	}
	if (!have_map)
		m = find_map(s, th, cpumode, ip);
	if (m != NULL)
		sym = find_sym(s, m, ip);
	if (s->unsupported)
		return -1;
	if (sym != NULL && m->dso->odd)
		return unsupported(s, "symbols of %s that perf demangles differently", m->dso->name), -1;
	/* perf script shows user-space addresses of a call chain relative
	 * to their file, the address of a sample without one as it is. */
	addr = ip;
	if (!raw && m != NULL && m->dso->kind == PF_DSO_USER && !m->identity)
		addr = ip - m->start + m->pgoff;
	/* The names depend on the symbol and dso only (and the address of an
	 * unknown one with --addrs): one namer call for each. */
	ka = (uint64_t)(m != NULL ? m->dso->id + 1 : 0) << 32 |
	    (uint64_t)(sym != NULL ? (uint32_t)(sym - m->dso->syms.s) + 1 : 0);
	kb = (sym == NULL && s->o->include_addrs ? addr << 1 : 0) | (uint64_t)java;
	if ((ns = names_find(s, ka, kb)) == NULL)
		return nomem(s);
	if (ns->used) {
		c->maps = space;
		c->ip = ip;
		c->version = version;
		c->mode = mode;
		c->off = ns->off;
		*nids = s->pool[c->off];
		*ids = s->pool + c->off + 1;
		return 0;
	}
	pclen = (size_t)snprintf(pc, sizeof(pc), "%" PRIx64, addr);
	dname = m != NULL ? m->dso->name : "[unknown]";
	need = (sym != NULL ? sym->len : 9) + strlen(dname) + 16;
	if (pf_grow(&s->line, &s->line_cap, need, 1) != 0)
		return nomem(s);
	rest = s->line;
	if (sym != NULL) {
		size_t nl = strlen(sym->name);

		if (memchr(sym->name, '\n', nl) != NULL || memchr(sym->name, '\r', nl) != NULL)
			return unsupported(s, "a symbol name with a line break"), -1;
		memcpy(rest, sym->name, nl);
		rlen = nl;
		memcpy(rest + rlen, "+0x0", 4);
		rlen += 4;
	} else {
		memcpy(rest, "[unknown]", 9);
		rlen = 9;
	}
	rlen += (size_t)sprintf(rest + rlen, " (%s)", dname);
	if (memchr(dname, '\n', strlen(dname)) != NULL)
		return unsupported(s, "a file name with a line break"), -1;
	k = pf_perf_namer_frame(s->nm, pc, pclen, rest, rlen, java, ids);
	if (k == -2)
		return unsupported(s, "a symbol that reads as a sample header"), -1;
	if (k < 0)
		return nomem(s);
	if (s->npool + (size_t)k + 1 > UINT32_MAX ||
	    pf_grow(&s->pool, &s->pool_cap, s->npool + (size_t)k + 1, sizeof(*s->pool)) != 0)
		return nomem(s);
	c->maps = space;
	c->ip = ip;
	c->version = version;
	c->mode = mode;
	c->off = (uint32_t)s->npool;
	ns = names_find(s, ka, kb);	/* the table may have grown: again */
	ns->used = 1;
	ns->a = ka;
	ns->b = kb;
	ns->off = c->off;
	s->names_n++;
	s->pool[s->npool] = (uint32_t)k;
	memcpy(s->pool + s->npool + 1, *ids, (size_t)k * sizeof(uint32_t));
	*ids = s->pool + s->npool + 1;
	*nids = (uint32_t)k;
	s->npool += (size_t)k + 1;
	return 0;
}

static int
push(struct session *s, const uint32_t *ids, uint32_t n)
{
	if (pf_grow(&s->stack, &s->stack_cap, s->nstack + n, sizeof(*s->stack)) != 0)
		return nomem(s);
	memcpy(s->stack + s->nstack, ids, n * sizeof(*ids));
	s->nstack += n;
	return 0;
}

static int
count_event(struct session *s, const char *ev, size_t n)
{
	size_t i;

	if (n >= sizeof(s->events[0].name))
		n = sizeof(s->events[0].name) - 1;
	for (i = 0; i < s->nevents; i++)
		if (strlen(s->events[i].name) == n && memcmp(s->events[i].name, ev, n) == 0) {
			s->events[i].samples++;
			return 0;
		}
	if (pf_grow(&s->events, &s->events_cap, s->nevents + 1, sizeof(*s->events)) != 0)
		return nomem(s);
	memcpy(s->events[s->nevents].name, ev, n);
	s->events[s->nevents].name[n] = '\0';
	s->events[s->nevents].samples = 1;
	s->nevents++;
	return 0;
}

/* The header line perf script prints for this sample, up to the event. */
static size_t
header_line(struct session *s, const struct thread *th, const struct attr *a,
    int32_t tid, uint32_t cpu, uint64_t time, uint64_t period)
{
	char comm[64], *o;
	size_t n = 0, cap;
	int type = a->type < 8 ? (int)a->type : 7, k;
	const char *c = th->comm;

	if (c == NULL) {
		snprintf(comm, sizeof(comm), ":%d", th->tid);
		c = comm;
	}
	cap = strlen(c) + strlen(a->name) + (size_t)s->name_width + 128;
	if (pf_grow(&s->line, &s->line_cap, cap, 1) != 0)
		return 0;
	o = s->line;
	if (s->use_callchain)
		k = sprintf(o, "%s ", c);
	else
		k = sprintf(o, "%16s ", c);
	n += (size_t)k;
	n += (size_t)sprintf(o + n, "%5d ", tid);
	if (s->cpu_field[type])
		n += (size_t)sprintf(o + n, "[%03u] ", cpu);
	if (a->sample_type & S_TIME) {
		char t[48];

		snprintf(t, sizeof(t), "%" PRIu64 ".%06" PRIu64, time / 1000000000u,
		    (time % 1000000000u) / 1000u);
		n += (size_t)sprintf(o + n, "%12s: ", t);
	}
	if (a->sample_type & S_PERIOD)
		n += (size_t)sprintf(o + n, "%10" PRIu64 " ", period);
	n += (size_t)sprintf(o + n, "%*s: ", s->name_width, a->name);
	return n;
}

/*
 * What perf script decides from all the events before it prints the first
 * sample: names (perf's own for events the file does not name), whether
 * call chains are shown, the width of the event column, whether a type of
 * event shows its CPU.
 */
static int
prepare(struct session *s)
{
	size_t i;

	s->prepared = 1;
	if (s->nattrs == 0)
		return 0;
	for (i = 0; i < s->nattrs; i++)
		if (s->attrs[i].name == NULL && attr_name(s, &s->attrs[i]) != 0)
			return -1;
	for (i = 0; i < s->nattrs; i++) {
		int type = s->attrs[i].type < 8 ? (int)s->attrs[i].type : 7;
		int w;

		if (s->attrs[i].name == NULL)
			return unsupported(s, "events without a name in the file");
		if (strpbrk(s->attrs[i].name, "\n\r") != NULL)
			return unsupported(s, "an event name with a line break");
		w = (int)strlen(s->attrs[i].name);
		if (s->attrs[i].sample_type & S_CALLCHAIN)
			s->use_callchain = 1;
		if (w > s->name_width)
			s->name_width = w;
		s->cpu_field[type] = 1;
	}
	for (i = 0; i < s->nattrs; i++) {
		int type = s->attrs[i].type < 8 ? (int)s->attrs[i].type : 7;

		if (!(s->attrs[i].sample_type & S_CPU))
			s->cpu_field[type] = 0;
	}
	return 0;
}

static int
do_sample(struct session *s, const unsigned char *r, uint16_t size, uint64_t off)
{
	struct attr *a = record_attr(s, r, REC_SAMPLE, size);
	uint64_t t, pos = 8, ip = 0, time = 0, period = 1, nr = 0, i;
	int32_t pid = 0, tid = 0;
	uint32_t cpu = 0, nids;
	int cpumode = rd16(r + 4) & MISC_CPUMODE_MASK, java, mine;
	const unsigned char *chain = NULL;
	struct thread *th;
	struct pf_perf_header h;
	const uint32_t *ids;
	uint32_t attr_idx;

#define NEED(k) do { if ((uint64_t)(k) > (uint64_t)size - pos) \
	return bad(s, off + pos, "sample of %u bytes ends inside its fields", size); } while (0)
	if (!s->prepared && prepare(s) != 0)
		return -1;
	if (a == NULL)
		return bad(s, off, "sample with an id that no event has");
	attr_idx = (uint32_t)(a - s->attrs);
	t = a->sample_type;
	if (t & S_IDENTIFIER) {
		NEED(8);
		pos += 8;
	}
	if (t & S_IP) {
		NEED(8);
		ip = rd64(r + pos);
		pos += 8;
	}
	if (t & S_TID) {
		NEED(8);
		pid = (int32_t)rd32(r + pos);
		tid = (int32_t)rd32(r + pos + 4);
		pos += 8;
	}
	if (t & S_TIME) {
		NEED(8);
		time = rd64(r + pos);
		pos += 8;
	}
	if (t & S_ADDR) {
		NEED(8);
		pos += 8;
	}
	if (t & S_ID) {
		NEED(8);
		pos += 8;
	}
	if (t & S_STREAM_ID) {
		NEED(8);
		pos += 8;
	}
	if (t & S_CPU) {
		NEED(8);
		cpu = rd32(r + pos);
		pos += 8;
	}
	if (t & S_PERIOD) {
		NEED(8);
		period = rd64(r + pos);
		pos += 8;
	}
	if (t & S_CALLCHAIN) {
		NEED(8);
		nr = rd64(r + pos);
		pos += 8;
		if (nr > ((uint64_t)size - pos) / 8)
			return bad(s, off + pos - 8, "call chain of %llu entries in a sample of %u "
			    "bytes", (unsigned long long)nr, size);
		chain = r + pos;
		pos += nr * 8;
	}
#undef NEED
	th = thread_findnew(s, pid, tid);
	if (th == NULL)
		return nomem(s);
	if (th->comm != NULL && (strchr(th->comm, '\n') != NULL || strchr(th->comm, '\r') != NULL))
		return unsupported(s, "a process name with a line break");

	/* The root frame, as the text parser reads perf script's header. */
	if (th->root_attr != attr_idx || th->root_gen != th->comm_gen || !th->root_ok) {
		size_t n = header_line(s, th, a, tid, cpu, time, period);
		int rc;

		if (n == 0)
			return nomem(s);
		rc = pf_perf_namer_header(s->nm, s->line, n, &h);
		if (rc < 0)
			return nomem(s);
		if (rc == 0 || h.rest_len != 0)
			return unsupported(s, "a sample header the text parser reads otherwise");
		th->root_attr = attr_idx;
		th->root_gen = th->comm_gen;
		th->root_id = h.root;
		th->root_java = h.java;
		th->root_event = pf_arena_strdup(&s->arena, h.event, h.event_len);
		if (th->root_event == NULL)
			return nomem(s);
		/* The period must read back as it is; else every sample
		 * of this thread goes through the text parser. */
		th->root_ok = h.period == (period ? period : 1) || !(t & S_PERIOD);
	} else {
		h.root = th->root_id;
		h.java = th->root_java;
		h.event = th->root_event;
		h.event_len = strlen(th->root_event);
		h.period = period ? period : 1;
	}
	if (!(t & S_PERIOD))
		h.period = 1;
	if (!th->root_ok) {
		size_t n = header_line(s, th, a, tid, cpu, time, period);

		if (n == 0 || pf_perf_namer_header(s->nm, s->line, n, &h) < 0)
			return nomem(s);
	}
	mine = s->round % (uint64_t)s->nworkers == (uint64_t)s->index;
	if (s->index == 0)
		s->st->samples++;
	if (!s->have_filter) {
		size_t el = h.event_len < sizeof(s->filter) - 1 ? h.event_len :
		    sizeof(s->filter) - 1;

		memcpy(s->filter, h.event, el);
		s->filter[el] = '\0';
		s->have_filter = 1;
	}
	if (strlen(s->filter) != h.event_len || memcmp(s->filter, h.event, h.event_len) != 0)
		return s->index == 0 ? count_event(s, h.event, h.event_len) : 0;
	if (!mine)
		return 0;
	java = h.java;

	/* The frames, leaf first, as perf resolves them. */
	s->nstack = 0;
	if (push(s, &h.root, 1) != 0)
		return -1;
	if (s->use_callchain && chain != NULL) {
		int mode = MISC_USER, kept = 0;
		size_t first = 1;
		/* Each frame's ids are pushed in order; the frames are
		 * reversed afterwards (root first). */
		size_t *starts = NULL;
		size_t nstarts = 0, starts_cap = 0;

		for (i = 0; i < nr && kept < MAX_STACK; i++) {
			uint64_t e = rd64(chain + 8 * i);

			if (e >= CONTEXT_MAX) {
				if (e == CONTEXT_HV)
					mode = MISC_HYPERVISOR;
				else if (e == CONTEXT_KERNEL)
					mode = MISC_KERNEL;
				else if (e == CONTEXT_USER)
					mode = MISC_USER;
				else {
					/* perf empties a chain with a marker it
					 * does not know. */
					s->nstack = 1;
					nstarts = 0;
					break;
				}
				continue;
			}
			kept++;
			if (frame(s, th, NULL, 0, mode, e, java, 0, &ids, &nids) != 0) {
				free(starts);
				return -1;
			}
			if (pf_grow(&starts, &starts_cap, nstarts + 1, sizeof(*starts)) != 0) {
				free(starts);
				return nomem(s);
			}
			starts[nstarts++] = s->nstack;
			if (push(s, ids, nids) != 0) {
				free(starts);
				return -1;
			}
		}
		/* Reverse the order of the frames, keeping each frame's
		 * ids in their order. */
		if (nstarts > 1) {
			size_t total = s->nstack - first, j, o = 0;
			uint32_t *tmp = malloc(total * sizeof(*tmp));

			if (tmp == NULL) {
				free(starts);
				return nomem(s);
			}
			for (j = nstarts; j-- > 0;) {
				size_t b = starts[j], e = j + 1 < nstarts ? starts[j + 1] : s->nstack;

				memcpy(tmp + o, s->stack + b, (e - b) * sizeof(*tmp));
				o += e - b;
			}
			memcpy(s->stack + first, tmp, total * sizeof(*tmp));
			free(tmp);
		}
		free(starts);
	} else {
		struct map *m = find_map(s, th, cpumode, ip);

		if (m == NULL && cpumode != MISC_HYPERVISOR) {
			int other = s->kmap_known && ip >= s->kmap.start ? MISC_KERNEL : MISC_USER;

			if (other != cpumode) {
				cpumode = other;
				m = find_map(s, th, cpumode, ip);
			}
		}
		if (frame(s, th, m, 1, cpumode, ip, java, 1, &ids, &nids) != 0)
			return -1;
		if (push(s, ids, nids) != 0)
			return -1;
	}
	if (s->nstack <= 1)
		s->st->empty_samples++;
	s->st->samples_kept++;
	if (pf_profile_add(s->p, s->stack, s->nstack, pf_count_from_u64(h.period), 0,
	    s->err) != 0) {
		pf_err_name(s->err, s->name);
		return -1;
	}
	return 0;
}

static int
deliver(struct session *s, uint64_t off)
{
	const unsigned char *r = s->base + off;
	uint16_t type = (uint16_t)rd32(r), size = rd16(r + 6);
	struct thread *th, *parent;

	if (s->unsupported)
		return -1;
	switch (type) {
	case REC_SAMPLE:
		return do_sample(s, r, size, off) != 0 ? -1 : 0;
	case REC_MMAP:
	case REC_MMAP2:
		return do_mmap(s, r, size, type == REC_MMAP2, off) != 0 ? -1 : 0;
	case REC_COMM: {
		size_t n;

		if (size < 17)
			return bad(s, off, "comm record of %u bytes", size);
		n = strnlen((const char *)r + 16, size - 16u);
		if ((th = thread_findnew(s, (int32_t)rd32(r + 8), (int32_t)rd32(r + 12))) == NULL ||
		    thread_set_comm(s, th, (const char *)r + 16, n) != 0)
			return nomem(s);
		return 0;
	}
	case REC_FORK: {
		int32_t pid, ppid, tid, ptid;

		if (size < 24)
			return bad(s, off, "fork record of %u bytes", size);
		pid = (int32_t)rd32(r + 8);
		ppid = (int32_t)rd32(r + 12);
		tid = (int32_t)rd32(r + 16);
		ptid = (int32_t)rd32(r + 20);
		/* perf's machine__process_fork_event(). */
		th = thread_find(s, tid);
		parent = thread_findnew(s, ppid, ptid);
		if (parent == NULL)
			return nomem(s);
		if (parent->pid != ppid) {
			thread_unlink(s, parent);
			if ((parent = thread_findnew(s, ppid, ptid)) == NULL)
				return nomem(s);
		}
		if (th != NULL)
			thread_unlink(s, th);
		if ((th = thread_findnew(s, pid, tid)) == NULL)
			return nomem(s);
		if (parent->comm != NULL) {
			th->comm = parent->comm;
			th->comm_gen++;
		}
		if (th->pid != parent->pid && !(rd16(r + 4) & (1 << 13))) {
			/* A new process: a copy of the parent's maps. */
			struct maps *ms = th->maps;

			if (ms != parent->maps) {
				ms->version++;
				if (ms->t.count == 0 ? pf_spans_copy(&ms->t, &parent->maps->t) != 0 :
				    maps_insert_all(s, ms, parent->maps, parent->maps->t.root) != 0)
					return nomem(s);
			}
		}
		return 0;
	}
	case REC_KSYMBOL:
		return do_ksymbol(s, r, size, off) != 0 ? -1 : 0;
	case REC_EXIT:
	default:
		return 0;
	}
}

/* --------------------------------------------------------------- the API */

static void
session_release(struct session *s)
{
	size_t i;

	pf_perf_namer_free(s->nm);
	for (i = 0; i < s->ndsos; i++)
		dso_free(s->dsos[i]);
	free(s->dsos);
	pf_strmap_release(&s->dso_names);
	pf_strmap_release(&s->tids);
	for (i = 0; i < s->all_maps.n; i++)
		free(s->all_maps.v[i]);
	free(s->all_maps.v);
	for (i = 0; i < s->nmapsets; i++) {
		pf_spans_release_all(&s->all_mapsets[i]->t);
		free(s->all_mapsets[i]);
	}
	free(s->all_mapsets);
	pf_spans_release_all(&s->kmaps.t);
	for (i = 0; i < s->all_threads.n; i++)
		free(s->all_threads.v[i]);
	free(s->all_threads.v);
	pf_arena_release(&s->arena);
	free(s->attrs);
	pf_strmap_release(&s->ids);
	free(s->q);
	free(s->qtmp);
	free(s->events);
	free(s->stack);
	free(s->pool);
	free(s->fc);
	free(s->names);
	free(s->line);
}

static int offline;

void
pf_perf_data_offline(int on)
{
	offline = on;
}

static void
buildid_dir(struct pf_symsrc *src)
{
	src->offline = offline;
	const char *e = getenv("PERF_BUILDID_DIR"), *home = getenv("HOME");

	if (e != NULL && *e != '\0')
		snprintf(src->buildid_dir, sizeof(src->buildid_dir), "%s", e);
	else if (home != NULL)
		snprintf(src->buildid_dir, sizeof(src->buildid_dir), "%s/.debug", home);
	else
		snprintf(src->buildid_dir, sizeof(src->buildid_dir), ".debug");
}

static int
run(struct session *s)
{
	struct thread *idle;
	int rc;

	if ((rc = read_header(s)) != 0)
		return rc;
	/* perf names the idle task (pid 0) "swapper" from the start. */
	if ((idle = thread_findnew(s, 0, 0)) == NULL ||
	    thread_set_comm(s, idle, "swapper", 7) != 0)
		return nomem(s);
	rc = read_records(s);
	if (rc == 0 && !s->unsupported) {
		rc = flush_upto(s, UINT64_MAX);
		if (rc == 0 && s->truncated == 1)
			rc = bad(s, s->size, "the file ends inside its data section: a "
			    "truncated recording (the samples before this point are kept)");
		else if (rc == 0 && s->truncated == 3)
			rc = bad(s, s->size, "the file ends inside its feature sections: a "
			    "truncated recording (its samples are kept; event names and build "
			    "ids were lost)");
	} else if (rc < 0 && !s->unsupported) {
		/* Damage: fold what came before it, then report it. */
		struct pf_error saved = *s->err;

		if (flush_upto(s, UINT64_MAX) == 0 || !s->unsupported)
			*s->err = saved;
	}
	if (s->unsupported)
		return PF_PERF_DATA_UNSUPPORTED;
	return rc;
}

/* One of the threads of a parallel read: a whole session of its own. */
struct worker {
	pthread_t thread;
	struct session s;
	struct pf_profile *p;
	struct pf_perf_stats st;
	struct pf_error err;
	char why[256];
	int rc, started;
};

static void *
run_worker(void *arg)
{
	struct worker *w = arg;

	w->rc = run(&w->s);
	return NULL;
}

static int
worker_init(struct worker *w, const char *name, const unsigned char *base,
    uint64_t size, int mapped, const struct pf_perf_options *opts, int n, int index)
{
	struct session *s = &w->s;

	memset(w, 0, sizeof(*w));
	s->name = name;
	s->o = opts;
	s->st = &w->st;
	s->err = &w->err;
	s->why = w->why;
	s->whysize = sizeof(w->why);
	s->kmaps.version = 1;
	s->base = base;
	s->size = size;
	s->mapped = mapped;
	s->nworkers = n;
	s->index = index;
	pf_arena_init(&s->arena);
	buildid_dir(&s->src);
	if (opts->event_filter != NULL) {
		snprintf(s->filter, sizeof(s->filter), "%s", opts->event_filter);
		s->have_filter = s->filter_given = 1;
	}
	w->p = pf_profile_new();
	s->fc = calloc((size_t)1 << FCACHE_BITS, sizeof(*s->fc));
	if (w->p == NULL || s->fc == NULL || (s->nm = pf_perf_namer_new(w->p, opts)) == NULL)
		return -1;
	s->p = w->p;
	return 0;
}

/* Files smaller than this are read on one thread (the threads would
 * spend more time loading symbols than they save). */
static uint64_t min_parallel = (uint64_t)8 << 20;

void
pf_perf_data_min_parallel(uint64_t bytes)
{
	min_parallel = bytes;
}

int
pf_perf_data_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_perf_options *opts, struct pf_perf_stats *stats,
    char *why, size_t whysize, struct pf_error *err)
{
	struct worker *w = NULL;
	const unsigned char *base = NULL;
	void *map = MAP_FAILED;
	char *buf = NULL;
	size_t len = 0, i;
	uint64_t start, end = 0, size = 0;
	int fd, rc = -1, n = opts->jobs > 0 ? opts->jobs : 1, k, mapped = 0;
	const char *name = pf_reader_name(r);

	memset(stats, 0, sizeof(*stats));
	if (whysize > 0)
		why[0] = '\0';
	if (pf_reader_file_span(r, &fd, &start, &end) == 0 && start == 0) {
		if (end > 0) {
			map = mmap(NULL, (size_t)end, PROT_READ, MAP_PRIVATE, fd, 0);
			if (map == MAP_FAILED)
				return pf_errc(err, PF_ERR_IO, name, 0, 0, "cannot map the file: %s", strerror(errno));
			base = map;
			mapped = 1;
			pf_reader_uncount(r);	/* the first worker counts records */
			madvise(map, (size_t)end, MADV_SEQUENTIAL);
		}
		size = end;
	} else {
		if (pf_reader_slurp(r, &buf, &len, err) != 0)
			return -1;
		base = (const unsigned char *)buf;
		size = len;
	}
	if (size < 8 || (memcmp(base, "PERFILE2", 8) != 0 && memcmp(base, "2ELIFREP", 8) != 0)) {
		pf_err(err, name, 0, "byte 0: not a perf.data file (no PERFILE2 magic)");
		goto out;
	}
	/*
	 * Every thread replays the whole file (records, their order, threads
	 * and maps) and folds the samples of every n-th round; the first
	 * thread also counts what is skipped.  Each sample is folded by one
	 * thread, named as on one thread, so the merged result does not
	 * depend on n.  The replay is most of the work on ordinary
	 * recordings, so one thread is the default and -j is asked for.
	 */
	if (n > 64)
		n = 64;
	if (n < 1 || size < min_parallel)
		n = 1;
	if ((w = calloc((size_t)n, sizeof(*w))) == NULL) {
		pf_nomem(err, name, 0);
		goto out;
	}
	for (k = 0; k < n; k++)
		if (worker_init(&w[k], name, base, size, mapped, opts, n, k) != 0) {
			pf_nomem(err, name, 0);
			n = k + 1;
			goto out;
		}
	for (k = 1; k < n; k++)
		w[k].started = pthread_create(&w[k].thread, NULL, run_worker, &w[k]) == 0;
	run_worker(&w[0]);
	for (k = 1; k < n; k++) {
		if (w[k].started)
			pthread_join(w[k].thread, NULL);
		else
			run_worker(&w[k]);
	}
	if (mapped && w[0].s.progressed < size)
		pf_progress_add(size - w[0].s.progressed);
	/* A refusal by any thread is the answer; else the first error. */
	for (k = 0; k < n; k++)
		if (w[k].rc == PF_PERF_DATA_UNSUPPORTED) {
			snprintf(why, whysize, "%s", w[k].why);
			rc = PF_PERF_DATA_UNSUPPORTED;
			goto out;
		}
	rc = 0;
	for (k = 0; k < n; k++)
		if (w[k].rc != 0 && rc == 0) {
			*err = w[k].err;
			rc = -1;
		}
	/* What was folded stays, also before an error. */
	for (k = 0; k < n; k++) {
		struct pf_error merr;

		if (pf_profile_merge(p, w[k].p, &merr) != 0) {
			*err = merr;
			pf_err_name(err, name);
			rc = -1;
			break;
		}
		if (k > 0) {
			w[0].st.samples_kept += w[k].st.samples_kept;
			w[0].st.empty_samples += w[k].st.empty_samples;
		}
	}
	*stats = w[0].st;
	stats->nskipped_events = 0;
	for (i = 0; i < w[0].s.nevents; i++) {
		if (i < PF_MAX_EVENTS) {
			memcpy(stats->skipped_events[i].name, w[0].s.events[i].name,
			    sizeof(w[0].s.events[i].name));
			stats->skipped_events[i].samples = w[0].s.events[i].samples;
			stats->nskipped_events++;
		} else {
			stats->other_skipped_events += w[0].s.events[i].samples;
		}
	}
	if (w[0].s.have_filter) {
		snprintf(stats->event, sizeof(stats->event), "%s", w[0].s.filter);
		stats->event_defaulted = !w[0].s.filter_given;
	}
out:
	for (k = 0; w != NULL && k < n; k++) {
		session_release(&w[k].s);
		pf_profile_free(w[k].p);
	}
	free(w);
	if (map != MAP_FAILED)
		munmap(map, (size_t)end);
	free(buf);
	return rc;
}
