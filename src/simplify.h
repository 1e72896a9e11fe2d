/* simplify.h: rewriting finished gradients to a shorter canonical form,
 * beyond what the smart constructors (mk.h) do on every node. */
#ifndef ND_SIMPLIFY_H
#define ND_SIMPLIFY_H

#include "expr.h"

/* The simplification pass over finished gradients, then their
 * presentation (transposes pulled out where that prints shorter). */
void emit_simplify_all(nd_ctx *ctx, nd_node **g, int n);
/* A binding's value (n, as if it had no name) as it is echoed: a sum of
 * transposed leaves as a transposed sum, so the program's (x - y)'*M*(x - y)
 * is not the canonical (x' - y')*M*(x - y).  Equal value, for printing. */
nd_node *simplify_present(nd_ctx *ctx, nd_node *n);

/* Replaces in the roots (and, with in_bindings, in the bindings' values,
 * which stay named) every node n for which fn(user, n) is not NULL by that,
 * rebuilding what is above it through the smart constructors. */
void simplify_substitute(nd_ctx *ctx, nd_node **roots, int n, int in_bindings,
                         nd_node *(*fn)(void *user, nd_node *n), void *user);

/* --paths: replaces each copy of a variable (vars[i].origin >= 0) by the
 * variable, in the roots and in the bindings' values (which stay named). */
void simplify_merge_copies(nd_ctx *ctx, nd_node **roots, int n);

#endif
