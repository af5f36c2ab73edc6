/*
 * seq.c - a sequence of integers written once and read back once, in
 * order (internal.h).
 *
 * A reader that must pair two long arrays of a document, the second of
 * which comes after the first has gone by, holds the first one here.
 * Each value is stored as the zigzag varint of its difference from the
 * one before (one or two bytes for sample ids and time deltas), in memory
 * up to a limit and beyond it in an unlinked temporary file, so memory
 * stays bounded whatever the length of the array.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

#define WINDOW ((size_t)64 << 10)	/* the buffer once in a file */

struct pf_seq {
	unsigned char *buf;
	size_t len, cap, pos;
	size_t mem_max;
	int fd;			/* -1: everything is in buf */
	int reading;
	uint64_t prev;
	uint64_t count, got;
};

struct pf_seq *
pf_seq_new(size_t mem_max)
{
	struct pf_seq *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->fd = -1;
	s->mem_max = mem_max < WINDOW ? WINDOW : mem_max;
	return s;
}

void
pf_seq_free(struct pf_seq *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	free(s);
}

uint64_t
pf_seq_count(const struct pf_seq *s)
{
	return s->count;
}

static int
write_all(int fd, const unsigned char *b, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, b, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Moves what buf holds to the file, which is made on first use. */
static int
spill(struct pf_seq *s)
{
	if (s->fd < 0) {
		const char *dir = getenv("TMPDIR");
		char path[4096];

		if (dir == NULL || dir[0] == '\0')
			dir = "/tmp";
		if ((size_t)snprintf(path, sizeof(path), "%s/pf-seq-XXXXXX", dir) >=
		    sizeof(path))
			return -1;
		if ((s->fd = mkstemp(path)) < 0)
			return -1;
		unlink(path);
	}
	if (write_all(s->fd, s->buf, s->len) != 0)
		return -1;
	s->len = 0;
	return 0;
}

int
pf_seq_put(struct pf_seq *s, int64_t v)
{
	uint64_t d = (uint64_t)v - s->prev;
	uint64_t z = (d << 1) ^ (0 - (d >> 63));	/* zigzag */

	if (s->reading)
		return -1;
	if (s->len + 10 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;

		if (cap > s->mem_max || s->fd >= 0) {
			if (spill(s) != 0)
				return -1;
		} else if (pf_grow(&s->buf, &s->cap, cap, 1) != 0) {
			return -1;
		}
	}
	do {
		s->buf[s->len++] = (unsigned char)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
		z >>= 7;
	} while (z != 0);
	s->prev = (uint64_t)v;
	s->count++;
	return 0;
}

int
pf_seq_rewind(struct pf_seq *s)
{
	if (s->fd >= 0) {
		if (spill(s) != 0 || lseek(s->fd, 0, SEEK_SET) != 0)
			return -1;
		s->len = 0;
	}
	s->pos = 0;
	s->prev = 0;
	s->got = 0;
	s->reading = 1;
	return 0;
}

int
pf_seq_get(struct pf_seq *s, int64_t *v)
{
	uint64_t z = 0;
	int shift = 0;

	if (!s->reading || s->got == s->count)
		return 0;
	for (;;) {
		unsigned char c;

		if (s->pos == s->len) {
			ssize_t k;

			if (s->fd < 0)
				return -1;
			do
				k = read(s->fd, s->buf, s->cap);
			while (k < 0 && errno == EINTR);
			if (k <= 0)
				return -1;
			s->len = (size_t)k;
			s->pos = 0;
		}
		c = s->buf[s->pos++];
		if (shift < 64)
			z |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
		if (!(c & 0x80))
			break;
	}
	s->prev += (z >> 1) ^ (0 - (z & 1));
	*v = (int64_t)s->prev;
	s->got++;
	return 1;
}
