/* ctx.h: the state of one run.
 *
 * One nd_ctx holds one program: its source, the DAG, the dimensions, the
 * variables and named bindings, and the diagnostics.  Everything is owned by
 * the ctx (see arena.h); ctx_free releases it all.
 *
 * Errors: the passes that can fail on user input (parsing aside) call
 * ctx_error / ctx_note / ctx_throw.  ctx_throw longjmps to the jmp_buf of the
 * innermost CTX_TRY, so the passes never check return codes for input errors;
 * nothing they allocate outlives the arena, so unwinding leaks nothing. */
#ifndef ND_CTX_H
#define ND_CTX_H

#include <setjmp.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "strbuf.h"

typedef int nd_dim;     /* index into ctx->dims; resolve with dim_find */
typedef struct nd_shape {
    nd_dim rows, cols;
} nd_shape;

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

struct nd_dimrec {
    int parent;             /* union-find */
    long value;             /* > 0 for a numeric dimension, else 0 */
    const char *name;       /* NULL until named (messages name it d<index>) */
    int named;              /* named when made: x_rows, not d7 */
    int declared;           /* named by the user: never merged with another name */
    int order;              /* order of first appearance, for the C ABI */
};

/* A function defined in the program, NAME(PARAMS) = BODY (elab.c): its
 * body is elaborated afresh at each call. */
typedef struct nd_func {
    const char *name;
    const struct ast_stmt *def;
    long size;              /* the body's expression nodes */
    int calls;              /* elaborated so far in this pass */
} nd_func;

enum nd_errkind { ERR_NONE, ERR_INPUT, ERR_SHAPE };

enum sym_kind { SYM_NONE, SYM_VAR, SYM_BIND, SYM_DIM, SYM_FUNC };
struct nd_sym {
    const char *name;
    enum sym_kind kind;
    int index;
};

typedef struct nd_ctx {
    nd_arena *arena;
    const nd_source *src;

    struct nd_node **nodes;     /* by id; ids are a topological order */
    uint32_t n_nodes, cap_nodes;
    struct nd_node **htab;      /* hash-consing table */
    uint32_t hcap, hcount;

    struct nd_dimrec *dims;
    int n_dims, cap_dims;
    int dims_frozen;            /* --check: dims below this never merge */
    int dim_links;              /* unifications that merged two dimensions */

    nd_var *vars;
    int n_vars, cap_vars;
    nd_binding *binds;
    int n_binds, cap_binds;
    nd_func *funcs;
    int n_funcs, cap_funcs;
    int quiet;                  /* warnings muted: a function's body again */
    struct nd_sym *syms;        /* open addressing */
    int sym_cap, sym_count;

    jmp_buf *on_error;
    enum nd_errkind err_kind;
    nd_loc err_loc;
    char *err_msg;              /* first error, for the library API */
    strbuf diag;                /* every message so far, formatted */
    /* mk_transpose's memo by node id, kept while tr_memo_on (a pass in which
     * no node's flags and no dimension change: see mk_memo_transposes) */
    struct nd_node **tr_memo;
    uint32_t tr_cap;
    int tr_memo_on;
    /* called after a shape error's message: adds the declarations in force */
    void (*shape_notes)(struct nd_ctx *ctx);
} nd_ctx;

nd_ctx *ctx_new(const nd_source *src);
void ctx_free(nd_ctx *ctx);
/* Forgets the program (DAG, dimensions, names, errors) and the messages
 * after the first diag_len bytes, as if the ctx were new: elaboration's
 * second pass starts from here. */
void ctx_reset(nd_ctx *ctx, size_t diag_len);

/* Appends an error (and remembers the first), a note, or a warning. */
void ctx_error(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ctx_note(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ctx_warning(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void ctx_throw(nd_ctx *ctx);
_Noreturn void ctx_fail(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* CTX_TRY(ctx) { ... } else { error path }: installs the landing site. */
#define CTX_TRY(ctx, jb)                                                       \
    jmp_buf jb;                                                                \
    jmp_buf *jb##_saved = (ctx)->on_error;                                     \
    (ctx)->on_error = &jb;                                                     \
    if (setjmp(jb) == 0)
#define CTX_END_TRY(ctx, jb) ((ctx)->on_error = jb##_saved)

/* Symbols: variables, bindings and dimension names share one namespace. */
struct nd_sym *ctx_lookup(nd_ctx *ctx, const char *name);
void ctx_define(nd_ctx *ctx, const char *name, enum sym_kind kind, int index);

int ctx_add_var(nd_ctx *ctx, const char *name, nd_loc loc, nd_shape shape,
                int declared, enum nd_assume assume);
int ctx_add_binding(nd_ctx *ctx, const char *name, nd_loc loc);

/* The source text at loc for messages ("W*x"), or "the expression" when
 * it spans lines or is long.  Scans the source: for error paths only. */
const char *ctx_text(nd_ctx *ctx, nd_loc loc);

/* Growable arrays owned by the ctx (freed in ctx_free). */
void *ctx_grow(void *arr, int *cap, int need, size_t elem);

#endif
