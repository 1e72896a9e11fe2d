/* simplify.h: rewriting finished gradients to a shorter canonical form,
 * beyond what the smart constructors (mk.h) do on every node. */
#ifndef ND_SIMPLIFY_H
#define ND_SIMPLIFY_H

#include "expr.h"

nd_node *simplify(nd_ctx *ctx, nd_node *n);

#endif
