/* shape.h: symbolic dimensions with union-find unification, and shapes.
 *
 * A dimension is a numeric size (interned: one record per value), a name the
 * user declared (m, n: never merged with another name), or an inferred one
 * (from an undeclared variable or vector(c)), which unification links to
 * whatever it must equal.  DIM_ONE is the size 1: a shape with both sides
 * DIM_ONE is a scalar, one with cols DIM_ONE a column vector. */
#ifndef ND_SHAPE_H
#define ND_SHAPE_H

#include "ctx.h"
#include "diag.h"
#include "strbuf.h"

#define DIM_ONE 0
#define ND_MAX_DIM 1000000000L      /* the largest dimension a program may declare */

typedef int nd_dim;     /* index into ctx->dimtab->dims; resolve with dim_find */
typedef struct nd_shape {
    nd_dim rows, cols;
} nd_shape;

struct nd_dimrec {
    int parent;             /* union-find */
    long value;             /* > 0 for a numeric dimension, else 0 */
    const char *name;       /* NULL until named (messages name it d<index>) */
    int named;              /* named when made: x_rows, not d7 */
    int declared;           /* named by the user: never merged with another name */
    int order;              /* order of first appearance, for the C ABI */
};

/* The dimensions of a run (the dimtab part of nd_ctx). */
typedef struct nd_dimtab {
    struct nd_dimrec *dims;
    int n_dims, cap_dims;
    int dims_frozen;            /* --check: dims below this never merge */
    int dim_links;              /* unifications that merged two dimensions */
} nd_dimtab;

/* Makes the table with DIM_ONE in it; frees it. */
void dim_init(nd_ctx *ctx);
void dim_release(nd_ctx *ctx);

/* The records as they are, to come back to after an answer's first pass
 * (dim_restore drops the dimensions made since and undoes the merges). */
typedef struct dim_saved {
    struct nd_dimrec *dims;
    int n_dims, links;
} dim_saved;
void dim_save(nd_ctx *ctx, dim_saved *d);
void dim_restore(nd_ctx *ctx, const dim_saved *d);
void dim_saved_free(dim_saved *d);
/* --check: the dimensions made so far never merge with each other again. */
void dim_freeze(nd_ctx *ctx);
nd_dim dim_find(nd_ctx *ctx, nd_dim d);
nd_dim dim_const(nd_ctx *ctx, long value);
nd_dim dim_declared(nd_ctx *ctx, const char *name);
nd_dim dim_fresh(nd_ctx *ctx, const char *name);
int dim_unify(nd_ctx *ctx, nd_dim a, nd_dim b);     /* 1 when consistent */
int dim_same(nd_ctx *ctx, nd_dim a, nd_dim b);
long dim_value(nd_ctx *ctx, nd_dim d);              /* 0 when symbolic */
/* The dimension class whose name is `name` (x_rows, inferred, included),
 * or -1: answers may use the names the output prints. */
nd_dim dim_named(nd_ctx *ctx, const char *name);
const char *dim_name(nd_ctx *ctx, nd_dim d);        /* "n", "3" */
int dim_is_one(nd_ctx *ctx, nd_dim d);

static inline nd_shape shape_make(nd_dim r, nd_dim c)
{
    nd_shape s = { r, c };
    return s;
}
static inline nd_shape shape_scalar(void)
{
    return shape_make(DIM_ONE, DIM_ONE);
}
int shape_is_scalar(nd_ctx *ctx, nd_shape s);
int shape_is_col(nd_ctx *ctx, nd_shape s);      /* n x 1, n != 1 */
int shape_is_row(nd_ctx *ctx, nd_shape s);      /* 1 x n, n != 1 */
int shape_is_square(nd_ctx *ctx, nd_shape s);
int shape_equal(nd_ctx *ctx, nd_shape a, nd_shape b);
int shape_unify(nd_ctx *ctx, nd_shape a, nd_shape b);
nd_shape shape_resolve(nd_ctx *ctx, nd_shape s);    /* roots */
nd_shape shape_transpose(nd_shape s);
/* "m x n", or "scalar" */
void shape_format(nd_ctx *ctx, strbuf *out, nd_shape s);
const char *shape_str(nd_ctx *ctx, nd_shape s);     /* arena copy */

/* A shape error at loc: the message, the declarations in force, and
 * diag_throw with ERR_SHAPE (so --check can call it "not equivalent"). */
_Noreturn void shape_fail(nd_ctx *ctx, nd_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
