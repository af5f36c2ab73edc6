/*
 * pprof.c - pprof's profile.proto, gzip-compressed, as `go tool pprof`,
 * Pyroscope, Parca and Cloud Profiler read it.
 *
 * Every distinct frame is one function and one location (id i + 1 for the
 * i-th frame the stacks use, in name order), every distinct stack one
 * sample listing its locations leaf first, with one value (the count), or two for a
 * differential profile (sample types "before" and "after", after the
 * default).  The sample type comes from --countname: samples/count,
 * cpu/nanoseconds, space/bytes, or TYPE/UNIT as given.  Values are int64:
 * fractional counts are rounded to whole ones, and counts past 2^63 - 1 do
 * not fit.
 *
 * profile.proto strings are UTF-8: a name that is not has each stray byte
 * replaced by U+FFFD in the function's name, and its exact bytes,
 * percent-encoded as in pf-svg's pf:name, as its system name (which is
 * otherwise the name itself, as Go writes it).
 *
 * protobuf-c encodes each message; the repeated fields of the Profile
 * (samples, locations, functions) are written one element at a time, each
 * as its field tag, length and encoding, which is how protobuf encodes a
 * repeated field anyway, so that no more than one sample is held encoded.
 * The rest of the Profile (sample types, the string table) follows them:
 * field order does not matter to a protobuf reader.  Compression is
 * deflate's fastest level, as Go's runtime/pprof uses.
 */
#include <errno.h>
#include <stdlib.h>

#include "export.h"
#include "parse/profile.pb-c.h"

#define NAME_SEED 0x4b1d0f3e9a7c5e21ULL

/* ------------------------------------------------------- gzip on a FILE */

struct gz {
	struct pf_gzip *z;
	FILE *f;
	int werr;		/* a write failed */
};

static void
gz_sink(void *ctx, const unsigned char *b, size_t n)
{
	struct gz *g = ctx;

	if (fwrite(b, 1, n, g->f) != n)
		g->werr = 1;
}

static void
gz_put(struct gz *g, const void *p, size_t n)
{
	pf_gzip_put(g->z, p, n);
}

/* protobuf-c writes the last part of the Profile through this. */
struct gz_buffer {
	ProtobufCBuffer base;
	struct gz *g;
};

static void
gz_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
	gz_put(((struct gz_buffer *)b)->g, data, len);
}

/* A field of the Profile holding an encoded message: tag, length, bytes. */
static void
put_field(struct gz *g, unsigned field, const uint8_t *msg, size_t len)
{
	uint8_t head[16];
	size_t n = 0;
	uint64_t v = len;

	head[n++] = (uint8_t)(field << 3 | 2);
	do {
		head[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
	gz_put(g, head, n);
	gz_put(g, msg, len);
}

/* ----------------------------------------------------------- the profile */

struct pp {
	struct pf_strmap strings;	/* string -> index */
	char **table;			/* index -> string */
	size_t ntable, tcap;
	uint8_t *msg;			/* one encoded message */
	size_t msgcap;
	char *tmp;
	size_t tmpcap;
};

/* The index of s[0..n-1] in the string table, or -1 (out of memory). */
static int64_t
string_index(struct pp *pp, const char *s, size_t n)
{
	struct pf_strmap_slot *sl;
	int nomem = 0;

	sl = pf_strmap_find(&pp->strings, s, n, pf_hash_bytes(s, n, NAME_SEED), 1, &nomem);
	if (sl == NULL)
		return -1;
	if (sl->value == UINT32_MAX) {
		if (pf_grow(&pp->table, &pp->tcap, pp->ntable + 1, sizeof(*pp->table)) != 0)
			return -1;
		pp->table[pp->ntable] = (char *)sl->key;
		sl->value = (uint32_t)pp->ntable++;
	}
	return sl->value;
}

/* The name as valid UTF-8 in pp->tmp: stray bytes become U+FFFD. */
static size_t
clean(struct pp *pp, const char *s, size_t n, int *replaced)
{
	size_t i = 0, o = 0, k;

	*replaced = 0;
	if (pf_grow(&pp->tmp, &pp->tmpcap, 3 * n + 1, 1) != 0)
		return SIZE_MAX;
	while (i < n) {
		if ((k = pf_utf8_valid(s + i, n - i)) == 0) {
			memcpy(pp->tmp + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			*replaced = 1;
			continue;
		}
		memcpy(pp->tmp + o, s + i, k);
		o += k;
		i += k;
	}
	return o;
}

/* Encodes msg into pp->msg; returns its length, or SIZE_MAX. */
static size_t
encode(struct pp *pp, const ProtobufCMessage *msg)
{
	size_t n = protobuf_c_message_get_packed_size(msg);

	if (pf_grow(&pp->msg, &pp->msgcap, n + 1, 1) != 0)
		return SIZE_MAX;
	return protobuf_c_message_pack(msg, pp->msg);
}

/* A function and a location for each frame. */
static int
put_frames(const struct pf_xtree *t, struct pp *pp, struct gz *g,
    struct pf_export_stats *st)
{
	Perftools__Profiles__Function fn = PERFTOOLS__PROFILES__FUNCTION__INIT;
	Perftools__Profiles__Location loc = PERFTOOLS__PROFILES__LOCATION__INIT;
	Perftools__Profiles__Line line = PERFTOOLS__PROFILES__LINE__INIT, *lines[1];
	size_t i, len, n;
	const char *s;
	char *enc;
	int replaced;

	lines[0] = &line;
	loc.n_line = 1;
	loc.line = lines;
	for (i = 0; i < t->nused; i++) {
		s = pf_profile_frame(t->p, t->frame_order[i], &len);
		if ((n = clean(pp, s, len, &replaced)) == SIZE_MAX ||
		    (fn.name = string_index(pp, pp->tmp, n)) < 0)
			return -1;
		fn.system_name = fn.name;
		if (replaced) {
			st->replaced++;
			if ((enc = malloc(3 * len + 1)) == NULL)
				return -1;
			n = pf_percent_encode(s, len, enc);
			fn.system_name = string_index(pp, enc, n);
			free(enc);
			if (fn.system_name < 0)
				return -1;
		}
		fn.id = loc.id = line.function_id = i + 1;
		if ((n = encode(pp, &fn.base)) == SIZE_MAX)
			return -1;
		put_field(g, 5, pp->msg, n);
		if ((n = encode(pp, &loc.base)) == SIZE_MAX)
			return -1;
		put_field(g, 4, pp->msg, n);
	}
	st->frames = t->nused;
	return 0;
}

/* A sample for each stack.  Returns -1 out of memory, -2 on a count too
 * large (err filled). */
static int
put_samples(const struct pf_xtree *t, struct pp *pp, struct gz *g,
    struct pf_export_stats *st, struct pf_error *err)
{
	Perftools__Profiles__Sample smp = PERFTOOLS__PROFILES__SAMPLE__INIT;
	const uint32_t *f;
	uint64_t *ids = NULL;
	int64_t val[2];
	size_t n, i, j, cap = 0, len;
	pf_count c[2];
	int col, r, any, rc = -1;

	smp.value = val;
	smp.n_value = (size_t)t->columns;
	for (j = 0; j < t->nstacks; j++) {
		f = pf_profile_stack(t->p, t->order != NULL ? t->order[j] : j, &n,
		    &c[0], &c[1]);
		if (pf_grow(&ids, &cap, n + 1, sizeof(*ids)) != 0)
			goto out;
		/* Leaf first. */
		for (i = 0; i < n; i++)
			ids[i] = (uint64_t)t->frame_index[f[n - 1 - i]] + 1;
		any = 0;
		for (col = 0; col < t->columns; col++) {
			if (pf_xwhole(c[col], 1, 1, &val[col], &r) != 0) {
				char num[PF_COUNT_BUFSIZE];

				pf_count_format(c[col], num);
				pf_err(err, NULL, 0, "count %s does not fit a pprof value "
				    "(a signed 64-bit integer)", num);
				rc = -2;
				goto out;
			}
			any |= r;
			if (r && val[col] == 0)
				st->zeroed++;
		}
		st->stacks++;
		st->rounded += (uint64_t)any;
		smp.location_id = ids;
		smp.n_location_id = n;
		if ((len = encode(pp, &smp.base)) == SIZE_MAX)
			goto out;
		put_field(g, 2, pp->msg, len);
	}
	rc = 0;
out:
	free(ids);
	return rc;
}

int
pf_export_pprof(const struct pf_xtree *t, const struct pf_export_options *opt,
    FILE *out, struct pf_export_stats *st, struct pf_error *err)
{
	Perftools__Profiles__Profile prof = PERFTOOLS__PROFILES__PROFILE__INIT;
	Perftools__Profiles__ValueType vt[2] = { PERFTOOLS__PROFILES__VALUE_TYPE__INIT,
	    PERFTOOLS__PROFILES__VALUE_TYPE__INIT }, *vtp[2] = { &vt[0], &vt[1] };
	struct gz_buffer buf;
	struct pf_xunit u;
	struct pp pp;
	struct gz gz, *g = &gz;
	int rc = -1, k;

	memset(&pp, 0, sizeof(pp));
	gz.f = out;
	gz.werr = 0;
	if ((gz.z = pf_gzip_new(1, gz_sink, &gz)) == NULL)
		return pf_nomem(err, NULL, 0);
	if (pf_strmap_init(&pp.strings, 1024) != 0 || string_index(&pp, "", 0) != 0)
		goto nomem;
	pf_xunit_get(opt->countname, &u);
	if (t->columns == 2) {
		if ((vt[0].type = string_index(&pp, "before", 6)) < 0 ||
		    (vt[1].type = string_index(&pp, "after", 5)) < 0 ||
		    (vt[0].unit = vt[1].unit = string_index(&pp, u.unit, strlen(u.unit))) < 0)
			goto nomem;
		prof.default_sample_type = vt[1].type;
	} else if ((vt[0].type = string_index(&pp, u.type, strcspn(u.type, "/"))) < 0 ||
	    (vt[0].unit = string_index(&pp, u.unit, strlen(u.unit))) < 0)
		goto nomem;
	prof.n_sample_type = (size_t)t->columns;
	prof.sample_type = vtp;

	if ((k = put_samples(t, &pp, g, st, err)) == -2)
		goto out;
	if (k != 0 || put_frames(t, &pp, g, st) != 0)
		goto nomem;
	prof.n_string_table = pp.ntable;
	prof.string_table = pp.table;
	buf.base.append = gz_append;
	buf.g = g;
	protobuf_c_message_pack_to_buffer(&prof.base, &buf.base);
	if (pf_gzip_finish(g->z) != 0)
		pf_err(err, NULL, 0, "gzip compression failed");
	else if (g->werr || fflush(out) != 0)
		pf_errc(err, PF_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
	else
		rc = 0;
	goto out;
nomem:
	pf_nomem(err, NULL, 0);
out:
	pf_gzip_free(g->z);
	pf_strmap_release(&pp.strings);
	free(pp.table);
	free(pp.msg);
	free(pp.tmp);
	return rc;
}
