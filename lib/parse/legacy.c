/*
 * legacy.c - the stacks of legacy pprof profiles, kept as addresses until
 * the memory map at the end of the input names them (see legacy.h).
 *
 * The stacks are kept in a pf_profile of their own whose frames are keys:
 * "@HEX" for an address to symbolize, "=NAME" for a frame the input names
 * (Go's "#" lines, the names of a thread dump).  Its second column counts
 * the records of each stack, which pprof's clean-up of CPU stacks needs.
 * Symbolizing goes through each distinct key once.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>

#include "parse/format.h"
#include "parse/legacy.h"
#include "parse/perfdata.h"

struct mapping {
	uint64_t start, end, offset;
	struct pf_dso *dso;
};

struct jsym {
	uint64_t id;
	const char *name;
	size_t len;
};

struct pf_lp {
	struct pf_profile *keys;	/* stacks of keys, root first */
	uint32_t *stk;			/* the stack begun, leaf first */
	size_t nstk, stk_cap;
	char *buf;
	size_t buf_cap;
	uint64_t records;
	struct mapping *maps;
	size_t nmaps, maps_cap;
	struct pf_dso **dsos;
	size_t ndsos, dsos_cap;
	struct jsym *jsyms;
	size_t njsyms, jsyms_cap;
	struct pf_arena arena;		/* file names, Java names */
	/* Address to key id: an open-addressing table (id UINT32_MAX:
	 * empty), so that a frame costs a probe, not a formatted key. */
	uint64_t *akey;
	uint32_t *aval;
	size_t amask, acount;
};

static int offline;

void
pf_lp_offline(int on)
{
	offline = on;
}

struct pf_lp *
pf_lp_new(void)
{
	struct pf_lp *lp = calloc(1, sizeof(*lp));

	if (lp == NULL)
		return NULL;
	if ((lp->keys = pf_profile_new()) == NULL) {
		free(lp);
		return NULL;
	}
	pf_profile_set_columns(lp->keys, 2);
	pf_arena_init(&lp->arena);
	return lp;
}

void
pf_lp_free(struct pf_lp *lp)
{
	size_t i;

	if (lp == NULL)
		return;
	for (i = 0; i < lp->ndsos; i++) {
		pf_symtab_release(&lp->dsos[i]->syms);
		free(lp->dsos[i]);
	}
	free(lp->dsos);
	free(lp->maps);
	free(lp->jsyms);
	free(lp->stk);
	free(lp->buf);
	free(lp->akey);
	free(lp->aval);
	pf_profile_free(lp->keys);
	pf_arena_release(&lp->arena);
	free(lp);
}

uint64_t
pf_lp_records(const struct pf_lp *lp)
{
	return lp->records;
}

/* A hex number at s[*i..] (16 digits at most): its value, *i past it; 0
 * when there is none. */
static int
hexnum(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t k = *i;
	uint64_t x = 0;

	for (; k < n && isxdigit((unsigned char)s[k]) && k - *i < 16; k++) {
		int c = (unsigned char)s[k];

		x = x << 4 | (uint64_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	if (k == *i || (k < n && isxdigit((unsigned char)s[k])))
		return 0;
	*i = k;
	*v = x;
	return 1;
}

int
pf_lp_hex(const char *s, size_t n, uint64_t *v)
{
	size_t i = 2;

	return n >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    hexnum(s, n, &i, v) && i == n;
}

static int
push_key(struct pf_lp *lp, const char *key, size_t n)
{
	uint32_t id = pf_profile_intern(lp->keys, key, n);

	if (id == UINT32_MAX ||
	    pf_grow(&lp->stk, &lp->stk_cap, lp->nstk + 1, sizeof(*lp->stk)) != 0)
		return -1;
	lp->stk[lp->nstk++] = id;
	return 0;
}

static size_t
addr_slot(const struct pf_lp *lp, uint64_t addr)
{
	size_t i = (size_t)((addr * 0x9e3779b97f4a7c15u) >> 20) & lp->amask;

	while (lp->aval[i] != UINT32_MAX && lp->akey[i] != addr)
		i = (i + 1) & lp->amask;
	return i;
}

static int
addr_grow(struct pf_lp *lp)
{
	size_t cap = lp->amask ? (lp->amask + 1) * 2 : 1024, i, j;
	uint64_t *ok = lp->akey;
	uint32_t *ov = lp->aval;
	size_t ocap = lp->amask ? lp->amask + 1 : 0;

	lp->akey = malloc(cap * sizeof(*lp->akey));
	lp->aval = malloc(cap * sizeof(*lp->aval));
	if (lp->akey == NULL || lp->aval == NULL) {
		free(lp->akey);
		free(lp->aval);
		lp->akey = ok;
		lp->aval = ov;
		return -1;
	}
	for (i = 0; i < cap; i++)
		lp->aval[i] = UINT32_MAX;
	lp->amask = cap - 1;
	for (i = 0; i < ocap; i++)
		if (ov[i] != UINT32_MAX) {
			j = addr_slot(lp, ok[i]);
			lp->akey[j] = ok[i];
			lp->aval[j] = ov[i];
		}
	free(ok);
	free(ov);
	return 0;
}

int
pf_lp_addr(struct pf_lp *lp, uint64_t addr)
{
	char key[24];
	size_t i;
	int n;

	if ((lp->acount + 1) * 2 > lp->amask + 1 && addr_grow(lp) != 0)
		return -1;
	i = addr_slot(lp, addr);
	if (lp->aval[i] == UINT32_MAX) {
		uint32_t id;

		n = snprintf(key, sizeof(key), "@%" PRIx64, addr);
		if ((id = pf_profile_intern(lp->keys, key, (size_t)n)) == UINT32_MAX)
			return -1;
		lp->akey[i] = addr;
		lp->aval[i] = id;
		lp->acount++;
	}
	if (pf_grow(&lp->stk, &lp->stk_cap, lp->nstk + 1, sizeof(*lp->stk)) != 0)
		return -1;
	lp->stk[lp->nstk++] = lp->aval[i];
	return 0;
}

int
pf_lp_name(struct pf_lp *lp, const char *s, size_t n)
{
	size_t i;

	if (pf_grow(&lp->buf, &lp->buf_cap, n + 2, 1) != 0)
		return -1;
	lp->buf[0] = '=';
	for (i = 0; i < n; i++)
		lp->buf[i + 1] = s[i] == ';' ? ':' : s[i] == '\n' ? ' ' : s[i];
	return push_key(lp, lp->buf, n + 1);
}

void
pf_lp_discard(struct pf_lp *lp)
{
	lp->nstk = 0;
}

int
pf_lp_end(struct pf_lp *lp, pf_count value, struct pf_error *err)
{
	size_t n = lp->nstk;
	int rc;

	lp->nstk = 0;
	if (n == 0)
		return 0;
	pf_stack_reverse(lp->stk, n);
	lp->records++;
	rc = pf_profile_add(lp->keys, lp->stk, n, value, PF_COUNT_ONE, err);
	return rc;
}

/* ------------------------------------------------------------ memory map */

static size_t
skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return i;
}

static struct pf_dso *
dso_of(struct pf_lp *lp, const char *path, size_t n)
{
	struct pf_dso *d;
	size_t i;

	for (i = lp->ndsos; i-- > 0;)
		if (strlen(lp->dsos[i]->path) == n && memcmp(lp->dsos[i]->path, path, n) == 0)
			return lp->dsos[i];
	if (pf_grow(&lp->dsos, &lp->dsos_cap, lp->ndsos + 1, sizeof(*lp->dsos)) != 0 ||
	    (d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if ((d->path = pf_arena_strdup(&lp->arena, path, n)) == NULL) {
		free(d);
		return NULL;
	}
	d->name = d->path;
	d->kind = PF_DSO_USER;
	pf_symtab_init(&d->syms);
	/* Pseudo files ("[vdso]", "[heap]") have no symbols to read here. */
	if (n == 0 || path[0] != '/')
		d->loaded = 1;
	d->id = (uint32_t)lp->ndsos;
	lp->dsos[lp->ndsos++] = d;
	return d;
}

int
pf_lp_map_line(struct pf_lp *lp, const char *s, size_t n)
{
	uint64_t start, end, offset = 0, dummy;
	size_t i = skip_blanks(s, n, 0), p0, p1;
	int exec = 1;
	struct mapping *m;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	if (!hexnum(s, n, &i, &start) || i >= n || s[i] != '-')
		return 0;
	i++;
	if (!hexnum(s, n, &i, &end) || end < start)
		return 0;
	if (i < n && s[i] == ':') {
		/* "START-END: FILE", pprof's brief form, maybe "... @OFFSET". */
		const char *at;

		p0 = skip_blanks(s, n, i + 1);
		p1 = p0;
		while (p1 < n && s[p1] != ' ' && s[p1] != '\t')
			p1++;
		if (p1 == p0)
			return 0;
		at = memchr(s + p1, '@', n - p1);
		if (at != NULL) {
			size_t k = (size_t)(at - s) + 1;

			if (!hexnum(s, n, &k, &offset))
				offset = 0;
		}
	} else {
		/* /proc/self/maps: START-END PERMS OFFSET DEV INODE [FILE]. */
		i = skip_blanks(s, n, i);
		p0 = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		if (i - p0 < 3 || strspn(s + p0, "-rwxps") < i - p0)
			return 0;
		exec = memchr(s + p0, 'x', i - p0) != NULL;
		i = skip_blanks(s, n, i);
		if (!hexnum(s, n, &i, &offset))
			return 0;
		i = skip_blanks(s, n, i);
		if (!hexnum(s, n, &i, &dummy) || i >= n || s[i] != ':')
			return 0;
		i++;
		if (!hexnum(s, n, &i, &dummy))
			return 0;
		i = skip_blanks(s, n, i);
		p0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == p0)
			return 0;
		p0 = skip_blanks(s, n, i);
		p1 = n;
	}
	if (!exec || p1 == p0 || start == end)
		return 1;
	if (pf_grow(&lp->maps, &lp->maps_cap, lp->nmaps + 1, sizeof(*lp->maps)) != 0)
		return -1;
	m = &lp->maps[lp->nmaps];
	m->start = start;
	m->end = end;
	m->offset = offset;
	if ((m->dso = dso_of(lp, s + p0, p1 - p0)) == NULL)
		return -1;
	lp->nmaps++;
	return 1;
}

int
pf_lp_java_symbol(struct pf_lp *lp, const char *s, size_t n)
{
	size_t i = skip_blanks(s, n, 0), k;
	uint64_t id;
	char *name;

	k = i;
	while (k < n && s[k] != ' ' && s[k] != '\t')
		k++;
	if (!pf_lp_hex(s + i, k - i, &id))
		return 0;
	i = skip_blanks(s, n, k);
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	if (i == n)
		return 0;
	/* "NAME (FILE:LINE)": the function is the frame. */
	if (s[n - 1] == ')') {
		for (k = n; k > i + 1; k--)
			if (s[k - 1] == '(' && s[k - 2] == ' ') {
				n = k - 2;
				break;
			}
	}
	if (pf_grow(&lp->jsyms, &lp->jsyms_cap, lp->njsyms + 1, sizeof(*lp->jsyms)) != 0 ||
	    (name = pf_arena_strdup(&lp->arena, s + i, n - i)) == NULL)
		return -1;
	lp->jsyms[lp->njsyms++] = (struct jsym){ id, name, n - i };
	return 1;
}

/* ------------------------------------------------------------- finishing */

static int
by_start(const void *a, const void *b)
{
	const struct mapping *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int
by_id(const void *a, const void *b)
{
	const struct jsym *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The mapping that holds addr, or NULL.  Sorted by start; overlaps are
 * not expected, the last one starting at or below addr is asked first. */
static const struct mapping *
map_find(const struct pf_lp *lp, uint64_t addr)
{
	size_t lo = 0, hi = lp->nmaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lp->maps[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0)
		if (addr < lp->maps[lo].end)
			return &lp->maps[lo];
		else if (lp->nmaps - lo > 4)
			break;
	return NULL;
}

/* The address of key k, or 0 for a name. */
static uint64_t
key_addr(const struct pf_lp *lp, uint32_t k, int *is_addr)
{
	size_t klen, i;
	const char *key = pf_profile_frame(lp->keys, k, &klen);
	uint64_t a = 0;

	*is_addr = key[0] == '@';
	i = 1;
	if (!*is_addr || !hexnum(key, klen, &i, &a))
		return 0;
	return a;
}

/* The frame of the profile's own id for key k of lp->keys. */
static uint32_t
frame_of(struct pf_lp *lp, struct pf_profile *p, uint32_t k, unsigned flags)
{
	static const struct pf_perf_options plain, addrs = { .include_addrs = 1 };
	const char *key, *dname;
	size_t klen, dlen;
	uint64_t addr, off;
	const struct mapping *m;
	const struct pf_sym *sym = NULL;
	char hex[24];
	long len;
	int is_addr;

	key = pf_profile_frame(lp->keys, k, &klen);
	if (key[0] == '=')
		return pf_profile_intern(p, key + 1, klen - 1);
	addr = key_addr(lp, k, &is_addr);
	if (flags & PF_LP_JAVA) {
		struct jsym want = { addr, NULL, 0 }, *j;

		j = lp->njsyms > 0 ? bsearch(&want, lp->jsyms, lp->njsyms, sizeof(*j), by_id) :
		    NULL;
		if (j != NULL)
			return pf_profile_intern(p, j->name, j->len);
		len = snprintf(hex, sizeof(hex), "0x%" PRIx64, addr);
		return pf_profile_intern(p, hex, (size_t)len);
	}
	m = map_find(lp, addr);
	off = addr;
	if (m != NULL) {
		struct pf_symsrc src;

		off = addr - m->start + m->offset;
		if (!m->dso->loaded) {
			memset(&src, 0, sizeof(src));
			src.offline = offline;
			pf_dso_load_user(m->dso, &src);
		}
		sym = pf_symtab_find(&m->dso->syms, off);
	}
	dname = m != NULL ? m->dso->path : NULL;
	dlen = dname != NULL ? strlen(dname) : 0;
	/* "[vdso]" names itself without the brackets doubled. */
	if (dlen > 2 && dname[0] == '[' && dname[dlen - 1] == ']') {
		dname++;
		dlen -= 2;
	}
	len = snprintf(hex, sizeof(hex), "0x%" PRIx64, off);
	if (sym != NULL && sym->len > 0 && memchr(sym->name, '\n', sym->len) == NULL)
		len = pf_perf_frame_name(&lp->buf, &lp->buf_cap, sym->name, sym->len,
		    dname, dlen, NULL, 0, 0, 0, &plain);
	else
		len = pf_perf_frame_name(&lp->buf, &lp->buf_cap, "", 0, dname, dlen,
		    hex, (size_t)len, 0, 0, &addrs);
	if (len < 0)
		return UINT32_MAX;
	for (long i = 0; i < len; i++)
		if (lp->buf[i] == ';')
			lp->buf[i] = ':';
	return pf_profile_intern(p, lp->buf, (size_t)len);
}

/*
 * pprof's reading of gperftools' CPU stacks: a second frame (counting from
 * the leaf) that all records but one in 32 share is the profiler's signal
 * handler, taken out (twice over at most); and a second frame that is the
 * leaf's address less one repeats the leaf, taken out.  strip[] gets the
 * keys to take out of the second place.
 */
static int
cpu_cleanup(struct pf_lp *lp, uint32_t strip[2], struct pf_error *err, const char *name)
{
	size_t nkeys = pf_profile_nframes(lp->keys), ns = pf_profile_nstacks(lp->keys);
	uint64_t *hits, margin = lp->records / 32;
	size_t i, n;
	int iter;

	strip[0] = strip[1] = UINT32_MAX;
	if ((hits = calloc(nkeys > 0 ? nkeys : 1, sizeof(*hits))) == NULL)
		return pf_nomem(err, name, 0);
	for (iter = 0; iter < 2; iter++) {
		memset(hits, 0, nkeys * sizeof(*hits));
		for (i = 0; i < ns; i++) {
			pf_count recs;
			const uint32_t *f = pf_profile_stack(lp->keys, i, &n, NULL, &recs);
			size_t k = n;

			/* The second place once the strips so far are done. */
			if (k >= 2 && f[k - 2] == strip[0] && iter > 0)
				k--;
			if (k < 2)
				continue;
			hits[f[k - 2]] += (uint64_t)(recs / PF_COUNT_ONE);
		}
		for (i = 0; i < nkeys; i++)
			if (hits[i] > 0 && hits[i] >= lp->records - margin) {
				strip[iter] = (uint32_t)i;
				break;
			}
		if (strip[iter] == UINT32_MAX)
			break;
	}
	free(hits);
	return 0;
}

int
pf_lp_choose_type(const char *want, const char *const (*types)[2], size_t n,
    size_t dflt, const char *name, struct pf_error *err)
{
	char list[256];
	size_t i, used = 0, wl;
	char *end;
	unsigned long k;

	if (want == NULL)
		return (int)dflt;
	if (*want >= '0' && *want <= '9') {
		k = strtoul(want, &end, 10);
		if (*end != '\0' || k >= n)
			return pf_err(err, name, 0, "no sample type %s: the "
			    "profile has %zu (0 to %zu)", want, n, n - 1);
		return (int)k;
	}
	wl = strlen(want);
	for (i = 0; i < n; i++) {
		size_t tl = strlen(types[i][0]);

		if (strcmp(want, types[i][0]) == 0 || (wl > tl && want[tl] == '/' &&
		    memcmp(want, types[i][0], tl) == 0 && strcmp(want + tl + 1, types[i][1]) == 0))
			return (int)i;
	}
	list[0] = '\0';
	for (i = 0; i < n && used < sizeof(list) - 1; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s/%s",
		    i ? ", " : "", types[i][0], types[i][1]);
	return pf_err(err, name, 0, "no sample type '%s'; the profile "
	    "has %s", want, list);
}

int
pf_lp_finish(struct pf_lp *lp, struct pf_profile *p, unsigned flags,
    const char *name, struct pf_error *err)
{
	size_t nkeys = pf_profile_nframes(lp->keys), ns = pf_profile_nstacks(lp->keys);
	uint32_t *ids = NULL, *frames = NULL, strip[2] = { UINT32_MAX, UINT32_MAX };
	size_t i, j, n, cap = 0;
	int rc = -1;

	if (lp->nmaps > 1)
		qsort(lp->maps, lp->nmaps, sizeof(*lp->maps), by_start);
	if (lp->njsyms > 1)
		qsort(lp->jsyms, lp->njsyms, sizeof(*lp->jsyms), by_id);
	if ((flags & PF_LP_CPU_CLEANUP) && cpu_cleanup(lp, strip, err, name) != 0)
		return -1;
	if ((ids = malloc((nkeys > 0 ? nkeys : 1) * sizeof(*ids))) == NULL) {
		pf_nomem(err, name, 0);
		goto out;
	}
	for (i = 0; i < nkeys; i++)
		ids[i] = UINT32_MAX;
	for (i = 0; i < ns; i++) {
		pf_count a;
		const uint32_t *f = pf_profile_stack(lp->keys, i, &n, &a, NULL);
		size_t m = 0;

		if (pf_grow(&frames, &cap, n > 0 ? n : 1, sizeof(*frames)) != 0) {
			pf_nomem(err, name, 0);
			goto out;
		}
		for (j = 0; j < n; j++)
			frames[m++] = f[j];
		/* frames[] is root first: the leaf is frames[m - 1]. */
		if (flags & PF_LP_CPU_CLEANUP) {
			int k;

			for (k = 0; k < 2; k++)
				if (m >= 2 && strip[k] != UINT32_MAX && frames[m - 2] == strip[k]) {
					frames[m - 2] = frames[m - 1];
					m--;
				}
			if (m >= 2) {
				int a0, a1;
				uint64_t leaf = key_addr(lp, frames[m - 1], &a0);
				uint64_t second = key_addr(lp, frames[m - 2], &a1);

				if (a0 && a1 && leaf == second + 1) {
					frames[m - 2] = frames[m - 1];
					m--;
				}
			}
		}
		for (j = 0; j < m; j++) {
			uint32_t k = frames[j];

			if (ids[k] == UINT32_MAX &&
			    (ids[k] = frame_of(lp, p, k, flags)) == UINT32_MAX) {
				pf_nomem(err, name, 0);
				goto out;
			}
			frames[j] = ids[k];
		}
		if (pf_profile_add(p, frames, m, a, 0, err) != 0) {
			pf_err_name(err, name);
			goto out;
		}
	}
	rc = 0;
out:
	free(ids);
	free(frames);
	return rc;
}
