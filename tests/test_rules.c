/* test_rules.c: every derivative rule, checked numerically: each program's
 * gradients against 256-bit central differences at random points.  The
 * last test fails when an operator of the table is exercised by none of
 * the programs, so a new operator cannot come without its check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "elab.h"
#include "mk.h"
#include "run.h"
#include "scope.h"
#include "verify.h"
#include "helpers.h"
#include "ops.h"
#include "parse.h"

#define DECL "w, x, y, v : vector(n)\nu : vector(m)\nA, B : matrix(n, n)\nM : matrix(m, n)\n" \
             "a, c : scalar\nP : spd(n)\nX, Y : matrix(n, k)\n"

static const char *const programs[] = {
    /* arithmetic */
    DECL "L = w'*(x + y) - a\nwrt w, x, a",
    DECL "L = w'*(x - 3*y)\nwrt x, y",
    DECL "L = a*c*w'*x\nwrt a, c, x",
    DECL "L = u'*M*A*B*x\nwrt u, M, A, B, x",
    DECL "L = w'*(x .* y .* x)\nwrt x, y",
    DECL "L = w'*(x ./ y)\nwrt x, y",
    DECL "L = w'*(x.^3) + sum(x.^-2)\nwrt x",
    DECL "L = sum(exp(x).^0.5)\nwrt x",
    DECL "L = sum(exp(x).^a)\nwrt x, a",
    DECL "L = a^c + a^3 + 1/a\nwrt a, c",
    DECL "L = w'*A^3*x + w'*A^-2*x\nwrt A, x",
    DECL "L = w'*A'*x + x'*A*x\nwrt A, x",
    DECL "L = w'*(x + a) + sum(a - x)\nwrt a, x",
    DECL "L = sum(tanh(A*X + x))\nwrt A, x",
    DECL "L = sum(tanh(X + v))\nwrt v",
    DECL "L = sum(tanh(X + w'*X))\nwrt X",
    DECL "L = sum(x)/n + a*n\nwrt x, a",
    DECL "L = tr(A + eye(n)) + tr(A*eye(n)*B)\nwrt A, B",
    DECL "L = sum(A*vector(2)) + sum(matrix(a).*A) + x'*vector(1)\nwrt A, a, x",
    /* fills that say their size: vector(c, n), matrix(c, m, n), as numbers too */
    DECL "L = sum(A*vector(2, n)) + sum(matrix(a, n, n).*A) + x'*vector(a, n) + sum(matrix(a, 2, 3)) + "
         "sum(vector(a^2, 4)) + u'*matrix(c, m, k)*X'*x + sum(X .* matrix(a, n, k))\nwrt A, a, x, c, X",
    /* elementwise functions */
    DECL "L = w'*exp(x)\nwrt w, x",
    DECL "L = w'*log(x)\nwrt x",
    DECL "L = w'*sqrt(x)\nwrt x",
    DECL "L = w'*abs(x)\nwrt x",
    DECL "L = w'*sign(x) + w'*x\nwrt x",
    DECL "L = w'*sin(x) + w'*cos(x)\nwrt x",
    DECL "L = w'*tan(x)\nwrt x",
    DECL "L = w'*arcsin(0.5*x) + 2*w'*arccos(0.5*x)\nwrt x",
    DECL "L = w'*arctan(x)\nwrt x",
    DECL "L = w'*tanh(x)\nwrt x",
    DECL "L = w'*cosh(x) + w'*sinh(x) + sum(cosh(A*X))\nwrt x, A",
    DECL "L = w'*log1p(x.^2) + sum(log1p(exp(A*X)))\nwrt x, A",
    DECL "L = w'*sigmoid(x)\nwrt x",
    DECL "L = w'*swish(x)\nwrt x",
    DECL "L = w'*relu(x)\nwrt x",
    DECL "L = w'*softplus(x)\nwrt x",
    DECL "L = w'*step(x) + a*sum(x)\nwrt x, a",
    DECL "L = w'*erf(x) + sum(erf(A*X))\nwrt x, A, X",
    DECL "L = w'*gelu(x) + sum(gelu(3*A*X - 1))\nwrt x, A, X",
    /* reductions */
    DECL "L = sum(A*x)\nwrt A, x",
    DECL "L = norm1(A*x)\nwrt A, x",
    DECL "L = norm2(A*x - y)\nwrt A, x",
    DECL "L = norm(A*x - y)\nwrt A, x",
    DECL "L = tr(A*B*A)\nwrt A, B",
    DECL "L = det(A*B)\nwrt A, B",
    DECL "L = logdet(P) + logdet(P + A*A')\nwrt P, A",
    DECL "L = mean(A*X) + mean(x)\nwrt A, x",
    /* matrices */
    DECL "L = w'*inv(A)*x + tr(inv(A*B))\nwrt A, B, x",
    DECL "L = w'*diag(x)*y + w'*diag(A)\nwrt x, y, A",
    /* networks */
    DECL "L = w'*softmax(x)\nwrt w, x",
    DECL "L = sum(Y .* softmax(X))\nwrt X",
    DECL "L = w'*logsoftmax(x) + sum(Y .* logsoftmax(X))\nwrt x, X",
    DECL "L = logsumexp(x) + sum(logsumexp(X))\nwrt x, X",
    DECL "L = crossentropy(x, y)\nwrt x, y",
    DECL "L = crossentropy(X, Y)/k\nwrt X, Y",
    "z : vector(C)\nt : onehot(C)\nL = crossentropy(z, t)\nwrt z",
    "Z : matrix(C, N)\nT : onehot(C, N)\nL = crossentropy(Z, T)/N\nwrt Z",
    "Z : matrix(C, N)\nT : simplex(C, N)\nL = crossentropy(Z, T)\nwrt Z",
    /* max, min, clip (a tie never happens at random points) */
    DECL "L = sum(max(x, y)) + w'*min(x, y)\nwrt x, y",
    DECL "L = sum(max(A*x, a)) + sum(min(c, x))\nwrt A, x, a, c",
    DECL "L = sum(max(0, 1 - y.*(M'*u)))\nwrt u, M",
    DECL "L = w'*clip(x, -0.5, 0.5) + sum(clip(X, a, c))\nwrt x, X, a, c",
    DECL "L = max(x) + min(A*x) + 2*max(X) + w'*ismax(x) + w'*ismin(x)\nwrt x, A, X",
    /* along an axis */
    DECL "L = sum(sum(X, 1).^2) + w'*sum(X, 2).^2 + sum(sum(x, 1)) + sum(sum(x', 2))\nwrt X, x",
    DECL "L = sum(mean(X, 1).^2) + w'*mean(X, 2).^3 + mean(x, 2)'*w\nwrt X, x",
    DECL "L = sum(norm2(X, 1)) + w'*norm2(X, 2) + sum(norm(X, 1)) + w'*norm(X, 2)\nwrt X",
    DECL "L = sum(Y .* softmax(X, 2)) + sum(Y .* logsoftmax(X, 2)) + w'*logsumexp(X, 2)\nwrt X",
    DECL "L = sum(Y .* softmax(X, 1)) + sum(logsumexp(X, 1)) + sum(W.*softmax(A*B'/2, 2))\n"
         "W : matrix(n, n)\nwrt X, A, B",
    /* the constant pi */
    DECL "L = pi*w'*sin(pi*x) + sum(x)/pi + a*pi\nwrt x, a",
    /* indexing and blocks: each adjoint is a placement (a block) */
    "x : vector(5)\nA : matrix(4, 3)\nw : vector(4)\nL = x(2)^3 + sum(exp(x(2:end))) + "
    "w'*A(:, 2) + A(3, 1)*x(end-1) + sum(A(2:3, :).^2)\nwrt x, A",
    "h : vector(3)\nu : vector(2)\nW : matrix(4, 5)\nV : matrix(4, 2)\na : scalar\n"
    "L = sum(tanh(W*[h; u])) + sum([W, V].^2) + sum(exp([a; u; a]))\nwrt h, u, W, V, a",
    "X : matrix(n, 3)\nw : vector(4)\ny : vector(n)\nL = norm2([X, vector(1)]*w - y) + "
    "sum((X(:, 1:2)'*y)(2).^2)\nwrt X, w",
    /* vec, unvec and kron: the adjoints of vec and unvec reshape, kron's
     * are block sums */
    "X : matrix(2, 3)\nB : matrix(3, 2)\nw : vector(6)\nv : vector(6)\n"
    "L = w'*vec(X*B*X) + sum(exp(unvec(v, 3))) + norm2(unvec(vec(X), 3))\nwrt X, B, w, v",
    "A : matrix(2, 3)\nB : matrix(2, 2)\nC : matrix(6, 4)\nL = sum(sin(kron(A, B).*C')) + "
    "tr(kron(A*A', B)) + sum(kron(vec(B), A)) + sum(kron(eye(2), B)*C(1:4, :))\nwrt A, B, C",
    /* shared nodes: the adjoint sums over every use */
    DECL "h = tanh(A*x)\nL = h'*h + w'*h + sum(exp(h))\nwrt A, x",
    "S : symmetric(n)\nx : vector(n)\nL = x'*S*x + tr(S*S)\nwrt S, x",
};

#define N_PROGRAMS (sizeof programs / sizeof *programs)

START_TEST(rule_verifies)
{
    double worst = 1;
    int st = t_verify(programs[_i], &worst);
    ck_assert_msg(st == 0, "status %d for:\n%s", st, programs[_i]);
    ck_assert_msg(worst < 1e-30, "relative error %g for:\n%s", worst, programs[_i]);
}
END_TEST

/* The ops of a program's objective DAG, marked in seen[]. */
static void mark_ops(const char *program, unsigned char *seen)
{
    nd_source src = { .name = "<test>", .text = program, .len = strlen(program) };
    nd_ctx *ctx = run_new(&src);
    ast_program tree = { 0 };
    nd_prog prog;
    DIAG_TRY(ctx, jb) {
        parse_source(ctx, &src, PARSE_PROGRAM, &tree, NULL);
        elab_program(ctx, &tree, NULL, &prog);
        for (uint32_t i = 0; i < ctx->dag->n_nodes; i++)
            seen[ctx->dag->nodes[i]->op] = 1;
        prog_free(&prog);
    } else {
        ck_abort_msg("%s", sb_str(&ctx->err->diag));
    }
    DIAG_END_TRY(ctx, jb);
    run_free(ctx);
}

START_TEST(every_operator_is_exercised)
{
    unsigned char seen[OP__COUNT] = { 0 };
    for (size_t i = 0; i < N_PROGRAMS; i++)
        mark_ops(programs[i], seen);
    seen[OP_SYM] = 1;       /* symbols only stand for adjoints in --steps */
    for (int op = 0; op < OP__COUNT; op++)
        ck_assert_msg(seen[op], "no rule test uses operator '%s'", ops_table[op].name);
}
END_TEST

/* A wrong rule must be caught: a deliberately wrong answer fails --check,
 * and --verify's own machinery rejects a gradient off by a factor. */
/* arcsin + arccos is constant: the gradient is 0 and the differences are
 * rounding noise, which must not count as an error. */
START_TEST(zero_gradient_verifies)
{
    double worst = 1;
    ck_assert_int_eq(t_verify("w, x : vector(n)\nL = w'*arcsin(0.5*x) + w'*arccos(0.5*x)\n"
                              "wrt x", &worst), 0);
    ck_assert(worst < 1e-20);
}
END_TEST

/* How verify_corrupted spoils the gradient. */
enum corruption { SCALED, TRANSPOSED, MASKED, INTACT };

/* The ops and the binding `mask` of a program: a gradient off by a
 * transpose, a factor 101/100, or mask/100 (a few wrong entries). */
static int verify_corrupted(const char *program, enum corruption how)
{
    nd_source src = { .name = "<test>", .text = program, .len = strlen(program) };
    nd_ctx *ctx = run_new(&src);
    ast_program tree = { 0 };
    nd_prog prog;
    int st = -1;
    DIAG_TRY(ctx, jb) {
        parse_source(ctx, &src, PARSE_PROGRAM, &tree, NULL);
        elab_program(ctx, &tree, NULL, &prog);
        nd_node *g, *f = ctx->scope->binds[prog.objective].node;
        derive_gradients(ctx, f, prog.wrt, 1, &g);
        if (how == TRANSPOSED)
            g = mk_transpose(ctx, g);
        else if (how == SCALED)
            g = mk_scale_si(ctx, 101, 100, g);
        else if (how == MASKED)
            g = mk_add2(ctx, g, mk_scale_si(ctx, 1, 100, ctx->scope->binds[0].node));
        verify_opts o;
        verify_defaults(&o);
        verify_err err;
        st = verify_gradients(ctx, f, prog.wrt, &g, 1, &o, &err);
        prog_free(&prog);
    }
    DIAG_END_TRY(ctx, jb);
    run_free(ctx);
    return st;
}

START_TEST(verify_rejects_wrong_gradients)
{
    const char *p = "A : matrix(n, n)\nx, y : vector(n)\nL = x'*A*y\nwrt A";
    ck_assert_int_eq(verify_corrupted(p, TRANSPOSED), 1);
    ck_assert_int_eq(verify_corrupted(p, SCALED), 1);
    ck_assert_int_eq(verify_corrupted(p, INTACT), 0);
}
END_TEST

/* Directional differences still see a few wrong entries among 6400: mask
 * is 1 where A > 0.999 (about 3 entries a point), else 0. */
START_TEST(verify_rejects_few_wrong_entries)
{
    const char *p = "A : matrix(80, 80)\nx, y : vector(80)\nmask = step(A - 0.999)\n"
                    "L = x'*A*y\nwrt A";
    ck_assert_int_eq(verify_corrupted(p, MASKED), 1);
    ck_assert_int_eq(verify_corrupted(p, INTACT), 0);
}
END_TEST

/* Beyond double range (2^1100 ~ 1e331) a double comparison gave inf/inf
 * = NaN, which passed as an error of 0. */
START_TEST(verify_compares_huge_values)
{
    const char *p = "x : vector(n)\nL = 2^1100*sum(exp(x))";
    ck_assert_int_eq(verify_corrupted(p, SCALED), 1);
    double worst = 1;
    ck_assert_int_eq(t_verify(p, &worst), 0);
    ck_assert(worst < 1e-30);
    ck_assert_int_eq(t_check(p, "2^1100*exp(x)"), 0);
    ck_assert_int_eq(t_check(p, "2^1101*exp(x)"), 1);
    /* a difference inside double range over values outside it: was "equivalent" */
    ck_assert_int_eq(t_check(p, "2^1100*exp(x) + 2^1010*x"), 1);
}
END_TEST

/* The noise floors scale with the objective: max(1, |f|) 2^(-p/3) (and a
 * fixed 1e-60 in --check) took every gradient of a 1e-100 objective for
 * rounding noise, a wrong one included. */
START_TEST(verify_scales_with_the_objective)
{
    const char *p = "x : vector(n)\nL = 1e-100*sum(exp(x))";
    ck_assert_int_eq(verify_corrupted(p, SCALED), 1);
    ck_assert_int_eq(verify_corrupted(p, INTACT), 0);
    ck_assert_int_eq(t_check(p, "1e-100*exp(x)"), 0);
    ck_assert_int_eq(t_check(p, "2e-100*exp(x)"), 1);
}
END_TEST

/* Objectives that cancel to 0 (their gradients are rounding noise) still
 * verify: there the floor keeps the unit scale of the random values. */
START_TEST(verify_zero_objectives)
{
    static const char *const zeros[] = {
        "x : vector(n)\nL = sum(tanh(x)) - sum(2*sigmoid(2*x) - 1)",
        "x : vector(n)\nL = sum(sqrt(x.^2)) - norm1(x)",
        "x : vector(n)\nL = sum(exp(log(x.^2))) - norm2(x)",
    };
    for (int i = 0; i < 3; i++) {
        double worst = 1;
        ck_assert_msg(t_verify(zeros[i], &worst) == 0, "%s", zeros[i]);
        ck_assert(worst < 1e-20);
    }
}
END_TEST

/* At 64 bits rounding alone exceeds 1e-30: --check's threshold follows
 * the precision there (an identity was "not equivalent", 5.45e-20). */
START_TEST(check_low_precision)
{
    const char *p = "x : vector(n)\nL = sum(tanh(x))";
    nd_config cfg = { .precision = 64 };
    nd_session *s = nd_open("<test>", p, strlen(p), &cfg);
    char *out = NULL;
    ck_assert_int_eq(nd_check(s, "4*sigmoid(2*x).*(1 - sigmoid(2*x))", &out), 0);
    nd_free(out);
    out = NULL;
    ck_assert_int_eq(nd_check(s, "4*sigmoid(2*x).*(1 - sigmoid(x))", &out), 1);
    nd_free(out);
    nd_close(s);
}
END_TEST

/* exp nested 200 deep overflows MPFR at every point: said so, status 2. */
START_TEST(verify_reports_overflow)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "x : vector(n)\nL = ");
    for (int i = 0; i < 200; i++)
        sb_puts(&b, "exp(");
    sb_puts(&b, "sum(x)");
    for (int i = 0; i < 200; i++)
        sb_puts(&b, ")");
    nd_session *s = nd_open("<test>", sb_str(&b), b.len, NULL);
    char *report = NULL;
    double worst;
    ck_assert_int_eq(nd_status(s) ? nd_status(s) : nd_verify(s, &report, &worst), 2);
    ck_assert_msg(strstr(nd_diagnostics(s), "'exp' overflows the evaluator's range"),
                  "%s", nd_diagnostics(s));
    nd_free(report);
    nd_close(s);
    sb_free(&b);
}
END_TEST

/* The library gets the bounds of --precision too (100000 bits ran 40 s). */
START_TEST(verify_refuses_huge_precision)
{
    const char *p = "x : vector(n)\nL = sum(exp(x))";
    nd_config cfg = { .precision = 100000 };
    nd_session *s = nd_open("<test>", p, strlen(p), &cfg);
    char *out = NULL;
    double worst;
    ck_assert_int_eq(nd_verify(s, &out, &worst), 2);
    nd_free(out);
    out = NULL;
    ck_assert_int_eq(nd_check(s, "exp(x)", &out), 2);
    ck_assert_msg(strstr(nd_diagnostics(s), "the precision must be 64 to 4096 bits"), "%s",
                  nd_diagnostics(s));
    nd_free(out);
    nd_close(s);
}
END_TEST

/* pi is evaluated at the working precision: 21 digits of it are not it. */
START_TEST(pi_is_exact)
{
    const char *p = "x : vector(n)\nL = sum(sin(pi*x))";
    ck_assert_int_eq(t_check(p, "pi*cos(pi*x)"), 0);
    ck_assert_int_eq(t_check(p, "3.14159265358979323846*cos(3.14159265358979323846*x)"), 1);
    ck_assert_int_eq(t_check("x : vector(n)\nL = pi*sum(x)", "vector(pi)"), 0);
}
END_TEST

/* M*vector(1) prints as sum(M, 2), vector(1)'*M as sum(M, 1) and softmax(Z')'
 * as softmax(Z, 2): the printed gradients read back as the gradient
 * (numerically, by --check). */
START_TEST(printed_axis_sums_read_back)
{
    static const char *const axis_programs[][2] = {
        { "X : matrix(n, N)\nW : matrix(m, n)\nb : vector(m)\nL = sum(tanh(W*X + b))\nwrt b",
          "dL/db = sum(1 - tanh(W*X + b).^2, 2)\n" },
        { "X : matrix(n, N)\ng, b : vector(n)\nmu = mean(X, 2)\nC = X - mu\n"
          "L = sum(tanh(g.*C + b).*C)\nwrt g",
          "mu = sum(X, 2)/N\nC = X - mu*vector(1)'\ndL/dg = sum(C.^2.*(1 - tanh(C.*g + b).^2), 2)\n" },
        { "X : matrix(n, N)\nL = sum(X, 2)'*sum(X, 2) + sum(sum(X, 1).^3)\nwrt X",
          "dL/dX = 2*X*matrix(1) + 3*(vector(1)*sum(X, 1).^2)\n" },
        { "X, Y : matrix(n, N)\nL = sum(Y.*logsoftmax(X, 2))\nwrt X",
          "dL/dX = Y - sum(Y, 2).*softmax(X, 2)\n" },
        { "X : matrix(n, N)\nw : vector(n)\nL = w'*logsumexp(X, 2)\nwrt X",
          "dL/dX = softmax(X, 2).*w\n" },
    };
    for (size_t i = 0; i < sizeof axis_programs / sizeof *axis_programs; i++) {
        const char *prog = axis_programs[i][0], *want = axis_programs[i][1];
        char *out = t_emit(prog, ND_TEXT);
        ck_assert_msg(out && !strcmp(out, want), "%s prints\n%s", prog, out ? out : "(error)");
        const char *last = strstr(want, "dL/d");
        char answer[256];
        snprintf(answer, sizeof answer, "%s", strstr(last, " = ") + 3);
        answer[strcspn(answer, "\n")] = 0;
        ck_assert_msg(t_check(prog, answer) == 0, "%s: %s reads back wrong", prog, answer);
        nd_free(out);
    }
    const char *p = "X : matrix(n, N)\nL = sum(sum(X, 2).^2)";   /* the check can fail */
    ck_assert_int_eq(t_check(p, "2*sum(X, 2)*vector(1)'"), 0);
    ck_assert_int_eq(t_check(p, "2*vector(1)*sum(X, 1)"), 1);
}
END_TEST

START_TEST(verify_can_fail)
{
    ck_assert_int_eq(t_check("x : vector(n)\nL = x'*x", "x"), 1);
    ck_assert_int_eq(t_check("x : vector(n)\nL = x'*x", "2*x"), 0);
}
END_TEST

Suite *suite_rules(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("verify");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, rule_verifies, 0, (int)N_PROGRAMS);
    tcase_add_test(tc, every_operator_is_exercised);
    tcase_add_test(tc, zero_gradient_verifies);
    tcase_add_test(tc, verify_can_fail);
    tcase_add_test(tc, pi_is_exact);
    tcase_add_test(tc, printed_axis_sums_read_back);
    tcase_add_test(tc, verify_rejects_wrong_gradients);
    tcase_add_test(tc, verify_rejects_few_wrong_entries);
    tcase_add_test(tc, verify_compares_huge_values);
    tcase_add_test(tc, verify_reports_overflow);
    tcase_add_test(tc, verify_scales_with_the_objective);
    tcase_add_test(tc, verify_zero_objectives);
    tcase_add_test(tc, check_low_precision);
    tcase_add_test(tc, verify_refuses_huge_precision);
    suite_add_tcase(s, tc);
    return s;
}
