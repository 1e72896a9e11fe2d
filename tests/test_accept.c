/* test_accept.c: the acceptance programs of issue 13, as users write them,
 * in one place.  Each derives, passes --verify (all its variables), and
 * --check tells a right answer from a wrong one for one variable.  Their
 * generated C is checked against the evaluator in test_codegen.c. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

struct accept {
    const char *what, *program, *wrt, *right, *wrong;
};

static const struct accept programs[] = {
    { "hinge loss", "X : matrix(N, d)\nw : vector(d)\ny : vector(N)\n"
      "L = sum(max(0, 1 - y.*(X*w)))",
      "w", "-X'*(y.*step(1 - y.*(X*w)))", "X'*(y.*step(1 - y.*(X*w)))" },
    { "row-wise attention", "Q, K : matrix(T, d)\nV, Y : matrix(T, e)\n"
      "A = softmax(Q*K'/sqrt(d), 2)*V\nL = sum(Y.*A)",
      "V", "softmax(Q*K'/sqrt(d), 2)'*Y", "softmax(K*Q'/sqrt(d), 2)'*Y" },
    { "batch norm", "X, Y : matrix(D, N)\ng, b : vector(D)\nmu = mean(X, 2)\nC = X - mu\n"
      "v = mean(C.^2, 2)\nZ = C./sqrt(v + 1/100)\nL = sum(Y.*(g.*Z + b))",
      "g", "sum(Y.*Z, 2)", "sum(Y.*C, 2)" },
    { "3-step RNN written with a function", "W : matrix(n, n)\nU : matrix(n, m)\n"
      "b, h0, y : vector(n)\nx1, x2, x3 : vector(m)\ncell(h, x) = tanh(W*h + U*x + b)\n"
      "h1 = cell(h0, x1)\nh2 = cell(h1, x2)\nh3 = cell(h2, x3)\nL = 0.5*norm2(h3 - y)",
      "U", "((h3 - y).*(1 - h3.^2))*x3' + ((W'*((h3 - y).*(1 - h3.^2))).*(1 - h2.^2))*x2' + "
      "((W'*((W'*((h3 - y).*(1 - h3.^2))).*(1 - h2.^2))).*(1 - h1.^2))*x1'",
      "((h3 - y).*(1 - h3.^2))*x3'" },
    { "Gaussian log-likelihood with pi", "x, mu : vector(n)\ns : scalar\n"
      "L = n/2*log(2*pi*s^2) + norm2(x - mu)/(2*s^2)",
      "s", "n/s - norm2(x - mu)/s^3", "n/s - norm2(x - mu)/(2*s^3)" },
    { "dropout with a mask", "W : matrix(m, n)\nx : vector(n)\nD : mask(m)\ny : vector(m)\n"
      "h = 2*D.*tanh(W*x)\nL = 0.5*norm2(h - y)",
      "W", "(2*D.*(h - y).*(1 - tanh(W*x).^2))*x'", "(2*(h - y).*(1 - tanh(W*x).^2))*x'" },
    { "matrix completion with a mask", "M : mask(m, n)\nU : matrix(m, k)\nV : matrix(n, k)\n"
      "Y : matrix(m, n)\nL = 0.5*norm2(M.*(U*V' - Y))",
      "U", "(M.*M.*(U*V' - Y))*V", "(U*V' - Y)*V" },
};

#define N_PROGRAMS (sizeof programs / sizeof *programs)

static char *with_wrt(const struct accept *a)
{
    char *p = NULL;
    if (asprintf(&p, "%s\nwrt %s", a->program, a->wrt) < 0)
        abort();
    return p;
}

START_TEST(derives_and_verifies)
{
    const struct accept *a = &programs[_i];
    char *out = t_emit(a->program, ND_TEXT);
    ck_assert_msg(out != NULL, "%s: %s", a->what, t_error(a->program));
    nd_free(out);
    double worst = 1;
    ck_assert_msg(t_verify(a->program, &worst) == 0 && worst < 1e-20, "%s: error %g", a->what,
                  worst);
}
END_TEST

START_TEST(checks_right_and_wrong)
{
    const struct accept *a = &programs[_i];
    char *p = with_wrt(a);
    ck_assert_msg(t_check(p, a->right) == 0, "%s: the right answer %s", a->what, a->right);
    ck_assert_msg(t_check(p, a->wrong) == 1, "%s: the wrong answer %s", a->what, a->wrong);
    free(p);
}
END_TEST

/* A mask is data: the default wrt leaves it out, and naming it is an error. */
START_TEST(mask_is_never_wrt)
{
    const char *p = "M : mask(m, n)\nX : matrix(m, n)\nL = sum(M.*X)\nwrt M";
    ck_assert_msg(strstr(t_error(p), "is a mask"), "%s", t_error(p));
    char *out = t_emit("M : mask(m, n)\nX : matrix(m, n)\nL = sum(M.*exp(X))", ND_TEXT);
    ck_assert_str_eq(out, "dL/dX = M.*exp(X)\n");
    nd_free(out);
}
END_TEST

Suite *suite_accept(void)
{
    Suite *s = suite_create("accept");
    TCase *tc = tcase_create("accept");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, derives_and_verifies, 0, N_PROGRAMS);
    tcase_add_loop_test(tc, checks_right_and_wrong, 0, N_PROGRAMS);
    tcase_add_test(tc, mask_is_never_wrt);
    suite_add_tcase(s, tc);
    return s;
}
