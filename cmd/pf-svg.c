/*
 * pf-svg - draw folded stacks as a flame graph: an interactive SVG, or a
 * PNG or PDF.  Options follow FlameGraph's flamegraph.pl.
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
	    "usage: pf-svg [--title TEXT] [--subtitle TEXT] [--width N] [--height N]\n"
	    "              [--minwidth N[%%]] [--fonttype FONT] [--fontsize N] [--fontwidth N]\n"
	    "              [--countname NAME] [--nametype TEXT] [--colors PALETTE]\n"
	    "              [--bgcolors COLORS] [--hash | --random] [--cp | --palette-map FILE]\n"
	    "              [--reverse] [--inverted] [--flamechart] [--negate]\n"
	    "              [--diff-mode self|inclusive] [--factor N] [--total N]\n"
	    "              [--notes TEXT] [--nameattr FILE] [--encoding NAME]\n"
	    "              [--no-font-metrics] [--format svg|png|pdf] [-o FILE] [FILE ...]\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "Draw folded stacks (\"root;...;leaf COUNT\", or \"stack BEFORE AFTER\" for a\n"
	    "differential graph) as a flame graph.  With no FILE, or when FILE is -,\n"
	    "read standard input; several files are merged.\n"
	    "\n"
	    "  -o, --output FILE      write to FILE (its extension picks the format)\n"
	    "      --format FMT       svg (default), png or pdf\n"
	    "      --title TEXT       title (default \"Flame Graph\")\n"
	    "      --subtitle TEXT    second title line\n"
	    "      --width N          image width in pixels (1200)\n"
	    "      --height N         frame height in pixels (16)\n"
	    "      --minwidth N[%%]    omit frames narrower than N pixels, or N%% of the\n"
	    "                         total (0.1)\n"
	    "      --fonttype FONT    font family (Verdana)\n"
	    "      --fontsize N       font size (12)\n"
	    "      --fontwidth N      average glyph width / font size (0.59)\n"
	    "      --no-font-metrics  fit labels by --fontwidth, not measured glyphs\n"
	    "      --countname NAME   what a count is (samples)\n"
	    "      --nametype TEXT    label of the hover details (Function:)\n"
	    "      --colors PALETTE   hot mem io wakeup chain java js perl python rust\n"
	    "                         red green blue aqua yellow purple orange (hot)\n"
	    "      --bgcolors COLORS  yellow blue green grey or #RRGGBB\n"
	    "      --hash             colour by name (the default)\n"
	    "      --random           random shades (not reproducible)\n"
	    "      --cp               keep colours in ./palette.map\n"
	    "      --palette-map FILE keep colours in FILE\n"
	    "      --reverse          reverse every stack (leaf first)\n"
	    "      --inverted         icicle graph (roots at the top)\n"
	    "      --flamechart       keep input order; merge neighbours only\n"
	    "      --negate           differential: swap red and blue\n"
	    "      --diff-mode MODE   self (default) or inclusive: colour by the change of\n"
	    "                         a frame's own samples or of its whole subtree\n"
	    "      --factor N         show counts multiplied by N\n"
	    "      --total N          the count that is 100%% (default: the sum)\n"
	    "      --notes TEXT       notes stored in the SVG\n"
	    "      --nameattr FILE    extra attributes per function (NAME<TAB>k=v...)\n"
	    "      --encoding NAME    encoding of the frame names (UTF-8)\n"
	    );
	limit_help(25);
	progress_help(25);
	printf(
	    "  -h, --help             show this help\n"
	    "  -V, --version          show the version\n"
	    "\n"
	    "See pf-svg(1) and pf-folded(5).\n");
}

/* A positive number for option name; exits with usage status otherwise. */
static double
number(const char *name, const char *s, int allow_zero)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < 0 ||
	    (!allow_zero && v == 0) || v > 1e9) {
		warnx("invalid --%s '%s': expected a %s number", name, s,
		    allow_zero ? "non-negative" : "positive");
		exit(2);
	}
	return v;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/*
 * The picture or document format an output name's extension asks for when
 * it is one pf-svg does not write, or NULL.  An SVG under such a name
 * would only be found broken later.
 */
static const char *
other_format(const char *path)
{
	static const struct { const char *ext, *name; } formats[] = {
		{ ".jpg", "JPEG" }, { ".jpeg", "JPEG" }, { ".gif", "GIF" },
		{ ".webp", "WebP" }, { ".bmp", "BMP" }, { ".tif", "TIFF" },
		{ ".tiff", "TIFF" }, { ".ico", "ICO" }, { ".eps", "EPS" },
		{ ".ps", "PostScript" }, { ".svgz", "compressed SVG" },
		{ ".html", "HTML" }, { ".htm", "HTML" },
	};
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (ends_with(path, formats[i].ext))
			return formats[i].name;
	return NULL;
}

int
main(int argc, char **argv)
{
	static const char *dash[] = { "-" };
	enum { OPT_TITLE = 256, OPT_SUBTITLE, OPT_WIDTH, OPT_HEIGHT, OPT_MINWIDTH,
	    OPT_FONTTYPE, OPT_FONTSIZE, OPT_FONTWIDTH, OPT_COUNTNAME, OPT_NAMETYPE,
	    OPT_COLORS, OPT_BGCOLORS, OPT_HASH, OPT_RANDOM, OPT_CP, OPT_PALMAP,
	    OPT_REVERSE, OPT_INVERTED, OPT_FLAMECHART, OPT_NEGATE, OPT_DIFFMODE,
	    OPT_FACTOR, OPT_TOTAL, OPT_NOTES, OPT_NAMEATTR, OPT_ENCODING,
	    OPT_NOMETRICS, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "subtitle", required_argument, NULL, OPT_SUBTITLE },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "height", required_argument, NULL, OPT_HEIGHT },
		{ "minwidth", required_argument, NULL, OPT_MINWIDTH },
		{ "fonttype", required_argument, NULL, OPT_FONTTYPE },
		{ "fontsize", required_argument, NULL, OPT_FONTSIZE },
		{ "fontwidth", required_argument, NULL, OPT_FONTWIDTH },
		{ "no-font-metrics", no_argument, NULL, OPT_NOMETRICS },
		{ "countname", required_argument, NULL, OPT_COUNTNAME },
		{ "nametype", required_argument, NULL, OPT_NAMETYPE },
		{ "colors", required_argument, NULL, OPT_COLORS },
		{ "bgcolors", required_argument, NULL, OPT_BGCOLORS },
		{ "hash", no_argument, NULL, OPT_HASH },
		{ "random", no_argument, NULL, OPT_RANDOM },
		{ "cp", no_argument, NULL, OPT_CP },
		{ "palette-map", required_argument, NULL, OPT_PALMAP },
		{ "reverse", no_argument, NULL, OPT_REVERSE },
		{ "inverted", no_argument, NULL, OPT_INVERTED },
		{ "flamechart", no_argument, NULL, OPT_FLAMECHART },
		{ "negate", no_argument, NULL, OPT_NEGATE },
		{ "diff-mode", required_argument, NULL, OPT_DIFFMODE },
		{ "factor", required_argument, NULL, OPT_FACTOR },
		{ "total", required_argument, NULL, OPT_TOTAL },
		{ "notes", required_argument, NULL, OPT_NOTES },
		{ "nameattr", required_argument, NULL, OPT_NAMEATTR },
		{ "encoding", required_argument, NULL, OPT_ENCODING },
		LIMIT_LONGOPTS,
		PROGRESS_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_flame_options o;
	struct pf_error err = { 0 };
	struct pf_palette_map *map = NULL;
	struct pf_nameattr *attrs = NULL;
	struct pf_flame *f = NULL;
	const char *output = NULL, *format = NULL, *mapfile = NULL, *nameattr = NULL;
	const char *other;
	enum pf_output_format fmt = PF_OUTPUT_SVG;
	FILE *out = stdout;
	int ch, i, rval = 0;

	pf_flame_options_init(&o);
	while ((ch = getopt_long(argc, argv, "o:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': output = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_TITLE: o.title = optarg; break;
		case OPT_SUBTITLE: o.subtitle = optarg; break;
		case OPT_WIDTH: o.width = number("width", optarg, 0); break;
		case OPT_HEIGHT: o.frame_height = number("height", optarg, 0); break;
		case OPT_MINWIDTH:
			if (flame_opt_minwidth(optarg, &o) != 0)
				return 2;
			break;
		case OPT_FONTTYPE: o.fonttype = optarg; break;
		case OPT_FONTSIZE: o.fontsize = number("fontsize", optarg, 0); break;
		case OPT_FONTWIDTH: o.fontwidth = number("fontwidth", optarg, 0); break;
		case OPT_NOMETRICS: o.font_metrics = 0; break;
		case OPT_COUNTNAME: o.countname = optarg; break;
		case OPT_NAMETYPE: o.nametype = optarg; break;
		case OPT_COLORS:
			if (flame_opt_colors(optarg, &o) != 0)
				return 2;
			break;
		case OPT_BGCOLORS: o.bgcolors = optarg; break;
		case OPT_HASH: o.random = 0; break;
		case OPT_RANDOM: o.random = 1; break;
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
		case OPT_FACTOR: o.factor = number("factor", optarg, 0); break;
		case OPT_TOTAL:
			if (pf_count_parse(optarg, strlen(optarg), &o.total) != PF_COUNT_OK ||
			    o.total == 0) {
				warnx("invalid --total '%s': expected a positive count", optarg);
				return 2;
			}
			break;
		case OPT_NOTES: o.notes = optarg; break;
		case OPT_NAMEATTR: nameattr = optarg; break;
		case OPT_ENCODING: o.encoding = optarg; break;
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
			printf("pf-svg %s\n", PF_VERSION_STRING);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	if (format != NULL) {
		if (strcmp(format, "svg") == 0)
			fmt = PF_OUTPUT_SVG;
		else if (strcmp(format, "png") == 0)
			fmt = PF_OUTPUT_PNG;
		else if (strcmp(format, "pdf") == 0)
			fmt = PF_OUTPUT_PDF;
		else {
			warnx("unknown --format '%s' (svg, png or pdf)", format);
			return 2;
		}
	} else if (output != NULL && ends_with(output, ".png")) {
		fmt = PF_OUTPUT_PNG;
	} else if (output != NULL && ends_with(output, ".pdf")) {
		fmt = PF_OUTPUT_PDF;
	} else if (output != NULL && (other = other_format(output)) != NULL) {
		warnx("cannot write '%s': pf-svg writes SVG, PNG or PDF, not %s%s", output,
		    other, strcmp(other, "HTML") == 0 ? " (pf-html does)" : "");
		return 2;
	}
	if (o.bgcolors != NULL && !pf_palette_bgcolors_ok(o.bgcolors)) {
		warnx("unknown --bgcolors '%s' (yellow, blue, green, grey or #RRGGBB)",
		    o.bgcolors);
		return 2;
	}

	if (mapfile != NULL && (map = pf_palette_map_load(mapfile, &err)) == NULL) {
		report(&err);
		return 1;
	}
	if (nameattr != NULL) {
		struct pf_reader *r = pf_reader_open(nameattr, &err);

		if (r == NULL || (attrs = pf_nameattr_load(r, &err)) == NULL) {
			report(&err);
			pf_reader_free(r);
			rval = 1;
			goto out;
		}
		pf_reader_free(r);
	}
	o.palette_map = map;
	o.nameattr = attrs;
	if ((f = pf_flame_new(&o, &err)) == NULL) {
		report(&err);
		rval = err.code == PF_ERR_USAGE ? 2 : 1;
		goto out;
	}
	progress_inputs(argc > 0 ? (const char *const *)argv : dash,
	    argc > 0 ? (size_t)argc : 1);
	progress_start("pf-svg");
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
	if (pf_flame_write(f, fmt, out, &err) != 0) {
		warnx("%s%s%s", output ? output : "", output ? ": " : "", err.msg);
		rval = 1;
	} else if (pf_flame_nframes_drawn(f) == 0) {
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
	pf_nameattr_free(attrs);
	pf_palette_map_free(map);
	return rval;
}
