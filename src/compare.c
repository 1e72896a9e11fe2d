/* compare.c: values at a fixed set of random instances (see compare.h). */
#include "compare.h"

#include <math.h>
#include <string.h>

#include "ops.h"
#include "shape.h"

int cmp_open(cmp_set *c, nd_ctx *ctx, nd_node *const *roots, int n_roots,
             const verify_opts *o, uint64_t salt)
{
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->prec = o->prec;
    int want = o->points < CMP_MAX_POINTS ? o->points : CMP_MAX_POINTS;
    for (int k = 0; k < want; k++) {
        nd_evalenv *env = eval_new(ctx, o->prec);
        nd_rng rng = { (o->seed ^ 0x5eedull ^ salt) + 0x9e3779b97f4a7c15ull * (uint64_t)k };
        if (verify_instance(env, &rng, roots, n_roots, o->max_attempts) != EV_OK) {
            c->failed = env->failed;
            eval_free(env);
            cmp_close(c);
            c->failed = c->failed ? c->failed : roots[0];
            return EV_DOMAIN;
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

static void max_abs(mpfr_t out, const nd_mat *m)
{
    size_t len = mat_len(m);
    mpfr_set_zero(out, 1);
    for (size_t e = 0; e < len; e++) {
        if (!mpfr_number_p(m->a[e])) {
            mpfr_set_nan(out);
            return;
        }
        if (mpfr_cmpabs(m->a[e], out) > 0)
            mpfr_abs(out, m->a[e], MPFR_RNDN);
    }
}

void cmp_rel_diff(mpfr_t out, const nd_mat *a, const nd_mat *b, double floor)
{
    mpfr_prec_t prec = mpfr_get_prec(out);
    mpfr_t d, worst, sa, sb;
    mpfr_inits2(prec, d, worst, sa, sb, (mpfr_ptr)0);
    mpfr_set_zero(worst, 1);
    size_t len = mat_len(a);
    for (size_t e = 0; e < len && !mpfr_nan_p(worst); e++) {
        mpfr_sub(d, a->a[e], b->a[e], MPFR_RNDN);
        if (mpfr_nan_p(d) || mpfr_cmpabs(d, worst) > 0)
            mpfr_abs(worst, d, MPFR_RNDN);
    }
    max_abs(sa, a);
    max_abs(sb, b);
    if (mpfr_nan_p(worst) || mpfr_nan_p(sa) || mpfr_nan_p(sb)) {
        mpfr_set_nan(out);
    } else {
        mpfr_max(sa, sa, sb, MPFR_RNDN);
        mpfr_set_d(sb, floor, MPFR_RNDN);
        mpfr_max(sa, sa, sb, MPFR_RNDN);
        mpfr_div(out, worst, sa, MPFR_RNDN);
    }
    mpfr_clears(d, worst, sa, sb, (mpfr_ptr)0);
}

/* Values this close are equal: 2^(-2p/5), about 1e-31 at 256 bits, well
 * above the rounding of a long computation and far below any real
 * difference. */
static long tolerance_exp(const cmp_set *c)
{
    return -(long)(c->prec * 2 / 5);
}

/* Below this scale both sides are zero. */
#define ZERO_FLOOR 1e-60

static int same_shape(const nd_mat *a, const nd_mat *b)
{
    return a->rows == b->rows && a->cols == b->cols;
}

int cmp_equal(cmp_set *c, nd_node *a, nd_node *b)
{
    if (c->n == 0)
        return 0;
    mpfr_t r;
    mpfr_init2(r, 64);
    int eq = 1;
    for (int k = 0; k < c->n && eq; k++) {
        const nd_mat *va = cmp_value(c, k, a), *vb = va ? cmp_value(c, k, b) : NULL;
        eq = vb && same_shape(va, vb);
        if (eq) {
            cmp_rel_diff(r, va, vb, ZERO_FLOOR);
            eq = !mpfr_nan_p(r) && mpfr_cmp_si_2exp(r, 1, tolerance_exp(c)) <= 0;
        }
    }
    mpfr_clear(r);
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

/* a = k*b at one instance: k = <a,b>/<b,b>, then a - k*b must vanish. */
static int ratio_at(const cmp_set *c, const nd_mat *a, const nd_mat *b, mpfr_t k)
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
        cmp_rel_diff(r, a, &kb, ZERO_FLOOR);
        ok = !mpfr_nan_p(r) && mpfr_cmp_si_2exp(r, 1, tolerance_exp(c)) <= 0;
        mat_clear(&kb);
    }
    mpfr_clears(norm, r, (mpfr_ptr)0);
    return ok;
}

int cmp_ratio(cmp_set *c, nd_node *a, nd_node *b, mpfr_t *ratio)
{
    int ok = c->n > 0;
    for (int k = 0; k < c->n && ok; k++) {
        const nd_mat *va = cmp_value(c, k, a), *vb = va ? cmp_value(c, k, b) : NULL;
        ok = vb && same_shape(va, vb) && ratio_at(c, va, vb, ratio[k]);
    }
    return ok;
}

double cmp_difference(cmp_set *c, nd_node *a, nd_node *b)
{
    double worst = 0;
    mpfr_t r;
    mpfr_init2(r, 64);
    for (int k = 0; k < c->n; k++) {
        const nd_mat *va = cmp_value(c, k, a), *vb = va ? cmp_value(c, k, b) : NULL;
        if (!vb || !same_shape(va, vb)) {
            worst = INFINITY;
            break;
        }
        cmp_rel_diff(r, va, vb, ZERO_FLOOR);
        double d = mpfr_get_d(r, MPFR_RNDN);
        if (!(d <= worst))
            worst = d;      /* a NaN stays */
    }
    mpfr_clear(r);
    return worst;
}
