/* eval.h: the MPFR interpreter of the DAG, and random instances. */
#ifndef ND_EVAL_H
#define ND_EVAL_H

#include <stdint.h>

#include "expr.h"
#include "mat.h"

/* A deterministic generator (splitmix64), so runs repeat with --seed. */
typedef struct nd_rng {
    uint64_t s;
} nd_rng;
uint64_t rng_next(nd_rng *r);
double rng_uniform(nd_rng *r, double lo, double hi);
int rng_int(nd_rng *r, int lo, int hi);      /* inclusive */

typedef struct nd_evalenv {
    nd_ctx *ctx;
    mpfr_prec_t prec;
    long *dimval;           /* by dimension index, roots hold the value */
    nd_mat *vars;           /* by variable index */
    int nvars;              /* entries of vars allocated */
    nd_mat *vals;           /* by node id */
    unsigned char *have;    /* have[id]: vals[id] holds the current value */
    uint32_t cap;
    const nd_node *failed;  /* the node that left its domain, if any */
} nd_evalenv;

nd_evalenv *eval_new(nd_ctx *ctx, mpfr_prec_t prec);
void eval_free(nd_evalenv *env);
long eval_dim(nd_evalenv *env, nd_dim d);

/* Random distinct small sizes for the symbolic dimensions. */
void eval_random_dims(nd_evalenv *env, nd_rng *rng);
/* Random values respecting the declared types.  `attempt` varies the
 * distribution (scale, sign) so that redraws find a function's domain. */
void eval_random_vars(nd_evalenv *env, nd_rng *rng, int attempt);

/* Evaluates root (and what it needs); EV_OK or EV_DOMAIN.  The value is
 * env->vals[root->id]. */
int eval_node(nd_evalenv *env, nd_node *root);
/* Forgets every cached value (after the variables change). */
void eval_forget(nd_evalenv *env);
/* Forgets the values of the nodes with dep[id] set. */
void eval_forget_dep(nd_evalenv *env, const unsigned char *dep);

#endif
