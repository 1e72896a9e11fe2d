/* session.c: the library's pipeline behind nnderive.h:
 * parse -> elaborate -> derive -> simplify -> one emitter. */
#include "nnderive.h"
#include "version.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <mpfr.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg.h"
#include "check.h"
#include "derive.h"
#include "elab.h"
#include "emit.h"
#include "grade.h"
#include "jacobian.h"
#include "latex.h"
#include "parse.h"
#include "run.h"
#include "scope.h"
#include "shape.h"
#include "simplify.h"

struct nd_session {
    nd_source src;
    char *text, *name;
    nd_ctx *ctx;
    nd_prog prog;           /* zero until elaborated: prog_free is safe */
    int status;
    verify_opts verify;
    nd_node **grads;        /* derived once, on first use */
    grade_env *grading;     /* LaTeX answers and grades: made on first use */
    const char **grading_wrt;
    const char **map_from, **map_to;    /* --names */
    int n_map;
    enum jac_kind kind;     /* what the outputs derive: the gradient unless set */
    int denominator;        /* ... in the layout J[j, i] = d f_i / d x_j */
    int wrt_given;          /* by the configuration (--wrt) */
};

const char *nd_version(void)
{
    return ND_VERSION;
}

void nd_free(void *p)
{
    free(p);
}

static char *take(strbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    sb_init(b);
    return s;
}

static void front_end(nd_session *s, const nd_config *cfg)
{
    ast_program tree = { 0 };
    nd_ctx *ctx = s->ctx;
    elab_opts eo = { .of = cfg ? cfg->of : NULL, .wrt = cfg ? cfg->wrt : NULL,
                     .n_wrt = cfg ? cfg->n_wrt : 0 };
    DIAG_TRY(ctx, jb) {
        parse_source(ctx, &s->src, PARSE_PROGRAM, &tree, NULL);
        elab_program(ctx, &tree, &eo, &s->prog);    /* takes the tree over first */
    }
    DIAG_END_TRY(ctx, jb);
    if (ctx->err->err_kind != ERR_NONE)
        s->status = 2;
}

nd_session *nd_open(const char *name, const char *text, size_t len, const nd_config *cfg)
{
    nd_session *s = xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    if (len > ND_MAX_INPUT)     /* one byte past the limit: parse_source refuses it */
        len = ND_MAX_INPUT + 1;
    s->text = xmalloc(len + 1);
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    s->name = xstrdup(name ? name : "<input>");
    s->src.name = s->name;
    s->src.text = s->text;
    s->src.len = len;
    verify_defaults(&s->verify);
    if (cfg && cfg->seed)
        s->verify.seed = cfg->seed;
    if (cfg && cfg->points > 0)
        s->verify.points = cfg->points;
    if (cfg && cfg->precision > 0)
        s->verify.prec = cfg->precision;
    s->ctx = run_new(&s->src);
    s->wrt_given = cfg && cfg->wrt;
    front_end(s, cfg);
    return s;
}

void nd_close(nd_session *s)
{
    if (!s)
        return;
    prog_free(&s->prog);
    free(s->grads);
    free(s->grading_wrt);
    free(s->grading);
    free(s->map_from);
    free(s->map_to);
    run_free(s->ctx);
    free(s->text);
    free(s->name);
    free(s);
}

int nd_status(const nd_session *s)
{
    return s->status;
}

const char *nd_diagnostics(const nd_session *s)
{
    return sb_str(&s->ctx->err->diag);
}

int nd_first_error(const nd_session *s, nd_position *pos)
{
    const nd_ctx *ctx = s->ctx;
    if (!ctx->err->err_msg)
        return 0;
    nd_loc at = diag_origin(ctx->err->err_loc);     /* a LaTeX answer's: in the .tex file */
    pos->file = at.src ? at.src->name : NULL;
    pos->line = at.src ? at.first_line : 0;
    pos->column = at.src ? at.first_column : 0;
    pos->message = ctx->err->err_msg;
    return 1;
}

/* A failure after the front end: the message is in the diagnostics. */
static int fail(nd_session *s)
{
    s->status = 2;
    return 2;
}

/* Runs fn(s, arg) where an input error is raised: 0, or 2 (the session
 * failed, the message in its diagnostics). */
static int guarded(nd_session *s, void (*fn)(nd_session *s, void *arg), void *arg)
{
    volatile int done = 0;
    DIAG_TRY(s->ctx, jb) {
        fn(s, arg);
        done = 1;
    }
    DIAG_END_TRY(s->ctx, jb);
    return done ? 0 : fail(s);
}

static void require_kind(nd_session *s, void *arg)
{
    (void)arg;
    jac_require(s->ctx, &s->prog, s->kind);
}

/* A gradient needs a scalar objective. */
static int require_scalar(nd_session *s)
{
    nd_ctx *ctx = s->ctx;
    if (s->status)
        return s->status;
    nd_binding *b = &ctx->scope->binds[s->prog.objective];
    if (s->prog.n_wrt == 0) {
        diag_error(ctx, b->loc, "the objective '%s' depends on no variable: there is nothing "
                               "to differentiate", b->name);
        return fail(s);
    }
    if (shape_is_scalar(ctx, b->node->shape))
        return 0;
    diag_error(ctx, b->loc, "the objective '%s' is %s, not a scalar: a gradient needs a scalar "
                           "objective (--jacobian differentiates a vector)",
              b->name, shape_str(ctx, b->node->shape));
    return fail(s);
}

static nd_node **gradients(nd_session *s)
{
    if (!s->grads) {
        nd_ctx *ctx = s->ctx;
        s->grads = xmalloc(((size_t)s->prog.n_wrt + 1) * sizeof *s->grads);
        derive_gradients(ctx, ctx->scope->binds[s->prog.objective].node, s->prog.wrt,
                         s->prog.n_wrt, s->grads);
        emit_simplify_all(ctx, s->grads, s->prog.n_wrt);
    }
    return s->grads;
}

static int gradient_lines(nd_session *s, enum nd_format fmt, strbuf *out)
{
    if (require_scalar(s))
        return s->status;
    if (fmt == ND_LATEX_DOC)
        latex_document_begin(out, s->name);
    emit_gradients(s->ctx, &s->prog, gradients(s), fmt != ND_TEXT, out);
    if (fmt == ND_LATEX_DOC)
        latex_document_end(out);
    return 0;
}

/* --jacobian and --hessian in a mode that has no such output yet. */
static int kind_unsupported(nd_session *s, const char *mode)
{
    diag_error(s->ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "%s with %s is not supported yet", mode,
              s->kind == JAC_HESSIAN ? "--hessian" : "--jacobian");
    return fail(s);
}

/* --paths splits a gradient by the uses of a variable; a Jacobian or a
 * Hessian block is not split so (its terms are in --steps). */
static int paths_unsupported(nd_session *s)
{
    diag_error(s->ctx, (nd_loc){ 0, 0, 0, 0, NULL },
              "--paths takes gradients only: with %s, --steps differentiates the %s term "
              "by term",
              s->kind == JAC_HESSIAN ? "--hessian" : "--jacobian",
              s->kind == JAC_HESSIAN ? "gradient" : "objective");
    return fail(s);
}

typedef struct derivative_arg {
    int latex;
    strbuf *out;
} derivative_arg;

static void derivative_text(nd_session *s, void *arg)
{
    derivative_arg *a = arg;
    jac_emit(s->ctx, &s->prog, s->kind, s->denominator, a->latex, a->out);
}

/* The Jacobian or the Hessian, as text or LaTeX lines. */
static int derivative_lines(nd_session *s, enum nd_format fmt, strbuf *out)
{
    if (s->prog.n_wrt == 0)
        return require_scalar(s);
    if (fmt == ND_LATEX_DOC)
        latex_document_begin(out, s->name);
    derivative_arg a = { fmt == ND_LATEX || fmt == ND_LATEX_DOC, out };
    if (guarded(s, derivative_text, &a))
        return s->status;
    if (fmt == ND_LATEX_DOC)
        latex_document_end(out);
    return 0;
}

static void derivative_steps_fn(nd_session *s, void *arg)
{
    derivative_arg *a = arg;
    jac_emit_steps(s->ctx, &s->prog, s->kind, a->latex, a->out);
}

static void derivative_dot_fn(nd_session *s, void *arg)
{
    derivative_arg *a = arg;
    emit_dot_derivative(s->ctx, &s->prog, s->kind, s->denominator, a->latex, a->out);
}

/* --steps and --dot of a Jacobian or a Hessian (latex: with --steps). */
static int derivative_other(nd_session *s, enum nd_format fmt, strbuf *out)
{
    int dot = fmt == ND_DOT || fmt == ND_DOT_STEPS;
    if (s->prog.n_wrt == 0)
        return require_scalar(s);
    if (s->denominator && fmt != ND_DOT) {
        diag_error(s->ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "--steps with --layout denominator is not supported: the steps are "
                  "in the numerator layout (drop --layout)");
        return fail(s);
    }
    derivative_arg a = { dot ? fmt == ND_DOT_STEPS : fmt == ND_STEPS_LATEX, out };
    return guarded(s, dot ? derivative_dot_fn : derivative_steps_fn, &a) ? s->status : 0;
}

static int steps_output(nd_session *s, int latex, strbuf *out)
{
    if (require_scalar(s))
        return s->status;
    emit_steps(s->ctx, &s->prog, latex, out);
    return 0;
}

/* The variables' names, for elaborating the program again. */
static const char **wrt_names(nd_session *s)
{
    const char **names = xmalloc(((size_t)s->prog.n_wrt + 1) * sizeof *names);
    for (int i = 0; i < s->prog.n_wrt; i++)
        names[i] = s->ctx->scope->vars[s->prog.wrt[i]].name;
    return names;
}

/* Parses and elaborates the program again in a fresh ctx, with options eo,
 * and runs fn on the result (--paths and --c change what elaboration
 * makes).  The program elaborated once, so an error is not expected; if
 * one comes, its message joins the session's diagnostics. */
typedef int (*fresh_fn)(nd_ctx *ctx, const nd_prog *prog, void *arg);

static int reelaborate(nd_session *s, const elab_opts *eo, fresh_fn fn, void *arg)
{
    nd_ctx *ctx = run_new(&s->src);
    ast_program tree = { 0 };
    volatile int st = 2;
    DIAG_TRY(ctx, jb) {
        nd_prog prog;
        parse_source(ctx, &s->src, PARSE_PROGRAM, &tree, NULL);
        elab_program(ctx, &tree, eo, &prog);
        st = fn(ctx, &prog, arg);
        prog_free(&prog);
    }
    DIAG_END_TRY(ctx, jb);
    if (st)
        sb_puts(&s->ctx->err->diag, sb_str(&ctx->err->diag));
    run_free(ctx);
    return st ? fail(s) : 0;
}

typedef struct paths_arg {
    const char **names;
    int n, latex;
    strbuf *out;
} paths_arg;

static int paths_fn(nd_ctx *ctx, const nd_prog *prog, void *arg)
{
    paths_arg *a = arg;
    emit_paths(ctx, prog, a->names, a->n, a->latex, a->out);
    return 0;
}

/* --paths elaborates the program again, each use of the variables apart. */
static int paths_output(nd_session *s, int latex, strbuf *out)
{
    if (require_scalar(s))
        return s->status;
    paths_arg a = { wrt_names(s), s->prog.n_wrt, latex, out };
    elab_opts eo = { .of = s->ctx->scope->binds[s->prog.objective].name, .split = a.names,
                     .n_split = a.n };
    int st = reelaborate(s, &eo, paths_fn, &a);
    free(a.names);
    return st;
}

/* The prefix of the generated functions: --name, or nd_ and the file's stem
 * made an identifier (NULL for a --name that is not one; the generator
 * checks the rest: its length, and the names it would make).  A stem too
 * long for a prefix keeps its first characters and a hash of the whole, so
 * that long names stay apart. */
static const char *c_prefix(nd_session *s, const nd_c_options *c, strbuf *b)
{
    if (c && c->name) {
        sb_puts(b, c->name);
        const char *n = sb_str(b);
        int ok = isalpha((unsigned char)n[0]) || n[0] == '_';
        for (const char *ch = n; *ch && ok; ch++)
            ok = isalnum((unsigned char)*ch) || *ch == '_';
        return ok ? n : NULL;
    }
    const char *base = strrchr(s->name, '/');
    base = base ? base + 1 : s->name;
    while (*base && !isalnum((unsigned char)*base))  /* nd__ starts the generated */
        base++;                                         /* file's helpers */
    if (!strcmp(s->name, "<expr>") || !strcmp(s->name, "<stdin>") || !*base || *base == '.')
        base = "f";
    sb_puts(b, "nd_");
    uint32_t h = 2166136261u;
    for (const char *ch = base; *ch && *ch != '.'; ch++) {
        sb_putc(b, isalnum((unsigned char)*ch) ? *ch : '_');
        h = (h ^ (unsigned char)*ch) * 16777619u;
    }
    if (b->len >= CG_MAX_PREFIX) {  /* nd_ + 50 characters + _ + 8 hex digits */
        sb_truncate(b, 53);
        sb_printf(b, "_%08x", (unsigned)h);
    }
    return sb_str(b);
}

typedef struct c_arg {
    const nd_c_options *o;
    int header;
    enum jac_kind kind;
    int denominator;
    strbuf *out;
    const char *program, *gradients;    /* --numpy: for its docstring */
} c_arg;

/* --hessian: NAME_hvp after the Hessian, its plan built in the same ctx
 * once the Hessian's C is written (its inputs v_x are variables of their
 * own, which the Hessian's functions must not take); raises on errors. */
static void generate_hvp(nd_ctx *ctx, const nd_prog *prog, c_arg *a, cg_plan *plans,
                         cg_part *parts, const char *name, int dump)
{
    cg_options o = { name, a->o->blas, a->o->colmajor, a->o->dims };
    cg_plan_build_kind(&plans[1], ctx, prog, &o, CG_HVP, 0);
    if (dump) {
        cg_plan_dump(&plans[1], a->out);
        return;
    }
    cg_emit_part(&plans[1], &parts[1]);
    cg_emit_file(&plans[0], parts, 2, a->header, a->out);
}

/* The plan and the output of a fresh elaboration, raising on errors. */
static void generate_raising(nd_ctx *ctx, const nd_prog *prog, c_arg *a, cg_plan *plans,
                             cg_part *parts, const char *hvp_name)
{
    static const enum cg_kind kinds[] = { [JAC_GRADIENT] = CG_GRADIENT,
                                          [JAC_JACOBIAN] = CG_JACOBIAN,
                                          [JAC_HESSIAN] = CG_HESSIAN };
    cg_options o = { a->o->name, a->o->blas, a->o->colmajor, a->o->dims };
    if (a->gradients) {     /* NumPy has one layout, and no BLAS to choose */
        o.blas = o.colmajor = 0;
        cg_plan_build_for(&plans[0], ctx, prog, &o, kinds[a->kind], a->denominator, "--numpy");
    } else {
        cg_plan_build_kind(&plans[0], ctx, prog, &o, kinds[a->kind], a->denominator);
    }
    const char *env = getenv("ND_DUMP_PLAN");   /* a debug hook: the plan instead of C */
    int dump = env && *env && strcmp(env, "0");
    if (dump) {
        cg_plan_dump(&plans[0], a->out);
        if (a->kind == JAC_HESSIAN)
            generate_hvp(ctx, prog, a, plans, parts, hvp_name, 1);
    } else if (a->gradients) {
        cg_numpy(&plans[0], a->program, a->gradients, a->out);
    } else if (a->kind != JAC_HESSIAN) {
        cg_emit(&plans[0], a->header, a->out);
    } else {
        cg_emit_part(&plans[0], &parts[0]);
        generate_hvp(ctx, prog, a, plans, parts, hvp_name, 0);
    }
}

/* The plan and the C of a fresh elaboration: 0, or 2 when the planner or
 * a writer raised an error (in ctx's messages); the plans freed either way. */
static int generate(nd_ctx *ctx, const nd_prog *prog, void *arg)
{
    c_arg *a = arg;
    cg_plan plans[2];
    cg_part parts[2];
    memset(plans, 0, sizeof plans);
    memset(parts, 0, sizeof parts);
    strbuf hvp_name;
    sb_init(&hvp_name);
    sb_printf(&hvp_name, "%s_hvp", a->o->name);
    volatile int done = 0;
    DIAG_TRY(ctx, jb) {
        generate_raising(ctx, prog, a, plans, parts, sb_str(&hvp_name));
        done = 1;
    }
    DIAG_END_TRY(ctx, jb);
    for (int k = 0; k < 2; k++) {
        cg_plan_free(&plans[k]);
        cg_part_free(&parts[k]);
    }
    sb_free(&hvp_name);
    return done ? 0 : 2;
}

/* --c and --header: on a fresh elaboration (column-major storage rewrites
 * the variables); --numpy (numpy) from the same plan, with the program and
 * the text output for its docstring. */
static int c_output(nd_session *s, const nd_c_options *c, int header, int numpy, strbuf *out)
{
    if (s->kind ? guarded(s, require_kind, NULL) : require_scalar(s))
        return s->status;
    strbuf prefix;
    sb_init(&prefix);
    nd_c_options o = c ? *c : (nd_c_options){ 0 };
    o.name = c_prefix(s, c, &prefix);
    if (!o.name) {
        diag_error(s->ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "--name %s: the prefix must be a C identifier (letters, digits, _)",
                  sb_str(&prefix));
        sb_free(&prefix);
        return fail(s);
    }
    const char **names = wrt_names(s);
    elab_opts eo = { .of = s->ctx->scope->binds[s->prog.objective].name, .wrt = names,
                     .n_wrt = s->prog.n_wrt };
    c_arg a = { &o, header, s->kind, s->denominator, out, s->src.text, NULL };
    strbuf text;
    sb_init(&text);
    if (numpy && s->kind) {
        derivative_arg d = { 0, &text };
        if (guarded(s, derivative_text, &d)) {
            free(names);
            sb_free(&prefix);
            sb_free(&text);
            return s->status;
        }
        a.gradients = sb_str(&text);
    } else if (numpy) {
        emit_gradients(s->ctx, &s->prog, gradients(s), 0, &text);
        a.gradients = sb_str(&text);
    }
    int st = reelaborate(s, &eo, generate, &a);
    free(names);
    sb_free(&prefix);
    sb_free(&text);
    return st;
}

static const char *const format_names[] = {
    [ND_TEXT] = "text", [ND_LATEX] = "--latex", [ND_LATEX_DOC] = "--latex-doc",
    [ND_STEPS] = "--steps", [ND_STEPS_LATEX] = "--steps --latex", [ND_PATHS] = "--paths",
    [ND_PATHS_LATEX] = "--paths --latex", [ND_DOT] = "--dot", [ND_DOT_STEPS] = "--dot --steps",
    [ND_C] = "--c", [ND_C_HEADER] = "--header", [ND_EXPLAIN] = "--explain",
    [ND_JACOBIAN] = "--jacobian", [ND_HESSIAN] = "--hessian", [ND_NUMPY] = "--numpy",
};

static int emit_impl(nd_session *s, enum nd_format fmt, const nd_c_options *c, char **out)
{
    strbuf b;
    sb_init(&b);
    int st = s->status;
    if (!st && (fmt == ND_JACOBIAN || fmt == ND_HESSIAN)) {
        nd_set_derivative(s, fmt == ND_JACOBIAN ? ND_DERIV_JACOBIAN : ND_DERIV_HESSIAN);
        fmt = ND_TEXT;
    }
    if (!st && s->kind && fmt != ND_EXPLAIN) {
        if (fmt == ND_TEXT || fmt == ND_LATEX || fmt == ND_LATEX_DOC)
            st = derivative_lines(s, fmt, &b);
        else if (fmt == ND_STEPS || fmt == ND_STEPS_LATEX || fmt == ND_DOT || fmt == ND_DOT_STEPS)
            st = derivative_other(s, fmt, &b);
        else if (fmt == ND_PATHS || fmt == ND_PATHS_LATEX)
            st = paths_unsupported(s);
        else if (fmt == ND_C || fmt == ND_C_HEADER)
            st = c_output(s, c, fmt == ND_C_HEADER, 0, &b);
        else if (fmt == ND_NUMPY)
            st = c_output(s, c, 0, 1, &b);
        else
            st = kind_unsupported(s, (size_t)fmt < sizeof format_names / sizeof *format_names &&
                                             format_names[fmt] ? format_names[fmt]
                                                               : "this output");
    } else if (!st) {
        switch (fmt) {
        case ND_TEXT:
        case ND_LATEX:
        case ND_LATEX_DOC:
            st = gradient_lines(s, fmt, &b);
            break;
        case ND_STEPS:
        case ND_STEPS_LATEX:
            st = steps_output(s, fmt == ND_STEPS_LATEX, &b);
            break;
        case ND_PATHS:
        case ND_PATHS_LATEX:
            st = paths_output(s, fmt == ND_PATHS_LATEX, &b);
            break;
        case ND_C:
        case ND_C_HEADER:
            st = c_output(s, c, fmt == ND_C_HEADER, 0, &b);
            break;
        case ND_NUMPY:
            st = c_output(s, c, 0, 1, &b);
            break;
        case ND_DOT:
            emit_dot(s->ctx, &s->prog, 0, &b);
            break;
        case ND_DOT_STEPS:
            if (!(st = require_scalar(s)))
                emit_dot(s->ctx, &s->prog, 1, &b);
            break;
        case ND_EXPLAIN:
            emit_explain(s->ctx, &s->prog, &b);
            break;
        default:
            diag_error(s->ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "unknown output format %d",
                      (int)fmt);
            st = fail(s);
            break;
        }
    }
    *out = take(&b);
    return st;
}

typedef struct jac_verify_arg {
    nd_session *s;
    strbuf *out;
    double *worst;
} jac_verify_arg;

static int jac_verify_fn(nd_ctx *ctx, const nd_prog *prog, void *arg)
{
    jac_verify_arg *a = arg;
    int st = jac_verify(ctx, prog, a->s->kind, a->s->denominator, &a->s->verify, a->out,
                        a->worst);
    return st == 1 ? 0 : st;    /* not verified is not an error: *worst says it */
}

/* --verify of a Jacobian or a Hessian: on a fresh elaboration, since it
 * adds the random weights as a variable (jacobian.h). */
static int jac_verify_impl(nd_session *s, strbuf *out, double *worst)
{
    if (s->prog.n_wrt == 0)
        return require_scalar(s);
    if (guarded(s, require_kind, NULL))
        return s->status;
    const char **names = wrt_names(s);
    elab_opts eo = { .of = s->ctx->scope->binds[s->prog.objective].name, .wrt = names,
                     .n_wrt = s->prog.n_wrt };
    jac_verify_arg a = { s, out, worst };
    *worst = 0;
    int st = reelaborate(s, &eo, jac_verify_fn, &a);
    free(names);
    return st ? st : *worst <= verify_tolerance(&s->verify) ? 0 : 1;
}

static int verify_impl(nd_session *s, char **report, double *worst)
{
    strbuf b;
    sb_init(&b);
    *worst = 0;
    if (s->kind && !s->status) {
        int js = jac_verify_impl(s, &b, worst);
        *report = take(&b);
        return js;
    }
    int st = require_scalar(s);
    if (!st) {
        nd_ctx *ctx = s->ctx;
        nd_node **g = gradients(s);
        verify_err *err = xmalloc(((size_t)s->prog.n_wrt + 1) * sizeof *err);
        st = verify_gradients(ctx, ctx->scope->binds[s->prog.objective].node, s->prog.wrt, g,
                              s->prog.n_wrt, &s->verify, err);
        if (st != 2)
            emit_verify_report(ctx, &s->prog, err, &s->verify, st, &b);
        for (int i = 0; i < s->prog.n_wrt && st != 2; i++)
            if (isnan(err[i].value) || err[i].value > *worst)   /* a NaN sticks */
                *worst = err[i].value;
        free(err);
        if (st == 2)
            fail(s);
    }
    *report = take(&b);
    return st;
}

/* ---- --check ---- */

/* Answers' sources live as long as the session: positions point into them. */
static const nd_source *keep_source(nd_session *s, const char *name, const char *text,
                                    size_t len)
{
    if (len > ND_MAX_INPUT)     /* refused by the parser, not copied whole */
        len = ND_MAX_INPUT + 1;
    nd_source *src = arena_alloc(s->ctx->arena, sizeof *src);
    src->name = arena_strdup(s->ctx->arena, name);
    src->text = arena_strndup(s->ctx->arena, text, len);
    src->len = len;
    return src;
}

/* A checker over the program with the session's objective, variables and
 * kind (the gradient, the Jacobian or the Hessian). */
static checker *open_checker(nd_session *s)
{
    const char **names = wrt_names(s);
    elab_opts eo = { .of = s->ctx->scope->binds[s->prog.objective].name, .wrt = names,
                     .n_wrt = s->prog.n_wrt };
    checker *c = check_open_kind(&s->src, &eo, &s->verify, s->kind, s->denominator,
                                 &s->ctx->err->diag);
    free(names);
    return c;
}

/* What grade.h needs, made once: the checker's options, the names of the
 * program for the LaTeX reader, the rubric's items kept from before. */
/* The number of entries of shape sh as a dimension name (n for a column
 * n x 1, 6 for a 2 x 3 matrix), or NULL when it is no dimension (m*n). */
static const char *entries_name(nd_ctx *ctx, nd_shape sh)
{
    long r = dim_value(ctx, sh.rows), c = dim_value(ctx, sh.cols);
    if (c == 1)
        return dim_name(ctx, sh.rows);
    if (r == 1)
        return dim_name(ctx, sh.cols);
    if (r > 0 && c > 0 && r <= LONG_MAX / c) {
        char buf[32];
        snprintf(buf, sizeof buf, "%ld", r * c);
        return arena_strdup(ctx->arena, buf);
    }
    return NULL;
}

/* The shape a single answer (--check-latex) must have: the gradient's
 * (the variable's), the Hessian's (entries x entries) or the Jacobian's
 * (the objective's entries x the variable's, or its transpose), when the
 * program has one variable and those are dimensions. */
static void expected_shape(nd_session *s, lr_names *names)
{
    nd_ctx *ctx = s->ctx;
    names->expect_rows = names->expect_cols = NULL;
    if (s->status || s->prog.n_wrt != 1)
        return;
    nd_shape v = ctx->scope->vars[s->prog.wrt[0]].shape;
    const char *ev = entries_name(ctx, v), *ef = NULL;
    if (s->kind == JAC_GRADIENT) {
        names->expect_rows = dim_name(ctx, v.rows);
        names->expect_cols = dim_name(ctx, v.cols);
        return;
    }
    if (s->kind == JAC_JACOBIAN) {
        const nd_node *f = ctx->scope->binds[s->prog.objective].node;
        ef = f ? entries_name(ctx, f->shape) : NULL;
    } else {
        ef = ev;
    }
    if (!ev || !ef)
        return;
    names->expect_rows = s->denominator ? ev : ef;
    names->expect_cols = s->denominator ? ef : ev;
}

static grade_env *grading(nd_session *s)
{
    if (!s->grading) {
        grade_env *g = xmalloc(sizeof *g);
        memset(g, 0, sizeof *g);
        const char *of = s->ctx->scope->binds[s->prog.objective].name;
        g->program = &s->src;
        s->grading_wrt = wrt_names(s);
        g->eo = (elab_opts){ .of = of, .wrt = s->grading_wrt, .n_wrt = s->prog.n_wrt };
        g->vo = s->verify;
        grade_names(s->ctx, of, s->ctx->arena, &g->names);
        s->grading = g;
    }
    s->grading->names.map_from = s->map_from;
    s->grading->names.map_to = s->map_to;
    s->grading->names.n_map = s->n_map;
    s->grading->kind = s->kind;
    s->grading->denominator = s->denominator;
    expected_shape(s, &s->grading->names);
    return s->grading;
}

/* LaTeX answers and Gradescope's results (grade.h). */
static int grade_impl(nd_session *s, const char *name, const char *text, size_t len, int flags,
                      strbuf *out)
{
    if ((flags & ND_CHECK_GRADESCOPE) && (flags & (ND_CHECK_JSON | ND_CHECK_EXPRESSION))) {
        diag_error(s->ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "the Gradescope format is for a file of answers, and it is JSON already");
        return fail(s);
    }
    enum grade_format fmt = flags & ND_CHECK_GRADESCOPE ? GRADE_GRADESCOPE
                            : flags & ND_CHECK_JSON ? GRADE_JSON : GRADE_TEXT;
    int st = grade_one(grading(s), name, text, len, (flags & ND_CHECK_LATEX) != 0,
                       (flags & ND_CHECK_EXPRESSION) != 0, fmt, out, &s->ctx->err->diag, NULL);
    if (st == 2)
        s->status = 2;
    return st;
}

/* A Jacobian or a Hessian is checked one expression at a time (--check,
 * --check-latex). */
static int kind_check(nd_session *s, int flags)
{
    if (s->status || s->prog.n_wrt == 0)
        return require_scalar(s);
    if (!(flags & ND_CHECK_EXPRESSION) || (flags & ND_CHECK_GRADESCOPE))
        return kind_unsupported(s, flags & ND_CHECK_EXPRESSION ? "--format gradescope"
                                                               : "--check-file");
    return guarded(s, require_kind, NULL);
}

static int check_lines_impl(nd_session *s, const char *name, const char *text, size_t len,
                            int flags, char **out)
{
    strbuf b;
    sb_init(&b);
    int st = s->kind ? kind_check(s, flags) : require_scalar(s);
    if (!st && (flags & ND_CHECK_EXPRESSION) && s->prog.n_wrt != 1) {
        diag_error(s->ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "--check compares the gradient w.r.t. one variable; the program has %d: "
                  "pick one with --wrt", s->prog.n_wrt);
        st = fail(s);
    }
    if (!st && (flags & (ND_CHECK_LATEX | ND_CHECK_GRADESCOPE))) {
        st = grade_impl(s, name, text, len, flags, &b);
        *out = take(&b);
        return st;
    }
    checker *c = st ? NULL : open_checker(s);
    if (!st && !c)
        st = fail(s);
    if (c) {
        const nd_source *src = keep_source(s, name, text, len);
        enum check_format fmt = flags & ND_CHECK_JSON ? CHECK_JSON : CHECK_TEXT;
        st = flags & ND_CHECK_EXPRESSION ? check_expression(c, src, fmt, &b, &s->ctx->err->diag)
                                         : check_file(c, src, fmt, &b, &s->ctx->err->diag);
        if (st == 2)
            fail(s);
        check_close(c);
    }
    *out = take(&b);
    return st;
}

/* ---- deep programs -------------------------------------------------------
 * The passes over the DAG recurse along its depth, and a program of many
 * layers makes a deep DAG.  Small programs run on the caller's stack; big
 * ones on a thread whose stack grows with the DAG (only the pages touched
 * are committed), so depth never overflows a stack. */

#define DEEP_NODES 4000             /* below this, the caller's stack will do */
#define STACK_PER_NODE 8192         /* generous: several frames per level, ASan included */
#define MAX_NODES 4000000

typedef struct deep_call {
    nd_session *s;
    int kind;                       /* 0 emit, 1 verify, 3 check */
    enum nd_format fmt;
    const nd_c_options *c;
    const char *text, *name;
    size_t len;
    int flags;
    char **out;
    double *worst;
    int status;
} deep_call;

static int deep_body(deep_call *d)
{
    switch (d->kind) {
    case 0: return emit_impl(d->s, d->fmt, d->c, d->out);
    case 1: return verify_impl(d->s, d->out, d->worst);
    default: return check_lines_impl(d->s, d->name, d->text, d->len, d->flags, d->out);
    }
}

static void *deep_thread(void *arg)
{
    deep_call *d = arg;
    d->status = deep_body(d);
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);   /* this thread's; it ends here */
    return NULL;
}

static int run_deep(deep_call *d)
{
    uint32_t nodes = d->s->ctx->dag->n_nodes;
    if (d->s->status || nodes < DEEP_NODES)
        return deep_body(d);
    if (nodes > MAX_NODES) {
        diag_error(d->s->ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "the program is too large (%u expression nodes, the limit is %d)", nodes,
                  MAX_NODES);
        *d->out = xstrdup("");
        return fail(d->s);
    }
    size_t stack = (size_t)nodes * STACK_PER_NODE;
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    int ok = pthread_attr_setstacksize(&attr, stack) == 0 &&
             pthread_create(&t, &attr, deep_thread, d) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) {
        diag_error(d->s->ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "cannot reserve %zu MiB of stack for a program this deep", stack >> 20);
        *d->out = xstrdup("");
        return fail(d->s);
    }
    pthread_join(t, NULL);
    return d->status;
}

int nd_emit(nd_session *s, enum nd_format fmt, const nd_c_options *c, char **out)
{
    deep_call d = { .s = s, .kind = 0, .fmt = fmt, .c = c, .out = out };
    return run_deep(&d);
}

int nd_emit_file(nd_session *s, enum nd_format fmt, const nd_c_options *c, FILE *f)
{
    char *text = NULL;
    int st = nd_emit(s, fmt, c, &text);
    if (st == 0 && text) {
        size_t len = strlen(text);
        if (fwrite(text, 1, len, f) != len || fflush(f) != 0) {
            /* the program is still good: the session stays usable */
            diag_error(s->ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "cannot write the output: %s",
                      strerror(errno));
            st = 2;
        }
    }
    free(text);
    return st;
}

int nd_verify(nd_session *s, char **report, double *worst)
{
    deep_call d = { .s = s, .kind = 1, .out = report, .worst = worst };
    return run_deep(&d);
}

int nd_check(nd_session *s, const char *answer, char **verdict)
{
    return nd_check_file(s, "<check>", answer, strlen(answer), ND_CHECK_EXPRESSION, verdict);
}

int nd_check_file(nd_session *s, const char *name, const char *text, size_t len, int flags,
                  char **verdicts)
{
    deep_call d = { .s = s, .kind = 3, .name = name, .text = text, .len = len, .flags = flags,
                    .out = verdicts };
    return run_deep(&d);
}

int nd_check_lines(nd_session *s, const char *name, const char *text, size_t len,
                   char **verdicts)
{
    return nd_check_file(s, name, text, len, 0, verdicts);
}

/* ---- what is derived ---- */

/* Without --wrt or a wrt statement, a Jacobian or a Hessian is with
 * respect to the column vectors the objective depends on (the scalars
 * when there is none, the matrices when there is neither): not the
 * matrices beside a vector (the data A of logistic regression; a block
 * through vec has (mn)^2 entries), nor a scalar parameter beside a
 * vector (lam in lam*norm2(x)). */
static void default_vectors(nd_session *s)
{
    for (const ast_stmt *st = s->prog.ast.first; st; st = st->next)
        if (st->kind == ST_WRT)
            return;
    nd_ctx *ctx = s->ctx;
    for (int want_col = 1; want_col >= 0; want_col--) {
        int n = 0;
        for (int i = 0; i < s->prog.n_wrt; i++) {
            nd_shape sh = ctx->scope->vars[s->prog.wrt[i]].shape;
            if (want_col ? shape_is_col(ctx, sh) : shape_is_scalar(ctx, sh))
                s->prog.wrt[n++] = s->prog.wrt[i];
        }
        if (n) {
            s->prog.n_wrt = n;
            return;
        }
    }
}

int nd_set_derivative(nd_session *s, int kind)
{
    int denominator = (kind & ND_DERIV_DENOMINATOR) != 0;
    kind &= ~ND_DERIV_DENOMINATOR;
    if (kind < ND_DERIV_GRADIENT || kind > ND_DERIV_HESSIAN ||
        (denominator && kind == ND_DERIV_GRADIENT)) {
        diag_error(s->ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "unknown derivative kind %d", kind);
        return 2;
    }
    s->denominator = denominator;
    s->kind = kind == ND_DERIV_HESSIAN ? JAC_HESSIAN
              : kind == ND_DERIV_JACOBIAN ? JAC_JACOBIAN : JAC_GRADIENT;
    if (s->kind && !s->status && !s->wrt_given && !s->grads)
        default_vectors(s);
    return 0;
}

/* ---- LaTeX names, rubrics, classes ---- */

int nd_set_latex_names(nd_session *s, const char *spec)
{
    char *err = NULL;
    if (lr_parse_names(s->ctx->arena, spec, &s->map_from, &s->map_to, &s->n_map, &err)) {
        diag_error(s->ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "%s", err);
        free(err);
        return 2;
    }
    return 0;
}

int nd_set_rubric(nd_session *s, const char *name, const char *text, size_t len)
{
    if (s->status)
        return s->status;
    if (require_scalar(s))
        return s->status;
    grade_env *g = grading(s);
    g->rubric = NULL;
    g->n_rubric = 0;
    if (grade_rubric(g, s->ctx->arena, keep_source(s, name, text, len), &s->ctx->err->diag))
        return fail(s);
    return 0;
}

/* Threads for a class: ND_JOBS, else one per processor (at most 16). */
static int grading_jobs(void)
{
    const char *e = getenv("ND_JOBS");
    long n = e ? strtol(e, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

int nd_grade(nd_session *s, int n, const char *const *names, const char *const *texts,
             const size_t *lens, const char *const *errors, char **table, char **csv)
{
    strbuf t, c;
    sb_init(&t);
    sb_init(&c);
    int st = s->kind && !s->status ? kind_unsupported(s, "--grade") : require_scalar(s);
    if (!st) {
        size_t stack = (size_t)s->ctx->dag->n_nodes * STACK_PER_NODE;
        if (stack < ((size_t)16 << 20))
            stack = (size_t)16 << 20;
        st = grade_class(grading(s), n, names, texts, lens, errors, grading_jobs(), stack, &t,
                         &c);
    }
    *table = take(&t);
    *csv = take(&c);
    return st;
}
