/* derive.c: reverse-mode accumulation over the DAG. */
#include "derive.h"

#include <stdlib.h>
#include <string.h>

#include "mk.h"
#include "ops.h"
#include "scope.h"

typedef struct contribs {
    nd_nodelist l;
    mk_open *open;      /* the one contribution, kept open (see chain_open) */
} contribs;

static void push(contribs *c, nd_node *x)
{
    nodelist_push(&c->l, x);
}

/* ---- chains of elementwise functions ----
 * Through f(x) the adjoint g becomes g .* f'(x).  Down a chain of such
 * layers each partial product would be a node of all the factors so far,
 * quadratic in the depth, and only the last one is used: when x has no
 * other parent and is itself such a layer, its adjoint is kept open (see
 * mk.h) and never made; the next layer either extends it or makes of it
 * and its own factor what mk_emul would, at the same point.  Only the
 * partial products are left out, so every other node is made in the same
 * order as before. */
typedef struct chains {
    const unsigned char *reach, *dep;
    unsigned char *parents;     /* by id: uses by varying parents, up to 2 */
} chains;

static int elementwise(const nd_node *n)
{
    const nd_opinfo *o = &ops_table[n->op];
    return o->cls == OPC_ELEM && o->deriv && n->nkids == 1;
}

/* May the contribution to k stay open?  k's only one, and k passes it on. */
static int chain_open(const chains *c, const nd_node *k)
{
    return c && c->parents[k->id] == 1 && elementwise(k) && c->dep[k->kid[0]->id];
}

static void count_parents(nd_ctx *ctx, nd_node *root, chains *c)
{
    c->parents = xmalloc(ctx->dag->n_nodes);
    memset(c->parents, 0, ctx->dag->n_nodes);
    for (uint32_t id = 0; id <= root->id; id++) {
        nd_node *n = ctx->dag->nodes[id];
        if (!c->reach[id] || !c->dep[id])
            continue;
        for (uint32_t i = 0; i < n->nkids; i++)
            if (c->dep[n->kid[i]->id] && c->parents[n->kid[i]->id] < 2)
                c->parents[n->kid[i]->id]++;
    }
}

static void push_contrib(contribs *acc, nd_node *k, nd_node *c)
{
    if (c && !mk_is_zero(c))
        push(&acc[k->id], c);
}

/* n's adjoint is open: n's share for its child, open if it may stay so. */
static void pass_open(nd_ctx *ctx, const chains *ch, nd_node *n, contribs *acc)
{
    nd_node *k = n->kid[0], *d = ops_table[n->op].deriv(ctx, k, n);
    mk_open *o = acc[n->id].open;
    acc[n->id].open = NULL;
    if (chain_open(ch, k) && mk_emul_extend(ctx, o, d))
        acc[k->id].open = o;
    else
        push_contrib(acc, k, mk_emul_finish(ctx, o, d));
}

/* Hands each child that varies its share of n's adjoint g. */
static void propagate(nd_ctx *ctx, nd_node *n, nd_node *g, const unsigned char *dep,
                      const derive_hooks *hooks, const chains *ch, contribs *acc)
{
    const nd_opinfo *o = &ops_table[n->op];
    for (uint32_t i = 0; i < n->nkids; i++) {
        nd_node *k = n->kid[i];
        if (!dep[k->id] || !o->adjoint)
            continue;
        nd_node *c = hooks && hooks->rule ? hooks->rule(hooks->user, n, (int)i, g) : NULL;
        if (c) {
            push_contrib(acc, k, c);
            continue;
        }
        if (elementwise(n) && chain_open(ch, k)) {     /* adj_elem, perhaps open */
            nd_node *d = o->deriv(ctx, k, n);
            if (!(acc[k->id].open = mk_emul_open(ctx, g, d)))
                push_contrib(acc, k, mk_emul(ctx, g, d));
            continue;
        }
        push_contrib(acc, k, o->adjoint(ctx, n, (int)i, g));
    }
}

/* derive_adjoints; with open_chains (and no hooks, which want every named
 * adjoint), the adjoints inside chains are not made: their entries stay
 * NULL. */
static nd_node **adjoints(nd_ctx *ctx, nd_node *root, nd_node *seed, const unsigned char *want,
                          const derive_hooks *hooks, int open_chains)
{
    uint32_t total = ctx->dag->n_nodes;
    unsigned char *dep = xmalloc(total), *reach = xmalloc(total);
    memset(reach, 0, total);
    expr_depends(ctx, want, dep);
    expr_reach(ctx, &root, 1, reach);
    chains chain = { reach, dep, NULL }, *ch = open_chains && !hooks ? &chain : NULL;
    if (ch)
        count_parents(ctx, root, ch);
    contribs *acc = xmalloc(total * sizeof *acc);
    memset(acc, 0, total * sizeof *acc);
    nd_node **adj = xmalloc(total * sizeof *adj);
    memset(adj, 0, total * sizeof *adj);
    push(&acc[root->id], seed);
    for (uint32_t id = root->id + 1; id-- > 0;) {
        if (!reach[id] || !dep[id])
            continue;
        nd_node *n = ctx->dag->nodes[id];
        if (acc[id].open) {
            pass_open(ctx, ch, n, acc);
            continue;
        }
        if (acc[id].l.n == 0)
            continue;
        nd_node *g = acc[id].l.n == 1 ? acc[id].l.v[0] : mk_add(ctx, acc[id].l.v, acc[id].l.n);
        if (hooks && hooks->named && (n->flags & NF_NAMED) && n != root)
            g = hooks->named(hooks->user, n, g);
        adj[id] = g;
        propagate(ctx, n, g, dep, hooks, ch, acc);
    }
    for (uint32_t id = 0; id < total; id++) {
        nodelist_free(&acc[id].l);
        mk_open_free(acc[id].open);
    }
    free(acc);
    free(chain.parents);
    free(dep);
    free(reach);
    return adj;
}

nd_node **derive_adjoints(nd_ctx *ctx, nd_node *root, nd_node *seed,
                          const unsigned char *want, const derive_hooks *hooks)
{
    return adjoints(ctx, root, seed, want, hooks, 0);
}

void derive_gradients(nd_ctx *ctx, nd_node *f, const int *vars, int n, nd_node **out)
{
    unsigned char *want = xmalloc((size_t)ctx->scope->n_vars + 1);
    memset(want, 0, (size_t)ctx->scope->n_vars + 1);
    for (int i = 0; i < n; i++)
        want[vars[i]] = 1;
    nd_node **adj = adjoints(ctx, f, mk_int(ctx, 1), want, NULL, 1);   /* variables only */
    for (int i = 0; i < n; i++) {
        nd_var *v = &ctx->scope->vars[vars[i]];
        nd_node *g = adj[v->node->id];
        out[i] = g ? g : mk_zero(ctx, v->shape);
    }
    free(adj);
    free(want);
}
