/* tsan_sessions.c: sessions on several threads at once (make check-tsan).
 *
 * nnderive.h promises that sessions are independent: one per thread needs
 * no locking.  This program holds the library to it.  It computes every
 * output of each example once on the main thread, then starts THREADS
 * threads that all do the same work on their own sessions at the same time
 * and compare each output with the reference, in ROUNDS rounds of new
 * threads.  Built with
 * -fsanitize=thread against a ThreadSanitizer build of the library, so a
 * data race is reported (and fails the run) even when the outputs agree.
 *
 *     tsan_sessions [-t THREADS] [-r ROUNDS] EXAMPLE.nd...
 * For each EXAMPLE.nd, EXAMPLE.grad (a --check-file answer) is checked too
 * when it exists, and its first `dL/dW = EXPR` line through nd_check when
 * the program has one variable.  Exit status 0 when every output matched,
 * 1 otherwise (ThreadSanitizer exits 66 on a report). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnderive.h"

#define MAX_EXAMPLES 16
#define N_JOBS 20

/* One call of the library on a fresh session, by number (see job_name). */
typedef struct example {
    const char *path;
    char *text, *grad, *answer;     /* grad, answer: NULL when absent */
    size_t len;
    char *ref[N_JOBS];              /* the outputs of the main thread */
    int ref_status[N_JOBS];
} example;

static example examples[MAX_EXAMPLES];
static int n_examples, rounds = 2;
static const nd_config config = { .seed = 7, .points = 2, .precision = 128 };

static const char *const job_names[N_JOBS] = {
    "text", "latex", "latex-doc", "steps", "steps-latex", "paths", "paths-latex", "dot",
    "dot-steps", "c", "c-header", "explain", "c-blas", "c-colmajor", "c-blas-colmajor",
    "verify", "check-file", "check", "check-wrong", "emit-file",
};

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - 1 - n, f)) > 0)
        if ((n += got) == cap - 1)
            buf = realloc(buf, cap *= 2);
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* The expression of the first `dL/dW = EXPR` line of a .grad file. */
static char *first_answer(const char *grad)
{
    const char *p = strstr(grad, "\ndL/d");
    p = p ? strstr(p, " = ") : NULL;
    if (!p)
        return NULL;
    p += 3;
    size_t n = strcspn(p, "\n");
    char *a = malloc(n + 1);
    memcpy(a, p, n);
    a[n] = '\0';
    return a;
}

static int c_job(nd_session *s, enum nd_format fmt, int blas, int colmajor, char **out)
{
    nd_c_options c = { .name = "tsan", .blas = blas, .colmajor = colmajor };
    return nd_emit(s, fmt, &c, out);
}

/* Everything an output depends on goes into it, status included. */
static int emit_file_job(nd_session *s, char **out)
{
    size_t n = 0;
    FILE *f = open_memstream(out, &n);
    if (!f)
        return -1;
    int st = nd_emit_file(s, ND_TEXT, NULL, f);
    fclose(f);
    return st;
}

static int run_job(const example *e, nd_session *s, int job, char **out)
{
    static const enum nd_format formats[] = {
        ND_TEXT, ND_LATEX, ND_LATEX_DOC, ND_STEPS, ND_STEPS_LATEX, ND_PATHS, ND_PATHS_LATEX,
        ND_DOT, ND_DOT_STEPS, ND_C, ND_C_HEADER, ND_EXPLAIN,
    };
    double worst;
    if (job < 12)
        return job == 9 || job == 10 ? c_job(s, formats[job], 0, 0, out)
                                     : nd_emit(s, formats[job], NULL, out);
    switch (job) {
    case 12: return c_job(s, ND_C, 1, 0, out);
    case 13: return c_job(s, ND_C, 0, 1, out);
    case 14: return c_job(s, ND_C, 1, 1, out);
    case 15: return nd_verify(s, out, &worst);
    case 16: return e->grad ? nd_check_lines(s, "grad", e->grad, strlen(e->grad), out) : -1;
    case 17: return e->answer ? nd_check(s, e->answer, out) : -1;
    case 18: return e->answer ? nd_check(s, "2*W", out) : -1;
    default: return emit_file_job(s, out);
    }
}

/* A fresh session per job: a failed call leaves a session failed. */
static int session_job(const example *e, int job, char **out)
{
    *out = NULL;
    nd_session *s = nd_open(e->path, e->text, e->len, &config);
    int st = nd_status(s) ? nd_status(s) : run_job(e, s, job, out);
    if (st == 2 && !*out)
        *out = strdup(nd_diagnostics(s));
    nd_close(s);
    return st;
}

typedef struct worker {
    pthread_t thread;
    int id, failures;
} worker;

/* The threads of a round start each call together. */
static pthread_barrier_t start;

/* One pass over every example and every call. */
static void *worker_main(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < n_examples; i++)
        for (int k = 0; k < N_JOBS; k++) {
            /* In lock step: every call starts with the other threads'
             * (nd_open and its typing at the same moment), each thread on
             * another job, so different emitters overlap too. */
            pthread_barrier_wait(&start);
            int job = (k + w->id * 5) % N_JOBS;
            const example *e = &examples[i];
            char *out;
            int st = session_job(e, job, &out);
            const char *ref = e->ref[job] ? e->ref[job] : "";
            if (st != e->ref_status[job] || strcmp(out ? out : "", ref)) {
                fprintf(stderr, "tsan_sessions: thread %d: %s %s: status %d (expected %d), "
                                "output %s\n", w->id, e->path, job_names[job], st,
                        e->ref_status[job], strcmp(out ? out : "", ref) ? "differs" : "same");
                w->failures++;
            }
            free(out);
        }
    return NULL;
}

/* A round: THREADS new threads, one pass each.  Rounds of new threads,
 * not longer threads: a race missed in one round (ThreadSanitizer keeps
 * only a few recent accesses per word) gets another chance in the next. */
static int run_round(worker *w, int threads)
{
    pthread_barrier_init(&start, NULL, (unsigned)threads);
    for (int t = 0; t < threads; t++) {
        w[t].id = t;
        if (pthread_create(&w[t].thread, NULL, worker_main, &w[t])) {
            perror("pthread_create");
            exit(2);
        }
    }
    for (int t = 0; t < threads; t++)
        pthread_join(w[t].thread, NULL);
    pthread_barrier_destroy(&start);
    int failures = 0;      /* each worker's count runs over all rounds */
    for (int t = 0; t < threads; t++)
        failures += w[t].failures;
    return failures;
}

static int load_example(const char *path)
{
    example *e = &examples[n_examples];
    e->path = path;
    e->text = read_file(path, &e->len);
    if (!e->text) {
        perror(path);
        return -1;
    }
    size_t n = strlen(path);
    char *grad = malloc(n + 6);
    snprintf(grad, n + 6, "%.*s.grad", (int)(n > 3 ? n - 3 : n), path);
    e->grad = read_file(grad, NULL);
    free(grad);
    e->answer = e->grad ? first_answer(e->grad) : NULL;
    /* nd_check needs a single variable: keep the answer only then. */
    char *trial = NULL;
    if (e->answer && session_job(e, 17, &trial) == 2) {
        free(e->answer);
        e->answer = NULL;
    }
    free(trial);
    for (int job = 0; job < N_JOBS; job++)
        e->ref_status[job] = session_job(e, job, &e->ref[job]);
    if (getenv("TSAN_SESSIONS_DEBUG"))
        for (int job = 0; job < N_JOBS; job++)
            fprintf(stderr, "%s %s: status %d, %zu bytes\n", path, job_names[job],
                    e->ref_status[job], e->ref[job] ? strlen(e->ref[job]) : 0);
    n_examples++;
    return 0;
}

int main(int argc, char **argv)
{
    int threads = 4, i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2)
        if (!strcmp(argv[i], "-t"))
            threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-r"))
            rounds = atoi(argv[i + 1]);
    if (i >= argc || threads < 1 || threads > 64 || argc - i > MAX_EXAMPLES) {
        fputs("usage: tsan_sessions [-t THREADS] [-r ROUNDS] EXAMPLE.nd...\n", stderr);
        return 2;
    }
    for (; i < argc; i++)
        if (load_example(argv[i]))
            return 2;
    worker w[64];
    memset(w, 0, sizeof w);
    int failures = 0;
    for (int r = 0; r < rounds; r++)
        failures = run_round(w, threads);
    printf("tsan_sessions: %d threads x %d rounds x %d examples x %d calls: %d mismatches\n",
           threads, rounds, n_examples, N_JOBS, failures);
    for (int e = 0; e < n_examples; e++) {
        for (int job = 0; job < N_JOBS; job++)
            free(examples[e].ref[job]);
        free(examples[e].text);
        free(examples[e].grad);
        free(examples[e].answer);
    }
    return failures ? 1 : 0;
}
