/* test_parse.c: the grammar: precedence and associativity (by value), exact
 * literals, statements, line continuation, and what does not parse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "strbuf.h"

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

/* ---- reliability: what any input gets (issue 7) ---- */

/* 300k operators on one line: the parser stops at the depth limit, and
 * nothing (freeing included) recurses that deep; under make check-san the
 * stack is 8 MiB. */
static const char *const deep_ops[] = { "'", "-", "^x", "(" };

START_TEST(deep_operators_stop_at_the_limit)
{
    enum { N = 300000 };
    const char *op = deep_ops[_i];
    int prefix = op[0] == '-' || op[0] == '(';
    strbuf b;
    sb_init(&b);
    sb_puts(&b, prefix ? "x : vector(n)\nL = sum(" : "x : vector(n)\nL = sum(x");
    for (int i = 0; i < N; i++)
        sb_puts(&b, op);
    sb_puts(&b, prefix ? "x)\n" : ")\n");
    ck_assert_ptr_nonnull(strstr(t_error(sb_str(&b)), "nested too deeply"));
    sb_free(&b);
}
END_TEST

/* ... but a chain of one precedence is flat (a + b + c), not nested: a
 * sum of 300k terms parses and elaborates; a product of 300k vectors is a
 * shape error, and neither recurses. */
START_TEST(long_chains_are_flat)
{
    enum { N = 100000 };
    static const char *const chain[] = { "+x", ".*x", "*x", "-x" };
    strbuf b;
    sb_init(&b);
    sb_puts(&b, "x : vector(n)\nL = sum(x");
    for (int i = 0; i < N; i++)
        sb_puts(&b, chain[_i]);
    sb_puts(&b, ")\n");
    const char *err = t_error(sb_str(&b));
    if (_i == 2)
        ck_assert_ptr_nonnull(strstr(err, "shape mismatch"));
    else
        ck_assert_str_eq(err, "");
    sb_free(&b);
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
    ck_assert_str_eq(msg, "number has too many digits (the limit is 2500)");
    ck_assert_msg(secs < T_CPU_BOUND(1.0), "a million digits took %.2f s", secs);
    free(p);
}
END_TEST

/* Past ND_MAX_INPUT the text is refused, never cut: here a valid program
 * followed by a comment that brings it one byte past the limit. */
START_TEST(input_past_the_limit_refused)
{
    const char *head = "x : vector(n)\nL = sum(x)\n# ";
    size_t n = ND_MAX_INPUT + 1, h = strlen(head);
    char *text = malloc(n);
    memcpy(text, head, h);
    memset(text + h, 'a', n - h);
    nd_session *s = nd_open("big.nd", text, n, NULL);
    ck_assert_int_eq(nd_status(s), 2);
    nd_position pos;
    ck_assert(nd_first_error(s, &pos));
    ck_assert_str_eq(pos.message, "'big.nd' is too large (the limit is 64 MiB)");
    ck_assert_int_eq(pos.line, 0);
    ck_assert_str_eq(nd_diagnostics(s),
                     "nnderive: error: 'big.nd' is too large (the limit is 64 MiB)\n");
    nd_close(s);
    free(text);
}
END_TEST

/* Any byte may appear in the input: the message names it, the line shows it
 * visibly, then the caret, each line ending with a newline. */
struct bytes_case {
    const char *text;
    size_t len;
    const char *diag;       /* NULL: the program is accepted */
};

#define BYTES(s) s, sizeof s - 1
static const struct bytes_case bytes_cases[] = {
    { BYTES("x : vector(n)\nL = x\0 + 1\n"),
      "<test>:2:6: error: invalid character '\\x00'\n    L = x\\x00 + 1\n         ^~~~\n" },
    { BYTES("L = \x01x\n"),
      "<test>:1:5: error: invalid character '\\x01'\n    L = \\x01x\n        ^~~~\n" },
    { BYTES("L = x\x7f\n"),
      "<test>:1:6: error: invalid character '\\x7f'\n    L = x\\x7f\n         ^~~~\n" },
    { BYTES("L = \xff\xfe x\n"),     /* not UTF-8 */
      "<test>:1:5: error: invalid character '\\xff'\n    L = \\xff\\xfe x\n        ^~~~\n" },
    { BYTES("L = \xce\n"),           /* a cut UTF-8 character */
      "<test>:1:5: error: invalid character '\\xce'\n    L = \\xce\n        ^~~~\n" },
    { BYTES("L = sum(\xd0\xb6)\n"),  /* a character: named as one, caret under it */
      "<test>:1:9: error: invalid character '\xd0\xb6' (U+0436)\n    L = sum(\xd0\xb6)\n"
      "            ^\n" },
    { BYTES("L = a \xe2\x88\x92 b\n"),   /* U+2212 MINUS SIGN, pasted for '-' */
      "<test>:1:7: error: invalid character '\xe2\x88\x92' (U+2212)\n"
      "    L = a \xe2\x88\x92 b\n          ^\n" },
    { BYTES("L = x \xe2\x80\xae+ y\n"),  /* invisible (RIGHT-TO-LEFT OVERRIDE) */
      "<test>:1:7: error: invalid character U+202E\n    L = x <U+202E>+ y\n          ^~~~~~~~\n" },
    { BYTES("L = x\r$\n"),            /* a lone CR does not end the line shown */
      "<test>:1:7: error: invalid character '$'\n    L = x\\x0d$\n             ^\n" },
    { BYTES("x : vector(n) # a NUL \0 in a comment\nL = sum(x)\n"), NULL },
    { BYTES("x : vector(n)\nL = sum(x) # \xff\xfe\0\n"), NULL },
    { BYTES("\xef\xbb\xbfx : vector(n)\nL = sum(x)\n"), NULL },    /* a BOM is skipped */
    { BYTES("\xef\xbb\xbfL = x $\n"),    /* ... and columns count from after it */
      "<test>:1:7: error: invalid character '$'\n    L = x $\n          ^\n" },
    { BYTES("L = x\n# \0 @ \x01\nL2 = $\n"),   /* positions after a NUL stay right */
      "<test>:3:6: error: invalid character '$'\n    L2 = $\n         ^\n" },
};

START_TEST(any_byte_in_the_input)
{
    const struct bytes_case *c = &bytes_cases[_i];
    nd_session *s = nd_open("<test>", c->text, c->len, NULL);
    const char *diag = nd_diagnostics(s);
    if (!c->diag) {
        ck_assert_msg(nd_status(s) == 0, "case %d refused:\n%s", _i, diag);
    } else {
        ck_assert_int_eq(nd_status(s), 2);
        ck_assert_msg(!strcmp(diag, c->diag), "case %d prints\n%s\nexpected\n%s", _i, diag,
                      c->diag);
    }
    nd_close(s);
}
END_TEST

/* The longest line any message has for this program. */
static size_t longest_line(const char *program, size_t len)
{
    nd_session *s = nd_open("<test>", program, len, NULL);
    char *out = NULL;
    if (!nd_status(s))
        nd_emit(s, ND_TEXT, NULL, &out);
    size_t longest = 0;
    for (const char *l = nd_diagnostics(s); *l;) {
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        longest = n > longest ? n : longest;
        l += n + (nl != NULL);
    }
    nd_position pos;
    if (nd_first_error(s, &pos) && strlen(pos.message) > longest)
        longest = strlen(pos.message);
    nd_free(out);
    nd_close(s);
    return longest;
}

/* A 100k-character name is abbreviated in every message: to its first 30
 * characters, "..." and its last 10. */
START_TEST(long_names_abbreviated)
{
    enum { N = 100000 };
    char *name = malloc(N + 1);
    for (int i = 0; i < N; i++)
        name[i] = (char)('a' + i % 26);
    name[N] = '\0';
    const char *forms[] = {         /* @ stands for the name */
        "L = @ + 1\n",                              /* unknown name (elaboration) */
        "x : vector(n)\nL = sum(x) @\n",            /* unexpected name (parser) */
        "x : vector(n)\nL = @(x)\n",                /* unknown function */
        "x : vector(@)\nA : matrix(m, m)\nL = x'*A*x\n",    /* a shape error */
        "x : matrix(n, n)\n@ = x*x\n",              /* not a scalar (at nd_emit) */
    };
    for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
        strbuf b;
        sb_init(&b);
        for (const char *c = forms[f]; *c; c++)
            if (*c == '@')
                sb_puts(&b, name);
            else
                sb_putc(&b, *c);
        size_t longest = longest_line(sb_str(&b), b.len);
        ck_assert_msg(longest < 300, "form %zu: a line of %zu characters", f, longest);
        sb_free(&b);
    }
    free(name);
    /* exactly where the abbreviation starts */
    char name64[65], name65[66];
    memset(name64, 'q', 64);
    name64[64] = '\0';
    memset(name65, 'q', 65);
    name65[0] = 'b';
    name65[65] = '\0';
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "L = 1 %s\n", name64);
    ck_assert_ptr_nonnull(strstr(t_error(sb_str(&b)), name64));
    sb_clear(&b);
    sb_printf(&b, "L = 1 %s\n", name65);
    ck_assert_ptr_nonnull(strstr(t_error(sb_str(&b)),
                                 "unexpected name 'bqqqqqqqqqqqqqqqqqqqqqqqqqqqqq...qqqqqqqqqq'"));
    sb_free(&b);
}
END_TEST

/* A line of 100k bytes that are not UTF-8 is still shown as a window. */
START_TEST(long_line_of_bad_bytes_windowed)
{
    enum { N = 100000 };
    char *p = malloc(N + 16);
    memcpy(p, "L = x ", 6);
    memset(p + 6, 0x80, N);
    ck_assert_uint_lt(longest_line(p, N + 6), 600);
    free(p);
}
END_TEST

Suite *suite_parse(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("parse");
    tcase_set_timeout(tc, 60);      /* 300k-term chains take 2 s under ASan, more on a busy machine */
    tcase_add_loop_test(tc, precedence_by_value, 0, (int)N_VALUES);
    tcase_add_test(tc, precedence_wrong_value_rejected);
    tcase_add_test(tc, transpose_precedence);
    tcase_add_test(tc, statements);
    tcase_add_test(tc, line_continuation);
    tcase_add_test(tc, elementwise_operators);
    tcase_add_loop_test(tc, syntax_errors, 0, (int)(sizeof bad / sizeof *bad));
    tcase_add_test(tc, error_after_long_input);
    tcase_add_loop_test(tc, deep_operators_stop_at_the_limit, 0,
                        (int)(sizeof deep_ops / sizeof *deep_ops));
    tcase_add_loop_test(tc, long_chains_are_flat, 0, 4);
    tcase_add_test(tc, long_number_refused_fast);
    tcase_add_test(tc, input_past_the_limit_refused);
    tcase_add_loop_test(tc, any_byte_in_the_input, 0,
                        (int)(sizeof bytes_cases / sizeof *bytes_cases));
    tcase_add_test(tc, long_names_abbreviated);
    tcase_add_test(tc, long_line_of_bad_bytes_windowed);
    suite_add_tcase(s, tc);
    return s;
}
