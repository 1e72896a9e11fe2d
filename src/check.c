/* check.c: the checker of answers (see check.h). */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "derive.h"
#include "emit.h"
#include "jacobian.h"
#include "mk.h"
#include "ops.h"
#include "parse.h"
#include "reason.h"
#include "run.h"
#include "scope.h"
#include "shape.h"
#include "simplify.h"

/* A step of the chain rule: the adjoint of a named intermediate. */
typedef struct step {
    const char *label;      /* dL/dz2 */
    nd_node *target;        /* z2's node */
    nd_node *truth;         /* its adjoint in full */
    nd_node *user;          /* the student's value, once given */
    int user_wrong;
    int user_missing;       /* theirs has no value (a shape error): user is the truth */
} step;

/* A line the student wrote that later lines may use: replayed into the
 * --paths elaboration. */
typedef struct user_def {
    const char *name;
    char *text;
} user_def;

struct checker {
    nd_ctx *ctx;
    nd_prog prog;
    const nd_source *program;
    elab_opts eo;
    verify_opts opts;
    nd_node *objective;
    unsigned char *want;
    nd_node **grad;             /* by wrt index */
    step *steps;
    int n_steps;
    user_def *defs;
    int n_defs, cap_defs;
    int line_var;               /* the wrt index of the line being diagnosed */
    check_sink sink;            /* graders (grade.c) */
    void *sink_user;
    enum jac_kind kind;         /* what grad[] holds (check_set_kind) */
};

void check_set_sink(checker *c, check_sink fn, void *user)
{
    c->sink = fn;
    c->sink_user = user;
}

/* ---- opening ---- */

static const char *objective_name(checker *c)
{
    return c->ctx->scope->binds[c->prog.objective].name;
}

static nd_node *named_node(checker *c, const char *name)
{
    struct nd_sym *s = scope_lookup(c->ctx, name);
    return s && s->kind == SYM_BIND ? c->ctx->scope->binds[s->index].node : NULL;
}

/* The steps of --steps (the named intermediates, in its order), each with
 * its adjoint in full. */
static void find_steps(checker *c)
{
    nd_ctx *ctx = c->ctx;
    emit_line *lines;
    nd_node **syms;
    int n_syms, n = steps_lines(ctx, &c->prog, &lines, &syms, &n_syms);
    nd_node **truth = derive_adjoints(ctx, c->objective, mk_int(ctx, 1), c->want, NULL);
    c->steps = xmalloc(((size_t)n_syms + 1) * sizeof *c->steps);
    size_t skip = strlen(objective_name(c)) + 3;    /* "dL/d" */
    for (int i = 0; i < n_syms; i++) {
        step *s = &c->steps[c->n_steps];
        memset(s, 0, sizeof *s);
        s->label = syms[i]->u.name;
        s->target = named_node(c, s->label + skip);
        if (s->target && s->target->id < ctx->dag->n_nodes && truth[s->target->id]) {
            s->truth = truth[s->target->id];
            c->n_steps++;
        }
    }
    (void)n;
    free(truth);
    free(lines);
    free(syms);
}

checker *check_open(const nd_source *program, const elab_opts *eo, const verify_opts *o,
                    strbuf *diag)
{
    checker *c = xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->program = program;
    c->eo = *eo;
    c->eo.origins = 1;
    c->opts = *o;
    c->ctx = run_new(program);
    nd_ctx *ctx = c->ctx;
    ast_program tree = { 0 };
    volatile int ok = 0;
    DIAG_TRY(ctx, jb) {
        parse_source(ctx, program, PARSE_PROGRAM, &tree, NULL);
        elab_program(ctx, &tree, &c->eo, &c->prog);
        ok = 1;
    }
    DIAG_END_TRY(ctx, jb);
    if (!ok || ctx->err->err_kind != ERR_NONE) {
        sb_puts(diag, sb_str(&ctx->err->diag));
        check_close(c);
        return NULL;
    }
    c->objective = ctx->scope->binds[c->prog.objective].node;
    c->want = xmalloc((size_t)ctx->scope->n_vars + 1);
    memset(c->want, 0, (size_t)ctx->scope->n_vars + 1);
    for (int j = 0; j < c->prog.n_wrt; j++)
        c->want[c->prog.wrt[j]] = 1;
    c->grad = xmalloc(((size_t)c->prog.n_wrt + 1) * sizeof *c->grad);
    derive_gradients(ctx, c->objective, c->prog.wrt, c->prog.n_wrt, c->grad);
    find_steps(c);
    return c;
}

int check_set_kind(checker *c, enum jac_kind kind, int denominator, strbuf *diag)
{
    nd_ctx *ctx = c->ctx;
    diag_catch k;
    diag_catch_open(ctx, &k);
    volatile int st = 2;
    DIAG_TRY(ctx, jb) {
        jac_require(ctx, &c->prog, kind);
        for (int j = 0; j < c->prog.n_wrt; j++) {
            int v = c->prog.wrt[j];
            c->grad[j] = kind == JAC_HESSIAN ? jac_hessian(ctx, c->objective, v, v)
                                             : jac_derive(ctx, c->objective, v);
            if (denominator)
                c->grad[j] = mk_transpose(ctx, c->grad[j]);
        }
        st = 0;
    }
    DIAG_END_TRY(ctx, jb);
    diag_catch_close(ctx, &k);
    sb_puts(st ? diag : diag_out(ctx), sb_str(&k.text));
    diag_catch_free(&k);
    c->kind = kind;
    c->n_steps = 0;     /* the steps are a gradient's */
    return st;
}

checker *check_open_kind(const nd_source *program, const elab_opts *eo, const verify_opts *o,
                         enum jac_kind kind, int denominator, strbuf *diag)
{
    checker *c = check_open(program, eo, o, diag);
    if (c && kind != JAC_GRADIENT && check_set_kind(c, kind, denominator, diag)) {
        check_close(c);
        return NULL;
    }
    return c;
}

void check_close(checker *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n_defs; i++)
        free(c->defs[i].text);
    free(c->defs);
    free(c->steps);
    free(c->grad);
    free(c->want);
    prog_free(&c->prog);
    run_free(c->ctx);
    free(c);
}

/* ---- elaborating answers and candidates ---- */

typedef struct attempt {
    enum nd_errkind kind;       /* ERR_NONE: it elaborated */
    char *msg;
    nd_loc loc;
} attempt;

/* Elaborates an answer among the program's names and the student's, its
 * free dimensions taking target's shape; NULL with *how set when it does
 * not: a shape error is the checker's to explain, any other an error in
 * the input: the caller (check_line) decides which, from *how.  The run's
 * messages and error state are not touched either way (a diag_catch). */
static nd_node *try_elaborate(nd_ctx *ctx, const ast *expr, const nd_shape *target,
                              attempt *how)
{
    nd_node *volatile n = NULL;
    memset(how, 0, sizeof *how);
    diag_catch k;
    diag_catch_open(ctx, &k);
    DIAG_TRY(ctx, jb) {
        n = elab_answer(ctx, expr, target);
    }
    DIAG_END_TRY(ctx, jb);
    diag_catch_close(ctx, &k);
    if (!n) {
        how->kind = k.kind == ERR_NONE ? ERR_INPUT : k.kind;
        how->msg = k.msg ? k.msg : xstrdup("error");
        how->loc = k.loc;
        k.msg = NULL;
    }
    diag_catch_free(&k);
    return n;
}

/* A source that lives as long as the ctx. */
static const nd_source *keep_source(nd_ctx *ctx, const char *name, const char *text)
{
    nd_source *src = arena_alloc(ctx->arena, sizeof *src);
    src->name = arena_strdup(ctx->arena, name);
    src->text = arena_strdup(ctx->arena, text);
    src->len = strlen(text);
    return src;
}

/* An expression's text parsed and elaborated in ctx; NULL on any error
 * (caught, and not reported: a candidate of the diagnosis, not input). */
static nd_node *from_text(nd_ctx *ctx, const char *text, const nd_shape *target)
{
    ast *volatile expr = NULL;
    diag_catch k;
    diag_catch_open(ctx, &k);
    DIAG_TRY(ctx, jb) {
        ast *e = NULL;
        parse_source(ctx, keep_source(ctx, "<candidate>", text), PARSE_EXPR, NULL, &e);
        expr = e;
    }
    DIAG_END_TRY(ctx, jb);
    diag_catch_close(ctx, &k);
    diag_catch_free(&k);
    nd_node *n = NULL;
    if (expr) {
        attempt how;
        n = try_elaborate(ctx, expr, target, &how);
        free(how.msg);
        ast_free(expr);
    }
    return n;
}

typedef struct line_ctx {
    checker *c;
    nd_shape target;
} line_ctx;

static nd_node *elaborate_candidate(void *user, const char *text)
{
    line_ctx *l = user;
    return from_text(l->c->ctx, text, &l->target);
}

/* ---- equality ---- */

/* (X + X')/2: for a symmetric variable only the symmetric part of a
 * gradient is determined. */
static nd_node *symmetric_part(nd_ctx *ctx, nd_node *g)
{
    return mk_scale_si(ctx, 1, 2, mk_add2(ctx, g, mk_transpose(ctx, g)));
}

static int is_symmetric_var(checker *c, int j)
{
    enum nd_assume a = j >= 0 ? c->ctx->scope->vars[c->prog.wrt[j]].assume : AS_NONE;
    return a == AS_SYMMETRIC || a == AS_SPD;
}

/* 1 when a = b at random points, 0 when not, -1 when no point was found
 * where both are defined (an error: nothing was checked). */
static int values_equal(checker *c, nd_node *a, nd_node *b, strbuf *diag)
{
    nd_node *roots[2] = { a, b };
    cmp_set s;
    diag_catch k;
    diag_catch_open(c->ctx, &k);
    int st = cmp_open(&s, c->ctx, roots, 2, &c->opts, 0, 1);
    diag_catch_close(c->ctx, &k);
    int eq = st == EV_OK && cmp_equal(&s, a, b);
    if (st != EV_OK)        /* a diagnostic: the checker's messages */
        sb_puts(diag, sb_str(&k.text));
    diag_catch_free(&k);
    cmp_close(&s);
    return st != EV_OK ? -1 : eq;
}

/* ---- --paths: the uses of the variable ---- */

typedef struct paths_job {
    checker *c;
    const char *answer;
    int max_changes, symmetric;
    reason *out;
    int found;
} paths_job;

/* A use in words: "`W` at 5:8", or "`W'` at 5:5" when a transpose follows. */
static const char *use_text(nd_ctx *ctx, const nd_var *v)
{
    size_t len;
    const char *line = diag_line(v->loc.src, v->loc.first_line, &len);
    size_t after = (size_t)v->loc.last_column;
    int t = after < len && line[after] == '\'';
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "`%s%s` at %d:%d", v->name, t ? "'" : "", v->loc.first_line, v->loc.first_column);
    const char *r = arena_strdup(ctx->arena, sb_str(&b));
    sb_free(&b);
    return r;
}

/* sum c_i*g_i = a at every instance (their symmetric parts for a
 * symmetric variable: a is one already). */
static int combination_holds(cmp_set *s, nd_node *a, nd_node **g, const int *coef, int k,
                             int symmetric)
{
    nd_ctx *ctx = s->ctx;
    nd_node **t = xmalloc(((size_t)k + 1) * sizeof *t);
    int n = 0;
    for (int i = 0; i < k; i++)
        if (coef[i])
            t[n++] = mk_scale_si(ctx, coef[i], 1, g[i]);
    nd_node *sum = n == 1 ? t[0] : n ? mk_add(ctx, t, n) : NULL;
    int ok = sum && cmp_equal(s, a, symmetric ? symmetric_part(ctx, sum) : sum);
    free(t);
    return ok;
}

/* The smallest change of the all-ones combination that gives the answer. */
static int find_combination(cmp_set *s, nd_node *a, nd_node **g, int k, int max_changes,
                            int symmetric, int *coef)
{
    int max_coef = k <= 6 && max_changes > 0 ? 2 : 1, total = 1;
    if (max_changes < 0)
        max_changes = 1;
    for (int i = 0; i < k; i++)
        total *= max_coef + 1;
    for (int changes = 1; changes <= k && changes <= max_changes; changes++)
        for (int code = 0; code < total; code++) {
            int c = code, diff = 0;
            for (int i = 0; i < k; i++, c /= max_coef + 1) {
                coef[i] = c % (max_coef + 1);
                diff += coef[i] != 1;
            }
            if (diff == changes && combination_holds(s, a, g, coef, k, symmetric))
                return 1;
        }
    return 0;
}

/* The uses with coefficient `which`, as "`W'` at 5:5 and `W` at 5:8". */
static void list_uses(nd_ctx *ctx, const int *copies, const int *coef, int k, int which,
                      reason *out, int add_pos)
{
    const char *sep = "";
    for (int i = 0; i < k; i++)
        if (coef[i] == which) {
            sb_printf(&out->text, "%s%s", sep, use_text(ctx, &ctx->scope->vars[copies[i]]));
            if (add_pos)
                reason_add_pos(out, ctx->scope->vars[copies[i]].loc, ctx->scope->vars[copies[i]].name);
            sep = " and ";
        }
}

static void describe_uses(nd_ctx *ctx, const int *copies, const int *coef, int k, reason *out)
{
    strbuf *b = &out->text;
    const char *name = ctx->scope->vars[ctx->scope->vars[copies[0]].origin].name;
    int missing = 0, twice = 0, once = 0;
    for (int i = 0; i < k; i++) {
        missing += coef[i] == 0;
        twice += coef[i] == 2;
        once += coef[i] == 1;
    }
    reason_set(out, missing ? "missing-use" : "extra-use", "%s", "");
    if (missing) {
        sb_printf(b, "missing the contribution%s through ", missing > 1 ? "s" : "");
        list_uses(ctx, copies, coef, k, 0, out, 1);
    }
    if (twice) {
        sb_puts(b, missing ? "; it counts the contribution through "
                           : "the answer counts the contribution through ");
        list_uses(ctx, copies, coef, k, 2, out, 1);
        sb_puts(b, " twice");
    }
    sb_printf(b, ": %s is used %s", name, k == 2 ? "twice" : k == 3 ? "three times"
                                                    : "several times");
    if (missing && once) {
        sb_puts(b, " and the answer follows only ");
        list_uses(ctx, copies, coef, k, 1, out, 0);
    }
}

/* In the --paths elaboration: the student's names, the answer, and the
 * contribution of each use of the variable. */
static int paths_body(nd_ctx *ctx, paths_job *job, const nd_prog *prog)
{
    checker *c = job->c;
    const char *var = c->ctx->scope->vars[c->prog.wrt[c->line_var]].name;
    int *copies = xmalloc(((size_t)ctx->scope->n_vars + 1) * sizeof *copies), k = 0;
    for (int i = 0; i < ctx->scope->n_vars; i++)
        if (ctx->scope->vars[i].origin >= 0 && !strcmp(ctx->scope->vars[ctx->scope->vars[i].origin].name, var))
            copies[k++] = i;
    nd_node *a = NULL;
    if (k >= 2 && k <= 12) {
        for (int d = 0; d < c->n_defs; d++) {
            nd_node *n = from_text(ctx, c->defs[d].text, NULL);
            if (!n)
                break;
            int b = scope_add_binding(ctx, c->defs[d].name, (nd_loc){ 0, 0, 0, 0, NULL });
            ctx->scope->binds[b].node = n;
            scope_define(ctx, c->defs[d].name, SYM_BIND, b);
        }
        a = from_text(ctx, job->answer, NULL);
        if (a && job->symmetric)
            a = symmetric_part(ctx, a);
    }
    if (a) {
        nd_node **g = xmalloc(((size_t)k + 1) * sizeof *g);
        derive_gradients(ctx, ctx->scope->binds[prog->objective].node, copies, k, g);
        nd_node **roots = xmalloc(((size_t)k + 2) * sizeof *roots);
        memcpy(roots, g, (size_t)k * sizeof *g);
        roots[k] = a;
        cmp_set s;
        int coef[12];
        if (cmp_open(&s, ctx, roots, k + 1, &c->opts, 0x9a7, 0) == EV_OK &&
            shape_equal(ctx, a->shape, g[0]->shape) && find_combination(&s, a, g, k, job->max_changes, job->symmetric, coef)) {
            describe_uses(ctx, copies, coef, k, job->out);
            job->found = 1;
        }
        cmp_close(&s);
        free(roots);
        free(g);
    }
    free(copies);
    return 0;
}

static int paths_reason(void *user, const char *answer, int max_changes, reason *out)
{
    line_ctx *l = user;
    checker *c = l->c;
    if (l->c->line_var < 0)
        return 0;
    nd_ctx *ctx = run_new(c->program);
    ast_program tree = { 0 };
    paths_job job = { c, answer, max_changes, is_symmetric_var(c, c->line_var), out, 0 };
    const char *split = c->ctx->scope->vars[c->prog.wrt[c->line_var]].name;
    elab_opts eo = { .of = objective_name(c), .split = &split, .n_split = 1 };
    DIAG_TRY(ctx, jb) {
        nd_prog prog;
        parse_source(ctx, c->program, PARSE_PROGRAM, &tree, NULL);
        elab_program(ctx, &tree, &eo, &prog);
        paths_body(ctx, &job, &prog);
        prog_free(&prog);
    }
    DIAG_END_TRY(ctx, jb);
    run_free(ctx);
    return job.found;
}

/* ---- one line ---- */

enum verdict { V_RIGHT, V_WRONG, V_CARRIED, V_ERROR };

typedef struct line_result {
    enum verdict v;
    reason why;
    strbuf given;           /* V_CARRIED: the wrong lines it uses ("dL/dz2") */
} line_result;

/* The steps the answer names (dL/dz2) whose student value is wrong:
 * uses[i] set, their labels listed in `given`.  An explicit stack: a
 * chain of terms is as long as the line. */
static int wrong_steps_named(checker *c, const ast *expr, unsigned char *uses, strbuf *given,
                             int *missing)
{
    const ast **stack = xmalloc(64 * sizeof *stack);
    int n = 0, cap = 64, any = 0;
    *missing = 0;
    stack[n++] = expr;
    while (n > 0) {
        const ast *a = stack[--n];
        for (int i = 0; a->kind == AST_NAME && i < c->n_steps; i++)
            if (!uses[i] && c->steps[i].user_wrong && !strcmp(a->text, c->steps[i].label)) {
                uses[i] = 1;
                any = 1;
                *missing |= c->steps[i].user_missing;
                sb_printf(given, "%s%s", given->len ? ", " : "", c->steps[i].label);
            }
        for (int k = 0; k < a->nkids; k++) {
            if (n == cap)
                stack = xrealloc(stack, (size_t)(cap *= 2) * sizeof *stack);
            stack[n++] = a->kids[k];
        }
    }
    free(stack);
    return any;
}

/* Binds the names of the used steps to their true values (on) or back to
 * the student's (off). */
static void bind_steps(checker *c, const unsigned char *uses, int truth)
{
    for (int i = 0; i < c->n_steps; i++) {
        struct nd_sym *sym = uses[i] ? scope_lookup(c->ctx, c->steps[i].label) : NULL;
        if (sym && sym->kind == SYM_BIND)
            c->ctx->scope->binds[sym->index].node = truth ? c->steps[i].truth : c->steps[i].user;
    }
}

/* What line `label` = answer is checked against: the gradient of variable
 * j, or step i (j < 0). */
typedef struct line_target {
    int j, i;
    nd_node *truth;
    const char *name;       /* "the gradient", "the adjoint" */
} line_target;

static void diagnose(checker *c, const line_target *t, int plain, nd_node *answer,
                     const attempt *how, const ast *expr, const nd_source *src, reason *why)
{
    nd_node *expect = t->truth;
    line_ctx l = { c, expect->shape };
    c->line_var = t->j;
    nd_node *target = t->j >= 0 ? c->ctx->scope->vars[c->prog.wrt[t->j]].node : c->steps[t->i].target;
    reason_in in = {
        .ctx = c->ctx, .opts = &c->opts, .expect_name = t->name,
        .subject = c->kind ? t->name : NULL,
        .symmetric = is_symmetric_var(c, t->j), .answer = answer,
        .error = how->msg, .error_loc = how->loc, .expr = expr, .src = src,
        .objective = c->kind ? NULL : c->objective, .target = target, .want = c->want,
        .origin = c->prog.origin, .n_origin = c->prog.n_origin,
        .elaborate = elaborate_candidate, .paths = plain && !c->kind ? paths_reason : NULL,
        .user = &l,
    };
    in.expect = in.symmetric ? symmetric_part(c->ctx, expect) : expect;
    reason_find(&in, why);
}

/* The student's value of a step, by its name dL/dz2 for later lines (the
 * true one when theirs has no value: later lines are then judged alone). */
static void give_step(checker *c, step *s, nd_node *value, int wrong, int tainted)
{
    s->user = value ? value : s->truth;
    s->user_wrong = wrong;
    s->user_missing = !value || tainted;    /* made from a truth in place of theirs */
    struct nd_sym *sym = scope_lookup(c->ctx, s->label);
    int b = sym && sym->kind == SYM_BIND ? sym->index
                                         : scope_add_binding(c->ctx, s->label, (nd_loc){ 0 });
    c->ctx->scope->binds[b].node = s->user;
    scope_define(c->ctx, s->label, SYM_BIND, b);
}

/* Is value (of the answer) the line's truth?  1, 0, or -1 after an error. */
static int line_right(checker *c, const line_target *t, nd_node *value, strbuf *diag)
{
    if (!value || !shape_equal(c->ctx, value->shape, t->truth->shape))
        return 0;
    if (!is_symmetric_var(c, t->j))
        return values_equal(c, value, t->truth, diag);
    return values_equal(c, symmetric_part(c->ctx, value), symmetric_part(c->ctx, t->truth), diag);
}

/* A line: right; right given the student's own wrong earlier lines that it
 * names (error carried forward: with their true values it is right); or
 * wrong, with the reason found with the true earlier values in place, so
 * that it is this line's own mistake that is explained. */
static int check_line(checker *c, const line_target *t, const ast *expr, const nd_source *src,
                      line_result *res, strbuf *diag)
{
    unsigned char *uses = xmalloc((size_t)c->n_steps + 1);
    memset(uses, 0, (size_t)c->n_steps + 1);
    int missing, carried = wrong_steps_named(c, expr, uses, &res->given, &missing);
    attempt how;
    nd_node *a = try_elaborate(c->ctx, expr, &t->truth->shape, &how);
    int eq = a || how.kind == ERR_SHAPE ? line_right(c, t, a, diag) : -1;
    if (eq == -1 && !a)
        diag_format(diag, DIAG_ERROR, how.loc, how.msg);
    if (eq == 0 && carried) {
        bind_steps(c, uses, 1);
        attempt own_how;
        nd_node *own = try_elaborate(c->ctx, expr, &t->truth->shape, &own_how);
        eq = line_right(c, t, own, diag);
        if (eq == 1) {
            res->v = V_CARRIED;
        } else if (eq == 0) {
            res->v = V_WRONG;
            diagnose(c, t, 0, own, &own_how, expr, src, &res->why);
        }
        free(own_how.msg);
        bind_steps(c, uses, 0);
        eq = eq < 0 ? -1 : 0;
    } else if (eq == 0) {
        res->v = V_WRONG;
        diagnose(c, t, 1, a, &how, expr, src, &res->why);
    } else if (eq == 1) {   /* right, unless only because a missing value was the truth */
        res->v = missing ? V_CARRIED : V_RIGHT;
    }
    if (eq < 0)
        res->v = V_ERROR;
    else if (t->j < 0)
        give_step(c, &c->steps[t->i], a, res->v != V_RIGHT, missing);
    free(how.msg);
    free(uses);
    return res->v;
}

/* ---- the lines of a file ---- */

static void json_string(strbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            sb_printf(b, "\\%c", ch);
        else if (ch == '\n')
            sb_puts(b, "\\n");
        else if (ch < 0x20)
            sb_printf(b, "\\u%04x", ch);
        else
            sb_putc(b, (char)ch);
    }
    sb_putc(b, '"');
}

static const char *const verdict_words[] = {
    [V_RIGHT] = "equivalent", [V_WRONG] = "not equivalent", [V_CARRIED] = "right given",
};

static void text_verdict(const line_result *r, const char *label, strbuf *out)
{
    if (label)
        sb_printf(out, "%s: ", label);
    if (r->v == V_RIGHT)
        sb_puts(out, "equivalent\n");
    else if (r->v == V_CARRIED)
        sb_printf(out, "right given your %s, which %s wrong\n", sb_str(&r->given),
                  strchr(sb_str(&r->given), ',') ? "are" : "is");
    else
        sb_printf(out, "not equivalent: %s\n", sb_str(&r->why.text));
}

static void json_verdict(const line_result *r, const char *label, int line, strbuf *out)
{
    sb_puts(out, "    {\"name\": ");
    json_string(out, label);
    sb_printf(out, ", \"line\": %d, \"verdict\": ", line);
    json_string(out, r->v == V_CARRIED ? "right given earlier lines" : verdict_words[r->v]);
    if (r->v == V_CARRIED) {
        sb_puts(out, ", \"kind\": \"carried-forward\", \"reason\": ");
        strbuf t;
        sb_init(&t);
        sb_printf(&t, "right given your %s, which is wrong", sb_str(&r->given));
        json_string(out, sb_str(&t));
        sb_free(&t);
    } else if (r->v == V_WRONG) {
        sb_puts(out, ", \"kind\": ");
        json_string(out, r->why.kind);
        sb_puts(out, ", \"reason\": ");
        json_string(out, sb_str(&r->why.text));
        sb_puts(out, ", \"positions\": [");
        for (int p = 0; p < r->why.n_pos; p++) {
            nd_loc at = diag_origin(r->why.pos[p].loc);   /* in the .tex file, for LaTeX */
            const nd_loc *l = &at;
            sb_printf(out, "%s{\"file\": ", p ? ", " : "");
            json_string(out, l->src ? l->src->name : NULL);
            sb_printf(out, ", \"line\": %d, \"column\": %d", l->first_line, l->first_column);
            if (r->why.pos[p].text) {
                sb_puts(out, ", \"text\": ");
                json_string(out, r->why.pos[p].text);
            }
            sb_putc(out, '}');
        }
        sb_putc(out, ']');
        if (r->why.fix) {
            sb_puts(out, ", \"fix\": ");
            json_string(out, r->why.fix);
        }
    }
    sb_putc(out, '}');
}

/* The line's target from its label dOF/dWRT; raises on a bad label. */
static line_target target_of(checker *c, const ast_stmt *st)
{
    nd_ctx *ctx = c->ctx;
    const char *of = st->names.v[0].name, *wrt = st->names.v[1].name;
    const char *obj = objective_name(c);
    if (of[0] != 'd' || strcmp(of + 1, obj) != 0 || wrt[0] != 'd')
        diag_fail(ctx, st->names.v[0].loc, "expected d%s/dNAME, a derivative of the objective '%s'",
                 obj, obj);
    line_target t = { -1, -1, NULL, "the gradient" };
    for (int j = 0; j < c->prog.n_wrt; j++)
        if (!strcmp(ctx->scope->vars[c->prog.wrt[j]].name, wrt + 1)) {
            t.j = j;
            t.truth = c->grad[j];
            return t;
        }
    size_t skip = strlen(obj) + 3;
    for (int i = 0; i < c->n_steps; i++)
        if (!strcmp(c->steps[i].label + skip, wrt + 1)) {
            t.i = i;
            t.truth = c->steps[i].truth;
            t.name = "the adjoint";
            return t;
        }
    diag_fail(ctx, st->names.v[1].loc,
             "'%s' is neither a variable the gradient is taken with respect to nor a named "
             "intermediate the objective depends on", wrt + 1);
}

static void remember(checker *c, const char *name, const char *text)
{
    c->defs = xgrow(c->defs, &c->cap_defs, c->n_defs + 1, sizeof *c->defs);
    c->defs[c->n_defs].name = arena_strdup(c->ctx->arena, name);
    c->defs[c->n_defs++].text = xstrdup(text);
}

/* A helper line `t = EXPR`: a name for later lines. */
static void helper_line(checker *c, const ast_stmt *st, const nd_source *src)
{
    struct nd_sym *sym = scope_lookup(c->ctx, st->names.v[0].name);
    if (sym && sym->kind == SYM_BIND)   /* the program's own may be restated */
        return;
    elab_answer_binding(c->ctx, st->names.v[0].name, st->names.v[0].loc, st->expr);
    char *text = reason_answer_text(src, st->expr);
    remember(c, st->names.v[0].name, text);
    free(text);
}

typedef struct tally {
    int lines, right, carried, first_wrong_line;
    const char *first_wrong;
} tally;

static int run_lines(checker *c, const ast_program *lines, const nd_source *src,
                     enum check_format fmt, strbuf *out, strbuf *diag, tally *t)
{
    int worst = 0;
    for (const ast_stmt *st = lines->first; st; st = st->next) {
        if (st->kind == ST_ASSIGN) {
            helper_line(c, st, src);
            continue;
        }
        line_target tg = target_of(c, st);
        int line = diag_origin(st->loc).first_line;     /* as written (a .tex line) */
        char label[300];
        snprintf(label, sizeof label, "%.140s/%.140s", st->names.v[0].name, st->names.v[1].name);
        line_result r;
        memset(&r, 0, sizeof r);
        reason_init(&r.why);
        sb_init(&r.given);
        int v = check_line(c, &tg, st->expr, src, &r, diag);
        if (v != V_ERROR) {
            if (fmt == CHECK_JSON)
                json_verdict(&r, label, line, out);
            else
                text_verdict(&r, label, out);
            if (c->sink) {
                strbuf why;
                sb_init(&why);
                text_verdict(&r, NULL, &why);
                sb_truncate(&why, why.len ? why.len - 1 : 0);     /* without its newline */
                c->sink(c->sink_user, label, line, v == V_RIGHT ? 0 : v == V_WRONG ? 1 : 2,
                        sb_str(&why));
                sb_free(&why);
            }
            if (fmt == CHECK_JSON && st->next)
                sb_puts(out, ",\n");
            t->lines++;
            t->right += v == V_RIGHT;
            t->carried += v == V_CARRIED;
            if (v != V_RIGHT && !t->first_wrong) {
                t->first_wrong = arena_strdup(c->ctx->arena, label);
                t->first_wrong_line = line;
            }
            if (tg.i >= 0) {
                char *text = reason_answer_text(src, st->expr);
                remember(c, label, text);
                free(text);
            }
        }
        reason_free(&r.why);
        sb_free(&r.given);
        worst = v == V_ERROR ? 2 : v != V_RIGHT && worst < 1 ? 1 : worst;
        if (worst == 2)
            break;
    }
    return worst;
}

static void summary(const tally *t, enum check_format fmt, strbuf *out)
{
    if (fmt == CHECK_JSON) {
        sb_printf(out, "\n  ],\n  \"correct\": %d,\n  \"total\": %d,\n  \"carried_forward\": %d",
                  t->right, t->lines, t->carried);
        if (t->first_wrong) {
            sb_puts(out, ",\n  \"first_wrong\": ");
            json_string(out, t->first_wrong);
        }
        sb_puts(out, "\n}\n");
        return;
    }
    sb_printf(out, "%d of %d correct", t->right, t->lines);
    if (t->carried)
        sb_printf(out, " (%d more right given an earlier wrong line)", t->carried);
    if (t->first_wrong)
        sb_printf(out, "; the first wrong line is %s (line %d)", t->first_wrong,
                  t->first_wrong_line);
    sb_putc(out, '\n');
}

/* The answers parsed; 0 after a syntax error, whose messages (caught: they
 * are not the program's) are appended to diag, the checker's report. */
static int parse_answers(nd_ctx *ctx, const nd_source *src, enum parse_mode mode,
                         ast_program *lines, ast **expr, strbuf *diag)
{
    volatile int ok = 0;
    diag_catch k;
    diag_catch_open(ctx, &k);
    DIAG_TRY(ctx, jb) {
        parse_source(ctx, src, mode, lines, expr);
        ok = 1;
    }
    DIAG_END_TRY(ctx, jb);
    diag_catch_close(ctx, &k);
    sb_puts(ok ? diag_out(ctx) : diag, sb_str(&k.text));
    diag_catch_free(&k);
    return ok;
}

int check_file(checker *c, const nd_source *answers, enum check_format fmt, strbuf *out,
               strbuf *diag)
{
    nd_ctx *ctx = c->ctx;
    ast_program lines = { 0 };
    if (!parse_answers(ctx, answers, PARSE_GRADS, &lines, NULL, diag))
        return 2;
    int n_grads = 0;
    for (const ast_stmt *st = lines.first; st; st = st->next)
        n_grads += st->kind == ST_GRAD;
    volatile int st = 2;
    tally t = { 0 };
    diag_catch k;
    diag_catch_open(ctx, &k);
    DIAG_TRY(ctx, jb) {
        if (n_grads == 0)       /* checking nothing is not a success */
            diag_fail(ctx, (nd_loc){ 1, 1, 1, 1, answers },
                     "no answer to check: expected lines such as d%s/d%s = EXPR",
                     objective_name(c), c->prog.n_wrt ? ctx->scope->vars[c->prog.wrt[0]].name : "x");
        if (fmt == CHECK_JSON)
            sb_puts(out, "{\n  \"lines\": [\n");
        st = run_lines(c, &lines, answers, fmt, out, diag, &t);
        if (st != 2)
            summary(&t, fmt, out);
    }
    DIAG_END_TRY(ctx, jb);
    diag_catch_close(ctx, &k);
    if (k.kind != ERR_NONE)     /* an error in the input, not a verdict */
        st = 2;
    sb_puts(k.kind != ERR_NONE ? diag : diag_out(ctx), sb_str(&k.text));
    diag_catch_free(&k);
    for (int i = 0; i < ctx->scope->n_binds; i++)     /* their expressions go with the lines */
        ctx->scope->binds[i].expr_inline = NULL;
    program_free(&lines);
    return st;
}

int check_expression(checker *c, const nd_source *answer, enum check_format fmt, strbuf *out,
                     strbuf *diag)
{
    ast *expr = NULL;
    if (!parse_answers(c->ctx, answer, PARSE_EXPR, NULL, &expr, diag))
        return 2;
    static const char *const names[] = { "the gradient", "the Jacobian", "the Hessian" };
    line_target t = { 0, -1, c->grad[0], names[c->kind] };
    line_result r;
    memset(&r, 0, sizeof r);
    reason_init(&r.why);
    sb_init(&r.given);
    int v = check_line(c, &t, expr, answer, &r, diag);
    if (v != V_ERROR && fmt == CHECK_JSON) {
        strbuf label;
        sb_init(&label);
        sb_printf(&label, c->kind == JAC_HESSIAN ? "d2%s/d%s2" : "d%s/d%s", objective_name(c),
                  c->ctx->scope->vars[c->prog.wrt[0]].name);
        sb_puts(out, "{\n  \"lines\": [\n");
        json_verdict(&r, sb_str(&label), 1, out);
        tally tl = { 1, v == V_RIGHT, 0, 1, v == V_RIGHT ? NULL : sb_str(&label) };
        summary(&tl, fmt, out);
        sb_free(&label);
    } else if (v != V_ERROR) {
        text_verdict(&r, NULL, out);
    }
    reason_free(&r.why);
    sb_free(&r.given);
    ast_free(expr);
    return v == V_ERROR ? 2 : v == V_RIGHT ? 0 : 1;
}
