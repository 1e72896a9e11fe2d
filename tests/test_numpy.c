/* test_numpy.c: the --numpy module against the MPFR evaluator.
 *
 * As test_codegen.c does for the C: every program of a batch (the
 * examples, one program per operator, programs with names Python or the
 * module uses, a few hundred random programs) is written as a module
 * p<k>.py into one directory with a random instance the evaluator also
 * computed; one python3 process imports them all, calls each on its
 * instance (vectors as 1-D arrays for even k, as (n, 1) columns for odd
 * k) and writes the results, which must agree with the evaluator to a
 * relative 1e-10, each gradient shaped like its variable.  Skipped with a
 * message when python3 or numpy is missing.  Then the errors: shapes that
 * do not fit, and what --numpy refuses. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "derive.h"
#include "eval.h"
#include "ops.h"
#include "helpers.h"
#include "randprog.h"
#include "shape.h"
#include "verify.h"

typedef struct expected {
    double f;
    int n_grads;
    double **g;
    size_t *len;
} expected;

typedef struct batch {
    char dir[64];
    int n;
    expected *exp;
    strbuf list;    /* the modules' names, one a line */
} batch;

/* The python3 that has numpy ($PYTHON, else Debian's, else the path's), or NULL. */
static const char *python(void)
{
    static const char *const tries[] = { "/usr/bin/python3", "python3" };
    const char *env = getenv("PYTHON");
    char cmd[256];
    for (int i = env && *env ? -1 : 0; i < 2; i++) {
        const char *p = i < 0 ? env : tries[i];
        snprintf(cmd, sizeof cmd, "%s -c 'import numpy' >/dev/null 2>&1", p);
        if (system(cmd) == 0)
            return p;
    }
    return NULL;
}

static int skip_without_numpy(void)
{
    if (python())
        return 0;
    fprintf(stderr, "skipped: python3 with numpy is not installed (the --numpy tests)\n");
    return 1;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static char *numpy_source(const char *program, const char *name)
{
    nd_session *s = nd_open("<test>", program, strlen(program), NULL);
    nd_c_options o = { name, 0, 0, NULL };
    char *out = NULL;
    int st = nd_status(s) ? nd_status(s) : nd_emit(s, ND_NUMPY, &o, &out);
    ck_assert_msg(st == 0, "--numpy fails on:\n%s\n%s", program, nd_diagnostics(s));
    nd_close(s);
    return out;
}

/* A random instance: p<k>.in for the driver (each variable's rows,
 * columns and entries; the gradients' variables), and the expected values. */
static void instance(batch *B, const char *program, const char *path)
{
    t_internal t;
    t_internal_open(&t, program);
    nd_ctx *ctx = t.ctx;
    int ng = t.prog.n_wrt;
    nd_node **roots = xmalloc(((size_t)ng + 1) * sizeof *roots);
    roots[0] = ctx->scope->binds[t.prog.objective].node;
    derive_gradients(ctx, roots[0], t.prog.wrt, ng, roots + 1);
    nd_evalenv *env = eval_new(ctx, 128);
    nd_rng rng = { 777 + (uint64_t)B->n };
    ck_assert_msg(verify_instance(env, &rng, roots, ng + 1, 100) == EV_OK,
                  "no point in the domain of:\n%s", program);
    FILE *f = fopen(path, "w");
    ck_assert(f != NULL);
    fprintf(f, "%d\n", ctx->scope->n_vars);
    for (int v = 0; v < ctx->scope->n_vars; v++) {
        const nd_mat *m = &env->vars[v];
        fprintf(f, "%d %d", m->rows, m->cols);
        for (int a = 0; a < m->rows; a++)
            for (int b = 0; b < m->cols; b++)
                fprintf(f, " %.17g", mpfr_get_d(MAT(m, a, b), MPFR_RNDN));
        fputc('\n', f);
    }
    fprintf(f, "%d", ng);
    for (int g = 0; g < ng; g++)
        fprintf(f, " %d", t.prog.wrt[g]);
    fputc('\n', f);
    fclose(f);
    expected *e = &B->exp[B->n];
    e->f = mpfr_get_d(env->vals[roots[0]->id].a[0], MPFR_RNDN);
    e->n_grads = ng;
    e->g = xmalloc(((size_t)ng + 1) * sizeof *e->g);
    e->len = xmalloc(((size_t)ng + 1) * sizeof *e->len);
    for (int g = 0; g < ng; g++) {
        const nd_mat *m = &env->vals[roots[g + 1]->id];
        e->len[g] = (size_t)m->rows * (size_t)m->cols;
        e->g[g] = xmalloc(e->len[g] * sizeof *e->g[g] + 1);
        size_t k = 0;
        for (int a = 0; a < m->rows; a++)
            for (int b = 0; b < m->cols; b++)
                e->g[g][k++] = mpfr_get_d(MAT(m, a, b), MPFR_RNDN);
    }
    eval_free(env);
    free(roots);
    t_internal_free(&t);
}

static void add_program(batch *B, const char *program)
{
    char name[32], path[128];
    snprintf(name, sizeof name, "p%d", B->n);
    char *src = numpy_source(program, name);
    snprintf(path, sizeof path, "%s/%s.py", B->dir, name);
    write_file(path, src);
    nd_free(src);
    snprintf(path, sizeof path, "%s/%s.in", B->dir, name);
    B->exp = xrealloc(B->exp, ((size_t)B->n + 1) * sizeof *B->exp);
    instance(B, program, path);
    sb_printf(&B->list, "%s\n", name);
    B->n++;
}

/* Imports each module and calls it on its instance; p<k>.out gets the
 * objective, then each gradient's entries (row-major) on a line, or a line
 * ERROR ... when a call fails or a gradient is not shaped like its variable. */
static const char driver[] =
    "import importlib.util, sys, traceback\n"
    "import numpy as np\n"
    "d = sys.argv[1]\n"
    "for k, name in enumerate(open(d + '/list.txt').read().split()):\n"
    "    out = open('%s/%s.out' % (d, name), 'w')\n"
    "    try:\n"
    "        spec = importlib.util.spec_from_file_location(name, '%s/%s.py' % (d, name))\n"
    "        mod = importlib.util.module_from_spec(spec)\n"
    "        spec.loader.exec_module(mod)\n"
    "        f = getattr(mod, name)\n"
    "        words = open('%s/%s.in' % (d, name)).read().split('\\n')\n"
    "        args, scalar = [], []\n"
    "        for line in words[1:1 + int(words[0])]:\n"
    "            w = line.split()\n"
    "            r, c = int(w[0]), int(w[1])\n"
    "            a = np.array([float(x) for x in w[2:]]).reshape(r, c)\n"
    "            if r == 1 and c == 1:\n"
    "                a = float(a[0, 0]) if k % 2 == 0 else a\n"
    "            elif c == 1 and k % 2 == 0:\n"
    "                a = a.reshape(r)\n"
    "            args.append(a)\n"
    "            scalar.append(r == 1 and c == 1)\n"
    "        wrt = [int(x) for x in words[1 + int(words[0])].split()[1:]]\n"
    "        res = f(*args)\n"
    "        assert isinstance(res, tuple) and len(res) == 1 + len(wrt), 'returns %r' % (res,)\n"
    "        assert isinstance(res[0], float), 'the objective is a %s' % type(res[0])\n"
    "        out.write('%.17g\\n' % res[0])\n"
    "        for v, g in zip(wrt, res[1:]):\n"
    "            if scalar[v]:\n"
    "                assert isinstance(g, float), 'gradient %d is a %s' % (v, type(g))\n"
    "            else:\n"
    "                assert np.shape(g) == np.shape(args[v]), 'gradient %d of shape %s, not %s' % (v, np.shape(g), np.shape(args[v]))\n"
    "            out.write(' '.join('%.17g' % x for x in np.ravel(g)) + '\\n')\n"
    "    except Exception:\n"
    "        out.write('ERROR ' + traceback.format_exc().replace('\\n', ' | ') + '\\n')\n"
    "    out.close()\n";

static double rel(double a, double b)
{
    return fabs(a - b) / fmax(1.0, fmax(fabs(a), fabs(b)));
}

static void compare(batch *B, int k)
{
    char path[128], line[4096];
    snprintf(path, sizeof path, "%s/p%d.out", B->dir, k);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "no results for p%d (see %s)", k, B->dir);
    ck_assert_msg(fgets(line, sizeof line, f) != NULL, "p%d: no output", k);
    ck_assert_msg(strncmp(line, "ERROR", 5) != 0, "p%d (%s/p%d.py): %s", k, B->dir, k, line);
    expected *e = &B->exp[k];
    double v = strtod(line, NULL);
    ck_assert_msg(rel(v, e->f) < 1e-10, "p%d objective %.17g, expected %.17g", k, v, e->f);
    for (int g = 0; g < e->n_grads; g++) {
        double scale = 1.0, worst = 0;
        for (size_t x = 0; x < e->len[g]; x++)
            scale = fmax(scale, fabs(e->g[g][x]));
        for (size_t x = 0; x < e->len[g]; x++) {
            ck_assert_msg(fscanf(f, "%lf", &v) == 1, "p%d: gradient %d is short", k, g);
            worst = fmax(worst, fabs(v - e->g[g][x]) / scale);
        }
        ck_assert_msg(worst < 1e-10, "p%d gradient %d off by %g (see %s)", k, g, worst, B->dir);
    }
    fclose(f);
}

static void batch_open(batch *B)
{
    memset(B, 0, sizeof *B);
    strcpy(B->dir, "/tmp/nd_np_XXXXXX");
    ck_assert(mkdtemp(B->dir) != NULL);
    sb_init(&B->list);
}

static void run_batch(batch *B)
{
    char path[128], cmd[512];
    snprintf(path, sizeof path, "%s/list.txt", B->dir);
    write_file(path, sb_str(&B->list));
    snprintf(path, sizeof path, "%s/driver.py", B->dir);
    write_file(path, driver);
    snprintf(cmd, sizeof cmd, "%s -W error::SyntaxWarning %s/driver.py %s", python(), B->dir,
             B->dir);
    ck_assert_msg(system(cmd) == 0, "the driver does not run: %s", cmd);
    for (int k = 0; k < B->n; k++)
        compare(B, k);
}

static void batch_close(batch *B)
{
    for (int k = 0; k < B->n; k++) {
        for (int g = 0; g < B->exp[k].n_grads; g++)
            free(B->exp[k].g[g]);
        free(B->exp[k].g);
        free(B->exp[k].len);
    }
    free(B->exp);
    sb_free(&B->list);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", B->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", B->dir);
}

/* Every operator with a NumPy form, and names that Python, NumPy or the
 * module already use. */
static const char *const special[] = {
    "A : matrix(n, n)\nx, w : vector(n)\nP : spd(n)\n"
    "L = w'*inv(A)*x + det(A) + logdet(P) + tr(A^3) + w'*A^-2*x + w'*diag(A) + x'*diag(w)*x",
    "Z : matrix(C, N)\nY : onehot(C, N)\nz, y : vector(C)\n"
    "L = crossentropy(Z, Y)/N + sum(softmax(z).*y) + sum(logsoftmax(Z)) + sum(logsumexp(Z)) + "
    "logsumexp(z)",
    "x, y : vector(n)\na : scalar\nL = sum(sqrt(1 + x.^2)) + norm1(x) + norm(x - y) + mean(x*y') + "
    "sum(arctan(x) + softplus(x) + relu(x) + sign(x).*x + step(x).*y + abs(y)) + a^3/norm2(y)",
    "X : matrix(n, k)\nb : vector(n)\nW : matrix(m, n)\nL = sum(tanh(W*X + W*b) .* (W*X)) + "
    "sum(sin(X')*cos(X)) + sum(X*vector(1)) + tr(eye(n)*X*X')",
    "X : matrix(n, k)\nx, y : vector(n)\nL = sum(log(cosh(X - x))) + y'*sinh(x/2) + sum(cosh(y).*x)",
    "X : matrix(n, k)\nx, y : vector(n)\nL = y'*log1p(x.^2) + sum(log1p(exp(X - x)))",
    "X : matrix(n, k)\nx, y : vector(n)\nW : matrix(m, n)\nL = sum(gelu(W*X)) + y'*erf(x) + "
    "sum(gelu(-4*x) .* erf(2*y)) + sum(erf(W*x))",
    "X : matrix(n, k)\nx, y : vector(n)\na : scalar\nL = sum(max(x, y)) + sum(min(X, a)) + "
    "sum(max(0, 1 - y.*x)) + sum(clip(X, -0.5, 0.5).^2) + sum(min(2, a*x))",
    "X : matrix(n, k)\nx, y : vector(n)\nW : matrix(m, n)\nL = max(x) - 2*min(W*x) + max(X) + "
    "min(X'*y) + y'*ismax(x) + sum(ismin(X).*X)",
    "X, Y : matrix(n, k)\nw : vector(n)\nL = sum(sum(X, 1).^2) + w'*mean(X, 2) + sum(norm(X, 1)) + "
    "w'*norm2(X, 2) + sum(Y.*softmax(X, 2)) + sum(Y.*logsoftmax(X, 2)) + w'*logsumexp(X, 2)",
    "x, mu : vector(n)\ns : scalar\nL = n/2*log(2*pi*s^2) + norm2(x - mu)/(2*s^2) + pi*sum(sin(pi*x))",
    "x : vector(n)\nz : vector(3)\nS : symmetric(n)\nL = sum(swish(x)) + sum(sigmoid(-x)) + "
    "sum(exp(z)) + x'*S*x + sum(cos(x) .* arcsin(x/(1 + norm2(x))) .* arccos(x/(2 + norm2(x))))",
    "lambda, in, np, b0, s0, grad_W : vector(n)\nW : matrix(n, n)\nmath : scalar\n"
    "r = W*lambda + in\nL = r'*np + b0'*s0*math + sum(grad_W.*r) + norm2(W)",
    "x : vector(n)\nA : matrix(2, n)\nc : scalar\nL = sum(A*x) + c*x'*x + sum(tan(x/(3 + norm2(x))))",
    "X : matrix(2, 3)\nB : matrix(3, 2)\nw : vector(6)\nA : matrix(2, 2)\nC : matrix(4, 6)\n"
    "L = w'*vec(X*B*X) + sum(exp(unvec(w, 3))) + sum(kron(A, X).*C) + sum(kron(X', A)*C)",
    /* fills that say their size, and kron's block sums of them */
    "X : matrix(n, k)\nx : vector(n)\na : scalar\nP : matrix(2, 3)\nB : matrix(2, 2)\n"
    "L = sum(matrix(a, n, k).*X) + x'*vector(a, n) + a*sum(vector(1, 3)) + sum(matrix(a, 2, 3).*P) + "
    "sum(sin(kron(B, P))) + sum(kron(eye(2), vector(1, 3)')*kron(matrix(a, 2, 3), P'))",
};

START_TEST(examples_and_operators_agree)
{
    if (skip_without_numpy())
        return;
    batch B;
    batch_open(&B);
    for (int i = 0; i < T_N_EXAMPLES; i++) {
        char *p = t_slurp(t_examples[i]);
        add_program(&B, p);
        add_program(&B, p);     /* and with the other shapes of vectors */
        free(p);
    }
    static const char *const more[] = {
        "examples/hessian/logreg.nd", "examples/hessian/quadratic.nd",
        "examples/hessian/sum_exp.nd", "examples/homework/two_layer_swish_vector_label.nd",
    };
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
        char *p = t_slurp(more[i]);
        add_program(&B, p);
        free(p);
    }
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
        add_program(&B, special[i]);
        add_program(&B, special[i]);
    }
    run_batch(&B);
    batch_close(&B);
}
END_TEST

#define N_RANDOM 300

START_TEST(random_programs_agree)
{
    if (skip_without_numpy())
        return;
    batch B;
    batch_open(&B);
    for (int i = 0; i < N_RANDOM; i++) {
        strbuf p;
        sb_init(&p);
        randprog((uint64_t)i + 15000, 3, &p);
        add_program(&B, sb_str(&p));
        sb_free(&p);
    }
    run_batch(&B);
    batch_close(&B);
}
END_TEST

/* What code prints after `import numpy as np, m`, m the program's module
 * (its function f). */
static char *py_output(const char *program, const char *code)
{
    char dir[] = "/tmp/nd_np_err_XXXXXX", path[96], cmd[512];
    ck_assert(mkdtemp(dir) != NULL);
    char *src = numpy_source(program, "f");
    snprintf(path, sizeof path, "%s/m.py", dir);
    write_file(path, src);
    nd_free(src);
    strbuf t;
    sb_init(&t);
    sb_printf(&t, "import numpy as np, m\n%s", code);
    snprintf(path, sizeof path, "%s/t.py", dir);
    write_file(path, sb_str(&t));
    sb_free(&t);
    snprintf(cmd, sizeof cmd, "cd %s && %s t.py > out.txt 2>&1", dir, python());
    int st = system(cmd);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    char *out = t_slurp(path);
    ck_assert_msg(st == 0, "does not run: %s\n%s", cmd, out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return out;
}

/* What m.f(args) raises as a ValueError ("no error" when it returns). */
static void expect_error(const char *program, const char *args, const char *message)
{
    strbuf code;
    sb_init(&code);
    sb_printf(&code, "try:\n    m.f(%s)\n    print(\"no error\")\nexcept ValueError as e:\n"
                     "    print(e)\n", args);
    char *got = py_output(program, sb_str(&code));
    sb_free(&code);
    ck_assert_msg(!strcmp(got, message), "f(%s): got\n%s\nexpected\n%s", args, got, message);
    free(got);
}

START_TEST(shapes_are_checked)
{
    if (skip_without_numpy())
        return;
    char *ae = t_slurp("examples/autoencoder.nd");
    expect_error(ae, "np.ones((3, 4)), np.ones(5)", "W has 4 columns, x has 5 entries: n differs\n");
    expect_error(ae, "np.ones((3, 4)), np.ones((4, 2))",
                 "x must be a vector (a 1-D array or an (n, 1) column), not an array of shape "
                 "(4, 2)\n");
    expect_error(ae, "np.ones(4), np.ones(4)",
                 "W must be a matrix (a 2-D array), not an array of shape (4,)\n");
    expect_error(ae, "np.ones((3, 4)), np.ones((4, 1))", "no error\n");
    free(ae);
    expect_error("A : matrix(n, n)\nL = tr(A)", "np.ones((2, 3))",
                 "A has 2 rows, A has 3 columns: n differs\n");
    expect_error("z : vector(3)\na : scalar\nL = a*sum(exp(z))", "np.ones(4), 1.0",
                 "z has 4 entries, not 3\n");
    expect_error("z : vector(3)\na : scalar\nL = a*sum(exp(z))", "np.ones(3), np.ones(2)",
                 "a must be a scalar, not an array of shape (2,)\n");
}
END_TEST

/* A gradient that is an argument itself (dL/dx = y) is a copy, not the
 * caller's array; a vector's gradient has the vector's shape. */
START_TEST(outputs_do_not_alias_arguments)
{
    if (skip_without_numpy())
        return;
    char *got = py_output("x, y : vector(n)\nL = x'*y\nwrt x",
                          "y = np.arange(3.0)\nL, g = m.f(np.ones(3), y)\ng[0] = 9\n"
                          "print(y[0], g.shape, m.f(np.ones((3, 1)), y)[1].shape)\n");
    ck_assert_str_eq(got, "0.0 (3,) (3, 1)\n");
    free(got);
}
END_TEST

static t_result run(const char *const *argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return t_cli(argc, argv, NULL);
}

START_TEST(refusals_are_errors)
{
    t_result r;
    const char *kw[] = { "nnderive", "examples/autoencoder.nd", "--numpy", "--name", "lambda",
                         NULL };
    r = run(kw);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "--name lambda: the name of the function must not be a Python "
                                "keyword") != NULL, "%s", r.err);
    t_result_free(&r);
    const char *blas[] = { "nnderive", "examples/autoencoder.nd", "--numpy", "--blas", NULL };
    r = run(blas);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "--blas, --colmajor and --header go with --c") != NULL, "%s",
                  r.err);
    t_result_free(&r);
}
END_TEST

/* A file name with a newline in it stays in the module's first comment. */
START_TEST(file_names_stay_in_the_comment)
{
    const char *prog = "x : vector(n)\nL = sum(x)";
    nd_session *s = nd_open("a\nimport os.nd", prog, strlen(prog), NULL);
    char *out = NULL;
    ck_assert_int_eq(nd_emit(s, ND_NUMPY, NULL, &out), 0);
    const char *nl = strchr(out, '\n');
    ck_assert_msg(nl && !strncmp(out, "# Generated", 11) && strstr(out, "a?import os.nd") &&
                  strstr(out, "a?import os.nd") < nl, "%s", out);
    nd_free(out);
    nd_close(s);
}
END_TEST

Suite *suite_numpy(void)
{
    Suite *s = suite_create("numpy");
    TCase *tc = tcase_create("numpy");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, examples_and_operators_agree);
    tcase_add_test(tc, random_programs_agree);
    tcase_add_test(tc, shapes_are_checked);
    tcase_add_test(tc, outputs_do_not_alias_arguments);
    tcase_add_test(tc, refusals_are_errors);
    tcase_add_test(tc, file_names_stay_in_the_comment);
    suite_add_tcase(s, tc);
    return s;
}
