#include <pthread.h>
#include <stdio.h>
static volatile unsigned long sink;
static void __attribute__((noinline)) leaf(int n) { for (int i = 0; i < n; i++) sink += i; }
static void __attribute__((noinline)) mid(int n) { leaf(n); leaf(n / 2); }
static void __attribute__((noinline)) other(int n) { for (int i = 0; i < n; i++) sink ^= i * 7; }
static void *worker(void *arg) { (void)arg; for (int k = 0; k < 3000; k++) other(100000); return NULL; }
int main(void) { pthread_t t; pthread_create(&t, NULL, worker, NULL); for (int k = 0; k < 3000; k++) mid(100000); pthread_join(t, NULL); return 0; }
