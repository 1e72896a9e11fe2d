/* ops_block.c: indexing and blocks.  x(r, c) is OP_INDEX over (x, r0, c0):
 * the block of x whose first entry is at the 0-based constant offsets r0,
 * c0 and whose size is the node's shape (a whole dimension keeps x's own,
 * so X(:, 2) of an m x n matrix is m x 1 for a symbolic m).  [a; b] is
 * OP_VCAT and [A, B] OP_HCAT over two operands; their summed size is a
 * number (elab.c refuses a symbolic one: n + 1 is not a dimension).
 *
 * The adjoint of a block is its zero-padded placement, written as products
 * with blocks of the identity: the adjoint of X(r, c) is
 * eye(m)(:, r) * G * eye(n)(c, :), so that it prints in the language and
 * every pass (simplification, evaluation, C) knows it already.  The
 * adjoint of [a; b] is the adjoint's blocks. */
#include <stdlib.h>

#include "arena.h"
#include "num.h"
#include "ops_impl.h"

long block_row0(const nd_node *n)
{
    return mpz_get_si(mpq_numref(n->kid[1]->u.q));
}

long block_col0(const nd_node *n)
{
    return mpz_get_si(mpq_numref(n->kid[2]->u.q));
}

/* Is [r0, r0 + rows) all of x's rows (and likewise the columns)? */
static int whole(nd_ctx *ctx, nd_dim d, long off, nd_dim of)
{
    return off == 0 && dim_same(ctx, d, of);
}

static int is_named(const nd_node *n)
{
    return (n->flags & NF_NAMED) != 0;
}

/* (c*A*...*B)(r, c) = c*A(r, :)*...*B(:, c): the block of a product is
 * the product of the blocks of its ends, cheaper and read as the rows and
 * columns it takes. */
static nd_node *index_prod(nd_ctx *ctx, nd_node *x, long r0, long c0, nd_shape s)
{
    int n = (int)x->nkids, first = 0;
    while (first < n - 1 && expr_is_scalar(ctx, x->kid[first]))
        first++;
    nd_node **f = xmalloc((size_t)n * sizeof *f);
    for (int i = 0; i < n; i++)
        f[i] = x->kid[i];
    if (first == n - 1) {
        f[first] = mk_index(ctx, f[first], r0, c0, s);
    } else {
        nd_node *a = f[first], *b = f[n - 1];
        f[first] = mk_index(ctx, a, r0, 0, shape_make(s.rows, a->shape.cols));
        f[n - 1] = mk_index(ctx, b, 0, c0, shape_make(b->shape.rows, s.cols));
    }
    nd_node *r = mk_prod(ctx, f, n);
    free(f);
    return r;
}

/* The block, simplified: all of x is x, a block of a block one block, of
 * a broadcast scalar that scalar, of a transpose the transpose of a block,
 * a 1 x 1 block of the identity 0 or 1, a block inside one part of a
 * stack a block of that part, of a product a product (index_prod). */
nd_node *mk_index(nd_ctx *ctx, nd_node *x, long r0, long c0, nd_shape s)
{
    if (whole(ctx, s.rows, r0, x->shape.rows) && whole(ctx, s.cols, c0, x->shape.cols))
        return x;
    if (is_named(x))
        goto plain;
    if (x->op == OP_INDEX)          /* a block of a block */
        return mk_index(ctx, x->kid[0], r0 + block_row0(x), c0 + block_col0(x), s);
    if (x->op == OP_BCAST && expr_is_scalar(ctx, x->kid[0]))
        return mk_bcast(ctx, x->kid[0], s);
    if (x->op == OP_TRANSPOSE)      /* one form: the transpose outside */
        return mk_transpose(ctx, mk_index(ctx, x->kid[0], c0, r0, shape_transpose(s)));
    if (x->op == OP_EYE && dim_is_one(ctx, s.rows) && dim_is_one(ctx, s.cols))
        return mk_int(ctx, r0 == c0);
    if (x->op == OP_PROD && !expr_is_scalar(ctx, x->kid[x->nkids - 1]))
        return index_prod(ctx, x, r0, c0, s);
    if (x->op == OP_VCAT || x->op == OP_HCAT) {     /* inside one part */
        int v = x->op == OP_VCAT;
        nd_node *a = x->kid[0], *b = x->kid[1];
        long split = dim_value(ctx, v ? a->shape.rows : a->shape.cols);
        long off = v ? r0 : c0, len = dim_value(ctx, v ? s.rows : s.cols);
        if (len > 0 && off + len <= split)
            return mk_index(ctx, a, r0, c0, s);
        if (len > 0 && off >= split)
            return mk_index(ctx, b, v ? r0 - split : r0, v ? c0 : c0 - split, s);
    }
plain:;
    nd_node *k[3] = { x, mk_int(ctx, r0), mk_int(ctx, c0) };
    return expr_node(ctx, OP_INDEX, s, k, 3);
}

/* The size of a stack: numbers only (the elaboration checks; a rebuilt
 * node over parts of other sizes keeps the first's, and evaluates to no
 * value, see cat_eval). */
static nd_dim dim_sum(nd_ctx *ctx, nd_dim a, nd_dim b)
{
    long va = dim_value(ctx, a), vb = dim_value(ctx, b);
    return va > 0 && vb > 0 ? dim_const(ctx, va + vb) : a;
}

nd_node *mk_vcat(nd_ctx *ctx, nd_node *a, nd_node *b)
{
    nd_node *k[2] = { a, b };
    return expr_node(ctx, OP_VCAT, shape_make(dim_sum(ctx, a->shape.rows, b->shape.rows),
                                              a->shape.cols), k, 2);
}

nd_node *mk_hcat(nd_ctx *ctx, nd_node *a, nd_node *b)
{
    nd_node *k[2] = { a, b };
    return expr_node(ctx, OP_HCAT, shape_make(a->shape.rows,
                                              dim_sum(ctx, a->shape.cols, b->shape.cols)), k, 2);
}

/* ---- x(r, c) ---- */

/* G placed at x's block: eye(m)(:, r) * G * eye(n)(c, :), the identity's
 * blocks left out where the block spans x. */
ADJ(op_index_adjoint)
{
    if (i != 0)
        return NULL;
    nd_node *x = n->kid[0];
    nd_shape xs = x->shape, s = n->shape;
    long r0 = block_row0(n), c0 = block_col0(n);
    nd_node *r = g;
    if (!whole(ctx, s.rows, r0, xs.rows)) {
        nd_node *left = mk_index(ctx, expr_eye(ctx, xs.rows), 0, r0, shape_make(xs.rows, s.rows));
        r = mk_mul(ctx, left, r);
    }
    if (!whole(ctx, s.cols, c0, xs.cols)) {
        nd_node *right = mk_index(ctx, expr_eye(ctx, xs.cols), c0, 0, shape_make(s.cols, xs.cols));
        r = mk_mul(ctx, r, right);
    }
    return r;
}

/* Offsets outside the operand (a rebuilt node whose offsets an edit
 * changed) are no value: EV_DOMAIN, never a read past the array. */
EVAL(op_index_eval)
{
    (void)env;
    const nd_mat *x = args[0];
    long r0 = block_row0(n), c0 = block_col0(n);
    if (r0 < 0 || c0 < 0 || r0 + out->rows > x->rows || c0 + out->cols > x->cols)
        return EV_DOMAIN;
    for (int i = 0; i < out->rows; i++)
        for (int j = 0; j < out->cols; j++)
            mpfr_set(MAT(out, i, j), MAT(x, r0 + i, c0 + j), MPFR_RNDN);
    return EV_OK;
}

/* (X(r, c))' is X'(c, r): pushed down into an identity (eye' = eye), kept
 * as a transpose over anything else (x(2:3)' reads as it is written). */
TRANSPOSE(op_index_transpose)
{
    nd_node *y = x->kid[0];
    nd_shape t = shape_transpose(x->shape);
    if (y->op == OP_EYE)
        return mk_index(ctx, y, block_col0(x), block_row0(x), t);
    return expr_node(ctx, OP_TRANSPOSE, t, &x, 1);
}

REBUILD(op_index_rebuild)
{
    if (k[1]->op != OP_CONST || k[2]->op != OP_CONST || !num_is_int(k[1]->u.q) ||
        !num_is_int(k[2]->u.q) || !mpz_fits_slong_p(mpq_numref(k[1]->u.q)) ||
        !mpz_fits_slong_p(mpq_numref(k[2]->u.q)))
        return expr_node(ctx, OP_INDEX, n->shape, k, 3);
    return mk_index(ctx, k[0], mpz_get_si(mpq_numref(k[1]->u.q)),
                    mpz_get_si(mpq_numref(k[2]->u.q)), n->shape);
}

/* ---- [a; b], [A, B] ---- */

static nd_node *cat_adjoint(nd_ctx *ctx, nd_node *n, int i, nd_node *g, int vertical)
{
    nd_node *a = n->kid[0], *part = n->kid[i];
    long off = i == 0 ? 0 : dim_value(ctx, vertical ? a->shape.rows : a->shape.cols);
    return mk_index(ctx, g, vertical ? off : 0, vertical ? 0 : off, part->shape);
}

ADJ(op_vcat_adjoint)
{
    return cat_adjoint(ctx, n, i, g, 1);
}

ADJ(op_hcat_adjoint)
{
    return cat_adjoint(ctx, n, i, g, 0);
}

/* The parts copied into their places; a size that does not add up (an
 * edited answer) is no value. */
static int cat_eval(nd_mat *out, nd_mat *const *args, int vertical)
{
    const nd_mat *a = args[0], *b = args[1];
    int ok = vertical ? a->cols == out->cols && b->cols == out->cols &&
                            a->rows + b->rows == out->rows
                      : a->rows == out->rows && b->rows == out->rows &&
                            a->cols + b->cols == out->cols;
    if (!ok)
        return EV_DOMAIN;
    for (int i = 0; i < a->rows; i++)
        for (int j = 0; j < a->cols; j++)
            mpfr_set(MAT(out, i, j), MAT(a, i, j), MPFR_RNDN);
    int di = vertical ? a->rows : 0, dj = vertical ? 0 : a->cols;
    for (int i = 0; i < b->rows; i++)
        for (int j = 0; j < b->cols; j++)
            mpfr_set(MAT(out, di + i, dj + j), MAT(b, i, j), MPFR_RNDN);
    return EV_OK;
}

EVAL(op_vcat_eval)
{
    (void)env;
    (void)n;
    return cat_eval(out, args, 1);
}

EVAL(op_hcat_eval)
{
    (void)env;
    (void)n;
    return cat_eval(out, args, 0);
}

/* [a; b]' = [a', b'] and [A, B]' = [A'; B'] */
TRANSPOSE(op_vcat_transpose)
{
    return mk_hcat(ctx, mk_transpose(ctx, x->kid[0]), mk_transpose(ctx, x->kid[1]));
}

TRANSPOSE(op_hcat_transpose)
{
    return mk_vcat(ctx, mk_transpose(ctx, x->kid[0]), mk_transpose(ctx, x->kid[1]));
}

REBUILD(op_vcat_rebuild)
{
    (void)n;
    return mk_vcat(ctx, k[0], k[1]);
}

REBUILD(op_hcat_rebuild)
{
    (void)n;
    return mk_hcat(ctx, k[0], k[1]);
}

/* ---- sums of placements ---- */

/* A term eye(m)(:, r) * v (the adjoint of a block of rows of a column or
 * matrix): its offset, and v; 0 when t is not one. */
typedef struct placed {
    long off, len;
    nd_node *v;
} placed;

static int placement(nd_ctx *ctx, nd_node *t, placed *p)
{
    if (t->op == OP_INDEX && t->kid[0]->op == OP_EYE && block_row0(t) == 0 &&
        dim_same(ctx, t->shape.rows, t->kid[0]->shape.rows)) {
        p->off = block_col0(t);
        p->len = dim_value(ctx, t->shape.cols);
        p->v = mk_int(ctx, 1);
        return p->len > 0;
    }
    if (t->op != OP_PROD || is_named(t))
        return 0;
    int first = 0, n = (int)t->nkids;
    while (first < n && expr_is_scalar(ctx, t->kid[first]))
        first++;
    if (first == n || !placement(ctx, t->kid[first], p) || !expr_is_const_val(p->v, 1))
        return 0;
    nd_node **f = xmalloc((size_t)n * sizeof *f);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (i != first)
            f[m++] = t->kid[i];
    p->v = m == 1 ? f[0] : mk_prod(ctx, f, m);
    free(f);
    return 1;
}

static int placed_cmp(const void *a, const void *b)
{
    const placed *x = a, *y = b;
    return (x->off > y->off) - (x->off < y->off);
}

/* eye(m)(:, 1:3)*a + eye(m)(:, 4:m)*b = [a; b]: a sum of placements that
 * fill every row once is the stack of the parts (the adjoint of z in
 * `i = sigmoid(z(1:3)); f = sigmoid(z(4:6)); ...`).  NULL otherwise. */
nd_node *block_stack_sum(nd_ctx *ctx, nd_node *sum)
{
    int n = (int)sum->nkids;
    if (sum->op != OP_ADD || n < 2 || dim_value(ctx, sum->shape.rows) <= 0)
        return NULL;
    placed *p = xmalloc((size_t)n * sizeof *p);
    nd_node *r = NULL;
    for (int i = 0; i < n; i++)
        if (!placement(ctx, sum->kid[i], &p[i]))
            goto done;
    qsort(p, (size_t)n, sizeof *p, placed_cmp);
    long at = 0;
    for (int i = 0; i < n; at += p[i].len, i++)
        if (p[i].off != at || !dim_same(ctx, p[i].v->shape.cols, sum->shape.cols))
            goto done;
    if (at != dim_value(ctx, sum->shape.rows))
        goto done;
    r = p[0].v;
    for (int i = 1; i < n; i++)
        r = mk_vcat(ctx, r, p[i].v);
done:
    free(p);
    return r;
}
