/* ops_elem.c: elementwise functions.  Each has a scalar MPFR evaluator, its
 * derivative as an expression, and an exact value where there is one.
 *
 * Subgradients at 0 (documented in the README): abs'(0) = sign(0) = 0,
 * relu'(0) = step(0) = 0 (the convention of PyTorch), sign' = step' = 0. */
#include "ops_impl.h"

/* ---- generic rules for the whole class ---- */

/* log of the forms that overflow or underflow when computed as written,
 * in their stable fused form (the generated C then never sees the
 * intermediate): log(softmax(z)) = logsoftmax(z), log(sigmoid(z)) =
 * -softplus(-z), log(1 - sigmoid(z)) = -softplus(z), log(1 + exp(z)) =
 * softplus(z), log(sum(exp(z))) = logsumexp(z); NULL when none applies. */
static nd_node *log_fused(nd_ctx *ctx, nd_node *x)
{
    if (x->op == OP_TRANSPOSE) {    /* a row-wise softmax is softmax(X')' */
        nd_node *r = log_fused(ctx, x->kid[0]);
        return r ? mk_transpose(ctx, r) : NULL;
    }
    if (x->op == OP_SOFTMAX)
        return mk_fn(ctx, OP_LOGSOFTMAX, x->kid[0]);
    if (x->op == OP_SIGMOID)
        return mk_neg(ctx, mk_fn(ctx, OP_SOFTPLUS, mk_neg(ctx, x->kid[0])));
    if (x->op == OP_SUM && x->kid[0]->op == OP_EXP) {
        nd_node *z = x->kid[0]->kid[0];
        if (shape_is_row(ctx, z->shape))
            z = mk_transpose(ctx, z);
        else if (!dim_is_one(ctx, z->shape.cols))   /* a matrix: columns, then across them */
            z = mk_transpose(ctx, mk_fn(ctx, OP_LOGSUMEXP, z));
        return mk_fn(ctx, OP_LOGSUMEXP, z);
    }
    if (x->op != OP_ADD || x->nkids != 2)
        return NULL;
    for (int i = 0; i < 2; i++) {   /* 1 + t, in either order */
        nd_node *t = x->kid[1 - i];
        if (!mk_is_one(x->kid[i]))
            continue;
        if (t->op == OP_EXP)
            return mk_fn(ctx, OP_SOFTPLUS, t->kid[0]);
        nd_node *s = mk_neg(ctx, t);
        if (s->op == OP_SIGMOID)
            return mk_neg(ctx, mk_fn(ctx, OP_SOFTPLUS, s->kid[0]));
    }
    return NULL;
}

/* f(c) folds when exact; f(matrix(s)) = matrix(f(s)). */
SIMP(op_elem_simplify)
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
    if (op == OP_LOG)
        return log_fused(ctx, x);
    return NULL;
}

ADJ(op_elem_adjoint)
{
    (void)i;
    const nd_opinfo *o = &ops_table[n->op];
    if (!o->deriv)
        return NULL;    /* piecewise constant: derivative 0 */
    return mk_emul(ctx, g, o->deriv(ctx, n->kid[0], n));
}

EVAL(op_elem_eval)
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

int op_exp_eval1(mpfr_t y, const mpfr_t x) { mpfr_exp(y, x, R); return EV_OK; }
int op_log_eval1(mpfr_t y, const mpfr_t x)
{
    if (mpfr_sgn(x) <= 0)
        return EV_DOMAIN;
    mpfr_log(y, x, R);
    return EV_OK;
}
int op_sqrt_eval1(mpfr_t y, const mpfr_t x)
{
    if (mpfr_sgn(x) <= 0)   /* sqrt'(0) is infinite */
        return EV_DOMAIN;
    mpfr_sqrt(y, x, R);
    return EV_OK;
}
int op_abs_eval1(mpfr_t y, const mpfr_t x) { mpfr_abs(y, x, R); return EV_OK; }
int op_sign_eval1(mpfr_t y, const mpfr_t x) { mpfr_set_si(y, mpfr_sgn(x), R); return EV_OK; }
int op_sin_eval1(mpfr_t y, const mpfr_t x) { mpfr_sin(y, x, R); return EV_OK; }
int op_cos_eval1(mpfr_t y, const mpfr_t x) { mpfr_cos(y, x, R); return EV_OK; }
int op_tan_eval1(mpfr_t y, const mpfr_t x) { mpfr_tan(y, x, R); return EV_OK; }
int op_arcsin_eval1(mpfr_t y, const mpfr_t x)
{
    if (mpfr_cmp_si(x, 1) >= 0 || mpfr_cmp_si(x, -1) <= 0)
        return EV_DOMAIN;
    mpfr_asin(y, x, R);
    return EV_OK;
}
int op_arccos_eval1(mpfr_t y, const mpfr_t x)
{
    if (mpfr_cmp_si(x, 1) >= 0 || mpfr_cmp_si(x, -1) <= 0)
        return EV_DOMAIN;
    mpfr_acos(y, x, R);
    return EV_OK;
}
int op_arctan_eval1(mpfr_t y, const mpfr_t x) { mpfr_atan(y, x, R); return EV_OK; }
int op_tanh_eval1(mpfr_t y, const mpfr_t x) { mpfr_tanh(y, x, R); return EV_OK; }
int op_cosh_eval1(mpfr_t y, const mpfr_t x) { mpfr_cosh(y, x, R); return EV_OK; }
int op_sinh_eval1(mpfr_t y, const mpfr_t x) { mpfr_sinh(y, x, R); return EV_OK; }
/* log1p(x) = log(1 + x), accurate near 0; the planner's softplus(-|w|) is
 * log1p(exp(-|w|)) when that exp is shared (cg_order.c) */
int op_log1p_eval1(mpfr_t y, const mpfr_t x)
{
    if (mpfr_cmp_si(x, -1) <= 0)
        return EV_DOMAIN;
    mpfr_log1p(y, x, R);
    return EV_OK;
}
int op_sigmoid_eval1(mpfr_t y, const mpfr_t x)
{
    mpfr_neg(y, x, R);
    mpfr_exp(y, y, R);
    mpfr_add_ui(y, y, 1, R);
    mpfr_ui_div(y, 1, y, R);
    return EV_OK;
}
int op_swish_eval1(mpfr_t y, const mpfr_t x)
{
    mpfr_t s;
    mpfr_init2(s, mpfr_get_prec(y));
    op_sigmoid_eval1(s, x);
    mpfr_mul(y, x, s, R);
    mpfr_clear(s);
    return EV_OK;
}
int op_relu_eval1(mpfr_t y, const mpfr_t x)
{
    if (mpfr_sgn(x) > 0)
        mpfr_set(y, x, R);
    else
        mpfr_set_zero(y, 1);
    return EV_OK;
}
int op_softplus_eval1(mpfr_t y, const mpfr_t x)
{
    mpfr_exp(y, x, R);
    mpfr_log1p(y, y, R);
    return EV_OK;
}
int op_step_eval1(mpfr_t y, const mpfr_t x) { mpfr_set_ui(y, mpfr_sgn(x) > 0, R); return EV_OK; }
int op_erf_eval1(mpfr_t y, const mpfr_t x) { mpfr_erf(y, x, R); return EV_OK; }

/* gelu(x) = x Phi(x), Phi(x) = erfc(-x/sqrt(2))/2 the normal distribution
 * function: erfc keeps Phi's small values for negative x, where 1 + erf
 * would cancel. */
int op_gelu_eval1(mpfr_t y, const mpfr_t x)
{
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(y));
    mpfr_sqrt_ui(t, 2, R);
    mpfr_div(t, x, t, R);
    mpfr_neg(t, t, R);
    mpfr_erfc(t, t, R);
    mpfr_mul(y, x, t, R);
    mpfr_div_2ui(y, y, 1, R);
    mpfr_clear(t);
    return EV_OK;
}

/* ---- derivatives f'(x), given x and fx = f(x) ---- */

DERIV(op_exp_deriv) { (void)ctx; (void)x; return fx; }
DERIV(op_log_deriv) { (void)fx; return mk_powi(ctx, x, -1); }
DERIV(op_sqrt_deriv) { (void)x; return mk_scale_si(ctx, 1, 2, mk_powi(ctx, fx, -1)); }
DERIV(op_abs_deriv) { (void)fx; return mk_fn(ctx, OP_SIGN, x); }
DERIV(op_sin_deriv) { (void)fx; return mk_fn(ctx, OP_COS, x); }
DERIV(op_cos_deriv) { (void)fx; return mk_neg(ctx, mk_fn(ctx, OP_SIN, x)); }
DERIV(op_tan_deriv) { (void)x; return mk_add2(ctx, mk_ones(ctx, fx->shape), mk_powi(ctx, fx, 2)); }
DERIV(op_arcsin_deriv)
{
    (void)fx;
    return mk_pow(ctx, one_minus(ctx, mk_powi(ctx, x, 2)), mk_q(ctx, -1, 2));
}
DERIV(op_arccos_deriv) { return mk_neg(ctx, op_arcsin_deriv(ctx, x, fx)); }
DERIV(op_arctan_deriv)
{
    (void)fx;
    return mk_powi(ctx, mk_add2(ctx, mk_ones(ctx, x->shape), mk_powi(ctx, x, 2)), -1);
}
DERIV(op_tanh_deriv) { (void)x; return one_minus(ctx, mk_powi(ctx, fx, 2)); }
DERIV(op_cosh_deriv) { (void)fx; return mk_fn(ctx, OP_SINH, x); }
DERIV(op_sinh_deriv) { (void)fx; return mk_fn(ctx, OP_COSH, x); }
DERIV(op_log1p_deriv) { (void)fx; return mk_powi(ctx, mk_add2(ctx, mk_ones(ctx, x->shape), x), -1); }
DERIV(op_sigmoid_deriv) { (void)x; return mk_emul(ctx, fx, one_minus(ctx, fx)); }
/* swish'(x) = s + x .* s .* (1 - s), s = sigmoid(x) */
DERIV(op_swish_deriv)
{
    (void)fx;
    nd_node *s = mk_fn(ctx, OP_SIGMOID, x);
    return mk_add2(ctx, s, mk_emul(ctx, x, op_sigmoid_deriv(ctx, x, s)));
}
DERIV(op_relu_deriv) { (void)fx; return mk_fn(ctx, OP_STEP, x); }
DERIV(op_softplus_deriv) { (void)fx; return mk_fn(ctx, OP_SIGMOID, x); }

/* sqrt(k arctan(1)) = sqrt(k pi/4): pi has no exact number, arctan(1) is
 * its node (arccos(-1) is outside arccos's domain, which is open). */
static nd_node *sqrt_pi_quarters(nd_ctx *ctx, long k)
{
    nd_node *pi4 = mk_fn(ctx, OP_ARCTAN, mk_int(ctx, 1));
    return mk_fn(ctx, OP_SQRT, mk_scale_si(ctx, k, 1, pi4));
}

/* erf'(x) = 2/sqrt(pi) exp(-x^2) = exp(-x^2)/sqrt(arctan(1)) */
DERIV(op_erf_deriv)
{
    (void)fx;
    nd_node *e = mk_fn(ctx, OP_EXP, mk_neg(ctx, mk_powi(ctx, x, 2)));
    return mk_div(ctx, e, sqrt_pi_quarters(ctx, 1));
}

/* gelu'(x) = Phi(x) + x phi(x): Phi(x) = (1 + erf(x/sqrt(2)))/2 and
 * phi(x) = exp(-x^2/2)/sqrt(2 pi) = exp(-x^2/2)/sqrt(8 arctan(1)). */
DERIV(op_gelu_deriv)
{
    (void)fx;
    nd_node *s2 = mk_fn(ctx, OP_SQRT, mk_int(ctx, 2));
    nd_node *ex = mk_fn(ctx, OP_ERF, mk_div(ctx, x, s2));
    nd_node *cdf = mk_scale_si(ctx, 1, 2, mk_add2(ctx, mk_ones(ctx, x->shape), ex));
    nd_node *e = mk_fn(ctx, OP_EXP, mk_scale_si(ctx, -1, 2, mk_powi(ctx, x, 2)));
    nd_node *pdf = mk_div(ctx, e, sqrt_pi_quarters(ctx, 8));
    return mk_add2(ctx, cdf, mk_emul(ctx, x, pdf));
}

/* ---- exact values ---- */

FOLD(op_exp_fold)
{
    if (mpq_sgn(x) != 0)
        return 0;
    mpq_set_ui(y, 1, 1);
    return 1;
}
FOLD(op_log_fold)
{
    if (mpq_cmp_ui(x, 1, 1) != 0)
        return 0;
    mpq_set_ui(y, 0, 1);
    return 1;
}
FOLD(op_sqrt_fold)
{
    if (mpq_sgn(x) < 0 || !mpz_perfect_square_p(mpq_numref(x)) ||
        !mpz_perfect_square_p(mpq_denref(x)))
        return 0;
    mpz_sqrt(mpq_numref(y), mpq_numref(x));
    mpz_sqrt(mpq_denref(y), mpq_denref(x));
    mpq_canonicalize(y);
    return 1;
}
FOLD(op_abs_fold) { mpq_abs(y, x); return 1; }
FOLD(op_sign_fold) { mpq_set_si(y, mpq_sgn(x), 1); return 1; }
FOLD(op_zero_at_zero_fold)
{
    if (mpq_sgn(x) != 0)
        return 0;
    mpq_set_ui(y, 0, 1);
    return 1;
}
FOLD(op_cos_fold) { return op_exp_fold(y, x); }       /* cos(0) = 1 */
FOLD(op_cosh_fold) { return op_exp_fold(y, x); }      /* cosh(0) = 1 */
FOLD(op_arccos_fold) { return op_log_fold(y, x); }    /* arccos(1) = 0 */
FOLD(op_sigmoid_fold)
{
    if (mpq_sgn(x) != 0)
        return 0;
    mpq_set_ui(y, 1, 2);
    return 1;
}
FOLD(op_relu_fold)
{
    if (mpq_sgn(x) > 0)
        mpq_set(y, x);
    else
        mpq_set_ui(y, 0, 1);
    return 1;
}
FOLD(op_step_fold) { mpq_set_ui(y, mpq_sgn(x) > 0, 1); return 1; }

/* ---- max(x, y), min(x, y): elementwise, a scalar broadcast ---- */

/* The two arguments of one shape: a scalar goes to every entry of the other. */
BUILD(op_elem2_build)
{
    nd_node *x = cs->args[0], *y = cs->args[1];
    int xs = shape_is_scalar(ctx, x->shape), ys = shape_is_scalar(ctx, y->shape);
    if (xs && !ys)
        x = mk_bcast(ctx, x, y->shape);
    else if (ys && !xs)
        y = mk_bcast(ctx, y, x->shape);
    else if (!shape_unify(ctx, x->shape, y->shape))
        shape_fail(ctx, cs->loc, "shape mismatch in '%s': %s is %s, %s is %s", cs->name,
                   diag_text(ctx, cs->arg_locs[0]), shape_str(ctx, x->shape),
                   diag_text(ctx, cs->arg_locs[1]), shape_str(ctx, y->shape));
    nd_node *k[2] = { x, y };
    return mk_call(ctx, op, k, 2);
}

/* Shared by max and min: equal operands, two numbers, two broadcast
 * scalars.  sign is 1 for max, -1 for min. */
static nd_node *extremum_simplify(nd_ctx *ctx, enum nd_op op, nd_node *const *k, int sign)
{
    nd_node *x = k[0], *y = k[1];
    if (x == y)
        return x;
    if (x->op == OP_CONST && y->op == OP_CONST)
        return sign * mpq_cmp(x->u.q, y->u.q) >= 0 ? x : y;
    if (x->op == OP_BCAST && y->op == OP_BCAST && expr_is_scalar(ctx, x->kid[0]) &&
        expr_is_scalar(ctx, y->kid[0])) {
        nd_node *s[2] = { x->kid[0], y->kid[0] };
        return mk_bcast(ctx, mk_call(ctx, op, s, 2), x->shape);
    }
    return NULL;
}

/* max(z, 0) = max(0, z) = relu(z) */
SIMP(op_max_simplify)
{
    if (mk_is_zero(k[1]) && !mk_is_zero(k[0]))
        return mk_fn(ctx, OP_RELU, k[0]);
    if (mk_is_zero(k[0]) && !mk_is_zero(k[1]))
        return mk_fn(ctx, OP_RELU, k[1]);
    return extremum_simplify(ctx, op, k, 1);
}

SIMP(op_min_simplify) { return extremum_simplify(ctx, op, k, -1); }

/* At a tie the first argument is the maximum (or minimum) and takes the
 * gradient: d max(x, y)/dx = 1 - step(y - x), d/dy = step(y - x). */
static nd_node *extremum_adjoint(nd_ctx *ctx, nd_node *n, int i, nd_node *g, int sign)
{
    nd_node *x = n->kid[0], *y = n->kid[1];
    nd_node *d = sign > 0 ? mk_sub(ctx, y, x) : mk_sub(ctx, x, y);
    nd_node *other = mk_fn(ctx, OP_STEP, d);     /* 1 where y wins */
    return mk_emul(ctx, g, i == 0 ? one_minus(ctx, other) : other);
}

ADJ(op_max_adjoint) { return extremum_adjoint(ctx, n, i, g, 1); }
ADJ(op_min_adjoint) { return extremum_adjoint(ctx, n, i, g, -1); }

static int extremum_eval(const nd_node *n, nd_mat *out, nd_mat *const *args, int sign)
{
    (void)n;
    size_t len = mat_len(out);
    for (size_t e = 0; e < len; e++) {
        int c = mpfr_cmp(args[0]->a[e], args[1]->a[e]);
        mpfr_set(out->a[e], sign * c >= 0 ? args[0]->a[e] : args[1]->a[e], R);
    }
    return EV_OK;
}

EVAL(op_max_eval) { (void)env; return extremum_eval(n, out, args, 1); }
EVAL(op_min_eval) { (void)env; return extremum_eval(n, out, args, -1); }
