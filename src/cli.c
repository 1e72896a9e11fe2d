/* cli.c: options -> pipeline -> one emitter. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "derive.h"
#include "elab.h"
#include "emit.h"
#include "parse.h"
#include "shape.h"

enum mode {
    MODE_TEXT, MODE_LATEX_DOC, MODE_STEPS, MODE_PATHS, MODE_C, MODE_DOT, MODE_VERIFY,
    MODE_CHECK, MODE_CHECK_FILE, MODE_JACOBIAN, MODE_HESSIAN, MODE_EXPLAIN,
};

static const char *const mode_flags[] = {
    "(text)", "--latex-doc", "--steps", "--paths", "--c", "--dot", "--verify",
    "--check", "--check-file", "--jacobian", "--hessian", "--explain",
};

typedef struct options {
    enum mode mode;
    int mode_set, latex, dot_steps;
    const char *file, *program, *of, *output, *check_expr, *check_file;
    const char *header, *name, *dims;
    int blas, colmajor;
    char **wrt;
    int n_wrt;
    verify_opts verify;
} options;

typedef struct run {
    options *opt;
    FILE *in, *out, *err;
    nd_source src;
    char *text;
    nd_ctx *ctx;
    nd_prog prog;
    int have_prog;
    strbuf result;
} run;

static const char usage_text[] =
    "usage: nnderive [OPTIONS] FILE          FILE may be - for standard input\n"
    "       nnderive [OPTIONS] -e 'PROGRAM'  the program inline\n"
    "\n"
    "Derives gradients of a matrix expression program, simplified, and checks them.\n"
    "\n"
    "modes (default: the gradients as text, in the input language):\n"
    "  --latex            LaTeX lines for an align* environment\n"
    "  --latex-doc        a whole LaTeX document\n"
    "  --steps            the chain rule step by step (with --latex: in LaTeX)\n"
    "  --paths            the contribution of each use of a variable, then their sum\n"
    "  --c                C99 source; --header FILE, --name PREFIX, --blas, --colmajor,\n"
    "                     --dims m=512,n=1024\n"
    "  --dot              the computational graph in Graphviz DOT (with --steps: and\n"
    "                     the backward graph)\n"
    "  --verify           compare with high-precision central differences\n"
    "  --check 'EXPR'     is EXPR the gradient w.r.t. the single --wrt variable?\n"
    "  --check-file FILE  check each line `dL/dW = EXPR` of FILE\n"
    "  --jacobian         the Jacobian of a vector objective w.r.t. a vector\n"
    "  --hessian          the Hessian of a scalar objective w.r.t. a vector\n"
    "  --explain          the declarations in force, inferred ones included\n"
    "\n"
    "options:\n"
    "  --wrt a,b          differentiate with respect to these (repeatable)\n"
    "  --of NAME          the objective (default: the last assignment)\n"
    "  -e PROGRAM         the program text itself instead of a FILE\n"
    "  -o FILE            write the output there (only when the run succeeds)\n"
    "  --seed N           random seed of --verify and --check (default 20261127)\n"
    "  --points N         random points of --verify and --check (default 3)\n"
    "  --precision BITS   MPFR precision of --verify and --check (default 256)\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 success, 1 verification failed or not equivalent, 2 bad input\n";

/* ---- options ---- */

static int usage_error(run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("nnderive: error: ", r->err);
    vfprintf(r->err, fmt, ap);
    fputs(" (see nnderive --help)\n", r->err);
    va_end(ap);
    return 2;
}

static int set_mode(run *r, enum mode m)
{
    options *o = r->opt;
    if (o->mode_set && o->mode != m) {
        fprintf(r->err, "nnderive: error: %s and %s cannot be combined\n",
                mode_flags[o->mode], mode_flags[m]);
        return 2;
    }
    o->mode = m;
    o->mode_set = 1;
    return 0;
}

static void add_wrt(options *o, const char *list)
{
    char *copy = xstrdup(list), *save = NULL;
    for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        o->wrt = xrealloc(o->wrt, (size_t)(o->n_wrt + 1) * sizeof *o->wrt);
        o->wrt[o->n_wrt++] = xstrdup(t);
    }
    if (!o->wrt)
        o->wrt = xmalloc(sizeof *o->wrt);     /* --wrt given, even if empty */
    free(copy);
}

/* The value of an option: `--opt=value` or the next argument. */
static const char *option_value(int argc, char **argv, int *i, const char *eq)
{
    if (eq)
        return eq + 1;
    if (*i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static int parse_number(run *r, const char *flag, const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end || errno || n < lo || n > hi) {
        fprintf(r->err, "nnderive: error: %s needs a number from %ld to %ld, not '%s'\n",
                flag, lo, hi, v);
        return 2;
    }
    *out = n;
    return 0;
}

static int flag_option(run *r, const char *name)
{
    static const struct { const char *name; enum mode mode; } flags[] = {
        { "--latex-doc", MODE_LATEX_DOC }, { "--steps", MODE_STEPS },
        { "--paths", MODE_PATHS },         { "--c", MODE_C },
        { "--verify", MODE_VERIFY },       { "--jacobian", MODE_JACOBIAN },
        { "--hessian", MODE_HESSIAN },     { "--explain", MODE_EXPLAIN },
    };
    options *o = r->opt;
    if (!strcmp(name, "--latex"))
        return o->latex = 1, 0;
    if (!strcmp(name, "--blas"))
        return o->blas = 1, 0;
    if (!strcmp(name, "--colmajor"))
        return o->colmajor = 1, 0;
    if (!strcmp(name, "--dot")) {
        o->dot_steps = o->mode_set && o->mode == MODE_STEPS;
        if (o->dot_steps)
            return o->mode = MODE_DOT, 0;
        return set_mode(r, MODE_DOT);
    }
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        if (!strcmp(name, flags[i].name)) {
            if (flags[i].mode == MODE_STEPS && o->mode_set && o->mode == MODE_DOT)
                return o->dot_steps = 1, 0;
            return set_mode(r, flags[i].mode);
        }
    return -1;
}

static int value_option(run *r, const char *name, const char *v)
{
    options *o = r->opt;
    long n;
    if (!strcmp(name, "--wrt"))
        add_wrt(o, v);
    else if (!strcmp(name, "--of"))
        o->of = v;
    else if (!strcmp(name, "-e"))
        o->program = v;
    else if (!strcmp(name, "-o"))
        o->output = v;
    else if (!strcmp(name, "--check"))
        return o->check_expr = v, set_mode(r, MODE_CHECK);
    else if (!strcmp(name, "--check-file"))
        return o->check_file = v, set_mode(r, MODE_CHECK_FILE);
    else if (!strcmp(name, "--header"))
        o->header = v;
    else if (!strcmp(name, "--name"))
        o->name = v;
    else if (!strcmp(name, "--dims"))
        o->dims = v;
    else if (!strcmp(name, "--seed"))
        return parse_number(r, name, v, 0, 2147483647L, &n) ? 2 : (o->verify.seed = (uint64_t)n, 0);
    else if (!strcmp(name, "--points"))
        return parse_number(r, name, v, 1, 100, &n) ? 2 : (o->verify.points = (int)n, 0);
    else if (!strcmp(name, "--precision"))
        return parse_number(r, name, v, 64, 100000, &n) ? 2 : (o->verify.prec = n, 0);
    else
        return -1;
    return 0;
}

static const char *const value_options[] = {
    "--wrt", "--of", "-e", "-o", "--check", "--check-file", "--header", "--name",
    "--dims", "--seed", "--points", "--precision",
};

static int takes_value(const char *name)
{
    for (size_t i = 0; i < sizeof value_options / sizeof *value_options; i++)
        if (!strcmp(name, value_options[i]))
            return 1;
    return 0;
}

/* Returns -1 to go on, or an exit status (0 after --help/--version). */
static int parse_options(run *r, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return fputs(usage_text, r->out), 0;
        if (!strcmp(a, "--version"))
            return fprintf(r->out, "nnderive %s\n", ND_VERSION), 0;
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (r->opt->file)
                return usage_error(r, "more than one input file ('%s')", a);
            r->opt->file = a;
            continue;
        }
        char name[64];
        const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
        if (takes_value(name)) {
            const char *v = option_value(argc, argv, &i, eq);
            if (!v)
                return usage_error(r, "%s needs a value", name);
            int st = value_option(r, name, v);
            if (st)
                return st;
        } else if (eq) {
            return usage_error(r, "option '%s' takes no value", name);
        } else {
            int st = flag_option(r, name);
            if (st == -1)
                return usage_error(r, "unknown option '%s'", a);
            if (st)
                return st;
        }
    }
    if (!r->opt->file == !r->opt->program)
        return usage_error(r, "%s", r->opt->file ? "give either a FILE or -e PROGRAM, not both"
                                                  : "no input: give a FILE, - or -e PROGRAM");
    return -1;
}

/* ---- input ---- */

static char *read_stream(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int read_input(run *r)
{
    options *o = r->opt;
    if (o->program) {
        r->text = xstrdup(o->program);
        r->src.len = strlen(r->text);
        r->src.name = "<expr>";
    } else if (!strcmp(o->file, "-")) {
        r->text = read_stream(r->in, &r->src.len);
        r->src.name = "<stdin>";
    } else {
        FILE *f = fopen(o->file, "rb");
        if (!f) {
            fprintf(r->err, "nnderive: error: cannot read '%s': %s\n", o->file, strerror(errno));
            return 2;
        }
        r->text = read_stream(f, &r->src.len);
        fclose(f);
        r->src.name = o->file;
    }
    r->src.text = r->text;
    return 0;
}

/* ---- the pipeline ---- */

static int flush_diag(run *r, int status)
{
    fputs(sb_str(&r->ctx->diag), r->err);
    sb_clear(&r->ctx->diag);
    return status;
}

static int front_end(run *r)
{
    ast_program tree = { 0 };
    nd_loc loc;
    char *msg = NULL;
    if (parse_source(&r->src, PARSE_PROGRAM, &tree, NULL, &r->ctx->diag, &loc, &msg)) {
        free(msg);
        return flush_diag(r, 2);
    }
    elab_opts eo = { r->opt->of, (const char *const *)r->opt->wrt, r->opt->n_wrt };
    nd_ctx *ctx = r->ctx;
    CTX_TRY(ctx, jb) {
        elab_program(ctx, &tree, &eo, &r->prog);
        r->have_prog = 1;
    } else {
        program_free(&tree);
        r->have_prog = 1;
    }
    CTX_END_TRY(ctx, jb);
    return ctx->err_kind != ERR_NONE ? flush_diag(r, 2) : 0;
}

/* A gradient needs a scalar objective. */
static int require_scalar(run *r)
{
    nd_ctx *ctx = r->ctx;
    nd_binding *b = &ctx->binds[r->prog.objective];
    if (shape_is_scalar(ctx, b->node->shape))
        return 0;
    ctx_error(ctx, b->loc, "the objective '%s' is %s, not a scalar: a gradient needs a scalar "
                           "objective (--jacobian differentiates a vector)",
              b->name, shape_str(ctx, b->node->shape));
    return flush_diag(r, 2);
}

static nd_node **gradients(run *r)
{
    nd_ctx *ctx = r->ctx;
    nd_node **g = xmalloc(((size_t)r->prog.n_wrt + 1) * sizeof *g);
    derive_gradients(ctx, ctx->binds[r->prog.objective].node, r->prog.wrt, r->prog.n_wrt, g);
    emit_simplify_all(ctx, g, r->prog.n_wrt);
    return g;
}

static int mode_text(run *r)
{
    if (require_scalar(r))
        return 2;
    nd_node **g = gradients(r);
    if (r->opt->latex)
        emit_latex_gradients(r->ctx, &r->prog, g, &r->result, 0);
    else
        emit_text_gradients(r->ctx, &r->prog, g, &r->result);
    free(g);
    return 0;
}

static int mode_latex_doc(run *r)
{
    if (require_scalar(r))
        return 2;
    nd_node **g = gradients(r);
    emit_latex_gradients(r->ctx, &r->prog, g, &r->result, 1);
    free(g);
    return 0;
}

static int mode_verify(run *r)
{
    if (require_scalar(r))
        return 2;
    nd_ctx *ctx = r->ctx;
    nd_node **g = gradients(r);
    double *err = xmalloc(((size_t)r->prog.n_wrt + 1) * sizeof *err);
    int st = verify_gradients(ctx, ctx->binds[r->prog.objective].node, r->prog.wrt, g,
                              r->prog.n_wrt, &r->opt->verify, err);
    if (st != 2)
        emit_verify_report(ctx, &r->prog, err, &r->opt->verify, st, &r->result);
    free(err);
    free(g);
    return st == 2 ? flush_diag(r, 2) : st;
}

static int mode_explain(run *r)
{
    emit_explain(r->ctx, &r->prog, &r->result);
    return 0;
}

/* The single variable --check compares against. */
static int check_var(run *r)
{
    if (r->prog.n_wrt == 1)
        return 0;
    fprintf(r->err, "nnderive: error: --check compares the gradient w.r.t. one variable; "
                    "the program has %d: pick one with --wrt\n", r->prog.n_wrt);
    return 2;
}

/* Elaborates an answer; returns NULL with *status set when it is not usable. */
static nd_node *answer_node(run *r, const ast *expr, strbuf *reason, int *status)
{
    nd_ctx *ctx = r->ctx;
    nd_node *volatile n = NULL;
    CTX_TRY(ctx, jb) {
        n = elab_answer(ctx, expr);
    }
    CTX_END_TRY(ctx, jb);
    if (n)
        return n;
    *status = ctx->err_kind == ERR_SHAPE ? 1 : 2;
    if (*status == 1)
        sb_printf(reason, "%s", ctx->err_msg);
    ctx->err_kind = ERR_NONE;
    free(ctx->err_msg);
    ctx->err_msg = NULL;
    return NULL;
}

/* One verdict line: "equivalent" or "not equivalent: REASON". */
static int verdict(run *r, const char *label, nd_node *grad, nd_node *answer, int var,
                   const char *why)
{
    strbuf reason;
    sb_init(&reason);
    if (why)
        sb_puts(&reason, why);
    enum check_verdict v = why ? CHECK_DIFFERENT
                               : check_answer(r->ctx, grad, answer, var, &r->opt->verify, &reason);
    if (v != CHECK_ERROR) {
        if (label)
            sb_printf(&r->result, "%s: ", label);
        if (v == CHECK_EQUIVALENT)
            sb_puts(&r->result, "equivalent\n");
        else
            sb_printf(&r->result, "not equivalent: %s\n", sb_str(&reason));
    }
    sb_free(&reason);
    return v == CHECK_EQUIVALENT ? 0 : v == CHECK_DIFFERENT ? 1 : 2;
}

static int mode_check(run *r)
{
    if (require_scalar(r) || check_var(r))
        return 2;
    nd_source src = { "<check>", r->opt->check_expr, strlen(r->opt->check_expr) };
    ast *expr = NULL;
    nd_loc loc;
    char *msg = NULL;
    if (parse_source(&src, PARSE_EXPR, NULL, &expr, &r->ctx->diag, &loc, &msg)) {
        free(msg);
        return flush_diag(r, 2);
    }
    nd_node **g = gradients(r);
    strbuf why;
    sb_init(&why);
    int st = 0;
    nd_node *ans = answer_node(r, expr, &why, &st);
    if (st == 2) {
        st = flush_diag(r, 2);
    } else {
        sb_clear(&r->ctx->diag);
        st = verdict(r, NULL, g[0], ans, r->prog.wrt[0], ans ? NULL : sb_str(&why));
        if (st == 2)
            flush_diag(r, 2);
    }
    sb_free(&why);
    ast_free(expr);
    free(g);
    return st;
}

/* A line dOF/dWRT = EXPR of a check file. */
static int check_file_line(run *r, const ast_stmt *st, nd_node **g)
{
    nd_ctx *ctx = r->ctx;
    const char *of = st->names.v[0].name, *wrt = st->names.v[1].name;
    const char *objective = ctx->binds[r->prog.objective].name;
    if (of[0] != 'd' || strcmp(of + 1, objective) != 0 || wrt[0] != 'd')
        ctx_fail(ctx, st->names.v[0].loc, "expected d%s/dVARIABLE, the gradient of the "
                                          "objective '%s'", objective, objective);
    for (int i = 0; i < r->prog.n_wrt; i++)
        if (!strcmp(ctx->vars[r->prog.wrt[i]].name, wrt + 1)) {
            strbuf why;
            sb_init(&why);
            int status = 0;
            nd_node *ans = answer_node(r, st->expr, &why, &status);
            if (status == 2)
                ctx_throw(ctx);
            char label[300];
            snprintf(label, sizeof label, "%s/%s", of, wrt);
            int v = verdict(r, label, g[i], ans, r->prog.wrt[i], ans ? NULL : sb_str(&why));
            sb_free(&why);
            return v;
        }
    ctx_fail(ctx, st->names.v[1].loc, "'%s' is not a variable the gradient is taken with "
                                      "respect to (see --wrt)", wrt + 1);
}

static int run_check_lines(run *r, ast_program *lines, nd_node **g)
{
    nd_ctx *ctx = r->ctx;
    int worst = 0;
    for (const ast_stmt *st = lines->first; st; st = st->next) {
        if (st->kind == ST_ASSIGN) {
            struct nd_sym *s = ctx_lookup(ctx, st->names.v[0].name);
            if (!s || s->kind != SYM_BIND)  /* the program's own bindings may be restated */
                elab_answer_binding(ctx, st->names.v[0].name, st->names.v[0].loc, st->expr);
            continue;
        }
        int v = check_file_line(r, st, g);
        if (v > worst)
            worst = v;
    }
    return worst;
}

static int mode_check_file(run *r)
{
    if (require_scalar(r))
        return 2;
    size_t len;
    FILE *f = fopen(r->opt->check_file, "rb");
    if (!f) {
        fprintf(r->err, "nnderive: error: cannot read '%s': %s\n", r->opt->check_file,
                strerror(errno));
        return 2;
    }
    char *text = read_stream(f, &len);
    fclose(f);
    nd_source src = { r->opt->check_file, text, len };
    ast_program lines = { 0 };
    nd_loc loc;
    char *msg = NULL;
    int st;
    if (parse_source(&src, PARSE_GRADS, &lines, NULL, &r->ctx->diag, &loc, &msg)) {
        free(msg);
        free(text);
        return flush_diag(r, 2);
    }
    nd_node **g = gradients(r);
    nd_ctx *ctx = r->ctx;
    st = 2;
    CTX_TRY(ctx, jb) {
        st = run_check_lines(r, &lines, g);
    }
    CTX_END_TRY(ctx, jb);
    if (ctx->err_kind != ERR_NONE)
        st = flush_diag(r, 2);
    program_free(&lines);
    free(g);
    free(text);
    return st;
}

static int not_yet(run *r)
{
    fprintf(r->err, "nnderive: error: %s is not implemented yet\n", mode_flags[r->opt->mode]);
    return 2;
}

static int dispatch(run *r)
{
    switch (r->opt->mode) {
    case MODE_TEXT: return mode_text(r);
    case MODE_LATEX_DOC: return mode_latex_doc(r);
    case MODE_VERIFY: return mode_verify(r);
    case MODE_CHECK: return mode_check(r);
    case MODE_CHECK_FILE: return mode_check_file(r);
    case MODE_EXPLAIN: return mode_explain(r);
    default: return not_yet(r);
    }
}

/* -o: written whole, and only when the run succeeds. */
static int write_output(run *r, int status)
{
    const char *path = r->opt->output;
    if (!path || status != 0) {
        fputs(sb_str(&r->result), r->out);
        return status;
    }
    strbuf tmp;
    sb_init(&tmp);
    sb_printf(&tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(sb_str(&tmp), "wb");
    int ok = f && fwrite(r->result.s ? r->result.s : "", 1, r->result.len, f) == r->result.len;
    ok = f && fclose(f) == 0 && ok;
    if (ok && rename(sb_str(&tmp), path) != 0)
        ok = 0;
    if (!ok) {
        fprintf(r->err, "nnderive: error: cannot write '%s': %s\n", path, strerror(errno));
        remove(sb_str(&tmp));
    }
    sb_free(&tmp);
    return ok ? 0 : 2;
}

static void release(run *r)
{
    if (r->have_prog)
        prog_free(&r->prog);
    ctx_free(r->ctx);
    free(r->text);
    sb_free(&r->result);
    for (int i = 0; i < r->opt->n_wrt; i++)
        free(r->opt->wrt[i]);
    free(r->opt->wrt);
}

int cli_main(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
    options opt;
    memset(&opt, 0, sizeof opt);
    verify_defaults(&opt.verify);
    run r;
    memset(&r, 0, sizeof r);
    r.opt = &opt;
    r.in = in;
    r.out = out;
    r.err = err;
    sb_init(&r.result);
    int st = parse_options(&r, argc, argv);
    if (st < 0)
        st = read_input(&r);
    else
        st = st ? st : -1;      /* --help, --version: done */
    if (st == 0) {
        r.ctx = ctx_new(&r.src);
        st = front_end(&r);
        if (st == 0)
            st = dispatch(&r);
        flush_diag(&r, st);
        st = write_output(&r, st);
    }
    release(&r);
    return st < 0 ? 0 : st;
}
