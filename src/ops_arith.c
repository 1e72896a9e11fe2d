/* ops_arith.c: leaves, broadcasting and the operators + * .* .^ ^ '. */
#include <stdlib.h>

#include "ops_impl.h"

/* ---- shapes shared by several rows ---- */

SHAPE(op_same_shape)
{
    (void)ctx;
    return k[0]->shape;
}

SHAPE(op_scalar_shape)
{
    (void)ctx;
    (void)k;
    return shape_scalar();
}

SHAPE(op_transposed_shape)
{
    (void)ctx;
    return shape_transpose(k[0]->shape);
}

/* ---- leaves ---- */

EVAL(op_const_eval)
{
    (void)env;
    (void)args;
    mpfr_set_q(out->a[0], n->u.q, MPFR_RNDN);
    return EV_OK;
}

EVAL(op_var_eval)
{
    (void)args;
    mat_copy(out, &env->vars[n->u.var]);
    return EV_OK;
}

EVAL(op_pi_eval)
{
    (void)env;
    (void)n;
    (void)args;
    mpfr_const_pi(out->a[0], MPFR_RNDN);
    return EV_OK;
}

EVAL(op_dimval_eval)
{
    (void)args;
    mpfr_set_si(out->a[0], eval_dim(env, n->u.dim), MPFR_RNDN);
    return EV_OK;
}

EVAL(op_eye_eval)
{
    (void)env;
    (void)n;
    (void)args;
    for (int i = 0; i < out->rows; i++)
        mpfr_set_ui(MAT(out, i, i), 1, MPFR_RNDN);
    return EV_OK;
}

EVAL(op_sym_eval)
{
    (void)env;
    (void)n;
    (void)out;
    (void)args;
    return EV_DOMAIN;   /* symbols have no value */
}

/* ---- broadcasting: a scalar everywhere, a column across, a row down ---- */

ADJ(op_bcast_adjoint)
{
    (void)i;
    nd_node *x = n->kid[0];
    if (expr_is_scalar(ctx, x))
        return mk_fn(ctx, OP_SUM, g);
    if (dim_is_one(ctx, x->shape.cols))
        return mk_mul(ctx, g, mk_ones(ctx, shape_make(n->shape.cols, DIM_ONE)));
    return mk_mul(ctx, mk_transpose(ctx, mk_ones(ctx, shape_make(n->shape.rows, DIM_ONE))), g);
}

EVAL(op_bcast_eval)
{
    (void)env;
    (void)n;
    const nd_mat *x = args[0];
    for (int r = 0; r < out->rows; r++)
        for (int c = 0; c < out->cols; c++)
            mpfr_set(MAT(out, r, c), MAT(x, x->rows == 1 ? 0 : r, x->cols == 1 ? 0 : c),
                     MPFR_RNDN);
    return EV_OK;
}

/* ---- sums ---- */

ADJ(op_add_adjoint)
{
    (void)ctx;
    (void)n;
    (void)i;
    return g;
}

EVAL(op_add_eval)
{
    (void)env;
    size_t len = mat_len(out);
    mat_copy(out, args[0]);
    for (uint32_t k = 1; k < n->nkids; k++)
        for (size_t e = 0; e < len; e++)
            mpfr_add(out->a[e], out->a[e], args[k]->a[e], MPFR_RNDN);
    return EV_OK;
}

/* ---- products: scalars in front, then a chain of matrices ---- */

static uint32_t first_matrix(nd_ctx *ctx, const nd_node *n)
{
    uint32_t c = 0;
    while (c < n->nkids && expr_is_scalar(ctx, n->kid[c]))
        c++;
    return c;
}

/* d(s * R)/ds = <G, R>;  d(S * L * M * R)/dM = S * L' * G * R' */
ADJ(op_prod_adjoint)
{
    uint32_t c0 = first_matrix(ctx, n), m = n->nkids;
    nd_node **f = xmalloc((m + 3) * sizeof *f);
    int nf = 0;
    nd_node *r;
    if ((uint32_t)i < c0) {
        for (uint32_t j = 0; j < m; j++)
            if (j != (uint32_t)i)
                f[nf++] = n->kid[j];
        r = mk_inner(ctx, g, nf ? mk_prod(ctx, f, nf) : mk_int(ctx, 1));
    } else {
        for (uint32_t j = 0; j < c0; j++)
            f[nf++] = n->kid[j];
        if ((uint32_t)i > c0)
            f[nf++] = mk_transpose(ctx, mk_prod(ctx, n->kid + c0, i - (int)c0));
        f[nf++] = g;
        if ((uint32_t)i + 1 < m)
            f[nf++] = mk_transpose(ctx, mk_prod(ctx, n->kid + i + 1, (int)(m - (uint32_t)i - 1)));
        r = mk_prod(ctx, f, nf);
    }
    free(f);
    return r;
}

EVAL(op_prod_eval)
{
    nd_ctx *ctx = env->ctx;
    uint32_t c0 = first_matrix(ctx, n);
    mpfr_t s;
    mpfr_init2(s, env->prec);
    mpfr_set_ui(s, 1, MPFR_RNDN);
    for (uint32_t j = 0; j < c0; j++)
        mpfr_mul(s, s, args[j]->a[0], MPFR_RNDN);
    if (c0 == n->nkids) {
        mpfr_set(out->a[0], s, MPFR_RNDN);
    } else {
        nd_mat acc, tmp;
        mat_init(&acc, args[c0]->rows, args[c0]->cols, env->prec);
        mat_copy(&acc, args[c0]);
        for (uint32_t j = c0 + 1; j < n->nkids; j++) {
            mat_init(&tmp, acc.rows, args[j]->cols, env->prec);
            mat_matmul(&tmp, &acc, args[j]);
            mat_clear(&acc);
            acc = tmp;
        }
        size_t len = mat_len(out);
        for (size_t e = 0; e < len; e++)
            mpfr_mul(out->a[e], acc.a[e], s, MPFR_RNDN);
        mat_clear(&acc);
    }
    mpfr_clear(s);
    return EV_OK;
}

/* ---- elementwise products ---- */

ADJ(op_emul_adjoint)
{
    nd_node *r = g;
    for (uint32_t j = 0; j < n->nkids; j++)
        if (j != (uint32_t)i)
            r = mk_emul(ctx, r, n->kid[j]);
    return r;
}

EVAL(op_emul_eval)
{
    (void)env;
    size_t len = mat_len(out);
    mat_copy(out, args[0]);
    for (uint32_t k = 1; k < n->nkids; k++)
        for (size_t e = 0; e < len; e++)
            mpfr_mul(out->a[e], out->a[e], args[k]->a[e], MPFR_RNDN);
    return EV_OK;
}

/* ---- powers ---- */

/* d(x.^p)/dx = p*x.^(p-1);  d(x.^p)/dp = <G, x.^p .* log(x)> */
ADJ(op_epow_adjoint)
{
    nd_node *x = n->kid[0], *p = n->kid[1];
    if (i == 0) {
        nd_node *d = mk_mul(ctx, p, mk_pow(ctx, x, mk_sub(ctx, p, mk_int(ctx, 1))));
        return mk_emul(ctx, g, d);
    }
    if (mk_is_zero(x))     /* 0^p is 0 wherever it is defined (p > 0): no log(0) */
        return NULL;
    return mk_inner(ctx, g, mk_emul(ctx, n, mk_fn(ctx, OP_LOG, x)));
}

EVAL(op_epow_eval)
{
    (void)env;
    (void)n;
    const mpfr_ptr p = args[1]->a[0];
    int p_int = mpfr_integer_p(p);
    size_t len = mat_len(out);
    for (size_t e = 0; e < len; e++) {
        mpfr_srcptr x = args[0]->a[e];
        if ((mpfr_sgn(x) < 0 && !p_int) || (mpfr_zero_p(x) && mpfr_sgn(p) <= 0))
            return EV_DOMAIN;
        mpfr_pow(out->a[e], x, p, MPFR_RNDN);
    }
    return EV_OK;
}

/* d(A^k) = sum_j (A')^j G (A')^(k-1-j) */
ADJ(op_mpow_adjoint)
{
    (void)i;
    nd_node *at = mk_transpose(ctx, n->kid[0]);
    long k = n->u.k;
    nd_node **t = xmalloc((size_t)k * sizeof *t);
    for (long j = 0; j < k; j++)
        t[j] = mk_mul3(ctx, mk_mpow(ctx, at, j), g, mk_mpow(ctx, at, k - 1 - j));
    nd_node *r = mk_add(ctx, t, (int)k);
    free(t);
    return r;
}

EVAL(op_mpow_eval)
{
    nd_mat acc, tmp;
    mat_init(&acc, out->rows, out->cols, env->prec);
    mat_copy(&acc, args[0]);
    for (long j = 1; j < n->u.k; j++) {
        mat_init(&tmp, out->rows, out->cols, env->prec);
        mat_matmul(&tmp, &acc, args[0]);
        mat_clear(&acc);
        acc = tmp;
    }
    mat_copy(out, &acc);
    mat_clear(&acc);
    return EV_OK;
}

/* ---- transposes ---- */

ADJ(op_transpose_adjoint)
{
    (void)n;
    (void)i;
    return mk_transpose(ctx, g);
}

EVAL(op_transpose_eval)
{
    (void)env;
    (void)n;
    for (int r = 0; r < out->rows; r++)
        for (int c = 0; c < out->cols; c++)
            mpfr_set(MAT(out, r, c), MAT(args[0], c, r), MPFR_RNDN);
    return EV_OK;
}

/* ---- transposes pushed down (mk_transpose calls these) ---- */

/* (a + b)' = a' + b', (a .* b)' = a' .* b', (s*A*B)' = s*B'*A'. */
TRANSPOSE(op_each_transpose)
{
    nd_node **t = xmalloc((x->nkids + 1) * sizeof *t);
    for (uint32_t i = 0; i < x->nkids; i++)
        t[i] = mk_transpose(ctx, x->kid[i]);
    nd_node *r;
    int n = (int)x->nkids;
    if (x->op == OP_ADD) {
        r = mk_add(ctx, t, n);
    } else if (x->op == OP_EMUL) {
        r = t[0];
        for (int i = 1; i < n; i++)
            r = mk_emul(ctx, r, t[i]);
    } else {    /* OP_PROD: scalars stay in front, the chain reverses */
        int first = 0;
        while (first < n && expr_is_scalar(ctx, t[first]))
            first++;
        for (int i = first, j = n - 1; i < j; i++, j--) {
            nd_node *tmp = t[i];
            t[i] = t[j];
            t[j] = tmp;
        }
        r = mk_prod(ctx, t, n);
    }
    free(t);
    return r;
}

TRANSPOSE(op_bcast_transpose)
{
    return mk_bcast(ctx, mk_transpose(ctx, x->kid[0]), shape_transpose(x->shape));
}

TRANSPOSE(op_epow_transpose)
{
    return mk_pow(ctx, mk_transpose(ctx, x->kid[0]), x->kid[1]);
}

/* (A^k)' = (A')^k */
TRANSPOSE(op_mpow_transpose)
{
    return mk_mpow(ctx, mk_transpose(ctx, x->kid[0]), x->u.k);
}

TRANSPOSE(op_transpose_transpose)
{
    (void)ctx;
    return x->kid[0];
}

/* ---- rebuilt over new operands ---- */

REBUILD(op_bcast_rebuild)
{
    return mk_bcast(ctx, k[0], n->shape);
}

REBUILD(op_add_rebuild)
{
    return mk_add(ctx, k, (int)n->nkids);
}

REBUILD(op_prod_rebuild)
{
    return mk_prod(ctx, k, (int)n->nkids);
}

REBUILD(op_emul_rebuild)
{
    nd_node *r = k[0];
    for (uint32_t i = 1; i < n->nkids; i++)
        r = mk_emul(ctx, r, k[i]);
    return r;
}

REBUILD(op_epow_rebuild)
{
    (void)n;
    return mk_pow(ctx, k[0], k[1]);
}

REBUILD(op_mpow_rebuild)
{
    return mk_mpow(ctx, k[0], n->u.k);
}

REBUILD(op_transpose_rebuild)
{
    (void)n;
    return mk_transpose(ctx, k[0]);
}
