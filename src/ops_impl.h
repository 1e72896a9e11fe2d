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

/* ops_arith.c: leaves, broadcasting, + * .* .^ ^ ' */
EVAL(eval_const); EVAL(eval_var); EVAL(eval_dimval); EVAL(eval_eye); EVAL(eval_sym);
ADJ(adj_bcast); EVAL(eval_bcast);
ADJ(adj_add); EVAL(eval_add);
ADJ(adj_prod); EVAL(eval_prod);
ADJ(adj_emul); EVAL(eval_emul);
ADJ(adj_epow); EVAL(eval_epow);
ADJ(adj_mpow); EVAL(eval_mpow);
ADJ(adj_transpose); EVAL(eval_transpose);
SHAPE(shape_same); SHAPE(shape_scalar1); SHAPE(shape_transposed);

/* ops_elem.c: elementwise functions */
SIMP(simp_elem); ADJ(adj_elem); EVAL(eval_elem);
int ev_exp(mpfr_t y, const mpfr_t x);      int ev_log(mpfr_t y, const mpfr_t x);
int ev_sqrt(mpfr_t y, const mpfr_t x);     int ev_abs(mpfr_t y, const mpfr_t x);
int ev_sign(mpfr_t y, const mpfr_t x);     int ev_sin(mpfr_t y, const mpfr_t x);
int ev_cos(mpfr_t y, const mpfr_t x);      int ev_tan(mpfr_t y, const mpfr_t x);
int ev_arcsin(mpfr_t y, const mpfr_t x);   int ev_arccos(mpfr_t y, const mpfr_t x);
int ev_arctan(mpfr_t y, const mpfr_t x);   int ev_tanh(mpfr_t y, const mpfr_t x);
int ev_sigmoid(mpfr_t y, const mpfr_t x);  int ev_swish(mpfr_t y, const mpfr_t x);
int ev_relu(mpfr_t y, const mpfr_t x);     int ev_softplus(mpfr_t y, const mpfr_t x);
int ev_step(mpfr_t y, const mpfr_t x);
#define DERIV(fn) nd_node *fn(nd_ctx *ctx, nd_node *x, nd_node *fx)
DERIV(d_exp); DERIV(d_log); DERIV(d_sqrt); DERIV(d_abs); DERIV(d_sin);
DERIV(d_cos); DERIV(d_tan); DERIV(d_arcsin); DERIV(d_arccos); DERIV(d_arctan);
DERIV(d_tanh); DERIV(d_sigmoid); DERIV(d_swish); DERIV(d_relu); DERIV(d_softplus);
#define FOLD(fn) int fn(mpq_t y, const mpq_t x)
FOLD(f_exp); FOLD(f_log); FOLD(f_sqrt); FOLD(f_abs); FOLD(f_sign); FOLD(f_zero_at_zero);
FOLD(f_cos); FOLD(f_arccos); FOLD(f_sigmoid); FOLD(f_relu); FOLD(f_step);

/* ops_reduce.c: functions to a scalar */
BUILD(build_any); BUILD(build_square);
SIMP(simp_sum); ADJ(adj_sum); EVAL(eval_sum);
ADJ(adj_norm1); EVAL(eval_norm1);
SIMP(simp_norm2); ADJ(adj_norm2); EVAL(eval_norm2);
ADJ(adj_norm); EVAL(eval_norm);
SIMP(simp_tr); ADJ(adj_tr); EVAL(eval_tr);
SIMP(simp_det); ADJ(adj_det); EVAL(eval_det);
ADJ(adj_logdet); EVAL(eval_logdet);
ADJ(adj_mean); EVAL(eval_mean);

/* ops_matrix.c: inv, diag */
SIMP(simp_inv); ADJ(adj_inv); EVAL(eval_inv);
BUILD(build_diag);
SHAPE(shape_diagm); ADJ(adj_diagm); EVAL(eval_diagm);
SHAPE(shape_diagv); ADJ(adj_diagv); EVAL(eval_diagv);

/* ops_nn.c: softmax and friends, column-wise */
ADJ(adj_softmax); EVAL(eval_softmax);
ADJ(adj_logsoftmax); EVAL(eval_logsoftmax);
SHAPE(shape_logsumexp); ADJ(adj_logsumexp); EVAL(eval_logsumexp);
BUILD(build_crossentropy); ADJ(adj_crossentropy); EVAL(eval_crossentropy);

/* shared by the rules */
nd_node *one_minus(nd_ctx *ctx, nd_node *x);         /* 1 - x, broadcast */

#endif
