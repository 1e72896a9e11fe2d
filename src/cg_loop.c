/* cg_loop.c: the bodies of the row loops (element loops, matrix-vector
 * and matrix-matrix products, reductions), the kernels they call, and the
 * CBLAS calls that replace products with --blas. */
#include <string.h>

#include "cg_emit.h"
#include "ops.h"
#include "shape.h"

/* ---- contiguous rows, for the kernels ---- */

/* A plain array in memory: an input, or a buffer that is not a local. */
static int plain(cg_emitter *E, const nd_node *n)
{
    cg_value *v = cg_val(E->p, n);
    return n != E->self && (v->kind == V_INPUT || (v->kind == V_BUFFER && !v->row_local));
}

/* Row ri of n, contiguous in memory: its address in ptr. */
static int contig_row(cg_emitter *E, const nd_node *n, const char *ri, strbuf *ptr)
{
    if (!plain(E, n))
        return 0;
    cg_pointer_text(E, n, ptr);
    if (!dim_is_one(E->ctx, n->shape.rows) && strcmp(ri, "0")) {
        sb_printf(ptr, " + (size_t)%s * ", ri);
        cg_dim_text(E, n->shape.cols, ptr);
    }
    return 1;
}

/* A vector (a column, a row, or the transpose of one), contiguous. */
static int contig_vec(cg_emitter *E, const nd_node *v, strbuf *ptr)
{
    if (v->op == OP_TRANSPOSE && cg_val(E->p, v)->kind == V_INLINE)
        v = v->kid[0];      /* x' has x's memory */
    if (!plain(E, v))
        return 0;
    cg_pointer_text(E, v, ptr);
    return 1;
}

/* Row ri of an instruction's buffer (only element loops write outputs
 * directly, through target()). */
static void target_row(cg_emitter *E, const cg_ins *in, const char *ri, strbuf *ptr)
{
    nd_node *n = in->node;
    cg_pointer_text(E, n, ptr);
    if (!dim_is_one(E->ctx, n->shape.rows) && !dim_is_one(E->ctx, n->shape.cols) &&
        strcmp(ri, "0")) {
        sb_printf(ptr, " + (size_t)%s * ", ri);
        cg_dim_text(E, n->shape.cols, ptr);
    }
}

/* Kernels with restrict parameters: GCC vectorizes those reliably. */
static void kernel_dot(cg_emitter *E, const char *x, const char *y, nd_dim len, strbuf *out, int ind)
{
    strbuf b;
    sb_init(&b);
    cg_dim_text(E, len, &b);
    E->helpers |= 1u << CGH_dot;
    E->uses |= U_ACC;
    cg_line(out, ind, "acc = nd__dot(%s, %s, %s);", sb_str(&b), x, y);
    sb_free(&b);
}

/* ---- loops ---- */

/* The target of an instruction's result, element (ri, ci). */
static void target(cg_emitter *E, const cg_ins *in, const char *ri, const char *ci, strbuf *out)
{
    if (in->out < 0) {
        cg_access(E, in->node, ri, ci, out);
        return;
    }
    sb_puts(out, cg_grad_name(E, in->out));
    cg_index_text(E, in->node->shape, ri, ci, out);
}

/* A loop "for (v = 0; v < bound; v++)" over a dimension, or nothing when it is 1. */
int cg_open_loop(cg_emitter *E, strbuf *out, int indent, const char *v, nd_dim bound)
{
    if (dim_is_one(E->ctx, bound))
        return 0;
    strbuf b;
    sb_init(&b);
    cg_dim_text(E, bound, &b);
    E->uses |= v[0] == 'i' ? U_I : v[0] == 'j' ? U_J : U_K;
    cg_line(out, indent, "for (%s = 0; %s < %s; %s++) {", v, v, sb_str(&b), v);
    sb_free(&b);
    return 1;
}

void cg_close_loop(strbuf *out, int indent, int opened)
{
    if (opened)
        cg_line(out, indent, "}");
}

const char *cg_index_or_zero(cg_emitter *E, nd_dim bound, const char *v)
{
    return dim_is_one(E->ctx, bound) ? "0" : v;
}

static void body_elem(cg_emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
{
    nd_node *n = in->node;
    const char *cj = cg_index_or_zero(E, n->shape.cols, "j");
    int lj = cg_open_loop(E, out, ind, "j", n->shape.cols);
    strbuf t, e;
    sb_init(&t);
    sb_init(&e);
    target(E, in, ri, cj, &t);
    E->self = in->out < 0 ? n : NULL;
    cg_elem(E, n, ri, cj, &e);
    E->self = NULL;
    cg_line(out, ind + lj, "%s = %s;", sb_str(&t), sb_str(&e));
    cg_close_loop(out, ind, lj);
    sb_free(&t);
    sb_free(&e);
}

/* The element j of a vector result (column or row). */
static void vtarget(cg_emitter *E, const cg_ins *in, const char *c, strbuf *out)
{
    if (dim_is_one(E->ctx, in->node->shape.rows))
        target(E, in, "0", c, out);
    else
        target(E, in, c, "0", out);
}

/* The two factors of a dot product's term at index k. */
typedef void (*term_fn)(cg_emitter *E, const cg_ins *in, const char *ri, const char *k,
                        strbuf *x, strbuf *y);

/* acc = sum over k < bound of x(k)*y(k), unrolled by four into independent
 * sums: without -ffast-math one sum is a chain of dependent additions. */
static void dot(cg_emitter *E, const cg_ins *in, const char *ri, term_fn term, nd_dim bound,
                strbuf *out, int ind)
{
    static const char *const ks[] = { "k", "(k + 1)", "(k + 2)", "(k + 3)" };
    strbuf x, y, b;
    sb_init(&x);
    sb_init(&y);
    sb_init(&b);
    cg_dim_text(E, bound, &b);
    E->uses |= U_ACC;
    if (dim_value(E->ctx, bound) > 0 && dim_value(E->ctx, bound) < 8) {   /* short: plain */
        cg_line(out, ind, "acc = 0.0;");
        int lk = cg_open_loop(E, out, ind, "k", bound);
        term(E, in, ri, "k", &x, &y);
        cg_line(out, ind + lk, "acc += %s * %s;", sb_str(&x), sb_str(&y));
        cg_close_loop(out, ind, lk);
    } else {
        E->uses |= U_ACC4 | U_K;
        cg_line(out, ind, "acc0 = acc1 = acc2 = acc3 = 0.0;");
        cg_line(out, ind, "for (k = 0; k + 4 <= %s; k += 4) {", sb_str(&b));
        for (int u = 0; u < 4; u++) {
            sb_clear(&x);
            sb_clear(&y);
            term(E, in, ri, ks[u], &x, &y);
            cg_line(out, ind + 1, "acc%d += %s * %s;", u, sb_str(&x), sb_str(&y));
        }
        cg_line(out, ind, "}");
        sb_clear(&x);
        sb_clear(&y);
        term(E, in, ri, "k", &x, &y);
        cg_line(out, ind, "for (; k < %s; k++)", sb_str(&b));
        cg_line(out, ind + 1, "acc0 += %s * %s;", sb_str(&x), sb_str(&y));
        cg_line(out, ind, "acc = (acc0 + acc1) + (acc2 + acc3);");
    }
    sb_free(&x);
    sb_free(&y);
    sb_free(&b);
}

static void mv_term(cg_emitter *E, const cg_ins *in, const char *ri, const char *k, strbuf *x,
                    strbuf *y)
{
    cg_elem(E, in->a, ri, k, x);
    cg_velem(E, in->b, k, y);
}

/* y(i) = sum_k M(i, k) v(k): one dot product per row of M. */
static void body_mv(cg_emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
{
    strbuf t, a, v;
    sb_init(&t);
    sb_init(&a);
    sb_init(&v);
    vtarget(E, in, ri, &t);
    if (contig_row(E, in->a, ri, &a) && contig_vec(E, in->b, &v))
        kernel_dot(E, sb_str(&a), sb_str(&v), in->a->shape.cols, out, ind);
    else
        dot(E, in, ri, mv_term, in->a->shape.cols, out, ind);
    cg_line(out, ind, "%s = acc;", sb_str(&t));
    sb_free(&t);
    sb_free(&a);
    sb_free(&v);
}

/* target(j) += scale * source(j) for j < bound, unrolled by four. */
typedef void (*axpy_fn)(cg_emitter *E, const cg_ins *in, const char *ri, const char *j,
                        strbuf *target, strbuf *source);

static void axpy(cg_emitter *E, const cg_ins *in, const char *ri, const char *scale, axpy_fn at,
                 nd_dim bound, strbuf *out, int ind)
{
    static const char *const js[] = { "j", "(j + 1)", "(j + 2)", "(j + 3)" };
    strbuf t, x, b;
    sb_init(&t);
    sb_init(&x);
    sb_init(&b);
    cg_dim_text(E, bound, &b);
    int unroll = !(dim_value(E->ctx, bound) > 0 && dim_value(E->ctx, bound) < 8);
    if (unroll) {
        E->uses |= U_J;
        cg_line(out, ind, "for (j = 0; j + 4 <= %s; j += 4) {", sb_str(&b));
        for (int u = 0; u < 4; u++) {
            sb_clear(&t);
            sb_clear(&x);
            at(E, in, ri, js[u], &t, &x);
            cg_line(out, ind + 1, "%s += %s * %s;", sb_str(&t), scale, sb_str(&x));
        }
        cg_line(out, ind, "}");
    }
    sb_clear(&t);
    sb_clear(&x);
    at(E, in, ri, "j", &t, &x);
    if (unroll)
        cg_line(out, ind, "for (; j < %s; j++)", sb_str(&b));
    int lj = unroll ? 1 : cg_open_loop(E, out, ind, "j", bound);
    cg_line(out, ind + lj, "%s += %s * %s;", sb_str(&t), scale, sb_str(&x));
    if (!unroll)
        cg_close_loop(out, ind, lj);
    sb_free(&t);
    sb_free(&x);
    sb_free(&b);
}

static void mvt_at(cg_emitter *E, const cg_ins *in, const char *ri, const char *j, strbuf *t,
                   strbuf *x)
{
    vtarget(E, in, j, t);
    cg_elem(E, in->a, ri, j, x);
}

static void kernel_axpy(cg_emitter *E, const char *scale, const char *x, const char *y,
                        nd_dim len, strbuf *out, int ind)
{
    strbuf b;
    sb_init(&b);
    cg_dim_text(E, len, &b);
    E->helpers |= 1u << CGH_axpy;
    cg_line(out, ind, "nd__axpy(%s, %s, %s, %s);", sb_str(&b), scale, x, y);
    sb_free(&b);
}

static void body_mvt(cg_emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
{
    strbuf v, a, t;
    sb_init(&v);
    sb_init(&a);
    sb_init(&t);
    cg_velem(E, in->b, ri, &v);
    E->uses |= U_VI;
    cg_line(out, ind, "vi = %s;", sb_str(&v));
    if (contig_row(E, in->a, ri, &a)) {
        target_row(E, in, "0", &t);
        kernel_axpy(E, "vi", sb_str(&a), sb_str(&t), in->a->shape.cols, out, ind);
    } else {
        axpy(E, in, ri, "vi", mvt_at, in->a->shape.cols, out, ind);
    }
    sb_free(&v);
    sb_free(&a);
    sb_free(&t);
}

static void mm_at(cg_emitter *E, const cg_ins *in, const char *ri, const char *j, strbuf *t,
                  strbuf *x)
{
    target(E, in, ri, j, t);
    cg_elem(E, in->b, "k", j, x);
}

static void mm_term(cg_emitter *E, const cg_ins *in, const char *ri, const char *k, strbuf *x,
                    strbuf *y)
{
    cg_elem(E, in->a, ri, k, x);
    cg_elem(E, in->b, "j", k, y);
}

static void body_mm(cg_emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
{
    nd_node *n = in->node;
    strbuf a, b, t;
    sb_init(&a);
    sb_init(&b);
    sb_init(&t);
    cg_elem(E, in->a, ri, "k", &a);
    target(E, in, ri, "j", &t);
    strbuf ra, rb, rc;
    sb_init(&ra);
    sb_init(&rb);
    sb_init(&rc);
    if (in->b_transposed) {     /* dot products: both read along rows */
        int lj = cg_open_loop(E, out, ind, "j", n->shape.cols);
        if (contig_row(E, in->a, ri, &ra) && contig_row(E, in->b, "j", &rb))
            kernel_dot(E, sb_str(&ra), sb_str(&rb), in->a->shape.cols, out, ind + lj);
        else
            dot(E, in, ri, mm_term, in->a->shape.cols, out, ind + lj);
        cg_line(out, ind + lj, "%s = acc;", sb_str(&t));
        cg_close_loop(out, ind, lj);
    } else if (contig_row(E, in->b, "k", &rb)) {    /* rows of B into row i of C */
        target_row(E, in, ri, &rc);
        int lj = cg_open_loop(E, out, ind, "j", n->shape.cols);
        cg_line(out, ind + lj, "%s = 0.0;", sb_str(&t));
        cg_close_loop(out, ind, lj);
        int lk = cg_open_loop(E, out, ind, "k", in->a->shape.cols);
        E->uses |= U_AIK;
        cg_line(out, ind + lk, "aik = %s;", sb_str(&a));
        kernel_axpy(E, "aik", sb_str(&rb), sb_str(&rc), n->shape.cols, out, ind + lk);
        cg_close_loop(out, ind, lk);
    } else {                    /* i-k-j: rows of B added into the row of C */
        cg_elem(E, in->b, "k", "j", &b);
        int lj = cg_open_loop(E, out, ind, "j", n->shape.cols);
        cg_line(out, ind + lj, "%s = 0.0;", sb_str(&t));
        cg_close_loop(out, ind, lj);
        int lk = cg_open_loop(E, out, ind, "k", in->a->shape.cols);
        E->uses |= U_AIK;
        cg_line(out, ind + lk, "aik = %s;", sb_str(&a));
        axpy(E, in, ri, "aik", mm_at, n->shape.cols, out, ind + lk);
        cg_close_loop(out, ind, lk);
    }
    sb_free(&a);
    sb_free(&b);
    sb_free(&t);
    sb_free(&ra);
    sb_free(&rb);
    sb_free(&rc);
}

static void body_reduce(cg_emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
{
    nd_node *n = in->node;
    int s = cg_val(E->p, n)->index;
    strbuf e;
    sb_init(&e);
    if (n->op == OP_PROD) {     /* a dot product */
        strbuf u;
        sb_init(&u);
        cg_velem(E, n->kid[0], ri, &u);
        cg_velem(E, n->kid[1], ri, &e);
        cg_line(out, ind, "s%d += %s * %s;", s, sb_str(&u), sb_str(&e));
        sb_free(&u);
    } else if (ops_table[n->op].c_term == CGT_DIAGONAL) {
        cg_elem(E, n->kid[0], ri, ri, &e);
        cg_line(out, ind, "s%d += %s;", s, sb_str(&e));
    } else {
        nd_node *x = n->kid[0];
        const char *cj = cg_index_or_zero(E, x->shape.cols, "j");
        int lj = cg_open_loop(E, out, ind, "j", x->shape.cols);
        cg_elem(E, x, ri, cj, &e);
        enum cg_term term = ops_table[n->op].c_term;
        if (term == CGT_SQUARE) {
            E->uses |= U_ACC;
            cg_line(out, ind + lj, "acc = %s;", sb_str(&e));
            cg_line(out, ind + lj, "s%d += acc * acc;", s);
        } else {
            cg_line(out, ind + lj, "s%d += %s%s%s;", s, term == CGT_ABS ? "fabs(" : "",
                 sb_str(&e), term == CGT_ABS ? ")" : "");
        }
        cg_close_loop(out, ind, lj);
    }
    sb_free(&e);
}

void cg_body(cg_emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
{
    switch (in->kind) {
    case I_ELEM: body_elem(E, in, ri, out, ind); break;
    case I_MV: body_mv(E, in, ri, out, ind); break;
    case I_MVT: body_mvt(E, in, ri, out, ind); break;
    case I_MM: body_mm(E, in, ri, out, ind); break;
    case I_REDUCE: body_reduce(E, in, ri, out, ind); break;
    default: break;
    }
}

/* Before the loop: accumulators start at zero. */
void cg_prologue(cg_emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    if (in->kind == I_REDUCE) {
        cg_line(out, ind, "s%d = 0.0;", cg_val(E->p, in->node)->index);
    } else if (in->kind == I_MVT) {
        strbuf t;
        sb_init(&t);
        vtarget(E, in, "j", &t);
        int lj = cg_open_loop(E, out, ind, "j", in->a->shape.cols);
        cg_line(out, ind + lj, "%s = 0.0;", sb_str(&t));
        cg_close_loop(out, ind, lj);
        sb_free(&t);
    }
}

/* After the loop: what a reduction does with its sum. */
void cg_epilogue(cg_emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    nd_node *n = in->node;
    if (in->kind != I_REDUCE)
        return;
    int s = cg_val(E->p, n)->index;
    if (ops_table[n->op].c_finish == CGE_SQRT) {
        cg_line(out, ind, "s%d = sqrt(s%d);", s, s);
    } else if (ops_table[n->op].c_finish == CGE_MEAN) {
        strbuf sz;
        sb_init(&sz);
        cg_size_text(E, n->kid[0]->shape, &sz);
        cg_line(out, ind, "s%d /= (double)(%s);", s, sb_str(&sz));
        sb_free(&sz);
    }
}

/* ---- CBLAS (--blas) ----
 *
 * Matrix-vector and matrix-matrix products become dgemv and dgemm.  Outer
 * products stay loops, not dger: dger adds x*y' into a matrix, so a
 * gradient that is an outer product (dz*h') would take a pass to clear it
 * and a pass to add, and a sum of them (W*(r*x' + x*r')) one pass per
 * term, where the fused loop writes each entry once. */

/* A product operand as BLAS sees it: a plain array, maybe transposed. */
static int blas_operand(cg_emitter *E, const nd_node *n, strbuf *ptr)
{
    int t = n->op == OP_TRANSPOSE && cg_val(E->p, n)->kind == V_INLINE;
    cg_pointer_text(E, t ? n->kid[0] : n, ptr);
    return t;
}

int cg_is_blas(cg_emitter *E, const cg_ins *in)
{
    return E->p->opt->blas && (in->kind == I_MV || in->kind == I_MVT || in->kind == I_MM);
}

int cg_blas_ins(cg_emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    if (!cg_is_blas(E, in))
        return 0;
    strbuf A, B, T, R, C, K, LDA, LDB;
    strbuf *all[] = { &A, &B, &T, &R, &C, &K, &LDA, &LDB };
    for (size_t i = 0; i < 8; i++)
        sb_init(all[i]);
    int ta = blas_operand(E, in->a, &A);
    blas_operand(E, in->b, &B);
    cg_pointer_text(E, in->node, &T);
    const nd_node *a = ta ? in->a->kid[0] : in->a;
    cg_dim_text(E, a->shape.rows, &R);
    cg_dim_text(E, a->shape.cols, &C);
    if (in->kind != I_MM) {
        cg_line(out, ind, "cblas_dgemv(CblasRowMajor, %s, %s, %s, 1.0, %s, %s, %s, 1, 0.0, %s, 1);",
             in->kind == I_MVT ? "CblasTrans" : "CblasNoTrans", sb_str(&R), sb_str(&C), sb_str(&A),
             sb_str(&C), sb_str(&B), sb_str(&T));
    } else {
        nd_node *n = in->node;
        sb_clear(&R);
        sb_clear(&C);
        cg_dim_text(E, n->shape.rows, &R);
        cg_dim_text(E, n->shape.cols, &C);
        cg_dim_text(E, in->a->shape.cols, &K);
        cg_dim_text(E, a->shape.cols, &LDA);
        cg_dim_text(E, in->b->shape.cols, &LDB);
        cg_line(out, ind, "cblas_dgemm(CblasRowMajor, %s, %s, %s, %s, %s, 1.0, %s, %s, %s, %s, 0.0, %s, %s);",
             ta ? "CblasTrans" : "CblasNoTrans", in->b_transposed ? "CblasTrans" : "CblasNoTrans",
             sb_str(&R), sb_str(&C), sb_str(&K), sb_str(&A), sb_str(&LDA), sb_str(&B), sb_str(&LDB),
             sb_str(&T), sb_str(&C));
    }
    for (size_t i = 0; i < 8; i++)
        sb_free(all[i]);
    return 1;
}

/* ---- I_SYRK: C = X'*diag(d)*X, X m x n ----
 * The upper triangle only, then mirrored.  Plain C: rank-1 updates by
 * the rows of X, four at a time, j from i on (half a general product's
 * multiplications), blocked for the caches (syrk_plain).
 * --blas: the rows of X scaled by sqrt(|d_k|) into the scratch, those with
 * d_k >= 0 from the top and the others from the bottom, then
 * C = B+'*B+ - B-'*B- by two dsyrk calls of m rows in all: no sign of d is
 * assumed.  Below SYRK_GEMM_N columns (and X a plain array), C = X'*B by
 * one dgemm with B = diag(d)*X instead: OpenBLAS's dsyrk is slower than its
 * dgemm there although it does half the multiplications (at m = 1000,
 * 9.1 against 5.9 us at n = 10, 49 against 54 at n = 32; bench/RESULTS.md),
 * and no square root is taken.  C's upper triangle is kept either way and
 * mirrored. */

static void syrk_mirror(cg_emitter *E, const char *c, const char *n, strbuf *out, int ind)
{
    cg_line(out, ind, "for (i = 1; i < %s; i++)", n);
    cg_line(out, ind + 1, "for (j = 0; j < i; j++)");
    cg_line(out, ind + 2, "%s[i * %s + j] = %s[j * %s + i];", c, n, c, n);
    E->uses |= U_I | U_J;
}

#define SYRK_GEMM_N 32

/* The small-n branch: B = diag(d)*X in the scratch, C = X'*B by dgemm. */
static void syrk_gemm(const char *c, const char *m, const char *n, const char *d,
                      const char *x, const char *xkj, const char *s, strbuf *out, int ind)
{
    cg_line(out, ind, "for (k = 0; k < %s; k++) {", m);
    cg_line(out, ind + 1, "vi = %s;", d);
    cg_line(out, ind + 1, "for (j = 0; j < %s; j++)", n);
    cg_line(out, ind + 2, "%s[(size_t)k * %s + j] = vi * %s;", s, n, xkj);
    cg_line(out, ind, "}");
    cg_line(out, ind, "cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, %s, %s, %s, 1.0, "
                      "%s, %s, %s, %s, 0.0, %s, %s);", n, n, m, x, n, s, n, c, n);
}

static void syrk_blas(cg_emitter *E, const cg_ins *in, const char *c, const char *m,
                      const char *n, const char *d, strbuf *out, int ind)
{
    strbuf xkj, s, x;
    sb_init(&xkj);
    sb_init(&s);
    sb_init(&x);
    cg_elem(E, in->a, "k", "j", &xkj);
    sb_printf(&s, "b%d", in->scratch);
    cg_use_buf(E, in->scratch);
    if (plain(E, in->a)) {
        cg_pointer_text(E, in->a, &x);
        cg_line(out, ind, "if (%s < %d) {", n, SYRK_GEMM_N);
        syrk_gemm(c, m, n, d, sb_str(&x), sb_str(&xkj), sb_str(&s), out, ind + 1);
        cg_line(out, ind, "} else {");
    } else {
        cg_line(out, ind, "{");
    }
    cg_line(out, ind + 1, "long nd_pos = 0, nd_neg = %s;", m);
    cg_line(out, ind + 1, "for (k = 0; k < %s; k++) {", m);
    cg_line(out, ind + 2, "double *nd_row;");
    cg_line(out, ind + 2, "vi = %s;", d);
    cg_line(out, ind + 2, "aik = sqrt(fabs(vi));");
    cg_line(out, ind + 2, "nd_row = %s + (vi >= 0.0 ? nd_pos++ : --nd_neg) * %s;", sb_str(&s), n);
    cg_line(out, ind + 2, "for (j = 0; j < %s; j++)", n);
    cg_line(out, ind + 3, "nd_row[j] = aik * %s;", sb_str(&xkj));
    cg_line(out, ind + 1, "}");
    cg_line(out, ind + 1, "if (nd_pos > 0)");
    cg_line(out, ind + 2, "cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, %s, nd_pos, 1.0, "
                          "%s, %s, 0.0, %s, %s);", n, sb_str(&s), n, c, n);
    cg_line(out, ind + 1, "if (nd_pos < %s)", m);
    cg_line(out, ind + 2, "cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, %s, %s - nd_pos, "
                          "-1.0, %s + nd_pos * %s, %s, nd_pos > 0 ? 1.0 : 0.0, %s, %s);",
            n, m, sb_str(&s), n, n, c, n);
    cg_line(out, ind, "}");
    E->uses |= U_K | U_J | U_VI | U_AIK;
    sb_free(&xkj);
    sb_free(&s);
    sb_free(&x);
}

/* Plain C, cache-blocked: the rows of X in panels of SYRK_KB (d of the
 * panel computed once into nd_d), the upper triangle of C in tiles of
 * SYRK_IB x SYRK_JB rows and columns.  A whole tile is held in a local
 * array nd_t (16 KiB: it stays in L1 while the panel's rows go by, four at
 * a time, and the panel's rows of X stay in L2); its loops have constant
 * counts and no pointer that may alias, which gcc -O2 vectorizes (its
 * "very cheap" model takes no remainder loop and no run-time alias check).
 * A tile on the diagonal is computed whole, the entries below it (j < i)
 * being overwritten by the mirror afterwards; a tile at a ragged edge (all
 * of C when n is below a tile) is done in register blocks of 2 x 4 entries
 * over the panel's rows (syrk_edge).  Each upper entry gets the same
 * sums in the same order as an unblocked pass (k ascending, four rows a
 * term, the last m % 4 rows one at a time, C's value between them in nd_t
 * or in C): the result is the same to the bit, blocking or not. */
#define SYRK_KB 128
#define SYRK_IB 32
#define SYRK_JB 64

typedef struct syrk_text {
    const char *c, *m, *n;
    const nd_node *a;           /* X */
    strbuf d;                   /* d[k] */
    strbuf xi, xj;              /* X[k][i], X[k][j]: the last m % 4 rows */
    strbuf ti[4], ti1[4], tj[4];    /* the same in a whole tile (ti1: row nd_ii + 1) */
} syrk_text;

/* The four rows' weights from nd_d, then the rank-4 update of a whole
 * tile in nd_t, two of its rows at a time. */
static void syrk_rank4(const syrk_text *t, strbuf *out, int ind)
{
    cg_line(out, ind, "for (k = nd_k0; k < nd_k1; k += 4) {");
    for (int r = 0; r < 4; r++)
        cg_line(out, ind + 1, "acc%d = nd_d[k - nd_k0 + %d];", r, r);
    /* two rows at a time: each X[k + r][j] loaded once for both */
    cg_line(out, ind + 1, "for (nd_ii = 0; nd_ii < %d; nd_ii += 2) {", SYRK_IB);
    for (int r = 0; r < 4; r++)
        cg_line(out, ind + 2, "const double nd_a%d = acc%d * %s;", r, r, sb_str(&t->ti[r]));
    for (int r = 0; r < 4; r++)
        cg_line(out, ind + 2, "const double nd_b%d = acc%d * %s;", r, r, sb_str(&t->ti1[r]));
    cg_line(out, ind + 2, "for (nd_jj = 0; nd_jj < %d; nd_jj++) {", SYRK_JB);
    strbuf sum, sum1;
    sb_init(&sum);
    sb_init(&sum1);
    for (int r = 0; r < 4; r++) {
        sb_printf(&sum, "%snd_a%d * %s", r ? " + " : "", r, sb_str(&t->tj[r]));
        sb_printf(&sum1, "%snd_b%d * %s", r ? " + " : "", r, sb_str(&t->tj[r]));
    }
    cg_line(out, ind + 3, "nd_t[nd_ii][nd_jj] += %s;", sb_str(&sum));
    cg_line(out, ind + 3, "nd_t[nd_ii + 1][nd_jj] += %s;", sb_str(&sum1));
    cg_line(out, ind + 2, "}");
    sb_free(&sum);
    sb_free(&sum1);
    cg_line(out, ind + 1, "}");
    cg_line(out, ind, "}");
}

/* The R x W entries of C from (i, j) on (R <= 2 rows, W <= 4 columns), the
 * panel's rows of X added to them in registers, four rows a term: each
 * entry's sums the same as the rank-4 pass's.  The W columns of a row are
 * adjacent in X and in C: gcc -O2 vectorizes the k loop (two columns a
 * vector, the accumulators never stored), which the rank-4 pass over
 * short rows of C (n below a tile) cannot be. */
static void syrk_block(cg_emitter *E, const syrk_text *t, int R, int W, strbuf *out, int ind)
{
    static const char *const ks[] = { "k", "(k + 1)", "(k + 2)", "(k + 3)" };
    static const char *const is[] = { "i", "(i + 1)" };
    static const char *const js[] = { "j", "(j + 1)", "(j + 2)", "(j + 3)" };
    strbuf x;
    sb_init(&x);
    cg_line(out, ind, "{");
    for (int r = 0; r < R; r++)
        for (int c = 0; c < W; c++)
            cg_line(out, ind + 1, "double nd_c%d%d = %s[%s * %s + %s];", r, c, t->c, is[r], t->n,
                    js[c]);
    cg_line(out, ind + 1, "for (k = nd_k0; k < nd_k1; k += 4) {");
    for (int r = 0; r < R; r++)
        for (int q = 0; q < 4; q++) {
            sb_clear(&x);
            cg_elem(E, t->a, ks[q], is[r], &x);
            cg_line(out, ind + 2, "const double nd_a%d%d = nd_d[k - nd_k0 + %d] * %s;", r, q, q,
                    sb_str(&x));
        }
    for (int r = 0; r < R; r++)
        for (int c = 0; c < W; c++) {
            sb_clear(&x);
            for (int q = 0; q < 4; q++) {
                sb_printf(&x, "%snd_a%d%d * ", q ? " + " : "", r, q);
                cg_elem(E, t->a, ks[q], js[c], &x);
            }
            cg_line(out, ind + 2, "nd_c%d%d += %s;", r, c, sb_str(&x));
        }
    cg_line(out, ind + 1, "}");
    for (int r = 0; r < R; r++)
        for (int c = 0; c < W; c++)
            cg_line(out, ind + 1, "%s[%s * %s + %s] = nd_c%d%d;", t->c, is[r], t->n, js[c], r, c);
    cg_line(out, ind, "}");
    sb_free(&x);
}

/* A tile at an edge: pairs of rows (the last one alone), each in blocks of
 * four columns, then two, then one, from the diagonal (a pair's first
 * entry in its second row, below it, is computed and mirrored over). */
static void syrk_edge(cg_emitter *E, const syrk_text *t, strbuf *out, int ind)
{
    for (int R = 2; R >= 1; R--) {
        if (R == 2)
            cg_line(out, ind, "for (i = nd_i0; i + 2 <= nd_i1; i += 2) {");
        else
            cg_line(out, ind, "if (i < nd_i1) {");
        cg_line(out, ind + 1, "j = i > nd_j0 ? i : nd_j0;");
        cg_line(out, ind + 1, "for (; j + 4 <= nd_j1; j += 4)");
        syrk_block(E, t, R, 4, out, ind + 2);
        cg_line(out, ind + 1, "if (j + 2 <= nd_j1) {");
        syrk_block(E, t, R, 2, out, ind + 2);
        cg_line(out, ind + 2, "j += 2;");
        cg_line(out, ind + 1, "}");
        cg_line(out, ind + 1, "if (j < nd_j1)");
        syrk_block(E, t, R, 1, out, ind + 2);
        cg_line(out, ind, "}");
    }
}

/* One tile of one panel: whole (through nd_t) or at an edge. */
static void syrk_tile(cg_emitter *E, const syrk_text *t, strbuf *out, int ind)
{
    const char *c = t->c, *n = t->n;
    cg_line(out, ind, "if (nd_i1 - nd_i0 == %d && nd_j1 - nd_j0 == %d) {", SYRK_IB, SYRK_JB);
    cg_line(out, ind + 1, "double nd_t[%d][%d];", SYRK_IB, SYRK_JB);
    for (int pass = 0; pass < 2; pass++) {
        if (pass)
            syrk_rank4(t, out, ind + 1);
        cg_line(out, ind + 1, "for (nd_ii = 0; nd_ii < %d; nd_ii++)", SYRK_IB);
        cg_line(out, ind + 2, "for (nd_jj = 0; nd_jj < %d; nd_jj++)", SYRK_JB);
        if (!pass)
            cg_line(out, ind + 3, "nd_t[nd_ii][nd_jj] = %s[(nd_i0 + nd_ii) * %s + nd_j0 + nd_jj];",
                    c, n);
        else
            cg_line(out, ind + 3, "%s[(nd_i0 + nd_ii) * %s + nd_j0 + nd_jj] = nd_t[nd_ii][nd_jj];",
                    c, n);
    }
    cg_line(out, ind, "} else {");
    syrk_edge(E, t, out, ind + 1);
    cg_line(out, ind, "}");
}

static void syrk_panels(cg_emitter *E, const syrk_text *t, strbuf *out, int ind)
{
    const char *m = t->m, *n = t->n;
    cg_line(out, ind, "double nd_d[%d];", SYRK_KB);
    cg_line(out, ind, "const long nd_m4 = %s - %s %% 4;", m, m);
    cg_line(out, ind, "long nd_k0, nd_k1, nd_i0, nd_i1, nd_j0, nd_j1, nd_ii, nd_jj;");
    cg_line(out, ind, "for (nd_k0 = 0; nd_k0 < nd_m4; nd_k0 = nd_k1) {");
    cg_line(out, ind + 1, "nd_k1 = nd_m4 - nd_k0 > %d ? nd_k0 + %d : nd_m4;", SYRK_KB, SYRK_KB);
    cg_line(out, ind + 1, "for (k = nd_k0; k < nd_k1; k++)");
    cg_line(out, ind + 2, "nd_d[k - nd_k0] = %s;", sb_str(&t->d));
    cg_line(out, ind + 1, "for (nd_i0 = 0; nd_i0 < %s; nd_i0 = nd_i1) {", n);
    cg_line(out, ind + 2, "nd_i1 = %s - nd_i0 > %d ? nd_i0 + %d : %s;", n, SYRK_IB, SYRK_IB, n);
    cg_line(out, ind + 2, "for (nd_j0 = nd_i0; nd_j0 < %s; nd_j0 = nd_j1) {", n);
    cg_line(out, ind + 3, "nd_j1 = %s - nd_j0 > %d ? nd_j0 + %d : %s;", n, SYRK_JB, SYRK_JB, n);
    syrk_tile(E, t, out, ind + 3);
    cg_line(out, ind + 2, "}");
    cg_line(out, ind + 1, "}");
    cg_line(out, ind, "}");
}

static void syrk_plain(cg_emitter *E, const cg_ins *in, const char *c, const char *m,
                       const char *n, strbuf *out, int ind)
{
    static const char *const ks[] = { "k", "(k + 1)", "(k + 2)", "(k + 3)" };
    syrk_text t = { .c = c, .m = m, .n = n, .a = in->a };
    sb_init(&t.d);
    cg_velem(E, in->b, "k", &t.d);
    sb_init(&t.xi);
    sb_init(&t.xj);
    cg_elem(E, in->a, "k", "i", &t.xi);
    cg_elem(E, in->a, "k", "j", &t.xj);
    for (int r = 0; r < 4; r++) {
        strbuf *all[] = { &t.ti[r], &t.ti1[r], &t.tj[r] };
        for (int q = 0; q < 3; q++)
            sb_init(all[q]);
        cg_elem(E, in->a, ks[r], "(nd_i0 + nd_ii)", &t.ti[r]);
        cg_elem(E, in->a, ks[r], "(nd_i0 + nd_ii + 1)", &t.ti1[r]);
        cg_elem(E, in->a, ks[r], "(nd_j0 + nd_jj)", &t.tj[r]);
    }
    cg_line(out, ind, "for (i = 0; i < %s * %s; i++)", n, n);
    cg_line(out, ind + 1, "%s[i] = 0.0;", c);
    cg_line(out, ind, "{");
    syrk_panels(E, &t, out, ind + 1);
    cg_line(out, ind + 1, "for (k = nd_m4; k < %s; k++) {", m);
    cg_line(out, ind + 2, "vi = %s;", sb_str(&t.d));
    cg_line(out, ind + 2, "for (i = 0; i < %s; i++) {", n);
    cg_line(out, ind + 3, "aik = vi * %s;", sb_str(&t.xi));
    cg_line(out, ind + 3, "for (j = i; j < %s; j++)", n);
    cg_line(out, ind + 4, "%s[i * %s + j] += aik * %s;", c, n, sb_str(&t.xj));
    cg_line(out, ind + 2, "}");
    cg_line(out, ind + 1, "}");
    cg_line(out, ind, "}");
    E->uses |= U_I | U_J | U_K | U_VI | U_AIK | U_ACC4;
    sb_free(&t.xi);
    sb_free(&t.xj);
    for (int r = 0; r < 4; r++) {
        sb_free(&t.ti[r]);
        sb_free(&t.ti1[r]);
        sb_free(&t.tj[r]);
    }
    sb_free(&t.d);
}

void cg_syrk_ins(cg_emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    strbuf c, m, n, d;
    strbuf *all[] = { &c, &m, &n, &d };
    for (size_t i = 0; i < 4; i++)
        sb_init(all[i]);
    cg_pointer_text(E, in->node, &c);
    cg_dim_text(E, in->a->shape.rows, &m);
    cg_dim_text(E, in->a->shape.cols, &n);
    if (E->p->opt->blas)
        cg_velem(E, in->b, "k", &d);
    if (E->p->opt->blas)
        syrk_blas(E, in, sb_str(&c), sb_str(&m), sb_str(&n), sb_str(&d), out, ind);
    else
        syrk_plain(E, in, sb_str(&c), sb_str(&m), sb_str(&n), out, ind);
    syrk_mirror(E, sb_str(&c), sb_str(&n), out, ind);
    for (size_t i = 0; i < 4; i++)
        sb_free(all[i]);
}
