/* cg_emit.c: the plan (cg_plan.c) written as C99. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "num.h"
#include "ops.h"
#include "shape.h"

/* Helpers the generated file defines when it uses them. ORDER HELPER */
enum helper {
    H_MAX, H_SQ, H_SIGMOID, H_SWISH, H_SOFTPLUS, H_RELU, H_STEP, H_SIGN, H_DET, H_INV,
    H_MPOW, H_SOFTMAX, H_LOGSUMEXP, H_XENT, H_DOT, H_AXPY, N_HELPERS
};

typedef struct emitter {
    cg_plan *p;
    nd_ctx *ctx;
    const char *name;           /* the functions' prefix */
    const char **var_c;         /* by variable: its C identifier */
    const char **dim_c;         /* by dimension index: C identifier */
    const char **grad_c;        /* by gradient: grad_<its variable's identifier> */
    const nd_node *self;        /* the node being computed: expanded, not read */
    unsigned helpers;
    /* what the code written so far names, for the declarations */
    unsigned char *used_var, *used_dim, *used_grad, *used_buf, *used_local;
    int *group_buf, n_group_buf;    /* the buffers used_buf marks, for clearing */
    int *slot_head, *slot_next;     /* each slot's buffers, ascending */
    int uses_offsets;           /* the code reads off[] */
    char *bug;                  /* the first inconsistency of the plan, or NULL */
} emitter;

static void line(strbuf *out, int indent, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An inconsistency of the plan: the text goes on (with a placeholder) and
 * cg_emit reports the first one as an internal error instead of C. */
static void bug(emitter *E, const nd_node *n, const char *what)
{
    if (E->bug)
        return;
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "%s (node %u, operator %s, %s)", what, n->id, ops_table[n->op].name,
              shape_str(E->ctx, n->shape));
    E->bug = xstrdup(sb_str(&b));
    sb_free(&b);
}

/* ---- identifiers ---- */

/* Buffer b is named by the current group's code. */
static void use_buf(emitter *E, int b)
{
    if (!E->used_buf[b]) {
        E->used_buf[b] = 1;
        E->group_buf[E->n_group_buf++] = b;
    }
}

static void dim_text(emitter *E, nd_dim d, strbuf *out)
{
    long v = dim_value(E->ctx, d);
    if (v > 0) {
        sb_printf(out, "%ld", v);
    } else {
        sb_puts(out, E->dim_c[dim_find(E->ctx, d)]);
        E->used_dim[dim_find(E->ctx, d)] = 1;
    }
}

/* rows*cols as a size_t expression ("(size_t)m", "(size_t)m * n"). */
static void size_text(emitter *E, nd_shape s, strbuf *out)
{
    sb_puts(out, "(size_t)");
    if (!dim_is_one(E->ctx, s.rows))
        dim_text(E, s.rows, out);
    if (!dim_is_one(E->ctx, s.rows) && !dim_is_one(E->ctx, s.cols))
        sb_puts(out, " * ");
    if (!dim_is_one(E->ctx, s.cols) || dim_is_one(E->ctx, s.rows))
        dim_text(E, s.cols, out);
}

static const char *grad_name(emitter *E, int g)
{
    E->used_grad[g] = 1;
    return E->grad_c[g];
}

/* The pointer of a materialized value: an input, a workspace buffer, an output. */
static void pointer_text(emitter *E, const nd_node *n, strbuf *out)
{
    cg_value *v = cg_val(E->p, n);
    if (v->kind == V_INPUT) {
        sb_puts(out, E->var_c[v->index]);
        E->used_var[v->index] = 1;
        return;
    }
    if (v->kind != V_BUFFER) {
        bug(E, n, "the plan reads an array it never made");
        sb_puts(out, "work");
        return;
    }
    cg_buffer *b = &E->p->buf[v->index];
    if (b->grad >= 0) {
        sb_puts(out, grad_name(E, b->grad));
    } else {
        sb_printf(out, "b%d", v->index);
        use_buf(E, v->index);
    }
}

/* ---- element expressions ---- */

static void elem(emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out);

/* [index of (ri, ci)] in a row-major array of that shape. */
static void index_text(emitter *E, nd_shape shape, const char *ri, const char *ci, strbuf *out)
{
    nd_ctx *ctx = E->ctx;
    int one_r = dim_is_one(ctx, shape.rows), one_c = dim_is_one(ctx, shape.cols);
    if (one_r && one_c)
        sb_puts(out, "[0]");
    else if (one_c)
        sb_printf(out, "[%s]", ri);
    else if (one_r)
        sb_printf(out, "[%s]", ci);
    else {
        sb_printf(out, "[(size_t)%s * ", ri);
        dim_text(E, shape.cols, out);
        sb_printf(out, " + %s]", ci);
    }
}

/* P[index of (ri, ci)] for a materialized value (r<k> for a row local). */
static void access(emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    cg_value *v = cg_val(E->p, n);
    if (v->kind == V_BUFFER && v->row_local) {
        sb_printf(out, "r%d", v->index);
        E->used_local[v->index] = 1;
        return;
    }
    pointer_text(E, n, out);
    index_text(E, n->shape, ri, ci, out);
}

static int single_access(emitter *E, const nd_node *n)
{
    cg_value *v = cg_val(E->p, n);
    return n != E->self && v->kind != V_INLINE;
}

static void join(emitter *E, const nd_node *n, const char *sep, const char *ri, const char *ci,
                 strbuf *out)
{
    sb_putc(out, '(');
    for (uint32_t k = 0; k < n->nkids; k++) {
        if (k)
            sb_puts(out, sep);
        int sc = shape_is_scalar(E->ctx, n->kid[k]->shape);
        elem(E, n->kid[k], sc ? "0" : ri, sc ? "0" : ci, out);
    }
    sb_putc(out, ')');
}

/* x^p for a constant p: products, sqrt or pow. */
static void power(emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    const nd_node *x = n->kid[0], *e = n->kid[1];
    strbuf b;
    sb_init(&b);
    elem(E, x, ri, ci, &b);
    long k;
    if (e->op == OP_CONST && num_fits_long(e->u.q, &k) && k >= -3 && k <= 3 && k != 0) {
        const char *base = sb_str(&b);
        if (k < 0)
            sb_puts(out, "(1.0 / ");
        if (abs((int)k) == 2 && !single_access(E, x)) {
            E->helpers |= 1u << H_SQ;
            sb_printf(out, "nd__sq(%s)", base);
        } else {
            sb_putc(out, '(');
            for (long t = 0; t < labs(k); t++)
                sb_printf(out, "%s%s", t ? " * " : "", base);
            sb_putc(out, ')');
        }
        if (k < 0)
            sb_putc(out, ')');
    } else if (e->op == OP_CONST && mpq_cmp_si(e->u.q, 1, 2) == 0) {
        sb_printf(out, "sqrt(%s)", sb_str(&b));
    } else if (e->op == OP_CONST && mpq_cmp_si(e->u.q, -1, 2) == 0) {
        sb_printf(out, "(1.0 / sqrt(%s))", sb_str(&b));
    } else {
        sb_printf(out, "pow(%s, ", sb_str(&b));
        elem(E, e, "0", "0", out);
        sb_putc(out, ')');
    }
    sb_free(&b);
}

static void bcast_elem(emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    const nd_node *x = n->kid[0];
    elem(E, x, dim_is_one(E->ctx, x->shape.rows) ? "0" : ri,
         dim_is_one(E->ctx, x->shape.cols) ? "0" : ci, out);
}

static void prod_elem(emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    nd_ctx *ctx = E->ctx;
    int outer = n->nkids == 2 && !shape_is_scalar(ctx, n->kid[0]->shape);
    if (!outer) {   /* scalars times one matrix */
        join(E, n, " * ", ri, ci, out);
        return;
    }
    sb_putc(out, '(');
    elem(E, n->kid[0], ri, "0", out);
    sb_puts(out, " * ");
    elem(E, n->kid[1], "0", ci, out);
    sb_putc(out, ')');
}

static const enum helper elem_helper[OP__COUNT] = {
    [OP_SIGMOID] = H_SIGMOID, [OP_SWISH] = H_SWISH, [OP_SOFTPLUS] = H_SOFTPLUS,
    [OP_RELU] = H_RELU, [OP_STEP] = H_STEP, [OP_SIGN] = H_SIGN,
};

static void function_elem(emitter *E, const nd_node *n, const char *ri, const char *ci,
                          strbuf *out)
{
    const nd_opinfo *o = &ops_table[n->op];
    if (elem_helper[n->op])
        E->helpers |= 1u << elem_helper[n->op];
    if (!o->c_name)
        bug(E, n, "the plan computes an operation element by element that has no element form");
    sb_printf(out, "%s(", o->c_name ? o->c_name : "nd__missing");
    for (uint32_t k = 0; k < n->nkids; k++) {     /* max(x, y) is fmax(x, y) */
        if (k)
            sb_puts(out, ", ");
        elem(E, n->kid[k], ri, ci, out);
    }
    sb_putc(out, ')');
}

/* A constant as a double literal; one past the range of double (1e350)
 * is HUGE_VAL, which it rounds to, as the literal would not compile
 * cleanly. */
static void constant(strbuf *out, const nd_node *n)
{
    strbuf b;
    sb_init(&b);
    num_format_c(&b, n->u.q);
    if (!strcmp(sb_str(&b), "inf"))
        sb_puts(out, "HUGE_VAL");
    else if (!strcmp(sb_str(&b), "-inf"))
        sb_puts(out, "(-HUGE_VAL)");
    else
        sb_puts(out, sb_str(&b));
    sb_free(&b);
}

/* The expression of n's own operation (n inline, or the node being computed). */
static void expand(emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    switch ((enum nd_op)n->op) {
    case OP_CONST: constant(out, n); break;
    case OP_PI: sb_puts(out, "3.14159265358979323846"); break;
    case OP_DIMVAL:
        sb_puts(out, "(double)");
        dim_text(E, n->u.dim, out);
        break;
    case OP_EYE:
        if (!strcmp(ri, ci))
            sb_puts(out, "1.0");    /* on the diagonal */
        else
            sb_printf(out, "(%s == %s ? 1.0 : 0.0)", ri, ci);
        break;
    case OP_TRANSPOSE: elem(E, n->kid[0], ci, ri, out); break;
    case OP_BCAST: bcast_elem(E, n, ri, ci, out); break;
    case OP_DIAGM:
        if (strcmp(ri, ci))
            sb_printf(out, "(%s == %s ? ", ri, ci);
        elem(E, n->kid[0], ri, "0", out);
        if (strcmp(ri, ci))
            sb_puts(out, " : 0.0)");
        break;
    case OP_DIAGV: elem(E, n->kid[0], ri, ri, out); break;
    case OP_ADD: join(E, n, " + ", ri, ci, out); break;
    case OP_EMUL: join(E, n, " * ", ri, ci, out); break;
    case OP_PROD: prod_elem(E, n, ri, ci, out); break;
    case OP_EPOW: power(E, n, ri, ci, out); break;
    default: function_elem(E, n, ri, ci, out); break;
    }
}

static void elem(emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    cg_value *v = cg_val(E->p, n);
    if (n == E->self || v->kind == V_INLINE)
        expand(E, n, ri, ci, out);
    else if (v->kind == V_SCALAR)
        sb_printf(out, "s%d", v->index);
    else
        access(E, n, ri, ci, out);
}

/* A vector operand's element c: a column at (c, 0), a row at (0, c). */
static void velem(emitter *E, const nd_node *v, const char *c, strbuf *out)
{
    if (dim_is_one(E->ctx, v->shape.rows))
        elem(E, v, "0", c, out);
    else
        elem(E, v, c, "0", out);
}

/* ---- contiguous rows, for the kernels ---- */

/* A plain array in memory: an input, or a buffer that is not a local. */
static int plain(emitter *E, const nd_node *n)
{
    cg_value *v = cg_val(E->p, n);
    return n != E->self && (v->kind == V_INPUT || (v->kind == V_BUFFER && !v->row_local));
}

/* Row ri of n, contiguous in memory: its address in ptr. */
static int contig_row(emitter *E, const nd_node *n, const char *ri, strbuf *ptr)
{
    if (!plain(E, n))
        return 0;
    pointer_text(E, n, ptr);
    if (!dim_is_one(E->ctx, n->shape.rows) && strcmp(ri, "0")) {
        sb_printf(ptr, " + (size_t)%s * ", ri);
        dim_text(E, n->shape.cols, ptr);
    }
    return 1;
}

/* A vector (a column, a row, or the transpose of one), contiguous. */
static int contig_vec(emitter *E, const nd_node *v, strbuf *ptr)
{
    if (v->op == OP_TRANSPOSE && cg_val(E->p, v)->kind == V_INLINE)
        v = v->kid[0];      /* x' has x's memory */
    if (!plain(E, v))
        return 0;
    pointer_text(E, v, ptr);
    return 1;
}

/* Row ri of an instruction's buffer (only element loops write outputs
 * directly, through target()). */
static void target_row(emitter *E, const cg_ins *in, const char *ri, strbuf *ptr)
{
    nd_node *n = in->node;
    pointer_text(E, n, ptr);
    if (!dim_is_one(E->ctx, n->shape.rows) && !dim_is_one(E->ctx, n->shape.cols) &&
        strcmp(ri, "0")) {
        sb_printf(ptr, " + (size_t)%s * ", ri);
        dim_text(E, n->shape.cols, ptr);
    }
}

/* Kernels with restrict parameters: GCC vectorizes those reliably. */
static void kernel_dot(emitter *E, const char *x, const char *y, nd_dim len, strbuf *out, int ind)
{
    strbuf b;
    sb_init(&b);
    dim_text(E, len, &b);
    E->helpers |= 1u << H_DOT;
    line(out, ind, "acc = nd__dot(%s, %s, %s);", sb_str(&b), x, y);
    sb_free(&b);
}

/* ---- instructions ---- */

static void line(strbuf *out, int indent, const char *fmt, ...)
{
    for (int i = 0; i < indent; i++)
        sb_puts(out, "    ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(out, fmt, ap);
    va_end(ap);
    sb_putc(out, '\n');
}

/* The target of an instruction's result, element (ri, ci). */
static void target(emitter *E, const cg_ins *in, const char *ri, const char *ci, strbuf *out)
{
    if (in->out < 0) {
        access(E, in->node, ri, ci, out);
        return;
    }
    sb_puts(out, grad_name(E, in->out));
    index_text(E, in->node->shape, ri, ci, out);
}

/* A loop "for (v = 0; v < bound; v++)" over a dimension, or nothing when it is 1. */
static int open_loop(emitter *E, strbuf *out, int indent, const char *v, nd_dim bound)
{
    if (dim_is_one(E->ctx, bound))
        return 0;
    strbuf b;
    sb_init(&b);
    dim_text(E, bound, &b);
    line(out, indent, "for (%s = 0; %s < %s; %s++) {", v, v, sb_str(&b), v);
    sb_free(&b);
    return 1;
}

static void close_loop(strbuf *out, int indent, int opened)
{
    if (opened)
        line(out, indent, "}");
}

static const char *index_or_zero(emitter *E, nd_dim bound, const char *v)
{
    return dim_is_one(E->ctx, bound) ? "0" : v;
}

static void body_elem(emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
{
    nd_node *n = in->node;
    const char *cj = index_or_zero(E, n->shape.cols, "j");
    int lj = open_loop(E, out, ind, "j", n->shape.cols);
    strbuf t, e;
    sb_init(&t);
    sb_init(&e);
    target(E, in, ri, cj, &t);
    E->self = in->out < 0 ? n : NULL;
    elem(E, n, ri, cj, &e);
    E->self = NULL;
    line(out, ind + lj, "%s = %s;", sb_str(&t), sb_str(&e));
    close_loop(out, ind, lj);
    sb_free(&t);
    sb_free(&e);
}

/* The element j of a vector result (column or row). */
static void vtarget(emitter *E, const cg_ins *in, const char *c, strbuf *out)
{
    if (dim_is_one(E->ctx, in->node->shape.rows))
        target(E, in, "0", c, out);
    else
        target(E, in, c, "0", out);
}

/* The two factors of a dot product's term at index k. */
typedef void (*term_fn)(emitter *E, const cg_ins *in, const char *ri, const char *k,
                        strbuf *x, strbuf *y);

/* acc = sum over k < bound of x(k)*y(k), unrolled by four into independent
 * sums: without -ffast-math one sum is a chain of dependent additions. */
static void dot(emitter *E, const cg_ins *in, const char *ri, term_fn term, nd_dim bound,
                strbuf *out, int ind)
{
    static const char *const ks[] = { "k", "(k + 1)", "(k + 2)", "(k + 3)" };
    strbuf x, y, b;
    sb_init(&x);
    sb_init(&y);
    sb_init(&b);
    dim_text(E, bound, &b);
    if (dim_value(E->ctx, bound) > 0 && dim_value(E->ctx, bound) < 8) {   /* short: plain */
        line(out, ind, "acc = 0.0;");
        int lk = open_loop(E, out, ind, "k", bound);
        term(E, in, ri, "k", &x, &y);
        line(out, ind + lk, "acc += %s * %s;", sb_str(&x), sb_str(&y));
        close_loop(out, ind, lk);
    } else {
        line(out, ind, "acc0 = acc1 = acc2 = acc3 = 0.0;");
        line(out, ind, "for (k = 0; k + 4 <= %s; k += 4) {", sb_str(&b));
        for (int u = 0; u < 4; u++) {
            sb_clear(&x);
            sb_clear(&y);
            term(E, in, ri, ks[u], &x, &y);
            line(out, ind + 1, "acc%d += %s * %s;", u, sb_str(&x), sb_str(&y));
        }
        line(out, ind, "}");
        sb_clear(&x);
        sb_clear(&y);
        term(E, in, ri, "k", &x, &y);
        line(out, ind, "for (; k < %s; k++)", sb_str(&b));
        line(out, ind + 1, "acc0 += %s * %s;", sb_str(&x), sb_str(&y));
        line(out, ind, "acc = (acc0 + acc1) + (acc2 + acc3);");
    }
    sb_free(&x);
    sb_free(&y);
    sb_free(&b);
}

static void mv_term(emitter *E, const cg_ins *in, const char *ri, const char *k, strbuf *x,
                    strbuf *y)
{
    elem(E, in->a, ri, k, x);
    velem(E, in->b, k, y);
}

/* y(i) = sum_k M(i, k) v(k): one dot product per row of M. */
static void body_mv(emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
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
    line(out, ind, "%s = acc;", sb_str(&t));
    sb_free(&t);
    sb_free(&a);
    sb_free(&v);
}

/* target(j) += scale * source(j) for j < bound, unrolled by four. */
typedef void (*axpy_fn)(emitter *E, const cg_ins *in, const char *ri, const char *j,
                        strbuf *target, strbuf *source);

static void axpy(emitter *E, const cg_ins *in, const char *ri, const char *scale, axpy_fn at,
                 nd_dim bound, strbuf *out, int ind)
{
    static const char *const js[] = { "j", "(j + 1)", "(j + 2)", "(j + 3)" };
    strbuf t, x, b;
    sb_init(&t);
    sb_init(&x);
    sb_init(&b);
    dim_text(E, bound, &b);
    int unroll = !(dim_value(E->ctx, bound) > 0 && dim_value(E->ctx, bound) < 8);
    if (unroll) {
        line(out, ind, "for (j = 0; j + 4 <= %s; j += 4) {", sb_str(&b));
        for (int u = 0; u < 4; u++) {
            sb_clear(&t);
            sb_clear(&x);
            at(E, in, ri, js[u], &t, &x);
            line(out, ind + 1, "%s += %s * %s;", sb_str(&t), scale, sb_str(&x));
        }
        line(out, ind, "}");
    }
    sb_clear(&t);
    sb_clear(&x);
    at(E, in, ri, "j", &t, &x);
    if (unroll)
        line(out, ind, "for (; j < %s; j++)", sb_str(&b));
    int lj = unroll ? 1 : open_loop(E, out, ind, "j", bound);
    line(out, ind + lj, "%s += %s * %s;", sb_str(&t), scale, sb_str(&x));
    if (!unroll)
        close_loop(out, ind, lj);
    sb_free(&t);
    sb_free(&x);
    sb_free(&b);
}

static void mvt_at(emitter *E, const cg_ins *in, const char *ri, const char *j, strbuf *t,
                   strbuf *x)
{
    vtarget(E, in, j, t);
    elem(E, in->a, ri, j, x);
}

static void kernel_axpy(emitter *E, const char *scale, const char *x, const char *y,
                        nd_dim len, strbuf *out, int ind)
{
    strbuf b;
    sb_init(&b);
    dim_text(E, len, &b);
    E->helpers |= 1u << H_AXPY;
    line(out, ind, "nd__axpy(%s, %s, %s, %s);", sb_str(&b), scale, x, y);
    sb_free(&b);
}

static void body_mvt(emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
{
    strbuf v, a, t;
    sb_init(&v);
    sb_init(&a);
    sb_init(&t);
    velem(E, in->b, ri, &v);
    line(out, ind, "vi = %s;", sb_str(&v));
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

static void mm_at(emitter *E, const cg_ins *in, const char *ri, const char *j, strbuf *t,
                  strbuf *x)
{
    target(E, in, ri, j, t);
    elem(E, in->b, "k", j, x);
}

static void mm_term(emitter *E, const cg_ins *in, const char *ri, const char *k, strbuf *x,
                    strbuf *y)
{
    elem(E, in->a, ri, k, x);
    elem(E, in->b, "j", k, y);
}

static void body_mm(emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
{
    nd_node *n = in->node;
    strbuf a, b, t;
    sb_init(&a);
    sb_init(&b);
    sb_init(&t);
    elem(E, in->a, ri, "k", &a);
    target(E, in, ri, "j", &t);
    strbuf ra, rb, rc;
    sb_init(&ra);
    sb_init(&rb);
    sb_init(&rc);
    if (in->b_transposed) {     /* dot products: both read along rows */
        int lj = open_loop(E, out, ind, "j", n->shape.cols);
        if (contig_row(E, in->a, ri, &ra) && contig_row(E, in->b, "j", &rb))
            kernel_dot(E, sb_str(&ra), sb_str(&rb), in->a->shape.cols, out, ind + lj);
        else
            dot(E, in, ri, mm_term, in->a->shape.cols, out, ind + lj);
        line(out, ind + lj, "%s = acc;", sb_str(&t));
        close_loop(out, ind, lj);
    } else if (contig_row(E, in->b, "k", &rb)) {    /* rows of B into row i of C */
        target_row(E, in, ri, &rc);
        int lj = open_loop(E, out, ind, "j", n->shape.cols);
        line(out, ind + lj, "%s = 0.0;", sb_str(&t));
        close_loop(out, ind, lj);
        int lk = open_loop(E, out, ind, "k", in->a->shape.cols);
        line(out, ind + lk, "aik = %s;", sb_str(&a));
        kernel_axpy(E, "aik", sb_str(&rb), sb_str(&rc), n->shape.cols, out, ind + lk);
        close_loop(out, ind, lk);
    } else {                    /* i-k-j: rows of B added into the row of C */
        elem(E, in->b, "k", "j", &b);
        int lj = open_loop(E, out, ind, "j", n->shape.cols);
        line(out, ind + lj, "%s = 0.0;", sb_str(&t));
        close_loop(out, ind, lj);
        int lk = open_loop(E, out, ind, "k", in->a->shape.cols);
        line(out, ind + lk, "aik = %s;", sb_str(&a));
        axpy(E, in, ri, "aik", mm_at, n->shape.cols, out, ind + lk);
        close_loop(out, ind, lk);
    }
    sb_free(&a);
    sb_free(&b);
    sb_free(&t);
    sb_free(&ra);
    sb_free(&rb);
    sb_free(&rc);
}

static void body_reduce(emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
{
    nd_node *n = in->node;
    int s = cg_val(E->p, n)->index;
    strbuf e;
    sb_init(&e);
    if (n->op == OP_PROD) {     /* a dot product */
        strbuf u;
        sb_init(&u);
        velem(E, n->kid[0], ri, &u);
        velem(E, n->kid[1], ri, &e);
        line(out, ind, "s%d += %s * %s;", s, sb_str(&u), sb_str(&e));
        sb_free(&u);
    } else if (n->op == OP_TR) {
        elem(E, n->kid[0], ri, ri, &e);
        line(out, ind, "s%d += %s;", s, sb_str(&e));
    } else {
        nd_node *x = n->kid[0];
        const char *cj = index_or_zero(E, x->shape.cols, "j");
        int lj = open_loop(E, out, ind, "j", x->shape.cols);
        elem(E, x, ri, cj, &e);
        if (n->op == OP_NORM2 || n->op == OP_NORM) {
            line(out, ind + lj, "acc = %s;", sb_str(&e));
            line(out, ind + lj, "s%d += acc * acc;", s);
        } else {
            line(out, ind + lj, "s%d += %s%s%s;", s, n->op == OP_NORM1 ? "fabs(" : "",
                 sb_str(&e), n->op == OP_NORM1 ? ")" : "");
        }
        close_loop(out, ind, lj);
    }
    sb_free(&e);
}

static void body(emitter *E, const cg_ins *in, const char *ri, strbuf *out, int ind)
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
static void prologue(emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    if (in->kind == I_REDUCE) {
        line(out, ind, "s%d = 0.0;", cg_val(E->p, in->node)->index);
    } else if (in->kind == I_MVT) {
        strbuf t;
        sb_init(&t);
        vtarget(E, in, "j", &t);
        int lj = open_loop(E, out, ind, "j", in->a->shape.cols);
        line(out, ind + lj, "%s = 0.0;", sb_str(&t));
        close_loop(out, ind, lj);
        sb_free(&t);
    }
}

/* After the loop: what a reduction does with its sum. */
static void epilogue(emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    nd_node *n = in->node;
    if (in->kind != I_REDUCE)
        return;
    int s = cg_val(E->p, n)->index;
    if (n->op == OP_NORM) {
        line(out, ind, "s%d = sqrt(s%d);", s, s);
    } else if (n->op == OP_MEAN) {
        strbuf sz;
        sb_init(&sz);
        size_text(E, n->kid[0]->shape, &sz);
        line(out, ind, "s%d /= (double)(%s);", s, sb_str(&sz));
        sb_free(&sz);
    }
}

/* ---- scalars and helpers ---- */

static void scalar_ins(emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    strbuf e;
    sb_init(&e);
    E->self = in->node;
    elem(E, in->node, "0", "0", &e);
    E->self = NULL;
    line(out, ind, "s%d = %s;", cg_val(E->p, in->node)->index, sb_str(&e));
    sb_free(&e);
}

/* A helper's operand: an array, or a scalar's address (a 1 x 1 matrix
 * whose shape became scalar only after its operation was built). */
static void text_of(emitter *E, const nd_node *n, strbuf *out)
{
    if (cg_val(E->p, n)->kind == V_SCALAR)
        sb_printf(out, "&s%d", cg_val(E->p, n)->index);
    else
        pointer_text(E, n, out);
}

/* Helpers that write their result through a pointer. */
static int writes_array(const nd_node *n)
{
    return n->op == OP_INV || n->op == OP_MPOW || n->op == OP_SOFTMAX ||
           n->op == OP_LOGSOFTMAX || n->op == OP_LOGSUMEXP;
}

static void call_ins(emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    nd_node *n = in->node, *a = n->kid[0];
    strbuf A, R, C, T, S;
    sb_init(&A);
    sb_init(&R);
    sb_init(&C);
    sb_init(&T);
    sb_init(&S);
    text_of(E, a, &A);
    dim_text(E, a->shape.rows, &R);
    dim_text(E, a->shape.cols, &C);
    if (in->scratch >= 0) {
        sb_printf(&S, "b%d", in->scratch);
        use_buf(E, in->scratch);
    }
    cg_value *v = cg_val(E->p, n);
    if (v->kind == V_BUFFER)
        pointer_text(E, n, &T);
    else if (writes_array(n))   /* one number (logsumexp of a vector), by address */
        sb_printf(&T, "&s%d", v->index);
    else
        sb_printf(&T, "s%d", v->index);
    const char *t = sb_str(&T), *A_ = sb_str(&A), *r = sb_str(&R), *c = sb_str(&C), *sc = sb_str(&S);
    switch ((enum nd_op)n->op) {
    case OP_INV: E->helpers |= 1u << H_INV; line(out, ind, "nd__inv(%s, %s, %s, %s);", r, A_, sc, t); break;
    case OP_MPOW:
        E->helpers |= 1u << H_MPOW;
        line(out, ind, "nd__mpow(%s, %s, %ld, %s, %s);", r, A_, n->u.k, sc, t);
        break;
    case OP_DET: E->helpers |= 1u << H_DET; line(out, ind, "%s = nd__det(%s, %s, %s);", t, r, A_, sc); break;
    case OP_LOGDET:
        E->helpers |= 1u << H_DET;
        line(out, ind, "%s = log(nd__det(%s, %s, %s));", t, r, A_, sc);
        break;
    case OP_SOFTMAX:
    case OP_LOGSOFTMAX:
        E->helpers |= 1u << H_SOFTMAX;
        line(out, ind, "nd__softmax(%s, %s, %s, %s, %d);", r, c, A_, t, n->op == OP_LOGSOFTMAX);
        break;
    case OP_LOGSUMEXP:
        E->helpers |= 1u << H_LOGSUMEXP;
        line(out, ind, "nd__logsumexp(%s, %s, %s, %s);", r, c, A_, t);
        break;
    default: {  /* crossentropy */
        strbuf Y;
        sb_init(&Y);
        text_of(E, n->kid[1], &Y);
        E->helpers |= 1u << H_XENT;
        line(out, ind, "%s = nd__xent(%s, %s, %s, %s);", t, r, c, A_, sb_str(&Y));
        sb_free(&Y);
    }
    }
    sb_free(&A);
    sb_free(&R);
    sb_free(&C);
    sb_free(&T);
    sb_free(&S);
}

/* ---- CBLAS (--blas) ----
 *
 * Matrix-vector and matrix-matrix products become dgemv and dgemm.  Outer
 * products stay loops, not dger: dger adds x*y' into a matrix, so a
 * gradient that is an outer product (dz*h') would take a pass to clear it
 * and a pass to add, and a sum of them (W*(r*x' + x*r')) one pass per
 * term, where the fused loop writes each entry once. */

/* A product operand as BLAS sees it: a plain array, maybe transposed. */
static int blas_operand(emitter *E, const nd_node *n, strbuf *ptr)
{
    int t = n->op == OP_TRANSPOSE && cg_val(E->p, n)->kind == V_INLINE;
    pointer_text(E, t ? n->kid[0] : n, ptr);
    return t;
}

static int is_blas(emitter *E, const cg_ins *in)
{
    return E->p->opt->blas && (in->kind == I_MV || in->kind == I_MVT || in->kind == I_MM);
}

static int blas_ins(emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    if (!is_blas(E, in))
        return 0;
    strbuf A, B, T, R, C, K, LDA, LDB;
    strbuf *all[] = { &A, &B, &T, &R, &C, &K, &LDA, &LDB };
    for (size_t i = 0; i < 8; i++)
        sb_init(all[i]);
    int ta = blas_operand(E, in->a, &A);
    blas_operand(E, in->b, &B);
    pointer_text(E, in->node, &T);
    const nd_node *a = ta ? in->a->kid[0] : in->a;
    dim_text(E, a->shape.rows, &R);
    dim_text(E, a->shape.cols, &C);
    if (in->kind != I_MM) {
        line(out, ind, "cblas_dgemv(CblasRowMajor, %s, %s, %s, 1.0, %s, %s, %s, 1, 0.0, %s, 1);",
             in->kind == I_MVT ? "CblasTrans" : "CblasNoTrans", sb_str(&R), sb_str(&C), sb_str(&A),
             sb_str(&C), sb_str(&B), sb_str(&T));
    } else {
        nd_node *n = in->node;
        sb_clear(&R);
        sb_clear(&C);
        dim_text(E, n->shape.rows, &R);
        dim_text(E, n->shape.cols, &C);
        dim_text(E, in->a->shape.cols, &K);
        dim_text(E, a->shape.cols, &LDA);
        dim_text(E, in->b->shape.cols, &LDB);
        line(out, ind, "cblas_dgemm(CblasRowMajor, %s, %s, %s, %s, %s, 1.0, %s, %s, %s, %s, 0.0, %s, %s);",
             ta ? "CblasTrans" : "CblasNoTrans", in->b_transposed ? "CblasTrans" : "CblasNoTrans",
             sb_str(&R), sb_str(&C), sb_str(&K), sb_str(&A), sb_str(&LDA), sb_str(&B), sb_str(&LDB),
             sb_str(&T), sb_str(&C));
    }
    for (size_t i = 0; i < 8; i++)
        sb_free(all[i]);
    return 1;
}

/* ---- groups ---- */

/* need: one unsigned while the objective and the gradients fit in 32
 * bits, else an array of words. */
static int need_words(const cg_plan *p)
{
    return (p->n_grads + 1 + 31) / 32;
}

/* "if (need & m) {" when an output-only value might be skipped; with
 * several words "if ((need[0] & m0) || (need[2] & m2)) {". */
static int open_guard(emitter *E, strbuf *out, int ind, cg_mask mask, cg_mask outer)
{
    if (mask == CG_ALWAYS || mask == outer)
        return 0;
    const cg_maskdef *m = &E->p->masks[mask];
    for (int i = 0; i < ind; i++)
        sb_puts(out, "    ");
    sb_puts(out, "if (");
    for (int k = 0; k < m->n; k++) {
        if (need_words(E->p) == 1)
            sb_printf(out, "need & %#xu", m->bits[k]);
        else if (m->n == 1)
            sb_printf(out, "need[%u] & %#xu", m->word[k], m->bits[k]);
        else
            sb_printf(out, "%s(need[%u] & %#xu)", k ? " || " : "", m->word[k], m->bits[k]);
    }
    sb_puts(out, ") {\n");
    return 1;
}

static void single(emitter *E, const cg_ins *in, strbuf *out, int ind)
{
    int g = open_guard(E, out, ind, in->mask, 0);
    if (blas_ins(E, in, out, ind + g))
        ;
    else if (in->kind == I_SCALAR)
        scalar_ins(E, in, out, ind + g);
    else if (in->kind == I_CALL)
        call_ins(E, in, out, ind + g);
    close_loop(out, ind, g);
}

/* A prologue or epilogue under its guard, when it has anything to say. */
static void guarded(emitter *E, const cg_ins *in, cg_mask all,
                    void (*part)(emitter *, const cg_ins *, strbuf *, int), strbuf *out, int ind)
{
    strbuf b;
    sb_init(&b);
    int h = in->mask == CG_ALWAYS || in->mask == all ? 0 : 1;
    part(E, in, &b, ind + h);
    if (b.len) {
        open_guard(E, out, ind, in->mask, all);
        sb_puts(out, sb_str(&b));
        close_loop(out, ind, h);
    }
    sb_free(&b);
}

static void row_group(emitter *E, const cg_ins *ins, int n, strbuf *out, int ind)
{
    cg_mask all = 0;
    for (int x = 0; x < n; x++)
        all = cg_mask_union(E->p, all, ins[x].mask);
    int g = open_guard(E, out, ind, all, 0);
    ind += g;
    for (int x = 0; x < n; x++)
        guarded(E, &ins[x], all, prologue, out, ind);
    nd_dim rows = ins[0].rows;
    int li = open_loop(E, out, ind, "i", rows);
    const char *ri = index_or_zero(E, rows, "i");
    for (int x = 0; x < n; x++) {
        int h = open_guard(E, out, ind + li, ins[x].mask, all);
        body(E, &ins[x], ri, out, ind + li + h);
        close_loop(out, ind + li, h);
    }
    close_loop(out, ind, li);
    for (int x = 0; x < n; x++)
        guarded(E, &ins[x], all, epilogue, out, ind);
    close_loop(out, ind - g, g);
}

static void buffer_decls(emitter *E, strbuf *out, int ind);

/* A group's code in a block of its own when it uses workspace buffers. */
static void group_block(emitter *E, const char *code, strbuf *out)
{
    strbuf decls;
    sb_init(&decls);
    buffer_decls(E, &decls, 2);
    if (!decls.len) {   /* no block: one level less of indentation */
        for (const char *c = code; *c;) {
            const char *nl = strchr(c, '\n');
            size_t n = nl ? (size_t)(nl - c) + 1 : strlen(c);
            sb_putn(out, c + (n > 4 && !strncmp(c, "    ", 4) ? 4 : 0),
                    n - (n > 4 && !strncmp(c, "    ", 4) ? 4 : 0));
            c += n;
        }
    } else {
        sb_printf(out, "    {\n%s%s    }\n", sb_str(&decls), code);
    }
    sb_free(&decls);
}

static void groups(emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    strbuf code;
    sb_init(&code);
    for (int x = 0; x < p->n_ins;) {
        int y = x + 1;
        while (y < p->n_ins && p->ins[y].group == p->ins[x].group)
            y++;
        sb_clear(&code);
        while (E->n_group_buf > 0)
            E->used_buf[E->group_buf[--E->n_group_buf]] = 0;
        if (cg_is_row_loop(&p->ins[x]) && !is_blas(E, &p->ins[x]))
            row_group(E, p->ins + x, y - x, &code, 2);
        else
            single(E, &p->ins[x], &code, 2);
        group_block(E, sb_str(&code), out);
        x = y;
    }
    sb_free(&code);
}

/* ---- helpers ---- */

static const char *const helper_text[N_HELPERS] = {
    [H_MAX] = "static size_t nd__max(size_t a, size_t b)\n{\n    return a > b ? a : b;\n}\n",
    [H_SQ] = "static double nd__sq(double x)\n{\n    return x * x;\n}\n",
    [H_SIGMOID] =
        "/* 1/(1 + exp(-x)) without overflow for any x */\n"
        "static double nd__sigmoid(double x)\n{\n"
        "    double e;\n"
        "    if (x >= 0)\n        return 1.0 / (1.0 + exp(-x));\n"
        "    e = exp(x);\n    return e / (1.0 + e);\n}\n",
    [H_SWISH] = "static double nd__swish(double x)\n{\n    return x * nd__sigmoid(x);\n}\n",
    [H_SOFTPLUS] =
        "/* log(1 + exp(x)) without overflow for any x */\n"
        "static double nd__softplus(double x)\n{\n"
        "    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));\n}\n",
    [H_RELU] = "static double nd__relu(double x)\n{\n    return x > 0 ? x : 0.0;\n}\n",
    [H_STEP] = "static double nd__step(double x)\n{\n    return x > 0 ? 1.0 : 0.0;\n}\n",
    [H_SIGN] = "static double nd__sign(double x)\n{\n    return (double)((x > 0) - (x < 0));\n}\n",
    [H_DET] =
        "/* det(a) by elimination with partial pivoting on a copy in lu */\n"
        "static double nd__det(long n, const double *a, double *lu)\n{\n"
        "    long i, j, c, p;\n    double det = 1.0, f, t;\n"
        "    for (i = 0; i < n * n; i++)\n        lu[i] = a[i];\n"
        "    for (c = 0; c < n; c++) {\n"
        "        p = c;\n"
        "        for (i = c + 1; i < n; i++)\n"
        "            if (fabs(lu[i * n + c]) > fabs(lu[p * n + c]))\n                p = i;\n"
        "        if (lu[p * n + c] == 0.0)\n            return 0.0;\n"
        "        if (p != c) {\n"
        "            for (j = 0; j < n; j++) {\n"
        "                t = lu[p * n + j];\n                lu[p * n + j] = lu[c * n + j];\n"
        "                lu[c * n + j] = t;\n            }\n"
        "            det = -det;\n        }\n"
        "        det *= lu[c * n + c];\n"
        "        for (i = c + 1; i < n; i++) {\n"
        "            f = lu[i * n + c] / lu[c * n + c];\n"
        "            for (j = c; j < n; j++)\n                lu[i * n + j] -= f * lu[c * n + j];\n"
        "        }\n    }\n    return det;\n}\n",
    [H_INV] =
        "/* inv(a) by Gauss-Jordan elimination with partial pivoting; lu: scratch */\n"
        "static void nd__inv(long n, const double *a, double *lu, double *out)\n{\n"
        "    long i, j, c, p;\n    double f, t;\n"
        "    for (i = 0; i < n * n; i++) {\n        lu[i] = a[i];\n"
        "        out[i] = i / n == i % n ? 1.0 : 0.0;\n    }\n"
        "    for (c = 0; c < n; c++) {\n"
        "        p = c;\n"
        "        for (i = c + 1; i < n; i++)\n"
        "            if (fabs(lu[i * n + c]) > fabs(lu[p * n + c]))\n                p = i;\n"
        "        for (j = 0; j < n && p != c; j++) {\n"
        "            t = lu[p * n + j]; lu[p * n + j] = lu[c * n + j]; lu[c * n + j] = t;\n"
        "            t = out[p * n + j]; out[p * n + j] = out[c * n + j]; out[c * n + j] = t;\n"
        "        }\n"
        "        f = lu[c * n + c];\n"
        "        for (j = 0; j < n; j++) {\n            lu[c * n + j] /= f;\n            out[c * n + j] /= f;\n        }\n"
        "        for (i = 0; i < n; i++) {\n"
        "            if (i == c)\n                continue;\n"
        "            f = lu[i * n + c];\n"
        "            for (j = 0; j < n; j++) {\n"
        "                lu[i * n + j] -= f * lu[c * n + j];\n"
        "                out[i * n + j] -= f * out[c * n + j];\n            }\n"
        "        }\n    }\n}\n",
    [H_MPOW] =
        "/* out = a^k (k >= 2) by repeated products; tmp: scratch */\n"
        "static void nd__mpow(long n, const double *a, long k, double *tmp, double *out)\n{\n"
        "    long i, j, l, t;\n    double s;\n"
        "    for (i = 0; i < n * n; i++)\n        out[i] = a[i];\n"
        "    for (t = 1; t < k; t++) {\n"
        "        for (i = 0; i < n; i++)\n            for (j = 0; j < n; j++) {\n"
        "                s = 0.0;\n"
        "                for (l = 0; l < n; l++)\n                    s += out[i * n + l] * a[l * n + j];\n"
        "                tmp[i * n + j] = s;\n            }\n"
        "        for (i = 0; i < n * n; i++)\n            out[i] = tmp[i];\n    }\n}\n",
    [H_SOFTMAX] =
        "/* softmax (or its log) of each column of the r x c matrix z, shifted by\n"
        " * the column's maximum so that exp cannot overflow */\n"
        "static void nd__softmax(long r, long c, const double *z, double *out, int logarithm)\n{\n"
        "    long i, j;\n    double m, s;\n"
        "    for (j = 0; j < c; j++) {\n"
        "        m = z[j];\n"
        "        for (i = 1; i < r; i++)\n            if (z[i * c + j] > m)\n                m = z[i * c + j];\n"
        "        s = 0.0;\n"
        "        for (i = 0; i < r; i++)\n            s += exp(z[i * c + j] - m);\n"
        "        for (i = 0; i < r; i++)\n"
        "            out[i * c + j] = logarithm ? z[i * c + j] - m - log(s) : exp(z[i * c + j] - m) / s;\n"
        "    }\n}\n",
    [H_LOGSUMEXP] =
        "/* log(sum(exp(.))) of each column of z, shifted by the column's maximum */\n"
        "static void nd__logsumexp(long r, long c, const double *z, double *out)\n{\n"
        "    long i, j;\n    double m, s;\n"
        "    for (j = 0; j < c; j++) {\n"
        "        m = z[j];\n"
        "        for (i = 1; i < r; i++)\n            if (z[i * c + j] > m)\n                m = z[i * c + j];\n"
        "        s = 0.0;\n"
        "        for (i = 0; i < r; i++)\n            s += exp(z[i * c + j] - m);\n"
        "        out[j] = m + log(s);\n    }\n}\n",
    [H_DOT] =
        "/* x . y, in four independent sums (without -ffast-math one sum would\n"
        " * be a chain of dependent additions) */\n"
        "static double nd__dot(long n, const double *restrict x, const double *restrict y)\n{\n"
        "    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;\n    long k = 0;\n"
        "    for (; k + 4 <= n; k += 4) {\n"
        "        s0 += x[k] * y[k];\n        s1 += x[k + 1] * y[k + 1];\n"
        "        s2 += x[k + 2] * y[k + 2];\n        s3 += x[k + 3] * y[k + 3];\n    }\n"
        "    for (; k < n; k++)\n        s0 += x[k] * y[k];\n"
        "    return (s0 + s1) + (s2 + s3);\n}\n",
    [H_AXPY] =
        "/* y += a*x */\n"
        "static void nd__axpy(long n, double a, const double *restrict x, double *restrict y)\n{\n"
        "    long j = 0;\n"
        "    for (; j + 4 <= n; j += 4) {\n"
        "        y[j] += a * x[j];\n        y[j + 1] += a * x[j + 1];\n"
        "        y[j + 2] += a * x[j + 2];\n        y[j + 3] += a * x[j + 3];\n    }\n"
        "    for (; j < n; j++)\n        y[j] += a * x[j];\n}\n",
    [H_XENT] =
        "/* -sum(y .* logsoftmax(z)), column-wise log-sum-exp shifted by the maximum */\n"
        "static double nd__xent(long r, long c, const double *z, const double *y)\n{\n"
        "    long i, j;\n    double m, s, lse, total = 0.0;\n"
        "    for (j = 0; j < c; j++) {\n"
        "        m = z[j];\n"
        "        for (i = 1; i < r; i++)\n            if (z[i * c + j] > m)\n                m = z[i * c + j];\n"
        "        s = 0.0;\n"
        "        for (i = 0; i < r; i++)\n            s += exp(z[i * c + j] - m);\n"
        "        lse = m + log(s);\n"
        "        for (i = 0; i < r; i++)\n            total -= y[i * c + j] * (z[i * c + j] - lse);\n"
        "    }\n    return total;\n}\n",
};

static void helpers(emitter *E, strbuf *out)
{
    if (E->helpers & (1u << H_SWISH))
        E->helpers |= 1u << H_SIGMOID;
    for (int h = 0; h < N_HELPERS; h++)
        if (E->helpers & (1u << h))
            sb_printf(out, "\n%s", helper_text[h]);
}

/* ---- the functions of the ABI ---- */

static int word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Does the C text use identifier id as a whole word?  One pass over the
 * words (strstr from each match was quadratic for "i" under ASan, whose
 * strstr measures the whole rest of the text). */
static int uses_ident(const char *text, const char *id)
{
    size_t n = strlen(id);
    for (const char *s = text; *s;) {
        if (!word_char(*s)) {
            s++;
            continue;
        }
        const char *e = s;
        while (word_char(*e))
            e++;
        if ((size_t)(e - s) == n && !memcmp(s, id, n))
            return 1;
        s = e;
    }
    return 0;
}

/* A slot's size: the largest of its buffers' sizes (distinct ones only). */
static void slot_size(emitter *E, int slot, strbuf *out)
{
    cg_plan *p = E->p;
    int count = 0;
    for (int b = E->slot_head[slot]; b >= 0; b = E->slot_next[b])
        count++;
    char **sizes = xmalloc(((size_t)count + 1) * sizeof *sizes);
    int n = 0;
    for (int b = E->slot_head[slot]; b >= 0; b = E->slot_next[b]) {
        strbuf one;
        sb_init(&one);
        size_text(E, p->buf[b].shape, &one);
        int dup = 0;
        for (int k = 0; k < n && !dup; k++)
            dup = !strcmp(sizes[k], sb_str(&one));
        if (dup)
            sb_free(&one);
        else
            sizes[n++] = one.s;
    }
    for (int k = 0; k + 1 < n; k++) {
        E->helpers |= 1u << H_MAX;
        sb_printf(out, "nd__max(%s, ", sizes[k]);
    }
    sb_puts(out, n ? sizes[n - 1] : "0");
    for (int k = 0; k + 1 < n; k++)
        sb_putc(out, ')');
    for (int k = 0; k < n; k++)
        free(sizes[k]);
    free(sizes);
}

static void work_total(emitter *E, strbuf *out)
{
    if (!E->p->n_slots)
        sb_putc(out, '0');
    for (int s = 0; s < E->p->n_slots; s++) {
        if (s)
            sb_puts(out, " + ");
        slot_size(E, s, out);
    }
}

/* off[s]: where slot s starts, each from the one before (linear text). */
static void offsets(emitter *E, strbuf *out)
{
    int n = E->p->n_slots;
    if (!E->uses_offsets)
        return;
    line(out, 1, "size_t off[%d];", n);
    line(out, 1, "off[0] = 0;");
    for (int s = 1; s < n; s++) {
        strbuf sz;
        sb_init(&sz);
        slot_size(E, s - 1, &sz);
        line(out, 1, "off[%d] = off[%d] + %s;", s, s - 1, sb_str(&sz));
        sb_free(&sz);
    }
}

/* Each fused loop declares the buffers it uses, restrict: buffers that
 * share a slot never live in the same loop, so within one loop's block
 * each buffer is the only way to its memory. */
static int cmp_int(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

static void buffer_decls(emitter *E, strbuf *out, int ind)
{
    cg_plan *p = E->p;
    qsort(E->group_buf, (size_t)E->n_group_buf, sizeof *E->group_buf, cmp_int);
    for (int k = 0; k < E->n_group_buf; k++) {
        int b = E->group_buf[k];
        if (p->buf[b].slot < 0)
            continue;
        if (p->buf[b].slot == 0)
            line(out, ind, "double *const restrict b%d = work;", b);
        else
            line(out, ind, "double *const restrict b%d = work + off[%d];", b, p->buf[b].slot);
        E->uses_offsets |= p->buf[b].slot > 0;
    }
}

/* "const long m = dims[0];" for each dimension the code uses. */
static void dim_locals(emitter *E, strbuf *out)
{
    for (int d = 0; d < E->p->n_dims; d++)
        if (E->used_dim[dim_find(E->ctx, E->p->dims[d])])
            line(out, 1, "const long %s = dims[%d];", E->dim_c[E->p->dims[d]], d);
}

static void eval_locals(emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    dim_locals(E, out);
    for (int v = 0; v < ctx->n_vars; v++)
        if (ctx->vars[v].origin < 0 && E->used_var[v])
            line(out, 1, "const double *const restrict %s = in[%d];", E->var_c[v], v);
    for (int g = 0; g < p->n_grads; g++)
        if (E->used_grad[g])
            line(out, 1, "double *const restrict %s = grad[%d];", grad_name(E, g), g);
}

/* need: bit 0 the objective (always), bit g + 1 whether grad[g] is wanted. */
static void need_decl(emitter *E, strbuf *out)
{
    int n = E->p->n_grads, words = need_words(E->p);
    if (words == 1)
        sb_puts(out, "    const unsigned need = 1u");
    else
        sb_printf(out, "    const unsigned need[%d] = {\n        1u", words);
    for (int g = 0; g < n; g++) {
        int w = (g + 1) / 32, b = (g + 1) % 32;
        if (words > 1 && w && !b)   /* the first of word w */
            sb_printf(out, ",\n        (grad[%d] ? %#xu : 0u)", g, 1u);
        else
            sb_printf(out, " | (grad[%d] ? %#xu : 0u)", g, 1u << b);
    }
    sb_puts(out, words == 1 ? ";\n" : "\n    };\n");
}

static void eval_scratch(emitter *E, const char *text, strbuf *out)
{
    cg_plan *p = E->p;
    if (uses_ident(text, "need"))
        need_decl(E, out);
    const char *ints[] = { "i", "j", "k" },
               *reals[] = { "acc", "vi", "aik", "acc0", "acc1", "acc2", "acc3" };
    for (int pass = 0; pass < 2; pass++) {
        const char **names = pass ? reals : ints;
        int any = 0;
        for (int k = 0; k < (pass ? 7 : 3); k++)
            if (uses_ident(text, names[k]))
                sb_printf(out, "%s%s", any++ ? ", " : pass ? "    double " : "    long ", names[k]);
        if (any)
            sb_puts(out, ";\n");
    }
    for (int s = 0; s < p->n_scalars; s++)
        sb_printf(out, "%s s%d = 0.0", s ? "," : "    double", s);
    if (p->n_scalars)
        sb_puts(out, ";\n");
    int locals = 0;
    for (int b = 0; b < p->n_buf; b++)
        if (E->used_local[b])   /* set and read under separate guards: initialized */
            sb_printf(out, "%s r%d = 0.0", locals++ ? "," : "    double", b);
    if (locals)
        sb_puts(out, ";\n");
}

/* (void) for the parameters the function does not use. */
static void unused(strbuf *out, const char *text)
{
    const char *params[] = { "dims", "in", "grad", "work" };
    for (int k = 0; k < 4; k++)
        if (!uses_ident(text, params[k]))
            line(out, 1, "(void)%s;", params[k]);
}

static void clear_usage(emitter *E)
{
    nd_ctx *ctx = E->ctx;
    memset(E->used_var, 0, (size_t)ctx->n_vars + 1);
    memset(E->used_dim, 0, (size_t)ctx->n_dims + 1);
    memset(E->used_grad, 0, (size_t)E->p->n_grads + 1);
    memset(E->used_local, 0, (size_t)E->p->n_buf + 1);
    E->uses_offsets = 0;
}

static void eval_function(emitter *E, strbuf *out)
{
    strbuf code, result, decl, offs;
    sb_init(&code);
    sb_init(&result);
    sb_init(&decl);
    sb_init(&offs);
    clear_usage(E);
    groups(E, &code);
    elem(E, E->p->objective, "0", "0", &result);
    sb_printf(&code, "    return %s;\n", sb_str(&result));
    offsets(E, &offs);      /* names dimensions too: before their declarations */
    eval_locals(E, &decl);
    eval_scratch(E, sb_str(&code), &decl);
    strbuf all;
    sb_init(&all);
    sb_printf(&all, "%s%s%s", sb_str(&decl), sb_str(&offs), sb_str(&code));
    sb_free(&offs);
    sb_printf(out, "\ndouble %s_eval(const long *dims, const double *const *in, "
                   "double *const *grad, double *work)\n{\n", E->name);
    unused(out, sb_str(&all));
    sb_puts(out, sb_str(&all));
    sb_puts(out, "}\n");
    sb_free(&code);
    sb_free(&result);
    sb_free(&decl);
    sb_free(&all);
}

static void work_size_function(emitter *E, strbuf *out)
{
    strbuf total, decl;
    sb_init(&total);
    sb_init(&decl);
    clear_usage(E);
    work_total(E, &total);
    dim_locals(E, &decl);
    sb_printf(out, "\nsize_t %s_work_size(const long *dims)\n{\n", E->name);
    if (!decl.len)
        line(out, 1, "(void)dims;");
    sb_printf(out, "%s    return %s;\n}\n", sb_str(&decl), sb_str(&total));
    sb_free(&total);
    sb_free(&decl);
}

/* double NAME(long m, long n, const double *W, ..., double *grad_W, double *work) */
static void typed_signature(emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    sb_printf(out, "double %s(", E->name);
    for (int d = 0; d < p->n_dims; d++)
        sb_printf(out, "long %s, ", E->dim_c[p->dims[d]]);
    for (int v = 0; v < ctx->n_vars; v++)
        if (ctx->vars[v].origin < 0)
            sb_printf(out, "const double *%s, ", E->var_c[v]);
    for (int g = 0; g < p->n_grads; g++)
        sb_printf(out, "double *%s, ", grad_name(E, g));
    sb_puts(out, "double *work)");
}

static int n_inputs(nd_ctx *ctx)
{
    int n = 0;
    for (int v = 0; v < ctx->n_vars; v++)
        n += ctx->vars[v].origin < 0;
    return n;
}

static void typed_function(emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    int ni = n_inputs(ctx);
    sb_putc(out, '\n');
    typed_signature(E, out);
    sb_puts(out, "\n{\n");
    if (p->n_dims) {
        sb_printf(out, "    const long dims[%d] = {", p->n_dims);
        for (int d = 0; d < p->n_dims; d++)
            sb_printf(out, "%s %s", d ? "," : "", E->dim_c[p->dims[d]]);
        sb_puts(out, " };\n");
    }
    if (ni) {
        sb_printf(out, "    const double *in[%d] = {", ni);
        for (int v = 0, k = 0; v < ctx->n_vars; v++)
            if (ctx->vars[v].origin < 0)
                sb_printf(out, "%s %s", k++ ? "," : "", E->var_c[v]);
        sb_puts(out, " };\n");
    }
    if (p->n_grads) {
        sb_printf(out, "    double *grad[%d] = {", p->n_grads);
        for (int g = 0; g < p->n_grads; g++)
            sb_printf(out, "%s %s", g ? "," : "", grad_name(E, g));
        sb_puts(out, " };\n");
    }
    sb_printf(out, "    return %s_eval(%s, %s, %s, work);\n}\n", E->name, p->n_dims ? "dims" : "NULL",
              ni ? "in" : "NULL", p->n_grads ? "grad" : "NULL");
}

static void name_list(strbuf *out, const char *prefix, const char *what, const char **names, int n)
{
    sb_printf(out, "const char *const %s_%s_names[%d] = {", prefix, what, n ? n : 1);
    for (int k = 0; k < n; k++)
        sb_printf(out, "%s \"%s\"", k ? "," : "", names[k]);
    sb_puts(out, n ? " };\n" : " 0 };\n");
}

static void counts_and_names(emitter *E, strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    int ni = n_inputs(ctx);
    const char **names = xmalloc(((size_t)ctx->n_vars + (size_t)p->n_dims + 1) * sizeof *names);
    sb_printf(out, "\nconst int %s_n_dims = %d, %s_n_in = %d, %s_n_grad = %d;\n", E->name,
              p->n_dims, E->name, ni, E->name, p->n_grads);
    for (int d = 0; d < p->n_dims; d++)
        names[d] = dim_name(ctx, p->dims[d]);
    name_list(out, E->name, "dim", names, p->n_dims);
    for (int v = 0, k = 0; v < ctx->n_vars; v++)
        if (ctx->vars[v].origin < 0)
            names[k++] = ctx->vars[v].name;
    name_list(out, E->name, "in", names, ni);
    for (int g = 0; g < p->n_grads; g++)
        names[g] = ctx->vars[p->prog->wrt[g]].name;
    name_list(out, E->name, "grad", names, p->n_grads);
    free(names);
}

static void prototypes(emitter *E, strbuf *out)
{
    const char *n = E->name;
    sb_printf(out, "size_t %s_work_size(const long *dims);\n", n);
    sb_printf(out, "double %s_eval(const long *dims, const double *const *in, "
                   "double *const *grad, double *work);\n", n);
    typed_signature(E, out);
    sb_puts(out, ";\n");
    sb_printf(out, "extern const int %s_n_dims, %s_n_in, %s_n_grad;\n", n, n, n);
    sb_printf(out, "extern const char *const %s_dim_names[], *const %s_in_names[],\n"
                   "    *const %s_grad_names[];\n", n, n, n);
}

static void header_file(emitter *E, strbuf *out)
{
    strbuf guard;
    sb_init(&guard);
    for (const char *c = E->name; *c; c++)
        sb_putc(&guard, (char)toupper((unsigned char)*c));
    sb_printf(out, "/* %s.h: generated by nnderive %s; do not edit. */\n", E->name, nd_version());
    sb_printf(out, "#ifndef %s_H\n#define %s_H\n\n#include <stddef.h>\n\n", sb_str(&guard),
              sb_str(&guard));
    sb_puts(out, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    prototypes(E, out);
    sb_puts(out, "\n#ifdef __cplusplus\n}\n#endif\n#endif\n");
    sb_free(&guard);
}

static void source_file(emitter *E, strbuf *out)
{
    strbuf code;
    sb_init(&code);
    counts_and_names(E, &code);
    work_size_function(E, &code);
    eval_function(E, &code);
    typed_function(E, &code);
    sb_printf(out, "/* Generated by nnderive %s from %s: the objective %s and its gradient%s.\n"
                   " * Storage is %s; outputs must not overlap the inputs or each other.\n"
                   " * Do not edit. */\n", nd_version(), E->ctx->src->name,
              E->ctx->binds[E->p->prog->objective].name, E->p->n_grads == 1 ? "" : "s",
              E->p->opt->colmajor ? "column-major: entry (i, j) of an m x n matrix at i + j*m"
                                  : "row-major: entry (i, j) of an m x n matrix at i*n + j");
    sb_puts(out, "#include <math.h>\n#include <stddef.h>\n");
    if (E->p->opt->blas)
        sb_puts(out, "#include <cblas.h>\n");
    sb_putc(out, '\n');
    prototypes(E, out);
    helpers(E, out);
    sb_puts(out, sb_str(&code));
    sb_free(&code);
}

static void names_of(emitter *E)
{
    nd_ctx *ctx = E->ctx;
    E->used_var = xmalloc((size_t)ctx->n_vars + 1);
    E->used_dim = xmalloc((size_t)ctx->n_dims + 1);
    E->used_grad = xmalloc((size_t)E->p->n_grads + 1);
    E->used_buf = xmalloc((size_t)E->p->n_buf + 1);
    E->used_local = xmalloc((size_t)E->p->n_buf + 1);
    memset(E->used_buf, 0, (size_t)E->p->n_buf + 1);
    E->group_buf = xmalloc(((size_t)E->p->n_buf + 1) * sizeof *E->group_buf);
    E->slot_head = xmalloc(((size_t)E->p->n_slots + 1) * sizeof *E->slot_head);
    E->slot_next = xmalloc(((size_t)E->p->n_buf + 1) * sizeof *E->slot_next);
    for (int s = 0; s < E->p->n_slots; s++)
        E->slot_head[s] = -1;
    for (int b = E->p->n_buf; b-- > 0;)
        if (E->p->buf[b].slot >= 0) {
            E->slot_next[b] = E->slot_head[E->p->buf[b].slot];
            E->slot_head[E->p->buf[b].slot] = b;
        }
    E->var_c = xmalloc(((size_t)ctx->n_vars + 1) * sizeof *E->var_c);
    E->dim_c = xmalloc(((size_t)ctx->n_dims + 1) * sizeof *E->dim_c);
    E->grad_c = xmalloc(((size_t)E->p->n_grads + 1) * sizeof *E->grad_c);
    cg_names(E->p, E->name, E->var_c, E->dim_c, E->grad_c);
}

int cg_emit(cg_plan *p, int header_only, strbuf *out)
{
    emitter E;
    memset(&E, 0, sizeof E);
    E.p = p;
    E.ctx = p->ctx;
    E.name = p->opt->name;
    names_of(&E);
    size_t start = out->len;
    if (header_only)
        header_file(&E, out);
    else
        source_file(&E, out);
    int st = 0;
    if (E.bug) {
        sb_truncate(out, start);
        ctx_error(p->ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "internal error in the C generator: %s (please report)", E.bug);
        free(E.bug);
        st = 2;
    }
    free(E.var_c);
    free(E.dim_c);
    free(E.grad_c);
    free(E.used_var);
    free(E.used_dim);
    free(E.used_grad);
    free(E.used_buf);
    free(E.group_buf);
    free(E.slot_head);
    free(E.slot_next);
    free(E.used_local);
    return st;
}
