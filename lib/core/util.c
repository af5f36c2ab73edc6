/*
 * util.c - errors, the arena, hashing and the string map shared by the
 * whole library.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

void
pf_err_name(struct pf_error *err, const char *name)
{
	if (err == NULL)
		return;
	if (name == NULL)
		name = "";
	if (strcmp(name, "-") == 0)
		name = "<stdin>";
	snprintf(err->name, sizeof(err->name), "%s", name);
}

static int
verr(struct pf_error *err, enum pf_error_code code, const char *name, uint64_t line,
    uint64_t column, const char *fmt, va_list ap)
{
	if (err == NULL)
		return -1;
	pf_err_name(err, name);
	err->code = code;
	err->line = line;
	err->column = column;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int
pf_err(struct pf_error *err, const char *name, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(err, PF_ERR_INPUT, name, line, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
pf_errc(struct pf_error *err, enum pf_error_code code, const char *name,
    uint64_t line, uint64_t column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(err, code, name, line, column, fmt, ap);
	va_end(ap);
	return -1;
}

int
pf_nomem(struct pf_error *err, const char *name, uint64_t line)
{
	return pf_errc(err, PF_ERR_NOMEM, name, line, 0, "out of memory");
}

const char *
pf_error_string(const struct pf_error *e, char *buf, size_t size)
{
	if (e->name[0] != '\0' && e->line > 0)
		snprintf(buf, size, "'%s' line %llu: %s", e->name,
		    (unsigned long long)e->line, e->msg);
	else if (e->name[0] != '\0')
		snprintf(buf, size, "'%s': %s", e->name, e->msg);
	else
		snprintf(buf, size, "%s", e->msg);
	return buf;
}

const char *
pf_size_words(uint64_t n, char *buf, size_t size)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int u = 0;

	while (n >= 1024 && n % 1024 == 0 && u < 6) {
		n /= 1024;
		u++;
	}
	snprintf(buf, size, "%llu %s", (unsigned long long)n, unit[u]);
	return buf;
}

int
pf_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (n > 256 ? 256 : (int)n);
}

/* ------------------------------------------------------------------ arena */

struct pf_arena_block {
	struct pf_arena_block *next;
	size_t cap;
	_Alignas(16) char data[];
};

#define ARENA_MIN_BLOCK ((size_t)64 << 10)

void
pf_arena_init(struct pf_arena *a)
{
	a->head = NULL;
	a->used = a->cap = a->total = 0;
}

void
pf_arena_release(struct pf_arena *a)
{
	struct pf_arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	pf_arena_init(a);
}

void *
pf_arena_alloc(struct pf_arena *a, size_t n)
{
	struct pf_arena_block *b;
	size_t cap;

	n = (n + 7) & ~(size_t)7;
	if (a->head == NULL || a->cap - a->used < n) {
		/* Blocks grow with the arena so the number of blocks stays
		 * logarithmic in its size. */
		cap = a->total / 4;
		if (cap < ARENA_MIN_BLOCK)
			cap = ARENA_MIN_BLOCK;
		if (cap > ((size_t)16 << 20))
			cap = (size_t)16 << 20;
		if (cap < n)
			cap = n;
		b = malloc(sizeof(*b) + cap);
		if (b == NULL)
			return NULL;
		b->next = a->head;
		b->cap = cap;
		a->head = b;
		a->used = 0;
		a->cap = cap;
		a->total += cap;
	}
	b = a->head;
	a->used += n;
	return b->data + a->used - n;
}

char *
pf_arena_strdup(struct pf_arena *a, const char *s, size_t n)
{
	char *d = pf_arena_alloc(a, n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* ---------------------------------------------------------------- hashing */

/*
 * A fast multiply-and-fold hash over 8-byte words.  It needs to spread
 * similar frame names and stacks well, not to resist attackers: a bad input
 * can only make tables slower, never wrong, since keys are always compared.
 */
static inline uint64_t
mix(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t
load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

#define K0 0xa0761d6478bd642fULL
#define K1 0xe7037ed1a0b428dbULL
#define K2 0x8ebc6af09c88c6e3ULL

uint64_t
pf_hash_bytes(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ K0 ^ (n * K1);
	uint64_t a, b;

	while (n >= 16) {
		h = mix(load64(p) ^ K1 ^ h, load64(p + 8) ^ K2);
		p += 16;
		n -= 16;
	}
	if (n >= 8) {
		a = load64(p);
		b = load64(p + n - 8);
	} else if (n >= 4) {
		uint32_t x, y;

		memcpy(&x, p, 4);
		memcpy(&y, p + n - 4, 4);
		a = x;
		b = y;
	} else if (n > 0) {
		a = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
		b = 0;
	} else {
		a = b = 0;
	}
	return mix(h ^ K2, mix(a ^ K1, b ^ h));
}

uint64_t
pf_hash_u32s(const uint32_t *p, size_t n, uint64_t seed)
{
	return pf_hash_bytes(p, n * sizeof(*p), seed);
}

/* ------------------------------------------------------------- string map */

int
pf_strmap_init(struct pf_strmap *m, size_t initial)
{
	size_t cap = 64;

	while (cap < initial * 2)
		cap *= 2;
	m->slots = calloc(cap, sizeof(*m->slots));
	if (m->slots == NULL)
		return -1;
	m->mask = cap - 1;
	m->count = 0;
	pf_arena_init(&m->arena);
	return 0;
}

void
pf_strmap_release(struct pf_strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
	pf_arena_release(&m->arena);
}

static int
strmap_grow(struct pf_strmap *m)
{
	size_t cap = (m->mask + 1) * 2, i, j;
	struct pf_strmap_slot *s = calloc(cap, sizeof(*s));

	if (s == NULL)
		return -1;
	for (i = 0; i <= m->mask; i++) {
		if (m->slots[i].key == NULL)
			continue;
		for (j = m->slots[i].hash & (cap - 1); s[j].key != NULL;
		    j = (j + 1) & (cap - 1))
			;
		s[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = s;
	m->mask = cap - 1;
	return 0;
}

struct pf_strmap_slot *
pf_strmap_find(struct pf_strmap *m, const char *key, size_t len, uint64_t hash,
    int insert, int *nomem)
{
	struct pf_strmap_slot *s;
	size_t i;
	char *copy;

	for (i = hash & m->mask;; i = (i + 1) & m->mask) {
		s = &m->slots[i];
		if (s->key == NULL)
			break;
		if (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
	}
	if (!insert)
		return NULL;
	if (len > UINT32_MAX || (m->count + 1) * 4 > (m->mask + 1) * 3) {
		if (len > UINT32_MAX || strmap_grow(m) != 0)
			goto nomem;
		for (i = hash & m->mask; m->slots[i].key != NULL; i = (i + 1) & m->mask)
			;
		s = &m->slots[i];
	}
	copy = pf_arena_strdup(&m->arena, key, len);
	if (copy == NULL)
		goto nomem;
	s->hash = hash;
	s->key = copy;
	s->len = (uint32_t)len;
	s->value = UINT32_MAX;
	m->count++;
	return s;
nomem:
	if (nomem != NULL)
		*nomem = 1;
	return NULL;
}

int
pf_grow(void *bufp, size_t *cap, size_t n, size_t sz)
{
	void **buf = bufp;
	size_t c = *cap ? *cap : 16;
	void *p;

	if (n <= *cap)
		return 0;
	while (c < n) {
		if (c > SIZE_MAX / 2 / sz)
			return -1;
		c *= 2;
	}
	p = realloc(*buf, c * sz);
	if (p == NULL)
		return -1;
	*buf = p;
	*cap = c;
	return 0;
}
