/*
 * merge.c - loading many folded inputs in parallel for pf-merge.
 *
 * Each input becomes its own profile on a worker thread; the program then
 * adds them up.  Addition of exact counts is associative and commutative
 * and the output is sorted, so the result does not depend on the order in
 * which the threads finish.
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
	size_t failed;
};

static int
load_one(struct pf_merge_input *in, const struct pf_merge_options *o)
{
	struct pf_reader *r;
	struct pf_error *err = &in->err;

	memset(err, 0, sizeof(*err));
	if ((in->profile = pf_profile_new()) == NULL)
		return pf_err(err, in->path, 0, "out of memory");
	if ((r = pf_reader_open(in->path, err)) == NULL)
		goto fail;
	if (pf_folded_read_opts(in->profile, r, &o->read, &in->stats, err) != 0) {
		pf_reader_free(r);
		goto fail;
	}
	pf_reader_free(r);
	if ((o->filter != NULL && pf_filter_apply_range(o->filter, 0, o->filter_steps,
	    &in->profile, err) != 0) ||
	    (o->normalize && pf_transform_normalize(&in->profile, o->normalize_total, err) != 0) ||
	    (o->scale && pf_transform_scale(&in->profile, o->scale_factor, err) != 0) ||
	    (in->tag != NULL && pf_transform_tag(&in->profile, in->tag, err) != 0)) {
		if (err->name[0] == '\0')
			pf_err_name(err, in->path);
		goto fail;
	}
	return 0;
fail:
	pf_profile_free(in->profile);
	in->profile = NULL;
	return -1;
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&j->lock);
		i = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (i >= j->n)
			break;
		if (load_one(&j->in[i], j->o) != 0) {
			pthread_mutex_lock(&j->lock);
			j->failed++;
			pthread_mutex_unlock(&j->lock);
		}
	}
	return NULL;
}

size_t
pf_merge_load(struct pf_merge_input *in, size_t n, const struct pf_merge_options *o)
{
	struct job j;
	pthread_t tid[64];
	int nt = o->jobs > 0 ? o->jobs : pf_ncpus(), i, started = 0;

	if (nt > 64)
		nt = 64;
	if ((size_t)nt > n)
		nt = (int)n;
	memset(&j, 0, sizeof(j));
	j.in = in;
	j.n = n;
	j.o = o;
	pthread_mutex_init(&j.lock, NULL);
	for (i = 1; i < nt; i++)
		if (pthread_create(&tid[started], NULL, worker, &j) == 0)
			started++;
	worker(&j);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&j.lock);
	return j.failed;
}
