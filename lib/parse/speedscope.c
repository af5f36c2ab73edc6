/*
 * speedscope.c - speedscope's JSON file format to folded stacks.
 *
 * The format (https://www.speedscope.app/file-format-schema.json, what
 * py-spy, rbspy, dotnet-trace, pyinstrument, speedscope's own export and
 * pf-export write):
 *
 *   {"$schema": "https://www.speedscope.app/file-format-schema.json",
 *    "shared": {"frames": [{"name": N, "file": F, "line": L, "col": C}, ...]},
 *    "profiles": [
 *      {"type": "sampled", "name": N, "unit": U, "startValue": S, "endValue": E,
 *       "samples": [[frame index, ...] root first, ...], "weights": [W, ...]},
 *      {"type": "evented", "name": N, "unit": U, "startValue": S, "endValue": E,
 *       "events": [{"type": "O" or "C", "at": T, "frame": index}, ...]}]}
 *
 * A sampled profile's stack weighs the sum of its samples' weights; an
 * evented one's, the time its frames were the open ones: from each event
 * to the next, the stack open between them.  Several profiles in one file
 * (py-spy's threads, dotnet-trace's) each get a root frame, their name;
 * the stacks of a file of one profile are as they are.
 *
 * Keys come in any order (the frames after the profiles, a profile's type
 * and unit after its samples), so nothing is named until the end: the
 * stacks are kept as a tree of frame indices, a node per distinct (caller
 * node, frame), each with its weight.  Memory grows with the distinct
 * stacks and the frames; samples only go by, except that a profile's
 * samples are held (their node, a few bytes each, in a pf_seq that spills
 * to a temporary file) until its weights come.  The stacks are added to a
 * profile of their own, merged into the caller's once the whole file has
 * been read: a truncated or invalid file adds nothing.
 */
#include <errno.h>
#include <stdlib.h>

#include "format.h"
#include "json.h"

#define NONE UINT32_MAX
#define SEQ_MEM ((size_t)8 << 20)
/* Deeper open stacks of an evented profile are refused: it is no
 * program's, and each level costs a node. */
#define MAX_DEPTH (1u << 20)

enum tag {
	T_ROOT = 1,
	T_SHARED, T_FRAMES, T_FRAME,
	T_FNAME, T_FPFNAME, T_FFILE, T_FLINE,
	T_PROFILES, T_PROFILE,
	T_PTYPE, T_PNAME, T_PUNIT, T_PEND,
	T_SAMPLES, T_SAMPLE, T_SFRAME,
	T_WEIGHTS, T_WEIGHT,
	T_EVENTS, T_EVENT, T_ETYPE, T_EAT, T_EFRAME,
};

enum { KIND_NONE, KIND_SAMPLED, KIND_EVENTED };

/* A node of the tree: a profile's root (frame is the profile's index) or
 * a frame called from its parent. */
struct node {
	pf_count weight;
	uint32_t parent;
	uint32_t frame;
	uint32_t last_frame;	/* the child found last, to skip the map */
	uint32_t last_child;	/* when the next sample takes the same path */
	int sampled;		/* a sample's stack: kept even when it weighs 0 */
};

struct prof {
	char *name;		/* in the arena; NULL: none given */
	size_t name_len;
	int unit;		/* enum pf_unit */
	uint32_t root;		/* its root node */
	uint32_t name_frame;	/* the root frame's id in q */
	int redundant;		/* every stack starts with its name already */
	int use;		/* read (--profile) */
};

/* A signed time or value, in 10^-9 of the profile's unit. */
typedef __int128 stamp;

struct sscope {
	struct pf_profile *q;
	const struct pf_collapse_options *o;
	struct pf_collapse_stats *st;
	struct pf_json *json;
	struct pf_error *err;
	const char *name;
	struct pf_arena arena;
	int seen_profiles, seen_frames;

	/* The tree, and its (parent, frame) -> node map. */
	struct node *nodes;
	size_t nnodes, ncap;
	uint64_t *mkey;
	uint32_t *mval;		/* node + 1; 0: empty */
	size_t mmask, mcount;
	uint32_t max_frame;	/* the largest frame index used, + 1 */

	/* shared.frames: each frame's id in q. */
	uint32_t *fid;
	size_t nframes, fcap;
	char *fname, *ffile;	/* the frame being read */
	size_t fname_len, ffile_len, fname_cap, ffile_cap;
	int has_name, has_pfname, has_file, has_line;
	int64_t fline;

	struct prof *profs;
	size_t nprofs, pcap;

	/* The profile being read. */
	int kind, type;		/* by its arrays; by its "type" */
	char unit[16];
	int has_unit;
	stamp end;
	int has_end;
	uint32_t cur;		/* sample: its node so far; events: the open stack */
	uint32_t depth;
	/* Sampled: the first of samples and weights is held until the
	 * other comes. */
	struct pf_seq *held;
	int held_samples;	/* samples came first */
	int seen_samples, seen_weights;
	uint64_t nsamples, nweights;
	/* Evented. */
	stamp last;
	int has_last;
	uint64_t nevents;
	int ev_type;		/* 'O', 'C', or 0 */
	stamp ev_at;
	int64_t ev_frame;
	int ev_has_at, ev_has_frame;

	uint32_t *stack;	/* scratch */
	size_t stackcap;
	char *buf;
	size_t bufcap;
};

static int
nomem(struct sscope *s)
{
	return pf_json_fail(s->json, "out of memory");
}

/* ---------------------------------------------------------------- the tree */

static uint64_t
key_hash(uint64_t k)
{
	k *= 0x9e3779b97f4a7c15ull;
	return k ^ (k >> 29);
}

static uint32_t
new_node(struct sscope *s, uint32_t parent, uint32_t frame)
{
	if (s->nnodes >= NONE - 1 ||
	    pf_grow(&s->nodes, &s->ncap, s->nnodes + 1, sizeof(*s->nodes)) != 0)
		return NONE;
	s->nodes[s->nnodes] = (struct node){ 0, parent, frame, NONE, NONE, 0 };
	return (uint32_t)s->nnodes++;
}

/* The node of frame called from parent, made when new; NONE when memory
 * runs out. */
static uint32_t
child(struct sscope *s, uint32_t parent, uint32_t frame)
{
	uint64_t k = (uint64_t)parent << 32 | frame;
	size_t i, j, cap;
	uint32_t v;

	if (s->nodes[parent].last_frame == frame)
		return s->nodes[parent].last_child;
	if (s->mval != NULL)
		for (i = key_hash(k) & s->mmask; s->mval[i] != 0; i = (i + 1) & s->mmask)
			if (s->mkey[i] == k) {
				s->nodes[parent].last_frame = frame;
				return s->nodes[parent].last_child = s->mval[i] - 1;
			}
	if ((s->mcount + 1) * 2 > s->mmask + 1 || s->mval == NULL) {
		uint64_t *key;
		uint32_t *val;

		cap = s->mval == NULL ? 256 : (s->mmask + 1) * 2;
		key = malloc(cap * sizeof(*key));
		val = calloc(cap, sizeof(*val));
		if (key == NULL || val == NULL) {
			free(key);
			free(val);
			return NONE;
		}
		for (j = 0; s->mval != NULL && j <= s->mmask; j++) {
			if (s->mval[j] == 0)
				continue;
			for (i = key_hash(s->mkey[j]) & (cap - 1); val[i] != 0; i = (i + 1) & (cap - 1))
				;
			key[i] = s->mkey[j];
			val[i] = s->mval[j];
		}
		free(s->mkey);
		free(s->mval);
		s->mkey = key;
		s->mval = val;
		s->mmask = cap - 1;
	}
	if ((v = new_node(s, parent, frame)) == NONE)
		return NONE;
	for (i = key_hash(k) & s->mmask; s->mval[i] != 0; i = (i + 1) & s->mmask)
		;
	s->mkey[i] = k;
	s->mval[i] = v + 1;
	s->mcount++;
	s->nodes[parent].last_frame = frame;
	s->nodes[parent].last_child = v;
	return v;
}

static int
add_weight(struct sscope *s, uint32_t node, pf_count w)
{
	if (pf_count_add(s->nodes[node].weight, w, &s->nodes[node].weight) != 0)
		return pf_json_fail(s->json, "count overflow: a stack's weight exceeds 2^64");
	return 0;
}

/* A frame index as read: 0, or -1 after the error. */
static int
frame_index(struct sscope *s, const struct pf_json_value *v, const char *what,
    uint32_t *out)
{
	int64_t x;

	if (!pf_json_int(v, &x) || x < 0 || x >= (int64_t)NONE - 1)
		return pf_json_fail(s->json, "profile %zu: %s %llu is not a frame index "
		    "(a whole number from 0)", s->nprofs, what,
		    (unsigned long long)pf_json_index(s->json));
	*out = (uint32_t)x;
	if (*out + 1 > s->max_frame)
		s->max_frame = *out + 1;
	return 0;
}

/* ---------------------------------------------------------------- frames */

static int
set_str(char **b, size_t *len, size_t *cap, const struct pf_json_value *v)
{
	*len = 0;
	if (v->type != PF_JSON_STRING)
		return 0;
	if (pf_grow(b, cap, v->len + 1, 1) != 0)
		return -1;
	memcpy(*b, v->s, v->len);
	*len = v->len;
	return 0;
}

static int
put(struct sscope *s, size_t *len, const char *t, size_t n)
{
	if (pf_grow(&s->buf, &s->bufcap, *len + n + 1, 1) != 0)
		return -1;
	if (n == 0)
		return 0;	/* t may be NULL: a frame without a name */
	memcpy(s->buf + *len, t, n);
	pf_frame_name_clean(s->buf + *len, n);
	*len += n;
	return 0;
}

/* A frame ends: "NAME FILE:LINE" (as .cpuprofile frames are named), or
 * NAME with --no-location or without a file; "pf:name" is a name's exact
 * bytes, percent-encoded, where pf-export could not write them as JSON. */
static int
frame_end(struct sscope *s)
{
	size_t len = 0;
	char num[32];
	uint32_t id;

	if (s->has_pfname)
		s->fname_len = pf_percent_decode(s->fname, s->fname_len);
	if (put(s, &len, s->fname, s->fname_len) != 0)
		return nomem(s);
	if (!s->o->no_location && s->has_file && s->ffile_len > 0) {
		if (put(s, &len, " ", 1) != 0 || put(s, &len, s->ffile, s->ffile_len) != 0)
			return nomem(s);
		if (s->has_line && s->fline > 0) {
			snprintf(num, sizeof(num), ":%lld", (long long)s->fline);
			if (put(s, &len, num, strlen(num)) != 0)
				return nomem(s);
		}
	}
	if ((id = pf_profile_intern(s->q, s->buf, len)) == UINT32_MAX ||
	    pf_grow(&s->fid, &s->fcap, s->nframes + 1, sizeof(*s->fid)) != 0)
		return nomem(s);
	s->fid[s->nframes++] = id;
	return 0;
}

/* -------------------------------------------------------------- profiles */

static int
profile_begin(struct sscope *s)
{
	struct prof *p;

	if (pf_grow(&s->profs, &s->pcap, s->nprofs + 1, sizeof(*s->profs)) != 0)
		return nomem(s);
	p = &s->profs[s->nprofs++];
	memset(p, 0, sizeof(*p));
	if ((p->root = new_node(s, NONE, (uint32_t)(s->nprofs - 1))) == NONE)
		return nomem(s);
	s->kind = s->type = KIND_NONE;
	s->has_unit = s->has_end = s->has_last = 0;
	s->seen_samples = s->seen_weights = 0;
	s->nsamples = s->nweights = s->nevents = 0;
	s->depth = 0;
	s->cur = p->root;
	if (s->held == NULL && (s->held = pf_seq_new(SEQ_MEM)) == NULL)
		return nomem(s);
	return 0;
}

static int
set_kind(struct sscope *s, int kind)
{
	if (s->kind != KIND_NONE && s->kind != kind)
		return pf_json_fail(s->json, "profile %zu has both \"samples\" or "
		    "\"weights\" and \"events\"", s->nprofs);
	s->kind = kind;
	return 0;
}

/* The second of samples and weights: pair it with the held first one.
 * i is its index; node or w is the element of the second. */
static int
pair(struct sscope *s, uint64_t i, uint32_t node, pf_count w)
{
	int64_t a, b;

	if (i == 0 && pf_seq_rewind(s->held) != 0)
		return pf_json_fail(s->json, "cannot read the samples back: %s",
		    strerror(errno));
	if (i >= pf_seq_count(s->held) / (s->held_samples ? 1 : 2))
		return 0;	/* the lengths differ: said at the end */
	if (pf_seq_get(s->held, &a) != 1 ||
	    (!s->held_samples && pf_seq_get(s->held, &b) != 1))
		return pf_json_fail(s->json, "cannot read the samples back");
	if (s->held_samples)
		return add_weight(s, (uint32_t)a, w);
	return add_weight(s, node, (pf_count)(uint64_t)a << 64 | (uint64_t)b);
}

/* A sample's stack is complete: its node. */
static int
sample_end(struct sscope *s)
{
	uint32_t node = s->cur;

	s->cur = s->profs[s->nprofs - 1].root;
	s->nodes[node].sampled = 1;
	s->nsamples++;
	s->st->samples++;
	if (s->held_samples) {
		if (pf_seq_put(s->held, node) != 0)
			return pf_json_fail(s->json, "cannot hold the samples: %s",
			    strerror(errno));
		return 0;
	}
	return pair(s, s->nsamples - 1, node, 0);
}

static int
weight(struct sscope *s, const struct pf_json_value *v)
{
	pf_count w;
	int neg;

	if (!pf_json_count(v, &w, &neg) || neg)
		return pf_json_fail(s->json, "profile %zu: weight %llu is not a number "
		    "from 0", s->nprofs, (unsigned long long)pf_json_index(s->json));
	s->nweights++;
	if (!s->held_samples) {
		if (pf_seq_put(s->held, (int64_t)(uint64_t)(w >> 64)) != 0 ||
		    pf_seq_put(s->held, (int64_t)(uint64_t)w) != 0)
			return pf_json_fail(s->json, "cannot hold the weights: %s",
			    strerror(errno));
		return 0;
	}
	return pair(s, s->nweights - 1, NONE, w);
}

/* An event ends: the stack open until now weighs the time since the
 * event before, then the event opens or closes a frame. */
static int
event_end(struct sscope *s)
{
	struct prof *p = &s->profs[s->nprofs - 1];
	uint64_t k = s->nevents++;
	uint32_t frame;
	stamp d;

	if (s->ev_type == 0 || !s->ev_has_at || !s->ev_has_frame)
		return pf_json_fail(s->json, "profile %zu: event %llu needs \"type\" "
		    "(\"O\" or \"C\"), \"at\" and \"frame\"", s->nprofs,
		    (unsigned long long)k);
	frame = (uint32_t)s->ev_frame;
	if (s->has_last) {
		if (s->ev_at < s->last)
			return pf_json_fail(s->json, "profile %zu: event %llu is at an "
			    "earlier time than the one before", s->nprofs,
			    (unsigned long long)k);
		d = s->ev_at - s->last;
		if (d > 0 && s->cur != p->root && add_weight(s, s->cur, (pf_count)d) != 0)
			return -1;
	}
	s->last = s->ev_at;
	s->has_last = 1;
	if (s->ev_type == 'O') {
		if (s->depth >= MAX_DEPTH)
			return pf_json_fail(s->json, "profile %zu: more than %u frames "
			    "open at once", s->nprofs, MAX_DEPTH);
		if ((s->cur = child(s, s->cur, frame)) == NONE)
			return nomem(s);
		s->depth++;
		return 0;
	}
	if (s->cur == p->root)
		return pf_json_fail(s->json, "profile %zu: event %llu closes frame %u, "
		    "but no frame is open", s->nprofs, (unsigned long long)k, frame);
	if (s->nodes[s->cur].frame != frame)
		return pf_json_fail(s->json, "profile %zu: event %llu closes frame %u, "
		    "but frame %u is the one open", s->nprofs, (unsigned long long)k,
		    frame, s->nodes[s->cur].frame);
	s->cur = s->nodes[s->cur].parent;
	s->depth--;
	return 0;
}

static const struct {
	const char *name;
	int unit;
} units[] = {
	{ "none", PF_UNIT_UNKNOWN },
	{ "nanoseconds", PF_UNIT_NANOSECONDS },
	{ "microseconds", PF_UNIT_MICROSECONDS },
	{ "milliseconds", PF_UNIT_MILLISECONDS },
	{ "seconds", PF_UNIT_SECONDS },
	{ "bytes", PF_UNIT_BYTES },
};

static int
profile_end(struct sscope *s)
{
	struct prof *p = &s->profs[s->nprofs - 1];
	size_t i;

	if (s->type != KIND_NONE && s->kind != KIND_NONE && s->type != s->kind)
		return pf_json_fail(s->json, "profile %zu is of type \"%s\" but has "
		    "\"%s\"", s->nprofs, s->type == KIND_SAMPLED ? "sampled" : "evented",
		    s->kind == KIND_SAMPLED ? "samples" : "events");
	if (s->kind == KIND_NONE && s->type == KIND_NONE)
		return pf_json_fail(s->json, "profile %zu has no \"type\", \"samples\" "
		    "or \"events\"", s->nprofs);
	if (s->kind == KIND_SAMPLED && s->nsamples != s->nweights)
		return pf_json_fail(s->json, "profile %zu has %llu samples but %llu "
		    "weights", s->nprofs, (unsigned long long)s->nsamples,
		    (unsigned long long)s->nweights);
	/* Frames still open close at the end of the profile. */
	if (s->kind == KIND_EVENTED && s->cur != p->root && s->has_end && s->has_last &&
	    s->end > s->last && add_weight(s, s->cur, (pf_count)(s->end - s->last)) != 0)
		return -1;
	p->unit = PF_UNIT_UNKNOWN;
	if (s->has_unit) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(s->unit, units[i].name) == 0)
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return pf_json_fail(s->json, "profile %zu: unit \"%s\" is none of "
			    "speedscope's (nanoseconds, microseconds, milliseconds, "
			    "seconds, bytes, none)", s->nprofs, s->unit);
		p->unit = units[i].unit;
	}
	pf_seq_free(s->held);
	s->held = NULL;
	return 0;
}

/* ---------------------------------------------------------- the document */

static int
on_key(void *ctx, int tag, const char *key, size_t len)
{
	struct sscope *s = ctx;

#define IS(x) (len == sizeof(x) - 1 && memcmp(key, x, len) == 0)
	switch (tag) {
	case T_ROOT:
		if (IS("shared"))
			return T_SHARED;
		if (IS("profiles")) {
			if (s->seen_profiles)
				return pf_json_fail(s->json, "the key \"profiles\" appears twice");
			return T_PROFILES;
		}
		return 0;
	case T_SHARED:
		if (IS("frames")) {
			if (s->seen_frames)
				return pf_json_fail(s->json, "the key \"frames\" appears twice");
			return T_FRAMES;
		}
		return 0;
	case T_FRAME:
		if (IS("name"))
			return s->has_pfname ? 0 : T_FNAME;
		if (IS("pf:name"))
			return T_FPFNAME;
		if (IS("file"))
			return T_FFILE;
		if (IS("line"))
			return T_FLINE;
		return 0;
	case T_PROFILE:
		if (IS("type"))
			return T_PTYPE;
		if (IS("name"))
			return T_PNAME;
		if (IS("unit"))
			return T_PUNIT;
		if (IS("endValue"))
			return T_PEND;
		if (IS("samples") || IS("weights") || IS("events")) {
			int t = IS("samples") ? T_SAMPLES : IS("weights") ? T_WEIGHTS : T_EVENTS;

			if ((t == T_SAMPLES && s->seen_samples) ||
			    (t == T_WEIGHTS && s->seen_weights) ||
			    (t == T_EVENTS && s->kind == KIND_EVENTED))
				return pf_json_fail(s->json, "profile %zu: the key \"%.*s\" "
				    "appears twice", s->nprofs, (int)len, key);
			return t;
		}
		return 0;
	case T_EVENT:
		if (IS("type"))
			return T_ETYPE;
		if (IS("at"))
			return T_EAT;
		if (IS("frame"))
			return T_EFRAME;
		return 0;
	}
#undef IS
	return 0;
}

static int
not_speedscope(struct sscope *s)
{
	return pf_json_fail(s->json, "not a speedscope file: no \"profiles\" array");
}

static int
on_begin(void *ctx, int tag, int array)
{
	struct sscope *s = ctx;

	switch (tag) {
	case T_ROOT:
		return array ? not_speedscope(s) : T_ROOT;
	case T_SHARED:
		return array ? 0 : T_SHARED;
	case T_FRAMES:
		if (!array)
			return pf_json_fail(s->json, "\"shared.frames\" is not an array");
		s->seen_frames = 1;
		return T_FRAME;
	case T_FRAME:
		if (array)
			return pf_json_fail(s->json, "frame %zu is not an object", s->nframes);
		s->has_name = s->has_pfname = s->has_file = s->has_line = 0;
		s->fname_len = s->ffile_len = 0;
		return T_FRAME;
	case T_PROFILES:
		if (!array)
			return not_speedscope(s);
		s->seen_profiles = 1;
		return T_PROFILE;
	case T_PROFILE:
		if (array)
			return pf_json_fail(s->json, "profile %zu is not an object",
			    s->nprofs + 1);
		return profile_begin(s) != 0 ? -1 : T_PROFILE;
	case T_SAMPLES:
		if (!array || set_kind(s, KIND_SAMPLED) != 0)
			return array ? -1 : pf_json_fail(s->json, "profile %zu: \"samples\" "
			    "is not an array", s->nprofs);
		s->seen_samples = 1;
		s->held_samples = !s->seen_weights;
		return T_SAMPLE;
	case T_SAMPLE:
		if (!array)
			return pf_json_fail(s->json, "profile %zu: sample %llu is not an "
			    "array of frame indices", s->nprofs,
			    (unsigned long long)pf_json_index(s->json));
		return T_SFRAME;
	case T_WEIGHTS:
		if (!array || set_kind(s, KIND_SAMPLED) != 0)
			return array ? -1 : pf_json_fail(s->json, "profile %zu: \"weights\" "
			    "is not an array", s->nprofs);
		s->seen_weights = 1;
		s->held_samples = s->seen_samples;
		return T_WEIGHT;
	case T_EVENTS:
		if (!array || set_kind(s, KIND_EVENTED) != 0)
			return array ? -1 : pf_json_fail(s->json, "profile %zu: \"events\" "
			    "is not an array", s->nprofs);
		return T_EVENT;
	case T_EVENT:
		if (array)
			return pf_json_fail(s->json, "profile %zu: event %llu is not an object",
			    s->nprofs, (unsigned long long)pf_json_index(s->json));
		s->ev_type = 0;
		s->ev_has_at = s->ev_has_frame = 0;
		return T_EVENT;
	case T_SFRAME:
		return pf_json_fail(s->json, "profile %zu: sample %llu holds a value "
		    "that is not a frame index", s->nprofs,
		    (unsigned long long)s->nsamples);
	}
	return 0;	/* an object or array where a scalar belongs */
}

static int
on_end(void *ctx, int tag, int array)
{
	struct sscope *s = ctx;

	PF_UNUSED(array);
	switch (tag) {
	case T_FRAME:
		return frame_end(s);
	case T_PROFILE:
		return profile_end(s);
	case T_SAMPLE:
		return sample_end(s);
	case T_EVENT:
		return event_end(s);
	}
	return 0;
}

static int
on_scalar(void *ctx, int tag, const struct pf_json_value *v)
{
	struct sscope *s = ctx;
	struct prof *p = s->nprofs > 0 ? &s->profs[s->nprofs - 1] : NULL;
	uint32_t f;
	pf_count c;
	int neg;

	switch (tag) {
	case T_ROOT:
	case T_PROFILES:
		return not_speedscope(s);
	case T_FRAMES:
		return pf_json_fail(s->json, "\"shared.frames\" is not an array");
	case T_FRAME:
		return pf_json_fail(s->json, "frame %zu is not an object", s->nframes);
	case T_PROFILE:
		return pf_json_fail(s->json, "profile %zu is not an object", s->nprofs + 1);
	case T_SAMPLES:
	case T_WEIGHTS:
	case T_EVENTS:
		return pf_json_fail(s->json, "profile %zu: \"%s\" is not an array",
		    s->nprofs, tag == T_SAMPLES ? "samples" : tag == T_WEIGHTS ?
		    "weights" : "events");
	case T_SAMPLE:
		return pf_json_fail(s->json, "profile %zu: sample %llu is not an array "
		    "of frame indices", s->nprofs, (unsigned long long)pf_json_index(s->json));
	case T_EVENT:
		return pf_json_fail(s->json, "profile %zu: event %llu is not an object",
		    s->nprofs, (unsigned long long)pf_json_index(s->json));
	case T_FNAME:
	case T_FPFNAME:
		if (tag == T_FPFNAME) {
			if (v->type != PF_JSON_STRING)
				return 0;
			s->has_pfname = 1;
		}
		s->has_name = 1;
		return set_str(&s->fname, &s->fname_len, &s->fname_cap, v) != 0 ?
		    nomem(s) : 0;
	case T_FFILE:
		s->has_file = v->type == PF_JSON_STRING;
		return set_str(&s->ffile, &s->ffile_len, &s->ffile_cap, v) != 0 ?
		    nomem(s) : 0;
	case T_FLINE:
		s->has_line = pf_json_int(v, &s->fline);
		return 0;
	case T_PTYPE:
		if (v->type == PF_JSON_STRING && v->len == 7 && memcmp(v->s, "sampled", 7) == 0)
			s->type = KIND_SAMPLED;
		else if (v->type == PF_JSON_STRING && v->len == 7 &&
		    memcmp(v->s, "evented", 7) == 0)
			s->type = KIND_EVENTED;
		else
			return pf_json_fail(s->json, "profile %zu: type \"%.*s\" is neither "
			    "\"sampled\" nor \"evented\"", s->nprofs,
			    (int)(v->len > 40 ? 40 : v->len), v->s);
		return 0;
	case T_PNAME:
		if (v->type != PF_JSON_STRING)
			return 0;
		if ((p->name = pf_arena_strdup(&s->arena, v->s, v->len)) == NULL)
			return nomem(s);
		p->name_len = v->len;
		return 0;
	case T_PUNIT:
		if (v->type != PF_JSON_STRING)
			return 0;
		snprintf(s->unit, sizeof(s->unit), "%.*s", (int)v->len, v->s);
		s->has_unit = 1;
		return 0;
	case T_PEND:
		if (pf_json_count(v, &c, &neg)) {
			s->end = neg ? -(stamp)c : (stamp)c;
			s->has_end = 1;
		}
		return 0;
	case T_SFRAME:
		if (frame_index(s, v, "sample", &f) != 0)
			return -1;
		if ((s->cur = child(s, s->cur, f)) == NONE)
			return nomem(s);
		return 0;
	case T_WEIGHT:
		return weight(s, v);
	case T_ETYPE:
		s->ev_type = v->type == PF_JSON_STRING && v->len == 1 &&
		    (v->s[0] == 'O' || v->s[0] == 'C') ? v->s[0] : 0;
		return 0;
	case T_EAT:
		if (!pf_json_count(v, &c, &neg))
			return pf_json_fail(s->json, "profile %zu: event %llu: \"at\" is not "
			    "a number", s->nprofs, (unsigned long long)s->nevents);
		s->ev_at = neg ? -(stamp)c : (stamp)c;
		s->ev_has_at = 1;
		return 0;
	case T_EFRAME:
		if (frame_index(s, v, "event", &f) != 0)
			return -1;
		s->ev_frame = f;
		s->ev_has_frame = 1;
		return 0;
	}
	return 0;
}

static const struct pf_json_handler handler = { on_key, on_begin, on_end, on_scalar };

/* -------------------------------------------------------------- the end */

/* The unit of every profile: theirs when they agree; the finest when they
 * are times in different units, each profile's counts multiplied by
 * *scale[i] to it.  -1 when some measure other things than the rest. */
static int
common_unit(struct sscope *s, int *unit)
{
	const struct prof *first = NULL, *other = NULL;
	size_t i;
	int u = PF_UNIT_UNKNOWN, time = 1;

	for (i = 0; i < s->nprofs; i++) {
		const struct prof *p = &s->profs[i];

		if (!p->use)
			continue;
		if (first == NULL)
			first = p;
		else if (p->unit != first->unit && other == NULL)
			other = p;
		if (p->unit < PF_UNIT_NANOSECONDS || p->unit > PF_UNIT_SECONDS)
			time = 0;
		else if (u == PF_UNIT_UNKNOWN || p->unit < u)
			u = p->unit;	/* the enum goes from fine to coarse */
	}
	if (other == NULL) {
		*unit = first != NULL ? first->unit : PF_UNIT_UNKNOWN;
		return 0;
	}
	if (!time)
		return pf_err(s->err, s->name, 0, "the profiles measure different "
		    "things (%s of profile %zu, %s of profile %zu): choose one with "
		    "--profile", first->unit == PF_UNIT_UNKNOWN ? "plain numbers" :
		    pf_unit_name(first->unit), (size_t)(first - s->profs) + 1,
		    other->unit == PF_UNIT_UNKNOWN ? "plain numbers" :
		    pf_unit_name(other->unit), (size_t)(other - s->profs) + 1);
	*unit = u;
	return 0;
}

/* Which profiles are read: all, or the one --profile names (by name, else
 * by number). */
static int
select_profiles(struct sscope *s)
{
	const char *want = s->o->profile;
	size_t i, n, k = 0;
	char *end;
	unsigned long long num;

	for (i = 0; i < s->nprofs; i++)
		s->profs[i].use = want == NULL;
	if (want == NULL)
		return 0;
	n = strlen(want);
	for (i = 0; i < s->nprofs; i++)
		if (s->profs[i].name != NULL && s->profs[i].name_len == n &&
		    memcmp(s->profs[i].name, want, n) == 0) {
			s->profs[i].use = 1;
			k++;
		}
	if (k > 0)
		return 0;
	errno = 0;
	num = strtoull(want, &end, 10);
	if (want[0] >= '0' && want[0] <= '9' && *end == '\0' && errno == 0 &&
	    num >= 1 && num <= s->nprofs) {
		s->profs[num - 1].use = 1;
		return 0;
	}
	return pf_errc(s->err, PF_ERR_USAGE, s->name, 0, 0, "--profile '%s': no "
	    "profile has that name or number (the file has %zu%s%.*s%s)", want,
	    s->nprofs, s->nprofs > 0 && s->profs[0].name != NULL ? ", the first named '" :
	    "", s->nprofs > 0 && s->profs[0].name != NULL ? (int)(s->profs[0].name_len > 60 ?
	    60 : s->profs[0].name_len) : 0, s->nprofs > 0 && s->profs[0].name != NULL ?
	    s->profs[0].name : "", s->nprofs > 0 && s->profs[0].name != NULL ? "'" : "");
}

static pf_count
scale_of(int from, int to)
{
	pf_count f = 1;
	int k;

	for (k = to; k < from; k++)
		f *= 1000;
	return f * PF_COUNT_ONE;
}

static int
finish(struct sscope *s)
{
	size_t i, n, nused = 0;
	uint32_t j;
	int unit = PF_UNIT_UNKNOWN;

	if (!s->seen_profiles)
		return pf_err(s->err, s->name, 0, "not a speedscope file: no "
		    "\"profiles\" array");
	if (s->max_frame > s->nframes)
		return pf_err(s->err, s->name, 0, "frame index %u is beyond the %zu "
		    "frames of \"shared.frames\"", s->max_frame - 1, s->nframes);
	if (select_profiles(s) != 0 || common_unit(s, &unit) != 0)
		return -1;
	s->st->unit = unit;
	for (i = 0; i < s->nprofs; i++)
		nused += s->profs[i].use;
	/* Several profiles: each is a root frame, its name, unless its
	 * stacks start with that frame already (pf-export --split-roots). */
	for (i = 0; i < s->nprofs && nused > 1; i++) {
		struct prof *p = &s->profs[i];
		char def[32];

		if (p->name == NULL) {
			snprintf(def, sizeof(def), "profile %zu", i + 1);
			p->name = def;
			p->name_len = strlen(def);
		}
		n = 0;
		if (put(s, &n, p->name, p->name_len) != 0 ||
		    (p->name_frame = pf_profile_intern(s->q, s->buf, n)) == UINT32_MAX)
			return pf_nomem(s->err, s->name, 0);
		p->redundant = 1;
		if (p->name == def)
			p->name = NULL;
	}
	for (j = 0; j < s->nnodes; j++) {
		const struct node *d = &s->nodes[j];

		if (nused > 1 && d->parent != NONE && s->nodes[d->parent].parent == NONE &&
		    s->fid[d->frame] != s->profs[s->nodes[d->parent].frame].name_frame)
			s->profs[s->nodes[d->parent].frame].redundant = 0;
	}
	for (j = 0; j < s->nnodes; j++) {
		const struct node *d = &s->nodes[j];
		const struct prof *p;
		pf_count w = d->weight;
		uint32_t v;

		if ((w == 0 && !d->sampled) || d->parent == NONE)
			continue;
		n = 0;
		for (v = j; s->nodes[v].parent != NONE; v = s->nodes[v].parent) {
			if (pf_grow(&s->stack, &s->stackcap, n + 2, sizeof(*s->stack)) != 0)
				return pf_nomem(s->err, s->name, 0);
			s->stack[n++] = s->fid[s->nodes[v].frame];
		}
		p = &s->profs[s->nodes[v].frame];
		if (!p->use)
			continue;
		if (nused > 1 && !p->redundant)
			s->stack[n++] = p->name_frame;
		pf_stack_reverse(s->stack, n);
		if (p->unit != unit && pf_count_mul(w, scale_of(p->unit, unit), &w) != 0)
			return pf_err(s->err, s->name, 0, "count overflow: a stack's "
			    "weight exceeds 2^64");
		if (pf_profile_add(s->q, s->stack, n, w, 0, s->err) != 0) {
			pf_err_name(s->err, s->name);
			return -1;
		}
	}
	return 0;
}

static void
release(struct sscope *s)
{
	free(s->nodes);
	free(s->mkey);
	free(s->mval);
	free(s->fid);
	free(s->fname);
	free(s->ffile);
	free(s->profs);
	free(s->stack);
	free(s->buf);
	pf_seq_free(s->held);
	pf_arena_release(&s->arena);
	pf_json_free(s->json);
	pf_profile_free(s->q);
}

/* A JSON object that names speedscope's schema. */
int
pf_speedscope_detect(const struct pf_peek *pk, size_t *where)
{
	PF_UNUSED(where);
	if (pk->body < pk->n && pk->buf[pk->body] == '{' &&
	    pf_mem_has(pk->buf + pk->body, pk->n - pk->body,
	    "speedscope.app/file-format-schema.json"))
		return PF_CLAIM_MAGIC;
	return PF_CLAIM_NONE;
}

int
pf_speedscope_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct sscope s;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.st = st;
	s.err = err;
	s.name = pf_reader_name(r);
	pf_arena_init(&s.arena);
	if ((s.q = pf_profile_new()) == NULL) {
		pf_nomem(err, s.name, 0);
		goto out;
	}
	if ((s.json = pf_json_new(r, &handler, &s, err)) == NULL)
		goto out;
	if (pf_json_parse(s.json, T_ROOT) != 0 || finish(&s) != 0)
		goto out;
	if (pf_profile_merge(p, s.q, err) != 0) {
		pf_err_name(err, s.name);
		goto out;
	}
	rc = 0;
out:
	release(&s);
	return rc;
}
