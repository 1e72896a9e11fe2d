/* expr.c: hash-consed node construction, ordering, reachability. */
#include "expr.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shape.h"

/* Which ops' shape is not implied by their children and payload. */
static int shape_is_payload(enum nd_op op)
{
    return op == OP_BCAST || op == OP_SYM || op == OP_INDEX;
}

static uint32_t mix(uint32_t h, uint32_t v)
{
    h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
    return h;
}

/* The table takes the low bits of the hash, and mix() of consecutive ids
 * leaves them clustered (long probe runs for a chain of similar nodes):
 * every input bit must reach the low ones (MurmurHash3's finalizer). */
static uint32_t avalanche(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static uint32_t payload_hash(const nd_node *n)
{
    switch ((enum nd_op)n->op) {
    case OP_CONST:
        return (uint32_t)mpz_get_ui(mpq_numref(n->u.q)) * 31u +
               (uint32_t)mpz_get_ui(mpq_denref(n->u.q)) + (uint32_t)mpq_sgn(n->u.q);
    case OP_VAR:
        return (uint32_t)n->u.var;
    case OP_DIMVAL:
    case OP_EYE:
        return 0;       /* dimensions are not hashed: see node_hash */
    case OP_MPOW:
        return (uint32_t)n->u.k;
    case OP_SYM: {
        uint32_t h = 0;
        for (const char *s = n->u.name; *s; s++)
            h = h * 31u + (unsigned char)*s;
        return h;
    }
    default:
        return 0;
    }
}

/* The hash leaves dimensions out: a unification later changes which
 * dimension is a class's root, and a node's hash must not change, or the
 * same vector(1) built before and after it would be two nodes.  Nodes that
 * differ only in dimensions share a chain; node_equal tells them apart
 * with the unification as it is then. */
static uint32_t node_hash(const nd_node *n)
{
    uint32_t h = mix(n->op, n->nkids);
    for (uint32_t i = 0; i < n->nkids; i++)
        h = mix(h, n->kid[i]->id);
    h = mix(h, payload_hash(n));
    return avalanche(h);
}

static int payload_equal(nd_ctx *ctx, const nd_node *a, const nd_node *b)
{
    switch ((enum nd_op)a->op) {
    case OP_CONST:
        return mpq_equal(a->u.q, b->u.q);
    case OP_VAR:
        return a->u.var == b->u.var;
    case OP_DIMVAL:
    case OP_EYE:
        return dim_same(ctx, a->u.dim, b->u.dim);
    case OP_MPOW:
        return a->u.k == b->u.k;
    case OP_SYM:
        return strcmp(a->u.name, b->u.name) == 0;
    default:
        return 1;
    }
}

static int node_equal(nd_ctx *ctx, const nd_node *a, const nd_node *b)
{
    if (a->op != b->op || a->nkids != b->nkids || a->hash != b->hash)
        return 0;
    for (uint32_t i = 0; i < a->nkids; i++)
        if (a->kid[i] != b->kid[i])
            return 0;
    if (shape_is_payload(a->op) && !shape_equal(ctx, a->shape, b->shape))
        return 0;
    return payload_equal(ctx, a, b);
}

static void table_insert(nd_node **tab, uint32_t cap, nd_node *n)
{
    uint32_t i = n->hash & (cap - 1);
    while (tab[i])
        i = (i + 1) & (cap - 1);
    tab[i] = n;
}

static void table_grow(nd_ctx *ctx)
{
    uint32_t cap = ctx->dag->hcap ? ctx->dag->hcap * 2 : 1024;
    nd_node **tab = xmalloc(cap * sizeof *tab);
    memset(tab, 0, cap * sizeof *tab);
    for (uint32_t i = 0; i < ctx->dag->hcap; i++)
        if (ctx->dag->htab[i])
            table_insert(tab, cap, ctx->dag->htab[i]);
    free(ctx->dag->htab);
    ctx->dag->htab = tab;
    ctx->dag->hcap = cap;
}

/* Leaves and operations whose value involves a dimension's size. */
static int depends_on_dims(enum nd_op op)
{
    return op == OP_DIMVAL || op == OP_EYE || op == OP_BCAST;
}

/* Nodes from id `first` on are no longer found by construction: an
 * answer's first pass made them over dimensions that dims_restore
 * (elab.c) takes back, and the second pass must not meet them.  They stay
 * in ctx->dag->nodes (ids are not reused, nothing dangles); the table is
 * rebuilt from the nodes it lists, not from every id below `first`: an
 * earlier answer's first-pass nodes, unlisted then, stay unlisted.  Their
 * shapes name dimensions that were taken back, whose indices the next
 * answer makes again for its own fills (a vector(1) of line 1 found as
 * line 2's, sized by line 2's context, then by line 3's). */
void expr_unlist_from(nd_ctx *ctx, uint32_t first)
{
    if (first >= ctx->dag->n_nodes)
        return;
    nd_dag *g = ctx->dag;
    nd_node **tab = xmalloc(g->hcap * sizeof *tab);
    memset(tab, 0, g->hcap * sizeof *tab);
    g->hcount = 0;
    for (uint32_t i = 0; i < g->hcap; i++)
        if (g->htab[i] && g->htab[i]->id < first) {
            table_insert(tab, g->hcap, g->htab[i]);
            g->hcount++;
        }
    free(g->htab);
    g->htab = tab;
}

/* Returns the existing node equal to the candidate, or registers it. */
static nd_node *intern(nd_ctx *ctx, nd_node *cand)
{
    cand->hash = node_hash(cand);
    if (2 * (ctx->dag->hcount + 1) > ctx->dag->hcap)
        table_grow(ctx);
    uint32_t i = cand->hash & (ctx->dag->hcap - 1);
    for (; ctx->dag->htab[i]; i = (i + 1) & (ctx->dag->hcap - 1))
        if (node_equal(ctx, ctx->dag->htab[i], cand))
            return ctx->dag->htab[i];
    nd_node *n = arena_alloc(ctx->arena, sizeof *n + cand->nkids * sizeof(nd_node *));
    memcpy(n, cand, sizeof *n + cand->nkids * sizeof(nd_node *));
    if (n->op == OP_CONST) {
        mpq_init(n->u.q);
        mpq_set(n->u.q, cand->u.q);
    }
    n->id = ctx->dag->n_nodes;
    unsigned flags = n->op == OP_VAR || n->op == OP_SYM ? 0
                     : depends_on_dims(n->op)             ? NF_CONSTANT
                                                          : NF_CONSTANT | NF_NUMERIC;
    for (uint32_t k = 0; k < n->nkids; k++)
        flags &= n->kid[k]->flags;      /* a property of every child */
    n->flags = (uint8_t)flags;
    if (ctx->dag->n_nodes == ctx->dag->cap_nodes) {
        ctx->dag->cap_nodes = ctx->dag->cap_nodes ? ctx->dag->cap_nodes * 2 : 1024;
        ctx->dag->nodes = xrealloc(ctx->dag->nodes, ctx->dag->cap_nodes * sizeof *ctx->dag->nodes);
    }
    ctx->dag->nodes[ctx->dag->n_nodes++] = n;
    ctx->dag->htab[i] = n;
    ctx->dag->hcount++;
    return n;
}

/* Room for a candidate node: on the caller's stack up to CAND_KIDS
 * children (every node but a long sum or product), else on the heap. */
#define CAND_KIDS 8
typedef union cand_buf {
    nd_node node;
    unsigned char room[sizeof(nd_node) + CAND_KIDS * sizeof(nd_node *)];
    max_align_t align;
} cand_buf;

static nd_node *candidate(cand_buf *buf, enum nd_op op, nd_shape shape, int n)
{
    nd_node *c = n <= CAND_KIDS ? &buf->node : xmalloc(sizeof *c + (size_t)n * sizeof(nd_node *));
    memset(c, 0, sizeof *c);
    c->op = (uint8_t)op;
    c->nkids = (uint32_t)n;
    c->shape = shape;
    return c;
}

static void candidate_free(cand_buf *buf, nd_node *c)
{
    if (c != &buf->node)
        free(c);
}

void nodelist_push(nd_nodelist *l, nd_node *x)
{
    if (l->n == l->cap)     /* not a call per push: long products push a lot */
        l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = x;
}

void nodelist_free(nd_nodelist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

nd_node *expr_node(nd_ctx *ctx, enum nd_op op, nd_shape shape,
                   nd_node *const *kids, int n)
{
    cand_buf buf;
    nd_node *c = candidate(&buf, op, shape, n);
    if (n)
        memcpy(c->kid, kids, (size_t)n * sizeof *kids);
    nd_node *r = intern(ctx, c);
    candidate_free(&buf, c);
    return r;
}

nd_node *expr_const(nd_ctx *ctx, mpq_srcptr q)
{
    cand_buf buf;
    nd_node *c = candidate(&buf, OP_CONST, shape_scalar(), 0);
    *c->u.q = *q;       /* shallow: intern copies it if new */
    nd_node *r = intern(ctx, c);
    candidate_free(&buf, c);
    return r;
}

nd_node *expr_var(nd_ctx *ctx, int var, nd_shape shape)
{
    cand_buf buf;
    nd_node *c = candidate(&buf, OP_VAR, shape, 0);
    c->u.var = var;
    nd_node *r = intern(ctx, c);
    candidate_free(&buf, c);
    return r;
}

nd_node *expr_dimval(nd_ctx *ctx, nd_dim d)
{
    cand_buf buf;
    nd_node *c = candidate(&buf, OP_DIMVAL, shape_scalar(), 0);
    c->u.dim = d;
    nd_node *r = intern(ctx, c);
    candidate_free(&buf, c);
    return r;
}

nd_node *expr_eye(nd_ctx *ctx, nd_dim d)
{
    cand_buf buf;
    nd_node *c = candidate(&buf, OP_EYE, shape_make(d, d), 0);
    c->u.dim = d;
    nd_node *r = intern(ctx, c);
    candidate_free(&buf, c);
    return r;
}

nd_node *expr_sym(nd_ctx *ctx, const char *name, nd_shape shape)
{
    cand_buf buf;
    nd_node *c = candidate(&buf, OP_SYM, shape, 0);
    c->u.name = arena_strdup(ctx->arena, name);
    nd_node *r = intern(ctx, c);
    candidate_free(&buf, c);
    return r;
}

nd_node *expr_mpow(nd_ctx *ctx, nd_node *a, long k)
{
    cand_buf buf;
    nd_node *c = candidate(&buf, OP_MPOW, a->shape, 1);
    c->kid[0] = a;
    c->u.k = k;
    nd_node *r = intern(ctx, c);
    candidate_free(&buf, c);
    return r;
}

void expr_init(nd_ctx *ctx)
{
    ctx->dag = xmalloc(sizeof *ctx->dag);
    memset(ctx->dag, 0, sizeof *ctx->dag);
}

void expr_release(nd_ctx *ctx)
{
    nd_dag *g = ctx->dag;
    if (!g)
        return;
    for (uint32_t i = 0; i < g->n_nodes; i++)
        if (g->nodes[i]->op == OP_CONST)
            mpq_clear(g->nodes[i]->u.q);
    free(g->nodes);
    free(g->htab);
    free(g->tr_memo);
    free(g);
    ctx->dag = NULL;
}

nd_node *expr_memo_get(nd_ctx *ctx, const nd_node *x)
{
    nd_dag *g = ctx->dag;
    if (!g->tr_memo_on || x->id >= g->tr_cap)
        return NULL;
    return g->tr_memo[x->id];
}

void expr_memo_put(nd_ctx *ctx, const nd_node *x, nd_node *r)
{
    nd_dag *g = ctx->dag;
    if (!g->tr_memo_on)
        return;
    if (x->id >= g->tr_cap) {
        uint32_t cap = g->tr_cap ? g->tr_cap : 1024;
        while (cap <= x->id)
            cap *= 2;
        g->tr_memo = xrealloc(g->tr_memo, cap * sizeof *g->tr_memo);
        memset(g->tr_memo + g->tr_cap, 0, (cap - g->tr_cap) * sizeof *g->tr_memo);
        g->tr_cap = cap;
    }
    g->tr_memo[x->id] = r;
}

void expr_memo_switch(nd_ctx *ctx, int on)
{
    nd_dag *g = ctx->dag;
    g->tr_memo_on = on;
    if (g->tr_cap)
        memset(g->tr_memo, 0, g->tr_cap * sizeof *g->tr_memo);
}

int expr_memo_is_on(nd_ctx *ctx)
{
    return ctx->dag->tr_memo_on;
}

/* Leaves sort after compound nodes: a sum reads `W*x + b`, `x + 1`. */
static int rank(const nd_node *n)
{
    switch ((enum nd_op)n->op) {
    case OP_SYM: return 1;
    case OP_VAR: return 2;
    case OP_EYE: return 3;
    case OP_DIMVAL: return 4;
    case OP_CONST: return 5;
    default: return 0;
    }
}

static int cmp_int(long a, long b)
{
    return (a > b) - (a < b);
}

/* A comparison's state: the steps it may still take, and whether its
 * answer read the dimensions (which may still merge, and change it). */
typedef struct cmpstate {
    int budget;
    int used_dims;
} cmpstate;

static int cmp_dims(nd_ctx *ctx, nd_dim a, nd_dim b, cmpstate *st)
{
    st->used_dims = 1;
    return cmp_int(dim_find(ctx, a), dim_find(ctx, b));
}

static int cmp_rec(nd_ctx *ctx, const nd_node *a, const nd_node *b, cmpstate *st)
{
    if (a == b)
        return 0;
    if (--st->budget < 0)
        return cmp_int(a->id, b->id);
    /* a broadcast sorts with its source (a bias after W*X), then after it */
    if ((a->op == OP_BCAST) != (b->op == OP_BCAST)) {
        int c = cmp_rec(ctx, a->op == OP_BCAST ? a->kid[0] : a,
                        b->op == OP_BCAST ? b->kid[0] : b, st);
        return c ? c : cmp_int(a->op == OP_BCAST, b->op == OP_BCAST);
    }
    int c = cmp_int(rank(a), rank(b));
    if (c || (c = cmp_int(a->op, b->op)))
        return c;
    switch ((enum nd_op)a->op) {
    case OP_CONST:
        return mpq_cmp(a->u.q, b->u.q);
    case OP_VAR:
        return cmp_int(a->u.var, b->u.var);
    case OP_DIMVAL:
    case OP_EYE:
        return cmp_dims(ctx, a->u.dim, b->u.dim, st);
    case OP_SYM:
        return strcmp(a->u.name, b->u.name);
    case OP_MPOW:
        if ((c = cmp_int(a->u.k, b->u.k)))
            return c;
        break;
    default:
        break;
    }
    for (uint32_t i = 0; i < a->nkids && i < b->nkids; i++)
        if ((c = cmp_rec(ctx, a->kid[i], b->kid[i], st)))
            return c;
    if ((c = cmp_int(a->nkids, b->nkids)))
        return c;
    if ((c = cmp_dims(ctx, a->shape.rows, b->shape.rows, st)) ||
        (c = cmp_dims(ctx, a->shape.cols, b->shape.cols, st)))
        return c;
    return cmp_int(a->id, b->id);
}

static int cmp_top(nd_ctx *ctx, const nd_node *a, const nd_node *b, int *stable)
{
    cmpstate st = { 2000, 0 };
    int c = cmp_rec(ctx, a, b, &st);
    if (st.used_dims && stable)
        *stable = 0;
    return c;
}

int expr_cmp(nd_ctx *ctx, const nd_node *a, const nd_node *b)
{
    return cmp_top(ctx, a, b, NULL);
}

/* The bounded tree size, for ordering: small before big. */
static int small_size(const nd_node *n, int limit)
{
    int size = 1;
    for (uint32_t i = 0; i < n->nkids && size < limit; i++)
        size += small_size(n->kid[i], limit - size);
    return size;
}

/* Factors: numbers, dimensions, variables, then calls and the like, sums
 * last: a.*sigmoid(x).*(1 - sigmoid(x)). */
static int factor_rank(const nd_node *n)
{
    if (n->flags & NF_NAMED)
        return 2;       /* printed as a name, like a variable */
    switch ((enum nd_op)n->op) {
    case OP_CONST: return 0;
    case OP_DIMVAL: return 1;
    case OP_VAR: return 2;
    case OP_SYM: return 3;
    case OP_EYE: return 4;
    case OP_ADD: return 6;
    default: return 5;
    }
}

int expr_cmp_factor_stable(nd_ctx *ctx, const nd_node *a, const nd_node *b, int *stable)
{
    int c = cmp_int(factor_rank(a), factor_rank(b));
    return c ? c : cmp_top(ctx, a, b, stable);
}

int expr_cmp_factor(nd_ctx *ctx, const nd_node *a, const nd_node *b)
{
    return expr_cmp_factor_stable(ctx, a, b, NULL);
}

/* Terms: compound ones first, smaller before bigger, then variables and
 * constants: sigmoid(z) + z.*sigmoid(z).*(1 - sigmoid(z)), W*x + b. */
int expr_cmp_term(nd_ctx *ctx, const nd_node *a, const nd_node *b)
{
    const nd_node *sa = a->op == OP_BCAST ? a->kid[0] : a, *sb = b->op == OP_BCAST ? b->kid[0] : b;
    int ra = sa->flags & NF_NAMED ? 2 : rank(sa), rb = sb->flags & NF_NAMED ? 2 : rank(sb);
    int c = cmp_int(ra, rb);
    if (c || (c = cmp_int(small_size(sa, 64), small_size(sb, 64))))
        return c;
    return expr_cmp(ctx, a, b);
}

int expr_is_const(const nd_node *n)
{
    return n->op == OP_CONST;
}

int expr_is_const_val(const nd_node *n, long v)
{
    return n->op == OP_CONST && mpq_cmp_si(n->u.q, v, 1) == 0;
}

int expr_is_scalar(nd_ctx *ctx, const nd_node *n)
{
    return shape_is_scalar(ctx, n->shape);
}

int expr_is_constant_tree(nd_ctx *ctx, const nd_node *n)
{
    (void)ctx;
    return (n->flags & NF_CONSTANT) != 0;
}

void expr_reach(nd_ctx *ctx, nd_node *const *roots, int n, unsigned char *mark)
{
    uint32_t top = 0;
    for (int i = 0; i < n; i++) {
        mark[roots[i]->id] = 1;
        if (roots[i]->id + 1 > top)
            top = roots[i]->id + 1;
    }
    for (uint32_t id = top; id-- > 0;)
        if (mark[id])
            for (uint32_t k = 0; k < ctx->dag->nodes[id]->nkids; k++)
                mark[ctx->dag->nodes[id]->kid[k]->id] = 1;
}

void expr_depends(nd_ctx *ctx, const unsigned char *want, unsigned char *dep)
{
    for (uint32_t id = 0; id < ctx->dag->n_nodes; id++) {
        nd_node *n = ctx->dag->nodes[id];
        dep[id] = n->op == OP_VAR ? want[n->u.var] : 0;
        for (uint32_t k = 0; k < n->nkids && !dep[id]; k++)
            dep[id] = dep[n->kid[k]->id];
    }
}

int expr_size(nd_ctx *ctx, nd_node *n)
{
    unsigned char *mark = xmalloc(ctx->dag->n_nodes);
    memset(mark, 0, ctx->dag->n_nodes);
    expr_reach(ctx, &n, 1, mark);
    int count = 0;
    for (uint32_t i = 0; i <= n->id; i++)
        count += mark[i];
    free(mark);
    return count;
}
