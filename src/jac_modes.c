/* jac_modes.c: --jacobian and --hessian in the output modes: the blocks
 * and their labels, the lines of text and LaTeX, and --verify (see
 * jacobian.h). */
#include "jacobian.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "emit.h"
#include "mk.h"
#include "scope.h"
#include "shape.h"
#include "simplify.h"

static const char *objective_name(nd_ctx *ctx, const nd_prog *prog)
{
    return ctx->scope->binds[prog->objective].name;
}

/* What the kind needs of the objective and the variables; raises what it
 * refuses. */
void jac_require(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind)
{
    nd_binding *b = &ctx->scope->binds[prog->objective];
    nd_shape s = b->node->shape;
    const char *flag = kind == JAC_HESSIAN ? "--hessian" : "--jacobian";
    if (kind == JAC_HESSIAN && !shape_is_scalar(ctx, s))
        diag_fail(ctx, b->loc, "the objective '%s' is %s, not a scalar: a Hessian needs a "
                              "scalar objective (--jacobian differentiates a vector)",
                  b->name, shape_str(ctx, s));
    if (!dim_is_one(ctx, s.rows) && !dim_is_one(ctx, s.cols) &&
        (dim_value(ctx, s.rows) <= 0 || dim_value(ctx, s.cols) <= 0))
        diag_fail(ctx, b->loc, "the objective '%s' is %s, a matrix of symbolic size: "
                              "--jacobian takes a matrix through vec, whose sizes are numbers "
                              "(m*n is not a dimension)",
                  b->name, shape_str(ctx, s));
    for (int i = 0; i < prog->n_wrt; i++) {
        nd_var *v = &ctx->scope->vars[prog->wrt[i]];
        if (jac_var_ok(ctx, prog->wrt[i]))
            continue;
        diag_fail(ctx, v->loc, "'%s' is %s: %s differentiates with respect to a scalar, a "
                              "column vector or a matrix of numeric size that is not declared "
                              "symmetric (through vec: m*n is not a dimension)",
                  v->name, shape_str(ctx, v->shape), flag);
    }
}

/* The labels: df/dx (the Jacobian), d2f/dx2 and d2f/dx dy (the Hessian). */
static void label(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int i, int j,
                  strbuf *out)
{
    const char *f = objective_name(ctx, prog), *x = ctx->scope->vars[prog->wrt[i]].name;
    if (kind == JAC_JACOBIAN)
        sb_printf(out, "d%s/d%s", f, x);
    else if (i == j)
        sb_printf(out, "d2%s/d%s2", f, x);
    else
        sb_printf(out, "d2%s/d%s d%s", f, x, ctx->scope->vars[prog->wrt[j]].name);
}

void jac_blocks_free(jac_blocks *b)
{
    for (int i = 0; i < b->n; i++)
        free(b->label[i]);
    free(b->label);
    free(b->expr);
    free(b->row);
    free(b->col);
    memset(b, 0, sizeof *b);
}

static void add_block(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, jac_blocks *b,
                      int i, int j)
{
    nd_node *f = ctx->scope->binds[prog->objective].node;    /* first: it may raise */
    nd_node *e = kind == JAC_JACOBIAN ? jac_derive(ctx, f, prog->wrt[i])
                                      : jac_hessian(ctx, f, prog->wrt[i], prog->wrt[j]);
    strbuf l;
    sb_init(&l);
    label(ctx, prog, kind, i, j, &l);
    b->label[b->n] = xstrdup(sb_str(&l));
    sb_free(&l);
    b->row[b->n] = i;
    b->col[b->n] = j;
    b->expr[b->n++] = e;
}

/* A Hessian is symmetric: the blocks on and above the diagonal, each once
 * (d2f/dy dx is the transpose of d2f/dx dy). */
void jac_make_blocks(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, jac_blocks *b)
{
    memset(b, 0, sizeof *b);
    jac_require(ctx, prog, kind);
    int k = prog->n_wrt, cap = kind == JAC_HESSIAN ? k * (k + 1) / 2 : k;
    b->label = xmalloc(((size_t)cap + 1) * sizeof *b->label);
    b->expr = xmalloc(((size_t)cap + 1) * sizeof *b->expr);
    b->row = xmalloc(((size_t)cap + 1) * sizeof *b->row);
    b->col = xmalloc(((size_t)cap + 1) * sizeof *b->col);
    volatile int st = 2;
    DIAG_TRY(ctx, jb) {
        for (int i = 0; i < k; i++)
            for (int j = kind == JAC_HESSIAN ? i : k - 1; j < k; j++)
                add_block(ctx, prog, kind, b, i, kind == JAC_HESSIAN ? j : i);
        emit_simplify_all(ctx, b->expr, b->n);
        jac_tidy(ctx, b->expr, b->n);   /* what the simplifier's factoring made */
        emit_simplify_all(ctx, b->expr, b->n);
        st = 0;
    }
    DIAG_END_TRY(ctx, jb);
    if (st) {           /* the blocks freed, the error goes on */
        jac_blocks_free(b);
        diag_throw(ctx);
    }
}

void jac_transpose_blocks(nd_ctx *ctx, jac_blocks *b)
{
    for (int k = 0; k < b->n; k++)
        b->expr[k] = mk_transpose(ctx, b->expr[k]);
    emit_simplify_all(ctx, b->expr, b->n);
    b->transposed = !b->transposed;
}

void jac_emit(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int denominator, int latex,
              strbuf *out)
{
    jac_blocks b;
    jac_make_blocks(ctx, prog, kind, &b);
    if (denominator)
        jac_transpose_blocks(ctx, &b);
    emit_line *lines = xmalloc(((size_t)b.n + 1) * sizeof *lines);
    for (int i = 0; i < b.n; i++)
        lines[i] = (emit_line){ b.label[i], b.expr[i], NULL };
    emit_lines(ctx, lines, b.n, latex, out);
    free(lines);
    jac_blocks_free(&b);
}

/* ---- --verify ----
 * A Jacobian J of f is checked through the scalar w'*f, w a random vector
 * drawn with the variables (a variable of its own, with no name in the
 * program): its gradient is J'*w, which the central differences of w'*f
 * check as they check any gradient; a wrong entry of J shows for almost
 * every w.  A Hessian block d2f/dx dy is checked as the Jacobian w.r.t. y
 * of the derived gradient w.r.t. x: by central differences of w'*g(x). */

static nd_node *weights(nd_ctx *ctx, nd_node *v)
{
    int w = scope_add_var(ctx, "(random weights)", (nd_loc){ 0, 0, 0, 0, NULL },
                        shape_make(v->shape.rows, DIM_ONE), 1, AS_NONE);
    return ctx->scope->vars[w].node;
}

/* The entries of v as a column: a vector's in order, a matrix's vec. */
static nd_node *as_column(nd_ctx *ctx, nd_node *v)
{
    if (!dim_is_one(ctx, v->shape.rows) && !dim_is_one(ctx, v->shape.cols))
        return mk_fn(ctx, OP_VEC, v);
    return shape_is_row(ctx, v->shape) ? mk_transpose(ctx, v) : v;
}

/* J'*w as the gradient it claims, shaped like variable var: a matrix
 * variable's column of vec(X) entries reshaped back (unvec). */
static nd_node *claim_of(nd_ctx *ctx, int var, nd_node *jtw)
{
    nd_shape s = ctx->scope->vars[var].shape;
    if (dim_is_one(ctx, s.cols))
        return jtw;
    nd_node *k[2] = { jtw, mk_int(ctx, dim_value(ctx, s.rows)) };
    return mk_call(ctx, OP_UNVEC, k, 2);
}

typedef struct verify_job {
    nd_node *phi;           /* w'*f or w'*g */
    int n;
    int *vars;
    nd_node **claim;        /* J'*w for each */
    int *block;             /* which block of b each is */
} verify_job;

/* The jobs: one per row variable of the blocks (the Jacobian: one). */
static int make_jobs(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, const jac_blocks *b,
                     verify_job *jobs)
{
    int nj = 0;
    nd_node *f = ctx->scope->binds[prog->objective].node, *wf = NULL, *w = NULL;
    if (kind == JAC_JACOBIAN) {
        f = as_column(ctx, f);
        w = weights(ctx, f);
        wf = mk_mul(ctx, mk_transpose(ctx, w), f);
    }
    for (int k = 0; k < b->n; k++) {
        int i = kind == JAC_JACOBIAN ? 0 : b->row[k];
        verify_job *jb = &jobs[i];
        if (i == nj) {
            memset(jb, 0, sizeof *jb);
            jb->vars = xmalloc(((size_t)b->n + 1) * sizeof *jb->vars);
            jb->claim = xmalloc(((size_t)b->n + 1) * sizeof *jb->claim);
            jb->block = xmalloc(((size_t)b->n + 1) * sizeof *jb->block);
            if (kind == JAC_HESSIAN) {
                nd_node *g;
                int v = prog->wrt[i];
                derive_gradients(ctx, f, &v, 1, &g);
                g = as_column(ctx, g);
                w = weights(ctx, g);
                jb->phi = mk_mul(ctx, mk_transpose(ctx, w), g);
            } else {
                jb->phi = wf;
            }
            nj++;
        }
        jb->vars[jb->n] = prog->wrt[b->col[k]];
        nd_node *jt = b->transposed ? b->expr[k] : mk_transpose(ctx, b->expr[k]);
        jb->claim[jb->n] = claim_of(ctx, prog->wrt[b->col[k]], mk_mul(ctx, jt, w));
        jb->block[jb->n++] = k;
    }
    return nj;
}

static void report(const jac_blocks *b, const verify_err *err, const verify_opts *o, int st,
                   strbuf *out)
{
    for (int k = 0; k < b->n; k++)
        sb_printf(out, "%s: max relative error %s%s\n", b->label[k], err[k].text,
                  err[k].value <= verify_tolerance(o) ? "" : "  FAILED");
    sb_printf(out, "%s: %d random point%s, %ld-bit central differences, tolerance %.0e\n",
              st == 0 ? "verified" : "NOT verified", o->points, o->points == 1 ? "" : "s",
              (long)o->prec, verify_tolerance(o));
}

/* Each job through verify_gradients; the errors by block. */
static int run_jobs(nd_ctx *ctx, verify_job *jobs, int nj, const verify_opts *o,
                    verify_err *err)
{
    int st = 0;
    for (int i = 0; i < nj && st != 2; i++) {
        verify_job *jb = &jobs[i];
        verify_err *e = xmalloc(((size_t)jb->n + 1) * sizeof *e);
        int r = verify_gradients(ctx, jb->phi, jb->vars, jb->claim, jb->n, o, e);
        for (int k = 0; k < jb->n && r != 2; k++)
            err[jb->block[k]] = e[k];
        st = r > st ? r : st;
        free(e);
    }
    return st;
}

int jac_verify_blocks(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind,
                      const jac_blocks *b, const verify_opts *o, strbuf *out, double *worst)
{
    *worst = 0;
    verify_job *jobs = xmalloc(((size_t)b->n + 1) * sizeof *jobs);
    verify_err *err = xmalloc(((size_t)b->n + 1) * sizeof *err);
    int nj = make_jobs(ctx, prog, kind, b, jobs);
    int st = run_jobs(ctx, jobs, nj, o, err);
    if (st != 2)
        report(b, err, o, st, out);
    for (int k = 0; k < b->n && st != 2; k++)
        if (isnan(err[k].value) || err[k].value > *worst)
            *worst = err[k].value;
    for (int i = 0; i < nj; i++) {
        free(jobs[i].vars);
        free(jobs[i].claim);
        free(jobs[i].block);
    }
    free(jobs);
    free(err);
    return st;
}

int jac_verify(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int denominator,
               const verify_opts *o, strbuf *out, double *worst)
{
    jac_blocks b;
    *worst = 0;
    jac_make_blocks(ctx, prog, kind, &b);
    if (denominator)
        jac_transpose_blocks(ctx, &b);
    int st = jac_verify_blocks(ctx, prog, kind, &b, o, out, worst);
    jac_blocks_free(&b);
    return st;
}
