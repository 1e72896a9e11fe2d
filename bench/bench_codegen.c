/* bench_codegen.c: the C side of the generated-code benchmark.  Times the
 * loss-and-gradient functions of problem A (linear autoencoder, 4 sizes)
 * and problem B (2-layer swish network on a batch of 64) on fixed
 * pseudo-random inputs, and checks them first: the hand-written peers
 * against central differences, ae_hand against a naive O(mn^2) reference,
 * every other peer against the hand-written one.  Exit status 1 if a check
 * fails.  bench/run_codegen_bench.sh builds and runs it with the Python
 * peers; this file alone:
 *
 *   gcc -std=c99 -O2 -Wall -Wextra -pedantic -o build/bench/bench_codegen \
 *       bench/bench_codegen.c bench/hand/ae_hand.c bench/hand/mlp_hand.c -lm
 *
 * Each result line reads
 *   PROBLEM SIZE PEER median T us  q1 T  q3 T  runs R x K  L=... |g|=...
 * (times per call in microseconds, after 20 ms of warm-up; R timed runs
 * of K back-to-back calls each, K chosen so that a run lasts at least 20 us
 * and R so that the runs add up to about 0.2 s, but R >= 21; the peers of
 * one size are timed round-robin; L is the objective and |g| the sum of the
 * absolute values of all gradient entries, for comparing peers).
 *
 * Adding generated code (nnderive's C ABI: for a program with prefix NAME,
 *   double NAME_eval(const long *dims, const double *const *in,
 *                    double *const *grad, double *work);
 *   size_t NAME_work_size(const long *dims);
 * dims in order of first appearance, in = the variables in declaration
 * order, grad = one output per wrt variable, all row-major):
 *   -DWITH_GENERATED_AE   and link an object defining ae_eval, ae_work_size
 *                         (dims {m, n}; in {W, x}; grad {dL/dW});
 *   -DWITH_GENERATED_MLP  and link an object defining mlp_eval,
 *                         mlp_work_size (dims {H, D, C, N}, the order the
 *                         declarations W1 : matrix(H, D), ..., X : matrix(D,
 *                         N) first name them; in {W1, b1, W2, b2, X, Y},
 *                         Y dense 0/1 doubles; grad {W1, b1, W2, b2});
 *   -DWITH_GENERATED      both;
 *   -DWITH_BLAS_AE, -DWITH_BLAS_MLP   the same with prefixes ae_blas and
 *                         mlp_blas (nnderive --c --blas), peer
 *                         "generated-blas"; link CBLAS.
 * If the generator orders the dimensions differently, define the
 * initializer MLP_DIMS(D, H, C, N), e.g. '-DMLP_DIMS(D,H,C,N)={D,H,C,N}'.
 * The work buffer passed is NAME_work_size(dims) doubles (enough whether
 * that size counts doubles or bytes).  Example, with the run script:
 *   GEN_AE=ae.c GEN_MLP=mlp.c bench/run_codegen_bench.sh
 *
 * Adding any other function with ae_hand's signature (a second hand
 * variant, a BLAS version): -DAE_PEER=my_ae and link the object defining
 * it; it is timed and checked as peer "my_ae" (work: 2m + 2n doubles). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_time.h"
#include "hand/hand.h"

#if defined(WITH_GENERATED)
#define WITH_GENERATED_AE 1
#define WITH_GENERATED_MLP 1
#endif
#ifndef MLP_DIMS
#define MLP_DIMS(D, H, C, N) { (H), (D), (C), (N) }
#endif
#if defined(__GNUC__) && !defined(__clang__)
#define COMPILER "gcc " __VERSION__
#elif defined(__VERSION__)
#define COMPILER __VERSION__
#else
#define COMPILER "compiler unknown"
#endif
#define STR_(x) #x
#define STR(x) STR_(x)

enum { MAX_IN = 6 };

/* One problem instance: the dimensions (ae: m, n; mlp: D, H, C, N), the
 * variables in declaration order, the first n_grad of them the wrt ones. */
typedef struct {
    const char *problem;
    char size[40];
    long dim[4];
    int n_in, n_grad;
    double *in[MAX_IN];
    long len[MAX_IN];
} instance;

/* A peer: evaluates the objective and writes one gradient per wrt variable. */
typedef struct {
    const char *name;
    double (*eval)(const instance *p, double *const *grad, double *work);
    size_t (*work_size)(const instance *p);
} peer;

static int failures;

/* ---------------------------------------------------------------- inputs */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [-1, 1), from the top 53 bits. */
static double uniform(uint64_t *s)
{
    return 2.0 * ldexp((double)(splitmix64(s) >> 11), -53) - 1.0;
}

/* Zeroed doubles at a fixed offset from a page boundary: 64 + 320*slot
 * bytes.  Where buffers fall relative to each other matters (two streams
 * 4 KiB apart slow each other down), so every peer gets its gradients and
 * work at the same offsets: the layout is the same for all, not luck.
 * Free with release(). */
static double *alloc_at(size_t n, int slot)
{
    size_t off = 64 + 320 * (size_t)(slot % 12);
    void *base = NULL;
    if (posix_memalign(&base, 4096, off + (n ? n : 1) * sizeof(double)) != 0) {
        fprintf(stderr, "bench_codegen: out of memory\n");
        exit(2);
    }
    memset(base, 0, off + (n ? n : 1) * sizeof(double));
    double *p = (double *)((char *)base + off);
    ((void **)p)[-1] = base;
    return p;
}

static double *alloc(size_t n)
{
    static int next;
    return alloc_at(n, next++);
}

static void release(double *p)
{
    if (p)
        free(((void **)p)[-1]);
}

static double *random_array(long n, uint64_t *s)
{
    double *a = alloc((size_t)n);
    for (long i = 0; i < n; i++)
        a[i] = uniform(s);
    return a;
}

/* C x N, one 1 per column, in row splitmix64 % C. */
static double *onehot(long C, long N, uint64_t *s)
{
    double *Y = alloc((size_t)(C * N));
    for (long j = 0; j < N; j++)
        Y[(long)(splitmix64(s) % (uint64_t)C) * N + j] = 1.0;
    return Y;
}

static void add_input(instance *p, long len, double *a)
{
    p->len[p->n_in] = len;
    p->in[p->n_in++] = a;
}

static instance ae_instance(long m, long n)
{
    instance p = { "ae", "", { m, n, 0, 0 }, 0, 1, { 0 }, { 0 } };
    uint64_t s = 42;
    snprintf(p.size, sizeof p.size, "%ldx%ld", m, n);
    add_input(&p, m * n, random_array(m * n, &s));
    add_input(&p, n, random_array(n, &s));
    return p;
}

static instance mlp_instance(long D, long H, long C, long N)
{
    instance p = { "mlp", "", { D, H, C, N }, 0, 4, { 0 }, { 0 } };
    uint64_t s = 42;
    snprintf(p.size, sizeof p.size, "N%ld_D%ld_H%ld_C%ld", N, D, H, C);
    add_input(&p, H * D, random_array(H * D, &s));
    add_input(&p, H, random_array(H, &s));
    add_input(&p, C * H, random_array(C * H, &s));
    add_input(&p, C, random_array(C, &s));
    add_input(&p, D * N, random_array(D * N, &s));
    add_input(&p, C * N, onehot(C, N, &s));
    return p;
}

static void free_instance(instance *p)
{
    for (int k = 0; k < p->n_in; k++)
        release(p->in[k]);
}

/* ----------------------------------------------------------------- peers */

static double ae_hand_peer(const instance *p, double *const *grad,
                           double *work)
{
    return ae_hand(p->dim[0], p->dim[1], p->in[0], p->in[1], grad[0], work);
}

static size_t ae_hand_work(const instance *p)
{
    return (size_t)(2 * p->dim[0] + 2 * p->dim[1]);
}

static double mlp_hand_peer(const instance *p, double *const *grad,
                            double *work)
{
    const long *d = p->dim;
    return mlp_hand(d[0], d[1], d[2], d[3], p->in[0], p->in[1], p->in[2],
                    p->in[3], p->in[4], p->in[5], grad[0], grad[1], grad[2],
                    grad[3], work);
}

static size_t mlp_hand_work(const instance *p)
{
    const long *d = p->dim;
    return (size_t)mlp_hand_work_size(d[0], d[1], d[2], d[3]);
}

#ifdef AE_PEER
double AE_PEER(long m, long n, const double *W, const double *x,
               double *grad_W, double *work);

static double ae_extra_peer(const instance *p, double *const *grad,
                            double *work)
{
    return AE_PEER(p->dim[0], p->dim[1], p->in[0], p->in[1], grad[0], work);
}
#endif

/* The dims argument of a generated function: the autoencoder's are the
 * instance's {m, n}; the network's follow MLP_DIMS. */
static inline void ae_abi_dims(const instance *p, long *dims)
{
    dims[0] = p->dim[0];
    dims[1] = p->dim[1];
}

static inline void mlp_abi_dims(const instance *p, long *dims)
{
    const long *d = p->dim;
    const long order[4] = MLP_DIMS(d[0], d[1], d[2], d[3]);
    memcpy(dims, order, sizeof order);
}

/* A generated function with prefix NAME (dims as ABI_DIMS gives them): its
 * prototypes and its peer functions. */
#define GENERATED(NAME, ABI_DIMS)                                             \
    double NAME##_eval(const long *dims, const double *const *in,             \
                       double *const *grad, double *work);                    \
    size_t NAME##_work_size(const long *dims);                                \
    static double NAME##_peer(const instance *p, double *const *grad,         \
                              double *work)                                   \
    {                                                                         \
        long dims[4];                                                         \
        ABI_DIMS(p, dims);                                                    \
        return NAME##_eval(dims, (const double *const *)p->in, grad, work);   \
    }                                                                         \
    static size_t NAME##_work(const instance *p)                              \
    {                                                                         \
        long dims[4];                                                         \
        ABI_DIMS(p, dims);                                                    \
        return NAME##_work_size(dims);                                        \
    }

#ifdef WITH_GENERATED_AE
GENERATED(ae, ae_abi_dims)
#endif
#ifdef WITH_BLAS_AE
GENERATED(ae_blas, ae_abi_dims)
#endif
#ifdef WITH_GENERATED_MLP
GENERATED(mlp, mlp_abi_dims)
#endif
#ifdef WITH_BLAS_MLP
GENERATED(mlp_blas, mlp_abi_dims)
#endif

/* The hand-written peer comes first: the others are checked against it. */
static const peer ae_peers[] = {
    { "hand-C", ae_hand_peer, ae_hand_work },
#ifdef AE_PEER
    { STR(AE_PEER), ae_extra_peer, ae_hand_work },
#endif
#ifdef WITH_GENERATED_AE
    { "generated", ae_peer, ae_work },
#endif
#ifdef WITH_BLAS_AE
    { "generated-blas", ae_blas_peer, ae_blas_work },
#endif
};

static const peer mlp_peers[] = {
    { "hand-C", mlp_hand_peer, mlp_hand_work },
#ifdef WITH_GENERATED_MLP
    { "generated", mlp_peer, mlp_work },
#endif
#ifdef WITH_BLAS_MLP
    { "generated-blas", mlp_blas_peer, mlp_blas_work },
#endif
};

#define COUNT(a) ((int)(sizeof(a) / sizeof(a)[0]))

/* The gradient buffers of one evaluation, and its work buffer. */
typedef struct {
    const instance *p;
    const peer *pe;
    double *grad[MAX_IN];
    double *work;
    double L;
} run;

static run make_run(const instance *p, const peer *pe)
{
    run r = { p, pe, { 0 }, NULL, 0.0 };
    for (int k = 0; k < p->n_grad; k++)
        r.grad[k] = alloc_at((size_t)p->len[k], 1 + k);
    r.work = alloc_at(pe->work_size(p), 7);
    return r;
}

static void free_run(run *r)
{
    for (int k = 0; k < r->p->n_grad; k++)
        release(r->grad[k]);
    release(r->work);
}

static double evaluate(run *r)
{
    r->L = r->pe->eval(r->p, r->grad, r->work);
    return r->L;
}

/* The sum of |entry| over all gradient entries. */
static double grad_abs_sum(const run *r)
{
    double s = 0.0;
    for (int k = 0; k < r->p->n_grad; k++)
        for (long i = 0; i < r->p->len[k]; i++)
            s += fabs(r->grad[k][i]);
    return s;
}

/* ---------------------------------------------------------------- timing */

enum { MIN_RUNS = 21, MAX_RUNS = 20001 };
static const double TOTAL_S = 0.2, RUN_MIN_S = 20e-6, WARMUP_S = 0.02;

typedef struct {
    double median, q1, q3;  /* seconds per call */
    long runs, calls;       /* runs of calls back-to-back calls each */
    double *t;              /* the runs' times per call */
} stats;

/* Quantile q of sorted t[0..n-1], interpolated linearly. */
static double quantile(const double *t, long n, double q)
{
    double pos = q * (double)(n - 1);
    long i = (long)pos;
    return i + 1 < n ? t[i] + (pos - (double)i) * (t[i + 1] - t[i]) : t[i];
}

/* Seconds per call over calls back-to-back calls. */
static double time_calls(run *r, long calls)
{
    double t0 = now();
    for (long i = 0; i < calls; i++)
        evaluate(r);
    return (now() - t0) / (double)calls;
}

/* Warm up; choose the calls per run and the number of runs. */
static stats calibrate(run *r)
{
    double t = time_calls(r, 1), start = now();
    while (now() - start < WARMUP_S)
        t = fmin(t, time_calls(r, 1));
    stats st = { 0.0, 0.0, 0.0, 0, 1, NULL };
    if (t < RUN_MIN_S)
        st.calls = (long)ceil(RUN_MIN_S / t);
    st.runs = (long)(TOTAL_S / (t * (double)st.calls));
    st.runs = st.runs < MIN_RUNS ? MIN_RUNS
              : st.runs > MAX_RUNS ? MAX_RUNS : st.runs;
    st.t = alloc((size_t)st.runs);
    return st;
}

static void summarize(stats *st)
{
    qsort(st->t, (size_t)st->runs, sizeof *st->t, cmp_double);
    st->median = quantile(st->t, st->runs, 0.5);
    st->q1 = quantile(st->t, st->runs, 0.25);
    st->q3 = quantile(st->t, st->runs, 0.75);
    release(st->t);
    st->t = NULL;
}

/* Times the peers' runs round-robin, so that a noisy spell of the machine
 * hits every peer alike. */
static void measure(run *r, stats *st, int n)
{
    long most = 0;
    for (int q = 0; q < n; q++) {
        st[q] = calibrate(&r[q]);
        most = st[q].runs > most ? st[q].runs : most;
    }
    for (long i = 0; i < most; i++)
        for (int q = 0; q < n; q++)
            if (i < st[q].runs)
                st[q].t[i] = time_calls(&r[q], st[q].calls);
    for (int q = 0; q < n; q++)
        summarize(&st[q]);
}

static void report(const run *r, const stats *st)
{
    printf("%-4s %-20s %-10s median %11.3f us  q1 %11.3f  q3 %11.3f  "
           "runs %6ld x %-5ld L=%.10e |g|=%.10e\n",
           r->p->problem, r->p->size, r->pe->name, 1e6 * st->median,
           1e6 * st->q1, 1e6 * st->q3, st->runs, st->calls, r->L,
           grad_abs_sum(r));
    fflush(stdout);
}

/* ---------------------------------------------------------------- checks */

static void verdict(const char *what, const instance *p, double err,
                    double tol)
{
    int ok = err <= tol;
    printf("check %-4s %-20s %-46s %.2e %s\n", p->problem, p->size, what, err,
           ok ? "ok" : "FAILED");
    failures += !ok;
}

/* max |a - b| / max |b| over n entries. */
static double rel_diff(const double *a, const double *b, long n)
{
    double d = 0.0, s = 0.0;
    for (long i = 0; i < n; i++) {
        d = fmax(d, fabs(a[i] - b[i]));
        s = fmax(s, fabs(b[i]));
    }
    return s > 0.0 ? d / s : d;
}

/* Naive reference for problem A, O(mn^2): A = W'*W, r = A*x - x,
 * M = x*r' + r*x', grad = W*M.  Returns L. */
static double ae_naive(long m, long n, const double *W, const double *x,
                       double *grad)
{
    double *A = alloc((size_t)(n * n)), *r = alloc((size_t)n), L = 0.0;
    for (long j = 0; j < n; j++)
        for (long k = 0; k < n; k++)
            for (long i = 0; i < m; i++)
                A[j * n + k] += W[i * n + j] * W[i * n + k];
    for (long j = 0; j < n; j++) {
        r[j] = -x[j];
        for (long k = 0; k < n; k++)
            r[j] += A[j * n + k] * x[k];
        L += 0.5 * r[j] * r[j];
    }
    for (long i = 0; i < m; i++)
        for (long k = 0; k < n; k++) {
            grad[i * n + k] = 0.0;
            for (long j = 0; j < n; j++)
                grad[i * n + k] += W[i * n + j] * (x[j] * r[k] + r[j] * x[k]);
        }
    release(A);
    release(r);
    return L;
}

static void check_ae_naive(const instance *p)
{
    run r = make_run(p, &ae_peers[0]);
    double *g = alloc((size_t)p->len[0]);
    double L = ae_naive(p->dim[0], p->dim[1], p->in[0], p->in[1], g);
    evaluate(&r);
    verdict("hand-C L vs naive O(mn^2)", p, fabs(r.L - L) / fabs(L), 1e-12);
    verdict("hand-C dL/dW vs naive O(mn^2)", p,
            rel_diff(r.grad[0], g, p->len[0]), 1e-12);
    release(g);
    free_run(&r);
}

/* Central difference of the objective in entry i of variable k. */
static double central_difference(run *r, int k, long i)
{
    double *v = r->p->in[k] + i, v0 = *v;
    double h = 6e-6 * fmax(1.0, fabs(v0));
    *v = v0 + h;
    double fp = evaluate(r);
    *v = v0 - h;
    double fm = evaluate(r);
    *v = v0;
    return (fp - fm) / (((v0 + h) - v0) + (v0 - (v0 - h)));
}

/* Gradient k of peer pe against central differences at `samples` entries
 * (all entries if it has no more): max |fd - g| / max |g| over them. */
static double fd_error(const instance *p, const peer *pe, int k,
                       long samples, uint64_t *s)
{
    run r = make_run(p, pe);
    evaluate(&r);
    long n = p->len[k], count = samples < n ? samples : n;
    double *g = alloc((size_t)n), d = 0.0, big = 0.0;
    memcpy(g, r.grad[k], (size_t)n * sizeof *g);
    for (long c = 0; c < count; c++) {
        long i = count == n ? c : (long)(splitmix64(s) % (uint64_t)n);
        d = fmax(d, fabs(central_difference(&r, k, i) - g[i]));
        big = fmax(big, fabs(g[i]));
    }
    release(g);
    free_run(&r);
    return big > 0.0 ? d / big : d;
}

static const char *grad_name(const instance *p, int k)
{
    static const char *const mlp[] = { "dL/dW1", "dL/db1", "dL/dW2",
                                       "dL/db2" };
    return strcmp(p->problem, "ae") == 0 ? "dL/dW" : mlp[k];
}

static void check_fd(const instance *p, const peer *pe, long samples)
{
    uint64_t s = 7;
    for (int k = 0; k < p->n_grad; k++) {
        char what[64];
        snprintf(what, sizeof what, "%s %s vs central diff (%ld entries)",
                 pe->name, grad_name(p, k),
                 samples < p->len[k] ? samples : p->len[k]);
        verdict(what, p, fd_error(p, pe, k, samples, &s), 1e-6);
    }
}

/* Every peer after the first against the first (the hand-written one). */
static void check_against_hand(const instance *p, const peer *peers,
                               int n_peers)
{
    run ref = make_run(p, &peers[0]);
    evaluate(&ref);
    for (int q = 1; q < n_peers; q++) {
        run r = make_run(p, &peers[q]);
        evaluate(&r);
        char what[64];
        snprintf(what, sizeof what, "%s L vs hand-C", peers[q].name);
        verdict(what, p, fabs(r.L - ref.L) / fabs(ref.L), 1e-10);
        for (int k = 0; k < p->n_grad; k++) {
            snprintf(what, sizeof what, "%s %s vs hand-C", peers[q].name,
                     grad_name(p, k));
            verdict(what, p, rel_diff(r.grad[k], ref.grad[k], p->len[k]),
                    1e-10);
        }
        free_run(&r);
    }
    free_run(&ref);
}

/* ------------------------------------------------------------------ main */

static void bench_instance(const instance *p, const peer *peers, int n_peers)
{
    run r[COUNT(ae_peers) + COUNT(mlp_peers)];
    stats st[COUNT(ae_peers) + COUNT(mlp_peers)];
    check_against_hand(p, peers, n_peers);
    for (int q = 0; q < n_peers; q++)
        r[q] = make_run(p, &peers[q]);
    measure(r, st, n_peers);
    for (int q = 0; q < n_peers; q++) {
        report(&r[q], &st[q]);
        free_run(&r[q]);
    }
}

static void run_checks(void)
{
    instance a = ae_instance(8, 16), b = ae_instance(64, 128);
    instance c = mlp_instance(7, 5, 4, 3), d = mlp_instance(784, 128, 10, 64);
    check_ae_naive(&a);
    for (int q = 0; q < COUNT(ae_peers); q++) {
        check_fd(&a, &ae_peers[q], a.len[0]);
        check_fd(&b, &ae_peers[q], 200);
    }
    for (int q = 0; q < COUNT(mlp_peers); q++) {
        check_fd(&c, &mlp_peers[q], 1000);
        check_fd(&d, &mlp_peers[q], 40);
    }
    free_instance(&a);
    free_instance(&b);
    free_instance(&c);
    free_instance(&d);
}

int main(void)
{
    static const long ae_sizes[][2] = {
        { 8, 16 }, { 64, 128 }, { 512, 1024 }, { 1024, 2048 },
    };
    printf("# bench_codegen (C, %s): time per call, median over runs\n",
           COMPILER);
    run_checks();
    for (int i = 0; i < COUNT(ae_sizes); i++) {
        instance p = ae_instance(ae_sizes[i][0], ae_sizes[i][1]);
        bench_instance(&p, ae_peers, COUNT(ae_peers));
        free_instance(&p);
    }
    instance p = mlp_instance(784, 128, 10, 64);
    bench_instance(&p, mlp_peers, COUNT(mlp_peers));
    free_instance(&p);
    if (failures)
        printf("# %d check(s) FAILED\n", failures);
    return failures ? 1 : 0;
}
