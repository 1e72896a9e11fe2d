/* sort.c: merge sort with a context (see sort.h). */
#include "sort.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* Merges the sorted runs [lo, mid) and [mid, hi) of a through tmp. */
static void merge(char *a, char *tmp, size_t lo, size_t mid, size_t hi, size_t size,
                  nd_cmp_fn cmp, void *user)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        int right_first = cmp(a + j * size, a + i * size, user) < 0;
        size_t from = right_first ? j++ : i++;
        memcpy(tmp + k++ * size, a + from * size, size);
    }
    memcpy(tmp + k * size, a + i * size, (mid - i) * size);
    k += mid - i;
    memcpy(tmp + k * size, a + j * size, (hi - j) * size);
    memcpy(a + lo * size, tmp + lo * size, (hi - lo) * size);
}

/* Bottom-up: runs of 1, 2, 4, ... merged pairwise; no recursion. */
void nd_sort(void *base, size_t n, size_t size, nd_cmp_fn cmp, void *user)
{
    if (n < 2)
        return;
    char *a = base, *tmp = xmalloc(n * size);
    for (size_t width = 1; width < n; width *= 2)
        for (size_t lo = 0; lo + width < n; lo += 2 * width) {
            size_t mid = lo + width, hi = lo + 2 * width < n ? lo + 2 * width : n;
            if (cmp(a + (mid - 1) * size, a + mid * size, user) > 0)   /* else in order */
                merge(a, tmp, lo, mid, hi, size, cmp, user);
        }
    free(tmp);
}
