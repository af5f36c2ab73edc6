/*
 * test-sortorder.c - the order of folded output (pf_profile_sorted): byte
 * order of the folded text, with names that are prefixes of others and
 * continue with bytes below and above ';' ("f", "f!", "f2", "f;"-free
 * "fz"), enough stacks for the frames to be ranked, and stacks ending at
 * the frame where they differ.
 */
#include "tap.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_order(void)
{
	static const char *const names[] = { "f", "f!", "f2", "fz", "g", "f 1", "", "e" };
	enum { NN = sizeof(names) / sizeof(names[0]) };
	struct pf_profile *p = pf_profile_new();
	struct pf_error err;
	char *lines[NN + NN * NN + NN * NN * NN], *out, *want, *w;
	size_t n = 0, i, j, k, len = 0;
	uint32_t id[NN], st[3];

	memset(&err, 0, sizeof(err));
	for (i = 0; i < NN; i++)
		id[i] = pf_profile_intern(p, names[i], strlen(names[i]));
	/* Every stack of one to three frames, added in a scrambled order. */
	for (i = 0; i < NN; i++)
		for (j = 0; j <= NN; j++)
			for (k = 0; k <= NN; k++) {
				size_t d = 1;
				char buf[64];

				if (j == NN && k < NN)
					continue;
				st[0] = id[(i * 5 + 3) % NN];
				snprintf(buf, sizeof(buf), "%s", names[(i * 5 + 3) % NN]);
				if (j < NN) {
					st[d++] = id[(j * 3 + 1) % NN];
					snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
					    ";%s", names[(j * 3 + 1) % NN]);
				}
				if (k < NN) {
					st[d++] = id[k];
					snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
					    ";%s", names[k]);
				}
				pf_profile_add(p, st, d, pf_count_from_u64(1), 0, &err);
				/* A stack of one nameless frame is written as
				   "[no name]" (pf_profile_add). */
				lines[n] = strdup(d == 1 && buf[0] == '\0' ? "[no name]" : buf);
				len += strlen(lines[n]) + 3;
				n++;
			}
	qsort(lines, n, sizeof(*lines), cmp_str);
	want = w = malloc(len + 1);
	for (i = 0; i < n; i++) {
		w += sprintf(w, "%s 1\n", lines[i]);
		free(lines[i]);
	}
	out = folded_text(p, NULL);
	tap_ok(n >= 64, "enough stacks to rank the frames", "%zu", n);
	tap_str("byte order of the folded text", out, want);
	free(out);
	free(want);
	pf_profile_free(p);
}

int
main(void)
{
	tap_group("order", test_order);
	return tap_done();
}
