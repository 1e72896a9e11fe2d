/* test_codegen.c: generated C against the MPFR evaluator.
 *
 * Every program of a batch (the examples, programs with awkward names,
 * hundreds of random programs with a fixed seed) is generated with a
 * prefix of its own into one directory, each file its own translation unit,
 * with a driver holding a table of them.  The batch is compiled once by gcc
 * and once by clang with -std=c99 -Wall -Wextra -pedantic -Werror, run on
 * random inputs the evaluator also used, and every objective and gradient
 * must agree with it to a relative 1e-10.  The driver also runs each
 * program with its first gradient skipped (a NULL pointer; for some
 * batches each gradient in turn) and the other results must not change. */
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cg.h"
#include "derive.h"
#include "expr.h"
#include "helpers.h"
#include "mk.h"
#include "ops.h"
#include "randprog.h"
#include "scope.h"
#include "shape.h"
#include "verify.h"

typedef struct expected {
    double f;
    int n_grads;
    double **g;
    size_t *len;
    int n_skips;    /* the runs with grad[skip[r]] = NULL after the full one */
    int *skip;
} expected;

typedef struct batch {
    char dir[64];
    int n;
    expected *exp;
    strbuf table;   /* the driver's table */
    int skip_each;  /* skip each gradient in turn, not only the first */
    int quick;      /* compile with -O0: many small programs */
    int ties;       /* the points have entries -1, 0 and 1 only: many ties */
} batch;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static char *c_source(const char *program, const char *prefix, int colmajor, int blas)
{
    nd_session *s = nd_open("<test>", program, strlen(program), NULL);
    nd_c_options o = { prefix, blas, colmajor, NULL };
    char *out = NULL;
    int st = nd_status(s) ? nd_status(s) : nd_emit(s, ND_C, &o, &out);
    ck_assert_msg(st == 0, "--c fails on:\n%s\n%s", program, nd_diagnostics(s));
    nd_close(s);
    return out;
}

/* Writes a matrix's values, transposed into column-major order if asked. */
static void put_matrix(FILE *f, const nd_mat *m, int colmajor)
{
    fprintf(f, " %d", m->rows * m->cols);
    for (int a = 0; a < (colmajor ? m->cols : m->rows); a++)
        for (int b = 0; b < (colmajor ? m->rows : m->cols); b++)
            fprintf(f, " %.17g", mpfr_get_d(colmajor ? MAT(m, b, a) : MAT(m, a, b), MPFR_RNDN));
}

static double *get_matrix(const nd_mat *m, int colmajor, size_t *len)
{
    *len = (size_t)m->rows * (size_t)m->cols;
    double *v = xmalloc(*len * sizeof *v + 1);
    size_t k = 0;
    for (int a = 0; a < (colmajor ? m->cols : m->rows); a++)
        for (int b = 0; b < (colmajor ? m->rows : m->cols); b++)
            v[k++] = mpfr_get_d(colmajor ? MAT(m, b, a) : MAT(m, a, b), MPFR_RNDN);
    return v;
}

/* A list of identifiers. */
typedef struct names {
    char **v;
    int n, cap;
} names;

/* Replaces a program's objective by a DAG made by hand (one the front end
 * may never make, for the generator's sake). */
typedef void (*builder)(nd_ctx *ctx, const nd_prog *prog);

/* A random instance: its data file for the driver, and the expected values. */
static void instance(batch *B, const char *program, builder build, int colmajor,
                     const char *path)
{
    t_internal t;
    t_internal_open(&t, program);
    nd_ctx *ctx = t.ctx;
    if (build)
        build(ctx, &t.prog);
    int ng = t.prog.n_wrt;
    nd_node **roots = xmalloc(((size_t)ng + 1) * sizeof *roots);
    roots[0] = ctx->scope->binds[t.prog.objective].node;
    derive_gradients(ctx, roots[0], t.prog.wrt, ng, roots + 1);
    nd_evalenv *env = eval_new(ctx, 128);
    nd_rng rng = { 4242 + (uint64_t)B->n };
    ck_assert_msg(verify_instance(env, &rng, roots, ng + 1, 100) == EV_OK,
                  "no point in the domain of:\n%s", program);
    if (B->ties) {  /* entry e of each variable: -1, 0 or 1, by its index */
        for (int v = 0; v < ctx->scope->n_vars; v++)
            for (size_t e = 0; e < mat_len(&env->vars[v]); e++)
                mpfr_set_si(env->vars[v].a[e], (long)((e * 7 + (size_t)v) % 3) - 1, MPFR_RNDN);
        eval_forget(env);
        for (int r = 0; r <= ng; r++)
            ck_assert_int_eq(eval_node(env, roots[r]), EV_OK);
    }
    FILE *f = fopen(path, "w");
    nd_dim dims[64];
    int nd = scope_abi_dims(ctx, dims, 64);
    fprintf(f, "%d", nd);
    for (int d = 0; d < nd; d++)
        fprintf(f, " %ld", eval_dim(env, dims[d]));
    fprintf(f, "\n%d", ctx->scope->n_vars);
    for (int v = 0; v < ctx->scope->n_vars; v++)
        put_matrix(f, &env->vars[v], colmajor);
    expected *e = &B->exp[B->n];
    e->f = mpfr_get_d(env->vals[roots[0]->id].a[0], MPFR_RNDN);
    e->n_grads = ng;
    e->g = xmalloc(((size_t)ng + 1) * sizeof *e->g);
    e->len = xmalloc(((size_t)ng + 1) * sizeof *e->len);
    fprintf(f, "\n%d", ng);
    for (int g = 0; g < ng; g++) {
        e->g[g] = get_matrix(&env->vals[roots[g + 1]->id], colmajor, &e->len[g]);
        fprintf(f, " %zu", e->len[g]);
    }
    e->n_skips = B->skip_each ? ng : ng > 1;
    e->skip = xmalloc(((size_t)e->n_skips + 1) * sizeof *e->skip);
    fprintf(f, "\n%d", e->n_skips);
    for (int r = 0; r < e->n_skips; r++)
        fprintf(f, " %d", e->skip[r] = r);
    fputc('\n', f);
    fclose(f);
    eval_free(env);
    free(roots);
    t_internal_free(&t);
}

/* The generator on the DAG itself, without a session's fresh elaboration. */
static char *c_source_built(const char *program, builder build, const char *prefix,
                            int colmajor, int blas)
{
    t_internal t;
    t_internal_open(&t, program);
    build(t.ctx, &t.prog);
    cg_options o = { prefix, blas, colmajor, NULL };
    cg_plan p;
    strbuf out;
    sb_init(&out);
    volatile int st = 2;
    DIAG_TRY(t.ctx, jb) {
        cg_plan_build(&p, t.ctx, &t.prog, &o);
        cg_emit(&p, 0, &out);
        st = 0;
    }
    DIAG_END_TRY(t.ctx, jb);
    ck_assert_msg(st == 0, "the generator fails on a DAG made from:\n%s\n%s", program,
                  sb_str(&t.ctx->err->diag));
    cg_plan_free(&p);
    t_internal_free(&t);
    return out.s;
}

static void add_built(batch *B, const char *program, builder build, int colmajor, int blas)
{
    char prefix[32], path[128];
    snprintf(prefix, sizeof prefix, "p%d", B->n);
    char *src = build ? c_source_built(program, build, prefix, colmajor, blas)
                      : c_source(program, prefix, colmajor, blas);
    snprintf(path, sizeof path, "%s/%s.c", B->dir, prefix);
    write_file(path, src);
    nd_free(src);
    snprintf(path, sizeof path, "%s/%s.in", B->dir, prefix);
    B->exp = xrealloc(B->exp, ((size_t)B->n + 1) * sizeof *B->exp);
    instance(B, program, build, colmajor, path);
    sb_printf(&B->table, "E(p%d)\n", B->n);
    B->n++;
}

static void add_program(batch *B, const char *program, int colmajor, int blas)
{
    add_built(B, program, NULL, colmajor, blas);
}

static const char driver[] =
    "#include <stdio.h>\n#include <stdlib.h>\n"
    "typedef double (*eval_fn)(const long *, const double *const *, double *const *, double *);\n"
    "typedef size_t (*size_fn)(const long *);\n"
    "#define E(p) double p##_eval(const long *, const double *const *, double *const *, double *);\\\n"
    "    size_t p##_work_size(const long *);\n"
    "#include \"table.h\"\n#undef E\n"
    "#define E(p) { #p, p##_eval, p##_work_size },\n"
    "static const struct { const char *name; eval_fn eval; size_fn work; } progs[] = {\n"
    "#include \"table.h\"\n};\n"
    "static double *vec(FILE *f, long *n) { long k; double *v; if (fscanf(f, \"%ld\", n) != 1) exit(3);\n"
    "    v = malloc(((size_t)*n + 1) * sizeof *v); for (k = 0; k < *n; k++) if (fscanf(f, \"%lf\", &v[k]) != 1) exit(3);\n"
    "    return v; }\n"
    "static void run(FILE *out, int p, const long *dims, const double *const *in, double **g, long *len, int ng, int skip) {\n"
    "    double *work = malloc(progs[p].work(dims) * sizeof(double) + 8), f, *saved = NULL; int k; long e;\n"
    "    for (k = 0; k < ng; k++) for (e = 0; e < len[k]; e++) g[k][e] = -7.25;\n"
    "    if (skip >= 0) { saved = g[skip]; g[skip] = NULL; }\n"
    "    f = progs[p].eval(dims, in, g, work);\n"
    "    if (skip >= 0) g[skip] = saved;\n"
    "    fprintf(out, \"%.17g\\n\", f);\n"
    "    for (k = 0; k < ng; k++) if (k != skip) { for (e = 0; e < len[k]; e++) fprintf(out, \"%.17g \", g[k][e]); fputc('\\n', out); }\n"
    "    free(work); }\n"
    "int main(int argc, char **argv) {\n"
    "    int p; (void)argc;\n"
    "    for (p = 0; p < (int)(sizeof progs / sizeof *progs); p++) {\n"
    "        char path[512]; FILE *f, *out; long nd, ni, ng, ns, k, x; long *dims; double **in, **g; long *len;\n"
    "        sprintf(path, \"%s/%s.in\", argv[1], progs[p].name); f = fopen(path, \"r\"); if (!f) return 3;\n"
    "        if (fscanf(f, \"%ld\", &nd) != 1)\n            return 3;\n"
    "        dims = malloc((size_t)(nd + 1) * sizeof *dims);\n"
    "        for (k = 0; k < nd; k++) if (fscanf(f, \"%ld\", &dims[k]) != 1) return 3;\n"
    "        if (fscanf(f, \"%ld\", &ni) != 1)\n            return 3;\n"
    "        in = malloc((size_t)(ni + 1) * sizeof *in);\n"
    "        for (k = 0; k < ni; k++) in[k] = vec(f, &x);\n"
    "        if (fscanf(f, \"%ld\", &ng) != 1)\n            return 3;\n"
    "        g = malloc((size_t)(ng + 1) * sizeof *g);\n        len = malloc((size_t)(ng + 1) * sizeof *len);\n"
    "        for (k = 0; k < ng; k++) { if (fscanf(f, \"%ld\", &len[k]) != 1) return 3; g[k] = malloc((size_t)(len[k] + 1) * sizeof(double)); }\n"
    "        sprintf(path, \"%s/%s.out\", argv[1], progs[p].name); out = fopen(path, \"w\");\n"
    "        run(out, p, dims, (const double *const *)in, g, len, (int)ng, -1);\n"
    "        if (fscanf(f, \"%ld\", &ns) != 1)\n            return 3;\n"
    "        for (k = 0; k < ns; k++) { if (fscanf(f, \"%ld\", &x) != 1) return 3; run(out, p, dims, (const double *const *)in, g, len, (int)ng, (int)x); }\n"
    "        fclose(f);\n"
    "        fclose(out);\n"
    "        for (k = 0; k < ni; k++)\n            free(in[k]);\n"
    "        for (k = 0; k < ng; k++)\n            free(g[k]);\n"
    "        free(in); free(g); free(len); free(dims);\n"
    "    }\n    return 0;\n}\n";

static int have(const char *compiler)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", compiler);
    return system(cmd) == 0;
}

static double rel(double a, double b)
{
    return fabs(a - b) / fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* The driver's results for program k against the evaluator's. */
static void compare(batch *B, int k, const char *compiler)
{
    char path[128];
    snprintf(path, sizeof path, "%s/p%d.out", B->dir, k);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s: no results for p%d", compiler, k);
    expected *e = &B->exp[k];
    for (int run = 0; run <= e->n_skips; run++) {
        int skip = run ? e->skip[run - 1] : -1;
        double v;
        ck_assert(fscanf(f, "%lf", &v) == 1);
        ck_assert_msg(rel(v, e->f) < 1e-10, "%s: p%d objective %.17g, expected %.17g", compiler,
                      k, v, e->f);
        for (int g = 0; g < e->n_grads; g++) {
            if (g == skip)
                continue;
            double scale = 1.0, worst = 0;
            for (size_t x = 0; x < e->len[g]; x++)
                scale = fmax(scale, fabs(e->g[g][x]));
            for (size_t x = 0; x < e->len[g]; x++) {
                ck_assert(fscanf(f, "%lf", &v) == 1);
                worst = fmax(worst, fabs(v - e->g[g][x]) / scale);
            }
            ck_assert_msg(worst < 1e-10, "%s: p%d gradient %d off by %g (gradient %d skipped; see %s)",
                          compiler, k, g, worst, skip, B->dir);
        }
    }
    fclose(f);
}

static void run_batch_with(batch *B, const char *libs);

static void run_batch(batch *B)
{
    run_batch_with(B, "-lm");
}

static void run_batch_with(batch *B, const char *libs)
{
    char path[128], cmd[1024];
    snprintf(path, sizeof path, "%s/table.h", B->dir);
    write_file(path, sb_str(&B->table));
    snprintf(path, sizeof path, "%s/driver.c", B->dir);
    write_file(path, driver);
    const char *compilers[] = { "gcc", "clang" };
    int ran = 0;
    for (int c = 0; c < 2; c++) {
        if (!have(compilers[c])) {
            fprintf(stderr, "skipped: %s is not installed\n", compilers[c]);
            continue;
        }
        snprintf(cmd, sizeof cmd,
                 "cd %s && %s -std=c99 -Wall -Wextra -pedantic -Werror %s p*.c driver.c "
                 "-o run %s 2> errors.txt && ./run .", B->dir, compilers[c], B->quick ? "-O0" : "-O1",
                 libs);
        ck_assert_msg(system(cmd) == 0, "%s: the generated code does not compile cleanly or "
                                        "does not run (see %s/errors.txt)", compilers[c], B->dir);
        for (int k = 0; k < B->n; k++)
            compare(B, k, compilers[c]);
        ran++;
    }
    ck_assert_msg(ran > 0, "no C compiler");
}

static void batch_open(batch *B)
{
    memset(B, 0, sizeof *B);
    strcpy(B->dir, "/tmp/nd_cg_XXXXXX");
    ck_assert(mkdtemp(B->dir) != NULL);
    sb_init(&B->table);
}

static void batch_close(batch *B)
{
    for (int k = 0; k < B->n; k++) {
        for (int g = 0; g < B->exp[k].n_grads; g++)
            free(B->exp[k].g[g]);
        free(B->exp[k].g);
        free(B->exp[k].len);
        free(B->exp[k].skip);
    }
    free(B->exp);
    sb_free(&B->table);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", B->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", B->dir);
}

/* Names C already uses, and every operator. */
static const char *const special[] = {
    "int, double : vector(n)\nrestrict : matrix(n, n)\nmain : scalar\n"
    "L = main*int'*restrict*double + sum(exp(int))",
    "i, j, k : vector(n)\nwork, in : scalar\nL = i'*j*work + sum(k)*in",
    "A : matrix(n, n)\nx, w : vector(n)\nP : spd(n)\n"
    "L = w'*inv(A)*x + det(A) + logdet(P) + tr(A^3) + w'*A^-2*x + w'*diag(A) + x'*diag(w)*x",
    "Z : matrix(C, N)\nY : onehot(C, N)\nz, y : vector(C)\n"
    "L = crossentropy(Z, Y)/N + sum(softmax(z).*y) + sum(logsoftmax(Z)) + sum(logsumexp(Z)) + logsumexp(z)",
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
    "X, Y : matrix(n, k)\nw : vector(n)\nL = sum(sum(X, 1).^2) + w'*mean(X, 2) + sum(norm(X, 1)) + "
    "w'*norm2(X, 2) + sum(Y.*softmax(X, 2)) + sum(Y.*logsoftmax(X, 2)) + w'*logsumexp(X, 2)",
    "x, mu : vector(n)\ns : scalar\nL = n/2*log(2*pi*s^2) + norm2(x - mu)/(2*s^2) + pi*sum(sin(pi*x))",
    /* indexing and blocks */
    "x : vector(6)\nA : matrix(4, 3)\nw : vector(4)\nd = x(2:end) - x(1:end-1)\n"
    "L = 0.5*norm2(d) + x(end)*A(2, 3) + w'*A(:, 2) + sum(A(2:3, :).^2) + sum(exp(A(1, :)))",
    "h, c : vector(3)\nx : vector(2)\nW : matrix(12, 5)\nb : vector(12)\ny : vector(3)\n"
    "z = W*[h; x] + b\ni = sigmoid(z(1:3))\nf = sigmoid(z(4:6))\no = sigmoid(z(7:9))\n"
    "g = tanh(z(10:12))\nc2 = f .* c + i .* g\nL = 0.5*norm2(o .* tanh(c2) - y)",
    "X : matrix(N, 3)\nw : vector(4)\ny : vector(N)\nP : matrix(2, 3)\nQ : matrix(2, 2)\n"
    "a : scalar\nL = 0.5*norm2([X, vector(1)]*w - y) + sum([P, Q; P(1, :), Q(2, :)].^3) + "
    "sum(exp([a; w; a])) + sum(X(:, 2:3)*Q)",
    /* fills that say their size, and kron's block sums of them */
    "X : matrix(n, k)\nx : vector(n)\na : scalar\nP : matrix(2, 3)\nB : matrix(2, 2)\n"
    "L = sum(matrix(a, n, k).*X) + x'*vector(a, n) + a*sum(vector(1, 3)) + sum(matrix(a, 2, 3).*P) + "
    "sum(sin(kron(B, P))) + sum(kron(eye(2), vector(1, 3)')*kron(matrix(a, 2, 3), P'))",
    /* vec, unvec and kron */
    "X : matrix(2, 3)\nB : matrix(3, 2)\nw : vector(6)\nA : matrix(2, 2)\nC : matrix(4, 6)\n"
    "L = w'*vec(X*B*X) + sum(exp(unvec(w, 3))) + sum(kron(A, X).*C) + sum(kron(X', A)*C)",
    /* a 3-step RNN written with a function, and a function called at two sizes */
    "W : matrix(n, n)\nU : matrix(n, m)\nb, h0, y : vector(n)\nx1, x2, x3 : vector(m)\n"
    "cell(h, x) = tanh(W*h + U*x + b)\nh1 = cell(h0, x1)\nh2 = cell(h1, x2)\n"
    "h3 = cell(h2, x3)\nsq(v) = v'*v\nL = 0.5*norm2(h3 - y) + sq(x1) + sq(h1)",
    /* masks are inputs like any other (drawn 0 or 1): dropout, matrix completion */
    "W : matrix(m, n)\nx : vector(n)\nD : mask(m)\ny : vector(m)\nh = 2*D.*tanh(W*x)\n"
    "L = 0.5*norm2(h - y)",
    "M : mask(m, n)\nU : matrix(m, k)\nV : matrix(n, k)\nY : matrix(m, n)\n"
    "L = 0.5*norm2(M.*(U*V' - Y)) + sum(M.^2.*(U*V'))",
    /* the other acceptance programs of issue 13 */
    "Q, K : matrix(T, d)\nV, Y : matrix(T, e)\nL = sum(Y.*(softmax(Q*K'/sqrt(d), 2)*V))",
    "X, Y : matrix(D, N)\ng, b : vector(D)\nmu = mean(X, 2)\nC = X - mu\n"
    "v = mean(C.^2, 2)\nZ = C./sqrt(v + 1/100)\nL = sum(Y.*(g.*Z + b))",
};

/* max(x), min(x) and their indicators at points with many ties, in both
 * layouts: the first maximiser is first in reading order (row by row) for
 * the generated code as for the evaluator.  Integer entries, and only
 * operations exact on them, so that ties are the same in double and MPFR. */
static const char *const tie_programs[] = {
    "X : matrix(m, n)\nL = max(X)",
    "X : matrix(m, n)\nL = min(X)",
    "X : matrix(m, n)\nx : vector(n)\nL = max(X) + 2*min(X) + max(x)*min(X*x) + max(X')",
    "X, Y : matrix(m, n)\nL = max(X - Y) - min(X + 2*Y) + sum(max(X, Y))",
};

START_TEST(extremes_with_ties_agree)
{
    batch B;
    batch_open(&B);
    B.ties = 1;
    for (size_t i = 0; i < sizeof tie_programs / sizeof *tie_programs; i++) {
        add_program(&B, tie_programs[i], 0, 0);
        add_program(&B, tie_programs[i], 1, 0);      /* --colmajor */
    }
    run_batch(&B);
    batch_close(&B);
}
END_TEST

START_TEST(examples_and_names_compile_and_agree)
{
    batch B;
    batch_open(&B);
    for (int i = 0; i < T_N_EXAMPLES; i++) {
        char *p = t_slurp(t_examples[i]);
        add_program(&B, p, 0, 0);
        add_program(&B, p, 1, 0);      /* --colmajor */
        free(p);
    }
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
        add_program(&B, special[i], 0, 0);
        add_program(&B, special[i], 1, 0);
    }
    run_batch(&B);
    batch_close(&B);
}
END_TEST

/* Can this machine run code built with -mavx2 -mfma (the vectorizable
 * nd__sigmoid of cg_helpers.c.in)? */
static int have_avx2(void)
{
#if defined __GNUC__ && (defined __x86_64__ || defined __i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

/* The examples, the programs of every operator and random ones built with
 * -O3 -mavx2 -mfma, where nd__sigmoid is its own vectorizable exp (gcc
 * vectorizes its loops), against the evaluator as above. */
START_TEST(avx2_helpers_agree)
{
    if (!have_avx2()) {
        fprintf(stderr, "skipped: this machine has no AVX2 and FMA\n");
        return;
    }
    batch B;
    batch_open(&B);
    for (int i = 0; i < T_N_EXAMPLES; i++) {
        char *p = t_slurp(t_examples[i]);
        add_program(&B, p, 0, 0);
        free(p);
    }
    for (size_t i = 0; i < sizeof special / sizeof *special; i++)
        add_program(&B, special[i], 0, 0);
    for (int i = 0; i < 40; i++) {
        strbuf p;
        sb_init(&p);
        randprog((uint64_t)i + 5000, 3, &p);
        add_program(&B, sb_str(&p), 0, 0);
        sb_free(&p);
    }
    run_batch_with(&B, "-O3 -mavx2 -mfma -lm");
    batch_close(&B);
}
END_TEST

#define N_RANDOM 240

START_TEST(random_programs_compile_and_agree)
{
    batch B;
    batch_open(&B);
    for (int i = 0; i < N_RANDOM; i++) {
        strbuf p;
        sb_init(&p);
        randprog((uint64_t)i + 5000, 3, &p);
        add_program(&B, sb_str(&p), i % 5 == 4, 0);
        sb_free(&p);
    }
    run_batch(&B);
    batch_close(&B);
}
END_TEST

static int have_cblas(void)
{
    return system("printf '#include <cblas.h>\\nint main(void) { return 0; }\\n' | "
                  "cc -x c - -o /dev/null -lopenblas >/dev/null 2>&1") == 0;
}

/* --blas: the products are CBLAS calls, linked with OpenBLAS. */
START_TEST(blas_programs_agree)
{
    if (!have_cblas()) {
        fprintf(stderr, "skipped: no cblas.h and OpenBLAS (apt-get install libopenblas-dev)\n");
        return;
    }
    batch B;
    batch_open(&B);
    for (int i = 0; i < T_N_EXAMPLES; i++) {
        char *p = t_slurp(t_examples[i]);
        add_program(&B, p, 0, 1);
        add_program(&B, p, 1, 1);
        free(p);
    }
    for (int i = 0; i < 60; i++) {
        strbuf p;
        sb_init(&p);
        randprog((uint64_t)i + 9000, 3, &p);
        add_program(&B, sb_str(&p), i % 3 == 2, 1);
        sb_free(&p);
    }
    run_batch_with(&B, "-lopenblas -lm");
    batch_close(&B);
}
END_TEST

static void add_late_scalars(batch *B, int blas);
static names every_name(int blas);
static void add_named_programs(batch *B, const names *N, int per, int blas);

/* --blas on late scalars, and with every name <cblas.h> brings in. */
START_TEST(blas_names_and_late_scalars_agree)
{
    if (!have_cblas()) {
        fprintf(stderr, "skipped: no cblas.h and OpenBLAS (apt-get install libopenblas-dev)\n");
        return;
    }
    names N = every_name(1);
    batch B;
    batch_open(&B);
    add_late_scalars(&B, 1);
    B.quick = 1;
    add_named_programs(&B, &N, 60, 1);
    run_batch_with(&B, "-lopenblas -lm");
    batch_close(&B);
    for (int i = 0; i < N.n; i++)
        free(N.v[i]);
    free(N.v);
}
END_TEST

/* ---- the plan's arithmetic, counted ---- */

static double size_of(cg_plan *p, nd_dim d)
{
    long v = dim_value(p->ctx, d);
    return (double)(v > 0 ? v : p->estimate[dim_find(p->ctx, d)]);
}

static double entries(cg_plan *p, const nd_node *n)
{
    return size_of(p, n->shape.rows) * size_of(p, n->shape.cols);
}

/* Multiply-adds of the plan at the sizes of --dims (each instruction once;
 * an element loop counts one per entry). */
static double plan_work(const char *program, const char *dims)
{
    t_internal t;
    t_internal_open(&t, program);
    cg_options o = { "f", 0, 0, dims };
    cg_plan p;
    cg_plan_build(&p, t.ctx, &t.prog, &o);      /* an error would abort the test */
    double w = 0;
    for (int i = 0; i < p.n_ins; i++) {
        cg_ins *in = &p.ins[i];
        switch (in->kind) {
        case I_MV:
        case I_MVT: w += entries(&p, in->a); break;
        case I_MM: w += entries(&p, in->node) * size_of(&p, in->a->shape.cols); break;
        case I_REDUCE: w += entries(&p, in->node->nkids ? in->node->kid[0] : in->node); break;
        case I_CALL: ck_abort_msg("a helper call: not counted"); break;
        default: w += entries(&p, in->node); break;
        }
    }
    cg_plan_free(&p);
    t_internal_free(&t);
    return w;
}

/* How many distinct nodes of operator op the plan's roots reach. */
static int plan_ops(cg_plan *p, enum nd_op op)
{
    nd_ctx *ctx = p->ctx;
    unsigned char *mark = calloc((size_t)ctx->dag->n_nodes + 1, 1);
    ck_assert(mark != NULL);
    expr_reach(ctx, &p->objective, 1, mark);
    expr_reach(ctx, p->grads, p->n_grads, mark);
    int n = 0;
    for (uint32_t id = 0; id < ctx->dag->n_nodes; id++)
        n += mark[id] && ctx->dag->nodes[id]->op == (int)op;
    free(mark);
    return n;
}

/* swish(z) and its derivative sigmoid(z) + z.*sigmoid(z).*(1 - sigmoid(z)):
 * the plan computes sigmoid(z) once, swish(z) as z.*sigmoid(z) (issue 14:
 * the exp of each entry once, as hand-written NumPy keeps S = sigmoid(Z1)).
 * Where nothing needs sigmoid(z), swish stays one call. */
START_TEST(swish_shares_its_sigmoid)
{
    static const struct {
        const char *program;    /* a file, or the text */
        int sigmoids, swishes;
    } cases[] = {
        { "examples/two_layer_swish_batch.nd", 1, 0 },
        { "examples/two_layer_swish.nd", 1, 0 },
        { "x : vector(n)\nL = sum(swish(x)) + sum(sigmoid(x))\nwrt x", 1, 0 },
        { "x, y : vector(n)\nL = sum(swish(x)) + y'*y\nwrt y", 0, 1 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int file = strncmp(cases[c].program, "examples/", 9) == 0;
        char *prog = file ? t_slurp(cases[c].program) : strdup(cases[c].program);
        for (int blas = 0; blas < 2; blas++) {
            t_internal t;
            t_internal_open(&t, prog);
            cg_options o = { "f", blas, 0, NULL };
            cg_plan p;
            cg_plan_build(&p, t.ctx, &t.prog, &o);
            int sig = plan_ops(&p, OP_SIGMOID), sw = plan_ops(&p, OP_SWISH);
            ck_assert_msg(sig == cases[c].sigmoids && sw == cases[c].swishes,
                          "%s (blas %d): %d sigmoid and %d swish nodes, want %d and %d",
                          cases[c].program, blas, sig, sw, cases[c].sigmoids, cases[c].swishes);
            cg_plan_free(&p);
            t_internal_free(&t);
        }
        free(prog);
    }
}
END_TEST

/* W'*W*x costs O(mn): at m x n = 100 x 1000, 1000 x 100 and 300 x 300,
 * the whole loss and gradient take a few multiply-adds per entry of W
 * (O(mn^2) would be hundreds). */
START_TEST(autoencoder_is_linear_in_W)
{
    const char *ex[] = { "examples/autoencoder.nd", "examples/autoencoder_tanh.nd" };
    const char *dims[] = { "m=100,n=1000", "m=1000,n=100", "m=300,n=300" };
    const double mn[] = { 1e5, 1e5, 9e4 };
    for (int e = 0; e < 2; e++) {
        char *prog = t_slurp(ex[e]);
        for (int d = 0; d < 3; d++) {
            double w = plan_work(prog, dims[d]);
            ck_assert_msg(w <= 8 * mn[d], "%s at %s: %g multiply-adds, %.1f per entry of W",
                          ex[e], dims[d], w, w / mn[d]);
        }
        free(prog);
    }
}
END_TEST

/* The README's way of using the generated code: --c with --header into a
 * directory, examples/c/autoencoder_main.c compiled against it; it prints
 * examples/c/autoencoder_main.expected and checks itself. */
START_TEST(readme_c_example)
{
    char dir[] = "/tmp/nd_demo_XXXXXX";
    ck_assert(mkdtemp(dir) != NULL);
    const char *build = getenv("ND_BUILD") ? getenv("ND_BUILD") : "build";
    const char *ldflags = getenv("ND_LDFLAGS") ? getenv("ND_LDFLAGS") : "";
    char cwd[1024], cmd[128];
    ck_assert(getcwd(cwd, sizeof cwd) != NULL);
    strbuf run;
    sb_init(&run);
    sb_printf(&run,
             "cd %s && %s/%s/nnderive %s/examples/autoencoder.nd --c --name ae --header ae.h "
             "-o ae.c && cc -std=c99 -O2 -Wall -Wextra -pedantic -Werror -I. "
             "%s/examples/c/autoencoder_main.c ae.c -lm %s -o ae_demo && ./ae_demo > out.txt && "
             "cmp out.txt %s/examples/c/autoencoder_main.expected",
             dir, cwd, build, cwd, cwd, ldflags, cwd);
    int st = system(sb_str(&run));
    sb_free(&run);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    ck_assert_msg(st == 0, "the README's C example fails or prints something else");
}
END_TEST

/* ---- DAGs whose matrices became 1 x 1 late ----
 * Elaboration may build A'^2 (a matrix power) or x'*A before inference
 * makes every dimension 1: the generator must take whatever is 1 x 1 for
 * a number and compute it right (the first of these aborted it). */

static const char *const late_scalars[] = {
    "L = x'*A'*A'+x",
    "L = x'*A^-2 + x",
    "L = x'*A^3 + x",
    "L = x'*inv(A) + x",
    "L = softmax(x)' + x",
    "L = logsoftmax(x)' + x",
    "L = det(A) + logdet(A'*A + 1) + x'*A + x",
    "L = logsumexp(x) + tr(A) + x'*A + x",
    "L = crossentropy(x, y) + x' + y + x",
    "L = x'*A*A*x + x' + x",
    "L = sum(x*x') + x' + x",
    "L = x'*diag(x) + x",
    "L = norm(x) + norm1(x) + mean(x) + x' + x",
    "L = x'*W*W'*W + x",
    "A : matrix(1, 1)\nx : vector(1)\nL = x'*A'*A'+x",
    "A : matrix(1, 1)\nx, y : vector(1)\nL = x'*inv(A)*y + det(A) + sum(softmax(x)) + logsumexp(y)",
};

static void add_late_scalars(batch *B, int blas)
{
    for (size_t i = 0; i < sizeof late_scalars / sizeof *late_scalars; i++) {
        add_program(B, late_scalars[i], 0, blas);
        add_program(B, late_scalars[i], 1, blas);
    }
}

START_TEST(late_scalars_agree)
{
    batch B;
    batch_open(&B);
    add_late_scalars(&B, 0);
    run_batch(&B);
    batch_close(&B);
}
END_TEST

/* The same DAGs made by hand from 1 x 1 variables, so that the test does
 * not depend on what elaboration makes: helpers (A^2, inv, det, logdet,
 * softmax, logsoftmax, logsumexp, crossentropy) of 1 x 1 operands that
 * are locals, an input, a constant and eye(1). */
static const char late_base[] = "A : matrix(1, 1)\nx, y : vector(1)\nL = x'*A*y";

static nd_node *var_node(nd_ctx *ctx, const char *name)
{
    struct nd_sym *s = scope_lookup(ctx, name);
    return ctx->scope->vars[s->index].node;
}

static nd_node *node1(nd_ctx *ctx, enum nd_op op, nd_node *a)
{
    return expr_node(ctx, op, shape_scalar(), &a, 1);
}

static nd_node *node2(nd_ctx *ctx, enum nd_op op, nd_node *a, nd_node *b)
{
    nd_node *k[2] = { a, b };
    return expr_node(ctx, op, shape_scalar(), k, 2);
}

/* x'*A'^2 + x: the fuzzer's program, as elaboration built it. */
static void build_mpow(nd_ctx *ctx, const nd_prog *prog)
{
    nd_node *x = var_node(ctx, "x"), *A = var_node(ctx, "A");
    nd_node *p = node2(ctx, OP_PROD, node1(ctx, OP_TRANSPOSE, x),
                       expr_mpow(ctx, node1(ctx, OP_TRANSPOSE, A), 2));
    ctx->scope->binds[prog->objective].node = node2(ctx, OP_ADD, p, x);
}

static void build_matrix_helpers(nd_ctx *ctx, const nd_prog *prog)
{
    nd_node *x = var_node(ctx, "x"), *y = var_node(ctx, "y"), *A = var_node(ctx, "A");
    nd_node *At = node1(ctx, OP_TRANSPOSE, A), *k[5];
    k[0] = node2(ctx, OP_PROD, node1(ctx, OP_TRANSPOSE, x), node1(ctx, OP_INV, A));
    k[1] = node1(ctx, OP_DET, At);
    k[2] = node1(ctx, OP_LOGDET, node2(ctx, OP_ADD, node2(ctx, OP_PROD, At, A), mk_int(ctx, 1)));
    k[3] = node2(ctx, OP_PROD, node1(ctx, OP_INV, node1(ctx, OP_TRANSPOSE, y)),
                 expr_mpow(ctx, mk_int(ctx, 3), 3));
    k[4] = node2(ctx, OP_PROD, node1(ctx, OP_DET, expr_eye(ctx, DIM_ONE)), y);
    ctx->scope->binds[prog->objective].node = expr_node(ctx, OP_ADD, shape_scalar(), k, 5);
}

static void build_nn_helpers(nd_ctx *ctx, const nd_prog *prog)
{
    nd_node *x = var_node(ctx, "x"), *y = var_node(ctx, "y"), *A = var_node(ctx, "A");
    nd_node *xt = node1(ctx, OP_TRANSPOSE, x), *k[5];
    k[0] = node2(ctx, OP_PROD, node1(ctx, OP_SOFTMAX, xt), A);
    k[1] = node1(ctx, OP_LOGSOFTMAX, node2(ctx, OP_PROD, xt, y));
    k[2] = node2(ctx, OP_PROD, node1(ctx, OP_LOGSUMEXP, mk_int(ctx, 2)), y);
    k[3] = node1(ctx, OP_LOGSUMEXP, node1(ctx, OP_TRANSPOSE, A));
    k[4] = node2(ctx, OP_CROSSENTROPY, xt, y);
    ctx->scope->binds[prog->objective].node = expr_node(ctx, OP_ADD, shape_scalar(), k, 5);
}

START_TEST(handmade_late_scalars_agree)
{
    const builder b[] = { build_mpow, build_matrix_helpers, build_nn_helpers };
    batch B;
    batch_open(&B);
    for (size_t i = 0; i < sizeof b / sizeof *b; i++)
        for (int colmajor = 0; colmajor < 2; colmajor++)
            add_built(&B, late_base, b[i], colmajor, 0);
    run_batch(&B);
    batch_close(&B);
}
END_TEST

/* A plan that reads an array it never made (here: made so by hand) is an
 * internal error with a message, not an abort, and no C. */
START_TEST(inconsistent_plan_is_an_internal_error)
{
    t_internal t;
    t_internal_open(&t, "A : matrix(n, n)\nx : vector(n)\nL = x'*inv(A)*x");
    cg_options o = { "f", 0, 0, NULL };
    cg_plan p;
    cg_plan_build(&p, t.ctx, &t.prog, &o);
    cg_val(&p, var_node(t.ctx, "A"))->kind = V_INLINE;
    strbuf out;
    sb_init(&out);
    volatile int raised = 1;
    DIAG_TRY(t.ctx, jb) {
        cg_emit(&p, 0, &out);
        raised = 0;
    }
    DIAG_END_TRY(t.ctx, jb);
    ck_assert(raised);
    ck_assert_int_eq(t.ctx->err->err_kind, ERR_INPUT);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_msg(strstr(sb_str(&t.ctx->err->diag), "nnderive: error: internal error in the C "
                                                "generator: ") != NULL &&
                      strstr(sb_str(&t.ctx->err->diag), "(please report)") != NULL,
                  "%s", sb_str(&t.ctx->err->diag));
    sb_free(&out);
    cg_plan_free(&p);
    t_internal_free(&t);
}
END_TEST

/* ---- names C already gives a meaning ---- */

static void names_add(names *N, const char *s)
{
    for (int i = 0; i < N->n; i++)
        if (!strcmp(N->v[i], s))
            return;
    N->v = xgrow(N->v, &N->cap, N->n + 1, sizeof *N->v);
    N->v[N->n++] = xstrdup(s);
}

/* Every identifier of the output of a shell command. */
static void names_from(names *N, const char *cmd)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return;
    char word[256];
    int n = 0, c;
    while ((c = getc(f)) != EOF) {
        if (isalnum(c) || c == '_') {
            if (n < (int)sizeof word - 1)
                word[n++] = (char)c;
            continue;
        }
        word[n] = '\0';
        if (n && !isdigit((unsigned char)word[0]))
            names_add(N, word);
        n = 0;
    }
    pclose(f);
}

/* Can the front end take it as a variable? (Its own function names, say,
 * it cannot.) */
static int usable(const char *name)
{
    char prog[512];
    snprintf(prog, sizeof prog, "%s : scalar\nL = %s*%s", name, name, name);
    nd_session *s = nd_open("<name>", prog, strlen(prog), NULL);
    int ok = nd_status(s) == 0;
    nd_close(s);
    return ok;
}

/* The names of the generator's lists and rules, of the generated code, and
 * of the system's own headers (every macro and every identifier they
 * declare), when a compiler can show them. */
static names every_name(int blas)
{
    static const char *const more[] = {
        "FP_NAN", "FP_FAST_FMA", "M_PI", "M_SQRT1_2l", "HUGE_VALF", "SNAN", "isnan",
        "issubnormal", "sinf", "sinl", "sinf128", "lgammaf_r", "y0f64x", "fadd", "dsqrtl",
        "f32mulf64x", "__func__", "__LINE__", "_Pragma", "_Bool", "_Noreturn", "__x",
        "cblas_dgemv", "cblas_ddot", "CblasRowMajor", "CblasTrans", "CBLAS_ORDER",
        "openblas_set_num_threads", "OPENBLAS_VERSION", "INT8_MAX", "UINTMAX_C", "uint32_t",
        "nd__sigmoid", "nd__sq", "nd__dot", "nd_x", "grad_x", "grad_x_", "x", "x_", "x__",
        "int", "int_", "int__", "v__x", "s0", "s1_", "b1", "r2", "p0", "p0_eval", "P0_H",
        "p1_work_size", "p2_in_names", "d0", "d1",
    };
    names N = { 0 };
    for (int i = 0; i < cg_n_keywords; i++)
        names_add(&N, cg_keywords[i]);
    for (int i = 0; i < cg_n_library; i++)
        names_add(&N, cg_library[i]);
    for (int i = 0; i < cg_n_blas_names; i++)
        names_add(&N, cg_blas_names[i]);
    for (size_t i = 0; i < sizeof more / sizeof *more; i++)
        names_add(&N, more[i]);
    const char *headers = blas ? "'#include <math.h>\\n#include <stddef.h>\\n#include <cblas.h>\\n'"
                               : "'#include <math.h>\\n#include <stddef.h>\\n'";
    char cmd[512];
    snprintf(cmd, sizeof cmd, "printf %s | cc -std=c99 -E -dM -x c - 2>/dev/null", headers);
    names_from(&N, cmd);
    snprintf(cmd, sizeof cmd, "printf %s | cc -std=c99 -E -P -x c - 2>/dev/null", headers);
    names_from(&N, cmd);
    names ok = { 0 };
    for (int i = 0; i < N.n; i++) {
        if (usable(N.v[i]))
            names_add(&ok, N.v[i]);
        free(N.v[i]);
    }
    free(N.v);
    return ok;
}

/* Programs that use the names, `per` at a time: every sixth a dimension,
 * the others scalars, vectors and matrices, in terms that call libm and
 * the kernels (and CBLAS with --blas). */
static void add_named_programs(batch *B, const names *N, int per, int blas)
{
    for (int first = 0; first < N->n; first += per) {
        int last = first + per < N->n ? first + per : N->n;
        strbuf p, terms;
        sb_init(&p);
        sb_init(&terms);
        const char *dims[64];
        int nd = 0;
        for (int i = first; i < last && nd < 64; i += 6)
            dims[nd++] = N->v[i];
        int k = 0;
        for (int i = first; i < last; i++) {
            if ((i - first) % 6 == 0 && (i - first) / 6 < nd)
                continue;
            const char *v = N->v[i], *d1 = dims[k % nd], *d2 = dims[(k + 1) % nd];
            switch (k++ % 3) {
            case 0:
                sb_printf(&p, "%s : scalar\n", v);
                sb_printf(&terms, " + %s*%s", v, v);
                break;
            case 1:
                sb_printf(&p, "%s : vector(%s)\n", v, d1);
                sb_printf(&terms, " + sum(exp(%s)) + logsumexp(%s) + sum(sigmoid(%s))", v, v, v);
                break;
            default:
                sb_printf(&p, "%s : matrix(%s, %s)\n", v, d1, d2);
                sb_printf(&terms, " + sum(tanh(%s*vector(%s)))", v, d2);
            }
        }
        sb_printf(&p, "zz_objective = 0%s\n", sb_str(&terms));
        add_program(B, sb_str(&p), 0, blas);
        sb_free(&p);
        sb_free(&terms);
    }
}

START_TEST(reserved_names_compile_and_agree)
{
    names N = every_name(0);
    ck_assert_msg(N.n > 300, "only %d names", N.n);
    batch B;
    batch_open(&B);
    B.quick = 1;
    add_named_programs(&B, &N, 60, 0);
    run_batch(&B);
    batch_close(&B);
    for (int i = 0; i < N.n; i++)
        free(N.v[i]);
    free(N.v);
}
END_TEST

/* The lists are sorted for bsearch, and every listed name is found. */
START_TEST(reserved_lists_are_sorted)
{
    const char *const *lists[] = { cg_keywords, cg_library, cg_blas_names };
    const int n[] = { cg_n_keywords, cg_n_library, cg_n_blas_names };
    for (int l = 0; l < 3; l++)
        for (int i = 0; i < n[l]; i++) {
            ck_assert_msg(i == 0 || strcmp(lists[l][i - 1], lists[l][i]) < 0, "%s before %s",
                          lists[l][i - 1], lists[l][i]);
            ck_assert_msg(cg_name_kind(lists[l][i], 1) != NAME_FREE, "%s not found",
                          lists[l][i]);
        }
}
END_TEST

/* ---- many gradients ---- */

/* More than 32 gradients (masks of several words, and past the words a
 * plan tracks): each gradient skipped in turn (a NULL pointer, which the
 * code must not write through) leaves the others as they were. */
START_TEST(many_gradients_each_skipped)
{
    strbuf p, q;
    sb_init(&p);
    sb_init(&q);
    sb_puts(&p, "W : matrix(n, n)\n");
    for (int i = 0; i < 70; i++)
        sb_printf(&p, "a%d : vector(n)\n", i);
    sb_puts(&p, "L = 0");
    for (int i = 0; i < 70; i++)
        sb_printf(&p, " + sum(tanh(W*a%d))*sum(a%d.*a%d) + norm2(W*a%d - a%d)", i, i,
                  (i + 1) % 70, i, (i + 3) % 70);
    sb_puts(&p, "\n");
    for (int i = 0; i < 300; i++)
        sb_printf(&q, "c%d : scalar\n", i);
    sb_puts(&q, "s = 0");
    for (int i = 0; i < 300; i++)
        sb_printf(&q, " + c%d", i);
    sb_puts(&q, "\nL = s^3");
    for (int i = 0; i < 300; i++)
        sb_printf(&q, " + c%d*c%d*c%d", i, (i + 1) % 300, (i + 7) % 300);
    sb_puts(&q, "\n");
    batch B;
    batch_open(&B);
    B.skip_each = 1;
    B.quick = 1;
    add_program(&B, sb_str(&p), 0, 0);
    add_program(&B, sb_str(&p), 1, 0);
    add_program(&B, sb_str(&q), 0, 0);
    run_batch(&B);
    batch_close(&B);
    sb_free(&p);
    sb_free(&q);
}
END_TEST

/* ---- prefixes ---- */

static char *emit_named(const char *file, const char *prefix, int *status)
{
    const char *text = "W : matrix(m, n)\nx : vector(n)\nL = sum(W*x)";
    nd_session *s = nd_open(file, text, strlen(text), NULL);
    nd_c_options o = { prefix, 0, 0, NULL };
    char *out = NULL;
    *status = nd_emit(s, ND_C, &o, &out);
    nd_close(s);
    return out;
}

/* The eval function's prefix in the generated text. */
static void eval_prefix(const char *c, char *out, size_t size)
{
    const char *e = strstr(c, "_eval(const long *dims");
    ck_assert(e != NULL);
    const char *b = e;
    while (b > c && (isalnum((unsigned char)b[-1]) || b[-1] == '_'))
        b--;
    ck_assert((size_t)(e - b) < size);
    memcpy(out, b, (size_t)(e - b));
    out[e - b] = '\0';
}

/* Without --name, a file's stem of any length makes a prefix (cut, with a
 * hash of the whole so that long stems stay apart); with --name, the
 * message is about --name. */
START_TEST(long_stems_make_prefixes)
{
    char a[128], b[128], pa[80], pb[80];
    memset(a, 'x', 100);
    strcpy(a + 100, "1.nd");
    memset(b, 'x', 100);
    strcpy(b + 100, "2.nd");
    int st;
    char *ca = emit_named(a, NULL, &st), *cb;
    ck_assert_int_eq(st, 0);
    cb = emit_named(b, NULL, &st);
    ck_assert_int_eq(st, 0);
    eval_prefix(ca, pa, sizeof pa);
    eval_prefix(cb, pb, sizeof pb);
    ck_assert_msg(strlen(pa) < 64 && !strncmp(pa, "nd_xxx", 6), "%s", pa);
    ck_assert_str_ne(pa, pb);
    nd_free(ca);
    nd_free(cb);
    char *c = emit_named("dir/_sq.nd", NULL, &st);     /* not nd__sq, a helper's name */
    ck_assert_int_eq(st, 0);
    eval_prefix(c, pa, sizeof pa);
    ck_assert_str_eq(pa, "nd_sq");
    nd_free(c);
    nd_free(emit_named("dir/x.nd", a, &st));
    ck_assert_int_eq(st, 2);
}
END_TEST

/* A constant past the range of double is HUGE_VAL (what it rounds to),
 * not "inf", which does not compile. */
START_TEST(huge_constants_compile)
{
    char dir[] = "/tmp/nd_huge_XXXXXX", path[64], cmd[256];
    ck_assert(mkdtemp(dir) != NULL);
    char *src = c_source("x : vector(n)\nL = 1e350*sum(x) - 1e320*norm2(x) + 1e-400*mean(x)",
                         "p", 0, 0);
    snprintf(path, sizeof path, "%s/p.c", dir);
    write_file(path, src);
    nd_free(src);
    const char *compilers[] = { "gcc", "clang" };
    for (int c = 0; c < 2; c++) {
        if (!have(compilers[c]))
            continue;
        snprintf(cmd, sizeof cmd, "%s -std=c99 -Wall -Wextra -pedantic -Werror -c %s -o %s/p.o",
                 compilers[c], path, dir);
        ck_assert_msg(system(cmd) == 0, "%s does not compile %s", compilers[c], path);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}
END_TEST

/* ---- time ---- */

static double cpu_seconds_for(const char *program, int colmajor)
{
    nd_session *s = nd_open("<deep>", program, strlen(program), NULL);
    nd_c_options o = { "f", 0, colmajor, NULL };
    char *out = NULL;
    clock_t t0 = clock();
    ck_assert_int_eq(nd_emit(s, ND_C, &o, &out), 0);
    double t = (double)(clock() - t0) / CLOCKS_PER_SEC;
    nd_free(out);
    nd_close(s);
    return t;
}

/* Deep networks: a chain per layer in the gradients (ordered greedily past
 * 64 factors, once O(n^4) over the layers), one long chain, and
 * --colmajor's transposes (once O(n^2) or worse): seconds where they took
 * minutes. */
START_TEST(deep_chains_generate_fast)
{
    strbuf p;
    for (int kind = 0; kind < 3; kind++) {
        sb_init(&p);
        int n = kind == 0 ? 1000 : kind == 1 ? 600 : 5000;
        sb_puts(&p, "x0 : vector(m)\n");
        for (int i = 1; i <= n; i++)
            sb_printf(&p, "W%d : matrix(m, m)\n", i);
        if (kind == 1) {
            sb_puts(&p, "L = x0'");
            for (int i = 1; i <= n; i++)
                sb_printf(&p, "*W%d", i);
            sb_puts(&p, "*x0\n");
        } else {
            for (int i = 1; i <= n; i++)
                sb_printf(&p, kind ? "x%d = relu(W%d*x%d)\n" : "x%d = W%d*x%d\n", i, i, i - 1);
            sb_printf(&p, "L = sum(x%d)\n", n);
        }
        double t = cpu_seconds_for(sb_str(&p), kind == 2);
        ck_assert_msg(t < T_CPU_BOUND(20), "program %d: %.1f s", kind, t);
        sb_free(&p);
    }
}
END_TEST

/* softplus(w) and softplus(-w) in one program (a logistic loss's two terms)
 * share log1p(exp(-|w|)): one softplus node in the plan where there were
 * two (relu(+-w) + it); one alone, or of other arguments, stays as it was,
 * unless sigmoid(w) is computed too (a gradient): then it is relu(+-w) +
 * log1p(exp(-|w|)), and the exp is sigmoid's (below). */
START_TEST(softplus_pair_shares_its_log1p)
{
    static const struct {
        const char *program;    /* a file, or the text */
        int softplus, relu;
    } cases[] = {
        { "examples/hessian/logreg.nd", 0, 2 },     /* log1p of sigmoid's exp */
        { "z : vector(n)\nL = sum(softplus(z) + softplus(-z))\nwrt z", 0, 2 },
        { "z, y : vector(n)\nL = y'*softplus(z) + sum(softplus(-z))\nwrt y", 1, 2 },
        { "z : scalar\nL = softplus(z) + softplus(-z)\nwrt z", 1, 2 },
        { "z : vector(n)\nL = sum(softplus(z))\nwrt z", 0, 1 },
        { "z, w : vector(n)\nL = sum(softplus(z) + softplus(-w))\nwrt z", 1, 1 },
        { "z, w, y : vector(n)\nL = y'*(softplus(z) + softplus(-w))\nwrt y", 2, 0 },
        { "A : matrix(m, n)\nx : vector(n)\nL = sum(softplus(A*x) + 2*softplus(-(A*x)))\nwrt x",
          0, 2 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int file = strncmp(cases[c].program, "examples/", 9) == 0;
        char *prog = file ? t_slurp(cases[c].program) : strdup(cases[c].program);
        t_internal t;
        t_internal_open(&t, prog);
        cg_options o = { "f", 0, 0, NULL };
        cg_plan p;
        cg_plan_build(&p, t.ctx, &t.prog, &o);
        int sp = plan_ops(&p, OP_SOFTPLUS), re = plan_ops(&p, OP_RELU);
        ck_assert_msg(sp == cases[c].softplus && re == cases[c].relu,
                      "%s: %d softplus and %d relu nodes, want %d and %d", cases[c].program, sp,
                      re, cases[c].softplus, cases[c].relu);
        cg_plan_free(&p);
        t_internal_free(&t);
        free(prog);
    }
}
END_TEST

/* sigmoid(w) and softplus(+-w) of one vector w (a logistic loss and its
 * gradient) share e = exp(-|w|): sigmoid from e, softplus(-|w|) as
 * log1p(e), one exp node in the plan where there were two; a scalar w, or
 * a sigmoid of another argument, keeps its own. */
START_TEST(sigmoid_shares_the_softplus_exp)
{
    static const struct {
        const char *program;
        int exp, sigmoid, softplus, log1p;
    } cases[] = {
        { "examples/hessian/logreg.nd", 1, 0, 0, 1 },
        { "z, y : vector(n)\nL = y'*sigmoid(z) + sum(softplus(z))\nwrt y", 1, 0, 0, 1 },
        { "z, y : vector(n)\nL = y'*sigmoid(z) + sum(softplus(-z))\nwrt y", 1, 0, 0, 1 },
        { "z, y : vector(n)\nL = y'*sigmoid(z) + sum(softplus(2*z))\nwrt y", 0, 1, 1, 0 },
        { "z : scalar\nL = sigmoid(z) + softplus(z)\nwrt z", 0, 1, 1, 0 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int file = strncmp(cases[c].program, "examples/", 9) == 0;
        char *prog = file ? t_slurp(cases[c].program) : strdup(cases[c].program);
        t_internal t;
        t_internal_open(&t, prog);
        cg_options o = { "f", 0, 0, NULL };
        cg_plan p;
        cg_plan_build(&p, t.ctx, &t.prog, &o);
        int ex = plan_ops(&p, OP_EXP), sg = plan_ops(&p, OP_SIGMOID),
            sp = plan_ops(&p, OP_SOFTPLUS), lp = plan_ops(&p, OP_LOG1P);
        ck_assert_msg(ex == cases[c].exp && sg == cases[c].sigmoid && sp == cases[c].softplus &&
                          lp == cases[c].log1p,
                      "%s: %d exp, %d sigmoid, %d softplus, %d log1p; want %d, %d, %d, %d",
                      cases[c].program, ex, sg, sp, lp, cases[c].exp, cases[c].sigmoid,
                      cases[c].softplus, cases[c].log1p);
        cg_plan_free(&p);
        t_internal_free(&t);
        free(prog);
    }
}
END_TEST

/* In dir (a mkdtemp template, filled in): p.c holding src, main.c holding
 * main_c, and the doubles in[0..n_in) one per line as main's standard
 * input; compiled with cflags and run.  Returns its output, open for
 * reading (remove dir with remove_dir after closing it). */
static FILE *compile_and_run(char *dir, const char *src, const char *main_c, const double *in,
                             size_t n_in, const char *cflags)
{
    char path[96], cmd[512];
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/p.c", dir);
    write_file(path, src);
    snprintf(path, sizeof path, "%s/main.c", dir);
    write_file(path, main_c);
    snprintf(path, sizeof path, "%s/in", dir);
    FILE *f = fopen(path, "w");
    ck_assert(f != NULL);
    for (size_t k = 0; k < n_in; k++)
        fprintf(f, "%a\n", in[k]);
    fclose(f);
    snprintf(cmd, sizeof cmd, "cc -std=c99 %s -o %s/run %s/p.c %s/main.c -lm && %s/run < %s/in > %s/out",
             cflags, dir, dir, dir, dir, dir, dir);
    ck_assert_msg(system(cmd) == 0, "does not compile or run: %s", cmd);
    snprintf(path, sizeof path, "%s/out", dir);
    f = fopen(path, "r");
    ck_assert(f != NULL);
    return f;
}

static void remove_dir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* The shared forms give nd__sigmoid's and nd__softplus's doubles (the
 * helpers of the -O2 build, libm's exp), to the bit: grad_y = sigmoid(z)
 * and grad_w = softplus(z) of L = y'*sigmoid(z) + w'*softplus(z), at the
 * edges.  With AVX2 too: the shared sigmoid is libm's then, not the AVX2
 * nd__sigmoid's own exp (which is within 1e-15 of it). */
static double old_sigmoid(double x)
{
    double e;
    if (x >= 0)
        return 1.0 / (1.0 + exp(-x));
    e = exp(x);
    return e / (1.0 + e);
}

static double old_softplus(double x);

static void run_shared_sigmoid(const char *cflags)
{
    static const double at[] = { 0.0, -0.0, 1e-300, -1e-300, 745.5, -745.5, 1000, -1000,
                                 0.5, -0.5, 40, -40, 36.7, -36.7, 5e-324, 1e-20, -1e-20,
                                 -0.1, -0.2, -0.3, -0.7, -1.3, -2.5, -3.7, -7.1, -11.3, -17.9,
                                 0.1, 0.3, 1.3, 3.7, 11.3, INFINITY, -INFINITY, NAN };
    enum { K = sizeof at / sizeof *at };
    char dir[] = "/tmp/nd_sigmoid_XXXXXX", prog[160];
    double in[K];
    for (size_t k = 0; k < K; k++)
        in[k] = isfinite(at[k]) ? at[k] : 0.0;     /* main sets the last three */
    snprintf(prog, sizeof prog, "z, y, w : vector(%d)\nL = y'*sigmoid(z) + w'*softplus(z)\nwrt y, w", (int)K);
    char *src = c_source(prog, "p", 0, 0);
    const char *e1 = strstr(src, "exp(");
    ck_assert_msg(e1 && !strstr(e1 + 1, "exp(") && !strstr(src, "nd__sigmoid(z"),
                  "sigmoid(z) and softplus(z) do not share one exp");
    FILE *f = compile_and_run(dir, src,
               "#include <math.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
               "double p(const double *z, const double *y, const double *w, double *grad_y,\n"
               "         double *grad_w, double *work);\n"
               "int main(void)\n{\n    double z[64], y[64], w[64], gy[64], gw[64], work[1024];\n"
               "    int n = 0;\n"
               "    while (n < 64 && scanf(\"%lf\", &z[n]) == 1)\n        y[n] = w[n] = 1.0, n++;\n"
               "    z[n - 3] = INFINITY; z[n - 2] = -INFINITY; z[n - 1] = NAN;\n"
               "    p(z, y, w, gy, gw, work);\n"
               "    for (int i = 0; i < n; i++)\n        printf(\"%a %a\\n\", gy[i], gw[i]);\n"
               "    return 0;\n}\n",
               in, K, cflags);
    nd_free(src);
    for (size_t k = 0; k < K; k++) {
        double ws = old_sigmoid(at[k]), wp = old_softplus(at[k]), gs, gp;
        ck_assert_msg(fscanf(f, "%lf %lf", &gs, &gp) == 2, "%s: output %zu missing", cflags, k);
        ck_assert_msg((isnan(ws) && isnan(gs)) || memcmp(&ws, &gs, sizeof gs) == 0,
                      "%s: sigmoid at z = %a: %a, nd__sigmoid gives %a", cflags, at[k], gs, ws);
        ck_assert_msg((isnan(wp) && isnan(gp)) || memcmp(&wp, &gp, sizeof gp) == 0,
                      "%s: softplus at z = %a: %a, nd__softplus gives %a", cflags, at[k], gp, wp);
    }
    fclose(f);
    remove_dir(dir);
}

START_TEST(shared_sigmoid_is_the_same_double)
{
    run_shared_sigmoid("-O2");
    if (have_avx2())
        run_shared_sigmoid("-O3 -mavx2 -mfma");
}
END_TEST

/* The shared form gives the doubles of two nd__softplus calls, to the bit:
 * relu(z) + log1p(exp(-|z|)) is z + log1p(exp(-z)) for z > 0 and
 * 0.0 + log1p(exp(z)) otherwise.  The generated C at -O2 (and with AVX2)
 * against the helper's formula compiled here, at the edges. */
static double old_softplus(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

static void run_shared_softplus(const char *cflags)
{
    static const double at[] = { 0.0, -0.0, 1000, -1000, 745.5, -745.5, 40, -40, 36.7, -36.7,
                                 0.5, -0.5, 1e-300, -1e-300, 5e-324, 1e-20, -1e-20, 1e300 };
    char dir[] = "/tmp/nd_softplus_XXXXXX";
    char *src = c_source("z : scalar\nL = softplus(z) + 3*softplus(-z)\nwrt z", "p", 0, 0);
    ck_assert_msg(strstr(src, "fabs(") != NULL, "softplus(z) and softplus(-z) not shared");
    FILE *f = compile_and_run(dir, src, "#include <math.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
               "double p(const double *z, double *grad_z, double *work);\n"
               "int main(void)\n{\n    double z, g, work[4];\n"
               "    while (scanf(\"%lf\", &z) == 1)\n"
               "        printf(\"%a\\n\", p(&z, &g, work));\n"
               "    z = INFINITY; printf(\"%a\\n\", p(&z, &g, work));\n"
               "    z = -INFINITY; printf(\"%a\\n\", p(&z, &g, work));\n"
               "    z = NAN; printf(\"%a\\n\", p(&z, &g, work));\n    return 0;\n}\n",
                              at, sizeof at / sizeof *at, cflags);
    nd_free(src);
    size_t n_at = sizeof at / sizeof *at;
    for (size_t k = 0; k < n_at + 3; k++) {
        double z = k < n_at ? at[k] : k == n_at ? INFINITY : k == n_at + 1 ? -INFINITY : NAN;
        double want = old_softplus(z) + 3 * old_softplus(-z), got;
        ck_assert_msg(fscanf(f, "%lf", &got) == 1, "%s: output %zu missing", cflags, k);
        ck_assert_msg((isnan(want) && isnan(got)) || memcmp(&want, &got, sizeof got) == 0,
                      "%s: at z = %a: %a, two softplus calls give %a", cflags, z, got, want);
    }
    fclose(f);
    remove_dir(dir);
}

START_TEST(shared_softplus_is_the_same_double)
{
    run_shared_softplus("-O2");
    if (have_avx2())
        run_shared_softplus("-O3 -mavx2 -mfma");
}
END_TEST

/* ---- extreme inputs ----
 * The losses written out by hand, at points where the textbook forms are
 * finite but the forms as written overflow or divide by an underflowed
 * value (1/softmax(z) at logits [0, 1000], 1/(1 - p) at w'x = 40): the
 * generated C must give the finite values, to 1e-12 (relative to
 * max(1, |value|)).  All sizes are numbers, so the code takes no dims. */

struct extreme {
    const char *program;
    double in[4];   /* the variables' entries, in declaration order */
    int n_in;
    int len[4];     /* how many of them each variable has */
    double f, g[2]; /* the objective and the gradient (of the first wrt) */
    int n_g;
};

static const struct extreme extremes[] = {
    /* hand-written cross-entropy: softmax(z) - y exactly */
    { "z : vector(2)\ny : onehot(2)\nL = -sum(y .* log(softmax(z)))\nwrt z",
      { 0, 1000, 1, 0 }, 4, { 2, 2 }, 1000, { -1, 1 }, 2 },
    { "z : vector(2)\ny : onehot(2)\nL = -sum(y .* log(softmax(z)))\nwrt z",
      { 0, 1000, 0, 1 }, 4, { 2, 2 }, 0, { 0, 0 }, 2 },
    /* the logistic loss written out, at w'x = 40: (p - y)*x */
    { "w, x : vector(1)\ny : scalar\np = sigmoid(w'*x)\nL = -y*log(p) - (1 - y)*log(1 - p)\nwrt w",
      { 40, 1, 1 }, 3, { 1, 1, 1 }, 4.248354255291589e-18, { 0 }, 1 },
    { "w, x : vector(1)\ny : scalar\np = sigmoid(w'*x)\nL = -y*log(p) - (1 - y)*log(1 - p)\nwrt w",
      { 40, 1, 0 }, 3, { 1, 1, 1 }, 40, { 1 }, 1 },
    { "w, x : vector(1)\ny : scalar\np = sigmoid(w'*x)\nL = -y*log(p) - (1 - y)*log(1 - p)\nwrt w",
      { -40, 1, 1 }, 3, { 1, 1, 1 }, 40, { -1 }, 1 },
    /* each fusion at +-1000 */
    { "z : vector(2)\na : vector(2)\nL = a'*log(softmax(z))\nwrt z",
      { 1000, -1000, 1, 2 }, 4, { 2, 2 }, -4000, { -2, 2 }, 2 },
    { "z : scalar\nL = log(sigmoid(z))\nwrt z", { 1000 }, 1, { 1 }, 0, { 0 }, 1 },
    { "z : scalar\nL = log(sigmoid(z))\nwrt z", { -1000 }, 1, { 1 }, -1000, { 1 }, 1 },
    { "z : scalar\nL = log(1 - sigmoid(z))\nwrt z", { 1000 }, 1, { 1 }, -1000, { -1 }, 1 },
    { "z : scalar\nL = log(1 - sigmoid(z))\nwrt z", { -1000 }, 1, { 1 }, 0, { 0 }, 1 },
    { "z : scalar\nL = log(1 + exp(z))\nwrt z", { 1000 }, 1, { 1 }, 1000, { 1 }, 1 },
    { "z : scalar\nL = log(1 + exp(z))\nwrt z", { -1000 }, 1, { 1 }, 0, { 0 }, 1 },
    { "z : vector(2)\nL = log(sum(exp(z)))\nwrt z", { 1000, -1000 }, 2, { 2 }, 1000, { 1, 0 }, 2 },
    { "z : vector(2)\nL = log(sum(exp(z)))\nwrt z", { -1000, -1000 }, 2, { 2 },
      -1000 + 0.69314718055994531, { 0.5, 0.5 }, 2 },
    /* softplus(z) and softplus(-z) sharing log1p(exp(-|z|)), at +-1000 */
    { "z : vector(2)\nL = sum(softplus(z) + softplus(-z))\nwrt z", { 1000, -1000 }, 2, { 2 },
      2000, { 1, -1 }, 2 },
    { "z : vector(2)\ny : vector(2)\nL = -sum(y .* log(sigmoid(z)) + (1 - y) .* log(1 - sigmoid(z)))\nwrt z",
      { 1000, -1000, 0, 1 }, 4, { 2, 2 }, 2000, { 1, -1 }, 2 },
    /* swish as z.*sigmoid(z) beside its derivative: 1000*1, -1000*e^-1000 */
    { "z : vector(2)\nL = sum(swish(z))\nwrt z", { 1000, -1000 }, 2, { 2 }, 1000, { 1, 0 }, 2 },
};

/* A driver for one program: its inputs as given, prints f and the gradient. */
static void write_extreme_driver(const char *path, const struct extreme *e)
{
    FILE *f = fopen(path, "w");
    ck_assert(f != NULL);
    fputs("#include <stdio.h>\n#include <stdlib.h>\n#include <stddef.h>\n"
          "size_t p_work_size(const long *dims);\n"
          "double p_eval(const long *dims, const double *const *in, double *const *grad, "
          "double *work);\nextern const int p_n_in;\nint main(void)\n{\n"
          "    long dims[1] = { 0 };\n    double v[4] = {", f);
    for (int i = 0; i < e->n_in; i++)
        fprintf(f, "%s%.17g", i ? ", " : " ", e->in[i]);
    fputs(" };\n    const double *in[4] = { 0 };\n    double g[2] = { 0 };\n"
          "    double *grad[1] = { g };\n", f);
    /* each variable's entries follow the previous one's */
    fputs("    int k, at = 0;\n    static const int len[4] = {", f);
    for (int i = 0; i < 4 && e->len[i]; i++)
        fprintf(f, "%s%d", i ? ", " : " ", e->len[i]);
    fputs(" };\n    for (k = 0; k < p_n_in; k++) {\n        in[k] = v + at;\n"
          "        at += len[k];\n    }\n"
          "    double *work = malloc((p_work_size(dims) + 1) * sizeof *work);\n"
          "    double L = p_eval(dims, in, grad, work);\n"
          "    printf(\"%.17g %.17g %.17g\\n\", L, g[0], g[1]);\n"
          "    free(work);\n    return 0;\n}\n", f);
    fclose(f);
}

static int close_enough(double got, double want)
{
    return isfinite(got) && fabs(got - want) <= 1e-12 * fmax(1.0, fabs(want));
}

static void run_extreme(const struct extreme *e, const char *cflags);

START_TEST(extreme_inputs_stay_finite)
{
    run_extreme(&extremes[_i], "-O2");
    if (have_avx2())
        run_extreme(&extremes[_i], "-O3 -mavx2 -mfma");
}
END_TEST

static void run_extreme(const struct extreme *e, const char *cflags)
{
    char dir[] = "/tmp/nd_extreme_XXXXXX", path[96], cmd[512];
    ck_assert(mkdtemp(dir) != NULL);
    char *src = c_source(e->program, "p", 0, 0);
    snprintf(path, sizeof path, "%s/p.c", dir);
    write_file(path, src);
    nd_free(src);
    snprintf(path, sizeof path, "%s/main.c", dir);
    write_extreme_driver(path, e);
    snprintf(cmd, sizeof cmd, "cc -std=c99 %s -o %s/run %s/p.c %s/main.c -lm && %s/run > %s/out",
             cflags, dir, dir, dir, dir, dir);
    ck_assert_msg(system(cmd) == 0, "does not compile or run: %s", cmd);
    snprintf(path, sizeof path, "%s/out", dir);
    FILE *f = fopen(path, "r");
    double got[3] = { 0, 0, 0 };
    ck_assert(f != NULL);
    ck_assert_int_eq(fscanf(f, "%lf %lf %lf", &got[0], &got[1], &got[2]), 3);
    fclose(f);
    remove_dir(dir);
    ck_assert_msg(close_enough(got[0], e->f), "%s: objective %.17g, want %.17g:\n%s", cflags,
                  got[0], e->f, e->program);
    for (int i = 0; i < e->n_g; i++)
        ck_assert_msg(close_enough(got[1 + i], e->g[i]), "%s: gradient[%d] %.17g, want %.17g:\n%s",
                      cflags, i, got[1 + i], e->g[i], e->program);
}

/* ---- forms that divide by what underflows ----
 * q = p*(1 - p), p = sigmoid(z), is 0 in double at z = 60 and 80 (1 - p rounds to
 * 0) and at z = -800 (p underflows).  The gradient as derived is q*(a/q -
 * b/q), NaN there; the simplified one, which the plan evaluates (it costs
 * no more), is a - b: finite, and within 1e-12 of the MPFR value of the
 * derived form at 256 bits (where nothing underflows).  The objectives are
 * finite in double: sigmoid(log(0)) = 0, tanh(log(0)) = -1, exp(-inf) = 0.
 * At z = -60 nothing underflows (a control). */
static const char *const underflows[] = {
    "z : scalar\np = sigmoid(z)\nq = p*(1 - p)\nL = sigmoid(log(q))\nwrt z",
    "z : scalar\np = sigmoid(z)\nq = p*(1 - p)\nL = tanh(log(q))\nwrt z",
    "z : scalar\np = sigmoid(z)\nq = p*(1 - p)\nL = softplus(log(q))\nwrt z",
    "z : scalar\np = sigmoid(z)\nq = p*(1 - p)\nL = exp(log(q)/2)\nwrt z",
    "z, y : scalar\np = sigmoid(z)\nq = p*(1 - p)\nL = sigmoid(log(q) + y)\nwrt z",
};
static const double underflow_at[] = { 60, 80, -800, -60 };

/* e's objective and gradient by MPFR at 256 bits, of the form as derived. */
static void mpfr_values(struct extreme *e)
{
    t_internal t;
    t_internal_open(&t, e->program);
    nd_ctx *ctx = t.ctx;
    nd_node *roots[2];
    roots[0] = ctx->scope->binds[t.prog.objective].node;
    ck_assert_int_eq(t.prog.n_wrt, 1);
    derive_gradients(ctx, roots[0], t.prog.wrt, 1, roots + 1);
    nd_evalenv *env = eval_new(ctx, 256);
    nd_rng rng = { 1 };
    eval_random_vars(env, &rng, 0);
    for (int v = 0; v < ctx->scope->n_vars; v++)
        mpfr_set_d(env->vars[v].a[0], e->in[v], MPFR_RNDN);
    eval_forget(env);
    for (int r = 0; r < 2; r++)
        ck_assert_int_eq(eval_node(env, roots[r]), EV_OK);
    e->f = mpfr_get_d(env->vals[roots[0]->id].a[0], MPFR_RNDN);
    e->g[0] = mpfr_get_d(env->vals[roots[1]->id].a[0], MPFR_RNDN);
    e->n_g = 1;
    eval_free(env);
    t_internal_free(&t);
}

START_TEST(cancelled_quotients_stay_finite)
{
    size_t n_at = sizeof underflow_at / sizeof *underflow_at;
    struct extreme e;
    memset(&e, 0, sizeof e);
    e.program = underflows[(size_t)_i / n_at];
    e.n_in = strstr(e.program, "z, y") ? 2 : 1;
    e.in[0] = underflow_at[(size_t)_i % n_at];
    e.in[1] = 0.5;
    e.len[0] = 1;
    e.len[1] = e.n_in > 1;
    mpfr_values(&e);
    run_extreme(&e, "-O2");
}
END_TEST

Suite *suite_codegen(void)
{
    Suite *s = suite_create("codegen");
    TCase *tc = tcase_create("codegen");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, extremes_with_ties_agree);
    tcase_add_test(tc, examples_and_names_compile_and_agree);
    tcase_add_test(tc, random_programs_compile_and_agree);
    tcase_add_test(tc, blas_programs_agree);
    tcase_add_test(tc, blas_names_and_late_scalars_agree);
    tcase_add_test(tc, readme_c_example);
    tcase_add_test(tc, autoencoder_is_linear_in_W);
    tcase_add_test(tc, swish_shares_its_sigmoid);
    tcase_add_test(tc, softplus_pair_shares_its_log1p);
    tcase_add_test(tc, shared_softplus_is_the_same_double);
    tcase_add_test(tc, sigmoid_shares_the_softplus_exp);
    tcase_add_test(tc, shared_sigmoid_is_the_same_double);
    tcase_add_test(tc, avx2_helpers_agree);
    tcase_add_test(tc, late_scalars_agree);
    tcase_add_test(tc, handmade_late_scalars_agree);
    tcase_add_test(tc, inconsistent_plan_is_an_internal_error);
    tcase_add_test(tc, reserved_lists_are_sorted);
    tcase_add_test(tc, reserved_names_compile_and_agree);
    tcase_add_test(tc, many_gradients_each_skipped);
    tcase_add_test(tc, long_stems_make_prefixes);
    tcase_add_test(tc, deep_chains_generate_fast);
    tcase_add_test(tc, huge_constants_compile);
    tcase_add_loop_test(tc, cancelled_quotients_stay_finite, 0,
                        (int)(sizeof underflows / sizeof *underflows *
                              (sizeof underflow_at / sizeof *underflow_at)));
    tcase_add_loop_test(tc, extreme_inputs_stay_finite, 0,
                        (int)(sizeof extremes / sizeof *extremes));
    suite_add_tcase(s, tc);
    return s;
}
