#include <stdlib.h>
#include <stdio.h>
#include <string.h>
static volatile double sink;
__attribute__((noinline)) static double leaf_a(int n){double s=0;for(int i=0;i<n;i++)s+=i*0.5;return s;}
__attribute__((noinline)) static double leaf_b(int n){double s=1;for(int i=0;i<n;i++)s*=1.0000001;return s;}
__attribute__((noinline)) static void middle(int k){ if(k&1) sink+=leaf_a(200000); else sink+=leaf_b(300000);}
__attribute__((noinline)) static void *grow(size_t n){ char *p=malloc(n); memset(p,1,n); return p;}
int main(int argc,char**argv){ int iters=argc>1?atoi(argv[1]):3000; void *keep[64];
 for(int i=0;i<iters;i++){ middle(i); if(i%50==0) keep[(i/50)%64]=grow(1<<16); }
 printf("%f %p\n",sink,keep[0]); return 0;}
