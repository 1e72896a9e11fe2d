/* fuzz_nnderive.c: one fuzz target over the library (nnderive.h).
 *
 * The input is PROGRAM [0x00 ANSWER [0x00 LINES]]: the program; the answer
 * of nd_check (in mode c: the --dims string); the file of nd_check_lines
 * (the answer again when there is no second 0x00).  A mode picks which
 * calls run on it, so a campaign can aim at one part:
 *     default  every emitter but C (text, LaTeX, steps, paths, dot, explain)
 *     c        C and its header, plain, --blas, --colmajor, both, --dims
 *     verify   nd_verify at 64 bits and one point
 *     check    nd_check and nd_check_lines with the second text
 *     all      the four on each input
 * The mode is ND_FUZZ_MODE in the environment, else the one compiled in
 * (-DND_FUZZ_MODE_BUILTIN=\"c\"), else all.
 *
 * Drivers, chosen at compile time:
 *     libFuzzer   clang -fsanitize=fuzzer (LLVMFuzzerTestOneInput only)
 *     AFL++       afl-clang-fast -DND_FUZZ_AFL: persistent mode, input in
 *                 shared memory (__AFL_LOOP)
 *     standalone  -DND_FUZZ_MAIN: runs each file named on the command line
 *                 once (reproducing a finding, valgrind, any compiler)
 *
 * Besides crashes and sanitizer reports, a broken promise aborts: a status
 * outside 0..2, a status 2 without an error message, a success with an
 * error message, a file output written on failure, an output that is not
 * well formed (LaTeX, DOT or C with unbalanced brackets, a LaTeX `_`
 * without its subscript), or gradients printed as text that nd_check_lines
 * cannot read back (mode check). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnderive.h"

enum fuzz_mode { FUZZ_DEFAULT = 1, FUZZ_C = 2, FUZZ_VERIFY = 4, FUZZ_CHECK = 8, FUZZ_ALL = 15 };

#ifndef ND_FUZZ_MODE_BUILTIN
#define ND_FUZZ_MODE_BUILTIN "all"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static int fuzz_mode;           /* set once, before the first input */

/* The mode by name; an unknown name stops the run instead of fuzzing
 * something nobody asked for. */
static int fuzz_parse_mode(const char *name)
{
    static const struct { const char *name; int mode; } modes[] = {
        { "default", FUZZ_DEFAULT }, { "c", FUZZ_C }, { "verify", FUZZ_VERIFY },
        { "check", FUZZ_CHECK }, { "all", FUZZ_ALL },
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (!strcmp(name, modes[i].name))
            return modes[i].mode;
    fprintf(stderr, "fuzz_nnderive: unknown mode '%s' (default, c, verify, check, all)\n", name);
    exit(2);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *env = getenv("ND_FUZZ_MODE");
    fuzz_mode = fuzz_parse_mode(env && *env ? env : ND_FUZZ_MODE_BUILTIN);
    return 0;
}

/* Breaks a promise of nnderive.h: abort, so every driver records the input. */
static void fuzz_broken(const char *what, const nd_session *s)
{
    fprintf(stderr, "fuzz_nnderive: %s\n--- diagnostics\n%s", what, s ? nd_diagnostics(s) : "");
    abort();
}

/* The status contract of every call. */
static void fuzz_status(const nd_session *s, int st, const char *call)
{
    char what[96];
    if (st < 0 || st > 2) {
        snprintf(what, sizeof what, "%s returned status %d", call, st);
        fuzz_broken(what, s);
    }
    if (st == 2 && !strstr(nd_diagnostics(s), "error: ")) {
        snprintf(what, sizeof what, "%s returned 2 without an error message", call);
        fuzz_broken(what, s);
    }
}

/* Every run gets the same fast configuration: verification at 64 bits on
 * one point keeps an execution short. */
static nd_session *fuzz_open(const char *text, size_t len)
{
    static const nd_config cfg = { .seed = 1, .points = 1, .precision = 64 };
    nd_session *s = nd_open("fuzz.nd", text, len, &cfg);
    if (!s)
        abort();
    int st = nd_status(s);
    fuzz_status(s, st, "nd_open");
    if (st == 0 && strstr(nd_diagnostics(s), "error: "))
        fuzz_broken("nd_open succeeded with an error message", s);
    return s;
}

/* A failed call leaves the session failed (status 2 from then on): open
 * it again so the next call still runs. */
static nd_session *fuzz_fresh(nd_session *s, const char *text, size_t len)
{
    if (nd_status(s) == 0)
        return s;
    nd_close(s);
    return fuzz_open(text, len);
}

/* LaTeX, line by line: {} balanced, \left with \right, every subscript
 * `_{...}` or `_2`.  What is escaped (\{ \_) does not count. */
static const char *fuzz_latex_line(const char *p, const char *end)
{
    int depth = 0, lr = 0;
    for (; p < end; p++) {
        if (*p == '\\') {
            lr += !strncmp(p + 1, "left", 4) - !strncmp(p + 1, "right", 5);
            if (p + 1 < end)
                p++;
        } else if (*p == '{') {
            depth++;
        } else if (*p == '}' && --depth < 0) {
            return "a '}' without its '{'";
        } else if (*p == '_' && (p + 1 >= end || !(p[1] == '{' || isalnum((unsigned char)p[1])))) {
            return "a subscript '_' followed by neither '{' nor a letter or digit";
        }
    }
    return depth ? "a '{' without its '}'" : lr ? "\\left and \\right do not pair" : NULL;
}

/* DOT: {} balanced over the whole graph, quotes closed on each line. */
static const char *fuzz_dot(const char *p)
{
    int depth = 0, quoted = 0;
    for (; *p; p++) {
        if (quoted && *p == '\\' && p[1])
            p++;
        else if (*p == '"')
            quoted = !quoted;
        else if (!quoted && *p == '{')
            depth++;
        else if (!quoted && *p == '}' && --depth < 0)
            return "a '}' without its '{'";
        else if (*p == '\n' && quoted)
            return "a quoted string not closed on its line";
    }
    return depth ? "a '{' without its '}'" : quoted ? "a quote not closed" : NULL;
}

/* C: (), [] and {} balanced and nested, outside comments and literals. */
static const char *fuzz_c(const char *p)
{
    char stack[256];
    int n = 0;
    for (; *p; p++) {
        if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            if (!e)
                return "a comment not closed";
            p = e + 1;
        } else if (p[0] == '/' && p[1] == '/') {
            p += strcspn(p, "\n") - 1;
        } else if (*p == '"' || *p == '\'') {
            char q = *p;
            for (p++; *p && *p != q && *p != '\n'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p != q)
                return "a literal not closed";
        } else if (strchr("([{", *p)) {
            if (n == (int)sizeof stack)
                return NULL;    /* deeper than any plan: not this check's business */
            stack[n++] = *p == '(' ? ')' : *p == '[' ? ']' : '}';
        } else if (strchr(")]}", *p) && (n == 0 || stack[--n] != *p)) {
            return "a closing bracket without its opening one";
        }
    }
    return n ? "an opening bracket without its closing one" : NULL;
}

/* The output of a successful emit is well formed for its format. */
static void fuzz_well_formed(const nd_session *s, enum nd_format fmt, const char *out)
{
    const char *bad = NULL;
    switch (fmt) {
    case ND_LATEX:
    case ND_LATEX_DOC:
    case ND_STEPS_LATEX:
    case ND_PATHS_LATEX:
        for (const char *p = out; *p && !bad;) {
            const char *e = p + strcspn(p, "\n");
            bad = fuzz_latex_line(p, e);
            p = *e ? e + 1 : e;
        }
        break;
    case ND_DOT:
    case ND_DOT_STEPS:
        bad = fuzz_dot(out);
        break;
    case ND_C:
    case ND_C_HEADER:
        bad = fuzz_c(out);
        break;
    default:
        break;
    }
    if (bad) {
        fprintf(stderr, "fuzz_nnderive: format %d: %s in\n%s\n", (int)fmt, bad, out);
        fuzz_broken("an output that is not well formed", s);
    }
}

static nd_session *fuzz_emit(nd_session *s, const char *text, size_t len, enum nd_format fmt,
                             const nd_c_options *c)
{
    char *out = NULL;
    int st = nd_emit(s, fmt, c, &out);
    fuzz_status(s, st, "nd_emit");
    if (!out)
        fuzz_broken("nd_emit gave no output string", s);
    if (st == 0)
        fuzz_well_formed(s, fmt, out);
    nd_free(out);
    return fuzz_fresh(s, text, len);
}

/* nd_emit_file writes all or nothing. */
static nd_session *fuzz_emit_file(nd_session *s, const char *text, size_t len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return s;
    int st = nd_emit_file(s, ND_TEXT, NULL, f);
    fclose(f);
    fuzz_status(s, st, "nd_emit_file");
    if (st != 0 && n != 0)
        fuzz_broken("nd_emit_file wrote a partial output on failure", s);
    free(buf);
    return fuzz_fresh(s, text, len);
}

static nd_session *fuzz_run_default(nd_session *s, const char *text, size_t len)
{
    static const enum nd_format formats[] = {
        ND_TEXT, ND_LATEX, ND_LATEX_DOC, ND_STEPS, ND_STEPS_LATEX, ND_PATHS,
        ND_PATHS_LATEX, ND_DOT, ND_DOT_STEPS, ND_EXPLAIN,
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        s = fuzz_emit(s, text, len, formats[i], NULL);
    return fuzz_emit_file(s, text, len);
}

/* Each storage and call convention of the C generator, and the cost
 * model's dimensions from the second text. */
static nd_session *fuzz_run_c(nd_session *s, const char *text, size_t len, const char *dims)
{
    for (int v = 0; v < 4; v++) {
        nd_c_options c = { .blas = v & 1, .colmajor = v >> 1 & 1,
                           .dims = v == 0 && *dims ? dims : NULL };
        s = fuzz_emit(s, text, len, ND_C, &c);
        s = fuzz_emit(s, text, len, ND_C_HEADER, &c);
    }
    return s;
}

static nd_session *fuzz_run_verify(nd_session *s, const char *text, size_t len)
{
    char *report = NULL;
    double worst = -1;
    int st = nd_verify(s, &report, &worst);
    fuzz_status(s, st, "nd_verify");
    if (!report)
        fuzz_broken("nd_verify gave no report", s);
    nd_free(report);
    return fuzz_fresh(s, text, len);
}

/* The gradients printed as text are --check-file lines: they must read
 * back.  An error located in them is a printer or parser bug; one
 * without a position (no random point in the domain) and a verdict of not
 * equivalent (the low precision) are not. */
static nd_session *fuzz_round_trip(nd_session *s, const char *text, size_t len)
{
    char *grads = NULL, *verdict = NULL;
    if (nd_emit(s, ND_TEXT, NULL, &grads) == 0) {
        int st = nd_check_lines(s, "fuzz.grad", grads, strlen(grads), &verdict);
        fuzz_status(s, st, "nd_check_lines");
        /* Known (tests/fuzz/findings/README, inferred_dim_readback): an
         * inferred dimension (A_rows) printed in a gradient is no name
         * to --check-file.  Not reported again until it is fixed. */
        const char *msg = nd_diagnostics(s);
        int known = strstr(msg, "_rows") || strstr(msg, "_cols");
        if (st == 2 && strstr(msg, "fuzz.grad:") && !known) {
            fprintf(stderr, "fuzz_nnderive: the gradients\n%s", grads);
            fuzz_broken("the printed gradients do not read back", s);
        }
    }
    nd_free(grads);
    nd_free(verdict);
    return fuzz_fresh(s, text, len);
}

static nd_session *fuzz_run_check(nd_session *s, const char *text, size_t len,
                                  const char *second, size_t second_len)
{
    const char *answer = second, *lines = memchr(second, 0, second_len);
    size_t lines_len = second_len;
    if (lines) {
        lines++;
        lines_len = second_len - (size_t)(lines - second);
    } else {
        lines = second;
    }
    char *verdict = NULL;
    int st = nd_check(s, answer, &verdict);
    fuzz_status(s, st, "nd_check");
    nd_free(verdict);
    s = fuzz_fresh(s, text, len);
    verdict = NULL;
    st = nd_check_lines(s, "fuzz.answers", lines, lines_len, &verdict);
    fuzz_status(s, st, "nd_check_lines");
    nd_free(verdict);
    return fuzz_round_trip(fuzz_fresh(s, text, len), text, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_mode)
        LLVMFuzzerInitialize(NULL, NULL);
    /* Copies, so ASan sees a read past the end of either text. */
    const uint8_t *sep = memchr(data, 0, size);
    size_t len = sep ? (size_t)(sep - data) : size;
    size_t second_len = sep ? size - len - 1 : 0;
    char *text = malloc(len + 1), *second = malloc(second_len + 1);
    if (!text || !second)
        abort();
    memcpy(text, data, len);
    text[len] = '\0';
    if (second_len)
        memcpy(second, sep + 1, second_len);
    second[second_len] = '\0';

    nd_session *s = fuzz_open(text, len);
    if (nd_status(s) == 0) {
        if (fuzz_mode & FUZZ_DEFAULT)
            s = fuzz_run_default(s, text, len);
        if (fuzz_mode & FUZZ_C)
            s = fuzz_run_c(s, text, len, second);
        if (fuzz_mode & FUZZ_VERIFY)
            s = fuzz_run_verify(s, text, len);
        if (fuzz_mode & FUZZ_CHECK)
            s = fuzz_run_check(s, text, len, second, second_len);
    }
    nd_close(s);
    free(text);
    free(second);
    return 0;
}

#if defined(ND_FUZZ_AFL)
/* AFL++ persistent mode: many inputs per process, each from shared memory.
 * (AFL++'s macros call read() and cast away const.) */
#include <unistd.h>
#pragma clang diagnostic ignored "-Wcast-qual"
__AFL_FUZZ_INIT();

int main(void)
{
    LLVMFuzzerInitialize(NULL, NULL);
#ifdef __AFL_HAVE_MANUAL_CONTROL
    __AFL_INIT();
#endif
    const unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(10000))
        LLVMFuzzerTestOneInput(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
    return 0;
}
#elif defined(ND_FUZZ_MAIN)
/* Reads a whole file (or standard input for "-"); NULL when unreadable. */
static uint8_t *fuzz_read(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap)
            buf = realloc(buf, cap *= 2);
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int status = 0;
    for (int i = 1; i < argc; i++) {
        size_t len = 0;
        uint8_t *buf = fuzz_read(argv[i], &len);
        if (!buf) {
            perror(argv[i]);
            status = 2;
            continue;
        }
        fprintf(stderr, "fuzz_nnderive: %s (%zu bytes)\n", argv[i], len);
        LLVMFuzzerTestOneInput(buf, len);
        free(buf);
    }
    return status;
}
#endif
