/* ops_reduce.c: functions of a matrix to a scalar. */
#include <stdlib.h>

#include "ops_impl.h"

/* ---- elaboration checks ---- */

BUILD(op_any_build)
{
    return mk_call(ctx, op, cs->args, cs->nargs);
}

BUILD(op_square_build)
{
    nd_node *a = cs->args[0];
    if (!dim_unify(ctx, a->shape.rows, a->shape.cols))
        shape_fail(ctx, cs->loc, "'%s' needs a square matrix: %s is %s", cs->name,
                   diag_text(ctx, cs->arg_locs[0]), shape_str(ctx, a->shape));
    return mk_call(ctx, op, cs->args, cs->nargs);
}

/* s1*...*sk*M with one matrix M: its scalar factors, or NULL. */
static nd_node *scalar_part(nd_ctx *ctx, nd_node *x, nd_node **m)
{
    if (x->op != OP_PROD || (x->flags & NF_NAMED) || x->nkids < 2)
        return NULL;
    uint32_t last = x->nkids - 1;
    if (expr_is_scalar(ctx, x->kid[last]) || !expr_is_scalar(ctx, x->kid[last - 1]))
        return NULL;
    *m = x->kid[last];
    return mk_prod(ctx, x->kid, (int)last);
}

/* f(s*M) = s*f(M) for the linear reductions sum and tr */
static nd_node *pull_scalars(nd_ctx *ctx, enum nd_op op, nd_node *x)
{
    nd_node *m, *s = scalar_part(ctx, x, &m);
    return s ? mk_mul(ctx, s, mk_fn(ctx, op, m)) : NULL;
}

/* ---- sum ---- */

SIMP(op_sum_simplify)
{
    nd_node *x = k[0];
    if (expr_is_scalar(ctx, x))
        return x;
    if (x->op == OP_TRANSPOSE)
        return mk_fn(ctx, op, x->kid[0]);
    if (x->op == OP_EMUL && x->nkids == 2 && !(x->flags & NF_NAMED) &&
        dim_is_one(ctx, x->shape.cols))     /* sum(a.*b) = a'*b for vectors */
        return mk_mul(ctx, mk_transpose(ctx, x->kid[0]), x->kid[1]);
    if (x->op == OP_EMUL && !(x->flags & NF_NAMED)) {   /* sum(eye(n).*A) = tr(A) */
        for (uint32_t i = 0; i < x->nkids; i++) {
            if (x->kid[i]->op != OP_EYE)
                continue;
            nd_node *rest = NULL;
            for (uint32_t j = 0; j < x->nkids; j++)
                if (j != i)
                    rest = rest ? mk_emul(ctx, rest, x->kid[j]) : x->kid[j];
            return mk_fn(ctx, OP_TR, rest);
        }
    }
    if (x->op == OP_BCAST) {   /* each entry of the source counted r*c/|source| times */
        nd_node *src = x->kid[0];
        nd_node *count = mk_int(ctx, 1);
        if (!dim_same(ctx, src->shape.rows, x->shape.rows))
            count = mk_mul(ctx, count, mk_dim(ctx, x->shape.rows));
        if (!dim_same(ctx, src->shape.cols, x->shape.cols))
            count = mk_mul(ctx, count, mk_dim(ctx, x->shape.cols));
        return mk_mul(ctx, count, mk_fn(ctx, op, src));
    }
    return pull_scalars(ctx, op, x);
}

ADJ(op_sum_adjoint)
{
    (void)i;
    return mk_bcast(ctx, g, n->kid[0]->shape);
}

static void sum_into(mpfr_t acc, const nd_mat *x, int squares, int absval)
{
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(acc));
    mpfr_set_zero(acc, 1);
    size_t len = mat_len(x);
    for (size_t e = 0; e < len; e++) {
        if (squares)
            mpfr_sqr(t, x->a[e], MPFR_RNDN);
        else if (absval)
            mpfr_abs(t, x->a[e], MPFR_RNDN);
        else
            mpfr_set(t, x->a[e], MPFR_RNDN);
        mpfr_add(acc, acc, t, MPFR_RNDN);
    }
    mpfr_clear(t);
}

EVAL(op_sum_eval)
{
    (void)env;
    (void)n;
    sum_into(out->a[0], args[0], 0, 0);
    return EV_OK;
}

/* ---- norms: norm1 = sum |x|, norm2 = sum x^2 (squared), norm = sqrt(norm2) ---- */

ADJ(op_norm1_adjoint)
{
    (void)i;
    return mk_mul(ctx, g, mk_fn(ctx, OP_SIGN, n->kid[0]));
}

EVAL(op_norm1_eval)
{
    (void)env;
    (void)n;
    sum_into(out->a[0], args[0], 0, 1);
    return EV_OK;
}

SIMP(op_norm2_simplify)
{
    (void)op;
    nd_node *x = k[0], *m, *s;
    if (expr_is_scalar(ctx, x))
        return mk_powi(ctx, x, 2);
    if (x->op == OP_TRANSPOSE)
        return mk_fn(ctx, OP_NORM2, x->kid[0]);
    if ((s = scalar_part(ctx, x, &m)))
        return mk_mul(ctx, mk_powi(ctx, s, 2), mk_fn(ctx, OP_NORM2, m));
    return NULL;
}

ADJ(op_norm2_adjoint)
{
    (void)i;
    return mk_mul3(ctx, mk_int(ctx, 2), g, n->kid[0]);
}

EVAL(op_norm2_eval)
{
    (void)env;
    (void)n;
    sum_into(out->a[0], args[0], 1, 0);
    return EV_OK;
}

ADJ(op_norm_adjoint)
{
    (void)i;
    return mk_mul3(ctx, g, n->kid[0], mk_powi(ctx, n, -1));
}

EVAL(op_norm_eval)
{
    (void)env;
    (void)n;
    sum_into(out->a[0], args[0], 1, 0);
    if (mpfr_zero_p(out->a[0]))
        return EV_DOMAIN;   /* not differentiable at 0 */
    mpfr_sqrt(out->a[0], out->a[0], MPFR_RNDN);
    return EV_OK;
}

/* ---- trace ---- */

SIMP(op_tr_simplify)
{
    nd_node *x = k[0];
    if (expr_is_scalar(ctx, x))
        return x;
    if (x->op == OP_EYE)
        return mk_dim(ctx, x->u.dim);
    if (x->op == OP_TRANSPOSE)
        return mk_fn(ctx, op, x->kid[0]);
    if (x->op == OP_PROD && !(x->flags & NF_NAMED)) {
        /* tr(S*M1*...*Mk) = S*Mk*M1*...*M(k-1) when Mk is a row */
        nd_node *last = x->kid[x->nkids - 1];
        if (!expr_is_scalar(ctx, last) && dim_is_one(ctx, last->shape.rows)) {
            nd_node **f = xmalloc(x->nkids * sizeof *f);
            uint32_t c0 = 0, nf = 0;
            while (expr_is_scalar(ctx, x->kid[c0]))
                f[nf++] = x->kid[c0++];
            f[nf++] = last;
            for (uint32_t j = c0; j + 1 < x->nkids; j++)
                f[nf++] = x->kid[j];
            nd_node *r = mk_prod(ctx, f, (int)nf);
            free(f);
            return r;
        }
    }
    return pull_scalars(ctx, op, x);
}

ADJ(op_tr_adjoint)
{
    (void)i;
    return mk_mul(ctx, g, expr_eye(ctx, n->kid[0]->shape.rows));
}

EVAL(op_tr_eval)
{
    (void)env;
    (void)n;
    mpfr_set_zero(out->a[0], 1);
    for (int j = 0; j < args[0]->rows; j++)
        mpfr_add(out->a[0], out->a[0], MAT(args[0], j, j), MPFR_RNDN);
    return EV_OK;
}

/* ---- determinants ---- */

SIMP(op_det_simplify)
{
    nd_node *x = k[0];
    if (expr_is_scalar(ctx, x))
        return x;
    if (x->op == OP_EYE)
        return mk_int(ctx, 1);
    if (x->op == OP_TRANSPOSE)
        return mk_fn(ctx, op, x->kid[0]);
    if (x->op == OP_INV)
        return mk_powi(ctx, mk_fn(ctx, op, x->kid[0]), -1);
    return NULL;
}

/* d det(A) = det(A) * inv(A)' */
ADJ(op_det_adjoint)
{
    (void)i;
    return mk_mul3(ctx, g, n, mk_transpose(ctx, mk_fn(ctx, OP_INV, n->kid[0])));
}

EVAL(op_det_eval)
{
    (void)env;
    (void)n;
    mat_det(out->a[0], args[0]);    /* 0 when singular: a value, not an error */
    return EV_OK;
}

ADJ(op_logdet_adjoint)
{
    (void)i;
    return mk_mul(ctx, g, mk_transpose(ctx, mk_fn(ctx, OP_INV, n->kid[0])));
}

EVAL(op_logdet_eval)
{
    (void)env;
    (void)n;
    mat_det(out->a[0], args[0]);
    if (mpfr_sgn(out->a[0]) <= 0)
        return EV_DOMAIN;
    mpfr_log(out->a[0], out->a[0], MPFR_RNDN);
    return EV_OK;
}

/* ---- mean: sum of the entries over their number ---- */

static nd_node *numel(nd_ctx *ctx, nd_shape s)
{
    return mk_mul(ctx, mk_dim(ctx, s.rows), mk_dim(ctx, s.cols));
}

ADJ(op_mean_adjoint)
{
    (void)i;
    nd_shape s = n->kid[0]->shape;
    return mk_bcast(ctx, mk_div(ctx, g, numel(ctx, s)), s);
}

EVAL(op_mean_eval)
{
    (void)env;
    (void)n;
    sum_into(out->a[0], args[0], 0, 0);
    mpfr_div_ui(out->a[0], out->a[0], (unsigned long)mat_len(args[0]), MPFR_RNDN);
    return EV_OK;
}

/* ---- max(x), min(x): the largest and smallest entry ---- */

/* The index of the first extreme entry in row-major order (sign 1: the
 * largest, -1: the smallest). */
static size_t extreme_at(const nd_mat *x, int sign)
{
    size_t best = 0, len = mat_len(x);
    for (size_t e = 1; e < len; e++)
        if (sign * mpfr_cmp(x->a[e], x->a[best]) > 0)
            best = e;
    return best;
}

/* the subgradient of the first maximiser: g * ismax(x) */
ADJ(op_maxr_adjoint) { (void)i; return mk_mul(ctx, g, mk_fn(ctx, OP_ISMAX, n->kid[0])); }
ADJ(op_minr_adjoint) { (void)i; return mk_mul(ctx, g, mk_fn(ctx, OP_ISMIN, n->kid[0])); }

EVAL(op_maxr_eval)
{
    (void)env;
    (void)n;
    mpfr_set(out->a[0], args[0]->a[extreme_at(args[0], 1)], MPFR_RNDN);
    return EV_OK;
}

EVAL(op_minr_eval)
{
    (void)env;
    (void)n;
    mpfr_set(out->a[0], args[0]->a[extreme_at(args[0], -1)], MPFR_RNDN);
    return EV_OK;
}

/* ismax(x), ismin(x): 1 at the first extreme entry, 0 elsewhere; piecewise
 * constant, so no adjoint. */
ADJ(op_ismax_adjoint) { (void)ctx; (void)n; (void)i; (void)g; return NULL; }
ADJ(op_ismin_adjoint) { (void)ctx; (void)n; (void)i; (void)g; return NULL; }

static int indicator_eval(nd_mat *out, const nd_mat *x, int sign)
{
    size_t at = extreme_at(x, sign), len = mat_len(out);
    for (size_t e = 0; e < len; e++)
        mpfr_set_ui(out->a[e], e == at, MPFR_RNDN);
    return EV_OK;
}

EVAL(op_ismax_eval) { (void)env; (void)n; return indicator_eval(out, args[0], 1); }
EVAL(op_ismin_eval) { (void)env; (void)n; return indicator_eval(out, args[0], -1); }

/* ---- along an axis: sum(X, k), mean, norm2, norm, softmax, logsoftmax,
 * logsumexp with k = 1 (down each column) or 2 (across each row) ----
 *
 * They are built from the whole-matrix forms, so every rule, the evaluator
 * and the C generator serve them as they are: sum(X, 1) = vector(1)'*X,
 * sum(X, 2) = X*vector(1), softmax(Z, 2) = softmax(Z')'. */

static int axis_of(nd_ctx *ctx, const call_site *cs)
{
    nd_node *k = cs->args[1];
    if (expr_is_const_val(k, 1))
        return 1;
    if (expr_is_const_val(k, 2))
        return 2;
    diag_fail(ctx, cs->arg_locs[1],
             "the axis of '%s' is 1 (down each column) or 2 (across each row), not '%s'",
             cs->name, diag_text(ctx, cs->arg_locs[1]));
}

/* The sums down the columns (k = 1, a row) or across the rows (k = 2, a
 * column); a scalar for a vector summed along its length.  Not mk_colsum,
 * which knows that a label sums to 1 (derivatives only). */
static nd_node *axis_sum(nd_ctx *ctx, nd_node *x, int k)
{
    nd_dim along = k == 1 ? x->shape.rows : x->shape.cols;
    nd_dim across = k == 1 ? x->shape.cols : x->shape.rows;
    if (dim_is_one(ctx, across))
        return mk_fn(ctx, OP_SUM, x);
    nd_node *ones = mk_ones(ctx, shape_make(along, DIM_ONE));
    return k == 1 ? mk_mul(ctx, mk_transpose(ctx, ones), x) : mk_mul(ctx, x, ones);
}

BUILD(op_axis_build)
{
    nd_node *x = cs->args[0];
    if (cs->nargs == 1)
        return mk_call(ctx, op, cs->args, 1);
    int k = axis_of(ctx, cs);
    if (op != OP_SOFTMAX && op != OP_LOGSOFTMAX && op != OP_LOGSUMEXP &&
        dim_is_one(ctx, k == 1 ? x->shape.cols : x->shape.rows))
        return mk_call(ctx, op, cs->args, 1);  /* a vector along its length: the whole */
    switch (op) {
    case OP_SUM:
        return axis_sum(ctx, x, k);
    case OP_MEAN:
        return mk_div(ctx, axis_sum(ctx, x, k), mk_dim(ctx, k == 1 ? x->shape.rows : x->shape.cols));
    case OP_NORM2:
        return axis_sum(ctx, mk_powi(ctx, x, 2), k);
    case OP_NORM:
        return mk_fn(ctx, OP_SQRT, axis_sum(ctx, mk_powi(ctx, x, 2), k));
    default:    /* softmax, logsoftmax, logsumexp: column-wise by definition */
        if (k == 1)
            return mk_fn(ctx, op, x);
        return mk_transpose(ctx, mk_fn(ctx, op, mk_transpose(ctx, x)));
    }
}
