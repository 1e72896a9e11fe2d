/* cg_dump.c: the plan as text, the one view of it that does not depend on
 * C.  With ND_DUMP_PLAN=1 in the environment, --c prints it instead of the
 * C (README, "The C generator"), so tests can check fusion, order and
 * workspace slots directly, as QBE's debug output does.  The format:
 *   plan: counts
 *   g<group> <kind> <value> = <expression>  [rows R] [dot-form] [scratch %bK] needs {...}
 *   ...one line per instruction, in order...
 *   return <the objective>
 *   %b<k> <shape> slot S, groups F..L | grad W, groups F..L   (or %r<k> row local)
 * Values are named as the C names them, with a % that no program name
 * has: %b<k> a workspace buffer, %r<k> a row local, %s<k> a scalar,
 * %grad_W a gradient output; variables by their names.  An instruction
 * prints its own node in full, its operands by those names; needs lists
 * the outputs that want it (L the objective), "always" when L does. */
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "print.h"
#include "scope.h"
#include "shape.h"


/* %grad_W (%hess_x, %jac_x, %hv_x; %hess_x,y for an off-diagonal block). */
static void out_label(const cg_plan *p, int g, strbuf *out)
{
    sb_printf(out, "%%%s_", cg_out_stem(p));
    cg_out_name(p, g, out);
}
static const char *const kind_name[] = {
    [I_SCALAR] = "scalar", [I_ELEM] = "elem", [I_MV] = "mv",     [I_MVT] = "mvt",
    [I_MM] = "mm",         [I_REDUCE] = "reduce", [I_CALL] = "call",   [I_SYRK] = "syrk",
};

/* The names of the materialized values, as the printer's names (freed
 * with names[]). */
static char **name_values(cg_plan *p, printer *pr)
{
    nd_ctx *ctx = p->ctx;
    char **names = xmalloc(((size_t)p->n_val + 1) * sizeof *names);
    for (uint32_t i = 0; i < pr->n_names; i++)
        pr->names[i] = NULL;    /* the program's names would hide the plan's */
    for (uint32_t id = 0; id < p->n_val; id++) {
        cg_value *v = &p->val[id];
        names[id] = NULL;
        if (!v->mask || (v->kind != V_BUFFER && v->kind != V_SCALAR))
            continue;
        strbuf b;
        sb_init(&b);
        if (v->kind == V_SCALAR)
            sb_printf(&b, "%%s%d", v->index);
        else if (p->buf[v->index].grad >= 0)
            out_label(p, p->buf[v->index].grad, &b);
        else
            sb_printf(&b, "%%%s%d", v->row_local ? "r" : "b", v->index);
        names[id] = b.s;
        printer_name(pr, ctx->dag->nodes[id], names[id]);
    }
    return names;
}

/* {L, W, b}: the outputs of a mask (L the objective), or "always". */
static void mask_text(cg_plan *p, cg_mask m, strbuf *out)
{
    if (m == CG_ALWAYS) {
        sb_puts(out, "always");
        return;
    }
    const cg_maskdef *d = &p->masks[m];
    int any = 0;
    sb_putc(out, '{');
    for (int k = 0; k < d->n; k++)
        for (int bit = 0; bit < 32; bit++)
            if (d->bits[k] & (1u << bit)) {
                int g = (int)d->word[k] * 32 + bit - 1;
                sb_puts(out, any++ ? ", " : "");
                if (g < 0)
                    sb_putc(out, 'L');
                else
                    cg_out_name(p, g, out);
            }
    sb_putc(out, '}');
}

static void dump_ins(cg_plan *p, printer *pr, char **names, const cg_ins *in, strbuf *out)
{
    nd_ctx *ctx = p->ctx;
    sb_printf(out, "g%d %s ", in->group, kind_name[in->kind]);
    if (in->out >= 0)
        out_label(p, in->out, out);
    else
        sb_puts(out, names[in->node->id] ? names[in->node->id] : "?");
    sb_puts(out, " = ");
    pr->self = in->out >= 0 ? NULL : in->node;
    print_to(pr, in->node, out);
    pr->self = NULL;
    if (cg_is_row_loop(in))
        sb_printf(out, "  rows %s", dim_name(ctx, in->rows));
    if (in->kind == I_MM && in->b_transposed)
        sb_puts(out, "  dot-form");
    if (in->scratch >= 0)
        sb_printf(out, "  scratch %%b%d", in->scratch);
    sb_puts(out, "  needs ");
    mask_text(p, in->mask, out);
    sb_putc(out, '\n');
}

static void dump_buffers(cg_plan *p, strbuf *out)
{
    nd_ctx *ctx = p->ctx;
    unsigned char *local = xmalloc((size_t)p->n_buf + 1);
    memset(local, 0, (size_t)p->n_buf + 1);
    for (uint32_t id = 0; id < p->n_val; id++)
        if (p->val[id].mask && p->val[id].kind == V_BUFFER && p->val[id].row_local)
            local[p->val[id].index] = 1;
    for (int b = 0; b < p->n_buf; b++) {
        const cg_buffer *f = &p->buf[b];
        sb_printf(out, "%%%c%d %s ", local[b] ? 'r' : 'b', b, shape_str(ctx, f->shape));
        if (local[b])       /* a local double r<k> of one loop, no memory */
            sb_puts(out, "row local\n");
        else if (f->grad >= 0)
        {
            sb_puts(out, "grad ");
            cg_out_name(p, f->grad, out);
            sb_printf(out, ", groups %d..%d\n", f->first, f->last);
        }
        else
            sb_printf(out, "slot %d, groups %d..%d\n", f->slot, f->first, f->last);
    }
    free(local);
}

void cg_plan_dump(cg_plan *p, strbuf *out)
{
    printer pr;
    printer_init(&pr, p->ctx, out);
    char **names = name_values(p, &pr);
    sb_printf(out, "plan: %d instructions in %d groups, %d scalars, %d buffers in %d slots\n",
              p->n_ins, p->n_groups, p->n_scalars, p->n_buf, p->n_slots);
    for (int x = 0; x < p->n_ins; x++)
        dump_ins(p, &pr, names, &p->ins[x], out);
    sb_puts(out, "return ");
    print_to(&pr, p->objective, out);
    sb_putc(out, '\n');
    dump_buffers(p, out);
    for (uint32_t id = 0; id < p->n_val; id++)
        free(names[id]);
    free(names);
    printer_free(&pr);
}
