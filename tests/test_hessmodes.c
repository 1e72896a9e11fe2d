/* test_hessmodes.c: --steps and --dot with --jacobian and --hessian.
 *
 * The steps are checked as mathematics, not only as text: each printed
 * line is read back with every name it uses (a step dh/dx, a temporary t1)
 * replaced by that line's own expression, in parentheses, and --check of
 * the result must say `equivalent` for
 *   - the last line of the block (the Jacobian or the Hessian as printed),
 *   - every line labelled with the block (the sum in the steps' names),
 *   - the sum of the lines differentiating the gradient term by term,
 *   - (a Hessian) every gradient line, as the gradient.
 * --dot draws the blocks: read back by the labels, and laid out by
 * Graphviz when it is installed. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "strbuf.h"

typedef struct mcase {
    const char *program;
    int kind;                   /* ND_DERIV_JACOBIAN or ND_DERIV_HESSIAN */
    const char *block, *grad;   /* the block's label; a Hessian's gradient */
} mcase;

/* The examples (and two with named layers), one variable each. */
static const mcase cases[] = {
    { "A : matrix(n, n)\nx : vector(n)\nf = x'*A*x\nwrt x", ND_DERIV_HESSIAN, "d2f/dx2",
      "df/dx" },
    { "A : matrix(m, n)\nx : vector(n)\nf = sum(exp(A*x))\nwrt x", ND_DERIV_HESSIAN, "d2f/dx2",
      "df/dx" },
    { "A : matrix(m, n)\nx : vector(n)\ny : vector(m)\nlam : scalar\ns = sigmoid(A*x)\n"
      "L = -sum(y .* log(s) + (1 - y) .* log(1 - s)) + lam/2*norm2(x)\nwrt x",
      ND_DERIV_HESSIAN, "d2L/dx2", "dL/dx" },
    { "W1 : matrix(h, n)\nx : vector(n)\nz1 = W1*x\nh1 = tanh(z1)\nf = 0.5*norm2(h1)\nwrt x",
      ND_DERIV_HESSIAN, "d2f/dx2", "df/dx" },
    { "A : matrix(m, n)\nx : vector(n)\nu = exp(A*x)\nf = sum(u)\nwrt x", ND_DERIV_HESSIAN, "d2f/dx2",
      "df/dx" },
    { "A : matrix(m, n)\nx : vector(n)\nf = A*exp(x)", ND_DERIV_JACOBIAN, "df/dx", NULL },
    { "z : vector(n)\ns = softmax(z)", ND_DERIV_JACOBIAN, "ds/dz", NULL },
    { "W : matrix(m, n)\nx : vector(n)\nb : vector(m)\nh = tanh(W*x + b)\nwrt x",
      ND_DERIV_JACOBIAN, "dh/dx", NULL },
    { "W1 : matrix(h, n)\nW2 : matrix(m, h)\nx : vector(n)\nz1 = W1*x\nh1 = tanh(z1)\n"
      "z2 = W2*h1\nf = softmax(z2)\nwrt x", ND_DERIV_JACOBIAN, "df/dx", NULL },
};

/* One line of the output: `label = expr`. */
typedef struct tline {
    char *label, *expr;
} tline;

static int split_lines(char *text, tline *l, int cap)
{
    int n = 0;
    for (char *p = text; *p && n < cap;) {
        char *nl = strchr(p, '\n');
        ck_assert_msg(nl != NULL, "unterminated line");
        *nl = '\0';
        char *eq = strstr(p, " = ");
        ck_assert_msg(eq != NULL, "no ' = ' in: %s", p);
        *eq = '\0';
        l[n].label = p;
        l[n++].expr = eq + 3;
        p = nl + 1;
    }
    return n;
}

static int ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Is the label a name the output makes (a step, a temporary, a term)
 * rather than the program's binding? */
static int made_name(const char *l)
{
    if (strchr(l, '/'))
        return 1;
    if (l[0] != 't' || !l[1])
        return 0;
    for (const char *c = l + 1; *c; c++)
        if (!isdigit((unsigned char)*c))
            return 0;
    return 1;
}

/* expr with every name of lines[0..n) (made_name) replaced, whole, by
 * "(" its value ")", the latest line of that name winning; malloc'd. */
static char *inline_names(const char *expr, char **name, char **value, int n)
{
    strbuf b;
    sb_init(&b);
    for (const char *p = expr; *p;) {
        int best = -1;
        size_t blen = 0;
        if (p == expr || !ident_char(p[-1]))
            for (int i = 0; i < n; i++) {
                size_t len = strlen(name[i]);
                if (len >= blen && !strncmp(p, name[i], len) && !ident_char(p[len])) {
                    best = i;
                    blen = len;
                }
            }
        if (best >= 0) {
            sb_printf(&b, "(%s)", value[best]);
            p += blen;
        } else {
            sb_putc(&b, *p++);
        }
    }
    char *r = strdup(sb_str(&b));
    sb_free(&b);
    return r;
}

static void expect_equivalent(const char *program, int kind, const char *answer,
                              const char *what)
{
    nd_session *s = nd_open("<test>", program, strlen(program), NULL);
    ck_assert_int_eq(nd_status(s), 0);
    if (kind)
        ck_assert_int_eq(nd_set_derivative(s, kind), 0);
    char *v = NULL;
    int st = nd_check(s, answer, &v);
    ck_assert_msg(st == 0, "%s: %s is not: %s%s", what, answer, v ? v : "",
                  nd_diagnostics(s));
    nd_free(v);
    nd_close(s);
}

static char *steps_of(const mcase *c, enum nd_format fmt)
{
    nd_session *s = nd_open("<test>", c->program, strlen(c->program), NULL);
    ck_assert_int_eq(nd_set_derivative(s, c->kind), 0);
    char *out = NULL;
    int st = nd_emit(s, fmt, NULL, &out);
    ck_assert_msg(st == 0, "status %d: %s", st, nd_diagnostics(s));
    nd_close(s);
    return out;
}

START_TEST(steps_reach_the_derivative)
{
    const mcase *c = &cases[_i];
    char *out = steps_of(c, ND_STEPS);
    tline l[64];
    int n = split_lines(out, l, 64), nm = 0, checked_block = 0, terms = 0;
    char *name[64], *value[64];
    strbuf sum;
    sb_init(&sum);
    for (int i = 0; i < n; i++) {
        char *e = inline_names(l[i].expr, name, value, nm);
        int block = !strcmp(l[i].label, c->block);
        if (block) {
            expect_equivalent(c->program, c->kind, e, l[i].label);
            checked_block = i == n - 1;
        } else if (c->grad && !strcmp(l[i].label, c->grad)) {
            expect_equivalent(c->program, 0, e, l[i].label);
        } else if (!strncmp(l[i].label, "d(", 2)) {     /* a term */
            sb_printf(&sum, "%s(%s)", terms++ ? " + " : "", e);
        }
        if (made_name(l[i].label)) {
            name[nm] = l[i].label;
            value[nm++] = e;
        } else {
            free(e);
        }
    }
    ck_assert_msg(checked_block, "the last line is not the block %s:\n%s", c->block, out);
    if (terms)
        expect_equivalent(c->program, c->kind, sb_str(&sum), "the sum of the terms");
    ck_assert_msg(terms != 1, "a single term line");
    for (int i = 0; i < nm; i++)
        free(value[i]);
    sb_free(&sum);
    nd_free(out);
}
END_TEST

/* The last line of --steps is the line --hessian / --jacobian prints (the
 * same expression; temporaries aside, the same text). */
START_TEST(last_step_is_the_printed_block)
{
    const mcase *c = &cases[_i];
    char *steps = steps_of(c, ND_STEPS), *text = steps_of(c, ND_TEXT);
    ck_assert(steps && text);
    size_t ls = strlen(steps), lt = strlen(text);
    const char *last = steps + ls - 1, *tl = text + lt - 1;
    while (last > steps && last[-1] != '\n')
        last--;
    while (tl > text && tl[-1] != '\n')
        tl--;
    if (!strstr(steps, "\nt1 = ") && strncmp(steps, "t1 = ", 5))
        ck_assert_str_eq(last, tl);
    else
        ck_assert(!strncmp(last, tl, strlen(c->block) + 3));
    nd_free(steps);
    nd_free(text);
}
END_TEST

/* Several blocks: the last line of each is the printed block. */
START_TEST(several_blocks)
{
    static const char prog[] =
        "A : matrix(m, n)\nx : vector(n)\ny : vector(m)\nlam : scalar\ns = sigmoid(A*x)\n"
        "L = -sum(y .* log(s) + (1 - y) .* log(1 - s)) + lam/2*norm2(x)\nwrt x, lam";
    mcase c = { prog, ND_DERIV_HESSIAN, "d2L/dx2", NULL };
    char *steps = steps_of(&c, ND_STEPS), *text = steps_of(&c, ND_TEXT);
    ck_assert_ptr_nonnull(strstr(steps, "\nd2L/dx dlam = x\n"));
    ck_assert_ptr_nonnull(strstr(steps, "\nd2L/dlam2 = 0\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nd2L/dx dlam = x\n"));
    ck_assert_ptr_nonnull(strstr(steps, "\ndL/dlam = norm2(x)/2\n"));
    nd_free(steps);
    nd_free(text);
}
END_TEST

/* The LaTeX steps: the term lines are fractions, no empty \mathrm{}. */
START_TEST(latex_steps)
{
    char *out = steps_of(&cases[2], ND_STEPS_LATEX);
    ck_assert_ptr_null(strstr(out, "\\mathrm{}"));
    ck_assert_ptr_nonnull(strstr(out, "\\frac{\\partial}{\\partial x}\\left(A^\\top \\left(s - y\\right)\\right)"
                                      " &= A^\\top \\frac{\\partial s}{\\partial x}"));
    nd_free(out);
}
END_TEST

/* The labels of --dot's nodes (the unescaped strings after label="). */
static int has_label(const char *dot, const char *label)
{
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "[label=\"%s\"", label);
    int r = strstr(dot, sb_str(&b)) != NULL;
    sb_free(&b);
    return r;
}

/* --dot draws the blocks (each a box fed by its expression), not the
 * forward graph; with --steps, each line of --steps as a box. */
START_TEST(dot_draws_the_blocks)
{
    const mcase *c = &cases[_i];
    char *dot = steps_of(c, ND_DOT), *steps = steps_of(c, ND_DOT_STEPS);
    char *lines = steps_of(c, ND_STEPS);
    strbuf want;
    sb_init(&want);
    ck_assert_ptr_nonnull(strstr(dot, c->kind == ND_DERIV_HESSIAN ? ": Hessian\"" : ": Jacobian\""));
    ck_assert_msg(strstr(dot, "h0 [label=\"") && strstr(dot, "peripheries=2"), "%s", dot);
    sb_printf(&want, "h0 [label=\"%s", c->block);
    ck_assert_ptr_nonnull(strstr(dot, sb_str(&want)));
    ck_assert_ptr_null(strstr(dot, "h1 ["));
    ck_assert_ptr_nonnull(strstr(dot, " -> h0;\n"));
    /* every line of the steps without temporaries is a box of the graph */
    if (!strstr(lines, "t1 = ")) {
        tline l[64];
        int n = split_lines(lines, l, 64), boxes = 0;
        for (int i = 0; i < n; i++) {
            sb_truncate(&want, 0);
            sb_printf(&want, "%s = %s", l[i].label, l[i].expr);
            boxes += has_label(steps, sb_str(&want)) || !strchr(l[i].label, '/');
        }
        ck_assert_int_eq(boxes, n);
    }
    ck_assert_ptr_nonnull(strstr(steps, "subgraph cluster_steps"));
    sb_free(&want);
    nd_free(dot);
    nd_free(steps);
    nd_free(lines);
}
END_TEST

START_TEST(graphviz_lays_out_blocks)
{
    if (system("command -v dot >/dev/null 2>&1") != 0) {
        fprintf(stderr, "skipped: graphviz is not installed (apt-get install graphviz)\n");
        return;
    }
    static const char *const runs[] = {
        "examples/hessian/logreg.nd --hessian", "examples/hessian/quadratic.nd --hessian",
        "examples/hessian/sum_exp.nd --hessian", "examples/hessian/affine_exp.nd --jacobian",
        "examples/hessian/softmax.nd --jacobian", "examples/hessian/tanh_layer.nd --jacobian",
        "examples/hessian/logreg.nd --hessian --wrt x,lam",
    };
    for (size_t r = 0; r < sizeof runs / sizeof *runs; r++)
        for (int steps = 0; steps < 2; steps++) {
            char cmd[512];
            snprintf(cmd, sizeof cmd,
                     "./%s/nnderive %s --dot%s > /dev/null || exit 1; ./%s/nnderive %s --dot%s "
                     "| dot -Tsvg 2>&1 | grep -q '<svg' || exit 1; ./%s/nnderive %s --dot%s "
                     "| dot -Tsvg -o /dev/null 2>&1 | grep . && exit 1; exit 0",
                     getenv("ND_BUILD") ? getenv("ND_BUILD") : "build", runs[r],
                     steps ? " --steps" : "",
                     getenv("ND_BUILD") ? getenv("ND_BUILD") : "build", runs[r],
                     steps ? " --steps" : "",
                     getenv("ND_BUILD") ? getenv("ND_BUILD") : "build", runs[r],
                     steps ? " --steps" : "");
            ck_assert_msg(system(cmd) == 0, "dot rejects or warns about: %s", cmd);
        }
}
END_TEST

Suite *suite_hessmodes(void)
{
    Suite *s = suite_create("hessmodes");
    TCase *tc = tcase_create("hessmodes");
    tcase_set_timeout(tc, 120);
    int n = (int)(sizeof cases / sizeof *cases);
    tcase_add_loop_test(tc, steps_reach_the_derivative, 0, n);
    tcase_add_loop_test(tc, last_step_is_the_printed_block, 0, n);
    tcase_add_test(tc, several_blocks);
    tcase_add_test(tc, latex_steps);
    tcase_add_loop_test(tc, dot_draws_the_blocks, 0, n);
    tcase_add_test(tc, graphviz_lays_out_blocks);
    suite_add_tcase(s, tc);
    return s;
}
