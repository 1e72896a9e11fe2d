/* cg_plan.c: what the generated C computes, where, and when (see cg.h):
 * the roots, the values' kinds and the instructions; the order of products
 * is cg_order.c's, fusion and buffers cg_fuse.c's. */
#include "cg_value.h"

#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "jacobian.h"
#include "mk.h"
#include "simplify.h"
#include "ops.h"

/* ---- uses and masks ---- */

static void count_uses(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    p->n_val = ctx->dag->n_nodes;
    p->val = xmalloc(p->n_val * sizeof *p->val);
    memset(p->val, 0, p->n_val * sizeof *p->val);
    for (uint32_t id = 0; id < p->n_val; id++) {
        p->val[id].read_group = -1;
        p->val[id].reads_at_row = 1;
        p->val[id].producer = -1;
    }
    p->val[p->objective->id].mask = cg_mask_bit(p, 0);
    p->val[p->objective->id].uses++;
    for (int g = 0; g < p->n_grads; g++) {
        cg_value *v = &p->val[p->grads[g]->id];
        v->mask = cg_mask_union(p, v->mask, cg_mask_bit(p, g + 1));
        v->uses++;
    }
    for (uint32_t id = p->n_val; id-- > 0;) {
        if (!p->val[id].mask)
            continue;
        nd_node *n = ctx->dag->nodes[id];
        for (uint32_t k = 0; k < n->nkids; k++) {
            cg_value *kid = &p->val[n->kid[k]->id];
            kid->mask = cg_mask_union(p, kid->mask, p->val[id].mask);
            kid->uses++;
        }
    }
}

/* ---- value kinds ---- */

/* A product of matrices that is not an outer product or a dot product. */
static int is_product(cg_plan *p, const nd_node *n)
{
    return n->op == OP_PROD && n->nkids == 2 && !scalar(p, n->kid[0]) && !scalar(p, n) &&
           !is_outer(p, n);
}

/* Computed by a helper function of the generated file (its row's call). */
static int is_helper(const nd_node *n)
{
    return ops_table[n->op].c_form == CGF_HELPER;
}

/* The operand itself at other indices (ops.def's cg column). */
static int is_view(const nd_node *n)
{
    enum cg_form f = ops_table[n->op].c_form;
    return f == CGF_TRANSPOSE || f == CGF_BCAST || f == CGF_DIAGM || f == CGF_DIAGV;
}

/* Cheap to read anywhere: a variable, a number, something materialized
 * anyway, or a view of one of those. */
static int trivial(cg_plan *p, const nd_node *n)
{
    if (!n->nkids || is_product(p, n) || is_helper(n))
        return 1;
    return is_view(n) && trivial(p, n->kid[0]);
}

/* A number, a dimension's value or eye: an expression where it is read. */
static int inline_leaf(const nd_node *n)
{
    enum cg_form f = ops_table[n->op].c_form;
    return f == CGF_CONST || f == CGF_DIM || f == CGF_EYE;
}

static void classify(cg_plan *p, nd_node *n)
{
    cg_value *v = cg_val(p, n);
    if (n->op == OP_VAR) {
        v->kind = V_INPUT;
        int origin = p->ctx->scope->vars[n->u.var].origin;
        v->index = origin >= 0 ? origin : n->u.var;
    } else if (inline_leaf(n) && !v->needs_buffer) {
        v->kind = V_INLINE;
    } else if (scalar(p, n)) {  /* whatever it was built as: a 1 x 1 is a number */
        v->kind = V_SCALAR;
    } else if (is_product(p, n) || is_helper(n) || cg_is_syrk(p, n) || v->needs_buffer ||
               (v->uses > 1 && !trivial(p, n))) {
        v->kind = V_BUFFER;
    } else {
        v->kind = V_INLINE;
    }
}

/* A product reads X' through X: the array it wants is X's; with --blas it
 * wants one even for a cheap expression. */
static void want_array(cg_plan *p, nd_node *x)
{
    if (x->op == OP_TRANSPOSE)
        x = x->kid[0];
    if (x->op != OP_VAR && (p->opt->blas || !trivial(p, x)))
        cg_val(p, x)->needs_buffer = 1;
}

/* What n needs of its children: a helper reads plain arrays (a scalar
 * operand, by its address: a local, not an inline expression), a product
 * reads its vector operand (and both operands of a matrix product) many
 * times. */
static void require(cg_plan *p, nd_node *n)
{
    nd_ctx *ctx = p->ctx;
    if (p->kind != CG_GRADIENT && n->op == OP_BCAST && !scalar(p, n->kid[0]) &&
        !dim_is_one(ctx, n->shape.rows) && !dim_is_one(ctx, n->shape.cols) &&
        !trivial(p, n->kid[0])) {   /* a folded diag(d): d once, not once per entry */
        cg_val(p, n->kid[0])->needs_buffer = 1;
        return;
    }
    if (is_helper(n)) {     /* a block's offsets, unvec's rows: numbers in its call */
        for (uint32_t k = 0; k < (n->op == OP_INDEX || n->op == OP_UNVEC ? 1 : n->nkids); k++)
            if (n->kid[k]->op != OP_VAR)
                cg_val(p, n->kid[k])->needs_buffer = 1;
        return;
    }
    if (cg_is_syrk(p, n)) {     /* X read n/2 times per row: an array */
        if (n->kid[2]->op != OP_VAR && !trivial(p, n->kid[2]))
            cg_val(p, n->kid[2])->needs_buffer = 1;
        return;
    }
    if (!is_product(p, n))
        return;
    nd_node *a = n->kid[0], *b = n->kid[1];
    int mv = dim_is_one(ctx, n->shape.cols) || dim_is_one(ctx, n->shape.rows);
    if (!mv || p->opt->blas || dim_is_one(ctx, b->shape.cols))
        want_array(p, b);
    if (!mv || p->opt->blas || dim_is_one(ctx, a->shape.rows))
        want_array(p, a);
}

static void classify_all(cg_plan *p)
{
    for (uint32_t id = p->n_val; id-- > 0;)
        if (p->val[id].mask) {
            classify(p, p->ctx->dag->nodes[id]);
            require(p, p->ctx->dag->nodes[id]);
        }
    int ns = 0;
    for (uint32_t id = 0; id < p->n_val; id++)
        if (p->val[id].mask && p->val[id].kind == V_SCALAR)
            p->val[id].index = ns++;
    p->n_scalars = ns;
}

/* ---- instructions ---- */

static int new_buffer(cg_plan *p, nd_shape shape, int grad)
{
    p->buf = xgrow(p->buf, &p->cap_buf, p->n_buf + 1, sizeof *p->buf);
    cg_buffer *b = &p->buf[p->n_buf];
    b->shape = shape;
    b->first = b->last = -1;
    b->slot = -1;
    b->grad = grad;
    return p->n_buf++;
}

static cg_ins *add_ins(cg_plan *p, enum ins_kind kind, nd_node *n, cg_mask mask)
{
    p->ins = xgrow(p->ins, &p->cap_ins, p->n_ins + 1, sizeof *p->ins);
    cg_ins *in = &p->ins[p->n_ins++];
    memset(in, 0, sizeof *in);
    in->kind = kind;
    in->node = n;
    in->mask = mask;
    in->out = -1;
    in->scratch = -1;
    if (cg_val(p, n)->producer < 0)     /* output stores come after it */
        cg_val(p, n)->producer = p->n_ins - 1;
    return in;
}

/* y = L*R as a row loop over a row-major matrix: y = M*v (a dot product
 * per row) or y = M'*v (rows of M added up). */
static void product_ins(cg_plan *p, nd_node *n, cg_mask mask)
{
    nd_ctx *ctx = p->ctx;
    nd_node *l = n->kid[0], *r = n->kid[1];
    cg_ins *in;
    if (dim_is_one(ctx, n->shape.cols)) {           /* a column: L*r */
        if (l->op == OP_TRANSPOSE) {
            in = add_ins(p, I_MVT, n, mask);
            in->a = l->kid[0];
        } else {
            in = add_ins(p, I_MV, n, mask);
            in->a = l;
        }
        in->b = r;
    } else if (dim_is_one(ctx, n->shape.rows)) {    /* a row: l'*R = (R'*l)' */
        if (r->op == OP_TRANSPOSE) {
            in = add_ins(p, I_MV, n, mask);
            in->a = r->kid[0];
        } else {
            in = add_ins(p, I_MVT, n, mask);
            in->a = r;
        }
        in->b = l;
    } else {
        in = add_ins(p, I_MM, n, mask);
        in->a = l;
        in->b = r->op == OP_TRANSPOSE ? r->kid[0] : r;
        in->b_transposed = r->op == OP_TRANSPOSE;
    }
}

/* A scratch array of the operand's shape, when the call's template has $s. */
static int helper_scratch(cg_plan *p, const nd_node *n)
{
    if (strstr(ops_table[n->op].c_call, "$s"))
        return new_buffer(p, n->kid[0]->shape, -1);
    return -1;
}

static void value_ins(cg_plan *p, nd_node *n)
{
    cg_value *v = cg_val(p, n);
    if (v->kind == V_SCALAR) {
        if (is_helper(n)) {
            add_ins(p, I_CALL, n, v->mask)->scratch = helper_scratch(p, n);
        } else if (is_dot(p, n) || ops_table[n->op].cls == OPC_REDUCE) {
            add_ins(p, I_REDUCE, n, v->mask);
        } else {
            add_ins(p, I_SCALAR, n, v->mask);
        }
        return;
    }
    v->index = new_buffer(p, n->shape, -1);
    if (cg_is_syrk(p, n)) {
        cg_ins *in = add_ins(p, I_SYRK, n, v->mask);
        in->a = n->kid[2];
        in->b = n->kid[1]->kid[0];
        if (p->opt->blas)
            in->scratch = new_buffer(p, in->a->shape, -1);
    } else if (is_product(p, n))
        product_ins(p, n, v->mask);
    else if (is_helper(n))
        add_ins(p, I_CALL, n, v->mask)->scratch = helper_scratch(p, n);
    else
        add_ins(p, I_ELEM, n, v->mask);
}

/* Each gradient: its buffer when nothing else reads it, else a store. */
static void output_ins(cg_plan *p, int g)
{
    nd_node *n = p->grads[g];
    cg_value *v = cg_val(p, n);
    cg_mask bit = cg_mask_bit(p, g + 1);
    if (v->kind == V_BUFFER && v->uses == 1 && p->buf[v->index].grad < 0) {
        p->buf[v->index].grad = g;
        return;
    }
    add_ins(p, I_ELEM, n, bit)->out = g;
}

static void build_instructions(cg_plan *p)
{
    for (uint32_t id = 0; id < p->n_val; id++) {
        cg_value *v = &p->val[id];
        if (v->mask && (v->kind == V_SCALAR || v->kind == V_BUFFER))
            value_ins(p, p->ctx->dag->nodes[id]);
    }
    for (int g = 0; g < p->n_grads; g++)
        output_ins(p, g);
}

/* ---- sizes the code can know ---- */

static int free_dim(cg_plan *p, const unsigned char *known, nd_dim d)
{
    return dim_value(p->ctx, d) <= 0 && !known[dim_find(p->ctx, d)];
}

/* Every size the needed values have must be one of the ABI's dimensions:
 * sum(vector(2)) alone leaves the vector's size free, and the generated
 * code has no way to know it: an input error, raised. */
static void sizes_known(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    unsigned char *known = xmalloc((size_t)ctx->dimtab->n_dims + 1);
    memset(known, 0, (size_t)ctx->dimtab->n_dims + 1);
    for (int d = 0; d < p->n_dims; d++)
        known[dim_find(ctx, p->dims[d])] = 1;
    nd_dim bad = -1;
    for (uint32_t id = 0; id < p->n_val && bad < 0; id++) {
        nd_node *n = ctx->dag->nodes[id];
        if (!p->val[id].mask)
            continue;
        if (free_dim(p, known, n->shape.rows))
            bad = n->shape.rows;
        else if (free_dim(p, known, n->shape.cols))
            bad = n->shape.cols;
        else if ((n->op == OP_DIMVAL || n->op == OP_EYE) && free_dim(p, known, n->u.dim))
            bad = n->u.dim;
    }
    free(known);
    if (bad >= 0)
        diag_fail(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "%s: the size %s (of a vector(...) or matrix(...) that nothing else fixes) "
                  "is no variable's dimension, so the generated code could not know it",
                  p->mode, dim_name(ctx, bad));
}

/* ---- the whole ---- */

/* One output per --wrt variable, by itself (a gradient, a Jacobian, H*v). */
static void outputs_by_variable(cg_plan *p)
{
    p->n_grads = p->prog->n_wrt;
    p->grads = xmalloc(((size_t)p->n_grads + 1) * sizeof *p->grads);
    p->out_row = xmalloc(((size_t)p->n_grads + 1) * sizeof *p->out_row);
    p->out_col = xmalloc(((size_t)p->n_grads + 1) * sizeof *p->out_col);
    for (int g = 0; g < p->n_grads; g++)
        p->out_row[g] = p->out_col[g] = g;
}

/* H*v as the gradient of phi = sum_i v_i'*g_i(x), g_i the gradient by x_i
 * and v_i a new input shaped like x_i: reverse mode over the gradient, so
 * a product costs what the gradient costs, and no Hessian is formed. */
static void hvp_roots(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    const nd_prog *prog = p->prog;
    int n = prog->n_wrt;
    nd_node **g = xmalloc(((size_t)n + 1) * sizeof *g), **terms = xmalloc(((size_t)n + 1) * sizeof *terms);
    derive_gradients(ctx, p->objective, prog->wrt, n, g);
    emit_simplify_all(ctx, g, n);
    strbuf b;
    sb_init(&b);
    for (int i = 0; i < n; i++) {
        nd_var *x = &ctx->scope->vars[prog->wrt[i]];
        sb_clear(&b);
        sb_printf(&b, "v_%s", x->name);
        nd_shape shape = x->shape;
        int v = scope_add_var(ctx, arena_strdup(ctx->arena, sb_str(&b)), x->loc, shape, 1, AS_NONE);
        terms[i] = mk_inner(ctx, ctx->scope->vars[v].node, g[i]);
    }
    sb_free(&b);
    derive_gradients(ctx, mk_add(ctx, terms, n), prog->wrt, n, p->grads);
    emit_simplify_all(ctx, p->grads, n);
    free(g);
    free(terms);
}

/* The Jacobian's or the Hessian's blocks (jac_make_blocks: simplified,
 * the Hessian's on and above the diagonal); raises what it refuses. */
static void block_roots(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    jac_blocks b;
    jac_make_blocks(ctx, p->prog, p->kind == CG_HESSIAN ? JAC_HESSIAN : JAC_JACOBIAN, &b);
    if (p->denominator)
        jac_transpose_blocks(ctx, &b);
    p->n_grads = b.n;
    p->grads = xmalloc(((size_t)b.n + 1) * sizeof *p->grads);
    p->out_row = xmalloc(((size_t)b.n + 1) * sizeof *p->out_row);
    p->out_col = xmalloc(((size_t)b.n + 1) * sizeof *p->out_col);
    for (int k = 0; k < b.n; k++) {
        p->grads[k] = b.expr[k];
        p->out_row[k] = b.row[k];
        p->out_col[k] = b.col[k];
    }
    jac_blocks_free(&b);
    if (!shape_is_scalar(ctx, p->objective->shape))
        p->objective = mk_zero(ctx, shape_make(DIM_ONE, DIM_ONE));
}

static void plan_roots(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    const nd_prog *prog = p->prog;
    p->objective = ctx->scope->binds[prog->objective].node;
    if (p->kind == CG_JACOBIAN || p->kind == CG_HESSIAN) {
        block_roots(p);
        return;
    }
    outputs_by_variable(p);
    if (p->kind == CG_HVP)
        hvp_roots(p);
    else
        derive_gradients(ctx, p->objective, prog->wrt, prog->n_wrt, p->grads);
}

/* Operators whose row has no C form (NOCODE, not an input: README,
 * Limits): an error that names them (raised), not wrong code. */
static void without_c(cg_plan *p)
{
    nd_ctx *ctx = p->ctx;
    unsigned char *mark = xmalloc((size_t)ctx->dag->n_nodes + 1);
    memset(mark, 0, (size_t)ctx->dag->n_nodes + 1);
    expr_reach(ctx, p->grads, p->n_grads, mark);
    expr_reach(ctx, &p->objective, 1, mark);
    const char *what = NULL;
    for (uint32_t id = 0; id < ctx->dag->n_nodes && !what; id++) {
        int op = mark[id] ? ctx->dag->nodes[id]->op : -1;
        if (op >= 0 && ops_table[op].c_form == CGF_NONE && ops_table[op].cls != OPC_LEAF)
            what = ops_table[op].name;
    }
    free(mark);
    if (what)
        diag_fail(ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "%s: '%s' has no %s form yet", p->mode,
                  what, strcmp(p->mode, "--c") ? "NumPy" : "C");
}

void cg_plan_build(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const cg_options *opt)
{
    cg_plan_build_kind(p, ctx, prog, opt, CG_GRADIENT, 0);
}

static void build(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const cg_options *opt,
                  enum cg_kind kind, int denominator, const char *mode);

void cg_plan_build_kind(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const cg_options *opt,
                        enum cg_kind kind, int denominator)
{
    build(p, ctx, prog, opt, kind, denominator, "--c");
}

void cg_plan_build_for(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const cg_options *opt,
                       enum cg_kind kind, int denominator, const char *mode)
{
    build(p, ctx, prog, opt, kind, denominator, mode);
}

static void setup(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const cg_options *opt,
                  enum cg_kind kind, int denominator, const char *mode)
{
    memset(p, 0, sizeof *p);
    p->mode = mode;
    p->kind = kind;
    p->denominator = denominator;
    p->ctx = ctx;
    p->prog = prog;
    p->opt = opt;
    p->estimate = xmalloc(((size_t)ctx->dimtab->n_dims + 1) * sizeof *p->estimate);
    cg_check_prefix(ctx, opt->name);
    cg_parse_dims(p, opt->dims);
    p->dims = xmalloc(((size_t)ctx->dimtab->n_dims + 1) * sizeof *p->dims);
    p->n_dims = scope_abi_dims(ctx, p->dims, ctx->dimtab->n_dims);
}

/* The plan of the roots chosen (raises what it refuses). */
static void plan_rest(cg_plan *p)
{
    without_c(p);
    if (p->opt->colmajor)
        cg_to_colmajor(p);
    cg_normalize_roots(p);
    count_uses(p);
    sizes_known(p);
    classify_all(p);
    build_instructions(p);
    cg_fuse(p);
    cg_row_locals(p);
    cg_lifetimes(p);
    cg_assign_slots(p);
}

/* ---- the gradients' forms: the simplified ones where they cost no more ---- */

static double size_of(cg_plan *p, nd_dim d)
{
    long v = dim_value(p->ctx, d);
    return (double)(v > 0 ? v : p->estimate[dim_find(p->ctx, d)]);
}

static double entries(cg_plan *p, const nd_node *n)
{
    return size_of(p, n->shape.rows) * size_of(p, n->shape.cols);
}

/* The plan's multiply-adds at the cost model's sizes: each instruction
 * once, an element loop one per entry, a helper call (inv, det, ...) the
 * cube of its side. */
static double plan_work(cg_plan *p)
{
    double w = 0;
    for (int i = 0; i < p->n_ins; i++) {
        const cg_ins *in = &p->ins[i];
        const nd_node *k0 = in->node->nkids ? in->node->kid[0] : in->node;
        switch (in->kind) {
        case I_MV:
        case I_MVT: w += entries(p, in->a); break;
        case I_MM: w += entries(p, in->node) * size_of(p, in->a->shape.cols); break;
        case I_SYRK: w += entries(p, in->node) * size_of(p, in->a->shape.rows); break;
        case I_REDUCE: w += entries(p, k0); break;
        case I_CALL: w += entries(p, k0) * size_of(p, k0->shape.rows); break;
        default: w += entries(p, in->node); break;
        }
    }
    return w;
}

/* The gradients as the text mode prints them (emit_simplify_all), planned
 * in place of p (the plan of the gradients as derived) unless their plan
 * does more work or cannot be made.  Simplified, the quotients that cancel
 * are gone: q*(a/q - b/q) is a - b, which does not divide by a q that
 * underflows.  But factoring can cost: the autoencoder's W*r*x' + W*x*r'
 * prints as W*(r*x' + x*r'), an n x n matrix times W where the derived form
 * is two passes over W (docs/architecture.md).  Only the work of the two
 * plans decides: both are whole plans, so what the planner shares and
 * fuses is counted. */
static void simplified_plan(cg_plan *p, nd_node *const *derived)
{
    nd_ctx *ctx = p->ctx;
    int n = p->n_grads, same = 1;
    nd_node **s = arena_alloc(ctx->arena, ((size_t)n + 1) * sizeof *s);    /* may raise */
    memcpy(s, derived, (size_t)n * sizeof *s);
    emit_simplify_all(ctx, s, n);
    for (int i = 0; i < n; i++)
        same &= s[i] == derived[i];
    if (same)
        return;
    cg_plan *alt = xmalloc(sizeof *alt);
    setup(alt, ctx, p->prog, p->opt, p->kind, p->denominator, p->mode);
    alt->objective = ctx->scope->binds[p->prog->objective].node;
    outputs_by_variable(alt);
    memcpy(alt->grads, s, (size_t)n * sizeof *s);
    volatile int made = 0;
    diag_catch k;
    diag_catch_open(ctx, &k);
    DIAG_TRY(ctx, jb) {
        plan_rest(alt);
        made = 1;
    }
    DIAG_END_TRY(ctx, jb);
    diag_catch_close(ctx, &k);
    diag_catch_free(&k);
    if (made && !alt->bug && plan_work(alt) <= plan_work(p)) {
        cg_plan_free(p);
        *p = *alt;
    } else {
        cg_plan_free(alt);
    }
    free(alt);
}

static void build(cg_plan *p, nd_ctx *ctx, const nd_prog *prog, const cg_options *opt,
                  enum cg_kind kind, int denominator, const char *mode)
{
    setup(p, ctx, prog, opt, kind, denominator, mode);
    plan_roots(p);
    nd_node **derived = NULL;   /* in the arena: plan_rest may raise */
    if (kind == CG_GRADIENT) {
        derived = arena_alloc(ctx->arena, ((size_t)p->n_grads + 1) * sizeof *derived);
        memcpy(derived, p->grads, (size_t)p->n_grads * sizeof *derived);
    }
    plan_rest(p);
    if (derived && !p->bug)
        simplified_plan(p, derived);
    if (p->bug)
        diag_fail(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "internal error in the C generator: %s (please report)", p->bug);
}

void cg_plan_free(cg_plan *p)
{
    free(p->estimate);
    free(p->dims);
    free(p->grads);
    free(p->out_row);
    free(p->out_col);
    free(p->val);
    free(p->ins);
    free(p->buf);
    free(p->bug);
    free(p->norm_of);
    cg_mask_free(p);
}
