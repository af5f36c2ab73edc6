/*
 * test-export.c - unit tests of the JSON string writer and of
 * pf_export_write: the pprof message field by field (decoded here with
 * protobuf-c), its errors, and output that does not depend on the order
 * of the stacks.
 */
#include <zlib.h>

#include "tap.h"
#include "internal.h"
#include "parse/profile.pb-c.h"

/* pf_json_string of s[0..n-1], in buf; *replaced set as it returns. */
static size_t
json(const char *s, size_t n, char *buf, size_t cap, int *replaced)
{
	struct pf_outbuf o = { NULL, buf, 0, cap, 0 };

	*replaced = pf_json_string(&o, s, n);
	return o.len;
}

static void
json_case(const char *name, const char *in, size_t n, const char *want, int want_rep)
{
	char buf[512], flag[128];
	int rep;
	size_t len = json(in, n, buf, sizeof(buf), &rep);

	tap_mem(name, buf, len, want, strlen(want));
	snprintf(flag, sizeof(flag), "%s: %s", name, want_rep ? "says bytes were replaced" :
	    "says nothing was replaced");
	tap_ok(rep == want_rep, flag, "replaced %d, want %d", rep, want_rep);
}

static void
test_json(void)
{
	char buf[PF_COUNT_BUFSIZE + 8], *e;
	pf_count c;

	json_case("json/plain", "main", 4, "\"main\"", 0);
	json_case("json/empty", "", 0, "\"\"", 0);
	json_case("json/quote and backslash", "a\"b\\c", 5, "\"a\\\"b\\\\c\"", 0);
	json_case("json/controls", "\n\t\r\001\037\177", 6,
	    "\"\\n\\t\\r\\u0001\\u001f\\u007f\"", 0);
	json_case("json/markup", "</script>&", 10,
	    "\"\\u003c/script\\u003e\\u0026\"", 0);
	json_case("json/utf-8 kept", "caf\xc3\xa9 \xf0\x9f\x98\x80 \xc2\x85", 13,
	    "\"caf\xc3\xa9 \xf0\x9f\x98\x80 \xc2\x85\"", 0);
	json_case("json/line separators", "a\xe2\x80\xa8" "b\xe2\x80\xa9", 8,
	    "\"a\\u2028b\\u2029\"", 0);
	json_case("json/stray byte", "a\xff" "b", 3, "\"a\xef\xbf\xbd" "b\"", 1);
	json_case("json/truncated sequence", "a\xe2\x82", 3,
	    "\"a\xef\xbf\xbd\xef\xbf\xbd\"", 1);
	json_case("json/overlong", "\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"", 1);
	json_case("json/surrogate", "\xed\xa0\x80", 3,
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", 1);
	json_case("json/past U+10FFFF", "\xf4\x90\x80\x80", 4,
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", 1);

	CHECK("utf8/ascii", pf_utf8_valid("a", 1) == 1);
	CHECK("utf8/4 bytes", pf_utf8_valid("\xf0\x9f\x98\x80", 4) == 4);
	CHECK("utf8/cut short", pf_utf8_valid("\xf0\x9f\x98", 3) == 0);
	CHECK("utf8/continuation alone", pf_utf8_valid("\x80", 1) == 0);

	e = pf_put_count(buf, 0);
	tap_mem("put_count/0", buf, (size_t)(e - buf), "0", 1);
	pf_count_parse("0.5", 3, &c);
	e = pf_put_count(buf, c);
	tap_mem("put_count/0.5", buf, (size_t)(e - buf), "0.5", 3);
	e = pf_put_count(buf, PF_COUNT_MAX);
	tap_mem("put_count/max", buf, (size_t)(e - buf), "18446744073709551615.999999999", 30);
	e = pf_put_u64(buf, UINT64_MAX);
	tap_mem("put_u64/max", buf, (size_t)(e - buf), "18446744073709551615", 20);
}

/* Exports p in format fmt to memory; returns the bytes (malloc'ed). */
static char *
export_mem(const struct pf_profile *p, int fmt, const char *countname, size_t *len,
    struct pf_export_stats *st, struct pf_error *err)
{
	struct pf_export_options o;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int rc;

	memset(&o, 0, sizeof(o));
	o.format = fmt;
	o.countname = countname;
	memset(err, 0, sizeof(*err));
	if (f == NULL)
		return NULL;
	rc = pf_export_write(p, &o, f, st, err);
	fclose(f);
	if (rc != 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Inflates a gzip member. */
static uint8_t *
gunzip(const char *in, size_t n, size_t *outlen)
{
	z_stream z;
	size_t cap = 1 << 16;
	uint8_t *out = malloc(cap);
	int r;

	memset(&z, 0, sizeof(z));
	if (out == NULL || inflateInit2(&z, 15 + 16) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	for (;;) {
		z.next_out = out + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		r = inflate(&z, Z_NO_FLUSH);
		if (r == Z_STREAM_END)
			break;
		if (r != Z_OK || (cap *= 2, (out = realloc(out, cap)) == NULL)) {
			inflateEnd(&z);
			free(out);
			return NULL;
		}
	}
	*outlen = z.total_out;
	inflateEnd(&z);
	return out;
}

static Perftools__Profiles__Profile *
pprof_of(const char *folded, const char *countname, struct pf_export_stats *st)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_error err;
	Perftools__Profiles__Profile *pr = NULL;
	size_t len, n;
	char *gz = NULL;
	uint8_t *raw = NULL;

	if (p == NULL || folded_from(p, folded, strlen(folded), &err) != 0 ||
	    (gz = export_mem(p, PF_EXPORT_PPROF, countname, &len, st, &err)) == NULL)
		printf("# export failed: %s\n", err.msg);
	else if (len < 10 || (uint8_t)gz[0] != 0x1f || (uint8_t)gz[1] != 0x8b ||
	    (raw = gunzip(gz, len, &n)) == NULL)
		printf("# not gzip\n");
	else
		pr = perftools__profiles__profile__unpack(NULL, n, raw);
	free(gz);
	free(raw);
	pf_profile_free(p);
	return pr;
}

static const char *
str(const Perftools__Profiles__Profile *pr, int64_t i)
{
	return i >= 0 && (size_t)i < pr->n_string_table ? pr->string_table[i] : "<bad index>";
}

static void
test_pprof(void)
{
	struct pf_export_stats st;
	Perftools__Profiles__Profile *pr;
	size_t i;
	int ok;

	pr = pprof_of("main;work 5\nmain 2\nmain;io\xff 3\n", "ns", &st);
	if (!tap_ok(pr != NULL, "pprof/decodes", NULL))
		return;
	tap_ok(pr->n_sample_type == 1 && strcmp(str(pr, pr->sample_type[0]->type), "cpu") == 0 &&
	    strcmp(str(pr, pr->sample_type[0]->unit), "nanoseconds") == 0,
	    "pprof/--countname ns is cpu/nanoseconds", NULL);
	tap_ok(pr->n_string_table > 0 && pr->string_table[0][0] == '\0',
	    "pprof/string 0 is empty", NULL);
	tap_ok(pr->n_sample == 3 && pr->n_location == 3 && pr->n_function == 3,
	    "pprof/a sample per stack, a location and function per frame",
	    "%zu samples, %zu locations, %zu functions", pr->n_sample, pr->n_location,
	    pr->n_function);
	ok = 1;
	for (i = 0; i < pr->n_location; i++)
		ok &= pr->location[i]->id == i + 1 && pr->location[i]->n_line == 1 &&
		    pr->location[i]->line[0]->function_id == i + 1 &&
		    pr->function[i]->id == i + 1;
	tap_ok(ok, "pprof/ids from 1, location i is function i", NULL);
	/* Name order: main, then its callees by name, "io\xff" < "work". */
	tap_ok(strcmp(str(pr, pr->function[0]->name), "main") == 0 &&
	    strcmp(str(pr, pr->function[1]->name), "io\xef\xbf\xbd") == 0 &&
	    strcmp(str(pr, pr->function[1]->system_name), "io%FF") == 0 &&
	    pr->function[2]->system_name == pr->function[2]->name,
	    "pprof/a name that is not UTF-8: U+FFFD, exact bytes as the system name",
	    "%s / %s", str(pr, pr->function[1]->name), str(pr, pr->function[1]->system_name));
	tap_ok(pr->sample[0]->n_location_id == 1 && pr->sample[0]->location_id[0] == 1 &&
	    pr->sample[0]->n_value == 1 && pr->sample[0]->value[0] == 2 &&
	    pr->sample[2]->n_location_id == 2 && pr->sample[2]->location_id[0] == 3 &&
	    pr->sample[2]->location_id[1] == 1 && pr->sample[2]->value[0] == 5,
	    "pprof/samples in name order, locations leaf first", NULL);
	tap_ok(pr->default_sample_type == 0 && pr->time_nanos == 0,
	    "pprof/no default type, no time", NULL);
	perftools__profiles__profile__free_unpacked(pr, NULL);

	pr = pprof_of("a;b 1 2\na 3 0\n", "alloc_space/bytes", &st);
	if (!tap_ok(pr != NULL, "pprof/differential decodes", NULL))
		return;
	tap_ok(pr->n_sample_type == 2 &&
	    strcmp(str(pr, pr->sample_type[0]->type), "before") == 0 &&
	    strcmp(str(pr, pr->sample_type[1]->type), "after") == 0 &&
	    strcmp(str(pr, pr->sample_type[1]->unit), "bytes") == 0 &&
	    pr->default_sample_type == pr->sample_type[1]->type,
	    "pprof/differential: before and after, after the default", NULL);
	tap_ok(pr->n_sample == 2 && pr->sample[0]->n_value == 2 &&
	    pr->sample[0]->value[0] == 3 && pr->sample[0]->value[1] == 0 &&
	    pr->sample[1]->value[0] == 1 && pr->sample[1]->value[1] == 2,
	    "pprof/differential: both values in each sample", NULL);
	perftools__profiles__profile__free_unpacked(pr, NULL);

	pr = pprof_of("a 1.5\nb 0.4\nc 2\n", NULL, &st);
	tap_ok(pr != NULL && pr->n_sample == 3 && pr->sample[0]->value[0] == 2 &&
	    pr->sample[1]->value[0] == 0 && pr->sample[2]->value[0] == 2 &&
	    st.rounded == 2 && st.zeroed == 1 && st.stacks == 3,
	    "pprof/fractional counts rounded half up, and counted",
	    "rounded %llu zeroed %llu", (unsigned long long)st.rounded,
	    (unsigned long long)st.zeroed);
	if (pr != NULL) {
		tap_ok(strcmp(str(pr, pr->sample_type[0]->type), "samples") == 0 &&
		    strcmp(str(pr, pr->sample_type[0]->unit), "count") == 0,
		    "pprof/default sample type samples/count", NULL);
		perftools__profiles__profile__free_unpacked(pr, NULL);
	}
}

static void
test_errors(void)
{
	struct pf_profile *p = pf_profile_new();
	struct pf_export_stats st;
	struct pf_export_options o;
	struct pf_error err;
	size_t len;
	char *out;
	FILE *full;
	static const char big[] = "a 9223372036854775808\n";

	folded_from(p, big, sizeof(big) - 1, &err);
	out = export_mem(p, PF_EXPORT_PPROF, NULL, &len, &st, &err);
	tap_ok(out == NULL && strstr(err.msg, "9223372036854775808") != NULL &&
	    strstr(err.msg, "pprof") != NULL, "errors/a count past 2^63 - 1 in pprof",
	    "%s", err.msg);
	free(out);
	out = export_mem(p, PF_EXPORT_CPUPROFILE, NULL, &len, &st, &err);
	tap_ok(out == NULL && strstr(err.msg, "2^63") != NULL,
	    "errors/a .cpuprofile longer than 2^63 microseconds", "%s", err.msg);
	free(out);
	out = export_mem(p, PF_EXPORT_SPEEDSCOPE, NULL, &len, &st, &err);
	tap_ok(out != NULL && strstr(out, "\n9223372036854775808\n") != NULL,
	    "errors/speedscope holds it", NULL);
	free(out);
	out = export_mem(p, PF_EXPORT_COUNT, NULL, &len, &st, &err);
	tap_ok(out == NULL && strstr(err.msg, "unknown export format") != NULL,
	    "errors/unknown format", "%s", err.msg);
	free(out);
	pf_profile_free(p);
	p = pf_profile_new();
	folded_from(p, "a;b 1\n", 6, &err);
	memset(&o, 0, sizeof(o));
	if ((full = fopen("/dev/full", "w")) != NULL) {
		o.format = PF_EXPORT_D3;
		tap_ok(pf_export_write(p, &o, full, &st, &err) != 0 &&
		    strstr(err.msg, "write error") != NULL, "errors/write error (d3)",
		    "%s", err.msg);
		o.format = PF_EXPORT_PPROF;
		tap_ok(pf_export_write(p, &o, full, &st, &err) != 0 &&
		    strstr(err.msg, "write error") != NULL, "errors/write error (pprof)",
		    "%s", err.msg);
		fclose(full);
	}
	CHECK("names/lookup", pf_export_lookup("d3-flame-graph") == PF_EXPORT_D3 &&
	    pf_export_lookup("cpuprofile") == PF_EXPORT_CPUPROFILE &&
	    pf_export_lookup("svg") == -1 && strcmp(pf_export_name(PF_EXPORT_PPROF), "pprof") == 0 &&
	    pf_export_name(PF_EXPORT_COUNT) == NULL);
	pf_profile_free(p);
}

static const char *order_stacks[] = { "a;b", "a;b c", "a;b;d", "x", "a" };

/* Adds order_stacks[i] with count i + 1 to p, forwards or backwards. */
static void
add_stacks(struct pf_profile *p, int backwards)
{
	struct pf_error err;
	size_t i, k;

	for (k = 0; k < 5; k++) {
		uint32_t f[3];
		size_t n = 0;
		const char *s, *semi;

		i = backwards ? 4 - k : k;
		for (s = order_stacks[i]; (semi = strchr(s, ';')) != NULL; s = semi + 1)
			f[n++] = pf_profile_intern(p, s, (size_t)(semi - s));
		f[n++] = pf_profile_intern(p, s, strlen(s));
		pf_profile_add(p, f, n, pf_count_from_u64(i + 1), 0, &err);
	}
}

/* The same stacks added in two orders give the same bytes in every
 * format, and name order puts "a;b" and its callees before "a;b c". */
static void
test_order(void)
{
	struct pf_profile *p = pf_profile_new(), *q = pf_profile_new();
	struct pf_export_stats st;
	struct pf_error err;
	char *u, *v, name[64];
	size_t lu, lv;
	int fmt;

	add_stacks(p, 0);
	add_stacks(q, 1);
	for (fmt = 0; fmt < PF_EXPORT_COUNT; fmt++) {
		u = export_mem(p, fmt, NULL, &lu, &st, &err);
		v = export_mem(q, fmt, NULL, &lv, &st, &err);
		snprintf(name, sizeof(name), "order/%s: the same bytes", pf_export_name(fmt));
		tap_mem(name, u, u != NULL ? lu : 0, v != NULL ? v : "", v != NULL ? lv : 0);
		if (fmt == PF_EXPORT_D3 && u != NULL)
			tap_str("order/d3: children by name",
			    u, "{\"name\":\"all\",\"value\":15,\"children\":[\n"
			    "{\"name\":\"a\",\"value\":11,\"children\":[\n"
			    "{\"name\":\"b\",\"value\":4,\"children\":[\n"
			    "{\"name\":\"d\",\"value\":3}]},\n"
			    "{\"name\":\"b c\",\"value\":2}]},\n"
			    "{\"name\":\"x\",\"value\":4}]}\n");
		free(u);
		free(v);
	}
	pf_profile_free(p);
	pf_profile_free(q);
}

int
main(void)
{
	tap_group("json", test_json);
	tap_group("pprof", test_pprof);
	tap_group("errors", test_errors);
	tap_group("order", test_order);
	return tap_done();
}
