/*
 * write.c - lay a flame graph out and hand it to the renderer of the
 * format asked for.
 */
#include "internal.h"

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

void
pf_flame_bgcolors(const struct pf_flame *f, const char **c1, const char **c2)
{
	const char *b = f->o.bgcolors;

	if (b == NULL) {
		switch (f->o.palette) {
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

int
pf_bgcolors_ok(const char *s)
{
	return strcmp(s, "yellow") == 0 || strcmp(s, "blue") == 0 ||
	    strcmp(s, "green") == 0 || strcmp(s, "grey") == 0 ||
	    strcmp(s, "gray") == 0 || hex_ok(s);
}

int
pf_flame_write(struct pf_flame *f, enum pf_output_format fmt, FILE *out,
    struct pf_error *err)
{
	if (f->o.bgcolors != NULL && !pf_bgcolors_ok(f->o.bgcolors))
		return pf_errc(err, PF_ERR_USAGE, NULL, 0, 0, "unknown --bgcolors '%s' (yellow, blue, "
		    "green, grey or #RRGGBB)", f->o.bgcolors);
	if (pf_flame_layout(f, err) != 0)
		return -1;
	if (fmt == PF_OUTPUT_SVG)
		return pf_flame_write_svg(f, out, err);
	return pf_flame_write_cairo(f, fmt, out, err);
}
