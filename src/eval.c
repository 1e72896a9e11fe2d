/* eval.c: evaluation of the DAG in MPFR at a random instance. */
#include "eval.h"

#include <stdlib.h>
#include <string.h>

#include "ops.h"
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
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
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
    if (ctx->n_nodes > env->cap) {
        uint32_t cap = ctx->n_nodes + ctx->n_nodes / 2 + 16;
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
    if (ctx->dims[d].value > 0)
        return ctx->dims[d].value;
    return env->dimval[d];
}

/* Distinct random sizes from 2 up, so that a transposed or mismatched
 * answer cannot agree by accident. */
void eval_random_dims(nd_evalenv *env, nd_rng *rng)
{
    nd_ctx *ctx = env->ctx;
    clear_values(env);
    clear_vars(env, env->nvars);
    free(env->dimval);
    env->dimval = xmalloc((size_t)ctx->n_dims * sizeof *env->dimval);
    int count = 0;
    for (int i = 0; i < ctx->n_dims; i++)
        count += dim_find(ctx, i) == i && ctx->dims[i].value == 0;
    int range = count > 6 ? count : 6;
    int *pool = xmalloc((size_t)range * sizeof *pool);
    for (int v = 0; v < range; v++)
        pool[v] = 2 + v;
    for (int v = range - 1; v > 0; v--) {
        int j = rng_int(rng, 0, v), t = pool[v];
        pool[v] = pool[j];
        pool[j] = t;
    }
    for (int i = 0, used = 0; i < ctx->n_dims; i++) {
        int sym = dim_find(ctx, i) == i && ctx->dims[i].value == 0;
        env->dimval[i] = sym ? pool[used++] : 0;
    }
    free(pool);
}

/* ---- random values that respect the declared type ---- */

static void fill_uniform(nd_mat *m, nd_rng *rng, double lo, double hi)
{
    size_t len = mat_len(m);
    for (size_t e = 0; e < len; e++)
        mpfr_set_d(m->a[e], rng_uniform(rng, lo, hi), MPFR_RNDN);
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
    env->vars = xrealloc(env->vars, ((size_t)ctx->n_vars + 1) * sizeof *env->vars);
    memset(env->vars, 0, ((size_t)ctx->n_vars + 1) * sizeof *env->vars);
    env->nvars = ctx->n_vars;
    /* even attempts: values in [-s, s]; odd ones: positive; s shrinks */
    double scale = attempt < 8 ? 1.0 : attempt < 16 ? 0.5 : 0.2;
    double lo = attempt % 2 ? 0.1 * scale : -scale;
    for (int i = 0; i < ctx->n_vars; i++) {
        nd_var *v = &ctx->vars[i];
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
    }
}

void eval_forget(nd_evalenv *env)
{
    if (env->cap)
        memset(env->have, 0, env->cap);
}

void eval_forget_dep(nd_evalenv *env, const unsigned char *dep)
{
    for (uint32_t i = 0; i < env->cap && i < env->ctx->n_nodes; i++)
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
    int st = ops_table[n->op].eval(env, n, out, args);
    if (args != argv)
        free(args);
    if (st == EV_OK && !all_finite(out))
        st = EV_DOMAIN;
    if (st != EV_OK)
        env->failed = n;
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
            for (uint32_t k = 0; k < ctx->nodes[id]->nkids; k++)
                mark[ctx->nodes[id]->kid[k]->id] = 1;
    int st = EV_OK;
    for (uint32_t id = 0; id <= root->id && st == EV_OK; id++)
        if (mark[id] && !env->have[id]) {
            st = eval_one(env, ctx->nodes[id]);
            env->have[id] = st == EV_OK;
        }
    free(mark);
    return st;
}
