/* test_cookbook.c: identities of The Matrix Cookbook (Petersen & Pedersen,
 * 2012 edition, section 2), each as a program and the textbook gradient,
 * through --check; and typical wrong answers, which must be rejected.
 * Numbers in comments are the Cookbook's equation numbers. */
#include "helpers.h"

#include "identities.h"
#include "lengths.h"

static const struct identity wrong[] = {
    { "transposed", V M "L = a'*X*b\nwrt X", "b*a'" },
    { "one path only", V M "L = b'*X'*X*c\nwrt X", "X*b*c'" },
    { "symmetric assumed", V M "L = x'*B*x\nwrt x", "2*B*x" },
    { "missing transpose", M "L = tr(X^2)\nwrt X", "2*X" },
    { "det, inverse not transposed", M "L = det(X)\nwrt X", "det(X)*inv(X)" },
    { "a factor", V M "L = norm2(A*x - b)\nwrt x", "A'*(A*x - b)" },
    { "the sign", V M "L = a'*inv(X)*b\nwrt X", "inv(X)'*a*b'*inv(X)'" },
    { "shape", V M "L = a'*X*b\nwrt X", "a" },
};

#define N_WRONG (sizeof wrong / sizeof *wrong)

START_TEST(identity_holds)
{
    const struct identity *t = &identities[_i];
    int st = t_check(t->program, t->answer);
    ck_assert_msg(st == 0, "%s: %s is not equivalent (status %d)", t->name, t->answer, st);
}
END_TEST

START_TEST(wrong_answer_rejected)
{
    const struct identity *t = &wrong[_i];
    int st = t_check(t->program, t->answer);
    ck_assert_msg(st == 1, "%s: %s was not rejected (status %d)", t->name, t->answer, st);
}
END_TEST

/* The identities' programs verify too: the textbook form agrees with the
 * derived gradient and the derived gradient with finite differences. */
START_TEST(identity_program_verifies)
{
    double worst = 1;
    ck_assert_int_eq(t_verify(identities[_i].program, &worst), 0);
    ck_assert(worst < 1e-30);
}
END_TEST

/* The quality target of the simplifier: no gradient prints longer than
 * 1.5 times the Cookbook's form (bench/RESULTS.md has the whole table). */
START_TEST(identity_short_enough)
{
    const struct identity *t = &identities[_i];
    char *printed = NULL;
    size_t derived = derived_length(t->program, &printed);
    size_t textbook = nonspace(t->answer, strlen(t->answer));
    ck_assert_msg(derived > 0 && 2 * derived <= 3 * textbook,
                  "%s: %zu characters against the textbook's %zu:\n%s", t->name, derived,
                  textbook, printed);
    nd_free(printed);
}
END_TEST

START_TEST(at_least_25)
{
    ck_assert_uint_ge(N_IDENTITIES, 25);
}
END_TEST

Suite *suite_cookbook(void)
{
    Suite *s = suite_create("cookbook");
    TCase *tc = tcase_create("identities");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, identity_holds, 0, (int)N_IDENTITIES);
    tcase_add_loop_test(tc, wrong_answer_rejected, 0, (int)N_WRONG);
    tcase_add_loop_test(tc, identity_program_verifies, 0, (int)N_IDENTITIES);
    tcase_add_loop_test(tc, identity_short_enough, 0, (int)N_IDENTITIES);
    tcase_add_test(tc, at_least_25);
    suite_add_tcase(s, tc);
    return s;
}
