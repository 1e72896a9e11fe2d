/* check_main.c: runs every suite; exits non-zero on any failure. */
#include <stdlib.h>

#include "helpers.h"

int main(void)
{
    SRunner *sr = srunner_create(suite_parse());
    srunner_add_suite(sr, suite_shape());
    srunner_add_suite(sr, suite_infer());
    srunner_add_suite(sr, suite_diagnose());
    srunner_add_suite(sr, suite_findings());
    srunner_add_suite(sr, suite_latex());
    srunner_add_suite(sr, suite_grade());
    srunner_add_suite(sr, suite_jacobian());
    srunner_add_suite(sr, suite_hessc());
    srunner_add_suite(sr, suite_hessmodes());
    srunner_add_suite(sr, suite_accept());
    srunner_add_suite(sr, suite_rules());
    srunner_add_suite(sr, suite_simplify());
    srunner_add_suite(sr, suite_cookbook());
    srunner_add_suite(sr, suite_golden());
    srunner_add_suite(sr, suite_examples());
    srunner_add_suite(sr, suite_cli());
    srunner_add_suite(sr, suite_readable());
    srunner_add_suite(sr, suite_dot());
    srunner_add_suite(sr, suite_codegen());
    srunner_add_suite(sr, suite_numpy());
    srunner_add_suite(sr, suite_scale());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
