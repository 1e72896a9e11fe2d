/* ops_elem.c: elementwise functions.  Each has a scalar MPFR evaluator, its
 * derivative as an expression, and an exact value where there is one.
 *
 * Subgradients at 0 (documented in the README): abs'(0) = sign(0) = 0,
 * relu'(0) = step(0) = 0 (the convention of PyTorch), sign' = step' = 0. */
#include "ops_impl.h"

/* ---- generic rules for the whole class ---- */

/* f(c) folds when exact; f(matrix(s)) = matrix(f(s)). */
SIMP(simp_elem)
{
    const nd_opinfo *o = &ops_table[op];
    nd_node *x = k[0];
    if (x->op == OP_CONST && o->fold) {
        mpq_t y;
        mpq_init(y);
        nd_node *r = o->fold(y, x->u.q) ? expr_const(ctx, y) : NULL;
        mpq_clear(y);
        return r;
    }
    if (x->op == OP_BCAST)
        return mk_bcast(ctx, mk_fn(ctx, op, x->kid[0]), x->shape);
    if (op == OP_LOG && x->op == OP_EXP)
        return x->kid[0];
    return NULL;
}

ADJ(adj_elem)
{
    (void)i;
    const nd_opinfo *o = &ops_table[n->op];
    if (!o->deriv)
        return NULL;    /* piecewise constant: derivative 0 */
    return mk_emul(ctx, g, o->deriv(ctx, n->kid[0], n));
}

EVAL(eval_elem)
{
    (void)env;
    const nd_opinfo *o = &ops_table[n->op];
    size_t len = mat_len(out);
    for (size_t e = 0; e < len; e++)
        if (o->eval1(out->a[e], args[0]->a[e]) != EV_OK)
            return EV_DOMAIN;
    return EV_OK;
}

nd_node *one_minus(nd_ctx *ctx, nd_node *x)
{
    return mk_sub(ctx, mk_ones(ctx, x->shape), x);
}

/* ---- scalar evaluators ---- */

#define R MPFR_RNDN

int ev_exp(mpfr_t y, const mpfr_t x) { mpfr_exp(y, x, R); return EV_OK; }
int ev_log(mpfr_t y, const mpfr_t x)
{
    if (mpfr_sgn(x) <= 0)
        return EV_DOMAIN;
    mpfr_log(y, x, R);
    return EV_OK;
}
int ev_sqrt(mpfr_t y, const mpfr_t x)
{
    if (mpfr_sgn(x) <= 0)   /* sqrt'(0) is infinite */
        return EV_DOMAIN;
    mpfr_sqrt(y, x, R);
    return EV_OK;
}
int ev_abs(mpfr_t y, const mpfr_t x) { mpfr_abs(y, x, R); return EV_OK; }
int ev_sign(mpfr_t y, const mpfr_t x) { mpfr_set_si(y, mpfr_sgn(x), R); return EV_OK; }
int ev_sin(mpfr_t y, const mpfr_t x) { mpfr_sin(y, x, R); return EV_OK; }
int ev_cos(mpfr_t y, const mpfr_t x) { mpfr_cos(y, x, R); return EV_OK; }
int ev_tan(mpfr_t y, const mpfr_t x) { mpfr_tan(y, x, R); return EV_OK; }
int ev_arcsin(mpfr_t y, const mpfr_t x)
{
    if (mpfr_cmp_si(x, 1) >= 0 || mpfr_cmp_si(x, -1) <= 0)
        return EV_DOMAIN;
    mpfr_asin(y, x, R);
    return EV_OK;
}
int ev_arccos(mpfr_t y, const mpfr_t x)
{
    if (mpfr_cmp_si(x, 1) >= 0 || mpfr_cmp_si(x, -1) <= 0)
        return EV_DOMAIN;
    mpfr_acos(y, x, R);
    return EV_OK;
}
int ev_arctan(mpfr_t y, const mpfr_t x) { mpfr_atan(y, x, R); return EV_OK; }
int ev_tanh(mpfr_t y, const mpfr_t x) { mpfr_tanh(y, x, R); return EV_OK; }
int ev_sigmoid(mpfr_t y, const mpfr_t x)
{
    mpfr_neg(y, x, R);
    mpfr_exp(y, y, R);
    mpfr_add_ui(y, y, 1, R);
    mpfr_ui_div(y, 1, y, R);
    return EV_OK;
}
int ev_swish(mpfr_t y, const mpfr_t x)
{
    mpfr_t s;
    mpfr_init2(s, mpfr_get_prec(y));
    ev_sigmoid(s, x);
    mpfr_mul(y, x, s, R);
    mpfr_clear(s);
    return EV_OK;
}
int ev_relu(mpfr_t y, const mpfr_t x)
{
    if (mpfr_sgn(x) > 0)
        mpfr_set(y, x, R);
    else
        mpfr_set_zero(y, 1);
    return EV_OK;
}
int ev_softplus(mpfr_t y, const mpfr_t x)
{
    mpfr_exp(y, x, R);
    mpfr_log1p(y, y, R);
    return EV_OK;
}
int ev_step(mpfr_t y, const mpfr_t x) { mpfr_set_ui(y, mpfr_sgn(x) > 0, R); return EV_OK; }

/* ---- derivatives f'(x), given x and fx = f(x) ---- */

DERIV(d_exp) { (void)ctx; (void)x; return fx; }
DERIV(d_log) { (void)fx; return mk_powi(ctx, x, -1); }
DERIV(d_sqrt) { (void)x; return mk_scale_si(ctx, 1, 2, mk_powi(ctx, fx, -1)); }
DERIV(d_abs) { (void)fx; return mk_fn(ctx, OP_SIGN, x); }
DERIV(d_sin) { (void)fx; return mk_fn(ctx, OP_COS, x); }
DERIV(d_cos) { (void)fx; return mk_neg(ctx, mk_fn(ctx, OP_SIN, x)); }
DERIV(d_tan) { (void)x; return mk_add2(ctx, mk_ones(ctx, fx->shape), mk_powi(ctx, fx, 2)); }
DERIV(d_arcsin)
{
    (void)fx;
    return mk_pow(ctx, one_minus(ctx, mk_powi(ctx, x, 2)), mk_q(ctx, -1, 2));
}
DERIV(d_arccos) { return mk_neg(ctx, d_arcsin(ctx, x, fx)); }
DERIV(d_arctan)
{
    (void)fx;
    return mk_powi(ctx, mk_add2(ctx, mk_ones(ctx, x->shape), mk_powi(ctx, x, 2)), -1);
}
DERIV(d_tanh) { (void)x; return one_minus(ctx, mk_powi(ctx, fx, 2)); }
DERIV(d_sigmoid) { (void)x; return mk_emul(ctx, fx, one_minus(ctx, fx)); }
/* swish'(x) = s + x .* s .* (1 - s), s = sigmoid(x) */
DERIV(d_swish)
{
    (void)fx;
    nd_node *s = mk_fn(ctx, OP_SIGMOID, x);
    return mk_add2(ctx, s, mk_emul(ctx, x, d_sigmoid(ctx, x, s)));
}
DERIV(d_relu) { (void)fx; return mk_fn(ctx, OP_STEP, x); }
DERIV(d_softplus) { (void)fx; return mk_fn(ctx, OP_SIGMOID, x); }

/* ---- exact values ---- */

FOLD(f_exp)
{
    if (mpq_sgn(x) != 0)
        return 0;
    mpq_set_ui(y, 1, 1);
    return 1;
}
FOLD(f_log)
{
    if (mpq_cmp_ui(x, 1, 1) != 0)
        return 0;
    mpq_set_ui(y, 0, 1);
    return 1;
}
FOLD(f_sqrt)
{
    if (mpq_sgn(x) < 0 || !mpz_perfect_square_p(mpq_numref(x)) ||
        !mpz_perfect_square_p(mpq_denref(x)))
        return 0;
    mpz_sqrt(mpq_numref(y), mpq_numref(x));
    mpz_sqrt(mpq_denref(y), mpq_denref(x));
    mpq_canonicalize(y);
    return 1;
}
FOLD(f_abs) { mpq_abs(y, x); return 1; }
FOLD(f_sign) { mpq_set_si(y, mpq_sgn(x), 1); return 1; }
FOLD(f_zero_at_zero)
{
    if (mpq_sgn(x) != 0)
        return 0;
    mpq_set_ui(y, 0, 1);
    return 1;
}
FOLD(f_cos) { return f_exp(y, x); }       /* cos(0) = 1 */
FOLD(f_arccos) { return f_log(y, x); }    /* arccos(1) = 0 */
FOLD(f_sigmoid)
{
    if (mpq_sgn(x) != 0)
        return 0;
    mpq_set_ui(y, 1, 2);
    return 1;
}
FOLD(f_relu)
{
    if (mpq_sgn(x) > 0)
        mpq_set(y, x);
    else
        mpq_set_ui(y, 0, 1);
    return 1;
}
FOLD(f_step) { mpq_set_ui(y, mpq_sgn(x) > 0, 1); return 1; }
