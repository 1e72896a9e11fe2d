/* compare.h: the values of expressions at a fixed set of random instances,
 * for the checker and its diagnosis.
 *
 * A comparison set draws a few instances (dimensions and values, each with
 * its own random sizes) at which given roots are defined, then evaluates
 * any node of the same ctx at all of them, on demand and once.  Every
 * comparison is made in MPFR: a NaN or an infinity never compares equal. */
#ifndef ND_COMPARE_H
#define ND_COMPARE_H

#include "verify.h"

#define CMP_MAX_POINTS 8

typedef struct cmp_set {
    nd_ctx *ctx;
    int n;                          /* instances */
    nd_evalenv *env[CMP_MAX_POINTS];
    mpfr_prec_t prec;
    const nd_node *failed;          /* cmp_open found no instance: the culprit */
} cmp_set;

/* Draws min(o->points, CMP_MAX_POINTS) instances where every root is
 * defined; `salt` varies the random stream (another set of instances).
 * Returns EV_OK, or why none was found (EV_DOMAIN, EV_OVERFLOW, EV_TOOBIG),
 * with c->failed set and, when `report`, the error reported through ctx; the set
 * is then empty, but must still be closed. */
int cmp_open(cmp_set *c, nd_ctx *ctx, nd_node *const *roots, int n_roots,
             const verify_opts *o, uint64_t salt, int report);
void cmp_close(cmp_set *c);

/* n's value at instance k, or NULL when it is not defined there. */
const nd_mat *cmp_value(cmp_set *c, int k, nd_node *n);
/* Is n defined at every instance? */
int cmp_defined(cmp_set *c, nd_node *n);

/* a and b are equal at every instance: the same shape, and a relative
 * difference below 1e-30 (2^(-p/3) below 256 bits), where what is below
 * the values' rounding noise (measured at half the precision) counts as
 * nothing. */
int cmp_equal(cmp_set *c, nd_node *a, nd_node *b);
/* a = k_i * b at instance i, with b not zero: ratio[i] = k_i (initialized
 * by the caller at c->prec).  Returns 1 when it holds. */
int cmp_ratio(cmp_set *c, nd_node *a, nd_node *b, mpfr_t *ratio);
/* The worst relative difference over the instances, for messages. */
double cmp_difference(cmp_set *c, nd_node *a, nd_node *b);

#endif
