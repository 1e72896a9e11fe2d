/* mk.h: smart constructors.  Every node the engine builds after parsing goes
 * through these, so the basic simplifications hold everywhere: sums and
 * products flattened (never through a named binding), exact constant
 * folding, 0 and 1 identities, like terms collected (x + x = 2*x), equal
 * bases merged into powers, scalar factors gathered in front of a product,
 * transposes pushed down to the leaves ((A*B)' = B'*A', x'' = x).
 *
 * The caller guarantees that shapes fit (elaboration checks them); the
 * constructors only compute the result shape. */
#ifndef ND_MK_H
#define ND_MK_H

#include "expr.h"

nd_node *mk_int(nd_ctx *ctx, long v);
nd_node *mk_q(nd_ctx *ctx, long num, long den);
nd_node *mk_zero(nd_ctx *ctx, nd_shape shape);
nd_node *mk_ones(nd_ctx *ctx, nd_shape shape);
nd_node *mk_dim(nd_ctx *ctx, nd_dim d);     /* a dimension as a number */
int mk_is_zero(const nd_node *n);
int mk_is_one(const nd_node *n);

nd_node *mk_bcast(nd_ctx *ctx, nd_node *x, nd_shape to);
nd_node *mk_add(nd_ctx *ctx, nd_node *const *terms, int n);
nd_node *mk_add2(nd_ctx *ctx, nd_node *a, nd_node *b);
nd_node *mk_sub(nd_ctx *ctx, nd_node *a, nd_node *b);
nd_node *mk_neg(nd_ctx *ctx, nd_node *a);
nd_node *mk_prod(nd_ctx *ctx, nd_node *const *factors, int n);
nd_node *mk_mul(nd_ctx *ctx, nd_node *a, nd_node *b);    /* scaling or matrix product */
nd_node *mk_mul3(nd_ctx *ctx, nd_node *a, nd_node *b, nd_node *c);
nd_node *mk_scale_q(nd_ctx *ctx, const mpq_t q, nd_node *x);
nd_node *mk_scale_si(nd_ctx *ctx, long num, long den, nd_node *x);
nd_node *mk_div(nd_ctx *ctx, nd_node *x, nd_node *s);    /* x / scalar s */
nd_node *mk_emul(nd_ctx *ctx, nd_node *a, nd_node *b);   /* a .* b */
nd_node *mk_ediv(nd_ctx *ctx, nd_node *a, nd_node *b);   /* a ./ b */
/* An elementwise product kept open, for reverse mode down a chain of
 * elementwise functions: there the adjoint is g .* f'(x) at each layer, and
 * mk_emul would make a node of each partial product (quadratic in the
 * depth) of which only the last is used.  An open product is the list of
 * kids that node would have, grown as mk_emul grows it, never made:
 *   mk_emul_open(g, d)      mk_emul(g, d) kept open, or NULL (nothing done)
 *                           when mk_emul would not just insert d's factors
 *                           among g's;
 *   mk_emul_extend(o, d)    o .* d kept open: 1, or 0 (o untouched) when
 *                           mk_emul would not just insert;
 *   mk_emul_finish(o, d)    the node mk_emul(o, d) gives, o itself not made;
 *                           frees o. */
typedef struct mk_open mk_open;
mk_open *mk_emul_open(nd_ctx *ctx, nd_node *g, nd_node *d);
int mk_emul_extend(nd_ctx *ctx, mk_open *o, nd_node *d);
nd_node *mk_emul_finish(nd_ctx *ctx, mk_open *o, nd_node *d);
void mk_open_free(mk_open *o);
nd_node *mk_pow(nd_ctx *ctx, nd_node *x, nd_node *p);    /* x .^ p, p scalar */
nd_node *mk_powi(nd_ctx *ctx, nd_node *x, long k);
nd_node *mk_mpow(nd_ctx *ctx, nd_node *a, long k);       /* square a, k >= 0 */
nd_node *mk_transpose(nd_ctx *ctx, nd_node *x);
/* Remember transposes (on) or stop and forget them (off): for a pass that
 * transposes the same subtrees many times and changes no node's flags and
 * no dimension meanwhile. */
void mk_memo_transposes(nd_ctx *ctx, int on);
nd_node *mk_call(nd_ctx *ctx, enum nd_op op, nd_node *const *args, int n);
nd_node *mk_fn(nd_ctx *ctx, enum nd_op op, nd_node *x);

/* Blocks (ops_block.c): x's block at the 0-based offsets r0, c0 with shape
 * s; [a; b] and [A, B] (their stacked sizes numbers).  The offsets of an
 * OP_INDEX node: block_row0, block_col0. */
nd_node *mk_index(nd_ctx *ctx, nd_node *x, long r0, long c0, nd_shape s);
nd_node *mk_vcat(nd_ctx *ctx, nd_node *a, nd_node *b);
nd_node *mk_hcat(nd_ctx *ctx, nd_node *a, nd_node *b);
long block_row0(const nd_node *n);
long block_col0(const nd_node *n);
/* A sum of placements eye(m)(:, r)*v that covers every row once, as the
 * stack of the v's; NULL when it is not one (simplify.c). */
nd_node *block_stack_sum(nd_ctx *ctx, nd_node *sum);

/* Helpers for derivative rules. */
nd_node *mk_inner(nd_ctx *ctx, nd_node *a, nd_node *b);  /* sum(a .* b) */
nd_node *mk_colsum(nd_ctx *ctx, nd_node *x);    /* 1 x c column sums; scalar for a vector */

#endif
