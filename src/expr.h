/* expr.h: the expression DAG.
 *
 * Nodes are hash-consed: building the same operator over the same children
 * (and payload) returns the same node, so equal subexpressions are one node
 * and pointer equality is structural equality.  A node's id is its creation
 * index; children are always created first, so increasing ids are a
 * topological order and bottom-up passes are loops over ctx->dag->nodes.
 *
 * Nodes are immutable once made, apart from `flags` and `sorted`. */
#ifndef ND_EXPR_H
#define ND_EXPR_H

#include <gmp.h>
#include <stdint.h>

#include "ctx.h"
#include "shape.h"

/* The operators, in the order of ops.def (ORDER OP): one list makes this
 * enum and the operator table, so that they cannot drift apart. */
enum nd_op {
#define LEAF(E, ...) OP_##E,
#define ARITH(E, ...) OP_##E,
#define ELEM(E, ...) OP_##E,
#define REDUCE(E, ...) OP_##E,
#define FUNC(E, ...) OP_##E,
#define ELEM2(E, ...) OP_##E,
#include "ops.def"
#undef LEAF
#undef ARITH
#undef ELEM
#undef REDUCE
#undef FUNC
#undef ELEM2
    OP__COUNT
};

/* Node flags */
#define NF_NAMED 1u     /* the value of a named binding: printed by its name,
                           never flattened into a parent sum or product */
#define NF_CONSTANT 2u  /* depends on no variable and no symbol */
#define NF_NUMERIC 4u   /* a scalar that depends on nothing, not even a
                           dimension: a number, exactly or not (log(2)) */

/* Which union field each op uses:
 *   OP_CONST  q      the exact value (a scalar)
 *   OP_VAR    var    index into ctx->scope->vars
 *   OP_DIMVAL dim    a dimension used as a number (`/N`)
 *   OP_EYE    dim    the identity of that size
 *   OP_SYM    name   an opaque symbol of the node's shape (--steps adjoints)
 *   OP_MPOW   k      the integer exponent (>= 2)
 * Every other op uses none; its shape follows from its children, except
 * OP_BCAST, whose shape is the target of the broadcast.
 *
 * Children:
 *   OP_ADD    n >= 2 terms of one shape, canonical order
 *   OP_PROD   n >= 2 factors: the scalar ones first (a constant first of
 *             all), then a chain of matrices multiplied in order
 *   OP_EMUL   n >= 2 factors of one shape, canonical order
 *   OP_EPOW   (base, exponent): exponent a scalar
 *   OP_BCAST  (x): x a scalar (to any shape), a column (across columns)
 *             or a row (down rows)
 *   OP_CROSSENTROPY (z, y); every other function: its arguments in order. */
typedef struct nd_node {
    uint8_t op;
    uint8_t flags;
    uint16_t sorted;    /* mk.c: 1 + the number of named kids when a sort last
                           put the kids in canonical order; 0 unknown */
    uint32_t nkids;
    uint32_t id;
    uint32_t hash;
    nd_shape shape;
    union {
        mpq_t q;
        int var;
        nd_dim dim;
        long k;
        const char *name;
    } u;
    struct nd_node *kid[];
} nd_node;

/* The DAG of a run (the dag part of nd_ctx): expr.c alone changes it. */
typedef struct nd_dag {
    nd_node **nodes;            /* by id; ids are a topological order */
    uint32_t n_nodes, cap_nodes;
    nd_node **htab;             /* hash-consing table */
    uint32_t hcap, hcount;
    /* mk_transpose's memo by node id, kept while tr_memo_on (a pass in which
     * no node's flags and no dimension change: see mk_memo_transposes) */
    nd_node **tr_memo;
    uint32_t tr_cap;
    int tr_memo_on;
} nd_dag;

void expr_init(nd_ctx *ctx);
void expr_release(nd_ctx *ctx);     /* clears the GMP numbers; for run_free */

/* The transpose memo: the remembered transpose of x (NULL when the memo is
 * off or x has none yet), remembering one, switching it on (cleared) or off. */
nd_node *expr_memo_get(nd_ctx *ctx, const nd_node *x);
void expr_memo_put(nd_ctx *ctx, const nd_node *x, nd_node *r);
void expr_memo_switch(nd_ctx *ctx, int on);
int expr_memo_is_on(nd_ctx *ctx);

/* A growable list of nodes on the heap: a pass's scratch (the terms of a
 * sum being built in mk.c, the contributions to an adjoint in derive.c). */
typedef struct nd_nodelist {
    nd_node **v;
    int n, cap;
} nd_nodelist;

void nodelist_push(nd_nodelist *l, nd_node *x);
void nodelist_free(nd_nodelist *l);

/* Nodes from id first on are no longer found by construction (elab.c's
 * two passes over an answer). */
void expr_unlist_from(nd_ctx *ctx, uint32_t first);
nd_node *expr_node(nd_ctx *ctx, enum nd_op op, nd_shape shape,
                   nd_node *const *kids, int n);
nd_node *expr_const(nd_ctx *ctx, mpq_srcptr q);
nd_node *expr_var(nd_ctx *ctx, int var, nd_shape shape);
nd_node *expr_dimval(nd_ctx *ctx, nd_dim d);
nd_node *expr_eye(nd_ctx *ctx, nd_dim d);
nd_node *expr_sym(nd_ctx *ctx, const char *name, nd_shape shape);
nd_node *expr_mpow(nd_ctx *ctx, nd_node *a, long k);

/* A total order: compound nodes before variables before constants, then by
 * structure; used to sort the operands of commutative operators. */
int expr_cmp(nd_ctx *ctx, const nd_node *a, const nd_node *b);
/* The orders the printed forms use (both total, refining expr_cmp): the
 * factors of a product simple first, the terms of a sum by size. */
int expr_cmp_factor(nd_ctx *ctx, const nd_node *a, const nd_node *b);
/* expr_cmp_factor that clears *stable when the answer read the dimensions,
 * which may still merge: only a stable answer can be remembered. */
int expr_cmp_factor_stable(nd_ctx *ctx, const nd_node *a, const nd_node *b, int *stable);
int expr_cmp_term(nd_ctx *ctx, const nd_node *a, const nd_node *b);

int expr_is_const(const nd_node *n);            /* OP_CONST */
int expr_is_const_val(const nd_node *n, long v); /* OP_CONST equal to v */
int expr_is_scalar(nd_ctx *ctx, const nd_node *n);
/* Does n depend on no variable and no symbol? */
int expr_is_constant_tree(nd_ctx *ctx, const nd_node *n);

/* mark[id] = 1 for each node reachable from the roots (mark: n_nodes bytes). */
void expr_reach(nd_ctx *ctx, nd_node *const *roots, int n, unsigned char *mark);
/* dep[id] = 1 for each node that depends on a variable v with want[v]. */
void expr_depends(nd_ctx *ctx, const unsigned char *want, unsigned char *dep);
/* The number of distinct nodes reachable from n: a size measure. */
int expr_size(nd_ctx *ctx, nd_node *n);

#endif
