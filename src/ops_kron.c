/* ops_kron.c: vec, its inverse unvec, and the Kronecker product.
 *
 * vec(X) stacks the columns of the m x n matrix X into an m*n column: entry
 * i + m*j (0-based) is X[i, j].  unvec(v, m) is its inverse, the m x (k/m)
 * matrix of the k entries of the column v; it is the adjoint of vec (the
 * gradient through vec is the gradient reshaped back) and prints so that a
 * gradient reads back.  kron(A, B) is the p*r x q*s matrix of blocks
 * A[i, j]*B.  A size m*n is a number, never a symbol (a dimension is a
 * number or a name, not a product): the builders refuse a matrix whose
 * sizes are not both numbers, unless the product needs none (the vec of a
 * vector is that vector, kron with a scalar is a scaling).
 *
 * The adjoints of kron are block sums, written with kron itself: with G
 * the adjoint (p*r x q*s),
 *   dA = kron(eye(p), 1_r') * (G .* kron(1_p 1_q', B)) * kron(eye(q), 1_s)
 *   dB = kron(1_p', eye(r)) * (G .* kron(A, 1_r 1_s')) * kron(1_q, eye(s))
 * (dA[i, j] = sum(G's block (i, j) .* B), dB = the sum of A[i, j] times
 * the blocks), so that every pass knows them already. */
#include "num.h"
#include "ops_impl.h"

/* Both sizes of x as numbers (0 when one is symbolic). */
static long numel(nd_ctx *ctx, const nd_node *x)
{
    long r = dim_value(ctx, x->shape.rows), c = dim_value(ctx, x->shape.cols);
    return r > 0 && c > 0 && r <= ND_MAX_DIM / c ? r * c : 0;
}

static nd_dim dim_times(nd_ctx *ctx, nd_dim a, nd_dim b)
{
    if (dim_is_one(ctx, a))
        return b;
    if (dim_is_one(ctx, b))
        return a;
    return dim_const(ctx, dim_value(ctx, a) * dim_value(ctx, b));
}

/* ---- vec ---- */

static int is_vector(nd_ctx *ctx, const nd_node *x)
{
    return dim_is_one(ctx, x->shape.rows) || dim_is_one(ctx, x->shape.cols);
}

BUILD(op_vec_build)
{
    nd_node *x = cs->args[0];
    if (!is_vector(ctx, x) && numel(ctx, x) == 0)
        shape_fail(ctx, cs->loc, "'vec' needs a matrix of numeric size: %s is %s (a size "
                                 "m*n is not a dimension)",
                   diag_text(ctx, cs->arg_locs[0]), shape_str(ctx, x->shape));
    return mk_call(ctx, op, cs->args, 1);
}

SHAPE(op_vec_shape)
{
    nd_node *x = k[0];
    return shape_make(dim_times(ctx, x->shape.rows, x->shape.cols), DIM_ONE);
}

/* vec(x) of a vector is its entries as a column; vec(unvec(v, m)) = v;
 * vec(c*ones) = c*ones. */
SIMP(op_vec_simplify)
{
    (void)op;
    nd_node *x = k[0];
    if (dim_is_one(ctx, x->shape.cols))
        return x;
    if (dim_is_one(ctx, x->shape.rows))
        return mk_transpose(ctx, x);
    if (x->op == OP_UNVEC && !(x->flags & NF_NAMED))
        return x->kid[0];
    if (x->op == OP_BCAST && expr_is_scalar(ctx, x->kid[0]))     /* c*ones */
        return mk_bcast(ctx, x->kid[0], op_vec_shape(ctx, k));
    return NULL;
}

ADJ(op_vec_adjoint)
{
    (void)i;
    nd_node *k[2] = { g, mk_int(ctx, dim_value(ctx, n->kid[0]->shape.rows)) };
    return mk_call(ctx, OP_UNVEC, k, 2);
}

EVAL(op_vec_eval)
{
    (void)env;
    (void)n;
    const nd_mat *x = args[0];
    if ((long)x->rows * x->cols != out->rows)
        return EV_DOMAIN;
    for (int j = 0; j < x->cols; j++)
        for (int i = 0; i < x->rows; i++)
            mpfr_set(out->a[(size_t)i + (size_t)x->rows * (size_t)j], MAT(x, i, j), MPFR_RNDN);
    return EV_OK;
}

/* ---- unvec(v, m) ---- */

static long rows_of(const nd_node *m)
{
    return mpz_get_si(mpq_numref(m->u.q));
}

BUILD(op_unvec_build)
{
    nd_node *v = cs->args[0], *m = cs->args[1];
    if (m->op != OP_CONST || !num_is_int(m->u.q) || mpq_sgn(m->u.q) <= 0 ||
        !mpz_fits_slong_p(mpq_numref(m->u.q)) || mpz_cmp_si(mpq_numref(m->u.q), ND_MAX_DIM) > 0)
        diag_fail(ctx, cs->arg_locs[1], "the rows of 'unvec' are a positive integer, not '%s'",
                  diag_text(ctx, cs->arg_locs[1]));
    long len = dim_value(ctx, v->shape.rows);
    if (!dim_is_one(ctx, v->shape.cols) || len <= 0 || len % rows_of(m) != 0)
        shape_fail(ctx, cs->loc, "'unvec' needs a column of numeric length that %ld divides: "
                                 "%s is %s",
                   rows_of(m), diag_text(ctx, cs->arg_locs[0]), shape_str(ctx, v->shape));
    return mk_call(ctx, op, cs->args, 2);
}

SHAPE(op_unvec_shape)
{
    long m = rows_of(k[1]), len = dim_value(ctx, k[0]->shape.rows);
    if (len <= 0)       /* a symbolic column: only unvec(x, 1) builds */
        return shape_make(DIM_ONE, k[0]->shape.rows);
    return shape_make(dim_const(ctx, m), dim_const(ctx, len / m));
}

/* unvec(vec(X), m) = X; unvec(v, k) of a k-column is v itself; of c*ones
 * c*ones */
SIMP(op_unvec_simplify)
{
    (void)op;
    nd_node *v = k[0];
    long m = rows_of(k[1]);
    if (dim_value(ctx, v->shape.rows) == m)
        return v;
    if (v->op == OP_VEC && !(v->flags & NF_NAMED) && dim_value(ctx, v->kid[0]->shape.rows) == m)
        return v->kid[0];
    if (v->op == OP_BCAST && expr_is_scalar(ctx, v->kid[0]))
        return mk_bcast(ctx, v->kid[0], op_unvec_shape(ctx, k));
    return NULL;
}

ADJ(op_unvec_adjoint)
{
    (void)n;
    return i == 0 ? mk_fn(ctx, OP_VEC, g) : NULL;
}

EVAL(op_unvec_eval)
{
    (void)env;
    (void)n;
    const nd_mat *v = args[0];
    if (v->cols != 1 || (long)out->rows * out->cols != v->rows)
        return EV_DOMAIN;
    for (int j = 0; j < out->cols; j++)
        for (int i = 0; i < out->rows; i++)
            mpfr_set(MAT(out, i, j), v->a[(size_t)i + (size_t)out->rows * (size_t)j],
                     MPFR_RNDN);
    return EV_OK;
}

/* ---- kron(A, B) ---- */

BUILD(op_kron_build)
{
    for (int i = 0; i < 2; i++) {
        nd_node *x = cs->args[i];
        if (!expr_is_scalar(ctx, x) && numel(ctx, x) == 0)
            shape_fail(ctx, cs->loc, "'kron' needs matrices of numeric size: %s is %s (a "
                                     "size m*n is not a dimension)",
                       diag_text(ctx, cs->arg_locs[i]), shape_str(ctx, x->shape));
    }
    long r = dim_value(ctx, cs->args[0]->shape.rows), c = dim_value(ctx, cs->args[0]->shape.cols);
    long p = dim_value(ctx, cs->args[1]->shape.rows), q = dim_value(ctx, cs->args[1]->shape.cols);
    if (r > 0 && p > 0 && c > 0 && q > 0 && (r > ND_MAX_DIM / p || c > ND_MAX_DIM / q))
        shape_fail(ctx, cs->loc, "'kron' of %s and %s is larger than %ld rows or columns",
                   shape_str(ctx, cs->args[0]->shape), shape_str(ctx, cs->args[1]->shape),
                   ND_MAX_DIM);
    return mk_call(ctx, op, cs->args, 2);
}

SHAPE(op_kron_shape)
{
    nd_shape a = k[0]->shape, b = k[1]->shape;
    return shape_make(dim_times(ctx, a.rows, b.rows), dim_times(ctx, a.cols, b.cols));
}

/* kron(s, B) = s*B, kron(eye(p), eye(q)) = eye(p*q) */
SIMP(op_kron_simplify)
{
    (void)op;
    nd_node *a = k[0], *b = k[1];
    if (expr_is_scalar(ctx, a) || expr_is_scalar(ctx, b))
        return mk_mul(ctx, a, b);
    if (mk_is_zero(a) || mk_is_zero(b))
        return mk_zero(ctx, op_kron_shape(ctx, k));
    if (a->op == OP_EYE && b->op == OP_EYE)
        return expr_eye(ctx, dim_times(ctx, a->shape.rows, b->shape.rows));
    return NULL;
}

static nd_node *kron(nd_ctx *ctx, nd_node *a, nd_node *b)
{
    nd_node *k[2] = { a, b };
    return mk_call(ctx, OP_KRON, k, 2);
}

static nd_node *ones(nd_ctx *ctx, nd_dim r, nd_dim c)
{
    return mk_ones(ctx, shape_make(r, c));
}

ADJ(op_kron_adjoint)
{
    nd_node *a = n->kid[0], *b = n->kid[1];
    nd_dim p = a->shape.rows, q = a->shape.cols, r = b->shape.rows, s = b->shape.cols;
    if (i == 0) {
        nd_node *t = mk_emul(ctx, g, kron(ctx, ones(ctx, p, q), b));
        return mk_mul3(ctx, kron(ctx, expr_eye(ctx, p), ones(ctx, DIM_ONE, r)), t,
                       kron(ctx, expr_eye(ctx, q), ones(ctx, s, DIM_ONE)));
    }
    nd_node *t = mk_emul(ctx, g, kron(ctx, a, ones(ctx, r, s)));
    return mk_mul3(ctx, kron(ctx, ones(ctx, DIM_ONE, p), expr_eye(ctx, r)), t,
                   kron(ctx, ones(ctx, q, DIM_ONE), expr_eye(ctx, s)));
}

EVAL(op_kron_eval)
{
    (void)env;
    (void)n;
    const nd_mat *a = args[0], *b = args[1];
    if ((long)a->rows * b->rows != out->rows || (long)a->cols * b->cols != out->cols)
        return EV_DOMAIN;
    for (int i = 0; i < a->rows; i++)
        for (int j = 0; j < a->cols; j++)
            for (int k = 0; k < b->rows; k++)
                for (int l = 0; l < b->cols; l++)
                    mpfr_mul(MAT(out, i * b->rows + k, j * b->cols + l), MAT(a, i, j),
                             MAT(b, k, l), MPFR_RNDN);
    return EV_OK;
}
