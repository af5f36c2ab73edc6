/*
 * filter.c - the filter chain of pf-merge: PCRE2 patterns on frame names,
 * renaming, address stripping, recursion collapsing, minimum counts and the
 * heaviest stacks.
 *
 * Patterns are matched once per distinct frame name, not once per stack or
 * per line: a profile has far fewer names than stacks, and the answer for a
 * name is the same in every stack it appears in.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>

#include "transform.h"

struct step {
	enum pf_filter_kind kind;
	pcre2_code *re;
	char *repl;		/* RENAME: the replacement */
	size_t repl_len;
	int global;		/* RENAME: the g flag */
	pf_count min;		/* MIN_COUNT */
	size_t top;		/* TOP */
};

struct pf_filter {
	struct step *steps;
	size_t n, cap;
};

struct pf_filter *
pf_filter_new(void)
{
	return calloc(1, sizeof(struct pf_filter));
}

void
pf_filter_free(struct pf_filter *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		pcre2_code_free(f->steps[i].re);
		free(f->steps[i].repl);
	}
	free(f->steps);
	free(f);
}

size_t
pf_filter_count(const struct pf_filter *f)
{
	return f->n;
}

int
pf_filter_is_per_stack(const struct pf_filter *f, size_t i)
{
	return f->steps[i].kind != PF_FILTER_MIN_COUNT && f->steps[i].kind != PF_FILTER_TOP;
}

static int
compile(struct step *s, const char *pat, size_t len, uint32_t flags,
    const char *shown, struct pf_error *err)
{
	int code;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];

	s->re = pcre2_compile((PCRE2_SPTR)pat, len, flags, &code, &off, NULL);
	if (s->re == NULL) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		return pf_errc(err, PF_ERR_USAGE, NULL, 0, (uint64_t)off + 1,
		    "invalid pattern '%s': %s at offset %zu",
		    shown, (const char *)msg, (size_t)off);
	}
	/* Without JIT support (some platforms, some SELinux policies) the
	 * interpreter gives the same answers, only slower. */
	(void)pcre2_jit_compile(s->re, PCRE2_JIT_COMPLETE);
	return 0;
}

/*
 * Splits "s/RE/REPL/FLAGS" (any delimiter after the s) into its parts.  A
 * backslash before the delimiter makes it literal; other backslashes are
 * left for PCRE2.
 */
static int
parse_subst(struct step *s, const char *arg, struct pf_error *err)
{
	char *parts[2] = { NULL, NULL }, d;
	size_t plen[2] = { 0, 0 }, len = strlen(arg), i, k;
	const char *p;
	uint32_t flags = 0;
	int rc = -1;

	if (len < 4 || arg[0] != 's' || arg[1] == '\\' || arg[1] == '\0') {
		pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "invalid --rename '%s': expected s/PATTERN/REPLACEMENT/[gi]", arg);
		return -1;
	}
	d = arg[1];
	p = arg + 2;
	for (k = 0; k < 2; k++) {
		if ((parts[k] = malloc(len + 1)) == NULL) {
			pf_nomem(err, NULL, 0);
			goto out;
		}
		for (i = 0; *p != '\0' && *p != d; p++) {
			if (*p == '\\' && p[1] == d)
				p++;
			else if (*p == '\\' && p[1] != '\0')
				parts[k][i++] = *p++;
			parts[k][i++] = *p;
		}
		parts[k][i] = '\0';
		plen[k] = i;
		if (*p != d) {
			pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "invalid --rename '%s': expected s/PATTERN/REPLACEMENT/[gi]", arg);
			goto out;
		}
		p++;
	}
	for (; *p != '\0'; p++) {
		if (*p == 'g')
			s->global = 1;
		else if (*p == 'i')
			flags |= PCRE2_CASELESS;
		else {
			pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "invalid --rename '%s': unknown flag '%c' "
			    "(expected g or i)", arg, *p);
			goto out;
		}
	}
	if (compile(s, parts[0], plen[0], flags, parts[0], err) != 0)
		goto out;
	s->repl = parts[1];
	s->repl_len = plen[1];
	parts[1] = NULL;
	rc = 0;
out:
	free(parts[0]);
	free(parts[1]);
	return rc;
}

static int
parse_number(const char *arg, const char *opt, pf_count *c, struct pf_error *err)
{
	int k = pf_count_parse(arg, strlen(arg), c);

	if (k == PF_COUNT_OVERFLOW)
		return pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "invalid %s '%s': more than 2^64", opt, arg);
	if (k != PF_COUNT_OK)
		return pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "invalid %s '%s': expected a non-negative "
		    "number", opt, arg);
	return 0;
}

int
pf_filter_add(struct pf_filter *f, enum pf_filter_kind kind, const char *arg,
    struct pf_error *err)
{
	struct step s;
	pf_count c;

	memset(&s, 0, sizeof(s));
	s.kind = kind;
	switch (kind) {
	case PF_FILTER_INCLUDE:
	case PF_FILTER_EXCLUDE:
	case PF_FILTER_FOCUS:
	case PF_FILTER_PRUNE:
		if (compile(&s, arg, strlen(arg), 0, arg, err) != 0)
			return -1;
		break;
	case PF_FILTER_RENAME:
		if (parse_subst(&s, arg, err) != 0)
			return -1;
		break;
	case PF_FILTER_MIN_COUNT:
		if (parse_number(arg, "--min-count", &s.min, err) != 0)
			return -1;
		break;
	case PF_FILTER_TOP:
		if (parse_number(arg, "--top", &c, err) != 0)
			return -1;
		if (c % PF_COUNT_ONE != 0 || c / PF_COUNT_ONE > SIZE_MAX / 2)
			return pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "invalid --top '%s': expected a "
			    "whole number", arg);
		s.top = (size_t)(c / PF_COUNT_ONE);
		break;
	case PF_FILTER_STRIP_ADDRS:
	case PF_FILTER_COLLAPSE_RECURSION:
		break;
	}
	if (pf_grow(&f->steps, &f->cap, f->n + 1, sizeof(*f->steps)) != 0) {
		pcre2_code_free(s.re);
		free(s.repl);
		return pf_nomem(err, NULL, 0);
	}
	f->steps[f->n++] = s;
	return 0;
}

/* ------------------------------------------------------------ renaming */

/* Appends s[0..n-1] to the growing buffer *b. */
static int
append(char **b, size_t *cap, size_t *used, const char *s, size_t n)
{
	if (pf_grow(b, cap, *used + n + 1, 1) != 0)
		return -1;
	memcpy(*b + *used, s, n);
	*used += n;
	return 0;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "0x" and one or more hex digits become "0x..."; the rest is copied. */
static int
strip_hex(const char *s, size_t n, char **b, size_t *cap, size_t *used)
{
	size_t i = 0, j;

	*used = 0;
	while (i < n) {
		if (s[i] == '0' && i + 2 < n && s[i + 1] == 'x' && is_hex(s[i + 2])) {
			for (j = i + 2; j < n && is_hex(s[j]); j++)
				;
			if (append(b, cap, used, "0x...", 5) != 0)
				return -1;
			i = j;
			continue;
		}
		if (append(b, cap, used, s + i, 1) != 0)
			return -1;
		i++;
	}
	return 0;
}

static int
substitute(const struct step *s, pcre2_match_data *md, const char *name,
    size_t n, char **b, size_t *cap, size_t *used, struct pf_error *err)
{
	uint32_t opts = PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
	    (s->global ? PCRE2_SUBSTITUTE_GLOBAL : 0);
	PCRE2_SIZE outlen;
	int rc;

	for (;;) {
		if (*cap < 64 && pf_grow(b, cap, 64, 1) != 0)
			return pf_nomem(err, NULL, 0);
		outlen = *cap;
		rc = pcre2_substitute(s->re, (PCRE2_SPTR)name, n, 0, opts, md, NULL,
		    (PCRE2_SPTR)s->repl, s->repl_len, (PCRE2_UCHAR *)*b, &outlen);
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
		if (pf_grow(b, cap, outlen + 1, 1) != 0)
			return pf_nomem(err, NULL, 0);
	}
	if (rc < 0) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(rc, msg, sizeof(msg));
		return pf_err(err, NULL, 0, "--rename on frame '%.*s': %s",
		    (int)(n > 200 ? 200 : n), name, (const char *)msg);
	}
	*used = outlen;
	return 0;
}

/* Frame ids of p mapped to renamed frames interned in q. */
static int
rename_frames(const struct pf_profile *p, struct pf_profile *q,
    const struct step *s, uint32_t *map, struct pf_error *err)
{
	pcre2_match_data *md = NULL;
	char *b = NULL;
	size_t cap = 0, used = 0, i, len;
	int rc = -1;

	if (s->re != NULL && (md = pcre2_match_data_create_from_pattern(s->re, NULL)) == NULL)
		goto nomem;
	if (pf_grow(&b, &cap, 64, 1) != 0)
		goto nomem;
	for (i = 0; i < pf_profile_nframes(p); i++) {
		const char *name = pf_profile_frame(p, (uint32_t)i, &len);

		if (len == 0) {
			used = 0;	/* for the same reason, never renamed */
		} else if (s->kind == PF_FILTER_STRIP_ADDRS) {
			if (strip_hex(name, len, &b, &cap, &used) != 0)
				goto nomem;
		} else if (substitute(s, md, name, len, &b, &cap, &used, err) != 0)
			goto out;
		if (len > 0 && used == 0) {
			pf_err(err, NULL, 0, "--rename made frame '%.*s' empty",
			    (int)(len > 200 ? 200 : len), name);
			goto out;
		}
		if (memchr(b, ';', used) != NULL || memchr(b, '\n', used) != NULL) {
			pf_err(err, NULL, 0, "--rename made frame '%.*s' contain ';' or a "
			    "newline", (int)(len > 200 ? 200 : len), name);
			goto out;
		}
		if ((map[i] = pf_profile_intern(q, b, used)) == UINT32_MAX)
			goto nomem;
	}
	rc = 0;
	goto out;
nomem:
	pf_nomem(err, NULL, 0);
out:
	pcre2_match_data_free(md);
	free(b);
	return rc;
}

/* --------------------------------------------------------------- steps */

/* match[id] = whether frame id of p matches the step's pattern. */
static int
match_frames(const struct pf_profile *p, const struct step *s,
    unsigned char *match, struct pf_error *err)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(s->re, NULL);
	size_t i, len;

	if (md == NULL)
		return pf_nomem(err, NULL, 0);
	for (i = 0; i < pf_profile_nframes(p); i++) {
		const char *name = pf_profile_frame(p, (uint32_t)i, &len);
		int rc;

		/* An empty name is no function: it never matches, so that a
		 * focus or prune never leaves a stack of one empty frame,
		 * which has no folded form (" 1" is an empty stack). */
		if (len == 0) {
			match[i] = 0;
			continue;
		}
		rc = pcre2_match(s->re, (PCRE2_SPTR)name, len, 0, 0, md, NULL);

		if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(rc, msg, sizeof(msg));
			pcre2_match_data_free(md);
			return pf_err(err, NULL, 0, "matching frame '%.*s': %s",
			    (int)(len > 200 ? 200 : len), name, (const char *)msg);
		}
		match[i] = rc >= 0;
	}
	pcre2_match_data_free(md);
	return 0;
}

/* Stack weight for MIN_COUNT and TOP: the larger column. */
static pf_count
weight(pf_count a, pf_count b)
{
	return a > b ? a : b;
}

static int
frame_empty(const struct pf_profile *p, uint32_t id)
{
	size_t len;

	pf_profile_frame(p, id, &len);
	return len == 0;
}

static int
apply_step(const struct step *s, struct pf_profile **pp, struct pf_error *err)
{
	const struct pf_profile *p = *pp;
	struct pf_profile *q = pf_profile_new();
	size_t nf = pf_profile_nframes(p), i, j, n, from, to, k, cap = 0;
	unsigned char *match = NULL;
	uint32_t *map = NULL, *ids = NULL;
	pf_count a, b;
	int renames = s->kind == PF_FILTER_RENAME || s->kind == PF_FILTER_STRIP_ADDRS;

	if (q == NULL || (map = malloc((nf + 1) * sizeof(*map))) == NULL ||
	    (match = calloc(nf + 1, 1)) == NULL)
		goto nomem;
	pf_profile_set_columns(q, pf_profile_columns(p));
	memset(map, 0xff, (nf + 1) * sizeof(*map));
	if (renames && rename_frames(p, q, s, map, err) != 0)
		goto fail;
	if (s->re != NULL && !renames && match_frames(p, s, match, err) != 0)
		goto fail;
	for (i = 0; i < pf_profile_nstacks(p); i++) {
		const uint32_t *f = pf_profile_stack(p, i, &n, &a, &b);

		from = 0;
		to = n;
		switch (s->kind) {
		case PF_FILTER_INCLUDE:
		case PF_FILTER_EXCLUDE:
			for (j = 0; j < n && !match[f[j]]; j++)
				;
			if ((j < n) != (s->kind == PF_FILTER_INCLUDE))
				continue;
			break;
		case PF_FILTER_FOCUS:
			for (j = 0; j < n && !match[f[j]]; j++)
				;
			if (j == n)
				continue;
			from = j;
			break;
		case PF_FILTER_PRUNE:
			for (j = 0; j < n && !match[f[j]]; j++)
				;
			if (j < n)
				to = j + 1;
			break;
		case PF_FILTER_MIN_COUNT:
			if (weight(a, b) < s->min)
				continue;
			break;
		default:
			break;
		}
		if (pf_grow(&ids, &cap, n + 1, sizeof(*ids)) != 0)
			goto nomem;
		for (k = 0, j = from; j < to; j++) {
			if (map[f[j]] == UINT32_MAX) {
				size_t len;
				const char *name = pf_profile_frame(p, f[j], &len);

				if ((map[f[j]] = pf_profile_intern(q, name, len)) == UINT32_MAX)
					goto nomem;
			}
			/* Empty names are no function, so no recursion: "a;;"
			 * stays, and never becomes a stack of one empty frame,
			 * which has no folded form. */
			if (s->kind == PF_FILTER_COLLAPSE_RECURSION && k > 0 &&
			    ids[k - 1] == map[f[j]] && !frame_empty(q, ids[k - 1]))
				continue;
			ids[k++] = map[f[j]];
		}
		if (pf_profile_add(q, ids, k, a, b, err) != 0)
			goto fail;
	}
	free(ids);
	free(map);
	free(match);
	return pf_replace(pp, q);
nomem:
	pf_nomem(err, NULL, 0);
fail:
	free(ids);
	free(map);
	free(match);
	pf_profile_free(q);
	return -1;
}

/* For sorting stack indices by weight, heaviest first, then by their text. */
struct ranked {
	pf_count w;
	size_t rank;		/* position in byte-wise order */
	size_t index;
};

static int
cmp_ranked(const void *x, const void *y)
{
	const struct ranked *u = x, *v = y;

	if (u->w != v->w)
		return u->w > v->w ? -1 : 1;
	return (u->rank > v->rank) - (u->rank < v->rank);
}

/* Keeps the s->top heaviest stacks; the rest are summed into "[other]". */
static int
apply_top(const struct step *s, struct pf_profile **pp, struct pf_error *err)
{
	const struct pf_profile *p = *pp;
	size_t ns = pf_profile_nstacks(p), i, n, *order = NULL;
	struct ranked *r = NULL;
	struct pf_profile *q = NULL;
	struct pf_idmap m = { NULL, NULL, NULL, NULL, 0 };
	uint32_t other;
	pf_count a, b, oa = 0, ob = 0;

	if (ns <= s->top)
		return 0;
	if ((order = pf_profile_sorted(p)) == NULL ||
	    (r = malloc(ns * sizeof(*r))) == NULL || (q = pf_profile_new()) == NULL ||
	    pf_idmap_init(&m, p, q) != 0)
		goto nomem;
	pf_profile_set_columns(q, pf_profile_columns(p));
	for (i = 0; i < ns; i++) {
		pf_profile_stack(p, order[i], &n, &a, &b);
		r[i].w = weight(a, b);
		r[i].rank = i;
		r[i].index = order[i];
	}
	qsort(r, ns, sizeof(*r), cmp_ranked);
	for (i = 0; i < ns; i++) {
		const uint32_t *f = pf_profile_stack(p, r[i].index, &n, &a, &b);

		if (i >= s->top) {
			if (pf_count_add(oa, a, &oa) != 0 || pf_count_add(ob, b, &ob) != 0) {
				pf_err(err, NULL, 0, "count overflow: [other] exceeds 2^64");
				goto fail;
			}
			continue;
		}
		if (pf_idmap_add(&m, UINT32_MAX, f, n, a, b, err) != 0)
			goto fail;
	}
	if ((other = pf_profile_intern(q, "[other]", 7)) == UINT32_MAX)
		goto nomem;
	if (pf_profile_add(q, &other, 1, oa, ob, err) != 0)
		goto fail;
	free(order);
	free(r);
	pf_idmap_release(&m);
	return pf_replace(pp, q);
nomem:
	pf_nomem(err, NULL, 0);
fail:
	free(order);
	free(r);
	pf_idmap_release(&m);
	pf_profile_free(q);
	return -1;
}

int
pf_filter_apply_range(const struct pf_filter *f, size_t from, size_t to,
    struct pf_profile **pp, struct pf_error *err)
{
	size_t i;

	for (i = from; i < to && i < f->n; i++) {
		int rc = f->steps[i].kind == PF_FILTER_TOP ?
		    apply_top(&f->steps[i], pp, err) : apply_step(&f->steps[i], pp, err);

		if (rc != 0)
			return -1;
	}
	return 0;
}

int
pf_filter_apply(const struct pf_filter *f, struct pf_profile **pp,
    struct pf_error *err)
{
	return pf_filter_apply_range(f, 0, f->n, pp, err);
}

int
pf_transform_strip_hex(struct pf_profile **pp, struct pf_error *err)
{
	struct step s;

	memset(&s, 0, sizeof(s));
	s.kind = PF_FILTER_STRIP_ADDRS;
	return apply_step(&s, pp, err);
}
