/* scope.h: a program's names: its variables, its named bindings and the one
 * namespace they share with the dimension names (the scope part of nd_ctx). */
#ifndef ND_SCOPE_H
#define ND_SCOPE_H

#include "ctx.h"
#include "diag.h"
#include "shape.h"

/* Declared assumptions on a variable (DESIGN.md section 1). */
enum nd_assume { AS_NONE, AS_SYMMETRIC, AS_SPD, AS_SIMPLEX, AS_ONEHOT,
                 AS_MASK };     /* entries 0 or 1: data, never differentiated */

typedef struct nd_var {
    const char *name;
    nd_loc loc;             /* declaration, or first use when inferred */
    int declared;
    enum nd_assume assume;
    nd_shape shape;
    int origin;             /* --paths: the variable this occurrence copies; else -1 */
    struct nd_node *node;
} nd_var;

typedef struct nd_binding {
    const char *name;
    nd_loc loc;             /* the name on the left of '=' */
    struct nd_node *node;
    /* An answer's helper whose size nothing in it fixes (t = matrix(c)):
     * its expression, elaborated again at each use so that the place fixes
     * the size (elab.c); NULL otherwise, and once the answers are freed. */
    const struct ast *expr_inline;
} nd_binding;

/* A function defined in the program, NAME(PARAMS) = BODY (elab.c): its
 * body is elaborated afresh at each call. */
typedef struct nd_func {
    const char *name;
    const struct ast_stmt *def;
    long size;              /* the body's expression nodes */
    int calls;              /* elaborated so far in this pass */
} nd_func;

enum sym_kind { SYM_NONE, SYM_VAR, SYM_BIND, SYM_DIM, SYM_FUNC };
struct nd_sym {
    const char *name;
    enum sym_kind kind;
    int index;
};

typedef struct nd_scope {
    nd_var *vars;
    int n_vars, cap_vars;
    nd_binding *binds;
    int n_binds, cap_binds;
    nd_func *funcs;
    int n_funcs, cap_funcs;
    struct nd_sym *syms;        /* open addressing */
    int sym_cap, sym_count;
} nd_scope;

void scope_init(nd_ctx *ctx);
void scope_release(nd_ctx *ctx);

/* Symbols: variables, bindings and dimension names share one namespace. */
struct nd_sym *scope_lookup(nd_ctx *ctx, const char *name);
void scope_define(nd_ctx *ctx, const char *name, enum sym_kind kind, int index);

/* A new variable (its OP_VAR node made) or binding; returns its index. */
int scope_add_var(nd_ctx *ctx, const char *name, nd_loc loc, nd_shape shape,
                  int declared, enum nd_assume assume);
int scope_add_binding(nd_ctx *ctx, const char *name, nd_loc loc);

/* The dimensions the program's variables use, roots only, in ABI order. */
int scope_abi_dims(nd_ctx *ctx, nd_dim *out, int max);

#endif
