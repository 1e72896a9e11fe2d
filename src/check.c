/* check.c: equivalence of a proposed gradient with the derived one. */
#include "check.h"

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
    mpfr_inits2(64, d, worst, floor, (mpfr_ptr)0);
    mpfr_set_zero(worst, 1);
    mpfr_set_d(floor, 1e-60, MPFR_RNDN);
    for (int p = 0; p < o->points && v == CHECK_EQUIVALENT; p++) {
        int st = verify_instance(env, &rng, roots, 2, o->max_attempts);
        if (st != EV_OK) {
            if (st != EV_TOOBIG)    /* that one is reported already */
                verify_domain_error(ctx, env);
            v = CHECK_ERROR;
            break;
        }
        verify_rel_diff(d, &env->vals[roots[0]->id], &env->vals[roots[1]->id], floor);
        if (mpfr_nan_p(d) || mpfr_cmp(d, worst) > 0)
            mpfr_set(worst, d, MPFR_RNDN);
        if (!(mpfr_number_p(d) && mpfr_cmp_d(d, 1e-30) <= 0))
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
