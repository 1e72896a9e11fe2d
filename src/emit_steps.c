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
#include "jacobian.h"
#include "latex.h"
#include "mk.h"
#include "parse.h"
#include "print.h"
#include "scope.h"
#include "simplify.h"

typedef struct steps {
    nd_ctx *ctx;
    const char *objective;
    printer names;              /* the bindings' names of the nodes */
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
    const char *name = printer_name_of(&st->names, node);
    if (!name)
        return adjoint;
    st->line = xgrow(st->line, &st->cap, st->n + 1, sizeof *st->line);
    st->sym = xrealloc(st->sym, (size_t)st->cap * sizeof *st->sym);
    nd_node *sym = expr_sym(st->ctx, label(st->ctx, st->objective, name), node->shape);
    st->line[st->n].label = sym->u.name;    /* the same string: see steps_lines */
    st->line[st->n].expr = adjoint;
    st->line[st->n].note = NULL;
    st->sym[st->n] = sym;
    return st->sym[st->n++];
}

/* After which step each gradient can be written: the last symbol it uses
 * (0: none).  One pass in id order, children before parents: last[id] is
 * the latest step whose symbol node id reaches. */
static void positions(steps *st, nd_node *const *g, int n_g, int *pos)
{
    nd_ctx *ctx = st->ctx;
    int *last = xmalloc(((size_t)ctx->dag->n_nodes + 1) * sizeof *last);
    memset(last, 0, ((size_t)ctx->dag->n_nodes + 1) * sizeof *last);
    for (int i = 0; i < st->n; i++)
        last[st->sym[i]->id] = i + 1;
    for (uint32_t id = 0; id < ctx->dag->n_nodes; id++) {
        nd_node *n = ctx->dag->nodes[id];
        for (uint32_t k = 0; k < n->nkids; k++)
            if (last[n->kid[k]->id] > last[id])
                last[id] = last[n->kid[k]->id];
    }
    for (int j = 0; j < n_g; j++)
        pos[j] = last[g[j]->id];
    free(last);
}

/* The steps, with each gradient inserted after the step it needs last
 * (gradients after the same step in the order of the variables). */
static emit_line *order_lines(steps *st, const nd_prog *prog, nd_node **g)
{
    int total = st->n + prog->n_wrt, k = 0;
    emit_line *out = xmalloc(((size_t)total + 1) * sizeof *out);
    int *pos = xmalloc(((size_t)prog->n_wrt + 1) * sizeof *pos);
    int *next = xmalloc(((size_t)prog->n_wrt + 1) * sizeof *next);
    int *first = xmalloc(((size_t)st->n + 1) * sizeof *first);
    positions(st, g, prog->n_wrt, pos);
    for (int i = 0; i <= st->n; i++)
        first[i] = -1;
    for (int j = prog->n_wrt; j-- > 0;) {  /* a list per step, in variable order */
        next[j] = first[pos[j]];
        first[pos[j]] = j;
    }
    for (int i = 0; i <= st->n; i++) {
        if (i > 0)
            out[k++] = st->line[i - 1];
        for (int j = first[i]; j >= 0; j = next[j]) {
            out[k].label = label(st->ctx, st->objective, st->ctx->scope->vars[prog->wrt[j]].name);
            out[k].expr = g[j];
            out[k++].note = NULL;
        }
    }
    free(first);
    free(next);
    free(pos);
    return out;
}

int steps_lines(nd_ctx *ctx, const nd_prog *prog, emit_line **lines, nd_node ***syms,
                int *n_syms)
{
    steps st = { .ctx = ctx, .objective = ctx->scope->binds[prog->objective].name };
    printer_init(&st.names, ctx, NULL);
    unsigned char *want = xmalloc((size_t)ctx->scope->n_vars + 1);
    memset(want, 0, (size_t)ctx->scope->n_vars + 1);
    for (int i = 0; i < prog->n_wrt; i++)
        want[prog->wrt[i]] = 1;
    derive_hooks hooks = { .named = record, .user = &st };
    nd_node **adj = derive_adjoints(ctx, ctx->scope->binds[prog->objective].node, mk_int(ctx, 1),
                                    want, &hooks);
    int total = st.n + prog->n_wrt;
    nd_node **all = xmalloc(((size_t)total + 1) * sizeof *all);
    for (int i = 0; i < st.n; i++)
        all[i] = st.line[i].expr;
    for (int j = 0; j < prog->n_wrt; j++) {
        nd_var *v = &ctx->scope->vars[prog->wrt[j]];
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
    printer_free(&st.names);
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

/* The start of each line of the source, for the notes of many uses
 * (diag_line reads from the top each time: quadratic in long programs). */
typedef struct line_index {
    const nd_source *src;
    const char **start;     /* of line 1, 2, ...; then the end */
    int n;
} line_index;

static void index_lines(line_index *li, const nd_source *src)
{
    const char *p = src->text, *end = src->text + src->len;
    int cap = 16;
    li->src = src;
    li->start = xmalloc((size_t)cap * sizeof *li->start);
    li->n = 0;
    for (;;) {
        if (li->n + 1 >= cap)
            li->start = xrealloc(li->start, (size_t)(cap *= 2) * sizeof *li->start);
        li->start[li->n++] = p;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        p = nl + 1;
    }
    li->start[li->n] = end;
}

/* diag_line's answer, from the index. */
static const char *indexed_line(line_index *li, const nd_source *src, int line, size_t *len)
{
    if (!li->src)
        index_lines(li, src);
    if (li->src != src)
        return diag_line(src, line, len);
    const char *p = line >= 1 && line <= li->n ? li->start[line - 1] : li->start[li->n];
    const char *e = p, *end = li->start[li->n];
    while (e < end && *e != '\n' && *e != '\r')
        e++;
    *len = (size_t)(e - p);
    return p;
}

/* " via W' at 5:8" (text) or \Big|_{\text{via } W^\top \text{ at 5:8}} (LaTeX). */
static const char *use_note(nd_ctx *ctx, line_index *li, const nd_var *copy, int latex)
{
    nd_loc loc = copy->loc;
    size_t len;
    const char *line = indexed_line(li, loc.src, loc.first_line, &len);
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

/* The copies of every variable, in source order, grouped by the variable
 * they copy: those of v are list[first[v] .. first[v + 1]).  One pass, not
 * one per variable. */
static int *group_copies(nd_ctx *ctx, int **first)
{
    int n = ctx->scope->n_vars, *at = xmalloc(((size_t)n + 1) * sizeof *at);
    int *list = xmalloc(((size_t)n + 1) * sizeof *list);
    memset(at, 0, ((size_t)n + 1) * sizeof *at);
    for (int i = 0; i < n; i++)
        if (ctx->scope->vars[i].origin >= 0)
            at[ctx->scope->vars[i].origin + 1]++;
    for (int v = 0; v < n; v++)
        at[v + 1] += at[v];
    int *fill = xmalloc(((size_t)n + 1) * sizeof *fill);
    memcpy(fill, at, ((size_t)n + 1) * sizeof *fill);
    for (int i = 0; i < n; i++)
        if (ctx->scope->vars[i].origin >= 0)
            list[fill[ctx->scope->vars[i].origin]++] = i;
    free(fill);
    *first = at;
    return list;
}

/* The variable itself (not a copy) of that name, or -1: the symbol table
 * knows the variables, and no copy is in it. */
static int var_named(nd_ctx *ctx, const char *name)
{
    struct nd_sym *s = scope_lookup(ctx, name);
    if (!s || s->kind != SYM_VAR || ctx->scope->vars[s->index].origin >= 0)
        return -1;
    return s->index;
}

/* Lines for one variable: each use's contribution, then the sum. */
static int path_lines(nd_ctx *ctx, const nd_prog *prog, int var, nd_node **g, int *copies,
                      int nc, int latex, line_index *li, emit_line *lines)
{
    const char *l = label(ctx, ctx->scope->binds[prog->objective].name, ctx->scope->vars[var].name);
    for (int i = 0; i < nc; i++) {
        lines[i].label = l;
        lines[i].expr = g[i];
        lines[i].note = use_note(ctx, li, &ctx->scope->vars[copies[i]], latex);
    }
    lines[nc].label = l;
    lines[nc].expr = nc ? mk_add(ctx, g, nc) : mk_zero(ctx, ctx->scope->vars[var].shape);
    lines[nc].note = NULL;
    return nc + 1;
}

void emit_paths(nd_ctx *ctx, const nd_prog *prog, const char *const *wrt, int n_wrt,
                int latex, strbuf *out)
{
    /* every use of every variable first: merging the copies back rewrites
     * the bindings, the objective among them */
    int *copies = xmalloc(((size_t)ctx->scope->n_vars + 1) * sizeof *copies);
    int *group = xmalloc(((size_t)n_wrt + 1) * sizeof *group), *var = xmalloc(((size_t)n_wrt + 1) * sizeof *var);
    int total = 0, *first, *list = group_copies(ctx, &first);
    for (int w = 0; w < n_wrt; w++) {
        var[w] = var_named(ctx, wrt[w]);
        group[w] = var[w] < 0 ? 0 : first[var[w] + 1] - first[var[w]];
        if (group[w])
            memcpy(copies + total, list + first[var[w]], (size_t)group[w] * sizeof *copies);
        total += group[w];
    }
    free(list);
    free(first);
    nd_node **g = xmalloc(((size_t)total + 1) * sizeof *g);
    derive_gradients(ctx, ctx->scope->binds[prog->objective].node, copies, total, g);
    simplify_merge_copies(ctx, g, total);
    emit_line *lines = xmalloc(((size_t)total + (size_t)n_wrt + 1) * sizeof *lines);
    int nl = 0;
    line_index li = { 0 };
    for (int w = 0, at = 0; w < n_wrt; at += group[w], w++)
        if (var[w] >= 0)
            nl += path_lines(ctx, prog, var[w], g + at, copies + at, group[w], latex, &li,
                             lines + nl);
    free(li.start);
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

/* ---- --steps with --jacobian and --hessian ----
 * Forward mode as a student writes it: the Jacobian of each named
 * intermediate w.r.t. the variable, first first, each written with the
 * ones before it by name (dh1/dx = diag(1 - h1.^2)*dz1/dx); then the
 * objective's, then the printed block when that reads differently.  A
 * Hessian starts from the gradient (the chain rule's steps, then the
 * gradient written out, the one the Hessian differentiates); each block
 * then differentiates it term by term (d(A'*(s - y))/dx = A'*ds/dx) before
 * the printed block, their sum simplified. */

typedef struct jsteps {
    nd_ctx *ctx;
    printer names;
    const char *wrt;            /* the variable of the pass */
    emit_line *line;
    nd_node **sym;              /* the symbols of the step lines, in order */
    int n, cap, n_sym, cap_sym;
    int latex;
} jsteps;

static void jadd(jsteps *st, const char *label, nd_node *e, const char *note)
{
    st->line = xgrow(st->line, &st->cap, st->n + 1, sizeof *st->line);
    st->line[st->n++] = (emit_line){ label, e, note };
}

static void jadd_sym(jsteps *st, nd_node *sym)
{
    st->sym = xgrow(st->sym, &st->cap_sym, st->n_sym + 1, sizeof *st->sym);
    st->sym[st->n_sym++] = sym;
}

/* jac_derive_named's hook: the step dNAME/dx, its symbol in its place. */
static nd_node *jrecord(void *user, nd_node *node, nd_node *ju)
{
    jsteps *st = user;
    const char *name = printer_name_of(&st->names, node);
    if (!name)
        return ju;
    jac_tidy(st->ctx, &ju, 1);
    nd_node *sym = expr_sym(st->ctx, label(st->ctx, name, st->wrt), ju->shape);
    jadd(st, sym->u.name, ju, NULL);    /* the same string: see jac_steps_lines */
    jadd_sym(st, sym);
    return sym;
}

/* "d(TERM)/dx" (text) or \frac{\partial}{\partial x}\left(TERM\right), as
 * a note after an empty label (the label is the term, not a name). */
static const char *term_note(jsteps *st, nd_node *term)
{
    strbuf b;
    sb_init(&b);
    printer *p = &st->names;
    p->latex = st->latex;
    if (st->latex) {
        sb_puts(&b, "\\frac{\\partial}{\\partial ");
        latex_ident(&b, st->wrt);
        sb_puts(&b, "}\\left(");
        print_to(p, term, &b);
        sb_puts(&b, "\\right)");
    } else {
        sb_puts(&b, "d(");
        print_to(p, term, &b);
        sb_printf(&b, ")/d%s", st->wrt);
    }
    p->latex = 0;
    const char *r = arena_strdup(st->ctx->arena, sb_str(&b));
    sb_free(&b);
    return r;
}

/* The terms of g as printed (one: g itself). */
static int terms_of(jsteps *st, nd_node *g, nd_node ***t)
{
    int n = g->op == OP_ADD && !(g->flags & NF_NAMED) ? (int)g->nkids : 1;
    *t = xmalloc(((size_t)n + 1) * sizeof **t);
    if (n == 1) {
        (*t)[0] = g;
        return 1;
    }
    uint32_t lead = print_sum_lead(&st->names, g);
    for (int i = 0; i < n; i++)
        (*t)[i] = g->kid[i == 0 ? (int)lead : i <= (int)lead ? i - 1 : i];   /* print_sum_term */
    return n;
}

/* One block: the steps of the named intermediates, each term of g (the
 * gradient, or the objective) differentiated when there are several, the
 * sum in the steps' names when it reads differently from the printed
 * block, then the block. */
static void block_steps(jsteps *st, nd_node *g, int var, const char *blabel, nd_node *block)
{
    nd_ctx *ctx = st->ctx;
    nd_node **t, **j;
    int nt = terms_of(st, g, &t), first = st->n;
    j = xmalloc(((size_t)nt + 1) * sizeof *j);
    st->wrt = ctx->scope->vars[var].name;
    int nz = jac_derive_named(ctx, t, nt, var, jrecord, st, j);
    int at = st->n;
    nd_node *sum = NULL;
    for (int i = 0; i < nt; i++) {
        if (mk_is_zero(j[i]))
            continue;
        if (nz > 1)
            jadd(st, "", j[i], term_note(st, t[i]));
        sum = sum ? mk_add2(ctx, sum, j[i]) : j[i];
    }
    if (sum && nz == 1)
        jadd(st, blabel, sum, NULL);
    /* the new lines simplified together; the block as it is printed */
    nd_node **e = xmalloc(((size_t)(st->n - first) + 1) * sizeof *e);
    for (int i = first; i < st->n; i++)
        e[i - first] = st->line[i].expr;
    emit_simplify_all(ctx, e, st->n - first);
    jac_tidy(ctx, e, st->n - first);
    emit_simplify_all(ctx, e, st->n - first);
    for (int i = first; i < st->n; i++)
        st->line[i].expr = e[i - first];
    if (nz == 1 && st->n > at && st->line[st->n - 1].expr == block)
        st->n--;            /* the sum is the block: said once */
    jadd(st, blabel, block, NULL);
    free(e);
    free(j);
    free(t);
}

/* A Hessian's gradients: --steps' lines (the chain rule), then each
 * gradient written out where those use the steps' names; into g[i]. */
static void gradient_steps(jsteps *st, const nd_prog *prog, nd_node **g)
{
    nd_ctx *ctx = st->ctx;
    emit_line *gl;
    nd_node **gs;
    int ngs, ng = steps_lines(ctx, prog, &gl, &gs, &ngs);
    for (int i = 0; i < ng; i++)
        jadd(st, gl[i].label, gl[i].expr, gl[i].note);
    for (int i = 0; i < ngs; i++)
        jadd_sym(st, gs[i]);
    nd_node *f = ctx->scope->binds[prog->objective].node;
    for (int i = 0; i < prog->n_wrt; i++) {
        derive_gradients(ctx, f, &prog->wrt[i], 1, &g[i]);
        emit_simplify_all(ctx, &g[i], 1);
        const char *l = label(ctx, ctx->scope->binds[prog->objective].name,
                              ctx->scope->vars[prog->wrt[i]].name);
        int same = 0;
        for (int k = 0; k < ng; k++)
            same |= !strcmp(gl[k].label, l) && gl[k].expr == g[i];
        if (!same)
            jadd(st, l, g[i], NULL);
    }
    free(gl);
    free(gs);
}

int jac_steps_lines(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int latex,
                    emit_line **lines, nd_node ***syms, int *n_syms)
{
    jac_blocks b;
    jac_make_blocks(ctx, prog, kind, &b);     /* first: it raises what it cannot do */
    jsteps *volatile st = xmalloc(sizeof *st);  /* on the heap: it outlives a longjmp */
    *st = (jsteps){ .ctx = ctx, .latex = latex };
    printer_init(&st->names, ctx, NULL);
    nd_node **volatile g = xmalloc(((size_t)prog->n_wrt + 1) * sizeof *g);
    volatile int failed = 1;
    DIAG_TRY(ctx, jb) {     /* the blocks raised what the steps would: not expected */
        if (kind == JAC_HESSIAN)
            gradient_steps(st, prog, g);
        for (int i = 0; i < prog->n_wrt; i++)
            if (kind == JAC_JACOBIAN)
                g[i] = ctx->scope->binds[prog->objective].node;
        for (int k = 0; k < b.n; k++) {
            const char *l = arena_strdup(ctx->arena, b.label[k]);
            block_steps(st, g[b.row[k]], prog->wrt[b.col[k]], l, b.expr[k]);
        }
        failed = 0;
    }
    DIAG_END_TRY(ctx, jb);
    free(g);
    jac_blocks_free(&b);
    printer_free(&st->names);
    jsteps done = *st;
    free(st);
    if (failed) {
        free(done.line);
        free(done.sym);
        diag_throw(ctx);
    }
    *lines = done.line;
    *syms = done.sym;
    *n_syms = done.n_sym;
    return done.n;
}

void jac_emit_steps(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int latex,
                    strbuf *out)
{
    emit_line *lines;
    nd_node **syms;
    int n_syms, n = jac_steps_lines(ctx, prog, kind, latex, &lines, &syms, &n_syms);
    emit_lines(ctx, lines, n, latex, out);
    free(lines);
    free(syms);
}
