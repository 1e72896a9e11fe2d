/* cg_value.c: what the planner's files and the emitters look up in a plan
 * (a value's record, the outputs' names, the shape of a syrk product), and
 * the first inconsistency; below cg_plan.c, cg_order.c and cg_fuse.c, so
 * that they call down to it and never back into each other. */
#include "cg_value.h"

#include <stdlib.h>

#include "ops.h"
#include "scope.h"

cg_value *cg_val(cg_plan *p, const nd_node *n)
{
    return &p->val[n->id];
}

/* An inconsistency of the plan (a bug, not an input error): the first is
 * reported, and no C is written. */
void cg_plan_bug(cg_plan *p, const nd_node *n, const char *what)
{
    if (p->bug)
        return;
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "%s (node %u, operator %s, %s)", what, n->id, ops_table[n->op].name,
              shape_str(p->ctx, n->shape));
    p->bug = xstrdup(sb_str(&b));
    sb_free(&b);
}

/* Y'*diag(d)*Y, Y = f[2] a matrix; Y may be X' (X*diag(d)*X', which
 * --colmajor makes of A'*diag(d)*A). */
int cg_syrk_factors(const cg_plan *p, nd_node *const *f)
{
    return ops_table[f[1]->op].c_form == CGF_DIAGM && !dim_is_one(p->ctx, f[2]->shape.cols) &&
           ((f[0]->op == OP_TRANSPOSE && f[0]->kid[0] == f[2]) ||
            (f[2]->op == OP_TRANSPOSE && f[2]->kid[0] == f[0]));
}

int cg_is_syrk(const cg_plan *p, const nd_node *n)
{
    return n->op == OP_PROD && n->nkids == 3 && cg_syrk_factors(p, n->kid);
}

void cg_out_name(const cg_plan *p, int g, strbuf *out)
{
    const nd_var *vars = p->ctx->scope->vars;
    sb_puts(out, vars[p->prog->wrt[p->out_row[g]]].name);
    if (p->out_col[g] != p->out_row[g])
        sb_printf(out, ",%s", vars[p->prog->wrt[p->out_col[g]]].name);
}

const char *cg_out_stem(const cg_plan *p)
{
    static const char *const stem[] = { "grad", "jac", "hess", "hv" };
    return stem[p->kind];
}
