/* cg_order.c: the plan's order of evaluation: sizes for the cost model
 * (--dims), each matrix chain associated by cost, and the column-major
 * variables (see cg.h). */
#include "cg_value.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mk.h"
#include "ops.h"
#include "simplify.h"

#define DEFAULT_ESTIMATE 1000   /* the cost model's size of a symbolic dimension */
#define MAX_ESTIMATE 1000000000L    /* --dims: as large as a declared dimension may be */

/* ---- sizes for the cost model ---- */

static long estimate(cg_plan *p, nd_dim d)
{
    long v = dim_value(p->ctx, d);
    return v > 0 ? v : p->estimate[dim_find(p->ctx, d)];
}

/* --dims m=512,n=1024: sizes for the cost model; raises on a bad one. */
void cg_parse_dims(cg_plan *p, const char *spec)
{
    nd_ctx *ctx = p->ctx;
    for (int i = 0; i < ctx->dimtab->n_dims; i++)
        p->estimate[i] = DEFAULT_ESTIMATE;
    for (const char *s = spec; s && *s;) {
        const char *eq = strchr(s, '='), *comma = strchr(s, ',');
        if (!comma)
            comma = s + strlen(s);
        char name[128];
        if (!eq || eq > comma || (size_t)(eq - s) >= sizeof name)
            goto bad;
        memcpy(name, s, (size_t)(eq - s));
        name[eq - s] = '\0';
        char *end;
        errno = 0;
        long v = isdigit((unsigned char)eq[1]) ? strtol(eq + 1, &end, 10) : 0;
        if (v <= 0 || end != comma)
            goto bad;
        if (errno == ERANGE || v > MAX_ESTIMATE)
            diag_fail(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                      "--dims %.*s: a size must be at most %ld", (int)(comma - s), s,
                      MAX_ESTIMATE);
        int found = 0;
        for (int i = 0; i < ctx->dimtab->n_dims; i++)
            if (dim_find(ctx, i) == i && ctx->dimtab->dims[i].name && !strcmp(ctx->dimtab->dims[i].name, name)) {
                p->estimate[i] = v;
                found = 1;
            }
        if (!found)
            diag_fail(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                      "--dims: the program has no dimension '%s'", name);
        s = *comma ? comma + 1 : comma;
    }
    return;
bad:
    diag_fail(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
              "--dims takes NAME=SIZE pairs separated by commas, as in m=512,n=1024");
}

/* ---- normalization: each matrix chain associated by cost ---- */

typedef struct norm {
    cg_plan *p;
    nd_node **memo;
    uint32_t cap;
    unsigned char *has_sigmoid;     /* by node id: sigmoid(that node) is in the roots */
    unsigned char *softplus_signs;  /* by node id w: SP_POS if softplus(w), SP_NEG if softplus(-w) */
} norm;

enum { SP_POS = 1, SP_NEG = 2 };

static nd_node *binary(cg_plan *p, nd_node *a, nd_node *b)
{
    nd_node *k[2] = { a, b };
    return expr_node(p->ctx, OP_PROD, shape_make(a->shape.rows, b->shape.cols), k, 2);
}

/* The matrix-chain order: cost[i][j] the multiplications of f[i..j]. */
static nd_node *chain_tree(cg_plan *p, nd_node **f, int n, const int *split, int i, int j)
{
    if (i == j)
        return f[i];
    int s = split[i * n + j];
    return binary(p, chain_tree(p, f, n, split, i, s), chain_tree(p, f, n, split, s + 1, j));
}

/* ---- long chains: the cheapest adjacent product first ----
 * The exact order costs O(n^3) time and O(n^2) memory, and reverse mode
 * makes a chain per layer of a deep network: a chain longer than
 * CHAIN_EXACT is ordered greedily instead, which is what a chain ending
 * in a vector needs (matrix-vector products from that end). */

#define CHAIN_EXACT 64

typedef struct link {
    nd_node *node;      /* the product of the factors merged into it */
    int next, prev;     /* neighbours still alive, or -1 */
    int stamp;          /* changes when it merges: older heap entries are stale */
} link;

typedef struct pair {
    double cost;        /* link a times its next neighbour */
    int a, stamp_a, stamp_b;
} pair;

static int pair_less(const pair *x, const pair *y)
{
    return x->cost < y->cost || (x->cost == y->cost && x->a < y->a);
}

static void heap_push(pair *h, int *n, pair x)
{
    int i = (*n)++;
    for (; i > 0 && pair_less(&x, &h[(i - 1) / 2]); i = (i - 1) / 2)
        h[i] = h[(i - 1) / 2];
    h[i] = x;
}

static pair heap_pop(pair *h, int *n)
{
    pair top = h[0], x = h[--*n];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && pair_less(&h[c + 1], &h[c]))
            c++;
        if (!pair_less(&h[c], &x))
            break;
        h[i] = h[c];
        i = c;
    }
    if (*n)
        h[i] = x;
    return top;
}

static void push_pair(cg_plan *p, link *l, pair *h, int *nh, int a)
{
    if (a < 0 || l[a].next < 0)
        return;
    int b = l[a].next;
    nd_shape x = l[a].node->shape, y = l[b].node->shape;
    double cost = (double)estimate(p, x.rows) * (double)estimate(p, x.cols) *
                  (double)estimate(p, y.cols);
    heap_push(h, nh, (pair){ cost, a, l[a].stamp, l[b].stamp });
}

static nd_node *greedy_chain(cg_plan *p, nd_node **f, int n)
{
    link *l = xmalloc((size_t)n * sizeof *l);
    pair *h = xmalloc(3 * (size_t)n * sizeof *h);
    int nh = 0;
    for (int i = 0; i < n; i++)
        l[i] = (link){ f[i], i + 1 < n ? i + 1 : -1, i - 1, 0 };
    for (int i = 0; i + 1 < n; i++)
        push_pair(p, l, h, &nh, i);
    for (int left = n; left > 1;) {
        pair x = heap_pop(h, &nh);
        int a = x.a, b = l[a].next;
        if (b < 0 || l[a].stamp != x.stamp_a || l[b].stamp != x.stamp_b)
            continue;   /* stale: a or b merged since */
        l[a].node = binary(p, l[a].node, l[b].node);
        l[a].stamp++;
        l[a].next = l[b].next;
        if (l[b].next >= 0)
            l[l[b].next].prev = a;
        left--;
        push_pair(p, l, h, &nh, l[a].prev);
        push_pair(p, l, h, &nh, a);
    }
    nd_node *r = l[0].node;
    free(l);
    free(h);
    return r;
}

static nd_node *order_chain(cg_plan *p, nd_node **f, int n)
{
    if (n > CHAIN_EXACT)
        return greedy_chain(p, f, n);
    long *d = xmalloc(((size_t)n + 1) * sizeof *d);
    double *cost = xmalloc((size_t)n * (size_t)n * sizeof *cost);
    int *split = xmalloc((size_t)n * (size_t)n * sizeof *split);
    for (int i = 0; i < n; i++)
        d[i] = estimate(p, f[i]->shape.rows);
    d[n] = estimate(p, f[n - 1]->shape.cols);
    for (int i = 0; i < n; i++)
        cost[i * n + i] = 0;
    for (int len = 2; len <= n; len++)
        for (int i = 0; i + len - 1 < n; i++) {
            int j = i + len - 1;
            cost[i * n + j] = -1;
            for (int s = i; s < j; s++) {
                double c = cost[i * n + s] + cost[(s + 1) * n + j] +
                           (double)d[i] * (double)d[s + 1] * (double)d[j + 1];
                if (cost[i * n + j] < 0 || c < cost[i * n + j]) {
                    cost[i * n + j] = c;
                    split[i * n + j] = s;
                }
            }
        }
    nd_node *r = chain_tree(p, f, n, split, 0, n - 1);
    free(d);
    free(cost);
    free(split);
    return r;
}

static nd_node *normalize(norm *N, nd_node *n);

/* diag(d)*M is M with its rows scaled, d(i)*M(i, j), and M*diag(d) with its
 * columns scaled: elementwise products, read inline, not an n x n array
 * and a matrix product (a Jacobian's diag(f'(u))*W).  X'*diag(d)*X stays
 * for I_SYRK.  Returns the number of factors left in f. */
static int fold_diags(cg_plan *p, nd_node **f, int nf)
{
    nd_ctx *ctx = p->ctx;
    if (nf == 3 && cg_syrk_factors(p, f))
        return nf;
    int out = 0;
    for (int i = 0; i < nf; i++) {
        nd_node *d = f[i];
        if (ops_table[d->op].c_form != CGF_DIAGM || nf < 2) {
            f[out++] = d;
            continue;
        }
        nd_node *v = d->kid[0];     /* a column */
        if (i + 1 < nf) {           /* rows of the next factor */
            nd_node *m = f[i + 1], *e[2] = { mk_bcast(ctx, v, m->shape), m };
            f[i + 1] = expr_node(ctx, OP_EMUL, m->shape, e, 2);
        } else {                    /* columns of the one before */
            nd_node *m = f[out - 1], *vt = mk_transpose(ctx, v);
            nd_node *e[2] = { m, mk_bcast(ctx, vt, m->shape) };
            f[out - 1] = expr_node(ctx, OP_EMUL, m->shape, e, 2);
        }
    }
    return out;
}

/* X'*diag(d)*X (a Hessian's Gauss-Newton block) stays one product of three
 * factors, for I_SYRK: symmetric, half the work of two products. */
static nd_node *syrk_chain(cg_plan *p, nd_node *n, nd_node **f, int nf)
{
    if (nf != 3)
        return NULL;
    nd_node *r = expr_node(p->ctx, OP_PROD, n->shape, f, 3);
    return cg_is_syrk(p, r) ? r : NULL;
}

static nd_node *normalize_prod(norm *N, nd_node *n, nd_node **k)
{
    cg_plan *p = N->p;
    int nk = (int)n->nkids, c0 = 0;
    while (c0 < nk && scalar(p, k[c0]))
        c0++;
    if (p->kind != CG_GRADIENT && nk - c0 >= 2) {     /* gradients: as they were */
        nk = c0 + fold_diags(p, k + c0, nk - c0);
        if (nk - c0 == 1 && !c0)    /* diag(d)*M alone: an elementwise product now */
            return k[0];
    }
    if (nk - c0 < 2 || (c0 == 0 && nk == 2))
        return expr_node(p->ctx, OP_PROD, n->shape, k, nk);
    nd_node *tree = syrk_chain(p, n, k + c0, nk - c0);
    if (!tree)
        tree = order_chain(p, k + c0, nk - c0);
    if (!c0)
        return tree;
    k[c0] = tree;
    return expr_node(p->ctx, OP_PROD, n->shape, k, c0 + 1);
}

/* swish(x) as x.*sigmoid(x) when sigmoid(x) is computed anyway (swish's
 * derivative is sigmoid(x) + x.*sigmoid(x).*(1 - sigmoid(x))): one exp per
 * entry where there were two.  The same product nd__swish computes. */
static nd_node *swish_shared(cg_plan *p, nd_node *x)
{
    nd_node *e[2] = { x, expr_node(p->ctx, OP_SIGMOID, x->shape, &x, 1) };
    return expr_node(p->ctx, OP_EMUL, x->shape, e, 2);
}

/* w when n is -w (a product (-1)*w, as mk_neg builds it: -(A*x) is the
 * one product (-1)*A*x, and w its other factors), else NULL. */
static nd_node *negated(nd_ctx *ctx, nd_node *n)
{
    if (n->op != OP_PROD || n->nkids < 2 || n->kid[0]->op != OP_CONST ||
        mpq_cmp_si(n->kid[0]->u.q, -1, 1) != 0)
        return NULL;
    if (n->nkids == 2)
        return n->kid[1];
    return expr_node(ctx, OP_PROD, n->shape, n->kid + 1, (int)n->nkids - 1);
}

/* exp(-abs(w)), the one exp of sigmoid(w) and softplus(+-w) when they share it. */
static nd_node *exp_neg_abs(cg_plan *p, nd_node *w)
{
    nd_ctx *ctx = p->ctx;
    nd_node *a = expr_node(ctx, OP_ABS, w->shape, &w, 1);
    nd_node *na[2] = { mk_int(ctx, -1), a };
    nd_node *neg = expr_node(ctx, OP_PROD, w->shape, na, 2);
    return expr_node(ctx, OP_EXP, w->shape, &neg, 1);
}

/* softplus(u) as relu(u) + softplus(-abs(w)), u = w or -w, when the roots
 * reach both softplus(w) and softplus(-w) (a logistic loss's two terms):
 * the second term is the same node for both, log1p(exp(-|w|)), computed
 * once per entry (a value used twice is materialized, in the row loop that
 * reads it when it can be), one exp and one log1p where there were two of
 * each.  The same doubles as nd__softplus(u): for u > 0 it is u +
 * log1p(exp(-u)), otherwise 0.0 + log1p(exp(u)) (log1p(exp(.)) >= 0 or
 * NaN, so adding 0.0 changes nothing, not even a -0).  When sigmoid(w) is
 * computed too (a logistic loss's gradient), the second term is
 * log1p(e) of the e = exp(-|w|) that sigmoid_shared reads: one exp for all. */
static nd_node *softplus_shared(cg_plan *p, nd_node *u, nd_node *w, int with_sigmoid)
{
    nd_ctx *ctx = p->ctx;
    nd_node *e = exp_neg_abs(p, w), *sp;
    if (with_sigmoid)
        sp = expr_node(ctx, OP_LOG1P, w->shape, &e, 1);
    else
        sp = expr_node(ctx, OP_SOFTPLUS, w->shape, e->kid, 1);
    nd_node *t[2] = { expr_node(ctx, OP_RELU, u->shape, &u, 1), sp };
    return expr_node(ctx, OP_ADD, u->shape, t, 2);
}

/* sigmoid(w) as (step(w) + e.*(1 - step(w))).*(1 + e).^-1, e = exp(-|w|)
 * the exp that softplus(+-w) shares: the C generator writes this product as
 * the quotient (step + e*(1 - step)) / (1 + e) (cg_expr.c), which is
 * 1/(1 + e) for w > 0 and e/(1 + e) otherwise, the doubles of the -O2
 * nd__sigmoid (at 0 and -0 both give 0.5; e is 0 at +-inf, NaN at NaN). */
static nd_node *sigmoid_shared(cg_plan *p, nd_node *w)
{
    nd_ctx *ctx = p->ctx;
    nd_node *e = exp_neg_abs(p, w), *one = mk_ones(ctx, w->shape);
    nd_node *st = expr_node(ctx, OP_STEP, w->shape, &w, 1);
    nd_node *ns[2] = { mk_int(ctx, -1), st };
    nd_node *om[2] = { one, expr_node(ctx, OP_PROD, w->shape, ns, 2) };
    nd_node *et[2] = { e, expr_node(ctx, OP_ADD, w->shape, om, 2) };
    nd_node *num[2] = { st, expr_node(ctx, OP_EMUL, w->shape, et, 2) };
    nd_node *den[2] = { one, e };
    nd_node *pw[2] = { expr_node(ctx, OP_ADD, w->shape, den, 2), mk_int(ctx, -1) };
    nd_node *q[2] = { expr_node(ctx, OP_ADD, w->shape, num, 2),
                      expr_node(ctx, OP_EPOW, w->shape, pw, 2) };
    return expr_node(ctx, OP_EMUL, w->shape, q, 2);
}

/* sigmoid(w) and softplus(+-w) share exp(-|w|): not for a scalar w, whose
 * plan computes each node as its own instruction (a product by 1/(1 + e),
 * not the quotient that sigmoid_shared needs to be nd__sigmoid's double). */
static int shares_exp(norm *N, nd_node *w)
{
    return w->id < N->cap && N->has_sigmoid[w->id] && N->softplus_signs[w->id] &&
           !scalar(N->p, w);
}

/* softplus(x) of a node x whose w (x = w or -w) has both signs' softplus,
 * or one and sigmoid(w). */
static int softplus_pair(norm *N, nd_node *n, nd_node **w)
{
    if (n->op != OP_SOFTPLUS)
        return 0;
    nd_node *x = n->kid[0], *core = negated(N->p->ctx, x);
    *w = core ? core : x;
    if ((*w)->id >= N->cap)
        return 0;
    return N->softplus_signs[(*w)->id] == (SP_POS | SP_NEG) || shares_exp(N, *w);
}

/* sigmoid(w) when the roots reach softplus(w) or softplus(-w) too. */
static int sigmoid_shares(norm *N, nd_node *n)
{
    return n->op == OP_SIGMOID && shares_exp(N, n->kid[0]);
}

static nd_node *normalize(norm *N, nd_node *n)
{
    if (!n->nkids)
        return n;
    if (n->id < N->cap && N->memo[n->id])
        return N->memo[n->id];
    nd_node **k = xmalloc((n->nkids + 1) * sizeof *k);
    for (uint32_t i = 0; i < n->nkids; i++)
        k[i] = normalize(N, n->kid[i]);
    nd_node *r, *w;
    if (n->op == OP_PROD)
        r = normalize_prod(N, n, k);
    else if (n->op == OP_SWISH && n->kid[0]->id < N->cap && N->has_sigmoid[n->kid[0]->id])
        r = swish_shared(N->p, k[0]);
    else if (softplus_pair(N, n, &w))
        r = softplus_shared(N->p, k[0], normalize(N, w), shares_exp(N, w));
    else if (sigmoid_shares(N, n))
        r = sigmoid_shared(N->p, k[0]);
    else if (n->op == OP_MPOW)
        r = expr_mpow(N->p->ctx, k[0], n->u.k);
    else
        r = expr_node(N->p->ctx, (enum nd_op)n->op, n->shape, k, (int)n->nkids);
    free(k);
    if (n->id < N->cap)
        N->memo[n->id] = r;
    return r;
}

/* has[id] = 1 for each node whose sigmoid the roots reach. */
static unsigned char *sigmoid_args(cg_plan *p, uint32_t cap)
{
    nd_ctx *ctx = p->ctx;
    unsigned char *mark = xmalloc(cap + 1), *has = xmalloc(cap + 1);
    memset(mark, 0, cap + 1);
    memset(has, 0, cap + 1);
    expr_reach(ctx, &p->objective, 1, mark);
    expr_reach(ctx, p->grads, p->n_grads, mark);
    for (uint32_t id = 0; id < cap; id++)
        if (mark[id] && ctx->dag->nodes[id]->op == OP_SIGMOID)
            has[ctx->dag->nodes[id]->kid[0]->id] = 1;
    free(mark);
    return has;
}

/* signs[id(w)]: SP_POS if the roots reach softplus(w), SP_NEG if softplus(-w). */
static unsigned char *softplus_args(cg_plan *p, uint32_t cap)
{
    nd_ctx *ctx = p->ctx;
    unsigned char *mark = xmalloc(cap + 1), *signs = xmalloc(cap + 1);
    memset(mark, 0, cap + 1);
    memset(signs, 0, cap + 1);
    expr_reach(ctx, &p->objective, 1, mark);
    expr_reach(ctx, p->grads, p->n_grads, mark);
    for (uint32_t id = 0; id < cap; id++) {
        nd_node *n = ctx->dag->nodes[id];
        if (!mark[id] || n->op != OP_SOFTPLUS)
            continue;
        nd_node *w = negated(ctx, n->kid[0]);
        if (w && w->id < cap)
            signs[w->id] |= SP_NEG;
        else if (!w)
            signs[n->kid[0]->id] |= SP_POS;
    }
    free(mark);
    return signs;
}

void cg_normalize_roots(cg_plan *p)
{
    norm N = { p, NULL, p->ctx->dag->n_nodes, NULL, NULL };
    N.memo = xmalloc(N.cap * sizeof *N.memo);
    memset(N.memo, 0, N.cap * sizeof *N.memo);
    N.has_sigmoid = sigmoid_args(p, N.cap);
    N.softplus_signs = softplus_args(p, N.cap);
    p->objective = normalize(&N, p->objective);
    for (int g = 0; g < p->n_grads; g++)
        p->grads[g] = normalize(&N, p->grads[g]);
    free(N.has_sigmoid);
    free(N.softplus_signs);
    p->norm_of = N.memo;    /* kept: a backend names values by the bindings */
    p->n_norm = N.cap;
}

/* ---- column-major: each variable is the transpose of a row-major one ---- */

typedef struct colmajor {
    cg_plan *p;
    int *copy;          /* by variable: its row-major transpose, or -1 */
    int n_vars;         /* the program's own */
} colmajor;

static nd_node *colmajor_var(void *user, nd_node *n)
{
    colmajor *C = user;
    nd_ctx *ctx = C->p->ctx;
    if (n->op != OP_VAR || n->u.var >= C->n_vars || ctx->scope->vars[n->u.var].origin >= 0)
        return NULL;
    if (C->copy[n->u.var] < 0) {    /* made once per variable */
        nd_var *v = &ctx->scope->vars[n->u.var];
        int t = scope_add_var(ctx, v->name, v->loc, shape_transpose(v->shape), v->declared,
                            v->assume);
        ctx->scope->vars[t].origin = n->u.var;
        C->copy[n->u.var] = t;
    }
    return mk_transpose(ctx, ctx->scope->vars[C->copy[n->u.var]].node);
}

/* A column-major m x n array is the row-major array of the n x m transpose:
 * the variables become transposes of row-major ones, and each gradient is
 * stored as its transpose. */
void cg_to_colmajor(cg_plan *p)
{
    int n = p->n_grads + 1;
    nd_node **roots = xmalloc((size_t)n * sizeof *roots);
    roots[0] = p->objective;
    for (int g = 0; g < p->n_grads; g++)
        roots[g + 1] = p->grads[g];
    colmajor C = { p, xmalloc(((size_t)p->ctx->scope->n_vars + 1) * sizeof *C.copy), p->ctx->scope->n_vars };
    for (int v = 0; v < C.n_vars; v++)
        C.copy[v] = -1;
    mk_memo_transposes(p->ctx, 1);     /* each shared node transposed once */
    simplify_substitute(p->ctx, roots, n, 0, colmajor_var, &C);
    free(C.copy);
    p->objective = roots[0];
    for (int g = 0; g < p->n_grads; g++)
        p->grads[g] = mk_transpose(p->ctx, roots[g + 1]);
    mk_memo_transposes(p->ctx, 0);
    free(roots);
}

