/* derive.h: reverse mode.  Each node's adjoint is the sum of the
 * contributions of all its uses, each given by its parent's adjoint rule in
 * the operator table; nodes are visited parents first (decreasing id). */
#ifndef ND_DERIVE_H
#define ND_DERIVE_H

#include "expr.h"

typedef struct derive_hooks {
    /* --steps: called with each named node's finished adjoint; what it
     * returns (a symbol such as dL/dz2) is used below in its place. */
    nd_node *(*named)(void *user, nd_node *node, nd_node *adjoint);
    /* the checker's hypotheses: a contribution other than the operator's
     * rule (the derivative of tanh left out), or NULL for the rule's */
    nd_node *(*rule)(void *user, nd_node *n, int i, nd_node *g);
    void *user;
} derive_hooks;

/* Adjoints of every node below root that depends on a variable v with
 * want[v], given root's adjoint `seed`.  Returns an array indexed by node id
 * (entries NULL where there is none) of ctx->dag->n_nodes-at-entry entries; the
 * caller frees it. */
nd_node **derive_adjoints(nd_ctx *ctx, nd_node *root, nd_node *seed,
                          const unsigned char *want, const derive_hooks *hooks);

/* Gradients of the scalar f with respect to vars[0..n-1] into out[]. */
void derive_gradients(nd_ctx *ctx, nd_node *f, const int *vars, int n, nd_node **out);

#endif
