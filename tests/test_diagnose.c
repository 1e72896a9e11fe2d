/* test_diagnose.c: the checker's reasons (issue 8).
 *
 * Each wrong answer comes from a source (the Matrix Cookbook, the seed
 * homework, everyday ML losses) with the defect a TA would name: the
 * checker must give that kind of reason, with the words that name it, and
 * when the reason states what would make the answer right (its "fix": the
 * factor divided out, the transpose taken, the edit made), that fix must
 * check as equivalent on its own: the stated defect reproduces the answer.
 * Right answers, however written, never get a reason. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "randprog.h"

#define AE "W : matrix(m, n)\nx : vector(n)\nr = W'*W*x - x\nL = 0.5*norm2(r)\nwrt W\n"
#define AET "W : matrix(m, n)\nx : vector(n)\nh = tanh(W*x)\nxhat = tanh(W'*h)\n" \
            "L = 0.5*norm2(xhat - x)\nwrt W\n"
#define NET_DECL "W1 : matrix(H, D)\nb1 : vector(H)\nW2 : matrix(C, H)\nb2 : vector(C)\n" \
                 "x : vector(D)\n"
#define NET_BODY "z1 = W1*x + b1\nh1 = swish(z1)\nz2 = W2*h1 + b2\nL = crossentropy(z2, y)\n"
#define NET NET_DECL "y : onehot(C)\n" NET_BODY
#define NETV NET_DECL "y : vector(C)\n" NET_BODY
#define SWISHD "(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1)))"
#define SOFTREG "W : matrix(C, D)\nx : vector(D)\ny : onehot(C)\nL = crossentropy(W*x, y)\n"
#define LINREG "X : matrix(N, D)\nw : vector(D)\ny : vector(N)\nL = norm2(X*w - y)/(2*N)\n"
#define LOGREG "X : matrix(N, D)\nw : vector(D)\ny : vector(N)\np = sigmoid(X*w)\n" \
               "L = -sum(y.*log(p) + (1 - y).*log(1 - p))\n"
#define QUAD "A : matrix(n, n)\nx : vector(n)\nL = x'*A*x\n"
#define GAUSS "S : spd(n)\nx, mu : vector(n)\n" \
              "L = 0.5*(x - mu)'*inv(S)*(x - mu) + 0.5*logdet(S)\nwrt mu\n"
#define RNN "W, U : matrix(n, n)\nx1, x2, h0 : vector(n)\nh1 = tanh(W*h0 + U*x1)\n" \
            "h2 = tanh(W*h1 + U*x2)\nL = sum(h2)\n"
#define BIAS "W : matrix(C, D)\nX : matrix(D, N)\nb : vector(C)\nY : matrix(C, N)\n" \
             "Z = W*X + b\nL = 0.5*norm2(Z - Y)\nwrt b\n"
#define BIAS_TANH "W : matrix(C, D)\nX : matrix(D, N)\nb : vector(C)\nZ = W*X + b\n" \
                  "L = sum(tanh(Z))\nwrt b\n"
#define COOK_V "a, b, c, d, x : vector(n)\n"
#define COOK_M "A, B, C, D, X : matrix(n, n)\n"
#define BNORM "X, T : matrix(n, N)\ng, b : vector(n)\nmu = X*vector(1)/N\nXc = X - mu\n" \
              "v = (Xc.^2)*vector(1)/N\nXhat = Xc./sqrt(v + 1e-5)\nYo = g.*Xhat + b\n" \
              "L = 0.5*norm2(Yo - T)\nwrt g\n"

typedef struct wrong {
    const char *source, *program, *wrt, *answer;
    const char *kind;           /* the reason's kind */
    const char *words[3];       /* what its text must say */
} wrong;

static const wrong wrongs[] = {
    /* shapes: a clash inside the answer, mended by one transpose */
    { "seed 3(c)", NET, "b1", "(W2*(softmax(z2) - y)).*" SWISHD, "shape", { "W2'", "right" } },
    { "linear regression", LINREG, "w", "X*(X*w - y)/N", "shape", { "X'", "right" } },
    /* the transpose of the gradient's shape */
    { "seed autoencoder", AE, NULL, "x*r'*W' + r*x'*W'", "transpose", { "transpose" } },
    { "Cookbook (81)", QUAD, "x", "x'*(A + A')", "transpose", { "transpose" } },
    /* a missing outer factor, a missing sum over the batch */
    { "seed 3(c) without x'", NET, "W1", "(W2'*(softmax(z2) - y)).*" SWISHD, "missing-factor",
      { "x'" } },
    { "softmax regression", SOFTREG, "W", "softmax(W*x) - y", "missing-factor", { "x'" } },
    { "bias over a batch", BIAS, NULL, "Z - Y", "batch", { "per example", "vector(1)" } },
    { "tanh bias over a batch", BIAS_TANH, NULL, "1 - tanh(Z).^2", "batch", { "per example" } },
    /* the transpose, same shape */
    { "Cookbook (101)", COOK_M "L = tr(X*A)\nwrt X", NULL, "A", "transpose", { "transpose" } },
    { "Cookbook (102)", COOK_M "L = tr(A*X*B)\nwrt X", NULL, "B*A", "transpose", { "transpose" } },
    /* a constant factor, a dimension */
    { "Cookbook (116)", "X : matrix(n, k)\nL = tr(X'*X)\nwrt X", NULL, "X", "factor",
      { "1/2 times", "factor 2 is missing" } },
    { "Gaussian log-likelihood", GAUSS, NULL, "0.5*inv(S)*(mu - x)", "factor", { "1/2 times" } },
    { "linear regression, mean loss", LINREG, "w", "X'*(X*w - y)", "factor",
      { "N times", "divides by N" } },
    { "Cookbook (69) doubled", COOK_V "L = x'*a\nwrt x", NULL, "2*a", "factor", { "2 times" } },
    /* the sign */
    { "softmax regression", SOFTREG, "W", "(y - softmax(W*x))*x'", "sign", { "sign" } },
    { "logistic regression", LOGREG, "w", "X'*(y - p)", "sign", { "sign" } },
    /* an assumption the program does not declare */
    { "seed 3(b), label a vector", NETV, "b2", "softmax(z2) - y", "assumption",
      { "sum(y) = 1", "onehot(C)" } },
    { "Cookbook (81), A not symmetric", QUAD, "x", "2*A*x", "assumption",
      { "symmetric", "A : symmetric(n)" } },
    /* missing or doubled uses of the variable */
    { "seed autoencoder, one path", AE, NULL, "W*r*x'", "missing-use", { "W'", "3:5" } },
    { "Cookbook (81), one use", QUAD, "x", "A*x", "missing-use", { "x" } },
    { "RNN, last step only", RNN, "W", "(1 - h2.^2)*h1'", "missing-use", { "W", "3:11" } },
    { "seed autoencoder, a path twice", AE, NULL, "2*W*r*x' + W*x*r'", "factor",
      { "term 1", "2 times" } },
    /* an activation's derivative left out, or applied twice */
    { "seed tanh autoencoder", AET, NULL,
      "h*((xhat - x).*(1 - xhat.^2))' + (W*((xhat - x).*(1 - xhat.^2)))*x'", "missing-factor",
      { "1 - h.^2", "tanh" } },
    { "seed 3(c), swish' left out", NET, "W1", "(W2'*(softmax(z2) - y))*x'", "missing-factor",
      { "swish" } },
    { "RNN, tanh' left out", RNN, "U", "(1 - h2.^2)*x2' + (W'*(1 - h2.^2))*x1'", "missing-factor",
      { "tanh" } },
    { "one layer, tanh' twice", "W : matrix(m, n)\nx : vector(n)\nh = tanh(W*x)\nL = sum(h)\n",
      "W", "(1 - h.^2).^2*x'", "extra-factor", { "twice", "1 - h.^2" } },
    /* an activation's derivative written wrong */
    { "seed 3(c), sigmoid for swish'", NET, "W1", "((W2'*(softmax(z2) - y)).*sigmoid(z1))*x'",
      "wrong-factor", { "swish", "`sigmoid(z1)`" } },
    { "tanh layer, 1 - h for 1 - h.^2", "W : matrix(m, n)\nx : vector(n)\nh = tanh(W*x)\n"
      "L = sum(h)\n", "W", "(1 - h)*x'", "wrong-factor", { "tanh", "1 - h.^2" } },
    /* sum() where a sum over the examples was meant */
    { "bias over a batch, sum()", BIAS, NULL, "sum(Z - Y)", "shape", { "vector(1)", "each row" } },
    /* an extra term; one wrong term */
    { "seed autoencoder, extra term", AE, NULL, "W*(r*x' + x*r') + W*x*x'", "extra-term",
      { "W*x*x'" } },
    { "Cookbook (81), extra term", QUAD, "x", "(A + A')*x + x", "extra-term", { "`x`" } },
    { "Cookbook (78), sign of a term", COOK_V COOK_M "L = (B*x + b)'*C*(D*x + d)\nwrt x", NULL,
      "B'*C*(D*x + d) - D'*C'*(B*x + b)", "sign", { "term 2", "wrong sign" } },
    { "Cookbook (82), a term transposed", COOK_V COOK_M "L = b'*X'*D*X*c\nwrt X", NULL,
      "D'*X*b*c' + (D*X*c*b')'", "transpose", { "term 2", "transpose" } },
    /* a single edit of one subexpression */
    { "Cookbook (102)", COOK_M "L = tr(A*X*B)\nwrt X", NULL, "A*B'", "edit", { "`A`", "A'" } },
    { "one layer, W for W'", "W : matrix(n, n)\nx : vector(n)\nL = sum(tanh(W*x))\n", "x",
      "W*(1 - tanh(W*x).^2)", "edit", { "`W`", "W'" } },
    { "linear regression, y for -y", LINREG, "w", "X'*(X*w + y)/N", "sign", { "`y`", "wrong sign" } },
    { "Gaussian covariance, a term's sign", "S : spd(n)\nx, mu : vector(n)\n"
      "L = 0.5*(x - mu)'*inv(S)*(x - mu) + 0.5*logdet(S)\nwrt S\n", NULL,
      "0.5*(inv(S) + inv(S)*(x - mu)*(x - mu)'*inv(S))", "sign", { "wrong sign" } },
    { "Gaussian covariance, the logdet term only", "S : spd(n)\nx, mu : vector(n)\n"
      "L = 0.5*(x - mu)'*inv(S)*(x - mu) + 0.5*logdet(S)\nwrt S\n", NULL, "0.5*inv(S)",
      "missing-use", { "S", "3:23" } },
    /* a term missing inside the answer */
    { "softmax regression on a batch, -Y left out", "W : matrix(C, D)\nX : matrix(D, N)\n"
      "Y : onehot(C, N)\nL = crossentropy(W*X, Y)/N\nwrt W\n", NULL, "softmax(W*X)*X'/N",
      "missing-term", { "-Y*X'/N" } },
    { "regularized logistic regression, lam*w left out", LOGREG "lam : scalar\n"
      "L2 = L + lam/2*norm2(w)\n", "w", "X'*(p - y)", "missing-use", { "w" } },
    /* one name in place of another */
    { "seed autoencoder, x for r", AE, NULL, "W*(r*x' + x*x')", "edit", { "`x`", "`r`" } },
    { "seed 3(b), z1 for h1", NET, "W2", "(softmax(z2) - y)*z1'", "edit", { "`z1`", "`h1`" } },
    { "seed 3(c), W1 for W2", NET, "W1", "((W1'*(softmax(z2) - y)).*" SWISHD ")*x'", "shape",
      { "`W2`", "right" } },
    /* otherwise a counterexample */
    { "batch norm's scale", BNORM, NULL, "((Yo - T).*Xhat)*vector(1)/N", "factor",
      { "1/N times" } },
    { "seed autoencoder", AE, NULL, "W*x*x'", "counterexample", { "differ most" } },
    /* the log-loss fused into softplus terms, the missing term shows simplified */
    { "logistic regression", LOGREG, "w", "X'*p", "missing-term", { "`-X'*y`" } },
};

typedef struct json_field {
    char *kind, *reason, *fix;
} json_field;

/* The string value of "key": in a JSON text, unescaped (NULL when absent). */
static char *json_value(const char *json, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\": \"", key);
    const char *p = strstr(json, pattern);
    if (!p)
        return NULL;
    p += strlen(pattern);
    strbuf b;
    sb_init(&b);
    for (; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            sb_putc(&b, *p == 'n' ? '\n' : *p);
        } else {
            sb_putc(&b, *p);
        }
    }
    char *r = strdup(sb_str(&b));
    sb_free(&b);
    return r;
}

/* Runs --check ANSWER (--json when json) on the program. */
static t_result check(const char *program, const char *wrt, const char *answer, int json)
{
    const char *argv[8] = { "nnderive", "-e", program, "--check", answer };
    int argc = 5;
    if (wrt) {
        argv[argc++] = "--wrt";
        argv[argc++] = wrt;
    }
    if (json)
        argv[argc++] = "--json";
    return t_cli(argc, argv, NULL);
}

START_TEST(wrong_answers_get_their_reason)
{
    const wrong *w = &wrongs[_i];
    t_result r = check(w->program, w->wrt, w->answer, 1);
    ck_assert_msg(r.status == 1, "%s: %s: status %d\n%s%s", w->source, w->answer, r.status, r.out,
                  r.err);
    char *kind = json_value(r.out, "kind"), *text = json_value(r.out, "reason");
    char *fix = json_value(r.out, "fix");
    ck_assert_msg(kind && !strcmp(kind, w->kind), "%s: %s: kind %s, expected %s: %s", w->source,
                  w->answer, kind, w->kind, text);
    for (int i = 0; i < 3 && w->words[i]; i++)
        ck_assert_msg(strstr(text, w->words[i]), "%s: %s: the reason does not say '%s': %s",
                      w->source, w->answer, w->words[i], text);
    if (fix) {      /* what the reason claims is right, checked on its own */
        t_result f = check(w->program, w->wrt, fix, 0);
        ck_assert_msg(f.status == 0, "%s: %s: the fix %s does not check: %s%s", w->source,
                      w->answer, fix, f.out, f.err);
        t_result_free(&f);
    }
    free(kind);
    free(text);
    free(fix);
    t_result_free(&r);
}
END_TEST

typedef struct right {
    const char *program, *wrt, *answer;
} right;

/* Right answers in many spellings: never a reason. */
static const right rights[] = {
    { AE, NULL, "W*(r*x' + x*r')" },
    { AE, NULL, "W*r*x' + W*x*r'" },
    { AE, NULL, "W*x*r' + W*r*x'" },
    { AE, NULL, "W*(x*(W'*W*x - x)' + (W'*W*x - x)*x')" },
    { AE, NULL, "(r*x'*W' + x*r'*W')'" },
    { QUAD, "x", "(A + A')*x" },
    { QUAD, "x", "A*x + A'*x" },
    { QUAD, "x", "(x'*A + x'*A')'" },
    { NET, "b2", "softmax(z2) - y" },
    { NET, "W2", "(softmax(z2) - y)*h1'" },
    { NET, "W1", "((W2'*(softmax(z2) - y)).*" SWISHD ")*x'" },
    { COOK_M "L = tr(A*X*B)\nwrt X", NULL, "(B*A)'" },
    { COOK_M "L = tr(A*X*B)\nwrt X", NULL, "A'*B'" },
    { LINREG, "w", "X'*(X*w - y)/N" },
    { LINREG, "w", "(X'*X*w - X'*y)/N" },
    { LOGREG, "w", "X'*(p - y)" },
    { GAUSS, NULL, "inv(S)*(mu - x)" },
    { SOFTREG, "W", "(softmax(W*x) - y)*x'" },
    { BIAS, NULL, "(Z - Y)*vector(1)" },
    { BNORM, NULL, "(Xhat.*(Yo - T))*vector(1)" },
    /* the rows of Xhat sum to 0: a gradient that is 0 up to rounding, and
     * so is this answer */
    { "X : matrix(n, N)\ng : vector(n)\nmu = X*vector(1)/N\nXc = X - mu\n"
      "v = (Xc.^2)*vector(1)/N\nXhat = Xc./sqrt(v + 1e-5)\nL = sum(g.*(Xhat*vector(1)))\n",
      "g", "Xhat*vector(1)/N" },
};

START_TEST(right_answers_get_no_reason)
{
    const right *w = &rights[_i];
    t_result r = check(w->program, w->wrt, w->answer, 0);
    ck_assert_msg(r.status == 0 && !strcmp(r.out, "equivalent\n"), "%s: %s%s", w->answer, r.out,
                  r.err);
    t_result_free(&r);
}
END_TEST

/* A chain of n tanh layers with its output summed. */
static char *tanh_chain(int n)
{
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "x0 : vector(n)\n");
    for (int k = 1; k <= n; k++)
        sb_printf(&b, "x%d = tanh(x%d)\n", k, k - 1);
    sb_printf(&b, "L = sum(x%d)\n", n);
    char *p = xstrdup(sb_str(&b));
    sb_free(&b);
    return p;
}

static char *verdict_of(const char *program, const char *answer)
{
    nd_session *s = nd_open("chain.nd", program, strlen(program), NULL);
    char *v = NULL;
    ck_assert_int_eq(nd_check(s, answer, &v), 1);
    nd_close(s);
    return v;
}

/* A short chain is diagnosed by its activations; past REASON_MAX_REDERIVE
 * nodes (a deep chain, where each activation hypothesis rederives the
 * whole chain) the reason is the counterexample, and still a wrong verdict. */
START_TEST(deep_programs_get_a_counterexample)
{
    char *shallow = tanh_chain(3), *deep = tanh_chain(1200);
    char *v = verdict_of(shallow, "(1 - x3.^2).*(1 - x2.^2)");
    ck_assert_msg(strstr(v, "missing the factor"), "%s", v);
    nd_free(v);
    v = verdict_of(deep, "vector(1)");
    ck_assert_msg(strstr(v, "not equivalent: the values differ at"), "%s", v);
    nd_free(v);
    free(shallow);
    free(deep);
}
END_TEST

/* A gradient that is 0 but evaluates to rounding noise: logsoftmax does not
 * change when a scalar is added to its argument, so b, y and A have the
 * gradient 0, which the engine's gradient gives as 1 - sum(softmax(x))
 * times something, about 1e-77 at 256 bits.  At 128 bits that sum may cancel
 * exactly: the noise estimate was then the value itself (seed 8222 of the
 * random programs did not read back: "right only when sum(x) = 1").  The
 * printed answers read back, text and LaTeX; an answer that differs by far
 * less than double's rounding but more than 256-bit rounding of the terms
 * is still wrong, and so is a small nonzero gradient off by a small part. */
#define NOISE0 "a, b : scalar\nx, y : vector(n)\nu : vector(m)\nA, B : matrix(n, n)\n" \
               "M : matrix(m, n)\nL = crossentropy(((y'*A'*x) - (x - b)), softmax(x)) + a\n"

START_TEST(noise_zero_is_zero)
{
    static const char *const zeros[][2] = {
        { "b", "0" }, { "y", "vector(0)" }, { "A", "matrix(0)" }, { "b", "sum(softmax(x)) - 1" },
    };
    for (size_t i = 0; i < sizeof zeros / sizeof *zeros; i++) {
        char *p = NULL;
        ck_assert(asprintf(&p, NOISE0 "wrt %s", zeros[i][0]) > 0);
        ck_assert_msg(t_check(p, zeros[i][1]) == 0, "d/d%s = %s", zeros[i][0], zeros[i][1]);
        free(p);
    }
    for (int latex = 0; latex < 2; latex++) {
        char *v = NULL;
        ck_assert_msg(t_read_back(NOISE0, latex ? ND_LATEX : ND_TEXT, latex, &v) == 0, "%s", v);
        nd_free(v);
    }
}
END_TEST

/* The random programs whose gradients did not read back for that reason
 * (of seeds 7000 to 11999, text and LaTeX alike). */
START_TEST(noise_zero_seeds_read_back)
{
    static const uint64_t seeds[] = { 8222, 10148, 10549, 10922, 11009 };
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
        for (int latex = 0; latex < 2; latex++) {
            strbuf p;
            sb_init(&p);
            randprog(seeds[i], 3, &p);
            char *v = NULL;
            int st = t_read_back(sb_str(&p), latex ? ND_LATEX : ND_TEXT, latex, &v);
            ck_assert_msg(st == 0, "seed %d (%s): status %d\n%s\n%s", (int)seeds[i],
                          latex ? "LaTeX" : "text", st, sb_str(&p), v);
            nd_free(v);
            sb_free(&p);
        }
}
END_TEST

START_TEST(small_differences_are_wrong)
{
    static const char *const small[][3] = {
        { NOISE0, "b", "1e-60" },       /* rounding is 1e-77 here, double's 1e-16 */
        { NOISE0, "b", "1e-40*a" },
        { NOISE0, "y", "1e-50*x" },
        { "x : vector(n)\nL = 1e-20*sum(exp(x))\n", "x", "(1e-20 + 1e-45)*exp(x)" },
        { "x : vector(n)\nL = 1e-100*sum(exp(x))\n", "x", "2e-100*exp(x)" },
        { "x : vector(n)\nL = sum(softmax(x))\n", "x", "1e-50*x" },
    };
    for (size_t i = 0; i < sizeof small / sizeof *small; i++) {
        char *p = NULL;
        ck_assert(asprintf(&p, "%swrt %s", small[i][0], small[i][1]) > 0);
        ck_assert_msg(t_check(p, small[i][2]) == 1, "%s: d/d%s = %s is accepted", small[i][0],
                      small[i][1], small[i][2]);
        free(p);
    }
}
END_TEST

Suite *suite_diagnose(void)
{
    Suite *s = suite_create("diagnose");
    TCase *tc = tcase_create("diagnose");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, deep_programs_get_a_counterexample);
    tcase_add_test(tc, noise_zero_is_zero);
    tcase_add_test(tc, small_differences_are_wrong);
    tcase_add_test(tc, noise_zero_seeds_read_back);
    tcase_add_loop_test(tc, wrong_answers_get_their_reason, 0,
                        (int)(sizeof wrongs / sizeof *wrongs));
    tcase_add_loop_test(tc, right_answers_get_no_reason, 0, (int)(sizeof rights / sizeof *rights));
    suite_add_tcase(s, tc);
    return s;
}
