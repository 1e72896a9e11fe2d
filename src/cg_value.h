/* cg_value.h: what the planner's files share: the value lookups of
 * cg_value.c, which they all call down to, and the entry points of
 * cg_order.c (the order of products) and cg_fuse.c (loops and buffers),
 * which cg_plan.c calls.  Not for the emitters: they read the plan through
 * cg.h. */
#ifndef ND_CG_VALUE_H
#define ND_CG_VALUE_H

#include "cg.h"
#include "shape.h"

static inline int scalar(cg_plan *p, const nd_node *n)
{
    return shape_is_scalar(p->ctx, n->shape);
}

static inline int is_outer(cg_plan *p, const nd_node *n)
{
    return n->op == OP_PROD && n->nkids == 2 && !scalar(p, n->kid[0]) &&
           dim_is_one(p->ctx, n->kid[0]->shape.cols);
}

static inline int is_dot(cg_plan *p, const nd_node *n)
{
    return n->op == OP_PROD && n->nkids == 2 && !scalar(p, n->kid[0]) && scalar(p, n);
}

/* An inconsistency of the plan (a bug): the first is kept in p->bug. */
void cg_plan_bug(cg_plan *p, const nd_node *n, const char *what);

/* Are the factors f[0..2] Y'*diag(d)*Y (cg_is_syrk)? */
int cg_syrk_factors(const cg_plan *p, nd_node *const *f);

/* cg_order.c: --dims, each matrix chain associated by cost, column-major. */
void cg_parse_dims(cg_plan *p, const char *spec);
void cg_normalize_roots(cg_plan *p);
void cg_to_colmajor(cg_plan *p);

/* cg_fuse.c: row loops fused into groups, then the workspace. */
void cg_fuse(cg_plan *p);
void cg_row_locals(cg_plan *p);
void cg_lifetimes(cg_plan *p);
void cg_assign_slots(cg_plan *p);

#endif
