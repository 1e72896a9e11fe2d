/* emit_latex.c: LaTeX output. */
#include "emit.h"

void emit_latex_gradients(nd_ctx *ctx, const nd_prog *prog, nd_node *const *g, strbuf *out,
                          int document)
{
    (void)ctx; (void)prog; (void)g; (void)out; (void)document;
}
