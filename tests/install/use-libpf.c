/*
 * use-libpf.c - a program outside the tree built against an installed libpf
 * through pf.pc (the build group of tests/run.sh compiles it): it folds
 * standard input as pf-collapse does (which links every parser), draws it,
 * and prints what it read.
 */
#include <stdio.h>

#include <pf.h>

int
main(void)
{
	struct pf_error err = { 0 };
	struct pf_collapse_options co = { 0 };
	struct pf_collapse_stats st;
	struct pf_profile *p = pf_profile_new();
	struct pf_reader *r = pf_reader_open("-", &err);
	struct pf_flame_options o;
	struct pf_flame *f = NULL;
	char total[PF_COUNT_BUFSIZE];
	FILE *null = fopen("/dev/null", "w");
	pf_count t;
	int rc = 1;

	pf_flame_options_init(&o);
	o.font_metrics = 0;
	co.format = PF_FORMAT_AUTO;
	co.perf.jobs = 1;
	if (p == NULL || r == NULL || null == NULL ||
	    pf_collapse(p, r, &co, &st, &err) != 0 ||
	    pf_profile_total(p, 0, &t, &err) != 0 ||
	    (f = pf_flame_new(&o, &err)) == NULL || pf_flame_add_profile(f, p, &err) != 0 ||
	    pf_flame_write(f, PF_OUTPUT_SVG, null, &err) != 0) {
		fprintf(stderr, "use-libpf: %s\n", err.msg);
		goto out;
	}
	total[pf_count_format(t, total)] = '\0';
	printf("libpf %s: %s input, %zu stacks, %s samples, %zu frames drawn\n",
	    PF_VERSION_STRING, pf_format_name(st.format), pf_profile_nstacks(p), total,
	    pf_flame_nframes_drawn(f));
	rc = 0;
out:
	if (null != NULL)
		fclose(null);
	pf_flame_free(f);
	pf_reader_free(r);
	pf_profile_free(p);
	return rc;
}
