/* verify.c: central differences at high precision. */
#include "verify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

void verify_defaults(verify_opts *o)
{
    o->points = 3;
    o->prec = 256;
    o->tol = 1e-20;     /* see verify_tolerance for other precisions */
    o->seed = 20261127;
    o->max_attempts = 200;
}

static int draw_values(nd_evalenv *env, nd_rng *rng, nd_node *const *roots, int n,
                       int max_attempts)
{
    for (int attempt = 0; attempt < max_attempts; attempt++) {
        eval_random_vars(env, rng, attempt);
        int ok = 1;
        for (int i = 0; i < n && ok; i++)
            ok = eval_node(env, roots[i]) == EV_OK;
        if (ok)
            return EV_OK;
    }
    return EV_DOMAIN;
}

/* Some domains depend on the sizes (X*X' is singular with more rows than
 * columns): a few draws of the dimensions, each with several of values. */
int verify_instance(nd_evalenv *env, nd_rng *rng, nd_node *const *roots, int n,
                    int max_attempts)
{
    for (int tries = 0; tries < 8; tries++) {
        eval_random_dims(env, rng);
        if (draw_values(env, rng, roots, n, max_attempts / 4 + 1) == EV_OK)
            return EV_OK;
    }
    return EV_DOMAIN;
}

static double mat_maxabs(const nd_mat *m)
{
    double mx = 0;
    size_t len = mat_len(m);
    for (size_t e = 0; e < len; e++) {
        double v = fabs(mpfr_get_d(m->a[e], MPFR_RNDN));
        if (v > mx)
            mx = v;
    }
    return mx;
}

double verify_rel_diff(const nd_mat *a, const nd_mat *b, double floor)
{
    mpfr_t d;
    mpfr_init2(d, mpfr_get_prec(a->a[0]));
    double worst = 0;
    size_t len = mat_len(a);
    for (size_t e = 0; e < len; e++) {
        mpfr_sub(d, a->a[e], b->a[e], MPFR_RNDN);
        double v = fabs(mpfr_get_d(d, MPFR_RNDN));
        if (v > worst)
            worst = v;
    }
    mpfr_clear(d);
    double scale = fmax(fmax(mat_maxabs(a), mat_maxabs(b)), floor);
    return scale > 0 ? worst / scale : worst;
}

void verify_domain_error(nd_ctx *ctx, const nd_node *failed)
{
    nd_loc none = { 0, 0, 0, 0, NULL };
    const char *what = failed ? ops_table[failed->op].name : "the objective";
    ctx_error(ctx, none,
              "could not find a random point where '%s' is defined "
              "(tried scaled and positive values); check its argument's domain", what);
}

/* Central differences of f along each entry of variable v, into fd. */
static int central_differences(nd_evalenv *env, nd_node *f, int v,
                               const unsigned char *dep, nd_mat *fd)
{
    nd_mat *x = &env->vars[v];
    mpfr_prec_t prec = env->prec;
    mpfr_t saved, h, fp;
    mpfr_inits2(prec, saved, h, fp, (mpfr_ptr)0);
    int st = EV_OK;
    size_t len = mat_len(x);
    for (size_t e = 0; e < len && st == EV_OK; e++) {
        mpfr_set(saved, x->a[e], MPFR_RNDN);
        /* h = 2^(-p/3) * max(1, |x|) balances truncation (~h^2) against
         * rounding (~2^-p / h): both near 2^(-2p/3), 1e-51 at 256 bits */
        mpfr_abs(h, saved, MPFR_RNDN);
        if (mpfr_cmp_ui(h, 1) < 0)
            mpfr_set_ui(h, 1, MPFR_RNDN);
        mpfr_mul_2si(h, h, -(long)(prec / 3), MPFR_RNDN);
        for (int side = 0; side < 2 && st == EV_OK; side++) {
            if (side == 0)
                mpfr_add(x->a[e], saved, h, MPFR_RNDN);
            else
                mpfr_sub(x->a[e], saved, h, MPFR_RNDN);
            eval_forget_dep(env, dep);
            st = eval_node(env, f);
            if (st == EV_OK && side == 0)
                mpfr_set(fp, env->vals[f->id].a[0], MPFR_RNDN);
        }
        if (st == EV_OK) {
            mpfr_sub(fd->a[e], fp, env->vals[f->id].a[0], MPFR_RNDN);
            mpfr_div(fd->a[e], fd->a[e], h, MPFR_RNDN);
            mpfr_div_2ui(fd->a[e], fd->a[e], 1, MPFR_RNDN);
        }
        mpfr_set(x->a[e], saved, MPFR_RNDN);
    }
    eval_forget_dep(env, dep);
    mpfr_clears(saved, h, fp, (mpfr_ptr)0);
    return st;
}

/* Which nodes change when variable v does. */
static unsigned char *depends_on(nd_ctx *ctx, int v)
{
    unsigned char *want = xmalloc((size_t)ctx->n_vars);
    memset(want, 0, (size_t)ctx->n_vars);
    want[v] = 1;
    unsigned char *dep = xmalloc(ctx->n_nodes);
    expr_depends(ctx, want, dep);
    free(want);
    return dep;
}

/* One instance: returns EV_OK and raises err[i], or EV_DOMAIN. */
static int verify_point(nd_evalenv *env, nd_node *f, const int *vars,
                        nd_node *const *grads, int n, double *err)
{
    nd_ctx *ctx = env->ctx;
    int st = EV_OK;
    double fval = fabs(mpfr_get_d(env->vals[f->id].a[0], MPFR_RNDN));
    for (int i = 0; i < n && st == EV_OK; i++) {
        nd_mat *g = &env->vals[grads[i]->id], fd;
        mat_init(&fd, g->rows, g->cols, env->prec);
        unsigned char *dep = depends_on(ctx, vars[i]);
        st = central_differences(env, f, vars[i], dep, &fd);
        free(dep);
        if (st == EV_OK) {
            /* below this scale a difference is rounding noise (a zero gradient) */
            double noise = ldexp(fmax(1.0, fval), -(int)(env->prec / 3));
            double e = verify_rel_diff(g, &fd, noise);
            if (e > err[i])
                err[i] = e;
        }
        mat_clear(&fd);
    }
    return st;
}

double verify_tolerance(const verify_opts *o)
{
    return o->prec >= 256 ? o->tol : fmax(o->tol, ldexp(1.0, -(int)(o->prec / 4)));
}

int verify_gradients(nd_ctx *ctx, nd_node *f, const int *vars, nd_node *const *grads,
                     int n, const verify_opts *o, double *err)
{
    nd_evalenv *env = eval_new(ctx, o->prec);
    nd_rng rng = { o->seed };
    nd_node **roots = xmalloc(((size_t)n + 1) * sizeof *roots);
    roots[0] = f;
    for (int i = 0; i < n; i++) {
        roots[i + 1] = grads[i];
        err[i] = 0;
    }
    int rc = 0;
    for (int p = 0; p < o->points && rc == 0; p++) {
        int st = EV_DOMAIN;
        for (int tries = 0; tries < 3 && st != EV_OK; tries++) {
            st = verify_instance(env, &rng, roots, n + 1, o->max_attempts);
            if (st == EV_OK)
                st = verify_point(env, f, vars, grads, n, err);
        }
        if (st != EV_OK) {
            verify_domain_error(ctx, env->failed);
            rc = 2;
        }
    }
    for (int i = 0; i < n && rc == 0; i++)
        if (!(err[i] <= verify_tolerance(o)))
            rc = 1;
    free(roots);
    eval_free(env);
    return rc;
}
