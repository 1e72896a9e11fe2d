/* ops_nn.c: softmax, logsoftmax, logsumexp and crossentropy, column-wise on
 * a matrix (each column is one example), and numerically stable: every
 * evaluation shifts by the column's maximum. */
#include "ops_impl.h"

/* ---- column-wise helpers for the evaluators ---- */

/* m = max of column c; sum = sum(exp(x - m)) over the column */
static void column_lse(const nd_mat *x, int c, mpfr_t m, mpfr_t sum, mpfr_t t)
{
    mpfr_set(m, MAT(x, 0, c), MPFR_RNDN);
    for (int r = 1; r < x->rows; r++)
        if (mpfr_cmp(MAT(x, r, c), m) > 0)
            mpfr_set(m, MAT(x, r, c), MPFR_RNDN);
    mpfr_set_zero(sum, 1);
    for (int r = 0; r < x->rows; r++) {
        mpfr_sub(t, MAT(x, r, c), m, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_add(sum, sum, t, MPFR_RNDN);
    }
}

/* out(r, c) = x(r, c) - logsumexp(column c), or its exp (softmax) */
static void eval_logsoftmax_into(nd_mat *out, const nd_mat *x, mpfr_prec_t prec, int expo)
{
    mpfr_t m, sum, t;
    mpfr_inits2(prec, m, sum, t, (mpfr_ptr)0);
    for (int c = 0; c < x->cols; c++) {
        column_lse(x, c, m, sum, t);
        mpfr_log(sum, sum, MPFR_RNDN);
        mpfr_add(sum, sum, m, MPFR_RNDN);
        for (int r = 0; r < x->rows; r++) {
            mpfr_sub(MAT(out, r, c), MAT(x, r, c), sum, MPFR_RNDN);
            if (expo)
                mpfr_exp(MAT(out, r, c), MAT(out, r, c), MPFR_RNDN);
        }
    }
    mpfr_clears(m, sum, t, (mpfr_ptr)0);
}

/* ---- softmax ---- */

/* d softmax: S .* (G - colsum(S .* G)) */
ADJ(op_softmax_adjoint)
{
    (void)i;
    nd_node *cs = mk_colsum(ctx, mk_emul(ctx, n, g));
    return mk_emul(ctx, n, mk_sub(ctx, g, mk_bcast(ctx, cs, n->shape)));
}

EVAL(op_softmax_eval)
{
    (void)n;
    eval_logsoftmax_into(out, args[0], env->prec, 1);
    return EV_OK;
}

/* ---- logsoftmax ---- */

/* d logsoftmax: G - softmax(Z) .* colsum(G) */
ADJ(op_logsoftmax_adjoint)
{
    (void)i;
    nd_node *z = n->kid[0];
    nd_node *s = mk_fn(ctx, OP_SOFTMAX, z);
    return mk_sub(ctx, g, mk_emul(ctx, s, mk_bcast(ctx, mk_colsum(ctx, g), z->shape)));
}

EVAL(op_logsoftmax_eval)
{
    (void)n;
    eval_logsoftmax_into(out, args[0], env->prec, 0);
    return EV_OK;
}

/* ---- logsumexp: one number per column ---- */

SHAPE(op_logsumexp_shape)
{
    (void)ctx;
    return shape_make(DIM_ONE, k[0]->shape.cols);
}

ADJ(op_logsumexp_adjoint)
{
    (void)i;
    nd_node *z = n->kid[0];
    return mk_emul(ctx, mk_fn(ctx, OP_SOFTMAX, z), mk_bcast(ctx, g, z->shape));
}

EVAL(op_logsumexp_eval)
{
    (void)n;
    mpfr_t m, t;
    mpfr_inits2(env->prec, m, t, (mpfr_ptr)0);
    for (int c = 0; c < args[0]->cols; c++) {
        column_lse(args[0], c, m, out->a[c], t);
        mpfr_log(out->a[c], out->a[c], MPFR_RNDN);
        mpfr_add(out->a[c], out->a[c], m, MPFR_RNDN);
    }
    mpfr_clears(m, t, (mpfr_ptr)0);
    return EV_OK;
}

/* ---- crossentropy(Z, Y) = -sum(Y .* logsoftmax(Z)) ---- */

BUILD(op_crossentropy_build)
{
    nd_node *z = cs->args[0], *y = cs->args[1];
    if (!shape_unify(ctx, z->shape, y->shape))
        shape_fail(ctx, cs->loc,
                   "shape mismatch in 'crossentropy': %s is %s, %s is %s",
                   diag_text(ctx, cs->arg_locs[0]), shape_str(ctx, z->shape), diag_text(ctx, cs->arg_locs[1]),
                   shape_str(ctx, y->shape));
    return mk_call(ctx, op, cs->args, cs->nargs);
}

/* dZ = softmax(Z) .* colsum(Y) - Y (softmax(z) - y for a label summing to 1);
 * dY = -logsoftmax(Z) */
ADJ(op_crossentropy_adjoint)
{
    nd_node *z = n->kid[0], *y = n->kid[1];
    if (i == 1)
        return mk_neg(ctx, mk_mul(ctx, g, mk_fn(ctx, OP_LOGSOFTMAX, z)));
    nd_node *s = mk_fn(ctx, OP_SOFTMAX, z);
    nd_node *d = mk_sub(ctx, mk_emul(ctx, s, mk_bcast(ctx, mk_colsum(ctx, y), z->shape)), y);
    return mk_mul(ctx, g, d);
}

EVAL(op_crossentropy_eval)
{
    (void)n;
    nd_mat ls;
    mat_init(&ls, args[0]->rows, args[0]->cols, env->prec);
    eval_logsoftmax_into(&ls, args[0], env->prec, 0);
    mpfr_t t;
    mpfr_init2(t, env->prec);
    mpfr_set_zero(out->a[0], 1);
    size_t len = mat_len(&ls);
    for (size_t e = 0; e < len; e++) {
        mpfr_mul(t, args[1]->a[e], ls.a[e], MPFR_RNDN);
        mpfr_sub(out->a[0], out->a[0], t, MPFR_RNDN);
    }
    mpfr_clear(t);
    mat_clear(&ls);
    return EV_OK;
}
