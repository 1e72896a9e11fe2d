/* emit.h: the emitters.  Each writes a whole output into a strbuf. */
#ifndef ND_EMIT_H
#define ND_EMIT_H

#include "elab.h"
#include "verify.h"

/* "dL/dW", or "df/dx" for an objective named f. */
void emit_grad_label(nd_ctx *ctx, const nd_prog *prog, int var, strbuf *out);

/* One output line: `label = expr` (text) or `label &= expr` (LaTeX);
 * note, when not NULL, qualifies the label (--paths). */
typedef struct emit_line {
    const char *label;
    nd_node *expr;
    const char *note;
} emit_line;

/* The named bindings the lines use, the temporaries, then the lines. */
void emit_lines(nd_ctx *ctx, const emit_line *lines, int n, int latex, strbuf *out);
/* `dL/dW = EXPR` for each variable, after what they use. */
void emit_gradients(nd_ctx *ctx, const nd_prog *prog, nd_node *const *g, int latex,
                    strbuf *out);
/* --steps: the adjoints of the named intermediates, last first, then the
 * gradients each after the last step it uses. */
void emit_steps(nd_ctx *ctx, const nd_prog *prog, int latex, strbuf *out);
/* The lines of --steps without printing them: *syms[i] (of *n_syms) is the
 * symbol dL/dNAME the step lines stand in for, in the order of the steps;
 * a step line's label is its symbol's name, the same pointer, and the
 * other lines are the gradients.  Returns the number of lines (malloc'd
 * arrays, the caller frees both). */
int steps_lines(nd_ctx *ctx, const nd_prog *prog, emit_line **lines, nd_node ***syms,
                int *n_syms);
/* --paths: ctx/prog elaborated with each use of the wrt variables a copy;
 * per variable, each use's contribution and then their sum. */
void emit_paths(nd_ctx *ctx, const nd_prog *prog, const char *const *wrt, int n_wrt,
                int latex, strbuf *out);

/* --verify: one line per variable, then the verdict. */
void emit_verify_report(nd_ctx *ctx, const nd_prog *prog, const verify_err *err,
                        const verify_opts *o, int status, strbuf *out);
/* --dot: the forward graph of the objective; with steps, the backward
 * graph of --steps beside it (the objective must then be a scalar). */
void emit_dot(nd_ctx *ctx, const nd_prog *prog, int steps, strbuf *out);
/* --explain: the declarations in force, the objective, the variables. */
void emit_explain(nd_ctx *ctx, const nd_prog *prog, strbuf *out);

#endif
