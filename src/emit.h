/* emit.h: the emitters.  Each writes a whole output into a strbuf. */
#ifndef ND_EMIT_H
#define ND_EMIT_H

#include "elab.h"
#include "verify.h"

/* The simplification pass over finished gradients (simplify.c). */
void emit_simplify_all(nd_ctx *ctx, nd_node **g, int n);

/* "dL/dW", or "df/dx" for an objective named f. */
void emit_grad_label(nd_ctx *ctx, const nd_prog *prog, int var, strbuf *out);

/* Text: the bindings the gradients use, then `dL/dW = EXPR` lines. */
void emit_text_gradients(nd_ctx *ctx, const nd_prog *prog, nd_node *const *g, strbuf *out);
/* --verify: one line per variable, then the verdict. */
void emit_verify_report(nd_ctx *ctx, const nd_prog *prog, const double *err,
                        const verify_opts *o, int status, strbuf *out);
/* --explain: the declarations in force, the objective, the variables. */
void emit_explain(nd_ctx *ctx, const nd_prog *prog, strbuf *out);

#endif
