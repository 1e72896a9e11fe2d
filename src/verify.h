/* verify.h: derived gradients against central differences in MPFR, and
 * the numeric half of --check, at random instances. */
#ifndef ND_VERIFY_H
#define ND_VERIFY_H

#include "eval.h"

typedef struct verify_opts {
    int points;             /* random instances, each with fresh dimensions */
    mpfr_prec_t prec;       /* bits */
    double tol;             /* largest relative error accepted */
    uint64_t seed;
    int max_attempts;       /* draws per instance before giving up on a domain */
} verify_opts;

/* The precisions --verify and --check accept, in bits: above the maximum a
 * run takes minutes and the memory limits shrink (eval_max_total). */
#define VERIFY_MIN_PREC 64
#define VERIFY_MAX_PREC 4096

/* One variable's worst relative error, computed in MPFR. */
typedef struct verify_err {
    double value;           /* rounded up to a double: <= tol only when the
                               error is; NaN (never <= tol) when undefined */
    char text[32];          /* printed from MPFR as %.1e is ("1.5e-51",
                               "3.9e-843" below double range, "nan") */
} verify_err;

void verify_defaults(verify_opts *o);
/* The tolerance in force: o->tol at 256 bits and more, 2^(-p/4) below. */
double verify_tolerance(const verify_opts *o);

/* Draws dimensions and values (new attempts vary the distribution) until
 * every root evaluates.  Returns EV_OK; EV_DOMAIN when no draw worked (then
 * env->domain_failed / env->overflowed say which node failed how); or
 * EV_TOOBIG when the sizes are over the limits (the error is reported). */
int verify_instance(nd_evalenv *env, nd_rng *rng, nd_node *const *roots, int n,
                    int max_attempts);

/* For each i, err[i] = the worst relative error of grads[i] (the gradient of
 * the scalar f w.r.t. vars[i]) against central differences over o->points
 * instances.  Returns 0 when all are within o->tol, 1 when one is not, 2
 * when nothing could be checked (the message is in ctx->err->diag). */
int verify_gradients(nd_ctx *ctx, nd_node *f, const int *vars, nd_node *const *grads,
                     int n, const verify_opts *o, verify_err *err);

/* rel = max|a - b| / max(max|a|, max|b|, floor), in MPFR (NaN when an
 * entry is NaN); rel has its own precision. */
void verify_rel_diff(mpfr_t rel, const nd_mat *a, const nd_mat *b, mpfr_srcptr floor);

/* An error without position for a point that could not be found ("log(x)
 * needs positive values", or a value that overflows), appended to ctx->err->diag. */
void verify_domain_error(nd_ctx *ctx, const nd_evalenv *env);

/* For noise floors: is v determined, given d = |v - v_q| with v_q its
 * value at q bits?  1 when v is not 0 and they agree to q/2 bits. */
int verify_determined(mpfr_srcptr v, mpfr_srcptr d, mpfr_prec_t q);

/* A bad precision (outside VERIFY_MIN_PREC..VERIFY_MAX_PREC): reported, 1. */
int verify_bad_precision(nd_ctx *ctx, const verify_opts *o);

#endif
