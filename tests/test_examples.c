/* test_examples.c: every examples/NAME.nd
 *   - verifies against central differences,
 *   - agrees with its textbook gradient examples/NAME.grad (--check-file),
 *   - prints exactly examples/NAME.expected. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static char *names[64];
static int n_names;

static void find_examples(void)
{
    DIR *d = opendir("examples");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && n_names < 64) {
        size_t n = strlen(e->d_name);
        if (n > 3 && !strcmp(e->d_name + n - 3, ".nd"))
            names[n_names++] = strndup(e->d_name, n - 3);
    }
    closedir(d);
}

static t_result run(const char *a, const char *b, const char *c)
{
    const char *argv[] = { "nnderive", a, b, c };
    return t_cli(b ? (c ? 4 : 3) : 2, argv, NULL);
}

START_TEST(example_verifies)
{
    char path[256];
    snprintf(path, sizeof path, "examples/%s.nd", names[_i]);
    t_result r = run(path, "--verify", NULL);
    ck_assert_msg(r.status == 0, "%s: %s%s", path, r.out, r.err);
    t_result_free(&r);
}
END_TEST

START_TEST(example_matches_textbook)
{
    char path[256], grad[256];
    snprintf(path, sizeof path, "examples/%s.nd", names[_i]);
    snprintf(grad, sizeof grad, "examples/%s.grad", names[_i]);
    char *text = t_read_file(grad);
    ck_assert_msg(text != NULL, "%s has no textbook gradient %s", path, grad);
    free(text);
    t_result r = run(path, "--check-file", grad);
    ck_assert_msg(r.status == 0 && !strstr(r.out, "not equivalent"), "%s: %s%s", path, r.out,
                  r.err);
    t_result_free(&r);
}
END_TEST

START_TEST(example_output)
{
    char path[256], exp[256];
    snprintf(path, sizeof path, "examples/%s.nd", names[_i]);
    snprintf(exp, sizeof exp, "examples/%s.expected", names[_i]);
    char *want = t_read_file(exp);
    ck_assert_msg(want != NULL, "missing %s", exp);
    t_result r = run(path, NULL, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(!strcmp(r.out, want), "%s prints:\n%s\nexpected:\n%s", path, r.out, want);
    free(want);
    t_result_free(&r);
}
END_TEST

START_TEST(seed_examples_present)
{
    const char *need[] = { "autoencoder", "autoencoder_tanh", "two_layer_swish" };
    for (size_t k = 0; k < 3; k++) {
        int found = 0;
        for (int i = 0; i < n_names; i++)
            found |= !strcmp(names[i], need[k]);
        ck_assert_msg(found, "examples/%s.nd is missing", need[k]);
    }
}
END_TEST

Suite *suite_examples(void)
{
    find_examples();
    Suite *s = suite_create("examples");
    TCase *tc = tcase_create("examples");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, seed_examples_present);
    if (n_names) {
        tcase_add_loop_test(tc, example_verifies, 0, n_names);
        tcase_add_loop_test(tc, example_matches_textbook, 0, n_names);
        tcase_add_loop_test(tc, example_output, 0, n_names);
    }
    suite_add_tcase(s, tc);
    return s;
}
