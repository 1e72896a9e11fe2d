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
    int n_dimval;           /* the dimensions drawn (later ones: see eval_dim) */
    nd_mat *vars;           /* by variable index */
    int nvars;              /* entries of vars allocated */
    nd_mat *vals;           /* by node id */
    unsigned char *have;    /* have[id]: vals[id] holds the current value */
    uint32_t cap;
    const nd_node *failed;  /* the node of the last failure, if any */
    const nd_node *domain_failed;   /* the last that left its domain */
    const nd_node *misbuilt;        /* one whose operands' sizes are not its own (a bug) */
    const nd_node *overflowed;      /* the last whose value overflowed */
} nd_evalenv;

/* eval_node's results besides EV_OK and EV_DOMAIN (ops.h). */
#define EV_OVERFLOW 2   /* a value beyond MPFR's exponent range: exp(exp(1e3)) */
#define EV_TOOBIG 3     /* over the size limits below (eval_check_size) */

/* What one instance may allocate, in matrix entries: EVAL_MAX_ENTRIES per
 * matrix, and EVAL_MAX_TOTAL in all up to 256 bits, less in proportion
 * above (eval_max_total) so that memory stays near 350 MB at any precision. */
#define EVAL_MAX_ENTRIES (1L << 20)
#define EVAL_MAX_TOTAL (1L << 22)
long eval_max_total(mpfr_prec_t prec);

nd_evalenv *eval_new(nd_ctx *ctx, mpfr_prec_t prec);
void eval_free(nd_evalenv *env);
long eval_dim(nd_evalenv *env, nd_dim d);

/* Random distinct small sizes for the symbolic dimensions. */
void eval_random_dims(nd_evalenv *env, nd_rng *rng);
/* Do the sizes drawn fit the limits, for evaluating roots (and verifying
 * gradients w.r.t. every variable)?  EV_OK, or EV_TOOBIG after an error
 * located at the variable or binding that is too large. */
int eval_check_size(nd_evalenv *env, nd_node *const *roots, int n);
/* Random values respecting the declared types.  `attempt` varies the
 * distribution (scale, sign) so that redraws find a function's domain. */
void eval_random_vars(nd_evalenv *env, nd_rng *rng, int attempt);

/* Evaluates root (and what it needs); EV_OK, EV_DOMAIN or EV_OVERFLOW.
 * The value is env->vals[root->id]. */
int eval_node(nd_evalenv *env, nd_node *root);
/* root's value at another precision, from the same variable values, into
 * out (root's shape): what rounding changes, for a noise estimate.  All
 * cached values are dropped before and after; EV_OK or why it failed. */
int eval_at_precision(nd_evalenv *env, nd_node *root, mpfr_prec_t prec, nd_mat *out);
/* Forgets every cached value (after the variables change). */
void eval_forget(nd_evalenv *env);
/* Forgets the values of the nodes with dep[id] set. */
void eval_forget_dep(nd_evalenv *env, const unsigned char *dep);

#endif
