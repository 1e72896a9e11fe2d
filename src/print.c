/* print.c: the printer of expressions, in the input language (text) or in
 * LaTeX.  Both follow one precedence scheme; where the two spell a form
 * differently (a fraction, a transpose, a function), the function for that
 * form says both. */
#include "print.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "latex.h"
#include "mk.h"
#include "num.h"
#include "ops.h"
#include "scope.h"
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
    memset(p, 0, sizeof *p);
    p->ctx = ctx;
    p->out = out;
    grow_names(p, ctx->dag->n_nodes + 1);
    for (int b = 0; b < ctx->scope->n_binds; b++) {
        nd_node *n = ctx->scope->binds[b].node;
        if (n && (n->flags & NF_NAMED) && !p->names[n->id])
            p->names[n->id] = ctx->scope->binds[b].name;
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

/* Puts the text form or the LaTeX form. */
static void put(printer *p, const char *text, const char *latex)
{
    sb_puts(p->out, p->latex ? latex : text);
}

static void put_name(printer *p, const char *name)
{
    if (p->latex)
        latex_label(p->out, name);
    else
        sb_puts(p->out, name);
}

static void print_at(printer *p, const nd_node *n, int min);
static void print_node(printer *p, const nd_node *n);

/* Whether fill n is written with its size (a line has a few such fills). */
static int fill_sized(const printer *p, const nd_node *n)
{
    for (int i = 0; p->planned && i < p->n_sized; i++)
        if (p->sized[i] == n)
            return 1;
    return 0;
}

/* ---- properties of nodes ---- */

/* In text a fraction is written p/q, unless a short decimal says it. */
static int text_fraction(const mpq_t q)
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

/* LaTeX: a form that ends in a superscript takes parentheses before
 * another one (X^\top^2 does not compile), and so does a fraction. */
static int ends_in_superscript(printer *p, const nd_node *n)
{
    if (!p->latex)
        return 0;
    const char *name = printer_name_of(p, n);
    if (name || n->op == OP_SYM)
        return strchr(name ? name : n->u.name, '/') != NULL;
    switch ((enum nd_op)n->op) {
    case OP_CONST:
        return num_scientific(NULL, n->u.q, 1);
    case OP_TRANSPOSE:
    case OP_EPOW:
    case OP_MPOW:
    case OP_INV:
    case OP_NORM2:
        return 1;
    case OP_BCAST:
        return !dim_is_one(p->ctx, n->shape.cols);
    default:
        return 0;
    }
}

static int in_denominator(printer *p, const nd_node *f, int elementwise);

/* A product LaTeX writes as \frac{num}{den}: a group, like an atom. */
static int latex_fraction(printer *p, const nd_node *n)
{
    for (uint32_t i = 0; i < n->nkids; i++)
        if (in_denominator(p, n->kid[i], 0))
            return 1;
    return 0;
}

/* A vector of ones (vector(1), or its transpose with row 1). */
static int is_ones(printer *p, const nd_node *f, int row)
{
    nd_ctx *ctx = p->ctx;
    if (printer_name_of(p, f))
        return 0;
    if (f->op == OP_TRANSPOSE)
        return !row ? 0 : is_ones(p, f->kid[0], 0);
    return f->op == OP_BCAST && expr_is_const_val(f->kid[0], 1) &&
           dim_is_one(ctx, row ? f->shape.rows : f->shape.cols) &&
           !dim_is_one(ctx, row ? f->shape.cols : f->shape.rows);
}

/* Text: M*vector(1) in a product reads sum(M, 2), vector(1)'*M sum(M, 1),
 * as the language writes them (they elaborate to these products): the
 * axis, or 0 when f[i] does not start such a pair. */
static int axis_sum_at(printer *p, const nd_node *const *f, int n, int i)
{
    if (p->latex || i + 1 >= n)
        return 0;
    const nd_node *a = f[i], *b = f[i + 1];
    nd_ctx *ctx = p->ctx;
    if (is_ones(p, b, 0) && !dim_is_one(ctx, a->shape.rows) && !dim_is_one(ctx, a->shape.cols))
        return 2;
    if (is_ones(p, a, 1) && !dim_is_one(ctx, b->shape.rows) && !dim_is_one(ctx, b->shape.cols))
        return 1;
    return 0;
}

static int level(printer *p, const nd_node *n)
{
    if (printer_name_of(p, n))
        return n->op == OP_SYM && !p->latex ? P_POW : P_ATOM;
    switch ((enum nd_op)n->op) {
    case OP_CONST:
        if (mpq_sgn(n->u.q) < 0)
            return P_UNARY;
        if (p->latex && num_scientific(NULL, n->u.q, 1))    /* 10^{-5}, 3 \cdot 10^{-5} */
            return num_scientific_unit(n->u.q) ? P_POW : P_PROD;
        return !p->latex && text_fraction(n->u.q) ? P_PROD : P_ATOM;
    case OP_SYM:
        return !p->latex && strchr(n->u.name, '/') ? P_POW : P_ATOM;
    case OP_ADD:
        return P_SUM;
    case OP_PROD:
        if (is_negative(n))
            return P_UNARY;
        if (n->nkids == 2 && axis_sum_at(p, (const nd_node *const *)n->kid, 2, 0))
            return P_ATOM;      /* sum(M, 2) */
        return p->latex && latex_fraction(p, n) ? P_ATOM : P_PROD;
    case OP_EMUL:
        return P_PROD;
    case OP_EPOW:
        if (is_reciprocal(p, n))    /* LaTeX's \frac{1}{a} is a group */
            return p->latex && expr_is_scalar(p->ctx, n) ? P_ATOM : P_PROD;
        return P_POW;
    case OP_MPOW:
        return P_POW;
    case OP_TRANSPOSE:
    case OP_INV:
        return p->latex ? P_POST : n->op == OP_INV ? P_ATOM : P_POST;
    case OP_BCAST:
        if (expr_is_scalar(p->ctx, n->kid[0]))
            return shape_is_row(p->ctx, n->shape) ? P_POST : P_ATOM;
        return P_PROD;
    case OP_KRON:       /* A \otimes B, a product in LaTeX */
        return p->latex ? P_PROD : P_ATOM;
    default:
        return P_ATOM;
    }
}

/* ---- numbers and powers ---- */

static void print_const(printer *p, const mpq_t q)
{
    if (p->latex)
        num_format_latex(p->out, q);
    else
        num_format(p->out, q, NULL);
}

static void put_mpz(printer *p, const mpz_t z)
{
    mpq_t q;
    mpq_init(q);
    mpq_set_z(q, z);
    print_const(p, q);
    mpq_clear(q);
}

/* The base of a superscript: tight, and in LaTeX never itself ending in one. */
static void print_base(printer *p, const nd_node *n)
{
    print_at(p, n, ends_in_superscript(p, n) ? P_ATOM + 1 : P_POST);
}

/* An exponent after ^ (text) or inside ^{...} (LaTeX). */
static void print_exponent(printer *p, const mpq_t k)
{
    if (p->latex || num_is_int(k) || (!text_fraction(k) && mpq_sgn(k) > 0)) {
        print_const(p, k);
        return;
    }
    sb_putc(p->out, '(');
    print_const(p, k);
    sb_putc(p->out, ')');
}

/* base^k for a constant k > 0 (just base when k = 1). */
static void print_power(printer *p, const nd_node *base, const mpq_t k, int elementwise)
{
    if (mpq_cmp_ui(k, 1, 1) == 0) {
        print_at(p, base, P_POW);
        return;
    }
    print_base(p, base);
    put(p, elementwise ? ".^" : "^", elementwise ? "^{\\circ " : "^{");
    print_exponent(p, k);
    if (p->latex)
        sb_putc(p->out, '}');
}

/* ---- products ---- */

/* Denominators: reciprocal factors, elementwise ones only with .* */
static int in_denominator(printer *p, const nd_node *f, int elementwise)
{
    return is_reciprocal(p, f) && (elementwise || expr_is_scalar(p->ctx, f));
}

static const char *mul_sep(printer *p, int elementwise)
{
    if (p->latex)
        return elementwise ? " \\odot " : " ";
    return elementwise ? ".*" : "*";
}

/* The numerator: coef's numerator (when not 1) and the factors not in the
 * denominator; "1" when there is nothing else.  Returns how many factors
 * go to the denominator. */
static int print_numerator(printer *p, const nd_node *const *f, int n, const mpq_t coef,
                           int elementwise, int with_coef)
{
    int first = 1, nden = 0;
    if (with_coef && mpz_cmp_ui(mpq_numref(coef), 1) != 0) {
        put_mpz(p, mpq_numref(coef));
        first = 0;
    }
    for (int i = 0; i < n; i++) {
        if (in_denominator(p, f[i], elementwise)) {
            nden++;
            continue;
        }
        if (!first)
            sb_puts(p->out, mul_sep(p, elementwise));
        int axis = elementwise ? 0 : axis_sum_at(p, f, n, i);
        if (axis) {
            sb_puts(p->out, "sum(");
            print_at(p, f[axis == 2 ? i : i + 1], 0);
            sb_printf(p->out, ", %d)", axis);
            i++;
        } else {
            print_at(p, f[i], P_POW);
        }
        first = 0;
    }
    if (first)
        sb_putc(p->out, '1');
    return nden;
}

static void print_denominator(printer *p, const nd_node *const *f, int n, const mpq_t coef,
                              int elementwise)
{
    int first = 1;
    if (mpz_cmp_ui(mpq_denref(coef), 1) != 0) {
        put_mpz(p, mpq_denref(coef));
        first = 0;
    }
    mpq_t k;
    mpq_init(k);
    for (int i = 0; i < n; i++)
        if (in_denominator(p, f[i], elementwise)) {
            if (!first)
                sb_puts(p->out, mul_sep(p, elementwise));
            mpq_neg(k, f[i]->kid[1]->u.q);
            print_power(p, f[i]->kid[0], k, elementwise && !expr_is_scalar(p->ctx, f[i]));
            first = 0;
        }
    mpq_clear(k);
}

/* A coefficient written as the user writes 1e-5 or 0.3 (not x/100000,
 * 3*x/10): put in front, its own factor; returns 0 for any other (x/2
 * stays a fraction: see num_decimal). */
static int sci_coefficient(printer *p, const mpq_t coef)
{
    if (num_is_int(coef))
        return 0;
    if (num_scientific(NULL, coef, p->latex))
        num_scientific(p->out, coef, p->latex);
    else if (!num_decimal(p->out, coef))
        return 0;
    if (!p->latex)
        sb_putc(p->out, '*');
    return 1;
}

/* LaTeX: \frac{p}{q} num, \frac{num}{den}, or num \oslash den. */
static void latex_factors(printer *p, const nd_node *const *f, int n, const mpq_t coef,
                          int elementwise)
{
    if (sci_coefficient(p, coef)) {
        mpq_t one;
        mpq_init(one);
        mpq_set_ui(one, 1, 1);
        sb_putc(p->out, ' ');
        latex_factors(p, f, n, one, elementwise);
        mpq_clear(one);
        return;
    }
    int nden = 0;
    for (int i = 0; i < n; i++)
        nden += in_denominator(p, f[i], elementwise);
    if (!nden) {
        if (mpq_cmp_ui(coef, 1, 1) != 0) {
            print_const(p, coef);
            sb_putc(p->out, ' ');
        }
        print_numerator(p, f, n, coef, elementwise, 0);
        return;
    }
    if (elementwise) {
        print_numerator(p, f, n, coef, 1, 1);
        sb_puts(p->out, " \\oslash ");
        sb_puts(p->out, nden > 1 ? "\\left(" : "");
        print_denominator(p, f, n, coef, 1);
        sb_puts(p->out, nden > 1 ? "\\right)" : "");
        return;
    }
    const nd_node *num = NULL, *den = NULL;     /* the lone factor of each */
    int nnum = mpz_cmp_ui(mpq_numref(coef), 1) != 0;
    for (int i = 0; i < n; i++)
        if (!in_denominator(p, f[i], 0))
            nnum++, num = f[i];
        else if (mpq_cmp_si(f[i]->kid[1]->u.q, -1, 1) == 0)
            den = f[i]->kid[0];
    if (nden > 1 || mpz_cmp_ui(mpq_denref(coef), 1) != 0)
        den = NULL;
    /* a whole numerator or denominator is a group already: no \left( */
    sb_puts(p->out, "\\frac{");
    if (nnum == 1 && num)
        print_at(p, num, 0);
    else
        print_numerator(p, f, n, coef, 0, 1);
    sb_puts(p->out, "}{");
    if (den)
        print_at(p, den, 0);
    else
        print_denominator(p, f, n, coef, 0);
    sb_putc(p->out, '}');
}

static int ident_char(char c)
{
    return c == '_' || isalnum((unsigned char)c);
}

/* Whether the '/' at text[slash] joins dA/dB, which an answer reads as
 * the name of an adjoint (the lexer's T_ADJ): an identifier starting with
 * d on each side. */
static int reads_as_adjoint(const char *text, size_t slash)
{
    size_t i = slash;
    while (i > 0 && ident_char(text[i - 1]))
        i--;
    if (i + 2 > slash || text[i] != 'd' || isdigit((unsigned char)text[i + 1]))
        return 0;
    const char *r = text + slash + 1;
    return r[0] == 'd' && (r[1] == '_' || isalpha((unsigned char)r[1]));
}

/* x/y written x / y. */
static void space_slash(strbuf *b, size_t slash)
{
    char *rest = xstrdup(sb_str(b) + slash + 1);
    sb_truncate(b, slash);
    sb_puts(b, " / ");
    sb_puts(b, rest);
    free(rest);
}

/* coef * f[0] * ... (coef >= 0): "num/den" in text; see latex_factors. */
static void print_factors(printer *p, const nd_node *const *f, int n, const mpq_t coef,
                          int elementwise)
{
    if (p->latex) {
        latex_factors(p, f, n, coef, elementwise);
        return;
    }
    if (sci_coefficient(p, coef)) {
        mpq_t one;
        mpq_init(one);
        mpq_set_ui(one, 1, 1);
        print_factors(p, f, n, one, elementwise);
        mpq_clear(one);
        return;
    }
    int nden = print_numerator(p, f, n, coef, elementwise, 1) +
               (mpz_cmp_ui(mpq_denref(coef), 1) != 0);
    if (!nden)
        return;
    size_t slash = strlen(sb_str(p->out));
    sb_puts(p->out, elementwise ? "./" : "/");
    if (nden > 1)
        sb_putc(p->out, '(');
    print_denominator(p, f, n, coef, elementwise);
    if (nden > 1)
        sb_putc(p->out, ')');
    if (!elementwise && reads_as_adjoint(sb_str(p->out), slash))
        space_slash(p->out, slash);
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

/* ---- sums ---- */

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

/* The term printed first: the first one with the sum's own shape when
 * the broadcast terms before it do not add up left to right (x' + x + A
 * reads back as an error, since x' + x is not defined; A + x' + x and
 * x' + A are fine), else the first. */
uint32_t print_sum_lead(printer *p, const nd_node *sum)
{
    if (!implicit_broadcast(sum))
        return 0;
    const nd_node *row = NULL;     /* the first non-scalar broadcast term */
    int clash = 0;
    for (uint32_t j = 0; j < sum->nkids; j++) {
        const nd_node *t = unbroadcast(sum->kid[j], 1);
        if (shape_equal(p->ctx, t->shape, sum->shape))
            return clash ? j : 0;
        if (expr_is_scalar(p->ctx, t))
            continue;
        if (!row)
            row = t;
        else if (!shape_equal(p->ctx, t->shape, row->shape))
            clash = 1;
    }
    return 0;
}

/* The i-th term of the sum as printed: the lead, then the others in order. */
const nd_node *print_sum_term(const nd_node *sum, uint32_t lead, uint32_t i)
{
    return sum->kid[i == 0 ? lead : i <= lead ? i - 1 : i];
}

void print_term_signed(printer *p, const nd_node *sum, uint32_t lead, uint32_t i)
{
    const nd_node *t = unbroadcast(print_sum_term(sum, lead, i), implicit_broadcast(sum));
    int neg = term_negative(p, t);
    if (i == 0 && neg)
        sb_putc(p->out, '-');
    else if (i > 0)
        sb_puts(p->out, neg ? " - " : " + ");
    print_term(p, t, neg);
}

static void print_sum(printer *p, const nd_node *n)
{
    uint32_t lead = print_sum_lead(p, n);
    for (uint32_t i = 0; i < n->nkids; i++)
        print_term_signed(p, n, lead, i);
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

/* ---- powers, broadcasts, calls ---- */

static void print_epow(printer *p, const nd_node *n)
{
    const nd_node *e = n->kid[1];
    int scalar = expr_is_scalar(p->ctx, n);
    if (is_reciprocal(p, n)) {     /* 1/a, 1./x, 1./x.^2 */
        mpq_t k;
        mpq_init(k);
        mpq_neg(k, e->u.q);
        put(p, scalar ? "1/" : "1./", scalar ? "\\frac{1}{" : "1 \\oslash ");
        if (p->latex && scalar && mpq_cmp_ui(k, 1, 1) == 0)
            print_at(p, n->kid[0], 0);      /* \frac{1}{a + b}: a group already */
        else
            print_power(p, n->kid[0], k, !scalar);
        if (p->latex && scalar)
            sb_putc(p->out, '}');
        mpq_clear(k);
        return;
    }
    print_base(p, n->kid[0]);
    if (p->latex) {
        sb_puts(p->out, scalar ? "^{" : "^{\\circ ");
        print_at(p, e, 0);
        sb_putc(p->out, '}');
        return;
    }
    sb_puts(p->out, scalar ? "^" : ".^");
    if (e->op == OP_CONST && (num_is_int(e->u.q) || (!text_fraction(e->u.q) && mpq_sgn(e->u.q) > 0)))
        print_const(p, e->u.q);
    else
        print_at(p, e, P_ATOM);
}

/* A dimension of a fill written with its size: ", n" in text, "_{n}" in LaTeX. */
static void put_size(printer *p, nd_dim d)
{
    if (!p->latex) {
        sb_printf(p->out, ", %s", dim_name(p->ctx, d));
        return;
    }
    sb_puts(p->out, "_{");
    if (dim_value(p->ctx, d) > 0)
        sb_printf(p->out, "%ld", dim_value(p->ctx, d));
    else
        latex_label(p->out, dim_name(p->ctx, d));
    sb_putc(p->out, '}');
}

/* \mathbf{1} (its size when sized), and ^\top for a row. */
static void latex_ones(printer *p, int sized, nd_dim d, int row)
{
    sb_puts(p->out, "\\mathbf{1}");
    if (sized)
        put_size(p, d);
    if (row)
        sb_puts(p->out, "^\\top");
}

/* vector(c), vector(c)', matrix(c); with their sizes vector(c, n),
 * matrix(c, m, n) (LaTeX: c \mathbf{1}_{n}, \mathbf{1}_{m}\mathbf{1}_{n}^\top);
 * a column across v*vector(1)' and a row down vector(1)*r. */
static void print_bcast(printer *p, const nd_node *n)
{
    nd_ctx *ctx = p->ctx;
    const nd_node *x = n->kid[0];
    int row = shape_is_row(ctx, n->shape), sized = fill_sized(p, n);
    nd_shape sh = n->shape;
    if (expr_is_scalar(ctx, x)) {
        int vec = dim_is_one(ctx, sh.cols) || row;
        if (p->latex) {
            if (!expr_is_const_val(x, 1)) {
                print_at(p, x, P_POW);
                sb_putc(p->out, ' ');
            }
            if (vec)
                latex_ones(p, sized, row ? sh.cols : sh.rows, row);
            else {
                latex_ones(p, sized, sh.rows, 0);
                latex_ones(p, sized, sh.cols, 1);
            }
            return;
        }
        sb_puts(p->out, vec ? "vector(" : "matrix(");
        print_at(p, x, 0);
        if (sized && vec)
            put_size(p, row ? sh.cols : sh.rows);
        else if (sized) {
            put_size(p, sh.rows);
            put_size(p, sh.cols);
        }
        sb_puts(p->out, row ? ")'" : ")");
    } else if (dim_is_one(ctx, x->shape.cols)) {    /* a column across: v*1' */
        print_at(p, x, P_PROD);
        if (p->latex) {
            sb_putc(p->out, ' ');
            latex_ones(p, sized, sh.cols, 1);
        } else {
            sb_puts(p->out, "*vector(1");
            if (sized)
                put_size(p, sh.cols);
            sb_puts(p->out, ")'");
        }
    } else {                                        /* a row down: 1*r */
        if (p->latex) {
            latex_ones(p, sized, sh.rows, 0);
            sb_putc(p->out, ' ');
        } else {
            sb_puts(p->out, "vector(1");
            if (sized)
                put_size(p, sh.rows);
            sb_puts(p->out, ")*");
        }
        print_at(p, x, P_POW);
    }
}

static void print_args(printer *p, const nd_node *n)
{
    for (uint32_t i = 0; i < n->nkids; i++) {
        if (i)
            sb_puts(p->out, ", ");
        print_at(p, n->kid[i], 0);
    }
}

/* LaTeX spellings with their own shape: norms, |x|, sqrt, inverses. */
static int latex_special_call(printer *p, const nd_node *n)
{
    nd_ctx *ctx = p->ctx;
    int matrix = !dim_is_one(ctx, n->kid[0]->shape.cols);
    const char *open = NULL, *close = NULL;
    switch ((enum nd_op)n->op) {
    case OP_NORM2: open = "\\lVert "; close = matrix ? " \\rVert_F^2" : " \\rVert_2^2"; break;
    case OP_NORM: open = "\\lVert "; close = matrix ? " \\rVert_F" : " \\rVert_2"; break;
    case OP_NORM1: open = "\\lVert "; close = " \\rVert_1"; break;
    case OP_ABS: open = "\\lvert "; close = " \\rvert"; break;
    case OP_SQRT: open = "\\sqrt{"; close = "}"; break;
    case OP_INV:
        print_base(p, n->kid[0]);
        sb_puts(p->out, "^{-1}");
        return 1;
    case OP_KRON:
        print_at(p, n->kid[0], P_POW);
        sb_puts(p->out, " \\otimes ");
        print_at(p, n->kid[1], P_POW);
        return 1;
    default:
        return 0;
    }
    sb_puts(p->out, open);
    print_at(p, n->kid[0], 0);
    sb_puts(p->out, close);
    return 1;
}

static void print_call(printer *p, const nd_node *n)
{
    if (p->latex && latex_special_call(p, n))
        return;
    const nd_opinfo *o = &ops_table[n->op];
    sb_puts(p->out, p->latex ? o->latex : o->name);
    put(p, "(", "\\left(");
    print_args(p, n);
    put(p, ")", "\\right)");
}

/* A transpose: x' or x^\top; the transpose of an inverse is A^{-\top}. */
static void print_transpose(printer *p, const nd_node *n)
{
    const nd_node *x = n->kid[0];
    if (!p->latex && (x->op == OP_SOFTMAX || x->op == OP_LOGSOFTMAX || x->op == OP_LOGSUMEXP) &&
        !printer_name_of(p, x) && x->kid[0]->op == OP_TRANSPOSE && !printer_name_of(p, x->kid[0])) {
        /* softmax(Z, 2) elaborates to softmax(Z')': written back so */
        sb_printf(p->out, "%s(", ops_table[x->op].name);
        print_at(p, x->kid[0]->kid[0], 0);
        sb_puts(p->out, ", 2)");
        return;
    }
    if (p->latex && x->op == OP_INV && !printer_name_of(p, x)) {
        print_base(p, x->kid[0]);
        sb_puts(p->out, "^{-\\top}");
        return;
    }
    print_base(p, x);
    put(p, "'", "^\\top");
}

/* ---- indexing and blocks ---- */

/* One index: ':' for all of the dimension, i, or lo:hi (1-based). */
static void print_range(printer *p, long off, nd_dim ext, nd_dim of)
{
    nd_ctx *ctx = p->ctx;
    if (off == 0 && dim_same(ctx, ext, of)) {
        sb_putc(p->out, ':');
        return;
    }
    long len = dim_value(ctx, ext);
    if (len == 1)
        sb_printf(p->out, "%ld", off + 1);
    else
        sb_printf(p->out, "%ld:%ld", off + 1, off + len);
}

/* A name LaTeX can subscript: no subscript or superscript of its own. */
static int latex_subscriptable(printer *p, const nd_node *x)
{
    const char *name = printer_name_of(p, x);
    if (!name && x->op == OP_VAR)
        name = p->ctx->scope->vars[x->u.var].name;
    if (!name)
        return x->op == OP_EYE;
    strbuf b;
    sb_init(&b);
    latex_label(&b, name);
    int ok = !strpbrk(sb_str(&b), "_^{");
    sb_free(&b);
    return ok;
}

/* x(2:5), X(:, j), eye(5)(:, 2), (W*x)(1:3); in LaTeX x_{2:5}, X_{:,j},
 * I_{:,2}, \left(W x\right)_{1:3}.  A vector takes one index. */
static void print_index(printer *p, const nd_node *n)
{
    nd_ctx *ctx = p->ctx;
    const nd_node *x = n->kid[0];
    int bare = p->latex ? latex_subscriptable(p, x)
                        : printer_name_of(p, x) || x->op == OP_VAR || x->op == OP_EYE ||
                              x->op == OP_VCAT || x->op == OP_HCAT;
    if (!bare)
        put(p, "(", "\\left(");
    print_node(p, x);
    if (!bare)
        put(p, ")", "\\right)");
    put(p, "(", "_{");
    int row = dim_is_one(ctx, x->shape.rows) && !dim_is_one(ctx, x->shape.cols);
    int col = dim_is_one(ctx, x->shape.cols);
    if (!row)
        print_range(p, block_row0(n), n->shape.rows, x->shape.rows);
    if (!row && !col)
        put(p, ", ", ",");
    if (!col)
        print_range(p, block_col0(n), n->shape.cols, x->shape.cols);
    put(p, ")", "}");
}

/* The parts of a stack, nested ones (not named) flattened: [a; b; c],
 * [a, b; c, d] (the rows' parts too); the text's brackets or LaTeX's
 * \begin{bmatrix} a & b \\ c & d \end{bmatrix}.  The nesting is bounded
 * by the parse's depth limit. */
static void cat_parts(printer *p, const nd_node *n, int op, int top)
{
    if (n->op == op && (top || !printer_name_of(p, n))) {
        cat_parts(p, n->kid[0], op, 0);
        put(p, op == OP_VCAT ? "; " : ", ", op == OP_VCAT ? " \\\\ " : " & ");
        cat_parts(p, n->kid[1], op, 0);
    } else if (op == OP_VCAT) {
        cat_parts(p, n, OP_HCAT, 0);
    } else {
        print_at(p, n, 0);
    }
}

static void print_cat(printer *p, const nd_node *n)
{
    put(p, "[", "\\begin{bmatrix} ");
    cat_parts(p, n, n->op == OP_VCAT ? OP_VCAT : OP_HCAT, 1);
    put(p, "]", " \\end{bmatrix}");
}

static void print_node(printer *p, const nd_node *n)
{
    nd_ctx *ctx = p->ctx;
    const char *name = printer_name_of(p, n);
    if (name) {
        if (p->hits)
            nodelist_push(p->hits, p->ctx->dag->nodes[n->id]);
        put_name(p, name);
        return;
    }
    switch ((enum nd_op)n->op) {
    case OP_CONST: print_const(p, n->u.q); break;
    case OP_VAR: put_name(p, ctx->scope->vars[n->u.var].name); break;
    case OP_SYM: put_name(p, n->u.name); break;
    case OP_DIMVAL: put_name(p, dim_name(ctx, n->u.dim)); break;
    case OP_PI: put(p, "pi", "\\pi"); break;
    case OP_EYE:
        if (p->latex) {
            sb_putc(p->out, 'I');
            if (fill_sized(p, n))       /* I_{2} in kron(eye(2), ...) */
                put_size(p, n->u.dim);
        } else
            sb_printf(p->out, "eye(%s)", dim_name(ctx, n->u.dim));
        break;
    case OP_BCAST: print_bcast(p, n); break;
    case OP_ADD: print_sum(p, n); break;
    case OP_PROD: print_prod(p, n, 0); break;
    case OP_EMUL: print_emul(p, n); break;
    case OP_EPOW: print_epow(p, n); break;
    case OP_MPOW:
        print_base(p, n->kid[0]);
        sb_printf(p->out, p->latex ? "^{%ld}" : "^%ld", n->u.k);
        break;
    case OP_TRANSPOSE: print_transpose(p, n); break;
    case OP_INDEX: print_index(p, n); break;
    case OP_VCAT:
    case OP_HCAT: print_cat(p, n); break;
    default: print_call(p, n); break;
    }
}

/* ---- fills whose size nothing fixes ----
 * The answer reader infers a fill's size by unifying dimensions through the
 * operators around it (as elab.c and the smart constructors do); where that
 * leaves a size open (sum(t) with t = diag(matrix(c)), sum(v*vector(1)', 2))
 * or leaves it open too long (kron, a block and a stack need numeric sizes
 * at the call) the printed line must say it.  The plan walks the line as it
 * is printed, each dimension of each printed form one slot of a union-find;
 * a slot is fixed when it is a variable's, a name's, a number's, or joined
 * to one. */
typedef struct slots {
    int r, c;
} slots;

typedef struct fplan {
    printer *p;
    int *parent;
    unsigned char *fixed;
    int n, cap;
    struct {
        const nd_node *n;
        slots s;
    } *fill;
    int nf, capf;
} fplan;

static int slot_new(fplan *f, int fixed)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 64;
        f->parent = xrealloc(f->parent, (size_t)f->cap * sizeof *f->parent);
        f->fixed = xrealloc(f->fixed, (size_t)f->cap);
    }
    f->parent[f->n] = f->n;
    f->fixed[f->n] = (unsigned char)fixed;
    return f->n++;
}

static int slot_find(fplan *f, int a)
{
    while (f->parent[a] != a)
        a = f->parent[a] = f->parent[f->parent[a]];
    return a;
}

static void slot_join(fplan *f, int a, int b)
{
    a = slot_find(f, a);
    b = slot_find(f, b);
    if (a != b) {
        f->parent[a] = b;
        f->fixed[b] |= f->fixed[a];
    }
}

static slots fixed_slots(fplan *f)
{
    slots s = { slot_new(f, 1), slot_new(f, 1) };
    return s;
}

static void join_slots(fplan *f, slots a, slots b)
{
    slot_join(f, a.r, b.r);
    slot_join(f, a.c, b.c);
}

static void plan_sized(printer *p, const nd_node *n)
{
    p->sized = xgrow(p->sized, &p->cap_sized, p->n_sized + 1, sizeof *p->sized);
    p->sized[p->n_sized++] = n;
}

/* Slot a must be fixed now: the first fill in its class says its size. */
static void slot_need(fplan *f, int a)
{
    a = slot_find(f, a);
    if (f->fixed[a])
        return;
    for (int i = 0; i < f->nf; i++)
        if (slot_find(f, f->fill[i].s.r) == a || slot_find(f, f->fill[i].s.c) == a) {
            plan_sized(f->p, f->fill[i].n);
            slot_join(f, f->fill[i].s.r, slot_new(f, 1));
            slot_join(f, f->fill[i].s.c, slot_new(f, 1));
            return;
        }
}

static void need_slots(fplan *f, slots s)
{
    slot_need(f, s.r);
    slot_need(f, s.c);
}

static slots plan_node(fplan *f, const nd_node *n);

/* A fill as printed: vector(c) a column (its columns fixed), vector(c)' a
 * row, matrix(c) neither; v*vector(1)' takes its rows from v, vector(1)*r
 * its columns from r. */
static slots plan_bcast(fplan *f, const nd_node *n)
{
    nd_ctx *ctx = f->p->ctx;
    const nd_node *x = n->kid[0];
    slots k = plan_node(f, x), s;
    if (expr_is_scalar(ctx, x)) {
        int row = shape_is_row(ctx, n->shape), col = dim_is_one(ctx, n->shape.cols);
        s.r = slot_new(f, row);
        s.c = slot_new(f, col);
    } else if (dim_is_one(ctx, x->shape.cols)) {
        s.r = k.r;
        s.c = slot_new(f, 0);
    } else {
        s.r = slot_new(f, 0);
        s.c = k.c;
    }
    f->fill = xgrow(f->fill, &f->capf, f->nf + 1, sizeof *f->fill);
    f->fill[f->nf].n = n;
    f->fill[f->nf++].s = s;
    return s;
}

/* A sum or .* product: the operands of its shape are one shape; a
 * broadcast left implicit joins the dimension it shares. */
static slots plan_same(fplan *f, const nd_node *n, int sum)
{
    nd_ctx *ctx = f->p->ctx;
    int implicit = implicit_broadcast(n);
    uint32_t lead = sum ? print_sum_lead(f->p, n) : 0;
    slots s = { slot_new(f, 0), slot_new(f, 0) };
    for (uint32_t i = 0; i < n->nkids; i++) {
        const nd_node *t = unbroadcast(sum ? print_sum_term(n, lead, i) : n->kid[i], implicit);
        slots k = plan_node(f, t);
        if (shape_equal(ctx, t->shape, n->shape)) {
            join_slots(f, s, k);
        } else if (!expr_is_scalar(ctx, t)) {
            if (dim_same(ctx, t->shape.rows, n->shape.rows))
                slot_join(f, s.r, k.r);
            if (dim_same(ctx, t->shape.cols, n->shape.cols))
                slot_join(f, s.c, k.c);
        }
    }
    return s;
}

/* A product: scalars scale, the matrices chain; in text M*vector(1) is
 * sum(M, 2), which takes the rows of M and fixes the rest. */
static slots plan_prod(fplan *f, const nd_node *n)
{
    nd_ctx *ctx = f->p->ctx;
    const nd_node *const *k = (const nd_node *const *)n->kid;
    int nk = (int)n->nkids, any = 0;
    slots s = { 0, 0 }, prev = { 0, 0 };
    for (int i = 0; i < nk; i++) {
        slots t;
        int axis = axis_sum_at(f->p, k, nk, i);
        if (axis) {
            slots m = plan_node(f, k[axis == 2 ? i : i + 1]);
            t = axis == 2 ? (slots){ m.r, slot_new(f, 1) } : (slots){ slot_new(f, 1), m.c };
            i++;
        } else {
            t = plan_node(f, k[i]);
            if (expr_is_scalar(ctx, k[i]))
                continue;
        }
        if (!any)
            s.r = t.r;
        else
            slot_join(f, prev.c, t.r);
        prev = t;
        any = 1;
    }
    if (!any)
        return fixed_slots(f);
    s.c = prev.c;
    return s;
}

/* A block x(r, c): the dimensions it indexes must be numbers; a whole one
 * (':') is x's. */
static slots plan_index(fplan *f, const nd_node *n)
{
    nd_ctx *ctx = f->p->ctx;
    const nd_node *x = n->kid[0];
    slots k = plan_node(f, x), s = fixed_slots(f);
    if (block_row0(n) == 0 && dim_same(ctx, n->shape.rows, x->shape.rows))
        s.r = k.r;
    else
        slot_need(f, k.r);
    if (block_col0(n) == 0 && dim_same(ctx, n->shape.cols, x->shape.cols))
        s.c = k.c;
    else
        slot_need(f, k.c);
    return s;
}

/* [a; b] (vcat) or [a, b]: the stacked dimension must be numbers. */
static slots plan_cat(fplan *f, const nd_node *n)
{
    slots a = plan_node(f, n->kid[0]), b = plan_node(f, n->kid[1]), s = fixed_slots(f);
    if (n->op == OP_VCAT) {
        slot_need(f, a.r);
        slot_need(f, b.r);
        slot_join(f, a.c, b.c);
        s.c = a.c;
    } else {
        slot_need(f, a.c);
        slot_need(f, b.c);
        slot_join(f, a.r, b.r);
        s.r = a.r;
    }
    return s;
}

static slots plan_call(fplan *f, const nd_node *n)
{
    slots k[2];
    for (uint32_t i = 0; i < n->nkids; i++) {
        slots t = plan_node(f, n->kid[i]);
        if (i < 2)
            k[i] = t;
    }
    slots s;
    switch ((enum nd_op)n->op) {
    case OP_TR:
    case OP_DET:
    case OP_LOGDET:
        slot_join(f, k[0].r, k[0].c);
        return fixed_slots(f);
    case OP_INV:
    case OP_MPOW:
        slot_join(f, k[0].r, k[0].c);
        return k[0];
    case OP_DIAGM:
        return (slots){ k[0].r, k[0].r };
    case OP_DIAGV:
        slot_join(f, k[0].r, k[0].c);
        return (slots){ k[0].r, slot_new(f, 1) };
    case OP_SOFTMAX:
    case OP_LOGSOFTMAX:
    case OP_ISMAX:
    case OP_ISMIN:
        return k[0];
    case OP_LOGSUMEXP:
        return (slots){ slot_new(f, 1), k[0].c };
    case OP_CROSSENTROPY:
        join_slots(f, k[0], k[1]);
        return fixed_slots(f);
    case OP_MAX:
    case OP_MIN:
        s = (slots){ slot_new(f, 0), slot_new(f, 0) };
        for (uint32_t i = 0; i < 2; i++)
            if (shape_equal(f->p->ctx, n->kid[i]->shape, n->shape))
                join_slots(f, s, k[i]);
        return s;
    case OP_VEC:
    case OP_KRON:
        for (uint32_t i = 0; i < n->nkids; i++) {
            need_slots(f, k[i]);
            if (f->p->latex && n->kid[i]->op == OP_EYE && !printer_name_of(f->p, n->kid[i]))
                plan_sized(f->p, n->kid[i]);    /* LaTeX's I takes its size from a product */
        }
        return fixed_slots(f);
    case OP_UNVEC:
        need_slots(f, k[0]);
        return fixed_slots(f);
    default:
        if (ops_table[n->op].cls == OPC_ELEM)
            return k[0];
        return fixed_slots(f);      /* a reduction: a scalar */
    }
}

static slots plan_node(fplan *f, const nd_node *n)
{
    if (printer_name_of(f->p, n))
        return fixed_slots(f);
    switch ((enum nd_op)n->op) {
    case OP_CONST:
    case OP_VAR:
    case OP_DIMVAL:
    case OP_EYE:
    case OP_SYM:
    case OP_PI:
        return fixed_slots(f);
    case OP_BCAST: return plan_bcast(f, n);
    case OP_ADD: return plan_same(f, n, 1);
    case OP_EMUL: return plan_same(f, n, 0);
    case OP_PROD: return plan_prod(f, n);
    case OP_EPOW:
        plan_node(f, n->kid[1]);
        return plan_node(f, n->kid[0]);
    case OP_TRANSPOSE: {
        slots k = plan_node(f, n->kid[0]);
        return (slots){ k.c, k.r };
    }
    case OP_INDEX: return plan_index(f, n);
    case OP_VCAT:
    case OP_HCAT: return plan_cat(f, n);
    default: return plan_call(f, n);
    }
}

int print_plan(printer *p, const nd_node *root)
{
    if (p->planned)
        return 0;
    p->planned = 1;
    p->sized = NULL;
    p->n_sized = p->cap_sized = 0;
    fplan f = { .p = p };
    slots s = plan_node(&f, root);
    if (root != p->self)        /* a line of a gradient: its shape is the variable's */
        join_slots(&f, s, fixed_slots(&f));
    for (int i = 0; i < f.nf; i++)
        need_slots(&f, f.fill[i].s);
    free(f.parent);
    free(f.fixed);
    free(f.fill);
    return 1;
}

void print_unplan(printer *p, int planned)
{
    if (!planned)
        return;
    free(p->sized);
    p->sized = NULL;
    p->n_sized = p->cap_sized = 0;
    p->planned = 0;
}


void print_to(printer *p, const nd_node *n, strbuf *b)
{
    strbuf *saved = p->out;
    p->out = b;
    print_expr(p, n);
    p->out = saved;
}

static void print_at(printer *p, const nd_node *n, int min)
{
    int paren = level(p, n) < min;
    if (paren)
        put(p, "(", "\\left(");
    print_node(p, n);
    if (paren)
        put(p, ")", "\\right)");
}

void print_expr(printer *p, const nd_node *n)
{
    int planned = print_plan(p, n);
    print_at(p, n, 0);
    print_unplan(p, planned);
}

void print_factor(printer *p, const nd_node *n)
{
    print_at(p, n, P_POW);
}
