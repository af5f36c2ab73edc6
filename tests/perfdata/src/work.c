/*
 * work.c - a workload for the perf.data tests: named threads and a child
 * process spend their time in a few recursive functions, built with frame
 * pointers so that perf record -g sees whole stacks.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static unsigned long
mix(unsigned long x)
{
	for (int i = 0; i < 200; i++)
		x = x * 6364136223846793005ul + 1442695040888963407ul;
	return x;
}

__attribute__((noinline)) static unsigned long
walk(int depth, unsigned long x)
{
	if (depth == 0)
		return mix(x);
	return walk(depth - 1, x + (unsigned long)depth) ^ (x >> 3);
}

__attribute__((noinline)) static void
spin(double secs, int depth)
{
	double end = now() + secs;

	while (now() < end)
		sink += walk(depth, sink);
}

static void *
worker(void *arg)
{
	char name[16];

	snprintf(name, sizeof(name), "worker %ld", (long)arg);
	pthread_setname_np(pthread_self(), name);
	spin(0.15, 5 + (int)(long)arg);
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t t[2];
	pid_t child;
	long i;

	(void)argc;
	(void)argv;
	child = fork();
	if (child == 0) {
		spin(0.15, 12);
		_exit(0);
	}
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	spin(0.15, 8);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	waitpid(child, NULL, 0);
	printf("%lu\n", sink & 1);
	return 0;
}
