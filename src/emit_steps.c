/* emit_steps.c: the chain rule as a student writes it.
 *
 * --steps: the adjoint of each named intermediate, last first, each written
 * with the adjoints above it by name (dL/dh1 = W2'*dL/dz2); a variable's
 * gradient follows the last step it uses.
 *
 * --paths: for each variable, the contribution of each of its uses in the
 * source (derived with every use made a copy of its own), then their sum. */
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "emit.h"
#include "latex.h"
#include "mk.h"
#include "parse.h"
#include "simplify.h"

typedef struct steps {
    nd_ctx *ctx;
    const char *objective;
    const char **bind_name;     /* by node id: the first binding's name */
    uint32_t n_ids;
    emit_line *line;            /* the named intermediates, in sweep order */
    nd_node **sym;              /* their symbols dL/dNAME */
    int n, cap;
} steps;

static const char *label(nd_ctx *ctx, const char *of, const char *wrt)
{
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "d%s/d%s", of, wrt);
    const char *r = arena_strdup(ctx->arena, sb_str(&b));
    sb_free(&b);
    return r;
}

/* derive's hook: records a named node's adjoint, stands in its symbol. */
static nd_node *record(void *user, nd_node *node, nd_node *adjoint)
{
    steps *st = user;
    if (node->id >= st->n_ids || !st->bind_name[node->id])
        return adjoint;
    st->line = ctx_grow(st->line, &st->cap, st->n + 1, sizeof *st->line);
    st->sym = xrealloc(st->sym, (size_t)st->cap * sizeof *st->sym);
    const char *l = label(st->ctx, st->objective, st->bind_name[node->id]);
    st->line[st->n].label = l;
    st->line[st->n].expr = adjoint;
    st->line[st->n].note = NULL;
    st->sym[st->n] = expr_sym(st->ctx, l, node->shape);
    return st->sym[st->n++];
}

/* After which step a gradient can be written: the last symbol it uses. */
static int position(steps *st, nd_node *g)
{
    nd_ctx *ctx = st->ctx;
    unsigned char *mark = xmalloc(ctx->n_nodes);
    memset(mark, 0, ctx->n_nodes);
    expr_reach(ctx, &g, 1, mark);
    int pos = 0;
    for (int i = 0; i < st->n; i++)
        if (st->sym[i]->id < ctx->n_nodes && mark[st->sym[i]->id])
            pos = i + 1;
    free(mark);
    return pos;
}

static void name_bindings(steps *st)
{
    nd_ctx *ctx = st->ctx;
    st->n_ids = ctx->n_nodes;
    st->bind_name = xmalloc(st->n_ids * sizeof *st->bind_name);
    memset(st->bind_name, 0, st->n_ids * sizeof *st->bind_name);
    for (int b = 0; b < ctx->n_binds; b++) {
        nd_node *v = ctx->binds[b].node;
        if (v && (v->flags & NF_NAMED) && !st->bind_name[v->id])
            st->bind_name[v->id] = ctx->binds[b].name;
    }
}

/* The steps, with each gradient inserted after the step it needs last. */
static emit_line *order_lines(steps *st, const nd_prog *prog, nd_node **g)
{
    int total = st->n + prog->n_wrt, k = 0;
    emit_line *out = xmalloc(((size_t)total + 1) * sizeof *out);
    int *pos = xmalloc(((size_t)prog->n_wrt + 1) * sizeof *pos);
    for (int j = 0; j < prog->n_wrt; j++)
        pos[j] = position(st, g[j]);
    for (int i = 0; i <= st->n; i++) {
        if (i > 0)
            out[k++] = st->line[i - 1];
        for (int j = 0; j < prog->n_wrt; j++)
            if (pos[j] == i) {
                out[k].label = label(st->ctx, st->objective, st->ctx->vars[prog->wrt[j]].name);
                out[k].expr = g[j];
                out[k++].note = NULL;
            }
    }
    free(pos);
    return out;
}

int steps_lines(nd_ctx *ctx, const nd_prog *prog, emit_line **lines, nd_node ***syms,
                int *n_syms)
{
    steps st = { .ctx = ctx, .objective = ctx->binds[prog->objective].name };
    name_bindings(&st);
    unsigned char *want = xmalloc((size_t)ctx->n_vars + 1);
    memset(want, 0, (size_t)ctx->n_vars + 1);
    for (int i = 0; i < prog->n_wrt; i++)
        want[prog->wrt[i]] = 1;
    derive_hooks hooks = { record, &st };
    nd_node **adj = derive_adjoints(ctx, ctx->binds[prog->objective].node, mk_int(ctx, 1),
                                    want, &hooks);
    int total = st.n + prog->n_wrt;
    nd_node **all = xmalloc(((size_t)total + 1) * sizeof *all);
    for (int i = 0; i < st.n; i++)
        all[i] = st.line[i].expr;
    for (int j = 0; j < prog->n_wrt; j++) {
        nd_var *v = &ctx->vars[prog->wrt[j]];
        nd_node *a = adj[v->node->id];
        all[st.n + j] = a ? a : mk_zero(ctx, v->shape);
    }
    emit_simplify_all(ctx, all, total);
    for (int i = 0; i < st.n; i++)
        st.line[i].expr = all[i];
    *lines = order_lines(&st, prog, all + st.n);
    *syms = st.sym;
    *n_syms = st.n;
    free(all);
    free(adj);
    free(want);
    free(st.line);
    free(st.bind_name);
    return total;
}

void emit_steps(nd_ctx *ctx, const nd_prog *prog, int latex, strbuf *out)
{
    emit_line *lines;
    nd_node **syms;
    int n_syms, n = steps_lines(ctx, prog, &lines, &syms, &n_syms);
    emit_lines(ctx, lines, n, latex, out);
    free(lines);
    free(syms);
}

/* ---- --paths ---- */

/* " via W' at 5:8" (text) or \Big|_{\text{via } W^\top \text{ at 5:8}} (LaTeX). */
static const char *use_note(nd_ctx *ctx, const nd_var *copy, int latex)
{
    nd_loc loc = copy->loc;
    size_t len;
    const char *line = diag_line(loc.src, loc.first_line, &len);
    size_t after = (size_t)loc.last_column;
    int transposed = after < len && line[after] == '\'';
    strbuf b;
    sb_init(&b);
    if (latex) {
        sb_puts(&b, "\\Big|_{\\text{via } ");
        latex_ident(&b, copy->name);
        sb_printf(&b, "%s\\text{ at %d:%d}}", transposed ? "^\\top" : "", loc.first_line,
                  loc.first_column);
    } else {
        sb_printf(&b, " via %s%s at %d:%d", copy->name, transposed ? "'" : "",
                  loc.first_line, loc.first_column);
    }
    const char *r = arena_strdup(ctx->arena, sb_str(&b));
    sb_free(&b);
    return r;
}

/* The copies of each variable: their indices, in source order. */
static int copies_of(nd_ctx *ctx, int var, int *out)
{
    int n = 0;
    for (int i = 0; i < ctx->n_vars; i++)
        if (ctx->vars[i].origin == var)
            out[n++] = i;
    return n;
}

static int var_named(nd_ctx *ctx, const char *name)
{
    for (int i = 0; i < ctx->n_vars; i++)
        if (ctx->vars[i].origin < 0 && !strcmp(ctx->vars[i].name, name))
            return i;
    return -1;
}

/* Lines for one variable: each use's contribution, then the sum. */
static int path_lines(nd_ctx *ctx, const nd_prog *prog, int var, nd_node **g, int *copies,
                      int nc, int latex, emit_line *lines)
{
    const char *l = label(ctx, ctx->binds[prog->objective].name, ctx->vars[var].name);
    for (int i = 0; i < nc; i++) {
        lines[i].label = l;
        lines[i].expr = g[i];
        lines[i].note = use_note(ctx, &ctx->vars[copies[i]], latex);
    }
    lines[nc].label = l;
    lines[nc].expr = nc ? mk_add(ctx, g, nc) : mk_zero(ctx, ctx->vars[var].shape);
    lines[nc].note = NULL;
    return nc + 1;
}

void emit_paths(nd_ctx *ctx, const nd_prog *prog, const char *const *wrt, int n_wrt,
                int latex, strbuf *out)
{
    /* every use of every variable first: merging the copies back rewrites
     * the bindings, the objective among them */
    int *copies = xmalloc(((size_t)ctx->n_vars + 1) * sizeof *copies);
    int *group = xmalloc(((size_t)n_wrt + 1) * sizeof *group), *var = xmalloc(((size_t)n_wrt + 1) * sizeof *var);
    int total = 0;
    for (int w = 0; w < n_wrt; w++) {
        var[w] = var_named(ctx, wrt[w]);
        group[w] = var[w] < 0 ? 0 : copies_of(ctx, var[w], copies + total);
        total += group[w];
    }
    nd_node **g = xmalloc(((size_t)total + 1) * sizeof *g);
    derive_gradients(ctx, ctx->binds[prog->objective].node, copies, total, g);
    simplify_merge_copies(ctx, g, total);
    emit_line *lines = xmalloc(((size_t)total + (size_t)n_wrt + 1) * sizeof *lines);
    int nl = 0;
    for (int w = 0, at = 0; w < n_wrt; at += group[w], w++)
        if (var[w] >= 0)
            nl += path_lines(ctx, prog, var[w], g + at, copies + at, group[w], latex, lines + nl);
    nd_node **exprs = xmalloc(((size_t)nl + 1) * sizeof *exprs);
    for (int i = 0; i < nl; i++)
        exprs[i] = lines[i].expr;
    emit_simplify_all(ctx, exprs, nl);
    for (int i = 0; i < nl; i++)
        lines[i].expr = exprs[i];
    emit_lines(ctx, lines, nl, latex, out);
    free(exprs);
    free(lines);
    free(g);
    free(var);
    free(group);
    free(copies);
}
