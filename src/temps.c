/* temps.c: temporaries: non-trivial subexpressions the printed lines use
 * more than once get a name (t1, t2, ...) and a line of their own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "print.h"
#include "scope.h"

/* The printed tree's size up to limit: a named node is one. */
static int tree_size_upto(printer *p, const nd_node *n, int limit)
{
    int size = 1;
    if (n != p->self && printer_name_of(p, n))
        return 1;
    for (uint32_t i = 0; i < n->nkids && size < limit; i++)
        size += tree_size_upto(p, n->kid[i], limit - size);
    return size;
}

/* Worth a name: at least four nodes and ten printed characters, so that
 * sigmoid(z1) or 1 - h.^2 stay inline.  Measured in text, so that text
 * and LaTeX name the same subexpressions. */
static int worth_naming(printer *p, const nd_node *n)
{
    if (tree_size_upto(p, n, 4) < 4)
        return 0;
    strbuf b;
    sb_init(&b);
    printer q = *p;
    q.latex = 0;
    print_to(&q, n, &b);
    size_t len = 0;
    for (const char *c = sb_str(&b); *c; c++)
        len += *c != ' ';
    sb_free(&b);
    return len >= 10;
}

/* uses[id]: how often the printed lines show node id, were nothing named
 * but the bindings: each root once, each child once per parent shown. */
static unsigned *count_uses(printer *p, nd_node *const *roots, int n)
{
    nd_ctx *ctx = p->ctx;
    unsigned *uses = xmalloc(ctx->dag->n_nodes * sizeof *uses);
    memset(uses, 0, ctx->dag->n_nodes * sizeof *uses);
    unsigned char *shown = xmalloc(ctx->dag->n_nodes);
    memset(shown, 0, ctx->dag->n_nodes);
    for (int i = 0; i < n; i++) {
        uses[roots[i]->id]++;
        shown[roots[i]->id] = !printer_name_of(p, roots[i]);
    }
    for (uint32_t id = ctx->dag->n_nodes; id-- > 0;) {     /* parents before children */
        if (!shown[id])
            continue;
        nd_node *m = ctx->dag->nodes[id];
        for (uint32_t k = 0; k < m->nkids; k++) {
            uses[m->kid[k]->id]++;
            shown[m->kid[k]->id] = !printer_name_of(p, m->kid[k]);
        }
    }
    free(shown);
    return uses;
}

static const char *fresh_name(printer *p, int *counter)
{
    char buf[32];
    do
        snprintf(buf, sizeof buf, "t%d", ++*counter);
    while (scope_lookup(p->ctx, buf));
    return arena_strdup(p->ctx->arena, buf);
}

int printer_temporaries(printer *p, nd_node *const *roots, int n, nd_node ***temps)
{
    nd_ctx *ctx = p->ctx;
    unsigned *uses = count_uses(p, roots, n);
    int count = 0, counter = 0;
    *temps = xmalloc((ctx->dag->n_nodes + 1) * sizeof **temps);
    for (uint32_t id = 0; id < ctx->dag->n_nodes; id++) {
        nd_node *m = ctx->dag->nodes[id];
        if (uses[id] < 2 || !m->nkids || printer_name_of(p, m) || !worth_naming(p, m))
            continue;
        printer_name(p, m, fresh_name(p, &counter));
        (*temps)[count++] = m;
    }
    free(uses);
    return count;
}
