/* elab.h: elaboration: the parse tree becomes the typed DAG.
 *
 * Declarations are read first (they always win); then the statements in
 * order: each assignment's expression is typed (undeclared names by their
 * first letter, dimensions unified symbolically, broadcasting made explicit)
 * and built through the smart constructors.  Errors go through diag_fail. */
#ifndef ND_ELAB_H
#define ND_ELAB_H

#include "ast.h"
#include "expr.h"
#include "scope.h"

typedef struct nd_prog {
    ast_program ast;        /* owned: freed by prog_free */
    int objective;          /* index into ctx->scope->binds */
    int *wrt;               /* variable indices, in order */
    int n_wrt;
    nd_loc *origin;         /* with elab_opts.origins: by node id, the first
                               source expression that made it (src NULL: none) */
    uint32_t n_origin;
} nd_prog;

typedef struct elab_opts {
    const char *of;             /* --of NAME, or NULL */
    const char *const *wrt;     /* --wrt names (NULL when none given) */
    int n_wrt;
    const char *const *split;   /* --paths: each use of these variables becomes a
                                   copy of its own (vars[i].origin) */
    int n_split;
    int origins;                /* record prog->origin (the checker's messages) */
} elab_opts;

/* Elaborates the program (ast is taken over by prog).  Raises through
 * diag_fail on errors, so call it inside DIAG_TRY. */
void elab_program(nd_ctx *ctx, ast_program *tree, const elab_opts *opts, nd_prog *prog);
void prog_free(nd_prog *prog);

/* An answer for --check: an expression over the program's names, typed
 * without inference and without adding constraints between the program's
 * dimensions; its own free dimensions (vector(1)) take target's shape when
 * target is not NULL and that fits.  Raises through diag_fail; a shape error
 * has ERR_SHAPE. */
nd_node *elab_answer(nd_ctx *ctx, const ast *expr, const nd_shape *target);

/* --check-file: a line `t = EXPR` defining a helper name for later lines. */
void elab_answer_binding(nd_ctx *ctx, const char *name, nd_loc loc, const ast *expr);


/* Writes "NAME : TYPE" for each variable, inferred ones marked. */
void elab_explain(nd_ctx *ctx, strbuf *out);
/* "matrix(m, n)", "vector(n)", "scalar", "symmetric(n)", ... */
void elab_type_text(nd_ctx *ctx, const nd_var *v, strbuf *out);

#endif
