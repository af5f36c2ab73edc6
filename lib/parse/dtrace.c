/*
 * dtrace.c - DTrace and bpftrace aggregations of stacks to folded stacks.
 *
 * DTrace prints each entry of `@[ustack()] = count()` as the frames, leaf
 * first, one per indented line ("libc.so.1`memcpy+0x1c"), then the count on
 * an indented line of its own, then a blank line.  bpftrace prints
 * "@[" STACK "]: COUNT", where STACK is one indented frame per line
 * ("func+46", or "ADDR func+0x12 (dso)" for the perf stack mode), and a key
 * of several parts separates them with ", ": stacks on their own lines,
 * scalars (comm, pid) on the line that continues the key.
 *
 * As FlameGraph's stackcollapse.pl does, offsets are dropped
 * ("func+0x1c" -> "func", "func+46" -> "func"; stackcollapse-bpftrace.pl
 * keeps bpftrace's decimal offsets, which splits one function into as many
 * frames as it has return addresses) and DTrace's "module`" prefix is kept.
 * The parts of a multi-part key become one stack: the scalars first, as
 * root frames, then the stacks from the last to the first key part, each
 * root first, so that @[kstack, ustack, comm] gives comm;user;kernel.  An
 * entry with nothing in its key (an empty kstack: the samples were in user
 * space) becomes the frame "[no stack]", so the counts add up to the
 * samples.  DTrace prints the scalar parts of a key (execname) indented
 * less than the frames, which tells them apart.
 */
#include <ctype.h>
#include <stdlib.h>

#include "format.h"

struct part {
	size_t first, n;	/* frames[first..first+n), leaf first */
	int stack;		/* a stack (frames) or a scalar */
};

struct dt {
	struct pf_profile *p;
	struct pf_collapse_stats *st;
	struct pf_error *err;
	const char *name;
	uint64_t line;

	uint32_t *frames;
	size_t nframes, fcap;
	struct part *parts;
	size_t nparts, pcap;
	uint32_t *out;
	size_t ocap;
	char *buf;
	size_t bcap;
	size_t *cut;		/* where the parts of an inline chain start */
	size_t ccap;
	int in_entry;		/* bpftrace: between "@[" and "]: N" */
	int in_stack;		/* the current part is a stack */
	size_t indent;		/* DTrace: of the current part's first line */
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int
nomem(struct dt *d)
{
	return pf_nomem(d->err, d->name, d->line);
}

/* "func+0x1c" -> "func", "func+46" -> "func"; anything else is kept. */
static size_t
strip_offset(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && s[i - 1] != '+')
		i--;
	if (i < 2 || i == n)
		return n;
	if (n - i > 2 && s[i] == '0' && s[i + 1] == 'x') {
		size_t k;

		for (k = i + 2; k < n && is_hex(s[k]); k++)
			;
		return k == n ? i - 1 : n;
	}
	for (size_t k = i; k < n; k++)
		if (s[k] < '0' || s[k] > '9')
			return n;
	return i - 1;
}

static uint32_t
intern(struct dt *d, const char *s, size_t n)
{
	size_t i;

	if (pf_grow(&d->buf, &d->bcap, n + 1, 1) != 0)
		return UINT32_MAX;
	for (i = 0; i < n; i++)
		d->buf[i] = s[i] == ';' ? ':' : s[i];
	return pf_profile_intern(d->p, d->buf, n);
}

#define DTRACE_TIDY (PF_NAME_RUST | PF_NAME_PARAMS | PF_NAME_JAVA)

/*
 * The frame id of a frame name without its offset: "module`func" keeps
 * its module and has its function tidied (pf_name_tidy), an inlined
 * frame is marked _[i].
 */
static uint32_t
tidy(struct dt *d, const char *s, size_t n, unsigned flags, int inlined)
{
	const char *tick;
	size_t at;

	if (pf_grow(&d->buf, &d->bcap, n + 5, 1) != 0)
		return UINT32_MAX;
	memcpy(d->buf, s, n);
	tick = memchr(d->buf, '`', n);
	at = tick != NULL ? (size_t)(tick - d->buf) + 1 : 0;
	n = at + pf_name_tidy(d->buf + at, n - at, flags);
	for (size_t i = 0; i < at; i++)
		if (d->buf[i] == ';')
			d->buf[i] = ':';
	if (inlined) {
		memcpy(d->buf + n, "_[i]", 4);
		n += 4;
	}
	return pf_profile_intern(d->p, d->buf, n);
}

static int
new_part(struct dt *d, int stack)
{
	if (pf_grow(&d->parts, &d->pcap, d->nparts + 1, sizeof(*d->parts)) != 0)
		return nomem(d);
	d->parts[d->nparts].first = d->nframes;
	d->parts[d->nparts].n = 0;
	d->parts[d->nparts].stack = stack;
	d->nparts++;
	return 0;
}

static int
push(struct dt *d, uint32_t id)
{
	if (id == UINT32_MAX ||
	    pf_grow(&d->frames, &d->fcap, d->nframes + 1, sizeof(*d->frames)) != 0)
		return nomem(d);
	d->frames[d->nframes++] = id;
	d->parts[d->nparts - 1].n++;
	return 0;
}

/* A frame line of a stack, leading blanks already skipped. */
static int
frame(struct dt *d, const char *s, size_t n)
{
	size_t i = 0, e = n, a, k;

	/* ustack(perf): "7f12ab func+0x12 (/lib/x.so)" */
	while (i < n && is_hex(s[i]))
		i++;
	if (i > 0 && i < n && is_blank(s[i]) && n > 0 && s[n - 1] == ')') {
		while (i < n && is_blank(s[i]))
			i++;
		while (e > i && s[e - 1] != '(')
			e--;
		if (e > i + 1) {
			e--;
			while (e > i && is_blank(s[e - 1]))
				e--;
			s += i;
			n = e - i;
		}
	}
	if (!d->in_stack) {
		if (new_part(d, 1) != 0)
			return -1;
		d->in_stack = 1;
	}
	n = strip_offset(s, n);
	if (d->in_entry)
		return push(d, tidy(d, s, n, PF_NAME_RUST | PF_NAME_PARAMS, 0));
	/* DTrace's Java frames: "caller->inlined->...", leaf pushed first;
	 * cut[j] is where part j starts. */
	for (k = 0, i = 0;; i += a + 2) {
		a = pf_name_arrow(s + i, n - i);
		if (pf_grow(&d->cut, &d->ccap, k + 1, sizeof(*d->cut)) != 0)
			return nomem(d);
		d->cut[k++] = i;
		if (i + a == n)
			break;
	}
	for (e = n; k > 0; k--) {
		i = d->cut[k - 1];
		/* "a->" or "->b": no frame for the empty side. */
		if ((e > i || (k == 1 && e == n)) &&
		    push(d, tidy(d, s + i, e - i, DTRACE_TIDY, k > 1)) != 0)
			return -1;
		e = i - 2;
	}
	return 0;
}

/* Adds the entry read so far with count c, and starts the next. */
static int
finish(struct dt *d, pf_count c)
{
	size_t i, k, m = 0;
	int rc = 0;

	if (pf_grow(&d->out, &d->ocap, d->nframes + 1, sizeof(*d->out)) != 0)
		return nomem(d);
	for (i = 0; i < d->nparts; i++)
		if (!d->parts[i].stack)
			for (k = 0; k < d->parts[i].n; k++)
				d->out[m++] = d->frames[d->parts[i].first + k];
	for (i = d->nparts; i > 0; i--) {
		struct part *pt = &d->parts[i - 1];

		if (pt->stack)
			for (k = pt->n; k > 0; k--)
				d->out[m++] = d->frames[pt->first + k - 1];
	}
	if (m == 0) {
		d->out[0] = pf_profile_intern(d->p, "[no stack]", 10);
		if (d->out[0] == UINT32_MAX)
			return nomem(d);
		m = 1;
	}
	d->st->samples++;
	if (c > 0 && pf_profile_add(d->p, d->out, m, c, 0, d->err) != 0) {
		pf_err_name(d->err, d->name);
		d->err->line = d->line;
		rc = -1;
	}
	d->nframes = d->nparts = 0;
	d->in_stack = d->in_entry = 0;
	return rc;
}

/*
 * The text of a bpftrace key outside its stacks: ", comm, 123]: 5" or
 * "]: 5" or ", ".  A leading comma ends the part before it; scalars become
 * parts of their own; "]: N" ends the entry.
 */
static int
key_text(struct dt *d, const char *s, size_t n)
{
	const char *end = NULL;
	size_t i, start;
	pf_count c = 0;

	/* The entry ends at the last "]:" followed by only a number. */
	for (i = n; i >= 2; i--) {
		if (s[i - 2] == ']' && s[i - 1] == ':') {
			size_t k = i;

			while (k < n && is_blank(s[k]))
				k++;
			if (k < n && pf_count_parse(s + k, n - k, &c) == PF_COUNT_OK) {
				end = s + i - 2;
				n = i - 2;
			} else if (k < n && s[k] >= '0' && s[k] <= '9') {
				return pf_err(d->err, d->name, d->line, "count '%.*s' "
				    "is not a number or too large (more than 2^64)",
				    (int)(n - k > 40 ? 40 : n - k), s + k);
			}
			break;
		}
	}
	i = 0;
	if (n > 0 && s[0] == ',') {
		/* The part before the comma ends; an empty one is a stack. */
		if (d->nparts == 0 && new_part(d, 1) != 0)
			return -1;
		d->in_stack = 0;
		i = 1;
	}
	for (;;) {
		while (i < n && is_blank(s[i]))
			i++;
		if (i >= n)
			break;
		start = i;
		while (i < n && s[i] != ',')
			i++;
		{
			size_t e = i;

			while (e > start && is_blank(s[e - 1]))
				e--;
			if (e > start && (new_part(d, 0) != 0 ||
			    push(d, intern(d, s + start, e - start)) != 0))
				return -1;
		}
		d->in_stack = 0;
		if (i < n)
			i++;	/* the comma */
	}
	if (end != NULL)
		return finish(d, c);
	return 0;
}

/* Digits at s[*i], then a blank: skips them and the blanks after. */
static int
number_token(const char *s, size_t n, size_t *i)
{
	size_t k = *i;

	while (k < n && s[k] >= '0' && s[k] <= '9')
		k++;
	if (k == *i || k == n || !is_blank(s[k]))
		return 0;
	while (k < n && is_blank(s[k]))
		k++;
	*i = k;
	return 1;
}

/*
 * The line DTrace prints when a probe fires ("  0  64091   :tick-60s",
 * under the heading "CPU ID FUNCTION:NAME"): two numbers and the probe's
 * name.  No frame starts with two numbers.
 */
static int
probe_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_blank(s[i]))
		i++;
	return number_token(s, n, &i) && number_token(s, n, &i) && i < n;
}

static int
count_only(const char *s, size_t n, pf_count *c)
{
	size_t i = 0;

	while (i < n && is_blank(s[i]))
		i++;
	return i < n && pf_count_parse(s + i, n - i, c) == PF_COUNT_OK;
}

/* Blanks and then only digits: the count under a DTrace stack. */
static int
count_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_blank(s[i]))
		i++;
	if (i == 0 || i == n)
		return 0;
	for (; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return 1;
}

/* Frames in a row that end the peek and make it DTrace's. */
#define DEEP_RUN 64

/* "@name[" (bpftrace's map entry): '@', an identifier, '['. */
static int
bpftrace_key(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 2 || s[0] != '@')
		return 0;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	return i < n && s[i] == '[';
}

/*
 * A bpftrace map entry, or an indented DTrace frame ("module`func+0x1c"
 * or "0x4a3b2c") over an indented line holding only a number.
 */
int
pf_dtrace_detect(const struct pf_peek *pk, size_t *where)
{
	size_t i, k, run = 0, run_start = 0;
	int indented = 0;

	for (i = 0; i < pk->nlines; i++) {
		const char *s = pk->line[i].s;
		size_t len = pk->line[i].len;

		if (bpftrace_key(s, len) || (count_line(s, len) && indented)) {
			*where = i;
			return PF_CLAIM_LINE;
		}
		if (count_line(s, len))
			continue;
		for (k = 0; k < len && is_blank(s[k]); k++)
			;
		indented = k > 0 && (memchr(s, '`', len) != NULL ||
		    pf_peek_starts(s + k, len - k, "0x"));
		/* Indented "module`func" frames. */
		if (k > 0 && k < len && memchr(s, '`', len) != NULL) {
			if (run++ == 0)
				run_start = i;
		} else {
			run = 0;
		}
	}
	/* A first stack deeper than the peek: its count is beyond it, but
	 * frames in DTrace's "module`func" form fill the rest of it. */
	if (run >= DEEP_RUN) {
		*where = run_start;
		return PF_CLAIM_LINE;
	}
	return PF_CLAIM_NONE;
}

int
pf_dtrace_read(struct pf_profile *p, struct pf_reader *r,
    const struct pf_collapse_options *o, struct pf_collapse_stats *st,
    struct pf_error *err)
{
	struct dt d;
	const char *s, *br;
	size_t n, i;
	pf_count c;
	int lt, rc = -1;

	PF_UNUSED(o);
	memset(&d, 0, sizeof(d));
	d.p = p;
	d.st = st;
	d.err = err;
	d.name = pf_reader_name(r);
	while ((lt = pf_reader_line(r, &s, &n, err)) != PF_LINE_EOF) {
		d.line = pf_reader_lineno(r);
		if (lt == PF_LINE_ERROR)
			goto out;
		if (lt == PF_LINE_TOOLONG) {
			pf_err(err, d.name, d.line, "line longer than %u bytes", PF_LINE_MAX);
			goto out;
		}
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		if (memchr(s, '\0', n) != NULL) {
			pf_err(err, d.name, d.line, "NUL byte in line (binary input?)");
			goto out;
		}
		/* bpftrace: "@name[" starts an entry. */
		if (n > 0 && s[0] == '@' && (br = memchr(s, '[', n)) != NULL) {
			if (d.in_entry) {
				pf_err(err, d.name, d.line, "a map entry starts before "
				    "the one before it ended with ']: COUNT'");
				goto out;
			}
			d.nframes = d.nparts = 0;
			d.in_stack = 0;
			d.in_entry = 1;
			i = (size_t)(br - s) + 1;
			if (key_text(&d, s + i, n - i) != 0)
				goto out;
			continue;
		}
		if (d.in_entry) {
			if (n > 0 && is_blank(s[0])) {
				for (i = 0; i < n && is_blank(s[i]); i++)
					;
				if (frame(&d, s + i, n - i) != 0)
					goto out;
			} else if (n > 0 && key_text(&d, s, n) != 0) {
				goto out;
			}
			continue;
		}
		/*
		 * DTrace: frames, then a count line.  Each stack of a key
		 * starts with a newline, so a blank line ends a part of the
		 * entry (the kernel stack of @[stack(), ustack()]), not the
		 * entry: only its count line does.
		 */
		if (n == 0) {
			d.in_stack = 0;
			continue;
		}
		if (count_line(s, n) && !count_only(s, n, &c) && d.nparts > 0) {
			for (i = 0; i < n && is_blank(s[i]); i++)
				;
			pf_err(err, d.name, d.line, "count '%.*s' is too large "
			    "(more than 2^64)", (int)(n - i > 40 ? 40 : n - i), s + i);
			goto out;
		}
		if (count_only(s, n, &c) && is_blank(s[0])) {
			if (d.nparts == 0) {
				/* A count with no key above it: not ours. */
				continue;
			}
			if (finish(&d, c) != 0)
				goto out;
			continue;
		}
		if (!is_blank(s[0]) || probe_line(s, n)) {
			/* Unindented: a header, a histogram, a scalar map;
			 * or the line of a probe firing. */
			d.nframes = d.nparts = 0;
			d.in_stack = 0;
			continue;
		}
		for (i = 0; i < n && is_blank(s[i]); i++)
			;
		/*
		 * DTrace indents the scalar parts of a key (execname) less
		 * than the frames of a stack: lines above deeper ones are
		 * scalars.
		 */
		if (d.in_stack && i > d.indent + 2) {
			d.parts[d.nparts - 1].stack = 0;
			d.in_stack = 0;
		}
		if (!d.in_stack)
			d.indent = i;
		if (frame(&d, s + i, n - i) != 0)
			goto out;
	}
	if (d.in_entry) {
		pf_err(err, d.name, d.line, "the input ends inside a map entry "
		    "(no ']: COUNT'; a truncated file?)");
		goto out;
	}
	if (st->samples == 0) {
		pf_err(err, d.name, 0, "no DTrace or bpftrace aggregation of "
		    "stacks found (frames over a count line, or '@[...]: COUNT')");
		goto out;
	}
	if (d.nparts > 0 && d.parts[d.nparts - 1].stack) {
		pf_err(err, d.name, d.line, "the input ends inside a stack (no "
		    "count line under its frames; a truncated file?)");
		goto out;
	}
	rc = 0;
out:
	free(d.frames);
	free(d.parts);
	free(d.out);
	free(d.buf);
	free(d.cut);
	return rc;
}
