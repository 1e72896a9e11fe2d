/* ops_arith.c: leaves, broadcasting and the operators + * .* .^ ^ '. */
#include <stdlib.h>

#include "ops_impl.h"

/* ---- shapes shared by several rows ---- */

SHAPE(shape_same)
{
    (void)ctx;
    return k[0]->shape;
}

SHAPE(shape_scalar1)
{
    (void)ctx;
    (void)k;
    return shape_scalar();
}

SHAPE(shape_transposed)
{
    (void)ctx;
    return shape_transpose(k[0]->shape);
}

/* ---- leaves ---- */

EVAL(eval_const)
{
    (void)env;
    (void)args;
    mpfr_set_q(out->a[0], n->u.q, MPFR_RNDN);
    return EV_OK;
}

EVAL(eval_var)
{
    (void)args;
    mat_copy(out, &env->vars[n->u.var]);
    return EV_OK;
}

EVAL(eval_dimval)
{
    (void)args;
    mpfr_set_si(out->a[0], eval_dim(env, n->u.dim), MPFR_RNDN);
    return EV_OK;
}

EVAL(eval_eye)
{
    (void)env;
    (void)n;
    (void)args;
    for (int i = 0; i < out->rows; i++)
        mpfr_set_ui(MAT(out, i, i), 1, MPFR_RNDN);
    return EV_OK;
}

EVAL(eval_sym)
{
    (void)env;
    (void)n;
    (void)out;
    (void)args;
    return EV_DOMAIN;   /* symbols have no value */
}

/* ---- broadcasting: a scalar everywhere, a column across, a row down ---- */

ADJ(adj_bcast)
{
    (void)i;
    nd_node *x = n->kid[0];
    if (expr_is_scalar(ctx, x))
        return mk_fn(ctx, OP_SUM, g);
    if (dim_is_one(ctx, x->shape.cols))
        return mk_mul(ctx, g, mk_ones(ctx, shape_make(n->shape.cols, DIM_ONE)));
    return mk_mul(ctx, mk_transpose(ctx, mk_ones(ctx, shape_make(n->shape.rows, DIM_ONE))), g);
}

EVAL(eval_bcast)
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

ADJ(adj_add)
{
    (void)ctx;
    (void)n;
    (void)i;
    return g;
}

EVAL(eval_add)
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
ADJ(adj_prod)
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

EVAL(eval_prod)
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

ADJ(adj_emul)
{
    nd_node *r = g;
    for (uint32_t j = 0; j < n->nkids; j++)
        if (j != (uint32_t)i)
            r = mk_emul(ctx, r, n->kid[j]);
    return r;
}

EVAL(eval_emul)
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
ADJ(adj_epow)
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

EVAL(eval_epow)
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
ADJ(adj_mpow)
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

EVAL(eval_mpow)
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

ADJ(adj_transpose)
{
    (void)n;
    (void)i;
    return mk_transpose(ctx, g);
}

EVAL(eval_transpose)
{
    (void)env;
    (void)n;
    for (int r = 0; r < out->rows; r++)
        for (int c = 0; c < out->cols; c++)
            mpfr_set(MAT(out, r, c), MAT(args[0], c, r), MPFR_RNDN);
    return EV_OK;
}
