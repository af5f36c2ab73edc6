#include <stdio.h>
#include <stdlib.h>
static long fib(int n) { return n < 2 ? n : fib(n-1) + fib(n-2); }
static int even(int n); static int odd(int n) { return n == 0 ? 0 : even(n-1); }
static int even(int n) { return n == 0 ? 1 : odd(n-1); }
static void work(int k) { volatile double s = 0; for (int i = 0; i < k*1000; i++) s += i * 0.5; }
static void a(void) { work(3); fib(15); }
static void b(void) { work(5); a(); printf("%d\n", even(3001)); }
int main(void) { for (int i = 0; i < 5; i++) { a(); b(); } char *p = malloc(100); free(p); return (int)fib(10) & 1; }
