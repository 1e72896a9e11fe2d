/* ops_matrix.c: inv and diag. */
#include "ops_impl.h"

/* ---- inverse ---- */

SIMP(op_inv_simplify)
{
    nd_node *x = k[0];
    if (expr_is_scalar(ctx, x))
        return mk_powi(ctx, x, -1);
    if (x->op == OP_EYE)
        return x;
    if (x->op == OP_INV)
        return x->kid[0];
    if (x->op == OP_TRANSPOSE)      /* one form: inv(A)' */
        return mk_transpose(ctx, mk_fn(ctx, op, x->kid[0]));
    if (x->op == OP_MPOW && !(x->flags & NF_NAMED))    /* inv(A^k) = inv(A)^k */
        return mk_mpow(ctx, mk_fn(ctx, op, x->kid[0]), x->u.k);
    return NULL;
}

/* d inv(A) = -inv(A)' * G * inv(A)' */
ADJ(op_inv_adjoint)
{
    (void)i;
    nd_node *t = mk_transpose(ctx, n);
    return mk_neg(ctx, mk_mul3(ctx, t, g, t));
}

EVAL(op_inv_eval)
{
    (void)env;
    (void)n;
    return mat_inverse(out, args[0]) ? EV_DOMAIN : EV_OK;
}

/* ---- diag: a vector to a diagonal matrix, a square matrix to its diagonal ---- */

BUILD(op_diag_build)
{
    (void)op;
    nd_node *x = cs->args[0];
    if (expr_is_scalar(ctx, x))
        return x;
    if (shape_is_row(ctx, x->shape))
        x = mk_transpose(ctx, x);
    if (dim_is_one(ctx, x->shape.cols))
        return mk_fn(ctx, OP_DIAGM, x);
    if (!dim_unify(ctx, x->shape.rows, x->shape.cols))
        shape_fail(ctx, cs->loc, "'diag' needs a vector or a square matrix: %s is %s",
                   diag_text(ctx, cs->arg_locs[0]), shape_str(ctx, x->shape));
    return mk_fn(ctx, OP_DIAGV, x);
}

SHAPE(op_diagm_shape)
{
    (void)ctx;
    return shape_make(k[0]->shape.rows, k[0]->shape.rows);
}

SHAPE(op_diagv_shape)
{
    (void)ctx;
    return shape_make(k[0]->shape.rows, DIM_ONE);
}

/* diag(vector(c)) = c*eye(n), which keeps its size n (and reads back) */
SIMP(op_diagm_simplify)
{
    (void)op;
    nd_node *x = k[0];
    if (x->op != OP_BCAST || !expr_is_scalar(ctx, x->kid[0]))
        return NULL;
    if (dim_is_one(ctx, x->shape.rows))
        return x->kid[0];
    return mk_mul(ctx, x->kid[0], expr_eye(ctx, x->shape.rows));
}

ADJ(op_diagm_adjoint)
{
    (void)n;
    (void)i;
    nd_node *x = g;
    if (x->op == OP_EYE)
        return mk_ones(ctx, shape_make(x->shape.rows, DIM_ONE));
    if (x->op == OP_DIAGM)
        return x->kid[0];
    return mk_fn(ctx, OP_DIAGV, x);
}

EVAL(op_diagm_eval)
{
    (void)env;
    (void)n;
    for (int j = 0; j < out->rows; j++)
        mpfr_set(MAT(out, j, j), args[0]->a[j], MPFR_RNDN);
    return EV_OK;
}

ADJ(op_diagv_adjoint)
{
    (void)n;
    (void)i;
    return mk_fn(ctx, OP_DIAGM, g);
}

EVAL(op_diagv_eval)
{
    (void)env;
    (void)n;
    for (int j = 0; j < out->rows; j++)
        mpfr_set(out->a[j], MAT(args[0], j, j), MPFR_RNDN);
    return EV_OK;
}
