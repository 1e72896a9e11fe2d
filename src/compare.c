/* compare.c: values at a fixed set of random instances (see compare.h). */
#include "compare.h"

#include <math.h>
#include <string.h>

#include "ops.h"
#include "shape.h"

int cmp_open(cmp_set *c, nd_ctx *ctx, nd_node *const *roots, int n_roots,
             const verify_opts *o, uint64_t salt, int report)
{
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->prec = o->prec;
    int want = o->points < CMP_MAX_POINTS ? o->points : CMP_MAX_POINTS;
    for (int k = 0; k < want; k++) {
        nd_evalenv *env = eval_new(ctx, o->prec);
        nd_rng rng = { (o->seed ^ 0x5eedull ^ salt) + 0x9e3779b97f4a7c15ull * (uint64_t)k };
        int st = verify_instance(env, &rng, roots, n_roots, o->max_attempts);
        if (st != EV_OK) {
            if (report && st != EV_TOOBIG)     /* TOOBIG is reported already */
                verify_domain_error(ctx, env);
            else if (!report && st == EV_TOOBIG)
                diag_forget_error(ctx);
            c->failed = env->failed ? env->failed : roots[0];
            eval_free(env);
            cmp_close(c);
            return st;
        }
        c->env[c->n++] = env;
    }
    return EV_OK;
}

void cmp_close(cmp_set *c)
{
    for (int k = 0; k < c->n; k++)
        eval_free(c->env[k]);
    c->n = 0;
}

const nd_mat *cmp_value(cmp_set *c, int k, nd_node *n)
{
    return eval_node(c->env[k], n) == EV_OK ? &c->env[k]->vals[n->id] : NULL;
}

int cmp_defined(cmp_set *c, nd_node *n)
{
    for (int k = 0; k < c->n; k++)
        if (!cmp_value(c, k, n))
            return 0;
    return c->n > 0;
}

/* Values this close are equal: 1e-30, or 2^(-p/3) below 256 bits where
 * rounding alone gives more (2^-64 = 5e-20 at 64 bits). */
static double threshold(const cmp_set *c)
{
    return c->prec >= 256 ? 1e-30 : fmax(1e-30, ldexp(1.0, -(int)(c->prec / 3)));
}

static int same_shape(const nd_mat *a, const nd_mat *b)
{
    return a->rows == b->rows && a->cols == b->cols;
}

/* Raises floor to the rounding noise of n at instance k: what evaluating
 * at half the precision q changes.  When n's value is itself noise (a zero
 * that does not simplify to 0, such as 1 - sum(softmax(x))), that change
 * can be an accident: at q bits the sum may cancel exactly, and the change
 * is then the value itself, 2^(p-q) below the noise at q bits (seed 8222
 * of the read-back: 1e-77 against an exact 0, with terms near 1).  A
 * residue that does not vanish is at least about an ulp of the terms that
 * cancelled, so 2^(p-q) times it is the noise at q bits of those terms:
 * the floor is at least that.  Scale-free: a fixed floor would call
 * 2e-100*exp(x) the gradient of 1e-100*sum(exp(x)). */
static int raise_noise(cmp_set *c, int k, nd_node *n, mpfr_t floor)
{
    nd_evalenv *env = c->env[k];
    const nd_mat *v = cmp_value(c, k, n);
    if (!v)
        return 0;
    mpfr_prec_t q = c->prec / 2;
    nd_mat lo;
    mat_init(&lo, v->rows, v->cols, c->prec);
    int ok = eval_at_precision(env, n, q, &lo) == EV_OK && (v = cmp_value(c, k, n)) != NULL;
    if (ok) {
        mpfr_t d, dmax, vmax;
        mpfr_inits2(c->prec, d, dmax, vmax, (mpfr_ptr)0);
        mpfr_set_zero(dmax, 1);
        mpfr_set_zero(vmax, 1);
        for (size_t e = 0; e < mat_len(v); e++) {
            mpfr_sub(d, v->a[e], lo.a[e], MPFR_RNDN);
            if (mpfr_cmpabs(d, dmax) > 0)
                mpfr_abs(dmax, d, MPFR_RNDN);
            if (mpfr_cmpabs(v->a[e], vmax) > 0)
                mpfr_abs(vmax, v->a[e], MPFR_RNDN);
        }
        if (!verify_determined(vmax, dmax, q)) {   /* noise: at q bits, 2^(p-q) times it */
            mpfr_mul_2si(vmax, vmax, (long)(c->prec - q), MPFR_RNDU);
            if (mpfr_cmp(vmax, dmax) > 0)
                mpfr_set(dmax, vmax, MPFR_RNDU);
        }
        if (mpfr_cmp(dmax, floor) > 0)
            mpfr_set(floor, dmax, MPFR_RNDU);
        mpfr_clears(d, dmax, vmax, (mpfr_ptr)0);
    }
    mat_clear(&lo);
    return ok;
}

/* The noise floor of a and b at instance k (0 when one is undefined). */
static int noise_floor(cmp_set *c, int k, nd_node *a, nd_node *b, mpfr_t floor)
{
    mpfr_set_zero(floor, 1);
    return raise_noise(c, k, a, floor) && raise_noise(c, k, b, floor);
}

int cmp_equal(cmp_set *c, nd_node *a, nd_node *b)
{
    if (c->n == 0 || !a || !b)     /* a candidate not made is no match */
        return 0;
    mpfr_t r, floor;
    mpfr_init2(r, 64);
    mpfr_init2(floor, c->prec);
    int eq = 1;
    for (int k = 0; k < c->n && eq; k++) {
        eq = noise_floor(c, k, a, b, floor);
        const nd_mat *va = eq ? cmp_value(c, k, a) : NULL, *vb = va ? cmp_value(c, k, b) : NULL;
        eq = vb && same_shape(va, vb);
        if (eq) {
            verify_rel_diff(r, va, vb, floor);
            eq = mpfr_number_p(r) && mpfr_cmp_d(r, threshold(c)) <= 0;
        }
    }
    mpfr_clears(r, floor, (mpfr_ptr)0);
    return eq;
}

/* <a, b> and <b, b> into dot and norm. */
static void inner_products(const nd_mat *a, const nd_mat *b, mpfr_t dot, mpfr_t norm)
{
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(dot));
    mpfr_set_zero(dot, 1);
    mpfr_set_zero(norm, 1);
    size_t len = mat_len(a);
    for (size_t e = 0; e < len; e++) {
        mpfr_mul(t, a->a[e], b->a[e], MPFR_RNDN);
        mpfr_add(dot, dot, t, MPFR_RNDN);
        mpfr_sqr(t, b->a[e], MPFR_RNDN);
        mpfr_add(norm, norm, t, MPFR_RNDN);
    }
    mpfr_clear(t);
}

/* a = k*b at one instance: k = <a,b>/<b,b>, then a - k*b must vanish
 * (relative to the noise floor of a and b). */
static int ratio_at(const cmp_set *c, const nd_mat *a, const nd_mat *b, mpfr_srcptr floor,
                    mpfr_t k)
{
    mpfr_t norm, r;
    mpfr_inits2(c->prec, norm, r, (mpfr_ptr)0);
    inner_products(a, b, k, norm);
    int ok = mpfr_number_p(k) && mpfr_sgn(norm) > 0;
    if (ok) {
        mpfr_div(k, k, norm, MPFR_RNDN);
        nd_mat kb;
        mat_init(&kb, b->rows, b->cols, c->prec);
        for (size_t e = 0; e < mat_len(b); e++)
            mpfr_mul(kb.a[e], b->a[e], k, MPFR_RNDN);
        verify_rel_diff(r, a, &kb, floor);
        ok = mpfr_number_p(r) && mpfr_cmp_d(r, threshold(c)) <= 0;
        mat_clear(&kb);
    }
    mpfr_clears(norm, r, (mpfr_ptr)0);
    return ok;
}

int cmp_ratio(cmp_set *c, nd_node *a, nd_node *b, mpfr_t *ratio)
{
    int ok = c->n > 0;
    mpfr_t floor;
    mpfr_init2(floor, c->prec);
    for (int k = 0; k < c->n && ok; k++) {
        ok = noise_floor(c, k, a, b, floor);
        const nd_mat *va = ok ? cmp_value(c, k, a) : NULL, *vb = va ? cmp_value(c, k, b) : NULL;
        ok = vb && same_shape(va, vb) && ratio_at(c, va, vb, floor, ratio[k]);
    }
    mpfr_clear(floor);
    return ok;
}

double cmp_difference(cmp_set *c, nd_node *a, nd_node *b)
{
    double worst = 0;
    mpfr_t r, floor;
    mpfr_init2(r, 64);
    mpfr_init2(floor, c->prec);
    mpfr_set_d(floor, 1e-60, MPFR_RNDN);
    for (int k = 0; k < c->n; k++) {
        const nd_mat *va = cmp_value(c, k, a), *vb = va ? cmp_value(c, k, b) : NULL;
        if (!vb || !same_shape(va, vb)) {
            worst = INFINITY;
            break;
        }
        verify_rel_diff(r, va, vb, floor);
        double d = mpfr_get_d(r, MPFR_RNDN);
        if (!(d <= worst))
            worst = d;      /* a NaN stays */
    }
    mpfr_clears(r, floor, (mpfr_ptr)0);
    return worst;
}
