/*
 * palette.c - frame colours, shared by every renderer so that an SVG, a PNG
 * and a PDF of the same profile agree.
 *
 * A colour is a palette's base hue varied by up to three shades.  The shades
 * come from a hash of the frame's name (without its annotation), so the same
 * function is the same colour in every graph, or from a random state when
 * the user asks for --random.  A painter (pf_painter_fill) is what a graph
 * asks: it adds the palette map, which pins colours across graphs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "palette/palette.h"

static const char *const names[PF_PALETTE_COUNT] = {
	"hot", "mem", "io", "wakeup", "chain", "java", "js", "perl", "red",
	"green", "blue", "aqua", "yellow", "purple", "orange", "python", "rust",
};

int
pf_palette_parse(const char *name, enum pf_palette *out)
{
	int i;

	for (i = 0; i < PF_PALETTE_COUNT; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum pf_palette)i;
			return 0;
		}
	}
	return -1;
}

const char *
pf_palette_name(enum pf_palette p)
{
	return (unsigned)p < PF_PALETTE_COUNT ? names[p] : "hot";
}

static int
has(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

static int
starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

static uint64_t
next_random(uint64_t *state)
{
	/* splitmix64: good enough shades, and cheap */
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint8_t
shade(double base, double range, double v)
{
	double c = base + range * v;

	return (uint8_t)(c > 255 ? 255 : c);
}

static struct pf_rgb
rgb(double r, double g, double b)
{
	struct pf_rgb c = { shade(r, 0, 0), shade(g, 0, 0), shade(b, 0, 0) };

	return c;
}

/* A hue family picked by name rules below, shaded by v[0..2] in [0, 1). */
enum hue { H_HOT, H_MEM, H_IO, H_RED, H_GREEN, H_BLUE, H_AQUA, H_YELLOW,
	H_PURPLE, H_ORANGE };

static struct pf_rgb
hue_color(enum hue h, const double v[3])
{
	switch (h) {
	case H_HOT:
		return rgb(205 + 50 * v[2], 230 * v[0], 55 * v[1]);
	case H_MEM:
		return rgb(0, 190 + 50 * v[1], 210 * v[0]);
	case H_IO:
		return rgb(80 + 60 * v[0], 80 + 60 * v[0], 190 + 55 * v[1]);
	case H_RED:
		return rgb(200 + 55 * v[0], 50 + 80 * v[0], 50 + 80 * v[0]);
	case H_GREEN:
		return rgb(50 + 60 * v[0], 200 + 55 * v[0], 50 + 60 * v[0]);
	case H_BLUE:
		return rgb(80 + 60 * v[0], 80 + 60 * v[0], 205 + 50 * v[0]);
	case H_AQUA:
		return rgb(50 + 60 * v[0], 165 + 55 * v[0], 165 + 55 * v[0]);
	case H_YELLOW:
		return rgb(175 + 55 * v[0], 175 + 55 * v[0], 50 + 20 * v[0]);
	case H_PURPLE:
		return rgb(190 + 65 * v[0], 80 + 60 * v[0], 190 + 65 * v[0]);
	case H_ORANGE:
		return rgb(190 + 65 * v[0], 90 + 65 * v[0], 0);
	}
	return rgb(128, 128, 128);
}

/* Which hue a language palette gives a frame. */
static enum hue
pick(enum pf_palette p, const char *s, size_t n, int ann)
{
	switch (p) {
	case PF_PALETTE_HOT: return H_HOT;
	case PF_PALETTE_MEM: return H_MEM;
	case PF_PALETTE_IO: return H_IO;
	case PF_PALETTE_WAKEUP: return H_AQUA;
	case PF_PALETTE_CHAIN: return ann == 'w' ? H_AQUA : H_BLUE;
	case PF_PALETTE_RED: return H_RED;
	case PF_PALETTE_GREEN: return H_GREEN;
	case PF_PALETTE_BLUE: return H_BLUE;
	case PF_PALETTE_AQUA: return H_AQUA;
	case PF_PALETTE_YELLOW: return H_YELLOW;
	case PF_PALETTE_PURPLE: return H_PURPLE;
	case PF_PALETTE_ORANGE: return H_ORANGE;
	case PF_PALETTE_JAVA:
		/* JIT-compiled green, inlined aqua, kernel orange, C++ yellow,
		 * other user code red. */
		if (ann == 'j') return H_GREEN;
		if (ann == 'i') return H_AQUA;
		if (ann == 'k') return H_ORANGE;
		if (has(s, n, "::")) return H_YELLOW;
		if (has(s, n, "/") || has(s, n, ".")) return H_GREEN;
		return H_RED;
	case PF_PALETTE_JS:
		if (ann == 'k') return H_ORANGE;
		if (ann == 'j') return has(s, n, "/") ? H_GREEN : H_AQUA;
		if (has(s, n, "::")) return H_YELLOW;
		if (has(s, n, "/") || has(s, n, ".js")) return H_GREEN;
		if (has(s, n, ":")) return H_AQUA;
		return H_RED;
	case PF_PALETTE_PERL:
		if (ann == 'k') return H_ORANGE;
		if (has(s, n, "::")) return H_YELLOW;
		if (has(s, n, "Perl") || has(s, n, ".pl")) return H_GREEN;
		return H_RED;
	case PF_PALETTE_PYTHON:
		/* Python code (a .py file or <module>) green, libraries from
		 * site-packages aqua, the interpreter's C yellow, kernel orange. */
		if (ann == 'k') return H_ORANGE;
		if (has(s, n, "site-packages") || has(s, n, "dist-packages"))
			return H_AQUA;
		if (has(s, n, ".py") || has(s, n, "<module>")) return H_GREEN;
		if (starts(s, n, "Py") || starts(s, n, "_Py")) return H_YELLOW;
		return H_RED;
	case PF_PALETTE_RUST:
		/* The standard library orange, other Rust paths aqua, the
		 * kernel purple, anything else (C, the runtime) yellow. */
		if (ann == 'k') return H_PURPLE;
		if (starts(s, n, "core::") || starts(s, n, "std::") ||
		    starts(s, n, "alloc::") || starts(s, n, "<core::") ||
		    starts(s, n, "<std::") || starts(s, n, "<alloc::"))
			return H_ORANGE;
		if (has(s, n, "::")) return H_AQUA;
		return H_YELLOW;
	case PF_PALETTE_COUNT:
		break;
	}
	return H_HOT;
}

struct pf_rgb
pf_palette_color(enum pf_palette p, const char *name, size_t len, uint64_t *rng)
{
	int ann = pf_frame_annotation(name, len);
	size_t n = ann ? len - 4 : len;
	double v[3];
	uint64_t h;
	int i;

	if ((n == 1 && name[0] == '-') || (n == 2 && name[0] == '-' && name[1] == '-'))
		return n == 1 ? rgb(200, 200, 200) : rgb(160, 160, 160);
	h = rng != NULL ? next_random(rng) : pf_hash_bytes(name, n, 0x6a09e667f3bcc909ULL);
	for (i = 0; i < 3; i++)
		v[i] = (double)((h >> (i * 21)) & 0x1fffff) / (double)0x200000;
	return hue_color(pick(p, name, n, ann), v);
}

/* ------------------------------------------------------------- palette map */

struct pf_palette_map {
	struct pf_strmap map;		/* name -> index into color */
	struct pf_rgb *color;
	const char **key;
	uint32_t *key_len;
	size_t n, cap, kcap, lcap;
};

static int
map_put(struct pf_palette_map *m, const char *name, size_t len, struct pf_rgb c)
{
	int nomem = 0;
	struct pf_strmap_slot *s = pf_strmap_find(&m->map, name, len,
	    pf_hash_bytes(name, len, 0), 1, &nomem);

	if (s == NULL)
		return -1;
	if (s->value != UINT32_MAX) {
		m->color[s->value] = c;
		return 0;
	}
	if (pf_grow(&m->color, &m->cap, m->n + 1, sizeof(*m->color)) != 0 ||
	    pf_grow(&m->key, &m->kcap, m->n + 1, sizeof(*m->key)) != 0 ||
	    pf_grow(&m->key_len, &m->lcap, m->n + 1, sizeof(*m->key_len)) != 0)
		return -1;
	m->color[m->n] = c;
	m->key[m->n] = s->key;
	m->key_len[m->n] = s->len;
	s->value = (uint32_t)m->n++;
	return 0;
}

static int
map_get(struct pf_palette_map *m, const char *name, size_t len, struct pf_rgb *c)
{
	struct pf_strmap_slot *s = pf_strmap_find(&m->map, name, len,
	    pf_hash_bytes(name, len, 0), 0, NULL);

	if (s == NULL)
		return -1;
	*c = m->color[s->value];
	return 0;
}

struct pf_palette_map *
pf_palette_map_load(const char *path, struct pf_error *err)
{
	struct pf_palette_map *m = calloc(1, sizeof(*m));
	struct pf_reader *r = NULL;
	const char *line;
	size_t len;
	int st;

	if (m == NULL || pf_strmap_init(&m->map, 64) != 0) {
		free(m);
		pf_nomem(err, path, 0);
		return NULL;
	}
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return m;
	if ((r = pf_reader_open(path, err)) == NULL)
		goto fail;
	while ((st = pf_reader_line(r, &line, &len, err)) != PF_LINE_EOF) {
		const char *arrow;
		unsigned cr, cg, cb;
		char tail[64];
		struct pf_rgb c;
		size_t k;

		if (st != PF_LINE_OK) {
			if (st == PF_LINE_TOOLONG)
				pf_err(err, path, pf_reader_lineno(r), "line too long");
			goto fail;
		}
		if (len == 0)
			continue;
		/* The name may itself contain "->": the colour follows the
		 * last one. */
		arrow = NULL;
		for (k = 0; k + 1 < len; k++)
			if (line[k] == '-' && line[k + 1] == '>')
				arrow = line + k;
		if (arrow == NULL || (size_t)(line + len - arrow) >= sizeof(tail))
			goto bad;
		memcpy(tail, arrow + 2, (size_t)(line + len - arrow - 2));
		tail[line + len - arrow - 2] = '\0';
		if (sscanf(tail, "rgb(%u,%u,%u)", &cr, &cg, &cb) != 3 ||
		    cr > 255 || cg > 255 || cb > 255)
			goto bad;
		c.r = (uint8_t)cr;
		c.g = (uint8_t)cg;
		c.b = (uint8_t)cb;
		if (map_put(m, line, (size_t)(arrow - line), c) != 0) {
			pf_nomem(err, path, 0);
			goto fail;
		}
	}
	pf_reader_free(r);
	return m;
bad:
	pf_err(err, path, pf_reader_lineno(r), "expected NAME->rgb(R,G,B)");
fail:
	pf_reader_free(r);
	pf_palette_map_free(m);
	return NULL;
}

void
pf_palette_map_free(struct pf_palette_map *m)
{
	if (m == NULL)
		return;
	pf_strmap_release(&m->map);
	free(m->color);
	free(m->key);
	free(m->key_len);
	free(m);
}

static int
cmp_keys(const void *x, const void *y, void *arg)
{
	const struct pf_palette_map *m = arg;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	size_t la = m->key_len[a], lb = m->key_len[b];
	int c = memcmp(m->key[a], m->key[b], la < lb ? la : lb);

	return c != 0 ? c : (la > lb) - (la < lb);
}

int
pf_palette_map_save(const struct pf_palette_map *m, const char *path,
    struct pf_error *err)
{
	size_t *order = malloc((m->n + 1) * sizeof(*order)), i;
	char tmp[4096];
	FILE *f = NULL;
	int rc = -1;

	if (order == NULL)
		return pf_nomem(err, path, 0);
	for (i = 0; i < m->n; i++)
		order[i] = i;
	qsort_r(order, m->n, sizeof(*order), cmp_keys, (void *)m);
	/* Written beside and renamed, so a failed write keeps the old map. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		pf_errc(err, PF_ERR_IO, tmp, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < m->n; i++) {
		size_t k = order[i];

		fwrite(m->key[k], 1, m->key_len[k], f);
		fprintf(f, "->rgb(%u,%u,%u)\n", m->color[k].r, m->color[k].g,
		    m->color[k].b);
	}
	if (ferror(f) || fclose(f) != 0) {
		f = NULL;
		pf_errc(err, PF_ERR_IO, tmp, 0, 0, "write error: %s", strerror(errno));
		unlink(tmp);
		goto out;
	}
	f = NULL;
	if (rename(tmp, path) != 0) {
		pf_errc(err, PF_ERR_IO, path, 0, 0, "cannot replace: %s", strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	free(order);
	return rc;
}

/* ----------------------------------------------------------------- painter */

void
pf_painter_init(struct pf_painter *p, enum pf_palette palette,
    struct pf_palette_map *map, int random)
{
	p->palette = palette;
	p->map = map;
	p->random = random;
	p->rng = 0x243f6a8885a308d3ULL;
	if (random) {
		/* Not reproducible on purpose: that is what --random asks. */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		p->rng ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec;
	}
}

int
pf_painter_fill(struct pf_painter *p, const char *raw, size_t raw_len,
    const char *label, size_t label_len, struct pf_rgb *out, struct pf_error *err)
{
	uint64_t *rng = p->random ? &p->rng : NULL;

	if (p->map == NULL) {
		*out = pf_palette_color(p->palette, raw, raw_len, rng);
		return 0;
	}
	if (map_get(p->map, label, label_len, out) == 0)
		return 0;
	*out = pf_palette_color(p->palette, raw, raw_len, rng);
	if (map_put(p->map, label, label_len, *out) != 0)
		return pf_nomem(err, NULL, 0);
	return 0;
}

struct pf_rgb
pf_palette_delta(double delta, double maxdelta, int negate)
{
	double d = negate ? -delta : delta, m = maxdelta;
	int r = 255, g = 255, b = 255;
	struct pf_rgb c;

	if (m > 0 && d > 0)
		g = b = (int)(210 * (m - d) / m);
	else if (m > 0 && d < 0)
		r = g = (int)(210 * (m + d) / m);
	c.r = (uint8_t)r;
	c.g = (uint8_t)g;
	c.b = (uint8_t)b;
	return c;
}

/* -------------------------------------------------------------- background */

static int
hex_ok(const char *s)
{
	int i;

	if (s[0] != '#' || strlen(s) != 7)
		return 0;
	for (i = 1; i < 7; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

int
pf_palette_bgcolors_ok(const char *s)
{
	return strcmp(s, "yellow") == 0 || strcmp(s, "blue") == 0 ||
	    strcmp(s, "green") == 0 || strcmp(s, "grey") == 0 ||
	    strcmp(s, "gray") == 0 || hex_ok(s);
}

void
pf_palette_background(enum pf_palette palette, const char *b, const char **c1,
    const char **c2)
{
	if (b == NULL) {
		switch (palette) {
		case PF_PALETTE_MEM: b = "green"; break;
		case PF_PALETTE_IO: case PF_PALETTE_WAKEUP: case PF_PALETTE_CHAIN:
			b = "blue"; break;
		default: b = "yellow"; break;
		}
	}
	if (strcmp(b, "blue") == 0)
		*c1 = "#eeeeee", *c2 = "#e0e0ff";
	else if (strcmp(b, "green") == 0)
		*c1 = "#eef2ee", *c2 = "#e0ffe0";
	else if (strcmp(b, "grey") == 0 || strcmp(b, "gray") == 0)
		*c1 = "#f8f8f8", *c2 = "#e8e8e8";
	else if (hex_ok(b))
		*c1 = *c2 = b;
	else
		*c1 = "#eeeeee", *c2 = "#eeeeb0";
}
