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

void verify_defaults(verify_opts *o);
/* The tolerance in force: o->tol at 256 bits and more, 2^(-p/4) below. */
double verify_tolerance(const verify_opts *o);

/* Draws dimensions and values (new attempts vary the distribution) until
 * every root evaluates.  Returns EV_OK, or EV_DOMAIN when no draw worked;
 * then env->failed is the node that left its domain. */
int verify_instance(nd_evalenv *env, nd_rng *rng, nd_node *const *roots, int n,
                    int max_attempts);

/* For each i, err[i] = the worst relative error of grads[i] (the gradient of
 * the scalar f w.r.t. vars[i]) against central differences over o->points
 * instances.  Returns 0 when all are within o->tol, 1 when one is not, 2
 * when no point in the domain was found (the message is in ctx->diag). */
int verify_gradients(nd_ctx *ctx, nd_node *f, const int *vars, nd_node *const *grads,
                     int n, const verify_opts *o, double *err);

/* The relative difference max|a - b| / max(max|a|, max|b|, floor). */
double verify_rel_diff(const nd_mat *a, const nd_mat *b, double floor);

/* A message for a point that could not be found ("log(x) needs positive
 * values"), appended to ctx->diag as an error without position. */
void verify_domain_error(nd_ctx *ctx, const nd_node *failed);

#endif
