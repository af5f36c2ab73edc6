/*
 * common.h - the little the programs in cmd/ share: how they report.
 *
 * Messages go through err(3)'s warnx(), which starts them with the program
 * name ("pf-svg: ..."); library errors become "'NAME' line N: MESSAGE".
 */
#ifndef PF_CMD_COMMON_H
#define PF_CMD_COMMON_H

#include <err.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pf.h"

/* ----------------------------------------------------------- progress */

/*
 * --progress[=WHEN]: while the inputs are read, a line on stderr says how
 * many bytes were read, how fast, and what part of the inputs that is when
 * their sizes are known ("pf-svg: 1.2 GiB read, 310.5 MiB/s, 41%"), redrawn
 * in place with '\r' four times a second from the first second on and
 * erased at the end; so a run that takes less than a second shows nothing.
 * WHEN is auto (the default: only when stderr is a terminal), always or
 * never.  A thread draws it from the count the library keeps
 * (pf_input_bytes_read), so reading never waits for it; warnings erase it
 * first (the warnx below), and it is drawn again at the next tick.
 */
enum { OPT_MAX_INPUT_SIZE = 1000, OPT_MAX_INFLATE_RATIO, OPT_PROGRESS };
#define PROGRESS_LONGOPT { "progress", optional_argument, NULL, OPT_PROGRESS }
enum { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER };

static struct {
	int when;
	const char *prog;
	uint64_t total;		/* of the inputs, 0 when unknown */
	int unsized;		/* an input's size is unknown */
	uint64_t base;		/* bytes read before them (a palette map) */
	struct timespec t0;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running, stop;
	int width;		/* of the line drawn, 0: none */
} progress = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* Its lines of --help, descriptions starting at column col. */
static inline void
progress_help(int col)
{
	printf("      --progress[=WHEN]\n"
	    "%*sshow bytes read, rate and percentage on\n"
	    "%*sstderr during a long read: auto (when it is\n"
	    "%*sa terminal), always (the default of the bare\n"
	    "%*soption) or never\n", col, "", col, "", col, "", col, "");
}

/* Takes the value of --progress; 0, or 2 after a message. */
static inline int
progress_opt(const char *arg)
{
	if (arg == NULL || strcmp(arg, "always") == 0)
		progress.when = PROGRESS_ALWAYS;
	else if (strcmp(arg, "auto") == 0)
		progress.when = PROGRESS_AUTO;
	else if (strcmp(arg, "never") == 0)
		progress.when = PROGRESS_NEVER;
	else {
		warnx("invalid --progress '%s': expected auto, always or never", arg);
		return 2;
	}
	return 0;
}

/* Erases the line drawn, if any; called with progress.mu held. */
static inline void
progress_erase(void)
{
	if (progress.width > 0)
		fprintf(stderr, "\r%*s\r", progress.width, "");
	progress.width = 0;
}

static inline double
progress_seconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - progress.t0.tv_sec) +
	    (double)(now.tv_nsec - progress.t0.tv_nsec) / 1e9;
}

static void *
progress_run(void *arg)
{
	struct timespec next;
	char line[160];
	double secs;
	uint64_t done;
	int sized, n;

	(void)arg;
	pthread_mutex_lock(&progress.mu);
	next = progress.t0;
	while (!progress.stop) {
		next.tv_nsec += 250000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (!progress.stop &&
		    pthread_cond_timedwait(&progress.cv, &progress.mu, &next) != ETIMEDOUT)
			;
		if (progress.stop || (secs = progress_seconds()) < 1.0)
			continue;
		done = pf_input_bytes_read(&sized) - progress.base;
		pf_progress_line(line, sizeof(line), done, sized ? progress.total : 0, secs);
		n = fprintf(stderr, "\r%s: %s", progress.prog, line) - 1;
		/* Spaces over the end of a longer line drawn before. */
		if (n < progress.width)
			fprintf(stderr, "%*s", progress.width - n, "");
		fflush(stderr);
		if (n > progress.width)
			progress.width = n;
	}
	progress_erase();
	pthread_mutex_unlock(&progress.mu);
	return NULL;
}

/* Adds the n inputs of paths ("-": stdin) to those the progress line
 * measures, before progress_start(). */
static inline void
progress_inputs(const char *const *paths, size_t n)
{
	struct stat st;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((strcmp(paths[i], "-") == 0 ? fstat(STDIN_FILENO, &st) :
		    stat(paths[i], &st)) != 0 || !S_ISREG(st.st_mode))
			progress.unsized = 1;	/* a pipe: no percentage */
		else
			progress.total += (uint64_t)st.st_size;
	}
}

/* Starts the progress line of prog, if --progress and stderr ask for one. */
static inline void
progress_start(const char *prog)
{
	pthread_condattr_t ca;

	if (progress.when == PROGRESS_NEVER ||
	    (progress.when == PROGRESS_AUTO && !isatty(STDERR_FILENO)))
		return;
	progress.prog = prog;
	if (progress.unsized)
		progress.total = 0;
	if (pthread_condattr_init(&ca) != 0)
		return;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_cond_init(&progress.cv, &ca) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &progress.t0);
		progress.base = pf_input_bytes_read(NULL);
		progress.stop = 0;
		progress.running = pthread_create(&progress.thread, NULL, progress_run, NULL) == 0;
		if (!progress.running)
			pthread_cond_destroy(&progress.cv);
	}
	pthread_condattr_destroy(&ca);
}

/* Stops the progress line and erases it. */
static inline void
progress_stop(void)
{
	if (!progress.running)
		return;
	pthread_mutex_lock(&progress.mu);
	progress.stop = 1;
	pthread_cond_signal(&progress.cv);
	pthread_mutex_unlock(&progress.mu);
	pthread_join(progress.thread, NULL);
	pthread_cond_destroy(&progress.cv);
	progress.running = 0;
}

/* warnx(3), erasing the progress line first: every message of the
 * programs goes through it. */
static inline void __attribute__((format(printf, 1, 2)))
progress_warnx(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&progress.mu);
	progress_erase();
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&progress.mu);
}
#define warnx progress_warnx

static inline void
report(const struct pf_error *e)
{
	char buf[1024];

	warnx("%s", pf_error_string(e, buf, sizeof(buf)));
}

/* ------------------------------------------------- the limits on any input */

/*
 * --max-input-size SIZE and --max-inflate-ratio N, which every program
 * takes (pf_input_limits).  Their option values are above any other's.
 */
#define LIMIT_LONGOPTS \
	{ "max-input-size", required_argument, NULL, OPT_MAX_INPUT_SIZE }, \
	{ "max-inflate-ratio", required_argument, NULL, OPT_MAX_INFLATE_RATIO }
static uint64_t limit_size = PF_INPUT_MAX_SIZE;
static unsigned limit_ratio = PF_INFLATE_MAX_RATIO;

/* Their lines of --help, descriptions starting at column col. */
static inline void
limit_help(int col)
{
	printf("      --max-input-size SIZE\n"
	    "%*shold at most SIZE bytes of an input in\n"
	    "%*smemory (default 2G; K, M, G, T; 0: no limit)\n"
	    "      --max-inflate-ratio N\n"
	    "%*srefuse gzip input inflating more than\n"
	    "%*sN times its size (default 200; 0: none)\n",
	    col, "", col, "", col, "", col, "");
}

/* Takes the value of one of the limit options; 0, or 2 after a message. */
static inline int
limit_opt(int ch, const char *arg)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (ch == OPT_MAX_INPUT_SIZE && end != arg) {
		switch (*end) {
		case 'k': case 'K': mul = 1ull << 10; end++; break;
		case 'm': case 'M': mul = 1ull << 20; end++; break;
		case 'g': case 'G': mul = 1ull << 30; end++; break;
		case 't': case 'T': mul = 1ull << 40; end++; break;
		}
		if (mul > 1 && strcmp(end, "iB") == 0)
			end += 2;
		else if (mul > 1 && (*end == 'B' || *end == 'b'))
			end++;
	}
	if (arg[0] < '0' || arg[0] > '9' || end == arg || *end != '\0' ||
	    errno != 0 || v > UINT64_MAX / mul ||
	    (ch == OPT_MAX_INFLATE_RATIO && v > UINT32_MAX)) {
		if (ch == OPT_MAX_INPUT_SIZE)
			warnx("invalid --max-input-size '%s': expected bytes, "
			    "with K, M, G or T for KiB, MiB, GiB, TiB", arg);
		else
			warnx("invalid --max-inflate-ratio '%s': expected a whole "
			    "number", arg);
		return 2;
	}
	if (ch == OPT_MAX_INPUT_SIZE)
		limit_size = v * mul;
	else
		limit_ratio = (unsigned)v;
	pf_input_limits(limit_size, limit_ratio);
	return 0;
}

/* ---------------------------------------------- what pf-svg and pf-html share */

/*
 * The flame graph options both renderers take.  Each returns 0, or says what
 * is wrong and returns 2, the exit status of a usage error.
 */
static inline int
flame_opt_minwidth(const char *arg, struct pf_flame_options *o)
{
	char num[64], *end;
	size_t n = strlen(arg);

	o->minwidth_percent = n > 1 && arg[n - 1] == '%';
	if (o->minwidth_percent)
		n--;
	snprintf(num, sizeof(num), "%.*s", (int)n, arg);
	errno = 0;
	o->minwidth = strtod(num, &end);
	if (n >= sizeof(num) || errno != 0 || end == num || *end != '\0' ||
	    !isfinite(o->minwidth) || o->minwidth < 0 || o->minwidth > 1e9) {
		warnx("invalid --minwidth '%s': expected a non-negative number", num);
		return 2;
	}
	return 0;
}

static inline int
flame_opt_colors(const char *arg, struct pf_flame_options *o)
{
	if (pf_palette_parse(arg, &o->palette) == 0)
		return 0;
	warnx("unknown --colors '%s' (hot, mem, io, wakeup, chain, java, js, perl, "
	    "python, rust, red, green, blue, aqua, yellow, purple, orange)", arg);
	return 2;
}

static inline int
flame_opt_diff_mode(const char *arg, struct pf_flame_options *o)
{
	if (strcmp(arg, "self") == 0)
		o->diff_mode = PF_DIFF_SELF;
	else if (strcmp(arg, "inclusive") == 0)
		o->diff_mode = PF_DIFF_INCLUSIVE;
	else {
		warnx("unknown --diff-mode '%s' (self or inclusive)", arg);
		return 2;
	}
	return 0;
}

/*
 * Whether the start of an input that is not folded stacks is a profile
 * pf-collapse reads: the format whose parser finds samples in it, or -1.
 */
static inline int
profile_format(const char *name, const char *buf, size_t len)
{
	struct pf_collapse_options o;
	struct pf_collapse_stats st;
	struct pf_error err = { 0 };
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_mem(name, buf, len);
	int format = -1;

	memset(&o, 0, sizeof(o));
	memset(&st, 0, sizeof(st));
	o.perf.jobs = 1;
	if (p != NULL && r != NULL && pf_collapse(p, r, &o, &st, &err) == 0 &&
	    st.format != PF_FORMAT_FOLDED && pf_profile_nstacks(p) > 0)
		format = st.format;
	pf_reader_free(r);
	pf_profile_free(p);
	return format;
}

/*
 * Adds the folded stacks of path ("-": stdin; gzip'ed or not) to f; 0, or
 * 1 after a report.  Input that fails to read as folded stacks but whose
 * start is another profile format gets a hint to fold it first.
 */
static inline int
flame_read_input(struct pf_flame *f, const char *path)
{
	struct pf_error err = { 0 };
	struct pf_reader *r = pf_reader_open(path, &err);
	const char *head;
	char *start = NULL;
	size_t n = 0;
	int rc = 0, format;

	if (r != NULL && pf_reader_gunzip(r, &err) >= 0) {
		n = pf_reader_peek(r, &head, (size_t)64 << 10, &err);
		if (err.msg[0] == '\0' && (start = malloc(n + 1)) != NULL)
			memcpy(start, head, n);
	}
	if (r == NULL || err.msg[0] != '\0' || pf_flame_read_folded(f, r, &err) != 0) {
		report(&err);
		if (err.code == PF_ERR_INPUT && start != NULL &&
		    (format = profile_format(err.name, start, n)) >= 0)
			warnx("'%s' looks like %s input, not folded stacks: fold it "
			    "with pf-collapse first", err.name, pf_format_name(format));
		rc = 1;
	}
	free(start);
	pf_reader_free(r);
	return rc;
}

/* The one warning about the malformed lines a lenient read of name
 * skipped, if it skipped any. */
static inline void
report_skipped(const char *name, const struct pf_folded_stats *st)
{
	if (st->skipped > 0)
		warnx("'%s': skipped %llu malformed line%s (first at line %llu: %s)",
		    strcmp(name, "-") == 0 ? "<stdin>" : name,
		    (unsigned long long)st->skipped, st->skipped == 1 ? "" : "s",
		    (unsigned long long)st->first_skipped, st->first_reason);
}

#endif /* PF_CMD_COMMON_H */
