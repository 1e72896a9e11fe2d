/* helpers.c: running programs through the library and the CLI. */
#define _GNU_SOURCE
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "run.h"

const char *const t_examples[T_N_EXAMPLES] = {
    "examples/autoencoder.nd", "examples/autoencoder_tanh.nd",
    "examples/two_layer_swish.nd", "examples/two_layer_swish_batch.nd",
};

char *t_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    strbuf b;
    sb_init(&b);
    char chunk[4096];
    for (size_t n; (n = fread(chunk, 1, sizeof chunk, f)) > 0;)
        sb_putn(&b, chunk, n);
    fclose(f);
    char *text = strdup(sb_str(&b));
    sb_free(&b);
    return text;
}

char *t_slurp(const char *path)
{
    char *text = t_read_file(path);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    return text;
}

int t_verify(const char *program, double *worst)
{
    nd_session *s = nd_open("<test>", program, strlen(program), NULL);
    char *report = NULL;
    int st = nd_status(s) ? nd_status(s) : nd_verify(s, &report, worst);
    if (st == 2)
        fprintf(stderr, "t_verify: %s\n%s", program, nd_diagnostics(s));
    nd_free(report);
    nd_close(s);
    return st;
}

int t_check(const char *program, const char *answer)
{
    nd_session *s = nd_open("<test>", program, strlen(program), NULL);
    char *verdict = NULL;
    int st = nd_status(s) ? nd_status(s) : nd_check(s, answer, &verdict);
    if (st == 2)
        fprintf(stderr, "t_check: %s\n%s", program, nd_diagnostics(s));
    nd_free(verdict);
    nd_close(s);
    return st;
}

char *t_emit(const char *program, enum nd_format fmt)
{
    nd_session *s = nd_open("<test>", program, strlen(program), NULL);
    char *out = NULL;
    int st = nd_status(s) ? nd_status(s) : nd_emit(s, fmt, NULL, &out);
    if (st) {
        nd_free(out);
        out = NULL;
    }
    nd_close(s);
    return out;
}

const char *t_error(const char *program)
{
    static char buf[1024];
    nd_session *s = nd_open("<test>", program, strlen(program), NULL);
    char *out = NULL;
    if (!nd_status(s))
        nd_emit(s, ND_TEXT, NULL, &out);
    nd_position pos;
    buf[0] = '\0';
    if (nd_first_error(s, &pos))
        snprintf(buf, sizeof buf, "%s", pos.message);
    nd_free(out);
    nd_close(s);
    return buf;
}

t_result t_cli(int argc, const char *const *argv, const char *stdin_text)
{
    t_result r = { 0, NULL, NULL };
    size_t outlen, errlen;
    FILE *out = open_memstream(&r.out, &outlen), *err = open_memstream(&r.err, &errlen);
    FILE *in = tmpfile();
    if (stdin_text)
        fputs(stdin_text, in);
    rewind(in);
    char **args = malloc(((size_t)argc + 1) * sizeof *args);
    for (int i = 0; i < argc; i++)
        args[i] = strdup(argv[i]);
    args[argc] = NULL;
    r.status = cli_main(argc, args, in, out, err);
    for (int i = 0; i < argc; i++)
        free(args[i]);
    free(args);
    fclose(in);
    fclose(out);
    fclose(err);
    return r;
}

void t_result_free(t_result *r)
{
    free(r->out);
    free(r->err);
}

void t_internal_open(t_internal *t, const char *program)
{
    memset(&t->src, 0, sizeof t->src);
    t->src.name = "<test>";
    t->src.text = program;
    t->src.len = strlen(program);
    t->ctx = run_new(&t->src);
    ast_program tree = { 0 };
    nd_ctx *ctx = t->ctx;
    DIAG_TRY(ctx, jb) {
        parse_source(ctx, &t->src, PARSE_PROGRAM, &tree, NULL);
        elab_program(ctx, &tree, NULL, &t->prog);
    } else {
        program_free(&tree);
    }
    DIAG_END_TRY(ctx, jb);
    if (ctx->err->err_kind != ERR_NONE)
        ck_abort_msg("error in:\n%s\n%s", program, sb_str(&ctx->err->diag));
}

void t_internal_free(t_internal *t)
{
    prog_free(&t->prog);
    run_free(t->ctx);
}

/* The status of the output fmt of program read back as answers (LaTeX
 * when latex is set), or -1 when there is no output to read. */
int t_read_back(const char *program, enum nd_format fmt, int latex, char **verdicts)
{
    nd_session *s = nd_open("prog.nd", program, strlen(program), NULL);
    char *out = NULL;
    int st = nd_emit(s, fmt, NULL, &out);
    nd_close(s);
    if (st) {
        nd_free(out);
        return -1;
    }
    s = nd_open("prog.nd", program, strlen(program), NULL);
    st = nd_check_file(s, latex ? "out.tex" : "out.txt", out, strlen(out),
                       latex ? ND_CHECK_LATEX : 0, verdicts);
    if (st == 2) {
        char *d = strdup(nd_diagnostics(s));
        nd_free(*verdicts);
        *verdicts = d;
    }
    nd_free(out);
    nd_close(s);
    return st;
}
