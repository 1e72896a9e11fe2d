/* ops_impl.h: the functions the operator table (ops.c) points to.
 * Internal to the ops_*.c files. */
#ifndef ND_OPS_IMPL_H
#define ND_OPS_IMPL_H

#include "eval.h"
#include "mk.h"
#include "ops.h"
#include "shape.h"

#define ADJ(fn) nd_node *fn(nd_ctx *ctx, nd_node *n, int i, nd_node *g)
#define EVAL(fn) int fn(nd_evalenv *env, const nd_node *n, nd_mat *out, nd_mat *const *args)
#define SHAPE(fn) nd_shape fn(nd_ctx *ctx, nd_node *const *k)
#define SIMP(fn) nd_node *fn(nd_ctx *ctx, enum nd_op op, nd_node *const *k)
#define BUILD(fn) nd_node *fn(nd_ctx *ctx, enum nd_op op, const call_site *cs)

#define EVAL1(fn) int fn(mpfr_t y, const mpfr_t x)
#define DERIV(fn) nd_node *fn(nd_ctx *ctx, nd_node *x, nd_node *fx)
#define FOLD(fn) int fn(mpq_t y, const mpq_t x)
#define TRANSPOSE(fn) nd_node *fn(nd_ctx *ctx, nd_node *x)
#define REBUILD(fn) nd_node *fn(nd_ctx *ctx, const nd_node *n, nd_node *const *k)

/* Every row's own functions, declared from the list (see ops.def). */
#define OPS_PROTO_S(c) SIMP(op_##c##_simplify);
#define OPS_PROTO_NS(c)
#define OPS_PROTO_D(c) DERIV(op_##c##_deriv);
#define OPS_PROTO_ND(c)
#define OPS_PROTO_OWN(c) FOLD(op_##c##_fold);
#define OPS_PROTO_ZERO0(c)
#define OPS_PROTO_NOFOLD(c)
#define OPS_PROTO_TR_EACH(c)
#define OPS_PROTO_TR_OWN(c) TRANSPOSE(op_##c##_transpose);
#define OPS_PROTO_RB_OWN(c) REBUILD(op_##c##_rebuild);
#define OPS_PROTO_RB_CALL(c)
#define LEAF(E, c, ...) EVAL(op_##c##_eval);
#define ARITH(E, c, nm, tr, sy, rb, ...) \
    EVAL(op_##c##_eval); ADJ(op_##c##_adjoint); OPS_PROTO_TR_##tr(c) OPS_PROTO_RB_##rb(c)
#define ELEM(E, c, nm, lx, cn, d, f) EVAL1(op_##c##_eval1); OPS_PROTO_##d(c) OPS_PROTO_##f(c)
#define REDUCE(E, c, nm, b, s, ...) EVAL(op_##c##_eval); ADJ(op_##c##_adjoint); OPS_PROTO_##s(c)
#define FUNC(E, c, nm, n, b, sh, s, ...) \
    EVAL(op_##c##_eval); ADJ(op_##c##_adjoint); OPS_PROTO_##s(c)
#define ELEM2(E, c, ...) EVAL(op_##c##_eval); ADJ(op_##c##_adjoint); SIMP(op_##c##_simplify);
#include "ops.def"
#undef LEAF
#undef ARITH
#undef ELEM
#undef REDUCE
#undef FUNC
#undef ELEM2

/* Shared by several rows. */
SHAPE(op_same_shape); SHAPE(op_scalar_shape); SHAPE(op_transposed_shape);    /* ops_arith.c */
SHAPE(op_diagm_shape); SHAPE(op_diagv_shape); SHAPE(op_logsumexp_shape);
TRANSPOSE(op_each_transpose);                           /* ops_arith.c */
SIMP(op_elem_simplify); ADJ(op_elem_adjoint); EVAL(op_elem_eval);    /* ops_elem.c */
FOLD(op_zero_at_zero_fold);
BUILD(op_any_build); BUILD(op_square_build);            /* ops_reduce.c */
BUILD(op_diag_build);                                   /* ops_matrix.c */
BUILD(op_crossentropy_build);                           /* ops_nn.c */
BUILD(op_elem2_build);                                  /* ops_elem.c */
BUILD(op_axis_build);                                   /* ops_reduce.c */
BUILD(op_vec_build); BUILD(op_unvec_build); BUILD(op_kron_build);       /* ops_kron.c */
SHAPE(op_vec_shape); SHAPE(op_unvec_shape); SHAPE(op_kron_shape);

/* shared by the rules */
nd_node *one_minus(nd_ctx *ctx, nd_node *x);         /* 1 - x, broadcast */

#endif
