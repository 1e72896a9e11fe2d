/* test_jacobian.c: --jacobian and --hessian.  Every Jacobian rule checked
 * numerically (each program's Jacobian or Hessian against 256-bit central
 * differences at random points, as test_rules.c does for the gradients;
 * the last of those tests fails when a rule of the table is exercised by
 * none of the programs), the issue's examples through --check and
 * --verify, and wrong blocks caught. */
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "helpers.h"
#include "jacobian.h"
#include "mk.h"
#include "ops.h"
#include "scope.h"

#define DECL "w, x, y, v : vector(n)\nu : vector(m)\nA, B : matrix(n, n)\nM : matrix(m, n)\n" \
             "a, c : scalar\nP : spd(n)\n"

typedef struct jac_case {
    int kind;               /* ND_DERIV_JACOBIAN or ND_DERIV_HESSIAN */
    const char *program;
} jac_case;

/* matrix variables and matrix-valued functions, through vec */
#define MDECL "X, Y : matrix(3, 2)\nA : matrix(3, 3)\nB : matrix(2, 4)\nC : matrix(4, 2)\n" \
              "x : vector(2)\nz : vector(3)\nw : vector(6)\na : scalar\n"

#define J ND_DERIV_JACOBIAN
#define H ND_DERIV_HESSIAN

static const jac_case cases[] = {
    /* arithmetic */
    { J, DECL "f = A*x + y\nwrt x, y" },
    { J, DECL "f = M*exp(x)\nwrt x" },
    { J, DECL "f = x .* y .* x\nwrt x, y" },
    { J, DECL "f = x ./ y\nwrt x, y" },
    { J, DECL "f = x.^3 + exp(x).^a\nwrt x, a" },
    { J, DECL "f = (A*x)' + x'*B\nwrt x" },
    { J, DECL "f = x + a\nwrt x, a" },
    { J, DECL "f = (w'*x)*x + x*(x'*y)\nwrt x" },
    { J, DECL "f = x'*A*x\nwrt x" },
    { J, DECL "f = a*x + a^2*y\nwrt a" },
    { J, DECL "f = (A + a)*y + (A + x)*y + (A + x')*y\nwrt x, a" },
    { J, DECL "f = x*x'*y + w*x'*y\nwrt x" },
    /* matrices in products */
    { J, DECL "f = diag(x)*y + diag(diag(x) + A)\nwrt x" },
    { J, DECL "f = diag(diag(x)*A) + diag(A*diag(x)) + diag(x*w') + diag(exp(x*w') .* A')\n"
              "wrt x" },
    { J, DECL "f = diag(a*x*w' + matrix(a) + x*vector(1)') + diag(vector(1)*x')\nwrt x, a" },
    { J, DECL "f = inv(A + diag(exp(x)))*y\nwrt x" },
    { J, DECL "f = inv(A + diag(x))'*y + (A*diag(x))'*y\nwrt x" },
    { J, DECL "f = (A + diag(x))^3*y\nwrt x" },
    /* networks */
    { J, DECL "f = softmax(A*x)\nwrt x" },
    { J, DECL "f = logsoftmax(x)\nwrt x" },
    /* elementwise functions */
    { J, DECL "f = exp(x) + log(x) + sqrt(x) + abs(x) + sign(x)\nwrt x" },
    { J, DECL "f = sin(x) + cos(x) + tan(x) + arctan(x)\nwrt x" },
    { J, DECL "f = arcsin(0.5*x) + 2*arccos(0.5*x)\nwrt x" },
    { J, DECL "f = tanh(x) + sigmoid(x) + swish(x) + relu(x) + softplus(x) + step(x)\nwrt x" },
    { J, DECL "f = erf(x) + gelu(x)\nwrt x" },
    { J, DECL "f = cosh(x) + sinh(0.5*x)\nwrt x" },
    { J, DECL "f = log1p(x.^2) + log1p(exp(-x))\nwrt x" },
    { H, DECL "L = sum(log(cosh(A*x)))\nwrt x" },
    { H, DECL "f = sum(gelu(A*x)) + w'*erf(x)\nwrt x" },
    /* scalars, through their gradients */
    { J, DECL "f = norm2(x)*y + norm(x)*x + norm1(x)*y + sum(x)*y + mean(x)*y\nwrt x" },
    { J, DECL "f = logsumexp(x)*y + crossentropy(x, y)*y + tr(x*w')*y + det(A + x*x')*y\n"
              "wrt x" },
    /* Hessians */
    { H, DECL "f = x'*A*x\nwrt x" },
    /* blocks and stacks */
    { J, "x : vector(4)\nA : matrix(3, 4)\na : scalar\nf = [exp(x(2:3)); a*x(1); (A*x)(3)]\nwrt x, a" },
    { J, "x : vector(4)\nf = [x(1:2)', sin(x(4))]\nwrt x" },
    { H, "x : vector(4)\nA : matrix(5, 4)\nL = sum(exp(x(2:end))) + norm2([A*x; x(1)])\nwrt x" },
    { H, DECL "f = sum(exp(M*x))\nwrt x" },
    { H, "A : matrix(m, n)\nx : vector(n)\ny : vector(m)\nlam : scalar\ns = sigmoid(A*x)\n"
         "L = -sum(y .* log(s) + (1 - y) .* log(1 - s)) + lam/2*norm2(x)\nwrt x, lam" },
    { H, DECL "f = norm(x) + logsumexp(M*x) + crossentropy(M*x, u)\nwrt x" },
    { H, DECL "f = w'*tanh(A*x) + sum(softplus(x)) + sum(sigmoid(x).^2)\nwrt x" },
    { H, DECL "f = (x'*A*x)^2 + sum(x.^4) + sum(sqrt(x.^2 + a^2))\nwrt x" },
    { H, DECL "f = x'*A*y + a*norm2(x) + sum(exp(x))*sum(y)\nwrt x, y, a" },
    { H, DECL "f = sum(softmax(x).*y) + w'*logsoftmax(x)\nwrt x" },
    { H, DECL "f = w'*inv(A + diag(exp(x)))*y\nwrt x" },
    { H, DECL "f = tr(diag(x)*A*diag(x)) + w'*diag(x)*A*x\nwrt x" },
    /* through vec: J = d vec(F) / d vec(X) */
    { J, MDECL "F = A*X*B\nwrt X" },
    { J, MDECL "F = X'\nwrt X" },
    { J, MDECL "F = exp(X) + X.*Y + sin(Y)\nwrt X, Y" },
    { J, MDECL "F = X.^3 + a*X + X.^a\nwrt X, a" },
    { J, MDECL "F = inv(A + X*X')*z\nwrt X" },
    { J, MDECL "F = inv(A + X*X')\nwrt X" },
    { J, MDECL "F = vec(X*B)\nwrt X" },
    { J, MDECL "F = unvec(w, 3).*Y\nwrt w" },
    { J, MDECL "F = sum(X)*Y + X*x*x' + z*(X*x)'*X\nwrt X, x" },
    { J, MDECL "F = tanh(C*X')\nwrt X" },
    { J, MDECL "F = X'*A*X + a\nwrt X, a" },
    { J, MDECL "f = X'*z + tanh(X'*A*X*x)\nwrt X, x" },
    { J, MDECL "F = A*diag(z)*A' + diag(z)\nwrt z" },
    { J, MDECL "F = exp(X(2:3, :)) + X(1:2, 2)*x'\nwrt X, x" },
    { H, MDECL "L = sum(exp(X(:, 1))) + norm2(X(2:3, :)) + sum(X(3, :).^3)\nwrt X" },
    { J, MDECL "F = kron(X, B) + kron(A*X, x*x'*B)\nwrt X, x" },
    { J, MDECL "F = kron(X', X)*kron(z, x)*a\nwrt X, x, a" },
    { H, MDECL "L = sum(sin(kron(X, Y'*X)))\nwrt X" },
    { H, MDECL "L = tr(X'*A*X)\nwrt X" },
    { H, MDECL "L = 0.5*norm2(A*X - Y)\nwrt X" },
    { H, MDECL "L = sum(exp(A*X)) + logdet(X'*X)\nwrt X" },
    { H, MDECL "L = a*z'*X*x + norm2(X*x) + sum(sigmoid(X).^2)\nwrt X, x, a" },
    { H, MDECL "L = sum(log(1 + exp(X*B)))/a + tr(inv(X'*A*X + eye(2)))\nwrt X, a" },
};

#define N_CASES (sizeof cases / sizeof *cases)

/* nd_verify of the case's derivative: its status, *worst the error. */
static int verify_case(const jac_case *c, int layout, double *worst, char **report)
{
    nd_session *s = nd_open("<test>", c->program, strlen(c->program), NULL);
    int st = nd_status(s);
    if (!st)
        st = nd_set_derivative(s, c->kind | layout);
    if (!st)
        st = nd_verify(s, report, worst);
    else
        *report = NULL;
    if (st == 2)
        fprintf(stderr, "%s", nd_diagnostics(s));
    nd_close(s);
    return st;
}

START_TEST(jacobian_rule_verifies)
{
    double worst = 1;
    char *report;
    int st = verify_case(&cases[_i], 0, &worst, &report);
    ck_assert_msg(st == 0, "status %d for:\n%s\n%s", st, cases[_i].program,
                  report ? report : "");
    ck_assert_msg(worst < 1e-30, "relative error %g for:\n%s", worst, cases[_i].program);
    nd_free(report);
}
END_TEST

/* The other layout: every block transposed, verified as such. */
START_TEST(denominator_layout_verifies)
{
    double worst = 1;
    char *report;
    int st = verify_case(&cases[_i], ND_DERIV_DENOMINATOR, &worst, &report);
    ck_assert_msg(st == 0, "status %d for:\n%s\n%s", st, cases[_i].program,
                  report ? report : "");
    ck_assert_msg(worst < 1e-30, "relative error %g for:\n%s", worst, cases[_i].program);
    nd_free(report);
}
END_TEST

/* The ops the derivation goes through: those of the objective (of the
 * gradient, for a Hessian) that depend on a wrt variable. */
static void mark_ops(const jac_case *c, unsigned char *seen)
{
    t_internal t;
    t_internal_open(&t, c->program);
    nd_ctx *ctx = t.ctx;
    int n = c->kind == ND_DERIV_HESSIAN ? t.prog.n_wrt : 1;
    nd_node **roots = malloc(((size_t)t.prog.n_wrt + 1) * sizeof *roots);
    roots[0] = ctx->scope->binds[t.prog.objective].node;
    if (c->kind == ND_DERIV_HESSIAN)
        derive_gradients(ctx, roots[0], t.prog.wrt, t.prog.n_wrt, roots);
    unsigned char *want = calloc((size_t)ctx->scope->n_vars + 1, 1);
    for (int i = 0; i < t.prog.n_wrt; i++)
        want[t.prog.wrt[i]] = 1;
    unsigned char *reach = calloc(ctx->dag->n_nodes, 1), *dep = calloc(ctx->dag->n_nodes, 1);
    expr_reach(ctx, roots, n, reach);
    expr_depends(ctx, want, dep);
    for (uint32_t id = 0; id < ctx->dag->n_nodes; id++)
        if (reach[id] && dep[id])
            seen[ctx->dag->nodes[id]->op] = 1;
    free(reach);
    free(dep);
    free(want);
    free(roots);
    t_internal_free(&t);
}

START_TEST(every_jacobian_rule_is_exercised)
{
    unsigned char seen[OP__COUNT] = { 0 };
    for (size_t i = 0; i < N_CASES; i++)
        mark_ops(&cases[i], seen);
    for (int op = 0; op < OP__COUNT; op++)
        if (jac_has_rule(op) || ops_table[op].cls == OPC_ELEM)
            ck_assert_msg(seen[op], "no Jacobian test goes through '%s'", ops_table[op].name);
}
END_TEST

/* --verify catches wrong blocks: the Hessian of x'*A*x without A', and a
 * Jacobian transposed. */
static int verify_wrong(const char *program, int kind, int k,
                        nd_node *(*spoil)(nd_ctx *, nd_node *))
{
    t_internal t;
    t_internal_open(&t, program);
    jac_blocks b;
    jac_make_blocks(t.ctx, &t.prog, (enum jac_kind)(kind & 3), &b);    /* an error aborts */
    if (kind & ND_DERIV_DENOMINATOR)
        jac_transpose_blocks(t.ctx, &b);
    ck_assert_int_lt(k, b.n);
    b.expr[k] = spoil(t.ctx, b.expr[k]);
    verify_opts o;
    verify_defaults(&o);
    strbuf out;
    sb_init(&out);
    double worst = 0;
    int st = jac_verify_blocks(t.ctx, &t.prog, (enum jac_kind)(kind & 3), &b, &o, &out, &worst);
    ck_assert_msg(st != 1 || strstr(sb_str(&out), "FAILED"), "%s", sb_str(&out));
    sb_free(&out);
    jac_blocks_free(&b);
    t_internal_free(&t);
    return st;
}

static nd_node *first_term(nd_ctx *ctx, nd_node *e)
{
    (void)ctx;
    return e->op == OP_ADD ? e->kid[0] : e;
}

static nd_node *transposed(nd_ctx *ctx, nd_node *e)
{
    return mk_transpose(ctx, e);
}

static nd_node *doubled(nd_ctx *ctx, nd_node *e)
{
    return mk_scale_si(ctx, 2, 1, e);
}

/* kron(I, M) as kron(M, I): the rule's order of factors swapped */
static nd_node *spoil_kron(nd_ctx *ctx, nd_node *e)
{
    ck_assert_int_eq(e->op, OP_KRON);
    nd_node *k[2] = { e->kid[1], e->kid[0] };
    return mk_call(ctx, OP_KRON, k, 2);
}

START_TEST(verify_rejects_wrong_blocks)
{
    ck_assert_int_eq(verify_wrong(DECL "f = x'*A*x\nwrt x", JAC_HESSIAN, 0, first_term), 1);
    ck_assert_int_eq(verify_wrong(DECL "f = A*exp(x)\nwrt x", JAC_JACOBIAN, 0, transposed), 1);
    ck_assert_int_eq(verify_wrong(DECL "f = sum(exp(M*x))\nwrt x", JAC_HESSIAN, 0, doubled), 1);
    /* the blocks d2f/dx2 = 0, d2f/dx dy = A, d2f/dy2 = 0 */
    ck_assert_int_eq(verify_wrong(DECL "f = x'*A*y\nwrt x, y", JAC_HESSIAN, 1, transposed), 1);
    ck_assert_int_eq(verify_wrong(DECL "f = A*x + M'*u\nwrt x, u", JAC_JACOBIAN, 1, doubled), 1);
    /* in the other layout: the block transposed back is wrong */
    ck_assert_int_eq(verify_wrong(DECL "f = A*exp(x)\nwrt x", JAC_JACOBIAN | ND_DERIV_DENOMINATOR,
                                  0, transposed), 1);
    ck_assert_int_eq(verify_wrong(DECL "f = x'*A*y\nwrt x, y", JAC_HESSIAN | ND_DERIV_DENOMINATOR,
                                  1, transposed), 1);
    ck_assert_int_eq(verify_wrong(DECL "f = x'*A*y\nwrt x, y", JAC_HESSIAN | ND_DERIV_DENOMINATOR,
                                  1, first_term), 0);
    /* and passes the right ones */
    ck_assert_int_eq(verify_wrong(DECL "f = x'*A*y\nwrt x, y", JAC_HESSIAN, 1, first_term), 0);
    /* through vec: kron(B', A) transposed is kron(B, A'), a wrong Jacobian;
     * the Hessian of tr(X'*A*X) without A' */
    ck_assert_int_eq(verify_wrong(MDECL "F = A*X*B*C\nwrt X", JAC_JACOBIAN, 0, transposed), 1);
    ck_assert_int_eq(verify_wrong(MDECL "F = A*X*B*C\nwrt X", JAC_JACOBIAN, 0, doubled), 1);
    ck_assert_int_eq(verify_wrong(MDECL "L = tr(X'*A*X)\nwrt X", JAC_HESSIAN, 0, doubled), 1);
    ck_assert_int_eq(verify_wrong(MDECL "L = tr(X'*A*X)\nwrt X", JAC_HESSIAN, 0, spoil_kron), 1);
    ck_assert_int_eq(verify_wrong(MDECL "F = X'\nwrt X", JAC_JACOBIAN, 0, first_term), 1);
    ck_assert_int_eq(verify_wrong(MDECL "L = a*z'*X*x\nwrt X, x", JAC_HESSIAN, 1, doubled), 1);
    ck_assert_int_eq(verify_wrong(MDECL "L = a*z'*X*x\nwrt X, x", JAC_HESSIAN, 1, first_term), 0);
}
END_TEST

/* The status and verdict of --check ANSWER for the case's derivative. */
static int check_kind(const char *program, int kind, const char *answer, char **verdict)
{
    nd_session *s = nd_open("<test>", program, strlen(program), NULL);
    int st = nd_status(s);
    if (!st)
        st = nd_set_derivative(s, kind);
    *verdict = NULL;
    if (!st)
        st = nd_check(s, answer, verdict);
    nd_close(s);
    return st;
}

static void expect_check(const char *program, int kind, const char *answer, int status,
                         const char *words)
{
    char *v;
    int st = check_kind(program, kind, answer, &v);
    ck_assert_msg(st == status, "status %d for %s:\n%s", st, answer, v ? v : "");
    if (words)
        ck_assert_msg(v && strstr(v, words), "'%s' not in: %s", words, v ? v : "(none)");
    nd_free(v);
}

#define LOGREG "A : matrix(m, n)\nx : vector(n)\ny : vector(m)\nlam : scalar\n" \
               "s = sigmoid(A*x)\nL = -sum(y .* log(s) + (1 - y) .* log(1 - s)) + " \
               "lam/2*norm2(x)\nwrt x"

START_TEST(issue_examples_check)
{
    const char *quad = "A : matrix(n, n)\nx : vector(n)\nf = x'*A*x";
    const char *sexp = "A : matrix(m, n)\nx : vector(n)\nf = sum(exp(A*x))";
    expect_check(quad, H, "A + A'", 0, "equivalent");
    expect_check(quad, H, "2*A", 1, "symmetric");
    expect_check(quad, H, "A", 1, "missing the term `A'`: the Hessian is");
    expect_check(sexp, H, "A'*diag(exp(A*x))*A", 0, NULL);
    expect_check(sexp, H, "2*A'*diag(exp(A*x))*A", 1, "factor 2");
    expect_check(sexp, H, "-A'*diag(exp(A*x))*A", 1, "sign");
    expect_check(sexp, H, "A'*exp(A*x)", 1, "n x 1");
    expect_check(LOGREG, H, "A'*diag(s.*(1 - s))*A + lam*eye(n)", 0, NULL);
    expect_check(LOGREG, H, "A'*diag(s.*(1 - s))*A", 1, "lam*eye(n)");
    const char *aexp = "A : matrix(n, n)\nx : vector(n)\nf = A*exp(x)";
    expect_check(aexp, J, "A*diag(exp(x))", 0, NULL);
    expect_check(aexp, J, "diag(exp(x))*A'", 1, "transpose of the Jacobian");
    expect_check("z : vector(n)\nf = softmax(z)", J,
                 "diag(softmax(z)) - softmax(z)*softmax(z)'", 0, NULL);
    expect_check("W : matrix(m, n)\nx : vector(n)\nb : vector(m)\nh = tanh(W*x + b)\nwrt x", J,
                 "diag(1 - h.^2)*W", 0, NULL);
    expect_check("W : matrix(m, n)\nx : vector(n)\nb : vector(m)\nh = tanh(W*x + b)\nwrt x", J,
                 "diag(1 - h)*W", 1, NULL);
    /* matrices through vec: answers written with kron */
    const char *trq = MDECL "L = tr(X'*A*X)\nwrt X";
    expect_check(trq, H, "kron(eye(2), A + A')", 0, "equivalent");
    expect_check(trq, H, "kron(eye(2), 2*A)", 1, NULL);
    expect_check(trq, H, "kron(A + A', eye(2))", 1, NULL);
    const char *lsq = MDECL "L = 0.5*norm2(A*X - Y)\nwrt X";
    expect_check(lsq, H, "kron(eye(2), A'*A)", 0, NULL);
    expect_check(lsq, H, "kron(eye(2), A*A')", 1, NULL);
    expect_check(MDECL "F = A*X*B\nwrt X", J, "kron(B', A)", 0, NULL);
    expect_check(MDECL "F = A*X*B\nwrt X", J, "kron(A, B')", 1, NULL);
    expect_check(MDECL "F = exp(X)\nwrt X", J, "diag(vec(exp(X)))", 0, NULL);
}
END_TEST

/* The printed forms of the issue's examples (the golden tests show the
 * lines; these pin the expressions). */
static void expect_lines(const char *program, int kind, const char *want)
{
    nd_session *s = nd_open("<test>", program, strlen(program), NULL);
    ck_assert_int_eq(nd_set_derivative(s, kind), 0);
    char *out;
    ck_assert_int_eq(nd_emit(s, ND_TEXT, NULL, &out), 0);
    ck_assert_msg(strstr(out, want), "'%s' not in:\n%s", want, out);
    nd_free(out);
    nd_close(s);
}

START_TEST(issue_examples_print)
{
    expect_lines("A : matrix(n, n)\nx : vector(n)\nf = x'*A*x", H, "d2f/dx2 = A' + A\n");
    expect_lines("A : matrix(m, n)\nx : vector(n)\nf = sum(exp(A*x))", H,
                 "d2f/dx2 = A'*diag(exp(A*x))*A\n");
    expect_lines(LOGREG, H, "d2L/dx2 = lam*eye(n) + A'*diag(s - s.^2)*A\n");
    expect_lines("A : matrix(m, n)\nx : vector(n)\nf = A*exp(x)", J, "df/dx = A*diag(exp(x))\n");
    expect_lines("z : vector(n)\nf = softmax(z)", J, "df/dz = diag(f) - f*f'\n");
    expect_lines("W : matrix(m, n)\nx : vector(n)\nb : vector(m)\nh = tanh(W*x + b)\nwrt x", J,
                 "dh/dx = diag(1 - h.^2)*W\n");
    expect_lines(MDECL "L = tr(X'*A*X)\nwrt X", H, "d2L/dX2 = kron(eye(2), A' + A)\n");
    expect_lines(MDECL "L = 0.5*norm2(A*X - Y)\nwrt X", H, "d2L/dX2 = kron(eye(2), A'*A)\n");
    expect_lines(MDECL "F = A*X*B\nwrt X", J, "dF/dX = kron(B', A)\n");
    expect_lines(MDECL "F = exp(X)\nwrt X", J, "dF/dX = diag(vec(F))\n");
}
END_TEST

/* The printed form reads back as the same Jacobian (with one variable,
 * and no temporaries, which an answer cannot name). */
START_TEST(printed_form_reads_back)
{
    const jac_case *c = &cases[_i];
    nd_session *s = nd_open("<test>", c->program, strlen(c->program), NULL);
    ck_assert_int_eq(nd_set_derivative(s, c->kind), 0);
    char *out;
    ck_assert_int_eq(nd_emit(s, ND_TEXT, NULL, &out), 0);
    const char *line = strstr(out, "\nd");
    line = !strncmp(out, "d", 1) ? out : line ? line + 1 : NULL;
    ck_assert_ptr_nonnull(line);
    const char *rhs = strstr(line, " = ");
    int one_line = !strchr(rhs, '\n') || !strchr(strchr(rhs, '\n') + 1, '\n');
    if (!strstr(out, "t1 = ") && one_line && !strstr(line + 1, "\nd")) {
        char *answer = strdup(rhs + 3);
        answer[strcspn(answer, "\n")] = '\0';
        char *v = NULL;
        int st = nd_check(s, answer, &v);
        ck_assert_msg(st == 0, "%s\nreads back as: %s", out, v ? v : nd_diagnostics(s));
        nd_free(v);
        free(answer);
    }
    nd_free(out);
    nd_close(s);
}
END_TEST

/* What has no rule is an error, never an answer. */
START_TEST(unsupported_is_an_error)
{
    const char *progs[] = {
        DECL "f = diag(A*diag(x)*A)\nwrt x",
        DECL "f = exp(x*w')*y\nwrt x",
        DECL "f = softmax(x')\nwrt x",
        "X : matrix(2, 2)\nA : matrix(65, 1)\nF = kron(A, X)\nwrt X",
        "z : vector(65)\nF = diag(z)\nwrt z",
        "X : matrix(3, 70)\nF = X'\nwrt X",
    };
    for (size_t i = 0; i < sizeof progs / sizeof *progs; i++) {
        nd_session *s = nd_open("<test>", progs[i], strlen(progs[i]), NULL);
        ck_assert_int_eq(nd_set_derivative(s, ND_DERIV_JACOBIAN), 0);
        char *out;
        ck_assert_int_eq(nd_emit(s, ND_TEXT, NULL, &out), 2);
        ck_assert_msg(strstr(nd_diagnostics(s), "is not supported yet"), "%s",
                      nd_diagnostics(s));
        nd_free(out);
        nd_close(s);
    }
}
END_TEST

/* A matrix variable of symbolic size, or declared symmetric, is refused
 * where it is declared (vec needs numbers; a symmetric X's entries are
 * not independent). */
START_TEST(matrix_variable_refused)
{
    const char *progs[] = {
        "X : matrix(n, 2)\nx : vector(2)\nF = X*x\nwrt X",
        "S : symmetric(3)\nL = tr(S*S)\nwrt S",
        "X : matrix(n, m)\nF = exp(X)\nwrt X",
    };
    for (size_t i = 0; i < sizeof progs / sizeof *progs; i++) {
        nd_session *s = nd_open("<test>", progs[i], strlen(progs[i]), NULL);
        ck_assert_int_eq(nd_set_derivative(s, i == 1 ? ND_DERIV_HESSIAN : ND_DERIV_JACOBIAN), 0);
        char *out;
        ck_assert_int_eq(nd_emit(s, ND_TEXT, NULL, &out), 2);
        const char *d = nd_diagnostics(s);
        ck_assert_msg(strstr(d, "a matrix of numeric size that is not declared symmetric") ||
                          strstr(d, "a matrix of symbolic size: --jacobian takes a matrix through vec"),
                      "%s", d);
        nd_free(out);
        nd_close(s);
    }
}
END_TEST

Suite *suite_jacobian(void)
{
    Suite *s = suite_create("jacobian");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, jacobian_rule_verifies, 0, (int)N_CASES);
    tcase_add_loop_test(tc, denominator_layout_verifies, 0, (int)N_CASES);
    tcase_add_loop_test(tc, printed_form_reads_back, 0, (int)N_CASES);
    tcase_add_test(tc, every_jacobian_rule_is_exercised);
    tcase_add_test(tc, verify_rejects_wrong_blocks);
    tcase_add_test(tc, issue_examples_check);
    tcase_add_test(tc, issue_examples_print);
    tcase_add_test(tc, unsupported_is_an_error);
    tcase_add_test(tc, matrix_variable_refused);
    suite_add_tcase(s, tc);
    return s;
}
