/* test_golden.c: golden tests of output format and error messages.
 *
 * Each tests/golden/NAME.t runs the command in-process:
 *     # what the case is about
 *     args: -e "L = x'*x" --explain      (words; "..." knows \n \" \\)
 *     stdin: L = sum(x)                  (optional; \n makes lines)
 *     env: ND_DUMP_PLAN=1                (optional: set during the run)
 *     status: 0
 *     --- stdout
 *     ...the expected standard output...
 *     --- stderr
 *     ...the expected standard error...
 * With ND_UPDATE_GOLDEN=1 in the environment the files are rewritten from
 * what the command prints (then review the diff before committing). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define GOLDEN_DIR "tests/golden"

typedef struct golden {
    char *header;           /* everything before the first --- line */
    char *args[64];
    int argc;
    char *stdin_text;
    char *env;              /* NAME=VALUE, or NULL */
    int status;
    char *out, *err;        /* expected */
} golden;

/* Copies a word (quotes and escapes resolved) starting at *p. */
static char *next_word(const char **p)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    if (!*s)
        return NULL;
    char *w = malloc(strlen(s) + 1), *o = w;
    char quote = 0;
    for (; *s && (quote || *s != ' '); s++) {
        if (!quote && (*s == '"' || *s == '\'')) {
            quote = *s;
        } else if (quote && *s == quote) {
            quote = 0;
        } else if (quote == '"' && *s == '\\' && s[1]) {
            s++;
            *o++ = *s == 'n' ? '\n' : *s;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    *p = s;
    return w;
}

static char *unescape(const char *s)
{
    char *r = malloc(strlen(s) + 1), *o = r;
    for (; *s; s++)
        if (*s == '\\' && s[1] == 'n') {
            *o++ = '\n';
            s++;
        } else {
            *o++ = *s;
        }
    *o = '\0';
    return r;
}

static void header_line(golden *g, const char *line)
{
    if (!strncmp(line, "args:", 5)) {
        const char *p = line + 5;
        char *w;
        g->args[g->argc++] = strdup("nnderive");
        while (g->argc < 63 && (w = next_word(&p)))
            g->args[g->argc++] = w;
    } else if (!strncmp(line, "status:", 7)) {
        g->status = atoi(line + 7);
    } else if (!strncmp(line, "env:", 4)) {
        g->env = strdup(line + 4 + (line[4] == ' '));
    } else if (!strncmp(line, "stdin:", 6)) {
        g->stdin_text = unescape(line + 6 + (line[6] == ' '));
    }
}

/* The text after the line "--- NAME" up to the next "--- " line. */
static char *section(const char *text, const char *name)
{
    char mark[32];
    snprintf(mark, sizeof mark, "--- %s\n", name);
    const char *s = strstr(text, mark);
    if (!s)
        return strdup("");
    s += strlen(mark);
    const char *e = s;
    while (*e && strncmp(e, "--- ", 4) != 0) {
        const char *nl = strchr(e, '\n');
        e = nl ? nl + 1 : e + strlen(e);
    }
    return strndup(s, (size_t)(e - s));
}

static int load(golden *g, const char *path)
{
    memset(g, 0, sizeof *g);
    char *text = t_read_file(path);
    if (!text)
        return 0;
    const char *body = strstr(text, "\n--- ");
    size_t hlen = body ? (size_t)(body - text) + 1 : strlen(text);
    g->header = strndup(text, hlen);
    char *save = NULL, *copy = strdup(g->header);
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        header_line(g, line);
    free(copy);
    g->out = section(text, "stdout");
    g->err = section(text, "stderr");
    free(text);
    return 1;
}

static void unload(golden *g)
{
    for (int i = 0; i < g->argc; i++)
        free(g->args[i]);
    free(g->header);
    free(g->stdin_text);
    free(g->env);
    free(g->out);
    free(g->err);
}

static void rewrite(const char *path, const golden *g, const t_result *r)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fputs(g->header, f);
    if (!strstr(g->header, "status:"))
        fprintf(f, "status: %d\n", r->status);
    fprintf(f, "--- stdout\n%s--- stderr\n%s", r->out, r->err);
    fclose(f);
}

static char **case_names;
static int n_cases;

static void find_cases(void)
{
    DIR *d = opendir(GOLDEN_DIR);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 2 && !strcmp(e->d_name + n - 2, ".t")) {
            case_names = realloc(case_names, (size_t)(n_cases + 1) * sizeof *case_names);
            case_names[n_cases++] = strdup(e->d_name);
        }
    }
    closedir(d);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(golden_case)
{
    char path[512];
    snprintf(path, sizeof path, GOLDEN_DIR "/%s", case_names[_i]);
    golden g;
    ck_assert_msg(load(&g, path), "cannot read %s", path);
    char *eq = g.env ? strchr(g.env, '=') : NULL;
    if (eq) {   /* unset again below: with CK_FORK=no the cases share a process */
        *eq = '\0';
        setenv(g.env, eq + 1, 1);
    }
    t_result r = t_cli(g.argc, (const char *const *)g.args, g.stdin_text);
    if (eq)
        unsetenv(g.env);
    if (getenv("ND_UPDATE_GOLDEN")) {
        rewrite(path, &g, &r);
    } else {
        ck_assert_msg(r.status == g.status, "%s: status %d, expected %d\nstderr:\n%s", path,
                      r.status, g.status, r.err);
        ck_assert_msg(!strcmp(r.out, g.out), "%s: stdout differs:\n%s\nexpected:\n%s", path,
                      r.out, g.out);
        ck_assert_msg(!strcmp(r.err, g.err), "%s: stderr differs:\n%s\nexpected:\n%s", path,
                      r.err, g.err);
    }
    t_result_free(&r);
    unload(&g);
}
END_TEST

START_TEST(golden_cases_exist)
{
    ck_assert_int_ge(n_cases, 30);
}
END_TEST

Suite *suite_golden(void)
{
    find_cases();
    if (n_cases)
        qsort(case_names, (size_t)n_cases, sizeof *case_names, cmp_names);
    Suite *s = suite_create("golden");
    TCase *tc = tcase_create("golden");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, golden_cases_exist);
    if (n_cases)
        tcase_add_loop_test(tc, golden_case, 0, n_cases);
    suite_add_tcase(s, tc);
    return s;
}
