/* test_codegen.c: generated C against the MPFR evaluator.
 *
 * Every program of a batch (the examples, programs with awkward names,
 * hundreds of random programs with a fixed seed) is generated with a
 * prefix of its own into one directory, each file its own translation unit,
 * with a driver holding a table of them.  The batch is compiled once by gcc
 * and once by clang with -std=c99 -Wall -Wextra -pedantic -Werror, run on
 * random inputs the evaluator also used, and every objective and gradient
 * must agree with it to a relative 1e-10.  The driver also runs each
 * program with its first gradient skipped (a NULL pointer) and the other
 * results must not change. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg.h"
#include "derive.h"
#include "helpers.h"
#include "ops.h"
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
    strbuf table;   /* the driver's table */
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

/* A random instance: its data file for the driver, and the expected values. */
static void instance(batch *B, const char *program, int colmajor, const char *path)
{
    t_internal t;
    t_internal_open(&t, program);
    nd_ctx *ctx = t.ctx;
    int ng = t.prog.n_wrt;
    nd_node **roots = xmalloc(((size_t)ng + 1) * sizeof *roots);
    roots[0] = ctx->binds[t.prog.objective].node;
    derive_gradients(ctx, roots[0], t.prog.wrt, ng, roots + 1);
    nd_evalenv *env = eval_new(ctx, 128);
    nd_rng rng = { 4242 + (uint64_t)B->n };
    ck_assert_msg(verify_instance(env, &rng, roots, ng + 1, 100) == EV_OK,
                  "no point in the domain of:\n%s", program);
    FILE *f = fopen(path, "w");
    nd_dim dims[64];
    int nd = dim_abi_order(ctx, dims, 64);
    fprintf(f, "%d", nd);
    for (int d = 0; d < nd; d++)
        fprintf(f, " %ld", eval_dim(env, dims[d]));
    fprintf(f, "\n%d", ctx->n_vars);
    for (int v = 0; v < ctx->n_vars; v++)
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
    fputc('\n', f);
    fclose(f);
    eval_free(env);
    free(roots);
    t_internal_free(&t);
}

static void add_program(batch *B, const char *program, int colmajor, int blas)
{
    char prefix[32], path[128];
    snprintf(prefix, sizeof prefix, "p%d", B->n);
    char *src = c_source(program, prefix, colmajor, blas);
    snprintf(path, sizeof path, "%s/%s.c", B->dir, prefix);
    write_file(path, src);
    nd_free(src);
    snprintf(path, sizeof path, "%s/%s.in", B->dir, prefix);
    B->exp = xrealloc(B->exp, ((size_t)B->n + 1) * sizeof *B->exp);
    instance(B, program, colmajor, path);
    sb_printf(&B->table, "E(p%d)\n", B->n);
    B->n++;
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
    "    double *work = malloc(progs[p].work(dims) * sizeof(double) + 8), f; int k; long e;\n"
    "    for (k = 0; k < ng; k++) for (e = 0; e < len[k]; e++) g[k][e] = -7.25;\n"
    "    if (skip) { double *saved = g[0]; g[0] = NULL; f = progs[p].eval(dims, in, g, work); g[0] = saved; }\n"
    "    else f = progs[p].eval(dims, in, g, work);\n"
    "    fprintf(out, \"%.17g\\n\", f);\n"
    "    for (k = skip; k < ng; k++) { for (e = 0; e < len[k]; e++) fprintf(out, \"%.17g \", g[k][e]); fputc('\\n', out); }\n"
    "    free(work); }\n"
    "int main(int argc, char **argv) {\n"
    "    int p; (void)argc;\n"
    "    for (p = 0; p < (int)(sizeof progs / sizeof *progs); p++) {\n"
    "        char path[512]; FILE *f, *out; long nd, ni, ng, k, x; long *dims; double **in, **g; long *len;\n"
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
    "        fclose(f);\n"
    "        sprintf(path, \"%s/%s.out\", argv[1], progs[p].name); out = fopen(path, \"w\");\n"
    "        run(out, p, dims, (const double *const *)in, g, len, (int)ng, 0);\n"
    "        if (ng > 1) run(out, p, dims, (const double *const *)in, g, len, (int)ng, 1);\n"
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
    for (int run = 0; run < (e->n_grads > 1 ? 2 : 1); run++) {
        double v;
        ck_assert(fscanf(f, "%lf", &v) == 1);
        ck_assert_msg(rel(v, e->f) < 1e-10, "%s: p%d objective %.17g, expected %.17g", compiler,
                      k, v, e->f);
        for (int g = run; g < e->n_grads; g++) {
            double scale = 1.0, worst = 0;
            for (size_t x = 0; x < e->len[g]; x++)
                scale = fmax(scale, fabs(e->g[g][x]));
            for (size_t x = 0; x < e->len[g]; x++) {
                ck_assert(fscanf(f, "%lf", &v) == 1);
                worst = fmax(worst, fabs(v - e->g[g][x]) / scale);
            }
            ck_assert_msg(worst < 1e-10, "%s: p%d gradient %d off by %g%s (see %s)", compiler, k,
                          g, worst, run ? " with the first gradient skipped" : "", B->dir);
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
                 "cd %s && %s -std=c99 -Wall -Wextra -pedantic -Werror -O1 p*.c driver.c "
                 "-o run %s 2> errors.txt && ./run .", B->dir, compilers[c], libs);
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
};

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
    nd_c_options o = { "f", 0, 0, dims };
    cg_plan p;
    ck_assert_int_eq(cg_plan_build(&p, t.ctx, &t.prog, &o), 0);
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

Suite *suite_codegen(void)
{
    Suite *s = suite_create("codegen");
    TCase *tc = tcase_create("codegen");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, examples_and_names_compile_and_agree);
    tcase_add_test(tc, random_programs_compile_and_agree);
    tcase_add_test(tc, blas_programs_agree);
    tcase_add_test(tc, readme_c_example);
    tcase_add_test(tc, autoencoder_is_linear_in_W);
    suite_add_tcase(s, tc);
    return s;
}
