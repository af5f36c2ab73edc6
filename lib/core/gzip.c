/*
 * gzip.c - a gzip stream written in pieces (internal.h): what pf-html
 * packs into its pages and pf-export writes for pprof.
 *
 * The bytes put are gathered 64 KiB at a time and each full buffer is
 * compressed with zlib; the compressed bytes go to the writer's sink as
 * deflate gives them, so nothing grows with the length of the stream.
 */
#include <stdlib.h>
#include <zlib.h>

#include "internal.h"

struct pf_gzip {
	z_stream z;
	void (*sink)(void *ctx, const unsigned char *b, size_t n);
	void *ctx;
	int failed;		/* deflate said the stream is broken */
	size_t nin;
	unsigned char in[1 << 16], out[1 << 16];
};

struct pf_gzip *
pf_gzip_new(int level, void (*sink)(void *ctx, const unsigned char *b, size_t n),
    void *ctx)
{
	struct pf_gzip *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	/* windowBits 15 + 16: a gzip stream, which `gzip -d` reads too. */
	if (deflateInit2(&g->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		free(g);
		return NULL;
	}
	g->sink = sink;
	g->ctx = ctx;
	return g;
}

/* Compresses the buffer (and ends the stream with Z_FINISH). */
static void
run(struct pf_gzip *g, int flush)
{
	int rc;

	g->z.next_in = g->in;
	g->z.avail_in = (uInt)g->nin;
	do {
		g->z.next_out = g->out;
		g->z.avail_out = sizeof(g->out);
		rc = deflate(&g->z, flush);
		if (rc == Z_STREAM_ERROR) {
			g->failed = 1;
			return;
		}
		if (sizeof(g->out) - g->z.avail_out > 0)
			g->sink(g->ctx, g->out, sizeof(g->out) - g->z.avail_out);
	} while (g->z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
	g->nin = 0;
}

void
pf_gzip_put(struct pf_gzip *g, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t k;

	if (g->nin + n < sizeof(g->in)) {
		/* The common case: a few bytes into the buffer. */
		memcpy(g->in + g->nin, s, n);
		g->nin += n;
		return;
	}
	while (n > 0) {
		k = sizeof(g->in) - g->nin;
		if (k > n)
			k = n;
		memcpy(g->in + g->nin, s, k);
		g->nin += k;
		s += k;
		n -= k;
		if (g->nin == sizeof(g->in))
			run(g, Z_NO_FLUSH);
	}
}

int
pf_gzip_finish(struct pf_gzip *g)
{
	if (!g->failed)
		run(g, Z_FINISH);
	return g->failed ? -1 : 0;
}

void
pf_gzip_free(struct pf_gzip *g)
{
	if (g == NULL)
		return;
	deflateEnd(&g->z);
	free(g);
}
