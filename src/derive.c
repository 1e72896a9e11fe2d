/* derive.c: reverse-mode accumulation over the DAG. */
#include "derive.h"

#include <stdlib.h>
#include <string.h>

#include "mk.h"
#include "ops.h"

typedef struct contribs {
    nd_node **v;
    int n, cap;
} contribs;

static void push(contribs *c, nd_node *x)
{
    c->v = ctx_grow(c->v, &c->cap, c->n + 1, sizeof *c->v);
    c->v[c->n++] = x;
}

/* Hands each child that varies its share of n's adjoint g. */
static void propagate(nd_ctx *ctx, nd_node *n, nd_node *g, const unsigned char *dep,
                      const derive_hooks *hooks, contribs *acc)
{
    const nd_opinfo *o = &ops_table[n->op];
    for (uint32_t i = 0; i < n->nkids; i++) {
        nd_node *k = n->kid[i];
        if (!dep[k->id] || !o->adjoint)
            continue;
        nd_node *c = hooks && hooks->rule ? hooks->rule(hooks->user, n, (int)i, g) : NULL;
        if (!c)
            c = o->adjoint(ctx, n, (int)i, g);
        if (c && !mk_is_zero(c))
            push(&acc[k->id], c);
    }
}

nd_node **derive_adjoints(nd_ctx *ctx, nd_node *root, nd_node *seed,
                          const unsigned char *want, const derive_hooks *hooks)
{
    uint32_t total = ctx->n_nodes;
    unsigned char *dep = xmalloc(total), *reach = xmalloc(total);
    memset(reach, 0, total);
    expr_depends(ctx, want, dep);
    expr_reach(ctx, &root, 1, reach);
    contribs *acc = xmalloc(total * sizeof *acc);
    memset(acc, 0, total * sizeof *acc);
    nd_node **adj = xmalloc(total * sizeof *adj);
    memset(adj, 0, total * sizeof *adj);
    push(&acc[root->id], seed);
    for (uint32_t id = root->id + 1; id-- > 0;) {
        if (!reach[id] || !dep[id] || acc[id].n == 0)
            continue;
        nd_node *n = ctx->nodes[id];
        nd_node *g = acc[id].n == 1 ? acc[id].v[0] : mk_add(ctx, acc[id].v, acc[id].n);
        if (hooks && hooks->named && (n->flags & NF_NAMED) && n != root)
            g = hooks->named(hooks->user, n, g);
        adj[id] = g;
        propagate(ctx, n, g, dep, hooks, acc);
    }
    for (uint32_t id = 0; id < total; id++)
        free(acc[id].v);
    free(acc);
    free(dep);
    free(reach);
    return adj;
}

void derive_gradients(nd_ctx *ctx, nd_node *f, const int *vars, int n, nd_node **out)
{
    unsigned char *want = xmalloc((size_t)ctx->n_vars + 1);
    memset(want, 0, (size_t)ctx->n_vars + 1);
    for (int i = 0; i < n; i++)
        want[vars[i]] = 1;
    nd_node **adj = derive_adjoints(ctx, f, mk_int(ctx, 1), want, NULL);
    for (int i = 0; i < n; i++) {
        nd_var *v = &ctx->vars[vars[i]];
        nd_node *g = adj[v->node->id];
        out[i] = g ? g : mk_zero(ctx, v->shape);
    }
    free(adj);
    free(want);
}
