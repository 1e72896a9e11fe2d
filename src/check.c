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

enum check_verdict check_answer(nd_ctx *ctx, nd_node *grad, nd_node *answer, int var,
                                const verify_opts *o, strbuf *reason)
{
    if (!check_shapes(ctx, grad, answer, reason))
        return CHECK_DIFFERENT;
    nd_node *roots[2] = { comparable(ctx, grad, var), comparable(ctx, answer, var) };
    nd_evalenv *env = eval_new(ctx, o->prec);
    nd_rng rng = { o->seed ^ 0x5eedull };
    enum check_verdict v = CHECK_EQUIVALENT;
    double worst = 0;
    for (int p = 0; p < o->points && v == CHECK_EQUIVALENT; p++) {
        if (verify_instance(env, &rng, roots, 2, o->max_attempts) != EV_OK) {
            verify_domain_error(ctx, env->failed);
            v = CHECK_ERROR;
            break;
        }
        double d = verify_rel_diff(&env->vals[roots[0]->id], &env->vals[roots[1]->id], 1e-60);
        if (d > worst)
            worst = d;
        if (!(d <= 1e-30))
            v = CHECK_DIFFERENT;
    }
    if (v == CHECK_DIFFERENT)
        sb_printf(reason, "the values differ (relative difference %.3g at a random point)",
                  worst);
    eval_free(env);
    return v;
}
