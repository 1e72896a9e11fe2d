/* test_parse.c: the grammar: precedence and associativity (by value), exact
 * literals, statements, line continuation, and what does not parse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"

/* E parsed as expected iff d(a*E)/da, which is E, equals VALUE. */
struct valued {
    const char *expr, *value;
};

static const struct valued values[] = {
    { "-2^2", "-4" },           /* ^ binds tighter than unary minus */
    { "2^-1", "0.5" },          /* the exponent may carry a sign */
    { "2^3^2", "512" },         /* ^ is right-associative */
    { "2^-2^2", "1/16" },
    { "1 - 2 - 3", "-4" },      /* - is left-associative */
    { "8/2/2", "2" },
    { "2*3^2", "18" },
    { "-2*3", "-6" },
    { "(1 + 2)*3", "9" },
    { "3 - -2", "5" },
    { "1/3 + 1/6", "0.5" },     /* exact rationals */
    { "2e-3", "1/500" },
    { ".5", "0.5" },
    { "1.5e1", "15" },
    { "0.1 + 0.2", "0.3" },     /* exactly, unlike binary floating point */
    { "2.^3", "8" },            /* `2.^3` is 2 .^ 3: no number ends in '.' */
    { "+2", "2" },
};

#define N_VALUES (sizeof values / sizeof *values)

START_TEST(precedence_by_value)
{
    char program[256];
    snprintf(program, sizeof program, "a : scalar\nL = a*(%s)\nwrt a", values[_i].expr);
    ck_assert_msg(t_check(program, values[_i].value) == 0, "%s is not %s", values[_i].expr,
                  values[_i].value);
}
END_TEST

START_TEST(precedence_wrong_value_rejected)
{
    ck_assert_int_eq(t_check("a : scalar\nL = a*(-2^2)\nwrt a", "4"), 1);
}
END_TEST

/* Transpose binds tightest: x'*y is a scalar, (A*B)' = B'*A'. */
START_TEST(transpose_precedence)
{
    const char *p = "w, v : vector(n)\nA, B : matrix(n, n)\nL = w'*(A*B)'*v\nwrt w";
    ck_assert_int_eq(t_check(p, "B'*A'*v"), 0);
    ck_assert_int_eq(t_check(p, "A*B*v"), 1);
    ck_assert_int_eq(t_check("x, y : vector(n)\nL = x'*y\nwrt x", "y"), 0);
}
END_TEST

START_TEST(statements)
{
    /* several names in one declaration, ';', comments, wrt twice */
    char *out = t_emit("x, y : vector(n); a : scalar  # a comment\n"
                       "\n"
                       "L = a*x'*y   # the objective\n"
                       "wrt x\n"
                       "wrt a\n", ND_TEXT);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, "dL/dx = a*y\ndL/da = x'*y\n");
    nd_free(out);
}
END_TEST

/* A line ending in an operator, a comma or '(' goes on. */
START_TEST(line_continuation)
{
    char *out = t_emit("x : vector(n)\nL = sum(x) +\n    2*x'*x\n", ND_TEXT);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, "dL/dx = 4*x + 1\n");
    nd_free(out);
    out = t_emit("z : vector(C)\ny : onehot(C)\nL = crossentropy(\n  z,\n  y)\n", ND_TEXT);
    ck_assert_ptr_nonnull(out);
    nd_free(out);
}
END_TEST

START_TEST(elementwise_operators)
{
    const char *p = "x, y : vector(n)\nL = sum(x.*y + x./y + x.^-1)\nwrt x";
    ck_assert_int_eq(t_check(p, "y + 1 ./ y - 1 ./ x.^2"), 0);
}
END_TEST

static const char *const bad[] = {
    "L = x +",          /* unexpected end */
    "L = (x",           /* unclosed parenthesis */
    "L = x)",
    "L = x @ y",        /* bad character */
    "L = 2.",           /* no number ends in '.' */
    "x : vector(n",
    "wrt",
    "L = = x",
    "L = x y",
    "x : : vector(n)",
    "L = f(,x)",
    "L = 1e",           /* '1' then the name 'e': two operands in a row */
};

START_TEST(syntax_errors)
{
    const char *msg = t_error(bad[_i]);
    ck_assert_msg(msg[0] != '\0', "'%s' parsed", bad[_i]);
}
END_TEST

/* The parser keeps nothing on a syntax error (run under ASan, it would
 * report a leak): a long input with an error at the very end. */
START_TEST(error_after_long_input)
{
    char program[20000] = "x : vector(n)\nL = ";
    for (int i = 0; i < 1500; i++)
        strcat(program, "(x'*x)*");
    strcat(program, "(sum(x) +");
    ck_assert_str_ne(t_error(program), "");
}
END_TEST

/* A million digits are refused at once (the digits are counted first). */
START_TEST(long_number_refused_fast)
{
    enum { N = 1000000 };
    char *p = malloc(N + 16);
    memcpy(p, "L = ", 4);
    memset(p + 4, '7', N);
    strcpy(p + 4 + N, "\n");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *msg = t_error(p);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    ck_assert_str_eq(msg, "number has too many digits (the limit is 400)");
    ck_assert_msg(secs < 1.0, "a million digits took %.2f s", secs);
    free(p);
}
END_TEST

Suite *suite_parse(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, precedence_by_value, 0, (int)N_VALUES);
    tcase_add_test(tc, precedence_wrong_value_rejected);
    tcase_add_test(tc, transpose_precedence);
    tcase_add_test(tc, statements);
    tcase_add_test(tc, line_continuation);
    tcase_add_test(tc, elementwise_operators);
    tcase_add_loop_test(tc, syntax_errors, 0, (int)(sizeof bad / sizeof *bad));
    tcase_add_test(tc, error_after_long_input);
    tcase_add_test(tc, long_number_refused_fast);
    suite_add_tcase(s, tc);
    return s;
}
