/* cg_plan.c: what the generated C computes, where, and when (see cg.h). */
#include "cg.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "mk.h"
#include "ops.h"
#include "shape.h"
#include "simplify.h"

#define DEFAULT_ESTIMATE 1000   /* the cost model's size of a symbolic dimension */
#define MAX_ESTIMATE 1000000000L    /* --dims: as large as a declared dimension may be */

cg_value *cg_val(cg_plan *p, const nd_node *n)
{
    return &p->val[n->id];
}

static int scalar(cg_plan *p, const nd_node *n)
{
    return shape_is_scalar(p->ctx, n->shape);
}

/* An inconsistency of the plan (a bug, not an input error): the first is
 * reported, and no C is written. */
static void plan_bug(cg_plan *p, const nd_node *n, const char *what)
{
    if (p->bug)
        return;
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "%s (node %u, operator %s, %s)", what, n->id, ops_table[n->op].name,
              shape_str(p->ctx, n->shape));
    p->bug = xstrdup(sb_str(&b));
    sb_free(&b);
}

/* ---- sizes for the cost model ---- */

static long estimate(cg_plan *p, nd_dim d)
{
    long v = dim_value(p->ctx, d);
    return v > 0 ? v : p->estimate[dim_find(p->ctx, d)];
}

/* --dims m=512,n=1024: sizes for the cost model. */
static int parse_dims(cg_plan *p, const char *spec)
{
    nd_ctx *ctx = p->ctx;
    for (int i = 0; i < ctx->n_dims; i++)
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
        if (errno == ERANGE || v > MAX_ESTIMATE) {
            ctx_error(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                      "--dims %.*s: a size must be at most %ld", (int)(comma - s), s,
                      MAX_ESTIMATE);
            return 2;
        }
        int found = 0;
        for (int i = 0; i < ctx->n_dims; i++)
            if (dim_find(ctx, i) == i && ctx->dims[i].name && !strcmp(ctx->dims[i].name, name)) {
                p->estimate[i] = v;
                found = 1;
            }
        if (!found) {
            ctx_error(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                      "--dims: the program has no dimension '%s'", name);
            return 2;
        }
        s = *comma ? comma + 1 : comma;
    }
    return 0;
bad:
    ctx_error(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
              "--dims takes NAME=SIZE pairs separated by commas, as in m=512,n=1024");
    return 2;
}

/* ---- normalization: each matrix chain associated by cost ---- */

typedef struct norm {
    cg_plan *p;
    nd_node **memo;
    uint32_t cap;
} norm;

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

static nd_node *normalize_prod(norm *N, nd_node *n, nd_node **k)
{
    cg_plan *p = N->p;
    int nk = (int)n->nkids, c0 = 0;
    while (c0 < nk && scalar(p, k[c0]))
        c0++;
    if (nk - c0 < 2 || (c0 == 0 && nk == 2))
        return expr_node(p->ctx, OP_PROD, n->shape, k, nk);
    nd_node *tree = order_chain(p, k + c0, nk - c0);
    if (!c0)
        return tree;
    k[c0] = tree;
    return expr_node(p->ctx, OP_PROD, n->shape, k, c0 + 1);
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
    nd_node *r;
    if (n->op == OP_PROD)
        r = normalize_prod(N, n, k);
    else if (n->op == OP_MPOW)
        r = expr_mpow(N->p->ctx, k[0], n->u.k);
    else
        r = expr_node(N->p->ctx, (enum nd_op)n->op, n->shape, k, (int)n->nkids);
    free(k);
    if (n->id < N->cap)
        N->memo[n->id] = r;
    return r;
}

static void normalize_roots(cg_plan *p)
{
    norm N = { p, NULL, p->ctx->n_nodes };
    N.memo = xmalloc(N.cap * sizeof *N.memo);
    memset(N.memo, 0, N.cap * sizeof *N.memo);
    p->objective = normalize(&N, p->objective);
    for (int g = 0; g < p->n_grads; g++)
        p->grads[g] = normalize(&N, p->grads[g]);
    free(N.memo);
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
    if (n->op != OP_VAR || n->u.var >= C->n_vars || ctx->vars[n->u.var].origin >= 0)
        return NULL;
    if (C->copy[n->u.var] < 0) {    /* made once per variable */
        nd_var *v = &ctx->vars[n->u.var];
        int t = ctx_add_var(ctx, v->name, v->loc, shape_transpose(v->shape), v->declared,
                            v->assume);
        ctx->vars[t].origin = n->u.var;
        C->copy[n->u.var] = t;
    }
    return mk_transpose(ctx, ctx->vars[C->copy[n->u.var]].node);
}

/* A column-major m x n array is the row-major array of the n x m transpose:
 * the variables become transposes of row-major ones, and each gradient is
 * stored as its transpose. */
static void to_colmajor(cg_plan *p)
{
    int n = p->n_grads + 1;
    nd_node **roots = xmalloc((size_t)n * sizeof *roots);
    roots[0] = p->objective;
    for (int g = 0; g < p->n_grads; g++)
        roots[g + 1] = p->grads[g];
    colmajor C = { p, xmalloc(((size_t)p->ctx->n_vars + 1) * sizeof *C.copy), p->ctx->n_vars };
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

/* ---- uses and masks ---- */

static void count_uses(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    p->n_val = ctx->n_nodes;
    p->val = xmalloc(p->n_val * sizeof *p->val);
    memset(p->val, 0, p->n_val * sizeof *p->val);
    for (uint32_t id = 0; id < p->n_val; id++) {
        p->val[id].read_group = -1;
        p->val[id].reads_at_row = 1;
        p->val[id].producer = -1;
    }
    p->val[p->objective->id].mask = cg_mask_bit(p, 0);
    p->val[p->objective->id].uses++;
    for (int g = 0; g < p->n_grads; g++) {
        cg_value *v = &p->val[p->grads[g]->id];
        v->mask = cg_mask_union(p, v->mask, cg_mask_bit(p, g + 1));
        v->uses++;
    }
    for (uint32_t id = p->n_val; id-- > 0;) {
        if (!p->val[id].mask)
            continue;
        nd_node *n = ctx->nodes[id];
        for (uint32_t k = 0; k < n->nkids; k++) {
            cg_value *kid = &p->val[n->kid[k]->id];
            kid->mask = cg_mask_union(p, kid->mask, p->val[id].mask);
            kid->uses++;
        }
    }
}

/* ---- value kinds ---- */

static int is_outer(cg_plan *p, const nd_node *n)
{
    return n->op == OP_PROD && n->nkids == 2 && !scalar(p, n->kid[0]) &&
           dim_is_one(p->ctx, n->kid[0]->shape.cols);
}

static int is_dot(cg_plan *p, const nd_node *n)
{
    return n->op == OP_PROD && n->nkids == 2 && !scalar(p, n->kid[0]) && scalar(p, n);
}

/* A product of matrices that is not an outer product or a dot product. */
static int is_product(cg_plan *p, const nd_node *n)
{
    return n->op == OP_PROD && n->nkids == 2 && !scalar(p, n->kid[0]) && !scalar(p, n) &&
           !is_outer(p, n);
}

/* Computed by a helper function of the generated file (its row's call). */
static int is_helper(const nd_node *n)
{
    return ops_table[n->op].c_form == CGF_HELPER;
}

/* The operand itself at other indices (ops.def's cg column). */
static int is_view(const nd_node *n)
{
    enum cg_form f = ops_table[n->op].c_form;
    return f == CGF_TRANSPOSE || f == CGF_BCAST || f == CGF_DIAGM || f == CGF_DIAGV;
}

/* Cheap to read anywhere: a variable, a number, something materialized
 * anyway, or a view of one of those. */
static int trivial(cg_plan *p, const nd_node *n)
{
    if (!n->nkids || is_product(p, n) || is_helper(n))
        return 1;
    return is_view(n) && trivial(p, n->kid[0]);
}

/* A number, a dimension's value or eye: an expression where it is read. */
static int inline_leaf(const nd_node *n)
{
    enum cg_form f = ops_table[n->op].c_form;
    return f == CGF_CONST || f == CGF_DIM || f == CGF_EYE;
}

static void classify(cg_plan *p, nd_node *n)
{
    cg_value *v = cg_val(p, n);
    if (n->op == OP_VAR) {
        v->kind = V_INPUT;
        int origin = p->ctx->vars[n->u.var].origin;
        v->index = origin >= 0 ? origin : n->u.var;
    } else if (inline_leaf(n) && !v->needs_buffer) {
        v->kind = V_INLINE;
    } else if (scalar(p, n)) {  /* whatever it was built as: a 1 x 1 is a number */
        v->kind = V_SCALAR;
    } else if (is_product(p, n) || is_helper(n) || v->needs_buffer ||
               (v->uses > 1 && !trivial(p, n))) {
        v->kind = V_BUFFER;
    } else {
        v->kind = V_INLINE;
    }
}

/* A product reads X' through X: the array it wants is X's; with --blas it
 * wants one even for a cheap expression. */
static void want_array(cg_plan *p, nd_node *x)
{
    if (x->op == OP_TRANSPOSE)
        x = x->kid[0];
    if (x->op != OP_VAR && (p->opt->blas || !trivial(p, x)))
        cg_val(p, x)->needs_buffer = 1;
}

/* What n needs of its children: a helper reads plain arrays (a scalar
 * operand, by its address: a local, not an inline expression), a product
 * reads its vector operand (and both operands of a matrix product) many
 * times. */
static void require(cg_plan *p, nd_node *n)
{
    nd_ctx *ctx = p->ctx;
    if (is_helper(n)) {
        for (uint32_t k = 0; k < n->nkids; k++)
            if (n->kid[k]->op != OP_VAR)
                cg_val(p, n->kid[k])->needs_buffer = 1;
        return;
    }
    if (!is_product(p, n))
        return;
    nd_node *a = n->kid[0], *b = n->kid[1];
    int mv = dim_is_one(ctx, n->shape.cols) || dim_is_one(ctx, n->shape.rows);
    if (!mv || p->opt->blas || dim_is_one(ctx, b->shape.cols))
        want_array(p, b);
    if (!mv || p->opt->blas || dim_is_one(ctx, a->shape.rows))
        want_array(p, a);
}

static void classify_all(cg_plan *p)
{
    for (uint32_t id = p->n_val; id-- > 0;)
        if (p->val[id].mask) {
            classify(p, p->ctx->nodes[id]);
            require(p, p->ctx->nodes[id]);
        }
    int ns = 0;
    for (uint32_t id = 0; id < p->n_val; id++)
        if (p->val[id].mask && p->val[id].kind == V_SCALAR)
            p->val[id].index = ns++;
    p->n_scalars = ns;
}

/* ---- instructions ---- */

static int new_buffer(cg_plan *p, nd_shape shape, int grad)
{
    p->buf = ctx_grow(p->buf, &p->cap_buf, p->n_buf + 1, sizeof *p->buf);
    cg_buffer *b = &p->buf[p->n_buf];
    b->shape = shape;
    b->first = b->last = -1;
    b->slot = -1;
    b->grad = grad;
    return p->n_buf++;
}

static cg_ins *add_ins(cg_plan *p, enum ins_kind kind, nd_node *n, cg_mask mask)
{
    p->ins = ctx_grow(p->ins, &p->cap_ins, p->n_ins + 1, sizeof *p->ins);
    cg_ins *in = &p->ins[p->n_ins++];
    memset(in, 0, sizeof *in);
    in->kind = kind;
    in->node = n;
    in->mask = mask;
    in->out = -1;
    in->scratch = -1;
    if (cg_val(p, n)->producer < 0)     /* output stores come after it */
        cg_val(p, n)->producer = p->n_ins - 1;
    return in;
}

/* y = L*R as a row loop over a row-major matrix: y = M*v (a dot product
 * per row) or y = M'*v (rows of M added up). */
static void product_ins(cg_plan *p, nd_node *n, cg_mask mask)
{
    nd_ctx *ctx = p->ctx;
    nd_node *l = n->kid[0], *r = n->kid[1];
    cg_ins *in;
    if (dim_is_one(ctx, n->shape.cols)) {           /* a column: L*r */
        if (l->op == OP_TRANSPOSE) {
            in = add_ins(p, I_MVT, n, mask);
            in->a = l->kid[0];
        } else {
            in = add_ins(p, I_MV, n, mask);
            in->a = l;
        }
        in->b = r;
    } else if (dim_is_one(ctx, n->shape.rows)) {    /* a row: l'*R = (R'*l)' */
        if (r->op == OP_TRANSPOSE) {
            in = add_ins(p, I_MV, n, mask);
            in->a = r->kid[0];
        } else {
            in = add_ins(p, I_MVT, n, mask);
            in->a = r;
        }
        in->b = l;
    } else {
        in = add_ins(p, I_MM, n, mask);
        in->a = l;
        in->b = r->op == OP_TRANSPOSE ? r->kid[0] : r;
        in->b_transposed = r->op == OP_TRANSPOSE;
    }
}

/* A scratch array of the operand's shape, when the call's template has $s. */
static int helper_scratch(cg_plan *p, const nd_node *n)
{
    if (strstr(ops_table[n->op].c_call, "$s"))
        return new_buffer(p, n->kid[0]->shape, -1);
    return -1;
}

static void value_ins(cg_plan *p, nd_node *n)
{
    cg_value *v = cg_val(p, n);
    if (v->kind == V_SCALAR) {
        if (is_helper(n)) {
            add_ins(p, I_CALL, n, v->mask)->scratch = helper_scratch(p, n);
        } else if (is_dot(p, n) || ops_table[n->op].cls == OPC_REDUCE) {
            add_ins(p, I_REDUCE, n, v->mask);
        } else {
            add_ins(p, I_SCALAR, n, v->mask);
        }
        return;
    }
    v->index = new_buffer(p, n->shape, -1);
    if (is_product(p, n))
        product_ins(p, n, v->mask);
    else if (is_helper(n))
        add_ins(p, I_CALL, n, v->mask)->scratch = helper_scratch(p, n);
    else
        add_ins(p, I_ELEM, n, v->mask);
}

/* Each gradient: its buffer when nothing else reads it, else a store. */
static void output_ins(cg_plan *p, int g)
{
    nd_node *n = p->grads[g];
    cg_value *v = cg_val(p, n);
    cg_mask bit = cg_mask_bit(p, g + 1);
    if (v->kind == V_BUFFER && v->uses == 1 && p->buf[v->index].grad < 0) {
        p->buf[v->index].grad = g;
        return;
    }
    add_ins(p, I_ELEM, n, bit)->out = g;
}

static void build_instructions(cg_plan *p)
{
    for (uint32_t id = 0; id < p->n_val; id++) {
        cg_value *v = &p->val[id];
        if (v->mask && (v->kind == V_SCALAR || v->kind == V_BUFFER))
            value_ins(p, p->ctx->nodes[id]);
    }
    for (int g = 0; g < p->n_grads; g++)
        output_ins(p, g);
}

/* ---- fusion of row loops ---- */

int cg_is_row_loop(const cg_ins *in)
{
    return in->kind == I_ELEM || in->kind == I_MV || in->kind == I_MVT || in->kind == I_MM ||
           in->kind == I_REDUCE;
}

/* The number of rows a row loop runs over. */
static nd_dim loop_rows(cg_plan *p, const cg_ins *in)
{
    if (in->kind == I_MV || in->kind == I_MVT)
        return in->a->shape.rows;
    if (in->kind == I_MM)
        return in->a->shape.rows;
    if (in->kind == I_REDUCE) {
        nd_node *n = in->node;
        if (is_dot(p, n))
            return n->kid[0]->shape.cols;
        return n->kid[0]->shape.rows;
    }
    return in->node->shape.rows;
}

/* Reads of materialized values, with whether the read is at row i. */
typedef struct reads {
    nd_node **node;
    char *at_row;
    int n, cap;
} reads;

static void note_read(reads *r, nd_node *n, int at_row)
{
    r->node = ctx_grow(r->node, &r->cap, r->n + 1, sizeof *r->node);
    r->at_row = xrealloc(r->at_row, (size_t)r->cap);
    r->node[r->n] = n;
    r->at_row[r->n++] = (char)at_row;
}

static void expand_reads(cg_plan *p, nd_node *n, char ri, char ci, reads *r);

/* Index roles: 'i' the loop's row, 'j', 'k' others, '0' a constant. */
static void walk(cg_plan *p, nd_node *n, char ri, char ci, reads *r)
{
    if (cg_val(p, n)->kind != V_INLINE)
        note_read(r, n, ri == 'i');
    else
        expand_reads(p, n, ri, ci, r);
}

/* The reads of n's own expression (n inline, or the node an I_ELEM computes). */
static void expand_reads(cg_plan *p, nd_node *n, char ri, char ci, reads *r)
{
    nd_ctx *ctx = p->ctx;
    switch (ops_table[n->op].c_form) {
    case CGF_TRANSPOSE:
        walk(p, n->kid[0], ci, ri, r);
        return;
    case CGF_BCAST: {
        nd_node *x = n->kid[0];
        walk(p, x, dim_is_one(ctx, x->shape.rows) ? '0' : ri,
             dim_is_one(ctx, x->shape.cols) ? '0' : ci, r);
        return;
    }
    case CGF_DIAGM:
        walk(p, n->kid[0], ri, '0', r);
        return;
    case CGF_DIAGV:
        walk(p, n->kid[0], ri, ri, r);
        return;
    case CGF_PROD:
        if (is_outer(p, n)) {
            walk(p, n->kid[0], ri, '0', r);
            walk(p, n->kid[1], '0', ci, r);
            return;
        }
        break;
    default:
        break;
    }
    for (uint32_t k = 0; k < n->nkids; k++)
        walk(p, n->kid[k], scalar(p, n->kid[k]) ? '0' : ri, scalar(p, n->kid[k]) ? '0' : ci, r);
}

/* A vector operand at index role c: a column is read at (c, 0), a row at (0, c). */
static void walk_vector(cg_plan *p, nd_node *v, char c, reads *r)
{
    if (dim_is_one(p->ctx, v->shape.rows))
        walk(p, v, '0', c, r);
    else
        walk(p, v, c, '0', r);
}

static void ins_reads(cg_plan *p, const cg_ins *in, reads *r)
{
    nd_node *n = in->node;
    switch (in->kind) {
    case I_ELEM:
        if (in->out < 0)
            expand_reads(p, n, 'i', 'j', r);
        else
            walk(p, n, 'i', 'j', r);
        break;
    case I_MV:
        walk(p, in->a, 'i', 'k', r);
        walk_vector(p, in->b, 'k', r);
        break;
    case I_MVT:
        walk(p, in->a, 'i', 'j', r);
        walk_vector(p, in->b, 'i', r);
        break;
    case I_MM:
        walk(p, in->a, 'i', 'k', r);
        if (in->b_transposed)
            walk(p, in->b, 'j', 'k', r);
        else
            walk(p, in->b, 'k', 'j', r);
        break;
    case I_REDUCE:
        if (is_dot(p, n)) {
            walk_vector(p, n->kid[0], 'i', r);
            walk_vector(p, n->kid[1], 'i', r);
        } else {
            walk(p, n->kid[0], 'i', ops_table[n->op].c_term == CGT_DIAGONAL ? 'i' : 'j', r);
        }
        break;
    case I_SCALAR:
        expand_reads(p, n, '0', '0', r);
        break;
    default:    /* helpers read their operands whole */
        for (uint32_t k = 0; k < n->nkids; k++)
            walk(p, n->kid[k], 'k', 'k', r);
    }
}

/* The instruction that produces a materialized node, if before `upto`. */
static int producer(cg_plan *p, const nd_node *n, int upto)
{
    int w = cg_val(p, n)->producer;
    return w < upto && p->ins[w >= 0 ? w : 0].out < 0 ? w : -1;
}

static int writes_rows(const cg_ins *in)
{
    return in->kind == I_ELEM || in->kind == I_MV || in->kind == I_MM;
}

/* Can instruction x join the group that starts at instruction first? */
static int fusable(cg_plan *p, int first, int x, reads *r)
{
    cg_ins *in = &p->ins[x];
    if (!cg_is_row_loop(in) || !cg_is_row_loop(&p->ins[first]) ||
        !dim_same(p->ctx, loop_rows(p, in), loop_rows(p, &p->ins[first])))
        return 0;
    for (int k = 0; k < r->n; k++) {
        int w = producer(p, r->node[k], x);
        if (w >= first && (!r->at_row[k] || !writes_rows(&p->ins[w])))
            return 0;   /* needs the whole of something this loop writes */
    }
    return 1;
}

static void fuse(cg_plan *p)
{
    int group = -1, first = 0;
    for (int x = 0; x < p->n_ins; x++) {
        reads r = { 0 };
        ins_reads(p, &p->ins[x], &r);
        if (group < 0 || p->opt->blas || !fusable(p, first, x, &r)) {
            group++;
            first = x;
        }
        p->ins[x].group = group;
        p->ins[x].rows = cg_is_row_loop(&p->ins[x]) ? loop_rows(p, &p->ins[x]) : DIM_ONE;
        for (int k = 0; k < r.n; k++) {     /* the buffers' last reads */
            cg_value *v = cg_val(p, r.node[k]);
            if ((v->kind == V_BUFFER || v->kind == V_SCALAR) && (v->producer < 0 || v->producer >= x))
                plan_bug(p, r.node[k], "a value is read before it is computed");
            if (v->kind != V_BUFFER)
                continue;
            p->buf[v->index].last = group;
            v->read_group = v->read_group == -1 || v->read_group == group ? group : -2;
            v->reads_at_row &= r.at_row[k];
        }
        free(r.node);
        free(r.at_row);
    }
    p->n_groups = group + 1;
}

/* ---- workspace ---- */

/* A column that one fused loop makes row by row (y[i] = W[i,:]*r) and
 * only that loop reads, at row i, needs no array: a local double. */
static void row_locals(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    for (int x = 0; x < p->n_ins; x++) {
        cg_ins *in = &p->ins[x];
        cg_value *v = cg_val(p, in->node);
        if (in->out >= 0 || v->kind != V_BUFFER || p->buf[v->index].grad >= 0 ||
            (in->kind != I_MV && in->kind != I_ELEM) || !dim_is_one(ctx, in->node->shape.cols) ||
            dim_is_one(ctx, in->node->shape.rows))
            continue;
        if (v->read_group == in->group && v->reads_at_row) {
            v->row_local = 1;
            p->buf[v->index].first = -2;    /* no slot */
        }
    }
}

static void lifetimes(cg_plan *p)
{
    for (int x = 0; x < p->n_ins; x++) {
        cg_ins *in = &p->ins[x];
        cg_value *v = cg_val(p, in->node);
        if (in->out < 0 && v->kind == V_BUFFER && !v->row_local) {
            cg_buffer *b = &p->buf[v->index];
            if (b->first < 0)
                b->first = in->group;
            if (b->last < b->first)
                b->last = b->first;
        }
        if (in->scratch >= 0)
            p->buf[in->scratch].first = p->buf[in->scratch].last = in->group;
    }
}

/* The slots' last groups in a tree of minima (leaves from index cap),
 * so that the first slot free before a group is found in O(log n). */
typedef struct slot_tree {
    int *min;
    int cap;
} slot_tree;

static void tree_set(slot_tree *t, int slot, int last)
{
    int i = t->cap + slot;
    t->min[i] = last;
    for (i /= 2; i >= 1; i /= 2)
        t->min[i] = t->min[2 * i] < t->min[2 * i + 1] ? t->min[2 * i] : t->min[2 * i + 1];
}

static void tree_grow(slot_tree *t)
{
    int cap = t->cap ? 2 * t->cap : 16;
    int *min = xmalloc(2 * (size_t)cap * sizeof *min);
    for (int i = 0; i < 2 * cap; i++)
        min[i] = INT_MAX;
    slot_tree big = { min, cap };
    for (int s = 0; s < t->cap; s++)
        if (t->min[t->cap + s] != INT_MAX)
            tree_set(&big, s, t->min[t->cap + s]);
    free(t->min);
    *t = big;
}

/* The first slot whose last group is before `first`, or -1. */
static int tree_first_free(const slot_tree *t, int first)
{
    if (!t->cap || t->min[1] >= first)
        return -1;
    int i = 1;
    while (i < t->cap)
        i = t->min[2 * i] < first ? 2 * i : 2 * i + 1;
    return i - t->cap;
}

/* Buffers whose lives do not overlap share a slot (sized for the
 * largest): each takes the first slot free by its first group. */
static void assign_slots(cg_plan *p)
{
    slot_tree t = { NULL, 0 };
    p->n_slots = 0;
    for (int b = 0; b < p->n_buf; b++) {
        cg_buffer *B = &p->buf[b];
        if (B->grad >= 0 || B->first < 0)     /* outputs and row locals */
            continue;
        int s = tree_first_free(&t, B->first);
        if (s < 0) {
            if (p->n_slots == t.cap)
                tree_grow(&t);
            s = p->n_slots++;
        }
        tree_set(&t, s, B->last);
        B->slot = s;
    }
    free(t.min);
}

/* ---- sizes the code can know ---- */

static int free_dim(cg_plan *p, const unsigned char *known, nd_dim d)
{
    return dim_value(p->ctx, d) <= 0 && !known[dim_find(p->ctx, d)];
}

/* Every size the needed values have must be one of the ABI's dimensions:
 * sum(vector(2)) alone leaves the vector's size free, and the generated
 * code has no way to know it. */
static int sizes_known(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    unsigned char *known = xmalloc((size_t)ctx->n_dims + 1);
    memset(known, 0, (size_t)ctx->n_dims + 1);
    for (int d = 0; d < p->n_dims; d++)
        known[dim_find(ctx, p->dims[d])] = 1;
    nd_dim bad = -1;
    for (uint32_t id = 0; id < p->n_val && bad < 0; id++) {
        nd_node *n = ctx->nodes[id];
        if (!p->val[id].mask)
            continue;
        if (free_dim(p, known, n->shape.rows))
            bad = n->shape.rows;
        else if (free_dim(p, known, n->shape.cols))
            bad = n->shape.cols;
        else if ((n->op == OP_DIMVAL || n->op == OP_EYE) && free_dim(p, known, n->u.dim))
            bad = n->u.dim;
    }
    free(known);
    if (bad < 0)
        return 0;
    ctx_error(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
              "--c: the size %s (of a vector(...) or matrix(...) that nothing else fixes) is "
              "no variable's dimension, so the generated code could not know it",
              dim_name(ctx, bad));
    return 2;
}

/* ---- the whole ---- */

static void roots(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    const nd_prog *prog = p->prog;
    p->objective = ctx->binds[prog->objective].node;
    p->n_grads = prog->n_wrt;
    p->grads = xmalloc(((size_t)p->n_grads + 1) * sizeof *p->grads);
    derive_gradients(ctx, p->objective, prog->wrt, prog->n_wrt, p->grads);
}

/* Operators whose row has no C form (NOCODE, not an input: README,
 * Limits): an error that names them, not wrong code. */
static int without_c(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    unsigned char *mark = xmalloc((size_t)ctx->n_nodes + 1);
    memset(mark, 0, (size_t)ctx->n_nodes + 1);
    expr_reach(ctx, p->grads, p->n_grads, mark);
    expr_reach(ctx, &p->objective, 1, mark);
    const char *what = NULL;
    for (uint32_t id = 0; id < ctx->n_nodes && !what; id++) {
        int op = mark[id] ? ctx->nodes[id]->op : -1;
        if (op >= 0 && ops_table[op].c_form == CGF_NONE && ops_table[op].cls != OPC_LEAF)
            what = ops_table[op].name;
    }
    free(mark);
    if (what)
        ctx_error(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "--c: '%s' has no C form yet", what);
    return what != NULL;
}

int cg_plan_build(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const cg_options *opt)
{
    memset(p, 0, sizeof *p);
    p->ctx = ctx;
    p->prog = prog;
    p->opt = opt;
    p->estimate = xmalloc(((size_t)ctx->n_dims + 1) * sizeof *p->estimate);
    if (cg_check_prefix(ctx, opt->name) || parse_dims(p, opt->dims))
        return 2;
    p->dims = xmalloc(((size_t)ctx->n_dims + 1) * sizeof *p->dims);
    p->n_dims = dim_abi_order(ctx, p->dims, ctx->n_dims);
    roots(p);
    if (without_c(p))
        return 2;
    if (opt->colmajor)
        to_colmajor(p);
    normalize_roots(p);
    count_uses(p);
    if (sizes_known(p))
        return 2;
    classify_all(p);
    build_instructions(p);
    fuse(p);
    row_locals(p);
    lifetimes(p);
    assign_slots(p);
    if (p->bug) {
        ctx_error(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "internal error in the C generator: %s (please report)", p->bug);
        return 2;
    }
    return 0;
}

void cg_plan_free(cg_plan *p)
{
    free(p->estimate);
    free(p->dims);
    free(p->grads);
    free(p->val);
    free(p->ins);
    free(p->buf);
    free(p->bug);
    cg_mask_free(p);
}
