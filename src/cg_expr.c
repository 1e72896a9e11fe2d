/* cg_expr.c: the generated code's identifiers and element expressions:
 * how a value is named (an input, a buffer, a local), the C expression of
 * one element of a value computed inline, and the helpers the code uses
 * (cg_helpers.c.in, embedded by the build). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_emit.h"
#include "num.h"
#include "ops.h"
#include "shape.h"

static const struct cg_helper_text {
    const char *name;       /* the function is nd__<name> */
    unsigned needs;         /* helpers it calls (defined above it) */
    const char *text;
} helper_table[CGH__COUNT] = {
#define CG_HELPER(name, needs, text) { #name, needs, text },
#include "cg_helpers.h"
#undef CG_HELPER
};

/* An inconsistency of the plan: the text goes on (with a placeholder) and
 * cg_emit reports the first one as an internal error instead of C. */
void cg_bug(cg_emitter *E, const nd_node *n, const char *what)
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
void cg_use_buf(cg_emitter *E, int b)
{
    if (!E->used_buf[b]) {
        E->used_buf[b] = 1;
        E->group_buf[E->n_group_buf++] = b;
    }
}

void cg_dim_text(cg_emitter *E, nd_dim d, strbuf *out)
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
void cg_size_text(cg_emitter *E, nd_shape s, strbuf *out)
{
    sb_puts(out, "(size_t)");
    if (!dim_is_one(E->ctx, s.rows))
        cg_dim_text(E, s.rows, out);
    if (!dim_is_one(E->ctx, s.rows) && !dim_is_one(E->ctx, s.cols))
        sb_puts(out, " * ");
    if (!dim_is_one(E->ctx, s.cols) || dim_is_one(E->ctx, s.rows))
        cg_dim_text(E, s.cols, out);
}

const char *cg_grad_name(cg_emitter *E, int g)
{
    E->used_grad[g] = 1;
    return E->grad_c[g];
}

/* The pointer of a materialized value: an input, a workspace buffer, an output. */
void cg_pointer_text(cg_emitter *E, const nd_node *n, strbuf *out)
{
    cg_value *v = cg_val(E->p, n);
    if (v->kind == V_INPUT) {
        sb_puts(out, E->var_c[v->index]);
        E->used_var[v->index] = 1;
        return;
    }
    if (v->kind != V_BUFFER) {
        cg_bug(E, n, "the plan reads an array it never made");
        sb_puts(out, "work");
        E->uses |= U_WORK;
        return;
    }
    cg_buffer *b = &E->p->buf[v->index];
    if (b->grad >= 0) {
        sb_puts(out, cg_grad_name(E, b->grad));
    } else {
        sb_printf(out, "b%d", v->index);
        cg_use_buf(E, v->index);
    }
}

/* ---- element expressions ---- */

/* [index of (ri, ci)] in a row-major array of that shape. */
void cg_index_text(cg_emitter *E, nd_shape shape, const char *ri, const char *ci, strbuf *out)
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
        cg_dim_text(E, shape.cols, out);
        sb_printf(out, " + %s]", ci);
    }
}

/* P[index of (ri, ci)] for a materialized value (r<k> for a row local). */
void cg_access(cg_emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    cg_value *v = cg_val(E->p, n);
    if (v->kind == V_BUFFER && v->row_local) {
        sb_printf(out, "r%d", v->index);
        E->used_local[v->index] = 1;
        return;
    }
    cg_pointer_text(E, n, out);
    cg_index_text(E, n->shape, ri, ci, out);
}

static int single_access(cg_emitter *E, const nd_node *n)
{
    cg_value *v = cg_val(E->p, n);
    return n != E->self && v->kind != V_INLINE;
}

static void join(cg_emitter *E, const nd_node *n, const char *sep, const char *ri, const char *ci,
                 strbuf *out)
{
    sb_putc(out, '(');
    for (uint32_t k = 0; k < n->nkids; k++) {
        if (k)
            sb_puts(out, sep);
        int sc = shape_is_scalar(E->ctx, n->kid[k]->shape);
        cg_elem(E, n->kid[k], sc ? "0" : ri, sc ? "0" : ci, out);
    }
    sb_putc(out, ')');
}

/* x^p for a constant p: products, sqrt or pow. */
static void power(cg_emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    const nd_node *x = n->kid[0], *e = n->kid[1];
    strbuf b;
    sb_init(&b);
    cg_elem(E, x, ri, ci, &b);
    long k;
    if (e->op == OP_CONST && num_fits_long(e->u.q, &k) && k >= -3 && k <= 3 && k != 0) {
        const char *base = sb_str(&b);
        if (k < 0)
            sb_puts(out, "(1.0 / ");
        if (abs((int)k) == 2 && !single_access(E, x)) {
            E->helpers |= 1u << CGH_sq;
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
        cg_elem(E, e, "0", "0", out);
        sb_putc(out, ')');
    }
    sb_free(&b);
}

static void bcast_elem(cg_emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    const nd_node *x = n->kid[0];
    cg_elem(E, x, dim_is_one(E->ctx, x->shape.rows) ? "0" : ri,
         dim_is_one(E->ctx, x->shape.cols) ? "0" : ci, out);
}

static void prod_elem(cg_emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    nd_ctx *ctx = E->ctx;
    int outer = n->nkids == 2 && !shape_is_scalar(ctx, n->kid[0]->shape);
    if (!outer) {   /* scalars times one matrix */
        join(E, n, " * ", ri, ci, out);
        return;
    }
    sb_putc(out, '(');
    cg_elem(E, n->kid[0], ri, "0", out);
    sb_puts(out, " * ");
    cg_elem(E, n->kid[1], "0", ci, out);
    sb_putc(out, ')');
}

static int word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* The helpers that a row's C text names (its c_name nd__sigmoid, or
 * nd__det in its call's template) are used: the text comes from the
 * operator table, not from the code written. */
void cg_use_helpers(cg_emitter *E, const char *text)
{
    for (const char *c = text; (c = strstr(c, "nd__")) != NULL; c += 4) {
        if (c > text && word_char(c[-1]))
            continue;
        size_t n = 0;
        while (word_char(c[4 + n]))
            n++;
        for (int h = 0; h < CGH__COUNT; h++)
            if (strlen(helper_table[h].name) == n && !strncmp(c + 4, helper_table[h].name, n))
                E->helpers |= 1u << h;
    }
}

static void function_elem(cg_emitter *E, const nd_node *n, const char *ri, const char *ci,
                          strbuf *out)
{
    const nd_opinfo *o = &ops_table[n->op];
    if (o->c_name)
        cg_use_helpers(E, o->c_name);
    if (!o->c_name)
        cg_bug(E, n, "the plan computes an operation element by element that has no element form");
    sb_printf(out, "%s(", o->c_name ? o->c_name : "nd__missing");
    for (uint32_t k = 0; k < n->nkids; k++) {     /* max(x, y) is fmax(x, y) */
        if (k)
            sb_puts(out, ", ");
        cg_elem(E, n->kid[k], ri, ci, out);
    }
    sb_putc(out, ')');
}

/* The shared sigmoid of cg_order.c, (step(w) + e.*(1 - step(w))).*(1 + e).^-1
 * with e an exp: written as a quotient, as nd__sigmoid divides (e/(1 + e)
 * and e*(1/(1 + e)) differ in the last bit).  No other product is. */
static int sigmoid_quotient(const nd_node *n)
{
    if (n->op != OP_EMUL || n->nkids != 2)
        return 0;
    const nd_node *a = n->kid[0], *b = n->kid[1];
    if (a->op != OP_ADD || a->nkids != 2 || a->kid[0]->op != OP_STEP || b->op != OP_EPOW ||
        b->kid[1]->op != OP_CONST || mpq_cmp_si(b->kid[1]->u.q, -1, 1) != 0)
        return 0;
    const nd_node *d = b->kid[0];
    return d->op == OP_ADD && d->nkids == 2 && d->kid[1]->op == OP_EXP;
}

static void quotient(cg_emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    sb_putc(out, '(');
    cg_elem(E, n->kid[0], ri, ci, out);
    sb_puts(out, " / ");
    cg_elem(E, n->kid[1]->kid[0], ri, ci, out);
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

/* The expression of n's own operation (n inline, or the node being
 * computed), in the form its row gives (ops.def's cg column). */
static void expand(cg_emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    switch (ops_table[n->op].c_form) {
    case CGF_CONST: constant(out, n); break;
    case CGF_PI: sb_puts(out, "3.14159265358979323846"); break;
    case CGF_DIM:
        sb_puts(out, "(double)");
        cg_dim_text(E, n->u.dim, out);
        break;
    case CGF_EYE:
        if (!strcmp(ri, ci))
            sb_puts(out, "1.0");    /* on the diagonal */
        else
            sb_printf(out, "(%s == %s ? 1.0 : 0.0)", ri, ci);
        break;
    case CGF_TRANSPOSE: cg_elem(E, n->kid[0], ci, ri, out); break;
    case CGF_BCAST: bcast_elem(E, n, ri, ci, out); break;
    case CGF_DIAGM:
        if (strcmp(ri, ci))
            sb_printf(out, "(%s == %s ? ", ri, ci);
        cg_elem(E, n->kid[0], ri, "0", out);
        if (strcmp(ri, ci))
            sb_puts(out, " : 0.0)");
        break;
    case CGF_DIAGV: cg_elem(E, n->kid[0], ri, ri, out); break;
    case CGF_SUM: join(E, n, " + ", ri, ci, out); break;
    case CGF_EPROD:
        if (sigmoid_quotient(n))
            quotient(E, n, ri, ci, out);
        else
            join(E, n, " * ", ri, ci, out);
        break;
    case CGF_PROD: prod_elem(E, n, ri, ci, out); break;
    case CGF_POWER: power(E, n, ri, ci, out); break;
    default: function_elem(E, n, ri, ci, out); break;
    }
}

void cg_elem(cg_emitter *E, const nd_node *n, const char *ri, const char *ci, strbuf *out)
{
    cg_value *v = cg_val(E->p, n);
    if (n == E->self || v->kind == V_INLINE)
        expand(E, n, ri, ci, out);
    else if (v->kind == V_SCALAR)
        sb_printf(out, "s%d", v->index);
    else
        cg_access(E, n, ri, ci, out);
}

/* A vector operand's element c: a column at (c, 0), a row at (0, c). */
void cg_velem(cg_emitter *E, const nd_node *v, const char *c, strbuf *out)
{
    if (dim_is_one(E->ctx, v->shape.rows))
        cg_elem(E, v, "0", c, out);
    else
        cg_elem(E, v, c, "0", out);
}

/* ---- helpers ---- */

/* The helpers used, with the ones they call (defined above them), in
 * the order of cg_helpers.c.in. */
void cg_write_helpers(cg_emitter *E, strbuf *out)
{
    for (int h = CGH__COUNT; h-- > 0;)
        if (E->helpers & (1u << h))
            E->helpers |= helper_table[h].needs;
    for (int h = 0; h < CGH__COUNT; h++)
        if (E->helpers & (1u << h))
            sb_printf(out, "\n%s", helper_table[h].text);
}

void cg_line(strbuf *out, int indent, const char *fmt, ...)
{
    for (int i = 0; i < indent; i++)
        sb_puts(out, "    ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(out, fmt, ap);
    va_end(ap);
    sb_putc(out, '\n');
}
