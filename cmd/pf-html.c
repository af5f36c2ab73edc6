/*
 * pf-html - draw folded stacks as one self-contained, interactive HTML
 * flame graph viewer.  The options are pf-svg's, where they apply.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"
#include "common.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: pf-html [--title TEXT] [--subtitle TEXT] [--colors PALETTE]\n"
	    "               [--cp | --palette-map FILE] [--countname NAME] [--minwidth N[%%]]\n"
	    "               [--inverted] [--reverse] [--flamechart] [--negate]\n"
	    "               [--diff-mode self|inclusive] [-o FILE] [FILE ...]\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "Write folded stacks (\"root;...;leaf COUNT\", or \"stack BEFORE AFTER\" for a\n"
	    "differential graph) as one HTML page holding an interactive flame graph\n"
	    "viewer.  With no FILE, or when FILE is -, read standard input; several\n"
	    "files are merged.\n"
	    "\n"
	    "  -o, --output FILE      write to FILE\n"
	    "      --title TEXT       title (default \"Flame Graph\")\n"
	    "      --subtitle TEXT    second title line\n"
	    "      --colors PALETTE   hot mem io wakeup chain java js perl python rust\n"
	    "                         red green blue aqua yellow purple orange (hot)\n"
	    "      --cp               keep colours in ./palette.map\n"
	    "      --palette-map FILE keep colours in FILE\n"
	    "      --countname NAME   what a count is (samples)\n"
	    "      --minwidth N[%%]    leave out frames narrower than N pixels of a\n"
	    "                         1200-pixel graph, or N%% of the total (0: none)\n"
	    "      --inverted         open as an icicle graph (roots at the top)\n"
	    "      --reverse          reverse every stack (leaf first)\n"
	    "      --flamechart       keep input order (pf-collapse --time-order)\n"
	    "      --negate           differential: swap red and blue\n"
	    "      --diff-mode MODE   self (default) or inclusive, at first\n"
	    );
	limit_help(25);
	progress_help(25);
	printf(
	    "  -h, --help             show this help\n"
	    "  -V, --version          show the version\n"
	    "\n"
	    "See pf-html(1) and pf-folded(5).\n");
}

int
main(int argc, char **argv)
{
	static const char *dash[] = { "-" };
	enum { OPT_TITLE = 256, OPT_SUBTITLE, OPT_MINWIDTH, OPT_COUNTNAME,
	    OPT_COLORS, OPT_CP, OPT_PALMAP, OPT_REVERSE, OPT_INVERTED,
	    OPT_FLAMECHART, OPT_NEGATE, OPT_DIFFMODE };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "subtitle", required_argument, NULL, OPT_SUBTITLE },
		{ "minwidth", required_argument, NULL, OPT_MINWIDTH },
		{ "countname", required_argument, NULL, OPT_COUNTNAME },
		{ "colors", required_argument, NULL, OPT_COLORS },
		{ "cp", no_argument, NULL, OPT_CP },
		{ "palette-map", required_argument, NULL, OPT_PALMAP },
		{ "reverse", no_argument, NULL, OPT_REVERSE },
		{ "inverted", no_argument, NULL, OPT_INVERTED },
		{ "flamechart", no_argument, NULL, OPT_FLAMECHART },
		{ "negate", no_argument, NULL, OPT_NEGATE },
		{ "diff-mode", required_argument, NULL, OPT_DIFFMODE },
		LIMIT_LONGOPTS,
		PROGRESS_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_flame_options o;
	struct pf_error err = { 0 };
	struct pf_palette_map *map = NULL;
	struct pf_flame *f = NULL;
	const char *output = NULL, *mapfile = NULL;
	FILE *out = stdout;
	int ch, i, rval = 0;

	pf_flame_options_init(&o);
	o.minwidth = 0;		/* the viewer merges narrow frames itself */
	while ((ch = getopt_long(argc, argv, "o:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': output = optarg; break;
		case OPT_TITLE: o.title = optarg; break;
		case OPT_SUBTITLE: o.subtitle = optarg; break;
		case OPT_MINWIDTH:
			if (flame_opt_minwidth(optarg, &o) != 0)
				return 2;
			break;
		case OPT_COUNTNAME: o.countname = optarg; break;
		case OPT_COLORS:
			if (flame_opt_colors(optarg, &o) != 0)
				return 2;
			break;
		case OPT_CP: mapfile = "palette.map"; break;
		case OPT_PALMAP: mapfile = optarg; break;
		case OPT_REVERSE: o.reverse = 1; break;
		case OPT_INVERTED: o.inverted = 1; break;
		case OPT_FLAMECHART: o.flamechart = 1; break;
		case OPT_NEGATE: o.negate = 1; break;
		case OPT_DIFFMODE:
			if (flame_opt_diff_mode(optarg, &o) != 0)
				return 2;
			break;
		case OPT_MAX_INPUT_SIZE:
		case OPT_MAX_INFLATE_RATIO:
			if (limit_opt(ch, optarg) != 0)
				return 2;
			break;
		case OPT_PROGRESS:
			if (progress_opt(optarg) != 0)
				return 2;
			break;
		case 'h':
			help();
			return 0;
		case 'V':
			printf("pf-html %s\n", PF_VERSION_STRING);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	if (mapfile != NULL && (map = pf_palette_map_load(mapfile, &err)) == NULL) {
		report(&err);
		return 1;
	}
	o.palette_map = map;
	if ((f = pf_flame_new(&o, &err)) == NULL) {
		report(&err);
		pf_palette_map_free(map);
		return 1;
	}
	progress_inputs(argc > 0 ? (const char *const *)argv : dash,
	    argc > 0 ? (size_t)argc : 1);
	progress_start("pf-html");
	if (argc == 0)
		rval |= flame_read_input(f, "-");
	for (i = 0; i < argc; i++)
		rval |= flame_read_input(f, argv[i]);
	progress_stop();
	/* A graph of what was read before an error would pass for the whole
	 * profile: write nothing, as pf-merge does. */
	if (rval != 0)
		goto out;

	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		warnx("cannot create '%s': %s", output, strerror(errno));
		rval = 1;
		goto out;
	}
	if (pf_flame_write(f, PF_OUTPUT_HTML, out, &err) != 0) {
		warnx("%s%s%s", output ? output : "", output ? ": " : "", err.msg);
		rval = 1;
	} else if (pf_flame_total(f) == 0) {
		warnx("no stack counts found");
		rval = 1;
	}
	if (output != NULL && fclose(out) != 0) {
		warnx("cannot write '%s': %s", output, strerror(errno));
		rval = 1;
	}
	if (map != NULL && pf_palette_map_save(map, mapfile, &err) != 0) {
		report(&err);
		rval = 1;
	}
out:
	pf_flame_free(f);
	pf_palette_map_free(map);
	return rval;
}
