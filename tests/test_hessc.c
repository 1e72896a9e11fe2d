/* test_hessc.c: --c with --hessian and --jacobian, and NAME_hvp.
 *
 * Each program's generated C is compiled (gcc, -std=c99 -Wall -Wextra
 * -pedantic -Werror) with a small driver and run on random inputs the
 * MPFR evaluator also used: every block of the Jacobian or the Hessian
 * (row-major, the blocks of jac_make_blocks in their order) must agree with
 * the evaluator's value of the symbolic block to a relative 1e-10, and
 * NAME_hvp(v) with the evaluator's Hessian times a random v. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval.h"
#include "ops.h"
#include "helpers.h"
#include "jacobian.h"
#include "shape.h"
#include "verify.h"

static const char driver[] =
    "#include <stdio.h>\n#include <stdlib.h>\n"
    "double t_eval(const long *, const double *const *, double *const *, double *);\n"
    "size_t t_work_size(const long *);\n"
    "#ifdef HVP\n"
    "double t_hvp_eval(const long *, const double *const *, double *const *, double *);\n"
    "size_t t_hvp_work_size(const long *);\n"
    "#endif\n"
    "static long num(FILE *f) { long v; if (fscanf(f, \"%ld\", &v) != 1) exit(3); return v; }\n"
    "static double *vec(FILE *f, long n) { long k; double *v = malloc(((size_t)n + 1) * sizeof *v);\n"
    "    for (k = 0; k < n; k++) { if (fscanf(f, \"%lf\", &v[k]) != 1) exit(3); }\n    return v; }\n"
    "static void put(double *const *g, const long *len, long ng) { long k, e;\n"
    "    for (k = 0; k < ng; k++) { for (e = 0; e < len[k]; e++) printf(\"%.17g \", g[k][e]); printf(\"\\n\"); } }\n"
    "int main(int argc, char **argv) {\n"
    "    FILE *f = fopen(argv[1], \"r\"); long nd, ni, ng, k, dims[16], len[64]; double *in[64], *g[64], *work;\n"
    "    (void)argc; if (!f) return 3;\n"
    "    nd = num(f); for (k = 0; k < nd; k++) dims[k] = num(f);\n"
    "    ni = num(f); for (k = 0; k < ni; k++) in[k] = vec(f, num(f));\n"
    "    ng = num(f); for (k = 0; k < ng; k++) { len[k] = num(f); g[k] = malloc((size_t)len[k] * sizeof(double) + 8); }\n"
    "    work = malloc(t_work_size(dims) * sizeof(double) + 8);\n"
    "    printf(\"%.17g\\n\", t_eval(dims, (const double *const *)in, g, work)); put(g, len, ng);\n"
    "#ifdef HVP\n"
    "    { long nv = num(f), hl[64]; double *hv[64]; for (k = 0; k < nv; k++) { hl[k] = num(f); in[ni + k] = vec(f, hl[k]);\n"
    "        hv[k] = malloc((size_t)hl[k] * sizeof(double) + 8); }\n"
    "      free(work); work = malloc(t_hvp_work_size(dims) * sizeof(double) + 8);\n"
    "      printf(\"%.17g\\n\", t_hvp_eval(dims, (const double *const *)in, hv, work)); put(hv, hl, nv); }\n"
    "#endif\n"
    "    return 0;\n}\n";

typedef struct hc_case {
    int kind;               /* ND_DERIV_JACOBIAN or ND_DERIV_HESSIAN */
    const char *program;
} hc_case;

#define LOGREG "A : matrix(m, n)\ny : vector(m)\nx : vector(n)\nlam : scalar\n" \
               "s = sigmoid(A*x)\nL = -sum(y .* log(s) + (1 - y) .* log(1 - s)) + lam/2*norm2(x)\n"

static const hc_case cases[] = {
    /* the examples */
    { ND_DERIV_HESSIAN, "A : matrix(n, n)\nx : vector(n)\nf = x'*A*x\nwrt x" },
    { ND_DERIV_HESSIAN, "A : matrix(m, n)\nx : vector(n)\nf = sum(exp(A*x))\nwrt x" },
    { ND_DERIV_HESSIAN, LOGREG "wrt x" },
    { ND_DERIV_JACOBIAN, "A : matrix(m, n)\nx : vector(n)\nf = A*exp(x)\nwrt x" },
    { ND_DERIV_JACOBIAN, "z : vector(n)\nf = softmax(z)\nwrt z" },
    { ND_DERIV_JACOBIAN, "W : matrix(m, n)\nx : vector(n)\nb : vector(m)\n"
                         "h = tanh(W*x + b)\nwrt x" },
    /* d of both signs in X'*diag(d)*X (--blas: dgemm at these small
     * sizes; the two dsyrk calls in the cases of numeric size below) */
    { ND_DERIV_HESSIAN, "A : matrix(m, n)\nx : vector(n)\nf = sum(sin(A*x)) + sum(cos(A*x))\nwrt x" },
    /* X'*diag(d)*X of a computed X (--blas below 32 columns: one dgemm of
     * X's buffer and diag(d)*X, written straight into the output) */
    { ND_DERIV_HESSIAN, "A, B : matrix(m, n)\nx : vector(n)\nf = sum(exp((A + B)*x))\nwrt x" },
    /* several blocks: the Hessian's on and above the diagonal, in order */
    { ND_DERIV_HESSIAN, "A : matrix(n, m)\nx : vector(n)\ny : vector(m)\na : scalar\n"
                        "f = x'*A*y + sum(exp(A'*x)) .* a + a^3*norm2(y)\nwrt x, y, a" },
    { ND_DERIV_JACOBIAN, "A : matrix(m, n)\nx : vector(n)\ny : vector(m)\n"
                         "f = A*exp(x) + y .* y\nwrt x, y" },
    /* a scalar objective's Jacobian: its gradient as a row, f returned */
    { ND_DERIV_JACOBIAN, "x : vector(n)\nf = sum(exp(x))\nwrt x" },
    /* X'*diag(d)*X across the plain C's cache blocks (128 rows of X, tiles
     * of 32 x 64 of the triangle), every edge ragged: 263 = 2*128 + 4 + 3
     * rows, 75 = 2*32 + 11 = 64 + 11 columns; and d of both signs */
    { ND_DERIV_HESSIAN, "A : matrix(263, 75)\ny : vector(263)\nx : vector(75)\nlam : scalar\n"
                        "s = sigmoid(A*x)\n"
                        "L = -sum(y .* log(s) + (1 - y) .* log(1 - s)) + lam/2*norm2(x)\nwrt x" },
    { ND_DERIV_HESSIAN, "A : matrix(130, 97)\nx : vector(97)\n"
                        "f = sum(sin(A*x)) + sum(cos(A*x))\nwrt x" },
    /* either side of --blas's switch from dgemm to dsyrk (32 columns) */
    { ND_DERIV_HESSIAN, "A : matrix(37, 31)\nx : vector(31)\n"
                        "f = sum(sin(A*x)) + sum(cos(A*x))\nwrt x" },
    { ND_DERIV_HESSIAN, "A : matrix(37, 32)\nx : vector(32)\n"
                        "f = sum(sin(A*x)) + sum(cos(A*x))\nwrt x" },
    /* matrices through vec: a block's rows and columns in vec order (X[i, j]
     * at i + m*j), NAME_hvp's v_X and (H v)_X shaped like X */
    { ND_DERIV_HESSIAN, "X : matrix(3, 2)\nA : matrix(3, 3)\nL = tr(X'*A*X)\nwrt X" },
    { ND_DERIV_HESSIAN, "X : matrix(3, 2)\nA : matrix(4, 3)\nB : matrix(4, 2)\n"
                        "L = 0.5*norm2(A*X - B)\nwrt X" },
    { ND_DERIV_HESSIAN, "X : matrix(3, 2)\nx : vector(2)\nz : vector(3)\na : scalar\n"
                        "L = a*z'*X*x + norm2(X*x) + sum(sigmoid(X).^2) + logdet(X'*X)\nwrt X, x, a" },
    { ND_DERIV_JACOBIAN, "X : matrix(3, 2)\nA : matrix(4, 3)\nB : matrix(2, 5)\nF = A*X*B\nwrt X" },
    { ND_DERIV_JACOBIAN, "X, Y : matrix(3, 2)\nx : vector(2)\nF = tanh(X').*Y' + x*sum(X, 2)'\n"
                         "wrt X, Y, x" },
    { ND_DERIV_JACOBIAN, "X : matrix(3, 2)\nz : vector(2)\nF = exp(X(2:3, :)) + diag(z)\nwrt X, z" },
    { ND_DERIV_HESSIAN, "X : matrix(2, 2)\nA : matrix(3, 2)\nL = sum(sin(kron(X, A*X)))\nwrt X" },
};

/* Writes the driver's data file; *want gets the expected numbers in the
 * order the driver prints them. */
typedef struct numbers {
    double *v;
    int n, cap;
} numbers;

static void push(numbers *w, double x)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 256;
        w->v = xrealloc(w->v, (size_t)w->cap * sizeof *w->v);
    }
    w->v[w->n++] = x;
}

static double val(const nd_mat *m, int i, int j)
{
    return mpfr_get_d(MAT(m, i, j), MPFR_RNDN);
}

/* Entry k of m in storage order: row-major, or column-major. */
static double stored(const nd_mat *m, int k, int colmajor)
{
    return colmajor ? val(m, k % m->rows, k / m->rows) : val(m, k / m->cols, k % m->cols);
}

/* The vec index (i + rows*j) of entry k in storage order of a rows x cols
 * variable. */
static int vec_index(int rows, int cols, int k, int colmajor)
{
    return colmajor ? k : (k / cols) + rows * (k % cols);
}

/* Hv for wrt variable r: the sum over blocks of H_rc v_c (H_cr' v_c below
 * the diagonal), v and the rows in vec order; pushed in r's storage order. */
static void hvp_expected(const jac_blocks *b, nd_evalenv *env, double *const *v,
                         const int *len, int r, const nd_mat *var, int colmajor, numbers *want)
{
    for (int e = 0; e < len[r]; e++) {
        int i = vec_index(var->rows, var->cols, e, colmajor);
        double acc = 0;
        for (int k = 0; k < b->n; k++) {
            const nd_mat *m = &env->vals[b->expr[k]->id];
            if (b->row[k] == r)
                for (int j = 0; j < len[b->col[k]]; j++)
                    acc += val(m, i, j) * v[b->col[k]][j];
            else if (b->col[k] == r)
                for (int j = 0; j < len[b->row[k]]; j++)
                    acc += val(m, j, i) * v[b->row[k]][j];
        }
        push(want, acc);
    }
}

static void instance(const hc_case *c, int seed, const char *path, numbers *want, int colmajor)
{
    t_internal t;
    t_internal_open(&t, c->program);
    nd_ctx *ctx = t.ctx;
    jac_blocks b;
    enum jac_kind kind = c->kind == ND_DERIV_HESSIAN ? JAC_HESSIAN : JAC_JACOBIAN;
    jac_make_blocks(ctx, &t.prog, kind, &b);     /* an error would abort the test */
    nd_node **roots = xmalloc(((size_t)b.n + 2) * sizeof *roots);
    roots[0] = ctx->scope->binds[t.prog.objective].node;
    for (int k = 0; k < b.n; k++)
        roots[k + 1] = b.expr[k];
    nd_evalenv *env = eval_new(ctx, 128);
    nd_rng rng = { 777 + (uint64_t)seed };
    ck_assert(verify_instance(env, &rng, roots, b.n + 1, 100) == EV_OK);
    FILE *f = fopen(path, "w");
    ck_assert(f != NULL);
    nd_dim dims[16];
    int nd = scope_abi_dims(ctx, dims, 16);
    fprintf(f, "%d", nd);
    for (int d = 0; d < nd; d++)
        fprintf(f, " %ld", eval_dim(env, dims[d]));
    fprintf(f, "\n%d", ctx->scope->n_vars);
    for (int v = 0; v < ctx->scope->n_vars; v++) {
        const nd_mat *m = &env->vars[v];
        fprintf(f, " %d", m->rows * m->cols);
        for (int e = 0; e < m->rows * m->cols; e++)
            fprintf(f, " %.17g", stored(m, e, colmajor));
    }
    const nd_mat *fv = &env->vals[roots[0]->id];
    push(want, fv->rows * fv->cols == 1 ? val(fv, 0, 0) : 0.0);
    fprintf(f, "\n%d", b.n);
    for (int k = 0; k < b.n; k++) {
        const nd_mat *m = &env->vals[b.expr[k]->id];
        fprintf(f, " %d", m->rows * m->cols);
        for (int e = 0; e < m->rows * m->cols; e++)
            push(want, stored(m, e, colmajor));
    }
    if (kind == JAC_HESSIAN) {  /* v: random, one per variable */
        int nw = t.prog.n_wrt, len[16];
        double *v[16];
        fprintf(f, "\n%d", nw);
        push(want, val(fv, 0, 0));
        for (int r = 0; r < nw; r++) {
            const nd_mat *x = &env->vars[t.prog.wrt[r]];
            len[r] = x->rows * x->cols;
            v[r] = xmalloc((size_t)len[r] * sizeof *v[r]);
            for (int i = 0; i < len[r]; i++)
                v[r][i] = sin(3.7 * (i + 1) + r) + 0.25;
            fprintf(f, " %d", len[r]);
            for (int e = 0; e < len[r]; e++)
                fprintf(f, " %.17g", v[r][vec_index(x->rows, x->cols, e, colmajor)]);
        }
        for (int r = 0; r < nw; r++)
            hvp_expected(&b, env, v, len, r, &env->vars[t.prog.wrt[r]], colmajor, want);
        for (int r = 0; r < nw; r++)
            free(v[r]);
    }
    fputc('\n', f);
    fclose(f);
    eval_free(env);
    free(roots);
    jac_blocks_free(&b);
    t_internal_free(&t);
}

static char *generate(const hc_case *c, int blas, int colmajor)
{
    nd_session *s = nd_open("<test>", c->program, strlen(c->program), NULL);
    ck_assert_int_eq(nd_set_derivative(s, c->kind), 0);
    nd_c_options o = { "t", blas, colmajor, NULL };
    char *out = NULL;
    int st = nd_status(s) ? nd_status(s) : nd_emit(s, ND_C, &o, &out);
    ck_assert_msg(st == 0, "--c fails on:\n%s\n%s", c->program, nd_diagnostics(s));
    nd_close(s);
    return out;
}

static int have_cblas(void)
{
    return system("printf '#include <cblas.h>\\nint main(void) { return 0; }\\n' | "
                  "cc -x c - -o /dev/null -lopenblas >/dev/null 2>&1") == 0;
}

/* Compiles case c with the driver, runs it, compares. */
static void run_case(const hc_case *c, int seed, int blas, int colmajor)
{
    char dir[] = "/tmp/nd_hc_XXXXXX", path[256], cmd[1024];
    ck_assert(mkdtemp(dir) != NULL);
    char *src = generate(c, blas, colmajor);
    snprintf(path, sizeof path, "%s/t.c", dir);
    FILE *f = fopen(path, "w");
    fputs(src, f);
    fclose(f);
    nd_free(src);
    snprintf(path, sizeof path, "%s/driver.c", dir);
    f = fopen(path, "w");
    fputs(driver, f);
    fclose(f);
    numbers want = { 0 };
    snprintf(path, sizeof path, "%s/t.in", dir);
    instance(c, seed, path, &want, colmajor);
    snprintf(cmd, sizeof cmd,
             "cd %s && gcc -std=c99 -Wall -Wextra -pedantic -Werror -O1 %s t.c driver.c -o run "
             "%s -lm 2> errors.txt && ./run t.in > t.out", dir,
             c->kind == ND_DERIV_HESSIAN ? "-DHVP" : "",
             blas ? "-lopenblas" : "");
    ck_assert_msg(system(cmd) == 0, "the generated code does not compile or run (%s):\n%s", dir,
                  c->program);
    snprintf(path, sizeof path, "%s/t.out", dir);
    f = fopen(path, "r");
    double scale = 1.0;
    for (int k = 0; k < want.n; k++)
        scale = fmax(scale, fabs(want.v[k]));
    for (int k = 0; k < want.n; k++) {
        double v;
        ck_assert_msg(fscanf(f, "%lf", &v) == 1, "output %d missing (%s)", k, dir);
        ck_assert_msg(fabs(v - want.v[k]) <= 1e-10 * scale,
                      "number %d: %.17g, the evaluator %.17g (%s):\n%s", k, v, want.v[k], dir,
                      c->program);
    }
    double extra;
    ck_assert_msg(fscanf(f, "%lf", &extra) != 1, "more output than expected (%s)", dir);
    fclose(f);
    free(want.v);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert(system(cmd) == 0);
}

START_TEST(hessian_and_jacobian_c_agree)
{
    run_case(&cases[_i], _i, 0, 0);
}
END_TEST

START_TEST(hessian_and_jacobian_blas_agree)
{
    if (!have_cblas()) {
        fprintf(stderr, "skipped: no CBLAS\n");
        return;
    }
    run_case(&cases[_i], 100 + _i, 1, 0);
}
END_TEST

/* --colmajor: inputs and every block column-major (--blas for odd cases). */
START_TEST(hessian_and_jacobian_colmajor_agree)
{
    int blas = _i % 2 && have_cblas();
    run_case(&cases[_i], 200 + _i, blas, 1);
}
END_TEST

/* The Hessian's C is symmetric by construction, and its outputs are named
 * by block; the header has NAME_hvp. */
START_TEST(header_has_hvp)
{
    const char *p = "A : matrix(m, n)\nx : vector(n)\nf = sum(exp(A*x))\nwrt x";
    nd_session *s = nd_open("<test>", p, strlen(p), NULL);
    ck_assert_int_eq(nd_set_derivative(s, ND_DERIV_HESSIAN), 0);
    nd_c_options o = { "h", 0, 0, NULL };
    char *out = NULL;
    ck_assert_int_eq(nd_emit(s, ND_C_HEADER, &o, &out), 0);
    ck_assert_msg(strstr(out, "double h(long m, long n, const double *A, const double *x, "
                              "double *hess_x, double *work);") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "double h_hvp(long m, long n, const double *A, const double *x, "
                              "const double *v_x, double *hv_x, double *work);") != NULL,
                  "%s", out);
    nd_free(out);
    nd_close(s);
}
END_TEST

/* The plain C's X'*diag(d)*X at every small n (1 to 40: one ragged tile,
 * pairs of rows and blocks of 4, 2 and 1 columns, from the diagonal), and
 * m across the panels and the m % 4 last rows, against the same sum in long
 * double: f = sum(sin(A*x)) + sum(cos(A*x)), d = -sin(z) - cos(z) of both
 * signs, relative 1e-12 of the largest entry; the Hessian symmetric. */
static const char syrk_driver[] =
    "#include <math.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
    "double t(long m, long n, const double *A, const double *x, double *h, double *work);\n"
    "size_t t_work_size(const long *dims);\n"
    "int main(void) {\n"
    "    static const long ms[] = { 1, 3, 4, 7, 128, 131, 133, 263 };\n"
    "    long a, m, n, i, j, k, bad = 0;\n"
    "    for (a = 0; a < 8; a++) for (n = 1; n <= 40; n++) {\n"
    "        long dims[2]; double *A, *x, *h, *w; long double *z, *r, big = 0;\n"
    "        m = ms[a]; dims[0] = m; dims[1] = n;\n"
    "        A = malloc(sizeof *A * (size_t)(m * n)); x = malloc(sizeof *x * (size_t)n);\n"
    "        h = malloc(sizeof *h * (size_t)(n * n)); w = malloc(sizeof *w * (t_work_size(dims) + 1));\n"
    "        z = malloc(sizeof *z * (size_t)m); r = malloc(sizeof *r * (size_t)(n * n));\n"
    "        for (k = 0; k < m * n; k++) A[k] = sin(0.37 * (double)k + (double)n) - 0.1;\n"
    "        for (k = 0; k < n; k++) x[k] = cos(1.3 * (double)k + (double)m);\n"
    "        for (k = 0; k < m; k++) { z[k] = 0; for (j = 0; j < n; j++) z[k] += (long double)A[k * n + j] * x[j];\n"
    "            z[k] = -sinl(z[k]) - cosl(z[k]); }\n"
    "        for (i = 0; i < n * n; i++) r[i] = 0;\n"
    "        for (k = 0; k < m; k++) for (i = 0; i < n; i++) for (j = 0; j < n; j++)\n"
    "            r[i * n + j] += z[k] * A[k * n + i] * A[k * n + j];\n"
    "        for (i = 0; i < n * n; i++) big = fabsl(r[i]) > big ? fabsl(r[i]) : big;\n"
    "        t(m, n, A, x, h, w);\n"
    "        for (i = 0; i < n; i++) for (j = 0; j < n; j++)\n"
    "            if (!(fabsl(h[i * n + j] - r[i * n + j]) <= 1e-12L * big) || h[i * n + j] != h[j * n + i]) {\n"
    "                printf(\"m %ld n %ld: H[%ld][%ld] = %.17g, want %.17Lg\\n\", m, n, i, j, h[i * n + j], r[i * n + j]);\n"
    "                bad++; }\n"
    "        free(A); free(x); free(h); free(w); free(z); free(r);\n"
    "    }\n"
    /* x = 0: d = -sin(0) - cos(0) = -1 exactly, so the same sums in the
     * same order in double (groups of 4 rows, ((a0 x0 + a1 x1) + a2 x2) +
     * a3 x3, then the last m % 4 rows one by one) are the Hessian to the
     * bit, whole 32 x 64 tiles beside ragged ones (n up to 131). */
    "    for (a = 0; a < 8; a++) for (n = 1; n <= 131; n += n < 40 ? 1 : 7) {\n"
    "        long dims[2], m4; double *A, *x, *h, *w, c;\n"
    "        m = ms[a]; dims[0] = m; dims[1] = n; m4 = m - m % 4;\n"
    "        A = malloc(sizeof *A * (size_t)(m * n)); x = calloc((size_t)n, sizeof *x);\n"
    "        h = malloc(sizeof *h * (size_t)(n * n)); w = malloc(sizeof *w * (t_work_size(dims) + 1));\n"
    "        for (k = 0; k < m * n; k++) A[k] = sin(0.37 * (double)k + (double)n) - 0.1;\n"
    "        t(m, n, A, x, h, w);\n"
    "        for (i = 0; i < n; i++) for (j = i; j < n; j++) {\n"
    "            c = 0.0;\n"
    "            for (k = 0; k < m4; k += 4)\n"
    "                c += -A[k * n + i] * A[k * n + j] + -A[(k + 1) * n + i] * A[(k + 1) * n + j] +\n"
    "                     -A[(k + 2) * n + i] * A[(k + 2) * n + j] + -A[(k + 3) * n + i] * A[(k + 3) * n + j];\n"
    "            for (k = m4; k < m; k++) c += -A[k * n + i] * A[k * n + j];\n"
    "            if (memcmp(&c, &h[i * n + j], sizeof c) || memcmp(&c, &h[j * n + i], sizeof c)) {\n"
    "                printf(\"x = 0, m %ld n %ld: H[%ld][%ld] = %.17g, the same sums %.17g\\n\", m, n, i, j, h[i * n + j], c);\n"
    "                bad++; }\n"
    "        }\n"
    "        free(A); free(x); free(h); free(w);\n"
    "    }\n"
    "    return bad != 0;\n}\n";

START_TEST(syrk_small_n_agrees)
{
    static const hc_case c = { ND_DERIV_HESSIAN, "A : matrix(m, n)\nx : vector(n)\n"
                                                 "f = sum(sin(A*x)) + sum(cos(A*x))\nwrt x" };
    char dir[] = "/tmp/nd_syrk_XXXXXX", path[256], cmd[1024];
    ck_assert(mkdtemp(dir) != NULL);
    char *src = generate(&c, 0, 0);
    ck_assert_msg(strstr(src, "nd_c13") != NULL, "no 2 x 4 register blocks in the plain C");
    snprintf(path, sizeof path, "%s/t.c", dir);
    FILE *f = fopen(path, "w");
    fputs(src, f);
    fclose(f);
    nd_free(src);
    snprintf(path, sizeof path, "%s/driver.c", dir);
    f = fopen(path, "w");
    fputs(syrk_driver, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "cd %s && gcc -std=c99 -Wall -Wextra -pedantic -Werror -O2 t.c driver.c -o run -lm "
             "2> errors.txt && ./run > t.out", dir);
    int st = system(cmd);
    snprintf(path, sizeof path, "%s/t.out", dir);
    char first[512] = "";
    f = fopen(path, "r");
    if (f) {
        if (!fgets(first, sizeof first, f))
            first[0] = '\0';
        fclose(f);
    }
    ck_assert_msg(st == 0, "the small-n Hessians disagree or do not build (%s): %s", dir, first);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert(system(cmd) == 0);
}
END_TEST

Suite *suite_hessc(void)
{
    Suite *s = suite_create("hessc");
    TCase *tc = tcase_create("hessc");
    tcase_set_timeout(tc, 120);
    int n = (int)(sizeof cases / sizeof *cases);
    tcase_add_loop_test(tc, hessian_and_jacobian_c_agree, 0, n);
    tcase_add_loop_test(tc, hessian_and_jacobian_blas_agree, 0, n);
    tcase_add_loop_test(tc, hessian_and_jacobian_colmajor_agree, 0, n);
    tcase_add_test(tc, header_has_hvp);
    tcase_add_test(tc, syrk_small_n_agrees);
    suite_add_tcase(s, tc);
    return s;
}
