/* bench_depth.c: derivation and code generation against depth d, for two
 * programs:
 *   mlp    a tanh network with weights, x{k} = tanh(W{k}*x{k-1}),
 *          L = 0.5*norm2(x{d} - y), the gradient w.r.t. every W{k};
 *   chain  tanh layers of one vector and no weights, x{k} = tanh(x{k-1}),
 *          L = sum(x{d}), the gradient w.r.t. x0: one elementwise product
 *          of d factors (1 - x{k}.^2), built a factor per layer;
 * d from 10 to 5000: the median CPU time of open + emit over runs and the
 * size of the output, for the text and the C.  Both should grow linearly.
 * CPU time, not wall time: the machines here are shared.
 *
 *   build/bench/bench_depth */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_time.h"
#include "nnderive.h"

/* CPU seconds of the whole process (deep programs run on a thread). */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *mlp(int d)
{
    size_t cap = 200 + (size_t)d * 80, n = 0;
    char *p = malloc(cap);
    n += (size_t)snprintf(p + n, cap - n, "x0, y : vector(n)\n");
    for (int k = 1; k <= d; k++)
        n += (size_t)snprintf(p + n, cap - n, "W%d : matrix(n, n)\n", k);
    for (int k = 1; k <= d; k++)
        n += (size_t)snprintf(p + n, cap - n, "x%d = tanh(W%d*x%d)\n", k, k, k - 1);
    n += (size_t)snprintf(p + n, cap - n, "L = 0.5*norm2(x%d - y)\nwrt ", d);
    for (int k = 1; k <= d; k++)
        n += (size_t)snprintf(p + n, cap - n, "%sW%d", k > 1 ? ", " : "", k);
    snprintf(p + n, cap - n, "\n");
    return p;
}

static char *chain(int d)
{
    size_t cap = 100 + (size_t)d * 40, n = 0;
    char *p = malloc(cap);
    n += (size_t)snprintf(p + n, cap - n, "x0 : vector(n)\n");
    for (int k = 1; k <= d; k++)
        n += (size_t)snprintf(p + n, cap - n, "x%d = tanh(x%d)\n", k, k - 1);
    snprintf(p + n, cap - n, "L = sum(x%d)\n", d);
    return p;
}

/* Median CPU seconds of open + emit, and the output's size. */
static double run(const char *text, enum nd_format fmt, int runs, size_t *size)
{
    double t[64];
    nd_c_options c = { "mlp", 0, 0, NULL };
    for (int r = 0; r < runs; r++) {
        double t0 = cpu_now();
        nd_session *s = nd_open("depth", text, strlen(text), NULL);
        char *out = NULL;
        if (nd_emit(s, fmt, &c, &out) != 0) {
            fprintf(stderr, "%s", nd_diagnostics(s));
            exit(2);
        }
        t[r] = cpu_now() - t0;
        *size = strlen(out);
        nd_free(out);
        nd_close(s);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    return t[runs / 2];
}

int main(void)
{
    const int depths[] = { 10, 30, 100, 300, 1000, 2000, 5000 };
    const struct {
        const char *name;
        char *(*program)(int d);
    } nets[] = { { "mlp", mlp }, { "chain", chain } };
    printf("| program | depth | text: time | text: bytes | text time per layer "
           "| C: time | C: bytes | C time per layer |\n");
    printf("|---|---|---|---|---|---|---|---|\n");
    for (size_t k = 0; k < sizeof nets / sizeof *nets; k++)
        for (size_t i = 0; i < sizeof depths / sizeof *depths; i++) {
            int d = depths[i], runs = d >= 2000 ? 3 : d >= 300 ? 5 : 21;
            char *p = nets[k].program(d);
            size_t ts, cs;
            double tt = run(p, ND_TEXT, runs, &ts), ct = run(p, ND_C, runs, &cs);
            printf("| %s | %d | %.2f ms | %zu | %.1f us | %.2f ms | %zu | %.1f us |\n",
                   nets[k].name, d, 1e3 * tt, ts, 1e6 * tt / d, 1e3 * ct, cs, 1e6 * ct / d);
            fflush(stdout);
            free(p);
        }
    return 0;
}
