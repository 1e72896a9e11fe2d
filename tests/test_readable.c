/* test_readable.c: the outputs for people: LaTeX compiles, --steps and
 * --paths are right (numerically, not only as text). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "ops.h"
#include "derive.h"
#include "emit.h"
#include "helpers.h"
#include "randprog.h"
#include "parse.h"
#include "run.h"
#include "scope.h"
#include "simplify.h"

/* ---- LaTeX compiles ---- */

static int have_pdflatex(void)
{
    return system("command -v pdflatex >/dev/null 2>&1") == 0;
}

/* Compiles a document with pdflatex in a temporary directory. */
static int compiles(const char *doc)
{
    char dir[] = "/tmp/nd_tex_XXXXXX";
    ck_assert(mkdtemp(dir) != NULL);
    char path[300], cmd[700];
    snprintf(path, sizeof path, "%s/doc.tex", dir);
    FILE *f = fopen(path, "w");
    fputs(doc, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "cd %s && pdflatex -interaction=nonstopmode -halt-on-error doc.tex >/dev/null 2>&1",
             dir);
    int ok = system(cmd) == 0;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return ok;
}

START_TEST(latex_documents_compile)
{
    if (!have_pdflatex()) {
        fprintf(stderr, "skipped: pdflatex is not installed (apt-get install texlive-latex-base)\n");
        return;
    }
    const char *modes[][2] = { { "--latex-doc", NULL }, { "--steps", "--latex" },
                               { "--paths", "--latex" } };
    for (int m = 0; m < 3; m++) {
        const char *argv[] = { "nnderive", t_examples[_i], modes[m][0], modes[m][1] };
        t_result r = t_cli(modes[m][1] ? 4 : 3, argv, NULL);
        ck_assert_int_eq(r.status, 0);
        strbuf doc;
        sb_init(&doc);
        if (m == 0)
            sb_puts(&doc, r.out);
        else
            sb_printf(&doc, "\\documentclass{article}\\usepackage{amsmath}\\begin{document}"
                            "\\begin{align*}\n%s\\end{align*}\\end{document}\n", r.out);
        ck_assert_msg(compiles(sb_str(&doc)), "%s %s does not compile:\n%s", t_examples[_i],
                      modes[m][0], sb_str(&doc));
        sb_free(&doc);
        t_result_free(&r);
    }
}
END_TEST

/* Every identifier the language accepts gives LaTeX that compiles: these,
 * all variables of one program whose objective has an awkward name too. */
static const char *const awkward_names[] = {
    "_", "__", "x__", "_x", "x_", "a__b", "x_1_2", "hat", "yhat_", "__init__", "W_1hat",
    "_1", "_hat", "hathat", "x_alpha", "alpha_", "x1_", "a_b_c", "W1hat", "frac", "end",
    "mathrm", "left", "begin", "x_y_", "A__1", "e_hat", "_alpha",
};
#define N_AWKWARD (sizeof awkward_names / sizeof *awkward_names)

START_TEST(latex_awkward_names_compile)
{
    if (!have_pdflatex()) {
        fprintf(stderr, "skipped: pdflatex is not installed (apt-get install texlive-latex-base)\n");
        return;
    }
    strbuf prog;
    sb_init(&prog);
    for (size_t i = 0; i < N_AWKWARD; i++)
        sb_printf(&prog, "%s%s", i ? ", " : "", awkward_names[i]);
    sb_puts(&prog, " : vector(n)\n_obj__ = ");
    for (size_t i = 0; i < N_AWKWARD; i++)      /* each name next to the next one */
        sb_printf(&prog, "%s%s'*%s", i ? " + " : "", awkward_names[i],
                  awkward_names[(i + 1) % N_AWKWARD]);
    sb_puts(&prog, "\n");
    const char *modes[][2] = { { "--latex-doc", NULL }, { "--steps", "--latex" },
                               { "--paths", "--latex" } };
    for (int m = 0; m < 3; m++) {
        const char *argv[] = { "nnderive", "-e", sb_str(&prog), modes[m][0], modes[m][1] };
        t_result r = t_cli(modes[m][1] ? 5 : 4, argv, NULL);
        ck_assert_msg(r.status == 0, "%s", r.err);
        strbuf doc;
        sb_init(&doc);
        if (m == 0)
            sb_puts(&doc, r.out);
        else
            sb_printf(&doc, "\\documentclass{article}\\usepackage{amsmath}\\begin{document}"
                            "\\begin{align*}\n%s\\end{align*}\\end{document}\n", r.out);
        ck_assert_msg(compiles(sb_str(&doc)), "%s does not compile:\n%s", modes[m][0],
                      sb_str(&doc));
        sb_free(&doc);
        t_result_free(&r);
    }
    sb_free(&prog);
}
END_TEST

/* The LaTeX output is golden too: examples/NAME.tex. */
START_TEST(latex_golden)
{
    char path[256];
    snprintf(path, sizeof path, "%.*s.tex", (int)strlen(t_examples[_i]) - 3, t_examples[_i]);
    const char *argv[] = { "nnderive", t_examples[_i], "--latex" };
    t_result r = t_cli(3, argv, NULL);
    char *want = t_slurp(path);
    ck_assert_msg(!strcmp(r.out, want), "%s --latex prints\n%s\nexpected\n%s", t_examples[_i],
                  r.out, want);
    free(want);
    t_result_free(&r);
}
END_TEST

/* ---- --steps, expanded back ---- */

typedef struct expansion {
    nd_node **syms, **defs;
    int n;
} expansion;

static nd_node *expand_sym(void *user, nd_node *n)
{
    expansion *x = user;
    for (int i = 0; i < x->n; i++)
        if (x->syms[i] == n)
            return x->defs[i];
    return NULL;
}

/* Each step's symbol replaced by its (expanded) definition, the gradients
 * must be the derived ones. */
static void check_steps(const char *program)
{
    t_internal t;
    t_internal_open(&t, program);
    nd_ctx *ctx = t.ctx;
    emit_line *lines;
    nd_node **syms;
    int n_syms, n = steps_lines(ctx, &t.prog, &lines, &syms, &n_syms);
    expansion x = { syms, xmalloc(((size_t)n_syms + 1) * sizeof(nd_node *)), 0 };
    nd_node **g = xmalloc(((size_t)t.prog.n_wrt + 1) * sizeof *g);
    derive_gradients(ctx, ctx->scope->binds[t.prog.objective].node, t.prog.wrt, t.prog.n_wrt, g);
    verify_opts o;
    verify_defaults(&o);
    int gradients_seen = 0;
    for (int i = 0; i < n; i++) {
        nd_node *e = lines[i].expr;
        simplify_substitute(ctx, &e, 1, 0, expand_sym, &x);
        if (x.n < n_syms && !strcmp(lines[i].label, syms[x.n]->u.name)) {
            x.defs[x.n++] = e;      /* a step */
            continue;
        }
        for (int j = 0; j < t.prog.n_wrt; j++) {
            char label[300];
            snprintf(label, sizeof label, "d%s/d%s", ctx->scope->binds[t.prog.objective].name,
                     ctx->scope->vars[t.prog.wrt[j]].name);
            if (strcmp(label, lines[i].label))
                continue;
            nd_node *roots[2] = { g[j], e };
            cmp_set c;
            ck_assert_int_eq(cmp_open(&c, ctx, roots, 2, &o, 0, 1), EV_OK);
            ck_assert_msg(cmp_equal(&c, g[j], e), "%s: step line %s differs by %g", program,
                          label, cmp_difference(&c, g[j], e));
            cmp_close(&c);
            gradients_seen++;
        }
    }
    ck_assert_int_eq(gradients_seen, t.prog.n_wrt);
    free(g);
    free(x.defs);
    free(syms);
    free(lines);
    t_internal_free(&t);
}

START_TEST(steps_expand_to_gradients)
{
    char *p = t_slurp(t_examples[_i]);
    check_steps(p);
    free(p);
}
END_TEST

START_TEST(steps_seed_sequence)
{
    const char *argv[] = { "nnderive", "examples/two_layer_swish.nd", "--steps" };
    t_result r = t_cli(3, argv, NULL);
    const char *order[] = { "dL/dz2 =", "dL/dW2 =", "dL/db2 =", "dL/dh1 =", "dL/dz1 =",
                            "dL/dW1 =", "dL/db1 =" };
    const char *at = r.out;
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        const char *next = strstr(at, order[i]);
        ck_assert_msg(next != NULL, "'%s' missing or out of order in:\n%s", order[i], r.out);
        at = next + 1;
    }
    ck_assert_ptr_nonnull(strstr(r.out, "dL/dh1 = W2'*dL/dz2\n"));
    t_result_free(&r);
}
END_TEST

/* ---- --paths ---- */

/* Each use's contribution is the derivative w.r.t. that use alone: with
 * the uses made copies, central differences on one copy must agree. */
START_TEST(paths_contributions_verify)
{
    char *program = t_slurp(t_examples[_i]);
    t_internal t;
    t_internal_open(&t, program);
    nd_ctx *ctx = t.ctx;
    int n_split = t.prog.n_wrt;
    const char **names = xmalloc((size_t)n_split * sizeof *names);
    for (int i = 0; i < n_split; i++)
        names[i] = ctx->scope->vars[t.prog.wrt[i]].name;
    nd_source src = { .name = "<paths>", .text = program, .len = strlen(program) };
    nd_ctx *c2 = run_new(&src);
    ast_program tree = { 0 };
    elab_opts eo = { .split = names, .n_split = n_split };
    nd_prog p2;
    DIAG_TRY(c2, jb) {
        parse_source(c2, &src, PARSE_PROGRAM, &tree, NULL);
        elab_program(c2, &tree, &eo, &p2);
    }
    DIAG_END_TRY(c2, jb);
    int copies[64], nc = 0;
    for (int v = 0; v < c2->scope->n_vars && nc < 64; v++)
        if (c2->scope->vars[v].origin >= 0)
            copies[nc++] = v;
    ck_assert_int_ge(nc, n_split);
    nd_node *g[64];
    derive_gradients(c2, c2->scope->binds[p2.objective].node, copies, nc, g);
    verify_opts o;
    verify_defaults(&o);
    verify_err err[64];
    ck_assert_int_eq(verify_gradients(c2, c2->scope->binds[p2.objective].node, copies, g, nc, &o, err), 0);
    prog_free(&p2);
    run_free(c2);
    free(names);
    t_internal_free(&t);
    free(program);
}
END_TEST

/* The sum line of --paths is the gradient: checked as an answer. */
START_TEST(paths_sum_is_gradient)
{
    const char *argv[] = { "nnderive", t_examples[_i], "--paths" };
    t_result r = t_cli(3, argv, NULL);
    ck_assert_int_eq(r.status, 0);
    char path[] = "/tmp/nd_paths_XXXXXX";
    FILE *f = fdopen(mkstemp(path), "w");
    char *save = NULL;
    for (char *line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (!strstr(line, " via "))
            fprintf(f, "%s\n", line);
    fclose(f);
    const char *check[] = { "nnderive", t_examples[_i], "--check-file", path };
    t_result c = t_cli(4, check, NULL);
    ck_assert_msg(c.status == 0, "%s%s", c.out, c.err);
    remove(path);
    t_result_free(&c);
    t_result_free(&r);
}
END_TEST

START_TEST(paths_autoencoder)
{
    const char *argv[] = { "nnderive", "examples/autoencoder.nd", "--paths" };
    t_result r = t_cli(3, argv, NULL);
    ck_assert_ptr_nonnull(strstr(r.out, "dL/dW via W' at 5:5 = W*x*r'\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "dL/dW via W at 5:8 = W*r*x'\n"));
    t_result_free(&r);
}
END_TEST

/* Random programs whose gradients had sum(X*matrix(1)) with nothing to fix
 * the fill's size (8453, 8777, 8805 of seeds 7000 to 9399): the sum now says
 * it (n*sum(X)), so they read back, and the rewrite keeps the value
 * (--verify against central differences). */
START_TEST(filled_sums_read_back)
{
    static const uint64_t seeds[] = { 8453, 8777, 8805 };
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
        strbuf p;
        sb_init(&p);
        randprog(seeds[i], 3, &p);
        char *why = NULL;
        int st = t_read_back(sb_str(&p), ND_TEXT, 0, &why);
        ck_assert_msg(st == 0, "seed %d reads back with status %d:\n%s\n%s", (int)seeds[i], st,
                      sb_str(&p), why);
        nd_free(why);
        double worst = 1;
        ck_assert_int_eq(t_verify(sb_str(&p), &worst), 0);
        sb_free(&p);
    }
}
END_TEST

/* Random programs whose output in mode `text` and in its LaTeX twin
 * `latex` reads back. */
static void seeds_read_back_in(const uint64_t *seeds, size_t n, int text, int latex_mode)
{
    for (size_t i = 0; i < n; i++)
        for (int latex = 0; latex < 2; latex++) {
            strbuf p;
            sb_init(&p);
            randprog(seeds[i], 3, &p);
            char *why = NULL;
            int st = t_read_back(sb_str(&p), latex ? latex_mode : text, latex, &why);
            ck_assert_msg(st == 0, "seed %d (%s%s) reads back with status %d:\n%s\n%s",
                          (int)seeds[i], text == ND_STEPS ? "steps, " : "",
                          latex ? "LaTeX" : "text", st, sb_str(&p), why);
            nd_free(why);
            sb_free(&p);
        }
}

/* Random programs whose gradients read back, text and LaTeX. */
static void seeds_read_back(const uint64_t *seeds, size_t n)
{
    seeds_read_back_in(seeds, n, ND_TEXT, ND_LATEX);
}

/* A named product with a coefficient (t2 = (2*x.^2/3)./(1 + x.^2)) written
 * into a gradient's product divides its coefficient out: 4*x.^2.*u/3 with
 * t2 in it is 2*t2.*u.  It was left as is, so the printed gradient was 2/3
 * (or 3/2) times the derived one (seeds 8418, 9410, 10724, 11319 of
 * 7000-11999, 15866, 16951 of 12000-16999, 21581 of 17000-21999). */
START_TEST(named_products_keep_their_coefficient)
{
    static const uint64_t seeds[] = { 8418, 9410, 10724, 11319, 15866, 16951, 21581 };
    seeds_read_back(seeds, sizeof seeds / sizeof *seeds);
    const char *prog = "x, u : vector(n)\nt = (2*x.^2/3)./(1 + x.^2)\n"
                       "L = sum(softplus(x).*t) + a\n";
    char *why = NULL;
    ck_assert_msg(t_read_back(prog, ND_TEXT, 0, &why) == 0, "%s", why);
    nd_free(why);
    double worst = 1;
    ck_assert_int_eq(t_verify(prog, &worst), 0);
}
END_TEST

/* A named product moved into a reduction's summand never takes the
 * reduction itself as a factor: with t1 = (y'*x)*x, the term (y'*x)*t1
 * was read as y'*t1 (the y'*x of the reduction moved into its own
 * summand) and printed t1, so dL/dx lost a factor y'*x (--verify: NOT
 * verified; seed 31060 of 22000-36999, "`2*t1` should be `2*t1`"). */
START_TEST(named_products_keep_the_reduction)
{
    static const uint64_t seeds[] = { 31060 };
    seeds_read_back(seeds, sizeof seeds / sizeof *seeds);
    static const char *const progs[] = {
        "x, y : vector(n)\nt1 = (y'*x)*x\nL = norm2(t1)\nwrt x\n",
        "x, y : vector(n)\nt1 = x*(x'*y)\nL = norm2(t1) + sum(t1)\nwrt x, y\n",
        "x, y, u : vector(n)\nt1 = (u'*x)*x\nL = (u'*x)*sum(t1.^2)\nwrt x, u\n",
    };
    for (size_t i = 0; i < sizeof progs / sizeof *progs; i++) {
        double worst = 1;
        ck_assert_msg(t_verify(progs[i], &worst) == 0, "%s", progs[i]);
        char *why = NULL;
        ck_assert_msg(t_read_back(progs[i], ND_TEXT, 0, &why) == 0, "%s\n%s", progs[i], why);
        nd_free(why);
    }
    char *out = t_emit(progs[0], ND_TEXT);
    ck_assert_ptr_nonnull(strstr(out, "dL/dx = 2*((t1'*x)*y + (y'*x)*t1)\n"));
    nd_free(out);
}
END_TEST

/* Fills whose size the printed line leaves open are written with it:
 * seed 14123's t1 = diag(matrix(1/n^2)) used in sum(t1), 15761's
 * sum(abs(u)*vector(1)', 2) (of 12000-16999), 21120 and 21244 (of
 * 17000-21999) did not read back; they print matrix(1/n^2, n, n) and
 * vector(1, n)' (LaTeX \mathbf{1}_{n}). */
START_TEST(sized_fills_read_back)
{
    static const uint64_t seeds[] = { 14123, 15761, 21120, 21244 };
    seeds_read_back(seeds, sizeof seeds / sizeof *seeds);
    char *out = t_emit("x, y : vector(n)\nL = mean(diag(x - b)) + a\n", ND_TEXT);
    ck_assert_ptr_nonnull(strstr(out, "t1 = diag(matrix(1/n^2, n, n))\n"));
    nd_free(out);
    out = t_emit("u : vector(m)\nM : matrix(m, n)\nL = sum((M + u)'*abs(u))\n", ND_LATEX);
    ck_assert_ptr_nonnull(strstr(out, "\\mathbf{1}_{n}^\\top"));
    nd_free(out);
    /* an inferred dimension: matrix(c, x_rows, x_rows), \mathbf{1}_{x_{\mathrm{rows}}} */
    for (int latex = 0; latex < 2; latex++) {
        char *why = NULL;
        int st = t_read_back("L = mean(diag(x - b)) + a\n", latex ? ND_LATEX : ND_TEXT, latex, &why);
        ck_assert_msg(st == 0, "inferred x (%s): status %d\n%s", latex ? "LaTeX" : "text", st, why);
        nd_free(why);
    }
}
END_TEST

/* Steps whose fills (vector(1)*vector(1)') only their own line sizes, used
 * by name in a later line: seeds 7537 and 12664 (of 7000-21999) printed
 * --steps --latex that read back as "dL/dt1 is 1 x m" for a 1 x n step.
 * An earlier line's first-pass fill was found again in a later line (see
 * expr_unlist_from); the steps, text and LaTeX, read back. */
START_TEST(steps_fills_read_back)
{
    static const uint64_t seeds[] = { 7537, 12664 };
    seeds_read_back_in(seeds, sizeof seeds / sizeof *seeds, ND_STEPS, ND_STEPS_LATEX);
}
END_TEST

/* Gradients through kron are block sums of kron with ones, whose sizes
 * kron needs at the call: they are written (kron(eye(2), vector(1, 3)');
 * LaTeX I_{2} \otimes \mathbf{1}_{3}^\top, which the LaTeX reader reads),
 * and the gradients read back; a fill whose size its place fixes stays
 * short (x*vector(1)' of a gradient with respect to a matrix). */
START_TEST(kron_gradients_read_back)
{
    static const char *const progs[] = {
        "A : matrix(2, 3)\nX : matrix(3, 2)\nL = sum(kron(A, X))\n",
        "A : matrix(2, 3)\nX : matrix(3, 2)\nB : matrix(6, 6)\nL = tr(B*kron(A, X))\n",
        "X : matrix(2, 3)\nB : matrix(2, 2)\nw : vector(6)\n"
        "L = w'*vec(X) + sum(exp(unvec(w, 3))) + sum(sin(kron(B, X)))\n",
        "X : matrix(2, 3)\nB : matrix(3, 2)\nC : matrix(6, 6)\nL = sum(kron(X', B').*C')\n",
    };
    for (size_t i = 0; i < sizeof progs / sizeof *progs; i++)
        for (int latex = 0; latex < 2; latex++) {
            if (latex && strstr(progs[i], "unvec"))
                continue;       /* LaTeX's \operatorname{unvec}(v, m) is not read */
            char *why = NULL;
            int st = t_read_back(progs[i], latex ? ND_LATEX : ND_TEXT, latex, &why);
            ck_assert_msg(st == 0, "%s (%s) reads back with status %d:\n%s", progs[i],
                          latex ? "LaTeX" : "text", st, why);
            nd_free(why);
        }
    static const char *const examples[] = { "examples/kron/matrix_lsq.nd",
                                            "examples/kron/trace_quadratic.nd" };
    for (size_t i = 0; i < sizeof examples / sizeof *examples; i++) {
        char *prog = t_slurp(examples[i]);
        for (int latex = 0; latex < 2; latex++) {
            char *why = NULL;
            int st = t_read_back(prog, latex ? ND_LATEX : ND_TEXT, latex, &why);
            ck_assert_msg(st == 0, "%s reads back with status %d:\n%s", examples[i], st, why);
            nd_free(why);
        }
        free(prog);
    }
    char *out = t_emit(progs[0], ND_TEXT);
    ck_assert_ptr_nonnull(strstr(out, "kron(eye(2), vector(1, 3)')*kron(matrix(1, 2, 3), X)"));
    nd_free(out);
    out = t_emit(progs[0], ND_LATEX);
    ck_assert_ptr_nonnull(strstr(out, "\\left(I_{2} \\otimes \\mathbf{1}_{3}^\\top\\right)"));
    nd_free(out);
    out = t_emit("A : matrix(n, n)\nx : vector(n)\nL = x'*A*vector(1)\nwrt A\n", ND_TEXT);
    ck_assert_str_eq(out, "dL/dA = x*vector(1)'\n");
    nd_free(out);
}
END_TEST

/* ---- temporaries ---- */

/* Whether the program binds the name tK itself (randprog's t1, t2). */
static int program_binds(const char *program, int k)
{
    char def[32];
    snprintf(def, sizeof def, "t%d = ", k);
    for (const char *at = strstr(program, def); at; at = strstr(at + 1, def))
        if (at == program || at[-1] == '\n')
            return 1;
    return 0;
}

/* The temporaries an output defines (not the program's own bindings), in
 * order: k-th definition's number (t1 = ..., t_{1} &= ...) into num[k];
 * *unused: how many are not used after their definition.  Returns their
 * count. */
static int temporaries_of(const char *program, const char *out, int latex, int *num, int max,
                          int *unused)
{
    int n = 0;
    *unused = 0;
    for (const char *line = out; *line && n < max; ) {
        const char *end = strchr(line, '\n');
        int k;
        if ((latex ? sscanf(line, "t_{%d} &=", &k) : sscanf(line, "t%d =", &k)) == 1 &&
            !program_binds(program, k)) {
            char use[32];
            snprintf(use, sizeof use, latex ? "t_{%d}" : "t%d", k);
            const char *at = end ? end : line + strlen(line);
            int found = 0;
            for (const char *u = strstr(at, use); u && !found; u = strstr(u + 1, use))
                found = !latex ? !(u[strlen(use)] >= '0' && u[strlen(use)] <= '9') : 1;
            *unused += !found;
            num[n++] = k;
        }
        if (!end)
            break;
        line = end + 1;
    }
    return n;
}

/* Temporaries come before the lines that use them, numbered t1, t2, ...
 * as they are defined (skipping the program's names), every one used;
 * LaTeX names as many. */
START_TEST(temporaries_in_order)
{
    int with_temps = 0;
    for (int i = -T_N_EXAMPLES; i < 300; i++) {
        char *program;
        if (i < 0) {
            program = t_slurp(t_examples[i + T_N_EXAMPLES]);
        } else {
            strbuf p;
            sb_init(&p);
            randprog((uint64_t)i + 7000, 3, &p);
            program = xstrdup(sb_str(&p));
            sb_free(&p);
        }
        static const enum nd_format fmts[][2] = { { ND_TEXT, ND_LATEX },
                                                  { ND_STEPS, ND_STEPS_LATEX } };
        for (int f = 0; f < 2; f++) {
            int num[2][200], count[2] = { 0, 0 };
            for (int l = 0; l < 2; l++) {
                char *out = t_emit(program, fmts[f][l]);
                if (!out)
                    continue;
                int unused;
                count[l] = temporaries_of(program, out, l, num[l], 200, &unused);
                /* t1, t2, ... skipping the program's own names */
                for (int k = 0, want = 0; k < count[l]; k++) {
                    while (program_binds(program, ++want))
                        ;
                    ck_assert_msg(num[l][k] == want, "program %d: temporary %d is t%d:\n%s",
                                  i, k + 1, num[l][k], out);
                }
                ck_assert_msg(!unused, "program %d: a temporary nothing uses:\n%s", i, out);
                nd_free(out);
            }
            ck_assert_msg(count[0] == count[1], "program %d: %d temporaries in text, %d in LaTeX",
                          i, count[0], count[1]);
            with_temps += count[0] > 1;
        }
        free(program);
    }
    ck_assert_int_ge(with_temps, 20);
}
END_TEST

/* ---- numbers ---- */

/* Numbers print as people write them (1e-5, not 0.00001; LaTeX 10^{-5},
 * 3 \cdot 10^{-5}), as constants and as coefficients, and the printed
 * forms read back: text through --check-file, LaTeX as LaTeX answers. */
START_TEST(numbers_as_written)
{
    static const char *const cases[][3] = {
        /* program, text, LaTeX */
        { "L = sum(tanh(x + 1e-5))", "tanh(x + 1e-5)", "x + 10^{-5}" },
        { "L = sum(tanh(x + 3e-5))", "tanh(x + 3e-5)", "x + 3 \\cdot 10^{-5}" },
        { "L = sum(tanh(x - 2.5e-8))", "tanh(x - 2.5e-8)", "x - 2.5 \\cdot 10^{-8}" },
        { "L = 0.5e-5*norm2(x)", "= 1e-5*x", "= 10^{-5} x" },
        { "L = 1.5e-5*norm2(x)", "= 3e-5*x", "= 3 \\cdot 10^{-5} x" },
        { "L = -1e-5*norm2(x) + sum(x)", "= 1 - 2e-5*x", "= 1 - 2 \\cdot 10^{-5} x" },
        { "L = sum(x)/1e6", "= vector(1e-6)", "10^{-6}" },
        { "L = 5e5*norm2(x)", "= 1e6*x", "= 10^{6} x" },
        { "L = sum(exp(x*1e-5))", "exp(1e-5*x)", "10^{-5}" },
        { "L = sum(x.^2/(1e-5 + norm2(x)))", "1e-5", "10^{-5}" },
        { "L = sum(tanh(x + 0.0001))", "tanh(x + 0.0001)", "x + 0.0001" },
        { "L = sum(tanh(x + 0.5))", "tanh(x + 0.5)", "\\frac{1}{2}" },
        { "L = sum(tanh(x + 12345e-10))", "tanh(x + 0.0000012345)", "x + 0.0000012345" },
        /* decimals stay decimals (issue 10), as constants and coefficients;
         * a derivative's halves and quarters stay fractions */
        { "L = sum(tanh(x + 0.00022))", "tanh(x + 0.00022)", "x + 0.00022" },
        { "L = 0.15*norm2(x)", "= 0.3*x", "= 0.3 x" },
        { "L = 0.00022*norm2(x) + norm2(x)/2", "= 1.00044*x", "= 1.00044 x" },
        { "L = 0.15*sum(x.^3)", "= 0.45*x.^2", "= 0.45 x^{\\circ 2}" },
        { "L = -0.35*norm2(x)", "= -0.7*x", "= -0.7 x" },
        { "L = norm2(x)/4", "= x/2", "= \\frac{1}{2} x" },
        { "L = sum(x)/8", "vector(0.125)", "\\frac{1}{8}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (int l = 0; l < 2; l++) {
            const char *want = cases[i][1 + l];
            char *out = t_emit(cases[i][0], l ? ND_LATEX : ND_TEXT);
            ck_assert_ptr_nonnull(out);
            ck_assert_msg(!want || strstr(out, want), "%s: no %s in\n%s", cases[i][0], want, out);
            nd_free(out);
            char *why = NULL;
            int st = t_read_back(cases[i][0], l ? ND_LATEX : ND_TEXT, l, &why);
            ck_assert_msg(st == 0, "%s (%s) reads back with status %d:\n%s", cases[i][0],
                          l ? "LaTeX" : "text", st, why);
            nd_free(why);
        }
    }
}
END_TEST

/* ---- the text output reads back ---- */

/* Every gradient printed, of the examples and of 300 random programs, reads
 * back as equivalent: helpers such as t = matrix(c) take their size from
 * where they are used, and a sum never starts with broadcasts that do not
 * add up (x' + x + A). */
START_TEST(text_reads_back)
{
    int checked = 0;
    for (int i = -T_N_EXAMPLES; i < 300; i++) {
        char *program;
        if (i < 0) {
            program = t_slurp(t_examples[i + T_N_EXAMPLES]);
        } else {
            strbuf p;
            sb_init(&p);
            randprog((uint64_t)i + 7000, 3, &p);
            program = xstrdup(sb_str(&p));
            sb_free(&p);
        }
        for (int f = 0; f < 2; f++) {
            char *why = NULL;
            int st = t_read_back(program, f ? ND_STEPS : ND_TEXT, 0, &why);
            ck_assert_msg(st <= 0, "program %d (%s) reads back with status %d:\n%s\n%s", i,
                          f ? "--steps" : "text", st, program, why);
            checked += st == 0;
            nd_free(why);
        }
        free(program);
    }
    ck_assert_int_ge(checked, 300);
}
END_TEST

Suite *suite_readable(void)
{
    Suite *s = suite_create("readable");
    TCase *tc = tcase_create("readable");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, latex_documents_compile, 0, T_N_EXAMPLES);
    tcase_add_loop_test(tc, latex_golden, 0, T_N_EXAMPLES);
    tcase_add_test(tc, latex_awkward_names_compile);
    tcase_add_loop_test(tc, steps_expand_to_gradients, 0, T_N_EXAMPLES);
    tcase_add_test(tc, steps_seed_sequence);
    tcase_add_loop_test(tc, paths_contributions_verify, 0, T_N_EXAMPLES);
    tcase_add_loop_test(tc, paths_sum_is_gradient, 0, T_N_EXAMPLES);
    tcase_add_test(tc, paths_autoencoder);
    tcase_add_test(tc, text_reads_back);
    tcase_add_test(tc, temporaries_in_order);
    tcase_add_test(tc, numbers_as_written);
    tcase_add_test(tc, filled_sums_read_back);
    tcase_add_test(tc, named_products_keep_their_coefficient);
    tcase_add_test(tc, named_products_keep_the_reduction);
    tcase_add_test(tc, sized_fills_read_back);
    tcase_add_test(tc, steps_fills_read_back);
    tcase_add_test(tc, kron_gradients_read_back);
    suite_add_tcase(s, tc);
    return s;
}
