/* test_infer.c: type inference is sound.  For random programs over
 * undeclared names (well typed or not), the program and the same program
 * with the declarations --explain prints written out give the same result
 * in every mode: the same output, or the same error at the same place. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "strbuf.h"

typedef struct igen {
    uint64_t s;
    strbuf *out;
} igen;

static uint64_t inext(igen *g)
{
    uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int ipick(igen *g, int n)
{
    return (int)(inext(g) % (uint64_t)n);
}

/* Names of each kind the first letter gives: scalars, vectors, matrices. */
static const char *const leaves[] = { "a", "b", "c", "x", "y", "v", "w", "h", "o",
                                      "A", "B", "W", "M", "2", "0.5" };
static const char *const unary[] = { "tanh", "exp", "sum", "sigmoid", "norm2", "relu" };
static const char *const binary[] = { "+", "-", "*", ".*", "*", "*" };

static void iexpr(igen *g, int depth)
{
    int k = depth <= 0 ? 0 : ipick(g, 6);
    if (k <= 1) {
        sb_puts(g->out, leaves[ipick(g, (int)(sizeof leaves / sizeof *leaves))]);
        if (ipick(g, 4) == 0)
            sb_putc(g->out, '\'');
    } else if (k == 2) {
        sb_printf(g->out, "%s(", unary[ipick(g, (int)(sizeof unary / sizeof *unary))]);
        iexpr(g, depth - 1);
        sb_putc(g->out, ')');
    } else {
        sb_putc(g->out, '(');
        iexpr(g, depth - 1);
        sb_printf(g->out, " %s ", binary[ipick(g, (int)(sizeof binary / sizeof *binary))]);
        iexpr(g, depth - 1);
        sb_puts(g->out, ipick(g, 5) ? ")" : ")'");
    }
}

/* A program of one or two statements; sometimes wrapped in sum() so that
 * more of them have a scalar objective. */
static void iprogram(uint64_t seed, strbuf *out)
{
    igen g = { seed * 0x9e3779b97f4a7c15ull + 7, out };
    if (ipick(&g, 3) == 0) {
        sb_puts(out, "t = ");
        iexpr(&g, 2);
        sb_putc(out, '\n');
    }
    sb_puts(out, ipick(&g, 2) ? "L = sum(" : "L = (");
    iexpr(&g, 3);
    sb_puts(out, ipick(&g, 3) ? ")\n" : " * t)\n");
}

/* The declarations of --explain without their comments, or NULL when the
 * program does not elaborate. */
static char *declarations(const char *program)
{
    char *explain = t_emit(program, ND_EXPLAIN);
    if (!explain)
        return NULL;
    strbuf b;
    sb_init(&b);
    for (char *line = explain; *line;) {
        char *end = strchr(line, '\n'), *hash = strchr(line, '#');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (hash && (size_t)(hash - line) < len)
            len = (size_t)(hash - line);
        if (len && line[0] != '#') {
            sb_putn(&b, line, len);
            sb_putc(&b, '\n');
        }
        line = end ? end + 1 : line + strlen(line);
    }
    nd_free(explain);
    char *r = strdup(sb_str(&b));
    sb_free(&b);
    return r;
}

/* The first line of standard error: the error and its place. */
static char *first_line(const char *s)
{
    const char *nl = strchr(s, '\n');
    return strndup(s, nl ? (size_t)(nl - s) : strlen(s));
}

/* DOT names nodes by their creation order (n4, k12_0), which differs when
 * variables are made at their first use: compare the graphs with each node
 * named by its label instead, as a sorted list of lines. */
#define DOT_MAX 4096

static const char *dot_label(char *const *labels, long id)
{
    return id >= 0 && id < DOT_MAX && labels[id] ? labels[id] : "?";
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *canonical_dot(const char *dot)
{
    char *labels[DOT_MAX] = { 0 }, *lines[DOT_MAX];
    int n_lines = 0;
    for (const char *p = dot; *p;) {        /* "    n12 [label=...": node 12's label */
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *id_end;
        long id = len > 5 && p[4] == 'n' ? strtol(p + 5, &id_end, 10) : -1;
        if (id >= 0 && id < DOT_MAX && !strncmp(id_end, " [label=", 8))
            labels[id] = strndup(id_end + 8, (size_t)(p + len - id_end - 8));
        p += len + (end != NULL);
    }
    for (const char *p = dot; *p && n_lines < DOT_MAX;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        strbuf b;
        sb_init(&b);
        for (size_t i = 0; i < len;) {
            int name = (p[i] == 'n' || p[i] == 'k') && i + 1 < len && p[i + 1] >= '0' &&
                       p[i + 1] <= '9' && (i == 0 || p[i - 1] == ' ');
            if (!name) {
                sb_putc(&b, p[i++]);
                continue;
            }
            char *id_end;
            long id = strtol(p + i + 1, &id_end, 10);
            sb_printf(&b, "%c{%s}", p[i], dot_label(labels, id));
            i = (size_t)(id_end - p);
        }
        lines[n_lines++] = strdup(sb_str(&b));
        sb_free(&b);
        p += len + (end != NULL);
    }
    qsort(lines, (size_t)n_lines, sizeof *lines, cmp_lines);
    strbuf b;
    sb_init(&b);
    for (int i = 0; i < n_lines; i++) {
        sb_printf(&b, "%s\n", lines[i]);
        free(lines[i]);
    }
    for (int i = 0; i < DOT_MAX; i++)
        free(labels[i]);
    char *r = strdup(sb_str(&b));
    sb_free(&b);
    return r;
}

/* --verify draws the dimensions in the order they were made, which
 * differs too: the errors are compared as "tiny or not". */
static char *masked_errors(const char *report)
{
    strbuf b;
    sb_init(&b);
    for (const char *p = report; *p;) {
        const char *e = strstr(p, "error ");
        if (!e) {
            sb_puts(&b, p);
            break;
        }
        sb_putn(&b, p, (size_t)(e - p) + 6);
        char *end;
        double v = strtod(e + 6, &end);
        sb_puts(&b, v < 1e-6 ? "tiny" : "LARGE");
        p = end;
    }
    char *r = strdup(sb_str(&b));
    sb_free(&b);
    return r;
}

static const char *const modes[][3] = {
    { NULL }, { "--latex" }, { "--steps" }, { "--paths" }, { "--dot" }, { "--c" },
    { "--verify", "--points=1", "--precision=64" },
};

static void same_in_every_mode(const char *p, const char *p2)
{
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        const char *argv[8] = { "nnderive", "-e", p };
        int argc = 3;
        for (int i = 0; i < 3 && modes[m][i]; i++)
            argv[argc++] = modes[m][i];
        t_result a = t_cli(argc, argv, NULL);
        argv[2] = p2;
        t_result b = t_cli(argc, argv, NULL);
        char *ea = first_line(a.err), *eb = first_line(b.err);
        char *(*canonical)(const char *) = !modes[m][0] ? NULL
                                           : !strcmp(modes[m][0], "--dot") ? canonical_dot
                                           : !strcmp(modes[m][0], "--verify") ? masked_errors
                                                                              : NULL;
        if (canonical) {
            char *ra = canonical(a.out), *rb = canonical(b.out);
            free(a.out);
            free(b.out);
            a.out = ra;
            b.out = rb;
        }
        ck_assert_msg(a.status == b.status && !strcmp(a.out, b.out) && !strcmp(ea, eb),
                      "mode %s differs:\n--- inferred (status %d)\n%s\n%s\n%s--- declared "
                      "(status %d)\n%s\n%s\n%s",
                      modes[m][0] ? modes[m][0] : "text", a.status, p, a.out, a.err, b.status,
                      p2, b.out, b.err);
        free(ea);
        free(eb);
        t_result_free(&a);
        t_result_free(&b);
    }
}

/* The cases the fuzzing campaign found, then random ones. */
START_TEST(inferred_equals_declared)
{
    static const char *const found[] = {
        "L = v'*A'*v0*v*A*6*o\n", "L = x'*A'*A'+x\n", "L = sum(x*A) + sum(A)\n",
        "L = x'*A*y + sum(vector(1)'*A)\n", "L = tr(A*B) + sum(A*x)\n",
    };
    int n_found = (int)(sizeof found / sizeof *found), elaborated = 0;
    for (int i = 0; i < n_found + 250; i++) {
        strbuf prog;
        sb_init(&prog);
        if (i < n_found)
            sb_puts(&prog, found[i]);
        else
            iprogram((uint64_t)i, &prog);
        char *decls = declarations(sb_str(&prog));
        if (decls) {
            elaborated++;
            /* declarations go after the statements: positions stay put */
            strbuf p2;
            sb_init(&p2);
            sb_printf(&p2, "%s%s", sb_str(&prog), decls);
            same_in_every_mode(sb_str(&prog), sb_str(&p2));
            sb_free(&p2);
            free(decls);
        }
        sb_free(&prog);
    }
    ck_assert_msg(elaborated > 100, "only %d programs elaborated", elaborated);
}
END_TEST

Suite *suite_infer(void)
{
    Suite *s = suite_create("infer");
    TCase *tc = tcase_create("infer");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, inferred_equals_declared);
    suite_add_tcase(s, tc);
    return s;
}
