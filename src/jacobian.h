/* jacobian.h: Jacobians and Hessians with respect to a vector variable.
 *
 * The Jacobian of f (a scalar, a column or a row: its entries in order)
 * with respect to the column variable x of n entries is the numel(f) x n
 * matrix J[i, j] = d f_i / d x_j, built in forward mode over the DAG from
 * the language's own operators: J(A*u) = A*J(u), J(f(u)) = diag(f'(u))*J(u),
 * J(s) = (the gradient of s)' for a scalar s, J(x) = eye(n).  The rules are
 * a table keyed by operator (jacobian.c); an operator without one, or a
 * matrix-valued intermediate the rules cannot pass through, is an error
 * ("the Jacobian of 'OP' ... is not supported yet"), never a wrong answer.
 * The Hessian of a scalar f is the Jacobian of its gradient.
 *
 * Both raise through diag_fail (diag.h) on what they cannot do; the results
 * are not simplified beyond the smart constructors (emit_simplify_all). */
#ifndef ND_JACOBIAN_H
#define ND_JACOBIAN_H

#include "elab.h"
#include "emit.h"
#include "verify.h"

/* What is derived: the gradient, the Jacobian, the Hessian. */
enum jac_kind { JAC_GRADIENT, JAC_JACOBIAN, JAC_HESSIAN };

/* J of f w.r.t. variable var (a column vector or a scalar). */
nd_node *jac_derive(nd_ctx *ctx, nd_node *f, int var);

/* --steps: called with each node named by a binding (not a root) once its
 * Jacobian ju is made; what it returns stands for J(node) from then on. */
typedef nd_node *(*jac_named_fn)(void *user, nd_node *node, nd_node *ju);

/* J of each f[i] w.r.t. var in one pass (shared intermediates made once),
 * into out[i] (a zero matrix where f[i] does not depend on var); named
 * (when not NULL) as above.  Returns how many are not zero. */
int jac_derive_named(nd_ctx *ctx, nd_node *const *f, int n, int var, jac_named_fn named,
                     void *user, nd_node **out);

/* The block d2f/(dx_i dx_j) of the Hessian of the scalar f: the Jacobian
 * w.r.t. vj of the gradient w.r.t. vi (rows: vi's entries). */
nd_node *jac_hessian(nd_ctx *ctx, nd_node *f, int vi, int vj);

/* Diagonals merged where the smart constructors do not: diag(a)*diag(b) =
 * diag(a.*b), diag(a)*R + diag(b)*R = diag(a + b)*R. */
void jac_tidy(nd_ctx *ctx, nd_node **roots, int n);

/* Has op a rule of its own (elementwise functions share one, scalars
 * go through reverse mode)?  For the tests that every rule is checked. */
int jac_has_rule(int op);

/* Is variable var one these take (a column vector or a scalar)? */
int jac_var_ok(nd_ctx *ctx, int var);

/* ---- the modes (jac_modes.c) ---- */

/* What the kind needs of the program's objective (a vector or a scalar for
 * the Jacobian, a scalar for the Hessian) and variables (columns or
 * scalars): an error at its place is raised (diag_fail). */
void jac_require(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind);

/* The blocks of the output, simplified: the Jacobian w.r.t. each variable
 * (df/dx), or the Hessian's blocks on and above the diagonal (d2f/dx2,
 * d2f/dx dy; the others are their transposes).  row/col: the wrt indices. */
typedef struct jac_blocks {
    char **label;
    nd_node **expr;
    int *row, *col;
    int n;
    int transposed;         /* denominator layout (jac_transpose_blocks) */
} jac_blocks;

/* Raises an input error (b is then empty and freed). */
void jac_make_blocks(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, jac_blocks *b);
void jac_blocks_free(jac_blocks *b);
/* The other layout, J[j, i] = d f_i / d x_j (denominator, the gradient's:
 * the Jacobian of a scalar is then its gradient): every block transposed,
 * simplified again. */
void jac_transpose_blocks(nd_ctx *ctx, jac_blocks *b);

/* The lines `df/dx = EXPR` after the bindings they use (text or LaTeX). */
void jac_emit(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int denominator, int latex,
              strbuf *out);

/* --verify: each block against central differences (of f for the
 * Jacobian, of the derived gradient for the Hessian) at random points, in
 * MPFR; one line per block, then the verdict.  0 verified, 1 not, 2 when
 * nothing could be checked; an input error is raised.  Adds a variable to ctx (random weights): run
 * it on a ctx of its own. */
int jac_verify(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int denominator,
               const verify_opts *o, strbuf *out, double *worst);
/* The same for blocks already made (the tests give wrong ones). */
int jac_verify_blocks(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind,
                      const jac_blocks *b, const verify_opts *o, strbuf *out, double *worst);

/* ---- --steps (emit_steps.c) ---- */

/* The lines of --steps --jacobian / --hessian (numerator layout), as
 * steps_lines gives them for gradients: *syms (of *n_syms) are the symbols
 * the step lines stand in for (dL/dz, ds/dx), a step line's label its
 * symbol's name, the same pointer, in the order of the lines; a line
 * differentiating one term of a gradient has the label "" and the term in
 * its note (LaTeX with latex).  The last line of each block is the block
 * as --jacobian / --hessian print it.  Raises input errors. */
int jac_steps_lines(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int latex,
                    emit_line **lines, nd_node ***syms, int *n_syms);
void jac_emit_steps(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int latex,
                    strbuf *out);
/* --dot (emit_dot.c): the graph of the blocks as printed; with steps, the
 * lines of --steps beside it.  Raises input errors. */
void emit_dot_derivative(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int denominator,
                         int steps, strbuf *out);

#endif
