/* bench_hessian.c: the Hessian of L2-regularised logistic regression
 * (examples/hessian/logreg.nd), float64, one thread, at (m, n) = (1000, 10),
 * (1000, 100), (2048, 256): nnderive's generated C (lr_*), the same with
 * --blas (lrb_*), and a hand-written closed form with OpenBLAS
 * (H = A'*diag(s.*(1 - s))*A + lam*I by dsyrk); then the Hessian-vector
 * products lr_hvp and lrb_hvp.  Each result is checked against the closed
 * form first (relative 1e-10).  The inputs are written to DIR/hess_M_N.bin
 * (A row-major, y, x, lam, v: raw doubles) and the closed form's H and H*v
 * to DIR/hess_M_N.ref, for the torch peer (bench/peers/torch_hessian.py).
 *
 *     bench_hessian DIR        (OPENBLAS_NUM_THREADS=1; make bench-hessian)
 *
 * Prints one line per peer and size: "hessian M N PEER MS", MS the best of
 * three medians of single calls (each of about 0.3 s of calls).  Exit
 * status 1 if a check fails. */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_time.h"

typedef double (*eval_fn)(const long *, const double *const *, double *const *, double *);
typedef size_t (*size_fn)(const long *);

#define DECL(p) \
    double p##_eval(const long *, const double *const *, double *const *, double *); \
    size_t p##_work_size(const long *); \
    double p##_hvp_eval(const long *, const double *const *, double *const *, double *); \
    size_t p##_hvp_work_size(const long *);
DECL(lr)
DECL(lrb)

typedef struct problem {
    long m, n;
    double *A, *y, *x, lam, *v;
    double *work;       /* the hand-written form's: s, d, B */
} problem;

/* A deterministic generator (the inputs are the same on every run). */
static double uniform(unsigned long long *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*state >> 11) / 9007199254740992.0;
}

static void make_problem(problem *P, long m, long n)
{
    unsigned long long st = 12345u + (unsigned long long)(m * 7919 + n);
    P->m = m;
    P->n = n;
    P->A = malloc((size_t)(m * n) * sizeof *P->A);
    P->y = malloc((size_t)m * sizeof *P->y);
    P->x = malloc((size_t)n * sizeof *P->x);
    P->v = malloc((size_t)n * sizeof *P->v);
    for (long k = 0; k < m * n; k++)
        P->A[k] = (uniform(&st) - 0.5) / sqrt((double)n);
    for (long i = 0; i < m; i++)
        P->y[i] = uniform(&st) < 0.5 ? 0.0 : 1.0;
    for (long j = 0; j < n; j++) {
        P->x[j] = 2.0 * uniform(&st) - 1.0;
        P->v[j] = 2.0 * uniform(&st) - 1.0;
    }
    P->lam = 0.1;
    P->work = malloc((size_t)(2 * m + m * n) * sizeof *P->work);
}

static void free_problem(problem *P)
{
    free(P->A);
    free(P->y);
    free(P->x);
    free(P->v);
    free(P->work);
}

/* The closed form by hand: s = sigmoid(A*x), d = s.*(1 - s) >= 0,
 * B = diag(sqrt(d))*A, H = B'*B + lam*I (dsyrk, then mirrored). */
static void hand_hessian(problem *P, double *H)
{
    long m = P->m, n = P->n;
    double *z = P->work, *B = P->work + 2 * m;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)n, 1.0, P->A, (int)n, P->x, 1, 0.0, z,
                1);
    for (long i = 0; i < m; i++) {
        double s = 1.0 / (1.0 + exp(-z[i])), r = sqrt(s * (1.0 - s));
        for (long j = 0; j < n; j++)
            B[i * n + j] = r * P->A[i * n + j];
    }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)m, 1.0, B, (int)n, 0.0, H,
                (int)n);
    for (long i = 0; i < n; i++) {
        H[i * n + i] += P->lam;
        for (long j = 0; j < i; j++)
            H[i * n + j] = H[j * n + i];
    }
}

typedef struct peer {
    const char *name;
    eval_fn eval;
    size_fn work;
    int hvp;
} peer;

static const peer peers[] = {
    { "nnderive_c", lr_eval, lr_work_size, 0 },
    { "nnderive_c_blas", lrb_eval, lrb_work_size, 0 },
    { "nnderive_c_hvp", lr_hvp_eval, lr_hvp_work_size, 1 },
    { "nnderive_c_blas_hvp", lrb_hvp_eval, lrb_hvp_work_size, 1 },
};

/* One call of a peer (or the hand-written form, pe == NULL). */
static void call(problem *P, const peer *pe, double *out, double *work)
{
    if (!pe) {
        hand_hessian(P, out);
        return;
    }
    long dims[2] = { P->m, P->n };
    const double *in[5] = { P->A, P->x, P->y, &P->lam, P->v };  /* logreg.nd's order */
    double *grad[1] = { out };
    pe->eval(dims, in, grad, work);
}

/* The median of single calls, enough of them for about 0.3 s (at least 5). */
static double median_ms(problem *P, const peer *pe, double *out, double *work)
{
    double t0 = now();
    call(P, pe, out, work);     /* warm */
    double first = now() - t0;
    int reps = first > 0 ? (int)(0.3 / first) : 1000;
    reps = reps < 5 ? 5 : reps > 2000 ? 2000 : reps;
    double *t = malloc((size_t)reps * sizeof *t);
    for (int r = 0; r < reps; r++) {
        t0 = now();
        call(P, pe, out, work);
        t[r] = now() - t0;
    }
    qsort(t, (size_t)reps, sizeof *t, cmp_double);
    double med = 1e3 * t[reps / 2];
    free(t);
    return med;
}

/* The best of three medians: the machine is shared, and a median is
 * still moved by the others' load. */
static double best_ms(problem *P, const peer *pe, double *out, double *work)
{
    double best = median_ms(P, pe, out, work);
    for (int r = 0; r < 2; r++)
        best = fmin(best, median_ms(P, pe, out, work));
    return best;
}

static double worst_rel(const double *a, const double *b, long len)
{
    double scale = 0, worst = 0;
    for (long k = 0; k < len; k++)
        scale = fmax(scale, fabs(b[k]));
    for (long k = 0; k < len; k++)
        worst = fmax(worst, fabs(a[k] - b[k]) / (scale > 0 ? scale : 1));
    return worst;
}

static int run_size(const char *dir, long m, long n)
{
    problem P;
    make_problem(&P, m, n);
    long n2 = n * n;
    double *H = malloc((size_t)n2 * sizeof *H), *out = malloc((size_t)n2 * sizeof *out),
           *Hv = malloc((size_t)n * sizeof *Hv);
    hand_hessian(&P, H);
    for (long i = 0; i < n; i++) {
        Hv[i] = 0;
        for (long j = 0; j < n; j++)
            Hv[i] += H[i * n + j] * P.v[j];
    }
    char path[512];
    snprintf(path, sizeof path, "%s/hess_%ld_%ld.bin", dir, m, n);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(P.A, sizeof(double), (size_t)(m * n), f) != (size_t)(m * n) ||
        fwrite(P.y, sizeof(double), (size_t)m, f) != (size_t)m ||
        fwrite(P.x, sizeof(double), (size_t)n, f) != (size_t)n ||
        fwrite(&P.lam, sizeof(double), 1, f) != 1 ||
        fwrite(P.v, sizeof(double), (size_t)n, f) != (size_t)n || fclose(f)) {
        fprintf(stderr, "bench_hessian: cannot write %s\n", path);
        return 1;
    }
    snprintf(path, sizeof path, "%s/hess_%ld_%ld.ref", dir, m, n);
    f = fopen(path, "wb");
    if (!f || fwrite(H, sizeof(double), (size_t)n2, f) != (size_t)n2 ||
        fwrite(Hv, sizeof(double), (size_t)n, f) != (size_t)n || fclose(f)) {
        fprintf(stderr, "bench_hessian: cannot write %s\n", path);
        return 1;
    }
    int status = 0;
    printf("hessian %ld %ld hand_openblas_dsyrk %.4f\n", m, n, best_ms(&P, NULL, out, NULL));
    for (size_t k = 0; k < sizeof peers / sizeof *peers; k++) {
        const peer *pe = &peers[k];
        long dims[2] = { m, n };
        double *work = malloc(pe->work(dims) * sizeof *work + 8);
        call(&P, pe, out, work);
        double err = worst_rel(out, pe->hvp ? Hv : H, pe->hvp ? n : n2);
        if (err > 1e-10) {
            printf("# %s at (%ld, %ld): off the closed form by %g: FAILED\n", pe->name, m, n, err);
            status = 1;
        }
        printf("%s %ld %ld %s %.4f\n", pe->hvp ? "hvp" : "hessian", m, n, pe->name,
               best_ms(&P, pe, out, work));
        free(work);
    }
    fflush(stdout);
    free(H);
    free(out);
    free(Hv);
    free_problem(&P);
    return status;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    static const long sizes[][2] = { { 1000, 10 }, { 1000, 100 }, { 2048, 256 } };
    int status = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        status |= run_size(dir, sizes[s][0], sizes[s][1]);
    return status;
}
