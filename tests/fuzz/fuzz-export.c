/*
 * fuzz-export.c - fuzz target of pf-export's writers.
 *
 * pf-export has no parser of its own (it reads folded stacks with the
 * library's reader, fuzzed by fuzz-folded); what takes hostile input here
 * is the writers: frame names of any bytes, counts up to 2^64, deep and
 * wide trees.  The input is read as a folded file; each format is then
 * written, and must be what its readers take: JSON that yajl parses (it
 * rejects invalid UTF-8) with the structure of its format, and a
 * gzip'ed protobuf that protobuf-c decodes with one sample per stack.  The
 * only failure allowed is a count the format cannot hold.
 */
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>
#include <zlib.h>

#include "internal.h"
#include "fuzz.h"
#include "check.h"
#include "parse/profile.pb-c.h"

static char *
export(const struct pf_profile *p, int fmt, size_t *len, struct pf_error *err)
{
	struct pf_export_options o;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int rc;

	if (f == NULL)
		fuzz_fail("open_memstream failed");
	memset(&o, 0, sizeof(o));
	o.format = fmt;
	o.split_roots = 1;
	rc = pf_export_write(p, &o, f, NULL, err);
	fclose(f);
	if (rc != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* s[0..n-1] (NUL-terminated, as open_memstream leaves it) as a tree. */
static yajl_val
parse(const char *s, size_t n, const char *what)
{
	char e[256];
	yajl_val j;

	if (strlen(s) != n)
		fuzz_fail("%s: a NUL byte in the JSON", what);
	if ((j = yajl_tree_parse(s, e, sizeof(e))) == NULL)
		fuzz_fail("%s: not JSON: %s", what, e);
	return j;
}

/* The member key of object o, or NULL. */
static yajl_val
member(yajl_val o, const char *key)
{
	const char *path[] = { key, NULL };

	return o != NULL ? yajl_tree_get(o, path, yajl_t_any) : NULL;
}

/* The length of array a; 0 when a is not an array. */
static size_t
length(yajl_val a)
{
	return YAJL_IS_ARRAY(a) ? YAJL_GET_ARRAY(a)->len : 0;
}

static void
check_pprof(const char *gz, size_t n, size_t nstacks)
{
	Perftools__Profiles__Profile *pr;
	z_stream z;
	uint8_t *raw;
	size_t cap = 4 * n + 4096, i, j;
	int r;

	memset(&z, 0, sizeof(z));
	if ((raw = malloc(cap)) == NULL || inflateInit2(&z, 15 + 16) != Z_OK)
		fuzz_fail("out of memory");
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)n;
	for (;;) {
		z.next_out = raw + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		r = inflate(&z, Z_NO_FLUSH);
		if (r == Z_STREAM_END)
			break;
		if (r != Z_OK && r != Z_BUF_ERROR)
			fuzz_fail("pprof: not gzip (%d)", r);
		if ((raw = realloc(raw, cap *= 2)) == NULL)
			fuzz_fail("out of memory");
	}
	pr = perftools__profiles__profile__unpack(NULL, z.total_out, raw);
	if (pr == NULL)
		fuzz_fail("pprof: the message does not decode");
	if (pr->n_sample != nstacks || pr->n_location != pr->n_function)
		fuzz_fail("pprof: %zu samples for %zu stacks", pr->n_sample, nstacks);
	for (i = 0; i < pr->n_sample; i++)
		for (j = 0; j < pr->sample[i]->n_location_id; j++)
			if (pr->sample[i]->location_id[j] < 1 ||
			    pr->sample[i]->location_id[j] > pr->n_location)
				fuzz_fail("pprof: sample %zu names no location", i);
	perftools__profiles__profile__free_unpacked(pr, NULL);
	inflateEnd(&z);
	free(raw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_folded_options fo = { .lenient = 1 };
	struct pf_error err;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_mem("fuzz.folded", data, size);
	size_t len, i, n, nstacks;
	yajl_val j, v;
	char *out;
	int fmt;

	if (p == NULL || r == NULL)
		fuzz_fail("out of memory");
	memset(&err, 0, sizeof(err));
	if (pf_folded_read_opts(p, r, &fo, NULL, &err) != 0)
		goto done;
	nstacks = pf_profile_nstacks(p);
	for (fmt = 0; fmt < PF_EXPORT_COUNT; fmt++) {
		memset(&err, 0, sizeof(err));
		if ((out = export(p, fmt, &len, &err)) == NULL) {
			if ((fmt == PF_EXPORT_PPROF && strstr(err.msg, "does not fit") != NULL) ||
			    (fmt == PF_EXPORT_CPUPROFILE && strstr(err.msg, "2^63") != NULL) ||
			    strstr(err.msg, "exceeds 2^64") != NULL)
				continue;
			fuzz_fail("%s: %s", pf_export_name(fmt), err.msg);
		}
		switch (fmt) {
		case PF_EXPORT_PPROF:
			check_pprof(out, len, nstacks);
			break;
		case PF_EXPORT_SPEEDSCOPE:
			j = parse(out, len, "speedscope");
			n = 0;
			for (i = 0; i < length(member(j, "profiles")); i++) {
				v = YAJL_GET_ARRAY(member(j, "profiles"))->values[i];
				if (length(member(v, "samples")) != length(member(v, "weights")))
					fuzz_fail("speedscope: samples and weights differ");
				n += length(member(v, "samples"));
			}
			if (n != nstacks * (size_t)pf_profile_columns(p))
				fuzz_fail("speedscope: %zu samples for %zu stacks", n, nstacks);
			yajl_tree_free(j);
			break;
		case PF_EXPORT_D3:
			/* yajl_tree_free recurses, two levels per frame: deep
			 * trees are left out. */
			for (i = n = 0; i < nstacks; i++) {
				size_t k;

				pf_profile_stack(p, i, &k, NULL, NULL);
				n = k > n ? k : n;
			}
			if (n >= 1000)
				break;
			j = parse(out, len, "d3");
			v = member(j, "name");
			if (!YAJL_IS_STRING(v) || strcmp(v->u.string, "all") != 0)
				fuzz_fail("d3: the root is not \"all\"");
			yajl_tree_free(j);
			break;
		default:
			j = parse(out, len, "cpuprofile");
			if (length(member(j, "samples")) != length(member(j, "timeDeltas")) ||
			    length(member(j, "nodes")) < 1)
				fuzz_fail("cpuprofile: samples and timeDeltas differ");
			for (i = 0; i < length(member(j, "nodes")); i++) {
				v = member(YAJL_GET_ARRAY(member(j, "nodes"))->values[i], "id");
				if (!YAJL_IS_NUMBER(v) || YAJL_GET_DOUBLE(v) != (double)(i + 1))
					fuzz_fail("cpuprofile: node %zu is not id %zu", i, i + 1);
			}
			yajl_tree_free(j);
			break;
		}
		free(out);
	}
done:
	pf_reader_free(r);
	pf_profile_free(p);
	return 0;
}
