/* verify.c: central differences at high precision.
 *
 * Everything is compared in MPFR: values may lie far outside double range
 * (2^1100 * exp(x)), where a conversion to double gives inf/inf = NaN. */
#include "verify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "scope.h"

/* Per variable and point: central differences along this many random
 * directions, and along this many single entries (see verify_var). */
#define VERIFY_DIRECTIONS 2
#define VERIFY_ENTRIES 2

/* Errors are kept to this many bits: enough to print two digits and to
 * compare with a tolerance. */
#define ERR_PREC 64

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
    env->failed = env->domain_failed = env->overflowed = env->misbuilt = NULL;
    for (int tries = 0; tries < 8; tries++) {
        eval_random_dims(env, rng);
        if (eval_check_size(env, roots, n) != EV_OK)
            return EV_TOOBIG;
        if (draw_values(env, rng, roots, n, max_attempts / 4 + 1) == EV_OK)
            return EV_OK;
    }
    return EV_DOMAIN;
}

/* worst = max(worst, v), except that a NaN sticks (mpfr_max would drop
 * it), so that an undefined comparison can never pass. */
static void raise_to(mpfr_t worst, mpfr_srcptr v)
{
    if (mpfr_nan_p(v) || mpfr_nan_p(worst))
        mpfr_set_nan(worst);
    else if (mpfr_cmp(v, worst) > 0)
        mpfr_set(worst, v, MPFR_RNDU);
}

/* worst = max(worst, |v|) */
static void raise_abs(mpfr_t worst, mpfr_srcptr v, mpfr_t tmp)
{
    mpfr_abs(tmp, v, MPFR_RNDN);
    raise_to(worst, tmp);
}

void verify_rel_diff(mpfr_t rel, const nd_mat *a, const nd_mat *b, mpfr_srcptr floor)
{
    mpfr_prec_t prec = mpfr_get_prec(a->a[0]);
    mpfr_t d, worst, scale;
    mpfr_inits2(prec, d, worst, scale, (mpfr_ptr)0);
    mpfr_set_zero(worst, 1);
    mpfr_set_zero(scale, 1);
    size_t len = mat_len(a);
    for (size_t e = 0; e < len; e++) {
        mpfr_sub(d, a->a[e], b->a[e], MPFR_RNDN);
        raise_abs(worst, d, d);
        raise_abs(scale, a->a[e], d);
        raise_abs(scale, b->a[e], d);
    }
    raise_to(scale, floor);
    if (mpfr_zero_p(scale))
        mpfr_set(rel, worst, MPFR_RNDU);
    else
        mpfr_div(rel, worst, scale, MPFR_RNDU);
    mpfr_clears(d, worst, scale, (mpfr_ptr)0);
}

void verify_domain_error(nd_ctx *ctx, const nd_evalenv *env)
{
    nd_loc none = { 0, 0, 0, 0, NULL };
    const nd_node *dom = env->domain_failed, *big = env->overflowed;
    /* the largest MPFR value is about 2^emax */
    long digits = (long)floor((double)mpfr_get_emax() * log10(2.0));
    if (env->misbuilt)
        diag_error(ctx, none,
                  "internal error: the operands of a '%s' do not have the sizes it needs "
                  "(please report); nothing was checked", ops_table[env->misbuilt->op].name);
    else if (big && !dom)
        diag_error(ctx, none,
                  "the value of '%s' overflows the evaluator's range (about 1e+%ld) "
                  "at every random point tried; nothing was checked",
                  ops_table[big->op].name, digits);
    else if (big)
        diag_error(ctx, none,
                  "could not find a random point where the program can be evaluated: "
                  "'%s' is outside its domain at some points tried and the value of '%s' "
                  "overflows the evaluator's range (about 1e+%ld) at the others",
                  ops_table[dom->op].name, ops_table[big->op].name, digits);
    else
        diag_error(ctx, none,
                  "could not find a random point where '%s' is defined "
                  "(tried scaled and positive values); check its argument's domain",
                  dom ? ops_table[dom->op].name : "the objective");
}

int verify_bad_precision(nd_ctx *ctx, const verify_opts *o)
{
    if (o->prec >= VERIFY_MIN_PREC && o->prec <= VERIFY_MAX_PREC)
        return 0;
    diag_error(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
              "the precision must be %d to %d bits, not %ld", VERIFY_MIN_PREC,
              VERIFY_MAX_PREC, (long)o->prec);
    return 1;
}

/* Which nodes change when variable v does. */
static unsigned char *depends_on(nd_ctx *ctx, int v)
{
    unsigned char *want = xmalloc((size_t)ctx->scope->n_vars);
    memset(want, 0, (size_t)ctx->scope->n_vars);
    want[v] = 1;
    unsigned char *dep = xmalloc(ctx->dag->n_nodes);
    expr_depends(ctx, want, dep);
    free(want);
    return dep;
}

/* What one variable's check needs: the variable, its saved value, a
 * direction, the step, and the nodes to recompute when it moves. */
typedef struct probe {
    nd_evalenv *env;
    nd_node *f;
    nd_mat *x, saved, u;
    unsigned char *dep;
    mpfr_t t;           /* the step along u */
    mpfr_t noise;       /* below this a directional derivative is rounding noise */
} probe;

/* fd = (f(x + t u) - f(x - t u)) / 2t.  Entries of u are max(1, |x|) times
 * at most 1, so the step of an entry is at most 2^(-p/3) max(1, |x|): that
 * balances truncation (~t^2) against rounding (~2^-p / t), both near
 * 2^(-2p/3), 1e-51 at 256 bits. */
static int central_difference(probe *pr, mpfr_t fd)
{
    nd_evalenv *env = pr->env;
    size_t len = mat_len(pr->x);
    mpfr_t fp, step;
    mpfr_inits2(env->prec, fp, step, (mpfr_ptr)0);
    int st = EV_OK;
    for (int side = 0; side < 2 && st == EV_OK; side++) {
        mpfr_set(step, pr->t, MPFR_RNDN);
        if (side == 1)
            mpfr_neg(step, step, MPFR_RNDN);
        for (size_t e = 0; e < len; e++)    /* x = saved +- t u, rounded once */
            mpfr_fma(pr->x->a[e], step, pr->u.a[e], pr->saved.a[e], MPFR_RNDN);
        eval_forget_dep(env, pr->dep);
        st = eval_node(env, pr->f);
        if (st == EV_OK && side == 0)
            mpfr_set(fp, env->vals[pr->f->id].a[0], MPFR_RNDN);
    }
    if (st == EV_OK) {
        mpfr_sub(fd, fp, env->vals[pr->f->id].a[0], MPFR_RNDN);
        mpfr_div(fd, fd, pr->t, MPFR_RNDN);
        mpfr_div_2ui(fd, fd, 1, MPFR_RNDN);
    }
    mat_copy(pr->x, &pr->saved);
    eval_forget_dep(env, pr->dep);
    mpfr_clears(fp, step, (mpfr_ptr)0);
    return st;
}

/* Raises err to |<g, u> - fd| / max(sum |g u|, |fd|, floor), fd the
 * central difference along u: the error relative to the size of the
 * terms of <g, u>, as the old per-entry check was relative to max |g|. */
static int compare_along(probe *pr, const nd_mat *g, mpfr_srcptr floor, mpfr_t err)
{
    mpfr_prec_t prec = pr->env->prec;
    mpfr_t gu, scale, term, fd;
    mpfr_inits2(prec, gu, scale, term, fd, (mpfr_ptr)0);
    mpfr_set_zero(gu, 1);
    mpfr_set_zero(scale, 1);
    size_t len = mat_len(g);
    for (size_t e = 0; e < len; e++) {
        if (mpfr_zero_p(pr->u.a[e]))
            continue;
        mpfr_mul(term, g->a[e], pr->u.a[e], MPFR_RNDN);
        mpfr_add(gu, gu, term, MPFR_RNDN);
        mpfr_abs(term, term, MPFR_RNDN);
        mpfr_add(scale, scale, term, MPFR_RNDN);
    }
    int st = central_difference(pr, fd);
    if (st == EV_OK) {
        raise_abs(scale, fd, term);
        raise_to(scale, floor);
        mpfr_sub(term, gu, fd, MPFR_RNDN);
        mpfr_abs(term, term, MPFR_RNDN);
        if (!mpfr_zero_p(scale))    /* else gu = fd = 0 */
            mpfr_div(term, term, scale, MPFR_RNDU);
        raise_to(err, term);
    }
    mpfr_clears(gu, scale, term, fd, (mpfr_ptr)0);
    return st;
}

/* max(1, |x|): the scale of a step in x */
static void step_scale(mpfr_t s, mpfr_srcptr x)
{
    mpfr_abs(s, x, MPFR_RNDN);
    if (mpfr_cmp_ui(s, 1) < 0)
        mpfr_set_ui(s, 1, MPFR_RNDN);
}

/* A random direction: entries uniform in [-1, 1], scaled like x. */
static void random_direction(probe *pr, nd_rng *rng)
{
    size_t len = mat_len(pr->x);
    for (size_t e = 0; e < len; e++) {
        step_scale(pr->u.a[e], pr->saved.a[e]);
        mpfr_mul_d(pr->u.a[e], pr->u.a[e], rng_uniform(rng, -1.0, 1.0), MPFR_RNDN);
    }
}

/* Distinct random entries: all of them when there are at most k. */
static int pick_entries(nd_rng *rng, size_t len, size_t *pick, int k)
{
    int n = 0;
    while (n < k && (size_t)n < len) {
        size_t e = len <= (size_t)k ? (size_t)n
                                    : (size_t)rng_int(rng, 0, (int)(len - 1));
        int seen = 0;
        for (int j = 0; j < n; j++)
            seen |= pick[j] == e;
        if (!seen)
            pick[n++] = e;
    }
    return n;
}

/* A single entry e: u = max(1, |x_e|) at e, 0 elsewhere; floor is then
 * that step times max |g|, so the error is relative to the gradient's
 * scale as a whole and a zero entry of a large gradient is not noise. */
static int compare_entry(probe *pr, const nd_mat *g, size_t e, mpfr_srcptr gmax, mpfr_t err)
{
    size_t len = mat_len(pr->x);
    for (size_t i = 0; i < len; i++)
        mpfr_set_zero(pr->u.a[i], 1);
    step_scale(pr->u.a[e], pr->saved.a[e]);
    mpfr_t floor;
    mpfr_init2(floor, pr->env->prec);
    mpfr_mul(floor, gmax, pr->u.a[e], MPFR_RNDN);
    raise_to(floor, pr->noise);
    int st = compare_along(pr, g, floor, err);
    mpfr_clear(floor);
    return st;
}

/* The gradient g of f w.r.t. variable v at this point, against central
 * differences along VERIFY_DIRECTIONS random directions and
 * VERIFY_ENTRIES random single entries; the worst error is raised into err.
 *
 * Why directions: one difference per entry re-evaluates f once per entry
 * (an 80 x 80 W means 12800 evaluations of a program that is itself
 * O(n^3)).  A wrong gradient g = g* + E gives <g, u> - <g*, u> = <E, u>,
 * which is zero for a random u only on a set of measure zero, whatever
 * the number of entries: 2 evaluations catch any wrong entry.  Its
 * relative error shrinks like |E| / sum |g u| (about 1/len for one wrong
 * entry), far above the tolerance for any real mistake.  The single
 * entries give the plain per-entry error as well, and catch a wrong entry
 * outright when it is drawn (always, for variables of at most
 * VERIFY_ENTRIES entries).  Per variable, not all at once, so that the
 * report says which gradient is wrong. */
static int verify_var(probe *pr, nd_rng *rng, const nd_mat *g, mpfr_t err)
{
    int st = EV_OK;
    for (int k = 0; k < VERIFY_DIRECTIONS && st == EV_OK; k++) {
        random_direction(pr, rng);
        st = compare_along(pr, g, pr->noise, err);
    }
    mpfr_t gmax, tmp;
    mpfr_inits2(pr->env->prec, gmax, tmp, (mpfr_ptr)0);
    mpfr_set_zero(gmax, 1);
    size_t len = mat_len(g);
    for (size_t e = 0; e < len; e++)
        raise_abs(gmax, g->a[e], tmp);
    size_t pick[VERIFY_ENTRIES];
    int n = pick_entries(rng, len, pick, VERIFY_ENTRIES);
    for (int k = 0; k < n && st == EV_OK; k++)
        st = compare_entry(pr, g, pick[k], gmax, err);
    mpfr_clears(gmax, tmp, (mpfr_ptr)0);
    return st;
}

/* Is v (at full precision) determined, against its value v_q at half the
 * precision?  Yes when they agree to q/2 bits; no when v is 0 or mostly
 * rounding noise (an objective that cancels to 0, exactly so at some
 * points: sqrt(x.^2) - abs(x) at a double). */
int verify_determined(mpfr_srcptr v, mpfr_srcptr d, mpfr_prec_t q)
{
    if (mpfr_zero_p(v))
        return 0;
    return mpfr_zero_p(d) || mpfr_get_exp(d) <= mpfr_get_exp(v) - (long)(q / 2);
}

/* noise = 2^(-p/3) C: below it a directional derivative is rounding noise
 * (a zero gradient's differences are about 2^(-2p/3) C).  C is the scale
 * of f's rounding: max(|f|, 2^q |f - f_q|), f_q at q = p/2 bits, when f is
 * determined; so the floor scales with f (max(1, |f|) let any gradient of
 * 1e-100*sum(exp(x)) pass).  When f is rounding noise (it cancels to 0),
 * that estimate is itself noise and the unit scale of the random values
 * stands in: max(1, |f|, 2^q |f - f_q|).  Drops the cached values. */
static int noise_floor(nd_evalenv *env, nd_node *f, mpfr_srcptr t, mpfr_t noise)
{
    mpfr_prec_t q = env->prec / 2;
    nd_mat lo;
    mat_init(&lo, 1, 1, env->prec);
    mpfr_t fp, d;
    mpfr_inits2(env->prec, fp, d, (mpfr_ptr)0);
    mpfr_set(fp, env->vals[f->id].a[0], MPFR_RNDN);
    int st = eval_at_precision(env, f, q, &lo);
    if (st == EV_OK) {
        mpfr_sub(d, fp, lo.a[0], MPFR_RNDN);
        mpfr_abs(d, d, MPFR_RNDN);
        if (verify_determined(fp, d, q))
            mpfr_abs(noise, fp, MPFR_RNDN);
        else
            step_scale(noise, fp);
        mpfr_mul_2si(d, d, (long)q, MPFR_RNDN);
        raise_to(noise, d);
        mpfr_mul(noise, noise, t, MPFR_RNDN);
    }
    mpfr_clears(fp, d, (mpfr_ptr)0);
    mat_clear(&lo);
    return st;
}

/* One instance: returns EV_OK and raises err[i], or why it failed.  The
 * gradients are copied first: moving one variable re-evaluates nodes that
 * another gradient may share (and noise_floor drops every value). */
static int verify_point(nd_evalenv *env, nd_rng *rng, nd_node *f, const int *vars,
                        nd_node *const *grads, int n, mpfr_t *err)
{
    nd_ctx *ctx = env->ctx;
    nd_mat *g = xmalloc(((size_t)n + 1) * sizeof *g);
    for (int i = 0; i < n; i++) {
        nd_mat *v = &env->vals[grads[i]->id];
        mat_init(&g[i], v->rows, v->cols, env->prec);
        mat_copy(&g[i], v);
    }
    probe pr = { .env = env, .f = f };
    mpfr_inits2(env->prec, pr.t, pr.noise, (mpfr_ptr)0);
    mpfr_set_ui_2exp(pr.t, 1, -(long)(env->prec / 3), MPFR_RNDN);
    int st = noise_floor(env, f, pr.t, pr.noise);
    for (int i = 0; i < n && st == EV_OK; i++) {
        pr.x = &env->vars[vars[i]];
        mat_init(&pr.saved, pr.x->rows, pr.x->cols, env->prec);
        mat_init(&pr.u, pr.x->rows, pr.x->cols, env->prec);
        mat_copy(&pr.saved, pr.x);
        pr.dep = depends_on(ctx, vars[i]);
        st = verify_var(&pr, rng, &g[i], err[i]);
        free(pr.dep);
        mat_clear(&pr.saved);
        mat_clear(&pr.u);
    }
    mpfr_clears(pr.t, pr.noise, (mpfr_ptr)0);
    for (int i = 0; i < n; i++)
        mat_clear(&g[i]);
    free(g);
    return st;
}

double verify_tolerance(const verify_opts *o)
{
    return o->prec >= 256 ? o->tol : fmax(o->tol, ldexp(1.0, -(int)(o->prec / 4)));
}

/* The error for the caller: a double rounded up (so that it is <= tol only
 * when the MPFR value is) and the text printed from MPFR. */
static void export_err(verify_err *out, mpfr_srcptr e)
{
    out->value = mpfr_get_d(e, MPFR_RNDU);
    mpfr_snprintf(out->text, sizeof out->text, "%.1Re", e);
}

/* Instances until one checks (a difference can step out of the domain). */
static int check_point(nd_evalenv *env, nd_rng *rng, nd_node *const *roots, int n,
                       const int *vars, const verify_opts *o, mpfr_t *err)
{
    int st = EV_DOMAIN;
    for (int tries = 0; tries < 3 && st != EV_OK && st != EV_TOOBIG; tries++) {
        st = verify_instance(env, rng, roots, n + 1, o->max_attempts);
        if (st == EV_OK)
            st = verify_point(env, rng, roots[0], vars, roots + 1, n, err);
    }
    if (st != EV_OK && st != EV_TOOBIG)    /* TOOBIG: already reported */
        verify_domain_error(env->ctx, env);
    return st;
}

int verify_gradients(nd_ctx *ctx, nd_node *f, const int *vars, nd_node *const *grads,
                     int n, const verify_opts *o, verify_err *err)
{
    if (verify_bad_precision(ctx, o))
        return 2;
    nd_evalenv *env = eval_new(ctx, o->prec);
    nd_rng rng = { o->seed };
    nd_node **roots = xmalloc(((size_t)n + 1) * sizeof *roots);
    mpfr_t *worst = xmalloc(((size_t)n + 1) * sizeof *worst);
    roots[0] = f;
    for (int i = 0; i < n; i++) {
        roots[i + 1] = grads[i];
        mpfr_init2(worst[i], ERR_PREC);
        mpfr_set_zero(worst[i], 1);
    }
    int rc = 0;
    for (int p = 0; p < o->points && rc == 0; p++)
        if (check_point(env, &rng, roots, n, vars, o, worst) != EV_OK)
            rc = 2;
    double tol = verify_tolerance(o);
    for (int i = 0; i < n; i++) {
        export_err(&err[i], worst[i]);
        if (rc == 0 && !(mpfr_number_p(worst[i]) && mpfr_cmp_d(worst[i], tol) <= 0))
            rc = 1;
        mpfr_clear(worst[i]);
    }
    free(worst);
    free(roots);
    eval_free(env);
    return rc;
}
