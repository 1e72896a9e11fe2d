/* mk.c: smart constructors (see mk.h). */
#include "mk.h"

#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "ops.h"
#include "scope.h"
#include "shape.h"
#include "sort.h"

static int is_named(const nd_node *n)
{
    return (n->flags & NF_NAMED) != 0;
}

nd_node *mk_int(nd_ctx *ctx, long v)
{
    mpq_t q;
    mpq_init(q);
    mpq_set_si(q, v, 1);
    nd_node *n = expr_const(ctx, q);
    mpq_clear(q);
    return n;
}

nd_node *mk_q(nd_ctx *ctx, long num, long den)
{
    mpq_t q;
    mpq_init(q);
    mpq_set_si(q, num, (unsigned long)den);
    mpq_canonicalize(q);
    nd_node *n = expr_const(ctx, q);
    mpq_clear(q);
    return n;
}

int mk_is_zero(const nd_node *n)
{
    return expr_is_const_val(n, 0) ||
           (n->op == OP_BCAST && expr_is_const_val(n->kid[0], 0));
}

int mk_is_one(const nd_node *n)
{
    return expr_is_const_val(n, 1) ||
           (n->op == OP_BCAST && expr_is_const_val(n->kid[0], 1));
}

nd_node *mk_bcast(nd_ctx *ctx, nd_node *x, nd_shape to)
{
    if (shape_equal(ctx, x->shape, to))
        return x;
    if (x->op == OP_BCAST)
        return mk_bcast(ctx, x->kid[0], to);
    return expr_node(ctx, OP_BCAST, to, &x, 1);
}

nd_node *mk_zero(nd_ctx *ctx, nd_shape shape)
{
    return mk_bcast(ctx, mk_int(ctx, 0), shape);
}

nd_node *mk_ones(nd_ctx *ctx, nd_shape shape)
{
    return mk_bcast(ctx, mk_int(ctx, 1), shape);
}

nd_node *mk_dim(nd_ctx *ctx, nd_dim d)
{
    long v = dim_value(ctx, d);
    return v > 0 ? mk_int(ctx, v) : expr_dimval(ctx, d);
}

/* ---- sums ------------------------------------------------------------ */

/* A term of a sum: coefficient * body. */
struct term {
    nd_node *body;
    mpq_t coef;
};

typedef struct termlist {
    struct term *v;
    int n, cap;
    nd_nodelist bcast;     /* scalars broadcast to the sum's shape */
} termlist;

static void tl_push(termlist *l, nd_node *body, const mpq_t coef)
{
    l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n].body = body;
    mpq_init(l->v[l->n].coef);
    mpq_set(l->v[l->n].coef, coef);
    l->n++;
}

static void tl_free(termlist *l)
{
    for (int i = 0; i < l->n; i++)
        mpq_clear(l->v[i].coef);
    free(l->v);
    nodelist_free(&l->bcast);
}

/* Splits t into coef * body; a constant c is c * 1, matrix(c) is c * matrix(1). */
static nd_node *split_coef(nd_ctx *ctx, nd_node *t, mpq_t coef)
{
    mpq_set_ui(coef, 1, 1);
    if (t->op == OP_CONST) {
        mpq_set(coef, t->u.q);
        return mk_int(ctx, 1);
    }
    if (t->op == OP_BCAST && t->kid[0]->op == OP_CONST) {
        mpq_set(coef, t->kid[0]->u.q);
        return mk_ones(ctx, t->shape);
    }
    if (t->op == OP_BCAST && t->kid[0]->op == OP_PROD && t->kid[0]->kid[0]->op == OP_CONST &&
        !is_named(t->kid[0])) {     /* matrix(-2*s): -2 * matrix(s) */
        nd_node *src = t->kid[0];
        mpq_set(coef, src->kid[0]->u.q);
        return mk_bcast(ctx, mk_prod(ctx, src->kid + 1, (int)src->nkids - 1), t->shape);
    }
    if (t->op == OP_PROD && !is_named(t) && t->kid[0]->op == OP_CONST) {
        mpq_set(coef, t->kid[0]->u.q);
        return mk_prod(ctx, t->kid + 1, (int)t->nkids - 1);
    }
    return t;
}

/* A term as coefficient * body on the list. */
static void push_split(nd_ctx *ctx, termlist *l, nd_node *t)
{
    mpq_t c;
    mpq_init(c);
    nd_node *body = split_coef(ctx, t, c);
    tl_push(l, body, c);
    mpq_clear(c);
}

static void add_term(nd_ctx *ctx, termlist *l, nd_node *t)
{
    if (mk_is_zero(t))
        return;
    if (t->op == OP_ADD && !is_named(t)) {
        for (uint32_t i = 0; i < t->nkids; i++)
            add_term(ctx, l, t->kid[i]);
        return;
    }
    if (t->op == OP_BCAST && expr_is_scalar(ctx, t->kid[0]) &&
        t->kid[0]->op != OP_CONST) {
        nodelist_push(&l->bcast, t->kid[0]);
        return;
    }
    push_split(ctx, l, t);
}

static int term_cmp(const void *a, const void *b, void *ctx)
{
    const struct term *x = a, *y = b;
    return expr_cmp_term(ctx, x->body, y->body);
}

static int node_cmp(const void *a, const void *b, void *ctx)
{
    return expr_cmp_factor(ctx, *(nd_node *const *)a, *(nd_node *const *)b);
}

static void sort_nodes(nd_ctx *ctx, nd_node **v, int n)
{
    nd_sort(v, (size_t)n, sizeof *v, node_cmp, ctx);
}

/* Merges equal bodies (the list is sorted) and drops zero coefficients. */
static void merge_terms(termlist *l)
{
    int w = 0;
    for (int r = 0; r < l->n; r++) {
        if (w > 0 && l->v[w - 1].body == l->v[r].body) {
            mpq_add(l->v[w - 1].coef, l->v[w - 1].coef, l->v[r].coef);
            continue;
        }
        if (w != r) {
            l->v[w].body = l->v[r].body;
            mpq_swap(l->v[w].coef, l->v[r].coef);
        }
        w++;
    }
    for (int r = w; r < l->n; r++)
        mpq_set_ui(l->v[r].coef, 0, 1);
    int k = 0;
    for (int r = 0; r < w; r++) {
        if (mpq_sgn(l->v[r].coef) == 0)
            continue;
        if (k != r) {
            l->v[k].body = l->v[r].body;
            mpq_swap(l->v[k].coef, l->v[r].coef);
        }
        k++;
    }
    for (int r = k; r < l->n; r++)
        mpq_clear(l->v[r].coef);
    l->n = k;
}

/* Positive terms first, then the negative ones: `W*x - x`, `1 - s`. */
static nd_node *build_sum(nd_ctx *ctx, termlist *l, nd_shape shape)
{
    nd_nodelist kids = { 0 };
    for (int sign = 1; sign >= -1; sign -= 2)
        for (int i = 0; i < l->n; i++)
            if (mpq_sgn(l->v[i].coef) == sign)
                nodelist_push(&kids, mk_scale_q(ctx, l->v[i].coef, l->v[i].body));
    nd_node *r = kids.n == 0   ? mk_zero(ctx, shape)
                 : kids.n == 1 ? kids.v[0]
                               : expr_node(ctx, OP_ADD, shape, kids.v, kids.n);
    nodelist_free(&kids);
    return r;
}

nd_node *mk_add(nd_ctx *ctx, nd_node *const *terms, int n)
{
    nd_shape shape = terms[0]->shape;
    termlist l = { 0 };
    for (int i = 0; i < n; i++)
        add_term(ctx, &l, terms[i]);
    if (l.bcast.n) {    /* a + b broadcast once, not a and b separately */
        nd_node *s = l.bcast.n == 1 ? l.bcast.v[0] : mk_add(ctx, l.bcast.v, l.bcast.n);
        if (!mk_is_zero(s))
            push_split(ctx, &l, shape_is_scalar(ctx, shape) ? s : mk_bcast(ctx, s, shape));
    }
    nd_sort(l.v, (size_t)l.n, sizeof *l.v, term_cmp, ctx);
    merge_terms(&l);
    nd_node *r = build_sum(ctx, &l, shape);
    tl_free(&l);
    return r;
}

nd_node *mk_add2(nd_ctx *ctx, nd_node *a, nd_node *b)
{
    nd_node *t[2] = { a, b };
    return mk_add(ctx, t, 2);
}

nd_node *mk_neg(nd_ctx *ctx, nd_node *a)
{
    return mk_scale_si(ctx, -1, 1, a);
}

nd_node *mk_sub(nd_ctx *ctx, nd_node *a, nd_node *b)
{
    return mk_add2(ctx, a, mk_neg(ctx, b));
}

/* ---- products -------------------------------------------------------- */

typedef struct prodparts {
    mpq_t coef;
    nd_nodelist scalars, chain;
} prodparts;

static void add_factor(nd_ctx *ctx, prodparts *p, nd_node *f);

/* A scalar-valued product with a matrix chain (x'*A*y) is one scalar factor:
 * its chain must not merge into the chain of the product it scales. */
static void add_prod_factors(nd_ctx *ctx, prodparts *p, nd_node *f)
{
    int has_chain = !expr_is_scalar(ctx, f->kid[f->nkids - 1]);
    if (!expr_is_scalar(ctx, f) || !has_chain) {
        for (uint32_t i = 0; i < f->nkids; i++)
            add_factor(ctx, p, f->kid[i]);
        return;
    }
    uint32_t first_chain = 0;
    while (expr_is_scalar(ctx, f->kid[first_chain]))
        add_factor(ctx, p, f->kid[first_chain++]);
    if (first_chain == 0)
        nodelist_push(&p->scalars, f);
    else
        nodelist_push(&p->scalars, mk_prod(ctx, f->kid + first_chain,
                                     (int)(f->nkids - first_chain)));
}

static void add_factor(nd_ctx *ctx, prodparts *p, nd_node *f)
{
    if (f->op == OP_CONST && num_mul(p->coef, p->coef, f->u.q))
        return;
    if (f->op == OP_PROD && !is_named(f))
        add_prod_factors(ctx, p, f);
    else if (expr_is_scalar(ctx, f))
        nodelist_push(&p->scalars, f);
    else
        nodelist_push(&p->chain, f);
}

/* The base of x as base^exponent when the exponent is a constant. */
static nd_node *base_of(nd_node *x)
{
    if (x->op == OP_EPOW && x->kid[1]->op == OP_CONST && !is_named(x))
        return x->kid[0];
    return x;
}

/* Splits x into base^exponent when the exponent is a constant. */
static nd_node *pow_base(nd_node *x, mpq_t e)
{
    nd_node *b = base_of(x);
    if (b != x)
        mpq_set(e, x->kid[1]->u.q);
    else
        mpq_set_ui(e, 1, 1);
    return b;
}

static int base_cmp(const void *a, const void *b, void *ctx)
{
    return expr_cmp(ctx, base_of(*(nd_node *const *)a), base_of(*(nd_node *const *)b));
}

/* ---- long products kept in order ----
 * A product built one factor at a time, like the adjoint through a chain of
 * elementwise functions ((1 - x5000.^2).*(1 - x4999.^2).*...), is flattened
 * and put in canonical order each time a factor joins; sorting it again
 * from scratch costs n log n comparisons, each of which may walk two deep
 * expressions.  A node whose kids a sort put in order carries a stamp
 * (nd_node.sorted), and a few new factors are inserted among its kids
 * instead.  The order reads the kids' NF_NAMED flags, the one part of a
 * node that changes, and the flags are only ever set: the stamp records how
 * many were set, and holds while that count stays.  A comparison that read
 * the dimensions (which may still merge) leaves no stamp. */

#define MAX_INSERTED 4      /* more new factors than this: sort them all again */
#define MIN_STAMPED 4       /* shorter products sort again as cheaply */

static unsigned named_kids(const nd_node *n)
{
    unsigned k = 0;
    for (uint32_t i = 0; i < n->nkids; i++)
        k += is_named(n->kid[i]);
    return k;
}

static void stamp_in_order(nd_node *n)
{
    unsigned k = named_kids(n);
    if (k + 1 < UINT16_MAX)
        n->sorted = (uint16_t)(k + 1);
}

/* Did x (an operand) put v[0..n) on the list as its kids, in an order a
 * sort gave them, with distinct bases and no ones? */
static int ordered_operand(const nd_node *x, nd_node *const *v, int n)
{
    if (x->op != OP_EMUL || is_named(x) || !x->sorted || x->nkids != (uint32_t)n ||
        x->sorted != named_kids(x) + 1)
        return 0;
    for (int i = 0; i < n; i++)
        if (v[i] != x->kid[i])
            return 0;
    return 1;
}

static int base_in(nd_node *const *v, int n, const nd_node *base)
{
    for (int i = 0; i < n; i++)
        if (base_of(v[i]) == base)
            return 1;
    return 0;
}

/* Inserts x into v[0..n) (n >= 1), in order, at the place a sort would
 * give it: at an end, the usual place, after one or two comparisons. */
static void insert_ordered(nd_ctx *ctx, nd_node **v, int n, nd_node *x, int *stable)
{
    int lo, hi;     /* v[..lo) sort before x, v[hi..) after it */
    if (expr_cmp_factor_stable(ctx, v[n - 1], x, stable) < 0) {
        lo = hi = n;
    } else if (n == 1 || expr_cmp_factor_stable(ctx, x, v[0], stable) < 0) {
        lo = hi = 0;
    } else {
        lo = 1;
        hi = n - 1;
    }
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (expr_cmp_factor_stable(ctx, v[mid], x, stable) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(v + lo + 1, v + lo, (size_t)(n - lo) * sizeof *v);
    v[lo] = x;
}

/* Where base is among the bases of v[0..n), or -1. */
static int base_at(nd_node *const *v, int n, const nd_node *base)
{
    for (int i = 0; i < n; i++)
        if (base_of(v[i]) == base)
            return i;
    return -1;
}

/* A new factor f whose base is that of v[j] in the ordered run: the power
 * the sort-and-merge would make of the two (s^7 .* s = s^8, a new factor
 * at each layer of x_k = tanh(x_{k-1}.*s)), which leaves the run and goes
 * back in at its place, as any new factor.  Returns 0 (nothing made) when
 * the power's base is not the one merged, which the sort must then see. */
static int merge_into(nd_ctx *ctx, nd_node **v, int j, nd_node *f, nd_node **merged)
{
    mpq_t e, e2;
    mpq_inits(e, e2, NULL);
    nd_node *base = pow_base(v[j], e);
    pow_base(f, e2);
    mpq_add(e, e, e2);
    *merged = mk_pow(ctx, base, expr_const(ctx, e));
    mpq_clears(e, e2, NULL);
    return mk_is_one(*merged) || base_of(*merged) == base;
}

/* merge_powers when v[lo..hi) is in order and the rest have new bases, or
 * the base of one factor of the run: the rest, ones dropped, inserted
 * among them.  Returns 0 when it does not apply (the list is untouched),
 * else 1 and *stable as the comparisons say. */
static int insert_factors(nd_ctx *ctx, nd_nodelist *l, int lo, int hi, int *stable)
{
    int n_new = l->n - (hi - lo);
    if (hi - lo < 2 || n_new > MAX_INSERTED)
        return 0;
    nd_node *fresh[MAX_INSERTED];
    int k = 0, at[MAX_INSERTED];
    for (int i = 0; i < l->n; i++) {
        if (i >= lo && i < hi)
            continue;
        nd_node *b = base_of(l->v[i]);
        if (base_in(fresh, k, b))
            return 0;
        at[k] = base_at(l->v + lo, hi - lo, b);
        fresh[k++] = l->v[i];
    }
    /* the power first (one: the nodes a sort would make, in its order) */
    nd_node *merged[MAX_INSERTED];
    int n_merged = 0;
    for (int i = 0; i < k; i++)
        n_merged += at[i] >= 0;
    if (n_merged > 1)
        return 0;
    for (int i = 0; i < k; i++)
        if (at[i] >= 0 && !merge_into(ctx, l->v + lo, at[i], fresh[i], &merged[i]))
            return 0;
    memmove(l->v, l->v + lo, (size_t)(hi - lo) * sizeof *l->v);
    l->n = hi - lo;
    for (int i = 0; i < k; i++) {
        if (at[i] >= 0) {   /* the old power leaves; the merged one is new */
            int j = base_at(l->v, l->n, base_of(fresh[i]));
            memmove(l->v + j, l->v + j + 1, (size_t)(l->n - j - 1) * sizeof *l->v);
            l->n--;
            fresh[i] = merged[i];
        }
        if (mk_is_one(fresh[i]))
            continue;
        if (l->n == 0)
            l->v[l->n++] = fresh[i];
        else
            insert_ordered(ctx, l->v, l->n++, fresh[i], stable);
    }
    return 1;
}

/* Are the bases of v[0..n) distinct?  (A set of node ids, open addressing.) */
static int bases_distinct(nd_node *const *v, int n)
{
    uint32_t cap = 16;
    while (cap < 2 * (uint32_t)n)
        cap *= 2;
    uint32_t *set = xmalloc(cap * sizeof *set);
    memset(set, 0, cap * sizeof *set);
    int distinct = 1;
    for (int i = 0; i < n && distinct; i++) {
        uint32_t id = base_of(v[i])->id, h = (id * 0x9e3779b1u) & (cap - 1);
        while (set[h] && set[h] != id + 1)
            h = (h + 1) & (cap - 1);
        distinct = !set[h];
        set[h] = id + 1;
    }
    free(set);
    return distinct;
}

static int any_zero(nd_nodelist *l);

/* Is the merged list in order, with distinct bases and no zero, by stable
 * comparisons?  (What a stamp says; a sort's result is in order unless the
 * order read the dimensions.) */
static int check_in_order(nd_ctx *ctx, nd_nodelist *l)
{
    int stable = 1;
    for (int i = 0; i + 1 < l->n && stable; i++)
        if (expr_cmp_factor_stable(ctx, l->v[i], l->v[i + 1], &stable) >= 0)
            return 0;
    return stable && bases_distinct(l->v, l->n) && !any_zero(l);
}

/* x^a * x^b = x^(a+b) among commuting factors (sorted by base), then the
 * factors in canonical order.  v[lo..hi) are the kids of one operand when
 * ordered_operand said so (else lo == hi).  With in_order, says whether
 * the result may be stamped. */
static void merge_powers(nd_ctx *ctx, nd_nodelist *l, int lo, int hi, int *in_order)
{
    int stable = 1;
    if (in_order)
        *in_order = 0;
    if (l->n < 2) {     /* the common case: nothing to sort or merge */
        if (l->n == 1 && mk_is_one(l->v[0]))
            l->n = 0;
        return;
    }
    if (insert_factors(ctx, l, lo, hi, &stable)) {
        if (in_order)
            *in_order = stable;
        return;
    }
    nd_sort(l->v, (size_t)l->n, sizeof *l->v, base_cmp, ctx);
    mpq_t e, e2;
    mpq_inits(e, e2, NULL);
    int w = 0;
    for (int r = 0; r < l->n;) {
        nd_node *base = pow_base(l->v[r], e);
        int s = r + 1;
        for (; s < l->n && pow_base(l->v[s], e2) == base; s++)
            mpq_add(e, e, e2);
        nd_node *merged = s == r + 1 ? l->v[r] : mk_pow(ctx, base, expr_const(ctx, e));
        if (!mk_is_one(merged))
            l->v[w++] = merged;
        r = s;
    }
    l->n = w;
    mpq_clears(e, e2, NULL);
    sort_nodes(ctx, l->v, l->n);
    if (in_order && l->n >= MIN_STAMPED)
        *in_order = check_in_order(ctx, l);
}

/* A chain factor as base^k: A^3, inv(A) = A^-1, inv(A)' = (A')^-1. */
static nd_node *chain_base(nd_ctx *ctx, nd_node *f, long *k)
{
    nd_node *b;
    *k = 1;
    if (is_named(f))
        return f;
    if (f->op == OP_MPOW) {
        b = chain_base(ctx, f->kid[0], k);
        *k *= f->u.k;
        return b;
    }
    if (f->op == OP_INV) {
        b = chain_base(ctx, f->kid[0], k);
        *k = -*k;
        return b;
    }
    if (f->op == OP_TRANSPOSE && f->kid[0]->op == OP_INV && !is_named(f->kid[0])) {
        b = chain_base(ctx, f->kid[0]->kid[0], k);
        *k = -*k;
        return mk_transpose(ctx, b);
    }
    return f;
}

static nd_node *chain_power(nd_ctx *ctx, nd_node *base, long e)
{
    if (e == 0)
        return expr_eye(ctx, base->shape.rows);
    if (e > 0)
        return mk_mpow(ctx, base, e);
    return mk_mpow(ctx, mk_fn(ctx, OP_INV, base), -e);
}

/* Identities drop out of a longer chain; then adjacent powers of one base
 * merge (A*A = A^2, A^2*inv(A)^3 = inv(A)), which may make new identities. */
static void drop_identities(nd_nodelist *c)
{
    int w = 0;
    for (int r = 0; r < c->n; r++)
        if (c->v[r]->op != OP_EYE || c->n == 1)
            c->v[w++] = c->v[r];
    if (w == 0 && c->n > 0)
        c->v[w++] = c->v[0];
    c->n = w;
}

static void simplify_chain(nd_ctx *ctx, nd_nodelist *c)
{
    drop_identities(c);
    int w = 0;
    for (int r = 0; r < c->n;) {
        long e, e2;
        nd_node *base = chain_base(ctx, c->v[r], &e);
        int s = r + 1;
        for (; s < c->n && chain_base(ctx, c->v[s], &e2) == base; s++)
            e += e2;
        c->v[w++] = s == r + 1 ? c->v[r] : chain_power(ctx, base, e);
        r = s;
    }
    c->n = w;
    drop_identities(c);
}

static nd_shape chain_shape(nd_nodelist *c)
{
    if (c->n == 0)
        return shape_scalar();
    return shape_make(c->v[0]->shape.rows, c->v[c->n - 1]->shape.cols);
}

static int any_zero(nd_nodelist *l)
{
    for (int i = 0; i < l->n; i++)
        if (mk_is_zero(l->v[i]))
            return 1;
    return 0;
}

static nd_node *build_prod(nd_ctx *ctx, prodparts *p, nd_shape shape)
{
    int one = mpq_cmp_ui(p->coef, 1, 1) == 0;
    int nf = p->scalars.n + p->chain.n;
    if (nf == 0)
        return mk_bcast(ctx, expr_const(ctx, p->coef), shape);
    if (one && nf == 1)
        return p->scalars.n ? p->scalars.v[0] : p->chain.v[0];
    /* -(a - b) = b - a: a negated sum is written as a sum */
    if (mpq_cmp_si(p->coef, -1, 1) == 0 && nf == 1) {
        nd_node *f = p->scalars.n ? p->scalars.v[0] : p->chain.v[0];
        if (f->op == OP_ADD && !is_named(f)) {
            nd_nodelist t = { 0 };
            for (uint32_t i = 0; i < f->nkids; i++)
                nodelist_push(&t, mk_neg(ctx, f->kid[i]));
            nd_node *r = mk_add(ctx, t.v, t.n);
            nodelist_free(&t);
            return r;
        }
    }
    nd_nodelist kids = { 0 };
    if (!one)
        nodelist_push(&kids, expr_const(ctx, p->coef));
    for (int i = 0; i < p->scalars.n; i++)
        nodelist_push(&kids, p->scalars.v[i]);
    for (int i = 0; i < p->chain.n; i++)
        nodelist_push(&kids, p->chain.v[i]);
    nd_node *r = expr_node(ctx, OP_PROD, shape, kids.v, kids.n);
    nodelist_free(&kids);
    return r;
}

/* s * matrix(c) = matrix(s*c): a broadcast scalar is the whole chain. */
static nd_node *bcast_chain(nd_ctx *ctx, prodparts *p, nd_shape shape)
{
    nd_node *b = p->chain.v[0];
    p->chain.n = 0;
    add_factor(ctx, p, b->kid[0]);      /* flattened like any other factor */
    merge_powers(ctx, &p->scalars, 0, 0, NULL);
    return mk_bcast(ctx, build_prod(ctx, p, shape_scalar()), shape);
}

/* 1*r (a column of ones times a row) is r broadcast down the rows, and
 * c*1' is c broadcast across the columns: the outer product with ones is
 * the broadcast the printer writes that way, so that the printed form
 * reads back to the same node.  Returns 1 and sets *r when it applies. */
static int ones_outer(nd_ctx *ctx, prodparts *p, nd_shape shape, nd_node **r)
{
    nd_nodelist *c = &p->chain;
    if (c->n < 2)
        return 0;
    nd_node *first = c->v[0], *last = c->v[c->n - 1];
    int left = mk_is_one(first) && first->op == OP_BCAST &&
               dim_is_one(ctx, first->shape.cols) && !dim_is_one(ctx, first->shape.rows);
    int right = mk_is_one(last) && last->op == OP_BCAST &&
                dim_is_one(ctx, last->shape.rows) && !dim_is_one(ctx, last->shape.cols);
    if (left == right)          /* neither, or 1*x*1' (a sum broadcast) */
        return 0;
    if (left)
        memmove(c->v, c->v + 1, (size_t)(c->n - 1) * sizeof *c->v);
    c->n--;
    nd_node *rest = build_prod(ctx, p, chain_shape(c));
    *r = mk_bcast(ctx, rest, shape);
    return 1;
}

static int is_scalar_bcast(nd_ctx *ctx, const nd_node *f)
{
    return f->op == OP_BCAST && !is_named(f) && expr_is_scalar(ctx, f->kid[0]);
}

/* matrix(a) (r x k) times matrix(b) (k x c) is matrix(k*a*b) (r x c): the
 * scalars join the product's and the pair becomes ones.  Without this the
 * printed matrix(a)*vector(1) would leave k to the reader's guess. */
static void merge_scalar_bcasts(nd_ctx *ctx, prodparts *p)
{
    nd_nodelist *c = &p->chain;
    for (int i = 0; i + 1 < c->n;) {
        nd_node *a = c->v[i], *b = c->v[i + 1];
        if (!is_scalar_bcast(ctx, a) || !is_scalar_bcast(ctx, b)) {
            i++;
            continue;
        }
        add_factor(ctx, p, a->kid[0]);
        add_factor(ctx, p, b->kid[0]);
        add_factor(ctx, p, mk_dim(ctx, a->shape.cols));
        c->v[i] = mk_ones(ctx, shape_make(a->shape.rows, b->shape.cols));
        memmove(c->v + i + 1, c->v + i + 2, (size_t)(c->n - i - 2) * sizeof *c->v);
        c->n--;
    }
}

nd_node *mk_prod(nd_ctx *ctx, nd_node *const *factors, int n)
{
    prodparts p = { 0 };
    mpq_init(p.coef);
    mpq_set_ui(p.coef, 1, 1);
    for (int i = 0; i < n; i++)
        add_factor(ctx, &p, factors[i]);
    merge_scalar_bcasts(ctx, &p);
    nd_node *r;
    nd_shape shape = chain_shape(&p.chain);
    if (mpq_sgn(p.coef) == 0 || any_zero(&p.scalars) || any_zero(&p.chain)) {
        r = mk_zero(ctx, shape);
    } else if (p.chain.n == 1 && p.chain.v[0]->op == OP_BCAST &&
               expr_is_scalar(ctx, p.chain.v[0]->kid[0])) {
        r = bcast_chain(ctx, &p, shape);
    } else {
        merge_powers(ctx, &p.scalars, 0, 0, NULL);
        simplify_chain(ctx, &p.chain);
        if (!ones_outer(ctx, &p, shape, &r))
            r = build_prod(ctx, &p, shape);
    }
    mpq_clear(p.coef);
    nodelist_free(&p.scalars);
    nodelist_free(&p.chain);
    return r;
}

nd_node *mk_mul(nd_ctx *ctx, nd_node *a, nd_node *b)
{
    nd_node *f[2] = { a, b };
    return mk_prod(ctx, f, 2);
}

nd_node *mk_mul3(nd_ctx *ctx, nd_node *a, nd_node *b, nd_node *c)
{
    nd_node *f[3] = { a, b, c };
    return mk_prod(ctx, f, 3);
}

nd_node *mk_scale_q(nd_ctx *ctx, const mpq_t q, nd_node *x)
{
    if (mpq_cmp_ui(q, 1, 1) == 0)
        return x;
    return mk_mul(ctx, expr_const(ctx, q), x);
}

nd_node *mk_scale_si(nd_ctx *ctx, long num, long den, nd_node *x)
{
    return mk_mul(ctx, mk_q(ctx, num, den), x);
}

nd_node *mk_div(nd_ctx *ctx, nd_node *x, nd_node *s)
{
    return mk_mul(ctx, x, mk_powi(ctx, s, -1));
}

/* ---- elementwise products and powers ---------------------------------- */

static void add_efactor(nd_ctx *ctx, nd_nodelist *scal, nd_nodelist *fac, nd_node *f)
{
    if (f->op == OP_EMUL && !is_named(f)) {
        for (uint32_t i = 0; i < f->nkids; i++)
            add_efactor(ctx, scal, fac, f->kid[i]);
    } else if (f->op == OP_BCAST && expr_is_scalar(ctx, f->kid[0])) {
        nodelist_push(scal, f->kid[0]);
    } else if (f->op == OP_PROD && !is_named(f) && f->nkids >= 2 &&
               !expr_is_scalar(ctx, f->kid[f->nkids - 1]) &&
               expr_is_scalar(ctx, f->kid[f->nkids - 2])) {
        /* (c*X) .* Y = c*(X .* Y): the scalars of a one-matrix product */
        for (uint32_t i = 0; i + 1 < f->nkids; i++)
            nodelist_push(scal, f->kid[i]);
        add_efactor(ctx, scal, fac, f->kid[f->nkids - 1]);
    } else {
        nodelist_push(fac, f);
    }
}

/* The product of the factors add_efactor put on the lists; fac->v[lo..hi)
 * came in order from one operand (see ordered_operand). */
static nd_node *build_emul(nd_ctx *ctx, nd_nodelist *scal, nd_nodelist *fac, int lo, int hi,
                           nd_shape shape)
{
    for (int i = 0; i < fac->n; i++)     /* an ordered operand has no zero */
        if ((i < lo || i >= hi) && mk_is_zero(fac->v[i]))
            return mk_zero(ctx, shape);
    int in_order;
    merge_powers(ctx, fac, lo, hi, &in_order);
    nd_node *e = fac->n == 0   ? mk_ones(ctx, shape)
                 : fac->n == 1 ? fac->v[0]
                               : expr_node(ctx, OP_EMUL, shape, fac->v, fac->n);
    if (in_order && e->op == OP_EMUL)
        stamp_in_order(e);
    nodelist_push(scal, e);
    return mk_prod(ctx, scal->v, scal->n);
}

/* mk_emul(a, b) once a's factors are on the lists (a_ordered: as
 * ordered_operand said of them). */
static nd_node *emul_with(nd_ctx *ctx, nd_nodelist *scal, nd_nodelist *fac, int a_ordered,
                          nd_node *b, nd_shape shape)
{
    int lo = 0, hi = a_ordered ? fac->n : 0;    /* the kids of an operand in order */
    int mid = fac->n;
    add_efactor(ctx, scal, fac, b);
    if (fac->n - mid > hi && ordered_operand(b, fac->v + mid, fac->n - mid)) {
        lo = mid;
        hi = fac->n;
    }
    return build_emul(ctx, scal, fac, lo, hi, shape);
}

nd_node *mk_emul(nd_ctx *ctx, nd_node *a, nd_node *b)
{
    if (expr_is_scalar(ctx, a) || expr_is_scalar(ctx, b))
        return mk_mul(ctx, a, b);
    nd_nodelist scal = { 0 }, fac = { 0 };
    add_efactor(ctx, &scal, &fac, a);
    nd_node *r = emul_with(ctx, &scal, &fac, ordered_operand(a, fac.v, fac.n), b, a->shape);
    nodelist_free(&scal);
    nodelist_free(&fac);
    return r;
}

/* ---- an elementwise product kept open (see mk.h) ---- */

struct mk_open {
    nd_nodelist fac;           /* the kids of the product it stands for, in order */
    nd_shape shape;
    int ordered;            /* that product would carry a stamp that holds */
    unsigned named;         /* named kids among them */
    uint32_t *base, cap;    /* ids + 1 of their bases, open addressing */
};

/* The slot of a base's key (its id + 1) in the set. */
static uint32_t *base_slot(const mk_open *o, uint32_t key)
{
    uint32_t h = (key * 0x9e3779b1u) & (o->cap - 1);
    while (o->base[h] && o->base[h] != key)
        h = (h + 1) & (o->cap - 1);
    return &o->base[h];
}

static int has_base(const mk_open *o, const nd_node *b)
{
    return *base_slot(o, b->id + 1) != 0;
}

/* Records the base of x (the set stays at most half full). */
static void add_base(mk_open *o, nd_node *x)
{
    if (2 * ((uint32_t)o->fac.n + 1) > o->cap) {
        uint32_t *old = o->base, old_cap = o->cap;
        o->cap = o->cap ? 2 * o->cap : 64;
        while (2 * ((uint32_t)o->fac.n + 1) > o->cap)
            o->cap *= 2;
        o->base = xmalloc(o->cap * sizeof *o->base);
        memset(o->base, 0, o->cap * sizeof *o->base);
        for (uint32_t i = 0; i < old_cap; i++)
            if (old[i])
                *base_slot(o, old[i]) = old[i];
        free(old);
    }
    *base_slot(o, base_of(x)->id + 1) = base_of(x)->id + 1;
}

void mk_open_free(mk_open *o)
{
    if (!o)
        return;
    nodelist_free(&o->fac);
    free(o->base);
    free(o);
}

/* mk_emul(EMUL(o), d) when it would be the ordered product with d's
 * factors inserted: as insert_factors does it, the bases looked up in the
 * set instead of among the kids. */
int mk_emul_extend(nd_ctx *ctx, mk_open *o, nd_node *d)
{
    if (!o->ordered || expr_is_scalar(ctx, d))
        return 0;
    nd_nodelist scal = { 0 }, fresh = { 0 };
    add_efactor(ctx, &scal, &fresh, d);
    int ok = scal.n == 0 && fresh.n <= MAX_INSERTED &&
             !(fresh.n > o->fac.n && ordered_operand(d, fresh.v, fresh.n));
    for (int i = 0; i < fresh.n && ok; i++) {
        nd_node *b = base_of(fresh.v[i]);
        ok = !mk_is_zero(fresh.v[i]) && !has_base(o, b) && !base_in(fresh.v, i, b);
    }
    int stable = 1;
    for (int i = 0; i < fresh.n && ok; i++) {
        if (mk_is_one(fresh.v[i]))
            continue;
        nodelist_push(&o->fac, NULL);     /* room for one more */
        insert_ordered(ctx, o->fac.v, o->fac.n - 1, fresh.v[i], &stable);
        add_base(o, fresh.v[i]);
        o->named += is_named(fresh.v[i]);
    }
    if (ok)
        o->ordered = stable && o->named + 1 < UINT16_MAX;
    nodelist_free(&scal);
    nodelist_free(&fresh);
    return ok;
}

mk_open *mk_emul_open(nd_ctx *ctx, nd_node *g, nd_node *d)
{
    if (g->op != OP_EMUL || !g->sorted || expr_is_scalar(ctx, g))
        return NULL;    /* not an ordered operand (the usual case): at once */
    mk_open *o = xmalloc(sizeof *o);
    memset(o, 0, sizeof *o);
    o->shape = g->shape;
    nd_nodelist scal = { 0 };
    add_efactor(ctx, &scal, &o->fac, g);
    o->ordered = scal.n == 0 && ordered_operand(g, o->fac.v, o->fac.n);
    nodelist_free(&scal);
    if (o->ordered) {
        o->named = g->sorted - 1u;
        for (int i = 0; i < o->fac.n; i++)
            add_base(o, o->fac.v[i]);
    }
    if (!o->ordered || !mk_emul_extend(ctx, o, d)) {
        mk_open_free(o);
        return NULL;
    }
    return o;
}

nd_node *mk_emul_finish(nd_ctx *ctx, mk_open *o, nd_node *d)
{
    nd_node *r;
    if (expr_is_scalar(ctx, d)) {   /* mk_emul scales the node: it must be made */
        nd_node *e = expr_node(ctx, OP_EMUL, o->shape, o->fac.v, o->fac.n);
        if (o->ordered)
            stamp_in_order(e);
        r = mk_mul(ctx, e, d);
    } else {
        nd_nodelist scal = { 0 };
        r = emul_with(ctx, &scal, &o->fac, o->ordered, d, o->shape);
        nodelist_free(&scal);
    }
    mk_open_free(o);
    return r;
}

nd_node *mk_ediv(nd_ctx *ctx, nd_node *a, nd_node *b)
{
    return mk_emul(ctx, a, mk_powi(ctx, b, -1));
}

static int const_int(const nd_node *p, long *k)
{
    return p->op == OP_CONST && num_fits_long(p->u.q, k);
}

/* A product of scalars only (not x'*y, whose factors are a row and a
 * column), not all of them sizes (m*n, the count of entries, stays one). */
static int scalar_factors(nd_ctx *ctx, const nd_node *x)
{
    int sizes = 1;
    for (uint32_t i = 0; i < x->nkids; i++) {
        if (!expr_is_scalar(ctx, x->kid[i]))
            return 0;
        sizes &= x->kid[i]->op == OP_DIMVAL;
    }
    return !sizes;
}

nd_node *mk_pow(nd_ctx *ctx, nd_node *x, nd_node *p)
{
    long k;
    if (expr_is_const_val(p, 0))
        return mk_ones(ctx, x->shape);
    if (expr_is_const_val(p, 1))
        return x;
    if (x->op == OP_VAR && ctx->scope->vars[x->u.var].assume == AS_MASK && const_int(p, &k) &&
        k > 0)      /* a mask's entries are 0 or 1: M.*M = M.^2 = M */
        return x;
    if (x->op == OP_CONST && const_int(p, &k)) {
        mpq_t r;
        mpq_init(r);
        int ok = num_pow(r, x->u.q, k);
        nd_node *n = ok ? expr_const(ctx, r) : NULL;
        mpq_clear(r);
        if (n)
            return n;
    }
    if (x->op == OP_BCAST)
        return mk_bcast(ctx, mk_pow(ctx, x->kid[0], p), x->shape);
    if (x->op == OP_EPOW && !is_named(x) && x->kid[1]->op == OP_CONST &&
        const_int(p, &k)) {
        mpq_t e;
        mpq_init(e);
        mpq_set_si(e, k, 1);
        mpq_mul(e, e, x->kid[1]->u.q);
        nd_node *r = mk_pow(ctx, x->kid[0], expr_const(ctx, e));
        mpq_clear(e);
        return r;
    }
    if (x->op == OP_PROD && !is_named(x) && const_int(p, &k) && scalar_factors(ctx, x)) {
        /* (a*b)^k = a^k*b^k for scalars: so that a quotient of norms
         * cancels, norm(y)/(norm(x)*norm(y))^2 = 1/(norm(x)^2*norm(y)) */
        nd_nodelist f = { 0 };
        for (uint32_t i = 0; i < x->nkids; i++)
            nodelist_push(&f, mk_pow(ctx, x->kid[i], p));
        nd_node *r = mk_prod(ctx, f.v, f.n);
        nodelist_free(&f);
        return r;
    }
    if (x->op == OP_EMUL && !is_named(x) && const_int(p, &k)) {
        /* (a.*b).^k = a.^k.*b.^k: p.^2./(p.*q) cancels to p./q (a KL
         * divergence written out) */
        nd_node *r = mk_pow(ctx, x->kid[0], p);
        for (uint32_t i = 1; i < x->nkids; i++)
            r = mk_emul(ctx, r, mk_pow(ctx, x->kid[i], p));
        return r;
    }
    if (x->op == OP_PROD && !is_named(x) && x->kid[0]->op == OP_CONST &&
        const_int(p, &k)) {     /* (c*y)^k = c^k * y^k */
        nd_node *rest = mk_prod(ctx, x->kid + 1, (int)x->nkids - 1);
        return mk_mul(ctx, mk_pow(ctx, x->kid[0], p), mk_pow(ctx, rest, p));
    }
    nd_node *kids[2] = { x, p };
    return expr_node(ctx, OP_EPOW, x->shape, kids, 2);
}

nd_node *mk_powi(nd_ctx *ctx, nd_node *x, long k)
{
    return mk_pow(ctx, x, mk_int(ctx, k));
}

nd_node *mk_mpow(nd_ctx *ctx, nd_node *a, long k)
{
    if (expr_is_scalar(ctx, a))
        return mk_powi(ctx, a, k);
    if (k == 0)
        return expr_eye(ctx, a->shape.rows);
    if (k == 1 || a->op == OP_EYE)
        return a;
    if (a->op == OP_MPOW && !is_named(a))
        return mk_mpow(ctx, a->kid[0], a->u.k * k);
    return expr_mpow(ctx, a, k);
}

/* ---- transposes -------------------------------------------------------- */

static nd_node *transpose_of(nd_ctx *ctx, nd_node *x);

nd_node *mk_transpose(nd_ctx *ctx, nd_node *x)
{
    if (!expr_memo_is_on(ctx))
        return transpose_of(ctx, x);
    nd_node *r = expr_memo_get(ctx, x);
    if (r)
        return r;
    r = transpose_of(ctx, x);
    expr_memo_put(ctx, x, r);
    return r;
}

void mk_memo_transposes(nd_ctx *ctx, int on)
{
    expr_memo_switch(ctx, on);
}

/* (x)' by x's row of the table: a matrix that is always symmetric is its
 * own transpose, x'' = x (named or not), a sum or product is transposed
 * operand by operand (not through a named binding, which stays a name). */
static nd_node *transpose_of(nd_ctx *ctx, nd_node *x)
{
    const nd_opinfo *o = &ops_table[x->op];
    if (expr_is_scalar(ctx, x) || (o->symmetry == SYMM_ALWAYS && (!x->nkids || !is_named(x))))
        return x;
    if (o->transpose && (x->op == OP_TRANSPOSE || !is_named(x)))
        return o->transpose(ctx, x);
    return expr_node(ctx, OP_TRANSPOSE, shape_transpose(x->shape), &x, 1);
}

/* ---- function calls ------------------------------------------------------ */

nd_node *mk_call(nd_ctx *ctx, enum nd_op op, nd_node *const *args, int n)
{
    const nd_opinfo *o = &ops_table[op];
    if (o->simplify) {
        nd_node *r = o->simplify(ctx, op, args);
        if (r)
            return r;
    }
    return expr_node(ctx, op, o->shape(ctx, args), args, n);
}

nd_node *mk_fn(nd_ctx *ctx, enum nd_op op, nd_node *x)
{
    return mk_call(ctx, op, &x, 1);
}

/* ---- helpers for derivative rules ------------------------------------- */

nd_node *mk_inner(nd_ctx *ctx, nd_node *a, nd_node *b)
{
    if (expr_is_scalar(ctx, a))
        return mk_mul(ctx, a, b);
    if (shape_is_col(ctx, a->shape))
        return mk_mul(ctx, mk_transpose(ctx, a), b);
    if (shape_is_row(ctx, a->shape))
        return mk_mul(ctx, a, mk_transpose(ctx, b));
    return mk_fn(ctx, OP_SUM, mk_emul(ctx, a, b));
}

/* Column sums.  A label declared simplex/onehot (and a softmax) sums to 1 per column: this
 * is used in derivative expressions only, where it holds at every point the
 * declaration allows, and never rewrites the objective itself. */
static int columns_sum_to_one(nd_ctx *ctx, const nd_node *x)
{
    if (x->op == OP_SOFTMAX)    /* whatever it is of */
        return 1;
    return x->op == OP_VAR && (ctx->scope->vars[x->u.var].assume == AS_SIMPLEX ||
                               ctx->scope->vars[x->u.var].assume == AS_ONEHOT);
}

nd_node *mk_colsum(nd_ctx *ctx, nd_node *x)
{
    if (columns_sum_to_one(ctx, x))
        return mk_ones(ctx, shape_make(DIM_ONE, x->shape.cols));
    if (x->op == OP_PROD && !is_named(x) && x->nkids >= 2 &&
        columns_sum_to_one(ctx, x->kid[x->nkids - 1]) && expr_is_scalar(ctx, x->kid[x->nkids - 2]))
        /* c*Y, as -y from -sum(y .* logsoftmax(z)): the label's sum is still 1 */
        return mk_mul(ctx, mk_prod(ctx, x->kid, (int)x->nkids - 1),
                      mk_colsum(ctx, x->kid[x->nkids - 1]));
    if (dim_is_one(ctx, x->shape.cols))
        return mk_fn(ctx, OP_SUM, x);
    nd_node *ones = mk_ones(ctx, shape_make(x->shape.rows, DIM_ONE));
    return mk_mul(ctx, mk_transpose(ctx, ones), x);
}
