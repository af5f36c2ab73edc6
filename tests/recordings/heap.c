#include <stdlib.h>
#include <string.h>
static void *leaf_alloc(size_t n) { void *p = malloc(n); memset(p, 1, n); return p; }
static void *mid(int i) { return leaf_alloc(1000 + i * 10); }
static void *other(int i) { return calloc(1, 4000 + i); }
static void *rec(int d) { return d == 0 ? leaf_alloc(2048) : rec(d - 1); }
int main(void) {
	void *keep[300];
	for (int i = 0; i < 100; i++) { keep[i] = mid(i); keep[100 + i] = other(i); }
	for (int i = 200; i < 250; i++) keep[i] = rec(i % 7);
	for (int i = 0; i < 100; i += 2) free(keep[i]);
	for (int i = 0; i < 200; i++) free(malloc(50000));
	return 0;
}
