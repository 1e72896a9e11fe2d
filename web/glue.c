/* glue.c: what the browser playground calls, over the public API only.
 *
 * One call per request of the page's worker: ndw_run(program, what,
 * check_wrt, answer) opens the program, asks for the outputs the visible
 * tab needs (`what`), and answers with one JSON object (a malloc'd string
 * the caller frees with ndw_free):
 *
 *   {"status": 0|1|2,                         the worst status of the calls
 *    "error": {"file", "line", "column", "message"} or null,
 *    "diagnostics": "FILE:LINE:COL: error: ... (with the caret line)",
 *    "outputs": {"ND_TEXT": {"status": 0, "text": "..."}, ...},
 *    "verify": {"status", "text", "worst"},   when asked for
 *    "check": {"status", "json", "error", "diagnostics"}}
 *                                   json: the checker's own JSON text
 *
 * Formats are named as in nnderive.h (ND_TEXT, ND_LATEX, ...): the table
 * below is generated from its enum, so a format added there (ND_NUMPY) is
 * available to the page with no change here. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "nnderive.h"

#define PROGRAM_NAME "program.nd"     /* the names in messages and positions */
#define ANSWER_NAME "<check>"

#define ND_FORMAT(f) { #f, f },
static const struct {
    const char *name;
    enum nd_format fmt;
} ndw_formats[] = {
#include "formats.h"
};
#undef ND_FORMAT

/* ---- a growing string ----------------------------------------------- */

typedef struct ndw_buf {
    char *s;
    size_t len, cap;
} ndw_buf;

/* Out of memory is fatal: the worker sees the abort and starts afresh. */
static void buf_grow(ndw_buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s)
        abort();
    b->s = s;
    b->cap = cap;
}

static void buf_add(ndw_buf *b, const char *s, size_t n)
{
    buf_grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_str(ndw_buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_printf(ndw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(ndw_buf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A JSON string: the engine's texts are UTF-8 (names in messages may hold
 * any byte the user typed, shown escaped by the engine), so only quotes,
 * backslashes and control characters need escaping. */
static void buf_json(ndw_buf *b, const char *s)
{
    buf_str(b, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') {
            char esc[2] = { '\\', (char)*p };
            buf_add(b, esc, 2);
        } else if (*p == '\n') {
            buf_str(b, "\\n");
        } else if (*p < 0x20) {
            buf_printf(b, "\\u%04x", *p);
        } else {
            buf_add(b, (const char *)p, 1);
        }
    }
    buf_str(b, "\"");
}

/* ---- one request ------------------------------------------------------ */

static int worst(int a, int b)
{
    return a > b ? a : b;
}

static int format_named(const char *name, size_t len, enum nd_format *fmt)
{
    for (size_t i = 0; i < sizeof ndw_formats / sizeof ndw_formats[0]; i++)
        if (strlen(ndw_formats[i].name) == len && !strncmp(ndw_formats[i].name, name, len)) {
            *fmt = ndw_formats[i].fmt;
            return 1;
        }
    return 0;
}

/* One "NAME": {"status", "text"} member of "outputs". */
static int run_format(nd_session *s, enum nd_format fmt, const char *name, ndw_buf *out)
{
    char *text = NULL;
    nd_c_options copt = { .name = "nd_f" };
    int st = nd_emit(s, fmt, &copt, &text);
    buf_json(out, name);
    buf_printf(out, ": {\"status\": %d, \"text\": ", st);
    buf_json(out, st == 2 ? "" : text);
    buf_str(out, "}");
    nd_free(text);
    return st;
}

static int run_verify(nd_session *s, ndw_buf *out)
{
    char *report = NULL;
    double err = 0;
    int st = nd_verify(s, &report, &err);
    buf_printf(out, ", \"verify\": {\"status\": %d, \"worst\": ", st);
    if (isfinite(err))      /* JSON has no NaN nor infinity */
        buf_printf(out, "%.3g", err);
    else
        buf_str(out, "null");
    buf_str(out, ", \"text\": ");
    buf_json(out, report);
    buf_str(out, "}");
    nd_free(report);
    return st;
}

static void add_error(nd_session *s, ndw_buf *out)
{
    nd_position pos;
    buf_str(out, ", \"error\": ");
    if (!nd_first_error(s, &pos)) {
        buf_str(out, "null");
        return;
    }
    buf_str(out, "{\"file\": ");
    buf_json(out, pos.file);
    buf_printf(out, ", \"line\": %d, \"column\": %d, \"message\": ", pos.line, pos.column);
    buf_json(out, pos.message);
    buf_str(out, "}");
}

/* wrt: NULL or "" for the program's own variables, else a comma-separated
 * list. */
static nd_session *open_program(const char *program, const char *wrt, char **names_store)
{
    static const char *names[64];
    nd_config cfg = { 0 };
    if (wrt && *wrt) {
        *names_store = strdup(wrt);
        if (!*names_store)
            return NULL;
        for (char *p = strtok(*names_store, ","); p && cfg.n_wrt < 64; p = strtok(NULL, ","))
            names[cfg.n_wrt++] = p;
        cfg.wrt = names;
    }
    return nd_open(PROGRAM_NAME, program, strlen(program), &cfg);
}

/* An answer of `dL/dW = EXPR` lines is a file; anything else is one
 * expression for the only (or the chosen) variable (the language has no
 * `=` inside an expression). */
static int is_answer_file(const char *answer)
{
    return strchr(answer, '=') != NULL;
}

/* The check runs in a session of its own, opened for check_wrt when the
 * page names one (an expression answer is about a single variable), so
 * that the other outputs stay those of the program as written; its
 * messages (an answer that does not parse) are kept apart too. */
static int run_check(const char *program, const char *check_wrt, const char *answer,
                     ndw_buf *out)
{
    char *names = NULL, *json = NULL;
    nd_session *s = open_program(program, check_wrt, &names);
    if (!s)
        abort();
    int flags = ND_CHECK_JSON | (is_answer_file(answer) ? 0 : ND_CHECK_EXPRESSION);
    int st = nd_status(s);
    if (st == 0)
        st = nd_check_file(s, ANSWER_NAME, answer, strlen(answer), flags, &json);
    buf_printf(out, ", \"check\": {\"status\": %d, \"json\": ", st);
    buf_json(out, st == 2 ? "" : json);
    add_error(s, out);
    buf_str(out, ", \"diagnostics\": ");
    buf_json(out, nd_diagnostics(s));
    buf_str(out, "}");
    nd_free(json);
    nd_close(s);
    free(names);
    return st;
}

/* The outputs named in the comma-separated list `what`: format names,
 * "verify" and "check". */
static int run_outputs(nd_session *s, const char *program, const char *what,
                       const char *check_wrt, const char *answer, ndw_buf *out)
{
    int st = 0, first = 1;
    ndw_buf extra = { 0 };
    buf_str(out, ", \"outputs\": {");
    for (const char *p = what; *p;) {
        size_t n = strcspn(p, ",");
        enum nd_format fmt;
        if (n == 6 && !strncmp(p, "verify", n)) {
            st = worst(st, run_verify(s, &extra));
        } else if (n == 5 && !strncmp(p, "check", n)) {
            st = worst(st, run_check(program, check_wrt, answer ? answer : "", &extra));
        } else if (format_named(p, n, &fmt)) {
            buf_str(out, first ? "" : ", ");
            first = 0;
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), p);
            st = worst(st, run_format(s, fmt, name, out));
        }
        p += n + (p[n] == ',');
    }
    buf_str(out, "}");
    if (extra.s)
        buf_str(out, extra.s);
    free(extra.s);
    return st;
}

char *ndw_run(const char *program, const char *what, const char *check_wrt,
              const char *answer);
char *ndw_run(const char *program, const char *what, const char *check_wrt, const char *answer)
{
    nd_session *s = open_program(program, NULL, NULL);
    if (!s)
        abort();
    ndw_buf out = { 0 };
    ndw_buf body = { 0 };
    int st = nd_status(s);
    if (st == 0)
        st = run_outputs(s, program, what, check_wrt, answer, &body);
    buf_printf(&out, "{\"status\": %d", st);
    add_error(s, &out);
    buf_str(&out, ", \"diagnostics\": ");
    buf_json(&out, nd_diagnostics(s));
    if (body.s)
        buf_str(&out, body.s);
    buf_str(&out, "}");
    free(body.s);
    nd_close(s);
    return out.s;
}

void ndw_free(void *p);
void ndw_free(void *p)
{
    free(p);
}

const char *ndw_version(void);
const char *ndw_version(void)
{
    return nd_version();
}

/* ---- no threads in the browser ----------------------------------------
 * The library runs a deep program on a thread with a stack sized to it.
 * A page cannot have threads without cross-origin isolation (which a file
 * URL never has), and emscripten's stub refuses to create one; these take
 * the stub's place (its definitions are weak) and run the body at once on
 * the one stack, which the link sizes large (see the Makefile).  Past it,
 * the stack overflows into a trap that the worker reports. */
static void *ndw_thread_result;

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    (void)attr;
    *t = (pthread_t)0;
    ndw_thread_result = fn(arg);
    return 0;
}

int pthread_join(pthread_t t, void **result)
{
    (void)t;
    if (result)
        *result = ndw_thread_result;
    return 0;
}
