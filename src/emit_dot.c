/* emit_dot.c: the computational graph in Graphviz DOT.
 *
 * The forward graph is the DAG of the objective as the engine holds it
 * (after the simplifications of construction): one node per distinct
 * subexpression, so a value used twice has two outgoing edges.  Variables
 * are boxes (filled: the ones differentiated), operations ellipses labelled
 * with their operator and shape, a named binding's node carries its name,
 * and the objective has a double border.  Constants, `eye` and dimension
 * values are drawn at each use, not shared, to keep edges short.  The
 * operands of an operator whose order matters are numbered.
 *
 * With --steps, a second cluster holds the backward graph: one node per
 * line of --steps (dL/dNAME = EXPR), a solid edge from each adjoint a line
 * uses, and a dashed edge from each forward value it reads. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "jacobian.h"
#include "mk.h"
#include "ops.h"
#include "print.h"
#include "scope.h"
#include "shape.h"

typedef struct dot {
    nd_ctx *ctx;
    printer pr;                 /* binding names; prints leaves and lines */
    strbuf *out;
    unsigned char *fwd;         /* by node id: drawn in the forward graph */
    uint32_t n_fwd;             /* ... for ids below this */
    unsigned char *wrt;         /* by variable: differentiated */
    const char *ind;            /* indentation inside a cluster */
    const char *objective;      /* its name */
} dot;

/* A DOT string: quotes and backslashes escaped, newlines as \n. */
static void put_string(strbuf *out, const char *s)
{
    sb_putc(out, '"');
    for (; *s; s++) {
        if (*s == '\n')
            sb_puts(out, "\\n");
        else {
            if (*s == '"' || *s == '\\')
                sb_putc(out, '\\');
            sb_putc(out, *s);
        }
    }
    sb_putc(out, '"');
}

/* Drawn at each use instead of once. */
static int per_use(const nd_node *n)
{
    return n->op == OP_CONST || n->op == OP_DIMVAL || n->op == OP_EYE;
}

/* Does the order of n's operands matter? */
static int ordered(const nd_node *n)
{
    return n->nkids >= 2 && n->op != OP_ADD && n->op != OP_EMUL;
}

static void forward_node(dot *d, const nd_node *n, const nd_node *objective)
{
    nd_ctx *ctx = d->ctx;
    strbuf label;
    sb_init(&label);
    const char *name = printer_name_of(&d->pr, n);
    if (n == objective && !name)        /* a constant is never flagged named */
        name = d->objective;
    const char *attrs = "";
    if (n->op == OP_VAR) {
        sb_puts(&label, ctx->scope->vars[n->u.var].name);
        attrs = d->wrt[n->u.var] ? ", shape=box, style=filled, fillcolor=\"#cfe2f3\""
                                 : ", shape=box";
    } else if (ops_table[n->op].cls == OPC_LEAF && !name) {
        print_to(&d->pr, n, &label);
        attrs = ", shape=plaintext";
    } else if (ops_table[n->op].cls == OPC_LEAF) {     /* L = 3 */
        sb_printf(&label, "%s = ", name);
        d->pr.self = n;
        print_to(&d->pr, n, &label);
        d->pr.self = NULL;
        attrs = ", style=filled, fillcolor=\"#fff2cc\"";
    } else {
        if (name)
            sb_printf(&label, "%s = ", name);
        if (n->op == OP_MPOW)
            sb_printf(&label, "^%ld", n->u.k);
        else if (n->op == OP_TRANSPOSE)
            sb_puts(&label, "transpose");
        else if (n->op == OP_INDEX)     /* its size is on the next line */
            sb_printf(&label, "block at (%ld, %ld)", block_row0(n) + 1, block_col0(n) + 1);
        else
            sb_puts(&label, ops_table[n->op].name);
        if (name)
            attrs = ", style=filled, fillcolor=\"#fff2cc\"";
    }
    if (!shape_is_scalar(ctx, n->shape)) {
        sb_putc(&label, '\n');
        shape_format(ctx, &label, n->shape);
    }
    sb_printf(d->out, "%sn%u [label=", d->ind, n->id);
    put_string(d->out, sb_str(&label));
    sb_printf(d->out, "%s%s];\n", attrs, n == objective ? ", peripheries=2" : "");
    sb_free(&label);
}

static void forward_edges(dot *d, const nd_node *n)
{
    for (uint32_t i = 0; i < n->nkids; i++) {
        const nd_node *k = n->kid[i];
        if (per_use(k)) {
            strbuf label;
            sb_init(&label);
            print_to(&d->pr, k, &label);
            sb_printf(d->out, "%sk%u_%u [label=", d->ind, n->id, i);
            put_string(d->out, sb_str(&label));
            sb_puts(d->out, ", shape=plaintext];\n");
            sb_free(&label);
            sb_printf(d->out, "%sk%u_%u -> n%u", d->ind, n->id, i, n->id);
        } else {
            sb_printf(d->out, "%sn%u -> n%u", d->ind, k->id, n->id);
        }
        if (ordered(n))
            sb_printf(d->out, " [label=\"%u\"]", i + 1);
        sb_puts(d->out, ";\n");
    }
}

static void forward_graph(dot *d, nd_node *objective)
{
    nd_ctx *ctx = d->ctx;
    for (uint32_t id = 0; id < ctx->dag->n_nodes; id++) {
        nd_node *n = ctx->dag->nodes[id];
        if (d->fwd[id] && (!per_use(n) || n == objective)) {
            forward_node(d, n, objective);
            forward_edges(d, n);
        }
    }
}

/* The symbols and forward values line i reads, as edges into s<i>: the
 * walk stops where the printed line shows a name. */
static void backward_edges(dot *d, nd_node *root, int i, uint32_t *seen, nd_node **stack,
                           const int *line_of_node)
{
    int sp = 0;
    stack[sp++] = root;
    seen[root->id] = (uint32_t)i + 1;
    while (sp > 0) {
        nd_node *n = stack[--sp];
        if (n->op == OP_SYM) {
            sb_printf(d->out, "%ss%d -> s%d;\n", d->ind, line_of_node[n->id], i);
            continue;
        }
        if (n->op == OP_VAR || printer_name_of(&d->pr, n)) {
            if (n->id < d->n_fwd && d->fwd[n->id])
                sb_printf(d->out, "%sn%u -> s%d [style=dashed, color=gray50, constraint=false];\n",
                          d->ind, n->id, i);
            continue;
        }
        for (uint32_t k = 0; k < n->nkids; k++)
            if (seen[n->kid[k]->id] != (uint32_t)i + 1) {
                seen[n->kid[k]->id] = (uint32_t)i + 1;
                stack[sp++] = n->kid[k];
            }
    }
}

/* One box per line (filled: the lines that are not steps), with its edges. */
static void step_boxes(dot *d, const emit_line *lines, int n, nd_node *const *syms, int n_syms)
{
    nd_ctx *ctx = d->ctx;
    /* the steps come in the order of their symbols, labelled by their
     * names: one pass pairs them; line_of_node[id] is a symbol's line */
    int *line_of_node = xmalloc(((size_t)ctx->dag->n_nodes + 1) * sizeof *line_of_node);
    unsigned char *is_step = xmalloc((size_t)n + 1);
    for (int i = 0, j = 0; i < n; i++) {
        is_step[i] = j < n_syms && lines[i].label == syms[j]->u.name;
        if (is_step[i])
            line_of_node[syms[j++]->id] = i;
    }
    uint32_t *seen = xmalloc(((size_t)ctx->dag->n_nodes + 1) * sizeof *seen);
    memset(seen, 0, ((size_t)ctx->dag->n_nodes + 1) * sizeof *seen);
    nd_node **stack = xmalloc(((size_t)ctx->dag->n_nodes + 1) * sizeof *stack);
    for (int i = 0; i < n; i++) {
        strbuf label;
        sb_init(&label);
        sb_printf(&label, "%s%s = ", lines[i].label, lines[i].note ? lines[i].note : "");
        print_to(&d->pr, lines[i].expr, &label);
        sb_printf(d->out, "%ss%d [label=", d->ind, i);
        put_string(d->out, sb_str(&label));
        sb_printf(d->out, ", shape=box, style=\"rounded%s\"];\n",
                  is_step[i] ? "" : ",filled\", fillcolor=\"#cfe2f3");
        sb_free(&label);
        backward_edges(d, lines[i].expr, i, seen, stack, line_of_node);
    }
    free(stack);
    free(seen);
    free(is_step);
    free(line_of_node);
}

static void backward_graph(dot *d, const nd_prog *prog)
{
    emit_line *lines;
    nd_node **syms;
    int n_syms, n = steps_lines(d->ctx, prog, &lines, &syms, &n_syms);
    step_boxes(d, lines, n, syms, n_syms);
    free(lines);
    free(syms);
}

static void graph_begin(dot *d, const nd_prog *prog, const char *what)
{
    nd_ctx *ctx = d->ctx;
    d->wrt = xmalloc((size_t)ctx->scope->n_vars + 1);
    memset(d->wrt, 0, (size_t)ctx->scope->n_vars + 1);
    for (int i = 0; i < prog->n_wrt; i++)
        d->wrt[prog->wrt[i]] = 1;
    printer_init(&d->pr, ctx, NULL);
    d->objective = ctx->scope->binds[prog->objective].name;
    sb_puts(d->out, "digraph nnderive {\n");
    sb_puts(d->out, "    graph [fontname=\"Helvetica\", label=");
    strbuf title;
    sb_init(&title);
    sb_printf(&title, "%s: %s", d->objective, what);
    put_string(d->out, sb_str(&title));
    sb_free(&title);
    sb_puts(d->out, ", labelloc=t];\n"
                    "    node [fontname=\"Helvetica\", fontsize=11];\n"
                    "    edge [fontname=\"Helvetica\", fontsize=9];\n");
}

static void graph_end(dot *d)
{
    sb_puts(d->out, "}\n");
    printer_free(&d->pr);
    free(d->wrt);
    free(d->fwd);
}

void emit_dot(nd_ctx *ctx, const nd_prog *prog, int steps, strbuf *out)
{
    dot d = { .ctx = ctx, .out = out, .ind = "    " };
    nd_node *objective = ctx->scope->binds[prog->objective].node;
    d.n_fwd = ctx->dag->n_nodes;
    d.fwd = xmalloc(ctx->dag->n_nodes + 1);
    memset(d.fwd, 0, ctx->dag->n_nodes + 1);
    expr_reach(ctx, &objective, 1, d.fwd);
    graph_begin(&d, prog, steps ? "forward and backward" : "forward");
    if (!steps) {
        forward_graph(&d, objective);
    } else {
        d.ind = "        ";
        sb_puts(out, "    subgraph cluster_forward {\n        label=\"forward\";\n");
        forward_graph(&d, objective);
        sb_puts(out, "    }\n    subgraph cluster_backward {\n        label=\"backward\";\n");
        /* the steps add nodes: the printer's names cover the new ids */
        backward_graph(&d, prog);
        sb_puts(out, "    }\n");
    }
    graph_end(&d);
}

/* ---- --dot with --jacobian and --hessian ----
 * The graph of the blocks as they are printed: every subexpression once
 * (named bindings by name, expanded to what they compute), each block a
 * double-bordered box fed by its expression's root; with --steps, the
 * lines of --steps beside it, as the backward graph of a gradient. */

static void block_boxes(dot *d, const jac_blocks *b)
{
    nd_ctx *ctx = d->ctx;
    for (uint32_t id = 0; id < d->n_fwd; id++) {
        nd_node *n = ctx->dag->nodes[id];
        if (d->fwd[id] && !per_use(n)) {
            forward_node(d, n, NULL);
            forward_edges(d, n);
        }
    }
    for (int k = 0; k < b->n; k++) {
        nd_node *e = b->expr[k];
        strbuf label;
        sb_init(&label);
        sb_puts(&label, b->label[k]);
        if (!shape_is_scalar(ctx, e->shape)) {
            sb_putc(&label, '\n');
            shape_format(ctx, &label, e->shape);
        }
        sb_printf(d->out, "%sh%d [label=", d->ind, k);
        put_string(d->out, sb_str(&label));
        sb_puts(d->out, ", shape=box, style=filled, fillcolor=\"#d9ead3\", peripheries=2];\n");
        if (per_use(e)) {
            sb_truncate(&label, 0);
            print_to(&d->pr, e, &label);
            sb_printf(d->out, "%sh%d_0 [label=", d->ind, k);
            put_string(d->out, sb_str(&label));
            sb_printf(d->out, ", shape=plaintext];\n%sh%d_0 -> h%d;\n", d->ind, k, k);
        } else {
            sb_printf(d->out, "%sn%u -> h%d;\n", d->ind, e->id, k);
        }
        sb_free(&label);
    }
}

void emit_dot_derivative(nd_ctx *ctx, const nd_prog *prog, enum jac_kind kind, int denominator,
                         int steps, strbuf *out)
{
    jac_blocks b;
    jac_make_blocks(ctx, prog, kind, &b);      /* raises what it cannot do */
    if (denominator)
        jac_transpose_blocks(ctx, &b);
    dot d = { .ctx = ctx, .out = out, .ind = "    " };
    d.n_fwd = ctx->dag->n_nodes;
    d.fwd = xmalloc(ctx->dag->n_nodes + 1);
    memset(d.fwd, 0, ctx->dag->n_nodes + 1);
    expr_reach(ctx, b.expr, b.n, d.fwd);
    const char *what = kind == JAC_HESSIAN ? "Hessian" : "Jacobian";
    strbuf title;
    sb_init(&title);
    sb_printf(&title, steps ? "%s and its steps" : "%s", what);
    graph_begin(&d, prog, sb_str(&title));
    sb_free(&title);
    if (!steps) {
        block_boxes(&d, &b);
    } else {
        emit_line *lines = NULL;
        nd_node **syms = NULL;
        int n_syms = 0;
        d.ind = "        ";
        sb_printf(out, "    subgraph cluster_blocks {\n        label=\"%s\";\n", what);
        block_boxes(&d, &b);
        sb_puts(out, "    }\n    subgraph cluster_steps {\n        label=\"steps\";\n");
        /* not expected to raise: the blocks, made first, raised whatever
         * the steps would (an error here would leak b and d's arrays) */
        int n = jac_steps_lines(ctx, prog, kind, 0, &lines, &syms, &n_syms);
        step_boxes(&d, lines, n, syms, n_syms);
        sb_puts(out, "    }\n");
        free(lines);
        free(syms);
    }
    jac_blocks_free(&b);
    graph_end(&d);
}
