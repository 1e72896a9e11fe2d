/* eval.c: evaluation of the DAG in MPFR at a random instance. */
#include "eval.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "scope.h"
#include "shape.h"

/* ---- the generator ---- */

uint64_t rng_next(nd_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double rng_uniform(nd_rng *r, double lo, double hi)
{
    double u = (double)(rng_next(r) >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * u;
}

int rng_int(nd_rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint64_t)((int64_t)hi - lo + 1));   /* no int overflow */
}

/* ---- the environment ---- */

nd_evalenv *eval_new(nd_ctx *ctx, mpfr_prec_t prec)
{
    nd_evalenv *env = xmalloc(sizeof *env);
    memset(env, 0, sizeof *env);
    env->ctx = ctx;
    env->prec = prec;
    return env;
}

static void clear_values(nd_evalenv *env)
{
    for (uint32_t i = 0; i < env->cap; i++)
        mat_clear(&env->vals[i]);
    eval_forget(env);
}

static void clear_vars(nd_evalenv *env, int n)
{
    if (!env->vars)
        return;
    for (int i = 0; i < n; i++)
        mat_clear(&env->vars[i]);
}

void eval_free(nd_evalenv *env)
{
    if (!env)
        return;
    clear_values(env);
    clear_vars(env, env->nvars);
    free(env->vars);
    free(env->vals);
    free(env->have);
    free(env->dimval);
    free(env);
}

/* Room for every node and variable the ctx has now. */
static void ensure_capacity(nd_evalenv *env)
{
    nd_ctx *ctx = env->ctx;
    if (ctx->dag->n_nodes > env->cap) {
        uint32_t cap = ctx->dag->n_nodes + ctx->dag->n_nodes / 2 + 16;
        env->vals = xrealloc(env->vals, cap * sizeof *env->vals);
        env->have = xrealloc(env->have, cap);
        memset(env->vals + env->cap, 0, (cap - env->cap) * sizeof *env->vals);
        memset(env->have + env->cap, 0, cap - env->cap);
        env->cap = cap;
    }
}

long eval_dim(nd_evalenv *env, nd_dim d)
{
    nd_ctx *ctx = env->ctx;
    d = dim_find(ctx, d);
    if (ctx->dimtab->dims[d].value > 0)
        return ctx->dimtab->dims[d].value;
    /* a dimension made after the sizes were drawn (a free one of a candidate
     * answer, vector(1) with nothing to fix its size) has none: 2 */
    return d < env->n_dimval ? env->dimval[d] : 2;
}

/* Distinct random sizes from 2 up, so that a transposed or mismatched
 * answer cannot agree by accident. */
void eval_random_dims(nd_evalenv *env, nd_rng *rng)
{
    nd_ctx *ctx = env->ctx;
    clear_values(env);
    clear_vars(env, env->nvars);
    free(env->dimval);
    env->dimval = xmalloc((size_t)ctx->dimtab->n_dims * sizeof *env->dimval);
    env->n_dimval = ctx->dimtab->n_dims;
    int count = 0;
    for (int i = 0; i < ctx->dimtab->n_dims; i++)
        count += dim_find(ctx, i) == i && ctx->dimtab->dims[i].value == 0;
    int range = count > 6 ? count : 6;
    int *pool = xmalloc((size_t)range * sizeof *pool);
    for (int v = 0; v < range; v++)
        pool[v] = 2 + v;
    for (int v = range - 1; v > 0; v--) {
        int j = rng_int(rng, 0, v), t = pool[v];
        pool[v] = pool[j];
        pool[j] = t;
    }
    for (int i = 0, used = 0; i < ctx->dimtab->n_dims; i++) {
        int sym = dim_find(ctx, i) == i && ctx->dimtab->dims[i].value == 0;
        env->dimval[i] = sym ? pool[used++] : 0;
    }
    free(pool);
}

/* ---- the size limits ---- */

long eval_max_total(mpfr_prec_t prec)
{
    if (prec <= 256)
        return EVAL_MAX_TOTAL;
    return (long)((uint64_t)EVAL_MAX_TOTAL * 256 / (uint64_t)prec);
}

/* Sizes stay below 2^62 (a dimension above INT_MAX counts as INT_MAX + 1),
 * so that sums of a few of them cannot wrap. */
static uint64_t clamp_dim(long d)
{
    return d > INT_MAX ? (uint64_t)INT_MAX + 1 : (uint64_t)d;
}

/* rows x cols over the per-matrix limit (or over int, which nd_mat uses)? */
static int over_limit(long rows, long cols)
{
    return rows > INT_MAX || cols > INT_MAX
           || clamp_dim(rows) * clamp_dim(cols) > (uint64_t)EVAL_MAX_ENTRIES;
}

static uint64_t entries_of(nd_evalenv *env, nd_shape s, long *rows, long *cols)
{
    *rows = eval_dim(env, s.rows);
    *cols = eval_dim(env, s.cols);
    return clamp_dim(*rows) * clamp_dim(*cols);
}

/* Keeps the larger of two temporaries in (*r, *c). */
static void note_temp(long rows, long cols, long *r, long *c)
{
    if (clamp_dim(rows) * clamp_dim(cols) > clamp_dim(*r) * clamp_dim(*c)) {
        *r = rows;
        *c = cols;
    }
}

/* A product's chain is multiplied left to right from its first matrix
 * factor (eval_prod): x*y'*z builds the n x n matrix x*y'.  Returns the
 * most entries alive at once; the largest temporary goes to (*r, *c). */
static uint64_t prod_temporaries(nd_evalenv *env, const nd_node *n, long *r, long *c)
{
    uint32_t c0 = 0;
    while (c0 < n->nkids && expr_is_scalar(env->ctx, n->kid[c0]))
        c0++;
    if (c0 == n->nkids)
        return 0;
    long rows, cols;
    uint64_t acc = entries_of(env, n->kid[c0]->shape, &rows, &cols), peak = acc;
    note_temp(rows, cols, r, c);
    for (uint32_t j = c0 + 1; j < n->nkids && !over_limit(*r, *c); j++) {
        long kr, kc;
        entries_of(env, n->kid[j]->shape, &kr, &kc);
        uint64_t tmp = clamp_dim(rows) * clamp_dim(kc);
        note_temp(rows, kc, r, c);
        if (acc + tmp > peak)
            peak = acc + tmp;
        acc = tmp;
    }
    return peak;
}

/* The temporaries an op allocates while it evaluates (ops_*.c, mat.c):
 * the most entries alive at once; the largest one goes to (*r, *c). */
static uint64_t temporaries(nd_evalenv *env, const nd_node *n, long *r, long *c)
{
    long rows, cols;
    *r = *c = 0;
    switch (n->op) {
    case OP_PROD:
        return prod_temporaries(env, n, r, c);
    case OP_MPOW:       /* two n x n */
    case OP_INV: {      /* one n x 2n */
        uint64_t len = entries_of(env, n->shape, &rows, &cols);
        note_temp(rows, n->op == OP_INV ? 2 * cols : cols, r, c);
        return 2 * len;
    }
    case OP_DET:
    case OP_LOGDET:
    case OP_CROSSENTROPY: { /* a copy of the first argument */
        uint64_t len = entries_of(env, n->kid[0]->shape, &rows, &cols);
        note_temp(rows, cols, r, c);
        return len;
    }
    default:
        return 0;
    }
}

/* The first binding whose value uses n, for a message; NULL for a node of
 * a derivative or of an answer only.  Error path: one walk per binding. */
static const nd_binding *binding_using(nd_ctx *ctx, const nd_node *n)
{
    unsigned char *mark = xmalloc(ctx->dag->n_nodes);
    const nd_binding *found = NULL;
    for (int b = 0; b < ctx->scope->n_binds && !found; b++) {
        nd_node *v = ctx->scope->binds[b].node;
        if (!v || v->id < n->id)
            continue;
        memset(mark, 0, ctx->dag->n_nodes);
        expr_reach(ctx, &v, 1, mark);
        if (mark[n->id])
            found = &ctx->scope->binds[b];
    }
    free(mark);
    return found;
}

#define TOO_LARGE "too large to evaluate numerically"

/* n's value (or, with temp, a temporary of its evaluation) is rows x cols. */
static int node_too_large(nd_evalenv *env, const nd_node *n, int temp, long rows, long cols)
{
    nd_ctx *ctx = env->ctx;
    const nd_binding *b = binding_using(ctx, n);
    if (!b)
        diag_error(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "a %ld x %ld intermediate matrix is " TOO_LARGE
                  " (the limit is %ld entries per matrix)", rows, cols, EVAL_MAX_ENTRIES);
    else if (b->node == n && !temp)
        diag_error(ctx, b->loc, "%s is %ld x %ld: " TOO_LARGE
                  " (the limit is %ld entries per matrix)", b->name, rows, cols, EVAL_MAX_ENTRIES);
    else
        diag_error(ctx, b->loc, "evaluating %s needs a %ld x %ld matrix: " TOO_LARGE
                  " (the limit is %ld entries per matrix)", b->name, rows, cols, EVAL_MAX_ENTRIES);
    return EV_TOOBIG;
}

/* Over the total: located at the largest variable, the usual cause. */
static int total_too_large(nd_evalenv *env, uint64_t total)
{
    nd_ctx *ctx = env->ctx;
    int big = -1;
    uint64_t most = 0;
    long rows, cols;
    for (int i = 0; i < ctx->scope->n_vars; i++) {
        uint64_t len = entries_of(env, ctx->scope->vars[i].shape, &rows, &cols);
        if (big < 0 || len > most) {
            big = i;
            most = len;
        }
    }
    char what[128] = "";
    if (big >= 0) {
        entries_of(env, ctx->scope->vars[big].shape, &rows, &cols);
        snprintf(what, sizeof what, "%s is %ld x %ld: ", ctx->scope->vars[big].name, rows, cols);
    }
    nd_loc none = { 0, 0, 0, 0, NULL };
    diag_error(ctx, big >= 0 ? ctx->scope->vars[big].loc : none,
              "%sa random instance would hold %llu matrix entries in all (values, "
              "temporaries and copies), " TOO_LARGE " (the limit is %ld entries in all "
              "at %ld bits)", what, (unsigned long long)total, eval_max_total(env->prec),
              (long)env->prec);
    return EV_TOOBIG;
}

/* Every variable counts four times: its value, and the verifier's copy of
 * its gradient, a saved point and a direction (verify.c).  Every node the
 * roots need keeps its value; the largest temporary comes on top. */
int eval_check_size(nd_evalenv *env, nd_node *const *roots, int n)
{
    nd_ctx *ctx = env->ctx;
    uint64_t total = 0, temp = 0;
    long rows, cols;
    for (int i = 0; i < ctx->scope->n_vars; i++) {
        nd_var *v = &ctx->scope->vars[i];
        uint64_t len = entries_of(env, v->shape, &rows, &cols);
        if (over_limit(rows, cols)) {
            diag_error(ctx, v->loc, "%s is %ld x %ld: " TOO_LARGE
                      " (the limit is %ld entries per matrix)", v->name, rows, cols,
                      EVAL_MAX_ENTRIES);
            return EV_TOOBIG;
        }
        total += 4 * len;
    }
    unsigned char *mark = xmalloc(ctx->dag->n_nodes);
    memset(mark, 0, ctx->dag->n_nodes);
    expr_reach(ctx, roots, n, mark);
    int st = EV_OK;
    for (uint32_t id = 0; id < ctx->dag->n_nodes && st == EV_OK; id++) {
        if (!mark[id])
            continue;
        nd_node *node = ctx->dag->nodes[id];
        total += entries_of(env, node->shape, &rows, &cols);
        if (over_limit(rows, cols)) {
            st = node_too_large(env, node, 0, rows, cols);
            break;
        }
        uint64_t t = temporaries(env, node, &rows, &cols);
        if (over_limit(rows, cols))
            st = node_too_large(env, node, 1, rows, cols);
        if (t > temp)
            temp = t;
    }
    free(mark);
    if (st == EV_OK && total + temp > (uint64_t)eval_max_total(env->prec))
        st = total_too_large(env, total + temp);
    return st;
}

/* ---- random values that respect the declared type ---- */

static void fill_uniform(nd_mat *m, nd_rng *rng, double lo, double hi)
{
    size_t len = mat_len(m);
    for (size_t e = 0; e < len; e++)
        mpfr_set_d(m->a[e], rng_uniform(rng, lo, hi), MPFR_RNDN);
}

/* A mask: each entry 0 or 1, each as likely. */
static void make_mask(nd_mat *m, nd_rng *rng)
{
    size_t len = mat_len(m);
    for (size_t e = 0; e < len; e++)
        mpfr_set_ui(m->a[e], rng_uniform(rng, 0, 1) < 0.5 ? 0 : 1, MPFR_RNDN);
}

static void make_symmetric(nd_mat *m)
{
    for (int i = 0; i < m->rows; i++)
        for (int j = 0; j < i; j++) {
            mpfr_add(MAT(m, i, j), MAT(m, i, j), MAT(m, j, i), MPFR_RNDN);
            mpfr_div_ui(MAT(m, i, j), MAT(m, i, j), 2, MPFR_RNDN);
            mpfr_set(MAT(m, j, i), MAT(m, i, j), MPFR_RNDN);
        }
}

/* B*B' + I/2: symmetric positive definite and well conditioned. */
static void make_spd(nd_mat *m, mpfr_prec_t prec)
{
    nd_mat b, bt;
    mat_init(&b, m->rows, m->cols, prec);
    mat_init(&bt, m->rows, m->cols, prec);
    mat_copy(&b, m);
    for (int i = 0; i < m->rows; i++)
        for (int j = 0; j < m->cols; j++)
            mpfr_set(MAT(&bt, j, i), MAT(&b, i, j), MPFR_RNDN);
    mat_matmul(m, &b, &bt);
    for (int i = 0; i < m->rows; i++)
        mpfr_add_d(MAT(m, i, i), MAT(m, i, i), 0.5, MPFR_RNDN);
    mat_clear(&b);
    mat_clear(&bt);
}

/* Each column non-negative and summing to 1; one-hot when onehot. */
static void make_simplex(nd_mat *m, nd_rng *rng, int onehot)
{
    mpfr_t s;
    mpfr_init2(s, mpfr_get_prec(m->a[0]));
    for (int c = 0; c < m->cols; c++) {
        int hot = rng_int(rng, 0, m->rows - 1);
        mpfr_set_zero(s, 1);
        for (int r = 0; r < m->rows; r++) {
            if (onehot)
                mpfr_set_ui(MAT(m, r, c), r == hot, MPFR_RNDN);
            else
                mpfr_set_d(MAT(m, r, c), rng_uniform(rng, 0.05, 1.0), MPFR_RNDN);
            mpfr_add(s, s, MAT(m, r, c), MPFR_RNDN);
        }
        for (int r = 0; r < m->rows; r++)
            mpfr_div(MAT(m, r, c), MAT(m, r, c), s, MPFR_RNDN);
    }
    mpfr_clear(s);
}

void eval_random_vars(nd_evalenv *env, nd_rng *rng, int attempt)
{
    nd_ctx *ctx = env->ctx;
    ensure_capacity(env);
    clear_vars(env, env->nvars);
    eval_forget(env);
    env->vars = xrealloc(env->vars, ((size_t)ctx->scope->n_vars + 1) * sizeof *env->vars);
    memset(env->vars, 0, ((size_t)ctx->scope->n_vars + 1) * sizeof *env->vars);
    env->nvars = ctx->scope->n_vars;
    /* even attempts: values in [-s, s]; odd ones: positive; s shrinks, then
     * grows: norm(relu(u - 1)) has a gradient only where some u(i) > 1 */
    double scale = attempt < 8 ? 1.0 : attempt < 16 ? 0.5 : attempt < 24 ? 0.2
                 : attempt < 32 ? 2.0 : 5.0;
    double lo = attempt % 2 ? 0.1 * scale : -scale;
    for (int i = 0; i < ctx->scope->n_vars; i++) {
        nd_var *v = &ctx->scope->vars[i];
        nd_mat *m = &env->vars[i];
        mat_init(m, (int)eval_dim(env, v->shape.rows), (int)eval_dim(env, v->shape.cols),
                 env->prec);
        if (v->origin >= 0) {   /* a copy of an earlier variable: same value */
            mat_copy(m, &env->vars[v->origin]);
            continue;
        }
        fill_uniform(m, rng, lo, scale);
        if (v->assume == AS_SYMMETRIC)
            make_symmetric(m);
        else if (v->assume == AS_SPD)
            make_spd(m, env->prec);
        else if (v->assume == AS_SIMPLEX || v->assume == AS_ONEHOT)
            make_simplex(m, rng, v->assume == AS_ONEHOT);
        else if (v->assume == AS_MASK)
            make_mask(m, rng);
    }
}

void eval_forget(nd_evalenv *env)
{
    if (env->cap)
        memset(env->have, 0, env->cap);
}

void eval_forget_dep(nd_evalenv *env, const unsigned char *dep)
{
    for (uint32_t i = 0; i < env->cap && i < env->ctx->dag->n_nodes; i++)
        if (dep[i])
            env->have[i] = 0;
}

/* ---- evaluation ---- */

static int all_finite(const nd_mat *m)
{
    size_t len = mat_len(m);
    for (size_t e = 0; e < len; e++)
        if (!mpfr_number_p(m->a[e]))
            return 0;
    return 1;
}

/* A sum or an elementwise product whose operands' sizes are not its own,
 * or a product whose factors do not chain to its size, is a node built
 * wrong (every operand of one has its shape, broadcasts made explicit): no
 * point is evaluated through it, rather than reading past an operand. */
static int same_sizes(nd_ctx *ctx, const nd_node *n, const nd_mat *out, nd_mat *const *args)
{
    if (n->op == OP_PROD) {     /* scalars, then a chain that multiplies to out */
        uint32_t k = 0;
        for (; k < n->nkids && expr_is_scalar(ctx, n->kid[k]); k++)
            if (args[k]->rows != 1 || args[k]->cols != 1)
                return 0;
        if (k == n->nkids)
            return out->rows == 1 && out->cols == 1;
        if (args[k]->rows != out->rows || args[n->nkids - 1]->cols != out->cols)
            return 0;
        for (; k + 1 < n->nkids; k++)
            if (args[k]->cols != args[k + 1]->rows)
                return 0;
        return 1;
    }
    if (n->op != OP_ADD && n->op != OP_EMUL)
        return 1;
    for (uint32_t k = 0; k < n->nkids; k++)
        if (args[k]->rows != out->rows || args[k]->cols != out->cols)
            return 0;
    return 1;
}

static int eval_one(nd_evalenv *env, nd_node *n)
{
    nd_mat *out = &env->vals[n->id];
    int rows = (int)eval_dim(env, n->shape.rows), cols = (int)eval_dim(env, n->shape.cols);
    if (!out->a || out->rows != rows || out->cols != cols) {
        mat_clear(out);
        mat_init(out, rows, cols, env->prec);
    }
    nd_mat *argv[8], **args = n->nkids <= 8 ? argv : xmalloc(n->nkids * sizeof *args);
    for (uint32_t k = 0; k < n->nkids; k++)
        args[k] = &env->vals[n->kid[k]->id];
    mpfr_clear_overflow();
    int sized = same_sizes(env->ctx, n, out, args);
    int st = sized ? ops_table[n->op].eval(env, n, out, args) : EV_DOMAIN;
    if (!sized)
        env->misbuilt = n;
    if (args != argv)
        free(args);
    /* exp is defined everywhere, yet exp(exp(1e3)) has no MPFR value:
     * an infinity after an overflow is not a point outside the domain */
    if (st == EV_OK && !all_finite(out))
        st = mpfr_overflow_p() ? EV_OVERFLOW : EV_DOMAIN;
    if (st != EV_OK) {
        env->failed = n;
        if (st == EV_OVERFLOW)
            env->overflowed = n;
        else
            env->domain_failed = n;
    }
    return st;
}

int eval_node(nd_evalenv *env, nd_node *root)
{
    nd_ctx *ctx = env->ctx;
    ensure_capacity(env);
    if (env->have[root->id])
        return EV_OK;
    unsigned char *mark = xmalloc(root->id + 1);
    memset(mark, 0, root->id + 1);
    mark[root->id] = 1;
    for (uint32_t id = root->id + 1; id-- > 0;)
        if (mark[id] && !env->have[id])
            for (uint32_t k = 0; k < ctx->dag->nodes[id]->nkids; k++)
                mark[ctx->dag->nodes[id]->kid[k]->id] = 1;
    int st = EV_OK;
    for (uint32_t id = 0; id <= root->id && st == EV_OK; id++)
        if (mark[id] && !env->have[id]) {
            st = eval_one(env, ctx->dag->nodes[id]);
            env->have[id] = st == EV_OK;
        }
    free(mark);
    return st;
}

int eval_at_precision(nd_evalenv *env, nd_node *root, mpfr_prec_t prec, nd_mat *out)
{
    mpfr_prec_t saved = env->prec;
    clear_values(env);
    env->prec = prec;       /* every value and temporary is allocated anew */
    int st = eval_node(env, root);
    if (st == EV_OK)
        mat_copy(out, &env->vals[root->id]);
    clear_values(env);
    env->prec = saved;
    return st;
}
