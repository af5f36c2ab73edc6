/*
 * merge.c - loading many folded inputs in parallel for pf-merge.
 *
 * Each thread adds the inputs it takes into a profile of its own, and the
 * threads' profiles are added up at the end: so memory is a few profiles
 * of distinct stacks, whatever the number of inputs, and only a handful of
 * profiles are merged.  Addition of exact counts is associative and
 * commutative and the output is sorted, so the result does not depend on
 * which thread took which input.
 */
#include <pthread.h>
#include <stdlib.h>

#include "transform.h"

struct job {
	struct pf_merge_input *in;
	size_t n;
	const struct pf_merge_options *o;
	pthread_mutex_t lock;
	size_t next;
	struct pf_profile *sum[64];	/* one per thread */
	struct pf_error err[64];	/* why adding to sum[t] failed */
	int failed[64];
};

/*
 * Reads one input into a profile of its own, transforms it (filters,
 * normalize, scale, tag) and returns it, or NULL with in->err filled.
 */
static struct pf_profile *
load_one(struct pf_merge_input *in, const struct pf_merge_options *o)
{
	struct pf_profile *p;
	struct pf_reader *r;
	struct pf_error *err = &in->err;

	memset(err, 0, sizeof(*err));
	if ((p = pf_profile_new()) == NULL) {
		pf_nomem(err, in->path, 0);
		goto fail;
	}
	if ((r = pf_reader_open(in->path, err)) == NULL)
		goto fail;
	if (pf_reader_gunzip(r, err) < 0 ||
	    pf_folded_read_opts(p, r, &o->read, &in->stats, err) != 0) {
		pf_reader_free(r);
		goto fail;
	}
	pf_reader_free(r);
	if ((o->filter != NULL && o->filter_steps > 0 && pf_filter_apply_range(o->filter,
	    0, o->filter_steps, &p, err) != 0) ||
	    (o->normalize && pf_transform_normalize(&p, o->normalize_total, err) != 0) ||
	    (o->scale && pf_transform_scale(&p, o->scale_factor, err) != 0) ||
	    (in->tag != NULL && pf_transform_tag(&p, in->tag, err) != 0)) {
		if (err->name[0] == '\0')
			pf_err_name(err, in->path);
		goto fail;
	}
	return p;
fail:
	pf_profile_free(p);
	in->failed = 1;
	return NULL;
}

/*
 * A thread: takes the next input until none is left and adds each to the
 * thread's own sum, so threads never wait for each other's tables.  An
 * input that fails is never added, so the sum is that of the inputs that
 * did not fail, and whether it overflows does not depend on which thread
 * took which input.
 */
static void
work(struct job *j, int t)
{
	struct pf_profile *p;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&j->lock);
		i = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (i >= j->n)
			break;
		if ((p = load_one(&j->in[i], j->o)) == NULL || j->failed[t])
			;
		else if (pf_profile_nstacks(j->sum[t]) == 0 &&
		    pf_profile_nframes(j->sum[t]) == 0) {
			/* The thread's first input is its sum. */
			pf_profile_free(j->sum[t]);
			j->sum[t] = p;
			p = NULL;
		} else if (pf_profile_merge(j->sum[t], p, &j->err[t]) != 0)
			j->failed[t] = 1;
		pf_profile_free(p);
	}
}

struct thread_arg {
	struct job *job;
	int t;
};

static void *
worker(void *arg)
{
	struct thread_arg *a = arg;

	work(a->job, a->t);
	return NULL;
}

struct pf_profile *
pf_merge_load(struct pf_merge_input *in, size_t n, const struct pf_merge_options *o,
    struct pf_error *err)
{
	struct job j;
	struct thread_arg args[64];
	pthread_t tid[64];
	struct pf_profile *sum = NULL;
	int nt = o->jobs > 0 ? o->jobs : pf_ncpus(), t, started = 0;

	if (nt > 64)
		nt = 64;
	if ((size_t)nt > n)
		nt = n > 0 ? (int)n : 1;
	memset(&j, 0, sizeof(j));
	j.in = in;
	j.n = n;
	j.o = o;
	for (t = 0; t < nt; t++)
		if ((j.sum[t] = pf_profile_new()) == NULL) {
			pf_nomem(err, NULL, 0);
			goto out;
		}
	pthread_mutex_init(&j.lock, NULL);
	/* Thread 0 is this one; a thread that cannot start leaves its share
	 * to the others. */
	for (t = 1; t < nt; t++) {
		args[t].job = &j;
		args[t].t = t;
		if (pthread_create(&tid[started], NULL, worker, &args[t]) == 0)
			started++;
	}
	work(&j, 0);
	for (t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	pthread_mutex_destroy(&j.lock);
	/* Exact sums in any order give the same profile. */
	for (t = 0; t < nt; t++)
		if (j.failed[t] || (t > 0 && pf_profile_merge(j.sum[0], j.sum[t],
		    &j.err[t]) != 0)) {
			*err = j.err[t];
			goto out;
		}
	sum = j.sum[0];
	j.sum[0] = NULL;
out:
	for (t = 0; t < nt; t++)
		pf_profile_free(j.sum[t]);
	return sum;
}
