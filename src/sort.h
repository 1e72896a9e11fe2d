/* sort.h: a sort with a context argument, which C99's qsort lacks (a
 * static comparison context would be shared by every session: a data race
 * when two threads sort at once). */
#ifndef ND_SORT_H
#define ND_SORT_H

#include <stddef.h>

typedef int (*nd_cmp_fn)(const void *a, const void *b, void *user);

/* Sorts n elements of `size` bytes at base by cmp, stably (merge sort). */
void nd_sort(void *base, size_t n, size_t size, nd_cmp_fn cmp, void *user);

#endif
