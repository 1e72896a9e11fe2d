/* simplify.h: rewriting finished gradients to a shorter canonical form,
 * beyond what the smart constructors (mk.h) do on every node. */
#ifndef ND_SIMPLIFY_H
#define ND_SIMPLIFY_H

#include "expr.h"

nd_node *simplify(nd_ctx *ctx, nd_node *n);

/* --paths: replaces each copy of a variable (vars[i].origin >= 0) by the
 * variable, in the roots and in the bindings' values (which stay named). */
void simplify_merge_copies(nd_ctx *ctx, nd_node **roots, int n);

#endif
