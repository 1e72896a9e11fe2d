/* test_cli.c: the command line: -o written only on success, stdin,
 * option spellings, exit statuses. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "helpers.h"
#include "strbuf.h"

START_TEST(output_file_on_success)
{
    char path[] = "/tmp/nd_out_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    const char *argv[] = { "nnderive", "examples/autoencoder.nd", "-o", path };
    t_result r = t_cli(4, argv, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    char *text = t_read_file(path);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "dL/dW = "));
    free(text);
    unlink(path);
    t_result_free(&r);
}
END_TEST

/* -o through a symbolic link writes the file it names and keeps the link
 * (renaming over it would not): the same path /dev/stdout and /dev/null
 * take. */
START_TEST(output_through_a_link)
{
    char dir[] = "/tmp/nd_link_XXXXXX";
    ck_assert(mkdtemp(dir) != NULL);
    char target[64], link[64];
    snprintf(target, sizeof target, "%s/target.c", dir);
    snprintf(link, sizeof link, "%s/link.c", dir);
    FILE *f = fopen(target, "w");
    fclose(f);
    ck_assert_int_eq(symlink(target, link), 0);
    const char *argv[] = { "nnderive", "examples/autoencoder.nd", "--c", "-o", link };
    t_result r = t_cli(5, argv, NULL);
    ck_assert_int_eq(r.status, 0);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert_msg(S_ISLNK(st.st_mode), "-o replaced the link by a file");
    char *text = t_read_file(target);
    ck_assert_ptr_nonnull(strstr(text, "nd_autoencoder_eval"));
    free(text);
    t_result_free(&r);
    unlink(link);
    unlink(target);
    rmdir(dir);
}
END_TEST

START_TEST(no_output_file_on_failure)
{
    char path[] = "/tmp/nd_out_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    const char *bad[] = { "nnderive", "-e", "L = sum(x", "-o", path };
    t_result r = t_cli(5, bad, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_int_ne(access(path, F_OK), 0);
    t_result_free(&r);
    /* not equivalent: status 1, nothing written either */
    const char *ne[] = { "nnderive", "examples/autoencoder.nd", "--check", "W", "-o", path };
    r = t_cli(6, ne, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_ptr_nonnull(strstr(r.out, "not equivalent"));
    t_result_free(&r);
}
END_TEST

/* ---- outputs never replace inputs; -o and --header together or not at all ---- */

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Runs argv (NULL-terminated) with @ in a word replaced by dir. */
static t_result run_in(const char *dir, const char *const *words)
{
    char *argv[16] = { NULL };
    int argc = 0;
    for (; words[argc]; argc++) {
        strbuf w;
        sb_init(&w);
        for (const char *c = words[argc]; *c; c++)
            if (*c == '@')
                sb_puts(&w, dir);
            else
                sb_putc(&w, *c);
        argv[argc] = strdup(sb_str(&w));
        sb_free(&w);
    }
    t_result r = t_cli(argc, (const char *const *)argv, NULL);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    return r;
}

START_TEST(output_over_the_input_refused)
{
    char dir[] = "/tmp/nd_same_XXXXXX", prog[64], link[64], ans[64];
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(prog, sizeof prog, "%s/p.nd", dir);
    snprintf(link, sizeof link, "%s/link.nd", dir);
    snprintf(ans, sizeof ans, "%s/p.grad", dir);
    char *text = t_slurp("examples/autoencoder.nd");
    put_file(prog, text);
    put_file(ans, "dL/dW = W\n");
    ck_assert_int_eq(symlink(prog, link), 0);
    const char *cases[][8] = {
        { "nnderive", "@/p.nd", "-o", "@/p.nd", NULL },
        { "nnderive", "@/p.nd", "-o", "@/./p.nd", NULL },
        { "nnderive", "@/p.nd", "-o", "@/link.nd", NULL },        /* the same inode */
        { "nnderive", "@/link.nd", "-o", "@/p.nd", NULL },
        { "nnderive", "@/p.nd", "--c", "--header", "@/p.nd", NULL },
        { "nnderive", "@/p.nd", "--check-file", "@/p.grad", "-o", "@/p.grad", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        t_result r = run_in(dir, cases[i]);
        ck_assert_msg(r.status == 2, "case %zu: status %d", i, r.status);
        ck_assert_msg(strstr(r.err, "it would be overwritten") != NULL, "case %zu: %s", i, r.err);
        char *now = t_slurp(prog);
        ck_assert_str_eq(now, text);
        free(now);
        now = t_slurp(ans);
        ck_assert_str_eq(now, "dL/dW = W\n");
        free(now);
        t_result_free(&r);
    }
    /* the program read from standard input, -o the file it comes from */
    FILE *in = fopen(prog, "rb"), *out = tmpfile(), *err = tmpfile();
    char a0[] = "nnderive", a1[] = "-", a2[] = "-o";
    char *argv[] = { a0, a1, a2, prog, NULL };
    ck_assert_int_eq(cli_main(4, argv, in, out, err), 2);
    fclose(in);
    fclose(out);
    fclose(err);
    char *now = t_slurp(prog);
    ck_assert_str_eq(now, text);
    free(now);
    free(text);
    unlink(link);
    unlink(prog);
    unlink(ans);
    rmdir(dir);
}
END_TEST

START_TEST(header_and_output_together)
{
    char dir[] = "/tmp/nd_hdr_XXXXXX", c[64], h[64];
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(c, sizeof c, "%s/f.c", dir);
    snprintf(h, sizeof h, "%s/f.h", dir);
    /* the same file twice (not there yet): refused, nothing written */
    const char *same[] = { "nnderive", "examples/autoencoder.nd", "--c", "-o", "@/f.c",
                           "--header", "@/./f.c", NULL };
    t_result r = run_in(dir, same);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "are the same file"));
    ck_assert(!exists(c));
    t_result_free(&r);
    /* -o cannot be written: no header either */
    const char *bad_o[] = { "nnderive", "examples/autoencoder.nd", "--c", "-o", "@/none/f.c",
                            "--header", "@/f.h", NULL };
    r = run_in(dir, bad_o);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "cannot write"));
    ck_assert_msg(!exists(h), "--header was written although -o failed");
    t_result_free(&r);
    /* a failing program: neither */
    const char *bad_prog[] = { "nnderive", "-e", "L = sum(x", "--c", "-o", "@/f.c", "--header",
                               "@/f.h", NULL };
    r = run_in(dir, bad_prog);
    ck_assert_int_eq(r.status, 2);
    ck_assert(!exists(c) && !exists(h));
    t_result_free(&r);
    /* success: both, and no temporary left */
    const char *ok[] = { "nnderive", "examples/autoencoder.nd", "--c", "-o", "@/f.c",
                         "--header", "@/f.h", NULL };
    r = run_in(dir, ok);
    ck_assert_int_eq(r.status, 0);
    ck_assert(exists(c) && exists(h));
    t_result_free(&r);
    unlink(c);
    unlink(h);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* Reading stops past ND_MAX_INPUT: an endless input is refused, not read
 * whole (without the limit this test would run out of memory). */
START_TEST(endless_input_refused)
{
    for (int i = 0; i < 2; i++) {
        char a0[] = "nnderive", stdin_path[] = "-", zero[] = "/dev/zero";
        FILE *in = fopen("/dev/zero", "rb");
        char *out_s = NULL, *err_s = NULL;
        size_t out_n, err_n;
        FILE *out = open_memstream(&out_s, &out_n), *err = open_memstream(&err_s, &err_n);
        char *argv[] = { a0, i == 0 ? stdin_path : zero, NULL };
        ck_assert_int_eq(cli_main(2, argv, in, out, err), 2);
        fclose(in);
        fclose(out);
        fclose(err);
        char want[128];
        snprintf(want, sizeof want, "nnderive: error: '%s' is too large (the limit is 64 MiB)\n",
                 i == 0 ? "<stdin>" : "/dev/zero");
        ck_assert_str_eq(err_s, want);
        ck_assert_str_eq(out_s, "");
        free(out_s);
        free(err_s);
    }
}
END_TEST

START_TEST(option_spellings)
{
    const char *a[] = { "nnderive", "--wrt=b2", "examples/two_layer_swish.nd" };
    t_result r = t_cli(3, a, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "dL/db2 = softmax(z2) - y"));
    ck_assert_ptr_null(strstr(r.out, "dL/dW1"));
    t_result_free(&r);
    const char *b[] = { "nnderive", "--wrt", "b2", "--wrt", "W2", "examples/two_layer_swish.nd" };
    r = t_cli(6, b, NULL);
    ck_assert_ptr_nonnull(strstr(r.out, "dL/db2 = t1\ndL/dW2 = t1*h1'"));
    t_result_free(&r);
}
END_TEST

START_TEST(help_and_version)
{
    const char *h[] = { "nnderive", "--help" };
    t_result r = t_cli(2, h, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: nnderive"));
    t_result_free(&r);
}
END_TEST

START_TEST(usage_errors)
{
    const char *cases[][4] = {
        { "nnderive", "--points", "0", "examples/autoencoder.nd" },
        { "nnderive", "--seed", "x", "examples/autoencoder.nd" },
        { "nnderive", "-e", "L = x'*x", "examples/autoencoder.nd" },
        { "nnderive", "--verify=1", "examples/autoencoder.nd", NULL },
        { "nnderive", "examples/autoencoder.nd", "--wrt", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int argc = cases[i][3] ? 4 : 3;
        t_result r = t_cli(argc, cases[i], NULL);
        ck_assert_msg(r.status == 2, "case %zu: status %d", i, r.status);
        ck_assert_ptr_nonnull(strstr(r.err, "error:"));
        t_result_free(&r);
    }
}
END_TEST

/* The seed makes --verify reproducible, and another seed agrees too. */
START_TEST(seeds)
{
    const char *a[] = { "nnderive", "examples/autoencoder_tanh.nd", "--verify", "--seed", "7" };
    t_result r1 = t_cli(5, a, NULL), r2 = t_cli(5, a, NULL);
    ck_assert_int_eq(r1.status, 0);
    ck_assert_str_eq(r1.out, r2.out);
    t_result_free(&r1);
    t_result_free(&r2);
}
END_TEST

START_TEST(library_positions)
{
    const char *p = "x : vector(n)\nL = sum(x) +\n";
    nd_session *s = nd_open("prog.nd", p, strlen(p), NULL);
    ck_assert_int_eq(nd_status(s), 2);
    nd_position pos;
    ck_assert(nd_first_error(s, &pos));
    ck_assert_str_eq(pos.file, "prog.nd");
    ck_assert_int_eq(pos.line, 3);
    ck_assert_ptr_nonnull(strstr(pos.message, "end of input"));
    nd_close(s);
}
END_TEST

/* ---- the README's examples run and print what it says ---- */

/* Splits a shell command line (quotes '...' and "..." may span lines). */
static int split_words(const char *cmd, char **argv, int max)
{
    int argc = 0;
    const char *p = cmd;
    while (*p && argc < max) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        char *w = malloc(strlen(p) + 1), *o = w;
        char q = 0;
        for (; *p && (q || *p != ' '); p++) {
            if (!q && (*p == '\'' || *p == '"'))
                q = *p;
            else if (q && *p == q)
                q = 0;
            else
                *o++ = *p;
        }
        *o = '\0';
        argv[argc++] = w;
    }
    return argc;
}

static int quotes_open(const char *s)
{
    char q = 0;
    for (; *s; s++)
        if (!q && (*s == '\'' || *s == '"'))
            q = *s;
        else if (q && *s == q)
            q = 0;
    return q != 0;
}

/* Runs one "$ ./build/nnderive ..." example; returns the lines consumed. */
static int readme_example(const char *doc, char **lines, int n, int at)
{
    strbuf cmd, want;
    sb_init(&cmd);
    sb_init(&want);
    sb_puts(&cmd, lines[at] + strlen("    $ ./build/"));
    int i = at + 1;
    for (; i < n && quotes_open(sb_str(&cmd)); i++)   /* without the block's indent */
        sb_printf(&cmd, "\n%s", lines[i] + (strncmp(lines[i], "    ", 4) ? 0 : 4));
    for (; i < n && !strncmp(lines[i], "    ", 4) && strncmp(lines[i], "    $ ", 6); i++)
        sb_printf(&want, "%s\n", lines[i] + 4);
    char *argv[32];
    int argc = split_words(sb_str(&cmd), argv, 32);
    t_result r = t_cli(argc, (const char *const *)argv, NULL);
    strbuf got;
    sb_init(&got);
    sb_printf(&got, "%s%s", r.err, r.out);  /* the README shows both, errors first */
    ck_assert_msg(!strcmp(sb_str(&got), sb_str(&want)),
                  "%s line %d: $ %s\nprints:\n%s\nit says:\n%s", doc, at + 1,
                  sb_str(&cmd), sb_str(&got), sb_str(&want));
    for (int k = 0; k < argc; k++)
        free(argv[k]);
    t_result_free(&r);
    sb_free(&got);
    sb_free(&cmd);
    sb_free(&want);
    return i - at;
}

/* The documents whose examples are run (each must have some). */
static const char *const docs[] = { "README.md", "docs/checking.md", "docs/latex-answers.md" };
static const int min_examples[] = { 5, 1, 2 };

START_TEST(readme_examples)
{
    char *text = t_read_file(docs[_i]);
    ck_assert_ptr_nonnull(text);
    char *lines[4096];
    int n = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < 4096;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    int examples = 0;
    for (int i = 0; i < n; i++)
        if (!strncmp(lines[i], "    $ ./build/nnderive ", 23)) {
            i += readme_example(docs[_i], lines, n, i) - 1;
            examples++;
        }
    ck_assert_int_ge(examples, min_examples[_i]);
    free(text);
}
END_TEST

/* make install into a temporary DESTDIR; a program built with pkg-config. */
START_TEST(install_and_build_against_it)
{
    const char *build = getenv("ND_BUILD");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sh tests/install/run.sh %s", build ? build : "build");
    ck_assert_msg(system(cmd) == 0, "tests/install_test.sh failed");
}
END_TEST

Suite *suite_cli(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, output_file_on_success);
    tcase_add_test(tc, no_output_file_on_failure);
    tcase_add_test(tc, output_through_a_link);
    tcase_add_test(tc, output_over_the_input_refused);
    tcase_add_test(tc, header_and_output_together);
    tcase_add_test(tc, endless_input_refused);
    tcase_add_test(tc, option_spellings);
    tcase_add_test(tc, help_and_version);
    tcase_add_test(tc, usage_errors);
    tcase_add_test(tc, seeds);
    tcase_add_test(tc, library_positions);
    tcase_add_loop_test(tc, readme_examples, 0, (int)(sizeof docs / sizeof *docs));
    tcase_add_test(tc, install_and_build_against_it);
    suite_add_tcase(s, tc);
    return s;
}

