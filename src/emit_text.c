/* emit_text.c: the default output, --verify's report and --explain. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "print.h"
#include "shape.h"

void emit_grad_label(nd_ctx *ctx, const nd_prog *prog, int var, strbuf *out)
{
    sb_printf(out, "d%s/d%s", ctx->binds[prog->objective].name, ctx->vars[var].name);
}

/* mark[b] = 1 for each binding whose value the roots use, by name. */
static unsigned char *used_bindings(nd_ctx *ctx, nd_node *const *roots, int n)
{
    unsigned char *reach = xmalloc(ctx->n_nodes);
    memset(reach, 0, ctx->n_nodes);
    expr_reach(ctx, roots, n, reach);
    unsigned char *used = xmalloc((size_t)ctx->n_binds + 1);
    memset(used, 0, (size_t)ctx->n_binds + 1);
    for (int b = 0; b < ctx->n_binds; b++) {
        nd_node *v = ctx->binds[b].node;
        used[b] = v && (v->flags & NF_NAMED) && reach[v->id];
    }
    free(reach);
    return used;
}

/* The bindings the expressions use, in program order, as `t = EXPR`. */
static void print_bindings(printer *p, nd_node *const *roots, int n)
{
    nd_ctx *ctx = p->ctx;
    unsigned char *used = used_bindings(ctx, roots, n);
    for (int b = 0; b < ctx->n_binds; b++) {
        nd_node *v = ctx->binds[b].node;
        if (!used[b] || printer_name_of(p, v) != ctx->binds[b].name)
            continue;
        p->self = v;
        sb_printf(p->out, "%s = ", ctx->binds[b].name);
        print_expr(p, v);
        sb_putc(p->out, '\n');
        p->self = NULL;
    }
    free(used);
}

/* `t1 = EXPR` for each temporary. */
static void print_temporaries(printer *p, nd_node *const *roots, int n)
{
    nd_node **temps;
    int nt = printer_temporaries(p, roots, n, &temps);
    for (int i = 0; i < nt; i++) {
        sb_printf(p->out, "%s = ", printer_name_of(p, temps[i]));
        p->self = temps[i];
        print_expr(p, temps[i]);
        sb_putc(p->out, '\n');
        p->self = NULL;
    }
    free(temps);
}

void emit_text_gradients(nd_ctx *ctx, const nd_prog *prog, nd_node *const *g, strbuf *out)
{
    printer p;
    printer_init(&p, ctx, out);
    print_bindings(&p, g, prog->n_wrt);
    print_temporaries(&p, g, prog->n_wrt);
    for (int i = 0; i < prog->n_wrt; i++) {
        emit_grad_label(ctx, prog, prog->wrt[i], out);
        sb_puts(out, " = ");
        print_expr(&p, g[i]);
        sb_putc(out, '\n');
    }
    printer_free(&p);
}

void emit_verify_report(nd_ctx *ctx, const nd_prog *prog, const double *err,
                        const verify_opts *o, int status, strbuf *out)
{
    for (int i = 0; i < prog->n_wrt; i++) {
        emit_grad_label(ctx, prog, prog->wrt[i], out);
        sb_printf(out, ": max relative error %.1e%s\n", err[i],
                  err[i] <= verify_tolerance(o) ? "" : "  FAILED");
    }
    sb_printf(out, "%s: %d random point%s, %ld-bit central differences, tolerance %.0e\n",
              status == 0 ? "verified" : "NOT verified", o->points, o->points == 1 ? "" : "s",
              (long)o->prec, verify_tolerance(o));
}

void emit_explain(nd_ctx *ctx, const nd_prog *prog, strbuf *out)
{
    elab_explain(ctx, out);
    nd_binding *b = &ctx->binds[prog->objective];
    sb_printf(out, "# objective: %s (%s)\n", b->name, shape_str(ctx, b->node->shape));
    sb_puts(out, "# wrt:");
    for (int i = 0; i < prog->n_wrt; i++)
        sb_printf(out, " %s", ctx->vars[prog->wrt[i]].name);
    sb_putc(out, '\n');
}
