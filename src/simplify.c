/* simplify.c: the pass over finished gradients.
 *
 * Bottom-up, each node is rebuilt from its simplified children through the
 * smart constructors (so their rules meet the new combinations), then the
 * rules that need a view of a whole expression apply:
 *   - the transpose of a structurally symmetric matrix is dropped
 *     (S' = S for a declared symmetric S, inv(X*X')' = inv(X*X'));
 *   - a sum factors a common left, right or scalar factor out of its terms
 *     (W*r*x' + W*x*r' = W*(r*x' + x*r')) when that is not longer;
 *   - an elementwise product distributes over a sum when that is shorter,
 *     which happens when something cancels ((a - y./s).*s = a*s - y);
 *   - the inverse of a product of square matrices expands when that is
 *     shorter (A'*inv(A*X*B)'*B' = inv(X)');
 *   - the program's p = sigmoid(u) says sigmoid(-u) = 1 - p and
 *     softplus(-u) = -log(p), and powers with a symbolic exponent merge
 *     (x.^(g - 1).*x = x.^g), when shorter;
 *   - the program's named products appear where a product contains them
 *     (C.*u./s.^3 = Xhat.*u./s.^2 for Xhat = C./s), a row sum or inner
 *     product taking a factor in to contain one, when not longer with
 *     each name counted as one character.
 * "Longer" is measured on the printed text.  Named bindings are atoms:
 * they are never rebuilt and print by name.  Every rewrite keeps the value
 * at every point the declarations allow (tests/test_simplify.c checks them
 * against an independent interpreter). */
#include "simplify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mk.h"
#include "num.h"
#include "ops.h"
#include "print.h"
#include "scope.h"
#include "shape.h"

/* Expressions bigger than this are not measured (and not rewritten by the
 * length-driven rules): printing them for each candidate would cost too much. */
#define MEASURE_LIMIT 400

typedef struct simp {
    nd_ctx *ctx;
    nd_node **memo;         /* by id: the simplified node */
    signed char *sym;       /* by id: structurally symmetric? 0 unknown, 1 no, 2 yes */
    size_t *len;            /* by id: 1 + the printed length (length()); 0 unknown */
    uint32_t cap;
    printer pr;
    strbuf buf;
    nd_node *named[64];     /* absorb_named: the named products (MONO_NAMED) */
    struct mono *named_mono;    /* and their powers */
    int n_named, named_ready;
} simp;

static nd_node *simp_node(simp *S, nd_node *n);
static nd_node *rules(simp *S, nd_node *n);

static void ensure(simp *S)
{
    uint32_t need = S->ctx->dag->n_nodes;
    if (need <= S->cap)
        return;
    uint32_t cap = need + need / 2 + 64;
    S->memo = xrealloc(S->memo, cap * sizeof *S->memo);
    S->sym = xrealloc(S->sym, cap);
    S->len = xrealloc(S->len, cap * sizeof *S->len);
    memset(S->len + S->cap, 0, (cap - S->cap) * sizeof *S->len);
    memset(S->memo + S->cap, 0, (cap - S->cap) * sizeof *S->memo);
    memset(S->sym + S->cap, 0, cap - S->cap);
    S->cap = cap;
}

static int is_named(const nd_node *n)
{
    return (n->flags & NF_NAMED) != 0;
}

/* ---- measuring ---- */

/* The tree size, counted up to `limit` (named nodes count one). */
static int tree_size(const nd_node *n, int limit)
{
    int size = 1;
    if (is_named(n))
        return 1;
    for (uint32_t i = 0; i < n->nkids && size < limit; i++)
        size += tree_size(n->kid[i], limit - size);
    return size;
}

/* Printed length without spaces, or SIZE_MAX when too big to measure.
 * Remembered by node: the rules measure the same candidates again and
 * again (every node of a long product, bottom-up), and a node's printed
 * form does not change within the pass. */
static size_t length(simp *S, const nd_node *n)
{
    ensure(S);
    if (S->len[n->id])
        return S->len[n->id] == SIZE_MAX ? SIZE_MAX : S->len[n->id] - 1;
    size_t len = 0;
    if (tree_size(n, MEASURE_LIMIT) >= MEASURE_LIMIT) {
        len = SIZE_MAX;
    } else {
        sb_clear(&S->buf);
        S->pr.out = &S->buf;
        print_expr(&S->pr, n);
        for (const char *c = sb_str(&S->buf); *c; c++)
            len += *c != ' ';
    }
    S->len[n->id] = len == SIZE_MAX ? SIZE_MAX : len + 1;
    return len;
}

/* ---- symmetry ---- */

static int square(simp *S, const nd_node *x)
{
    return shape_is_square(S->ctx, x->shape);
}

static int is_sym(simp *S, nd_node *x);

static int all_kids_sym(simp *S, nd_node *x)
{
    for (uint32_t i = 0; i < x->nkids; i++)
        if (!is_sym(S, x->kid[i]))
            return 0;
    return 1;
}

/* S1*...*Sk*C1*...*Cm is symmetric when Ci' = C(m+1-i) (a middle one
 * symmetric itself): X*X', A'*W*A. */
static int palindrome(simp *S, nd_node *x)
{
    uint32_t c0 = 0;
    while (c0 < x->nkids && expr_is_scalar(S->ctx, x->kid[c0]))
        c0++;
    uint32_t m = x->nkids - c0;
    for (uint32_t i = 0; i < m / 2; i++)
        if (mk_transpose(S->ctx, x->kid[c0 + i]) != x->kid[x->nkids - 1 - i])
            return 0;
    return m % 2 == 0 || is_sym(S, x->kid[c0 + m / 2]);
}

/* The row's symmetry (ops.def) decides; a non-square value never is. */
static int compute_sym(simp *S, nd_node *x)
{
    if (expr_is_scalar(S->ctx, x))
        return 1;
    if (!square(S, x))
        return 0;
    switch (ops_table[x->op].symmetry) {
    case SYMM_ALWAYS:
        return 1;
    case SYMM_KIDS:
        return all_kids_sym(S, x);
    case SYMM_FIRST:
        return x->nkids > 0 && is_sym(S, x->kid[0]);
    case SYMM_PALINDROME:
        return palindrome(S, x);
    case SYMM_SCALAR:
        return x->nkids > 0 && expr_is_scalar(S->ctx, x->kid[0]);
    case SYMM_ASSUMED: {
        enum nd_assume a = S->ctx->scope->vars[x->u.var].assume;
        return a == AS_SYMMETRIC || a == AS_SPD;
    }
    case SYMM_NO:
        return 0;
    }
    return 0;
}

static int is_sym(simp *S, nd_node *x)
{
    ensure(S);
    if (!S->sym[x->id]) {
        int r = compute_sym(S, x);
        ensure(S);      /* compute_sym may have made nodes */
        S->sym[x->id] = r ? 2 : 1;
    }
    return S->sym[x->id] == 2;
}

/* ---- factoring a sum ---- */

enum side { LEFT, RIGHT, SCALAR };

/* The factors of a product term; none for any other term (a lone matrix
 * has no factor to share: A + A*x is left alone). */
static int factors_of(nd_node *t, nd_node ***f)
{
    *f = NULL;
    if (t->op != OP_PROD || is_named(t))
        return 0;
    *f = t->kid;
    return (int)t->nkids;
}

/* The factor a term would give up on that side, or NULL. */
static nd_node *key_of(simp *S, nd_node *t, enum side side)
{
    nd_node **f;
    int n = factors_of(t, &f), c0 = 0;
    if (n == 0)
        return NULL;
    while (c0 < n && expr_is_scalar(S->ctx, f[c0]))
        c0++;
    if (side == SCALAR) {
        for (int i = 0; i < c0; i++)
            if (f[i]->op != OP_CONST)
                return f[i];
        return NULL;
    }
    if (n - c0 < 2)
        return NULL;
    return side == LEFT ? f[c0] : f[n - 1];
}

/* The term without one occurrence of `key` (on that side). */
static nd_node *remainder_of(simp *S, nd_node *t, nd_node *key, enum side side)
{
    nd_node **f;
    int n = factors_of(t, &f), skip = -1;
    for (int i = 0; i < n && skip < 0; i++) {
        int j = side == RIGHT ? n - 1 - i : i;
        if (f[j] == key)
            skip = j;
    }
    nd_node **rest = xmalloc((size_t)n * sizeof *rest);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (i != skip)
            rest[m++] = f[i];
    nd_node *r = mk_prod(S->ctx, rest, m);
    free(rest);
    return r;
}

/* The key shared by the most terms (at least two), or NULL. */
static nd_node *best_key(simp *S, nd_node *sum, enum side side)
{
    nd_node *best = NULL;
    int best_count = 1;
    for (uint32_t i = 0; i < sum->nkids; i++) {
        nd_node *k = key_of(S, sum->kid[i], side);
        int count = 0;
        for (uint32_t j = 0; k && j < sum->nkids; j++)
            count += key_of(S, sum->kid[j], side) == k;
        if (count > best_count) {
            best = k;
            best_count = count;
        }
    }
    return best;
}

static nd_node *factor_by(simp *S, nd_node *sum, enum side side)
{
    nd_ctx *ctx = S->ctx;
    nd_node *key = best_key(S, sum, side);
    if (!key)
        return NULL;
    nd_node **in = xmalloc(sum->nkids * sizeof *in), **out = xmalloc((sum->nkids + 1) * sizeof *out);
    int nin = 0, nout = 0;
    for (uint32_t i = 0; i < sum->nkids; i++) {
        nd_node *t = sum->kid[i];
        if (key_of(S, t, side) == key)
            in[nin++] = remainder_of(S, t, key, side);
        else
            out[nout++] = t;
    }
    nd_node *inner = rules(S, mk_add(ctx, in, nin));
    out[nout++] = side == RIGHT ? mk_mul(ctx, inner, key) : mk_mul(ctx, key, inner);
    nd_node *r = mk_add(ctx, out, nout);
    free(in);
    free(out);
    return r;
}

/* The coefficient of a term (1 for none). */
static void coef_of(const nd_node *t, mpq_t c)
{
    if (t->op == OP_PROD && !is_named(t) && t->kid[0]->op == OP_CONST)
        mpq_set(c, t->kid[0]->u.q);
    else if (t->op == OP_CONST)
        mpq_set(c, t->u.q);
    else
        mpq_set_ui(c, 1, 1);
}

/* 2*a + 2*b = 2*(a + b), -3*a + 3*b = 3*(b - a): a coefficient common
 * (up to sign) to every term. */
static nd_node *factor_coef(simp *S, nd_node *sum)
{
    mpq_t c, d;
    mpq_inits(c, d, NULL);
    coef_of(sum->kid[0], c);
    mpq_abs(c, c);
    int common = mpq_cmp_ui(c, 1, 1) != 0;
    for (uint32_t i = 1; i < sum->nkids && common; i++) {
        coef_of(sum->kid[i], d);
        mpq_abs(d, d);
        common = mpq_equal(c, d);
    }
    nd_node *r = NULL;
    if (common) {
        mpq_inv(d, c);
        nd_node **t = xmalloc(sum->nkids * sizeof *t);
        for (uint32_t i = 0; i < sum->nkids; i++)
            t[i] = mk_scale_q(S->ctx, d, sum->kid[i]);
        nd_node *inner = rules(S, mk_add(S->ctx, t, (int)sum->nkids));
        free(t);
        r = mk_scale_q(S->ctx, c, inner);
    }
    mpq_clears(c, d, NULL);
    return r;
}

/* Only a sum: multiplying a sum out can leave a single term (P*(1 - c) - P
 * is -c*P), whose factors are not terms to factor (they were added up:
 * the gradient of P*(tanh(b) - b) printed as a sum of P's factors). */
static nd_node *factor_sum(simp *S, nd_node *sum)
{
    if (sum->op != OP_ADD)
        return sum;
    size_t best_len = length(S, sum);
    if (best_len == SIZE_MAX)
        return sum;
    nd_node *best = sum;
    for (int side = LEFT; side <= SCALAR + 1; side++) {
        nd_node *c = side > SCALAR ? factor_coef(S, sum) : factor_by(S, sum, (enum side)side);
        size_t len = c ? length(S, c) : SIZE_MAX;
        if (c && len <= best_len) {
            best = c;
            best_len = len;
        }
    }
    return best;
}

/* ---- distributing an elementwise product ---- */

/* Factors that are not numbers (or numbers broadcast). */
static int factor_count(const nd_node *n)
{
    if (n->op == OP_CONST || (n->op == OP_BCAST && n->kid[0]->op == OP_CONST))
        return 0;
    if ((n->op != OP_EMUL && n->op != OP_PROD) || is_named(n))
        return 1;
    int c = 0;
    for (uint32_t i = 0; i < n->nkids; i++)
        c += factor_count(n->kid[i]);
    return c;
}

static nd_node *distribute(simp *S, nd_node *n)
{
    nd_ctx *ctx = S->ctx;
    int at = -1;
    if (tree_size(n, MEASURE_LIMIT) >= MEASURE_LIMIT)
        return n;
    for (uint32_t i = 0; i < n->nkids && at < 0; i++)
        if (n->kid[i]->op == OP_ADD && !is_named(n->kid[i]))
            at = (int)i;
    if (at < 0)
        return n;
    nd_node *sum = n->kid[at], *others = NULL;
    for (uint32_t i = 0; i < n->nkids; i++)
        if ((int)i != at)
            others = others ? mk_emul(ctx, others, n->kid[i]) : n->kid[i];
    nd_node **t = xmalloc(sum->nkids * sizeof *t);
    int cancels = 0;    /* a factor goes away: y./s .* s = y */
    for (uint32_t i = 0; i < sum->nkids; i++) {
        t[i] = mk_emul(ctx, sum->kid[i], others);
        cancels |= factor_count(t[i]) < factor_count(sum->kid[i]) + factor_count(others);
    }
    nd_node *c = mk_add(ctx, t, (int)sum->nkids);
    free(t);
    if (!cancels)
        return n;
    size_t before = length(S, n), after = length(S, c);
    return after < before && after != SIZE_MAX ? c : n;
}

/* ---- expanding products of sums ----
 * A rational function of a few subexpressions cancels once multiplied out:
 * p*(-y/p - (y - 1)/(1 - p))*(1 - p) = p - y (the smart constructors merge
 * p*p^-1 and collect like terms).  With `complement`, sigmoid(-u) also
 * expands to 1 - sigmoid(u), which is how -y*sigmoid(-z) + (1 - y)*sigmoid(z)
 * becomes sigmoid(z) - y.  Kept only when the printed form is shorter. */

#define EXPAND_TERMS 24     /* give up past this many terms */

typedef struct terms {
    nd_node **v;
    int n, cap;
} terms;

static void terms_push(terms *t, nd_node *x)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->v = xrealloc(t->v, (size_t)t->cap * sizeof *t->v);
    }
    t->v[t->n++] = x;
}

/* sigmoid(-u) as -u's u, or NULL */
static nd_node *negated_sigmoid_arg(simp *S, nd_node *n)
{
    if (n->op != OP_SIGMOID)
        return NULL;
    nd_node *a = n->kid[0];
    if (a->op != OP_PROD || is_named(a) || a->kid[0]->op != OP_CONST || mpq_sgn(a->kid[0]->u.q) >= 0)
        return NULL;
    return mk_neg(S->ctx, a);
}

static int expand_into(simp *S, nd_node *n, int complement, terms *out);

/* The terms of the product (or elementwise product) n multiplied out. */
static int expand_product(simp *S, nd_node *n, int complement, terms *out)
{
    nd_ctx *ctx = S->ctx;
    terms cur = { 0 }, f = { 0 }, next = { 0 };
    int ok = expand_into(S, n->kid[0], complement, &cur);
    for (uint32_t i = 1; ok && i < n->nkids; i++) {
        f.n = next.n = 0;
        ok = expand_into(S, n->kid[i], complement, &f) && cur.n * f.n <= EXPAND_TERMS;
        for (int a = 0; ok && a < cur.n; a++)
            for (int b = 0; b < f.n; b++)
                terms_push(&next, n->op == OP_EMUL ? mk_emul(ctx, cur.v[a], f.v[b])
                                                  : mk_mul(ctx, cur.v[a], f.v[b]));
        terms t = cur;
        cur = next;
        next = t;
    }
    for (int i = 0; ok && i < cur.n; i++)
        terms_push(out, cur.v[i]);
    free(cur.v);
    free(f.v);
    free(next.v);
    return ok && out->n <= EXPAND_TERMS;
}

static int expand_into(simp *S, nd_node *n, int complement, terms *out)
{
    nd_node *u = complement ? negated_sigmoid_arg(S, n) : NULL;
    if (u) {
        terms_push(out, mk_ones(S->ctx, n->shape));
        terms_push(out, mk_neg(S->ctx, mk_fn(S->ctx, OP_SIGMOID, u)));
    } else if (is_named(n) || (n->op != OP_ADD && n->op != OP_PROD && n->op != OP_EMUL)) {
        terms_push(out, n);
    } else if (n->op == OP_ADD) {
        for (uint32_t i = 0; i < n->nkids; i++)
            if (!expand_into(S, n->kid[i], complement, out))
                return 0;
    } else {
        return expand_product(S, n, complement, out);
    }
    return out->n <= EXPAND_TERMS;
}

/* Is there a sum inside a product (or a sigmoid(-u)) to multiply out? */
static int expandable(simp *S, nd_node *n, int in_product, int depth)
{
    if (is_named(n) || depth > 6)
        return 0;
    if (n->op == OP_ADD && in_product)
        return 1;
    if (n->op == OP_SIGMOID)
        return negated_sigmoid_arg(S, n) != NULL;
    if (n->op != OP_ADD && n->op != OP_PROD && n->op != OP_EMUL)
        return 0;
    for (uint32_t i = 0; i < n->nkids; i++)
        if (expandable(S, n->kid[i], n->op != OP_ADD, depth + 1))
            return 1;
    return 0;
}

/* Occurrences of the atoms (anything but arithmetic and numbers), up to a
 * budget: multiplying out must make fewer of them, or nothing cancelled
 * (h.*(1 - t) = h - h.*t is shorter by its parentheses alone). */
static int atoms(const nd_node *n, int budget)
{
    if (n->op == OP_CONST || n->op == OP_DIMVAL || (n->flags & NF_NUMERIC))
        return 0;
    if (is_named(n) || budget <= 0 ||
        (n->op != OP_ADD && n->op != OP_PROD && n->op != OP_EMUL && n->op != OP_EPOW &&
         n->op != OP_BCAST && n->op != OP_TRANSPOSE))
        return 1;
    int c = 0;
    for (uint32_t i = 0; i < n->nkids; i++)
        c += atoms(n->kid[i], budget - c);
    return c;
}

static nd_node *expanded(simp *S, nd_node *n)
{
    if (!expandable(S, n, 0, 0) || tree_size(n, MEASURE_LIMIT / 4) >= MEASURE_LIMIT / 4)
        return n;
    nd_node *best = n;
    size_t best_len = length(S, n);
    int before = atoms(n, MEASURE_LIMIT);
    for (int complement = 0; complement < 2; complement++) {
        terms t = { 0 };
        if (expand_into(S, n, complement, &t)) {
            nd_node *c = mk_add(S->ctx, t.v, t.n);
            size_t len = atoms(c, before) < before ? length(S, c) : SIZE_MAX;
            if (len < best_len) {
                best = c;
                best_len = len;
            }
        }
        free(t.v);
    }
    return best;
}

/* ---- piecewise identities ----
 * step(t).^k = step(t) (k > 0: it is 0 or 1), relu(t).*step(t) = relu(t),
 * sign(u).*u = abs(u) (then abs(u)./abs(u) cancels: the gradient of
 * log(abs(det(X))) is inv(X)').  And two quotients of functions of one
 * argument: sin(u)./cos(u) = tan(u), sinh(u)./cosh(u) = tanh(u) (the
 * gradient of log(cosh(u)), the log-cosh loss). */

static const struct {
    enum nd_op num, den, quot;
} quotients[] = { { OP_SIN, OP_COS, OP_TAN }, { OP_SINH, OP_COSH, OP_TANH } };

/* The node f./g is when f is one of those numerators and g the power -1 of
 * its denominator at the same argument, or NULL.  Only .^-1 (a scalar's
 * power is one too): a matrix's ^-1 is an inverse, not a quotient. */
static nd_node *quotient_of(nd_ctx *ctx, const nd_node *f, const nd_node *g)
{
    for (size_t q = 0; q < sizeof quotients / sizeof *quotients; q++)
        if (f->op == quotients[q].num && g->op == OP_EPOW && g->kid[0]->op == quotients[q].den &&
            g->kid[0]->kid[0] == f->kid[0] && g->kid[1]->op == OP_CONST &&
            mpq_cmp_si(g->kid[1]->u.q, -1, 1) == 0)
            return mk_fn(ctx, quotients[q].quot, f->kid[0]);
    return NULL;
}

static nd_node *step_power(nd_node *n)
{
    nd_node *e = n->kid[1];
    if (n->kid[0]->op == OP_STEP && e->op == OP_CONST && mpq_sgn(e->u.q) > 0)
        return n->kid[0];
    return n;
}

/* n (an elementwise product, or a product, whose scalar factors commute)
 * with those identities applied, or n itself. */
static nd_node *piecewise(simp *S, nd_node *n)
{
    nd_ctx *ctx = S->ctx;
    int m = (int)n->nkids, c0 = n->op == OP_PROD ? 0 : m, changed = 0;
    while (c0 < m && expr_is_scalar(ctx, n->kid[c0]))
        c0++;
    nd_node **f = xmalloc((size_t)m * sizeof *f);
    memcpy(f, n->kid, (size_t)m * sizeof *f);
    for (int i = 0; i < c0; i++) {
        for (int j = 0; j < c0; j++) {
            nd_node *q = j == i ? NULL : quotient_of(ctx, f[i], f[j]);
            if (!q)
                continue;
            f[i] = q;
            memmove(f + j, f + j + 1, (size_t)(m - j - 1) * sizeof *f);
            m--;
            c0--;
            i -= j < i;
            changed = 1;
            break;
        }
        nd_node *u = f[i]->op == OP_STEP || f[i]->op == OP_SIGN ? f[i]->kid[0] : NULL;
        nd_node *with = !u ? NULL : f[i]->op == OP_STEP ? mk_fn(ctx, OP_RELU, u) : u;
        for (int j = 0; with && j < c0; j++) {
            if (j == i || f[j] != with)
                continue;
            f[j] = f[i]->op == OP_STEP ? with : mk_fn(ctx, OP_ABS, u);
            memmove(f + i, f + i + 1, (size_t)(m - i - 1) * sizeof *f);
            m--;
            c0--;
            i--;
            changed = 1;
            break;
        }
    }
    nd_node *r = n;
    if (changed && n->op == OP_PROD) {
        r = mk_prod(ctx, f, m);
    } else if (changed) {
        r = f[0];
        for (int i = 1; i < m; i++)
            r = mk_emul(ctx, r, f[i]);
    }
    free(f);
    return r;
}

/* ---- expanding inverses of products ---- */

/* inv(s*A*B) = inv(B)*inv(A)/s for square A and B; NULL when it does not apply. */
static nd_node *inverse_expanded(simp *S, nd_node *inv)
{
    nd_ctx *ctx = S->ctx;
    nd_node *p = inv->kid[0];
    if (p->op != OP_PROD || is_named(p))
        return NULL;
    nd_node **f = xmalloc((p->nkids + 1) * sizeof *f);
    int n = 0;
    for (uint32_t i = p->nkids; i-- > 0;) {
        nd_node *k = p->kid[i];
        if (!expr_is_scalar(ctx, k) && !square(S, k)) {
            free(f);
            return NULL;
        }
        f[n++] = expr_is_scalar(ctx, k) ? mk_powi(ctx, k, -1) : mk_fn(ctx, OP_INV, k);
    }
    nd_node *r = mk_prod(ctx, f, n);
    free(f);
    return r;
}

static nd_node *expand_inverses(simp *S, nd_node *n)
{
    nd_ctx *ctx = S->ctx;
    if (tree_size(n, MEASURE_LIMIT) >= MEASURE_LIMIT)
        return n;
    for (uint32_t i = 0; i < n->nkids; i++) {
        nd_node *f = n->kid[i], *inv = f->op == OP_TRANSPOSE ? f->kid[0] : f;
        if (inv->op != OP_INV || is_named(inv))
            continue;
        nd_node *e = inverse_expanded(S, inv);
        if (!e)
            continue;
        nd_node **k = xmalloc(n->nkids * sizeof *k);
        memcpy(k, n->kid, n->nkids * sizeof *k);
        k[i] = f == inv ? e : mk_transpose(ctx, e);
        nd_node *c = mk_prod(ctx, k, (int)n->nkids);
        free(k);
        if (length(S, c) < length(S, n))
            return c;
    }
    return n;
}

/* ---- sums of sums ---- */

static nd_node *rules(simp *S, nd_node *n);

/* sum(u + v) = sum(u) + sum(v) where that prints shorter: a label's sum is
 * 1 and a filled vector's is its size times the value, so label smoothing's
 * sum((1 - a)*y + a/C) is 1. */
static nd_node *sum_distributed(simp *S, nd_node *n)
{
    nd_node *x = n->kid[0];
    if (x->op != OP_ADD || is_named(x) || tree_size(n, MEASURE_LIMIT) >= MEASURE_LIMIT)
        return n;
    nd_node **k = xmalloc(x->nkids * sizeof *k);
    int column = dim_is_one(S->ctx, x->shape.cols);  /* mk_colsum knows labels */
    for (uint32_t i = 0; i < x->nkids; i++)
        k[i] = column ? mk_colsum(S->ctx, x->kid[i]) : mk_fn(S->ctx, OP_SUM, x->kid[i]);
    nd_node *cand = mk_add(S->ctx, k, (int)x->nkids);
    free(k);
    cand = rules(S, cand);
    size_t a = length(S, n), b = length(S, cand);
    return b < a ? cand : n;
}

/* A filled matrix (matrix(c), both sides more than one): its sizes are
 * fixed only by where it is used, which a sum does not fix. */
static int filled_matrix(simp *S, const nd_node *f)
{
    return f->op == OP_BCAST && !is_named(f) && expr_is_scalar(S->ctx, f->kid[0]) &&
           !dim_is_one(S->ctx, f->shape.rows) && !dim_is_one(S->ctx, f->shape.cols);
}

/* sum(X*matrix(c)) = c*n*sum(X) for an m x n fill, sum(matrix(c)*Y) =
 * c*m*sum(Y): the printed sum then says the size that a sum of a product
 * with matrix(c) leaves open (and would not read back). */
static nd_node *sum_of_filled(simp *S, nd_node *n)
{
    nd_ctx *ctx = S->ctx;
    nd_node *x = n->kid[0];
    if (x->op != OP_PROD || is_named(x) || x->nkids < 2)
        return n;
    uint32_t first = 0;
    while (first < x->nkids && expr_is_scalar(ctx, x->kid[first]))
        first++;
    uint32_t at = x->nkids - 1;
    nd_dim size;
    if (first >= at)        /* a chain of two at least */
        return n;
    if (filled_matrix(S, x->kid[at]))
        size = x->kid[at]->shape.cols;
    else if (filled_matrix(S, x->kid[first]))
        size = x->kid[at = first]->shape.rows;
    else
        return n;
    nd_nodelist rest = { 0 };
    for (uint32_t i = 0; i < x->nkids; i++)
        if (i != at)
            nodelist_push(&rest, x->kid[i]);
    nd_node *r = mk_mul3(ctx, x->kid[at]->kid[0], mk_dim(ctx, size),
                         mk_fn(ctx, OP_SUM, mk_prod(ctx, rest.v, rest.n)));
    nodelist_free(&rest);
    return r;
}

/* ---- the program's own names ----
 * p = sigmoid(u) named by the program: sigmoid(-u) is 1 - p and
 * softplus(-u) is -log(p) (the log built as written, not fused back), so
 * a focal loss reads (1 - p).^g.*log(p), not sigmoid(-z) and softplus(-z).
 * Kept only when shorter. */

static nd_node *named_complement(simp *S, nd_node *n)
{
    nd_ctx *ctx = S->ctx;
    nd_node *a = n->kid[0];
    if (a->op != OP_PROD || is_named(a) || a->kid[0]->op != OP_CONST || mpq_sgn(a->kid[0]->u.q) >= 0)
        return n;
    nd_node *p = mk_fn(ctx, OP_SIGMOID, mk_neg(ctx, a));
    if (!is_named(p))
        return n;
    nd_node *c = n->op == OP_SIGMOID
                     ? mk_sub(ctx, mk_ones(ctx, p->shape), p)
                     : mk_neg(ctx, expr_node(ctx, OP_LOG, p->shape, &p, 1));
    return length(S, c) < length(S, n) ? c : n;
}

/* x.^a .* x.^b = x.^(a + b) and x.^a .* x = x.^(a + 1) for exponents that
 * are not numbers (the constructors merge numeric ones): a focal loss's
 * (1 - p).^(g - 1).*(1 - p) is (1 - p).^g.  Both sides are defined at the
 * same points (x > 0 for a real power, or any x for integer ones).  Kept
 * only when shorter. */
static nd_node *power_base(nd_node *f, nd_node **e)
{
    if (f->op == OP_EPOW && !is_named(f)) {
        *e = f->kid[1];
        return f->kid[0];
    }
    *e = NULL;
    return f;
}

/* Has a factor of n an exponent that is not a number?  (Else nothing
 * merges, which a product of thousands of factors learns in one pass.) */
static int any_symbolic_power(const nd_node *n)
{
    for (uint32_t i = 0; i < n->nkids; i++) {
        nd_node *e;
        power_base(n->kid[i], &e);
        if (e && e->op != OP_CONST)
            return 1;
    }
    return 0;
}

static nd_node *merge_symbolic_powers(simp *S, nd_node *n)
{
    nd_ctx *ctx = S->ctx;
    int m = (int)n->nkids, changed = 0;
    if (!any_symbolic_power(n))
        return n;
    nd_node **f = xmalloc((size_t)m * sizeof *f);
    memcpy(f, n->kid, (size_t)m * sizeof *f);
    for (int i = 0; i < m; i++) {
        nd_node *ei, *bi = power_base(f[i], &ei);
        for (int j = i + 1; j < m; j++) {
            nd_node *ej, *bj = power_base(f[j], &ej);
            if (bi != bj || !((ei && ei->op != OP_CONST) || (ej && ej->op != OP_CONST)))
                continue;
            nd_node *one = mk_int(ctx, 1);
            f[i] = mk_pow(ctx, bi, mk_add2(ctx, ei ? ei : one, ej ? ej : one));
            power_base(f[i], &ei);
            memmove(f + j, f + j + 1, (size_t)(m - j - 1) * sizeof *f);
            m--;
            j--;
            changed = 1;
        }
    }
    nd_node *r = n;
    if (changed) {
        r = f[0];
        for (int i = 1; i < m; i++)
            r = mk_emul(ctx, r, f[i]);
        if (length(S, r) >= length(S, n))
            r = n;
    }
    free(f);
    return r;
}

/* ---- named products absorbed ----
 * The program's Xhat = C./s (or xhat = c/s) is a product of powers; a
 * gradient's C.*(u./s.^3) contains it and is written Xhat.*(u./s.^2).  A
 * row sum takes a per-row factor inside, r.*sum(M, 2) = sum(r.*M, 2),
 * when that lets M contain the named product: C.*sum(C.*G, 2)./s.^3 is
 * Xhat.*sum(Xhat.*G, 2)./s.  Each is a product of the same powers, so the
 * value is the same wherever both are defined.  Products are seen through
 * .*, a scalar-led *, broadcasts and integer powers; everything else is a
 * base. */

#define MONO_BASES 24       /* give up on products of more bases */
#define MONO_NAMED 64       /* named products looked for (the first ones) */

typedef struct mono {
    nd_node *base[MONO_BASES];
    long e[MONO_BASES];
    int n, ok;
    mpq_t coef;
} mono;

static void mono_add(mono *m, nd_node *b, long e)
{
    for (int i = 0; i < m->n; i++)
        if (m->base[i] == b) {
            m->e[i] += e;
            return;
        }
    if (m->n == MONO_BASES) {
        m->ok = 0;
        return;
    }
    m->base[m->n] = b;
    m->e[m->n++] = e;
}

/* A reduction linear in its summand M that a factor may enter: a row sum
 * sum(M, 2) = M*vector(1) (kid 0; a per-row factor enters) or an inner
 * product u'*M (kid 1; a scalar enters).  Its kid M's index, or -1. */
static int reduced_kid(simp *S, nd_node *b)
{
    nd_ctx *ctx = S->ctx;
    if (b->op != OP_PROD || is_named(b) || b->nkids != 2 || expr_is_scalar(ctx, b->kid[0]))
        return -1;
    if (mk_is_one(b->kid[1]) && b->kid[1]->op == OP_BCAST && dim_is_one(ctx, b->kid[1]->shape.cols))
        return 0;
    if (expr_is_scalar(ctx, b) && !expr_is_scalar(ctx, b->kid[1]))
        return 1;
    return -1;
}

static nd_node *row_sum_of(simp *S, nd_node *b)
{
    return reduced_kid(S, b) == 0 ? b->kid[0] : NULL;
}

static void mono_collect(simp *S, mono *m, nd_node *n, long e, int top)
{
    nd_ctx *ctx = S->ctx;
    long k;
    if (!m->ok)
        return;
    if (is_named(n) && !top) {
        mono_add(m, n, e);
    } else if (n->op == OP_CONST) {
        mpq_t q;
        mpq_init(q);
        m->ok = num_pow(q, n->u.q, e);
        if (m->ok)
            mpq_mul(m->coef, m->coef, q);
        mpq_clear(q);
    } else if (n->op == OP_EMUL || n->op == OP_BCAST ||
               (n->op == OP_PROD && row_sum_of(S, n) == NULL &&
                (n->nkids < 2 || expr_is_scalar(ctx, n->kid[n->nkids - 2])))) {
        for (uint32_t i = 0; i < n->nkids; i++)
            mono_collect(S, m, n->kid[i], e, 0);
    } else if (n->op == OP_EPOW && n->kid[1]->op == OP_CONST && num_fits_long(n->kid[1]->u.q, &k) &&
               k > -1000 && k < 1000) {
        mono_collect(S, m, n->kid[0], e * k, 0);
    } else {
        mono_add(m, n, e);
    }
}

static void mono_of(simp *S, mono *m, nd_node *n)
{
    m->n = 0;
    m->ok = 1;
    mpq_init(m->coef);
    mpq_set_ui(m->coef, 1, 1);
    mono_collect(S, m, n, 1, 1);
}

static long mono_exp(const mono *m, const nd_node *b)
{
    for (int i = 0; i < m->n; i++)
        if (m->base[i] == b)
            return m->e[i];
    return 0;
}

/* Whether m contains the powers of `need` (each of the same sign, at
 * least as many), one at least. */
static int mono_covers(const mono *m, const mono *need)
{
    int some = 0;
    for (int i = 0; need->ok && i < need->n; i++) {
        long have = mono_exp(m, need->base[i]), want = need->e[i];
        if (want == 0)
            continue;
        if ((have > 0) != (want > 0) || labs(have) < labs(want))
            return 0;
        some = 1;
    }
    return some;
}

/* m / need * name (mono_covers said it may): name is need's coefficient
 * times its powers, so m's coefficient is divided by it (t = 2*x.^2/3
 * makes 4*x.^2.*u/3 read 2*t.*u, not 4*t.*u/3). */
static void mono_absorb(mono *m, const mono *need, nd_node *name)
{
    for (int i = 0; i < need->n; i++)
        mono_add(m, need->base[i], -need->e[i]);
    mono_add(m, name, 1);
    mpq_div(m->coef, m->coef, need->coef);
}

/* The product m stands for, as a value of `shape`: the scalars in front,
 * the bases of each other shape multiplied out and broadcast. */
static nd_node *mono_build(simp *S, const mono *m, nd_shape shape)
{
    nd_ctx *ctx = S->ctx;
    nd_nodelist scal = { 0 };
    nd_node *body = NULL;
    int done[MONO_BASES] = { 0 };
    nodelist_push(&scal, expr_const(ctx, m->coef));
    for (int i = 0; i < m->n; i++) {
        if (done[i] || m->e[i] == 0)
            continue;
        nd_node *b = m->base[i];
        if (expr_is_scalar(ctx, b)) {
            nodelist_push(&scal, mk_powi(ctx, b, m->e[i]));
            continue;
        }
        nd_node *g = NULL;      /* the bases of b's shape */
        for (int j = i; j < m->n; j++) {
            if (done[j] || m->e[j] == 0 || !shape_equal(ctx, m->base[j]->shape, b->shape))
                continue;
            nd_node *f = mk_powi(ctx, m->base[j], m->e[j]);
            g = g ? mk_emul(ctx, g, f) : f;
            done[j] = 1;
        }
        if (!shape_equal(ctx, b->shape, shape))
            g = mk_bcast(ctx, g, shape);
        body = body ? mk_emul(ctx, body, g) : g;
    }
    if (body)
        nodelist_push(&scal, body);
    nd_node *r = mk_prod(ctx, scal.v, scal.n);
    if (!body && !shape_equal(ctx, r->shape, shape))
        r = mk_bcast(ctx, r, shape);
    nodelist_free(&scal);
    return r;
}

/* The named products to look for: bindings whose value is a product of
 * at least two bases, one of them not a scalar. */
static int named_products(simp *S, nd_node **out)
{
    nd_ctx *ctx = S->ctx;
    int n = 0;
    for (int b = 0; b < ctx->scope->n_binds && n < MONO_NAMED; b++) {
        nd_node *v = ctx->scope->binds[b].node;
        if (!v || (v->op != OP_EMUL && v->op != OP_PROD) || expr_is_scalar(ctx, v))
            continue;
        mono m;
        mono_of(S, &m, v);
        int big = 0;
        for (int i = 0; i < m.n; i++)
            big |= !expr_is_scalar(ctx, m.base[i]);
        if (m.ok && m.n >= 2 && big && mpq_sgn(m.coef) != 0)
            out[n++] = v;
        mpq_clear(m.coef);
    }
    return n;
}

/* The reductions of m (see reduced_kid) take the bases (of their shape)
 * that let their summand contain `name`; returns how many did. */
static int absorb_in_row_sums(simp *S, mono *m, const mono *need, nd_node *name)
{
    nd_ctx *ctx = S->ctx;
    int any = 0;
    for (int i = 0; i < m->n; i++) {
        int at = m->e[i] == 1 ? reduced_kid(S, m->base[i]) : -1;
        nd_node *M = at >= 0 ? m->base[i]->kid[at] : NULL;
        if (!M || !shape_equal(ctx, M->shape, name->shape))
            continue;
        mono inner;
        mono_of(S, &inner, M);
        mono moved = { .n = 0, .ok = 1 };
        for (int j = 0; inner.ok && j < need->n; j++) {
            nd_node *b = need->base[j];
            /* the reduction itself is not a factor it can take in: x'*x
             * moved into x'*M is (x'*x)^2's, not x'*x's ((y'*x)*t1 with
             * t1 = (y'*x)*x has no y'*x to spare for the summand of y'*x) */
            long lack = need->e[j] - mono_exp(&inner, b),
                 have = mono_exp(m, b) - (b == m->base[i] ? m->e[i] : 0);
            if (lack == 0 || (mono_exp(&inner, b) != 0 && (mono_exp(&inner, b) > 0) != (lack > 0)))
                continue;
            if (!shape_equal(ctx, b->shape, m->base[i]->shape) || (have > 0) != (lack > 0) ||
                labs(have) < labs(lack)) {
                inner.ok = 0;
                break;
            }
            mono_add(&moved, b, lack);
            mono_add(&inner, b, lack);
        }
        if (inner.ok && mono_covers(&inner, need)) {
            mono_absorb(&inner, need, name);
            any++;
            nd_node *in = mono_build(S, &inner, M->shape), *r = m->base[i];
            nd_node *sum = at == 0 ? mk_mul(ctx, in, r->kid[1]) : mk_mul(ctx, r->kid[0], in);
            for (int j = 0; j < moved.n; j++)
                mono_add(m, moved.base[j], -moved.e[j]);
            m->base[i] = sum;
        }
        mpq_clear(inner.coef);
    }
    return any;
}

static void named_free(simp *S)
{
    for (int k = 0; S->named_mono && k < S->n_named; k++)
        mpq_clear(S->named_mono[k].coef);
    free(S->named_mono);
}

static nd_node *absorb_named(simp *S, nd_node *n)
{
    nd_ctx *ctx = S->ctx;
    if (expr_is_scalar(ctx, n) || tree_size(n, MEASURE_LIMIT) >= MEASURE_LIMIT)
        return n;
    if (!S->named_ready) {
        S->n_named = named_products(S, S->named);
        S->named_ready = 1;
        S->named_mono = xmalloc((size_t)(S->n_named + 1) * sizeof *S->named_mono);
        for (int k = 0; k < S->n_named; k++)
            mono_of(S, &S->named_mono[k], S->named[k]);
    }
    if (!S->n_named)
        return n;
    mono m;
    mono_of(S, &m, n);
    size_t slack = 0;   /* a name reads as one symbol, however long */
    int uses = 0;
    for (int k = 0; m.ok && k < S->n_named; k++) {
        nd_node *name = S->named[k];
        const char *spelled = printer_name_of(&S->pr, name);
        size_t extra = spelled ? strlen(spelled) - 1 : 0;
        const mono *need = &S->named_mono[k];
        int inside = absorb_in_row_sums(S, &m, need, name);
        uses += inside;
        slack += extra * (size_t)inside;
        if (shape_equal(ctx, name->shape, n->shape))
            while (mono_covers(&m, need) && m.ok) {
                mono_absorb(&m, need, name);
                slack += extra;
                uses++;
            }
    }
    nd_node *r = n;
    if (uses && m.ok) {
        nd_node *c = mono_build(S, &m, n->shape);
        size_t a = length(S, n), b = length(S, c);
        if (b != SIZE_MAX && a != SIZE_MAX && b <= a + slack)
            r = c;
    }
    mpq_clear(m.coef);
    return r;
}

/* A product's elementwise factors with their powers merged: c*(x.^a.*x)
 * from a rebuild that took a scalar out of an elementwise product (whose
 * rules then never ran). */
static nd_node *powers_in_factors(simp *S, nd_node *n)
{
    nd_node **k = xmalloc(n->nkids * sizeof *k);
    int changed = 0;
    for (uint32_t i = 0; i < n->nkids; i++) {
        k[i] = n->kid[i]->op == OP_EMUL && !is_named(n->kid[i]) ? merge_symbolic_powers(S, n->kid[i])
                                                                 : n->kid[i];
        changed |= k[i] != n->kid[i];
    }
    nd_node *r = changed ? mk_prod(S->ctx, k, (int)n->nkids) : n;
    free(k);
    return r;
}

/* ---- the pass ---- */

static nd_node *rules(simp *S, nd_node *n)
{
    if (is_named(n))
        return n;
    switch ((enum nd_op)n->op) {
    case OP_TRANSPOSE:
        return is_sym(S, n->kid[0]) ? n->kid[0] : n;
    case OP_ADD: {
        nd_node *stack = block_stack_sum(S->ctx, n);  /* placements: [a; b] */
        return stack ? stack : factor_sum(S, expanded(S, n));
    }
    case OP_EPOW:
        return step_power(n);
    case OP_SIGMOID:
    case OP_SOFTPLUS:
        return named_complement(S, n);
    case OP_SUM: {
        nd_node *f = sum_of_filled(S, n);
        return f != n ? rules(S, f) : sum_distributed(S, n);
    }
    case OP_EMUL:
    case OP_PROD: {
        nd_node *p = piecewise(S, n);
        if (p != n)
            return rules(S, p);
        p = n->op == OP_EMUL ? merge_symbolic_powers(S, n) : powers_in_factors(S, n);
        if (p != n)
            return rules(S, p);
        p = absorb_named(S, n);
        if (p != n)
            return rules(S, p);
        nd_node *e = expanded(S, n);
        if (e != n)
            return e->op == OP_ADD ? factor_sum(S, e) : e;
        return n->op == OP_EMUL ? distribute(S, n) : expand_inverses(S, n);
    }
    default:
        return n;
    }
}

/* n rebuilt over new children through the smart constructors: the row's
 * rebuild (a sum's, a product's), else the generic call. */
static nd_node *rebuild(simp *S, nd_node *n, nd_node **k)
{
    const nd_opinfo *o = &ops_table[n->op];
    return o->rebuild ? o->rebuild(S->ctx, n, k) : mk_call(S->ctx, (enum nd_op)n->op, k, (int)n->nkids);
}

static nd_node *simp_node(simp *S, nd_node *n)
{
    ensure(S);
    if (S->memo[n->id])
        return S->memo[n->id];
    nd_node *r = n;
    if (n->nkids && !is_named(n)) {
        nd_node **k = xmalloc(n->nkids * sizeof *k);
        int changed = 0;
        for (uint32_t i = 0; i < n->nkids; i++) {
            k[i] = simp_node(S, n->kid[i]);
            changed |= k[i] != n->kid[i];
        }
        r = changed ? rebuild(S, n, k) : n;
        free(k);
        r = rules(S, r);
    }
    ensure(S);
    S->memo[n->id] = r;
    return r;
}

/* ---- presentation: transposes pulled out where that is shorter ----
 * (x' - y').*(1 - x'.^2) prints as ((x - y).*(1 - x.^2))'.  The result has
 * transposes the smart constructors would push back down, so this runs
 * last, on what is about to be printed, and nothing builds on it. */

static int has_transpose(const nd_node *n, int budget)
{
    if (n->op == OP_TRANSPOSE)
        return 1;
    if (n->flags & NF_NAMED || budget <= 0)
        return 0;
    for (uint32_t i = 0; i < n->nkids; i++)
        if (has_transpose(n->kid[i], budget - 1))
            return 1;
    return 0;
}

/* How many transposes the printed form shows outside matrix products (up
 * to a budget): A'*B' reads well, h'.*tanh(z)' does not. */
static int count_transposes(const nd_node *n, int in_chain, int budget)
{
    int c = n->op == OP_TRANSPOSE && !in_chain;
    if (n->flags & NF_NAMED || budget <= 0)
        return c;
    for (uint32_t i = 0; i < n->nkids; i++)
        c += count_transposes(n->kid[i], n->op == OP_PROD, budget - 1);
    return c;
}

/* n over new children, as it is: no constructor rule applies. */
static nd_node *raw_rebuild(nd_ctx *ctx, nd_node *n, nd_node **k)
{
    if (n->op == OP_MPOW)
        return expr_mpow(ctx, k[0], n->u.k);
    return expr_node(ctx, (enum nd_op)n->op, n->shape, k, (int)n->nkids);
}

static nd_node *present(simp *S, nd_node *n, int try_pull);

static nd_node *present_kids(simp *S, nd_node *n)
{
    nd_node **k = xmalloc(n->nkids * sizeof *k);
    int changed = 0;
    for (uint32_t i = 0; i < n->nkids; i++) {
        k[i] = present(S, n->kid[i], 1);
        changed |= k[i] != n->kid[i];
    }
    nd_node *r = changed ? raw_rebuild(S->ctx, n, k) : n;
    free(k);
    return r;
}

/* The scalar factors of a product stay outside a pulled transpose:
 * -2*(A*B*C)', not (-2*A*B*C)'. */
static nd_node *with_scalars(simp *S, nd_node *n, nd_node *pulled_chain)
{
    uint32_t c0 = 0;
    while (n->op == OP_PROD && c0 < n->nkids && expr_is_scalar(S->ctx, n->kid[c0]))
        c0++;
    if (!c0)
        return pulled_chain;
    nd_node **k = xmalloc((c0 + 1) * sizeof *k);
    memcpy(k, n->kid, c0 * sizeof *k);
    k[c0] = pulled_chain;
    nd_node *r = expr_node(S->ctx, OP_PROD, n->shape, k, (int)c0 + 1);
    free(k);
    return r;
}

/* (n')' with n' in canonical form, if that prints shorter than n. */
static nd_node *pulled(simp *S, nd_node *n, nd_node *as_is)
{
    nd_ctx *ctx = S->ctx;
    int kind = n->op == OP_ADD || n->op == OP_EMUL || n->op == OP_PROD;
    if (!kind || expr_is_scalar(ctx, n) || !has_transpose(n, 8) ||
        tree_size(n, MEASURE_LIMIT) >= MEASURE_LIMIT)     /* too big to measure */
        return as_is;
    nd_node *chain = n;
    if (n->op == OP_PROD) {     /* the matrix chain alone */
        uint32_t c0 = 0;
        while (c0 < n->nkids && expr_is_scalar(ctx, n->kid[c0]))
            c0++;
        chain = mk_prod(ctx, n->kid + c0, (int)(n->nkids - c0));
    }
    nd_node *t = mk_transpose(ctx, chain);
    if (t->op == OP_TRANSPOSE)
        return as_is;
    nd_node *inner = present(S, t, 0);
    nd_node *cand = with_scalars(S, n, expr_node(ctx, OP_TRANSPOSE, n->shape, &inner, 1));
    /* fewer transposes read better (h'.*tanh(z)' against (h.*tanh(z))'),
     * and the inner form may be shared with a use elsewhere */
    size_t a = length(S, as_is), b = length(S, cand);
    if (b == SIZE_MAX)
        return as_is;
    int fewer = count_transposes(cand->op == OP_TRANSPOSE ? cand->kid[0] : cand, 0, 12) <
                count_transposes(as_is, 1, 12);
    return b < a || (fewer && b <= a + 2) ? cand : as_is;
}

/* f(u)' as f(u') for an elementwise f, if that prints shorter:
 * exp(a'*W + x')' reads exp(W'*a + x), not exp((W'*a + x)')'. */
static nd_node *pushed_into_call(simp *S, nd_node *n, nd_node *as_is)
{
    nd_ctx *ctx = S->ctx;
    nd_node *f = n->kid[0];
    if (ops_table[f->op].cls != OPC_ELEM || f->nkids != 1 || is_named(f) ||
        tree_size(n, MEASURE_LIMIT) >= MEASURE_LIMIT)
        return as_is;
    nd_node *inner = present(S, mk_transpose(ctx, f->kid[0]), 1);
    nd_node *cand = expr_node(ctx, (enum nd_op)f->op, n->shape, &inner, 1);
    size_t a = length(S, as_is), b = length(S, cand);
    return b < a ? cand : as_is;
}

static nd_node *present(simp *S, nd_node *n, int try_pull)
{
    if (!n->nkids || is_named(n))
        return n;
    ensure(S);
    if (try_pull && S->memo[n->id])
        return S->memo[n->id];
    nd_node *r = present_kids(S, n);
    if (n->op == OP_TRANSPOSE)
        r = pushed_into_call(S, n, r);
    if (try_pull)
        r = pulled(S, n, r);
    ensure(S);
    if (try_pull)
        S->memo[n->id] = r;
    return r;
}

/* ---- substitution ---- */

typedef nd_node *(*subst_fn)(void *user, nd_node *n);

static nd_node *substitute(simp *S, nd_node *n, subst_fn fn, void *user)
{
    nd_node *to = fn(user, n);
    if (to)
        return to;
    if (!n->nkids)
        return n;
    ensure(S);
    if (S->memo[n->id])
        return S->memo[n->id];
    nd_node **k = xmalloc(n->nkids * sizeof *k);
    int changed = 0;
    for (uint32_t i = 0; i < n->nkids; i++) {
        k[i] = substitute(S, n->kid[i], fn, user);
        changed |= k[i] != n->kid[i];
    }
    nd_node *r = changed ? rebuild(S, n, k) : n;
    free(k);
    if (n->flags & NF_NAMED)
        r->flags |= NF_NAMED;
    ensure(S);
    S->memo[n->id] = r;
    return r;
}

void simplify_substitute(nd_ctx *ctx, nd_node **roots, int n, int in_bindings,
                         nd_node *(*fn)(void *user, nd_node *n), void *user)
{
    simp S;
    memset(&S, 0, sizeof S);
    S.ctx = ctx;
    for (int b = 0; in_bindings && b < ctx->scope->n_binds; b++)  /* they keep their names */
        if (ctx->scope->binds[b].node)
            ctx->scope->binds[b].node = substitute(&S, ctx->scope->binds[b].node, fn, user);
    for (int i = 0; i < n; i++)
        roots[i] = substitute(&S, roots[i], fn, user);
    free(S.memo);
    free(S.sym);
    free(S.len);
}

static nd_node *origin_of(void *user, nd_node *n)
{
    nd_ctx *ctx = user;
    if (n->op == OP_VAR && ctx->scope->vars[n->u.var].origin >= 0)
        return ctx->scope->vars[ctx->scope->vars[n->u.var].origin].node;
    return NULL;
}

void simplify_merge_copies(nd_ctx *ctx, nd_node **roots, int n)
{
    simplify_substitute(ctx, roots, n, 1, origin_of, ctx);
}

void emit_simplify_all(nd_ctx *ctx, nd_node **g, int n)
{
    simp S;
    memset(&S, 0, sizeof S);
    S.ctx = ctx;
    sb_init(&S.buf);
    printer_init(&S.pr, ctx, &S.buf);
    mk_memo_transposes(ctx, 1);         /* the presentation transposes a lot */
    for (int i = 0; i < n; i++)
        g[i] = simp_node(&S, g[i]);
    if (S.cap)      /* the presentation has a memo of its own */
        memset(S.memo, 0, S.cap * sizeof *S.memo);
    for (int i = 0; i < n; i++)
        g[i] = present(&S, g[i], 1);
    mk_memo_transposes(ctx, 0);
    named_free(&S);
    printer_free(&S.pr);
    sb_free(&S.buf);
    free(S.memo);
    free(S.sym);
    free(S.len);
}

/* A term of a distributed transpose: x', -y', 2*x' (not a'*W, which the
 * program may have written so). */
static int transposed_leaf(nd_ctx *ctx, const nd_node *t)
{
    if (t->op == OP_PROD && t->nkids == 2 && t->kid[0]->op == OP_CONST)
        t = t->kid[1];
    (void)ctx;
    return t->op == OP_TRANSPOSE && !t->kid[0]->nkids;
}

/* n with every sum of transposed leaves that is a factor of a product
 * written as a transposed sum ((x - y)'*M, not (x' - y')*M; a sum on its
 * own stays as the program may have written it, x' - y'). */
static nd_node *binding_form(nd_ctx *ctx, nd_node *n, int top, int factor)
{
    if (!n->nkids || (!top && is_named(n)))
        return n;
    nd_node **k = xmalloc(n->nkids * sizeof *k);
    int changed = 0, leaves = n->op == OP_ADD && factor;
    for (uint32_t i = 0; i < n->nkids; i++) {
        k[i] = binding_form(ctx, n->kid[i], 0, n->op == OP_PROD);
        changed |= k[i] != n->kid[i];
        leaves &= transposed_leaf(ctx, n->kid[i]);
    }
    nd_node *r = changed ? raw_rebuild(ctx, n, k) : n;
    if (leaves) {       /* (x - 2*y)' */
        for (uint32_t i = 0; i < n->nkids; i++)
            k[i] = mk_transpose(ctx, n->kid[i]);
        nd_node *sum = mk_add(ctx, k, (int)n->nkids);
        r = expr_node(ctx, OP_TRANSPOSE, n->shape, &sum, 1);
    }
    free(k);
    return r;
}

nd_node *simplify_present(nd_ctx *ctx, nd_node *n)
{
    return binding_form(ctx, n, 1, 0);
}
