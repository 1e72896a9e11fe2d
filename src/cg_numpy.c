/* cg_numpy.c: the plan written as a Python 3 module over NumPy (--numpy).
 *
 * The same plan as the C (cg_plan.c), walked the same way: each
 * instruction is one statement that makes its value whole (a product is
 * `@`, a loop of elements one array expression, a helper a call), in the
 * plan's order, so that what is computed, in which association, and what
 * is computed once is decided in one place.  What the C needs and NumPy
 * does not (fusion of loops, workspace slots, the masks of skipped
 * gradients) is left out.  The function reads the dimensions from the
 * arguments' shapes and checks them; values take the program's names where
 * a binding is one, else the plan's (b0, s1, as ND_DUMP_PLAN=1 shows). */
#include <stdlib.h>
#include <string.h>

#include "cg_numpy.h"
#include "num.h"
#include "ops.h"
#include "shape.h"
#include "version.h"

/* ---- the docstring ---- */

/* Is s[0..] the start of a valid UTF-8 sequence?  Its length, or 0. */
static int utf8_len(const unsigned char *s)
{
    int n = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (s[0] >= 0xf5)
        return 0;
    for (int k = 1; k < n; k++)
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* text as lines of the docstring, indented: backslashes and quotes
 * escaped, bytes that are not UTF-8 or are control characters as '?', so
 * that any comment of a program leaves a module that imports. */
static void doc_lines(strbuf *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    int bol = 1;
    while (*s) {
        if (bol && *s != '\n')
            sb_puts(out, "        ");
        bol = *s == '\n';
        int n;
        if (*s == '\\' || *s == '"') {
            sb_putc(out, '\\');
            sb_putc(out, (char)*s++);
        } else if (*s == '\n' || *s == '\t' || (*s >= 0x20 && *s < 0x7f)) {
            sb_putc(out, (char)*s++);
        } else if (*s >= 0x80 && (n = utf8_len(s)) > 0) {
            sb_printf(out, "%.*s", n, (const char *)s);
            s += n;
        } else {
            sb_putc(out, '?');
            s++;
        }
    }
    if (!bol)
        sb_putc(out, '\n');
}

static int is_vector(nd_ctx *ctx, nd_shape s)
{
    return dim_is_one(ctx, s.cols) && !dim_is_one(ctx, s.rows);
}

/* "W: an m x n matrix; x: a vector of n entries" */
static void describe_args(py_emitter *E, strbuf *out)
{
    nd_ctx *ctx = E->ctx;
    for (int v = 0; v < ctx->scope->n_vars; v++) {
        nd_shape s = ctx->scope->vars[v].shape;
        sb_printf(out, "    %s: ", E->var[v]);
        if (shape_is_scalar(ctx, s))
            sb_puts(out, "a scalar");
        else if (is_vector(ctx, s))
            sb_printf(out, "a vector of %s entries", dim_name(ctx, s.rows));
        else
            sb_printf(out, "a matrix of %s x %s", dim_name(ctx, s.rows), dim_name(ctx, s.cols));
        sb_putc(out, '\n');
    }
    sb_puts(out, "    A vector is a 1-D array or an (n, 1) column; its gradient has its shape.\n");
}

/* What the outputs are: "gradient", "Jacobian", "Hessian's block", plural. */
static const char *outputs_word(const cg_plan *p)
{
    static const char *const what[][2] = {
        { "gradients", "gradient" }, { "Jacobians", "Jacobian" },
        { "Hessian's blocks", "Hessian" }, { "H*v", "H*v" },
    };
    return what[p->kind][p->n_grads == 1];
}

static void docstring(py_emitter *E, const char *program, const char *gradients, strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    const char *obj = ctx->scope->binds[p->prog->objective].name;
    nd_shape of = ctx->scope->binds[p->prog->objective].node->shape;
    const char *vector = p->kind == CG_GRADIENT || shape_is_scalar(ctx, of)
                         ? "" : " (0: the objective is a vector)";
    sb_printf(out, "    \"\"\"The objective %s and its %s, as nnderive %s derived them.\n\n",
              obj, outputs_word(p), ND_VERSION);
    describe_args(E, out);
    sb_printf(out, "    Returns (%s%s", obj, vector);
    for (int g = 0; g < p->n_grads; g++) {
        const char *x = ctx->scope->vars[p->prog->wrt[p->kind == CG_GRADIENT ? g : p->out_row[g]]].name;
        const char *y = p->kind == CG_GRADIENT ? x : ctx->scope->vars[p->prog->wrt[p->out_col[g]]].name;
        if (p->kind != CG_HESSIAN)
            sb_printf(out, ", d%s/d%s", obj, x);
        else if (x == y)
            sb_printf(out, ", d2%s/d%s2", obj, x);
        else
            sb_printf(out, ", d2%s/d%s d%s", obj, x, y);
    }
    sb_puts(out, ").\n\n    The program:\n");
    doc_lines(out, program);
    sb_printf(out, "\n    The %s:\n", outputs_word(p));
    doc_lines(out, gradients);
    sb_puts(out, "    \"\"\"\n");
}

/* ---- the arguments and their dimensions ---- */

typedef struct binder {
    int *var;           /* by dimension root: the variable that gave it, or -1 */
    const char **noun;  /* "rows", "columns", "entries" */
} binder;

static void axis_text(py_emitter *E, int v, int axis, strbuf *out)
{
    sb_printf(out, "%s.shape[%d]", E->var[v], axis);
}

/* One axis of variable v: a number checked, a new dimension bound, a
 * known one compared ("W has 3 columns, x has 4 entries: n differs"). */
static void bind_axis(py_emitter *E, binder *B, int v, int axis, nd_dim d, const char *noun,
                      strbuf *out)
{
    nd_ctx *ctx = E->ctx;
    const char *name = ctx->scope->vars[v].name;
    strbuf ax;
    sb_init(&ax);
    axis_text(E, v, axis, &ax);
    long value = dim_value(ctx, d);
    int r = dim_find(ctx, d);
    if (value > 0) {
        sb_printf(out, "    if %s != %ld:\n", sb_str(&ax), value);
        sb_printf(out, "        raise ValueError(\"%s has %%d %s, not %ld\" %% %s)\n", name, noun,
                  value, sb_str(&ax));
    } else if (!E->dim[r]) {
        E->dim[r] = py_name(E, dim_name(ctx, d));
        B->var[r] = v;
        B->noun[r] = noun;
        sb_printf(out, "    %s = %s\n", E->dim[r], sb_str(&ax));
    } else {
        sb_printf(out, "    if %s != %s:\n", sb_str(&ax), E->dim[r]);
        sb_printf(out, "        raise ValueError(\"%s has %%d %s, %s has %%d %s: %s differs\"\n"
                       "                         %% (%s, %s))\n",
                  ctx->scope->vars[B->var[r]].name, B->noun[r], name, noun, dim_name(ctx, d), E->dim[r],
                  sb_str(&ax));
    }
    sb_free(&ax);
}

/* A symbolic dimension no argument has bound yet. */
static int fresh_dim(py_emitter *E, nd_dim d)
{
    return dim_value(E->ctx, d) <= 0 && !E->dim[dim_find(E->ctx, d)];
}

static void bind_both(py_emitter *E, binder *B, int v, nd_shape s, strbuf *out)
{
    nd_ctx *ctx = E->ctx;
    int r = dim_find(ctx, s.rows), c = dim_find(ctx, s.cols);
    E->dim[r] = py_name(E, dim_name(ctx, s.rows));
    E->dim[c] = py_name(E, dim_name(ctx, s.cols));
    B->var[r] = B->var[c] = v;
    B->noun[r] = "rows";
    B->noun[c] = "columns";
    sb_printf(out, "    %s, %s = %s.shape\n", E->dim[r], E->dim[c], E->var[v]);
}

static int is_wrt(const cg_plan *p, int v)
{
    for (int g = 0; g < p->n_grads; g++)
        if (p->prog->wrt[g] == v)
            return 1;
    return 0;
}

/* Each argument made a float64 array of two axes (a scalar an
 * np.float64), its dimensions bound or checked; a vector's own shape kept
 * for its gradient (shape_x). */
static void arguments(py_emitter *E, const char **shape_of, strbuf *out)
{
    nd_ctx *ctx = E->ctx;
    binder B = { xmalloc(((size_t)ctx->dimtab->n_dims + 1) * sizeof *B.var),
                 xmalloc(((size_t)ctx->dimtab->n_dims + 1) * sizeof *B.noun) };
    for (int v = 0; v < ctx->scope->n_vars; v++) {
        nd_shape s = ctx->scope->vars[v].shape;
        const char *py = E->var[v], *name = ctx->scope->vars[v].name;
        if (shape_is_scalar(ctx, s)) {
            py_use(E, PYH_scalar);
            sb_printf(out, "    %s = _scalar(\"%s\", %s)\n", py, name, py);
        } else if (is_vector(ctx, s)) {
            if (is_wrt(E->p, v)) {
                strbuf w;
                sb_init(&w);
                sb_printf(&w, "shape_%s", py);
                shape_of[v] = py_name(E, sb_str(&w));
                sb_free(&w);
                sb_printf(out, "    %s = np.shape(%s)\n", shape_of[v], py);
            }
            py_use(E, PYH_vector);
            sb_printf(out, "    %s = _vector(\"%s\", %s)\n", py, name, py);
            bind_axis(E, &B, v, 0, s.rows, "entries", out);
        } else {
            py_use(E, PYH_matrix);
            sb_printf(out, "    %s = _matrix(\"%s\", %s)\n", py, name, py);
            if (fresh_dim(E, s.rows) && fresh_dim(E, s.cols) && !dim_same(ctx, s.rows, s.cols)) {
                bind_both(E, &B, v, s, out);    /* m, n = W.shape */
                continue;
            }
            bind_axis(E, &B, v, 0, s.rows, "rows", out);
            bind_axis(E, &B, v, 1, s.cols, "columns", out);
        }
    }
    free(B.var);
    free(B.noun);
}

/* ---- names of the values ---- */

/* Output g's name: grad_x, or jac_x, hess_x, hess_x_y for the blocks. */
static void output_text(py_emitter *E, int g, strbuf *out)
{
    cg_plan *p = E->p;
    if (p->kind == CG_GRADIENT)
        sb_printf(out, "grad_%s", E->var[p->prog->wrt[g]]);
    else if (p->out_col[g] == p->out_row[g])
        sb_printf(out, "%s_%s", cg_out_stem(p), E->var[p->prog->wrt[p->out_row[g]]]);
    else
        sb_printf(out, "%s_%s_%s", cg_out_stem(p), E->var[p->prog->wrt[p->out_row[g]]],
                  E->var[p->prog->wrt[p->out_col[g]]]);
}

static void name_values(py_emitter *E)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    for (uint32_t id = 0; id < p->n_val; id++) {     /* outputs written in place */
        cg_value *v = &p->val[id];
        if (v->mask && v->kind == V_BUFFER && p->buf[v->index].grad >= 0) {
            strbuf b;
            sb_init(&b);
            output_text(E, p->buf[v->index].grad, &b);
            E->val[id] = py_name(E, sb_str(&b));
            sb_free(&b);
        }
    }
    for (int k = 0; k < ctx->scope->n_binds; k++) {     /* the program's names */
        nd_node *n = ctx->scope->binds[k].node;
        if (!n)
            continue;
        if (n->id < p->n_norm && p->norm_of[n->id])
            n = p->norm_of[n->id];
        cg_value *v = n->id < p->n_val ? &p->val[n->id] : NULL;
        if (v && v->mask && (v->kind == V_SCALAR || v->kind == V_BUFFER) && !E->val[n->id])
            E->val[n->id] = py_name(E, ctx->scope->binds[k].name);
    }
    for (uint32_t id = 0; id < p->n_val; id++) {     /* the plan's */
        cg_value *v = &p->val[id];
        if (!v->mask || E->val[id] || (v->kind != V_SCALAR && v->kind != V_BUFFER))
            continue;
        char buf[32];
        snprintf(buf, sizeof buf, "%s%d", v->kind == V_SCALAR ? "s" : v->row_local ? "r" : "b",
                 v->index);
        E->val[id] = py_name(E, buf);
    }
}

/* ---- statements ---- */

/* n whole, parenthesized when looser than max. */
static py_form whole_operand(py_emitter *E, const nd_node *n, enum py_prec max, strbuf *out)
{
    strbuf b;
    sb_init(&b);
    py_form f = py_whole(E, n, &b);
    sb_printf(out, f.prec > max ? "(%s)" : "%s", sb_str(&b));
    sb_free(&b);
    return f;
}

/* A number spread over a row or a column, read where it is: the ones
 * vector of a bias gradient (G*vector(1)). */
static const nd_node *spread_number(py_emitter *E, const nd_node *v, int row)
{
    if (v == E->self || v->op != OP_BCAST || cg_val(E->p, v)->kind != V_INLINE ||
        !shape_is_scalar(E->ctx, v->kid[0]->shape))
        return NULL;
    return dim_is_one(E->ctx, row ? v->shape.rows : v->shape.cols) ? v->kid[0] : NULL;
}

/* A*(c ones) as c times A's row sums, (c ones)'*B as c times B's column
 * sums: no array of ones made, and one pass. */
static int sum_product(py_emitter *E, const nd_node *n, strbuf *out)
{
    const nd_node *a = n->kid[0], *b = n->kid[1];
    const nd_node *c = spread_number(E, b, 0), *m = a;
    int axis = 1;
    if (!c && (c = spread_number(E, a, 1)) != NULL) {
        m = b;
        axis = 0;
    }
    if (!c)
        return 0;
    if (!(c->op == OP_CONST && mpq_cmp_si(c->u.q, 1, 1) == 0)) {
        py_operand(E, c, PY_MUL, out);
        sb_puts(out, " * ");
    }
    whole_operand(E, m, PY_ATOM, out);
    sb_printf(out, ".sum(axis=%d, keepdims=True)", axis);
    return 1;
}

/* A matrix product as `@` (a scalar operand, which `@` refuses, as `*`). */
static py_form product(py_emitter *E, const nd_node *n, strbuf *out)
{
    const nd_node *a = n->kid[0], *b = n->kid[1];
    if (sum_product(E, n, out))
        return (py_form){ PY_MUL, 1, 1, 1 };
    int scalar = shape_is_scalar(E->ctx, a->shape) || shape_is_scalar(E->ctx, b->shape);
    whole_operand(E, a, PY_MUL, out);
    sb_puts(out, scalar ? " * " : " @ ");
    whole_operand(E, b, PY_UNARY, out);
    return (py_form){ PY_MUL, 1, 1, 1 };
}

static py_form reduce(py_emitter *E, const nd_node *n, strbuf *out)
{
    const nd_opinfo *o = &ops_table[n->op];
    if (n->op == OP_PROD) {     /* a dot product */
        sb_puts(out, "np.vdot(");
        py_whole(E, n->kid[0], out);
        sb_puts(out, ", ");
        py_whole(E, n->kid[1], out);
        sb_putc(out, ')');
        return (py_form){ PY_ATOM, 1, 1, 1 };
    }
    strbuf x;
    sb_init(&x);
    py_whole(E, n->kid[0], &x);
    const char *a = sb_str(&x);
    int named = cg_val(E->p, n->kid[0])->kind != V_INLINE;
    if (o->c_finish == CGE_SQRT)
        sb_puts(out, "np.sqrt(");
    if (o->c_term == CGT_DIAGONAL)
        sb_printf(out, "np.trace(%s)", a);
    else if (o->c_term == CGT_ABS)
        sb_printf(out, "np.sum(np.abs(%s))", a);
    else if (o->c_term == CGT_SQUARE && named)
        sb_printf(out, "np.vdot(%s, %s)", a, a);
    else if (o->c_term == CGT_SQUARE)
        sb_printf(out, "np.sum(np.square(%s))", a);
    else
        sb_printf(out, "np.%s(%s)", o->c_finish == CGE_MEAN ? "mean" : "sum", a);
    if (o->c_finish == CGE_SQRT)
        sb_putc(out, ')');
    sb_free(&x);
    return (py_form){ PY_ATOM, 1, 1, 1 };
}

/* An argument of a helper: an array of two axes, a scalar too. */
static void call_arg(py_emitter *E, const nd_node *k, strbuf *out)
{
    if (shape_is_scalar(E->ctx, k->shape)) {
        sb_puts(out, "np.full((1, 1), ");
        py_expr(E, k, out);
        sb_putc(out, ')');
    } else {
        py_whole(E, k, out);
    }
}

/* A name, or a name's transpose: no parentheses needed around it. */
static int atomic(const char *t)
{
    size_t k = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");
    return k > 0 && (t[k] == '\0' || !strcmp(t + k, ".T"));
}

/* One axis of a slice: ':' for all of it, else lo:hi. */
static void slice_axis(py_emitter *E, long off, nd_dim ext, nd_dim of, strbuf *out)
{
    long v = dim_value(E->ctx, ext);
    if (off == 0 && dim_same(E->ctx, ext, of)) {
        sb_putc(out, ':');
    } else if (v > 0) {
        sb_printf(out, "%ld:%ld", off, off + v);
    } else {
        sb_printf(out, "%ld:%ld + ", off, off);
        py_dim_text(E, ext, out);
    }
}

/* x(r, c): a slice of the 2-D operand, a view (not fresh). */
static py_form block(py_emitter *E, const nd_node *n, strbuf *out)
{
    const nd_node *x = n->kid[0];
    long r0 = mpz_get_si(mpq_numref(n->kid[1]->u.q)), c0 = mpz_get_si(mpq_numref(n->kid[2]->u.q));
    strbuf b;
    sb_init(&b);
    call_arg(E, x, &b);
    sb_printf(out, atomic(sb_str(&b)) ? "%s[" : "(%s)[", sb_str(&b));
    slice_axis(E, r0, n->shape.rows, x->shape.rows, out);
    sb_puts(out, ", ");
    slice_axis(E, c0, n->shape.cols, x->shape.cols, out);
    sb_putc(out, ']');
    sb_free(&b);
    if (shape_is_scalar(E->ctx, n->shape))
        sb_puts(out, "[0, 0]");
    return (py_form){ PY_ATOM, 1, 1, 0 };
}

/* vec(X) and unvec(v, m): X's columns stacked (Fortran order) and back;
 * a reshape of a copy (a view of a transpose would be one too). */
static py_form reshape(py_emitter *E, const nd_node *n, strbuf *out)
{
    strbuf b;
    sb_init(&b);
    call_arg(E, n->kid[0], &b);
    sb_printf(out, atomic(sb_str(&b)) ? "%s" : "(%s)", sb_str(&b));
    if (n->op == OP_VEC)
        sb_puts(out, ".reshape((-1, 1), order='F')");
    else
        sb_printf(out, ".reshape((%ld, -1), order='F')", dim_value(E->ctx, n->shape.rows));
    sb_free(&b);
    return (py_form){ PY_ATOM, 1, 1, 1 };
}

static py_form call(py_emitter *E, const nd_node *n, strbuf *out)
{
    if (n->op == OP_INDEX)
        return block(E, n, out);
    if (n->op == OP_VEC || n->op == OP_UNVEC)
        return reshape(E, n, out);
    const char *f = NULL;
    int array = 1;      /* returns an array (of n's shape) */
    switch (n->op) {
    case OP_MPOW: f = "np.linalg.matrix_power"; break;
    case OP_INV: f = "np.linalg.inv"; break;
    case OP_DET: f = "np.linalg.det"; array = 0; break;
    case OP_LOGDET: f = "_logdet"; py_use(E, PYH_logdet); array = 0; break;
    case OP_SOFTMAX: f = "_softmax"; py_use(E, PYH_softmax); break;
    case OP_LOGSOFTMAX: f = "_logsoftmax"; py_use(E, PYH_logsoftmax); break;
    case OP_LOGSUMEXP: f = "_logsumexp"; py_use(E, PYH_logsumexp); break;
    case OP_CROSSENTROPY: f = "_xent"; py_use(E, PYH_xent); array = 0; break;
    case OP_MAXR: f = "np.max"; array = 0; break;
    case OP_MINR: f = "np.min"; array = 0; break;
    case OP_ISMAX: f = "_ismax"; py_use(E, PYH_ismax); break;
    case OP_ISMIN: f = "_ismin"; py_use(E, PYH_ismin); break;
    case OP_VCAT: f = "np.vstack"; break;
    case OP_HCAT: f = "np.hstack"; break;
    case OP_KRON: f = "np.kron"; break;
    default:
        E->unsupported = ops_table[n->op].name;
        f = "_missing";
        break;
    }
    int tuple = n->op == OP_VCAT || n->op == OP_HCAT;    /* np.vstack((a, b)) */
    sb_printf(out, tuple ? "%s((" : "%s(", f);
    for (uint32_t k = 0; k < n->nkids; k++) {
        if (k)
            sb_puts(out, ", ");
        call_arg(E, n->kid[k], out);
    }
    if (tuple)
        sb_putc(out, ')');
    if (n->op == OP_MPOW)
        sb_printf(out, ", %ld", (long)n->u.k);
    sb_putc(out, ')');
    if (array && shape_is_scalar(E->ctx, n->shape))
        sb_puts(out, "[0, 0]");
    return (py_form){ PY_ATOM, 1, 1, 1 };
}

/* Y'*diag(d)*Y: Y' @ (d * Y), the rows of Y scaled by the column d (no
 * m x m diagonal matrix). */
static py_form syrk(py_emitter *E, const nd_node *n, strbuf *out)
{
    strbuf a, d, y;
    sb_init(&a);
    sb_init(&d);
    sb_init(&y);
    py_whole(E, n->kid[0], &a);
    call_arg(E, n->kid[1]->kid[0], &d);
    py_whole(E, n->kid[2], &y);
    sb_printf(out, atomic(sb_str(&a)) ? "%s @ (" : "(%s) @ (", sb_str(&a));
    sb_printf(out, atomic(sb_str(&d)) ? "%s * " : "(%s) * ", sb_str(&d));
    sb_printf(out, atomic(sb_str(&y)) ? "%s)" : "(%s))", sb_str(&y));
    sb_free(&a);
    sb_free(&d);
    sb_free(&y);
    return (py_form){ PY_ATOM, 1, 1, 1 };
}

/* One instruction as one assignment; *fresh: its value is a new array. */
static void statement(py_emitter *E, const cg_ins *in, const char **out_name, int *out_fresh,
                      unsigned char *fresh, strbuf *out)
{
    nd_node *n = in->node;
    strbuf e;
    sb_init(&e);
    py_form f;
    E->self = in->out < 0 ? n : NULL;
    switch (in->kind) {
    case I_MV:
    case I_MVT:
    case I_MM: f = product(E, n, &e); break;
    case I_REDUCE: f = reduce(E, n, &e); break;
    case I_CALL: f = call(E, n, &e); break;
    case I_SYRK: f = syrk(E, n, &e); break;
    case I_SCALAR: f = py_expr(E, n, &e); break;
    default: f = py_whole(E, n, &e); break;
    }
    E->self = NULL;
    const char *name = in->out >= 0 ? out_name[in->out] : E->val[n->id];
    sb_printf(out, "    %s = %s\n", name ? name : "_missing", sb_str(&e));
    if (in->out >= 0)
        out_fresh[in->out] = f.fresh;
    else
        fresh[n->id] = (unsigned char)f.fresh;
    sb_free(&e);
}

/* return L, grad_W, ...: each gradient shaped like its variable, a copy
 * where the value is an argument or a view. */
static void result(py_emitter *E, const char **out_name, const int *out_fresh, const char **shape_of,
                   strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    sb_puts(out, "    return float(");
    py_expr(E, p->objective, out);
    sb_putc(out, ')');
    for (int g = 0; g < p->n_grads; g++) {
        int v = p->prog->wrt[g];
        cg_value *val = cg_val(p, p->grads[g]);
        int in_buffer = val->kind == V_BUFFER && p->buf[val->index].grad == g;
        const char *name = in_buffer ? E->val[p->grads[g]->id] : out_name[g];
        if (shape_is_scalar(ctx, p->grads[g]->shape)) {
            sb_printf(out, ", float(%s)", name);
            continue;
        }
        int fresh = out_fresh[g];
        sb_printf(out, fresh ? ", %s" : ", np.array(%s)", name);
        if (p->kind == CG_GRADIENT && shape_of[v])   /* a block is the matrix it is */
            sb_printf(out, ".reshape(%s)", shape_of[v]);
    }
    sb_putc(out, '\n');
}

static void body(py_emitter *E, const char **shape_of, strbuf *out)
{
    cg_plan *p = E->p;
    const char **out_name = xmalloc(((size_t)p->n_grads + 1) * sizeof *out_name);
    int *out_fresh = xmalloc(((size_t)p->n_grads + 1) * sizeof *out_fresh);
    unsigned char *fresh = xmalloc((size_t)p->n_val + 1);
    memset(fresh, 0, (size_t)p->n_val + 1);
    for (int g = 0; g < p->n_grads; g++) {
        strbuf b;
        sb_init(&b);
        output_text(E, g, &b);
        out_name[g] = py_name(E, sb_str(&b));
        out_fresh[g] = 1;
        sb_free(&b);
    }
    for (int x = 0; x < p->n_ins; x++)
        statement(E, &p->ins[x], out_name, out_fresh, fresh, out);
    /* An output is returned as it is when the module made it and no other
     * output is the same array; else as a copy. */
    unsigned char *returned = xmalloc((size_t)p->n_val + 1);
    memset(returned, 0, (size_t)p->n_val + 1);
    for (int g = 0; g < p->n_grads; g++) {
        nd_node *n = p->grads[g];
        cg_value *v = cg_val(p, n);
        int in_buffer = v->kind == V_BUFFER && p->buf[v->index].grad == g;
        if (in_buffer || v->kind == V_BUFFER)
            out_fresh[g] = fresh[n->id] && !returned[n->id];
        returned[n->id] = 1;
    }
    free(returned);
    result(E, out_name, out_fresh, shape_of, out);
    free((void *)out_name);
    free(out_fresh);
    free(fresh);
}

/* ---- the module ---- */

static int python_keyword(py_emitter *E, const char *name)
{
    py_emitter probe = { .p = E->p };
    int clash = strcmp(py_name(&probe, name), name) != 0;
    free(probe.taken[0]);
    free(probe.taken);
    return clash;
}

static void module(py_emitter *E, const char *name, const char *program, const char *gradients,
                   strbuf *out)
{
    cg_plan *p = E->p;
    nd_ctx *ctx = E->ctx;
    const char **shape_of = xmalloc(((size_t)ctx->scope->n_vars + 1) * sizeof *shape_of);
    memset(shape_of, 0, ((size_t)ctx->scope->n_vars + 1) * sizeof *shape_of);
    for (int v = 0; v < ctx->scope->n_vars; v++)
        E->var[v] = py_name(E, ctx->scope->vars[v].name);
    strbuf args, code, doc;
    sb_init(&args);
    sb_init(&code);
    sb_init(&doc);
    arguments(E, shape_of, &args);
    name_values(E);
    body(E, shape_of, &code);
    docstring(E, program, gradients, &doc);
    strbuf file;    /* a file name with a newline must not end the comment */
    sb_init(&file);
    for (const char *c = ctx->src->name; *c; c++)
        sb_putc(&file, (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c);
    sb_printf(out, "# Generated by nnderive %s from %s: the objective %s and its %s.\n"
                   "# Do not edit.\n", ND_VERSION, sb_str(&file),
              ctx->scope->binds[p->prog->objective].name, outputs_word(p));
    sb_free(&file);
    if (E->helpers & ((1u << PYH_erf) | (1u << PYH_gelu)))
        sb_puts(out, "import math\n\n");
    sb_puts(out, "import numpy as np\n");
    py_helper_text(E, out);
    sb_printf(out, "\n\ndef %s(", name);
    for (int v = 0; v < ctx->scope->n_vars; v++)
        sb_printf(out, "%s%s", v ? ", " : "", E->var[v]);
    sb_puts(out, "):\n");
    sb_printf(out, "%s%s%s", sb_str(&doc), sb_str(&args), sb_str(&code));
    sb_free(&args);
    sb_free(&code);
    sb_free(&doc);
    free((void *)shape_of);
}

void cg_numpy(cg_plan *p, const char *program, const char *gradients, strbuf *out)
{
    nd_ctx *ctx = p->ctx;
    py_emitter E;
    memset(&E, 0, sizeof E);
    E.p = p;
    E.ctx = ctx;
    const char *name = p->opt->name;
    if (python_keyword(&E, name))
        diag_fail(ctx, (nd_loc){ 0, 0, 0, 0, NULL },
                  "--name %s: the name of the function must not be a Python keyword or a name "
                  "the module uses", name);
    py_name(&E, name);
    E.val = xmalloc(((size_t)p->n_val + 1) * sizeof *E.val);
    memset(E.val, 0, ((size_t)p->n_val + 1) * sizeof *E.val);
    E.var = xmalloc(((size_t)ctx->scope->n_vars + 1) * sizeof *E.var);
    E.dim = xmalloc(((size_t)ctx->dimtab->n_dims + 1) * sizeof *E.dim);
    memset(E.dim, 0, ((size_t)ctx->dimtab->n_dims + 1) * sizeof *E.dim);
    size_t start = out->len;
    module(&E, name, program, gradients, out);
    const char *missing = E.unsupported;     /* raised once the emitter is freed */
    if (missing)
        sb_truncate(out, start);
    for (int i = 0; i < E.n_taken; i++)
        free(E.taken[i]);
    free(E.taken);
    free((void *)E.val);
    free((void *)E.var);
    free((void *)E.dim);
    if (missing)
        diag_fail(ctx, (nd_loc){ 0, 0, 0, 0, NULL }, "--numpy: %s%s%s has no NumPy form yet",
                  strchr(missing, ' ') ? "" : "'", missing, strchr(missing, ' ') ? "" : "'");
}
