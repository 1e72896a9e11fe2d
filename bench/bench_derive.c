/* bench_derive.c: time to derive each example, in-process (open, derive,
 * print the text gradients, close) and as a whole process (fork and exec
 * of the nnderive binary).  Prints medians and quartiles over many runs.
 *
 *   build/bench/bench_derive build/nnderive examples/*.nd */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include "bench_time.h"
#include "nnderive.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static double in_process(const char *text, size_t len)
{
    double t0 = now();
    nd_session *s = nd_open("bench", text, len, NULL);
    char *out = NULL;
    if (nd_emit(s, ND_TEXT, NULL, &out) != 0) {
        fprintf(stderr, "bench: %s", nd_diagnostics(s));
        exit(2);
    }
    nd_free(out);
    nd_close(s);
    return now() - t0;
}

static double whole_process(const char *bin, const char *path)
{
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execl(bin, bin, path, (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench: %s %s failed\n", bin, path);
        exit(2);
    }
    return now() - t0;
}

static void report(const char *label, double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    printf("  %-14s median %9.1f us   quartiles %9.1f .. %9.1f us   (%d runs)\n", label,
           1e6 * t[n / 2], 1e6 * t[n / 4], 1e6 * t[3 * n / 4], n);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_derive NNDERIVE_BINARY FILE.nd...\n");
        return 2;
    }
    enum { RUNS_IN = 2001, RUNS_PROC = 201 };
    static double t[RUNS_IN];
    for (int f = 2; f < argc; f++) {
        size_t len;
        char *text = slurp(argv[f], &len);
        if (!text)
            return 2;
        printf("%s\n", argv[f]);
        for (int i = 0; i < 50; i++)
            in_process(text, len);      /* warm up */
        for (int i = 0; i < RUNS_IN; i++)
            t[i] = in_process(text, len);
        report("in-process", t, RUNS_IN);
        for (int i = 0; i < RUNS_PROC; i++)
            t[i] = whole_process(argv[1], argv[f]);
        report("whole process", t, RUNS_PROC);
        free(text);
    }
    return 0;
}
