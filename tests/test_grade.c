/* test_grade.c: grades out (issue 11): Gradescope's results.json, a class
 * at once (--grade), and the autograder of examples/autograder run end to
 * end on the seed homework's right and wrong submissions. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#define NET "examples/two_layer_swish.nd"
#define AG "examples/autograder"

/* ---- a JSON reader, enough to say the output is JSON ---- */

static const char *json_value(const char *p);

static const char *json_space(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static const char *json_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    for (; *p != '"'; p++) {
        if (!*p || (unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!isxdigit((unsigned char)p[i]))
                        return NULL;
                p += 4;
            } else if (!strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
    }
    return p + 1;
}

static const char *json_list(const char *p, char close, int pairs)
{
    p = json_space(p + 1);
    if (*p == close)
        return p + 1;
    for (;;) {
        if (pairs) {
            p = json_string(json_space(p));
            if (!p || *(p = json_space(p)) != ':')
                return NULL;
            p++;
        }
        p = json_value(p);
        if (!p)
            return NULL;
        p = json_space(p);
        if (*p == close)
            return p + 1;
        if (*p++ != ',')
            return NULL;
    }
}

static const char *json_value(const char *p)
{
    p = json_space(p);
    if (*p == '{')
        return json_list(p, '}', 1);
    if (*p == '[')
        return json_list(p, ']', 0);
    if (*p == '"')
        return json_string(p);
    char *end;
    strtod(p, &end);
    if (end > p)
        return end;
    for (const char *w = "true\0false\0null\0"; *w; w += strlen(w) + 1)
        if (!strncmp(p, w, strlen(w)))
            return p + strlen(w);
    return NULL;
}

static void assert_json(const char *text)
{
    const char *end = text ? json_value(text) : NULL;
    ck_assert_msg(end && !*json_space(end), "not JSON:\n%s", text ? text : "(null)");
}

/* ---- Gradescope ---- */

static t_result gradescope(const char *answers, const char *rubric)
{
    const char *argv[] = { "nnderive", NET, "--check-file", answers, "--format", "gradescope",
                           "--rubric", rubric };
    return t_cli(rubric ? 8 : 6, argv, NULL);
}

START_TEST(gradescope_with_rubric)
{
    t_result r = gradescope(AG "/tests/wrong.tex", AG "/rubric.txt");
    ck_assert_int_eq(r.status, 1);
    assert_json(r.out);
    ck_assert_msg(strstr(r.out, "\"score\": 5,") &&
                  strstr(r.out, "{\"name\": \"dL/dW1\", \"score\": 0, \"max_score\": 3, "
                                "\"status\": \"failed\", \"output\": \"not equivalent: the answer "
                                "is H x 1, the gradient is H x D: missing the factor `x'`") &&
                  strstr(r.out, "{\"name\": \"dL/db1\", \"score\": 2, \"max_score\": 2, "
                                "\"status\": \"passed\", \"output\": \"equivalent\"}"),
                  "%s", r.out);
    t_result_free(&r);
}
END_TEST

/* Points from comments, one per line without; a line right given a wrong
 * one earns its points (error carried forward). */
START_TEST(gradescope_points_comments)
{
    const char *tex = "% points: 2\n\\delta_2 &= \\operatorname{softmax}(z_2) + y \\\\\n"
                      "%points 3\n\\frac{\\partial L}{\\partial W_2} &= \\delta_2 h_1^\\top \\\\\n"
                      "\\frac{\\partial L}{\\partial b_2} &= 2\\delta_2\n";
    FILE *f = fopen("build/grade_points.tex", "w");
    fputs(tex, f);
    fclose(f);
    t_result r = gradescope("build/grade_points.tex", NULL);
    ck_assert_int_eq(r.status, 1);
    assert_json(r.out);
    ck_assert_msg(strstr(r.out, "\"score\": 3,") &&
                  strstr(r.out, "\"name\": \"dL/dz2 (line 2)\", \"score\": 0, \"max_score\": 2") &&
                  strstr(r.out, "\"name\": \"dL/dW2 (line 4)\", \"score\": 3, \"max_score\": 3, "
                                "\"status\": \"passed\", \"output\": \"right given your dL/dz2") &&
                  strstr(r.out, "\"name\": \"dL/db2 (line 5)\", \"score\": 0, \"max_score\": 1"),
                  "%s", r.out);
    t_result_free(&r);
    remove("build/grade_points.tex");
}
END_TEST

/* Answers that cannot be read still make a results.json: the message with
 * its line and caret, every rubric answer at 0. */
START_TEST(gradescope_unreadable_answers)
{
    t_result r = gradescope(AG "/tests/broken.tex", AG "/rubric.txt");
    ck_assert_int_eq(r.status, 2);
    assert_json(r.out);
    ck_assert_msg(strstr(r.out, "\"score\": 0,") && strstr(r.out, "broken.tex:1:59: error: ") &&
                  strstr(r.out, "\\n    \\\\[ \\\\frac") &&
                  strstr(r.out, "\"output\": \"not checked: the answers stop at an error\""),
                  "%s", r.out);
    ck_assert_msg(strstr(r.err, "broken.tex:1:59: error: "), "%s", r.err);
    t_result_free(&r);
    /* -o gets the results too: they are whole */
    const char *argv[] = { "nnderive", NET, "--check-file", AG "/tests/broken.tex", "--format",
                           "gradescope", "-o", "build/grade_results.json" };
    r = t_cli(8, argv, NULL);
    ck_assert_int_eq(r.status, 2);
    char *json = t_read_file("build/grade_results.json");
    assert_json(json);
    free(json);
    t_result_free(&r);
    remove("build/grade_results.json");
}
END_TEST

START_TEST(rubric_errors)
{
    static const struct { const char *text, *words; } cases[] = {
        { "dL/dW2 2\ndL/db2\n", "rubric.txt:2:7: error: expected the points" },
        { "dL/dW2 2 points\n", "rubric.txt:1:10: error: unexpected text after the points" },
        { "# nothing\n", "rubric.txt:1:1: error: the rubric names no answer" },
        { "dL/dW2 -1\n", "rubric.txt:1:8: error: expected the points" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        FILE *f = fopen("build/rubric.txt", "w");
        fputs(cases[i].text, f);
        fclose(f);
        const char *argv[] = { "nnderive", NET, "--check-file", AG "/tests/right.tex",
                               "--format", "gradescope", "--rubric", "build/rubric.txt" };
        t_result r = t_cli(8, argv, NULL);
        ck_assert_msg(r.status == 2 && strstr(r.err, cases[i].words) && !r.out[0],
                      "case %zu: %d\n%s", i, r.status, r.err);
        t_result_free(&r);
    }
    remove("build/rubric.txt");
}
END_TEST

START_TEST(usage)
{
    static const char *const cases[][8] = {
        { NET, "--format", "gradescope", NULL },
        { NET, "--check-file", "x.tex", "--format", "gradescope", "--json", NULL },
        { NET, "--rubric", "r.txt", NULL },
        { NET, "--names", "a=b", NULL },
        { NET, "--check", "W1", "--answers", "latex", NULL },
        { NET, "--check-file", "x", "--answers", "html", NULL },
        { NET, "--check-file", "x", "--format", "xml", NULL },
        { NET, "--grade", "/nonexistent/dir", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *argv[9] = { "nnderive" };
        int argc = 1;
        for (int k = 0; cases[i][k]; k++)
            argv[argc++] = cases[i][k];
        t_result r = t_cli(argc, argv, NULL);
        ck_assert_msg(r.status == 2 && strstr(r.err, "nnderive: error: "), "case %zu: %d %s", i,
                      r.status, r.err);
        t_result_free(&r);
    }
}
END_TEST

/* ---- a class ---- */

static void put(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void copy(const char *dir, const char *name, const char *from)
{
    char *text = t_slurp(from);
    put(dir, name, text);
    free(text);
}

START_TEST(class_table_and_csv)
{
    const char *dir = "build/grade_class";
    (void)system("rm -rf build/grade_class && mkdir -p build/grade_class/sub");
    copy(dir, "alice.tex", AG "/tests/right.tex");
    copy(dir, "bob.tex", AG "/tests/wrong.tex");
    copy(dir, "carol.txt", AG "/tests/right.txt");
    copy(dir, "dave.tex", AG "/tests/broken.tex");
    put(dir, "erin.txt", "dL/dW2 = W2*\n");
    put(dir, "frank.tex", "\xff\xfe binary");
    put(dir, ".hidden.tex", "not graded");
    const char *argv[] = { "nnderive", NET, "--grade", dir, "--rubric", AG "/rubric.txt", "-o",
                           "build/grade_class.csv" };
    t_result r = t_cli(8, argv, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "alice.tex  8/8        -\n") &&
                  strstr(r.out, "bob.tex    5/8        dL/dW1 (line 6): not equivalent: the "
                                "answer is H x 1") &&
                  strstr(r.out, "carol.txt  8/8        -\n") &&
                  strstr(r.out, "dave.tex   0/8        dave.tex:1:59: error: unexpected end of "
                                "the row") &&
                  strstr(r.out, "erin.txt   0/8        erin.txt:2:1: error: unexpected end of input") &&
                  strstr(r.out, "frank.tex  0/8        frank.tex:1:1: error: ") &&
                  strstr(r.out, "3 files graded, 3 could not be") && !strstr(r.out, "hidden"),
                  "%s", r.out);
    char *csv = t_slurp("build/grade_class.csv");
    ck_assert_msg(!strncmp(csv, "file,status,score,max_score,first_wrong,line,reason\n"
                                "alice.tex,graded,8,8,,,\n", 76) &&
                  strstr(csv, "\nbob.tex,graded,5,8,dL/dW1,6,\"not equivalent: the answer is H x 1") &&
                  strstr(csv, "\ncarol.txt,graded,8,8,,,\n") &&
                  strstr(csv, "\ndave.tex,error,0,8,,,\"dave.tex:1:59: error:"),
                  "%s", csv);
    free(csv);
    t_result_free(&r);
    /* every file graded: status 0, whatever the scores */
    (void)system("rm -f build/grade_class/dave.tex build/grade_class/erin.txt "
                 "build/grade_class/frank.tex");
    r = t_cli(4, argv, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "3 files graded\n"), "%s", r.out);
    t_result_free(&r);
    (void)system("rm -rf build/grade_class build/grade_class.csv");
}
END_TEST

/* 200 submissions: the threads give the same table as one thread. */
START_TEST(class_threads_agree)
{
    const char *dir = "build/grade_threads";
    (void)system("rm -rf build/grade_threads && mkdir -p build/grade_threads");
    const char *from[] = { AG "/tests/right.tex", AG "/tests/wrong.tex", AG "/tests/right.txt",
                           AG "/tests/broken.tex", "examples/homework/two_layer_steps.txt" };
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "s%03d%s", i, strrchr(from[i % 5], '.'));
        copy(dir, name, from[i % 5]);
    }
    const char *argv[] = { "nnderive", NET, "--grade", dir };
    setenv("ND_JOBS", "1", 1);
    t_result one = t_cli(4, argv, NULL);
    setenv("ND_JOBS", "4", 1);
    t_result four = t_cli(4, argv, NULL);
    unsetenv("ND_JOBS");
    ck_assert_int_eq(one.status, 1);
    ck_assert_int_eq(four.status, 1);
    ck_assert_str_eq(one.out, four.out);
    ck_assert_msg(strstr(one.out, "32 files graded, 8 could not be"), "%s", one.out);
    t_result_free(&one);
    t_result_free(&four);
    (void)system("rm -rf build/grade_threads");
}
END_TEST

/* ---- the autograder, end to end ---- */

/* Runs examples/autograder/run_autograder on a submission directory holding
 * `file` (or nothing); returns results.json. */
static char *autograde(const char *file)
{
    char cmd[1024];
    const char *build = getenv("ND_BUILD") ? getenv("ND_BUILD") : "build";
    (void)system("rm -rf build/autograder_run && mkdir -p build/autograder_run/submission");
    if (file)
        copy("build/autograder_run/submission", strrchr(file, '/') + 1, file);
    snprintf(cmd, sizeof cmd,
             "AUTOGRADER_SOURCE=" AG " AUTOGRADER_SUBMISSION=build/autograder_run/submission "
             "AUTOGRADER_RESULTS=build/autograder_run/results NNDERIVE=%s/nnderive "
             "sh " AG "/run_autograder 2>build/autograder_run/stderr", build);
    ck_assert_int_eq(system(cmd), 0);
    char *json = t_read_file("build/autograder_run/results/results.json");
    ck_assert_ptr_nonnull(json);
    assert_json(json);
    return json;
}

START_TEST(autograder_end_to_end)
{
    static const struct { const char *file, *words[3]; } cases[] = {
        { AG "/tests/right.tex", { "\"score\": 8,", "\"name\": \"dL/dW1\", \"score\": 3" } },
        { AG "/tests/right.txt", { "\"score\": 8,", "4 of 4 correct" } },
        { AG "/tests/wrong.tex", { "\"score\": 5,", "missing the factor `x'`" } },
        { AG "/tests/broken.tex", { "\"score\": 0,", "broken.tex:1:59: error" } },
        { NULL, { "\"score\": 0,", "No answer file was handed in" } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *json = autograde(cases[i].file);
        for (int w = 0; w < 3 && cases[i].words[w]; w++)
            ck_assert_msg(strstr(json, cases[i].words[w]), "%s: no %s in\n%s",
                          cases[i].file ? cases[i].file : "(nothing)", cases[i].words[w], json);
        free(json);
    }
    (void)system("rm -rf build/autograder_run");
    /* the scripts Gradescope runs parse (setup.sh installs packages: not run here) */
    ck_assert_int_eq(system("bash -n " AG "/setup.sh && sh -n " AG "/run_autograder && "
                            "sh -n " AG "/make_zip.sh"), 0);
}
END_TEST

Suite *suite_grade(void)
{
    Suite *s = suite_create("grade");
    TCase *tc = tcase_create("grade");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, gradescope_with_rubric);
    tcase_add_test(tc, gradescope_points_comments);
    tcase_add_test(tc, gradescope_unreadable_answers);
    tcase_add_test(tc, rubric_errors);
    tcase_add_test(tc, usage);
    tcase_add_test(tc, class_table_and_csv);
    tcase_add_test(tc, class_threads_agree);
    tcase_add_test(tc, autograder_end_to_end);
    suite_add_tcase(s, tc);
    return s;
}
