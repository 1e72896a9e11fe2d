/* bench_time.h: the clock and the sort order the benchmark programs share
 * (bench_derive.c, bench_depth.c, bench_codegen.c).  Each program defines
 * _POSIX_C_SOURCE 200809L before including it. */
#ifndef BENCH_TIME_H
#define BENCH_TIME_H

#include <time.h>

/* Monotonic seconds. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* qsort order of doubles, ascending. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
