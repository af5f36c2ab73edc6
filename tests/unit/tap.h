/*
 * tap.h - what the unit tests share: one "ok NAME" or "not ok NAME - why"
 * line per check, and helpers that run the library on text in memory or in
 * a temporary file.
 *
 * Included by exactly one .c file per test program, so everything here is
 * static; the unused attribute keeps -Wunused-function quiet in programs
 * that need only part of it.
 */
#ifndef PF_TEST_TAP_H
#define PF_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pf.h"

#define TAP_FN static __attribute__((unused))

static int tap_failed;
static int tap_checks;
static int tap_groups, tap_groups_failed;

/* Prints s[0..n-1] with C escapes, cut after max bytes. */
TAP_FN void
tap_escape(FILE *f, const char *s, size_t n, size_t max)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
	if (n > max)
		fprintf(f, "...(%zu bytes)", n);
}

/* Records one check; fmt (may be NULL) says why it failed. */
TAP_FN int __attribute__((format(printf, 3, 4)))
tap_ok(int good, const char *name, const char *fmt, ...)
{
	va_list ap;

	tap_checks++;
	if (good) {
		printf("ok %s\n", name);
		/* Flushed at once, so that a crash under the sanitizers
		 * still shows how far the checks went. */
		fflush(stdout);
		return 1;
	}
	tap_failed++;
	printf("not ok %s", name);
	if (fmt != NULL) {
		fputs(" - ", stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
	return 0;
}

#define CHECK(name, cond) tap_ok((cond) != 0, (name), "%s", #cond)

/* Compares bytes; on a difference shows both, escaped, on '#' lines. */
TAP_FN int
tap_mem(const char *name, const char *got, size_t glen, const char *want,
    size_t wlen)
{
	size_t i;

	if (got != NULL && glen == wlen && memcmp(got, want, wlen) == 0)
		return tap_ok(1, name, NULL);
	if (got == NULL)
		return tap_ok(0, name, "no output");
	for (i = 0; i < glen && i < wlen && got[i] == want[i]; i++)
		;
	tap_ok(0, name, "output differs at byte %zu (got %zu bytes, want %zu)",
	    i, glen, wlen);
	fputs("#   got:  ", stdout);
	tap_escape(stdout, got, glen, 2000);
	fputs("\n#   want: ", stdout);
	tap_escape(stdout, want, wlen, 2000);
	putchar('\n');
	return 0;
}

TAP_FN int
tap_str(const char *name, const char *got, const char *want)
{
	return tap_mem(name, got, got != NULL ? strlen(got) : 0, want, strlen(want));
}

/* Whether the error message contains needle; says what it was if not. */
TAP_FN int
tap_err(const char *name, const struct pf_error *e, const char *ename,
    uint64_t line, const char *needle)
{
	if (strcmp(e->name, ename) == 0 && e->line == line &&
	    strstr(e->msg, needle) != NULL)
		return tap_ok(1, name, NULL);
	return tap_ok(0, name, "error was '%s' line %llu: \"%s\"; want '%s' line %llu "
	    "with \"%s\"", e->name, (unsigned long long)e->line, e->msg, ename,
	    (unsigned long long)line, needle);
}

/*
 * Runs a group of checks in a child process, so that a crash (or a
 * sanitizer stopping the program) fails that group with one "not ok" line
 * and the other groups still run.
 */
TAP_FN void
tap_group(const char *name, void (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	tap_groups++;
	pid = fork();
	if (pid < 0) {
		fn();	/* no process to spare: run it here */
		return;
	}
	if (pid == 0) {
		tap_failed = 0;
		fn();
		fflush(stdout);
		_exit(tap_failed ? 3 : 0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		tap_ok(0, name, "waitpid failed");
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	tap_groups_failed++;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
		tap_failed++;	/* its "not ok" lines are out already */
		return;
	}
	if (WIFSIGNALED(status))
		tap_ok(0, name, "crashed with signal %d (the checks after the last "
		    "line above did not run)", WTERMSIG(status));
	else
		tap_ok(0, name, "stopped with exit status %d, a sanitizer report? "
		    "(the checks after the last line above did not run)",
		    WEXITSTATUS(status));
}

TAP_FN int
tap_done(void)
{
	if (tap_groups > 0)
		printf("# %d of %d groups failed\n", tap_groups_failed, tap_groups);
	else
		printf("# %d of %d checks failed\n", tap_failed, tap_checks);
	return tap_failed ? 1 : 0;
}

/* ------------------------------------------------------------- helpers */

/* The folded text of p (malloc'ed, NUL-terminated), or NULL on error. */
TAP_FN char *
folded_text(const struct pf_profile *p, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct pf_error err;

	if (f == NULL)
		return NULL;
	if (pf_folded_write(p, f, &err) != 0) {
		printf("# pf_folded_write: %s\n", err.msg);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	if (len != NULL)
		*len = n;
	return buf;
}

/* Reads folded text from memory into p under the name "t.folded". */
TAP_FN int
folded_from(struct pf_profile *p, const char *text, size_t len, struct pf_error *err)
{
	struct pf_reader *r = pf_reader_mem("t.folded", text, len);
	int rc;

	memset(err, 0, sizeof(*err));
	if (r == NULL)
		return -1;
	rc = pf_folded_read(p, r, err);
	pf_reader_free(r);
	return rc;
}

/* A temporary file holding data[0..len-1]; path receives its name. */
TAP_FN int
tmp_file(char path[64], const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	const char *p = data;
	ssize_t k;
	int fd;

	snprintf(path, 64, "%s/pf-test-XXXXXX", dir != NULL && strlen(dir) < 40 ?
	    dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	while (len > 0) {
		k = write(fd, p, len);
		if (k <= 0) {
			close(fd);
			unlink(path);
			return -1;
		}
		p += k;
		len -= (size_t)k;
	}
	close(fd);
	return 0;
}

#endif /* PF_TEST_TAP_H */
