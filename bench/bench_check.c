/* bench_check.c: time of --check with its diagnosis, in-process (open,
 * check one answer, close), for wrong answers of the seed's examples that
 * take the checker through its hypotheses, from the quick ones (a factor)
 * to the slow end (a counterexample: every hypothesis tried and failed),
 * and for the step-by-step homework file.  Medians over many runs.
 *
 *   build/bench/bench_check */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_time.h"
#include "nnderive.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_check: cannot read %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

typedef struct job {
    const char *program, *wrt, *answer, *file;
} job;

static const job jobs[] = {
    { "examples/autoencoder.nd", NULL, "2*W*(r*x' + x*r')", NULL },
    { "examples/autoencoder.nd", NULL, "W*r*x'", NULL },
    { "examples/autoencoder.nd", NULL, "W*x*x'", NULL },
    { "examples/autoencoder_tanh.nd", NULL, "h*((xhat - x).*(1 - xhat.^2))' + (W*((xhat - x).*(1 - xhat.^2)))*x'", NULL },
    { "examples/autoencoder_tanh.nd", NULL, "W*x*x'", NULL },
    { "examples/two_layer_swish.nd", "W1", "(W2'*(softmax(z2) - y))*x'", NULL },
    { "examples/two_layer_swish.nd", "W1", "W1*x*x'", NULL },
    { "examples/two_layer_swish.nd", NULL, NULL, "examples/homework/two_layer_steps.txt" },
    { "examples/two_layer_swish_batch.nd", "W1", "W1*X*X'", NULL },
};

static double run(const job *j, const char *text, size_t len, const char *answers, size_t alen)
{
    const char *wrt[1] = { j->wrt };
    nd_config cfg = { .wrt = j->wrt ? wrt : NULL, .n_wrt = j->wrt ? 1 : 0 };
    double t0 = now();
    nd_session *s = nd_open(j->program, text, len, &cfg);
    char *out = NULL;
    int st = answers ? nd_check_lines(s, j->file, answers, alen, &out) : nd_check(s, j->answer, &out);
    double t = now() - t0;
    if (st == 2) {
        fprintf(stderr, "bench_check: %s", nd_diagnostics(s));
        exit(2);
    }
    nd_free(out);
    nd_close(s);
    return t;
}

int main(void)
{
    enum { RUNS = 21 };
    printf("--check with its diagnosis, in-process (median of %d runs)\n", RUNS);
    for (size_t i = 0; i < sizeof jobs / sizeof *jobs; i++) {
        const job *j = &jobs[i];
        size_t len, alen = 0;
        char *text = slurp(j->program, &len), *answers = j->file ? slurp(j->file, &alen) : NULL;
        double t[RUNS];
        for (int r = 0; r < RUNS; r++)
            t[r] = run(j, text, len, answers, alen);
        qsort(t, RUNS, sizeof *t, cmp_double);
        printf("  %-34s %-40.40s %8.2f ms\n", j->program, j->file ? j->file : j->answer,
               1e3 * t[RUNS / 2]);
        free(text);
        free(answers);
    }
    return 0;
}
