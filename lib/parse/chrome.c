/*
 * chrome.c - Chrome's trace event JSON to folded stacks.
 *
 * A trace is an object whose "traceEvents" holds the events (what the
 * DevTools Performance panel saves), or the bare array of events
 * (chrome://tracing, clang -ftime-trace, Perfetto's JSON export, py-spy).
 * Each event has a phase "ph", a "name", "pid", "tid", a time "ts" in
 * microseconds and "args"; the keys come in any order (DevTools sorts
 * them, so "args" comes first).  Two kinds of events make stacks:
 *
 *  - CPU samples: a "Profile" event starts a V8 CPU profile of a thread
 *    and "ProfileChunk" events with the same "pid" and "id" continue it,
 *    each with args.data.cpuProfile.nodes (ids, call frames, "parent" or
 *    "children") and .samples (node ids), and args.data.timeDeltas
 *    (microseconds since the sample before).  Traces saved by older
 *    DevTools (Chrome 65) have instead one "CpuProfile" event per thread,
 *    with the whole profile in args.data.cpuProfile and the deltas in
 *    args.data.cpuProfile.timeDeltas (or args.data.timeDeltas).  A sample weighs 1, or with
 *    --weight=time the time to the next sample of its profile (0 for the
 *    last one, and when the samples go back in time).
 *  - Duration events: "B"/"E" pairs on a thread, and "X" events with a
 *    "dur".  When the trace has no CPU sample, these nest by time on each
 *    thread and each weighs its self time: its duration less that of the
 *    events inside it, in microseconds.
 *
 * Every stack starts with a frame for the process and one for the thread,
 * named from the "process_name" and "thread_name" metadata events ("M").
 *
 * What is held: the nodes of the profiles, a count (and a weight) per
 * node, the names of processes and threads, and the event being read (one
 * chunk's samples at most).  Duration events are held, 32 bytes each,
 * until the end, where they are sorted by thread and time to be nested;
 * none is held once a CPU sample has been seen.  The stacks go to a
 * profile of their own, merged into the caller's once the whole document
 * has been read, so a truncated or invalid trace adds nothing.
 */
#include <errno.h>
#include <stdlib.h>

#include "v8tree.h"

#define NONE PF_V8_NONE
#define NS_PER_US 1000
/* The caller of a node whose parent is not in the trace. */
#define ORPHAN "(caller lost from the trace)"

enum tag {
	T_ROOT = 1,
	T_EVENTS, T_EVENT,
	T_PH, T_NAME, T_PID, T_TID, T_TS, T_DUR, T_ID,
	T_ARGS, T_ARG_NAME, T_DATA,
	T_CPUPROF, T_NODES, T_NODE, T_NID, T_NPARENT, T_NCHILDREN, T_NCHILD,
	T_CALLFRAME,
	T_FN, T_URL, T_LINE,	/* in the order of PF_V8_FN, _URL, _LINE */
	T_SAMPLES, T_SAMPLE, T_DELTAS, T_DELTA,
	T_SFRAMES, T_SFRAME, T_SF_NAME, T_SF_PARENT,	/* "stackFrames" */
	T_TSAMPLES, T_TSAMPLE, T_TS_SF, T_TS_WEIGHT,	/* "samples" */
};

struct proc {
	int64_t pid;
	char *name;		/* NULL: not named */
	uint32_t frame;		/* NONE until needed */
};

struct thread {
	int64_t pid, tid;
	char *name;
	uint32_t frame;
	uint32_t proc;		/* index in procs */
	uint32_t btop;		/* its innermost open "B" event, or NONE */
};

struct cprof {
	int64_t pid, tid;
	int tid_set;
	uint32_t pending;	/* --weight=time: the node of the sample
				   whose weight the next delta gives */
};

/* A "children" link of the chunk being read. */
struct edge {
	int64_t parent, child;
};

/* An entry of "stackFrames", by its id. */
struct sframe {
	int64_t id, parent_id;
	uint32_t frame, parent;
	uint8_t has_parent, defined;
};

/* The samples of "samples" on one stack frame of one thread. */
struct tsample {
	uint32_t thread;
	int64_t sf;
	pf_count weight;
};

/* A node of the chunk being read. */
struct enode {
	int64_t id, parent;
	size_t edge0;		/* its first "children" link in the event */
	uint32_t frame;
	uint8_t has_id, has_parent, idle, root;
};

/* A duration event, whole. */
struct dur {
	uint32_t thread, frame;
	int64_t ts, dur;	/* nanoseconds */
	uint64_t seq;
};

/* An open "B" event. */
struct bopen {
	uint32_t frame, prev;
	int64_t ts;
};

/* A growable string. */
struct str {
	char *s;
	size_t len, cap;
	int set;
};

/* The event being read. */
struct event {
	struct str ph, name, arg_name;
	struct pf_v8_cf cf;	/* of the node being read */
	int64_t pid, tid, ts, dur, id, sf;
	int has_pid, has_tid, has_ts, has_dur, has_id, has_sf;
	pf_count weight;
	int has_weight;
	struct enode *nodes;
	size_t nnodes, ncap;
	struct edge *edges;	/* children links: profile not yet known */
	size_t nedges, ecap;
	int64_t *samples, *deltas;
	size_t ns, scap, nd, dcap;
	int has_deltas;
};

struct chrome {
	struct pf_profile *q;
	const struct pf_collapse_options *o;
	struct pf_collapse_stats *st;
	struct pf_json *json;
	struct pf_error *err;
	const char *name;

	struct event ev;

	struct proc *procs;
	size_t nprocs, pcap;
	struct pf_v8_map proc_map;
	struct thread *threads;
	size_t nthreads, tcap;
	struct pf_v8_map thread_map;

	struct cprof *profs;
	size_t nprofs, cpcap;
	struct pf_v8_map prof_map;		/* (pid, id) */
	struct pf_v8_tree t;		/* their nodes, by (profile, node id) */
	uint64_t nsamples;		/* CPU samples seen */
	struct sframe *sframes;		/* "stackFrames" */
	size_t nsframes, sfcap;
	struct pf_v8_map sf_map;		/* (0, id) */
	uint32_t sf_open;		/* the entry being read */
	struct tsample *tsamples;	/* "samples", by (thread, sf) */
	size_t ntsamples, tscap;
	struct pf_v8_map ts_map;

	struct dur *durs;
	size_t ndurs, dcap;
	struct bopen *bopen;
	size_t nbopen, bcap;
	uint32_t bfree;			/* free list of bopen slots */
	uint64_t unmatched_e, unclosed_b, no_dur, overlapped;
	int has_events;			/* the root object has "traceEvents" */
	uint64_t nevents, nphased;	/* events, and those with a "ph" */

	uint32_t *stack;
	size_t stackcap;
};

static int
nomem(struct chrome *c)
{
	return pf_json_fail(c->json, "out of memory");
}

/* --------------------------------------------------------------- values */

static int
str_set(struct str *t, const struct pf_json_value *v)
{
	t->len = 0;
	t->set = v->type == PF_JSON_STRING;
	if (!t->set)
		return 0;
	if (pf_grow(&t->s, &t->cap, v->len + 1, 1) != 0)
		return -1;
	memcpy(t->s, v->s, v->len);
	t->s[v->len] = '\0';
	t->len = v->len;
	return 0;
}

static int
str_is(const struct str *t, const char *s)
{
	return t->set && t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

/*
 * An identifier (pid, tid, profile id): an integer, written as a number
 * or a string ("7695", "0x1"); any other string stands for itself by its
 * hash.  0 when there is none.
 */
static int
ident(const struct pf_json_value *v, int64_t *out)
{
	char tmp[32], *end;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	if (v->type == PF_JSON_NUMBER)
		return pf_json_int(v, out);
	if (v->type != PF_JSON_STRING)
		return 0;
	if (v->len > 0 && v->len < sizeof(tmp)) {
		memcpy(tmp, v->s, v->len);
		tmp[v->len] = '\0';
		errno = 0;
		*out = (int64_t)strtoull(tmp, &end, 0);
		if (tmp[0] == '-')
			*out = strtoll(tmp, &end, 0);
		if (errno == 0 && *end == '\0')
			return 1;
	}
	for (i = 0; i < v->len; i++)
		h = (h ^ (unsigned char)v->s[i]) * 0x100000001b3ull;
	*out = (int64_t)(h | (1ull << 62));
	return 1;
}

/* A time in microseconds (a number or a numeric string) as nanoseconds. */
static int
time_ns(const struct pf_json_value *v, int64_t *out)
{
	pf_count c;
	double d;
	int neg = 0;
	const char *s = v->s;
	size_t n = v->len;

	if (v->type != PF_JSON_NUMBER && v->type != PF_JSON_STRING)
		return 0;
	if (n > 0 && s[0] == '-') {
		neg = 1;
		s++;
		n--;
	}
	if (pf_count_parse(s, n, &c) == 0) {
		c /= PF_COUNT_ONE / NS_PER_US;
		if (c > (pf_count)INT64_MAX)
			return 0;
		*out = neg ? -(int64_t)c : (int64_t)c;
		return 1;
	}
	if (!pf_json_double(v, &d))
		return 0;
	d *= NS_PER_US;
	if (!(d > -9e18 && d < 9e18))
		return 0;
	*out = (int64_t)d;
	return 1;
}

/* a + b and a - b, saturating: hostile times must not overflow. */
static int64_t
sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static int64_t
sat_sub(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static pf_count
ns_count(int64_t ns)
{
	return ns > 0 ? (pf_count)ns * (PF_COUNT_ONE / NS_PER_US) : 0;
}

/* -------------------------------------------------- processes, threads */

static uint32_t
proc_get(struct chrome *c, int64_t pid)
{
	uint32_t k = pf_v8_map_find(&c->proc_map, pid, 0);

	if (k != NONE)
		return k;
	if (c->nprocs >= NONE - 1 ||
	    pf_grow(&c->procs, &c->pcap, c->nprocs + 1, sizeof(*c->procs)) != 0 ||
	    pf_v8_map_add(&c->proc_map, pid, 0, (uint32_t)c->nprocs) != 0)
		return NONE;
	c->procs[c->nprocs] = (struct proc){ pid, NULL, NONE };
	return (uint32_t)c->nprocs++;
}

static uint32_t
thread_get(struct chrome *c, int64_t pid, int64_t tid)
{
	uint32_t k = pf_v8_map_find(&c->thread_map, pid, tid), p;

	if (k != NONE)
		return k;
	if ((p = proc_get(c, pid)) == NONE || c->nthreads >= NONE - 1 ||
	    pf_grow(&c->threads, &c->tcap, c->nthreads + 1, sizeof(*c->threads)) != 0 ||
	    pf_v8_map_add(&c->thread_map, pid, tid, (uint32_t)c->nthreads) != 0)
		return NONE;
	c->threads[c->nthreads] = (struct thread){ pid, tid, NULL, NONE, p, NONE };
	return (uint32_t)c->nthreads++;
}

static int
set_name(char **dst, const struct str *s)
{
	char *t = malloc(s->len + 1);

	if (t == NULL)
		return -1;
	memcpy(t, s->s, s->len);
	t[s->len] = '\0';
	free(*dst);
	*dst = t;
	return 0;
}

/* "NAME (what N)", or "what N" without a name. */
static uint32_t
named_frame(struct chrome *c, const char *name, const char *what, int64_t id)
{
	char num[64];
	size_t k;

	if (name != NULL && name[0] != '\0')
		snprintf(num, sizeof(num), " (%s %lld)", what, (long long)id);
	else
		snprintf(num, sizeof(num), "%s %lld", what, (long long)id);
	k = name != NULL ? strlen(name) : 0;
	if (pf_grow(&c->t.buf, &c->t.bufcap, k + sizeof(num), 1) != 0)
		return NONE;
	if (k > 0)
		memcpy(c->t.buf, name, k);
	pf_frame_name_clean(c->t.buf, k);
	memcpy(c->t.buf + k, num, strlen(num));
	return pf_profile_intern(c->q, c->t.buf, k + strlen(num));
}

/* The process and thread frames of thread t into the stack: their
 * number, or -1 when memory runs out. */
static int
thread_frames(struct chrome *c, uint32_t t, int with_thread)
{
	struct thread *th = &c->threads[t];
	struct proc *pr = &c->procs[th->proc];

	if (pr->frame == NONE && (pr->frame = named_frame(c, pr->name, "pid",
	    pr->pid)) == NONE)
		return -1;
	if (with_thread && th->frame == NONE && (th->frame = named_frame(c, th->name,
	    "tid", th->tid)) == NONE)
		return -1;
	if (pf_grow(&c->stack, &c->stackcap, 2, sizeof(*c->stack)) != 0)
		return -1;
	c->stack[0] = pr->frame;
	c->stack[1] = th->frame;
	return with_thread ? 2 : 1;
}

/* --------------------------------------------------------- CPU profiles */

/* The profile (pid, id), found or made; with whole, a "CpuProfile"
 * event's profile, made and never found. */
static uint32_t
prof_get(struct chrome *c, int64_t pid, int64_t id, int whole)
{
	uint32_t k = whole ? NONE : pf_v8_map_find(&c->prof_map, pid, id);

	if (k != NONE)
		return k;
	if (c->nprofs >= NONE - 1 ||
	    pf_grow(&c->profs, &c->cpcap, c->nprofs + 1, sizeof(*c->profs)) != 0 ||
	    (!whole && pf_v8_map_add(&c->prof_map, pid, id, (uint32_t)c->nprofs) != 0))
		return NONE;
	c->profs[c->nprofs] = (struct cprof){ pid, 0, 0, NONE };
	return (uint32_t)c->nprofs++;
}

/* The first CPU sample: duration events are no longer needed. */
static void
drop_durations(struct chrome *c)
{
	free(c->durs);
	c->durs = NULL;
	c->ndurs = c->dcap = 0;
	free(c->bopen);
	c->bopen = NULL;
	c->nbopen = c->bcap = 0;
}

/* A "Profile" or "ProfileChunk" event (is_start: "Profile"), or a
 * "CpuProfile" event (whole), has been read whole. */
static int
chunk_end(struct chrome *c, int is_start, int whole)
{
	struct event *e = &c->ev;
	uint32_t p, k;
	size_t i;

	if (!e->has_pid)
		e->pid = 0;
	if ((p = prof_get(c, e->pid, e->has_id ? e->id : 0, whole)) == NONE)
		return nomem(c);
	if (e->has_tid && (is_start || !c->profs[p].tid_set)) {
		c->profs[p].tid = e->tid;
		c->profs[p].tid_set = 1;
	}
	for (i = 0; i < e->nnodes; i++) {
		const struct enode *en = &e->nodes[i];
		struct pf_v8_node *d;

		if (!en->has_id)
			return pf_json_fail(c->json, "a node of a profile chunk has no id");
		if ((k = pf_v8_node_get(&c->t, p, en->id)) == NONE)
			return nomem(c);
		d = &c->t.nodes[k];
		if (d->defined)
			return pf_json_fail(c->json, "two nodes of a profile have the id %lld",
			    (long long)en->id);
		d->defined = 1;
		d->frame = en->root ? NONE : en->frame;
		d->idle = en->idle;
		d->has_parent_id = en->has_parent;
		d->parent_id = en->parent;
	}
	for (i = 0; i < e->nedges; i++)
		if (pf_v8_edge(&c->t, p, e->edges[i].parent, e->edges[i].child, 1) != 0)
			return nomem(c);
	if (e->ns > 0 && c->nsamples == 0)
		drop_durations(c);
	if (c->o->weight_time && e->ns > 0 && e->nd != e->ns)
		return pf_json_fail(c->json, "--weight=time needs a time for each sample "
		    "(\"timeDeltas\" as long as \"samples\")");
	for (i = 0; i < e->ns; i++) {
		if ((k = pf_v8_node_get(&c->t, p, e->samples[i])) == NONE)
			return nomem(c);
		if (c->t.nodes[k].first == UINT64_MAX)
			c->t.nodes[k].first = c->nsamples;
		c->nsamples++;
		pf_v8_count(&c->t, k, 0);
		if (!c->o->weight_time)
			continue;
		if (c->profs[p].pending != NONE) {
			struct pf_v8_node *d = &c->t.nodes[c->profs[p].pending];

			if (pf_count_add(d->weight, ns_count(e->deltas[i] * NS_PER_US),
			    &d->weight) != 0)
				return pf_json_fail(c->json, "count overflow");
		}
		c->profs[p].pending = k;
	}
	return 0;
}

/* Builds the stack of node i (all linked) and adds w. */
static int
emit_node(struct chrome *c, uint32_t i, pf_count w)
{
	const struct cprof *pr = &c->profs[c->t.nodes[i].scope];
	uint32_t t;
	int m;

	if ((t = thread_get(c, pr->pid, pr->tid_set ? pr->tid : 0)) == NONE ||
	    (m = thread_frames(c, t, pr->tid_set)) < 0)
		return pf_nomem(c->err, c->name, 0);
	if ((m = pf_v8_stack(&c->t, c->q, i, &c->stack, &c->stackcap, (size_t)m, ORPHAN,
	    c->err, c->name)) < 0)
		return -1;
	if (pf_profile_add(c->q, c->stack, (size_t)m, w, 0, c->err) != 0) {
		pf_err_name(c->err, c->name);
		return -1;
	}
	return 0;
}

static int
finish_samples(struct chrome *c)
{
	size_t i;
	uint64_t lost = 0, first = UINT64_MAX, orphans = 0;

	if (pf_v8_link(&c->t, &orphans, " of a CPU profile", c->err, c->name) != 0)
		return -1;
	c->st->samples = c->nsamples;
	for (i = 0; i < c->t.n; i++) {
		struct pf_v8_node *d = &c->t.nodes[i];
		pf_count w = c->o->weight_time ? d->weight : pf_count_from_u64(d->samples);

		if (!d->defined) {
			lost += d->samples;
			if (d->first < first)
				first = d->first;
			continue;
		}
		if (d->idle && c->o->drop_idle) {
			c->st->dropped += d->samples;
			continue;
		}
		if (w > 0 && emit_node(c, (uint32_t)i, w) != 0)
			return -1;
	}
	if (lost > 0) {
		c->st->dropped += lost;
		snprintf(c->st->note, sizeof(c->st->note), "%llu CPU sample%s (the first: "
		    "sample %llu) name%s a node not in the trace (chunks lost?): left out",
		    (unsigned long long)lost, lost == 1 ? "" : "s",
		    (unsigned long long)first + 1, lost == 1 ? "s" : "");
	}
	if (orphans > 0) {
		size_t used = strlen(c->st->note);

		snprintf(c->st->note + used, sizeof(c->st->note) - used, "%s%llu node%s of "
		    "CPU profiles ha%s a parent not in the trace (chunks lost?): put under "
		    "\"" ORPHAN "\"", used > 0 ? "; " : "", (unsigned long long)orphans,
		    orphans == 1 ? "" : "s", orphans == 1 ? "s" : "ve");
	}
	return 0;
}

/* ------------------------------------------------------ duration events */

static int
dur_add(struct chrome *c, uint32_t t, uint32_t frame, int64_t ts, int64_t dur)
{
	if (pf_grow(&c->durs, &c->dcap, c->ndurs + 1, sizeof(*c->durs)) != 0)
		return -1;
	c->durs[c->ndurs] = (struct dur){ t, frame, ts, dur, c->ndurs };
	c->ndurs++;
	return 0;
}

static uint32_t
event_frame(struct chrome *c)
{
	const struct str *s = &c->ev.name;

	if (!s->set || s->len == 0)
		return pf_profile_intern(c->q, "(unnamed)", 9);
	if (pf_grow(&c->t.buf, &c->t.bufcap, s->len + 1, 1) != 0)
		return NONE;
	memcpy(c->t.buf, s->s, s->len);
	pf_frame_name_clean(c->t.buf, s->len);
	return pf_profile_intern(c->q, c->t.buf, s->len);
}

/* A "B", "E" or "X" event, before any CPU sample. */
static int
duration_event(struct chrome *c, char ph)
{
	struct event *e = &c->ev;
	struct thread *th;
	uint32_t t, f, k;

	if (!e->has_ts) {
		c->no_dur++;
		return 0;
	}
	if ((t = thread_get(c, e->has_pid ? e->pid : 0, e->has_tid ? e->tid : 0)) == NONE)
		return nomem(c);
	th = &c->threads[t];
	if (ph == 'E') {
		if ((k = th->btop) == NONE) {
			c->unmatched_e++;
			return 0;
		}
		th->btop = c->bopen[k].prev;
		if (dur_add(c, t, c->bopen[k].frame, c->bopen[k].ts,
		    sat_sub(e->ts, c->bopen[k].ts)) != 0)
			return nomem(c);
		c->bopen[k].prev = c->bfree;
		c->bfree = k;
		return 0;
	}
	if (ph == 'X' && !e->has_dur) {
		c->no_dur++;
		return 0;
	}
	if ((f = event_frame(c)) == NONE)
		return nomem(c);
	if (ph == 'X')
		return dur_add(c, t, f, e->ts, e->dur) != 0 ? nomem(c) : 0;
	if ((k = c->bfree) != NONE) {
		c->bfree = c->bopen[k].prev;
	} else {
		if (c->nbopen >= NONE - 1 ||
		    pf_grow(&c->bopen, &c->bcap, c->nbopen + 1, sizeof(*c->bopen)) != 0)
			return nomem(c);
		k = (uint32_t)c->nbopen++;
	}
	c->bopen[k] = (struct bopen){ f, th->btop, e->ts };
	th->btop = k;
	return 0;
}

static int
dur_cmp(const void *pa, const void *pb)
{
	const struct dur *a = pa, *b = pb;

	if (a->thread != b->thread)
		return a->thread < b->thread ? -1 : 1;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->dur != b->dur)
		return a->dur > b->dur ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* An open duration event in the nesting. */
struct level {
	int64_t end, self;
};

/* Adds the self time of the innermost of the n levels, whose frames are
 * stack[lo..lo + n - 1], and drops it. */
static int
pop_level(struct chrome *c, struct level *lv, size_t *n, size_t lo)
{
	size_t k = *n - 1;

	if (lv[k].self > 0 && pf_profile_add(c->q, c->stack, lo + *n,
	    ns_count(lv[k].self), 0, c->err) != 0) {
		pf_err_name(c->err, c->name);
		return -1;
	}
	(*n)--;
	return 0;
}

/* Nests the duration events of each thread by time, and adds self times. */
static int
finish_durations(struct chrome *c)
{
	struct level *lv = NULL;
	size_t i = 0, n = 0, lvcap = 0, lo = 0;
	uint32_t t = NONE;
	int rc = -1, m;

	if (c->ndurs > 1)
		qsort(c->durs, c->ndurs, sizeof(*c->durs), dur_cmp);
	for (i = 0; i <= c->ndurs; i++) {
		struct dur *d = i < c->ndurs ? &c->durs[i] : NULL;

		if (d == NULL || d->thread != t) {
			while (n > 0)
				if (pop_level(c, lv, &n, lo) != 0)
					goto out;
			if (d == NULL)
				break;
			t = d->thread;
			if ((m = thread_frames(c, t, 1)) < 0)
				goto nomem;
			lo = (size_t)m;
		}
		while (n > 0 && lv[n - 1].end <= d->ts)
			if (pop_level(c, lv, &n, lo) != 0)
				goto out;
		if (d->dur < 0)
			d->dur = 0;
		if (n > 0 && sat_add(d->ts, d->dur) > lv[n - 1].end) {
			c->overlapped++;
			d->dur = sat_sub(lv[n - 1].end, d->ts);
		}
		if (n > 0)
			lv[n - 1].self = sat_sub(lv[n - 1].self, d->dur);
		if (pf_grow(&lv, &lvcap, n + 1, sizeof(*lv)) != 0 ||
		    pf_grow(&c->stack, &c->stackcap, lo + n + 1, sizeof(*c->stack)) != 0)
			goto nomem;
		c->stack[lo + n] = d->frame;
		lv[n].end = sat_add(d->ts, d->dur);
		lv[n].self = d->dur;
		n++;
	}
	c->st->samples = c->ndurs;
	rc = 0;
	goto out;
nomem:
	pf_nomem(c->err, c->name, 0);
out:
	free(lv);
	return rc;
}

/* -------------------------------------------------------------- events */

static void
event_reset(struct event *e)
{
	e->ph.set = e->name.set = e->arg_name.set = 0;
	e->has_pid = e->has_tid = e->has_ts = e->has_dur = e->has_id = 0;
	e->has_sf = e->has_weight = 0;
	e->nnodes = e->nedges = e->ns = e->nd = 0;
	e->has_deltas = 0;
}

static int
event_end(struct chrome *c)
{
	struct event *e = &c->ev;
	char ph = e->ph.set && e->ph.len == 1 ? e->ph.s[0] : 0;
	uint32_t k;

	if (str_is(&e->name, "Profile") || str_is(&e->name, "ProfileChunk") ||
	    str_is(&e->name, "CpuProfile"))
		return chunk_end(c, !str_is(&e->name, "ProfileChunk"),
		    str_is(&e->name, "CpuProfile"));
	if (ph == 'M' && e->arg_name.set) {
		if (str_is(&e->name, "process_name")) {
			if ((k = proc_get(c, e->has_pid ? e->pid : 0)) == NONE ||
			    set_name(&c->procs[k].name, &e->arg_name) != 0)
				return nomem(c);
		} else if (str_is(&e->name, "thread_name")) {
			if ((k = thread_get(c, e->has_pid ? e->pid : 0,
			    e->has_tid ? e->tid : 0)) == NONE ||
			    set_name(&c->threads[k].name, &e->arg_name) != 0)
				return nomem(c);
		}
		return 0;
	}
	if (c->nsamples == 0 && (ph == 'B' || ph == 'E' || ph == 'X'))
		return duration_event(c, ph);
	return 0;
}

/* ------------------------------------------- "stackFrames" and "samples" */

/* An entry of "stackFrames" begins: its key is its id. */
static int
sframe_key(struct chrome *c, const char *key, size_t len)
{
	struct pf_json_value v = { PF_JSON_STRING, key, len, 0 };
	int64_t id;
	uint32_t k;

	if (!ident(&v, &id))
		return 0;
	if ((k = pf_v8_map_find(&c->sf_map, 0, id)) != NONE)
		return pf_json_fail(c->json, "two stack frames have the id '%.*s'",
		    (int)(len < 40 ? len : 40), key);
	if (c->nsframes >= NONE - 1 ||
	    pf_grow(&c->sframes, &c->sfcap, c->nsframes + 1, sizeof(*c->sframes)) != 0 ||
	    pf_v8_map_add(&c->sf_map, 0, id, (uint32_t)c->nsframes) != 0)
		return nomem(c);
	memset(&c->sframes[c->nsframes], 0, sizeof(*c->sframes));
	c->sframes[c->nsframes].id = id;
	c->sframes[c->nsframes].parent = NONE;
	c->sf_open = (uint32_t)c->nsframes++;
	return T_SFRAME;
}

static int
sframe_end(struct chrome *c)
{
	struct sframe *f = &c->sframes[c->sf_open];

	f->defined = 1;
	return (f->frame = event_frame(c)) == NONE ? nomem(c) : 0;
}

/* A sample of "samples": its weight to its thread and stack frame. */
static int
tsample_end(struct chrome *c)
{
	struct event *e = &c->ev;
	uint32_t t, k;

	if (!e->has_sf)
		return pf_json_fail(c->json, "a sample has no stack frame (\"sf\")");
	if ((t = thread_get(c, e->has_pid ? e->pid : 0, e->has_tid ? e->tid : 0)) == NONE)
		return nomem(c);
	if (c->nsamples++ == 0)
		drop_durations(c);
	if ((k = pf_v8_map_find(&c->ts_map, t, e->sf)) == NONE) {
		if (c->ntsamples >= NONE - 1 || pf_grow(&c->tsamples, &c->tscap,
		    c->ntsamples + 1, sizeof(*c->tsamples)) != 0 ||
		    pf_v8_map_add(&c->ts_map, t, e->sf, (uint32_t)c->ntsamples) != 0)
			return nomem(c);
		k = (uint32_t)c->ntsamples++;
		c->tsamples[k] = (struct tsample){ t, e->sf, 0 };
	}
	if (pf_count_add(c->tsamples[k].weight, e->has_weight ? e->weight :
	    PF_COUNT_ONE, &c->tsamples[k].weight) != 0)
		return pf_json_fail(c->json, "count overflow");
	return 0;
}

/* The samples of "samples", on the stacks of "stackFrames". */
static int
finish_tsamples(struct chrome *c)
{
	size_t i, n, lo, depth;
	uint32_t k, j;
	int m;

	for (i = 0; i < c->nsframes; i++) {
		struct sframe *f = &c->sframes[i];

		if (!f->has_parent)
			continue;
		if ((k = pf_v8_map_find(&c->sf_map, 0, f->parent_id)) == NONE)
			return pf_err(c->err, c->name, 0, "stack frame %lld has an unknown "
			    "parent %lld", (long long)f->id, (long long)f->parent_id);
		f->parent = k;
	}
	for (i = 0; i < c->ntsamples; i++) {
		const struct tsample *ts = &c->tsamples[i];

		if (ts->weight == 0)
			continue;
		if ((k = pf_v8_map_find(&c->sf_map, 0, ts->sf)) == NONE)
			return pf_err(c->err, c->name, 0, "a sample names no stack frame "
			    "(\"sf\": %lld)", (long long)ts->sf);
		if ((m = thread_frames(c, ts->thread, 1)) < 0)
			return pf_nomem(c->err, c->name, 0);
		n = lo = (size_t)m;
		for (j = k, depth = 0; j != NONE; j = c->sframes[j].parent) {
			if (++depth > c->nsframes)
				return pf_err(c->err, c->name, 0, "the parent links of stack "
				    "frame %lld form a cycle", (long long)ts->sf);
			if (pf_grow(&c->stack, &c->stackcap, n + 1, sizeof(*c->stack)) != 0)
				return pf_nomem(c->err, c->name, 0);
			c->stack[n++] = c->sframes[j].frame;
		}
		pf_stack_reverse(c->stack + lo, n - lo);
		if (pf_profile_add(c->q, c->stack, n, ts->weight, 0, c->err) != 0) {
			pf_err_name(c->err, c->name);
			return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------- the document */

static int
on_key(void *ctx, int tag, const char *key, size_t len)
{
	struct chrome *c = ctx;

#define IS(s) (len == sizeof(s) - 1 && memcmp(key, s, len) == 0)
	switch (tag) {
	case T_ROOT:
		if (IS("traceEvents")) {
			c->has_events = 1;
			return T_EVENTS;
		}
		if (IS("stackFrames")) return T_SFRAMES;
		if (IS("samples")) return T_TSAMPLES;
		return 0;
	case T_SFRAMES:
		return sframe_key(c, key, len);
	case T_SFRAME:
		if (IS("name")) return T_SF_NAME;
		if (IS("parent")) return T_SF_PARENT;
		return 0;
	case T_TSAMPLE:
		if (IS("pid")) return T_PID;
		if (IS("tid")) return T_TID;
		if (IS("sf")) return T_TS_SF;
		if (IS("weight")) return T_TS_WEIGHT;
		return 0;
	case T_EVENT:
		if (IS("ph")) return T_PH;
		if (IS("name")) return T_NAME;
		if (IS("pid")) return T_PID;
		if (IS("tid")) return T_TID;
		/* Times matter only to duration events, which are not
		 * read once a CPU sample has been. */
		if (IS("ts")) return c->nsamples == 0 ? T_TS : 0;
		if (IS("dur")) return c->nsamples == 0 ? T_DUR : 0;
		if (IS("id")) return T_ID;
		if (IS("args")) return T_ARGS;
		return 0;
	case T_ARGS:
		if (IS("name")) return T_ARG_NAME;
		if (IS("data")) return T_DATA;
		return 0;
	case T_DATA:
	case T_CPUPROF:
		if (IS("cpuProfile") && tag == T_DATA) return T_CPUPROF;
		if (IS("timeDeltas")) return T_DELTAS;
		if (IS("nodes") && tag == T_CPUPROF) return T_NODES;
		if (IS("samples") && tag == T_CPUPROF) return T_SAMPLES;
		return 0;
	case T_NODE:
		if (IS("id")) return T_NID;
		if (IS("parent")) return T_NPARENT;
		if (IS("children")) return T_NCHILDREN;
		if (IS("callFrame")) return T_CALLFRAME;
		return 0;
	case T_CALLFRAME:
		return pf_v8_cf_key(key, len, T_FN);
	}
#undef IS
	return 0;
}

static int
on_begin(void *ctx, int tag, int array)
{
	struct chrome *c = ctx;
	struct event *e = &c->ev;

	switch (tag) {
	case T_ROOT:
		return array ? T_EVENT : T_ROOT;
	case T_EVENTS:
		return array ? T_EVENT : 0;
	case T_EVENT:
		if (array)
			return pf_json_fail(c->json, "a trace event is not an object");
		event_reset(e);
		return T_EVENT;
	case T_ARGS:
	case T_DATA:
	case T_CPUPROF:
	case T_CALLFRAME:
		if (tag == T_CALLFRAME)
			pf_v8_cf_clear(&e->cf);
		return array ? 0 : tag;
	case T_NODES:
		return array ? T_NODE : 0;
	case T_NODE:
		if (array)
			return pf_json_fail(c->json, "a node of a profile chunk is not an object");
		if (pf_grow(&e->nodes, &e->ncap, e->nnodes + 1, sizeof(*e->nodes)) != 0)
			return nomem(c);
		memset(&e->nodes[e->nnodes], 0, sizeof(*e->nodes));
		e->nodes[e->nnodes++].edge0 = e->nedges;
		pf_v8_cf_clear(&e->cf);
		return T_NODE;
	case T_NCHILDREN:
		return array ? T_NCHILD : 0;
	case T_SFRAMES:
		return array ? 0 : T_SFRAMES;
	case T_SFRAME:
		if (array)
			return pf_json_fail(c->json, "an entry of \"stackFrames\" is not an "
			    "object");
		e->name.set = 0;
		return T_SFRAME;
	case T_TSAMPLES:
		return array ? T_TSAMPLE : 0;
	case T_TSAMPLE:
		if (array)
			return pf_json_fail(c->json, "an element of \"samples\" is not an "
			    "object");
		event_reset(e);
		return T_TSAMPLE;
	case T_SAMPLES:
		return array ? T_SAMPLE : 0;
	case T_DELTAS:
		if (!array)
			return 0;
		e->has_deltas = 1;
		return T_DELTA;
	}
	return 0;
}

static int
on_end(void *ctx, int tag, int array)
{
	struct chrome *c = ctx;
	struct event *e = &c->ev;
	struct enode *n;
	size_t i;

	switch (tag) {
	case T_ROOT:
		/* Another JSON document (a profile of another format) read
		 * as a trace would fold to nothing: refuse it instead. */
		if (!array && !c->has_events)
			return pf_json_fail(c->json, "not a Chrome trace: an object "
			    "without \"traceEvents\"");
		if (array && c->nevents > 0 && c->nphased == 0)
			return pf_json_fail(c->json, "not a Chrome trace: an array of "
			    "objects none of which has a phase (\"ph\")");
		return 0;
	case T_EVENT:
		c->nevents++;
		if (e->ph.set)
			c->nphased++;
		return event_end(c);
	case T_SFRAME:
		return sframe_end(c);
	case T_TSAMPLE:
		return tsample_end(c);
	case T_NODE:
		n = &e->nodes[e->nnodes - 1];
		n->idle = pf_v8_cf_is(&e->cf, "(idle)");
		n->root = pf_v8_cf_is(&e->cf, "(root)") && !n->has_parent;
		n->frame = pf_v8_cf_frame(&c->t, c->q, &e->cf, c->o->no_location);
		for (i = n->edge0; i < e->nedges; i++)
			e->edges[i].parent = n->id;
		return n->frame == NONE ? nomem(c) : 0;
	}
	return 0;
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct chrome *c = ctx;
	struct event *e = &c->ev;
	struct enode *n = e->nnodes > 0 ? &e->nodes[e->nnodes - 1] : NULL;
	int64_t x;

	switch (tag) {
	case T_ROOT:
		return pf_json_fail(c->json, "not a Chrome trace: neither an object with "
		    "\"traceEvents\" nor an array of events");
	case T_EVENT:
		return pf_json_fail(c->json, "a trace event is not an object");
	case T_SFRAME:
		return pf_json_fail(c->json, "an entry of \"stackFrames\" is not an object");
	case T_TSAMPLE:
		return pf_json_fail(c->json, "an element of \"samples\" is not an object");
	case T_PH:
		return str_set(&e->ph, v) != 0 ? nomem(c) : 0;
	case T_NAME:
		return str_set(&e->name, v) != 0 ? nomem(c) : 0;
	case T_ARG_NAME:
		return str_set(&e->arg_name, v) != 0 ? nomem(c) : 0;
	case T_PID:
		e->has_pid = ident(v, &e->pid);
		return 0;
	case T_TID:
		e->has_tid = ident(v, &e->tid);
		return 0;
	case T_ID:
		e->has_id = ident(v, &e->id);
		return 0;
	case T_TS:
		e->has_ts = time_ns(v, &e->ts);
		return 0;
	case T_DUR:
		e->has_dur = time_ns(v, &e->dur);
		return 0;
	case T_NID:
		n->has_id = pf_json_int(v, &n->id);
		return 0;
	case T_NPARENT:
		n->has_parent = pf_json_int(v, &n->parent);
		return 0;
	case T_SF_NAME:
		return str_set(&e->name, v) != 0 ? nomem(c) : 0;
	case T_SF_PARENT:
		c->sframes[c->sf_open].has_parent = ident(v, &c->sframes[c->sf_open].parent_id);
		return 0;
	case T_TS_SF:
		e->has_sf = ident(v, &e->sf);
		return 0;
	case T_TS_WEIGHT:
		e->has_weight = (v->type == PF_JSON_NUMBER || v->type == PF_JSON_STRING) &&
		    pf_count_parse(v->s, v->len, &e->weight) == 0;
		if (!e->has_weight)
			return pf_json_fail(c->json, "a sample's \"weight\" is not a "
			    "non-negative number");
		return 0;
	case T_NCHILD:
		if (!pf_json_int(v, &x))
			return pf_json_fail(c->json, "a child of a node of a profile chunk is "
			    "not an integer");
		if (pf_grow(&e->edges, &e->ecap, e->nedges + 1, sizeof(*e->edges)) != 0)
			return nomem(c);
		/* The parent's id is set when the node ends: it may come after. */
		e->edges[e->nedges++] = (struct edge){ 0, x };
		return 0;
	case T_FN:
	case T_URL:
	case T_LINE:
		return pf_v8_cf_scalar(&e->cf, tag - T_FN, v) != 0 ? nomem(c) : 0;
	case T_SAMPLE:
		if (!pf_json_int(v, &x))
			return pf_json_fail(c->json, "a sample of a profile chunk is not a "
			    "node id");
		if (pf_grow(&e->samples, &e->scap, e->ns + 1, sizeof(*e->samples)) != 0)
			return nomem(c);
		e->samples[e->ns++] = x;
		return 0;
	case T_DELTA:
		if (!c->o->weight_time)
			return 0;
		if (!pf_json_int(v, &x))
			x = 0;
		if (x < 0 || x > INT64_MAX / NS_PER_US)
			x = 0;
		if (pf_grow(&e->deltas, &e->dcap, e->nd + 1, sizeof(*e->deltas)) != 0)
			return nomem(c);
		e->deltas[e->nd++] = x;
		return 0;
	}
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

/* -------------------------------------------------------------- the end */

static void
note_skips(struct chrome *c)
{
	char *s = c->st->note;
	size_t cap = sizeof(c->st->note), used = strlen(s);

#define NOTE(cond, ...)							\
	if ((cond) && used < cap)					\
		used += (size_t)snprintf(s + used, cap - used, __VA_ARGS__)
	NOTE(c->unclosed_b > 0, "%s%llu \"B\" event%s never ended: left out",
	    used > 0 ? "; " : "", (unsigned long long)c->unclosed_b,
	    c->unclosed_b == 1 ? "" : "s");
	NOTE(c->unmatched_e > 0, "%s%llu \"E\" event%s ended nothing: left out",
	    used > 0 ? "; " : "", (unsigned long long)c->unmatched_e,
	    c->unmatched_e == 1 ? "" : "s");
	NOTE(c->no_dur > 0, "%s%llu duration event%s without \"ts\" or \"dur\": "
	    "left out", used > 0 ? "; " : "", (unsigned long long)c->no_dur,
	    c->no_dur == 1 ? "" : "s");
	NOTE(c->overlapped > 0, "%s%llu duration event%s outlasted the event "
	    "around %s: cut at its end", used > 0 ? "; " : "",
	    (unsigned long long)c->overlapped, c->overlapped == 1 ? "" : "s",
	    c->overlapped == 1 ? "it" : "them");
#undef NOTE
}

static void
release(struct chrome *c)
{
	struct event *e = &c->ev;
	size_t i;

	free(e->ph.s);
	free(e->name.s);
	free(e->arg_name.s);
	free(e->cf.fn);
	free(e->cf.url);
	free(e->nodes);
	free(e->edges);
	free(e->samples);
	free(e->deltas);
	for (i = 0; i < c->nprocs; i++)
		free(c->procs[i].name);
	for (i = 0; i < c->nthreads; i++)
		free(c->threads[i].name);
	free(c->procs);
	free(c->threads);
	free(c->sframes);
	free(c->tsamples);
	pf_v8_map_release(&c->sf_map);
	pf_v8_map_release(&c->ts_map);
	free(c->profs);
	pf_v8_release(&c->t);
	pf_v8_map_release(&c->proc_map);
	pf_v8_map_release(&c->thread_map);
	pf_v8_map_release(&c->prof_map);
	free(c->durs);
	free(c->bopen);
	free(c->stack);
	pf_json_free(c->json);
	pf_profile_free(c->q);
}

/*
 * An object whose first key is "traceEvents", or that has "traceEvents"
 * and events with "ph" in the first bytes (DevTools puts "metadata"
 * first); or an array whose first element is an object, with "ph" and
 * "ts" or "pid" in the first bytes.
 */
int
pf_chrome_detect(const struct pf_peek *pk, size_t *where)
{
	const char *s = pk->buf + pk->body;
	size_t n = pk->n - pk->body, i;

	PF_UNUSED(where);
	if (n == 0)
		return PF_CLAIM_NONE;
	if (s[0] == '{') {
		if (pf_peek_json_key(pk, "traceEvents") || (pf_mem_has(s, n,
		    "\"traceEvents\"") && pf_mem_has(s, n, "\"ph\"")))
			return PF_CLAIM_MAGIC;
		return PF_CLAIM_NONE;
	}
	if (s[0] != '[')
		return PF_CLAIM_NONE;
	for (i = 1; i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	    s[i] == '\n'); i++)
		;
	if (i < n && s[i] == '{' && pf_mem_has(s, n, "\"ph\"") &&
	    (pf_mem_has(s, n, "\"ts\"") || pf_mem_has(s, n, "\"pid\"")))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

int
pf_chrome_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct chrome c;
	size_t i;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.st = st;
	c.err = err;
	c.name = pf_reader_name(r);
	c.bfree = NONE;
	if ((c.q = pf_profile_new()) == NULL) {
		pf_nomem(err, c.name, 0);
		goto out;
	}
	if ((c.json = pf_json_new(r, &handler, &c, err)) == NULL)
		goto out;
	if (pf_json_parse(c.json, T_ROOT) != 0)
		goto out;
	if (c.nsamples > 0) {
		st->unit = o->weight_time ? PF_UNIT_MICROSECONDS : PF_UNIT_SAMPLES;
		if (c.ntsamples > 0)
			st->unit = PF_UNIT_SAMPLES;
		if (finish_samples(&c) != 0 || finish_tsamples(&c) != 0)
			goto out;
	} else {
		st->unit = PF_UNIT_MICROSECONDS;
		for (i = 0; i < c.nthreads; i++) {
			uint32_t k;

			for (k = c.threads[i].btop; k != NONE; k = c.bopen[k].prev)
				c.unclosed_b++;
		}
		if (finish_durations(&c) != 0)
			goto out;
		if (c.ndurs == 0 && c.nprofs == 0)
			snprintf(st->note, sizeof(st->note), "no CPU samples (\"Profile\" and "
			    "\"ProfileChunk\" events, or \"CpuProfile\") and no duration "
			    "events (\"B\"/\"E\", \"X\"): nothing to fold");
		note_skips(&c);
	}
	if (pf_profile_merge(p, c.q, err) != 0) {
		pf_err_name(err, c.name);
		goto out;
	}
	rc = 0;
out:
	release(&c);
	return rc;
}
