/*
 * summary-write.c - pf-diff's summary as text for a terminal, Markdown for
 * a pull request comment, or JSON for other programs.  Frame names are
 * untrusted: each format says how it shows the bytes it cannot hold.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include "summary.h"

/*
 * Up to max bytes of name for a message: cut at a character boundary with
 * "..." after it, control characters and bytes that are not UTF-8 as '?'.
 * buf holds max + 4.
 */
static const char *
display_name(const char *name, size_t len, char *buf, size_t max)
{
	size_t i = 0, k, o = 0;

	while (i < len) {
		unsigned char c = (unsigned char)name[i];

		k = c < 0x80 ? 1 : pf_utf8_valid(name + i, len - i);
		if (k == 0)
			k = 1;
		if (o + k > max) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (k == 1 && (c < 0x20 || c >= 0x7f))
			buf[o] = '?';
		else
			memcpy(buf + o, name + i, k);
		o += k;
		i += k;
	}
	buf[o] = '\0';
	return buf;
}

/*
 * A count for text and Markdown: exact, except that the means of several
 * runs are rounded to two decimals (JSON keeps every digit).
 */
static size_t
show_count(const struct pf_summary *s, pf_count c, char *buf)
{
	const pf_count unit = PF_COUNT_ONE / 100;

	if ((s->nb > 1 || s->na > 1) && c % unit != 0 && c <= PF_COUNT_MAX - unit)
		c = (c + unit / 2) / unit * unit;
	return pf_count_format(c, buf);
}

/* "+42", "-0.5" or "0"; JSON has no '+'. */
static void
signed_count(pf_count mag, int neg, int plus, char *buf)
{
	if (mag == 0) {
		strcpy(buf, "0");
		return;
	}
	if (neg || plus)
		*buf++ = neg ? '-' : '+';
	pf_count_format(mag, buf);
}

/* The same for text and Markdown, rounded as show_count does. */
static void
show_signed(const struct pf_summary *s, pf_count mag, int neg, char *buf)
{
	char b[PF_COUNT_BUFSIZE];

	show_count(s, mag, b);
	if (strcmp(b, "0") == 0)
		strcpy(buf, "0");
	else
		sprintf(buf, "%c%s", neg ? '-' : '+', b);
}

#define NAME_SHORT 80

const char *
pf_summary_trip(const struct pf_summary *s, size_t i, char *buf, size_t size)
{
	const struct trip *t = &s->trips[i];
	const struct pf_gate_rule *r = &s->o.rules[t->rule];
	const struct row *w = t->row;
	char nm[NAME_SHORT + 4], c1[PF_COUNT_BUFSIZE], c2[PF_COUNT_BUFSIZE],
	    c3[PF_COUNT_BUFSIZE];
	const char *name;
	size_t len;

	name = pf_profile_frame(s->d, w->id, &len);
	display_name(name, len, nm, NAME_SHORT);
	if (r->share)
		snprintf(buf, size, "%s: '%s' %+.2f points (%.2f%% -> %.2f%%)",
		    r->text, nm, w->pb - w->pa, w->pa, w->pb);
	else {
		show_count(s, w->a, c1);
		show_count(s, w->b, c2);
		show_count(s, w->mag, c3);
		snprintf(buf, size, "%s: '%s' %s%s (%s -> %s)", r->text, nm,
		    w->mag == 0 ? "" : w->neg ? "-" : "+", c3, c1, c2);
	}
	return buf;
}

/* A share or a change of share for JSON: at most 6 decimals, no trailing
 * zeros, never "-0". */
static void
json_number(struct pf_outbuf *o, double v)
{
	char b[64];
	size_t n;

	if (!isfinite(v))
		v = 0;
	snprintf(b, sizeof(b), "%.6f", v);
	n = strlen(b);
	while (n > 0 && b[n - 1] == '0')
		n--;
	if (n > 0 && b[n - 1] == '.')
		n--;
	b[n] = '\0';
	pf_outbuf_puts(o, strcmp(b, "-0") == 0 ? "0" : b);
}

static void
out_printf(struct pf_outbuf *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
out_printf(struct pf_outbuf *o, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n > 0)
		pf_outbuf_put(o, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

static void
out_count(struct pf_outbuf *o, pf_count c)
{
	char b[PF_COUNT_BUFSIZE];

	pf_outbuf_put(o, b, pf_count_format(c, b));
}

static void
out_show(struct pf_outbuf *o, const struct pf_summary *s, pf_count c)
{
	char b[PF_COUNT_BUFSIZE];

	pf_outbuf_put(o, b, show_count(s, c, b));
}

/* A frame name in plain text: its bytes, control characters as '?'. */
static void
text_name(struct pf_outbuf *o, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f)
			continue;
		pf_outbuf_put(o, s + start, i - start);
		pf_outbuf_put(o, "?", 1);
		start = i + 1;
	}
	pf_outbuf_put(o, s + start, n - start);
}

/*
 * A frame name (or a folded stack) as a Markdown code span in a table
 * cell: a fence longer than any run of backticks in it, padded when it
 * starts or ends with a backtick or a space, '|' escaped for the table;
 * control characters and bytes that are not UTF-8 become U+FFFD.
 */
static void
md_code(struct pf_outbuf *o, const char *const *parts, const size_t *lens,
    size_t nparts)
{
	size_t i, j, run = 0, longest = 0, total = 0, k;
	int pad;
	char first = 0, last = 0;

	for (i = 0; i < nparts; i++) {
		for (j = 0; j < lens[i]; j++) {
			run = parts[i][j] == '`' ? run + 1 : 0;
			if (run > longest)
				longest = run;
		}
		if (i + 1 < nparts)
			run = 0;
		if (lens[i] > 0 && total == 0)
			first = parts[i][0];
		if (lens[i] > 0)
			last = parts[i][lens[i] - 1];
		total += lens[i] + (i > 0);
	}
	if (total == 0) {
		pf_outbuf_puts(o, "*(empty)*");
		return;
	}
	pad = first == '`' || last == '`' || first == ' ' || last == ' ';
	for (k = 0; k <= longest; k++)
		pf_outbuf_put(o, "`", 1);
	if (pad)
		pf_outbuf_put(o, " ", 1);
	for (i = 0; i < nparts; i++) {
		if (i > 0)
			pf_outbuf_put(o, ";", 1);
		for (j = 0; j < lens[i];) {
			unsigned char c = (unsigned char)parts[i][j];

			if (c >= 0x80) {
				k = pf_utf8_valid(parts[i] + j, lens[i] - j);
				if (k == 0) {
					pf_outbuf_put(o, "\xef\xbf\xbd", 3);
					j++;
				} else {
					pf_outbuf_put(o, parts[i] + j, k);
					j += k;
				}
			} else if (c < 0x20 || c == 0x7f) {
				pf_outbuf_put(o, "\xef\xbf\xbd", 3);
				j++;
			} else {
				if (c == '|')
					pf_outbuf_put(o, "\\", 1);
				pf_outbuf_put(o, parts[i] + j, 1);
				j++;
			}
		}
	}
	if (pad)
		pf_outbuf_put(o, " ", 1);
	for (k = 0; k <= longest; k++)
		pf_outbuf_put(o, "`", 1);
}

static void
md_name(struct pf_outbuf *o, const struct pf_profile *d, uint32_t id)
{
	size_t len;
	const char *name = pf_profile_frame(d, id, &len);

	md_code(o, &name, &len, 1);
}

/* The frames of stack i of d, for md_code; NULL when memory runs out. */
static int
stack_parts(const struct pf_profile *d, size_t i, const char ***parts,
    size_t **lens, size_t *n)
{
	const uint32_t *f = pf_profile_stack(d, i, n, NULL, NULL);
	size_t j;

	*parts = malloc((*n + 1) * sizeof(**parts));
	*lens = malloc((*n + 1) * sizeof(**lens));
	if (*parts == NULL || *lens == NULL) {
		free(*parts);
		free(*lens);
		return -1;
	}
	for (j = 0; j < *n; j++)
		(*parts)[j] = pf_profile_frame(d, f[j], &(*lens)[j]);
	return 0;
}

static const char *const kind_word[2] = { "self", "inclusive" };

static int
low_overlap(const struct pf_summary *s)
{
	return s->ov.before < 0.2 && s->ov.after < 0.2;
}

/* ------------------------------------------------------------------ text */

/* "BEFORE ARROW AFTER (CHANGE, PERCENT)", the totals of both sides, as
 * the text and the Markdown summaries open. */
static void
out_totals(const struct pf_summary *s, struct pf_outbuf *o, const char *arrow)
{
	char t3[PF_COUNT_BUFSIZE + 1];

	out_show(o, s, s->ta);
	pf_outbuf_puts(o, arrow);
	out_show(o, s, s->tb);
	show_signed(s, s->ta > s->tb ? s->ta - s->tb : s->tb - s->ta, s->tb < s->ta, t3);
	out_printf(o, " (%s", t3);
	if (s->ta != 0)
		out_printf(o, ", %+.2f%%", 100.0 * (pf_count_to_double(s->tb) -
		    pf_count_to_double(s->ta)) / pf_count_to_double(s->ta));
	pf_outbuf_puts(o, ")");
}

static void
text_total(const struct pf_summary *s, struct pf_outbuf *o)
{
	if (s->nb > 1 || s->na > 1)
		out_printf(o, "runs: %zu before, %zu after; counts are means per run, "
		    "shares means of each run's share\n", s->nb, s->na);
	pf_outbuf_puts(o, "total: ");
	out_totals(s, o, " -> ");
	pf_outbuf_puts(o, "\n");
	if (low_overlap(s))
		out_printf(o, "note: the stacks found on both sides hold only %.1f%% "
		    "of before and %.1f%% of after\n", 100 * s->ov.before, 100 * s->ov.after);
}

static void
text_table(const struct pf_summary *s, struct pf_outbuf *o, int kind)
{
	char b1[PF_COUNT_BUFSIZE], b2[PF_COUNT_BUFSIZE], b3[PF_COUNT_BUFSIZE + 1];
	size_t i, w1 = 6, w2 = 5, w3 = 6, len, shown = s->nshown[kind];
	const struct row *w;
	const char *name;

	if (shown == 0) {
		out_printf(o, "\n%s counts: no change to show\n", kind_word[kind]);
		return;
	}
	for (i = 0; i < s->nrows[kind]; i++) {
		w = &s->rows[kind][i];
		if (!w->shown)
			continue;
		if ((len = show_count(s, w->a, b1)) > w1)
			w1 = len;
		if ((len = show_count(s, w->b, b2)) > w2)
			w2 = len;
		show_signed(s, w->mag, w->neg, b3);
		if ((len = strlen(b3)) > w3)
			w3 = len;
	}
	out_printf(o, "\n%s counts, the %zu largest change%s:\n", kind_word[kind], shown,
	    shown == 1 ? "" : "s");
	out_printf(o, "  %*s  %*s  %*s  %8s  %8s  %8s  %s%s\n", (int)w1, "before",
	    (int)w2, "after", (int)w3, "change", "before%", "after%", "change%",
	    s->spread_known ? "spread    " : "", "function");
	for (i = 0; i < s->nrows[kind]; i++) {
		w = &s->rows[kind][i];
		if (!w->shown)
			continue;
		show_count(s, w->a, b1);
		show_count(s, w->b, b2);
		show_signed(s, w->mag, w->neg, b3);
		out_printf(o, "  %*s  %*s  %*s  %7.2f%%  %7.2f%%  %+8.2f  ", (int)w1, b1,
		    (int)w2, b2, (int)w3, b3, w->pa, w->pb, w->pb - w->pa);
		if (s->spread_known)
			out_printf(o, "%6.2f  %s ", w->spread, w->real ? "*" : " ");
		name = pf_profile_frame(s->d, w->id, &len);
		text_name(o, name, len);
		pf_outbuf_put(o, "\n", 1);
	}
}

static void
text_stacks(const struct pf_summary *s, struct pf_outbuf *o, int side)
{
	static const char *const what[2] = { "disappeared", "appeared" };
	static const char *const col[2] = { "before", "after" };
	char b[PF_COUNT_BUFSIZE];
	size_t i, j, n, w = 6, len;
	pf_count t = side ? s->tb : s->ta;
	const uint32_t *f;
	const char *name;

	out_printf(o, "\nstacks that %s: %zu", what[side], s->nstk[side]);
	if (s->nstk[side] > 0)
		out_printf(o, ", %.2f%% of %s", pct(s->stk_weight[side], t), col[side]);
	pf_outbuf_puts(o, "\n");
	if (s->nstk_shown[side] == 0)
		return;
	for (i = 0; i < s->nstk_shown[side]; i++)
		if ((len = show_count(s, s->stk[side][i].c, b)) > w)
			w = len;
	out_printf(o, "  %*s  %8s  stack\n", (int)w, col[side], side ? "after%" : "before%");
	for (i = 0; i < s->nstk_shown[side]; i++) {
		const struct stk *k = &s->stk[side][i];

		show_count(s, k->c, b);
		out_printf(o, "  %*s  %7.2f%%  ", (int)w, b, pct(k->c, t));
		f = pf_profile_stack(s->d, k->i, &n, NULL, NULL);
		for (j = 0; j < n; j++) {
			if (j > 0)
				pf_outbuf_put(o, ";", 1);
			name = pf_profile_frame(s->d, f[j], &len);
			text_name(o, name, len);
		}
		pf_outbuf_put(o, "\n", 1);
	}
	if (s->nstk[side] > s->nstk_shown[side])
		out_printf(o, "  and %zu more\n", s->nstk[side] - s->nstk_shown[side]);
}

static void
text_gate(const struct pf_summary *s, struct pf_outbuf *o)
{
	char line[NAME_SHORT + 256];
	size_t i;

	if (s->o.nrules == 0)
		return;
	if (s->ntrips == 0) {
		pf_outbuf_puts(o, "\ngate passed: no change over");
		for (i = 0; i < s->o.nrules; i++)
			out_printf(o, " %s", s->o.rules[i].text);
		pf_outbuf_puts(o, "\n");
		return;
	}
	out_printf(o, "\ngate failed: %zu change%s over the rules\n", s->ntrips,
	    s->ntrips == 1 ? "" : "s");
	for (i = 0; i < s->ntrips; i++)
		out_printf(o, "  %s\n", pf_summary_trip(s, i, line, sizeof(line)));
}

static void
write_text(const struct pf_summary *s, struct pf_outbuf *o)
{
	text_total(s, o);
	text_table(s, o, SELF);
	text_table(s, o, INCL);
	text_stacks(s, o, 1);
	text_stacks(s, o, 0);
	if (s->spread_known)
		out_printf(o, "\n* a change larger than %g times its spread, the standard "
		    "error of the\n  difference of the mean shares (percentage points)\n",
		    s->o.noise);
	text_gate(s, o);
}

/* -------------------------------------------------------------- markdown */

static void
md_total(const struct pf_summary *s, struct pf_outbuf *o)
{
	pf_outbuf_puts(o, "**Total:** ");
	out_totals(s, o, " \xe2\x86\x92 ");
	if (s->nb > 1 || s->na > 1)
		out_printf(o, ", %zu runs before and %zu after: counts are means per run, "
		    "shares means of each run's share", s->nb, s->na);
	pf_outbuf_puts(o, "\n");
	if (low_overlap(s))
		out_printf(o, "\n> **Note:** the stacks found on both sides hold only "
		    "%.1f%% of before and %.1f%% of after: different program or process "
		    "names?\n", 100 * s->ov.before, 100 * s->ov.after);
}

static void
md_gate(const struct pf_summary *s, struct pf_outbuf *o)
{
	const struct pf_gate_rule *r;
	const struct row *w;
	char b1[PF_COUNT_BUFSIZE], b2[PF_COUNT_BUFSIZE], b3[PF_COUNT_BUFSIZE + 1];
	size_t i;

	if (s->o.nrules == 0)
		return;
	if (s->ntrips == 0) {
		pf_outbuf_puts(o, "**Gate passed:** no change over");
		for (i = 0; i < s->o.nrules; i++) {
			const char *t = s->o.rules[i].text;
			size_t n = strlen(t);

			pf_outbuf_puts(o, i > 0 ? ", " : " ");
			md_code(o, &t, &n, 1);
		}
		pf_outbuf_puts(o, "\n\n");
		return;
	}
	out_printf(o, "**Gate failed:** %zu change%s over the rules\n\n", s->ntrips,
	    s->ntrips == 1 ? "" : "s");
	pf_outbuf_puts(o, "| rule | function | before | after | change |\n"
	    "| :-- | :-- | --: | --: | --: |\n");
	for (i = 0; i < s->ntrips; i++) {
		const char *t;
		size_t n;

		r = &s->o.rules[s->trips[i].rule];
		w = s->trips[i].row;
		t = r->text;
		n = strlen(t);
		pf_outbuf_puts(o, "| ");
		md_code(o, &t, &n, 1);
		pf_outbuf_puts(o, " | ");
		md_name(o, s->d, w->id);
		if (r->share)
			out_printf(o, " | %.2f%% | %.2f%% | %+.2f points |\n", w->pa, w->pb,
			    w->pb - w->pa);
		else {
			show_count(s, w->a, b1);
			show_count(s, w->b, b2);
			show_signed(s, w->mag, w->neg, b3);
			out_printf(o, " | %s | %s | %s |\n", b1, b2, b3);
		}
	}
	pf_outbuf_puts(o, "\n");
}

static void
md_table(const struct pf_summary *s, struct pf_outbuf *o, int kind)
{
	char b1[PF_COUNT_BUFSIZE], b2[PF_COUNT_BUFSIZE], b3[PF_COUNT_BUFSIZE + 1];
	size_t i, shown = s->nshown[kind];
	const struct row *w;

	if (shown == 0) {
		out_printf(o, "\n**%s counts:** no change to show\n",
		    kind == SELF ? "Self" : "Inclusive");
		return;
	}
	out_printf(o, "\n**%s counts**, the %zu largest change%s:\n\n",
	    kind == SELF ? "Self" : "Inclusive", shown, shown == 1 ? "" : "s");
	out_printf(o, "| before | after | change | before %% | after %% | change "
	    "(points) |%s function |\n| --: | --: | --: | --: | --: | --: |%s :-- |\n",
	    s->spread_known ? " spread | above noise |" : "",
	    s->spread_known ? " --: | :-: |" : "");
	for (i = 0; i < s->nrows[kind]; i++) {
		w = &s->rows[kind][i];
		if (!w->shown)
			continue;
		show_count(s, w->a, b1);
		show_count(s, w->b, b2);
		show_signed(s, w->mag, w->neg, b3);
		out_printf(o, "| %s | %s | %s | %.2f%% | %.2f%% | %+.2f |", b1, b2, b3,
		    w->pa, w->pb, w->pb - w->pa);
		if (s->spread_known)
			out_printf(o, " %.2f | %s |", w->spread, w->real ? "yes" : "no");
		pf_outbuf_puts(o, " ");
		md_name(o, s->d, w->id);
		pf_outbuf_puts(o, " |\n");
	}
}

static int
md_stacks(const struct pf_summary *s, struct pf_outbuf *o, int side)
{
	static const char *const what[2] = { "disappeared", "appeared" };
	static const char *const col[2] = { "before", "after" };
	char b[PF_COUNT_BUFSIZE];
	const char **parts;
	size_t i, n, *lens;
	pf_count t = side ? s->tb : s->ta;

	out_printf(o, "\n**Stacks that %s:** %zu", what[side], s->nstk[side]);
	if (s->nstk[side] > 0)
		out_printf(o, ", %.2f%% of %s", pct(s->stk_weight[side], t), col[side]);
	pf_outbuf_puts(o, "\n");
	if (s->nstk_shown[side] == 0)
		return 0;
	out_printf(o, "\n| %s | %s %% | stack |\n| --: | --: | :-- |\n", col[side],
	    col[side]);
	for (i = 0; i < s->nstk_shown[side]; i++) {
		const struct stk *k = &s->stk[side][i];

		show_count(s, k->c, b);
		out_printf(o, "| %s | %.2f%% | ", b, pct(k->c, t));
		if (stack_parts(s->d, k->i, &parts, &lens, &n) != 0)
			return -1;
		md_code(o, parts, lens, n);
		free(parts);
		free(lens);
		pf_outbuf_puts(o, " |\n");
	}
	if (s->nstk[side] > s->nstk_shown[side])
		out_printf(o, "\nand %zu more\n", s->nstk[side] - s->nstk_shown[side]);
	return 0;
}

static int
write_markdown(const struct pf_summary *s, struct pf_outbuf *o)
{
	md_gate(s, o);
	md_total(s, o);
	md_table(s, o, SELF);
	md_table(s, o, INCL);
	if (md_stacks(s, o, 1) != 0 || md_stacks(s, o, 0) != 0)
		return -1;
	if (s->spread_known)
		out_printf(o, "\nA change is above the noise when it is larger than %g "
		    "times its spread, the standard error of the difference of the mean "
		    "shares (percentage points).\n", s->o.noise);
	return 0;
}

/* ------------------------------------------------------------------ JSON */

static void
json_count(struct pf_outbuf *o, pf_count c)
{
	out_count(o, c);
}

static void
json_signed(struct pf_outbuf *o, pf_count mag, int neg)
{
	char b[PF_COUNT_BUFSIZE + 1];

	signed_count(mag, neg, 0, b);
	pf_outbuf_puts(o, b);
}

static void
json_frame(struct pf_outbuf *o, const struct pf_profile *d, uint32_t id)
{
	size_t len;
	const char *name = pf_profile_frame(d, id, &len);

	pf_json_string(o, name, len);
}

static void
json_rows(const struct pf_summary *s, struct pf_outbuf *o, int kind)
{
	const struct row *w;
	size_t i, k = 0;

	out_printf(o, "  \"%s\": [", kind_word[kind]);
	for (i = 0; i < s->nrows[kind]; i++) {
		w = &s->rows[kind][i];
		if (!w->shown)
			continue;
		pf_outbuf_puts(o, k++ ? ",\n    {" : "\n    {");
		pf_outbuf_puts(o, "\"function\": ");
		json_frame(o, s->d, w->id);
		pf_outbuf_puts(o, ", \"before\": ");
		json_count(o, w->a);
		pf_outbuf_puts(o, ", \"after\": ");
		json_count(o, w->b);
		pf_outbuf_puts(o, ", \"change\": ");
		json_signed(o, w->mag, w->neg);
		pf_outbuf_puts(o, ", \"before_percent\": ");
		json_number(o, w->pa);
		pf_outbuf_puts(o, ", \"after_percent\": ");
		json_number(o, w->pb);
		pf_outbuf_puts(o, ", \"change_points\": ");
		json_number(o, w->pb - w->pa);
		pf_outbuf_puts(o, ", \"spread_points\": ");
		if (w->spread < 0)
			pf_outbuf_puts(o, "null");
		else
			json_number(o, w->spread);
		out_printf(o, ", \"above_noise\": %s}", w->real ? "true" : "false");
	}
	pf_outbuf_puts(o, k ? "\n  ],\n" : "],\n");
}

static void
json_stacks(const struct pf_summary *s, struct pf_outbuf *o, int side)
{
	static const char *const what[2] = { "disappeared", "appeared" };
	static const char *const col[2] = { "before", "after" };
	size_t i, j, n, len;
	pf_count t = side ? s->tb : s->ta;
	const uint32_t *f;
	const char *name;

	out_printf(o, "  \"%s\": {\"count\": %zu, \"%s_percent\": ", what[side],
	    s->nstk[side], col[side]);
	json_number(o, pct(s->stk_weight[side], t));
	pf_outbuf_puts(o, ", \"stacks\": [");
	for (i = 0; i < s->nstk_shown[side]; i++) {
		const struct stk *k = &s->stk[side][i];

		pf_outbuf_puts(o, i ? ",\n    {\"stack\": [" : "\n    {\"stack\": [");
		f = pf_profile_stack(s->d, k->i, &n, NULL, NULL);
		for (j = 0; j < n; j++) {
			if (j > 0)
				pf_outbuf_puts(o, ", ");
			name = pf_profile_frame(s->d, f[j], &len);
			pf_json_string(o, name, len);
		}
		out_printf(o, "], \"%s\": ", col[side]);
		json_count(o, k->c);
		out_printf(o, ", \"%s_percent\": ", col[side]);
		json_number(o, pct(k->c, t));
		pf_outbuf_puts(o, "}");
	}
	pf_outbuf_puts(o, s->nstk_shown[side] ? "\n  ]},\n" : "]},\n");
}

static void
json_gate(const struct pf_summary *s, struct pf_outbuf *o)
{
	size_t i;

	pf_outbuf_puts(o, "  \"gate\": {\"rules\": [");
	for (i = 0; i < s->o.nrules; i++) {
		if (i > 0)
			pf_outbuf_puts(o, ", ");
		pf_json_string(o, s->o.rules[i].text, strlen(s->o.rules[i].text));
	}
	out_printf(o, "], \"passed\": %s, \"failures\": [", s->ntrips ? "false" : "true");
	for (i = 0; i < s->ntrips; i++) {
		const struct pf_gate_rule *r = &s->o.rules[s->trips[i].rule];
		const struct row *w = s->trips[i].row;

		pf_outbuf_puts(o, i ? ",\n    {\"rule\": " : "\n    {\"rule\": ");
		pf_json_string(o, r->text, strlen(r->text));
		pf_outbuf_puts(o, ", \"function\": ");
		json_frame(o, s->d, w->id);
		pf_outbuf_puts(o, ", \"change\": ");
		json_signed(o, w->mag, w->neg);
		pf_outbuf_puts(o, ", \"change_points\": ");
		json_number(o, w->pb - w->pa);
		pf_outbuf_puts(o, "}");
	}
	pf_outbuf_puts(o, s->ntrips ? "\n  ]}\n" : "]}\n");
}

static void
write_json(const struct pf_summary *s, struct pf_outbuf *o)
{
	pf_outbuf_puts(o, "{\n");
	out_printf(o, "  \"runs\": {\"before\": %zu, \"after\": %zu},\n",
	    s->nb ? s->nb : 1, s->na ? s->na : 1);
	pf_outbuf_puts(o, "  \"total\": {\"before\": ");
	json_count(o, s->ta);
	pf_outbuf_puts(o, ", \"after\": ");
	json_count(o, s->tb);
	pf_outbuf_puts(o, ", \"change\": ");
	json_signed(o, s->ta > s->tb ? s->ta - s->tb : s->tb - s->ta, s->tb < s->ta);
	pf_outbuf_puts(o, ", \"change_percent\": ");
	if (s->ta == 0)
		pf_outbuf_puts(o, "null");
	else
		json_number(o, 100.0 * (pf_count_to_double(s->tb) -
		    pf_count_to_double(s->ta)) / pf_count_to_double(s->ta));
	pf_outbuf_puts(o, "},\n  \"shared\": {\"before\": ");
	json_number(o, s->ov.before);
	pf_outbuf_puts(o, ", \"after\": ");
	json_number(o, s->ov.after);
	pf_outbuf_puts(o, "},\n  \"noise_factor\": ");
	json_number(o, s->o.noise);
	pf_outbuf_puts(o, ",\n");
	json_rows(s, o, SELF);
	json_rows(s, o, INCL);
	json_stacks(s, o, 1);
	json_stacks(s, o, 0);
	json_gate(s, o);
	pf_outbuf_puts(o, "}\n");
}

int
pf_summary_write(const struct pf_summary *s, FILE *out, struct pf_error *err)
{
	struct pf_outbuf o = { out, NULL, 0, 1 << 16, 0 };
	int rc = 0;

	if ((o.buf = malloc(o.cap)) == NULL)
		return pf_nomem(err, NULL, 0);
	switch (s->o.format) {
	case PF_SUMMARY_MARKDOWN:
		rc = write_markdown(s, &o);
		break;
	case PF_SUMMARY_JSON:
		write_json(s, &o);
		break;
	default:
		write_text(s, &o);
		break;
	}
	pf_outbuf_flush(&o);
	free(o.buf);
	if (rc != 0)
		return pf_nomem(err, NULL, 0);
	if (o.failed || fflush(out) != 0 || ferror(out))
		return pf_errc(err, PF_ERR_IO, NULL, 0, 0, "write error");
	return 0;
}

int
pf_diff_summary_write(const struct pf_profile *d,
    const struct pf_summary_options *o, FILE *out, struct pf_error *err)
{
	struct pf_summary *s = pf_summary_new(d, NULL, 0, NULL, 0, o, err);
	int rc;

	if (s == NULL)
		return -1;
	rc = pf_summary_write(s, out, err);
	pf_summary_free(s);
	return rc;
}
