/* emit.c: output lines, in text or LaTeX: the named bindings the lines use,
 * the temporaries, then the lines themselves; --verify's report; --explain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "emit.h"
#include "latex.h"
#include "num.h"
#include "print.h"
#include "scope.h"
#include "shape.h"
#include "simplify.h"

void emit_grad_label(nd_ctx *ctx, const nd_prog *prog, int var, strbuf *out)
{
    sb_printf(out, "d%s/d%s", ctx->scope->binds[prog->objective].name, ctx->scope->vars[var].name);
}

/* used[b] = 1 for each binding whose value the roots use, by name. */
static unsigned char *used_bindings(nd_ctx *ctx, nd_node *const *roots, int n)
{
    unsigned char *reach = xmalloc(ctx->dag->n_nodes);
    memset(reach, 0, ctx->dag->n_nodes);
    expr_reach(ctx, roots, n, reach);
    unsigned char *used = xmalloc((size_t)ctx->scope->n_binds + 1);
    memset(used, 0, (size_t)ctx->scope->n_binds + 1);
    for (int b = 0; b < ctx->scope->n_binds; b++) {
        nd_node *v = ctx->scope->binds[b].node;
        used[b] = v && (v->flags & NF_NAMED) && v->id < ctx->dag->n_nodes && reach[v->id];
    }
    free(reach);
    return used;
}

/* Text lines end with a newline; LaTeX lines of align* with \\ between. */
typedef struct liner {
    printer p;
    int lines;
} liner;

static void begin_line(liner *L, const char *label, const char *note)
{
    strbuf *out = L->p.out;
    if (L->lines++ && L->p.latex)
        sb_puts(out, " \\\\\n");
    if (!L->p.latex) {
        sb_printf(out, "%s%s = ", label, note ? note : "");
        return;
    }
    if (*label)         /* "": the note says it all (--steps --hessian's terms) */
        latex_label(out, label);
    if (note)
        sb_puts(out, note);
    sb_puts(out, " &= ");
}

static void end_line(liner *L)
{
    if (!L->p.latex)
        sb_putc(L->p.out, '\n');
}

/* The printed length of n in text, as a measure of its width. */
static size_t width(liner *L, const nd_node *n)
{
    strbuf b;
    sb_init(&b);
    printer q = L->p;
    q.latex = 0;
    print_to(&q, n, &b);
    size_t w = b.len;
    sb_free(&b);
    return w;
}

#define LATEX_WIDTH 72      /* text characters per LaTeX line, about */

/* The terms of a sum, going on to a new line of the align* when full. */
static void broken_sum(liner *L, const nd_node *n)
{
    size_t used = 0;
    uint32_t lead = print_sum_lead(&L->p, n);
    for (uint32_t i = 0; i < n->nkids; i++) {
        size_t w = width(L, print_sum_term(n, lead, i)) + 3;
        if (i > 0 && used + w > LATEX_WIDTH) {
            sb_puts(L->p.out, " \\\\\n&\\quad");
            used = 0;
        }
        print_term_signed(&L->p, n, lead, i);
        used += w;
    }
}

static int long_sum(liner *L, const nd_node *n)
{
    return n->op == OP_ADD && !printer_name_of(&L->p, n) && width(L, n) > LATEX_WIDTH;
}

/* A product of plain factors, one of them a long sum: its index, or -1. */
static int breakable_factor(liner *L, const nd_node *n)
{
    if (n->op != OP_PROD || printer_name_of(&L->p, n))
        return -1;
    int at = -1;
    for (uint32_t i = 0; i < n->nkids; i++) {
        const nd_node *k = n->kid[i];
        if (k->op == OP_EPOW || (k->op == OP_CONST && !num_is_int(k->u.q)))
            return -1;      /* a fraction: leave it whole */
        if (long_sum(L, k))
            at = at < 0 ? (int)i : -2;
    }
    return at < 0 ? -1 : at;
}

/* A long sum in LaTeX goes on over several lines of the align*; so does
 * the one long sum of a product, in \bigl( \bigr), which can span lines. */
static void print_rhs(liner *L, const nd_node *n)
{
    int planned = print_plan(&L->p, n);     /* a line printed in pieces is planned whole */
    int at;
    if (!L->p.latex || L->p.self == n) {
        print_expr(&L->p, n);
    } else if (long_sum(L, n)) {
        broken_sum(L, n);
    } else if ((at = breakable_factor(L, n)) >= 0) {
        for (uint32_t i = 0; i < n->nkids; i++) {
            if (i)
                sb_putc(L->p.out, ' ');
            if ((int)i != at) {
                print_factor(&L->p, n->kid[i]);
                continue;
            }
            sb_puts(L->p.out, "\\bigl(");
            broken_sum(L, n->kid[i]);
            sb_puts(L->p.out, "\\bigr)");
        }
    } else {
        print_expr(&L->p, n);
    }
    print_unplan(&L->p, planned);
}

static void definition(liner *L, const char *name, nd_node *value)
{
    begin_line(L, name, NULL);
    L->p.self = value;
    print_rhs(L, value);
    L->p.self = NULL;
    end_line(L);
}

/* The temporaries a placement knows: state[id] is 0 for a node that is no
 * temporary, 1 for one not placed yet, 2 for one being placed, 3 placed. */
typedef struct placing {
    unsigned char *state;
    nd_node **order;        /* the placed temporaries, in order of their lines */
    int *line;              /* line[k]: the output line order[k] goes before */
    int n;
} placing;

/* Places the temporaries the printed form of n (a line, or a temporary's
 * own definition) shows, in order of appearance, each after those its
 * definition shows: so they are defined before use and numbered as read.
 * The printed form, not the DAG, says what is shown (a printed form may
 * spell a node's child otherwise, x./t for x.*(1./t)). */
static void place(liner *L, nd_node *n, int self, int line, placing *pl)
{
    nd_nodelist hits = { 0 };
    strbuf scratch;
    sb_init(&scratch);
    printer q = L->p;
    q.out = &scratch;
    q.hits = &hits;
    q.self = self ? n : NULL;
    liner M = { .p = q, .lines = 0 };
    print_rhs(&M, n);
    sb_free(&scratch);
    for (int i = 0; i < hits.n; i++) {
        nd_node *t = hits.v[i];
        if (pl->state[t->id] != 1)
            continue;
        pl->state[t->id] = 2;
        place(L, t, 1, line, pl);
        pl->state[t->id] = 3;
        pl->line[pl->n] = line;
        pl->order[pl->n++] = t;
    }
    nodelist_free(&hits);
}

static void place_all(liner *L, const emit_line *lines, int n, nd_node **temps, int nt,
                      placing *pl)
{
    memset(pl->state, 0, L->p.ctx->dag->n_nodes);
    for (int i = 0; i < nt; i++)
        if (printer_name_of(&L->p, temps[i]))
            pl->state[temps[i]->id] = 1;
    pl->n = 0;
    for (int i = 0; i < n; i++)
        place(L, lines[i].expr, 0, i, pl);
}

/* Renames the placed temporaries t1, t2, ... in the order they are placed
 * (skipping the program's names), from a placement of the text form, so
 * that text and LaTeX give a subexpression the same name. */
static void number_temporaries(liner *L, const emit_line *lines, int n, nd_node **temps,
                               int nt, placing *pl)
{
    int latex = L->p.latex, counter = 0;
    L->p.latex = 0;
    place_all(L, lines, n, temps, nt, pl);
    L->p.latex = latex;
    for (int i = 0; i < nt; i++)        /* not shown: printed in full if ever */
        if (pl->state[temps[i]->id] != 3)
            printer_name(&L->p, temps[i], NULL);
    for (int k = 0; k < pl->n; k++) {
        char buf[32];
        do
            snprintf(buf, sizeof buf, "t%d", ++counter);
        while (scope_lookup(L->p.ctx, buf));
        printer_name(&L->p, pl->order[k], arena_strdup(L->p.ctx->arena, buf));
    }
}

void emit_lines(nd_ctx *ctx, const emit_line *lines, int n, int latex, strbuf *out)
{
    liner L;
    printer_init(&L.p, ctx, out);
    L.p.latex = latex;
    L.lines = 0;
    nd_node **roots = xmalloc(((size_t)n + 1) * sizeof *roots);
    for (int i = 0; i < n; i++)
        roots[i] = lines[i].expr;
    unsigned char *used = used_bindings(ctx, roots, n);
    for (int b = 0; b < ctx->scope->n_binds; b++)     /* the bindings, in program order */
        if (used[b] && printer_name_of(&L.p, ctx->scope->binds[b].node) == ctx->scope->binds[b].name)
            definition(&L, ctx->scope->binds[b].name, simplify_present(ctx, ctx->scope->binds[b].node));
    nd_node **temps;
    int nt = printer_temporaries(&L.p, roots, n, &temps);
    placing pl;
    pl.state = xmalloc((size_t)ctx->dag->n_nodes + 1);
    pl.order = xmalloc(((size_t)nt + 1) * sizeof *pl.order);
    pl.line = xmalloc(((size_t)nt + 1) * sizeof *pl.line);
    number_temporaries(&L, lines, n, temps, nt, &pl);
    if (latex)      /* where LaTeX shows them; the names stay the text's */
        place_all(&L, lines, n, temps, nt, &pl);
    for (int i = 0, k = 0; i < n; i++) {
        for (; k < pl.n && pl.line[k] == i; k++)
            definition(&L, printer_name_of(&L.p, pl.order[k]), pl.order[k]);
        begin_line(&L, lines[i].label, lines[i].note);
        print_rhs(&L, lines[i].expr);
        end_line(&L);
    }
    if (latex && L.lines)
        sb_putc(out, '\n');
    free(pl.line);
    free(pl.order);
    free(pl.state);
    free(temps);
    free(used);
    free(roots);
    printer_free(&L.p);
}

void emit_gradients(nd_ctx *ctx, const nd_prog *prog, nd_node *const *g, int latex,
                    strbuf *out)
{
    emit_line *lines = xmalloc(((size_t)prog->n_wrt + 1) * sizeof *lines);
    strbuf labels;
    sb_init(&labels);
    size_t *at = xmalloc(((size_t)prog->n_wrt + 1) * sizeof *at);
    for (int i = 0; i < prog->n_wrt; i++) {
        at[i] = labels.len;
        emit_grad_label(ctx, prog, prog->wrt[i], &labels);
        sb_putc(&labels, '\0');
    }
    for (int i = 0; i < prog->n_wrt; i++) {
        lines[i].label = labels.s + at[i];
        lines[i].expr = g[i];
        lines[i].note = NULL;
    }
    emit_lines(ctx, lines, prog->n_wrt, latex, out);
    sb_free(&labels);
    free(at);
    free(lines);
}

void emit_verify_report(nd_ctx *ctx, const nd_prog *prog, const verify_err *err,
                        const verify_opts *o, int status, strbuf *out)
{
    for (int i = 0; i < prog->n_wrt; i++) {
        emit_grad_label(ctx, prog, prog->wrt[i], out);
        sb_printf(out, ": max relative error %s%s\n", err[i].text,
                  err[i].value <= verify_tolerance(o) ? "" : "  FAILED");
    }
    sb_printf(out, "%s: %d random point%s, %ld-bit central differences, tolerance %.0e\n",
              status == 0 ? "verified" : "NOT verified", o->points, o->points == 1 ? "" : "s",
              (long)o->prec, verify_tolerance(o));
}

void emit_explain(nd_ctx *ctx, const nd_prog *prog, strbuf *out)
{
    elab_explain(ctx, out);
    nd_binding *b = &ctx->scope->binds[prog->objective];
    sb_printf(out, "# objective: %s (%s)\n", b->name, shape_str(ctx, b->node->shape));
    sb_puts(out, "# wrt:");
    for (int i = 0; i < prog->n_wrt; i++)
        sb_printf(out, " %s", ctx->scope->vars[prog->wrt[i]].name);
    sb_putc(out, '\n');
}
