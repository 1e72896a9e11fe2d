/* check.h: is a proposed answer the gradient?  Shapes are compared
 * symbolically first, then values at random points in high precision. */
#ifndef ND_CHECK_H
#define ND_CHECK_H

#include "verify.h"

enum check_verdict { CHECK_EQUIVALENT, CHECK_DIFFERENT, CHECK_ERROR };

/* Compares the answer with the derived gradient of variable `var`.  On
 * CHECK_DIFFERENT, `reason` says why; on CHECK_ERROR (no point in the
 * domain) the message is in ctx->diag. */
enum check_verdict check_answer(nd_ctx *ctx, nd_node *grad, nd_node *answer, int var,
                                const verify_opts *o, strbuf *reason);

/* The shape part alone: 1 when the answer's shape can be the gradient's. */
int check_shapes(nd_ctx *ctx, nd_node *grad, nd_node *answer, strbuf *reason);

#endif
