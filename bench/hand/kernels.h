/* kernels.h: the two vector kernels the hand-written peers share.  Unrolled
 * by four with independent accumulators, so that gcc -O2 (no -ffast-math,
 * no -march) can keep several additions in flight and pair them into SSE2
 * operations. */
#ifndef BENCH_KERNELS_H
#define BENCH_KERNELS_H

/* a . b over n entries. */
static inline double dot(long n, const double *restrict a,
                         const double *restrict b)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    long j = 0;
    for (; j + 4 <= n; j += 4) {
        s0 += a[j] * b[j];
        s1 += a[j + 1] * b[j + 1];
        s2 += a[j + 2] * b[j + 2];
        s3 += a[j + 3] * b[j + 3];
    }
    for (; j < n; j++)
        s0 += a[j] * b[j];
    return (s0 + s1) + (s2 + s3);
}

/* y += a*x over n entries. */
static inline void axpy(long n, double a, const double *restrict x,
                        double *restrict y)
{
    long j = 0;
    for (; j + 4 <= n; j += 4) {
        y[j] += a * x[j];
        y[j + 1] += a * x[j + 1];
        y[j + 2] += a * x[j + 2];
        y[j + 3] += a * x[j + 3];
    }
    for (; j < n; j++)
        y[j] += a * x[j];
}

#endif
