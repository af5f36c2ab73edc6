/*
 * replay.c - a plain main() for the fuzz targets: runs
 * LLVMFuzzerTestOneInput on every file named on the command line and on
 * every file under the directories named (dot files skipped), so that the
 * stored corpora replay as ordinary tests without libFuzzer.
 *
 * Prints nothing on success.  A target reports a bug by crashing (or by
 * abort() after a message); a file that cannot be read is an error too.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_path(const char *path);

/* Runs the target on one file, read into a buffer of exactly its size so
 * the sanitizers see any read past its end. */
static int
replay_file(const char *path, off_t size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	size_t n;
	int rval = 0;

	if (f == NULL) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
		return 1;
	}
	buf = malloc(size > 0 ? (size_t)size : 1);
	if (buf == NULL) {
		fprintf(stderr, "replay: '%s': out of memory\n", path);
		fclose(f);
		return 1;
	}
	n = fread(buf, 1, (size_t)size, f);
	if (n != (size_t)size || ferror(f)) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		rval = 1;
	} else {
		LLVMFuzzerTestOneInput(buf, n);
	}
	free(buf);
	fclose(f);
	return rval;
}

static int
replay_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char *sub;
	int rval = 0;

	if (d == NULL) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		sub = malloc(strlen(path) + strlen(e->d_name) + 2);
		if (sub == NULL) {
			rval = 1;
			break;
		}
		sprintf(sub, "%s/%s", path, e->d_name);
		rval |= replay_path(sub);
		free(sub);
	}
	closedir(d);
	return rval;
}

static int
replay_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: cannot stat '%s': %s\n", path, strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode))
		return replay_dir(path);
	return replay_file(path, st.st_size);
}

int
main(int argc, char *argv[])
{
	int i, rval = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR ...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		rval |= replay_path(argv[i]);
	return rval;
}
