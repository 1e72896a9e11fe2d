/* test_findings.c: the fuzz campaigns' reproducers (tests/fuzz/findings/,
 * described in its README) as regression tests, and the hand-made
 * hostile inputs: in every mode each exits 0, 1 or 2 (a crash ends the
 * forked test with an error), an exit 2 says why, and the gradients it
 * prints read back through --check-file as right. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define FINDINGS "tests/fuzz/findings"

static const char *const modes[][4] = {
    { NULL }, { "--latex" }, { "--steps" }, { "--paths" }, { "--dot" }, { "--dot", "--steps" },
    { "--c" }, { "--c", "--blas" }, { "--c", "--colmajor" }, { "--explain" },
    { "--verify", "--points=1", "--precision=64" },
};

/* NAME.answer next to NAME.nd: its one line is checked with --check too. */
static void check_answer(const char *path)
{
    char name[600];
    snprintf(name, sizeof name, "%.*s.answer", (int)(strlen(path) - 3), path);
    FILE *f = fopen(name, "r");
    if (!f)
        return;
    char answer[4096] = "";
    if (!fgets(answer, sizeof answer, f))
        answer[0] = '\0';
    fclose(f);
    answer[strcspn(answer, "\n")] = '\0';
    const char *argv[] = { "nnderive", path, "--check", answer };
    t_result r = t_cli(4, argv, NULL);
    ck_assert_msg(r.status >= 0 && r.status <= 2, "%s --check '%s': status %d", path, answer,
                  r.status);
    ck_assert_msg(r.status != 2 || strstr(r.err, "error"), "%s --check: status 2 without an error",
                  path);
    t_result_free(&r);
}

static int run_modes(const char *path)
{
    int ok_text = 0;
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        const char *argv[8] = { "nnderive", path };
        int argc = 2;
        for (int i = 0; i < 4 && modes[m][i]; i++)
            argv[argc++] = modes[m][i];
        t_result r = t_cli(argc, argv, NULL);
        ck_assert_msg(r.status >= 0 && r.status <= 2, "%s %s: status %d", path,
                      modes[m][0] ? modes[m][0] : "", r.status);
        ck_assert_msg(r.status != 2 || strstr(r.err, "error"), "%s %s: status 2 without an error",
                      path, modes[m][0] ? modes[m][0] : "");
        if (m == 1)
            ck_assert_msg(!strstr(r.out, "_{_}") && !strstr(r.out, "\\partial _"),
                          "%s: LaTeX with a bare _:\n%s", path, r.out);
        if (m == 0 && r.status == 0) {
            ok_text = 1;
            char tmp[] = "/tmp/nd_findingXXXXXX";
            int fd = mkstemp(tmp);
            FILE *f = fdopen(fd, "w");
            fputs(r.out, f);
            fclose(f);
            const char *back[] = { "nnderive", path, "--check-file", tmp };
            t_result b = t_cli(4, back, NULL);
            ck_assert_msg(b.status == 0, "%s: its gradients do not read back:\n%s%s%s", path,
                          r.out, b.out, b.err);
            t_result_free(&b);
            remove(tmp);
        }
        t_result_free(&r);
    }
    check_answer(path);
    return ok_text;
}

START_TEST(fuzz_findings)
{
    DIR *d = opendir(FINDINGS);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".nd"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", FINDINGS, e->d_name);
        run_modes(path);
        n++;
    }
    closedir(d);
    ck_assert_int_ge(n, 8);
}
END_TEST

Suite *suite_findings(void)
{
    Suite *s = suite_create("findings");
    TCase *tc = tcase_create("findings");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fuzz_findings);
    suite_add_tcase(s, tc);
    return s;
}
