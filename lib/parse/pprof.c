/*
 * pprof.c - pprof profiles (profile.proto: Go's runtime/pprof,
 * async-profiler, Pyroscope) to folded stacks.
 *
 * The message is decoded by protobuf-c with code generated from
 * profile.proto (beside this file).  A sample lists its locations leaf
 * first; a location lists its lines, each inlined into the next, the last
 * being the function the code belongs to.  So a sample's stack, root first,
 * is its locations in reverse, each location's lines in reverse, and every
 * line is a frame named after its function: inlined functions are frames of
 * their own.  A location without lines (no symbols) is its address,
 * "0x4a3b2c".  The weight is one of the sample's values: the sample type
 * chosen by name or index, else the profile's default, else the last.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "format.h"
#include "parse/profile.pb-c.h"

typedef Perftools__Profiles__Profile Profile;

struct idx {
	uint64_t id;
	size_t i;
};

static int
cmp_idx(const void *a, const void *b)
{
	const struct idx *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static struct idx *
index_ids(size_t n, uint64_t (*id)(const Profile *, size_t), const Profile *pr)
{
	struct idx *v = malloc((n + 1) * sizeof(*v));
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		v[i].id = id(pr, i);
		v[i].i = i;
	}
	qsort(v, n, sizeof(*v), cmp_idx);
	return v;
}

static size_t
lookup(const struct idx *v, size_t n, uint64_t id)
{
	struct idx key = { id, 0 }, *f = bsearch(&key, v, n, sizeof(*v), cmp_idx);

	return f != NULL ? f->i : SIZE_MAX;
}

static uint64_t
loc_id(const Profile *pr, size_t i)
{
	return pr->location[i]->id;
}

static uint64_t
fn_id(const Profile *pr, size_t i)
{
	return pr->function[i]->id;
}

static const char *
string_at(const Profile *pr, int64_t i)
{
	if (i <= 0 || (uint64_t)i >= pr->n_string_table)
		return "";
	return pr->string_table[i];
}

/* The index of the sample type to use, or -1 with err filled. */
static int64_t
choose_type(const Profile *pr, const char *want, const char *name,
    struct pf_error *err)
{
	size_t i;
	char *end;
	unsigned long long k;

	if (pr->n_sample_type == 0)
		return pf_err(err, name, 0, "the profile has no sample types");
	if (want != NULL && want[0] != '\0') {
		k = strtoull(want, &end, 10);
		if (*end == '\0' && want[0] >= '0' && want[0] <= '9') {
			if (k >= pr->n_sample_type)
				return pf_err(err, name, 0, "no sample type %llu: the "
				    "profile has %zu (0 to %zu)", k, pr->n_sample_type,
				    pr->n_sample_type - 1);
			return (int64_t)k;
		}
		for (i = 0; i < pr->n_sample_type; i++) {
			const char *t = string_at(pr, pr->sample_type[i]->type);
			const char *u = string_at(pr, pr->sample_type[i]->unit);
			size_t tl = strlen(t);

			if (strcmp(want, t) == 0 || (strncmp(want, t, tl) == 0 &&
			    want[tl] == '/' && strcmp(want + tl + 1, u) == 0))
				return (int64_t)i;
		}
		{
			char list[512];
			size_t used = 0;

			list[0] = '\0';
			for (i = 0; i < pr->n_sample_type && used < sizeof(list) - 1; i++) {
				int m = snprintf(list + used, sizeof(list) - used, "%s%s/%s",
				    i ? ", " : "", string_at(pr, pr->sample_type[i]->type),
				    string_at(pr, pr->sample_type[i]->unit));

				if (m > 0)
					used += (size_t)m;
			}
			return pf_err(err, name, 0, "no sample type '%s'; the profile "
			    "has: %s", want, list);
		}
	}
	if (pr->default_sample_type != 0)
		for (i = 0; i < pr->n_sample_type; i++)
			if (pr->sample_type[i]->type == pr->default_sample_type)
				return (int64_t)i;
	return (int64_t)pr->n_sample_type - 1;
}

/* The unit of sample type i, as pprof names units. */
static int
type_unit(const Profile *pr, size_t i)
{
	static const struct { const char *name; int unit; } units[] = {
		{ "nanoseconds", PF_UNIT_NANOSECONDS },
		{ "microseconds", PF_UNIT_MICROSECONDS },
		{ "milliseconds", PF_UNIT_MILLISECONDS },
		{ "seconds", PF_UNIT_SECONDS },
		{ "bytes", PF_UNIT_BYTES },
	};
	const char *t = string_at(pr, pr->sample_type[i]->type);
	const char *u = string_at(pr, pr->sample_type[i]->unit);
	size_t k;

	for (k = 0; k < sizeof(units) / sizeof(units[0]); k++)
		if (strcmp(u, units[k].name) == 0)
			return units[k].unit;
	if (strcmp(u, "count") == 0)
		return strcmp(t, "samples") == 0 ? PF_UNIT_SAMPLES : PF_UNIT_COUNT;
	return PF_UNIT_UNKNOWN;
}

/*
 * The note for a profile whose chosen sample type is 0 in every sample: a
 * Go heap profile written when everything had been freed has nothing in
 * use, and an empty output would say nothing of why.  Names the type and
 * the others, with their totals.
 */
static void
zero_note(const Profile *pr, size_t ty, struct pf_collapse_stats *st)
{
	size_t i, j, used;
	int m, first = 1;

	m = snprintf(st->note, sizeof(st->note), "the sample type %s/%s is 0 in "
	    "every sample, so nothing was folded",
	    string_at(pr, pr->sample_type[ty]->type), string_at(pr, pr->sample_type[ty]->unit));
	used = m > 0 ? (size_t)m : 0;
	if (pr->n_sample_type == 1) {
		snprintf(st->note + used, sizeof(st->note) - used,
		    " (the profile has no other type)");
		return;
	}
	for (i = 0; i < pr->n_sample_type && used < sizeof(st->note) - 1; i++) {
		uint64_t total = 0;

		if (i == ty)
			continue;
		for (j = 0; j < pr->n_sample; j++)
			if (i < pr->sample[j]->n_value && pr->sample[j]->value[i] > 0)
				total = (uint64_t)pr->sample[j]->value[i] > UINT64_MAX - total ?
				    UINT64_MAX : total + (uint64_t)pr->sample[j]->value[i];
		m = snprintf(st->note + used, sizeof(st->note) - used, "%s %s/%s (total %llu)",
		    first ? "; the other types:" : ",",
		    string_at(pr, pr->sample_type[i]->type),
		    string_at(pr, pr->sample_type[i]->unit), (unsigned long long)total);
		used += m > 0 ? (size_t)m : 0;
		first = 0;
	}
	if (used < sizeof(st->note) - 1)
		snprintf(st->note + used, sizeof(st->note) - used, "; choose one with --sample-type");
}

/* The frame of one line (function name, ';' made ':'). */
static uint32_t
line_frame(struct pf_profile *p, const Profile *pr, const struct idx *fns,
    const Perftools__Profiles__Line *l)
{
	size_t f = lookup(fns, pr->n_function, l->function_id), n, i;
	const char *nm = f != SIZE_MAX ? string_at(pr, pr->function[f]->name) : "";
	char *tmp;
	uint32_t id;

	if (nm[0] == '\0')
		nm = "[unknown]";
	n = strlen(nm);
	if (memchr(nm, ';', n) == NULL && memchr(nm, '\n', n) == NULL)
		return pf_profile_intern(p, nm, n);
	if ((tmp = malloc(n)) == NULL)
		return UINT32_MAX;
	for (i = 0; i < n; i++)
		tmp[i] = nm[i] == ';' ? ':' : nm[i] == '\n' ? ' ' : nm[i];
	id = pf_profile_intern(p, tmp, n);
	free(tmp);
	return id;
}

static int
varint(const unsigned char *b, size_t n, size_t *i, uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; shift < 64 && *i < n; shift += 7) {
		unsigned char c = b[(*i)++];

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 0;
	}
	return -1;
}

/* Whether b[0..n-1] is a ValueType message: varint fields 1 and 2. */
static int
value_type(const unsigned char *b, size_t n)
{
	size_t i = 0;
	uint64_t tag, v;

	while (i < n) {
		if (varint(b, n, &i, &tag) != 0 || (tag != 8 && tag != 16) ||
		    varint(b, n, &i, &v) != 0)
			return 0;
	}
	return 1;
}

/*
 * A profile.proto message: binary input (text is never pprof) whose first
 * fields (up to 8, or as many as the peek holds) have Profile's field
 * numbers with their wire types - varints for the numbers (7-10, 12-14),
 * length-delimited for the messages and strings (1-6, 11, and 13 when
 * packed) - and lengths that fit, and whose sample types are ValueTypes.
 * Only the shape is looked at; decoding is protobuf-c's job.
 */
int
pf_pprof_detect(const struct pf_peek *pk, size_t *where)
{
	const unsigned char *b = (const unsigned char *)pk->buf;
	size_t i = 0, n = pk->n;
	uint64_t tag, v;
	int fields = 0;

	PF_UNUSED(where);
	if (pf_text_like(pk->buf, pk->n))
		return PF_CLAIM_NONE;
	while (i < n && fields < 8) {
		unsigned field, wt;

		if (varint(b, n, &i, &tag) != 0)
			return PF_CLAIM_NONE;
		field = (unsigned)(tag >> 3);
		wt = (unsigned)(tag & 7);
		if (field < 1 || field > 14)
			return PF_CLAIM_NONE;
		if (wt == 0 && ((field >= 7 && field <= 10) || field >= 12)) {
			if (varint(b, n, &i, &v) != 0)
				return fields > 0 && i == n ? PF_CLAIM_MAGIC : PF_CLAIM_NONE;
		} else if (wt == 2 && (field <= 6 || field == 11 || field == 13)) {
			if (varint(b, n, &i, &v) != 0)
				return PF_CLAIM_NONE;
			if (v > n - i)
				return fields > 0 || !pk->whole ? PF_CLAIM_MAGIC :
				    PF_CLAIM_NONE;
			/* A sample type is a ValueType: varints 1 and 2 (an
			 * OpenTelemetry profile starts with messages there). */
			if ((field == 1 || field == 11) && !value_type(b + i, (size_t)v))
				return PF_CLAIM_NONE;
			i += (size_t)v;
		} else {
			return PF_CLAIM_NONE;
		}
		fields++;
	}
	return fields >= 2 || (fields == 1 && i == n) ? PF_CLAIM_MAGIC : PF_CLAIM_NONE;
}

int
pf_pprof_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	const char *name = pf_reader_name(r);
	char *buf = NULL;
	size_t len = 0, i, j, k, n, scap = 0;
	Profile *pr = NULL;
	struct idx *locs = NULL, *fns = NULL;
	uint32_t *stack = NULL, *locframes = NULL;
	size_t *locfirst = NULL;
	int64_t ty;
	size_t kept = 0;
	int rc = -1;

	/* protobuf-c decodes a whole message: read it all. */
	if (pf_reader_slurp(r, &buf, &len, err) != 0)
		goto out;
	pr = perftools__profiles__profile__unpack(NULL, len, (const uint8_t *)buf);
	if (pr == NULL) {
		pf_err(err, name, 0, "not a pprof profile: the protobuf message "
		    "(%zu bytes after decompression) does not decode", len);
		goto out;
	}
	if ((ty = choose_type(pr, o->sample_type, name, err)) < 0)
		goto out;
	st->unit = type_unit(pr, (size_t)ty);
	locs = index_ids(pr->n_location, loc_id, pr);
	fns = index_ids(pr->n_function, fn_id, pr);
	if (locs == NULL || fns == NULL)
		goto nomem;
	/* Each location's frames once, root first, in one pool. */
	locfirst = malloc((pr->n_location + 1) * sizeof(*locfirst));
	n = 0;
	for (i = 0; i < pr->n_location; i++)
		n += pr->location[i]->n_line ? pr->location[i]->n_line : 1;
	locframes = malloc((n + 1) * sizeof(*locframes));
	if (locfirst == NULL || locframes == NULL)
		goto nomem;
	n = 0;
	for (i = 0; i < pr->n_location; i++) {
		const Perftools__Profiles__Location *l = pr->location[i];

		locfirst[i] = n;
		if (l->n_line == 0) {
			char addr[32];
			int m = snprintf(addr, sizeof(addr), "0x%" PRIx64, l->address);

			if ((locframes[n++] = pf_profile_intern(p, addr, (size_t)m)) ==
			    UINT32_MAX)
				goto nomem;
			continue;
		}
		for (j = l->n_line; j > 0; j--)
			if ((locframes[n++] = line_frame(p, pr, fns, l->line[j - 1])) ==
			    UINT32_MAX)
				goto nomem;
	}
	locfirst[pr->n_location] = n;
	for (i = 0; i < pr->n_sample; i++) {
		const Perftools__Profiles__Sample *s = pr->sample[i];
		int64_t v = 0;

		st->samples++;
		if ((size_t)ty >= s->n_value || (v = s->value[ty]) <= 0) {
			if ((size_t)ty >= s->n_value || v < 0)
				st->dropped++;
			continue;
		}
		n = 0;
		for (j = s->n_location_id; j > 0; j--) {
			size_t li = lookup(locs, pr->n_location, s->location_id[j - 1]);

			if (li == SIZE_MAX) {
				pf_err(err, name, 0, "sample %zu refers to location %" PRIu64
				    ", which the profile does not have", i,
				    s->location_id[j - 1]);
				goto out;
			}
			for (k = locfirst[li]; k < locfirst[li + 1]; k++) {
				if (pf_grow(&stack, &scap, n + 1, sizeof(*stack)) != 0)
					goto nomem;
				stack[n++] = locframes[k];
			}
		}
		if (n == 0) {
			if (pf_grow(&stack, &scap, 1, sizeof(*stack)) != 0 ||
			    (stack[n++] = pf_profile_intern(p, "[no stack]", 10)) == UINT32_MAX)
				goto nomem;
		}
		kept++;
		if (pf_profile_add(p, stack, n, pf_count_from_u64((uint64_t)v), 0, err) != 0) {
			pf_err_name(err, name);
			goto out;
		}
	}
	if (st->dropped > 0)
		snprintf(st->note, sizeof(st->note), "left out %llu sample%s with a "
		    "negative or missing value", (unsigned long long)st->dropped,
		    st->dropped == 1 ? "" : "s");
	else if (pr->n_sample > 0 && kept == 0)
		zero_note(pr, (size_t)ty, st);
	rc = 0;
	goto out;
nomem:
	pf_nomem(err, name, 0);
out:
	if (pr != NULL)
		perftools__profiles__profile__free_unpacked(pr, NULL);
	free(buf);
	free(locs);
	free(fns);
	free(locfirst);
	free(locframes);
	free(stack);
	return rc;
}
