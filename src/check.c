/* check.c: equivalence of a proposed gradient with the derived one. */
#include "check.h"

#include <math.h>
#include <stdlib.h>

#include "mk.h"
#include "ops.h"
#include "shape.h"

int check_shapes(nd_ctx *ctx, nd_node *grad, nd_node *answer, strbuf *reason)
{
    /* an answer's own free dimensions (vector(1)) may take the gradient's */
    if (shape_unify(ctx, answer->shape, grad->shape))
        return 1;
    sb_printf(reason, "shape: the answer is %s, the gradient is %s",
              shape_str(ctx, answer->shape), shape_str(ctx, grad->shape));
    return 0;
}

/* For a symmetric variable only the symmetric part of a gradient is
 * determined: (G + G')/2 is what both must agree on. */
static nd_node *comparable(nd_ctx *ctx, nd_node *g, int var)
{
    enum nd_assume a = ctx->vars[var].assume;
    if (a != AS_SYMMETRIC && a != AS_SPD)
        return g;
    return mk_scale_si(ctx, 1, 2, mk_add2(ctx, g, mk_transpose(ctx, g)));
}

/* The largest relative difference accepted: 1e-30, or 2^(-p/3) below 256
 * bits, where rounding alone gives more (2^-64 = 5e-20 at 64 bits). */
static double check_threshold(mpfr_prec_t prec)
{
    return prec >= 256 ? 1e-30 : fmax(1e-30, ldexp(1.0, -(int)(prec / 3)));
}

/* Raises floor for one root, evaluated at full precision and (lo) at q
 * bits: to max |v - v_q| when v is determined, else (v is rounding noise: a
 * zero gradient that does not simplify to 0) to at least 1e-60 as well. */
static void raise_floor(mpfr_t floor, const nd_mat *v, const nd_mat *lo, mpfr_prec_t q)
{
    mpfr_t d, dmax, vmax;
    mpfr_inits2(mpfr_get_prec(floor), d, dmax, vmax, (mpfr_ptr)0);
    mpfr_set_zero(dmax, 1);
    mpfr_set_zero(vmax, 1);
    size_t len = mat_len(v);
    for (size_t e = 0; e < len; e++) {
        mpfr_sub(d, v->a[e], lo->a[e], MPFR_RNDN);
        if (mpfr_cmpabs(d, dmax) > 0)
            mpfr_abs(dmax, d, MPFR_RNDN);
        if (mpfr_cmpabs(v->a[e], vmax) > 0)
            mpfr_abs(vmax, v->a[e], MPFR_RNDN);
    }
    if (!verify_determined(vmax, dmax, q) && mpfr_cmp_d(dmax, 1e-60) < 0)
        mpfr_set_d(dmax, 1e-60, MPFR_RNDU);
    if (mpfr_cmp(dmax, floor) > 0)
        mpfr_set(floor, dmax, MPFR_RNDU);
    mpfr_clears(d, dmax, vmax, (mpfr_ptr)0);
}

/* Below floor a difference is rounding noise: what evaluating at half the
 * precision already changes.  Scale-free, unlike the fixed 1e-60 it
 * replaces for determined values, which called 2e-100*exp(x) the gradient
 * of 1e-100*sum(exp(x)).  Leaves the roots evaluated at full precision. */
static int noise_floor(nd_evalenv *env, nd_node *const *roots, mpfr_t floor)
{
    mpfr_prec_t q = env->prec / 2;
    nd_mat lo[2];
    for (int k = 0; k < 2; k++) {
        nd_mat *v = &env->vals[roots[k]->id];
        mat_init(&lo[k], v->rows, v->cols, env->prec);
    }
    int st = EV_OK;
    for (int k = 0; k < 2 && st == EV_OK; k++)
        st = eval_at_precision(env, roots[k], q, &lo[k]);
    for (int k = 0; k < 2 && st == EV_OK; k++)
        st = eval_node(env, roots[k]);
    mpfr_set_zero(floor, 1);
    for (int k = 0; k < 2 && st == EV_OK; k++)
        raise_floor(floor, &env->vals[roots[k]->id], &lo[k], q);
    for (int k = 0; k < 2; k++)
        mat_clear(&lo[k]);
    return st;
}

/* A random point with both roots and their noise floor evaluated. */
static int check_point(nd_evalenv *env, nd_rng *rng, nd_node *const *roots,
                       const verify_opts *o, mpfr_t floor)
{
    int st = EV_DOMAIN;
    for (int tries = 0; tries < 3 && st != EV_OK && st != EV_TOOBIG; tries++) {
        st = verify_instance(env, rng, roots, 2, o->max_attempts);
        if (st == EV_OK)
            st = noise_floor(env, roots, floor);
    }
    if (st != EV_OK && st != EV_TOOBIG)     /* TOOBIG is reported already */
        verify_domain_error(env->ctx, env);
    return st;
}

/* Values are compared in MPFR: far outside double range (2^1100*exp(x))
 * a conversion gives inf - inf.  A NaN difference never passes. */
enum check_verdict check_answer(nd_ctx *ctx, nd_node *grad, nd_node *answer, int var,
                                const verify_opts *o, strbuf *reason)
{
    if (!check_shapes(ctx, grad, answer, reason))
        return CHECK_DIFFERENT;
    if (verify_bad_precision(ctx, o))
        return CHECK_ERROR;
    nd_node *roots[2] = { comparable(ctx, grad, var), comparable(ctx, answer, var) };
    nd_evalenv *env = eval_new(ctx, o->prec);
    nd_rng rng = { o->seed ^ 0x5eedull };
    enum check_verdict v = CHECK_EQUIVALENT;
    mpfr_t d, worst, floor;
    mpfr_inits2(64, d, worst, (mpfr_ptr)0);
    mpfr_init2(floor, o->prec);
    mpfr_set_zero(worst, 1);
    for (int p = 0; p < o->points && v == CHECK_EQUIVALENT; p++) {
        if (check_point(env, &rng, roots, o, floor) != EV_OK) {
            v = CHECK_ERROR;
            break;
        }
        verify_rel_diff(d, &env->vals[roots[0]->id], &env->vals[roots[1]->id], floor);
        if (mpfr_nan_p(d) || mpfr_cmp(d, worst) > 0)
            mpfr_set(worst, d, MPFR_RNDN);
        if (!(mpfr_number_p(d) && mpfr_cmp_d(d, check_threshold(o->prec)) <= 0))
            v = CHECK_DIFFERENT;
    }
    if (v == CHECK_DIFFERENT) {
        char text[64];
        mpfr_snprintf(text, sizeof text, "%.3Rg", worst);
        sb_printf(reason, "the values differ (relative difference %s at a random point)", text);
    }
    mpfr_clears(d, worst, floor, (mpfr_ptr)0);
    eval_free(env);
    return v;
}
