/* print.c: the text printer. */
#include "print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "num.h"
#include "ops.h"
#include "shape.h"

/* Precedence levels of printed forms, loosest first (the grammar's). */
enum { P_SUM = 1, P_PROD, P_UNARY, P_POW, P_POST, P_ATOM };

static void grow_names(printer *p, uint32_t need)
{
    if (need <= p->n_names)
        return;
    p->names = xrealloc(p->names, need * sizeof *p->names);
    memset(p->names + p->n_names, 0, (need - p->n_names) * sizeof *p->names);
    p->n_names = need;
}

void printer_init(printer *p, nd_ctx *ctx, strbuf *out)
{
    p->ctx = ctx;
    p->out = out;
    p->self = NULL;
    p->names = NULL;
    p->n_names = 0;
    grow_names(p, ctx->n_nodes + 1);
    for (int b = 0; b < ctx->n_binds; b++) {
        nd_node *n = ctx->binds[b].node;
        if (n && (n->flags & NF_NAMED) && !p->names[n->id])
            p->names[n->id] = ctx->binds[b].name;
    }
}

void printer_free(printer *p)
{
    free(p->names);
    p->names = NULL;
}

void printer_name(printer *p, const nd_node *n, const char *name)
{
    grow_names(p, n->id + 1);
    p->names[n->id] = name;
}

const char *printer_name_of(const printer *p, const nd_node *n)
{
    if (n == p->self || n->id >= p->n_names)
        return NULL;
    return p->names[n->id];
}

static void print_at(printer *p, const nd_node *n, int min);

/* ---- pieces ---- */

static int is_fraction(const mpq_t q)
{
    strbuf b;
    sb_init(&b);
    int frac;
    num_format(&b, q, &frac);
    sb_free(&b);
    return frac;
}

static int const_negative(const nd_node *n)
{
    return n->op == OP_CONST && mpq_sgn(n->u.q) < 0;
}

/* A product with a negative coefficient, a negative number, or one of them
 * broadcast: printed after a minus sign. */
static int is_negative(const nd_node *n)
{
    if (n->op == OP_PROD)
        return const_negative(n->kid[0]);
    if (n->op == OP_BCAST)
        return is_negative(n->kid[0]);
    return const_negative(n);
}

/* x^k with k a negative constant: a denominator factor. */
static int is_reciprocal(printer *p, const nd_node *n)
{
    return n->op == OP_EPOW && const_negative(n->kid[1]) && !printer_name_of(p, n);
}

static int level(printer *p, const nd_node *n)
{
    if (printer_name_of(p, n))
        return P_ATOM;
    switch ((enum nd_op)n->op) {
    case OP_CONST:
        return mpq_sgn(n->u.q) < 0 ? P_UNARY : is_fraction(n->u.q) ? P_PROD : P_ATOM;
    case OP_ADD:
        return P_SUM;
    case OP_PROD:
        return is_negative(n) ? P_UNARY : P_PROD;
    case OP_EMUL:
        return P_PROD;
    case OP_EPOW:
        return is_reciprocal(p, n) ? P_PROD : P_POW;
    case OP_MPOW:
        return P_POW;
    case OP_TRANSPOSE:
        return P_POST;
    case OP_BCAST:
        if (expr_is_scalar(p->ctx, n->kid[0]))
            return shape_is_row(p->ctx, n->shape) ? P_POST : P_ATOM;
        return P_PROD;
    default:
        return P_ATOM;
    }
}

static void print_const(printer *p, const mpq_t q)
{
    num_format(p->out, q, NULL);
}

/* base^|k| (k a negative constant exponent made positive), or just base. */
static void print_power(printer *p, const nd_node *base, const mpq_t k, int elementwise)
{
    if (mpq_cmp_ui(k, 1, 1) == 0) {
        print_at(p, base, P_POW);
        return;
    }
    print_at(p, base, P_POST);
    sb_puts(p->out, elementwise ? ".^" : "^");
    if (num_is_int(k) || !is_fraction(k)) {
        print_const(p, k);
    } else {
        sb_putc(p->out, '(');
        print_const(p, k);
        sb_putc(p->out, ')');
    }
}

static void put_mpz(printer *p, const mpz_t z)
{
    mpq_t q;
    mpq_init(q);
    mpq_set_z(q, z);
    print_const(p, q);
    mpq_clear(q);
}

/* Denominators: reciprocal factors, elementwise ones only with .* */
static int in_denominator(printer *p, const nd_node *f, int elementwise)
{
    return is_reciprocal(p, f) && (elementwise || expr_is_scalar(p->ctx, f));
}

/* coef * f[0] * ... as "num/den" (coef >= 0); with .* and ./ when elementwise. */
static void print_factors(printer *p, const nd_node *const *f, int n, const mpq_t coef,
                          int elementwise)
{
    const char *mul = elementwise ? ".*" : "*", *div = elementwise ? "./" : "/";
    int first = 1, nden = mpz_cmp_ui(mpq_denref(coef), 1) != 0;
    if (mpz_cmp_ui(mpq_numref(coef), 1) != 0) {
        put_mpz(p, mpq_numref(coef));
        first = 0;
    }
    for (int i = 0; i < n; i++) {
        if (in_denominator(p, f[i], elementwise)) {
            nden++;
            continue;
        }
        if (!first)
            sb_puts(p->out, mul);
        print_at(p, f[i], P_POW);
        first = 0;
    }
    if (first)
        sb_putc(p->out, '1');
    if (!nden)
        return;
    sb_puts(p->out, div);
    if (nden > 1)
        sb_putc(p->out, '(');
    first = 1;
    if (mpz_cmp_ui(mpq_denref(coef), 1) != 0) {
        put_mpz(p, mpq_denref(coef));
        first = 0;
    }
    mpq_t k;
    mpq_init(k);
    for (int i = 0; i < n; i++)
        if (in_denominator(p, f[i], elementwise)) {
            if (!first)
                sb_puts(p->out, mul);
            mpq_neg(k, f[i]->kid[1]->u.q);
            print_power(p, f[i]->kid[0], k, elementwise && !expr_is_scalar(p->ctx, f[i]));
            first = 0;
        }
    mpq_clear(k);
    if (nden > 1)
        sb_putc(p->out, ')');
}

static void print_prod(printer *p, const nd_node *n, int negate)
{
    mpq_t c;
    mpq_init(c);
    int start = n->kid[0]->op == OP_CONST;
    if (start)
        mpq_set(c, n->kid[0]->u.q);
    else
        mpq_set_ui(c, 1, 1);
    if (negate)
        mpq_neg(c, c);
    if (mpq_sgn(c) < 0) {
        sb_putc(p->out, '-');
        mpq_neg(c, c);
    }
    const nd_node *only = n->kid[start];
    if (mpq_cmp_ui(c, 1, 1) == 0 && (int)n->nkids - start == 1 && !in_denominator(p, only, 0))
        print_at(p, only, P_PROD);      /* -(a.*b) is -a.*b: no parentheses */
    else
        print_factors(p, (const nd_node *const *)n->kid + start, (int)n->nkids - start, c, 0);
    mpq_clear(c);
}

/* Broadcast operands of a sum or .* product stay implicit when another
 * operand has the full shape: the parser broadcasts them back. */
static int implicit_broadcast(const nd_node *n)
{
    for (uint32_t i = 0; i < n->nkids; i++)
        if (n->kid[i]->op != OP_BCAST)
            return 1;
    return 0;
}

static const nd_node *unbroadcast(const nd_node *t, int implicit)
{
    return implicit && t->op == OP_BCAST ? t->kid[0] : t;
}

/* A term of a sum, after its sign (negate: print it negated). */
static void print_term(printer *p, const nd_node *t, int negate)
{
    if (!negate) {
        print_at(p, t, P_PROD);
    } else if (t->op == OP_PROD) {
        print_prod(p, t, 1);
    } else {    /* a negative constant */
        mpq_t q;
        mpq_init(q);
        mpq_neg(q, t->u.q);
        print_const(p, q);
        mpq_clear(q);
    }
}

/* Printed after a minus sign: a product with a negative coefficient or a
 * negative number (a broadcast keeps its sign inside: vector(-b)). */
static int term_negative(printer *p, const nd_node *t)
{
    return !printer_name_of(p, t) && (t->op == OP_PROD || t->op == OP_CONST) &&
           is_negative(t);
}

static void print_sum(printer *p, const nd_node *n)
{
    int implicit = implicit_broadcast(n);
    for (uint32_t i = 0; i < n->nkids; i++) {
        const nd_node *t = unbroadcast(n->kid[i], implicit);
        int neg = term_negative(p, t);
        if (i == 0 && neg)
            sb_putc(p->out, '-');
        else if (i > 0)
            sb_puts(p->out, neg ? " - " : " + ");
        print_term(p, t, neg);
    }
}

static void print_emul(printer *p, const nd_node *n)
{
    int implicit = implicit_broadcast(n);
    const nd_node **f = xmalloc(n->nkids * sizeof *f);
    for (uint32_t i = 0; i < n->nkids; i++)
        f[i] = unbroadcast(n->kid[i], implicit);
    mpq_t one;
    mpq_init(one);
    mpq_set_ui(one, 1, 1);
    print_factors(p, f, (int)n->nkids, one, 1);
    mpq_clear(one);
    free(f);
}

static void print_epow(printer *p, const nd_node *n)
{
    const nd_node *e = n->kid[1];
    int scalar = expr_is_scalar(p->ctx, n);
    if (is_reciprocal(p, n)) {     /* 1/a, 1./x, 1./x.^2 */
        mpq_t k;
        mpq_init(k);
        mpq_neg(k, e->u.q);
        sb_puts(p->out, scalar ? "1/" : "1./");
        print_power(p, n->kid[0], k, !scalar);
        mpq_clear(k);
        return;
    }
    print_at(p, n->kid[0], P_POST);
    sb_puts(p->out, scalar ? "^" : ".^");
    if (e->op == OP_CONST && (num_is_int(e->u.q) || (!is_fraction(e->u.q) && mpq_sgn(e->u.q) > 0)))
        print_const(p, e->u.q);
    else
        print_at(p, e, P_ATOM);
}

static void print_bcast(printer *p, const nd_node *n)
{
    nd_ctx *ctx = p->ctx;
    const nd_node *x = n->kid[0];
    if (expr_is_scalar(ctx, x)) {
        sb_puts(p->out, dim_is_one(ctx, n->shape.cols) || dim_is_one(ctx, n->shape.rows)
                            ? "vector(" : "matrix(");
        print_at(p, x, 0);
        sb_puts(p->out, shape_is_row(ctx, n->shape) ? ")'" : ")");
    } else if (dim_is_one(ctx, x->shape.cols)) {    /* a column across: v*1' */
        print_at(p, x, P_PROD);
        sb_puts(p->out, "*vector(1)'");
    } else {                                        /* a row down: 1*r */
        sb_puts(p->out, "vector(1)*");
        print_at(p, x, P_POW);
    }
}

static void print_call(printer *p, const nd_node *n)
{
    sb_puts(p->out, ops_table[n->op].name);
    sb_putc(p->out, '(');
    for (uint32_t i = 0; i < n->nkids; i++) {
        if (i)
            sb_puts(p->out, ", ");
        print_at(p, n->kid[i], 0);
    }
    sb_putc(p->out, ')');
}

static void print_node(printer *p, const nd_node *n)
{
    nd_ctx *ctx = p->ctx;
    const char *name = printer_name_of(p, n);
    if (name) {
        sb_puts(p->out, name);
        return;
    }
    switch ((enum nd_op)n->op) {
    case OP_CONST: print_const(p, n->u.q); break;
    case OP_VAR: sb_puts(p->out, ctx->vars[n->u.var].name); break;
    case OP_SYM: sb_puts(p->out, n->u.name); break;
    case OP_DIMVAL: sb_puts(p->out, dim_name(ctx, n->u.dim)); break;
    case OP_EYE: sb_printf(p->out, "eye(%s)", dim_name(ctx, n->u.dim)); break;
    case OP_BCAST: print_bcast(p, n); break;
    case OP_ADD: print_sum(p, n); break;
    case OP_PROD: print_prod(p, n, 0); break;
    case OP_EMUL: print_emul(p, n); break;
    case OP_EPOW: print_epow(p, n); break;
    case OP_MPOW:
        print_at(p, n->kid[0], P_POST);
        sb_printf(p->out, "^%ld", n->u.k);
        break;
    case OP_TRANSPOSE:
        print_at(p, n->kid[0], P_POST);
        sb_putc(p->out, '\'');
        break;
    default: print_call(p, n); break;
    }
}

static void print_at(printer *p, const nd_node *n, int min)
{
    int paren = level(p, n) < min;
    if (paren)
        sb_putc(p->out, '(');
    print_node(p, n);
    if (paren)
        sb_putc(p->out, ')');
}

void print_expr(printer *p, const nd_node *n)
{
    print_at(p, n, 0);
}

/* ---- temporaries ---- */

/* The printed tree's size up to limit: a named node is one. */
static int tree_size_upto(printer *p, const nd_node *n, int limit)
{
    int size = 1;
    if (n != p->self && printer_name_of(p, n))
        return 1;
    for (uint32_t i = 0; i < n->nkids && size < limit; i++)
        size += tree_size_upto(p, n->kid[i], limit - size);
    return size;
}

/* Worth a name: at least four nodes and ten printed characters, so that
 * sigmoid(z1) or 1 - h.^2 stay inline. */
static int worth_naming(printer *p, const nd_node *n)
{
    if (tree_size_upto(p, n, 4) < 4)
        return 0;
    strbuf b, *saved = p->out;
    sb_init(&b);
    p->out = &b;
    print_expr(p, n);
    p->out = saved;
    size_t len = 0;
    for (const char *c = sb_str(&b); *c; c++)
        len += *c != ' ';
    sb_free(&b);
    return len >= 10;
}

/* uses[id]: how often the printed lines show node id, were nothing named
 * but the bindings: each root once, each child once per parent shown. */
static unsigned *count_uses(printer *p, nd_node *const *roots, int n)
{
    nd_ctx *ctx = p->ctx;
    unsigned *uses = xmalloc(ctx->n_nodes * sizeof *uses);
    memset(uses, 0, ctx->n_nodes * sizeof *uses);
    unsigned char *shown = xmalloc(ctx->n_nodes);
    memset(shown, 0, ctx->n_nodes);
    for (int i = 0; i < n; i++) {
        uses[roots[i]->id]++;
        shown[roots[i]->id] = !printer_name_of(p, roots[i]);
    }
    for (uint32_t id = ctx->n_nodes; id-- > 0;) {     /* parents before children */
        if (!shown[id])
            continue;
        nd_node *m = ctx->nodes[id];
        for (uint32_t k = 0; k < m->nkids; k++) {
            uses[m->kid[k]->id]++;
            shown[m->kid[k]->id] = !printer_name_of(p, m->kid[k]);
        }
    }
    free(shown);
    return uses;
}

static const char *fresh_name(printer *p, int *counter)
{
    char buf[32];
    do
        snprintf(buf, sizeof buf, "t%d", ++*counter);
    while (ctx_lookup(p->ctx, buf));
    return arena_strdup(p->ctx->arena, buf);
}

int printer_temporaries(printer *p, nd_node *const *roots, int n, nd_node ***temps)
{
    nd_ctx *ctx = p->ctx;
    unsigned *uses = count_uses(p, roots, n);
    int count = 0, counter = 0;
    *temps = xmalloc((ctx->n_nodes + 1) * sizeof **temps);
    for (uint32_t id = 0; id < ctx->n_nodes; id++) {
        nd_node *m = ctx->nodes[id];
        if (uses[id] < 2 || !m->nkids || printer_name_of(p, m) || !worth_naming(p, m))
            continue;
        printer_name(p, m, fresh_name(p, &counter));
        (*temps)[count++] = m;
    }
    free(uses);
    return count;
}
