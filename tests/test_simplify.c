/* test_simplify.c: simplification never changes a value.
 *
 * The smart constructors rewrite every node as it is built, so comparing
 * two programs that both go through them could not catch a wrong rewrite.
 * Instead each program's value is compared with tests/refeval.c, a plain
 * double-precision interpreter of the parse tree that rewrites nothing:
 * hundreds of random programs, and one program per basic rewrite whose
 * printed gradient is also checked. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "mk.h"
#include "ops.h"
#include "randprog.h"
#include "scope.h"
#include "shape.h"
#include "refeval.h"
#include "verify.h"

/* The objective's value in the engine (MPFR over the DAG) and in the
 * reference interpreter at a few random points; fails on a difference. */
static void compare_with_reference(const char *program, int points)
{
    t_internal t;
    t_internal_open(&t, program);
    nd_ctx *ctx = t.ctx;
    nd_node *f = ctx->scope->binds[t.prog.objective].node;
    nd_evalenv *env = eval_new(ctx, 128);
    nd_rng rng = { 99 };
    for (int p = 0; p < points; p++) {
        if (verify_instance(env, &rng, &f, 1, 40) != EV_OK)
            continue;   /* the engine found no point in the domain */
        double dag = mpfr_get_d(env->vals[f->id].a[0], MPFR_RNDN), ref;
        if (ref_objective(ctx, &t.prog, env, &ref) != 0 || fabs(ref) > 1e12)
            continue;   /* overflow in double: nothing to compare */
        ck_assert_msg(fabs(dag - ref) <= 1e-8 * fmax(1.0, fabs(ref)),
                      "engine %.17g, reference %.17g for:\n%s", dag, ref, program);
    }
    eval_free(env);
    t_internal_free(&t);
}

#define N_RANDOM 300
#define N_RANDOM_VERIFY 40

START_TEST(random_programs_match_reference)
{
    strbuf b;
    sb_init(&b);
    randprog((uint64_t)_i + 1, 3, &b);
    compare_with_reference(sb_str(&b), 2);
    sb_free(&b);
}
END_TEST

START_TEST(random_programs_verify)
{
    strbuf b;
    sb_init(&b);
    randprog((uint64_t)_i + 1000, 3, &b);
    double worst = 1;
    int st = t_verify(sb_str(&b), &worst);
    ck_assert_msg(st == 0 && worst < 1e-25, "status %d, error %g for:\n%s", st, worst,
                  sb_str(&b));
    sb_free(&b);
}
END_TEST

/* Each basic rewrite: the program, its printed gradient. */
struct rewrite {
    const char *what, *program, *gradient;
};

#define D "x, y, w, v : vector(n)\nA, B : matrix(n, n)\na, c : scalar\n"

static const struct rewrite rewrites[] = {
    { "exact folding", D "L = (2 + 3)*x'*x/4\nwrt x", "dL/dx = 5*x/2\n" },
    { "rationals stay exact", D "L = (1/3)*3*sum(x)\nwrt x", "dL/dx = vector(1)\n" },
    { "0 and 1", D "L = 0*sum(x) + 1*x'*y + sum(x - x)\nwrt x", "dL/dx = y\n" },
    { "double transpose", D "L = x'''*y\nwrt x", "dL/dx = y\n" },
    { "transpose of a product", D "L = w'*(A*B)'*v\nwrt w", "dL/dw = B'*A'*v\n" },
    { "transpose of a sum", D "L = w'*(A + B)'*v\nwrt w", "dL/dw = (A + B)'*v\n" },
    { "scalars in front", D "L = x'*(2*A)*y*3\nwrt x", "dL/dx = 6*A*y\n" },
    { "like terms", D "L = x'*A*x + x'*A'*x\nwrt x", "dL/dx = 2*(A' + A)*x\n" },
    { "x + x", D "L = sum(exp(x + x))\nwrt x", "dL/dx = 2*exp(2*x)\n" },
    { "x .* x is a power", D "L = sum(x .* x .* x)\nwrt x", "dL/dx = 3*x.^2\n" },
    { "A*inv(A)", D "L = w'*A*inv(A)*v + a\nwrt w", "dL/dw = v\n" },
    { "negated difference", D "L = -(a - c)*c\nwrt a", "dL/da = -c\n" },
    { "scalar powers merge", D "L = a*a*a/a\nwrt a", "dL/da = 2*a\n" },
    { "division", D "L = log(a)/c\nwrt a", "dL/da = 1/(a*c)\n" },
    { "elementwise division", D "L = sum(log(x))\nwrt x", "dL/dx = 1./x\n" },
    { "folded functions", D "L = exp(0)*sum(x) + sigmoid(0)*a + log(1)\nwrt x, a",
      "dL/dx = vector(1)\ndL/da = 0.5\n" },
    { "trace of an outer product", D "L = tr(x*y')\nwrt x", "dL/dx = y\n" },
    { "linear reductions", D "L = sum(3*A') + tr(2*A)\nwrt A", "dL/dA = 2*eye(n) + 3\n" },
    { "symmetric: S' = S", D "S : symmetric(n)\nL = x'*S*y + y'*S'*x\nwrt x", "dL/dx = 2*S*y\n" },
    { "structural symmetry: inv(X*X')' = inv(X*X')", "X : matrix(n, k)\nL = logdet(X*X')\nwrt X",
      "dL/dX = 2*inv(X*X')*X\n" },
    { "factor on the left", D "L = x'*A*y + w'*A*v\nwrt A", "dL/dA = x*y' + w*v'\n" },
    { "factor on the right", D "L = x'*A*x + x'*A'*x\nwrt x", "dL/dx = 2*(A' + A)*x\n" },
    { "factor a scalar", D "L = a*x'*y + a*sum(exp(x))\nwrt x", "dL/dx = a*(exp(x) + y)\n" },
    { "factor a coefficient", D "L = 2*x'*y - 2*sum(exp(x))\nwrt x", "dL/dx = 2*(y - exp(x))\n" },
    { "distribute when it cancels", D "L = -y'*log(softmax(x))\nwrt x",
      "dL/dx = sum(y)*softmax(x) - y\n" },
    { "inverse of a product expands", D "L = det(A*B*A)\nwrt B",
      "L = det(A*B*A)\ndL/dB = L*inv(B)'\n" },
    { "powers in a chain", D "L = tr(A^3)\nwrt A", "dL/dA = 3*(A^2)'\n" },
    { "powers cancel", D "L = det(A^3)\nwrt A", "L = det(A^3)\ndL/dA = 3*L*inv(A)'\n" },
    { "transposes pulled out", "h, x : vector(n)\nW : matrix(n, n)\nL = h'*tanh(W'*x)\nwrt W",
      "dL/dW = x*(h.*(1 - tanh(W'*x).^2))'\n" },
    { "ones times a row is a broadcast", D "L = sum(exp(vector(1)*x' + A))\nwrt A",
      "dL/dA = exp(x' + A)\n" },
    { "broadcast scalars multiply", D "M : matrix(m, n)\nL = sum(M*(x + A))\nwrt x",
      "dL/dx = n*sum(M', 2)\n" },
    /* the numerically safe forms of log */
    { "log(softmax(z)) = logsoftmax(z)", D "L = w'*log(softmax(x))\nwrt w", "dL/dw = logsoftmax(x)\n" },
    { "log(sigmoid(z)) = -softplus(-z)", D "L = w'*log(sigmoid(x))\nwrt w", "dL/dw = -softplus(-x)\n" },
    { "log(1 - sigmoid(z)) = -softplus(z)", D "L = w'*log(1 - sigmoid(x))\nwrt w",
      "dL/dw = -softplus(x)\n" },
    { "log(1 + exp(z)) = softplus(z)", D "L = w'*log(exp(x) + 1)\nwrt w", "dL/dw = softplus(x)\n" },
    { "log(sum(exp(z))) = logsumexp(z)", D "L = a*log(sum(exp(x)))\nwrt a",
      "dL/da = logsumexp(x)\n" },
    { "log(sum(exp(z'))) = logsumexp(z)", D "L = a*log(sum(exp(x')))\nwrt a",
      "dL/da = logsumexp(x)\n" },
    { "log(sum(exp(Z))): columns, then across them", D "L = a*log(sum(exp(A)))\nwrt a",
      "dL/da = logsumexp(logsumexp(A)')\n" },
    /* a label's sum is 1 wherever it occurs, scaled or not */
    { "hand-written cross-entropy, onehot label", "z : vector(n)\ny : onehot(n)\n"
      "L = -sum(y .* log(softmax(z)))\nwrt z", "dL/dz = softmax(z) - y\n" },
    { "batch cross-entropy, onehot labels", "Z : matrix(C, N)\nY : onehot(C, N)\n"
      "L = -sum(Y .* logsoftmax(Z))/N\nwrt Z", "dL/dZ = (softmax(Z) - Y)/N\n" },
    { "softmax's columns sum to 1", D "L = sum(softmax(A)) + a*sum(softmax(x))\nwrt A, x",
      "dL/dA = matrix(0)\ndL/dx = vector(0)\n" },
    /* piecewise and structural identities */
    { "sum(eye(n).*A) = tr(A)", D "L = a*sum(eye(n).*A)\nwrt a", "dL/da = tr(A)\n" },
    { "diag(vector(c)) = c*eye(n)", D "L = tr(diag(vector(a))*A)\nwrt A", "dL/dA = a*eye(n)\n" },
    { "diag(vector(1)) = eye(n)", D "L = x'*diag(vector(1))*y\nwrt x", "dL/dx = y\n" },
    { "relu(t).*step(t) = relu(t)", "h : vector(n)\nW : matrix(n, n)\n"
      "L = h'*(relu(W*h).*step(W*h))\nwrt h", "dL/dh = relu(W*h) + W'*(h.*step(W*h))\n" },
    { "a mask: M.*M = M", "M : mask(n, k)\nX : matrix(n, k)\nL = sum(M.*M.*X)\nwrt X",
      "dL/dX = M\n" },
    { "a mask: M.^3 = M, and the gradient of a masked loss", "M : mask(n, k)\n"
      "X, Y : matrix(n, k)\nL = 0.5*norm2(M.*(X - Y)) + sum(M.^3.*X)\nwrt X",
      "dL/dX = M.*(X - Y) + M\n" },
    { "sign(u)*u = abs(u): log(abs(det(X)))", D "L = log(abs(det(A)))\nwrt A",
      "dL/dA = inv(A)'\n" },
    { "sinh(u)./cosh(u) = tanh(u): the log-cosh loss", "X : matrix(N, d)\nw : vector(d)\n"
      "y : vector(N)\nL = sum(log(cosh(X*w - y)))\nwrt w", "dL/dw = X'*tanh(X*w - y)\n" },
    { "sin(u)./cos(u) = tan(u), of a vector and of a scalar", D
      "L = w'*log(cos(x)) + c*log(cos(a)) + log(cosh(c))\nwrt x, a, c",
      "dL/dx = -w.*tan(x)\ndL/da = -c*tan(a)\ndL/dc = tanh(c) + log(cos(a))\n" },
    { "a matrix power is no quotient: sin(X).*cos(X)^2", "X, Y : matrix(n, n)\n"
      "L = sum(sin(X).*cos(X)^2.*Y) + sum(sin(X).*inv(cos(X)).*Y)\nwrt Y",
      "dL/dY = cos(X)^2.*sin(X) + sin(X).*inv(cos(X))\n" },
    /* products of sums multiplied out when something cancels */
    { "rational function of p cancels", D "p = sigmoid(a)\nL = p*(-c/p - (c - 1)/(1 - p))*(1 - p)\nwrt c",
      "dL/dc = -1\n" },
    { "logistic loss: p - y", "w, x : vector(n)\ny : scalar\np = sigmoid(w'*x)\n"
      "L = -y*log(p) - (1 - y)*log(1 - p)\nwrt w", "p = sigmoid(w'*x)\ndL/dw = (p - y)*x\n" },
    { "batch logistic loss: X'*(p - y)", "X : matrix(N, D)\nw : vector(D)\ny : vector(N)\n"
      "p = sigmoid(X*w)\nL = -sum(y.*log(p) + (1 - y).*log(1 - p))/N\nwrt w",
      "p = sigmoid(X*w)\ndL/dw = X'*(p - y)/N\n" },
    /* quotients of norms cancel: a power of a scalar product is a product of powers */
    { "cosine similarity", D "L = x'*y/(norm(x)*norm(y))\nwrt x",
      "dL/dx = y/(norm(x)*norm(y)) - (x'*y)*x/(norm(x)^3*norm(y))\n" },
    { "(a*b)^k = a^k*b^k for scalars", D "L = c/(a*norm(x))^2\nwrt c", "dL/dc = 1/(norm(x)^2*a^2)\n" },
    { "(a.*b).^k = a.^k.*b.^k: KL divergence written out", "z : vector(n)\np : simplex(n)\n"
      "L = sum(p.*log(p./softmax(z)))\nwrt z", "dL/dz = softmax(z) - p\n" },
    { "sum(u + v) = sum(u) + sum(v): label smoothing", "z : vector(C)\ny : onehot(C)\na : scalar\n"
      "L = -sum(((1 - a)*y + a/C).*logsoftmax(z))\nwrt z", "dL/dz = softmax(z) - a/C - (1 - a)*y\n" },
    { "sum(u + v) of a simplex", "z : vector(n)\np : simplex(n)\n"
      "L = -sum((p + 1/n).*logsoftmax(z))/2\nwrt z", "dL/dz = softmax(z) - (1/n + p)/2\n" },
    /* the program's own names (issue 10) */
    { "sigmoid(-u) = 1 - p for a named p = sigmoid(u)", "z, y : vector(n)\np = sigmoid(z)\n"
      "L = sum(y.*log(p))\nwrt z", "p = sigmoid(z)\ndL/dz = y.*(1 - p)\n" },
    { "softplus(-u) = -log(p) for a named p = sigmoid(u)", "z, w : vector(n)\np = sigmoid(z)\n"
      "L = sum(w.*log(p).^2)\nwrt w", "p = sigmoid(z)\ndL/dw = log(p).^2\n" },
    { "x.^a.*x = x.^(a + 1)", "x, y : vector(n)\nc : scalar\nq = exp(x)\nL = sum(y.*q.^c)\nwrt x",
      "q = exp(x)\ndL/dx = c*(y.*q.^c)\n" },
    { "focal loss: both, and x.^a.*x.^b inside a scaled product", "z, y : vector(n)\ng : scalar\n"
      "p = sigmoid(z)\nL = -sum(y.*(1 - p).^g.*log(p))\nwrt z",
      "p = sigmoid(z)\ndL/dz = g*(p.*y.*(1 - p).^g.*log(p)) - y.*(1 - p).^(g + 1)\n" },
    /* named products absorbed (issue 10): Xhat = C./s inside C.*u./s.^3 */
    { "a named product: X.*r.^2 = Z.*r for Z = X.*r", "X, G : matrix(n, N)\nr : vector(n)\n"
      "Z = X.*r\nL = sum(sum(G.*X, 2).*r.^2)\nwrt G", "Z = X.*r\ndL/dG = Z.*r\n" },
    { "a row sum takes a per-row factor: batch norm in Xhat", "X, W : matrix(n, N)\ng, b : vector(n)\n"
      "mu = mean(X, 2)\nC = X - mu\nv = mean(C.^2, 2)\ns = sqrt(v + 1e-5)\nXhat = C./s\n"
      "Y = g.*Xhat + b\nL = sum(W.*Y)\nwrt X",
      "mu = sum(X, 2)/N\nC = X - mu*vector(1)'\nv = sum(C.^2, 2)/N\ns = sqrt(v + 1e-5)\n"
      "Xhat = C./s\nt1 = Xhat.*(sum(Xhat.*W.*g, 2)./s)\n"
      "dL/dX = W.*g./s + ((t1/N - W.*g./s)*matrix(1) - t1)/N\n" },
    { "batch norm with sqrt(v + eps) unnamed", "X, W : matrix(n, N)\ng, b : vector(n)\n"
      "mu = mean(X, 2)\nv = mean((X - mu).^2, 2)\nXhat = (X - mu)./sqrt(v + 1e-5)\n"
      "L = sum(W.*(g.*Xhat + b))\nwrt g",
      "mu = sum(X, 2)/N\nv = sum((X - mu*vector(1)').^2, 2)/N\n"
      "Xhat = (X - mu*vector(1)')./sqrt(v + 1e-5)\ndL/dg = sum(Xhat.*W, 2)\n" },
    { "an inner product takes a scalar: layer norm in xhat", "x, w, g, b : vector(n)\nmu = mean(x)\n"
      "c = x - mu\nv = mean(c.^2)\ns = sqrt(v + 1e-5)\nxhat = c/s\nL = w'*(g.*xhat + b)\nwrt x",
      "mu = mean(x)\nc = x - mu\nv = mean(c.^2)\ns = sqrt(v + 1e-5)\nxhat = c/s\n"
      "t1 = -((w.*g)'*xhat)*xhat/(s*n)\ndL/dx = (w.*g)/s + t1 - sum((w.*g)/s + t1)/n\n" },
    /* transposes where they read best */
    { "f(u)' = f(u'): exp(a'*W + x')'", "W : matrix(m, n)\na, c : vector(m)\nx : vector(n)\n"
      "L = sum(exp(a'*W + c'*W + x'))\nwrt x", "dL/dx = exp(W'*(a + c) + x)\n" },
    { "a transposed sum echoed whole: (x - y)'*M*(x - y)", D "d = (x - y)'*A*(x - y)\nL = d^2\nwrt A",
      "d = (x - y)'*A*(x - y)\ndL/dA = 2*d*(x - y)*(x - y)'\n" },
    { "r*r' for a named r", D "r = x - y\nL = r'*A*r\nwrt A", "r = x - y\ndL/dA = r*r'\n" },
    { "temporaries", D "L = sum(exp(A*x + y)) + w'*exp(A*x + y)\nwrt x, y",
      "t1 = exp(A*x + y).*(w + 1)\ndL/dx = A'*t1\ndL/dy = t1\n" },
};

#define N_REWRITES (sizeof rewrites / sizeof *rewrites)

START_TEST(rewrite_prints)
{
    const struct rewrite *r = &rewrites[_i];
    char *out = t_emit(r->program, ND_TEXT);
    ck_assert_msg(out != NULL, "%s: error", r->what);
    ck_assert_msg(!strcmp(out, r->gradient), "%s: printed\n%sexpected\n%s", r->what, out,
                  r->gradient);
    nd_free(out);
}
END_TEST

START_TEST(rewrite_keeps_value)
{
    if (!strstr(rewrites[_i].program, ", 2)"))  /* tests/refeval.c has no axis sums */
        compare_with_reference(rewrites[_i].program, 3);
    double worst = 1;
    ck_assert_int_eq(t_verify(rewrites[_i].program, &worst), 0);
}
END_TEST

/* (a.*b).^k = a.^k.*b.^k on construction, against the power node as
 * written, in MPFR at random points (k = 2, -1, -2). */
START_TEST(power_of_elementwise_product_keeps_value)
{
    t_internal t;
    t_internal_open(&t, "x, y : vector(n)\nL = sum(x) + sum(y)");
    nd_ctx *ctx = t.ctx;
    nd_node *x = ctx->scope->vars[0].node, *y = ctx->scope->vars[1].node;
    nd_node *prod = mk_emul(ctx, mk_fn(ctx, OP_EXP, x), mk_emul(ctx, y, mk_fn(ctx, OP_TANH, y)));
    static const long ks[] = { 2, -1, -2 };
    for (int i = 0; i < 3; i++) {
        nd_node *kids[2] = { prod, mk_int(ctx, ks[i]) };
        nd_node *roots[2] = { expr_node(ctx, OP_EPOW, prod->shape, kids, 2),
                              mk_pow(ctx, prod, kids[1]) };
        ck_assert_int_eq(roots[1]->op, OP_EMUL);
        nd_evalenv *env = eval_new(ctx, 256);
        nd_rng rng = { 17 + (uint64_t)i };
        for (int p = 0; p < 4; p++) {
            ck_assert_int_eq(verify_instance(env, &rng, roots, 2, 40), EV_OK);
            nd_mat *a = &env->vals[roots[0]->id], *b = &env->vals[roots[1]->id];
            ck_assert_uint_eq(mat_len(a), mat_len(b));
            for (size_t e = 0; e < mat_len(a); e++) {
                double u = mpfr_get_d(a->a[e], MPFR_RNDN), v = mpfr_get_d(b->a[e], MPFR_RNDN);
                ck_assert_msg(fabs(u - v) <= 1e-30 * fmax(1.0, fabs(u)),
                              "k = %ld: %.17g against %.17g", ks[i], u, v);
            }
        }
        eval_free(env);
    }
    t_internal_free(&t);
}
END_TEST

/* Each rewrite's printed gradient, read back through --check-file, is
 * the derived one (at random points): the presentation changes no value. */
START_TEST(rewrite_reads_back)
{
    char *why = NULL;
    int st = t_read_back(rewrites[_i].program, ND_TEXT, 0, &why);
    ck_assert_msg(st == 0, "%s: status %d\n%s", rewrites[_i].what, st, why);
    nd_free(why);
}
END_TEST

/* Each fusion of log, before (the log node made as written) and after
 * (through the smart constructors), in MPFR at random points and at points
 * of size 1000, where the written form overflows in double (2048 bits, so
 * that even 1 - sigmoid(1000) = exp(-1000) keeps its digits). */
enum { FUSE_SOFTMAX, FUSE_SOFTMAX_T, FUSE_SIGMOID, FUSE_ONE_MINUS, FUSE_ONE_PLUS, FUSE_SUM,
       FUSE_SUM_ROW, FUSE_SUM_MATRIX, N_FUSIONS };

static nd_node *fusion_arg(nd_ctx *ctx, int which, nd_node *z, nd_node *Z)
{
    switch (which) {
    case FUSE_SOFTMAX: return mk_fn(ctx, OP_SOFTMAX, z);
    case FUSE_SOFTMAX_T: return mk_transpose(ctx, mk_fn(ctx, OP_SOFTMAX, Z));
    case FUSE_SIGMOID: return mk_fn(ctx, OP_SIGMOID, z);
    case FUSE_ONE_MINUS: return mk_sub(ctx, mk_ones(ctx, z->shape), mk_fn(ctx, OP_SIGMOID, z));
    case FUSE_ONE_PLUS: return mk_add2(ctx, mk_fn(ctx, OP_EXP, z), mk_ones(ctx, z->shape));
    case FUSE_SUM: return mk_fn(ctx, OP_SUM, mk_fn(ctx, OP_EXP, z));
    case FUSE_SUM_ROW: return mk_fn(ctx, OP_SUM, mk_fn(ctx, OP_EXP, mk_transpose(ctx, z)));
    default: return mk_fn(ctx, OP_SUM, mk_fn(ctx, OP_EXP, Z));
    }
}

START_TEST(log_fusions_keep_value)
{
    t_internal t;
    t_internal_open(&t, "z : vector(n)\nZ : matrix(n, k)\nL = sum(z) + sum(Z)");
    nd_ctx *ctx = t.ctx;
    nd_node *x = fusion_arg(ctx, _i, ctx->scope->vars[0].node, ctx->scope->vars[1].node);
    nd_node *roots[2] = { expr_node(ctx, OP_LOG, x->shape, &x, 1), mk_fn(ctx, OP_LOG, x) };
    nd_node *top = roots[1]->op == OP_TRANSPOSE ? roots[1]->kid[0] : roots[1];
    ck_assert_msg(top->op != OP_LOG, "fusion %d did not apply", _i);
    nd_evalenv *env = eval_new(ctx, 2048);
    nd_rng rng = { 7 + (uint64_t)_i };
    for (int p = 0; p < 8; p++) {
        ck_assert_int_eq(verify_instance(env, &rng, roots, 2, 40), EV_OK);
        if (p >= 4) {   /* entries of +-1000 */
            for (int v = 0; v < 2; v++)
                for (size_t e = 0; e < mat_len(&env->vars[v]); e++)
                    mpfr_set_si(env->vars[v].a[e], (e + (size_t)p) % 3 ? 1000 : -1000, MPFR_RNDN);
            eval_forget(env);
            ck_assert_int_eq(eval_node(env, roots[0]), EV_OK);
            ck_assert_int_eq(eval_node(env, roots[1]), EV_OK);
        }
        nd_mat *a = &env->vals[roots[0]->id], *b = &env->vals[roots[1]->id];
        ck_assert_uint_eq(mat_len(a), mat_len(b));
        for (size_t e = 0; e < mat_len(a); e++) {
            double d = fabs(mpfr_get_d(a->a[e], MPFR_RNDN) - mpfr_get_d(b->a[e], MPFR_RNDN));
            ck_assert_msg(d <= 1e-25 * fmax(1.0, fabs(mpfr_get_d(a->a[e], MPFR_RNDN))),
                          "fusion %d, point %d, entry %zu: %.17g against %.17g", _i, p, e,
                          mpfr_get_d(a->a[e], MPFR_RNDN), mpfr_get_d(b->a[e], MPFR_RNDN));
        }
    }
    eval_free(env);
    t_internal_free(&t);
}
END_TEST

/* diag(vector(c)) = c*eye(n) on construction, against the diag node as
 * written, in MPFR at random points. */
START_TEST(diag_of_filled_keeps_value)
{
    t_internal t;
    t_internal_open(&t, "a : scalar\nx : vector(n)\nL = a + sum(x)");
    nd_ctx *ctx = t.ctx;
    nd_node *x = ctx->scope->vars[1].node, *v = mk_bcast(ctx, ctx->scope->vars[0].node, x->shape);
    nd_shape sq = shape_make(x->shape.rows, x->shape.rows);
    nd_node *roots[2] = { expr_node(ctx, OP_DIAGM, sq, &v, 1), mk_fn(ctx, OP_DIAGM, v) };
    ck_assert_int_ne(roots[1]->op, OP_DIAGM);
    nd_evalenv *env = eval_new(ctx, 128);
    nd_rng rng = { 11 };
    for (int p = 0; p < 4; p++) {
        ck_assert_int_eq(verify_instance(env, &rng, roots, 2, 40), EV_OK);
        nd_mat *a = &env->vals[roots[0]->id], *b = &env->vals[roots[1]->id];
        ck_assert_uint_eq(mat_len(a), mat_len(b));
        for (size_t e = 0; e < mat_len(a); e++)
            ck_assert(mpfr_equal_p(a->a[e], b->a[e]));
    }
    eval_free(env);
    t_internal_free(&t);
}
END_TEST

/* (a*b)^k = a^k*b^k for scalar a and b on construction, against the power
 * node as written, in MPFR at random points (k = 2, -1, -3). */
START_TEST(power_of_scalar_product_keeps_value)
{
    t_internal t;
    t_internal_open(&t, "a : scalar\nx, y : vector(n)\nL = a + sum(x) + sum(y)");
    nd_ctx *ctx = t.ctx;
    nd_node *prod = mk_mul3(ctx, ctx->scope->vars[0].node, mk_fn(ctx, OP_NORM, ctx->scope->vars[1].node),
                            mk_fn(ctx, OP_NORM, ctx->scope->vars[2].node));
    static const long ks[] = { 2, -1, -3 };
    for (int i = 0; i < 3; i++) {
        nd_node *kids[2] = { prod, mk_int(ctx, ks[i]) };
        nd_node *roots[2] = { expr_node(ctx, OP_EPOW, prod->shape, kids, 2),
                              mk_pow(ctx, prod, kids[1]) };
        ck_assert_int_eq(roots[1]->op, OP_PROD);
        nd_evalenv *env = eval_new(ctx, 256);
        nd_rng rng = { 13 + (uint64_t)i };
        for (int p = 0; p < 4; p++) {
            ck_assert_int_eq(verify_instance(env, &rng, roots, 2, 40), EV_OK);
            double u = mpfr_get_d(env->vals[roots[0]->id].a[0], MPFR_RNDN);
            double v = mpfr_get_d(env->vals[roots[1]->id].a[0], MPFR_RNDN);
            ck_assert_msg(fabs(u - v) <= 1e-30 * fmax(1.0, fabs(u)), "k = %ld: %.17g against %.17g",
                          ks[i], u, v);
        }
        eval_free(env);
    }
    t_internal_free(&t);
}
END_TEST

/* M.*M = M on construction for a mask, against the product as written:
 * equal at the masks --verify draws (entries 0 or 1), and not at entries
 * 1/2, where the rewrite would be wrong: it rests on the declaration. */
START_TEST(mask_square_needs_zero_one)
{
    t_internal t;
    t_internal_open(&t, "M : mask(n, k)\nL = sum(M)");
    nd_ctx *ctx = t.ctx;
    nd_node *m = ctx->scope->vars[0].node, *mm[2] = { m, m };
    nd_node *roots[2] = { expr_node(ctx, OP_EMUL, m->shape, mm, 2), mk_emul(ctx, m, m) };
    ck_assert_ptr_eq(roots[1], m);
    nd_evalenv *env = eval_new(ctx, 128);
    nd_rng rng = { 12 };
    int ones = 0;
    for (int p = 0; p < 4; p++) {
        ck_assert_int_eq(verify_instance(env, &rng, roots, 2, 40), EV_OK);
        nd_mat *a = &env->vals[roots[0]->id], *b = &env->vals[roots[1]->id];
        for (size_t e = 0; e < mat_len(a); e++) {
            ck_assert(mpfr_zero_p(b->a[e]) || mpfr_cmp_ui(b->a[e], 1) == 0);
            ones += mpfr_cmp_ui(b->a[e], 1) == 0;
            ck_assert(mpfr_equal_p(a->a[e], b->a[e]));
        }
    }
    ck_assert_int_gt(ones, 0);
    nd_mat *v = &env->vars[0];
    for (size_t e = 0; e < mat_len(v); e++)
        mpfr_set_d(v->a[e], 0.5, MPFR_RNDN);
    eval_forget(env);
    ck_assert_int_eq(eval_node(env, roots[0]), EV_OK);
    ck_assert_int_eq(eval_node(env, roots[1]), EV_OK);
    ck_assert(!mpfr_equal_p(env->vals[roots[0]->id].a[0], env->vals[roots[1]->id].a[0]));
    eval_free(env);
    t_internal_free(&t);
}
END_TEST

/* The printed gradient parses back to the same value (text mode's
 * contract): each example's output is checked as an answer. */
START_TEST(output_parses_back)
{
    static const char *const programs[] = {
        "examples/autoencoder.nd", "examples/autoencoder_tanh.nd",
        "examples/two_layer_swish.nd", "examples/two_layer_swish_batch.nd",
    };
    const char *argv[] = { "nnderive", programs[_i] };
    t_result r = t_cli(2, argv, NULL);
    ck_assert_int_eq(r.status, 0);
    char path[] = "/tmp/nd_back_XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(r.out, f);
    fclose(f);
    const char *check[] = { "nnderive", programs[_i], "--check-file", path };
    t_result c = t_cli(4, check, NULL);
    ck_assert_msg(c.status == 0, "%s\n%s%s", r.out, c.out, c.err);
    remove(path);
    t_result_free(&r);
    t_result_free(&c);
}
END_TEST

Suite *suite_simplify(void)
{
    Suite *s = suite_create("simplify");
    TCase *tc = tcase_create("simplify");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, random_programs_match_reference, 0, N_RANDOM);
    tcase_add_loop_test(tc, random_programs_verify, 0, N_RANDOM_VERIFY);
    tcase_add_loop_test(tc, rewrite_prints, 0, (int)N_REWRITES);
    tcase_add_loop_test(tc, rewrite_keeps_value, 0, (int)N_REWRITES);
    tcase_add_loop_test(tc, output_parses_back, 0, 4);
    tcase_add_loop_test(tc, log_fusions_keep_value, 0, N_FUSIONS);
    tcase_add_test(tc, diag_of_filled_keeps_value);
    tcase_add_test(tc, power_of_scalar_product_keeps_value);
    tcase_add_test(tc, power_of_elementwise_product_keeps_value);
    tcase_add_loop_test(tc, rewrite_reads_back, 0, (int)N_REWRITES);
    tcase_add_test(tc, mask_square_needs_zero_one);
    suite_add_tcase(s, tc);
    return s;
}
