/*
 * reader.c - buffered line input from files, pipes, memory and child
 * processes.
 *
 * Input is read in large blocks into one buffer that only grows to hold the
 * longest line (up to PF_LINE_MAX); longer lines are skipped without being
 * buffered, so memory never grows with the size of the input.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"

#define READ_BLOCK ((size_t)1 << 20)

extern char **environ;

/* The limits of pf_input_limits(), read by every reader. */
static uint64_t input_max_size = PF_INPUT_MAX_SIZE;
static unsigned inflate_max_ratio = PF_INFLATE_MAX_RATIO;

void
pf_input_limits(uint64_t max_size, unsigned max_ratio)
{
	input_max_size = max_size;
	inflate_max_ratio = max_ratio;
}

uint64_t
pf_input_max_size(void)
{
	return input_max_size;
}

/*
 * The bytes every reader of the process has read, for progress lines.  One
 * relaxed atomic add per block read (a megabyte, or what a pipe gives), so
 * it costs nothing next to the parsing of the block.
 */
static uint64_t bytes_read;
static int unsized_read;

void
pf_progress_add(uint64_t n)
{
	__atomic_fetch_add(&bytes_read, n, __ATOMIC_RELAXED);
}

uint64_t
pf_input_bytes_read(int *sized)
{
	if (sized != NULL)
		*sized = !__atomic_load_n(&unsized_read, __ATOMIC_RELAXED);
	return __atomic_load_n(&bytes_read, __ATOMIC_RELAXED);
}

char *
pf_progress_line(char *buf, size_t size, uint64_t done, uint64_t total,
    double seconds)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)done, rate = seconds > 0 ? (double)done / seconds : 0;
	int u = 0, ru = 0, n;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	while (rate >= 1024 && ru < 6) {
		rate /= 1024;
		ru++;
	}
	n = snprintf(buf, size, u == 0 ? "%.0f %s read" : "%.1f %s read", v, unit[u]);
	if (n >= 0 && (size_t)n < size && seconds > 0)
		n += snprintf(buf + n, size - (size_t)n, ru == 0 ? ", %.0f %s/s" : ", %.1f %s/s",
		    rate, unit[ru]);
	if (n >= 0 && (size_t)n < size && total > 0)
		snprintf(buf + n, size - (size_t)n, ", %u%%",
		    done >= total ? 100u : (unsigned)((double)done * 100 / (double)total));
	return buf;
}

struct pf_reader {
	char name[256];
	int fd;			/* -1 for memory */
	int own_fd;
	int is_file;
	uint64_t size;		/* of a regular file */
	pid_t child;		/* > 0 for a command reader */

	char *buf;		/* owned, unless mem */
	size_t cap;
	size_t start, end;	/* unconsumed bytes are buf[start..end) */
	int eof;
	int mem;

	uint64_t buf_off;	/* input offset of buf[start] */
	uint64_t pos;		/* next input offset to read (pread mode) */
	uint64_t range_end;	/* lines starting here or later are not ours */
	int ranged;

	uint64_t lineno;
	uint64_t line_off;
	int terminated;

	int uncounted;		/* adds nothing to the bytes read */
	uint64_t counted;	/* bytes it added */

	struct gunzip *gz;	/* non-NULL: buf holds inflated bytes */
	struct utf16 *u16;	/* non-NULL: buf holds UTF-8 made from UTF-16 */
};

/*
 * A gzip-compressed input is inflated as it is read: fill() takes raw
 * bytes from the descriptor (or the caller's memory) into in[] and
 * inflates them into buf, so the line reader above never knows.
 * Concatenated members (gzip a b > c) are read one after the other.
 */
struct gunzip {
	z_stream zs;
	unsigned char *in;	/* raw bytes from a descriptor (owned) */
	size_t incap;
	int src_eof;		/* no raw bytes left to read */
	int ended;		/* the last member ended */
	uint64_t raw_off;	/* raw bytes consumed, for messages */
	uint64_t out;		/* bytes inflated */
};

/*
 * A UTF-16 input (with a byte-order mark, as Windows redirection writes
 * it) is transcoded to UTF-8 as it is read: fill() takes the bytes of the
 * input (inflated, if it is gzip'ed too) into in[] and converts them into
 * buf with iconv.  Code units that are not UTF-16 (a lone surrogate, an odd
 * byte at the end) become U+FFFD.
 */
struct utf16 {
	iconv_t cd;
	char *in;		/* UTF-16 bytes not converted yet */
	size_t inlen, incap;
	int src_eof;		/* no more bytes to read */
};

/*
 * What a reader adds to bytes_read: all it reads, but a range reader only
 * the bytes of its range (the line that runs past its end is the next
 * range's), and a reader whose file others read (pf_reader_uncount)
 * nothing.
 */
static void
count_read(struct pf_reader *r, uint64_t at, size_t n)
{
	uint64_t k = n;

	if (r->uncounted)
		return;
	if (r->ranged)
		k = at >= r->range_end ? 0 : (r->range_end - at < k ? r->range_end - at : k);
	r->counted += k;
	pf_progress_add(k);
}

static struct pf_reader *
reader_alloc(const char *name)
{
	struct pf_reader *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (strcmp(name, "-") == 0)
		name = "<stdin>";
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->fd = -1;
	r->range_end = UINT64_MAX;
	return r;
}

struct pf_reader *
pf_reader_open(const char *path, struct pf_error *err)
{
	struct pf_reader *r = reader_alloc(path);
	struct stat st;

	if (r == NULL) {
		pf_nomem(err, path, 0);
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		r->fd = 0;
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			pf_errc(err, PF_ERR_IO, NULL, 0, 0, "cannot open '%s': %s", path, strerror(errno));
			free(r);
			return NULL;
		}
		r->own_fd = 1;
	}
	if (fstat(r->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			pf_errc(err, PF_ERR_IO, NULL, 0, 0, "cannot read '%s': Is a directory", path);
			pf_reader_free(r);
			return NULL;
		}
		if (S_ISREG(st.st_mode)) {
			r->is_file = 1;
			r->size = (uint64_t)st.st_size;
			/* Read regular files with pread from our own offset so
			 * stdin redirected from a file behaves the same. */
			r->pos = (uint64_t)lseek(r->fd, 0, SEEK_CUR);
			if (r->pos == (uint64_t)-1)
				r->pos = 0;
			r->buf_off = r->pos;
		}
	}
	return r;
}

struct pf_reader *
pf_reader_mem(const char *name, const void *buf, size_t len)
{
	struct pf_reader *r = reader_alloc(name);

	if (r == NULL)
		return NULL;
	r->mem = 1;
	r->buf = (char *)buf;
	r->cap = r->end = len;
	r->eof = 1;
	return r;
}

struct pf_reader *
pf_reader_range(const char *name, int fd, uint64_t start, uint64_t end)
{
	struct pf_reader *r = reader_alloc(name);

	if (r == NULL)
		return NULL;
	r->fd = fd;
	r->is_file = 1;
	r->ranged = 1;
	r->pos = r->buf_off = start;
	r->range_end = end;
	return r;
}

struct pf_reader *
pf_reader_command(const char *name, char *const argv[], struct pf_error *err)
{
	struct pf_reader *r = reader_alloc(name);
	posix_spawn_file_actions_t fa;
	int pfd[2], rc;

	if (r == NULL) {
		pf_nomem(err, name, 0);
		return NULL;
	}
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		pf_errc(err, PF_ERR_IO, name, 0, 0, "pipe: %s", strerror(errno));
		free(r);
		return NULL;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	rc = posix_spawnp(&r->child, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		if (rc == ENOENT)
			pf_errc(err, PF_ERR_UNSUPPORTED, name, 0, 0,
			    "is a perf.data file, but '%s' is not "
			    "installed (install linux-perf, or run 'perf script' "
			    "and give pf-collapse its output)", argv[0]);
		else
			pf_errc(err, PF_ERR_IO, name, 0, 0, "cannot run '%s': %s", argv[0], strerror(rc));
		free(r);
		return NULL;
	}
	r->fd = pfd[0];
	r->own_fd = 1;
	__atomic_store_n(&unsized_read, 1, __ATOMIC_RELAXED);
	return r;
}

void
pf_reader_free(struct pf_reader *r)
{
	int status;

	if (r == NULL)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	if (r->child > 0) {
		kill(r->child, SIGTERM);
		waitpid(r->child, &status, 0);
	}
	if (r->gz != NULL) {
		inflateEnd(&r->gz->zs);
		free(r->gz->in);
		free(r->gz);
	}
	if (r->u16 != NULL) {
		iconv_close(r->u16->cd);
		free(r->u16->in);
		free(r->u16);
	}
	if (!r->mem)
		free(r->buf);
	free(r);
}

static int
child_status(struct pf_reader *r, struct pf_error *err)
{
	int status;
	pid_t pid = r->child;

	r->child = 0;
	if (waitpid(pid, &status, 0) < 0)
		return pf_errc(err, PF_ERR_IO, r->name, 0, 0, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return pf_errc(err, PF_ERR_IO, r->name, 0, 0, "'perf script' failed with exit status %d",
		    WEXITSTATUS(status));
	return pf_errc(err, PF_ERR_IO, r->name, 0, 0, "'perf script' was killed by signal %d",
	    WTERMSIG(status));
}

/* Reads raw bytes into gz->in for inflate.  Returns -1 on error. */
static int
read_raw(struct pf_reader *r, struct pf_error *err)
{
	struct gunzip *g = r->gz;
	ssize_t n;

	if (g->in == NULL) {
		/* A memory input: all of it was handed to inflate at once. */
		g->src_eof = 1;
		return 0;
	}
	for (;;) {
		if (r->is_file)
			n = pread(r->fd, g->in, g->incap, (off_t)r->pos);
		else
			n = read(r->fd, g->in, g->incap);
		if (n >= 0)
			break;
		if (errno != EINTR)
			return pf_errc(err, PF_ERR_IO, r->name, 0, 0, "read error: %s", strerror(errno));
	}
	if (n == 0) {
		g->src_eof = 1;
		if (r->child > 0)
			return child_status(r, err);
		return 0;
	}
	count_read(r, r->pos, (size_t)n);
	r->pos += (uint64_t)n;
	g->zs.next_in = g->in;
	g->zs.avail_in = (uInt)n;
	return 0;
}

/* Inflates up to room bytes into dst; *got = 0 at the end.  -1 on error. */
static int
gz_read(struct pf_reader *r, char *dst, size_t room, size_t *got,
    struct pf_error *err)
{
	struct gunzip *g = r->gz;
	int zr;

	*got = 0;
	if (room > UINT32_MAX)
		room = UINT32_MAX;
	for (;;) {
		if (g->ended)
			return 0;
		if (g->zs.avail_in == 0 && !g->src_eof && read_raw(r, err) != 0)
			return -1;
		if (g->zs.avail_in == 0 && g->src_eof)
			return pf_err(err, r->name, 0, "gzip data ends early "
			    "(a truncated .gz file?) after %llu compressed bytes",
			    (unsigned long long)g->raw_off);
		g->zs.next_out = (unsigned char *)dst;
		g->zs.avail_out = (uInt)room;
		{
			uInt before = g->zs.avail_in;

			zr = inflate(&g->zs, Z_NO_FLUSH);
			g->raw_off += before - g->zs.avail_in;
		}
		*got = room - g->zs.avail_out;
		g->out += *got;
		if (inflate_max_ratio > 0 && g->out > PF_INFLATE_RATIO_FLOOR &&
		    g->out / inflate_max_ratio > g->raw_off)
			return pf_err(err, r->name, 0, "gzip data inflates more "
			    "than %u times (%llu bytes from %llu compressed): a "
			    "compression bomb? (the limit is --max-inflate-ratio)",
			    inflate_max_ratio, (unsigned long long)g->out,
			    (unsigned long long)g->raw_off);
		if (zr == Z_STREAM_END) {
			/* Another member may follow. */
			if (g->zs.avail_in == 0 && !g->src_eof && read_raw(r, err) != 0)
				return -1;
			if (g->zs.avail_in == 0)
				g->ended = 1;
			else if (inflateReset(&g->zs) != Z_OK)
				return pf_err(err, r->name, 0, "gzip: inflateReset failed");
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return pf_err(err, r->name, 0, "corrupt gzip data at "
			    "compressed byte %llu: %s", (unsigned long long)g->raw_off,
			    g->zs.msg != NULL ? g->zs.msg : "inflate failed");
		}
		if (*got > 0)
			return 0;
	}
}

/*
 * Reads up to room bytes of the input, inflated if it is gzip'ed, into
 * dst; *got = 0 at the end.  Returns -1 on error.
 */
static int
source_read(struct pf_reader *r, char *dst, size_t room, size_t *got,
    struct pf_error *err)
{
	ssize_t n;

	*got = 0;
	if (r->gz != NULL)
		return gz_read(r, dst, room, got, err);
	if (r->fd < 0)
		return 0;	/* memory: there is nothing beyond the buffer */
	for (;;) {
		if (r->is_file)
			n = pread(r->fd, dst, room, (off_t)r->pos);
		else
			n = read(r->fd, dst, room);
		if (n >= 0)
			break;
		if (errno != EINTR)
			return pf_errc(err, PF_ERR_IO, r->name, 0, 0, "read error: %s", strerror(errno));
	}
	if (n == 0) {
		if (r->child > 0)
			return child_status(r, err);
		return 0;
	}
	count_read(r, r->pos, (size_t)n);
	r->pos += (uint64_t)n;
	*got = (size_t)n;
	return 0;
}

/* Converts UTF-16 input into up to room (at least 4) bytes of UTF-8 at
 * dst; *got = 0 at the end.  Returns -1 on error. */
static int
u16_read(struct pf_reader *r, char *dst, size_t room, size_t *got,
    struct pf_error *err)
{
	struct utf16 *u = r->u16;
	char *ip, *op;
	size_t il, ol, k, rc;

	*got = 0;
	for (;;) {
		if (u->inlen < 4 && !u->src_eof) {
			if (source_read(r, u->in + u->inlen, u->incap - u->inlen, &k, err) != 0)
				return -1;
			if (k == 0)
				u->src_eof = 1;
			u->inlen += k;
			continue;
		}
		if (u->inlen == 0)
			return 0;
		ip = u->in;
		il = u->inlen;
		op = dst;
		ol = room;
		rc = iconv(u->cd, &ip, &il, &op, &ol);
		if (rc == (size_t)-1 && ol >= 3 && (errno == EILSEQ ||
		    (errno == EINVAL && u->src_eof))) {
			/* Not UTF-16 here: one unit (or the odd byte left)
			 * becomes U+FFFD. */
			memcpy(op, "\xef\xbf\xbd", 3);
			op += 3;
			ip += il >= 2 ? 2 : il;
		}
		memmove(u->in, ip, (size_t)(u->in + u->inlen - ip));
		u->inlen = (size_t)(u->in + u->inlen - ip);
		*got = (size_t)(op - dst);
		if (*got > 0)
			return 0;
		if (u->src_eof && u->inlen == 0)
			return 0;
		/* An incomplete unit: read on. */
		if (u->inlen >= 4 || u->src_eof)
			return pf_err(err, r->name, 0, "cannot convert UTF-16 input");
		if (source_read(r, u->in + u->inlen, u->incap - u->inlen, &k, err) != 0)
			return -1;
		if (k == 0)
			u->src_eof = 1;
		u->inlen += k;
	}
}

/* Reads more input after buf[end]; sets eof.  Returns -1 on error. */
static int
fill(struct pf_reader *r, size_t want, struct pf_error *err)
{
	size_t room, got;

	if (r->u16 != NULL && want < 4)
		want = 4;	/* room for a character */
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < want) {
		size_t cap = r->cap ? r->cap : READ_BLOCK;
		char *b;

		while (cap - r->end < want)
			cap *= 2;
		b = realloc(r->buf, cap);
		if (b == NULL)
			return pf_nomem(err, r->name, 0);
		r->buf = b;
		r->cap = cap;
	}
	room = r->cap - r->end;
	if ((r->u16 != NULL ? u16_read(r, r->buf + r->end, room, &got, err) :
	    source_read(r, r->buf + r->end, room, &got, err)) != 0)
		return -1;
	if (got == 0)
		r->eof = 1;
	r->end += got;
	return 0;
}

int
pf_reader_line(struct pf_reader *r, const char **line, size_t *len,
    struct pf_error *err)
{
	char *nl;
	size_t n;
	int toolong = 0;

	for (;;) {
		if (r->buf_off >= r->range_end)
			return PF_LINE_EOF;
		nl = r->start < r->end ?
		    memchr(r->buf + r->start, '\n', r->end - r->start) : NULL;
		if (nl != NULL) {
			n = (size_t)(nl - (r->buf + r->start));
			r->terminated = 1;
			break;
		}
		if (r->eof) {
			if (r->start == r->end && !toolong)
				return PF_LINE_EOF;
			n = r->end - r->start;
			r->terminated = 0;
			break;
		}
		if (r->end - r->start >= PF_LINE_MAX) {
			/* Too long to keep: drop what we have and look for
			 * the end of the line in later blocks. */
			r->buf_off += r->end - r->start;
			r->start = r->end = 0;
			toolong = 1;
		}
		if (fill(r, READ_BLOCK, err) != 0)
			return PF_LINE_ERROR;
	}
	*line = r->buf + r->start;
	r->line_off = r->buf_off;
	r->start += n + r->terminated;
	r->buf_off += n + r->terminated;
	r->lineno++;
	if (toolong || n > PF_LINE_MAX) {
		*len = 0;
		return PF_LINE_TOOLONG;
	}
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	*len = n;
	return PF_LINE_OK;
}

size_t
pf_reader_peek(struct pf_reader *r, const char **buf, size_t n,
    struct pf_error *err)
{
	while (r->end - r->start < n && !r->eof) {
		if (fill(r, n, err) != 0)
			return 0;
	}
	*buf = r->buf + r->start;
	return r->end - r->start < n ? r->end - r->start : n;
}

uint64_t
pf_reader_lineno(const struct pf_reader *r)
{
	return r->lineno;
}

uint64_t
pf_reader_offset(const struct pf_reader *r)
{
	return r->line_off;
}

const char *
pf_reader_name(const struct pf_reader *r)
{
	return r->name;
}

int
pf_reader_terminated(const struct pf_reader *r)
{
	return r->terminated;
}

void
pf_reader_uncount(struct pf_reader *r)
{
	if (r->uncounted)
		return;
	r->uncounted = 1;
	__atomic_fetch_sub(&bytes_read, r->counted, __ATOMIC_RELAXED);
	r->counted = 0;
}

int
pf_reader_file_span(const struct pf_reader *r, int *fd, uint64_t *start,
    uint64_t *end)
{
	if (!r->is_file || r->ranged || r->mem || r->gz != NULL || r->u16 != NULL ||
	    r->child > 0 || r->lineno != 0)
		return -1;
	*fd = r->fd;
	*start = r->buf_off;
	*end = r->size;
	return 0;
}

int
pf_reader_gunzip(struct pf_reader *r, struct pf_error *err)
{
	struct gunzip *g;
	const char *b;
	size_t n = pf_reader_peek(r, &b, 2, err), have;

	if (n == 0 && !r->eof)
		return -1;	/* a read error, err filled */
	if (r->gz != NULL || r->lineno != 0 || n < 2 ||
	    (unsigned char)b[0] != 0x1f || (unsigned char)b[1] != 0x8b)
		return 0;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return pf_nomem(err, r->name, 0);
	if (inflateInit2(&g->zs, 16 + MAX_WBITS) != Z_OK) {
		free(g);
		return pf_errc(err, PF_ERR_NOMEM, r->name, 0, 0, "gzip: cannot initialize zlib");
	}
	have = r->end - r->start;
	if (r->mem) {
		/* Inflate straight from the caller's memory into a buffer of
		 * our own. */
		g->zs.next_in = (unsigned char *)r->buf + r->start;
		g->zs.avail_in = (uInt)have;
		g->src_eof = 1;
		r->mem = 0;
		r->buf = NULL;
		r->cap = 0;
	} else {
		g->incap = READ_BLOCK;
		if (have > g->incap)
			g->incap = have;
		g->in = malloc(g->incap);
		if (g->in == NULL) {
			inflateEnd(&g->zs);
			free(g);
			return pf_nomem(err, r->name, 0);
		}
		memcpy(g->in, r->buf + r->start, have);
		g->zs.next_in = g->in;
		g->zs.avail_in = (uInt)have;
		g->src_eof = r->eof;
	}
	r->start = r->end = 0;
	r->eof = 0;
	r->buf_off = 0;
	r->gz = g;
	return 1;
}

int
pf_reader_decode(struct pf_reader *r, struct pf_error *err)
{
	struct utf16 *u;
	const char *b;
	const char *enc = NULL;
	size_t n, have;
	int gz;

	if ((gz = pf_reader_gunzip(r, err)) < 0)
		return -1;
	if (r->u16 != NULL || r->lineno != 0)
		return gz;
	n = pf_reader_peek(r, &b, 3, err);
	if (n == 0 && !r->eof)
		return -1;
	if (n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0) {
		/* A UTF-8 byte-order mark says nothing a parser needs. */
		r->start += 3;
		r->buf_off += 3;
		return gz;
	}
	if (n >= 2 && memcmp(b, "\xff\xfe", 2) == 0)
		enc = "UTF-16LE";
	else if (n >= 2 && memcmp(b, "\xfe\xff", 2) == 0)
		enc = "UTF-16BE";
	if (enc == NULL)
		return gz;
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return pf_nomem(err, r->name, 0);
	u->cd = iconv_open("UTF-8", enc);
	if (u->cd == (iconv_t)-1) {
		free(u);
		return pf_errc(err, PF_ERR_UNSUPPORTED, r->name, 0, 0,
		    "cannot convert %s input: %s", enc,
		    strerror(errno));
	}
	/* What is buffered already, after the mark, is the first input. */
	have = r->end - r->start - 2;
	u->incap = READ_BLOCK > have ? READ_BLOCK : have;
	u->in = malloc(u->incap);
	if (u->in == NULL) {
		iconv_close(u->cd);
		free(u);
		return pf_nomem(err, r->name, 0);
	}
	memcpy(u->in, r->buf + r->start + 2, have);
	u->inlen = have;
	u->src_eof = r->eof;
	if (r->mem) {
		r->mem = 0;
		r->buf = NULL;
		r->cap = 0;
	}
	r->start = r->end = 0;
	r->eof = 0;
	r->buf_off = 0;
	r->u16 = u;
	return gz;
}

size_t
pf_reader_read(struct pf_reader *r, void *dst, size_t n, struct pf_error *err)
{
	size_t have;

	if (r->start == r->end && !r->eof && fill(r, 1, err) != 0)
		return (size_t)-1;
	have = r->end - r->start;
	if (have > n)
		have = n;
	memcpy(dst, r->buf + r->start, have);
	r->start += have;
	r->buf_off += have;
	return have;
}

int
pf_reader_slurp(struct pf_reader *r, char **bufp, size_t *lenp, struct pf_error *err)
{
	char *buf = NULL, words[32];
	size_t len = 0, cap = 0, got, room;
	uint64_t max = input_max_size > 0 ? input_max_size : UINT64_MAX;

	for (;;) {
		if (len > max) {
			free(buf);
			return pf_err(err, r->name, 0, "more than %s to hold in "
			    "memory: refused (the limit is --max-input-size)",
			    pf_size_words(max, words, sizeof(words)));
		}
		if (pf_grow(&buf, &cap, len + 65536, 1) != 0) {
			free(buf);
			return pf_nomem(err, r->name, 0);
		}
		/* One byte past the limit says the input is over it. */
		room = cap - len;
		if (max - len < room - 1)
			room = (size_t)(max - len) + 1;
		got = pf_reader_read(r, buf + len, room, err);
		if (got == (size_t)-1) {
			free(buf);
			return -1;
		}
		if (got == 0)
			break;
		len += got;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

uint64_t
pf_reader_bytes(const struct pf_reader *r)
{
	return r->buf_off;
}
